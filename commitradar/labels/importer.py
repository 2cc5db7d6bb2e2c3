"""Importing daily reports of the reference system ("argus", Markdown, both its early flat format and its
grouped one) as labels.

Entries are found on their ``**SHA**:`` lines (or bare commit links in the flat format), never on headings
(the LLM inserted its own). Every commit of each report's commit table is accounted for and the per-tier
counts are checked against its ``统计摘要`` line. Problems are *warnings* in the result (never hidden, never
fatal): the reports were written by an LLM and are not always consistent.
"""
from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError
from ..records import TIERS
from .label import MIN_SHA, Label
from .vocabulary import change_type_from_subject, map_change_type, parse_tier

# ------------------------------------------------------------------------------------- report parsing

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_REPO_HEADING = re.compile(
    r"^##\s+([A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9_.][A-Za-z0-9_.-]*)\s*(的\s*LLM\s*分析结果.*|LLM analysis.*)?$",
    re.IGNORECASE)
_TIER_HEADING = re.compile(
    r"^#{2,6}\s*[^\w#]*\s*(?:(高|中|低)\s*重要|(high|medium|low)[\s-]*(?:importance|priority|tier))",
    re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6})\s*(.*?)\s*#*\s*$")
_SHA_LINE = re.compile(r"\*\*\s*SHA\s*\*\*\s*[:：]\s*`?\s*([0-9a-fA-F]{7,40})\b")
_SHA_LINE_LOOSE = re.compile(r"^[\s>*_-]*SHA\s*[:：]\s*`?\s*([0-9a-fA-F]{7,40})\b")
_COMMIT_LINK = re.compile(r"https?://[^\s/()]+/([^\s/()]+/[^\s/()]+)/commit/([0-9a-fA-F]{7,40})\b")
_BARE_LINK = re.compile(r"^\s*<?\s*(https?://[^\s/()]+/[^\s/()]+/[^\s/()]+/commit/[0-9a-fA-F]{7,40})\s*>?\s*$")
_KEY_TIER = re.compile(r"(重要程度|重要性|importance|priority)[\s*_]*[:：][\s*_]*(.*)$", re.IGNORECASE)
_KEY_TYPE = re.compile(r"(变更类型|change\s*type|type\s*of\s*change)[\s*_]*[:：][\s*_]*(.*)$", re.IGNORECASE)
_WORDISH = re.compile(r"\w")
_SUMMARY_TOTAL = re.compile(r"(?:本日共|共计|共)\s*(\d+)\s*(?:个|条)?\s*提交|(\d+)\s+commits?\b", re.IGNORECASE)
_SUMMARY_TIER = re.compile(r"(?:(高|中|低)|(high|medium|low))\s*[:：]?\s*(\d+)", re.IGNORECASE)
_LLM_FAILED = ("LLM分析失败", "LLM 分析失败", "分析失败", "API请求失败")
_DATE_ANY = re.compile(r"(\d{4})\s*(?:-|/|\.|年)\s*(\d{1,2})\s*(?:-|/|\.|月)\s*(\d{1,2})")
_TABLE_ROW_SPLIT = re.compile(r"(?<!\\)\|")
_CN_TIER = {"高": "high", "中": "medium", "低": "low"}
_TIER_MARK = {"high": "🔴高", "medium": "🟡中", "low": "🟢低"}


@dataclass
class _Entry:
    line: int
    short: str
    full: str | None
    link_repo: str | None
    subject: str | None
    section_tier: str | None
    anchor: str  # "sha-line" | "link"
    tier_text: str | None = None
    type_text: str | None = None
    failed: bool = False


@dataclass
class _Row:
    line: int
    subject: str
    date: str | None


@dataclass
class ReportSection:
    """What one ``## owner/name`` part of a report held, for the consistency checks and the CLI summary."""

    repo: str
    line: int
    table_rows: int = 0
    blocks: int = 0
    labels: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TIERS, 0))
    summary: dict[str, int] | None = None  # {"total": 28, "high": 2, "medium": 18, "low": 8}
    summary_line: int | None = None


@dataclass
class ImportResult:
    source: str
    date: str | None
    labels: list[Label]
    warnings: list[str]
    sections: list[ReportSection]


@dataclass
class _Section:
    stats: ReportSection
    rows: list[_Row] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)
    has_table: bool = False


