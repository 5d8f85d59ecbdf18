"""One small interface for embarrassingly parallel work: replicates, grids, Monte Carlo batches.

Backends
--------
``serial``   in-process loop (default; what tests and small jobs use).
``process``  :class:`concurrent.futures.ProcessPoolExecutor` on this machine.
``ray``      Ray core tasks (a local cluster unless ``RAY_ADDRESS`` points to one), for work that
             outgrows one machine.

Every task gets its own child :class:`numpy.random.SeedSequence` spawned from the run's seed by task
index, so for a given seed the results are identical whatever the backend and worker count.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_int
from fairbid.core.progress import progress_iter
from fairbid.core.rng import SeedLike, spawn

T = TypeVar("T")
R = TypeVar("R")

BACKENDS = ("serial", "process", "ray")


def _call(fn: Callable[..., R], item: Any, ss: np.random.SeedSequence) -> R:
    return fn(item, ss)


@dataclass
class Executor:
    """Map a seeded function over items on a chosen backend.

    Parameters
    ----------
    backend : {"serial", "process", "ray"}
        Where tasks run.
    workers : int, optional
        Worker processes (``process``) or CPUs for a local Ray cluster (``ray``); default: all cores.
    ray_init : dict, optional
        Extra keyword arguments for :func:`ray.init` when this executor starts a local cluster.

    Examples
    --------
    >>> ex = Executor("serial")
    >>> ex.map(lambda item, ss: item + np.random.default_rng(ss).integers(10), [0, 100], seed=1) == \\
    ...     Executor("serial").map(lambda item, ss: item + np.random.default_rng(ss).integers(10), [0, 100], seed=1)
    True
    """

    backend: str = "serial"
    workers: int | None = None
    ray_init: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_choice("backend", self.backend, BACKENDS)
        if self.workers is not None:
            self.workers = check_int("workers", self.workers, minimum=1)

    def map(
        self,
        fn: Callable[[T, np.random.SeedSequence], R],
        items: Iterable[T],
        *,
        seed: SeedLike,
        progress: str | None = None,
    ) -> list[R]:
        """Return ``[fn(item_i, seed_i) for i, item_i in enumerate(items)]``, computed on the backend.

        ``seed_i`` is the i-th child of ``seed``; ``fn`` must take all its randomness from it.
        ``progress`` is a description for a progress bar (shown only on a terminal).
        """
        items = list(items)
        seeds = spawn(seed, len(items))
        if not items:
            return []
        if self.backend == "serial" or len(items) == 1:
            return [fn(it, ss) for it, ss in progress_iter(zip(items, seeds), len(items), progress)]
        if self.backend == "process":
            return self._map_process(fn, items, seeds, progress)
        return self._map_ray(fn, items, seeds, progress)

    def _map_process(self, fn, items, seeds, progress) -> list:
        workers = self.workers or os.cpu_count() or 1
        with ProcessPoolExecutor(max_workers=workers) as pool:
            futures = [pool.submit(_call, fn, it, ss) for it, ss in zip(items, seeds)]
            # Results are collected in submission order, so scheduling cannot change them.
            return [f.result() for f in progress_iter(futures, len(futures), progress)]

    def _map_ray(self, fn, items, seeds, progress) -> list:
        ray = _ray()
        if not ray.is_initialized():
            kwargs: dict[str, Any] = {
                "include_dashboard": False,
                "log_to_driver": False,
                "configure_logging": False,
            }
            if "RAY_ADDRESS" not in os.environ:
                kwargs["num_cpus"] = self.workers or os.cpu_count() or 1
                kwargs["object_store_memory"] = 200 * 1024 * 1024
                # Workers see the driver's import path, so functions from the user's own modules resolve.
                kwargs["runtime_env"] = {
                    "env_vars": {"PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
                }
            kwargs.update(self.ray_init)
            ray.init(**kwargs)
        remote = ray.remote(_call)
        fn_ref = ray.put(fn)
        refs = [remote.remote(fn_ref, it, ss) for it, ss in zip(items, seeds)]
        return [ray.get(r) for r in progress_iter(refs, len(refs), progress)]


def _ray():
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - ray is a pinned dependency
        raise FairbidError("backend", "ray is not installed", "ray") from exc
    return ray


def shutdown_ray() -> None:
    """Stop a local Ray cluster started by an :class:`Executor` (no-op when none runs)."""
    ray = _ray()
    if ray.is_initialized():
        ray.shutdown()


def get_executor(backend: str | Executor | None = None, workers: int | None = None) -> Executor:
    """Return an :class:`Executor`; ``None`` means ``serial``, an Executor passes through."""
    if isinstance(backend, Executor):
        return backend
    return Executor(backend or "serial", workers)


def chunk_sizes(total: int, chunk: int) -> Sequence[int]:
    """Split ``total`` units of work into chunks of at most ``chunk`` (the last one may be smaller).

    The split depends only on ``total`` and ``chunk``, so seeded results do not depend on workers.

    Examples
    --------
    >>> chunk_sizes(10, 4)
    [4, 4, 2]
    """
    total = check_int("total", total, minimum=0)
    chunk = check_int("chunk", chunk, minimum=1)
    return [min(chunk, total - start) for start in range(0, total, chunk)]
