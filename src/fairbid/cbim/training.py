"""Training and evaluation runs: per-round Parquet rows, checkpoints, and exact resume after a kill.

Run directory layout::

    <run>/config.json                       the TrainConfig (everything ``--resume`` needs)
    <run>/rounds/seg-<start>-<end>.parquet  per-round rows of rounds [start, end), one file per checkpoint
    <run>/checkpoint.pt                     environment, learner, RNG states after round <end>
    <run>/summary.json                      the summary, when the run finished
    <run>/evaluate/...                      rows and summary of ``evaluate``

Each segment is written (atomically) *before* the checkpoint that covers it. On resume, every segment
starting at or after the checkpoint's round is deleted and replayed; since every random stream (the env's
numpy generator, the learner's torch generators, from which every forked torch RNG is seeded, and the replay
buffer) is restored from the checkpoint, the replayed rows equal the lost ones: none lost, none duplicated.
"""

from __future__ import annotations

import io
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from fairbid.cbim.env import BiddingEnv, make_env
from fairbid.cbim.learners import make_config, make_learner
from fairbid.cbim.metrics import summarize
from fairbid.core.errors import FairbidError, check_int
from fairbid.core.rng import seed_int, spawn
from fairbid.core.rundir import RunDir, atomic_write_bytes, read_parquet, write_parquet


@dataclass
class TrainConfig:
    """A training run.

    Attributes
    ----------
    graph : str
        Dataset name, path or synthetic spec.
    competitors, seeds : int
        K and M.
    budget : float or list of float, optional
        Round budget of each competitor (default ceil(M / 2)).
    algorithm : str
        One of :data:`fairbid.cbim.learners.ALGORITHMS`.
    rounds : int
        Bidding rounds (= episodes of one round each, as in the seed).
    seed : int
    checkpoint_every : int
        Rounds between checkpoints (and Parquet segments).
    env_options : dict
        Keywords for :func:`fairbid.cbim.make_env` / :class:`BiddingEnv`.
    learner_options : dict
        Overrides of the algorithm's config dataclass.
    """

    graph: str = "synthetic:powerlaw:1000:4000:0"
    competitors: int = 2
    seeds: int = 10
    budget: Any = None
    algorithm: str = "mcbim"
    rounds: int = 100
    seed: int = 0
    checkpoint_every: int = 50
    env_options: dict[str, Any] = field(default_factory=dict)
    learner_options: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_int("--rounds", self.rounds, minimum=1)
        check_int("--checkpoint-every", self.checkpoint_every, minimum=1)
        make_config(self.algorithm, **self.learner_options)


class Interrupted(RuntimeError):
    """Raised by ``train(stop_after=...)`` to simulate a kill (tests)."""


def build(config: TrainConfig, env_factory: Callable[..., BiddingEnv] | None = None):
    """The environment and learner of ``config`` (fresh, seeded)."""
    env_ss, learner_ss, _ = spawn(config.seed, 3)
    factory = env_factory or make_env
    env = factory(config.graph, competitors=config.competitors, seeds=config.seeds, budget=config.budget,
                  seed=seed_int(env_ss), **dict(config.env_options))
    k, m = env.n_competitors, env.n_seeds
    learner = make_learner(make_config(config.algorithm, **config.learner_options), n_agents=k,
                           obs_dim=m + 1, act_dim=m, state_dim=k * (m + 1), seed=seed_int(learner_ss))
    return env, learner


def reward_scale(env: BiddingEnv, seed: int) -> float:
    """Scale of the rewards fed to the learners: spread of all M seeds together, divided by K.

    Raw spreads differ by orders of magnitude between graphs (the seed notes this hurts learning), so
    learners see reward / scale; the logged rewards stay raw.
    """
    res = env.spread_fn(env.graph, [env.seed_nodes], model=env.model, sims=env.sims,
                        thresholds=env.thresholds, max_steps=env.max_steps, seed=seed)
    return max(float(np.sum(res.spreads)) / env.n_competitors, 1e-9)


