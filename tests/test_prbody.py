"""PR descriptions: real bodies from ../shared/data/commits read by sha, parsed into PRBody and turned into
summary bullets. Properties, not snapshots: whole sentences/items only (or a visible "…"), balanced inline
Markdown per markdown-it's tokens, no template/test-log/checklist/bot text, the title never repeated,
reverts and empty descriptions said as such. Plus hypothesis: the parser never crashes."""
from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from conftest import SHARED
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from commitradar.dataset import read_commits
from commitradar.features import extract
from commitradar.features.paths import mapping_for
from commitradar.features.prbody import balanced, detect_template, parse, prepare, sentences, shorten
from commitradar.records import Commit, PRBody, Verdict
from commitradar.writer.deterministic import summary_lines, write_one

MD = MarkdownIt("commonmark")

# Real PR descriptions, by sha prefix, with the template they follow ("-" for none) and what the
# user-facing answer must be (None: not answered / not asked).
CASES = [
    # vllm-ascend's own template
    ("f6668c979d", "vllm-ascend", "yes"),  # removes an env var, says so in the user-facing answer
    ("c735bb0941", "vllm-ascend", "no"),
    ("a8e951e6f5", "vllm-ascend", "no"),
    ("aa04fa5183", "vllm-ascend", "no"),   # hard-wrapped item lines, "vLLM version:" footer
    ("d5567680a2", "vllm-ascend", None),   # test-log lines and CI links in the description
    ("86bfa9ebbe", "vllm-ascend", "no"),
    ("3dff82b574", "vllm-ascend", "yes"),
    ("6b7d9b76f1", "vllm-ascend", "no"),   # a GitHub alert block and a code dump
    ("3a4292e5b7", "vllm-ascend", "no"),   # bold pseudo-headings, an alert, a server log
    ("b46ad6e1dc", "vllm-ascend", "no"),   # `<details>` inside a code span
    ("55c27ec8b9", "vllm-ascend", "no"),   # tables
    ("e3a2443c3a", "vllm-ascend", None),
    # flashinfer's template, with and without a CodeRabbit summary
    ("ad5339340e", "flashinfer", None),
    ("c5b8a2e0e2", "flashinfer", None),    # empty template + CodeRabbit summary only
    ("df306f6ff8", "flashinfer", None),    # a revert whose template is empty
    ("28406af5b9", "flashinfer", None),
    ("6a09cc0a49", "summary", None),       # "## Summary", cut by the dataset at 2,000 characters
    ("f954694781", "summary", None),
    # llm-compressor: "## Purpose ##" / "SUMMARY:" / "## Summary"
    ("c5ca1a148e", "llm-compressor", None),
    ("5c27763bfb", "llm-compressor", None),  # SUMMARY: + Testing: + CodeRabbit
    ("7a52e9e245", "summary", None),
    ("464d0004a2", "llm-compressor", None),
    ("da6e4c2a9d", "llm-compressor", None),
    ("122789b97c", "llm-compressor", None),  # a revert whose template was never filled in
    # Mooncake: plain prose, squash-merge commit lists with and without commit bodies
    ("043351f048", "-", None),
    ("68c1da7c62", "-", None),
    ("a6f446ca17", "-", None),
    ("93f8e42809", "-", None),
    ("284a3edfec", "-", None),             # a squash list of "update" commits only
    ("f23575169d", "-", None),
    ("6b19066dd2", "-", None),
    # lmdeploy: squash-merge commit lists
    ("e22039cf7a", "-", None),
    ("b2c640e59a", "-", None),
    ("ec8cb01147", "-", None),
    ("0662cfaa93", "-", None),
    ("324ab77ff3", "-", None),
    # vLLM's template (Purpose / Test Plan / Test Result) as contributors paste it
    ("c7749799e3", "vllm", None),
    ("36b1e0406e", "vllm", None),
    # sglang's (Motivation / Modifications / Accuracy Tests / Benchmarking and Profiling)
    ("ba074eb4bf", "sglang", None),
    # dynamo's (Overview / Details / Where should the reviewer start?)
    ("7bce23cc05", "dynamo", None),
    ("3953dcf784", "summary", None),   # Summary / Details / Files Changed
    # reverts and empty descriptions
    ("7e70da9fb7", "-", None),
    ("d1f0df7b4b", "-", None),
    ("33234aa0c5", "-", None),
    ("6cc11d35e8", "-", None),
    ("aa0fe49ca6", "-", None),
]

