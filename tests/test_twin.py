"""The one twin reader (``commitradar.twin``): what ``report`` writes reads back whole, format 2 only, a broken
twin is one clear error, and the site page path is the one the site writes."""
from __future__ import annotations

import json
import re

import pytest
from conftest import DAY, run_cli

from commitradar.errors import InputError
from commitradar.twin import FORMAT_VERSION, read_twin, site_folder, site_page_path


@pytest.fixture(scope="module")
def twin_file(day_repo, tmp_path_factory):
    repo, _ = day_repo
    out = tmp_path_factory.mktemp("twin-out")
    res = run_cli("-q", "report", "--repo", repo.path, "--date", DAY, "--tz", "Asia/Shanghai", "--classifier", "rules",
                  "--out", out, "--lang", "en")
    assert res.returncode == 0, res.stderr
    return next((out / "reports").rglob("*.json"))


def test_a_written_twin_reads_back_whole(twin_file):
    data = json.loads(twin_file.read_text())
    twin = read_twin(data, str(twin_file), path=twin_file)
    assert data["format_version"] == FORMAT_VERSION == twin.format_version
    assert (twin.repo, twin.label, twin.lang) == (data["repo"], data["label"], "en")
    assert twin.path == twin_file and twin.day.isoformat() == DAY
    assert [e.sha for e in twin.entries] == [e["commit"]["sha"] for e in data["entries"]]
    for e, raw in zip(twin.entries, data["entries"]):
        assert (e.anchor, e.tier, e.subject, e.author) == (raw["anchor"], raw["verdict"]["tier"],
                                                           raw["commit"]["subject"], raw["commit"]["author"])
        assert e.areas == tuple(c["category"] for c in raw["features"]["categories"])
        assert (e.breaking is None) == (raw["breaking"] is None)
        if e.breaking is not None:
            assert (e.breaking.kind, e.breaking.what) == (raw["breaking"]["kind"], raw["breaking"]["what"])
        assert e.prose["summary"] == raw["prose"]["summary"]
    assert [(i.kind, i.sha, i.anchor) for i in twin.items] == \
        [(i["kind"], i["sha"], i["anchor"]) for i in data["headline"]["items"]]
    assert twin.stats.model_dump() == data["stats"]


@pytest.mark.parametrize("change,needle", [
    ({"format_version": 1}, "format_version: 1"),
    ({"format_version": None}, "format_version: none"),
    ({"label": "yesterday"}, "label"),
    ({"entries": [{"anchor": "x"}]}, "entries.0"),
    ({"headline": {"items": [{"kind": "gossip", "sha": "a", "anchor": "a", "text": "t"}], "overview": None}},
     "headline.items.0.kind"),
])
def test_a_broken_or_older_twin_is_one_clear_error(twin_file, change, needle):
    data = {**json.loads(twin_file.read_text()), **change}
    with pytest.raises(InputError) as err:
        read_twin(data, "day.json")
    msg = str(err.value)
    assert "\n" not in msg and msg.startswith("day.json: ") and needle in msg.lower()


def test_breaking_kinds_are_the_contracts(twin_file):
    data = json.loads(twin_file.read_text())
    entry = dict(data["entries"][0], breaking={"kind": "vibes", "what": "x"})
    with pytest.raises(InputError, match=r"entries\.0\.breaking\.kind"):
        read_twin({**data, "entries": [entry]})


def test_the_site_skips_a_format_1_twin_naming_it(twin_file, tmp_path):
    out = tmp_path / "out"
    folder = out / "reports" / "2026" / "acme" / "tool"
    folder.mkdir(parents=True)
    data = json.loads(twin_file.read_text())
    (folder / f"{DAY}.json").write_text(json.dumps(data))
    old = {k: v for k, v in data.items() if k not in ("format_version", "headline")}
    (folder / "2026-03-09.json").write_text(json.dumps(old))
    res = run_cli("site", "--out", out)
    assert res.returncode == 0, res.stderr
    assert "2026-03-09.json" in res.stderr and "format 2" in res.stderr
    assert (out / "site" / site_page_path(data["repo"], DAY)).is_file()
    assert not (out / "site" / site_page_path(data["repo"], "2026-03-09")).exists()


def test_delivery_refuses_a_format_1_twin_naming_it(twin_file, tmp_path):
    from commitradar.sinks.config import SinkConfig
    from commitradar.sinks.deliver import deliver

    old = tmp_path / "old.json"
    old.write_text(json.dumps({**json.loads(twin_file.read_text()), "format_version": 1}))
    with pytest.raises(InputError, match=r"old\.json.*format 2"):
        deliver([old], [SinkConfig(type="webhook", url="http://127.0.0.1:9/hook")], tmp_path / "cache")


@pytest.mark.parametrize("repo,page", [
    ("vllm-project/vllm-ascend", "repos/vllm-project/vllm-ascend/2026-03-12.html"),
    ("demo", "repos/demo/2026-03-12.html"),
    ("../../etc", "repos/_/_/etc/2026-03-12.html"),
    ("a b/c:d", "repos/a_b/c_d/2026-03-12.html"),
])
def test_site_page_path(repo, page):
    assert site_page_path(repo, "2026-03-12") == page
    assert page.startswith(site_folder(repo) + "/")
    assert not re.search(r"(^|/)\.\.(/|$)", page)
