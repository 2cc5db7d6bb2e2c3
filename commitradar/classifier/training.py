"""``train`` and ``evaluate``: labels + commit datasets → a model folder / a comparison of classifiers."""
from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import numpy as np

from ..dataset import read_commits
from ..errors import InputError
from ..features import extract
from ..features.embedding import Embedder
from ..fileio import atomic_write
from ..labels import join_labels, read_labels
from ..records import Commit, Features
from .anchoring import MIN_NEW_COMMITS, anchor_line, anchor_policy, anchor_pools
from .card import compat_fields, data_hash, library_versions
from .design import design_matrix
from .estimator import ImportanceModel
from .evaluation import cross_validate, repeated_cv
from .folds import time_split
from .heads import head_scores, inner_scores
from .metrics import comparison_markdown, metrics, plot_confusions, spread_of, type_metrics
from .persist import load_model, save_model
from .policy import PolicyTarget, tune_policy
from .rules import PRESETS

log = logging.getLogger("commitradar")


@dataclass
class LabeledSet:
    items: list[tuple[Commit, Features]]
    tiers: list[str]
    types: list[str]
    dates: list[str]
    shas: list[str]
    sources: list[str]
    commits: list[Commit] = field(default_factory=list)  # every commit read, labeled or not (rate anchoring)


def load_labeled(label_files: Sequence[str], commit_files: Sequence[str]) -> LabeledSet:
    """Join labels to commits (full or abbreviated SHA). Later files win for a SHA labeled twice."""
    labels = [lab for path in label_files for lab in read_labels(path)]
    if not labels:
        raise InputError("no labels in " + ", ".join(label_files))
    commits = read_commits(*commit_files)
    pairs, unknown = join_labels(labels, commits)
    if unknown:
        log.warning("%d labels match no commit in the given datasets (e.g. %s)", len(unknown),
                    ", ".join(lab.sha[:10] for lab in unknown[:3]))
    by_sha: dict[str, tuple] = {}
    for lab, commit in pairs:
        by_sha[commit.sha] = (lab, commit)
    if not by_sha:
        raise InputError("no label matched a commit: check that --commits holds the labeled repositories")
    rows = sorted(by_sha.values(), key=lambda lc: lc[1].sha)
    items = [(c, extract(c)) for _, c in rows]
    return LabeledSet(
        items=items,
        tiers=[lab.tier for lab, _ in rows],
        types=[lab.change_type for lab, _ in rows],
        dates=[c.committed_at.date().isoformat() for _, c in rows],
        shas=[c.sha for _, c in rows],
        sources=[lab.source for lab, _ in rows],
        commits=commits,
    )


_TOO_FEW = ("examples for at least one class", "samples of at least 2 classes", "greater than the number of groups")


