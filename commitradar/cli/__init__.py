"""The ``commitradar`` command. Thin: parse flags, build the Config, call one library function, print paths.

User mistakes end with ``commitradar: error: <one line>`` and a non-zero exit code, never a traceback.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys

from .. import __version__
from ..errors import CommitradarError
from . import report as report_cmd
from .argtypes import day as _day
from .argtypes import nonempty as _nonempty
from .argtypes import positive_int
from .init import add_init_command
from .send import add_send_command, add_send_flags

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing is ever downloaded at run time
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

log = logging.getLogger("commitradar")

EPILOG_REPORT = """\
examples:
  commitradar report                                 # this repository, yesterday (Asia/Shanghai)
  commitradar report --repo ~/src/sglang --date 2026-02-03 --tz UTC
  commitradar report --repo https://github.com/sgl-project/sglang --lang en
  commitradar report --commits day.jsonl.gz --date 2026-02-03   # reproduce from a dataset file
  commitradar report --llm openai --llm-model qwen2.5-7b-instruct   # LLM prose for medium/high

Day boundaries use each commit's *commit* date (when it landed) in --tz. Reports go to
OUT/reports/YYYY/<owner>/<name>/YYYY-MM-DD.md and .json; the paths are printed. The name is the one
configured in the clone (git config commitradar.name OWNER/NAME), else its GitHub/GitLab remote's (a
remote that is a local path is followed to its own remote), else its folder's, with a warning.
"""


EPILOG_MINE = """\
format: one JSON object per line, exactly what `git log --first-parent --numstat --no-renames` tells of
each commit on the followed branch:
  {"repo": "owner/name", "sha", "author", "author_email_domain", "authored_at", "committed_at" (ISO 8601
   with offset), "parents": [sha, ...], "subject" (git's %s), "body" (git's %b, at most 2,000 characters),
   "files": [{"path", "added", "deleted"}], "n_files", "added", "deleted"}
A merge's files are its diff against the first parent (what landed on the branch); a renamed file counts
as one path deleted and one added; a binary file has null counts. Day boundaries use the commit date.

example:
  commitradar mine --repo ~/src/vllm-ascend --date 2026-03-10 --out day.jsonl.gz
  commitradar report --commits day.jsonl.gz --date 2026-03-10
"""


class _Formatter(argparse.RawDescriptionHelpFormatter, argparse.ArgumentDefaultsHelpFormatter):
    def _get_help_string(self, action):  # show a default only when there is one worth showing
        if action.default in (None, [], False, argparse.SUPPRESS):
            return action.help
        return super()._get_help_string(action)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other user error, and where to look
        print(f"commitradar: error: {_printable(message)} (see '{self.prog} --help')", file=sys.stderr)
        raise SystemExit(2)


# ------------------------------------------------------------------------------------ flag value types


GLOBAL_OPTIONS = (
    (("--config",), {"metavar": "FILE", "help": "settings file (default ./commitradar.toml if present)"}),
    (("-q", "--quiet"), {"action": "store_true", "help": "no progress bars or warnings"}),
    (("-v", "--verbose"), {"action": "store_true", "help": "also say what is being done (info messages)"}),
)


def _add_global_options(parser: argparse.ArgumentParser, suppress: bool) -> None:
    """``-q``, ``-v`` and ``--config`` before or after any subcommand. In subcommands their default is
    SUPPRESS, so a value given before the subcommand is not reset by the subcommand's own default."""
    group = parser.add_argument_group("global options") if suppress else parser
    for flags, kwargs in GLOBAL_OPTIONS:
        if any(f in parser._option_string_actions for f in flags):
            continue
        group.add_argument(*flags, **({**kwargs, "default": argparse.SUPPRESS} if suppress else kwargs))
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                _add_global_options(child, suppress=True)


