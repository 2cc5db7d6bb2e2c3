"""The weekly digest: the JSON twins of a period, aggregated per repository.

For each repository: the period's must-reads (the days' must-read headline items, most likely important
first), every breaking change, every dependency move, counts per area and tier, and which days have no
report. The digest is data first (:func:`build_digest`, written as JSON) and Markdown in zh or en second
(:func:`render_markdown`); the site renders the same data as a page.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import jinja2

from .. import markdown as md
from ..errors import InputError
from ..fileio import atomic_write
from ..i18n import CATEGORY_NAMES, TIER_EMOJI, t
from ..mining import parse_day, parse_zone
from ..records import TIERS
from ..twin import Twin
from .twins import load_twins

DIGEST_FORMAT_VERSION = 1
MAX_MUST_READ = 10  # per repository and period
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I)


# ------------------------------------------------------------------------------------------ the period


def iso_week(d: date) -> str:
    year, week, _ = d.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> tuple[date, date]:
    """``2026-W33`` → (Monday, Sunday) of that ISO week."""
    m = _WEEK.match(text.strip())
    if not m:
        raise InputError(f"--week {text!r} is not an ISO week (expected YYYY-Www, e.g. 2026-W33)")
    try:
        monday = date.fromisocalendar(int(m.group(1)), int(m.group(2)), 1)
    except ValueError:
        raise InputError(f"--week {text!r}: {m.group(1)} has no week {int(m.group(2))}") from None
    return monday, monday + timedelta(days=6)


def resolve_period(week: str | None = None, since: str | None = None, until: str | None = None,
                   tz: str = "Asia/Shanghai", now: datetime | None = None) -> tuple[str, date, date]:
    """(label, first day, last day): ``--week``, or ``--since``/``--until``, or by default the last whole
    ISO week in ``tz``."""
    if week and (since or until):
        raise InputError("use either --week or --since/--until, not both")
    if week:
        first, last = parse_week(week)
        return iso_week(first), first, last
    zone = parse_zone(tz)
    today = (now or datetime.now(zone)).astimezone(zone).date()
    if since or until:
        last = parse_day(until, "--until") if until else today - timedelta(days=1)
        first = parse_day(since, "--since") if since else last - timedelta(days=6)
        if first > last:
            raise InputError(f"--since {first} is after --until {last}")
        return (str(first) if first == last else f"{first}..{last}"), first, last
    monday = today - timedelta(days=today.weekday() + 7)
    return iso_week(monday), monday, monday + timedelta(days=6)


# ------------------------------------------------------------------------------------------ the data


def _item(twin: Twin, entry, text: str | None = None, page: str | None = None) -> dict:
    return {"day": twin.label, "sha": entry.sha, "anchor": entry.anchor, "tier": entry.tier,
            "text": text or entry.subject, "subject": entry.subject, "commit_url": entry.commit_url,
            "pr_url": entry.pr_url, "p_high": entry.p_high}


def _repo_digest(repo: str, twins: Sequence[Twin], first: date, last: date) -> dict:
    twins = sorted(twins, key=lambda tw: tw.label)
    stats = {"total": 0, **{tier: 0 for tier in TIERS}}
    areas: dict[str, dict[str, int]] = {}
    must, breaking, deps = [], [], []
    for tw in twins:
        by_sha = {e.sha: e for e in tw.entries}
        for e in tw.entries:
            stats["total"] += 1
            stats[e.tier] += 1
            row = areas.setdefault(e.area, {"total": 0, **{tier: 0 for tier in TIERS}})
            row["total"] += 1
            row[e.tier] += 1
        for it in tw.items:
            e = by_sha.get(it.sha)
            if e is None:
                continue
            if it.kind == "must_read":
                must.append(_item(tw, e, it.text))
            elif it.kind == "dependency":
                deps.append(_item(tw, e, it.text))
        # every breaking change of the day, whether or not the headline had room for it
        for e in tw.entries:
            if e.breaking:
                b = e.breaking
                breaking.append({**_item(tw, e, b.what or e.subject), "kind": b.kind, "affected": b.subject,
                                 "evidence": b.evidence})
            elif e.dependency and not any(d["sha"] == e.sha for d in deps):
                deps.append(_item(tw, e))
    rank = {tier: i for i, tier in enumerate(TIERS)}
    must.sort(key=lambda m: (rank[m["tier"]], -(m["p_high"] or 0.0), m["day"]))
    have = {tw.day for tw in twins if tw.day}
    span = (last - first).days + 1
    missing = [str(first + timedelta(days=i)) for i in range(span) if first + timedelta(days=i) not in have]
    remote = next((tw.remote_url for tw in twins if tw.remote_url), None)
    return {
        "repo": repo, "remote_url": remote, "days_reported": len(have), "days_missing": missing,
        "reports": [tw.label for tw in twins], "stats": stats,
        "areas": [{"area": a, **c} for a, c in sorted(areas.items(), key=lambda kv: (-kv[1]["total"], kv[0]))],
        "must_read": must[:MAX_MUST_READ], "breaking": breaking, "dependencies": deps,
    }


def build_digest(twins: Iterable[Twin], label: str, first: date, last: date, tz: str,
                 repos: Sequence[str] | None = None) -> dict:
    """The digest of the one-day reports in ``first``..``last``, one section per repository (sorted)."""
    groups: dict[str, list[Twin]] = {}
    for tw in twins:
        if tw.day is not None and first <= tw.day <= last:
            groups.setdefault(tw.repo, []).append(tw)
    for repo in repos or ():
        groups.setdefault(repo, [])
    return {
        "format_version": DIGEST_FORMAT_VERSION, "label": label, "first": str(first), "last": str(last),
        "timezone": tz, "repos": [_repo_digest(r, groups[r], first, last) for r in sorted(groups)],
    }


# ------------------------------------------------------------------------------------------ Markdown

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("commitradar", "templates/site"),
    autoescape=False,  # Markdown: escaping is explicit through the filters
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
)
_env.filters.update(md=md.inline, cell=md.cell, code=md.code, url=lambda u: quote(u, safe=":/#?&=%@+,;~!$*'"))


def render_markdown(digest: dict, lang: str) -> str:
    return _env.get_template("digest.md.j2").render(
        d=digest, lang=lang, s=lambda key, **kw: t(lang, key, **kw), emoji=TIER_EMOJI, tiers=TIERS,
        area_name=lambda a: CATEGORY_NAMES[lang].get(a, a))


def render_json(digest: dict) -> str:
    return json.dumps(digest, ensure_ascii=False, indent=2) + "\n"


def digest_paths(out: Path, label: str, lang: str) -> tuple[Path, Path]:
    folder = Path(out) / "digests"
    return folder / f"{label}.{lang}.md", folder / f"{label}.json"


def write_digest(out: Path, week: str | None = None, since: str | None = None, until: str | None = None,
                 lang: str = "zh", tz: str = "Asia/Shanghai", now: datetime | None = None) -> list[Path]:
    """Write ``OUT/digests/<label>.<lang>.md`` and ``<label>.json`` from the twins in ``out``."""
    label, first, last = resolve_period(week, since, until, tz, now)
    digest = build_digest(load_twins(out), label, first, last, tz)
    md_path, json_path = digest_paths(out, label, lang)
    atomic_write([(md_path, render_markdown(digest, lang).encode("utf-8")),
                  (json_path, render_json(digest).encode("utf-8"))])
    return [md_path, json_path]


__all__ = ["iso_week", "parse_week", "resolve_period", "build_digest", "render_markdown", "render_json",
           "write_digest", "digest_paths"]
