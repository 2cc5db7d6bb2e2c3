"""Labels: one judgment per commit (tier and change type), the labels JSONL format, and joining labels to
commits by full or abbreviated SHA (≥ 7 hex).

:func:`read_labels` / :func:`write_labels` handle ``data/labels/*.jsonl`` and
``../shared/data/labels/expert_train.jsonl``: one object per line with repo, date, sha, tier, change_type,
source and, when present, reason and annotator; other fields (e.g. ``sampling``) are kept in ``Label.extra``.
"""
from __future__ import annotations

import bisect
import io
import json
import os
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from ..errors import InputError, OutputError
from ..fileio import atomic_write, read_jsonl
from ..records import CHANGE_TYPES, TIERS, Commit

MIN_SHA = 7
_HEX = frozenset("0123456789abcdef")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# --------------------------------------------------------------------------------------------- the Label


@dataclass(frozen=True)
class Label:
    """One judgment: ``tier`` ∈ :data:`~commitradar.records.TIERS`, ``change_type`` ∈ ``CHANGE_TYPES``.

    ``sha`` is the full 40-hex SHA when known, else an abbreviation of at least 7 hex digits (lower case).
    ``date`` is ``YYYY-MM-DD``. ``source`` says where the judgment comes from (``manual``, ``expert_train``,
    ``argus:sglang-2026-03-10.md``, ...). ``extra`` keeps fields of the file this label was read from that the
    class does not know (``sampling``, ...), so reading and writing a file loses nothing.
    """

    sha: str
    repo: str
    date: str
    tier: str
    change_type: str
    source: str
    reason: str | None = None
    annotator: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        problem = _label_problem(self)
        if problem:
            raise InputError(problem)

    def to_record(self) -> dict[str, Any]:
        rec: dict[str, Any] = {"repo": self.repo, "date": self.date, "sha": self.sha, "tier": self.tier,
                               "change_type": self.change_type, "source": self.source}
        if self.reason is not None:
            rec["reason"] = self.reason
        if self.annotator is not None:
            rec["annotator"] = self.annotator
        for k, v in self.extra.items():
            rec.setdefault(k, v)
        return rec


def _label_problem(label: Label) -> str | None:
    sha = label.sha
    if not isinstance(sha, str) or not (MIN_SHA <= len(sha) <= 40) or not set(sha) <= _HEX:
        return f"sha {sha!r} is not 7 to 40 lower-case hex digits"
    if label.tier not in TIERS:
        return f"tier {label.tier!r} is not one of {', '.join(TIERS)}"
    if label.change_type not in CHANGE_TYPES:
        return f"change_type {label.change_type!r} is not one of {', '.join(CHANGE_TYPES)}"
    if not isinstance(label.repo, str) or not label.repo:
        return "repo is empty"
    if not isinstance(label.date, str) or not _DATE_RE.match(label.date):
        return f"date {label.date!r} is not YYYY-MM-DD"
    return None


# ------------------------------------------------------------------------------------------ JSONL I/O

_KNOWN = ("sha", "repo", "date", "tier", "change_type", "source", "reason", "annotator")


def label_from_record(rec: Mapping[str, Any], default_source: str) -> Label:
    """A :class:`Label` from one JSON object; raises InputError (without location) when it is not one."""
    if not isinstance(rec, Mapping):
        raise InputError("not a JSON object")
    missing = [k for k in ("sha", "repo", "date", "tier", "change_type") if not rec.get(k)]
    if missing:
        raise InputError(f"missing {', '.join(missing)}")
    sha = rec["sha"]
    if isinstance(sha, str):
        sha = sha.strip().lower()
    date = rec["date"]
    if isinstance(date, str) and len(date) > 10 and _DATE_RE.match(date[:10]):
        date = date[:10]  # a timestamp is accepted; the day is kept
    return Label(
        sha=sha, repo=rec["repo"], date=date, tier=rec["tier"], change_type=rec["change_type"],
        source=rec.get("source") or default_source, reason=rec.get("reason"), annotator=rec.get("annotator"),
        extra={k: v for k, v in rec.items() if k not in _KNOWN},
    )


