"""Rendering: a ``DayReport`` → Markdown (jinja2, per-language strings) and its JSON twin.

``OUTPUTS`` maps a format name to ``(report, lang) -> str`` and the file suffix. Links in 目录 point at
explicit anchors (commits) and at GitHub heading slugs computed in document order (fixed headings), so
every one resolves on GitHub; ``tests/test_report.py`` checks that on rendered reports.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import jinja2

from . import markdown as md
from .fileio import atomic_write
from .i18n import CHANGE_TYPE_NAMES, TIER_EMOJI, t
from .mining import commit_url
from .records import TIERS, DayReport, to_dict
from .registry import Registry

REPORT_FORMAT_VERSION = 1


@dataclass(frozen=True)
class Output:
    suffix: str
    render: Callable[[DayReport, str], str]


OUTPUTS: Registry[Output] = Registry("output format")

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("commitradar", "templates"),
    autoescape=False,  # Markdown, not HTML: escaping is explicit through the filters below
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
    undefined=jinja2.StrictUndefined,
)
_env.filters.update(md=md.inline, cell=md.cell, code=md.code)


def _tier_heading(lang: str, tier: str, n: int) -> str:
    return f"{TIER_EMOJI[tier]} {t(lang, 'tier_' + tier)} ({n})"


def build_view(report: DayReport, lang: str) -> dict:
    """Everything the template shows, in document order, with anchors worked out."""
    slugs = md.SlugBook()
    label = report.label
    title = t(lang, "title", label=label)
    slugs.slug(title)
    slugs.slug(report.repo)
    stats_heading = f"📊 {t(lang, 'stats')}"
    stats_slug = slugs.slug(stats_heading)
    toc_heading = f"📋 {t(lang, 'toc')}"
    slugs.slug(toc_heading)
    zone = report.start.tzinfo
    tiers = []
    for tier in TIERS:
        entries = [e for e in report.entries if e.verdict.tier == tier]
        if not entries:
            continue
        heading = _tier_heading(lang, tier, len(entries))
        tier_view = {"tier": tier, "heading": heading, "slug": slugs.slug(heading), "entries": []}
        for e in entries:
            c = e.commit
            entry_title = c.subject if md.clean(c.subject) else c.sha[:7]
            slugs.slug(md.plain(entry_title))  # GitHub slugs the rendered heading text
            tier_view["entries"].append({
                "anchor": f"commit-{c.sha[:12]}",
                "title": entry_title,
                "sha": c.sha,
                "short": c.sha[:7],
                "url": commit_url(c.remote_url or report.remote_url, c.sha),
                "type_name": CHANGE_TYPE_NAMES[lang].get(e.verdict.change_type, e.verdict.change_type),
                "tier_word": t(lang, "tier_word_" + tier),
                "emoji": TIER_EMOJI[tier],
                "reasons": e.verdict.reasons,
                "prose": e.prose,
                "insights": [(t(lang, k), getattr(e.prose.insights, k)) for k in
                             ("architecture", "performance", "security", "maintainability")
                             if e.prose.insights and getattr(e.prose.insights, k)],
            })
        tiers.append(tier_view)
    # An explicit anchor must not equal any heading's slug (a commit titled "commit-<sha>" would win).
    for tier_view in tiers:
        for view in tier_view["entries"]:
            if view["anchor"] in slugs.seen:
                view["anchor"] = f"commit-{view['sha']}"
                while view["anchor"] in slugs.seen:
                    view["anchor"] += "-x"
    table = sorted(report.entries, key=lambda e: e.commit.committed_at, reverse=True)
    usage = report.usage or {}
    return {
        "s": lambda key, **kw: t(lang, key, **kw),
        "title": title,
        "report": report,
        "stats_heading": stats_heading,
        "stats_slug": stats_slug,
        "toc_heading": toc_heading,
        "stats_line": t(lang, "stats_line" if ".." not in label else "stats_line_range", total=len(report.entries), high=report.count("high"),
                        medium=report.count("medium"), low=report.count("low")),
        "rows": [(e.commit.committed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"), e.commit.author, e.commit.subject)
                 for e in table],
        "tiers": tiers,
        "notes": report.notes,
        "footer": t(lang, "generated_by", classifier=report.classifier, writer=report.writer, tz=report.timezone),
        "usage_line": t(lang, "tokens_footer", **{k: usage.get(k, 0) for k in
                                                  ("tokens_in", "tokens_out", "calls", "cached", "failed")})
        if usage else None,
        "empty": t(lang, "no_commits", label=label, tz=report.timezone),
    }


def render_markdown(report: DayReport, lang: str | None = None) -> str:
    """Markdown in ``lang`` (default: the language the report's prose was written in)."""
    return _env.get_template("report.md.j2").render(**build_view(report, lang or report.lang))


def report_dict(report: DayReport) -> dict:
    data = to_dict(report)
    data["format_version"] = REPORT_FORMAT_VERSION
    data["label"] = report.label
    data["stats"] = {"total": len(report.entries), **{tier: report.count(tier) for tier in TIERS}}
    return data


def render_json(report: DayReport, lang: str | None = None) -> str:
    data = report_dict(report)
    data["lang"] = lang or report.lang
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


OUTPUTS.add("markdown", Output(".md", render_markdown))
OUTPUTS.add("json", Output(".json", render_json))


def report_path(out_dir: Path, report: DayReport) -> Path:
    """``reports/YYYY/<repo-name>/<label>`` (no suffix) under ``out_dir``."""
    name = report.repo.rstrip("/").split("/")[-1] or "repo"
    return Path(out_dir) / "reports" / f"{report.start:%Y}" / name / report.label


def write_report(report: DayReport, out_dir: Path, lang: str | None = None, formats=("markdown", "json")) -> list[Path]:
    """Render every format first, then write each atomically: a failure leaves no partial file."""
    base = report_path(out_dir, report)
    rendered = [(OUTPUTS.get(f), OUTPUTS.get(f).render(report, lang)) for f in formats]
    files = [(base.with_name(base.name + output.suffix), text.encode("utf-8")) for output, text in rendered]
    atomic_write(files)
    return [path for path, _ in files]
