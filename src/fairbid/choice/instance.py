"""Funding instances: agents with budgets (contributions) and approval sets over public projects.

Brandl, Brandt, Greger, Peters, Stricker, Suksompong, *Funding Public Projects: A Case for the Nash
Product Rule* (seed 002): agents report contributions ``B_i`` and have dichotomous (approval)
preferences; agent ``i``'s utility for a distribution ``x`` of the pooled money is the amount spent on
projects she approves, ``u_i(x) = sum_{p in A_i} x_p``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError

#: Bounds on instance size (the approval matrix is dense: agents x projects floats).
MAX_AGENTS = 200_000
MAX_PROJECTS = 20_000
MAX_CELLS = 50_000_000


@dataclass(frozen=True)
class FundingInstance:
    """Agents, projects, contributions and approvals.

    Parameters
    ----------
    agents : tuple of str
        Agent names, in row order.
    projects : tuple of str
        Project names, in column order.
    budgets : numpy.ndarray
        Contribution ``B_i >= 0`` of each agent, shape ``(n,)``.
    approvals : numpy.ndarray
        Boolean matrix, shape ``(n, m)``; ``approvals[i, p]`` when agent ``i`` approves project ``p``.
    """

    agents: tuple[str, ...]
    projects: tuple[str, ...]
    budgets: np.ndarray
    approvals: np.ndarray

    @property
    def total(self) -> float:
        """The pooled money ``sum_i B_i`` that every rule distributes."""
        return float(self.budgets.sum())

    def with_budget(self, agent: int, budget: float) -> "FundingInstance":
        """The same instance with agent ``agent`` contributing ``budget`` instead."""
        b = self.budgets.copy()
        b[agent] = budget
        return FundingInstance(self.agents, self.projects, b, self.approvals)

    def utilities(self, x: np.ndarray) -> np.ndarray:
        """``u_i(x)``: the money spent on projects agent ``i`` approves."""
        return self.approvals.astype(float) @ np.asarray(x, dtype=float)


def make_instance(budgets: Any, approvals: Any, agents: Any = None, projects: Any = None) -> FundingInstance:
    """Build and check a :class:`FundingInstance` from arrays.

    Parameters
    ----------
    budgets : array_like, shape (n,)
        Non-negative finite contributions, not all zero.
    approvals : array_like, shape (n, m)
        0/1 or boolean approval matrix; every agent must approve at least one project (otherwise her
        Nash-product term ``log u_i`` is ``-inf`` for every distribution).
    agents, projects : sequence of str, optional
        Names; default ``a0, a1, ...`` and ``p0, p1, ...``.
    """
    b = np.asarray(budgets, dtype=float)
    if b.ndim != 1 or b.size == 0:
        raise FairbidError("budgets", "must be a non-empty list of numbers", f"shape {b.shape}")
    if b.size > MAX_AGENTS:
        raise FairbidError("budgets", f"at most {MAX_AGENTS} agents are supported", b.size)
    if not np.isfinite(b).all():
        raise FairbidError("budgets", "must be finite numbers", b[~np.isfinite(b)][0])
    if (b < 0).any():
        raise FairbidError("budgets", "must be non-negative", float(b[b < 0][0]))
    if b.sum() <= 0:
        raise FairbidError("budgets", "must not all be zero (nothing to distribute)", 0)
    a = np.asarray(approvals)
    if a.ndim != 2 or a.shape[0] != b.size or a.shape[1] == 0:
        raise FairbidError("approvals", f"must be an {b.size} x m matrix with m >= 1", f"shape {a.shape}")
    if a.shape[1] > MAX_PROJECTS or a.size > MAX_CELLS:
        raise FairbidError("approvals", f"at most {MAX_PROJECTS} projects and {MAX_CELLS} agent-project cells",
                           f"shape {a.shape}")
    if a.dtype != bool:
        if not np.isin(a, (0, 1)).all():
            raise FairbidError("approvals", "must contain only 0/1 or booleans", a.dtype)
        a = a.astype(bool)
    empty = ~a.any(axis=1)
    names = tuple(str(s) for s in agents) if agents is not None else tuple(f"a{i}" for i in range(b.size))
    pnames = tuple(str(s) for s in projects) if projects is not None else tuple(f"p{j}" for j in range(a.shape[1]))
    if empty.any():
        raise FairbidError("approvals", "every agent must approve at least one project", names[int(np.argmax(empty))])
    if len(names) != b.size or len(set(names)) != b.size:
        raise FairbidError("agents", "must be distinct names, one per budget", len(names))
    if len(pnames) != a.shape[1] or len(set(pnames)) != a.shape[1]:
        raise FairbidError("projects", "must be distinct names, one per column", len(pnames))
    return FundingInstance(names, pnames, b, a)


def instance_from_dict(doc: Any, what: str = "instance") -> FundingInstance:
    """Parse ``{"budgets": {agent: B}, "approvals": {agent: [project, ...]}, "projects": [...]?}``.

    ``projects`` is optional; by default the projects are those approved by someone, in order of first
    appearance. Every field error names the field (e.g. ``approvals.alice[2]``).
    """
    from fairbid.core.validate import require_number, require_type

    require_type(what, doc, dict, "a JSON object with 'budgets' and 'approvals'")
    for key in doc:
        if key not in ("budgets", "approvals", "projects"):
            raise FairbidError(f"{what}.{key}", "unknown field; expected budgets, approvals, projects", key)
    for key in ("budgets", "approvals"):
        if key not in doc:
            raise FairbidError(what, f"missing field '{key}'")
    budgets = require_type("budgets", doc["budgets"], dict, "an object {agent: contribution}")
    approvals = require_type("approvals", doc["approvals"], dict, "an object {agent: [project, ...]}")
    if not budgets:
        raise FairbidError("budgets", "must name at least one agent", budgets)
    if len(budgets) > MAX_AGENTS:
        raise FairbidError("budgets", f"at most {MAX_AGENTS} agents are supported", len(budgets))
    if set(budgets) != set(approvals):
        diff = sorted(set(budgets) ^ set(approvals))
        raise FairbidError("approvals", "must name exactly the agents in budgets", diff[0])
    agents = list(budgets)
    b = [require_number(f"budgets.{a}", budgets[a], 0.0) for a in agents]
    projects: list[str] = []
    if "projects" in doc:
        plist = require_type("projects", doc["projects"], list, "a list of project names")
        for j, p in enumerate(plist):
            require_type(f"projects[{j}]", p, str, "a string")
        if len(set(plist)) != len(plist):
            raise FairbidError("projects", "must not repeat a name", len(plist))
        projects = list(plist)
    known = set(projects)
    fixed = "projects" in doc
    for a in agents:
        lst = require_type(f"approvals.{a}", approvals[a], list, "a list of project names")
        for j, p in enumerate(lst):
            require_type(f"approvals.{a}[{j}]", p, str, "a project name (string)")
            if p not in known:
                if fixed:
                    raise FairbidError(f"approvals.{a}[{j}]", "is not in projects", p)
                if len(projects) >= MAX_PROJECTS:
                    raise FairbidError("approvals", f"at most {MAX_PROJECTS} projects are supported", len(projects))
                known.add(p)
                projects.append(p)
    if len(agents) * max(1, len(projects)) > MAX_CELLS:
        raise FairbidError("instance", f"agents x projects must be at most {MAX_CELLS}", len(agents) * len(projects))
    index = {p: j for j, p in enumerate(projects)}
    mat = np.zeros((len(agents), max(1, len(projects))), dtype=bool)
    for i, a in enumerate(agents):
        for p in approvals[a]:
            mat[i, index[p]] = True
    return make_instance(b, mat, agents, projects or ["(none)"])


def load_instance(path: str | Path) -> FundingInstance:
    """Read a funding instance JSON file (see :func:`instance_from_dict`)."""
    from fairbid.core.validate import load_json_file

    return instance_from_dict(load_json_file(path, "--instance"))


def random_instance(n_agents: int, n_projects: int, *, approve: float = 0.1, seed: Any = None,
                    budget: str = "uniform") -> FundingInstance:
    """A random instance: each agent approves each project with probability ``approve`` (at least one).

    Budgets are ``U[0.5, 1.5]`` (``budget="uniform"``) or all 1 (``"equal"``).
    """
    from fairbid.core.errors import check_choice, check_int, check_probability
    from fairbid.core.rng import as_generator

    n = check_int("n_agents", n_agents, 1, MAX_AGENTS)
    m = check_int("n_projects", n_projects, 1, MAX_PROJECTS)
    q = check_probability("approve", approve)
    check_choice("budget", budget, ("uniform", "equal"))
    rng = as_generator(seed)
    a = rng.random((n, m)) < q
    forced = rng.integers(0, m, size=n)
    a[np.arange(n), forced] |= ~a.any(axis=1)  # an empty ballot gets one random project
    b = rng.uniform(0.5, 1.5, n) if budget == "uniform" else np.ones(n)
    return make_instance(b, a)
