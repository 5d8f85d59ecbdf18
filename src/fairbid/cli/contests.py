"""``fairbid contests``: rank-order all-pay contests and prize design (seed 002, Elkind-Ghosh-Goldberg)."""

from __future__ import annotations

from typing import Annotated

import typer

from fairbid.cli.common import JsonOpt, OutOpt, SeedOpt, emit, save_run, start
from fairbid.core.errors import FairbidError

app = typer.Typer(no_args_is_help=True)

ObjectiveOpt = Annotated[str, typer.Option("--objective", help="total, binary (needs --threshold) or linear "
                                                                "(needs --lower, --upper).")]
ThresholdOpt = Annotated[float | None, typer.Option("--threshold", help="binary objective: output counted when >= this.")]
LowerOpt = Annotated[float | None, typer.Option("--lower", help="linear objective: lower threshold.")]
UpperOpt = Annotated[float | None, typer.Option("--upper", help="linear objective: upper threshold (inf allowed).")]
DistOpt = Annotated[str, typer.Option("--distribution", help="iid model: ability distribution, e.g. uniform:0:1.")]
PlayersOpt = Annotated[int | None, typer.Option("--players", help="iid model: number of players.")]


def _numbers(what: str, text: str | None) -> list[float]:
    import math

    if text is None or not text.strip():
        raise FairbidError(what, "must be a comma-separated list of numbers", text)
    parts = text.split(",")
    if len(parts) > 10_000:
        raise FairbidError(what, "at most 10000 entries", len(parts))
    out = []
    for p in parts:
        try:
            x = float(p)
        except ValueError:
            raise FairbidError(what, "must be a comma-separated list of numbers", p.strip()) from None
        if not math.isfinite(x):
            raise FairbidError(what, "entries must be finite", p.strip())
        out.append(x)
    return out


@app.command("allpay")
def allpay_cmd(prizes: Annotated[str, typer.Option("--prizes", help="Prize per rank, first prize first: 1,0.5.")],
               values: Annotated[str | None, typer.Option("--values", help="complete model: value per player.")] = None,
               model: Annotated[str, typer.Option("--model", help="complete (BKV / Barut-Kovenock) or iid.")] = "complete",
               players: PlayersOpt = None, distribution: Annotated[str | None, typer.Option(
                   "--distribution", help="iid model: ability distribution (default uniform:0:1).")] = None,
               objective: ObjectiveOpt = "total", threshold: ThresholdOpt = None, lower: LowerOpt = None,
               upper: UpperOpt = None, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Equilibrium expected effort per player, total effort and the designer's objective."""
    from fairbid.contests import allpay, iid_allpay, make_objective
    from fairbid.core.errors import check_choice

    start(json_mode)
    check_choice("--model", model, ("complete", "iid"))
    obj = make_objective(objective, threshold=threshold, lower=lower, upper=upper)
    w = _numbers("--prizes", prizes)
    if model == "complete":
        # Options of the other model are refused, not silently ignored.
        for flag, given in (("--players", players), ("--distribution", distribution)):
            if given is not None:
                raise FairbidError(flag, "is only used with --model iid", given)
        if values is None:
            raise FairbidError("--values", "is required for --model complete")
        result = allpay(_numbers("--values", values), w, obj)
    else:
        if values is not None:
            raise FairbidError("--values", "is only used with --model complete", values)
        if players is None:
            raise FairbidError("--players", "is required for --model iid")
        distribution = distribution or "uniform:0:1"
        result = iid_allpay(players, w, distribution, obj)
    eff = result["expected_effort"]
    save_run(out, "contests-allpay", 0,
             {"command": "contests allpay", "model": model, "values": values, "prizes": prizes, "players": players,
              "distribution": distribution, **obj.to_dict()},
             {k: v for k, v in result.items() if k != "expected_effort"},
             tables={"efforts": {"player": list(range(len(eff))), "expected_effort": eff}},
             figures={"efforts": lambda: _bar(list(range(len(eff))), eff, "expected effort", f"all-pay ({model})")})
    emit(result, json_mode, title=f"all-pay contest ({model})")


@app.command("design")
def design_cmd(players: Annotated[int, typer.Option("--players", help="Number of players.")],
               objective: ObjectiveOpt = "total", threshold: ThresholdOpt = None, lower: LowerOpt = None,
               upper: UpperOpt = None, distribution: DistOpt = "uniform:0:1",
               budget: Annotated[float, typer.Option("--budget", help="Total prize money.")] = 1.0,
               restarts: Annotated[int, typer.Option("--restarts", help="linear objective: random restarts.", min=0,
                                                     max=1000)] = 8,
               seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Optimal rank-order prize vector (i.i.d. abilities) and the best equal-split-top-k contest."""
    from fairbid.contests import make_objective, optimal_prizes

    start(json_mode)
    obj = make_objective(objective, threshold=threshold, lower=lower, upper=upper)
    d = optimal_prizes(players, obj, distribution, budget=budget, restarts=restarts, seed=seed)
    result = {**d.to_dict(), **obj.to_dict(), "players": players, "distribution": distribution, "budget": budget}
    ks = list(range(1, len(d.simple_values) + 1))
    save_run(out, "contests-design", seed,
             {"command": "contests design", "players": players, "distribution": distribution, "budget": budget,
              "restarts": restarts, "seed": seed, **obj.to_dict()},
             {k: v for k, v in result.items() if k not in ("prizes", "simple_values")},
             tables={"simple_contests": {"k": ks, "designer_objective": d.simple_values.tolist()},
                     "optimal_prizes": {"rank": ks, "prize": d.prizes.tolist()}},
             figures={"simple_contests": lambda: _bar(ks, d.simple_values.tolist(), "designer objective",
                                                      "equal prizes to the top k")})
    emit(result, json_mode, title="optimal prizes")


def _bar(labels, values, ylabel, title):
    from fairbid.core.plots import bar_figure

    return bar_figure(labels, values, ylabel=ylabel, title=title)
