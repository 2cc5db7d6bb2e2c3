"""PR-structure cues (features/prcues.py): the rubric's medium and high cues as model features."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from commitradar.classifier.vector import hand_feature_names, hand_features
from commitradar.features import extract
from commitradar.features.prcues import STRUCTURE_NAMES, structure_features
from commitradar.records import Commit

T = datetime(2026, 3, 1, tzinfo=UTC)


def commit(subject: str, body: str = "") -> Commit:
    return Commit(repo="o/a", sha="a" * 40, author="a", author_email_domain="x.org", authored_at=T, committed_at=T,
                  parents=(), subject=subject, body=body, files=())


def cues(subject: str, body: str = "") -> set[str]:
    c = commit(subject, body)
    return {n for n, v in zip(STRUCTURE_NAMES, structure_features(c, extract(c))) if v}


@pytest.mark.parametrize(("subject", "body", "cue"), [
    ("[Feature] Add fused MoE path", "### What this PR does / why we need it?\nAn optional fused path, off by default.",
     "medium:opt_in"),
    ("[Kernel] Faster FP4 GEMM", "### What this PR does / why we need it?\nThis kernel is for SM120 only.",
     "medium:one_platform"),
    ("[KV Pool] Fix mooncake store lookup", "", "medium:kv_pool"),
    ("[Core] Add the request data contract", "### What this PR does / why we need it?\nThe interface is not yet used; "
     "follow-up PRs wire it in.", "medium:contract"),
    ("[CI] Bump runner timeout", "", "medium:test_ci_title"),
    ("[Misc] Remove the --enable-foo flag", "", "high:removal"),
    ("Make chunked prefill the default", "", "high:default_change"),
    ("Drop support for Python 3.9", "", "high:dropped_support"),
    ("[Model] Support Qwen3-Next", "", "high:new_model"),
    ("[Bugfix] Fix wrong outputs with prefix caching", "", "high:data_loss"),
    ("[Security] Load checkpoints with weights_only", "", "high:security"),
])
def test_rubric_cues_fire_on_their_sentences(subject, body, cue):
    assert cue in cues(subject, body)


def test_a_type_hint_is_not_an_optional_component():
    assert "medium:opt_in" not in cues("refactor: modernize observers with Python 3.10+ syntax",
                                       "Replace Optional[int] with int | None.")


def test_structure_columns_are_part_of_the_vector():
    c = commit("Drop support for Python 3.9")
    names = hand_feature_names()
    row = hand_features(c, extract(c))
    assert len(row) == len(names) and names[-len(STRUCTURE_NAMES):] == STRUCTURE_NAMES
    assert row[names.index("high:dropped_support")] == 1.0
