"""The Information Diffusion Mechanism (Li, Hao, Zhao, Zhou, AAAI 2017).

Definition (../shared/notes/recovered-definitions.md, section 003): ``m`` is the highest bidder (first
listed on ties); ``C_m = (c_1, ..., c_k = m)`` her critical ancestors and herself ordered from the
seller; ``v*(X)`` the highest bid in ``X``; ``d_i`` = ``i`` and the buyers she dominates. The winner is the
first ``c_l`` with ``v(c_l) = v*(N \\ d_{c_{l+1}})`` (``d_{c_{k+1}} = {}``); she pays ``v*(N \\ d_w)``; each
``c_l`` before her pays ``v*(N \\ d_{c_l}) - v*(N \\ d_{c_{l+1}})`` (<= 0, i.e. is paid).
"""

from __future__ import annotations

import numpy as np

from fairbid.diffusion.dominators import DominatorTree, dominator_tree
from fairbid.diffusion.network import DiffusionNetwork
from fairbid.diffusion.outcome import Outcome, max_outside, outcome_from_arrays


def outside_prices(dt: DominatorTree, bids: np.ndarray, chain: list[int]) -> np.ndarray:
    """``v*(N \\ d_c)`` for every ``c`` in ``chain`` (0 when the complement is empty)."""
    c = np.asarray(chain, dtype=np.int64)
    return max_outside(bids[dt.order], dt.tin[c], dt.tout[c])


def highest_bidder(bids: np.ndarray) -> int:
    """Index of the first highest bidder (the seller at index 0 bids -inf); -1 when no buyer."""
    return int(np.argmax(bids)) if bids.size > 1 else -1


def critical_chain(net: DiffusionNetwork, dt: DominatorTree | None = None) -> tuple[int, list[int], np.ndarray]:
    """The highest bidder ``m``, her chain ``C_m`` and ``v*(N \\ d_c)`` for each ``c`` in it.

    ``m`` is -1 (with an empty chain) when no buyer is valid. IDM and network VCG both start here.
    """
    cn = net.compiled
    m = highest_bidder(cn.bids)
    if m <= 0:
        return -1, [], np.zeros(0)
    dt = dt or dominator_tree(cn)
    chain = dt.chain(m)
    return m, chain, outside_prices(dt, cn.bids, chain)


def idm(net: DiffusionNetwork, dt: DominatorTree | None = None) -> Outcome:
    """Run IDM on the reported network."""
    cn = net.compiled
    win = np.zeros(cn.n)
    pay = np.zeros(cn.n)
    m, chain, outside = critical_chain(net, dt)
    if m > 0:
        # Price seen by c_l when the item moves past her: v*(N \ d_{c_{l+1}}), the last one v*(N).
        nxt = np.append(outside[1:], cn.bids[m])
        keeps = cn.bids[np.asarray(chain)] >= nxt
        l = int(np.argmax(keeps))
        w = chain[l]
        win[w] = 1.0
        pay[w] = outside[l]
        for j in range(l):
            pay[chain[j]] = outside[j] - outside[j + 1]
    return outcome_from_arrays(net, "idm", win, pay, deterministic=True)
