"""The deterministic writer: facts only, nothing cut mid-word; advice specific to the change or nothing."""
from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from commitradar.classifier import RulesClassifier
from commitradar.features import extract
from commitradar.features.breaking import what as detector_what
from commitradar.records import Breaking, Commit, FileChange, PRBody, Prose, Verdict
from commitradar.writer.advice import advise, breaking_brief, breaking_line, general_notes, generic_keys
from commitradar.writer.deterministic import DeterministicWriter, clip, spread_repeats, summary_lines, write_one
from commitradar.writer.headline import build_headline
from commitradar.writer.reasons import reader_reason, rules_point_higher

T0 = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
BODY = """## What this PR does / why we need it?
Adds the Step3p5 model family.

- Add `Step3p5ForCausalLM` with sliding-window attention layers
- Register the model in the loader and the parser registry
- [x] I have run the tests
* Enable multi-layer EAGLE for Step3p5 by default

### Does this PR introduce any user-facing change?
No.
Signed-off-by: someone <a@b.c>
- vLLM version: v0.11.0
"""


def make(subject="[Model] Support Step-3.5-Flash (#18084)", body=BODY, files=None) -> Commit:
    files = files or {"pkg/models/step3p5.py": (700, 0), "csrc/attn.cu": (40, 2), "tests/test_step.py": (30, 0)}
    return Commit(repo="o/r", sha="c" * 40, author="A", author_email_domain="", authored_at=T0, committed_at=T0,
                  parents=("d" * 40,), subject=subject, body=body,
                  files=tuple(FileChange(p, a, d) for p, (a, d) in files.items()))


def verdict(tier: str) -> Verdict:
    return Verdict(tier, "feature", ("test",), "rules:default")


def test_summary_keeps_pr_sentences_and_items_and_drops_template_noise():
    c = make()
    assert summary_lines(c, extract(c), "en") == (
        "Adds the Step3p5 model family.",
        "Add `Step3p5ForCausalLM` with sliding-window attention layers.",  # a whole item gets its full stop
        "Register the model in the loader and the parser registry.",
        "Enable multi-layer EAGLE for Step3p5 by default.",
    )


def test_summary_skips_the_repeated_title_and_joins_wrapped_lines():
    body = ("Fix the race in req_to_token pool.\n\nThe pool was shared between two threads without a lock,\n"
            "which corrupted slots.")
    c = make("[Bugfix] Fix the race in req_to_token pool (#7)", body)
    assert summary_lines(c, extract(c), "en") == (
        "The pool was shared between two threads without a lock, which corrupted slots.",)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=600))
def test_clip_never_cuts_a_word_and_says_when_it_shortened(text):
    out = clip(text, 120)
    flat = " ".join(text.split())
    assert len(out) <= 122
    if out == flat:
        return
    assert out.endswith("…") or out.endswith(".") or out.endswith("。")
    kept = out.rstrip(" …")
    assert flat.startswith(kept)
    nxt = flat[len(kept):len(kept) + 1]
    assert nxt in ("", " ") or not kept[-1:].isalnum() or not nxt.isalnum()


def test_sections_per_tier_are_facts_of_this_commit():
    c = make()
    f = extract(c)
    high = write_one(c, f, verdict("high"), "en")
    assert high.summary and high.impact and high.source == "deterministic"
    assert high.insights is None  # nothing to say from facts alone: not invented
    for line in high.summary:
        assert line.rstrip(" …").rstrip(".") in c.subject + "\n" + c.body  # every summary line is quoted from the message
    # impact: one line, categories with counts, then where (three files: the files themselves)
    assert high.impact == ("models 1 file (+700/-0), kernels 1 file (+40/-2), tests 1 file (+30/-0): "
                           "`pkg/models/step3p5.py`, `csrc/attn.cu`, `tests/test_step.py`.",)
    assert high.suggestions == ("If you serve `step3p5`, re-validate its outputs after upgrading.",)
    assert high.risks == ("Large change: 772 lines across 3 files.",)
    medium = write_one(c, f, verdict("medium"), "zh")
    assert medium.summary and medium.impact and medium.risks == ()
    assert medium.suggestions == ("若你部署 `step3p5`，升级后复核其输出质量。",)
    low = write_one(c, f, verdict("low"), "en")
    assert len(low.summary) == 1 and "\n" not in low.summary[0] and low.impact == () and low.suggestions == ()
    assert low.summary[0] == "Adds the Step3p5 model family."  # the PR's first sentence, whole
    bare = make(body="")
    assert write_one(bare, extract(bare), verdict("low"), "en").summary == ("3 files (+770/-2), models.",)


