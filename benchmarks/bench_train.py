"""Time `commitradar train` of the shipped configuration with a warm embedding cache.

The command is the one that made data/model (labels expert_train + data/labels/manual.jsonl, every dataset
of ../shared, --tune-on expert_train, --repeats 5, rate anchoring on). The embedding cache is warmed first
(every dataset commit), so the timed runs embed nothing: what is measured is training (cross-validation with
5 fold seeds, the final fit, rate anchoring) and writing the model. With --baseline DIR (a checkout of an
older commitradar, e.g. `git worktree add /tmp/base main`), that code trains the same command right after,
in the same process tree, same cache, same machine: the ratio of the two is what to compare (machines and
their load vary; the load averages before and after each run are recorded). Goal: ≤ 300 s on 2 cores (exit 2
when missed). Writes benchmarks/results/train.json.

    python benchmarks/bench_train.py [--baseline DIR] [--repeats 5] [--shared ../shared] [--cache DIR]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[1]
GOAL_S = 300


def train_command(shared: Path, out: Path, cache: Path, repeats: int) -> list[str]:
    labels = [str(shared / "data" / "labels" / "expert_train.jsonl"), str(ROOT / "data" / "labels" / "manual.jsonl")]
    commits = sorted(str(p) for p in (shared / "data" / "commits").glob("*.jsonl.gz"))
    return [sys.executable, "-m", "commitradar", "--quiet", "train", "--labels", *labels, "--commits", *commits,
            "--tune-on", labels[0], "--repeats", str(repeats), "--out", str(out), "--cache", str(cache)]


def warm(shared: Path, cache: Path) -> int:
    """Embed every dataset commit into ``cache`` (with this checkout's code); returns how many were new."""
    sys.path.insert(0, str(ROOT))
    from commitradar.dataset import read_commits
    from commitradar.features.embedding import Embedder

    embedder = Embedder(cache)
    embedder.embed(read_commits(*sorted((shared / "data" / "commits").glob("*.jsonl.gz"))))
    return embedder.computed


def timed_train(code: Path, shared: Path, cache: Path, repeats: int, workdir: Path) -> dict:
    out = workdir / f"model-{code.name}"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()
    t0 = time.perf_counter()
    proc = subprocess.run(train_command(shared, out, cache, repeats), capture_output=True, text=True, cwd=code,
                          env={**os.environ, "PYTHONPATH": str(code)})
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"train with {code} failed:\n{proc.stderr[-2000:]}")
    card = json.loads((out / "model_card.json").read_text())
    spread = card["cv"].get("spread", {}).get("model", {})
    return {
        "code": str(code),
        "wall_s": round(wall, 1),
        "cpu_s": round((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), 1),
        "load_average_before": [round(x, 2) for x in load],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "cv_model": {key: {"mean": round(s["mean"], 4), "sd": round(s["sd"], 4), "values": s["values"]}
                     for key, s in spread.items() if key in ("macro_f1", "high_recall", "llm_share")},
        "policy": card["policy"],
        "stdout": proc.stdout.strip().splitlines(),
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--baseline", help="checkout of the code to compare with (its train runs second)")
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--cache", help="embedding cache to use (default: a fresh one, warmed first)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "train.json"))
    ap.add_argument("--keep", metavar="DIR", help="move the model this checkout trained to DIR (e.g. to ship it)")
    args = ap.parse_args()
    shared = Path(args.shared).resolve()
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(args.cache or Path(tmp) / "cache")
        t0 = time.perf_counter()
        embedded = warm(shared, cache)
        print(f"warm cache: {embedded} commits embedded in {time.perf_counter() - t0:.0f} s", flush=True)
        runs = {"this": timed_train(ROOT, shared, cache, args.repeats, Path(tmp))}
        if args.keep:
            import shutil

            shutil.rmtree(args.keep, ignore_errors=True)
            shutil.move(str(Path(tmp) / f"model-{ROOT.name}"), args.keep)
        print("this", {k: v for k, v in runs["this"].items() if k != "stdout"}, flush=True)
        if args.baseline:
            runs["baseline"] = timed_train(Path(args.baseline).resolve(), shared, cache, args.repeats, Path(tmp))
            print("baseline", {k: v for k, v in runs["baseline"].items() if k != "stdout"}, flush=True)
    result = {
        "benchmark": "train of the shipped configuration, warm embedding cache",
        "command": "commitradar train --labels ../shared/data/labels/expert_train.jsonl data/labels/manual.jsonl "
                   "--commits ../shared/data/commits/*.jsonl.gz --tune-on ../shared/data/labels/expert_train.jsonl "
                   f"--repeats {args.repeats} --out DIR",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        **runs,
        "goal_s": GOAL_S,
        "goal_met": runs["this"]["wall_s"] <= GOAL_S,
    }
    if "baseline" in runs:
        result["speedup_wall"] = round(runs["baseline"]["wall_s"] / runs["this"]["wall_s"], 1)
        result["speedup_cpu"] = round(runs["baseline"]["cpu_s"] / runs["this"]["cpu_s"], 1)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}: {runs['this']['wall_s']} s" + (f", baseline {runs['baseline']['wall_s']} s "
                                                             f"({result['speedup_wall']}× faster)" if "baseline" in runs else ""))
    return 0 if result["goal_met"] else 2


if __name__ == "__main__":
    sys.exit(main())
