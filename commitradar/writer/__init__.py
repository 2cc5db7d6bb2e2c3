"""Writers turn classified commits into prose. ``WRITERS`` maps a name to a factory ``(Config) -> Writer``.

A writer takes the whole day at once (so an LLM writer can work concurrently) and returns one ``Prose``
per item, in order, plus one-line notes for the report. Low-tier commits never cost LLM tokens.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ..records import Commit, Features, Prose, Verdict
from ..registry import Registry

Item = tuple[Commit, Features, Verdict]
DiffLoader = Callable[[Commit, Sequence[str]], Mapping[str, str]]


@dataclass
class WriteResult:
    proses: list[Prose]
    notes: list[str] = field(default_factory=list)
    usage: dict | None = None  # LLM accounting, None for writers that call nothing
    overview: str | None = None  # the day's overview sentences, when an LLM wrote them


class Writer(Protocol):
    name: str

    def write(self, items: Sequence[Item], lang: str, mapping=None) -> WriteResult:
        """Prose for ``items`` (one report's commits) in ``lang``; ``mapping`` is the report's path mapping
        (``features.paths.mapping_for``: the repository's preset and its configured categories)."""
        ...


WRITERS: Registry[Callable[..., Writer]] = Registry("writer")


def get_writer(config, loader: DiffLoader | None = None) -> Writer:
    """The writer the configuration asks for (``dry-run`` when ``config.dry_run``). ``loader`` gives the
    diffs of a commit's paths to writers that read them (the LLM writers); the pipeline passes the miner's."""
    from . import deterministic, dry_run  # noqa: F401  (register)

    name = "dry-run" if config.dry_run else config.writer
    if name == "openai":
        from . import llm  # noqa: F401  (registers)
    return WRITERS.get(name)(config, loader=loader)
