"""Network model, input formats, validation and valid buyers (seed 003, §3)."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from fairbid.core.errors import FairbidError
from fairbid.diffusion import from_networkx, load_network, make_network


def test_example_file_loads(example):
    assert example.seller == "s"
    assert example.valid_buyers == ["a", "b", "c", "d", "e", "f", "g"]
    # depth = BFS rounds: a,b hear in round 1, c in 2, d in 3, e,f in 4, g in 5
    cn = example.compiled
    assert dict(zip(cn.ids, cn.depth.tolist())) == {"s": 0, "a": 1, "b": 1, "c": 2, "d": 3, "e": 4,
                                                     "f": 4, "g": 5}


def test_inviters_are_first_round_neighbours(example):
    cn = example.compiled
    inviters = {cn.ids[v]: sorted(cn.ids[int(u)] for u in cn.inv_idx[cn.inv_ptr[v]:cn.inv_ptr[v + 1]])
                for v in range(1, cn.n)}
    # a and b invite each other in round 2 but both heard in round 1: not inviters (notes, 003 OPEN point)
    assert inviters == {"a": ["s"], "b": ["s"], "c": ["a", "b"], "d": ["c"], "e": ["d"], "f": ["d"],
                        "g": ["e", "f"]}


def test_misreported_invitations_make_buyers_invalid(small):
    # c is the only way to d and e: if c invites nobody, d and e never hear of the sale.
    net = small.with_report("c", neighbours=[])
    assert net.valid_buyers == ["a", "b", "c"]
    # an edge reported by only one side still carries the invitation that way
    net2 = small.with_report("d", neighbours=[])
    assert net2.valid_buyers == ["a", "b", "c", "d"]


def test_networkx_input_matches_json(small):
    g = nx.Graph()
    for u, v in [("s", "a"), ("s", "b"), ("a", "b"), ("a", "c"), ("b", "c"), ("c", "d"), ("d", "e")]:
        g.add_edge(u, v)
    for k, v in {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0, "e": 5.0}.items():
        g.nodes[k]["value"] = v
    net = from_networkx(g, "s")
    assert net.to_dict() == small.to_dict()


def test_integer_ids_are_accepted():
    net = make_network(0, [[0, 1], [1, 2]], {1: 1.0, 2: 2.5})
    assert net.valid_buyers == ["1", "2"] and net.values["2"] == 2.5


def test_round_trip_through_json(tmp_path, small):
    p = tmp_path / "net.json"
    p.write_text(json.dumps(small.with_report("c", bid=0.5).to_dict()))
    back = load_network(p)
    assert back.to_dict() == small.with_report("c", bid=0.5).to_dict()


@pytest.mark.parametrize("data, fragment", [
    ({"edges": [["s", "a"]], "values": {"a": 1}}, "seller: is missing"),
    ({"seller": "x", "edges": [["s", "a"]], "values": {"a": 1}}, "seller: is not a node of the graph"),
    ({"seller": "s", "edges": [["s", "a"], ["a", "b"]], "values": {"a": 1}}, "values: missing for buyer"),
    ({"seller": "s", "edges": [["s", "a"]], "values": {"a": -1}}, "values.a: must be >= 0"),
    ({"seller": "s", "edges": [["s", "a"]], "values": {"a": "x"}}, "values.a: must be a number"),
    ({"seller": "s", "edges": [["s", "a"], ["a", "b"]], "values": {"a": 1, "b": 1},
      "reports": {"a": {"neighbours": ["c"]}}}, "may only name true neighbours"),
    ({"seller": "s", "edges": [["s", "a"], ["a", "b"]], "values": {"a": 1, "b": 1},
      "reports": {"a": {"neighbours": ["b", "b"]}}}, "duplicate id"),
    ({"seller": "s", "edges": [["s", "a"]], "values": {"a": 1}, "buyers": ["a", "a"]}, "duplicate buyer id"),
    ({"seller": "s", "edges": [["s", "s"]], "values": {}}, "must join two different nodes"),
])
def test_bad_input_raises_fairbid_error(data, fragment):
    with pytest.raises(FairbidError, match=fragment):
        load_network(data)


def test_duplicate_ids_in_json_file(tmp_path):
    p = tmp_path / "dup.json"
    p.write_text('{"seller": "s", "edges": [["s", "a"]], "values": {"a": 1, "a": 2}}')
    with pytest.raises(FairbidError, match="duplicate key"):
        load_network(p)


def test_missing_file_and_bad_json(tmp_path):
    with pytest.raises(FairbidError, match="file not found"):
        load_network(tmp_path / "nope.json")
    p = tmp_path / "bad.json"
    p.write_text("{")
    with pytest.raises(FairbidError, match="not valid JSON"):
        load_network(p)
