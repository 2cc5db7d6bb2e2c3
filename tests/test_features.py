"""Features: PR-title parsing (examples + hypothesis properties) and path categories / diff size."""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commitradar.features import extract
from commitradar.features.paths import (
    CATEGORIES,
    DEFAULT_MAPPING,
    MODEL_V1_MAPPING,
    PRESETS,
    area,
    categorize,
    freeze_mapping,
    mapping_for,
    preset_name,
)
from commitradar.features.title import (
    CONVENTIONAL_TYPES,
    TAG_ALIASES,
    breaking_footer,
    is_dependency_bump,
    is_merge_subject,
    is_revert,
    normalize_tag,
    parse_conventional,
    parse_footers,
    parse_pr_number,
    parse_revert,
    parse_title,
    split_tag,
)
from commitradar.records import Commit, FileChange

T0 = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)


def make_commit(subject: str = "x", files=(), parents=("p",), body: str = "") -> Commit:
    return Commit("o/r", "a" * 40, "A", "example.com", T0, T0, tuple(parents), subject, body,
                  tuple(FileChange(*f) for f in files))


# ------------------------------------------------------------------------------ title: examples


@pytest.mark.parametrize("subject, tags, title", [
    ("[NPU] support dsv32 radixcache on ascend (#17964)", ("npu",), "support dsv32 radixcache on ascend"),
    ("[Perf] Use safetensors `load_file` in multithread loader (#18124)", ("perf",),
     "Use safetensors `load_file` in multithread loader"),
    ("[BugFix][Model] Fix weight loading (#1)", ("bugfix", "model"), "Fix weight loading"),
    ("[Diffsuion & JIT_kernel] QKNorm cross heads kernel (#18073)", ("diffsuion", "jit_kernel"),
     "QKNorm cross heads kernel"),
    ("[4/n jit_kernel restruct] Move norm kernels", ("jit_kernel restruct",), "Move norm kernels"),
    ("[MiMoV2Flash] [feat]: support two batch overlap (#17634)", ("mimov2flash", "feat"), "support two batch overlap"),
    ("[HiCache]: Support DeepSeek v32 cpu offloading (#17415)", ("hicache",), "Support DeepSeek v32 cpu offloading"),
    ("[Feat] [310p] Support w8a8sc quantization method (#7075)", ("feat", "310p"), "Support w8a8sc quantization method"),
    ("Fix a crash on empty batches [NPU]", ("npu",), "Fix a crash on empty batches"),
    ("[Performance] Optimize radix cache eviction (#14339)", ("perf",), "Optimize radix cache eviction"),
    ("[Bug Fix] [Ascend] x", ("bugfix", "npu"), "x"),
])
def test_tags(subject, tags, title):
    parts = parse_title(subject)
    assert parts.tags == tags
    assert parts.title == title


def test_series_tag():
    parts = parse_title("[4/n jit_kernel restruct] Move norm kernels")
    assert parts.series == "4/n"
    assert split_tag("12 / N  foo") == ("12/n", ["foo"])
    assert split_tag("Diffsuion & JIT_kernel") == (None, ["diffsuion", "jit_kernel"])


@pytest.mark.parametrize("subject, ctype, scope, breaking, title", [
    ("feat(model)!: add Step-3.5-Flash (#18084)", "feat", "model", True, "add Step-3.5-Flash"),
    ("fix(scheduler): handle empty batch", "fix", "scheduler", False, "handle empty batch"),
    ("refactor!: drop the v0 engine", "refactor", None, True, "drop the v0 engine"),
    ("perf: faster top-k", "perf", None, False, "faster top-k"),
    ("docs(readme): typo", "docs", "readme", False, "typo"),
    ("chore(deps): bump torch from 2.5 to 2.6", "chore", "deps", False, "bump torch from 2.5 to 2.6"),
    ("[PD] feat: support mooncake transfer (#17866)", "feat", None, False, "support mooncake transfer"),
    ("[Bugfix] Fix Mistral Large 3 (#18065)", "fix", None, False, "Fix Mistral Large 3"),
    ("feat: add X\n\nBREAKING CHANGE: y", "feat", None, True, "add X"),
    ("Update: not a conventional type", None, None, False, "Update: not a conventional type"),
    ("model: support Step-3.5-Flash (#18084)", None, None, False, "model: support Step-3.5-Flash"),
])
def test_conventional_prefix(subject, ctype, scope, breaking, title):
    parts = parse_title(subject)
    assert (parts.conventional_type, parts.conventional_scope, parts.breaking, parts.title) == (ctype, scope, breaking, title)


