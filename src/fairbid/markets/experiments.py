"""Experiments of fairbid.markets for ``fairbid reproduce``.

``markets.pacing-vs-throttling``: on 200 random budgeted auction markets, the first- and second-price
pacing and throttling equilibria side by side (revenue, welfare, spend), as Chen, Kroer and Kumar (seed
002) compare them; every equilibrium is verified by :func:`fairbid.markets.check_equilibrium`, failures
(second-price solvers) are counted, not hidden. ``markets.licences``: the efficiency-equality frontier of
the sequential auction and lottery against the pSP-style mixture (seed 000).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from fairbid.core.experiments import ExperimentContext, register


def _welfare(inst, x) -> float:
    return float((inst.scaled * x).sum())


@register("markets.pacing-vs-throttling", title="Pacing vs throttling equilibria: revenue and welfare on 200 markets",
          order=10)
def pacing_vs_throttling(ctx: ExperimentContext) -> dict[str, Any]:
    from fairbid.core.rng import spawn
    from fairbid.markets import pacing_fp, pacing_sp, random_instance, throttling_fp, throttling_sp

    # Quick scale keeps the 200 markets small (a few seconds on one core); paper scale uses larger markets
    # and longer limits. pacing_fp / pacing_sp use their default (auto) solvers.
    n, m, limit = (5, 8, 5.0) if ctx.quick else (20, 50, 60.0)
    count = 200
    t_start = time.perf_counter()
    rows: dict[str, list] = {"market": [], "model": [], "status": [], "violation": [], "revenue": [],
                             "welfare": [], "budget_share_spent": [], "seconds": []}
    for k, ss in enumerate(spawn(ctx.seed, count)):
        inst = random_instance(n, m, seed=ss)
        for model, fn in (("pacing-fp", lambda i: pacing_fp(i, time_limit=limit)),
                          ("pacing-sp", lambda i: pacing_sp(i, time_limit=limit)),
                          ("throttling-fp", throttling_fp), ("throttling-sp", throttling_sp)):
            t = time.perf_counter()
            r = fn(inst)
            rows["market"].append(k)
            rows["model"].append(model)
            rows["status"].append(r.status)
            rows["violation"].append(float(r.violation))
            rows["revenue"].append(float(r.spend.sum()))
            rows["welfare"].append(_welfare(inst, r.allocation))
            rows["budget_share_spent"].append(float(r.spend.sum() / inst.budgets.sum()))
            rows["seconds"].append(time.perf_counter() - t)
    ctx.out.write_table("equilibria", rows)
    model = np.array(rows["model"])
    ok = np.array([s == "ok" for s in rows["status"]])
    rev, wel = np.array(rows["revenue"]), np.array(rows["welfare"])
    summary: dict[str, Any] = {"markets": count, "buyers": n, "goods": m}
    for name in ("pacing-fp", "pacing-sp", "throttling-fp", "throttling-sp"):
        sel = model == name
        summary[f"{name}_solved"] = int((sel & ok).sum())
        summary[f"{name}_max_violation_solved"] = float(np.array(rows["violation"])[sel & ok].max()) if (sel & ok).any() else None
    for auction in ("fp", "sp"):
        p, t = model == f"pacing-{auction}", model == f"throttling-{auction}"
        both = ok[p] & ok[t]
        summary[f"{auction}_revenue_ratio_throttling_over_pacing"] = float(np.mean(rev[t][both] / rev[p][both]))
        summary[f"{auction}_welfare_ratio_throttling_over_pacing"] = float(np.mean(wel[t][both] / wel[p][both]))
        summary[f"{auction}_share_throttling_revenue_below_pacing"] = float(np.mean(rev[t][both] < rev[p][both] - 1e-9))

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, metric, vals in ((axes[0], "revenue", rev), (axes[1], "welfare", wel)):
        for auction, color in (("fp", "#4C72B0"), ("sp", "#DD8452")):
            p, t = model == f"pacing-{auction}", model == f"throttling-{auction}"
            both = ok[p] & ok[t]
            ax.scatter(vals[p][both], vals[t][both], s=10, alpha=0.6, color=color,
                       label=f"{auction.upper()} ({int(both.sum())} markets)")
        lo, hi = float(vals.min()), float(vals.max())
        ax.plot([lo, hi], [lo, hi], "k--", lw=0.8)
        ax.set_xlabel(f"pacing equilibrium {metric}")
        ax.set_ylabel(f"throttling equilibrium {metric}")
        ax.legend()
    fig.suptitle(f"{count} random markets, {n} buyers x {m} goods (values U[0,1], budgets U[0.5,1.5])")
    fig.tight_layout()
    ctx.out.save_figure("pacing_vs_throttling", fig)
    summary["seconds"] = time.perf_counter() - t_start
    ctx.out.write_text("notes.html", (
        f"<p>{count} random markets of {n} budgeted buyers and {m} goods (one auction each; values U[0,1], "
        "budgets U[0.5,1.5]). For each: the first-price pacing equilibrium (quasi-linear proportional response "
        "to violation 1e-6; unique, so any solver gives it), a second-price pacing equilibrium (MIP, HiGHS, "
        f"{limit:g} s limit), the first-price throttling equilibrium (monotone tatonnement) and a second-price "
        "throttling equilibrium (damped fixed point). Points are (pacing, throttling) pairs of the same market; "
        "only markets where both solvers reached violation &le; 1e-6 are drawn. Solved counts: "
        + ", ".join(f"{k[:-7]} {v}" for k, v in summary.items() if k.endswith("_solved")) + ". "
        f"Mean throttling/pacing revenue ratio: FP {summary['fp_revenue_ratio_throttling_over_pacing']:.4g}, "
        f"SP {summary['sp_revenue_ratio_throttling_over_pacing']:.4g}; welfare ratio: "
        f"FP {summary['fp_welfare_ratio_throttling_over_pacing']:.4g}, "
        f"SP {summary['sp_welfare_ratio_throttling_over_pacing']:.4g}.</p>"
        "<p>Readings: throttling ties go to the lower index (measure zero here); second-price equilibria "
        "need not be unique, the solvers return one.</p>"))
    return summary


@register("markets.licences", title="Licences: sequential auction-lottery vs pSP-style mixture frontier", order=20)
def licences(ctx: ExperimentContext) -> dict[str, Any]:
    from fairbid.markets import frontier, simulate_psp_licence

    rows: dict[str, list] = {"n": [], "k": [], "mechanism": [], "equality_ratio": [], "efficiency_ratio": []}
    cases = [(10, 3), (50, 10), (100, 20)]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for (n, k), color in zip(cases, ("#4C72B0", "#DD8452", "#55A868")):
        f = frontier(n, k)
        for mech in ("sal", "mix"):
            for e, v in zip(f[f"{mech}_equality"], f[f"{mech}_efficiency"]):
                rows["n"].append(n)
                rows["k"].append(k)
                rows["mechanism"].append("SAL" if mech == "sal" else "mixture")
                rows["equality_ratio"].append(e)
                rows["efficiency_ratio"].append(v)
        ax.plot(f["sal_equality"], f["sal_efficiency"], "o-", color=color, label=f"SAL, n={n}, k={k}")
        ax.plot(f["mix_equality"], f["mix_efficiency"], "--", color=color, label=f"mixture, n={n}, k={k}")
    ax.set_xlabel("equality (lowest type's chance / (k/n))")
    ax.set_ylabel("efficiency (welfare / auction's)")
    ax.legend(fontsize=7)
    fig.tight_layout()
    ctx.out.save_figure("licence_frontier", fig)
    ctx.out.write_table("frontier", rows)
    mc = simulate_psp_licence(5, 0.3, samples=100_000 if ctx.quick else 1_000_000, seed=ctx.seed)
    ctx.out.write_text("notes.html", (
        "<p>Values U[0,1]. SAL(k1): k1 licences by uniform-price auction, the rest by lottery among the "
        "others; mixture: lottery for all with probability lambda, else auction (for k = 1 this is "
        "fairbid.auctions' pSP(0, 0, lambda)). Efficiency = expected welfare over the pure auction's; equality = "
        "the lowest-valued player's chance over k/n. SAL lies above the mixture at every equality level. "
        f"Monte Carlo check of pSP(0,0,0.3) with n = 5 through fairbid.auctions: efficiency {mc['efficiency']:.4f} "
        f"(closed form 0.7333), lowest type's chance {mc['equality']:.4f} (0.06).</p>"))
    return {"cases": len(cases), "psp_mc_efficiency": mc["efficiency"], "psp_mc_equality": mc["equality"]}