def _window_flags(p: argparse.ArgumentParser, default_day: bool = True) -> None:
    g = p.add_argument_group("day")
    g.add_argument("--date", metavar="YYYY-MM-DD", type=_day, help="the day to report (default: yesterday in --tz)")
    g.add_argument("--since", metavar="YYYY-MM-DD", type=_day, help="first day of a range (inclusive)")
    g.add_argument("--until", metavar="YYYY-MM-DD", type=_day,
                   help="last day of a range (inclusive; default today)")
    g.add_argument("--tz", type=_nonempty("--tz"),
                   help="IANA time zone for day boundaries and times (default Asia/Shanghai)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="commitradar",
        description="Turn a day of git commits into a ranked, readable report (Markdown + JSON).",
        formatter_class=_Formatter,
    )
    parser.add_argument("--version", action="version", version=f"commitradar {__version__}")
    _add_global_options(parser, suppress=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("report", help="write the daily report", description="Write the daily report of one or more "
                       "repositories: mine → features → classify → write → Markdown + JSON.",
                       epilog=EPILOG_REPORT, formatter_class=_Formatter)
    p.add_argument("--repo", action="extend", nargs="+", metavar="PATH_OR_URL",
                   help="local clone or clone URL; several allowed (one report each). Default: current folder")
    p.add_argument("--commits", action="extend", nargs="+", metavar="FILE",
                   help="render from dataset files (.jsonl or .jsonl.gz, see `mine --help`) instead of a repository")
    p.add_argument("--branch", help="branch to follow (default: the remote's default branch, else HEAD)")
    p.add_argument("--fetch", action="store_true",
                   help="git fetch each local clone's remote first (a stale clone reports too few commits)")
    _window_flags(p)
    p.add_argument("--lang", choices=("zh", "en"), help="report language (default zh)")
    p.add_argument("--out", metavar="DIR", help="output folder (default: current folder)")
    p.add_argument("--classifier", choices=("model", "rules"), help="who decides tiers (default model)")
    p.add_argument("--rules-preset", choices=("default", "argus"), help="rules table for --classifier rules")
    p.add_argument("--model", metavar="DIR", dest="model_dir", help="trained model folder (default: shipped)")
    p.add_argument("--high-threshold", type=float, metavar="P",
                   help="model tier policy: high if P(high) ≥ P, in every repository (default: the thresholds "
                   "set at training, per repository for the labeled ones; lower it for more high commits, "
                   "raise it for fewer)")
    p.add_argument("--medium-threshold", type=float, metavar="P",
                   help="model tier policy: otherwise medium if 1 − P(low) ≥ P (default: tuned at training)")
    p.add_argument("--high-budget", type=float, metavar="SHARE",
                   help="model tier policy, attention budget: keep at most max(1, ceil(SHARE × n)) high commits of "
                   "a repository's n commits per day, by P(high); the rest become medium (default: off)")
    p.add_argument("--explain", action="store_true",
                   help="show each entry's model internals in the Markdown too (probabilities, thresholds, rule "
                   "scores, strongest features, nearest labeled commits); the JSON twin always has them")
    llm = p.add_argument_group("LLM writer (medium and high commits only)")
    llm.add_argument("--llm", choices=("openai", "none"),
                     help="'openai' = any OpenAI-compatible endpoint (OPENAI_BASE_URL, OPENAI_API_KEY)")
    llm.add_argument("--llm-model", help="model name (or COMMITRADAR_LLM_MODEL)")
    llm.add_argument("--llm-base-url", help="endpoint, e.g. http://127.0.0.1:8000/v1 (or OPENAI_BASE_URL)")
    llm.add_argument("--max-in-flight", type=positive_int, metavar="N", help="concurrent LLM requests (default 8)")
    llm.add_argument("--token-budget", type=positive_int, metavar="N", help="total LLM tokens for this run")
    llm.add_argument("--cache", metavar="DIR", help="cache folder (or COMMITRADAR_CACHE)")
    llm.add_argument("--dry-run", action="store_true", help="print what would be sent to the LLM and exit")
    add_send_flags(p)
    p.set_defaults(func=report_cmd.cmd_report)

    p = sub.add_parser("mine", help="write a day's commits to a dataset file",
                       description="Mine first-parent commits into the dataset format the model was trained on "
                       "(that of ../shared/data/commits), so any report can be reproduced with report --commits.",
                       epilog=EPILOG_MINE, formatter_class=_Formatter)
    p.add_argument("--repo", action="extend", nargs="+", metavar="PATH_OR_URL",
                   help="local clone or URL (several allowed). Default: current folder")
    p.add_argument("--branch", help="branch to follow")
    p.add_argument("--fetch", action="store_true", help="git fetch each local clone's remote first")
    _window_flags(p)
    p.add_argument("--out", required=True, metavar="FILE", help="output .jsonl or .jsonl.gz")
    p.add_argument("--cache", metavar="DIR", help="cache folder for mirrored URLs")
    p.set_defaults(func=report_cmd.cmd_mine)

    from .model import add_model_commands
    from .run import add_run_commands
    from .settings import add_config_command

    add_model_commands(sub, _Formatter)
    add_config_command(sub, _Formatter)
    add_send_command(sub, _Formatter)
    add_init_command(sub, _Formatter)
    add_run_commands(sub, _Formatter)
    _add_global_options(parser, suppress=False)  # and into every subcommand, however deep
    return parser


class _LineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"commitradar: {record.levelname.lower()}: {record.getMessage()}"


def _configure_logging(quiet: bool, verbose: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LineFormatter())
    log.handlers[:] = [handler]
    log.setLevel(logging.ERROR if quiet else logging.INFO if verbose else logging.WARNING)
    from .. import progress

    progress.ENABLED = not quiet
    log.propagate = False


def _printable(text: str) -> str:
    """One line whatever the message quotes (a path or a value with a line break in it is escaped)."""
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text)


def _innermost(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    """The (sub)command parser ``args`` came through, e.g. ``labels import``: its --help is the one to read."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            chosen = action.choices.get(getattr(args, action.dest, None) or "")
            if chosen is not None:
                return _innermost(chosen, args)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra:  # named by the command that was given, so the hint points at its --help
        _innermost(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
    _configure_logging(args.quiet, args.verbose)
    if not args.command:
        parser.print_help()
        return 2
    try:
        return args.func(args) or 0
    except CommitradarError as exc:
        print(f"commitradar: error: {_printable(str(exc))}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("commitradar: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