NOISE = re.compile(r"signed-off-by|co-authored-by|vllm (version|main)\s*:|\[[ xX]\]|summary by coderabbit|"
                   r"auto-generated comment|pre-commit (run|install)|all \d* ?tests|tests? pass|hooks passed|"
                   r"please (provide|describe|outline)|thank you for contributing|^\s*\|.*\||<!--|-->|```|"
                   r"\[!(note|warning|tip|important)\]|generated with \[?claude", re.I)
CLAUSE_END = re.compile(r"[.!?。！？:;,)\]\"'`”…]$")


@pytest.fixture(scope="module")
def commits() -> dict[str, Commit]:
    wanted = {sha for sha, *_ in CASES} | {"e0d58d543b", "8ece6956e7", "4c620377a4"}
    found = {}
    for c in read_commits(*sorted((SHARED / "data" / "commits").glob("*.jsonl.gz"))):
        if c.sha[:10] in wanted:
            assert c.committed_at.date().isoformat() <= "2026-06-30"  # never the held-out days
            found[c.sha[:10]] = c
    assert set(found) == wanted, sorted(wanted - set(found))
    return found


def flat_blocks(body: str) -> str:
    """The body's paragraphs and list items as markdown-it sees them, one per line, inline Markdown and
    soft breaks flattened: where a unit may end."""
    out = []
    for tok in MD.parse(prepare(body).text):
        if tok.type == "inline":
            text = "".join(c.content if c.type in ("text", "code_inline") else " " if "break" in c.type else ""
                           for c in tok.children or [])
            out.append(re.sub(r"\s+", " ", text.replace("`", "")).strip())
    return "\n".join(out)


def ends_whole(unit: str, source: str) -> bool:
    """A unit is whole when it ends at a sentence or clause end, at the end of its paragraph/list item in
    the source, or says it was shortened."""
    plain = re.sub(r"\s+", " ", unit.replace("`", "")).strip()
    if plain.endswith("…") or CLAUSE_END.search(plain):
        return True
    i = source.find(plain)
    while i >= 0:
        nxt = source[i + len(plain): i + len(plain) + 1]
        if nxt in ("", "\n", " ", ";") and (nxt != " " or source[i + len(plain) + 1: i + len(plain) + 2] == "\n"):
            return True
        if nxt in ("", "\n"):
            return True
        i = source.find(plain, i + 1)
    # a list item whose nested items were joined into it, or an item that spans blocks
    return plain.split(": ")[0] in source or plain in source.replace("\n", " ")


def assert_unit_ok(unit: str, source: str) -> None:
    assert unit and "\n" not in unit
    assert balanced(unit), unit
    toks = MD.parseInline(unit)[0].children
    assert not any(t.type == "text" and "`" in t.content for t in toks), unit
    assert not NOISE.search(unit), unit
    assert ends_whole(unit, source), unit


@pytest.mark.parametrize("sha, template, user_facing", CASES)
def test_real_descriptions_parse_into_whole_clean_units(commits, sha, template, user_facing):
    c = commits[sha]
    pr = parse(c.body)
    assert isinstance(pr, PRBody)
    assert (pr.template or "-") == template
    assert pr.user_facing == user_facing
    source = flat_blocks(c.body)
    for unit in pr.what + pr.user_facing_text:
        assert_unit_ok(unit, source)
    if pr.truncated and pr.what:
        assert pr.what[-1].endswith("…") or CLAUSE_END.search(pr.what[-1]) or pr.what[-1] in source


