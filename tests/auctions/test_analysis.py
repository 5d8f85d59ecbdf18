"""Closed forms (closed_forms.py) and Lemma 3 / Eq. 25 / Theorem 5 (classification.py) of seed 004.

Every number is checked against an independently derived one: a textbook closed form, a different
integral representation computed by scipy/numpy directly, or a small seeded Monte Carlo of the
mechanism written here from its definition.
"""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from fairbid.auctions import (
    MechanismSpec,
    classify,
    contour_profit_line,
    contour_profit_peak,
    expected_payoff,
    expected_revenue,
    in_theorem5_region,
    optimal_reserve,
    parse_distribution,
    rate_threshold,
    revenue_ap,
    revenue_ep,
    share_above_theta,
    sme_line,
    theorem5_interval,
    value_at_winning_rate,
    winning_rate,
    winning_rate_gain,
    xi1,
    xi2,
)
from fairbid.core.errors import FairbidError

U = "uniform:0:1"
NON_UNIFORM = ["beta:2:5", "lognormal:0:0.5"]
PROPERTY = settings(max_examples=25, deadline=None)
# Parsed once so the closed forms' caches (keyed by the distribution object) are reused across examples.
DISTS = {spec: parse_distribution(spec) for spec in [U] + NON_UNIFORM}


def uniform_revenue(n: int, r: float) -> float:
    """SP/FP revenue with reserve r, N bidders, U[0, 1].

    Krishna (2010), Auction Theory, §2.5: R = N[r(1 − F(r))G(r) + ∫_r^1 y(1 − F(y))g(y) dy] with
    F(y) = y, g(y) = (N − 1)y^{N−2}; integrating the polynomial gives
    (N − 1)/(N + 1) + r^N − 2N r^{N+1}/(N + 1). Checks: r = 0 → (N − 1)/(N + 1); N = 2, r = 1/2 → 5/12
    (the optimal two-bidder revenue, Myerson 1981).
    """
    return (n - 1) / (n + 1) + r**n - 2 * n * r ** (n + 1) / (n + 1)


def tail_revenue(spec: str, n: int, r: float) -> float:
    """SP revenue as E[payment] = ∫ P(payment > t) dt, a different formula from Eq. 15.

    The payment is r when only the top value clears r, else the second-highest value Y2; so
    P(payment > t) = P(Y1 ≥ r) for t < r and P(Y2 > t) = 1 − F^N − N F^{N−1}(1 − F) for t ≥ r.
    """
    d = parse_distribution(spec)

    def second_above(t):
        f = float(d.cdf(t))
        return 1.0 - f**n - n * f ** (n - 1) * (1.0 - f)

    tail, _ = integrate.quad(second_above, r, d.upper, limit=400, epsabs=1e-13)
    return r * (1.0 - float(d.cdf(r)) ** n) + tail


def brute_payoff_sp(spec: str, n: int, r: float, x: float) -> float:
    """x G(x) − E[SP payment] with E[payment] = r G(r) + ∫_r^x y g(y) dy on a dense trapezoid grid."""
    d = parse_distribution(spec)
    if x < r:
        return 0.0
    y = np.linspace(r, x, 400_001)
    g = (n - 1) * d.cdf(y) ** (n - 2) * d.pdf(y)
    pay = r * float(d.cdf(r)) ** (n - 1) + np.trapezoid(y * g, y)
    return x * float(d.cdf(x)) ** (n - 1) - pay


# -- textbook values ------------------------------------------------------------------------------
@pytest.mark.parametrize("n", [2, 3, 5, 10])
def test_second_price_revenue_uniform_is_textbook(n):
    # Vickrey (1961); Krishna (2010) §2.3: E[second-highest of N U[0,1]] = (N − 1)/(N + 1).
    assert revenue_ap(U, n, 0.0) == pytest.approx((n - 1) / (n + 1), abs=1e-12)
    assert expected_revenue(MechanismSpec.fp(0.0), U, n) == pytest.approx((n - 1) / (n + 1), abs=1e-12)


@pytest.mark.parametrize(("n", "r"), [(2, 0.5), (3, 0.2), (5, 0.1), (5, 0.4), (8, 0.7)])
def test_revenue_with_reserve_uniform(n, r):
    assert revenue_ap(U, n, r) == pytest.approx(uniform_revenue(n, r), abs=1e-12)
    assert revenue_ap(U, 2, 0.5) == pytest.approx(5 / 12, abs=1e-12)


