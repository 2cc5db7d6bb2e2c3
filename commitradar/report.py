"""Rendering: a ``DayReport`` → Markdown (jinja2, per-language strings) and its JSON twin (format 2,
``docs/report-json.md``).

``OUTPUTS`` maps a format name to ``(report, lang) -> str`` and the file suffix. Both formats are rendered
from one layout (:func:`layout`): entry anchors, commit and pull-request links, the reader's reason for each
tier, the headline and the general notes, so the Markdown and the twin always agree. Links in 目录 and in
the headline point at explicit anchors (commits) and at GitHub heading slugs computed in document order
(fixed headings), so every one resolves on GitHub; ``tests/test_report.py`` checks that on rendered reports.

Model internals (probabilities, thresholds, features, neighbours, rule scores) are in the twin's
``verdict`` and in the Markdown only with ``explain=True`` (``report --explain``).
"""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import jinja2

from . import markdown as md
from .fileio import atomic_write
from .i18n import CHANGE_TYPE_NAMES, STRINGS, TIER_EMOJI, t
from .mining import commit_url
from .records import TIERS, DayReport, Entry, Headline, to_dict
from .registry import Registry
from .twin import FORMAT_VERSION as TWIN_FORMAT_VERSION
from .writer.advice import breaking_line, breaking_what, general_notes, generic_keys
from .writer.headline import build_headline
from .writer.reasons import low_despite_breaking, reader_reason, rules_point_higher

REPORT_FORMAT_VERSION = TWIN_FORMAT_VERSION  # the one format the twin readers (commitradar.twin) accept
HEADLINE_ICON = {"must_read": "🔴", "breaking": "⚠️", "dependency": "📦"}
_PR_SUFFIX = re.compile(r"\(#([0-9]{1,9})\)\s*$")


@dataclass(frozen=True)
class Output:
    suffix: str
    render: Callable[..., str]  # (report, lang=None, **options) -> text
    options: tuple[str, ...] = ()  # keyword options it understands (e.g. "explain")


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


# ------------------------------------------------------------------------------ links and names


def github_repo(remote_url: str | None) -> str | None:
    """``owner/name`` of a github.com web URL, else None."""
    if not remote_url:
        return None
    url = urlparse(remote_url)
    parts = [p for p in url.path.split("/") if p]
    if url.netloc.lower() not in ("github.com", "www.github.com") or len(parts) < 2:
        return None
    return f"{parts[0]}/{parts[1].removesuffix('.git')}"


def pr_number(subject: str) -> int | None:
    """N when the subject's first line ends in ``(#N)`` (GitHub's squash-merge title)."""
    first = subject.strip().splitlines()[0] if subject.strip() else ""
    m = _PR_SUFFIX.search(first)
    return int(m.group(1)) if m else None


def pr_url(remote_url: str | None, subject: str) -> str | None:
    repo, n = github_repo(remote_url), pr_number(subject)
    return f"https://github.com/{repo}/pull/{n}" if repo and n is not None else None


def classifier_name(name: str, lang: str) -> str:
    kind, _, preset = name.partition(":")
    if kind == "model":
        return t(lang, "classifier_model")
    if kind == "rules":
        key = f"preset_{preset}"
        return t(lang, "classifier_rules", preset=t(lang, key) if key in STRINGS[lang] else preset)
    return name


def writer_name(name: str, lang: str) -> str:
    if name == "deterministic":
        return t(lang, "writer_name_deterministic")
    kind, _, model = name.partition(":")
    return t(lang, "writer_name_llm", model=model) if kind == "openai" and model else name


def _heading_title(entry: Entry) -> str:
    c = entry.commit
    return c.subject if md.clean(c.subject) else c.sha[:7]


# ------------------------------------------------------------------------------ layout


@dataclass
class EntryView:
    entry: Entry
    anchor: str
    title: str  # the visible title: the subject (or the short SHA when the subject is empty)
    commit_url: str | None
    pr_url: str | None
    pr: int | None
    reason: str
    breaking: dict | None  # {"kind", "what", "evidence", "subject", "source", "version"}
    breaking_line: str | None
    generic: tuple[str, ...]
    fields: dict = field(default_factory=dict)