@pytest.mark.parametrize("sha, template, user_facing", CASES)
def test_summaries_of_real_commits_are_faithful(commits, sha, template, user_facing):
    c = commits[sha]
    f = extract(c, mapping_for(c.repo))
    for lang in ("en", "zh"):
        lines = summary_lines(c, f, lang)
        assert 1 <= len(lines) <= 5
        assert lines[0].rstrip(" .…").lower() != f.title.rstrip(" .").lower()  # the title is the heading already
        source = flat_blocks(c.body)
        for line in lines:
            assert balanced(line), line
            assert len(line) <= 260
            # every bullet ends where a sentence ends, or says it goes on (issue 13: no clipped bullet)
            assert re.sub(r"[\"'”’)\]}`*_ ]+$", "", line).endswith(tuple(".!?。！？…")), line
            unit = re.sub(r"(?<=\S)[.。]$", "", line)  # the full stop a whole item was given, if any
            quoted = line in f.pr.what or any(x.rstrip(" …") in u for x in (line, unit) for u in f.pr.what + f.pr.user_facing_text)
            if quoted:
                assert_unit_ok(line, source)
    high = write_one(c, f, Verdict("high", "feature", ("r",), "rules"), "en")
    assert high.summary == summary_lines(c, f, "en")


def test_vllm_ascend_template_sections(commits):
    pr = parse(commits["f6668c979d"].body)
    assert pr.what[0].startswith("This PR removes the environment variable `VLLM_ASCEND_ENABLE_CONTEXT_PARALLEL`")
    assert pr.user_facing_text[0].startswith("Yes, users running on Ascend no longer need to set")
    assert not pr.empty
    # hard-wrapped lines of one paragraph come back as one sentence
    pr = parse(commits["c735bb0941"].body)
    assert "This change is necessary to correctly sync the `with_prefill` and `enable_dbo` flags across all data " \
           "parallel ranks, which is not required in the base implementation." in pr.what
    assert pr.tested  # "How was this patch tested?" has content


def test_test_logs_checklists_and_bot_text_never_become_text(commits):
    assert parse(commits["c5b8a2e0e2"].body).empty  # template + checklist + CodeRabbit only
    pr = parse(commits["5c27763bfb"].body)
    assert pr.what[:3] == ("Add calibration support", "Add an e2e NVFP4 example", "Add unit tests to validate calibration")
    assert not any("All tests pass" in u or "Release Notes" in u for u in pr.what)
    assert any("NVFP4" in u for u in pr.bot)  # kept apart for breaking-change cues, never shown
    pr = parse(commits["d5567680a2"].body)
    assert not any("test ok" in u.lower() or "actions/runs" in u for u in pr.what)


def test_squash_merge_lists_are_used_only_when_alone(commits):
    pr = parse(commits["68c1da7c62"].body)  # first commit has a body: that is the description
    assert pr.squash and pr.what[0].startswith("When framework caching allocators (PyTorch, etc.) sub-allocate tensors")
    assert not any(u.startswith("Address review") for u in pr.what)
    pr = parse(commits["a6f446ca17"].body)  # bodies written below the "* subject" lines, not indented
    assert pr.what[0].startswith("Change transfer_engine linkage from PUBLIC to PRIVATE")
    assert "Fixes #992" not in pr.what
    pr = parse(commits["ec8cb01147"].body)  # nothing but commit subjects: the substantive ones stay
    assert "add ep support" in pr.what and "comment" not in pr.what and "lint" not in pr.what
    assert parse(commits["284a3edfec"].body).what == ("[bugfix] fix bfloat16 for get_tensor",)


def test_empty_descriptions_are_said_to_be_empty(commits):
    for sha in ("6cc11d35e8", "aa0fe49ca6", "122789b97c"):
        c = commits[sha]
        f = extract(c)
        assert f.pr.empty
        lines = summary_lines(c, f, "en")
        if not f.is_revert:
            assert lines == ("The PR description is empty.",)
            assert summary_lines(c, f, "zh") == ("PR 说明为空。",)


