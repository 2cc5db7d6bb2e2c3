"""LLM writer benchmark: commitradar vs the reference system's way, on one simulated 30-commit day.

    python benchmarks/bench_llm.py [--time-scale 0.1] [--out benchmarks/results/llm.json]

A real git repository is built in a temp folder: 30 commits on one day with realistic diff sizes (new model
files of ~1,000 lines, a 3,000-line lockfile refresh, a vendored library drop, fixes of tens of lines, docs
typos, test- and CI-only changes). Both modes talk to the same simulated OpenAI-compatible server
(``tests/llm_server.py``) whose latency model is ``prompt_tokens / 2000 + completion_tokens / 50`` seconds
per request, with up to 8 requests served concurrently (a batching server), all multiplied by
``--time-scale`` so the run takes a minute instead of ten; token counts are unaffected by the scale.

- **baseline** ("every commit, sequential, full diffs"), implemented here: for every commit, one request with
  the message and every file's full diff (each file cut at 50,000 characters, no total cap), one at a time,
  ``max_tokens`` 2000; the answer is ~700 tokens for every commit (the reference texts are long).
- **commitradar**: ``pipeline.build_report`` with ``--classifier rules`` and the ``openai`` writer at its
  defaults (high 6k / medium 2k excerpt budgets, 8 in flight, JSON schema); the simulated model answers
  ~900 tokens for high and ~350 for medium; low-tier commits cost nothing.

Wall time is measured end to end for both (mining and rendering included). Results go to
``benchmarks/results/llm.json``. Goals: ≤ 25 % of the baseline's input tokens, ≥ 10× less wall time.
"""
from __future__ import annotations

import argparse
import json
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from llm_server import FakeLLM, GitRepo, python_module  # noqa: E402

DAY = "2026-02-03"
PREFILL, DECODE, SLOTS = 2000.0, 50.0, 8
BASELINE_FILE_CAP = 50_000
BASELINE_OUT = 700
OUT_TOKENS = {"high": 900, "medium": 350, "free": BASELINE_OUT}


def cpp_kernel(name: str, n: int) -> str:
    out = ["#include <cuda_runtime.h>", ""]
    for i in range(n):
        out += [f"__global__ void {name}_kernel_{i}(const float* __restrict__ x, float* y, int n) {{",
                "  int idx = blockIdx.x * blockDim.x + threadIdx.x;",
                f"  if (idx < n) y[idx] = x[idx] * {i + 1}.0f + __expf(x[idx]);", "}", ""]
    return "\n".join(out) + "\n"


def lockfile(n: int, seed: int) -> str:
    rng = random.Random(seed)
    return "".join(f'[[package]]\nname = "pkg-{i}"\nversion = "{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 9)}"\n'
                   f'source = {{ registry = "https://pypi.org/simple" }}\n\n' for i in range(n))


def markdown(n: int, seed: int) -> str:
    return "\n".join(f"Paragraph {i}: the server accepts option `--flag-{seed}-{i}` to tune behaviour." for i in range(n)) + "\n"