@pytest.mark.parametrize("subject, pr", [
    ("model: support Step-3.5-Flash (#18084)", 18084),
    ("Fix x #123", 123),
    ("Fix x (#1) trailing words", None),
    ("Fix issue #12 in the scheduler", None),
    ("Revert \"Fix (#1)\" (#2)", 2),
    ("no number", None),
    pytest.param("(#" + "9" * 5000 + ")", None, id="5000-digits"),  # not a PR number; must not crash int()
    ("Fix x (#\u0663\u0664)", None),  # Arabic-Indic digits are not a PR number
])
def test_pr_number(subject, pr):
    assert parse_pr_number(subject) == pr
    assert parse_title(subject).pr_number == pr


def test_revert_merge_bump():
    assert is_revert('Revert "[Perf] Faster sampler (#99)" (#106)')
    assert is_revert("[Revert] x") and is_revert("revert: x")
    assert not is_revert("Reverting is hard, a doc")
    assert is_merge_subject("Merge pull request #12 from a/b")
    assert is_merge_subject("Merge branch 'main' into topic")
    assert not is_merge_subject("Merged the two configs")
    for s in ("Bump torch from 2.5 to 2.6", "[CI] Bump actions/checkout from 4 to 6 (#7070)",
              "Upgrade transformers to 4.57", "update vllm version to v0.11.0", "pin numpy==1.26"):
        assert is_dependency_bump(s), s
    assert is_dependency_bump("x", ("deps",)) and is_dependency_bump("x", (), "deps")
    for s in ("Update the README", "Fix the version check", "Add a model"):
        assert not is_dependency_bump(s), s


def test_extract_uses_title_and_merge_parents():
    f = extract(make_commit('Revert "feat: x" (#5)'))
    assert f.is_revert and f.pr_number == 5 and not f.is_merge
    f = extract(make_commit("Merge branch 'topic'", parents=("a", "b")))
    assert f.is_merge
    f = extract(make_commit("some title", parents=("a", "b")))
    assert f.is_merge  # a two-parent commit is a merge whatever its subject says
    assert extract(make_commit("[Deps] Upgrade torch to 2.6")).is_dependency_bump


# ------------------------------------------------------------------------------ title: properties

_tag_chars = st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp"),
                           exclude_characters="[]&+,|")
tag_text = st.text(_tag_chars, min_size=1, max_size=20).filter(
    lambda t: t.strip() and t == t.strip() and not split_tag(t)[0] and "  " not in t and not t.endswith(":"))
words = st.lists(st.from_regex(r"[a-z][a-z0-9]{0,8}", fullmatch=True), min_size=1, max_size=6)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_parse_never_crashes_and_is_consistent(subject):
    parts = parse_title(subject)
    first = subject.strip().splitlines()[0] if subject.strip() else ""
    assert parts.title in first  # only prefixes/suffixes are removed
    assert parts.title == parts.title.strip()
    assert all(t == t.lower() and t for t in parts.tags)
    assert len(set(parts.tags)) == len(parts.tags)
    assert parts.pr_number == parse_pr_number(first)
    assert parts.conventional_type in (None, *CONVENTIONAL_TYPES.values())
    assert parse_title(subject) == parts  # deterministic
    is_revert(subject), is_merge_subject(subject), is_dependency_bump(subject, parts.tags)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_parse_ignores_surrounding_whitespace(subject):
    assert parse_title(f"  {subject}\t ") == parse_title(subject.strip())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.lists(tag_text, min_size=1, max_size=4), words, st.none() | st.integers(1, 999_999),
       st.sampled_from(["", " "]))
