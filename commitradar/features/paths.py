"""Path categories: which part of a repository a file belongs to.

The mapping is data: an ordered list of (category, glob patterns), first match wins. Patterns follow
gitignore habits: a pattern without ``/`` matches the file name anywhere; ``**`` spans directories.
The defaults suit Python/C++/CUDA repositories; ``commitradar.toml`` may replace any category's list.
"""
from __future__ import annotations

import re
from functools import lru_cache

CATEGORIES = (
    "ci", "docs", "test", "benchmark", "examples", "build", "deps_config", "kernel", "model", "core", "other",
)

DEFAULT_CATEGORY_PATTERNS: dict[str, tuple[str, ...]] = {
    "ci": (
        ".github/**", ".gitlab-ci.yml", ".gitlab/**", ".buildkite/**", ".circleci/**", ".jenkins/**",
        "Jenkinsfile", "ci/**", "scripts/ci/**", "**/ci/**", ".pre-commit-config.yaml", "codecov.yml",
        ".clang-format", ".flake8", ".pylintrc", "ruff.toml", ".yapfignore", ".isort.cfg", "format.sh",
    ),
    "docs": (
        "docs/**", "doc/**", "**/docs/**", "*.md", "*.rst", "*.adoc", "README*", "CHANGELOG*", "LICENSE*",
        "NOTICE*", "CONTRIBUTING*", "AUTHORS*", "mkdocs.yml", ".readthedocs.yaml", "*.ipynb",
    ),
    "test": (
        "tests/**", "test/**", "**/tests/**", "**/test/**", "testing/**", "test_*.py", "*_test.py",
        "*_test.cc", "*_test.cpp", "*_test.cu", "conftest.py", "pytest.ini", "tox.ini",
    ),
    "benchmark": ("benchmarks/**", "benchmark/**", "**/benchmarks/**", "**/benchmark/**", "bench_*.py"),
    "examples": ("examples/**", "example/**", "**/examples/**"),
    "build": (
        "CMakeLists.txt", "*.cmake", "Makefile", "*.mk", "Dockerfile*", "*.dockerfile", "docker/**",
        "**/docker/**", "setup.py", "MANIFEST.in", "build.sh", "*.bzl", "BUILD", "BUILD.bazel", "WORKSPACE",
        ".dockerignore", "3rdparty/**", "third_party/**", "cmake/**", "packaging/**",
    ),
    "deps_config": (
        "requirements*.txt", "**/requirements/**", "requirements/**", "pyproject.toml", "setup.cfg",
        "*.lock", "Pipfile*", "environment*.yml", "package.json", "package-lock.json", "go.mod", "go.sum",
        "Cargo.toml", "version.txt", "VERSION", ".gitmodules", ".gitignore", "*.yaml", "*.yml", "*.json",
        "*.toml", "*.ini", "*.cfg", "*.conf", ".env*",
    ),
    "kernel": (
        "*.cu", "*.cuh", "*.cpp", "*.cc", "*.cxx", "*.c", "*.h", "*.hpp", "*.hip", "*.ptx", "*.cl", "*.metal",
        "csrc/**", "kernels/**", "**/kernels/**", "**/csrc/**", "**/ops/**", "sgl-kernel/**", "**/jit_kernel/**",
        "**/triton_kernels/**", "**/*_kernel.py", "**/*_kernels.py",
    ),
    "model": (
        "**/models/**", "models/**", "**/model_executor/**", "**/model_loader/**", "**/modeling_*.py",
        "**/configs/**",
    ),
    "core": (
        "*.py", "*.pyx", "*.pyi", "*.rs", "*.go", "*.java", "*.js", "*.ts", "*.tsx", "*.scala", "*.swift",
        "*.sh", "*.proto", "*.jinja", "*.j2",
    ),
}


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


@lru_cache(maxsize=32)
def compile_patterns(mapping: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[tuple[str, re.Pattern], ...]:
    return tuple((cat, re.compile("|".join(f"(?:{_glob_to_regex(p)})" for p in pats) + r"\Z")) for cat, pats in mapping if pats)


def freeze_mapping(mapping: dict[str, tuple[str, ...] | list[str]] | None = None) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Defaults overridden per category by ``mapping``; categories keep the default order."""
    merged = dict(DEFAULT_CATEGORY_PATTERNS)
    for cat, pats in (mapping or {}).items():
        merged[cat] = tuple(pats)
    order = [c for c in CATEGORIES if c in merged] + [c for c in merged if c not in CATEGORIES]
    return tuple((c, tuple(merged[c])) for c in order)


DEFAULT_MAPPING = freeze_mapping()


def categorize(path: str, mapping: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_MAPPING) -> str:
    for cat, rx in compile_patterns(mapping):
        if rx.match(path):
            return cat
    return "other"


def area(path: str, depth: int = 2) -> str:
    """Directory of a file cut to ``depth`` components (``python/sglang``); ``.`` for top-level files."""
    parts = path.split("/")[:-1]
    return "/".join(parts[:depth]) if parts else "."
