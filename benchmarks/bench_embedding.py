"""The sentence embedding side by side: all-MiniLM-L6-v2 (shipped) against all-mpnet-base-v2 (issue 14, item 3).

Same labels (expert_train + manual), same hand features (MODEL_MAPPING), same hyper-parameters (the
shipped defaults; only ``embedding`` and its width ``n_embedding`` differ), thresholds tuned and scored on
the expert labels as `train` does. Quality, per embedding:

- ``cv``: 5 date-grouped folds × ``--seeds`` fold seeds (as the model card);
- ``forward``: train before DATE, score the expert labels from DATE on, for the README's four dates, with
  tuned thresholds (no rate anchoring: anchoring embeds every dataset commit, 8,918, which mpnet cannot do
  in this budget; it moves both embeddings' thresholds the same way), over ``--model-seeds`` random_state
  seeds (inner folds and trees: the test set is fixed);
- ``loro``: leave one labelled repository out (four folds), scored on the expert labels of the left-out
  repository, pooled and per repository, over the same model seeds.

Paired differences (mpnet − MiniLM, same seed, same folds) decide against the noise (the sd over seeds).
Speed, per embedding: cold encode throughput on ``--cold-sample`` dataset commits (empty cache, model load
apart), the cold cost of one day's report (load the sentence model + embed a real median day), and warm
featurise + classify commits/s as bench_model.py measures it (cache warm, nothing encoded), with a model
fit on every label of that embedding, over the labelled commits (mpnet vectors of all 8,918 commits would
take about an hour on 2 shared cores). Needs the mpnet folder (``python -m
commitradar.features.embedding_install``). Writes/updates benchmarks/results/embedding.json.

    python benchmarks/bench_embedding.py --quality all-MiniLM-L6-v2 all-mpnet-base-v2 --speed ... --cache DIR
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's commitradar, whatever is installed

import numpy as np  # noqa: E402

MINILM, MPNET = "all-MiniLM-L6-v2", "all-mpnet-base-v2"
FORWARD_DATES = ("2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01")
KEYS = ("macro_f1", "high_recall", "high_precision")


def inputs(shared: Path, label_set: str = "all"):
    """Label files (expert_train first: thresholds are tuned and scored on it) and the commit datasets."""
    labels = [str(shared / "data" / "labels" / "expert_train.jsonl"), str(ROOT / "data" / "labels" / "manual.jsonl")]
    labels = labels[:1] if label_set == "expert" else labels
    commits = sorted(str(p) for p in (shared / "data" / "commits").glob("*.jsonl.gz"))
    return labels, commits


def summary(values: list[float]) -> dict:
    v = np.asarray(values, dtype=float)
    return {"mean": round(float(v.mean()), 4), "sd": round(float(v.std(ddof=1)), 4) if len(v) > 1 else 0.0,
            "values": [round(float(x), 4) for x in v]}


def model_metrics(m: dict) -> dict:
    return {"macro_f1": m["macro_f1"], "high_recall": m["high_recall"], "high_precision": m["high_precision"],
            "llm_share": m["llm_share"]}


def quality(name: str, shared: Path, cache: Path, seeds: int, model_seeds: int, n_jobs: int,
            label_set: str = "all", parts: tuple[str, ...] = ("cv", "forward", "loro")) -> dict:
    from commitradar.classifier.design import design_matrix
    from commitradar.classifier.estimator import ImportanceModel
    from commitradar.classifier.evaluation import embedder_for, repeated_cv
    from commitradar.classifier.labeled import load_labeled, score_mask
    from commitradar.classifier.vector import MODEL_MAPPING
    from commitradar.features.embedding import embedding_dim

    labels, commits = inputs(shared, label_set)
    data = load_labeled(labels, commits, [labels[0]])
    mask = score_mask(data, [labels[0]])
    est = ImportanceModel(embedding=name, n_embedding=embedding_dim(name))
    embedder = embedder_for(est, cache, progress=True)
    t0 = time.perf_counter()
    X = design_matrix([c for c, _ in data.items], embedder, MODEL_MAPPING)
    out = {"embedding": name, "label_files": [Path(p).name for p in labels], "n_labels": len(data.tiers), "n_scored": int(mask.sum()), "encoded_now": embedder.computed,
           "design_s": round(time.perf_counter() - t0, 1), "params": {"embedding": name, "n_embedding": est.n_embedding}}
    args = (X, data.items, data.tiers, data.types, data.dates)

    out["_per_seed"] = {}
    if "cv" in parts:
        t0 = time.perf_counter()
        cv = repeated_cv(est, *args, k=5, repeats=seeds, score_mask=mask, n_jobs=n_jobs)
        out["cv"] = {"folds": 5, "fold_seeds": seeds, **{k: cv["spread"]["model"][k] for k in KEYS},
                     "embedding-only_macro_f1": cv["spread"]["embedding-only"]["macro_f1"],
                     "s": round(time.perf_counter() - t0)}
        print(name, "cv", {k: round(out["cv"][k]["mean"], 4) for k in KEYS}, flush=True)
        out["_per_seed"]["cv"] = {k: cv["spread"]["model"][k]["values"] for k in KEYS}
    if "forward" in parts:
        forward_checks(name, out, est, args, data, mask, model_seeds)
    if "loro" in parts:
        leave_one_repo_out(name, out, est, args, data, mask, model_seeds)
    return out


def forward_checks(name, out, est, args, data, mask, model_seeds) -> None:
    from commitradar.classifier.evaluation import cross_validate
    from commitradar.classifier.folds import time_split

    t0 = time.perf_counter()
    forward = {d: [] for d in FORWARD_DATES}
    for d in FORWARD_DATES:
        test = time_split(data.dates, d)
        for s in range(model_seeds):
            r = cross_validate(est.set_params(random_state=s), *args, test_folds=[test], score_mask=mask)
            forward[d].append(model_metrics(r["models"]["model"]))
    est.set_params(random_state=0)
    per_seed = [{k: float(np.mean([forward[d][s][k] for d in FORWARD_DATES])) for k in KEYS} for s in range(model_seeds)]
    out["forward"] = {"dates": list(FORWARD_DATES), "anchor": "off (tuned thresholds)", "model_seeds": model_seeds,
                      "scored": {d: int(mask[time_split(data.dates, d)].sum()) for d in FORWARD_DATES},
                      "mean_of_dates": {k: summary([p[k] for p in per_seed]) for k in KEYS},
                      "by_date": {d: {k: summary([m[k] for m in forward[d]]) for k in KEYS} for d in FORWARD_DATES},
                      "s": round(time.perf_counter() - t0)}
    print(name, "forward", {k: out["forward"]["mean_of_dates"][k]["mean"] for k in KEYS}, flush=True)

    out["_per_seed"]["forward"] = {k: [p[k] for p in per_seed] for k in KEYS}


def leave_one_repo_out(name, out, est, args, data, mask, model_seeds) -> None:
    from commitradar.classifier.evaluation import cross_validate
    from commitradar.classifier.metrics import metrics

    t0 = time.perf_counter()
    repos = np.asarray([c.repo for c, _ in data.items])
    names = sorted(set(repos))
    folds = [np.flatnonzero(repos == r) for r in names]
    tiers = np.asarray(data.tiers)
    pooled, by_repo = [], {r: [] for r in names}
    for s in range(model_seeds):
        r = cross_validate(est.set_params(random_state=s), *args, test_folds=folds, score_mask=mask)
        pooled.append(model_metrics(r["models"]["model"]))
        pred = np.asarray(r["predictions"]["model"], dtype=object)
        for repo in names:
            rows = (repos == repo) & mask
            by_repo[repo].append(metrics(list(tiers[rows]), list(pred[rows]))["macro_f1"])
    est.set_params(random_state=0)
    per_seed_repo_mean = [float(np.mean([by_repo[r][s] for r in names])) for s in range(model_seeds)]
    out["loro"] = {"repos": names, "model_seeds": model_seeds,
                   "pooled": {k: summary([p[k] for p in pooled]) for k in KEYS},
                   "mean_repo_macro_f1": summary(per_seed_repo_mean),
                   "repo_macro_f1": {r: summary(v) for r, v in by_repo.items()},
                   "s": round(time.perf_counter() - t0)}
    print(name, "loro", {k: out["loro"]["pooled"][k]["mean"] for k in KEYS}, flush=True)
    out["_per_seed"].update({"loro": {k: [p[k] for p in pooled] for k in KEYS}, "loro_repo_mean": per_seed_repo_mean})


def median_day(commits, since: str = "2026-07-01") -> tuple[str, list]:
    """The day of median commit count (all repositories together) from ``since`` on, and its commits."""
    days: dict[str, list] = {}
    for c in commits:
        d = c.committed_at.date().isoformat()
        if d >= since:
            days.setdefault(d, []).append(c)
    order = sorted(days, key=lambda d: (len(days[d]), d))
    day = order[len(order) // 2]
    return day, days[day]


def speed(name: str, shared: Path, cache: Path, cold_sample: int, label_set: str = "all") -> dict:
    from commitradar.classifier.card import compat_fields, library_versions
    from commitradar.classifier.design import design_matrix
    from commitradar.classifier.estimator import ImportanceModel
    from commitradar.classifier.evaluation import embedder_for
    from commitradar.classifier.labeled import load_labeled, score_mask
    from commitradar.classifier.persist import save_model
    from commitradar.classifier.runtime import ModelClassifier
    from commitradar.classifier.vector import MODEL_MAPPING
    from commitradar.dataset import read_commits
    from commitradar.features import extract
    from commitradar.features.embedding import Embedder, embedding_dim, load_sentence_model

    labels, commit_files = inputs(shared, label_set)
    every = read_commits(*commit_files)
    out = {"embedding": name, "warm_over_labels": label_set, "load_average_before": [round(x, 2) for x in os.getloadavg()]}
    # cold: the sentence model's load, then encoding with an empty cache
    t0 = time.perf_counter()
    load_sentence_model(name)
    out["model_load_s"] = round(time.perf_counter() - t0, 2)
    sample = random.Random(0).sample(every, cold_sample)
    day, day_commits = median_day(every)
    with tempfile.TemporaryDirectory() as tmp:
        emb = Embedder(Path(tmp), model_name=name)
        emb._model = load_sentence_model(name)  # loaded apart: only the encoding is timed here
        t0 = time.perf_counter()
        emb.embed(sample)
        enc = time.perf_counter() - t0
        out["cold_encode"] = {"commits": cold_sample, "s": round(enc, 1), "commits_per_s": round(cold_sample / enc, 2),
                              "all_8918_commits_estimate_min": round(len(every) / (cold_sample / enc) / 60, 1)}
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        emb = Embedder(Path(tmp), model_name=name)
        emb.embed(day_commits)  # loads the model on the first miss, as a report does
        out["cold_day"] = {"day": day, "commits": len(day_commits), "load_and_embed_s": round(time.perf_counter() - t0, 1)}
    print(name, "cold", out["cold_encode"], out["cold_day"], flush=True)
    # warm: a model of this embedding fit on every label (no CV), then featurise + classify with a warm cache
    data = load_labeled(labels, commit_files, [labels[0]])
    est = ImportanceModel(embedding=name, n_embedding=embedding_dim(name))
    X = design_matrix([c for c, _ in data.items], embedder_for(est, cache), MODEL_MAPPING)
    model = est.fit(X, np.asarray(data.tiers), types=data.types, groups=np.asarray(data.dates),
                    tune_mask=score_mask(data, [labels[0]]), shas=data.shas)
    commits = [c for c, _ in data.items]
    with tempfile.TemporaryDirectory() as tmp:
        save_model(model, Path(tmp) / "model", {**compat_fields(MODEL_MAPPING, name), "versions": library_versions()})
        runs = []
        for _ in range(2):
            clf = ModelClassifier.load(Path(tmp) / "model", cache_dir=cache)
            t0 = time.perf_counter()
            items = [(c, extract(c)) for c in commits]
            t1 = time.perf_counter()
            verdicts = clf.classify(items)
            t2 = time.perf_counter()
            assert clf.embedder.computed == 0, "warm pass encoded"
            runs.append({"commits": len(commits), "features_s": round(t1 - t0, 2), "embed_and_classify_s": round(t2 - t1, 2),
                         "commits_per_s": round(len(commits) / (t2 - t0), 1)})
        out["warm"] = max(runs, key=lambda r: r["commits_per_s"])
        out["warm"]["tiers"] = dict(Counter(v.tier for v in verdicts))
    out["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    print(name, "warm", out["warm"], flush=True)
    return out


def compare(result: dict, label_set: str) -> dict | None:
    """mpnet − MiniLM per seed (same folds), against the noise: the larger sd over seeds of the two."""
    q = result.get("quality", {}).get(label_set, {})
    if MINILM not in q or MPNET not in q:
        return None
    a, b = q[MINILM]["_per_seed"], q[MPNET]["_per_seed"]
    out = {}
    done = [p for p in ("cv", "forward", "loro") if p in a and p in b]
    for part in done:
        out[part] = {}
        for k in KEYS:
            d = np.asarray(b[part][k]) - np.asarray(a[part][k])
            noise = max(float(np.std(a[part][k], ddof=1)), float(np.std(b[part][k], ddof=1)))
            out[part][k] = {"delta_mean": round(float(d.mean()), 4), "delta_sd": round(float(d.std(ddof=1)), 4),
                            "noise_sd": round(noise, 4), "beyond_noise": bool(abs(d.mean()) > noise)}
    if "loro" in done:
        d = np.asarray(b["loro_repo_mean"]) - np.asarray(a["loro_repo_mean"])
        out["loro"]["mean_repo_macro_f1"] = {"delta_mean": round(float(d.mean()), 4)}
    wins = all(out[p]["macro_f1"]["delta_mean"] > out[p]["macro_f1"]["noise_sd"] for p in done)
    s = result.get("speed", {}).get(MPNET, {})
    warm = s.get("warm", {}).get("commits_per_s")
    out["decision"] = {
        "rule": "adopt only if mpnet's macro-F1 gain exceeds the noise (the larger sd over seeds) in the CV, "
                "the forward checks and leave-one-repository-out, and warm ≥ 200 commits/s",
        "measured": done, "quality_win": wins, "warm_commits_per_s": warm, "speed_ok": warm is not None and warm >= 200,
        "adopt": bool(wins and warm is not None and warm >= 200)}
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--cache", type=Path, required=True, help="embedding cache folder (reused across runs)")
    ap.add_argument("--quality", nargs="*", default=[], metavar="EMBEDDING")
    ap.add_argument("--speed", nargs="*", default=[], metavar="EMBEDDING")
    ap.add_argument("--seeds", type=int, default=5, help="CV fold seeds")
    ap.add_argument("--model-seeds", type=int, default=3, help="random_state seeds of forward checks and LORO")
    ap.add_argument("--cold-sample", type=int, default=200)
    ap.add_argument("--jobs", type=int, default=1)
    ap.add_argument("--parts", nargs="+", choices=("cv", "forward", "loro"), default=["cv", "forward", "loro"],
                    help="which quality measurements")
    ap.add_argument("--labels", choices=("all", "expert"), default="all",
                    help="quality on expert_train + manual (as shipped) or expert_train alone")
    ap.add_argument("--merge", nargs="*", type=Path, default=[], metavar="JSON",
                    help="results of other runs (e.g. one per embedding, run side by side) to merge into --out")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "embedding.json")
    args = ap.parse_args()
    result = json.loads(args.out.read_text()) if args.out.is_file() else {}
    for other in map(lambda p: json.loads(p.read_text()), args.merge):
        for label_set, runs in other.get("quality", {}).items():
            for name, run in runs.items():  # runs of separate parts (--parts) of one embedding add up
                mine = result.setdefault("quality", {}).setdefault(label_set, {}).setdefault(name, {})
                per_seed = {**mine.get("_per_seed", {}), **run.get("_per_seed", {})}
                mine.update(run)
                mine["_per_seed"] = per_seed
        result.setdefault("speed", {}).update(other.get("speed", {}))
    if args.merge:
        result["comparison"] = {k: compare(result, k) for k in result.get("quality", {})}
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    result.update({"benchmark": "sentence embedding: all-MiniLM-L6-v2 vs all-mpnet-base-v2 (issue 14 item 3)",
                   "machine": {"cpus": os.cpu_count(), "python": platform.python_version(),
                               "platform": platform.platform()}})
    for name in args.quality:
        result.setdefault("quality", {}).setdefault(args.labels, {})[name] = quality(
            name, args.shared, args.cache, args.seeds, args.model_seeds, args.jobs, args.labels, tuple(args.parts))
        result.setdefault("comparison", {})[args.labels] = compare(result, args.labels)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    for name in args.speed:
        result.setdefault("speed", {})[name] = speed(name, args.shared, args.cache, args.cold_sample, args.labels)
        result["comparison"] = {k: compare(result, k) for k in result.get("quality", {})}
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    for k, c in (result.get("comparison") or {}).items():
        if c:
            print(k, json.dumps(c["decision"]))
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
