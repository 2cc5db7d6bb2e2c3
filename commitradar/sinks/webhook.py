"""A plain webhook: POST the report's summary as JSON, for your own tools.

::

    {"format": "commitradar.summary/1", "repo": "owner/name", "day": "2026-03-12", "lang": "zh",
     "stats": {"total": 22, "high": 2, "medium": 8, "low": 12},
     "headline": {"overview": null, "items": [{"kind": "must_read", "sha": "…", "text": "…", "url": "…"}]},
     "breaking": [{"sha", "kind", "what", "subject", "commit_url", "pr_url", "url"}],
     "entries": [{"sha", "tier", "subject", "url"}],        # other commits at or above min_tier
     "links": {"report": "…" | null, "report_path": "reports/2026/owner/name/2026-03-12.md", "site": "…" | null}}

Texts are raw (one line each, capped): the receiver escapes them for wherever it shows them. With
``secret_env``, the request carries ``X-Commitradar-Signature: sha256=<hex HMAC-SHA256 of the body keyed
with the secret>`` (the scheme GitHub uses for its webhooks:
https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries). Any 2xx answer is
success; 429 and 5xx are retried.
"""
from __future__ import annotations

import hashlib
import hmac

from .base import SINKS, Platform, Signed, Summary, encode, json_size

FORMAT = "commitradar.summary/1"


def signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _sign(url: str, payload: dict, secret: str, now: float) -> Signed:
    sig = signature(encode(payload), secret)
    return Signed(url, payload, {"X-Commitradar-Signature": sig}, secrets=(sig,))


def build(summary: Summary, keep: int) -> dict:
    head = [i for i in summary.items if i.kind != "entry"]
    return {
        "format": FORMAT,
        "repo": summary.repo,
        "day": summary.label,
        "lang": summary.lang,
        "stats": dict(summary.stats),
        "headline": {"overview": summary.overview,
                     "items": [{"kind": i.kind, "sha": i.sha, "text": i.text, "url": i.url} for i in head]},
        "breaking": [{"sha": b.sha, "kind": b.kind, "what": b.what, "subject": b.subject,
                      "commit_url": b.commit_url, "pr_url": b.pr_url, "url": b.url} for b in summary.breaking],
        "entries": [{"sha": i.sha, "tier": i.tier, "subject": i.text, "url": i.url}
                    for i in summary.items if i.kind == "entry"],
        "links": {"report": summary.report_url, "report_path": summary.report_path, "site": summary.site_url},
    }


SINKS.add("webhook", Platform(
    name="webhook", build=build, limit=None, measure=json_size, sign=_sign,
    docs=("https://docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries",),
))
