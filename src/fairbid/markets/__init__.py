"""fairbid.markets: markets and budgeted auction markets (seeds 000, 002), flat public API.

Models (see :data:`MODELS`): linear Fisher (Eisenberg-Gale program and proportional response), Fisher with
satiation (utility caps; Bei, Garg, Hoefer, Mehlhorn), linear Arrow-Debreu (Jain's convex program),
first- and second-price pacing equilibria, first- and second-price throttling equilibria, on one
instance format (:class:`MarketInstance`) with one independent checker (:func:`check_equilibrium`);
plus the auction-versus-lottery licence trade-off (:func:`sal_outcome`, :func:`mixture_outcome`).
"""

from fairbid.markets.arrow_debreu import arrow_debreu_linear, economy_graph_connected
from fairbid.markets.check import check_equilibrium
from fairbid.markets.fisher import eisenberg_gale, fisher_linear, proportional_response
from fairbid.markets.instance import MarketInstance, instance_from_dict, load_instance, make_instance, random_instance
from fairbid.markets.licences import (LicenceOutcome, expected_top_sum, frontier, mixture_outcome, sal_outcome,
                                      simulate_psp_licence)
from fairbid.markets.pacing import pacing_fp, pacing_sp, pacing_sp_iterative, pacing_sp_mip
from fairbid.markets.result import MODELS, MarketResult
from fairbid.markets.satiation import fisher_satiation
from fairbid.markets.solve import solve
from fairbid.markets.throttling import throttled_outcome, throttling, throttling_fp, throttling_sp

__all__ = [
    "MODELS", "LicenceOutcome", "MarketInstance", "MarketResult", "arrow_debreu_linear", "check_equilibrium",
    "economy_graph_connected", "eisenberg_gale", "expected_top_sum", "fisher_linear", "fisher_satiation",
    "frontier", "instance_from_dict", "load_instance", "make_instance", "mixture_outcome", "pacing_fp",
    "pacing_sp", "pacing_sp_iterative", "pacing_sp_mip", "proportional_response", "random_instance",
    "sal_outcome", "simulate_psp_licence", "solve", "throttled_outcome", "throttling", "throttling_fp",
    "throttling_sp",
]
