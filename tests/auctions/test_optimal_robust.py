"""Correlation-robust selling to an additive buyer: the max-min LP against Carroll's theorem."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.auctions.robust import robust_additive_mechanism, separate_sale_revenue, worst_case_revenue
from fairbid.core.errors import FairbidError


def test_two_items_by_hand() -> None:
    # Values {1, 2} w.p. 1/2 each per item. Separate sale: price 1 or 2 both earn 1 per item -> 2.
    # Carroll (2017): separate sale is max-min optimal, so the LP must give exactly 2.
    r = robust_additive_mechanism([[1, 2], [1, 2]], [[0.5, 0.5], [0.5, 0.5]])
    assert r.revenue == pytest.approx(2.0)
    # Pure bundling at price 4 sells only when both values are 2; the worst coupling (anti-correlated)
    # makes that probability 0, so its worst-case revenue is 0 (by hand). Bundling at price 3 sells unless
    # both values are 1; the worst coupling puts 1/2 on (1, 1) and 1/2 on (2, 2): revenue 3/2 (by hand).
    m = [[0.5, 0.5], [0.5, 0.5]]
    worst, pmf = worst_case_revenue([[1, 2], [1, 2]], m, np.where(r.types.sum(axis=1) >= 4, 4.0, 0.0))
    assert worst == pytest.approx(0.0, abs=1e-12)
    assert pmf[1, 1] == pytest.approx(0.0, abs=1e-12)
    worst, pmf = worst_case_revenue([[1, 2], [1, 2]], m, np.where(r.types.sum(axis=1) >= 3, 3.0, 0.0))
    assert worst == pytest.approx(1.5)
    np.testing.assert_allclose(pmf, [[0.5, 0.0], [0.0, 0.5]], atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(n=st.integers(1, 3), k=st.integers(1, 4), seed=st.integers(0, 10**6))
def test_maxmin_lp_equals_separate_sale(n: int, k: int, seed: int) -> None:
    # Carroll (Econometrica 2017, Thm. 1): with known marginals only, selling separately at each item's
    # monopoly price maximises worst-case revenue. Three independent computations must agree: the joint
    # LP (dual), the closed-form separate sale, and the primal transportation LP on the LP's own prices.
    rng = np.random.default_rng(seed)
    vals = [np.sort(rng.choice(np.arange(1, 30), k, replace=False)).astype(float) for _ in range(n)]
    margs = [rng.dirichlet(np.ones(k)) for _ in range(n)]
    r = robust_additive_mechanism(vals, margs)
    assert r.revenue == pytest.approx(separate_sale_revenue(vals, margs), rel=1e-7, abs=1e-9)
    assert worst_case_revenue(vals, margs, r.price)[0] == pytest.approx(r.revenue, rel=1e-6, abs=1e-8)
    # The menu is IC and IR (brute force over all type pairs).
    util = (r.types[:, None, :] * r.allocation[None, :, :]).sum(axis=2) - r.price[None, :]
    assert (util.max(axis=1) - np.diag(util)).max() <= 1e-7
    assert np.diag(util).min() >= -1e-7


@pytest.mark.parametrize("vals, margs, msg", [
    ([[1, 2]], [[0.5, 0.6]], "sum to 1"),
    ([[2, 1]], [[0.5, 0.5]], "strictly increasing"),
    ([[1, 2]], [[1.0]], "entries"),
    ([list(range(1, 50))] * 2, [[1 / 49] * 49] * 2, "joint types"),
])
def test_bad_input(vals, margs, msg) -> None:
    with pytest.raises(FairbidError, match=msg):
        robust_additive_mechanism(vals, margs)


def test_cli_robust(tmp_path, capsys) -> None:
    from fairbid.cli.main import main

    p = tmp_path / "m.json"
    p.write_text(json.dumps({"values": [[1, 2], [1, 2]], "marginals": [[0.5, 0.5], [0.5, 0.5]]}))
    assert main(["auctions", "robust", "--instance", str(p), "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    assert res["worst_case_revenue"] == pytest.approx(2.0)  # test_two_items_by_hand
    p.write_text('{"values": [[1, 2]], "marginals": [[0.5, "x"]]}')
    assert main(["auctions", "robust", "--instance", str(p), "--json"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:")
