"""The §5.2 experiment: graph properties, value model, and one small chunk against direct calls."""

from __future__ import annotations

import numpy as np
import pytest

from fairbid.diffusion import dominator_tree, sra_crm, tree_count
from fairbid.diffusion.experiments import BUYERS, _chunk, depth4_network, depths, draw_values


def test_graph_has_depth_four_with_and_without_cut_points():
    net = depth4_network()
    cn = net.compiled
    assert max(depths(net).values()) == 4
    dt = dominator_tree(cn)
    cut = {cn.ids[int(v)] for v in dt.idom if v > 0}
    assert cut == {"c", "f", "g", "h"}  # by construction (see depth4_network's docstring)
    assert tree_count(cn, "random-parent") == 16  # d, e, g, k have two inviters each: 2^4
    assert tree_count(cn, "uniform") == 760


def test_values_follow_depth_model():
    net = depth4_network()
    vals = draw_values(net, 4000, seed=1)
    d = np.array([depths(net)[b] for b in BUYERS])
    assert (vals >= 0.1 + 0.1 * d).all() and (vals <= 0.6 + 0.1 * d).all()
    # U[a, a + 0.5] has mean a + 0.25
    assert vals.mean(0) == pytest.approx(0.35 + 0.1 * d, abs=0.02)


def test_chunk_matches_direct_mechanisms():
    ss = np.random.SeedSequence(5)
    part = _chunk((3, 3), ss)
    vals = draw_values(depth4_network(), 3, ss)
    exp = np.zeros(len(BUYERS))
    for row in vals:
        out = sra_crm(depth4_network(dict(zip(BUYERS, row.tolist()))), "uniform")
        exp += [out.utilities[b] for b in BUYERS]
    assert part["util"]["sra-crm uniform"] == pytest.approx(exp)
    assert part["n"] == 3 and part["n_sra"] == 3 and len(part["rev"]["sra"]) == 3
