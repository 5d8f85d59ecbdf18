"""Simulation experiments of seed 004 for ``fairbid reproduce``.

* ``auctions.montecarlo``: every closed form (winning rate and payoff by value bin, revenue) of FP, SP,
  EP, pFP and pSP against a Monte Carlo under equilibrium bids, for U[0, 1], Beta(2, 5) and
  lognormal(0, 0.5); 10^6 auctions per table at paper scale, 2·10^5 at quick scale.
* ``auctions.theorem1``: the numerical equilibrium check — mixing FP with EP keeps FP's equilibrium,
  mixing FP with SP does not.
* ``auctions.longrun``: the long-run platform simulation (§V-B, Figs. 9–10) for SP, pSP by
  Algorithm 1 and pSP by Algorithm 2 under every combination of the open readings.
"""

from __future__ import annotations

import html
from typing import Any

import numpy as np

from fairbid.auctions.closed_forms import winning_rate
from fairbid.auctions.design import design, max_theta_profit_neutral
from fairbid.auctions.distributions import parse_distribution
from fairbid.auctions.equilibrium import bid_function, deviation_gain
from fairbid.auctions.mechanisms import EqualPossible, FirstPrice, Mixture, SecondPrice
from fairbid.auctions.montecarlo import compare_closed_forms, simulate_auctions
from fairbid.auctions.platform import PlatformConfig, reading_grid, simulate_readings
from fairbid.auctions.spec import MechanismSpec
from fairbid.core.experiments import ExperimentContext, register

MC_DISTS = ("uniform:0:1", "beta:2:5", "lognormal:0:0.5")
MC_N = 5


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _mc_mechanisms(dist_spec: str) -> list[MechanismSpec]:
    """FP/SP/EP at the 10% quantile, pFP/pSP(r1 = 30%, r2 = 10% quantile, λ = 0.2), per distribution."""
    dist = parse_distribution(dist_spec)
    r2, r1 = (float(dist.ppf(q)) for q in (0.1, 0.3))
    return [
        MechanismSpec.fp(r2), MechanismSpec.sp(r2), MechanismSpec.ep(r2),
        MechanismSpec.pfp(r1, r2, 0.2), MechanismSpec.psp(r1, r2, 0.2),
    ]


@register(
    "auctions.montecarlo",
    title="Monte Carlo check of every closed form (Eqs. 4, 6, 9-10, 13-15)",
    order=40,
)
def montecarlo_validation(ctx: ExperimentContext) -> dict[str, Any]:
    """Closed forms vs Monte Carlo, with Bonferroni 95% intervals, for three value distributions."""
    auctions = 200_000 if ctx.quick else 1_000_000
    rows: dict[str, list] = {}
    curves = {}
    for d_i, dist in enumerate(MC_DISTS):
        for m_i, spec in enumerate(_mc_mechanisms(dist)):
            res = simulate_auctions(
                spec, dist, MC_N, auctions, seed=np.random.SeedSequence([ctx.seed, d_i, m_i]), bins=10, executor=ctx.executor
            )
            table = compare_closed_forms(res)
            k = len(table["quantity"])
            table = {"dist": [dist] * k, "mechanism": [str(spec)] * k, **table}
            for key, col in table.items():
                rows.setdefault(key, []).extend(col)
            if spec.kind == "pfp":
                curves[dist] = (spec, res)
    ctx.out.write_table("closed_form_vs_mc", rows)
    _figure_mc(ctx, curves)
    eq9 = _eq9_check(ctx, auctions)
    within = np.array(rows["within_ci"])
    z, z_global = _z_scores(rows)
    ctx.out.write_text("notes.html", _NOTES_MC.format(
        auctions=auctions, rows=within.size, ok=int(within.sum()),
        failed=html.escape(", ".join(
            f"{d} {m} {q} [{lo:.3g}, {hi:.3g}]" for d, m, q, lo, hi, ok in zip(
                rows["dist"], rows["mechanism"], rows["quantity"], rows["bin_lo"], rows["bin_hi"], within) if not ok
        ) or "none"),
        eq9=eq9, z_mean=float(np.mean(z)), z_sd=float(np.std(z)), z_max=float(np.max(np.abs(z))),
        z_global=z_global, global_ok="all" if np.max(np.abs(z)) <= z_global else "not all",
    ))
    return {
        "auctions_per_table": auctions, "rows": int(within.size), "within_ci": int(within.sum()),
        "all_within_ci": bool(within.all()), "max_abs_z": float(np.max(np.abs(z))),
        "all_within_global_95": bool(np.max(np.abs(z)) <= z_global), "eq9_as_printed_rejected": eq9 > 0,
    }


