"""``fairbid influence``: CLI for fairbid.influence."""

from __future__ import annotations

import typer

app = typer.Typer(no_args_is_help=True)
datasets_app = typer.Typer(no_args_is_help=True)
