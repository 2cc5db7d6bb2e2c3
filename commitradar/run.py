"""``commitradar run``: every configured repository, every day that has no report yet, in one call.

The reports in ``OUT`` are the only state. For each ``[[repos]]`` entry the run lists the days that already
have a report (both the Markdown and its JSON twin), works out the days to write (:func:`plan_days`), mirrors
or fetches the repository only when something is to be written, mines the whole span once and splits the
commits by day (``tz``), and builds every day with the one pipeline (:func:`pipeline.build_report`), the
classifier and writer loaded once per run. A day with no commits still gets its short report, so a gap in
``OUT`` always means a missed run, and the next run fills it.

Repositories are opened and mined concurrently (a small thread pool: git work is I/O and subprocesses);
classification and writing stay on the calling thread (the embedding cache and the model are not shared
across threads). A repository that fails (unreachable, not a repository, corrupt, unknown branch) is
reported in :class:`RunResult` and does not stop the others. Each report pair is written atomically
(:func:`fileio.atomic_write`), and a run holds an exclusive lock on ``OUT`` (``flock`` on the folder itself:
no lock file survives), so a run killed at any point leaves only whole reports, and the next one completes
the work. Ctrl-C stops a run between two reports (a second one at once).
"""
from __future__ import annotations

import logging
import os
import re
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

from . import mining, pipeline
from .classifier import get_classifier
from .config import Config, RepoConfig
from .errors import CommitradarError, InputError, OutputError
from .features import extract
from .features.paths import mapping_for
from .mining import LocalRepo, Window
from .progress import progress
from .records import Commit, DayReport
from .report import report_path, write_report

log = logging.getLogger("commitradar")

DEFAULT_JOBS = 3  # repositories opened and mined at once
_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.json$")
# atomic_write's temporary files: ".<name>.<random>" beside the target
_TEMP_FILE = re.compile(r"^\.\d{4}-\d{2}-\d{2}(?:\.\.\d{4}-\d{2}-\d{2})?\.(?:md|json)\.[^.]+$")


class RunFailure(CommitradarError):
    """Some repositories could not be reported on; the others were written."""

    exit_code = 1


# ------------------------------------------------------------------------------------------ results


@dataclass(frozen=True)
class RepoOutcome:
    spec: str  # as configured: URL or path
    name: str  # owner/name (or the configured name); the spec when the repository never opened
    days: tuple[date, ...] = ()  # days written
    files: tuple[Path, ...] = ()  # files written (Markdown and JSON twins)
    error: str | None = None  # why this repository failed, one line
    llm_failure: str | None = None  # too many LLM calls failed (reports written)

    @property
    def twins(self) -> tuple[Path, ...]:
        return tuple(p for p in self.files if p.suffix == ".json")


@dataclass(frozen=True)
class RunResult:
    outcomes: tuple[RepoOutcome, ...]
    until: date

    @property
    def failed(self) -> list[RepoOutcome]:
        return [o for o in self.outcomes if o.error]

    @property
    def written(self) -> list[Path]:
        return [p for o in self.outcomes for p in o.files]

    @property
    def twins(self) -> list[Path]:
        return [p for o in self.outcomes for p in o.twins]

    def error(self) -> CommitradarError | None:
        """What the CLI raises: failed repositories first (exit 1), else too many failed LLM calls (exit 4)."""
        if self.failed:
            what = "; ".join(f"{o.name}: {o.error}" for o in self.failed)
            return RunFailure(f"{len(self.failed)} of {len(self.outcomes)} repositories failed: {what}")
        llm = [o.llm_failure for o in self.outcomes if o.llm_failure]
        if llm:
            from .errors import LLMFailure

            return LLMFailure("; ".join(llm) + " (reports written, failed entries marked)")
        return None


# ------------------------------------------------------------------------------------------ days


def yesterday(tz: str, now: datetime | None = None) -> date:
    zone = mining.parse_zone(tz)
    return (now or datetime.now(zone)).astimezone(zone).date() - timedelta(days=1)


def day_window(first: date, last: date, tz: str) -> Window:
    """``first``..``last`` inclusive, from midnight to midnight in ``tz`` (calendar midnights: DST-safe)."""
    zone = mining.parse_zone(tz)
    return Window(datetime.combine(first, time(0), zone), datetime.combine(last + timedelta(days=1), time(0), zone), tz)