def _z_scores(rows: dict[str, list]) -> tuple[np.ndarray, float]:
    """(MC − closed form)/se over rows with se > 0, and the Bonferroni 95% bound over all of them."""
    from scipy import stats

    mc, cf, se = (np.asarray(rows[k], dtype=float) for k in ("mc", "closed_form", "se"))
    ok = se > 0
    z = (mc[ok] - cf[ok]) / se[ok]
    return z, float(stats.norm.isf(0.05 / (2 * z.size)))


def _eq9_check(ctx: ExperimentContext, auctions: int) -> int:
    """Payoff rows of EP(0.5), U[0,1], N = 3 outside the CI under Eq. 9 as printed."""
    res = simulate_auctions(MechanismSpec.ep(0.5), "uniform:0:1", 3, auctions, seed=np.random.SeedSequence([ctx.seed, 99]), bins=4,
                            executor=ctx.executor)
    literal = compare_closed_forms(res, ep_payoff="seed")
    interim = compare_closed_forms(res, ep_payoff="interim")
    ctx.out.write_table("eq9_readings", {
        "quantity": literal["quantity"], "bin_lo": literal["bin_lo"], "bin_hi": literal["bin_hi"], "mc": literal["mc"],
        "eq9_as_printed": literal["closed_form"], "within_ci_as_printed": literal["within_ci"],
        "interim": interim["closed_form"], "within_ci_interim": interim["within_ci"],
    })
    return int(sum(1 for q, ok in zip(literal["quantity"], literal["within_ci"]) if q == "payoff" and not ok))


def _figure_mc(ctx: ExperimentContext, curves: dict) -> None:
    plt = _plt()
    fig, axes = plt.subplots(1, len(curves), figsize=(4.2 * len(curves), 3.4))
    for ax, (dist_spec, (spec, res)) in zip(np.atleast_1d(axes), curves.items()):
        dist = parse_distribution(dist_spec)
        top = dist.upper if dist.bounded else float(dist.ppf(0.995))
        xs = np.linspace(dist.lower, top, 400)
        ax.plot(xs, winning_rate(xs, spec, dist, res.n), color="C3", label="closed form p(x) (Eq. 13)")
        edges = np.where(np.isfinite(res.bin_edges), res.bin_edges, top)
        mid = (edges[:-1] + edges[1:]) / 2
        ax.errorbar(mid, res.win_mean, yerr=3 * res.win_se, fmt="o", ms=3, color="k", label="Monte Carlo bin mean")
        ax.set(title=f"{spec}\n{dist_spec}, N = {res.n}", xlabel="value x", ylabel="winning rate")
        ax.title.set_fontsize(8)
        ax.legend(fontsize=7)
    ctx.out.save_figure("mc_winning_rate", fig)


