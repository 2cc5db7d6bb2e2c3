"""One typed configuration (pydantic), built from defaults ← a configuration file ← environment ← flags.

The file is found like commitizen finds its own: ``--config FILE``; else ``./commitradar.toml``; else
``commitradar.toml`` at the git root; else ``[tool.commitradar]`` in ``./pyproject.toml`` or in the git
root's ``pyproject.toml``. Every key and nested value is validated (``extra="forbid"``, no silent coercion
of numbers, booleans or lists); a mistake is one line naming where it came from, the key, the value and what
was expected. ``load_config_with_sources`` also tells where each value came from (``commitradar config``).
``docs/configuration.md`` is generated from these models (:func:`configuration_markdown`).
"""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    Strict,
    StrictBool,
    StrictStr,
    ValidationError,
    field_validator,
    model_validator,
)

from .errors import InputError

PACKAGE_ROOT = Path(__file__).resolve().parent
# A source checkout (pip install -e) first, then a wheel install's copy under <prefix>/share.
_MODEL_DIRS = (PACKAGE_ROOT.parent / "data" / "model", Path(sys.prefix) / "share" / "commitradar" / "model")
DEFAULT_MODEL_DIR = next((p for p in _MODEL_DIRS if (p / "model_card.json").is_file()), _MODEL_DIRS[0])
CONFIG_NAME = "commitradar.toml"

Int = Annotated[int, Strict()]
PositiveInt = Annotated[int, Strict(), Field(ge=1)]
NonNegativeInt = Annotated[int, Strict(), Field(ge=0)]
PositiveFloat = Annotated[float, Strict(), Field(gt=0)]
NonNegativeFloat = Annotated[float, Strict(), Field(ge=0)]
Share = Annotated[float, Strict(), Field(ge=0, le=1)]
Patterns = tuple[StrictStr, ...]
Lang = Literal["zh", "en"]
Tier = Literal["high", "medium", "low"]

_URL = re.compile(r"^[a-z][a-z0-9+.\-]*://|^[\w.\-]+@[\w.\-]+:", re.I)


def looks_like_url(spec: str) -> bool:
    """``https://…``, ``ssh://…``, ``file://…`` or scp-like ``git@host:owner/name``."""
    return bool(_URL.match(spec))


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LLMConfig(_Model):
    """``[llm]``: the LLM writer (medium and high commits only)."""

    provider: Literal["openai"] | None = Field(
        None, description='"openai" = any OpenAI-compatible endpoint; unset (or "none") = the deterministic writer',
        examples=["openai"])
    model: StrictStr | None = Field(None, description="model name sent to the endpoint", examples=["qwen2.5-7b-instruct"])
    base_url: StrictStr | None = Field(None, description="endpoint URL (else the openai library's default)",
                                       examples=["http://127.0.0.1:8000/v1"])
    api_key: StrictStr | None = Field(None, repr=False,
                                      description="API key; prefer the OPENAI_API_KEY environment variable to a file",
                                      examples=["(from OPENAI_API_KEY)"])
    max_in_flight: PositiveInt = Field(8, description="concurrent requests")
    timeout: PositiveFloat = Field(120.0, description="seconds per request")
    max_retries: NonNegativeInt = Field(4, description="retries of a request on 408, 409, 429, 5xx, timeouts and "
                                        "connection errors (the openai client's, honouring Retry-After)")
    budget_high: PositiveInt = Field(6000, description="diff-excerpt tokens per high commit")
    budget_medium: PositiveInt = Field(2000, description="diff-excerpt tokens per medium commit")
    max_output_tokens_high: PositiveInt = Field(1500, description="answer tokens per high commit")
    max_output_tokens_medium: PositiveInt = Field(600, description="answer tokens per medium commit")
    run_token_budget: PositiveInt = Field(400_000, description="input + output tokens for the whole run; past it, "
                                          "entries get deterministic text")
    max_failure_share: Share = Field(0.2, description="share of failed calls above which the run exits 4 "
                                     "(reports are still written)")


    @field_validator("provider", mode="before")
    @classmethod
    def _no_provider(cls, v: Any) -> Any:
        return None if v in ("none", "deterministic", "") else v


