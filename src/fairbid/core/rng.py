"""Random-number handling: every random thing in fairbid takes a ``seed``.

A ``seed`` may be ``None`` (fresh entropy), an int, a :class:`numpy.random.SeedSequence` or a
:class:`numpy.random.Generator`. Nothing in fairbid touches numpy's global RNG state.
"""

from __future__ import annotations

from typing import TypeAlias

import numpy as np

from fairbid.core.errors import FairbidError

SeedLike: TypeAlias = "int | np.random.SeedSequence | np.random.Generator | None"


def as_generator(seed: "SeedLike") -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``seed``.

    A Generator passes through unchanged (so callers can share a stream on purpose).

    Examples
    --------
    >>> bool(as_generator(7).integers(100) == as_generator(7).integers(100))
    True
    """
    if isinstance(seed, np.random.Generator):
        return seed
    return np.random.default_rng(as_seed_sequence(seed))


def as_seed_sequence(seed: "SeedLike") -> np.random.SeedSequence:
    """Return a :class:`numpy.random.SeedSequence` for ``seed``.

    A Generator is turned into a SeedSequence by drawing entropy from it, which advances it.
    """
    if isinstance(seed, np.random.SeedSequence):
        return seed
    if isinstance(seed, np.random.Generator):
        return np.random.SeedSequence(seed.integers(0, 2**63 - 1, size=4).tolist())
    if seed is None:
        return np.random.SeedSequence()
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise FairbidError("seed", "must be a non-negative integer", seed)
    return np.random.SeedSequence(int(seed))


def spawn(seed: "SeedLike", n: int) -> list[np.random.SeedSequence]:
    """Return ``n`` independent child seed sequences of ``seed`` (one per replicate or task).

    The i-th child depends only on ``seed`` and ``i``, never on how tasks are scheduled.
    """
    return as_seed_sequence(seed).spawn(n)


def seed_int(seed: "SeedLike") -> int:
    """Return a 63-bit integer derived from ``seed`` (for numba kernels and libraries that want ints)."""
    return int(as_seed_sequence(seed).generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
