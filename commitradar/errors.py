"""Errors a user can cause. The CLI prints their message on one line and exits with their code."""
from __future__ import annotations


class CommitradarError(Exception):
    """A problem with the user's input or environment, not a bug: no traceback is shown."""

    exit_code = 2


class InputError(CommitradarError):
    """Bad flag, file, date, zone, repository or label."""


class OutputError(CommitradarError):
    """The report could not be written where asked."""

    exit_code = 3


class LLMFailure(CommitradarError):
    """Too many LLM calls failed: the report was written, but the run is not a success."""

    exit_code = 4


class SinkFailure(CommitradarError):
    """A chat or webhook sink did not take a report: the report was written, but not delivered everywhere."""

    exit_code = 5
