"""The diff excerpt: what of a commit's diff the model sees, under a token budget per tier.

Files are ranked by what they tell about the change: source (core, kernel, native, model, other) first, then
build/config/CI/benchmarks/examples, then tests, then docs. Lockfiles, generated and vendored files are
never shown (only listed). Within a rank, larger changes come first. Hunks are taken whole, in two passes
(first at most half of the budget per file, so one huge file cannot starve the others; then the rest in
order); a hunk that alone is too large for what is left is replaced, when the file has nothing else shown,
by its definition lines (``def``/``class``/``struct``/...) under an explicit label. Everything left out is
listed in a note the model reads, so it knows what it did not see. Secrets are redacted before counting.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from ...features.paths import DEFAULT_MAPPING, categorize
from ...records import Commit
from ..redact import redact
from .tokens import estimate_tokens

RANK = {"core": 0, "kernel": 0, "native": 0, "model": 0, "other": 0,
        "build": 1, "deps_config": 1, "ci": 1, "benchmark": 1, "examples": 1,
        "test": 2, "docs": 3}
HIDDEN_RANK = 9  # lockfiles, generated, vendored: listed, never shown
MAX_LINE_CHARS = 400
MAX_LISTED = 12  # omitted files named in the note; the rest are counted

_LOCKFILE = re.compile(r"(?:^|/)(?:[^/]+\.lock|package-lock\.json|npm-shrinkwrap\.json|pnpm-lock\.yaml|go\.sum|"
                       r"Pipfile\.lock|poetry\.lock|uv\.lock|Cargo\.lock|Gemfile\.lock|composer\.lock)$")
_GENERATED = re.compile(r"(?:^|/)(?:generated|gen|__generated__|_generated)/|_pb2(?:_grpc)?\.pyi?$|\.pb\.(?:go|cc|h)$|"
                        r"\.min\.(?:js|css)$|\.map$|\.generated\.\w+$|\.snap$|(?:^|/)dist/")
_VENDORED = re.compile(r"(?:^|/)(?:vendor|vendored|third_party|3rdparty|thirdparty|external|node_modules)/")
_GENERATED_MARK = re.compile(r"@generated|DO NOT EDIT|auto-?generated", re.I)
_DEFINITION = re.compile(r"^[+\- ]\s*(?:async\s+def|def|class|struct|enum|union|interface|fn|pub\s+fn|func|"
                         r"template\s*<|__global__|__device__|(?:static\s+)?(?:inline\s+)?(?:void|int|bool|auto)\s+\w+\s*\(|"
                         r"@\w+|export\s+(?:function|class|const))\b")


@dataclass
class Excerpt:
    text: str  # the diff excerpt (may be empty: no clone, binary only, or nothing fitted)
    tokens: int
    shown: list[str] = field(default_factory=list)  # paths with at least one hunk shown
    omitted_note: str = ""  # what was left out, for the model
    redactions: int = 0
    full_tokens: int = 0  # the whole diff, for comparison (dry run, benchmark)


def hidden_kind(path: str) -> str | None:
    if _LOCKFILE.search(path):
        return "lockfile"
    if _VENDORED.search(path):
        return "vendored"
    if _GENERATED.search(path):
        return "generated"
    return None


def split_hunks(diff: str) -> tuple[str, list[str]]:
    """(compact header, hunks) of one file's unified diff. The ``index`` line is dropped."""
    header, hunks, cur = [], [], None
    for line in diff.splitlines():
        if line.startswith("@@"):
            if cur is not None:
                hunks.append("\n".join(cur))
            cur = [line]
        elif cur is None:
            if not line.startswith("index "):
                header.append(line)
        else:
            if len(line) > MAX_LINE_CHARS:
                line = line[:MAX_LINE_CHARS] + f" …[line shortened, {len(line)} chars]"
            cur.append(line)
    if cur is not None:
        hunks.append("\n".join(cur))
    return "\n".join(header), hunks


def outline(hunk: str, budget: int) -> str | None:
    """The definition lines of a hunk too large to show whole, under a label; None if nothing fits."""
    lines = hunk.splitlines()
    picked, used = [], 0
    for ln in lines[1:]:
        if _DEFINITION.match(ln):
            cost = estimate_tokens(ln) + 1
            if used + cost > budget:
                break
            picked.append(ln)
            used += cost
    if not picked:
        return None
    return f"{lines[0]}\n… (outline: {len(picked)} definition lines of a {len(lines) - 1}-line hunk; other lines not shown)\n" + "\n".join(picked)


@dataclass
class _File:
    path: str
    rank: int
    lines: int
    header: str = ""
    hunks: list[str] = field(default_factory=list)
    chosen: dict[int, str] = field(default_factory=dict)  # hunk index -> text shown (whole hunk or outline)
    hidden: str | None = None


