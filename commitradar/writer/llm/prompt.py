"""Prompts: versioned jinja2 templates in ``commitradar/prompts/`` (``v1_system_zh.j2`` ...), one set per language.

The commit is *data*: facts as a JSON object and the diff excerpt in a fence longer than any backtick or
tilde run inside it, both between ``<<<COMMIT_DATA`` / ``COMMIT_DATA>>>`` markers that commit text cannot
forge (the marker words are defused inside the data). Tier and change type are stated outside the data,
as decisions already taken; no schema field lets the model change them.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import jinja2

from ...i18n import CHANGE_TYPE_NAMES
from ...records import Commit, Features, Verdict
from ..redact import redact
from .answer import FIELD_HINTS, schema_text
from .excerpt import Excerpt, build_excerpt
from .tokens import estimate_messages

PROMPT_VERSION = "v1"  # part of the cache key: bump with any template or schema change
MAX_FILES_LISTED = 40

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("commitradar", "prompts"),
    autoescape=False,
    trim_blocks=True,
    keep_trailing_newline=False,
    undefined=jinja2.StrictUndefined,
)
_MARKER = re.compile(r"(<<<\s*|)COMMIT_DATA(\s*>>>|)", re.I)


@dataclass
class Request:
    sha: str
    tier: str
    messages: list[dict]
    max_tokens: int
    est_tokens_in: int
    excerpt: Excerpt
    lang: str


def _defuse(text: str) -> str:
    return _MARKER.sub("COMMIT-DATA", text)


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}|~{3,}", text)), default=0)
    return "`" * max(3, longest + 1)


def words_for(max_tokens: int, lang: str) -> int:
    """How long to ask the answer to be, leaving room for JSON syntax (about 60 % of the token limit)."""
    return int(max_tokens * 0.6 * (1.0 if lang == "zh" else 0.7))


def facts(commit: Commit, feats: Features, mapping=None) -> tuple[dict, int]:
    from ...features.paths import DEFAULT_MAPPING, categorize

    mapping = mapping or DEFAULT_MAPPING
    subject, n1 = redact(commit.subject)
    body, n2 = redact(commit.body)
    files = [{"path": f.path, "added": f.added, "deleted": f.deleted, "category": categorize(f.path, mapping)}
             for f in sorted(commit.files, key=lambda f: -f.lines)[:MAX_FILES_LISTED]]
    data = {
        "repository": commit.repo,
        "sha": commit.sha[:12],
        "subject": subject,
        "body": body,
        "tags": list(feats.tags),
        "conventional_type": feats.conventional_type,
        "breaking": feats.breaking_mark,
        "is_revert": feats.is_revert,
        "files_total": feats.n_files,
        "lines_added": feats.added,
        "lines_deleted": feats.deleted,
        "categories": {c.category: {"files": c.files, "added": c.added, "deleted": c.deleted} for c in feats.categories},
        "files": files,
    }
    if feats.n_files > MAX_FILES_LISTED:
        data["files_not_listed"] = feats.n_files - MAX_FILES_LISTED
    return data, n1 + n2


def compact_json(data: dict) -> str:
    """One key per line, values compact; list items one per line (readable and cheap in tokens)."""
    lines = []
    for k, v in data.items():
        if isinstance(v, list) and v and isinstance(v[0], dict):
            items = ",\n  ".join(json.dumps(x, ensure_ascii=False) for x in v)
            lines.append(f"{json.dumps(k)}: [\n  {items}\n ]")
        else:
            lines.append(f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}")
    return "{\n " + ",\n ".join(lines) + "\n}"


def system_message(tier: str, lang: str, max_tokens: int) -> str:
    return _env.get_template(f"{PROMPT_VERSION}_system_{lang}.j2").render(
        schema=schema_text(tier), words=words_for(max_tokens, lang)).strip()


def build_request(commit: Commit, feats: Features, verdict: Verdict, lang: str, llm, mapping=None, loader=None) -> Request:
    """The chat messages for one medium/high commit, with its excerpt and estimated input tokens."""
    tier = verdict.tier
    budget = llm.budget_high if tier == "high" else llm.budget_medium
    max_tokens = llm.max_output_tokens_high if tier == "high" else llm.max_output_tokens_medium
    kw = {"loader": loader} if loader else {}
    if mapping is not None:
        kw["mapping"] = mapping
    ex = build_excerpt(commit, budget, **kw)
    data, n = facts(commit, feats, mapping)
    ex.redactions += n
    diff = _defuse(ex.text) if ex.text else "(no diff shown)"
    user = _env.get_template(f"{PROMPT_VERSION}_user_{lang}.j2").render(
        tier=tier,
        change_type=CHANGE_TYPE_NAMES[lang].get(verdict.change_type, verdict.change_type),
        fields=FIELD_HINTS[lang][tier],
        facts=_defuse(compact_json(data)),
        excerpt_tokens=ex.tokens,
        full_tokens=max(ex.full_tokens, ex.tokens),
        omitted=_defuse(ex.omitted_note),
        fence=_fence(diff),
        diff=diff,
    ).strip()
    messages = [{"role": "system", "content": system_message(tier, lang, max_tokens)},
                {"role": "user", "content": user}]
    return Request(commit.sha, tier, messages, max_tokens, estimate_messages(messages), ex, lang)


def repair_messages(req: Request, problem: str, previous: str | None, shorter: bool) -> list[dict]:
    """The original conversation plus the rejected answer (unless it was cut off) and a request to fix it."""
    text = _env.get_template(f"{PROMPT_VERSION}_repair_{req.lang}.j2").render(
        problem=problem, shorter=shorter, words=words_for(req.max_tokens, req.lang) // 2).strip()
    msgs = list(req.messages)
    if previous and not shorter:
        msgs.append({"role": "assistant", "content": previous[:2000]})
    msgs.append({"role": "user", "content": text})
    return msgs


__all__ = ["PROMPT_VERSION", "Request", "build_request", "repair_messages", "facts", "words_for"]