@dataclass
class Layout:
    lang: str
    entries: list[EntryView]
    by_sha: dict[str, EntryView]
    headline: Headline
    headline_heading: str | None
    headline_slug: str | None
    stats_heading: str
    stats_slug: str
    toc_heading: str
    tiers: list[dict]
    general: list[str]  # generic advice, each once, with linked SHAs (Markdown)
    general_plain: list[str]  # the same with plain SHAs (JSON)


def _tier_heading(lang: str, tier: str, n: int) -> str:
    return f"{TIER_EMOJI[tier]} {t(lang, 'tier_' + tier)} ({n})"


def _breaking_dict(entry: Entry, lang: str) -> dict | None:
    b = entry.features.breaking
    if b is None:
        return None
    return {"kind": b.kind, "what": breaking_what(b, lang), "evidence": b.evidence, "subject": b.subject,
            "source": b.source, "version": b.version}


def layout(report: DayReport, lang: str) -> Layout:
    """Everything both formats show, in document order, with anchors worked out against GitHub's slugs
    (computed once per report and language: the Markdown and the twin of one report share it)."""
    key = (id(report), lang)
    cached = _LAYOUTS.get(key)
    if cached is not None and cached[0] is report:
        return cached[1]
    lay = _layout(report, lang)
    _LAYOUTS.clear()  # one report at a time: no growth over a long run
    _LAYOUTS[key] = (report, lay)
    return lay


_LAYOUTS: dict[tuple[int, str], tuple[DayReport, Layout]] = {}


def _layout(report: DayReport, lang: str) -> Layout:
    slugs = md.SlugBook()
    slugs.slug(t(lang, "title", label=report.label))
    slugs.slug(report.repo)
    range_ = ".." in report.label
    headline_heading = headline_slug = None
    if report.entries:
        headline_heading = f"🧭 {t(lang, 'headline_range' if range_ else 'headline')}"
        headline_slug = slugs.slug(headline_heading)
    stats_heading = f"📊 {t(lang, 'stats')}"
    stats_slug = slugs.slug(stats_heading)
    toc_heading = f"📋 {t(lang, 'toc')}"
    slugs.slug(toc_heading)
    remote = report.remote_url
    views: list[EntryView] = []
    tiers = []
    for tier in TIERS:
        entries = [e for e in report.entries if e.verdict.tier == tier]
        if not entries:
            continue
        heading = _tier_heading(lang, tier, len(entries))
        tier_view = {"tier": tier, "heading": heading, "slug": slugs.slug(heading), "entries": []}
        for e in entries:
            c = e.commit
            title = _heading_title(e)
            if tier != "low":
                slugs.slug(md.plain(title))  # GitHub slugs the rendered heading text
            web = c.remote_url or remote
            b = e.features.breaking
            view = EntryView(
                entry=e, anchor=f"commit-{c.sha[:12]}", title=title, commit_url=commit_url(web, c.sha),
                pr_url=pr_url(web, c.subject), pr=pr_number(c.subject),
                reason=reader_reason(c, e.features, e.verdict, lang), breaking=_breaking_dict(e, lang),
                breaking_line=breaking_line(b, lang, c.subject) if b is not None else None,
                generic=generic_keys(c, e.features, e.verdict))
            views.append(view)
            tier_view["entries"].append(view)
        tiers.append(tier_view)
    # An explicit anchor must not equal any heading's slug (a commit titled "commit-<sha>" would win).
    for view in views:
        if view.anchor in slugs.seen:
            view.anchor = f"commit-{view.entry.commit.sha}"
            while view.anchor in slugs.seen:
                view.anchor += "-x"
    by_sha = {v.entry.commit.sha: v for v in views}
    headline = report.headline
    if lang != report.lang or (report.entries and not headline.items and not headline.overview):
        items = [(e.commit, e.features, e.verdict) for e in report.entries]
        headline = Headline(build_headline(items, lang).items,
                            headline.overview if lang == report.lang else None)
    short = [(v.entry.commit.sha[:7], v.anchor, v.generic) for v in views]
    return Layout(
        lang=lang, entries=views, by_sha=by_sha, headline=headline, headline_heading=headline_heading,
        headline_slug=headline_slug, stats_heading=stats_heading, stats_slug=stats_slug, toc_heading=toc_heading,
        tiers=tiers, general=general_notes(short, lang), general_plain=general_notes(short, lang, link=False))