def test_a_change_with_nothing_specific_gets_no_risks_and_no_suggestions():
    c = make("[Bugfix] Fix off-by-one in the block table (#9)", "The index was one too high.",
             {"pkg/core/block_table.py": (3, 3)})
    for tier in ("medium", "high"):
        p = write_one(c, extract(c), verdict(tier), "en")
        assert p.risks == () and p.suggestions == (), p
    # what applies to any runtime change is said once per report, not on the entry
    assert generic_keys(c, extract(c), verdict("medium")) == ("core", "no_tests")
    assert generic_keys(c, extract(c), verdict("low")) == ()


def test_advice_names_what_the_pr_names():
    body = ("Set `VLLM_ASCEND_ENABLE_FUSED_MC2=1` to use the new path; the `--enable-expert-parallel` flag is "
            "required. The `max_num_batched_tokens` option now defaults to 8192.\n\n"
            "With this change TTFT drops by 23% on DeepSeek-V3 at 32k input.\n\n"
            "```bash\nvllm serve x --tensor-parallel-size 16\nexport HCCL_BUFFSIZE=512\n```\n"
            "| model | before | after |\n|---|---|---|\n| a | 1.0x | 3.0x |\n")
    c = make("[Perf] Fused MC2 dispatch for MoE (#42)", body,
             {"vllm_ascend/ops/fused_moe/mc2.py": (120, 10), "vllm_ascend/models/deepseek_v3.py": (10, 2)})
    p = write_one(c, extract(c), verdict("high"), "en")
    assert p.suggestions == (
        "If you set `VLLM_ASCEND_ENABLE_FUSED_MC2`, re-check its meaning and default after upgrading.",
        "If your launch command passes `--enable-expert-parallel`, re-check its behaviour after upgrading.",
        "If your configuration sets `max_num_batched_tokens`, re-check its value and default after upgrading.",
        "If you serve `deepseek_v3`, re-validate its outputs after upgrading.",
        "The PR reports “With this change TTFT drops by 23% on DeepSeek-V3 at 32k input”: measure on your own "
        "workload before relying on it.",
    )
    # names inside code blocks and tables are examples, not what the PR changes
    assert not any("HCCL_BUFFSIZE" in s or "tensor-parallel" in s or "3.0x" in s for s in p.suggestions)
    zh = write_one(c, extract(c), verdict("medium"), "zh")
    assert zh.suggestions[0] == "若你设置了 `VLLM_ASCEND_ENABLE_FUSED_MC2`，升级后核对其含义与默认值。"


def test_names_from_commands_logs_and_error_codes_are_not_advice():
    body = ("Fix the hang when the copy engine times out.\n\n"
            "Tested with pre-commit run --all-files --hook-stage manual and bash format.sh --check.\n"
            "CUDA_VISIBLE_DEVICES=0,1 pytest tests/test_x.py --tp 2 passed.\n"
            "The kernel raised CUDA_ERROR_ILLEGAL_ADDRESS before this change.\n"
            "960 tokens per request: 13.62x > (Worker_TP0_EP0 pid=18480) INFO 07-03 [worker.py:790] Free memory.\n"
            "and - same-node runs showed no regression (median deltas from -2.5% to +3.4%).\n"
            "The `tile_m` parameter is now derived from the head dim.\n")
    c = make("[Bugfix] Fix the copy-engine hang (#21)", body,
             {"pkg/models/patch_qwen.py": (5, 1), "pkg/models/cudagraph.py": (5, 1),
              "pkg/models/GatedDeltaNetLayer.py": (3, 1), "pkg/models/qwen3_next.py": (2, 2)})
    p = write_one(c, extract(c), verdict("medium"), "en")
    assert p.suggestions == ("If you serve `qwen3_next`, re-validate its outputs after upgrading.",), p.suggestions


