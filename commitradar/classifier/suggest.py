"""Uncertainty sampling: which unlabeled commits should a person label next?

Score = entropy of the model's calibrated tier probabilities + ``high_weight`` × P(high): the commits the
model is least sure about, favouring those that may be high (the rarest, most valuable tier). ``random``
more are drawn uniformly from the rest: labels sampled like the commits the model will meet keep the
tier thresholds honest (uncertainty-picked labels over-represent hard and high commits).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..dataset import read_commits
from ..features.embedding import MODEL_NAME, Embedder
from .card import card_mapping
from .design import design_matrix
from .persist import load_model


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
    picked: str = "uncertain"  # or "random"


def uncertainty(proba: np.ndarray, p_high: np.ndarray, high_weight: float) -> np.ndarray:
    entropy = -(proba * np.log(np.clip(proba, 1e-9, 1))).sum(axis=1) / np.log(proba.shape[1])
    return entropy + high_weight * p_high


def is_labeled(sha: str, labeled: set[str], prefix_lengths: Sequence[int]) -> bool:
    """Labels may hold abbreviated SHAs: a commit is labeled if its SHA or any of its prefixes is."""
    return sha in labeled or any(sha[:k] in labeled for k in prefix_lengths)


def suggest(model_dir: Path, commit_files: Sequence[str], labeled_shas: set[str], n: int = 20,
            until: str | None = None, exclude_repos: Sequence[str] = (), cache_dir: Path | None = None,
            high_weight: float = 1.0, random: int = 0, seed: int = 0) -> list[Suggestion]:
    model, card = load_model(model_dir)
    excluded = set(exclude_repos)
    labeled = {s.lower() for s in labeled_shas}
    lengths = sorted({len(s) for s in labeled if len(s) < 40})
    pool = [c for c in read_commits(*commit_files)
            if not is_labeled(c.sha, labeled, lengths) and c.repo not in excluded
            and (until is None or c.committed_at.date().isoformat() <= until)]
    if not pool:
        return []
    X = design_matrix(pool, Embedder(cache_dir, progress=True, model_name=card.get("embedding_model", MODEL_NAME)),
                      card_mapping(card))
    proba = model.predict_proba(X)
    idx = {c: i for i, c in enumerate(model.classes_)}
    scores = uncertainty(proba, proba[:, idx["high"]], high_weight)
    order = list(np.argsort(-scores)[:n])
    rest = np.setdiff1d(np.arange(len(pool)), order)
    drawn = np.random.default_rng(seed).choice(rest, size=min(random, len(rest)), replace=False) if random else []
    picks = [(i, "uncertain") for i in order] + [(int(i), "random") for i in drawn]
    return [Suggestion(pool[i].sha, pool[i].repo, pool[i].committed_at.date().isoformat(), pool[i].subject,
                       float(proba[i, idx["high"]]), float(proba[i, idx["medium"]]), float(proba[i, idx["low"]]),
                       float(scores[i]), how) for i, how in picks]
