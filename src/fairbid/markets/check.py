"""Independent equilibrium checker: the conditions of each model written from its definition.

:func:`check_equilibrium` takes any solver's output (prices, allocation, spend and, where the model has
them, pacing multipliers or participation probabilities) and returns each condition's largest violation,
as a share of the relevant budget or supply so that numbers are comparable across instances:

- ``feasible``: allocations non-negative, no good over-allocated.
- ``clearing``: a good with a positive price is fully sold (money left unsold / total budget).
- ``spend``: the reported spend equals ``sum_j p_j s_j x_ij`` (relative to the budget).
- ``budget``: Fisher and Arrow-Debreu: every buyer spends her whole budget; satiation, pacing and
  throttling: no buyer overspends, and one who underspends is satiated (``u_i = c_i``) or unpaced
  (``alpha_i = 1`` / ``theta_i = 1``): complementary slackness, ``min(slack_budget, slack_multiplier)``.
- ``optimal-bundle``: Fisher-type models: every buyer spends only on maximum bang-per-buck goods,
  measured as ``1 - u_i / (MBB_i * spend_i)`` (0 exactly when all money buys MBB goods).
- ``prices`` / ``winners``: pacing: the price of a good is the highest (first price) or second-highest
  (second price) paced bid ``alpha_i v_ij``, and only highest bidders get the good.
- ``throttling``: the reported (expected) allocation and spend equal those the participation
  probabilities imply (recomputed here by a direct formula, not the solver's recursion).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_choice
from fairbid.markets.instance import MarketInstance
from fairbid.markets.result import MODELS


def _arr(result: Any, key: str) -> np.ndarray | None:
    val = result.get(key) if isinstance(result, dict) else getattr(result, key, None)
    return None if val is None else np.asarray(val, dtype=float)


def check_equilibrium(model: str, instance: MarketInstance, result: Any) -> dict[str, float]:
    """Largest violation of each equilibrium condition of ``model`` at ``result``; ``"max"`` is the overall.

    Parameters
    ----------
    model : str
        One of :data:`fairbid.markets.MODELS`.
    instance : MarketInstance
    result : MarketResult or dict
        Needs ``prices`` (per unit), ``allocation`` (shares of supply, buyers x goods), ``spend``; plus
        ``pacing`` (pacing models) or ``throttling`` (throttling models).

    Returns
    -------
    dict
        Condition name -> violation (>= 0); ``"max"`` -> the largest.

    Examples
    --------
    >>> from fairbid.markets import make_instance
    >>> inst = make_instance([[1.0]], [2.0])
    >>> check_equilibrium("fisher-linear", inst, {"prices": [2.0], "allocation": [[1.0]], "spend": [2.0]})["max"]
    0.0
    """
    check_choice("model", model, MODELS)
    n, m = instance.n, instance.m
    p, x, spend = _arr(result, "prices"), _arr(result, "allocation"), _arr(result, "spend")
    if p is None or x is None or spend is None:
        raise FairbidError("result", "needs prices, allocation and spend", sorted(result) if isinstance(result, dict) else result)
    if p.shape != (m,) or x.shape != (n, m) or spend.shape != (n,):
        raise FairbidError("result", f"shapes must be prices ({m},), allocation ({n}, {m}), spend ({n},)",
                           (p.shape, x.shape, spend.shape))
    if not (np.isfinite(p).all() and np.isfinite(x).all() and np.isfinite(spend).all()):
        return {"finite": float("inf"), "max": float("inf")}
    V = instance.scaled                     # value of the whole supply of each good
    P = p * instance.supply                 # price of the whole supply
    if model == "arrow-debreu-linear":
        share = instance.endowments / instance.supply[None, :]
        B = share @ P                       # budgets are the value of the endowment
        scale_b = np.maximum(B, 1e-300)
    else:
        B = instance.budgets
        scale_b = B
    total = max(float(B.sum()), 1e-300)
    out: dict[str, float] = {}
    sold = x.sum(axis=0)
    out["feasible"] = float(max(0.0, -x.min(), (sold - 1.0).max()))
    out["clearing"] = float((np.maximum(P, 0) * np.abs(1.0 - sold)).sum() / total) if model != "throttling-sp" \
        and model != "throttling-fp" else 0.0
    out["negative-price"] = float(max(0.0, -P.min()) / max(P.max(), 1e-300))
    real_spend = (x * P[None, :]).sum(axis=1)
    # Throttling winners pay their own bid or the next participating bid, not a uniform price:
    # their spend is checked against the recomputed payments below instead.
    out["spend"] = 0.0 if model.startswith("throttling") else float((np.abs(real_spend - spend) / scale_b).max())
    u = (V * x).sum(axis=1)

    if model in ("fisher-linear", "arrow-debreu-linear", "fisher-satiation"):
        with np.errstate(divide="ignore", invalid="ignore"):
            bang = np.where(V > 0, V / np.where(P > 0, P, 1.0), 0.0)
            bang = np.where((V > 0) & (P <= 0), np.inf, bang)
        mbb = bang.max(axis=1)
        if model == "fisher-satiation":
            c = instance.caps if instance.caps is not None else np.full(n, np.inf)
            satiated = u >= c * (1 - 1e-9)
            over = np.where(np.isfinite(c), (u - c) / np.where(np.isfinite(c), c, 1.0), 0.0)
            out["cap"] = float(max(0.0, over.max()))
            slack_b = (B - real_spend) / B
            slack_u = np.where(np.isfinite(c), (c - u) / np.where(np.isfinite(c), c, 1.0), np.inf)
            out["budget"] = float(max(0.0, (-slack_b).max(), np.minimum(np.maximum(slack_b, 0), np.maximum(slack_u, 0)).max()))
        else:
            out["budget"] = float((np.abs(real_spend - B) / (scale_b if model != "arrow-debreu-linear" else total)).max())
            satiated = np.zeros(n, dtype=bool)
        with np.errstate(divide="ignore", invalid="ignore"):
            gap = np.where(real_spend > 1e-300 * total, 1.0 - u / (mbb * real_spend), 0.0)
        gap = np.where(np.isinf(mbb) & ~satiated, 1.0, np.where(np.isinf(mbb), 0.0, gap))
        gap = np.nan_to_num(gap, nan=1.0)
        # Weight by the buyer's share of her budget actually spent (a buyer who spends 1e-12 is not judged).
        out["optimal-bundle"] = float(max(0.0, (gap * np.minimum(1.0, real_spend / scale_b)).max()))
    elif model in ("pacing-fp", "pacing-sp"):
        a = _arr(result, "pacing")
        if a is None or a.shape != (n,):
            raise FairbidError("result.pacing", f"must give {n} pacing multipliers", None if a is None else a.shape)
        out["pacing-range"] = float(max(0.0, -a.min(), (a - 1).max()))
        bids = a[:, None] * V
        top = bids.max(axis=0)
        if model == "pacing-fp":
            ref = top
        else:
            ref = np.sort(bids, axis=0)[-2] if n > 1 else np.zeros(m)
        scale_p = np.maximum(top, 1e-300)
        out["prices"] = float((np.abs(P - ref) / scale_p).max())
        # Only highest bidders win: share-weighted shortfall of the winner's bid below the top bid.
        out["winners"] = float((x * (top[None, :] - bids) / scale_p[None, :]).max())
        out["clearing"] = float((top * np.abs(1.0 - sold)).sum() / total)
        slack_b = (B - real_spend) / B
        out["budget"] = float(max(0.0, (-slack_b).max(), np.minimum(np.maximum(slack_b, 0), 1 - a).max()))
    else:
        th = _arr(result, "throttling")
        if th is None or th.shape != (n,):
            raise FairbidError("result.throttling", f"must give {n} participation probabilities", None if th is None else th.shape)
        out["throttling-range"] = float(max(0.0, -th.min(), (th - 1).max()))
        xe, pay = _throttled_outcome(V, np.clip(th, 0, 1), second=model == "throttling-sp")
        out["throttling"] = float(max(np.abs(xe - x).max(), (np.abs(pay.sum(axis=1) - spend) / B).max()))
        out["prices"] = float((np.abs(pay.sum(axis=0) - P) / np.maximum(V.max(axis=0), 1e-300)).max())
        slack_b = (B - spend) / B
        out["budget"] = float(max(0.0, (-slack_b).max(), np.minimum(np.maximum(slack_b, 0), 1 - th).max()))
    out["max"] = float(max(out.values()))
    return out


def _throttled_outcome(V: np.ndarray, th: np.ndarray, second: bool) -> tuple[np.ndarray, np.ndarray]:
    """Expected allocation and payments under throttling, from the definition, good by good.

    Buyer ``i`` takes part in each auction independently with probability ``theta_i`` and bids her value;
    the highest participating bid wins (ties to the lower index); she pays her bid (first price) or the
    highest other participating bid (second price, 0 if none). ``P(k is the top participant below i) =
    theta_k * prod_{l between i and k} (1 - theta_l)``, written here as explicit products over the pairwise
    "ranks above" matrix rather than the solvers' sorted recursions.
    """
    n, m = V.shape
    x = np.zeros((n, m))
    pay = np.zeros((n, m))
    idx = np.arange(n)
    for j in range(m):
        v = V[:, j]
        # above[i, k]: k outranks i (higher value, or equal value and lower index).
        above = (v[None, :] > v[:, None]) | ((v[None, :] == v[:, None]) & (idx[None, :] < idx[:, None]))
        log1 = np.log1p(-np.minimum(th, 1 - 1e-300)) if (th < 1).all() else None
        miss = np.where(above, 1.0 - th[None, :], 1.0).prod(axis=1)   # nobody above i participates
        win = th * miss * (v > 0)
        x[:, j] = win
        if not second:
            pay[:, j] = win * v
        else:
            below = above.T                                          # below[i, k]: k ranks below i
            price = np.zeros(n)
            for i in np.flatnonzero(win > 0):
                ks = np.flatnonzero(below[i])
                if ks.size == 0:
                    continue
                # between[k, l]: l ranks strictly between i and k
                between = below[i][None, :] & above[ks]
                pk = th[ks] * np.where(between, 1.0 - th[None, :], 1.0).prod(axis=1)
                price[i] = (pk * v[ks]).sum()
            pay[:, j] = win * price
        del log1
    return x, pay