def test_diff_names_count_when_a_diff_is_loaded():
    c = make("[Feature] Read the prefetch size from the environment (#5)", "", {"pkg/core/prefetch.py": (4, 1)})
    diff = ('+    size = int(os.getenv("MC_PREFETCH_BYTES", "0"))\n'
            '+    parser.add_argument("--prefetch-bytes", type=int)\n')
    adv = advise(c, extract(c), verdict("medium"), "en", diff=diff)
    assert adv.suggestions == (
        "If you set `MC_PREFETCH_BYTES`, re-check its meaning and default after upgrading.",
        "If your launch command passes `--prefetch-bytes`, re-check its behaviour after upgrading.")
    assert advise(c, extract(c), verdict("medium"), "en").suggestions == ()


@pytest.mark.parametrize(("kind", "subject", "version", "brief"), [
    ("removal", "layer sharding", None, "Removes layer sharding"),
    ("rename", "--enable-kv-offload", None, "Renames `--enable-kv-offload`"),
    ("default_change", "enable_rdma", None, "Changes the default of `enable_rdma`"),
    ("dropped_support", "vLLM v0.23", "v0.23", "Drops support for vLLM v0.23"),
    ("dependency_bump", "CANN", "9.0.1", "Requires CANN 9.0.1"),
    ("format_change", "the KV cache dump", None, "Changes the format of the KV cache dump"),
    ("regression", "lower accuracy on GSM8K", None, "Regression reported by the PR: lower accuracy on GSM8K"),
])
def test_breaking_changes_say_what_to_do_once_with_the_evidence(kind, subject, version, brief):
    c = make("[Misc] Something users must act on (#7)", "", {"pkg/core/x.py": (5, 5)})
    f = replace(extract(c), breaking=Breaking(kind, subject, f"evidence for {subject}", "body", version))
    # the entry's ⚠️ line: the detector's own "what to know or do", then the evidence
    line = breaking_line(f.breaking, "en")
    assert line == f"{detector_what(f.breaking, 'en')} Evidence: “evidence for {subject}”."
    zh = breaking_line(f.breaking, "zh")
    assert zh.endswith("依据：“evidence for " + subject + "”。") and not CJK.search(line)
    # the headline's few words
    assert breaking_brief(f.breaking, "en") == brief
    # not said again as a suggestion
    assert write_one(c, f, verdict("high"), "en").suggestions == ()


def test_a_quote_left_open_by_the_detector_is_dropped():
    b = Breaking("removal", "additional config option 'dp_allreduce_on_npu", "Remove additional config option")
    assert breaking_brief(b, "en") == "Removes additional config option dp_allreduce_on_npu"


def test_a_long_breaking_subject_is_cut_visibly_in_the_headline():
    b = Breaking("regression", "This PR removes the explicit runner position index used in autotuner to prevent it "
                 "using autotuning plan from other runners", "…")
    assert breaking_brief(b, "en") == ("Regression reported by the PR: This PR removes the explicit runner position "
                                       "index used in …")


def test_a_revert_says_what_it_undoes_and_its_advice_is_the_general_note():
    c = make('Revert "[Perf] Faster sampler (#99)" (#106)', "", {"pkg/core/sampler.py": (60, 60)})
    p = write_one(c, extract(c), verdict("medium"), "en")
    assert p.summary == ('Reverts the earlier commit "[Perf] Faster sampler (#99)".',)
    assert p.suggestions == ()
    assert generic_keys(c, extract(c), verdict("medium")) == ("core", "revert")
    assert general_notes([("fecad14", "commit-fecad145730b", ("revert",))], "en") == [
        "Reverts ([`fecad14`](#commit-fecad145730b)): if you relied on a reverted change, it is gone after upgrading."]


def test_user_facing_statement_is_in_the_summary_not_repeated_under_impact():
    c = make("[Feature] Add the --kv-offload flag (#8)", "", {"pkg/core/args.py": (30, 0)})
    f = replace(extract(c), pr=PRBody(what=("Adds a flag.",), user_facing="yes",
                                      user_facing_text=("Users can now pass `--kv-offload` to move KV blocks to CPU.",),
                                      tested=True, empty=False))
    p = write_one(c, f, verdict("medium"), "en")
    assert any("Users can now pass `--kv-offload`" in line for line in p.summary)
    assert p.impact == ("core 1 file (+30/-0): `pkg/core/args.py`.",)
    assert generic_keys(c, f, verdict("medium")) == ("core",)  # a test plan in the PR: not "untested"