class RepoConfig(_Model):
    """``[[repos]]``: a repository to report on (``commitradar run``), or one ``--repo`` flag."""

    url: StrictStr | None = Field(None, description="clone URL; mirrored into the cache folder",
                                  examples=["https://github.com/sgl-project/sglang"])
    path: Path | None = Field(None, description="a local clone (instead of url)", examples=["/src/sglang"])
    name: StrictStr | None = Field(None, description="owner/name: the report's identity and output folder (default: "
                                   "from the remote)", examples=["sgl-project/sglang"])
    branch: StrictStr | None = Field(None, description="branch to follow (default: the remote's default branch)")
    lang: Lang | None = Field(None, description="report language for this repository")
    categories: dict[StrictStr, Patterns] | None = Field(None, description="path categories for this repository "
                                                          "(as [categories])")

    @model_validator(mode="before")
    @classmethod
    def _from_spec(cls, v: Any) -> Any:
        if isinstance(v, str):
            if not v.strip():
                raise ValueError("expected a path or URL, not empty text")
            return {"url": v} if looks_like_url(v) else {"path": v}
        if isinstance(v, Path):
            return {"path": v}
        return v

    @model_validator(mode="after")
    def _one_source(self) -> RepoConfig:
        if (self.url is None) == (self.path is None):
            raise ValueError("expected exactly one of url or path")
        return self

    @property
    def spec(self) -> str:
        """What ``mining.open_repo`` takes: the URL or the path."""
        return self.url if self.url is not None else str(self.path)


class SinkConfig(_Model):
    """``[[sinks]]``: where reports are delivered (``--send``)."""

    type: Literal["webhook", "slack", "feishu", "dingtalk", "wecom"] = Field(description="platform", examples=["feishu"])
    url: StrictStr | None = Field(None, description="webhook URL (prefer url_env: a URL often carries a token)")
    url_env: StrictStr | None = Field(None, description="environment variable holding the webhook URL",
                                      examples=["FEISHU_HOOK_URL"])
    secret_env: StrictStr | None = Field(None, description="environment variable holding the signing secret "
                                         "(webhook, feishu, dingtalk)", examples=["FEISHU_SECRET"])
    repos: tuple[StrictStr, ...] | None = Field(None, description="only these repositories (owner/name, or shell "
                                                "patterns such as sgl-project/*)", examples=[["sgl-project/sglang"]])
    min_tier: Tier = Field("medium", description="the lowest tier the message lists")
    name: StrictStr | None = Field(None, description="what logs and the delivery record call this sink (default: "
                                   "type and url_env)")
    timeout: PositiveFloat = Field(10.0, description="seconds per request")
    retries: Annotated[int, Strict(), Field(ge=0, le=10)] = Field(4, description="retries on 429, 5xx, timeouts "
                                                                  "and lost connections")
    backoff: NonNegativeFloat = Field(1.0, description="seconds; retry waits are max(Retry-After, jittered "
                                      "backoff·2^attempt)")
    max_wait: NonNegativeFloat = Field(120.0, description="give up rather than honour a longer Retry-After (seconds)")

    @model_validator(mode="after")
    def _one_url(self) -> SinkConfig:
        if (self.url is None) == (self.url_env is None):
            raise ValueError("expected exactly one of url or url_env")
        if self.url is not None and not self.url.startswith(("http://", "https://")):
            raise ValueError("expected url to start with http:// or https://")
        if self.secret_env and self.type not in ("webhook", "feishu", "dingtalk"):
            raise ValueError(f"{self.type} does not sign its messages: remove secret_env (the URL is the credential)")
        return self


def _check_zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        raise ValueError("expected an IANA time zone name such as Asia/Shanghai or UTC") from None
    return name