def test_optimal_reserve_textbook():
    # Myerson (1981): r̄ solves r = (1 − F(r))/f(r): 1/2 for U[0, 1], b/2 for U[a, b] with b ≥ 2a,
    # the scale s for an exponential (hazard 1/s), and the lower end a when b < 2a.
    assert optimal_reserve(U) == pytest.approx(0.5, abs=1e-12)
    assert optimal_reserve("uniform:0.2:1") == pytest.approx(0.5, abs=1e-12)
    assert optimal_reserve("expon:2") == pytest.approx(2.0, abs=1e-10)
    assert optimal_reserve("uniform:0.6:1") == pytest.approx(0.6)


def test_optimal_reserve_maximizes_revenue_for_non_uniform():
    # dR/dr = −N G(r)[r f(r) − (1 − F(r))]: r̄ must beat every reserve on a grid.
    for spec in NON_UNIFORM:
        d = parse_distribution(spec)
        r_bar = optimal_reserve(d, 4)
        grid = np.asarray(d.ppf(np.linspace(0.01, 0.95, 60)))
        assert revenue_ap(d, 4, r_bar) >= max(revenue_ap(d, 4, r) for r in grid) - 1e-12
        assert r_bar * float(d.pdf(r_bar)) == pytest.approx(float(d.sf(r_bar)), abs=1e-10)


def test_recovered_definition_check_values():
    # ../shared/notes/recovered-definitions.md (004): N = 5, U[0,1], λ = 0.02.
    assert xi1(U, 5) == pytest.approx((1 / 5) ** 0.25, abs=1e-12)
    assert round(xi1(U, 5), 4) == 0.6687
    assert xi2(U, 5, 0.02) == pytest.approx((0.02 / 5) ** 0.25, abs=1e-12)
    assert round(xi2(U, 5, 0.02), 4) == 0.2515
    # θ = 0.1 %: F(r)^{N−1} = θ at r ≈ 0.1778, so SP(0.1) keeps 82.2 % (seed §V).
    assert value_at_winning_rate(U, 5, 0.001) == pytest.approx(0.001**0.25, abs=1e-12)
    assert share_above_theta(MechanismSpec.sp(0.1), U, 5, 0.001) == pytest.approx(1 - 0.001**0.25)


def test_xi_for_non_uniform_solve_their_equations():
    for spec in NON_UNIFORM:
        d = parse_distribution(spec)
        assert float(d.cdf(xi1(d, 6))) ** 5 == pytest.approx(1 / 6, rel=1e-10)
        assert float(d.cdf(xi2(d, 6, 0.3))) ** 5 == pytest.approx(0.3 / 6, rel=1e-10)
    # λ = 0 puts ξ2 at the bottom of the support.
    assert xi2(U, 5, 0.0) == 0.0


def test_ep_revenue_and_rate():
    # Eqs. 6 and 10: p = 1/N above r, R^0 = r(1 − F(r)).
    assert revenue_ep(U, 0.3) == pytest.approx(0.3 * 0.7)
    assert expected_revenue(MechanismSpec.ep(0.3), "expon:1", 4) == pytest.approx(0.3 * math.exp(-0.3))
    np.testing.assert_allclose(winning_rate([0.1, 0.3, 0.9], MechanismSpec.ep(0.3), U, 4), [0, 0.25, 0.25])


# -- closed forms against independent integrals (non-uniform F, unbounded support) ------------------
@pytest.mark.parametrize("spec", NON_UNIFORM + ["expon:1", "truncnorm:0.5:0.3:0:2"])
@pytest.mark.parametrize("q", [0.0, 0.3, 0.6])
def test_revenue_matches_tail_integral(spec, q):
    d = parse_distribution(spec)
    r = 0.0 if q == 0.0 else float(d.ppf(q))
    assert revenue_ap(d, 4, r) == pytest.approx(tail_revenue(spec, 4, r), rel=1e-8, abs=1e-12)


def test_revenue_heavy_tail_pareto():
    # Two Pareto(α = 3, x_m = 1) bidders: the SP price is the minimum, Pareto(6), mean 6/5.
    assert revenue_ap("pareto:3", 2, 0.0) == pytest.approx(6 / 5, rel=1e-10)


def test_revenue_exponential_order_statistic():
    # E[second highest of 3 Exp(1)] = 1/3 + 1/2 (Rényi representation of exponential spacings).
    assert revenue_ap("expon:1", 3, 0.0) == pytest.approx(5 / 6, rel=1e-10)


