"""Registry entries of fairbid.online (seed 002): what ``fairbid list`` shows for this subpackage."""

from __future__ import annotations

from fairbid.core.registry import Claim, Entry, register_entry

_P = "tests/online/test_prophet.py::"
_R = "tests/online/test_reusable.py::"
_D = "tests/online/test_dynamic.py::"
_G = "tests/online/test_group_fairness.py::"
_O = "tests/online/test_one_sided.py::"

for _entry in (
    Entry(
        name="online.static-price", title="Static price mu_k(p) = delta_k(p) for k-unit prophet inequalities",
        seed="002", subpackage="online", kind="policy", solver="fairbid.online.prophet:prophet",
        check="fairbid.online.prophet:simulate_prophet",
        source="Chawla, Devanur, Lykouris: Static Pricing for Multi-unit Prophet Inequalities",
        cli="fairbid online prophet --k K --n N --values SPEC",
        claims=(
            Claim("samuel-cahn-median-rule-k1", True, _P + "test_k1_closed_form"),
            Claim("guarantee-0.585-0.630-0.660-0.682", True, _P + "test_guarantees_match_paper"),
            Claim("ratio-above-guarantee", True, _P + "test_ratio_between_guarantee_and_one"),
            Claim("agrees-with-monte-carlo", True, _P + "test_exact_matches_monte_carlo"),
        ),
    ),
    Entry(
        name="online.reusable-rank", title="Ranking-based allocation of reusable resources (unit-indexed penalty)",
        seed="002", subpackage="online", kind="policy", solver="fairbid.online.reusable:simulate",
        check="fairbid.online.reusable:lp_upper_bound",
        source="Goyal, Iyengar, Udwani: Asymptotically Optimal Competitive Ratio for Online Allocation of "
               "Reusable Resources",
        cli="fairbid online reusable --policy rank",
        claims=(
            Claim("ratio<=1-vs-LP", True, _R + "test_policies_below_lp"),
            Claim("lp-matches-brute-force", True, _R + "test_mip_equals_brute_force"),
        ),
    ),
    Entry(
        name="online.reusable-greedy", title="Greedy allocation of reusable resources (baseline)",
        seed="002", subpackage="online", kind="policy", solver="fairbid.online.reusable:simulate",
        check="fairbid.online.reusable:brute_force_optimum", source="baseline named in Goyal-Iyengar-Udwani",
        cli="fairbid online reusable --policy greedy",
        claims=(Claim("competitive-ratio>=0.5-deterministic", True, _R + "test_greedy_half_competitive"),),
    ),
    Entry(
        name="online.reusable-lp", title="Clairvoyant expected-usage LP for reusable resources (HiGHS)",
        seed="002", subpackage="online", kind="solver", solver="fairbid.online.reusable:lp_upper_bound",
        check="fairbid.online.reusable:brute_force_optimum", source="offline benchmark of Goyal-Iyengar-Udwani",
        cli="fairbid online reusable",
        claims=(Claim("upper-bounds-opt", True, _R + "test_mip_equals_brute_force"),),
    ),
    Entry(
        name="online.dynamic-greedy", title="Greedy matching in a bipartite market with Poisson arrivals/departures",
        seed="002", subpackage="online", kind="mechanism", solver="fairbid.online.dynamic:markov_loss",
        check="fairbid.online.dynamic:simulate_market",
        source="Kakimura, Zhu: Dynamic Bipartite Matching Market with Arrivals and Departures",
        cli="fairbid online dynamic --mechanism greedy",
        claims=(
            Claim("markov-chain-closed-form", True, _D + "test_greedy_p1_birth_death_closed_form"),
            Claim("agrees-with-simulation", True, _D + "test_markov_matches_simulation"),
        ),
    ),
    Entry(
        name="online.dynamic-patient", title="Patient matching (match agents when critical), bipartite market",
        seed="002", subpackage="online", kind="mechanism", solver="fairbid.online.dynamic:markov_loss",
        check="fairbid.online.dynamic:simulate_market",
        source="Kakimura, Zhu: Dynamic Bipartite Matching Market with Arrivals and Departures",
        cli="fairbid online dynamic --mechanism patient",
        claims=(
            Claim("beats-greedy", True, _D + "test_patient_beats_greedy"),
            Claim("agrees-with-hand-built-chain", True, _D + "test_patient_single_side_closed_form"),
        ),
    ),
    Entry(
        name="online.inspections", title="Mutually desirable compatibility inspections and information deadlock",
        seed="002", subpackage="online", kind="model", solver="fairbid.online.inspections:simulate_inspections",
        check="fairbid.online.inspections:run_market",
        source="Immorlica, Kanoria, Lu: In Which Matching Markets Do Costly Compatibility Inspections Lead to a "
               "Deadlock?",
        cli="fairbid online inspections --n N --alpha A",
        claims=(
            Claim("hand-checked-deadlock", True, "tests/online/test_inspections.py::test_pointing_cycle_is_a_deadlock"),
            Claim("agrees-with-reference", True, "tests/online/test_inspections.py::test_kernel_matches_reference"),
            Claim("deadlock-below-alpha-threshold", True, "tests/online/test_inspections.py::test_deadlock_regimes"),
        ),
    ),
    Entry(
        name="online.ifm-boosted", title="LP-based sampling with boosting and attenuation (balance / mass) for individual fairness",
        seed="002", subpackage="online", kind="policy", solver="fairbid.online.fairness:fairness_report",
        check="fairbid.online.fairness:exact_match_rates",
        source="Ma, Xu, Xu: Fairness Maximization Among Offline Agents in Online-Matching Markets",
        cli="fairbid online fairness --objective individual",
        claims=(
            Claim("lp-closed-form", True, "tests/online/test_fairness.py::test_lp_closed_form_star"),
            Claim("sampling-(1-1/e)-closed-form", True, "tests/online/test_fairness.py::test_sampling_matches_closed_form"),
            Claim("boosting-beats-sampling", True, "tests/online/test_fairness.py::test_boosting_helps_and_ratios_below_one"),
            Claim("ratio<=1-vs-LP", True, _G + "test_lp_bounds_clairvoyant_bounds_policies"),
            Claim("0.725-vs-uncapped-LP", False, _G + "test_uncapped_lp_defeats_any_policy"),
            Claim("0.725-vs-capped-LP-boosting-or-mass-attenuation", False, _G + "test_our_attenuation_misses_paper_ratio"),
            Claim("balance-attenuation-above-0.725-on-found-instance", True, _G + "test_balance_attenuation_lifts_bad_instances"),
        ),
    ),
    Entry(
        name="online.gfm-boosted", title="Group fairness (GFM): LP-based sampling, boosting, attenuation (balance / mass)",
        seed="002", subpackage="online", kind="policy", solver="fairbid.online.fairness:fairness_report",
        check="fairbid.online.fairness:exact_match_rates",
        source="Ma, Xu, Xu: Fairness Maximization Among Offline Agents in Online-Matching Markets",
        cli="fairbid online fairness --objective group",
        claims=(
            Claim("sampling>=1-(1-1/T)^T-vs-LP", True, _G + "test_sampling_keeps_lp_sampling_bound"),
            Claim("ratio<=1-vs-LP", True, _G + "test_lp_bounds_clairvoyant_bounds_policies"),
            Claim("exact-dp-agrees-with-simulation", True, _G + "test_exact_dp_matches_simulation"),
            Claim("attenuation-keeps-lp-mass", True, _G + "test_attenuation_keeps_each_unit_at_lambda"),
            Claim("closed-form-path-disparity", True, _G + "test_path_closed_form_and_disparity"),
            Claim("0.719-vs-uncapped-LP", False, _G + "test_uncapped_lp_defeats_any_policy"),
            Claim("0.719-vs-capped-LP-boosting-or-mass-attenuation", False, _G + "test_our_attenuation_misses_paper_ratio"),
            Claim("balance-attenuation-above-0.719-on-found-instance", True, _G + "test_balance_attenuation_lifts_bad_instances"),
        ),
    ),
    Entry(
        name="online.gfm-lp", title="GFM/IFM benchmark LP (HiGHS, edge-capped) and the clairvoyant optimum by brute force",
        seed="002", subpackage="online", kind="solver", solver="fairbid.online.fairness:fairness_lp",
        check="fairbid.online.fairness:clairvoyant_lp",
        source="Ma, Xu, Xu: Fairness Maximization Among Offline Agents in Online-Matching Markets",
        cli="fairbid online fairness --objective group",
        claims=(
            Claim("lp-equals-vertex-enumeration", True, _G + "test_lp_equals_vertex_enumeration"),
            Claim("star-closed-form", True, _G + "test_star_closed_form"),
            Claim("upper-bounds-clairvoyant", True, _G + "test_lp_bounds_clairvoyant_bounds_policies"),
        ),
    ),
    Entry(
        name="online.dynamic-greedy-1sided",
        title="One-sided Greedy: an arriving initiator matches at once if a compatible partner waits",
        seed="002", subpackage="online", kind="mechanism", solver="fairbid.online.dynamic:markov_loss",
        check="fairbid.online.dynamic:simulate_market",
        source="Kakimura, Zhu: Dynamic Bipartite Matching Market with Arrivals and Departures",
        cli="fairbid online dynamic --mechanism greedy-1sided",
        claims=(
            Claim("birth-death-closed-form", True, _O + "test_greedy_1sided_closed_form"),
            Claim("agrees-with-hand-built-chain", True, _O + "test_two_state_b_chain_and_hand_built_generator"),
            Claim("agrees-with-simulation", True, _O + "test_markov_matches_simulation"),
        ),
    ),
    Entry(
        name="online.dynamic-patient-1sided",
        title="One-sided Patient: an initiator attempts a match when she becomes critical",
        seed="002", subpackage="online", kind="mechanism", solver="fairbid.online.dynamic:markov_loss",
        check="fairbid.online.dynamic:simulate_market",
        source="Kakimura, Zhu: Dynamic Bipartite Matching Market with Arrivals and Departures",
        cli="fairbid online dynamic --mechanism patient-1sided",
        claims=(
            Claim("same-loss-as-1sided-greedy", True, _O + "test_one_sided_greedy_equals_patient"),
            Claim("agrees-with-hand-built-chain", True, _O + "test_two_state_b_chain_and_hand_built_generator"),
            Claim("agrees-with-simulation", True, _O + "test_markov_matches_simulation"),
            Claim("waiting-helps-two-sided-only", True, _O + "test_two_sided_patient_exponentially_better_one_sided_not"),
        ),
    ),
):
    register_entry(_entry)

