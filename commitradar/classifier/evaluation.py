"""Evaluation of tier classifiers against labels, side by side with baselines.

Compared models: ``majority`` (most frequent training tier), ``rules:default``, ``rules:argus``,
``embedding-only`` (logistic regression on MiniLM vectors, argmax), ``model`` (:class:`.ImportanceModel`:
rules + embedding, calibrated, tier policy). Cross-validation folds are grouped by date, so no day is split
between training and test; ``evaluate`` also scores a saved model as it is, or runs one forward check.
"""
from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from sklearn.base import clone

from ..errors import InputError
from ..features.embedding import MODEL_NAME, Embedder
from ..fileio import atomic_write
from ..progress import progress as progress_bar
from .anchoring import anchor_line, anchorer
from .card import card_mapping
from .curves import learning_curve, pr_curve
from .design import design_matrix
from .estimator import ImportanceModel
from .folds import date_folds, time_split
from .labeled import check_folds, load_labeled, score_mask, too_few_labels_is_input_error
from .metrics import SPREAD_KEYS, comparison_markdown, metrics, plot_confusions, spread, spread_of, type_metrics
from .persist import load_model
from .rules import PRESETS
from .vector import MODEL_MAPPING

COMPARED = ("majority", "rules:default", "rules:argus", "embedding-only", "model")


def embedder_for(estimator: ImportanceModel, cache_dir: Path | None, progress: bool = False) -> Embedder:
    """The embedder of the sentence model ``estimator`` is to read (its ``embedding``), after checking that its
    ``n_embedding`` is that model's width: a one-line error otherwise."""
    embedder = Embedder(cache_dir, progress=progress, model_name=estimator.embedding)
    if estimator.n_embedding != embedder.dim:
        raise InputError(f"n_embedding={estimator.n_embedding} but embedding {estimator.embedding} has "
                         f"{embedder.dim} dimensions: leave n_embedding out (--param embedding sets it)")
    return embedder


def _fit_fold(estimator: ImportanceModel, X: np.ndarray, tiers: np.ndarray, types: np.ndarray, dates: np.ndarray,
              mask: np.ndarray, test: np.ndarray, anchor: Callable | None) -> dict:
    """A clone of ``estimator`` fit on every row but ``test``: its predictions of the ``test`` rows."""
    train = np.setdiff1d(np.arange(len(tiers)), test)
    model = clone(estimator).fit(X[train], tiers[train], types=types[train], groups=dates[train], tune_mask=mask[train])
    policy, info = anchor(model, train) if anchor is not None else (model.policy_, None)
    return {"test": test, "majority": Counter(tiers[train]).most_common(1)[0][0],
            "embedding-only": model.predict_embedding_only(X[test]), "scores": np.c_[model.head_scores(X[test])],
            "policy": policy, "types": model.predict_type(X[test]), "anchor": info}


