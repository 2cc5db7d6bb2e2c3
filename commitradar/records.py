"""Plain data that crosses a stage boundary: mine → features → classifier → writer → report.

Every class is a frozen dataclass that turns into JSON with :func:`to_dict`. ``Commit`` without the
diff text is exactly one line of the dataset format in ``../shared/data/commits/``.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime, timedelta
from typing import Any

TIERS = ("high", "medium", "low")
CHANGE_TYPES = (
    "feature", "bugfix", "performance", "refactor", "test", "docs", "ci_build", "deps_config", "other",
)


@dataclass(frozen=True)
class FileChange:
    path: str
    added: int | None  # None for binary files, as in the dataset
    deleted: int | None

    @property
    def binary(self) -> bool:
        return self.added is None

    @property
    def lines(self) -> int:
        return (self.added or 0) + (self.deleted or 0)


@dataclass(frozen=True)
class Commit:
    repo: str
    sha: str
    author: str
    author_email_domain: str
    authored_at: datetime
    committed_at: datetime
    parents: tuple[str, ...]
    subject: str
    body: str
    files: tuple[FileChange, ...]
    remote_url: str | None = field(default=None, compare=False)  # web page of the repository, when known
    source_path: str | None = field(default=None, compare=False, repr=False)  # local clone, for lazy diffs

    @property
    def n_files(self) -> int:
        return len(self.files)

    @property
    def added(self) -> int:
        return sum(f.added or 0 for f in self.files)

    @property
    def deleted(self) -> int:
        return sum(f.deleted or 0 for f in self.files)

    @property
    def is_merge(self) -> bool:
        return len(self.parents) > 1

    def to_record(self) -> dict[str, Any]:
        """The dataset line (``../shared/data/README.md``): no diff, no remote."""
        return {
            "repo": self.repo,
            "sha": self.sha,
            "author": self.author,
            "author_email_domain": self.author_email_domain,
            "authored_at": self.authored_at.isoformat(),
            "committed_at": self.committed_at.isoformat(),
            "parents": list(self.parents),
            "subject": self.subject,
            "body": self.body,
            "files": [{"path": f.path, "added": f.added, "deleted": f.deleted} for f in self.files],
            "n_files": self.n_files,
            "added": self.added,
            "deleted": self.deleted,
        }


@dataclass(frozen=True)
class CategoryStat:
    category: str
    files: int
    added: int
    deleted: int


BREAKING_KINDS = (
    "removal", "rename", "default_change", "dropped_support", "dependency_bump", "format_change", "regression",
)


@dataclass(frozen=True)
class Breaking:
    """A change a user must know about or act on (see ``features.breaking``). Language-neutral facts: the
    report phrases ``what`` in its own language from ``kind`` and ``subject``."""

    kind: str  # one of BREAKING_KINDS
    subject: str  # the thing affected, as the source names it: "--enable-foo", "CANN", "vLLM v0.23", "layer sharding"
    evidence: str  # the source text it was read from (untrusted; quoted when shown)
    source: str = "body"  # where the evidence is: subject | body | footer | paths | diff
    version: str | None = None  # the version named, for dependency_bump / dropped_support


@dataclass(frozen=True)
class PRBody:
    """The structure of a PR description (see ``features.prbody``): template noise, test logs, checklists
    and bot text removed; hard-wrapped lines joined into whole sentences."""

    template: str | None = None  # which template was recognised, e.g. "vllm-ascend", "sglang", or None
    what: tuple[str, ...] = ()  # what the change does and why, whole sentences or list items, in order
    user_facing: str | None = None  # answer to "user-facing change?": "yes", "no", or None when not answered
    user_facing_text: tuple[str, ...] = ()  # the sentences of that answer
    tested: bool = False  # a test plan or test results section with content
    empty: bool = True  # nothing descriptive at all (empty, or only template, logs and sign-offs)
    squash: bool = False  # the body was a squash-merge commit list (its substantive lines are used only if alone)
    truncated: bool = False  # the body was cut by the dataset (2,000 characters): its last text may be partial
    marked_breaking: bool = False  # a checked "Breaking change" box of the template
    breaking_notes: tuple[str, ...] = ()  # text under "Breaking change(s)" / BC-breaking / BREAKING CHANGE:, bots' too
    reverted_sha: str | None = None  # from "This reverts commit <sha>."
    bot: tuple[str, ...] = ()  # sentences of bots' summaries (CodeRabbit, …): never shown, read for breaking cues


@dataclass(frozen=True)
class Features:
    """Deterministic facts about one commit (see ``commitradar.features``)."""

    title: str  # subject without tags, conventional prefix and PR number
    tags: tuple[str, ...]  # lower-cased PR-title tags, e.g. ("npu", "perf")
    conventional_type: str | None
    conventional_scope: str | None
    breaking_mark: bool  # the author marked it breaking: "feat!:", a [Breaking] tag, a BREAKING CHANGE footer
    pr_number: int | None
    is_revert: bool
    is_merge: bool
    is_dependency_bump: bool
    categories: tuple[CategoryStat, ...]  # ordered by lines changed, largest first
    top_dirs: tuple[str, ...]
    n_files: int
    added: int
    deleted: int
    n_binary: int
    docs_only: bool
    tests_only: bool
    ci_only: bool
    pr: PRBody = PRBody()  # the PR description's structure
    breaking: Breaking | None = None  # a detected breaking / action-needed change
    reverts: str | None = None  # for a revert: the subject of the commit it undoes, when known
    reverted_sha: str | None = None  # for a revert: the commit it undoes, when the message names it

    @property
    def category_names(self) -> frozenset[str]:
        return frozenset(c.category for c in self.categories)

    @property
    def lines(self) -> int:
        return self.added + self.deleted


@dataclass(frozen=True)
class Verdict:
    tier: str
    change_type: str
    reasons: tuple[str, ...]  # rule hits / strongest features, human-readable
    classifier: str  # registry name that decided, e.g. "rules:default", "model"
    probabilities: dict[str, float] | None = None  # calibrated tier probabilities, when a model decided


@dataclass(frozen=True)
class Insights:
    architecture: str = ""
    performance: str = ""
    security: str = ""
    maintainability: str = ""


@dataclass(frozen=True)
class Prose:
    """The writer's answer. Which fields are filled depends on the tier's schema."""

    summary: tuple[str, ...]
    impact: tuple[str, ...] = ()
    insights: Insights | None = None
    risks: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    source: str = "deterministic"  # deterministic | llm | fallback
    note: str = ""  # visible marker, e.g. why the LLM answer was not used
    tokens_in: int = 0
    tokens_out: int = 0


@dataclass(frozen=True)
class Entry:
    commit: Commit
    features: Features
    verdict: Verdict
    prose: Prose


@dataclass(frozen=True)
class HeadlineItem:
    kind: str  # must_read | breaking | dependency
    sha: str
    text: str  # one line in the report's language (untrusted parts are escaped when rendered)


@dataclass(frozen=True)
class Headline:
    """The day at a glance: must-read commits, breaking changes, version and dependency moves."""

    items: tuple[HeadlineItem, ...] = ()
    overview: str | None = None  # 2–4 sentences from the LLM, when one was asked and answered


@dataclass(frozen=True)
class DayReport:
    repo: str
    remote_url: str | None
    start: datetime
    end: datetime
    timezone: str
    entries: tuple[Entry, ...]  # ordered: tier (high first), then time (newest first)
    classifier: str
    writer: str
    notes: tuple[str, ...] = ()  # one-line remarks shown in the report (no LLM configured, budget hit, ...)
    usage: dict[str, Any] | None = None  # LLM accounting (tokens per tier, calls, failures), if an LLM wrote
    lang: str = "zh"  # the language the prose was written in; rendering uses it unless told otherwise
    headline: Headline = Headline()

    @property
    def label(self) -> str:
        """The day (or window) the report is about, e.g. ``2026-02-03``."""
        first = self.start.date()
        last = (self.end - timedelta(microseconds=1)).date()
        return first.isoformat() if first == last else f"{first.isoformat()}..{last.isoformat()}"

    def count(self, tier: str) -> int:
        return sum(1 for e in self.entries if e.verdict.tier == tier)


def to_dict(obj: Any) -> Any:
    """JSON-ready view of any dataclass above (datetimes as ISO strings, diffs dropped)."""
    if isinstance(obj, Commit):
        rec = obj.to_record()
        rec["remote_url"] = obj.remote_url
        return rec
    if isinstance(obj, FileChange):
        return {"path": obj.path, "added": obj.added, "deleted": obj.deleted}
    if isinstance(obj, datetime):
        return obj.isoformat()
    if hasattr(obj, "__dataclass_fields__"):
        return {f.name: to_dict(getattr(obj, f.name)) for f in fields(obj)}
    if isinstance(obj, (list, tuple)):
        return [to_dict(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_dict(v) for k, v in obj.items()}
    if isinstance(obj, frozenset):
        return sorted(obj)
    return obj


def repo_folders(repo: str) -> tuple[str, ...]:
    """The folders a repository's reports are filed under: its full name, ``owner/name`` → ``("owner",
    "name")`` (a folder name alone is one level), so alice/tool and bob/tool never share a file. A character a
    file system may refuse becomes ``_`` and no part starts with a dot (``../x`` stays inside)."""
    parts = tuple("".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in part.strip()).lstrip(".") or "_"
                  for part in repo.replace("\\", "/").split("/") if part.strip())
    return parts or ("repo",)


__all__ = [
    "TIERS", "CHANGE_TYPES", "BREAKING_KINDS", "FileChange", "Commit", "CategoryStat", "Breaking", "PRBody",
    "Features", "Verdict", "Insights", "Prose", "Entry", "HeadlineItem", "Headline", "DayReport", "to_dict",
    "repo_folders",
]
