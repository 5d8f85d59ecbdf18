"""Rewards of a bidding round: each competitor's influence spread, computed by :mod:`fairbid.influence`.

This is the one place where :mod:`fairbid.cbim` calls the influence engine; tests of the auction and
pricing rules swap it for a closed-form stand-in through ``BiddingEnv(spread_fn=...)``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class RoundSpread:
    """Spreads of one round.

    Attributes
    ----------
    spreads : ndarray, shape (K,)
        Expected influence spread of each competitor (its reward).
    seed_spreads : list of ndarray
        Spread credited to each won seed, aligned with the ``won_sets`` passed in.
    """

    spreads: np.ndarray
    seed_spreads: list[np.ndarray]


def compute_rewards(
    graph: Any,
    won_sets: list[np.ndarray],
    *,
    model: str = "clt",
    sims: int = 50,
    thresholds: str = "per-simulation",
    max_steps: int | None = None,
    seed: Any = None,
    blocked: Any = None,
    threshold_seed: Any = None,
) -> RoundSpread:
    """Spread of every competitor's won seed set under ``model``.

    Parameters
    ----------
    graph : fairbid.influence.Graph
    won_sets : list of ndarray of int
        Internal node indices won by each competitor (possibly empty).
    model : {"clt", "cic"} or any model :func:`fairbid.influence.spread` accepts
    sims : int
        Monte Carlo simulations.
    thresholds : {"per-simulation", "fixed"}
        CLT thresholds drawn per simulation (the authors' code) or once per graph.
    max_steps : int, optional
        Diffusion step limit.
    seed : int, SeedSequence or Generator, optional
    blocked : array of int, optional
        Nodes that are neither activated nor activating: the unsold seeds (inert, Definition 6).
    threshold_seed : int, optional
        Seed of the thresholds when ``thresholds="fixed"`` (kept across rounds by the environment).

    Returns
    -------
    RoundSpread
    """
    from fairbid.influence import spread

    sets = [np.asarray(s, dtype=np.int64) for s in won_sets]
    if not any(s.size for s in sets):
        return RoundSpread(np.zeros(len(sets)), [np.zeros(0) for _ in sets])
    res = spread(graph, sets, model=model, sims=sims, seed=seed, thresholds=thresholds,
                 max_steps=max_steps, return_origins=True, blocked=blocked, threshold_seed=threshold_seed)
    # origin_mean holds one array per competitor, aligned with that competitor's seeds.
    return RoundSpread(np.asarray(res.mean, dtype=float),
                       [np.asarray(o, dtype=float).reshape(-1) for o in res.origin_mean])
