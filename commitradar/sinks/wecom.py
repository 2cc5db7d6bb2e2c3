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

from .base import SINKS, Platform, Summary, accept_errcode, chat_markdown

LIMIT = 4096  # bytes of markdown.content


def build(summary: Summary, keep: int) -> dict:
    blocks = chat_markdown(summary, keep, title="**{}**", bullet="")
    return {"msgtype": "markdown", "markdown": {"content": "\n".join(line for block in blocks for line in block)}}


def measure(payload: dict) -> int:
    return len(payload["markdown"]["content"].encode("utf-8"))


SINKS.add("wecom", Platform(
    name="wecom", build=build, limit=LIMIT, measure=measure,
    accept=accept_errcode(("errcode",), {45009}, "WeCom"),
    docs=("https://developer.work.weixin.qq.com/document/path/91770",),
))
