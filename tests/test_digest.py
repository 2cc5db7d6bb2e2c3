"""``commitradar digest``: a week (or any period) of JSON twins aggregated per repository, Markdown zh/en
and JSON, from reports written by ``commitradar run`` over real repositories."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import history
import pytest
from conftest import assert_one_line_error

from commitradar.errors import InputError
from commitradar.site.digest import parse_week, resolve_period

MONDAY = date(2026, 8, 3)  # ISO week 2026-W32
HOSTILE = "[Feature] Add <script>alert(1)</script> *bold* | pipe support (#77)"


@pytest.fixture
def out(tmp_path, cli) -> Path:
    """Two repositories, reports for W32 except Wednesday of one; one entry made a breaking change (as format 2
    twins carry it) and one headline item a dependency move."""
    zone = ZoneInfo("Asia/Shanghai")
    commits = history.plan(MONDAY - timedelta(days=1), 9, per_day=(2, 3, 1, 4, 2))
    commits.append(history.Planned(MONDAY + timedelta(days=1), HOSTILE,
                                   datetime(2026, 8, 4, 23, 0, tzinfo=zone), 0))
    a = history.build(tmp_path / "a", sorted(commits, key=lambda c: c.when))
    b = history.build(tmp_path / "b", history.plan(MONDAY, 7, per_day=1))
    cfg = tmp_path / "commitradar.toml"
    cfg.write_text(f'classifier = "rules"\n[[repos]]\npath = "{a}"\nname = "acme/alpha"\n'
                   f'[[repos]]\npath = "{b}"\nname = "acme/beta"\n')
    out = tmp_path / "out"
    res = cli("run", "--config", cfg, "--out", out, "--since", str(MONDAY - timedelta(days=1)),
              "--until", str(MONDAY + timedelta(days=7)))
    assert res.returncode == 0, res.stderr
    for p in (out / "reports").rglob(f"{MONDAY + timedelta(days=2)}.*"):
        if "/beta/" in str(p):
            p.unlink()
    # format 2 fields on one twin: a breaking change and a dependency headline item
    twin_path = next(p for p in (out / "reports").rglob(f"{MONDAY + timedelta(days=3)}.json") if "/alpha/" in str(p))
    twin = json.loads(twin_path.read_text())
    twin["format_version"] = 2
    first, second = twin["entries"][0], twin["entries"][1]
    first["breaking"] = {"kind": "removal", "what": "The --legacy-loader flag is gone: drop it from scripts.",
                         "subject": "--legacy-loader", "evidence": "The old `--legacy-loader` flag is removed.",
                         "source": "body", "version": None}
    twin["headline"] = {"items": [
        {"kind": "must_read", "sha": first["commit"]["sha"], "anchor": f"commit-{first['commit']['sha'][:12]}",
         "text": first["commit"]["subject"]},
        {"kind": "dependency", "sha": second["commit"]["sha"], "anchor": f"commit-{second['commit']['sha'][:12]}",
         "text": "torch 2.5 → 2.6"}], "overview": None}
    twin_path.write_text(json.dumps(twin, ensure_ascii=False))
    return out


def week_twins(out: Path, repo: str) -> list[dict]:
    days = {str(MONDAY + timedelta(days=i)) for i in range(7)}
    return [t for t in (json.loads(p.read_text()) for p in (out / "reports").rglob("*.json"))
            if t["repo"] == repo and t["label"] in days]


def test_digest_of_a_week_per_repository(out, cli):
    res = cli("digest", "--out", out, "--week", "2026-W32", "--lang", "en")
    assert res.returncode == 0, res.stderr
    md_path, json_path = out / "digests" / "2026-W32.en.md", out / "digests" / "2026-W32.json"
    assert res.stdout.split() == [str(md_path), str(json_path)]
    d = json.loads(json_path.read_text())
    assert (d["label"], d["first"], d["last"]) == ("2026-W32", "2026-08-03", "2026-08-09")
    repos = {r["repo"]: r for r in d["repos"]}
    assert sorted(repos) == ["acme/alpha", "acme/beta"]
    for name, r in repos.items():
        twins = week_twins(out, name)
        entries = [e for t in twins for e in t["entries"]]
        assert r["stats"]["total"] == len(entries)  # Sunday before and Monday after are outside the week
        for tier in ("high", "medium", "low"):
            assert r["stats"][tier] == sum(1 for e in entries if e["verdict"]["tier"] == tier)
            assert sum(a[tier] for a in r["areas"]) == r["stats"][tier]
        assert sum(a["total"] for a in r["areas"]) == r["stats"]["total"]
        highs = {e["commit"]["sha"] for e in entries if e["verdict"]["tier"] == "high"}
        assert r["must_read"] and {m["sha"] for m in r["must_read"]} <= highs | {e["commit"]["sha"] for e in entries}
        assert len(r["must_read"]) <= 10
    assert repos["acme/beta"]["days_missing"] == ["2026-08-05"] and repos["acme/beta"]["days_reported"] == 6
    assert repos["acme/alpha"]["days_missing"] == []
    alpha = repos["acme/alpha"]
    # every breaking change of the week (the twin's own field, else the detector's in features), in day order
    expected = [(t["label"], e["commit"]["sha"]) for t in sorted(week_twins(out, "acme/alpha"), key=lambda t: t["label"])
                for e in t["entries"] if e.get("breaking") or e["features"].get("breaking")]
    assert [(b["day"], b["sha"]) for b in alpha["breaking"]] == expected
    assert ("removal", "--legacy-loader", "2026-08-06") in [(b["kind"], b["affected"], b["day"]) for b in alpha["breaking"]]
    assert any(x["text"] == "torch 2.5 → 2.6" and x["day"] == "2026-08-06" for x in alpha["dependencies"])

    text = md_path.read_text()
    assert text.startswith("# Weekly digest (2026-W32)")
    assert "## acme/alpha" in text and "## acme/beta" in text
    assert "Days without a report: 2026-08-05" in text
    assert "The --legacy-loader flag is gone" in text and "torch 2.5 → 2.6" in text
    assert "<script>" not in text  # commit text is escaped in Markdown

    res = cli("digest", "--out", out, "--week", "2026-W32", "--lang", "zh")
    assert res.returncode == 0, res.stderr
    zh = (out / "digests" / "2026-W32.zh.md").read_text()
    assert zh.startswith("# 每周摘要（2026-W32）") and "本周必读" in zh and "不兼容变更" in zh and "依赖变动" in zh


def test_digest_of_any_period(out, cli):
    res = cli("digest", "--out", out, "--since", "2026-08-04", "--until", "2026-08-05")
    assert res.returncode == 0, res.stderr
    d = json.loads((out / "digests" / "2026-08-04..2026-08-05.json").read_text())
    alpha = next(r for r in d["repos"] if r["repo"] == "acme/alpha")
    twins = [t for t in week_twins(out, "acme/alpha") if t["label"] in ("2026-08-04", "2026-08-05")]
    assert alpha["stats"]["total"] == sum(len(t["entries"]) for t in twins) > 0
    assert alpha["reports"] == ["2026-08-04", "2026-08-05"]


@pytest.mark.parametrize("flags,needle", [
    (("--week", "2026-W60"), "no week 60"),
    (("--week", "last week"), "not an ISO week"),
    (("--week", "2026-W32", "--since", "2026-08-01"), "either --week"),
    (("--since", "2026-08-09", "--until", "2026-08-01"), "after --until"),
])
def test_bad_periods_are_one_line_errors(tmp_path, cli, flags, needle):
    assert_one_line_error(cli("digest", "--out", tmp_path, *flags), needle)


def test_periods():
    assert parse_week("2026-W33") == (date(2026, 8, 10), date(2026, 8, 16))
    assert parse_week("2020-W53") == (date(2020, 12, 28), date(2021, 1, 3))
    now = datetime(2026, 8, 12, 1, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Wednesday of W33
    assert resolve_period(tz="Asia/Shanghai", now=now) == ("2026-W32", date(2026, 8, 3), date(2026, 8, 9))
    assert resolve_period(since="2026-08-01", until="2026-08-01") == ("2026-08-01", date(2026, 8, 1), date(2026, 8, 1))
    with pytest.raises(InputError):
        parse_week("2026-W00")
