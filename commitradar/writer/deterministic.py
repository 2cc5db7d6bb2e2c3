"""The deterministic writer: complete sections for every tier from facts only, nothing invented.

Summary from the message (title, PR-description bullets), impact from path categories and folders with
+/- counts, and for medium/high what a reader should check, derived from the categories touched.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ..i18n import CATEGORY_NAMES, t
from ..records import Commit, Features, Prose, Verdict
from . import WRITERS, Item, WriteResult

_TEMPLATE_LINE = re.compile(
    r"^\s*(#{1,6}\s|<!--|-->|\[x\]|\[ \]|[-*]\s*\[[ xX]\]|signed-off-by:|co-authored-by:|cc:?\s*@|"
    r"(?:-\s*)?vllm (version|main):|n/?a\.?$|no\.?$|none\.?$|yes\.?$|fixes #?\d+$|closes #?\d+$)",
    re.I,
)
_BULLET = re.compile(r"^\s*(?:[-*•+]|\d{1,2}[.)])\s+(.*\S)\s*$")
_URL_ONLY = re.compile(r"^\s*(?:[-*]\s*)?<?https?://\S+>?\s*$")
MAX_BULLET = 220
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


def body_points(body: str, title: str = "", limit: int = 4) -> list[str]:
    """Bullets of the PR description, else its first descriptive sentences. Template noise, rules
    (``----``) and lines that only repeat the title are skipped."""
    seen = _norm(title)
    lines = [ln for ln in body.splitlines()
             if ln.strip() and not _TEMPLATE_LINE.match(ln) and not _URL_ONLY.match(ln)
             and not re.fullmatch(r"\s*[-*=_~`]{3,}\s*", ln) and _norm(ln) != seen]
    bullets = []
    for ln in lines:
        m = _BULLET.match(ln)
        if m and len(m.group(1).split()) >= 3 and not _TEMPLATE_LINE.match(m.group(1)):
            bullets.append(clip(m.group(1).strip("*_` ")))
    if bullets:
        return list(dict.fromkeys(bullets))[:limit]
    prose = " ".join(ln.strip() for ln in lines if not _BULLET.match(ln))
    sentences = [s for s in re.split(r"(?<=[.!?。])\s+", prose) if len(s.split()) >= 4 and _norm(s) != seen]
    return [clip(s) for s in sentences[: min(2, limit)]]


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
    title = feats.title or commit.subject or commit.sha[:7]
    summary = (clip(title),) + tuple(body_points(commit.body, title))
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
