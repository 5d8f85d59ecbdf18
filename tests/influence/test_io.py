import gzip

import numpy as np
import pytest

from fairbid.core.errors import FairbidError
from fairbid.influence import load_graph, parse_edge_list


def test_comments_tabs_spaces_and_blank_lines():
    src, dst, w = parse_edge_list("# FromNodeId\tToNodeId\n1\t2\n\n3   4  \n#x\n5 6\n")
    assert src.tolist() == [1, 3, 5] and dst.tolist() == [2, 4, 6] and w is None


def test_weight_column():
    src, dst, w = parse_edge_list("1 2 0.5\n2 3 0.25\n")
    assert w.tolist() == [0.5, 0.25]


@pytest.mark.parametrize(
    "text, line, problem",
    [
        ("# c\n1 2\n3 x\n", 3, "integers"),
        ("1 2\n3 4\n\n5 6 7\n", 4, "expected 2 columns"),
        ("1 2 0.5\n2 3 abc\n", 2, "weight must be a number"),
        ("# c\n1 2 3 4\n", 2, "expected 'u v'"),
    ],
)
def test_parse_errors_name_the_line(text, line, problem):
    with pytest.raises(FairbidError, match=f"line {line}: .*{problem}"):
        parse_edge_list(text, source="f.txt")


def test_empty_file_is_an_error(tmp_path):
    p = tmp_path / "empty.txt"
    p.write_text("# nothing\n")
    with pytest.raises(FairbidError, match="empty graph"):
        load_graph(p)


def test_gz_and_probability_out_of_range_line(tmp_path):
    p = tmp_path / "g.txt.gz"
    with gzip.open(p, "wt") as fh:
        fh.write("# header\n1 2 0.5\n2 3 1.5\n")
    with pytest.raises(FairbidError, match="line 3: edge probability must lie in"):
        load_graph(p, weights="column", cache=False)
    q = tmp_path / "h.txt.gz"
    with gzip.open(q, "wt") as fh:
        fh.write("1 2\n2 3\n3 1\n")
    g = load_graph(q, directed=False)
    assert (g.n, g.m) == (3, 6)
    assert np.allclose(g.weights, 0.5)


def test_missing_file_and_unknown_dataset():
    with pytest.raises(FairbidError, match="neither a dataset"):
        load_graph("no-such-graph")
