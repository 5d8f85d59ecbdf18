"""Collective choice: funding public projects with the Nash product rule (seed 002, Brandl et al.).

Public API: :class:`FundingInstance`, :func:`make_instance`, :func:`instance_from_dict`,
:func:`load_instance`, :func:`random_instance`, :func:`nash_product_rule`,
:func:`conditional_utilitarian`, :func:`fund`, :func:`npr_dynamics`, :func:`nash_welfare`, :func:`npr_optimality_gap`,
:func:`pareto_improvement`, :func:`participation_audit`.
"""

from fairbid.choice.funding import (
    RULES,
    FundingOutcome,
    ParticipationAudit,
    conditional_utilitarian,
    fund,
    nash_contributions,
    nash_product_rule,
    nash_welfare,
    npr_dynamics,
    npr_optimality_gap,
    pareto_improvement,
    participation_audit,
)
from fairbid.choice.instance import FundingInstance, instance_from_dict, load_instance, make_instance, random_instance

__all__ = [
    "RULES", "FundingInstance", "FundingOutcome", "ParticipationAudit", "conditional_utilitarian", "fund",
    "instance_from_dict", "load_instance", "make_instance", "nash_contributions", "nash_product_rule",
    "nash_welfare", "npr_dynamics", "npr_optimality_gap", "pareto_improvement", "participation_audit", "random_instance",
]