_NOTES_MC = """<p>Each closed form of <code>fairbid.auctions.closed_forms</code> (winning rate and expected payoff
averaged over 10 equal-probability value bins, and expected revenue) against a Monte Carlo of {auctions:,} auctions
with N = 5 equilibrium bidders (FP bids by Eq. 2 with reserve, SP/EP/pSP truthful, pFP = FP bid with r1), for
U[0,1], Beta(2,5) and lognormal(0, 0.5); reserves are the 10% quantile (r, r2) and the 30% quantile (r1),
λ = 0.2. Intervals: Wilson for winning rates, normal for payoffs and revenue, Bonferroni-corrected so that each
table of 21 rows has 95% family-wise coverage (so with 15 tables about one table in two is expected to flag a row by
chance). {ok} of {rows} rows lie within their interval; outside: {failed}. Over all rows with a positive standard
error, the z-scores (MC − closed form)/se have mean {z_mean:.3f} and standard deviation {z_sd:.3f} (0 and 1 expected)
and the largest |z| is {z_max:.2f}; {global_ok} lie within the Bonferroni 95% bound over all rows ({z_global:.2f}).
Equal-Possible is the seed's Definition 3 (draw over all N bidders, the drawn one buys at r if her bid is at least
r) and the EP payoff is read as (x − r)/N; Eq. 9 as printed, (1/N)(1 − F(r))(x − r), is rejected by the
simulation ({eq9} payoff bins of EP(0.5) out of their interval; table <code>eq9_readings</code>).</p>
<p>Figure: winning rate against value for pFP on the three distributions: closed form (line) and Monte Carlo bin
means (points, ±3 standard errors).</p>"""


# -- Theorem 1 ---------------------------------------------------------------------------------
@register("auctions.theorem1", title="Equilibrium check: FP mixed with EP (simple) vs with SP (Theorem 1)", order=45)
def theorem1_check(ctx: ExperimentContext) -> dict[str, Any]:
    """Best deviation gain from FP's equilibrium bid in FP+EP and FP+SP mixtures, U[0,1], N = 5."""
    plt = _plt()
    dist, n = "uniform:0:1", 5
    fp = bid_function(MechanismSpec.fp(0.1), dist, n)
    cases = {
        "pFP(0.1, 0.05, 0.2) = 0.8 FP + 0.2 EP": MechanismSpec.pfp(0.1, 0.05, 0.2),
        "0.5 FP + 0.5 EP": Mixture(((0.5, FirstPrice(0.1)), (0.5, EqualPossible(0.05)))),
        "0.9 FP + 0.1 SP": Mixture(((0.9, FirstPrice(0.1)), (0.1, SecondPrice(0.1)))),
        "0.5 FP + 0.5 SP": Mixture(((0.5, FirstPrice(0.1)), (0.5, SecondPrice(0.1)))),
    }
    grid = 81 if ctx.quick else 201
    values = np.linspace(0.02, 0.98, grid)
    rows: dict[str, list] = {"mechanism": [], "value": [], "fp_bid": [], "best_bid": [], "gain": []}
    summary = {}
    fig, ax = plt.subplots(figsize=(6, 3.6))
    for name, mech in cases.items():
        rep = deviation_gain(mech, fp, dist, n, values=values, bid_grid=801 if ctx.quick else 2001)
        for key, col in (("value", rep.values), ("fp_bid", rep.candidate_bids), ("best_bid", rep.best_bids),
                         ("gain", rep.gain)):
            rows[key].extend(col.tolist())
        rows["mechanism"].extend([name] * rep.values.size)
        summary[name] = rep.max_gain
        ax.plot(rep.values, rep.gain, label=f"{name} (max {rep.max_gain:.1e})")
    ax.set(xlabel="value x", ylabel="best deviation gain", yscale="symlog")
    ax.set_yscale("symlog", linthresh=1e-8)
    ax.legend(fontsize=7)
    ctx.out.save_figure("theorem1_deviation_gain", fig)
    ctx.out.write_table("deviation_gain", rows)
    ctx.out.write_text("notes.html", """<p>Every bidder plays FP's equilibrium with reserve 0.1 (Eq. 2). For each value we
compute the exact expected utility of every bid on a grid against 4 opponents who play it (integration over the
highest opponent value) and plot the best gain from deviating. Mixed with the simple Equal-Possible mechanism the
gain is zero up to quadrature error (Theorem 1); mixed with second price it is not: bidders gain by bidding above
the FP bid, so the FP bid is no longer an equilibrium of that mixture.</p>""")
    return {f"max_gain[{k}]": v for k, v in summary.items()}