class Config(_Model):
    """Top-level keys of ``commitradar.toml``."""

    repos: tuple[RepoConfig, ...] = Field((RepoConfig(path=Path(".")),),
                                          description="repositories: [[repos]] tables, or paths/URLs",
                                          examples=[["/src/sglang", "https://github.com/vllm-project/vllm"]])
    branch: StrictStr | None = Field(None, description="branch to follow (default: the remote's default branch, "
                                     "else HEAD)")
    tz: StrictStr = Field("Asia/Shanghai", description="IANA time zone of day boundaries and times",
                          examples=["UTC"])
    lang: Lang = Field("zh", description="report language")
    out: Path = Field(Path("."), description="output folder; reports go to OUT/reports/YYYY/<owner>/<name>/")
    classifier: Literal["model", "rules"] = Field("model", description="who decides tiers")
    rules_preset: Literal["default", "argus"] = Field("default", description="rules table for classifier = \"rules\" "
                                                      "(argus = the reference system's formula)")
    model_dir: Path = Field(DEFAULT_MODEL_DIR, description="trained model folder (default: the shipped model)",
                            json_schema_extra={"doc_default": "the shipped model (data/model)"})
    high_threshold: Share | None = Field(None, description="model tier policy: high if P(high) ≥ this, in every "
                                         "repository (default: the thresholds set at training)", examples=[0.2])
    medium_threshold: Share | None = Field(None, description="model tier policy: else medium if 1 − P(low) ≥ this")
    high_budget: Share | None = Field(None, description="model tier policy, attention budget: at most max(1, "
                                      "ceil(this × n)) of a repository's n commits of a day stay high, by P(high); "
                                      "the rest become medium, saying so (default: off)", examples=[0.1])
    cache_dir: Path | None = Field(None, description="cache folder: mirrors, embeddings, LLM answers, deliveries "
                                   "(default: the user cache folder)")
    categories: dict[StrictStr, Patterns] = Field(default_factory=dict, description="replace the path patterns of "
                                                  "a category (report only; the model keeps its own)",
                                                  examples=[{"kernel": ["csrc/**", "*.cu"]}])
    llm: LLMConfig = Field(LLMConfig(), description="the LLM writer, see [llm]")
    sinks: tuple[SinkConfig, ...] = Field((), description="delivery targets, see [[sinks]]")
    send: StrictBool = Field(False, description="deliver to the sinks after writing (as --send)")
    report_url: StrictStr | None = Field(None, description="where readers open the reports: the report's path is "
                                         "appended (messages link to it)",
                                         examples=["https://github.com/me/radar/blob/main"])
    site_url: StrictStr | None = Field(None, description="where the site is published: the report page's path is "
                                       "appended (messages link to it)", examples=["https://me.github.io/radar"])
    explain: StrictBool = Field(False, description="show the model's probabilities, features and neighbours in "
                                "the Markdown")
    dry_run: StrictBool = Field(False, description="print what would be sent to the LLM (and sinks) instead of "
                                "sending it")

    @field_validator("tz")
    @classmethod
    def _zone(cls, v: str) -> str:
        return _check_zone(v)

    @field_validator("repos", mode="before")
    @classmethod
    def _repo_list(cls, v: Any) -> Any:
        return (v,) if isinstance(v, (str, Path)) else v

    def cache(self) -> Path:
        if self.cache_dir:
            return Path(self.cache_dir)
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("commitradar"))

    @property
    def writer(self) -> str:
        return self.llm.provider or "deterministic"


# ----------------------------------------------------------------------------------------- sources

# Environment variables and the keys they set (all text values).
ENV_KEYS: dict[str, str] = {
    "COMMITRADAR_TZ": "tz",
    "COMMITRADAR_LANG": "lang",
    "COMMITRADAR_CACHE": "cache_dir",
    "COMMITRADAR_LLM": "llm.provider",
    "COMMITRADAR_LLM_MODEL": "llm.model",
    "OPENAI_BASE_URL": "llm.base_url",
    "OPENAI_API_KEY": "llm.api_key",
    "COMMITRADAR_REPORT_URL": "report_url",
    "COMMITRADAR_SITE_URL": "site_url",
}
_MERGED_TABLES = ("llm", "categories")  # later sources override these key by key; other keys are replaced whole


def _git_root(cwd: Path) -> Path | None:
    try:
        proc = subprocess.run(["git", "-C", str(cwd), "rev-parse", "--show-toplevel"], capture_output=True, text=True)
    except OSError:
        return None
    return Path(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else None


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"{path}: invalid TOML ({exc})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read {path}: {exc}") from None


