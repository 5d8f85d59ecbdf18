"""Monte Carlo under equilibrium bids against the closed forms (Eqs. 4, 6, 9-10, 13-15)."""

import numpy as np
import pytest

from fairbid.auctions.montecarlo import (
    bin_averages,
    compare_closed_forms,
    simulate_auctions,
    validate_closed_forms,
    wilson_interval,
)
from fairbid.auctions.distributions import parse_distribution
from fairbid.auctions.spec import MechanismSpec
from fairbid.core.errors import FairbidError

MECHANISMS = [
    MechanismSpec.fp(0.2), MechanismSpec.sp(0.2), MechanismSpec.ep(0.2),
    MechanismSpec.pfp(0.3, 0.1, 0.2), MechanismSpec.psp(0.3, 0.1, 0.2),
]


@pytest.mark.parametrize("mechanism", MECHANISMS, ids=str)
@pytest.mark.parametrize("dist", ["uniform:0:1", "beta:2:5", "lognormal:0:0.5"])
def test_every_closed_form_within_ci(mechanism, dist):
    # 2·10^5 auctions of N = 5; family-wise 95% (Bonferroni) over 10 bins x 2 quantities + revenue.
    table = validate_closed_forms(mechanism, dist, 5, 200_000, seed=7, bins=10)
    bad = [(q, c, lo, hi) for q, c, lo, hi, ok in zip(
        table["quantity"], table["closed_form"], table["ci_low"], table["ci_high"], table["within_ci"]) if not ok]
    assert not bad
    assert len(table["quantity"]) == 21


def test_second_price_revenue_textbook():
    # Krishna, Auction Theory §2.3: SP (= FP) revenue with U[0, 1] values is (N − 1)/(N + 1).
    for spec in (MechanismSpec.sp(0.0), MechanismSpec.fp(0.0)):
        res = simulate_auctions(spec, "uniform:0:1", 4, 200_000, seed=2, bins=4)
        assert abs(res.revenue_mean - 3 / 5) < 4 * res.revenue_se


def test_monte_carlo_rejects_eq9_as_printed():
    # Eq. 9 prints π^0 = (1/N)(1 − F(r))(x − r); an EP bidder at/above r wins w.p. 1/N and pays r, so
    # her payoff is (x − r)/N. With r = 0.5 the two differ by a factor 2 and the Monte Carlo tells.
    res = simulate_auctions(MechanismSpec.ep(0.5), "uniform:0:1", 3, 100_000, seed=1, bins=4)
    assert all(compare_closed_forms(res, ep_payoff="interim")["within_ci"])
    literal = compare_closed_forms(res, ep_payoff="seed")
    flags = [ok for q, ok in zip(literal["quantity"], literal["within_ci"]) if q == "payoff"]
    assert flags == [True, True, False, False]  # bins below r = 0.5 have payoff 0 in both readings


def test_results_identical_across_backends_and_independent_of_workers():
    kw = dict(seed=5, bins=3, chunk=20_000)
    serial = simulate_auctions(MechanismSpec.pfp(0.3, 0.1, 0.2), "beta:2:5", 4, 50_000, executor="serial", **kw)
    proc = simulate_auctions(MechanismSpec.pfp(0.3, 0.1, 0.2), "beta:2:5", 4, 50_000, executor="process", **kw)
    for name in ("win_mean", "payoff_mean", "count"):
        np.testing.assert_array_equal(getattr(serial, name), getattr(proc, name))
    assert serial.revenue_mean == proc.revenue_mean


def test_bin_averages_against_exact_integrals():
    # U[0, 1], fn(x) = x² with a jump at 0.3 (x² + 1 above): bin [0, 0.5] average =
    # 2(∫_0^0.5 x² dx + 0.2) = 2(1/24 + 0.2); bin [0.5, 1]: 2(7/24) + 1.
    dist = parse_distribution("uniform:0:1")
    got = bin_averages(lambda x: x**2 + (x >= 0.3), np.array([0.0, 0.5, 1.0]), dist, [0.3])
    np.testing.assert_allclose(got, [2 * (1 / 24 + 0.2), 2 * 7 / 24 + 1], atol=1e-12)
    # Unbounded upper bin: lognormal mean of the top half E[X | X > median] = 2 e^{σ²/2} Φ(σ).
    from scipy.stats import norm

    ln = parse_distribution("lognormal:0:0.5")
    top = bin_averages(lambda x: x, np.array([0.0, 1.0, np.inf]), ln, [])[1]
    assert top == pytest.approx(2 * np.exp(0.125) * norm.cdf(0.5), rel=1e-8)


def test_wilson_interval_textbook_values():
    # Agresti & Coull (1998): Wilson 95% interval for 0 of 10 is [0, 0.2775]; for 5 of 10 [0.2366, 0.7634].
    lo, hi = wilson_interval(np.array([0.0, 0.5]), np.array([10.0, 10.0]), 1.959964)
    np.testing.assert_allclose(lo, [0.0, 0.2366], atol=1e-4)
    np.testing.assert_allclose(hi, [0.2775, 0.7634], atol=1e-4)


def test_montecarlo_bad_inputs():
    with pytest.raises(FairbidError, match="N"):
        simulate_auctions(MechanismSpec.sp(), "uniform:0:1", 1, 10)
    with pytest.raises(FairbidError, match="auctions"):
        simulate_auctions(MechanismSpec.sp(), "uniform:0:1", 3, 0)
    with pytest.raises(FairbidError, match="mechanism"):
        simulate_auctions("sp", "uniform:0:1", 3, 10)