def test_tags_round_trip(tags, title_words, pr, sep):
    title = "Add " + " ".join(title_words)
    subject = sep.join(f"[{t}]" for t in tags) + " " + title + (f" (#{pr})" if pr else "")
    parts = parse_title(subject)
    expected = list(dict.fromkeys(normalize_tag(t) for t in tags))
    assert list(parts.tags) == expected
    assert parts.title == title
    assert parts.pr_number == pr


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(CONVENTIONAL_TYPES)), st.none() | st.from_regex(r"[a-z][a-z0-9_/-]{0,10}", fullmatch=True),
       st.booleans(), words, st.lists(tag_text, max_size=2))
def test_conventional_round_trip(ctype, scope, bang, title_words, tags):
    title = "add " + " ".join(title_words)
    prefix = ctype + (f"({scope})" if scope else "") + ("!" if bang else "") + ": "
    subject = "".join(f"[{t}] " for t in tags) + prefix + title
    parts = parse_title(subject)
    assert parts.conventional_type == CONVENTIONAL_TYPES[ctype]
    assert parts.conventional_scope == scope
    assert parts.breaking == (bang or "breaking" in parts.tags)
    assert parts.title == title


@given(st.sampled_from(sorted(TAG_ALIASES)))
def test_aliases_normalize_case_and_space(alias):
    assert normalize_tag(alias.upper()) == TAG_ALIASES[alias]
    assert normalize_tag(f"  {alias}  ") == TAG_ALIASES[alias]


# ------------------------------------------------------------------------------ one change-type parser


@pytest.mark.parametrize("text, expected", [
    ("feat(model)!: add X", ("feat", "model", True, "add X")),
    ("fix: y", ("fix", None, False, "y")),
    ("  Perf : faster", ("perf", None, False, "faster")),
    ("ci/build: pin", ("ci/build", None, False, "pin")),
    ("chore(deps-dev)!: bump z", ("chore", "deps-dev", True, "bump z")),
    ("[Bugfix] x", None),
    ("no prefix here", None),
    ("Update: something", ("update", None, False, "something")),  # callers decide whether the word is a type
])
def test_parse_conventional(text, expected):
    conv = parse_conventional(text)
    assert (conv and (conv.type, conv.scope, conv.breaking, conv.description)) == expected


def test_labels_read_change_types_with_the_same_parser():
    from commitradar.labels.vocabulary import change_type_from_subject

    assert change_type_from_subject(" perf: optimize memory for mtp (#2713)") == "performance"
    assert change_type_from_subject("fix(kv-router)!: keep x") == "bugfix"
    assert change_type_from_subject("chore(deps): bump x") == "deps_config"


def test_footers_and_breaking_change():
    body = "Text.\n\nBREAKING CHANGE: `--x` is gone\n  continued here\nSigned-off-by: A <a@b.c>\n"
    assert parse_footers(body) == (("BREAKING CHANGE", "`--x` is gone continued here"), ("Signed-off-by", "A <a@b.c>"))
    assert breaking_footer("Text.\n\nBREAKING-CHANGE: y\n") == "y"
    assert breaking_footer("We avoid breaking changes here.") is None
    assert parse_footers("") == () and parse_footers("Co-authored-by: B <b@c.d>") == (("Co-authored-by", "B <b@c.d>"),)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_footer_parser_never_crashes(text):
    for token, value in parse_footers(text):
        assert token and value
    parse_conventional(text)
    parse_revert(text)


def test_reverts_are_typed_and_say_what_they_undo():
    f = extract(make_commit('[Misc][Ops]Revert "add trion ops log (#10069)" (#10414)',
                           body="This reverts commit 0123456789abcdef.\n"))
    assert f.is_revert and f.reverts == "add trion ops log (#10069)" and f.reverted_sha == "0123456789abcdef"
    f = extract(make_commit("revert: drop the cache layer (#3)"))
    assert f.is_revert and f.reverts == "drop the cache layer"
    f = extract(make_commit('Reapply "x" (#4)', body="This reverts commit 0123456789abcdef.\n"))
    assert not f.is_revert and f.reverted_sha is None  # reapplying is not a revert
    assert parse_revert('Revert "Revert \\"x\\""') is not None