@pytest.mark.parametrize("spec", NON_UNIFORM)
def test_payoff_matches_brute_force(spec):
    d = parse_distribution(spec)
    r = float(d.ppf(0.2))
    xs = np.asarray(d.ppf([0.1, 0.3, 0.5, 0.9, 0.999]))
    got = expected_payoff(xs, MechanismSpec.sp(r), d, 5)
    want = [brute_payoff_sp(spec, 5, r, float(x)) for x in xs]
    np.testing.assert_allclose(got, want, rtol=1e-7, atol=1e-12)
    # FP and SP have the same interim payoff (revenue equivalence, Krishna §3.1).
    np.testing.assert_allclose(expected_payoff(xs, MechanismSpec.fp(r), d, 5), got, rtol=1e-12)


def test_payoff_uniform_closed_form_and_shape():
    # U[0,1]: ∫_r^x y^{N−1} dy = (x^N − r^N)/N; EP part (x − r2)/N (interim reading of Eq. 9).
    x = np.linspace(0, 1, 12).reshape(3, 4)
    spec = MechanismSpec.psp(0.3, 0.1, 0.2)
    want = 0.2 * np.where(x >= 0.1, (x - 0.1) / 5, 0) + 0.8 * np.where(x >= 0.3, (x**5 - 0.3**5) / 5, 0)
    got = expected_payoff(x, spec, U, 5)
    assert got.shape == (3, 4)
    np.testing.assert_allclose(got, want, atol=1e-14)
    # The "seed" reading multiplies the EP part by 1 − F(r2) (Eq. 9 as printed).
    seed = expected_payoff(x, spec, U, 5, ep_payoff="seed")
    want_seed = want - 0.2 * np.where(x >= 0.1, (x - 0.1) / 5, 0) * 0.1
    np.testing.assert_allclose(seed, want_seed, atol=1e-14)


@pytest.mark.parametrize(("spec", "value_q"), [(U, 0.3), (U, 0.85), ("beta:2:5", 0.5)])
def test_psp_against_small_monte_carlo(spec, value_q):
    """A bidder of value x against N − 1 truthful opponents in pSP, simulated from Defs. 3 and 5."""
    d = parse_distribution(spec)
    n, lam = 5, 0.3
    r2, r1 = float(d.ppf(0.1)), float(d.ppf(0.4))
    x = float(d.ppf(value_q))
    rng = np.random.default_rng(2024)
    m = 400_000
    others = d.sample((m, n - 1), seed=rng)
    ep_round = rng.random(m) < lam
    drawn_me = rng.integers(0, n, m) == 0
    top = others.max(axis=1)
    win_ep = ep_round & drawn_me & (x >= r2)
    win_sp = ~ep_round & (x >= r1) & (x > top)
    pay = np.where(win_ep, r2, 0.0) + np.where(win_sp, np.maximum(top, r1), 0.0)
    wins, payoff = (win_ep | win_sp).astype(float), x * (win_ep | win_sp) - pay
    mech = MechanismSpec.psp(r1, r2, lam)
    for sample, closed in ((wins, winning_rate(x, mech, d, n)), (payoff, expected_payoff(x, mech, d, n))):
        se = sample.std() / math.sqrt(m)
        assert abs(sample.mean() - float(closed)) < 5 * se + 1e-12


# -- Lemma 3 classification -------------------------------------------------------------------------
def test_classification_of_seed_figures():
    # Seed Figs. 1–3: N = 5, U[0,1], r2 = 0.1, λ = 0.02, r1 = 0.2 < ξ2, r1 = ξ2, r1 = 0.28 > ξ2.
    xi_2 = xi2(U, 5, 0.02)
    assert classify(MechanismSpec.psp(0.2, 0.1, 0.02), U, 5) == "sme-friendly"
    assert classify(MechanismSpec.psp(xi_2, 0.1, 0.02), U, 5) == "sme-friendly"
    assert classify(MechanismSpec.psp(0.28, 0.1, 0.02), U, 5) == "semi-sme-friendly"
    # λ ≤ N F(r2)^{N−1} = 5·0.1^4: nobody gains.
    assert classify(MechanismSpec.psp(0.28, 0.1, 5e-4), U, 5) == "neither"


def test_classification_not_applicable():
    assert classify(MechanismSpec.sp(0.1), U, 5) is None
    assert classify(MechanismSpec.ep(0.1), U, 5) is None
    assert classify(MechanismSpec.psp(0.6, 0.1, 0.02), U, 5) is None  # r1 > r̄ = 0.5
    assert classify(MechanismSpec.psp(0.2, 0.1, 0.0), U, 5) is None  # λ ∉ (0, 1)
    assert classify(MechanismSpec.psp(0.2, 0.1, 1.0), U, 5) is None


def lemma_params():
    """(F, N, r1 as a fraction of min{r̄, ξ1}, r2 as a fraction of r1, λ): Lemma 3's hypotheses."""
    return st.tuples(
        st.sampled_from([U] + NON_UNIFORM),
        st.integers(2, 8),
        st.floats(0.02, 1.0),
        st.floats(0.0, 1.0),
        st.floats(0.001, 0.999),
    )


