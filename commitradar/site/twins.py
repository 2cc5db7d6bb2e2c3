"""Loading the reports' JSON twins from an output folder for the site, the feeds and the digest. Only the
twins are read, never the Markdown; the twin itself is read by :func:`commitradar.twin.read_twin` (format 2,
the one reader sinks use too)."""
from __future__ import annotations

import json
import logging
from pathlib import Path

from ..errors import InputError
from ..twin import Entry, HeadItem, Twin, read_twin

log = logging.getLogger("commitradar")


def load_twin(path: Path) -> Twin:
    """One twin; a file that is not one is a one-line :class:`InputError` naming it."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise InputError(f"cannot read report {path}: {exc}") from None
    return read_twin(data, str(path), path=Path(path))


def twin_paths(out: Path) -> list[Path]:
    """Every JSON twin under ``out/reports`` (temporary files of an unfinished write are skipped)."""
    reports = Path(out) / "reports"
    if not reports.is_dir():
        return []
    return sorted(p for p in reports.rglob("*.json") if not p.name.startswith(".") and p.is_file())


def load_twins(out: Path) -> list[Twin]:
    """All reports in ``out``, newest day first then by repository. A file that is not a report is skipped
    with a warning naming it (one bad file must not take the site down)."""
    twins = []
    for path in twin_paths(out):
        try:
            twins.append(load_twin(path))
        except InputError as exc:
            log.warning("skipped %s", exc)
    twins.sort(key=lambda t: (t.label, t.repo), reverse=True)
    return twins


__all__ = ["Twin", "Entry", "HeadItem", "load_twin", "load_twins", "twin_paths"]
