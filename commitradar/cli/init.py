"""``commitradar init``: a commented starter ``commitradar.toml`` and, with ``--github-actions``, a daily
workflow (``.github/workflows/commitradar.yml``) that writes, commits, publishes and delivers the reports.

Asks for repositories, time zone, language and chats only on a terminal (and not with ``--no-input``);
otherwise it writes the defaults and the flags given. An existing file is kept unless ``--force``.
"""
from __future__ import annotations

import json
import sys
import tempfile
import tomllib
from pathlib import Path

import jinja2

from ..config import looks_like_url
from ..errors import InputError
from ..fileio import atomic_write

SINK_ENV = {  # the variables a new [[sinks]] table names (and the workflow maps from repository secrets)
    "webhook": ("WEBHOOK_URL", "WEBHOOK_SECRET"),
    "slack": ("SLACK_WEBHOOK_URL", None),
    "feishu": ("FEISHU_HOOK_URL", "FEISHU_SECRET"),
    "dingtalk": ("DINGTALK_HOOK_URL", "DINGTALK_SECRET"),
    "wecom": ("WECOM_HOOK_URL", None),
}
WORKFLOW = Path(".github") / "workflows" / "commitradar.yml"
DEFAULT_CRON = "17 1 * * *"

EPILOG_INIT = """\
examples:
  commitradar init                                   # asks on a terminal; else writes the defaults
  commitradar init --repo https://github.com/sgl-project/sglang --sink feishu --github-actions
  commitradar init --github-actions --force          # rewrite the workflow (and the settings)

Then: `commitradar config` shows the settings in effect; `commitradar report` or `commitradar run`
writes reports; docs/delivery.md explains chats, the workflow, cron and systemd.
"""

_env = jinja2.Environment(
    loader=jinja2.PackageLoader("commitradar", "templates/init"),
    variable_start_string="<<", variable_end_string=">>", block_start_string="<%", block_end_string="%>",
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, undefined=jinja2.StrictUndefined,
    autoescape=False,
)
_env.filters["q"] = lambda v: json.dumps(str(v), ensure_ascii=False)  # a TOML basic string


def add_init_command(sub, formatter) -> None:
    p = sub.add_parser("init", help="write a starter commitradar.toml (and a GitHub Actions workflow)",
                       description="Write a commented commitradar.toml in --dir; with --github-actions also "
                       f"{WORKFLOW}: a daily job that writes the missing reports, commits them, publishes the "
                       "site to GitHub Pages and delivers to the chats. Asks only on a terminal.",
                       epilog=EPILOG_INIT, formatter_class=formatter)
    p.add_argument("--dir", default=".", metavar="DIR", help="where to write (the repository that keeps the reports)")
    p.add_argument("--repo", action="append", dest="init_repos", metavar="URL_OR_PATH",
                   help="a repository to report on (repeatable)")
    p.add_argument("--tz", dest="init_tz", metavar="ZONE", help="IANA time zone (default Asia/Shanghai)")
    p.add_argument("--lang", dest="init_lang", choices=("zh", "en"), help="report language (default zh)")
    p.add_argument("--sink", action="append", dest="init_sinks", choices=sorted(SINK_ENV),
                   help="add a [[sinks]] table for this platform (repeatable)")
    p.add_argument("--github-actions", action="store_true", help=f"also write {WORKFLOW}")
    p.add_argument("--package", default="commitradar", metavar="PIP_SPEC",
                   help="what the workflow installs, e.g. 'git+https://github.com/you/commitradar'")
    p.add_argument("--cron", default=DEFAULT_CRON, metavar="SPEC", help="the workflow's schedule (UTC)")
    p.add_argument("--force", action="store_true", help="overwrite existing files")
    p.add_argument("--no-input", action="store_true", help="never ask, even on a terminal")
    p.set_defaults(func=cmd_init)


def _ask(question: str, default: str) -> str:
    try:
        answer = input(f"{question} [{default}]: ").strip()
    except EOFError:
        return default
    return answer or default


