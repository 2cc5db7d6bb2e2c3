"""The console script ``commitradar``, run as a separate process: help, paths, errors, empty days."""
from __future__ import annotations

import argparse
import json
import re

import pytest
from conftest import DAY, SHARED, assert_one_line_error, files_under, run_cli

from commitradar.cli import build_parser


def _subcommands() -> list[str]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(action.choices)


def test_help_for_every_subcommand(cli):
    res = cli("--help")
    assert res.returncode == 0 and "report" in res.stdout and "mine" in res.stdout, res.stderr
    subs = _subcommands()
    assert {"report", "mine"} <= set(subs)
    for sub in subs:
        res = cli(sub, "--help")
        assert res.returncode == 0, (sub, res.stderr)
        assert res.stdout.startswith("usage: commitradar " + sub), sub
        assert "Traceback" not in res.stderr
    assert cli("--version").stdout.startswith("commitradar ")
    mine_help = cli("mine", "--help").stdout  # says what the dataset format is
    assert "git log --first-parent --numstat --no-renames" in mine_help and "null counts" in mine_help


def test_report_default_path_and_printed(day_repo, cli, tmp_path):
    repo, _ = day_repo
    work = tmp_path / "work"
    work.mkdir()
    res = cli("report", "--repo", repo.path, "--date", DAY, "--tz", "Asia/Shanghai", "--classifier", "rules", cwd=work)
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    printed = res.stdout.split()
    assert printed == ["reports/2026/demo/2026-03-10.md", "reports/2026/demo/2026-03-10.json"]
    assert [p.relative_to(work).as_posix() for p in files_under(work)] == sorted(printed)
    md = (work / printed[0]).read_text(encoding="utf-8")
    assert md.startswith("# 每日更新报告（2026-03-10）\n\n## demo\n")
    assert "本日共 8 个提交" in md
    data = json.loads((work / printed[1]).read_text(encoding="utf-8"))
    assert data["stats"]["total"] == 8 and data["lang"] == "zh"


def test_report_defaults_to_current_repository_and_out(day_repo, cli, tmp_path):
    repo, _ = day_repo
    res = cli("report", "--date", DAY, "--classifier", "rules", "--out", tmp_path / "o", cwd=repo.path / "pkg")
    assert res.returncode == 0, res.stderr
    assert res.stdout.split()[0] == str(tmp_path / "o" / "reports/2026/demo/2026-03-10.md")
    assert not (repo.path / "reports").exists()


