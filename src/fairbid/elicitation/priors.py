"""Signal priors for peer prediction: the joint distribution of two agents' signals on one task.

Seed 000, *Eliciting and Aggregating Information: An Information Theoretic Approach* (talk). Agents see
private signals in ``{0, ..., k-1}``; ``U[s, t] = P(agent i sees s, agent j sees t)``. Tasks are a priori
similar: each task's signal pair is drawn independently from ``U``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_float, check_int

MAX_SIGNALS = 12


@dataclass(frozen=True)
class SignalPrior:
    """A symmetric joint signal distribution ``U`` (``k x k``, non-negative, summing to 1)."""

    joint: np.ndarray

    @property
    def k(self) -> int:
        return int(self.joint.shape[0])

    @property
    def marginal(self) -> np.ndarray:
        """``P(s)``."""
        return self.joint.sum(axis=1)

    @property
    def conditional(self) -> np.ndarray:
        """``P(t | s)``, rows indexed by ``s``."""
        return self.joint / self.marginal[:, None]


def make_prior(joint: Any, what: str = "joint") -> SignalPrior:
    """Check and wrap a joint matrix: square, ``2 <= k <= 12``, finite, ``>= 0``, sums to 1 (to 1e-9),
    symmetric (to 1e-9) and every signal has positive probability."""
    u = np.asarray(joint, dtype=float) if not isinstance(joint, np.ndarray) else joint.astype(float)
    if u.ndim != 2 or u.shape[0] != u.shape[1] or not 2 <= u.shape[0] <= MAX_SIGNALS:
        raise FairbidError(what, f"must be a square k x k matrix with 2 <= k <= {MAX_SIGNALS}", f"shape {u.shape}")
    if not np.isfinite(u).all():
        raise FairbidError(what, "must be finite numbers", "nan/inf")
    if (u < 0).any():
        raise FairbidError(what, "must be non-negative", float(u.min()))
    if abs(u.sum() - 1) > 1e-9:
        raise FairbidError(what, "must sum to 1", float(u.sum()))
    if np.abs(u - u.T).max() > 1e-9:
        raise FairbidError(what, "must be symmetric (agents are exchangeable)", float(np.abs(u - u.T).max()))
    if (u.sum(axis=1) <= 0).any():
        raise FairbidError(what, "every signal must have positive probability", int(np.argmin(u.sum(axis=1))))
    return SignalPrior((u + u.T) / 2)


PRIOR_KINDS = ("noisy-state", "dirichlet")


def random_prior(k: int, kind: str = "noisy-state", *, seed: Any = None, accuracy: float | None = None) -> SignalPrior:
    """A random prior with ``k`` signals.

    ``noisy-state``: a latent state ``w ~ Dirichlet(1)`` over ``k`` values; each agent independently sees
    ``w`` with probability ``accuracy`` (default ``U[0.2, 0.9]``) and otherwise a uniform signal.
    ``dirichlet``: a symmetrised ``Dirichlet(1)`` joint matrix (no structure; signals may be negatively
    correlated).
    """
    from fairbid.core.rng import as_generator

    k = check_int("--signals", k, 2, MAX_SIGNALS)
    check_choice("--kind", kind, PRIOR_KINDS)
    rng = as_generator(seed)
    if kind == "dirichlet":
        m = rng.dirichlet(np.ones(k * k)).reshape(k, k)
        return make_prior((m + m.T) / 2)
    a = rng.uniform(0.2, 0.9) if accuracy is None else check_float("accuracy", accuracy, 0.0, 1.0)
    p = rng.dirichlet(np.ones(k))
    emit = a * np.eye(k) + (1 - a) / k  # P(signal | state), rows = states
    u = emit.T @ np.diag(p) @ emit
    return make_prior(u / u.sum())


def load_prior(path: Any) -> SignalPrior:
    """Read ``{"joint": [[...], ...]}`` from a JSON file."""
    from fairbid.core.validate import load_json_file, require_matrix, require_type

    doc = require_type("--prior", load_json_file(path, "--prior"), dict, 'a JSON object {"joint": [[...]]}')
    if "joint" not in doc:
        raise FairbidError("--prior", "missing field 'joint'")
    rows = require_matrix("joint", doc["joint"], low=0.0)
    return make_prior(rows)
