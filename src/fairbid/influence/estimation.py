"""Monte Carlo spread estimation for IC, LT, CLT and CIC, with any number of competitors.

Simulations are cut into fixed blocks of :data:`BLOCK` (independent of the worker count); every
simulation draws from its own stream ``(seed, simulation index)``, so a seed gives identical numbers
on the serial, process and ray backends and for any number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fairbid.core.progress import progress_task
from fairbid.core.errors import FairbidError, check_choice, check_int
from fairbid.core.executor import Executor, get_executor
from fairbid.core.rng import SeedLike, as_generator, seed_int
from fairbid.influence.graph import Graph
from fairbid.influence.kernels import cascade_block, ic_block, lt_block, threshold_block
from fairbid.influence.rng import base_seed

MODELS = ("ic", "lt", "clt", "cic")
THRESHOLDS = ("per-simulation", "fixed")
COMPETITIVE = ("clt", "cic")
BLOCK = 256
#: Largest n x competitors for the dense CLT weight store (8 bytes + 4 bytes per entry).
DENSE_LIMIT = 16_000_000


@dataclass(frozen=True)
class SpreadResult:
    """Spread estimate per competitor.

    Attributes
    ----------
    mean, stderr : np.ndarray
        Mean number of nodes active for each competitor (seeds included) and its standard error
        (sample standard deviation / sqrt(sims); 0 when sims == 1).
    sims : int
        Number of simulations.
    model : str
        Diffusion model.
    samples : np.ndarray
        ``(sims, competitors)`` per-simulation counts.
    origin_mean : list of np.ndarray or None
        With ``return_origins``: for each competitor, per seed (in the given order) the mean number
        of nodes whose activation chain leads back to that seed, the seed itself included (so the
        entries of competitor ``c`` sum to ``mean[c]``). Rule for the chain: see
        :mod:`fairbid.influence.kernels`.
    """

    mean: np.ndarray
    stderr: np.ndarray
    sims: int
    model: str
    samples: np.ndarray = field(repr=False)
    origin_mean: list[np.ndarray] | None = field(default=None, repr=False)

    @property
    def total(self) -> float:
        """Mean number of active nodes over all competitors."""
        return float(self.mean.sum())


def fixed_thresholds(graph: Graph, seed: SeedLike) -> np.ndarray:
    """Node thresholds drawn once per graph: ``1 - U`` in (0, 1], one per node, from ``seed``."""
    return 1.0 - as_generator(seed).random(graph.n)


def normalize_seed_sets(graph: Graph, seed_sets: Any, model: str) -> list[np.ndarray]:
    """Validate seed sets (internal indices) into a list of int32 arrays, one per competitor."""
    if isinstance(seed_sets, np.ndarray) and seed_sets.ndim == 1:
        sets = [seed_sets]
    elif isinstance(seed_sets, np.ndarray) and seed_sets.ndim == 2:
        sets = list(seed_sets)
    elif isinstance(seed_sets, (list, tuple)) and seed_sets and all(np.isscalar(x) for x in seed_sets):
        sets = [np.asarray(seed_sets)]
    elif isinstance(seed_sets, (list, tuple)):
        sets = [np.atleast_1d(np.asarray(s)) for s in seed_sets]
    else:
        raise FairbidError("seed_sets", "must be an array of node indices or a list of them", type(seed_sets).__name__)
    if not sets:
        raise FairbidError("seed_sets", "need at least one competitor")
    if model not in COMPETITIVE and len(sets) != 1:
        raise FairbidError("seed_sets", f"model {model} takes one seed set; use clt or cic for competitors",
                           f"{len(sets)} sets")
    out = []
    for i, s in enumerate(sets):
        if s.size and s.dtype.kind not in "iu":
            if s.dtype.kind == "f" and np.all(s == np.round(s)):
                s = s.astype(np.int64)
            else:
                raise FairbidError(f"seed set {i}", "must hold integer node indices", s.tolist()[:5])
        s = s.astype(np.int64)
        bad = (s < 0) | (s >= graph.n)
        if bad.any():
            raise FairbidError(f"seed set {i}", f"node index not in the graph (0..{graph.n - 1})", int(s[bad][0]))
        if np.unique(s).size != s.size:
            raise FairbidError(f"seed set {i}", "has a repeated node", _first_repeat(s))
        out.append(s.astype(np.int32))
    allseeds = np.concatenate(out)
    if np.unique(allseeds).size != allseeds.size:
        raise FairbidError("seed_sets", f"competitor seed sets must be disjoint under {model}", _first_repeat(allseeds))
    return out


def _first_repeat(s: np.ndarray) -> int:
    seen: set[int] = set()
    for x in s.tolist():
        if x in seen:
            return x
        seen.add(x)
    return -1  # pragma: no cover


@dataclass(frozen=True)
class _Job:
    """Everything a block of simulations needs (picklable for process/ray backends)."""

    model: str
    graph: Graph
    seeds: np.ndarray
    seed_comp: np.ndarray
    ncomp: int
    base: int
    max_steps: int
    track: bool
    fixed_thr: np.ndarray | None
    blocked: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))


def _run_block(job: _Job, sim0: int, nsims: int) -> tuple[np.ndarray, np.ndarray]:
    g = job.graph
    counts = np.zeros((nsims, job.ncomp), dtype=np.int64)
    origins = np.zeros(job.seeds.size, dtype=np.int64)
    base = base_seed(job.base)
    # Specialised single-competitor kernels for ic/lt; cic/clt always take the general ones, which
    # is what lets the tests check the two code paths against each other draw for draw.
    fast = job.model in ("ic", "lt") and not job.track
    use_fixed = job.fixed_thr is not None
    thr = job.fixed_thr if use_fixed else np.zeros(1)
    steps, track, blocked, dense = job.max_steps, job.track, job.blocked, g.n * job.ncomp <= DENSE_LIMIT
    if fast and job.model == "ic":
        ic_block(g.indptr, g.packed, g.n, job.seeds, blocked, base, sim0, nsims, steps, counts)
    elif fast:
        lt_block(g.indptr, g.indices, g.weights, g.n, job.seeds, blocked, base, sim0, nsims, steps, use_fixed, thr,
                 counts)
    elif job.model in ("ic", "cic"):
        cascade_block(g.indptr, g.packed, g.n, job.seeds, job.seed_comp, job.ncomp, blocked, base, sim0,
                      nsims, steps, track, counts, origins)
    else:
        threshold_block(g.indptr, g.indices, g.weights, g.in_indptr, g.n, job.seeds, job.seed_comp, job.ncomp,
                        blocked, base, sim0, nsims, steps, track, use_fixed, thr, dense, counts, origins)
    return counts, origins


def _block_task(item: tuple[_Job, int, int], _ss: np.random.SeedSequence) -> tuple[np.ndarray, np.ndarray]:
    # Randomness comes from (job.base, simulation index), not from the executor's child seed, so
    # the result is the same however blocks are distributed.
    job, sim0, nsims = item
    return _run_block(job, sim0, nsims)


def spread(
    graph: Graph,
    seed_sets: Any,
    model: str = "ic",
    sims: int = 1000,
    seed: SeedLike = 0,
    *,
    thresholds: str | np.ndarray = "per-simulation",
    max_steps: int | None = None,
    executor: Executor | str | None = None,
    return_origins: bool = False,
    threshold_seed: SeedLike = None,
    blocked: Any = None,
) -> SpreadResult:
    """Estimate the influence spread of each competitor's seed set by Monte Carlo.

    Parameters
    ----------
    graph : Graph
        The graph (weights are the influence probabilities / LT weights).
    seed_sets : array or list of arrays
        Internal node indices (``0..n-1``), one array per competitor (``ic``/``lt``: exactly one).
        Sets must be disjoint. Unsold seeds are simply left out (they are inert).
    model : {"ic", "lt", "clt", "cic"}
        Diffusion model (rules: :mod:`fairbid.influence.kernels`).
    sims : int
        Number of simulations.
    seed : int
        Base seed; simulation ``i`` uses the stream ``(seed, i)``.
    thresholds : {"per-simulation", "fixed"} or array
        LT/CLT thresholds: fresh per simulation (default), drawn once by :func:`fixed_thresholds`
        from ``threshold_seed`` (default: ``seed``) -- LT is then deterministic and CLT random only in
        exact ties -- or an explicit array of ``n`` values in (0, 1].
    max_steps : int, optional
        Stop after this many diffusion steps (``0``: only seeds are active).
    executor : Executor or backend name, optional
        Runs the blocks of :data:`BLOCK` simulations; default: in this process.
    return_origins : bool
        Also estimate each seed's share (``origin_mean``).
    blocked : array of int, optional
        Nodes that can never be activated (so never activate anyone): seed 001's unsold seeds,
        "neither activated nor activating". Merely leaving a seed out of ``seed_sets`` makes it an
        ordinary node that others may still activate.
    threshold_seed : int, optional
        Seed of the ``"fixed"`` thresholds. Pass the same value on every call (e.g. every bidding
        round) to keep one set of thresholds per graph while ``seed`` changes the simulations.

    Returns
    -------
    SpreadResult

    Examples
    --------
    >>> from fairbid.influence.graph import from_edges
    >>> g = from_edges([0, 0], [1, 2], weights="uniform:1.0")
    >>> spread(g, [0], "ic", sims=10).mean.tolist()
    [3.0]
    """
    check_choice("model", model, MODELS)
    sims = check_int("sims", sims, minimum=1)
    steps = -1 if max_steps is None else check_int("max_steps", max_steps, minimum=0)
    sets = normalize_seed_sets(graph, seed_sets, model)
    fixed = _thresholds(graph, thresholds, seed if threshold_seed is None else threshold_seed, model)
    block = _blocked(graph, blocked, sets)
    counts, origins = _simulate_sets(graph, sets, model, sims, seed_int(seed), steps, bool(return_origins), fixed,
                                     executor, block)
    mean = counts.mean(axis=0)
    stderr = counts.std(axis=0, ddof=1) / np.sqrt(sims) if sims > 1 else np.zeros(len(sets))
    origin_mean = None
    if return_origins:
        per_seed = origins / sims
        cuts = np.cumsum([s.size for s in sets])[:-1]
        origin_mean = np.split(per_seed, cuts)
    return SpreadResult(mean, stderr, sims, model, counts, origin_mean)


def _blocked(graph: Graph, blocked: Any, sets: list[np.ndarray]) -> np.ndarray:
    if blocked is None:
        return np.zeros(0, dtype=np.int32)
    b = np.unique(np.atleast_1d(np.asarray(blocked)))
    if b.size and (b.dtype.kind not in "iu" or b.min() < 0 or b.max() >= graph.n):
        raise FairbidError("blocked", f"must be node indices in 0..{graph.n - 1}", b.tolist()[:5])
    clash = np.intersect1d(b, np.concatenate(sets))
    if clash.size:
        raise FairbidError("blocked", "a blocked node cannot also be a seed", int(clash[0]))
    return b.astype(np.int32)


def _simulate_sets(graph: Graph, sets: list[np.ndarray], model: str, sims: int, base: int, steps: int, track: bool,
                   fixed: np.ndarray | None, executor: Any, blocked: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-simulation counts ``(sims, len(sets))`` and per-seed origin totals.

    Competitors without seeds are inert: they are left out of the simulation (0 for them), and
    when a single competitor remains, CLT/CIC are run as the LT/IC they then reduce to, so an
    empty competitor does not even change the random draws of the others.
    """
    live = [i for i, s in enumerate(sets) if s.size]
    counts = np.zeros((sims, len(sets)), dtype=np.int64)
    if not live:
        return counts, np.zeros(0, dtype=np.int64)
    run_model = {"clt": "lt", "cic": "ic"}.get(model, model) if len(live) == 1 else model
    seeds = np.concatenate([sets[i] for i in live]).astype(np.int32)
    comp = np.concatenate([np.full(sets[i].size, j, dtype=np.int32) for j, i in enumerate(live)])
    job = _Job(run_model, graph, seeds, comp, len(live), base, steps, track, fixed, blocked)
    deterministic = run_model == "lt" and fixed is not None
    run_counts, origins = _simulate(job, 1 if deterministic else sims, executor)
    if deterministic:
        run_counts, origins = np.repeat(run_counts, sims, axis=0), origins * sims
    counts[:, live] = run_counts
    return counts, origins