def test_lang_en_and_tz(day_repo, cli, tmp_path):
    repo, shas = day_repo
    res = cli("report", "--repo", repo.path, "--date", DAY, "--tz", "UTC", "--lang", "en", "--classifier", "rules",
              "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    md = (tmp_path / "reports/2026/demo/2026-03-10.md").read_text(encoding="utf-8")
    assert md.startswith("# Daily update report (2026-03-10)")
    assert "time zone: UTC" in md and "| Committed (UTC) |" in md and "No LLM configured" in md
    assert not re.search(r"[\u4e00-\u9fff]", md)
    # in UTC the day holds the commits from 08:00 Shanghai on the 10th to 08:00 on the 11th
    data = json.loads((tmp_path / "reports/2026/demo/2026-03-10.json").read_text(encoding="utf-8"))
    got = {e["commit"]["sha"] for e in data["entries"]}
    assert shas["next_day"] in got and shas["kernel"] not in got
    assert "| 2026-03-10 16:00:00 |" in md  # next_day's 00:00 +08:00 shown in UTC


def test_several_repositories_one_report_each(day_repo, make_repo, cli, tmp_path):
    repo, _ = day_repo
    other = make_repo("other")
    other.commit("[Doc] hello", {"README.md": "hi\n"}, when="2026-03-10T12:00:00+08:00")
    res = cli("report", "--repo", repo.path, "--repo", other.path, "--date", DAY, "--classifier", "rules",
              "--out", tmp_path / "o")
    assert res.returncode == 0, res.stderr
    assert [p for p in res.stdout.split() if p.endswith(".md")] == [
        str(tmp_path / "o/reports/2026/demo/2026-03-10.md"), str(tmp_path / "o/reports/2026/other/2026-03-10.md")]


def test_url_repository_through_cli(make_repo, cli, tmp_path):
    upstream = make_repo("upstream.git")
    upstream.commit("[Feat] something", {"pkg/a.py": "a = 1\n"}, when="2026-03-10T12:00:00+08:00")
    url = f"file://{upstream.path}"
    for _ in range(2):
        res = cli("report", "--repo", url, "--date", DAY, "--classifier", "rules", "--out", tmp_path / "o",
                  "--cache", tmp_path / "cache")
        assert res.returncode == 0, res.stderr
    assert len(list((tmp_path / "cache" / "repos").iterdir())) == 1
    assert (tmp_path / "o/reports/2026/upstream/2026-03-10.md").exists()


def test_no_commits_that_day(day_repo, cli, tmp_path):
    repo, _ = day_repo
    res = cli("report", "--repo", repo.path, "--date", "2026-01-05", "--classifier", "rules", "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    md = (tmp_path / "reports/2026/demo/2026-01-05.md").read_text(encoding="utf-8")
    assert "2026-01-05（Asia/Shanghai）没有提交。" in md
    assert len(md.splitlines()) < 15
    assert json.loads((tmp_path / "reports/2026/demo/2026-01-05.json").read_text())["entries"] == []


def test_report_from_shared_dataset(cli, tmp_path):
    data = str(SHARED / "data" / "commits" / "vllm-ascend.jsonl.gz")
    res = cli("report", "--commits", data, "--date", DAY, "--classifier", "rules", "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    md = (tmp_path / "reports/2026/vllm-project/vllm-ascend/2026-03-10.md").read_text(encoding="utf-8")
    assert "## vllm-project/vllm-ascend" in md
    assert "https://github.com/vllm-project/vllm-ascend/commit/" in md


# ------------------------------------------------------------------------------ bad input


@pytest.fixture
def plain_dir(tmp_path):
    d = tmp_path / "plain"
    d.mkdir()
    return d


@pytest.mark.parametrize("case", ["not-a-repo", "missing-path", "unknown-branch", "future-date", "bad-zone",
                                  "bad-date", "out-under-file", "out-is-file", "missing-commits", "bad-lang",
                                  "since-after-until", "bad-url"])
def test_bad_input_one_line_error_no_file(case, day_repo, plain_dir, cli, tmp_path):
    repo, _ = day_repo
    out = tmp_path / "out"
    afile = tmp_path / "afile.txt"
    afile.write_text("I am a file\n")
    base = ["report", "--classifier", "rules"]
    args, needle = {
        "not-a-repo": ([*base, "--repo", plain_dir, "--date", DAY, "--out", out], "not a git repository"),
        "missing-path": ([*base, "--repo", tmp_path / "nope", "--date", DAY, "--out", out], "not found"),
        "unknown-branch": ([*base, "--repo", repo.path, "--branch", "nope", "--date", DAY, "--out", out],
                           "unknown branch"),
        "future-date": ([*base, "--repo", repo.path, "--date", "2999-01-01", "--out", out], "future"),
        "bad-zone": ([*base, "--repo", repo.path, "--date", DAY, "--tz", "Mars/Base", "--out", out], "time zone"),
        "bad-date": ([*base, "--repo", repo.path, "--date", "10/03/2026", "--out", out], "not a date"),
        "out-under-file": ([*base, "--repo", repo.path, "--date", DAY, "--out", afile / "sub"], "not a folder"),
        "out-is-file": ([*base, "--repo", repo.path, "--date", DAY, "--out", afile], "not a folder"),
        "missing-commits": ([*base, "--commits", tmp_path / "none.jsonl", "--date", DAY, "--out", out], "not found"),
        "bad-lang": ([*base, "--repo", repo.path, "--date", DAY, "--lang", "fr", "--out", out], "invalid choice"),
        "since-after-until": ([*base, "--repo", repo.path, "--since", "2026-03-11", "--until", "2026-03-10",
                               "--out", out], "after"),
        "bad-url": ([*base, "--repo", f"file://{tmp_path}/nowhere", "--date", DAY, "--out", out], "cannot clone"),
    }[case]
    res = cli(*args)
    assert_one_line_error(res, needle)
    assert res.stdout == ""
    assert files_under(out) == []
    assert afile.read_text() == "I am a file\n"


def test_mine_errors(day_repo, plain_dir, cli, tmp_path):
    repo, _ = day_repo
    afile = tmp_path / "afile"
    afile.write_text("x")
    res = cli("mine", "--repo", plain_dir, "--date", DAY, "--out", tmp_path / "x.jsonl.gz")
    assert_one_line_error(res, "not a git repository")
    res = cli("mine", "--repo", repo.path, "--date", DAY, "--out", afile / "x.jsonl.gz")
    assert_one_line_error(res, "cannot write")
    assert files_under(tmp_path) == [afile]
    res = cli("mine", "--repo", repo.path, "--date", DAY, "--tz", "Nowhere/City", "--out", tmp_path / "x.jsonl")
    assert_one_line_error(res, "time zone")


def test_no_partial_report_when_one_file_cannot_be_written(day_repo, cli, tmp_path):
    repo, _ = day_repo
    blocker = tmp_path / "reports/2026/demo/2026-03-10.json"
    blocker.mkdir(parents=True)  # the JSON twin's path is taken by a folder
    res = cli("report", "--repo", repo.path, "--date", DAY, "--classifier", "rules", "--out", tmp_path)
    assert_one_line_error(res, "2026-03-10.json")
    assert list(blocker.parent.iterdir()) == [blocker]  # no .md, no temp files


def test_huge_commit_through_cli(huge_repo, cli, tmp_path):
    repo, _ = huge_repo
    res = cli("report", "--repo", repo.path, "--date", DAY, "--classifier", "rules", "--out", tmp_path)
    assert res.returncode == 0, res.stderr
    md = (tmp_path / "reports/2026/huge/2026-03-10.md").read_text(encoding="utf-8")
    assert "Café: résumé of naïve changes" in md
    assert "本日共 4 个提交" in md
    assert "10000 个文件" in md


@pytest.mark.parametrize("args", [["report", "--no-such-flag"], ["report", "--lang", "fr"], ["nonsense"]])
def test_usage_errors_exit_2_with_one_line(args):
    res = run_cli(*args)
    assert res.returncode == 2, res
    assert_one_line_error(res)
