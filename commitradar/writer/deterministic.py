"""The deterministic writer: complete sections for every tier from facts only, nothing invented.

Summary from the PR description's structure (``Features.pr``: what/why sentences and items, whole or cut
at a sentence/clause boundary with "…", never repeating the title; a revert says what it undoes; an empty
description says so); impact from path categories with +/- counts and where they land; risks and
suggestions from :mod:`.advice` (specific to the change, or nothing); low-tier commits get one sentence. No
impact, risk or suggestion line repeats in more than two entries of a report.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from ..features.prbody import settle, shorten
from ..i18n import CATEGORY_NAMES, t
from ..records import Commit, Features, Prose, Verdict
from . import WRITERS, Item, WriteResult
from .advice import advise, code_name

MAX_BULLET = 220
MAX_POINTS = 4


def clip(text: str, limit: int = MAX_BULLET) -> str:
    """Shorten at a sentence or word boundary and say so with an ellipsis; never mid-word."""
    text = re.sub(r"\s+", " ", text).strip()
    if len(text) <= limit:
        return text
    cut = text[:limit]
    for sep in ("。", ". ", "; ", "；", ", ", "，"):
        i = cut.rfind(sep)
        if i > limit * 0.5:
            return cut[: i + 1].rstrip() + ("" if sep.strip() in "。." else " …")
    i = cut.rfind(" ")
    return (cut[:i] if i > limit * 0.5 else cut).rstrip(" ,;:") + " …"


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def _words(text: str) -> set[str]:
    return set(_norm(text).split())


def repeats(text: str, title: str) -> bool:
    """``text`` says no more than ``title``: equal once normalised, contained in it, or nearly the same words."""
    a, b = _norm(text), _norm(title)
    if not a or not b:
        return False
    if a == b or a in b or (b in a and len(a) <= len(b) * 1.3 + 8):
        return True
    wa, wb = _words(text), _words(title)
    return len(wa & wb) / len(wa | wb) >= 0.8


def _revert_line(feats: Features, lang: str) -> str:
    sha = feats.reverted_sha[:10] if feats.reverted_sha else None
    if feats.reverts and sha:
        return t(lang, "revert_of_sha", subject=feats.reverts, sha=sha)
    if feats.reverts:
        return t(lang, "revert_of", subject=feats.reverts)
    if sha:
        return t(lang, "revert_sha_only", sha=sha)
    return t(lang, "revert_unknown")


_YES = re.compile(r"^\s*yes\b[\s,.:;，。：；-]*", re.I)


def summary_lines(commit: Commit, feats: Features, lang: str, limit: int = MAX_POINTS) -> tuple[str, ...]:
    """The summary bullets of a medium/high entry, from ``feats.pr`` (see the module doc)."""
    title = feats.title or commit.subject
    out: list[str] = []
    if feats.is_revert:
        out.append(_revert_line(feats, lang))
    for unit in feats.pr.what:
        if len(out) >= limit:
            break
        if repeats(unit, title) or (feats.reverts and repeats(unit, feats.reverts)):
            continue
        line = settle(shorten(unit, MAX_BULLET))
        if line not in out:
            out.append(line)
    said = [u for u in feats.pr.user_facing_text if feats.pr.user_facing == "yes"]
    if said and len(out) < limit + 1:
        text = _YES.sub("", said[0]).strip()
        if len(text.split()) >= 3 and not any(repeats(text, o) for o in out):
            out.append(t(lang, "user_facing_said", text=settle(shorten(text, MAX_BULLET - 30))))
    if not out:
        out.append(t(lang, "pr_empty") if feats.pr.empty else t(lang, "pr_title_only"))
    return tuple(out)


def nothing_said_where(commit: Commit, feats: Features, lang: str) -> str | None:
    """"The description is empty; the change is in …": the entry's own version of the sentence, for a report
    where the plain one would repeat in more than ``REPEAT_LIMIT`` entries (None when there is no path)."""
    paths = [code_name(p) for p in where(commit, feats)]
    key = "pr_empty" if feats.pr.empty else "pr_title_only"
    return t(lang, f"{key}_where", paths=t(lang, "list_sep").join(paths)) if paths else None


def _s(n: int) -> str:
    """English plural ending (the Chinese strings ignore it)."""
    return "" if n == 1 else "s"


# ---------------------------------------------------------------- impact, risks, suggestions, low tier

MAX_PATHS = 3
MAX_LOW_SENTENCE = 200
REPEAT_LIMIT = 2  # an advice or impact line may appear in at most this many entries of one report


def where(commit: Commit, feats: Features) -> list[str]:
    """The files when there are few, else the main folders (repository root left out)."""
    if 0 < commit.n_files <= MAX_PATHS:
        return [f.path for f in commit.files]
    return [d for d in feats.top_dirs if d != "."][:MAX_PATHS]


def impact_lines(commit: Commit, feats: Features, lang: str) -> list[str]:
    """What the change touches, in one line (categories with counts, then where), and binary files when there
    are any. (The PR's own user-facing statement is in the summary.)"""
    names = CATEGORY_NAMES[lang]
    out = []
    parts = [t(lang, "impact_part", cat=names.get(c.category, c.category), files=c.files, s=_s(c.files),
               added=c.added, deleted=c.deleted) for c in feats.categories]
    if parts:
        stats = t(lang, "list_sep").join(parts)
        paths = where(commit, feats)
        out.append(t(lang, "impact_where", stats=stats, paths=t(lang, "list_sep").join(code_name(p) for p in paths))
                   if paths else t(lang, "impact_stats", stats=stats))
    if feats.n_binary:
        out.append(t(lang, "impact_binary", n=feats.n_binary, s=_s(feats.n_binary)))
    return out


def low_line(commit: Commit, feats: Features, lang: str) -> str:
    """A low-tier commit's one sentence: what the PR description says it does (whole, short, not the title
    again), else where it lands with its size."""
    title = feats.title or commit.subject
    if not feats.pr.empty:
        for what in feats.pr.what[:2]:
            if len(what) <= MAX_LOW_SENTENCE and not repeats(what, title) and what.count("`") % 2 == 0:
                return settle(what)
    main = feats.categories[0].category if feats.categories else None
    stat = dict(files=feats.n_files, s=_s(feats.n_files), added=feats.added, deleted=feats.deleted)
    if main:
        return t(lang, "low_stat", where=CATEGORY_NAMES[lang].get(main, main), **stat)
    return t(lang, "low_stat_plain", **stat)


def write_one(commit: Commit, feats: Features, verdict: Verdict, lang: str) -> Prose:
    if verdict.tier == "low":
        return Prose(summary=(low_line(commit, feats, lang),))
    summary = summary_lines(commit, feats, lang)
    impact = tuple(impact_lines(commit, feats, lang))
    adv = advise(commit, feats, verdict, lang)
    if verdict.tier == "medium":
        return Prose(summary=summary, impact=impact, suggestions=adv.suggestions)
    return Prose(summary=summary, impact=impact, risks=adv.risks, suggestions=adv.suggestions)


def spread_repeats(proses: Sequence[Prose], limit: int = REPEAT_LIMIT) -> list[Prose]:
    """A line of impact, risks or suggestions that would appear in more than ``limit`` entries of one report
    says nothing specific: it is kept in the first ``limit`` entries only."""
    seen: dict[str, int] = {}
    out = []
    for prose in proses:
        changes = {}
        for name in ("impact", "risks", "suggestions"):
            kept = []
            for line in getattr(prose, name):
                seen[line] = seen.get(line, 0) + 1
                if seen[line] <= limit:
                    kept.append(line)
            if len(kept) != len(getattr(prose, name)):
                changes[name] = tuple(kept)
        out.append(replace(prose, **changes) if changes else prose)
    return out


class DeterministicWriter:
    name = "deterministic"

    def __init__(self, config=None, loader=None) -> None:
        self.config = config

    def write(self, items: Sequence[Item], lang: str, mapping=None) -> WriteResult:
        proses = spread_repeats([write_one(c, f, v, lang) for c, f, v in items])
        return WriteResult(said_once(proses, items, lang), notes=[t(lang, "writer_deterministic")])


def said_once(proses: Sequence[Prose], items: Sequence[Item], lang: str, limit: int = REPEAT_LIMIT) -> list[Prose]:
    """"The PR description is empty." on more than ``limit`` entries of a report says nothing per entry: from
    the next one on, the sentence names where that entry's change is."""
    plain = {t(lang, "pr_empty"), t(lang, "pr_title_only")}
    seen: dict[str, int] = {}
    out = []
    for prose, (commit, feats, _) in zip(proses, items):
        line = prose.summary[0] if len(prose.summary) == 1 else None
        if line in plain:
            seen[line] = seen.get(line, 0) + 1
            if seen[line] > limit and (own := nothing_said_where(commit, feats, lang)):
                prose = replace(prose, summary=(own,))
        out.append(prose)
    return out


WRITERS.add("deterministic", DeterministicWriter)
