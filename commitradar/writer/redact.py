"""Secret redaction: applied to every piece of commit text (subject, body, diff) before it leaves the machine.

``redact(text) -> (text, n)`` replaces each secret with ``[REDACTED:<kind>]`` and counts them. The patterns
aim at things that are secrets by their *shape* (provider key prefixes, JWTs, PEM blocks) or by their
*place* (a password in a URL, the value of ``API_KEY=``/``"token":``/``Authorization: Bearer``). Values
that are clearly not secrets — empty, ``${VAR}``/``<placeholder>``/``os.environ[...]`` references,
``None``/``true``/``xxx`` — are kept, so the diff stays readable. False positives are cheap (the model
sees a marker), false negatives are not: when in doubt, redact.
"""
from __future__ import annotations

import re

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

# Authorization headers and bearer tokens.
_BEARER = re.compile(r"(?P<pre>(?:\bbearer\s+|\bauthorization\s*[:=]\s*[\"']?(?:token|basic)\s+))"
                     r"(?P<secret>[A-Za-z0-9_\-.=+/~]{16,})", re.I)

# KEY=value, KEY: value, "key": "value", key = 'value' where KEY looks secret.
_SECRET_NAME = (r"[A-Za-z0-9_.\-]*(?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_\-.]?key|apikey|access[_\-.]?key|"
                r"private[_\-.]?key|client[_\-.]?secret|auth|credential|session[_\-.]?key|signing[_\-.]?key|"
                r"encryption[_\-.]?key|webhook)[A-Za-z0-9_.\-]*")
_ASSIGN = re.compile(
    r"(?P<pre>(?P<q1>[\"']?)(?P<name>" + _SECRET_NAME + r")(?P=q1)\s*(?::=|=|:)\s*)"
    r"(?:(?P<q2>[\"'])(?P<quoted>[^\"'\n]{4,})(?P=q2)|(?P<bare>[^\s\"',;#]{4,}))",
    re.I,
)
_NOT_SECRET = re.compile(
    r"^(?:\$\{?[A-Za-z_][\w.]*\}?|<[^>]*>|\{\{.*\}\}|%\(?\w+\)?s?|none|null|nil|true|false|yes|no|"
    r"x{3,}|\*{3,}|\.{3}|changeme|example|dummy|placeholder|redacted|your[_\-]?\w*|"
    r"(?:os\.)?(?:environ|getenv|env)\b.*|self\.\w.*|args\.\w.*|config\.\w.*|settings\.\w.*|"
    r"str|int|bool|float|optional\[.*|\[redacted:[\w\-]+\].*)$",
    re.I,
)
# names that match _SECRET_NAME but hold no secret (``auth_type``, ``token_count``, ``max_tokens`` ...)
_BENIGN_NAME = re.compile(
    r"(?:tokens?_?(?:count|len|length|ids?|num|budget|limit|type|usage|per\w*|in|out|_?size|izer\w*)|"
    r"(?:max|min|num|n|total|input|output|prompt|completion|special|pad|eos|bos|unk)[_\-]?tokens?|"
    r"auth(?:or\w*|_?type|_?method|_?mode|_?enabled|_?required|_?header_name)|"
    r"password_?(?:length|min\w*|policy|prompt|field)|secret_?name|token_?type|passthrough|\w*tokenizer\w*)$",
    re.I,
)


def _assign_sub(m: re.Match, counter: list[int]) -> str:
    value, name = m.group("quoted") or m.group("bare"), m.group("name")
    if _NOT_SECRET.match(value.strip()) or _BENIGN_NAME.search(name) or value.isdigit():
        return m.group(0)
    counter[0] += 1
    q = m.group("q2") or ""
    return f"{m.group('pre')}{q}{MARK.format(kind='secret')}{q}"


def redact(text: str) -> tuple[str, int]:
    """``text`` with every recognised secret replaced by ``[REDACTED:<kind>]``, and how many were replaced."""
    if not text:
        return text, 0
    n = 0
    for kind, rx in _SHAPES:
        text, k = rx.subn(MARK.format(kind=kind), text)
        n += k
    text, k = _URL_PASSWORD.subn(lambda m: m.group("pre") + MARK.format(kind="password") + m.group("post"), text)
    n += k

    def bearer(m: re.Match) -> str:
        if m.group("secret").startswith("[REDACTED"):
            return m.group(0)
        return m.group("pre") + MARK.format(kind="token")

    text, k = _BEARER.subn(bearer, text)
    n += k
    counter = [0]
    text = _ASSIGN.sub(lambda m: _assign_sub(m, counter), text)
    return text, n + counter[0]


__all__ = ["redact", "MARK"]