def read_labels(path: str | os.PathLike) -> list[Label]:
    """Labels of a JSONL file (``.jsonl`` or ``.jsonl.gz``). Lines without ``source`` get the file's stem
    (``expert_train``). A bad line is an :class:`InputError` naming ``file:line``."""
    p = Path(path)
    default_source = p.name.removesuffix(".gz").removesuffix(".jsonl").removesuffix(".json")
    out: list[Label] = []
    for lineno, rec in read_jsonl(p, "labels file"):
        try:
            out.append(label_from_record(rec, default_source))
        except InputError as exc:
            raise InputError(f"{p}:{lineno}: {exc}") from None
    return out


def dumps_labels(labels: Iterable[Label]) -> str:
    return "".join(json.dumps(lab.to_record(), ensure_ascii=False) + "\n" for lab in labels)


def write_labels(path_or_stdout: str | os.PathLike | IO[str] | None, labels: Iterable[Label]) -> int:
    """Write labels as JSONL to a path (atomically), to an open text stream, or to stdout (None or ``-``).
    Returns the number written."""
    labels = list(labels)
    text = dumps_labels(labels)
    target = path_or_stdout
    if target is None or (isinstance(target, str) and target == "-"):
        target = sys.stdout
    if isinstance(target, io.IOBase) or hasattr(target, "write"):
        target.write(text)
        target.flush()
        return len(labels)
    p = Path(target)
    if p.is_dir():
        raise OutputError(f"{p} is a folder, not a labels file")
    atomic_write(p, text.encode("utf-8"))
    return len(labels)


# ------------------------------------------------------------------------------------------- joining


class JoinResult(NamedTuple):
    pairs: list[tuple[Label, Commit]]
    unknown: list[Label]  # labels whose SHA is not among the commits (of their repository)


class CommitIndex:
    """Commits indexed by SHA: exact lookup for full SHAs, a sorted list + bisect for prefixes."""

    def __init__(self, commits: Iterable[Commit]) -> None:
        by_key: dict[tuple[str, str], Commit] = {}
        for c in commits:
            by_key.setdefault((c.sha.lower(), c.repo.casefold()), c)  # the same commit twice is not ambiguous
        self._full: dict[str, list[Commit]] = defaultdict(list)
        for (sha, _), c in by_key.items():
            self._full[sha].append(c)
        self._shas = sorted(self._full)

    def lookup(self, prefix: str) -> list[Commit]:
        prefix = prefix.lower()
        if len(prefix) == 40:
            return list(self._full.get(prefix, ()))
        lo = bisect.bisect_left(self._shas, prefix)
        hi = bisect.bisect_left(self._shas, prefix + "g")  # 'g' sorts after every hex digit
        return [c for sha in self._shas[lo:hi] for c in self._full[sha]]


def join_labels(labels: Sequence[Label], commits: Iterable[Commit] | CommitIndex) -> JoinResult:
    """Pair each label with its commit by full or abbreviated SHA (at least 7 hex digits).

    A label only matches commits of its own repository (compared case-insensitively). A prefix matching
    several commits is an :class:`InputError` naming every candidate; labels matching none come back in
    ``unknown`` (not an error).
    """
    index = commits if isinstance(commits, CommitIndex) else CommitIndex(commits)
    pairs: list[tuple[Label, Commit]] = []
    unknown: list[Label] = []
    ambiguous: list[str] = []
    for lab in labels:
        sha = lab.sha.lower()
        if len(sha) < MIN_SHA or not set(sha) <= _HEX:
            raise InputError(f"label {lab.sha!r} ({lab.source}): a SHA needs at least {MIN_SHA} hex digits")
        cands = index.lookup(sha)
        if lab.repo:
            cands = [c for c in cands if c.repo.casefold() == lab.repo.casefold()]
        if not cands:
            unknown.append(lab)
        elif len(cands) == 1:
            pairs.append((lab, cands[0]))
        else:
            names = ", ".join(f"{c.sha} ({c.subject[:50]!r})" for c in cands[:6])
            more = f" and {len(cands) - 6} more" if len(cands) > 6 else ""
            ambiguous.append(f"{lab.sha} of {lab.repo} ({lab.source}) matches {names}{more}")
    if ambiguous:
        extra = f" (and {len(ambiguous) - 1} more ambiguous labels)" if len(ambiguous) > 1 else ""
        raise InputError(f"ambiguous SHA prefix: {ambiguous[0]}{extra}; give more digits")
    return JoinResult(pairs, unknown)

