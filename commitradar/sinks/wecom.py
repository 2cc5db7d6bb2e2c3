"""WeCom (企业微信) group robot (群机器人): a ``markdown`` message.

- Group robot: https://developer.work.weixin.qq.com/document/path/91770 — POST JSON
  ``{"msgtype": "markdown", "markdown": {"content": ...}}``; ``content`` at most 4096 bytes of UTF-8
  (errcode 40058 above); at most 20 messages a minute (errcode 45009 when exceeded); the answer is
  HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}``. The robot does not sign: the key in the URL is the
  credential. Its markdown knows headings, bold, links, inline code, quotes, ``<font color>`` and
  ``<@userid>`` mentions — the last two are why ``<`` and ``>`` of untrusted text are made inert
  (:func:`~commitradar.sinks.base.chat_md`).
"""
from __future__ import annotations

from .base import SINKS, Platform, Summary, accept_errcode, chat_md, item_line, s, safe_url, sections

LIMIT = 4096  # bytes of markdown.content


def _link(text: str, url: str) -> str:
    return f"[{text}]({safe_url(url)})"


def build(summary: Summary, keep: int) -> dict:
    lang = summary.lang
    lines = [f"**{chat_md(summary.title)}**", chat_md(summary.stats_line)]
    if summary.overview:
        lines.append("> " + chat_md(summary.overview))
    groups, left = sections(summary, keep)
    for kind, items in groups:
        lines.append(f"**{chat_md(summary.heading(kind))}**")
        for item in items:
            ref = _link(item.sha[:7], item.url) if item.url else item.sha[:7]
            lines.append(f"{ref} {chat_md(item_line(item))}")
    if not summary.items:
        lines.append(s(lang, "quiet"))
    links = [_link(s(lang, key), url) for key, url in (("report", summary.report_url), ("site", summary.site_url)) if url]
    tail = " · ".join(links) if links else chat_md(s(lang, "report_file", path=summary.report_path))
    lines.append((chat_md(summary.more(left)) + " " if left else "") + tail)
    return {"msgtype": "markdown", "markdown": {"content": "\n".join(lines)}}


def measure(payload: dict) -> int:
    return len(payload["markdown"]["content"].encode("utf-8"))


SINKS.add("wecom", Platform(
    name="wecom", build=build, limit=LIMIT, measure=measure,
    accept=accept_errcode(("errcode",), {45009}, "WeCom"),
    docs=("https://developer.work.weixin.qq.com/document/path/91770",),
))