def test_low_tier_is_one_sentence_from_the_pr_or_its_size():
    c = make("[Doc] Fix the install guide (#3)", "", {"docs/install.md": (3, 1)})
    f = extract(c)
    assert write_one(c, f, verdict("low"), "zh").summary == ("1 个文件（+3/-1），文档。",)
    f2 = replace(f, pr=PRBody(what=("Fix the install guide", "Corrects the CANN version in the install guide"),
                              empty=False))
    assert write_one(c, f2, verdict("low"), "en").summary == ("Corrects the CANN version in the install guide.",)


def test_no_advice_line_repeats_in_more_than_two_entries():
    same = [Prose(summary=("x",), suggestions=("If you set `VLLM_X`, re-check it.",), impact=(f"line {i}",))
            for i in range(4)]
    out = spread_repeats(same)
    assert [p.suggestions for p in out] == [("If you set `VLLM_X`, re-check it.",)] * 2 + [()] * 2
    assert [p.impact for p in out] == [p.impact for p in same]


def test_general_notes_once_each_naming_the_commits():
    rows = [("aaaaaaa", "commit-aaaaaaaaaaaa", ("core", "no_tests")),
            ("bbbbbbb", "commit-bbbbbbbbbbbb", ("kernel", "no_tests")),
            ("ccccccc", "commit-cccccccccccc", ())]
    notes = general_notes(rows, "en")
    assert notes == [
        "Runtime code changed without tests ([`aaaaaaa`](#commit-aaaaaaaaaaaa), [`bbbbbbb`](#commit-bbbbbbbbbbbb)): "
        "verify the affected paths yourself after upgrading.",
        "Kernel code changed ([`bbbbbbb`](#commit-bbbbbbbbbbbb)): re-check correctness and speed on your hardware.",
        "Core runtime code changed ([`aaaaaaa`](#commit-aaaaaaaaaaaa)): run your integration tests after upgrading.",
    ]
    many = [(f"{i:07x}", f"commit-{i:012x}", ("core",)) for i in range(9)]
    assert general_notes(many, "zh", link=False) == [
        "涉及核心运行时代码（`0000000`、`0000001`、`0000002`、`0000003`、`0000004`、`0000005` 等 9 个提交）：升级后运行你的集成测试。"]


def test_writer_notes_that_no_llm_was_used():
    c = make()
    res = DeterministicWriter().write([(c, extract(c), verdict("medium"))], "en")
    assert len(res.proses) == 1 and res.usage is None
    assert res.notes == ["No LLM configured: the text below was written by the deterministic writer from commit "
                         "messages and file statistics."]


# ------------------------------------------------------------------ reasons for readers

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")  # CJK ideographs, CJK and full-width punctuation
LATIN = re.compile(r"[A-Za-z]")


def classify(c: Commit):
    f = extract(c)
    return f, RulesClassifier("default").classify([(c, f)])[0]


def test_reason_says_what_capped_the_tier():
    c = make("[NPU][Model] Support FooNet model (#11)", "",
             {"pkg/models/foonet.py": (400, 0), "pkg/core/registry.py": (10, 0)})
    f, v = classify(c)
    assert v.tier == "medium"
    assert reader_reason(c, f, v, "en") == ("Adds a model or architecture; new capability in runtime code; more than "
                                            "300 lines of runtime code; these signals point to high, but one platform "
                                            "only, so at most medium.")
    assert reader_reason(c, f, v, "zh") == ("新增模型或架构支持；新增运行时能力；运行时代码改动超过 300 行；"
                                            "这些信号指向高，但仅限单一平台，至多为中。")


