"""``ImportanceModel``: a scikit-learn classifier of importance tiers (high, medium, low), with a
change-type estimator, an embedding-only baseline and the labeled neighbours that explain its calls.

Columns of X: the first ``n_embedding`` are the sentence embedding (384 for MiniLM), the rest hand features
(:mod:`.vector`). ``fit(X, tiers, types=..., groups=dates, tune_mask=..., shas=...)``:

1. two one-vs-rest heads (high vs rest, low vs rest), each a soft vote of a logistic regression and
   gradient-boosted trees (:mod:`.heads`);
2. ``inner_folds`` date-grouped folds give every row a held-out score of each head (uncalibrated inner
   models, mapped to probabilities by one sigmoid per head fit on those scores);
3. tier thresholds (:class:`.policy.TierPolicy`) are tuned on those held-out scores of the ``tune_mask``
   rows for the best macro-F1 with high recall ≥ ``min_high_recall`` and at most ``max_llm_share`` sent to
   the LLM (``scores_from="forward"``: on forward-chained scores instead);
4. each head is refit on all rows and calibrated once (scikit-learn's CalibratedClassifierCV: a sigmoid on
   its own ``calibration_folds``-fold out-of-fold scores). Calibrating the final heads on their own scores,
   not through the inner models' sigmoid, keeps the tuned thresholds where they belong: on the labels of
   the shipped model, macro-F1 over five fold seeds 0.647 this way against 0.642 with the shared sigmoid
   and 0.654 with a calibration inside every inner model (three times the fits);
5. the change-type estimator (when ``types`` are given) and the embedding-only baseline.

Hyper-parameters are ``__init__`` arguments (``get_params``/``set_params``/``clone`` work); fitted state ends
in ``_``. A tiny configuration for tests: ``set_params(tree_max_iter=10, inner_folds=2, calibration_folds=2)``.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from ..features.embedding import DIM, EMBEDDINGS, MODEL_NAME
from ..records import TIERS
from .folds import date_folds, forward_blocks
from .heads import (
    calibrated,
    embedding_only,
    fit_sigmoid,
    linear_part,
    linear_pipeline,
    make_head,
    positive_proba,
    tier_probabilities,
    tree_pipeline,
)
from .policy import PolicyTarget, tune_policy

HEADS = ("high", "low")
SCORE_SCHEMES = ("shuffled", "forward")


class ImportanceModel(ClassifierMixin, BaseEstimator):
    """Importance tiers from [embedding | hand features]; see the module docstring for what ``fit`` does.

    Parameters
    ----------
    high_C, low_C : inverse L2 strength of each head's logistic regression (the high head is strongly
        regularised: few, noisy positives).
    hand_weight : weight of the standardised hand features beside the embedding in the heads' regression.
    tree_weight : share of the gradient-boosted trees in each head's soft vote (0: regression alone).
    tree_learning_rate, tree_max_iter, tree_max_depth, tree_l2_regularization : the trees'.
    linear_max_iter : iterations of every logistic regression's solver.
    calibrate : calibrate the heads' probabilities (sigmoids); else the raw vote is the probability.
    calibration_folds : folds of each final head's calibration (stratified, as CalibratedClassifierCV's).
    inner_folds : date-grouped folds that give the held-out scores threshold tuning looks at.
    scores_from : "shuffled" (those folds) or "forward" (each date block scored by heads fit on earlier
        blocks only) scores for threshold tuning.
    min_high_recall, max_llm_share : what the thresholds are tuned for.
    type_C, type_hand_weight : the change-type regression's.
    embedding_C : the embedding-only baseline's.
    n_embedding : how many leading columns of X are the embedding.
    embedding : the sentence model whose vectors are those columns (:data:`..features.embedding.EMBEDDINGS`);
        the model does not read it, the code that builds X does (training, evaluation, the report).
    random_state : seeds the trees and the inner folds.
    tiers : the class labels from most to least important (default: high, medium, low); y may use only
        these. None: the sorted labels of y, the first most important. With two classes there is no
        middle tier: what the policy would call medium is the second class.
    """

    def __init__(self, *, high_C: float = 0.03, low_C: float = 0.3, hand_weight: float = 0.5,
                 tree_weight: float = 0.4, tree_learning_rate: float = 0.05, tree_max_iter: int = 200,
                 tree_max_depth: int = 3, tree_l2_regularization: float = 1.0, linear_max_iter: int = 5000,
                 calibrate: bool = True, calibration_folds: int = 5, inner_folds: int = 4,
                 scores_from: str = "shuffled",
                 min_high_recall: float = 0.70, max_llm_share: float = 0.65, type_C: float = 1.0,
                 type_hand_weight: float = 1.0, embedding_C: float = 2.0, n_embedding: int = DIM,
                 random_state: int = 0, tiers: Sequence | None = TIERS, embedding: str = MODEL_NAME):
        self.high_C = high_C
        self.low_C = low_C
        self.hand_weight = hand_weight
        self.tree_weight = tree_weight
        self.tree_learning_rate = tree_learning_rate
        self.tree_max_iter = tree_max_iter
        self.tree_max_depth = tree_max_depth
        self.tree_l2_regularization = tree_l2_regularization
        self.linear_max_iter = linear_max_iter
        self.calibrate = calibrate
        self.calibration_folds = calibration_folds
        self.inner_folds = inner_folds
        self.scores_from = scores_from
        self.min_high_recall = min_high_recall
        self.max_llm_share = max_llm_share
        self.type_C = type_C
        self.type_hand_weight = type_hand_weight
        self.embedding_C = embedding_C
        self.n_embedding = n_embedding
        self.random_state = random_state
        self.tiers = tiers
        self.embedding = embedding

    # ---------------------------------------------------------------- building

    def check_params(self) -> None:
        """ValueError naming the first hyper-parameter out of its range (``fit`` calls it too)."""
        problems = params_problems(self.get_params())
        if problems:
            raise ValueError(problems[0])

    def head_estimator(self, tier: str, n_features: int):
        """An unfitted head ``tier`` vs the rest for X with ``n_features`` columns."""
        C = {"high": self.high_C, "low": self.low_C}[tier]
        linear = linear_pipeline(self.n_embedding, n_features, C, self.hand_weight, self.linear_max_iter)
        trees = tree_pipeline(self.n_embedding, n_features, self.tree_learning_rate, self.tree_max_iter,
                              self.tree_max_depth, self.tree_l2_regularization, self.random_state) \
            if n_features > self.n_embedding else None
        return make_head(linear, trees, self.tree_weight)

    # ---------------------------------------------------------------- fit

    def fit(self, X, y, *, types: Sequence[str] | None = None, groups: Sequence | None = None,
            tune_mask: Sequence[bool] | None = None, shas: Sequence[str] | None = None) -> ImportanceModel:
        """Fit on X (n, n_features) and tiers ``y``. ``types``: change types (fits the type estimator);
        ``groups``: each row's date (inner folds keep a date together; forward scores need them);
        ``tune_mask``: rows whose labels tune the thresholds (default all); ``shas``: the neighbours' names."""
        self.check_params()
        # One thread per fit: the regressions and trees are small, and BLAS/OpenMP threads made each fit
        # 5–20× slower on a busy 2-core machine (measured: a head's trees 2.2 s single-threaded, 11–30 s not).
        with threadpool_limits(limits=1):
            return self._fit(X, y, types, groups, tune_mask, shas)

    def _fit(self, X, y, types, groups, tune_mask, shas) -> ImportanceModel:
        X, labels = validate_data(self, X, y, dtype=[np.float32, np.float64])
        check_classification_targets(labels)
        self.classes_ = self._class_order(labels)
        tier_of = dict(zip(self.classes_.tolist(), TIERS if len(self.classes_) == 3 else HEADS))
        y = np.asarray([tier_of[v] for v in labels.tolist()])  # the tier of each row: high, medium or low
        missing = [t for t in HEADS if t not in set(y)]
        if missing:
            raise ValueError(f"the labels need at least 2 classes, one per head: no {' and no '.join(missing)} "
                             f"among {len(set(y))} class(es)")
        n, n_features = X.shape
        if self.n_embedding > n_features:
            raise ValueError(f"n_embedding={self.n_embedding} but X has {n_features} columns")
        groups = np.arange(n) if groups is None else np.asarray(groups)
        mask = np.ones(n, dtype=bool) if tune_mask is None else np.asarray(tune_mask, dtype=bool)
        if len(groups) != n or len(mask) != n:
            raise ValueError("groups and tune_mask need one entry per row of X")
        if len(np.unique(groups)) < self.inner_folds:
            raise ValueError(f"inner_folds={self.inner_folds} needs at least as many distinct groups (dates); "
                             f"got {len(np.unique(groups))}")

        tests = date_folds(groups, self.inner_folds, seed=self.random_state + 1)
        self.heads_ = {}
        sigmoids = {}  # per head, fit on the inner models' held-out scores: what thresholds are tuned on
        held_out = np.full((n, 2), np.nan)
        for j, tier in enumerate(HEADS):
            target = y == tier
            base = self.head_estimator(tier, n_features)
            raw = np.full(n, np.nan)
            for test in tests:
                train = np.setdiff1d(np.arange(n), test)
                raw[test] = positive_proba(clone(base).fit(X[train], target[train]), X[test])
            sigmoids[tier] = fit_sigmoid(raw, target) if self.calibrate else None
            held_out[:, j] = calibrated(sigmoids[tier], raw)
            self.heads_[tier] = self._final_head(base).fit(X, target)
        if self.scores_from == "forward":
            held_out = self._forward_scores(X, y, groups, held_out, sigmoids)
        self.held_out_scores_ = held_out
        target = PolicyTarget(self.min_high_recall, self.max_llm_share)
        self.policy_ = tune_policy(held_out[mask, 0], held_out[mask, 1], y[mask], target)

        self.type_estimator_ = None
        if types is not None:
            self.type_estimator_ = linear_pipeline(self.n_embedding, n_features, self.type_C, self.type_hand_weight,
                                                   self.linear_max_iter).fit(X, np.asarray(types))
        self.embedding_estimator_ = embedding_only(self.embedding_C, self.linear_max_iter).fit(
            X[:, :self.n_embedding], labels) if self.n_embedding else None
        self.neighbour_vectors_ = X[:, :self.n_embedding].astype(np.float16)
        self.neighbour_shas_ = np.asarray([str(s)[:12] for s in shas] if shas is not None else [""] * n)
        self.neighbour_tiers_ = np.asarray(labels).astype(str)
        return self

    def _class_order(self, labels: np.ndarray) -> np.ndarray:
        """The classes, most important first: ``tiers``, or (None) the sorted labels of y."""
        if self.tiers is None:
            order = np.unique(labels)
        else:
            unknown = sorted(set(labels.tolist()) - set(self.tiers), key=str)
            if unknown:
                raise ValueError(f"labels must be among tiers ({', '.join(map(str, self.tiers))}); "
                                 f"got {', '.join(map(str, unknown[:5]))}")
            order = np.asarray(list(self.tiers))
        if not 2 <= len(order) <= 3:
            raise ValueError(f"the labels need at least 2 classes and at most 3 (tiers), got {len(order)} class(es)")
        return order

    def _labels(self, tiers: Sequence[str]) -> np.ndarray:
        """Class labels of tier names (with two classes, medium is the second)."""
        c = self.classes_.tolist()
        label_of = dict(zip(TIERS, c)) if len(c) == 3 else {"high": c[0], "medium": c[1], "low": c[1]}
        return np.asarray([label_of[t] for t in tiers], dtype=self.classes_.dtype)

    def _final_head(self, base):
        """The head fit on all rows: calibrated once, on its own out-of-fold scores."""
        if not self.calibrate:
            return clone(base)
        from sklearn.calibration import CalibratedClassifierCV

        return CalibratedClassifierCV(clone(base), method="sigmoid", cv=self.calibration_folds, ensemble=False)

    def _forward_scores(self, X, y, dates, shuffled: np.ndarray, sigmoids: dict) -> np.ndarray:
        """Held-out scores of ``inner_folds + 1`` date blocks: blocks 2.. each scored by heads fit on all
        earlier blocks (mapped by the heads' held-out sigmoids), the way the model meets newer commits. Rows of
        the first two blocks stay NaN; with fewer than three blocks the shuffled scores are kept."""
        blocks = forward_blocks(dates, self.inner_folds + 1)
        if len(blocks) < 3:
            return shuffled
        out = np.full_like(shuffled, np.nan)
        for b in range(2, len(blocks)):
            train = np.concatenate(blocks[:b])
            for j, tier in enumerate(HEADS):
                head = clone(self.head_estimator(tier, X.shape[1])).fit(X[train], y[train] == tier)
                out[blocks[b], j] = calibrated(sigmoids[tier], positive_proba(head, X[blocks[b]]))
        return out

    # ---------------------------------------------------------------- predict

    def _check(self, X) -> np.ndarray:
        check_is_fitted(self, "heads_")
        return validate_data(self, X, reset=False, dtype=[np.float32, np.float64])

    def head_scores(self, X) -> tuple[np.ndarray, np.ndarray]:
        """(P(high), P(low)): each head's calibrated probability."""
        X = self._check(X)
        with threadpool_limits(limits=1):  # as in fit: small trees, and threads hurt on a busy machine
            return tuple(positive_proba(self.heads_[t], X) for t in HEADS)

    def predict_proba(self, X) -> np.ndarray:
        """(n, n_classes) in ``classes_`` order (high, medium, low): medium takes what the heads leave."""
        P = tier_probabilities(*self.head_scores(X))
        return P if len(self.classes_) == 3 else np.c_[P[:, 0], P[:, 1] + P[:, 2]]

    def predict(self, X, repos: Sequence[str] | None = None) -> np.ndarray:
        """Tiers by the tuned policy; ``repos`` (one per row) picks per-repository high thresholds."""
        p_high, p_low = self.head_scores(X)
        return self._labels(self.policy_.apply(p_high, p_low, repos=repos))

    def predict_type(self, X) -> np.ndarray:
        X = self._check(X)
        if self.type_estimator_ is None:
            raise ValueError("this model was fit without change types")
        return self.type_estimator_.predict(X)

    def predict_embedding_only(self, X) -> np.ndarray:
        X = self._check(X)
        return self.embedding_estimator_.predict(X[:, :self.n_embedding])

    # ---------------------------------------------------------------- reasons

    def linear_contributions(self, X, tier: str) -> np.ndarray | None:
        """(n, n_features): coefficient × transformed value of each column in head ``tier``'s regression
        (positive pushes towards ``tier``); None when the head has no regression."""
        X = self._check(X)
        linear = linear_part(self.heads_[tier])
        if linear is None:
            return None
        return linear.named_steps["columns"].transform(X) * linear.named_steps["logreg"].coef_[0]

    def neighbours(self, X, k: int = 3) -> list[list[tuple[str, str, float]]]:
        """The ``k`` labeled commits nearest by embedding (cosine: vectors are unit-normalised)."""
        X = self._check(X)
        if not self.n_embedding or not len(self.neighbour_vectors_):
            return [[] for _ in range(len(X))]
        sims = X[:, :self.n_embedding] @ self.neighbour_vectors_.astype(np.float32).T
        out = []
        for row in sims:
            idx = np.argsort(-row)[:k]
            out.append([(str(self.neighbour_shas_[i])[:7], str(self.neighbour_tiers_[i]), float(row[i])) for i in idx])
        return out