def find_config(path: str | os.PathLike | None = None, cwd: Path | None = None) -> tuple[Path | None, dict]:
    """The configuration file and its settings, searched as the module docstring says."""
    if path is not None:
        file = Path(path)
        if not file.is_file():
            raise InputError(f"config file not found: {file}")
        data = _read_toml(file)
        if file.name == "pyproject.toml":
            data = data.get("tool", {}).get("commitradar", {})
        return file, data
    cwd = Path(cwd or Path.cwd())
    root = _git_root(cwd)
    places = [cwd / CONFIG_NAME] + ([root / CONFIG_NAME] if root else [])
    for file in places:
        if file.is_file():
            return file, _read_toml(file)
    for folder in [cwd] + ([root] if root else []):
        file = folder / "pyproject.toml"
        if file.is_file():
            section = _read_toml(file).get("tool", {}).get("commitradar")
            if section is not None:
                if not isinstance(section, dict):
                    raise InputError(f"{file}: [tool.commitradar] must be a table")
                return file, section
    return None, {}


def _flatten(data: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if prefix == "" and key in _MERGED_TABLES and isinstance(value, Mapping):
            out.update(_flatten(value, f"{key}."))
        else:
            out[prefix + key] = value
    return out


def _nest(flat: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in flat.items():
        head, dot, tail = key.partition(".")
        if dot:
            out.setdefault(head, {})[tail] = value
        else:
            out[key] = value
    return out


def load_config_with_sources(
    path: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    flag_names: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> tuple[Config, dict[str, str]]:
    """The configuration and, for every key that is not a default, where it came from.

    ``overrides`` are flag values keyed like the file (``"llm.max_in_flight"``, or a nested ``"llm"`` dict);
    None values are ignored. ``flag_names`` maps those keys to the flag a user typed, for error messages."""
    env = os.environ if env is None else env
    flag_names = dict(flag_names or {})
    file, data = find_config(path, cwd)
    flat: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if not isinstance(data, Mapping):
        raise InputError(f"{file}: expected a table of settings")
    where_file = str(file) if file else ""
    for key, value in _flatten(data).items():
        flat[key], sources[key] = value, where_file
    _validate(flat, sources)  # the file on its own: a bad value is an error even where a flag overrides it
    for var, key in ENV_KEYS.items():
        if env.get(var):
            flat[key], sources[key] = env[var], f"environment {var}"
    for key, value in _flatten(_nest_overrides(overrides or {})).items():
        if value is not None:
            flat[key], sources[key] = value, "flag " + flag_names.get(key, "--" + key.replace("_", "-"))
    return _validate(flat, sources), sources


def _validate(flat: Mapping[str, Any], sources: Mapping[str, str]) -> Config:
    try:
        return Config.model_validate(_nest(flat))
    except ValidationError as exc:
        raise InputError(describe_error(exc, flat, sources)) from None


def _nest_overrides(overrides: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        if isinstance(value, Mapping) and key in _MERGED_TABLES:
            for k, v in value.items():
                out.setdefault(key, {})[k] = v
        elif "." in key:
            head, _, tail = key.partition(".")
            out.setdefault(head, {})[tail] = value
        else:
            out[key] = value
    return out


def load_config(
    path: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    flag_names: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Config:
    """Defaults ← configuration file ← environment ← ``overrides`` (flags; None values are ignored)."""
    return load_config_with_sources(path, env, overrides, flag_names, cwd)[0]


# ----------------------------------------------------------------------------------------- errors

def _expected(err: Mapping[str, Any]) -> str:
    kind, ctx = err["type"], err.get("ctx") or {}
    simple = {
        "int_type": "a whole number", "int_parsing": "a whole number", "int_from_float": "a whole number",
        "float_type": "a number", "float_parsing": "a number", "string_type": "text (a quoted string)",
        "bool_type": "true or false", "bool_parsing": "true or false", "tuple_type": 'a list, e.g. ["a", "b"]',
        "list_type": 'a list, e.g. ["a", "b"]', "dict_type": "a table", "model_type": "a table",
        "model_attributes_type": "a table", "path_type": "a path (text)", "missing": "a value (it is required)",
    }
    if kind in simple:
        return "expected " + simple[kind]
    if kind == "value_error":
        return str(ctx.get("error", err["msg"]))
    if kind == "literal_error":
        return "expected one of " + ctx.get("expected", "").replace("'", '"')
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        sign = {"greater_than_equal": "≥", "greater_than": ">", "less_than_equal": "≤", "less_than": "<"}[kind]
        bound = next(iter(ctx.values()), "?")
        return f"expected a number {sign} {bound}"
    return "expected " + err["msg"][0].lower() + err["msg"][1:]


def _show(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(value)


def describe_error(exc: ValidationError, flat: Mapping[str, Any], sources: Mapping[str, str]) -> str:
    """One line for the first problem: where the value came from, the key, the value, what was expected."""
    err = exc.errors()[0]
    loc = [str(p) for p in err["loc"]]
    key = _key_of(loc)
    source = sources.get(key) or sources.get(loc[0]) or "settings"
    shown_key = _shown_key(loc)
    if err["type"] == "extra_forbidden":
        known = _known_keys(loc[:-1])
        return f"{source}: unknown setting {shown_key!s} (known: {', '.join(known)})"
    if err["type"] == "missing":
        return f"{source}: {shown_key}: missing (required)"
    value = err.get("input")
    if key == "llm.api_key" or "secret" in key:
        value = "…"
    if source.startswith("flag "):
        return f"{source.removeprefix('flag ')} {value}: {_expected(err)}"
    return f"{source}: {shown_key} = {_show(value)}: {_expected(err)}"


def _key_of(loc: list[str]) -> str:
    if loc and loc[0] in _MERGED_TABLES and len(loc) > 1:
        return f"{loc[0]}.{loc[1]}"
    return loc[0] if loc else ""


def _shown_key(loc: list[str]) -> str:
    """``[llm] max_in_flight``, ``repos[1].url``, ``[categories] kernel``."""
    if not loc:
        return "(settings)"
    if loc[0] in _MERGED_TABLES and len(loc) > 1:
        return f"[{loc[0]}] " + ".".join(loc[1:])
    out = loc[0]
    for part in loc[1:]:
        out += f"[{int(part) + 1}]" if part.isdigit() else f".{part}"
    return out


def _known_keys(loc: list[str]) -> list[str]:
    model: type[BaseModel] = Config
    for part in loc:
        if part.isdigit():
            continue
        field = model.model_fields.get(part)
        inner = _model_in(field.annotation) if field else None
        if inner is None:
            return []
        model = inner
    return sorted(model.model_fields)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_in(arg)
        if found is not None:
            return found
    return None


# ----------------------------------------------------------------------------------------- showing

def effective_toml(config: Config, sources: Mapping[str, str]) -> str:
    """The effective configuration as TOML, each value commented with where it came from."""
    data = config.model_dump(mode="json")
    if data["llm"].get("api_key"):
        data["llm"]["api_key"] = "***"
    lines: list[str] = []

    def line(key: str, value: Any, flat_key: str) -> None:
        src = sources.get(flat_key, "default")
        lines.append(f"# {key} = (unset)  # {src}" if value is None else f"{key} = {_toml_value(value)}  # {src}")

    for key, value in data.items():
        if key in ("llm", "categories", "repos", "sinks"):
            continue
        line(key, value, key)
    lines += ["", "[llm]"]
    for key, value in data["llm"].items():
        line(key, value, f"llm.{key}")
    lines += ["", "[categories]" + ("" if data["categories"] else "  # none: the built-in path categories")]
    for key, value in data["categories"].items():
        line(key, value, f"categories.{key}")
    for table in ("repos", "sinks"):
        for item in data[table]:
            lines += ["", f"[[{table}]]  # {sources.get(table, 'default')}"]
            lines += [f"{k} = {_toml_value(v)}" for k, v in item.items() if v is not None]
    return "\n".join(lines) + "\n"


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def configuration_markdown() -> str:
    """``docs/configuration.md``: every key with its type, default and an example, from the models."""
    out = [
        "# Configuration", "",
        "<!-- generated by `commitradar config --docs`; tests/test_config.py checks it is current -->", "",
        "commitradar reads one configuration, built from defaults ← a file ← environment ← flags. The file is "
        "the first found of: `--config FILE`; `./commitradar.toml`; `commitradar.toml` at the git root; "
        "`[tool.commitradar]` in `./pyproject.toml` or the git root's `pyproject.toml`. `commitradar config` "
        "prints the effective configuration and where each value came from. An unknown key or a value of the "
        "wrong type is a one-line error naming the key.", "",
        "Environment variables: " + ", ".join(f"`{var}` ({key})" for var, key in ENV_KEYS.items()) + ".", "",
    ]
    for title, model in (("Top-level keys", Config), ("`[llm]`", LLMConfig), ("`[[repos]]`", RepoConfig),
                         ("`[[sinks]]`", SinkConfig)):
        out += [f"## {title}", "", "| key | type | default | example | what |", "|---|---|---|---|---|"]
        for name, field in model.model_fields.items():
            extra = field.json_schema_extra or {}
            default = extra.get("doc_default") if isinstance(extra, dict) and "doc_default" in extra else (
                "required" if field.is_required() else _doc_value(field.get_default(call_default_factory=True)))
            example = _doc_value(field.examples[0]) if field.examples else ""
            out.append(f"| `{name}` | {_type_name(field.annotation)} | {default} | {example} | "
                       f"{(field.description or '').replace('|', '/')} |")
        out.append("")
    out += ["## Example", "", "```toml", EXAMPLE_TOML.strip(), "```", ""]
    return "\n".join(out)


def _doc_value(value: Any) -> str:
    if isinstance(value, BaseModel):
        return "see below"
    if value in ((), {}, None):
        return "—" if value is None else f"`{_toml_value(value)}`"
    if isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
        return '`["."]` (this repository)'
    return f"`{_toml_value(value if not isinstance(value, Path) else str(value))}`"


def _type_name(annotation: Any) -> str:
    text = str(annotation)
    for raw, nice in ((r"typing\.Annotated\[int, Strict\(strict=True\), FieldInfo\([^)]*ge=1[^)]*\)\]", "integer ≥ 1"),
                      (r"typing\.Annotated\[int, Strict\(strict=True\), FieldInfo\([^)]*ge=0[^)]*\)\]", "integer ≥ 0"),
                      (r"typing\.Annotated\[float, Strict\(strict=True\), FieldInfo\([^)]*ge=0, le=1[^)]*\)\]", "number 0–1"),
                      (r"typing\.Annotated\[float, Strict\(strict=True\), FieldInfo\([^)]*gt=0[^)]*\)\]", "number > 0"),
                      (r"typing\.Annotated\[float, Strict\(strict=True\), FieldInfo\([^)]*ge=0[^)]*\)\]", "number ≥ 0"),
                      (r"typing\.Annotated\[str, Strict\(strict=True\)\]", "text"),
                      (r"typing\.Annotated\[bool, Strict\(strict=True\)\]", "boolean"),
                      (r"pathlib\.Path", "path"), (r"typing\.Literal\[([^\]]*)\]", r"one of \1"),
                      (r"commitradar\.config\.(\w+)Config", r"\1 table"), (r"tuple\[([^,\]]+), \.\.\.\]", r"list of \1"),
                      (r"dict\[([^,]+), ([^\]]+\]?)\]", r"table of \2"), (r" \| None", " (optional)"),
                      (r"typing\.", "")):
        text = re.sub(raw, nice, text)
    return text.replace("|", "/")


EXAMPLE_TOML = """
tz = "Asia/Shanghai"
lang = "zh"
out = "site-data"

[llm]
provider = "openai"            # any OpenAI-compatible endpoint; the key comes from OPENAI_API_KEY
model = "qwen2.5-7b-instruct"
base_url = "http://127.0.0.1:8000/v1"

[categories]                   # replace the path patterns of a category in reports
kernel = ["csrc/**", "*.cu"]

[[repos]]
url = "https://github.com/sgl-project/sglang"
name = "sgl-project/sglang"

[[repos]]
path = "/src/vllm-ascend"
lang = "en"

[[sinks]]
type = "feishu"
url_env = "FEISHU_HOOK_URL"
secret_env = "FEISHU_SECRET"
min_tier = "medium"
"""
