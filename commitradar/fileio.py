"""File I/O every stage shares: one JSON Lines reader and one atomic writer.

``read_jsonl`` yields ``(line number, object)`` from ``.jsonl`` or ``.jsonl.gz`` files and turns every read
or parse problem into a one-line :class:`~commitradar.errors.InputError` naming ``file:line``.
``atomic_write`` writes one or several files that belong together (a report and its JSON twin) through
temporary files in the target folder and renames: a failure leaves no partial file behind.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from .errors import InputError, OutputError


def open_text(path: Path, mode: str = "r"):
    """A text handle on ``path``, gzip-decoded when the name ends in ``.gz``."""
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def read_jsonl(path: str | os.PathLike, what: str = "file") -> Iterator[tuple[int, Any]]:
    """``(line number, parsed JSON)`` for every non-blank line. ``what`` names the file in errors
    ("commits file not found: ...")."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{what} not found: {p}")
    try:
        with open_text(p) as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except ValueError as exc:
                    raise InputError(f"{p}:{lineno}: not JSON ({exc})") from None
                yield lineno, obj
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {p}: {exc}") from None


def atomic_write(path_or_items: Path | Iterable[tuple[Path, bytes]], data: bytes | None = None) -> None:
    """``atomic_write(path, data)`` or ``atomic_write([(path, data), ...])``: every temporary file is
    written first, then all are renamed, so a failure leaves none of them (and no partial file) behind."""
    items = [(Path(path_or_items), data)] if data is not None else [(Path(p), d) for p, d in path_or_items]
    staged: list[tuple[str, Path]] = []
    try:
        for path, blob in items:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            except OSError as exc:
                raise OutputError(f"cannot write to {path.parent}: {exc.strerror or exc}") from None
            staged.append((tmp, path))
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(blob)
                os.chmod(tmp, 0o644)
            except OSError as exc:
                raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        for _tmp, path in staged:
            if path.is_dir():
                raise OutputError(f"cannot write {path}: it is a folder")
        for i, (tmp, path) in enumerate(staged):
            try:
                os.replace(tmp, path)
            except OSError as exc:
                raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
            staged[i] = ("", path)
    finally:
        for tmp, _ in staged:
            if tmp:
                Path(tmp).unlink(missing_ok=True)


__all__ = ["open_text", "read_jsonl", "atomic_write"]


def sha256_of(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB blocks (model files, downloaded weights)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
