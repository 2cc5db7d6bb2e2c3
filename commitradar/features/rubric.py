"""Rubric cues as regexes over the subject, the PR body and the paths (see importance-rubric.md).

Data, not logic: each entry is (name, pattern). ``rubric_features`` returns them in this order; the
trained model's card records the names, so changing this table means bumping ``VECTOR_VERSION``.
"""
from __future__ import annotations

import math
import re

from ..records import Commit

MODEL_NAMES = (r"(qwen[\w.\-]*|deepseek[\w.\-]*|llama[\w.\-]*|glm[\w.\-]*|kimi[\w.\-]*|minimax[\w.\-]*|gpt-oss|"
               r"mixtral|mistral[\w.\-]*|internvl[\w.\-]*|intern-?s\d[\w.\-]*|gemma[\w.\-]*|phi[\w.\-]*|whisper|"
               r"ds ?v\d[\w.]*|dsv\d|[\w.\-]+-vl)")

SUBJECT_CUES = {
    "support": r"^(\[[^\]]*\]\s*)*(add\w*\s+)?(support|supports|supporting|enable|introduce)\b|\bsupport\s+(for\s+)?[\w\-. ]{2,40}$",
    "new_model": r"\b(support|add|enable)\w*\b.{0,40}\b" + MODEL_NAMES + r"|" + MODEL_NAMES + r"\b.{0,30}\bsupport",
    "model_name": r"\b" + MODEL_NAMES,
    "default": r"\bdefault\b",
    "remove_api": r"\b(remove[sd]?|drop(s|ped)?|deprecat\w*|rename[sd]?|delete[sd]?)\b",
    "stability": r"\b(hang|hangs|hung|deadlock\w*|crash\w*|segfault|oom|out of memory|leak\w*|race|nan|accuracy|"
                 r"precision|wrong|incorrect|illegal|corrupt\w*|regression)\b",
    "dep_core": r"\b(upgrade|bump|update|switch|migrate|pin)\w*\b.{0,40}\b(torch|pytorch|cuda|cann|transformers|vllm|"
                r"triton|python|cutlass|torch_npu|accelerate)\b",
    "core_words": r"\b(scheduler|scheduling|kv ?cache|attention|attn|sampler|sampling|top-?k|top-?p|moe|engine|backend|"
                  r"disaggregat\w*|speculative|spec decode|eagle|mtp|graph mode|aclgraph|cuda ?graph|torchair|"
                  r"prefix cach\w*|chunked prefill|model.?runner|offload\w*|parallel|dp|ep|tp|pp|cp|api.?server|"
                  r"endpoint|cli|observer\w*|autotuner)\b",
    "perf": r"\b(speed\s?up|faster|throughput|latency|\d+(\.\d+)?x|performance|optimi[sz]\w*|perf)\b",
    "refactor": r"\brefactor\w*\b",
    "nth_part": r"\[?\d+/n\]?|\bpart \d",
    "platform": r"\b(310p|a2|a3|a5|npu|amd|rocm|xpu|hip|sm\d+\w*|blackwell|hopper|gb200|b200|h100|h20|mi\d{3}|cpu|"
                r"ascend|intel|trtllm|cute ?dsl)\b",
    "low_words": r"\b(docs?|readme|typo\w*|tests?|testing|ut|e2e|ci|lint\w*|format\w*|comments?|nightly|workflow|"
                 r"benchmark\w*|example\w*|log\w*|warning\w*|cleanup|clean up|misc|nit\w*|tutorial|dockerfile|image)\b",
    "fix": r"\b(fix\w*|bug\w*)\b",
    "feature": r"\b(feat\w*|add|adds|added|new|introduce\w*|implement\w*)\b",
    "release": r"\b(release|bump version|v\d+\.\d+\.\d+(rc\d+)?)\b",
    "revert": r"^revert\b",
    "quant": r"\b(w8a8|w4a8|w4a16|fp8|fp4|nvfp4|mxfp\d|int8|int4|awq|gptq|quant\w*)\b",
}
BODY_CUES = {
    "by_default": r"\bby default\b|\bdefault (value|behavior|behaviour)\b|\bchange[sd]? the default\b",
    "breaking": r"\bbreaking\b|\bbackward.?incompatib\w*|\bdeprecat\w*",
    "user_facing_yes": r"user-facing change\??\s*[\r\n]+\s*(-\s*)?(yes|yes[,.])",
    "user_facing_no": r"user-facing change\??\s*[\r\n]+\s*(-\s*)?(no|none|n/a)\b",
    "stability": r"\b(hang|hangs|deadlock|crash\w*|segfault|out of memory|memory leak|race condition|accuracy|"
                 r"wrong (result|output)\w*|incorrect (result|output)\w*)\b",
    "speedup": r"\b\d+(\.\d+)?\s?(x|%)\s*(speed ?up|faster|improvement|throughput|better)|"
               r"\b(speed ?up|improve\w*)\b.{0,30}\d+(\.\d+)?\s?(x|%)",
    "new_flag": r"--[a-z][a-z0-9\-_]{3,}|\b[A-Z0-9_]{6,}=\w|\benv(ironment)? var",
}
CORE_PATH = re.compile(r"(scheduler|sched|kv_?cache|attention|sampl|engine|model_runner|worker|executor|moe|"
                       r"spec_decode|distributed|api_server|cli|entrypoint|config)", re.I)
TEST_DOC_PATH = re.compile(r"(^|/)(tests?|docs?|examples?|benchmarks?|\.github|ci)(/|$)|\.md$|\.rst$", re.I)
PLATFORM_PATH = re.compile(r"(310p|_310|rocm|hip|amd|xpu|npu|sm90|sm100|blackwell)", re.I)

_SUBJECT = [(n, re.compile(p, re.I)) for n, p in SUBJECT_CUES.items()]
_BODY = [(n, re.compile(p, re.I)) for n, p in BODY_CUES.items()]
RUBRIC_NAMES = ([f"subject:{n}" for n in SUBJECT_CUES] + [f"body:{n}" for n in BODY_CUES]
                + ["paths:core_log", "paths:test_doc_share", "paths:platform_log"])


def rubric_features(commit: Commit) -> list[float]:
    values = [float(bool(rx.search(commit.subject))) for _, rx in _SUBJECT]
    values += [float(bool(rx.search(commit.body))) for _, rx in _BODY]
    paths = [f.path for f in commit.files]
    n = max(1, len(paths))
    values += [math.log1p(sum(bool(CORE_PATH.search(p)) for p in paths)),
               sum(bool(TEST_DOC_PATH.search(p)) for p in paths) / n,
               math.log1p(sum(bool(PLATFORM_PATH.search(p)) for p in paths))]
    return values
