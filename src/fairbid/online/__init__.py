"""fairbid.online: online allocation and matching (seed 002), flat public API.

Implemented: static pricing for multi-unit prophet inequalities (Chawla-Devanur-Lykouris), online
allocation of reusable resources (Goyal-Iyengar-Udwani), dynamic bipartite matching (Kakimura-Zhu),
costly inspections and deadlock (Immorlica-Kanoria-Lu; simulation only), individual and group fairness
(Ma-Xu-Xu; edge-capped LP benchmark, sampling, boosting, our "balance" / "mass" attenuation; the paper's 0.725 / 0.719
not claimed), one-sided Kakimura-Zhu greedy/patient; seed 000's sharing
economy: the bottleneck-decomposition resource-sharing equilibrium with a truthfulness auditor, roommate
assignment and two-per-car ridesharing (sharing_protocol, sharing_assignment). See the module docstrings for what is open.
"""

from fairbid.online.dynamic import MECHANISMS, ONE_SIDED, TWO_SIDED, markov_loss, simulate_market
from fairbid.online.fairness import (
    FAIR_POLICIES,
    attenuate,
    balance_attenuation,
    clairvoyant_lp,
    exact_match_rates,
    fairness_lp,
    fairness_report,
    gfm_lp,
    ifm_lp,
    match_rates,
    unit_rates,
)
from fairbid.online.inspections import deadlock_threshold, run_market, simulate_inspections
from fairbid.online.prophet import (
    ProphetResult,
    guarantee,
    policy_value,
    prophet,
    prophet_value,
    simulate_prophet,
    static_price,
    statistics,
    worst_case_search,
)
from fairbid.online.sharing_assignment import (
    pair_costs,
    random_rides,
    random_roommates,
    rideshare_exact,
    rideshare_match_assign,
    roommates_approx,
    roommates_exact,
    worst_ratio_search,
)
from fairbid.online.sharing_protocol import (
    SHARING_RULES,
    Decomposition,
    SharingAudit,
    SharingNetwork,
    audit_sharing,
    bottleneck_decomposition,
    equilibrium_allocation,
    load_sharing_instance,
    proportional_response,
    sharing_network,
    sharing_utilities,
)
from fairbid.online.reusable import (
    POLICIES,
    ReusableInstance,
    adversarial_instance,
    brute_force_optimum,
    duration_distribution,
    duration_draws,
    expected_reward,
    lp_upper_bound,
    make_instance,
    random_instance,
    simulate,
)

__all__ = [
    "FAIR_POLICIES", "attenuate", "balance_attenuation", "clairvoyant_lp", "exact_match_rates", "fairness_lp", "fairness_report", "gfm_lp",
    "ifm_lp", "match_rates", "unit_rates",
    "MECHANISMS", "ONE_SIDED", "TWO_SIDED", "markov_loss", "simulate_market", "deadlock_threshold", "run_market",
    "simulate_inspections",
    "POLICIES", "ProphetResult", "ReusableInstance", "adversarial_instance", "brute_force_optimum", "duration_distribution",
    "duration_draws", "expected_reward", "guarantee", "lp_upper_bound", "make_instance", "policy_value",
    "prophet", "prophet_value", "random_instance", "simulate", "simulate_prophet", "static_price", "statistics",
    "worst_case_search",
    "SHARING_RULES", "Decomposition", "SharingAudit", "SharingNetwork", "audit_sharing", "bottleneck_decomposition",
    "equilibrium_allocation", "load_sharing_instance", "proportional_response", "sharing_network", "sharing_utilities",
    "pair_costs", "random_rides", "random_roommates", "rideshare_exact", "rideshare_match_assign", "roommates_approx",
    "roommates_exact", "worst_ratio_search",
]
