"""Rules as data: a preset is a table of scoring rules, caps, thresholds and change-type rules.

A rule is (name, points, predicate, reason). A commit's score is the sum of the points of the rules that
hit; thresholds turn the score into a tier; caps (docs-only → at most low, ...) bound it. Change type is the
first matching type rule. Every hit is reported, so a reader sees why a tier was chosen.
Presets live in the ``PRESETS`` registry: ``default`` (aimed at the importance rubric) and ``argus`` (the
reference system's formula, ``../shared/docs/argus-formula.md``).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..records import Commit, Features, Verdict
from ..registry import Registry

Predicate = Callable[[Commit, Features], bool]
TIER_ORDER = {"low": 0, "medium": 1, "high": 2}


@dataclass(frozen=True)
class Rule:
    name: str
    points: int
    when: Predicate
    reason: str


@dataclass(frozen=True)
class Cap:
    name: str
    max_tier: str
    when: Predicate
    reason: str


@dataclass(frozen=True)
class TypeRule:
    name: str
    change_type: str
    when: Predicate


@dataclass(frozen=True)
class Preset:
    name: str
    rules: tuple[Rule, ...]
    high_at: int  # score >= high_at → high
    medium_at: int  # score >= medium_at → medium
    caps: tuple[Cap, ...] = ()
    type_rules: tuple[TypeRule, ...] = ()

    def score(self, commit: Commit, feats: Features) -> tuple[int, list[Rule]]:
        hits = [r for r in self.rules if r.when(commit, feats)]
        return sum(r.points for r in hits), hits

    def decide(self, commit: Commit, feats: Features) -> Verdict:
        score, hits = self.score(commit, feats)
        tier = "high" if score >= self.high_at else "medium" if score >= self.medium_at else "low"
        reasons = [f"{r.name} ({r.points:+d}): {r.reason}" for r in hits]
        for cap in self.caps:
            if TIER_ORDER[tier] > TIER_ORDER[cap.max_tier] and cap.when(commit, feats):
                tier = cap.max_tier
                reasons.append(f"{cap.name} (cap {cap.max_tier}): {cap.reason}")
        reasons.append(f"score {score} (high ≥ {self.high_at}, medium ≥ {self.medium_at})")
        return Verdict(tier, change_type(self.type_rules, commit, feats), tuple(reasons), f"rules:{self.name}")


def change_type(type_rules: Sequence[TypeRule], commit: Commit, feats: Features) -> str:
    for rule in type_rules:
        if rule.when(commit, feats):
            return rule.change_type
    return "other"


PRESETS: Registry[Preset] = Registry("rules preset")


class RulesClassifier:
    """Decides every commit with one preset. ``classify`` takes and returns lists, like a batch predict."""

    def __init__(self, preset: str = "default") -> None:
        self.preset = PRESETS.get(preset)
        self.name = f"rules:{self.preset.name}"

    def classify(self, items: Sequence[tuple[Commit, Features]]) -> list[Verdict]:
        return [self.preset.decide(c, f) for c, f in items]


# ---------------------------------------------------------------- building blocks for predicates

def words(pattern: str) -> Callable[[str], bool]:
    rx = re.compile(pattern, re.I)
    return lambda text: bool(rx.search(text))


def title_matches(pattern: str) -> Predicate:
    test = words(pattern)
    return lambda c, f: test(f.title) or test(c.subject)


def has_tag(*tags: str) -> Predicate:
    wanted = set(tags)
    return lambda c, f: bool(wanted.intersection(f.tags))


def conv(*types: str) -> Predicate:
    wanted = set(types)
    return lambda c, f: f.conventional_type in wanted


def touches(*categories: str) -> Predicate:
    wanted = set(categories)
    return lambda c, f: bool(wanted & f.category_names)


def source_lines(f: Features) -> int:
    return sum(s.added + s.deleted for s in f.categories if s.category in ("core", "kernel", "native", "model"))


def any_of(*preds: Predicate) -> Predicate:
    return lambda c, f: any(p(c, f) for p in preds)


def all_of(*preds: Predicate) -> Predicate:
    return lambda c, f: all(p(c, f) for p in preds)


def not_(pred: Predicate) -> Predicate:
    return lambda c, f: not pred(c, f)
