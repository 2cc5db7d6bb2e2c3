"""Issue 14 item 5: a signal of importance never sits beside a lower tier without what outweighed it.

Over real dataset days: every commit with a high signal (a breaking detection — removal, default change,
dropped support, a new required version — or a hit of the rules that alone mean high: a core dependency's
bump, a changed default, flag or API) is shown at each lower tier, by the model and by the rules, in both
languages, the way the report shows it (``report._low_text`` / the entry's reason). The text must say what
outweighed the signal; the number of commits where it does not is a violation count, and it must be 0.
"""
from __future__ import annotations

import random
from collections import defaultdict

import pytest
from conftest import SHARED

from commitradar.classifier.policy import budget_reason
from commitradar.dataset import read_commits
from commitradar.features import extract
from commitradar.i18n import STRINGS
from commitradar.records import Verdict
from commitradar.writer.reasons import (
    HIGH_SIGNAL_RULES,
    low_despite_breaking,
    reader_reason,
    rule_view,
    rules_point_higher,
    signal_tier,
)

OUTWEIGHED = ("reason_but_cap", "reason_but_score", "reason_but_model", "reason_budget", "reason_still")


def _markers(lang: str) -> list[str]:
    """The fixed words each 'what outweighed it' sentence starts with (the text before its first field)."""
    return [STRINGS[lang][k].split("{")[0].strip().lower() for k in OUTWEIGHED]


def _days(n_days: int, seed: int = 14):
    commits = read_commits(*sorted((SHARED / "data" / "commits").glob("*.jsonl.gz")))
    by_day = defaultdict(list)
    for c in commits:
        by_day[(c.repo, c.committed_at.date().isoformat())].append(c)
    keys = sorted(by_day)
    return [c for k in random.Random(seed).sample(keys, n_days) for c in by_day[k]]


@pytest.fixture(scope="module")
def signalled():
    """Commits of 150 seeded real (repository, day)s whose signals point to high, with their features."""
    out = []
    for c in _days(150):
        f = extract(c)
        view = rule_view(c, f, Verdict("low", "other", (), "model"))
        if f.breaking is not None or any(r.name in HIGH_SIGNAL_RULES for r in view.hits):
            out.append((c, f))
    return out


def shown(c, f, v: Verdict, lang: str) -> str:
    """What the report says beside the tier (the low line's closing sentence, or the entry's reason)."""
    if v.tier == "low" and f.breaking is not None:
        return low_despite_breaking(c, f, v, lang)
    return reader_reason(c, f, v, lang)


def test_no_importance_signal_beside_a_lower_tier_without_what_outweighed_it(signalled):
    assert len(signalled) >= 20, "the seeded days should hold commits with high signals"
    violations = []
    for c, f in signalled:
        for classifier in ("model", "rules:default"):
            for tier in ("medium", "low"):
                v = Verdict(tier, "other", (), classifier)
                assert signal_tier(rule_view(c, f, v), f) == "high"
                assert rules_point_higher(c, f, v)  # so the report shows the reason, low entries too
                for lang in ("en", "zh"):
                    text = shown(c, f, v, lang).lower()
                    if not any(m in text for m in _markers(lang)):
                        violations.append((c.sha[:10], classifier, tier, lang, text))
    assert violations == []


def test_a_budget_demotion_says_so_in_both_languages(signalled):
    c, f = signalled[0]
    v = Verdict("medium", "other", ("P(high)=0.40", budget_reason(2, 17)), "model")
    assert "high budget (2 of 17 commits)" in reader_reason(c, f, v, "en")
    assert "17 个提交中的 2 个" in reader_reason(c, f, v, "zh")
