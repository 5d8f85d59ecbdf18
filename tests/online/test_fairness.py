"""Individual fairness among offline agents (Ma-Xu-Xu, seed 002): LP benchmark and sampling policies."""

from __future__ import annotations

import numpy as np
import pytest

from fairbid.core.errors import FairbidError
from fairbid.online.fairness import fairness_report, ifm_lp, match_rates


def _instance(seed, n=6, J=4):
    rng = np.random.default_rng(seed)
    A = rng.random((n, J)) < 0.5
    A[:, 0] |= ~A.any(axis=1)
    return A, rng.dirichlet(np.ones(J))


def test_lp_closed_form_star():
    # One type (r = 1), n offline agents, T rounds: at most T matches spread evenly, lambda* = min(1, T/n).
    for n, T in ((4, 2), (3, 5)):
        assert ifm_lp(np.ones((n, 1)), [1.0], T)["lambda"] == pytest.approx(min(1.0, T / n))


@pytest.mark.parametrize("seed", [0, 1])
def test_sampling_matches_closed_form(seed):
    # Non-boosted sampling: i is hit in a round with probability x_i / T independently, so
    # P(i matched) = 1 - (1 - x_i/T)^T >= (1 - 1/e) x_i (the classical LP-sampling bound).
    A, r = _instance(seed)
    T = 8
    lp = ifm_lp(A, r, T)
    xi = lp["x"].sum(axis=1)
    exact = 1 - (1 - xi / T) ** T
    sim = match_rates(A, r, T, "sampling", reps=20000, x=lp["x"], seed=seed)
    assert np.max(np.abs(sim - exact)) < 4 * np.sqrt(0.25 / 20000) * 1.5
    assert exact.min() >= (1 - 1 / np.e) * lp["lambda"] - 1e-12


def test_boosting_helps_and_ratios_below_one():
    # Boosting only redirects samples that would hit a matched agent, so (on these instances) it keeps a
    # higher minimum rate than plain sampling; no policy beats the LP bound lambda* (up to MC error).
    for seed in (2, 3):
        A, r = _instance(seed)
        rep = fairness_report(A, r, 8, reps=4000, seed=seed)
        assert rep["boosted"]["min_rate"] > rep["sampling"]["min_rate"]
        for p in ("sampling", "boosted", "greedy"):
            assert rep[p]["ratio"] <= 1 + 0.03


def test_bad_inputs():
    with pytest.raises(FairbidError):
        ifm_lp(np.ones((2, 2)), [0.5, 0.6], 3)
    with pytest.raises(FairbidError):
        ifm_lp(np.ones((0, 0)), [], 3)
    with pytest.raises(FairbidError):
        ifm_lp(np.ones((2, 1)), [1.0], 0)
