"""Learning from corrections (issue 14): ``labels add --from-report`` turns a maintainer's correction of a
real report into a label that carries its commit, ``train`` finds that commit without a dataset file, and
the model card's curves (learning curve on an unseen repository, the high tier's precision–recall curve)."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from conftest import DAY, SHARED, assert_one_line_error, run_cli

from commitradar.classifier.curves import LC_PLOT, PR_PLOT, learning_curve, pr_curve
from commitradar.classifier.estimator import ImportanceModel
from commitradar.classifier.labeled import load_labeled
from commitradar.labels import read_labels

COMMITS = SHARED / "data" / "commits"


@pytest.fixture(scope="module")
def report(day_repo, tmp_path_factory):
    """A real report (Markdown + JSON twin) of the fixed day repository."""
    repo, shas = day_repo
    out = tmp_path_factory.mktemp("report")
    res = run_cli("-q", "report", "--repo", repo.path, "--date", DAY, "--tz", "Asia/Shanghai", "--classifier", "rules",
                  "--out", out, "--lang", "en")
    assert res.returncode == 0, res.stderr
    twin = next((out / "reports").rglob("*.json"))
    return twin, shas


def _entry(twin, sha):
    return next(e for e in json.loads(twin.read_text())["entries"] if e["commit"]["sha"] == sha)


def test_a_correction_becomes_a_label_carrying_its_commit(report, tmp_path):
    twin, shas = report
    sha = shas["feat"]
    was = _entry(twin, sha)["verdict"]
    out = tmp_path / "labels" / "corrections.jsonl"
    res = run_cli("labels", "add", "--from-report", twin, "--sha", sha[:8], "--tier", "medium",
                  "--reason", "one model family, opt-in", "--out", out)
    assert res.returncode == 0, res.stderr
    assert "added" in res.stdout and sha[:12] in res.stdout and f"the report said {was['tier']}" in res.stdout
    [rec] = [json.loads(line) for line in out.read_text().splitlines()]
    assert rec["sha"] == sha and rec["repo"] == "demo" and rec["date"] == DAY
    assert rec["tier"] == "medium" and rec["change_type"] == was["change_type"] and rec["source"] == "correction"
    assert rec["reason"] == "one model family, opt-in"
    assert rec["report"] == {"label": DAY, "tier": was["tier"], "classifier": "rules:default"}
    assert rec["commit"]["sha"] == sha and rec["commit"]["files"] and "Step-3.5-Flash" in rec["commit"]["subject"]
    [label] = read_labels(out)  # the labels format reads it back, the commit kept as an extra field
    assert label.extra["commit"]["sha"] == sha


def test_correcting_again_replaces_and_says_so(report, tmp_path):
    twin, shas = report
    out = tmp_path / "corrections.jsonl"
    other = {"repo": "o/n", "date": "2026-01-01", "sha": "a" * 40, "tier": "low", "change_type": "docs", "source": "manual"}
    out.write_text(json.dumps(other) + "\n")
    for tier, change_type in (("high", None), ("low", "docs")):
        args = ["--type", change_type] if change_type else []
        res = run_cli("labels", "add", shas["docs"], "--from-report", twin, "--tier", tier, *args, "--out", out)
        assert res.returncode == 0, res.stderr
    assert "replaced its label (high / " in res.stdout
    recs = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["sha"] for r in recs] == ["a" * 40, shas["docs"]]  # sorted by date; the other label kept
    assert recs[1]["tier"] == "low" and recs[1]["change_type"] == "docs"
    assert not list(out.parent.glob(".*"))  # written atomically: no temporary file left


def test_correction_errors_are_one_line(report, tmp_path):
    twin, shas = report
    out = tmp_path / "c.jsonl"
    base = ["labels", "add", "--from-report"]
    assert_one_line_error(run_cli(*base, twin, "--sha", "deadbeef", "--tier", "low", "--out", out),
                          "deadbeef", "no such commit")
    assert_one_line_error(run_cli(*base, twin.with_suffix(".md"), "--sha", shas["feat"], "--tier", "low", "--out", out),
                          "not a report JSON twin", ".json twin beside")
    assert_one_line_error(run_cli(*base, tmp_path / "none.json", "--sha", shas["feat"], "--tier", "low"), "no such file")
    assert_one_line_error(run_cli(*base, twin, "--sha", shas["feat"], "--tier", "urgent", "--out", out), "--tier")
    assert_one_line_error(run_cli(*base, twin, "--sha", "e9", "--tier", "low", "--out", out), "7 hex digits")
    assert_one_line_error(run_cli(*base, twin, "--tier", "low", "--out", out), "SHA")
    not_twin = tmp_path / "labels.json"
    not_twin.write_text(json.dumps({"sha": shas["feat"], "tier": "low"}))
    assert_one_line_error(run_cli(*base, not_twin, "--sha", shas["feat"], "--tier", "low"), "not a report JSON twin")
    # two entries sharing a prefix: the SHA is ambiguous
    data = json.loads(twin.read_text())
    a, b = data["entries"][0]["commit"], data["entries"][1]["commit"]
    b["sha"] = a["sha"][:10] + b["sha"][10:]
    twin2 = tmp_path / "twin.json"
    twin2.write_text(json.dumps(data))
    assert_one_line_error(run_cli(*base, twin2, "--sha", a["sha"][:8], "--tier", "low", "--out", out),
                          "matches 2 commits", "more digits")
    assert not out.exists()
    # without --from-report, the old form still needs its flags
    assert_one_line_error(run_cli("labels", "add", shas["feat"], "--tier", "low"), "--type", "--reason", "--commits")


def test_train_finds_a_corrected_commit_without_its_dataset(report, tmp_path):
    twin, shas = report
    out = tmp_path / "corrections.jsonl"
    for name, tier in (("feat", "medium"), ("docs", "low")):
        res = run_cli("labels", "add", "--from-report", twin, "--sha", shas[name], "--tier", tier, "--out", out)
        assert res.returncode == 0, res.stderr
    expert = tmp_path / "expert.jsonl"
    rows = [json.loads(line) for line in (SHARED / "data" / "labels" / "expert_train.jsonl").read_text().splitlines()]
    mine = [r for r in rows if r["repo"] == "vllm-project/llm-compressor"]
    expert.write_text("".join(json.dumps(r) + "\n" for r in mine))
    data = load_labeled([expert, out], [COMMITS / "llm-compressor.jsonl.gz"])  # no dataset holds "demo"
    demo = {c.sha: (c, t, s) for (c, _), t, s in zip(data.items, data.tiers, data.sources) if c.repo == "demo"}
    assert set(demo) == {shas["feat"], shas["docs"]}
    commit, tier, source = demo[shas["feat"]]
    assert tier == "medium" and source == "correction" and commit.files and "Step-3.5-Flash" in commit.subject
    assert len(data.items) == len(mine) + 2


# ------------------------------------------------------------------------------------------ the curves


def test_pr_curve_points_and_the_shipped_threshold():
    rng = np.random.default_rng(0)
    y = rng.random(500) < 0.08
    p = np.clip(0.3 * y + 0.5 * rng.random(500), 0, 1)
    pr = pr_curve(y, p, high_threshold=0.35)
    pts = pr["points"]
    assert 30 <= len(pts) <= 50
    assert [pt["threshold"] for pt in pts] == sorted((pt["threshold"] for pt in pts), reverse=True)
    assert all(a["recall"] <= b["recall"] and a["flagged"] <= b["flagged"] for a, b in zip(pts, pts[1:]))
    assert pts[-1]["recall"] == 1.0 and pts[-1]["flagged"] == 1.0
    s = pr["shipped"]
    assert s["threshold"] == 0.35 and s["flagged"] == pytest.approx(np.mean(p >= 0.35), abs=1e-4)
    assert s["recall"] == pytest.approx(np.sum((p >= 0.35) & y) / y.sum(), abs=1e-4)
    assert 0 < pr["average_precision"] <= 1 and pr["n_high"] == int(y.sum())


def test_learning_curve_leaves_each_repository_out_with_nested_draws():
    rng = np.random.default_rng(1)
    repos = np.repeat(["a/x", "b/y", "c/z"], 60)
    tiers = rng.choice(["high", "medium", "low"], size=len(repos), p=[0.2, 0.5, 0.3])
    X = rng.normal(size=(len(repos), 6)) + (tiers == "high")[:, None] * 1.5 - (tiers == "low")[:, None]
    dates = np.array([f"2026-01-{1 + i % 28:02d}" for i in range(len(repos))])
    mask = np.tile(np.arange(60) < 30, 3)  # the first 30 of each repository are scored, the rest drawn from
    types = np.where(tiers == "low", "docs", "feature")
    est = ImportanceModel(n_embedding=4, tree_max_iter=5, linear_max_iter=300, inner_folds=2, calibration_folds=2)
    lc = learning_curve(est, X, tiers, types, dates, repos, mask, sizes=(0, 5, 10), draws=2)
    assert lc["sizes"] == [0, 5, 10] and set(lc["repos"]) == {"a/x", "b/y", "c/z"}
    for r in lc["repos"].values():
        assert r["n_test"] == 30 and r["n_pool"] == 30
        assert len(r["by_size"]["0"]["macro_f1"]["values"]) == 1 and len(r["by_size"]["10"]["macro_f1"]["values"]) == 2
    for k in ("0", "5", "10"):
        assert set(lc["pooled"][k]) == {"macro_f1", "high_recall", "high_precision", "high_share"}
        assert 0 <= lc["pooled"][k]["macro_f1"]["mean"] <= 1
    with pytest.raises(Exception, match="fewer than 40"):
        learning_curve(est, X, tiers, types, dates, repos, mask, sizes=(0, 40), draws=1)


def test_update_card_writes_the_curves_and_keeps_the_model_loadable(tmp_path):
    from conftest import ROOT

    from commitradar.classifier.persist import check_out_dir, load_model, update_card

    model = tmp_path / "model"
    shutil.copytree(ROOT / "data" / "model", model)
    for name in (PR_PLOT, LC_PLOT):
        (model / name).unlink(missing_ok=True)
    y = np.r_[np.ones(10, bool), np.zeros(90, bool)]
    p = np.r_[np.linspace(0.2, 0.9, 10), np.linspace(0, 0.5, 90)]
    pooled = {str(k): {key: {"mean": 0.5, "sd": 0.01, "values": [0.5], "min": 0.5, "max": 0.5}
                       for key in ("macro_f1", "high_recall", "high_precision", "high_share")} for k in (0, 10)}
    lc = {"sizes": [0, 10], "draws": 1, "pooled": pooled, "command": "commitradar evaluate --learning-curve",
          "repos": {"o/n": {"n_test": 5, "n_test_high": 1, "n_pool": 20, "by_size": pooled}}}
    written = update_card(model, pr_curve={**pr_curve(y, p, 0.3), "source": "test"}, learning_curve=lc)
    assert {p.name for p in written} == {"model_card.json", "MODEL_CARD.md", PR_PLOT, LC_PLOT}
    md = (model / "MODEL_CARD.md").read_text()
    assert f"]({PR_PLOT})" in md and f"]({LC_PLOT})" in md and "--high-threshold" in md
    assert (model / PR_PLOT).read_text().lstrip().startswith("<?xml")
    _, card = load_model(model)  # the model files are untouched: their sha256 still hold
    assert card["pr_curve"]["shipped"]["threshold"] == 0.3 and card["learning_curve"]["sizes"] == [0, 10]
    check_out_dir(model)  # a folder with the plots is still a model folder `train --out` may replace


def test_evaluate_curve_flags_are_checked_first(tmp_path):
    labels = SHARED / "data" / "labels" / "expert_train.jsonl"
    base = ["evaluate", "--labels", labels, "--commits", COMMITS / "llm-compressor.jsonl.gz"]
    assert_one_line_error(run_cli(*base, "--update-card"), "--update-card needs")
    assert_one_line_error(run_cli(*base, "--learning-curve", "--cv", "5"), "--learning-curve is its own")
    assert_one_line_error(run_cli(*base, "--learning-curve", "--sizes", "0,x"), "--sizes")
    assert_one_line_error(run_cli(*base, "--learning-curve", "--draws", "0"), "--draws", "above 0")
