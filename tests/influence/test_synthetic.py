import numpy as np
import pytest

from fairbid.core.errors import FairbidError
from fairbid.influence import load_graph
from fairbid.influence.synthetic import synthetic_edges


def test_powerlaw_spec_has_exact_counts_and_no_loops_or_duplicates():
    src, dst, n = synthetic_edges("synthetic:powerlaw:2000:12000:3")
    assert n == 2000 and src.size == 12000
    assert not np.any(src == dst)
    assert np.unique(src * n + dst).size == 12000
    g = load_graph("synthetic:powerlaw:2000:12000:3")
    assert (g.n, g.m, g.directed) == (2000, 12000, True)


def test_powerlaw_is_heavy_tailed_and_seeded():
    g = load_graph("synthetic:powerlaw:20000:100000:1", cache=False)
    deg = g.out_degree()
    # Expected degree of the top node ~ M / sum_i i^(-2/3) ~ 100000 / (3 * 20000^(1/3)) ~ 1200,
    # against a mean of 5: far above anything an Erdos-Renyi graph (max ~ 15) would give.
    assert deg.max() > 500 and deg.mean() == 5.0
    a, _, _ = synthetic_edges("synthetic:powerlaw:500:2000:9")
    b, _, _ = synthetic_edges("synthetic:powerlaw:500:2000:9")
    c, _, _ = synthetic_edges("synthetic:powerlaw:500:2000:10")
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize("spec", ["synthetic:powerlaw:10", "synthetic:tree:10:5:1", "synthetic:gnm:3:10:1",
                                  "synthetic:powerlaw:a:b:c", "synthetic:powerlaw:100:200:1:1.5"])
def test_bad_specs(spec):
    with pytest.raises(FairbidError):
        synthetic_edges(spec)
