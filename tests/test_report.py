"""The rendered report: table escaping and 目录 anchors (hypothesis), golden files, --lang en, JSON twin.

The Markdown checks below are written independently of ``commitradar.markdown``: a GFM table-row
splitter, a small CommonMark inline-to-text renderer for headings, and github-slugger's rules.
"""
from __future__ import annotations

import html
import json
import os
import re
import unicodedata
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import DAY, GitRepo, build_day_repo
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitradar import markdown as md
from commitradar.classifier import get_classifier
from commitradar.config import Config
from commitradar.mining import open_repo, resolve_window
from commitradar.pipeline import build_report, run
from commitradar.records import Commit, FileChange
from commitradar.report import layout, render_json, render_markdown, write_report
from commitradar.writer import get_writer

GOLDEN = Path(__file__).parent / "golden"
CONFIG = Config(classifier="rules", tz="Asia/Shanghai")
WINDOW = resolve_window(DAY, tz="Asia/Shanghai")

# ------------------------------------------------------------------------------ independent checkers

_ASCII_PUNCT = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def inline_text(src: str) -> str:
    """CommonMark inline → text content, for what our reports contain: backslash escapes, code spans,
    entities; raw HTML tags are dropped. (Emphasis can't occur: ``*``/``_`` are escaped in our output.)"""
    out, i, n = [], 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\" and i + 1 < n and src[i + 1] in _ASCII_PUNCT:
            out.append(src[i + 1])
            i += 2
        elif ch == "`":
            j = i
            while j < n and src[j] == "`":
                j += 1
            run_len = j - i
            k = j
            close = -1
            while k < n:
                if src[k] == "`":
                    e = k
                    while e < n and src[e] == "`":
                        e += 1
                    if e - k == run_len:
                        close = k
                        break
                    k = e
                else:
                    k += 1
            if close < 0:
                out.append(src[i:j])
                i = j
                continue
            content = src[j:close].replace("\n", " ")
            if len(content) >= 2 and content[0] == " " and content[-1] == " " and content.strip(" "):
                content = content[1:-1]
            out.append(content)
            i = close + run_len
        elif ch == "&" and _ENTITY.match(src, i):
            m = _ENTITY.match(src, i)
            out.append(html.unescape(m.group(0)))
            i = m.end()
        elif ch == "<" and re.match(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?>", src[i:]):
            i += re.match(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?>", src[i:]).end()
        else:
            out.append(ch)
            i += 1
    return "".join(out)


def _alphabetic_symbol(ch: str) -> bool:
    o = ord(ch)
    return 0x24B6 <= o <= 0x24E9 or 0x1F130 <= o <= 0x1F189


def gh_slug(text: str) -> str:
    """github-slugger: lower-case, then remove Other_Number, all punctuation but connectors and ``-``,
    symbols, controls/format/private/unassigned and separators but `` ``; Alphabetic is never removed."""
    kept = []
    for ch in text.lower():
        cat = unicodedata.category(ch)
        removed = (cat == "No" or cat in ("Pd", "Ps", "Pe", "Pi", "Pf", "Po") or cat[0] in ("S", "Z")
                   or cat in ("Cc", "Cf", "Co", "Cn"))
        if ch in (" ", "-"):
            removed = False
        if cat[0] == "L" or cat == "Nl" or _alphabetic_symbol(ch):
            removed = False
        if not removed:
            kept.append(ch)
    return "".join(kept).replace(" ", "-")


class Slugger:
    def __init__(self):
        self.occurrences: dict[str, int] = {}

    def slug(self, text: str) -> str:
        original = result = gh_slug(text)
        while result in self.occurrences:
            self.occurrences[original] += 1
            result = f"{original}-{self.occurrences[original]}"
        self.occurrences[result] = 0
        return result


_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?[ \t]*$")


def _heading(line: str) -> str | None:
    m = _ATX.match(line)
    if not m:
        return None
    content = re.sub(r"(?:^|[ \t]+)#+[ \t]*$", "", m.group(2) or "")
    return inline_text(content).strip()


def heading_texts(doc: str) -> list[str]:
    """Text of every ATX heading, in order (closing ``#`` sequence removed, inline rendered)."""
    return [h for h in map(_heading, doc.split("\n")) if h is not None]


def link_text_at(src: str) -> tuple[str, int] | None:
    """The text of the inline link starting at ``src[0] == "["`` and where its ``](`` is: backslash escapes
    and code spans cannot close the brackets (CommonMark: code spans bind tighter than links)."""
    if not src.startswith("["):
        return None
    i, depth, n = 1, 0, len(src)
    while i < n:
        ch = src[i]
        if ch == "\\":
            i += 2
            continue
        if ch == "`":
            j = i
            while j < n and src[j] == "`":
                j += 1
            close = src.find(src[i:j], j)
            while close >= 0 and close + (j - i) < n and src[close + (j - i)] == "`":
                close = src.find(src[i:j], close + (j - i) + 1)
            i = close + (j - i) if close >= 0 else j
            continue
        if ch == "[":
            depth += 1
        elif ch == "]":
            if depth == 0:
                return (inline_text(src[1:i]), i) if src[i + 1:i + 2] == "(" else None
            depth -= 1
        i += 1
    return None


_INLINE_ANCHOR = re.compile(r'^- <a id="([^"]+)"></a>(.*)$')


def anchors(doc: str) -> list[tuple[str, str]]:
    """Every link target of the document as (id, the text a reader lands on): explicit ``<a id>`` anchors
    on their own line (landing on the next heading) or at the start of a list item (landing on the item's
    first link, the commit's title), and heading slugs, in document order."""
    lines = doc.split("\n")
    slugger = Slugger()
    out = []
    for i, line in enumerate(lines):
        m = re.fullmatch(r'<a id="([^"]+)"></a>', line)
        if m:
            nxt = next(h for h in map(_heading, lines[i + 1:]) if h is not None)
            out.append((m.group(1), nxt))
        m = _INLINE_ANCHOR.match(line)
        if m:
            found = link_text_at(m.group(2))
            assert found is not None, line
            out.append((m.group(1), found[0]))
        h = _heading(line)
        if h is not None:
            out.append((slugger.slug(h), h))
    return out


def internal_links(doc: str) -> list[str]:
    """Targets of every ``](#id)`` link anywhere in the document (headline, table, notes, TOC)."""
    return re.findall(r"\]\(#([^()\s]*)\)", doc)


def toc_links(doc: str) -> list[tuple[str, str]]:
    """(visible link text, target id) of every 目录 entry."""
    lines = doc.split("\n")
    start = next(i for i, ln in enumerate(lines) if re.match(r"^#{1,6} .*(目录|Contents)$", ln))
    links = []
    for ln in lines[start + 1:]:
        if _ATX.match(ln):
            break
        m = re.match(r"^\s*- \[(.*)\]\(#([^()\s]*)\)\s*$", ln)
        if m:
            links.append((inline_text(m.group(1)), m.group(2)))
    return links


def assert_links_resolve(doc: str) -> None:
    targets = anchors(doc)
    ids = [x for x, _ in targets]
    assert len(ids) == len(set(ids)), f"duplicate anchors: {[x for x in ids if ids.count(x) > 1]}"
    where = dict(targets)
    links = toc_links(doc)
    assert links, "no 目录 links"
    for text, target in links:
        assert target in where, (target, ids)
        assert where[target] == text, f"link {text!r} lands on heading {where[target]!r}"
    for target in internal_links(doc):
        assert target in where, (target, ids)
    # no setext headings sneak in (a --- right under a text line would be one)
    lines = doc.split("\n")
    for i, ln in enumerate(lines[1:], 1):
        if re.match(r"^ {0,3}(=+|-+)[ \t]*$", ln):
            assert lines[i - 1].strip() == "", f"setext heading at line {i}: {lines[i - 1]!r}"


INVISIBLE = re.compile(r"[\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")  # zero-width, bidi, line separators


def split_row(line: str) -> list[str]:
    """GFM table row → cells: ``|`` splits unless it is written ``\\|``."""
    body = line.strip()
    assert body.startswith("|") and body.endswith("|") and not body.endswith("\\|"), line
    cells, cur, i = [], [], 1
    while i < len(body) - 1:
        if body[i] == "\\" and body[i + 1] == "|":
            cur.append("\\|")
            i += 2
            continue
        if body[i] == "|":
            cells.append("".join(cur))
            cur = []
        else:
            cur.append(body[i])
        i += 1
    cells.append("".join(cur))
    return cells


COLUMNS = 4  # time (with the zone), tier, author, subject


def table_rows(doc: str) -> list[str]:
    lines = doc.split("\n")
    i = next(i for i, ln in enumerate(lines) if re.fullmatch(rf"\|(?:\s*:?-+:?\s*\|){{{COLUMNS}}}", ln))
    assert len(split_row(lines[i - 1])) == COLUMNS  # header
    rows = []
    for ln in lines[i + 1:]:
        if not ln.strip():
            break
        rows.append(ln)
    return rows


# ------------------------------------------------------------------------------ building reports in-process

T0 = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)
FILESETS = {
    "model": (("pkg/models/new_model.py", 420, 0), ("pkg/configs/new_model.py", 40, 0), ("tests/test_new.py", 30, 0)),
    "kernel": (("csrc/attn.cu", 300, 80), ("pkg/core/engine.py", 40, 10)),
    "docs": (("docs/guide.md", 20, 3),),
    "binary": (("assets/logo.png", None, None),),
    "none": (),
}


def make_commit(i: int, subject: str, author: str = "A", files: str = "docs", body: str = "") -> Commit:
    sha = f"{i:02x}" + "ab" * 19
    return Commit("org/proj", sha, author, "example.com", T0 + timedelta(minutes=i), T0 + timedelta(minutes=i),
                  ("0" * 40,), subject, body, tuple(FileChange(*f) for f in FILESETS[files]),
                  remote_url="https://github.com/org/proj")


def render(commits, lang="zh", config=CONFIG):
    report = build_report("org/proj", "https://github.com/org/proj", WINDOW, commits, config,
                          get_classifier(config), get_writer(config))
    return report, render_markdown(report, lang)


# ------------------------------------------------------------------------------ properties

nasty = st.text(
    st.one_of(st.characters(codec="utf-8"), st.sampled_from(list("|<>`\\\n\r\t#[]()*_&!~-=+:.0123456789 \x00\x1b\u2028\u202e"))),
    max_size=60,
)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(nasty, nasty, st.sampled_from(sorted(FILESETS)), nasty), min_size=1, max_size=4))
def test_any_message_one_row_three_columns_and_links_resolve(items):
    commits = [make_commit(i, subj, author, files, body) for i, (subj, author, files, body) in enumerate(items)]
    report, doc = render(commits)
    rows = table_rows(doc)
    assert len(rows) == len(commits)
    for row in rows:
        assert len(split_row(row)) == COLUMNS, row
    assert "\r" not in doc
    assert_links_resolve(doc)
    # every commit's anchor lands on the commit's visible text (a heading, or a low-tier line's link)
    landing = dict(anchors(doc))
    lay = layout(report, "zh")
    for e in report.entries:
        visible = re.sub(r" {2,}", " ", "".join(
            " " if ch in "\r\n\t" else ch for ch in e.commit.subject
            if (unicodedata.category(ch) != "Cc" or ch in "\r\n\t") and not INVISIBLE.match(ch))).strip()
        if visible and "`" not in visible:
            assert landing[lay.by_sha[e.commit.sha].anchor] == visible, (visible, landing)


