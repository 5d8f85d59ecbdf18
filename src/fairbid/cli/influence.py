"""``fairbid influence`` and ``fairbid datasets``: CLI for fairbid.influence."""

from __future__ import annotations

from typing import Annotated

import typer

from fairbid.cli.common import BackendOpt, JsonOpt, OutOpt, SeedOpt, WorkersOpt, emit, save_run, start
from fairbid.core.plots import bar_figure
from fairbid.core.errors import FairbidError

app = typer.Typer(no_args_is_help=True)
datasets_app = typer.Typer(no_args_is_help=True)

GraphOpt = Annotated[str, typer.Option("--graph", help="Dataset name, edge-list path or synthetic:powerlaw:N:M:SEED.")]
DirectedOpt = Annotated[
    bool | None, typer.Option("--directed/--undirected", help="Override directedness (default: the source's own).")
]
WeightsOpt = Annotated[str, typer.Option("--weights", help="wc, uniform:P, trivalency or column.")]


def _parse_ids(text: str, what: str) -> list[int]:
    out = []
    for tok in text.split(","):
        tok = tok.strip()
        if not tok:
            continue
        try:
            out.append(int(tok))
        except ValueError:
            raise FairbidError(what, "node ids must be integers separated by commas", text) from None
    return out


def parse_seed_sets(values: list[str]) -> list[list[int]]:
    """``["1,2;7,8", "9"]`` -> ``[[1, 2], [7, 8], [9]]`` (``;`` and repeated options both separate sets)."""
    sets = [_parse_ids(part, "--seeds") for v in values for part in v.split(";")]
    if not sets or any(not s for s in sets):
        raise FairbidError("--seeds", "every competitor needs at least one node id", ";".join(values))
    return sets


@app.command("spread")
def spread_cmd(
    graph: GraphOpt,
    seeds: Annotated[list[str], typer.Option("--seeds", help="Comma-separated node ids; ';' or a repeated option "
                                                            "separates competitors.")],
    directed: DirectedOpt = None,
    weights: WeightsOpt = "wc",
    model: Annotated[str, typer.Option("--model", help="ic, lt, clt or cic.")] = "ic",
    sims: Annotated[int, typer.Option("--sims", help="Monte Carlo simulations.", min=1)] = 1000,
    seed: SeedOpt = 0,
    thresholds: Annotated[str, typer.Option("--thresholds", help="LT/CLT: per-simulation or fixed.")] = (
        "per-simulation"),
    threshold_seed: Annotated[int | None, typer.Option("--threshold-seed", help="Seed of fixed thresholds "
                                                       "(default: --seed).", min=0)] = None,
    max_steps: Annotated[int | None, typer.Option("--max-steps", help="Stop after this many steps.", min=0)] = None,
    blocked: Annotated[str | None, typer.Option("--blocked", help="Comma-separated node ids that can never be "
                                                "activated (e.g. unsold seeds).")] = None,
    backend: BackendOpt = "serial",
    workers: WorkersOpt = None,
    out: OutOpt = None,
    json_mode: JsonOpt = False,
) -> None:
    """Estimate each competitor's influence spread (node ids as in the input)."""
    start(json_mode)
    from fairbid.core.executor import get_executor
    from fairbid.influence import load_graph, spread

    g = load_graph(graph, directed=directed, weights=weights, seed=seed)
    sets = [g.index_of(s) for s in parse_seed_sets(seeds)]
    ex = None if backend == "serial" and workers is None else get_executor(backend, workers)
    block = g.index_of(_parse_ids(blocked, "--blocked")) if blocked else None
    try:
        res = spread(g, sets, model, sims, seed, thresholds=thresholds, max_steps=max_steps, executor=ex,
                     threshold_seed=threshold_seed, blocked=block)
    except FairbidError as exc:  # name the option the user typed, not the library argument
        if exc.what != "seed_sets":
            raise
        raise FairbidError("--seeds", exc.problem, exc.got) from None
    result = {"spread": res.mean, "stderr": res.stderr, "sims": res.sims}
    config = {"command": "influence spread", "graph": graph, "directed": directed, "weights": weights,
              "model": model, "seeds": seeds, "sims": sims, "seed": seed, "thresholds": thresholds,
              "threshold_seed": threshold_seed, "max_steps": max_steps, "blocked": blocked}
    competitors = [f"competitor {i}" for i in range(len(sets))]
    save_run(out, "influence-spread", seed, config, result,
             tables={"spread": {"competitor": list(range(len(sets))),
                                "seeds": [",".join(map(str, g.label_of(s))) for s in sets],
                                "spread": res.mean, "stderr": res.stderr}},
             figures={"spread": lambda: bar_figure(competitors, res.mean, errors=res.stderr,
                                                   ylabel="expected spread", title=f"{model} on {g.name}")})
    emit(result, json_mode, title=f"{model} spread on {g.name}")