def _params(spec, n, a, b, lam):
    d = DISTS[spec]
    bound = min(optimal_reserve(d, n), xi1(d, n))
    r1 = a * bound
    return d, n, r1, b * r1, lam


@PROPERTY
@given(lemma_params())
def test_lemma3_cases_hold(params):
    d, n, r1, r2, lam = _params(*params)
    mech = MechanismSpec.psp(r1, r2, lam)
    cls = classify(mech, d, n)
    x_1, x_2 = xi1(d, n), xi2(d, n, lam)
    grid = np.linspace(r2, x_1, 400)[1:-1]
    w = winning_rate_gain(grid, mech, d, n)
    if cls == "sme-friendly":  # cases 1–2: w > 0 on (r2, ξ1) except at x = r1 in case 2
        assert (w[np.abs(grid - r1) > 1e-9] > -1e-15).all()
    elif cls == "semi-sme-friendly":  # case 3: w > 0 below ξ2, w < 0 on (ξ2, r1)
        assert (w[grid < x_2] > 0).all()
        assert (w[(grid > x_2) & (grid < r1)] < 0).all()
    else:
        assert cls == "neither"
        assert (w[grid < r1] <= 1e-15).all()


# -- Theorems 2–4, Lemma 4 ------------------------------------------------------------------------
@PROPERTY
@given(lemma_params(), st.floats(0.0, 1.0))
def test_theorem2_winning_rate_of_large_enterprises(params, t):
    d, n, r1, r2, lam = _params(*params)
    x_1 = xi1(d, n)
    x = x_1 + max(t, 1e-3) * (d.quantile_upper(1e-6) - x_1)
    p_new = float(winning_rate(x, MechanismSpec.psp(r1, r2, lam), d, n))
    p_r1 = float(winning_rate(x, MechanismSpec.sp(r1), d, n))
    p_r2 = float(winning_rate(x, MechanismSpec.sp(r2), d, n))
    assert p_r1 == p_r2
    assert p_new < p_r1 or (p_new == p_r1 == 1.0)
    assert p_new >= (1 - lam * (1 - 1 / n)) * p_r2 - 1e-15


@PROPERTY
@given(lemma_params(), st.floats(0.0, 1.0))
def test_theorem3_lower_bound_on_payoff(params, t):
    d, n, r1, r2, lam = _params(*params)
    x = xi1(d, n) + t * (d.quantile_upper(1e-6) - xi1(d, n))
    new = float(expected_payoff(x, MechanismSpec.psp(r1, r2, lam), d, n))
    old = float(expected_payoff(x, MechanismSpec.sp(r1), d, n))
    assert new >= (1 - lam) * old - 1e-15


def test_theorem3_upper_bound_fails_for_uniform():
    """Seed Theorem 3 also claims π^{pA}(x) < π^A(x; r1) for x ≥ ξ1; that is false in general.

    U[0,1], N = 5, r1 = r2 = 0.1, λ = 0.02, x = ξ1 = 5^{−1/4}: π^A = (x^5 − r^5)/5 and the EP part
    pays (x − r)/5 > (x^5 − r^5)/5, so the mixture pays the bidder more (even with Eq. 9's factor).
    """
    x, r, lam = 5 ** -0.25, 0.1, 0.02
    old = (x**5 - r**5) / 5
    new = lam * (x - r) / 5 + (1 - lam) * old
    for reading in ("interim", "seed"):
        got = float(expected_payoff(x, MechanismSpec.psp(r, r, lam), U, 5, ep_payoff=reading))
        assert got > float(expected_payoff(x, MechanismSpec.sp(r), U, 5))
    assert float(expected_payoff(x, MechanismSpec.psp(r, r, lam), U, 5)) == pytest.approx(new, abs=1e-14)


@PROPERTY
@given(lemma_params())
def test_theorem4_profit_bounds(params):
    d, n, r1, r2, lam = _params(*params)
    rev = expected_revenue(MechanismSpec.psp(r1, r2, lam), d, n)
    assert rev >= (1 - lam) * revenue_ap(d, n, r1) - 1e-14
    assert revenue_ap(d, n, r1) >= revenue_ap(d, n, r2) - 1e-14