def resolve_until(until: str | None, tz: str, now: datetime | None = None) -> date:
    """``--until`` (default yesterday in ``tz``); today or later is refused: a day is reported once it is over."""
    last = yesterday(tz, now)
    if until is None:
        return last
    day = mining.parse_day(until, "--until")
    if day > last:
        raise InputError(f"--until {day} is not over yet in {tz} (the last whole day there is {last})")
    return day


def plan_days(
    existing: Iterable[date],
    until: date,
    since: date | None = None,
    backfill: int | None = None,
    force: bool = False,
) -> list[date]:
    """The days to write, oldest first.

    The range is ``since``..``until``, or the last ``backfill`` days up to ``until``; by default it starts
    at the oldest report there is (so a deleted or missed day inside is written again) or, on a first run,
    at ``until``. Days that already have a report are skipped unless ``force``; ``force`` without a range
    rewrites ``until`` only."""
    have = set(existing)
    if since is not None and backfill is not None:
        raise InputError("use either --since or --backfill, not both")
    if backfill is not None and backfill < 1:
        raise InputError(f"--backfill {backfill}: expected a number of days ≥ 1")
    if since is not None:
        first = since
    elif backfill is not None:
        first = until - timedelta(days=backfill - 1)
    elif force or not have:
        first = until
    else:
        first = min(min(have), until)
    if first > until:
        raise InputError(f"--since {first} is after --until {until}")
    days = [first + timedelta(days=i) for i in range((until - first).days + 1)]
    return days if force else [d for d in days if d not in have]


def spans(days: Sequence[date]) -> list[tuple[date, date]]:
    """Consecutive runs of ``days`` (sorted) as (first, last) pairs: each is mined in one pass."""
    out: list[tuple[date, date]] = []
    for d in sorted(days):
        if out and d == out[-1][1] + timedelta(days=1):
            out[-1] = (out[-1][0], d)
        else:
            out.append((d, d))
    return out


def split_by_day(commits: Iterable[Commit], tz: str) -> dict[date, list[Commit]]:
    """Commits grouped by their commit date's day in ``tz`` (order kept: newest first)."""
    zone = mining.parse_zone(tz)
    out: dict[date, list[Commit]] = {}
    for c in commits:
        out.setdefault(c.committed_at.astimezone(zone).date(), []).append(c)
    return out


# ------------------------------------------------------------------------------------------ the state in OUT


def report_base(out: Path, repo: str, day: date, tz: str) -> Path:
    """Where ``repo``'s report of ``day`` lives (no suffix): the one layout :func:`report.report_path` defines."""
    w = day_window(day, day, tz)
    return report_path(out, DayReport(repo=repo, remote_url=None, start=w.start, end=w.end, timezone=tz,
                                      entries=(), classifier="", writer=""))


def existing_days(out: Path, repo: str, tz: str) -> set[date]:
    """Days of ``repo`` that have a whole report in ``out``: the Markdown and its JSON twin."""
    reports = Path(out) / "reports"
    if not reports.is_dir():
        return set()
    days: set[date] = set()
    for year_dir in reports.iterdir():
        if not (year_dir.name.isdigit() and len(year_dir.name) == 4):
            continue
        folder = report_base(out, repo, date(int(year_dir.name), 1, 1), tz).parent
        if not folder.is_dir():
            continue
        for f in folder.iterdir():
            m = _DAY_FILE.match(f.name)
            if m and f.with_suffix(".md").is_file():
                try:
                    days.add(date.fromisoformat(m.group(1)))
                except ValueError:
                    continue
    return days


def remove_stale_temp_files(out: Path) -> int:
    """Temporary files a killed writer left behind (never a report). Call only while holding the lock."""
    reports = Path(out) / "reports"
    n = 0
    if reports.is_dir():
        for p in reports.rglob(".*"):
            if p.is_file() and _TEMP_FILE.match(p.name):
                p.unlink(missing_ok=True)
                n += 1
    return n