def _runs(estimator: ImportanceModel, X: np.ndarray, items: Sequence, tiers, types, dates,
          fold_sets: Sequence[Sequence[np.ndarray]], score_mask, progress, anchor, n_jobs) -> list[dict]:
    """One cross-validation result per fold set (the test folds of one fold seed), every fold of every set
    fit as one batch of ``n_jobs`` parallel workers (one worker when anchoring: it embeds on the way)."""
    from joblib import Parallel, delayed

    tiers, types, dates = np.asarray(tiers), np.asarray(types), np.asarray(dates)
    n = len(tiers)
    mask = np.ones(n, dtype=bool) if score_mask is None else np.asarray(score_mask, dtype=bool)
    rules = {name: [PRESETS.get(name.split(":")[1]).decide(c, f).tier for c, f in items]
             for name in ("rules:default", "rules:argus")}
    tasks = [(s, test) for s, folds in enumerate(fold_sets) for test in folds]
    parallel = Parallel(n_jobs=1 if anchor is not None else n_jobs, return_as="generator")
    fitted: list[list[dict]] = [[] for _ in fold_sets]
    shown = 2 if progress else len(tasks) + 1  # the fewest folds that show a bar
    with progress_bar(total=len(tasks), desc="cross-validation", unit="fold", min_items=shown) as bar:
        for (s, _), fold in zip(tasks, parallel(
                delayed(_fit_fold)(estimator, X, tiers, types, dates, mask, test, anchor) for _, test in tasks)):
            fitted[s].append(fold)
            bar.update()
    out = []
    for folds in fitted:
        preds = {name: np.empty(n, dtype=object) for name in COMPARED}
        for name, tiers_ in rules.items():
            preds[name][:] = tiers_
        type_pred = np.empty(n, dtype=object)
        oof = np.zeros((n, 2))
        for f in folds:
            test = f["test"]
            preds["majority"][test] = f["majority"]
            preds["embedding-only"][test] = f["embedding-only"]
            oof[test] = f["scores"]
            preds["model"][test] = f["policy"].apply(oof[test, 0], oof[test, 1], [items[i][0].repo for i in test])
            type_pred[test] = f["types"]
        scored = mask & np.isin(np.arange(n), np.concatenate([f["test"] for f in folds]))
        models = {name: metrics(list(tiers[scored]), list(p[scored])) for name, p in preds.items()}
        models["model"].update(type_metrics(types[scored], type_pred[scored]))
        out.append({"folds": len(folds), "models": models, "oof_scores": oof,
                    "predictions": {k_: list(v) for k_, v in preds.items()},
                    "anchors": [f["anchor"] for f in folds if f["anchor"] is not None]})
    return out


def cross_validate(
    estimator: ImportanceModel,
    X: np.ndarray,
    items: Sequence,
    tiers: Sequence[str],
    types: Sequence[str],
    dates: Sequence[str],
    k: int = 5,
    score_mask: np.ndarray | None = None,
    progress: bool = False,
    seed: int = 0,
    test_folds: Sequence[np.ndarray] | None = None,
    anchor: Callable | None = None,
    n_jobs: int | None = None,
) -> dict:
    """Out-of-fold predictions and metrics of every compared model, scored on ``score_mask`` rows (default
    all). Each training part fits a clone of ``estimator`` on every row of it; its tier thresholds are tuned
    inside that part only, on the held-out scores of its ``score_mask`` rows. ``seed`` picks which days go
    together in a fold; ``test_folds`` replaces the k date folds (e.g. one ``time_split``), and only their
    rows are scored. ``anchor(model, train)`` may move each fold's tuned thresholds (rate anchoring, for
    forward checks); the anchored policy is the model's, the info it returns is kept under ``anchors``.
    ``n_jobs`` folds are fit at once (joblib); ``progress`` shows a bar of them."""
    folds = list(test_folds) if test_folds is not None else date_folds(dates, k, seed)
    return _runs(estimator, X, items, tiers, types, dates, [folds], score_mask, progress, anchor, n_jobs)[0]


def repeated_cv(estimator: ImportanceModel, X: np.ndarray, items: Sequence, tiers: Sequence[str],
                types: Sequence[str], dates: Sequence[str], k: int = 5, repeats: int = 1,
                score_mask: np.ndarray | None = None, progress: bool = False, n_jobs: int | None = None) -> dict:
    """``cross_validate`` with fold seeds 0..repeats-1 (all their folds fit as one parallel batch). The
    result is seed 0's, plus (when repeats > 1) ``spread``: per model, each metric of SPREAD_KEYS for every
    seed with its mean, sd, min and max, because which days share a fold moves macro-F1 by a few
    hundredths on a few hundred labels."""
    fold_sets = [date_folds(dates, k, seed) for seed in range(max(1, repeats))]
    runs = _runs(estimator, X, items, tiers, types, dates, fold_sets, score_mask, progress, None, n_jobs)
    out = runs[0]
    out["oof_runs"] = [run["oof_scores"] for run in runs]  # every seed's out-of-fold (P(high), P(low))
    if repeats > 1:
        out["repeats"] = repeats
        out["spread"] = {name: {key: spread([run["models"][name][key] for run in runs]) for key in SPREAD_KEYS}
                         for name in out["models"]}
    return out


