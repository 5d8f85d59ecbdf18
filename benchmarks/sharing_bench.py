"""Sharing economy (fairbid.online.sharing_*): exact solvers against their fast peers on the same input.

* Bottleneck decomposition, exact (LP warm start, then parametric min cut with networkx on exact integers) vs proportional
  response dynamics (numpy, until utilities move < 1e-12 per round or 20000 rounds): time ratio and
  PR's distance to the exact utilities. Random sparse graph, n nodes, 3n edges, weights U[0.1, 1.1].
* Roommates: the 1/2-approximation vs the HiGHS MIP (30 people, 15 rooms): time ratio, welfare ratio.
* Ridesharing: Bei-Zhang match-and-assign vs the HiGHS MIP (8 cars, 16 requests): time ratio, cost ratio.
* Audit throughput: evaluations per second on 8 nodes (enumeration) and 30 nodes (exact flow).

No speed target is set for this problem in the issue; the ratios say what the exact answer costs.
Run: ``python -m benchmarks sharing``.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")


def _graph(n: int, seed: int):
    import numpy as np

    from fairbid.online.sharing_protocol import sharing_network

    rng = np.random.default_rng(seed)
    edges: set[tuple[int, int]] = set()
    while len(edges) < 3 * n:
        a, b = (int(x) for x in rng.integers(0, n, 2))
        if a != b:
            edges.add((min(a, b), max(a, b)))
    return sharing_network(list(rng.random(n) + 0.1), sorted(edges))


def main() -> None:
    import numpy as np

    from fairbid.online.sharing_assignment import (random_rides, random_roommates, rideshare_exact,
                                                   rideshare_match_assign, roommates_approx, roommates_exact)
    from fairbid.online.sharing_protocol import audit_sharing, bottleneck_decomposition, proportional_response

    # warm-up: imports (networkx, scipy.optimize) are not part of what is compared
    bottleneck_decomposition(_graph(12, 0), "flow")
    roommates_approx(*random_roommates(2, seed=0))
    roommates_exact(*random_roommates(2, seed=0))
    rideshare_match_assign(*random_rides(2, seed=0))
    for n in (100, 300, 1000):
        net = _graph(n, n)
        t = time.perf_counter()
        dec = bottleneck_decomposition(net, "flow")
        t_bd = time.perf_counter() - t
        t = time.perf_counter()
        pr = proportional_response(net, iterations=20000, tol=1e-12)
        t_pr = time.perf_counter() - t
        err = float(np.abs(pr["utilities"] - dec.utilities).max())
        print(f"BD exact, n={n}, m={3 * n}: {t_bd:.3f} s, {len(dec.alphas)} pairs; peer PR dynamics "
              f"{t_pr:.3f} s ({pr['iterations']} rounds, max |U_PR - U_BD| = {err:.1e}); "
              f"time ratio exact/PR = {t_bd / t_pr:.1f}")
    v, w = random_roommates(15, seed=0)
    t = time.perf_counter()
    a = roommates_approx(v, w)
    t_a = time.perf_counter() - t
    t = time.perf_counter()
    opt = roommates_exact(v, w, "mip")
    t_m = time.perf_counter() - t
    print(f"roommates, 15 rooms: approx {t_a:.3f} s vs peer MIP {t_m:.3f} s (time ratio {t_a / t_m:.3f}); "
          f"welfare ratio {a['welfare'] / opt['welfare']:.4f} (proven >= 0.5)")
    c, s, d = random_rides(8, seed=0)
    t = time.perf_counter()
    r = rideshare_match_assign(c, s, d)
    t_a = time.perf_counter() - t
    t = time.perf_counter()
    o = rideshare_exact(c, s, d, method="mip")
    t_m = time.perf_counter() - t
    print(f"rideshare, 8 cars: match-assign {t_a:.3f} s vs peer MIP {t_m:.3f} s (time ratio {t_a / t_m:.3f}); "
          f"cost ratio {r['cost'] / o['cost']:.4f} (proven <= 2.5)")
    for n, method, nodes in ((8, "enumerate", None), (30, "flow", ["0"])):
        net = _graph(n, 7)
        t = time.perf_counter()
        rep = audit_sharing(net, "bd", method=method, nodes=nodes, joint=False)
        dt = time.perf_counter() - t
        print(f"audit BD, n={n} ({method}, {'all nodes' if nodes is None else 'node 0'}): "
              f"{rep.evaluations} evaluations in {dt:.2f} s = {rep.evaluations / dt:.0f}/s; max gain {rep.max_gain:.1e}")


if __name__ == "__main__":
    main()
