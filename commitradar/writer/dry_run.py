"""``commitradar report --dry-run``: what the LLM writer would send, with estimated tokens; nothing is called.

For each repository: every medium/high commit's messages (system + user, after redaction and excerpting),
its estimated input tokens, the output limit, and whether the cache already holds an answer (then nothing
would be sent). Low-tier commits are listed as costing nothing. Totals at the end, checked against the run
token budget. Works without a model name or endpoint, so a budget can be sized before one is chosen.
"""
from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TextIO

from ..classifier import get_classifier
from ..features import extract
from ..features.paths import freeze_mapping
from ..pipeline import TIER_RANK, sources


def dry_run(config, window, repos: Sequence = (), commits_files: Sequence[str] = (), out: TextIO | None = None) -> int:
    from .llm.cache import AnswerCache
    from .llm.prompt import PROMPT_VERSION, build_request

    out = out or sys.stdout
    llm = config.llm
    model = llm.model or "(no model configured)"
    mapping = freeze_mapping(dict(config.categories))
    classifier = get_classifier(config)
    cache = AnswerCache(AnswerCache.default_path(config.cache()), readonly=True)
    total_in = total_out = n_send = n_cached = n_low = 0
    full_in = 0
    try:
        for repo, _remote, commits in sources(window, repos, commits_files, config.branch):
            feats = [extract(c, mapping) for c in commits]
            verdicts = classifier.classify(list(zip(commits, feats))) if commits else []
            items = sorted(zip(commits, feats, verdicts),
                           key=lambda x: (TIER_RANK[x[2].tier], -x[0].committed_at.timestamp()))
            print(f"# {repo}: {len(items)} commits ({window.start:%Y-%m-%d}..{window.end:%Y-%m-%d} exclusive, "
                  f"{window.timezone}); model {model}, prompt {PROMPT_VERSION}, lang {config.lang}", file=out)
            for commit, feat, verdict in items:
                if verdict.tier == "low":
                    n_low += 1
                    print(f"\n## {commit.sha[:7]} [low] {commit.subject[:80]}\n   deterministic one-liner, 0 tokens",
                          file=out)
                    continue
                req = build_request(commit, feat, verdict, config.lang, llm, mapping)
                cached = llm.model and cache.get(commit.sha, llm.model, PROMPT_VERSION, config.lang, verdict.tier)
                head = (f"\n## {commit.sha[:7]} [{verdict.tier}] {commit.subject[:80]}\n"
                        f"   estimated input {req.est_tokens_in} tokens (diff excerpt {req.excerpt.tokens} of "
                        f"{req.excerpt.full_tokens}), max output {req.max_tokens}, redactions {req.excerpt.redactions}")
                if cached:
                    n_cached += 1
                    print(head + "\n   cached: nothing would be sent", file=out)
                    continue
                n_send += 1
                total_in += req.est_tokens_in
                total_out += req.max_tokens
                full_in += req.excerpt.full_tokens
                print(head, file=out)
                for m in req.messages:
                    print(f"--- {m['role']} ---\n{m['content']}", file=out)
        budget = llm.run_token_budget
        print(f"\n# total: {n_send} requests would be sent ({n_cached} cached, {n_low} low-tier at 0 tokens); "
              f"estimated input {total_in} tokens, output at most {total_out} tokens; "
              f"run budget {budget} tokens{' (would be exceeded: the rest would get deterministic text)' if total_in + total_out > budget else ''}. "
              "Nothing was sent.", file=out)
    finally:
        cache.close()
    return 0


__all__ = ["dry_run"]
