"""The rubric's medium and high cues read off the PR description's structure, as model features.

Where :mod:`.rubric` greps the raw subject and body, these read what :mod:`.prbody` parsed (what the change
does, the answer to "user-facing change?", a test plan, an empty description) and what :mod:`.breaking`
detected (its kind, and whether the author marked it), so a template's headings, check boxes and bot
summaries do not fire them. The cues were written from real PR descriptions of the labelled period against
importance-rubric.md:

- medium: an opt-in / optional / off-by-default component or one behind a flag; one platform, GPU family or
  backend ("SM12x only", one KV-pool backend, one NPU type); "No" to "user-facing change?"; no functional
  change; test or CI work; a data contract or skeleton of a module users cannot switch on yet;
- high: a removal, a changed default, dropped support, a new model family or hardware target, a security
  fix, data loss or wrong results; the breaking-change detector's kind.

Data, not logic: ``STRUCTURE_NAMES`` fixes the column order; changing it means bumping ``VECTOR_VERSION``.
"""
from __future__ import annotations

import re

from ..records import BREAKING_KINDS, Commit, Features

_I = re.I

# "optional" only as a word of prose: "Optional[int]" (type hints, "modernize … Optional") is not a cue
OPT_IN = re.compile(
    r"\b(opt-?in|(?-i:optional(ly)?)\b(?!\[)|off by default|disabled by default|not (enabled|on) by default|"
    r"defaults? (to )?(off|false|disabled?)\b|behind (a|an|the) (\w+ )?(flag|env\w*|switch|option)|"
    r"(when|if|once) (it is |this is )?(enabled|turned on)\b|experimental|can be (enabled|turned on)|"
    r"users? can (enable|choose|opt)|to enable (it|this)\b)", _I)
PLATFORM = (r"(sm\s?_?1[0-2]\dx?f?|sm\s?_?[89]\da?|hopper|blackwell|ampere|gb\d00|b[23]00|h[12]00|h20|310p|atlas|"
            r"a[235]|mi\d{3}\w*|rocm|amd|xpu|npu|ascend|cpu|gfx\d+|intel|hpu|trtllm|cute ?dsl|mooncake|kv ?pool|"
            r"memcache|lmcache|yuanrong|3fs)")
ONE_PLATFORM = re.compile(
    r"\b" + PLATFORM + r"\b[^.\n]{0,30}\bonly\b|\bonly\b[^.\n]{0,20}\b(on|for|with|in)\b[^.\n]{0,20}\b" + PLATFORM
    + r"\b|\b(specific to|dedicated to|exclusively)\b[^.\n]{0,12}\b" + PLATFORM, _I)
KV_POOL = re.compile(r"\b(kv ?pool|mooncake ?(store|connector)?|memcache|lmcache|yuanrong|3fs|kv ?connector|ucm)\b", _I)
CONTRACT = re.compile(
    r"\b(data contract|interface only|skeleton|scaffold\w*|placeholder|stub|groundwork|preparation for|prepare for|"
    r"in preparation|(not|n't) (yet )?(be )?(used|wired|enabled|exposed|user-facing|switchable|hooked)|"
    r"follow-?up prs?|will be (used|enabled|added|wired) (in|by)|first (step|part|pr) (of|toward|towards|for))\b"
    r"|\[\d+/\d+\]|\bpart \d\b", _I)
NO_CHANGE = re.compile(r"\b(no (functional|behavior|behaviour|user-visible|api) changes?|does not change (any )?"
                       r"(behavior|behaviour)|pure refactor|refactor only|no-?op)\b", _I)
TEST_CI_TITLE = re.compile(r"^(\[[^\]]*\]\s*)*\[?(ci|test|tests|ut|e2e|nightly|doc|docs|misc|lint)\]?\b", _I)
REMOVAL = re.compile(r"\b(remove[sd]?|drop(s|ped)?|delete[sd]?|deprecat\w*|rename[sd]?)\b[^.\n]{0,30}\b(support|flag|"
                     r"option|argument|arg|api|parameter|param|env\w*|variable|feature|config|backend|mode|interface|"
                     r"cli)\b", _I)
