"""The day at a glance: must-read commits, breaking changes and dependency moves, one line each.

Deterministic, from facts only: high-tier commits ranked by the model's P(high) when it gave probabilities,
else by the rules' score (at most ``MAX_MUST_READ``); every breaking detection; every version or dependency
move ("CANN → 9.0.1", "drops vLLM v0.23", "torch 2.5 → 2.6"). A commit appears once: as a breaking change or a
dependency move if it is one, else as a must-read. With an LLM writer the overview sentences are added
(:mod:`.llm.overview`); this list stands either way.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..classifier.presets import CORE_DEPS
from ..i18n import t
from ..records import Breaking, Commit, Features, Headline, HeadlineItem, Verdict
from .advice import breaking_brief
from .reasons import rule_view

MAX_MUST_READ = 5
DEPENDENCY_KINDS = ("dependency_bump", "dropped_support")

_VERSION = r"v?(\d[\w.\-+]*[\w+])"
_MOVE = re.compile(
    r"\b(?:bumps?|upgrades?|updates?|pins?|downgrades?|requires?)\s+(?:the\s+)?(?:version\s+of\s+)?"
    r"([A-Za-z][\w.\-/]*?)(?:\s+(?:version|dependency|requirement|pin))?\s+"
    r"(?:from\s+" + _VERSION + r"\s+)?to\s+" + _VERSION, re.I)
_PIN = re.compile(r"\b([A-Za-z][\w\-]*)\s*(?:==|>=|~=)\s*" + _VERSION)
_CORE = re.compile(CORE_DEPS, re.I)


def importance(commit: Commit, feats: Features, verdict: Verdict, by_probability: bool) -> float:
    if by_probability and verdict.probabilities and "high" in verdict.probabilities:
        return float(verdict.probabilities["high"])
    return float(rule_view(commit, feats, verdict).score)


def dependency_move(commit: Commit, feats: Features, verdict: Verdict) -> str | None:
    """"pkg 1.2 → 1.3" from a dependency bump's subject, for bumps a reader of the runtime cares about (not
    CI-only bumps; low-tier ones only when they name a core dependency)."""
    if not feats.is_dependency_bump or feats.ci_only:
        return None
    text = feats.title or commit.subject
    m = _MOVE.search(text)
    if m:
        pkg, old, new = m.group(1), m.group(2), m.group(3)
    else:
        m = _PIN.search(text)
        if not m:
            return None
        pkg, old, new = m.group(1), None, m.group(2)
    if verdict.tier == "low" and not _CORE.search(pkg):
        return None
    return f"{pkg} {old} → {new}" if old else f"{pkg} → {new}"


def breaking_move(b: Breaking, lang: str) -> str:
    """A dependency move read from a breaking detection: "CANN → 9.0.1", "drops vLLM v0.23"."""
    subject = re.sub(r"\s+", " ", b.subject.replace("`", "")).strip()
    version = (b.version or "").strip()
    if b.kind == "dependency_bump":
        return f"{subject} → {version}" if version and version not in subject else breaking_brief(b, lang)
    if version and version not in subject:
        subject = f"{subject} {version}"
    return t(lang, "hl_drops", subject=subject)


def build_headline(items: Sequence[tuple[Commit, Features, Verdict]], lang: str) -> Headline:
    """The deterministic headline of one report's entries (in report order)."""
    listed: set[str] = set()
    breaking, deps = [], []
    for commit, feats, verdict in items:
        b = feats.breaking
        if b is not None and b.kind in DEPENDENCY_KINDS:
            # the subject's own "pkg from A to B" when it has one (the detection names one version only)
            move = dependency_move(commit, feats, verdict) if b.kind == "dependency_bump" else None
            deps.append(HeadlineItem("dependency", commit.sha, move or breaking_move(b, lang)))
        elif b is not None:
            breaking.append(HeadlineItem("breaking", commit.sha, breaking_brief(b, lang)))
        elif (move := dependency_move(commit, feats, verdict)) is not None:
            deps.append(HeadlineItem("dependency", commit.sha, move))
        else:
            continue
        listed.add(commit.sha)
    high = [(c, f, v) for c, f, v in items if v.tier == "high" and c.sha not in listed]
    by_probability = bool(high) and all(v.probabilities and "high" in v.probabilities for _, _, v in high)
    high.sort(key=lambda x: -importance(*x, by_probability))  # stable: newest first among equals
    must = [HeadlineItem("must_read", c.sha, f.title or c.subject or c.sha[:7]) for c, f, _ in high[:MAX_MUST_READ]]
    return Headline(items=tuple(must + breaking + deps))


__all__ = ["build_headline", "dependency_move", "breaking_move", "importance", "MAX_MUST_READ"]
