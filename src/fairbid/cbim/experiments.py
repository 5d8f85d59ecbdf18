"""Paper experiments of seed 001 (part 2) for ``fairbid reproduce``: MCBIM vs DDPG/TD3/SAC/PPO/random.

``cbim.learning`` trains every algorithm on a grid of (graph, K, M, budget, seed) and reports the seed's
Table III/V-VIII columns (SR, max/mean revenue over fair rounds, rewards, spend ratios, running time) and
learning curves of SR and revenue (moving averages over rounds).

Quick scale: 2 competitors with equal budgets ceil(M / 2), M in {5, 9} on the small synthetic graph and
gnutella09, M = 5 on facebook (datasets only when the registry finds them), 2 seeds, 60 rounds, batch 128,
20 CLT simulations per round. Paper scale: every dataset found (facebook, gnutella09, cit-hepph, dblp,
youtube) x (K, M) in {(2, 5), (2, 7), (2, 9), (5, 20), (10, 50), (20, 100)} x budgets ceil(M / 2) x {1, 2, 3}
x 5000 rounds x 3 seeds, the seed's learner hyper-parameters (batch 1024), 100 simulations per round.
Every run is one task of ``ctx.executor`` (so ``--backend ray`` spreads the grid over a cluster).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.core.experiments import ExperimentContext, register
from fairbid.core.rng import seed_int

QUICK_SYNTHETIC = "synthetic:powerlaw:1000:4000:0"
ALGOS = ("mcbim", "ddpg", "td3", "sac", "ppo", "random")


@dataclass(frozen=True)
class Task:
    """One training run of the grid."""

    graph: str
    competitors: int
    seeds: int
    budget: float
    algorithm: str
    rounds: int
    replicate: int
    sims: int
    batch_size: int
    out: str

    @property
    def name(self) -> str:
        g = self.graph.replace(":", "_")
        return f"{g}-K{self.competitors}-M{self.seeds}-B{self.budget:g}-{self.algorithm}-r{self.replicate}"


def _available(names: tuple[str, ...]) -> list[str]:
    from fairbid.influence import find_dataset

    return [n for n in names if find_dataset(n) is not None]


def grid(scale: str, out: str) -> list[Task]:
    """The runs of a scale (see module docstring)."""
    tasks: list[Task] = []
    if scale == "quick":
        setups = [(QUICK_SYNTHETIC, (5, 9))] + [(g, (5, 9)) for g in _available(("gnutella09",))]
        setups += [(g, (5,)) for g in _available(("facebook",))]
        for graph, ms in setups:
            for m in ms:
                for rep in range(2):
                    for alg in ALGOS:
                        tasks.append(Task(graph, 2, m, float(math.ceil(m / 2)), alg, 60, rep, 20, 128, out))
        return tasks
    km = [(2, 5), (2, 7), (2, 9), (5, 20), (10, 50), (20, 100)]
    for graph in _available(("facebook", "gnutella09", "cit-hepph", "dblp", "youtube")) or [QUICK_SYNTHETIC]:
        for k, m in km:
            for mult in (1, 2, 3):
                for rep in range(3):
                    for alg in ALGOS:
                        tasks.append(Task(graph, k, m, float(math.ceil(m / 2) * mult), alg, 5000, rep, 100, 1024, out))
    return tasks


def run_task(task: Task, ss: np.random.SeedSequence) -> dict[str, Any]:
    """Train one run (module-level so process/ray backends can ship it)."""
    import os

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from fairbid.cbim.training import TrainConfig, read_rounds, train

    cfg = TrainConfig(graph=task.graph, competitors=task.competitors, seeds=task.seeds, budget=task.budget,
                      algorithm=task.algorithm, rounds=task.rounds, seed=seed_int(ss),
                      checkpoint_every=max(task.rounds // 4, 1), env_options={"sims": task.sims},
                      learner_options={} if task.algorithm == "random" else {"batch_size": task.batch_size})
    run_dir = os.path.join(task.out, task.name)
    summary = train(cfg, run_dir)
    rows = read_rounds(os.path.join(run_dir, "rounds"))
    return {"summary": summary, "fair": rows["fair"], "revenue": rows["revenue"]}


@register("cbim.learning", title="CBIM: SR and revenue of MCBIM vs DDPG/TD3/SAC/PPO/random (Tables III-VIII)",
          order=10)
def learning(ctx: ExperimentContext) -> dict[str, Any]:
    """Train all algorithms on the grid; tables of the seed's columns, learning curves of SR and revenue."""
    tasks = grid(ctx.scale, str(ctx.out.path / "runs"))
    results = ctx.executor.map(run_task, tasks, seed=ctx.seed, progress="cbim runs")
    table = _summary_table(tasks, results)
    ctx.out.write_table("runs", table)
    agg = _aggregate(table)
    ctx.out.write_table("by_algorithm", agg)
    for key in sorted({(t.graph, t.competitors, t.seeds, t.budget) for t in tasks}):
        ctx.out.save_figure(_fig_name(key), _curves(key, tasks, results))
    ctx.out.write_text("notes.html", _notes(ctx.scale, tasks))
    sr = dict(zip(agg["algorithm"], agg["success_ratio"]))
    return {"runs": len(tasks), **{f"SR {a}": round(v, 3) for a, v in sr.items()}}