def too_few_labels_is_input_error(fn):
    """scikit-learn's errors for a tier with too few labels (or too few days) for the nested folds become a
    one-line user error that says what to do."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except ValueError as e:
            if not any(s in str(e) for s in _TOO_FEW):
                raise
            raise InputError(f"too few labels of some tier (or too few days) for these folds: {e} "
                             "Add labels of the rarest tier, or lower --cv.") from None

    return wrapper


@too_few_labels_is_input_error
def train(label_files: Sequence[str], commit_files: Sequence[str], out_dir: Path, cache_dir: Path | None,
          folds: int = 5, target: PolicyTarget = PolicyTarget(), tune_on: Sequence[str] = (),
          progress: bool = True, repeats: int = 1) -> dict:
    """Fit on every label; tune tier thresholds and score the CV on the labels of ``tune_on`` files only
    (default: all). Use it for labels sampled like the commits the model will meet (random, not enriched)."""
    data = load_labeled(label_files, commit_files)
    mask = _score_mask(data, tune_on)
    embedder = Embedder(cache_dir, progress=progress)
    X = design_matrix(data.items, embedder)
    cv = repeated_cv(X, data.items, data.tiers, data.types, data.dates, k=folds, repeats=repeats, target=target,
                     score_mask=mask, progress=log.info)
    model = ImportanceModel().fit(X, data.tiers, data.types, data.shas)
    scores = inner_scores(X, np.asarray(data.tiers), np.asarray(data.dates), scheme=target.scores_from)
    model.policy = tune_policy(scores[mask, 0], scores[mask, 1], np.asarray(data.tiers)[mask], target)
    anchor = {"off": "--no-anchor"}
    if target.anchor:
        cut = (date.fromisoformat(max(data.dates)) + timedelta(days=1)).isoformat()
        model.policy, anchor = anchorer(data, X, embedder, cut)(model.policy, model.heads, np.arange(len(X)), scores)
    card = {
        **compat_fields(),
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data_hash": data_hash(data.shas, data.tiers, data.types),
        "n_labels": len(data.tiers),
        "tier_counts": dict(Counter(data.tiers).most_common()),
        "type_counts": dict(Counter(data.types).most_common()),
        "label_files": [Path(p).name for p in label_files],
        "repos": dict(Counter(c.repo for c, _ in data.items).most_common()),
        "date_range": [min(data.dates), max(data.dates)],
        "majority_tier": Counter(data.tiers).most_common(1)[0][0],
        "policy_target": {"min_high_recall": target.min_high_recall, "max_llm_share": target.max_llm_share,
                          "scores_from": target.scores_from, "anchor": target.anchor},
        "anchor": anchor,
        "versions": library_versions(),
        "cv": {"folds": folds, "grouped_by": "date", "scored_on": sorted(set(np.asarray(data.sources)[mask])) if tune_on else "all labels",
               "n_scored": int(mask.sum()), "models": cv["models"], **spread_of(cv)},
    }
    return save_model(model, Path(out_dir), card)


def anchorer(data: LabeledSet, X: np.ndarray, embedder: Embedder, cut: str):
    """Rate anchoring (classifier/anchoring.py) for a model trained on the rows ``train`` of ``data``: a
    function (policy, heads, train, inner) → (anchored policy, info). ``inner`` holds the training rows'
    held-out scores; they stand in for the labeled commits of the reference pool."""
    def scores_of(heads, commits: list[Commit]) -> np.ndarray:
        if not commits:
            return np.zeros((0, 2))
        return np.c_[head_scores(heads, design_matrix([(c, extract(c)) for c in commits], embedder))]

    def anchor(policy, heads, train: np.ndarray, inner: np.ndarray):
        labeled = [data.items[i][0] for i in train]
        start = min(data.dates[i] for i in train)
        pools = anchor_pools(data.commits, {c.sha for c in labeled}, {c.repo for c in labeled}, start, cut)
        if len(pools.new) < MIN_NEW_COMMITS:
            log.info("rate anchoring skipped: %d commits from %s on (it needs %d)", len(pools.new), cut,
                     MIN_NEW_COMMITS)
            return policy, {"skipped": f"{len(pools.new)} commits from {cut} on, fewer than {MIN_NEW_COMMITS}"}
        log.info("rate anchoring: scoring %d reference and %d new commits", len(pools.reference), len(pools.new))
        inner = np.where(np.isnan(inner), np.c_[head_scores(heads, X[train])], inner)  # forward scores leave gaps
        anchored, info = anchor_policy(policy, np.vstack([scores_of(heads, pools.reference), inner]),
                                       scores_of(heads, pools.new),
                                       [c.repo for c in pools.reference] + [c.repo for c in labeled],
                                       [c.repo for c in pools.new])
        info = {"cut": cut, **info}
        log.info("rate anchoring: high threshold %.4f → %.4f, medium %.4f → %.4f", policy.high_threshold,
                 anchored.high_threshold, policy.medium_threshold, anchored.medium_threshold)
        return anchored, info

    return anchor


def _score_mask(data: LabeledSet, tune_on: Sequence[str]) -> np.ndarray:
    """Rows whose labels come from the ``tune_on`` files (all rows when none is given)."""
    tune_sources = {Path(p).stem for p in tune_on}
    unknown = tune_sources - set(data.sources)
    if unknown:
        raise InputError(f"--tune-on {', '.join(sorted(unknown))}: no such labels among --labels")
    return np.array([not tune_sources or s in tune_sources for s in data.sources])


@too_few_labels_is_input_error
def evaluate(label_files: Sequence[str], commit_files: Sequence[str], model_dir: Path | None, cache_dir: Path | None,
             folds: int | None = None, progress: bool = True, repeats: int = 1, after: str | None = None,
             tune_on: Sequence[str] = (), target: PolicyTarget = PolicyTarget()) -> dict:
    """With ``folds``: cross-validated retraining of every compared model. With ``after``: one forward check,
    trained on the labels before that date and scored on the rest. Otherwise: score the trained model in
    ``model_dir`` as it is (no retraining), beside the majority class, both rules presets and the model's
    own embedding-only head. ``tune_on`` limits threshold tuning and scoring to those label files."""
    data = load_labeled(label_files, commit_files)
    mask = _score_mask(data, tune_on)
    embedder = Embedder(cache_dir, progress=progress)
    X = design_matrix(data.items, embedder)
    if after:
        test = time_split(data.dates, after)
        anchor = anchorer(data, X, embedder, after) if target.anchor else None
        cv = cross_validate(X, data.items, data.tiers, data.types, data.dates, test_folds=[test], score_mask=mask,
                            target=target, progress=log.info, anchor=anchor)
        return {"mode": f"after {after}", "n": int(mask[test].sum()), "models": cv["models"],
                "anchor": cv["anchors"][0] if cv["anchors"] else {"off": "--no-anchor"}}
    if folds:
        if len(set(data.dates)) < folds:
            raise InputError(f"--cv {folds} needs at least {folds} distinct dates, the labels have {len(set(data.dates))}")
        cv = repeated_cv(X, data.items, data.tiers, data.types, data.dates, k=folds, repeats=repeats,
                         score_mask=mask, target=target, progress=log.info)
        return {"mode": f"cv{folds}", "n": int(mask.sum()), "models": cv["models"], **spread_of(cv)}
    model, card = load_model(model_dir)
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
