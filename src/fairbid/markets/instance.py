"""One instance format for every market model of :mod:`fairbid.markets`, its JSON reader and generators.

JSON: ``{"valuations": [[...] buyers x goods], "budgets": [...], "supply": [...] (default 1s),
"endowments": [[...]] (Arrow-Debreu only, buyers x goods), "caps": [...] (satiation only)}``.

Conventions (shared by every solver and by :func:`fairbid.markets.check_equilibrium`): ``allocation[i, j]``
is buyer ``i``'s share of good ``j``'s supply, so buyer ``i`` receives ``allocation[i, j] * supply[j]``
units; ``prices[j]`` is the price of one unit; ``spend[i] = sum_j prices[j] * supply[j] * allocation[i, j]``;
utility ``u_i = sum_j valuations[i, j] * supply[j] * allocation[i, j]``. In the auction-market models
(pacing, throttling) each unit of supply is one auction (impression) and ``valuations[i, j]`` the value
of one impression of kind ``j``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError

#: Dense matrices only: at most this many buyer-good cells (10^4 x 10^3 buyers x goods is 10^7).
MAX_CELLS = 50_000_000
MAX_SIDE = 1_000_000


@dataclass(frozen=True)
class MarketInstance:
    """Buyers, goods, values, budgets, supply; endowments (Arrow-Debreu) and caps (satiation) optional.

    Parameters
    ----------
    valuations : ndarray, shape (n, m)
        ``v_ij >= 0`` per unit; every buyer values some good.
    budgets : ndarray, shape (n,)
        ``B_i > 0`` (unused by Arrow-Debreu, where budgets are ``p . e_i``).
    supply : ndarray, shape (m,)
        Units of each good, ``> 0``.
    endowments : ndarray (n, m) or None
        Arrow-Debreu: what each agent owns; the supply is then the column sums.
    caps : ndarray (n,) or None
        Satiation: utility limit ``c_i > 0`` of each buyer (``inf`` = no limit).
    """

    valuations: np.ndarray
    budgets: np.ndarray
    supply: np.ndarray
    endowments: np.ndarray | None = None
    caps: np.ndarray | None = None

    @property
    def n(self) -> int:
        return int(self.valuations.shape[0])

    @property
    def m(self) -> int:
        return int(self.valuations.shape[1])

    @property
    def scaled(self) -> np.ndarray:
        """Value of each good's whole supply, ``v_ij * s_j``: solvers work on unit-supply markets."""
        return self.valuations * self.supply[None, :]

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"valuations": self.valuations.tolist(), "budgets": self.budgets.tolist(),
                             "supply": self.supply.tolist()}
        if self.endowments is not None:
            d["endowments"] = self.endowments.tolist()
        if self.caps is not None:
            d["caps"] = [None if not np.isfinite(c) else float(c) for c in self.caps]
        return d


def _finite_nonneg(what: str, a: np.ndarray, allow_inf: bool = False) -> None:
    if np.isnan(a).any():
        raise FairbidError(what, "must not contain NaN", "NaN")
    if not allow_inf and not np.isfinite(a).all():
        raise FairbidError(what, "must be finite", a[~np.isfinite(a)].flat[0])
    if (a < 0).any():
        raise FairbidError(what, "must be non-negative", float(a[a < 0].flat[0]))


def make_instance(valuations: Any, budgets: Any = None, supply: Any = None, endowments: Any = None,
                  caps: Any = None) -> MarketInstance:
    """Build and check a :class:`MarketInstance` from arrays (see the module docstring for the format).

    ``budgets`` defaults to all 1 (and is ignored by Arrow-Debreu); ``supply`` to all 1, or to the column
    sums of ``endowments`` when given.
    """
    try:
        v = np.array(valuations, dtype=float)
    except (ValueError, TypeError):
        raise FairbidError("valuations", "must be a rectangular matrix of numbers", "ragged or non-numeric") from None
    if v.ndim != 2 or v.shape[0] == 0 or v.shape[1] == 0:
        raise FairbidError("valuations", "must be a non-empty buyers x goods matrix", f"shape {v.shape}")
    n, m = v.shape
    if v.size > MAX_CELLS or n > MAX_SIDE or m > MAX_SIDE:
        raise FairbidError("valuations", f"at most {MAX_CELLS} buyer-good cells are supported", f"shape {v.shape}")
    _finite_nonneg("valuations", v)
    zero = ~(v > 0).any(axis=1)
    if zero.any():
        raise FairbidError(f"valuations[{int(np.argmax(zero))}]", "a buyer must value at least one good", "all zeros")
    b = np.ones(n) if budgets is None else np.array(budgets, dtype=float)
    if b.shape != (n,):
        raise FairbidError("budgets", f"must have one entry per buyer ({n})", f"shape {b.shape}")
    _finite_nonneg("budgets", b)
    if (b <= 0).any():
        raise FairbidError(f"budgets[{int(np.argmax(b <= 0))}]", "must be positive", float(b[b <= 0][0]))
    e = None
    if endowments is not None:
        e = np.array(endowments, dtype=float)
        if e.shape != (n, m):
            raise FairbidError("endowments", f"must be a {n} x {m} matrix like valuations", f"shape {e.shape}")
        _finite_nonneg("endowments", e)
        if not (e.sum(axis=0) > 0).all():
            raise FairbidError(f"endowments (column {int(np.argmin(e.sum(axis=0) > 0))})",
                               "every good must be owned by someone", 0)
    if supply is None:
        s = e.sum(axis=0) if e is not None else np.ones(m)
    else:
        s = np.array(supply, dtype=float)
        if s.shape != (m,):
            raise FairbidError("supply", f"must have one entry per good ({m})", f"shape {s.shape}")
        _finite_nonneg("supply", s)
        if (s <= 0).any():
            raise FairbidError(f"supply[{int(np.argmax(s <= 0))}]", "must be positive", float(s[s <= 0][0]))
        if e is not None and not np.allclose(s, e.sum(axis=0), rtol=1e-9, atol=1e-12):
            raise FairbidError("supply", "must equal the column sums of endowments (or be omitted)", s.tolist()[:5])
    c = None
    if caps is not None:
        c = np.array([np.inf if x is None else x for x in np.asarray(caps, dtype=object).ravel()], dtype=float)
        if c.shape != (n,):
            raise FairbidError("caps", f"must have one entry per buyer ({n})", f"shape {c.shape}")
        _finite_nonneg("caps", c, allow_inf=True)
        if (c <= 0).any():
            raise FairbidError(f"caps[{int(np.argmax(c <= 0))}]", "must be positive", float(c[c <= 0][0]))
    return MarketInstance(v, b, s, e, c)