def build_repo(path: Path) -> Path:
    """30 commits on DAY with a realistic spread of sizes and kinds."""
    r = GitRepo(path)
    base = {f"srt/core/mod_{i}.py": python_module(f"mod{i}", 25, i) for i in range(12)}
    base.update({f"srt/models/m_{i}.py": python_module(f"m{i}", 40, i) for i in range(4)})
    base.update({"uv.lock": lockfile(400, 0), "docs/guide.md": markdown(120, 0), "README.md": "# demo\n",
                 "tests/test_core.py": python_module("tcore", 20), ".github/workflows/ci.yml": "on: [push]\n",
                 "csrc/attn.cu": cpp_kernel("attn", 30), "pyproject.toml": '[project]\nname = "demo"\n'})
    r.commit("initial import", base, when="2026-02-02T08:00:00+00:00")

    def edit(path: str, text: str, old: str, new: str, count: int = -1) -> str:
        return text.replace(old, new, count)

    state = dict(base)
    commits = []
    # 3 large model additions (high)
    for i in range(3):
        commits.append(({f"srt/models/new_{i}.py": python_module(f"newmodel{i}", 170 + 40 * i, i),
                         f"srt/core/registry_{i}.py": python_module(f"reg{i}", 6, i),
                         f"tests/test_new_{i}.py": python_module(f"tnew{i}", 15, i)},
                        f"[Model] feat: support NewNet-{i} model architecture (#{18000 + i})\n\nAdds NewNet-{i} with fused MoE."))
    # lockfile refresh + pyproject (deps)
    commits.append(({"uv.lock": lockfile(700, 1), "pyproject.toml": '[project]\nname = "demo"\nversion = "0.2"\n'},
                    "chore(deps): refresh lockfile (#18010)"))
    # vendored library drop
    commits.append(({"third_party/fastlib/lib.c": cpp_kernel("fastlib", 500)}, "build: vendor fastlib 2.1 (#18011)"))
    # 8 fixes / perf in core (medium)
    for i in range(8):
        p = f"srt/core/mod_{i}.py"
        n_changes = [3, 5, 10, 20, 40, 8, 15, 60][i]
        text = state[p]
        for k in range(n_changes):
            text = text.replace(f"step_{k}(batch, scale={i + k})", f"step_{k}(batch, scale={i + k}, eps=1e-6)", 1)
        kind = "fix: race condition in scheduler path" if i % 2 == 0 else "perf: optimize batch accumulation"
        commits.append(({p: text, f"tests/test_mod_{i}.py": python_module(f"tmod{i}", 3 + i, i)}, f"{kind} {i} (#{18020 + i})"))
    # kernel perf change (medium/high)
    commits.append(({"csrc/attn.cu": cpp_kernel("attn", 30).replace("__expf", "expf") + cpp_kernel("attn_v2", 20)},
                    "perf: faster attention kernel for long context (#18030)"))
    # 2 refactors across several files
    for i in range(2):
        files = {f"srt/core/mod_{j}.py": state[f"srt/core/mod_{j}.py"].replace("total", "acc") for j in range(6 * i, 6 * i + 6)}
        files[f"srt/models/m_{i}.py"] = state[f"srt/models/m_{i}.py"].replace("total", "running_total")
        commits.append((files, f"refactor: rename accumulators in core ({18040 + i})"))
    # 6 docs changes
    for i in range(6):
        commits.append(({f"docs/page_{i}.md": markdown(3 + 12 * i, i)}, f"docs: document flags part {i} (#{18050 + i})"))
    # 5 tests-only
    for i in range(5):
        commits.append(({f"tests/test_extra_{i}.py": python_module(f"textra{i}", 20 + 15 * i, i)}, f"test: add coverage for mod {i} (#{18060 + i})"))
    # 3 CI changes
    for i in range(3):
        commits.append(({".github/workflows/ci.yml": "on: [push]\n" + "".join(f"# job {k}\n" for k in range(10 + 20 * i))},
                        f"ci: update workflow step {i} (#{18070 + i})"))
    assert len(commits) == 30, len(commits)
    for n, (files, msg) in enumerate(commits):
        state.update(files)
        r.commit(msg, files, when=f"2026-02-03T{1 + n // 2:02d}:{(n % 2) * 30 + 5:02d}:00+00:00")
    return r.path


