"""Labels: importing reports of the reference format, the labels JSONL, joining labels to commits, `labels import`."""
from __future__ import annotations

import json
import re
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import SHARED, assert_one_line_error
from hypothesis import given, settings
from hypothesis import strategies as st

from commitradar.errors import InputError
from commitradar.labels import (
    CHANGE_TYPE_KEYWORDS,
    Label,
    change_type_from_subject,
    clean_text,
    import_reports,
    join_labels,
    map_change_type,
    parse_report,
    parse_tier,
    read_labels,
    write_labels,
)
from commitradar.records import CHANGE_TYPES, TIERS, Commit

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = SHARED / "reference" / "report-sglang-2026-02-03.md"
ARGUS = SHARED / "reference" / "argus-reports"
EXPERT = SHARED / "data" / "labels" / "expert_train.jsonl"

# file → (commits in its table, high, medium, low as parsed, does its 统计摘要 agree?)
ARGUS_EXPECTED = {
    "dynamo-2026-01-06.md": (18, 3, 13, 2, None),  # early flat format: no 统计摘要 line
    "dynamo-2026-02-07.md": (31, 9, 17, 5, True),
    "dynamo-2026-03-21.md": (10, 7, 1, 2, True),
    "dynamo-2026-08-01.md": (20, 11, 4, 5, True),  # every entry is a "403 Forbidden" error
    "sglang-2026-01-06.md": (45, 9, 28, 8, None),  # early flat format
    "sglang-2026-03-10.md": (38, 1, 22, 15, True),
    "sglang-2026-05-20.md": (46, 3, 27, 16, False),  # one entry says 中 under the 高 section
    "sglang-2026-07-15.md": (56, 7, 31, 18, True),  # every entry is a "403 Forbidden" error
    "vllm-2026-01-29.md": (45, 3, 20, 22, True),  # contains a NUL byte
    "vllm-2026-02-23.md": (22, 3, 10, 9, True),  # contains a BEL byte
    "vllm-2026-04-08.md": (23, 0, 11, 12, True),
    "vllm-2026-06-17.md": (56, 2, 33, 21, True),  # a table row with an escaped '|'
}
SUMMARY = re.compile(r"本日共\s*(\d+)\s*个提交\s*\|\s*🔴高\s*(\d+)\s*\|\s*🟡中\s*(\d+)\s*\|\s*🟢低\s*(\d+)")


def _parse(path: Path):
    return parse_report(path.read_bytes(), str(path))


def _table_rows(text: str) -> int:
    return len(re.findall(r"^\| \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \|", text, re.M))


def _tiers(labels) -> tuple[int, int, int]:
    return tuple(sum(1 for lab in labels if lab.tier == t) for t in TIERS)


# --------------------------------------------------------------------------------- the reference reports


def test_reference_sglang_report():
    res = _parse(REFERENCE)
    assert res.date == "2026-02-03"
    assert len(res.labels) == 28
    assert _tiers(res.labels) == (2, 18, 8)
    assert {lab.repo for lab in res.labels} == {"sgl-project/sglang"}
    assert all(len(lab.sha) == 40 for lab in res.labels)  # full SHAs from the 查看提交 links
    first = res.labels[0]
    assert first.sha == "980d2936cd9a94a6346fb678a8134d5776fdf996"
    assert (first.tier, first.change_type, first.date) == ("high", "feature", "2026-02-03")
    assert first.source == "argus:report-sglang-2026-02-03.md"
    by_short = {lab.sha[:7]: lab for lab in res.labels}
    assert by_short["99fab2c"].change_type == "feature"  # "功能增强 / Bug 修复": the first type wins
    assert by_short["027f314"].change_type == "bugfix"  # "Bug 修复"
    assert by_short["78bf13d"].change_type == "refactor"  # "重构 + 功能增强（…）"
    assert by_short["8e933e1"].tier == "medium"  # no 重要程度 line: the section heading decides
    assert not [w for w in res.warnings if "统计摘要" in w or "commit table" in w]


