"""``fairbid choice``: collective decisions (seed 002: funding public projects, Nash product rule)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fairbid.cli.common import JsonOpt, OutOpt, emit, save_run, start

app = typer.Typer(no_args_is_help=True)

InstanceOpt = Annotated[Path, typer.Option("--instance", help='JSON: {"budgets": {agent: B}, "approvals": {agent: [project, ...]}}.')]
RuleOpt = Annotated[str, typer.Option("--rule", help="nash (Nash product rule) or utilitarian (conditional utilitarian).")]


@app.command("fund")
def fund_cmd(instance: InstanceOpt, rule: RuleOpt = "nash",
             audit: Annotated[bool, typer.Option("--audit", help="Also audit participation: re-run with each "
                                                 "agent contributing 0, 25, 50, 75 % of her budget.")] = False,
             out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Distribute the pooled contributions over the projects; print distribution and utilities."""
    from fairbid.choice import RULES, fund, load_instance, participation_audit
    from fairbid.core.errors import FairbidError, check_choice

    start(json_mode)
    check_choice("--rule", rule, RULES)
    inst = load_instance(instance)
    if audit and len(inst.agents) > 200:
        raise FairbidError("--audit", "re-solves 4 times per agent; at most 200 agents", len(inst.agents))
    res = fund(inst, rule)
    result = res.to_dict()
    if audit:
        result["participation"] = participation_audit(inst, rule).to_dict()
    projects = list(inst.projects)
    save_run(out, "choice-fund", 0, {"command": "choice fund", "instance": str(instance), "rule": rule,
                                     "audit": audit},  # deterministic: no seed
             result,
             tables={"distribution": {"project": projects, "amount": res.distribution.tolist()},
                     "utilities": {"agent": list(inst.agents), "budget": inst.budgets.tolist(),
                                   "utility": res.utilities.tolist()}},
             figures={"distribution": lambda: _bar(projects, res.distribution.tolist(), rule)})
    emit(result, json_mode, title=f"{rule} on {instance.name}")


def _bar(labels, values, rule):
    from fairbid.core.plots import bar_figure

    return bar_figure(labels, values, ylabel="money", title=f"distribution ({rule})")
