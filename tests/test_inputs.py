"""Inputs users really give (issue 15): dataset records, flags, repository identity, stale clones.

Every bad input ends in one ``commitradar: error:`` line (exit 2) that names what is wrong, before any work
is done and without writing anything; nothing is coerced silently.
"""
from __future__ import annotations

import copy
import gzip
import json

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
