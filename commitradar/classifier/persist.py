"""A trained model on disk, and the checks that make it safe to load.

A model folder holds ``model.skops`` (the fitted scikit-learn parts, skops format: no pickle),
``neighbours.npz`` (labeled embeddings for reasons), ``model_card.json`` and ``MODEL_CARD.md``.

Saving writes a new folder beside the target and swaps it in atomically: a failed or interrupted ``train``
leaves the previous model whole, never half overwritten. Loading refuses a folder whose card does not fit
this commitradar (:func:`.card.check_compatible`), whose files do not match the sha256 its card records, or
whose ``model.skops`` holds any type outside ``ALLOWED_TYPES`` (exactly the types a model is made of).
"""
from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import asdict
from pathlib import Path

import numpy as np

from ..errors import InputError, OutputError
from ..fileio import atomic_write, sha256_of
from ..records import TIERS
from . import curves
from .card import card_markdown, check_compatible
from .estimator import ImportanceModel
from .policy import TierPolicy

MODEL_FILE = "model.skops"
NEIGHBOURS_FILE = "neighbours.npz"
CARD_FILE = "model_card.json"
CARD_MD = "MODEL_CARD.md"
MODEL_FILES = (MODEL_FILE, NEIGHBOURS_FILE, CARD_FILE, CARD_MD, curves.PR_PLOT, curves.LC_PLOT)

# Every type a model file may hold: what ImportanceModel's fitted parts are made of with scikit-learn 1.9
# (tests check that a freshly trained model holds exactly these). A new scikit-learn minor release may
# store other types: training then refuses to save, and the list is reviewed and extended here.
ALLOWED_TYPES = frozenset({
    "builtins.dict", "builtins.list", "builtins.slice", "builtins.str", "builtins.tuple",
    "numpy.float64", "numpy.ndarray", "numpy.random._generator.Generator", "numpy.uint64",
    "sklearn._loss._loss.CyHalfBinomialLoss", "sklearn._loss.link.Interval", "sklearn._loss.link.LogitLink",
    "sklearn._loss.loss.HalfBinomialLoss",
    "sklearn.calibration.CalibratedClassifierCV", "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.compose._column_transformer.ColumnTransformer",
    "sklearn.ensemble._hist_gradient_boosting.binning._BinMapper",
    "sklearn.ensemble._hist_gradient_boosting.gradient_boosting.HistGradientBoostingClassifier",
    "sklearn.ensemble._hist_gradient_boosting.predictor.TreePredictor",
    "sklearn.ensemble._voting.VotingClassifier",
    "sklearn.linear_model._logistic.LogisticRegression",
    "sklearn.pipeline.Pipeline",
    "sklearn.preprocessing._data.StandardScaler",
    "sklearn.preprocessing._function_transformer.FunctionTransformer",
    "sklearn.preprocessing._label.LabelEncoder",
    "sklearn.utils._bunch.Bunch",
})


def file_types(path: Path) -> set[str]:
    """Every ``module.name`` a skops file would build: the class of each node of its schema, and what skops
    itself reports as untrusted (functions, methods, …). Reads the schema only; builds nothing."""
    import skops.io as sio

    try:
        with zipfile.ZipFile(path) as z:
            schema = json.loads(z.read("schema.json"))
        found = set(sio.get_untrusted_types(file=path))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise InputError(f"{path} is not a readable skops file ({exc})") from None
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__module__" in node and "__class__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found



def check_out_dir(out_dir: Path) -> None:
    """``train --out`` replaces a model folder as a whole: refuse a file, or a folder holding anything else."""
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"--out {out_dir} is a file: give a model folder")
    if out_dir.is_dir():
        others = sorted(p.name for p in out_dir.iterdir() if p.name not in MODEL_FILES)
        if others:
            raise InputError(f"--out {out_dir} holds files that are not a model's ({', '.join(others[:3])}): "
                             "train into a new or empty folder, or a model folder")


