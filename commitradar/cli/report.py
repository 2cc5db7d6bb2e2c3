"""``report`` and ``mine``: parse flags into the Config, run the pipeline, print the paths written."""
from __future__ import annotations

import json
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
    from ..mining import mine, open_repo, resolve_window

    config = config_from_args(args)
    window = resolve_window(args.date, args.since, args.until, config.tz)
    repos = [open_repo(r.spec, config.cache()) for r in config.repos]
    commits = [c for repo in repos for c in mine(repo, window, config.branch)]
    n = write_commits(args.out, commits)
    print(f"{args.out}: {n} commits from {len(repos)} repositories ({window.start:%Y-%m-%d}..{window.end:%Y-%m-%d} exclusive, {window.timezone})")
    return 0