@settings(max_examples=100, deadline=None)
@given(nasty)
def test_escaped_cell_round_trips_to_the_visible_text(text):
    from commitradar.markdown import cell, clean, inline

    rendered = inline_text(cell(text).replace("\\|", "|"))
    if "`" not in text:
        assert rendered.strip() == clean(text) or (not clean(text) and rendered == " ")
    assert "\n" not in inline(text) and "\n" not in cell(text)


# ------------------------------------------------------------------------------ targeted examples


def test_heading_collisions_with_tier_headings_resolve():
    # A commit whose rendered title slugs exactly like a later tier heading, spelled with a code span
    # (the slug must be taken from the rendered text, not the source) and one like a commit anchor.
    commits = [
        make_commit(1, "-低重要度变更 ` (1)`", files="kernel"),
        make_commit(2, "🟢 低重要度变更 (1)", files="kernel"),
        make_commit(3, "统计摘要", files="docs"),
        make_commit(4, "📊 统计摘要", files="kernel"),
        make_commit(5, "commit-05" + "ab" * 5, files="kernel"),
        make_commit(6, "x", files="docs"),
        make_commit(7, "", files="docs"),
        make_commit(8, "\x00\x01", files="docs"),
        make_commit(9, "- 1. nested? ---", files="docs"),
    ]
    _, doc = render(commits)
    assert_links_resolve(doc)
    assert len(table_rows(doc)) == len(commits)


