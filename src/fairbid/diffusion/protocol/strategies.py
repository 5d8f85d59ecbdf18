"""Agent strategies for the distributed SRA: the intended strategy and deviations.

A strategy decides the four kinds of action of the seed (§4.1): information revelation (bid and
invitations), message passing (to which inviters the aggregated bid goes), computation (how bids are
aggregated) and, beyond the seed, tampering with the public ledger. Subclass :class:`Strategy` and
override a method to plug in any other behaviour.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Strategy:
    """The intended strategy (truthful bid, invite everyone, one random inviter, max aggregation).

    Parameters
    ----------
    bid_value : float, optional
        Misreported bid (also used in the keep-or-resell decision of Eq. 1); default: true value.
    invite : iterable of str, optional
        Invite only these neighbours (intersected with the candidates); default: all.
    send_to : {"one", "all", "none"}
        Send the aggregated bid to one random inviter (intended), to all inviters, or to none.
    aggregation : {"max", "own", "second", "scaled", "constant"}
        ``max`` of own bid and received bids (intended); ``own`` ignores received bids; ``second``
        drops the highest received bid; ``scaled`` multiplies the max by ``factor``; ``constant``
        reports ``factor``.
    factor : float
        Parameter of ``scaled`` / ``constant``.
    tamper_price : float, optional
        After buying, overwrite the price of her own purchase record in the ledger by this amount
        added (negative = claims she paid less).
    """

    bid_value: float | None = None
    invite: Iterable[str] | None = None
    send_to: str = "one"
    aggregation: str = "max"
    factor: float = 1.0
    tamper_price: float | None = None
    label: str = field(default="", compare=False)

    def describe(self) -> str:
        """Short text naming the deviation (``intended`` when there is none)."""
        if self.label:
            return self.label
        parts = []
        if self.bid_value is not None:
            parts.append(f"bid {self.bid_value:.6g}")
        if self.invite is not None:
            parts.append(f"invite only {sorted(self.invite)}")
        if self.send_to != "one":
            parts.append(f"send aggregated bid to {self.send_to} inviters")
        if self.aggregation != "max":
            parts.append(f"aggregate '{self.aggregation}'" + (f" ({self.factor:g})" if self.aggregation in
                                                               ("scaled", "constant") else ""))
        if self.tamper_price is not None:
            parts.append(f"tamper ledger price by {self.tamper_price:+.6g}")
        return "; ".join(parts) or "intended"

    # ------------------------------------------------------------------ actions
    def bid(self, value: float) -> float:
        return value if self.bid_value is None else float(self.bid_value)

    def keep_value(self, value: float) -> float:
        return self.bid(value)

    def invitees(self, candidates: tuple[str, ...]) -> tuple[str, ...]:
        if self.invite is None:
            return candidates
        allowed = set(self.invite)
        return tuple(c for c in candidates if c in allowed)

    def parents(self, inviters: tuple[str, ...], fixed: str | None, rng_factory) -> tuple[str, ...]:
        if not inviters or self.send_to == "none":
            return ()
        if self.send_to == "all":
            return inviters
        if fixed is not None and fixed in inviters:
            return (fixed,)
        if len(inviters) == 1:
            return inviters
        return (inviters[int(rng_factory().integers(len(inviters)))],)

    def aggregate(self, own_bid: float, received: Iterable[float]) -> float:
        got = sorted(received, reverse=True)
        if self.aggregation == "own":
            return own_bid
        if self.aggregation == "second":
            got = got[1:]
        if self.aggregation == "constant":
            return float(self.factor)
        best = max([own_bid, *got])
        return best * self.factor if self.aggregation == "scaled" else best


INTENDED = Strategy()


def message_deviations() -> list[Strategy]:
    """The message-passing and computation deviations the auditor tries for ``sra``."""
    return [
        Strategy(send_to="all"),
        Strategy(send_to="none"),
        Strategy(aggregation="own"),
        Strategy(aggregation="second"),
        Strategy(aggregation="scaled", factor=0.5),
        Strategy(aggregation="scaled", factor=1.5),
        Strategy(aggregation="constant", factor=0.0),
    ]


def rng_for(root: int, index: int) -> np.random.Generator:
    """The private generator of agent ``index`` in a run seeded with ``root``."""
    return np.random.default_rng([root, index])
