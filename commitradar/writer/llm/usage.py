"""Accounting for one report (``Usage``) and the token budget of the whole run (``TokenBudget``).

``Usage.to_dict()`` is ``DayReport.usage``: totals (``tokens_in``, ``tokens_out``, ``calls``, ``cached``,
``failed``), HTTP-level counts (``requests``, ``retries``, ``repairs``), ``by_tier`` with the same numbers per
tier, and the SHAs that got deterministic prose instead (``degraded``; ``budget_skipped`` and ``failures``
say why). A *call* is one commit sent to the model (its retries and repair included); ``failed`` counts
calls that produced no usable answer, which is what the failure share is measured against. Tokens are the
ones spent in this run: a cached answer costs nothing and counts 0. ``overview`` counts the day's overview
request the same way (its tokens are in the totals; it is not a commit, so not in ``calls``).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ...records import TIERS

_COUNTERS = ("commits", "calls", "cached", "failed", "budget_skipped", "tokens_in", "tokens_out")


@dataclass
class TokenBudget:
    """Input + output tokens for the run. Requests reserve their worst case before they are sent (estimated
    input + max output tokens) and settle with the reported usage afterwards, so concurrent requests can
    never overshoot it."""

    total: int
    spent: int = 0
    reserved: int = 0

    def try_reserve(self, n: int) -> bool:
        if self.spent + self.reserved + n > self.total:
            return False
        self.reserved += n
        return True

    def settle(self, reserved: int, actual: int) -> None:
        self.reserved -= reserved
        self.spent += actual

    @property
    def left(self) -> int:
        return self.total - self.spent - self.reserved


@dataclass
class Usage:
    model: str
    prompt_version: str
    by_tier: dict[str, dict[str, int]] = field(default_factory=lambda: {t: dict.fromkeys(_COUNTERS, 0) for t in TIERS})
    requests: int = 0
    retries: int = 0
    repairs: int = 0
    redactions: int = 0
    budget_shas: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # sha -> reason
    response_format: str = ""
    # the day's overview request (not a commit: kept out of by_tier, its tokens count in the totals)
    overview: dict[str, Any] = field(default_factory=lambda: dict.fromkeys(
        ("calls", "cached", "failed", "budget_skipped", "tokens_in", "tokens_out"), 0))
    overview_failure: str = ""  # why no overview was written, for the report's note

    def add(self, tier: str, **counts: int) -> None:
        row = self.by_tier[tier]
        for k, v in counts.items():
            row[k] += v

    def total(self, key: str) -> int:
        return sum(row[key] for row in self.by_tier.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "prompt_version": self.prompt_version,
            "response_format": self.response_format,
            "tokens_in": self.total("tokens_in") + self.overview["tokens_in"],
            "tokens_out": self.total("tokens_out") + self.overview["tokens_out"],
            "calls": self.total("calls"),
            "cached": self.total("cached"),
            "failed": self.total("failed"),
            "requests": self.requests,
            "retries": self.retries,
            "repairs": self.repairs,
            "redactions": self.redactions,
            "by_tier": {t: dict(row) for t, row in self.by_tier.items()},
            "degraded": list(self.failures) + self.budget_shas,
            "budget_skipped": list(self.budget_shas),
            "failures": dict(self.failures),
            "overview": {**self.overview, "failure": self.overview_failure or None},
        }


__all__ = ["TokenBudget", "Usage"]
