"""The model's two one-vs-rest heads (high vs rest, low vs rest), how they are built and scored.

Each head is a soft vote of a logistic regression (embedding + scaled hand features) and gradient-boosted
trees (hand features); its probability is calibrated (sigmoid). Also: the change-type estimator and the
embedding-only baseline, and how two head scores become three tier probabilities.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..features.embedding import DIM
from .folds import date_folds, forward_blocks
from .vector import hand_feature_names

SCORE_SCHEMES = ("forward", "shuffled")
HEAD_C = {"high": 0.03, "low": 0.3}  # the high head is strongly regularised: few, noisy positives
TREE_WEIGHT = 0.4  # share of the gradient-boosted trees in each head's vote (the rest: the linear model)


def _column_pipeline(columns: str, C: float, class_weight="balanced", hand_weight: float = 0.5):
    from sklearn.compose import ColumnTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import StandardScaler

    n_hand = len(hand_feature_names())
    parts = []
    if columns in ("both", "embedding"):
        parts.append(("embedding", "passthrough", slice(0, DIM)))
    if columns in ("both", "hand"):
        parts.append(("hand", StandardScaler(), slice(DIM, DIM + n_hand)))
    return Pipeline([
        ("columns", ColumnTransformer(parts, transformer_weights={"hand": hand_weight})),
        ("logreg", LogisticRegression(C=C, class_weight=class_weight, max_iter=5000)),
    ])


def _tree_pipeline():
    """Gradient-boosted trees on the hand features only: they catch interactions the linear model cannot
    (a fix tag *and* core paths *and* a small diff), while the embedding stays with the linear model."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    n_hand = len(hand_feature_names())
    return Pipeline([
        ("columns", ColumnTransformer([("hand", "passthrough", slice(DIM, DIM + n_hand))])),
        ("trees", HistGradientBoostingClassifier(learning_rate=0.05, max_iter=200, max_depth=3,
                                                 l2_regularization=1.0, class_weight="balanced", random_state=0)),
    ])


def make_head(tier: str, calibrate: bool = True, tree_weight: float = TREE_WEIGHT):
    """One-vs-rest head ``tier`` vs the rest: a soft vote of the linear model (embedding + scaled hand
    features) and the trees (hand features). Calibration (sigmoid on out-of-fold scores, one final fit on
    all rows) is monotonic: it makes P() meaningful without changing the ranking."""
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import VotingClassifier

    linear = _column_pipeline("both", HEAD_C[tier])
    base = linear if tree_weight <= 0 else VotingClassifier(
        [("linear", linear), ("trees", _tree_pipeline())], voting="soft", weights=[1 - tree_weight, tree_weight])
    return CalibratedClassifierCV(base, method="sigmoid", cv=5, ensemble=False) if calibrate else base


def linear_part(head):
    """The fitted linear pipeline inside a head (calibrated or not, voting or not): the reasons read it."""
    est = head.calibrated_classifiers_[0].estimator if hasattr(head, "calibrated_classifiers_") else head
    return est.named_estimators_["linear"] if hasattr(est, "named_estimators_") else est


def fit_heads(X: np.ndarray, tiers: Sequence[str], calibrate: bool = True) -> dict:
    y = np.asarray(tiers)
    return {tier: make_head(tier, calibrate).fit(X, y == tier) for tier in ("high", "low")}


def head_scores(heads: dict, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(P(high), P(low)) from the two heads."""
    return tuple(heads[t].predict_proba(X)[:, list(heads[t].classes_).index(True)] for t in ("high", "low"))


def inner_scores(X: np.ndarray, y: np.ndarray, dates: np.ndarray, k: int = 4, scheme: str = "shuffled") -> np.ndarray:
    """Held-out (P(high), P(low)) per row: what threshold tuning may look at.

    ``shuffled``: ``k`` date-grouped folds in any order, every row scored. ``forward``: ``k + 1`` date
    blocks; blocks 2.. are each scored by a model fit on all earlier blocks, the way the model meets
    commits newer than its labels. Rows of the first two blocks stay NaN: a model fit on one block alone
    scores too unlike the final one to tune on."""
    if scheme not in SCORE_SCHEMES:
        raise ValueError(f"scheme {scheme!r}: expected one of {', '.join(SCORE_SCHEMES)}")
    out = np.full((len(y), 2), np.nan)
    if scheme == "shuffled":
        for test in date_folds(list(dates), k, seed=1):
            train = np.setdiff1d(np.arange(len(y)), test)
            out[test] = np.c_[head_scores(fit_heads(X[train], y[train]), X[test])]
        return out
    blocks = forward_blocks(dates, k + 1)
    if len(blocks) < 3:  # too few dates to chain: score as shuffled
        return inner_scores(X, y, dates, k, scheme="shuffled")
    for b in range(2, len(blocks)):
        train = np.concatenate(blocks[:b])
        out[blocks[b]] = np.c_[head_scores(fit_heads(X[train], y[train]), X[blocks[b]])]
    return out


def tier_probabilities(p_high: np.ndarray, p_low: np.ndarray) -> np.ndarray:
    """(n, 3) in TIERS order, summing to 1: medium takes what the two heads leave."""
    p_mid = np.clip(1 - p_high - p_low, 0.02, None)
    P = np.c_[p_high, p_mid, p_low]
    return P / P.sum(axis=1, keepdims=True)


def make_type_estimator(C: float = 1.0):
    return _column_pipeline("both", C, hand_weight=1.0)


def make_embedding_only(C: float = 2.0):
    """Plain logistic regression on the MiniLM vector (the baseline the model must beat)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced", max_iter=5000)
