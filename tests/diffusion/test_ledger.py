"""The SRA ledger against tampering: one test per attack, each asserting which check detects it.

Keys are drawn from OS randomness per run, the seller signs the key table before the sale and the head
(record count + last hash) after it; see :mod:`fairbid.diffusion.protocol.ledger`.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from fairbid.cli.main import main
from fairbid.core.errors import FairbidError
from fairbid.diffusion import run_sra
from fairbid.diffusion.protocol.ledger import Ledger, Record, new_signing_key, public_bytes

from .conftest import EXAMPLE


def _signed(led: Ledger, keys, seller: str, buyer: str, price: float) -> Record:
    d = led.draft(seller, buyer, price)
    return replace(d, seller_sig=keys[seller].sign(d.body()).hex(), buyer_sig=keys[buyer].sign(d.body()).hex())


def _built():
    """A ledger built by hand, so the test holds every private key (for insider attacks).

    s sells to a at 1, a resells to c at 2, c resells to d at 3; e is registered but never buys.
    """
    keys = {x: new_signing_key() for x in "sacde"}
    led = Ledger("s")
    for x, k in keys.items():
        led.register_key(x, public_bytes(k))
    led.seal_keys(keys["s"])
    for seller, buyer, price in (("s", "a", 1.0), ("a", "c", 2.0), ("c", "d", 3.0)):
        led.append(_signed(led, keys, seller, buyer, price))
    led.seal_head(keys["s"])
    assert led.verify().ok
    return led, keys


@pytest.fixture
def run_ledger(example):
    # example.json under seed 0: s -> a, a -> c, c -> d, each at 0.5 (d wins).
    res = run_sra(example, seed=0, runtime="serial", keep_log=False)
    assert res.verification.ok
    assert [(r.seller, r.buyer, r.price) for r in res.ledger.records] == [("s", "a", 0.5), ("a", "c", 0.5),
                                                                         ("c", "d", 0.5)]
    return res.ledger


def _offline(led: Ledger) -> Ledger:
    """Round trip through the exported JSON (what `verify-ledger` reads)."""
    return Ledger.from_export(json.loads(json.dumps(led.export())))


def test_untouched_ledger_verifies(run_ledger):
    assert run_ledger.verify().ok
    off = _offline(run_ledger)
    assert off.verify().ok and off.verify(seller_key=run_ledger.key_table()["s"]).ok
    assert off.lines() == run_ledger.lines()


def test_edit_is_detected(run_ledger):
    run_ledger.tamper(1, price=run_ledger.records[1].price + 1.0)
    v = run_ledger.verify()
    assert not v.ok and v.index == 1 and "bad signature" in v.problem


def test_reorder_is_detected(run_ledger):
    run_ledger.records.reverse()
    v = run_ledger.verify()
    assert not v.ok and v.index == 0 and "out of order" in v.problem


def test_delete_middle_is_detected(run_ledger):
    del run_ledger.records[1]
    v = run_ledger.verify()
    assert not v.ok and v.index == 1 and "out of order" in v.problem


def test_delete_middle_renumbered_is_detected(run_ledger):
    del run_ledger.records[1]
    run_ledger.records[1] = replace(run_ledger.records[1], index=1)  # renumbering changes the signed body
    v = run_ledger.verify()
    assert not v.ok and v.index == 1


def test_delete_last_is_detected(run_ledger):
    # Before: the last record is a valid prefix, so only the signed head can catch it.
    del run_ledger.records[-1]
    assert run_ledger.verify(head=False).ok
    v = run_ledger.verify()
    assert not v.ok and "deleted" in v.problem and "head signs 3" in v.problem


def test_delete_all_is_detected(run_ledger):
    run_ledger.records.clear()
    v = run_ledger.verify()
    assert not v.ok and "deleted" in v.problem and "(0 records, head signs 3)" in v.problem


def test_dropping_the_head_is_detected(run_ledger):
    run_ledger.records.clear()
    run_ledger.signed_head = None
    v = run_ledger.verify()
    assert not v.ok and "head is not signed" in v.problem


def test_forged_append_by_insiders_is_detected():
    # d (holder) "sells" to e at 4; both sign with their real registered keys: the chain and signatures
    # verify, only the seller-signed head (3 records) catches the extra record.
    led, keys = _built()
    led.records.append(_signed(led, keys, "d", "e", 4.0))
    assert led.verify(head=False).ok
    v = led.verify()
    assert not v.ok and "appended" in v.problem


def test_forged_append_by_outsider_is_detected():
    # mallory adds her own key to the table and appends a sale d -> mallory signed by her (and a forged d).
    led, keys = _built()
    mallory = new_signing_key()
    led._keys["mallory"] = public_bytes(mallory)
    d = led.draft("d", "mallory", 3.0)
    led.records.append(replace(d, seller_sig=mallory.sign(d.body()).hex(), buyer_sig=mallory.sign(d.body()).hex()))
    v = led.verify()
    assert not v.ok and "key table signature" in v.problem


def test_key_swap_is_detected(run_ledger):
    # Replace buyer c's public key by the attacker's and re-sign c's records (buyer of #1, seller of #2)
    # with it: the signatures verify under the swapped key, the seller's key-table signature does not.
    attacker = new_signing_key()
    run_ledger._keys["c"] = public_bytes(attacker)
    r1, r2 = run_ledger.records[1], run_ledger.records[2]
    assert (r1.buyer, r2.seller) == ("c", "c")
    run_ledger.tamper(1, buyer_sig=attacker.sign(r1.body()).hex())
    run_ledger.tamper(2, seller_sig=attacker.sign(r2.body()).hex())
    v = run_ledger.verify()
    assert not v.ok and "key table signature" in v.problem
    # Offline too, with the exact message the CLI prints.
    v = _offline(run_ledger).verify()
    assert not v.ok and "key table signature" in v.problem


def test_resigned_edit_is_detected(run_ledger):
    # The attacker edits record #1's price and re-signs both signatures with its own (unregistered) key.
    attacker = new_signing_key()
    edited = replace(run_ledger.records[1], price=run_ledger.records[1].price + 0.1)
    run_ledger.tamper(1, price=edited.price, seller_sig=attacker.sign(edited.body()).hex(),
                      buyer_sig=attacker.sign(edited.body()).hex())
    v = run_ledger.verify()
    assert not v.ok and v.index == 1 and "bad signature" in v.problem


def test_resigned_edit_by_both_parties_of_the_last_sale_is_detected():
    # c and d collude and re-sign a lower price for the last sale with their real keys: chain and
    # signatures verify, the seller-signed head's last hash does not match.
    led, keys = _built()
    led.records.pop()
    forged = _signed(led, keys, "c", "d", 2.0)
    led.records.append(forged)
    assert led.verify(head=False).ok
    v = led.verify()
    assert not v.ok and "differs from the signed head" in v.problem


def test_wholesale_rekey_needs_the_pinned_seller_key(run_ledger):
    # Someone replaces *every* key (the seller's too) and re-signs everything: self-consistent, so only
    # pinning the seller's known public key (the trust anchor) detects it.
    trusted = run_ledger.key_table()["s"]
    keys = {x: new_signing_key() for x in run_ledger.key_table()}
    fake = Ledger("s")
    for x, k in keys.items():
        fake.register_key(x, public_bytes(k))
    fake.seal_keys(keys["s"])
    for r in run_ledger.records:
        fake.append(_signed(fake, keys, r.seller, r.buyer, r.price + 0.05 * (r.index == 2)))
    fake.seal_head(keys["s"])
    assert fake.verify().ok
    v = fake.verify(seller_key=trusted)
    assert not v.ok and "trusted" in v.problem


def test_key_table_is_frozen_once_signed():
    led, _ = _built()
    with pytest.raises(FairbidError, match="already signed"):
        led.register_key("mallory", public_bytes(new_signing_key()))
    with pytest.raises(FairbidError, match="different key"):
        led.register_key("a", public_bytes(new_signing_key()))


def test_same_seed_same_outcome_different_keys(example):
    a = run_sra(example, seed=5, runtime="serial", keep_log=False)
    b = run_sra(example, seed=5, runtime="serial", keep_log=False)
    assert a.verification.ok and b.verification.ok
    assert (a.winner, a.payments, a.revenue, a.tree) == (b.winner, b.payments, b.revenue, b.tree)
    sales = [[(r.seller, r.buyer, r.price) for r in x.ledger.records] for x in (a, b)]
    assert sales[0] == sales[1]
    ka, kb = a.ledger.key_table(), b.ledger.key_table()
    assert set(ka) == set(kb) and all(ka[x] != kb[x] for x in ka)
    assert a.ledger.head() != b.ledger.head()
    # b's records do not verify under a's key table (keys are not derivable from the seed).
    assert not a.ledger.verify(b.ledger.records).ok


def test_malformed_export_is_refused():
    with pytest.raises(FairbidError, match="records must be a list"):
        Ledger.from_export({"format": "fairbid-sra-ledger/1", "seller": "s",
                            "genesis": Ledger("s").genesis, "keys": {}, "keys_sig": "", "records": {}})


# ---------------------------------------------------------------- CLI: export + offline verification
def _cli(*args) -> int:
    return main(["diffusion", *args])


@pytest.fixture
def exported(tmp_path):
    f = tmp_path / "ledger.json"
    assert _cli("protocol", "--network", str(EXAMPLE), "--runtime", "serial", "--export-ledger", str(f),
                "--json") == 0
    return f


def test_cli_verify_ledger_valid(capsys, exported):
    capsys.readouterr()
    assert _cli("verify-ledger", str(exported)) == 0
    assert capsys.readouterr().out.startswith("valid")
    assert _cli("verify-ledger", str(exported), "--json") == 0
    res = json.loads(capsys.readouterr().out)
    assert res["valid"] is True and res["records"] == 3 and res["winner"] == "d"
    assert _cli("verify-ledger", str(exported), "--seller-key", res["seller_key"]) == 0


@pytest.mark.parametrize("attack, fragment", [
    (lambda d: d["records"].pop(), "records deleted after the signed head"),
    (lambda d: d["records"].clear(), "records deleted after the signed head"),
    (lambda d: d["records"][0].update(price=0.01), "bad signature of s at record 0"),
    (lambda d: d["keys"].update(c=public_bytes(new_signing_key()).hex()), "key table signature"),
    (lambda d: d.update(head=None), "head is not signed"),
    (lambda d: d.update(records="x"), "records must be a list"),
])
def test_cli_verify_ledger_tampered(capsys, exported, tmp_path, attack, fragment):
    d = json.loads(exported.read_text())
    attack(d)
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(d))
    capsys.readouterr()
    assert _cli("verify-ledger", str(bad)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ledger: ") and fragment in err[0]


def test_cli_verify_ledger_pinned_key_and_garbled_json(capsys, exported, tmp_path):
    capsys.readouterr()
    assert _cli("verify-ledger", str(exported), "--seller-key", "00" * 32) == 2
    assert "seller key differs from the trusted one" in capsys.readouterr().err
    garbled = tmp_path / "g.json"
    garbled.write_text(exported.read_text()[:-40])
    assert _cli("verify-ledger", str(garbled)) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ledger file: ")


def test_cli_protocol_out_writes_ledger(tmp_path, capsys):
    out = tmp_path / "run"
    assert _cli("protocol", "--network", str(EXAMPLE), "--runtime", "serial", "--out", str(out), "--json") == 0
    capsys.readouterr()
    assert (out / "ledger.json").exists()
    assert _cli("verify-ledger", str(out / "ledger.json")) == 0
