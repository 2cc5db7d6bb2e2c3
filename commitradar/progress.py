"""Progress bars for long work: on a terminal only, never with ``--quiet``, never in logs or pipes."""
from __future__ import annotations

ENABLED = True  # the CLI turns this off for --quiet


def progress(iterable=None, *, total: int | None = None, desc: str = "", min_items: int = 50, unit: str = "commit", **kw):
    """A tqdm bar when there are at least ``min_items`` items and stderr is a terminal; else a silent one."""
    from tqdm import tqdm

    n = total if total is not None else (len(iterable) if hasattr(iterable, "__len__") else None)
    quiet = not ENABLED or (n is not None and n < min_items)
    return tqdm(iterable, total=total, desc=desc, unit=unit, leave=False, disable=True if quiet else None, **kw)
