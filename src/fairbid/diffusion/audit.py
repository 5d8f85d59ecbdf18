"""Incentive auditor: search each buyer's deviations instead of trusting the proofs.

For every valid buyer, with everyone else truthful, the auditor evaluates her (expected) utility under

* value misreports: a grid around her value plus adversarial points at and just around every other
  bid and above the highest one;
* invitation subsets of her true neighbours: all of them up to ``max_exhaustive`` neighbours, beyond
  that every leave-one-out subset plus ``subset_samples`` random subsets;
* for ``sra`` only: message-passing and computation deviations (send the aggregated bid to all
  inviters or to none, aggregate dishonestly) and ledger tampering (claiming a lower purchase price).

It reports the largest utility gain over truthful play and the deviation achieving it, individual
rationality of truthful play, and the seller's revenue against ``vickrey-neighbours`` (Prop. 5.1 of
seed 003). A gain counts only beyond ``tol`` plus three standard errors when utilities are estimated
by sampling (exact expectations have no sampling error).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError, check_choice, check_float, check_int
from fairbid.core.progress import progress_task
from fairbid.core.rng import SeedLike, as_generator
from fairbid.diffusion.mechanisms import MECHANISMS, run_mechanism, sra_expected
from fairbid.diffusion.network import DiffusionNetwork
from fairbid.diffusion.outcome import Outcome
from fairbid.diffusion.protocol.sra import run_sra
from fairbid.diffusion.protocol.strategies import Strategy, message_deviations
from fairbid.diffusion.vickrey import vickrey_neighbours

EPS = 1e-6


@dataclass
class AuditReport:
    """Result of :func:`audit` (the first six fields are the CLI contract)."""

    max_gain: float
    buyer: str | None
    deviation: str | None
    individually_rational: bool
    revenue: float
    vickrey_neighbours_revenue: float
    mechanism: str = ""
    trees: str | None = None
    revenue_at_least_vickrey: bool = True
    min_truthful_utility: float = 0.0
    profitable: bool = False
    evaluations: int = 0
    tolerance: float = 0.0
    tamper_detected: int = 0
    tamper_undetected: int = 0
    per_buyer: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        return asdict(self)


@dataclass
class _Eval:
    utility: float
    stderr: float
    outcome: Outcome | None = None
    aborted: bool = False
    applied: bool = True


class _Evaluator:
    def __init__(self, net, mechanism, trees, samples, seed, sra_samples):
        self.net, self.mechanism, self.trees = net, mechanism, trees
        self.samples, self.seed, self.sra_samples = samples, seed, sra_samples
        self.count = 0

    def __call__(self, buyer: str | None, strategy: Strategy | None) -> _Eval:
        self.count += 1
        net = self.net
        if buyer is not None and strategy is not None:
            reported = net.with_report(buyer, bid=strategy.bid_value,
                                       neighbours=None if strategy.invite is None else strategy.invite)
        else:
            reported = net
        if self.mechanism == "sra":
            return self._sra(buyer, strategy, reported)
        # Common random numbers: the same seed for truthful play and every deviation.
        out = run_mechanism(reported, self.mechanism, trees=self.trees, samples=self.samples, seed=self.seed)
        if buyer is None:
            return _Eval(0.0, 0.0, out)
        se = out.details.get("stderr_utilities", {}).get(buyer, 0.0)
        return _Eval(out.utilities[buyer], se, out)

    def _sra(self, buyer, strategy, reported) -> _Eval:
        strategies = {} if buyer is None else {buyer: strategy}
        if strategy is not None and strategy.tamper_price is not None:
            res = run_sra(self.net, strategies=strategies, seed=self.seed, keep_log=False, runtime="serial")
            bought = any(r.buyer == buyer for r in res.ledger.records)
            return _Eval(res.utilities[buyer], 0.0, res.outcome(), aborted=bool(res.aborted), applied=bought)
        out = sra_expected(self.net, strategies=strategies, samples=self.sra_samples, seed=self.seed,
                           reported=reported)
        if buyer is None:
            return _Eval(0.0, 0.0, out)
        return _Eval(out.utilities[buyer], out.details.get("stderr_utilities", {}).get(buyer, 0.0), out)


def value_grid(value: float, others: list[float]) -> list[float]:
    """Value misreports: a relative grid plus points at and around every other bid."""
    pts = {0.0, value * 0.5, value * 0.9, value * 1.1, value * 1.5, value * 2 + 1.0}
    for b in others:
        pts.update({b, b + EPS, max(b - EPS, 0.0)})
    if others:
        pts.add(max(others) + 1.0)
    pts.discard(value)
    return sorted(p for p in pts if p >= 0)


def invitation_subsets(neighbours: list[str], max_exhaustive: int, samples: int, rng) -> list[tuple[str, ...]]:
    """Proper subsets of ``neighbours`` to try (exhaustive when small, sampled beyond)."""
    k = len(neighbours)
    if k <= max_exhaustive:
        return [c for r in range(k) for c in itertools.combinations(neighbours, r)]
    subs = {tuple(x for x in neighbours if x != drop) for drop in neighbours}
    subs.add(())
    for _ in range(samples):
        mask = rng.random(k) < 0.5
        if not mask.all():
            subs.add(tuple(x for x, m in zip(neighbours, mask) if m))
    return sorted(subs)


def audit(net: DiffusionNetwork, mechanism: str, *, trees: str = "uniform", samples: int | None = None,
          seed: SeedLike = 0, max_exhaustive: int = 8, subset_samples: int = 32, tol: float = 1e-9,
          sra_samples: int | None = None, buyers: list[str] | None = None) -> AuditReport:
    """Audit ``mechanism`` on ``net`` (true types; any reports in ``net`` are ignored).

    Parameters
    ----------
    net : DiffusionNetwork
        The true network.
    mechanism : str
        One of :data:`~fairbid.diffusion.mechanisms.MECHANISMS`.
    trees : {"uniform", "random-parent"}
        Tree distribution for ``sra-crm``.
    samples : int, optional
        Sampled trees for ``sra-crm`` (default: exact when enumerable).
    seed : seed-like
        Seed for sampling (shared by truthful play and deviations: common random numbers).
    max_exhaustive, subset_samples : int
        Invitation subsets: exhaustive up to this many neighbours, else leave-one-out plus samples.
    tol : float
        Gains at most ``tol`` (+ 3 standard errors when sampled) are not counted as profitable.
    sra_samples : int, optional
        Protocol runs per evaluation for ``sra`` (default: exact over all inviter choices when
        there are at most 256 combinations, else 200 runs).
    buyers : list of str, optional
        Audit only these buyers (default: every valid buyer).
    """
    check_choice("--mechanism", mechanism, MECHANISMS)
    tol = check_float("tol", tol, 0.0)
    max_exhaustive = check_int("max_exhaustive", max_exhaustive, minimum=0)
    for b in buyers or ():
        if b not in net.valid_buyers:
            known = ", ".join(net.valid_buyers[:20]) + (", ..." if len(net.valid_buyers) > 20 else "")
            raise FairbidError("--buyer", f"is not a buyer reachable from the seller; buyers: {known}", b)
    net = net.truthful()
    rng = as_generator(seed)
    ev = _Evaluator(net, mechanism, trees, samples, 0 if seed is None else seed, sra_samples)
    base = ev(None, None).outcome
    vn = vickrey_neighbours(net)
    rep = AuditReport(max_gain=0.0, buyer=None, deviation=None, individually_rational=True,
                      revenue=base.revenue, vickrey_neighbours_revenue=vn.revenue, mechanism=mechanism,
                      trees=trees if mechanism == "sra-crm" else ("random-parent" if mechanism == "sra" else None),
                      tolerance=tol)
    rev_se = base.details.get("stderr_revenue", 0.0)
    rep.revenue_at_least_vickrey = bool(base.revenue >= vn.revenue - tol - 3 * rev_se)
    truthful_se = base.details.get("stderr_utilities", {})
    util0 = {b: base.utilities[b] for b in net.valid_buyers}
    rep.min_truthful_utility = min(util0.values(), default=0.0)
    rep.individually_rational = all(u >= -tol - 3 * truthful_se.get(b, 0.0) for b, u in util0.items())
    audited = list(buyers or net.valid_buyers)
    # One bar step per buyer: a buyer's deviations can take seconds on a large network.
    with progress_task(f"audit {mechanism}", total=len(audited)) as advance:
        for b in audited:
            u0, se0 = util0.get(b, 0.0), truthful_se.get(b, 0.0)
            others = [net.bid(o) for o in net.valid_buyers if o != b]
            cands = [Strategy(bid_value=x) for x in value_grid(net.values[b], others)]
            nbrs = sorted(x for x in net.neighbours[b] if x != net.seller)
            cands += [Strategy(invite=s) for s in invitation_subsets(nbrs, max_exhaustive, subset_samples, rng)]
            if mechanism == "sra":
                cands += message_deviations()
                cands.append(Strategy(tamper_price=-max(net.values[b], 1.0)))
            row = {"buyer": b, "truthful_utility": u0, "max_gain": 0.0, "deviation": None}
            for st in cands:
                r = ev(b, st)
                if st.tamper_price is not None and r.applied:
                    if r.aborted:
                        rep.tamper_detected += 1
                        continue  # the run is void: tampering gains nothing
                    rep.tamper_undetected += 1
                gain = r.utility - u0
                margin = gain - tol - 3 * float(np.hypot(r.stderr, se0))
                if gain > row["max_gain"]:
                    row.update(max_gain=gain, deviation=st.describe())
                if gain > rep.max_gain:
                    rep.max_gain, rep.buyer, rep.deviation = float(gain), b, st.describe()
                if margin > 0:
                    rep.profitable = True
            rep.per_buyer.append(row)
            advance()
    rep.evaluations = ev.count
    return rep