def test_reverts_say_what_they_undo(commits):
    c = commits["8ece6956e7"]  # Revert "Upgrade CANN version to 8.3.rc1.alpha001 (#2903)" + This reverts commit …
    f = extract(c)
    assert f.is_revert and f.reverts == "Upgrade CANN version to 8.3.rc1.alpha001 (#2903)"
    assert f.reverted_sha and f.reverted_sha.startswith("339fceb89c")
    en = summary_lines(c, f, "en")
    assert en[0] == f'Reverts the earlier commit "Upgrade CANN version to 8.3.rc1.alpha001 (#2903)" ({f.reverted_sha[:10]}).'
    zh = summary_lines(c, f, "zh")
    assert zh[0].startswith("回滚此前的提交“Upgrade CANN version to 8.3.rc1.alpha001 (#2903)”")  # quoted text keeps its language
    c = commits["7e70da9fb7"]  # no sha in the body: the subject still says what
    f = extract(c)
    assert summary_lines(c, f, "en")[0] == 'Reverts the earlier commit "[Kernel] add custom moe ops for prefill".'
    assert summary_lines(c, f, "en")[1].startswith("Reverts vllm-project/vllm-ascend#4194 as it broke CI")
    f = extract(commits["4c620377a4"])  # Revert "[Build] …" typed as a revert by the rules
    assert f.is_revert and f.reverts.startswith("[Build] auto add commit id")


def test_the_title_is_never_the_first_bullet(commits):
    c = commits["e22039cf7a"]  # squash list whose first item is the title
    lines = summary_lines(c, extract(c), "en")
    assert lines[0] == "fix tp update weights."
    body = "Fix the race in the pool.\n\nThe pool was shared between threads."
    c = Commit("o/r", "a" * 40, "A", "", datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC), ("p",),
               "[Bugfix] Fix the race in the pool (#1)", body, ())
    assert summary_lines(c, extract(c), "en") == ("The pool was shared between threads.",)
    c = Commit("o/r", "a" * 40, "A", "", c.authored_at, c.committed_at, ("p",), "Fix the race in the pool (#1)",
               "Fix the race in the pool", ())
    assert summary_lines(c, extract(c), "en") == ("The PR description adds nothing beyond the title.",)


def test_templates_of_the_three_other_projects():
    # section names of sglang's, vLLM's and dynamo's templates, in bodies written for this test
    sglang = ("## Motivation\n\nThe scheduler stalled when the queue was empty.\n\n## Modifications\n\n- Wake the "
              "scheduler on enqueue\n- Add a timeout\n\n## Accuracy Tests\n\ngsm8k 0.95\n\n## Benchmarking and "
              "Profiling\n\n| bs | tok/s |\n|---|---|\n| 1 | 90 |\n\n## Checklist\n\n- [x] Format your code\n")
    pr = parse(sglang)
    assert pr.template == "sglang" and pr.tested
    assert pr.what == ("The scheduler stalled when the queue was empty.", "Wake the scheduler on enqueue",
                       "Add a timeout")
    vllm = ("## Purpose\n\nMake the loader skip missing shards.\n\n## Test Plan\n\npytest tests/test_loader.py\n\n"
            "## Test Result\n\n3 passed\n")
    pr = parse(vllm)
    assert pr.template == "vllm" and pr.what == ("Make the loader skip missing shards.",) and pr.tested
    dynamo = ("## Overview:\n\nRoute KV events through the indexer.\n\n## Details:\n\n- New `KvIndexer` "
              "component\n\n## Where should the reviewer start?\n\n`lib/llm/src/kv_router.rs`\n\n## Related Issues\n\n"
              "- Closes #123\n")
    pr = parse(dynamo)
    assert pr.template == "dynamo"
    assert pr.what == ("Route KV events through the indexer.", "New `KvIndexer` component")


