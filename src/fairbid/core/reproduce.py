"""``fairbid reproduce``: run every registered paper experiment into one run directory, resumably."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from fairbid.core.errors import FairbidError, check_choice, check_int
from fairbid.core.executor import get_executor
from fairbid.core.experiments import SCALES, ExperimentContext, load_all
from fairbid.core.progress import progress_task
from fairbid.core.report import write_report
from fairbid.core.rundir import RunDir
from fairbid.core.validate import check_existing_dir, check_output_dir, load_json_file, require_type

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
        # Everything is checked before anything is written: a damaged run is refused, not half-resumed.
        cfg = read_resume_config(resume)
        scale, seed, only = cfg["scale"], cfg["seed"], cfg.get("only")
        selected = _select(registry, only)
        check_finished_parts(Path(resume), selected)
        executor = get_executor(backend, workers)
        rd = RunDir(resume)
    else:
        check_choice("--scale", scale, SCALES)
        seed = check_int("--seed", seed, minimum=0)
        selected = _select(registry, only)
        executor = get_executor(backend, workers)
        cfg = {"command": "reproduce", "scale": scale, "seed": seed, "backend": backend,
               "workers": workers, "only": list(only) if only else None,
               "experiments": list(registry)}
        check_output_dir(out if out is not None else "runs", "--out")
        rd = RunDir.create(out, "reproduce", seed=seed, config=cfg)

    with progress_task("fairbid reproduce", total=len(selected)) as advance:
        for name in selected:
            _run_one(rd, registry[name], scale, seed, executor, log)
            advance()
    return write_report(rd, registry, selected)


def read_resume_config(path: str | Path) -> dict[str, Any]:
    """The recorded config of a ``reproduce`` run directory, checked field by field.

    Never creates ``path``: a mistyped ``--resume`` is an error, not a new empty run.
    """
    root = check_existing_dir(path, "--resume")
    if not (root / "config.json").is_file():
        raise FairbidError("--resume", "is not a fairbid run directory (no config.json)", str(path))
    what = f"--resume {root / 'config.json'}"
    cfg = require_type(what, load_json_file(root / "config.json", what), dict, "a JSON object")
    if cfg.get("command", "reproduce") != "reproduce":
        raise FairbidError(what, "is the run directory of another command", cfg.get("command"))
    for key in ("scale", "seed"):
        if key not in cfg:
            raise FairbidError(f"{what} {key}", "is missing")
    check_choice(f"{what} scale", cfg["scale"], SCALES)
    require_type(f"{what} seed", cfg["seed"], int, "an integer")
    check_int(f"{what} seed", cfg["seed"], minimum=0)
    only = cfg.get("only")
    if only is not None:
        require_type(f"{what} only", only, list, "a list of experiment names")
        for i, name in enumerate(only):
            require_type(f"{what} only[{i}]", name, str, "an experiment name")
    return cfg


def check_finished_parts(root: Path, selected: Sequence[str]) -> None:
    """Refuse a run whose finished experiments left damaged records or result tables.

    A finished experiment is skipped on resume, so its ``done.json`` and Parquet tables go into the
    report as they are; a damaged one is named, with the remedy (delete it to run it again).
    """
    for name in selected:
        sub = root / name
        done = sub / DONE
        if not done.exists():
            continue
        fix = f"; delete {sub} to run {name} again"
        what = str(done)
        try:
            rec = require_type(what, load_json_file(done, what), dict, "a JSON object")
        except FairbidError as exc:
            raise FairbidError(exc.what, exc.problem + fix) from None
        if rec.get("name") != name or rec.get("status") != "ok" or not isinstance(rec.get("summary", {}), dict) \
                or isinstance(rec.get("seconds"), bool) or not isinstance(rec.get("seconds"), (int, float)):
            raise FairbidError(what, "is not the record of a finished experiment" + fix)
        for table in sorted((sub / "results").glob("*.parquet")):
            _check_parquet(table, fix)


def _check_parquet(path: Path, fix: str) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        pq.read_metadata(path)
    except (OSError, pa.ArrowException, ValueError):
        raise FairbidError(str(path), "is damaged (not a readable Parquet file)" + fix) from None


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
