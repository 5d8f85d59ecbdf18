"""``fairbid elicitation``: peer prediction without ground truth (seed 000): OA, PTS, DMI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fairbid.cli.common import JsonOpt, OutOpt, SeedOpt, emit, save_run, start
from fairbid.core.errors import FairbidError

app = typer.Typer(no_args_is_help=True)


@app.command("audit")
def audit_cmd(prior: Annotated[Path | None, typer.Option("--prior", help='JSON {"joint": [[...]]}: symmetric joint '
                                                         "signal distribution of two agents.")] = None,
              signals: Annotated[int | None, typer.Option("--signals", help="Random prior with this many signals "
                                                          "(instead of --prior).")] = None,
              kind: Annotated[str, typer.Option("--kind", help="Random prior: noisy-state or dirichlet.")] = "noisy-state",
              mechanism: Annotated[str, typer.Option("--mechanism", help="Comma-separated: oa, pts, dmi.")] = "oa,pts,dmi",
              mode: Annotated[str, typer.Option("--mode", help="unilateral (peer truthful) or collective (both deviate).")] = "unilateral",
              tasks: Annotated[int | None, typer.Option("--tasks", help="DMI: tasks per agent (even, >= 2k; default 2k).")] = None,
              seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Expected payment of truth-telling vs every permutation and uninformative strategy."""
    from fairbid.core.errors import check_choice
    from fairbid.elicitation import MECHANISMS, MODES, audit, load_prior, random_prior

    start(json_mode)
    check_choice("--mode", mode, MODES)
    mechs = [m.strip() for m in mechanism.split(",") if m.strip()]
    if not mechs:
        raise FairbidError("--mechanism", "must name at least one of oa, pts, dmi", mechanism)
    for m in mechs:
        check_choice("--mechanism", m, MECHANISMS)
    if (prior is None) == (signals is None):
        raise FairbidError("--prior/--signals", "give exactly one of them")
    p = load_prior(prior) if prior is not None else random_prior(signals, kind, seed=seed)
    if p.k > 6:
        raise FairbidError("--signals", "the audit enumerates k! permutations; at most 6 signals", p.k)
    reports = [audit(p, m, mode, tasks=tasks) for m in mechs]
    result = {"prior": p.joint.tolist(), "mode": mode, "mechanisms": {r.mechanism: r.to_dict() for r in reports}}
    rows = [(r.mechanism, name, pay) for r in reports for name, pay in [("truthful", r.truthful), *r.payments.items()]]
    save_run(out, "elicitation-audit", seed,
             {"command": "elicitation audit", "prior": str(prior) if prior else None, "signals": signals,
              "kind": kind, "mechanism": mechs, "mode": mode, "tasks": tasks, "seed": seed},
             {f"{r.mechanism}_truthful_best": r.truthful_best for r in reports},
             tables={"payments": {"mechanism": [x[0] for x in rows], "strategy": [x[1] for x in rows],
                                  "expected_payment": [x[2] for x in rows]}},
             figures={"truthful_vs_best": lambda: _fig(reports)})
    emit(result, json_mode, title=f"peer prediction audit ({mode})")


def _fig(reports):
    from fairbid.core.plots import bar_figure

    labels, values = [], []
    for r in reports:
        scale = max(abs(r.truthful), 1e-300)
        labels += [f"{r.mechanism} truthful", f"{r.mechanism} {r.best_deviation}"]
        values += [1.0, r.best_deviation_payment / scale]
    return bar_figure(labels, values, ylabel="payment / truthful payment", title="truth vs best deviation")
