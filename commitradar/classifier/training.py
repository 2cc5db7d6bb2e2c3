"""``train``: labels + commit datasets → a model folder (model, neighbours, card), cross-validated."""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np
from sklearn.base import clone

from .anchoring import anchorer
from .card import compat_fields, data_hash, library_versions
from .design import design_matrix
from .estimator import ImportanceModel
from .evaluation import cv_pr_curve, embedder_for, repeated_cv
from .labeled import check_folds, load_labeled, score_mask, too_few_labels_is_input_error
from .metrics import spread_of
from .persist import save_model
from .vector import MODEL_MAPPING

log = logging.getLogger("commitradar")


@too_few_labels_is_input_error
def train(label_files: Sequence[str], commit_files: Sequence[str], out_dir: Path, cache_dir: Path | None,
          folds: int = 5, tune_on: Sequence[str] = (), progress: bool = True, repeats: int = 1,
          estimator: ImportanceModel | None = None, anchor: bool = True, n_jobs: int | None = None) -> dict:
    """Cross-validate ``estimator`` (default ``ImportanceModel()``) by date, fit it on every label, rate-anchor
    its thresholds (unless ``anchor`` is off) and save it with its card. Thresholds are tuned, and the CV
    scored, on the labels of the ``tune_on`` files only (default: all): use it for labels sampled like the
    commits the model will meet (random, not enriched). ``n_jobs`` cross-validation folds are fit at once."""
    estimator = estimator if estimator is not None else ImportanceModel()
    data = load_labeled(label_files, commit_files, tune_on)
    check_folds(data, folds)
    mask = score_mask(data, tune_on)
    embedder = embedder_for(estimator, cache_dir, progress)
    X = design_matrix([c for c, _ in data.items], embedder, MODEL_MAPPING)
    tiers, dates = np.asarray(data.tiers), np.asarray(data.dates)
    cv = repeated_cv(estimator, X, data.items, data.tiers, data.types, data.dates, k=folds, repeats=repeats,
                     score_mask=mask, progress=progress, n_jobs=n_jobs)
    log.info("fitting the model on all %d labels", len(tiers))
    model = clone(estimator).fit(X, tiers, types=data.types, groups=dates, tune_mask=mask, shas=data.shas)
    anchor_info = {"off": "--no-anchor"}
    if anchor:
        # corrections made from recent reports are a few labels of new days: the labeled period ends with the rest
        dated = [d for d, s in zip(data.dates, data.sources) if s != "correction"] or data.dates
        cut = (date.fromisoformat(max(dated)) + timedelta(days=1)).isoformat()
        model.policy_, anchor_info = anchorer(data, X, embedder, cut, MODEL_MAPPING)(model, np.arange(len(X)))
    params = model.get_params()
    card = {
        **compat_fields(MODEL_MAPPING, estimator.embedding),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_hash": data_hash(data.shas, data.tiers, data.types),
        "n_labels": len(data.tiers),
        "tier_counts": dict(Counter(data.tiers).most_common()),
        "type_counts": dict(Counter(data.types).most_common()),
        "label_files": [Path(p).name for p in label_files],
        "repos": dict(Counter(c.repo for c, _ in data.items).most_common()),
        "date_range": [min(data.dates), max(data.dates)],
        "majority_tier": Counter(data.tiers).most_common(1)[0][0],
        "policy_target": {"min_high_recall": params["min_high_recall"], "max_llm_share": params["max_llm_share"],
                          "scores_from": params["scores_from"], "anchor": anchor},
        "anchor": anchor_info,
        "versions": library_versions(),
        "cv": {"folds": folds, "grouped_by": "date",
               "scored_on": sorted(set(np.asarray(data.sources)[mask])) if tune_on else "all labels",
               "n_scored": int(mask.sum()), "models": cv["models"], **spread_of(cv)},
        "pr_curve": cv_pr_curve(cv, data.tiers, mask, model.policy_.high_threshold, folds, tune_on),
    }
    return save_model(model, Path(out_dir), card)