def _summary_table(tasks: list[Task], results: list[dict[str, Any]]) -> dict[str, list]:
    cols: dict[str, list] = {k: [] for k in ("graph", "competitors", "seeds", "budget", "algorithm", "replicate",
                                             "rounds", "success_ratio", "all_sold_ratio", "max_revenue",
                                             "mean_revenue", "mean_reward_0", "spend_ratio_0", "seconds")}
    for t, r in zip(tasks, results):
        s = r["summary"]
        for k, v in (("graph", t.graph), ("competitors", t.competitors), ("seeds", t.seeds), ("budget", t.budget),
                     ("algorithm", t.algorithm), ("replicate", t.replicate), ("rounds", t.rounds),
                     ("success_ratio", s["success_ratio"]), ("all_sold_ratio", s["all_sold_ratio"]),
                     ("max_revenue", _nan(s["max_revenue"])), ("mean_revenue", _nan(s["mean_revenue"])),
                     ("mean_reward_0", s["mean_rewards"][0]), ("spend_ratio_0", s["spend_ratios"][0]),
                     ("seconds", s["seconds"])):
            cols[k].append(v)
    return cols


def _nan(x: Any) -> float:
    return float("nan") if x is None else float(x)


def _aggregate(table: dict[str, list]) -> dict[str, list]:
    alg = np.array(table["algorithm"])
    out: dict[str, list] = {"algorithm": [], "success_ratio": [], "mean_revenue": [], "seconds": []}
    for a in ALGOS:
        sel = alg == a
        if sel.any():
            out["algorithm"].append(a)
            out["success_ratio"].append(float(np.mean(np.array(table["success_ratio"])[sel])))
            rev = np.array(table["mean_revenue"], dtype=float)[sel]
            out["mean_revenue"].append(float(np.nanmean(rev)) if np.isfinite(rev).any() else float("nan"))
            out["seconds"].append(float(np.mean(np.array(table["seconds"])[sel])))
    return out


def _fig_name(key: tuple) -> str:
    graph, k, m, b = key
    return f"curves_{graph.replace(':', '_')}_K{k}_M{m}_B{b:g}"


def _curves(key: tuple, tasks: list[Task], results: list[dict[str, Any]]):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fairbid.cbim.metrics import running_success

    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for alg in ALGOS:
        runs = [r for t, r in zip(tasks, results)
                if (t.graph, t.competitors, t.seeds, t.budget) == key and t.algorithm == alg]
        if not runs:
            continue
        window = max(5, len(runs[0]["fair"]) // 10)
        curves = [running_success(r, window) for r in runs]
        sr = np.mean([c[0] for c in curves], axis=0)
        rev = np.mean([c[1] for c in curves], axis=0)
        x = np.arange(sr.size) + window
        axes[0].plot(x, sr, label=alg)
        axes[1].plot(x, rev, label=alg)
    axes[0].set(xlabel="bidding round", ylabel="SR (moving share of fair rounds)", ylim=(-0.02, 1.02))
    axes[1].set(xlabel="bidding round", ylabel="revenue (total spread), moving mean")
    axes[0].legend(fontsize=8)
    graph, k, m, b = key
    fig.suptitle(f"{graph}: K={k}, M={m}, budget={b:g} each")
    fig.tight_layout()
    return fig


def _notes(scale: str, tasks: list[Task]) -> str:
    graphs = sorted({t.graph for t in tasks})
    return f"""<h3>Competitive bidding influence maximization (seed 001, §III-IV, Tables III-VIII)</h3>
<p>{len(tasks)} training runs at <b>{scale}</b> scale on {', '.join(graphs)}. Each figure
<code>curves_*</code> shows, per algorithm, the moving share of fair rounds (SR, GE(2) &le; 0.3; left) and the
moving mean platform revenue (total CLT spread of all competitors; right), averaged over replicates.
<code>results/runs.parquet</code> holds one row per run (SR, share of rounds with every seed sold, max/mean
revenue over fair rounds, competitor 0's mean reward and spend ratio, seconds);
<code>results/by_algorithm.parquet</code> averages them per algorithm.</p>
<p>Readings of the open points: fairness over cost-effectiveness (spread per unit paid; the authors' code),
CLT thresholds drawn per simulation, contribution degree of Eq. 4 against the seed's own past mean spread,
beta = 0.3, starting price total budget / M (Eq. 3), action = share of the round budget (bid = a &middot; B),
budgets refilled every round, one round per episode, rewards fed to learners divided by (spread of all M seeds)/K.
Learners are built on TorchRL losses (MCBIM = MADDPG-style DDPGLoss with a centralized critic per competitor),
one set of networks per competitor. Quick scale uses few rounds and small batches, so the curves show early
learning only; the seed's numbers need the paper scale.</p>"""