def _answers(args) -> tuple[list[str], str, str, list[str]]:
    repos, tz, lang, sinks = list(args.init_repos or []), args.init_tz, args.init_lang, list(args.init_sinks or [])
    if sys.stdin.isatty() and not args.no_input:
        if not repos:
            text = _ask("Repositories to report on (URLs or paths, comma-separated; empty: the current folder)", "")
            repos = [r.strip() for r in text.split(",") if r.strip()]
        tz = tz or _ask("Time zone of the day boundaries", "Asia/Shanghai")
        lang = lang or _ask("Report language (zh or en)", "zh")
        if not sinks:
            text = _ask(f"Chats to deliver to ({', '.join(sorted(SINK_ENV))}; comma-separated, empty: none)", "")
            sinks = [s.strip() for s in text.split(",") if s.strip()]
    tz, lang = tz or "Asia/Shanghai", lang or "zh"
    if lang not in ("zh", "en"):
        raise InputError(f"language {lang!r}: expected zh or en")
    unknown = [s for s in sinks if s not in SINK_ENV]
    if unknown:
        raise InputError(f"unknown sink type {unknown[0]!r} (known: {', '.join(sorted(SINK_ENV))})")
    return repos, tz, lang, list(dict.fromkeys(sinks))


def render_settings(repos: list[str], tz: str, lang: str, sinks: list[str]) -> str:
    repo_views = [{"url": r, "path": None} if looks_like_url(r) else {"url": None, "path": r} for r in repos]
    sink_views = [{"type": s, "url_env": SINK_ENV[s][0], "secret_env": SINK_ENV[s][1]} for s in sinks]
    return _env.get_template("commitradar.toml.j2").render(tz=tz, lang=lang, repos=repo_views, sinks=sink_views)


def render_workflow(secret_vars: list[str], package: str = "commitradar", cron: str = DEFAULT_CRON) -> str:
    if any(c in package for c in "\n'\"`$\\;&|") or not package.strip():
        raise InputError(f"--package {package!r}: expected a pip requirement such as commitradar or git+https://…")
    if len(cron.split()) != 5 or any(c in cron for c in "\"\\\n"):
        raise InputError(f"--cron {cron!r}: expected five cron fields, e.g. '{DEFAULT_CRON}'")
    note = "01:17 UTC is 09:17 in Asia/Shanghai: yesterday is complete there" if cron == DEFAULT_CRON else "as given"
    return _env.get_template("commitradar.yml.j2").render(secret_vars=secret_vars, package=package, cron=cron,
                                                          cron_note=note)


def _sink_vars_of(path: Path) -> list[str]:
    """The environment variables the [[sinks]] of an existing settings file name."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError(f"{path}: cannot read it to find the sinks' variables ({exc})") from None
    found = []
    for table in data.get("sinks") or []:
        if isinstance(table, dict):
            found += [table[k] for k in ("url_env", "secret_env") if isinstance(table.get(k), str)]
    return list(dict.fromkeys(found))


def cmd_init(args) -> int:
    from ..config import load_config

    root = Path(args.dir)
    if root.exists() and not root.is_dir():
        raise InputError(f"--dir {root}: not a folder")
    settings, workflow = root / "commitradar.toml", root / WORKFLOW
    if args.github_actions and workflow.exists() and not args.force:
        raise InputError(f"{workflow} exists (--force overwrites it)")
    text = None
    if settings.exists() and not args.force:
        if not args.github_actions:
            raise InputError(f"{settings} exists (--force overwrites it; `commitradar config` shows what it sets)")
        print(f"commitradar: kept {settings} (--force rewrites it)", file=sys.stderr)
        secret_vars = _sink_vars_of(settings)
    else:
        repos, tz, lang, sinks = _answers(args)
        text = render_settings(repos, tz, lang, sinks)
        with tempfile.TemporaryDirectory() as tmp:  # what we write must load: check before writing
            (Path(tmp) / settings.name).write_text(text, encoding="utf-8")
            load_config(Path(tmp) / settings.name, env={})
        secret_vars = [v for s in sinks for v in SINK_ENV[s] if v]
    files = [(settings, text)] if text is not None else []
    if args.github_actions:  # rendered (and checked) before anything is written
        files.append((workflow, render_workflow(secret_vars, args.package, args.cron)))
    atomic_write([(path, content.encode("utf-8")) for path, content in files])
    written = [path for path, _ in files]
    for path in written:
        print(path)
    if args.github_actions:
        print("commitradar: next: commit these files, set Settings → Pages → Source to \"GitHub Actions\""
              + (f", and add the repository secrets {', '.join(secret_vars)}" if secret_vars else ""), file=sys.stderr)
    return 0
