"""k-uniform mixed equilibria of network congestion games: hand-solved games, Rosenthal, PoA bounds."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.core.errors import FairbidError
from fairbid.games.congestion import (
    CongestionGame,
    all_equilibria,
    best_response_equilibrium,
    is_equilibrium,
    optimum,
    player_costs,
    uniform_strategies,
)

THREE_LINKS = [("s", "t")] * 3


def test_two_uniform_on_three_parallel_links_by_hand() -> None:
    # Three parallel links l(x) = x, two unit players, k = 2. Strategies: the 3 pairs of links.
    # Different pairs share one link: cost = ((1 + 1/2) + 1) / 2 = 1.25 each; the same pair: both links
    # carry 1 + 1/2 in expectation, cost 1.5. So equilibria = the 6 profiles with different pairs,
    # social cost 2.5 = the optimum, PoA 1 (all by hand).
    g = CongestionGame.make(THREE_LINKS, [1, 1, 1], [0, 0, 0], "s", "t", [1, 1], k=2)
    S = uniform_strategies(g)
    assert len(S) == 3
    np.testing.assert_allclose(player_costs(g, S[[0, 1]]), [1.25, 1.25])
    np.testing.assert_allclose(player_costs(g, S[[0, 0]]), [1.5, 1.5])
    eq = all_equilibria(g, S)
    assert len(eq) == 6 and all(c == pytest.approx(2.5) for _, c in eq)
    assert optimum(g, S)[0] == pytest.approx(2.5)
    prof, _ = best_response_equilibrium(g, seed=1)
    assert prof[0] != prof[1]


def test_pigou_atomic_by_hand() -> None:
    # Atomic Pigou, two unit players, links l1(x) = x and l2(x) = 2: both on link 1 costs 2 each and
    # nobody gains by moving (link 2 also costs 2) -> equilibrium with social cost 4; the optimum splits
    # them (1 + 2 = 3). PoA of that equilibrium 4/3 (by hand).
    g = CongestionGame.make([("s", "t")] * 2, [1, 0], [0, 2], "s", "t", [1, 1], k=1)
    costs = {tuple(p): c for p, c in all_equilibria(g)}
    assert costs[(0, 0)] == pytest.approx(4.0)
    assert optimum(g)[0] == pytest.approx(3.0)
    assert max(costs.values()) / optimum(g)[0] == pytest.approx(4 / 3)


def _random_game(seed: int, k: int, n_players: int, weighted: bool) -> CongestionGame:
    # A small DAG: s -> {x, y} -> t plus a direct s -> t link and x -> y, parallel edges allowed.
    rng = np.random.default_rng(seed)
    edges = [("s", "x"), ("s", "y"), ("x", "t"), ("y", "t"), ("x", "y"), ("s", "t"), ("s", "t")]
    w = rng.uniform(0.5, 2, n_players) if weighted else np.ones(n_players)
    return CongestionGame.make(edges, rng.uniform(0, 2, len(edges)), rng.uniform(0, 2, len(edges)), "s", "t", w, k=k)


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10**6), n_players=st.integers(2, 3))
def test_k1_rosenthal_minimiser_is_equilibrium_and_poa_bound(seed: int, n_players: int) -> None:
    # k = 1, unit weights: an ordinary atomic congestion game. Rosenthal (1973): the minimiser of
    # Phi = sum_e sum_{j=1}^{load_e} (a_e j + b_e) is a pure Nash equilibrium -- computed here from the
    # edge loads only, independently of player_costs. Christodoulou-Koutsoupias (2005): PoA <= 5/2 for
    # affine latencies.
    g = _random_game(seed, 1, n_players, weighted=False)
    S = uniform_strategies(g)
    best, arg = np.inf, None
    for prof in itertools.product(range(len(S)), repeat=n_players):
        load = S[list(prof)].sum(axis=0)
        phi = float(np.sum(g.a * load * (load + 1) / 2 + g.b * load))
        if phi < best - 1e-12:
            best, arg = phi, prof
    assert is_equilibrium(g, arg, S)[0]
    opt = optimum(g, S)[0]
    worst = max(c for _, c in all_equilibria(g, S))
    assert 1 - 1e-9 <= worst / opt <= 2.5 + 1e-9


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 10**6), k=st.integers(1, 2), weighted=st.booleans())
def test_best_response_reaches_a_verified_equilibrium(seed: int, k: int, weighted: bool) -> None:
    # The abstract: k-uniform equilibria exist for weighted players with affine latencies. The dynamics'
    # end point is re-checked against every unilateral deviation, and its cost is >= the optimum.
    g = _random_game(seed, k, 3, weighted)
    prof, S = best_response_equilibrium(g, seed=seed)
    ok, gain = is_equilibrium(g, prof, S)
    assert ok, gain
    from fairbid.games.congestion import social_cost

    assert social_cost(g, S[prof]) >= optimum(g, S)[0] - 1e-9


def test_bad_input() -> None:
    with pytest.raises(FairbidError, match="k"):
        uniform_strategies(CongestionGame.make(THREE_LINKS, [1, 1, 1], [0, 0, 0], "s", "t", [1], k=4))
    with pytest.raises(FairbidError, match="weights"):
        CongestionGame.make(THREE_LINKS, [1, 1, 1], [0, 0, 0], "s", "t", [0])
    with pytest.raises(FairbidError, match="one entry per edge"):
        CongestionGame.make(THREE_LINKS, [1, 1], [0, 0, 0], "s", "t", [1])
    with pytest.raises(FairbidError, match="source/sink"):
        uniform_strategies(CongestionGame.make(THREE_LINKS, [1, 1, 1], [0, 0, 0], "s", "z", [1]))


def test_cli_congestion(tmp_path, capsys) -> None:
    import json

    from fairbid.cli.main import main

    p = tmp_path / "net.json"
    p.write_text(json.dumps({"edges": [["s", "t"]] * 3, "a": [1, 1, 1], "b": [0, 0, 0], "source": "s",
                             "sink": "t", "weights": [1, 1]}))
    assert main(["games", "congestion", "--instance", str(p), "--k", "2", "--json"]) == 0
    res = json.loads(capsys.readouterr().out)
    # test_two_uniform_on_three_parallel_links_by_hand: costs 1.25 each, social cost 2.5 = optimum.
    assert res["player_costs"] == pytest.approx([1.25, 1.25]) and res["verified_equilibrium"]
    assert res["price_of_anarchy_of_this_equilibrium"] == pytest.approx(1.0)
    for doc in ('{"edges": [["s", "t"]], "a": [1], "b": [NaN], "source": "s", "sink": "t", "weights": [1]}',
                '{"edges": [["s"]], "a": [1], "b": [0], "source": "s", "sink": "t", "weights": [1]}',
                '{"edges": [["s", "t"]], "a": [1], "b": [0], "source": "s", "sink": "t", "weights": [1]}'):
        p.write_text(doc)
        assert main(["games", "congestion", "--instance", str(p), "--k", "2", "--json"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error:")