@too_few_labels_is_input_error
def evaluate(label_files: Sequence[str], commit_files: Sequence[str], model_dir: Path | None, cache_dir: Path | None,
             folds: int | None = None, progress: bool = True, repeats: int = 1, after: str | None = None,
             tune_on: Sequence[str] = (), estimator: ImportanceModel | None = None, anchor: bool = True,
             n_jobs: int | None = None, high_threshold: float | None = None) -> dict:
    """With ``folds``: cross-validated retraining of every compared model. With ``after``: one forward check,
    trained on the labels before that date and scored on the rest (rate-anchored unless ``anchor`` is off).
    Otherwise: score the trained model in ``model_dir`` as it is (no retraining), beside the majority class,
    both rules presets and the model's own embedding-only head. ``tune_on`` limits threshold tuning and
    scoring to those label files; ``estimator`` is what is retrained (default: ``ImportanceModel()``).
    Every check of the arguments against the labels runs before anything is embedded."""
    estimator = estimator if estimator is not None else ImportanceModel()
    data = load_labeled(label_files, commit_files, tune_on)
    mask = score_mask(data, tune_on)
    test = time_split(data.dates, after) if after else None
    if folds:
        check_folds(data, folds)
    model = card = None
    if not (after or folds):
        model, card = load_model(model_dir)
    mapping = card_mapping(card) if card else MODEL_MAPPING
    embedder = Embedder(cache_dir, progress=progress, model_name=card.get("embedding_model", MODEL_NAME)) if card \
        else embedder_for(estimator, cache_dir, progress)
    X = design_matrix([c for c, _ in data.items], embedder, mapping)
    if after:
        cv = cross_validate(estimator, X, data.items, data.tiers, data.types, data.dates, test_folds=[test],
                            score_mask=mask, progress=progress, anchor=anchorer(data, X, embedder, after, mapping) if anchor else None)
        return {"mode": f"after {after}", "n": int(mask[test].sum()), "models": cv["models"],
                "anchor": cv["anchors"][0] if cv["anchors"] else {"off": "--no-anchor"}}
    if folds:
        cv = repeated_cv(estimator, X, data.items, data.tiers, data.types, data.dates, k=folds, repeats=repeats,
                         score_mask=mask, progress=progress, n_jobs=n_jobs)
        out = {"mode": f"cv{folds}", "n": int(mask.sum()), "models": cv["models"], **spread_of(cv)}
        if high_threshold is not None:  # asked for the precision–recall curve (evaluate --update-card)
            out["pr_curve"] = cv_pr_curve(cv, data.tiers, mask, high_threshold, folds, tune_on)
        return out
    preds = {
        "majority": [card.get("majority_tier", "medium")] * len(data.tiers),
        "rules:default": [PRESETS.get("default").decide(c, f).tier for c, f in data.items],
        "rules:argus": [PRESETS.get("argus").decide(c, f).tier for c, f in data.items],
        "embedding-only": model.predict_embedding_only(X),
        "model": model.predict(X, [c.repo for c, _ in data.items]),
    }
    tiers, true_types = np.asarray(data.tiers)[mask], np.asarray(data.types)[mask]
    result = {name: metrics(list(tiers), list(np.asarray(p, dtype=object)[mask])) for name, p in preds.items()}
    result["model"].update(type_metrics(true_types, np.asarray(model.predict_type(X), dtype=object)[mask]))
    return {"mode": "model", "model_dir": str(model_dir), "model_data_hash": card.get("data_hash"),
            "n": int(mask.sum()), "models": result}