def clean_text(text: str | bytes) -> str:
    """Report text with bad UTF-8 replaced, stray control bytes dropped and line ends normalised."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text)


def _norm_subject(s: str) -> str:
    s = s.replace("\\|", "|").replace("\\_", "_").replace("\\*", "*")
    s = re.sub(r"\s+", " ", s).strip()
    return s.rstrip(".…").strip().casefold()


def _iso_date(text: str) -> str | None:
    m = _DATE_ANY.search(text)
    if not m:
        return None
    y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if not (1 <= mo <= 12 and 1 <= d <= 31):
        return None
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _key_value(regex: re.Pattern, line: str) -> str | None:
    """The value of a ``**⚡ 重要程度**：🔴 高`` style line, or None when the key is not the line's label
    (e.g. the word only appears inside prose)."""
    m = regex.search(line)
    if not m or _WORDISH.search(line, 0, m.start()):
        return None
    return m.group(2).strip(" *_`")


def _table_cells(line: str) -> list[str]:
    cells = _TABLE_ROW_SPLIT.split(line.strip())
    if cells and not cells[0].strip():
        cells = cells[1:]
    if cells and not cells[-1].strip():
        cells = cells[:-1]
    return [c.strip() for c in cells]


def parse_report(text: str | bytes, source: str, *, label_source: str | None = None) -> ImportResult:
    """Labels of one report in the reference format.

    ``source`` names the report in warnings (usually its path); each label's ``source`` is ``label_source``,
    by default ``argus:<file name>``. Entries are found on their ``**SHA**:`` lines (grouped format) or on
    their bare commit-link lines (early flat format), never on headings: the LLM wrote headings of its own
    inside entries. Warnings (``source:line: message``) report every commit-table row without an entry, every
    entry not in the table, tiers that disagree with the entry's section, and counts that disagree with the
    ``统计摘要`` line.
    """
    lines = clean_text(text).split("\n")
    label_source = label_source or f"argus:{Path(source).name}"
    warnings: list[str] = []
    warn = lambda line, msg: warnings.append(f"{source}:{line}: {msg}")  # noqa: E731

    date: str | None = None
    sections: list[_Section] = []
    by_repo: dict[str, _Section] = {}
    cur: _Section | None = None
    section_tier: str | None = None
    entry: _Entry | None = None
    in_table = False
    table_col = -1
    last_heading: tuple[int, str] | None = None  # (line index, text) of the latest non-structural heading
    last_nonblank = -1
    n = len(lines)

    def next_nonblank(i: int) -> int:
        j = i + 1
        while j < n and not lines[j].strip():
            j += 1
        return j

    def open_section(repo: str, i: int) -> _Section:
        key = repo.casefold()
        if key not in by_repo:
            by_repo[key] = _Section(ReportSection(repo=repo, line=i + 1))
            sections.append(by_repo[key])
        return by_repo[key]

    def start_entry(e: _Entry) -> None:
        nonlocal entry, cur
        if cur is None:
            repo = e.link_repo
            if repo is None:
                warn(e.line, f"SHA {e.short} before any '## owner/name' heading and without a commit link: skipped")
                entry = None
                return
            cur = open_section(repo, e.line - 1)
        cur.entries.append(e)
        entry = e

    for i, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        first = line[0]

        if in_table:
            if first == "|":
                cells = _table_cells(line)
                if cells and not all(set(c) <= set(":- ") for c in cells):
                    col = table_col if 0 <= table_col < len(cells) else len(cells) - 1
                    subject = re.split(r"<br\s*/?>", cells[col], maxsplit=1)[0].strip()
                    cur.rows.append(_Row(i + 1, subject, _iso_date(cells[0]) if cells else None))
                last_nonblank = i
                continue
            in_table = False

        if first == "#":
            m = _REPO_HEADING.match(line)
            if m and (m.group(2) or entry is None or lines[next_nonblank(i)].lstrip().startswith("|")):
                cur = open_section(m.group(1), i)
                section_tier, entry, last_heading = None, None, None
                last_nonblank = i
                continue
            if line.startswith("# ") and date is None:
                date = _iso_date(line)
            t = _TIER_HEADING.match(line)
            if t:
                section_tier = _CN_TIER.get(t.group(1) or "") or (t.group(2) or "").casefold()
                entry, last_heading = None, None
            else:
                h = _HEADING.match(line)
                last_heading = (i, h.group(2) if h else line)
            last_nonblank = i
            continue

        if first == "|" and cur is not None and entry is None and not cur.has_table and (
                "提交" in line or "commit" in line.casefold() or "message" in line.casefold()):
            cells = _table_cells(line)
            table_col = next((k for k, c in enumerate(cells) if "提交信息" in c or "message" in c.casefold()
                              or "subject" in c.casefold()), len(cells) - 1)
            cur.has_table = True
            in_table = True
            last_nonblank = i
            continue

        if "SHA" in line:
            m = _SHA_LINE.search(line) or _SHA_LINE_LOOSE.match(line)
            if m:
                short = m.group(1).lower()
                link = _COMMIT_LINK.search(line)
                full, link_repo = None, None
                if link:
                    link_repo, full = link.group(1), link.group(2).lower()
                subject = None
                if last_heading is not None and last_heading[0] == last_nonblank:
                    subject = last_heading[1]
                start_entry(_Entry(i + 1, short, full, link_repo, subject, section_tier, "sha-line"))
                last_nonblank = i
                continue

        if "/commit/" in line:
            b = _BARE_LINK.match(line)
            if b:
                link = _COMMIT_LINK.search(b.group(1))
                link_repo, sha = link.group(1), link.group(2).lower()
                if entry is not None and entry.anchor == "sha-line" and entry.full is None \
                        and entry.line - 1 == last_nonblank and sha.startswith(entry.short):
                    entry.full, entry.link_repo = sha, link_repo  # SHA line with the link on the next line
                else:
                    j = next_nonblank(i)
                    subject = lines[j].strip() if j < n and not lines[j].lstrip().startswith(("#", "**")) else None
                    start_entry(_Entry(i + 1, sha, sha if len(sha) == 40 else None, link_repo, subject,
                                       section_tier, "link"))
                last_nonblank = i
                continue

        if entry is not None:
            if entry.tier_text is None and ("重要" in line or "mportan" in line or "riorit" in line):
                v = _key_value(_KEY_TIER, line)
                if v is not None:
                    entry.tier_text = v
            if entry.type_text is None and ("类型" in line or "ype" in line):
                v = _key_value(_KEY_TYPE, line)
                if v is not None:
                    entry.type_text = v
            if not entry.failed and any(s in line for s in _LLM_FAILED):
                entry.failed = True
        elif cur is not None and ("提交" in line or "commit" in line.casefold()):
            s = _SUMMARY_TOTAL.search(line)
            if s and cur.stats.summary is None:
                summary = {"total": int(s.group(1) or s.group(2))}
                for cn, en, num in _SUMMARY_TIER.findall(line[s.end():]):
                    summary[_CN_TIER.get(cn) or en.casefold()] = int(num)
                cur.stats.summary, cur.stats.summary_line = summary, i + 1
        last_nonblank = i

    if date is None and sections:
        warn(1, "no date in the report title: each label takes the date of its commit-table row")
    labels: list[Label] = []
    seen: dict[str, int] = {}
    for sec in sections:
        labels.extend(_finish_section(sec, date, source, label_source, warn, seen))
    if not sections:
        warn(1, "no '## owner/name' section and no SHA entries: nothing imported")
    return ImportResult(source, date, labels, warnings, [s.stats for s in sections])


def _finish_section(sec: _Section, date: str | None, source: str, label_source: str, warn,
                    seen: dict[str, int]) -> list[Label]:
    st = sec.stats
    repo = st.repo
    st.table_rows, st.blocks = len(sec.rows), len(sec.entries)

    # 1. every commit of the table has an entry, every entry is in the table (matched on the subject)
    row_date: dict[int, str | None] = {}
    if sec.has_table:
        by_subject: dict[str, list[int]] = defaultdict(list)
        for k, e in enumerate(sec.entries):
            if e.subject:
                by_subject[_norm_subject(e.subject)].append(k)
        matched: set[int] = set()
        orphans: list[_Row] = []
        for row in sec.rows:
            ks = by_subject.get(_norm_subject(row.subject))
            if ks:
                k = ks.pop(0)
                matched.add(k)
                row_date[k] = row.date
            else:
                orphans.append(row)
        # second pass: truncated or re-worded subjects, matched on a common prefix
        for row in list(orphans):
            rs = _norm_subject(row.subject)
            for k, e in enumerate(sec.entries):
                if k in matched or not e.subject:
                    continue
                es = _norm_subject(e.subject)
                if min(len(rs), len(es)) >= 12 and (rs.startswith(es) or es.startswith(rs)):
                    matched.add(k)
                    row_date[k] = row.date
                    orphans.remove(row)
                    break
        for row in orphans:
            warn(row.line, f"{repo}: commit {row.subject!r} of the commit table has no SHA entry: no label")
        for k, e in enumerate(sec.entries):
            if k not in matched:
                what = repr(e.subject) if e.subject else "(no subject heading)"
                warn(e.line, f"{repo}: SHA entry {e.short} {what} is not in the commit table (labelled anyway)")
    elif sec.entries:
        warn(st.line, f"{repo}: no commit table: {len(sec.entries)} SHA entries not checked against it")

    # 2. one label per entry
    out: list[Label] = []
    from_section = failed = 0
    for k, e in enumerate(sec.entries):
        sha = e.short
        if e.full:
            if not e.full.startswith(e.short):
                warn(e.line, f"{repo}: SHA {e.short} and its link {e.full} disagree: the link is used")
            sha = e.full
        entry_repo = repo
        if e.link_repo and e.link_repo.casefold() != repo.casefold():
            warn(e.line, f"SHA {e.short} links to {e.link_repo} inside the {repo} section: {e.link_repo} is used")
            entry_repo = e.link_repo
        tier = parse_tier(e.tier_text)
        reason = None
        if e.tier_text is not None and tier is None:
            warn(e.line, f"{repo}: SHA {e.short}: unknown 重要程度 {e.tier_text!r}")
        if tier is None:
            tier = e.section_tier
            if tier is None:
                warn(e.line, f"{repo}: SHA {e.short} has no 重要程度 and no tier section: no label")
                continue
            from_section += 1
            reason = "tier from the report's section heading (no 重要程度 line)"
        elif e.section_tier and e.section_tier != tier:
            warn(e.line, f"{repo}: SHA {e.short}: 重要程度 says {tier} but it is listed under {e.section_tier} "
                         f"(the 重要程度 line is used)")
        change_type = map_change_type(e.type_text)
        if change_type is None:
            if e.type_text:
                warn(e.line, f"{repo}: SHA {e.short}: unknown 变更类型 {e.type_text!r}: taken from the subject")
            change_type = change_type_from_subject(e.subject)
            note = "change type from the subject (no 变更类型 line)"
            reason = f"{reason}; {note}" if reason else note
        if e.failed:
            failed += 1
            reason = f"LLM analysis failed in the report; {reason}" if reason else "LLM analysis failed in the report"
        day = date or row_date.get(k)
        if day is None:
            warn(e.line, f"{repo}: SHA {e.short}: no date in the report title nor in the commit table: no label")
            continue
        key = f"{entry_repo.casefold()}@{sha[:MIN_SHA]}"
        if key in seen:
            warn(e.line, f"{repo}: SHA {e.short} appears twice (first at line {seen[key]}): the first is kept")
            continue
        seen[key] = e.line
        out.append(Label(sha=sha, repo=entry_repo, date=day, tier=tier, change_type=change_type,
                         source=label_source, reason=reason))
        st.counts[tier] += 1
    st.labels = len(out)
    if from_section or failed:
        what = f"{from_section} entr{'y' if from_section == 1 else 'ies'} without a 重要程度 line took the tier " \
               f"of their section heading"
        if failed:
            what += f" ({failed} with a failed LLM analysis: change type from the subject)"
        warn(st.line, f"{repo}: {what}")

    # 3. the 统计摘要 line
    if st.summary is None:
        if sec.entries or sec.rows:
            warn(st.line, f"{repo}: no 统计摘要 line: per-tier counts not checked")
    else:
        s = st.summary
        problems = []
        if s.get("total") is not None and sec.has_table and s["total"] != st.table_rows:
            problems.append(f"{st.table_rows} commits in the table")
        if s.get("total") is not None and s["total"] != st.labels:
            problems.append(f"{st.labels} labels")
        for t in TIERS:
            if t in s and s[t] != st.counts[t]:
                problems.append(f"{_TIER_MARK[t]} {st.counts[t]} parsed")
        if problems:
            said = " | ".join([f"{s.get('total')} commits"] + [f"{_TIER_MARK[t]} {s[t]}" for t in TIERS if t in s])
            warn(st.summary_line, f"{repo}: 统计摘要 says {said}, but: {', '.join(problems)}")
    return out


def import_reports(paths: Iterable[str | os.PathLike], *, label_source: str | None = None
                   ) -> tuple[list[Label], list[str]]:
    """Labels and warnings of many reports. Every path must exist (checked before any parsing). A commit
    labelled by two reports keeps the first label; a disagreement between them is a warning."""
    ps = [Path(p) for p in paths]
    for p in ps:
        if not p.is_file():
            raise InputError(f"report not found: {p}")
    labels: list[Label] = []
    warnings: list[str] = []
    first: dict[str, Label] = {}
    for p in ps:
        try:
            data = p.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read {p}: {exc.strerror or exc}") from None
        res = parse_report(data, str(p), label_source=label_source)
        warnings.extend(res.warnings)
        for lab in res.labels:
            key = f"{lab.repo.casefold()}@{lab.sha[:MIN_SHA]}"
            prev = first.get(key)
            if prev is not None:
                if (prev.tier, prev.change_type) != (lab.tier, lab.change_type):
                    warnings.append(f"{p}: {lab.repo} {lab.sha[:MIN_SHA]} is {lab.tier}/{lab.change_type} here "
                                    f"but {prev.tier}/{prev.change_type} in {prev.source}: the first is kept")
                continue
            first[key] = lab
            labels.append(lab)
    return labels, warnings


