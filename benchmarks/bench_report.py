"""Benchmark: a 50-commit day end to end, as a cold `commitradar report --classifier rules` process.

Builds a throw-away git repository (50 first-parent commits on one day in Asia/Shanghai, realistic sizes:
mostly small fixes, some medium features, a few large kernel/model changes, a merge, a binary file; a few
files are the kind whose diff the breaking-change detector reads: requirements, configuration, environment
and CLI modules), then runs the console script several times and reports the median wall time. No embedding
model, no LLM, no network. Results: benchmarks/results/report.json (also printed).

    python benchmarks/bench_report.py [--runs 5]
    python benchmarks/bench_report.py --trees /work/main /work/wt/me   # side by side: runs alternate per tree

With ``--trees`` each run is made once per source tree (``PYTHONPATH=<tree>``), alternating, so a loaded
machine slows both alike; the result gives each tree's median and their ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

GOAL_S = 1.0  # issue 13: the deterministic path stays cheap
DAY = "2026-03-10"
TZ = timezone(timedelta(hours=8))
RESULTS = Path(__file__).resolve().parent / "results" / "report.json"
SPECIAL = {
    "requirements.txt": "".join(f"pkg{j}=={j}.0\n" for j in range(30)) + "torch==2.9.0\n",
    "pyproject.toml": '[project]\nname = "bench"\nrequires-python = ">=3.10"\n' + "# filler\n" * 60,
    "pkg/config.py": "".join(f"    opt_{j}: int = {j}\n" for j in range(200)),
    "pkg/envs.py": "".join(f'    "BENCH_VAR_{j}": lambda: os.getenv("BENCH_VAR_{j}", "0"),\n' for j in range(150)),
    "pkg/entrypoints/cli.py": "".join(f'parser.add_argument("--opt-{j}", type=int, default={j})\n' for j in range(150)),
    "csrc/config.h": "".join(f"#define BENCH_{j} {j}\n" for j in range(120)),
}


def git(repo: Path, *args: str, env: dict | None = None) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env={**os.environ, **(env or {})})


def build_repo(root: Path, n_commits: int = 50, seed: int = 7) -> Path:
    rnd = random.Random(seed)
    repo = root / "bench-repo"
    repo.mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    for i in range(400):  # a code base to change
        sub = rnd.choice(["pkg/core", "pkg/models", "pkg/layers", "csrc", "tests", "docs", "benchmarks"])
        ext = {"csrc": ".cu", "docs": ".md"}.get(sub, ".py")
        p = repo / sub / f"mod_{i:03d}{ext}"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text("".join(f"line {j} of {i}\n" for j in range(rnd.randint(50, 400))))
    for rel, text in SPECIAL.items():  # files whose diff the breaking-change detector reads
        p = repo / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    env = {"GIT_AUTHOR_NAME": "Bench", "GIT_AUTHOR_EMAIL": "b@example.com", "GIT_COMMITTER_NAME": "Bench",
           "GIT_COMMITTER_EMAIL": "b@example.com", "GIT_AUTHOR_DATE": "@1772985600 +0800",
           "GIT_COMMITTER_DATE": "@1772985600 +0800"}
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base", env=env)
    files = sorted(str(p.relative_to(repo)) for p in repo.rglob("*") if p.is_file() and ".git" not in p.parts)
    start = datetime(2026, 3, 10, 0, 30, tzinfo=TZ)
    subjects = ["[Bugfix] Fix {} in the scheduler", "[Perf] Speed up {} kernel", "[Model] Support {} model",
                "[Doc] Document {}", "[CI] Update {} workflow", "feat(core): add {} option", "[Misc] Clean up {}",
                "[Test] Cover {}", "Bump {} from 1.2 to 1.3", "refactor: split {}"]
    for i in range(n_commits):
        size = rnd.choices(["small", "medium", "large"], weights=[70, 25, 5])[0]
        n_files = {"small": rnd.randint(1, 3), "medium": rnd.randint(3, 12), "large": rnd.randint(20, 60)}[size]
        for rel in rnd.sample(files, n_files):
            p = repo / rel
            lines = p.read_text().splitlines(keepends=True)
            k = {"small": 5, "medium": 40, "large": 200}[size]
            at = rnd.randint(0, max(0, len(lines) - 1))
            lines[at:at + rnd.randint(0, k)] = [f"changed {i} {j}\n" for j in range(rnd.randint(1, k))]
            p.write_text("".join(lines))
        if i == 20:
            (repo / "assets").mkdir(exist_ok=True)
            (repo / "assets" / "diagram.png").write_bytes(bytes(rnd.getrandbits(8) for _ in range(50_000)))
        when = start + timedelta(minutes=27 * i)
        stamp = f"@{int(when.timestamp())} +0800"
        body = "\n".join(f"- change number {j} in this pull request description" for j in range(rnd.randint(0, 6)))
        msg = rnd.choice(subjects).format(f"area{i}") + f" (#{1000 + i})\n\n{body}\n"
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", msg, env={**env, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp,
                                                  "GIT_AUTHOR_NAME": f"Dev {i % 9}"})
    return repo


def run_once(exe: str, repo: Path, out: Path, env: dict) -> float:
    t = time.perf_counter()
    proc = subprocess.run([exe, "-q", "report", "--repo", str(repo), "--date", DAY, "--tz", "Asia/Shanghai",
                           "--classifier", "rules", "--out", str(out)], capture_output=True, env=env)
    elapsed = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(proc.stderr.decode(errors="replace"))
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--commits", type=int, default=50)
    ap.add_argument("--trees", nargs="+", metavar="DIR",
                    help="source trees to compare side by side (PYTHONPATH=DIR each); default: the installed one")
    args = ap.parse_args()
    exe = shutil.which("commitradar") or str(Path(sys.executable).with_name("commitradar"))
    trees = args.trees or [os.environ.get("PYTHONPATH") or ""]
    with tempfile.TemporaryDirectory(prefix="commitradar-bench-") as tmp:
        root = Path(tmp)
        t = time.perf_counter()
        repo = build_repo(root, args.commits)
        build_s = time.perf_counter() - t
        base = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "COMMITRADAR_CACHE": str(root / "cache")}
        times: dict[str, list[float]] = {tree: [] for tree in trees}
        for run in range(args.runs):
            for k, tree in enumerate(trees):
                env = {**base, "PYTHONPATH": tree} if tree else base
                times[tree].append(run_once(exe, repo, root / f"out{run}-{k}", env))
        out = root / f"out{args.runs - 1}-{len(trees) - 1}"
        report = json.loads(next(out.rglob("*.json")).read_text(encoding="utf-8"))
    last = times[trees[-1]]
    result = {
        "benchmark": "report, 50-commit day, cold process, --classifier rules, deterministic writer",
        "commits": report["stats"]["total"],
        "tiers": {k: report["stats"][k] for k in ("high", "medium", "low")},
        "breaking": sum(1 for e in report["entries"] if e.get("breaking")),
        "runs": len(last),
        "median_s": round(statistics.median(last), 3),
        "min_s": round(min(last), 3),
        "max_s": round(max(last), 3),
        "all_s": [round(x, 3) for x in last],
        "goal_s": GOAL_S,
        "meets_goal": statistics.median(last) <= GOAL_S,
        "repo_build_s": round(build_s, 2),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
    }
    if len(trees) > 1:
        result["side_by_side"] = {
            "trees": {tree or "(installed)": {"median_s": round(statistics.median(ts), 3), "all_s": [round(x, 3) for x in ts]}
                      for tree, ts in times.items()},
            "ratio_last_to_first": round(statistics.median(last) / statistics.median(times[trees[0]]), 3),
            "note": "runs alternate between the trees; the headline numbers above are the last tree's",
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0 if result["meets_goal"] else 2


if __name__ == "__main__":
    raise SystemExit(main())
