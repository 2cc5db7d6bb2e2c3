"""The docs match the code: generated numbers are fresh, relative links resolve, the README's set-up is two
commands and `.ci/run` runs the test command the README describes."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")), ROOT / "benchmarks" / "README.md"]


def test_generated_numbers_are_fresh():
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "gendocs.py"), "--check"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, f"run `python tools/gendocs.py`: {proc.stdout}{proc.stderr}"


def test_gendocs_check_fails_on_a_stale_block(tmp_path, monkeypatch):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gendocs
    finally:
        sys.path.pop(0)
    doc = tmp_path / "README.md"
    doc.write_text("x\n<!-- BEGIN generated: speed -->\n| made up | 1 s |\n<!-- END generated: speed -->\n")
    monkeypatch.setattr(gendocs, "DOCS", [doc])
    monkeypatch.setattr(gendocs, "ROOT", tmp_path)
    assert gendocs.main(["--check"]) == 1
    assert "made up" in doc.read_text()  # --check never writes
    assert gendocs.main([]) == 0 and "made up" not in doc.read_text()
    assert gendocs.main(["--check"]) == 0


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_relative_links_resolve(doc):
    text = re.sub(r"```.*?```", "", doc.read_text(encoding="utf-8"), flags=re.S)
    for target in re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        assert (doc.parent / target).exists(), f"{doc.name}: broken link {target}"


def test_readme_setup_is_two_commands_and_ci_runs_the_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Set-up: two commands", 1)[1]
    block = re.search(r"```bash\n(.*?)```", setup, re.S).group(1)
    commands = [line for line in block.splitlines() if line.strip()]
    assert len(commands) == 2, commands
    install, test = commands
    assert "pip install ." in install and "[test" not in install and "commitradar report" in install
    assert test.strip() == ".ci/run"
    ci = (ROOT / ".ci" / "run").read_text()
    assert "pip install -q -e '.[test,llm-e2e]'" in ci and ci.rstrip().endswith("python -m pytest -q")
    assert "pip install -e '.[test,llm-e2e]'" in readme and "`python -m pytest -q`" in readme
