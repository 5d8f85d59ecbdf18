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
import math
import re
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

from fairbid.cbim.env import BiddingEnv, make_env
from fairbid.cbim.learners import make_config, make_learner
from fairbid.cbim.metrics import summarize
from fairbid.core.errors import FairbidError, check_int
from fairbid.core.progress import progress_task
from fairbid.core.rng import seed_int, spawn
from fairbid.core.rundir import RunDir, atomic_write_bytes, read_parquet, write_parquet
from fairbid.core.validate import load_json_file


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
        check_int("--rounds", self.rounds, minimum=1, maximum=10**8)
        check_int("--checkpoint-every", self.checkpoint_every, minimum=1)
        make_config(self.algorithm, **self.learner_options)

    @classmethod
    def from_json(cls, data: Any, what: str = "config.json") -> "TrainConfig":
        """A config read back from a run directory, every field checked (one-line errors name it)."""
        from fairbid.core.validate import require_number, require_type

        require_type(what, data, dict, "a JSON object")
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise FairbidError(what, f"has unknown fields; known: {', '.join(sorted(known))}", unknown)
        missing = sorted({"graph", "competitors", "seeds", "algorithm", "rounds", "seed"} - set(data))
        if missing:
            raise FairbidError(what, "lacks fields", missing)
        kw: dict[str, Any] = {}
        kw["graph"] = require_type(f"{what} graph", data["graph"], str, "a string")
        kw["algorithm"] = require_type(f"{what} algorithm", data["algorithm"], str, "a string")
        for key, low, high in (("competitors", 2, 10**6), ("seeds", 1, 10**7), ("rounds", 1, 10**8),
                               ("seed", 0, 2**64 - 1), ("checkpoint_every", 1, 10**8)):
            if key in data:
                v = data[key]
                if not isinstance(v, int) or isinstance(v, bool):  # exact: seeds are 63-bit integers
                    require_number(f"{what} {key}", v, low=low, high=high)
                    raise FairbidError(f"{what} {key}", "must be an integer", v)
                if not low <= v <= high:
                    raise FairbidError(f"{what} {key}", f"must be in [{low}, {high}]", v)
                kw[key] = v
        b = data.get("budget")
        if isinstance(b, list):
            kw["budget"] = [require_number(f"{what} budget", x, low=0.0) for x in b]
        elif b is not None:
            kw["budget"] = require_number(f"{what} budget", b, low=0.0)
        for key in ("env_options", "learner_options"):
            if key in data:
                kw[key] = dict(require_type(f"{what} {key}", data[key], dict, "a JSON object"))
        if "hidden" in kw.get("learner_options", {}):
            kw["learner_options"]["hidden"] = tuple(kw["learner_options"]["hidden"])
        try:
            return cls(**kw)
        except TypeError as exc:
            raise FairbidError(what, f"does not describe a run ({exc})") from None


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


def _row(record: dict[str, Any], r: int, wall: float, first_action: Any = None) -> dict[str, Any]:
    """One round's row. ``mean_action`` is the mean policy output (before exploration noise) and
    ``action_shift`` the mean absolute change of the policy output since round 0 (how far the learner has
    left its initial policy)."""
    row: dict[str, Any] = {"round": r}
    for i, (rew, cost, ratio) in enumerate(zip(record["spreads"], record["costs"], record["spend_ratios"])):
        row[f"reward_{i}"] = float(rew)
        row[f"cost_{i}"] = float(cost)
        row[f"spend_ratio_{i}"] = float(ratio)
    row.update(ge=float(record["ge"]), fair=bool(record["fair"]), all_sold=bool(record["all_sold"]),
               revenue=float(record["revenue"]), saturated=float(record.get("saturated", 0.0)))
    pa = record.get("policy_action")
    row["mean_action"] = float(np.mean(pa)) if pa is not None else float("nan")
    row["action_shift"] = (float(np.mean(np.abs(np.asarray(pa) - np.asarray(first_action))))
                           if pa is not None and first_action is not None else float("nan"))
    row["wall_time"] = wall
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
    """Read a checkpoint written by :func:`train` (our own file); a damaged one is a one-line error."""
    import torch

    if not path.exists():
        raise FairbidError("run directory", "has no checkpoint.pt; was it trained?", str(path.parent))
    if not path.is_file() or path.stat().st_size == 0:
        raise FairbidError("checkpoint.pt", "is empty or not a file", str(path))
    try:
        ck = torch.load(path, weights_only=False)
    except Exception as exc:  # truncated zip, garbage bytes, pickle errors: all mean "damaged"
        raise FairbidError("checkpoint.pt", f"is damaged or truncated ({type(exc).__name__})", str(path)) from None
    keys = {"round", "env", "learner", "reward_scale", "obs", "seconds"}
    if not isinstance(ck, dict) or not keys <= set(ck):
        raise FairbidError("checkpoint.pt", "is not a cbim training checkpoint", str(path))
    return ck


