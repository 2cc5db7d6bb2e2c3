"""Uncertainty sampling: which unlabeled commits should a person label next?

Score = entropy of the model's calibrated tier probabilities + ``high_weight`` × P(high): the commits the
model is least sure about, favouring those that may be high (the rarest, most valuable tier).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from ..dataset import read_commits
from ..features import extract
from ..features.embedding import Embedder
from .model import ImportanceModel, design_matrix


@dataclass(frozen=True)
class Suggestion:
    sha: str
    repo: str
    date: str
    subject: str
    p_high: float
    p_medium: float
    p_low: float
    score: float


def uncertainty(proba: np.ndarray, p_high: np.ndarray, high_weight: float) -> np.ndarray:
    entropy = -(proba * np.log(np.clip(proba, 1e-9, 1))).sum(axis=1) / np.log(proba.shape[1])
    return entropy + high_weight * p_high


def suggest(model_dir: Path, commit_files: Sequence[str], labeled_shas: set[str], n: int = 20,
            until: str | None = None, exclude_repos: Sequence[str] = (), cache_dir: Path | None = None,
            high_weight: float = 1.0) -> list[Suggestion]:
    model, _ = ImportanceModel.load(model_dir)
    excluded = set(exclude_repos)
    pool = [c for c in read_commits(*commit_files)
            if c.sha not in labeled_shas and c.repo not in excluded
            and (until is None or c.committed_at.date().isoformat() <= until)]
    if not pool:
        return []
    X = design_matrix([(c, extract(c)) for c in pool], Embedder(cache_dir, progress=True))
    proba = model.predict_proba(X)
    idx = {c: i for i, c in enumerate(model.classes_)}
    scores = uncertainty(proba, proba[:, idx["high"]], high_weight)
    order = np.argsort(-scores)[:n]
    return [Suggestion(pool[i].sha, pool[i].repo, pool[i].committed_at.date().isoformat(), pool[i].subject,
                       float(proba[i, idx["high"]]), float(proba[i, idx["medium"]]), float(proba[i, idx["low"]]),
                       float(scores[i])) for i in order]