def test_reason_says_the_model_outweighed_a_rule_pointing_higher():
    c = make("[Deps] Upgrade torch to 2.9 (#12)", "", {"requirements.txt": (1, 1)})
    f = extract(c)
    model_low = Verdict("low", "deps_config", ("P(high)=0.01, P(low)=0.90 ...",), "model",
                        {"high": 0.01, "medium": 0.09, "low": 0.9})
    assert f.breaking is not None and f.breaking.kind == "dependency_bump"  # the detector reads the new pin
    assert reader_reason(c, f, model_low, "en") == (
        "Bumps a core dependency; includes a breaking change users must act on; these signals point to "
        "high, but the model, judging from similar past commits, rated it low.")  # what it is: the ⚠️ line
    assert reader_reason(c, f, model_low, "zh") == ("升级核心依赖；含需要用户处理的不兼容变更；"
                                                    "这些信号指向高，但模型参照相似的历史提交判为低。")
    plain = replace(f, breaking=None)  # without the detection the rule alone still points to high (issue 14)
    assert reader_reason(c, plain, model_low, "zh") == "升级核心依赖；这些信号指向高，但模型参照相似的历史提交判为低。"
    assert rules_point_higher(c, f, model_low)
    model_high = replace(model_low, tier="high")
    assert reader_reason(c, plain, model_high, "en") == (
        "Bumps a core dependency; the model, judging from similar past commits, rated it high, above the rules' "
        "medium.")
    assert not rules_point_higher(c, f, model_high)


def test_reason_of_quiet_commits_and_facts_from_the_pr():
    docs = make("[Doc] Fix typos (#13)", "", {"docs/a.md": (2, 2)})
    f, v = classify(docs)
    assert reader_reason(docs, f, v, "en") == "Documentation only."
    small = make("Tidy the logger (#14)", "", {"pkg/util/log.py": (2, 2)})
    f, v = classify(small)
    assert reader_reason(small, f, v, "zh") == "涉及运行时代码。"
    c = make("[Feature] Add the --kv-offload flag (#8)", "", {"pkg/core/args.py": (30, 0)})
    f, v = classify(c)
    f = replace(f, pr=PRBody(user_facing="yes", user_facing_text=("Adds a flag.",), empty=False),
                breaking=Breaking("default_change", "--kv-offload", "on by default"))
    assert reader_reason(c, f, v, "zh") == ("新增运行时能力；含需要用户处理的不兼容变更；"
                                            "PR 说明存在用户可见变更；这些信号指向高，但规则总分只到中。")
    # a breaking detection points to high: a lower tier says what outweighed it
    assert reader_reason(c, f, replace(v, tier="low"), "en") == (
        "New capability in runtime code; includes a breaking change users must act on; the PR description states a "
        "user-facing change; these signals point to high, but the rules' total only reaches low.")
    assert rules_point_higher(c, f, replace(v, tier="medium"))
    argus = RulesClassifier("argus").classify([(c, f)])[0]
    assert reader_reason(c, f, argus, "en").startswith("Reference formula score ")


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["[NPU] Fix crash in scheduler", "feat: add Foo model support", "[Doc] typo", "Bump torch to 2.9",
                        "Revert \"x\"", "[CI] retry", "perf: faster sampler", "refactor: rename flag --x"]),
       st.sampled_from(["low", "medium", "high"]), st.booleans())
def test_reasons_are_in_the_report_language(subject, tier, model):
    c = make(subject, "", {"pkg/core/a.py": (400, 3), "docs/x.md": (1, 1)})
    f = extract(c)
    v = Verdict(tier, "other", (), "model" if model else "rules:default", {"high": 0.1} if model else None)
    zh, en = reader_reason(c, f, v, "zh"), reader_reason(c, f, v, "en")
    assert zh.endswith("。")
    ours = zh.replace(breaking_brief(f.breaking, "zh"), "") if f.breaking else zh  # names from the commit aside
    assert not LATIN.search(ours.replace("CI", "").replace("PR", "")), zh
    assert not CJK.search(en), en
    assert en.endswith(".") and en[0].isupper()


# ------------------------------------------------------------------ headline


def item(i: int, subject: str, tier: str, files: dict, p_high: float | None = None, breaking: Breaking | None = None):
    c = replace(make(subject, "", files), sha=f"{i:x}" * 40 if i < 16 else f"{i:040x}",
                committed_at=T0.replace(hour=i % 24))
    f = extract(c)
    if breaking is not None:
        f = replace(f, breaking=breaking)
    v = Verdict(tier, "feature", (), "model" if p_high is not None else "rules:default",
                {"high": p_high, "medium": 0.5, "low": 0.1} if p_high is not None else None)
    return c, f, v