def write_evaluation(result: dict, json_path: Path) -> list[Path]:
    """JSON at ``json_path``; Markdown and the confusion-matrix PNG beside it."""
    json_path = Path(json_path)
    md_path = json_path.with_suffix(".md")
    png_path = json_path.with_name(json_path.stem + "-confusion.png")
    atomic_write(json_path, (json.dumps(result, indent=2) + "\n").encode())
    title = f"commitradar evaluation ({result['mode']}, {result['n']} labeled commits)"
    anchored = f"\n{anchor_line(result['anchor'])}\n" if "anchor" in result else ""
    atomic_write(md_path, (comparison_markdown(result, title) + anchored
                           + f"\n![confusion matrices]({png_path.name})\n").encode())
    plot_confusions(result, png_path)
    return [json_path, md_path, png_path]


# ------------------------------------------------------------------------- curves of the model card


def cv_pr_curve(cv: dict, tiers: Sequence[str], mask: np.ndarray, high_threshold: float | None, folds: int,
                tune_on: Sequence[str] = ()) -> dict:
    """The high tier's precision–recall curve from the out-of-fold P(high) of every fold seed of ``cv``
    (pooled: each scored label once per seed), on the ``mask`` rows, with ``high_threshold`` marked."""
    runs = cv.get("oof_runs") or [cv["oof_scores"]]
    mask = np.asarray(mask, dtype=bool)
    is_high = np.tile(np.asarray(tiers)[mask] == "high", len(runs))
    p_high = np.concatenate([np.asarray(r)[mask, 0] for r in runs])
    on = ", ".join(Path(p).stem for p in tune_on) or "all"
    out = pr_curve(is_high, p_high, high_threshold)
    out["n"], out["n_high"] = int(mask.sum()), int(np.sum(np.asarray(tiers)[mask] == "high"))
    out["source"] = (f"Out-of-fold P(high) of the {folds}-fold date CV, {len(runs)} fold seed(s) pooled, on the "
                     f"{on} labels")
    return out


def card_estimator(model_dir: Path | None, overrides: dict | None = None) -> tuple[ImportanceModel, dict, dict]:
    """An unfitted estimator with the hyper-parameters of the model in ``model_dir`` (its card's params),
    changed by ``overrides``; also the card and the overrides that differ from the card."""
    model_dir = Path(model_dir) if model_dir is not None else None
    _, card = load_model(model_dir)
    params = dict(card.get("params") or {})
    changed = {k: v for k, v in (overrides or {}).items() if params.get(k) != v}
    params.update(overrides or {})
    if isinstance(params.get("tiers"), list):
        params["tiers"] = tuple(params["tiers"])
    return ImportanceModel(**params), card, changed


@too_few_labels_is_input_error
def evaluate_learning_curve(label_files: Sequence[str], commit_files: Sequence[str], model_dir: Path | None,
                            cache_dir: Path | None, tune_on: Sequence[str] = (), overrides: dict | None = None,
                            sizes: Sequence[int] = (0, 10, 25, 50), draws: int = 3, progress: bool = True,
                            n_jobs: int | None = 1) -> dict:
    """The learning curve of :func:`.curves.learning_curve` for the model in ``model_dir`` (its
    hyper-parameters and path mapping, ``overrides`` applied), scored on the ``tune_on`` labels (default:
    all labels are scored and none can be drawn, so give ``tune_on``)."""
    estimator, card, changed = card_estimator(model_dir, overrides)
    data = load_labeled(label_files, commit_files, tune_on)
    mask = score_mask(data, tune_on)
    if mask.all():
        raise InputError("--learning-curve draws the new repository's labels from those outside --tune-on "
                         "and scores the --tune-on ones: give --tune-on FILE (e.g. the expert labels)")
    X = design_matrix([c for c, _ in data.items], embedder_for(estimator, cache_dir, progress), card_mapping(card))
    lc = learning_curve(estimator, X, data.tiers, data.types, data.dates, [c.repo for c, _ in data.items], mask,
                        sizes=sizes, draws=draws, progress=progress, n_jobs=n_jobs)
    lc["scored_on"] = ", ".join(Path(p).stem for p in tune_on)
    lc["label_files"] = [Path(p).name for p in label_files]
    lc["params_changed"] = changed
    lc["model_data_hash"] = card.get("data_hash")
    return lc
