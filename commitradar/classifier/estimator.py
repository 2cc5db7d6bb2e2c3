"""``ImportanceModel``: tier heads, change-type estimator, embedding-only baseline, tier policy, neighbours.

``fit(X, tiers, types)`` / ``predict(X)``. Columns of X are the 384-d embedding followed by
:func:`commitradar.classifier.vector.hand_features`.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from ..features.embedding import DIM
from ..records import TIERS
from .heads import fit_heads, head_scores, linear_part, make_embedding_only, make_type_estimator, tier_probabilities
from .policy import TierPolicy
from .vector import hand_feature_names


@dataclass
class ImportanceModel:
    """Tier + change-type estimators, the tier policy and the labeled neighbours used for reasons."""

    policy: TierPolicy = field(default_factory=TierPolicy)
    heads: dict | None = None  # {"high": estimator, "low": estimator}
    type_estimator: object = None
    embedding_estimator: object = None  # the "embedding-only" baseline head, shipped for side-by-side evaluation
    neighbour_vectors: np.ndarray | None = None
    neighbour_shas: np.ndarray | None = None
    neighbour_tiers: np.ndarray | None = None

    def fit(self, X: np.ndarray, tiers: Sequence[str], types: Sequence[str], shas: Sequence[str] = ()) -> ImportanceModel:
        self.heads = fit_heads(X, tiers)
        self.type_estimator = make_type_estimator().fit(X, np.asarray(types))
        self.embedding_estimator = make_embedding_only().fit(X[:, :DIM], np.asarray(tiers))
        self.neighbour_vectors = X[:, :DIM].astype(np.float16)
        self.neighbour_shas = np.asarray([s[:12] for s in shas] if len(shas) else [""] * len(X))
        self.neighbour_tiers = np.asarray(tiers)
        return self

    classes_ = list(TIERS)

    def head_scores(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return head_scores(self.heads, X)

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        return tier_probabilities(*head_scores(self.heads, X))

    def predict(self, X: np.ndarray, repos: Sequence[str] | None = None) -> list[str]:
        return self.policy.apply(*head_scores(self.heads, X), repos=repos)

    def predict_embedding_only(self, X: np.ndarray) -> list[str]:
        return list(self.embedding_estimator.predict(X[:, :DIM]))

    def predict_type(self, X: np.ndarray) -> list[str]:
        return list(self.type_estimator.predict(X))

    def strongest_features(self, X: np.ndarray, tiers: Sequence[str], k: int = 2) -> list[list[str]]:
        """Hand features pushing hardest towards each predicted tier (coef × scaled value of the linear part)."""
        names = ["embedding"] * DIM + hand_feature_names()
        pipes = {}
        for t, est in self.heads.items():
            pipe = linear_part(est)
            pipes[t] = (pipe.named_steps["columns"].transform(X), pipe.named_steps["logreg"].coef_[0])
        out = []
        for i, tier in enumerate(tiers):
            if tier == "medium":  # medium: what argues against low
                Z, coef = pipes["low"]
                contrib = -coef * Z[i]
            else:
                Z, coef = pipes[tier]
                contrib = coef * Z[i]
            order = np.argsort(-contrib)
            raw = X[i]  # the feature's own value, so "x=0 (+0.2)" reads as "absent, and that pushes this way"
            picked = [f"{names[i_]}={raw[i_]:.3g} ({contrib[i_]:+.2f})" for i_ in order
                      if names[i_] != "embedding" and contrib[i_] > 0][:k]
            out.append(picked)
        return out

    def neighbours(self, X: np.ndarray, k: int = 3) -> list[list[tuple[str, str, float]]]:
        if self.neighbour_vectors is None or not len(self.neighbour_vectors):
            return [[] for _ in range(len(X))]
        ref = self.neighbour_vectors.astype(np.float32)
        sims = X[:, :DIM] @ ref.T
        out = []
        for row in sims:
            idx = np.argsort(-row)[:k]
            out.append([(str(self.neighbour_shas[i])[:7], str(self.neighbour_tiers[i]), float(row[i])) for i in idx])
        return out
