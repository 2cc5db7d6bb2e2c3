"""A maintainer's correction of a report, as a label: ``labels add --from-report REPORT.json --sha S --tier T``.

The report's JSON twin (``docs/report-json.md``, read with :func:`commitradar.twin.read_twin`) carries each
entry's commit as a dataset record. The label keeps it under ``commit`` (an extra field of the labels
format, kept by :class:`~.label.Label`), so ``train`` finds the commit of a corrected report even when no
dataset file of ``--commits`` holds that repository (:func:`embedded_commits`). Recording is atomic and
idempotent: the same commit corrected again replaces its label.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from ..dataset import parse_record
from ..errors import InputError
from ..records import Commit
from ..twin import read_twin
from .label import MIN_SHA, Label, read_labels, write_labels

SOURCE = "correction"
_HEX = frozenset("0123456789abcdef")


def _twin_json(path: Path) -> dict:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"--from-report {path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"--from-report {path} is a folder: give a report's .json twin") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"--from-report {path}: cannot read it ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = json.loads(text)
    except ValueError:
        hint = f" (give the .json twin beside {Path(path).name})" if Path(path).suffix.lower() == ".md" else ""
        raise InputError(f"--from-report {path}: not a report JSON twin (not JSON){hint}") from None
    return data


def correction_label(report: str | Path, sha: str, tier: str, change_type: str | None = None,
                     reason: str | None = None, annotator: str | None = None) -> Label:
    """The label of commit ``sha`` (full or a unique prefix of ≥ 7 hex digits) of the report whose JSON twin is
    ``report``, judged ``tier``. ``change_type`` defaults to the report's; ``reason`` to "corrected from
    <report tier> in the report of <label>". The label carries the report's tier and label and the commit."""
    path = Path(report)
    data = _twin_json(path)
    twin = read_twin(data, where=f"--from-report {path}", path=path)
    want = sha.strip().lower()
    if len(want) < MIN_SHA or not set(want) <= _HEX:
        raise InputError(f"--sha {sha!r}: give at least {MIN_SHA} hex digits of a commit of the report")
    hits = [i for i, e in enumerate(twin.entries) if e.sha.lower().startswith(want)]
    if not hits:
        raise InputError(f"--sha {sha}: no such commit in {path} (the report of {twin.repo} {twin.label} lists "
                         f"{len(twin.entries)} commits)")
    if len(hits) > 1:
        names = ", ".join(twin.entries[i].sha[:12] for i in hits[:6])
        raise InputError(f"--sha {sha} matches {len(hits)} commits of {path} ({names}): give more digits")
    entry = twin.entries[hits[0]]
    raw = data["entries"][hits[0]].get("commit")
    try:
        commit = parse_record(raw)
    except (ValueError, AttributeError) as exc:
        raise InputError(f"--from-report {path}: the commit {entry.sha[:12]} is not a full dataset record ({exc}); "
                         "write the report again with this version of commitradar") from None
    old = entry.verdict.tier
    return Label(
        sha=commit.sha, repo=commit.repo, date=commit.committed_at.date().isoformat(), tier=tier,
        change_type=change_type or entry.verdict.change_type, source=SOURCE,
        reason=reason or f"corrected from {old} in the report of {twin.label}", annotator=annotator,
        extra={"report": {"label": twin.label, "tier": old, "classifier": twin.classifier},
               "commit": commit.to_record()},
    )


def record_label(path: str | Path, label: Label) -> Label | None:
    """Write ``label`` into the labels file ``path`` (created when missing), replacing a label of the same
    commit (same repository, same full SHA, or one SHA a prefix of the other). The file is rewritten
    atomically, sorted by date and SHA. Returns the label replaced, or None."""
    path = Path(path)
    existing = read_labels(path) if path.is_file() else []

    def same(other: Label) -> bool:
        return (other.repo.casefold() == label.repo.casefold()
                and (other.sha.startswith(label.sha) or label.sha.startswith(other.sha)))

    replaced = next((lab for lab in existing if same(lab)), None)
    kept = [lab for lab in existing if not same(lab)]
    write_labels(path, sorted(kept + [label], key=lambda lab: (lab.date, lab.sha)))
    return replaced


def embedded_commits(labels: Iterable[Label], known: Sequence[Commit] = ()) -> list[Commit]:
    """The commits carried by labels (``commit``, as corrections record them) that ``known`` lacks (by
    repository and full SHA). A broken record is an :class:`InputError` naming the label."""
    have = {(c.repo.casefold(), c.sha) for c in known}
    out: list[Commit] = []
    for lab in labels:
        rec = lab.extra.get("commit")
        if not isinstance(rec, dict):
            continue
        try:
            commit = parse_record(rec)
        except ValueError as exc:
            raise InputError(f"label {lab.sha[:12]} ({lab.source}): its commit record is broken: {exc}") from None
        key = (commit.repo.casefold(), commit.sha)
        if key not in have:
            have.add(key)
            out.append(commit)
    return out