# -- Figs. 9-10 ----------------------------------------------------------------------------------
LONGRUN = dict(advertisers=50, per_click=10, clicks=100_000, theta=0.001, window=10_000)


def longrun_mechanisms(dist: str = "uniform:0:1", n: int = 10, reserve: float = 0.0, theta: float = 0.001):
    """SP(r), Algorithm 1's pSP and Algorithm 2's pSP for the long-run run, and how Alg. 2 was designed.

    Algorithm 2 has no root r1 <= r̄ when λ = Nθ costs more profit than any reserve can recover (at the
    seed's N = 10, θ = 0.1 % it needs θ <= 1.1e-5). It is then designed with θ_design = ½ · θ_max,
    while advertisers still leave at θ; the returned note says so.
    """
    mechs = {"sp": MechanismSpec.sp(reserve), "psp-alg1": design(1, dist, n, reserve, theta).mechanism}
    t_max = max_theta_profit_neutral(dist, n, reserve)
    t2 = theta if theta < t_max else 0.5 * t_max
    mechs["psp-alg2"] = design(2, dist, n, reserve, t2).mechanism
    note = "" if t2 == theta else (
        f"Algorithm 2 has no solution at θ = {theta:g} for N = {n} (largest feasible θ = {t_max:.3g}); "
        f"it was designed with θ = {t2:.3g}, giving {mechs['psp-alg2']}."
    )
    return mechs, note


@register("auctions.longrun", title="Long-run platform simulation under every reading (Figs. 9-10)", order=50)
def longrun(ctx: ExperimentContext) -> dict[str, Any]:
    """Remaining advertisers and cumulative profit for SP, pSP-Alg1, pSP-Alg2; 16 reading combinations."""
    mechs, alg2_note = longrun_mechanisms()
    cfg = PlatformConfig(**LONGRUN)
    readings = reading_grid()
    reps = 3 if ctx.quick else 20
    tasks = [r for r in readings for _ in range(reps)]
    results = simulate_readings(mechs, cfg, tasks, seed=ctx.seed, executor=ctx.executor)
    labels = list(mechs)
    per_task = len(labels)
    summary_rows: dict[str, list] = {k: [] for k in (
        "values", "window_unit", "shortage", "checks", "replicate", "mechanism", "final_remaining",
        "total_profit", "stopped_at")}
    series_rows: dict[str, list] = {k: [] for k in (
        "values", "window_unit", "shortage", "checks", "mechanism", "click", "remaining", "profit")}
    step = 100
    for t, reading in enumerate(tasks):
        rep = t % reps
        for res in results[t * per_task:(t + 1) * per_task]:
            for name in ("values", "window_unit", "shortage", "checks"):
                summary_rows[name].append(reading[name])
            summary_rows["replicate"].append(rep)
            summary_rows["mechanism"].append(res.label)
            summary_rows["final_remaining"].append(res.final_remaining)
            summary_rows["total_profit"].append(res.total_profit)
            summary_rows["stopped_at"].append(-1 if res.stopped_at is None else res.stopped_at)
            if rep == 0:
                idx = np.arange(step - 1, res.remaining.size, step)
                for name in ("values", "window_unit", "shortage", "checks"):
                    series_rows[name].extend([reading[name]] * idx.size)
                series_rows["mechanism"].extend([res.label] * idx.size)
                series_rows["click"].extend((idx + 1).tolist())
                series_rows["remaining"].extend(res.remaining[idx].tolist())
                series_rows["profit"].extend(res.profit[idx].tolist())
    ctx.out.write_table("longrun_final", summary_rows)
    ctx.out.write_table("longrun_series", series_rows)
    means = _means(summary_rows, readings, labels)
    _figures_longrun(ctx, results, tasks, reps, labels)
    ctx.out.write_text("notes.html", _notes_longrun(means, readings, labels, mechs, alg2_note, reps))
    default = tuple(PlatformConfig().readings().values())
    out = {f"final_remaining[{lab}, default reading]": means[default][lab][0] for lab in labels}
    out.update({f"total_profit[{lab}, default reading]": means[default][lab][1] for lab in labels})
    out["replicates"] = reps
    return out


