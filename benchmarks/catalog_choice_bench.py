"""fairbid.choice benchmark: the Nash product rule on 10^3 agents x 10^2 projects (issue 13 target <= 5 s).

Peer: the same convex program written plainly in cvxpy (one log term per agent, no merging of equal
ballots or equal projects, CLARABEL at its default tolerances) on the same instance. Both are checked
with the solver-independent first-order conditions (``npr_optimality_gap``). Each time is the best of
``REPS`` runs (the machine is shared); cvxpy's compilation is included, as a user would pay it.

Run: ``python -m benchmarks catalog_choice`` (or ``python benchmarks/catalog_choice_bench.py``).
"""

from __future__ import annotations

import os
import time

import numpy as np

os.environ.setdefault("OMP_NUM_THREADS", "1")
TARGET_S = 5.0
REPS = 3


def _plain_cvxpy(inst) -> np.ndarray:
    import cvxpy as cp

    x = cp.Variable(len(inst.projects), nonneg=True)
    a = inst.approvals.astype(float)
    prob = cp.Problem(cp.Maximize(inst.budgets @ cp.log(a @ x)), [cp.sum(x) == inst.total])
    prob.solve(solver="CLARABEL")
    return np.clip(np.asarray(x.value), 0, None)


def _best(fn, *args):
    best, out = float("inf"), None
    for _ in range(REPS):
        t = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    from fairbid.choice import nash_product_rule, npr_optimality_gap, random_instance

    print(f"NPR, 1000 agents x 100 projects, best of {REPS}; target {TARGET_S} s; peer = plain cvxpy")
    print(f"{'approve':>8} {'fairbid s':>10} {'/target':>8} {'peer s':>8} {'fairbid/peer':>13} {'KKT fairbid':>12} {'KKT peer':>10}")
    for approve in (0.02, 0.1, 0.3):
        inst = random_instance(1000, 100, approve=approve, seed=13)
        t_f, out = _best(nash_product_rule, inst)
        t_p, xp = _best(_plain_cvxpy, inst)
        g_f = npr_optimality_gap(inst, out.distribution)
        g_p = npr_optimality_gap(inst, xp * inst.total / xp.sum())
        print(f"{approve:8.2f} {t_f:10.3f} {t_f / TARGET_S:8.3f} {t_p:8.3f} {t_f / t_p:13.2f} {g_f:12.2e} {g_p:10.2e}")


if __name__ == "__main__":
    main()