def test_slugger_rules():
    assert gh_slug("📊 统计摘要") == "-统计摘要"
    assert gh_slug("🔴 高重要度变更 (2)") == "-高重要度变更-2"
    assert gh_slug("Foo_Bar: x² ½ Ⓐ—y") == "foo_bar-x--ⓐy"
    s = Slugger()
    assert [s.slug(x) for x in ("a", "a", "a-1", "a")] == ["a", "a-1", "a-1-1", "a-2"]
    from commitradar.markdown import SlugBook, github_slug

    for text in ("Foo_Bar: x² ½ Ⓐ—y", "Ⅻ roman", "a‿b", "éÉ ß", "x\u00a0y", "١٢٣"):
        assert github_slug(text) == gh_slug(text), text
    book, mine = SlugBook(), Slugger()
    for x in ("a", "a", "a-1", "a", "b", "a-2"):
        assert book.slug(x) == mine.slug(x)


def test_empty_day_report_says_so():
    report, doc = render([])
    assert "没有提交" in doc and "2026-03-10" in doc
    assert "| 提交时间 |" not in doc
    _, doc_en = render([], lang="en")
    assert "No commits on 2026-03-10 (Asia/Shanghai)." in doc_en


def test_json_twin_carries_everything(day_repo):
    repo, shas = day_repo
    local = open_repo(str(repo.path), repo.path.parent / "cache")
    (report,) = list(run(CONFIG, WINDOW, [local]))
    data = json.loads(render_json(report))
    assert data["format_version"] == 2 and data["label"] == DAY and data["lang"] == "zh"
    assert data["stats"] == {"total": 8, "high": report.count("high"), "medium": report.count("medium"),
                             "low": report.count("low")}
    assert data["stats"]["high"] + data["stats"]["medium"] + data["stats"]["low"] == 8
    assert data["classifier"] == "rules:default" and data["writer"] == "deterministic"
    assert data["timezone"] == "Asia/Shanghai" and data["start"] == "2026-03-10T00:00:00+08:00"
    by_sha = {e["commit"]["sha"]: e for e in data["entries"]}
    feat = by_sha[shas["feat"]]
    f = feat["features"]
    assert f["conventional_type"] == "feat" and f["conventional_scope"] == "model" and f["breaking_mark"] is True
    assert f["pr_number"] == 104 and f["n_binary"] == 1 and f["n_files"] == 4
    assert {c["category"] for c in f["categories"]} == {"model", "test", "other"}
    assert feat["verdict"]["tier"] in ("high", "medium", "low")
    assert feat["verdict"]["change_type"] == "feature"
    assert feat["verdict"]["reasons"] and all(isinstance(r, str) for r in feat["verdict"]["reasons"])
    assert feat["prose"]["summary"] and feat["prose"]["source"] == "deterministic"
    assert feat["commit"]["files"][0].keys() == {"path", "added", "deleted"}
    assert by_sha[shas["merge"]]["features"]["is_merge"] is True
    assert by_sha[shas["revert"]]["features"]["is_revert"] is True
    assert by_sha[shas["deps"]]["features"]["is_dependency_bump"] is True
    assert by_sha[shas["docs"]]["features"]["docs_only"] is True
    assert by_sha[shas["ci"]]["features"]["ci_only"] is True
    assert by_sha[shas["tests"]]["features"]["tests_only"] is True
    # entries: high first, then newest first within a tier
    order = [(["high", "medium", "low"].index(e["verdict"]["tier"]), -datetime.fromisoformat(e["commit"]["committed_at"]).timestamp())
             for e in data["entries"]]
    assert order == sorted(order)
    # no web remote: no links, but anchors, reasons and the headline all the same
    assert all(e["commit_url"] is None and e["pr_url"] is None for e in data["entries"])
    assert all(e["anchor"] == "commit-" + e["commit"]["sha"][:12] for e in data["entries"])
    assert all(e["reason"].endswith("。") for e in data["entries"])
    assert data["headline"]["overview"] is None and data["headline"]["items"]


