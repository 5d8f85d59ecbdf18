"""Registry entries of fairbid.influence (seed 001, part 1): what ``fairbid list`` shows for this subpackage.

No heavy imports here: solvers and checkers are ``"module:attribute"`` strings.
"""

from __future__ import annotations

from fairbid.core.registry import Claim, Entry, register_entry

_S = "tests/influence/test_spread.py::"
_SEL = "tests/influence/test_selection.py::"
_O = "tests/influence/test_opim.py::"
_R = "tests/influence/test_rrsets.py::"
_REF = "fairbid.influence.reference:"

for _entry in (
    Entry(
        name="influence.ic", title="Independent cascade (numba), Monte Carlo spread", seed="001",
        subpackage="influence", kind="model", solver="fairbid.influence.estimation:spread",
        check=_REF + "exact_ic_spread", source="Kempe, Kleinberg, Tardos, KDD 2003",
        cli="fairbid influence spread --model ic",
        claims=(
            Claim("agrees-with-live-edge-enumeration", True, _S + "test_ic_matches_live_edge_enumeration"),
            Claim("hand-computation", True, _S + "test_diamond_ic_matches_hand_computation"),
        ),
    ),
    Entry(
        name="influence.lt", title="Linear threshold (numba), Monte Carlo spread", seed="001",
        subpackage="influence", kind="model", solver="fairbid.influence.estimation:spread",
        check=_REF + "exact_lt_spread", source="Kempe, Kleinberg, Tardos, KDD 2003, Thm 2.5",
        cli="fairbid influence spread --model lt",
        claims=(Claim("agrees-with-live-edge-enumeration", True, _S + "test_lt_matches_live_edge_enumeration"),),
    ),
    Entry(
        name="influence.clt", title="Competitive linear threshold (Definition 6 of seed 001)", seed="001",
        subpackage="influence", kind="model", solver="fairbid.influence.estimation:spread",
        check=_REF + "simulate_threshold", source="seed 001, Definition 6",
        cli="fairbid influence spread --model clt --seeds A;B",
        claims=(
            Claim("agrees-with-reference", True, _S + "test_clt_fixed_thresholds_equal_reference_exactly"),
            Claim("one-competitor-is-lt", True, _S + "test_clt_one_competitor_is_lt_simulation_by_simulation"),
            Claim("ties-fair-coin", True, _S + "test_clt_exact_tie_is_a_fair_coin"),
        ),
    ),
    Entry(
        name="influence.cic", title="Competitive independent cascade", seed="001",
        subpackage="influence", kind="model", solver="fairbid.influence.estimation:spread",
        check=_REF + "simulate_cascade", source="seed 001",
        cli="fairbid influence spread --model cic --seeds A;B",
        claims=(
            Claim("one-competitor-is-ic", True, _S + "test_cic_one_competitor_is_ic"),
            Claim("ties-uniform", True, _S + "test_cic_tie_is_uniform_among_successful_attempts"),
        ),
    ),
    Entry(
        name="influence.spread", title="Spread estimation: same numbers for every backend and block split",
        seed="001", subpackage="influence", kind="algorithm", solver="fairbid.influence.estimation:spread",
        check=_REF + "exact_ic_spread", source="Monte Carlo; counter-based streams",
        cli="fairbid influence spread",
        claims=(Claim("reproducible-across-backends", True, _S + "test_same_numbers_for_any_backend_and_block_split"),),
    ),
    Entry(
        name="influence.degree", title="Top out-degree seeds (baseline)", seed="001", subpackage="influence",
        kind="algorithm", solver="fairbid.influence.selection:top_degree", source="baseline",
        cli="fairbid influence select --method degree",
        claims=(Claim("hand-computation", True, _SEL + "test_degree_discount_hand_example"),),
    ),
    Entry(
        name="influence.degree-discount", title="Degree-discount heuristic", seed="001", subpackage="influence",
        kind="algorithm", solver="fairbid.influence.selection:degree_discount",
        source="Chen, Wang, Yang, KDD 2009, Algorithm 4", cli="fairbid influence select --method degree-discount",
        claims=(Claim("hand-computation", True, _SEL + "test_degree_discount_hand_example"),),
    ),
    Entry(
        name="influence.celf", title="CELF lazy greedy over Monte Carlo spread", seed="001", subpackage="influence",
        kind="algorithm", solver="fairbid.influence.selection:celf", check=_REF + "brute_force_best",
        source="Leskovec et al., KDD 2007", cli="fairbid influence select --method celf",
        claims=(
            Claim("equals-plain-greedy", True, _SEL + "test_celf_equals_plain_greedy_and_brute_force_bound"),
            Claim("approx>=1-1/e", True, _SEL + "test_celf_equals_plain_greedy_and_brute_force_bound"),
        ),
    ),
    Entry(
        name="influence.imm", title="IMM (RR sets, martingale bound; fresh final sets per Chen 2018)", seed="001",
        subpackage="influence", kind="algorithm", solver="fairbid.influence.selection:imm",
        check=_REF + "brute_force_best", source="Tang, Shi, Xiao, SIGMOD 2015", cli="fairbid influence select --method imm",
        claims=(
            Claim("approx>=1-1/e-eps", True, _SEL + "test_imm_within_guarantee_of_brute_force"),
            Claim("rr-estimate-unbiased", True, _R + "test_ic_rr_estimate_matches_exact"),
        ),
    ),
    Entry(
        name="influence.opim", title="OPIM-C with subset sampling (certified online bound)", seed="001",
        subpackage="influence", kind="algorithm", solver="fairbid.influence.selection:opim",
        check=_REF + "brute_force_best",
        source="Tang, Tang, Xiao, Yuan, SIGMOD 2018; Guo, Wang, Wei, Chen, SIGMOD 2020",
        cli="fairbid influence select --method opim",
        claims=(
            Claim("approx>=1-1/e-eps", True, _O + "test_opim_k2_meets_guarantee_against_brute_force"),
            Claim("certified-ratio-valid-w.p.1-delta", True,
                  _O + "test_opim_certified_ratio_is_rarely_above_the_true_ratio"),
            Claim("rr-membership-exact", True, _O + "test_rr_membership_equals_exact_activation_probability"),
            Claim("subset-equals-vanilla-in-law", True, _O + "test_subset_and_vanilla_sampling_agree_in_distribution"),
            Claim("opt-upper-bound-valid", True, _O + "test_greedy_upper_bound_is_valid_and_coverage_exact"),
        ),
    ),
):
    register_entry(_entry)