def _check_checkpoint(ck: dict[str, Any], config: TrainConfig, path: Path) -> None:
    """The checkpoint's round, observation shape and reward scale fit the run's config."""
    r = ck["round"]
    if isinstance(r, bool) or not isinstance(r, int) or not 1 <= r <= config.rounds:
        raise FairbidError("checkpoint.pt", f"round must be an integer in [1, {config.rounds}]", r)
    obs = np.asarray(ck["obs"])
    if obs.shape != (config.competitors, config.seeds + 1):
        raise FairbidError("checkpoint.pt", f"observations must have shape {(config.competitors, config.seeds + 1)} "
                           "as the run's config says", obs.shape)
    scale = ck["reward_scale"]
    if not isinstance(scale, (int, float)) or not math.isfinite(scale) or scale <= 0:
        raise FairbidError("checkpoint.pt", "reward scale must be a positive number", scale)


_SEGMENT = re.compile(r"seg-(\d{9})-(\d{9})\.parquet")


def _check_segments(seg_dir: Path, start: int) -> None:
    """Segments kept on resume (those before round ``start``) must read, tile [0, start) and hold their rounds."""
    if not seg_dir.exists():
        if start > 0:
            raise FairbidError("run directory", "has a checkpoint but no rounds/ directory", str(seg_dir.parent))
        return
    covered = 0
    for f in sorted(seg_dir.glob("seg-*.parquet")):
        m = _SEGMENT.fullmatch(f.name)
        if m is None:
            raise FairbidError("rounds segment", "has a malformed name (want seg-<start>-<end>.parquet)", f.name)
        a, b = int(m.group(1)), int(m.group(2))
        if a >= start:
            continue  # after the checkpoint: deleted and replayed
        if b > start or a != covered or b <= a:
            raise FairbidError("rounds segment", f"does not fit the checkpoint (rounds {covered}..{start} expected)",
                               f.name)
        try:
            cols = read_parquet(f)
        except Exception as exc:
            raise FairbidError("rounds segment", f"is not a readable Parquet file ({type(exc).__name__})",
                               f.name) from None
        if list(cols.get("round", [])) != list(range(a, b)):
            raise FairbidError("rounds segment", f"must hold rounds {a}..{b - 1}", f.name)
        covered = b
    if covered != start:
        raise FairbidError("run directory", f"segments cover rounds 0..{covered}, the checkpoint says {start}",
                           str(seg_dir))


def open_run(run_dir: str | Path | None, what: str = "--resume") -> tuple[Path, TrainConfig]:
    """Validate an existing run directory (never creates one) and return it with its config."""
    if run_dir is None:
        raise FairbidError(what, "needs the run directory", None)
    path = Path(run_dir)
    if not path.exists():
        raise FairbidError(what, "run directory does not exist", str(path))
    if not path.is_dir():
        raise FairbidError(what, "is not a directory", str(path))
    if not (path / "config.json").exists():
        raise FairbidError(what, "is not a cbim training run (no config.json)", str(path))
    config = TrainConfig.from_json(load_json_file(path / "config.json", "config.json"))
    done = path / "summary.json"
    if done.exists():
        s = load_json_file(done, "summary.json")
        if not isinstance(s, dict) or "success_ratio" not in s:
            raise FairbidError("summary.json", "is not a cbim run summary", str(done))
    return path, config


