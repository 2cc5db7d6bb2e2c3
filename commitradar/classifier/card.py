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
from ..features.embedding import EMBEDDINGS, MODEL_NAME, TEXT_VERSION
from .anchoring import anchor_line
from .curves import curves_markdown
from .design import Mapping, mapping_from_json, mapping_to_json
from .metrics import spread_markdown
from .policy import policy_line
from .vector import VECTOR_VERSION, hand_feature_names

MODEL_FORMAT = 4  # 2: one-vs-rest high/low heads; 3: each head blends a linear and a tree model; 4: ImportanceModel
# is a scikit-learn estimator: its parameters in the card, each head's sigmoid fit once on inner date folds


def library_versions() -> dict:
    import sklearn

    versions = {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "numpy": np.__version__}
    for mod in ("sentence_transformers", "torch", "skops"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception:  # pragma: no cover - optional at card time
            pass
    return versions


def compat_fields(mapping: Mapping, embedding: str = MODEL_NAME) -> dict:
    """What a model trained now with path ``mapping`` and sentence model ``embedding`` records so a later
    commitradar can tell whether it can feed it the same inputs."""
    return {"format": MODEL_FORMAT, "feature_version": FEATURE_VERSION, "vector_version": VECTOR_VERSION,
            "embedding_model": embedding, "embedding_text_version": TEXT_VERSION,
            "path_mapping": mapping_to_json(mapping), "hand_features": hand_feature_names(mapping)}


def card_mapping(card: dict) -> Mapping:
    """The path mapping the model was trained with: it is always featurised with it."""
    return mapping_from_json(card["path_mapping"])


def sklearn_minor(version: str) -> str:
    """``1.9.1`` → ``1.9``: fitted estimators are only promised to load within one minor release."""
    return ".".join(str(version).split(".")[:2])


def check_compatible(card: dict, where: Path) -> None:
    """InputError (saying to retrain) unless this commitradar featurises as the model expects, with the
    same scikit-learn major.minor."""
    import sklearn

    def refuse(why: str):
        raise InputError(f"model in {where} {why}: retrain it with `commitradar train`")

    if card.get("format") != MODEL_FORMAT:
        refuse(f"was made for format {card.get('format')!r}, this commitradar uses {MODEL_FORMAT!r}")
    if not isinstance(card.get("path_mapping"), list):
        refuse("records no path mapping")
    if card.get("embedding_model") not in EMBEDDINGS:
        refuse(f"was made for embedding_model {card.get('embedding_model')!r}, this commitradar knows "
               f"{', '.join(EMBEDDINGS)}")
    mine = compat_fields(card_mapping(card), card["embedding_model"])
    for key in ("feature_version", "vector_version", "embedding_model", "embedding_text_version"):
        if card.get(key) != mine[key]:
            refuse(f"was made for {key} {card.get(key)!r}, this commitradar uses {mine[key]!r}")
    if card.get("hand_features") != mine["hand_features"]:
        refuse("was made for other hand features")
    theirs = str(card.get("versions", {}).get("scikit-learn", "?"))
    if sklearn_minor(theirs) != sklearn_minor(sklearn.__version__):
        refuse(f"was made with scikit-learn {theirs}, this is {sklearn.__version__} (they must share major.minor)")


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
             f"embedding {card.get('embedding_model')} (text v{card.get('embedding_text_version')}), "
             f"{len(card.get('hand_features', []))} hand features, path categories "
             f"{', '.join(c for c, _ in card.get('path_mapping', []))} (the model always reads paths this way)",
             f"- hyper-parameters: {', '.join(f'{k}={v}' for k, v in sorted((card.get('params') or {}).items()))}",
             f"- tier policy: {policy_line(card['policy'])} (tuned for {card.get('policy_target')})",
             f"- {anchor_line(card['anchor'])}" if card.get("anchor") else "- rate anchoring: not recorded",
             f"- library versions: {', '.join(f'{k} {v}' for k, v in card.get('versions', {}).items())}",
             f"- sha256: model.skops `{card.get('model_sha256', '?')}`, neighbours.npz "
             f"`{card.get('neighbours_sha256', '?')}`", ""]
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
    lines += curves_markdown(card)
    lines += ["## Trust", "", "`model.skops` is a skops file, not a pickle. Loading checks both files against the "
              "sha256 recorded above, refuses any type outside an explicit list (exactly the scikit-learn, numpy "
              "and builtin types this model is made of), and refuses a scikit-learn of another major.minor "
              "release than the one it was trained with.", ""]
    return "\n".join(lines)
