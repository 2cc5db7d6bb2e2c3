"""The ``model`` classifier at report time: batch predict with reasons (rule hits, strongest features,
nearest labeled commits)."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ..features.embedding import DIM, Embedder
from ..records import Commit, Features, Verdict
from .design import design_matrix
from .estimator import ImportanceModel
from .heads import tier_probabilities
from .persist import load_model
from .policy import policy_with_overrides
from .presets import DEFAULT
from .vector import hand_feature_names


class ModelClassifier:
    """The ``model`` classifier: batch predict with reasons (rule hits, strongest features, neighbours)."""

    name = "model"

    def __init__(self, model: ImportanceModel, card: dict, embedder: Embedder) -> None:
        self.model = model
        self.card = card
        self.embedder = embedder

    @classmethod
    def load(cls, model_dir: Path, config=None, cache_dir: Path | None = None) -> ModelClassifier:
        model, card = load_model(model_dir)
        if config is not None:
            model.policy = policy_with_overrides(model.policy, config)
        cache = cache_dir or (config.cache() if config is not None else None)
        return cls(model, card, Embedder(cache, progress=True))

    def classify(self, items: Sequence[tuple[Commit, Features]]) -> list[Verdict]:
        if not items:
            return []
        X = design_matrix(items, self.embedder)
        p_high, p_low = self.model.head_scores(X)
        proba = tier_probabilities(p_high, p_low)
        classes = self.model.classes_
        repos = [c.repo for c, _ in items]
        tiers = self.model.policy.apply(p_high, p_low, repos)
        types = self.model.predict_type(X)
        strongest = self.model.strongest_features(X, tiers)
        near = self.model.neighbours(X)
        # The rule hits are already columns of X ("rule:<name>"): read them instead of scoring again.
        names = hand_feature_names()
        rule_cols = [(r, DIM + names.index(f"rule:{r.name}")) for r in DEFAULT.rules]
        out = []
        for row, repo, tier, ctype, p, top, nb in zip(X, repos, tiers, types, proba, strongest, near):
            hits = [r for r, col in rule_cols if row[col] > 0]
            high_at = self.model.policy.high_threshold_for(repo)
            reasons = [f"P(high)={p[0]:.2f}, P(low)={p[2]:.2f} (high at ≥ {high_at:.2f}, "
                       f"low at > {1 - self.model.policy.medium_threshold:.2f})"]
            reasons += [f"rule {r.name}: {r.reason}" for r in hits]
            if top:
                reasons.append("strongest features: " + ", ".join(top))
            if nb:
                reasons.append("nearest labeled: " + ", ".join(f"{s} {t} ({sim:.2f})" for s, t, sim in nb))
            probs = {k: round(float(v), 4) for k, v in zip(classes, p)}
            out.append(Verdict(tier, ctype, tuple(reasons), self.name, probs))
        return out
