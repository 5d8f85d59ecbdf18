"""Entry point of the ``fairbid`` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from fairbid.cli import auctions, cbim, diffusion, influence
from fairbid.cli.common import BackendOpt, SeedOpt, WorkersOpt
from fairbid.core.progress import log_line
from fairbid.core.errors import FairbidError

app = typer.Typer(
    name="fairbid",
    help="Design, simulate and audit auction mechanisms on online platforms and social networks.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(auctions.app, name="auctions", help="Platform auctions: FP/SP, Equal-Possible, pFP/pSP (seed 004).")
app.add_typer(diffusion.app, name="diffusion", help="Diffusion auctions on social networks: SRA, IDM, VCG (seed 003).")
app.add_typer(influence.app, name="influence", help="Influence diffusion, spread estimation, seed selection (seed 001).")
app.add_typer(influence.datasets_app, name="datasets", help="SNAP datasets: list, locate, fetch.")
app.add_typer(cbim.app, name="cbim", help="Competitive bidding influence maximization and MARL (seed 001).")


@app.command()
def reproduce(
    scale: Annotated[str, typer.Option("--scale", help="quick (minutes) or paper (the papers' sizes).")] = "quick",
    seed: SeedOpt = 0,
    out: Annotated[Path, typer.Option("--out", help="Root for the run directory.")] = Path("runs"),
    resume: Annotated[Path | None, typer.Option("--resume", help="Finish an interrupted run directory.")] = None,
    only: Annotated[str | None, typer.Option("--only", help="Comma-separated experiment names or prefixes.")] = None,
    backend: BackendOpt = "serial",
    workers: WorkersOpt = None,
) -> None:
    """Run every registered paper experiment; print the path of report.html."""
    from fairbid.core.reproduce import reproduce as run

    report = run(
        out=out, scale=scale, seed=seed, backend=backend, workers=workers, resume=resume,
        only=[s.strip() for s in only.split(",") if s.strip()] if only else None,
        log=log_line,
    )
    typer.echo(str(report))


@app.command("experiments")
def list_experiments() -> None:
    """List the registered paper experiments."""
    from fairbid.core.experiments import load_all

    for name, exp in load_all().items():
        typer.echo(f"{name:32s} {exp.title}")


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code; bad input gives one ``error:`` line on stderr and 2."""
    try:
        rc = app(args=argv, standalone_mode=False)
    except FairbidError as exc:
        typer.echo(f"error: {exc}", err=True)
        return 2
    except typer.TyperException as exc:  # usage errors: unknown option, bad type, missing argument
        if type(exc).__name__ == "NoArgsIsHelpError":
            typer.echo(exc.format_message(), err=True)
            return 2
        message = " ".join(exc.format_message().split())
        typer.echo(f"error: {message}", err=True)
        return int(getattr(exc, "exit_code", 2) or 2)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("error: interrupted", err=True)
        return 130
    return rc if isinstance(rc, int) else 0


if __name__ == "__main__":
    sys.exit(main())
