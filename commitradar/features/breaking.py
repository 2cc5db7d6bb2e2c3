"""Breaking / action-needed changes: ``detect(commit, pr, title) -> Breaking | None``.

A change is breaking when a user of the project must know about it or act on it when upgrading:
a removed or renamed feature, model, CLI flag, environment variable, config key or public API; a changed
default; a dropped version or platform; a new required version of a core toolkit or dependency (CANN,
CUDA, torch, torch_npu, triton, vLLM, transformers, vendor SDKs, Python); a changed output, wire, file or
checkpoint format; or a regression the PR itself reports. Plain features and fixes give None.

Evidence is read, strongest first, from the author's own marks and notes (``feat!:``, ``[Breaking]``,
``BREAKING CHANGE:`` footers, a checked "Breaking change" box, "BC-breaking" / "Breaking Changes"
sections, bots' summaries of the diff included), from the diff when the caller supplies one, from the
subject, from the PR's answer to "user-facing change?", from its what/why sentences, and from the paths
(dependency pins, install docs, deleted files). Each source sentence is scored with the cue tables below;
the best cue above its threshold wins and is returned with its sentence as evidence.

The tables are data. They were written against ``data/labels/breaking.jsonl`` (real commits judged by
hand; ``benchmarks/breaking_quality.py`` measures them) and are kept general: verbs, object words and
dependency names, never commit-specific text.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ..i18n import t
from ..records import Breaking, Commit, PRBody
from .prbody import shorten
from .title import TitleParts, breaking_footer, is_revert

#: Core toolkits and dependencies whose required version matters to a user (canonical name, pattern).
CORE_DEPENDENCIES: tuple[tuple[str, str], ...] = (
    ("torch_npu", r"torch[-_ ]?npu|pta(?=\s*v?\d|\s+version|\s+to\s+v?\d)"),  # PTA: the PyTorch Ascend adapter
    ("triton-ascend", r"triton[-_ ]ascend"),
    ("CANN", r"cann(?=\b|\d)"),
    ("HDK", r"hdk"),
    ("CUDA", r"cuda(?=[\s-]?\d|\s+(?:toolkit|version|runtime|requirement)|\b(?!\s*(?:graph|arch|kernel|core|stream|ipc|"
             r"context|home|path|malloc|memcpy|version check|event)))"),
    ("cuDNN", r"cudnn"),
    ("NCCL", r"nccl(?!_)"),
    ("torch", r"(?:py)?torch(?![-_ ]?(?:npu|codec|vision|audio|ao|compile|dynamo|\.compile|run))"),
    ("triton", r"triton(?![-_ ]?(?:ascend|backend|kernel|server|ops))"),
    ("vLLM", r"vl+m(?![-_ ]?(?:ascend|bench|router|serve|omni|project))"),
    ("transformers", r"transformers|transformer(?=\s+(?:version\s+)?(?:from\s+|to\s+|v?\d))"),
    ("compressed-tensors", r"compressed[-_ ]tensors"),
    ("nvidia-cutlass-dsl", r"(?:nvidia[-_ ])?cutlass[-_ ]dsl"),
    ("apache-tvm-ffi", r"(?:apache[-_ ])?tvm[-_ ]ffi"),
    ("flashinfer", r"flashinfer(?![-_ ](?:jit|cubin))"),
    ("DeepGEMM", r"deep[-_ ]?gemm"),
    ("Python", r"python\s?3?(?=[\s.]?\d)|python(?=\s+(?:version|support))|requires[-_]python|py3\.?\d+"),
)
_DEP_RX = tuple((name, re.compile(rf"(?<![\w/.-])(?:{pat})", re.I)) for name, pat in CORE_DEPENDENCIES)
_VERSION = re.compile(r"(?<![\d.])v?(\d+\.\d+(?:\.[0-9A-Za-z]+)*(?:[-+][0-9A-Za-z.]+)?)(?![\w])")
_DEP_VERSION_CUE = re.compile(r"\b(?:to|>=|==|~=|=|at least|minimum|min|requires?|required|→|->)\s*v?\d", re.I)
# vLLM-main pins and dates are CI bookkeeping, not a required release: "pin to 12.26", "commit 0414".
_PIN_ONLY = re.compile(r"\b(?:commit|hash|pin|main2main\s+(?:\d{4}|commit)|nightly|main branch|to main\b|sha)\b", re.I)

_PLATFORM = (r"(?:ppu|npu|mlu|musa|maca|camb|xpu|hpu|tpu|rocm|hip|cpu|310p|a2|a3|a5|ascend\s?\d*|sm_?\d+\w*|volta|turing|"
             r"ampere|hopper|blackwell|v100|a100|h100|h20|b200|gb200|aarch64|arm64|x86(?:_64)?|windows|macos|mac|"
             r"cu1\d{1,2}|cuda\s?1\d(?:\.\d)?)")

# ------------------------------------------------------------------------------------------- cue tables

_REMOVE_VERB = r"(?:remov(?:e|es|ed|ing)|drop(?:s|ped|ping)?|delet(?:e|es|ed|ing)|retir(?:e|es|ed)|sunset|kill(?:s|ed)?|" \
               r"get rid of|eliminat(?:e|es|ed)|no longer (?:support|provide|expose|accept|read|honou?r)(?:s|ed)?)"
_RENAME_VERB = r"(?:renam(?:e|es|ed|ing)|renaming)"
_ENV_VAR = re.compile(
    r"(?<![.\w])(?:(?:VLLM|MC|FLASHINFER|LMDEPLOY|TLLM|TRTLLM|HF|CUDA|NCCL|HCCL|ASCEND|PYTORCH|TORCH|MOONCAKE|SGLANG|DYN|"
    r"TM|TURBOMIND|LLMCOMPRESSOR|OMP|NVSHMEM|UCX|FI|TRANSFORMERS|PYTHON|COMPILE|WITH|USE|ENABLE|DISABLE)_[A-Z0-9_]+|"
    r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+){2,})\b")
_FLAG = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]{2,}")
_CODE = re.compile(r"`([^`]{2,60})`")

# Things a user touches: named in a removal or rename, they make it breaking.
_USER_OBJECT = re.compile(
    r"\b(?:env(?:ironment)?(?:\s+var(?:iable)?s?)?|envs|flags?|options?|arguments?|args?|parameters?|params?|"
    r"config(?:uration)?s?|settings?|keys?|apis?|cli|commands?|endpoints?|backends?|models?|support|modes?|features?|"
    r"pipelines?|scheduler|serving|interfaces?|fields?|modifiers?|registry|datasets?|integration|plugins?|engine|"
    r"formats?|compression|utilities|utils|entry ?points?|scripts?|torchair|gradio|training|sharding|"
    r"offload(?:ing)?|dynamic batch|overlap|protocol|transports?|loggers?)\b", re.I)
# Things only developers see: removing them is housekeeping.
_INTERNAL_OBJECT = re.compile(
    r"\b(?:patch(?:es)?|monkey|code(?:s)?|files?|tests?|ut|uts|e2e|cases?|ci|jobs?|workflows?|labels?|docs?|document(?:s|ation)?|"
    r"comments?|logs?|logging|prints?|warnings?|asserts?|assertions?|checks?|sync(?:hronization|hronize)?s?|d2h|h2d|"
    r"copy|copies|allocations?|buffers?|casts?|ops?|operators?|kernels?|functions?|methods?|class(?:es)?|"
    r"variables?|attributes?|imports?|headers?|includes?|branch(?:es)?|conditions?|logic|helpers?|cumsum|arange|"
    r"transpose|wrappers?|redundan\w*|renormali[sz]ation|metadata|dummy|workarounds?|guards?|restrictions?|blockers?|"
    r"barriers?|limitations?|overheads?|clones?|members?|instances?|reindexing|filters?|extension|spaces?|"
    r"tolerations?|triggers?|schedule job|quotes?|outputs?|messages?|sources?|[\w-]+\.(?:cpp|cc|cu|cuh|h|hpp|c))\b", re.I)
_HOUSEKEEPING = re.compile(r"\b(?:unused|useless|redundant|dead|duplicated?|stale|leftover|unnecessary|extra|debug|"
                           r"temporary|tmp|invalid|incorrect|over-?strict|broken|outdated|out of date|non-portable|confusing|"
                           r"noisy|verbose|misleading)\b", re.I)
_DEFAULT_CHANGE = re.compile(
    r"\b(?:(?:enabl|disabl|turn(?:ed|s)? (?:on|off)|switch|set|mak|us|chang|modif|adjust|updat|increas|decreas|"
    r"enlarg|rais|lower|flip|restor)\w*\b[^.;]{0,60}\bby default\b|"
    r"(?:by )?default(?:s|ed)?\s+(?:to|enabl\w*|disabl\w*|on|off)\b|"
    r"(?:chang|modif|adjust|updat|switch|unify|unifi|increas|decreas|enlarg|rais|lower|flip)\w*\s+(?:the\s+)?"
    r"(?:[\w`'\".-]+\s+){0,4}default(?:s|\s+(?:value|values|behaviou?r|method|policy|mode|backend|port|protocol|size|setting|"
    r"ttl|ratio|namespace|config))?\b|"
    r"default\s+(?:[\w-]+\s+){0,2}?(?:value|behaviou?r|policy|method|backend|mode|protocol|engine|format|device|dtype|"
    r"precision|size|strategy|scheduler|implementation)\s+(?:of\s+\S+\s+)?(?:is\s+|has been\s+|was\s+)?(?:now|changed|becomes)|"
    r"default[- ](?:enable|disable)|(?:now|is)\s+(?:enabled|disabled|on|off)\s+by\s+default|"
    r"defaults?\s+(?:changed?|is now|are now|now)\b|remov\w*\s+(?:the\s+)?default\b|\bstop\w*\s+(?:the\s+)?default\b|"
    r"\benabl\w*\b[^.;]{0,60}\bfor (?:all|every)\b[^.;]{0,30}\b(?:deployments?|users?|models?|cases?|platforms?)\b)", re.I)
_SUBJECT_DEFAULT = re.compile(r"\bby default\b|^\W*(?:\[[^\]]*\]\s*)*set\w*\s+(?:the\s+)?default\b", re.I)
# "Set adxl engine as default backend", "make FlashComm the default", "X becomes the default (backend)"
_AS_DEFAULT = re.compile(r"\b(?:set|make|use|choose|switch|select|promot)\w*\s+(?:\S+\s+){1,5}?(?:as|to be|to)\s+(?:the\s+)?"
                         r"default\b|\b(?:becomes?|is now|are now|now becomes?)\s+(?:the\s+)?default\b", re.I)
_DEFAULT_NOT = re.compile(r"\b(?:docstring|test case|tests?|benchmark|microbenchmark|typo|ci\b|warnings?|logs?|logging|"
                          r"(?:unspecified|missing|absent|unset)\s+defaults?|decorators?|"
                          r"(?:keep|keeps|kept|still|remains?)\b[^.;]{0,40}\bdefault|default (?:kernel|tactic|tile|algo\w*|index))",
                          re.I)
_DROPPED = re.compile(
    rf"\b(?:drop|remov|deprecat|end|stop|discontinu|retir)\w*\b(?:\s+\w+){{0,4}}?\s+"
    rf"(?:support\s+(?:for\s+|of\s+)?|compat\w*\s+(?:with\s+|for\s+)?)?(?:the\s+)?"
    rf"(?:(?:vl+m|python|py|torch|cuda|cann|transformers|triton)\s?v?\d+\.\d+\w*(?:\.\w+)*|v?\d+\.\d+\.\d+\w*|"
    rf"py3\.?\d+|cu1\d{{1,2}}\b|cuda\s?1\d\b(?!\.\d)|{_PLATFORM}\s+(?:backend|support|platform|device))|"
    rf"\bno longer\s+(?:be\s+)?(?:support(?:ed|s)?|compatible)\s+(?:with\s+|on\s+|for\s+)?(?:the\s+)?"
    rf"(?:(?:vl+m|python|torch|cuda|cann)\s?v?\d|{_PLATFORM}\b)|"
    rf"\b(?:rais|bump|increas|updat|set|mov|chang)\w*\s+(?:the\s+)?(?:requires?[-_]python|minimum (?:python )?version)\b|"
    rf"\b(?:requires?[-_]python|minimum (?:python )?version)\b[^.;]{{0,30}}\b(?:to|now|→|->)\s*[\"'>=~]*\s*\d", re.I)
_FORMAT = re.compile(
    r"\b(?:(?:now|will)\s+returns?\s+(?:a\s+)?(?:lists?|tuples?|dicts?|packed|tensors?|per-token|both)\b|"
    r"returns?\s+(?:a\s+)?(?:list|tuple)s?\s+of\s+tensors|"
    r"(?:responses?|outputs?|results?|payloads?|replies)\s+(?:[\w-]+\s+){0,2}?(?:no longer|will no longer|now omit)\s+"
    r"(?:include|contain|return|carry|emit|omit)s?\b|"
    r"(?:output|response|checkpoint|file|storage|wire|serialization|on-disk|save[d]?|kv cache|log)\s+(?:format|layout|schema)\s+"
    r"(?:is\s+|has\s+)?(?:changed|changes|differs|is different|now)|"
    r"(?:chang|updat|modif)\w*\s+(?:the\s+)?(?:output|response|checkpoint|file|storage|wire|serialization|saved?|return)\s+"
    r"(?:format|layout|schema|type|value)|"
    r"(?:checkpoints?|saved models?)\s+(?:now\s+)?(?:include|contain|store|save)s?|"
    r"(?:final\s+)?checkpoints?\s+(?:now|will)\b|to (?:the )?final checkpoint|"
    r"incompatible with (?:checkpoints?|files?|models?|data) (?:saved|produced|created|written))", re.I)
_REGRESSION = re.compile(
    r"\b(?:(?:will|may|might|could|can|does)\s+(?:introduce|cause|lead to|result in|bring)\b[^.;]{0,30}?\b"
    r"(?:performance|perf|accuracy|throughput|latency|precision|memory)\s+(?:drop|degradation|regression|decrease|loss|increase)|"
    r"known issues?\s*[:：]|"
    r"(?:is|are)\s+broken\s+by\b|"
    r"temporar\w+\s+(?:disabl|remov|freez|turn\w* off)\w*\s+(?!(?:the\s+)?(?:test|ut|case|ci|check|`))|"
    r"(?:feature|function(?:ality)?|capability)\s+is\s+temporarily\s+(?:frozen|disabled|unavailable))", re.I)
_NOT_BREAKING = re.compile(
    r"\b(?:no (?:public[- ])?(?:api[- ])?(?:breaking|breakage|user-facing|api|functional)(?: changes?)?|without (?:any )?(?:breaking|behaviou?r) changes?|"
    r"backward[s]?[- ]compatib(?:le|ility) (?:is )?(?:kept|maintained|preserved)|keeps? (?:full )?backward[s]? compatib\w+|"
    r"(?:still|remains?)\s+(?:supported|compatible|available|work|read|honou?red)|falls? back to|"
    r"(?:deprecated|legacy)\s+(?:\w+\s+){0,3}fallback|keeps?\s+(?:\S+\s+){1,4}?(?:importable|working|compatible|supported|"
    r"usable|available))\b", re.I)

# Support narrowed to some platforms: "Update support for tgv_gemm to SM100 only", "restrict X to Hopper".
_NARROWED = re.compile(rf"\bsupport\s+(?:for\s+)?`?([\w.-]+)`?\s+to\s+(?:only\s+)?{_PLATFORM}(?:\s*(?:/|and|,)\s*{_PLATFORM})*\s+only\b|"
                       rf"\b(?:restrict|limit|narrow)\w*\s+`?([\w.-]+)`?\s+(?:support\s+)?to\s+(?:only\s+)?{_PLATFORM}\b", re.I)
# A subject that turns a user-facing feature off: "Disable the chunked prefill feature in Non-MLA LLMs".
_TURNS_OFF = re.compile(r"^\W*(?:\[[^\]]*\]\s*)*(?:disabl\w*|turn\w* off)\s+(?:the\s+)?((?:[\w`'-]+\s+){0,4}?"
                        r"(?:feature|support|mode|option|backend|scheduler|optimi[sz]ation|fusion|overlap|offload\w*))\b",
                        re.I)
# A statement that something users could do stops working: "Expert Parallelism is now explicitly disabled on 310P".
_NOW_OFF = re.compile(r"((?:[A-Z`][\w`.-]*\s+){1,4})(?:is|are)\s+now\s+(?:explicitly\s+|fully\s+)?(?:disabled|"
                      r"unsupported|not supported|rejected|blocked|forbidden)\b")
# A named backend, connector or transport removed: users select these by name.
_NAMED_BACKEND_GONE = re.compile(r"^\W*(?:remov|drop|delet)\w*\s+(?:the\s+)?`?[\w-]+`?\s+(?:backend|connector|transport|engine)s?\b",
                                 re.I)
# Support narrowed to one mode or platform from now on: "After this PR, pangu only works with torchair mode".
_ONLY_WORKS = re.compile(r"\b(?:after this (?:pr|change|patch)|from now on|now|henceforth)\b[^.;]{0,60}?\bonly\s+"
                         r"(?:works?|supported|runs?|available|usable)\s+(?:with|on|in|for|under|when)\b", re.I)
# Environment variables renamed together: "unify file storage env vars under MOONCAKE_OFFLOAD_ prefix".
_ENV_RENAMED = re.compile(r"\b(?:unif|consolidat|renam|re-?prefix|namespac|regroup)\w*\s+(?:\S+\s+){0,5}?"
                          r"env(?:ironment)?[- ]?var(?:iable)?s?\s+(?:under|into|with|to|as|behind)\b", re.I)
# An environment variable replaced by a parameter or a config entry: the variable stops working.
_ENV_REPLACED = re.compile(
    r"\binstead of (?:an?\s+|the\s+|using\s+)?(?:\w+\s+)?env(?:ironment)?(?:[- ]var(?:iable)?s?)?\b|"
    r"\b(?:replac|migrat|mov|switch)\w*\s+(?:\S+\s+){0,4}?(?:from\s+)?env(?:ironment)?[- ]?var(?:iable)?s?\s+"
    r"(?:\S+\s+){0,3}?(?:to|with|by|into|in favou?r of)\b|"
    r"\bfrom\s+env(?:ironment)?[- ]?var(?:iable)?s?\s+to\b", re.I)
# A public API said to change: "Standardized cuDNN GEMM public API names", "breaking changes to the public API".
_PUBLIC_API = re.compile(
    r"\b(?:renam|standardi[sz]|chang|remov|drop|delet|unif|reorganiz|restructur)\w*\s+(?:\S+\s+){0,5}?public\s+"
    r"(?:api|interface|function|symbol|export)s?\b|"
    r"\bpublic\s+(?:api|interface)s?\s+(?:\S+\s+){0,3}?(?:renamed|changed|removed|signatures?\s+(?:chang|updat|modifi)\w*|"
    r"breaks?)\b|"
    r"\bbreaking changes? (?:to|in) (?:the\s+)?(?:public\s+)?(?:api|interface)s?\b|\bapi changes?\s*[:：]", re.I)
# A version of a named dependency said to be required: "Compatibility note: Requires a UCM version whose …".
_REQUIRES_VERSION = re.compile(r"\b[Rr]equires?\s+(?:an?\s+|the\s+)?(?:newer|recent|later|latest|updated|matching|compatible|"
                               r"new)?\s*`?([A-Z][\w.-]*|[a-z][\w.-]*-[\w.-]+)`?\s+(?:version|release)\b")
# Options merged under one key: "merge all config into `finegrained_tp_config`" (the old keys stop working).
_CONFIG_MOVED = re.compile(r"\b(?:merg|mov|consolidat|fold|regroup)\w*\s+(?:all\s+)?(?:the\s+)?(?:\w+\s+){0,2}?(?:configs?|"
                           r"configurations?|options?|settings?|parameters?|params|arguments?|keys?|fields?)\s+(?:in)?to\s+"
                           r"(?:the\s+|a\s+|one\s+|single\s+|new\s+)*`([\w.-]+)`(?!\.py)", re.I)
# An argument that must now have another dtype: "page table now requires int32 instead of uint32".
_DTYPE_REQUIRED = re.compile(
    r"\b(?:now\s+)?(?:requires?|expects?|must be|accepts? only|takes)\s+(?:an?\s+)?`?(?:u?int|float|bf|fp|e\dm\d)\w*`?\s+"
    r"(?:\w+\s+)?instead of\s+`?(?:u?int|float|bf|fp|e\dm\d)\w*", re.I)

# A public call changed the way callers must write it: "make backend specific arguments keyword-only",
# "Change interface of trt_allreduce_fusion", "Adjust the mm_fp4 API with an explicit use_nvfp4 bool".
_SIGNATURE = re.compile(
    r"\b(?:make|makes|made|become|becomes|now|are|is|turn\w*|convert\w*|chang\w*)\b[^.;]{0,40}?\bkeyword[- ]only\b|"
    r"\b(?:chang|adjust|modif|tweak|alter|break)\w*\s+(?:the\s+)?(?:calling\s+)?(?:interface|signature|api)s?\s+(?:of|for)\s+`?[\w.]+|"
    r"\b(?:chang|adjust|modif|tweak|alter)\w*\s+(?:the\s+)?`?[\w.]+`?\s+(?:api|interface|signature)s?\b(?!\s+(?:docs?|documentation|tests?))|"
    r"\b(?:api|function|interface)\s+signatures?\s+(?:\w+\s+){0,2}?(?:changed|changes|updated|modified)\b|"
    r"\binsert\w*\s+(?:\S+\s+){0,6}?in the middle of\b[^.;]{0,40}\b(?:api|signature|arguments|parameters)\b|"
    r"\b(?:break|regression|incompatib)\w*[^.;]{0,40}\bpositional\s+arg\w*|"
    r"\bpositional\s+arg\w*[^.;]{0,40}\b(?:break|regression|no longer work)\w*", re.I)
# A parameter whose type changes: "Convert scale_factor from scalar to Tensor", "converting X from float to torch.Tensor".
_PARAM_TYPE = re.compile(
    r"\b(?:convert|chang|switch|turn)\w*\s+`?([a-z_][\w.]*)`?\s+from\s+(?:an?\s+)?(?:python\s+)?"
    r"(?:scalar|float|int|integer|bool|boolean|str|string|list|tuple|dict|tensor|torch\.tensor)s?\s+(?:in)?to\s+(?:an?\s+)?"
    r"(?:torch\.|python\s+)?(?:tensor|list|tuple|dict|float|int|integer|scalar|bool|str|string)s?\b", re.I)
# A distribution renamed: "Update the package name from 'flash_attn_v3' to 'flash_attn_npu_v3'".
_PACKAGE_RENAMED = re.compile(r"\b(?:renam|chang|updat|switch)\w*\s+(?:the\s+)?(?:python\s+|pip\s+|pypi\s+)?(?:package|wheel|"
                              r"distribution|library)\s+name\s+from\s+[`'\"]?([\w.-]+)[`'\"]?\s+to\s+[`'\"]?([\w.-]+)", re.I)
# A public type replaced by another: "Use new ActivationType enum class instead of GatedActType".
_TYPE_REPLACED = re.compile(r"\b(?i:use|replac|switch)\w*\s+(?:the\s+)?(?:new\s+)?`?([A-Z][a-z0-9]+[A-Z]\w*)`?\s+"
                            r"(?:(?i:enum|class|type)\s+){0,2}(?i:instead of|in place of|for)\s+`?([A-Z][a-z0-9]+[A-Z]\w*)`?")
# Something users installed with the package moves to another one: "Move aot modules to a standalone package".
_PACKAGE_SPLIT = re.compile(r"\b(?:mov|split|spun|spin|extract|factor)\w*\s+(?:out\s+)?(?:the\s+)?((?:\S+\s+){0,3}?)(?:out\s+)?"
                            r"(?:to|into|in)\s+(?:a\s+|its\s+own\s+)?(?:standalone|separate|new|dedicated|own)\s+"
                            r"(?:python\s+|pip\s+|pypi\s+)?(?:package|wheel|distribution)s?\b", re.I)
# Reported numbers change their meaning: "Report master metrics as per-second rates over time window".
_METRIC_FORMAT = re.compile(r"\b(?:report|expos|export|emit|publish)\w*\s+(?:the\s+)?(?:\w+\s+){0,3}?metrics?\s+as\b|"
                            r"\bmetrics?\s+(?:are\s+)?now\s+(?:reported|exposed|exported|emitted|published|computed)\s+as\b|"
                            r"\b(?:renam|chang)\w*\s+(?:the\s+)?(?:\w+\s+){0,2}?metric\s+names?\b", re.I)
# What users must now do themselves: "Now we must set env `SOC_VERSION` when compiling".
_NOW_MUST = re.compile(r"\b(?:now\s+(?:we|users?|you|callers?|one)\s+(?:must|need to|needs to|have to|has to|are required to)|"
                       r"(?:we|users?|you|callers?)\s+(?:must|need to|have to)\s+now|"
                       r"(?:users?|you|callers?)\s+(?:must|now need to|now have to|are now required to))\s+"
                       r"(?:explicitly\s+)?(?:set|pass|specify|provide|export|install|add|enable|configure|use)\b", re.I)
# A security fix: the hardened path refuses something it accepted before (remote code, private addresses, files).
_SECURITY = re.compile(r"\b(?:security|vulnerabilit\w*|cve-\d{4}-\d+|ssrf|remote code execution|path traversal|"
                       r"arbitrary code)\b", re.I)
# A dependency floor moved down or a requirement relaxed: nothing to do for users.
_RELAXED = re.compile(r"\b(?:lower\w*|relax\w*|loosen\w*|reduc\w*|decreas\w*)\s+(?:the\s+)?(?:\w+\s+){0,2}?"
                      r"(?:minimum|min|required|requirement)\b", re.I)

_USER_DIRS = re.compile(r"(^|/)(requirements[^/]*\.txt|pyproject\.toml|setup\.py|setup\.cfg|Dockerfile[^/]*|"
                        r"README[^/]*|installation[^/]*|install[^/]*\.md)$|^docs?/|(^|/)requirements/|"
                        r"^\.github/workflows/[^/]*(?:release|pypi|wheel|publish)[^/]*$", re.I)
_RELEASE_PATH = re.compile(r"^\.github/workflows/[^/]*(?:release|pypi|wheel|publish)[^/]*$", re.I)
_CI_PATH = re.compile(r"^(\.github|\.buildkite|ci|\.ci|\.gitlab|tests?|benchmarks?)/|/tests?/|^docker/install/|"
                      r"^(\.pre-commit-config\.yaml|\.clang-format|\.flake8|ruff\.toml|\.yapfignore|codecov\.yml|format\.sh)$", re.I)
_SOURCE_EXT = re.compile(r"\.(py|pyx|pyi|cc|cpp|cxx|c|h|hpp|hh|cu|cuh|rs|go|java|ts|js|proto)$", re.I)
_DEPS_PATH = re.compile(r"(^|/)requirements/[^/]+\.txt$|(^|/)(requirements[^/]*\.txt|pyproject\.toml|setup\.py|setup\.cfg|environment[^/]*\.ya?ml|"
                        r"Dockerfile[^/]*|[^/]*\.cmake|CMakeLists\.txt)$", re.I)
_DOCS_PATH = re.compile(r"^(docs?|examples?)/|\.(md|rst|po|ipynb)$", re.I)
_TEST_PATH = re.compile(r"(^|/)(tests?|testing|e2e)/|(^|/)test_[^/]*$|_test\.\w+$", re.I)

# An author's tag that announces a breaking API change: "[API change]", "[BC-breaking]", "[Breaking]".
_API_TAG = re.compile(r"\[\s*(?:api[ -]?chang\w*|bc[ -]?break\w*|breaking(?:[ -]?changes?)?|api[ -]?break\w*)\s*\]", re.I)
AUTHOR_SCORE = 8.0  # the author's own notes and marks outrank anything read from text or diff
SOURCE_RANK = {"footer": 0, "diff": 1, "subject": 2, "mark": 2, "body": 3, "paths": 4}


# --------------------------------------------------------------------------------------- candidates


@dataclass(frozen=True)
class Cue:
    kind: str
    score: float
    subject: str
    evidence: str
    source: str
    version: str | None = None
    needs_deletions: bool = False  # "deprecate X": a removal only when the change mostly deletes code


def _deps_in(text: str, repo: str = "") -> list[tuple[str, re.Match]]:
    own = repo.rsplit("/", 1)[-1].lower()
    out = []
    for name, rx in _DEP_RX:
        m = rx.search(text)
        if m and own != name.lower():  # a project's own version is not a dependency
            out.append((name, m))
    return sorted(out, key=lambda nm: nm[1].start())  # the first one named is the one the sentence is about


def _version_after(text: str, start: int) -> str | None:
    m = _VERSION.search(text, start)
    if m and m.start() - start < 60:
        return m.group(1)
    return None


def _object_after(text: str, end: int, words: int = 6) -> str:
    rest = text[end:].strip(" :,-")
    rest = re.split(r"[;,()\[\]]|\.(?:\s|$)|\s(?:and|to|from|in|for|because|since|which|as|so|when)\s", rest)[0]
    return " ".join(rest.split()[:words]).strip("`'\" ")


def _subject_of(text: str, kind: str, at: int = 0) -> str:
    for rx in (_ENV_VAR, _FLAG):
        m = rx.search(text, at)
        if m:
            return m.group(0)
    m = _CODE.search(text, at)
    if m:
        return m.group(1)
    return _object_after(text, at) or shorten(text, 60)


# A project that follows one upstream's releases: a bare "upgrade to 0.18.0" names that upstream's version.
_UPSTREAM = {"vllm-ascend": "vLLM"}
_BARE_MOVE = re.compile(r"^\W*(?:\[[^\]]*\]\s*)*(?:upgrad|bump|updat|mov|align)\w*\s+(?:vllm\s+|version\s+)?to\s+(?:v|release\s+)?"
                        r"(\d+\.\d+\.\d+(?:rc\d+)?)\b", re.I)


def dependency_cue(text: str, source: str, repo: str, user_paths: bool) -> Cue | None:
    """``Upgrade CANN to 9.0.1`` / ``requires torch>=2.10`` / ``Bump vLLM version to v0.23.0``."""
    if _RELAXED.search(text) or re.search(r"\bdefault\s+(?:\w+\s+)?version\b", text, re.I):
        return None  # "Lowered minimum cuDNN version requirement …", "bump default python version to 3.11" (a CI image)
    verb = re.search(r"\b(?:upgrad|bump|updat|pin|requir|mov|switch|raise|rais|migrat|adopt|use[sd]?\b|downgrad|"
                     r"return|roll\w* back|freez|lock|forc|pick\w* up)\w*", text, re.I) or (
        None if re.search(r"\b(?:for|with|on|under|against|when|if|unless)\s+\S+\s*(?:==|>=|~=)", text, re.I)
        else _EXPLICIT_PIN.search(text))
    added = _ADDED_DEP.search(text)
    if added and user_paths and not re.search(r"\b(?:tests?|dev|ci|docs?|optional|extras?|lint\w*|only)\b", text, re.I):
        name = added.group(1) or added.group(2)
        return Cue("dependency_bump", 3.0, name, text, source, _version_after(text, added.end()))
    pkg = _NEW_PACKAGE.search(text)
    if pkg and user_paths and not re.search(r"\b(?:optional|extra|test|dev|docs?|ci)\b", text, re.I):
        # "enabled nvidia-cudnn-frontend on all platforms" next to a changed setup.py / requirements file
        return Cue("dependency_bump", 2.5, pkg.group(1), text, source, _version_after(text, pkg.end(1)))
    bare = not verb and source == "subject" and len(text.split()) <= 4  # "Transformers v5", "Cutlass dsl 4.5 bump"
    if not verb and not bare:
        return None
    if re.search(r"\b(?:upper bound|relax|unpin|allow newer|loosen|exclude)\b|\b(?:remov|drop)\w*\b[^;]{0,30}?\brequirement",
                 text, re.I):
        return None
    named = _REQUIRES_VERSION.search(text)
    if named and not _deps_in(text, repo) and named.group(1).lower() != repo.rsplit("/", 1)[-1].lower():
        return Cue("dependency_bump", 3.0, named.group(1), text, source, _version_after(text, named.end()))
    upstream = _UPSTREAM.get(repo.rsplit("/", 1)[-1].lower())
    bare_move = _BARE_MOVE.search(text)
    if upstream and bare_move and not _deps_in(text, repo) and not _PIN_ONLY.search(text):
        # vllm-ascend's "upgrade to 0.18.0" is its upstream's release
        return Cue("dependency_bump", 3.0, upstream, text, source, bare_move.group(1))
    for name, m in _deps_in(text, repo):
        version = _version_after(text, m.end())
        if bare and m.start() > 0 and not re.search(r"\b(?:upgrad|bump|requir|pin)\w*", text, re.I):
            continue
        if name == "vLLM" and (not version or _PIN_ONLY.search(text)):
            continue
        if not version and not (user_paths and source == "subject" and re.search(
                r"\b(?:upgrad|bump|requir|rais|pin|forc|pick\w*\s+up)\w*|\bupdat\w*\b.*\b(?:version|bounds?|range|requirements?)\b", text, re.I)):
            continue
        if version and re.fullmatch(r"\d{1,2}\.\d{1,2}", version) and name == "vLLM":
            continue  # "pin to 12.26" is a date
        score = 2.0 + (1.0 if version else 0.0) + (0.5 if user_paths else 0.0)
        return Cue("dependency_bump", score, name, text, source, version)
    return None


# A package added to the declared requirements: "add prometheus_client in deps", "add rdkit to requirements".
_ADDED_DEP = re.compile(r"\badd\w*\s+`?([A-Za-z][\w.-]*)`?(?:\s+\S+){0,2}?\s+(?:to|in|into)\s+(?:the\s+)?"
                        r"(?:(?!dev\b|test\w*|optional|extras?\b|docs?\b|ci\b|lint\w*)\w+\s+){0,2}"
                        r"(?:requirements?|dependencies|deps|install_requires|pyproject)\b|"
                        r"\badd\w*\s+(?:the\s+|a\s+)?`?([A-Za-z][\w.-]*)`?\s+(?:as\s+a\s+)?(?:runtime\s+|python\s+|new\s+)?"
                        r"(?:dependency|requirement)\b(?!\s+files?)", re.I)
# A dependency swapped for another: "replace outlines with xgrammar" beside changed requirement lists.
_DEP_SWAP = re.compile(r"\breplac\w*\s+`?([A-Za-z][\w.-]*)`?\s+(?:with|by)\s+`?([A-Za-z][\w.-]*)`?", re.I)
# A version pinned in so many words: "Support torch==2.10.0", "transformers>=4.56".
_EXPLICIT_PIN = re.compile(r"(?<![\w.-])[A-Za-z][\w.-]*\s*(?:==|>=|~=)\s*v?\d+\.\d+")
# A package made a dependency: "enable nvidia-cudnn-frontend on all platforms", "install apache-tvm-ffi by default".
_NEW_PACKAGE = re.compile(r"\b(?:enabl|add|requir|install|includ|introduc)\w*\s+(?:the\s+)?`?([a-z][a-z0-9]*(?:[-_][a-z0-9]+){1,4})`?"
                          r"\s+(?:(?:as\s+(?:a\s+)?(?:required\s+|hard\s+)?dependency)|(?:on|for)\s+all\s+platforms|"
                          r"by default|as (?:a )?requirement)\b", re.I)
_STRONG_OBJECT = re.compile(r"\benv(?:ironment)?s?\b(?:\s+var(?:iable)?s?)?|\benvs\b", re.I)
_NAMED_RELATED = re.compile(r"\b([A-Za-z][\w.-]*)\s+(?:related|specific)\s+(?:codes?|logic|files?|support)\b", re.I)
_IDENTIFIER = re.compile(r"^(?:the\s+)?(`[^`]+`|[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+|[a-z]+[A-Z]\w*)"
                         r"(?=\W|$)")
_REPLACED = re.compile(r"\b(?:in favou?r of|instead|replaced (?:by|with)|superseded by|migrat\w+ to)\b", re.I)
_DEPRECATED = re.compile(r"\b(?:deprecated|legacy|obsolete)\b", re.I)
_DECLARATIVE_REMOVAL = re.compile(rf"^\W*{_REMOVE_VERB}\b|\b(?:is|are|was|were|has been|have been|gets?|got)\s+"
                                  rf"(?:now\s+)?(?:removed|deleted|dropped|retired)\b|\b(?:removes|drops|deletes|retires)\b|"
                                  rf"\bno longer (?:support|provide|expose|accept|read|honou?r|exist|available|needed|required)",
                                  re.I)


_FUNC_PARAM = re.compile(r"\b(?:param\w*|arg\w*)\s+(?:from|of|in|for)\s+(?:the\s+)?`?(?:[A-Z]\w*|\w+_\w+|\w+\(\)|"
                         r"[a-z]+[A-Z]\w*)")
_ADJECTIVES = re.compile(r"^(?:the|a|an|all|some|unused|useless|redundant|dead|duplicated?|stale|leftover|unnecessary|extra|"
                         r"old|legacy|deprecated|obsolete|remaining|related|[A-Za-z]\b)$", re.I)


def _head_is_internal(tail: str) -> bool:
    """The removed thing, read as its first clause: does it start or end with a developer-only noun?"""
    clause = re.split(r"[,;(]|\.(?!\w)|\s(?:and|from|in|of|for|to|with|because|since|as|which)\s", tail.strip(" :"), maxsplit=1)[0]
    words = [w.strip("`'\"") for w in clause.split() if not _ADJECTIVES.match(w.strip("`'\""))]
    if not words:
        return False
    return bool(_INTERNAL_OBJECT.fullmatch(words[0]) or _INTERNAL_OBJECT.fullmatch(words[-1]))


_PASSIVE = re.compile(r"\s*\b(?:is|are|was|were|has been|have been|been|be|gets?|got)\s+(?:now\s+)?$", re.I)


def _removed_object(text: str, m: re.Match) -> str:
    """The words naming what is removed: after the verb ("removes the `--foo` flag"), or before it in the
    passive ("the old `--foo` flag is removed": its clause before the verb)."""
    before = text[: m.start()]
    if _PASSIVE.search(before):
        return re.split(r"[,;:]\s*|\s(?:and|but|so|while)\s", _PASSIVE.sub("", before))[-1]
    return text[m.end():]


def _removal_cue(text: str, m: re.Match, source: str) -> Cue:
    tail = _removed_object(text, m)
    # the env var / flag must be what is removed, not where something is removed from
    head = re.split(r"\s(?:from|in|of|for|when|with|to|on|inside|within)\s", tail, maxsplit=1)[0]
    strong = bool(_ENV_VAR.search(head) or _FLAG.search(head) or _STRONG_OBJECT.search(head)) \
        and not re.search(r"\bimport(?:ed|s|ing)?\b", text, re.I)  # "remove redundant imported `envs`": code
    func_param = bool(_FUNC_PARAM.search(tail))
    user = bool(_USER_OBJECT.search(tail)) and not func_param
    related = _NAMED_RELATED.search(tail)
    ident = _IDENTIFIER.match(re.sub(r"^(?:the|a|an|old|legacy|deprecated)\s+", "", tail.strip(" :"), flags=re.I))
    # a function-like lowerCamel name (getFoo) is usually code; a snake_case / CamelCase / quoted name, a thing
    named = bool(related) or bool(ident and not re.fullmatch(r"`?[a-z]+[A-Z]\w*`?", ident.group(1))
                                  and not re.match(r"`?(?:patch|test|tmp|debug)_|.*_(?:test|patch)\b", ident.group(1)))
    deprecated = bool(_DEPRECATED.search(text))
    internal_head = _head_is_internal(tail) and not related
    score = 1.0 + (2.5 if strong else 1.5 if user else 0.0) + (1.5 if named else 0.0)
    if internal_head and not (strong or deprecated):
        score -= 2.0 + (1.5 if user else 0.0) + (1.5 if named else 0.0)
    elif _INTERNAL_OBJECT.search(tail) and not (strong or user or named or deprecated):
        score -= 2.0
    if _HOUSEKEEPING.search(text) and not (strong or (not func_param and re.search(
            r"\b(?:option|config\w*|param\w*|argument)s?\b", tail, re.I))):
        score -= 2.0
    if deprecated:
        score += 1.5
    if _REPLACED.search(text):
        score += 1.0
    if re.search(r"\bno longer (?:support|accept|expose|provide)", text, re.I):
        score += 1.0
    before = text[: m.start()]
    if _PASSIVE.search(before):
        # passive: "the `--cache-dir` flag is removed" names the thing before the verb
        head = tail
        hits = [h.group(0) for rx in (_FLAG, _ENV_VAR) for h in rx.finditer(head)] or \
            [h.group(1) for h in _CODE.finditer(head)]
        subject = hits[-1] if hits else " ".join(re.sub(r"^\W*(?:the|a|an)\s+", "", head, flags=re.I).split()[-4:])
    else:
        subject = related.group(1) if related else _subject_of(text, "removal", m.end())
    return Cue("removal", score, subject, text, source)


_ELSEWHERE = re.compile(r"\b(?:since|because|as)\s+we\s+(?:have|had|'ve)\s+(?:already\s+)?(?:drop|remov|deprecat|delet)\w*|"
                        r"\b(?:broken by|caused by|introduced (?:by|in)|previously|before this|used to|"
                        r"will (?:no longer|be removed|be deprecated)|deprecation warnings?|hard-?coded)\b|#\d+\s+(?:changed|introduced)",
                        re.I)


def text_cues(text: str, source: str, repo: str = "", user_paths: bool = True) -> list[Cue]:
    """Every breaking cue in one sentence (subject line, footer, PR sentence), with a raw score."""
    out: list[Cue] = []
    if not text or len(text) < 6:
        return out
    body = source == "body"
    out.extend(_signature_cues(text, source))  # "Adjust the X API …: previously …" states the change it makes
    if body and _ELSEWHERE.search(text):
        return out  # about another change, an earlier state, or a plan
    m = _NARROWED.search(text)
    if m:
        out.append(Cue("dropped_support", 3.0, (m.group(1) or m.group(2) or m.group(0)).strip("`'\" "), text, source))
    m = _DROPPED.search(text)
    if m and re.search(r"^\s*(?:period\s+|nightly\s+|e2e\s+)?(?:jobs?|workflows?|ci|tests?|pipelines?)\b", text[m.end():], re.I):
        m = None  # "remove v0.11.0 period job": a CI job named after a version
    if m and not re.search(r"\b(?:requirement|constraint|restriction|limit|pin|upper bound)s?\b", text, re.I):
        version = _version_after(text, m.start())
        score = 3.0 - (2.0 if not body and re.search(r"\bunsupported\b", text, re.I) else 0.0)
        out.append(Cue("dropped_support", score, _dropped_subject(text, m), text, source, version))
    m = re.search(rf"\b{_RENAME_VERB}\b", text, re.I)
    if m:
        tail = text[m.end():]
        score = 1.0
        if _ENV_VAR.search(text) or _FLAG.search(text):
            score += 2.0
        if _USER_OBJECT.search(text):
            score += 1.5
        if _CODE.search(tail) or re.search(r"\b[a-z]\w*\s+(?:to|->|→)\s+`?[a-z]\w*", tail):
            score += 1.5
        if _INTERNAL_OBJECT.search(tail) and not (_ENV_VAR.search(text) or _FLAG.search(text)):
            score -= 2.0
        if re.search(r"\b(?:back|typo|internal|device type|classes|files?|folders?|directory|module)\b", text, re.I):
            score -= 1.5
        out.append(Cue("rename", score, _subject_of(text, "rename", m.end()), text, source))
    m = re.search(rf"\b{_REMOVE_VERB}\b", text, re.I)
    if m and (not body or _DECLARATIVE_REMOVAL.search(text)):
        cue = _removal_cue(text, m, source)
        tail = _removed_object(text, m)
        if body and not (_ENV_VAR.search(tail) or _FLAG.search(tail) or _STRONG_OBJECT.search(tail)
                         or _USER_OBJECT.search(tail) or "no longer" in text.lower()):
            cue = replace(cue, score=cue.score - 2.0)
        if not body and re.search(r"\bto (?:avoid|fix|prevent|resolve|work ?around)\b", text, re.I):
            cue = replace(cue, score=cue.score - 1.0)
        named = _NAMED_BACKEND_GONE.search(text)
        if named:  # "Remove the yuanrong backend …": a backend users select by name is gone
            cue = replace(cue, score=max(cue.score, 4.0), subject=re.sub(r"^\W*\w+\s+(?:the\s+)?", "", named.group(0)))
        out.append(cue)
    m = re.search(r"\bdeprecat(?:e|es|ed|ing)\b", text, re.I)
    if m and not out or m and all(c.kind != "removal" for c in out):
        cue = _removal_cue(text, m, source)
        out.append(Cue("removal", cue.score, cue.subject, text, source, needs_deletions=True))
    m = _DEFAULT_CHANGE.search(text) or (None if body else _SUBJECT_DEFAULT.search(text)) or _AS_DEFAULT.search(text)
    if m and not _DEFAULT_NOT.search(text):
        score = 3.0
        if re.search(r"\b(?:fix|correct)\w*\b", text, re.I) and not re.search(r"\bchang\w*\b", text, re.I):
            score -= 2.0
        if body and re.search(r"\b(?:new|add\w*|introduc\w*|opt-?in|optional\w*|(?:can|must|needs? to) be enabled|to enable)\b",
                              text, re.I):
            score -= 2.0
        if body and re.search(r"\b(?:is|are|remains?|stays?)\s+(?:disabled|off|not enabled)\s+by default\b", text, re.I) \
                and not re.search(r"\b(?:now|no longer)\b", text, re.I):
            score -= 2.0
        if re.search(r"\bdefault\w*\s+(?:\w+\s+){0,3}?from\s+\S.{0,60}?\bto\b", text, re.I):
            score += 1.0  # "change X's default from A to B": the change itself, spelled out
        out.append(Cue("default_change", score - (0.5 if body else 0.0), _default_subject(text, m), text, source))
    cue = dependency_cue(text, source, repo, user_paths)
    if cue:
        out.append(cue)
    m = _FORMAT.search(text)
    if m:
        cut = re.search(r"\s(?:now|will|no longer)\s", text[: m.end()])
        lead = text[: cut.start()] if cut else ""
        lead = re.sub(r"^\W*(?:\[[^\]]*\]\s*)*", "", lead).strip()
        subject = lead if lead and len(lead.split()) <= 8 else _object_after(text, 0, 8)
        out.append(Cue("format_change", 3.0, subject, text, source))
    m = None if body else _TURNS_OFF.search(text)
    if m and not re.search(r"\b(?:tests?|ci|ut|e2e|cases?|checks?|lint|warnings?|logs?|logging|debug)\b", text, re.I):
        out.append(Cue("default_change", 3.0, m.group(1).strip(" `'\""), text, source))
    m = _NOW_OFF.search(text)
    if m and not re.search(r"\b(?:tests?|ci|ut|e2e|cases?|by default)\b", text[: m.start()], re.I):
        out.append(Cue("removal", 3.5, m.group(1).strip(" `'\""), text, source))
    m = _ONLY_WORKS.search(text)
    if m and not re.search(r"\b(?:tests?|ci|e2e|benchmarks?|examples?)\b", text[: m.start()], re.I):
        subject = re.sub(r"^\W*(?:after this (?:pr|change|patch)|from now on|now|henceforth)\W*", "", text[: m.end()], flags=re.I)
        out.append(Cue("removal", 3.5, shorten(subject, 60), text, source))
    m = _ENV_RENAMED.search(text)
    if m and not _NOT_BREAKING.search(text):
        prefix = re.search(r"\b([A-Z][A-Z0-9]*_(?:[A-Z0-9]+_)*)(?![A-Za-z0-9])", text)
        var = _ENV_VAR.search(text)
        out.append(Cue("rename", 4.0, (var.group(0) if var else prefix.group(1) if prefix else "environment variables"),
                       text, source))
    m = _ENV_REPLACED.search(text)
    if m and not _NOT_BREAKING.search(text):
        var = _ENV_VAR.search(text)
        out.append(Cue("removal", 4.0, var.group(0) if var else _replaced_subject(text), text, source))
    m = _PUBLIC_API.search(text)
    if m:
        verb = m.group(0).split()[0].lower()
        kind = ("rename" if re.match(r"renam|standardi|unif|reorgani|restructur", verb)
                else "removal" if re.match(r"remov|drop|delet", verb) else "format_change")
        if kind != "format_change":
            subject = re.sub(r"^\S+\s+", "", m.group(0))
        else:  # "Add `trtllm` backend to `mm_mxfp8`: API change: …": the API is the last name before the remark
            names = _CODE.findall(text[: m.start()]) or _CODE.findall(text)
            said = re.sub(r"\s+(?:renamed|changed|removed|breaks?|(?:chang|updat|modifi)\w*)$", "", m.group(0))
            subject = names[-1] if names else said if said.lower().startswith("public") else _object_after(text, 0, 8)
        out.append(Cue(kind, 3.5, subject.strip(" ,.") or "public API", text, source))
    m = _DTYPE_REQUIRED.search(text)
    if m:
        before = re.split(r"[;:,.(]\s*", text[: m.start()])[-1]
        before = re.sub(r"\s*\b(?:now|also)\s*$", "", before).strip()
        subject = " ".join(before.split()[-4:]) or _object_after(text, m.end(), 4)
        out.append(Cue("format_change", 3.0, subject, text, source))
    m = _CONFIG_MOVED.search(text)
    if m and not _NOT_BREAKING.search(text):
        out.append(Cue("rename", 3.0, m.group(1), text, source))
    m = _PACKAGE_SPLIT.search(text)
    if m and not re.search(r"\b(?:tests?|ci|docs?|benchmarks?|examples?)\b", text[: m.end()], re.I):
        pkg = _CODE.search(text, m.start())
        moved = m.group(1).strip(" `'\"") or "modules"
        out.append(Cue("removal", 4.0, f"{moved} (now in {pkg.group(1)})" if pkg else moved, text, source))
    m = _METRIC_FORMAT.search(text)
    if m:
        said = re.sub(r"^\w+\s+(?:the\s+)?|\s+as$", "", m.group(0).strip())
        out.append(Cue("format_change", 3.0, said or "metrics", text, source))
    m = _NOW_MUST.search(text)
    if m and re.search(r"\bnow\b", text, re.I) and not re.search(r"\b(?:to enable|if (?:you|users?) (?:want|need|wish)|optional\w*|opt-?in|new feature)\b", text, re.I):
        out.append(Cue("default_change", 3.0, _subject_of(text, "default_change", m.start()), text, source))
    m = _REGRESSION.search(text)
    if m and not re.search(r"\b(?:fix(?:es|ed)?|resolv\w*|recover\w*|avoid\w*|prevent\w*)\b[^.]{0,40}\b(?:regression|degradation|drop)\b",
                           text, re.I):
        self_report = re.search(r"\b(?:this|the) (?:pr|change|patch|commit|update|upgrade|fix)\b|^\W*(?:it|this)\b|known issue|"
                                r"broken by|temporar", text, re.I)
        if re.search(r"\b(?:tests?|ut|e2e|cases?|ci|skip\w*)\b", text, re.I) and not re.search(r"known issue", text, re.I):
            self_report = None
        if self_report or not body:
            out.append(Cue("regression", 3.0, shorten(text, 80), text, source))
    if body:
        out = [replace(c, score=c.score - 0.5) for c in out]
    return out


def _signature_cues(text: str, source: str) -> list[Cue]:
    """A public call that callers must now write differently: a changed signature or interface, a parameter
    whose type changes, a public type replaced by another (additions with defaults are not breaking)."""
    out = []
    if _NOT_BREAKING.search(text) or re.search(r"\b(?:no|not|without|never|nor)\b[^.;]{0,50}\b(?:signatures?|interfaces?|"
                                                r"apis?)\b|n't\b|\bbackwards?[- ]compatib\w*|\b(?:internal|private|docs?|docstrings?|tests?|"
                                                r"benchmarks?|examples?)\b", text, re.I):
        return out
    m = _SIGNATURE.search(text) or _PARAM_TYPE.search(text)
    if m:
        names = _CODE.findall(text) or _SNAKE.findall(text)
        said = re.sub(r"^\W*(?:\[[^\]]*\]\s*)*(?:\w+\s+){0,1}", "", text[: m.start()]).strip(" :,")
        out.append(Cue("format_change", 3.0, names[0] if names else (said if 0 < len(said.split()) <= 4 and not
                                                                      re.search(r"[:\"]", said) else "public API"),
                       text, source))
    m = _TYPE_REPLACED.search(text)
    if m:
        out.append(Cue("rename", 3.0, f"{m.group(2)} → {m.group(1)}", text, source))
    m = _PACKAGE_RENAMED.search(text)
    if m:
        out.append(Cue("rename", 3.5, f"{m.group(1)} → {m.group(2)}", text, source))
    return out


def _replaced_subject(text: str) -> str:
    """What an environment variable was replaced for, when the sentence does not name the variable:
    "Make pdl a function parameter instead of environment variable" → "pdl"."""
    m = re.search(r"^\W*(?:\[[^\]]*\]\s*)*(?:make|use|move|turn|pass|expose|read|migrat\w*|replac\w*|switch)\w*\s+"
                  r"(?:the\s+)?(\S+(?:\s+\S+)?)\s+(?:as|into|to|via|from|with|by)\b", text, re.I)
    if m:
        return m.group(1).strip("`'\" ")
    return _object_after(text, 0, 4) or "environment variable"


def _dropped_subject(text: str, m: re.Match) -> str:
    seg = text[m.start():m.end()]
    if re.search(r"requires?[-_]python|minimum (?:python )?version", seg, re.I):
        return "Python"
    dep = _deps_in(seg)
    version = _version_after(seg, 0)
    if dep and version:
        return f"{dep[0][0]} {version}"
    plat = re.search(_PLATFORM, seg, re.I)
    if plat and not version:
        return plat.group(0)
    if version:
        return version
    return _object_after(text, m.end()) or seg


_SNAKE = re.compile(r"(?<![\w.])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w.])")
_LEAD_VERB = re.compile(r"^(?:enabl|disabl|set|us|turn|mak|chang|modif|switch|shuffl|adjust|updat|increas|decreas|enlarg|"
                        r"rais|lower|flip|restor|stop|remov|keep|default)\w*\b(?:\s+(?:on|off))?\s*", re.I)


def _default_subject(text: str, m: re.Match) -> str:
    for rx in (_ENV_VAR, _FLAG):
        hit = rx.search(text)
        if hit:
            return hit.group(0)
    code = _CODE.search(text)
    if code:
        return code.group(1)
    snake = _SNAKE.search(text)
    if snake:
        return snake.group(0)
    before = re.sub(r"^\W*(?:\[[^\]]*\]\s*)*", "", text[: m.start()])
    before = _LEAD_VERB.sub("", before.strip()).strip(" :,")
    before = re.sub(r"^(?:to|the|a|an)\s+|^(?:the\s+)?default\s+", "", before, flags=re.I)
    if before and len(before.split()) <= 8:
        return before
    after = _LEAD_VERB.sub("", text[m.start():]).strip()
    after = re.sub(r"\s*\bby default\b.*$", "", after, flags=re.I)
    after = re.sub(r"^(?:to|the|a|an)\s+|^(?:the\s+)?default\s+(?:value\s+of\s+(?:the\s+)?)?", "", after, flags=re.I)
    return _object_after(after, 0) or shorten(text, 60)


# ------------------------------------------------------------------------------------------------ diff

_DIFF_FILE = re.compile(r"^diff --git a/(\S+) b/(\S+)", re.M)
_REQ_LINE = re.compile(r"""^\s*["']?([A-Za-z][\w.-]*)\s*(?:\[[^\]]*\])?\s*(==|>=|~=|<=|>|<|=)\s*["']?v?([0-9][\w.+-]*)""")
_BASE_IMAGE = re.compile(r"^\s*FROM\s+(?:\S*/)?([a-z][\w.-]*):v?(\d+(?:\.[0-9A-Za-z]+)*)", re.I)
_INLINE_PIN = re.compile(r"(?<![\w.-])([A-Za-z][\w.-]*)(==|>=|~=)v?(\d[\w.+]*)")
_ARG_FLAG = re.compile(r"""add_argument\(\s*["'](--[a-z][a-z0-9-]+)["']""")
_ENV_READ = re.compile(r"""(?:getenv|environ(?:\.get)?|get_env\w*|env_\w+)\s*[\(\[]\s*["']([A-Z][A-Z0-9_]{3,})["']|^\s*["']([A-Z][A-Z0-9_]{3,})["']\s*:""")
_DEFAULT_ASSIGN = re.compile(r"""(?:^\s*([a-z_][a-z0-9_]*)\s*:\s*[\w\[\]., |]+\s*=\s*(.+?)\s*,?\s*$)|(?:default\s*=\s*([^,)]+))""")


# The files whose diff can show what the text does not say: dependency pins and version floors, and source
# files that by their name or folder define command-line flags, environment variables or configuration
# defaults. Reading only these keeps the report cheap (one ``git diff-tree`` per commit that has any).
_DIFF_WORTHY = re.compile(
    r"(?:^|/)(?:envs?|environ\w*|(?:\w+_)?configs?|(?:\w+_)?config_\w+|settings?|options?|flags?|args?|arg_utils|"
    r"argparse\w*|(?:\w+_)?cli|cmd(?:line)?|defaults?|constants?|(?:api_)?server|serve|launch\w*|entrypoints?)"
    r"\.(?:py|h|hpp|cc|cpp|rs|go)$|(?:^|/)(?:cli|entrypoints?|configs?|envs?)/[^/]+\.(?:py|rs|go)$", re.I)
MAX_DIFF_PATHS = 16
MAX_WIDE_PATHS = 200


def diff_paths(commit: Commit, wide: bool = False) -> tuple[str, ...]:
    """The files of ``commit`` whose diff :func:`diff_cues` can read something from (at most
    ``MAX_DIFF_PATHS``): dependency declarations and flag / environment / configuration modules, never tests
    or docs. Empty for most commits: then no diff needs loading at all. ``wide``: every source file (at most
    ``MAX_WIDE_PATHS``), to see whether a flag or variable gone from those files reappears elsewhere."""
    out = []
    for f in commit.files:
        p = f.path
        if f.binary or _TEST_PATH.search(p) or _DOCS_PATH.search(p) or _CI_PATH.search(p):
            continue
        if _DEPS_PATH.search(p) or _DIFF_WORTHY.search(p) or (wide and _SOURCE_EXT.search(p)):
            out.append(p)
    return tuple(out[:MAX_WIDE_PATHS if wide else MAX_DIFF_PATHS])


def names_gone(diff: str) -> bool:
    """Whether ``diff`` shows a command-line flag or an environment variable stop being read: then the
    rest of the commit's source is worth loading (:func:`diff_paths` ``wide``), since it may only have moved."""
    return any(c.kind in ("removal", "rename") and (c.subject.isupper() or c.subject.startswith("--"))
               for c in diff_cues(diff))


def diff_cues(diff: str, repo: str = "") -> list[Cue]:
    """Cues from a unified diff: changed dependency pins, removed/renamed CLI flags and environment variables,
    changed defaults of configuration fields."""
    out: list[Cue] = []
    flags_out: dict[str, str] = {}
    flags_in: set[str] = set()
    env_out: dict[str, str] = {}
    env_in: set[str] = set()
    for path, removed, added in _diff_files(diff):
        if _TEST_PATH.search(path) or _DOCS_PATH.search(path):
            continue
        if _DEPS_PATH.search(path):
            out.extend(_pin_cues(path, removed, added, repo))
        for m in (m for ln in removed for m in _ARG_FLAG.finditer(ln)):
            flags_out.setdefault(m.group(1), path)
        flags_in |= {m.group(1) for ln in added for m in _ARG_FLAG.finditer(ln)}
        env_in |= {g for ln in added for m in _ENV_READ.finditer(ln) for g in m.groups() if g}
        if path.rsplit("/", 1)[-1].endswith((".py", ".cc", ".cpp", ".h", ".hpp", ".rs", ".go")):
            for var in (g for ln in removed for m in _ENV_READ.finditer(ln) for g in m.groups() if g):
                env_out.setdefault(var, path)
        out.extend(_default_cues(path, removed, added))
    # across the whole diff: a flag or variable that only moved to another file is not gone
    new_flags = sorted(flags_in - set(flags_out))
    for flag in sorted(set(flags_out) - flags_in):
        kind = "rename" if new_flags else "removal"
        out.append(Cue(kind, 4.0, flag, f"{flags_out[flag]}: {flag} " + (f"→ {new_flags[0]}" if new_flags else "removed"),
                       "diff"))
    new_vars = sorted(env_in - set(env_out))
    for var in sorted(set(env_out) - env_in):
        kind = "rename" if new_vars else "removal"
        out.append(Cue(kind, 4.0, var, f"{env_out[var]}: {var} " + (f"→ {new_vars[0]}" if new_vars else "no longer read"),
                       "diff"))
    return out


def _diff_files(diff: str) -> Iterable[tuple[str, list[str], list[str]]]:
    parts = _DIFF_FILE.split(diff)
    for i in range(1, len(parts) - 2, 3):
        path, body = parts[i + 1], parts[i + 2]
        removed = [ln[1:] for ln in body.splitlines() if ln.startswith("-") and not ln.startswith("---")]
        added = [ln[1:] for ln in body.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
        yield path, removed, added


def _pin_cues(path: str, removed: list[str], added: list[str], repo: str) -> list[Cue]:
    docker = "dockerfile" in path.rsplit("/", 1)[-1].lower()

    def pins(lines: list[str]) -> dict[str, tuple[str, str]]:
        found = {}
        for ln in lines:
            m = _REQ_LINE.match(ln.replace("ARG ", "").replace("ENV ", ""))
            if m:
                found[m.group(1).lower()] = (m.group(2), m.group(3))
            elif docker:  # "FROM …/cann:8.3.rc1-910b-…" and "pip install torch==2.8.0 torch-npu==2.8.0"
                image = _BASE_IMAGE.match(ln)
                if image:
                    found.setdefault(image.group(1).lower(), (":", image.group(2)))
                for m in _INLINE_PIN.finditer(ln):
                    found.setdefault(m.group(1).lower(), (m.group(2), m.group(3)))
        return found

    before, after = pins(removed), pins(added)
    out = []
    for pkg, (op, version) in after.items():
        old = before.get(pkg)
        if not old or old == (op, version):
            continue
        if old[1] == version and not (op == "==" and old[0] in (">=", "~=", ">")):
            continue  # only an exact pin of the same floor tightens it ("torch>=2.7.1" → "torch==2.7.1")
        dep = next((n for n, rx in _DEP_RX if rx.fullmatch(pkg) or rx.fullmatch(pkg.replace("_", "-"))), None)
        if dep is None:
            continue
        kind = "dropped_support" if dep == "Python" else "dependency_bump"
        out.append(Cue(kind, 4.0, dep, f"{path}: {pkg}{old[0]}{old[1]} → {pkg}{op}{version}", "diff", version))
    m_old = next((re.search(r"requires-python\s*=\s*[\"']([^\"']+)", ln) for ln in removed if "requires-python" in ln), None)
    m_new = next((re.search(r"requires-python\s*=\s*[\"']([^\"']+)", ln) for ln in added if "requires-python" in ln), None)
    if m_old and m_new and m_old.group(1) != m_new.group(1):
        version = _version_after(m_new.group(1), 0)
        out.append(Cue("dropped_support", 4.0, "Python", f"{path}: requires-python {m_old.group(1)} → {m_new.group(1)}",
                       "diff", version))
    return out


def _default_cues(path: str, removed: list[str], added: list[str]) -> list[Cue]:
    if not path.endswith(".py"):
        return []

    def defaults(lines: list[str]) -> dict[str, str]:
        found = {}
        for ln in lines:
            m = re.match(r"^\s*([a-z_][a-z0-9_]*)\s*:\s*[\w\[\]., |\"']+?\s*=\s*(.+?)\s*$", ln)
            if m and not m.group(2).startswith(("field(", "lambda")):
                found[m.group(1)] = re.sub(r"[\s,):]+$", "", m.group(2))  # "None):" of a reformatted signature is "None"
                continue
            m = re.search(r"""add_argument\(\s*["'](--[a-z][a-z0-9-]+)["'].*?default\s*=\s*([^,)]+)""", ln)
            if m:
                found[m.group(1)] = re.sub(r"[\s,):]+$", "", m.group(2))
        return found

    before, after = defaults(removed), defaults(added)
    return [Cue("default_change", 3.5, key, f"{path}: {key} default {before[key]} → {value}", "diff")
            for key, value in after.items() if key in before and before[key] != value and not key.startswith("_")]


# ---------------------------------------------------------------------------------------------- detect

THRESHOLD = {"removal": 3.0, "rename": 2.5, "default_change": 2.5, "dropped_support": 2.5, "dependency_bump": 2.5,
             "format_change": 2.5, "regression": 2.5}
_KIND_ORDER = ("dropped_support", "dependency_bump", "removal", "rename", "default_change", "format_change", "regression")
_FIXY = re.compile(r"^\W*(?:fix|fixes|fixed|hotfix|bugfix|correct)\b", re.I)
_FIX_TAGS = frozenset({"bugfix", "fix", "hotfix"})
_CI_ONLY_DEP = re.compile(r"\b(?:ut|unit[- ]tests?|ci|e2e)\s+(?:\w+\s+)?(?:version|image)s?\b|\b(?:in|for|of)\s+(?:the\s+|our\s+)?(?:docker\s+containers?|(?:ci|test|dev)\s+(?:containers?|images?|"
                          r"environments?))\b|\bci\s+(?:containers?|images?|dockers?)\b", re.I)


# A commit that says what it removes was never used: a flag or variable gone from the diff then changes nothing.
_UNUSED = re.compile(r"\b(?:unused|useless|not used|never used|no longer used|dead code|(?:has|had|have) no effect|"
                     r"not read anywhere)\b", re.I)
# Runtime requirement declarations of a Python project (not dev, test, docs, lint or CI requirements).
_REQUIREMENTS = re.compile(r"(?:^|/)(?:requirements(?:[-_/][^/]*)?\.txt|setup\.py|setup\.cfg|pyproject\.toml)$", re.I)
_NOT_RUNTIME_REQ = re.compile(r"dev|test|lint|doc|ci|build|bench|example|format|mypy|typing", re.I)
# A subject that says declared versions moved, without naming them.
_DECLARED_MOVE = re.compile(r"\b(?:updat|upgrad|bump|rais|pin|refresh|sync|align)\w*\s+(?:the\s+)?(?:\w+\s+){0,2}?"
                            r"(?:requirements?|deps|dependenc(?:y|ies)|dep versions?|package versions?)\b", re.I)
# A subject that leads with a bump ("Bump up ct and nvidia-ml-py for 0.9 release").
_BUMP_LEAD = re.compile(r"^\W*(?:\[[^\]]*\]\s*)*(?:bump|upgrad|rais|pin)\w*\b", re.I)
# A sentence that states a requirement: "minimum version requirement to 4.3.1", "nvidia-cutlass-dsl>=4.3.1".
_REQUIREMENT_STATEMENT = re.compile(r"\b(?:minimum|minimal|min)\s+(?:\w+\s+){0,2}?(?:version|requirement)\b|"
                                    r"\b(?:should|must|needs?\s+to|has\s+to|have\s+to)\s+(?:be\s+)?(?:use|used with|run with|"
                                    r"run on|built with|install|upgrade to)\b[^.;]{0,30}?\bv?\d+\.\d+|"
                                    r"\b(?:bump|rais|requir|need|pin|upgrad)\w*\b[^.;]{0,40}?\b[a-z][\w.-]*\s*>=\s*v?\d", re.I)
_NOT_A_FLOOR = re.compile(r"<=|<\s*\d|\bcaps?\b|upper bound|\bfrom\b[^.;]{0,30}>=|\b(?:stays?|remains?|unchanged|still)\b",
                          re.I)
# A description sentence that states a move: "Upgrade transformers to >=4.56.4", "Pin torch==2.9.0".
_STATED_MOVE = re.compile(r"^\W*(?:this pr\s+|we\s+)?(?:upgrad|bump|pin|requir|rais|downgrad|updat|pick\w*\s+up)\w*\s+(?:the\s+)?`?"
                          r"[A-Za-z][\w.-]*`?(?:\s+(?:version|dependency|requirement|pin))?\s*(?:to\s+|==|>=|~=|→|->)\s*"
                          r"[`'\"]?(?:>=|==|~=)?\s*v?\d", re.I)


def _paths_facts(commit: Commit) -> dict:
    paths = [f.path for f in commit.files]
    n = max(1, len(paths))
    requirement_files = [p for p in paths if _REQUIREMENTS.search(p) and not _NOT_RUNTIME_REQ.search(p.rsplit("/", 1)[-1])
                         and not _CI_PATH.search(p)]
    runtime = [p for p in paths if _SOURCE_EXT.search(p) and not (_TEST_PATH.search(p) or _DOCS_PATH.search(p)
                                                                      or _CI_PATH.search(p) or p.startswith(("docker/", "k8s/")))]
    return {
        "user_install": any(_USER_DIRS.search(p) and (not _CI_PATH.search(p) or _RELEASE_PATH.search(p)) for p in paths),
        "deps_files": any(_DEPS_PATH.search(p) and not _CI_PATH.search(p) for p in paths),
        "runtime": bool(runtime),
        "docs_only": bool(paths) and all(_DOCS_PATH.search(p) for p in paths),
        "tests_or_ci_only": bool(paths) and all((_TEST_PATH.search(p) or _CI_PATH.search(p)) and not _RELEASE_PATH.search(p)
                                                for p in paths),
        "deleted_share": sum(1 for f in commit.files if f.added == 0 and (f.deleted or 0) > 0) / n,
        "mostly_deletions": commit.deleted > 2 * max(1, commit.added),
        # every changed file is a runtime requirement declaration
        "requirement_files": requirement_files if requirement_files and len(requirement_files) == len(paths) else [],
        # runtime requirement lists (``requirements*.txt``) that changed at all
        "runtime_requirement_lists": [f.path for f in commit.files if f.path.endswith(".txt") and _REQUIREMENTS.search(f.path)
                                      and not _NOT_RUNTIME_REQ.search(f.path.rsplit("/", 1)[-1]) and not _CI_PATH.search(f.path)],
        # runtime requirement lists (``requirements*.txt``) that only gained lines
        "new_requirements": [f.path for f in commit.files if f.path.endswith(".txt") and _REQUIREMENTS.search(f.path)
                             and not _NOT_RUNTIME_REQ.search(f.path.rsplit("/", 1)[-1]) and not _CI_PATH.search(f.path)
                             and (f.added or 0) > 0 and not f.deleted],
    }


def _model_gone(commit: Commit) -> str | None:
    """The name of a model whose implementation (``models/<name>.py``) and user documentation (``docs/…/<name>.md``)
    are both deleted whole by ``commit``, or None."""
    whole = [f.path for f in commit.files if not f.added and (f.deleted or 0) > 0]
    code = {p.rsplit("/", 1)[-1][:-3].lower() for p in whole if re.search(r"(^|/)models?/[^/]+\.py$", p)
            and not _TEST_PATH.search(p)}
    docs = {p.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower() for p in whole if _DOCS_PATH.search(p) and p.endswith((".md", ".rst"))}
    both = sorted((code & docs) - {"__init__", "index", "utils", "base"})
    return both[0] if both else None


def _security_subject(title: str, pr: PRBody) -> str:
    """What a security fix hardens, in the author's words: its subject without the verb ("explicit
    trust_remote_code controls"), or, for a bare "fix security issues", its first what/why sentence."""
    rest = re.sub(r"^\W*(?:\[[^\]]*\]\s*)*(?:fix|fixes|fixed|add|adds|added|harden\w*|resolve\w*|address\w*)?\s*", "",
                  title, flags=re.I)
    rest = re.split(r"\s+(?:to|for)\s+(?:resolve|fix|address)\b", rest, maxsplit=1)[0]
    if _SECURITY.fullmatch(rest.split()[-1] if rest.split() else "") or len(rest.split()) <= 2:
        return shorten(pr.what[0], 60) if pr.what else shorten(title, 60)
    return shorten(rest, 60)


def candidates(commit: Commit, pr: PRBody, title: TitleParts | str, diff: str | None = None) -> list[Cue]:
    """All cues for a commit, each scored in context (paths, the PR's own answer, the commit's type)."""
    title_text = title.title if isinstance(title, TitleParts) else str(title)
    tags = set(title.tags) if isinstance(title, TitleParts) else set()
    ctype = title.conventional_type if isinstance(title, TitleParts) else None
    scope = (title.conventional_scope or "").lower() if isinstance(title, TitleParts) else None
    facts = _paths_facts(commit)
    repo = commit.repo
    cues: list[Cue] = []
    marked = (isinstance(title, TitleParts) and title.breaking) or pr.marked_breaking or bool(_API_TAG.search(commit.subject))
    footer = breaking_footer(commit.body)
    for note in ((footer,) if footer else ()) + pr.breaking_notes:
        found = text_cues(note, "footer", repo, facts["user_install"])
        best = max(found, key=lambda c: c.score, default=None)
        kind = best.kind if best and best.score > 1.0 else _guess_kind(note)
        cues.append(Cue(kind, AUTHOR_SCORE, best.subject if best else _subject_of(note, kind), note, "footer",
                        best.version if best else None))
    if marked:
        cues.append(_marked_cue(commit, pr, title_text, repo, facts))
    if diff:
        unused = _UNUSED.search(f"{commit.subject}\n{commit.body}")  # "`X` is not used anywhere, let's remove it"
        cues.extend(c for c in diff_cues(diff, repo)
                    if not (unused and c.kind in ("removal", "rename") and (c.subject.isupper() or c.subject.startswith("--"))))
    reverting = is_revert(commit.subject) or ctype == "revert"
    for cue in () if reverting else text_cues(title_text, "subject", repo, facts["user_install"]):
        # a revert's subject quotes the change it undoes: that change's words are not this commit's
        cues.append(_in_context(cue, facts, pr, tags, ctype, title_text, scope))
    own_version = re.search(r"\b(?:bump|updat|set)\w*\s+(?:the\s+)?(?:package\s+|project\s+|release\s+)?version\b", title_text, re.I)
    loosened = re.search(r"\b(?:upper bound|relax\w*|unpin\w*|allow newer|loosen\w*|caps?)\b", title_text, re.I)
    if facts["requirement_files"] and not reverting and not own_version and not loosened and (
            _DECLARED_MOVE.search(title_text) or _BUMP_LEAD.match(title_text)):
        # "update ascend requirements", "Update dep versions for release": only declarations changed
        cues.append(_in_context(Cue("dependency_bump", 3.0, facts["requirement_files"][0], commit.subject, "paths"),
                                facts, pr, tags, ctype, title_text, scope))
    if facts["new_requirements"] and facts["requirement_files"] and not reverting and not loosened \
            and not re.search(r"\b(?:limit|cap|constrain|restrict|upper)\w*", title_text, re.I) \
            and not (_FIXY.search(title_text) or tags & _FIX_TAGS):
        # a line added to a runtime requirements file and none taken away: a new package users must install
        cues.append(_in_context(Cue("dependency_bump", 3.0, facts["new_requirements"][0], commit.subject, "paths"),
                                facts, pr, tags, ctype, title_text, scope))
    gone = _model_gone(commit)
    if gone and not reverting:
        # "lmdeploy/pytorch/models/mllama.py" and "docs/…/mllama.md" both deleted: that model is no longer supported
        cues.append(_in_context(Cue("removal", 3.5, f"{gone} model", commit.subject, "paths"), facts, pr, tags, ctype,
                                title_text, scope))
    swap = next((m for m in (_DEP_SWAP.search(t) for t in (title_text, *pr.what[:8])) if m), None)
    if swap and facts["runtime_requirement_lists"] and not reverting:
        # "replace outlines with xgrammar" while the runtime requirement lists change: users install another package
        cues.append(_in_context(Cue("dependency_bump", 3.0, swap.group(2), swap.string, "body" if swap.string != title_text
                                    else "subject"), facts, pr, tags, ctype, title_text, scope))
    if _SECURITY.search(title_text) and facts["runtime"] and not reverting:
        # a security fix hardens a path: what it accepted before (remote code, private addresses) may now be refused
        cues.append(_in_context(Cue("default_change", 3.0, _security_subject(title_text, pr), commit.subject, "subject"),
                                facts, pr, tags, ctype, title_text, scope))
    said = pr.user_facing_text[:3] if pr.user_facing != "no" else ()
    for sentence in said:
        for cue in text_cues(sentence, "body", repo, facts["user_install"]):
            cues.append(_in_context(replace(cue, score=cue.score + 0.5), facts, pr, tags, ctype, title_text, scope))
    for sentence in pr.what[:8] + pr.bot[:12]:
        for cue in text_cues(sentence, "body", repo, facts["user_install"]):
            strong = cue.kind in ("removal", "rename") and (_ENV_VAR.search(sentence) or _FLAG.search(sentence)
                                                             or "no longer" in sentence.lower()
                                                             or _ENV_REPLACED.search(sentence) or _PUBLIC_API.search(sentence)
                                                             or _CONFIG_MOVED.search(sentence)
                                                             or _TYPE_REPLACED.search(sentence) or _PACKAGE_SPLIT.search(sentence)
                                                             or _ONLY_WORKS.search(sentence) or _NAMED_BACKEND_GONE.search(sentence)
                                                             or _PACKAGE_RENAMED.search(sentence))
            dependency = cue.kind == "dependency_bump" and (
                (facts["deps_files"] and bool(_NEW_PACKAGE.search(sentence) or _STATED_MOVE.search(sentence)))
                or bool(_REQUIREMENT_STATEMENT.search(sentence) and cue.version and cue.subject != "Python"
                        and not _NOT_A_FLOOR.search(sentence))
                or bool(_REQUIRES_VERSION.search(sentence)) or bool(_ADDED_DEP.search(sentence) and facts["deps_files"]))
            if cue.kind in ("regression", "format_change", "dropped_support", "default_change") or strong or dependency:
                cues.append(_in_context(cue, facts, pr, tags, ctype, title_text, scope))
    return cues


def _marked_cue(commit: Commit, pr: PRBody, title: str, repo: str, facts: dict) -> Cue:
    """The author marked the change breaking (``feat!:``, ``[Breaking]``, a checked box): say what breaks from
    the strongest statement of the subject or the description ("The old `--legacy-loader` flag is removed"),
    never by reading the subject as the thing removed. With no such statement the cue keeps the mark itself
    (source ``mark``): the report then says the author marked it, quoting the subject."""
    found = [replace(c, evidence=commit.subject) for c in text_cues(title, "subject", repo, facts["user_install"])]
    said = pr.user_facing_text[:3] if pr.user_facing != "no" else ()
    for sentence in tuple(said) + pr.what[:8]:
        # read like a subject: the author said it breaks, so a plain "remove the `x` parameter" is the statement
        found += [replace(c, source="body", score=c.score - 0.25)
                  for c in text_cues(sentence, "subject", repo, facts["user_install"])]
    best = max(found, key=lambda c: (c.score, -SOURCE_RANK[c.source]), default=None)
    if best is not None and best.score > 1.0:
        return replace(best, score=AUTHOR_SCORE - 0.5, needs_deletions=False)
    return Cue(_guess_kind(title), AUTHOR_SCORE - 0.5, title, commit.subject, "mark")


def _guess_kind(text: str) -> str:
    low = text.lower()
    for kind, words in (("format_change", ("now accept", "signature", " now take", "now return", "return type")),
                        ("rename", ("renam", " instead of ", "replac")), ("default_change", ("default",)),
                        ("format_change", ("format", "return", "layout", "schema")),
                        ("dependency_bump", ("require", "upgrade", "version")), ("removal", ("remov", "delet", "drop"))):
        if any(w in low for w in words):
            return kind
    return "removal"


def _in_context(cue: Cue, facts: dict, pr: PRBody, tags: set[str], ctype: str | None, title: str,
                scope: str | None = None) -> Cue:
    score = cue.score
    kind = cue.kind
    if facts["tests_or_ci_only"] and kind != "regression":
        score -= 3.0
    if facts["docs_only"] and kind in ("dependency_bump", "default_change", "format_change", "rename", "dropped_support"):
        score -= 2.5
    if kind == "removal":
        if cue.needs_deletions:
            score += 1.0 if facts["mostly_deletions"] else -3.0
        elif facts["deleted_share"] >= 0.3 or facts["mostly_deletions"]:
            score += 0.5
        if facts["docs_only"] and (cue.source == "subject" or "no longer" not in cue.evidence.lower()):
            score -= 2.5
        elif not facts["runtime"] and not facts["docs_only"]:
            score -= 1.5
    if kind == "dependency_bump" and facts["deps_files"]:
        score += 0.5
    if kind == "dependency_bump" and _CI_ONLY_DEP.search(cue.evidence):
        score -= 2.0  # "upgrade X in the docker container": the project's CI image, not what users install
    if pr.user_facing == "yes" and kind in ("removal", "rename", "default_change", "format_change"):
        score += 1.0
    if pr.user_facing == "no":
        score -= {"removal": 1.5, "rename": 1.5, "format_change": 1.5, "default_change": 0.5}.get(kind, 0.0)
    if tags & {"test", "ci", "docs", "doc"} and kind not in ("dependency_bump", "dropped_support"):
        score -= 1.0
    if (ctype in ("test", "ci", "docs", "style") or "ci" in tags or scope == "ci") and kind == "dependency_bump" \
            and not facts["user_install"]:
        score -= 2.0
    if kind == "removal" and cue.source == "subject" and any("deprecat" in t for t in tags) \
            and (facts["mostly_deletions"] or facts["deleted_share"] >= 0.3):
        score += 1.5  # "[V0 Deprecation] Remove V0 Attention": the deprecated thing is now gone
    if kind in ("removal", "rename") and ((cue.source == "subject" and _FIXY.search(title))
                                          or (cue.source == "body" and tags & _FIX_TAGS)):
        score -= 1.0  # a fix that removes something: usually the broken mechanism itself
    if kind == "format_change" and cue.source == "body" and (ctype == "fix" or tags & _FIX_TAGS) \
            and not _PUBLIC_API.search(cue.evidence):  # "public API signature updated" is no fix's mechanics
        score -= 1.0  # "fix … by modifying the return value": the fix's own mechanics
    if kind in ("rename", "removal") and cue.source == "subject" and (any("refactor" in t for t in tags)
                                                                    or ctype == "refactor"
                                                                    or re.match(r"\W*(?:refactor|clean\s?up)\b", title, re.I)):
        score -= 1.0
    if any(_NOT_BREAKING.search(t) for t in pr.user_facing_text[:2]) and kind != "dependency_bump":
        score -= 1.5
    return replace(cue, score=score)


# A plugin that follows an upstream: the upstream's own variables ("VLLM_USE_V1" in vllm-ascend, not "VLLM_ASCEND_…")
# are dropped because the upstream dropped them, not by the plugin's choice.
_UPSTREAM_ENV = {"vllm-ascend": re.compile(r"^`?VLLM_(?!ASCEND_)[A-Z0-9_]+`?$")}


_UPSTREAM_SAID = re.compile(r"\b(?:removed|deleted|dropped|deprecated)\s+(?:from|in|by)\s+(?:the\s+)?(?:upstream\s+)?vllm\b|"
                            r"\bvllm\s+(?:has\s+)?(?:already\s+)?(?:removed|dropped|deleted|requires)\b|\bupstream\b", re.I)


def _upstream_variable(cue: Cue, commit: Commit) -> bool:
    """``cue`` removes the upstream's own variable and the commit says the upstream dropped or replaced it."""
    rx = _UPSTREAM_ENV.get(commit.repo.rsplit("/", 1)[-1].lower())
    return bool(rx and cue.kind == "removal" and rx.match(cue.subject.strip())
                and _UPSTREAM_SAID.search(f"{commit.subject}\n{commit.body}"))


def pick(cues: Iterable[Cue]) -> Cue | None:
    """The strongest cue above its kind's threshold (ties: author marks, diff, subject, body; then kind order)."""
    above = [c for c in cues if c.score >= THRESHOLD[c.kind]]
    if not above:
        return None
    best = max(above, key=lambda c: (c.score, -SOURCE_RANK[c.source], -_KIND_ORDER.index(c.kind)))
    if best.source == "diff":
        # what the diff shows and the message already says is quoted from the message: a report read from a
        # mined file (no diff) then says the same as the report of the clone
        said = [c for c in above if c.source != "diff" and c.kind == best.kind
                and c.subject.strip("`").lower() == best.subject.strip("`").lower()
                and (c.version or best.version) == best.version]
        if said:
            return max(said, key=lambda c: (c.score, -SOURCE_RANK[c.source]))
    return best


def detect(commit: Commit, pr: PRBody, title: TitleParts | str,
           diff: str | Callable[[Commit], str | None] | None = None) -> Breaking | None:
    """The breaking / action-needed change of ``commit``, or None. ``diff`` is the unified diff text, or a
    loader called with the commit (the caller decides whether reading the repository is worth it)."""
    text = diff(commit) if callable(diff) else diff
    best = pick(c for c in candidates(commit, pr, title, text) if not _upstream_variable(c, commit))
    if best is None:
        return None
    return Breaking(kind=best.kind, subject=shorten(best.subject, 60) or best.kind, evidence=shorten(best.evidence, 300),
                    source=best.source, version=best.version)


_CODE_LIKE = re.compile(r"^(?:--[\w-]+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[\w.]*_[\w.]*|[a-z]+[A-Z]\w*|[\w./-]+\.(?:py|h|cpp|cu))$")


def what(b: Breaking, lang: str) -> str:
    """What the user must know or do about ``b``, in the report's language. The subject is source text:
    names of flags, variables and APIs become code spans, other text stays as written (the report escapes it)."""
    subject = b.subject.strip().strip("`")
    if b.source == "mark":
        return t(lang, "breaking_marked", subject=subject)
    if _CODE_LIKE.match(subject) and b.kind not in ("dependency_bump", "dropped_support"):
        subject = f"`{subject}`"
    elif lang == "zh" and b.kind not in ("dependency_bump", "dropped_support", "regression"):
        subject = f"“{subject}”"
    if b.kind == "dependency_bump" and b.version:
        return t(lang, "breaking_dependency_bump_version", subject=subject, version=b.version)
    if b.kind == "dependency_bump" and is_requirement_file(subject):  # a declaration file changed, no package named
        return t(lang, "breaking_dependency_file", subject=subject)
    if b.kind == "default_change" and b.source == "subject" and _SECURITY.search(b.evidence):
        return t(lang, "breaking_security", subject=subject)
    form = default_form(b)
    if form:
        return t(lang, f"breaking_default_{form}", subject=subject)
    return t(lang, f"breaking_{b.kind}", subject=subject)


_ON_BY_DEFAULT = re.compile(r"\b(?:enabl|turn\w* on|switch\w* on|activat)\w*\s+(.{1,60}?)\s+by default\b", re.I)
_USE_BY_DEFAULT = re.compile(r"\b(?:use[sd]?|using|switch\w* to|adopt\w*)\s+(.{1,60}?)\s+by default\b", re.I)
_OFF_BY_DEFAULT = re.compile(r"\b(?:disabl|turn\w* off|switch\w* off|deactivat)\w*\s+(.{1,60}?)\s+by default\b", re.I)


def default_form(b: Breaking) -> str | None:
    """How a default change reads: "new" when its subject becomes the default ("use python 3.12 as the
    default version"), "on" / "off" when it is turned on or off by default; None for a plain change."""
    if b.kind != "default_change" or b.source in ("diff", "mark"):
        return None
    subject = b.subject.strip().strip("`").lower()
    text = b.evidence.replace("`", "")
    for form, rx in (("new", _AS_DEFAULT), ("new", _USE_BY_DEFAULT), ("on", _ON_BY_DEFAULT), ("off", _OFF_BY_DEFAULT)):
        m = rx.search(text)
        if m and subject and subject in m.group(0).lower():
            return form
    return None


def is_requirement_file(name: str) -> bool:
    """``setup.py``, ``requirements/runtime.txt``: a file declaring requirements, not a package."""
    return bool(_DEPS_PATH.search(name.strip().strip("`")))


__all__ = ["detect", "what", "candidates", "pick", "text_cues", "diff_cues", "diff_paths", "names_gone", "is_requirement_file", "default_form", "Cue", "CORE_DEPENDENCIES",
           "THRESHOLD"]
