"""Delivery: each written report (its JSON twin) to each configured sink, at most once per report-day.

``deliver`` is what ``report --send`` and ``run --send`` call after the files are written. For every
report × sink: skip it if the sink's ``repos`` filter says so or the delivery record already has it (unless
``resend``); build the platform's payload within its size limit; POST it (signed where the platform signs,
with a fresh timestamp per try); retry 429, 5xx, timeouts and lost connections with exponential back-off,
honouring ``Retry-After``; follow a 307/308 redirect to the same host only (301/302/303 would turn the POST
into a GET, and another host is not where the user sent the report); record success in
``<cache>/deliveries.sqlite3``. A sink that still fails is logged by its type and host, and listed in the
result (the CLI turns that into :class:`~commitradar.errors.SinkFailure`); the reports are never touched.

Nothing secret leaves this module: logs, errors and the record name a sink by its type and host; every
message is also scrubbed of the URL, its path and query parts, the secret and the signatures.
"""
from __future__ import annotations

import json
import logging
import random
import sqlite3
import sys
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx2

from ..errors import InputError, OutputError, SinkFailure
from .base import SINKS, Links, Platform, encode, read_twin, report_path, summarize
from .config import SinkConfig, resolve_secret, resolve_url, sink_key, wants

log = logging.getLogger("commitradar.sinks")

LEDGER_NAME = "deliveries.sqlite3"
MAX_REDIRECTS = 3


# ------------------------------------------------------------------ results

@dataclass(frozen=True)
class Outcome:
    sink: str  # type and host, e.g. "feishu (open.feishu.cn)"
    repo: str
    label: str
    status: str  # sent | skipped (already delivered) | failed | dry-run
    detail: str = ""
    attempts: int = 0


@dataclass(frozen=True)
class DeliveryResult:
    outcomes: tuple[Outcome, ...] = ()

    def _with(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def sent(self) -> list[Outcome]:
        return self._with("sent")

    @property
    def skipped(self) -> list[Outcome]:
        return self._with("skipped")

    @property
    def failed(self) -> list[Outcome]:
        return self._with("failed")

    @property
    def ok(self) -> bool:
        return not self.failed

    def line(self) -> str:
        """One line for the log: what was sent, skipped and failed."""
        parts = [f"sent {len(self.sent)}"]
        if self.skipped:
            parts.append(f"{len(self.skipped)} already delivered (--resend sends them again)")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        return "deliveries: " + ", ".join(parts)

    def error(self) -> SinkFailure | None:
        if not self.failed:
            return None
        what = "; ".join(f"{o.sink} {o.repo} {o.label}: {o.detail}" for o in self.failed[:5])
        more = f" (and {len(self.failed) - 5} more)" if len(self.failed) > 5 else ""
        return SinkFailure(f"not delivered: {what}{more} (reports written; the next --send retries only these)")


# ------------------------------------------------------------------ the delivery record

class Ledger:
    """Which report-days each sink already has: one SQLite row per (sink, repo, label), committed as each
    delivery succeeds, so an interrupted run re-sends nothing that arrived."""

    def __init__(self, cache_dir: Path, readonly: bool = False) -> None:
        self.path = Path(cache_dir) / LEDGER_NAME
        self.db: sqlite3.Connection | None = None
        try:
            if readonly:
                if self.path.is_file():
                    self.db = sqlite3.connect(self.path.resolve().as_uri() + "?mode=ro", uri=True, timeout=30)
                return
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=30)
            self.db.execute("CREATE TABLE IF NOT EXISTS delivered (sink TEXT NOT NULL, repo TEXT NOT NULL, "
                            "label TEXT NOT NULL, at TEXT NOT NULL, PRIMARY KEY (sink, repo, label))")
            self.db.commit()
        except (OSError, sqlite3.Error) as exc:
            raise OutputError(f"cannot open the delivery record {self.path}: {exc}") from None

    def has(self, sink: str, repo: str, label: str) -> bool:
        if self.db is None:
            return False
        row = self.db.execute("SELECT 1 FROM delivered WHERE sink=? AND repo=? AND label=?", (sink, repo, label))
        return row.fetchone() is not None

    def record(self, sink: str, repo: str, label: str) -> None:
        if self.db is None:
            return
        try:
            with self.db:
                self.db.execute("INSERT OR REPLACE INTO delivered VALUES (?, ?, ?, ?)",
                                (sink, repo, label, datetime.now(UTC).isoformat(timespec="seconds")))
        except sqlite3.Error as exc:
            raise OutputError(f"cannot write the delivery record {self.path}: {exc}") from None

    def close(self) -> None:
        if self.db is not None:
            self.db.close()


# ------------------------------------------------------------------ reports in

