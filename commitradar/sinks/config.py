"""One ``[[sinks]]`` entry of ``commitradar.toml``: where a report's summary goes, and what it lists.

::

    [[sinks]]
    type = "feishu"                # webhook | slack | feishu | dingtalk | wecom
    url_env = "FEISHU_HOOK_URL"    # or url = "…" (the URL carries the token: prefer the environment)
    secret_env = "FEISHU_SECRET"   # signing secret, where the platform signs (webhook, feishu, dingtalk)
    repos = ["sgl-project/*"]      # optional: only these repositories (names or shell patterns)
    min_tier = "medium"            # optional: also list every commit at or above this tier (default medium)
    # optional: name, timeout = 10, retries = 4, backoff = 1.0, max_wait = 120

The model itself is :class:`commitradar.config.SinkConfig` (one typed configuration); this module adds
what delivery asks of it. Secrets stay in the environment: a file names the variable, never its value.
"""
from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Mapping
from typing import get_args

from ..config import SinkConfig

SINK_TYPES: tuple[str, ...] = get_args(SinkConfig.model_fields["type"].annotation)


def sink_key(cfg: SinkConfig) -> str:
    """Identity in the delivery record: the name, else the type and the variable (or a digest of an
    inline URL, never the URL: it carries the token)."""
    if cfg.name:
        return cfg.name
    if cfg.url_env:
        return f"{cfg.type}:{cfg.url_env}"
    return f"{cfg.type}:url-{hashlib.sha256((cfg.url or '').encode()).hexdigest()[:12]}"


def resolve_url(cfg: SinkConfig, env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return cfg.url if cfg.url is not None else (env.get(cfg.url_env or "") or None)


def resolve_secret(cfg: SinkConfig, env: Mapping[str, str] | None = None) -> str | None:
    env = os.environ if env is None else env
    return (env.get(cfg.secret_env) or None) if cfg.secret_env else None


def wants(cfg: SinkConfig, repo: str) -> bool:
    """Whether the sink's ``repos`` filter lets this repository through (case-insensitive names or patterns)."""
    if not cfg.repos:
        return True
    return any(fnmatch.fnmatchcase(repo.lower(), pattern.lower()) for pattern in cfg.repos)


__all__ = ["SINK_TYPES", "SinkConfig", "sink_key", "resolve_url", "resolve_secret", "wants"]
