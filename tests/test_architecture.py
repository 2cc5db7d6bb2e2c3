"""Imports go one way (the layers in pyproject.toml's [tool.importlinter]); the code is lint-clean."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(name: str) -> str:
    return shutil.which(name) or str(Path(sys.executable).with_name(name))


@pytest.mark.parametrize("contract", ["layers", "acyclic"])
def test_import_contract_is_kept(contract):
    proc = subprocess.run([_tool("lint-imports"), "--contract", contract, "--no-cache"], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert "KEPT" in proc.stdout and "BROKEN" not in proc.stdout


def test_ruff_finds_nothing():
    proc = subprocess.run([_tool("ruff"), "check", "commitradar", "tests", "benchmarks", "notebooks", "tools"], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
