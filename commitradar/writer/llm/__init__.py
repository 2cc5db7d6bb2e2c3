"""The ``openai`` writer: LLM prose for medium and high commits through any OpenAI-compatible endpoint.

Modules, one job each: :mod:`.tokens` (estimates), :mod:`.excerpt` (diff excerpt under a per-tier budget),
:mod:`..redact` (secrets out), :mod:`.prompt` (versioned templates), :mod:`.answer` (schemas, tolerant
parsing, validation), :mod:`.client` (retries, backoff, response-format fallback), :mod:`.cache` (SQLite),
:mod:`.usage` (accounting, run budget). This module only orchestrates:

1. low tier → deterministic one-liner, zero tokens;
2. cache hit → the stored answer, nothing sent;
3. otherwise, with at most ``max_in_flight`` requests in flight: reserve the worst case from the run budget
   (else deterministic prose with the budget marker), call, validate; on a bad answer (invalid JSON, schema
   violation, empty, ``finish_reason == "length"``) one repair request; still bad → deterministic prose with
   the fallback marker and the reason. Good answers are written to the cache as they arrive;
4. then, when any medium/high commit was there, one more request for the day's overview (:mod:`.overview`),
   cached and budgeted the same way; on any failure the deterministic headline stands and a note says why.
"""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Sequence
from dataclasses import replace

from ...errors import InputError
from ...features.paths import mapping_for
from ...i18n import t
from ...records import Prose
from .. import WRITERS, Item, WriteResult
from ..deterministic import write_one
from ..headline import build_headline
from .answer import AnswerError, parse_answer, to_prose, validate
from .cache import AnswerCache
from .client import Caller, CallFailed, Completion, FormatLadder, Traffic, make_client
from .overview import OVERVIEW_TIER, OVERVIEW_VERSION, OverviewRequest
from .overview import build_request as build_overview
from .overview import validate as validate_overview
from .prompt import PROMPT_VERSION, Request, build_request, repair_messages
from .tokens import estimate_messages
from .usage import TokenBudget, Usage

MAX_SHAS_IN_NOTE = 8


def check_completion(comp: Completion, tier: str) -> dict:
    """The validated answer of a completion, or ``AnswerError``. Cut-off text is never used."""
    if comp.finish_reason == "length":
        raise AnswerError("cut off at the output token limit (finish_reason=length)")
    if comp.finish_reason == "content_filter":
        raise AnswerError("blocked by the server's content filter")
    return validate(parse_answer(comp.text), tier)


