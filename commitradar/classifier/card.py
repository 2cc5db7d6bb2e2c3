"""The model card: what a trained model records about itself (data, versions, policy, CV numbers), the
checks that it fits this commitradar, and its Markdown rendering (MODEL_CARD.md)."""
from __future__ import annotations

import hashlib
import platform
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..features import FEATURE_VERSION
from ..features.embedding import MODEL_NAME, TEXT_VERSION
from .anchoring import anchor_line
from .metrics import spread_markdown
from .policy import policy_line
from .vector import VECTOR_VERSION, hand_feature_names

MODEL_FORMAT = 3  # 2: one-vs-rest high/low heads; 3: each head blends a linear and a tree model


def library_versions() -> dict:
    import sklearn

    versions = {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "numpy": np.__version__}
    for mod in ("sentence_transformers", "torch", "skops"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:  # pragma: no cover - optional at card time
            pass
    return versions


def compat_fields() -> dict:
    return {"format": MODEL_FORMAT, "feature_version": FEATURE_VERSION, "vector_version": VECTOR_VERSION,
            "embedding_model": MODEL_NAME, "embedding_text_version": TEXT_VERSION,
            "hand_features": hand_feature_names()}


def check_compatible(card: dict, where: Path) -> None:
    import sklearn

    mine = compat_fields()
    for key in ("format", "feature_version", "vector_version", "embedding_model", "embedding_text_version"):
        if card.get(key) != mine[key]:
            raise InputError(f"model in {where} was made for {key} {card.get(key)!r}, this commitradar uses "
                             f"{mine[key]!r}: retrain it with `commitradar train`")
    if card.get("hand_features") != mine["hand_features"]:
        raise InputError(f"model in {where} was made for other hand features: retrain it with `commitradar train`")
    theirs = str(card.get("versions", {}).get("scikit-learn", "0")).split(".")[0]
    if theirs != sklearn.__version__.split(".")[0]:
        raise InputError(f"model in {where} was made with scikit-learn {card['versions'].get('scikit-learn')}, "
                         f"this is {sklearn.__version__}: retrain it with `commitradar train`")


def data_hash(shas: Sequence[str], tiers: Sequence[str], types: Sequence[str]) -> str:
    rows = sorted(f"{s},{t},{y}" for s, t, y in zip(shas, tiers, types))
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def _names(value) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def card_markdown(card: dict) -> str:
    lines = ["# Model card: commitradar importance model", "",
             f"- trained: {card.get('trained_at', '?')}",
             f"- data hash (sha256 of sorted sha,tier,type): `{card.get('data_hash', '?')}`",
             f"- labels: {card.get('n_labels')} ({', '.join(f'{k} {v}' for k, v in card.get('tier_counts', {}).items())})",
             f"- change types: {', '.join(f'{k} {v}' for k, v in card.get('type_counts', {}).items())}",
             f"- label files: {', '.join(card.get('label_files', []))}",
             f"- feature version {card.get('feature_version')}, vector version {card.get('vector_version')}, "
             f"embedding {card.get('embedding_model')} (text v{card.get('embedding_text_version')})",
             f"- tier policy: {policy_line(card['policy'])} (tuned for {card.get('policy_target')})",
             f"- {anchor_line(card['anchor'])}" if card.get("anchor") else "- rate anchoring: not recorded",
             f"- library versions: {', '.join(f'{k} {v}' for k, v in card.get('versions', {}).items())}",
             f"- model.skops sha256: `{card.get('model_sha256', '?')}`", ""]
    cv = card.get("cv")
    if cv:
        lines += [f"## Cross-validation ({cv.get('folds')} folds grouped by date)", "",
                  f"Trained on every label of each training part; scored on {cv.get('n_scored', '?')} labels "
                  f"({_names(cv.get('scored_on', 'all labels'))}); tier thresholds tuned inside each training part "
                  f"({(card.get('policy_target') or {}).get('scores_from', 'shuffled')} scores).", "",
                  "| model | macro-F1 | accuracy | high recall | high precision | Cohen's κ | LLM share |",
                  "|---|---|---|---|---|---|---|"]
        for name, m in cv.get("models", {}).items():
            lines.append(f"| {name} | {m['macro_f1']:.3f} | {m['accuracy']:.3f} | {m['high_recall']:.3f} | "
                         f"{m['per_class']['high']['precision']:.3f} | {m['kappa']:.3f} | {m['llm_share']:.3f} |")
        lines.append("")
        if cv.get("spread"):
            lines += spread_markdown(cv["spread"], cv.get("repeats", 0))
    lines += ["## Trust", "", "`model.skops` is a skops file, not a pickle: loading refuses any type outside "
              "scikit-learn/numpy/scipy, and the card records its sha256.", ""]
    return "\n".join(lines)
