"""Signals in a commit's subject line: PR-title tags, conventional prefix, PR number, revert, merge, bumps.

Pure functions over strings; each is property-tested in ``tests/test_title.py``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Tag spellings that mean the same thing. Keys and values are lower-case.
TAG_ALIASES = {
    "bug fix": "bugfix", "bug": "bugfix", "fix": "bugfix", "hotfix": "bugfix", "bugfixes": "bugfix",
    "performance": "perf", "optimization": "perf", "optimize": "perf", "opt": "perf",
    "feature": "feat", "features": "feat", "new feature": "feat",
    "doc": "docs", "documentation": "docs",
    "tests": "test", "testing": "test", "ut": "test", "unittest": "test", "e2e": "test", "testfix": "test",
    "ci/cd": "ci", "cicd": "ci",
    "refactoring": "refactor", "refactory": "refactor", "cleanup": "refactor", "clean up": "refactor",
    "dep": "deps", "dependency": "deps", "dependencies": "deps",
    "models": "model", "new model": "model",
    "ascend": "npu",
    "rocm": "amd",
    "spec decode": "spec", "speculative decoding": "spec", "speculative": "spec", "spec_decode": "spec",
    "pd disaggregation": "pd", "disaggregation": "pd", "pd-disagg": "pd",
}

CONVENTIONAL_TYPES = {
    "feat": "feat", "feature": "feat", "fix": "fix", "bugfix": "fix", "hotfix": "fix", "perf": "perf",
    "refactor": "refactor", "test": "test", "tests": "test", "docs": "docs", "doc": "docs", "ci": "ci",
    "build": "build", "chore": "chore", "style": "style", "revert": "revert", "deps": "deps", "misc": "chore",
}

_BRACKET = re.compile(r"\s*\[([^\[\]]{1,80})\]\s*:?\s*")
_SERIES = re.compile(r"^\s*(\d+\s*/\s*(?:\d+|n|N))\s*")
_CONVENTIONAL = re.compile(r"^([A-Za-z]+)\s*(?:\(([^()]{0,60})\))?\s*(!)?\s*:\s*")
_PR_NUMBER = re.compile(r"\(#([0-9]{1,9})\)\s*$|\s#([0-9]{1,9})\s*$")  # ASCII digits, int()-safe
_REVERT = re.compile(r"^\s*(revert\b|\[revert\])", re.I)
_MERGE = re.compile(r"^\s*Merge (pull request|branch|remote-tracking branch|tag)\b")
_BUMP = re.compile(
    r"\b(bump|bumps|upgrade|upgrades|update|updates|pin|unpin|downgrade)\b[^\n]{0,60}?"
    r"\b(from\s+v?\d|to\s+v?\d|version|==|>=|v\d+\.\d)",
    re.I,
)
_DEP_WORDS = re.compile(r"\b(deps?|dependabot|requirements?)\b", re.I)


@dataclass(frozen=True)
class TitleParts:
    tags: tuple[str, ...]
    series: str | None  # "4/n" from "[4/n jit_kernel restruct]"
    conventional_type: str | None
    conventional_scope: str | None
    breaking: bool
    pr_number: int | None
    title: str  # what is left once tags, prefix and PR number are removed


def normalize_tag(raw: str) -> str:
    tag = re.sub(r"\s+", " ", raw.strip().lower())
    return TAG_ALIASES.get(tag, tag)


def split_tag(raw: str) -> tuple[str | None, list[str]]:
    """``"Diffsuion & JIT_kernel"`` → two tags; ``"4/n jit_kernel restruct"`` → series ``4/n`` and one tag."""
    series = None
    m = _SERIES.match(raw)
    if m:
        series = re.sub(r"\s+", "", m.group(1)).lower()
        raw = raw[m.end():]
    parts = [p for p in re.split(r"\s*(?:&|\+|,|\|)\s*", raw) if p.strip()]
    return series, [normalize_tag(p) for p in parts]


def parse_pr_number(subject: str) -> int | None:
    m = _PR_NUMBER.search(subject)
    if not m:
        return None
    return int(m.group(1) or m.group(2))


def parse_title(subject: str) -> TitleParts:
    """Split a subject line into tags, conventional prefix, PR number and the remaining title."""
    text = subject.strip().splitlines()[0] if subject.strip() else ""
    pr = parse_pr_number(text)
    if pr is not None:
        text = _PR_NUMBER.sub("", text).rstrip()
    tags: list[str] = []
    series = None
    ctype = cscope = None
    breaking = False
    # Leading tags and an optional conventional prefix may interleave: "[PD] feat: x", "[MiMo] [feat]: x".
    for _ in range(12):
        m = _BRACKET.match(text)
        if m:
            s, parts = split_tag(m.group(1))
            series = series or s
            tags.extend(p for p in parts if p not in tags)
            text = text[m.end():]
            continue
        m = _CONVENTIONAL.match(text)
        if m and ctype is None and m.group(1).lower() in CONVENTIONAL_TYPES:
            ctype = CONVENTIONAL_TYPES[m.group(1).lower()]
            cscope = (m.group(2) or "").strip() or None
            breaking = bool(m.group(3))
            text = text[m.end():]
            continue
        break
    # Trailing tags: "Fix foo [NPU]".
    while True:
        m = re.search(r"\s*\[([^\[\]]{1,40})\]\s*$", text)
        if not m or m.start() == 0:
            break
        s, parts = split_tag(m.group(1))
        series = series or s
        tags.extend(p for p in parts if p not in tags)
        text = text[: m.start()]
    if ctype is None:
        # A conventional word used as a tag ("[feat]", "[Bugfix]") still tells the type.
        for tag in tags:
            if tag in CONVENTIONAL_TYPES:
                ctype = CONVENTIONAL_TYPES[tag]
                break
    if "breaking" in tags or re.search(r"BREAKING[ -]CHANGE", subject):
        breaking = True
    return TitleParts(tuple(tags), series, ctype, cscope, breaking, pr, text.strip())


def is_revert(subject: str) -> bool:
    return bool(_REVERT.match(subject))


def is_merge_subject(subject: str) -> bool:
    return bool(_MERGE.match(subject))


def is_dependency_bump(subject: str, tags: tuple[str, ...] = (), conventional_scope: str | None = None) -> bool:
    if "deps" in tags or (conventional_scope or "").lower() in ("deps", "dependencies", "deps-dev"):
        return True
    return bool(_BUMP.search(subject)) or bool(_DEP_WORDS.search(subject) and re.search(r"\bbump", subject, re.I))
