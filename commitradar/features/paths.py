"""Path categories: which part of a repository a file belongs to.

A mapping is data: an ordered tuple of (category, glob patterns), first match wins; a category may appear
more than once (a repository preset's specific folders before the generic rules). Patterns follow
gitignore habits: a pattern without ``/`` matches the file name anywhere; ``**`` spans directories.

- ``kernel``: device code — CUDA/HIP sources, Triton and CuTe-DSL kernels, Ascend C and custom-op sources.
- ``native``: native runtime code that is not a kernel — transfer engines, stores, inference engines and
  routers written in C++/Rust/Go (Mooncake's transfer engine and store, lmdeploy's TurboMind, dynamo's
  Rust runtime, sglang's router).

``mapping_for(repo, overrides)`` picks a preset by repository (``owner/name``, else the name alone) for the
five dataset repositories and for sglang, vLLM and dynamo, then applies ``[categories]`` of the
configuration (each named category's patterns replaced). ``MODEL_V1_MAPPING`` is the mapping the shipped
model was trained with, frozen: models featurise with the mapping they record, never with a report's.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

CategoryMapping = tuple[tuple[str, tuple[str, ...]], ...]

#: The categories of the model's feature columns (classifier/vector.py): fixed, never reordered.
CATEGORIES = (
    "ci", "docs", "test", "benchmark", "examples", "build", "deps_config", "kernel", "model", "core", "other",
)
#: Every category a report can show, in default matching order.
ALL_CATEGORIES = (
    "ci", "docs", "test", "benchmark", "examples", "build", "deps_config", "kernel", "native", "model", "core",
    "other",
)
#: Categories of code that runs in production (a preset's folders for these go before the generic rules).
SOURCE_CATEGORIES = ("kernel", "native", "model", "core")

_CI = (
    ".github/**", ".gitlab-ci.yml", ".gitlab/**", ".buildkite/**", ".circleci/**", ".jenkins/**",
    "Jenkinsfile", "ci/**", "scripts/ci/**", "**/ci/**", ".pre-commit-config.yaml", "codecov.yml",
    ".clang-format", ".flake8", ".pylintrc", "ruff.toml", ".yapfignore", ".isort.cfg", "format.sh",
)
_DOCS = (
    "docs/**", "doc/**", "**/docs/**", "*.md", "*.rst", "*.adoc", "README*", "CHANGELOG*", "LICENSE*",
    "NOTICE*", "CONTRIBUTING*", "AUTHORS*", "mkdocs.yml", ".readthedocs.yaml", "*.ipynb",
)
_TEST = (
    "tests/**", "test/**", "**/tests/**", "**/test/**", "testing/**", "test_*.py", "*_test.py",
    "*_test.cc", "*_test.cpp", "*_test.cu", "conftest.py", "pytest.ini", "tox.ini",
)
_BENCHMARK = ("benchmarks/**", "benchmark/**", "**/benchmarks/**", "**/benchmark/**", "bench_*.py")
_EXAMPLES = ("examples/**", "example/**", "**/examples/**")
_BUILD = (
    "CMakeLists.txt", "*.cmake", "Makefile", "*.mk", "Dockerfile*", "*.dockerfile", "docker/**",
    "**/docker/**", "setup.py", "MANIFEST.in", "build.sh", "*.bzl", "BUILD", "BUILD.bazel", "WORKSPACE",
    ".dockerignore", "3rdparty/**", "third_party/**", "cmake/**", "packaging/**",
)
_DEPS_CONFIG = (
    "requirements*.txt", "**/requirements/**", "requirements/**", "pyproject.toml", "setup.cfg",
    "*.lock", "Pipfile*", "environment*.yml", "package.json", "package-lock.json", "go.mod", "go.sum",
    "Cargo.toml", "version.txt", "VERSION", ".gitmodules", ".gitignore", "*.yaml", "*.yml", "*.json",
    "*.toml", "*.ini", "*.cfg", "*.conf", ".env*",
)
_MODEL = (
    "**/models/**", "models/**", "**/model_executor/**", "**/model_loader/**", "**/modeling_*.py",
    "**/configs/**",
)
_CORE = (
    "*.py", "*.pyx", "*.pyi", "*.rs", "*.go", "*.java", "*.js", "*.ts", "*.tsx", "*.scala", "*.swift",
    "*.sh", "*.proto", "*.jinja", "*.j2",
)

#: The patterns the shipped model was trained with (kernel = every C/C++/CUDA file). Frozen: do not edit.
MODEL_V1_PATTERNS: dict[str, tuple[str, ...]] = {
    "ci": _CI, "docs": _DOCS, "test": _TEST, "benchmark": _BENCHMARK, "examples": _EXAMPLES, "build": _BUILD,
    "deps_config": _DEPS_CONFIG,
    "kernel": (
        "*.cu", "*.cuh", "*.cpp", "*.cc", "*.cxx", "*.c", "*.h", "*.hpp", "*.hip", "*.ptx", "*.cl", "*.metal",
        "csrc/**", "kernels/**", "**/kernels/**", "**/csrc/**", "**/ops/**", "sgl-kernel/**", "**/jit_kernel/**",
        "**/triton_kernels/**", "**/*_kernel.py", "**/*_kernels.py",
    ),
    "model": _MODEL, "core": _CORE,
}

DEFAULT_CATEGORY_PATTERNS: dict[str, tuple[str, ...]] = {
    "ci": _CI, "docs": _DOCS, "test": _TEST, "benchmark": _BENCHMARK, "examples": _EXAMPLES, "build": _BUILD,
    "deps_config": _DEPS_CONFIG,
    "kernel": (
        "*.cu", "*.cuh", "*.hip", "*.ptx", "*.cl", "*.metal", "*.asc",
        "csrc/**", "kernels/**", "**/kernels/**", "**/csrc/**", "**/ops/**", "sgl-kernel/**", "**/jit_kernel/**",
        "**/triton_kernels/**", "**/triton_ops/**", "**/triton/**", "**/cute_dsl/**", "**/op_kernel/**",
        "**/op_host/**", "**/*_kernel.py", "**/*_kernels.py", "**/*_kernel.cpp", "**/*_kernel.h",
    ),
    "native": ("*.cpp", "*.cc", "*.cxx", "*.c", "*.h", "*.hpp", "*.hh", "*.hxx", "*.inl", "*.ipp"),
    "model": _MODEL, "core": _CORE,
}

#: Repository presets: extra (category, patterns) in order. Folders of source categories are matched after
#: the non-source categories (tests, docs, CI, build, … inside them keep their category) and before the
#: generic rules; patterns for other categories are tried before that category's defaults.
PRESETS: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {
    "vllm-project/vllm-ascend": (
        ("kernel", ("csrc/**", "vllm_ascend/ops/**", "vllm_ascend/**/triton/**", "vllm_ascend/**/*_kernel.py")),
        ("model", ("vllm_ascend/models/**", "vllm_ascend/torchair/models/**", "vllm_ascend/model_loader/**")),
    ),
    "flashinfer-ai/flashinfer": (
        ("kernel", ("include/**", "csrc/**", "tvm_binding/**", "flashinfer/triton/**", "flashinfer/cute_dsl/**",
                    "flashinfer/**/*_kernels/**", "flashinfer/**/kernels/**")),
    ),
    "kvcache-ai/Mooncake": (
        ("kernel", ("mooncake-ep/**", "mooncake-pg/**/*.cu", "mooncake-pg/**/*.cuh")),
        ("native", ("mooncake-transfer-engine/**", "mooncake-store/**", "mooncake-common/**",
                    "mooncake-integration/**", "mooncake-p2p-store/**", "mooncake-pg/**", "mooncake-rl/**")),
        ("examples", ("**/example/**",)),
    ),
    "InternLM/lmdeploy": (
        ("kernel", ("src/turbomind/kernels/**", "src/turbomind/**/*.cu", "src/turbomind/**/*.cuh",
                    "lmdeploy/pytorch/kernels/**", "lmdeploy/pytorch/backends/**/kernels/**")),
        ("native", ("src/turbomind/**",)),
        ("model", ("lmdeploy/pytorch/models/**", "lmdeploy/vl/model/**", "lmdeploy/turbomind/deploy/**")),
    ),
    "vllm-project/llm-compressor": (
        ("model", ("src/llmcompressor/modeling/**",)),
    ),
    "sgl-project/sglang": (
        ("kernel", ("sgl-kernel/**", "python/sglang/jit_kernel/**", "python/sglang/srt/layers/**/triton_ops/**",
                    "python/sglang/srt/layers/**/*_kernel*.py")),
        ("native", ("sgl-router/**", "sgl-model-gateway/**", "rust/**")),
        ("model", ("python/sglang/srt/models/**", "python/sglang/srt/configs/**", "python/sglang/srt/model_loader/**")),
    ),
    "vllm-project/vllm": (
        ("kernel", ("csrc/**", "vllm/**/ops/**", "vllm/model_executor/layers/fused_moe/fused_*.py",
                    "vllm/**/*_kernel*.py")),
        ("model", ("vllm/model_executor/models/**", "vllm/model_executor/model_loader/**",
                   "vllm/transformers_utils/configs/**")),
    ),
    "ai-dynamo/dynamo": (
        ("kernel", ("lib/kvbm-kernels/**", "lib/**/*.cu", "lib/**/*.cuh")),
        ("native", ("lib/**", "launch/**", "components/metrics/**")),
        ("build", ("deploy/**", "container/**")),
    ),
}
_PRESET_KEYS = {k.lower(): k for k in PRESETS}
_PRESET_NAMES = {k.split("/", 1)[1].lower(): k for k in PRESETS}


def _glob_to_regex(pattern: str) -> str:
    anchored = "/" in pattern.rstrip("/")
    out = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif ch == "*":
            out.append("[^/]*")
            i += 1
        elif ch == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(ch))
            i += 1
    body = "".join(out)
    return body if anchored else "(?:.*/)?" + body


@lru_cache(maxsize=64)
def compile_patterns(mapping: CategoryMapping) -> tuple[tuple[str, re.Pattern], ...]:
    """One anchored regex per entry. ``MODEL_V1_MAPPING`` keeps the form it was trained with, where only the
    last pattern of an entry was anchored at the end (``*.c`` also matched ``.coveragerc``): a model must
    see exactly the categories it learnt from."""
    legacy = mapping == MODEL_V1_MAPPING
    out = []
    for cat, pats in mapping:
        if not pats:
            continue
        alternatives = "|".join(f"(?:{_glob_to_regex(p)})" for p in pats)
        out.append((cat, re.compile(alternatives + r"\Z" if legacy else f"(?:{alternatives})\\Z")))
    return tuple(out)


def _ordered(patterns: Mapping[str, tuple[str, ...]], order: tuple[str, ...]) -> CategoryMapping:
    cats = [c for c in order if c in patterns] + [c for c in patterns if c not in order]
    return tuple((c, tuple(patterns[c])) for c in cats)


def freeze_mapping(mapping: Mapping[str, tuple[str, ...] | list[str]] | None = None) -> CategoryMapping:
    """Defaults overridden per category by ``mapping``; categories keep the default order, new ones last."""
    merged = dict(DEFAULT_CATEGORY_PATTERNS)
    for cat, pats in (mapping or {}).items():
        merged[cat] = tuple(pats)
    return _ordered(merged, ALL_CATEGORIES)


DEFAULT_MAPPING: CategoryMapping = freeze_mapping()
MODEL_V1_MAPPING: CategoryMapping = _ordered(MODEL_V1_PATTERNS, CATEGORIES)


def preset_name(repo: str | None) -> str | None:
    """The preset for a repository: ``owner/name`` (any case), else its name alone (a fork keeps the layout)."""
    if not repo:
        return None
    key = repo.strip().strip("/").lower()
    if key.endswith(".git"):
        key = key[:-4]
    if key in _PRESET_KEYS:
        return _PRESET_KEYS[key]
    return _PRESET_NAMES.get(key.rsplit("/", 1)[-1])


def mapping_for(repo: str | None, overrides: Mapping[str, tuple[str, ...] | list[str]] | None = None) -> CategoryMapping:
    """The path mapping for a repository's report: its preset (if any) on top of the defaults, then
    ``overrides`` (``[categories]`` of the configuration), each replacing every pattern of its category."""
    preset = PRESETS.get(preset_name(repo) or "", ())
    overrides = {c: tuple(p) for c, p in (overrides or {}).items()}
    before: dict[str, list[str]] = {}
    specific: list[tuple[str, tuple[str, ...]]] = []
    for cat, pats in preset:
        if cat in SOURCE_CATEGORIES:
            specific.append((cat, pats))
        else:
            before.setdefault(cat, []).extend(pats)
    out: list[tuple[str, tuple[str, ...]]] = []
    placed: set[str] = set()
    source_placed = False
    for cat in ALL_CATEGORIES:
        if cat in SOURCE_CATEGORIES and not source_placed:
            source_placed = True
            for scat, pats in specific:
                if scat in overrides:
                    if scat not in placed:
                        out.append((scat, overrides[scat]))
                        placed.add(scat)
                else:
                    out.append((scat, pats))
        if cat == "other" or cat not in DEFAULT_CATEGORY_PATTERNS:
            continue
        if cat in overrides:
            if cat not in placed:
                out.append((cat, overrides[cat]))
                placed.add(cat)
            continue
        out.append((cat, tuple(before.get(cat, ())) + DEFAULT_CATEGORY_PATTERNS[cat]))
    out.extend((c, p) for c, p in overrides.items() if c not in placed and c not in ALL_CATEGORIES)
    return tuple((c, p) for c, p in out if p)


def categorize(path: str, mapping: CategoryMapping = DEFAULT_MAPPING) -> str:
    for cat, rx in compile_patterns(mapping):
        if rx.match(path):
            return cat
    return "other"


def area(path: str, depth: int = 2) -> str:
    """Directory of a file cut to ``depth`` components (``python/sglang``); ``.`` for top-level files."""
    parts = path.split("/")[:-1]
    return "/".join(parts[:depth]) if parts else "."


__all__ = [
    "CATEGORIES", "ALL_CATEGORIES", "SOURCE_CATEGORIES", "CategoryMapping", "DEFAULT_MAPPING", "MODEL_V1_MAPPING",
    "MODEL_V1_PATTERNS", "DEFAULT_CATEGORY_PATTERNS", "PRESETS", "freeze_mapping", "mapping_for", "preset_name",
    "categorize", "area", "compile_patterns",
]
