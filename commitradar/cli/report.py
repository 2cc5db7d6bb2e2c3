"""``report`` and ``mine``: check every flag, build the Config, run the pipeline, print the paths written.

Everything a user can get wrong is checked before any work (mirroring, mining, the model, the LLM): the
output place, the model folder, the repositories and their names, the dataset files' dates.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

from ..errors import InputError, LLMFailure
from .settings import config_from_args

log = logging.getLogger("commitradar")


def check_writable(flag: str, target: Path, folder: bool) -> None:
    """``target`` (a folder to create, or a file to write) can be written: its nearest existing ancestor is a
    folder we may create files in. Checked first, so a bad ``--out`` never costs a whole run."""
    target = Path(target).absolute()
    if not folder and target.is_dir():
        raise InputError(f"{flag} {target}: cannot write there (it is a folder, not a file)")
    start = target if folder else target.parent
    existing = next((p for p in (start, *start.parents) if p.exists()), None)
    if existing is None:
        return
    if not existing.is_dir():
        raise InputError(f"{flag} {target}: cannot write there ({existing} is a file, not a folder)")
    try:
        fd, probe = tempfile.mkstemp(prefix=".commitradar-probe-", dir=existing)
    except OSError as exc:
        raise InputError(f"{flag} {target}: cannot write in {existing} ({exc.strerror or exc})") from None
    os.close(fd)
    os.unlink(probe)


def check_model(config) -> None:
    """An explicit model folder must hold a model; only the shipped default may fall back to the rules."""
    from ..config import DEFAULT_MODEL_DIR

    if config.classifier != "model" or Path(config.model_dir).resolve() == DEFAULT_MODEL_DIR.resolve():
        return
    where = Path(config.model_dir)
    if not where.is_dir():
        raise InputError(f"--model {where}: no such folder")
    missing = [f for f in ("model_card.json", "model.skops") if not (where / f).is_file()]
    if missing:
        raise InputError(f"--model {where}: not a trained model (no {' or '.join(missing)}; "
                         "make one with `commitradar train`)")


def open_repos(config, window, fetch: bool):
    """Open (mirror) every repository before any work; ``--fetch`` local clones; refuse two repositories
    that would share a name (and so a report file); warn about a clone whose newest commit is older than
    the day asked for."""
    from ..mining import default_branch, newest_commit, open_repo
    from ..mining import fetch as git_fetch

    if not config.repos:
        raise InputError("repos is empty: no repository to report on (give --repo PATH_OR_URL, or list them in the "
                         "settings as [[repos]])")
    repos, seen = [], {}
    for entry in config.repos:
        spec = entry.spec
        repo = open_repo(spec, config.cache(), name=entry.name)
        if repo.path in {r.path for r in repos}:
            continue
        if repo.name in seen:
            raise InputError(f"{seen[repo.name]} and {spec} are both {repo.name!r} and would write the same "
                             f"report: name one ([[repos]] name = \"OWNER/NAME\" in the settings, or "
                             f"`git -C {repo.path} config commitradar.name OWNER/NAME`)")
        seen[repo.name] = spec
        if fetch and not repo.mirrored:  # mirrors are fetched whenever they are opened
            git_fetch(repo)
        elif not repo.mirrored:
            branch = config.branch or default_branch(repo.path)
            newest = newest_commit(repo.path, branch)
            if newest is not None and newest < window.start:
                log.warning("%s: the newest commit on %s is from %s, before the day asked for: the clone may be "
                            "out of date (update it with --fetch or git fetch)", spec, branch,
                            newest.astimezone(window.start.tzinfo).strftime("%Y-%m-%d %H:%M %Z").strip())
        repos.append(repo)
    return repos


def cmd_report(args) -> int:
    from .. import pipeline
    from ..mining import resolve_window
    from ..report import write_report

    config = config_from_args(args)
    window = resolve_window(args.date, args.since, args.until, config.tz)
    out = Path(config.out)
    if not config.dry_run:
        check_writable("--out", out, folder=True)
    check_model(config)
    if args.commits and args.repo:
        raise InputError("use either --repo or --commits, not both")
    if args.fetch and args.commits:
        raise InputError("--fetch updates clones; it does nothing with --commits")
    if args.commits:  # an empty file, or a day outside the files' dates, fails here, before any work
        from ..dataset import read_for_window

        read_for_window(args.commits, window.start, window.end, window.timezone)
    # Every repository is opened (URLs mirrored) before any work, so a bad one fails fast and loses nothing.
    repos = [] if args.commits else open_repos(config, window, args.fetch)
    writer = pipeline.make_writer(config)
    send = config.send or getattr(args, "resend", False)
    if config.dry_run:  # the dry-run writer prints what would be sent; no report is written
        reports = list(pipeline.run(config, window, repos, args.commits or (), writer=writer))
        print(writer.summary())
        if send:  # ... and each chat message, from the same reports (their prose is the deterministic one)
            from ..report import render_json
            from .send import send_reports

            send_reports(config, [json.loads(render_json(r, config.lang)) for r in reports], out, resend=args.resend,
                         dry_run=True)
        return 0
    failures, twins = [], []
    for report in pipeline.run(config, window, repos, args.commits or (), writer=writer):
        for path in write_report(report, out, config.lang, explain=config.explain):
            print(path)
            twins += [path] if path.suffix == ".json" else []
        usage = report.usage or {}
        if usage.get("calls") and usage.get("failed", 0) > config.llm.max_failure_share * usage["calls"]:
            failures.append(f"{report.repo}: {usage['failed']}/{usage['calls']} LLM calls failed")
    sink_error = None
    if send:  # after every file is written: a sink failure never costs a report
        from .send import send_reports

        sink_error = send_reports(config, twins, out, resend=args.resend)
    if failures:
        raise LLMFailure("; ".join(failures) + " (reports written, failed entries marked)"
                         + (f"; also {sink_error}" if sink_error else ""))
    if sink_error:
        raise sink_error
    return 0


def cmd_mine(args) -> int:
    from ..dataset import write_commits
    from ..mining import mine, resolve_window

    config = config_from_args(args)
    window = resolve_window(args.date, args.since, args.until, config.tz)
    check_writable("--out", Path(args.out), folder=False)
    repos = open_repos(config, window, args.fetch)
    commits = [c for repo in repos for c in mine(repo, window, config.branch)]
    n = write_commits(args.out, commits)
    print(f"{args.out}: {n} commits from {len(repos)} repositories ({window.start:%Y-%m-%d}..{window.end:%Y-%m-%d} exclusive, {window.timezone})")
    return 0
