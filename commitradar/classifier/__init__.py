"""Classifiers decide tier and change type. ``CLASSIFIERS`` maps a name to a factory ``(Config) -> Classifier``.

- ``rules``: a rules preset (``default`` or ``argus``), see :mod:`.rules` and :mod:`.presets`.
- ``model``: the trained embedding model (:mod:`.runtime`, :mod:`.estimator`); falls back to ``rules`` with a warning when the
  shipped model cannot be loaded (a model folder the user named must load: an error otherwise).

A classifier has ``name`` and ``classify(items) -> list[Verdict]`` over (Commit, Features) pairs.
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Protocol

from ..records import Commit, Features, Verdict
from ..registry import Registry
from . import presets  # noqa: F401  (registers the rules presets)
from .rules import PRESETS, RulesClassifier

log = logging.getLogger("commitradar")


class Classifier(Protocol):
    name: str

    def classify(self, items: Sequence[tuple[Commit, Features]]) -> list[Verdict]: ...


CLASSIFIERS: Registry[Callable[..., Classifier]] = Registry("classifier")


@CLASSIFIERS.register("rules")
def _rules(config) -> Classifier:
    return RulesClassifier(config.rules_preset)


@CLASSIFIERS.register("model")
def _model(config) -> Classifier:
    from ..errors import CommitradarError

    try:
        from .runtime import ModelClassifier  # imported on use: it loads scikit-learn

        return ModelClassifier.load(config.model_dir, config=config)
    except (CommitradarError, ImportError, OSError) as exc:
        from pathlib import Path

        from ..config import DEFAULT_MODEL_DIR
        from ..errors import InputError

        if Path(config.model_dir).resolve() != DEFAULT_MODEL_DIR.resolve():  # asked for: no silent fallback
            raise InputError(f"--model {config.model_dir}: {exc}") from None
        log.warning("model unavailable (%s); using rules:%s", exc, config.rules_preset)
        return RulesClassifier(config.rules_preset)


def get_classifier(config) -> Classifier:
    return CLASSIFIERS.get(config.classifier)(config)


__all__ = ["CLASSIFIERS", "PRESETS", "Classifier", "RulesClassifier", "get_classifier"]
