"""Synthetic graphs named by spec strings, e.g. ``synthetic:powerlaw:100000:1000000:7``.

Specs
-----
``synthetic:powerlaw:N:M:SEED[:GAMMA]``
    Directed power-law graph with exactly ``N`` nodes and ``M`` distinct edges, no self-loops.
    Each node gets an out-weight and (independently permuted) in-weight ``(rank)^(-1/(GAMMA-1))``
    (GAMMA = 2.5 by default), so expected degrees follow a power law with exponent GAMMA; edge
    endpoints are drawn in proportion to these weights (the expected-degree / Chung-Lu form of
    the configuration model), self-loops and duplicates are discarded and replaced by fresh
    draws until ``M`` distinct edges exist.
``synthetic:gnm:N:M:SEED``
    Directed Erdos-Renyi G(N, M): ``M`` distinct edges drawn uniformly.
"""

from __future__ import annotations

import numpy as np

from fairbid.core.errors import FairbidError
from fairbid.core.rng import as_generator

DEFAULT_SPEC = "synthetic:powerlaw:100000:1000000:7"
KINDS = ("powerlaw", "gnm")


def parse_spec(spec: str) -> tuple[str, int, int, int, float]:
    """Split a spec into ``(kind, N, M, SEED, GAMMA)``; FairbidError when malformed."""
    parts = spec.split(":")
    if len(parts) not in (5, 6) or parts[0] != "synthetic":
        raise FairbidError("graph", "synthetic spec must be synthetic:KIND:N:M:SEED[:GAMMA]", spec)
    kind = parts[1]
    if kind not in KINDS:
        raise FairbidError("graph", f"unknown synthetic kind; choose one of {', '.join(KINDS)}", kind)
    try:
        n, m, seed = int(parts[2]), int(parts[3]), int(parts[4])
        gamma = float(parts[5]) if len(parts) == 6 else 2.5
    except ValueError:
        raise FairbidError("graph", "N, M and SEED must be integers (GAMMA a number)", spec) from None
    if n < 2 or m < 1 or seed < 0:
        raise FairbidError("graph", "need N >= 2, M >= 1, SEED >= 0", spec)
    if m > n * (n - 1) // 2:
        raise FairbidError("graph", "M is too large for N (at most N(N-1)/2 edges)", spec)
    if gamma <= 2.0:
        raise FairbidError("graph", "GAMMA must exceed 2", gamma)
    need = estimated_bytes(n, m)
    avail = available_memory()
    if avail is not None and need > avail:
        raise FairbidError("graph", f"N={n}, M={m} needs about {need / 2**30:.1f} GiB but only "
                                    f"{avail / 2**30:.1f} GiB of memory is available; use smaller sizes", spec)
    return kind, n, m, seed, gamma


def estimated_bytes(n: int, m: int) -> int:
    """Rough peak bytes to generate and hold a graph with ``n`` nodes, ``m`` edges.

    Generation holds int64 endpoint pairs with oversampling (~64 B per edge) and the graph its two
    CSRs (indptr int64 x2, indices int32 x2, weights float64 x2 = 24 B per edge + 16 B per node), plus
    node labels and degrees (~24 B per node): 100 B per edge and 48 B per node keeps a margin.
    """
    return 100 * m + 48 * n


def available_memory() -> int | None:
    """Bytes of memory available to this process (``MemAvailable``, capped by RLIMIT_AS), or None."""
    avail = None
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    avail = int(line.split()[1]) * 1024
                    break
    except OSError:
        pass
    try:
        import resource

        soft = resource.getrlimit(resource.RLIMIT_AS)[0]
        if soft != resource.RLIM_INFINITY:
            avail = soft if avail is None else min(avail, soft)
    except (ImportError, ValueError, OSError):
        pass
    return avail


def synthetic_edges(spec: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Edges ``(src, dst)`` (internal ids 0..N-1, sorted by (src, dst)) and ``N`` for a spec."""
    kind, n, m, seed, gamma = parse_spec(spec)
    rng = as_generator(seed)
    if kind == "gnm":
        return (*_distinct_edges(rng, n, m, None, None), n)
    ranks = np.arange(1, n + 1, dtype=np.float64) ** (-1.0 / (gamma - 1.0))
    p_out = ranks[rng.permutation(n)]
    p_in = ranks[rng.permutation(n)]
    return (*_distinct_edges(rng, n, m, p_out / p_out.sum(), p_in / p_in.sum()), n)


def _distinct_edges(
    rng: np.random.Generator, n: int, m: int, p_out: np.ndarray | None, p_in: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray]:
    keys = np.zeros(0, dtype=np.int64)
    for _ in range(200):
        need = m - keys.size
        if need <= 0:
            break
        draw = int(need * 1.1) + 16
        src = _draw(rng, n, draw, p_out)
        dst = _draw(rng, n, draw, p_in)
        new = (src * n + dst)[src != dst]
        keys = np.concatenate([keys, _unique_in_order(new[~np.isin(new, keys)])])
    else:  # pragma: no cover - only for absurdly dense power-law specs
        raise FairbidError("graph", "could not draw enough distinct edges; lower M", m)
    keys = np.sort(keys[:m])
    return keys // n, keys % n


def _draw(rng: np.random.Generator, n: int, size: int, p: np.ndarray | None) -> np.ndarray:
    """``size`` iid draws from ``p`` (uniform when None), in random order.

    Counts per node come from one multinomial draw, which is much faster than ``size`` binary
    searches into a million-entry CDF; a random permutation then gives iid order.
    """
    if p is None:
        return rng.integers(0, n, size=size, dtype=np.int64)
    counts = rng.multinomial(size, p)
    return rng.permutation(np.repeat(np.arange(n, dtype=np.int64), counts))


def _unique_in_order(keys: np.ndarray) -> np.ndarray:
    # Keep draw order so truncating to M does not bias towards small ids.
    _, first = np.unique(keys, return_index=True)
    return keys[np.sort(first)]


def is_spec(source: object) -> bool:
    """Whether ``source`` is a synthetic spec string."""
    return isinstance(source, str) and source.startswith("synthetic:")

