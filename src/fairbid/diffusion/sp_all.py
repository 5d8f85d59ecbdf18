"""Second price among all valid buyers, with no reward for inviting (a deliberately non-IC baseline).

A buyer can gain by not inviting: hiding a stronger competitor lowers her price or lets her win.
"""

from __future__ import annotations

import numpy as np

from fairbid.diffusion.network import DiffusionNetwork
from fairbid.diffusion.outcome import Outcome, outcome_from_arrays
from fairbid.diffusion.vickrey import second_price


def sp_all(net: DiffusionNetwork) -> Outcome:
    """Vickrey auction among every valid buyer."""
    cn = net.compiled
    win = np.zeros(cn.n)
    pay = np.zeros(cn.n)
    w, price = second_price(cn.bids, np.arange(1, cn.n))
    if w > 0:
        win[w], pay[w] = 1.0, price
    return outcome_from_arrays(net, "sp-all", win, pay, deterministic=True)
