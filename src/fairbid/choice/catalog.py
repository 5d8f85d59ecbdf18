"""Registry entries of fairbid.choice (seed 002): what ``fairbid list`` shows for this subpackage."""

from __future__ import annotations

from fairbid.core.registry import Claim, Entry, register_entry

_SRC = "Brandl, Brandt, Greger, Peters, Stricker, Suksompong: Funding Public Projects: A Case for the Nash Product Rule"
_T = "tests/choice/test_funding.py::"

for _entry in (
    Entry(
        name="choice.nash-product", title="Nash product rule for funding public projects (convex program)",
        seed="002", subpackage="choice", kind="rule", solver="fairbid.choice.funding:nash_product_rule",
        check="fairbid.choice.funding:npr_optimality_gap", source=_SRC,
        cli="fairbid choice fund --rule nash",
        claims=(
            Claim("hand-computed-example", True, _T + "test_npr_by_hand"),
            Claim("first-order-conditions", True, _T + "test_npr_kkt_on_random_instances"),
            Claim("matches-dynamic-procedure", True, _T + "test_npr_matches_dynamics"),
            Claim("Pareto-efficient", True, _T + "test_npr_pareto_efficient"),
            Claim("spends-contributions-on-approved-projects", True, _T + "test_npr_decomposition"),
            Claim("participation", True, _T + "test_npr_participation"),
        ),
    ),
    Entry(
        name="choice.conditional-utilitarian",
        title="Conditional utilitarian rule: each contribution to the agent's most-approved projects",
        seed="002", subpackage="choice", kind="rule", solver="fairbid.choice.funding:conditional_utilitarian",
        check="fairbid.choice.funding:pareto_improvement", source="baseline of " + _SRC,
        cli="fairbid choice fund --rule utilitarian",
        claims=(
            Claim("hand-computed-example", True, _T + "test_cut_by_hand"),
            Claim("Pareto-efficient", False, _T + "test_cut_not_pareto_efficient"),
            Claim("participation", True, _T + "test_cut_participation"),
        ),
    ),
):
    register_entry(_entry)
