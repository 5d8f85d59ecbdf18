"""A small, validated description of one auction mechanism of seed 004.

The five kinds the seed studies:

- ``fp``: first price with reserve ``reserve``.
- ``sp``: second price with reserve ``reserve``.
- ``ep``: Equal-Possible with reserve ``reserve`` (Def. 3): one of the N bidders is drawn uniformly
  and pays ``reserve``; no sale when her bid is below it (so p = 1/N and R = r(1 − F(r)), Eqs. 6, 10).
- ``pfp``: probabilistic first price, FP(r1) with probability 1 − λ, EP(r2) with probability λ.
- ``psp``: probabilistic second price, SP(r1) with probability 1 − λ, EP(r2) with probability λ.

The seed requires ``0 <= r2 <= r1`` and ``λ ∈ [0, 1]`` for the probabilistic mechanisms (§IV-B).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fairbid.core.errors import FairbidError, check_choice, check_float, check_probability

KINDS = ("fp", "sp", "ep", "pfp", "psp")
SIMPLE_KINDS = ("fp", "sp", "ep")
PROBABILISTIC_KINDS = ("pfp", "psp")


@dataclass(frozen=True)
class MechanismSpec:
    """One mechanism: a kind and its reserve(s); checked on construction.

    Parameters
    ----------
    kind : {"fp", "sp", "ep", "pfp", "psp"}
        The mechanism.
    reserve : float
        Reserve price of a simple mechanism (``fp``, ``sp``, ``ep``); for ``pfp``/``psp`` it is set
        to ``r1`` (the reserve of the classical part) so that ``reserve`` is always meaningful.
    r1, r2 : float, optional
        Reserves of the classical part and of the Equal-Possible part (``pfp``/``psp`` only),
        ``0 <= r2 <= r1``.
    lam : float, optional
        Probability λ ∈ [0, 1] of running the Equal-Possible part (``pfp``/``psp`` only).

    Raises
    ------
    FairbidError
        Unknown kind, negative reserve, ``r2 > r1``, λ outside [0, 1], or r1/r2/λ missing for a
        probabilistic kind (or given for a simple one).

    Examples
    --------
    >>> MechanismSpec.psp(0.5, 0.2, 0.1)
    MechanismSpec(kind='psp', reserve=0.5, r1=0.5, r2=0.2, lam=0.1)
    >>> MechanismSpec.sp(0.3).components()
    [(1.0, 'sp', 0.3)]
    >>> MechanismSpec.pfp(0.5, 0.6, 0.1)
    Traceback (most recent call last):
    ...
    fairbid.core.errors.FairbidError: r2: must not exceed r1 = 0.5 (got 0.6)
    """

    kind: str
    reserve: float = 0.0
    r1: float | None = None
    r2: float | None = None
    lam: float | None = None

    def __post_init__(self) -> None:
        self.validate()

    def validate(self) -> "MechanismSpec":
        """Check the fields (run on construction); return ``self``."""
        kind = check_choice("mechanism", str(self.kind).lower(), KINDS)
        object.__setattr__(self, "kind", kind)
        if kind in PROBABILISTIC_KINDS:
            self._validate_probabilistic()
        else:
            self._validate_simple()
        return self

    def _validate_simple(self) -> None:
        for name in ("r1", "r2", "lam"):
            if getattr(self, name) is not None:
                raise FairbidError(name, f"only applies to pfp/psp, not {self.kind}", getattr(self, name))
        object.__setattr__(self, "reserve", check_float("reserve", self.reserve, 0.0, finite=True))

    def _validate_probabilistic(self) -> None:
        for name in ("r1", "r2", "lam"):
            if getattr(self, name) is None:
                raise FairbidError(name, f"is required for {self.kind}", None)
        r1 = check_float("r1", self.r1, 0.0, finite=True)  # an infinite reserve sells nothing
        r2 = check_float("r2", self.r2, 0.0, finite=True)
        lam = check_probability("lambda", self.lam)
        if r2 > r1:
            raise FairbidError("r2", f"must not exceed r1 = {r1:g}", r2)
        object.__setattr__(self, "r1", r1)
        object.__setattr__(self, "r2", r2)
        object.__setattr__(self, "lam", lam)
        object.__setattr__(self, "reserve", r1)

    # -- constructors -------------------------------------------------------------------------
    @classmethod
    def fp(cls, reserve: float = 0.0) -> "MechanismSpec":
        """First price with reserve."""
        return cls("fp", reserve)

    @classmethod
    def sp(cls, reserve: float = 0.0) -> "MechanismSpec":
        """Second price with reserve."""
        return cls("sp", reserve)

    @classmethod
    def ep(cls, reserve: float = 0.0) -> "MechanismSpec":
        """Equal-Possible with reserve."""
        return cls("ep", reserve)

    @classmethod
    def pfp(cls, r1: float, r2: float, lam: float) -> "MechanismSpec":
        """pFP(r1, r2, λ): FP(r1) w.p. 1 − λ, EP(r2) w.p. λ."""
        return cls("pfp", r1, r1=r1, r2=r2, lam=lam)

    @classmethod
    def psp(cls, r1: float, r2: float, lam: float) -> "MechanismSpec":
        """pSP(r1, r2, λ): SP(r1) w.p. 1 − λ, EP(r2) w.p. λ."""
        return cls("psp", r1, r1=r1, r2=r2, lam=lam)

    @classmethod
    def parse(
        cls,
        kind: str,
        reserve: float | None = None,
        r1: float | None = None,
        r2: float | None = None,
        lam: float | None = None,
    ) -> "MechanismSpec":
        """Build from CLI-style options: ``--reserve`` for fp/sp/ep, ``--r1 --r2 --lam`` for pfp/psp.

        For a simple kind, a missing ``reserve`` means 0. For pfp/psp, ``reserve`` (if given without
        ``r1``) is taken as ``r1``.
        """
        kind = check_choice("--mechanism", str(kind).lower(), KINDS)
        if kind in PROBABILISTIC_KINDS:
            if r1 is None and reserve is not None:
                r1 = reserve
            elif r1 is not None and reserve is not None and float(reserve) != float(r1):
                raise FairbidError("--reserve", f"conflicts with --r1 for {kind}; give only --r1", reserve)
            return cls(kind, 0.0 if r1 is None else r1, r1=r1, r2=r2, lam=lam)
        for name, value in (("--r1", r1), ("--r2", r2), ("--lam", lam)):
            if value is not None:
                raise FairbidError(name, f"only applies to pfp/psp, not {kind}; use --reserve", value)
        return cls(kind, 0.0 if reserve is None else reserve)

    # -- views --------------------------------------------------------------------------------
    @property
    def is_probabilistic(self) -> bool:
        return self.kind in PROBABILISTIC_KINDS

    @property
    def classical(self) -> str:
        """The classical part's kind: ``fp``/``sp``/``ep`` for simple kinds, fp or sp for pfp/psp."""
        return {"pfp": "fp", "psp": "sp"}.get(self.kind, self.kind)

    def components(self) -> list[tuple[float, str, float]]:
        """The mixture as ``[(probability, simple kind, reserve), ...]`` with positive probabilities."""
        if not self.is_probabilistic:
            return [(1.0, self.kind, float(self.reserve))]
        assert self.lam is not None and self.r1 is not None and self.r2 is not None
        parts = [(1.0 - self.lam, self.classical, self.r1), (self.lam, "ep", self.r2)]
        return [p for p in parts if p[0] > 0.0]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict for configs and JSON."""
        return {"kind": self.kind, "reserve": self.reserve, "r1": self.r1, "r2": self.r2, "lam": self.lam}

    def __str__(self) -> str:
        if self.is_probabilistic:
            return f"{self.kind}(r1={self.r1:g}, r2={self.r2:g}, lambda={self.lam:g})"
        return f"{self.kind}(r={self.reserve:g})"
