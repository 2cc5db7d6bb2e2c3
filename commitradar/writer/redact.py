"""Secret redaction: applied to every piece of commit text (subject, body, diff) before it leaves the machine.

``redact(text) -> (text, n)`` replaces each secret with ``[REDACTED:<kind>]`` and counts them. A secret is
recognised by its **value**, never by a variable name alone (in LLM-serving code ``num_tokens``,
``tokenLocal``, ``key_cache`` and ``max_tokens`` are everywhere and hold no secret):

- known credential formats, anywhere (provider key prefixes, JWTs, Slack webhooks, ...);
- PEM private-key blocks;
- a password inside a URL (``scheme://user:PASSWORD@host``);
- the credential of an ``Authorization:`` header or a ``Bearer`` token;
- a *literal* assigned to a secret-looking name (``DB_PASSWORD=...``, ``"client_secret": "..."``,
  ``token = "..."``): for password/secret/credential/API-key names any literal of 6+ characters, for names
  that merely contain "token", "key" or "auth" only a literal that looks random (a long run of mixed letters
  and digits with high entropy). Code is not a literal: ``self.x``, ``f(x)``, ``a[i]``, ``x * y``, bare
  identifiers, ``os.environ[...]``, paths, placeholders (``${VAR}``, ``<your-key>``, ``None``, ``xxx``) and
  stand-ins (``"EMPTY"``, ``sk-xxx``, ``AKXXXXXXXXXXXX``) are kept.

Measured on real diffs (tests/test_llm_redact.py has the code-corpus check): the 3.9 million diff lines of
vllm-ascend and lmdeploy since 2025-07 had 15,763 redactions by variable name; by value they have one (a
documented default password).
"""
from __future__ import annotations

import math
import re
from collections import Counter

MARK = "[REDACTED:{kind}]"

