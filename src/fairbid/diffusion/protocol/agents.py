"""SRA agents. A buyer agent knows her own type, what her neighbours tell her, and the public ledger.

The agent is a message handler: each synchronous round the runtime hands her the messages sent to
her in the previous round and sends on what she returns. She never sees the graph, other buyers'
values or who invited whom elsewhere.

Stage 1 (top-down diffusion): in the round she first hears of the sale, her *inviters* are the
neighbours whose invitations arrived in that round (``inviters="first-round"``, the default reading
of the seed's open point); later invitations are answered ``KNOWN`` and do not make inviters. She then
invites the neighbours her strategy chooses, except her inviters.

Stage 2 (bottom-up aggregation): once every invitee has answered (``BID``, ``NOT_CHILD`` or
``KNOWN``) she aggregates (intended: max of own bid and received bids) and sends the result to the
inviter(s) her strategy picks (intended: one uniformly at random), telling the others ``NOT_CHILD``.

Stage 3 (top-down local auctions, Eqs. 1-2): a local seller ``i`` with purchase price ``p`` calls
every invitee who has not already bought the item; each answers with her current aggregated bid,
first disconnecting from any other inviter she sent it to (who re-aggregates and passes the change
up). With ``b1`` and ``b2`` the highest and second-highest offers, the selling price is
``q = max(p, b2)``; she keeps the item when her own value is at least ``q`` (the seller never keeps),
or when no offer reaches ``q`` (a reserve price is never charged above a bid); otherwise the highest
bidder buys at ``q``. The sale is recorded in the ledger, signed by both.
"""

from __future__ import annotations

import math

from fairbid.core.errors import FairbidError
from fairbid.diffusion.protocol import messages as M
from fairbid.diffusion.protocol.ledger import (
    Ledger, Record, key_from_private_bytes, new_signing_key, private_bytes, public_bytes,
)
from fairbid.diffusion.protocol.messages import Message
from fairbid.diffusion.protocol.strategies import INTENDED, Strategy, rng_for

INVITER_RULES = ("first-round",)


class TamperDetected(FairbidError):
    """Raised by an agent whose ledger check fails; the run stops and reports it."""


