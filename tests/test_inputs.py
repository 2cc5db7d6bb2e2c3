"""Inputs users really give (issue 15): dataset records, flags, repository identity, stale clones.

Every bad input ends in one ``commitradar: error:`` line (exit 2) that names what is wrong, before any work
is done and without writing anything; nothing is coerced silently.
"""
from __future__ import annotations

import copy
import gzip
import json
import shutil
import subprocess

import pytest
from conftest import DAY, SHARED, assert_one_line_error, files_under

from commitradar.dataset import parse_record, read_commits
from commitradar.errors import InputError

VLLM_ASCEND = SHARED / "data" / "commits" / "vllm-ascend.jsonl.gz"


@pytest.fixture(scope="module")
def real_record() -> dict:
    """A real dataset line with several files (read in place from ../shared, never copied)."""
    with gzip.open(VLLM_ASCEND, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            if len(rec["files"]) >= 3 and all(f["added"] is not None for f in rec["files"]):
                return rec
    raise AssertionError("no multi-file record in the shared dataset")


def write_records(path, *recs) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return str(path)


def _set(path: str, value):
    """A mutation of a record: set the field at ``a.b[0].c`` style ``path`` (``DEL`` removes it)."""

    def apply(rec: dict) -> dict:
        rec = copy.deepcopy(rec)
        keys = [int(k) if k.isdigit() else k for k in path.replace("[", ".").replace("]", "").split(".")]
        target = rec
        for k in keys[:-1]:
            target = target[k]
        if value is DEL:
            del target[keys[-1]]
        else:
            target[keys[-1]] = value
        return rec

    return apply


DEL = object()

BAD_RECORDS = [
    # (mutation, field named in the error, words of the error)
    (_set("parents", "abc"), "parents", "expected a list"),
    (_set("parents", ["not-a-sha"]), "parents[0]", "SHA"),
    (_set("files[0].added", "12"), "files[0].added", "whole number"),
    (_set("files[0].added", "many"), "files[0].added", "whole number"),
    (_set("files[1].deleted", 2.5), "files[1].deleted", "whole number"),
    (_set("files[0].added", True), "files[0].added", "whole number"),
    (_set("files[0].added", -4), "files[0].added", "negative"),
    (_set("files[0].path", 5), "files[0].path", "expected a string"),
    (_set("files[0].path", ""), "files[0].path", "empty"),
    (_set("files[0].added", None), "files[0]", "both be null"),
    (_set("files[2]", "src/x.py"), "files[2]", "JSON object"),
    (_set("files[0].lines", 3), "files[0].lines", "unknown field"),
    (_set("files", {"path": "a"}), "files", "expected a list"),
    (_set("subject", None), "subject", "expected a string"),
    (_set("subject", DEL), "subject", "missing"),
    (_set("body", ["a"]), "body", "expected a string"),
    (_set("repo", ""), "repo", "empty"),
    (_set("sha", 12345678), "sha", "expected a string"),
    (_set("sha", "g" * 40), "sha", "SHA"),
    (_set("committed_at", "2026-03-10T10:00:00"), "committed_at", "UTC offset"),
    (_set("committed_at", "yesterday"), "committed_at", "ISO 8601"),
    (_set("authored_at", 1773111600), "authored_at", "ISO 8601"),
    (_set("n_files", 99), "n_files", "files[] lists"),
    (_set("added", "7"), "added", "whole number"),
    (_set("deleted", 10**9), "deleted", "adds up to"),
    (_set("comitted_at", "2026-03-10T10:00:00+08:00"), "comitted_at", "unknown field"),
]


@pytest.mark.parametrize("mutate,field,words", BAD_RECORDS, ids=[f"{f}:{w}" for _, f, w in BAD_RECORDS])
def test_every_field_is_validated_never_coerced(real_record, tmp_path, mutate, field, words):
    good = real_record
    path = write_records(tmp_path / "day.jsonl", good, mutate(good))
    with pytest.raises(InputError) as info:
        read_commits(path)
    msg = str(info.value)
    assert "\n" not in msg
    assert msg.startswith(f"{path}:2: "), msg  # file and line
    assert f" {field}: " in msg or msg.endswith(field) or f"{field} " in msg, msg  # the field
    assert words.lower() in msg.lower(), msg


def test_a_valid_record_round_trips_exactly(real_record):
    c = parse_record(real_record)
    assert c.to_record() == real_record
    assert c.parents == tuple(real_record["parents"]) and c.committed_at.utcoffset() is not None


def test_the_whole_shared_dataset_is_valid():
    # the validator must accept every real record it is meant for (8,900 lines, five repositories)
    files = sorted((SHARED / "data" / "commits").glob("*.jsonl.gz"))
    commits = read_commits(*files)
    assert len(commits) > 8000
    assert sum(f.binary for c in commits for f in c.files) > 50  # null counts are accepted


@pytest.mark.parametrize("mutate,field,words", [BAD_RECORDS[0], BAD_RECORDS[2], BAD_RECORDS[7], BAD_RECORDS[19]],
                         ids=["parents", "added", "path", "naive-date"])
def test_bad_record_through_cli_is_one_line_and_writes_nothing(real_record, cli, tmp_path, mutate, field, words):
    path = write_records(tmp_path / "day.jsonl", real_record, mutate(real_record))
    day = real_record["committed_at"][:10]
    res = cli("report", "--commits", path, "--date", day, "--tz", "UTC", "--classifier", "rules",
              "--out", tmp_path / "out")
    assert_one_line_error(res, f"{path}:2", field, words)
    assert res.returncode == 2 and files_under(tmp_path / "out") == []


def test_not_an_object_line(tmp_path, cli):
    path = tmp_path / "day.jsonl"
    path.write_text('["a", "b"]\n', encoding="utf-8")
    res = cli("report", "--commits", path, "--date", DAY, "--classifier", "rules", "--out", tmp_path / "o")
    assert_one_line_error(res, f"{path}:1", "JSON object")


# ------------------------------------------------------------------------------ flags


def _one_line(res, *needles):
    """exit 2, a single stderr line (the error, with a pointer to --help), nothing on stdout."""
    assert res.returncode == 2, res
    assert len(res.stderr.strip().splitlines()) == 1, res.stderr
    assert_one_line_error(res, *needles)
    assert res.stdout == ""


@pytest.mark.parametrize("flags,needles", [
    (["--date", ""], ["--date", "not a date", "--help"]),  # not "yesterday"
    (["--date", "2026-3-10"], ["--date", "not a date"]),
    (["--date", "20260310"], ["--date", "not a date"]),
    (["--since", "", "--until", DAY], ["--since", "not a date"]),  # not one day
    (["--date", DAY, "--tz", ""], ["--tz", "empty"]),
    (["--date", DAY, "--max-in-flight", "-3"], ["--max-in-flight", "above 0"]),
    (["--date", DAY, "--max-in-flight", "0"], ["--max-in-flight", "above 0"]),
    (["--date", DAY, "--token-budget", "-5"], ["--token-budget", "above 0"]),
    (["--date", DAY, "--token-budget", "lots"], ["--token-budget", "whole number"]),
    (["--date", DAY, "--high-threshold", "1.5"], ["--high-threshold 1.5", "expected a number ≤ 1"]),
    (["--date", DAY, "--medium-threshold", "nan"], ["--medium-threshold nan", "expected a number"]),
    (["--date", DAY, "--lang", "fr"], ["--lang", "invalid choice", "commitradar report --help"]),
    (["--date", DAY, "--no-such-flag"], ["unrecognized arguments: --no-such-flag", "'commitradar report --help'"]),
], ids=lambda v: " ".join(v) if isinstance(v, list) and v and v[0].startswith("-") else None)
def test_flag_errors_are_one_line_with_a_hint(day_repo, cli, tmp_path, flags, needles):
    repo, _ = day_repo
    res = cli("report", "--repo", repo.path, "--classifier", "rules", "--out", tmp_path / "out", *flags)
    _one_line(res, *needles)
    assert files_under(tmp_path / "out") == []


def test_unknown_subcommand_is_one_line(cli):
    _one_line(cli("nonsense"), "invalid choice", "'commitradar --help'")
    _one_line(cli("labels", "import", "x.md", "--zz"), "unrecognized arguments: --zz", "'commitradar labels import --help'")
    _one_line(cli("labels", "suggest", "--commits", "x.jsonl", "--n", "0"), "--n", "above 0",
              "'commitradar labels suggest --help'")
    _one_line(cli("train", "--labels", "l.jsonl", "--commits", "c.jsonl", "--out", "m", "--cv", "x"), "--cv")


def test_unwritable_out_is_refused_before_anything_else(cli, tmp_path):
    # /sys refuses new files even to root; the missing repository would be the next error: --out comes first
    res = cli("report", "--repo", tmp_path / "no-such-repo", "--date", DAY, "--out", "/sys/commitradar-out")
    _one_line(res, "--out /sys/commitradar-out", "cannot write")
    res = cli("mine", "--repo", tmp_path / "no-such-repo", "--date", DAY, "--out", "/sys/x.jsonl")
    _one_line(res, "--out /sys/x.jsonl", "cannot write")
    res = cli("mine", "--repo", tmp_path / "no-such-repo", "--date", DAY, "--out", tmp_path)
    _one_line(res, "it is a folder")


def test_explicit_model_that_is_not_a_model_is_an_error(day_repo, cli, tmp_path):
    repo, _ = day_repo
    base = ["report", "--repo", repo.path, "--date", DAY, "--out", tmp_path / "out"]
    _one_line(cli(*base, "--model", tmp_path / "typo"), "--model", "no such folder")
    (tmp_path / "empty").mkdir()
    _one_line(cli(*base, "--model", tmp_path / "empty"), "--model", "not a trained model", "model_card.json")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "model_card.json").write_text("{}", encoding="utf-8")
    (broken / "model.skops").write_bytes(b"not a model")
    res = cli(*base, "--model", broken)  # passes the quick check; the loader's reason, not a fallback
    assert_one_line_error(res, "--model", str(broken), "retrain")
    assert res.returncode == 2 and "using rules" not in res.stderr
    assert files_under(tmp_path / "out") == []


