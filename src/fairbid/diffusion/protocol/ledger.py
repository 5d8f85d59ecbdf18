"""The public append-only ledger of purchase prices (hash chain + Ed25519 signatures).

Each record names a local seller, the buyer she sold to and the price. Its body (index, previous
hash, seller, buyer, price) is signed by the seller and countersigned by the buyer; its hash covers
the body and both signatures, and the next record stores it.

Every agent's key pair is drawn from OS randomness for each run (:func:`new_signing_key`), never from
the run seed, so nobody can re-derive another agent's private key. Before the sale starts the original
seller signs the *key table* (every agent's public key); when the sale is over she signs the *head*
(number of records and the hash of the last one, bound to the key table). :meth:`Ledger.verify` checks,
in this order: the key-table signature (a substituted or added key), the chain record by record (order,
hash links, both signatures under the registered keys, resale rules) and the signed head (a deleted
last record, a deleted ledger, an appended record). An exported ledger (:meth:`Ledger.export`, JSON)
is verified offline with :meth:`Ledger.from_export` + :meth:`Ledger.verify`, or
``fairbid diffusion verify-ledger FILE``. The trust anchor is the seller's public key: pass it as
``seller_key`` (``--seller-key``) to also rule out a wholesale re-signing by someone holding no key of
the run but replacing all of them, the seller's included.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, replace
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

from fairbid.core.errors import FairbidError

FORMAT = "fairbid-sra-ledger/1"


def new_signing_key() -> Ed25519PrivateKey:
    """A fresh Ed25519 key from OS randomness (never derived from the public run seed)."""
    return Ed25519PrivateKey.generate()


def private_bytes(key: Ed25519PrivateKey) -> bytes:
    """The 32 raw private bytes (picklable form, for runtimes that move agents between processes)."""
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def key_from_private_bytes(raw: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode()


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
        h.update(_hex(self.seller_sig))
        h.update(_hex(self.buyer_sig))
        return h.hexdigest()

    def to_dict(self) -> dict:
        return {"index": self.index, "prev_hash": self.prev_hash, "seller": self.seller, "buyer": self.buyer,
                "price": self.price, "seller_sig": self.seller_sig, "buyer_sig": self.buyer_sig,
                "hash": self.hash()}

    def __str__(self) -> str:
        return (f"#{self.index} {self.seller} -> {self.buyer} price {self.price:.6g} "
                f"prev {self.prev_hash[:12]} hash {self.hash()[:12]}")


def _hex(text: str) -> bytes:
    try:
        return bytes.fromhex(text or "")
    except ValueError:
        return (text or "").encode()  # garbled signature: hashes to something, fails verification later


@dataclass(frozen=True)
class Verification:
    """Result of :meth:`Ledger.verify`: ``ok`` or the first problem and the record index (-1: none)."""

    ok: bool
    problem: str = ""
    index: int = -1


@dataclass(frozen=True)
class Head:
    """The seller-signed state of the ledger: ``count`` records, the last one hashing to ``hash``."""

    count: int
    hash: str
    sig: str


class Ledger:
    """Append-only, publicly readable ledger of one sale.

    Parameters
    ----------
    seller : str
        The original seller (the first record must be hers; she signs the key table and the head).
    """

    def __init__(self, seller: str) -> None:
        self.seller = seller
        self.genesis = hashlib.sha256(f"fairbid-sra:{seller}".encode()).hexdigest()
        self.records: list[Record] = []
        self._keys: dict[str, bytes] = {}
        self.keys_sig: str = ""
        self.signed_head: Head | None = None

    # ------------------------------------------------------------------ keys
    def register_key(self, agent: str, public: bytes) -> None:
        """Publish ``agent``'s public key (once; a second, different key is refused, as is any key after
        the seller has signed the table)."""
        old = self._keys.get(agent)
        if old is not None and old != public:
            raise FairbidError("ledger", "a different key is already registered for", agent)
        if old is None and self.keys_sig:
            raise FairbidError("ledger", "the key table is already signed; cannot register", agent)
        self._keys[agent] = public

    def public_key(self, agent: str) -> Ed25519PublicKey | None:
        raw = self._keys.get(agent)
        if raw is None:
            return None
        try:
            return Ed25519PublicKey.from_public_bytes(raw)
        except ValueError:
            return None

    def key_table(self) -> dict[str, str]:
        """Every registered public key, hex."""
        return {a: k.hex() for a, k in sorted(self._keys.items())}

    def _key_table_bytes(self) -> bytes:
        return _canonical({"domain": "fairbid-sra-keys", "seller": self.seller, "genesis": self.genesis,
                           "keys": self.key_table()})

    def keys_digest(self) -> str:
        return hashlib.sha256(self._key_table_bytes()).hexdigest()

    def seal_keys(self, seller_key: Ed25519PrivateKey) -> None:
        """The seller signs the key table (before the sale starts); no key can be added afterwards."""
        if self._keys.get(self.seller) != public_bytes(seller_key):
            raise FairbidError("ledger", "the key table must be signed with the seller's registered key",
                               self.seller)
        self.keys_sig = seller_key.sign(self._key_table_bytes()).hex()

    # ------------------------------------------------------------------ head
    def head(self) -> str:
        """Hash the next record must point to."""
        return self.records[-1].hash() if self.records else self.genesis

    def _head_bytes(self, count: int, last: str) -> bytes:
        return _canonical({"domain": "fairbid-sra-head", "seller": self.seller, "genesis": self.genesis,
                           "keys": self.keys_digest(), "count": count, "hash": last})

    def seal_head(self, seller_key: Ed25519PrivateKey) -> Head:
        """The seller signs the final state (record count + last hash) after checking the chain."""
        check = self.verify_chain()
        if not check.ok:
            raise FairbidError("ledger", f"refusing to sign the head: {check.problem} at record", check.index)
        count, last = len(self.records), self.head()
        self.signed_head = Head(count, last, seller_key.sign(self._head_bytes(count, last)).hex())
        return self.signed_head

    # ------------------------------------------------------------------ records
    def draft(self, seller: str, buyer: str, price: float) -> Record:
        """An unsigned record that would extend the chain."""
        return Record(len(self.records), self.head(), seller, buyer, float(price))

    def append(self, record: Record) -> None:
        """Append a fully signed record after checking it extends a valid chain."""
        check = self.verify_chain(self.records + [record])
        if not check.ok:
            raise FairbidError("ledger", f"record rejected: {check.problem}", record.index)
        self.records.append(record)
        self.signed_head = None  # the seller signs the new head when the sale is over

    def buyers(self) -> set[str]:
        """Everyone who has bought the item so far (they do not bid again)."""
        return {r.buyer for r in self.records}

    # ------------------------------------------------------------------ verification
    def _sig_ok(self, who: str, sig: str, msg: bytes) -> bool:
        key = self.public_key(who)
        if key is None:
            return False
        try:
            key.verify(bytes.fromhex(sig), msg)
        except (InvalidSignature, ValueError, TypeError):
            return False
        return True

    def verify_keys(self, seller_key: bytes | str | None = None) -> Verification:
        """The key table carries the seller's signature (and her key is ``seller_key`` when given)."""
        if seller_key is not None:
            want = bytes.fromhex(seller_key) if isinstance(seller_key, str) else seller_key
            if self._keys.get(self.seller) != want:
                return Verification(False, "seller key differs from the trusted one")
        if self.seller not in self._keys:
            return Verification(False, f"no registered key for the seller {self.seller}")
        if not self.keys_sig:
            return Verification(False, "key table is not signed")
        if not self._sig_ok(self.seller, self.keys_sig, self._key_table_bytes()):
            return Verification(False, "key table signature does not verify (key substituted or added)")
        return Verification(True)

    def verify_chain(self, records: list[Record] | None = None) -> Verification:
        """Check the key table, then indices, hash chain, both signatures, and that each sale resells the
        previous one. Does not check the head (agents run it during the sale, before the head is signed)."""
        check = self.verify_keys()
        if not check.ok:
            return check
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
            if not math.isfinite(rec.price):
                return Verification(False, "price is not a finite number", k)
            if rec.price < last_price:
                return Verification(False, "resale price below purchase price", k)
            for who, sig in ((rec.seller, rec.seller_sig), (rec.buyer, rec.buyer_sig)):
                if self.public_key(who) is None:
                    return Verification(False, f"no registered key for {who}", k)
                if not self._sig_ok(who, sig, rec.body()):
                    return Verification(False, f"bad signature of {who}", k)
            prev = rec.hash()
            holder = rec.buyer
            last_price = rec.price
        return Verification(True)

    def verify_head(self, records: list[Record] | None = None) -> Verification:
        """The seller-signed head matches the records: same count, same last hash."""
        records = self.records if records is None else records
        h = self.signed_head
        if h is None:
            return Verification(False, "ledger head is not signed by the seller")
        if not self._sig_ok(self.seller, h.sig, self._head_bytes(h.count, h.hash)):
            return Verification(False, "head signature does not verify")
        last = records[-1].hash() if records else self.genesis
        if len(records) != h.count:
            problem = ("records deleted after the signed head" if len(records) < h.count
                       else "records appended after the signed head")
            return Verification(False, f"{problem} ({len(records)} records, head signs {h.count})",
                                min(len(records), h.count))
        if last != h.hash:
            return Verification(False, "last record differs from the signed head", len(records) - 1)
        return Verification(True)

    def verify(self, records: list[Record] | None = None, *, seller_key: bytes | str | None = None,
               head: bool = True) -> Verification:
        """Full check: key table, chain, and (``head=True``) the seller-signed head.

        ``seller_key`` (raw bytes or hex) pins the seller's public key (the trust anchor).
        """
        if seller_key is not None:
            check = self.verify_keys(seller_key)
            if not check.ok:
                return check
        check = self.verify_chain(records)
        if not check.ok or not head:
            return check
        return self.verify_head(records)

    # ------------------------------------------------------------------ export / import
    def export(self) -> dict:
        """The ledger as JSON-ready data: records, key table (+ seller signature) and signed head."""
        h = self.signed_head
        return {"format": FORMAT, "seller": self.seller, "genesis": self.genesis,
                "keys": self.key_table(), "keys_sig": self.keys_sig,
                "records": [r.to_dict() for r in self.records],
                "head": None if h is None else {"count": h.count, "hash": h.hash, "sig": h.sig}}

    @classmethod
    def from_export(cls, data: Any) -> Ledger:
        """Rebuild a ledger from :meth:`export` data (structure checked; run :meth:`verify` next)."""
        def need(cond: bool, problem: str, got: Any = None) -> None:
            if not cond:
                raise FairbidError("ledger", problem, got)

        need(isinstance(data, dict), "exported ledger must be a JSON object", type(data).__name__)
        need(data.get("format") == FORMAT, f"format must be {FORMAT!r}", data.get("format"))
        seller = data.get("seller")
        need(isinstance(seller, str) and seller != "", "seller must be a non-empty string", seller)
        led = cls(seller)
        need(data.get("genesis") == led.genesis, "genesis hash does not match the seller", data.get("genesis"))
        keys = data.get("keys")
        need(isinstance(keys, dict), "keys must be an object {agent: hex public key}", type(keys).__name__)
        for agent, hexkey in keys.items():
            ok = isinstance(hexkey, str) and len(hexkey) == 64
            try:
                raw = bytes.fromhex(hexkey) if ok else b""
            except ValueError:
                ok = False
            need(ok, f"key of {agent!r} must be 64 hex digits", hexkey)
            led._keys[agent] = raw
        sig = data.get("keys_sig")
        need(isinstance(sig, str), "keys_sig must be a string", sig)
        led.keys_sig = sig
        recs = data.get("records")
        need(isinstance(recs, list), "records must be a list", type(recs).__name__)
        for k, r in enumerate(recs):
            need(isinstance(r, dict), f"record {k} must be an object", type(r).__name__)
            idx, price = r.get("index"), r.get("price")
            need(isinstance(idx, int) and not isinstance(idx, bool), f"record {k}: index must be an integer", idx)
            need(isinstance(price, (int, float)) and not isinstance(price, bool)
                 and math.isfinite(float(price)), f"record {k}: price must be a finite number", price)
            for f in ("prev_hash", "seller", "buyer", "seller_sig", "buyer_sig"):
                need(isinstance(r.get(f), str), f"record {k}: {f} must be a string", r.get(f))
            led.records.append(Record(idx, r["prev_hash"], r["seller"], r["buyer"], float(price),
                                      r["seller_sig"], r["buyer_sig"]))
        h = data.get("head")
        if h is not None:
            need(isinstance(h, dict) and isinstance(h.get("count"), int) and not isinstance(h.get("count"), bool)
                 and isinstance(h.get("hash"), str) and isinstance(h.get("sig"), str),
                 "head must be {count: int, hash: str, sig: str}", h)
            led.signed_head = Head(h["count"], h["hash"], h["sig"])
        return led

    # ------------------------------------------------------------------ helpers
    def tamper(self, index: int, **changes) -> None:
        """Overwrite a stored record in place (what a cheating agent would do; used by tests)."""
        self.records[index] = replace(self.records[index], **changes)

    def lines(self) -> list[str]:
        return [str(r) for r in self.records]
