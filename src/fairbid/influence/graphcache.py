"""Binary CSR cache for text edge lists: parse once, memory-map afterwards.

The first load of an edge-list file of at least :data:`MIN_BYTES` (uncompressed) writes the graph's arrays as ``.npy`` files into
``<user cache>/graphs/<key>/`` (see :func:`fairbid.influence.datasets.cache_dir`); later loads map
them read-only (``np.load(mmap_mode="r")``), which takes milliseconds instead of a text parse.

The key hashes the file's size, mtime and *content* (SHA-256 over the bytes) with the weight
scheme, directedness and the weight seed, so an edited file (even one with an unchanged mtime) gets
a new entry. An entry is trusted only when its ``meta.json`` (written last, atomically) is present,
names the same key, and every array has the recorded dtype and shape and passes the CSR invariants
(monotone ``indptr`` ending at ``m``, indices in ``[0, n)``, weights in ``[0, 1]``), checked one array
at a time (its pages released afterwards, so the check does not inflate peak memory); otherwise it is
rebuilt from the text. Writing is best effort: an unwritable cache only costs the speed-up.
"""

from __future__ import annotations

import hashlib
import json
import mmap
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any, Callable

import numpy as np

from fairbid.influence.graph import Graph

#: Bump when the layout changes: older entries are then ignored.
FORMAT = 2
_ARRAYS = ("indptr", "indices", "weights", "in_indptr", "in_indices", "in_weights", "labels")
#: Files smaller than this are parsed every time (fast anyway), so small or temporary edge lists (tests,
#: examples) never fill the user cache.
MIN_BYTES = 1 << 22
#: Derived arrays the RR-set sampler needs (Graph cached properties), stored so a load computes nothing.
_DERIVED = ("in_coins", "in_common_p")


def cache_root() -> Path:
    """``<user cache>/graphs`` (``$FAIRBID_GRAPH_CACHE`` overrides it)."""
    env = os.environ.get("FAIRBID_GRAPH_CACHE")
    if env:
        return Path(env)
    from fairbid.influence.datasets import cache_dir

    return cache_dir() / "graphs"


def file_key(path: Path, weights: str, directed: bool, seed: Any) -> str:
    """Key of ``path`` under a weight scheme: size, mtime_ns and a SHA-256 hash of the bytes (hardware-accelerated: 0.02 s for 40 MB)."""
    st = path.stat()
    h = hashlib.sha256()
    h.update(f"v{FORMAT}|{st.st_size}|{st.st_mtime_ns}|{weights}|{directed}|{seed}|".encode())
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def _check(name: str, a: np.ndarray, n: int, m: int) -> bool:
    """CSR invariants of one array (shape/dtype are checked against meta.json before)."""
    if name in ("indptr", "in_indptr"):
        return a.shape == (n + 1,) and a[0] == 0 and a[-1] == m and not (n and np.any(a[1:] < a[:-1]))
    if name in ("indices", "in_indices"):
        return a.shape == (m,) and not (m and (a.min() < 0 or a.max() >= n))
    if name in ("weights", "in_weights"):
        return a.shape == (m,) and not (m and not (a.min() >= 0.0 and a.max() <= 1.0))
    if name == "in_common_p":
        return a.shape == (n,) and not (n and not (a.min() >= -1.0 and a.max() <= 1.0))
    return a.shape == ((m,) if name == "in_coins" else (n,))


def _release(a: np.ndarray) -> None:
    """Drop the pages validation touched from this process's resident set (they stay in the page cache)."""
    mm = getattr(a, "_mmap", None)
    if mm is not None and hasattr(mm, "madvise") and hasattr(mmap, "MADV_DONTNEED"):
        try:
            mm.madvise(mmap.MADV_DONTNEED)
        except (OSError, ValueError):
            pass


def load_cached(key: str, root: Path | None = None) -> Graph | None:
    """The cached graph for ``key``, or None when absent, stale or corrupt."""
    d = (root or cache_root()) / key
    try:
        meta = json.loads((d / "meta.json").read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT or meta.get("key") != key:
            return None
        n, m = int(meta["n"]), int(meta["m"])
        arrays = {}
        for a in _ARRAYS + _DERIVED:
            arr = np.load(d / f"{a}.npy", mmap_mode="r", allow_pickle=False)
            if str(arr.dtype) != meta["dtypes"][a] or list(arr.shape) != meta["shapes"][a] or not _check(a, arr, n, m):
                return None
            _release(arr)  # one array at a time, so checking never holds the whole graph resident
            arrays[a] = arr
    except (OSError, ValueError, KeyError, TypeError, EOFError):
        return None
    derived = {a: arrays.pop(a) for a in _DERIVED}
    graph = Graph(n=n, m=m, labels=arrays.pop("labels"), directed=bool(meta["directed"]),
                  weight_scheme=meta["scheme"], name=meta["name"], **arrays)
    graph.__dict__.update(derived)  # fill the cached properties
    return graph


def store(key: str, graph: Graph, root: Path | None = None) -> bool:
    """Write ``graph`` under ``key`` (atomic: a temporary directory renamed into place). True on success."""
    if graph.labels.dtype.kind not in "iu":  # object labels cannot be memory-mapped
        return False
    root = root or cache_root()
    target = root / key
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{key}.", dir=root))
        meta = {"format": FORMAT, "key": key, "n": graph.n, "m": graph.m, "directed": graph.directed,
                "scheme": graph.weight_scheme, "name": graph.name, "dtypes": {}, "shapes": {}}
        for a in _ARRAYS + _DERIVED:
            arr = np.ascontiguousarray(getattr(graph, a))
            np.save(tmp / f"{a}.npy", arr, allow_pickle=False)
            meta["dtypes"][a] = str(arr.dtype)
            meta["shapes"][a] = list(arr.shape)
        (tmp / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
        if target.exists():
            shutil.rmtree(target, ignore_errors=True)
        os.replace(tmp, target)
        return True
    except OSError:
        shutil.rmtree(locals().get("tmp", root / ".none"), ignore_errors=True)
        return False


def cached_load(path: Path, weights: str, directed: bool, seed: Any, build: Callable[[], Graph]) -> Graph:
    """Load ``path`` through the cache: map the stored CSR if valid, else ``build()`` and store it."""
    if os.environ.get("FAIRBID_NO_GRAPH_CACHE"):
        return build()
    try:
        if path.suffix == ".gz" or path.stat().st_size < MIN_BYTES:
            return build()
    except OSError:
        return build()
    try:
        key = file_key(path, weights, directed, seed)
    except OSError:
        return build()
    graph = load_cached(key)
    if graph is not None:
        return graph
    graph = build()
    store(key, graph)
    return graph