@PROPERTY
@given(lemma_params(), st.floats(0.01, 0.5))
def test_lemma4_profit_monotone(params, step):
    d, n, r1, r2, lam = _params(*params)
    bound = min(optimal_reserve(d, n), xi1(d, n))

    def rev(a, b, c):
        return expected_revenue(MechanismSpec.psp(a, b, c), d, n)

    base = rev(r1, r2, lam)
    assert rev(r1, r2, min(1.0, lam + step)) <= base + 1e-14  # decreasing in λ
    assert rev(r1 + step * (bound - r1), r2, lam) >= base - 1e-14  # increasing in r1 ≤ r̄
    assert rev(r1, r2 + step * (r1 - r2), lam) >= base - 1e-14  # increasing in r2 ≤ r1


# -- contour-profit lines, Lemma 5, Theorem 5 -------------------------------------------------------
@pytest.mark.parametrize("r1", [0.15, 0.18, 0.20])
def test_contour_profit_line_keeps_profit_and_peaks_on_h2(r1):
    # Seed Fig. 5 (N = 5, U[0,1]): along Eq. 25 pSP earns R^A(r2); its maximum meets h2 (Lemma 5).
    r2 = np.linspace(0.0, r1, 41)
    lam = contour_profit_line(r2, r1, U, 5)
    for a, b in zip(r2[::8], lam[::8]):
        mech = MechanismSpec.psp(r1, float(a), float(b))
        assert expected_revenue(mech, U, 5) == pytest.approx(uniform_revenue(5, a), abs=1e-12)
    peak = contour_profit_peak(r1, U, 5)
    assert peak.lam_star == pytest.approx(5 * peak.r_star**4, rel=1e-12)
    assert float(contour_profit_line(peak.r_star, r1, U, 5)) == pytest.approx(peak.lam_star, rel=1e-8)
    assert lam.max() <= peak.lam_star * (1 + 1e-9)


@PROPERTY
@given(lemma_params(), st.floats(0.0, 1.0))
def test_theorem5_region_is_semi_friendly_without_loss(params, t):
    d, n, r1, r2, _ = _params(*params)
    low, high = theorem5_interval(r1, r2, d, n)
    if not low < high:
        return
    lam = low + max(t, 1e-6) * (high - low)
    mech = MechanismSpec.psp(r1, r2, lam)
    assert in_theorem5_region(mech, d, n)
    assert classify(mech, d, n) in ("semi-sme-friendly", "sme-friendly")
    assert expected_revenue(mech, d, n) >= revenue_ap(d, n, r2) * (1 - 1e-12)


def test_theorem6_no_sme_friendly_mechanism_without_loss():
    # Any λ ≥ N F(r1)^{N−1} (SME-friendly) lies above the contour line: profit falls below R^A(r2).
    for r1 in (0.15, 0.3, 0.45):
        for r2 in (0.0, 0.5 * r1, r1):
            lam = float(sme_line(r1, U, 5))
            if lam >= 1:
                continue
            rev = expected_revenue(MechanismSpec.psp(r1, r2, lam), U, 5)
            assert rev <= uniform_revenue(5, r2) + 1e-15
            assert float(contour_profit_line(r2, r1, U, 5)) <= lam


# -- shares and errors ----------------------------------------------------------------------------
def test_rate_threshold_piecewise():
    # pSP(0.3, 0.1, λ) on U[0,1], N = 5: p = λ/5 on [0.1, 0.3), λ/5 + (1 − λ)x^4 above.
    mech = MechanismSpec.psp(0.3, 0.1, 0.02)
    assert rate_threshold(mech, U, 5, 0.004) == 0.1
    target = 0.05
    x = ((target - 0.004) / 0.98) ** 0.25
    assert rate_threshold(mech, U, 5, target, rtol=0.0) == pytest.approx(x, abs=1e-12)
    assert rate_threshold(MechanismSpec.ep(0.2), U, 5, 0.25) == 1.0  # 1/N < θ: nobody
    assert share_above_theta(MechanismSpec.ep(0.2), U, 5, 0.2) == pytest.approx(0.8)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: revenue_ap(U, 1, 0.0), "bidders: must be at least 2 (got 1)"),
        (lambda: xi2(U, 5, 1.5), "lambda: must be <= 1.0 (got 1.5)"),
        (lambda: revenue_ap(U, 3, -0.1), "reserve: must be >= 0.0 (got -0.1)"),
        (lambda: winning_rate(0.5, MechanismSpec.sp(0.1), "nosuch:1", 3), "distribution: unknown"),
        (lambda: theorem5_interval(0.1, 0.2, U, 3), "r2: must not exceed r1 = 0.1 (got 0.2)"),
        (lambda: contour_profit_peak(0.7, U, 3), "r1: must lie in"),
    ],
)
def test_bad_inputs(call, message):
    with pytest.raises(FairbidError) as err:
        call()
    assert str(err.value).startswith(message)
