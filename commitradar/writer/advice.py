"""Risks and suggestions specific to one change, and the generic advice said once per report.

Every per-entry line is derived from a fact of *this* commit and names it: a breaking detection (what to do
about it), environment variables, CLI flags and configuration keys the PR names, numbers the PR reports, the
models whose files changed, the change a revert undoes, the size of the change. A sentence that would fit
any commit ("run your integration tests") is never put on an entry: :func:`generic_keys` says which generic
notes apply, and :func:`general_notes` writes each of them once, at the end of the report, naming the commits
it applies to. An entry with nothing specific gets no risks and no suggestions rather than filler.

Text from commits is untrusted: names are shown as code spans (backticks removed from inside), quotes keep
their own language and are shown in quotation marks; the report escapes every line when it renders it.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from ..i18n import STRINGS, t
from ..records import Breaking, Commit, Features, Verdict

RUNTIME = frozenset({"core", "kernel", "model", "native"})
MAX_NAMES = 3
MAX_QUOTE = 180
MAX_SHAS = 6

# ------------------------------------------------------------------ names in text

# Environment variables: UPPER_SNAKE names with a prefix these projects use, or written as an assignment.
ENV_PREFIXES = ("VLLM_", "SGLANG_", "LMDEPLOY_", "TM_", "FLASHINFER_", "MC_", "MOONCAKE_", "HCCL_", "ASCEND_",
                "ACL_", "CANN_", "NCCL_", "CUDA_", "TORCH_", "PYTORCH_", "HF_", "TRITON_", "DYN_", "DYNAMO_",
                "NVSHMEM_", "UCX_", "OMP_", "TASK_QUEUE_", "HIP_", "ROCM_", "LLMC_", "COMPRESSOR_", "TRTLLM_",
                "NIXL_", "GLOO_", "MASTER_", "TP_", "PD_")
_ENV = re.compile(r"(?<![\w$])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w(])")
_ENV_ASSIGN = re.compile(r"(?:\bexport\s+|\benv(?:ironment)?(?:\s+var(?:iable)?s?)?\s*[:`'\"]?\s*)([A-Z][A-Z0-9_]{3,})\b|"
                         r"\b([A-Z][A-Z0-9]*_[A-Z0-9_]+)=", re.I)
_FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*)(?![\w-])")
_NOT_FLAGS = frozenset({"--help", "--version", "--upgrade", "--force", "--user", "--no-cache-dir", "--no-build-isolation",
                        "--editable", "--index-url", "--extra-index-url", "--pre", "--quiet", "--verbose"})
_CODE_NAME = re.compile(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?:\s*=[^`]*)?`")
CONFIG_WINDOW = 24
_CONFIG_BEFORE = re.compile(r"(?:\b(?:config(?:uration)?|option|setting|flag|param(?:eter)?|argument|key|field|set|"
                            r"enable|disable|default of)\s*(?:named|called|)\s*|参数|配置项?|选项|设置)\s*$", re.I)
_CONFIG_WORDS = re.compile(r"\b(config(?:uration)?s?|options?|settings?|flags?|param(?:eter)?s?|arguments?|args?|"
                           r"defaults?|additional_config|kwargs?)\b|参数|配置|选项|默认", re.I)

# Numbers a PR reports about speed, latency or memory.
_NUMBER = re.compile(r"\d+(?:\.\d+)?\s*(?:%|x\b|×|倍|ms\b|us\b|μs|s\b|tok(?:en)?s?/s|tps\b|qps\b|GB\b|GiB\b|MB\b|MiB\b)",
                     re.I)
_PERF_WORDS = re.compile(r"\b(speed[- ]?ups?|faster|slower|improv\w*|reduc\w*|throughput|latency|ttft|tpot|itl|"
                         r"e2el?|memory|qps|tps|gain|boost|overhead|regress\w*)\b|提升|降低|加速|减少|吞吐|时延|延迟|显存|内存",
                         re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")

# Model files: the stem names the model ("qwen3_next.py" → qwen3_next).
_MODEL_DIR = re.compile(r"(?:^|/)models?/")
_NOT_MODEL = frozenset({"__init__", "utils", "util", "base", "common", "registry", "config", "configs", "layers",
                        "interfaces", "loader", "weight_utils", "module", "modules", "model", "models", "adapter",
                        "adapters", "helpers", "constants", "types"})
_SRC_EXT = (".py", ".cc", ".cpp", ".cu", ".h", ".hpp")

_REVERT_SUBJECT = re.compile(r'^\s*revert\s*:?\s*"(.+)"', re.I)

# Dependency and build declarations (generic advice; the files themselves are listed under impact).
_DEPS_FILE = re.compile(r"(?:^|/)(requirements[^/]*\.(?:txt|in)|pyproject\.toml|setup\.cfg|setup\.py|environment[^/]*\.ya?ml|"
                        r"package\.json|go\.mod|Cargo\.toml|constraints[^/]*\.txt)$")


@dataclass(frozen=True)
class Advice:
    risks: tuple[str, ...] = ()
    suggestions: tuple[str, ...] = ()
    generic: tuple[str, ...] = ()  # keys of the generic notes that apply (gen_<key>), said once per report


def code_name(text: str) -> str:
    """An identifier as a code span (backticks inside removed)."""
    text = re.sub(r"\s+", " ", text.replace("`", "")).strip()
    return f"`{text}`" if text else ""


def looks_like_name(text: str) -> bool:
    return bool(re.fullmatch(r"-{1,2}[\w.-]+|[A-Za-z_][\w.]*[_./][\w./-]*", text.strip()))


def subject_text(text: str) -> str:
    """The thing a breaking change affects: a code span when it is a name, plain text otherwise."""
    text = re.sub(r"\s+", " ", text.replace("`", "")).strip()
    return code_name(text) if looks_like_name(text) else text


def quote(text: str, lang: str, limit: int = MAX_QUOTE) -> str | None:
    """Source text in quotation marks, whole (``None`` when longer than ``limit``); a lone backtick that
    would leave inline Markdown unbalanced is dropped."""
    text = re.sub(r"\s+", " ", text).strip()
    if text.count("`") % 2:
        text = text.replace("`", "")
    if not text or len(text) > limit:
        return None
    return t(lang, "quote", text=text)


def join_names(names: Sequence[str], lang: str) -> str:
    return t(lang, "list_sep").join(names)


def _dedupe(names: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(names))


# ------------------------------------------------------------------ prose of the PR

_FENCE = re.compile(r"^\s*(```|~~~)")
_NOISE_LINE = re.compile(r"^\s*(\||<!--|-->|#{1,6}\s|[-*]\s*\[[ xX]\]|signed-off-by:|co-authored-by:|>\s*\[!)", re.I)


def prose_sentences(commit: Commit, feats: Features) -> list[str]:
    """Sentences a human wrote about the change: the PR description's what/why and user-facing answer when
    it was parsed, else the body without code blocks, tables, headings, checklists and sign-offs."""
    if not feats.pr.empty and (feats.pr.what or feats.pr.user_facing_text):
        parts = list(feats.pr.what) + list(feats.pr.user_facing_text)
    else:
        parts, in_code = [], False
        for line in commit.body.splitlines():
            if _FENCE.match(line):
                in_code = not in_code
                continue
            if in_code or _NOISE_LINE.match(line) or not line.strip():
                parts.append("\n")
                continue
            parts.append(line.strip())
        parts = [p for p in " ".join(parts).split("\n")]
    out = []
    for part in parts:
        out += [s.strip() for s in _SENTENCE_END.split(part.strip()) if s and s.strip()]
    return out


def _title_and_prose(commit: Commit, feats: Features) -> list[str]:
    return [feats.title or commit.subject] + prose_sentences(commit, feats)


def env_names(texts: Iterable[str], diff: str | None = None) -> list[str]:
    found = []
    for text in texts:
        for m in _ENV.finditer(text):
            if m.group(1).startswith(ENV_PREFIXES):
                found.append(m.group(1))
        for m in _ENV_ASSIGN.finditer(text):
            name = m.group(1) or m.group(2)
            if name and name.isupper() and "_" in name:
                found.append(name)
    if diff:
        for m in re.finditer(r"""(?:getenv|environ(?:\.get)?|envs\.)\s*[(\[]?\s*['"]?([A-Z][A-Z0-9_]{3,})""", diff):
            if "_" in m.group(1):
                found.append(m.group(1))
    return _dedupe(found)


def cli_flags(texts: Iterable[str], diff: str | None = None) -> list[str]:
    found = []
    for text in texts:
        if re.search(r"\b(pytest|pip\s+install|python\s+-m\s+pytest)\b", text):
            continue
        found += [m.group(1) for m in _FLAG.finditer(text) if m.group(1) not in _NOT_FLAGS]
    if diff:
        found += re.findall(r"""add_argument\(\s*['"](--[a-z][\w-]*)['"]""", diff)
    return _dedupe(found)


def config_keys(texts: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    """Snake-case names in backticks that the text calls a config key, option, flag or parameter (the word
    right next to the name: "the `enable_foo` option", "config `max_tokens`", "`x=...` in additional_config")."""
    skip = set(exclude)
    found = []
    for text in texts:
        for m in _CODE_NAME.finditer(text):
            before, after = text[max(0, m.start() - CONFIG_WINDOW):m.start()], text[m.end():m.end() + CONFIG_WINDOW]
            if m.group(1) not in skip and (_CONFIG_WORDS.search(after.split(".")[0]) or
                                           _CONFIG_BEFORE.search(before)):
                found.append(m.group(1))
    return _dedupe(found)


def reported_numbers(sentences: Iterable[str], lang: str) -> str | None:
    """The first sentence (or clause) that reports a number about speed, latency or memory, quoted."""
    for s in sentences:
        if not (_NUMBER.search(s) and _PERF_WORDS.search(s)):
            continue
        q = quote(s, lang)
        if q is None:  # too long: the clause that holds the number
            for clause in re.split(r"(?<=[,;，；])\s*", s):
                if _NUMBER.search(clause) and (q := quote(clause.rstrip(",;，；"), lang)):
                    break
        if q:
            return q
    return None


def model_names(commit: Commit) -> list[str]:
    names = []
    for f in commit.files:
        p = PurePosixPath(f.path)
        if _MODEL_DIR.search(f.path) and p.suffix in _SRC_EXT and "test" not in f.path.lower():
            stem = p.stem
            if stem not in _NOT_MODEL and not stem.startswith("_") and re.search(r"[a-z]", stem):
                names.append(stem)
    return _dedupe(names)


def reverted_subject(commit: Commit, feats: Features) -> str | None:
    if not feats.is_revert:
        return None
    if feats.reverts:
        return feats.reverts
    m = _REVERT_SUBJECT.match(commit.subject)
    return m.group(1) if m else None


# ------------------------------------------------------------------ breaking changes


def breaking_what(b: Breaking, lang: str) -> str:
    """What a user must know, in ``lang`` (the ``breaking_<kind>`` strings, filled from the detection)."""
    key = f"breaking_{b.kind}"
    subject = subject_text(b.subject)
    if key in STRINGS[lang]:
        return t(lang, key, subject=subject, version=b.version or "")
    return f"{t(lang, 'breaking_label')}{t(lang, 'colon')}{subject}"


def breaking_action(b: Breaking, lang: str) -> str | None:
    subject = subject_text(b.subject)
    if not subject:
        return None
    if b.kind == "dependency_bump":
        if b.version:
            return t(lang, "adv_dependency_bump", subject=subject, version=b.version.replace("`", "").strip())
        return t(lang, "adv_dependency_bump_nover", subject=subject)
    key = f"adv_{b.kind}"
    return t(lang, key, subject=subject) if key in STRINGS[lang] else None


def breaking_line(b: Breaking, lang: str) -> str:
    """The ⚠️ line of an entry: what changed, with the evidence quoted."""
    what = breaking_what(b, lang)
    q = quote(b.evidence, lang, limit=240)
    if not q:
        return what
    return t(lang, "risk_breaking_found", what=what, evidence_label=t(lang, "evidence"), quote=q)


# ------------------------------------------------------------------ per entry


def _s(n: int) -> str:
    return "" if n == 1 else "s"


def _their(names: Sequence[str]) -> str:
    """English possessive for one name or several (the Chinese strings ignore it)."""
    return "its" if len(names) == 1 else "their"


def generic_keys(commit: Commit, feats: Features, verdict: Verdict) -> tuple[str, ...]:
    """Generic notes that apply to this commit (medium and high only)."""
    if verdict.tier == "low":
        return ()
    cats = feats.category_names
    keys = []
    if "kernel" in cats:
        keys.append("kernel")
    if "native" in cats:
        keys.append("native")
    if "core" in cats and not cats & {"kernel", "native"}:
        keys.append("core")
    if any(_DEPS_FILE.search(f.path) for f in commit.files):
        keys.append("deps")
    if "build" in cats:
        keys.append("build")
    if cats & RUNTIME and "test" not in cats and not feats.pr.tested:
        keys.append("no_tests")
    return tuple(keys)


def advise(commit: Commit, feats: Features, verdict: Verdict, lang: str, diff: str | None = None) -> Advice:
    """Risks and suggestions that name something of this commit; empty when there is nothing specific."""
    if verdict.tier == "low":
        return Advice()
    risks: list[str] = []
    sugg: list[str] = []
    b = feats.breaking
    if b is not None:
        action = breaking_action(b, lang)
        if action:
            sugg.append(action)
    elif feats.breaking_mark:
        risks.append(t(lang, "risk_breaking"))
    revert = reverted_subject(commit, feats)
    if revert and (q := quote(revert, lang)):
        sugg.append(t(lang, "adv_revert", quote=q))
    texts = _title_and_prose(commit, feats)
    env = [n for n in env_names(texts, diff) if not (b and n in b.subject)][:MAX_NAMES]
    if env:
        sugg.append(t(lang, "adv_env", their=_their(env), names=join_names([code_name(n) for n in env], lang)))
    flags = [f for f in cli_flags(texts, diff) if not (b and f in b.subject)][:MAX_NAMES]
    if flags:
        sugg.append(t(lang, "adv_flags", their=_their(flags), names=join_names([code_name(f) for f in flags], lang)))
    keys = [k for k in config_keys(texts, exclude=[f.lstrip("-").replace("-", "_") for f in flags])
            if not (b and k in b.subject) and k.upper() not in env][:MAX_NAMES]
    if keys:
        sugg.append(t(lang, "adv_config", their=_their(keys), names=join_names([code_name(k) for k in keys], lang)))
    models = model_names(commit)[:MAX_NAMES]
    if models and not feats.tests_only:
        sugg.append(t(lang, "adv_models", their=_their(models), names=join_names([code_name(m) for m in models], lang)))
    numbers = reported_numbers(prose_sentences(commit, feats), lang)
    if numbers:
        sugg.append(t(lang, "adv_numbers", quote=numbers))
    if feats.lines > 500:
        risks.append(t(lang, "risk_large", lines=feats.lines, files=feats.n_files))
    if feats.n_binary:
        risks.append(t(lang, "risk_binary", n=feats.n_binary, s=_s(feats.n_binary)))
    return Advice(tuple(dict.fromkeys(risks)), tuple(dict.fromkeys(sugg)), generic_keys(commit, feats, verdict))


# ------------------------------------------------------------------ once per report

GENERIC_ORDER = ("no_tests", "kernel", "native", "core", "deps", "build")


def general_notes(entries: Sequence[tuple[str, str, Sequence[str]]], lang: str, link: bool = True) -> list[str]:
    """Each generic note once, naming the commits it applies to (as Markdown links to their anchors, or
    plain). ``entries``: (short sha, anchor, keys) in report order."""
    out = []
    for key in GENERIC_ORDER:
        hits = [(short, anchor) for short, anchor, keys in entries if key in keys]
        if not hits:
            continue
        shown = join_names([f"[`{short}`](#{anchor})" if link else f"`{short}`" for short, anchor in hits[:MAX_SHAS]],
                           lang)
        if len(hits) > MAX_SHAS:
            shown = t(lang, "more_shas", shas=shown, n=len(hits) - MAX_SHAS, total=len(hits))
        out.append(t(lang, f"gen_{key}", shas=shown))
    return out


__all__ = ["Advice", "advise", "generic_keys", "general_notes", "breaking_what", "breaking_line", "breaking_action",
           "prose_sentences", "env_names", "cli_flags", "config_keys", "reported_numbers", "model_names", "quote",
           "code_name", "subject_text", "RUNTIME"]
