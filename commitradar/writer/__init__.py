"""Writers turn classified commits into prose. ``WRITERS`` maps a name to a factory ``(Config) -> Writer``.

A writer takes the whole day at once (so an LLM writer can work concurrently) and returns one ``Prose``
per item, in order, plus one-line notes for the report. Low-tier commits never cost LLM tokens.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..records import Commit, Features, Prose, Verdict
from ..registry import Registry

Item = tuple[Commit, Features, Verdict]


@dataclass
class WriteResult:
    proses: list[Prose]
    notes: list[str] = field(default_factory=list)
    usage: dict | None = None  # LLM accounting, None for writers that call nothing
    failed: int = 0  # entries whose LLM call failed (shown with a marker)
    attempted: int = 0  # entries that were sent (or would have been) to an LLM


class Writer(Protocol):
    name: str

    def write(self, items: Sequence[Item], lang: str) -> WriteResult: ...


WRITERS: Registry[Callable[..., Writer]] = Registry("writer")


def get_writer(config) -> Writer:
    from . import deterministic  # noqa: F401  (registers)

    if config.writer == "openai":
        from . import llm  # noqa: F401  (registers)
    return WRITERS.get(config.writer)(config)
