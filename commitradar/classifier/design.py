"""The model's input: X = [MiniLM embedding | hand features] of (commit, features) pairs."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..features.embedding import Embedder
from ..records import Commit, Features
from .vector import hand_matrix


def design_matrix(items: Sequence[tuple[Commit, Features]], embedder: Embedder) -> np.ndarray:
    emb = embedder.embed([c for c, _ in items])
    return np.hstack([emb, hand_matrix(items)]).astype(np.float32)