@pytest.mark.parametrize("name", sorted(ARGUS_EXPECTED))
def test_argus_report_accounts_for_every_commit(name):
    path = ARGUS / name
    text = path.read_text(encoding="utf-8", errors="replace")
    rows, high, medium, low, agrees = ARGUS_EXPECTED[name]
    res = _parse(path)
    assert _table_rows(text) == rows
    assert len(res.labels) == rows, res.warnings  # one label per commit of the table
    assert not [w for w in res.warnings if "commit table" in w], res.warnings
    assert _tiers(res.labels) == (high, medium, low)
    assert all(len(lab.sha) == 40 and lab.sha in text for lab in res.labels)
    assert all(lab.tier in TIERS and lab.change_type in CHANGE_TYPES for lab in res.labels)
    assert res.date == re.search(r"\d{4}-\d\d-\d\d", name).group()
    repo = {"dynamo": "ai-dynamo/dynamo", "sglang": "sgl-project/sglang", "vllm": "vllm-project/vllm"}
    assert {lab.repo for lab in res.labels} == {repo[name.split("-")[0]]}
    m = SUMMARY.search(text)
    if agrees is None:
        assert m is None
        assert any("no 统计摘要" in w for w in res.warnings)
    elif agrees:
        assert tuple(int(x) for x in m.groups()) == (rows, high, medium, low)
        assert not [w for w in res.warnings if "统计摘要 says" in w]
    else:
        assert tuple(int(x) for x in m.groups()) != (rows, high, medium, low)
        assert [w for w in res.warnings if "统计摘要 says" in w]


def test_count_mismatch_is_reported_not_hidden():
    res = _parse(ARGUS / "sglang-2026-05-20.md")
    (w,) = [w for w in res.warnings if "统计摘要 says" in w]
    assert w.startswith(f"{ARGUS / 'sglang-2026-05-20.md'}:55: ")
    assert "🔴高 4" in w and "🔴高 3 parsed" in w and "🟡中 27 parsed" in w
    (tier_w,) = [w for w in res.warnings if "614672f" in w]
    assert "listed under high" in tier_w
    assert next(lab for lab in res.labels if lab.sha.startswith("614672f")).tier == "medium"
    assert res.sections[0].summary == {"total": 46, "high": 4, "medium": 26, "low": 16}


def test_error_entries_still_yield_labels():
    res = _parse(ARGUS / "dynamo-2026-08-01.md")
    assert len(res.labels) == 20
    assert all("LLM analysis failed" in (lab.reason or "") for lab in res.labels)
    by_short = {lab.sha[:7]: lab for lab in res.labels}
    assert (by_short["7d12fbf"].tier, by_short["7d12fbf"].change_type) == ("high", "bugfix")  # fix(kv-router)
    assert (by_short["abd65c9"].tier, by_short["abd65c9"].change_type) == ("high", "refactor")
    assert (by_short["e7a2314"].tier, by_short["e7a2314"].change_type) == ("low", "docs")
    assert (by_short["d84042e"].tier, by_short["d84042e"].change_type) == ("low", "ci_build")
    assert any("20 entries without a 重要程度" in w and "failed LLM" in w for w in res.warnings)


def test_flat_format_full_shas_from_bare_links():
    res = _parse(ARGUS / "dynamo-2026-01-06.md")
    first = res.labels[0]
    assert first.sha == "07721d1cb942d4ee60033f1b41a2ec2638e2ad5e"
    assert (first.tier, first.change_type) == ("high", "bugfix")  # "Bug修复 / 功能增强（…）", "🔴高"
    # the LLM's own "## 🔍 技术洞察" headings do not end a repository section or start an entry
    res = _parse(ARGUS / "sglang-2026-01-06.md")
    assert len(res.labels) == 45 and len(res.sections) == 1


def test_control_bytes_are_tolerated():
    raw = (ARGUS / "vllm-2026-01-29.md").read_bytes()
    assert b"\x00" in raw
    assert "\x00" not in clean_text(raw)
    broken = raw.replace(b"## vllm-project/vllm\n", b"## vllm-project/vllm\n\xff\xfe\x07\r\n", 1)
    res = parse_report(broken, "broken.md")
    assert len(res.labels) == 45


# ------------------------------------------------------------------------------------- synthetic reports

