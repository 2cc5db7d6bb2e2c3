"""What every sink shares: the report's JSON twin read into a ``Summary``, the sink registry, and fitting
a message into a platform's size limit.

A ``Platform`` builds a payload from a ``Summary`` keeping only its first ``keep`` items; ``fit`` finds the
largest ``keep`` whose payload ``measure``s within ``limit``, so a long day is shortened at an item (line)
boundary and the message ends with "… N more in the full report" and its link.

Untrusted text (commit subjects, headline texts, LLM overviews, breaking-change notes) arrives here raw:
``Summary`` only makes it one line (control and bidi characters dropped) and caps its length; each platform
escapes it for its own markup, or puts it in elements its platform never parses (Slack rich text, Feishu
post ``text``).
"""
from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from urllib.parse import quote

from ..errors import InputError
from ..i18n import TIER_EMOJI, t
from ..markdown import clean
from ..records import repo_folders
from ..registry import Registry
from ..twin import Twin, read_twin, site_page_path

TIER_RANK = {"high": 0, "medium": 1, "low": 2}
ITEM_CHARS = 200  # one item's text, before escaping; a message is a digest, the report has the rest
OVERVIEW_CHARS = 600

STRINGS = {
    "zh": {
        "title": "{repo} 每日更新（{label}）", "title_range": "{repo} 更新（{label}）",
        "must_read": "必读", "breaking": "不兼容变更", "dependency": "依赖变动",
        "entry_high": "其他高重要度变更", "entry_medium": "其他中、高重要度变更", "entry_low": "其他变更",
        "more": "……还有 {n} 条，见完整报告", "report": "完整报告", "site": "网页版",
        "report_file": "完整报告：{path}", "quiet": "今日没有需要特别关注的变更。",
    },
    "en": {
        "title": "{repo} daily update ({label})", "title_range": "{repo} update ({label})",
        "must_read": "Must read", "breaking": "Breaking changes", "dependency": "Dependency moves",
        "entry_high": "Other high-importance changes", "entry_medium": "Other high- and medium-importance changes",
        "entry_low": "Other changes",
        "more": "… {n} more in the full report", "report": "Full report", "site": "Web page",
        "report_file": "Full report: {path}", "quiet": "Nothing that needs attention today.",
    },
}
SECTIONS = ("must_read", "breaking", "dependency", "entry")


def s(lang: str, key: str, **kw) -> str:
    return STRINGS[lang][key].format(**kw)


# ------------------------------------------------------------------ the summary a message shows

@dataclass(frozen=True)
class Item:
    kind: str  # must_read | breaking | dependency | entry
    sha: str
    text: str  # untrusted, one line, at most ITEM_CHARS characters
    url: str | None  # the entry in the report (site page or report file), else the commit
    tier: str | None = None


@dataclass(frozen=True)
class Breaking:
    sha: str
    anchor: str
    kind: str
    what: str
    subject: str | None
    commit_url: str | None
    pr_url: str | None
    url: str | None


@dataclass(frozen=True)
class Links:
    """Where readers find the report: ``report_url`` + the report's path (e.g. a GitHub blob URL of the
    repository the reports are committed to) and ``site_url`` + the site page's path."""

    report_url: str | None = None
    site_url: str | None = None


@dataclass(frozen=True)
class Summary:
    repo: str
    label: str
    lang: str
    stats: Mapping[str, int]
    overview: str | None
    items: tuple[Item, ...]  # in section order (SECTIONS)
    breaking: tuple[Breaking, ...]
    report_path: str  # relative to the output folder: reports/YYYY/<owner>/<name>/<label>.md
    report_url: str | None
    site_url: str | None
    min_tier: str = "medium"

    @property
    def title(self) -> str:
        return s(self.lang, "title_range" if ".." in self.label else "title", repo=clean(self.repo), label=self.label)

    @property
    def stats_line(self) -> str:
        return t(self.lang, "stats_line_range" if ".." in self.label else "stats_line", **dict(self.stats))

    def heading(self, kind: str) -> str:
        return s(self.lang, f"entry_{self.min_tier}" if kind == "entry" else kind)

    def more(self, n: int) -> str:
        return s(self.lang, "more", n=n)

    @property
    def link(self) -> str | None:
        """The message's main link: the site page, else the report file."""
        return self.site_url or self.report_url


def short(text: str | None, limit: int = ITEM_CHARS) -> str:
    """One line of at most ``limit`` characters (cut at a word where one is near, marked with …)."""
    text = clean(text or "")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.6 else cut).rstrip() + "…"


