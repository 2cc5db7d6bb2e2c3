"""Signals in a commit's subject line: PR-title tags, conventional prefix, PR number, revert, merge, bumps.

The one change-type parser of the project: ``parse_conventional`` reads a commitizen-style
``type(scope)!: description`` prefix and ``parse_footers`` the trailer block (``BREAKING CHANGE: …``,
``Signed-off-by: …``). Pure functions over strings, property-tested in ``tests/test_features.py``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Tag spellings that mean the same thing. Keys and values are lower-case.
TAG_ALIASES = {
    "bug fix": "bugfix", "bug": "bugfix", "fix": "bugfix", "hotfix": "bugfix", "bugfixes": "bugfix",
    "performance": "perf", "optimization": "perf", "optimize": "perf", "opt": "perf",
    "feature": "feat", "features": "feat", "new feature": "feat",
    "doc": "docs", "documentation": "docs",
    "tests": "test", "testing": "test", "ut": "test", "unittest": "test", "e2e": "test", "testfix": "test",
    "ci/cd": "ci", "cicd": "ci",
    "refactoring": "refactor", "refactory": "refactor", "cleanup": "refactor", "clean up": "refactor",
    "dep": "deps", "dependency": "deps", "dependencies": "deps",
    "models": "model", "new model": "model",
    "ascend": "npu",
    "rocm": "amd",
    "spec decode": "spec", "speculative decoding": "spec", "speculative": "spec", "spec_decode": "spec",
    "pd disaggregation": "pd", "disaggregation": "pd", "pd-disagg": "pd",
}

# Tags that scope a change to one platform, vendor or hardware generation ("[NPU]", "[AMD]", "[SM100]"): the
# rubric's "one platform: at most medium" cue. One table for the rules and the model's features.
PLATFORM_TAGS = frozenset((
    "npu", "amd", "xpu", "cpu", "hpu", "tpu", "mlu", "musa", "intel", "nvidia", "b200", "h20", "sm100", "blackwell",
    "hopper", "gaudi", "310p", "a2", "a3", "mac", "metal",
))

CONVENTIONAL_TYPES = {
    "feat": "feat", "feature": "feat", "fix": "fix", "bugfix": "fix", "hotfix": "fix", "perf": "perf",
    "refactor": "refactor", "test": "test", "tests": "test", "docs": "docs", "doc": "docs", "ci": "ci",
    "build": "build", "chore": "chore", "style": "style", "revert": "revert", "deps": "deps", "misc": "chore",
}

_BRACKET = re.compile(r"\s*\[([^\[\]]{1,80})\]\s*:?\s*")
_SERIES = re.compile(r"^\s*(\d+\s*/\s*(?:\d+|n|N))\s*")
# commitizen's grammar, a little lenient: spaces around the parts, type words like ``ci/build`` or ``pre-commit``.
_CONVENTIONAL = re.compile(r"^\s*([A-Za-z][\w/-]{0,30})\s*(?:\(([^()]{0,60})\))?\s*(!)?\s*:\s*")
# A footer line (git trailer / conventional-commits footer): ``Token: value`` or ``Token #value``.
_FOOTER = re.compile(r"^(BREAKING[ -]CHANGE|[A-Za-z][A-Za-z0-9-]{0,40})(?::[ \t]+|[ \t]#)(\S.*)$")
_BREAKING_FOOTER = re.compile(r"^BREAKING[ -]CHANGE$", re.I)
_PR_NUMBER = re.compile(r"\(#([0-9]{1,9})\)\s*$|\s#([0-9]{1,9})\s*$")  # ASCII digits, int()-safe
_REVERT = re.compile(r"^\s*(revert\b|\[revert\])", re.I)
_MERGE = re.compile(r"^\s*Merge (pull request|branch|remote-tracking branch|tag)\b")
_BUMP = re.compile(
    r"\b(bump|bumps|upgrade|upgrades|update|updates|pin|unpin|downgrade)\b[^\n]{0,60}?"
    r"\b(from\s+v?\d|to\s+v?\d|version|==|>=|v\d+\.\d)",
    re.I,
)
_DEP_WORDS = re.compile(r"\b(deps?|dependabot|requirements?)\b", re.I)


@dataclass(frozen=True)
class Conventional:
    """A ``type(scope)!: description`` prefix as written (``type`` lower-cased, not yet mapped)."""

    type: str
    scope: str | None
    breaking: bool  # the ``!`` mark
    description: str
    end: int  # where the description starts in the parsed text


def parse_conventional(text: str) -> Conventional | None:
    """The conventional-commit prefix of ``text``, or None. Callers map ``type`` to their own vocabulary
    (``CONVENTIONAL_TYPES`` here, change-type codes in ``labels``).

    >>> parse_conventional("feat(model)!: add X")
    Conventional(type='feat', scope='model', breaking=True, description='add X', end=19)
    """
    m = _CONVENTIONAL.match(text)
    if not m:
        return None
    return Conventional(m.group(1).lower(), (m.group(2) or "").strip() or None, bool(m.group(3)),
                        text[m.end():].strip(), m.end())


def parse_footers(body: str) -> tuple[tuple[str, str], ...]:
    """Footers of a commit message: ``(token, value)`` pairs of its trailer lines, in order.

    A footer is a ``Token: value`` / ``Token #value`` line (``BREAKING CHANGE`` may contain a space); lines
    after one that are indented or not footers themselves continue its value. Only paragraphs made entirely
    of footers count (the commitizen / git-interpret-trailers rule), except that a ``BREAKING CHANGE:`` line
    counts wherever it starts a paragraph, since squash merges bury it above the sign-offs.
    """
    out: list[tuple[str, str]] = []
    for para in re.split(r"\n[ \t]*\n", body.replace("\r\n", "\n")):
        lines = [ln for ln in para.split("\n") if ln.strip()]
        if not lines:
            continue
        first = _FOOTER.match(lines[0].strip())
        if not first:
            continue
        found: list[list[str]] = []
        all_footers = True
        for ln in lines:
            m = _FOOTER.match(ln.strip()) if not ln[:1].isspace() else None
            if m:
                found.append([m.group(1), m.group(2).strip()])
            elif found and (ln[:1].isspace() or _BREAKING_FOOTER.match(found[-1][0])):
                found[-1][1] += " " + ln.strip()
            else:
                all_footers = False
                break
        if all_footers:
            out.extend((("BREAKING CHANGE" if _BREAKING_FOOTER.match(k) else k), v) for k, v in found)
        elif _BREAKING_FOOTER.match(first.group(1)):
            text = " ".join(ln.strip() for ln in lines)
            out.append(("BREAKING CHANGE", text.split(":", 1)[1].strip() if ":" in text else text))
    return tuple(out)


def breaking_footer(body: str) -> str | None:
    """The text of the first ``BREAKING CHANGE:`` footer, or None."""
    return next((v for k, v in parse_footers(body) if k == "BREAKING CHANGE"), None)


@dataclass(frozen=True)
class TitleParts:
    tags: tuple[str, ...]
    series: str | None  # "4/n" from "[4/n jit_kernel restruct]"
    conventional_type: str | None
    conventional_scope: str | None
    breaking: bool
    pr_number: int | None
    title: str  # what is left once tags, prefix and PR number are removed


def normalize_tag(raw: str) -> str:
    tag = re.sub(r"\s+", " ", raw.strip().lower())
    return TAG_ALIASES.get(tag, tag)


def split_tag(raw: str) -> tuple[str | None, list[str]]:
    """``"Diffsuion & JIT_kernel"`` → two tags; ``"4/n jit_kernel restruct"`` → series ``4/n`` and one tag."""
    series = None
    m = _SERIES.match(raw)
    if m:
        series = re.sub(r"\s+", "", m.group(1)).lower()
        raw = raw[m.end():]
    parts = [p for p in re.split(r"\s*(?:&|\+|,|\|)\s*", raw) if p.strip()]
    return series, [normalize_tag(p) for p in parts]


def parse_pr_number(subject: str) -> int | None:
    m = _PR_NUMBER.search(subject)
    if not m:
        return None
    return int(m.group(1) or m.group(2))


def parse_title(subject: str) -> TitleParts:
    """Split a subject line into tags, conventional prefix, PR number and the remaining title."""
    text = subject.strip().splitlines()[0] if subject.strip() else ""
    pr = parse_pr_number(text)
    if pr is not None:
        text = _PR_NUMBER.sub("", text).rstrip()
    tags: list[str] = []
    series = None
    ctype = cscope = None
    breaking = False
    # Leading tags and an optional conventional prefix may interleave: "[PD] feat: x", "[MiMo] [feat]: x".
    for _ in range(12):
        m = _BRACKET.match(text)
        if m:
            s, parts = split_tag(m.group(1))
            series = series or s
            tags.extend(p for p in parts if p not in tags)
            text = text[m.end():]
            continue
        conv = parse_conventional(text) if ctype is None else None
        if conv and conv.type in CONVENTIONAL_TYPES:
            ctype = CONVENTIONAL_TYPES[conv.type]
            cscope = conv.scope
            breaking = conv.breaking
            text = text[conv.end:]
            continue
        break
    # Trailing tags: "Fix foo [NPU]".
    while True:
        m = re.search(r"\s*\[([^\[\]]{1,40})\]\s*$", text)
        if not m or m.start() == 0:
            break
        s, parts = split_tag(m.group(1))
        series = series or s
        tags.extend(p for p in parts if p not in tags)
        text = text[: m.start()]
    if ctype is None:
        # A conventional word used as a tag ("[feat]", "[Bugfix]") still tells the type.
        for tag in tags:
            if tag in CONVENTIONAL_TYPES:
                ctype = CONVENTIONAL_TYPES[tag]
                break
    if "breaking" in tags or re.search(r"BREAKING[ -]CHANGE", subject):
        breaking = True
    return TitleParts(tuple(tags), series, ctype, cscope, breaking, pr, text.strip())


def is_platform_scoped(tags: tuple[str, ...]) -> bool:
    """Whether any of a title's (normalised) tags names one platform (see ``PLATFORM_TAGS``)."""
    return not PLATFORM_TAGS.isdisjoint(tags)


