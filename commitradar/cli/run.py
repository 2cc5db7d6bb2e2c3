"""``run``, ``site`` and ``digest``: the daily job, the static site with its feeds, the weekly digest."""
from __future__ import annotations

import argparse
from pathlib import Path

EPILOG_RUN = """\
examples:
  commitradar run                          # every [[repos]] of commitradar.toml, every day without a report
  commitradar run --out site-data --site   # ... then rebuild site-data/site/ (index, pages, Atom feeds)
  commitradar run --backfill 30            # make sure the last 30 days are there
  commitradar run --since 2026-08-01 --force   # rewrite every day since Aug 1

The reports in --out are the state: a day is written when its report (Markdown + JSON) is missing,
from the oldest report there (or yesterday on a first run) up to --until (default: yesterday in tz).
A second run writes nothing and says so; delete a report and the next run writes exactly that day.
Exit codes: 0 done, 1 some repositories failed (the others were written; each is named with why),
2 bad flags or settings, 3 cannot write, 4 too many LLM calls failed.
"""

EPILOG_SITE = """\
The site is static: open OUT/site/index.html from disk or serve the folder; nothing is loaded from the
network. Feeds: OUT/site/feed.xml (every report) and OUT/site/repos/<owner>/<name>/feed.xml.
Give --base-url (where the site will be served) for absolute links in the feeds.
"""

EPILOG_DIGEST = """\
examples:
  commitradar digest --week 2026-W33              # Monday..Sunday of ISO week 33
  commitradar digest --since 2026-08-01 --until 2026-08-31 --lang en
Writes OUT/digests/<period>.<lang>.md and OUT/digests/<period>.json from the JSON twins in OUT.
"""


def _config_flag(p: argparse.ArgumentParser) -> None:
    # SUPPRESS: the top-level --config keeps its value when this one is not given
    p.add_argument("--config", metavar="FILE", default=argparse.SUPPRESS,
                   help="settings file with [[repos]] (default ./commitradar.toml if present)")


def add_run_commands(sub, formatter) -> None:
    p = sub.add_parser("run", help="write every missing daily report of every configured repository",
                       description="The daily job: for every [[repos]] entry of the configuration, mirror or "
                       "fetch the repository and write each day that has no report yet in --out.",
                       epilog=EPILOG_RUN, formatter_class=formatter)
    _config_flag(p)
    p.add_argument("--out", metavar="DIR", help="report folder (default: out of the configuration, else .)")
    g = p.add_argument_group("days")
    g.add_argument("--since", metavar="YYYY-MM-DD", help="first day to cover (default: the oldest report in "
                   "--out, or --until on a first run)")
    g.add_argument("--until", metavar="YYYY-MM-DD", help="last day to cover (default: yesterday in tz)")
    g.add_argument("--backfill", type=int, metavar="N", help="cover the last N days up to --until")
    g.add_argument("--force", action="store_true", help="rewrite the days covered even if they have reports "
                   "(without --since/--backfill: --until only)")
    g.add_argument("--tz", help="IANA time zone of day boundaries (default: tz of the configuration)")
    p.add_argument("--lang", choices=("zh", "en"), help="report language (a repository's own lang wins)")
    p.add_argument("--classifier", choices=("model", "rules"), help="who decides tiers (default model)")
    p.add_argument("--cache", metavar="DIR", help="cache folder for mirrors, embeddings, LLM answers")
    p.add_argument("-j", "--jobs", type=int, default=3, metavar="N", help="repositories mined at once")
    p.add_argument("--site", action="store_true", help="rebuild OUT/site/ afterwards (as `commitradar site`)")
    from .send import add_send_flags

    add_send_flags(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("site", help="build the static site and Atom feeds from the reports",
                       description="Build OUT/site/: an index of days × repositories with tier counts and "
                       "headlines, one page per report, weekly digests, filters and search, Atom feeds. "
                       "Read from the JSON twins in OUT/reports.", epilog=EPILOG_SITE, formatter_class=formatter)
    _config_flag(p)
    p.add_argument("--out", metavar="DIR", help="report folder (default: out of the configuration, else .)")
    p.add_argument("--lang", choices=("zh", "en"), help="language of the index and digests (default zh)")
    p.add_argument("--base-url", metavar="URL", help="where the site is served, for absolute feed links "
                   "(default: site_url of the configuration)")
    p.set_defaults(func=cmd_site)

    p = sub.add_parser("digest", help="aggregate a week (or any period) of reports",
                       description="Per repository: the period's must-reads, every breaking change, "
                       "dependency moves, counts per area and tier. Markdown and JSON.",
                       epilog=EPILOG_DIGEST, formatter_class=formatter)
    _config_flag(p)
    p.add_argument("--out", metavar="DIR", help="report folder (default: out of the configuration, else .)")
    g = p.add_argument_group("period")
    g.add_argument("--week", metavar="YYYY-Www", help="an ISO week, e.g. 2026-W33")
    g.add_argument("--since", metavar="YYYY-MM-DD", help="first day (inclusive)")
    g.add_argument("--until", metavar="YYYY-MM-DD", help="last day (inclusive)")
    p.add_argument("--lang", choices=("zh", "en"), help="language of the Markdown (default zh)")
    p.set_defaults(func=cmd_digest)


def cmd_run(args) -> int:
    from ..run import describe, run
    from .settings import config_from_args

    config = config_from_args(args)
    if args.jobs < 1:
        from ..errors import InputError

        raise InputError(f"--jobs {args.jobs}: expected a number ≥ 1")
    out = Path(config.out)
    result = run(config, out, since=args.since, until=args.until, backfill=args.backfill, force=args.force,
                 jobs=args.jobs, on_repo=lambda o: print(describe(o), flush=True))
    if not result.written and not result.failed:
        print(f"nothing to write: every repository has its reports up to {result.until}")
    if args.site:
        from ..site import build_site

        print(build_site(out, lang=config.lang, base_url=config.site_url).index)
    sink_error = None
    if (config.send or args.resend) and result.twins:  # after every file is written: a sink never costs a report
        from .send import send_reports

        sink_error = send_reports(config, result.twins, out, resend=args.resend, dry_run=config.dry_run)
    error = result.error() or sink_error
    if error is not None:
        raise error
    return 0


def cmd_site(args) -> int:
    from ..site import build_site
    from .settings import config_from_args

    config = config_from_args(args)
    built = build_site(Path(config.out), lang=config.lang, base_url=args.base_url or config.site_url)
    print(built.index)
    print(f"{built.reports} reports of {built.repos} repositories, {built.digests} weekly digests")
    return 0


def cmd_digest(args) -> int:
    from ..site.digest import write_digest
    from .settings import config_from_args

    config = config_from_args(args)
    for path in write_digest(Path(config.out), week=args.week, since=args.since, until=args.until,
                             lang=config.lang, tz=config.tz):
        print(path)
    return 0
