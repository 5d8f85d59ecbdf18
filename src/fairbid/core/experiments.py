"""Registry of paper experiments; each system registers its own in ``fairbid.<system>.experiments``.

An experiment is a function ``run(ctx) -> dict`` that writes its tables and figures into ``ctx.out``
(a :class:`~fairbid.core.rundir.RunDir`) and returns a small summary (name -> number or text) that the
report shows. It must take all randomness from ``ctx.seed`` and honour ``ctx.scale``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fairbid.core.errors import FairbidError
from fairbid.core.executor import Executor
from fairbid.core.rundir import RunDir

from fairbid.core.registry import SUBPACKAGES as SYSTEMS  # every subpackage may register experiments
SCALES = ("quick", "paper")


@dataclass
class ExperimentContext:
    """What an experiment gets: scale, seed, executor and its own output directory."""

    scale: str
    seed: int
    executor: Executor
    out: RunDir
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def quick(self) -> bool:
        return self.scale == "quick"


@dataclass(frozen=True)
class Experiment:
    """A registered experiment."""

    name: str
    system: str
    title: str
    description: str
    run: Callable[[ExperimentContext], dict[str, Any]]
    order: int = 0


_REGISTRY: dict[str, Experiment] = {}


def register(name: str, *, title: str, description: str = "", order: int = 0):
    """Decorator registering ``run(ctx)`` as experiment ``name`` (``<system>.<short-name>``)."""
    system = name.split(".", 1)[0]
    if system not in SYSTEMS:
        raise FairbidError("experiment", f"name must start with one of {', '.join(SYSTEMS)}", name)

    def deco(fn: Callable[[ExperimentContext], dict[str, Any]]):
        _REGISTRY[name] = Experiment(name, system, title, description or (fn.__doc__ or "").strip(), fn, order)
        return fn

    return deco


def load_all() -> dict[str, Experiment]:
    """Import every system's ``experiments`` module and return the registry, in report order."""
    for system in SYSTEMS:
        try:
            importlib.import_module(f"fairbid.{system}.experiments")
        except ModuleNotFoundError as exc:
            if exc.name not in (f"fairbid.{system}", f"fairbid.{system}.experiments"):
                raise
    keyed = sorted(_REGISTRY.values(), key=lambda e: (SYSTEMS.index(e.system), e.order, e.name))
    return {e.name: e for e in keyed}
