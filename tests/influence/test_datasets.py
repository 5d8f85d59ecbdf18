import hashlib
import urllib.error

import numpy as np
import pytest

from fairbid.core.errors import FairbidError
from fairbid.influence import REGISTRY, dataset_path, fetch, find_dataset, load_graph
from fairbid.influence import datasets as ds_mod



def test_registry_has_the_five_datasets():
    assert set(REGISTRY) == {"facebook", "gnutella09", "cit-hepph", "dblp", "youtube"}
    # SNAP's published counts (snap.stanford.edu/data).
    assert (REGISTRY["youtube"].nodes, REGISTRY["youtube"].edges) == (1134890, 2987624)
    assert len(REGISTRY["cit-hepph"].sha256) == 2


def test_lookup_order_prefers_fairbid_data_then_cache(tmp_path, monkeypatch):
    env, cache = tmp_path / "env", tmp_path / "cache"
    (env).mkdir()
    (cache / "fairbid").mkdir(parents=True)
    (cache / "fairbid" / "com-dblp.ungraph.txt").write_text("1 2\n")
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    monkeypatch.setenv("FAIRBID_DATA", str(env))
    assert find_dataset("dblp") == cache / "fairbid" / "com-dblp.ungraph.txt"
    (env / "com-dblp.ungraph.txt.gz").write_bytes(b"")
    assert find_dataset("dblp") == env / "com-dblp.ungraph.txt.gz"
    assert ds_mod.search_dirs()[:2] == [env, cache / "fairbid"]


def test_unknown_and_missing(monkeypatch, tmp_path):
    with pytest.raises(FairbidError, match="unknown name"):
        dataset_path("orkut")
    monkeypatch.setattr(ds_mod, "search_dirs", lambda: [tmp_path])
    with pytest.raises(FairbidError, match="not found locally"):
        dataset_path("youtube")


def test_fetch_offline_is_one_line_error(monkeypatch, tmp_path):
    monkeypatch.setattr(ds_mod, "search_dirs", lambda: [tmp_path])

    def offline(*a, **k):
        raise urllib.error.URLError("Name or service not known")

    monkeypatch.setattr(ds_mod.urllib.request, "urlopen", offline)
    with pytest.raises(FairbidError, match="offline") as err:
        fetch("facebook")
    assert "\n" not in str(err.value)


def test_fetch_verifies_checksum_of_download(monkeypatch, tmp_path):
    body = b"0 1\n1 2\n"
    monkeypatch.setattr(ds_mod, "search_dirs", lambda: [tmp_path])
    monkeypatch.setattr(ds_mod, "cache_dir", lambda: tmp_path / "cache")

    class Resp:
        def __enter__(self):
            return self

        def __exit__(self, *a):
            return False

        def read(self):
            return body

    monkeypatch.setattr(ds_mod.urllib.request, "urlopen", lambda *a, **k: Resp())
    with pytest.raises(FairbidError, match="does not match the recorded sha256"):
        fetch("facebook")
    assert not (tmp_path / "cache" / "facebook_combined.txt.gz").exists()
    fake = ds_mod.Dataset("facebook", "http://x/f.txt", ("f.txt",), 3, 2, False, (hashlib.sha256(body).hexdigest(),))
    monkeypatch.setitem(ds_mod.REGISTRY, "facebook", fake)
    path, how = fetch("facebook")
    assert how == "sha256" and path.read_bytes() == body


@pytest.mark.dataset
def test_facebook_counts_and_checksum(dataset):
    path = dataset("facebook")
    assert ds_mod.verify("facebook", path) == "sha256"
    g = load_graph("facebook")
    # SNAP: 4,039 nodes, 88,234 undirected edges -> 176,468 directed.
    assert (g.n, g.m, g.directed) == (4039, 2 * 88234, False)


@pytest.mark.dataset
def test_gnutella_counts(dataset):
    dataset("gnutella09")
    g = load_graph("gnutella09")
    assert (g.n, g.m, g.directed) == (8114, 26013, True)
    assert np.allclose(np.bincount(g.indices, weights=g.weights, minlength=g.n)[g.in_degree() > 0], 1.0)


@pytest.mark.dataset
def test_cit_hepph_counts_and_either_checksum(dataset):
    path = dataset("cit-hepph")
    assert ds_mod.verify("cit-hepph", path) == "sha256"
    g = load_graph("cit-hepph")
    # 421,578 edges of which 44 are self-loops (SOURCES.md), dropped by the loader.
    assert (g.n, g.m) == (34546, 421578 - 44)
