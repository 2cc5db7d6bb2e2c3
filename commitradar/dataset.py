"""The commit dataset format (``../shared/data/commits/*.jsonl[.gz]``): read and write ``Commit`` lines."""
from __future__ import annotations

import gzip
import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from .errors import InputError
from .fileio import atomic_write, read_jsonl
from .records import Commit


def iter_commits(path: str | os.PathLike) -> Iterator[Commit]:
    for lineno, rec in read_jsonl(path, "commits file"):
        try:
            yield Commit.from_record(rec)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise InputError(f"{path}:{lineno}: not a commit record ({exc.__class__.__name__}: {exc})") from None


def read_commits(*paths: str | os.PathLike) -> list[Commit]:
    return [c for p in paths for c in iter_commits(p)]


def write_commits(path: str | os.PathLike, commits: Iterable[Commit]) -> int:
    p = Path(path)
    lines = [json.dumps(c.to_record(), ensure_ascii=False) + "\n" for c in commits]
    data = "".join(lines).encode("utf-8")
    if p.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    atomic_write(p, data)
    return len(lines)