def play(env: BiddingEnv, learner: Any, obs: np.ndarray, *, explore: bool, learn: bool):
    """One round: act, step, (learn); return the record and the next observation matrix."""
    actions = learner.act(obs, explore=explore)
    state = env.state()
    env.step({a: actions[i].astype(np.float32) for i, a in enumerate(env.possible_agents)})
    record = env.last_round
    record["saturated"] = float(getattr(learner, "last_saturation", 0.0))
    record["policy_action"] = getattr(learner, "last_policy_action", None)
    next_obs = env._obs_matrix()
    ended = not env.agents  # the episode's last round: stored as terminal, so the critic does not bootstrap
    losses: dict[str, float] = {}
    if learn:
        learner.observe({"obs": obs, "state": state, "action": actions,
                         "reward": record["spreads"] / learner.reward_scale, "next_obs": next_obs,
                         "next_state": env.state(), "terminated": np.array(float(ended))})
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
    env = learner = None
    if resume:
        path, config = open_run(run_dir)
        rd = RunDir(path)
    else:
        if config is None:
            raise FairbidError("config", "is required for a new run", None)
        # Build first: a bad graph or environment option fails before any file is written.
        env, learner = build(config, env_factory)
        root = Path(run_dir) if run_dir is not None else None
        rd = RunDir.create(root, f"cbim-{config.algorithm}", seed=config.seed, config=asdict(config),
                           exact=root is not None)
    seg_dir = rd.path / "rounds"
    seg_dir.mkdir(exist_ok=True)
    ckpt_path = rd.path / "checkpoint.pt"
    ck = None
    if resume and ckpt_path.exists():
        ck = load_checkpoint(ckpt_path)
        _check_checkpoint(ck, config, ckpt_path)
        _check_segments(seg_dir, int(ck["round"]))
    if env is None:
        env, learner = build(config, env_factory)
    if ck is not None:
        _restore(env, learner, ck)
        start, obs, elapsed = int(ck["round"]), ck["obs"], float(ck["seconds"])
        first_action = ck.get("first_action")
    else:
        learner.reward_scale = reward_scale(env, seed_int(spawn(config.seed, 3)[2]))
        obs, _ = env.reset(seed=seed_int(spawn(config.seed, 3)[0]))
        obs = env._obs_matrix()
        start, elapsed, first_action = 0, 0.0, None
    for f in seg_dir.glob("seg-*.parquet"):
        if int(f.name.split("-")[1]) >= start:
            f.unlink()
    seg_start, rows = start, []
    with progress_task(f"cbim train {config.algorithm}", total=config.rounds) as advance:
        advance(start)
        for r in range(start, config.rounds):
            tr = time.perf_counter()
            record, obs, _ = play(env, learner, obs, explore=True, learn=True)
            if first_action is None and record.get("policy_action") is not None:
                first_action = np.array(record["policy_action"], dtype=float)
            rows.append(_row(record, r, time.perf_counter() - tr, first_action))
            done = r + 1
            if done % config.checkpoint_every == 0 or done == config.rounds:
                _write_segment(seg_dir, seg_start, rows)
                _save_checkpoint(ckpt_path, {
                    "round": done, "env": env.get_platform_state(), "learner": learner.state_dict(),
                    "reward_scale": learner.reward_scale, "obs": obs, "first_action": first_action,
                    "seconds": elapsed + time.perf_counter() - t0,
                })
                seg_start, rows = done, []
            advance()
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
    path, config = open_run(run_dir, "RUN_DIR")
    rd = RunDir(path)
    ck = load_checkpoint(rd.path / "checkpoint.pt")
    _check_checkpoint(ck, config, rd.path / "checkpoint.pt")
    env, learner = build(config, env_factory)
    _restore(env, learner, ck)
    env.reset()
    if seed is not None:
        env._rng = np.random.default_rng(seed_int(seed))
    obs = env._obs_matrix()
    rows = []
    for r in range(rounds):
        tr = time.perf_counter()
        record, obs, _ = play(env, learner, obs, explore=False, learn=False)
        rows.append(_row(record, r, time.perf_counter() - tr, ck.get("first_action")))
    out = rd.sub("evaluate")
    for f in (out.path / "rounds").glob("seg-*.parquet"):
        f.unlink()
    _write_segment(out.path / "rounds", 0, rows)
    summary = summarize(read_rounds(out.path / "rounds"))
    summary.update(seconds=time.perf_counter() - t0, run_dir=str(rd.path), algorithm=config.algorithm)
    out.write_json("summary.json", summary)
    return summary


def _restore(env: BiddingEnv, learner: Any, ck: dict[str, Any]) -> None:
    """Load a checkpoint's states; a mismatch with the run's config is a one-line error."""
    try:
        env.set_platform_state(ck["env"])
        learner.load_state_dict(ck["learner"])
    except (KeyError, TypeError, ValueError, RuntimeError, IndexError) as exc:
        raise FairbidError("checkpoint.pt", f"does not match the run's config ({type(exc).__name__})") from None
    learner.reward_scale = float(ck["reward_scale"])


#: Keys of ``cbim train/evaluate --json``, in order.
CONTRACT_KEYS = ("success_ratio", "fair_ratio", "max_revenue", "mean_revenue", "mean_rewards", "spend_ratios",
                 "saturated_share", "seconds", "run_dir")


def summary_json(summary: dict[str, Any]) -> str:
    """The CLI contract's keys, in order, as JSON."""
    return json.dumps({k: summary[k] for k in CONTRACT_KEYS})
