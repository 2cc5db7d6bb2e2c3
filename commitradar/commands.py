"""Subcommands around the importance model: ``labels``, ``train``, ``evaluate`` (see :mod:`.classifier.model`)."""
from __future__ import annotations


def add_model_commands(sub, formatter) -> None:
    """Registered by the model issue; the report pipeline does not depend on them."""
