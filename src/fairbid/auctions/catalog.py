"""Registry entries of fairbid.auctions (seed 004): what ``fairbid list`` shows for this subpackage.

Only strings here: nothing is imported until a user resolves an entry.
"""

from __future__ import annotations

from fairbid.core.registry import Claim, Entry, register_entry

_SEED004 = "Zhang, Li, Wang: A Probabilistic Mechanism Design for Online Auctions"
_T = "tests/auctions/"
_EQ = "fairbid.auctions.equilibrium:deviation_gain"

for _entry in (
    Entry(
        name="auctions.fp", title="First-price auction with reserve", seed="004", subpackage="auctions",
        kind="mechanism", solver="fairbid.auctions.mechanisms:FirstPrice", check=_EQ, source=_SEED004,
        cli="fairbid auctions analyze --mechanism fp",
        claims=(
            Claim("equilibrium-bid-(n-1)/n-v", True, _T + "test_equilibrium.py::test_fp_bid_uniform_no_reserve"),
            Claim("IC", False, _T + "test_equilibrium.py::test_truthful_bidding_in_first_price_is_not_an_equilibrium"),
            Claim("matches-brute-force", True, _T + "test_mechanisms.py::test_fp_sp_match_brute_force"),
        ),
    ),
    Entry(
        name="auctions.sp", title="Second-price auction with reserve", seed="004", subpackage="auctions",
        kind="mechanism", solver="fairbid.auctions.mechanisms:SecondPrice", check=_EQ, source=_SEED004,
        cli="fairbid auctions analyze --mechanism sp",
        claims=(
            Claim("IC", True, _T + "test_equilibrium.py::test_theorem1_mixture_with_simple_mechanism_keeps_equilibrium"),
            Claim("revenue-(n-1)/(n+1)", True, _T + "test_analysis.py::test_second_price_revenue_uniform_is_textbook"),
            Claim("matches-brute-force", True, _T + "test_mechanisms.py::test_fp_sp_match_brute_force"),
        ),
    ),
    Entry(
        name="auctions.ep", title="Equal-Possible lottery among bidders above the reserve", seed="004",
        subpackage="auctions", kind="mechanism", solver="fairbid.auctions.mechanisms:EqualPossible",
        source=_SEED004, cli="fairbid auctions analyze --mechanism ep",
        claims=(
            Claim("winning-rate-1/N", True, _T + "test_mechanisms.py::test_ep_winning_rate_is_one_over_n_whatever_the_bid"),
            Claim("matches-brute-force", True, _T + "test_mechanisms.py::test_ep_matches_brute_force_with_the_same_uniforms"),
        ),
    ),
    Entry(
        name="auctions.pfp", title="Probabilistic first price: FP(r1) mixed with EP(r2) w.p. lambda", seed="004",
        subpackage="auctions", kind="mechanism", solver="fairbid.auctions.mechanisms:pfp", check=_EQ,
        source=_SEED004, cli="fairbid auctions analyze --mechanism pfp",
        claims=(
            Claim("keeps-FP-equilibrium", True, _T + "test_equilibrium.py::test_theorem1_mixture_with_simple_mechanism_keeps_equilibrium"),
            Claim("closed-forms-match-simulation", True, _T + "test_montecarlo.py::test_every_closed_form_within_ci"),
        ),
    ),
    Entry(
        name="auctions.psp", title="Probabilistic second price: SP(r1) mixed with EP(r2) w.p. lambda", seed="004",
        subpackage="auctions", kind="mechanism", solver="fairbid.auctions.mechanisms:psp", check=_EQ,
        source=_SEED004, cli="fairbid auctions analyze --mechanism psp",
        claims=(
            Claim("IC", True, _T + "test_equilibrium.py::test_theorem1_mixture_with_simple_mechanism_keeps_equilibrium"),
            Claim("closed-forms-match-simulation", True, _T + "test_montecarlo.py::test_every_closed_form_within_ci"),
            Claim("matches-small-monte-carlo", True, _T + "test_analysis.py::test_psp_against_small_monte_carlo"),
        ),
    ),
    Entry(
        name="auctions.algorithm-1", title="Algorithm 1: SME-friendly pSP design with bounded profit loss",
        seed="004", subpackage="auctions", kind="algorithm", solver="fairbid.auctions.design:sme_friendly_design",
        source=_SEED004, cli="fairbid auctions design --algorithm 1",
        claims=(
            Claim("seed-example", True, _T + "test_design.py::test_algorithm1_seed_example"),
            Claim("defining-equations", True, _T + "test_design.py::test_algorithm1_defining_equations"),
        ),
    ),
    Entry(
        name="auctions.algorithm-2", title="Algorithm 2: profit-neutral pSP design", seed="004",
        subpackage="auctions", kind="algorithm", solver="fairbid.auctions.design:profit_neutral_design",
        source=_SEED004, cli="fairbid auctions design --algorithm 2",
        claims=(
            Claim("seed-example", True, _T + "test_design.py::test_algorithm2_seed_example"),
            Claim("profit-neutral", True, _T + "test_design.py::test_algorithm2_defining_equations"),
        ),
    ),
    Entry(
        name="auctions.first-price-bid", title="Symmetric first-price equilibrium bid for any value distribution",
        seed="004", subpackage="auctions", kind="solver", solver="fairbid.auctions.equilibrium:first_price_bid",
        check=_EQ, source=_SEED004,
        claims=(
            Claim("equilibrium-bid-(n-1)/n-v", True, _T + "test_equilibrium.py::test_fp_bid_uniform_no_reserve"),
            Claim("closed-form-exponential", True, _T + "test_equilibrium.py::test_fp_bid_exponential_closed_form"),
        ),
    ),
    Entry(
        name="auctions.platform", title="Long-run platform simulation where small advertisers leave",
        seed="004", subpackage="auctions", kind="model", solver="fairbid.auctions.platform:simulate_platform",
        source=_SEED004, cli="fairbid auctions simulate",
        claims=(
            Claim("matches-python-reference", True, _T + "test_platform.py::test_kernel_matches_python_reference"),
            Claim("accounting-invariants", True, _T + "test_platform.py::test_invariants_and_accounting"),
        ),
    ),
):
    register_entry(_entry)

