"""One chat completion, done carefully: retries, backoff, ``Retry-After``, timeouts, response-format fallback.

The ``openai`` client's own retries are off (``max_retries=0``) so that every attempt is ours, counted and
testable. Retried: 429, 408, 409, 5xx, timeouts and connection errors, up to ``max_retries`` times, waiting
``max(Retry-After, full-jitter exponential backoff)`` (capped). Not retried: other 4xx (a bad request does
not get better).

Structured output degrades per endpoint, once, for the whole run: ``json_schema`` (strict) → ``json_object``
→ no ``response_format`` (the tolerant parser copes). A server that rejects a mode — 400/404/422, or a 500
whose message names ``response_format`` (llama.cpp's server does that) — moves the shared ``FormatLadder``
down, and the request is repeated at once without spending a retry.
"""
from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import openai

from .answer import SCHEMAS

MODES = ("json_schema", "json_object", "none")
RETRY_STATUS = {408, 409, 429}
MAX_WAIT = 60.0


@dataclass
class Completion:
    text: str | None
    finish_reason: str | None
    tokens_in: int | None  # as reported by the server (None when it reports nothing)
    tokens_out: int | None
    attempts: int  # HTTP requests made (retries and format downgrades included)


class CallFailed(Exception):
    """No usable completion after all retries; the message is one line for the report."""

    def __init__(self, reason: str, attempts: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.attempts = attempts


class FormatLadder:
    """The response_format mode an endpoint accepts, learnt once per run and shared by all requests."""

    def __init__(self, start: str = "json_schema") -> None:
        self.index = MODES.index(start)

    @property
    def mode(self) -> str:
        return MODES[self.index]

    def downgrade(self, from_mode: str) -> bool:
        if MODES.index(from_mode) < self.index:  # another request already moved it
            return True
        if self.index + 1 < len(MODES):
            self.index += 1
            return True
        return False

    def response_format(self, tier: str, mode: str | None = None) -> dict | None:
        mode = mode or self.mode
        if mode == "json_schema":
            return {"type": "json_schema",
                    "json_schema": {"name": f"commit_{tier}", "schema": SCHEMAS[tier], "strict": True}}
        if mode == "json_object":
            return {"type": "json_object"}
        return None


def retry_after(exc: Exception) -> float | None:
    """Seconds from ``Retry-After`` / ``retry-after-ms`` of an error response, if any."""
    resp = getattr(exc, "response", None)
    headers = getattr(resp, "headers", None)
    if not headers:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return max(0.0, float(ms) / 1000)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
            return max(0.0, when.timestamp() - time.time())
        except (TypeError, ValueError):
            return None


def backoff(attempt: int, base: float, cap: float, rng: random.Random) -> float:
    """Full jitter: uniform in [base·2^attempt / 2, base·2^attempt], capped."""
    top = min(cap, base * (2 ** attempt))
    return rng.uniform(top / 2, top)


def _format_rejected(exc: openai.APIStatusError) -> bool:
    text = str(exc).lower()
    if exc.status_code in (400, 404, 422):
        return "response_format" in text or "json_schema" in text or "json_object" in text or exc.status_code == 422
    return exc.status_code >= 500 and ("response_format" in text or "json_schema" in text)


def _retryable(exc: Exception) -> bool:
    if isinstance(exc, (openai.APITimeoutError, openai.APIConnectionError, asyncio.TimeoutError)):
        return True
    if isinstance(exc, openai.APIStatusError):
        return exc.status_code in RETRY_STATUS or exc.status_code >= 500
    return False


def _describe(exc: Exception) -> str:
    if isinstance(exc, openai.APITimeoutError) or isinstance(exc, asyncio.TimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "connection error"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return type(exc).__name__


class Caller:
    def __init__(self, client: openai.AsyncOpenAI, model: str, *, timeout: float, max_retries: int,
                 ladder: FormatLadder | None = None, backoff_base: float = 1.0, backoff_cap: float = 30.0,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, rng: random.Random | None = None) -> None:
        self.client = client
        self.model = model
        self.timeout = timeout
        self.max_retries = max_retries
        self.ladder = ladder or FormatLadder()
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.requests = 0
        self.retries = 0

    async def complete(self, messages: list[dict], tier: str, max_tokens: int) -> Completion:
        attempts = 0
        failures = 0
        while True:
            mode = self.ladder.mode
            kwargs = {}
            rf = self.ladder.response_format(tier, mode)
            if rf is not None:
                kwargs["response_format"] = rf
            attempts += 1
            self.requests += 1
            try:
                resp = await self.client.chat.completions.create(
                    model=self.model, messages=messages, max_tokens=max_tokens, temperature=0.2,
                    timeout=self.timeout, **kwargs)
            except openai.APIStatusError as exc:
                if rf is not None and _format_rejected(exc) and self.ladder.downgrade(mode):
                    continue
                if not _retryable(exc) or failures >= self.max_retries:
                    raise CallFailed(_describe(exc), attempts) from None
                await self._wait(failures, exc)
                failures += 1
                continue
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                if failures >= self.max_retries:
                    raise CallFailed(_describe(exc), attempts) from None
                await self._wait(failures, exc)
                failures += 1
                continue
            if not resp.choices:
                raise CallFailed("no choices in the response", attempts)
            choice = resp.choices[0]
            usage = resp.usage
            return Completion(
                text=choice.message.content if choice.message else None,
                finish_reason=choice.finish_reason,
                tokens_in=getattr(usage, "prompt_tokens", None) if usage else None,
                tokens_out=getattr(usage, "completion_tokens", None) if usage else None,
                attempts=attempts,
            )

    async def _wait(self, failures: int, exc: Exception) -> float:
        wait = backoff(failures, self.backoff_base, self.backoff_cap, self.rng)
        hinted = retry_after(exc)
        if hinted is not None:
            wait = max(wait, min(hinted, MAX_WAIT))
        self.retries += 1
        await self.sleep(wait)
        return wait


__all__ = ["Caller", "Completion", "CallFailed", "FormatLadder", "retry_after", "backoff", "MODES"]
