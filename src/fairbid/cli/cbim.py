"""``fairbid cbim``: CLI for fairbid.cbim (train and evaluate bidding agents)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from fairbid.cli.common import JsonOpt, SeedOpt, emit, start
from fairbid.core.errors import FairbidError

app = typer.Typer(no_args_is_help=True)

CONTRACT_KEYS = ("success_ratio", "max_revenue", "mean_revenue", "mean_rewards", "spend_ratios", "seconds", "run_dir")


def parse_budget(text: str | None) -> Any:
    """``"5"`` -> 5.0 (every competitor); ``"5,7"`` -> [5.0, 7.0]; None -> the default ceil(M / 2)."""
    if text is None:
        return None
    try:
        values = [float(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise FairbidError("--budget", "must be a number or comma-separated numbers", text) from None
    if not values or any(v <= 0 for v in values):
        raise FairbidError("--budget", "must be positive", text)
    return values[0] if len(values) == 1 else values


def _contract(summary: dict[str, Any]) -> dict[str, Any]:
    return {k: summary[k] for k in CONTRACT_KEYS}


@app.command("train")
def train_cmd(
    graph: Annotated[str, typer.Option("--graph", help="Dataset name, edge-list path or synthetic:powerlaw:N:M:SEED.")]
    = "synthetic:powerlaw:1000:4000:0",
    competitors: Annotated[int, typer.Option("--competitors", help="Number of competitors K.", min=2)] = 2,
    seeds: Annotated[int, typer.Option("--seeds", help="Number of auctioned seeds M (top degree).", min=1)] = 10,
    budget: Annotated[str | None, typer.Option("--budget", help="Round budget per competitor, or K comma-separated "
                                                               "values (default ceil(M/2)).")] = None,
    algorithm: Annotated[str, typer.Option("--algorithm", help="mcbim, ddpg, td3, sac, ppo or random.")] = "mcbim",
    rounds: Annotated[int, typer.Option("--rounds", help="Bidding rounds (one round per episode).", min=1)] = 100,
    seed: SeedOpt = 0,
    out: Annotated[Path | None, typer.Option("--out", help="Run directory (default runs/cbim-<alg>-seed<S>-<time>).")]
    = None,
    checkpoint_every: Annotated[int, typer.Option("--checkpoint-every", help="Rounds between checkpoints.", min=1)] = 50,
    resume: Annotated[Path | None, typer.Option("--resume", help="Continue this interrupted run directory "
                                                                 "(its config wins).")] = None,
    model: Annotated[str, typer.Option("--model", help="Reward diffusion model: clt or cic.")] = "clt",
    sims: Annotated[int, typer.Option("--sims", help="Monte Carlo simulations per round.", min=1)] = 50,
    fairness_reading: Annotated[str, typer.Option("--fairness-reading", help="cost-effectiveness or unit-cost.")]
    = "cost-effectiveness",
    fairness_threshold: Annotated[float, typer.Option("--fairness-threshold", help="Fair when GE <= this.")] = 0.3,
    action_mapping: Annotated[str, typer.Option("--action-mapping", help="budget, gaussian or share.")] = "budget",
    batch_size: Annotated[int | None, typer.Option("--batch-size", help="Learner batch size (default: the "
                                                                        "algorithm's).", min=1)] = None,
    json_mode: JsonOpt = False,
) -> None:
    """Train bidding agents; print SR, revenue over fair rounds, rewards and spend ratios."""
    start(json_mode)
    from fairbid.cbim.training import TrainConfig, train

    if resume is not None:
        summary = train(None, resume, resume=True)
    else:
        config = TrainConfig(
            graph=graph, competitors=competitors, seeds=seeds, budget=parse_budget(budget), algorithm=algorithm,
            rounds=rounds, seed=seed, checkpoint_every=checkpoint_every,
            env_options={"model": model, "sims": sims, "fairness_reading": fairness_reading,
                         "fairness_threshold": fairness_threshold, "action_mapping": action_mapping},
            learner_options={"batch_size": batch_size} if batch_size else {},
        )
        summary = train(config, out)
    emit(_contract(summary), json_mode, title=f"cbim train ({summary['algorithm']})")


@app.command("evaluate")
def evaluate_cmd(
    run_dir: Annotated[Path, typer.Argument(help="A run directory written by `fairbid cbim train`.")],
    rounds: Annotated[int, typer.Option("--rounds", help="Rounds to replay.", min=1)] = 100,
    json_mode: JsonOpt = False,
) -> None:
    """Replay the trained policies with exploration off; print the same summary as train."""
    start(json_mode)
    from fairbid.cbim.training import evaluate

    summary = evaluate(run_dir, rounds)
    emit(_contract(summary), json_mode, title=f"cbim evaluate ({summary['algorithm']})")
