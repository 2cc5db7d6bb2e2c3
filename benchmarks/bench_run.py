"""Benchmark: ``commitradar run`` catching up 5 repositories × 30 days, a no-op second run, and ``site``
over 1,000 reports. Every step is the console script as a fresh process; peak memory is that process's
maximum resident set size (``wait4``).

Builds real local repositories with ``git fast-import`` (tests/history.py: a few commits a day touching
realistic paths), in a temp dir:

1. catch-up: 5 repositories × 30 days (about 8 commits a day), ``run --since D --until D+29``, with the
   shipped model classifier (cold embedding cache) and with ``classifier = "rules"``;
2. no-op: the same ``run`` again without --since (every day has its report): goal ≤ 2 s;
3. site: 5 repositories × 200 days = 1,000 reports written by ``run`` (rules), then ``site``: goal ≤ 10 s.

Results: benchmarks/results/run.json (also printed). Exits 2 when a goal is missed.

    python benchmarks/bench_run.py [--runs 3]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import history  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "run.json"
COMMITRADAR = shutil.which("commitradar") or str(Path(sys.executable).with_name("commitradar"))
GOAL_NOOP_S, GOAL_SITE_S = 2.0, 10.0
FIRST = date(2026, 5, 1)


def measured(*args: str, env: dict) -> dict:
    """Like :func:`timed`, with the child's own peak memory from ``os.wait4``."""
    start = time.perf_counter()
    proc = subprocess.Popen([COMMITRADAR, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out_chunks, err_chunks = [], []
    # read everything, then reap with wait4 to get this child's rusage
    out_chunks.append(proc.stdout.read())
    err_chunks.append(proc.stderr.read())
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"commitradar {' '.join(args)} failed ({proc.returncode}): {b''.join(err_chunks).decode()[-2000:]}")
    lines = b"".join(out_chunks).decode().strip().splitlines()
    return {"seconds": round(wall, 3), "peak_rss_mib": round(usage.ru_maxrss / 1024, 1),
            "last_line": lines[-1] if lines else ""}


def build_repos(root: Path, n: int, days: int, per_day) -> list[Path]:
    return [history.build(root / f"repo{i}", history.plan(FIRST, days, per_day=per_day[i:] + per_day[:i]))
            for i in range(n)]


def config(root: Path, repos: list[Path], classifier: str) -> Path:
    text = f'tz = "Asia/Shanghai"\nclassifier = "{classifier}"\n'
    for i, path in enumerate(repos):
        text += f'[[repos]]\npath = "{path}"\nname = "bench/repo{i}"\n'
    path = root / f"{classifier}.toml"
    path.write_text(text)
    return path


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3, help="repetitions of the no-op run and of site (median)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench-run-"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    try:
        until = str(FIRST + timedelta(days=29))
        repos = build_repos(tmp / "r30", 5, 30, (6, 10, 4, 12, 8))
        n_commits = sum(int(subprocess.run(["git", "-C", str(r), "rev-list", "--count", "HEAD"], capture_output=True,
                                           text=True).stdout) for r in repos)
        result: dict = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                    "platform": platform.platform()},
                        "when": datetime.now(UTC).isoformat(timespec="seconds"),
                        "catch_up": {"repositories": 5, "days": 30, "commits": n_commits}}
        for classifier in ("model", "rules"):
            cfg = config(tmp, repos, classifier)
            out = tmp / f"out-{classifier}"
            env_c = {**env, "COMMITRADAR_CACHE": str(tmp / f"cache-{classifier}")}  # cold caches
            step = measured("-q", "run", "--config", str(cfg), "--out", str(out), "--since", str(FIRST),
                            "--until", until, env=env_c)
            step["reports"] = len(list((out / "reports").rglob("*.json")))
            result["catch_up"][classifier] = step
            noop = [measured("-q", "run", "--config", str(cfg), "--out", str(out), "--until", until, env=env_c)
                    for _ in range(args.runs)]
            assert all("nothing to write" in r["last_line"] for r in noop), noop
            result.setdefault("noop", {})[classifier] = {
                "median_s": statistics.median(r["seconds"] for r in noop), "runs_s": [r["seconds"] for r in noop],
                "peak_rss_mib": max(r["peak_rss_mib"] for r in noop), "goal_s": GOAL_NOOP_S}

        big = build_repos(tmp / "r200", 5, 200, (3, 5, 1, 6, 4))
        cfg = config(tmp / "r200", big, "rules")
        out = tmp / "out-1000"
        env_b = {**env, "COMMITRADAR_CACHE": str(tmp / "cache-1000")}
        write = measured("-q", "run", "--config", str(cfg), "--out", str(out), "--since", str(FIRST),
                         "--until", str(FIRST + timedelta(days=199)), env=env_b)
        n_reports = len(list((out / "reports").rglob("*.json")))
        sites = [measured("-q", "site", "--out", str(out), env=env_b) for _ in range(args.runs)]
        pages = len(list((out / "site").rglob("*.html")))
        result["site"] = {"reports": n_reports, "pages": pages, "median_s": statistics.median(s["seconds"] for s in sites),
                          "runs_s": [s["seconds"] for s in sites], "peak_rss_mib": max(s["peak_rss_mib"] for s in sites),
                          "goal_s": GOAL_SITE_S, "run_writing_them": write}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(json.dumps(result, indent=2, ensure_ascii=False))
    missed = [k for k, v in (("noop", max(v["median_s"] for v in result["noop"].values()) > GOAL_NOOP_S),
                             ("site", result["site"]["median_s"] > GOAL_SITE_S)) if v]
    if missed:
        print(f"goal missed: {', '.join(missed)}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