@app.command("select")
def select_cmd(
    graph: GraphOpt,
    k: Annotated[int, typer.Option("--k", help="Number of seeds.", min=1)],
    directed: DirectedOpt = None,
    weights: WeightsOpt = "wc",
    model: Annotated[str, typer.Option("--model", help="ic or lt.")] = "ic",
    method: Annotated[str, typer.Option("--method", help="degree, degree-discount, celf, imm or opim (OPIM-C).")] = (
        "degree"),
    eps: Annotated[float, typer.Option("--eps", help="IMM/OPIM-C accuracy epsilon.")] = 0.1,
    delta: Annotated[float | None, typer.Option("--delta", help="OPIM-C failure probability (default 1/n).")] = None,
    sampling: Annotated[str, typer.Option("--sampling", help="RR sets: subset (geometric skips) or vanilla.")] = (
        "subset"),
    ell: Annotated[float, typer.Option("--ell", help="IMM confidence: success prob >= 1 - 1/n^ell.")] = 1.0,
    sims: Annotated[int, typer.Option("--sims", help="Simulations for the reported spreads.", min=1)] = 1000,
    celf_sims: Annotated[int, typer.Option("--celf-sims", help="CELF: simulations per oracle call.", min=1)] = 200,
    candidates: Annotated[int | None, typer.Option("--candidates", help="CELF: top-degree candidate pool.",
                                                   min=1)] = None,
    evaluate: Annotated[bool, typer.Option("--evaluate/--no-evaluate", help="Estimate the spreads "
                                           "(--no-evaluate: selection only, spreads null; for timing).")] = True,
    seed: SeedOpt = 0,
    out: OutOpt = None,
    json_mode: JsonOpt = False,
) -> None:
    """Choose k seeds; report their spread beside the top-degree baseline."""
    start(json_mode)
    from fairbid.core.errors import check_choice
    from fairbid.influence import load_graph, select_seeds
    from fairbid.influence.selection import SAMPLINGS

    # Checked for every method, before the graph loads, so a typo is never silently ignored.
    check_choice("--sampling", sampling, SAMPLINGS)
    g = load_graph(graph, directed=directed, weights=weights, seed=seed)
    res = select_seeds(g, k, method, model, seed, eval_sims=sims, eps=eps, ell=ell, sims=celf_sims,
                       candidates=candidates, delta=delta, sampling=sampling, evaluate=evaluate)
    result = {
        "seeds": g.label_of(res.seeds), "spread": res.spread, "stderr": res.stderr, "seconds": res.seconds,
        "baseline_spread": res.baseline_spread, "baseline_stderr": res.baseline_stderr,
        "method": method, "model": model,
    }
    for key in ("rr_sets", "approx", "capped", "prepare_seconds"):
        if key in res.info:
            result[key] = res.info[key]
    config = {"command": "influence select", "graph": graph, "directed": directed, "weights": weights,
              "model": model, "method": method, "k": k, "eps": eps, "ell": ell,
              "delta": delta, "sampling": sampling, "evaluate": evaluate, "sims": sims,
              "celf_sims": celf_sims, "candidates": candidates, "seed": seed}
    save_run(out, "influence-select", seed, config, result,
             tables={"seeds": {"rank": list(range(1, len(res.seeds) + 1)), "node": result["seeds"]}},
             figures={"spread": lambda: bar_figure(
                 [method, "top-degree"], [res.spread, res.baseline_spread],
                 errors=[res.stderr, res.baseline_stderr], ylabel="expected spread",
                 title=f"k = {k} on {g.name} ({model})")})
    emit(result, json_mode, title=f"{method} seeds on {g.name}")


@datasets_app.command("list")
def datasets_list(json_mode: JsonOpt = False) -> None:
    """List the registered SNAP datasets and where each was found."""
    start(json_mode)
    from fairbid.influence.datasets import REGISTRY, find_dataset

    rows = {}
    for name, ds in REGISTRY.items():
        path = find_dataset(name)
        rows[name] = {"nodes": ds.nodes, "edges": ds.edges, "directed": ds.directed,
                      "path": str(path) if path else None, "url": ds.url}
    emit({"datasets": rows} if json_mode else {k: f"{v['path'] or 'missing'}  ({v['nodes']} nodes, {v['edges']} "
                                                    f"edges, {'directed' if v['directed'] else 'undirected'})"
                                                 for k, v in rows.items()}, json_mode, title="datasets")


@datasets_app.command("path")
def datasets_path(name: Annotated[str, typer.Argument(help="Dataset name.")], json_mode: JsonOpt = False) -> None:
    """Print where a dataset's file is."""
    start(json_mode)
    from fairbid.influence.datasets import dataset_path

    path = dataset_path(name)
    if json_mode:
        emit({"name": name, "path": str(path)}, True)
    else:
        typer.echo(str(path))


@datasets_app.command("fetch")
def datasets_fetch(name: Annotated[str, typer.Argument(help="Dataset name.")], json_mode: JsonOpt = False) -> None:
    """Download a dataset from SNAP into the user cache (unless present) and verify it."""
    start(json_mode)
    from fairbid.influence.datasets import fetch

    path, how = fetch(name)
    emit({"name": name, "path": str(path), "verified": how}, json_mode, title="fetched")


