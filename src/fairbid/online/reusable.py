"""Online allocation of reusable resources (seed 002, Goyal-Iyengar-Udwani).

Resources i = 1..m with capacity c_i (integer units) and reward r_i per allocation. Requests t = 1..T
arrive at times a_1 <= ... <= a_T (an adversarial, fixed sequence); request t may use one unit of one
resource in its eligible set E_t. An allocated unit of resource i is busy for a random duration
D ~ F_i (known distribution, independent draws) and then returns.

Policies (all simulated in numba; common random numbers: request t on resource i uses duration
F_i^{-1}(u_t) with one uniform u_t per request, so policies are compared on the same draws):

* ``greedy``: the free eligible resource of largest r_i (0.5-competitive, as the abstract recalls).
* ``balance``: largest r_i (1 - g(y_i / c_i)) with y_i the units in use, g(x) = exp(x - 1).
* ``rank`` (the abstract's ranking-based policy): units of resource i carry fixed indices 1..c_i; the
  resource is scored by its lowest-index free unit k as r_i (1 - g((k - 1) / c_i)) and that unit is
  used. Identical units are made asymmetric, the "reusability potential" of the abstract: a returning
  low-index unit makes the resource attractive again at once. Open point: the penalty function g, a
  named parameter ``penalty`` (default ``"exp"``: g(x) = e^{x-1}, the (1 - 1/e) penalty of the full
  paper's RBA as we read it; ``"none"`` turns the policy into greedy).

Offline benchmark (:func:`lp_upper_bound`): the expected-usage LP of the clairvoyant that knows the
sequence, max sum r_i x_it s.t. sum_i x_it <= 1 and, at each arrival time a_t of a request eligible for i,
sum_{tau <= t} x_{i tau} P(D_i > a_t - a_tau) <= c_i, solved by HiGHS. Terms with P(D_i > .) below
``tail_tol`` are dropped (a looser constraint, so still an upper bound).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_int

POLICIES = ("greedy", "balance", "rank")
MAX_REQUESTS = 10**8


class _Fixed:
    """A deterministic duration ``fixed:d`` (a point mass; scipy specs cannot express one)."""

    def __init__(self, d: float) -> None:
        self.d = d

    def sf(self, x: Any) -> Any:
        return (np.asarray(x, dtype=float) < self.d).astype(float)

    def ppf(self, u: Any) -> Any:
        return np.full(np.shape(u), self.d)

    def isf(self, q: float) -> float:
        return self.d


def duration_distribution(spec: str, what: str = "durations") -> Any:
    """A frozen-like duration law (``sf``, ``ppf``, ``isf``): ``fixed:d`` or any fairbid value SPEC.

    Negative durations are refused: ``fixed:-1`` and SPECs whose support reaches below 0."""

    from fairbid.auctions import parse_distribution

    if isinstance(spec, str) and spec.strip().lower().startswith("fixed:"):
        try:
            d = float(spec.split(":", 1)[1])
        except ValueError:
            raise FairbidError(what, "fixed needs fixed:d with a number d", spec) from None
        if not np.isfinite(d) or d < 0:
            raise FairbidError(what, "durations must be finite and non-negative", spec)
        return _Fixed(d)
    dist = parse_distribution(spec, what=what)
    if dist.lower < 0:
        raise FairbidError(what, "durations must be non-negative", spec)
    return dist.frozen


@dataclass(frozen=True)
class ReusableInstance:
    """An instance: arrival times, CSR eligibility, rewards, capacities, duration SPECs per resource."""

    arrivals: np.ndarray
    indptr: np.ndarray
    indices: np.ndarray
    rewards: np.ndarray
    capacity: np.ndarray
    durations: tuple[str, ...] = field(default_factory=tuple)

    @property
    def m(self) -> int:
        return int(self.rewards.size)

    @property
    def T(self) -> int:
        return int(self.arrivals.size)


def make_instance(arrivals: Any, eligible: Any, rewards: Any, capacity: Any, durations: Any) -> ReusableInstance:
    """Validate and build an instance.

    ``eligible`` is a list (one per request) of resource indices; ``durations`` one SPEC per resource
    (or one SPEC for all), non-negative support (negative durations are refused)."""

    a = np.asarray(arrivals, dtype=float).ravel()
    if a.size == 0:
        raise FairbidError("arrivals", "the instance has no requests", "[]")
    if a.size > MAX_REQUESTS:
        raise FairbidError("arrivals", f"at most {MAX_REQUESTS} requests", a.size)
    if not np.all(np.isfinite(a)) or np.any(np.diff(a) < 0):
        raise FairbidError("arrivals", "must be finite and non-decreasing", a[:5].tolist())
    r = np.asarray(rewards, dtype=float).ravel()
    if r.size == 0:
        raise FairbidError("rewards", "the instance has no resources", "[]")
    if not np.all(np.isfinite(r)) or np.any(r < 0):
        raise FairbidError("rewards", "must be finite and >= 0", r[:5].tolist())
    c = np.asarray(capacity).ravel()
    if c.size == 1:
        c = np.repeat(c, r.size)
    if c.size != r.size or not np.all(np.equal(np.mod(c, 1), 0)) or np.any(c < 1) or np.any(c > 10**6):
        raise FairbidError("capacity", "one integer in 1..10^6 per resource", c[:5].tolist())
    if len(eligible) != a.size:
        raise FairbidError("eligible", "needs one list per request", len(eligible))
    lens = np.array([len(e) for e in eligible], dtype=np.int64)
    indptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    indices = np.concatenate([np.asarray(e, dtype=np.int64) for e in eligible]) if indptr[-1] else np.zeros(0, np.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= r.size):
        raise FairbidError("eligible", f"resource indices must be in 0..{r.size - 1}", int(indices.max()))
    specs = (durations,) * r.size if isinstance(durations, str) else tuple(durations)
    if len(specs) != r.size:
        raise FairbidError("durations", "one SPEC per resource (or one for all)", len(specs))
    for i, s in enumerate(specs):
        duration_distribution(s, what=f"durations[{i}]")
    return ReusableInstance(a, indptr, indices, r, c.astype(np.int64), tuple(str(s) for s in specs))


def random_instance(m: int, T: int, degree: int = 3, capacity: int = 5, rate: float = 1.0,
                    durations: str = "exponential:1", reward_spread: float = 1.0, seed: Any = None) -> ReusableInstance:
    """A random family: Poisson arrivals of rate ``rate * m``, ``degree`` eligible resources each, rewards
    1 + spread * U(0, 1). Adversarial twist (why it is not easy for greedy): requests are sorted so that
    those eligible for high-reward resources come in bursts (sorted by their best reward within blocks)."""
    from fairbid.core.rng import as_generator

    m = check_int("m", m, minimum=1, maximum=10**6)
    T = check_int("T", T, minimum=1, maximum=MAX_REQUESTS)
    degree = check_int("degree", degree, minimum=1, maximum=m)
    if not (np.isfinite(rate) and rate > 0):
        raise FairbidError("rate", "must be a finite number > 0", rate)
    g = as_generator(seed)
    arrivals = np.cumsum(g.exponential(1.0 / (rate * m), T))
    elig = np.argsort(g.random((T, m)), axis=1)[:, :degree] if m <= 64 else g.integers(0, m, (T, degree))
    rewards = 1.0 + reward_spread * g.random(m)
    order = np.argsort(-rewards[elig].max(axis=1).reshape(-1), kind="stable")
    block = max(1, T // 10)
    new = np.concatenate([np.sort(order[i:i + block]) for i in range(0, T, block)])
    elig = elig[new]
    return make_instance(arrivals, [list(e) for e in elig], rewards, capacity, durations)


def adversarial_instance(capacity: int = 10, eps: float = 0.05, durations: str = "fixed:100",
                         gap: float = 1e-3) -> ReusableInstance:
    """The two-phase family on which greedy loses half: resource A (reward 1 + eps), B (reward 1), c
    units each; c requests eligible for {A, B}, then c requests eligible for A only, ``gap`` apart.

    With durations longer than the whole sequence, greedy puts phase 1 on A and loses phase 2:
    greedy = c (1 + eps), clairvoyant = c (2 + eps), ratio (1 + eps) / (2 + eps)."""
    capacity = check_int("capacity", capacity, minimum=1, maximum=10**5)
    if not (np.isfinite(eps) and eps >= 0):
        raise FairbidError("eps", "must be a finite number >= 0", eps)
    T = 2 * capacity
    return make_instance(gap * np.arange(T), [[0, 1]] * capacity + [[0]] * capacity, [1.0 + eps, 1.0],
                         capacity, durations)


def duration_draws(inst: ReusableInstance, seed: Any = None) -> np.ndarray:
    """Duration of request t on each eligible resource (aligned with ``inst.indices``), F_i^{-1}(u_t)."""
    from fairbid.core.rng import as_generator

    u = as_generator(seed).random(inst.T)
    per = np.repeat(u, np.diff(inst.indptr))
    out = np.empty(inst.indices.size)
    for spec in set(inst.durations):
        d = duration_distribution(spec)
        res = np.array([s == spec for s in inst.durations])
        mask = res[inst.indices]
        out[mask] = d.ppf(per[mask])
    return out


def _simulate_py(arrivals, indptr, indices, dur, rewards, capacity, policy, penalty):
    # returns[i, j]: time unit j of resource i becomes free again (0 = free from the start)
    m = rewards.size
    cmax = capacity.max()
    ret = np.zeros((m, cmax))
    total = 0.0
    served = 0
    choice = np.full(arrivals.size, -1, dtype=np.int64)
    for t in range(arrivals.size):
        now = arrivals[t]
        best = -1.0
        best_i = -1
        best_u = -1
        best_e = -1
        for e in range(indptr[t], indptr[t + 1]):
            i = indices[e]
            c = capacity[i]
            first = -1
            busy = 0
            for j in range(c):
                if ret[i, j] > now:
                    busy += 1
                elif first < 0:
                    first = j
            if first < 0:
                continue
            if policy == 0:
                score = rewards[i]
            elif policy == 1:
                score = rewards[i] * (1.0 - np.exp(busy / c - 1.0)) if penalty else rewards[i]
            else:
                score = rewards[i] * (1.0 - np.exp(first / c - 1.0)) if penalty else rewards[i]
            if score > best:
                best = score
                best_i = i
                best_u = first
                best_e = e
        if best_i >= 0:
            ret[best_i, best_u] = now + dur[best_e]
            total += rewards[best_i]
            served += 1
            choice[t] = best_i
    return total, served, choice


_KERNEL: list = []


def _kernel() -> Any:
    """The numba-compiled simulation loop (numba imported on first use, so importing fairbid.online and
    its catalog stays light)."""
    if not _KERNEL:
        from numba import njit

        _KERNEL.append(njit(cache=True)(_simulate_py))
    return _KERNEL[0]


def simulate(inst: ReusableInstance, policy: str = "rank", penalty: str = "exp", seed: Any = None,
             draws: np.ndarray | None = None) -> dict[str, Any]:
    """Run one policy on one realisation of the durations; returns reward, served and the choices."""
    policy = check_choice("policy", policy, POLICIES)
    penalty = check_choice("penalty", penalty, ("exp", "none"))
    dur = duration_draws(inst, seed) if draws is None else draws
    total, served, choice = _kernel()(inst.arrivals, inst.indptr, inst.indices, dur, inst.rewards, inst.capacity,
                                      POLICIES.index(policy), penalty == "exp")
    return {"reward": float(total), "served": int(served), "choice": choice}


def expected_reward(inst: ReusableInstance, policy: str, reps: int = 50, penalty: str = "exp",
                    seed: Any = None) -> tuple[float, float]:
    """Mean reward over ``reps`` duration realisations and its standard error."""
    from fairbid.core.rng import spawn

    reps = check_int("reps", reps, minimum=1, maximum=10**6)
    vals = np.array([simulate(inst, policy, penalty, seed=s)["reward"] for s in spawn(seed, reps)])
    return float(vals.mean()), float(vals.std(ddof=1) / np.sqrt(reps)) if reps > 1 else 0.0


def _memoryless_scale(d: Any) -> float | None:
    """The mean of an exponential duration starting at 0 (memoryless), else None."""
    dist = getattr(d, "dist", None)
    if getattr(dist, "name", "") == "expon" and float(d.support()[0]) == 0.0:
        return float(d.mean())
    return None


def _phase_shape(d: Any) -> tuple[int, float] | None:
    """(k, theta) when the law is Erlang (gamma of integer shape k, loc 0, scale theta; expon: k = 1)."""
    dist = getattr(d, "dist", None)
    name = getattr(dist, "name", "")
    if name not in ("expon", "gamma", "erlang") or float(d.support()[0]) != 0.0:
        return None
    if name == "expon":
        return 1, float(d.mean())
    k = float(d.args[0]) if d.args else float(d.kwds.get("a", np.nan))
    if not (np.isfinite(k) and k == int(k) and 1 <= k <= 20):
        return None
    return int(k), float(d.mean()) / k


def lp_upper_bound(inst: ReusableInstance, tail_tol: float = 1e-9, integral: bool = False,
                   formulation: str = "auto", time_limit: float = 300.0, solver: str = "auto") -> dict[str, Any]:
    """The clairvoyant expected-usage LP (``integral=True``: the MIP, exact offline optimum when the
    durations are deterministic), solved by HiGHS through scipy.

    Parameters
    ----------
    tail_tol : float
        Window formulation: usage terms x_{i tau} P(D_i > a_t - a_tau) with probability below this are
        dropped (a looser constraint, so the value stays an upper bound).
    formulation : {"auto", "window", "recursive"}
        Two exact encodings of the same usage rows (same LP value; tests/online/test_reusable.py):
        ``"window"`` (any law): one nonzero per still-busy past request, O(L * window) per resource.
        ``"recursive"`` (Erlang laws: exponential, gamma of integer shape k <= 20, from 0): phase
        recursions. For k = 1 the usage after the j-th arrival eligible for i is
        u_j = exp(-(a_j - a_{j-1}) / theta) u_{j-1} + x_j <= c_i; for k > 1 the usage is
        sum_n v^n_j with v^n_j = sum_tau e^{-l/theta} (l/theta)^n / n! x_tau (l the lag), and
        v^n_j = rho_j sum_{m <= n} delta_j^(n-m) / (n-m)! v^m_{j-1} + [n = 0] x_j (binomial expansion of
        the lag), O(k^2) nonzeros per arrival. ``"auto"`` uses it where it applies, the window elsewhere.
    solver : {"auto", "simplex", "ipm"}
        HiGHS dual simplex or interior point (with crossover, so a vertex and the same value) through
        ``scipy.optimize.linprog``. ``"auto"``: interior point when any resource has window rows (on the
        10^4 x 10^2 benchmark the window LP of exponential:1 takes 43 s by IPM against 149 s by the
        simplex inside ``milp``), simplex otherwise. ``integral=True`` always uses ``milp``.
    """
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    check_choice("formulation", formulation, ("auto", "window", "recursive"))
    check_choice("solver", solver, ("auto", "simplex", "ipm"))
    E = inst.indices.size
    if E == 0:
        return {"value": 0.0, "x": np.zeros(0), "status": "no edges"}
    req = np.repeat(np.arange(inst.T), np.diff(inst.indptr))
    rows, cols, vals = [req], [np.arange(E)], [np.ones(E)]
    lows, ups = [np.full(inst.T, -np.inf)], [np.ones(inst.T)]
    nrow, nvar = inst.T, E
    aux_hi: list[np.ndarray] = []
    windowed = False
    by_res = np.argsort(inst.indices, kind="stable")  # edges grouped by resource, in arrival order
    bounds_at = np.searchsorted(inst.indices[by_res], np.arange(inst.m + 1))
    for i in range(inst.m):
        edges = by_res[bounds_at[i]:bounds_at[i + 1]]
        if edges.size == 0:
            continue
        times = inst.arrivals[req[edges]]
        d = duration_distribution(inst.durations[i])
        cap = float(inst.capacity[i])
        theta = _memoryless_scale(d)
        phase = _phase_shape(d)
        if theta is None and phase is not None and phase[0] == 1:
            theta = phase[1]                               # gamma / erlang of shape 1: exponential
        if formulation == "recursive" and phase is None:
            raise FairbidError("formulation", "recursive needs exponential or Erlang durations starting at 0",
                               inst.durations[i])
        L = edges.size
        if phase is not None and phase[0] > 1 and formulation in ("auto", "recursive"):
            k, th = phase
            from math import factorial

            v = nvar + np.arange(k * L).reshape(k, L)      # v[n, j]
            delta = np.diff(times) / th
            rho = np.exp(-delta)
            for n in range(k):                             # phase rows: v^n_j - sum_m coef v^m_{j-1} (- x_j) = 0
                r = nrow + np.arange(L)
                rows += [r]
                cols += [v[n]]
                vals += [np.ones(L)]
                if n == 0:
                    rows.append(r)
                    cols.append(edges)
                    vals.append(-np.ones(L))
                for mm in range(n + 1):
                    rows.append(r[1:])
                    cols.append(v[mm, :-1])
                    vals.append(-rho * delta ** (n - mm) / factorial(n - mm))
                lows.append(np.zeros(L))
                ups.append(np.zeros(L))
                nrow += L
            r = nrow + np.arange(L)                        # capacity: sum_n v^n_j <= c_i
            rows += [np.tile(r, k)]
            cols += [v.ravel()]
            vals += [np.ones(k * L)]
            lows.append(np.full(L, -np.inf))
            ups.append(np.full(L, cap))
            nrow += L
            aux_hi.append(np.full(k * L, np.inf))
            nvar += k * L
            continue
        if theta is not None and formulation != "window":
            # rows u_j - rho_j u_{j-1} - x_j = 0 with u_j in [0, c_i] as new variables
            u = nvar + np.arange(L)
            rho = np.exp(-np.diff(times) / theta)
            r = nrow + np.arange(L)
            rows += [r, r, r[1:]]
            cols += [u, edges, u[:-1]]
            vals += [np.ones(L), -np.ones(L), -rho]
            lows.append(np.zeros(L))
            ups.append(np.zeros(L))
            aux_hi.append(np.full(L, cap))
            nvar += L
            nrow += L
            continue
        windowed = True
        horizon = float(d.isf(tail_tol))
        lo = np.searchsorted(times, times - horizon, side="left")  # earliest tau with still-busy mass
        counts = np.arange(L) - lo + 1
        rr = np.repeat(np.arange(L), counts)
        offs = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
        cc = np.repeat(lo, counts) + offs  # tau index within edges, tau <= t
        lag = times[rr] - times[cc]
        p = np.asarray(d.sf(lag), dtype=float)
        p[lag == 0] = 1.0  # allocated at this instant: in use
        keep = p > tail_tol
        rows.append(nrow + rr[keep])
        cols.append(edges[cc[keep]])
        vals.append(p[keep])
        lows.append(np.full(L, -np.inf))
        ups.append(np.full(L, cap))
        nrow += L
    A = sparse.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(nrow, nvar))
    c = np.concatenate([-inst.rewards[inst.indices], np.zeros(nvar - E)])
    hi = np.concatenate([np.ones(E)] + aux_hi)
    lo_all, up_all = np.concatenate(lows), np.concatenate(ups)
    if integral:
        integrality = np.concatenate([np.ones(E), np.zeros(nvar - E)])
        res = milp(c, constraints=LinearConstraint(A, lo_all, up_all),
                   bounds=Bounds(np.zeros(nvar), hi), integrality=integrality,
                   options={"time_limit": time_limit, "presolve": True})
        if res.x is None:
            raise FairbidError("lp", "HiGHS found no solution", res.message)
        return {"value": float(-res.fun), "x": res.x[:E], "status": res.message, "solver": "milp"}
    from scipy.optimize import linprog

    # every row is either an equality (recursions) or has only an upper bound (capacities, requests)
    eq = lo_all == up_all
    method = {"auto": "highs-ipm" if windowed else "highs-ds", "simplex": "highs-ds", "ipm": "highs-ipm"}[solver]
    res = linprog(c, A_ub=A[~eq], b_ub=up_all[~eq], A_eq=A[eq] if eq.any() else None,
                  b_eq=up_all[eq] if eq.any() else None, bounds=np.column_stack([np.zeros(nvar), hi]),
                  method=method, options={"time_limit": time_limit, "presolve": True})
    if res.x is None:
        raise FairbidError("lp", "HiGHS found no solution", res.message)
    return {"value": float(-res.fun), "x": res.x[:E], "status": res.message, "solver": method}


def brute_force_optimum(inst: ReusableInstance) -> float:
    """Exact offline optimum for deterministic durations by enumerating every assignment (tiny only)."""
    import itertools


    if inst.T > 10:
        raise FairbidError("T", "brute force enumerates at most 10 requests", inst.T)
    dur = np.array([float(duration_distribution(s).ppf(0.5)) for s in inst.durations])
    options = [[-1] + list(inst.indices[inst.indptr[t]:inst.indptr[t + 1]]) for t in range(inst.T)]
    best = 0.0
    for assign in itertools.product(*options):
        ok = True
        for t, i in enumerate(assign):
            if i < 0:
                continue
            # units of i in use at a_t: earlier (and same-time) allocations still running, plus this one
            busy = sum(1 for s in range(t + 1) if assign[s] == i and inst.arrivals[s] + dur[i] > inst.arrivals[t]
                       or (s == t and assign[s] == i))
            if busy > inst.capacity[i]:
                ok = False
                break
        if ok:
            best = max(best, float(sum(inst.rewards[i] for i in assign if i >= 0)))
    return best
