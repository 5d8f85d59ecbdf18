"""``fairbid markets``: Fisher, Arrow-Debreu, pacing and throttling equilibria (seeds 000, 002)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fairbid.cli.common import JsonOpt, OutOpt, SeedOpt, emit, save_run, start

app = typer.Typer(no_args_is_help=True)

_MODELS = ("fisher-linear", "fisher-satiation", "arrow-debreu-linear", "pacing-fp", "pacing-sp",
           "throttling-fp", "throttling-sp")
ModelOpt = Annotated[str, typer.Option("--model", help="One of: " + ", ".join(_MODELS) + ".")]
InstanceOpt = Annotated[Path, typer.Option("--instance", help='JSON: {"valuations": [[...]], "budgets": [...], '
                                           '"supply": [...], "endowments": [[...]], "caps": [...]}.')]


@app.command("solve")
def solve_cmd(model: ModelOpt, instance: InstanceOpt,
              method: Annotated[str, typer.Option("--method", help="fisher-linear: auto, eg, pr or large; pacing-fp: auto, eg, large or pr; "
                                                  "pacing-sp: auto (= hybrid), hybrid, mip or iterative; others: ignored.")] = "auto",
              time_limit: Annotated[float, typer.Option("--time-limit", help="Seconds for iterative/MIP solvers.",
                                                        min=0.1, max=86400)] = 60.0,
              out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Compute an equilibrium and print prices, allocation, spend, pacing/throttling, violation, seconds."""
    from fairbid.core.errors import check_choice
    from fairbid.markets import load_instance, solve

    start(json_mode)
    check_choice("--model", model, _MODELS)
    inst = load_instance(instance)
    opts: dict = {}
    if model in ("fisher-linear", "pacing-fp"):
        check_choice("--method", method, ("auto", "eg", "pr", "large"))
        opts["method"] = method
        if model == "pacing-fp":
            opts["time_limit"] = time_limit
    elif model == "pacing-sp":
        check_choice("--method", method, ("auto", "hybrid", "mip", "iterative"))
        opts.update(method=method, time_limit=time_limit)
    elif model.startswith("throttling"):
        opts["time_limit"] = time_limit
    res = solve(model, inst, **opts)
    result = res.to_dict()
    save_run(out, "markets-solve", 0, {"command": "markets solve", "model": model, "instance": str(instance),
                                       "method": method, "time_limit": time_limit}, result,
             tables={"goods": {"good": list(range(inst.m)), "price": res.prices.tolist()},
                     "buyers": {"buyer": list(range(inst.n)), "budget": inst.budgets.tolist(),
                                "spend": res.spend.tolist()}},
             figures={"spend": lambda: _bar([f"b{i}" for i in range(inst.n)], res.spend.tolist(), model)})
    emit(result, json_mode, title=f"{model} on {instance.name}")


def _bar(labels, values, model):
    from fairbid.core.plots import bar_figure

    return bar_figure(labels, values, ylabel="spend", title=f"equilibrium spend ({model})")


@app.command("generate")
def generate_cmd(buyers: Annotated[int, typer.Option("--buyers", min=1, max=100_000)] = 5,
                 goods: Annotated[int, typer.Option("--goods", min=1, max=100_000)] = 3,
                 endowments: Annotated[bool, typer.Option("--endowments", help="Add Arrow-Debreu endowments.")] = False,
                 caps: Annotated[float | None, typer.Option("--caps", help="Add utility caps: this factor times the "
                                                            "utility of a budget share of everything.", min=0.0)] = None,
                 density: Annotated[float, typer.Option("--density", min=0.0, max=1.0)] = 1.0,
                 seed: SeedOpt = 0, json_mode: JsonOpt = False) -> None:
    """Print a random instance JSON (values U[0,1], budgets U[0.5,1.5], unit supply)."""
    import json
    import sys

    from fairbid.core.errors import FairbidError
    from fairbid.markets import random_instance

    start(json_mode)
    if buyers * goods > 10**7:
        raise FairbidError("--buyers x --goods", "at most 10^7 cells are printed as JSON", buyers * goods)
    inst = random_instance(buyers, goods, seed=seed, density=density, endowments=endowments, caps=caps)
    sys.stdout.write(json.dumps(inst.to_dict()) + "\n")


@app.command("licences")
def licences_cmd(players: Annotated[int, typer.Option("--players", min=1, max=1_000_000)] = 10,
                 licences: Annotated[int, typer.Option("--licences", min=1, max=1_000_000)] = 3,
                 values: Annotated[str, typer.Option("--values", help="Value distribution spec.")] = "uniform:0:1",
                 json_mode: JsonOpt = False) -> None:
    """Auction vs lottery: efficiency and equality of SAL(k1), k1 = 0..k, and of the pSP-style mixture."""
    from fairbid.core.errors import FairbidError
    from fairbid.markets import mixture_outcome, sal_outcome

    start(json_mode)
    if licences > players:
        raise FairbidError("--licences", "must be at most --players", licences)
    if licences > 200:
        raise FairbidError("--licences", "at most 200 (one quadrature per order statistic)", licences)
    sal = [sal_outcome(players, licences, k1, values).to_dict() for k1 in range(licences + 1)]
    mix = [mixture_outcome(players, licences, lam, values).to_dict() for lam in (0.0, 0.25, 0.5, 0.75, 1.0)]
    emit({"sal": sal, "mixture": mix}, json_mode, title="licences")