def run_coroutine(coro):
    """``asyncio.run``, also from a thread that already runs an event loop (notebooks)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coro)
    box: dict = {}

    def target():
        try:
            box["value"] = asyncio.run(coro)
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    th = threading.Thread(target=target)
    th.start()
    th.join()
    if "error" in box:
        raise box["error"]
    return box["value"]


class LLMWriter:
    def __init__(self, config, *, loader=None) -> None:
        llm = config.llm
        if not llm.model:
            raise InputError("--llm openai needs a model name: --llm-model, COMMITRADAR_LLM_MODEL or [llm] model")
        self.config = config
        self.llm = llm
        self.name = f"openai:{llm.model}"
        self.loader = loader
        self.budget = TokenBudget(llm.run_token_budget)  # per run: shared by every report this writer writes
        self.ladder = FormatLadder()
        self.cache_path = AnswerCache.default_path(config.cache())

    # ------------------------------------------------------------------ public

    def write(self, items: Sequence[Item], lang: str, mapping=None) -> WriteResult:
        usage = Usage(model=self.llm.model, prompt_version=PROMPT_VERSION)
        proses: list[Prose | None] = [None] * len(items)
        jobs: list[tuple[int, Item, Request]] = []
        for i, (commit, feats, verdict) in enumerate(items):
            usage.add(verdict.tier, commits=1)
            if verdict.tier == "low":
                proses[i] = write_one(commit, feats, verdict, lang)
                continue
            req = build_request(commit, feats, verdict, lang, self.llm,
                                mapping or mapping_for(commit.repo, self.config.categories), self.loader)
            usage.redactions += req.excerpt.redactions
            jobs.append((i, (commit, feats, verdict), req))
        overview_req = None
        if jobs:  # an overview only for a day with something worth reading
            overview_req = build_overview(items, build_headline(items, lang), lang, self.llm, self.llm.model)
            usage.redactions += overview_req.redactions
        overview = None
        if jobs:
            results, overview = run_coroutine(self._run(jobs, lang, usage, overview_req))
            for i, prose in results:
                proses[i] = prose
        usage.response_format = self.ladder.mode
        notes = self._notes(usage, lang)
        return WriteResult(proses=proses, notes=notes, usage=usage.to_dict(), overview=overview)

    # ------------------------------------------------------------------ internals

    async def _run(self, jobs, lang: str, usage: Usage,
                   overview_req: OverviewRequest | None = None) -> tuple[list[tuple[int, Prose]], str | None]:
        cache = AnswerCache(self.cache_path)
        traffic = Traffic()
        client = make_client(self.llm, traffic)
        caller = Caller(client, self.llm.model, ladder=self.ladder)
        sem = asyncio.Semaphore(max(1, self.llm.max_in_flight))
        from ...progress import progress

        bar = progress(total=len(jobs), desc="LLM", min_items=1)

        async def tracked(i, item, req):
            try:
                return await self._one(i, item, req, lang, usage, caller, cache, sem)
            finally:
                bar.update(1)

        overview = None
        try:
            results = await asyncio.gather(*(tracked(i, item, req) for i, item, req in jobs))
            if overview_req is not None:  # after the entries: they come first for the budget
                overview = await self._overview(overview_req, lang, usage, caller, cache)
        finally:
            bar.close()
            usage.requests += traffic.requests
            usage.retries += traffic.retries
            await client.close()
            cache.close()
        return list(results), overview

    async def _overview(self, req: OverviewRequest, lang: str, usage: Usage, caller: Caller,
                        cache: AnswerCache) -> str | None:
        """The day's overview, or None (the deterministic headline stands; the reason goes in a note)."""
        counts = usage.overview
        key = (req.key, self.llm.model, OVERVIEW_VERSION, lang, OVERVIEW_TIER)
        hit = cache.get(*key)
        if hit is not None:
            try:
                text = validate_overview(hit[0])
                counts["cached"] += 1
                return text
            except AnswerError:
                pass  # a stale or damaged row: ask again
        reserve = req.est_tokens_in + req.max_tokens
        if not self.budget.try_reserve(reserve):
            counts["budget_skipped"] += 1
            usage.overview_failure = "no token budget left"
            return None
        counts["calls"] += 1
        try:
            comp = await caller.complete(req.messages, OVERVIEW_TIER, req.max_tokens)
        except CallFailed as exc:
            self.budget.settle(reserve, 0)
            counts["failed"] += 1
            usage.overview_failure = exc.reason
            return None
        tin, tout = self._settle(reserve, comp, req.est_tokens_in)
        counts["tokens_in"] += tin
        counts["tokens_out"] += tout
        try:
            if comp.finish_reason == "length":
                raise AnswerError("cut off at the output token limit (finish_reason=length)")
            obj = parse_answer(comp.text)
            text = validate_overview(obj)
        except AnswerError as exc:
            counts["failed"] += 1
            usage.overview_failure = str(exc)
            return None
        cache.put(*key, {"overview": text}, tin, tout)
        return text

    async def _one(self, i: int, item: Item, req: Request, lang: str, usage: Usage, caller: Caller,
                   cache: AnswerCache, sem: asyncio.Semaphore) -> tuple[int, Prose]:
        commit, feats, verdict = item
        tier = verdict.tier
        key = (commit.sha, self.llm.model, PROMPT_VERSION, lang, tier)
        hit = cache.get(*key)
        if hit is not None:
            try:
                prose = to_prose(validate(hit[0], tier), tier)
                usage.add(tier, cached=1)
                return i, prose
            except AnswerError:
                pass  # a stale or damaged row: ask again
        async with sem:
            reserve = req.est_tokens_in + req.max_tokens
            if not self.budget.try_reserve(reserve):
                usage.add(tier, budget_skipped=1)
                usage.budget_shas.append(commit.sha)
                return i, replace(write_one(commit, feats, verdict, lang), source="fallback",
                                  note=t(lang, "budget_marker"))
            usage.add(tier, calls=1)
            spent_in = spent_out = 0
            try:
                comp = await caller.complete(req.messages, tier, req.max_tokens)
            except CallFailed as exc:
                self.budget.settle(reserve, 0)
                return i, self._failed(item, lang, usage, exc.reason)
            spent_in, spent_out = self._settle(reserve, comp, req.est_tokens_in)
            try:
                answer = check_completion(comp, tier)
            except AnswerError as first:
                usage.repairs += 1
                shorter = comp.finish_reason == "length"
                msgs = repair_messages(req, str(first), comp.text, shorter)
                est = estimate_messages(msgs)
                if not self.budget.try_reserve(est + req.max_tokens):
                    self._count(usage, tier, spent_in, spent_out)
                    return i, self._failed(item, lang, usage, f"{first}; no token budget left for a repair",
                                           spent_in, spent_out)
                try:
                    comp2 = await caller.complete(msgs, tier, req.max_tokens)
                except CallFailed as exc:
                    self.budget.settle(est + req.max_tokens, 0)
                    self._count(usage, tier, spent_in, spent_out)
                    return i, self._failed(item, lang, usage, f"{first}; repair: {exc.reason}", spent_in, spent_out)
                a, b = self._settle(est + req.max_tokens, comp2, est)
                spent_in, spent_out = spent_in + a, spent_out + b
                try:
                    answer = check_completion(comp2, tier)
                except AnswerError as second:
                    self._count(usage, tier, spent_in, spent_out)
                    reason = str(first) if str(first) == str(second) else f"{first}; after repair: {second}"
                    return i, self._failed(item, lang, usage, reason, spent_in, spent_out)
            self._count(usage, tier, spent_in, spent_out)
            cache.put(*key, answer, spent_in, spent_out)
            return i, to_prose(answer, tier, spent_in, spent_out)

    def _settle(self, reserved: int, comp: Completion, est_in: int) -> tuple[int, int]:
        tin = comp.tokens_in if comp.tokens_in is not None else est_in
        tout = comp.tokens_out if comp.tokens_out is not None else (len(comp.text or "") // 4)
        self.budget.settle(reserved, tin + tout)
        return tin, tout

    @staticmethod
    def _count(usage: Usage, tier: str, tin: int, tout: int) -> None:
        usage.add(tier, tokens_in=tin, tokens_out=tout)

    @staticmethod
    def _failed(item: Item, lang: str, usage: Usage, reason: str, tin: int = 0, tout: int = 0) -> Prose:
        commit, feats, verdict = item
        usage.add(verdict.tier, failed=1)
        usage.failures[commit.sha] = reason
        return replace(write_one(commit, feats, verdict, lang), source="fallback",
                       note=t(lang, "fallback_marker", reason=reason), tokens_in=tin, tokens_out=tout)

    def _notes(self, usage: Usage, lang: str) -> list[str]:
        u = usage.to_dict()
        notes = [t(lang, "writer_llm", model=self.llm.model, llm=u["calls"] - u["failed"] + u["cached"], cached=u["cached"],
                   failed=u["failed"], budget=len(u["budget_skipped"]))]
        if usage.budget_shas:
            notes.append(t(lang, "budget_note", n=len(usage.budget_shas), shas=_shas(usage.budget_shas)))
        if usage.failures:
            notes.append(t(lang, "failed_note", n=len(usage.failures), calls=u["calls"], shas=_shas(list(usage.failures))))
        if usage.overview_failure:
            notes.append(t(lang, "overview_failed", reason=usage.overview_failure))
        return notes


def _shas(shas: list[str]) -> str:
    shown = ", ".join(f"`{s[:7]}`" for s in shas[:MAX_SHAS_IN_NOTE])
    return shown + (f" (+{len(shas) - MAX_SHAS_IN_NOTE})" if len(shas) > MAX_SHAS_IN_NOTE else "")


WRITERS.add("openai", LLMWriter)

__all__ = ["LLMWriter", "check_completion"]
