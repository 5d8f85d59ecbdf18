"""Truth-telling against uninformative and permutation strategies, for every mechanism."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.core.errors import check_choice
from fairbid.elicitation.mechanisms import MECHANISMS, expected_payment
from fairbid.elicitation.priors import SignalPrior
from fairbid.elicitation.strategies import all_deterministic, strategy_set

MODES = ("unilateral", "collective")


@dataclass(frozen=True)
class StrategyAudit:
    """Expected payment of truth-telling vs every audited strategy.

    ``mode="unilateral"``: agent ``i`` deviates, the peer tells the truth. ``"collective"``: both use the
    same strategy (coordinated misreporting, e.g. always answering the same).
    """

    mechanism: str
    mode: str
    truthful: float
    payments: dict[str, float]
    best_deviation: str
    best_deviation_payment: float

    @property
    def truthful_best(self) -> bool:
        """Truth-telling pays at least as much as every audited strategy (relative tolerance 1e-9)."""
        return self.best_deviation_payment <= self.truthful + 1e-9 * max(1.0, abs(self.truthful))

    def to_dict(self) -> dict[str, Any]:
        return {"mechanism": self.mechanism, "mode": self.mode, "truthful": self.truthful,
                "best_deviation": self.best_deviation, "best_deviation_payment": self.best_deviation_payment,
                "truthful_best": self.truthful_best}


def audit(prior: SignalPrior, mechanism: str, mode: str = "unilateral", *, strategies: str = "standard",
          tasks: int | None = None) -> StrategyAudit:
    """Expected payment of truth-telling vs every strategy in the audited set.

    Parameters
    ----------
    strategies : str
        ``"standard"``: every permutation, every constant report, uniform and prior-marginal random
        reports (:func:`strategy_set`); ``"all"``: every deterministic map signal -> report (``k^k``; the
        best unilateral deviation over *mixed* strategies is attained among these, payments being linear
        in ``S_i``).
    """
    check_choice("--mechanism", mechanism, MECHANISMS)
    check_choice("--mode", mode, MODES)
    check_choice("strategies", strategies, ("standard", "all"))
    k = prior.k
    pool = strategy_set(k, prior.marginal) if strategies == "standard" else all_deterministic(k)
    truth = expected_payment(mechanism, prior, np.eye(k), np.eye(k), tasks=tasks)
    pays: dict[str, float] = {}
    ident = np.eye(k)
    for name, s in pool.items():
        if np.array_equal(s, ident):
            continue
        peer = ident if mode == "unilateral" else s
        pays[name] = expected_payment(mechanism, prior, s, peer, tasks=tasks)
    best = max(pays, key=pays.__getitem__)
    return StrategyAudit(mechanism, mode, truth, pays, best, pays[best])