class BuyerAgent:
    """One buyer (see module docstring).

    Parameters
    ----------
    ident : str
        Her id.
    value : float
        Her private value.
    neighbours : tuple of str
        Her true neighbours.
    ledger : Ledger
        The public ledger.
    strategy : Strategy
        How she acts (default: intended).
    seed : (int, int)
        ``(run seed, her index)``: her private randomness derives from it. Her signing key does not: it
        is drawn from OS randomness when the agent is created (see :mod:`.ledger`).
    fixed_parent : str, optional
        Fixes her random choice of inviter (used to replay a given tree).
    """

    is_seller = False

    def __init__(self, ident: str, value: float, neighbours: tuple[str, ...], ledger: Ledger,
                 strategy: Strategy = INTENDED, seed: tuple[int, int] = (0, 0),
                 fixed_parent: str | None = None, inviters: str = "first-round") -> None:
        if inviters not in INVITER_RULES:
            raise FairbidError("inviters", f"unknown rule; choose one of {', '.join(INVITER_RULES)}", inviters)
        self.id = ident
        self.value = value
        self.neighbours = neighbours
        self.ledger = ledger
        self.strategy = strategy
        self._seed = seed
        self._rng = None
        self._key = None
        self._key_bytes = private_bytes(new_signing_key())  # picklable; never derived from the seed
        self.fixed_parent = fixed_parent
        self.heard: int | None = None
        self.inviters: tuple[str, ...] = ()
        self.invitees: tuple[str, ...] = ()
        self.pending: set[str] = set()
        self.received: dict[str, float] = {}
        self.parents: tuple[str, ...] = ()
        self.first_parents: tuple[str, ...] = ()
        self.agg: float | None = None
        self.sent = False
        self.auction: dict | None = None
        self.purchase_price: float | None = None
        self.holds = False
        self.round = 0

    # ------------------------------------------------------------------ private resources
    def rng(self):
        if self._rng is None:
            self._rng = rng_for(*self._seed)
        return self._rng

    def key(self):
        if self._key is None:
            self._key = key_from_private_bytes(self._key_bytes)
        return self._key

    def public_key_bytes(self) -> bytes:
        """Her public key (published in the ledger's key table before the sale starts)."""
        return public_bytes(self.key())

    @property
    def own_bid(self) -> float:
        return self.strategy.bid(self.value)

    # ------------------------------------------------------------------ round handler
    def step(self, rnd: int, inbox: list[Message]) -> list[Message]:
        """Handle one round's messages and return the messages to send."""
        self.round = rnd
        out: list[Message] = []
        invites = [m for m in inbox if m.kind == M.INVITE]
        if invites and self.heard is None:
            self._first_heard(rnd, invites, out)
        for m in inbox:
            self._handle(m, out)
        if self.heard is not None and not self.sent and not self.pending:
            self._send_aggregate(out)
        if self.auction is not None and not self.auction["waiting"]:
            self._conclude_auction(out)
        return out

    def _msg(self, kind: str, to: str, value: float | None = None, payload=None) -> Message:
        return Message(kind, self.id, to, self.round, value, payload)

    def _first_heard(self, rnd: int, invites: list[Message], out: list[Message]) -> None:
        self.heard = rnd
        senders = {m.sender for m in invites}
        self.inviters = tuple(n for n in self.neighbours if n in senders)
        candidates = tuple(n for n in self.neighbours if n not in senders)
        self.invitees = tuple(self.strategy.invitees(candidates))
        self.pending = set(self.invitees)
        out.extend(self._msg(M.INVITE, j) for j in self.invitees)
        self.parents = self.strategy.parents(self.inviters, self.fixed_parent, self.rng)
        self.first_parents = self.parents
        out.extend(self._msg(M.NOT_CHILD, i) for i in self.inviters if i not in self.parents)

    def _handle(self, m: Message, out: list[Message]) -> None:
        kind = m.kind
        if kind == M.INVITE:
            if m.sender not in self.inviters:
                out.append(self._msg(M.KNOWN, m.sender))
        elif kind in (M.KNOWN, M.NOT_CHILD):
            self.pending.discard(m.sender)
        elif kind == M.BID:
            self.received[m.sender] = m.value
            self.pending.discard(m.sender)
        elif kind == M.REBID:
            if m.sender in self.received:
                self.received[m.sender] = m.value
                self._reaggregate(out)
        elif kind == M.DISCONNECT:
            if self.received.pop(m.sender, None) is not None:
                self._reaggregate(out)
        elif kind == M.CALL:
            self._answer_call(m, out)
        elif kind == M.OFFER:
            if self.auction is not None and m.sender in self.auction["waiting"]:
                self.auction["waiting"].discard(m.sender)
                self.auction["offers"][m.sender] = m.value
        elif kind == M.SOLD:
            self._bought(m, out)

    # ------------------------------------------------------------------ Stage 2
    def _aggregate(self) -> float:
        return float(self.strategy.aggregate(self.own_bid, self.received.values()))

    def _send_aggregate(self, out: list[Message]) -> None:
        self.agg = self._aggregate()
        self.sent = True
        out.extend(self._msg(M.BID, p, self.agg) for p in self.parents)
        if self.is_seller:
            self._host(0.0, out)

    def _reaggregate(self, out: list[Message]) -> None:
        if not self.sent:
            return
        new = self._aggregate()
        if new != self.agg:
            self.agg = new
            out.extend(self._msg(M.REBID, p, new) for p in self.parents)

    # ------------------------------------------------------------------ Stage 3
    def _answer_call(self, m: Message, out: list[Message]) -> None:
        if not self.sent:  # only under deviations elsewhere: answer with what she has now
            self.agg = self._aggregate()
            self.sent = True
        # Disconnect rule: join this local seller only, leave any other inviter.
        out.extend(self._msg(M.DISCONNECT, p) for p in self.parents if p != m.sender)
        self.parents = (m.sender,)
        out.append(self._msg(M.OFFER, m.sender, self.agg))

    def _host(self, reserve: float, out: list[Message]) -> None:
        bought = self.ledger.buyers()
        participants = [j for j in self.invitees if j not in bought]
        self.auction = {"reserve": reserve, "waiting": set(participants), "offers": {}, "order": participants}
        out.extend(self._msg(M.CALL, j, reserve) for j in participants)
        if not participants:
            self._conclude_auction(out)

    def _conclude_auction(self, out: list[Message]) -> None:
        auction, self.auction = self.auction, None
        offers = auction["offers"]
        order = [j for j in auction["order"] if j in offers]
        reserve = auction["reserve"]
        if not order:
            self.holds = not self.is_seller
            return
        ranked = sorted(order, key=lambda j: -offers[j])  # stable: first listed wins ties
        b1 = offers[ranked[0]]
        b2 = offers[ranked[1]] if len(ranked) > 1 else -math.inf
        price = max(reserve, b2)
        own = -math.inf if self.is_seller else self.strategy.keep_value(self.value)
        if own >= price or b1 < price:
            self.holds = not self.is_seller
            return
        winner = ranked[0]
        draft = self.ledger.draft(self.id, winner, price)
        signed = Record(**{**draft.__dict__, "seller_sig": self.key().sign(draft.body()).hex()})
        out.append(self._msg(M.SOLD, winner, price, signed))

    def _bought(self, m: Message, out: list[Message]) -> None:
        rec: Record = m.payload
        check = self.ledger.verify_chain()  # the head is signed when the sale is over
        if not check.ok:
            raise TamperDetected("ledger", f"{self.id} found {check.problem} at record", check.index)
        if rec.buyer != self.id or rec.seller != m.sender or rec.prev_hash != self.ledger.head():
            raise TamperDetected("ledger", f"{self.id} got a sale record that does not extend the ledger",
                                 rec.index)
        full = Record(**{**rec.__dict__, "buyer_sig": self.key().sign(rec.body()).hex()})
        self.ledger.append(full)
        self.purchase_price = rec.price
        if self.strategy.tamper_price is not None:
            self.ledger.tamper(rec.index, price=rec.price + self.strategy.tamper_price)
        self._host(rec.price, out)


class SellerAgent(BuyerAgent):
    """The original seller: invites all her neighbours in round 0 and hosts the first local auction."""

    is_seller = True

    def start(self) -> list[Message]:
        """Round 0: the sale starts."""
        self.heard = 0
        self.invitees = self.neighbours
        self.pending = set(self.invitees)
        msgs = [self._msg(M.INVITE, j) for j in self.invitees]
        if not self.invitees:
            self.sent = True
        return msgs

    def _send_aggregate(self, out: list[Message]) -> None:
        self.sent = True
        self._host(0.0, out)

    def seal_keys(self) -> None:
        """Before the sale: sign the table of every agent's public key."""
        self.ledger.seal_keys(self.key())

    def seal_head(self) -> bool:
        """After the sale: sign the ledger head (record count + last hash) if the chain verifies."""
        try:
            self.ledger.seal_head(self.key())
        except FairbidError:
            return False
        return True
