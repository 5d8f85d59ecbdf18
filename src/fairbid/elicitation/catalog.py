"""Registry entries of fairbid.elicitation (seed 000): what ``fairbid list`` shows for this subpackage."""

from __future__ import annotations

from fairbid.core.registry import Claim, Entry, register_entry

_SRC = "Eliciting and Aggregating Information: An Information Theoretic Approach (talk)"
_T = "tests/elicitation/test_elicitation.py::"
_AUDIT = "fairbid.elicitation.audit:audit"

for _entry in (
    Entry(
        name="elicitation.output-agreement", title="Output agreement: pay 1 when the two reports match",
        seed="000", subpackage="elicitation", kind="mechanism", solver="fairbid.elicitation.mechanisms:expected_payment",
        check="fairbid.elicitation.mechanisms:simulate_payments", source="baseline of " + _SRC,
        cli="fairbid elicitation audit --mechanism oa",
        claims=(
            Claim("matches-simulation", True, _T + "test_exact_matches_simulation"),
            Claim("truthful-best-vs-collusion", False, _T + "test_collective_uninformative_beats_oa_and_pts_not_dmi"),
            Claim("best-response-condition", True, _T + "test_unilateral_audit_matches_best_response_condition"),
        ),
    ),
    Entry(
        name="elicitation.peer-truth-serum", title="Peer truth serum: 1[match] / R(report) - 1",
        seed="000", subpackage="elicitation", kind="mechanism", solver="fairbid.elicitation.mechanisms:expected_payment",
        check="fairbid.elicitation.mechanisms:simulate_payments", source="Radanovic and Faltings; baseline of " + _SRC,
        cli="fairbid elicitation audit --mechanism pts",
        claims=(
            Claim("matches-simulation", True, _T + "test_exact_matches_simulation"),
            Claim("truthful-best-vs-collusion", False, _T + "test_collective_uninformative_beats_oa_and_pts_not_dmi"),
            Claim("self-predicting-condition", True, _T + "test_unilateral_audit_matches_best_response_condition"),
        ),
    ),
    Entry(
        name="elicitation.dmi", title="Determinant mutual information mechanism (dominantly truthful, multi-task)",
        seed="000", subpackage="elicitation", kind="mechanism", solver="fairbid.elicitation.mechanisms:expected_payment",
        check="fairbid.elicitation.mechanisms:simulate_payments", source="Kong (2020); " + _SRC,
        cli="fairbid elicitation audit --mechanism dmi",
        claims=(
            Claim("hand-computed-example", True, _T + "test_payments_by_hand"),
            Claim("matches-simulation", True, _T + "test_exact_matches_simulation"),
            Claim("dominantly-truthful", True, _T + "test_dmi_truthful_dominates"),
            Claim("truthful-best-vs-collusion", True, _T + "test_collective_uninformative_beats_oa_and_pts_not_dmi"),
        ),
    ),
):
    register_entry(_entry)
