"""Mining against real git repositories: day windows, first-parent history, URLs, odd commits."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from conftest import DAY, SHARED, at, files_under, run_cli

from commitradar.dataset import read_commits
from commitradar.errors import InputError
from commitradar.mining import (
    commit_url,
    git_reason,
    mine,
    open_repo,
    parse_numstat,
    parse_remote,
    resolve_window,
)


def mined(repo, day=DAY, tz="Asia/Shanghai", cache=None, branch=None):
    local = open_repo(str(repo.path), cache or repo.path.parent / "cache")
    return mine(local, resolve_window(day, tz=tz), branch)


# ------------------------------------------------------------------------------ windows


def test_day_boundary_uses_commit_date_in_zone(make_repo):
    repo = make_repo()
    late_utc = repo.commit("late in UTC", when=at("2026-03-09 23:30", "UTC"))  # 07:30 on 03-10 in Shanghai
    old_pr = repo.commit("authored a week ago, landed today", when=at("2026-03-03 10:00", "UTC"),
                         committed=at("2026-03-10 12:00", "UTC"))
    landed_tomorrow = repo.commit("authored today, landed tomorrow", when=at("2026-03-10 12:00", "Asia/Shanghai"),
                                  committed=at("2026-03-11 00:00", "Asia/Shanghai"))
    shanghai = {c.sha for c in mined(repo, "2026-03-10", "Asia/Shanghai")}
    assert late_utc in shanghai and old_pr in shanghai and landed_tomorrow not in shanghai
    utc_09 = {c.sha for c in mined(repo, "2026-03-09", "UTC")}
    assert utc_09 == {late_utc}
    utc_10 = {c.sha for c in mined(repo, "2026-03-10", "UTC")}
    assert utc_10 == {old_pr, landed_tomorrow}  # 2026-03-10 16:00 UTC is still the 10th in UTC
    la = {c.sha for c in mined(repo, "2026-03-09", "America/Los_Angeles")}
    assert la == {late_utc}


def test_window_edges_are_inclusive_exclusive(day_repo):
    repo, shas = day_repo
    got = [c.sha for c in mined(repo)]
    assert shas["kernel"] in got and shas["revert"] in got  # 00:10 and 23:59:59
    assert shas["prev_day"] not in got and shas["next_day"] not in got  # 23:59 the day before, 00:00 next day
    assert got == sorted(got, key=lambda s: -[c for c in mined(repo) if c.sha == s][0].committed_at.timestamp())


def test_times_keep_their_zone(make_repo):
    repo = make_repo()
    repo.commit("x", when="2026-03-10T09:00:00-05:00")
    (c,) = mined(repo, "2026-03-10", "UTC")
    assert c.committed_at.utcoffset() == timedelta(hours=-5)
    assert c.committed_at == datetime(2026, 3, 10, 14, 0, tzinfo=ZoneInfo("UTC"))


def test_range_since_until(day_repo):
    repo, shas = day_repo
    local = open_repo(str(repo.path), repo.path.parent / "cache")
    w = resolve_window(since="2026-03-09", until="2026-03-11", tz="Asia/Shanghai")
    got = {c.sha for c in mine(local, w)}
    assert {shas["prev_day"], shas["next_day"], shas["kernel"]} <= got and shas["base"] not in got


def test_dst_day_is_23_hours():
    w = resolve_window("2026-03-08", tz="America/New_York")
    assert w.end.timestamp() - w.start.timestamp() == 23 * 3600  # real seconds, not wall-clock


@pytest.mark.parametrize("kwargs, needle", [
    ({"day": "2999-01-01"}, "future"),
    ({"day": "2026-13-01"}, "not a date"),
    ({"day": "2026-03-10", "tz": "Mars/Olympus"}, "time zone"),
    ({"day": "2026-03-10", "tz": "../../etc/passwd"}, "time zone"),
    ({"day": "2026-03-10", "tz": ""}, "time zone"),
    ({"since": "2026-03-11", "until": "2026-03-10"}, "after"),
    ({"day": "2026-03-10", "since": "2026-03-09"}, "either"),
    ({"day": ""}, "not a date"),  # never "yesterday"
    ({"since": "", "until": "2026-03-10"}, "not a date"),  # never one day
    ({"until": ""}, "not a date"),
])
def test_window_errors(kwargs, needle):
    kwargs.setdefault("tz", "Asia/Shanghai")
    with pytest.raises(InputError, match=needle):
        resolve_window(**kwargs)


def test_today_is_allowed_but_tomorrow_is_future():
    now = datetime(2026, 3, 10, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert resolve_window("2026-03-10", tz="Asia/Shanghai", now=now).start.date().isoformat() == "2026-03-10"
    with pytest.raises(InputError, match="future"):
        resolve_window("2026-03-11", tz="Asia/Shanghai", now=now)
    # 2026-03-09 16:30 UTC: "yesterday" is the 9th in UTC but the 10th is already today in Shanghai
    assert resolve_window(tz="UTC", now=now).start.date().isoformat() == "2026-03-08"
    assert resolve_window(tz="Asia/Shanghai", now=now).start.date().isoformat() == "2026-03-09"


# ------------------------------------------------------------------------------ history shape


def test_first_parent_and_merge_once(day_repo):
    repo, shas = day_repo
    commits = mined(repo)
    got = [c.sha for c in commits]
    assert got.count(shas["merge"]) == 1
    assert shas["topic"] not in got  # the side branch's commit is reported through its merge
    merge = next(c for c in commits if c.sha == shas["merge"])
    assert merge.is_merge and len(merge.parents) == 2
    assert [f.path for f in merge.files] == ["pkg/core/sched.py"]  # diff against the first parent
    assert (merge.added, merge.deleted) == (12, 0)
    assert len(got) == 8


def test_branch_selection_and_unknown_branch(day_repo):
    repo, shas = day_repo
    topic = {c.sha for c in mined(repo, branch="topic")}
    assert shas["topic"] in topic and shas["merge"] not in topic
    with pytest.raises(InputError, match="unknown branch 'nope'"):
        mined(repo, branch="nope")


def test_fields_match_dataset_format(day_repo):
    repo, shas = day_repo
    c = next(c for c in mined(repo) if c.sha == shas["feat"])
    assert c.author == "Bob | Builder" and c.author_email_domain == "corp.example"
    assert c.subject == "feat(model)!: add Step-3.5-Flash model support (#104)"
    assert c.body.startswith("Adds the Step-3.5-Flash architecture")
    png = next(f for f in c.files if f.path == "assets/logo.png")
    assert png.binary and png.added is None and png.deleted is None
    rec = c.to_record()
    assert set(rec) == {"repo", "sha", "author", "author_email_domain", "authored_at", "committed_at", "parents",
                        "subject", "body", "files", "n_files", "added", "deleted"}
    assert rec["committed_at"] == "2026-03-10T11:30:00+08:00"
    assert rec["n_files"] == 4 and rec["added"] == sum(f["added"] or 0 for f in rec["files"])


def test_not_a_repository(tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(InputError, match="not a git repository"):
        open_repo(str(tmp_path / "plain"), tmp_path / "cache")
    with pytest.raises(InputError, match="not found"):
        open_repo(str(tmp_path / "missing"), tmp_path / "cache")


def test_subfolder_opens_the_work_tree(day_repo):
    repo, _ = day_repo
    local = open_repo(str(repo.path / "pkg"), repo.path.parent / "cache")
    assert local.path == repo.path and local.name == "demo" and local.web_url is None


def test_remote_names_and_links(make_repo):
    assert parse_remote("https://github.com/sgl-project/sglang.git") == (
        "sgl-project/sglang", "https://github.com/sgl-project/sglang")
    assert parse_remote("git@github.com:vllm-project/vllm-ascend.git") == (
        "vllm-project/vllm-ascend", "https://github.com/vllm-project/vllm-ascend")
    # GitLab projects are named by their whole path: group/sub/proj and other/sub/proj are two projects
    assert parse_remote("https://gitlab.com/group/sub/proj") == ("group/sub/proj", "https://gitlab.com/group/sub/proj")
    assert parse_remote("ssh://git@gitlab.example.com:2222/team/tool.git") == (
        "team/tool", "https://gitlab.example.com/team/tool")
    assert parse_remote("https://user@github.com/o/r/") == ("o/r", "https://github.com/o/r")
    assert parse_remote("https://example.org/a/b.git") == ("a/b", None)
    for local in ("/srv/git/tool.git", "file:///srv/git/tool", "../tool", "tool"):
        assert parse_remote(local) == (None, None), local  # a path names nothing: it is followed instead
    assert commit_url("https://gitlab.com/g/p", "abc") == "https://gitlab.com/g/p/-/commit/abc"
    assert commit_url("https://github.com/o/r", "abc") == "https://github.com/o/r/commit/abc"
    assert commit_url(None, "abc") is None
    repo = make_repo("clone")
    repo.commit("x", when="2026-03-10T10:00:00+08:00")
    repo.git("remote", "add", "origin", "git@github.com:owner/name.git")
    local = open_repo(str(repo.path), repo.path.parent / "cache")
    assert (local.name, local.web_url) == ("owner/name", "https://github.com/owner/name")
    (c,) = mine(local, resolve_window(DAY, tz="Asia/Shanghai"))
    assert c.remote_url == "https://github.com/owner/name"


def test_parse_numstat_renames_and_binary():
    out = "3\t1\tsrc/a.py\0-\t-\timg.png\0" + "2\t0\t\0old/name.py\0new/name.py\0"
    files = parse_numstat(out)
    assert [(f.path, f.added, f.deleted) for f in files] == [
        ("src/a.py", 3, 1), ("img.png", None, None), ("new/name.py", 2, 0)]


def test_rename_is_one_path_deleted_and_one_added(make_repo):
    # the dataset format (git log --no-renames): a moved file is not one renamed path with tiny counts
    repo = make_repo()
    repo.commit("base", {"old/name.py": "".join(f"line {i}\n" for i in range(50))}, when="2026-03-09T10:00:00+08:00")
    (repo.path / "new").mkdir()
    repo.git("mv", "old/name.py", "new/name.py")
    repo.commit("move", {}, when="2026-03-10T10:00:00+08:00")
    (c,) = mined(repo)
    assert [(f.path, f.added, f.deleted) for f in c.files] == [("new/name.py", 50, 0), ("old/name.py", 0, 50)]


def _real_commit_with_a_move_and_a_binary() -> dict:
    """The first vllm-ascend dataset commit (file order) that moves a file (same name, one path deleted and
    one added with as many lines) and touches a binary file: the two cases where mining could disagree."""
    import gzip
    import json
    import posixpath

    with gzip.open(SHARED / "data" / "commits" / "vllm-ascend.jsonl.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            files = rec["files"]
            if len(rec["parents"]) != 1 or not 3 <= len(files) <= 40 or all(f["added"] is not None for f in files):
                continue
            gone = {posixpath.basename(f["path"]): f["deleted"] for f in files if f["added"] == 0 and f["deleted"]}
            if any(f["deleted"] == 0 and f["added"] and gone.get(posixpath.basename(f["path"])) == f["added"]
                   for f in files):
                return rec
    raise AssertionError("no such commit in the shared dataset")


def test_mine_reproduces_a_real_dataset_record(make_repo):
    """A repository whose history reproduces a real dataset commit's file list (each file with as many old
    and new lines as the record says; a moved file keeps its content, so rename detection would see a
    rename) must be mined into exactly that record: same files, order, counts, nulls, subject and body."""
    rec = _real_commit_with_a_move_and_a_binary()
    moved = {}
    by_name = {}
    for f in rec["files"]:
        if f["added"] == 0 and f["deleted"]:
            by_name.setdefault(f["path"].rsplit("/", 1)[-1], []).append(f)
    for f in rec["files"]:
        olds = by_name.get(f["path"].rsplit("/", 1)[-1], [])
        match = next((o for o in olds if f["deleted"] == 0 and o["deleted"] == f["added"]), None)
        if match:
            moved[f["path"]] = match["path"]
    assert moved, "the chosen commit moves a file"

    def old_text(path, n):
        return "".join(f"old {path} line {i}\n" for i in range(n))

    before, after = {"README.md": "base\n"}, {}
    for f in rec["files"]:
        path, added, deleted = f["path"], f["added"], f["deleted"]
        if added is None:
            after[path] = b"\x00\x01binary\x00" + path.encode() * 8
        elif path in moved:
            after[path] = old_text(moved[path], added)  # the moved file: same content, new place
        else:
            if deleted:
                before[path] = old_text(path, deleted)
            after[path] = "".join(f"new {path} line {i}\n" for i in range(added)) if added else None
    repo = make_repo("replay")
    repo.commit("base", before, when="2026-03-01T10:00:00+08:00")
    for path, content in after.items():
        if content is None:
            (repo.path / path).unlink()
    repo.write({p: c for p, c in after.items() if c is not None})
    message = rec["subject"] + ("\n\n" + rec["body"] if rec["body"] else "")
    domain = rec["author_email_domain"] or "example.com"
    repo.commit(message, {}, when=rec["authored_at"], committed=rec["committed_at"], author=rec["author"],
                email=f"someone@{domain}")
    (c,) = mined(repo, rec["committed_at"][:10], tz="UTC" if rec["committed_at"].endswith("+00:00") else "Asia/Shanghai")
    got = c.to_record()
    for key in ("sha", "parents", "repo"):  # a replayed history has its own SHAs and name
        got.pop(key), rec.pop(key)
    assert got == rec


# ------------------------------------------------------------------------------ URLs and the cache


def test_file_url_cloned_once_then_fetched(make_repo, tmp_path):
    upstream = make_repo("upstream")
    first = upstream.commit("first", when="2026-03-10T09:00:00+08:00")
    url = f"file://{upstream.path}"
    cache = tmp_path / "cache"
    w = resolve_window(DAY, tz="Asia/Shanghai")

    local = open_repo(url, cache)
    assert local.path.is_relative_to(cache) and (local.path / "HEAD").exists()
    assert [c.sha for c in mine(local, w)] == [first]
    mirrors = list((cache / "repos").iterdir())
    assert mirrors == [local.path]
    marker = local.path / "commitradar-test-marker"
    marker.write_text("still the same clone")

    second = upstream.commit("second", when="2026-03-10T10:00:00+08:00")
    local2 = open_repo(url, cache)
    assert local2.path == local.path and marker.exists()  # fetched in place, not cloned again
    assert list((cache / "repos").iterdir()) == mirrors
    assert [c.sha for c in mine(local2, w)] == [second, first]


def test_bad_url(tmp_path):
    # git's whole reason on one line, not its last line ("and the repository exists.")
    with pytest.raises(InputError) as info:
        open_repo(f"file://{tmp_path}/nowhere", tmp_path / "cache")
    msg = str(info.value)
    assert msg.startswith(f"cannot clone file://{tmp_path}/nowhere: ") and "\n" not in msg
    assert "does not appear to be a git repository" in msg
    assert "make sure you have the correct access rights and the repository exists" in msg


def test_ssh_clone_failure_names_the_cause(tmp_path):
    # nothing listens on port 1: ssh's own complaint is the cause a user can act on
    with pytest.raises(InputError) as info:
        open_repo("ssh://git@127.0.0.1:1/owner/name.git", tmp_path / "cache")
    msg = str(info.value)
    assert "\n" not in msg and "connect to host 127.0.0.1 port 1" in msg, msg
    assert "Could not read from remote repository" in msg


def test_git_reason_condenses_to_one_line():
    stderr = (b"ssh: Could not resolve hostname nohost.invalid: Name or service not known\r\n"
              b"fatal: Could not read from remote repository.\n\n"
              b"Please make sure you have the correct access rights\nand the repository exists.\n")
    assert git_reason(stderr) == ("ssh: Could not resolve hostname nohost.invalid: Name or service not known. "
                                  "Could not read from remote repository. Please make sure you have the correct "
                                  "access rights and the repository exists.")
    assert git_reason(b"hint: try this\nfatal: bad thing\nfatal: bad thing\n") == "bad thing."
    assert git_reason(b"") == "git failed without saying why."


def test_empty_repository_says_so(make_repo, tmp_path):
    empty = make_repo("empty")  # git init, no commit
    with pytest.raises(InputError, match="has no commits yet"):
        open_repo(str(empty.path), tmp_path / "cache")
    with pytest.raises(InputError, match="has no commits yet"):  # the same through a URL (a mirror of it)
        open_repo(f"file://{empty.path}", tmp_path / "cache")


# ------------------------------------------------------------------------------ odd commits


def test_huge_binary_and_non_utf8(huge_repo):
    repo, big_sha = huge_repo
    commits = {c.sha: c for c in mined(repo)}
    assert len(commits) == 4
    big = commits[big_sha]
    assert big.n_files == 10_000 and big.added == 10_000 and big.deleted == 0
    blob = next(c for c in commits.values() if c.subject == "Add a binary blob")
    assert [(f.path, f.binary) for f in blob.files] == [("blob.bin", True)]
    latin = next(c for c in commits.values() if c.subject.startswith("Caf"))
    assert latin.subject == "Café: résumé of naïve changes"  # the encoding header is honoured
    assert latin.body == "Corps du message en Latin-1 à é"
    broken = next(c for c in commits.values() if c.subject.startswith("Broken"))
    assert broken.subject.startswith("Broken ") and broken.subject.endswith(" in message")


def test_empty_day(day_repo):
    repo, _ = day_repo
    assert mined(repo, "2026-01-01") == []


# ------------------------------------------------------------------------------ mine → dataset → report


def test_mine_file_reproduces_report(day_repo, tmp_path):
    repo, shas = day_repo
    data = tmp_path / "day.jsonl.gz"
    res = run_cli("mine", "--repo", repo.path, "--date", DAY, "--tz", "Asia/Shanghai", "--out", data,
                  "--cache", tmp_path / "cache")
    assert res.returncode == 0, res.stderr
    assert "8 commits" in res.stdout
    commits = read_commits(data)
    assert len(commits) == 8 and {c.sha for c in commits} >= {shas["merge"], shas["feat"]}

    common = ["--date", DAY, "--tz", "Asia/Shanghai", "--classifier", "rules"]
    a = run_cli("report", "--repo", repo.path, "--out", tmp_path / "a", *common)
    b = run_cli("report", "--commits", data, "--out", tmp_path / "b", *common)
    assert a.returncode == 0 and b.returncode == 0, (a.stderr, b.stderr)
    (md_a,) = [p for p in files_under(tmp_path / "a") if p.suffix == ".md"]
    (md_b,) = [p for p in files_under(tmp_path / "b") if p.suffix == ".md"]
    assert md_a.relative_to(tmp_path / "a") == md_b.relative_to(tmp_path / "b")
    assert md_a.read_text(encoding="utf-8") == md_b.read_text(encoding="utf-8")


def test_mine_plain_jsonl_matches_dataset_lines(day_repo, tmp_path):
    repo, _ = day_repo
    data = tmp_path / "day.jsonl"
    res = run_cli("mine", "--repo", repo.path, "--date", DAY, "--out", data, "--cache", tmp_path / "c")
    assert res.returncode == 0, res.stderr
    lines = data.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 8
    shared = SHARED / "data" / "commits" / "vllm-ascend.jsonl.gz"
    if shared.exists():  # same keys as the shared dataset (read in place, never copied)
        import gzip
        import json

        with gzip.open(shared, "rt", encoding="utf-8") as fh:
            ref_keys = set(json.loads(fh.readline()))
        assert set(json.loads(lines[0])) == ref_keys