# Seed 002 (Feldman-Lavi, WINE 2021): optimal DSIC auctions for correlated values, by LP.
_FL = "Feldman, Lavi: Optimal DSIC Auctions for Correlated Private Values: Ex-Post vs. Ex-Interim IR"
_TO = "tests/auctions/test_optimal_correlated.py::"
for _entry in (
    Entry(
        name="auctions.optimal-epir", title="Revenue-optimal DSIC auction, ex-post IR, correlated values (LP)",
        seed="002", subpackage="auctions", kind="mechanism",
        solver="fairbid.auctions.optimal_correlated:optimal_dsic_auction",
        check="fairbid.auctions.optimal_correlated:check_mechanism", source=_FL,
        cli="fairbid auctions optimal --ir ex-post",
        claims=(
            Claim("IC", True, _TO + "test_lp_optimum_dominates_feasible_mechanisms"),
            Claim("IR-ex-post", True, _TO + "test_lp_optimum_dominates_feasible_mechanisms"),
            Claim("revenue>=second-price-with-reserve", True, _TO + "test_lp_optimum_dominates_feasible_mechanisms"),
            Claim("matches-Myerson-independent", True, _TO + "test_independent_uniform_matches_myerson"),
            Claim("matches-posted-price-one-bidder", True, _TO + "test_one_bidder_is_the_best_posted_price"),
            Claim("full-surplus-extraction", False, _TO + "test_cremer_mclean_full_extraction"),
        ),
    ),
    Entry(
        name="auctions.optimal-eiir", title="Revenue-optimal DSIC auction, ex-interim IR, correlated values (LP)",
        seed="002", subpackage="auctions", kind="mechanism",
        solver="fairbid.auctions.optimal_correlated:optimal_dsic_auction",
        check="fairbid.auctions.optimal_correlated:check_mechanism", source=_FL,
        cli="fairbid auctions optimal --ir ex-interim",
        claims=(
            Claim("IC", True, _TO + "test_lp_optimum_dominates_feasible_mechanisms"),
            Claim("IR-ex-interim", True, _TO + "test_lp_optimum_dominates_feasible_mechanisms"),
            Claim("revenue>=EPIR-optimum", True, _TO + "test_lp_optimum_dominates_feasible_mechanisms"),
            Claim("full-surplus-extraction", True, _TO + "test_cremer_mclean_full_extraction"),
        ),
    ),
):
    register_entry(_entry)

# Seed 000 talk "Correlation-robust mechanism design" (Carroll's framework): max-min selling by one LP.
_TR = "tests/auctions/test_optimal_robust.py::"
register_entry(Entry(
    name="auctions.correlation-robust", title="Correlation-robust (max-min) selling to an additive buyer, one LP",
    seed="000", subpackage="auctions", kind="mechanism", solver="fairbid.auctions.robust:robust_additive_mechanism",
    check="fairbid.auctions.robust:worst_case_revenue",
    source="Correlation-robust mechanism design (seed 000 talk); Carroll, Econometrica 2017",
    cli="fairbid auctions robust",
    claims=(
        Claim("matches-Carroll-separate-sale", True, _TR + "test_maxmin_lp_equals_separate_sale"),
        Claim("IC", True, _TR + "test_maxmin_lp_equals_separate_sale"),
        Claim("IR", True, _TR + "test_maxmin_lp_equals_separate_sale"),
        Claim("hand-computed-example", True, _TR + "test_two_items_by_hand"),
    ),
))

# Seed 002 (Chen, Hu, Wang, WINE 2021): screening with limited information, moment ambiguity sets, by LP.
_TS = "tests/auctions/test_optimal_screening.py::"
register_entry(Entry(
    name="auctions.robust-screening", title="Worst-case-optimal selling mechanism over a mean(/variance) ambiguity set (LP)",
    seed="002", subpackage="auctions", kind="mechanism", solver="fairbid.auctions.screening:robust_screening",
    check="fairbid.auctions.screening:minimax_pricing",
    source="Chen, Hu, Wang: Screening with Limited Information: The Minimax Theorem and a Geometric Approach",
    cli=None,
    claims=(
        Claim("minimax-theorem", True, _TS + "test_minimax_theorem_and_menu"),
        Claim("IC", True, _TS + "test_minimax_theorem_and_menu"),
        Claim("IR", True, _TS + "test_minimax_theorem_and_menu"),
        Claim("hand-computed-example", True, _TS + "test_by_hand_mean_only"),
    ),
))
