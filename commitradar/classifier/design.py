"""The model's input: X = [MiniLM embedding | hand features] of commits, featurised with a path mapping.

Training, cross-validation, rate anchoring, ``labels suggest``, ``evaluate`` and ``report`` all build X here,
always with the mapping the model was (or is being) trained with, never with a report's configured one: a
custom ``[categories]`` changes what a report shows, not what the model reads.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..features import extract
from ..features.embedding import Embedder
from ..records import Commit
from .vector import hand_matrix

Mapping = tuple[tuple[str, tuple[str, ...]], ...]


def design_matrix(commits: Sequence[Commit], embedder: Embedder, mapping: Mapping) -> np.ndarray:
    """(n, 384 + hand features) float32: embeddings, then hand features of the commits extracted with ``mapping``."""
    emb = embedder.embed(list(commits))
    return np.hstack([emb, hand_matrix([(c, extract(c, mapping)) for c in commits], mapping)]).astype(np.float32)


def mapping_to_json(mapping: Mapping) -> list:
    return [[cat, list(patterns)] for cat, patterns in mapping]


def mapping_from_json(value) -> Mapping:
    return tuple((str(cat), tuple(str(p) for p in patterns)) for cat, patterns in value)
