"""Peer-prediction payment rules and their exact expected payments.

Agent ``i`` reports with strategy ``S_i`` and peer ``j`` with ``S_j``; the reports' joint distribution on a
task is ``Q = S_i^T U S_j``.

* Output agreement (OA): pay ``1[r_i = r_j]``; ``E = trace(Q)``.
* Peer truth serum (PTS; Radanovic and Faltings): pay ``1[r_i = r_j] / R(r_i) - 1`` with ``R`` a public
  reference distribution, by default the prior marginal (``reference="prior"``; the ``-1`` only shifts
  the payment so that uninformative reports drawn from ``R`` earn 0). ``E = sum_r Q[r, r] / R(r) - 1``.
* Determinant mutual information (DMI; Kong 2020, the talk's information-theoretic mechanism): both agents
  answer ``T`` a-priori-similar tasks, split in two halves of ``h = T/2``; with ``M_1, M_2`` the ``k x k``
  count matrices of joint answers on each half, pay ``det(M_1) det(M_2)``. Every term of ``det M`` with two
  factors from the same task vanishes (a task contributes one 1 to one row), so
  ``E[det M] = h!/(h-k)! det Q`` and, the halves being independent,
  ``E[pay] = (h!/(h-k)!)^2 det(Q)^2 = c det(S_i)^2 det(U)^2 det(S_j)^2``. As ``|det S| <= 1`` for a
  row-stochastic ``S`` (Hadamard), with equality exactly for permutations, truth-telling is dominant and
  ties only with permutations. Open point: ``tasks`` (default ``2k``, the minimum for which the payment
  is informative).
"""

from __future__ import annotations

from math import perm
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_int
from fairbid.elicitation.priors import SignalPrior

MECHANISMS = ("oa", "pts", "dmi")


def _tasks(k: int, tasks: int | None) -> int:
    t = 2 * k if tasks is None else check_int("--tasks", tasks, 2 * k, 10_000)
    if t % 2:
        raise FairbidError("--tasks", "must be even (two halves)", t)
    return t


def expected_payment(mechanism: str, prior: SignalPrior, s_i: np.ndarray, s_j: np.ndarray | None = None, *,
                     tasks: int | None = None, reference: Any = "prior") -> float:
    """Exact expected payment of agent ``i`` (strategy ``s_i``) paired with ``j`` (``s_j``, default truthful)."""
    check_choice("--mechanism", mechanism, MECHANISMS)
    k = prior.k
    s_j = np.eye(k) if s_j is None else s_j
    q = s_i.T @ prior.joint @ s_j
    if mechanism == "oa":
        return float(np.trace(q))
    if mechanism == "pts":
        ref = prior.marginal if isinstance(reference, str) and reference == "prior" else np.asarray(reference, float)
        return float((np.diag(q) / ref).sum() - 1.0)
    h = _tasks(k, tasks) // 2
    c = float(perm(h, k))  # h! / (h - k)!
    return float(c * c * np.linalg.det(q) ** 2)


def simulate_payments(mechanism: str, prior: SignalPrior, s_i: np.ndarray, s_j: np.ndarray | None = None, *,
                      rounds: int = 10_000, tasks: int | None = None, seed: Any = None) -> np.ndarray:
    """Draw signals and reports and apply the payment rule itself; returns ``rounds`` payments of agent ``i``.

    For OA and PTS each round is one task; for DMI a round is ``tasks`` tasks and the determinant payment.
    An independent check of :func:`expected_payment` (the tests compare the two).
    """
    from fairbid.core.rng import as_generator

    check_choice("--mechanism", mechanism, MECHANISMS)
    rounds = check_int("--rounds", rounds, 1, 10_000_000)
    rng = as_generator(seed)
    k = prior.k
    s_j = np.eye(k) if s_j is None else s_j
    t = 1 if mechanism != "dmi" else _tasks(k, tasks)
    if rounds * t > 50_000_000:
        raise FairbidError("--rounds", "rounds x tasks must be at most 5e7", rounds * t)
    flat = rng.choice(k * k, size=(rounds, t), p=prior.joint.ravel())
    sig_i, sig_j = flat // k, flat % k

    def report(sig: np.ndarray, s: np.ndarray) -> np.ndarray:
        cum = np.cumsum(s, axis=1)
        u = rng.random(sig.shape)
        return np.minimum((u[..., None] > cum[sig]).sum(axis=-1), k - 1)

    r_i, r_j = report(sig_i, s_i), report(sig_j, s_j)
    if mechanism == "oa":
        return (r_i[:, 0] == r_j[:, 0]).astype(float)
    if mechanism == "pts":
        return (r_i[:, 0] == r_j[:, 0]) / prior.marginal[r_i[:, 0]] - 1.0
    h = t // 2
    dets = []
    for half in (slice(0, h), slice(h, t)):
        m = np.zeros((rounds, k, k))
        np.add.at(m, (np.arange(rounds)[:, None], r_i[:, half], r_j[:, half]), 1.0)
        dets.append(np.linalg.det(m))
    return dets[0] * dets[1]
