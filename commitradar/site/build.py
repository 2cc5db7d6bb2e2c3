"""The static site: ``OUT/site/`` built from the JSON twins in ``OUT/reports`` (never from the Markdown).

Layout (every link relative, every asset local, so the folder works from disk or any web server)::

    index.html                      days × repositories: tier counts and each day's headline; filters, search
    repos/<owner>/<name>/index.html one repository's days
    repos/<owner>/<name>/<day>.html one report, rendered from its twin
    repos/<owner>/<name>/feed.xml   Atom: one entry per report of that repository
    digests/index.html, <week>.html weekly digests (+ <week>.<lang>.md, <week>.json)
    feed.xml                        Atom: one entry per report
    assets/site.css, site.js, search.js

HTML comes from jinja2 templates with autoescape on: commit subjects, bodies and authors are untrusted and
never reach the page unescaped; links leave the site only for http(s) URLs. The site is written to a
temporary folder beside ``OUT/site`` and swapped in, so readers never see half a site.
"""
from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

from ..errors import OutputError
from ..i18n import CATEGORY_NAMES, CHANGE_TYPE_NAMES, STRINGS, TIER_EMOJI, t
from ..progress import progress
from ..records import TIERS
from ..twin import Twin, site_folder, site_page_path
from .digest import build_digest, iso_week, parse_week, render_json, render_markdown
from .feed import atom_feed
from .twins import load_twins

ASSETS = ("site.css", "site.js")


@dataclass(frozen=True)
class Page:
    """One report's page: where it is, from the site root and from its own folder."""

    twin: Twin
    index: int  # position in the search data
    path: str  # from the site root, e.g. "repos/acme/widget/2026-08-01.html"

    @property
    def href(self) -> str:  # from the site root (index.html is there)
        return self.path

    @property
    def href_local(self) -> str:  # from the page's own folder
        return self.path.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    index: Path
    reports: int
    repos: int
    digests: int


def _web(url) -> bool:
    return isinstance(url, str) and url.startswith(("https://", "http://"))


_INLINE = MarkdownIt("zero").enable(["backticks", "escape"])


def prose(text) -> Markup:
    """A line of the writer's prose as HTML: code spans and backslash escapes rendered, everything else
    (raw HTML included) escaped as text."""
    return Markup(_INLINE.renderInline(text if isinstance(text, str) else str(text)))


def _env(lang: str) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("commitradar", "templates/site"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["web"] = _web
    env.filters["prose"] = prose
    env.filters["area_name"] = lambda a: CATEGORY_NAMES[lang].get(a, a)
    return env


def _local_time(iso: str, tz: str) -> str:
    try:
        from zoneinfo import ZoneInfo

        moment = datetime.fromisoformat(iso)
        return moment.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M") if tz else moment.strftime("%Y-%m-%d %H:%M")
    except (ValueError, KeyError):
        return iso


def _globals(lang: str, root: str) -> dict:
    return {"lang": lang, "root": root, "s": lambda key, **kw: t(lang, key, **kw), "emoji": TIER_EMOJI,
            "tiers": TIERS, "kinds": STRINGS[lang]}


def build_site(out: Path, lang: str = "zh", base_url: str | None = None) -> BuiltSite:
    """Build ``out/site`` from every twin in ``out/reports`` and return what was built."""
    out = Path(out)
    twins = load_twins(out)
    final = out / "site"
    try:
        out.mkdir(parents=True, exist_ok=True)
        for stale in out.glob(".site-*"):  # a build killed midway
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=".site-", dir=out))
    except OSError as exc:
        raise OutputError(f"cannot write the site in {out}: {exc.strerror or exc}") from None
    try:
        counts = _write_site(tmp, twins, lang, base_url)
        old = None
        if final.exists():
            old = Path(tempfile.mkdtemp(prefix=".site-old-", dir=out))
            final.rename(old / "site")
        tmp.rename(final)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise OutputError(f"cannot write the site in {out}: {exc.strerror or exc}") from None
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return BuiltSite(final, final / "index.html", *counts)


def _write(path: Path, text: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)


