"""Delivery from the command line: ``--send``/``--resend`` for ``report`` (and ``run``), and ``send``, which
delivers reports already in ``--out`` (after a sink failed, or to preview messages with ``--dry-run``)."""
from __future__ import annotations

import argparse
import logging
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from ..errors import InputError

log = logging.getLogger("commitradar")

EPILOG_SEND = """\
examples:
  commitradar send --date 2026-03-10                 # deliver that day's reports in ./reports to every sink
  commitradar send --since 2026-03-01 --dry-run      # print each message instead of sending it
  commitradar send --date 2026-03-10 --resend        # again, even where it was delivered before

Sinks are the [[sinks]] tables of commitradar.toml (docs/delivery.md); URLs and secrets come from the
environment variables they name. A report-day goes to a sink at most once (the record is in the cache
folder) unless --resend. Exit code 5 when a sink still fails after its retries; the reports are untouched.
"""


def add_send_flags(p: argparse.ArgumentParser) -> None:
    """``--send`` and ``--resend`` on a command that writes reports."""
    g = p.add_argument_group("delivery ([[sinks]] in commitradar.toml; docs/delivery.md)")
    g.add_argument("--send", action="store_true", help="after writing, deliver each report to the sinks (or "
                   "send = true); with --dry-run, print the messages instead")
    g.add_argument("--resend", action="store_true", help="deliver even reports a sink already has (implies --send)")


def add_send_command(sub, formatter) -> None:
    p = sub.add_parser("send", help="deliver reports already written to the sinks",
                       description="Deliver the reports in OUT/reports (their JSON twins) to every sink of the "
                       "configuration: one message per report and sink, within each platform's size limit.",
                       epilog=EPILOG_SEND, formatter_class=formatter)
    g = p.add_argument_group("which reports")
    g.add_argument("--date", metavar="YYYY-MM-DD", help="reports of this day (default: yesterday in --tz)")
    g.add_argument("--since", metavar="YYYY-MM-DD", help="reports of days from this one (inclusive)")
    g.add_argument("--until", metavar="YYYY-MM-DD", help="... to this one (inclusive; default today)")
    g.add_argument("--tz", help="time zone of 'yesterday' (default Asia/Shanghai)")
    g.add_argument("--repo", action="append", metavar="OWNER/NAME", dest="send_repos",
                   help="only this repository's reports (repeatable; shell patterns work)")
    p.add_argument("--out", metavar="DIR", help="output folder holding reports/ (default: current folder)")
    p.add_argument("--cache", metavar="DIR", help="cache folder: the delivery record lives there")
    p.add_argument("--dry-run", action="store_true", help="print each message instead of sending it")
    p.add_argument("--resend", action="store_true", help="deliver even reports a sink already has")
    p.set_defaults(func=cmd_send)


def send_reports(config, reports, out: Path, *, resend: bool = False, dry_run: bool = False):
    """Deliver ``reports`` (twin paths or dicts) to ``config.sinks``; logs one line, returns the
    ``SinkFailure`` to raise (or None). ``report --send`` and ``run --send`` call this after writing."""
    from ..sinks.base import Links
    from ..sinks.deliver import deliver

    if not config.sinks:
        raise InputError("--send: no sinks configured (add a [[sinks]] table to commitradar.toml; see docs/delivery.md)")
    result = deliver(reports, config.sinks, config.cache(), out_dir=out, links=Links(config.report_url, config.site_url),
                     dry_run=dry_run, resend=resend)
    if not dry_run and log.isEnabledFor(logging.WARNING):  # not with --quiet
        print(f"commitradar: {result.line()}", file=sys.stderr)
        if not (config.report_url or config.site_url) and result.sent:
            log.warning("no report_url or site_url configured: messages name the report file instead of linking to it")
    return result.error()


def _day(text: str, flag: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{flag} {text!r}: expected a date like 2026-03-10") from None


def _wanted_labels(args, tz: str):
    if args.date and (args.since or args.until):
        raise InputError("--date cannot be combined with --since/--until")
    if args.since or args.until:
        start = _day(args.since, "--since") if args.since else date.min
        end = _day(args.until, "--until") if args.until else datetime.now(ZoneInfo(tz)).date()
        return lambda label: start <= _label_day(label) <= end if _label_day(label) else False
    day = _day(args.date, "--date") if args.date else datetime.now(ZoneInfo(tz)).date() - timedelta(days=1)
    return lambda label: label == day.isoformat()


def _label_day(label: str) -> date | None:
    try:
        return date.fromisoformat(label.split("..")[0])
    except ValueError:
        return None


def cmd_send(args) -> int:
    import fnmatch
    import json

    from .settings import config_from_args

    config = config_from_args(args)
    out = Path(config.out)
    if not (out / "reports").is_dir():
        raise InputError(f"--out {out}: no reports/ folder here (write reports with `commitradar report --out {out}`)")
    wanted = _wanted_labels(args, config.tz)
    found = []
    for path in sorted(p for p in (out / "reports").rglob("*.json") if not p.name.startswith(".")):  # YYYY/owner/name/
        if not wanted(path.stem):
            continue
        if args.send_repos:
            try:
                repo = str(json.loads(path.read_text(encoding="utf-8")).get("repo", ""))
            except (OSError, ValueError):
                repo = ""
            if not any(fnmatch.fnmatchcase(repo.lower(), r.lower()) for r in args.send_repos):
                continue
        found.append(path)
    if not found:
        raise InputError(f"no reports to send in {out / 'reports'} for the days asked (see --date, --since, --until)")
    error = send_reports(config, found, out, resend=args.resend, dry_run=config.dry_run)
    if error:
        raise error
    return 0
