"""Risks and suggestions specific to one change, and the generic advice said once per report.

Every per-entry line is derived from a fact of *this* commit and names it (a breaking detection is said on
the entry's own ⚠️ line, with what to do about it): environment variables, CLI flags and configuration keys the PR names, numbers the PR reports, the
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

from ..features.breaking import default_form, is_requirement_file
from ..features.breaking import what as detector_what
from ..i18n import STRINGS, t
from ..records import Breaking, Commit, Features, Verdict

RUNTIME = frozenset({"core", "kernel", "model", "native"})
MAX_NAMES = 3
MAX_QUOTE = 180
MAX_SHAS = 6

# ------------------------------------------------------------------ names in text

# Environment variables: UPPER_SNAKE names with a prefix these projects use ("VLLM_ASCEND_ENABLE_NZ"), or
# named as one ("export FOO_BAR=1", "environment variable FOO_BAR"); error codes and constants are not.
ENV_PREFIXES = ("VLLM_", "SGLANG_", "LMDEPLOY_", "TM_", "FLASHINFER_", "MC_", "MOONCAKE_", "HCCL_", "ASCEND_",
                "ACL_", "CANN_", "NCCL_", "CUDA_", "TORCH_", "PYTORCH_", "HF_", "TRITON_", "DYN_", "DYNAMO_",
                "NVSHMEM_", "UCX_", "OMP_", "TASK_QUEUE_", "HIP_", "ROCM_", "LLMC_", "TRTLLM_", "NIXL_", "GLOO_",
                "MAX_JOBS")
_ENV = re.compile(r"(?<![\w$])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w(])")
_ENV_NAMED = re.compile(r"(?:\bexport\s+|\benv(?:ironment)?\s+var(?:iable)?s?\s*[:`'\"]?\s*)([A-Z][A-Z0-9]*_[A-Z0-9_]+)")
_NOT_ENV = re.compile(r"ERROR|_ERR_|EXCEPTION|_ATOL$|_RTOL$|_VISIBLE_DEVICES$|_HOME$|^CUDA_\w*SUCCESS")
_FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+|--[a-z]{4,})(?![\w-])")
_NOT_FLAGS = frozenset({"--help", "--version", "--upgrade", "--force", "--user", "--no-cache-dir", "--no-build-isolation",
                        "--editable", "--index-url", "--extra-index-url", "--pre", "--quiet", "--verbose", "--check",
                        "--all-files", "--hook-stage", "--files", "--cached", "--from", "--dry-run", "--refcheck",
                        "--routine", "--backends"})
# A sentence that is a command someone ran (a test plan, a reproduction), not a statement about the change.
_COMMAND = re.compile(r"(?:^|[\s`$>])(?:python3?|bash|sh|pytest|pre-commit|git|pip3?|uv|torchrun|mpirun|docker|make|"
                      r"cmake|ninja|cd|export|srun|bench\w*)\s|\.(?:sh|py)\b|format\.sh|\bbenchmark_\w+|"
                      r"\b(?:vllm|lmdeploy|sglang|trtllm|dynamo)\s+(?:serve|bench|launch|run)\b", re.I)
MAX_FLAGS_IN_A_STATEMENT = 2  # a sentence with more flags than that is a command line
# A sentence that says something changed about the names it holds.
_CHANGE_WORDS = re.compile(r"\b(add(?:s|ed|ing)?|new|introduc\w*|remov\w*|renam\w*|deprecat\w*|drop\w*|replac\w*|"
                           r"default\w*|support\w*|enabl\w*|disabl\w*|now|no longer|instead|require\w*|set|use|"
                           r"control\w*|option|flag)\b|新增|增加|移除|删除|重命名|默认|替换|支持|启用|关闭|需要", re.I)
_CODE_NAME = re.compile(r"`([a-z][a-z0-9]*(?:_[a-z0-9]+)+)(?:\s*=[^`,]*)?`")  # "`a=1, b=2`" is a shape, not a key
CONFIG_WINDOW = 24
_CONFIG_BEFORE = re.compile(r"(?:\b(?:config(?:uration)?|option|setting|additional_config)\s*(?:named|called|key|)\s*|"
                            r"配置项?|选项)\s*$", re.I)
_CONFIG_AFTER = re.compile(r"^\W{0,3}(?:(?:config(?:uration)?|option|setting)s?\b|defaults? to\b|in (?:the )?"
                           r"(?:additional_config|config)\b|配置|选项|默认)", re.I)

# Numbers a PR reports about speed, latency or memory, in a sentence a person wrote (not a log line).
_NUMBER = re.compile(r"(?<![A-Za-z_])\d+(?:\.\d+)?\s*(?:%|x\b|×|倍|ms\b|us\b|μs|s\b|tok(?:en)?s?/s|tps\b|qps\b|GB\b|"
                     r"GiB\b|MB\b|MiB\b)", re.I)
# ... and says that something moved: faster, lower, from X to Y
_PERF_WORDS = re.compile(r"\b(speed[- ]?ups?|faster|slower|improv\w*|reduc\w*|gain\w*|boost\w*|regress\w*|"
                         r"drop(?:s|ped)?|increas\w*|decreas\w*|sav(?:e|es|ed|ing)|lower|higher|cut|from\s+\S+\s+to)\b|"
                         r"提升|降低|加速|减少|增加|下降", re.I)
_NOT_PERF = re.compile(r"\bregression[- ]tests?\b|\b(?:timeouts?|time[- ]?outs?|deadlines?|waits?)\b", re.I)  # not a speed claim
_LOG_LIKE = re.compile(r"\b(INFO|WARNING|ERROR|DEBUG)\b|\[\w+\.py:\d+\]|\bpid=|\bpassed\b|\bfailed\b|\bwarnings? in\b|"
                       r"\btests? in\b|\*\*|\||^\s*[-*+>#]|=\s*\(|\bmax_abs\b", re.I)
_LABEL = re.compile(r"^(?:motivation|summary|description|purpose|results?|performance|benchmarks?|modifications|"
                    r"background|why|what)\s*[:：]\s*", re.I)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|(?<=[。！？])")

# Model files: the stem names the model ("qwen3_next.py" → qwen3_next) when it looks like a model family: a
# known family word, or a name with a version number in it.
_MODEL_DIR = re.compile(r"(?:^|/)models?/")
MODEL_FAMILIES = frozenset({
    "llama", "qwen", "qwen2", "qwen3", "deepseek", "glm", "chatglm", "minimax", "mistral", "mixtral", "gemma", "phi",
    "internlm", "internvl", "intern", "baichuan", "cogvlm", "llava", "kimi", "step", "ernie", "hunyuan", "gpt",
    "bert", "whisper", "falcon", "mamba", "jamba", "granite", "olmo", "exaone", "minicpm", "yi", "telechat",
    "pangu", "bailing", "dots", "mimo", "nemotron", "starcoder", "codegeex", "molmo", "pixtral", "idefics", "paligemma",
    "qwen2_vl", "deepseek_vl2", "opt", "bloom", "mpt", "commandr", "cohere", "dbrx", "arctic", "persimmon", "xverse",
    "seed", "longcat", "ling", "glm4", "kimi_vl", "llama4", "gpt_oss", "hunyuan_v1", "openpangu",
})
_NOT_MODEL_PREFIX = ("patch", "test", "utils", "base", "common", "registry", "config", "layer", "module", "weight",
                     "loader", "adapter", "helper", "constant", "type", "interface", "cudagraph", "compressor",
                     "indexer", "linear", "attention", "mtp", "dspark", "rotary", "quant")
_SRC_EXT = (".py", ".cc", ".cpp", ".cu", ".h", ".hpp")

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
    text = re.sub(r"(?<![.。])[.。]$", "", text)  # the sentence around the quote has its own full stop
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


def _statements(texts: Iterable[str]) -> list[str]:
    """Sentences that state something (commands someone ran are left out)."""
    return [t for t in texts if not _COMMAND.search(t) and len(_FLAG.findall(t)) <= MAX_FLAGS_IN_A_STATEMENT]


def env_names(texts: Iterable[str], diff: str | None = None) -> list[str]:
    found = []
    for text in _statements(texts):
        for m in _ENV.finditer(text):
            if m.group(1).startswith(ENV_PREFIXES) and _CHANGE_WORDS.search(text):
                found.append(m.group(1))
        found += [m.group(1) for m in _ENV_NAMED.finditer(text)]
    if diff:
        for m in re.finditer(r"""(?:getenv|environ(?:\.get)?|envs\.)\s*[(\[]?\s*['"]?([A-Z][A-Z0-9_]{3,})""", diff):
            if "_" in m.group(1):
                found.append(m.group(1))
    return _dedupe(n for n in found if not _NOT_ENV.search(n))


def cli_flags(texts: Iterable[str], diff: str | None = None) -> list[str]:
    """Command-line flags the change is said to add, remove, rename or re-default (not flags of commands
    someone ran to test it)."""
    found = []
    for text in _statements(texts):
        if _CHANGE_WORDS.search(text):
            found += [m.group(1) for m in _FLAG.finditer(text) if m.group(1) not in _NOT_FLAGS]
    if diff:
        found += re.findall(r"""add_argument\(\s*['"](--[a-z][\w-]*)['"]""", diff)
    return _dedupe(found)


def config_keys(texts: Iterable[str], exclude: Iterable[str] = ()) -> list[str]:
    """Snake-case names in backticks that the text calls a config key, option or setting (the word right next
    to the name: "the `enable_foo` option", "config `max_tokens`", "`x` defaults to", "`x` in additional_config")."""
    skip = set(exclude)
    found = []
    for text in _statements(texts):
        for m in _CODE_NAME.finditer(text):
            before, after = text[max(0, m.start() - CONFIG_WINDOW):m.start()], text[m.end():m.end() + CONFIG_WINDOW]
            if m.group(1) not in skip and (_CONFIG_AFTER.search(after) or _CONFIG_BEFORE.search(before)):
                found.append(m.group(1))
    return _dedupe(found)


def _balanced(text: str) -> bool:
    return (text.count("(") == text.count(")") and text.count("[") == text.count("]")
            and text.count("`") % 2 == 0 and text.count('"') % 2 == 0)


def _human_sentence(text: str) -> str | None:
    """A sentence a person wrote, without a template label in front; None for log lines, table rows, list
    fragments and pieces cut out of a longer sentence."""
    text = _LABEL.sub("", text.strip())
    if not text or _LOG_LIKE.search(text) or not _balanced(text):
        return None
    first = text[0]
    if not (first.isupper() or first.isdigit() or "\u4e00" <= first <= "\u9fff" or first == "`"):
        return None
    return text


def reported_numbers(sentences: Iterable[str], lang: str) -> str | None:
    """The first sentence a person wrote that reports a number about speed, latency or memory, quoted (or
    the clause of it that holds the number, when the sentence is long)."""
    for raw in sentences:
        s = _human_sentence(raw)
        if s is None or not (_NUMBER.search(s) and _PERF_WORDS.search(_NOT_PERF.sub(" ", s))):
            continue
        q = quote(s, lang)
        if q is None:  # too long: the clause that holds the number
            for clause in re.split(r"(?<=[,;，；])\s*", s):
                clause = clause.rstrip(",;，；")
                if _NUMBER.search(clause) and _human_sentence(clause) and (q := quote(clause, lang)):
                    break
        if q:
            return q
    return None


def _is_model_name(stem: str) -> bool:
    low = stem.lower()
    if low.startswith(_NOT_MODEL_PREFIX) or not re.search(r"[a-z]", low):
        return False
    first = re.split(r"[_\-]", low)[0]
    return first in MODEL_FAMILIES or low in MODEL_FAMILIES or bool(re.search(r"[a-z]\d", low))


def model_names(commit: Commit) -> list[str]:
    """Model implementations whose files changed: ``models/qwen3_next.py`` → ``qwen3_next``."""
    names = []
    for f in commit.files:
        p = PurePosixPath(f.path)
        if _MODEL_DIR.search(f.path) and p.suffix in _SRC_EXT and "test" not in f.path.lower():
            if _is_model_name(p.stem):
                names.append(p.stem)
    return _dedupe(names)


# ------------------------------------------------------------------ breaking changes


MAX_SUBJECT = 60


def short_subject(text: str, limit: int = MAX_SUBJECT) -> str:
    """The affected thing, whole when short, else cut at a word boundary with a visible "…"."""
    text = re.sub(r"\s+", " ", text.replace("`", "")).strip().strip("'\"")
    for q in "'\"":  # a quote the detector's cut left open
        if text.count(q) % 2:
            text = text.replace(q, "")
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(" ,;:")
    return (cut or text[:limit]) + " …"


DEPENDENCY_KINDS = ("dependency_bump", "dropped_support")


def breaking_brief(b: Breaking, lang: str) -> str:
    """A few words for the headline: "Removes `--foo`", "Requires CANN 9.0.1" (package and platform names are
    names, not code: they are never code spans, as on the entry's ⚠️ line)."""
    subject = short_subject(b.subject)
    subject = code_name(subject) if looks_like_name(subject) and b.kind not in DEPENDENCY_KINDS else subject
    version = (b.version or "").replace("`", "").strip()
    if b.kind == "dependency_bump" and version and version in subject:
        version = ""
    key = "what_marked" if b.source == "mark" else f"what_{b.kind}"
    if b.kind == "dependency_bump" and not version and is_requirement_file(subject):
        key = "what_dependency_file"
    elif b.source != "mark" and default_form(b):
        key = f"what_default_{default_form(b)}"
    if key in STRINGS[lang]:
        return re.sub(r"\s+", " ", t(lang, key, subject=subject, version=version)).strip()
    return f"{t(lang, 'breaking_label')}{t(lang, 'colon')}{subject}"


def breaking_what(b: Breaking, lang: str) -> str:
    """What the user must know or do, in ``lang`` (the detector's own phrasing, :func:`features.breaking.what`)."""
    return detector_what(b, lang)


def breaking_line(b: Breaking, lang: str, title: str | None = None) -> str:
    """The ⚠️ line of an entry: what to know or do, then the evidence quoted (unless the evidence is the
    commit's own title, which the entry already shows)."""
    what = breaking_what(b, lang)
    q = quote(b.evidence, lang, limit=240)
    if not q or (title and _bare(b.evidence) == _bare(title)):
        return what
    return t(lang, "risk_breaking_found", what=what, evidence_label=t(lang, "evidence"), quote=q)


def _bare(text: str) -> str:
    """A subject's words without its tags, conventional prefix and PR number, for comparing."""
    text = re.sub(r"^\s*(?:\[[^\]]*\]\s*)*(?:[a-z]+(?:\([^)]*\))?!?:\s*)?", "", text.strip(), flags=re.I)
    text = re.sub(r"\s*\(#\d+\)\s*$", "", text)
    return " ".join(re.sub(r"[\W_]+", " ", text.lower()).split())


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
    if cats & RUNTIME and "test" not in cats and not feats.pr.tested and not feats.is_revert:
        keys.append("no_tests")
    if feats.is_revert:  # the summary says what it undoes; what that means for a user is the same for all
        keys.append("revert")
    return tuple(keys)


def advise(commit: Commit, feats: Features, verdict: Verdict, lang: str, diff: str | None = None) -> Advice:
    """Risks and suggestions that name something of this commit; empty when there is nothing specific."""
    if verdict.tier == "low":
        return Advice()
    risks: list[str] = []
    sugg: list[str] = []
    b = feats.breaking  # what to do about it is said on the entry's ⚠️ line (breaking_line), not again here
    if b is None and feats.breaking_mark:
        risks.append(t(lang, "risk_breaking"))
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

GENERIC_ORDER = ("revert", "no_tests", "kernel", "native", "core", "deps", "build")


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


__all__ = ["Advice", "advise", "generic_keys", "general_notes", "breaking_what", "breaking_line", "breaking_brief",
           "prose_sentences", "env_names", "cli_flags", "config_keys", "reported_numbers", "model_names", "quote",
           "code_name", "subject_text", "RUNTIME"]
