"""Figures for single-command runs (``fairbid auctions ... --out DIR``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_curves(x: np.ndarray, curves: Mapping[str, np.ndarray], *, ylabel: str, title: str) -> Any:
    """One line per named curve over values ``x``; returns the matplotlib figure."""
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 4))
    for label, y in curves.items():
        ax.plot(x, y, label=label)
    ax.set_xlabel("value x")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8)
    return fig


def plot_platform(results: Sequence[Any]) -> Any:
    """Remaining advertisers and cumulative profit over clicks (the seed's Figs. 9-10), one line per mechanism."""
    plt = _plt()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for r in results:
        clicks = np.arange(1, r.remaining.size + 1)
        left.plot(clicks, r.remaining, label=r.label)
        right.plot(clicks, r.profit, label=r.label)
    left.set(xlabel="user clicks", ylabel="remaining advertisers", title="Remaining advertisers")
    right.set(xlabel="user clicks", ylabel="cumulative profit", title="Platform profit")
    left.legend(fontsize=8)
    return fig
