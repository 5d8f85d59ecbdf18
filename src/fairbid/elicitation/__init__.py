"""Information elicitation without ground truth: output agreement, peer truth serum, DMI (seed 000).

Public API: :class:`SignalPrior`, :func:`make_prior`, :func:`random_prior`, :func:`load_prior`,
:func:`expected_payment`, :func:`simulate_payments`, :func:`audit`, and the strategy builders.
"""

from fairbid.elicitation.audit import MODES, StrategyAudit, audit
from fairbid.elicitation.mechanisms import MECHANISMS, expected_payment, simulate_payments
from fairbid.elicitation.priors import PRIOR_KINDS, SignalPrior, load_prior, make_prior, random_prior
from fairbid.elicitation.strategies import all_deterministic, constant, permutation, strategy_set, truthful, uninformative

__all__ = [
    "MECHANISMS", "MODES", "PRIOR_KINDS", "SignalPrior", "StrategyAudit", "all_deterministic", "audit", "constant",
    "expected_payment", "load_prior", "make_prior", "permutation", "random_prior", "simulate_payments",
    "strategy_set", "truthful", "uninformative",
]