# Each hyper-parameter's check: (test, what is expected). Used by fit and, before any work, by the CLI.
_PARAM_RULES = {
    "high_C": (lambda v: _number(v) and v > 0, "a number > 0"),
    "low_C": (lambda v: _number(v) and v > 0, "a number > 0"),
    "type_C": (lambda v: _number(v) and v > 0, "a number > 0"),
    "embedding_C": (lambda v: _number(v) and v > 0, "a number > 0"),
    "hand_weight": (lambda v: _number(v) and v >= 0, "a number ≥ 0"),
    "type_hand_weight": (lambda v: _number(v) and v >= 0, "a number ≥ 0"),
    "tree_weight": (lambda v: _number(v) and 0 <= v <= 1, "a number between 0 and 1"),
    "tree_learning_rate": (lambda v: _number(v) and v > 0, "a number > 0"),
    "tree_max_iter": (lambda v: _integer(v) and v >= 1, "an integer ≥ 1"),
    "tree_max_depth": (lambda v: v is None or (_integer(v) and v >= 2), "an integer ≥ 2 or None"),
    "tree_l2_regularization": (lambda v: _number(v) and v >= 0, "a number ≥ 0"),
    "linear_max_iter": (lambda v: _integer(v) and v >= 1, "an integer ≥ 1"),
    "calibrate": (lambda v: isinstance(v, bool | np.bool_), "true or false"),
    "inner_folds": (lambda v: _integer(v) and v >= 2, "an integer ≥ 2"),
    "calibration_folds": (lambda v: _integer(v) and v >= 2, "an integer ≥ 2"),
    "scores_from": (lambda v: v in SCORE_SCHEMES, " or ".join(SCORE_SCHEMES)),
    "min_high_recall": (lambda v: _number(v) and 0 <= v <= 1, "a number between 0 and 1"),
    "max_llm_share": (lambda v: _number(v) and 0 <= v <= 1, "a number between 0 and 1"),
    "n_embedding": (lambda v: _integer(v) and v >= 0, "an integer ≥ 0"),
    "random_state": (lambda v: _integer(v) and v >= 0, "an integer ≥ 0"),
    "embedding": (lambda v: v in EMBEDDINGS, " or ".join(EMBEDDINGS)),
    "tiers": (lambda v: v is None or (isinstance(v, list | tuple) and 2 <= len(set(v)) == len(v) <= 3),
              "null or 2–3 distinct labels, most important first"),
}


def _number(v) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool) and np.isfinite(v)


def _integer(v) -> bool:
    return isinstance(v, int | np.integer) and not isinstance(v, bool)


def params_problems(params: dict) -> list[str]:
    """One sentence per hyper-parameter that is unknown or out of range (empty when all are fine)."""
    out = []
    for name, value in params.items():
        rule = _PARAM_RULES.get(name)
        if rule is None:
            out.append(f"unknown hyper-parameter {name!r} (known: {', '.join(_PARAM_RULES)})")
        elif not rule[0](value):
            out.append(f"{name} must be {rule[1]}, got {value!r}")
    return out
