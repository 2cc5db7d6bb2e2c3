"""Why a commit got its tier, in one short sentence a reader can use (the report's language).

Computed from facts the classifier also sees — the rules preset's hits and caps, the PR description's
user-facing answer, breaking detections — next to the ``Verdict``, never from model internals. When the
rules point higher than the tier, the sentence says what outweighed them: a cap (one platform, docs only, ...)
or the model's judgment from similar past commits. Probabilities, thresholds, features and neighbours stay
in the JSON twin (``verdict``) and in ``report --explain``.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..classifier.policy import budget_of_reasons
from ..classifier.rules import PRESETS, TIER_ORDER, Cap, Preset, Rule
from ..i18n import STRINGS, t
from ..records import Commit, Features, Verdict

MAX_PHRASES = 3
_IMPLIED = {"runtime-code": None, "fix": "core-fix"}  # shown only when nothing more specific is: (name, unless)
# Rules whose hit alone signals a high commit (the rubric: a core dependency's bump, a changed default,
# flag or API), whatever the rest of the score: beside a lower tier the reason must say what outweighed them.
HIGH_SIGNAL_RULES = frozenset({"core-dependency", "behaviour-change"})


@dataclass(frozen=True)
class RuleView:
    """What the rules say about one commit: score, hits, the tier from the score alone and after caps."""

    preset: Preset
    score: int
    hits: tuple[Rule, ...]
    caps: tuple[Cap, ...]  # caps whose condition holds (docs only, one platform, ...)
    score_tier: str
    rule_tier: str  # after caps


def preset_of(verdict: Verdict) -> Preset:
    """The preset that decided (``rules:<name>``); the model is read against ``default``."""
    kind, _, name = verdict.classifier.partition(":")
    return PRESETS.get(name) if kind == "rules" and name in PRESETS else PRESETS.get("default")


def _tier_of(score: int, preset: Preset) -> str:
    return "high" if score >= preset.high_at else "medium" if score >= preset.medium_at else "low"


def rule_view(commit: Commit, feats: Features, verdict: Verdict) -> RuleView:
    return _rule_view(commit, feats, preset_of(verdict).name)


@lru_cache(maxsize=4096)
def _rule_view(commit: Commit, feats: Features, preset_name: str) -> RuleView:
    """Memoised: the reason, the headline's ranking and the low-tier line all ask for the same commit."""
    preset = PRESETS.get(preset_name)
    score, hits = preset.score(commit, feats)
    tier = _tier_of(score, preset)
    caps = tuple(cap for cap in preset.caps if cap.when(commit, feats))
    capped = min([tier] + [c.max_tier for c in caps], key=TIER_ORDER.__getitem__)
    return RuleView(preset, score, tuple(hits), caps, tier, capped)


def _has(lang: str, key: str) -> bool:
    return key in STRINGS[lang]


def _hit_phrases(view: RuleView, lang: str) -> list[str]:
    names = {r.name for r in view.hits}
    positive = sorted((r for r in view.hits if r.points > 0), key=lambda r: -r.points)
    chosen = []
    for r in positive:
        if r.name in _IMPLIED:
            unless = _IMPLIED[r.name]
            if (unless and unless in names) or (unless is None and len(positive) > 1):
                continue
        chosen.append(r)
    binding = {c.name for c in view.caps if TIER_ORDER[c.max_tier] < TIER_ORDER[view.score_tier]}
    negative = [r for r in view.hits if r.points < 0 and r.name not in binding]
    return [t(lang, f"reason_{r.name}") for r in chosen + negative if _has(lang, f"reason_{r.name}")]


def _fact_phrases(feats: Features, lang: str) -> list[str]:
    out = []
    if feats.breaking is not None:  # what it is and what to do is the entry's ⚠️ line, not repeated here
        out.append(t(lang, "reason_breaking"))
    elif feats.breaking_mark:
        out.append(t(lang, "reason_breaking_mark"))
    if feats.pr.user_facing == "yes":
        out.append(t(lang, "reason_user_facing"))
    return out


