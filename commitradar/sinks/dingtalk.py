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

from .base import SINKS, Platform, Signed, Summary, accept_errcode, chat_markdown, json_size

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


def build(summary: Summary, keep: int) -> dict:
    blocks = chat_markdown(summary, keep, title="#### {}", bullet="- ")
    text = "\n\n".join("\n".join(block) for block in blocks)
    return {"msgtype": "markdown", "markdown": {"title": summary.title, "text": text}}


SINKS.add("dingtalk", Platform(
    name="dingtalk", build=build, limit=LIMIT, measure=json_size, sign=_sign,
    accept=accept_errcode(("errcode",), {130101}, "DingTalk"),
    docs=("https://open.dingtalk.com/document/orgapp/custom-robot-access",
          "https://open.dingtalk.com/document/robots/customize-robot-security-settings"),
))
