"""Atom feeds (RFC 4287) of reports, with feedgen: one entry per report, its headline as the content.

Ids are stable ``urn:uuid:`` names derived from the repository and day (and ``base_url`` when given), so a
rewritten report updates its entry instead of adding one; ``updated`` is when the report was written.
Links are relative to the feed's own address unless ``base_url`` says where the site is served.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from feedgen.feed import FeedGenerator
from markupsafe import escape

from ..i18n import STRINGS, TIER_EMOJI, t
from ..twin import Twin

_NS = uuid.uuid5(uuid.NAMESPACE_URL, "https://commitradar.invalid/")


def _id(*parts: str) -> str:
    return uuid.uuid5(_NS, "\n".join(parts)).urn


def _href(target: str, feed_path: str, base_url: str | None) -> str:
    """``target`` (a path from the site root) as seen from the feed, or absolute under ``base_url``."""
    if base_url:
        return base_url.rstrip("/") + "/" + target
    return "../" * feed_path.count("/") + target


def _content(tw: Twin, lang: str, href: str) -> str:
    """The headline as HTML (escaped here; feedgen escapes it once more as the element's text)."""
    kinds = STRINGS[lang]
    if not tw.items:
        text = t(lang, "site_no_headline") if tw.stats.total else t(lang, "no_commits", label=tw.label, tz=tw.timezone)
        return f"<p>{escape(text)}</p>"
    lines = []
    for it in tw.items:
        kind = kinds.get(f"site_kind_{it.kind}", it.kind)
        lines.append(f'<li><strong>{escape(kind)}</strong> <a href="{escape(href)}#{escape(it.anchor)}">{escape(it.text)}</a></li>')
    overview = f"<p>{escape(tw.overview)}</p>" if tw.overview else ""
    return overview + "<ul>" + "".join(lines) + "</ul>"


def atom_feed(twins: Sequence[Twin], title: str, feed_path: str, page_of: Callable[[Twin], str],
              base_url: str | None = None, lang: str = "zh") -> bytes:
    """The feed at ``feed_path`` (from the site root) with one entry per twin, newest first."""
    fg = FeedGenerator()
    fg.id(_id("feed", base_url or "", feed_path))
    fg.title(title)
    fg.language("zh-CN" if lang == "zh" else "en")
    fg.author({"name": "commitradar"})
    fg.generator("commitradar")
    fg.link(href=_href(feed_path, feed_path, base_url), rel="self", type="application/atom+xml")
    fg.link(href=_href("index.html", feed_path, base_url), rel="alternate", type="text/html")
    newest = datetime(1970, 1, 1, tzinfo=UTC)
    for tw in reversed(list(twins)):  # feedgen puts the last added entry first
        page = _href(page_of(tw), feed_path, base_url)
        fe = fg.add_entry()
        fe.id(_id("report", base_url or "", tw.repo, tw.label))
        s = tw.stats
        fe.title(f"{tw.repo} · {tw.label} · {TIER_EMOJI['high']} {s.high} {TIER_EMOJI['medium']} {s.medium} "
                 f"{TIER_EMOJI['low']} {s.low}")
        fe.link(href=page, rel="alternate", type="text/html")
        updated = tw.updated
        newest = max(newest, updated)
        fe.updated(updated)
        fe.published(tw.end.astimezone(UTC))
        fe.content(_content(tw, lang, page), type="html")
    fg.updated(newest)
    return fg.atom_str(pretty=True)


__all__ = ["atom_feed"]
