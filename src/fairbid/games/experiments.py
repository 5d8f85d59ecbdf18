"""Seed 000 ("Computational Game Theory for Security"): SSE of security games, ORIGAMI against the LPs.

A random compact security game (defender covered utility in [0, 10], uncovered in [-10, 0]; attacker the
mirror image) is solved for every number of resources by ORIGAMI and by one LP per target; the two
defender utilities must coincide, and the figure shows the defender's value of extra resources and the
time of both solvers as the number of targets grows.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from fairbid.core.experiments import ExperimentContext, register


def _random_game(n: int, m: float, rng: np.random.Generator):
    from fairbid.games import SecurityGame

    return SecurityGame.make(m, rng.uniform(0, 10, n), -rng.uniform(0, 10, n), -rng.uniform(0, 10, n),
                             rng.uniform(0, 10, n))


@register("games.security", title="Stackelberg security games: ORIGAMI vs multiple LPs", order=10)
def security(ctx: ExperimentContext) -> dict[str, Any]:
    from fairbid.core.rng import as_generator
    from fairbid.games import origami, security_sse_lps

    rng = as_generator(ctx.seed)
    n = 20
    base = _random_game(n, 1, rng)
    res_grid = np.arange(0, n + 1)
    rows: dict[str, list] = {"resources": [], "origami_defender": [], "lps_defender": [], "attacker": [],
                             "attack_set_size": []}
    for m in res_grid:
        g = type(base)(float(m), base.def_covered, base.def_uncovered, base.att_covered, base.att_uncovered)
        a, b = origami(g), security_sse_lps(g)
        rows["resources"].append(int(m))
        rows["origami_defender"].append(a.defender_utility)
        rows["lps_defender"].append(b.defender_utility)
        rows["attacker"].append(a.attacker_utility)
        rows["attack_set_size"].append(len(a.attack_set))
    ctx.out.write_table("value_of_resources", rows)

    sizes = [10, 30, 100, 300] if ctx.quick else [10, 30, 100, 300, 1000, 3000]
    timing: dict[str, list] = {"targets": [], "origami_s": [], "lps_s": [], "gap": []}
    for size in sizes:
        g = _random_game(size, size / 5, rng)
        t0 = time.perf_counter()
        a = origami(g)
        t1 = time.perf_counter()
        b = security_sse_lps(g)
        t2 = time.perf_counter()
        timing["targets"].append(size)
        timing["origami_s"].append(t1 - t0)
        timing["lps_s"].append(t2 - t1)
        timing["gap"].append(abs(a.defender_utility - b.defender_utility))
    ctx.out.write_table("solver_time", timing)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.5, 3.8))
    ax1.plot(rows["resources"], rows["origami_defender"], "o-", label="defender (ORIGAMI)")
    ax1.plot(rows["resources"], rows["lps_defender"], "x", label="defender (multiple LPs)")
    ax1.plot(rows["resources"], rows["attacker"], "s--", label="attacker")
    ax1.set_xlabel("resources m")
    ax1.set_ylabel("SSE utility")
    ax1.set_title(f"{n}-target random security game")
    ax1.legend(fontsize=8)
    ax2.loglog(timing["targets"], timing["origami_s"], "o-", label="ORIGAMI")
    ax2.loglog(timing["targets"], timing["lps_s"], "s-", label="one LP per target")
    ax2.set_xlabel("targets")
    ax2.set_ylabel("seconds")
    ax2.set_title("solver time (m = targets / 5)")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    ctx.out.save_figure("security", fig)

    # k-uniform mixed equilibria (seed 000): PoA of the worst pure-profile equilibrium on small random
    # networks, k = 1 (ordinary atomic game) and k = 2 (two edge-disjoint paths, uniform).
    from fairbid.games.congestion import CongestionGame, all_equilibria, optimum, uniform_strategies

    edges = [("s", "x"), ("s", "y"), ("x", "t"), ("y", "t"), ("x", "y"), ("s", "t"), ("s", "t")]
    poa: dict[str, list] = {"k": [], "instance": [], "worst_poa": [], "best_poa": []}
    for k in (1, 2):
        for inst in range(6 if ctx.quick else 60):
            g = CongestionGame.make(edges, rng.uniform(0, 2, len(edges)), rng.uniform(0, 2, len(edges)), "s", "t",
                                    np.ones(3), k=k)
            S = uniform_strategies(g)
            opt = optimum(g, S)[0]
            costs = [c for _, c in all_equilibria(g, S)]
            poa["k"].append(k)
            poa["instance"].append(inst)
            poa["worst_poa"].append(max(costs) / opt)
            poa["best_poa"].append(min(costs) / opt)
    ctx.out.write_table("congestion_poa", poa)
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    kk, wp = np.array(poa["k"]), np.array(poa["worst_poa"])
    ax.hist([wp[kk == 1], wp[kk == 2]], bins=12, label=["k = 1 (pure)", "k = 2 (2-uniform)"])
    ax.axvline(2.5, color="k", ls="--", lw=0.8, label="5/2 (affine, k = 1)")
    ax.set_xlabel("price of anarchy (worst equilibrium / optimum)")
    ax.set_ylabel("instances")
    ax.set_title("3 unit players, affine latencies, 7-edge network")
    ax.legend(fontsize=8)
    fig.tight_layout()
    ctx.out.save_figure("congestion_poa", fig)

    summary = {"max_poa_k1": float(wp[kk == 1].max()), "max_poa_k2": float(wp[kk == 2].max()),
               "max_gap_origami_vs_lps": float(max(max(timing["gap"]),
                                                   max(abs(x - y) for x, y in zip(rows["origami_defender"],
                                                                                   rows["lps_defender"])))),
               "defender_utility_m0": rows["origami_defender"][0],
               "defender_utility_full": rows["origami_defender"][-1]}
    ctx.out.write_text("notes.html", (
        "<p>Strong Stackelberg equilibria of random compact security games (no scheduling constraints). Left: "
        "defender and attacker SSE utility against the number of resources, ORIGAMI and one LP per target "
        f"(largest difference {summary['max_gap_origami_vs_lps']:.2e}). Right: solver time.</p>"
        "<p>The seed's talk is an overview; its named methods for which a computable definition exists "
        "(SSE, multiple LPs, ORIGAMI) are implemented. Bayesian attacker types, scheduling constraints and "
        "bounded-rationality models (quantal response) are not.</p>"
        "<p>Second figure: k-uniform mixed equilibria of network congestion games (seed 000). Reading of the "
        "open point: a player's cost is the expected latency of her uniform mixture over k edge-disjoint paths "
        "(failures motivate the k paths but do not enter the cost). Worst equilibrium PoA over random affine "
        f"instances: {summary['max_poa_k1']:.3f} (k = 1), {summary['max_poa_k2']:.3f} (k = 2). The paper's tight "
        "PoA formulas are not in the abstract and are not drawn.</p>"
        "<p>Not implemented from seed 000: atomic dynamic flows with edge-priority queues (the abstract does "
        "not fix time discretisation, capacities' units or the priority order) and the conditional-"
        "dissociation model of cooperation (the talk states results, not the game, matching, waiting-time "
        "and lifespan rules needed to simulate it).</p>"))
    return summary
