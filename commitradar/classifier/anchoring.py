"""Rate anchoring: move the tuned tier thresholds so that commits newer than the labels are flagged high (and
sent to the LLM) at the rates the tuned policy flags the commits of the labeled period.

Why: the model's scores drift upwards with time while the share of truly high commits does not. In the
datasets, later pull requests are larger and carry longer descriptions, so the share of commits over a fixed
P(high) threshold grows (flashinfer: 12 % of its commits up to March 2026, 25 % of April–June, 42 % of
July–August), yet the experts found fewer high commits from February 2026 on (2 % of their random sample)
than before (8 %). A threshold tuned on the
labeled period then floods newer days with false highs. Anchoring keeps the rates instead of the cut-offs: it
uses no labels of the new period, only its unlabeled commits. Forward checks (README) measure it.

The reference pool is every commit of the labeled repositories in the labeled period (labeled rows scored
out of fold, the rest by the fitted heads); the new pool is every commit from the cut date on, of any
repository. Anchoring is about time: a repository without labels has its older commits in neither pool.
Each repository with enough commits on both sides also gets its own high threshold, which keeps its own high
share: flashinfer drifted far more than vllm-ascend. On four forward checks (README) pooled anchoring gained
0.03 macro-F1 and per-repository high thresholds 0.03 more, at the same high recall.
"""
from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from ..features.embedding import Embedder
from ..records import Commit
from .design import design_matrix
from .policy import TierPolicy

log = logging.getLogger("commitradar")

MIN_NEW_COMMITS = 100  # fewer new commits than this: their quantiles are too noisy, keep the tuned thresholds


@dataclass(frozen=True)
class AnchorPools:
    """Unlabeled commits of the labeled period (``reference``) and commits the model has not met (``new``)."""

    reference: list[Commit]
    new: list[Commit]
    cut: str  # first date of the new period (YYYY-MM-DD)


def commit_date(commit: Commit) -> str:
    return commit.committed_at.date().isoformat()


def anchor_pools(commits: Sequence[Commit], labeled_shas: set[str], labeled_repos: set[str], start: str,
                 cut: str) -> AnchorPools:
    """Split ``commits`` into the reference pool (labeled repositories, ``start`` ≤ date < ``cut``, minus the
    labeled commits themselves, whose out-of-fold scores stand in for them) and the new pool (date ≥ ``cut``,
    any repository). Other commits belong to neither."""
    reference, new = [], []
    for c in commits:
        d = commit_date(c)
        if d >= cut:
            new.append(c)
        elif d >= start and c.repo in labeled_repos and c.sha not in labeled_shas:
            reference.append(c)
    return AnchorPools(reference, new, cut)


def threshold_for_share(values: np.ndarray, share: float) -> float:
    """A threshold t on the 5-decimal grid of the tuned thresholds with mean(values ≥ t) as close to
    ``share`` as ties allow, never above it."""
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    if not len(v):
        return 1.0
    k = int(np.floor(share * len(v) + 1e-9))  # how many may reach t
    t = _grid_up(v[k - 1]) if k else _grid_up(v[0]) + 1 / _GRID
    if k and np.mean(v >= math.floor(v[k - 1] * _GRID) / _GRID) <= share:  # rounding down keeps the k-th in
        t = math.floor(v[k - 1] * _GRID) / _GRID
    while np.mean(v >= t) > share:  # ties (or the rounding) let too many in: step past the lowest one
        t = _grid_up(float(np.min(v[v >= t]))) + 1 / _GRID
    return round(float(t), 5)


_GRID = 100_000


def _grid_up(x: float) -> float:
    return math.ceil(x * _GRID - 1e-6) / _GRID


