"""Auction mechanisms of seed 004, vectorized over batches of auctions.

Every mechanism maps a bid matrix of shape ``(batch, N)`` (one row per auction) to an
:class:`Outcome`: the winner of each auction (``-1`` when nothing is sold) and the winner's payment.

==========================  =====================================================================
:class:`FirstPrice`         highest bid at or above the reserve wins and pays its bid (Def. 1)
:class:`SecondPrice`        highest bid at or above the reserve wins and pays max(second bid,
                            reserve) (Def. 2 with the reserve rule of §III)
:class:`EqualPossible`      Equal-Possible (Def. 3): one bidder is drawn with probability 1/N
                            (or q_i / Σ q_j with quality scores, footnote 5); she wins and pays
                            the reserve r if her bid is at least r, else nothing is sold
:class:`Mixture`            probabilistic mechanism (§IV-A): per auction, component j runs with
                            probability λ_j
==========================  =====================================================================

pFP(r1, r2, λ) and pSP(r1, r2, λ) are the mixtures FP(r1)/SP(r1) with probability 1 − λ and EP(r2)
with probability λ (Defs. 4–5: λ̄ = (1 − λ, λ) over (classical, EP); r1 is the reserve of the classical
part, r2 that of EP). Ties between equal highest bids go to the lowest index; under a continuous value
distribution they have probability zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from fairbid.auctions.spec import MechanismSpec
from fairbid.core.errors import FairbidError, check_choice, check_float, check_probability
from fairbid.core.rng import SeedLike, as_generator

EP_POOLS = ("all", "eligible")


@dataclass(frozen=True)
class Outcome:
    """Result of a batch of auctions.

    Parameters
    ----------
    winner : ndarray of int64, shape (batch,)
        Index of the winning bidder, or ``-1`` when the object is not sold.
    payment : ndarray of float, shape (batch,)
        What the winner pays (0 when nothing is sold).
    component : ndarray of int64, shape (batch,)
        For a :class:`Mixture`, the index of the component that ran; 0 for a simple mechanism.
    """

    winner: np.ndarray
    payment: np.ndarray
    component: np.ndarray

    @property
    def batch(self) -> int:
        return int(self.winner.shape[0])

    @property
    def revenue(self) -> np.ndarray:
        """Seller revenue per auction (the winner's payment)."""
        return self.payment

    def allocation(self, n: int) -> np.ndarray:
        """Per-bidder allocation, shape ``(batch, n)``: 1.0 for the winner, else 0.0.

        Examples
        --------
        >>> out = FirstPrice().run(np.array([[0.2, 0.7], [0.5, 0.1]]))
        >>> out.allocation(2).tolist()
        [[0.0, 1.0], [1.0, 0.0]]
        """
        alloc = np.zeros((self.batch, n))
        sold = self.winner >= 0
        alloc[np.flatnonzero(sold), self.winner[sold]] = 1.0
        return alloc

    def payments(self, n: int) -> np.ndarray:
        """Per-bidder payments, shape ``(batch, n)``: the winner's payment, 0 for everyone else."""
        pay = np.zeros((self.batch, n))
        sold = self.winner >= 0
        pay[np.flatnonzero(sold), self.winner[sold]] = self.payment[sold]
        return pay


class Mechanism(Protocol):
    """Anything with ``run(bids, seed) -> Outcome`` and ``components()``."""

    def run(self, bids: Any, seed: SeedLike = None) -> Outcome: ...

    def components(self) -> list[tuple[float, "Mechanism"]]: ...


def validate_bids(bids: Any) -> np.ndarray:
    """Return ``bids`` as a float ``(batch, N)`` array, or raise :class:`FairbidError` naming ``bids``.

    A 1-D array is one auction. Bids must be finite, non-negative numbers.

    Examples
    --------
    >>> validate_bids([0.1, 0.2]).shape
    (1, 2)
    >>> validate_bids([[0.1, -1.0]])
    Traceback (most recent call last):
    ...
    fairbid.core.errors.FairbidError: bids: must be non-negative (entry (0, 1)) (got -1.0)
    """
    try:
        arr = np.asarray(bids, dtype=float)
    except (TypeError, ValueError):
        raise FairbidError("bids", "must be numeric", bids) from None
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] < 1:
        raise FairbidError("bids", "must have shape (batch, N) with N >= 1", f"shape {arr.shape}")
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise FairbidError("bids", f"must be finite numbers, not NaN or inf (entry {idx})", float(arr[idx]))
    neg = arr < 0
    if neg.any():
        idx = tuple(int(i) for i in np.argwhere(neg)[0])
        raise FairbidError("bids", f"must be non-negative (entry {idx})", float(arr[idx]))
    return arr