SYNTHETIC = """\
# 每日更新报告 (2026-3-5)

## acme/engine

| 提交时间 | 作者 | 提交信息 |
|----------|------|----------|
| 2026-03-05 10:00:00 | a | feat: add the thing (#1) |
| 2026-03-05 09:00:00 | b | fix: pipe \\| in subject (#2)<br>body text |
| 2026-03-05 08:00:00 | c | docs: forgotten by the LLM (#3) |

### 📊 统计摘要
> 本日共 3 个提交 | 🔴高 1 | 🟡中 1 | 🟢低 1

#### 🔴 高重要度变更 (1)

### feat: add the thing (#1)
**SHA**: `aaaaaaa` | 🔗 [查看提交](https://github.com/acme/engine/commit/aaaaaaa111111111111111111111111111111111)

**🎯 变更类型**：功能增强 / 架构变更
**⚡ 重要程度**：高

## 🔍 技术洞察
## CI/CD
**重要程度** appears in prose here and is not a label line: 低

#### 🟡 中重要度变更 (1)

### fix: pipe | in subject (#2)
**SHA**: `bbbbbbb`

**Change type**: Bug fix
**Importance**: Medium

### an extra entry the table does not list
**SHA**: `ccccccc` | 🔗 [查看提交](https://github.com/acme/engine/commit/ccccccc222222222222222222222222222222222)

⚠️ LLM分析失败（已重试3次）: API请求失败: 403 Client Error: Forbidden for url: https://example.invalid/v1

*暂无分析*

# 每日更新报告（2026-03-05）

## acme/other

| 提交时间 | 作者 | 提交信息 |
|----------|------|----------|
| 2026-03-05 07:00:00 | d | Speed up X (#9) |

### 📊 统计摘要
> 本日共 1 个提交 | 🔴高 0 | 🟡中 0 | 🟢低 1

#### 🟢 低重要度变更 (1)

### Speed up X (#9)
**SHA**: `ddddddd` | 🔗 [查看提交](https://github.com/acme/other/commit/ddddddd333333333333333333333333333333333)
**🎯 变更类型**：性能优化
**⚡ 重要程度**：🟢 低
"""


def test_synthetic_report_accounts_and_warns():
    res = parse_report(SYNTHETIC, "syn.md", label_source="test")
    assert res.date == "2026-03-05"
    got = {(lab.repo, lab.sha[:7]): (lab.tier, lab.change_type) for lab in res.labels}
    assert got == {
        ("acme/engine", "aaaaaaa"): ("high", "feature"),
        ("acme/engine", "bbbbbbb"): ("medium", "bugfix"),  # English key lines, short SHA (no link)
        ("acme/engine", "ccccccc"): ("medium", "other"),  # error entry: tier from its section
        ("acme/other", "ddddddd"): ("low", "performance"),
    }
    assert next(lab for lab in res.labels if lab.sha.startswith("bbbbbbb")).sha == "bbbbbbb"
    assert next(lab for lab in res.labels if lab.sha.startswith("aaaaaaa")).sha == "aaaaaaa" + "1" * 33
    assert {lab.source for lab in res.labels} == {"test"}
    text = "\n".join(res.warnings)
    assert "syn.md:9: acme/engine: commit 'docs: forgotten by the LLM (#3)' of the commit table has no SHA" in text
    assert "'an extra entry the table does not list' is not in the commit table" in text
    assert "统计摘要 says 3 commits" in text and "4 commits" not in text
    assert [s.repo for s in res.sections] == ["acme/engine", "acme/other"]
    assert res.sections[1].summary == {"total": 1, "high": 0, "medium": 0, "low": 1}
    assert not [w for w in res.warnings if "acme/other" in w]


def test_report_without_date_falls_back_to_table_dates():
    text = SYNTHETIC.replace("# 每日更新报告 (2026-3-5)", "# 每日更新报告").replace("# 每日更新报告（2026-03-05）", "")
    res = parse_report(text, "nodate.md")
    assert res.date is None
    assert any("no date in the report title" in w for w in res.warnings)
    assert {lab.sha[:7]: lab.date for lab in res.labels}["aaaaaaa"] == "2026-03-05"


def test_empty_text_warns():
    res = parse_report("hello\n", "empty.md")
    assert res.labels == [] and res.warnings


# ------------------------------------------------------------------------------ type and tier mapping


@pytest.mark.parametrize("text, code", [
    ("功能增强 / 架构变更", "feature"), ("Bug 修复", "bugfix"), ("Bug修复", "bugfix"), ("配置调整", "deps_config"),
    ("测试修改", "test"), ("功能增强（为 AMD…）", "feature"), ("代码重构", "refactor"), ("文档更新", "docs"),
    ("性能优化 / Bug 修复", "performance"), ("其他（单元测试补充）", "other"), ("重构 + 功能增强（新增 FP8）", "refactor"),
    ("CI 配置 / 依赖更新 / 测试脚本", "ci_build"), ("依赖更新 / 配置", "deps_config"), ("功能重构/统一入口", "refactor"),
    ("功能增强、性能优化、重构", "feature"), ("代码重构/Bugfix", "refactor"), ("功能回退 / 行为修正（Revert）", "other"),
    ("Bugfix（CPU 共享内存通信线程数修正）", "bugfix"), ("Performance", "performance"), ("Documentation", "docs"),
    ("CI/Build", "ci_build"), ("Dependencies", "deps_config"), ("Refactoring", "refactor"), ("Tests", "test"),
    ("New feature", "feature"), ("Efficiency work", None), ("debug logs", None), ("", None), (None, None),
])
def test_map_change_type_table(text, code):
    assert map_change_type(text) == code


