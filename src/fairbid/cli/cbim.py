"""``fairbid cbim``: CLI for fairbid.cbim (train and evaluate bidding agents, run the paper's grid)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from fairbid.cli.common import BackendOpt, JsonOpt, SeedOpt, WorkersOpt, emit, start
from fairbid.core.errors import FairbidError

app = typer.Typer(no_args_is_help=True)

#: Keys of ``--json`` (kept in step with ``fairbid.cbim.training.CONTRACT_KEYS``, not imported: start-up time).
CONTRACT_KEYS = ("success_ratio", "fair_ratio", "max_revenue", "mean_revenue", "mean_rewards", "spend_ratios",
                 "saturated_share", "seconds", "run_dir")


def parse_budget(text: str | None) -> Any:
    """``"5"`` -> 5.0 (every competitor); ``"5,7"`` -> [5.0, 7.0]; None -> the default ceil(M / 2)."""
    if text is None:
        return None
    try:
        values = [float(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise FairbidError("--budget", "must be a number or comma-separated numbers", text) from None
    if not values or any(not (0 < v < float("inf")) for v in values):
        raise FairbidError("--budget", "must be positive and finite", text)
    return values[0] if len(values) == 1 else values


def parse_floor(text: str) -> Any:
    """``fair-share`` | ``none`` | a non-negative number."""
    if text in ("fair-share", "none"):
        return text
    try:
        v = float(text)
    except ValueError:
        raise FairbidError("--price-floor", "must be fair-share, none or a number", text) from None
    if not (0 <= v < float("inf")):
        raise FairbidError("--price-floor", "must be a finite number >= 0", text)
    return v


def _contract(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: summary[k] for k in CONTRACT_KEYS}


@app.command("train")
def train_cmd(
    graph: Annotated[str, typer.Option("--graph", help="Dataset name, edge-list path or synthetic:powerlaw:N:M:SEED.")]
    = "synthetic:powerlaw:1000:4000:0",
    competitors: Annotated[int, typer.Option("--competitors", help="Number of competitors K.", min=2, max=1000)] = 2,
    seeds: Annotated[int, typer.Option("--seeds", help="Number of auctioned seeds M (top degree).", min=1,
                                       max=100_000)] = 10,
    budget: Annotated[str | None, typer.Option("--budget", help="Round budget per competitor, or K comma-separated "
                                                               "values (default ceil(M/2)).")] = None,
    algorithm: Annotated[str, typer.Option("--algorithm", help="mcbim, ddpg, td3, sac, ppo or random.")] = "mcbim",
    rounds: Annotated[int, typer.Option("--rounds", help="Bidding rounds.", min=1, max=10**8)] = 100,
    seed: SeedOpt = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Run directory (default runs/cbim-<alg>-seed<S>-<time>).")]
    = None,
    checkpoint_every: Annotated[int, typer.Option("--checkpoint-every", help="Rounds between checkpoints.", min=1)] = 50,
    resume: Annotated[Path | None, typer.Option("--resume", help="Continue this interrupted run directory "
                                                                 "(its config wins; it is validated first).")] = None,
    model: Annotated[str, typer.Option("--model", help="Reward diffusion model: clt or cic.")] = "clt",
    sims: Annotated[int, typer.Option("--sims", help="Monte Carlo simulations per round.", min=1, max=10**6)] = 50,
    fairness_reading: Annotated[str, typer.Option("--fairness-reading", help="cost-effectiveness or unit-cost.")]
    = "cost-effectiveness",
    fairness_threshold: Annotated[float, typer.Option("--fairness-threshold", help="Fair when GE <= this.")] = 0.3,
    action_mapping: Annotated[str, typer.Option("--action-mapping", help="gaussian (the seed's), budget or share.")]
    = "gaussian",
    price_floor: Annotated[str, typer.Option("--price-floor", help="Floor of unsold seeds' prices: fair-share "
                                                                   "(mean budget / M), none, or a number.")]
    = "fair-share",
    horizon: Annotated[int, typer.Option("--horizon", help="Rounds per episode (the seed: 1).", min=1)] = 1,
    batch_size: Annotated[int | None, typer.Option("--batch-size", help="Learner batch size (default: the "
                                                                        "algorithm's, 1024).", min=1)] = None,
    update_every: Annotated[int | None, typer.Option("--update-every", help="One update every N transitions "
                                                                            "(default MADDPG's 100).", min=1)] = None,
    learning_starts: Annotated[int | None, typer.Option("--learning-starts", help="Transitions before the first "
                                                                                  "update (default: one batch).",
                                                        min=1)] = None,
    json_mode: JsonOpt = False,
) -> None:
    """Train bidding agents; print SR (all seeds sold), fair ratio, revenue, rewards, spend and saturation."""
    start(json_mode)
    from fairbid.cbim.training import TrainConfig, train

    if resume is not None:
        summary = train(None, resume, resume=True)
    else:
        if fairness_threshold != fairness_threshold or fairness_threshold in (float("inf"), float("-inf")):
            raise FairbidError("--fairness-threshold", "must be finite", fairness_threshold)
        learner: dict[str, Any] = {}
        if algorithm not in ("random", "ppo"):
            for key, v in (("batch_size", batch_size), ("update_every", update_every),
                           ("learning_starts", learning_starts)):
                if v is not None:
                    learner[key] = v
        elif batch_size is not None and algorithm == "ppo":
            learner["minibatch_size"] = batch_size
        config = TrainConfig(
            graph=graph, competitors=competitors, seeds=seeds, budget=parse_budget(budget), algorithm=algorithm,
            rounds=rounds, seed=seed, checkpoint_every=checkpoint_every,
            env_options={"model": model, "sims": sims, "fairness_reading": fairness_reading,
                         "fairness_threshold": fairness_threshold, "action_mapping": action_mapping,
                         "price_floor": parse_floor(price_floor), "horizon": horizon},
            learner_options=learner,
        )
        summary = train(config, out)
    emit(_contract(summary), json_mode, title=f"cbim train ({summary['algorithm']})")


@app.command("evaluate")
def evaluate_cmd(
    run_dir: Annotated[Path, typer.Argument(help="A run directory written by `fairbid cbim train`.")],
    rounds: Annotated[int, typer.Option("--rounds", help="Rounds to replay.", min=1, max=10**7)] = 100,
    json_mode: JsonOpt = False,
) -> None:
    """Replay the trained policies with exploration off; print the same summary as train."""
    start(json_mode)
    from fairbid.cbim.training import evaluate

    summary = evaluate(run_dir, rounds)
    emit(_contract(summary), json_mode, title=f"cbim evaluate ({summary['algorithm']})")


def _km(text: str | None) -> list[tuple[int, int]] | None:
    if not text:
        return None
    out = []
    for part in text.split(","):
        try:
            k, m = (int(x) for x in part.lower().split("x"))
        except ValueError:
            raise FairbidError("--km", "must be KxM pairs, comma-separated (e.g. 2x5,2x9)", text) from None
        if k < 2 or m < 1:
            raise FairbidError("--km", "needs K >= 2 and M >= 1", part)
        out.append((k, m))
    return out


@app.command("grid")
def grid_cmd(
    out: Annotated[Path, typer.Option("--out", help="Run directory for the grid (re-running it resumes).")],
    scale: Annotated[str, typer.Option("--scale", help="quick or paper.")] = "paper",
    graphs: Annotated[str | None, typer.Option("--graphs", help="Comma-separated datasets (default: every one "
                                                                "found).")] = None,
    km: Annotated[str | None, typer.Option("--km", help="KxM cells, e.g. 2x5,2x9 (default: the profile's).")] = None,
    multipliers: Annotated[str | None, typer.Option("--budget-multipliers", help="e.g. 1,2,3 (budget = "
                                                                                 "ceil(M/2) x this).")] = None,
    algorithms: Annotated[str | None, typer.Option("--algorithms", help="Comma-separated (default all six).")] = None,
    replicates: Annotated[int | None, typer.Option("--replicates", help="Seeds per cell.", min=1, max=1000)] = None,
    rounds: Annotated[int | None, typer.Option("--rounds", help="Rounds per run (default: the profile's).",
                                               min=1, max=10**7)] = None,
    seed: SeedOpt = 0,
    backend: BackendOpt = "serial",
    workers: WorkersOpt = None,
    project: Annotated[bool, typer.Option("--project", help="Only project the one-core time of the selected "
                                                            "runs from short probes; train nothing.")] = False,
    json_mode: JsonOpt = False,
) -> None:
    """Run (a slice of) the paper's grid of Tables III-VIII; tables and curves go to --out."""
    start(json_mode)
    from fairbid.cbim.experiments import ALGOS, PROFILES, grid, project_grid, run_grid
    from fairbid.core.errors import check_choice
    from fairbid.core.executor import get_executor
    from fairbid.core.rundir import RunDir

    from fairbid.core.executor import BACKENDS
    from fairbid.core.validate import check_output_dir

    check_choice("--scale", scale, tuple(PROFILES))
    check_choice("--backend", backend, BACKENDS)
    check_output_dir(out, "--out")
    algs = [a.strip() for a in algorithms.split(",")] if algorithms else None
    for a in algs or []:
        check_choice("--algorithms", a, ALGOS)
    try:
        mults = [int(x) for x in multipliers.split(",")] if multipliers else None
    except ValueError:
        raise FairbidError("--budget-multipliers", "must be comma-separated integers", multipliers) from None
    if mults and min(mults) < 1:
        raise FairbidError("--budget-multipliers", "must be >= 1", multipliers)
    names = [g.strip() for g in graphs.split(",")] if graphs else None
    cfg = {"scale": scale, "graphs": names, "km": km, "budget_multipliers": mults, "algorithms": algs,
           "replicates": replicates, "rounds": rounds, "seed": seed}
    cells = _km(km)  # checked before anything is written
    if project:
        tasks = grid(scale, str(out / "runs"), graphs=names, km=cells, multipliers=mults, algorithms=algs,
                     replicates=replicates, rounds=rounds)
        emit(project_grid(tasks), json_mode, title="cbim grid: projected one-core time")
        return
    rd = RunDir.create(out, "cbim-grid", seed=seed, config=cfg, exact=True)
    tasks = grid(scale, str(rd.path / "runs"), graphs=names, km=cells, multipliers=mults, algorithms=algs,
                 replicates=replicates, rounds=rounds)
    res = run_grid(tasks, get_executor(backend, workers), seed, rd)
    agg = res["by_algorithm"]
    emit({"run_dir": str(rd.path), "tasks": res["tasks"],
          "by_algorithm": [{k: agg[k][i] for k in ("cell", "algorithm", "success_ratio", "success_ratio_ci",
                                                   "fair_ratio", "fair_ratio_ci", "mean_revenue", "mean_revenue_ci",
                                                   "saturated_share", "policy_left_at", "reward_left_at")}
                           for i in range(len(agg["algorithm"]))]}, json_mode, title="cbim grid")
