"""Seed 002 (Elkind, Ghosh, Goldberg): optimal rank-order prizes for threshold objectives.

``n`` players with i.i.d. abilities, a unit prize budget. For the binary threshold the designer's value of
every simple contest (equal prizes to the top ``k``) is traced against the threshold; the best ``k`` grows
as the threshold falls. For the linear threshold the optimal rank-order contest (local search over all
non-increasing prize vectors) is compared with the best simple contest, checking the factor-2 bound.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fairbid.core.experiments import ExperimentContext, register


@register("contests.thresholds", title="Optimal prizes for binary and linear threshold objectives", order=10)
def thresholds(ctx: ExperimentContext) -> dict[str, Any]:
    from fairbid.contests import iid_contest, make_objective, optimal_prizes, simple_contest

    n = 6
    dist = "uniform:0:1"
    taus = np.linspace(0.01, 0.6, 30 if ctx.quick else 120)
    c = iid_contest(n, dist)
    curves = [c.bids(simple_contest(k, n)) for k in range(1, n + 1)]
    binary: dict[str, list] = {"threshold": [], "k": [], "designer_objective": []}
    best_k = []
    for tau in taus:
        obj = make_objective("binary", threshold=float(tau))
        vals = [c.objective(cv, obj) for cv in curves]
        best_k.append(int(np.argmax(vals)) + 1)
        for k, v in enumerate(vals, 1):
            binary["threshold"].append(float(tau))
            binary["k"].append(k)
            binary["designer_objective"].append(v)
    ctx.out.write_table("binary_threshold", binary)

    lows = np.linspace(0.0, 0.3, 6 if ctx.quick else 16)
    widths = np.array([0.02, 0.05, 0.1, 0.2]) if ctx.quick else np.linspace(0.01, 0.3, 10)
    linear: dict[str, list] = {"lower": [], "upper": [], "optimal": [], "best_simple": [], "best_simple_k": [],
                               "ratio": [], "optimal_prizes": []}
    for lo in lows:
        for wd in widths:
            obj = make_objective("linear", lower=float(lo), upper=float(lo + wd))
            d = optimal_prizes(n, obj, dist, seed=ctx.seed, restarts=4 if ctx.quick else 16)
            linear["lower"].append(float(lo))
            linear["upper"].append(float(lo + wd))
            linear["optimal"].append(d.value)
            linear["best_simple"].append(d.best_simple_value)
            linear["best_simple_k"].append(d.best_simple_k)
            linear["ratio"].append(d.best_simple_value / d.value if d.value > 0 else 1.0)
            linear["optimal_prizes"].append(",".join(f"{x:.4f}" for x in d.prizes))
    ctx.out.write_table("linear_threshold", linear)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10.5, 3.8))
    vals = np.array(binary["designer_objective"]).reshape(len(taus), n)
    for k in range(n):
        ax1.plot(taus, vals[:, k], label=f"top {k + 1}")
    ax1.set_xlabel("binary threshold")
    ax1.set_ylabel("expected players above threshold")
    ax1.set_title(f"simple contests, n = {n}, abilities {dist}")
    ax1.legend(fontsize=8)
    r = np.array(linear["ratio"]).reshape(len(lows), len(widths))
    for j, wd in enumerate(widths):
        ax2.plot(lows, r[:, j], "o-", label=f"upper - lower = {wd:.2f}")
    ax2.axhline(0.5, color="k", ls="--", lw=0.8)
    ax2.set_ylim(0.4, 1.02)
    ax2.set_xlabel("lower threshold")
    ax2.set_ylabel("best simple / optimal")
    ax2.set_title("linear threshold: factor-2 bound")
    ax2.legend(fontsize=8)
    fig.tight_layout()
    ctx.out.save_figure("thresholds", fig)

    summary = {"min_simple_ratio_linear": float(min(linear["ratio"])),
               "best_k_at_lowest_threshold": best_k[0], "best_k_at_highest_threshold": best_k[-1],
               "interior_optima": int(sum(1 for p in linear["optimal_prizes"]
                                          if len({x for x in p.split(",") if float(x) > 0}) > 1))}
    ctx.out.write_text("notes.html", (
        f"<p>{n} players, abilities {dist}, prize budget 1, all-pay, symmetric Bayes-Nash equilibrium. "
        "Left (binary threshold): value of equal prizes to the top k; the best simple contest is the exact "
        "optimum over all rank-order contests for this objective (a mixture of simple contests bids "
        "pointwise below the best of them). Best k at the lowest threshold: "
        f"{summary['best_k_at_lowest_threshold']}, at the highest: {summary['best_k_at_highest_threshold']}.</p>"
        "<p>Right (linear threshold, f(b) = min(max(b, lower), upper) - lower): ratio of the best simple "
        "contest to the optimum found by SLSQP from every simple contest, the centroid and random starts; "
        f"the smallest ratio is {summary['min_simple_ratio_linear']:.4f} (the abstract's bound is 1/2); "
        f"{summary['interior_optima']} of {len(linear['ratio'])} optima are not simple contests.</p>"
        "<p>Not implemented: general (non-rank-order) contests that use output values, and complete-"
        "information equilibria with several prizes and unequal players.</p>"))
    return summary
