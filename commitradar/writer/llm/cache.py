"""SQLite cache of validated LLM answers, keyed by (sha, model, prompt version, language, tier).

Each answer is committed as soon as it arrives (WAL mode, one short transaction per answer), so an
interrupted run loses at most the requests in flight, and re-running the same day sends nothing. Only
validated answers are stored; failures are tried again next time. Safe to share between processes.
"""
from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    sha TEXT NOT NULL, model TEXT NOT NULL, prompt_version TEXT NOT NULL, lang TEXT NOT NULL, tier TEXT NOT NULL,
    answer TEXT NOT NULL, tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL, created REAL NOT NULL,
    PRIMARY KEY (sha, model, prompt_version, lang, tier)
)
"""


class AnswerCache:
    def __init__(self, path: Path, readonly: bool = False) -> None:
        self.path = Path(path)
        self.readonly = readonly
        if readonly:
            self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=30) if self.path.exists() else None
        else:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute(SCHEMA)
            self.db.commit()

    @staticmethod
    def default_path(cache_dir: Path) -> Path:
        return Path(cache_dir) / "llm" / "answers.sqlite3"

    def get(self, sha: str, model: str, version: str, lang: str, tier: str) -> tuple[dict, int, int] | None:
        if self.db is None:
            return None
        try:
            row = self.db.execute(
                "SELECT answer, tokens_in, tokens_out FROM answers WHERE sha=? AND model=? AND prompt_version=? "
                "AND lang=? AND tier=?", (sha, model, version, lang, tier)).fetchone()
        except sqlite3.OperationalError:  # read-only view of a file without the table yet
            return None
        if not row:
            return None
        return json.loads(row[0]), row[1], row[2]

    def put(self, sha: str, model: str, version: str, lang: str, tier: str, answer: dict,
            tokens_in: int, tokens_out: int) -> None:
        if self.readonly or self.db is None:
            return
        with self.db:
            self.db.execute(
                "INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sha, model, version, lang, tier, json.dumps(answer, ensure_ascii=False), tokens_in, tokens_out,
                 time.time()))

    def __len__(self) -> int:
        if self.db is None:
            return 0
        return self.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


__all__ = ["AnswerCache"]
