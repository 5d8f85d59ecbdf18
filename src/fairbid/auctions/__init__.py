"""fairbid.auctions: probabilistic mechanisms for online auctions (seed 004), flat public API."""

from fairbid.auctions.distributions import ValueDistribution, parse_distribution
from fairbid.auctions.spec import KINDS, MechanismSpec
from fairbid.auctions.closed_forms import (
    EP_PAYOFF_READINGS,
    expected_payoff,
    expected_revenue,
    optimal_reserve,
    rate_threshold,
    revenue_ap,
    revenue_ep,
    share_above_theta,
    top_other_cdf,
    value_at_quantile,
    value_at_winning_rate,
    winning_rate,
    xi1,
    xi2,
)
from fairbid.auctions.classification import (
    CLASSES,
    ContourPeak,
    classify,
    contour_profit_line,
    contour_profit_peak,
    in_theorem5_region,
    lemma3_applies,
    sme_line,
    theorem5_interval,
    winning_rate_gain,
)
from fairbid.auctions.design import (
    DesignResult,
    design,
    max_theta_profit_neutral,
    payoff_change_above,
    profit_neutral_design,
    sme_friendly_design,
)
from fairbid.auctions.mechanisms import (
    EqualPossible,
    FirstPrice,
    Mechanism,
    Mixture,
    Outcome,
    SecondPrice,
    flat_components,
    from_spec,
    mixture_of,
    pfp,
    psp,
    run_auctions,
    validate_bids,
)
from fairbid.auctions.equilibrium import (
    BidTable,
    DeviationReport,
    bid_function,
    deviation_gain,
    equilibrium_bids,
    first_price_bid,
    first_price_table,
)
from fairbid.auctions.montecarlo import (
    MonteCarloResult,
    compare_closed_forms,
    simulate_auctions,
    validate_closed_forms,
    wilson_interval,
)
from fairbid.auctions.platform import (
    PlatformConfig,
    PlatformResult,
    reading_grid,
    resolve_mechanism,
    resolve_mechanisms,
    simulate_platform,
    simulate_readings,
)
from fairbid.auctions.optimal_correlated import (  # noqa: E402  (seed 002: optimal DSIC auctions, correlated values)
    CorrelatedInstance,
    OptimalAuction,
    check_mechanism,
    optimal_dsic_auction,
    random_correlated_instance,
)
from fairbid.auctions.robust import (  # noqa: E402  (seed 000: correlation-robust selling)
    RobustResult,
    robust_additive_mechanism,
    separate_sale_revenue,
    worst_case_revenue,
)
from fairbid.auctions.screening import (  # noqa: E402  (seed 002: screening with limited information)
    ScreeningResult,
    minimax_pricing,
    robust_screening,
)