def _eligible_max(bids: np.ndarray, reserve: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Masked bids (−inf below the reserve), the highest bidder (−1 if none) and her bid."""
    masked = np.where(bids >= reserve, bids, -np.inf)
    winner = np.argmax(masked, axis=1)
    top = np.take_along_axis(masked, winner[:, None], axis=1)[:, 0]
    winner = np.where(np.isfinite(top), winner, -1).astype(np.int64)
    return masked, winner, top


@dataclass(frozen=True)
class FirstPrice:
    """First price with reserve (Def. 1): the highest bid >= reserve wins and pays its bid.

    Examples
    --------
    >>> out = FirstPrice(0.3).run([[0.2, 0.6, 0.5], [0.1, 0.2, 0.25]])
    >>> out.winner.tolist(), out.payment.tolist()
    ([1, -1], [0.6, 0.0])
    """

    reserve: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "reserve", check_float("reserve", self.reserve, 0.0))

    def run(self, bids: Any, seed: SeedLike = None) -> Outcome:
        b = validate_bids(bids)
        _, winner, top = _eligible_max(b, self.reserve)
        payment = np.where(winner >= 0, top, 0.0)
        return Outcome(winner, payment, np.zeros_like(winner))

    def components(self) -> list[tuple[float, Any]]:
        return [(1.0, self)]


@dataclass(frozen=True)
class SecondPrice:
    """Second price with reserve (Def. 2): the highest bid >= reserve wins, pays max(second bid, reserve).

    Examples
    --------
    >>> out = SecondPrice(0.3).run([[0.2, 0.6, 0.5], [0.1, 0.4, 0.25]])
    >>> out.winner.tolist(), out.payment.tolist()
    ([1, 1], [0.5, 0.3])
    """

    reserve: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "reserve", check_float("reserve", self.reserve, 0.0))

    def run(self, bids: Any, seed: SeedLike = None) -> Outcome:
        b = validate_bids(bids)
        masked, winner, _ = _eligible_max(b, self.reserve)
        if b.shape[1] >= 2:
            second = np.partition(masked, b.shape[1] - 2, axis=1)[:, -2]
        else:
            second = np.full(b.shape[0], -np.inf)
        payment = np.where(winner >= 0, np.maximum(second, self.reserve), 0.0)
        return Outcome(winner, payment, np.zeros_like(winner))

    def components(self) -> list[tuple[float, Any]]:
        return [(1.0, self)]


@dataclass(frozen=True)
class EqualPossible:
    """Equal-Possible with reserve (Def. 3) and optional quality-score weights (footnote 5).

    Parameters
    ----------
    reserve : float
        The price r the drawn bidder pays.
    weights : array-like, optional
        Quality scores q_i >= 0, shape ``(N,)`` or ``(batch, N)``; bidder i is drawn with probability
        q_i / Σ_j q_j. Default: equal (1/N), the seed's Definition 3.
    pool : {"all", "eligible"}
        ``"all"`` (default, Definition 3 and Eqs. 6–10): the draw is over all N bidders and the drawn
        bidder wins only if her bid is at least r, so a bidder at/above r wins with probability 1/N.
        ``"eligible"``: the draw is over the bidders whose bid is at least r only (an alternative
        reading; every auction with an eligible bidder sells). The seed's closed forms assume ``"all"``.

    Examples
    --------
    >>> out = EqualPossible(0.2).run([[0.5, 0.1, 0.3]] * 4, seed=1)
    >>> sorted(set(out.payment.tolist()) - {0.0})
    [0.2]
    """

    reserve: float = 0.0
    weights: Any = field(default=None, compare=False)
    pool: str = "all"

    def __post_init__(self) -> None:
        object.__setattr__(self, "reserve", check_float("reserve", self.reserve, 0.0))
        check_choice("pool", self.pool, EP_POOLS)
        if self.weights is not None:
            w = np.asarray(self.weights, dtype=float)
            if w.ndim not in (1, 2) or np.isnan(w).any() or (w < 0).any() or not np.isfinite(w).all():
                raise FairbidError("weights", "must be finite, non-negative quality scores", self.weights)
            object.__setattr__(self, "weights", w)

    def _probabilities(self, b: np.ndarray) -> np.ndarray:
        w = np.ones(b.shape) if self.weights is None else np.broadcast_to(self.weights, b.shape).astype(float)
        if self.weights is not None and self.weights.shape[-1] != b.shape[1]:
            raise FairbidError("weights", f"must have one score per bidder ({b.shape[1]})", self.weights.shape)
        if self.pool == "eligible":
            w = np.where(b >= self.reserve, w, 0.0)
        total = w.sum(axis=1, keepdims=True)
        if self.pool == "all" and (total <= 0).any():
            raise FairbidError("weights", "must have a positive sum in every auction", self.weights)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, w / np.where(total > 0, total, 1.0), 0.0)

    def run(self, bids: Any, seed: SeedLike = None) -> Outcome:
        b = validate_bids(bids)
        batch, n = b.shape
        u = as_generator(seed).random(batch)
        if self.weights is None and self.pool == "all":
            drawn = np.minimum((u * n).astype(np.int64), n - 1)
        else:
            cum = np.cumsum(self._probabilities(b), axis=1)
            # Count cumulative probabilities <= u: inverse-cdf draw, vectorized over rows.
            drawn = np.minimum((cum <= u[:, None] * cum[:, -1:]).sum(axis=1), n - 1).astype(np.int64)
            drawn = np.where(cum[:, -1] > 0, drawn, -1)
        ok = drawn >= 0
        ok[ok] = b[np.flatnonzero(ok), drawn[ok]] >= self.reserve
        winner = np.where(ok, drawn, -1).astype(np.int64)
        payment = np.where(ok, self.reserve, 0.0)
        return Outcome(winner, payment, np.zeros_like(winner))

    def components(self) -> list[tuple[float, Any]]:
        return [(1.0, self)]


@dataclass(frozen=True)
class Mixture:
    """Probabilistic mechanism (M_1, ..., M_M; λ̄) of §IV-A: per auction, run M_j with probability λ_j.

    Parameters
    ----------
    parts : sequence of (probability, mechanism)
        Probabilities must be non-negative and sum to 1 (within 1e-9).

    Examples
    --------
    >>> mix = Mixture([(1.0, SecondPrice(0.1)), (0.0, EqualPossible(0.0))])
    >>> mix.run([[0.3, 0.2]], seed=0).payment.tolist()
    [0.2]
    """

    parts: tuple[tuple[float, Any], ...]

    def __post_init__(self) -> None:
        parts = tuple((check_probability("lambda", p), m) for p, m in self.parts)
        if not parts:
            raise FairbidError("mixture", "needs at least one component", [])
        total = sum(p for p, _ in parts)
        if abs(total - 1.0) > 1e-9:
            raise FairbidError("mixture", "probabilities must sum to 1", total)
        object.__setattr__(self, "parts", parts)

    def run(self, bids: Any, seed: SeedLike = None) -> Outcome:
        b = validate_bids(bids)
        rng = as_generator(seed)
        probs = np.array([p for p, _ in self.parts])
        # Inverse-cdf choice of the component, one uniform per auction.
        choice = np.searchsorted(np.cumsum(probs)[:-1], rng.random(b.shape[0]), side="right")
        winner = np.full(b.shape[0], -1, dtype=np.int64)
        payment = np.zeros(b.shape[0])
        for j, (_, mech) in enumerate(self.parts):
            rows = np.flatnonzero(choice == j)
            if rows.size:
                out = mech.run(b[rows], rng)
                winner[rows] = out.winner
                payment[rows] = out.payment
        return Outcome(winner, payment, choice.astype(np.int64))

    def components(self) -> list[tuple[float, Any]]:
        """Flattened ``[(probability, simple mechanism), ...]`` (nested mixtures multiplied out)."""
        flat: list[tuple[float, Any]] = []
        for p, mech in self.parts:
            flat.extend((p * q, m) for q, m in mech.components())
        return flat


_SIMPLE = {"fp": FirstPrice, "sp": SecondPrice, "ep": EqualPossible}


def pfp(r1: float, r2: float, lam: float) -> Mixture:
    """pFP(r1, r2, λ) (Def. 4): FP(r1) with probability 1 − λ, EP(r2) with probability λ."""
    return from_spec(MechanismSpec.pfp(r1, r2, lam))


def psp(r1: float, r2: float, lam: float) -> Mixture:
    """pSP(r1, r2, λ) (Def. 5): SP(r1) with probability 1 − λ, EP(r2) with probability λ."""
    return from_spec(MechanismSpec.psp(r1, r2, lam))


def from_spec(spec: "MechanismSpec | Any", *, ep_pool: str = "all") -> Any:
    """The runnable mechanism for a :class:`MechanismSpec` (mechanism objects pass through).

    pFP/pSP always become a two-part :class:`Mixture` (classical, EP), even when λ is 0 or 1, so
    ``Outcome.component`` is 0 for the classical part and 1 for EP.

    Examples
    --------
    >>> from_spec(MechanismSpec.psp(0.4, 0.1, 0.2)).parts[1][0]
    0.2
    """
    if not isinstance(spec, MechanismSpec):
        if hasattr(spec, "run") and hasattr(spec, "components"):
            return spec
        raise FairbidError("mechanism", "must be a MechanismSpec or a mechanism object", spec)

    def simple(kind: str, reserve: float) -> Any:
        return EqualPossible(reserve, pool=ep_pool) if kind == "ep" else _SIMPLE[kind](reserve)

    if not spec.is_probabilistic:
        return simple(spec.kind, spec.reserve)
    assert spec.lam is not None and spec.r1 is not None and spec.r2 is not None
    return Mixture(((1.0 - spec.lam, simple(spec.classical, spec.r1)), (spec.lam, simple("ep", spec.r2))))


def run_auctions(mechanism: "MechanismSpec | Any", bids: Any, seed: SeedLike = None) -> Outcome:
    """Run ``mechanism`` (a spec or mechanism object) on a ``(batch, N)`` bid matrix."""
    return from_spec(mechanism).run(bids, seed)


def flat_components(mechanism: "MechanismSpec | Any") -> list[tuple[float, str, float, str]]:
    """The mechanism as ``[(probability, kind, reserve, ep_pool), ...]`` over fp/sp/ep parts.

    Raises
    ------
    FairbidError
        For an Equal-Possible part with quality-score weights (its payoff depends on the bidder's
        identity, which the symmetric analyses here do not model).
    """
    out = []
    for p, mech in from_spec(mechanism).components():
        if isinstance(mech, FirstPrice):
            out.append((p, "fp", mech.reserve, "all"))
        elif isinstance(mech, SecondPrice):
            out.append((p, "sp", mech.reserve, "all"))
        elif isinstance(mech, EqualPossible):
            if mech.weights is not None:
                raise FairbidError("mechanism", "weighted Equal-Possible has no symmetric analysis", "weights")
            out.append((p, "ep", mech.reserve, mech.pool))
        else:
            raise FairbidError("mechanism", "unknown component", type(mech).__name__)
    return out


def mixture_of(parts: Sequence[tuple[float, Any]]) -> Mixture:
    """A :class:`Mixture` from ``[(probability, spec-or-mechanism), ...]``."""
    return Mixture(tuple((p, from_spec(m)) for p, m in parts))
