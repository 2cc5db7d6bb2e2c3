"""The words reports use for tiers and change types, and our names for them: ``parse_tier``,
``map_change_type`` (free-form 变更类型 text) and ``change_type_from_subject`` (a commit subject's
conventional prefix or [Tag], through the one conventional-commit parser in ``features.title``)."""
from __future__ import annotations

import re
from collections.abc import Mapping

from ..features.title import parse_conventional

#: Tier words of the reports. The text wins over the emoji (the reports contain e.g. "🔵 中" and "🟡 中等").
TIER_WORDS: tuple[tuple[str, str], ...] = (
    ("高", "high"), ("中", "medium"), ("低", "low"),
    ("high", "high"), ("medium", "medium"), ("med", "medium"), ("mid", "medium"), ("low", "low"),
)
TIER_EMOJI: Mapping[str, str] = {"🔴": "high", "🟠": "high", "🟡": "medium", "🟢": "low"}

#: Free-form Chinese (or English) 变更类型 text → our change-type code. A type text such as
#: "功能增强 / 架构变更（…）" is cut into parts at / 、 + , & ; (parentheses dropped); the FIRST part that
#: contains a keyword decides. Inside one part the first matching row of this table wins, so the more specific
#: words come first ("功能重构" is a refactor, "兼容性修复" a bug fix, "CI 配置" is CI).
CHANGE_TYPE_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("bug", "bugfix"), ("修复", "bugfix"), ("fix", "bugfix"), ("缺陷", "bugfix"), ("修正", "bugfix"),
    ("回退", "other"), ("revert", "other"),
    ("性能", "performance"), ("perf", "performance"), ("加速", "performance"),
    ("重构", "refactor"), ("refactor", "refactor"), ("架构", "refactor"), ("清理", "refactor"),
    ("cleanup", "refactor"),
    ("测试", "test"), ("test", "test"),
    ("文档", "docs"), ("doc", "docs"), ("注释", "docs"), ("readme", "docs"),
    ("ci", "ci_build"), ("构建", "ci_build"), ("build", "ci_build"), ("流水线", "ci_build"),
    ("打包", "ci_build"), ("发布", "ci_build"),
    ("依赖", "deps_config"), ("配置", "deps_config"), ("dependenc", "deps_config"), ("deps", "deps_config"),
    ("config", "deps_config"), ("版本升级", "deps_config"),
    ("功能", "feature"), ("feat", "feature"), ("新增", "feature"), ("特性", "feature"), ("新功能", "feature"),
    ("其他", "other"), ("其它", "other"), ("other", "other"), ("misc", "other"),
)
_CI_EXACT = ("ci",)  # ASCII keywords that must be whole words ("efficiency" is not CI)
_TYPE_PATTERNS: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(re.escape(w) if not w.isascii() else
                rf"(?<![a-z]){re.escape(w)}" + (r"(?![a-z])" if w in _CI_EXACT else "")), code)
    for w, code in CHANGE_TYPE_KEYWORDS)
_TYPE_SPLIT = re.compile(r"\s*(?:/|／|、|\+|,|，|&|;|；|\|)\s*")
_PARENS = re.compile(r"（[^）]*）|\([^)]*\)|【[^】]*】")

#: When a report gives no 变更类型 (the LLM call failed), the commit subject's conventional prefix or
#: leading [Tag] decides; anything else is "other".
SUBJECT_TYPE_HINTS: Mapping[str, str] = {
    "feat": "feature", "feature": "feature", "model": "feature", "new model": "feature",
    "fix": "bugfix", "bugfix": "bugfix", "bug": "bugfix", "hotfix": "bugfix",
    "perf": "performance", "performance": "performance",
    "refactor": "refactor", "cleanup": "refactor",
    "test": "test", "tests": "test", "testfix": "test",
    "doc": "docs", "docs": "docs", "documentation": "docs",
    "ci": "ci_build", "build": "ci_build", "ci/build": "ci_build", "docker": "ci_build",
    "deps": "deps_config", "dependencies": "deps_config", "chore(deps)": "deps_config", "config": "deps_config",
    "revert": "other", "misc": "other", "chore": "other",
}
#: Last resort: the first word of the subject once tags and prefixes are gone ("Fix ...", "Revert ...").
SUBJECT_FIRST_WORDS: Mapping[str, str] = {
    "fix": "bugfix", "fixes": "bugfix", "fixed": "bugfix", "bugfix": "bugfix", "hotfix": "bugfix",
    "revert": "other", "optimize": "performance", "speed": "performance", "refactor": "refactor",
    "docs": "docs", "doc": "docs", "document": "docs", "bump": "deps_config", "upgrade": "deps_config",
    "support": "feature", "implement": "feature", "introduce": "feature", "deflake": "test",
}
_SUBJECT_TAGS = re.compile(r"\[([^\]]+)\]")
_SUBJECT_WORD = re.compile(r"^(?:\s*\[[^\]]*\]\s*:?)*\s*([A-Za-z]+)")


def map_change_type(text: str | None) -> str | None:
    """The change-type code of a free-form 变更类型 text, or None when no known type is named.

    >>> map_change_type("功能增强 / 架构变更"), map_change_type("Bug 修复"), map_change_type("配置调整")
    ('feature', 'bugfix', 'deps_config')
    """
    if not text:
        return None
    cleaned = _PARENS.sub(" ", text)
    if not cleaned.strip(" *_`"):
        cleaned = text
    for part in _TYPE_SPLIT.split(cleaned.casefold()):
        part = part.strip(" *_`.。:：")
        if not part:
            continue
        for pattern, code in _TYPE_PATTERNS:
            if pattern.search(part):
                return code
    return None


def parse_tier(text: str | None) -> str | None:
    """``🔴高`` / ``🟡 中`` / ``低`` / ``High`` / ``🟢`` → high | medium | low, else None."""
    if not text:
        return None
    body = re.sub(r"^[^\w]+", "", text.strip()).casefold()
    for word, tier in TIER_WORDS:
        if body.startswith(word):
            if word.isascii() and len(body) > len(word) and body[len(word)].isalpha():
                continue  # "higher", "lowest", "midway" are not tier words
            return tier
    for ch in text[:4]:
        if ch in TIER_EMOJI:
            return TIER_EMOJI[ch]
    return None


def change_type_from_subject(subject: str | None) -> str:
    """Fallback change type from a commit subject: conventional prefix, else the first known [Tag], else other."""
    if subject:
        conv = parse_conventional(subject)
        if conv:
            if conv.scope and "deps" in conv.scope.casefold():
                return "deps_config"
            if conv.type in SUBJECT_TYPE_HINTS:
                return SUBJECT_TYPE_HINTS[conv.type]
        for tag in _SUBJECT_TAGS.findall(subject):
            key = tag.strip().casefold()
            if key in SUBJECT_TYPE_HINTS:
                return SUBJECT_TYPE_HINTS[key]
        w = _SUBJECT_WORD.match(subject)
        if w and w.group(1).casefold() in SUBJECT_FIRST_WORDS:
            return SUBJECT_FIRST_WORDS[w.group(1).casefold()]
    return "other"
