"""A fixed-order numeric view of ``Features`` (plus rule hits and the argus score) for trained models.

``hand_features`` is a pure function; ``hand_feature_names`` fixes the column order. Change either and
bump ``VECTOR_VERSION``: models record it and refuse to load against another version. The per-category
columns follow the categories of the path mapping the features were extracted with: a model records its
mapping (``MODEL_MAPPING`` for models trained now) and is always fed features of that mapping.
"""
from __future__ import annotations

import math

import numpy as np

from ..features.paths import MODEL_V1_MAPPING
from ..features.prcues import STRUCTURE_NAMES, structure_features
from ..features.rubric import RUBRIC_NAMES, rubric_features
from ..features.title import is_platform_scoped
from ..records import Commit, Features
from .presets import ARGUS, DEFAULT

VECTOR_VERSION = 4  # 2: rubric cues (features/rubric.py); 3: platform_tag reads the one PLATFORM_TAGS table (21 tags, was 13);
# 4: PR-structure cues (features/prcues.py: the parsed description, medium/high rubric cues, breaking kinds)

# The path categories new models are trained with (and record in their card): the frozen mapping of
# features/paths.py, whose categories are the fixed feature columns (paths.CATEGORIES).
MODEL_MAPPING = MODEL_V1_MAPPING

CONVENTIONAL = ("feat", "fix", "perf", "refactor", "test", "docs", "ci", "build", "chore", "revert")
TAGS = ("bugfix", "perf", "feat", "model", "misc", "docs", "ci", "test", "refactor", "npu", "amd", "quantization",
        "quant", "spec", "pd", "kernel", "core", "lint", "build", "deps", "release", "feature", "bug", "ops",
        "eplb", "moe", "platform", "attention", "lora", "multimodal", "bench", "benchmark", "example", "doc")


def _rule_names() -> list[str]:
    return [f"rule:{r.name}" for r in DEFAULT.rules] + [f"cap:{c.name}" for c in DEFAULT.caps]


def categories_of(mapping) -> tuple[str, ...]:
    """The categories a path mapping can give, in its order (each once), ``other`` (no pattern matched) last."""
    names = tuple(dict.fromkeys(cat for cat, _ in mapping))
    return names if "other" in names else names + ("other",)


def hand_feature_names(mapping=MODEL_MAPPING) -> list[str]:
    categories = categories_of(mapping)
    return (
        ["rules_score", "argus_score", "log_added", "log_deleted", "log_files", "log_source_lines", "log_body",
         "n_tags", "has_pr", "breaking", "revert", "merge", "dep_bump", "docs_only", "tests_only", "ci_only",
         "binary", "platform_tag", "no_prefix"]
        + [f"frac:{c}" for c in categories]
        + [f"has:{c}" for c in categories]
        + [f"conv:{t}" for t in CONVENTIONAL]
        + [f"tag:{t}" for t in TAGS]
        + _rule_names()
        + RUBRIC_NAMES
        + STRUCTURE_NAMES
    )


def hand_features(commit: Commit, feats: Features, categories: tuple[str, ...] = categories_of(MODEL_MAPPING)) -> np.ndarray:
    """One row of hand features; ``feats`` extracted with a mapping whose categories are ``categories``."""
    score, hits = DEFAULT.score(commit, feats)
    hit_names = {r.name for r in hits}
    argus_score, _ = ARGUS.score(commit, feats)
    total = max(1, feats.lines)
    per_cat = {c.category: c for c in feats.categories}
    source = sum(c.added + c.deleted for c in feats.categories if c.category in ("core", "kernel", "model"))
    tags = set(feats.tags)
    values = [
        score, argus_score, math.log1p(feats.added), math.log1p(feats.deleted), math.log1p(feats.n_files),
        math.log1p(source), math.log1p(len(commit.body)), len(tags), feats.pr_number is not None, feats.breaking_mark,
        feats.is_revert, feats.is_merge, feats.is_dependency_bump, feats.docs_only, feats.tests_only, feats.ci_only,
        feats.n_binary > 0, is_platform_scoped(feats.tags), feats.conventional_type is None and not tags,
    ]
    values += [(per_cat[c].added + per_cat[c].deleted) / total if c in per_cat else 0.0 for c in categories]
    values += [c in per_cat for c in categories]
    values += [feats.conventional_type == t for t in CONVENTIONAL]
    values += [t in tags for t in TAGS]
    values += [r.name in hit_names for r in DEFAULT.rules]
    values += [c.when(commit, feats) for c in DEFAULT.caps]
    values += rubric_features(commit)
    values += structure_features(commit, feats)
    return np.asarray(values, dtype=np.float32)


def hand_matrix(items, mapping=MODEL_MAPPING) -> np.ndarray:
    """Hand features of (commit, features) pairs whose features were extracted with ``mapping``."""
    categories = categories_of(mapping)
    rows = [hand_features(c, f, categories) for c, f in items]
    return np.stack(rows) if rows else np.zeros((0, len(hand_feature_names(mapping))), dtype=np.float32)
