"""``fairbid games``: Stackelberg security games (seed 000, "Computational Game Theory for Security")."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fairbid.cli.common import JsonOpt, OutOpt, emit, save_run, start

app = typer.Typer(no_args_is_help=True)

InstanceOpt = Annotated[Path, typer.Option(
    "--instance", help='JSON: {"resources": m, "targets": [{"def_covered", "def_uncovered", "att_covered", '
                       '"att_uncovered"}, ...]}.')]
SolverOpt = Annotated[str, typer.Option("--solver", help="origami (minimal attack set, O(n log n)) or lps "
                                                         "(one LP per target, HiGHS).")]


@app.command("security")
def security_cmd(instance: InstanceOpt, solver: SolverOpt = "origami", out: OutOpt = None,
                 json_mode: JsonOpt = False) -> None:
    """Strong Stackelberg equilibrium: coverage per target, attacked target, both players' utilities."""
    from fairbid.core.errors import check_choice
    from fairbid.core.validate import load_json_file
    from fairbid.games import origami, security_game_from_json, security_sse_lps

    start(json_mode)
    check_choice("--solver", solver, ("origami", "lps"))
    game = security_game_from_json(load_json_file(instance, "--instance"))
    if solver == "lps" and game.n > 5000:
        from fairbid.core.errors import FairbidError

        raise FairbidError("--solver lps", "is one LP per target: at most 5000 targets (use origami)", game.n)
    res = (origami if solver == "origami" else security_sse_lps)(game)
    result = res.as_dict()
    if solver == "lps":
        result.pop("attack_set")
    cov = result["coverage"]

    def _figure():
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(6, 3.5))
        colors = ["tab:red" if i == res.attacked else "tab:blue" for i in range(len(cov))]
        ax.bar(range(len(cov)), cov, color=colors)
        ax.set_xlabel("target")
        ax.set_ylabel("coverage probability")
        ax.set_title(f"SSE coverage ({solver}); red = attacked")
        fig.tight_layout()
        return fig

    save_run(out, "games-security", 0, {"command": "games security", "instance": str(instance), "solver": solver},
             {k: v for k, v in result.items() if k not in ("coverage", "attack_set")},
             tables={"coverage": {"target": list(range(len(cov))), "coverage": cov}},
             figures={"coverage": _figure})
    emit(result, json_mode, title="Stackelberg security game (SSE)")


@app.command("congestion")
def congestion_cmd(
    instance: Annotated[Path, typer.Option("--instance", help='JSON: {"edges": [[u, v], ...], "a": [...], "b": [...], '
                                                              '"source": s, "sink": t, "weights": [...]}; latency a x + b.')],
    k: Annotated[int, typer.Option("--k", help="Paths per player: k edge-disjoint paths, uniform mixture.")] = 1,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the best-response start.", min=0)] = 0,
    out: OutOpt = None, json_mode: JsonOpt = False,
) -> None:
    """A k-uniform mixed equilibrium (best response), its cost, the optimum and the price of anarchy."""
    from fairbid.core.errors import check_int
    from fairbid.core.validate import load_json_file
    from fairbid.games.congestion import (
        best_response_equilibrium,
        congestion_game_from_json,
        is_equilibrium,
        optimum,
        player_costs,
        social_cost,
    )

    start(json_mode)
    k = check_int("--k", k, 1, 64)
    game = congestion_game_from_json(load_json_file(instance, "--instance"), k=k)
    prof, S = best_response_equilibrium(game, seed=seed)
    ok, gain = is_equilibrium(game, prof, S)
    eq_cost = social_cost(game, S[prof])
    opt, _ = optimum(game, S)
    result = {"strategies": [[int(e) for e in row.nonzero()[0]] for row in S[prof]],
              "player_costs": player_costs(game, S[prof]).tolist(), "social_cost": eq_cost,
              "optimal_social_cost": opt, "price_of_anarchy_of_this_equilibrium": eq_cost / opt if opt > 0 else 1.0,
              "verified_equilibrium": bool(ok), "max_deviation_gain": gain}
    save_run(out, "games-congestion", seed, {"command": "games congestion", "instance": str(instance), "k": k},
             {x: v for x, v in result.items() if x != "strategies"})
    emit(result, json_mode, title=f"{k}-uniform mixed equilibrium")
