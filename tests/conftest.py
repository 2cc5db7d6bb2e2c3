"""Shared test helpers: REAL git repositories built in temp dirs (no mocks), and the console script.

``GitRepo`` drives the ``git`` binary with chosen author/committer dates and zones, so every mining
test runs against what ``git log`` and ``git rev-list`` really see.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from gitrepo import GIT, GitRepo, at, git_date  # noqa: F401  (re-exported for tests)

# The whole session runs offline and with a private cache/config: nothing leaks in from the machine.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
for _var in ("COMMITRADAR_TZ", "COMMITRADAR_LANG", "COMMITRADAR_LLM", "COMMITRADAR_LLM_MODEL",
             "OPENAI_BASE_URL", "OPENAI_API_KEY"):
    os.environ.pop(_var, None)
os.environ["GIT_CONFIG_NOSYSTEM"] = "1"
os.environ["GIT_CONFIG_GLOBAL"] = os.devnull
os.environ["GIT_TERMINAL_PROMPT"] = "0"

COMMITRADAR = shutil.which("commitradar") or str(Path(sys.executable).with_name("commitradar"))
ROOT = Path(__file__).resolve().parents[1]
# ../shared sits beside the checkout (CI: a clean clone with shared/ beside it). Required, never skipped.
SHARED = ROOT.parent / "shared"
if not (SHARED / "data").is_dir():
    raise RuntimeError(f"{SHARED} is missing: the tests read the shared datasets from ../shared")


@pytest.fixture
def make_repo(tmp_path):
    """``make_repo("name")`` → a fresh ``GitRepo`` under this test's tmp dir."""

    def make(name: str = "demo", branch: str = "main") -> GitRepo:
        return GitRepo(tmp_path / name, branch)

    return make


@dataclass
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str | os.PathLike, cwd: str | os.PathLike | None = None,
            env: Mapping[str, str] | None = None, timeout: float = 120) -> CliResult:
    """Run the installed console script ``commitradar`` as a separate process."""
    proc = subprocess.run([COMMITRADAR, *map(str, args)], capture_output=True, cwd=cwd, timeout=timeout,
                          env={**os.environ, **(env or {})})
    return CliResult(proc.returncode, proc.stdout.decode("utf-8", "replace"),
                     proc.stderr.decode("utf-8", "replace"))


@pytest.fixture
def cli(tmp_path):
    """``cli("report", ...)`` with a private cache dir (COMMITRADAR_CACHE) for this test."""
    cache = tmp_path / "cache"

    def run(*args, cwd=None, env=None, timeout=120) -> CliResult:
        return run_cli(*args, cwd=cwd or tmp_path, env={"COMMITRADAR_CACHE": str(cache), **(env or {})},
                       timeout=timeout)

    return run


def assert_one_line_error(res: CliResult, *needles: str) -> None:
    """A user error: non-zero exit, ``commitradar: error: ...`` as the last stderr line, no traceback."""
    assert res.returncode != 0, res
    assert "Traceback" not in res.stderr, res.stderr
    lines = [ln for ln in res.stderr.splitlines() if ln.startswith("commitradar: error:")]
    assert len(lines) == 1, res.stderr
    assert res.stderr.strip().splitlines()[-1] == lines[0], res.stderr
    for n in needles:
        assert n.lower() in lines[0].lower(), (n, lines[0])


def write_jsonl(path: Path, rows) -> Path:
    """Label (or any) dicts as JSON Lines at ``path``."""
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory) -> Path:
    """One embedding cache for the whole test session: each commit is embedded once."""
    return tmp_path_factory.mktemp("cache")


def files_under(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file()) if Path(root).exists() else []


# ------------------------------------------------------------------ a small fixed day (shared, read-only)

DAY = "2026-03-10"


