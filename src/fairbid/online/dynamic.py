"""Dynamic bipartite matching with arrivals and departures (seed 002, Kakimura-Zhu).

Model (the Akbarpour-Li-Oveis Gharan market the abstract builds on, made bipartite): agents of sides
A and B arrive by independent Poisson processes of rate ``m`` each; every agent stays an Exp(1) time
(then it becomes *critical* and leaves); each A-B pair is compatible independently with probability
``p = d / m``. Open points, named parameters: ``m`` (arrival rate per side, default 10), ``d`` (mean
compatible partners per unit of arrival, default 2), departure rate 1 (time unit).

Mechanisms of the abstract (two-sided):

* ``greedy``: an arriving agent matches at once with a compatible waiting agent on the other side, if any.
  Waiting agents are then pairwise incompatible, so the counts (a, b) form a Markov chain: an A arrival
  matches with probability 1 - (1 - p)^b; every waiting agent perishes at rate 1.
* ``patient``: nobody matches until critical (the planner sees who is about to leave); a critical agent
  matches with a compatible agent on the other side if any, else perishes. Pairs are only ever tested
  when one side leaves, so (a, b) is again a Markov chain.

:func:`markov_loss` solves the truncated chain exactly (sparse linear algebra) for the expected fraction of
agents leaving unmatched; :func:`simulate_market` checks it with an agent-level event simulation (explicit
lifetimes, explicit compatibility coins, numba).

One-sided mechanisms of the abstract (only side A, the *initiators*, may attempt a match; side B agents
are passive: they wait until an initiator picks them or they perish):

* ``greedy-1sided``: an arriving A agent matches at once with a compatible waiting B agent, if any; an A
  agent who finds none waits without ever attempting again (she made her one greedy attempt), and an
  arriving B agent just waits. Chain (a, b): A arrival matches w.p. 1 - (1 - p)^b.
* ``patient-1sided``: nobody matches on arrival; an A agent attempts when she becomes critical (matches
  a compatible waiting B agent if any, else perishes); a critical B agent perishes.

Our reading of what the abstract leaves open (named here, not parameters, since each is forced by "only
one side can attempt"): a failed greedy initiator never retries, and B agents never trigger a match.
Two exact by-products are checked in tests/online/test_one_sided.py: under ``greedy-1sided`` the B count
is an autonomous birth-death chain (a closed form), and under ``patient-1sided`` the A count is M/M/inf,
Poisson(m).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_int

MECHANISMS = ("greedy", "patient", "greedy-1sided", "patient-1sided")
TWO_SIDED = ("greedy", "patient")
ONE_SIDED = ("greedy-1sided", "patient-1sided")


def _check(m: float, d: float) -> float:
    if not (np.isfinite(m) and m > 0 and m <= 1000):
        raise FairbidError("m", "arrival rate must be a finite number in (0, 1000]", m)
    if not (np.isfinite(d) and 0 < d <= m):
        raise FairbidError("d", "must be a finite number in (0, m] (p = d/m is a probability)", d)
    return d / m


def markov_loss(mechanism: str, m: float = 10.0, d: float = 2.0, cap: int | None = None) -> dict[str, Any]:
    """Exact expected unmatched fraction from the stationary law of the (a, b) chain, truncated at ``cap``
    agents per side (default: enough that the truncated mass is negligible, reported as ``edge_mass``)."""
    from scipy import sparse
    from scipy.sparse.linalg import spsolve

    mechanism = check_choice("mechanism", mechanism, MECHANISMS)
    p = _check(m, d)
    cap = check_int("cap", cap if cap is not None else int(m + 12 * np.sqrt(m) + 30), minimum=1, maximum=2000)
    n = cap + 1
    idx = np.arange(n * n).reshape(n, n)
    a, b = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    a, b = a.ravel(), b.ravel()
    qa, qb = (1 - p) ** b, (1 - p) ** a  # P(an A agent finds no partner among b), and for B
    rows, cols, rates = [], [], []

    def add(mask, da, db, rate):
        src = np.flatnonzero(mask & (rate > 0))
        rows.append(src)
        cols.append(idx[a[src] + da, b[src] + db])
        rates.append(rate[src])

    one = np.ones(n * n)
    if mechanism == "greedy":
        add(a < cap, 1, 0, m * qa)            # A arrives, no compatible B: waits
        add(b > 0, 0, -1, m * (1 - qa))       # A arrives and matches a B
        add(b < cap, 0, 1, m * qb)
        add(a > 0, -1, 0, m * (1 - qb))
        add(a > 0, -1, 0, a * one)            # perish
        add(b > 0, 0, -1, b * one)
        loss_rate = a + b
    elif mechanism == "greedy-1sided":
        add(b > 0, 0, -1, m * (1 - qa))       # A arrives and matches a waiting B
        add(a < cap, 1, 0, m * qa)            # A arrives, no compatible B: waits, never retries
        add(b < cap, 0, 1, m * one)           # B arrives: cannot initiate, waits
        add(a > 0, -1, 0, a * one)            # perish
        add(b > 0, 0, -1, b * one)
        loss_rate = a + b
    elif mechanism == "patient-1sided":
        add(a < cap, 1, 0, m * one)
        add(b < cap, 0, 1, m * one)
        add((a > 0) & (b > 0), -1, -1, a * (1 - qa))  # a critical A matches
        add(a > 0, -1, 0, a * qa)                     # critical A finds nobody, perishes
        add(b > 0, 0, -1, b * one)                    # critical B cannot initiate, perishes
        loss_rate = a * qa + b
    else:
        add(a < cap, 1, 0, m * one)
        add(b < cap, 0, 1, m * one)
        add((a > 0) & (b > 0), -1, -1, a * (1 - qa) + b * (1 - qb))  # a critical agent matches
        add(a > 0, -1, 0, a * qa)                                     # critical A perishes
        add(b > 0, 0, -1, b * qb)
        loss_rate = a * qa + b * qb
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(rates)
    Q = sparse.csr_matrix((v, (r, c)), shape=(n * n, n * n))
    Q = Q - sparse.diags(np.asarray(Q.sum(axis=1)).ravel())
    # stationary: pi Q = 0, sum pi = 1 (replace one balance equation by the normalisation)
    M = sparse.vstack([sparse.csr_matrix(np.ones((1, n * n))), Q.T.tocsr()[1:]])
    rhs = np.zeros(n * n)
    rhs[0] = 1.0
    # minimum-degree ordering on A^T + A: ~3x faster than the default COLAMD on these 2-D grid chains
    pi = spsolve(M.tocsc(), rhs, permc_spec="MMD_AT_PLUS_A")
    edge = float(pi[(a == cap) | (b == cap)].sum())
    return {"mechanism": mechanism, "m": m, "d": d, "p": p, "cap": cap,
            "unmatched_fraction": float(pi @ loss_rate) / (2 * m),
            "mean_waiting": float(pi @ (a + b)), "mean_waiting_a": float(pi @ a), "mean_waiting_b": float(pi @ b),
            "edge_mass": edge}


def _sim_py(m, p, horizon, burn, patient, one_sided, seed_arr):
    np.random.seed(seed_arr)  # numba's own per-thread generator, seeded from the caller's Generator
    cap = 100000
    dl = np.empty((2, cap))   # deadlines of waiting agents, side 0 = A, side 1 = B
    cnt = np.zeros(2, dtype=np.int64)
    t = 0.0
    arrived = 0
    lost = 0
    while t < horizon:
        t_arr = t + np.random.exponential(1.0 / (2.0 * m))
        # earliest deadline among waiting agents
        t_dl = np.inf
        s_dl = -1
        j_dl = -1
        for s in range(2):
            for j in range(cnt[s]):
                if dl[s, j] < t_dl:
                    t_dl = dl[s, j]
                    s_dl = s
                    j_dl = j
        if t_dl < t_arr:
            t = t_dl
            s = s_dl
            cnt[s] -= 1
            dl[s, j_dl] = dl[s, cnt[s]]
            matched = False
            if patient and (not one_sided or s == 0):  # one-sided: only A (side 0) initiates
                o = 1 - s
                for j in range(cnt[o]):  # fresh compatibility coins: these pairs were never tested
                    if np.random.random() < p:
                        cnt[o] -= 1
                        dl[o, j] = dl[o, cnt[o]]
                        matched = True
                        break
            if not matched and t >= burn:
                lost += 1
            continue
        t = t_arr
        s = 0 if np.random.random() < 0.5 else 1
        if t >= burn:
            arrived += 1
        if not patient and (not one_sided or s == 0):
            o = 1 - s
            matched = False
            for j in range(cnt[o]):
                if np.random.random() < p:
                    cnt[o] -= 1
                    dl[o, j] = dl[o, cnt[o]]
                    matched = True
                    break
            if matched:
                continue
        if cnt[s] >= cap:
            return -1.0, arrived
        dl[s, cnt[s]] = t + np.random.exponential(1.0)
        cnt[s] += 1
    return lost / max(arrived, 1), arrived


_KERNEL: list = []


def simulate_market(mechanism: str, m: float = 10.0, d: float = 2.0, horizon: float = 2000.0,
                    burn: float = 50.0, seed: Any = None) -> dict[str, Any]:
    """Agent-level event simulation: fraction of agents arriving after ``burn`` that leave unmatched."""
    from fairbid.core.rng import as_generator

    mechanism = check_choice("mechanism", mechanism, MECHANISMS)
    p = _check(m, d)
    if not (np.isfinite(horizon) and 0 < horizon <= 1e7 and 0 <= burn < horizon):
        raise FairbidError("horizon", "needs 0 <= burn < horizon <= 1e7", (burn, horizon))
    if m * horizon > 1e9:
        raise FairbidError("horizon", "m * horizon (arrivals) must be at most 1e9", m * horizon)
    if not _KERNEL:
        from numba import njit

        _KERNEL.append(njit(cache=True)(_sim_py))
    s = int(as_generator(seed).integers(0, 2**31 - 1))
    frac, arrived = _KERNEL[0](float(m), float(p), float(horizon), float(burn), mechanism.startswith("patient"),
                               mechanism.endswith("1sided"), s)
    return {"mechanism": mechanism, "unmatched_fraction": float(frac), "arrived": int(arrived),
            "stderr_approx": float(np.sqrt(max(frac * (1 - frac), 1e-12) / max(arrived, 1)))}
