"""Paper experiments of seed 001 (part 2) for ``fairbid reproduce``: MCBIM vs DDPG/TD3/SAC/PPO/random.

``cbim.learning`` trains every algorithm on a grid of (graph, K, M, budget) cells with several seeds and
reports the seed's columns under the seed's names: SR (share of rounds in which every seed sold),
fair ratio (share of rounds with GE <= 0.3), max/mean revenue over successful rounds, mean reward, spend
ratio, running time, and the share of saturated actor outputs; each with a 95 % t-interval over seeds.
Learning curves show the per-round mean reward per competitor and the moving SR, mean and 95 % band over
seeds, and the table states after how many rounds each learner's reward curve left its initial level
(:func:`fairbid.cbim.metrics.rounds_to_leave`).

Profiles (``ctx.scale``):

quick
    gnutella09 when the dataset is found (else the synthetic 1000-node graph), K = 2, M = 5, budget
    ceil(M / 2) = 3 each, 3 seeds x 6 algorithms x 1000 rounds, 20 CLT simulations per round. Learners use
    ``QUICK_LEARNER`` (batch 64, learning starts at 64 transitions, one update per round) instead of
    MADDPG's batch 1024 / one update per 100 transitions, which would barely update in 1000 rounds.
    About 3 minutes on one core.
paper
    The seed's grid: every dataset found among facebook, gnutella09, cit-hepph, dblp, youtube x (K, M) in
    {(2, 5), (2, 7), (2, 9), (5, 20), (10, 50), (20, 100)} x budgets ceil(M / 2) x {1, 2, 3} x 3 seeds x 6
    algorithms x 5000 rounds, 100 simulations per round, batch 1024 (the seed's), learning starts at
    1024 transitions, one update per round (``PAPER_LEARNER``; with one-round episodes MADDPG's interval
    of 100 transitions would give 40 updates in 5000 rounds). Far beyond one session:
    :func:`run_grid` takes filters so that a named slice can run (``fairbid cbim grid``), and
    :func:`projected_seconds` estimates the rest.

Every run is one task of the executor (``--backend ray`` spreads the grid over a cluster); a run whose
directory already holds a summary is read back, not retrained, so an interrupted grid resumes.
Hyper-parameters were not tuned on the evaluation seeds (the trial runs used seed 1000).
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fairbid.core.experiments import ExperimentContext, register
from fairbid.core.rng import seed_int

QUICK_SYNTHETIC = "synthetic:powerlaw:1000:4000:0"
ALGOS = ("mcbim", "ddpg", "td3", "sac", "ppo", "random")
PAPER_DATASETS = ("facebook", "gnutella09", "cit-hepph", "dblp", "youtube")
PAPER_KM = ((2, 5), (2, 7), (2, 9), (5, 20), (10, 50), (20, 100))
PAPER_BUDGET_MULTIPLIERS = (1, 2, 3)
QUICK_LEARNER = {"batch_size": 64, "learning_starts": 64, "update_every": 1}
PAPER_LEARNER = {"batch_size": 1024, "learning_starts": 1024, "update_every": 1}
PROFILES = {
    "quick": {"rounds": 1000, "replicates": 3, "sims": 20, "learner": QUICK_LEARNER},
    "paper": {"rounds": 5000, "replicates": 3, "sims": 100, "learner": PAPER_LEARNER},
}


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
    out: str
    learner: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)

    @property
    def cell(self) -> tuple:
        return (self.graph, self.competitors, self.seeds, self.budget)

    @property
    def name(self) -> str:
        g = self.graph.replace(":", "_")
        return f"{g}-K{self.competitors}-M{self.seeds}-B{self.budget:g}-{self.algorithm}-r{self.replicate}"


def _available(names: tuple[str, ...]) -> list[str]:
    from fairbid.influence import find_dataset

    return [n for n in names if find_dataset(n) is not None]


def grid(scale: str, out: str, *, graphs: list[str] | None = None, km: list[tuple[int, int]] | None = None,
         multipliers: list[int] | None = None, algorithms: list[str] | None = None,
         replicates: int | None = None, rounds: int | None = None) -> list[Task]:
    """The runs of a profile (see module docstring), optionally restricted to a slice."""
    prof = PROFILES[scale]
    reps = replicates or prof["replicates"]
    n_rounds = rounds or prof["rounds"]
    algs = tuple(algorithms or ALGOS)
    if scale == "quick":
        default_graphs = _available(("gnutella09",)) or [QUICK_SYNTHETIC]
        default_km, default_mult = [(2, 5)], [1]
    else:
        default_graphs = _available(PAPER_DATASETS) or [QUICK_SYNTHETIC]
        default_km, default_mult = list(PAPER_KM), list(PAPER_BUDGET_MULTIPLIERS)
    tasks = []
    for g in graphs or default_graphs:
        for k, m in km or default_km:
            for mult in multipliers or default_mult:
                for rep in range(reps):
                    for alg in algs:
                        lo = {} if alg in ("random", "ppo") else dict(prof["learner"])
                        tasks.append(Task(g, k, m, float(math.ceil(m / 2) * mult), alg, n_rounds, rep,
                                          prof["sims"], out, lo))
    return tasks


def run_task(task: Task, ss: np.random.SeedSequence) -> dict[str, Any]:
    """Train one run (module-level so process/ray backends can ship it); reuse a finished run on disk."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from fairbid.cbim.metrics import summarize
    from fairbid.cbim.training import TrainConfig, read_rounds, train
    from fairbid.core.validate import load_json_file

    run_dir = os.path.join(task.out, task.name)
    done = os.path.join(run_dir, "summary.json")
    if os.path.exists(done):
        summary = load_json_file(done, "summary.json")
    else:
        cfg = TrainConfig(graph=task.graph, competitors=task.competitors, seeds=task.seeds, budget=task.budget,
                          algorithm=task.algorithm, rounds=task.rounds, seed=seed_int(ss),
                          checkpoint_every=max(task.rounds // 4, 1), env_options={"sims": task.sims},
                          learner_options=dict(task.learner))
        resume = os.path.exists(os.path.join(run_dir, "config.json"))
        summary = train(None if resume else cfg, run_dir, resume=resume)
    rows = read_rounds(os.path.join(run_dir, "rounds"))
    k = task.competitors
    mean_reward = np.sum([rows[f"reward_{i}"] for i in range(k)], axis=0) / k
    q = max(1, len(rows["all_sold"]) // 4)
    late = summarize({key: v[-q:] for key, v in rows.items()})
    return {"summary": summary, "late": late, "all_sold": rows["all_sold"], "fair": rows["fair"],
            "reward": mean_reward.tolist(), "action_shift": rows.get("action_shift", [float("nan")] * len(mean_reward)),
            "mean_action": rows.get("mean_action", [float("nan")] * len(mean_reward))}


def run_grid(tasks: list[Task], executor: Any, seed: int, out: Any, progress: str | None = "cbim runs") -> dict:
    """Run ``tasks``; write the tables and figures into the RunDir ``out``; return the summary dict."""
    results = executor.map(run_task, tasks, seed=seed, progress=progress)
    runs = _summary_table(tasks, results)
    out.write_table("runs", runs)
    agg = _aggregate(runs)
    out.write_table("by_algorithm", agg)
    for key in sorted({t.cell for t in tasks}):
        out.save_figure(_fig_name(key), _curves(key, tasks, results))
    return {"tasks": len(tasks), "by_algorithm": agg}


@register("cbim.learning", title="CBIM: SR, fair ratio and revenue of MCBIM vs DDPG/TD3/SAC/PPO/random "
          "(Tables III-VIII)", order=10)
def learning(ctx: ExperimentContext) -> dict[str, Any]:
    """Train all algorithms on the profile's grid; tables with CIs over seeds; learning curves."""
    tasks = grid(ctx.scale, str(ctx.out.path / "runs"))
    res = run_grid(tasks, ctx.executor, ctx.seed, ctx.out)
    ctx.out.write_text("notes.html", _notes(ctx.scale, tasks, res["by_algorithm"]))
    agg = res["by_algorithm"]
    out: dict[str, Any] = {"runs": len(tasks), "rounds": tasks[0].rounds}
    for i, a in enumerate(agg["algorithm"]):
        out[f"SR {a} (cell {agg['cell'][i]})"] = round(agg["success_ratio"][i], 3)
    return out


_COLS = ("success_ratio", "fair_ratio", "max_revenue", "mean_revenue", "mean_reward", "spend_ratio",
         "saturated_share", "sr_last_quarter", "fair_last_quarter", "reward_last_quarter", "policy_left_at",
         "reward_left_at", "final_action_shift", "seconds")
#: A policy has *left its initial policy* once its output (before noise) differs from round 0's by more than
#: this on average over the action coordinates, for good (5 % of the action range).
POLICY_SHIFT = 0.05
#: A reward curve has left its initial level once its moving mean differs from it by more than 5 %, for good.
REWARD_SHIFT = 0.05


def _summary_table(tasks: list[Task], results: list[dict[str, Any]]) -> dict[str, list]:
    from fairbid.cbim.metrics import rounds_to_leave

    cols: dict[str, list] = {k: [] for k in ("graph", "competitors", "seeds", "budget", "algorithm", "replicate",
                                             "rounds", *_COLS)}
    for t, r in zip(tasks, results):
        s, late = r["summary"], r["late"]
        w = max(20, t.rounds // 50)
        shift = np.asarray(r["action_shift"], dtype=float)
        pol = None if t.algorithm == "random" else rounds_to_leave(shift, start_window=w, threshold=POLICY_SHIFT)
        rew = rounds_to_leave(r["reward"], start_window=w, tolerance=REWARD_SHIFT)
        vals = {
            "graph": t.graph, "competitors": t.competitors, "seeds": t.seeds, "budget": t.budget,
            "algorithm": t.algorithm, "replicate": t.replicate, "rounds": t.rounds,
            "success_ratio": s["success_ratio"], "fair_ratio": s["fair_ratio"],
            "max_revenue": _nan(s["max_revenue"]), "mean_revenue": _nan(s["mean_revenue"]),
            "mean_reward": float(np.mean(s["mean_rewards"])), "spend_ratio": float(np.mean(s["spend_ratios"])),
            "saturated_share": s["saturated_share"], "sr_last_quarter": late["success_ratio"],
            "fair_last_quarter": late["fair_ratio"], "reward_last_quarter": float(np.mean(late["mean_rewards"])),
            "policy_left_at": float("nan") if pol is None else float(pol),
            "reward_left_at": float("nan") if rew is None else float(rew),
            "final_action_shift": float(np.mean(shift[-w:])) if t.algorithm != "random" else float("nan"),
            "seconds": s["seconds"],
        }
        for k, v in vals.items():
            cols[k].append(v)
    return cols


def _nan(x: Any) -> float:
    return float("nan") if x is None else float(x)


def mean_ci(x: Any, level: float = 0.95) -> tuple[float, float]:
    """Mean and half-width of the t-interval over replicates (NaNs dropped; half-width NaN for n < 2).

    Examples
    --------
    >>> m, h = mean_ci([1.0, 2.0, 3.0])   # sd 1, n 3, t_0.975,2 = 4.3027
    >>> round(m, 4), round(h, 4)
    (2.0, 2.4841)
    """
    from scipy.stats import t as student_t

    a = np.asarray(x, dtype=float)
    a = a[np.isfinite(a)]
    if a.size == 0:
        return float("nan"), float("nan")
    if a.size < 2:
        return float(a.mean()), float("nan")
    half = student_t.ppf(0.5 + level / 2, a.size - 1) * a.std(ddof=1) / math.sqrt(a.size)
    return float(a.mean()), float(half)


def _aggregate(table: dict[str, list]) -> dict[str, list]:
    """One row per (cell, algorithm): mean and 95 % CI half-width over replicates of every metric."""
    cells = list(zip(table["graph"], table["competitors"], table["seeds"], table["budget"]))
    alg = np.array(table["algorithm"])
    out: dict[str, list] = {"cell": [], "algorithm": [], "replicates": []}
    for c in _COLS:
        out[c] = []
        out[c + "_ci"] = []
    for cell in dict.fromkeys(cells):
        in_cell = np.array([x == cell for x in cells])
        for a in ALGOS:
            sel = in_cell & (alg == a)
            if not sel.any():
                continue
            out["cell"].append(f"{cell[0]} K={cell[1]} M={cell[2]} B={cell[3]:g}")
            out["algorithm"].append(a)
            out["replicates"].append(int(sel.sum()))
            for c in _COLS:
                m, h = mean_ci(np.asarray(table[c], dtype=float)[sel])
                out[c].append(m)
                out[c + "_ci"].append(h)
    return out


def _fig_name(key: tuple) -> str:
    graph, k, m, b = key
    return f"curves_{graph.replace(':', '_')}_K{k}_M{m}_B{b:g}"


def _band(ax, curves: list[np.ndarray], x0: int, label: str) -> None:
    arr = np.vstack(curves)
    mean = arr.mean(axis=0)
    x = np.arange(mean.size) + x0
    line, = ax.plot(x, mean, label=label, lw=1.2)
    if arr.shape[0] > 1:
        from scipy.stats import t as student_t

        half = student_t.ppf(0.975, arr.shape[0] - 1) * arr.std(axis=0, ddof=1) / math.sqrt(arr.shape[0])
        ax.fill_between(x, mean - half, mean + half, color=line.get_color(), alpha=0.2, lw=0)


def _curves(key: tuple, tasks: list[Task], results: list[dict[str, Any]]):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from fairbid.cbim.metrics import moving_mean

    fig, axes = plt.subplots(1, 4, figsize=(20, 3.8))
    for alg in ALGOS:
        runs = [r for t, r in zip(tasks, results) if t.cell == key and t.algorithm == alg]
        if not runs:
            continue
        window = max(10, len(runs[0]["reward"]) // 30)
        _band(axes[0], [moving_mean(r["reward"], window) for r in runs], window, alg)
        _band(axes[1], [moving_mean(r["all_sold"], window) for r in runs], window, alg)
        _band(axes[2], [moving_mean(r["fair"], window) for r in runs], window, alg)
        if alg != "random":
            _band(axes[3], [moving_mean(r["action_shift"], window) for r in runs], window, alg)
    axes[0].set(xlabel="bidding round", ylabel="mean reward per competitor (spread)")
    axes[1].set(xlabel="bidding round", ylabel="SR (moving share of rounds, all seeds sold)", ylim=(-0.02, 1.02))
    axes[2].set(xlabel="bidding round", ylabel="fair ratio (moving share, GE(2) <= 0.3)", ylim=(-0.02, 1.02))
    axes[3].axhline(POLICY_SHIFT, color="grey", lw=0.8, ls="--")
    axes[3].set(xlabel="bidding round", ylabel="policy shift: mean |a_t - a_0| (before noise)")
    axes[0].legend(fontsize=8)
    graph, k, m, b = key
    n = len({t.replicate for t in tasks if t.cell == key})
    fig.suptitle(f"{graph}: K={k}, M={m}, budget={b:g} each; mean and 95 % band over {n} seeds")
    fig.tight_layout()
    return fig


def _notes(scale: str, tasks: list[Task], agg: dict[str, list]) -> str:
    graphs = sorted({t.graph for t in tasks})
    rows = "".join(
        f"<tr><td>{c}</td><td>{a}</td><td>{sr:.3f} &plusmn; {src:.3f}</td><td>{fr:.3f} &plusmn; {frc:.3f}</td>"
        f"<td>{rev:.1f} &plusmn; {revc:.1f}</td><td>{sat:.3f}</td><td>{left:.0f}</td><td>{rl:.0f}</td></tr>"
        for c, a, sr, src, fr, frc, rev, revc, sat, left, rl in zip(
            agg["cell"], agg["algorithm"], agg["success_ratio"], agg["success_ratio_ci"], agg["fair_ratio"],
            agg["fair_ratio_ci"], agg["mean_revenue"], agg["mean_revenue_ci"], agg["saturated_share"],
            agg["policy_left_at"], agg["reward_left_at"]))
    return f"""<h3>Competitive bidding influence maximization (seed 001, §III-IV, Tables III-VIII)</h3>
<p>{len(tasks)} training runs, profile <b>{scale}</b>, {tasks[0].rounds} rounds each, on {', '.join(graphs)}.
<b>SR</b> is the paper's success ratio: the share of rounds in which every seed sold (Table III);
<b>fair ratio</b> the share of rounds with GE(2) &le; 0.3. Revenue = total CLT spread, mean over successful rounds.
&plusmn; = 95 % t-interval over seeds. "policy left at" = mean round after which the policy's output (before
noise) differs from its round-0 output by more than 0.05 on average, for good (NaN: never, or the random
bidder); "reward left at" = the same for the mean reward per competitor, 5 % of its initial level.</p>
<table><tr><th>cell</th><th>algorithm</th><th>SR</th><th>fair ratio</th><th>mean revenue</th>
<th>saturated share</th><th>policy left at</th><th>reward left at</th></tr>{rows}</table>
<p>Readings of the open points: bids from the seed's normal-distribution mapping (quantile a of
N(B/M, (B/M)^2), clipped to [0, B]); unsold seeds' prices decay by (1 - beta) down to the floor mean budget / M;
fairness over cost-effectiveness (spread per unit paid; the authors' code); CLT thresholds per simulation;
contribution degree against the seed's own past mean spread; beta = 0.3; starting price total budget / M
(Eq. 3); one round per episode, stored as terminal (no bootstrapping across episodes); rewards fed to the
learners divided by (spread of all M seeds) / K. Learners: MADDPG safeguards (learning starts with a full
batch, gradient-norm clipping 0.5, actor pre-activation penalty 1e-3, Gaussian exploration 0.1), with the
profile's batch and update interval (module docstring of <code>fairbid.cbim.experiments</code>).</p>"""


def _probe_env(graph: str, k: int, m: int, sims: int, rounds: int = 5) -> float:
    """Seconds per environment round (random actions, CLT rewards) on this cell."""
    import time

    from fairbid.cbim.env import make_env

    env = make_env(graph, competitors=k, seeds=m, seed=0, sims=sims)
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    env.play_round(rng.random((k, m)))  # warm-up: numba compilation, caches
    t0 = time.perf_counter()
    for _ in range(rounds):
        env.play_round(rng.random((k, m)))
    return (time.perf_counter() - t0) / rounds


def _probe_learner(alg: str, k: int, m: int, options: dict[str, Any], updates: int = 3) -> tuple[float, float]:
    """Seconds per ``act`` and per update of ``alg`` for K competitors and M seeds (buffer pre-filled)."""
    import time

    from fairbid.cbim.learners import make_config, make_learner

    cfg = make_config(alg, **{**options, "update_every": 1} if options else {})
    lr = make_learner(cfg, n_agents=k, obs_dim=m + 1, act_dim=m, state_dim=k * (m + 1), seed=0)
    rng = np.random.default_rng(0)
    obs = rng.random((k, m + 1))
    t0 = time.perf_counter()
    for _ in range(5):
        lr.act(obs)
    act = (time.perf_counter() - t0) / 5
    need = getattr(cfg, "start_after", 0) if alg != "ppo" else getattr(cfg, "rollout_rounds", 1)
    if alg == "random":
        return act, 0.0
    tr = lambda: {"obs": obs, "state": obs.reshape(-1), "action": rng.random((k, m)), "reward": rng.random(k),
                  "next_obs": obs, "next_state": obs.reshape(-1), "terminated": np.array(1.0)}
    if alg == "ppo":  # one update every rollout: time a whole rollout's update, spread over its rounds
        for _ in range(need):
            lr.act(obs)
            lr.observe(tr())
        t0 = time.perf_counter()
        lr.update()
        return act, (time.perf_counter() - t0) / need
    for _ in range(need):
        lr.observe(tr())
    lr.update()  # warm-up
    t0 = time.perf_counter()
    for _ in range(updates):
        lr.observe(tr())
        lr.update()
    return act, (time.perf_counter() - t0) / updates


def project_grid(tasks: list[Task], env_rounds: int = 5) -> dict[str, Any]:
    """Projected one-core seconds of ``tasks`` from short probes of every cell's environment and learner.

    Per run: rounds x (environment round + act) + (rounds - learning start) x update. Probes are cached per
    (graph, K, M) and per (algorithm, K, M). Returns the total and a per-(graph, K, M) breakdown.
    """
    env_cost: dict[tuple, float] = {}
    lr_cost: dict[tuple, tuple[float, float]] = {}
    per_cell: dict[str, float] = {}
    total = 0.0
    for t in tasks:
        ekey = (t.graph, t.competitors, t.seeds)
        if ekey not in env_cost:
            env_cost[ekey] = _probe_env(t.graph, t.competitors, t.seeds, t.sims, env_rounds)
        lkey = (t.algorithm, t.competitors, t.seeds)
        if lkey not in lr_cost:
            lr_cost[lkey] = _probe_learner(t.algorithm, t.competitors, t.seeds, dict(t.learner))
        act, upd = lr_cost[lkey]
        start = int(t.learner.get("learning_starts", t.learner.get("batch_size", 0))) if t.learner else 0
        secs = t.rounds * (env_cost[ekey] + act) + max(0, t.rounds - start) * upd
        name = f"{t.graph} K={t.competitors} M={t.seeds}"
        per_cell[name] = per_cell.get(name, 0.0) + secs
        total += secs
    return {"seconds": total, "hours": total / 3600, "runs": len(tasks), "per_cell_seconds": per_cell}