# Seed 000, talks 11-12: the sharing economy (fairbid.online.sharing_protocol / sharing_assignment).
_S = "tests/online/test_sharing.py::"
_SP = "fairbid.online.sharing_protocol:"
_SA = "fairbid.online.sharing_assignment:"
for _entry in (
    Entry(
        name="online.sharing-bd", title="Network resource sharing: bottleneck-decomposition market equilibrium",
        seed="000", subpackage="online", kind="mechanism", solver=_SP + "bottleneck_decomposition",
        check=_SP + "proportional_response",
        source="Xiang Yan, A Truthful Protocol in a Sharing Economy (Wu-Zhang STOC 2007; Cheng-Deng-Qi-Yan IJCAI 2016)",
        cli="fairbid online sharing --instance FILE --audit",
        claims=(
            Claim("IC-resource", True, _S + "test_bd_no_profitable_resource_misreport"),
            Claim("IC-edges", True, _S + "test_bd_no_profitable_edge_misreport"),
            Claim("sybil-proof", False, _S + "test_sybil_split_is_profitable_and_recomputed_independently"),
            Claim("sybil-ratio<=2-observed", True, _S + "test_sybil_ratio_observed_below_two"),
            Claim("exact-flow-agrees-with-enumeration", True, _S + "test_flow_matches_enumeration"),
            Claim("hand-solved-path-star", True, _S + "test_path_hand_solved"),
            Claim("IC-if-withheld-resource-valued", False, _S + "test_withheld_resource_valued_makes_underreporting_pay"),
        ),
    ),
    Entry(
        name="online.sharing-pr", title="Proportional response dynamics for network resource sharing",
        seed="000", subpackage="online", kind="algorithm", solver=_SP + "proportional_response",
        check=_SP + "bottleneck_decomposition", source="Wu, Zhang: Proportional response dynamics leads to market "
        "equilibrium (STOC 2007)", cli="fairbid online sharing --instance FILE --pr-iterations N",
        claims=(
            Claim("converges-to-bd", True, _S + "test_proportional_response_converges_to_bd"),
            Claim("bd-allocation-is-fixed-point", True, _S + "test_allocation_is_proportional_response_fixed_point"),
        ),
    ),
    Entry(
        name="online.sharing-need-weight", title="Need-based sharing by 1/resource (non-truthful comparison rule)",
        seed="000", subpackage="online", kind="rule", solver=_SP + "sharing_utilities", check=_SP + "audit_sharing",
        source="fairbid comparison rule for the auditor", cli="fairbid online sharing --audit --rule need-weight",
        claims=(Claim("IC-resource", False, _S + "test_audit_finds_planted_resource_manipulation"),),
    ),
    Entry(
        name="online.sharing-need-degree", title="Need-based sharing by 1/degree (non-truthful comparison rule)",
        seed="000", subpackage="online", kind="rule", solver=_SP + "sharing_utilities", check=_SP + "audit_sharing",
        source="fairbid comparison rule for the auditor", cli="fairbid online sharing --audit --rule need-degree",
        claims=(Claim("IC-edges", False, _S + "test_audit_finds_planted_edge_manipulation"),),
    ),
    Entry(
        name="online.roommates", title="Roommate assignment: best of pairing-first / rooms-first (>= OPT/2)",
        seed="000", subpackage="online", kind="algorithm", solver=_SA + "roommates_approx",
        check=_SA + "roommates_exact", source="Shengyu Zhang, Several assignment problems in sharing economy",
        cli="fairbid online roommates --instance FILE",
        claims=(
            Claim("ratio>=1/2", True, _S + "test_roommates_ratio_and_mip"),
            Claim("mip-equals-brute-force", True, _S + "test_roommates_ratio_and_mip"),
            Claim("hand-solved", True, _S + "test_roommates_hand_solved"),
        ),
    ),
    Entry(
        name="online.rideshare", title="Ridesharing, two requests per car: Bei-Zhang match-and-assign (<= 2.5 OPT)",
        seed="000", subpackage="online", kind="algorithm", solver=_SA + "rideshare_match_assign",
        check=_SA + "rideshare_exact", source="Bei, Zhang: Algorithms for trip-vehicle assignment in ride-sharing "
        "(AAAI 2018), presented in Shengyu Zhang's talk", cli="fairbid online rideshare --instance FILE",
        claims=(
            Claim("ratio<=2.5", True, _S + "test_rideshare_ratio_within_bei_zhang_bound"),
            Claim("route-costs-exact", True, _S + "test_pair_costs_match_stop_enumeration"),
            Claim("hand-solved", True, _S + "test_rideshare_hand_solved"),
        ),
    ),
):
    register_entry(_entry)