def test_english_report(day_repo):
    repo, _ = day_repo
    local = open_repo(str(repo.path), repo.path.parent / "cache")
    (report,) = list(run(Config(classifier="rules", tz="Asia/Shanghai", lang="en"), WINDOW, [local]))
    doc = render_markdown(report, "en")
    assert doc.startswith("# Daily update report (2026-03-10)\n")
    for s in ("| Committed (Asia/Shanghai) | Tier | Author | Message |", "### 🧭 Highlights", "### 📊 Summary",
              "### 📋 Contents", "Change type", "Importance"):
        assert s in doc, s
    # no Chinese, and none of our punctuation is full-width (commit text is not ours: there is none here)
    assert not re.search(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]", doc), "Chinese text in an English report"
    assert_links_resolve(doc)


def test_write_report_paths_and_atomicity(day_repo, tmp_path):
    repo, _ = day_repo
    local = open_repo(str(repo.path), repo.path.parent / "cache")
    (report,) = list(run(CONFIG, WINDOW, [local]))
    paths = write_report(report, tmp_path, "zh")
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [
        "reports/2026/demo/2026-03-10.md", "reports/2026/demo/2026-03-10.json"]
    assert sorted(p.name for p in paths[0].parent.iterdir()) == ["2026-03-10.json", "2026-03-10.md"]  # no temp files