def test_templates_of_mooncake_and_lmdeploy():
    # their templates' section names (no dataset commit before 2026-07 uses them yet)
    mooncake = ("## Description\n\nShard the master's metadata map by key hash.\n\n## Module\n\n"
                "- [x] Mooncake Store (`mooncake-store`)\n- [ ] Docs\n\n## Type of Change\n\n- [ ] Bug fix\n"
                "- [x] Breaking change\n\n## How Has This Been Tested?\n\nctest -R master\n\n## Checklist\n\n"
                "- [x] I have formatted my code\n")
    pr = parse(mooncake)
    assert pr.template == "mooncake" and pr.what == ("Shard the master's metadata map by key hash.",)
    assert pr.marked_breaking and pr.tested
    lmdeploy = ("## Motivation\n\nTurboMind could not load AWQ checkpoints with bias.\n\n## Modification\n\n"
                "Read the bias tensors in the converter.\n\n## BC-breaking (Optional)\n\nThe `--model-format` flag "
                "no longer accepts `awq-v1`.\n\n## Checklist\n\n1. Pre-commit or other linting tools are used.\n")
    pr = parse(lmdeploy)
    assert pr.template == "lmdeploy"
    assert pr.what == ("TurboMind could not load AWQ checkpoints with bias.", "Read the bias tensors in the converter.")
    assert pr.user_facing_text == ("The `--model-format` flag no longer accepts `awq-v1`.",)
    assert "The `--model-format` flag no longer accepts `awq-v1`." in pr.breaking_notes


def test_detect_template_on_real_bodies(commits):
    assert detect_template(commits["f6668c979d"].body) == "vllm-ascend"
    assert detect_template(commits["ad5339340e"].body) == "flashinfer"
    assert detect_template(commits["043351f048"].body) is None


# ------------------------------------------------------------------------------------------ shortening


def test_shorten_cuts_at_sentence_then_clause_boundaries():
    text = ("Split the `wq_b` weight into two chunks along the output dimension so each chunk stays below 65536. "
            "Two `npu_quant_matmul` calls are issued and their outputs concatenated along the last dimension.")
    assert shorten(text, 120) == ("Split the `wq_b` weight into two chunks along the output dimension so each chunk "
                                  "stays below 65536. …")
    clause = ("Moves the KV-cache free list into the scheduler, which now owns its lifetime, and drops the lock "
              "that the worker held around every allocation in the decode loop for all requests")
    out = shorten(clause, 110)
    assert out == "Moves the KV-cache free list into the scheduler, which now owns its lifetime …"
    assert shorten("short text", 50) == "short text"


def test_shorten_never_splits_a_code_span():
    text = "Use `" + "a_very_long_identifier_" * 6 + "x` instead of the old path, which was slow"
    out = shorten(text, 60)
    assert balanced(out) and out.endswith("…")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=500), st.integers(20, 240))
def test_shorten_properties(text, limit):
    out = shorten(text, limit)
    flat = " ".join(text.split())
    assert "\n" not in out
    if out == flat:
        return
    if balanced(flat) and len(flat) > limit:
        assert balanced(out)
        assert out.endswith("…") or len(out) <= limit + 2
        kept = out[:-1].rstrip() if out.endswith("…") else out
        assert flat.startswith(kept.rstrip(",;:，；：、—– ")) or flat.startswith(kept)


def test_sentences_respect_abbreviations_and_code():
    assert sentences("Use e.g. the default. Then `a.b. C` stays. Done") == \
        ["Use e.g. the default.", "Then `a.b. C` stays.", "Done"]
    assert sentences("第一句。第二句！") == ["第一句。", "第二句！"]


# ------------------------------------------------------------------------------------------- hypothesis

