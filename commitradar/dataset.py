"""The commit dataset format (``../shared/data/commits/*.jsonl[.gz]``): read and write ``Commit`` lines."""
from __future__ import annotations

import gzip
import json
import os
import tempfile
from pathlib import Path
from typing import Iterable, Iterator

from .errors import InputError, OutputError
from .models import Commit


def _open_text(path: Path, mode: str):
    if path.suffix == ".gz":
        return gzip.open(path, mode + "t", encoding="utf-8")
    return open(path, mode, encoding="utf-8")


def iter_commits(path: str | os.PathLike) -> Iterator[Commit]:
    p = Path(path)
    if not p.is_file():
        raise InputError(f"commits file not found: {p}")
    try:
        with _open_text(p, "r") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield Commit.from_record(json.loads(line))
                except (ValueError, KeyError, TypeError) as exc:
                    raise InputError(f"{p}:{lineno}: not a commit record ({exc.__class__.__name__}: {exc})") from None
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {p}: {exc}") from None


def read_commits(*paths: str | os.PathLike) -> list[Commit]:
    return [c for p in paths for c in iter_commits(p)]


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and a rename: no partial file, ever."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError as exc:
        raise OutputError(f"cannot write to {path.parent}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def atomic_write_many(items: Iterable[tuple[Path, bytes]]) -> None:
    """Like :func:`atomic_write` for several files that belong together (a report and its JSON twin):
    every temp file is written first, then all are renamed, so a failure leaves none of them behind."""
    staged: list[tuple[str, Path]] = []
    try:
        for path, data in items:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            except OSError as exc:
                raise OutputError(f"cannot write to {path.parent}: {exc.strerror or exc}") from None
            staged.append((tmp, path))
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.chmod(tmp, 0o644)
            except OSError as exc:
                raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
        for tmp, path in staged:
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


def write_commits(path: str | os.PathLike, commits: Iterable[Commit]) -> int:
    p = Path(path)
    lines = [json.dumps(c.to_record(), ensure_ascii=False) + "\n" for c in commits]
    data = "".join(lines).encode("utf-8")
    if p.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    atomic_write(p, data)
    return len(lines)
