"""Cross-validation of tier classifiers, side by side with baselines.

Compared models: ``majority`` (most frequent training tier), ``rules:default``, ``rules:argus``,
``embedding-only`` (logistic regression on MiniLM vectors, argmax), ``model`` (rules + embedding, calibrated,
tier policy). Folds are grouped by date, so no day is split between training and test.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np

from ..features.embedding import DIM
from .folds import date_folds
from .heads import fit_heads, head_scores, inner_scores, make_embedding_only, make_type_estimator
from .metrics import SPREAD_KEYS, metrics, spread, type_metrics
from .policy import PolicyTarget, tune_policy
from .rules import PRESETS


def cross_validate(
    X: np.ndarray,
    items: Sequence,
    tiers: Sequence[str],
    types: Sequence[str],
    dates: Sequence[str],
    k: int = 5,
    target: PolicyTarget = PolicyTarget(),
    score_mask: np.ndarray | None = None,
    progress: Callable[[str], None] | None = None,
    seed: int = 0,
    test_folds: Sequence[np.ndarray] | None = None,
    anchor: Callable | None = None,
) -> dict:
    """Out-of-fold predictions and metrics of every compared model, scored on ``score_mask`` rows (default
    all). Training folds use every row; tier thresholds are tuned inside each training part only, on the
    out-of-fold scores of its ``score_mask`` rows. ``seed`` picks which days go together in a fold;
    ``test_folds`` replaces the k date folds (e.g. one ``time_split``), and only their rows are scored.
    ``anchor(policy, heads, train, inner)`` may move each fold's tuned thresholds (rate anchoring, for forward
    checks); ``inner`` are the training rows' held-out scores. The anchored policy is the model's; the info
    it returns is kept under ``anchors``."""
    tiers = np.asarray(tiers)
    types = np.asarray(types)
    n = len(tiers)
    mask = np.ones(n, dtype=bool) if score_mask is None else np.asarray(score_mask, dtype=bool)
    names = ("majority", "rules:default", "rules:argus", "embedding-only", "model")
    preds = {name: np.empty(n, dtype=object) for name in names}
    type_pred = np.empty(n, dtype=object)
    oof = np.zeros((n, 2))
    for name in ("rules:default", "rules:argus"):
        preset = PRESETS.get(name.split(":")[1])
        preds[name][:] = [preset.decide(c, f).tier for c, f in items]
    folds = list(test_folds) if test_folds is not None else date_folds(dates, k, seed)
    k = len(folds)
    scored = mask & np.isin(np.arange(n), np.concatenate(folds))
    anchors: list[dict] = []
    for i, test in enumerate(folds):
        if progress:
            progress(f"fold {i + 1}/{k}" + (f" (fold seed {seed})" if seed else ""))
        train = np.setdiff1d(np.arange(n), test)
        preds["majority"][test] = Counter(tiers[train]).most_common(1)[0][0]
        preds["embedding-only"][test] = make_embedding_only().fit(X[train, :DIM], tiers[train]).predict(X[test, :DIM])
        inner = inner_scores(X[train], tiers[train], np.asarray(dates)[train], scheme=target.scores_from)
        keep = mask[train]
        policy = tune_policy(inner[keep, 0], inner[keep, 1], tiers[train][keep], target)
        heads = fit_heads(X[train], tiers[train])
        if anchor is not None:
            policy, info = anchor(policy, heads, train, inner)
            anchors.append(info)
        oof[test] = np.c_[head_scores(heads, X[test])]
        preds["model"][test] = policy.apply(oof[test, 0], oof[test, 1], [items[i][0].repo for i in test])
        type_pred[test] = make_type_estimator().fit(X[train], types[train]).predict(X[test])
    out = {name: metrics(list(tiers[scored]), list(p[scored])) for name, p in preds.items()}
    out["model"].update(type_metrics(types[scored], type_pred[scored]))
    return {"folds": k, "models": out, "oof_scores": oof, "predictions": {k_: list(v) for k_, v in preds.items()},
            "anchors": anchors}



def repeated_cv(X: np.ndarray, items: Sequence, tiers: Sequence[str], types: Sequence[str], dates: Sequence[str],
                k: int = 5, repeats: int = 1, **kwargs) -> dict:
    """``cross_validate`` with fold seeds 0..repeats-1. The result is seed 0's, plus (when repeats > 1)
    ``spread``: per model, each metric of SPREAD_KEYS for every seed with its mean, sd, min and max, because
    which days share a fold moves macro-F1 by a few hundredths on a few hundred labels."""
    runs = [cross_validate(X, items, tiers, types, dates, k=k, seed=seed, **kwargs) for seed in range(max(1, repeats))]
    out = runs[0]
    if repeats > 1:
        out["repeats"] = repeats
        out["spread"] = {name: {key: spread([run["models"][name][key] for run in runs]) for key in SPREAD_KEYS}
                         for name in out["models"]}
    return out
