"""The commit dataset format (``../shared/data/commits/*.jsonl[.gz]``): read and write ``Commit`` lines.

One JSON object per line, made with ``git log --first-parent --numstat --no-renames`` (see
``../shared/data/README.md``)::

    {"repo": "owner/name", "sha": "<hex>", "author": "...", "author_email_domain": "...",
     "authored_at": "2026-03-10T11:30:00+08:00", "committed_at": "...", "parents": ["<hex>", ...],
     "subject": "...", "body": "...", "files": [{"path": "...", "added": 3, "deleted": 1}, ...],
     "n_files": 1, "added": 3, "deleted": 1}

Every record is validated in strict mode before it becomes a :class:`~commitradar.records.Commit`: no value
is coerced (``"parents": "abc"`` is not ``["a", "b", "c"]``, ``"added": "12"`` is not 12), unknown keys are
refused (a misspelt optional field would otherwise vanish), the totals must agree with ``files[]``. The
first problem is reported on one line naming file, line and field.
"""
from __future__ import annotations

import gzip
import json
import logging
import os
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator

from .errors import InputError
from .fileio import atomic_write, read_jsonl
from .records import Commit, FileChange

SHA = r"^[0-9a-f]{7,64}$"

log = logging.getLogger("commitradar")


def _aware_datetime(value: Any) -> datetime:
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 date-time string, got {_show(value)}")
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{_show(value)} is not an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise ValueError(f"{_show(value)} has no UTC offset (e.g. +08:00)")
    return moment


AwareDateTime = Annotated[datetime, BeforeValidator(_aware_datetime)]
Count = Annotated[int, Field(ge=0)]


class FileRecord(BaseModel):
    """One entry of ``files[]``: counts are both null for a binary file."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    path: str = Field(min_length=1)
    added: Count | None
    deleted: Count | None

    @model_validator(mode="after")
    def _binary_both_null(self) -> FileRecord:
        if (self.added is None) != (self.deleted is None):
            raise ValueError("added and deleted must both be null (a binary file) or both be counts")
        return self


class CommitRecord(BaseModel):
    """One dataset line. ``remote_url`` is accepted too (the JSON twin's commit object carries it)."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    repo: str = Field(min_length=1)
    sha: str = Field(pattern=SHA)
    author: str = ""
    author_email_domain: str = ""
    authored_at: AwareDateTime
    committed_at: AwareDateTime
    parents: list[Annotated[str, Field(pattern=SHA)]]
    subject: str
    body: str = ""
    files: list[FileRecord]
    n_files: Count | None = None
    added: Count | None = None
    deleted: Count | None = None
    remote_url: str | None = None

    @model_validator(mode="after")
    def _totals_match_files(self) -> CommitRecord:
        if self.n_files is not None and self.n_files != len(self.files):
            raise ValueError(f"n_files is {self.n_files} but files[] lists {len(self.files)}")
        for key in ("added", "deleted"):
            total = getattr(self, key)
            listed = sum(getattr(f, key) or 0 for f in self.files)
            if total is not None and total != listed:
                raise ValueError(f"{key} is {total} but files[] adds up to {listed}")
        return self

    def to_commit(self) -> Commit:
        return Commit(
            repo=self.repo, sha=self.sha, author=self.author, author_email_domain=self.author_email_domain,
            authored_at=self.authored_at, committed_at=self.committed_at, parents=tuple(self.parents),
            subject=self.subject, body=self.body,
            files=tuple(FileChange(f.path, f.added, f.deleted) for f in self.files), remote_url=self.remote_url,
        )


_EXPECTED = {
    "string_type": "expected a string", "int_type": "expected a whole number", "list_type": "expected a list",
    "dict_type": "expected an object", "model_type": "expected a JSON object", "missing": "required field is missing",
    "extra_forbidden": "unknown field (not part of the dataset format)",
    "string_pattern_mismatch": "expected a hexadecimal commit SHA (7 to 64 characters)",
    "string_too_short": "must not be empty", "greater_than_equal": "must not be negative",
}


def _show(value: Any, limit: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, BaseModel) else repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def one_line(text: str) -> str:
    """``text`` with every character that could break or hide a line (``\\n``, ``\\x85``, U+2028, controls) escaped."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def describe(exc: ValidationError) -> str:
    """The first problem of a validation error, on one line: ``files[2].added: expected ..., got "12"``."""
    errors = exc.errors(include_url=False)
    err = errors[0]
    where = _where(err["loc"])
    if err["type"] == "value_error":  # our own validators: the message is the sentence
        text = str(err.get("ctx", {}).get("error") or err["msg"]).removeprefix("Value error, ")
    elif err["type"] in ("missing", "extra_forbidden"):
        text = _EXPECTED[err["type"]]
    else:
        text = f"{_EXPECTED.get(err['type'], err['msg'][:1].lower() + err['msg'][1:])}, got {_show(err['input'])}"
    more = f" (and {len(errors) - 1} more problems)" if len(errors) > 1 else ""
    return one_line(f"{where}: {text}{more}" if where else f"{text}{more}")


def parse_record(rec: Any) -> Commit:
    """A validated ``Commit`` from one decoded dataset line; ``ValueError`` with one line when it is not one."""
    try:
        return CommitRecord.model_validate(rec).to_commit()
    except ValidationError as exc:
        raise ValueError(describe(exc)) from None


def iter_commits(path: str | os.PathLike) -> Iterator[Commit]:
    for lineno, rec in read_jsonl(path, "commits file"):
        try:
            yield parse_record(rec)
        except ValueError as exc:
            raise InputError(f"{path}:{lineno}: not a commit record: {exc}") from None


def read_commits(*paths: str | os.PathLike) -> list[Commit]:
    return [c for p in paths for c in iter_commits(p)]


def read_for_window(paths: Sequence[str | os.PathLike], start: datetime, end: datetime, tz: str) -> list[Commit]:
    """Every commit of ``paths``, after checking that they can answer for ``[start, end)``: a file without
    commits, or a window outside the days the files cover, is an error (a report would otherwise say "no
    commits" of a day the files know nothing about). A window that reaches past them gets a warning."""
    commits: list[Commit] = []
    for p in paths:
        got = list(iter_commits(p))
        if not got:
            raise InputError(f"{p} holds no commits: nothing to report (mine some with `commitradar mine`)")
        commits += got
    zone = start.tzinfo
    first = min(c.committed_at for c in commits).astimezone(zone)
    last = max(c.committed_at for c in commits).astimezone(zone)
    asked_last = (end - timedelta(microseconds=1)).date()
    asked = start.date().isoformat() + ("" if asked_last == start.date() else f"..{asked_last.isoformat()}")
    names = ", ".join(str(p) for p in paths)
    covers = f"{first:%Y-%m-%d}..{last:%Y-%m-%d} ({tz})"
    if end <= first or start > last:
        raise InputError(f"{asked} is outside the dates of {names}, which covers {covers}")
    if start.date() < first.date() or asked_last > last.date():
        log.warning("%s covers %s only: the days of %s outside it are not in the report", names, covers, asked)
    return commits


def write_commits(path: str | os.PathLike, commits: Iterable[Commit]) -> int:
    p = Path(path)
    lines = [json.dumps(c.to_record(), ensure_ascii=False) + "\n" for c in commits]
    data = "".join(lines).encode("utf-8")
    if p.suffix == ".gz":
        data = gzip.compress(data, mtime=0)
    atomic_write(p, data)
    return len(lines)
