"""Reading the reports' JSON twins (``docs/report-json.md``) into small frozen records for the site, the
feeds and the digest. Only the twins are read, never the Markdown.

The reader accepts format 1 and 2: where a field of format 2 is missing or null (the entry's ``anchor``,
``commit_url``, ``pr_url``, ``reason``, ``breaking``; the headline's items) it falls back to what format 1
carries (``commit-<sha12>`` anchors, links built from ``remote_url``, ``features.breaking``, the high
entries as must-reads). Every text here came from commits or the report and is untrusted: templates escape it.
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..mining import commit_url
from ..records import TIERS

log = logging.getLogger("commitradar")

MAX_MUST_READ = 5  # as the twin's headline (format 2)
_LABEL = re.compile(r"^\d{4}-\d{2}-\d{2}(?:\.\.\d{4}-\d{2}-\d{2})?$")


@dataclass(frozen=True)
class Entry:
    anchor: str
    sha: str
    subject: str
    author: str
    committed_at: str  # ISO, the commit's own offset
    tier: str
    change_type: str
    areas: tuple[str, ...]  # path categories, largest first
    commit_url: str | None
    pr_url: str | None
    reason: str | None
    breaking: dict | None  # {"kind", "what"?, "subject", "evidence", "source", "version"}
    prose: dict  # summary, impact, insights, risks, suggestions, source, note
    dependency: bool  # a dependency bump
    p_high: float | None  # the model's P(high), when a model decided

    @property
    def short(self) -> str:
        return self.sha[:7]

    @property
    def area(self) -> str:
        return self.areas[0] if self.areas else "other"


@dataclass(frozen=True)
class HeadItem:
    kind: str  # must_read | breaking | dependency
    sha: str
    anchor: str
    text: str


@dataclass(frozen=True)
class Twin:
    path: Path
    repo: str
    remote_url: str | None
    label: str
    start: datetime
    end: datetime
    timezone: str
    lang: str
    classifier: str
    writer: str
    stats: dict[str, int]  # total, high, medium, low
    items: tuple[HeadItem, ...]
    overview: str | None
    entries: tuple[Entry, ...]
    notes: tuple[str, ...]
    format_version: int

    @property
    def day(self) -> date | None:
        """The day of a one-day report (None for a range)."""
        return None if ".." in self.label else date.fromisoformat(self.label)

    @property
    def updated(self) -> datetime:
        """When this report was written (the file's modification time), for feeds."""
        return datetime.fromtimestamp(self.path.stat().st_mtime, UTC)


def _text(v: Any) -> str:
    return v if isinstance(v, str) else ("" if v is None else str(v))


def _pr_url(remote: str | None, features: dict) -> str | None:
    n = features.get("pr_number")
    if remote and isinstance(n, int) and remote.startswith("https://github.com/"):
        return f"{remote}/pull/{n}"
    return None


def _entry(e: dict, remote: str | None) -> Entry:
    c, f, v = e.get("commit") or {}, e.get("features") or {}, e.get("verdict") or {}
    sha = _text(c.get("sha"))
    if not sha:
        raise ValueError("an entry has no commit sha")
    tier = v.get("tier")
    if tier not in TIERS:
        raise ValueError(f"entry {sha[:12]} has tier {tier!r}")
    probs = v.get("probabilities") or {}
    breaking = e.get("breaking") if "breaking" in e else f.get("breaking")
    return Entry(
        anchor=_text(e.get("anchor")) or f"commit-{sha[:12]}",
        sha=sha,
        subject=_text(c.get("subject")),
        author=_text(c.get("author")),
        committed_at=_text(c.get("committed_at")),
        tier=tier,
        change_type=_text(v.get("change_type")) or "other",
        areas=tuple(_text(x.get("category")) for x in f.get("categories") or () if isinstance(x, dict)),
        commit_url=e.get("commit_url") or commit_url(c.get("remote_url") or remote, sha),
        pr_url=e.get("pr_url") or _pr_url(c.get("remote_url") or remote, f),
        reason=e.get("reason") or None,
        breaking=_breaking(breaking),
        prose=e.get("prose") or {},
        dependency=bool(f.get("is_dependency_bump")) or (isinstance(breaking, dict)
                                                        and breaking.get("kind") == "dependency_bump"),
        p_high=float(probs["high"]) if isinstance(probs.get("high"), (int, float)) else None,
    )


def _breaking(b: Any) -> dict | None:
    """A breaking change with every field the site shows (format 1 carries no ``what``: the kind and the
    thing affected stand in for it)."""
    if not isinstance(b, dict):
        return None
    out = {k: _text(b.get(k)) for k in ("kind", "what", "subject", "evidence", "source", "version")}
    if not out["what"]:
        out["what"] = f"{out['kind'].replace('_', ' ')}: {out['subject']}" if out["subject"] else out["kind"]
    return out


def _fallback_items(entries: tuple[Entry, ...]) -> tuple[HeadItem, ...]:
    """Format 1 has no headline: the high entries are the must-reads, then breaking changes, then bumps."""
    items = [HeadItem("must_read", e.sha, e.anchor, e.subject) for e in entries if e.tier == "high"][:MAX_MUST_READ]
    items += [HeadItem("breaking", e.sha, e.anchor, (e.breaking or {}).get("what") or e.subject)
              for e in entries if e.breaking]
    items += [HeadItem("dependency", e.sha, e.anchor, e.subject) for e in entries if e.dependency and not e.breaking]
    return tuple(items)


def parse_twin(data: Any, path: Path) -> Twin:
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    for key in ("repo", "label", "start", "end", "entries"):
        if key not in data:
            raise ValueError(f"missing {key!r}")
    label = _text(data["label"])
    if not _LABEL.match(label):
        raise ValueError(f"label {label!r} is not a day or a range")
    remote = data.get("remote_url")
    entries = tuple(_entry(e, remote) for e in data["entries"])
    stats = {"total": len(entries), **{t: sum(1 for e in entries if e.tier == t) for t in TIERS}}
    headline = data.get("headline") or {}
    by_sha = {e.sha: e for e in entries}
    raw_items = headline.get("items") if isinstance(headline, dict) else None
    if isinstance(raw_items, list) and (raw_items or int(data.get("format_version") or 1) >= 2):
        items = tuple(HeadItem(_text(i.get("kind")), _text(i.get("sha")),
                               _text(i.get("anchor")) or (by_sha[i["sha"]].anchor if i.get("sha") in by_sha
                                                           else f"commit-{_text(i.get('sha'))[:12]}"),
                               _text(i.get("text")))
                      for i in raw_items if isinstance(i, dict))
    else:
        items = _fallback_items(entries)
    return Twin(
        path=path, repo=_text(data["repo"]), remote_url=remote, label=label,
        start=datetime.fromisoformat(data["start"]), end=datetime.fromisoformat(data["end"]),
        timezone=_text(data.get("timezone")), lang=data.get("lang") if data.get("lang") in ("zh", "en") else "zh",
        classifier=_text(data.get("classifier")), writer=_text(data.get("writer")), stats=stats, items=items,
        overview=headline.get("overview") if isinstance(headline, dict) else None, entries=entries,
        notes=tuple(_text(n) for n in data.get("notes") or ()), format_version=int(data.get("format_version") or 1),
    )


def load_twin(path: Path) -> Twin:
    """One twin; a file that is not one is a one-line :class:`InputError` naming it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"cannot read report {path}: {exc}") from None
    try:
        return parse_twin(data, Path(path))
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InputError(f"{path}: not a report's JSON twin ({exc})") from None


def twin_paths(out: Path) -> list[Path]:
    """Every JSON twin under ``out/reports`` (temporary files of an unfinished write are skipped)."""
    reports = Path(out) / "reports"
    if not reports.is_dir():
        return []
    return sorted(p for p in reports.rglob("*.json") if not p.name.startswith(".") and p.is_file())


def load_twins(out: Path) -> list[Twin]:
    """All reports in ``out``, newest day first then by repository. A file that is not a report is skipped
    with a warning naming it (one bad file must not take the site down)."""
    twins = []
    for path in twin_paths(out):
        try:
            twins.append(load_twin(path))
        except InputError as exc:
            log.warning("skipped %s", exc)
    twins.sort(key=lambda t: (t.label, t.repo), reverse=True)
    return twins
