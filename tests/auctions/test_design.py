"""Algorithms 1 and 2 (design.py): the seed's §V-A example and the defining equations for any F."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import integrate

from fairbid.auctions import (
    MechanismSpec,
    classify,
    design,
    expected_revenue,
    in_theorem5_region,
    max_theta_profit_neutral,
    parse_distribution,
    profit_neutral_design,
    revenue_ap,
    sme_friendly_design,
)
from fairbid.core.errors import FairbidError

U = "uniform:0:1"
DISTS = {s: parse_distribution(s) for s in (U, "beta:2:5", "lognormal:0:0.5")}


def uniform_revenue(n, r):
    # Krishna (2010) §2.5 integrated for U[0,1] (derivation in test_analysis.uniform_revenue).
    return (n - 1) / (n + 1) + r**n - 2 * n * r ** (n + 1) / (n + 1)


def test_algorithm1_seed_example():
    # Seed §V-A: N = 5, U[0,1], SP(0.1), θ = 0.1 %: r2 = 0.1, λ = Nθ = 0.005, r1 = θ^{1/4} ≈ 0.178;
    # 90 % of bidders reach θ against 82.2 % under SP(0.1) ("9.5 % more advertisers": 0.9/0.822).
    d = sme_friendly_design(U, 5, 0.1, 0.001)
    assert (d.r2, d.lam, d.applied) == (0.1, 0.005, True)
    assert d.r1 == pytest.approx(0.001**0.25, abs=1e-12)
    assert d.share_above_theta == pytest.approx(0.9)
    assert d.baseline_share_above_theta == pytest.approx(1 - 0.001**0.25)
    assert d.share_above_theta / d.baseline_share_above_theta - 1 == pytest.approx(0.0947, abs=1e-4)
    # Eq. 15: R = λ r2(1 − r2) + (1 − λ) R^II(r1).
    want = 0.005 * 0.1 * 0.9 + 0.995 * uniform_revenue(5, d.r1)
    assert d.revenue == pytest.approx(want, abs=1e-12)
    assert d.baseline_revenue == pytest.approx(uniform_revenue(5, 0.1), abs=1e-12)
    assert d.profit_change_pct == pytest.approx(100 * (want / uniform_revenue(5, 0.1) - 1), abs=1e-9)
    # r1 = ξ2 exactly: Lemma 3 case (2), SME-friendly.
    assert d.classification == "sme-friendly"


def test_algorithm1_payoff_change_above_xi1_uniform():
    # Payoff of value x ≥ ξ1 against SP(r): new(x) = λ(x − r2)/N + (1 − λ)(x^N − r1^N)/N,
    # old(x) = (x^N − r^N)/N. The relative change falls with x, so the worst case is at x = 1;
    # the mean is the polynomial integral over [ξ1, 1] divided by (1 − ξ1).
    d = sme_friendly_design(U, 5, 0.1, 0.001)
    lam, r1, r, n = d.lam, d.r1, 0.1, 5

    def new(x):
        return lam * (x - r) / n + (1 - lam) * (x**n - r1**n) / n

    def old(x):
        return (x**n - r**n) / n

    assert d.payoff_change_above_xi1_pct == pytest.approx(100 * (new(1.0) / old(1.0) - 1), abs=1e-9)
    mean_new = integrate.quad(new, d.xi1, 1.0)[0]
    mean_old = integrate.quad(old, d.xi1, 1.0)[0]
    assert d.payoff_change_above_xi1_mean_pct == pytest.approx(100 * (mean_new / mean_old - 1), abs=1e-8)


def test_algorithm2_seed_example():
    # Seed Fig. 8: N = 5, U[0,1], SP(0), θ = 0.1 %: λ = 0.005 and r1 solves
    # (1 − λ)R^II(r1) = R^II(0), i.e. r1^5 − (5/3) r1^6 = (2/3)(1/0.995 − 1)  (r1 ≈ 0.3975).
    d = profit_neutral_design(U, 5, 0.0, 0.001)
    assert d.lam == 0.005 and d.r2 == 0.0
    assert d.r1**5 - 5 / 3 * d.r1**6 == pytest.approx(2 / 3 * (1 / 0.995 - 1), abs=1e-13)
    assert d.r1 == pytest.approx(0.3975, abs=1e-4)
    assert d.revenue == pytest.approx(2 / 3, abs=1e-12)
    assert abs(d.profit_change_pct) < 1e-9
    # "The winning rate of all the bidders are higher than θ" (every x > 0 gets λ/N = θ).
    assert d.share_above_theta == pytest.approx(1.0)
    assert d.baseline_share_above_theta == pytest.approx(1 - 0.001**0.25)
    assert d.classification == "semi-sme-friendly"


design_params = st.tuples(
    st.sampled_from(sorted(DISTS)), st.integers(2, 8), st.floats(0.0, 0.15), st.floats(0.05, 0.95)
)


def _inputs(spec, n, q_reserve, theta_frac):
    dist = DISTS[spec]
    reserve = float(dist.ppf(q_reserve)) if q_reserve > 1e-6 else 0.0
    # θ between the precondition's F(r)^{N−1} and a fraction of 1/N, so the algorithms apply.
    low = float(dist.cdf(reserve)) ** (n - 1)
    theta = low + theta_frac * (0.02 / n - low) if low < 0.02 / n else 0.5 / n
    return dist, reserve, theta


@settings(max_examples=20, deadline=None)
@given(design_params)
def test_algorithm1_defining_equations(params):
    dist, reserve, theta = _inputs(*params)
    n = params[1]
    d = sme_friendly_design(dist, n, reserve, theta)
    if not d.applied:
        assert (d.lam, d.r1, d.r2) == (0.0, reserve, reserve)
        assert d.revenue == pytest.approx(d.baseline_revenue, rel=1e-12)
        return
    assert d.r2 == reserve and d.lam == pytest.approx(n * theta, rel=1e-15)
    assert float(dist.cdf(d.r1)) ** (n - 1) == pytest.approx(theta, rel=1e-9)
    assert d.r1 >= d.r2
    assert d.revenue == pytest.approx(expected_revenue(d.mechanism, dist, n), rel=1e-12)
    # Everybody at or above r2 now reaches θ (p ≥ λ/N = θ), Lemma 3 / §V-A.
    assert d.share_above_theta == pytest.approx(float(dist.sf(reserve)), rel=1e-9)
    assert d.share_above_theta >= d.baseline_share_above_theta - 1e-12
    assert d.profit_change_pct <= 1e-9  # Algorithm 1 trades profit for SMEs (Lemma 4)
    if d.classification is not None:
        assert d.classification == "sme-friendly"


@settings(max_examples=12, deadline=None)
@given(design_params, st.floats(0.0, 1.2))
def test_algorithm2_defining_equations(params, frac):
    dist, reserve, _ = _inputs(*params)
    n = params[1]
    low, high = float(dist.cdf(reserve)) ** (n - 1), max_theta_profit_neutral(dist, n, reserve)
    # θ from the precondition's bound up to 1.2× the largest feasible θ (so both outcomes occur).
    theta = min(1.0 / n, max(low + frac * (high - low), 1e-12))
    try:
        d = profit_neutral_design(dist, n, reserve, theta)
    except FairbidError as err:  # no r1 ≤ r̄ can pay for λ: only above the feasibility bound
        assert "too large for Algorithm 2" in str(err)
        assert theta >= high * (1 - 1e-9)
        return
    if not d.applied:
        return
    assert d.r2 == reserve and d.lam == pytest.approx(n * theta, rel=1e-15)
    # λ R^0(r2) + (1 − λ) R^II(r1) = R^II(r2)
    assert d.revenue == pytest.approx(revenue_ap(dist, n, reserve), rel=1e-9)
    assert abs(d.profit_change_pct) < 1e-6
    assert d.r2 <= d.r1
    # Theorem 5: inside the region, semi SME-friendly (when Lemma 3 applies).
    if d.classification is not None:
        assert in_theorem5_region(d.mechanism, dist, n) or d.lam == pytest.approx(n * theta)
        assert d.classification in ("semi-sme-friendly", "sme-friendly")


def test_max_theta_profit_neutral_is_the_feasibility_edge():
    # U[0,1], N = 5, r = 0: θ_max = (R(1/2) − R(0)) / R(1/2) / N with R from Krishna §2.5.
    edge = max_theta_profit_neutral(U, 5, 0.0)
    assert edge == pytest.approx((uniform_revenue(5, 0.5) - 2 / 3) / uniform_revenue(5, 0.5) / 5, rel=1e-10)
    assert profit_neutral_design(U, 5, 0.0, edge * 0.999).r1 < 0.5
    with pytest.raises(FairbidError, match="largest feasible theta: 0.00155"):
        profit_neutral_design(U, 5, 0.0, edge * 1.001)


def test_precondition_failure_returns_baseline():
    # N = 2, SP(0.1): F(0.1)^{N−1} = 0.1 ≥ θ = 0.001, so nobody above r is under θ.
    for algorithm in (1, 2):
        d = design(algorithm, U, 2, 0.1, 0.001)
        assert not d.applied and d.lam == 0.0 and d.r1 == d.r2 == 0.1
        assert d.revenue == d.baseline_revenue and d.profit_change_pct == 0.0
        assert d.classification is None


def test_fp_base_has_same_numbers():
    # Revenue equivalence (Krishna §3.1): FP and SP bases give the same design numbers.
    sp = sme_friendly_design("beta:2:5", 4, 0.05, 0.002)
    fp = sme_friendly_design("beta:2:5", 4, 0.05, 0.002, base="fp")
    assert fp.mechanism.kind == "pfp"
    assert (fp.r1, fp.revenue, fp.share_above_theta) == (sp.r1, sp.revenue, sp.share_above_theta)


def test_contract_keys():
    d = design(2, "lognormal:0:0.5", 5, 0.0, 2e-5)
    assert list(d.contract()) == [
        "r1", "r2", "lambda", "revenue", "baseline_revenue", "profit_change_pct",
        "share_above_theta", "baseline_share_above_theta",
    ]
    assert d.mechanism == MechanismSpec.psp(d.r1, 0.0, 1e-4)
    assert classify(d.mechanism, "lognormal:0:0.5", 5) == d.classification


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: design(3, U, 5, 0.1, 0.001), "algorithm: must be 1 or 2 (got 3)"),
        (lambda: design(1, U, 1, 0.1, 0.001), "bidders: must be at least 2 (got 1)"),
        (lambda: design(1, U, 5, -0.1, 0.001), "reserve: must be >= 0.0 (got -0.1)"),
        (lambda: design(1, U, 5, 0.1, 0.3), "theta: must be <= 0.2 (got 0.3)"),
        (lambda: design(1, U, 5, 0.1, 0.0), "theta: must be > 0.0 (got 0.0)"),
        (lambda: design(2, "beta:2:5", 5, 0.05, 0.001), "theta: too large for Algorithm 2"),
        (lambda: design(1, U, 5, 0.1, 0.001, base="ep"), "base: unknown name"),
    ],
)
def test_bad_inputs(call, message):
    with pytest.raises(FairbidError) as err:
        call()
    assert str(err.value).startswith(message)


def test_design_is_deterministic():
    a = design(2, "beta:2:5", 5, 0.0, 0.0003).to_dict()
    b = design(2, "beta:2:5", 5, 0.0, 0.0003).to_dict()
    assert a == b and np.isfinite([a["r1"], a["revenue"]]).all()