def build_day_repo(repo: GitRepo) -> dict[str, str]:
    """A small, fixed, realistic day in Asia/Shanghai: tags, conventional prefixes, a merge, a revert,
    docs/CI/test-only commits, a dependency bump, a binary file. Returns name → SHA."""
    shas: dict[str, str] = {}
    shas["base"] = repo.commit("Initial import", {
        "README.md": "# demo\n", "pkg/__init__.py": "", "pkg/core/engine.py": "x = 1\n" * 40,
        "csrc/attn.cu": "// kernel\n" * 30, "tests/test_engine.py": "def test(): pass\n",
        "requirements.txt": "torch==2.5\n", ".github/workflows/ci.yml": "on: push\n",
    }, when="2026-03-08T12:00:00+08:00")
    shas["prev_day"] = repo.commit("[Misc] late fix on the day before (#90)", {"pkg/misc.py": "a = 1\n"},
                                   when="2026-03-09T23:59:00+08:00")
    shas["kernel"] = repo.commit(
        "[Perf][Kernel] Fuse attention softmax into one CUDA kernel (#101)\n\n"
        "- Fuse the softmax and scaling steps into the attention kernel\n"
        "- Remove the separate launch for small batches\n",
        {"csrc/attn.cu": "// fused kernel\n" * 260, "csrc/softmax.cuh": "// helper\n" * 120,
         "pkg/core/engine.py": "x = 2\n" * 60},
        when="2026-03-10T00:10:00+08:00")
    shas["docs"] = repo.commit("[Doc] Explain the fused kernel in the user guide (#102)",
                               {"docs/guide.md": "# Guide\n" + "text\n" * 30}, when="2026-03-10T09:15:00+08:00")
    shas["ci"] = repo.commit("[CI] Bump actions/checkout from 4 to 5 (#103)",
                             {".github/workflows/ci.yml": "on: [push, pull_request]\n"},
                             when="2026-03-10T10:20:00+08:00", author="dependabot[bot]",
                             email="49699333+dependabot[bot]@users.noreply.github.com")
    shas["feat"] = repo.commit(
        "feat(model)!: add Step-3.5-Flash model support (#104)\n\n"
        "Adds the Step-3.5-Flash architecture with its config and weight loader.\n"
        "The old `--legacy-loader` flag is removed.\n",
        {"pkg/models/step3p5.py": "class Step3p5:\n    pass\n" * 150,
         "pkg/configs/step3p5.py": "CONFIG = {}\n" * 40, "tests/models/test_step3p5.py": "def test(): pass\n" * 20,
         "assets/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4},
        when="2026-03-10T11:30:00+08:00", author="Bob | Builder", email="bob@corp.example")
    repo.checkout("topic", create=True)
    shas["topic"] = repo.commit("fix: handle empty batches in the scheduler", {"pkg/core/sched.py": "y = 0\n" * 12},
                                when="2026-03-10T12:00:00+08:00", author="Carol")
    repo.checkout("main")
    shas["merge"] = repo.merge("topic", "Merge branch 'topic' into main", when="2026-03-10T14:05:00+08:00")
    shas["tests"] = repo.commit("[Test] Add a regression test for <empty> batches | part 2",
                                {"tests/test_sched.py": "def test_empty(): pass\n" * 8},
                                when="2026-03-10T16:45:00+08:00", author="Dana")
    shas["deps"] = repo.commit("[Deps] Upgrade torch to 2.6 (#105)", {"requirements.txt": "torch==2.6\n"},
                               when="2026-03-10T18:00:00+08:00")
    shas["revert"] = repo.commit('Revert "[Perf] Faster sampler (#99)" (#106)', {"pkg/core/engine.py": "x = 3\n" * 60},
                                 when="2026-03-10T23:59:59+08:00")
    shas["next_day"] = repo.commit("[Misc] first commit of the next day (#107)", {"pkg/misc.py": "a = 2\n"},
                                   when="2026-03-11T00:00:00+08:00")
    return shas


@pytest.fixture(scope="session")
def day_repo(tmp_path_factory) -> tuple[GitRepo, dict[str, str]]:
    """The fixed day repository, built once per session. Tests must not modify it."""
    repo = GitRepo(tmp_path_factory.mktemp("day") / "demo")
    return repo, build_day_repo(repo)


@pytest.fixture(scope="session")
def huge_repo(tmp_path_factory) -> tuple[GitRepo, str]:
    """One 10,000-file commit plus a binary file and a Latin-1 message, on 2026-03-10 (Asia/Shanghai)."""
    repo = GitRepo(tmp_path_factory.mktemp("huge") / "huge")
    repo.commit("init", {"README.md": "x\n"}, when="2026-03-09T08:00:00+08:00")
    files: dict[str, str | bytes] = {f"gen/d{i // 500:02d}/file_{i:05d}.py": f"v = {i}\n" for i in range(10_000)}
    sha = repo.commit("[Misc] Vendor 10,000 generated files (#1)", files, when="2026-03-10T09:00:00+08:00")
    repo.commit("Add a binary blob", {"blob.bin": bytes(range(256)) * 64}, when="2026-03-10T10:00:00+08:00")
    repo.commit("Caf\xe9: r\xe9sum\xe9 of na\xefve changes\n\nCorps du message en Latin-1 \xe0 \xe9\n".encode("latin-1"),
                {"fr.txt": "bonjour\n"}, when="2026-03-10T11:00:00+08:00", encoding="latin1")
    repo.commit(b"Broken \xff\xfe bytes \x80 in message", {"x.txt": "x\n"}, when="2026-03-10T12:00:00+08:00")
    return repo, sha