def reader_reason(commit: Commit, feats: Features, verdict: Verdict, lang: str) -> str:
    """One sentence: the strongest signals (at most three), the facts a reader cares about, and — when the
    rules point elsewhere than the tier — what outweighed them."""
    view = rule_view(commit, feats, verdict)
    tier_word = lambda tier: t(lang, "tier_word_" + tier)  # noqa: E731
    if view.preset.name == "argus":
        phrases = [t(lang, "reason_argus", score=view.score)]
    else:
        phrases = _hit_phrases(view, lang)[:MAX_PHRASES]
    phrases += _fact_phrases(feats, lang)
    cap_phrases = [t(lang, f"reason_cap_{c.name}") for c in view.caps if _has(lang, f"reason_cap_{c.name}")]
    is_model = not verdict.classifier.startswith("rules")
    tier = verdict.tier
    signal = signal_tier(view, feats)
    budget = budget_of_reasons(verdict.reasons)
    if budget is not None:  # the model called it high; the day's attention budget went to higher-ranked ones
        phrases.append(t(lang, "reason_budget", k=budget[0], n=budget[1]))
    elif TIER_ORDER[signal] > TIER_ORDER[tier]:
        # something points higher than the tier: say what outweighed it
        binding = [t(lang, f"reason_cap_{c.name}") for c in view.caps
                   if TIER_ORDER[c.max_tier] <= TIER_ORDER[tier] and _has(lang, f"reason_cap_{c.name}")]
        capped = min([signal] + [c.max_tier for c in view.caps], key=TIER_ORDER.__getitem__)
        if binding and phrases:
            phrases.append(t(lang, "reason_but_cap", rule_tier=tier_word(signal), cap=binding[0]))
        elif binding:
            phrases.append(binding[0])
        elif is_model:
            phrases.append(t(lang, "reason_but_model", rule_tier=tier_word(capped), tier=tier_word(tier)))
        else:
            phrases.append(t(lang, "reason_but_score", rule_tier=tier_word(capped), tier=tier_word(tier)))
    elif is_model and TIER_ORDER[view.rule_tier] < TIER_ORDER[tier]:
        phrases.append(t(lang, "reason_model_higher", tier=tier_word(tier), rule_tier=tier_word(view.rule_tier)))
    if not phrases:
        phrases = cap_phrases[:1] or [t(lang, "reason_small")]
    text = t(lang, "sep").join(dict.fromkeys(phrases))
    if lang == "en":
        text = text[:1].upper() + text[1:]
    return text + t(lang, "stop")


def low_despite_breaking(commit: Commit, feats: Features, verdict: Verdict, lang: str) -> str:
    """A low entry's reason right after its ⚠️ line: the warning already says what breaks, so only what kept
    the commit low is left to say ("Still low: no code that runs in production.")."""
    view = rule_view(commit, feats, verdict)
    tier = t(lang, "tier_word_" + verdict.tier)
    binding = [t(lang, f"reason_cap_{c.name}") for c in view.caps
               if TIER_ORDER[c.max_tier] <= TIER_ORDER[verdict.tier] and _has(lang, f"reason_cap_{c.name}")]
    if binding:
        why = binding[0]
    elif not verdict.classifier.startswith("rules"):
        why = t(lang, "reason_low_model", tier=tier)
    else:
        why = t(lang, "reason_low_score")
    return t(lang, "reason_still", tier=tier, why=why) + t(lang, "stop")


def signal_tier(view: RuleView, feats: Features) -> str:
    """The tier the importance signals point to before caps: the rules' score, raised to high by a breaking
    detection or a hit of HIGH_SIGNAL_RULES (the rubric: removals, default changes, dropped support, new
    required versions and core dependency bumps are high)."""
    if feats.breaking is not None or any(r.name in HIGH_SIGNAL_RULES for r in view.hits):
        return "high"
    return view.score_tier


def rules_point_higher(commit: Commit, feats: Features, verdict: Verdict) -> bool:
    """Some signal (a rule's score, a breaking detection) points higher than the verdict's tier; the reason
    then says what outweighed it."""
    return TIER_ORDER[signal_tier(rule_view(commit, feats, verdict), feats)] > TIER_ORDER[verdict.tier]


__all__ = ["HIGH_SIGNAL_RULES", "RuleView", "rule_view", "reader_reason", "rules_point_higher", "low_despite_breaking", "preset_of"]