PHRASES = {
    "功能增强": "feature", "Bug 修复": "bugfix", "性能优化": "performance", "代码重构": "refactor", "测试修改": "test",
    "文档更新": "docs", "CI 配置": "ci_build", "配置调整": "deps_config", "其他": "other",
}


@given(first=st.sampled_from(sorted(PHRASES)), rest=st.lists(st.sampled_from(sorted(PHRASES)), max_size=4),
       sep=st.sampled_from([" / ", "/", "、", " + ", "，"]), note=st.text(max_size=20))
def test_first_recognised_type_wins(first, rest, sep, note):
    note = note.replace("）", "").replace("(", "").replace(")", "").replace("（", "")
    text = sep.join([first, *rest]) + (f"（{note}）" if note else "")
    assert map_change_type(text) == PHRASES[first]


@settings(max_examples=300)
@given(st.text())
def test_map_change_type_total(text):
    assert map_change_type(text) in (*CHANGE_TYPES, None)
    assert parse_tier(text) in (*TIERS, None)


def test_type_table_is_data_and_valid():
    assert {code for _, code in CHANGE_TYPE_KEYWORDS} <= set(CHANGE_TYPES)


@pytest.mark.parametrize("text, tier", [
    ("🔴高", "high"), ("🔴 高", "high"), ("高", "high"), ("🟡 中", "medium"), ("🟡 中等", "medium"), ("🔵 中", "medium"),
    ("🟡 中（提升推理吞吐）", "medium"), ("🟢低", "low"), ("低", "low"), ("High", "high"), ("medium", "medium"),
    ("**LOW**", "low"), ("🟢", "low"), ("🔴", "high"), ("highest-ever", None), ("", None), ("未知", None),
])
def test_parse_tier(text, tier):
    assert parse_tier(text) == tier


@pytest.mark.parametrize("subject, code", [
    ("fix(kv-router): keep output block load local (#12514)", "bugfix"), ("feat(sglang): x", "feature"),
    ("chore(deps): bump x", "deps_config"), ("[Bugfix] x", "bugfix"), ("[NPU] Fix x", "bugfix"),
    ("[Perf] x", "performance"), ("docs: x", "docs"), ("ci: x", "ci_build"), ("Gigachat 3 tool parser", "other"),
])
def test_change_type_from_subject(subject, code):
    assert change_type_from_subject(subject) == code


# ------------------------------------------------------------------------------------------ import many


def test_import_hundreds_of_reports_quickly(tmp_path):
    paths = []
    for k in range(25):
        for src in sorted(ARGUS.glob("*.md")):
            dst = tmp_path / f"{k:02d}-{src.name}"
            shutil.copyfile(src, dst)
            paths.append(dst)
    assert len(paths) == 300
    t0 = time.perf_counter()
    labels, warnings = import_reports(paths)
    elapsed = time.perf_counter() - t0
    assert len(labels) == sum(v[0] for v in ARGUS_EXPECTED.values())  # the same commits 25 times: kept once
    assert len({(lab.repo, lab.sha) for lab in labels}) == len(labels)
    assert any("统计摘要 says" in w for w in warnings)
    assert elapsed < 10, elapsed  # ~1 s on the 2-core dev machine


def test_import_reports_missing_file(tmp_path):
    with pytest.raises(InputError, match="report not found"):
        import_reports([tmp_path / "nope.md"])


def test_import_reports_disagreeing_duplicates(tmp_path):
    a, b = tmp_path / "a.md", tmp_path / "b.md"
    a.write_text(SYNTHETIC, encoding="utf-8")
    b.write_text(SYNTHETIC.replace("**⚡ 重要程度**：🟢 低", "**⚡ 重要程度**：🔴 高"), encoding="utf-8")
    labels, warnings = import_reports([a, b])
    assert len(labels) == 4
    assert any("ddddddd" in w and "high/performance here but low/performance" in w for w in warnings)


# ------------------------------------------------------------------------------------------- JSONL


