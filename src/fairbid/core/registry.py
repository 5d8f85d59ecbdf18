"""One registry of every mechanism, model and algorithm fairbid ships, across all subpackages.

Each subpackage declares its entries in a light module ``fairbid.<subpackage>.catalog`` (no heavy
imports at module level) by calling :func:`register_entry`. ``fairbid list`` prints the registry, the
report reads it, and ``tests/core/test_registry.py`` checks every entry: its solver and checker resolve
to callables and every claimed property names a test that exists.

Solvers and checkers are given as ``"module:attribute"`` strings and resolved with :mod:`importlib`,
never ``eval``, so listing the registry does not import numba, torch or scipy.

Examples
--------
>>> from fairbid.core.registry import Claim, Entry
>>> e = Entry(name="example.vickrey", title="Vickrey auction", seed="-", subpackage="example",
...           kind="mechanism", solver="fairbid.core.registry:Entry",
...           claims=(Claim("IC", True, "tests/core/test_registry.py::test_entry_validation"),))
>>> e.claimed("IC")
True
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fairbid.core.errors import FairbidError

#: Subpackages that may hold a ``catalog`` module, in the order ``fairbid list`` shows them.
SUBPACKAGES = (
    "auctions", "diffusion", "influence", "cbim",
    "markets", "online", "choice", "contests", "elicitation", "games",
)
KINDS = ("mechanism", "model", "algorithm", "environment", "learner", "rule", "policy", "solver")


@dataclass(frozen=True)
class Claim:
    """A property an entry claims (or explicitly disclaims), and the test that checks it.

    Parameters
    ----------
    prop : str
        Short property name, e.g. ``"IC"``, ``"IR"``, ``"budget-balance"``, ``"efficient"``,
        ``"equilibrium"``, ``"competitive-ratio>=0.5"``, ``"agrees-with-reference"``.
    holds : bool
        True when the entry has the property; False when it is documented *not* to have it (the test
        then shows a violation, e.g. the auditor finding a profitable deviation in ``sp-all``).
    test : str
        ``"tests/<path>.py::<function>"``: the test that checks the claim.
    """

    prop: str
    holds: bool
    test: str


@dataclass(frozen=True)
class Entry:
    """One registered mechanism, model or algorithm.

    Parameters
    ----------
    name : str
        ``"<subpackage>.<short-name>"``, unique, e.g. ``"markets.fisher-linear"``.
    title : str
        One line for humans.
    seed : str
        The seed file it comes from (``"000"``..``"004"``) or ``"-"``.
    subpackage : str
        One of :data:`SUBPACKAGES`.
    kind : str
        One of :data:`KINDS`.
    solver : str
        ``"module:attribute"`` of the function or class that computes it.
    check : str or None
        ``"module:attribute"`` of the independent checker (equilibrium conditions, brute force, a
        reference implementation), if any.
    source : str
        The paper or talk it implements, as the seed names it.
    cli : str or None
        The command that runs it, e.g. ``"fairbid markets solve --model fisher-linear"``.
    claims : tuple of Claim
        Properties claimed or disclaimed, each with its test.
    """

    name: str
    title: str
    seed: str
    subpackage: str
    kind: str
    solver: str
    check: str | None = None
    source: str = ""
    cli: str | None = None
    claims: tuple[Claim, ...] = field(default_factory=tuple)

    def claimed(self, prop: str) -> bool | None:
        """True/False when the entry claims/disclaims ``prop``; None when it says nothing about it."""
        for c in self.claims:
            if c.prop == prop:
                return c.holds
        return None

    def as_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``fairbid list --json`` prints per entry)."""
        return {
            "name": self.name, "title": self.title, "seed": self.seed, "subpackage": self.subpackage,
            "kind": self.kind, "solver": self.solver, "check": self.check, "source": self.source,
            "cli": self.cli,
            "claims": [{"property": c.prop, "holds": c.holds, "test": c.test} for c in self.claims],
        }


_REGISTRY: dict[str, Entry] = {}


def register_entry(entry: Entry) -> Entry:
    """Add ``entry`` to the registry (idempotent for an identical entry); return it."""
    if entry.subpackage not in SUBPACKAGES:
        raise FairbidError("registry subpackage", f"must be one of {', '.join(SUBPACKAGES)}", entry.subpackage)
    if not entry.name.startswith(entry.subpackage + "."):
        raise FairbidError("registry name", f"must start with '{entry.subpackage}.'", entry.name)
    if entry.kind not in KINDS:
        raise FairbidError("registry kind", f"must be one of {', '.join(KINDS)}", entry.kind)
    for ref in (entry.solver, entry.check):
        if ref is not None and ref.count(":") != 1:
            raise FairbidError("registry reference", "must be 'module:attribute'", ref)
    for c in entry.claims:
        if "::" not in c.test or not c.test.startswith("tests/"):
            raise FairbidError("registry claim test", "must be 'tests/<file>.py::<test>'", c.test)
    old = _REGISTRY.get(entry.name)
    if old is not None and old != entry:
        raise FairbidError("registry name", "is registered twice with different entries", entry.name)
    _REGISTRY[entry.name] = entry
    return entry


def resolve(ref: str) -> Callable[..., Any]:
    """Import ``"module:attribute"`` and return the attribute."""
    module, _, attr = ref.partition(":")
    obj: Any = importlib.import_module(module)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


def load_catalog(subpackages: tuple[str, ...] | None = None) -> dict[str, Entry]:
    """Import the ``catalog`` module of every subpackage (or of ``subpackages``); return the registry.

    Entries come grouped by subpackage in :data:`SUBPACKAGES` order, each group in registration order.
    """
    for sub in subpackages or SUBPACKAGES:
        try:
            importlib.import_module(f"fairbid.{sub}.catalog")
        except ModuleNotFoundError as exc:
            # A subpackage without a catalog (yet) is skipped; a broken import inside one is not.
            if exc.name not in (f"fairbid.{sub}", f"fairbid.{sub}.catalog"):
                raise
    wanted = set(subpackages or SUBPACKAGES)
    ordered = sorted(_REGISTRY.values(), key=lambda e: SUBPACKAGES.index(e.subpackage))  # stable
    return {e.name: e for e in ordered if e.subpackage in wanted}


def entries(subpackage: str | None = None, kind: str | None = None) -> list[Entry]:
    """Registered entries, optionally filtered by subpackage and kind."""
    catalog = load_catalog(None if subpackage is None else (subpackage,))
    return [e for e in catalog.values() if kind is None or e.kind == kind]


def names(subpackage: str, kind: str | None = None) -> tuple[str, ...]:
    """Short names (after ``<subpackage>.``) of a subpackage's entries: what its CLI accepts."""
    return tuple(e.name.split(".", 1)[1] for e in entries(subpackage, kind))
