"""The day's overview: one extra request per report, 2–4 sentences from the entries' structured facts.

The facts are data, never instructions: one JSON record per commit (tier, change type, title, areas, size,
breaking change, PR's user-facing answer) and the deterministic headline, redacted, inside a fence longer
than any backtick run in it, between ``<<<COMMIT_DATA`` / ``COMMIT_DATA>>>`` markers that commit text cannot
forge (as in :mod:`.prompt`). No raw body or diff is sent. The answer is cached by the digest of what was
sent (so the same day, model and language send nothing again), budgeted and counted in ``Usage.overview``.
Anything wrong (HTTP failure, no budget, bad JSON, not 2–4 sentences) leaves the deterministic headline.
"""
from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

import jinja2

from ...records import Commit, Features, Headline, Verdict
from ..redact import redact
from .answer import SCHEMAS, AnswerError, parse_answer
from .prompt import _defuse, _fence, words_for
from .tokens import estimate_messages

OVERVIEW_VERSION = "o1"  # part of the cache key: bump with any template or schema change
OVERVIEW_TIER = "overview"  # the cache's "tier" column and the response-format schema name
SCHEMA = SCHEMAS[OVERVIEW_TIER]
MAX_COMMITS = 40  # medium/high commits described one by one; the rest are counted
MAX_CHARS = 900
MIN_SENTENCES, MAX_SENTENCES = 2, 4
_SENTENCE = re.compile(r"[.!?](?=\s|$)|[。！？]")

_env = jinja2.Environment(loader=jinja2.PackageLoader("commitradar", "prompts"), autoescape=False,
                          trim_blocks=True, keep_trailing_newline=False, undefined=jinja2.StrictUndefined)


@dataclass
class OverviewRequest:
    key: str  # digest of the messages: the cache key
    messages: list[dict]
    max_tokens: int
    est_tokens_in: int
    redactions: int


def _clean(text: str) -> tuple[str, int]:
    text, n = redact(text)
    return re.sub(r"\s+", " ", text).strip(), n


def facts(items: Sequence[tuple[Commit, Features, Verdict]], headline: Headline) -> tuple[dict, int]:
    """The day as data: the headline lines and one record per medium/high commit (low ones counted)."""
    redactions = 0
    records = []
    for commit, feats, verdict in items:
        if verdict.tier == "low" or len(records) >= MAX_COMMITS:
            continue
        title, n = _clean(feats.title or commit.subject)
        redactions += n
        rec = {
            "sha": commit.sha[:12],
            "tier": verdict.tier,
            "change_type": verdict.change_type,
            "title": title,
            "areas": [c.category for c in feats.categories],
            "lines_changed": feats.lines,
        }
        if feats.breaking is not None:
            subject, n = _clean(feats.breaking.subject)
            redactions += n
            rec["breaking"] = {"kind": feats.breaking.kind, "subject": subject, "version": feats.breaking.version}
        if feats.pr.user_facing == "yes" and feats.pr.user_facing_text:
            said, n = _clean(feats.pr.user_facing_text[0][:300])
            redactions += n
            rec["user_facing_change"] = said
        records.append(rec)
    lines = []
    for item in headline.items:
        text, n = _clean(item.text)
        redactions += n
        lines.append({"kind": item.kind, "sha": item.sha[:12], "text": text})
    low = sum(1 for _, _, v in items if v.tier == "low")
    return {"headline": lines, "commits": records, "low_tier_commits": low,
            "not_listed": max(0, sum(1 for _, _, v in items if v.tier != "low") - len(records))}, redactions


def build_request(items: Sequence[tuple[Commit, Features, Verdict]], headline: Headline, lang: str, llm,
                  model: str) -> OverviewRequest:
    data, redactions = facts(items, headline)
    body = _defuse(json.dumps(data, ensure_ascii=False, indent=1))
    counts = {tier: sum(1 for _, _, v in items if v.tier == tier) for tier in ("high", "medium", "low")}
    repo = _defuse(_clean(items[0][0].repo)[0]) if items else ""
    max_tokens = llm.max_output_tokens_medium
    words = min(90 if lang == "en" else 160, words_for(max_tokens, lang))
    system = _env.get_template(f"{OVERVIEW_VERSION}_overview_system_{lang}.j2").render(words=words).strip()
    user = _env.get_template(f"{OVERVIEW_VERSION}_overview_user_{lang}.j2").render(
        repo=repo, n=len(items), counts=", ".join(f"{k} {v}" for k, v in counts.items()), fence=_fence(body),
        facts=body).strip()
    messages = [{"role": "system", "content": system}, {"role": "user", "content": user}]
    key = hashlib.sha256(json.dumps([model, lang, messages], ensure_ascii=False).encode()).hexdigest()
    return OverviewRequest(key, messages, max_tokens, estimate_messages(messages), redactions)


def sentences(text: str) -> int:
    return len(_SENTENCE.findall(text.strip())) or (1 if text.strip() else 0)


def validate(obj) -> str:
    """The overview text, or ``AnswerError``: one JSON object with one string of 2–4 plain sentences."""
    if not isinstance(obj, dict) or set(obj) != {"overview"} or not isinstance(obj["overview"], str):
        raise AnswerError('expected {"overview": "<2-4 sentences>"}')
    text = re.sub(r"\s+", " ", obj["overview"]).strip()
    if not re.search(r"\w", text):
        raise AnswerError("empty overview")
    if len(text) > MAX_CHARS:
        raise AnswerError(f"overview of {len(text)} characters (at most {MAX_CHARS})")
    if re.search(r"(^|\s)(#{1,6}\s|[-*+]\s|\d+[.)]\s)|<[a-z/!]|\]\(", text, re.I):
        raise AnswerError("overview is not plain sentences (Markdown list, heading, link or HTML)")
    n = sentences(text)
    if not MIN_SENTENCES <= n <= MAX_SENTENCES:
        raise AnswerError(f"overview has {n} sentences (2-4)")
    if text.count("`") % 2:
        text = text.replace("`", "")
    return text


def parse(text: str | None) -> str:
    return validate(parse_answer(text))


__all__ = ["OVERVIEW_VERSION", "OVERVIEW_TIER", "SCHEMA", "OverviewRequest", "build_request", "facts", "validate",
           "parse", "sentences"]
