"""One ``[[sinks]]`` entry of ``commitradar.toml``: where a report's summary goes, and what it lists.

::

    [[sinks]]
    type = "feishu"                # webhook | slack | feishu | dingtalk | wecom
    url_env = "FEISHU_HOOK_URL"    # or url = "…" (the URL carries the token: prefer the environment)
    secret_env = "FEISHU_SECRET"   # signing secret, where the platform signs
    repos = ["sgl-project/*"]      # optional: only these repositories (names or shell patterns)
    min_tier = "medium"            # optional: also list every commit at or above this tier (default medium)

Secrets stay in the environment: a file names the variable (``url_env``, ``secret_env``), never its value.
This module imports pydantic only, so the top-level configuration can use it without loading any sink.
"""
from __future__ import annotations

import fnmatch
import hashlib
import os
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

# The registry in commitradar.sinks holds exactly these (a test checks that they agree).
SINK_TYPES = ("webhook", "slack", "feishu", "dingtalk", "wecom")
SIGNING_TYPES = ("webhook", "feishu", "dingtalk")  # the others have no signing scheme: the URL is the credential
SinkType = Literal["webhook", "slack", "feishu", "dingtalk", "wecom"]
Tier = Literal["high", "medium", "low"]


class SinkConfig(BaseModel):
    """Where to deliver, and what the message lists. Unknown keys are errors (a typo must not go unnoticed)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: SinkType
    url: str | None = Field(default=None, repr=False)  # the webhook URL itself (it carries a token)
    url_env: str | None = None  # ... or the environment variable that holds it (preferred)
    secret_env: str | None = None  # environment variable holding the signing secret
    name: str | None = None  # how logs and the delivery record call this sink (default: type and variable)
    repos: tuple[str, ...] | None = None  # repository names or shell patterns ("sgl-project/*"); None: all
    min_tier: Tier = "medium"  # besides the headline, list every commit at or above this tier
    timeout: float = Field(default=10.0, gt=0)  # seconds per request
    retries: int = Field(default=4, ge=0, le=10)  # after the first try, on 429, 5xx, timeouts, lost connections
    backoff: float = Field(default=1.0, ge=0)  # seconds; waits are max(Retry-After, backoff * 2**attempt)
    max_wait: float = Field(default=120.0, ge=0)  # give up rather than honour a longer Retry-After

    @model_validator(mode="after")
    def _one_url(self) -> SinkConfig:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("give exactly one of url or url_env")
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError("url must start with http:// or https://")
        if self.secret_env and self.type not in SIGNING_TYPES:
            raise ValueError(f"{self.type} does not sign its messages: remove secret_env (the URL is the credential)")
        return self

    def key(self) -> str:
        """Identity in the delivery record: the name, else the type and the variable (or a digest of an
        inline URL, never the URL: it carries the token)."""
        if self.name:
            return self.name
        if self.url_env:
            return f"{self.type}:{self.url_env}"
        return f"{self.type}:url-{hashlib.sha256((self.url or '').encode()).hexdigest()[:12]}"

    def resolve_url(self, env: Mapping[str, str] | None = None) -> str | None:
        env = os.environ if env is None else env
        return self.url if self.url is not None else (env.get(self.url_env or "") or None)

    def resolve_secret(self, env: Mapping[str, str] | None = None) -> str | None:
        env = os.environ if env is None else env
        return (env.get(self.secret_env) or None) if self.secret_env else None

    def wants(self, repo: str) -> bool:
        if not self.repos:
            return True
        return any(fnmatch.fnmatchcase(repo.lower(), pattern.lower()) for pattern in self.repos)


__all__ = ["SIGNING_TYPES", "SINK_TYPES", "SinkConfig", "SinkType", "Tier"]
