"""The plain-install smoke test (.ci/smoke) as part of the suite: a wheel installed with no extras into a
fresh virtual environment runs every command (report with and without the LLM and --dry-run, mine, labels,
train, evaluate, config) on a small real repository. It is slow (a venv, torch, a wheel): marked slow."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_plain_install_runs_every_command():
    assert SHARED.is_dir(), "../shared is needed beside the checkout"
    proc = subprocess.run(["bash", str(ROOT / ".ci" / "smoke")], cwd=ROOT, capture_output=True, text=True,
                          timeout=3600)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out[-4000:]
    assert "Traceback" not in out, out[-4000:]
    assert "plain install: no test extras" in out
    for command in ("report", "mine", "labels import", "labels add", "train", "evaluate", "config"):
        assert f"+ commitradar {command}" in out, command
    assert "smoke: every command ran from a plain install" in out
