"""Progress bars (rich) that stay silent when stdout is not a terminal or when disabled.

Nested bars share one live display: an inner loop (say, Monte Carlo batches inside one experiment
of ``fairbid reproduce``) adds a line to the outer display and removes it when done.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")

_ENABLED = True
_ACTIVE: Any = None  # the live rich Progress, when one is shown


def set_progress(enabled: bool) -> None:
    """Globally allow or forbid progress bars (the CLI turns them off under ``--json``)."""
    global _ENABLED
    _ENABLED = bool(enabled)


def progress_enabled() -> bool:
    """True when bars should be drawn: allowed, stdout and stderr are terminals, not under CI."""
    return (
        _ENABLED
        and sys.stdout.isatty()
        and sys.stderr.isatty()
        and not os.environ.get("CI")
        and not os.environ.get("FAIRBID_NO_PROGRESS")
    )


@contextmanager
def progress_task(description: str, total: float | None = None) -> Iterator[Callable[..., None]]:
    """Context manager yielding ``advance(n=1)``; a no-op callable when bars are disabled."""
    global _ACTIVE
    if not progress_enabled():
        yield lambda n=1: None
        return
    if _ACTIVE is not None:
        bar = _ACTIVE
        task = bar.add_task(description, total=total)
        try:
            yield lambda n=1: bar.advance(task, n)
        finally:
            bar.remove_task(task)
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(file=sys.stderr)) as bar:
        _ACTIVE = bar
        try:
            task = bar.add_task(description, total=total)
            yield lambda n=1: bar.advance(task, n)
        finally:
            _ACTIVE = None


def progress_iter(items: Iterable[T], total: int | None, description: str | None) -> Iterator[T]:
    """Yield from ``items``, drawing a bar on stderr when ``description`` is set and bars are enabled."""
    if description is None or not progress_enabled():
        yield from items
        return
    with progress_task(description, total) as advance:
        for item in items:
            yield item
            advance()


def log_line(message: str) -> None:
    """Print ``message`` on stderr, above a live progress display when one is shown."""
    if _ACTIVE is not None:
        _ACTIVE.console.print(message, markup=False, highlight=False)
    else:
        print(message, file=sys.stderr, flush=True)
