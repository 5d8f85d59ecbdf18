"""Shared CLI pieces: common options, JSON output, run directories."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from fairbid.core.progress import set_progress
from fairbid.core.rundir import RunDir, to_jsonable

SeedOpt = Annotated[int, typer.Option("--seed", help="Random seed (same seed, same numbers).", min=0)]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")]


def _check_out(value: Path | None) -> Path | None:
    """Refuse an unusable ``--out`` while parsing, before any work starts (nothing is created here)."""
    if value is None:
        return None
    from fairbid.core.validate import check_output_dir

    return check_output_dir(value, "--out")


OutOpt = Annotated[
    Path | None, typer.Option("--out", help="Run directory to write config, results, figures and report into.",
                              callback=_check_out)
]
BackendOpt = Annotated[str, typer.Option("--backend", help="Executor backend: serial, process or ray.")]
WorkersOpt = Annotated[int | None, typer.Option("--workers", help="Worker count for process/ray backends (at most 1024).",
                                                min=1, max=1024)]


def start(json_mode: bool) -> None:
    """Call first in every command: under ``--json`` no progress bar may touch the terminal."""
    if json_mode:
        set_progress(False)


def emit(result: dict[str, Any], json_mode: bool, title: str = "") -> None:
    """Print ``result``: one JSON object on stdout with ``--json``, else a rich table."""
    if json_mode:
        sys.stdout.write(json.dumps(to_jsonable(result)) + "\n")
        sys.stdout.flush()
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title or None, show_header=False)
    for key, value in to_jsonable(result).items():
        text = json.dumps(value) if isinstance(value, (list, dict)) else str(value)
        if len(text) > 200:
            text = text[:197] + "..."
        table.add_row(str(key), text)
    Console().print(table)


def info(message: str, json_mode: bool = False) -> None:
    """A human-facing line on stderr (never on stdout, so ``--json`` output stays clean)."""
    if not json_mode:
        typer.echo(message, err=True)


def run_dir(out: Path | None, name: str, seed: int, config: dict[str, Any]) -> RunDir | None:
    """A :class:`RunDir` at exactly ``out`` when given, else None (commands write files only on request)."""
    if out is None:
        return None
    return RunDir.create(out, name, seed=seed, config=config, exact=True)


def save_run(
    out: Path | None,
    name: str,
    seed: int,
    config: dict[str, Any],
    summary: dict[str, Any],
    *,
    tables: dict[str, dict[str, Any]] | None = None,
    figures: dict[str, Any] | None = None,
) -> RunDir | None:
    """With ``--out``: write config, versions, Parquet tables, PNG figures, summary and report.html there.

    ``figures`` maps a name to a zero-argument callable returning a matplotlib figure, so nothing is
    drawn when no run directory was asked for.
    """
    if out is None:
        return None
    from fairbid.core.report import write_run_report

    rd = RunDir.create(out, name, seed=seed, config=config, exact=True)
    for tname, columns in (tables or {}).items():
        rd.write_table(tname, columns)
    for fname, make in (figures or {}).items():
        rd.save_figure(fname, make())
    write_run_report(rd, f"fairbid {name.replace('-', ' ', 1)}", summary)
    return rd


def emit_catalog(json_mode: bool, subpackage: str | None = None) -> None:
    """Print the mechanism registry (``fairbid list``): JSON with ``--json``, else a rich table."""
    from fairbid.core.errors import check_choice
    from fairbid.core.registry import SUBPACKAGES, entries

    if subpackage is not None:
        check_choice("--subpackage", subpackage, SUBPACKAGES)
    rows = entries(subpackage)
    if json_mode:
        sys.stdout.write(json.dumps({"entries": [e.as_dict() for e in rows]}) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"fairbid registry: {len(rows)} entries")
    for col in ("name", "kind", "seed"):
        table.add_column(col, no_wrap=True)
    table.add_column("title", ratio=2)
    table.add_column("claims", ratio=1)
    for e in rows:
        claims = ", ".join(("" if c.holds else "not ") + c.prop for c in e.claims)
        table.add_row(e.name, e.kind, e.seed, e.title, claims)
    Console().print(table)
