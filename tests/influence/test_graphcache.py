"""Binary CSR graph cache: the mapped graph equals the parsed one; stale or corrupt entries are rebuilt."""

from __future__ import annotations

import os

import numpy as np
import pytest

from fairbid.influence import load_graph
from fairbid.influence import graphcache
from fairbid.influence.graphcache import cache_root, file_key, load_cached

ARRAYS = ("indptr", "indices", "weights", "in_indptr", "in_indices", "in_weights", "labels", "in_coins",
          "in_common_p")


@pytest.fixture
def edge_file(tmp_path):
    rng = np.random.default_rng(0)
    src = rng.integers(0, 60, 400)
    dst = rng.integers(0, 60, 400)
    keep = src != dst
    p = tmp_path / "g.txt"
    p.write_text("".join(f"{u}\t{v}\n" for u, v in zip(src[keep] * 7, dst[keep] * 7)))  # labels 0, 7, 14, ...
    return p


def same(a, b):
    assert (a.n, a.m, a.directed, a.weight_scheme) == (b.n, b.m, b.directed, b.weight_scheme)
    for name in ARRAYS:
        np.testing.assert_array_equal(np.asarray(getattr(a, name)), np.asarray(getattr(b, name)), err_msg=name)


def parsed(path, weights="wc"):
    os.environ["FAIRBID_NO_GRAPH_CACHE"] = "1"
    try:
        return load_graph(path, weights=weights, cache=False)
    finally:
        del os.environ["FAIRBID_NO_GRAPH_CACHE"]


@pytest.mark.parametrize("weights", ["wc", "uniform:0.2"])
def test_second_load_maps_the_same_graph(edge_file, weights):
    ref = parsed(edge_file, weights)  # the plain text parse, independently of the cache
    first = load_graph(edge_file, weights=weights, cache=False)  # parses and writes the cache
    assert len(list(cache_root().iterdir())) == 1
    second = load_graph(edge_file, weights=weights, cache=False)
    assert isinstance(second.in_indices, np.memmap) and isinstance(second.in_coins, np.memmap)
    same(first, ref)
    same(second, ref)
    assert second.label_of([1, 2]) == ref.label_of([1, 2])


def test_corrupt_entry_is_rebuilt_not_trusted(edge_file):
    ref = parsed(edge_file)
    load_graph(edge_file, cache=False)
    (entry,) = cache_root().iterdir()
    idx = np.load(entry / "in_indices.npy")
    idx[3] = 10**6  # out of range: a flipped bit
    np.save(entry / "in_indices.npy", idx)
    assert load_cached(entry.name) is None
    same(load_graph(edge_file, cache=False), ref)
    assert load_cached(entry.name) is not None  # rewritten
    (entry / "indptr.npy").write_bytes(b"\x93NUMPY garbage")  # truncated file
    assert load_cached(entry.name) is None
    same(load_graph(edge_file, cache=False), ref)
    (entry / "meta.json").write_text("{not json")
    assert load_cached(entry.name) is None
    same(load_graph(edge_file, cache=False), ref)


def test_edited_file_gets_a_new_key(edge_file):
    load_graph(edge_file, cache=False)
    st = edge_file.stat()
    key1 = file_key(edge_file, "wc|g.txt", True, None)
    edge_file.write_text(edge_file.read_text().replace("\t", " ", 1) + "1 2\n")
    os.utime(edge_file, ns=(st.st_atime_ns, st.st_mtime_ns))  # same mtime: the content hash still differs
    assert file_key(edge_file, "wc|g.txt", True, None) != key1
    g = load_graph(edge_file, cache=False)
    same(g, parsed(edge_file))
    assert g.m == parsed(edge_file).m


def test_unwritable_cache_only_costs_speed(edge_file, monkeypatch, tmp_path):
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("x")
    monkeypatch.setenv("FAIRBID_GRAPH_CACHE", str(blocker / "sub"))
    same(load_graph(edge_file, cache=False), parsed(edge_file))
    assert graphcache.store("k", parsed(edge_file)) is False


def test_seed_keys_only_random_weights(edge_file):
    # wc does not depend on --seed: one entry for any seed; trivalency draws weights, so one per seed.
    a = load_graph(edge_file, seed=1, cache=False)
    b = load_graph(edge_file, seed=2, cache=False)
    assert len(list(cache_root().iterdir())) == 1
    same(a, b)
    t1 = load_graph(edge_file, weights="trivalency", seed=1, cache=False)
    t2 = load_graph(edge_file, weights="trivalency", seed=2, cache=False)
    assert len(list(cache_root().iterdir())) == 3
    assert not np.array_equal(t1.weights, t2.weights)
    same(load_graph(edge_file, weights="trivalency", seed=2, cache=False), t2)
