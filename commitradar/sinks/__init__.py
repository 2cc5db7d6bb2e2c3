"""Chat and webhook delivery of a day's report: the ``SINKS`` registry (webhook, slack, feishu, dingtalk,
wecom), each a :class:`~commitradar.sinks.base.Platform` that turns a report's JSON twin into one message
within its platform's size limit. Delivery itself (HTTP, retries, the at-most-once record) lives in
:mod:`commitradar.sinks.deliver`; the ``[[sinks]]`` settings in :mod:`commitradar.sinks.config`.
"""
from __future__ import annotations

from . import dingtalk, feishu, slack, webhook, wecom  # noqa: F401  (each registers itself)
from .base import SINKS, Links, Platform, Summary, read_twin, summarize

__all__ = ["SINKS", "Links", "Platform", "Summary", "read_twin", "summarize"]
