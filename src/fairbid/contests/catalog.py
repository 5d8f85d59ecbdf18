"""Registry entries of fairbid.contests (seed 002): what ``fairbid list`` shows for this subpackage."""

from __future__ import annotations

from fairbid.core.registry import Claim, Entry, register_entry

_SRC = "Elkind, Ghosh, Goldberg: Contest Design with Threshold Objectives"
_T = "tests/contests/test_contests.py::"

for _entry in (
    Entry(
        name="contests.allpay-complete", title="All-pay contest, complete information (BKV 1996; Barut-Kovenock 1998)",
        seed="002", subpackage="contests", kind="model", solver="fairbid.contests.complete:allpay",
        check="fairbid.contests.complete:equilibrium_gap", source="rank-order contests of " + _SRC,
        cli="fairbid contests allpay --values ... --prizes ...",
        claims=(
            Claim("textbook-efforts", True, _T + "test_bkv_two_players"),
            Claim("equilibrium", True, _T + "test_complete_info_is_equilibrium"),
            Claim("full-rent-dissipation", True, _T + "test_barut_kovenock_dissipation"),
        ),
    ),
    Entry(
        name="contests.allpay-iid", title="Rank-order all-pay contest, symmetric equilibrium with i.i.d. abilities",
        seed="002", subpackage="contests", kind="model", solver="fairbid.contests.iid:iid_allpay",
        check="fairbid.contests.iid:iid_contest", source=_SRC,
        cli="fairbid contests allpay --model iid --players n --prizes ...",
        claims=(
            Claim("textbook-bids", True, _T + "test_iid_winner_take_all_bid_function"),
            Claim("matches-monte-carlo-best-response", True, _T + "test_iid_equilibrium_by_simulation"),
        ),
    ),
    Entry(
        name="contests.optimal-prizes", title="Optimal rank-order prizes for total, binary- and linear-threshold objectives",
        seed="002", subpackage="contests", kind="algorithm", solver="fairbid.contests.iid:optimal_prizes",
        check="fairbid.contests.iid:simple_contest", source=_SRC, cli="fairbid contests design",
        claims=(
            Claim("winner-take-all-for-total", True, _T + "test_total_effort_prefers_winner_take_all"),
            Claim("optimal-vs-brute-force", True, _T + "test_optimal_prizes_beat_grid"),
            Claim("simple-contest-2-approx-linear", True, _T + "test_simple_contest_two_approximation"),
        ),
    ),
):
    register_entry(_entry)
