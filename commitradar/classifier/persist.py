"""A trained model on disk: ``model.skops`` (skops, no pickle), ``neighbours.npz``, ``model_card.json`` and
``MODEL_CARD.md``. Loading checks the card against this commitradar and the file's types before reading it."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ..errors import InputError
from .card import card_markdown, check_compatible
from .estimator import ImportanceModel
from .heads import HEAD_C, TREE_WEIGHT
from .policy import TierPolicy

MODEL_FILE = "model.skops"
NEIGHBOURS_FILE = "neighbours.npz"
CARD_FILE = "model_card.json"
CARD_MD = "MODEL_CARD.md"
SAFE_PREFIXES = ("sklearn.", "numpy.", "builtins.", "scipy.")


def save_model(model: ImportanceModel, out_dir: Path, card: dict) -> dict:
    """Write the model folder; returns the card as written (with the policy and the model's hash)."""
    import skops.io as sio

    out_dir.mkdir(parents=True, exist_ok=True)
    sio.dump({"heads": model.heads, "type": model.type_estimator, "embedding": model.embedding_estimator},
             out_dir / MODEL_FILE)
    np.savez_compressed(out_dir / NEIGHBOURS_FILE, vectors=model.neighbour_vectors,
                        shas=model.neighbour_shas.astype("U12"), tiers=model.neighbour_tiers.astype("U6"))
    card = {**card, "policy": asdict(model.policy), "head_C": HEAD_C,
            "tree_weight": TREE_WEIGHT,
            "model_sha256": hashlib.sha256((out_dir / MODEL_FILE).read_bytes()).hexdigest()}
    (out_dir / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    (out_dir / CARD_MD).write_text(card_markdown(card), encoding="utf-8")
    return card


def load_model(model_dir: Path) -> tuple[ImportanceModel, dict]:
    model_dir = Path(model_dir)
    card_path = model_dir / CARD_FILE
    if not card_path.is_file() or not (model_dir / MODEL_FILE).is_file():
        raise InputError(f"no trained model in {model_dir} (expected {CARD_FILE} and {MODEL_FILE}; "
                         "make one with `commitradar train`)")
    card = json.loads(card_path.read_text(encoding="utf-8"))
    check_compatible(card, model_dir)
    import skops.io as sio

    path = model_dir / MODEL_FILE
    untrusted = sio.get_untrusted_types(file=path)
    unsafe = [t for t in untrusted if not t.startswith(SAFE_PREFIXES)]
    if unsafe:
        raise InputError(f"{path} contains types that are not scikit-learn/numpy: {', '.join(unsafe[:5])}")
    parts = sio.load(path, trusted=untrusted)
    nb = np.load(model_dir / NEIGHBOURS_FILE, allow_pickle=False)
    model = ImportanceModel(policy=TierPolicy(**card["policy"]), heads=parts["heads"],
                            type_estimator=parts["type"], embedding_estimator=parts["embedding"],
                            neighbour_vectors=nb["vectors"], neighbour_shas=nb["shas"], neighbour_tiers=nb["tiers"])
    return model, card