def _row(record: dict[str, Any], r: int, wall: float) -> dict[str, Any]:
    row: dict[str, Any] = {"round": r}
    for i, (rew, cost, ratio) in enumerate(zip(record["spreads"], record["costs"], record["spend_ratios"])):
        row[f"reward_{i}"] = float(rew)
        row[f"cost_{i}"] = float(cost)
        row[f"spend_ratio_{i}"] = float(ratio)
    row.update(ge=float(record["ge"]), fair=bool(record["fair"]), all_sold=bool(record["all_sold"]),
               revenue=float(record["revenue"]), wall_time=wall)
    return row


def _write_segment(directory: Path, start: int, rows: list[dict[str, Any]]) -> None:
    if rows:
        cols = {k: [row[k] for row in rows] for k in rows[0]}
        write_parquet(directory / f"seg-{start:09d}-{start + len(rows):09d}.parquet", cols)


def read_rounds(directory: str | Path) -> dict[str, list]:
    """All per-round rows of a ``rounds`` directory, in round order."""
    files = sorted(Path(directory).glob("seg-*.parquet"))
    table: dict[str, list] = {}
    for f in files:
        for k, v in read_parquet(f).items():
            table.setdefault(k, []).extend(v)
    return table


def _save_checkpoint(path: Path, payload: dict[str, Any]) -> None:
    import torch

    buf = io.BytesIO()
    torch.save(payload, buf)
    atomic_write_bytes(path, buf.getvalue())


def load_checkpoint(path: Path) -> dict[str, Any]:
    """Read a checkpoint written by :func:`train` (trusted: our own file)."""
    import torch

    if not path.exists():
        raise FairbidError("run directory", "has no checkpoint.pt; was it trained?", str(path.parent))
    return torch.load(path, weights_only=False)


def play(env: BiddingEnv, learner: Any, obs: np.ndarray, *, explore: bool, learn: bool):
    """One round: act, step, (learn); return the record and the next observation matrix."""
    actions = learner.act(obs, explore=explore)
    state = env.state()
    env.step({a: actions[i].astype(np.float32) for i, a in enumerate(env.possible_agents)})
    record = env.last_round
    next_obs = env._obs_matrix()
    losses: dict[str, float] = {}
    if learn:
        learner.observe({"obs": obs, "state": state, "action": actions,
                         "reward": record["spreads"] / learner.reward_scale, "next_obs": next_obs,
                         "next_state": env.state(), "terminated": np.array(0.0)})
        losses = learner.update()
    if not env.agents:
        env.reset()
    return record, next_obs, losses