DEFAULT_CHANGE = re.compile(r"\b(enabled? by default|on by default|makes? [^.\n]{0,30}\bthe default|change[sd]? (the )?"
                            r"default|default (to|is now|now)|now (the )?default|set [^.\n]{0,20}\bas default|"
                            r"switch(es|ed)? (the )?default|new default)\b", _I)
DROPPED = re.compile(r"\b(drop(s|ped)? support|no longer support\w*|end of support|deprecat\w* support|"
                     r"remove[sd]? support)\b", _I)
NEW_MODEL = re.compile(r"\b(support|supports|add|adds|added|enable|enables|introduce\w*)\b[^.\n]{0,30}\b(new model|"
                       r"model family|architecture|qwen\d[\w.\-]*|deepseek[\w.\-]*|llama[\w.\-]*|glm[\w.\-]*|"
                       r"kimi[\w.\-]*|minimax[\w.\-]*|gpt-oss|mistral[\w.\-]*|internvl[\w.\-]*|gemma[\w.\-]*)"
                       r"|\bday[- ]?(0|zero)\b", _I)
NEW_HARDWARE = re.compile(r"\b(support|supports|add|adds|added|enable|enables)\b[^.\n]{0,25}\b(blackwell|sm ?1[02]\d|"
                          r"gb\d00|b[23]00|a5|mi3\d\d|rocm|new hardware|new platform)\b", _I)
SECURITY = re.compile(r"\b(cve-\d+|security|vulnerab\w*|injection|arbitrary code|remote code|rce|unsafe (load|pickle|"
                      r"deserializ\w*)|trust_remote_code|pickle\.load|weights_only|ssrf|path traversal)\b", _I)
DATA_LOSS = re.compile(r"\b(data loss|los(e|es|t|ing) (data|requests?|tokens?|kv)|corrupt\w*|silent(ly)? (wrong|drop\w*|"
                       r"ignor\w*|fail\w*|corrupt\w*)|wrong (results?|outputs?|answers?|tokens?)|garbage (output|text)|"
                       r"incorrect (results?|outputs?|answers?)|accuracy (drop|degrad\w*|issue|problem|loss|regression))"
                       r"\b", _I)

STRUCTURE_NAMES = (
    ["pr:template", "pr:empty", "pr:tested", "pr:user_facing_yes", "pr:user_facing_no", "pr:n_what",
     "medium:opt_in", "medium:one_platform", "medium:kv_pool", "medium:contract", "medium:no_change",
     "medium:test_ci_title",
     "high:removal", "high:default_change", "high:dropped_support", "high:new_model", "high:new_hardware",
     "high:security", "high:data_loss",
     "breaking:any", "breaking:marked"]
    + [f"breaking:{k}" for k in BREAKING_KINDS]
)


def prose(commit: Commit, feats: Features) -> str:
    """The subject, what the PR says it does and its user-facing answer: the text the cues read."""
    pr = feats.pr
    return "\n".join((commit.subject, *pr.what, *pr.user_facing_text))


def structure_features(commit: Commit, feats: Features) -> list[float]:
    """One value per name of ``STRUCTURE_NAMES``, in that order."""
    pr, brk = feats.pr, feats.breaking
    text = prose(commit, feats)
    values = [pr.template is not None, pr.empty, pr.tested, pr.user_facing == "yes", pr.user_facing == "no",
              min(len(pr.what), 10) / 10,
              bool(OPT_IN.search(text)), bool(ONE_PLATFORM.search(text)), bool(KV_POOL.search(commit.subject)),
              bool(CONTRACT.search(text)), bool(NO_CHANGE.search(text)), bool(TEST_CI_TITLE.search(commit.subject)),
              bool(REMOVAL.search(text)), bool(DEFAULT_CHANGE.search(text)), bool(DROPPED.search(text)),
              bool(NEW_MODEL.search(commit.subject)), bool(NEW_HARDWARE.search(commit.subject)),
              bool(SECURITY.search(text)), bool(DATA_LOSS.search(text)),
              brk is not None, brk is not None and (pr.marked_breaking or brk.source in ("subject", "footer"))]
    values += [brk is not None and brk.kind == k for k in BREAKING_KINDS]
    return [float(v) for v in values]
