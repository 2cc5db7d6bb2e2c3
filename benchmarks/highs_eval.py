"""Issue 14 (fewer, truer highs): feature sets × tier-policy variants side by side, one fit per fold.

Every fold's model is fit once per feature set; policy variants (the high-recall target thresholds are tuned
for, the attention budget) are applied afterwards to that fit's scores, so they differ only in the policy:

- CV: 5 date-grouped folds × ``--seeds`` fold seeds over expert_train + manual, thresholds tuned and scored
  on the expert labels (as ``train --tune-on`` does), tuned thresholds (no anchoring, as the CV of ``train``);
- forward checks: train on labels before 2026-02-01 / 03-01 / 04-01 / 05-01, score the expert labels from
  then on, thresholds rate-anchored per repository on the unlabeled commits from that date (as ``evaluate
  --after``);
- LORO: leave one of the four labelled repositories out (its labels neither train nor tune), score its
  expert labels with the tuned thresholds;
- share: a model fit on every label, anchored on the commits from 2026-07-01 (as ``train``), flags what share
  of all 8,918 dataset commits high.

The attention budget is applied per (repository, day) over every dataset commit of that day (scored by the
fold's model), then read off the labelled rows. Embeddings come from the cache (``--cache``); the design
matrix of every dataset commit is kept in ``--work`` for reruns.

    python benchmarks/highs_eval.py --cache DIR [--seeds 3] [--features v3,v4] [--json benchmarks/results/highs.json]
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import sys
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from joblib import Parallel, delayed  # noqa: E402
from sklearn.base import clone  # noqa: E402

from commitradar.classifier.anchoring import anchor_policy, anchor_pools  # noqa: E402
from commitradar.classifier.design import design_matrix  # noqa: E402
from commitradar.classifier.estimator import ImportanceModel  # noqa: E402
from commitradar.classifier.folds import date_folds  # noqa: E402
from commitradar.classifier.labeled import load_labeled, score_mask  # noqa: E402
from commitradar.classifier.metrics import metrics  # noqa: E402
from commitradar.classifier.policy import PolicyTarget, apply_budget, tune_policy  # noqa: E402
from commitradar.classifier.vector import MODEL_MAPPING, hand_feature_names  # noqa: E402
from commitradar.features.embedding import DIM, Embedder  # noqa: E402
from commitradar.features.prcues import STRUCTURE_NAMES  # noqa: E402

SHARED = ROOT.parent / "shared"
AFTER = ("2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01")
SHARE_CUT = "2026-07-01"


def load(cache: Path, work: Path):
    labels = [str(SHARED / "data/labels/expert_train.jsonl"), str(ROOT / "data/labels/manual.jsonl")]
    commits = sorted(str(p) for p in (SHARED / "data/commits").glob("*.jsonl.gz"))
    data = load_labeled(labels, commits, [labels[0]])
    mask = score_mask(data, [labels[0]])
    names = hand_feature_names()
    path = work / f"X_all_{len(names)}.npy"
    if path.exists():
        X_all = np.load(path)
    else:
        X_all = design_matrix(data.commits, Embedder(cache), MODEL_MAPPING)
        np.save(path, X_all)
    return data, mask, X_all


def fit_one(X, y, dates, mask, train, X_all, seed=0):
    model = clone(ImportanceModel(random_state=seed)).fit(X[train], y[train], groups=dates[train], tune_mask=mask[train])
    return {"held_out": model.held_out_scores_, "all": np.c_[model.head_scores(X_all)]}


def tiers_of(policy, scores, repos, groups, budget):
    tiers = policy.apply(scores[:, 0], scores[:, 1], repos)
    if budget:
        tiers, _ = apply_budget(tiers, scores[:, 0], groups, budget)
    return np.asarray(tiers, dtype=object)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--work", default="/tmp/highs_eval")
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--features", default="v3,v4")
    ap.add_argument("--recalls", default="0.75,0.72,0.70")
    ap.add_argument("--budgets", default="0,0.1")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--json", default=str(ROOT / "benchmarks/results/highs.json"))
    args = ap.parse_args()
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    data, mask, X_all = load(Path(args.cache), work)
    idx = {c.sha: i for i, c in enumerate(data.commits)}
    lab = np.asarray([idx[s] for s in data.shas])
    all_repos = np.asarray([c.repo for c in data.commits])
    all_dates = np.asarray([c.committed_at.date().isoformat() for c in data.commits])
    all_groups = [f"{r} {d}" for r, d in zip(all_repos, all_dates)]
    y, dates = np.asarray(data.tiers), np.asarray(data.dates)
    repos = all_repos[lab]
    n = len(y)
    print(f"loaded {n} labels, {len(X_all)} commits in {time.time() - t0:.0f}s", flush=True)
    n_struct = len(STRUCTURE_NAMES)
    cols = {"v3": np.r_[0:X_all.shape[1] - n_struct], "v4": np.r_[0:X_all.shape[1]]}
    recalls = [float(r) for r in args.recalls.split(",")]
    budgets = [float(b) for b in args.budgets.split(",")]

    # the splits: (kind, name, train rows, test rows)
    splits = [("cv", f"seed{s}", np.setdiff1d(np.arange(n), test), test)
              for s in range(args.seeds) for test in date_folds(dates, 5, s)]
    splits += [("forward", a, np.flatnonzero(dates < a), np.flatnonzero(dates >= a)) for a in AFTER]
    splits += [("loro", r, np.flatnonzero(repos != r), np.flatnonzero(repos == r)) for r in sorted(set(repos))]
    splits += [("share", "all", np.arange(n), np.arange(0))]

    results = {}
    for fs in args.features.split(","):
        X = X_all[lab][:, cols[fs]]
        Xa = X_all[:, cols[fs]]
        t1 = time.time()
        saved = work / f"fits_{fs}_{X_all.shape[1]}_{args.seeds}.pkl"  # the fits' scores: policy variants rerun cheaply
        if saved.exists():
            fits = pickle.loads(saved.read_bytes())
        else:
            fits = Parallel(n_jobs=args.jobs)(delayed(fit_one)(X, y, dates, mask, tr, Xa) for _, _, tr, _ in splits)
            saved.write_bytes(pickle.dumps(fits))
        print(f"{fs}: {len(splits)} fits in {time.time() - t1:.0f}s", flush=True)
        for r in recalls:
            for b in budgets:
                key = f"{fs} recall>={r:.2f} budget={b:g}"
                cv_preds: dict[str, np.ndarray] = {}
                rows: dict[str, list] = {"cv": [], "forward": [], "loro": []}
                share = None
                for (kind, name, tr, te), fit in zip(splits, fits):
                    trm = mask[tr]
                    policy = tune_policy(fit["held_out"][trm, 0], fit["held_out"][trm, 1], y[tr][trm],
                                         PolicyTarget(min_high_recall=r))
                    if kind in ("forward", "share"):
                        cut = name if kind == "forward" else SHARE_CUT
                        labeled = [data.commits[lab[i]] for i in tr]
                        pools = anchor_pools(data.commits, {c.sha for c in labeled}, {c.repo for c in labeled},
                                             min(dates[tr]), cut)
                        pos_ref = np.asarray([idx[c.sha] for c in pools.reference], dtype=int)
                        pos_new = np.asarray([idx[c.sha] for c in pools.new], dtype=int)
                        inner = np.where(np.isnan(fit["held_out"]), fit["all"][lab[tr]], fit["held_out"])
                        policy, _ = anchor_policy(policy, np.vstack([fit["all"][pos_ref], inner]), fit["all"][pos_new],
                                                  list(all_repos[pos_ref]) + list(repos[tr]), list(all_repos[pos_new]))
                    tiers_all = tiers_of(policy, fit["all"], all_repos, all_groups, b)
                    if kind == "share":
                        share = {"all": float(np.mean(tiers_all == "high")),
                                 "jul_aug_2026": float(np.mean(tiers_all[all_dates >= SHARE_CUT] == "high")),
                                 "policy": {"high": policy.high_threshold, "medium": policy.medium_threshold,
                                            "repos": policy.repo_high_thresholds}}
                        continue
                    pred = tiers_all[lab[te]]
                    if kind == "cv":
                        cv_preds.setdefault(name, np.empty(n, dtype=object))[te] = pred
                        continue
                    m = mask[te]
                    res = metrics(list(y[te][m]), list(pred[m]))
                    rows[kind].append({"split": name, "n": int(m.sum()), "high": int((y[te][m] == "high").sum()),
                                       **{k: round(res[k], 4) for k in ("macro_f1", "high_recall", "high_precision")},
                                       "high_share": round(float(np.mean(pred[m] == "high")), 4)})
                for name, pred in cv_preds.items():
                    res = metrics(list(y[mask]), list(pred[mask]))
                    rows["cv"].append({"split": name, **{k: round(res[k], 4) for k in
                                                         ("macro_f1", "high_recall", "high_precision")},
                                       "high_share": round(float(np.mean(pred[mask] == "high")), 4)})
                summary = {kind: {k: [round(float(np.mean([x[k] for x in v])), 4),
                                      round(float(np.std([x[k] for x in v])), 4)]
                                  for k in ("macro_f1", "high_recall", "high_precision", "high_share")}
                           for kind, v in rows.items()}
                results[key] = {"summary": summary, "rows": rows, "dataset_high_share": share}
                s = summary
                print(f"{key:32s} CV F1 {s['cv']['macro_f1'][0]:.3f}±{s['cv']['macro_f1'][1]:.3f} "
                      f"R {s['cv']['high_recall'][0]:.3f} P {s['cv']['high_precision'][0]:.3f} | "
                      f"fwd F1 {s['forward']['macro_f1'][0]:.3f} R {s['forward']['high_recall'][0]:.3f} "
                      f"P {s['forward']['high_precision'][0]:.3f} | LORO F1 {s['loro']['macro_f1'][0]:.3f} "
                      f"R {s['loro']['high_recall'][0]:.3f} | share {share['all']:.3f} (Jul-Aug {share['jul_aug_2026']:.3f})",
                      flush=True)
    out = {"benchmark": "issue 14 policy/feature variants", "labels": dict(Counter(y.tolist())),
           "expert_scored": int(mask.sum()), "seeds": args.seeds, "forward_after": AFTER, "n_embedding": DIM,
           "variants": results, "seconds": round(time.time() - t0)}
    Path(args.json).write_text(json.dumps(out, indent=1) + "\n")
    print("wrote", args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
