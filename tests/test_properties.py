"""Property tests (hypothesis): a value of the wrong type anywhere in a dataset record or in the settings is a
one-line ``commitradar: error:`` and exit 2, never a traceback and never a silently coerced value."""
from __future__ import annotations

import contextlib
import io
import json
import string
import tempfile
from pathlib import Path

from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitradar.cli import main
from commitradar.dataset import parse_record

SHA = st.text("0123456789abcdef", min_size=40, max_size=40)
DATE = st.datetimes(allow_imaginary=False).map(lambda d: d.replace(microsecond=0).isoformat() + "+08:00")
TEXT = st.text(max_size=30)


@st.composite
def records(draw) -> dict:
    """A valid dataset record (the totals agree with files[])."""
    files = draw(st.lists(st.one_of(
        st.fixed_dictionaries({"path": st.text(string.ascii_letters + "/._-", min_size=1, max_size=20),
                               "added": st.integers(0, 10**6), "deleted": st.integers(0, 10**6)}),
        st.fixed_dictionaries({"path": st.text(string.ascii_letters + "/._-", min_size=1, max_size=20),
                               "added": st.none(), "deleted": st.none()})), max_size=4))
    return {
        "repo": draw(st.text(string.ascii_letters + "/-", min_size=1, max_size=20)), "sha": draw(SHA),
        "author": draw(TEXT), "author_email_domain": draw(TEXT), "authored_at": draw(DATE),
        "committed_at": draw(DATE), "parents": draw(st.lists(SHA, max_size=2)), "subject": draw(TEXT),
        "body": draw(TEXT), "files": files, "n_files": len(files),
        "added": sum(f["added"] or 0 for f in files), "deleted": sum(f["deleted"] or 0 for f in files),
    }


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                        max_size=3), max_leaves=6)
# for each field, values of a type it never takes (an integer-valued float is still the wrong type)
WRONG = {
    "repo": JSON_VALUES.filter(lambda v: not isinstance(v, str)),
    "sha": JSON_VALUES.filter(lambda v: not isinstance(v, str)),
    "author": JSON_VALUES.filter(lambda v: not isinstance(v, str)),
    "authored_at": JSON_VALUES.filter(lambda v: not isinstance(v, str)),
    "committed_at": JSON_VALUES.filter(lambda v: not isinstance(v, str)),
    "parents": JSON_VALUES.filter(lambda v: not isinstance(v, list) or (v and not all(isinstance(x, str) for x in v))),
    "subject": JSON_VALUES.filter(lambda v: not isinstance(v, str)),
    "body": JSON_VALUES.filter(lambda v: not isinstance(v, str)),
    "files": JSON_VALUES.filter(lambda v: not isinstance(v, list) or (v and not all(isinstance(x, dict) for x in v))),
    "n_files": JSON_VALUES.filter(lambda v: type(v) is not int and v is not None),
    "added": JSON_VALUES.filter(lambda v: type(v) is not int and v is not None),
}
FILE_WRONG = {
    "path": JSON_VALUES.filter(lambda v: not isinstance(v, str)),
    "added": JSON_VALUES.filter(lambda v: type(v) is not int and v is not None),
    "deleted": JSON_VALUES.filter(lambda v: type(v) is not int and v is not None),
}


@st.composite
def broken_records(draw) -> tuple[dict, str]:
    """(record, field) with exactly one field given a value of the wrong type (top level or in files[])."""
    rec = draw(records())
    if rec["files"] and draw(st.booleans()):
        i = draw(st.integers(0, len(rec["files"]) - 1))
        key = draw(st.sampled_from(sorted(FILE_WRONG)))
        rec["files"][i] = {**rec["files"][i], key: draw(FILE_WRONG[key])}
        return rec, f"files[{i}]"
    key = draw(st.sampled_from(sorted(WRONG)))
    rec[key] = draw(WRONG[key])
    return rec, key


@given(records())
@settings(max_examples=200)
def test_valid_records_round_trip(rec):
    assert parse_record(rec).to_record() == rec


@given(broken_records())
@settings(max_examples=400)
def test_a_wrong_type_is_one_line_naming_the_field(case):
    rec, field = case
    try:
        parse_record(rec)
    except ValueError as exc:
        msg = str(exc)
    else:
        raise AssertionError(f"accepted {field}={rec.get(field)!r}")
    assert "\n" not in msg and msg.startswith(field), msg