# ------------------------------------------------------------------------------ golden files


@pytest.fixture(scope="module")
def golden_repo(tmp_path_factory):
    repo = GitRepo(tmp_path_factory.mktemp("golden") / "proj")
    build_day_repo(repo)
    repo.git("remote", "add", "origin", "https://github.com/demo-org/proj.git")
    return repo


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_golden_report(golden_repo, lang):
    local = open_repo(str(golden_repo.path), golden_repo.path.parent / "cache")
    (report,) = list(run(Config(classifier="rules", tz="Asia/Shanghai", lang=lang), WINDOW, [local]))
    doc = render_markdown(report, lang)
    path = GOLDEN / f"report-{lang}.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(doc, encoding="utf-8")
    assert path.exists(), f"missing {path}: run UPDATE_GOLDEN=1 python -m pytest tests/test_report.py"
    assert doc == path.read_text(encoding="utf-8"), f"{path} differs (UPDATE_GOLDEN=1 to regenerate, then review)"
    assert_links_resolve(doc)
    assert len(table_rows(doc)) == 8


# ------------------------------------------------------------------------------ what a reader gets (issue 13)


def golden_report(golden_repo, lang="zh", **cfg):
    local = open_repo(str(golden_repo.path), golden_repo.path.parent / "cache")
    (report,) = list(run(Config(classifier="rules", tz="Asia/Shanghai", lang=lang, **cfg), WINDOW, [local]))
    return report


def section(doc: str, heading_re: str) -> list[str]:
    """Lines under the first heading matching ``heading_re`` up to the next heading (or the footer)."""
    lines = doc.split("\n")
    start = next(i for i, ln in enumerate(lines) if re.match(heading_re, ln))
    out = []
    for ln in lines[start + 1:]:
        if _ATX.match(ln) or ln.startswith("> 💡") or ln.startswith("_"):
            break
        out.append(ln)
    return out


def test_links_people_and_the_json_twin(golden_repo):
    report = golden_report(golden_repo)
    doc = render_markdown(report)
    data = json.loads(render_json(report))
    by_subject = {e["commit"]["subject"].splitlines()[0]: e for e in data["entries"]}
    feat = by_subject["feat(model)!: add Step-3.5-Flash model support (#104)"]
    assert feat["pr_url"] == "https://github.com/demo-org/proj/pull/104"
    assert feat["commit_url"] == "https://github.com/demo-org/proj/commit/" + feat["commit"]["sha"]
    merge = by_subject["Merge branch 'topic' into main"]
    assert merge["pr_url"] is None  # no (#N) at the end
    # every entry whose subject ends in (#N) links its pull request, and every entry shows its author
    for e in data["entries"]:
        subject = e["commit"]["subject"].splitlines()[0]
        n = re.search(r"\(#(\d+)\)$", subject)
        if n:
            assert f"[PR #{n.group(1)}](https://github.com/demo-org/proj/pull/{n.group(1)})" in doc
        assert (e["commit_url"] in doc) and (md.inline(e["commit"]["author"]) in doc)
    # headline items carry the anchors of their entries
    assert data["headline"]["items"] and all(i["anchor"] == by_sha_anchor(data, i["sha"]) for i in data["headline"]["items"])
    assert [i["kind"] for i in data["headline"]["items"]] == ["must_read", "breaking", "dependency"]
    assert data["headline"]["items"][-1]["text"] == "torch → 2.6"
    assert data["headline"]["items"][-1]["title"] == "[Deps] Upgrade torch to 2.6 (#105)"
    # the twin keeps the model internals (verdict), the Markdown does not without --explain
    assert feat["verdict"]["reasons"] and "score" in " ".join(feat["verdict"]["reasons"])
    assert not re.search(r"score -?\d+ \(high|\(\+\d\):|P\(high\)", doc)
    explained = render_markdown(report, explain=True)
    assert "score 9 (high ≥ 4, medium ≥ 2)" in explained and "模型细节" in explained
    assert_links_resolve(explained)