def test_dry_run_without_an_llm_says_nothing_would_be_sent(day_repo, cli, tmp_path):
    repo, _ = day_repo
    res = cli("report", "--repo", repo.path, "--date", DAY, "--classifier", "rules", "--dry-run", "-q",
              "--out", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    assert "no LLM configured" in res.stdout and "requests would be sent" not in res.stdout
    assert files_under(tmp_path / "out") == []


def test_global_options_before_or_after_the_subcommand(day_repo, cli, tmp_path):
    repo, _ = day_repo  # no remote: a warning about its name, which -q silences
    conf = tmp_path / "settings.toml"
    conf.write_text('lang = "en"\n', encoding="utf-8")
    common = ["--repo", repo.path, "--date", DAY, "--classifier", "rules"]
    for n, args in enumerate([["-q", "--config", conf, "report", *common], ["report", *common, "-q", "--config", conf],
                              ["report", "-q", *common, "--config", conf]]):
        res = cli(*args, "--out", tmp_path / f"o{n}")
        assert res.returncode == 0 and res.stderr == "", res
        md = (tmp_path / f"o{n}/reports/2026/demo/2026-03-10.md").read_text(encoding="utf-8")
        assert md.startswith("# Daily update report")  # the --config file was read
    loud = cli("report", *common, "--out", tmp_path / "loud")
    assert "commitradar: warning:" in loud.stderr and "commitradar.name" in loud.stderr
    assert cli("report", *common, "-v", "--out", tmp_path / "v").returncode == 0
    assert cli("labels", "import", "--help", "-q").returncode == 0
    _one_line(cli("report", *common, "--config", tmp_path / "missing.toml"), "config file not found")


def test_several_files_after_one_commits_flag(real_record, cli, tmp_path):
    day = real_record["committed_at"][:10]
    a = write_records(tmp_path / "a.jsonl", real_record)
    other = dict(real_record, sha="f" * 40, subject="[Doc] another commit (#1)")
    b = write_records(tmp_path / "b.jsonl", other)
    res = cli("report", "--commits", a, b, "--date", day, "--tz", "UTC", "--classifier", "rules", "--out", tmp_path / "o")
    assert res.returncode == 0, res.stderr
    data = json.loads(next(p for p in files_under(tmp_path / "o") if p.suffix == ".json").read_text(encoding="utf-8"))
    assert {e["commit"]["sha"] for e in data["entries"]} == {real_record["sha"], "f" * 40}
    both = cli("report", "--commits", a, "--repo", ".", "--date", day, "--out", tmp_path / "x")
    _one_line(both, "either --repo or --commits")


# ------------------------------------------------------------------------------ repository identity


def _tool_repo(make_repo, owner: str | None, folder: str = "tool"):
    repo = make_repo(f"{owner or 'nobody'}/{folder}")
    repo.commit(f"[Feature] {owner}'s change (#1)", {"src/tool.py": f"owner = {owner!r}\n"},
                when="2026-03-10T10:00:00+08:00")
    if owner:
        repo.git("remote", "add", "origin", f"git@github.com:{owner}/{folder}.git")
    return repo


def _clone(src, dest):
    subprocess.run(["git", "clone", "-q", str(src), str(dest)], check=True, capture_output=True)
    return dest


def test_same_folder_name_different_owners_two_reports(make_repo, cli, tmp_path):
    alice, bob = _tool_repo(make_repo, "alice"), _tool_repo(make_repo, "bob")
    res = cli("report", "--repo", alice.path, bob.path, "--date", DAY, "--classifier", "rules", "--out", tmp_path / "o")
    assert res.returncode == 0, res.stderr
    mds = [p for p in res.stdout.split() if p.endswith(".md")]
    assert mds == [str(tmp_path / "o/reports/2026/alice/tool/2026-03-10.md"),
                   str(tmp_path / "o/reports/2026/bob/tool/2026-03-10.md")]
    for owner, md in zip(("alice", "bob"), mds):
        text = open(md, encoding="utf-8").read()
        assert f"{owner}'s change" in text and f"https://github.com/{owner}/tool/commit/" in text
        assert json.loads(open(md[:-3] + ".json", encoding="utf-8").read())["repo"] == f"{owner}/tool"


def test_two_repositories_one_name_are_refused_until_named(make_repo, cli, tmp_path):
    one, two = _tool_repo(make_repo, None, "tool"), make_repo("elsewhere/tool")
    two.commit("[Misc] other", {"x.py": "x = 1\n"}, when="2026-03-10T11:00:00+08:00")
    args = ["report", "--repo", one.path, two.path, "--date", DAY, "--classifier", "rules", "--out", tmp_path / "o"]
    _one_line(cli(*args, "-q"), "both 'tool'", str(one.path), str(two.path), "commitradar.name")
    assert files_under(tmp_path / "o") == []
    two.git("config", "commitradar.name", "elsewhere/tool")  # a configured name settles it
    res = cli(*args)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "o/reports/2026/tool/2026-03-10.md").is_file()
    assert (tmp_path / "o/reports/2026/elsewhere/tool/2026-03-10.md").is_file()
    assert res.stderr.count("warning") == 1 and "'tool' (its folder)" in res.stderr  # only the unnamed one


