"""Labeled commits for training and evaluation: labels joined to the commits of dataset files."""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..dataset import read_commits
from ..errors import InputError
from ..features import extract
from ..labels import Label, join_labels, read_labels
from ..labels.corrections import embedded_commits
from ..records import Commit, Features
from .vector import MODEL_MAPPING

log = logging.getLogger("commitradar")


@dataclass
class LabeledSet:
    """Labeled commits (sorted by SHA), their features (extracted with the model's path mapping) and labels."""

    items: list[tuple[Commit, Features]]
    tiers: list[str]
    types: list[str]
    dates: list[str]
    shas: list[str]
    sources: list[str]
    commits: list[Commit] = field(default_factory=list)  # every commit read, labeled or not (rate anchoring)


def read_label_files(label_files: Sequence[str]) -> list[Label]:
    labels = [lab for path in label_files for lab in read_labels(path)]
    if not labels:
        raise InputError("no labels in " + ", ".join(map(str, label_files)))
    return labels


def check_tune_on(labels: Sequence[Label], tune_on: Sequence[str]) -> None:
    """``--tune-on`` names label files by their source: each must be among the labels."""
    unknown = {Path(p).stem for p in tune_on} - {lab.source for lab in labels}
    if unknown:
        raise InputError(f"--tune-on {', '.join(sorted(unknown))}: no such labels among --labels")


def join_to_commits(labels: Sequence[Label], commit_files: Sequence[str]) -> LabeledSet:
    """Join labels to commits (full or abbreviated SHA). Later files win for a SHA labeled twice. A label
    that carries its commit (a correction made from a report) needs no dataset file holding it."""
    commits = read_commits(*commit_files)
    commits += embedded_commits(labels, commits)
    pairs, unknown = join_labels(labels, commits)
    if unknown:
        log.warning("%d labels match no commit in the given datasets (e.g. %s)", len(unknown),
                    ", ".join(lab.sha[:10] for lab in unknown[:3]))
    by_sha: dict[str, tuple] = {}
    for lab, commit in pairs:
        by_sha[commit.sha] = (lab, commit)
    if not by_sha:
        raise InputError("no label matched a commit: check that --commits holds the labeled repositories")
    rows = sorted(by_sha.values(), key=lambda lc: lc[1].sha)
    return LabeledSet(
        items=[(c, extract(c, MODEL_MAPPING)) for _, c in rows],  # the rules baselines read these
        tiers=[lab.tier for lab, _ in rows],
        types=[lab.change_type for lab, _ in rows],
        dates=[c.committed_at.date().isoformat() for _, c in rows],
        shas=[c.sha for _, c in rows],
        sources=[lab.source for lab, _ in rows],
        commits=commits,
    )


def load_labeled(label_files: Sequence[str], commit_files: Sequence[str], tune_on: Sequence[str] = ()) -> LabeledSet:
    labels = read_label_files(label_files)
    check_tune_on(labels, tune_on)
    return join_to_commits(labels, commit_files)


def score_mask(data: LabeledSet, tune_on: Sequence[str]) -> np.ndarray:
    """Rows whose labels come from the ``tune_on`` files (all rows when none is given)."""
    tune_sources = {Path(p).stem for p in tune_on}
    return np.array([not tune_sources or s in tune_sources for s in data.sources])


def check_folds(data: LabeledSet, folds: int, what: str = "--cv") -> None:
    """Enough distinct dates and labels of every tier for ``folds`` date-grouped folds, checked before any
    embedding: a tier with fewer labels than folds cannot be learned inside every fold."""
    days = len(set(data.dates))
    if days < folds:
        raise InputError(f"{what} {folds} needs at least {folds} distinct dates, the labels have {days}")
    counts = Counter(data.tiers)
    few = [f"{t} {counts.get(t, 0)}" for t in ("high", "low") if counts.get(t, 0) < folds]
    if few:
        raise InputError(f"too few labels of some tier for {folds} folds ({', '.join(few)}): "
                         f"add labels of the rarest tier, or lower {what}")


_TOO_FEW = ("examples for at least one class", "samples of at least 2 classes", "greater than the number of groups",
            "the labels need at least one")


def too_few_labels_is_input_error(fn):
    """scikit-learn's errors for a tier with too few labels (or too few days) for the nested folds become a
    one-line user error that says what to do."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValueError as e:
            if not any(s in str(e) for s in _TOO_FEW):
                raise
            raise InputError(f"too few labels of some tier (or too few days) for these folds: {e} "
                             "Add labels of the rarest tier, or lower --cv.") from None

    return wrapper
