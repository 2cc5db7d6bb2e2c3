"""Real git repositories in temp dirs (no mocks): ``GitRepo`` drives the ``git`` binary with chosen
author/committer dates and zones. Used by the tests (through conftest) and by the benchmarks."""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

GIT = shutil.which("git") or "git"


def git_date(when: datetime | str) -> str:
    """A date git cannot misread: ``<unix seconds> <+HHMM>`` (git's internal format)."""
    if isinstance(when, str):
        when = datetime.fromisoformat(when)
    if when.tzinfo is None:
        raise ValueError("give commit times with a zone")
    off = when.utcoffset()
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    minutes = abs(minutes)
    return f"@{int(when.timestamp())} {sign}{minutes // 60:02d}{minutes % 60:02d}"


def at(text: str, zone: str | None = None) -> datetime:
    """``at("2026-03-10 23:30", "UTC")`` → an aware datetime (ISO offsets in the text also work)."""
    dt = datetime.fromisoformat(text)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(zone or "UTC"))
    return dt


@dataclass
class GitRepo:
    """A real repository in a temp dir. ``commit`` writes files, stages everything and commits with the
    author/committer dates you choose (aware datetimes or ISO strings with an offset)."""

    path: Path
    branch: str = "main"

    def __post_init__(self) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", self.branch)
        self.git("config", "user.name", "Test Bot")
        self.git("config", "user.email", "bot@example.com")
        self.git("config", "commit.gpgsign", "false")
        self.git("config", "core.autocrlf", "false")

    def git(self, *args: str, env: Mapping[str, str] | None = None, check: bool = True) -> str:
        proc = subprocess.run([GIT, "-C", str(self.path), *args], capture_output=True,
                              env={**os.environ, **(env or {})})
        if check and proc.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)} failed: {proc.stderr.decode(errors='replace')}")
        return proc.stdout.decode("utf-8", "replace").strip()

    def write(self, files: Mapping[str, str | bytes | None]) -> None:
        """Create/overwrite files (str or bytes); ``None`` deletes one."""
        for rel, content in files.items():
            p = self.path / rel
            if content is None:
                p.unlink()
                continue
            p.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                p.write_bytes(content)
            else:
                p.write_text(content, encoding="utf-8")

    def _env(self, when, committed, author, email) -> dict[str, str]:
        committed = committed or when
        return {
            "GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email, "GIT_AUTHOR_DATE": git_date(when),
            "GIT_COMMITTER_NAME": "Committer", "GIT_COMMITTER_EMAIL": "committer@example.com",
            "GIT_COMMITTER_DATE": git_date(committed),
        }

    def commit(
        self,
        message: str | bytes,
        files: Mapping[str, str | bytes | None] | None = None,
        *,
        when: datetime | str = "2026-03-10T10:00:00+08:00",
        committed: datetime | str | None = None,
        author: str = "Alice Example",
        email: str = "alice@example.com",
        encoding: str | None = None,
    ) -> str:
        """Commit and return the SHA. ``message`` as bytes goes verbatim through ``git commit -F``
        (with ``i18n.commitEncoding=<encoding>`` when given), so any encoding can be recorded."""
        self.write(files if files is not None else {f"f{self.count()}.txt": f"{message!r}\n"})
        self.git("add", "-A")
        msg_file = self.path.parent / f".msg-{self.path.name}"
        msg_file.write_bytes(message if isinstance(message, bytes) else message.encode("utf-8"))
        pre = ["-c", f"i18n.commitEncoding={encoding}"] if encoding else []
        self.git(*pre, "commit", "-q", "--allow-empty", "--cleanup=verbatim", "-F", str(msg_file),
                 env=self._env(when, committed, author, email))
        msg_file.unlink()
        return self.head()

    def merge(self, branch: str, message: str, *, when: datetime | str, author: str = "Merger",
              email: str = "merger@example.com") -> str:
        self.git("merge", "--no-ff", "-q", "-m", message, branch, env=self._env(when, None, author, email))
        return self.head()

    def checkout(self, branch: str, create: bool = False) -> None:
        self.git("checkout", "-q", *(["-b"] if create else []), branch)

    def head(self, ref: str = "HEAD") -> str:
        return self.git("rev-parse", ref)

    def count(self) -> int:
        out = self.git("rev-list", "--count", "HEAD", check=False)
        return int(out) if out.isdigit() else 0