def diff_stats(repo: Path) -> dict:
    """Lines changed per commit of the day (to compare with real repositories: mean 550-1,400, median 70-100)."""
    import re
    import subprocess

    out = subprocess.run(["git", "-C", str(repo), "log", "--shortstat", "--format=%H", "--since=2026-02-03T00:00:00Z"],
                         capture_output=True, text=True, check=True).stdout
    lines = sorted(sum(int(x) for x in re.findall(r"(\d+) (?:insertion|deletion)", block))
                   for block in out.split("\n\n") if "changed" in block)
    return {"commits": len(lines), "lines_mean": round(sum(lines) / len(lines)), "lines_median": lines[len(lines) // 2],
            "lines_max": lines[-1]}


def run_commitradar(repo: Path, base_url: str, cache: Path):
    from commitradar import pipeline
    from commitradar.classifier import get_classifier
    from commitradar.config import Config, LLMConfig
    from commitradar.mining import load_diffs, open_repo, resolve_window
    from commitradar.report import render_json, render_markdown
    from commitradar.writer.llm import LLMWriter

    cfg = Config(classifier="rules", tz="UTC", lang="zh", cache_dir=cache,
                 llm=LLMConfig(provider="openai", model="sim", base_url=base_url, api_key="k", run_token_budget=10**7))
    window = resolve_window(DAY, tz="UTC")
    local = open_repo(str(repo), cache)
    commits = next(pipeline.git_source([local], window))[2]
    report = pipeline.build_report(local.name, None, window, commits, cfg, get_classifier(cfg), LLMWriter(cfg, loader=load_diffs))
    render_markdown(report, "zh")
    render_json(report, "zh")
    return report


def run_baseline(repo: Path, base_url: str) -> int:
    """Every commit, sequential, every file's full diff (50k chars per file, no total cap)."""
    import openai

    from commitradar.mining import load_diffs, mine, open_repo, resolve_window

    window = resolve_window(DAY, tz="UTC")
    local = open_repo(str(repo), Path(tempfile.gettempdir()))
    client = openai.OpenAI(api_key="k", base_url=base_url, max_retries=0, timeout=600)
    n = 0
    for c in mine(local, window):
        diffs = load_diffs(c, [f.path for f in c.files])
        body = "\n\n".join(f"File: {p}\n```diff\n{d[:BASELINE_FILE_CAP]}\n```" for p, d in diffs.items())
        prompt = (f"请分析以下 Git 提交，输出变更类型、重要程度、变更摘要、影响范围、技术洞察、潜在风险和关注建议。\n\n"
                  f"提交信息：{c.subject}\n{c.body}\n\n{body}")
        client.chat.completions.create(model="sim", messages=[{"role": "system", "content": "你是资深代码审查专家。"},
                                                              {"role": "user", "content": prompt}], max_tokens=2000)
        n += 1
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--time-scale", type=float, default=0.1, help="multiply simulated latencies (1.0 = real time)")
    ap.add_argument("--out", default=str(ROOT / "benchmarks" / "results" / "llm.json"))
    args = ap.parse_args(argv)

    def answer_tokens(tier, max_tokens):
        return min(OUT_TOKENS.get(tier, BASELINE_OUT), max_tokens or 10**6)

    with tempfile.TemporaryDirectory() as tmp:
        repo = build_repo(Path(tmp) / "repo")
        stats = diff_stats(repo)
        print(f"day: {stats}", flush=True)
        results = {}
        for mode in ("baseline", "commitradar"):
            with FakeLLM(prefill_rate=PREFILL, decode_rate=DECODE, slots=SLOTS, time_scale=args.time_scale,
                         answer_tokens=answer_tokens) as srv:
                t0 = time.perf_counter()
                if mode == "baseline":
                    n_commits = run_baseline(repo, srv.base_url)
                    extra = {"commits": n_commits}
                else:
                    rep = run_commitradar(repo, srv.base_url, Path(tmp) / "cache")
                    u = rep.usage
                    extra = {"commits": len(rep.entries), "tiers": {t: rep.count(t) for t in ("high", "medium", "low")},
                             "failed": u["failed"], "by_tier_tokens_in": {t: v["tokens_in"] for t, v in u["by_tier"].items()}}
                wall = time.perf_counter() - t0
                results[mode] = {"input_tokens": srv.prompt_tokens, "output_tokens": srv.completion_tokens,
                                 "requests": len(srv.requests), "wall_seconds": round(wall, 3),
                                 "max_concurrent": srv.max_concurrent, **extra}
                print(f"{mode:12s} input {srv.prompt_tokens:>8,} tokens  output {srv.completion_tokens:>7,}  "
                      f"requests {len(srv.requests):>3}  wall {wall:7.2f} s", flush=True)
    b, c = results["baseline"], results["commitradar"]
    summary = {
        "input_token_share": round(c["input_tokens"] / b["input_tokens"], 4),
        "wall_time_speedup": round(b["wall_seconds"] / c["wall_seconds"], 2),
        "goals": {"input_token_share_max": 0.25, "wall_time_speedup_min": 10.0},
    }
    summary["goals_met"] = (summary["input_token_share"] <= 0.25 and summary["wall_time_speedup"] >= 10.0)
    data = {
        "benchmark": "llm writer: commitradar vs baseline (every commit, sequential, full diffs)",
        "latency_model": {"prefill_tokens_per_s": PREFILL, "decode_tokens_per_s": DECODE, "server_slots": SLOTS,
                          "time_scale": args.time_scale, "token_estimate": "commitradar.writer.llm.tokens.estimate_tokens"},
        "day": {"date": DAY, **stats},
        "baseline": b, "commitradar": c, "summary": summary,
        "python": platform.python_version(), "machine": platform.machine(),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    print(f"input tokens: {summary['input_token_share']:.1%} of baseline; wall time: {summary['wall_time_speedup']}x "
          f"faster; goals met: {summary['goals_met']} -> {args.out}")
    return 0 if summary["goals_met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
