"""The report's JSON twin (``docs/report-json.md``, format 2), read in one place for everyone who reads
twins (the site, the feeds, the digest, the chat sinks), and where a report's page lives on the site.

:func:`read_twin` validates a twin with pydantic and returns a frozen :class:`Twin`; a broken or foreign file
is a one-line ``InputError`` naming the first bad field. Only format 2 is read: every twin this version
writes is format 2 (``report.REPORT_FORMAT_VERSION``), and a twin of another format is refused rather than
guessed at. Unknown fields are ignored (new fields may appear at any time; ``format_version`` changes when a
field changes meaning). Fields a reader does not need may be missing: the models default them.

Every text here came from commits or from the report and is untrusted: whoever shows it escapes it.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, field_validator

from .errors import InputError
from .records import BREAKING_KINDS

FORMAT_VERSION = 2
_LABEL = re.compile(r"^\d{4}-\d{2}-\d{2}(?:\.\.\d{4}-\d{2}-\d{2})?$")
_SEGMENT = re.compile(r"[^A-Za-z0-9._-]")


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class HeadItem(_Model):
    kind: Literal["must_read", "breaking", "dependency"]
    sha: str
    anchor: str
    text: str
    title: str | None = None  # the commit's subject


class Headline(_Model):
    items: list[HeadItem]
    overview: str | None  # required, may be null


class Breaking(_Model):
    kind: Literal[BREAKING_KINDS]  # type: ignore[valid-type]
    what: str
    subject: str | None = None
    evidence: str | None = None
    source: str | None = None
    version: str | None = None


class Commit(_Model):
    sha: str = Field(min_length=1)
    subject: str
    author: str = ""
    committed_at: str = ""  # ISO 8601, the commit's own offset
    remote_url: str | None = None


class Category(_Model):
    category: str


class Features(_Model):
    categories: list[Category] = []
    is_dependency_bump: bool = False


class Verdict(_Model):
    tier: Literal["high", "medium", "low"]
    change_type: str = "other"
    probabilities: dict[str, float] | None = None


class Entry(_Model):
    anchor: str
    commit_url: str | None
    pr_url: str | None
    reason: str | None = None
    breaking: Breaking | None
    commit: Commit
    verdict: Verdict
    features: Features = Features()
    prose: dict[str, Any] = {}  # summary, impact, insights, risks, suggestions, source, note

    @property
    def sha(self) -> str:
        return self.commit.sha

    @property
    def short(self) -> str:
        return self.commit.sha[:7]

    @property
    def subject(self) -> str:
        return self.commit.subject

    @property
    def author(self) -> str:
        return self.commit.author

    @property
    def committed_at(self) -> str:
        return self.commit.committed_at

    @property
    def tier(self) -> str:
        return self.verdict.tier

    @property
    def change_type(self) -> str:
        return self.verdict.change_type

    @property
    def areas(self) -> tuple[str, ...]:
        """Path categories, largest first."""
        return tuple(c.category for c in self.features.categories)

    @property
    def area(self) -> str:
        return self.areas[0] if self.areas else "other"

    @property
    def dependency(self) -> bool:
        """A dependency bump (a fact of the commit, or the breaking detection's kind)."""
        return self.features.is_dependency_bump or (self.breaking is not None and self.breaking.kind == "dependency_bump")

    @property
    def p_high(self) -> float | None:
        """The model's P(high), when a model decided."""
        return (self.verdict.probabilities or {}).get("high")


class Stats(_Model):
    total: int
    high: int
    medium: int
    low: int


class Twin(_Model):
    """A report's JSON twin (format 2)."""

    format_version: Literal[2]
    repo: str
    remote_url: str | None
    label: str
    start: datetime
    end: datetime
    timezone: str = ""
    lang: Literal["zh", "en"]
    classifier: str = ""
    writer: str = ""
    stats: Stats
    headline: Headline
    entries: list[Entry]
    notes: list[str] = []
    general_notes: list[str] = []
    _path: Path | None = PrivateAttr(default=None)  # the file it was read from, when it was read from one

    @field_validator("label")
    @classmethod
    def _day_or_range(cls, v: str) -> str:
        if not _LABEL.match(v):
            raise ValueError("not a day (YYYY-MM-DD) or a range (A..B)")
        return v

    @property
    def items(self) -> list[HeadItem]:
        return self.headline.items

    @property
    def overview(self) -> str | None:
        return self.headline.overview

    @property
    def day(self) -> date | None:
        """The day of a one-day report (None for a range)."""
        return None if ".." in self.label else date.fromisoformat(self.label)

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def updated(self) -> datetime:
        """When this report was written (its file's modification time; the report's end when not read from a
        file), for feeds."""
        if self._path is None:
            return self.end.astimezone(UTC)
        return datetime.fromtimestamp(self._path.stat().st_mtime, UTC)


def read_twin(data: Any, where: str = "report", path: Path | None = None) -> Twin:
    """Validate a twin (a parsed JSON object); ``where`` names it in errors, ``path`` is kept on it."""
    if not isinstance(data, Mapping):
        raise InputError(f"{where}: not a report JSON twin (expected an object)")
    version = data.get("format_version")
    if version != FORMAT_VERSION:
        raise InputError(f"{where}: not a report JSON twin of format {FORMAT_VERSION} (format_version: {version!r}); "
                         f"write it again with this version of commitradar")
    try:
        twin = Twin.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(top)"
        raise InputError(f"{where}: not a report JSON twin: {loc}: {err['msg'].lower()}") from None
    twin._path = Path(path) if path is not None else None
    return twin


# ------------------------------------------------------------------ where a report lives on the site


def site_folder(repo: str) -> str:
    """A repository's folder on the site, ``repos/<owner>/<name>``: each part of the name one safe path
    segment (``..`` and ``.`` cannot climb out)."""
    parts = [p for p in repo.strip("/").split("/") if p] or ["repo"]
    safe = [_SEGMENT.sub("_", p) if p not in (".", "..") else "_" for p in parts]
    return "repos/" + "/".join(safe)


def site_page_path(repo: str, label: str) -> str:
    """A report's page, from the site's root: ``repos/<owner>/<name>/<label>.html`` (what ``commitradar
    site`` writes and what chat messages link to)."""
    return f"{site_folder(repo)}/{label}.html"


__all__ = ["FORMAT_VERSION", "Twin", "Entry", "HeadItem", "Headline", "Breaking", "Stats", "read_twin", "site_folder",
           "site_page_path"]
