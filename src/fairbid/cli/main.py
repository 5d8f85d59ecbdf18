"""Entry point of the ``fairbid`` command."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup, TyperOption

from fairbid.cli.common import BackendOpt, SeedOpt, WorkersOpt
from fairbid.core.errors import FairbidError

_display_type_rich = TyperOption.display_type_rich


def _no_flag_metavar(self: TyperOption, ctx: Any) -> str | None:
    # typer 0.29 labels on/off flags "<bool>" in help although they take no value; show nothing instead.
    return None if self.is_flag else _display_type_rich(self, ctx)


TyperOption.display_type_rich = _no_flag_metavar  # type: ignore[method-assign]

#: Bound of every integer option without an explicit ``max`` (counts, sizes): beyond it a run would
#: exhaust memory or take days, so such a value is a typo. Seeds are exempt (see :func:`_check_number`).
INT_OPTION_LIMIT = 10**8
#: Largest seed: numpy's SeedSequence takes any non-negative integer, but numba and int64 arrays do not.
SEED_LIMIT = 2**63 - 1

_process_value = TyperOption.process_value


def _check_number(self: TyperOption, ctx: Any, value: Any) -> Any:
    """The boundary check every numeric option gets, whichever group defines it.

    NaN and -inf are never valid option values; +inf only where the option's help says
    "inf allowed"; an integer option without its own ``max`` lies in +-:data:`INT_OPTION_LIMIT`
    (a seed in ``[0, SEED_LIMIT]``).
    """
    value = _process_value(self, ctx, value)
    items = value if isinstance(value, (list, tuple)) else (value,)
    name = max(self.opts, key=len) if self.opts else self.name
    for x in items:
        if isinstance(x, bool) or x is None:
            continue
        if isinstance(x, float):
            if x != x:
                raise typer.BadParameter("must be a number, not NaN", ctx=ctx, param=self)
            if (x == float("inf") and "inf allowed" not in (self.help or "")) or x == float("-inf"):
                raise typer.BadParameter("must be finite", ctx=ctx, param=self)
        elif isinstance(x, int):
            is_seed = name == "--seed" or name.endswith("-seed")
            if is_seed and not 0 <= x <= SEED_LIMIT:
                raise typer.BadParameter(f"a seed must lie in [0, 2^63 - 1], got {x}", ctx=ctx, param=self)
            if not is_seed and getattr(self, "max", None) is None and abs(x) > INT_OPTION_LIMIT:
                raise typer.BadParameter(f"must be at most {INT_OPTION_LIMIT} in size, got {x}", ctx=ctx,
                                         param=self)
    return value


TyperOption.process_value = _check_number  # type: ignore[method-assign]


class LazyGroups(TyperGroup):
    """The top-level group: subcommand groups are imported only when one is actually run.

    ``fairbid --help`` lists the groups from :data:`GROUPS` without importing them, so start-up does not
    pay for numba, scipy or torch; ``fairbid <group> ...`` imports just that group's CLI module.
    """

    _listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *GROUPS]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        if cmd_name not in GROUPS:
            return super().get_command(ctx, cmd_name)
        module, attr, help_text = GROUPS[cmd_name]
        if self._listing:  # help only needs the one-line description
            return TyperGroup(name=cmd_name, help=help_text)
        group = typer.main.get_group(getattr(importlib.import_module(module), attr))
        group.name, group.help = cmd_name, help_text
        return group

    def format_help(self, ctx: Any, formatter: Any) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


app = typer.Typer(
    cls=LazyGroups,
    name="fairbid",
    help="Design, simulate and audit auction mechanisms on online platforms and social networks. "
         "Bad input gives one 'error:' line and exit code 2; add --debug anywhere for a traceback.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

#: Command groups: name -> (module, attribute holding the typer app, help). One line per group; a
#: subpackage adds its group here and nowhere else.
GROUPS: dict[str, tuple[str, str, str]] = {
    "auctions": ("fairbid.cli.auctions", "app", "Platform auctions: FP/SP, Equal-Possible, pFP/pSP (seed 004)."),
    "diffusion": ("fairbid.cli.diffusion", "app", "Diffusion auctions on social networks: SRA, IDM, VCG (seed 003)."),
    "influence": ("fairbid.cli.influence", "app", "Influence diffusion, spread estimation, seed selection (seed 001)."),
    "datasets": ("fairbid.cli.influence", "datasets_app", "SNAP datasets: list, locate, fetch."),
    "cbim": ("fairbid.cli.cbim", "app", "Competitive bidding influence maximization and MARL (seed 001)."),
    "choice": ("fairbid.cli.choice", "app", "Collective choice: funding public projects, Nash product rule (seed 002)."),
    "contests": ("fairbid.cli.contests", "app", "All-pay contests and prize design with threshold objectives (seed 002)."),
    "elicitation": ("fairbid.cli.elicitation", "app", "Peer prediction without ground truth: OA, PTS, DMI (seed 000)."),
    "markets": ("fairbid.cli.markets", "app", "Fisher, Arrow-Debreu, pacing and throttling equilibria (seeds 000, 002)."),
    "online": ("fairbid.cli.online", "app", "Online allocation and matching: prophet pricing, reusable resources, dynamic markets, inspections, fairness (seed 002)."),
    "games": ("fairbid.cli.games", "app", "Stackelberg security games: SSE by multiple LPs and ORIGAMI (seed 000)."),
}


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

    names = [s.strip() for s in only.split(",") if s.strip()] if only is not None else None
    if names == []:  # "--only ''" would otherwise mean "everything": minutes of work nobody asked for
        raise FairbidError("--only", "names no experiment", only)
    report = run(
        out=out, scale=scale, seed=seed, backend=backend, workers=workers, resume=resume, only=names,
        log=_log_line(),
    )
    typer.echo(str(report))


@app.command("experiments")
def list_experiments() -> None:
    """List the registered paper experiments."""
    from fairbid.core.experiments import load_all

    for name, exp in load_all().items():
        typer.echo(f"{name:32s} {exp.title}")


@app.command("list")
def list_entries(
    json_mode: Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout and nothing else.")] = False,
    subpackage: Annotated[str | None, typer.Option("--subpackage", help="Only this subpackage's entries.")] = None,
) -> None:
    """List every registered mechanism, model and algorithm with its seed, claims and tests."""
    from fairbid.cli.common import emit_catalog

    emit_catalog(json_mode, subpackage)


def _log_line() -> Any:
    from fairbid.core.progress import log_line

    return log_line


def main(argv: list[str] | None = None) -> int:
    """Run the CLI and return its exit code.

    Bad input gives one ``error:`` line on stderr and exit code 2. Anything unexpected (a bug) gives one
    ``error:`` line, exit code 1 and a hint to rerun with ``--debug``, which shows the traceback instead.
    ``--debug`` may stand anywhere before a ``--``; ``FAIRBID_DEBUG=1`` does the same.
    """
    import os

    args = list(sys.argv[1:] if argv is None else argv)
    cut = args.index("--") if "--" in args else len(args)
    debug = "--debug" in args[:cut] or os.environ.get("FAIRBID_DEBUG", "") not in ("", "0")
    args = [a for a in args[:cut] if a != "--debug"] + args[cut:]
    import warnings

    from fairbid.core.progress import set_progress

    set_progress(True)  # every invocation starts from the default; an earlier --json call must not leak

    try:
        with warnings.catch_warnings():
            if not debug:  # numpy/scipy RuntimeWarnings (overflow in a tail) are noise to a CLI user
                warnings.simplefilter("ignore", RuntimeWarning)
            rc = app(args=args, standalone_mode=False)
    except FairbidError as exc:
        if debug:
            raise
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
    except OSError as exc:
        # The file system refused: an unwritable --out, a full disk, a file vanishing mid-run.
        if debug:
            raise
        where = f" {exc.filename}" if getattr(exc, "filename", None) else ""
        typer.echo(f"error: cannot access{where}: {exc.strerror or type(exc).__name__}", err=True)
        return 2
    except MemoryError:
        if debug:
            raise
        typer.echo("error: out of memory; use smaller sizes or counts", err=True)
        return 2
    except Exception as exc:  # a bug: one line, not a traceback, unless asked for
        if debug:
            raise
        text = " ".join(str(exc).split())[:200]
        typer.echo(f"error: internal error ({type(exc).__name__}: {text}); rerun with --debug for the "
                   "traceback and please report it", err=True)
        return 1
    return rc if isinstance(rc, int) else 0


#: First-generation threshold of the garbage collector in a ``fairbid`` process (Python's default: 700).
GC_THRESHOLD0 = 50_000


def run() -> None:
    """Console entry point (``fairbid``): :func:`main` in a process that ends with it.

    numba, scipy and pydantic create a few hundred thousand long-lived objects while they import. With
    Python's default threshold that triggers repeated full collections during start-up, and interpreter
    shutdown traverses them all once more; on ``influence select --method opim`` these two cost about a
    third of the wall time. So the process raises the first-generation threshold (cyclic garbage is still
    collected, in larger batches) and freezes the heap before shutdown (nothing is collected that
    shutdown would not free anyway). Results do not change. In-process callers (tests, notebooks) call
    :func:`main` and keep the interpreter's settings.
    """
    import gc

    gc.set_threshold(GC_THRESHOLD0)
    rc = main()
    gc.freeze()
    sys.exit(rc)


if __name__ == "__main__":
    run()