@dataclass(frozen=True)
class Report:
    data: Mapping[str, Any]
    rel: str  # the Markdown report's path relative to the output folder
    where: str  # for error messages


def load_reports(items: Iterable[Path | str | Mapping[str, Any]], out_dir: Path | None = None) -> list[Report]:
    """JSON twin files (paths) or twin dicts. A file's report path is taken relative to ``out_dir``."""
    reports = []
    for item in items:
        if isinstance(item, Mapping):
            reports.append(Report(item, report_path(item), f"{item.get('repo')} {item.get('label')}"))
            continue
        path = Path(item)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read report twin {path}: {getattr(exc, 'strerror', None) or exc}") from None
        rel = None
        if out_dir is not None:
            try:
                rel = path.with_suffix(".md").resolve().relative_to(Path(out_dir).resolve()).as_posix()
            except ValueError:
                rel = None
        if rel is None and isinstance(data, Mapping) and "start" in data and "repo" in data and "label" in data:
            rel = report_path(data)
        reports.append(Report(data, rel or path.with_suffix(".md").name, str(path)))
    return reports


# ------------------------------------------------------------------ secrets out

def host_of(url: str | None) -> str:
    if not url:
        return "?"
    parts = urlsplit(url)
    host = parts.hostname or "?"
    return f"{host}:{parts.port}" if parts.port else host


def _secret_parts(url: str | None, secret: str | None) -> set[str]:
    """Everything of a sink that may be a credential: the URL, its user info, path segments and query
    values (tokens live there), and the secret."""
    found: set[str] = set()
    if url:
        parts = urlsplit(url)
        found |= {url, parts.path, parts.query, parts.password or "", parts.username or ""}
        found |= {seg for seg in parts.path.split("/") if len(seg) >= 6}
        found |= {v for _, v in parse_qsl(parts.query) if len(v) >= 6}
    if secret:
        found.add(secret)
    return {f for f in found if f and f not in ("/",)}


def scrub(text: str, secrets: Iterable[str]) -> str:
    for value in sorted(secrets, key=len, reverse=True):
        if value:
            text = text.replace(value, "***")
    return text


# ------------------------------------------------------------------ HTTP

@dataclass
class _Try:
    ok: bool
    retryable: bool
    detail: str
    retry_after: float | None = None


@dataclass
class _Sender:
    platform: Platform
    config: SinkConfig
    url: str
    secret: str | None
    client: httpx2.Client
    secrets: set[str] = field(default_factory=set)

    def post_once(self, payload: dict) -> _Try:
        signed = self.platform.sign(self.url, payload, self.secret, time.time()) if (self.secret and self.platform.sign) else None
        url = signed.url if signed else self.url
        body = encode(signed.payload if signed else payload)
        headers = {"Content-Type": "application/json; charset=utf-8", **(signed.headers if signed else {})}
        if signed:
            self.secrets |= set(signed.secrets)
        for _hop in range(MAX_REDIRECTS + 1):
            try:
                resp = self.client.post(url, content=body, headers=headers, timeout=self.config.timeout)
            except httpx2.TimeoutException:
                return _Try(False, True, f"timed out after {self.config.timeout:g} s")
            except httpx2.RemoteProtocolError:
                return _Try(False, True, "the connection was closed before an answer")
            except httpx2.ConnectError:
                return _Try(False, True, "cannot connect")
            except (httpx2.UnsupportedProtocol, httpx2.InvalidURL):
                return _Try(False, False, "not a usable http(s) URL")
            except httpx2.TransportError as exc:
                return _Try(False, True, f"network error ({type(exc).__name__})")
            if resp.status_code in (301, 302, 303, 307, 308):
                target = urljoin(url, resp.headers.get("location", ""))
                same = (urlsplit(target).hostname == urlsplit(url).hostname
                        and urlsplit(target).port == urlsplit(url).port
                        and (urlsplit(target).scheme == urlsplit(url).scheme or urlsplit(target).scheme == "https"))
                if resp.status_code in (307, 308) and same:
                    self.secrets |= _secret_parts(target, None)
                    url = target
                    continue
                why = "another host" if not same else "it would turn the POST into a GET"
                return _Try(False, False, f"HTTP {resp.status_code} redirect to {host_of(target)} not followed ({why})")
            answer = self.platform.accept(resp.status_code, resp.content)
            if answer.ok:
                return _Try(True, False, f"HTTP {resp.status_code}")
            return _Try(False, answer.retryable, answer.detail, _retry_after(resp.headers.get("retry-after")))
        return _Try(False, False, f"more than {MAX_REDIRECTS} redirects")

    def send(self, payload: dict, what: str, display: str) -> tuple[_Try, int]:
        cfg = self.config
        attempt = 0
        while True:
            attempt += 1
            result = self.post_once(payload)
            result.detail = scrub(result.detail, self.secrets)
            if result.ok or not result.retryable or attempt > cfg.retries:
                if not result.ok and result.retryable:
                    result.detail += f" (after {attempt} tries)"
                return result, attempt
            wait = min(cfg.backoff * 2 ** (attempt - 1) * (1 + random.random() / 4), cfg.max_wait)
            if result.retry_after is not None:
                if result.retry_after > cfg.max_wait:
                    result.detail += f"; asked to retry after {result.retry_after:g} s, longer than max_wait {cfg.max_wait:g} s"
                    return result, attempt
                wait = max(wait, result.retry_after)
            log.warning("%s: %s: %s; retry %d of %d in %.1f s", display, what, result.detail, attempt, cfg.retries, wait)
            time.sleep(wait)


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