def _run_main(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse
            code = exc.code
    return code, out.getvalue(), err.getvalue()


@given(broken_records())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_bad_record_through_the_command_is_exit_2_one_line(tmp_path, case):
    rec, field = case
    path = tmp_path / "day.jsonl"
    path.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    code, out, err = _run_main("report", "--commits", path, "--date", "2026-03-10", "--classifier", "rules",
                               "--out", tmp_path / "out")
    assert code == 2 and out == "", (code, out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"commitradar: error: {path}:1: not a commit record: {field}"), err
    assert not (tmp_path / "out").exists()


def test_bad_record_in_a_separate_process(tmp_path):
    # the console script itself, once: same single line, no traceback
    path = tmp_path / "day.jsonl"
    path.write_text(json.dumps({"repo": "o/r", "files": [{"path": 5}]}) + "\n", encoding="utf-8")
    res = run_cli("report", "--commits", path, "--date", "2026-03-10", "--out", tmp_path / "o", cwd=tmp_path)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert res.stderr.strip().splitlines() == [res.stderr.strip()]
# ------------------------------------------------------------------------------ settings


TOML_VALUES = st.one_of(
    st.integers(-10**6, 10**6).map(str), st.floats(allow_nan=False, allow_infinity=False).map(repr),
    st.booleans().map(lambda b: "true" if b else "false"), st.text(string.ascii_letters + " -", max_size=8).map(json.dumps),
    st.lists(st.integers(0, 9), max_size=3).map(json.dumps), st.just("{ a = 1 }"), st.just("1979-05-27"),
)
# each top-level setting with the TOML value types it must refuse
SETTINGS = {
    "tz": lambda v: not v.startswith('"'), "lang": lambda v: True, "classifier": lambda v: True,
    "rules_preset": lambda v: True, "out": lambda v: not v.startswith('"'), "model_dir": lambda v: not v.startswith('"'),
    "high_threshold": lambda v: not _is_unit_number(v), "medium_threshold": lambda v: not _is_unit_number(v),
    "repos": lambda v: not v.startswith('"'), "branch": lambda v: not v.startswith('"'),
}
LLM_SETTINGS = {
    "provider": lambda v: True, "model": lambda v: not v.startswith('"'), "base_url": lambda v: not v.startswith('"'),
    "max_in_flight": lambda v: not _is_positive_int(v), "budget_high": lambda v: not _is_positive_int(v),
    "run_token_budget": lambda v: not _is_positive_int(v), "timeout": lambda v: not _is_positive_number(v),
}


def _number(v: str):
    try:
        return json.loads(v)
    except ValueError:
        return None


def _is_unit_number(v: str) -> bool:
    n = _number(v)
    return type(n) in (int, float) and 0 <= n <= 1


def _is_positive_int(v: str) -> bool:
    n = _number(v)
    return type(n) is int and n > 0


def _is_positive_number(v: str) -> bool:
    n = _number(v)
    return type(n) in (int, float) and n > 0


@st.composite
def bad_settings(draw) -> tuple[str, str]:
    """(toml text, key) with one setting given a value it must refuse."""
    section, table = draw(st.sampled_from([("", SETTINGS), ("llm", LLM_SETTINGS)]))
    key = draw(st.sampled_from(sorted(table)))
    value = draw(TOML_VALUES.filter(table[key]))
    if key in ("lang", "classifier", "rules_preset", "provider") and value.startswith('"'):
        value = json.dumps("not-a-" + key)  # a string, but not one of the choices
    text = f"[{section}]\n{key} = {value}\n" if section else f"{key} = {value}\n"
    return text, key


@given(bad_settings())
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_wrong_setting_is_exit_2_one_line(tmp_path, case):
    text, key = case
    work = Path(tempfile.mkdtemp(dir=tmp_path))
    conf = work / "commitradar.toml"
    conf.write_text(text, encoding="utf-8")
    # no flag that would override the setting, run in an empty folder: the error must come before anything else
    with contextlib.chdir(work):
        code, out, err = _run_main("--config", conf, "report", "--date", "2026-03-10")
    lines = err.strip().splitlines()
    assert code == 2 and out == "", (text, code, out, err)
    assert len(lines) == 1 and lines[0].startswith("commitradar: error: ") and key in lines[0], (text, err)
    assert [p.name for p in work.iterdir()] == ["commitradar.toml"]
