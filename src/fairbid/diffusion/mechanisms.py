"""One entry point for every diffusion mechanism: :func:`run_mechanism`."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from fairbid.core.errors import check_choice, check_int
from fairbid.core.progress import progress_iter
from fairbid.core.registry import names
from fairbid.core.rng import SeedLike, spawn
from fairbid.diffusion.idm import idm
from fairbid.diffusion.network import DiffusionNetwork
from fairbid.diffusion.outcome import Outcome
from fairbid.diffusion.protocol.sra import run_sra
from fairbid.diffusion.protocol.strategies import Strategy
from fairbid.diffusion.sp_all import sp_all
from fairbid.diffusion.sra_crm import DEFAULT_LIMIT, sra_crm
from fairbid.diffusion.trees import enumerable, enumerate_trees
from fairbid.diffusion.vcg import vcg
from fairbid.diffusion.vickrey import vickrey_neighbours

#: Mechanism names the CLI and :func:`run_mechanism` accept: read from the registry (diffusion/catalog.py).
MECHANISMS = names("diffusion", kind="mechanism")
SRA_EXACT_LIMIT = 256
#: Most protocol runs ``sra_expected`` accepts: each run is a full message exchange (~3 ms for 7
#: buyers), so 10^5 runs are minutes; more is a typo of the sample count, refused at once.
MAX_SRA_RUNS = 100_000


def run_mechanism(net: DiffusionNetwork, mechanism: str, *, trees: str = "uniform", samples: int | None = None,
                  seed: SeedLike = 0, limit: int = DEFAULT_LIMIT) -> Outcome:
    """Run ``mechanism`` on ``net``.

    ``trees``, ``samples`` and ``limit`` apply to ``sra-crm``; for ``sra``, ``samples=None`` is one
    run of the protocol (a realised, deterministic outcome) and ``samples=K`` averages ``K`` runs.
    """
    check_choice("--mechanism", mechanism, MECHANISMS)
    if mechanism == "vickrey-neighbours":
        return vickrey_neighbours(net)
    if mechanism == "sp-all":
        return sp_all(net)
    if mechanism == "vcg":
        return vcg(net)
    if mechanism == "idm":
        return idm(net)
    if mechanism == "sra-crm":
        return sra_crm(net, trees, samples=samples, limit=limit, seed=seed)
    if samples is None:
        return run_sra(net, seed=seed, keep_log=False).outcome()
    return sra_expected(net, samples=check_int("--samples", samples, minimum=1, maximum=MAX_SRA_RUNS), seed=seed)


def sra_expected(net: DiffusionNetwork, *, strategies: Mapping[str, Strategy] | None = None,
                 samples: int | None = None, seed: SeedLike = 0, exact_limit: int = SRA_EXACT_LIMIT,
                 reported: DiffusionNetwork | None = None) -> Outcome:
    """Expected outcome of the distributed protocol over its random choices of inviters.

    Exact (every combination of choices replayed) when there are at most ``exact_limit`` and
    ``samples`` is None; otherwise the mean of ``samples`` (default 200) seeded runs, with standard
    errors. ``reported`` is the network as the deviating strategies report it (it fixes who can be
    whose inviter); default ``net``.
    """
    reported = reported or net
    cn = reported.compiled
    if samples is None and enumerable(cn, "random-parent", exact_limit):
        parents = enumerate_trees(cn, "random-parent", exact_limit)
        runs = [run_sra(net, strategies=strategies, keep_log=False, runtime="serial",
                        tree={cn.ids[v]: cn.ids[p] for v, p in enumerate(row) if v > 0})
                for row in parents]
        exact = True
    else:
        k = check_int("--samples", samples or 200, minimum=1, maximum=MAX_SRA_RUNS)
        runs = [run_sra(net, strategies=strategies, keep_log=False, runtime="serial", seed=ss)
                for ss in progress_iter(spawn(seed, k), k, "SRA protocol runs" if k >= 1000 else None)]
        exact = False
    k = len(runs)
    util = np.array([[r.utilities[b] for b in net.buyers] for r in runs])
    pay = np.array([[r.payments[b] for b in net.buyers] for r in runs])
    rev = np.array([r.revenue for r in runs])
    wins = np.array([[float(r.winner == b) for b in net.buyers] for r in runs])
    details = {"trees": "random-parent", "exact": exact, "n_runs": k,
               "aborted_runs": sum(bool(r.aborted) for r in runs)}
    if not exact and k > 1:
        details["stderr_utilities"] = dict(zip(net.buyers, (util.std(0, ddof=1) / np.sqrt(k)).tolist()))
        details["stderr_payments"] = dict(zip(net.buyers, (pay.std(0, ddof=1) / np.sqrt(k)).tolist()))
        details["stderr_revenue"] = float(rev.std(ddof=1) / np.sqrt(k))
    return Outcome("sra", None, dict(zip(net.buyers, wins.mean(0).tolist())),
                   dict(zip(net.buyers, pay.mean(0).tolist())), dict(zip(net.buyers, util.mean(0).tolist())),
                   float(rev.mean()), details)
