"""Issue 13 parts 4-6 benchmarks: ORIGAMI on 10^3 targets (target <= 1 s) and the correlated-values
optimal-auction LP on 2 bidders x 20 values (target <= 10 s).

ORIGAMI's peer is the multiple-LPs method on the same game (one HiGHS LP per target, ``security_sse_lps``);
both must give the same defender utility. The auction LP is timed against its target for both IR notions
and its mechanism re-checked by brute force (``check_mechanism``). Times are best of ``REPS`` (shared machine).

Run: ``python -m benchmarks catalog_games``.
"""

from __future__ import annotations

import os
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
ORIGAMI_TARGET_S = 1.0
LP_TARGET_S = 10.0
REPS = 3


def _best(fn, *args, reps: int = REPS):
    best, out = float("inf"), None
    for _ in range(reps):
        t = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    from fairbid.auctions.optimal_correlated import check_mechanism, optimal_dsic_auction, random_correlated_instance
    from fairbid.games import SecurityGame, origami, security_sse_lps

    rng = np.random.default_rng(13)
    print(f"ORIGAMI, best of {REPS}; target {ORIGAMI_TARGET_S} s; peer = one HiGHS LP per target (1 run)")
    print(f"{'targets':>8} {'origami s':>10} {'/target':>9} {'peer s':>8} {'origami/peer':>13} {'|gap|':>9}")
    for n in (1000, 100_000):
        g = SecurityGame.make(n / 10, rng.uniform(0, 10, n), -rng.uniform(0, 10, n), -rng.uniform(0, 10, n),
                              rng.uniform(0, 10, n))
        t_o, a = _best(origami, g)
        if n <= 1000:
            t_p, b = _best(security_sse_lps, g, reps=1)
            print(f"{n:8d} {t_o:10.5f} {t_o / ORIGAMI_TARGET_S:9.5f} {t_p:8.2f} {t_o / t_p:13.2e} "
                  f"{abs(a.defender_utility - b.defender_utility):9.1e}")
        else:
            print(f"{n:8d} {t_o:10.5f} {t_o / ORIGAMI_TARGET_S:9.5f} {'-':>8} {'-':>13} {'-':>9}")

    print(f"\nOptimal DSIC auction LP, 2 bidders x 20 values, best of {REPS}; target {LP_TARGET_S} s")
    print(f"{'IR':>10} {'seconds':>8} {'/target':>8} {'revenue':>9} {'welfare':>8} {'max violation':>14}")
    inst = random_correlated_instance(2, 20, seed=13)
    for ir in ("ex-post", "ex-interim"):
        t, res = _best(optimal_dsic_auction, inst, ir)
        chk = check_mechanism(inst, res.allocation, res.payment, ir)
        viol = max(chk["ic_violation"], chk["ir_violation"], chk["feasibility_violation"])
        print(f"{ir:>10} {t:8.3f} {t / LP_TARGET_S:8.3f} {res.revenue:9.5f} {inst.expected_welfare():8.5f} {viol:14.1e}")


if __name__ == "__main__":
    main()