def _no_diffs(commit: Commit, paths: Sequence[str]) -> dict[str, str]:
    return {}


def build_excerpt(
    commit: Commit,
    budget: int,
    mapping=DEFAULT_MAPPING,
    loader: Callable[[Commit, Sequence[str]], Mapping[str, str]] | None = None,
) -> Excerpt:
    """The excerpt of ``commit``'s diff under ``budget`` tokens (see the module docstring). ``loader``
    returns the diffs of some paths of a commit (the pipeline passes ``mining.load_diffs``); without one,
    the excerpt lists the files and shows no diff."""
    if loader is None:
        loader = _no_diffs
    files = []
    for fc in commit.files:
        kind = hidden_kind(fc.path)
        rank = HIDDEN_RANK if kind else RANK.get(categorize(fc.path, mapping), 0)
        files.append(_File(fc.path, rank, fc.lines, hidden=kind or ("binary" if fc.binary else None)))
    files.sort(key=lambda f: (f.rank, -f.lines, f.path))
    # load only what could plausibly be shown (about 12 tokens per changed line, 3x the budget)
    want, est = [], 0
    for f in files:
        if f.hidden or est > 3 * budget:
            continue
        want.append(f.path)
        est += 12 * f.lines + 20
    diffs = loader(commit, want) if want and budget > 0 else {}
    redactions = 0
    full = 0
    for f in files:
        if f.path not in diffs:
            continue
        text, n = redact(diffs[f.path])
        redactions += n
        full += estimate_tokens(text)
        if _GENERATED_MARK.search(text[:2000]):
            f.hidden = "generated"
            continue
        f.header, f.hunks = split_hunks(text)
        f.header = "\n".join(ln for ln in f.header.splitlines() if not ln.startswith(("--- ", "+++ "))) or f"diff --git a/{f.path} b/{f.path}"
    shown = [f for f in files if f.hunks and not f.hidden]
    used = 0
    # pass 1: at most half the budget per file (unless it is the only file); pass 2: fill in order
    per_file_cap = budget if len(shown) <= 1 else max(budget // 2, 1)
    for cap in (per_file_cap, budget):
        for f in shown:
            file_used = sum(estimate_tokens(h) + 1 for h in f.chosen.values())
            for i, h in enumerate(f.hunks):
                if i in f.chosen:
                    continue
                c = estimate_tokens(h) + 1 + (0 if f.chosen else estimate_tokens(f.header) + 1)
                if used + c <= budget and file_used + c <= cap:
                    f.chosen[i] = h
                    used += c
                    file_used += c
    # outlines for files with nothing shown
    for f in shown:
        if f.chosen or not f.hunks:
            continue
        room = min(budget - used - estimate_tokens(f.header) - 20, per_file_cap)
        if room < 30:
            continue
        o = outline(max(f.hunks, key=len), room)
        if o:
            f.chosen[f.hunks.index(max(f.hunks, key=len))] = o
            used += estimate_tokens(f.header) + estimate_tokens(o) + 2
    parts = []
    for f in shown:
        if f.chosen:
            parts.append(f.header + "\n" + "\n".join(f.chosen[i] for i in sorted(f.chosen)))
    text = "\n".join(parts)
    note = _omitted_note(files, diffs, bool(commit.source_path))
    return Excerpt(text=text, tokens=estimate_tokens(text), shown=[f.path for f in shown if f.chosen],
                   omitted_note=note, redactions=redactions, full_tokens=full)


def _omitted_note(files: list[_File], diffs: Mapping[str, str], have_clone: bool) -> str:
    if not have_clone and not diffs:
        return "No diff available (commit from a dataset file): only the file list below is known."
    whole, partial = [], []
    for f in files:
        if f.hidden:
            whole.append(f"{f.path} ({f.hidden})")
        elif not f.chosen:
            whole.append(f"{f.path} (+/- {f.lines} lines, not shown: budget)")
        elif len(f.chosen) < len(f.hunks) or any(v.startswith(f.hunks[i].splitlines()[0] + "\n… (outline")
                                                  for i, v in f.chosen.items()):
            full = sum(1 for i, v in f.chosen.items() if v == f.hunks[i])
            partial.append(f"{f.path} ({full} of {len(f.hunks)} hunks shown whole)")
    if not whole and not partial:
        return "The whole diff is shown."
    out = []
    if whole:
        listed = ", ".join(whole[:MAX_LISTED]) + (f", and {len(whole) - MAX_LISTED} more files" if len(whole) > MAX_LISTED else "")
        out.append(f"Files not shown: {listed}.")
    if partial:
        out.append("Partly shown: " + ", ".join(partial[:MAX_LISTED]) + ".")
    return " ".join(out)


__all__ = ["Excerpt", "build_excerpt", "hidden_kind", "split_hunks", "outline"]
