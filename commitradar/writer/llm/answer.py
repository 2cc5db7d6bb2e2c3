"""What the model must answer, per tier, and how an answer becomes ``Prose`` — or is rejected.

``SCHEMAS[tier]`` is sent as ``response_format`` (strict JSON schema: every property required, no extra
ones, which is what OpenAI's strict mode accepts). ``parse_answer`` is tolerant of what servers without
schema support return (code fences, prose around the object); ``validate`` is strict about content: the
schema, plus limits the wire schema cannot express everywhere (item counts, non-blank text). Anything that
fails raises ``AnswerError`` with a one-line reason, used in the repair request and in the visible marker.
"""
from __future__ import annotations

import json
import re
from typing import Any

import jsonschema

from ...records import Insights, Prose
from ..deterministic import clip

_STR = {"type": "string"}
_LIST = {"type": "array", "items": _STR}
INSIGHT_KEYS = ("architecture", "performance", "security", "maintainability")

SCHEMAS: dict[str, dict] = {
    "high": {
        "type": "object",
        "properties": {
            "summary": _LIST,
            "impact": _LIST,
            "insights": {
                "type": "object",
                "properties": {k: _STR for k in INSIGHT_KEYS},
                "required": list(INSIGHT_KEYS),
                "additionalProperties": False,
            },
            "risks": _LIST,
            "suggestions": _LIST,
        },
        "required": ["summary", "impact", "insights", "risks", "suggestions"],
        "additionalProperties": False,
    },
    "medium": {
        "type": "object",
        "properties": {"summary": _LIST, "impact": _LIST, "suggestions": _LIST},
        "required": ["summary", "impact", "suggestions"],
        "additionalProperties": False,
    },
}
SCHEMAS["overview"] = {  # the day's overview (one request per report, see .overview)
    "type": "object",
    "properties": {"overview": _STR},
    "required": ["overview"],
    "additionalProperties": False,
}
# item limits: (min, max) per list field; more than max is an error (the model ignored the instructions)
LIMITS: dict[str, dict[str, tuple[int, int]]] = {
    "high": {"summary": (1, 6), "impact": (1, 8), "risks": (0, 6), "suggestions": (1, 6)},
    "medium": {"summary": (1, 5), "impact": (1, 5), "suggestions": (1, 5)},
}
FIELD_HINTS = {
    "en": {"high": "summary (2-5 bullets), impact (affected modules, 1-6 items), insights (architecture, performance, "
                   "security, maintainability: one short paragraph each), risks (0-5), suggestions (what to check, 1-5)",
           "medium": "summary (1-4 bullets), impact (1-4 items), suggestions (what to check, 1-4)"},
    "zh": {"high": "summary（变更摘要，2-5 条）、impact（影响范围，1-6 条）、insights（技术洞察：architecture 架构、performance 性能、"
                   "security 安全、maintainability 可维护性，各一小段）、risks（潜在风险，0-5 条）、suggestions（关注建议，1-5 条）",
           "medium": "summary（变更摘要，1-4 条）、impact（影响范围，1-4 条）、suggestions（关注建议，1-4 条）"},
}
MAX_ITEM_CHARS = 600
_BULLET_PREFIX = re.compile(r"^\s*(?:[-*•+]\s+|\d{1,2}[.)、]\s*|#{1,6}\s+|>\s*)+")
_FENCE = re.compile(r"```[a-zA-Z]*\s*\n?(.*?)```", re.S)


class AnswerError(ValueError):
    """The model's answer cannot be used; the message is one short line."""


def parse_answer(text: str | None) -> Any:
    """The first JSON object in ``text``: as is, inside a code fence, or surrounded by prose."""
    if text is None or not text.strip():
        raise AnswerError("empty answer")
    s = text.strip().lstrip("\ufeff")
    candidates = [s] + [m.group(1).strip() for m in _FENCE.finditer(s)]
    for cand in candidates:
        try:
            return json.loads(cand)
        except ValueError:
            pass
    dec = json.JSONDecoder()
    for m in re.finditer(r"\{", s):
        try:
            obj, _ = dec.raw_decode(s, m.start())
            if isinstance(obj, dict):
                return obj
        except ValueError:
            continue
    raise AnswerError("not valid JSON")


def _clean_item(text: str) -> str:
    text = _BULLET_PREFIX.sub("", re.sub(r"\s+", " ", text)).strip()
    return clip(text, MAX_ITEM_CHARS) if len(text) > MAX_ITEM_CHARS else text


def validate(obj: Any, tier: str) -> dict:
    """The answer, normalised (items stripped of bullet marks, blank items dropped), or ``AnswerError``."""
    if not isinstance(obj, dict):
        raise AnswerError(f"expected a JSON object, got {type(obj).__name__}")
    try:
        jsonschema.validate(obj, SCHEMAS[tier])
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "top level"
        raise AnswerError(f"schema violation at {where}: {exc.message[:160]}") from None
    out: dict[str, Any] = {}
    for key, (lo, hi) in LIMITS[tier].items():
        items = [_clean_item(x) for x in obj[key]]
        items = [x for x in items if re.search(r"\w", x)]
        if len(items) < lo:
            raise AnswerError(f"'{key}' needs at least {lo} non-empty item(s)")
        if len(items) > hi:
            raise AnswerError(f"'{key}' has {len(items)} items (at most {hi})")
        out[key] = items
    if tier == "high":
        ins = {k: _clean_item(obj["insights"][k]) for k in INSIGHT_KEYS}
        if sum(1 for v in ins.values() if re.search(r"\w", v)) < 2:
            raise AnswerError("'insights' needs text for at least two aspects")
        out["insights"] = ins
    return out


def to_prose(answer: dict, tier: str, tokens_in: int = 0, tokens_out: int = 0) -> Prose:
    insights = Insights(**answer["insights"]) if tier == "high" else None
    return Prose(
        summary=tuple(answer["summary"]),
        impact=tuple(answer["impact"]),
        insights=insights,
        risks=tuple(answer.get("risks", ())),
        suggestions=tuple(answer["suggestions"]),
        source="llm",
        tokens_in=tokens_in,
        tokens_out=tokens_out,
    )


def schema_text(tier: str) -> str:
    """The answer's shape for the prompt: much shorter than the JSON schema (which goes in response_format)."""
    def shape(schema: dict):
        if schema["type"] == "object":
            return {k: shape(v) for k, v in schema["properties"].items()}
        return ["…"] if schema["type"] == "array" else "…"
    return json.dumps(shape(SCHEMAS[tier]), ensure_ascii=False)


__all__ = ["SCHEMAS", "LIMITS", "AnswerError", "parse_answer", "validate", "to_prose", "schema_text", "FIELD_HINTS"]