def report_path(data: Mapping[str, Any]) -> str:
    """Where ``commitradar report`` writes a twin's Markdown, relative to the output folder
    (``reports/YYYY/<owner>/<name>/<label>.md``, as ``report.report_path`` lays it out)."""
    year = datetime.fromisoformat(str(data["start"])).year
    return "/".join(("reports", str(year), *repo_folders(str(data["repo"])), f"{data['label']}.md"))


def _join(base: str | None, rel: str) -> str | None:
    return f"{base.rstrip('/')}/{rel}" if base else None


def summarize(twin: Twin, report_rel: str, links: Links = Links(), min_tier: str = "medium") -> Summary:
    """What a message shows: the headline's items, then every other entry at or above ``min_tier``."""
    report_url = _join(links.report_url, report_rel)
    site_url = _join(links.site_url, site_page_path(twin.repo, twin.label))
    page = site_url or report_url
    by_sha = {e.commit.sha: e for e in twin.entries}

    def url_of(anchor: str, sha: str) -> str | None:
        if page:
            return f"{page}#{anchor}"
        entry = by_sha.get(sha)
        return (entry.commit_url or entry.pr_url) if entry else None

    items: list[Item] = []
    seen: set[str] = set()
    for kind in SECTIONS[:3]:
        for it in twin.headline.items:
            if it.kind == kind:
                entry = by_sha.get(it.sha)
                # a breaking change or a dependency move says what changed; the subject says which commit
                text = it.text if kind == "must_read" or not it.title or clean(it.title) in clean(it.text) \
                    else f"{it.text} — {it.title}"
                items.append(Item(kind, it.sha, short(text), url_of(it.anchor, it.sha),
                                  entry.verdict.tier if entry else None))
                seen.add(it.sha)
    for e in twin.entries:
        if e.commit.sha not in seen and TIER_RANK[e.verdict.tier] <= TIER_RANK[min_tier]:
            items.append(Item("entry", e.commit.sha, short(e.commit.subject), url_of(e.anchor, e.commit.sha),
                              e.verdict.tier))
    breaking = tuple(
        Breaking(e.commit.sha, e.anchor, e.breaking.kind, short(e.breaking.what, 400),
                 short(e.breaking.subject) or None, e.commit_url, e.pr_url, url_of(e.anchor, e.commit.sha))
        for e in twin.entries if e.breaking is not None)
    overview = short(twin.headline.overview, OVERVIEW_CHARS) or None
    return Summary(twin.repo, twin.label, twin.lang, twin.stats.model_dump(), overview, tuple(items), breaking,
                   report_rel, report_url, site_url, min_tier)


def sections(summary: Summary, keep: int) -> tuple[list[tuple[str, list[Item]]], int]:
    """The first ``keep`` items grouped under their headings, and how many were left out."""
    kept = summary.items[:keep]
    groups = [(kind, [i for i in kept if i.kind == kind]) for kind in SECTIONS]
    return [(k, g) for k, g in groups if g], len(summary.items) - len(kept)


def item_line(item: Item) -> str:
    """The item's text after its tier's mark (🔴/🟡/🟢), raw: each platform escapes it its own way."""
    mark = TIER_EMOJI.get(item.tier or "", "")
    return f"{mark} {item.text}" if mark else item.text


# Chat "markdown" (DingTalk, WeCom) is each platform's own subset, and neither documents an escape
# character: backslashes might show up as they are. So untrusted text keeps its words and loses only the
# power to format: the characters that open links and images ([ ]), HTML, <@mentions> and quotes (< >),
# and emphasis (*) become their full-width look-alikes, and so do backticks unless they pair up (a code
# span shows its content literally). An identifier's _ stays: inside a word it cannot open emphasis. Each
# line puts our link first and the untrusted text last, so nothing of ours follows it.
_CHAT_MD = str.maketrans({"[": "［", "]": "］", "<": "＜", ">": "＞", "*": "＊"})


def chat_md(text: str) -> str:
    """Untrusted text as inert chat markdown (see above); ``&`` stays (no entity is decoded into markup)."""
    text = clean(text).translate(_CHAT_MD)
    return text.replace("`", "｀") if text.count("`") % 2 else text


def safe_url(url: str) -> str:
    """A URL that cannot end a Markdown link early: spaces, parentheses, brackets and quotes %-encoded."""
    return quote(url, safe=":/?#@!$&'*+,;=%~-._")


def md_link(text: str, url: str) -> str:
    return f"[{text}]({safe_url(url)})"


