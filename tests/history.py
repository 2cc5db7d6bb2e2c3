"""Long, real git histories built fast with ``git fast-import`` (one process for thousands of commits).

Used by tests/test_run.py and benchmarks/bench_run.py: a repository with a few commits a day over many
days, each commit touching realistic paths, so ``commitradar run`` has real catch-up work to do.
"""
from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from gitrepo import GIT

SUBJECTS = (
    "[Feature][Core] Support chunked prefill in the scheduler (#{n})",
    "[BugFix] Fix a crash when the KV cache is full (#{n})",
    "[Doc] Explain the new quantization flags (#{n})",
    "[CI] Bump actions/checkout from 4 to 5 (#{n})",
    "[Perf][Kernel] Fuse rotary embedding into attention (#{n})",
    "[Misc] Tidy imports (#{n})",
    "[Deps] Upgrade torch to 2.{n} (#{n})",
    "[Test] Add tests for <empty> batches & odd | shapes (#{n})",
)
PATHS = (
    ("pkg/core/scheduler.py", "tests/test_scheduler.py"),
    ("pkg/core/cache.py",),
    ("docs/quantization.md",),
    (".github/workflows/ci.yml",),
    ("csrc/attention.cu", "pkg/ops/rotary.py"),
    ("pkg/utils.py",),
    ("requirements.txt",),
    ("tests/test_batches.py",),
)


@dataclass(frozen=True)
class Planned:
    day: date
    subject: str
    when: datetime
    kind: int  # index into SUBJECTS and PATHS


def plan(first: date, days: int, per_day: Sequence[int] | int = 2, tz: str = "Asia/Shanghai",
         skip: Sequence[date] = ()) -> list[Planned]:
    """``per_day`` commits on each day from ``first`` (a sequence cycles), none on the ``skip`` days."""
    zone = ZoneInfo(tz)
    out, n = [], 0
    for i in range(days):
        d = first + timedelta(days=i)
        k = per_day if isinstance(per_day, int) else per_day[i % len(per_day)]
        if d in skip:
            continue
        for j in range(k):
            n += 1
            when = datetime.combine(d, time(8 + (j * 5) % 15, (n * 7) % 60), zone)
            out.append(Planned(d, SUBJECTS[n % len(SUBJECTS)].format(n=n), when, n % len(SUBJECTS)))
    return out


def build(path: Path, commits: Sequence[Planned], branch: str = "main") -> Path:
    """A real repository at ``path`` with ``commits`` (in order) on ``branch``, via ``git fast-import``."""
    path.mkdir(parents=True, exist_ok=True)
    subprocess.run([GIT, "init", "-q", "-b", branch, str(path)], check=True)
    chunks: list[bytes] = []
    for mark, c in enumerate(commits, 1):
        stamp = f"{int(c.when.timestamp())} {c.when.strftime('%z')}"
        msg = f"{c.subject}\n\nWhat this change does, in a sentence or two (commit {mark}).\n".encode()
        chunks.append(f"commit refs/heads/{branch}\nmark :{mark}\n"
                      f"author Dev {mark % 5} <dev{mark % 5}@example.com> {stamp}\n"
                      f"committer Merger <merger@example.com> {stamp}\n".encode())
        chunks.append(b"data %d\n" % len(msg) + msg)
        if mark > 1:
            chunks.append(f"from :{mark - 1}\n".encode())
        for p in PATHS[c.kind]:
            body = f"# {p}\nvalue = {mark}\n".encode() * (1 + mark % 7)
            chunks.append(f"M 100644 inline {p}\n".encode() + b"data %d\n" % len(body) + body)
        chunks.append(b"\n")
    subprocess.run([GIT, "-C", str(path), "fast-import", "--quiet"], input=b"".join(chunks), check=True)
    subprocess.run([GIT, "-C", str(path), "checkout", "-q", "-f", branch], check=True)
    return path
