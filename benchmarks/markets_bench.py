"""fairbid.markets benchmark: proportional response vs the Eisenberg-Gale convex program, and pacing at scale.

Targets (issue 11, one core): proportional response on 10^4 buyers x 10^3 goods (dense) to max violation
<= 1e-6 in <= 10 s (met by :func:`fairbid.markets.fisher.fisher_large`: PR, smoothed-dual Newton, exact
forest finish); the convex program on 10^3 x 10^2 in <= 10 s; first-price pacing on 10^3 buyers x 10^4
goods in <= 30 s. Printed as ratios time/target, and against the convex program (peer) on the same
instance where the convex program is affordable. Violations are the checker's
(:func:`fairbid.markets.check_equilibrium`), never the solver's own. Run with ``taskset -c 0`` for one core.

Run: ``python -m benchmarks markets`` (``MARKETS_BENCH_QUICK=1`` skips the 10^7-cell instances).
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

TARGET_PR_S, TARGET_EG_S, TARGET_FPPE_S = 10.0, 10.0, 30.0


def _timed(fn, *a, **k):
    t = time.perf_counter()
    out = fn(*a, **k)
    return time.perf_counter() - t, out


def _load() -> str:
    try:
        return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"
    except OSError:  # pragma: no cover - platform without getloadavg
        return "load average unknown"


def main() -> None:
    from fairbid.markets import check_equilibrium, fisher_linear, proportional_response, random_instance
    from fairbid.markets.fisher import fisher_large

    quick = os.environ.get("MARKETS_BENCH_QUICK") == "1"
    proportional_response(random_instance(5, 3, seed=0))          # numba compile outside the timings
    fisher_large(random_instance(40, 6, seed=0))
    print(f"Linear Fisher ({_load()}): EG = cvxpy/Clarabel + LP polish (peer, up to 10^5 cells); PR = proportional")
    print("response alone (tol 1e-6, capped at the 10 s target); large = fisher_large (PR candidates, smoothed-dual")
    print("Newton, exact forest finish), best of 3 runs at 10^4 x 10^3. Violations are the checker's.")
    print(f"{'buyers x goods':>15} {'EG s':>8} {'EG viol':>9} {'PR s':>8} {'PR viol':>9} {'large s':>8} "
          f"{'viol':>9} {'|dp|/p vs EG':>12}  large path")
    sizes = [(100, 10), (1000, 100), (3000, 300)] + ([] if quick else [(10_000, 1000), (1000, 10_000)])
    for n, m in sizes:
        inst = random_instance(n, m, seed=1)
        eg = None
        if n * m <= 10**5:
            t_eg, eg = _timed(fisher_linear, inst, method="eg")
        t_pr, pr = _timed(proportional_response, inst, tol=1e-6, time_limit=TARGET_PR_S)
        v_pr = check_equilibrium("fisher-linear", inst, pr)["max"]
        runs = [_timed(fisher_large, inst) for _ in range(3 if (n, m) == (10_000, 1000) else 1)]
        t_l, lg = min(runs, key=lambda r: r[0])
        v_l = check_equilibrium("fisher-linear", inst, lg)["max"]      # re-measured here, not the solver's word
        dp = float((abs(lg.prices - eg.prices) / eg.prices).max()) if eg is not None else float("nan")
        eg_s = f"{t_eg:8.2f} {eg.violation:9.1e}" if eg is not None else f"{'-':>8} {'-':>9}"
        print(f"{n:>7} x {m:<6} {eg_s} {t_pr:8.2f} {v_pr:9.1e} {t_l:8.2f} {v_l:9.1e} {dp:12.1e}  "
              f"{lg.solver.split('+')[-1]}", flush=True)
        if (n, m) == (1000, 100):
            print(f"   convex program on 10^3 x 10^2: {t_eg:.2f} s = {t_eg / TARGET_EG_S:.2f} x target; "
                  f"fisher_large {t_l:.3f} s = {t_eg / max(t_l, 1e-9):.0f} x faster than the convex program")
        if (n, m) == (10_000, 1000):
            print(f"   PR alone on 10^4 x 10^3: violation {v_pr:.1e} after {pr.iterations} rounds in {t_pr:.1f} s "
                  f"({pr.status[:30]})")
            print(f"   fisher_large on 10^4 x 10^3 (10^7 cells, dense): violation {v_l:.1e} in {t_l:.2f} s "
                  f"(runs: {', '.join(f'{r[0]:.2f}' for r in runs)} s) = {t_l / TARGET_PR_S:.2f} x the 10 s target "
                  f"[{'met' if t_l <= TARGET_PR_S and v_l <= 1e-6 else 'NOT met'}]; {_load()}")
    _pacing_section(quick)


# ------------------------------------------------------------------------------------------------------
# Pacing section (first-price pacing at scale; second-price pacing success rates)
# ------------------------------------------------------------------------------------------------------
#: (buyers, goods, markets, seconds per market); the MIP peer runs on the first 5 markets up to 60 cells.
SP_SIZES = ((5, 8, 20, 10.0), (6, 10, 20, 10.0), (20, 50, 20, 10.0), (50, 200, 20, 10.0), (100, 500, 10, 30.0))
SP_MIP_LIMIT_S = 5.0


def _pacing_section(quick: bool) -> None:
    import numpy as np

    from fairbid.markets import check_equilibrium, pacing_fp, pacing_sp, pacing_sp_mip, random_instance
    from fairbid.markets.fppe_large import fppe_large

    fppe_large(random_instance(6, 9, seed=0))                     # numba compile outside the timings
    print(f"\nFirst-price pacing ({_load()}): large = fppe_large (PR candidates, smoothed-dual Newton, exact")
    print("HiGHS finish, checked on the full matrix; Newton in log-prices when goods < buyers), best of 3 at")
    print("10^3 x 10^4; EG = quasi-linear EG program")
    print("(cvxpy/Clarabel + LP polish, peer where affordable); PR = proportional response alone for the same")
    print("wall time as large (baseline). Violations are the checker's, re-measured here.")
    print(f"{'buyers x goods':>15} {'large s':>8} {'viol':>9} {'EG s':>8} {'EG viol':>9} {'|dp|/max p':>11} "
          f"{'PR viol':>9}")
    for n, m in [(50, 200), (200, 1000), (1000, 100)] + ([] if quick else [(1000, 10_000), (10_000, 1000)]):
        inst = random_instance(n, m, seed=2)
        runs = [_timed(fppe_large, inst) for _ in range(3 if (n, m) == (1000, 10_000) else 1)]
        t_l, lg = min(runs, key=lambda r: r[0])
        v_l = check_equilibrium("pacing-fp", inst, lg)["max"]
        eg_s, dp = f"{'-':>8} {'-':>9}", float("nan")
        if n * m <= 10**4:
            t_eg, eg = _timed(pacing_fp, inst, method="eg", fallback=False)
            eg_s = f"{t_eg:8.2f} {eg.violation:9.1e}"
            dp = float(np.abs(lg.prices - eg.prices).max() / eg.prices.max())
        pr = pacing_fp(inst, method="pr", time_limit=max(t_l, 0.5), max_iter=10**8)
        print(f"{n:>7} x {m:<6} {t_l:8.2f} {v_l:9.1e} {eg_s} {dp:11.1e} {pr.violation:9.1e}", flush=True)
        if (n, m) == (1000, 10_000):
            ok = t_l <= TARGET_FPPE_S and v_l <= 1e-6
            print(f"   FPPE on 10^3 x 10^4 (10^7 cells, dense): violation {v_l:.1e} in {t_l:.2f} s (runs: "
                  f"{', '.join(f'{r[0]:.2f}' for r in runs)} s) = {t_l / TARGET_FPPE_S:.2f} x the 30 s target "
                  f"[{'met' if ok else 'NOT met'}]; PR alone after {pr.seconds:.1f} s: violation {pr.violation:.1e}; "
                  f"{_load()}", flush=True)

    print(f"\nSecond-price pacing ({_load()}): pacing_sp (Newton continuation with arclength through folds +")
    print("structure LP, local/full MIP fallback) vs the full MIP alone (peer: first 5 markets up to 60 cells,")
    print(f"{SP_MIP_LIMIT_S:g} s each). 'solved' = status ok AND the checker's violation <= 1e-6, re-measured here.")
    print(f"{'buyers x goods':>15} {'limit s':>7} {'solved':>9} {'median s':>9} {'max s':>7} {'MIP solved':>11} "
          f"{'MIP median s':>13}")
    for n, m, count, limit in SP_SIZES:
        if quick:
            count = min(count, 3)
        times, solved, mip_t, mip_ok = [], 0, [], 0
        for k in range(count):
            inst = random_instance(n, m, seed=k)
            t, r = _timed(pacing_sp, inst, time_limit=limit, seed=k)
            v = check_equilibrium("pacing-sp", inst, r)["max"]
            solved += r.status == "ok" and v <= 1e-6
            times.append(t)
            if n * m <= 60 and k < 5:
                t2, r2 = _timed(pacing_sp_mip, inst, time_limit=SP_MIP_LIMIT_S)
                mip_ok += r2.status == "ok" and check_equilibrium("pacing-sp", inst, r2)["max"] <= 1e-6
                mip_t.append(t2)
        mip_s = f"{mip_ok:>6} of {len(mip_t):<2} {float(np.median(mip_t)):13.2f}" if mip_t else f"{'-':>11} {'-':>13}"
        print(f"{n:>7} x {m:<6} {limit:7.0f} {solved:>3} of {count:<3} {float(np.median(times)):9.2f} "
              f"{max(times):7.2f} {mip_s}", flush=True)


if __name__ == "__main__":
    main()