def test_features_carry_the_pr_structure_and_the_authors_mark():
    body = "## Description\n\nAdds a pool.\n\n## Type of Change\n\n- [x] Breaking change\n"
    f = extract(make_commit("[Store] add a pool (#5)", body=body))
    assert f.pr.what == ("Adds a pool.",) and f.pr.marked_breaking and f.breaking_mark
    assert not extract(make_commit("[Store] add a pool (#5)", body="Adds a pool.")).breaking_mark


# ------------------------------------------------------------------------------ paths


@pytest.mark.parametrize("path, category", [
    ("csrc/attention/attn.cu", "kernel"),
    ("sgl-kernel/csrc/moe.cuh", "kernel"),
    ("python/sglang/jit_kernel/norm.py", "kernel"),
    ("vllm/model_executor/models/llama.py", "model"),
    ("python/sglang/srt/models/step3p5.py", "model"),
    ("python/sglang/srt/configs/step3p5.py", "model"),
    ("python/sglang/srt/managers/scheduler.py", "core"),
    ("tests/test_engine.py", "test"),
    ("vllm_ascend/tests/ut/test_x.py", "test"),
    ("pkg/test_utils_test.py", "test"),
    (".github/workflows/ci.yml", "ci"),
    (".buildkite/pipeline.yaml", "ci"),
    ("docs/source/index.md", "docs"),
    ("README.md", "docs"),
    ("requirements/cuda.txt", "deps_config"),
    ("requirements-dev.txt", "deps_config"),
    ("pyproject.toml", "deps_config"),
    ("CMakeLists.txt", "build"),
    ("docker/Dockerfile.npu", "build"),
    ("setup.py", "build"),
    ("benchmarks/bench_serving.py", "benchmark"),
    ("examples/offline_inference.py", "examples"),
    ("assets/logo.png", "other"),
])
def test_default_categories(path, category):
    assert categorize(path) == category


def test_mapping_is_configurable():
    mapping = freeze_mapping({"kernel": ["csrc/**"], "docs": ["manual/**"]})
    assert categorize("csrc/a.cpp", mapping) == "kernel"
    assert categorize("src/a.cu", mapping) == "other"  # *.cu is no longer a kernel pattern
    assert categorize("manual/x.txt", mapping) == "docs"
    assert categorize("README.md", mapping) != "docs"
    assert categorize("src/a.cu", DEFAULT_MAPPING) == "kernel"  # defaults untouched
    assert [c for c, _ in mapping][:3] == ["ci", "docs", "test"]  # order kept