def chat_markdown(summary: Summary, keep: int, title: str, bullet: str) -> list[list[str]]:
    """The message of the chat-markdown platforms (DingTalk, WeCom) as blocks of lines: title (formatted by
    ``title``), counts, overview, each section's heading and its items (each line starts with ``bullet``),
    then "N more" and the links. Each platform joins the blocks its own way."""
    lang = summary.lang
    blocks = [[title.format(chat_md(summary.title))], [chat_md(summary.stats_line)]]
    if summary.overview:
        blocks.append(["> " + chat_md(summary.overview)])
    groups, left = sections(summary, keep)
    for kind, items in groups:
        blocks.append([f"**{chat_md(summary.heading(kind))}**"])
        blocks.append([f"{bullet}{md_link(i.sha[:7], i.url) if i.url else i.sha[:7]} {chat_md(item_line(i))}"
                       for i in items])
    if not summary.items:
        blocks.append([s(lang, "quiet")])
    links = [md_link(s(lang, key), url) for key, url in (("report", summary.report_url), ("site", summary.site_url))
             if url]
    tail = " · ".join(links) if links else chat_md(s(lang, "report_file", path=summary.report_path))
    blocks.append([(chat_md(summary.more(left)) + " " if left else "") + tail])
    return blocks


# ------------------------------------------------------------------ platforms

def encode(payload: Mapping[str, Any]) -> bytes:
    """The exact bytes sent (and signed)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass(frozen=True)
class Signed:
    url: str
    payload: dict
    headers: Mapping[str, str] = field(default_factory=dict)
    secrets: tuple[str, ...] = ()  # derived values that must not be logged either (signatures)


@dataclass(frozen=True)
class Answer:
    ok: bool
    retryable: bool = False
    detail: str = ""


def accept_2xx(status: int, body: bytes) -> Answer:
    return Answer(True) if 200 <= status < 300 else Answer(False, status == 429 or status >= 500, f"HTTP {status}")


def accept_errcode(field_names: Sequence[str], rate_codes: set[int], platform: str) -> Callable[[int, bytes], Answer]:
    """Chat platforms answer HTTP 200 with an error code in the body: 0 is success, ``rate_codes`` mean
    "too fast" (retried with back-off), anything else is a failure with the platform's message."""

    def accept(status: int, body: bytes) -> Answer:
        first = accept_2xx(status, body)
        if not first.ok:
            return first
        try:
            data = json.loads(body or b"{}")
        except ValueError:
            return Answer(False, False, f"HTTP {status} with a body that is not JSON")
        if not isinstance(data, dict):
            return Answer(False, False, f"HTTP {status} with an unexpected body")
        code = next((data[f] for f in field_names if f in data), None)
        if code in (0, None):
            return Answer(True)
        msg = short(str(data.get("msg") or data.get("errmsg") or data.get("StatusMessage") or ""), 160)
        return Answer(False, code in rate_codes, f"{platform} error {code}: {msg}")

    return accept


@dataclass(frozen=True)
class Platform:
    """One kind of sink. ``build(summary, keep)`` → payload with the first ``keep`` items; ``measure``
    counts what ``limit`` bounds (None: no limit); ``sign(url, payload, secret, now)`` adds a signature
    (None: the platform does not sign); ``accept(status, body)`` reads the answer; ``docs`` cites the
    platform's documentation."""

    name: str
    build: Callable[[Summary, int], dict]
    limit: int | None
    measure: Callable[[dict], int]
    accept: Callable[[int, bytes], Answer] = accept_2xx
    sign: Callable[[str, dict, str, float], Signed] | None = None
    docs: tuple[str, ...] = ()

    def fit(self, summary: Summary) -> dict:
        """The payload with as many items as fit within ``limit``; raises ``InputError`` if not even the
        title, counts and link fit."""
        n = len(summary.items)
        full = self.build(summary, n)
        if self.limit is None or self.measure(full) <= self.limit:
            return full
        lo, hi = 0, n - 1  # largest keep in [lo, hi] that fits
        if self.measure(self.build(summary, 0)) > self.limit:
            summary = replace(summary, overview=None)
            if self.measure(self.build(summary, 0)) > self.limit:
                raise InputError(f"{self.name}: even the shortest message is over the platform's limit ({self.limit})")
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.measure(self.build(summary, mid)) <= self.limit:
                lo = mid
            else:
                hi = mid - 1
        return self.build(summary, lo)


SINKS: Registry[Platform] = Registry("sink type")


def json_size(payload: Mapping[str, Any]) -> int:
    return len(encode(payload))


__all__ = ["SINKS", "Platform", "Summary", "Item", "Breaking", "Links", "Twin", "Signed", "Answer", "read_twin",
           "summarize", "report_path", "sections", "encode", "short", "s", "json_size", "chat_md",
           "safe_url", "item_line", "md_link", "chat_markdown"]
