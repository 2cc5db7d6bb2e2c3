"""How labeled rows are split for validation: date-grouped folds, forward date blocks, a time split.

A day never spans two parts: commits of one day share context (one release, one refactoring series), so
splitting a day would leak it between training and test.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import InputError


def date_folds(dates: Sequence[str], k: int, seed: int = 0) -> list[np.ndarray]:
    """Test-index arrays of k folds; every date lies in exactly one fold. ``seed`` picks which days share one."""
    from sklearn.model_selection import GroupKFold

    n = len(dates)
    gkf = GroupKFold(n_splits=k, shuffle=True, random_state=seed)
    return [test for _, test in gkf.split(np.zeros(n), groups=np.asarray(dates))]


def forward_blocks(dates: Sequence[str], k: int) -> list[np.ndarray]:
    """Row-index arrays of ``k`` consecutive date blocks of about equal size, oldest first; a date never
    spans two blocks."""
    dates = np.asarray(dates)
    days, counts = np.unique(dates, return_counts=True)  # sorted: ISO dates order as strings
    block_of_day = np.minimum((np.cumsum(counts) - counts) * k // len(dates), k - 1)
    block = block_of_day[np.searchsorted(days, dates)]
    return [np.flatnonzero(block == b) for b in range(k) if np.any(block == b)]


def time_split(dates: Sequence[str], after: str) -> np.ndarray:
    """Test indices of a forward check: every row dated ``after`` (YYYY-MM-DD) or later; the rest trains."""
    dates = np.asarray(dates)
    test = np.flatnonzero(dates >= after)
    if not len(test) or len(test) == len(dates):
        raise InputError(f"--after {after}: the labels span {min(dates)}..{max(dates)}; "
                         "give a date with labels on both sides")
    return test
