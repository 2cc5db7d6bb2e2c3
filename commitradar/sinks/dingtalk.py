"""DingTalk custom robot (自定义机器人): a ``markdown`` message.

- Sending: https://open.dingtalk.com/document/orgapp/custom-robot-access — POST JSON
  ``{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}`` (``title`` is what the chat list
  shows); the answer is HTTP 200 with ``{"errcode": 0, "errmsg": "ok"}`` or an error code (130101: more
  than 20 messages a minute; 310000: keyword, IP or signature check failed; 460101: body over 20,000
  bytes). Message types: https://open.dingtalk.com/document/orgapp/custom-bot-send-message-type
- Signing (加签): https://open.dingtalk.com/document/robots/customize-robot-security-settings — the URL
  carries ``timestamp`` (milliseconds, within an hour) and ``sign`` = URL-encoded base64(HMAC-SHA256 keyed
  with the secret over ``"{timestamp}\\n{secret}"``), as DingTalk's Python sample computes it.

Untrusted text is made inert with :func:`~commitradar.sinks.base.chat_md`.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import quote_plus

from .base import SINKS, Platform, Signed, Summary, accept_errcode, chat_md, item_line, json_size, s, safe_url, sections

LIMIT = 20_000 - 200  # body bytes (errcode 460101 above 20,000)


def sign(timestamp_ms: int, secret: str) -> str:
    """The ``sign`` query value (already URL-encoded)."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return quote_plus(base64.b64encode(digest))


def _sign(url: str, payload: dict, secret: str, now: float) -> Signed:
    ts = int(now * 1000)
    signature = sign(ts, secret)
    sep = "&" if "?" in url else "?"
    return Signed(f"{url}{sep}timestamp={ts}&sign={signature}", payload, secrets=(signature,))


def _link(text: str, url: str) -> str:
    return f"[{text}]({safe_url(url)})"


def build(summary: Summary, keep: int) -> dict:
    lang = summary.lang
    parts = [f"#### {chat_md(summary.title)}", chat_md(summary.stats_line)]
    if summary.overview:
        parts.append("> " + chat_md(summary.overview))
    groups, left = sections(summary, keep)
    for kind, items in groups:
        parts.append(f"**{chat_md(summary.heading(kind))}**")
        lines = []
        for item in items:
            ref = _link(item.sha[:7], item.url) if item.url else item.sha[:7]
            lines.append(f"- {ref} {chat_md(item_line(item))}")
        parts.append("\n".join(lines))
    if not summary.items:
        parts.append(s(lang, "quiet"))
    links = [_link(s(lang, key), url) for key, url in (("report", summary.report_url), ("site", summary.site_url)) if url]
    tail = " · ".join(links) if links else chat_md(s(lang, "report_file", path=summary.report_path))
    parts.append((chat_md(summary.more(left)) + " " if left else "") + tail)
    return {"msgtype": "markdown", "markdown": {"title": summary.title, "text": "\n\n".join(parts)}}


SINKS.add("dingtalk", Platform(
    name="dingtalk", build=build, limit=LIMIT, measure=json_size, sign=_sign,
    accept=accept_errcode(("errcode",), {130101}, "DingTalk"),
    docs=("https://open.dingtalk.com/document/orgapp/custom-robot-access",
          "https://open.dingtalk.com/document/robots/customize-robot-security-settings"),
))