def test_local_path_origin_is_followed_to_its_remote(make_repo, tmp_path):
    """A clone of a clone (origin = a local path) is the repository its origin clones, with its links and its
    own thresholds: identity never depends on how the clone was made."""
    from commitradar.classifier.policy import TierPolicy
    from commitradar.config import DEFAULT_MODEL_DIR
    from commitradar.mining import mine, open_repo, resolve_window

    card = json.loads((DEFAULT_MODEL_DIR / "model_card.json").read_text(encoding="utf-8"))
    policy = TierPolicy(**card["policy"])
    # a repository with its own threshold, other than the pooled one
    name, own = next((r, t) for r, t in sorted(policy.repo_high_thresholds.items()) if t != policy.high_threshold)
    owner, short = name.split("/")
    upstream = make_repo(f"mirror/{short}")
    upstream.commit("[Perf] something", {"a.py": "a = 1\n"}, when="2026-03-10T10:00:00+08:00")
    upstream.git("remote", "add", "origin", f"https://github.com/{name}.git")
    first = _clone(upstream.path, tmp_path / "work" / "repo")  # origin: a path
    second = _clone(first, tmp_path / "again" / "checkout")  # origin: a path to a clone of a path
    for clone in (upstream.path, first, second):
        local = open_repo(str(clone), tmp_path / "cache")
        assert (local.name, local.web_url) == (name, f"https://github.com/{name}"), clone
        (c,) = mine(local, resolve_window(DAY, tz="Asia/Shanghai"))
        assert c.repo == name and c.remote_url == f"https://github.com/{name}"
        assert policy.high_threshold_for(c.repo) == own  # its own threshold, not the pooled one
    lonely = make_repo("lonely")
    lonely.commit("x", when="2026-03-10T10:00:00+08:00")
    orphan = _clone(lonely.path, tmp_path / "orphan-clone")
    assert open_repo(str(orphan), tmp_path / "cache").name == "orphan-clone"  # nothing better: its folder


