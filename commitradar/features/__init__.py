"""Deterministic features of one commit: ``extract(commit) -> Features``.

Title signals live in :mod:`.title`, path categories in :mod:`.paths`, the PR description's structure in
:mod:`.prbody`, breaking-change detection in :mod:`.breaking`, the message embedding in :mod:`.embedding`
(loaded only when a model asks for it).
"""
from __future__ import annotations

from collections import defaultdict

from ..records import CategoryStat, Commit, Features
from .breaking import detect as detect_breaking
from .paths import MODEL_V1_MAPPING, CategoryMapping, area, categorize
from .prbody import parse as parse_body
from .title import breaking_footer, is_dependency_bump, is_merge_subject, is_revert, parse_revert, parse_title

FEATURE_VERSION = 1  # bump when extract() changes meaning; trained models record it


def extract(commit: Commit, mapping: CategoryMapping = MODEL_V1_MAPPING, diff=None) -> Features:
    """Facts about ``commit``. ``mapping`` sorts paths into areas: a report passes
    ``paths.mapping_for(repo, config.categories)``; the default is the mapping the shipped model learnt
    from, so training and scoring without one keep featurising as they always did. ``diff`` (the unified
    diff text, or a loader called with the commit) lets breaking-change detection read the code too."""
    parts = parse_title(commit.subject)
    per_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    per_area: dict[str, int] = defaultdict(int)
    n_binary = 0
    for f in commit.files:
        stat = per_cat[categorize(f.path, mapping)]
        stat[0] += 1
        stat[1] += f.added or 0
        stat[2] += f.deleted or 0
        per_area[area(f.path, 3)] += f.lines + 1
        n_binary += f.binary
    cats = tuple(
        sorted(
            (CategoryStat(c, *v) for c, v in per_cat.items()),
            key=lambda s: (-(s.added + s.deleted), -s.files, s.category),
        )
    )
    names = {c.category for c in cats}
    pr = parse_body(commit.body)
    revert = is_revert(commit.subject) or parts.conventional_type == "revert" or is_revert(parts.title)
    reverts = None
    if revert:
        reverts = parts.title if parts.conventional_type == "revert" else parse_revert(parts.title)
    tops = tuple(a for a, _ in sorted(per_area.items(), key=lambda kv: (-kv[1], kv[0]))[:6])
    return Features(
        title=parts.title,
        tags=parts.tags,
        conventional_type=parts.conventional_type,
        conventional_scope=parts.conventional_scope,
        breaking_mark=parts.breaking or pr.marked_breaking or breaking_footer(commit.body) is not None,
        pr_number=parts.pr_number,
        is_revert=revert,
        is_merge=commit.is_merge or is_merge_subject(commit.subject),
        is_dependency_bump=is_dependency_bump(commit.subject, parts.tags, parts.conventional_scope),
        categories=cats,
        top_dirs=tops,
        n_files=commit.n_files,
        added=commit.added,
        deleted=commit.deleted,
        n_binary=n_binary,
        docs_only=bool(names) and names <= {"docs"},
        tests_only=bool(names) and names <= {"test"},
        ci_only=bool(names) and names <= {"ci"},
        pr=pr,
        breaking=detect_breaking(commit, pr, parts, diff),
        reverts=reverts,
        reverted_sha=pr.reverted_sha if revert else None,
    )


__all__ = ["extract", "FEATURE_VERSION"]