# ------------------------------------------------------------------------------ Markdown


def _headline_lines(lay: Layout) -> list[dict]:
    lines = []
    for item in lay.headline.items:
        view = lay.by_sha.get(item.sha)
        if view is None:
            continue
        type_name = CHANGE_TYPE_NAMES[lay.lang].get(view.entry.verdict.change_type, view.entry.verdict.change_type)
        lines.append({"kind": item.kind, "icon": HEADLINE_ICON.get(item.kind, "•"), "text": item.text,
                      "anchor": view.anchor, "title": view.title, "type_name": type_name})
    return lines


def build_view(report: DayReport, lang: str, explain: bool = False) -> dict:
    """Everything the template shows."""
    lay = layout(report, lang)
    zone = report.start.tzinfo
    label = report.label
    for tier_view in lay.tiers:
        for v in tier_view["entries"]:
            e = v.entry
            v.fields = {
                "short": e.commit.sha[:7],
                "author": e.commit.author,
                "type_name": CHANGE_TYPE_NAMES[lang].get(e.verdict.change_type, e.verdict.change_type),
                "tier_word": t(lang, "tier_word_" + e.verdict.tier),
                "emoji": TIER_EMOJI[e.verdict.tier],
                "prose": e.prose,
                "show_reason": e.verdict.tier != "low" or rules_point_higher(e.commit, e.features, e.verdict),
                "explain": _explain(e) if explain else None,
                "low_text": _low_text(v, e, lang) if e.verdict.tier == "low" else None,
                "insights": [(t(lang, k), getattr(e.prose.insights, k)) for k in
                             ("architecture", "performance", "security", "maintainability")
                             if e.prose.insights and getattr(e.prose.insights, k)],
            }
    table = sorted(lay.entries, key=lambda v: v.entry.commit.committed_at, reverse=True)
    usage = report.usage or {}
    return {
        "s": lambda key, **kw: t(lang, key, **kw),
        "c": t(lang, "colon"),
        "title": t(lang, "title", label=label),
        "report": report,
        "lay": lay,
        "headline_lines": _headline_lines(lay),
        "headline_none": t(lang, "hl_none_range" if ".." in label else "hl_none"),
        "overview": lay.headline.overview,
        "stats_line": t(lang, "stats_line" if ".." not in label else "stats_line_range", total=len(report.entries),
                        high=report.count("high"), medium=report.count("medium"), low=report.count("low")),
        "col_time": t(lang, "col_time_tz", tz=report.timezone),
        "rows": [(v.entry.commit.committed_at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
                  f"{TIER_EMOJI[v.entry.verdict.tier]} {t(lang, 'tier_word_' + v.entry.verdict.tier)}",
                  v.entry.commit.author, v.title, v.anchor) for v in table],
        "tiers": lay.tiers,
        "notes": report.notes,
        "general": lay.general,
        "footer": t(lang, "footer", classifier=classifier_name(report.classifier, lang),
                    writer=writer_name(report.writer, lang), tz=report.timezone),
        "usage_line": t(lang, "tokens_footer", **{k: usage.get(k, 0) for k in
                                                  ("tokens_in", "tokens_out", "calls", "cached", "failed")})
        if usage else None,
        "empty": t(lang, "no_commits", label=label, tz=report.timezone),
    }


def _low_text(v: EntryView, e: Entry, lang: str) -> str:
    """A low commit's line after its links, as Markdown: what it does, a breaking change (⚠️, inline: the
    commit keeps to one line) and, when signals pointed higher, why it is low anyway. Sentences of ours in
    zh follow a full-width stop without a space."""
    pieces = [md.inline(x) for x in e.prose.summary]
    if v.breaking_line:
        pieces.append("⚠️ " + md.inline(v.breaking_line))
    if v.breaking_line and e.features.breaking is not None:
        pieces.append(md.inline(low_despite_breaking(e.commit, e.features, e.verdict, lang)))
    elif rules_point_higher(e.commit, e.features, e.verdict):
        pieces.append(md.inline(v.reason))
    out = ""
    for piece in pieces:
        out += ("" if not out or out.endswith(("。", "！", "？", "；", "）")) else " ") + piece
    return out


