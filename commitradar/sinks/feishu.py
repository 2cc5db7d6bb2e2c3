"""Feishu / Lark custom bot (自定义机器人): a rich-text ``post`` message.

- Custom bot guide: https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot — POST JSON
  ``{"msg_type": "post", "content": {"post": {"zh_cn": {"title", "content": [[element, ...], ...]}}}}``;
  the answer is HTTP 200 with ``{"code": 0, "msg": "success"}`` (or an error code, e.g. 19021 for a bad
  signature, 11232 when sending too fast); the request body may not exceed 20 KB.
- Signature check (签名校验): with a secret, the body also carries ``timestamp`` (seconds, within an
  hour of Feishu's clock) and ``sign`` = base64(HMAC-SHA256 keyed with ``"{timestamp}\\n{secret}"`` over
  an empty message), as the guide's Python sample computes it.

Untrusted text only ever fills ``{"tag": "text"}`` elements, which Feishu shows literally (links are
separate ``{"tag": "a"}`` elements with our URLs), so no markup of a commit subject is interpreted.
"""
from __future__ import annotations

import base64
import hashlib
import hmac

from .base import SINKS, Platform, Signed, Summary, accept_errcode, item_line, json_size, s, sections

LIMIT = 20 * 1024 - 256  # request body bytes; room left for timestamp and sign


def sign(timestamp: int, secret: str) -> str:
    key = f"{timestamp}\n{secret}".encode()
    return base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def _sign(url: str, payload: dict, secret: str, now: float) -> Signed:
    ts = int(now)
    signature = sign(ts, secret)
    return Signed(url, {"timestamp": str(ts), "sign": signature, **payload}, secrets=(signature,))


def _t(text: str, bold: bool = False) -> dict:
    el = {"tag": "text", "text": text}
    if bold:
        el["style"] = ["bold"]
    return el


def _a(text: str, href: str) -> dict:
    return {"tag": "a", "text": text, "href": href}


def build(summary: Summary, keep: int) -> dict:
    rows: list[list[dict]] = [[_t(summary.stats_line)]]
    if summary.overview:
        rows.append([_t(summary.overview)])
    groups, left = sections(summary, keep)
    for kind, items in groups:
        rows.append([_t(summary.heading(kind), bold=True)])
        for item in items:
            row = [_t(f"• {item_line(item)} ")]
            row.append(_a(item.sha[:7], item.url) if item.url else _t(item.sha[:7]))
            rows.append(row)
    if not summary.items:
        rows.append([_t(s(summary.lang, "quiet"))])
    tail: list[dict] = []
    if left:
        tail.append(_t(summary.more(left) + " "))
    if summary.report_url:
        tail.append(_a(s(summary.lang, "report"), summary.report_url))
    if summary.site_url:
        tail += ([_t(" · ")] if summary.report_url else []) + [_a(s(summary.lang, "site"), summary.site_url)]
    if not (summary.report_url or summary.site_url):
        tail.append(_t(s(summary.lang, "report_file", path=summary.report_path)))
    rows.append(tail)
    lang = "zh_cn" if summary.lang == "zh" else "en_us"
    return {"msg_type": "post", "content": {"post": {lang: {"title": summary.title, "content": rows}}}}


SINKS.add("feishu", Platform(
    name="feishu", build=build, limit=LIMIT, measure=json_size, sign=_sign,
    accept=accept_errcode(("code", "StatusCode"), {11232}, "Feishu"),
    docs=("https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot",),
))