def _write_site(site: Path, twins: Sequence[Twin], lang: str, base_url: str | None) -> tuple[int, int, int]:
    env = _env(lang)
    pages = [Page(tw, i, site_page_path(tw.repo, tw.label)) for i, tw in enumerate(twins)]
    by_repo: dict[str, list[Page]] = {}
    for p in pages:
        by_repo.setdefault(p.twin.repo, []).append(p)
    page_at = {(p.twin.repo, p.twin.label): p.path for p in pages}

    # assets
    for name in ASSETS:
        _write(site / "assets" / name, (Path(__file__).resolve().parent.parent / "templates" / "site" / name).read_bytes())
    _write(site / "assets" / "search.js", _search_js(pages))

    # weekly digests: every ISO week that has a one-day report
    weeks = sorted({iso_week(tw.day) for tw in twins if tw.day}, reverse=True)
    digests = []
    for week in weeks:
        first, last = parse_week(week)
        digest = build_digest(twins, week, first, last, twins[0].timezone if twins else "")
        digests.append(digest)
        _write(site / "digests" / f"{week}.{lang}.md", render_markdown(digest, lang))
        _write(site / "digests" / f"{week}.json", render_json(digest))
        _write(site / "digests" / f"{week}.html", env.get_template("digest.html.j2").render(
            **_globals(lang, "../"), d=digest, page_of=lambda repo, day: page_at.get((repo, day)),
            area_name=lambda a: CATEGORY_NAMES[lang].get(a, a)))
    _write(site / "digests" / "index.html",
           env.get_template("digests.html.j2").render(**_globals(lang, "../"), digests=digests))

    # the index: days, newest first; within a day, repositories by name
    days: dict[str, list[Page]] = {}
    for p in pages:
        days.setdefault(p.twin.label, []).append(p)
    day_views = [{"label": label, "week": iso_week(ps[0].twin.day) if ps[0].twin.day else None,
                  "pages": sorted(ps, key=lambda p: p.twin.repo)} for label, ps in days.items()]
    repos = [{"name": name} for name in sorted(by_repo)]
    _write(site / "index.html", env.get_template("index.html.j2").render(**_globals(lang, ""), days=day_views,
                                                                           repos=repos))

    # one folder per repository: its pages, its list, its feed
    report_t, repo_t = env.get_template("report.html.j2"), env.get_template("repo.html.j2")
    bar = progress(total=len(pages), desc="site", unit="page")
    for repo, rpages in by_repo.items():
        folder = site_folder(repo)
        root = "../" * folder.count("/") + "../"
        ordered = sorted(rpages, key=lambda p: p.twin.label)
        for i, p in enumerate(ordered):
            tw = p.twin
            g = _globals(tw.lang, root)
            _write(site / p.path, report_t.render(
                **g, tw=tw, prev=ordered[i - 1] if i else None, next=ordered[i + 1] if i + 1 < len(ordered) else None,
                week=iso_week(tw.day) if tw.day else None,
                type_name=lambda ct, _l=tw.lang: CHANGE_TYPE_NAMES[_l].get(ct, ct),
                local_time=lambda iso, _tz=tw.timezone: _local_time(iso, _tz)))
            bar.update(1)
        remote = next((p.twin.remote_url for p in rpages if p.twin.remote_url), None)
        _write(site / folder / "index.html", repo_t.render(**_globals(lang, root), repo=repo, remote=remote,
                                                           pages=list(reversed(ordered))))
        _write(site / folder / "feed.xml", atom_feed(
            [p.twin for p in reversed(ordered)], title=f"commitradar · {repo}", feed_path=f"{folder}/feed.xml",
            page_of=lambda tw: page_at[(tw.repo, tw.label)], base_url=base_url, lang=lang))
    bar.close()
    _write(site / "feed.xml", atom_feed(twins, title=t(lang, "site_title"), feed_path="feed.xml",
                                        page_of=lambda tw: page_at[(tw.repo, tw.label)], base_url=base_url,
                                        lang=lang))
    return len(pages), len(by_repo), len(digests)


def _search_js(pages: Sequence[Page]) -> str:
    """The search data as a script (a plain ``fetch`` of JSON is refused on ``file://`` pages)."""
    repos = sorted({p.twin.repo for p in pages})
    rix = {r: i for i, r in enumerate(repos)}
    data = {
        "repos": repos,
        "pages": [[rix[p.twin.repo], p.twin.label, p.path] for p in pages],
        "commits": [[p.index, e.anchor, e.tier, e.sha, e.subject, e.author] for p in pages for e in p.twin.entries],
    }
    return "window.COMMITRADAR_SEARCH = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"


__all__ = ["build_site", "BuiltSite"]