def is_revert(subject: str) -> bool:
    return bool(_REVERT.match(subject))


_REVERT_OF = re.compile(r"^\s*(?:\[revert\]\s*:?\s*|revert(?:s|ed)?\b\s*:?\s*)(.*)$", re.I | re.S)
_QUOTED = re.compile(r"^[\"“'‘](.*?)(?:[\"”'’])?\s*$", re.S)


def parse_revert(title: str) -> str | None:
    """What a revert undoes, from its title: ``Revert "X"`` → ``X`` (a missing closing quote is
    tolerated; an unquoted rest is taken as it is). None when the title is not a revert."""
    m = _REVERT_OF.match(title)
    if not m:
        return None
    rest = m.group(1).strip()
    q = _QUOTED.match(rest)
    if q:
        rest = q.group(1).strip()
    return rest or None


def is_merge_subject(subject: str) -> bool:
    return bool(_MERGE.match(subject))


def is_dependency_bump(subject: str, tags: tuple[str, ...] = (), conventional_scope: str | None = None) -> bool:
    if "deps" in tags or (conventional_scope or "").lower() in ("deps", "dependencies", "deps-dev"):
        return True
    return bool(_BUMP.search(subject)) or bool(_DEP_WORDS.search(subject) and re.search(r"\bbump", subject, re.I))
