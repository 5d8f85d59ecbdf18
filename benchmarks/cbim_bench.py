"""Bidding-environment and MCBIM training throughput (seed 001, part 2).

Cases: K = 2, M = 10 on gnutella09 (when the dataset is found) and K = 10, M = 100 on the synthetic default
graph of fairbid.influence (100,000 nodes, 1,000,000 edges). Printed, each as a ratio against a named peer
on the same input:

- env rounds/s, reward computation (CLT spread, 50 simulations) included, against bare
  ``fairbid.influence.spread`` calls/s on the same won sets (the environment's overhead);
- the numba auction kernel against a plain-Python transcription of the same rules (auctions/s);
- MCBIM training rounds/s (act + step + replay + one centralized-critic update per round with the paper
  profile's batch 1024, learning from the 1024th transition on) against the random bidder's rounds/s (the
  cost of learning); only the rounds after the learning start are timed for MCBIM;
- the paper grid's projected one-core time (``fairbid.cbim.experiments.project_grid``) against the
  session budget of 40 minutes (``--project`` of ``fairbid cbim grid`` prints the same).

The seed's Table IV reports 28-466 s per training run on a GPU machine; compare per-round times printed here
(multiply by the number of rounds) with care: its reward was a degree proxy, ours a Monte Carlo CLT spread.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")


def _rate(fn, min_time: float = 1.5, min_iter: int = 3) -> float:
    fn()  # warm-up (numba compilation, caches)
    n, start = 0, time.perf_counter()
    while n < min_iter or time.perf_counter() - start < min_time:
        fn()
        n += 1
    return n / (time.perf_counter() - start)


def _python_auction(bids, prices, budgets):
    remaining = list(budgets)
    for j, p in enumerate(prices):
        valid = sorted(((b[j], i) for i, b in enumerate(bids) if 0 < b[j] and p <= b[j] <= remaining[i]),
                       reverse=True)
        if valid:
            remaining[valid[0][1]] -= valid[1][0] if len(valid) > 1 else p


def env_case(graph: str, k: int, m: int, sims: int = 50) -> None:
    from fairbid.cbim.auction import run_auction
    from fairbid.cbim.env import make_env
    from fairbid.influence import spread

    t0 = time.perf_counter()
    env = make_env(graph, competitors=k, seeds=m, seed=0, sims=sims)
    print(f"[{graph}, K={k}, M={m}] graph load + seed choice: {time.perf_counter() - t0:.2f} s")
    env.reset(seed=0)
    rng = np.random.default_rng(0)
    won_log: list[list[np.ndarray]] = []

    def round_():
        env.step({a: rng.random(m).astype(np.float32) for a in env.possible_agents})
        won_log.append([env.seed_nodes[env.last_round["winners"] == i] for i in range(k)])
        env.reset()

    env_rate = _rate(round_)
    start = time.perf_counter()
    for won in won_log[1:]:  # the very same won sets as the timed rounds, so both sides do the same work
        spread(env.graph, won, model="clt", sims=sims, seed=1, return_origins=True)
    spread_rate = (len(won_log) - 1) / (time.perf_counter() - start)
    print(f"  env rounds/s (incl. CLT spread, {sims} sims): {env_rate:9.1f}  vs bare spread() calls/s "
          f"{spread_rate:9.1f} on the same won sets  ratio {env_rate / spread_rate:.2f}")
    bids = rng.random((k, m)) * env.budgets[0]
    gen = np.random.default_rng(1)
    kern = _rate(lambda: run_auction(bids, env.starting_prices, env.budgets, seed=gen), min_time=0.5)
    py = _rate(lambda: _python_auction(bids.tolist(), env.starting_prices.tolist(), env.budgets.tolist()),
               min_time=0.5)
    print(f"  auction/s numba kernel: {kern:9.0f}  vs plain Python: {py:9.0f}  speed-up {kern / py:.1f}x")


def train_case(graph: str, k: int, m: int, rounds: int, sims: int = 50, batch: int = 1024) -> None:
    from fairbid.cbim.training import TrainConfig, read_rounds, train

    rates, totals = {}, {}
    for alg in ("mcbim", "random"):
        lo = {"batch_size": batch, "learning_starts": batch, "update_every": 1} if alg == "mcbim" else {}
        n = rounds + (batch if alg == "mcbim" else 0)
        cfg = TrainConfig(graph=graph, competitors=k, seeds=m, algorithm=alg, rounds=n, seed=0,
                          checkpoint_every=n, env_options={"sims": sims}, learner_options=lo)
        run = tempfile.mkdtemp(prefix="cbim-bench-")
        s = train(cfg, run)
        wall = np.asarray(read_rounds(os.path.join(run, "rounds"))["wall_time"])[-rounds:]
        rates[alg] = rounds / float(np.sum(wall))
        totals[alg] = s["seconds"]
        shutil.rmtree(run, ignore_errors=True)
    print(f"  training rounds/s over {rounds} rounds (act + step + store + update): mcbim {rates['mcbim']:.2f} "
          f"vs random bidder {rates['random']:.2f} (ratio {rates['mcbim'] / rates['random']:.2f}); "
          f"{1000 / rates['mcbim']:.1f} ms per MCBIM round; whole run incl. setup and checkpoint "
          f"{totals['mcbim']:.1f} s")


def main() -> None:
    from fairbid.influence import DEFAULT_SPEC, find_dataset

    if find_dataset("gnutella09") is not None:
        env_case("gnutella09", 2, 10)
        train_case("gnutella09", 2, 10, rounds=300)
    else:
        print("gnutella09 not found; skipping the K=2, M=10 case")
    env_case(DEFAULT_SPEC, 10, 100)
    train_case(DEFAULT_SPEC, 10, 100, rounds=15, batch=64)
    project_case()


def project_case() -> None:
    from fairbid.cbim.experiments import grid, project_grid

    tasks = grid("paper", tempfile.gettempdir())
    t0 = time.perf_counter()
    p = project_grid(tasks)
    print(f"[paper grid] {p['runs']} runs on the datasets found: projected {p['hours']:.1f} h on one core "
          f"({p['seconds'] / 2400:.0f}x a 40-minute session budget; probes took {time.perf_counter() - t0:.0f} s)")
    for cell, secs in sorted(p["per_cell_seconds"].items(), key=lambda kv: -kv[1])[:6]:
        print(f"  {cell}: {secs / 3600:.2f} h")


if __name__ == "__main__":
    main()
