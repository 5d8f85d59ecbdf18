"""Counter-based random streams for numba kernels: one SplitMix64 stream per (seed, simulation).

SplitMix64 (Steele, Lea, Flood, OOPSLA 2014) passes BigCrush, needs one 64-bit word of state and
is a few instructions per draw. Simulation ``i`` of a run with base seed ``b`` starts from
``mix(b + mix(i + 1))``, so its draws depend only on ``(b, i)``: results do not depend on how
simulations are chunked, scheduled, or spread over workers.
"""

from __future__ import annotations

import numpy as np
from numba import njit

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
MUL1 = np.uint64(0xBF58476D1CE4E5B9)
MUL2 = np.uint64(0x94D049BB133111EB)
S30 = np.uint64(30)
S27 = np.uint64(27)
S31 = np.uint64(31)
S11 = np.uint64(11)
INV53 = 1.0 / 9007199254740992.0  # 2**-53


@njit(cache=True, inline="always")
def mix64(z: np.uint64) -> np.uint64:
    """The SplitMix64 output function (a bijection of 64-bit words)."""
    z = (z ^ (z >> S30)) * MUL1
    z = (z ^ (z >> S27)) * MUL2
    return z ^ (z >> S31)


@njit(cache=True, inline="always")
def stream_state(base: np.uint64, index: np.int64) -> np.uint64:
    """Initial state of stream ``index`` under base seed ``base``."""
    return mix64(base + mix64(np.uint64(index) + np.uint64(1)))


@njit(cache=True, inline="always")
def next_uniform(state: np.ndarray) -> float:
    """Advance ``state`` (a 1-element uint64 array) and return a uniform draw in [0, 1)."""
    state[0] += GOLDEN
    return np.float64(mix64(state[0]) >> S11) * INV53


def base_seed(seed_int_value: int) -> np.uint64:
    """A kernel base seed from a non-negative Python int."""
    return np.uint64(int(seed_int_value) & 0xFFFFFFFFFFFFFFFF)


MASK32 = np.uint64(0xFFFFFFFF)
S32 = np.uint64(32)


@njit(cache=True, inline="always")
def start_stream(state: np.ndarray, base: np.uint64, index: np.int64) -> None:
    """Reset ``state`` (3-element uint64 array: counter, buffered word, flag) to stream ``index``."""
    state[0] = stream_state(base, index)
    state[1] = np.uint64(0)
    state[2] = np.uint64(0)


@njit(cache=True, inline="always")
def next_u32(state: np.ndarray) -> np.uint64:
    """A uniform 32-bit integer; each 64-bit output serves two calls (halves the cost of a coin)."""
    if state[2] == np.uint64(0):
        state[0] += GOLDEN
        word = mix64(state[0])
        state[1] = word
        state[2] = np.uint64(1)
        return word & MASK32
    state[2] = np.uint64(0)
    return state[1] >> S32


def coin_thresholds(p: np.ndarray) -> np.ndarray:
    """Integer thresholds ``ceil(p * 2^32)`` so that ``next_u32 < t`` has probability ``p`` (+ < 2^-32).

    ``p = 0`` never succeeds and ``p = 1`` always does.
    """
    return np.ceil(np.asarray(p, dtype=np.float64) * 4294967296.0).astype(np.uint64)


S1 = np.uint64(1)


def pack_edges(targets: np.ndarray, p: np.ndarray) -> np.ndarray:
    """One uint64 per edge: ``ceil(p * 2^31) << 32 | target``.

    A coin then costs one memory access: it succeeds when ``(next_u32 >> 1) < (packed >> 32)``,
    with probability ``ceil(p 2^31) / 2^31`` (within 2^-31 of ``p``; exactly 0 for ``p = 0`` and
    exactly 1 for ``p = 1``).
    """
    coin = np.ceil(np.asarray(p, dtype=np.float64) * 2147483648.0).astype(np.uint64)
    return (coin << np.uint64(32)) | np.asarray(targets).astype(np.uint64)
