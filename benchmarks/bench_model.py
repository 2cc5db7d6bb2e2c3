"""Featurise + embed + classify every commit of ../shared/data/commits with the shipped model.

Two passes side by side in one process: cold (empty embedding cache: the MiniLM model encodes every
commit) and warm (the same cache again: nothing is encoded). Goal: ≥ 200 commits/s warm on 2 cores.
Writes benchmarks/results/model.json.

    python benchmarks/bench_model.py [--limit N] [--shared ../shared]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's commitradar, whatever is installed


def run_pass(commits, model_dir: Path, cache: Path) -> dict:
    from commitradar.classifier.runtime import ModelClassifier
    from commitradar.features import extract

    t0 = time.perf_counter()
    clf = ModelClassifier.load(model_dir, cache_dir=cache)
    t_load = time.perf_counter() - t0
    t1 = time.perf_counter()
    items = [(c, extract(c)) for c in commits]
    t_feat = time.perf_counter() - t1
    t2 = time.perf_counter()
    verdicts = clf.classify(items)
    t_cls = time.perf_counter() - t2
    total = t_feat + t_cls
    return {
        "commits": len(commits),
        "embedded_now": clf.embedder.computed,
        "load_s": round(t_load, 3),
        "features_s": round(t_feat, 3),
        "embed_and_classify_s": round(t_cls, 3),
        "total_s": round(total, 3),
        "commits_per_s": round(len(commits) / total, 1),
        "tiers": {t: sum(v.tier == t for v in verdicts) for t in ("high", "medium", "low")},
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--limit", type=int, default=0, help="use only the first N commits (0 = all)")
    ap.add_argument("--model", default=str(ROOT / "data" / "model"))
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "model.json"))
    args = ap.parse_args()
    from commitradar.dataset import read_commits

    files = sorted(Path(args.shared, "data", "commits").glob("*.jsonl.gz"))
    commits = read_commits(*files)
    if args.limit:
        commits = commits[: args.limit]
    with tempfile.TemporaryDirectory() as tmp:
        cold = run_pass(commits, Path(args.model), Path(tmp))
        print("cold", cold, flush=True)
        warm = run_pass(commits, Path(args.model), Path(tmp))
        print("warm", warm, flush=True)
    result = {
        "benchmark": "featurise + embed + classify (shipped model)",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "cold": cold,
        "warm": warm,
        "warm_vs_cold_speedup": round(cold["total_s"] / warm["total_s"], 1),
        "goal_warm_commits_per_s": 200,
        "goal_met": warm["commits_per_s"] >= 200,
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}: warm {warm['commits_per_s']} commits/s, cold {cold['commits_per_s']} commits/s")
    return 0 if result["goal_met"] else 2


if __name__ == "__main__":
    sys.exit(main())