def by_sha_anchor(data: dict, sha: str) -> str:
    return next(e["anchor"] for e in data["entries"] if e["commit"]["sha"] == sha)


def test_headline_comes_first_and_table_names_zone_and_tier(golden_repo):
    doc = render_markdown(golden_report(golden_repo))
    lines = doc.split("\n")
    assert lines[2] == "## demo-org/proj" and lines[4] == "### 🧭 今日要点"
    head = section(doc, r"^### 🧭 今日要点")
    items = [ln for ln in head if ln.startswith("- ")]
    assert items[0].startswith("- 🔴 [Fuse attention softmax into one CUDA kernel](#commit-")
    assert items[1].startswith("- ⚠️ ") and items[1].endswith(")")
    assert items[-1].startswith("- 📦 torch → 2.6：[\\[Deps\\] Upgrade torch to 2.6 (\\#105)](#commit-")
    assert "| 提交时间（Asia/Shanghai） | 重要度 | 作者 | 提交信息 |" in head
    assert any("| 🔴 高 |" in row for row in table_rows(doc))


def test_low_tier_is_a_compact_list_of_linked_lines(golden_repo):
    report = golden_report(golden_repo)
    doc = render_markdown(report)
    low = [e for e in report.entries if e.verdict.tier == "low"]
    body = [ln for ln in section(doc, r"^### 🟢 ") if ln.strip()]
    assert len(body) == len(low)  # one line each
    for e, line in zip(low, body):
        assert line.startswith(f'- <a id="commit-{e.commit.sha[:12]}"></a>[')
        assert f"/commit/{e.commit.sha})" in line
    # at most 3 Markdown lines per low commit, anywhere: its table row, its list line, and a headline line when
    # it is a breaking change or a dependency move (目录 counts the low tier instead of listing it again)
    lines = doc.split("\n")
    for e in low:
        mine = [ln for ln in lines if e.commit.sha[:12] in ln or e.commit.sha in ln]
        in_headline = e.commit.sha in {i.sha for i in report.headline.items}
        assert len(mine) == 2 + in_headline <= 3, mine
    toc = toc_links(doc)
    assert [text for text, _ in toc if text.startswith("🟢")] == [f"🟢 低重要度变更 ({len(low)})"]
    assert not {target for _, target in toc} & {f"commit-{e.commit.sha[:12]}" for e in low}


def test_generic_advice_is_said_once_at_the_end(golden_repo):
    report = golden_report(golden_repo, lang="en")
    doc = render_markdown(report, "en")
    tail = doc.split("> 💡 **General notes**")
    assert len(tail) == 2, "one general-notes block, at the end"
    notes = [ln for ln in tail[1].split("\n") if ln.startswith("> - ")]
    assert notes and all(doc.count(n[4:]) == 1 for n in notes)
    assert any(n.startswith("> - Kernel code changed ([`") for n in notes)
    # per entry: no sentence that the general notes say
    for e in report.entries:
        for line in e.prose.suggestions + e.prose.risks:
            assert "integration tests" not in line and "your hardware" not in line


def test_zh_report_has_no_english_labels_of_ours(golden_repo):
    report = golden_report(golden_repo)
    doc = render_markdown(report, "zh", explain=False)
    ours = doc
    # remove what is not ours: commit text (subjects, authors, quotes), code spans, links' targets, SHAs, names
    for e in report.entries:
        for text in (e.commit.subject, e.commit.author, *e.prose.summary):
            ours = ours.replace(md.inline(text), " ").replace(md.cell(text), " ")
    for item in report.headline.items:  # "torch → 2.6": names from the commit
        ours = ours.replace(md.inline(item.text), " ")
    for e in report.entries:
        if e.features.breaking:  # the thing a breaking change affects, as the commit names it
            ours = ours.replace(md.inline(e.features.breaking.subject), " ").replace(e.features.breaking.subject, " ")
    ours = re.sub(r"`[^`]*`|\]\([^)]*\)|<a id=\"[^\"]*\"></a>|“[^”]*”|\(#[^)]*\)", " ", ours)
    ours = re.sub(r"\bPR #\d+|\+\d+/-\d+|demo-org/proj|Asia/Shanghai|commitradar", " ", ours)
    words = set(re.findall(r"[A-Za-z][A-Za-z-]*", ours))
    assert words <= {"CI", "PR", "SHA", "LLM", "token", "tokens", "Bug"}, words  # acronyms; "Bug修复" as readers know it


