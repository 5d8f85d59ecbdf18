import json

import pytest

from fairbid.cli.main import main
from fairbid.influence.reference import exact_ic_spread
from fairbid.influence import load_graph



@pytest.fixture
def edge_file(tmp_path):
    # Node ids as in the file: 10 -> 20 -> 30, 10 -> 40, plus 50 -> 60.
    p = tmp_path / "g.txt"
    p.write_text("# test graph\n10 20\n20\t30\n10 40\n50 60\n")
    return p


def run(capsys, *args):
    rc = main(list(args))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_spread_json_uses_file_ids(capsys, edge_file):
    rc, out, _ = run(capsys, "influence", "spread", "--graph", str(edge_file), "--weights", "uniform:1.0",
                     "--model", "ic", "--seeds", "10", "--sims", "7", "--seed", "1", "--json")
    assert rc == 0
    assert json.loads(out) == {"spread": [4.0], "stderr": [0.0], "sims": 7}


def test_spread_several_competitors(capsys, edge_file):
    rc, out, _ = run(capsys, "influence", "spread", "--graph", str(edge_file), "--weights", "uniform:1.0",
                     "--model", "cic", "--seeds", "10;50", "--sims", "3", "--json")
    assert rc == 0 and json.loads(out)["spread"] == [4.0, 2.0]
    rc, out2, _ = run(capsys, "influence", "spread", "--graph", str(edge_file), "--weights", "uniform:1.0",
                      "--model", "cic", "--seeds", "10", "--seeds", "50", "--sims", "3", "--json")
    assert out2 == out


def test_spread_matches_exact_on_small_file(capsys, edge_file):
    rc, out, _ = run(capsys, "influence", "spread", "--graph", str(edge_file), "--weights", "uniform:0.5",
                     "--seeds", "10", "--sims", "20000", "--json")
    res = json.loads(out)
    g = load_graph(edge_file, weights="uniform:0.5")
    exact = exact_ic_spread(g, g.index_of([10]).tolist())  # 1 + 0.5 + 0.25 + 0.5 = 2.25
    assert exact == pytest.approx(2.25)
    assert abs(res["spread"][0] - exact) < 4 * res["stderr"][0]


def test_select_json(capsys, edge_file):
    rc, out, _ = run(capsys, "influence", "select", "--graph", str(edge_file), "--weights", "uniform:1.0",
                     "--model", "ic", "--k", "2", "--method", "degree-discount", "--sims", "5", "--json")
    res = json.loads(out)
    assert rc == 0 and {"seeds", "spread", "stderr", "seconds", "baseline_spread"} <= set(res)
    assert res["seeds"] == [10, 50] and res["spread"] == 6.0


@pytest.mark.parametrize(
    "args, message",
    [
        (["--seeds", "99"], "not in the graph"),
        (["--seeds", "10;10"], "disjoint"),
        (["--seeds", "10", "--weights", "uniform:2"], "lie in"),
        (["--seeds", "1,x"], "integers"),
    ],
)
def test_spread_errors_exit_2(capsys, edge_file, args, message):
    model = ["--model", "clt"] if ";" in args[1] else []
    rc, out, err = run(capsys, "influence", "spread", "--graph", str(edge_file), *model, *args, "--json")
    assert rc == 2 and out == "" and message in err and err.startswith("error: ") and err.count("\n") == 1


def test_malformed_file_and_unknown_dataset(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("1 2\n3 4 5 6\n")
    rc, _, err = run(capsys, "influence", "spread", "--graph", str(bad), "--seeds", "1")
    assert rc == 2 and "line 2" in err
    rc, _, err = run(capsys, "datasets", "path", "orkut")
    assert rc == 2 and "unknown name" in err


def test_datasets_list_json(capsys):
    rc, out, _ = run(capsys, "datasets", "list", "--json")
    rows = json.loads(out)["datasets"]
    assert rc == 0 and rows["cit-hepph"]["edges"] == 421578 and rows["dblp"]["directed"] is False


@pytest.mark.dataset
def test_datasets_path_facebook(capsys, dataset):
    path = dataset("facebook")
    rc, out, _ = run(capsys, "datasets", "path", "facebook")
    assert rc == 0 and out.strip() == str(path)


def test_undirected_flag_symmetrises(capsys, edge_file):
    # 30 has no out-edges in the file; read undirected it reaches 20 and, through it, 10 and 40.
    args = ["influence", "spread", "--graph", str(edge_file), "--weights", "uniform:1.0", "--seeds", "30",
            "--sims", "2", "--json"]
    assert json.loads(run(capsys, *args)[1])["spread"] == [1.0]
    assert json.loads(run(capsys, *args, "--undirected")[1])["spread"] == [4.0]


def test_select_imm_finds_the_best_pair(capsys, edge_file):
    rc, out, _ = run(capsys, "influence", "select", "--graph", str(edge_file), "--weights", "uniform:1.0",
                     "--k", "2", "--method", "imm", "--sims", "5", "--json")
    res = json.loads(out)
    # Best 2-set with p = 1: {10, 50} reaches 10, 20, 30, 40, 50, 60 (all 6 nodes).
    assert rc == 0 and sorted(res["seeds"]) == [10, 50] and res["spread"] == 6.0 and res["rr_sets"] > 0


def test_blocked_option(capsys, edge_file):
    rc, out, _ = run(capsys, "influence", "spread", "--graph", str(edge_file), "--weights", "uniform:1.0",
                     "--seeds", "10", "--blocked", "20", "--sims", "2", "--json")
    assert rc == 0 and json.loads(out)["spread"] == [2.0]  # 10 and 40; 20 (and so 30) blocked
