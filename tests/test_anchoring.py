"""Rate anchoring: tuned thresholds moved so that commits newer than the labels are flagged at the labeled
period's rates. Pure functions on synthetic scores, then `train` and `evaluate --after` end to end on two
real repositories of ../shared (real embeddings, real models)."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from conftest import SHARED, assert_one_line_error, run_cli, write_jsonl

from commitradar.classifier.anchoring import anchor_policy, anchor_pools, threshold_for_share
from commitradar.classifier.persist import CARD_FILE
from commitradar.classifier.policy import TierPolicy
from commitradar.classifier.runtime import ModelClassifier
from commitradar.dataset import read_commits, write_commits
from commitradar.features import extract
from commitradar.records import Commit, FileChange

DATA = SHARED / "data"
TWO_REPOS = [str(DATA / "commits" / f"{name}.jsonl.gz") for name in ("llm-compressor", "lmdeploy")]


def _commit(sha: str, repo: str, day: str) -> Commit:
    at = datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)
    return Commit(repo=repo, sha=sha, author="a", author_email_domain="x.org", authored_at=at, committed_at=at,
                  parents=("0" * 40,), subject="s", body="", files=(FileChange("a.py", 1, 0),))


@pytest.mark.parametrize("share", [0.0, 0.05, 0.2, 0.5, 1.0])
def test_threshold_for_share_flags_that_share(share):
    values = np.random.default_rng(0).random(1000)
    t = threshold_for_share(values, share)
    assert abs(np.mean(values >= t) - share) <= 0.002


def test_threshold_for_share_with_ties_never_flags_more():
    values = np.array([0.9] * 10 + [0.1] * 90)
    assert np.mean(values >= threshold_for_share(values, 0.05)) <= 0.05
    assert np.mean(values >= threshold_for_share(values, 0.10)) == 0.10


def test_anchor_policy_keeps_the_rates_when_scores_drift_up():
    rng = np.random.default_rng(1)
    ref = np.c_[rng.beta(1, 8, 4000), rng.beta(2, 2, 4000)]  # (P(high), P(low))
    new = np.c_[np.clip(ref[:2000, 0] * 2.5, 0, 1), np.clip(ref[:2000, 1] - 0.2, 0, 1)]  # later: less low, more high
    policy = TierPolicy(high_threshold=0.25, medium_threshold=0.5)
    anchored, info = anchor_policy(policy, ref, new)
    assert anchored.high_threshold > policy.high_threshold and anchored.medium_threshold > policy.medium_threshold
    ref_high = np.mean(ref[:, 0] >= policy.high_threshold)
    assert info["high_share"] == pytest.approx(ref_high, abs=1e-4)
    assert info["new_high_share_before"] > 2 * ref_high  # the drift the anchoring undoes
    assert np.mean(new[:, 0] >= anchored.high_threshold) == pytest.approx(ref_high, abs=0.002)
    ref_sent = np.mean(1 - ref[:, 1] >= policy.medium_threshold)
    assert np.mean(1 - new[:, 1] >= anchored.medium_threshold) == pytest.approx(ref_sent, abs=0.002)
    assert info["tuned"] == {"high_threshold": 0.25, "medium_threshold": 0.5}


def test_anchor_policy_gives_each_repository_its_own_high_threshold():
    rng = np.random.default_rng(3)
    ref = np.c_[rng.beta(1, 8, 3000), rng.random(3000)]
    ref_repos = ["o/drifts"] * 1000 + ["o/steady"] * 1000 + ["o/small"] * 1000
    new = np.vstack([ref[:500], ref[1000:1500], ref[2000:2040]])
    new_repos = ["o/drifts"] * 500 + ["o/steady"] * 500 + ["o/small"] * 40  # o/small: too few for its own
    new[:500, 0] = np.clip(new[:500, 0] * 3, 0, 1)  # o/drifts scores three times higher now
    policy = TierPolicy(high_threshold=0.2, medium_threshold=0.5)
    anchored, info = anchor_policy(policy, ref, new, np.asarray(ref_repos), np.asarray(new_repos))
    assert set(anchored.repo_high_thresholds) == {"o/drifts", "o/steady"} == set(info["repos"])
    assert all(type(r) is str for r in anchored.repo_high_thresholds)  # not np.str_: the card prints them
    assert anchored.repo_high_thresholds["o/drifts"] > 0.4
    assert anchored.repo_high_thresholds["o/steady"] == pytest.approx(0.2, abs=0.03)
    for repo in ("o/drifts", "o/steady"):
        rows = np.array(new_repos) == repo
        ref_share = np.mean(ref[np.array(ref_repos) == repo, 0] >= 0.2)
        tiers = anchored.apply(new[rows, 0], new[rows, 1], [repo] * rows.sum())
        assert np.mean(np.array(tiers) == "high") == pytest.approx(ref_share, abs=0.005)
    # a repository without its own threshold (or none given) uses the pooled one
    assert anchored.high_threshold_for("o/small") == anchored.high_threshold_for(None) == anchored.high_threshold
    assert anchored.apply([0.99], [0.0], ["x/unknown"]) == ["high"]


def test_high_threshold_override_holds_for_every_repository():
    from types import SimpleNamespace

    from commitradar.classifier.policy import policy_with_overrides

    policy = TierPolicy(0.1, 0.6, {"o/a": 0.3})
    assert policy_with_overrides(policy, SimpleNamespace(high_threshold=None, medium_threshold=0.7)) == \
        TierPolicy(0.1, 0.7, {"o/a": 0.3})
    assert policy_with_overrides(policy, SimpleNamespace(high_threshold=0.5, medium_threshold=None)) == \
        TierPolicy(0.5, 0.6, {})


def test_anchor_policy_without_drift_keeps_the_thresholds_close():
    rng = np.random.default_rng(2)
    scores = np.c_[rng.random(6000), rng.random(6000)]
    policy = TierPolicy(high_threshold=0.8, medium_threshold=0.4)
    anchored, _ = anchor_policy(policy, scores[:3000], scores[3000:])
    assert anchored.high_threshold == pytest.approx(0.8, abs=0.03)
    assert anchored.medium_threshold == pytest.approx(0.4, abs=0.03)


def test_anchor_pools_split_by_date_repository_and_label():
    commits = [_commit("a1", "o/a", "2026-01-01"), _commit("a2", "o/a", "2026-03-01"),
               _commit("a3", "o/a", "2026-06-30"), _commit("a4", "o/a", "2026-07-01"),
               _commit("b1", "o/b", "2026-01-05"), _commit("b2", "o/b", "2026-08-01"),
               _commit("z0", "o/a", "2025-01-01")]
    pools = anchor_pools(commits, labeled_shas={"a2"}, labeled_repos={"o/a"}, start="2025-07-01", cut="2026-07-01")
    assert [c.sha for c in pools.reference] == ["a1", "a3"]  # a2 is labeled (out-of-fold scores stand in), z0 too old
    assert [c.sha for c in pools.new] == ["a4", "b2"]  # from the cut on, any repository; b1: unlabeled repo, older
    assert pools.cut == "2026-07-01"


@pytest.fixture(scope="module")
def two_repo_labels(tmp_path_factory) -> Path:
    ours = Path(__file__).resolve().parents[1] / "data" / "labels" / "manual.jsonl"
    rows = [json.loads(line) for f in (DATA / "labels" / "expert_train.jsonl", ours) for line in f.read_text().splitlines()]
    rows = [r for r in rows if r["repo"].endswith(("llm-compressor", "lmdeploy"))]  # 112 high
    return write_jsonl(tmp_path_factory.mktemp("labels") / "two.jsonl", rows)


TINY_FLAGS = ["--param", "tree_max_iter=10", "--param", "linear_max_iter=300", "--param", "inner_folds=2",
              "--param", "calibration_folds=2"]


@pytest.mark.slow  # about 20 s: trains twice over the dataset's newer commits
def test_train_anchors_the_tiny_model_on_newer_commits(cache_dir, tmp_path):
    """Fast loop: the tiny configuration trained on expert labels and anchored on the 150 newest commits
    of one repository flags them high at the labeled period's rate (the labeled rows' held-out scores are
    the reference: the commits file holds no other older commit)."""
    rows = [json.loads(line) for line in (DATA / "labels" / "expert_train.jsonl").read_text().splitlines()]
    picked = [r for r in rows if r["tier"] == "high"]
    for tier in ("medium", "low"):  # the same labels as test_model.py's small set: their vectors are cached
        picked += sorted((r for r in rows if r["tier"] == tier), key=lambda r: r["sha"])[:50]
    labels = write_jsonl(tmp_path / "labels.jsonl", picked)
    shas = {r["sha"] for r in picked}
    every = read_commits(*sorted((DATA / "commits").glob("*.jsonl.gz")))
    last = max(r["date"] for r in picked)
    new = sorted((c for c in every if c.repo == "vllm-project/vllm-ascend" and c.committed_at.date().isoformat() > last),
                 key=lambda c: c.committed_at)[:150]
    commits = tmp_path / "commits.jsonl"
    write_commits(commits, [c for c in every if any(c.sha.startswith(s) for s in shas)] + new)
    out = tmp_path / "m"
    res = run_cli("train", "--labels", labels, "--commits", commits, "--out", out, "--cv", "2", "--cache", cache_dir,
                  *TINY_FLAGS, timeout=900)
    assert res.returncode == 0, res.stderr
    card = json.loads((out / CARD_FILE).read_text())
    info = card["anchor"]
    assert info["cut"] > last and info["new_commits"] == 150 and info["repos"] == {}
    assert info["reference_commits"] == card["n_labels"]  # only the labeled rows, scored out of fold
    assert card["policy"]["high_threshold"] != info["tuned"]["high_threshold"]
    verdicts = ModelClassifier.load(out, cache_dir=cache_dir).classify([(c, extract(c)) for c in new])
    assert np.mean([v.tier == "high" for v in verdicts]) == pytest.approx(info["high_share"], abs=1.01 / 150)
    assert "rate anchoring on 150 commits" in res.stdout and "rate anchoring on" in (out / "MODEL_CARD.md").read_text()


@pytest.mark.slow
def test_train_anchors_thresholds_on_commits_newer_than_the_labels(two_repo_labels, cache_dir, tmp_path):
    out = tmp_path / "m"
    res = run_cli("train", "--labels", two_repo_labels, "--commits", *TWO_REPOS, "--out", out, "--cv", "3",
                  "--cache", cache_dir, timeout=900)
    assert res.returncode == 0, res.stderr
    card = json.loads((out / CARD_FILE).read_text())
    info = card["anchor"]
    last = max(json.loads(line)["date"] for line in two_repo_labels.read_text().splitlines())
    assert info["cut"] > last and card["policy_target"]["anchor"] is True
    assert card["policy"] != info["tuned"]
    card_md = (out / "MODEL_CARD.md").read_text()
    assert "rate anchoring on" in res.stdout and "rate anchoring on" in card_md
    assert all(f"{t:.4f} for {r}" in card_md for r, t in card["policy"]["repo_high_thresholds"].items())
    assert "np.str_" not in card_md
    # the saved model flags the new commits high at the reference rate
    new = [c for c in read_commits(*TWO_REPOS) if c.committed_at.date().isoformat() >= info["cut"]]
    assert len(new) == info["new_commits"]
    verdicts = ModelClassifier.load(out, cache_dir=cache_dir).classify([(c, extract(c)) for c in new])
    assert set(info["repos"]) == {"InternLM/lmdeploy", "vllm-project/llm-compressor"}  # ≥ 100 commits each side
    assert card["policy"]["repo_high_thresholds"] == {r: v["high_threshold"] for r, v in info["repos"].items()}
    for repo, per in info["repos"].items():  # each repository keeps its own high share
        tiers = [v.tier for c, v in zip(new, verdicts) if c.repo == repo]
        assert np.mean([t == "high" for t in tiers]) == pytest.approx(per["high_share"], abs=1.01 / len(tiers))
        assert any(f"high at ≥ {per['high_threshold']:.2f}" in v.reasons[0]
                   for c, v in zip(new, verdicts) if c.repo == repo)
    assert any(v["new_high_share_before"] != pytest.approx(v["high_share"], abs=0.01) for v in info["repos"].values())

    plain = tmp_path / "plain"
    res = run_cli("train", "--labels", two_repo_labels, "--commits", *TWO_REPOS, "--out", plain, "--cv", "3",
                  "--cache", cache_dir, "--no-anchor", timeout=900)
    assert res.returncode == 0, res.stderr
    card = json.loads((plain / CARD_FILE).read_text())
    assert card["anchor"] == {"off": "--no-anchor"} and card["policy"] == {**info["tuned"], "repo_high_thresholds": {}}
    assert "rate anchoring off" in res.stdout


@pytest.mark.slow
def test_evaluate_after_anchors_on_the_commits_from_that_date(two_repo_labels, cache_dir, tmp_path):
    out = tmp_path / "fwd.json"
    res = run_cli("evaluate", "--labels", two_repo_labels, "--commits", *TWO_REPOS, "--after", "2026-03-01",
                  "--json", out, "--cache", cache_dir, timeout=900)
    assert res.returncode == 0, res.stderr
    data = json.loads(out.read_text())
    n_new = sum(c.committed_at.date().isoformat() >= "2026-03-01" for c in read_commits(*TWO_REPOS))
    assert data["anchor"]["cut"] == "2026-03-01" and data["anchor"]["new_commits"] == n_new
    assert "rate anchoring on" in res.stdout


def test_anchor_flag_needs_after(two_repo_labels, tmp_path):
    res = run_cli("evaluate", "--labels", two_repo_labels, "--commits", *TWO_REPOS, "--no-anchor",
                  "--json", tmp_path / "x.json")
    assert_one_line_error(res, "--anchor/--no-anchor needs --after")
    assert res.returncode == 2 and not (tmp_path / "x.json").exists()


def test_too_few_labels_of_a_tier_is_a_one_line_error(two_repo_labels, cache_dir, tmp_path):
    rows = [json.loads(line) for line in two_repo_labels.read_text().splitlines()]
    few = tmp_path / "few.jsonl"  # 3 high labels cannot feed 5 date folds with calibration inside
    write_jsonl(few, [r for r in rows if r["tier"] == "high"][:3] + [r for r in rows if r["tier"] != "high"])
    res = run_cli("train", "--labels", few, "--commits", *TWO_REPOS, "--out", tmp_path / "m", "--cache", cache_dir,
                  "--no-anchor", timeout=900)
    assert_one_line_error(res, "too few labels of some tier")
    assert res.returncode == 2 and not (tmp_path / "m").exists()
