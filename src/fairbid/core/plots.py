"""Small shared figures for single-command run directories."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def bar_figure(labels: Sequence[Any], values: Sequence[float], *, errors: Sequence[float] | None = None,
               ylabel: str, title: str) -> Any:
    """A bar chart of ``values`` per label (with optional error bars); returns the matplotlib figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = [str(x) for x in labels]
    fig, ax = plt.subplots(figsize=(max(4.0, 0.45 * len(labels) + 2), 3.5))
    ax.bar(range(len(labels)), values, yerr=errors, capsize=3 if errors is not None else 0, color="#4C72B0")
    ax.set_xticks(range(len(labels)), labels, rotation=45 if len(labels) > 8 else 0, ha="right" if len(labels) > 8 else "center")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    fig.tight_layout()
    return fig