def test_report_path_is_owner_and_name_and_stays_inside_out(tmp_path):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from commitradar.records import DayReport
    from commitradar.report import report_path

    start = datetime(2026, 3, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    end = datetime(2026, 3, 11, tzinfo=ZoneInfo("Asia/Shanghai"))

    def path(name):
        rep = DayReport(repo=name, remote_url=None, start=start, end=end, timezone="Asia/Shanghai", entries=(),
                        classifier="rules", writer="deterministic")
        return report_path(tmp_path, rep).relative_to(tmp_path).as_posix()

    assert path("vllm-project/vllm-ascend") == "reports/2026/vllm-project/vllm-ascend/2026-03-10"
    assert path("group/sub/proj") == "reports/2026/group/sub/proj/2026-03-10"
    assert path("demo") == "reports/2026/demo/2026-03-10"
    assert path("../../etc") == "reports/2026/_/_/etc/2026-03-10"
    assert path("a b/c:d") == "reports/2026/a_b/c_d/2026-03-10"


# ------------------------------------------------------------------------------ dates a source can answer for


def test_dataset_day_outside_the_file_is_refused(real_record, cli, tmp_path):
    from datetime import date, timedelta

    earlier = dict(real_record, sha="e" * 40, committed_at="2025-07-01T10:00:00+08:00")
    path = write_records(tmp_path / "d.jsonl", real_record, earlier)
    first, last = "2025-07-01", real_record["committed_at"][:10]
    base = ["report", "--commits", path, "--classifier", "rules", "--tz", "Asia/Shanghai", "--out", tmp_path / "o"]
    res = cli(*base, "--date", "2025-01-01")
    _one_line(res, "2025-01-01 is outside", str(path), f"covers {first}..{last}")
    res = cli(*base, "--since", "2020-01-01", "--until", "2020-02-01")
    _one_line(res, "2020-01-01..2020-02-01 is outside")
    assert files_under(tmp_path / "o") == []
    # a day inside the range without commits is a true "no commits" day; a range past the end is warned about
    res = cli(*base, "--date", "2025-12-25")
    assert res.returncode == 0 and res.stderr == "", res.stderr
    past_end = (date.fromisoformat(last) + timedelta(days=3)).isoformat()
    res = cli(*base, "--since", last, "--until", past_end)
    assert res.returncode == 0 and "warning" in res.stderr and f"covers {first}..{last}" in res.stderr, res.stderr


def test_empty_dataset_file_says_it_holds_no_commits(cli, tmp_path):
    for name, data in (("empty.jsonl", b""), ("blank.jsonl", b"\n\n"), ("empty.jsonl.gz", gzip.compress(b""))):
        (tmp_path / name).write_bytes(data)
        res = cli("report", "--commits", tmp_path / name, "--date", DAY, "--out", tmp_path / "o")
        _one_line(res, str(tmp_path / name), "holds no commits")
    assert files_under(tmp_path / "o") == []


def test_stale_clone_is_warned_about_and_fetch_updates_it(make_repo, cli, tmp_path):
    upstream = make_repo("upstream")
    upstream.commit("[Misc] old work", {"a.py": "a = 1\n"}, when="2026-03-02T10:00:00+08:00")
    clone = _clone(upstream.path, tmp_path / "clone")
    today = upstream.commit("[Feature] landed today (#9)", {"b.py": "b = 1\n"}, when="2026-03-10T10:00:00+08:00")
    base = ["report", "--repo", clone, "--date", DAY, "--classifier", "rules"]
    res = cli(*base, "--out", tmp_path / "stale")
    assert res.returncode == 0, res.stderr
    assert "newest commit on origin/main is from 2026-03-02 10:00" in res.stderr and "--fetch" in res.stderr
    stale = json.loads((tmp_path / "stale/reports/2026/clone/2026-03-10.json").read_text(encoding="utf-8"))
    assert stale["entries"] == []
    res = cli(*base, "--fetch", "--out", tmp_path / "fresh")
    assert res.returncode == 0 and "newest commit" not in res.stderr, res.stderr
    fresh = json.loads((tmp_path / "fresh/reports/2026/clone/2026-03-10.json").read_text(encoding="utf-8"))
    assert [e["commit"]["sha"] for e in fresh["entries"]] == [today]
    # --fetch of a clone that has nowhere to fetch from, or a remote that is gone: one line, nothing written
    _one_line(cli("report", "--repo", upstream.path, "--date", DAY, "--fetch", "-q", "--out", tmp_path / "x"),
              "no remote to fetch from")
    shutil.rmtree(upstream.path)
    _one_line(cli(*base, "--fetch", "-q", "--out", tmp_path / "y"), "cannot fetch origin",
              "does not appear to be a git repository")
    assert files_under(tmp_path / "x") == [] and files_under(tmp_path / "y") == []