def instance_from_dict(doc: Any, what: str = "instance") -> MarketInstance:
    """Parse the instance JSON object; every error names the field (e.g. ``valuations[1][0]``)."""
    from fairbid.core.validate import require_matrix, require_type, require_vector

    require_type(what, doc, dict, "a JSON object with 'valuations'")
    allowed = ("valuations", "budgets", "supply", "endowments", "caps")
    for key in doc:
        if key not in allowed:
            raise FairbidError(f"{what}.{key}", "unknown field; expected " + ", ".join(allowed), key)
    if "valuations" not in doc:
        raise FairbidError(what, "missing field 'valuations'")
    v = require_type("valuations", doc["valuations"], list, "a list of rows")
    if len(v) > MAX_SIDE:
        raise FairbidError("valuations", f"at most {MAX_SIDE} buyers", len(v))
    vals = require_matrix("valuations", v, low=0.0)
    n, m = len(vals), len(vals[0])
    if n * m > MAX_CELLS:
        raise FairbidError("valuations", f"at most {MAX_CELLS} buyer-good cells", n * m)
    budgets = require_vector("budgets", doc["budgets"], n, low=0.0) if "budgets" in doc else None
    supply = require_vector("supply", doc["supply"], m, low=0.0) if "supply" in doc else None
    endow = None
    if "endowments" in doc:
        endow = require_matrix("endowments", doc["endowments"], low=0.0)
        if len(endow) != n or len(endow[0]) != m:
            raise FairbidError("endowments", f"must be {n} x {m} like valuations", f"{len(endow)} x {len(endow[0])}")
    caps = None
    if "caps" in doc:
        raw = require_type("caps", doc["caps"], list, "a list of numbers (null = no cap)")
        if len(raw) != n:
            raise FairbidError("caps", f"must have {n} entries", len(raw))
        caps = [None if x is None else require_vector(f"caps[{i}]", [x], low=0.0)[0] for i, x in enumerate(raw)]
    return make_instance(vals, budgets, supply, endow, caps)


def load_instance(path: str | Path) -> MarketInstance:
    """Read a market instance JSON file (see :func:`instance_from_dict`)."""
    from fairbid.core.validate import load_json_file

    return instance_from_dict(load_json_file(path, "--instance"))


def random_instance(n_buyers: int, n_goods: int, *, seed: Any = None, density: float = 1.0,
                    budgets: str = "uniform", endowments: bool = False, caps: float | None = None) -> MarketInstance:
    """A random market: values ``U[0, 1]`` (each cell kept with probability ``density``, at least one per
    buyer and per good), budgets ``U[0.5, 1.5]`` (``"uniform"``) or 1 (``"equal"``), unit supply.

    ``endowments=True`` gives each agent ``U[0, 1]`` of every good (Arrow-Debreu; with ``density=1`` the
    economy graph is complete, so an equilibrium exists). ``caps=c`` sets every buyer's utility cap to ``c``
    times her utility for her budget share of everything (so some caps bind).
    """
    from fairbid.core.errors import check_choice, check_float, check_int
    from fairbid.core.rng import as_generator

    n = check_int("n_buyers", n_buyers, 1, MAX_SIDE)
    m = check_int("n_goods", n_goods, 1, MAX_SIDE)
    if n * m > MAX_CELLS:
        raise FairbidError("n_buyers x n_goods", f"at most {MAX_CELLS} cells", n * m)
    q = check_float("density", density, 0.0, 1.0)
    check_choice("budgets", budgets, ("uniform", "equal"))
    rng = as_generator(seed)
    v = rng.random((n, m))
    if q < 1.0:
        keep = rng.random((n, m)) < q
        keep[np.arange(n), rng.integers(0, m, n)] = True
        keep[rng.integers(0, n, m), np.arange(m)] = True
        v = np.where(keep, v, 0.0)
    v = np.maximum(v, 1e-3) * (v > 0)  # keep kept values away from 0 (well-conditioned instances)
    b = rng.uniform(0.5, 1.5, n) if budgets == "uniform" else np.ones(n)
    e = rng.random((n, m)) + 1e-3 if endowments else None
    c = None
    if caps is not None:
        c = check_float("caps", caps, 0.0) * (v.sum(axis=1) * b / b.sum())
    return make_instance(v, b, None, e, c)
