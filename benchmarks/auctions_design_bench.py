"""Designs per second of Algorithms 1 and 2 (brentq) against a naive grid search over r1.

Same input for both: N = 5, θ = 0.1 % (Algorithm 2 on Beta(2, 5): θ = 0.03 %, the seed's θ is
infeasible there), baseline SP(0). A "design" is the full result: r1, revenue, baseline revenue,
shares above θ. Every design starts cold (a freshly parsed distribution, so no cached revenue
integral is reused). The baseline grid search evaluates the same defining equation on a grid of
``GRID`` values of r1 and keeps the best point; its r1 error is printed next to the speed ratio.
"""

from __future__ import annotations

import time

import numpy as np

from fairbid.auctions import design, optimal_reserve, parse_distribution, revenue_ap, revenue_ep, xi1
from fairbid.auctions.design import _finish

N = 5
GRID = 401
CASES = [("uniform:0:1", 1, 0.001), ("uniform:0:1", 2, 0.001), ("beta:2:5", 1, 0.001), ("beta:2:5", 2, 0.0003)]


def grid_design(algorithm: int, spec: str, n: int, reserve: float, theta: float):
    """Naive peer: pick r1 on a grid minimizing the defining equation's residual."""
    dist = parse_distribution(spec)
    lam = n * theta
    if algorithm == 1:
        grid = np.linspace(reserve, xi1(dist, n), GRID)
        resid = np.abs(np.asarray(dist.cdf(grid)) ** (n - 1) - theta)
    else:
        grid = np.linspace(reserve, optimal_reserve(dist, n), GRID)
        target, fixed = revenue_ap(dist, n, reserve), lam * revenue_ep(dist, reserve)
        resid = np.abs([fixed + (1 - lam) * revenue_ap(dist, n, float(r)) - target for r in grid])
    r1 = float(grid[int(np.argmin(resid))])
    # Same outputs as design(): only the root finding differs.
    return _finish(algorithm, "sp", dist, n, reserve, theta, r1, lam, True, "interim")


def _rate(fn, min_seconds: float = 1.0) -> tuple[float, object]:
    count, start, out = 0, time.perf_counter(), None
    while True:
        out = fn()
        count += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds and count >= 2:
            return count / elapsed, out


def main() -> None:
    print(f"N = {N}, reserve 0, cold designs; baseline: grid search over r1 with {GRID} points")
    print(f"{'distribution':16s} {'alg':>3s} {'designs/s':>10s} {'grid/s':>8s} {'speed-up':>9s} "
          f"{'|r1 - r1_grid|':>15s}")
    for spec, algorithm, theta in CASES:
        fast, res = _rate(lambda: design(algorithm, parse_distribution(spec), N, 0.0, theta))
        slow, peer = _rate(lambda: grid_design(algorithm, spec, N, 0.0, theta))
        print(f"{spec:16s} {algorithm:>3d} {fast:>10.1f} {slow:>8.2f} {fast / slow:>8.1f}x "
              f"{abs(res.r1 - peer.r1):>15.2e}")


if __name__ == "__main__":
    main()