MARKDOWN_BITS = st.sampled_from([
    "## What this PR does / why we need it?\n", "### Does this PR introduce _any_ user-facing change?\n", "No.\n",
    "Yes, users must set `X`.\n", "- [x] done\n", "* item one\n", "* fix lint\n", "\n", "---------\n", "```\ncode\n",
    "```\n", "> [!NOTE]\n> note\n", "<!-- comment\n", "-->\n", "<details>\n", "</details>\n", "| a | b |\n",
    "|---|---|\n", "Signed-off-by: A <a@b.c>\n", "BREAKING CHANGE: removed `--x`\n", "This reverts commit abcdef1.\n",
    "**Motivation**\n", "SUMMARY:\n", "a `stray backtick\n", "1. first\n", "65536. not a list\n", "+ plus\n",
])


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(MARKDOWN_BITS, st.text(max_size=80)), max_size=30))
def test_parser_never_crashes_and_units_are_clean(parts):
    body = "".join(parts)
    pr = parse.__wrapped__(body)
    assert isinstance(pr, PRBody)
    assert pr.empty == (not pr.what and not pr.user_facing_text)
    assert pr.user_facing in (None, "yes", "no")
    for unit in pr.what + pr.user_facing_text + pr.breaking_notes:
        assert unit and "\n" not in unit
        assert balanced(unit), unit


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_parser_survives_any_bytes_as_text(raw):
    parse.__wrapped__(raw.decode("utf-8", "replace"))
    parse.__wrapped__(raw.decode("latin-1"))


@pytest.mark.parametrize("text,settled", [
    ("Support DFlash in Mode Runner V2", "Support DFlash in Mode Runner V2."),  # a whole item: its full stop
    ("运行 Qwen3-Embedding-8B 模型", "运行 Qwen3-Embedding-8B 模型。"),  # the stop of its own script
    ("add `foo()`", "add `foo()`."),
    ("allocating the cache from one aligned raw allocation;", "allocating the cache from one aligned raw allocation."),
    ("This PR enables graph execution by addressing two issues:", "This PR enables graph execution by addressing two issues."),
    ("Compared with the earlier implementation, the benefits are:", "Compared with the earlier implementation, the benefits are …"),
    ("Spread the work across SMs (4 blocks instead of", "Spread the work across SMs (4 blocks instead of …"),
    ("Done.", "Done."), ("It goes on …", "It goes on …"), ("“Quoted.”", "“Quoted.”"),
])
def test_settle_ends_a_unit_at_a_sentence_end_with_punctuation_only(text, settled):
    from commitradar.features.prbody import settle

    assert settle(text) == settled
    assert re.sub(r"\W", "", settled.replace("…", "")).startswith(re.sub(r"\W", "", text))  # no word added or lost


def test_wrapped_numbers_and_lead_ins_do_not_split_or_dangle():
    """GitHub's re-wrapping puts numbers first on a line: "(4 blocks instead of\n1)" is one item and "…weight\n
    prefetch\n2. Remove …" is item 2 of a list whose item 1 wrapped; "this includes" before a list is a lead-in."""
    body = ("- Spread `computeStrides` work across multiple SMs (4 blocks instead of\n1)\n- Add launch bounds\n")
    assert parse(body).what == ("Spread `computeStrides` work across multiple SMs (4 blocks instead of 1)",
                                "Add launch bounds")
    body = "1. Refactor the MLA weight prefetch to match the moe weight\nprefetch\n2. Remove the duplicated prefetch\n"
    assert parse(body).what == ("Refactor the MLA weight prefetch to match the moe weight prefetch",
                                "Remove the duplicated prefetch")
    body = "Summary:\n\nthis includes\n\n1) data handling for ranks\n2) small fixes to use the correct device\n"
    assert parse(body).what == ("data handling for ranks", "small fixes to use the correct device")
    body = "**1. vLLM Version Update**\n\n- Updated the release tag to v0.23.0\n\nRelated RFC issue: Refs #11723\n"
    assert parse(body).what == ("Updated the release tag to v0.23.0",)