def save_model(model: ImportanceModel, out_dir: Path, card: dict) -> dict:
    """Write the model folder atomically; returns the card as written (policy, parameters, file hashes)."""
    import skops.io as sio

    out_dir = Path(out_dir)
    check_out_dir(out_dir)
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".new", dir=out_dir.parent))
    except OSError as exc:
        raise OutputError(f"cannot write to {out_dir.parent}: {exc.strerror or exc}") from None
    try:
        sio.dump({"heads": model.heads_, "type": model.type_estimator_, "embedding": model.embedding_estimator_},
                 staging / MODEL_FILE, compression=zipfile.ZIP_DEFLATED)  # 12.6 MB stored, 0.8 MB deflated
        foreign = file_types(staging / MODEL_FILE) - ALLOWED_TYPES
        if foreign:
            raise OutputError(f"the trained model holds types outside persist.ALLOWED_TYPES ({', '.join(sorted(foreign)[:5])}): "
                              "this scikit-learn stores other types than the one the list was made for; review them")
        np.savez_compressed(staging / NEIGHBOURS_FILE, vectors=model.neighbour_vectors_,
                            shas=model.neighbour_shas_.astype("U12"), tiers=model.neighbour_tiers_.astype("U6"))
        card = {**card, "policy": asdict(model.policy_), "params": model.get_params(),
                "n_features": int(model.n_features_in_),
                "model_sha256": sha256_of(staging / MODEL_FILE),
                "neighbours_sha256": sha256_of(staging / NEIGHBOURS_FILE)}
        (staging / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (staging / CARD_MD).write_text(card_markdown(card), encoding="utf-8")
        for name, data in curves.card_figures(card).items():
            (staging / name).write_bytes(data)
        staging.chmod(0o755)  # mkdtemp makes it private
        swap_in(staging, out_dir)
    except OSError as exc:
        raise OutputError(f"cannot write the model to {out_dir}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone after a swap; after a failure, the partial folder
    return card


def swap_in(new: Path, target: Path) -> None:
    """Make folder ``new`` be ``target``. An existing ``target`` is exchanged with ``new`` in one atomic
    step where the system can (Linux renameat2), else renamed aside first; either way ``new`` then holds
    the old folder, for the caller to remove."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        return
    aside = target.with_name(f".{target.name}.old-{os.getpid()}")
    os.rename(target, aside)
    try:
        os.rename(new, target)
    except OSError:
        os.rename(aside, target)
        raise
    os.rename(aside, new)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths with renameat2(RENAME_EXCHANGE); False where that is not available."""
    try:
        renameat2 = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def load_model(model_dir: Path) -> tuple[ImportanceModel, dict]:
    """The fitted model and its card, after every check of the module docstring."""
    import skops.io as sio

    model_dir = Path(model_dir)
    card_path = model_dir / CARD_FILE
    if not card_path.is_file() or not (model_dir / MODEL_FILE).is_file():
        raise InputError(f"no trained model in {model_dir} (expected {CARD_FILE} and {MODEL_FILE}; "
                         "make one with `commitradar train`)")
    try:
        card = json.loads(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read {card_path}: {exc}") from None
    check_compatible(card, model_dir)
    for name, key in ((MODEL_FILE, "model_sha256"), (NEIGHBOURS_FILE, "neighbours_sha256")):
        path = model_dir / name
        if not path.is_file():
            raise InputError(f"{path} is missing: retrain the model with `commitradar train`")
        if sha256_of(path) != card.get(key):
            raise InputError(f"{path} does not match the sha256 recorded in {CARD_FILE}: it changed after "
                             "training (or is damaged); refusing to load it")
    path = model_dir / MODEL_FILE
    foreign = file_types(path) - ALLOWED_TYPES
    if foreign:
        raise InputError(f"{path} holds types a model is not made of ({', '.join(sorted(foreign)[:5])}): "
                         "refusing to load it")
    parts = sio.load(path, trusted=sorted(sio.get_untrusted_types(file=path)))
    with np.load(model_dir / NEIGHBOURS_FILE, allow_pickle=False) as nb:
        vectors, shas, tiers = nb["vectors"], nb["shas"], nb["tiers"]
    model = ImportanceModel(**card["params"])
    model.classes_ = np.asarray(TIERS)
    model.n_features_in_ = int(card["n_features"])
    model.heads_ = parts["heads"]
    model.type_estimator_, model.embedding_estimator_ = parts["type"], parts["embedding"]
    model.policy_ = TierPolicy(**card["policy"])
    model.neighbour_vectors_, model.neighbour_shas_, model.neighbour_tiers_ = vectors, shas, tiers
    return model, card


def update_card(model_dir: Path, **sections) -> list[Path]:
    """Put ``sections`` (``pr_curve``, ``learning_curve``) into a model folder's card and write the card,
    MODEL_CARD.md and the plots at once (each file atomically). The model files are not touched: their
    sha256 in the card stay true."""
    model_dir = Path(model_dir)
    path = model_dir / CARD_FILE
    try:
        card = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"--update-card: cannot read {path}: {exc}") from None
    card.update({k: v for k, v in sections.items() if v is not None})
    files = [(path, (json.dumps(card, indent=2, ensure_ascii=False) + "\n").encode()),
             (model_dir / CARD_MD, card_markdown(card).encode())]
    files += [(model_dir / name, data) for name, data in curves.card_figures(card).items()]
    atomic_write(files)
    return [p for p, _ in files]
