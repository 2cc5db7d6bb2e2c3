"""One typed configuration object, built from defaults ← ``commitradar.toml`` ← environment ← flags.

``commitradar.toml`` (in the current folder, or ``--config FILE``) uses the same names as the fields below::

    tz = "Asia/Shanghai"
    lang = "zh"
    classifier = "model"      # or "rules"
    rules_preset = "default"  # or "argus"
    high_threshold = 0.2      # override the model's tier policy: high if P(high) ≥ this, in every repository
    medium_threshold = 0.5    # ... else medium if 1 − P(low) ≥ this (default: the thresholds tuned at training)

    [llm]
    provider = "openai"       # no provider: the deterministic writer
    model = "qwen2.5-7b-instruct"
    base_url = "http://127.0.0.1:8000/v1"
    max_in_flight = 8
    budget_high = 6000
    budget_medium = 2000

    [categories]              # replace the path patterns of a category
    kernel = ["csrc/**", "*.cu"]

Environment: ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``, ``COMMITRADAR_LLM_MODEL``, ``COMMITRADAR_CACHE``,
``COMMITRADAR_TZ``, ``COMMITRADAR_LANG``, ``COMMITRADAR_LLM`` (provider).
"""
from __future__ import annotations

import os
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import InputError

PACKAGE_ROOT = Path(__file__).resolve().parent
# A source checkout (pip install -e) first, then a wheel install's copy under <prefix>/share.
_MODEL_DIRS = (PACKAGE_ROOT.parent / "data" / "model", Path(sys.prefix) / "share" / "commitradar" / "model")
DEFAULT_MODEL_DIR = next((p for p in _MODEL_DIRS if (p / "model_card.json").is_file()), _MODEL_DIRS[0])


@dataclass(frozen=True)
class LLMConfig:
    provider: str | None = None  # "openai" (any OpenAI-compatible endpoint) or None
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = field(default=None, repr=False)
    max_in_flight: int = 8
    timeout: float = 120.0
    max_retries: int = 4
    budget_high: int = 6000  # diff-excerpt tokens per commit
    budget_medium: int = 2000
    max_output_tokens_high: int = 1500
    max_output_tokens_medium: int = 600
    run_token_budget: int = 400_000  # input + output tokens for the whole run
    max_failure_share: float = 0.2
    backoff_base: float = 1.0  # seconds; retry waits are max(Retry-After, jittered base * 2**attempt)


@dataclass(frozen=True)
class Config:
    repos: tuple[str, ...] = (".",)
    branch: str | None = None
    tz: str = "Asia/Shanghai"
    lang: str = "zh"
    out: Path = Path(".")
    classifier: str = "model"
    rules_preset: str = "default"
    model_dir: Path = DEFAULT_MODEL_DIR
    high_threshold: float | None = None  # None: the trained model's own tier policy
    medium_threshold: float | None = None
    cache_dir: Path | None = None
    categories: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    llm: LLMConfig = LLMConfig()
    dry_run: bool = False

    def cache(self) -> Path:
        if self.cache_dir:
            return Path(self.cache_dir)
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("commitradar"))

    @property
    def writer(self) -> str:
        return self.llm.provider or "deterministic"


def _coerce(cls, values: Mapping[str, Any], where: str):
    known = {f.name: f for f in fields(cls)}
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key not in known:
            raise InputError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(known))})")
        out[key] = value
    return out


def _from_mapping(base: Config, data: Mapping[str, Any], where: str) -> Config:
    data = dict(data)
    llm = data.pop("llm", None)
    cats = data.pop("categories", None)
    top = _coerce(Config, data, where)
    for key in ("out", "model_dir", "cache_dir"):
        if top.get(key) is not None:
            top[key] = Path(top[key])
    if "repos" in top:
        top["repos"] = tuple([top["repos"]] if isinstance(top["repos"], str) else top["repos"])
    cfg = replace(base, **top)
    if llm:
        cfg = replace(cfg, llm=replace(cfg.llm, **_coerce(LLMConfig, llm, f"{where} [llm]")))
    if cats:
        cfg = replace(cfg, categories={**cfg.categories, **{k: tuple(v) for k, v in cats.items()}})
    return cfg


def load_config(
    path: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Defaults ← toml file ← env ← ``overrides`` (flags; None values are ignored)."""
    env = os.environ if env is None else env
    cfg = Config()
    file = Path(path) if path else Path("commitradar.toml")
    if path and not file.is_file():
        raise InputError(f"config file not found: {file}")
    if file.is_file():
        try:
            cfg = _from_mapping(cfg, tomllib.loads(file.read_text(encoding="utf-8")), str(file))
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"{file}: invalid TOML ({exc})") from None
        except TypeError as exc:
            raise InputError(f"{file}: {exc}") from None
    llm_env = {
        "provider": env.get("COMMITRADAR_LLM"),
        "model": env.get("COMMITRADAR_LLM_MODEL"),
        "base_url": env.get("OPENAI_BASE_URL"),
        "api_key": env.get("OPENAI_API_KEY"),
    }
    top_env = {"tz": env.get("COMMITRADAR_TZ"), "lang": env.get("COMMITRADAR_LANG"),
               "cache_dir": env.get("COMMITRADAR_CACHE")}
    cfg = _from_mapping(cfg, {k: v for k, v in top_env.items() if v}, "environment")
    cfg = replace(cfg, llm=replace(cfg.llm, **{k: v for k, v in llm_env.items() if v}))
    if overrides:
        flat = {k: v for k, v in overrides.items() if v is not None and k != "llm"}
        llm_flags = {k: v for k, v in (overrides.get("llm") or {}).items() if v is not None}
        cfg = _from_mapping(cfg, flat, "flags")
        if llm_flags:
            cfg = replace(cfg, llm=replace(cfg.llm, **llm_flags))
    for key in ("high_threshold", "medium_threshold"):
        value = getattr(cfg, key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1):
            raise InputError(f"{key} must be a number between 0 and 1, got {value!r}")
    if cfg.lang not in ("zh", "en"):
        raise InputError(f"unknown language {cfg.lang!r} (zh or en)")
    if cfg.llm.provider not in (None, "openai", "none", "deterministic"):
        raise InputError(f"unknown LLM provider {cfg.llm.provider!r} (openai)")
    if cfg.llm.provider in ("none", "deterministic"):
        cfg = replace(cfg, llm=replace(cfg.llm, provider=None))
    return cfg
