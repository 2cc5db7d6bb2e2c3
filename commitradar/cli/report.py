"""``report`` and ``mine``: parse flags into the Config, run the pipeline, print the paths written."""
from __future__ import annotations

from pathlib import Path

from ..errors import InputError, LLMFailure
from .settings import config_from_args


def cmd_report(args) -> int:
    from .. import pipeline
    from ..mining import open_repo, resolve_window
    from ..report import write_report

    config = config_from_args(args)
    window = resolve_window(args.date, args.since, args.until, config.tz)
    out = Path(config.out)
    existing = next((p for p in (out.absolute(), *out.absolute().parents) if p.exists()), None)
    if existing is not None and not existing.is_dir():
        raise InputError(f"--out {out}: {existing} is a file, not a folder")
    # Every repository is opened (URLs mirrored) before any work, so a bad one fails fast and loses nothing.
    repos = [] if args.commits else [open_repo(r.spec, config.cache()) for r in config.repos]
    writer = pipeline.make_writer(config)
    if config.dry_run:  # the dry-run writer prints what would be sent; no report is written
        for _report in pipeline.run(config, window, repos, args.commits or (), writer=writer):
            pass
        print(writer.summary())
        return 0
    failures = []
    for report in pipeline.run(config, window, repos, args.commits or (), writer=writer):
        for path in write_report(report, out, config.lang):
            print(path)
        usage = report.usage or {}
        if usage.get("calls") and usage.get("failed", 0) > config.llm.max_failure_share * usage["calls"]:
            failures.append(f"{report.repo}: {usage['failed']}/{usage['calls']} LLM calls failed")
    if failures:
        raise LLMFailure("; ".join(failures) + " (reports written, failed entries marked)")
    return 0


def cmd_mine(args) -> int:
    from ..dataset import write_commits
    from ..mining import mine, open_repo, resolve_window

    config = config_from_args(args)
    window = resolve_window(args.date, args.since, args.until, config.tz)
    repos = [open_repo(r.spec, config.cache()) for r in config.repos]
    commits = [c for repo in repos for c in mine(repo, window, config.branch)]
    n = write_commits(args.out, commits)
    print(f"{args.out}: {n} commits from {len(repos)} repositories ({window.start:%Y-%m-%d}..{window.end:%Y-%m-%d} exclusive, {window.timezone})")
    return 0


