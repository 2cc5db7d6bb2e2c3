"""``commitradar run``: catch-up over real repositories, the reports in --out as the only state, failures
of one repository isolated, and a run killed midway (SIGINT, SIGKILL) completed by the next one."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import history
import pytest
from conftest import COMMITRADAR, assert_one_line_error

from commitradar.errors import InputError
from commitradar.run import plan_days, spans, split_by_day

TZ = "Asia/Shanghai"
D = date(2026, 8, 1)


def day(i: int) -> str:
    return str(D + timedelta(days=i))


def write_config(tmp_path: Path, repos: list[dict], **top) -> Path:
    lines = [f'tz = "{top.pop("tz", TZ)}"', 'classifier = "rules"']
    lines += [f"{k} = {json.dumps(v)}" for k, v in top.items()]
    for r in repos:
        lines.append("[[repos]]")
        lines += [f"{k} = {json.dumps(str(v) if isinstance(v, Path) else v)}" for k, v in r.items()]
    path = tmp_path / "commitradar.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


def reports(out: Path) -> dict[str, Path]:
    """relative path → file, for every file under out/reports."""
    root = out / "reports"
    return {str(p.relative_to(root)): p for p in sorted(root.rglob("*")) if p.is_file()} if root.exists() else {}


def twins_of(out: Path, repo_folder: str) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for rel, p in reports(out).items()
            if p.suffix == ".json" and f"/{repo_folder}/" in f"/{rel}"}


def mtimes(out: Path) -> dict[str, int]:
    return {rel: p.stat().st_mtime_ns for rel, p in reports(out).items()}


@pytest.fixture
def widget(tmp_path):
    """acme/widget: commits on days 0, 1, 3 and 4 of August 2026 (day 2 has none)."""
    commits = history.plan(D, 5, per_day=(2, 1, 0, 3, 1))
    return history.build(tmp_path / "widget", commits), commits


# ------------------------------------------------------------------------------------------ pure parts


def test_plan_days_fills_gaps_from_the_oldest_report_and_respects_flags():
    until = D + timedelta(days=9)
    have = {D + timedelta(days=i) for i in (0, 1, 2, 4, 5)}
    assert plan_days(have, until) == [D + timedelta(days=i) for i in (3, 6, 7, 8, 9)]
    assert plan_days(set(), until) == [until]  # a first run: yesterday (or --until) only
    assert plan_days(have, until, backfill=3) == [D + timedelta(days=i) for i in (7, 8, 9)]
    assert plan_days(have, until, since=D + timedelta(days=5)) == [D + timedelta(days=i) for i in (6, 7, 8, 9)]
    assert plan_days(have, until, force=True) == [until]
    assert plan_days(have, until, backfill=6, force=True) == [D + timedelta(days=i) for i in range(4, 10)]
    assert plan_days(have | {until}, until) == [D + timedelta(days=i) for i in (3, 6, 7, 8)]
    with pytest.raises(InputError, match="either --since or --backfill"):
        plan_days(have, until, since=D, backfill=2)
    with pytest.raises(InputError, match="--backfill 0"):
        plan_days(have, until, backfill=0)
    with pytest.raises(InputError, match="after --until"):
        plan_days(have, until, since=until + timedelta(days=1))


def test_spans_and_split_by_day_use_the_zone(widget):
    assert spans([D, D + timedelta(days=1), D + timedelta(days=3)]) == [(D, D + timedelta(days=1)),
                                                                        (D + timedelta(days=3),) * 2]
    from commitradar.records import Commit

    zone = ZoneInfo(TZ)
    c = Commit("r", "a" * 40, "x", "", datetime(2026, 8, 1, 23, 30, tzinfo=zone),
               datetime(2026, 8, 1, 23, 30, tzinfo=zone), (), "s", "", ())
    assert list(split_by_day([c], TZ)) == [D]
    assert list(split_by_day([c], "UTC")) == [D]  # 15:30 UTC
    late = Commit("r", "b" * 40, "x", "", datetime(2026, 8, 2, 0, 30, tzinfo=zone),
                  datetime(2026, 8, 2, 0, 30, tzinfo=zone), (), "s", "", ())
    assert list(split_by_day([late], TZ)) == [D + timedelta(days=1)]
    assert list(split_by_day([late], "UTC")) == [D]  # 16:30 UTC the day before


# ------------------------------------------------------------------------------------------ catch-up


def test_catch_up_then_nothing_then_exactly_the_deleted_day(tmp_path, cli, widget):
    path, commits = widget
    cfg = write_config(tmp_path, [{"path": path, "name": "acme/widget"}])
    out = tmp_path / "out"
    res = cli("run", "--config", cfg, "--out", out, "--since", day(0), "--until", day(5))
    assert res.returncode == 0, res.stderr
    assert f"acme/widget: wrote 6 reports ({day(0)}..{day(5)})" in res.stdout
    twins = twins_of(out, "widget")
    assert sorted(twins) == [day(i) for i in range(6)]
    # each day holds exactly the commits committed that day in tz; empty days still get a report
    for i in range(6):
        want = sorted(c.subject for c in commits if c.day == D + timedelta(days=i))
        assert sorted(e["commit"]["subject"] for e in twins[day(i)]["entries"]) == want
        assert twins[day(i)]["repo"] == "acme/widget" and twins[day(i)]["label"] == day(i)
    assert twins[day(2)]["entries"] == [] and twins[day(5)]["entries"] == []
    assert all(p.with_suffix(".md").is_file() for p in (reports(out)[k] for k in reports(out) if k.endswith(".json")))

    before = mtimes(out)
    res = cli("run", "--config", cfg, "--out", out, "--until", day(5))
    assert res.returncode == 0, res.stderr
    assert "acme/widget: up to date" in res.stdout
    assert f"nothing to write: every repository has its reports up to {day(5)}" in res.stdout
    assert mtimes(out) == before

    gone = [rel for rel in before if f"/{day(2)}." in rel or rel.endswith(f"{day(3)}.json")]
    assert len(gone) == 3
    for rel in gone:
        (out / "reports" / rel).unlink()
    res = cli("run", "--config", cfg, "--out", out, "--until", day(5))
    assert res.returncode == 0, res.stderr
    assert "acme/widget: wrote 2 reports" in res.stdout
    after = mtimes(out)
    assert set(after) == set(before)
    changed = {rel for rel in after if after[rel] != before[rel]}
    assert changed == {rel for rel in before if f"/{day(2)}." in rel or f"/{day(3)}." in rel}


def test_run_writes_what_report_writes_for_each_day(tmp_path, cli, widget):
    """One mining pass split by day gives the very reports ``report --date`` gives day by day."""
    path, _ = widget
    path_cfg = write_config(tmp_path, [{"path": path, "name": "acme/widget"}])
    res = cli("run", "--config", path_cfg, "--out", tmp_path / "a", "--since", day(1), "--until", day(3))
    assert res.returncode == 0, res.stderr
    for i in range(1, 4):
        res = cli("report", "--repo", path, "--date", day(i), "--tz", TZ, "--classifier", "rules",
                  "--out", tmp_path / "b")
        assert res.returncode == 0, res.stderr
    a, b = twins_of(tmp_path / "a", "widget"), twins_of(tmp_path / "b", "widget")
    assert sorted(a) == sorted(b) == [day(i) for i in range(1, 4)]
    for label in a:
        b[label]["repo"] = "acme/widget"  # report names it from its folder; run from the configuration
        for e in b[label]["entries"]:
            e["commit"]["repo"] = "acme/widget"
        assert a[label] == b[label], label


def test_backfill_force_and_per_repository_settings(tmp_path, cli, widget):
    path, _ = widget
    cfg = write_config(tmp_path, [{"path": path, "name": "acme/widget"},
                                  {"path": path, "name": "acme/gadget", "lang": "en"}])
    out = tmp_path / "out"
    res = cli("run", "--config", cfg, "--out", out, "--until", day(4), "--backfill", "3")
    assert res.returncode == 0, res.stderr
    w, g = twins_of(out, "widget"), twins_of(out, "gadget")
    assert sorted(w) == sorted(g) == [day(2), day(3), day(4)]
    assert {t["lang"] for t in w.values()} == {"zh"} and {t["lang"] for t in g.values()} == {"en"}
    assert {t["repo"] for t in g.values()} == {"acme/gadget"}
    assert "Daily update report" in (out / "reports" / "2026" / "acme" / "gadget" / f"{day(3)}.md").read_text()

    before = mtimes(out)
    res = cli("run", "--config", cfg, "--out", out, "--until", day(4), "--backfill", "2", "--force")
    assert res.returncode == 0, res.stderr
    after = mtimes(out)
    assert {rel for rel in after if after[rel] != before[rel]} == {
        rel for rel in before if f"/{day(3)}." in rel or f"/{day(4)}." in rel}
    res = cli("run", "--config", cfg, "--out", out, "--until", day(4), "--force")
    assert res.returncode == 0 and res.stdout.count("wrote 1 report") == 2


def test_first_run_writes_yesterday_in_tz(tmp_path, cli):
    zone = ZoneInfo(TZ)
    yesterday = datetime.now(zone).date() - timedelta(days=1)
    commits = history.plan(yesterday - timedelta(days=3), 4, per_day=1)
    path = history.build(tmp_path / "recent", commits)
    cfg = write_config(tmp_path, [{"path": path, "name": "acme/recent"}])
    res = cli("run", "--config", cfg, "--out", tmp_path / "out")
    assert res.returncode == 0, res.stderr
    twins = twins_of(tmp_path / "out", "recent")
    assert list(twins) == [str(yesterday)]
    assert [e["commit"]["subject"] for e in twins[str(yesterday)]["entries"]] == [commits[-1].subject]
    # the next run (same day) has nothing to do; --until today is refused: the day is not over
    assert "nothing to write" in cli("run", "--config", cfg, "--out", tmp_path / "out").stdout
    res = cli("run", "--config", cfg, "--out", tmp_path / "out", "--until", str(yesterday + timedelta(days=1)))
    assert_one_line_error(res, "--until", "not over yet")


@pytest.mark.parametrize("flags,needle", [
    (("--since", "2026-08-01", "--backfill", "3"), "either --since or --backfill"),
    (("--backfill", "0"), "--backfill 0"),
    (("--since", "2026-13-01"), "--since"),
    (("--jobs", "0"), "--jobs 0"),
])
def test_bad_flags_are_one_line_errors(tmp_path, cli, widget, flags, needle):
    cfg = write_config(tmp_path, [{"path": widget[0], "name": "acme/widget"}])
    res = cli("run", "--config", cfg, "--out", tmp_path / "out", "--until", day(4), *flags)
    assert_one_line_error(res, needle)
    assert not reports(tmp_path / "out")


def test_one_failing_repository_does_not_stop_the_others(tmp_path, cli, widget):
    path, _ = widget
    not_repo = tmp_path / "plain"
    not_repo.mkdir()
    corrupt = history.build(tmp_path / "corrupt", history.plan(D, 3))
    head = subprocess.run(["git", "-C", str(corrupt), "rev-parse", "HEAD~1"], capture_output=True, text=True).stdout.strip()
    (corrupt / ".git" / "objects" / head[:2] / head[2:]).unlink()
    cfg = write_config(tmp_path, [
        {"path": path, "name": "acme/widget"},
        {"path": tmp_path / "missing", "name": "acme/missing"},
        {"path": not_repo, "name": "acme/plain"},
        {"path": corrupt, "name": "acme/corrupt"},
        {"url": "http://127.0.0.1:9/acme/unreachable.git", "name": "acme/unreachable"},
        {"path": path, "name": "acme/branchless", "branch": "no-such-branch"},
    ])
    res = cli("run", "--config", cfg, "--out", tmp_path / "out", "--since", day(0), "--until", day(2))
    assert res.returncode == 1, res
    assert "acme/widget: wrote 3 reports" in res.stdout
    assert sorted(twins_of(tmp_path / "out", "widget")) == [day(0), day(1), day(2)]
    assert_one_line_error(res, "5 of 6 repositories failed")
    final = res.stderr.strip().splitlines()[-1]
    for name, why in [("acme/missing", "not found"), ("acme/plain", "not a git repository"),
                      ("acme/corrupt", "git"), ("acme/unreachable", "cannot clone"),
                      ("acme/branchless", "no-such-branch")]:
        assert f"{name}: " in final and why in final.split(f"{name}: ", 1)[1], (name, final)
        assert f"warning: {name} failed" in res.stderr  # logged as it happens
    for name in ("missing", "plain", "corrupt", "unreachable", "branchless"):
        assert not twins_of(tmp_path / "out", name)


# ------------------------------------------------------------------------------------------ interrupted runs


def _start(cfg: Path, out: Path, cache: Path) -> subprocess.Popen:
    return subprocess.Popen([COMMITRADAR, "run", "--config", str(cfg), "--out", str(out), "--since", day(0),
                             "--until", day(59)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "COMMITRADAR_CACHE": str(cache)}, start_new_session=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT])
def test_a_killed_run_leaves_whole_reports_and_the_next_run_completes_it(tmp_path, sig):
    repos = []
    for i, name in enumerate(("alpha", "beta", "gamma")):
        path = history.build(tmp_path / name, history.plan(D, 60, per_day=(3, 1, 0, 4, 2)[i:] + (2,)))
        repos.append({"path": path, "name": f"acme/{name}"})
    cfg = write_config(tmp_path, repos)
    total = 3 * 60 * 2

    reference = tmp_path / "reference"  # the same work, never interrupted
    proc = _start(cfg, reference, tmp_path / "cache-ref")
    assert proc.wait(timeout=300) == 0, proc.stderr.read().decode()
    assert len(reports(reference)) == total

    out = tmp_path / "out"
    proc = _start(cfg, out, tmp_path / "cache")
    deadline = time.monotonic() + 120
    while not any(rel.endswith(".json") for rel in reports(out)) and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, sig)
    code = proc.wait(timeout=60)
    assert code == (-signal.SIGKILL if sig == signal.SIGKILL else 130), code
    partial = reports(out)
    whole = [rel for rel in partial if not rel.split("/")[-1].startswith(".")]
    assert 0 < len(whole) < total, len(whole)  # the kill did land midway
    for rel in whole:  # no half-written file: every file there is byte-identical to the reference
        assert partial[rel].read_bytes() == (reference / "reports" / rel).read_bytes(), rel
    if sig == signal.SIGINT:
        assert len(whole) == len(partial)  # temporary files were removed on the way out

    proc = _start(cfg, out, tmp_path / "cache")
    stdout, stderr = proc.communicate(timeout=300)
    assert proc.returncode == 0, stderr.decode()
    done = reports(out)
    assert sorted(done) == sorted(reports(reference))  # nothing missing, no temporary file left
    for rel, p in done.items():
        assert p.read_bytes() == (reference / "reports" / rel).read_bytes(), rel
    assert "nothing to write" not in stdout.decode()


def test_a_second_run_on_the_same_folder_waits_its_turn(tmp_path, widget):
    from commitradar.errors import OutputError
    from commitradar.run import locked

    out = tmp_path / "out"
    with locked(out):
        with pytest.raises(OutputError, match="another commitradar run"):
            with locked(out):
                pass
    with locked(out):  # released
        pass
    assert list(out.iterdir()) == []  # the lock leaves no file behind


def test_send_delivers_each_report_written_by_this_run(tmp_path, cli, widget):
    """``run --send`` hands the reports it wrote to the sinks: a real HTTP endpoint on 127.0.0.1 that
    checks the signature gets one message per report; a run that writes nothing sends nothing."""
    from sink_server import SinkServer

    server = SinkServer("webhook", secret="s3cret")
    try:
        cfg = write_config(tmp_path, [{"path": widget[0], "name": "acme/widget"}])
        with cfg.open("a") as fh:
            fh.write('[[sinks]]\ntype = "webhook"\nurl_env = "HOOK_URL"\nsecret_env = "HOOK_SECRET"\nmin_tier = "low"\n')
        env = {"HOOK_URL": server.url(), "HOOK_SECRET": "s3cret"}
        res = cli("run", "--config", cfg, "--out", tmp_path / "out", "--since", day(2), "--until", day(4), "--send",
                  env=env)
        assert res.returncode == 0, res.stderr
        assert len(server.requests) == 3 and all(server.signed_ok(r) for r in server.requests)
        bodies = [r.body.decode() for r in server.requests]
        for d in (day(2), day(3), day(4)):
            assert sum(d in b for b in bodies) == 1, d
        res = cli("run", "--config", cfg, "--out", tmp_path / "out", "--until", day(4), "--send", env=env)
        assert res.returncode == 0 and "nothing to write" in res.stdout
        assert len(server.requests) == 3
    finally:
        server.close()
