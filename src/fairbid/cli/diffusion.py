"""``fairbid diffusion``: CLI for fairbid.diffusion (diffusion auctions, SRA, incentive audit)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fairbid.cli.common import JsonOpt, OutOpt, SeedOpt, emit, save_run, start
from fairbid.core.errors import FairbidError
from fairbid.core.plots import bar_figure

app = typer.Typer(no_args_is_help=True)

NetworkOpt = Annotated[Path, typer.Option("--network", help="Network JSON file: seller, edges, values, reports.")]
MechanismOpt = Annotated[str, typer.Option("--mechanism", help="vickrey-neighbours, sp-all, vcg, idm, sra-crm or sra.")]
TreesOpt = Annotated[str, typer.Option("--trees", help="sra-crm tree distribution: uniform or random-parent.")]
SamplesOpt = Annotated[
    int | None,
    typer.Option("--samples", help="sra-crm: sampled trees (default exact when enumerable; at most 10^8 and what "
                 "fits in memory); sra: protocol runs (at most 10^5).", min=1, max=10**8),
]


@app.command("run")
def run_cmd(mechanism: MechanismOpt, network: NetworkOpt, trees: TreesOpt = "uniform", samples: SamplesOpt = None,
            seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Run one mechanism: win probabilities, payments (+ pays, - is paid), utilities, revenue."""
    from fairbid.core.errors import check_choice
    from fairbid.diffusion import DISTRIBUTIONS, MECHANISMS, load_network, run_mechanism

    start(json_mode)
    check_choice("--mechanism", mechanism, MECHANISMS)
    check_choice("--trees", trees, DISTRIBUTIONS)
    net = load_network(network)
    result = run_mechanism(net, mechanism, trees=trees, samples=samples, seed=seed).to_dict()
    buyers = list(result["win_probability"])
    save_run(out, "diffusion-run", seed,
             {"command": "diffusion run", "mechanism": mechanism, "network": str(network), "trees": trees,
              "samples": samples, "seed": seed},
             result,
             tables={"outcome": {"buyer": buyers,
                                 "win_probability": [result["win_probability"][b] for b in buyers],
                                 "payment": [result["payments"][b] for b in buyers],
                                 "utility": [result["utilities"][b] for b in buyers]}},
             figures={"utilities": lambda: bar_figure(buyers, [result["utilities"][b] for b in buyers],
                                                      ylabel="expected utility", title=f"{mechanism}")})
    emit(result, json_mode, title=f"{mechanism} on {network.name}")


