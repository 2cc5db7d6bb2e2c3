"""One chat completion, done carefully: the openai SDK's retries, plus a response-format fallback.

Retries are the openai client's own (``max_retries``): 408, 409, 429, 5xx, timeouts and connection errors,
with exponential back-off and jitter, honouring ``Retry-After``/``retry-after-ms``. Every HTTP request goes
through an httpx event hook (:func:`make_client`), which counts requests and retries for the report's usage
line. Not retried: other 4xx (a bad request does not get better).

What the SDK does not do is kept here. Structured output degrades per endpoint, once, for the whole run:
``json_schema`` (strict) → ``json_object`` → no ``response_format`` (the tolerant parser copes). A server that
rejects a mode — 400/404/422, or a 500 whose message names ``response_format`` (llama.cpp's server does
that; the hook tells the SDK not to retry it) — moves the shared ``FormatLadder`` down, and the request is
repeated at once.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import openai

from .answer import SCHEMAS

MODES = ("json_schema", "json_object", "none")


@dataclass
class Completion:
    text: str | None
    finish_reason: str | None
    tokens_in: int | None  # as reported by the server (None when it reports nothing)
    tokens_out: int | None


class CallFailed(Exception):
    """No usable completion after all retries; the message is one line for the report."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


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


def _format_rejected(exc: openai.APIStatusError) -> bool:
    names_format = any(w in str(exc).lower() for w in _FORMAT_WORDS)
    return exc.status_code == 422 or (names_format and (exc.status_code in (400, 404) or exc.status_code >= 500))


def _describe(exc: Exception) -> str:
    if isinstance(exc, openai.APITimeoutError):
        return "timeout"
    if isinstance(exc, openai.APIConnectionError):
        return "connection error"
    if isinstance(exc, openai.APIStatusError):
        return f"HTTP {exc.status_code}"
    return type(exc).__name__


_FORMAT_WORDS = ("response_format", "json_schema", "json_object")


@dataclass
class Traffic:
    """HTTP requests sent, and how many of them were the SDK's retries (counted by the client's hook)."""

    requests: int = 0
    retries: int = 0


def make_client(llm, traffic: Traffic) -> openai.AsyncOpenAI:
    """The openai client for ``llm`` (an LLMConfig): its own retries and timeout, and hooks that count the
    traffic and mark a 500 that rejects ``response_format`` as not worth retrying."""

    async def on_request(request: Any) -> None:  # an httpx request (openai's HTTP library)
        traffic.requests += 1
        if request.headers.get("x-stainless-retry-count", "0") != "0":
            traffic.retries += 1

    async def on_response(response: Any) -> None:
        if response.status_code >= 500:
            await response.aread()
            if any(w in response.text.lower() for w in _FORMAT_WORDS):
                response.headers["x-should-retry"] = "false"

    http = openai.DefaultAsyncHttpxClient(event_hooks={"request": [on_request], "response": [on_response]})
    return openai.AsyncOpenAI(api_key=llm.api_key or "not-needed", base_url=llm.base_url, max_retries=llm.max_retries,
                              timeout=llm.timeout, http_client=http)


class Caller:
    def __init__(self, client: openai.AsyncOpenAI, model: str, *, ladder: FormatLadder | None = None) -> None:
        self.client = client
        self.model = model
        self.ladder = ladder or FormatLadder()

    async def complete(self, messages: list[dict], tier: str, max_tokens: int) -> Completion:
        while True:
            mode = self.ladder.mode
            kwargs = {}
            rf = self.ladder.response_format(tier, mode)
            if rf is not None:
                kwargs["response_format"] = rf
            try:
                resp = await self.client.chat.completions.create(
                    model=self.model, messages=messages, max_tokens=max_tokens, temperature=0.2, **kwargs)
            except openai.APIStatusError as exc:
                if rf is not None and _format_rejected(exc) and self.ladder.downgrade(mode):
                    continue
                raise CallFailed(_describe(exc)) from None
            except (openai.APITimeoutError, openai.APIConnectionError) as exc:
                raise CallFailed(_describe(exc)) from None
            if not resp.choices:
                raise CallFailed("no choices in the response")
            choice = resp.choices[0]
            usage = resp.usage
            return Completion(
                text=choice.message.content if choice.message else None,
                finish_reason=choice.finish_reason,
                tokens_in=getattr(usage, "prompt_tokens", None) if usage else None,
                tokens_out=getattr(usage, "completion_tokens", None) if usage else None,
            )


__all__ = ["Caller", "Completion", "CallFailed", "FormatLadder", "Traffic", "make_client", "MODES"]