def test_headline_ranks_must_reads_by_p_high_and_lists_moves_and_breaking_once():
    core = {"pkg/core/a.py": (50, 5)}
    items = [item(i, f"[Feature] Capability number {i} (#{i})", "high", core, p_high=0.1 * i) for i in range(1, 8)]
    items.append(item(8, "[Deps] Upgrade torch from 2.8 to 2.9 (#80)", "medium", {"requirements.txt": (1, 1)}))
    items.append(item(9, "[CI] Bump actions/checkout from 4 to 5 (#81)", "low", {".github/workflows/ci.yml": (1, 1)}))
    items.append(item(10, "[Misc] Require CANN 9.0.1 (#82)", "high", core, p_high=0.99,
                      breaking=Breaking("dependency_bump", "CANN", "requires CANN 9.0.1", "body", "9.0.1")))
    items.append(item(11, "[Misc] Drop vLLM v0.23 (#83)", "medium", core,
                      breaking=Breaking("dropped_support", "vLLM", "drop support for vLLM v0.23", "subject", "v0.23")))
    items.append(item(12, "[Feature] Remove layer sharding (#84)", "medium", core,
                      breaking=Breaking("removal", "layer sharding", "layer sharding is removed")))
    h = build_headline(items, "en")
    kinds = [(i.kind, i.text) for i in h.items]
    assert kinds[:5] == [("must_read", f"Capability number {i}") for i in (7, 6, 5, 4, 3)]  # at most 5, by P(high)
    assert kinds[5:] == [("breaking", "Removes layer sharding"),
                         ("dependency", "torch 2.8 → 2.9"), ("dependency", "CANN → 9.0.1"),
                         ("dependency", "drops vLLM v0.23")]
    assert len({i.sha for i in h.items}) == len(h.items)  # one line per commit
    assert h.overview is None
    assert [i.text for i in build_headline(items, "zh").items][-1] == "不再支持 vLLM v0.23"


def test_headline_without_probabilities_ranks_by_rule_score():
    items = [item(1, "[Feature] Add a small option (#1)", "high", {"pkg/core/a.py": (5, 1)}),
             item(2, "feat: support FooNet model architecture (#2)", "high", {"pkg/models/foonet.py": (500, 0)})]
    assert [i.text for i in build_headline(items, "en").items] == ["support FooNet model architecture",
                                                                   "Add a small option"]
    assert build_headline([item(3, "[Doc] x", "low", {"docs/a.md": (1, 1)})], "en").items == ()


def test_an_empty_description_is_said_plainly_at_most_twice_a_report():
    """Beyond two entries of one report, "The PR description is empty." would be a repeated filler line: the
    next entries name where their own change is instead."""
    from commitradar.writer.deterministic import DeterministicWriter

    items = []
    for i, path in enumerate(("pkg/core/a.py", "pkg/core/b.py", "pkg/core/c.py", "pkg/core/d.py")):
        c = make(subject=f"fix: thing {i}", body="", files={path: (20, 3)})
        items.append((c, extract(c), verdict("medium")))
    for lang, plain in (("en", "The PR description is empty."), ("zh", "PR 说明为空。")):
        summaries = [p.summary for p in DeterministicWriter().write(items, lang).proses]
        assert summaries[:2] == [(plain,), (plain,)]
        assert summaries[2][0] != plain and "`pkg/core/c.py`" in summaries[2][0]
        assert "`pkg/core/d.py`" in summaries[3][0]


def test_a_regression_test_is_not_a_reported_speed_number():
    from commitradar.writer.advice import reported_numbers

    assert reported_numbers(["Regression test catches the bug; pre-fix triggers an illegal address in <2 s."], "en") is None
    assert reported_numbers(["This reduces decode latency by 12% on H100."], "en") == "“This reduces decode latency by 12% on H100”"


def test_config_keys_are_named_options_not_benchmark_shapes():
    from commitradar.writer.advice import config_keys

    assert config_keys(["Cute-DSL now beats trtllm-gen on 9/10 of the standard `seq_len=8192, num_heads=128` configs."]) == []
    assert config_keys(["Set the `enable_foo=True` option to keep the old path."]) == ["enable_foo"]
    assert config_keys(["`max_tokens` defaults to 512 now."]) == ["max_tokens"]