@app.command("audit")
def audit_cmd(mechanism: MechanismOpt, network: NetworkOpt, trees: TreesOpt = "uniform", samples: SamplesOpt = None,
              max_exhaustive: Annotated[int, typer.Option("--max-exhaustive", help="Try all invitation subsets "
                                                          "up to this many neighbours (at most 20: 2^20 subsets).",
                                                          min=0, max=20)] = 8,
              buyer: Annotated[list[str] | None, typer.Option("--buyer", help="Audit only this buyer (repeatable).")] = None,
              seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Search every buyer's deviations; report the largest gain, IR and revenue vs Vickrey-neighbours."""
    from fairbid.core.errors import check_choice
    from fairbid.diffusion import DISTRIBUTIONS, MECHANISMS, audit, load_network

    start(json_mode)
    check_choice("--mechanism", mechanism, MECHANISMS)
    check_choice("--trees", trees, DISTRIBUTIONS)
    net = load_network(network)
    rep = audit(net, mechanism, trees=trees, samples=samples, seed=seed, max_exhaustive=max_exhaustive,
                buyers=buyer or None, sra_samples=samples if mechanism == "sra" else None)
    result = rep.to_dict()
    rows = result.get("per_buyer") or []
    save_run(out, "diffusion-audit", seed,
             {"command": "diffusion audit", "mechanism": mechanism, "network": str(network), "trees": trees,
              "samples": samples, "max_exhaustive": max_exhaustive, "buyers": buyer, "seed": seed},
             {k: v for k, v in result.items() if k != "per_buyer"},
             tables={"per_buyer": {key: [r[key] for r in rows] for key in (rows[0] if rows else {})}},
             figures={"max_gain": lambda: bar_figure([r["buyer"] for r in rows], [r["max_gain"] for r in rows],
                                                     ylabel="largest utility gain",
                                                     title=f"audit of {mechanism}")} if rows else None)
    emit(result, json_mode, title=f"audit of {mechanism} on {network.name}")


@app.command("protocol")
def protocol_cmd(network: NetworkOpt,
                 trace: Annotated[bool, typer.Option("--trace", help="Print every message.")] = False,
                 runtime: Annotated[str, typer.Option("--runtime", help="asyncio, serial or ray.")] = "asyncio",
                 export_ledger: Annotated[Path | None, typer.Option(
                     "--export-ledger", help="Write the signed ledger (records, key table, head) as JSON, "
                     "for `fairbid diffusion verify-ledger`.")] = None,
                 seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Run the distributed SRA; print the message log (--trace) and the verified ledger."""
    from fairbid.diffusion import load_network, run_sra

    start(json_mode)
    net = load_network(network)
    res = run_sra(net, seed=seed, runtime=runtime, keep_log=True)
    ledger = [{"index": r.index, "seller": r.seller, "buyer": r.buyer, "price": r.price,
               "prev_hash": r.prev_hash, "hash": r.hash()} for r in res.ledger.records]
    result = {"winner": res.winner, "payments": res.payments, "utilities": res.utilities, "revenue": res.revenue,
              "ledger": ledger, "ledger_verified": res.verification.ok, "ledger_problem": res.verification.problem,
              "tree": {b: list(p) for b, p in res.tree.items()}, "rounds": res.rounds, "messages": len(res.log)}
    result["seller_key"] = res.ledger.key_table().get(net.seller, "")
    buyers = list(net.buyers)
    exported = res.ledger.export()
    if export_ledger is not None:
        from fairbid.core.rundir import atomic_write_json

        atomic_write_json(export_ledger, exported)
    rd = save_run(out, "diffusion-protocol", seed,
             {"command": "diffusion protocol", "network": str(network), "runtime": runtime, "seed": seed},
             {k: v for k, v in result.items() if k not in ("ledger", "tree")},
             tables={"ledger": {key: [r[key] for r in ledger] for key in ("index", "seller", "buyer", "price",
                                                                           "prev_hash", "hash")},
                     "messages": {"message": [str(m) for m in res.log]}},
             figures={"utilities": lambda: bar_figure(buyers, [res.utilities[b] for b in buyers],
                                                      ylabel="utility", title="distributed SRA")})
    if rd is not None:
        rd.write_json("ledger.json", exported)
    if json_mode:
        if trace:
            result["log"] = [str(m) for m in res.log]
        emit(result, True)
        return
    if trace:
        typer.echo("message log:")
        for m in res.log:
            typer.echo(f"  {m}")
    typer.echo("ledger:")
    for line in res.ledger.lines():
        typer.echo(f"  {line}")
    status = "verified" if res.verification.ok else f"FAILED: {res.verification.problem} at {res.verification.index}"
    typer.echo(f"ledger check: {status} ({len(res.ledger.records)} records, hash chain + Ed25519 signatures, "
               f"seller-signed key table and head; seller key {result['seller_key']})")
    typer.echo(f"winner: {res.winner}  revenue: {res.revenue:.6g}  rounds: {res.rounds}  messages: {len(res.log)}")
    for b in net.buyers:
        if res.payments[b] or b == res.winner:
            typer.echo(f"  {b}: pays {res.payments[b]:+.6g}  utility {res.utilities[b]:.6g}")


@app.command("verify-ledger")
def verify_ledger_cmd(
    file: Annotated[Path, typer.Argument(help="Exported ledger JSON (`fairbid diffusion protocol --export-ledger`).")],
    seller_key: Annotated[str | None, typer.Option(
        "--seller-key", help="Trusted public key of the seller (64 hex digits) to pin the key table to.")] = None,
    json_mode: JsonOpt = False,
) -> None:
    """Verify an exported SRA ledger offline: key table, hash chain, signatures, signed head."""
    from fairbid.core.validate import load_json_file
    from fairbid.diffusion.protocol.ledger import Ledger

    start(json_mode)
    if seller_key is not None:
        try:
            ok = len(bytes.fromhex(seller_key)) == 32
        except ValueError:
            ok = False
        if not ok:
            raise FairbidError("--seller-key", "must be 64 hex digits", seller_key)
    ledger = Ledger.from_export(load_json_file(file, "ledger file"))
    check = ledger.verify(seller_key=seller_key)
    if not check.ok:
        raise FairbidError("ledger", check.problem + (f" at record {check.index}" if check.index >= 0 else ""),
                           file.name)
    result = {"valid": True, "records": len(ledger.records), "seller": ledger.seller,
              "seller_key": ledger.key_table()[ledger.seller], "head": ledger.head(),
              "winner": ledger.records[-1].buyer if ledger.records else None}
    if json_mode:
        emit(result, True)
        return
    typer.echo(f"valid: {result['records']} records, winner {result['winner']}, head {result['head'][:16]}, "
               f"seller {ledger.seller} key {result['seller_key']}")
