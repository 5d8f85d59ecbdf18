"""Progress bars (rich) that stay silent when stdout is not a terminal or when disabled."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")

_ENABLED = True


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


def progress_iter(items: Iterable[T], total: int | None, description: str | None) -> Iterator[T]:
    """Yield from ``items``, drawing a bar on stderr when ``description`` is set and bars are enabled."""
    if description is None or not progress_enabled():
        yield from items
        return
    from rich.progress import Progress

    with Progress(transient=True, console=_console()) as bar:
        task = bar.add_task(description, total=total)
        for item in items:
            yield item
            bar.advance(task)


@contextmanager
def progress_task(description: str, total: float | None = None):
    """Context manager yielding ``advance(n=1)``; a no-op callable when bars are disabled."""
    if not progress_enabled():
        yield lambda n=1: None
        return
    from rich.progress import Progress

    with Progress(transient=True, console=_console()) as bar:
        task = bar.add_task(description, total=total)
        yield lambda n=1: bar.advance(task, n)


def _console():
    from rich.console import Console

    return Console(file=sys.stderr)