def train(
    config: TrainConfig | None = None,
    run_dir: str | Path | None = None,
    *,
    resume: bool = False,
    stop_after: int | None = None,
    env_factory: Callable[..., BiddingEnv] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Train (or resume training) and return the summary with ``seconds`` and ``run_dir``.

    Parameters
    ----------
    config : TrainConfig, optional
        Required unless ``resume`` (then read from ``run_dir/config.json``).
    run_dir : path, optional
        Where to write; default ``runs/cbim-<algorithm>-seed<seed>-<time>``.
    resume : bool
        Continue the run in ``run_dir`` from its last checkpoint.
    stop_after : int, optional
        Raise :class:`Interrupted` after this many rounds (simulates a kill, for tests).
    env_factory : callable, optional
        Replaces :func:`make_env` (tests with a stand-in spread function).
    progress : callable, optional
        ``progress(done, total)`` after every round.
    """
    import torch

    torch.set_num_threads(1)
    t0 = time.perf_counter()
    if resume:
        if run_dir is None:
            raise FairbidError("--resume", "needs the run directory", None)
        rd = RunDir(run_dir)
        config = TrainConfig(**rd.read_json("config.json"))
    else:
        if config is None:
            raise FairbidError("config", "is required for a new run", None)
        root = Path(run_dir) if run_dir is not None else None
        rd = RunDir.create(root, f"cbim-{config.algorithm}", seed=config.seed, config=asdict(config),
                           exact=root is not None)
    seg_dir = rd.path / "rounds"
    seg_dir.mkdir(exist_ok=True)
    env, learner = build(config, env_factory)
    ckpt_path = rd.path / "checkpoint.pt"
    if resume and ckpt_path.exists():
        ck = load_checkpoint(ckpt_path)
        env.set_platform_state(ck["env"])
        learner.load_state_dict(ck["learner"])
        learner.reward_scale = ck["reward_scale"]
        start, obs, elapsed = int(ck["round"]), ck["obs"], float(ck["seconds"])
    else:
        learner.reward_scale = reward_scale(env, seed_int(spawn(config.seed, 3)[2]))
        obs, _ = env.reset(seed=seed_int(spawn(config.seed, 3)[0]))
        obs = env._obs_matrix()
        start, elapsed = 0, 0.0
    for f in seg_dir.glob("seg-*.parquet"):
        if int(f.name.split("-")[1]) >= start:
            f.unlink()
    seg_start, rows = start, []
    for r in range(start, config.rounds):
        tr = time.perf_counter()
        record, obs, _ = play(env, learner, obs, explore=True, learn=True)
        rows.append(_row(record, r, time.perf_counter() - tr))
        done = r + 1
        if done % config.checkpoint_every == 0 or done == config.rounds:
            _write_segment(seg_dir, seg_start, rows)
            _save_checkpoint(ckpt_path, {
                "round": done, "env": env.get_platform_state(), "learner": learner.state_dict(),
                "reward_scale": learner.reward_scale, "obs": obs,
                "seconds": elapsed + time.perf_counter() - t0,
            })
            seg_start, rows = done, []
        if progress is not None:
            progress(done, config.rounds)
        if stop_after is not None and done >= stop_after and done < config.rounds:
            raise Interrupted(f"stopped after round {done}")
    summary = summarize(read_rounds(seg_dir))
    summary.update(seconds=elapsed + time.perf_counter() - t0, run_dir=str(rd.path),
                   algorithm=config.algorithm)
    rd.write_json("summary.json", summary)
    return summary


def evaluate(run_dir: str | Path, rounds: int = 100, *, env_factory: Callable[..., BiddingEnv] | None = None,
             seed: int | None = None) -> dict[str, Any]:
    """Replay the trained policies with exploration and learning off for ``rounds`` rounds.

    Starts from the platform state at the end of training (starting prices as the platform left them);
    rows go to ``<run>/evaluate/rounds``; the summary has the training summary's keys.
    """
    rounds = check_int("--rounds", rounds, minimum=1)
    t0 = time.perf_counter()
    rd = RunDir(run_dir)
    if not (rd.path / "config.json").exists():
        raise FairbidError("RUN_DIR", "is not a cbim training run (no config.json)", str(run_dir))
    config = TrainConfig(**rd.read_json("config.json"))
    env, learner = build(config, env_factory)
    ck = load_checkpoint(rd.path / "checkpoint.pt")
    env.set_platform_state(ck["env"])
    env.reset()
    learner.load_state_dict(ck["learner"])
    learner.reward_scale = ck["reward_scale"]
    if seed is not None:
        env._rng = np.random.default_rng(seed_int(seed))
    obs = env._obs_matrix()
    rows = []
    for r in range(rounds):
        tr = time.perf_counter()
        record, obs, _ = play(env, learner, obs, explore=False, learn=False)
        rows.append(_row(record, r, time.perf_counter() - tr))
    out = rd.sub("evaluate")
    for f in (out.path / "rounds").glob("seg-*.parquet"):
        f.unlink()
    _write_segment(out.path / "rounds", 0, rows)
    summary = summarize(read_rounds(out.path / "rounds"))
    summary.update(seconds=time.perf_counter() - t0, run_dir=str(rd.path), algorithm=config.algorithm)
    out.write_json("summary.json", summary)
    return summary


def summary_json(summary: dict[str, Any]) -> str:
    """The CLI contract's keys, in order, as JSON."""
    keys = ("success_ratio", "max_revenue", "mean_revenue", "mean_rewards", "spend_ratios", "seconds", "run_dir")
    return json.dumps({k: summary[k] for k in keys})
