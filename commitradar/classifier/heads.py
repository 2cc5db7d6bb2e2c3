"""Building blocks of the importance model: its two one-vs-rest heads, their calibration, the change-type
estimator and the embedding-only baseline.

Columns of X: the first ``n_embedding`` are the sentence embedding, the rest hand features. A head (high vs
rest, or low vs rest) is a soft vote of a logistic regression on everything (hand features scaled) and
gradient-boosted trees on the hand features; a sigmoid (Platt scaling) fit on held-out head scores turns
them into probabilities. Pure constructors and functions: :class:`.estimator.ImportanceModel` wires them together.
"""
from __future__ import annotations

import numpy as np


def _columns(n_embedding: int, n_features: int, hand_weight: float):
    """Embedding columns as they are, hand columns standardised and weighted by ``hand_weight``."""
    from sklearn.compose import ColumnTransformer
    from sklearn.preprocessing import StandardScaler

    parts, weights = [], {}
    if n_embedding:
        parts.append(("embedding", "passthrough", slice(0, n_embedding)))
    if n_features > n_embedding:
        parts.append(("hand", StandardScaler(), slice(n_embedding, n_features)))
        weights["hand"] = hand_weight
    return ColumnTransformer(parts, transformer_weights=weights or None)


def linear_pipeline(n_embedding: int, n_features: int, C: float, hand_weight: float, max_iter: int,
                    class_weight="balanced"):
    """Logistic regression on the embedding and the scaled hand features."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import Pipeline

    return Pipeline([
        ("columns", _columns(n_embedding, n_features, hand_weight)),
        ("logreg", LogisticRegression(C=C, class_weight=class_weight, max_iter=max_iter)),
    ])


def tree_pipeline(n_embedding: int, n_features: int, learning_rate: float, max_iter: int, max_depth: int,
                  l2_regularization: float, random_state: int):
    """Gradient-boosted trees on the hand features only: they catch interactions the linear model cannot
    (a fix tag *and* core paths *and* a small diff), while the embedding stays with the linear model."""
    from sklearn.compose import ColumnTransformer
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.pipeline import Pipeline

    return Pipeline([
        ("columns", ColumnTransformer([("hand", "passthrough", slice(n_embedding, n_features))])),
        ("trees", HistGradientBoostingClassifier(learning_rate=learning_rate, max_iter=max_iter, max_depth=max_depth,
                                                 l2_regularization=l2_regularization, class_weight="balanced",
                                                 random_state=random_state)),
    ])


def make_head(linear, trees, tree_weight: float):
    """One head: the soft vote of ``linear`` (weight 1 − tree_weight) and ``trees`` (tree_weight); either
    alone when the other has no weight (or, for the trees, no hand column to read)."""
    from sklearn.ensemble import VotingClassifier

    if trees is None or tree_weight <= 0:
        return linear
    if tree_weight >= 1:
        return trees
    return VotingClassifier([("linear", linear), ("trees", trees)], voting="soft",
                            weights=[1 - tree_weight, tree_weight])


def linear_part(head):
    """The fitted linear pipeline inside a head (calibrated or not, voting or not), or None for trees alone:
    reasons read it."""
    if hasattr(head, "calibrated_classifiers_"):
        head = head.calibrated_classifiers_[0].estimator
    if hasattr(head, "named_estimators_"):
        return head.named_estimators_["linear"]
    return head if "logreg" in getattr(head, "named_steps", {}) else None


def positive_proba(estimator, X: np.ndarray) -> np.ndarray:
    """P(True) of a fitted binary classifier."""
    return estimator.predict_proba(X)[:, list(estimator.classes_).index(True)]


def fit_sigmoid(scores: np.ndarray, y: np.ndarray):
    """Platt scaling: P(y | s) = 1 / (1 + exp(a·s + b)) fit on held-out scores ``s``, with Platt's soft
    targets ((N₊ + 1)/(N₊ + 2) and 1/(N₋ + 2)) so that separable scores still give a finite slope. The
    same sigmoid scikit-learn's CalibratedClassifierCV fits, as a plain logistic regression on one column."""
    from sklearn.linear_model import LogisticRegression

    s = np.asarray(scores, dtype=float)[:, None]
    y = np.asarray(y, dtype=bool)
    n_pos, n_neg = int(y.sum()), int((~y).sum())
    target = np.where(y, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    # soft targets as two weighted rows per score: (s, True) with weight t and (s, False) with weight 1 − t
    return LogisticRegression(C=np.inf, max_iter=1000).fit(
        np.vstack([s, s]), np.r_[np.ones(len(s), bool), np.zeros(len(s), bool)], sample_weight=np.r_[target, 1 - target])


def calibrated(calibrator, scores: np.ndarray) -> np.ndarray:
    """Calibrated probabilities of raw head scores (the scores themselves without a calibrator)."""
    if calibrator is None:
        return np.asarray(scores, dtype=float)
    return positive_proba(calibrator, np.asarray(scores, dtype=float)[:, None])


def tier_probabilities(p_high: np.ndarray, p_low: np.ndarray) -> np.ndarray:
    """(n, 3) in TIERS order (high, medium, low), summing to 1: medium takes what the two heads leave."""
    p_mid = np.clip(1 - p_high - p_low, 0.02, None)
    P = np.c_[p_high, p_mid, p_low]
    return P / P.sum(axis=1, keepdims=True)


def embedding_only(C: float, max_iter: int):
    """Plain logistic regression on the embedding (the baseline the model must beat)."""
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, class_weight="balanced", max_iter=max_iter)
