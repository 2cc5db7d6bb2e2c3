"""Rules presets as data: the ``argus`` formula (../shared/docs/argus-formula.md) and the ``default``
preset aimed at the importance rubric. Commits are built as plain dataclasses: the rules are pure."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commitradar.classifier import CLASSIFIERS, PRESETS, RulesClassifier
from commitradar.classifier.presets import argus_file_type, argus_type
from commitradar.config import Config
from commitradar.errors import InputError
from commitradar.features import extract
from commitradar.records import CHANGE_TYPES, TIERS, Commit, FileChange

T0 = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)


def commit(subject: str, files: dict[str, tuple[int, int] | None], body: str = "") -> Commit:
    return Commit(repo="o/r", sha="a" * 40, author="A", author_email_domain="x.org", authored_at=T0,
                  committed_at=T0, parents=("b" * 40,), subject=subject, body=body,
                  files=tuple(FileChange(p, *(v if v else (None, None))) for p, v in files.items()))


def decide(preset: str, c: Commit):
    return PRESETS.get(preset).decide(c, extract(c))


# ------------------------------------------------------------------------------------------ argus


@pytest.mark.parametrize("subject, expected", [
    ("feat: x", "feat"), ("fix(sched): x", "fix"), ("perf(attn): x", "perf"), ("chore: x", "chore"),
    ("feat!: x", None), ("Fix: x", None), ("[Bugfix] x", None), ("model: support x", None), ("feature: x", None),
])
def test_argus_reads_only_lower_case_conventional_prefixes(subject, expected):
    assert argus_type(subject) == expected


def test_argus_worked_examples():
    # feat (8) + size 600 (3) + core files (2) + 6 files (2) = 15 → high
    big_feat = commit("feat: new backend", {f"pkg/m{i}.py": (100, 0) for i in range(6)})
    assert decide("argus", big_feat).tier == "high"
    assert "score 15" in decide("argus", big_feat).reasons[-1]
    # [Bugfix] tag is "no prefix" (3) + 20 lines (0) + core (2) + 1 file (0) = 5 → low
    tagged_fix = commit("[Bugfix] fix crash in scheduler", {"pkg/sched.py": (10, 10)})
    assert decide("argus", tagged_fix).tier == "low"
    # the formula's known flaw: a 3,000-line docs migration (2 + 3 + 0 + 2 = 7) outranks ...
    docs = commit("docs: migrate the docs", {f"docs/p{i}.md": (300, 0) for i in range(10)})
    assert decide("argus", docs).tier == "medium"
    # ... a 3-line default change without a prefix (3 + 0 + 2 + 0 = 5)
    default = commit("Change the default scheduler to fcfs", {"pkg/config.py": (2, 1)})
    assert decide("argus", default).tier == "low"


def test_argus_file_type_extension_before_test_name_and_ties_are_core():
    assert argus_file_type(commit("x", {"tests/test_a.py": (1, 0), "tests/test_b.py": (1, 0)})) == "core"
    assert argus_file_type(commit("x", {"a.yaml": (1, 0), "b.yml": (1, 0), "c.py": (1, 0)})) == "config"
    assert argus_file_type(commit("x", {"a.md": (1, 0), "b.yaml": (1, 0)})) == "core"  # tie
    assert argus_file_type(commit("x", {"k.cu": (1, 0), "run.sh": (1, 0)})) == "core"  # nothing counted
    assert argus_file_type(commit("x", {"README.md": (1, 0), "docs/a.rst": (1, 0), "x.py": (1, 0)})) == "doc"


# ------------------------------------------------------------------------------------------ default


def test_default_new_model_is_high_and_reasons_name_the_rules():
    c = commit("[Model] Support Step-3.5-Flash model (#18084)",
               {"pkg/models/step3p5.py": (700, 0), "pkg/models/registry.py": (3, 0), "tests/test_step.py": (50, 0)})
    v = decide("default", c)
    assert v.tier == "high" and v.change_type == "feature" and v.classifier == "rules:default"
    assert any(r.startswith("new-model") for r in v.reasons)


@pytest.mark.parametrize("subject, files, tier, ctype, cap", [
    # "support ... model" scores like a new model, but a docs-only change is capped at low
    ("[Doc] Support guide for the new Step-3.5 model", {"docs/step.md": (3000, 10)}, "low", "docs", "docs-only"),
    ("[CI] Bump actions/checkout from 4 to 5", {".github/workflows/ci.yml": (1, 1)}, "low", "ci_build", None),
    ("Add regression test for empty batches", {"tests/test_batch.py": (80, 0)}, "low", "test", None),
    ("[NPU] Fix crash in attention on Ascend", {"pkg/attn_npu.py": (400, 30)}, "medium", "bugfix", "platform-scoped"),
])
def test_default_caps_and_types(subject, files, tier, ctype, cap):
    v = decide("default", commit(subject, files))
    assert (v.tier, v.change_type) == (tier, ctype)
    if cap:
        assert any(r.startswith(cap) and "cap" in r for r in v.reasons)


def test_default_small_default_change_is_not_low():
    v = decide("default", commit("Change the default scheduler policy to fcfs", {"pkg/scheduler.py": (2, 1)}))
    assert v.tier in ("medium", "high") and any(r.startswith("behaviour-change") for r in v.reasons)


@settings(max_examples=60, deadline=None)
@given(subject=st.text(max_size=120), paths=st.lists(st.sampled_from(
    ["a.py", "docs/x.md", "tests/test_a.py", ".github/w.yml", "csrc/k.cu", "pkg/models/m.py", "setup.py", "bin.png"]),
    max_size=5, unique=True))
def test_every_preset_always_answers_a_known_tier_and_type(subject, paths):
    c = commit(subject, {p: (None if p.endswith(".png") else (5, 1)) for p in paths})
    for name in PRESETS:
        v = decide(name, c)
        assert v.tier in TIERS and v.change_type in CHANGE_TYPES and v.reasons


def test_classifiers_come_from_registries():
    clf = CLASSIFIERS.get("rules")(Config(classifier="rules", rules_preset="argus"))
    assert isinstance(clf, RulesClassifier) and clf.name == "rules:argus"
    c = commit("feat: x", {"a.py": (1, 0)})
    assert clf.classify([(c, extract(c))])[0].classifier == "rules:argus"
    with pytest.raises(InputError, match="unknown rules preset 'nope'.*argus, default"):
        RulesClassifier("nope")