@contextmanager
def locked(out: Path) -> Iterator[None]:
    """An exclusive lock on the folder ``out`` for the run (released by the kernel if the process dies)."""
    try:
        Path(out).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create --out {out}: {exc.strerror or exc}") from None
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        yield
        return
    fd = os.open(out, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise OutputError(f"another commitradar run is writing to {out}; wait for it to finish") from None
        yield
    finally:
        os.close(fd)


@contextmanager
def interruptible() -> Iterator[Callable[[], bool]]:
    """Ctrl-C (SIGINT) asks the run to stop between two reports: the one being written is finished, then
    KeyboardInterrupt is raised where the caller checks; a second Ctrl-C stops at once. Yields the check."""
    asked = [0]
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        yield lambda: False
        return

    def handler(signum, frame):
        asked[0] += 1
        if asked[0] > 1:
            raise KeyboardInterrupt
        log.warning("stopping after the report being written (Ctrl-C again to stop at once)")

    old = signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: asked[0] > 0
    finally:
        signal.signal(signal.SIGINT, old)


# ------------------------------------------------------------------------------------------ one repository


@dataclass
class _Mined:
    """The git half of a repository's work: opened, planned, mined (in a worker thread)."""

    spec: str
    name: str
    repo: LocalRepo | None = None
    days: list[date] = field(default_factory=list)
    commits: dict[date, list[Commit]] = field(default_factory=dict)
    error: str | None = None


def _why(exc: BaseException) -> str:
    if isinstance(exc, CommitradarError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}".strip()


def _known_name(rc: RepoConfig) -> str | None:
    """The repository's identity without opening it: the configured name, or the one a URL tells."""
    if rc.name:
        return rc.name
    if rc.url is not None:
        return mining.parse_remote(rc.url)[0]
    return None


def _source_key(rc: RepoConfig) -> str:
    """Entries that share a clone (or a mirror) are mined one after the other: git locks its files."""
    return rc.url if rc.url is not None else str(Path(rc.path).expanduser().resolve())


def _open_and_mine(rc: RepoConfig, config: Config, out: Path, until: date, since: date | None,
                   backfill: int | None, force: bool, lock: threading.Lock) -> _Mined:
    with lock:
        return _open_and_mine_unlocked(rc, config, out, until, since, backfill, force)


def _open_and_mine_unlocked(rc: RepoConfig, config: Config, out: Path, until: date, since: date | None,
                            backfill: int | None, force: bool) -> _Mined:
    job = _Mined(rc.spec, _known_name(rc) or rc.spec)
    try:
        name = _known_name(rc)
        if name is not None:  # plan first: an up-to-date repository is not even fetched
            job.days = plan_days(existing_days(out, name, config.tz), until, since, backfill, force)
            if not job.days:
                return job
        repo = mining.open_repo(rc.spec, config.cache())
        if rc.name:
            repo = replace(repo, name=rc.name)
        job.name, job.repo = repo.name, repo
        if name is None:
            job.days = plan_days(existing_days(out, repo.name, config.tz), until, since, backfill, force)
        branch = rc.branch or config.branch
        for first, last in spans(job.days):
            job.commits.update(split_by_day(mining.mine(repo, day_window(first, last, config.tz), branch), config.tz))
    except Exception as exc:  # one repository's failure never stops the others
        job.error = _why(exc)
    return job


def repo_config(config: Config, rc: RepoConfig) -> Config:
    """The run's configuration with one repository's own lang, branch and categories."""
    update: dict = {}
    if rc.lang:
        update["lang"] = rc.lang
    if rc.branch:
        update["branch"] = rc.branch
    if rc.categories:
        update["categories"] = pipeline.categories_for(config, rc)
    return config.model_copy(update=update) if update else config


# ------------------------------------------------------------------------------------------ the run


def run(
    config: Config,
    out: Path | None = None,
    since: str | None = None,
    until: str | None = None,
    backfill: int | None = None,
    force: bool = False,
    jobs: int = DEFAULT_JOBS,
    now: datetime | None = None,
    on_repo: Callable[[RepoOutcome], None] | None = None,
) -> RunResult:
    """Write every missing day of every configured repository (see the module docstring).

    ``on_repo`` is called on the calling thread as each repository finishes (for printing progress)."""
    out = Path(out if out is not None else config.out)
    last = resolve_until(until, config.tz, now)
    first = mining.parse_day(since, "--since") if since else None
    plan_days((), last, first, backfill, force)  # flag mistakes fail before any work
    if out.exists() and not out.is_dir():
        raise InputError(f"--out {out} is a file, not a folder")
    with locked(out), interruptible() as interrupted:
        remove_stale_temp_files(out)
        classifier = writer = None
        outcomes: list[RepoOutcome] = []
        bar = progress(total=None, desc="reports", unit="report")
        pool = ThreadPoolExecutor(max_workers=max(1, min(jobs, len(config.repos))), thread_name_prefix="git")
        try:
            locks: dict[str, threading.Lock] = {}
            pending: dict[Future, RepoConfig] = {
                pool.submit(_open_and_mine, rc, config, out, last, first, backfill, force,
                            locks.setdefault(_source_key(rc), threading.Lock())): rc for rc in config.repos}
            while pending:
                done, _ = wait(pending, timeout=0.2, return_when=FIRST_COMPLETED)
                if interrupted():
                    raise KeyboardInterrupt
                for fut in done:
                    rc = pending.pop(fut)
                    job = fut.result()
                    if job.error is None and job.days and classifier is None:
                        classifier, writer = get_classifier(config), pipeline.make_writer(config)
                    outcome = _write_days(job, repo_config(config, rc), out, classifier, writer, bar, interrupted)
                    if outcome.error:
                        log.warning("%s failed: %s", outcome.name, outcome.error)
                    outcomes.append(outcome)
                    if on_repo is not None:
                        on_repo(outcome)
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
            bar.close()
    order = {rc.spec: i for i, rc in enumerate(config.repos)}
    return RunResult(tuple(sorted(outcomes, key=lambda o: order.get(o.spec, 0))), last)


class _Classified:
    """The run's classifier, asked once for every commit of a repository's days; each day's report then
    reads its verdicts back. A model has a fixed cost per call (tens of trees, neighbours), so one call per
    repository instead of one per day; a verdict depends on its commit only, so the reports are the same."""

    def __init__(self, classifier, items: Sequence[tuple[Commit, object]]) -> None:
        self.name = classifier.name
        verdicts = classifier.classify(list(items)) if items else []
        self._by_sha = {c.sha: v for (c, _), v in zip(items, verdicts)}

    def classify(self, items):
        return [self._by_sha[c.sha] for c, _ in items]


def _write_days(job: _Mined, config: Config, out: Path, classifier, writer, bar,
                interrupted: Callable[[], bool] = lambda: False) -> RepoOutcome:
    if job.error is not None:
        return RepoOutcome(job.spec, job.name, error=job.error)
    if not job.days:
        return RepoOutcome(job.spec, job.name)
    bar.total = (bar.total or 0) + len(job.days)
    bar.refresh()
    days: list[date] = []
    files: list[Path] = []
    failed_calls = calls = 0
    try:
        mapping = mapping_for(job.name, config.categories)  # as pipeline.build_report extracts them
        batch = _Classified(classifier, [(c, extract(c, mapping)) for d in job.days for c in job.commits.get(d, ())])
        for day in job.days:
            report = pipeline.build_report(job.name, job.repo.web_url, day_window(day, day, config.tz),
                                           job.commits.get(day, ()), config, batch, writer)
            files += write_report(report, out, config.lang)
            days.append(day)
            usage = report.usage or {}
            calls += usage.get("calls", 0)
            failed_calls += usage.get("failed", 0)
            bar.update(1)
            if interrupted():
                raise KeyboardInterrupt
    except Exception as exc:
        return RepoOutcome(job.spec, job.name, tuple(days), tuple(files), error=_why(exc))
    llm = (f"{job.name}: {failed_calls}/{calls} LLM calls failed"
           if calls and failed_calls > config.llm.max_failure_share * calls else None)
    return RepoOutcome(job.spec, job.name, tuple(days), tuple(files), llm_failure=llm)


def describe(outcome: RepoOutcome) -> str:
    """One line per repository for the log: what was written, or that it is up to date."""
    if outcome.error:
        return f"{outcome.name}: failed: {outcome.error}"
    if not outcome.days:
        return f"{outcome.name}: up to date"
    first, last = min(outcome.days), max(outcome.days)
    when = str(first) if first == last else f"{first}..{last}"
    n = len(outcome.days)
    return f"{outcome.name}: wrote {n} report{'s' if n != 1 else ''} ({when})"


__all__ = ["RunFailure", "RepoOutcome", "RunResult", "run", "plan_days", "spans", "split_by_day",
           "existing_days", "report_base", "resolve_until", "describe", "repo_config"]
