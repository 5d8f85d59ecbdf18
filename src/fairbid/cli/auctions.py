"""``fairbid auctions``: CLI for fairbid.auctions (design, analyze; simulate lives below its own header)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fairbid.cli.common import JsonOpt, OutOpt, SeedOpt, emit, run_dir, start
from fairbid.core.errors import check_choice, check_int

app = typer.Typer(no_args_is_help=True)

BiddersOpt = Annotated[int, typer.Option("--bidders", help="Bidders per auction, 2 <= N <= 10^6.")]
MAX_BIDDERS = 10**6  # the closed forms integrate F^(N-1); beyond this every rate is 0 or 1 to double precision
ValuesOpt = Annotated[
    str, typer.Option("--values", help="Value distribution, e.g. uniform:0:1, beta:2:5, lognormal:0:0.5.")
]
EpPayoffOpt = Annotated[
    str, typer.Option("--ep-payoff", help="EP payoff reading: interim ((x-r)/N, default) or seed (Eq. 9 as printed).")
]


# ---------------------------------------------------------------------------------------------
# design / analyze (closed forms, Algorithms 1 and 2)
# ---------------------------------------------------------------------------------------------
@app.command("design")
def design_cmd(
    algorithm: Annotated[int, typer.Option("--algorithm", help="1: SME-friendly with profit loss; 2: profit-neutral.")],
    bidders: BiddersOpt,
    values: ValuesOpt = "uniform:0:1",
    reserve: Annotated[float, typer.Option("--reserve", help="Reserve r of the baseline SP(r); becomes r2.")] = 0.0,
    theta: Annotated[float, typer.Option("--theta", help="Entrance threshold on the winning rate, in (0, 1/N].")] = 0.001,
    base: Annotated[str, typer.Option("--base", help="Classical part: sp (the seed) or fp.")] = "sp",
    ep_payoff: EpPayoffOpt = "interim",
    seed: SeedOpt = 0,
    out: OutOpt = None,
    json_mode: JsonOpt = False,
) -> None:
    """Design pSP(r1, r2, lambda) by Algorithm 1 or 2 of the seed (§V-A) and compare with SP(r)."""
    from fairbid.auctions import design, parse_distribution
    from fairbid.auctions.plots import plot_curves
    from fairbid.core.report import write_run_report

    start(json_mode)
    check_choice("--algorithm", str(algorithm), ("1", "2"))
    n = check_int("--bidders", bidders, minimum=2, maximum=MAX_BIDDERS)
    dist = parse_distribution(values, "--values")
    result = design(algorithm, dist, n, reserve, theta, base=base, ep_payoff=ep_payoff)
    rd = run_dir(out, "auctions-design", seed, {
        "command": "auctions design", "algorithm": algorithm, "bidders": n, "values": values,
        "reserve": reserve, "theta": theta, "base": base, "ep_payoff": ep_payoff, "seed": seed,
    })
    if rd is not None:
        rd.write_json("design.json", result.to_dict())
        xs = _value_grid(dist, 201)
        curves = _curves(xs, result.mechanism, result.baseline, dist, n, ep_payoff)
        rd.write_table("winning_rate", curves)
        rd.save_figure("winning_rate", plot_curves(xs, {
            str(result.mechanism): curves["winning_rate"], str(result.baseline): curves["baseline_winning_rate"],
        }, ylabel="winning rate", title=f"Algorithm {algorithm}"))
        write_run_report(rd, f"fairbid auctions design (Algorithm {algorithm})", result.contract())
    emit(result.contract(), json_mode, title=f"Algorithm {algorithm}")


@app.command("analyze")
def analyze_cmd(
    mechanism: Annotated[str, typer.Option("--mechanism", help="fp, sp, ep, pfp or psp.")],
    bidders: BiddersOpt,
    values: ValuesOpt = "uniform:0:1",
    reserve: Annotated[float | None, typer.Option("--reserve", help="Reserve of fp/sp/ep (default 0).")] = None,
    r1: Annotated[float | None, typer.Option("--r1", help="Reserve of the classical part of pfp/psp.")] = None,
    r2: Annotated[float | None, typer.Option("--r2", help="Reserve of the EP part of pfp/psp (r2 <= r1).")] = None,
    lam: Annotated[float | None, typer.Option("--lam", help="Probability of the EP part, in [0, 1].")] = None,
    points: Annotated[int, typer.Option("--points", help="Values in the winning-rate/payoff curves.")] = 101,
    ep_payoff: EpPayoffOpt = "interim",
    seed: SeedOpt = 0,
    out: OutOpt = None,
    json_mode: JsonOpt = False,
) -> None:
    """Closed forms of one mechanism: xi1, xi2, revenue, optimal reserve, Lemma 3 class, p(x), u(x)."""
    import numpy as np

    from fairbid.auctions.plots import plot_curves
    from fairbid.core.report import write_run_report
    from fairbid.auctions import (
        MechanismSpec, classify, expected_payoff, expected_revenue, optimal_reserve, parse_distribution,
        winning_rate, xi1, xi2,
    )

    start(json_mode)
    n = check_int("--bidders", bidders, minimum=2, maximum=MAX_BIDDERS)
    points = check_int("--points", points, minimum=2, maximum=100_000)
    spec = MechanismSpec.parse(mechanism, reserve=reserve, r1=r1, r2=r2, lam=lam)
    dist = parse_distribution(values, "--values")
    xs = _value_grid(dist, points)
    p = winning_rate(xs, spec, dist, n)
    u = expected_payoff(xs, spec, dist, n, ep_payoff=ep_payoff)
    result = {
        "xi1": xi1(dist, n),
        "xi2": xi2(dist, n, spec.lam) if spec.is_probabilistic else None,
        "revenue": expected_revenue(spec, dist, n),
        "optimal_reserve": optimal_reserve(dist, n),
        "classification": classify(spec, dist, n),
        "winning_rate": np.column_stack([xs, p]).tolist(),
        "payoff": np.column_stack([xs, u]).tolist(),
    }
    rd = run_dir(out, "auctions-analyze", seed, {
        "command": "auctions analyze", "mechanism": spec.to_dict(), "bidders": n, "values": values,
        "points": points, "ep_payoff": ep_payoff, "seed": seed,
    })
    if rd is not None:
        rd.write_table("curves", {"x": xs, "winning_rate": p, "payoff": u})
        rd.write_json("analysis.json", result)
        rd.save_figure("winning_rate", plot_curves(xs, {str(spec): p}, ylabel="winning rate", title=str(spec)))
        rd.save_figure("payoff", plot_curves(xs, {str(spec): u}, ylabel="expected payoff", title=str(spec)))
        write_run_report(rd, f"fairbid auctions analyze ({spec})", {k: v for k, v in result.items()
                                                                     if k not in ("winning_rate", "payoff")})
    emit(result, json_mode, title=str(spec))


def _value_grid(dist, points: int) -> "np.ndarray":
    import numpy as np

    """Values from the lower end of F to its upper end (its 99.9% quantile when unbounded)."""
    top = dist.upper if dist.bounded else float(dist.ppf(0.999))
    return np.linspace(dist.lower, top, points)


def _curves(xs, mech, baseline, dist, n: int, ep_payoff: str) -> dict:
    from fairbid.auctions import expected_payoff, winning_rate

    return {
        "x": xs,
        "winning_rate": winning_rate(xs, mech, dist, n),
        "baseline_winning_rate": winning_rate(xs, baseline, dist, n),
        "payoff": expected_payoff(xs, mech, dist, n, ep_payoff=ep_payoff),
        "baseline_payoff": expected_payoff(xs, baseline, dist, n, ep_payoff=ep_payoff),
    }


# ---------------------------------------------------------------------------------------------
# simulate (Monte Carlo / long-run platform simulation) — added by the simulation work below
# ---------------------------------------------------------------------------------------------


@app.command("simulate")
def simulate_cmd(
    mechanism: Annotated[str, typer.Option(
        "--mechanism",
        help="Comma-separated: sp, fp, ep (reserve --reserve), sp:R, fp:R, ep:R, psp:R1:R2:LAM, pfp:R1:R2:LAM, "
             "psp-alg1, psp-alg2 (pSP by Algorithm 1/2 from SP(--reserve), --values, --per-click, --theta), "
             "pfp-alg1, pfp-alg2.",
    )] = "sp,psp-alg1",
    advertisers: Annotated[int, typer.Option("--advertisers", help="P, advertisers at the start.")] = 50,
    per_click: Annotated[int, typer.Option("--per-click", help="N, advertisers sampled per click (N <= P).")] = 10,
    clicks: Annotated[int, typer.Option("--clicks", help="C, user clicks simulated.")] = 100_000,
    theta: Annotated[float, typer.Option("--theta", help="Entrance threshold on the winning rate, in [0, 1].")] = 0.001,
    window: Annotated[int, typer.Option("--window", help="W, the check window (see --window-unit).")] = 10_000,
    values: ValuesOpt = "uniform:0:1",
    reserve: Annotated[float, typer.Option("--reserve", help="Reserve of sp/fp/ep and of the designs' baseline.")] = 0.0,
    value_draw: Annotated[str, typer.Option(
        "--value-draw", help="fixed: one value per advertiser for the run (default); per-click: fresh value per click.",
    )] = "fixed",
    window_unit: Annotated[str, typer.Option(
        "--window-unit", help="participations: W of the advertiser's own auctions (default); clicks: W platform clicks.",
    )] = "participations",
    shortage: Annotated[str, typer.Option(
        "--shortage", help="Fewer than N advertisers left: stop the run (default) or shrink the auction.",
    )] = "stop",
    checks: Annotated[str, typer.Option("--checks", help="every window (default) or only the first (once).")] = "every",
    ep_pool: Annotated[str, typer.Option(
        "--ep-pool", help="Equal-Possible draw over all bidders (seed Def. 3, default) or eligible ones only.",
    )] = "all",
    seed: SeedOpt = 0,
    out: OutOpt = None,
    json_mode: JsonOpt = False,
) -> None:
    """Long-run platform simulation (seed §V-B, Figs. 9-10): remaining advertisers and profit per mechanism."""
    from fairbid.auctions.distributions import parse_distribution
    from fairbid.auctions.platform import PlatformConfig, resolve_mechanisms, simulate_platform
    from fairbid.auctions.plots import plot_platform
    from fairbid.core.report import write_run_report

    start(json_mode)
    cfg = PlatformConfig(
        dist=parse_distribution(values, "--values"), advertisers=advertisers, per_click=per_click, clicks=clicks, theta=theta,
        window=window, values=value_draw, window_unit=window_unit, shortage=shortage, checks=checks,
        ep_pool=ep_pool,
    )
    mechs = resolve_mechanisms(mechanism, cfg.dist, cfg.per_click, reserve, cfg.theta)
    from fairbid.core.progress import progress_task

    # Every mechanism with the same seed: same advertisers and samples (common random numbers).
    results = []
    with progress_task("simulate", total=len(mechs)) as advance:  # silent under --json or off a terminal
        for label, spec in mechs.items():
            results.append(simulate_platform(spec, cfg, seed=seed, label=label))
            advance()
    rd = run_dir(out, "auctions-simulate", seed, {
        "command": "auctions simulate", **_cli_settings(cfg), "reserve": reserve, "seed": seed,
        "mechanisms": {k: v.to_dict() for k, v in mechs.items()},
    })
    summary = {
        "mechanisms": {
            r.label: {"final_remaining": r.final_remaining, "total_profit": r.total_profit,
                      "stopped_at": r.stopped_at, "spec": mechs[r.label].to_dict()}
            for r in results
        },
        **_cli_settings(cfg), "reserve": reserve, "seed": seed, "run_dir": str(rd.path) if rd else None,
    }
    if rd is not None:
        _write_simulation(rd, results)
        rd.save_figure("platform", plot_platform(results))
        write_run_report(rd, "fairbid auctions simulate", summary)
    emit(summary, json_mode, title="Long-run platform simulation")


def _cli_settings(cfg) -> dict:
    """The run's settings under the CLI's option names (``values`` is the distribution here)."""
    return {
        "advertisers": cfg.advertisers, "per_click": cfg.per_click, "clicks": cfg.clicks, "theta": cfg.theta,
        "window": cfg.window, "values": cfg.dist.spec, "value_draw": cfg.values, "window_unit": cfg.window_unit,
        "shortage": cfg.shortage, "checks": cfg.checks, "ep_pool": cfg.ep_pool,
    }


def _write_simulation(rd, results) -> None:
    import numpy as np

    """Per-click series and per-advertiser outcomes of every mechanism, one Parquet table each."""
    series: dict[str, list] = {}
    adv: dict[str, list] = {}
    for r in results:
        cols = r.series()
        for key, col in {"mechanism": [r.label] * len(cols["click"]), **cols}.items():
            series.setdefault(key, []).extend(np.asarray(col).tolist())
        p = r.config.advertisers
        per_adv = {
            "mechanism": [r.label] * p, "advertiser": np.arange(p), "value": r.values,
            "leave_click": r.leave_click, "participations": r.participations, "wins": r.wins,
        }
        for key, col in per_adv.items():
            adv.setdefault(key, []).extend(np.asarray(col).tolist())
    rd.write_table("series", series)
    rd.write_table("advertisers", adv)


@app.command("optimal")
def optimal_cmd(
    instance: Annotated[Path, typer.Option("--instance", help='JSON: {"values": [[v, ...] per bidder], "pmf": '
                                                             'joint pmf (matrix for 2 bidders, else flat C order)}.')],
    ir: Annotated[str, typer.Option("--ir", help="ex-post, ex-interim, or both (adds the EPIR/EIIR ratio).")] = "ex-post",
    out: OutOpt = None,
    json_mode: JsonOpt = False,
) -> None:
    """Revenue-optimal DSIC auction for correlated values by LP (seed 002, Feldman-Lavi)."""
    from fairbid.auctions.optimal_correlated import correlated_instance_from_json, optimal_dsic_auction
    from fairbid.cli.common import save_run
    from fairbid.core.validate import load_json_file

    start(json_mode)
    check_choice("--ir", ir, ("ex-post", "ex-interim", "both"))
    inst = correlated_instance_from_json(load_json_file(instance, "--instance"))
    if ir == "both":
        post = optimal_dsic_auction(inst, "ex-post")
        interim = optimal_dsic_auction(inst, "ex-interim")
        result = {"epir_revenue": post.revenue, "eiir_revenue": interim.revenue,
                  "ratio": post.revenue / interim.revenue if interim.revenue > 0 else 1.0,
                  "expected_welfare": inst.expected_welfare()}
        shown = post
    else:
        shown = optimal_dsic_auction(inst, ir)
        result = shown.as_dict()
    summary = {k: v for k, v in result.items() if k not in ("allocation", "payment")}
    flat = {"bidder": [], "profile": [], "allocation": [], "payment": []}
    for i in range(inst.n):
        a, p = shown.allocation[i].ravel(), shown.payment[i].ravel()
        flat["bidder"] += [i] * a.size
        flat["profile"] += list(range(a.size))
        flat["allocation"] += a.tolist()
        flat["payment"] += p.tolist()
    save_run(out, "auctions-optimal", 0, {"command": "auctions optimal", "instance": str(instance), "ir": ir},
             summary, tables={"mechanism": flat})
    emit(result, json_mode, title=f"optimal DSIC auction ({ir})")


@app.command("robust")
def robust_cmd(
    instance: Annotated[Path, typer.Option("--instance", help='JSON: {"values": [[v, ...] per item], "marginals": '
                                                             '[[p, ...] per item]} for one additive buyer.')],
    out: OutOpt = None,
    json_mode: JsonOpt = False,
) -> None:
    """Correlation-robust (max-min over couplings of the marginals) selling mechanism by one LP (seed 000)."""
    from fairbid.auctions.robust import MAX_TYPES, robust_additive_mechanism, separate_sale_revenue
    from fairbid.cli.common import save_run
    from fairbid.core.errors import FairbidError
    from fairbid.core.validate import load_json_file, require_type, require_vector

    start(json_mode)
    data = require_type("instance", load_json_file(instance, "--instance"), dict, "a JSON object")
    for key in data:
        if key not in ("values", "marginals"):
            raise FairbidError("instance", "unknown field", key)
    for key in ("values", "marginals"):
        if key not in data:
            raise FairbidError(key, "is missing")
    vals = require_type("values", data["values"], list, "a list of value lists")
    margs = require_type("marginals", data["marginals"], list, "a list of probability lists")
    if not vals or len(vals) != len(margs) or len(vals) > 11:
        raise FairbidError("values", "need 1 to 11 items and one marginal per item", len(vals))
    vals = [require_vector(f"values[{j}]", v, low=0, high=1e12) for j, v in enumerate(vals)]
    margs = [require_vector(f"marginals[{j}]", f, low=0, high=1) for j, f in enumerate(margs)]
    size = 1
    for v in vals:
        size *= max(len(v), 1)
    if size > MAX_TYPES:
        raise FairbidError("values", f"at most {MAX_TYPES} joint types", size)
    res = robust_additive_mechanism(vals, margs)
    result = {**res.as_dict(), "separate_sale_revenue": separate_sale_revenue(vals, margs)}
    save_run(out, "auctions-robust", 0, {"command": "auctions robust", "instance": str(instance)},
             {"worst_case_revenue": res.revenue, "separate_sale_revenue": result["separate_sale_revenue"]},
             tables={"menu": {"type": [str(t) for t in res.types.tolist()], "price": res.price.tolist()}})
    emit(result, json_mode, title="correlation-robust mechanism (max-min revenue)")