def anchor_policy(policy: TierPolicy, reference: np.ndarray, new: np.ndarray,
                  reference_repos: Sequence[str] | None = None,
                  new_repos: Sequence[str] | None = None) -> tuple[TierPolicy, dict]:
    """Thresholds that flag the same shares of ``new`` as ``policy`` flags of ``reference``.

    ``reference`` and ``new`` are (n, 2) arrays of (P(high), P(low)). The high share is kept for P(high); the
    share with 1 − P(low) over the medium threshold is kept for 1 − P(low). Given the repositories of the
    rows, each repository with at least MIN_NEW_COMMITS commits in both pools also gets its own high
    threshold, keeping its own high share (the drift differs between repositories); the rest use the pooled
    one. Returns the anchored policy and what it did (for the model card)."""
    reference, new = np.asarray(reference, dtype=float), np.asarray(new, dtype=float)
    scored = ~np.isnan(reference).any(axis=1)
    reference = reference[scored]
    high_share = float(np.mean(reference[:, 0] >= policy.high_threshold))
    not_low_share = float(np.mean(1 - reference[:, 1] >= policy.medium_threshold))
    per_repo: dict[str, dict] = {}
    if reference_repos is not None and new_repos is not None:
        ref_repos, new_repos = np.asarray(reference_repos)[scored], np.asarray(new_repos)
        for repo in sorted(set(ref_repos) & set(new_repos)):
            ref_r, new_r = reference[ref_repos == repo, 0], new[new_repos == repo, 0]
            if min(len(ref_r), len(new_r)) < MIN_NEW_COMMITS:
                continue
            share = float(np.mean(ref_r >= policy.high_threshold))
            per_repo[str(repo)] = {"reference_commits": len(ref_r), "new_commits": len(new_r),
                                   "high_share": round(share, 4),
                                   "new_high_share_before": round(float(np.mean(new_r >= policy.high_threshold)), 4),
                                   "high_threshold": threshold_for_share(new_r, share)}
    anchored = replace(policy, high_threshold=threshold_for_share(new[:, 0], high_share),
                       medium_threshold=threshold_for_share(1 - new[:, 1], not_low_share),
                       repo_high_thresholds={r: v["high_threshold"] for r, v in per_repo.items()})
    info = {
        "reference_commits": len(reference),
        "new_commits": len(new),
        "high_share": round(high_share, 4),
        "not_low_share": round(not_low_share, 4),
        "new_high_share_before": round(float(np.mean(new[:, 0] >= policy.high_threshold)), 4),
        "tuned": {"high_threshold": policy.high_threshold, "medium_threshold": policy.medium_threshold},
        "repos": per_repo,
    }
    return anchored, info


def anchor_line(info: dict) -> str:
    """One line on what rate anchoring did (for the CLI and the model card)."""
    if "off" in info:
        return "rate anchoring off"
    if "skipped" in info:
        return f"rate anchoring skipped ({info['skipped']})"
    tuned = info["tuned"]
    return (f"rate anchoring on {info['new_commits']} commits from {info['cut']} on: they are flagged high at the "
            f"labeled period's rate {info['high_share']:.1%} (tuned thresholds would flag "
            f"{info['new_high_share_before']:.1%}); tuned thresholds were high ≥ {tuned['high_threshold']:.4f}, "
            f"medium ≥ {tuned['medium_threshold']:.4f}" + _repos_part(info.get("repos") or {}))


def _repos_part(repos: dict) -> str:
    if not repos:
        return ""
    return "; per repository, high ≥ " + ", ".join(
        f"{v['high_threshold']:.4f} for {r} ({v['high_share']:.1%}, was {v['new_high_share_before']:.1%})"
        for r, v in repos.items())


def anchorer(data, X: np.ndarray, embedder: Embedder, cut: str, mapping):
    """Rate anchoring for models trained on rows of ``data`` (a labeled set: items, dates, commits) whose
    input matrix is ``X`` (built with path ``mapping``, as the pools are): a function (fitted model, its training rows) → (anchored policy, info). The
    model's held-out scores of its training rows stand in for the labeled commits of the reference pool."""

    def scores_of(model, commits: list[Commit]) -> np.ndarray:
        if not commits:
            return np.zeros((0, 2))
        return np.c_[model.head_scores(design_matrix(commits, embedder, mapping))]

    def anchor(model, train: np.ndarray) -> tuple[TierPolicy, dict]:
        policy = model.policy_
        labeled = [data.items[i][0] for i in train]
        start = min(data.dates[i] for i in train)
        pools = anchor_pools(data.commits, {c.sha for c in labeled}, {c.repo for c in labeled}, start, cut)
        if len(pools.new) < MIN_NEW_COMMITS:
            log.info("rate anchoring skipped: %d commits from %s on (it needs %d)", len(pools.new), cut,
                     MIN_NEW_COMMITS)
            return policy, {"skipped": f"{len(pools.new)} commits from {cut} on, fewer than {MIN_NEW_COMMITS}"}
        log.info("rate anchoring: scoring %d reference and %d new commits", len(pools.reference), len(pools.new))
        inner = model.held_out_scores_
        inner = np.where(np.isnan(inner), np.c_[model.head_scores(X[train])], inner)  # forward scores leave gaps
        anchored, info = anchor_policy(policy, np.vstack([scores_of(model, pools.reference), inner]),
                                       scores_of(model, pools.new),
                                       [c.repo for c in pools.reference] + [c.repo for c in labeled],
                                       [c.repo for c in pools.new])
        log.info("rate anchoring: high threshold %.4f → %.4f, medium %.4f → %.4f", policy.high_threshold,
                 anchored.high_threshold, policy.medium_threshold, anchored.medium_threshold)
        return anchored, {"cut": cut, **info}

    return anchor