@pytest.mark.parametrize("repo, path, category", [
    # native runtime code is not a kernel: transfer engines, stores, inference engines, routers
    ("kvcache-ai/Mooncake", "mooncake-transfer-engine/src/transport/rdma_transport/rdma_context.cpp", "native"),
    ("kvcache-ai/Mooncake", "mooncake-store/src/master_service.cpp", "native"),
    ("kvcache-ai/Mooncake", "mooncake-store/include/master_service.h", "native"),
    ("kvcache-ai/Mooncake", "mooncake-store/rust/src/lib.rs", "native"),
    ("kvcache-ai/Mooncake", "mooncake-ep/src/mooncake_ep_kernel.cu", "kernel"),
    ("kvcache-ai/Mooncake", "mooncake-pg/src/p2p_kernel.cu", "kernel"),
    ("kvcache-ai/Mooncake", "mooncake-store/tests/client_test.cpp", "test"),
    ("kvcache-ai/Mooncake", "mooncake-transfer-engine/example/transfer_engine_bench.cpp", "examples"),
    ("kvcache-ai/Mooncake", "mooncake-store/src/CMakeLists.txt", "build"),
    ("kvcache-ai/Mooncake", "mooncake-wheel/mooncake/mooncake_config.py", "core"),
    ("InternLM/lmdeploy", "src/turbomind/engine/engine.cc", "native"),
    ("InternLM/lmdeploy", "src/turbomind/models/llama/LlamaBatch.cc", "native"),
    ("InternLM/lmdeploy", "src/turbomind/kernels/attention/decoding.cu", "kernel"),
    ("InternLM/lmdeploy", "src/turbomind/kernels/gemm/tuner/cache_utils.h", "kernel"),
    ("InternLM/lmdeploy", "lmdeploy/pytorch/kernels/cuda/fused_moe.py", "kernel"),
    ("InternLM/lmdeploy", "lmdeploy/pytorch/models/qwen3.py", "model"),
    ("InternLM/lmdeploy", "lmdeploy/pytorch/engine/engine.py", "core"),
    ("vllm-project/vllm-ascend", "csrc/mla_preprocess/op_kernel/mla_preprocess.cpp", "kernel"),
    ("vllm-project/vllm-ascend", "vllm_ascend/ops/triton/fla/chunk.py", "kernel"),
    ("vllm-project/vllm-ascend", "vllm_ascend/worker/model_runner_v1.py", "core"),
    ("vllm-project/vllm-ascend", "vllm_ascend/models/qwen3_next.py", "model"),
    ("flashinfer-ai/flashinfer", "include/flashinfer/attention/prefill.cuh", "kernel"),
    ("flashinfer-ai/flashinfer", "include/flashinfer/utils.h", "kernel"),
    ("flashinfer-ai/flashinfer", "flashinfer/cute_dsl/blockscaled_gemm.py", "kernel"),
    ("flashinfer-ai/flashinfer", "flashinfer/decode.py", "core"),
    ("vllm-project/llm-compressor", "src/llmcompressor/modeling/qwen3_moe.py", "model"),
    ("vllm-project/llm-compressor", "src/llmcompressor/modifiers/awq/base.py", "core"),
    ("sgl-project/sglang", "sgl-kernel/csrc/moe/moe_align_kernel.cu", "kernel"),
    ("sgl-project/sglang", "sgl-model-gateway/src/routers/http/router.rs", "native"),
    ("sgl-project/sglang", "python/sglang/srt/layers/attention/triton_ops/decode_attention.py", "kernel"),
    ("sgl-project/sglang", "python/sglang/srt/models/deepseek_v2.py", "model"),
    ("sgl-project/sglang", "python/sglang/srt/managers/scheduler.py", "core"),
    ("vllm-project/vllm", "csrc/attention/paged_attention_v1.cu", "kernel"),
    ("vllm-project/vllm", "vllm/model_executor/models/llama.py", "model"),
    ("vllm-project/vllm", "vllm/v1/core/sched/scheduler.py", "core"),
    ("ai-dynamo/dynamo", "lib/llm/src/kv_router/scheduler.rs", "native"),
    ("ai-dynamo/dynamo", "lib/runtime/src/pipeline.rs", "native"),
    ("ai-dynamo/dynamo", "lib/kvbm-kernels/cuda/tensor_kernels.cu", "kernel"),
    ("ai-dynamo/dynamo", "components/src/dynamo/vllm/main.py", "core"),
    ("ai-dynamo/dynamo", "deploy/cloud/operator/internal/controller/graph.go", "build"),
    # defaults for any other repository: CUDA is a kernel, plain C++ is native runtime code
    ("someone/engine", "src/kv/store.cpp", "native"),
    ("someone/engine", "src/kv/copy.cu", "kernel"),
    ("someone/engine", "csrc/ops/gemm.cpp", "kernel"),
    ("someone/engine", ".coveragerc", "other"),
])
def test_repository_presets(repo, path, category):
    assert categorize(path, mapping_for(repo)) == category


def test_presets_cover_the_dataset_repositories_and_three_more():
    assert {"vllm-project/vllm-ascend", "flashinfer-ai/flashinfer", "kvcache-ai/Mooncake", "InternLM/lmdeploy",
            "vllm-project/llm-compressor", "sgl-project/sglang", "vllm-project/vllm", "ai-dynamo/dynamo"} <= set(PRESETS)
    assert preset_name("KVCACHE-AI/mooncake") == "kvcache-ai/Mooncake"
    assert preset_name("myfork/lmdeploy.git") == "InternLM/lmdeploy"  # a fork keeps the layout
    assert preset_name("someone/engine") is None and preset_name(None) is None