# Secrets recognised by their shape, anywhere in the text. Order matters: the most specific first.
_SHAPES: tuple[tuple[str, re.Pattern], ...] = tuple((kind, re.compile(rx)) for kind, rx in (
    ("private-key", r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----[\s\S]*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----|\Z)"),
    ("anthropic-key", r"\bsk-ant-(?:api|admin)\d{2}-[A-Za-z0-9_\-]{20,}"),
    ("openai-key", r"\bsk-(?:proj-|svcacct-|admin-|None-)?[A-Za-z0-9_\-]{20,}"),
    ("github-token", r"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"),
    ("gitlab-token", r"\bglpat-[A-Za-z0-9_\-]{20,}"),
    ("aws-access-key", r"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"),
    ("slack-token", r"\bxox[abposr]-[A-Za-z0-9\-]{10,}"),
    ("slack-webhook", r"https://hooks\.slack\.com/services/[A-Za-z0-9/_\-]+"),
    ("hf-token", r"\bhf_[A-Za-z0-9]{30,}"),
    ("google-api-key", r"\bAIza[0-9A-Za-z_\-]{35}"),
    ("stripe-key", r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{20,}"),
    ("npm-token", r"\bnpm_[A-Za-z0-9]{36}\b"),
    ("pypi-token", r"\bpypi-AgE[A-Za-z0-9_\-]{50,}"),
    ("jwt", r"\beyJ[A-Za-z0-9_\-]{8,}\.eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"),
))

# user:password@ in any URL (the user name is kept).
_URL_PASSWORD = re.compile(r"(?P<pre>\b[a-z][a-z0-9+.\-]*://[^\s:/@'\"]*:)(?P<secret>[^\s@/'\"]+)(?P<post>@)", re.I)

# Authorization headers and bearer tokens: the credential itself (16+ characters, no template braces).
_BEARER = re.compile(r"(?P<pre>(?:\bbearer\s+|\bauthorization\s*[\"']?\s*[:=]\s*[\"']?(?:token|basic)\s+))"
                     r"(?P<secret>[A-Za-z0-9_\-.=+/~]{16,})", re.I)

# NAME = value, NAME := value, NAME: value, "name": "value", name: Type = value (a type annotation).
_NAME = r"[A-Za-z_][A-Za-z0-9_.\-]*"
_ASSIGN = re.compile(
    r"(?P<pre>(?P<q1>[\"']?)(?P<name>" + _NAME + r")(?P=q1)[ \t]*"
    r"(?::[ \t]*[A-Za-z_][\w\[\], .|]*?[ \t]*=(?!=)|:=|=(?!=)|:(?!:))[ \t]*)"
    r"(?:(?P<q2>[\"'])(?P<quoted>[^\"'\n]{4,})(?P=q2)|(?P<bare>[^\s\"',;#)\]}]{4,}))",
)

# Name parts (snake_case, kebab-case, dotted and camelCase split) that make a name secret-looking.
_STRONG = {"password", "passwd", "passphrase", "secret", "secrets", "credential", "credentials"}
_STRONG_PAIRS = {("api", "key"), ("apikey",), ("access", "key"), ("secret", "key"), ("private", "key"),
                 ("client", "secret"), ("signing", "key"), ("encryption", "key"), ("session", "key"),
                 ("auth", "token"), ("access", "token"), ("refresh", "token"), ("api", "token"), ("bot", "token")}
_WEAK = {"token", "key", "auth", "webhook", "signature", "cookie", "session", "pwd"}  # PWD: the working folder
# a name ending in one of these describes a secret (its length, where it lives) rather than holding one
_DESCRIBES = {"name", "names", "id", "ids", "len", "length", "size", "min", "max", "policy", "prompt", "field",
              "type", "types", "path", "file", "env", "var", "header", "count", "num", "mode", "method",
              "placeholder", "prefix", "suffix", "pattern", "regex", "template", "label", "help", "description",
              "format", "scheme", "attr", "attribute", "location", "source", "url", "uri", "kind", "flag"}

_PLACEHOLDER = re.compile(
    r"^(?:\$\{?[A-Za-z_][\w.]*\}?|\$\{[^}\n]*\}|\$\{\{.*\}\}|<[^>]*>|\{\{.*\}\}|\{[^{}]*\}|%\(?\w+\)?s?|none|null|nil|true|false|yes|no|"
    r"x{3,}|\*{3,}|\.{3}|changeme|example|dummy|placeholder|redacted|your[_\-]?\w*|(?:\[redacted:[\w\-]+\]).*)$",
    re.I,
)
_DUMMY_WORDS = {"empty", "dummy", "fake", "xxx", "xxxx", "xxxxx", "placeholder", "changeme", "example", "none",
                "null", "your", "redacted", "abc123"}
# an expression or a reference, not a literal: dotted names, calls, indexing, generics, environment lookups
_CODE = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$|[()\[\]{}<>]|^(?:os\.|env\.|process\.env)", re.I)
_IDENTIFIER = re.compile(r"^[A-Za-z_$][\w$]*$")
_OPERATOR = re.compile(r"[*+|&^~!?]")
# NAME=value at the start of a line (a .env file, a shell export, a diff line of one): the value is text
_ENV_LINE = re.compile(r"[+\- ]?[ \t]*(?:export[ \t]+)?")


def _name_parts(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return [p for p in re.split(r"[_.\-]+", spaced.lower()) if p]


def _name_kind(name: str) -> str | None:
    """``strong`` (password, secret, API key ...), ``weak`` (contains token/key/auth) or None."""
    parts = _name_parts(name)
    if not parts:
        return None
    describes = parts[-1] in _DESCRIBES or parts[-1].isdigit()
    pairs = set(zip(parts, parts[1:])) | {(p,) for p in parts}
    env_pass = parts[-1] in ("pass", "pw") and name.isupper()  # DB_PASS, SMTP_PW (first_pass is code)
    if not describes and (_STRONG.intersection(parts) or pairs & _STRONG_PAIRS or env_pass):
        return "strong"
    if _STRONG.intersection(parts) or _WEAK.intersection(parts) or any(p.endswith(("token", "key")) for p in parts):
        return "weak"
    return None


def _entropy(text: str) -> float:
    counts = Counter(text)
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def looks_random(value: str) -> bool:
    """A credential-like run: 16+ letters and digits (with ``-_+/=.``) mixing both, about 3.5+ bits a character."""
    for run in re.findall(r"[A-Za-z0-9_\-+/=.]{16,}", value):
        core = re.sub(r"[_\-+/=.]", "", run)
        digits = sum(ch.isdigit() for ch in core)
        letters = sum(ch.isalpha() for ch in core)
        longest = max((len(w) for w in re.findall(r"[A-Za-z0-9]+", run)), default=0)
        if len(core) >= 16 and digits >= 2 and letters >= 2 and longest >= 12 and _entropy(core) >= 3.3:
            return True
    return False


def _is_literal(value: str, quoted: bool, strong: bool, env_line: bool) -> bool:
    if _PLACEHOLDER.match(value.strip()) or value.isdigit() or re.fullmatch(r"[\d.eE+\-_]+", value):
        return False
    if _DUMMY_WORDS.intersection(re.split(r"[-_.:]+", value.lower())):  # sk-empty, sk-xxx, my-fake-token
        return False
    if value.startswith(("/", "./", "../", "~/")):  # a path
        return False
    if re.fullmatch(r"[A-Z][A-Z0-9_]*", value) and not looks_random(value):  # "EMPTY", "MY_KEY": a stand-in
        return False
    if quoted:
        return not re.search(r"\s", value.strip())  # a sentence is not a credential
    if _CODE.search(value):
        return False
    if _IDENTIFIER.match(value):  # a variable or a type, unless it cannot be one
        # hunter22, Sup3rS3cret: letters and digits with no snake_case words (size_0_cond is a variable)
        return env_line or looks_random(value) or (strong and "_" not in value and bool(re.search(r"\d", value))
                                                   and bool(re.search(r"[A-Za-z]", value)))
    # "password: Tr0ub4dor&3" (YAML, .env) is a literal; after a token-ish name "a*b" is more likely code
    return strong or env_line or not _OPERATOR.search(value)


def _assign_sub(m: re.Match, counter: list[int]) -> str:
    quoted = m.group("quoted") is not None
    value, name = (m.group("quoted") if quoted else m.group("bare").rstrip(":.")), m.group("name")
    kind = _name_kind(name)
    line_start = m.string.rfind("\n", 0, m.start()) + 1
    env_line = (m.group("pre") == f"{name}=" and name.isupper()
                and _ENV_LINE.fullmatch(m.string, line_start, m.start()) is not None)
    if kind is None or not _is_literal(value, quoted, kind == "strong", env_line):
        return m.group(0)
    if kind == "weak" and not looks_random(value):
        return m.group(0)
    if kind == "strong" and (len(value.strip()) < 6 or _entropy(value) < 1.5):  # AKXXXXXXXXXXXX is a mask
        return m.group(0)
    counter[0] += 1
    q = m.group("q2") or ""
    tail = "" if quoted else m.group("bare")[len(value):]
    return f"{m.group('pre')}{q}{MARK.format(kind='secret')}{q}{tail}"


def redact(text: str) -> tuple[str, int]:
    """``text`` with every recognised secret replaced by ``[REDACTED:<kind>]``, and how many were replaced."""
    if not text:
        return text, 0
    n = 0
    for kind, rx in _SHAPES:
        text, k = rx.subn(MARK.format(kind=kind), text)
        n += k
    counter = [0]

    def url_password(m: re.Match) -> str:
        if _PLACEHOLDER.match(m.group("secret")) or m.group("secret").startswith(("$", "[REDACTED")):
            return m.group(0)  # https://${USER}:${TOKEN}@host names no secret
        counter[0] += 1
        return m.group("pre") + MARK.format(kind="password") + m.group("post")

    def bearer(m: re.Match) -> str:
        if m.group("secret").startswith("[REDACTED"):
            return m.group(0)
        counter[0] += 1
        return m.group("pre") + MARK.format(kind="token")

    text = _URL_PASSWORD.sub(url_password, text)
    text = _BEARER.sub(bearer, text)
    text = _ASSIGN.sub(lambda m: _assign_sub(m, counter), text)
    return text, n + counter[0]


__all__ = ["redact", "looks_random", "MARK"]
