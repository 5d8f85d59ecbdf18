"""Registry entries of fairbid.games (seed 000): what ``fairbid list`` shows for this subpackage."""

from __future__ import annotations

from fairbid.core.registry import Claim, Entry, register_entry

_SRC = "Computational Game Theory for Security: Recent Progresses and Future Directions (seed 000 talk)"
_T = "tests/games/test_security.py::"

for _entry in (
    Entry(
        name="games.origami", title="Strong Stackelberg equilibrium of a security game by ORIGAMI (minimal attack set)",
        seed="000", subpackage="games", kind="algorithm", solver="fairbid.games.security:origami",
        check="fairbid.games.security:security_sse_lps", source=_SRC + "; Kiekintveld et al. AAMAS 2009",
        cli="fairbid games security --solver origami",
        claims=(
            Claim("hand-computed-example", True, _T + "test_sse_two_target_game_by_hand"),
            Claim("equals-multiple-LPs", True, _T + "test_origami_equals_multiple_lps_and_pure_schedule_lp"),
            Claim("equilibrium", True, _T + "test_origami_equals_multiple_lps_and_pure_schedule_lp"),
        ),
    ),
    Entry(
        name="games.security-lps", title="SSE of a compact security game, one LP per target (HiGHS)",
        seed="000", subpackage="games", kind="solver", solver="fairbid.games.security:security_sse_lps",
        check="fairbid.games.security:origami", source=_SRC + "; Conitzer & Sandholm EC 2006",
        cli="fairbid games security --solver lps",
        claims=(
            Claim("hand-computed-example", True, _T + "test_sse_two_target_game_by_hand"),
            Claim("agrees-with-reference", True, _T + "test_origami_large_instance_matches_lps"),
        ),
    ),
    Entry(
        name="games.sse-multiple-lps", title="SSE of a bimatrix Stackelberg game by multiple LPs (HiGHS)",
        seed="000", subpackage="games", kind="solver", solver="fairbid.games.security:sse_multiple_lps",
        check=None, source="Conitzer & Sandholm, Computing the optimal strategy to commit to, EC 2006",
        cli=None,
        claims=(
            Claim("textbook-example", True, _T + "test_sse_bimatrix_textbook"),
            Claim("agrees-with-reference", True, _T + "test_origami_equals_multiple_lps_and_pure_schedule_lp"),
        ),
    ),
    Entry(
        name="games.uniform-mixed-congestion",
        title="k-uniform mixed equilibria of network congestion games (best response, brute-force PoA)",
        seed="000", subpackage="games", kind="algorithm", solver="fairbid.games.congestion:best_response_equilibrium",
        check="fairbid.games.congestion:is_equilibrium",
        source="Uniform Mixed Equilibria in Network Congestion Games with Link Failures (seed 000 talk)",
        cli="fairbid games congestion",
        claims=(
            Claim("hand-computed-example", True, "tests/games/test_congestion.py::test_two_uniform_on_three_parallel_links_by_hand"),
            Claim("equilibrium", True, "tests/games/test_congestion.py::test_best_response_reaches_a_verified_equilibrium"),
            Claim("k=1-matches-Rosenthal", True,
                  "tests/games/test_congestion.py::test_k1_rosenthal_minimiser_is_equilibrium_and_poa_bound"),
            Claim("PoA<=5/2-affine-k=1", True,
                  "tests/games/test_congestion.py::test_k1_rosenthal_minimiser_is_equilibrium_and_poa_bound"),
        ),
    ),
):
    register_entry(_entry)