def _thresholds(graph: Graph, thresholds: Any, seed: SeedLike, model: str) -> np.ndarray | None:
    if isinstance(thresholds, str):
        check_choice("thresholds", thresholds, THRESHOLDS)
        if thresholds == "fixed" and model in ("lt", "clt"):
            return fixed_thresholds(graph, seed)
        return None
    thr = np.asarray(thresholds, dtype=np.float64)
    if thr.shape != (graph.n,):
        raise FairbidError("thresholds", f"array must have one entry per node ({graph.n})", f"shape {thr.shape}")
    if not np.all((thr > 0.0) & (thr <= 1.0)):
        raise FairbidError("thresholds", "must lie in (0, 1]", float(thr[~((thr > 0) & (thr <= 1))][0]))
    return np.ascontiguousarray(thr)


def _simulate(job: _Job, sims: int, executor: Any) -> tuple[np.ndarray, np.ndarray]:
    if executor is None:
        if sims <= BLOCK:
            return _run_block(job, 0, sims)
        # Blocks of simulations in turn, so a progress bar can move; draws come from (base, simulation
        # index), so the numbers are the same as one block.
        parts = []
        with progress_task(f"{job.model} spread: simulations", total=sims) as advance:
            for start in range(0, sims, BLOCK):
                parts.append(_run_block(job, start, min(BLOCK, sims - start)))
                advance(min(BLOCK, sims - start))
        return np.concatenate([p[0] for p in parts]), np.sum([p[1] for p in parts], axis=0)
    ex = get_executor(executor)
    items = [(job, start, min(BLOCK, sims - start)) for start in range(0, sims, BLOCK)]
    parts = ex.map(_block_task, items, seed=0)
    return np.concatenate([p[0] for p in parts]), np.sum([p[1] for p in parts], axis=0)
