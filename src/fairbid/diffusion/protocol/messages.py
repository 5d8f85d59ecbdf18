"""Messages exchanged by SRA agents; every message travels along one edge of the true network."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Stage 1 (top-down diffusion)
INVITE = "invite"          # "the sale is on; join through me"
KNOWN = "known"            # reply to a late invitation: "I already heard; you are not my inviter"
# Stage 2 (bottom-up aggregation)
NOT_CHILD = "not-child"    # to an inviter: "I send my aggregated bid elsewhere (or nowhere)"
BID = "bid"                # aggregated bid to the chosen inviter
# Stage 3 (top-down local auctions)
CALL = "call"              # local seller -> invitee: "bid in my local auction" (value = reserve)
OFFER = "offer"            # invitee -> local seller: current aggregated bid
DISCONNECT = "disconnect"  # to a former inviter: "I joined another local auction; drop my bid"
REBID = "rebid"            # re-aggregated bid after a disconnect below
SOLD = "sold"              # local seller -> winner: the record of the sale signed by the seller

KINDS = (INVITE, KNOWN, NOT_CHILD, BID, CALL, OFFER, DISCONNECT, REBID, SOLD)
STAGE = {INVITE: 1, KNOWN: 1, NOT_CHILD: 2, BID: 2, REBID: 2, CALL: 3, OFFER: 3, DISCONNECT: 3, SOLD: 3}


@dataclass(frozen=True, slots=True)
class Message:
    """One message; ``round`` is the synchronous round in which it was sent."""

    kind: str
    sender: str
    receiver: str
    round: int = 0
    value: float | None = None
    payload: Any = None

    def __str__(self) -> str:
        val = "" if self.value is None else f" {self.value:.6g}"
        return f"[r{self.round:>3}] {self.sender} -> {self.receiver}: {self.kind}{val}"