def test_explain_flag_from_the_command_line(day_repo, cli, tmp_path):
    repo, _ = day_repo
    for flag in ([], ["--explain"]):
        out = tmp_path / ("out" + "".join(flag))
        res = cli("report", "--repo", repo.path, "--date", DAY, "--classifier", "rules", "--out", out, *flag)
        assert res.returncode == 0, res.stderr
        doc = next(out.rglob("*.md")).read_text(encoding="utf-8")
        assert ("score " in doc) == bool(flag) and ("模型细节" in doc) == bool(flag)
        assert_links_resolve(doc)


def test_report_uses_each_repositorys_own_categories_and_keeps_bot_text_out_of_the_twin(make_repo, cli, tmp_path):
    """``report`` with [[repos]] tables: each repository's ``categories`` applies to its own report only; the
    parser's sentences of a bot's summary (read for breaking cues, never shown) are not a field of the twin."""
    bot = ("Adds the special path.\n\n<!-- This is an auto-generated comment: release notes by coderabbit.ai -->\n"
           "## Summary by CodeRabbit\n* New feature: BOT-ONLY-TEXT\n"
           "<!-- end of auto-generated comment: release notes by coderabbit.ai -->\n")
    repos = []
    for name in ("one", "two"):
        r = make_repo(name)
        r.commit("init", {"README.md": "x\n"}, when="2026-03-09T08:00:00+08:00")
        r.commit("[Feature] Add the special path (#5)\n\n" + bot, {"pkg/special/fast.py": "x = 1\n" * 40},
                 when="2026-03-10T09:00:00+08:00")
        repos.append(r)
    cfg = tmp_path / "commitradar.toml"
    cfg.write_text(f'classifier = "rules"\n[[repos]]\npath = "{repos[0].path}"\n[repos.categories]\n'
                   f'kernel = ["pkg/special/**"]\n[[repos]]\npath = "{repos[1].path}"\n')
    out = tmp_path / "out"
    res = cli("--config", cfg, "report", "--date", DAY, "--out", out)
    assert res.returncode == 0, res.stderr
    twins = {json.loads(p.read_text())["repo"]: json.loads(p.read_text()) for p in (out / "reports").rglob("*.json")}
    cats = {repo: [c["category"] for c in t["entries"][0]["features"]["categories"]] for repo, t in twins.items()}
    assert sorted(cats.values()) == [["core"], ["kernel"]], cats
    for t in twins.values():
        pr = t["entries"][0]["features"]["pr"]
        assert "bot" not in pr and "BOT-ONLY-TEXT" not in json.dumps(t["entries"][0]["features"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_low_commit_in_the_headline_still_takes_three_lines(golden_repo, lang):
    """Every commit of the golden day made low (the model may put a breaking change or a dependency move
    there): each still takes at most 3 lines — table row, its line (⚠️ inline), its headline line."""
    from dataclasses import replace

    report = golden_report(golden_repo, lang=lang)
    low = replace(report, entries=tuple(replace(e, verdict=replace(e.verdict, tier="low")) for e in report.entries))
    doc = render_markdown(low, lang)
    in_headline = {i.sha for i in low.headline.items}
    assert any(e.features.breaking is not None for e in low.entries) and in_headline
    lines = doc.split("\n")
    for e in low.entries:
        mine = [ln for ln in lines if e.commit.sha[:12] in ln or e.commit.sha in ln]
        assert len(mine) == 2 + (e.commit.sha in in_headline) <= 3, mine
        if e.features.breaking is not None:
            line = next(ln for ln in mine if ln.startswith("- <a id="))
            assert "⚠️" in line
            # after the warning only what kept it low is said, not the warning's signals again
            tail = line.split("⚠️", 1)[1]
            assert ("仍判为低：" if lang == "zh" else "Still low: ") in tail
            assert ("不兼容变更" if lang == "zh" else "breaking change users must act on") not in tail
    assert_links_resolve(doc)
