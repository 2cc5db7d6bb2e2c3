"""Argument types shared by the subcommands: each turns a flag's text into a value or a one-line error."""
from __future__ import annotations

import argparse
from datetime import date


def day(text: str) -> str:
    """A YYYY-MM-DD date (kept as text: ``resolve_window`` turns it into a window in the chosen zone)."""
    try:
        date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)") from None
    if len(text) != 10:  # fromisoformat also takes 20260310; the help and the docs promise YYYY-MM-DD
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (expected YYYY-MM-DD)")
    return text


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number above 0, got {value}")
    return value


def nonempty(what: str):
    def check(text: str) -> str:
        if not text.strip():
            raise argparse.ArgumentTypeError(f"{what} must not be empty")
        return text

    check.__name__ = what  # argparse names the type in some messages
    return check
