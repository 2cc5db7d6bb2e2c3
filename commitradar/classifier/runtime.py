"""The ``model`` classifier at report time: batch predict with reasons (rule hits, strongest features,
nearest labeled commits)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..features.embedding import MODEL_NAME, Embedder, check_embedding_installed
from ..records import Commit, Features, Verdict
from .card import card_mapping
from .design import Mapping, design_matrix
from .estimator import HEADS, ImportanceModel
from .heads import tier_probabilities
from .persist import load_model
from .policy import TierPolicy, apply_budget, budget_reason, budget_size, policy_with_overrides
from .presets import DEFAULT
from .vector import hand_feature_names


def strongest_features(model: ImportanceModel, X: np.ndarray, tiers: Sequence[str], mapping: Mapping,
                       k: int = 2) -> list[list[str]]:
    """Hand features pushing hardest towards each predicted tier (coefficient × scaled value in the head's
    regression; medium: what argues against low), as ``name=value (+push)``."""
    names = ["embedding"] * model.n_embedding + hand_feature_names(mapping)
    contrib = {t: model.linear_contributions(X, t) for t in HEADS}
    out = []
    for i, tier in enumerate(tiers):
        c = -contrib["low"][i] if tier == "medium" and contrib["low"] is not None else \
            contrib[tier][i] if tier != "medium" and contrib[tier] is not None else None
        if c is None:
            out.append([])
            continue
        order = np.argsort(-c)
        # the feature's own value, so "x=0 (+0.2)" reads as "absent, and that pushes this way"
        out.append([f"{names[j]}={X[i, j]:.3g} ({c[j]:+.2f})" for j in order
                    if names[j] != "embedding" and c[j] > 0][:k])
    return out


@dataclass
class ModelClassifier:
    """The ``model`` classifier: batch predict with reasons (rule hits, strongest features, neighbours)."""

    model: ImportanceModel
    card: dict
    embedder: Embedder
    policy: TierPolicy = field(default=None)  # the model's, or the configuration's overrides of it
    mapping: Mapping = field(default=None)  # the path mapping the model was trained with (from its card)
    name: str = "model"
    # the attention budget: at most budget_size(n, high_budget) high commits per repository and day (days
    # in ``tz``), the rest of the day's highs demoted to medium; None or 0: off
    high_budget: float | None = None
    tz: str = "UTC"

    def __post_init__(self) -> None:
        self.policy = self.policy or self.model.policy_
        self.mapping = self.mapping or card_mapping(self.card)

    @classmethod
    def load(cls, model_dir: Path, config=None, cache_dir: Path | None = None) -> ModelClassifier:
        model, card = load_model(model_dir)
        embedding = card.get("embedding_model", MODEL_NAME)
        check_embedding_installed(embedding)  # the one it was trained with: a one-line error saying how to install it
        policy = policy_with_overrides(model.policy_, config) if config is not None else model.policy_
        cache = cache_dir or (config.cache() if config is not None else None)
        budget = getattr(config, "high_budget", None) if config is not None else None
        tz = getattr(config, "tz", None) or "UTC"
        return cls(model, card, Embedder(cache, progress=True, model_name=embedding), policy, high_budget=budget, tz=tz)

    def _days(self, items: Sequence[tuple[Commit, Features]]) -> list[tuple[str, str]]:
        """(repository, local date) of each commit: the group the attention budget counts in."""
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(self.tz)
        return [(c.repo, c.committed_at.astimezone(zone).date().isoformat()) for c, _ in items]

    def classify(self, items: Sequence[tuple[Commit, Features]]) -> list[Verdict]:
        """Verdicts of (commit, features) pairs. The model reads each commit featurised with its own path
        mapping, whatever mapping the given features were extracted with."""
        if not items:
            return []
        X = design_matrix([c for c, _ in items], self.embedder, self.mapping)
        p_high, p_low = self.model.head_scores(X)
        proba = tier_probabilities(p_high, p_low)
        repos = [c.repo for c, _ in items]
        tiers = self.policy.apply(p_high, p_low, repos)
        demoted = [False] * len(tiers)
        if self.high_budget:
            days = self._days(items)
            tiers, demoted = apply_budget(tiers, p_high, days, self.high_budget)
            day_size = {d: days.count(d) for d in set(days)}
        types = self.model.predict_type(X)
        strongest = strongest_features(self.model, X, tiers, self.mapping)
        near = self.model.neighbours(X)
        # The rule hits are already columns of X ("rule:<name>"): read them instead of scoring again.
        names = hand_feature_names(self.mapping)
        rule_cols = [(r, self.model.n_embedding + names.index(f"rule:{r.name}")) for r in DEFAULT.rules]
        out = []
        for i, (row, repo, tier, ctype, p, top, nb) in enumerate(zip(X, repos, tiers, types, proba, strongest, near)):
            hits = [r for r, col in rule_cols if row[col] > 0]
            reasons = [f"P(high)={p[0]:.2f}, P(low)={p[2]:.2f} (high at ≥ {self.policy.high_threshold_for(repo):.2f}, "
                       f"low at > {1 - self.policy.medium_threshold:.2f})"]
            if demoted[i]:
                n = day_size[days[i]]
                reasons.append(budget_reason(budget_size(n, self.high_budget), n))
            reasons += [f"rule {r.name}: {r.reason}" for r in hits]
            if top:
                reasons.append("strongest features: " + ", ".join(top))
            if nb:
                reasons.append("nearest labeled: " + ", ".join(f"{s} {t} ({sim:.2f})" for s, t, sim in nb))
            probs = {str(k): round(float(v), 4) for k, v in zip(self.model.classes_, p)}
            out.append(Verdict(tier, str(ctype), tuple(reasons), self.name, probs))
        return out
