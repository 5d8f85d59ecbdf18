"""Second-price auction among the seller's neighbours only (no diffusion): Prop. 5.1's baseline."""

from __future__ import annotations

import numpy as np

from fairbid.diffusion.network import DiffusionNetwork
from fairbid.diffusion.outcome import Outcome, outcome_from_arrays


def second_price(bids: np.ndarray, members: np.ndarray) -> tuple[int, float]:
    """Winner (first highest bidder among ``members``) and the second-highest bid (0 if alone).

    Returns ``(-1, 0.0)`` when ``members`` is empty.
    """
    if members.size == 0:
        return -1, 0.0
    b = bids[members]
    k = int(np.argmax(b))
    rest = np.delete(b, k)
    return int(members[k]), float(rest.max()) if rest.size else 0.0


def vickrey_neighbours(net: DiffusionNetwork) -> Outcome:
    """Vickrey auction among the seller's neighbours; nobody is invited further."""
    cn = net.compiled
    members = np.sort(cn.out_idx[cn.out_ptr[0]:cn.out_ptr[1]].astype(np.int64))
    win = np.zeros(cn.n)
    pay = np.zeros(cn.n)
    w, price = second_price(cn.bids, members)
    if w > 0:
        win[w], pay[w] = 1.0, price
    return outcome_from_arrays(net, "vickrey-neighbours", win, pay, deterministic=True)
