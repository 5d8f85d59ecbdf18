"""``fairbid reproduce``: run every registered paper experiment into one run directory, resumably."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fairbid.core.errors import FairbidError, check_choice
from fairbid.core.executor import get_executor
from fairbid.core.experiments import SCALES, ExperimentContext, load_all
from fairbid.core.progress import progress_task
from fairbid.core.report import write_report
from fairbid.core.rundir import RunDir

DONE = "done.json"


def reproduce(
    *,
    out: str | Path | None = None,
    scale: str = "quick",
    seed: int = 0,
    backend: str = "serial",
    workers: int | None = None,
    resume: str | Path | None = None,
    only: Sequence[str] | None = None,
    log: Callable[[str], None] = lambda msg: None,
) -> Path:
    """Run the registered experiments and return the path of ``report.html``.

    Parameters
    ----------
    out : path, optional
        Root under which the run directory ``reproduce-seed<seed>-<time>`` is made (default ``runs``).
    scale : {"quick", "paper"}
        ``quick`` takes a few minutes in all; ``paper`` uses the papers' sizes.
    seed : int
        Master seed; each experiment's seed derives from it and the experiment's name.
    backend, workers
        Executor for the experiments' parallel parts.
    resume : path, optional
        An existing run directory: experiments with a ``done.json`` are skipped, the rest run again
        with the run's recorded config (``scale``, ``seed``, ``only``).
    only : sequence of str, optional
        Names or name prefixes (``auctions``, ``auctions.lemma3``) to run; default all.
    log : callable
        Receives one line per experiment started/skipped/finished.
    """
    registry = load_all()
    if resume is not None:
        rd = RunDir(resume)
        if not (rd.path / "config.json").exists():
            raise FairbidError("--resume", "is not a fairbid run directory (no config.json)", str(resume))
        cfg = rd.read_json("config.json")
        scale, seed, only = cfg["scale"], cfg["seed"], cfg.get("only")
    else:
        check_choice("--scale", scale, SCALES)
        cfg = {"command": "reproduce", "scale": scale, "seed": seed, "backend": backend,
               "workers": workers, "only": list(only) if only else None,
               "experiments": list(registry)}
        rd = RunDir.create(out, "reproduce", seed=seed, config=cfg)

    selected = _select(registry, only)
    executor = get_executor(backend, workers)
    with progress_task("fairbid reproduce", total=len(selected)) as advance:
        for name in selected:
            _run_one(rd, registry[name], scale, seed, executor, log)
            advance()
    return write_report(rd, registry, selected)


def _run_one(rd: RunDir, exp: Any, scale: str, seed: int, executor: Any, log: Callable[[str], None]) -> None:
    """Run one experiment into its sub-directory unless it already finished (``done.json``)."""
    name = exp.name
    sub = rd.sub(name)
    if (sub.path / DONE).exists():
        log(f"skip {name} (done)")
        return
    log(f"run  {name}: {exp.title}")
    ctx = ExperimentContext(scale=scale, seed=_experiment_seed(seed, name), executor=executor, out=sub)
    start = time.perf_counter()
    try:
        summary = exp.run(ctx) or {}
        status = "ok"
    except Exception as exc:  # one broken experiment must not lose the others' results
        summary = {"error": f"{type(exc).__name__}: {exc}"}
        sub.write_text("error.txt", traceback.format_exc())
        status = "failed"
    seconds = time.perf_counter() - start
    record: dict[str, Any] = {"name": name, "status": status, "seconds": seconds, "summary": summary}
    if status == "ok":
        sub.write_json(DONE, record)
    else:
        sub.write_json("failed.json", record)
    log(f"{status:4s} {name} in {seconds:.1f} s")


def _select(registry: dict, only: Sequence[str] | None) -> list[str]:
    if not only:
        return list(registry)
    chosen = [n for n in registry if any(n == p or n.startswith(p + ".") for p in only)]
    if not chosen:
        raise FairbidError("--only", f"matches no experiment; known: {', '.join(registry)}", ",".join(only))
    return chosen


def _experiment_seed(seed: int, name: str) -> int:
    """Seed of one experiment: derived from the master seed and the experiment's *name*.

    Keying by name (not position) keeps an experiment's numbers when others are added or skipped.
    """
    import zlib

    import numpy as np

    ss = np.random.SeedSequence([int(seed), zlib.crc32(name.encode())])
    return int(ss.generate_state(1)[0])
