"""One entry point for graphs: dataset names, edge-list paths, synthetic specs, networkx graphs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from fairbid.core.errors import FairbidError
from fairbid.core.rng import SeedLike
from fairbid.influence.datasets import REGISTRY, dataset_path, get_dataset
from fairbid.influence.graph import Graph, from_edges, from_networkx
from fairbid.influence.io import read_edge_list
from fairbid.influence.synthetic import is_spec, synthetic_edges

_CACHE: dict[tuple, Graph] = {}


def load_graph(
    source: Any,
    *,
    directed: bool | None = None,
    weights: Any = "wc",
    seed: SeedLike = None,
    cache: bool = True,
) -> Graph:
    """Load a :class:`Graph` from a dataset name, an edge-list path, a synthetic spec or networkx.

    Parameters
    ----------
    source : str, path or networkx graph
        ``"facebook"`` (any registered dataset, see :mod:`fairbid.influence.datasets`), a path to
        an edge list (``u v`` or ``u v w`` per line, ``#`` comments, ``.gz`` allowed), a spec
        ``"synthetic:powerlaw:N:M:SEED"``, or a networkx (Di)Graph.
    directed : bool, optional
        Override directedness. Default: the dataset's own; synthetic graphs are directed; edge-list
        paths are read as directed; networkx graphs follow ``is_directed()``.
    weights : str or array
        ``"wc"`` (default), ``"uniform:p"``, ``"trivalency"``, ``"column"`` or an array.
    seed : int, optional
        Seed for random weight schemes (``trivalency``).
    cache : bool
        Reuse a graph already loaded in this process with the same arguments (graphs are frozen).

    Examples
    --------
    >>> g = load_graph("synthetic:gnm:50:200:1")
    >>> (g.n, g.m, g.directed)
    (50, 200, True)
    """
    if hasattr(source, "is_directed") and hasattr(source, "edges"):
        g = source.to_directed() if directed and not source.is_directed() else source
        if directed is False and g.is_directed():
            g = g.to_undirected()
        return from_networkx(g, weights=weights, seed=seed)
    key = None
    if cache and isinstance(weights, str) and isinstance(source, (str, os.PathLike)):
        key = (str(source), directed, weights, None if seed is None else str(seed))
        if key in _CACHE:
            return _CACHE[key]
    graph = _load_uncached(source, directed, weights, seed)
    if key is not None and (seed is not None or weights != "trivalency"):
        _CACHE[key] = graph
    return graph


def _load_uncached(source: Any, directed: bool | None, weights: Any, seed: SeedLike) -> Graph:
    if is_spec(source):
        src, dst, n = synthetic_edges(source)
        import numpy as np

        return from_edges(src, dst, directed=True if directed is None else directed, weights=weights,
                          labels=np.arange(n, dtype=np.int64), seed=seed, name=source)
    if isinstance(source, str) and source.lower() in REGISTRY:
        ds = get_dataset(source)
        path = dataset_path(source)
        return _from_file(path, ds.directed if directed is None else directed, weights, seed, ds.name)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.exists():
            raise FairbidError(
                "graph", f"neither a dataset ({', '.join(REGISTRY)}), a synthetic: spec nor an existing file",
                str(source),
            )
        return _from_file(path, True if directed is None else directed, weights, seed, path.name)
    raise FairbidError("graph", "must be a dataset name, a path, a synthetic spec or a networkx graph",
                       type(source).__name__)


def _from_file(path: Path, directed: bool, weights: Any, seed: SeedLike, name: str) -> Graph:
    """Parse ``path`` once; later loads map the binary CSR cache (:mod:`fairbid.influence.graphcache`)."""
    if isinstance(weights, str) and not (weights == "trivalency" and seed is None):
        from fairbid.influence.graphcache import cached_load

        # Only random weight schemes depend on the seed; keying others by it would duplicate entries.
        key_seed = str(seed) if weights == "trivalency" else None
        return cached_load(Path(path), f"{weights}|{name}", directed, key_seed,
                           lambda: _parse_file(path, directed, weights, seed, name))
    return _parse_file(path, directed, weights, seed, name)


def _parse_file(path: Path, directed: bool, weights: Any, seed: SeedLike, name: str) -> Graph:
    src, dst, column = read_edge_list(path)
    if isinstance(weights, str) and weights == "column" and column is not None:
        _check_column(path, column)
    return from_edges(src, dst, directed=directed, weights=weights, column=column, seed=seed, name=name)


def _check_column(path: Path, column: Any) -> None:
    import numpy as np

    bad = ~((column >= 0.0) & (column <= 1.0))
    if not bad.any():
        return
    edge = int(np.argmax(bad))
    from fairbid.influence.io import read_text

    seen = -1
    for lineno, line in enumerate(read_text(path).splitlines(), start=1):
        parts = line.split()
        if parts and not parts[0].startswith("#"):
            seen += 1
            if seen == edge:
                raise FairbidError(f"{path} line {lineno}", "edge probability must lie in [0, 1]", float(column[edge]))
