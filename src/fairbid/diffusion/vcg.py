"""VCG on the network (definition in ../shared/notes/recovered-definitions.md, section 003).

The highest bidder ``m`` wins and pays ``v*(N \\ d_m)``; each critical ancestor ``c`` of ``m`` is paid
``v_m - v*(N \\ d_c)``. Efficient, IC and IR, but the seller can run a deficit.
"""

from __future__ import annotations

import numpy as np

from fairbid.diffusion.dominators import DominatorTree
from fairbid.diffusion.idm import critical_chain
from fairbid.diffusion.network import DiffusionNetwork
from fairbid.diffusion.outcome import Outcome, outcome_from_arrays


def vcg(net: DiffusionNetwork, dt: DominatorTree | None = None) -> Outcome:
    """Run network VCG on the reported network."""
    cn = net.compiled
    win = np.zeros(cn.n)
    pay = np.zeros(cn.n)
    m, chain, outside = critical_chain(net, dt)
    if m > 0:
        win[m] = 1.0
        pay[m] = outside[-1]
        for j, c in enumerate(chain[:-1]):
            pay[c] = outside[j] - cn.bids[m]
    return outcome_from_arrays(net, "vcg", win, pay, deterministic=True)