def test_read_expert_and_manual_labels():
    expert = read_labels(EXPERT)
    assert len(expert) == 564
    assert Counter_of(expert) == {"low": 231, "medium": 291, "high": 42}
    assert {lab.source for lab in expert} == {"expert_train"}
    assert {lab.extra["sampling"] for lab in expert} == {"random", "enriched"}
    manual = read_labels(ROOT / "data" / "labels" / "manual.jsonl")
    assert manual and all(lab.source and lab.reason for lab in manual)


def test_shipped_labels_respect_the_held_out_data():
    """Our labels never touch what the model is judged on (later commits, Mooncake) nor the expert labels."""
    manual = read_labels(ROOT / "data" / "labels" / "manual.jsonl")
    expert_shas = {lab.sha for lab in read_labels(EXPERT)}
    assert len(manual) >= 300 and len({lab.sha for lab in manual}) == len(manual)
    assert all(lab.date <= "2026-06-30" for lab in manual)
    assert not [lab for lab in manual if lab.repo == "kvcache-ai/Mooncake"]
    assert not [lab for lab in manual if lab.sha in expert_shas]
    assert Counter_of(manual)["high"] + Counter_of(read_labels(EXPERT))["high"] >= 80


def test_blind_agreement_check_matches_the_training_doc():
    """The blind re-labelling of expert-labeled commits, and the agreement docs/training.md quotes from it."""
    from sklearn.metrics import cohen_kappa_score

    expert = {lab.sha: lab.tier for lab in read_labels(EXPERT)}
    check = read_labels(ROOT / "data" / "labels" / "agreement" / "blind-check-vs-expert.jsonl")
    assert len(check) == 80 and all(lab.sha in expert for lab in check)
    ours, theirs = [lab.tier for lab in check], [expert[lab.sha] for lab in check]
    agree = sum(a == b for a, b in zip(ours, theirs)) / len(check)
    kappa = cohen_kappa_score(theirs, ours)
    found = sum(a == b == "high" for a, b in zip(ours, theirs))
    readme = re.sub(r"\s+", " ", (ROOT / "docs" / "training.md").read_text(encoding="utf-8"))
    assert f"agrees with the experts on {agree:.0%} of them (Cohen's κ {kappa:.2f}".replace("%", " %") in readme
    assert f"{found} of the experts' {theirs.count('high')} highs found" in readme


def Counter_of(labels):
    out: dict[str, int] = {}
    for lab in labels:
        out[lab.tier] = out.get(lab.tier, 0) + 1
    return out


def test_write_read_roundtrip(tmp_path, capsys):
    labs = [
        Label("a" * 40, "o/r", "2026-01-02", "high", "feature", "manual", reason="why", annotator="me",
              extra={"sampling": "random"}),
        Label("bbbbbbb", "o/r", "2026-01-03", "low", "docs", "argus:x.md"),
    ]
    out = tmp_path / "sub" / "l.jsonl"
    assert write_labels(out, labs) == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    assert list(json.loads(lines[0])) == ["repo", "date", "sha", "tier", "change_type", "source", "reason",
                                          "annotator", "sampling"]
    assert set(json.loads(lines[1])) == {"repo", "date", "sha", "tier", "change_type", "source"}
    back = read_labels(out)
    assert back == labs and back[0].extra == {"sampling": "random"}
    write_labels(None, labs[1:])
    assert json.loads(capsys.readouterr().out)["sha"] == "bbbbbbb"