def _explain(e: Entry) -> str:
    parts = list(e.verdict.reasons)
    if e.verdict.probabilities:
        probs = ", ".join(f"P({k})={v:.2f}" for k, v in sorted(e.verdict.probabilities.items(),
                                                                key=lambda kv: TIERS.index(kv[0]) if kv[0] in TIERS else 9))
        if not any(p.startswith("P(") for p in parts):
            parts.insert(0, probs)
    return "; ".join(parts) + f" [{e.verdict.classifier}]"


def render_markdown(report: DayReport, lang: str | None = None, explain: bool = False) -> str:
    """Markdown in ``lang`` (default: the language the report's prose was written in). ``explain`` adds each
    entry's model internals (probabilities, rule scores, features, neighbours)."""
    return _env.get_template("report.md.j2").render(**build_view(report, lang or report.lang, explain))


# ------------------------------------------------------------------------------ JSON twin


def report_dict(report: DayReport, lang: str | None = None) -> dict:
    """The JSON twin (``docs/report-json.md``) as a dict."""
    lang = lang or report.lang
    lay = layout(report, lang)
    base = to_dict(report)
    entries = []
    for v, raw in zip(_in_report_order(report, lay), base["entries"]):
        # a bot's summary of the diff is read for breaking-change cues only: it is not the author's text and
        # is never shown, so it does not travel with the report either
        (raw.get("features") or {}).get("pr", {}).pop("bot", None)
        entries.append({"anchor": v.anchor, "commit_url": v.commit_url, "pr_url": v.pr_url, "reason": v.reason,
                        "breaking": v.breaking, **raw})
    headline = {
        "items": [{"kind": i.kind, "sha": i.sha, "anchor": lay.by_sha[i.sha].anchor, "text": i.text,
                   "title": lay.by_sha[i.sha].title}
                  for i in lay.headline.items if i.sha in lay.by_sha],
        "overview": lay.headline.overview,
    }
    return {
        "format_version": REPORT_FORMAT_VERSION,
        "repo": report.repo,
        "remote_url": report.remote_url,
        "label": report.label,
        "start": base["start"], "end": base["end"], "timezone": report.timezone,
        "lang": lang,
        "classifier": report.classifier, "writer": report.writer,
        "stats": {"total": len(report.entries), **{tier: report.count(tier) for tier in TIERS}},
        "headline": headline,
        "entries": entries,
        "notes": list(report.notes),
        "general_notes": lay.general_plain,
        "usage": report.usage,
    }


def _in_report_order(report: DayReport, lay: Layout) -> list[EntryView]:
    return [lay.by_sha[e.commit.sha] for e in report.entries]


def render_json(report: DayReport, lang: str | None = None) -> str:
    return json.dumps(report_dict(report, lang), ensure_ascii=False, indent=2) + "\n"


OUTPUTS.add("markdown", Output(".md", render_markdown, options=("explain",)))
OUTPUTS.add("json", Output(".json", render_json))


def report_path(out_dir: Path, report: DayReport) -> Path:
    """``reports/YYYY/<owner>/<name>/<label>`` (no suffix) under ``out_dir`` (see ``records.repo_folders``)."""
    from .records import repo_folders

    return Path(out_dir) / "reports" / f"{report.start:%Y}" / Path(*repo_folders(report.repo)) / report.label


def write_report(report: DayReport, out_dir: Path, lang: str | None = None, formats=("markdown", "json"),
                 explain: bool = False) -> list[Path]:
    """Render every format first, then write each atomically: a failure leaves no partial file."""
    base = report_path(out_dir, report)
    options = {"explain": explain}
    rendered = []
    for name in formats:
        output = OUTPUTS.get(name)
        rendered.append((output, output.render(report, lang, **{k: options[k] for k in output.options})))
    files = [(base.with_name(base.name + output.suffix), text.encode("utf-8")) for output, text in rendered]
    atomic_write(files)
    return [path for path, _ in files]