def test_configuration_overrides_a_preset_category():
    mapping = mapping_for("kvcache-ai/Mooncake", {"native": ["mooncake-store/**"], "docs": ["manual/**"]})
    assert categorize("mooncake-store/src/a.cpp", mapping) == "native"
    assert categorize("mooncake-transfer-engine/src/a.cpp", mapping) == "other"  # no longer native, not a kernel
    assert categorize("manual/x.txt", mapping) == "docs" and categorize("README.md", mapping) != "docs"
    assert categorize("mooncake-ep/src/k.cu", mapping) == "kernel"  # the rest of the preset stays
    assert mapping_for("x/y", {"kernel": []}) == mapping_for("x/y", {"kernel": ()})
    assert all(c != "kernel" for c, _ in mapping_for("x/y", {"kernel": []}))


def test_the_model_mapping_is_frozen_as_trained():
    # sha256 of repr(DEFAULT_MAPPING) at the commit the shipped model was trained on (3775962)
    digest = hashlib.sha256(repr(MODEL_V1_MAPPING).encode()).hexdigest()
    assert digest == "f88800efa183ed80c7d39e26cab7b669615c3859e346f5d9d02f7c16b497b3c2"
    assert {c for c, _ in MODEL_V1_MAPPING} == set(CATEGORIES) - {"other"}
    assert categorize("mooncake-store/src/master.cpp", MODEL_V1_MAPPING) == "kernel"  # as the model learnt it
    assert categorize(".coveragerc", MODEL_V1_MAPPING) == "kernel"  # its unanchored alternation, kept
    assert extract(make_commit("x", [("mooncake-store/src/a.cpp", 1, 1)])).categories[0].category == "kernel"


def test_report_features_use_the_repository_preset():
    c = Commit("kvcache-ai/Mooncake", "a" * 40, "A", "", T0, T0, ("p",), "[Store] fix deadlock", "",
               (FileChange("mooncake-store/src/client.cpp", 30, 4),))
    assert extract(c, mapping_for(c.repo)).categories[0].category == "native"


def test_area():
    assert area("python/sglang/srt/models/x.py", 2) == "python/sglang"
    assert area("setup.py") == "."


def test_diff_size_and_only_flags():
    f = extract(make_commit("x", [("src/a.py", 10, 2), ("src/b.cu", 5, 5), ("img/logo.png", None, None)]))
    assert (f.n_files, f.added, f.deleted, f.n_binary) == (3, 15, 7, 1)
    assert f.lines == 22
    assert {c.category for c in f.categories} == {"core", "kernel", "other"}
    assert f.categories[0].category == "kernel" or f.categories[0].added + f.categories[0].deleted >= 10
    assert not (f.docs_only or f.tests_only or f.ci_only)
    assert extract(make_commit("d", [("docs/a.md", 3, 0), ("README.md", 1, 1)])).docs_only
    assert extract(make_commit("t", [("tests/a.py", 3, 0), ("x/tests/b.py", 1, 1)])).tests_only
    assert extract(make_commit("c", [(".github/workflows/a.yml", 3, 0)])).ci_only
    empty = extract(make_commit("e", []))
    assert not (empty.docs_only or empty.tests_only or empty.ci_only) and empty.n_files == 0
    cat = {c.category: c for c in f.categories}
    assert (cat["core"].files, cat["core"].added, cat["core"].deleted) == (1, 10, 2)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.text(min_size=1, max_size=30).filter(lambda p: "\x00" not in p),
                          st.none() | st.integers(0, 10_000), st.integers(0, 10_000)), max_size=20))
def test_extract_counts_are_sums(files):
    files = [(p, a, None if a is None else d) for p, a, d in files]
    f = extract(make_commit("x", files))
    assert f.n_files == len(files)
    assert f.added == sum(a or 0 for _, a, _ in files)
    assert f.deleted == sum(d or 0 for _, _, d in files)
    assert f.n_binary == sum(a is None for _, a, _ in files)
    assert sum(c.files for c in f.categories) == len(files)