@pytest.mark.parametrize("bad, needle", [
    ({"tier": "urgent"}, "tier 'urgent'"), ({"change_type": "feat"}, "change_type 'feat'"),
    ({"sha": "abc"}, "sha 'abc'"), ({"sha": "zzzzzzzz"}, "sha"), ({"date": "yesterday"}, "date"),
    ({"repo": None}, "missing repo"),
])
def test_invalid_label_lines_name_file_and_line(tmp_path, bad, needle):
    good = {"sha": "a" * 40, "repo": "o/r", "date": "2026-01-02", "tier": "low", "change_type": "docs"}
    p = tmp_path / "l.jsonl"
    p.write_text(json.dumps(good) + "\n\n" + json.dumps({**good, **bad}) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as exc:
        read_labels(p)
    assert str(exc.value).startswith(f"{p}:3: ") and needle in str(exc.value)


def test_not_json_and_missing_file(tmp_path):
    p = tmp_path / "l.jsonl"
    p.write_text("{oops\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"l\.jsonl:1: not JSON"):
        read_labels(p)
    with pytest.raises(InputError, match="labels file not found"):
        read_labels(tmp_path / "nope.jsonl")


def test_label_validates_directly():
    with pytest.raises(InputError, match="tier"):
        Label("a" * 40, "o/r", "2026-01-02", "critical", "feature", "x")


# ------------------------------------------------------------------------------------------- joining

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def commit(sha: str, repo: str = "o/r", subject: str = "s") -> Commit:
    return Commit(repo=repo, sha=sha, author="a", author_email_domain="x", authored_at=T0, committed_at=T0,
                  parents=(), subject=subject, body="", files=())


def label(sha: str, repo: str = "o/r") -> Label:
    return Label(sha, repo, "2026-01-01", "low", "docs", "test")


def test_join_full_short_and_unknown():
    c1, c2 = commit("1234567" + "a" * 33), commit("abcdef0" + "b" * 33)
    res = join_labels([label(c1.sha), label("abcdef0"), label("abcdef0b"), label("fffffff"),
                       label(c1.sha, repo="other/repo")], [c1, c2, c2])
    assert [(lab.sha, c.sha) for lab, c in res.pairs] == [(c1.sha, c1.sha), ("abcdef0", c2.sha),
                                                          ("abcdef0b", c2.sha)]
    assert [lab.sha for lab in res.unknown] == ["fffffff", c1.sha]  # a SHA of another repository is unknown
    pairs, unknown = res  # a plain tuple as well
    assert len(pairs) == 3 and len(unknown) == 2


def test_join_ambiguous_prefix_names_candidates():
    a = commit("abcdef1" + "1" * 33, subject="first commit")
    b = commit("abcdef1" + "2" * 33, subject="second commit")
    with pytest.raises(InputError) as exc:
        join_labels([label("abcdef1")], [a, b])
    msg = str(exc.value)
    assert "ambiguous" in msg and a.sha in msg and b.sha in msg and "\n" not in msg
    pairs, _ = join_labels([label("abcdef11")], [a, b])  # one more digit decides
    assert pairs[0][1] is a
    # the same prefix in two repositories is not ambiguous: the label's repository decides
    other = commit("abcdef1" + "3" * 33, repo="x/y")
    assert join_labels([label("abcdef1", "x/y")], [a, other]).pairs[0][1] is other


def test_join_is_fast_for_9k_commits_and_1k_labels():
    import random

    rng = random.Random(7)
    commits = [commit("".join(rng.choice("0123456789abcdef") for _ in range(40))) for _ in range(9000)]
    labels = [label(c.sha[: rng.choice((7, 8, 12, 40))]) for c in rng.sample(commits, 1000)]
    labels += [label("0" * 39 + "1")]
    t0 = time.perf_counter()
    try:
        res = join_labels(labels, commits)
    except InputError as exc:  # a 7-digit collision among random SHAs is possible; it must name candidates
        assert "ambiguous" in str(exc)
        return
    assert time.perf_counter() - t0 < 1.0
    assert len(res.pairs) == 1000 and len(res.unknown) == 1


# ---------------------------------------------------------------------------------------------- CLI


def test_cli_labels_import(cli, tmp_path):
    out = tmp_path / "f.jsonl"
    reports = [str(p) for p in sorted(ARGUS.glob("*.md"))] + [str(REFERENCE)]
    res = cli("labels", "import", *reports, "--out", str(out))
    assert res.returncode == 0, res.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == sum(v[0] for v in ARGUS_EXPECTED.values()) + 28
    rec = json.loads(lines[0])
    assert set(rec) >= {"repo", "date", "sha", "tier", "change_type", "source"}
    warn_lines = res.stderr.splitlines()
    assert warn_lines and all(ln.startswith("commitradar: warning: ") for ln in warn_lines)
    assert any("sglang-2026-05-20.md:55:" in ln and "统计摘要" in ln for ln in warn_lines)
    assert str(out) in res.stdout

    res = cli("labels", "import", str(REFERENCE))  # to stdout
    assert res.returncode == 0
    assert len([json.loads(ln) for ln in res.stdout.splitlines()]) == 28


def test_cli_labels_import_missing_file(cli, tmp_path):
    res = cli("labels", "import", str(tmp_path / "missing.md"), "--out", str(tmp_path / "x.jsonl"))
    assert res.returncode == 2
    assert_one_line_error(res, "report not found", "missing.md")
    assert not (tmp_path / "x.jsonl").exists()


def test_cli_labels_group_lists_import(cli):
    res = cli("labels", "--help")
    assert res.returncode == 0 and "import" in res.stdout
