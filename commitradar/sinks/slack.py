"""Slack incoming webhook: a message of Block Kit blocks.

- Incoming webhooks: https://api.slack.com/messaging/webhooks (POST JSON with ``text`` and ``blocks``;
  HTTP 200 "ok", 4xx with a reason, 429 with ``Retry-After``: https://api.slack.com/apis/rate-limits).
- Blocks: https://api.slack.com/reference/block-kit/blocks (≤ 50 blocks; ``header`` plain text ≤ 150
  characters; ``section`` text ≤ 3000) and rich text
  https://api.slack.com/reference/block-kit/blocks#rich_text.
- Escaping: https://api.slack.com/reference/surfaces/formatting#escaping — ``&``, ``<`` and ``>`` are the
  control characters of ``mrkdwn`` and must be sent as ``&amp;``, ``&lt;``, ``&gt;``.

Untrusted text goes only into ``plain_text`` objects and rich-text ``text`` elements, which Slack shows
literally (no links, mentions or formatting can come out of a commit subject); the notification ``text``
(mrkdwn) is escaped as above. Slack rejects messages whose blocks hold more than about 13,000 characters
(``msg_blocks_too_long``) although the documented ceilings are higher, so the message is kept under 12,000.
"""
from __future__ import annotations

from .base import SINKS, Platform, Summary, item_line, s, sections, short

LIMIT = 12_000  # characters of text in the blocks and the notification text


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _text(text: str, bold: bool = False) -> dict:
    el = {"type": "text", "text": text}
    if bold:
        el["style"] = {"bold": True}
    return el


def _link(url: str, text: str) -> dict:
    return {"type": "link", "url": url, "text": text}


def build(summary: Summary, keep: int) -> dict:
    blocks: list[dict] = [
        {"type": "header", "text": {"type": "plain_text", "text": short(summary.title, 150), "emoji": True}},
        {"type": "section", "text": {"type": "mrkdwn", "text": escape(summary.stats_line)}},
    ]
    if summary.overview:
        blocks.append({"type": "section", "text": {"type": "plain_text", "text": summary.overview, "emoji": False}})
    groups, left = sections(summary, keep)
    for kind, items in groups:
        bullets = []
        for item in items:
            els = [_text(f"{item_line(item)} ")]
            els.append(_link(item.url, item.sha[:7]) if item.url else _text(item.sha[:7]))
            bullets.append({"type": "rich_text_section", "elements": els})
        blocks.append({"type": "rich_text", "elements": [
            {"type": "rich_text_section", "elements": [_text(summary.heading(kind), bold=True)]},
            {"type": "rich_text_list", "style": "bullet", "elements": bullets},
        ]})
    if not summary.items:
        blocks.append({"type": "section", "text": {"type": "plain_text", "text": s(summary.lang, "quiet"), "emoji": True}})
    tail: list[dict] = []
    if left:
        tail.append(_text(summary.more(left) + " "))
    if summary.report_url or summary.site_url:
        if summary.report_url:
            tail.append(_link(summary.report_url, s(summary.lang, "report")))
        if summary.site_url:
            if summary.report_url:
                tail.append(_text(" · "))
            tail.append(_link(summary.site_url, s(summary.lang, "site")))
    else:
        tail.append(_text(s(summary.lang, "report_file", path=summary.report_path)))
    blocks.append({"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": tail}]})
    return {"text": escape(f"{summary.title}: {summary.stats_line}"), "blocks": blocks}


def measure(payload: dict) -> int:
    """Characters of text a reader sees (what Slack's block limits count)."""
    total = len(payload.get("text", ""))

    def walk(node) -> None:
        nonlocal total
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    total += len(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for x in node:
                walk(x)

    walk(payload.get("blocks", []))
    return total


SINKS.add("slack", Platform(
    name="slack", build=build, limit=LIMIT, measure=measure,
    docs=("https://api.slack.com/messaging/webhooks", "https://api.slack.com/reference/block-kit/blocks",
          "https://api.slack.com/reference/surfaces/formatting#escaping"),
))
