"""Flags → configuration: which flag sets which configuration key, and the ``config`` command."""
from __future__ import annotations

import argparse
import sys

# argparse dest → (configuration key, the flag a user types). Commands define only some of them.
FLAG_KEYS: dict[str, tuple[str, str]] = {
    "repo": ("repos", "--repo"),
    "branch": ("branch", "--branch"),
    "tz": ("tz", "--tz"),
    "lang": ("lang", "--lang"),
    "out": ("out", "--out"),
    "classifier": ("classifier", "--classifier"),
    "rules_preset": ("rules_preset", "--rules-preset"),
    "model_dir": ("model_dir", "--model"),
    "high_threshold": ("high_threshold", "--high-threshold"),
    "medium_threshold": ("medium_threshold", "--medium-threshold"),
    "high_budget": ("high_budget", "--high-budget"),
    "cache": ("cache_dir", "--cache"),
    "dry_run": ("dry_run", "--dry-run"),
    "explain": ("explain", "--explain"),
    "send": ("send", "--send"),
    "llm": ("llm.provider", "--llm"),
    "llm_model": ("llm.model", "--llm-model"),
    "llm_base_url": ("llm.base_url", "--llm-base-url"),
    "max_in_flight": ("llm.max_in_flight", "--max-in-flight"),
    "token_budget": ("llm.run_token_budget", "--token-budget"),
}
# ``--out`` is the report folder only for these commands (``mine --out`` is a file, ``train --out`` a model).
OUT_IS_REPORT_FOLDER = {"report", "run", "site", "digest", "config", "send"}


def config_from_args(args: argparse.Namespace, with_sources: bool = False):
    """The Config of a command: defaults ← file (``--config``) ← environment ← the flags given."""
    from ..config import load_config_with_sources

    skip = set() if getattr(args, "command", None) in OUT_IS_REPORT_FOLDER else {"out"}
    overrides, names = {}, {}
    for dest, (key, flag) in FLAG_KEYS.items():
        value = getattr(args, dest, None)
        if dest in skip or value is None or value is False:
            continue
        overrides[key] = tuple(value) if isinstance(value, list) else value
        names[key] = flag
    config, sources = load_config_with_sources(getattr(args, "config", None), overrides=overrides, flag_names=names)
    return (config, sources) if with_sources else config


def add_config_command(sub, formatter) -> None:
    p = sub.add_parser("config", help="print the effective configuration and where each value came from",
                       description="Print the configuration commitradar would use here, as TOML, each value "
                       "commented with its source (default, the file, an environment variable). The file is "
                       "--config FILE, else ./commitradar.toml, else commitradar.toml at the git root, else "
                       "[tool.commitradar] in pyproject.toml. Every key: docs/configuration.md.",
                       formatter_class=formatter)
    p.add_argument("--docs", action="store_true", help="print docs/configuration.md (every key, generated)")
    g = p.add_argument_group("flags to try (as `report` takes them)")
    g.add_argument("--tz", help="IANA time zone")
    g.add_argument("--lang", help="zh or en")
    g.add_argument("--out", metavar="DIR", help="output folder")
    g.add_argument("--classifier", help="model or rules")
    g.add_argument("--llm", help="openai or none")
    g.add_argument("--llm-model", help="model name")
    g.add_argument("--llm-base-url", help="endpoint URL")
    g.add_argument("--cache", metavar="DIR", help="cache folder")
    p.set_defaults(func=cmd_config)


def cmd_config(args) -> int:
    from ..config import configuration_markdown, effective_toml

    if args.docs:
        sys.stdout.write(configuration_markdown())
        return 0
    config, sources = config_from_args(args, with_sources=True)
    sys.stdout.write(effective_toml(config, sources))
    return 0
