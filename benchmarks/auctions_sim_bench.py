"""Simulated auctions per second (FP, SP, pSP) and long-run platform clicks per second.

Peers on the same input:

* mechanisms: the vectorized ``Mechanism.run`` on a (10^6, 5) bid matrix against a naive
  per-auction Python loop (sort-free max / second max, ``random.random`` for the mixture draw) on the
  first 20,000 rows, both reported as auctions per second;
* Monte Carlo pipeline: values → equilibrium bids → outcome → per-bin statistics
  (:func:`fairbid.auctions.montecarlo.simulate_auctions`), auctions per second;
* long run: the numba kernel of :func:`fairbid.auctions.platform.simulate_platform` (P = 50, N = 10,
  100,000 clicks, the seed's §V-B setting) against a plain-Python click loop with the same rules on
  10,000 clicks, both as clicks per second.
"""

from __future__ import annotations

import random
import time

import numpy as np

from fairbid.auctions.mechanisms import FirstPrice, SecondPrice, psp
from fairbid.auctions.montecarlo import simulate_auctions
from fairbid.auctions.platform import PlatformConfig, resolve_mechanism, simulate_platform
from fairbid.auctions.spec import MechanismSpec

BATCH, N, NAIVE_ROWS = 1_000_000, 5, 20_000


def _best(fn, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def naive_auctions(bids: np.ndarray, kind: str, r1: float, r2: float = 0.0, lam: float = 0.0) -> float:
    """Per-auction Python: the peer. Returns total revenue (so the work cannot be skipped)."""
    rnd = random.Random(0)
    total = 0.0
    for row in bids.tolist():
        if kind == "psp" and rnd.random() < lam:
            j = int(rnd.random() * len(row))
            total += r2 if row[j] >= r2 else 0.0
            continue
        best, second = -1.0, -1.0
        for b in row:
            if b >= r1:
                if b > best:
                    best, second = b, best
                elif b > second:
                    second = b
        if best >= 0:
            total += best if kind == "fp" else max(second, r1)
    return total


def naive_platform(clicks: int, mechanism: MechanismSpec, cfg: PlatformConfig, seed: int = 0) -> int:
    """Plain-Python click loop with the platform rules (fixed values, own-participation windows)."""
    rng = np.random.default_rng(seed)
    values = rng.random(cfg.advertisers).tolist()
    active = list(range(cfg.advertisers))
    part, wins = [0] * cfg.advertisers, [0] * cfg.advertisers
    rnd = random.Random(seed)
    r1 = mechanism.r1 if mechanism.is_probabilistic else mechanism.reserve
    for _ in range(clicks):
        if len(active) < cfg.per_click:
            break
        ids = rnd.sample(active, cfg.per_click)
        if mechanism.is_probabilistic and rnd.random() < mechanism.lam:
            j = ids[int(rnd.random() * len(ids))]
            winner = j if values[j] >= mechanism.r2 else -1
        else:
            winner = max(ids, key=lambda i: values[i])
            winner = winner if values[winner] >= r1 else -1
        for i in ids:
            part[i] += 1
        if winner >= 0:
            wins[winner] += 1
        for i in ids:
            if part[i] >= cfg.window:
                if wins[i] < cfg.theta * part[i]:
                    active.remove(i)
                part[i] = wins[i] = 0
    return len(active)


def main() -> None:
    bids = np.random.default_rng(0).random((BATCH, N))
    print(f"Mechanisms on a ({BATCH:,}, {N}) bid matrix vs per-auction Python on {NAIVE_ROWS:,} rows")
    cases = [("FP(0.1)", FirstPrice(0.1), ("fp", 0.1)), ("SP(0.1)", SecondPrice(0.1), ("sp", 0.1)),
             ("pSP(0.3, 0.1, 0.2)", psp(0.3, 0.1, 0.2), ("psp", 0.3, 0.1, 0.2))]
    for name, mech, naive_args in cases:
        t_vec = _best(lambda: mech.run(bids, seed=1))
        t_naive = _best(lambda: naive_auctions(bids[:NAIVE_ROWS], *naive_args), repeat=2)
        vec_rate, naive_rate = BATCH / t_vec, NAIVE_ROWS / t_naive
        print(f"  {name:20s} {vec_rate:12,.0f} auctions/s   naive {naive_rate:10,.0f} /s   "
              f"ratio {vec_rate / naive_rate:6.1f}x")

    print("Monte Carlo pipeline (values -> equilibrium bids -> outcome -> bin statistics), N = 5, U[0,1]")
    for spec in (MechanismSpec.fp(0.1), MechanismSpec.sp(0.1), MechanismSpec.psp(0.3, 0.1, 0.2)):
        t = _best(lambda: simulate_auctions(spec, "uniform:0:1", N, BATCH, seed=0), repeat=2)
        print(f"  {str(spec):36s} {BATCH / t:12,.0f} auctions/s")

    cfg = PlatformConfig(advertisers=50, per_click=10, clicks=100_000, theta=0.001, window=10_000, shortage="shrink")
    print("Long-run platform simulation, P = 50, N = 10, 100,000 clicks (numba) vs plain Python on 10,000 clicks")
    for label in ("sp", "psp-alg1"):
        spec = resolve_mechanism(label, "uniform:0:1", 10, 0.0, 0.001)
        simulate_platform(spec, cfg.replace(clicks=100), seed=0)  # compile / load the cached kernel
        t_fast = _best(lambda: simulate_platform(spec, cfg, seed=0))
        t_naive = _best(lambda: naive_platform(10_000, spec, cfg), repeat=2)
        fast, slow = cfg.clicks / t_fast, 10_000 / t_naive
        print(f"  {label:10s} {fast:12,.0f} clicks/s ({t_fast:.3f} s per run)   naive {slow:10,.0f} clicks/s   "
              f"ratio {fast / slow:6.1f}x")


if __name__ == "__main__":
    main()
