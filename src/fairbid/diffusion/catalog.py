"""Registry entries of fairbid.diffusion (seed 003): what ``fairbid list`` shows for this subpackage."""

from __future__ import annotations

from fairbid.core.registry import Claim, Entry, register_entry

_SEED003 = "Distributed Mechanism Design in Social Networks"
_T = "tests/diffusion/"
_AUDIT = "fairbid.diffusion.audit:audit"

for _entry in (
    Entry(
        name="diffusion.vickrey-neighbours", title="Second-price auction among the seller's neighbours (no diffusion)",
        seed="003", subpackage="diffusion", kind="mechanism", solver="fairbid.diffusion.vickrey:vickrey_neighbours",
        check=_AUDIT, source="baseline of " + _SEED003 + " (Proposition 5.1)",
        cli="fairbid diffusion run --mechanism vickrey-neighbours",
        claims=(Claim("hand-computed-example", True, _T + "test_mechanisms.py::test_example_by_hand"),),
    ),
    Entry(
        name="diffusion.sp-all", title="Second price over everyone reached (deliberately not IC)", seed="003",
        subpackage="diffusion", kind="mechanism", solver="fairbid.diffusion.sp_all:sp_all", check=_AUDIT,
        source="baseline", cli="fairbid diffusion run --mechanism sp-all",
        claims=(Claim("IC", False, _T + "test_audit.py::test_sp_all_rewards_hiding_a_competitor"),),
    ),
    Entry(
        name="diffusion.vcg", title="VCG on the network (efficient, may run a deficit)", seed="003",
        subpackage="diffusion", kind="mechanism", solver="fairbid.diffusion.vcg:vcg", check=_AUDIT,
        source="Li, Hao, Zhao, Zhou (AAAI 2017) baseline", cli="fairbid diffusion run --mechanism vcg",
        claims=(
            Claim("IC", True, _T + "test_audit.py::test_idm_and_vcg_have_no_profitable_deviation"),
            Claim("budget-identities", True, _T + "test_mechanisms.py::test_idm_and_vcg_budget_identities"),
        ),
    ),
    Entry(
        name="diffusion.idm", title="Information Diffusion Mechanism", seed="003", subpackage="diffusion",
        kind="mechanism", solver="fairbid.diffusion.idm:idm", check=_AUDIT,
        source="Li, Hao, Zhao, Zhou (AAAI 2017)", cli="fairbid diffusion run --mechanism idm",
        claims=(
            Claim("IC", True, _T + "test_audit.py::test_idm_is_ic_on_random_graphs"),
            Claim("IR", True, _T + "test_mechanisms.py::test_idm_and_vcg_budget_identities"),
            Claim("matches-brute-force", True, _T + "test_mechanisms.py::test_idm_chain_matches_brute_force_reachability"),
        ),
    ),
    Entry(
        name="diffusion.sra-crm", title="Sequential Resale Auction, centralized reduction over spanning trees",
        seed="003", subpackage="diffusion", kind="mechanism", solver="fairbid.diffusion.sra_crm:sra_crm",
        check="fairbid.diffusion.reference:reference_tree_outcome", source=_SEED003,
        cli="fairbid diffusion run --mechanism sra-crm",
        claims=(
            Claim("budget-balance-per-tree", True, _T + "test_sra_crm.py::test_budget_balance_per_tree"),
            Claim("matches-networkx-reference", True, _T + "test_sra_crm.py::test_numba_kernel_matches_networkx_reference"),
            Claim("IC-in-invitations", False, _T + "test_audit.py::test_sra_invitation_finding"),
        ),
    ),
    Entry(
        name="diffusion.sra", title="Sequential Resale Auction as a distributed protocol with a signed ledger",
        seed="003", subpackage="diffusion", kind="mechanism", solver="fairbid.diffusion.protocol.sra:run_sra",
        check=_AUDIT, source=_SEED003, cli="fairbid diffusion protocol",
        claims=(
            Claim("same-tree-same-outcome-as-reduction", True, _T + "test_protocol.py::test_theorem_same_tree_same_outcome"),
            Claim("IC-in-invitations", False, _T + "test_audit.py::test_sra_invitation_finding"),
            Claim("tamper-evident-ledger", True, _T + "test_protocol.py::test_tampering_agent_is_caught"),
            Claim("ledger-detects-truncation", True, _T + "test_ledger.py::test_delete_last_is_detected"),
            Claim("ledger-detects-key-swap", True, _T + "test_ledger.py::test_key_swap_is_detected"),
            Claim("ledger-detects-resigned-edit", True, _T + "test_ledger.py::test_resigned_edit_is_detected"),
        ),
    ),
):
    register_entry(_entry)
