"""The public append-only ledger of purchase prices (hash chain + Ed25519 signatures of both parties).

Each record names a local seller, the buyer she sold to and the price. Its body (index, previous
hash, seller, buyer, price) is signed by the seller and countersigned by the buyer; its hash covers
the body and both signatures, and the next record stores it. :meth:`Ledger.verify` recomputes
everything, so a changed price (bad signatures and hash), a reordered record (broken chain) or a
forged signature (does not verify under the registered public key) is detected.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from fairbid.core.errors import FairbidError


def signing_key(seed_bytes: bytes) -> Ed25519PrivateKey:
    """A deterministic Ed25519 key from 32 seed bytes (so a seeded run reproduces its ledger)."""
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(seed_bytes).digest())


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True)
class Record:
    """One purchase: ``buyer`` paid ``price`` to ``seller``."""

    index: int
    prev_hash: str
    seller: str
    buyer: str
    price: float
    seller_sig: str = ""
    buyer_sig: str = ""

    def body(self) -> bytes:
        """Canonical bytes that both parties sign."""
        return json.dumps([self.index, self.prev_hash, self.seller, self.buyer, self.price],
                          separators=(",", ":")).encode()

    def hash(self) -> str:
        h = hashlib.sha256(self.body())
        h.update(bytes.fromhex(self.seller_sig or ""))
        h.update(bytes.fromhex(self.buyer_sig or ""))
        return h.hexdigest()

    def __str__(self) -> str:
        return (f"#{self.index} {self.seller} -> {self.buyer} price {self.price:.6g} "
                f"prev {self.prev_hash[:12]} hash {self.hash()[:12]}")


@dataclass(frozen=True)
class Verification:
    """Result of :meth:`Ledger.verify`: ``ok`` or the first problem and the record index."""

    ok: bool
    problem: str = ""
    index: int = -1


class Ledger:
    """Append-only, publicly readable ledger of one sale.

    Parameters
    ----------
    seller : str
        The original seller (the first record must be hers).
    """

    def __init__(self, seller: str) -> None:
        self.seller = seller
        self.genesis = hashlib.sha256(f"fairbid-sra:{seller}".encode()).hexdigest()
        self.records: list[Record] = []
        self._keys: dict[str, bytes] = {}

    # ------------------------------------------------------------------ keys
    def register_key(self, agent: str, public: bytes) -> None:
        """Publish ``agent``'s public key (once; a second, different key is refused)."""
        old = self._keys.get(agent)
        if old is not None and old != public:
            raise FairbidError("ledger", "a different key is already registered for", agent)
        self._keys[agent] = public

    def public_key(self, agent: str) -> Ed25519PublicKey | None:
        raw = self._keys.get(agent)
        return None if raw is None else Ed25519PublicKey.from_public_bytes(raw)

    # ------------------------------------------------------------------ records
    def head(self) -> str:
        """Hash the next record must point to."""
        return self.records[-1].hash() if self.records else self.genesis

    def draft(self, seller: str, buyer: str, price: float) -> Record:
        """An unsigned record that would extend the chain."""
        return Record(len(self.records), self.head(), seller, buyer, float(price))

    def append(self, record: Record) -> None:
        """Append a fully signed record after checking it extends a valid chain."""
        check = self.verify(self.records + [record])
        if not check.ok:
            raise FairbidError("ledger", f"record rejected: {check.problem}", record.index)
        self.records.append(record)

    def buyers(self) -> set[str]:
        """Everyone who has bought the item so far (they do not bid again)."""
        return {r.buyer for r in self.records}

    def verify(self, records: list[Record] | None = None) -> Verification:
        """Check indices, hash chain, both signatures, and that each sale resells the previous one."""
        records = self.records if records is None else records
        prev = self.genesis
        holder = self.seller
        last_price = 0.0
        for k, rec in enumerate(records):
            if rec.index != k:
                return Verification(False, "record out of order", k)
            if rec.prev_hash != prev:
                return Verification(False, "hash chain broken", k)
            if rec.seller != holder:
                return Verification(False, "seller did not hold the item", k)
            if rec.price < last_price:
                return Verification(False, "resale price below purchase price", k)
            for who, sig in ((rec.seller, rec.seller_sig), (rec.buyer, rec.buyer_sig)):
                key = self.public_key(who)
                if key is None:
                    return Verification(False, f"no registered key for {who}", k)
                try:
                    key.verify(bytes.fromhex(sig), rec.body())
                except (InvalidSignature, ValueError):
                    return Verification(False, f"bad signature of {who}", k)
            prev = rec.hash()
            holder = rec.buyer
            last_price = rec.price
        return Verification(True)

    def tamper(self, index: int, **changes) -> None:
        """Overwrite a stored record in place (what a cheating agent would do; used by tests)."""
        self.records[index] = replace(self.records[index], **changes)

    def lines(self) -> list[str]:
        return [str(r) for r in self.records]
