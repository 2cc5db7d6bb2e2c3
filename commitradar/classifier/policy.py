"""The tier policy: two head scores → a tier, its thresholds tuned on held-out scores, and overrides.

``TierPolicy.apply``: high if P(high) ≥ the (per-repository) high threshold; else medium if 1 − P(low) ≥
the medium threshold; else low. ``tune_policy`` picks the thresholds with the best macro-F1 that keeps high
recall and the LLM share within a :class:`PolicyTarget`; ``policy_with_overrides`` lets the configuration
replace them at report time.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from ..records import TIERS


@dataclass(frozen=True)
class TierPolicy:
    """high if P(high) ≥ high_threshold; else medium if 1 − P(low) ≥ medium_threshold; else low.

    P(high) and P(low) come from two one-vs-rest heads; thresholds are tuned on held-out scores
    (:func:`tune_policy`) to favour high-tier recall."""

    high_threshold: float = 0.3
    medium_threshold: float = 0.5
    # owner/name → high threshold for that repository's commits (rate anchoring per repository); other
    # repositories use high_threshold
    repo_high_thresholds: dict = field(default_factory=dict)

    def high_threshold_for(self, repo: str | None) -> float:
        return self.repo_high_thresholds.get(repo, self.high_threshold) if repo else self.high_threshold

    def apply(self, p_high: np.ndarray, p_low: np.ndarray, repos: Sequence[str] | None = None) -> list[str]:
        """Tiers of rows scored (P(high), P(low)); ``repos`` (one per row) picks per-repository thresholds."""
        repos = repos if repos is not None else [None] * len(p_high)
        return ["high" if h >= self.high_threshold_for(r) else "medium" if 1 - lo >= self.medium_threshold else "low"
                for h, lo, r in zip(p_high, p_low, repos)]


def policy_with_overrides(policy: TierPolicy, config) -> TierPolicy:
    """The trained policy, with any threshold set in the configuration (toml, flags) taking its place."""
    given = {k: getattr(config, k, None) for k in ("high_threshold", "medium_threshold")}
    policy = replace(policy, **{k: float(v) for k, v in given.items() if v is not None})
    if given["high_threshold"] is not None:  # one threshold asked for: it holds for every repository
        policy = replace(policy, repo_high_thresholds={})
    return policy


def policy_line(policy: dict) -> str:
    """The tier thresholds in words, e.g. ``high if P(high) ≥ 0.1938 for o/a, 0.0968 for any other repository, …``."""
    high = f"{policy['high_threshold']:.4f}"
    if policy.get("repo_high_thresholds"):
        high = ", ".join(f"{t:.4f} for {r}" for r, t in sorted(policy["repo_high_thresholds"].items())) \
            + f", {high} for any other repository"
    return f"high if P(high) ≥ {high}; else medium if 1 − P(low) ≥ {policy['medium_threshold']:.4f}; else low"


@dataclass(frozen=True)
class PolicyTarget:
    """What tier thresholds are tuned for: best macro-F1 with high recall ≥ min_high_recall and at most
    max_llm_share of commits sent to the LLM (falls back to the best high recall when infeasible)."""

    min_high_recall: float = 0.75  # tuned with a margin: 0.70 tuned in-sample lands near 0.67 out of sample
    max_llm_share: float = 0.65
    # Which held-out scores the thresholds are tuned on (see heads.inner_scores): "shuffled" (date-grouped
    # folds in any order) or "forward" (each date block scored by a model fit on earlier blocks only).
    scores_from: str = "shuffled"
    # Move the tuned thresholds so commits newer than the labels are flagged at the labeled period's rates
    # (classifier/anchoring.py): later commits score higher without being more often high.
    anchor: bool = True


def _fast_scores(y: np.ndarray, pred: np.ndarray) -> tuple[float, float, float]:
    """(macro-F1, high recall, LLM share) with numpy only: the threshold search calls this thousands of times."""
    f1s = []
    high_recall = 0.0
    for t in TIERS:
        tp = np.sum((pred == t) & (y == t))
        p_n, y_n = np.sum(pred == t), np.sum(y == t)
        prec = tp / p_n if p_n else 0.0
        rec = tp / y_n if y_n else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
        if t == "high":
            high_recall = rec
    return float(np.mean(f1s)), float(high_recall), float(np.mean(pred != "low"))


def tune_policy(p_high: np.ndarray, p_low: np.ndarray, y: Sequence[str], target: PolicyTarget = PolicyTarget()) -> TierPolicy:
    """Thresholds on held-out head scores: a quantile grid (55–98.5 % of P(high), 20–80 % of 1 − P(low)).
    Rows whose scores are NaN (forward scores leave the earliest blocks unscored) are ignored."""
    y = np.asarray(y)
    p_high, p_low = np.asarray(p_high), np.asarray(p_low)
    scored = ~np.isnan(p_high)
    p_high, p_low, y = p_high[scored], p_low[scored], y[scored]
    not_low = 1 - p_low
    ths = np.unique(np.quantile(p_high, np.linspace(0.55, 0.985, 60)))
    tms = np.unique(np.quantile(not_low, np.linspace(0.2, 0.8, 49)))
    best, best_key = TierPolicy(), None
    for th in ths:
        is_high = p_high >= th
        for tm in tms:
            pred = np.where(is_high, "high", np.where(not_low >= tm, "medium", "low"))
            f1, hr, share = _fast_scores(y, pred)
            feasible = hr >= target.min_high_recall and share <= target.max_llm_share
            key = (feasible, f1 if feasible else hr + 0.1 * f1)
            if best_key is None or key > best_key:
                best, best_key = TierPolicy(round(float(th), 5), round(float(tm), 5)), key
    return best
