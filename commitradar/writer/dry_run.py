"""The ``dry-run`` writer (``report --dry-run``): what the LLM writer would send, with estimated tokens;
nothing is called and the caller writes no report.

It goes through the one pipeline like any writer: for each report, every medium/high commit's messages
(system + user, after redaction and excerpting), its estimated input tokens, the output limit, and whether
the cache already holds an answer (then nothing would be sent), then the day's overview request. Low-tier
commits are listed as costing nothing. :meth:`DryRunWriter.summary` gives the totals, checked against the run token budget. It works
without a model name or endpoint, so a budget can be sized before one is chosen; without ``--llm`` it says
that nothing would be sent at all.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from ..features.paths import mapping_for
from . import WRITERS, Item, WriteResult
from .deterministic import write_one


class DryRunWriter:
    name = "dry-run"

    def __init__(self, config, loader=None, out: TextIO | None = None) -> None:
        self.config = config
        self.loader = loader
        self.out = out or sys.stdout
        self.send = self.cached = self.low = self.deterministic = self.overviews = 0
        self.tokens_in = self.tokens_out = 0

    def write(self, items: Sequence[Item], lang: str, mapping=None) -> WriteResult:
        proses = [write_one(c, f, v, lang) for c, f, v in items]
        if self.config.llm.provider is None:
            self.deterministic += len(items)
            return WriteResult(proses)
        from .llm.cache import AnswerCache
        from .llm.prompt import PROMPT_VERSION, build_request

        llm = self.config.llm
        print(f"# {items[0][0].repo}: {len(items)} commits; model {llm.model or '(no model configured)'}, "
              f"prompt {PROMPT_VERSION}, lang {lang}", file=self.out)
        cache = AnswerCache(AnswerCache.default_path(self.config.cache()), readonly=True)
        try:
            for commit, feats, verdict in items:
                if verdict.tier == "low":
                    self.low += 1
                    print(f"\n## {commit.sha[:7]} [low] {commit.subject[:80]}\n   deterministic one-liner, 0 tokens",
                          file=self.out)
                    continue
                req = build_request(commit, feats, verdict, lang, llm,
                                    mapping or mapping_for(commit.repo, self.config.categories), self.loader)
                head = (f"\n## {commit.sha[:7]} [{verdict.tier}] {commit.subject[:80]}\n"
                        f"   estimated input {req.est_tokens_in} tokens (diff excerpt {req.excerpt.tokens} of "
                        f"{req.excerpt.full_tokens}), max output {req.max_tokens}, redactions {req.excerpt.redactions}")
                if llm.model and cache.get(commit.sha, llm.model, PROMPT_VERSION, lang, verdict.tier):
                    self.cached += 1
                    print(head + "\n   cached: nothing would be sent", file=self.out)
                    continue
                self.send += 1
                self.tokens_in += req.est_tokens_in
                self.tokens_out += req.max_tokens
                print(head, file=self.out)
                for m in req.messages:
                    print(f"--- {m['role']} ---\n{m['content']}", file=self.out)
            if any(v.tier != "low" for _, _, v in items):
                self._overview(items, lang, cache)
        finally:
            cache.close()
        return WriteResult(proses)

    def _overview(self, items: Sequence[Item], lang: str, cache) -> None:
        """The day's overview request the LLM writer would send after the entries."""
        from .headline import build_headline
        from .llm.overview import OVERVIEW_TIER, OVERVIEW_VERSION
        from .llm.overview import build_request as build_overview

        llm = self.config.llm
        req = build_overview(items, build_headline(items, lang), lang, llm, llm.model or "")
        head = (f"\n## overview of the day\n   estimated input {req.est_tokens_in} tokens, max output {req.max_tokens}, "
                f"redactions {req.redactions}")
        if llm.model and cache.get(req.key, llm.model, OVERVIEW_VERSION, lang, OVERVIEW_TIER):
            print(head + "\n   cached: nothing would be sent", file=self.out)
            return
        self.overviews += 1
        self.tokens_in += req.est_tokens_in
        self.tokens_out += req.max_tokens
        print(head, file=self.out)
        for m in req.messages:
            print(f"--- {m['role']} ---\n{m['content']}", file=self.out)

    def summary(self) -> str:
        if self.config.llm.provider is None:
            return (f"# no LLM configured (--llm openai to use one): nothing would be sent; the deterministic writer "
                    f"would write all {self.deterministic} entries. Nothing was sent.")
        budget = self.config.llm.run_token_budget
        over = self.tokens_in + self.tokens_out > budget
        return (f"\n# total: {self.send} requests would be sent ({self.cached} cached, {self.low} low-tier at 0 "
                f"tokens) and {self.overviews} overview request{'' if self.overviews == 1 else 's'}; estimated input "
                f"{self.tokens_in} tokens, output at most {self.tokens_out} tokens; run "
                f"budget {budget} tokens{' (would be exceeded: the rest would get deterministic text)' if over else ''}."
                " Nothing was sent.")


WRITERS.add("dry-run", DryRunWriter)

__all__ = ["DryRunWriter"]