# ------------------------------------------------------------------ deliver

def deliver(
    reports: Iterable[Path | str | Mapping[str, Any]],
    sinks: Iterable[SinkConfig],
    cache_dir: Path | str,
    *,
    out_dir: Path | str | None = None,
    links: Links = Links(),
    dry_run: bool = False,
    resend: bool = False,
    env: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
) -> DeliveryResult:
    """Send every report to every sink that wants it (see the module docstring). ``dry_run`` prints each
    payload (unsigned; no URL) to ``stdout`` instead, and records nothing. Returns what happened; raises
    only for bad input (an unreadable twin, an unknown sink type) or an unwritable delivery record."""
    sinks = list(sinks)
    loaded = [(r, read_twin(r.data, r.where)) for r in load_reports(reports, Path(out_dir) if out_dir else None)]
    platforms = {cfg.type: SINKS.get(cfg.type) for cfg in sinks}
    stdout = stdout or sys.stdout
    ledger = Ledger(Path(cache_dir), readonly=dry_run)
    outcomes: list[Outcome] = []
    try:
        with httpx2.Client(follow_redirects=False) as client:
            for cfg in sinks:
                platform = platforms[cfg.type]
                url, secret = resolve_url(cfg, env), resolve_secret(cfg, env)
                display = f"{cfg.type} ({host_of(url)})" if url else f"{cfg.type} (${cfg.url_env} is not set)"
                key = sink_key(cfg)
                sender = _Sender(platform, cfg, url or "", secret, client, _secret_parts(url, secret))
                for report, twin in loaded:
                    if not wants(cfg, twin.repo):
                        continue
                    what = f"{twin.repo} {twin.label}"
                    if not resend and ledger.has(key, twin.repo, twin.label):
                        outcomes.append(Outcome(display, twin.repo, twin.label, "skipped", "already delivered"))
                        continue
                    try:
                        payload = platform.fit(summarize(twin, report.rel, links, cfg.min_tier))
                    except InputError as exc:  # not even the title fits: this sink fails, the others go on
                        outcomes.append(Outcome(display, twin.repo, twin.label, "failed", str(exc)))
                        continue
                    if dry_run:
                        signed = " (signed when sent)" if (cfg.secret_env and platform.sign) else ""
                        print(f"# {display} <- {what}: {len(encode(payload))} bytes{signed}", file=stdout)
                        print(json.dumps(payload, ensure_ascii=False, indent=2), file=stdout)
                        outcomes.append(Outcome(display, twin.repo, twin.label, "dry-run"))
                        continue
                    problem = _missing(cfg, url, secret)
                    if problem:
                        log.warning("%s: %s: not delivered: %s", display, what, problem)
                        outcomes.append(Outcome(display, twin.repo, twin.label, "failed", problem))
                        continue
                    result, attempts = sender.send(payload, what, display)
                    if result.ok:
                        ledger.record(key, twin.repo, twin.label)
                        outcomes.append(Outcome(display, twin.repo, twin.label, "sent", result.detail, attempts))
                    else:
                        log.warning("%s: %s: not delivered: %s", display, what, result.detail)
                        outcomes.append(Outcome(display, twin.repo, twin.label, "failed", result.detail, attempts))
    finally:
        ledger.close()
    return DeliveryResult(tuple(outcomes))


def _missing(cfg: SinkConfig, url: str | None, secret: str | None) -> str | None:
    if not url:
        return f"the environment variable {cfg.url_env} (its webhook URL) is not set"
    if cfg.secret_env and not secret:
        return f"the environment variable {cfg.secret_env} (its signing secret) is not set"
    return None


__all__ = ["deliver", "DeliveryResult", "Outcome", "Ledger", "load_reports", "host_of", "scrub", "LEDGER_NAME"]