def _means(rows: dict[str, list], readings: list[dict], labels: list[str]) -> dict:
    keys = list(zip(rows["values"], rows["window_unit"], rows["shortage"], rows["checks"]))
    out: dict = {}
    for r in readings:
        key = tuple(r.values())
        out[key] = {}
        for lab in labels:
            sel = [i for i, k in enumerate(keys) if k == key and rows["mechanism"][i] == lab]
            out[key][lab] = (float(np.mean([rows["final_remaining"][i] for i in sel])),
                             float(np.mean([rows["total_profit"][i] for i in sel])))
    return out


def _figures_longrun(ctx, results, tasks, reps, labels) -> None:
    plt = _plt()
    first = [t for t in range(len(tasks)) if t % reps == 0]
    per_task = len(labels)
    for fig_name, attr, ylabel in (("fig9_remaining", "remaining", "remaining advertisers"),
                                   ("fig10_profit", "profit", "cumulative profit")):
        fig, axes = plt.subplots(4, 4, figsize=(16, 12), sharex=True)
        for ax, t in zip(axes.ravel(), first):
            for res in results[t * per_task:(t + 1) * per_task]:
                y = getattr(res, attr)
                ax.plot(np.arange(1, y.size + 1)[::50], y[::50], label=res.label)
            ax.set_title(" / ".join(tasks[t].values()), fontsize=8)
            ax.set_ylabel(ylabel, fontsize=8)
        axes[0, 0].legend(fontsize=7)
        for ax in axes[-1]:
            ax.set_xlabel("user clicks")
        fig.suptitle(f"{ylabel} over clicks, P = 50, N = 10, θ = 0.1%, W = 10,000 (replicate 0; "
                     "panel title: values / window unit / shortage / checks)")
        ctx.out.save_figure(fig_name, fig)


def _notes_longrun(means, readings, labels, mechs, alg2_note, reps) -> str:
    head = "".join(f"<th>{html.escape(lab)} remaining</th><th>{html.escape(lab)} profit</th>" for lab in labels)
    body = []
    for r in readings:
        key = tuple(r.values())
        cells = "".join(f"<td>{means[key][lab][0]:.1f}</td><td>{means[key][lab][1]:,.0f}</td>" for lab in labels)
        body.append(f"<tr><td>{' / '.join(key)}</td>{cells}</tr>")
    mech_text = "; ".join(f"{html.escape(k)} = {html.escape(str(v))}" for k, v in mechs.items())
    return f"""<p>Seed §V-B: 50 advertisers with values U[0,1], 10 sampled per user click, 100,000 clicks, entrance
threshold θ = 0.1%, window W = 10,000. Mechanisms: {mech_text}. {html.escape(alg2_note)}</p>
<p>Open points, each a parameter (defaults first): values <em>fixed</em> per advertiser or drawn
<em>per-click</em>; window counted in the advertiser's own <em>participations</em> or in platform <em>clicks</em>
(rate = wins / participations in the window); with fewer than N advertisers left the run <em>stop</em>s or the
auction <em>shrink</em>s to all who remain; the rate is checked at <em>every</em> window end or only <em>once</em>.
Nothing was tuned towards the seed's "pSP keeps 20/50, SP 0/50". Figures 9 and 10 show replicate 0 of each reading
(one panel per reading); the table gives means over {reps} replicates (common random numbers across mechanisms).</p>
<table border="1" cellpadding="3"><tr><th>values / window / shortage / checks</th>{head}</tr>{''.join(body)}</table>
<p>With per-click values every advertiser wins about 1/N = 10% of her auctions, far above θ, so nobody leaves
under any mechanism. With fixed values low-value advertisers almost never win under SP; as they leave, the
remaining ones face stronger competition and leave in turn (the cascade of Fig. 9). pSP by Algorithm 1
(λ = Nθ = 0.01) guarantees every advertiser a winning rate of at least θ in expectation, so fewer leave, but an
advertiser whose realised rate falls just below θ in a window still leaves.</p>"""
