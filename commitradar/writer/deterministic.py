"""The deterministic writer: complete sections for every tier from facts only, nothing invented.

Summary from the PR description's structure (``Features.pr``: what/why sentences and items, whole or cut
at a sentence/clause boundary with "…", never repeating the title; a revert says what it undoes; an empty
description says so), impact from path categories and folders with +/- counts, and for medium/high what a
reader should check, derived from the categories touched.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..features.prbody import shorten
from ..i18n import CATEGORY_NAMES, t
from ..records import Commit, Features, Prose, Verdict
from . import WRITERS, Item, WriteResult

MAX_BULLET = 220
MAX_POINTS = 4
RUNTIME = {"core", "kernel", "model"}


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
        line = shorten(unit, MAX_BULLET)
        if line not in out:
            out.append(line)
    said = [u for u in feats.pr.user_facing_text if feats.pr.user_facing == "yes"]
    if said and len(out) < limit + 1:
        text = _YES.sub("", said[0]).strip()
        if len(text.split()) >= 3 and not any(repeats(text, o) for o in out):
            out.append(t(lang, "user_facing_said", text=shorten(text, MAX_BULLET - 30)))
    if not out:
        out.append(t(lang, "pr_empty") if feats.pr.empty else t(lang, "pr_title_only"))
    return tuple(out)


def _s(n: int) -> str:
    """English plural ending (the Chinese strings ignore it)."""
    return "" if n == 1 else "s"


def impact_lines(feats: Features, lang: str) -> list[str]:
    names = CATEGORY_NAMES[lang]
    out = [t(lang, "impact_cat", cat=names.get(c.category, c.category), files=c.files, s=_s(c.files), added=c.added,
             deleted=c.deleted)
           for c in feats.categories]
    if feats.n_binary:
        out.append(t(lang, "binary_files", n=feats.n_binary))
    if feats.top_dirs:
        out.append(t(lang, "areas", areas=", ".join(f"`{d}`" for d in feats.top_dirs[:4])))
    return out


def check_lines(feats: Features, lang: str) -> list[str]:
    cats = feats.category_names
    keys = [k for k, hit in (
        ("check_breaking", feats.breaking_mark),
        ("check_revert", feats.is_revert),
        ("check_kernel", "kernel" in cats),
        ("check_model", "model" in cats),
        ("check_core", "core" in cats),
        ("check_deps", "deps_config" in cats),
        ("check_build", "build" in cats),
        ("check_tests", bool(cats & RUNTIME) and "test" not in cats),
    ) if hit]
    return [t(lang, k) for k in keys]


def risk_lines(feats: Features, lang: str) -> list[str]:
    out = []
    if feats.breaking_mark:
        out.append(t(lang, "risk_breaking"))
    if feats.lines > 500:
        out.append(t(lang, "risk_large", lines=feats.lines, files=feats.n_files))
    if feats.n_binary:
        out.append(t(lang, "risk_binary", n=feats.n_binary))
    if feats.category_names & RUNTIME and "test" not in feats.category_names:
        out.append(t(lang, "risk_no_tests"))
    return out


def one_line(commit: Commit, feats: Features, lang: str) -> str:
    title = feats.title or commit.subject or commit.sha[:7]
    main = feats.categories[0].category if feats.categories else None
    stat = t(lang, "files_stat", files=feats.n_files, s=_s(feats.n_files), added=feats.added, deleted=feats.deleted)
    where = f", {CATEGORY_NAMES[lang].get(main, main)}" if main else ""
    return f"{clip(title)} — {stat}{where}"


def write_one(commit: Commit, feats: Features, verdict: Verdict, lang: str) -> Prose:
    if verdict.tier == "low":
        return Prose(summary=(one_line(commit, feats, lang),))
    summary = summary_lines(commit, feats, lang)
    impact = tuple(impact_lines(feats, lang))
    checks = check_lines(feats, lang)
    if verdict.tier == "medium":
        return Prose(summary=summary, impact=impact, suggestions=tuple(checks[:3]))
    return Prose(summary=summary, impact=impact, risks=tuple(risk_lines(feats, lang)), suggestions=tuple(checks))


class DeterministicWriter:
    name = "deterministic"

    def __init__(self, config=None, loader=None) -> None:
        self.config = config

    def write(self, items: Sequence[Item], lang: str) -> WriteResult:
        return WriteResult([write_one(c, f, v, lang) for c, f, v in items], notes=[t(lang, "writer_deterministic")])


WRITERS.add("deterministic", DeterministicWriter)
