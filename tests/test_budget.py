"""The attention budget (issue 14): at most max(1, ceil(share·n)) highs per repository and day."""
from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import numpy as np
import pytest

from commitradar.classifier.policy import apply_budget, budget_of_reasons, budget_reason, budget_size
from commitradar.classifier.runtime import ModelClassifier
from commitradar.classifier.vector import MODEL_MAPPING
from commitradar.records import Commit


@pytest.mark.parametrize(("n", "share", "k"), [(1, 0.1, 1), (10, 0.1, 1), (11, 0.1, 2), (21, 0.1, 3), (30, 0.1, 3),
                                               (5, 0.5, 3)])
def test_budget_size(n, share, k):
    assert budget_size(n, share) == k


def test_apply_budget_keeps_the_top_highs_of_each_group_and_counts_every_commit():
    tiers = ["high", "high", "low", "high", "medium", "high"]
    p = [0.5, 0.9, 0.1, 0.3, 0.2, 0.4]
    groups = ["a", "a", "a", "a", "a", "b"]
    out, demoted = apply_budget(tiers, p, groups, 0.1)
    assert out == ["medium", "high", "low", "medium", "medium", "high"]
    assert demoted == [True, False, False, True, False, False]
    out, demoted = apply_budget(tiers, p, groups, 0.5)  # 5 commits of a → 3 may stay high
    assert out == tiers and not any(demoted)


def test_budget_reason_round_trips():
    assert budget_of_reasons(["P(high)=0.4", budget_reason(3, 25)]) == (3, 25)
    assert budget_of_reasons(["P(high)=0.4"]) is None


class _Stub:
    """Stands in for the fitted model: P(high) from a table, no embedding."""

    def __init__(self, p_high):
        self.p_high = np.asarray(p_high)
        self.classes_ = np.asarray(["high", "medium", "low"])
        self.n_embedding = 0
        self.policy_ = None

    def head_scores(self, X):
        return self.p_high, np.full(len(self.p_high), 0.1)

    def predict_type(self, X):
        return np.asarray(["feature"] * len(X))

    def linear_contributions(self, X, tier):
        return None

    def neighbours(self, X):
        return [[] for _ in range(len(X))]


def test_model_classifier_applies_the_budget_per_local_day(monkeypatch):
    import commitradar.classifier.runtime as runtime
    from commitradar.classifier.policy import TierPolicy

    width = len(runtime.hand_feature_names(MODEL_MAPPING))
    monkeypatch.setattr(runtime, "design_matrix", lambda commits, embedder, mapping: np.zeros((len(commits), width)))
    # 23:30 UTC on the 1st is the 2nd in Shanghai: the three commits share one local day
    times = [datetime(2026, 3, 1, 23, 30, tzinfo=UTC), datetime(2026, 3, 2, 1, tzinfo=UTC),
             datetime(2026, 3, 2, 2, tzinfo=UTC)]
    commits = [Commit(repo="o/a", sha=f"{i:040d}", author="a", author_email_domain="x.org", authored_at=t,
                      committed_at=t, parents=(), subject="x", body="", files=()) for i, t in enumerate(times)]
    classifier = ModelClassifier(_Stub([0.6, 0.8, 0.7]), {}, embedder=None,
                                 policy=TierPolicy(high_threshold=0.5, medium_threshold=0.5), mapping=MODEL_MAPPING,
                                 high_budget=0.1, tz="Asia/Shanghai")
    verdicts = classifier.classify([(c, SimpleNamespace()) for c in commits])
    assert [v.tier for v in verdicts] == ["medium", "high", "medium"]
    assert budget_of_reasons(verdicts[0].reasons) == (1, 3) and budget_of_reasons(verdicts[1].reasons) is None
    classifier.high_budget = None
    assert [v.tier for v in classifier.classify([(c, SimpleNamespace()) for c in commits])] == ["high"] * 3
