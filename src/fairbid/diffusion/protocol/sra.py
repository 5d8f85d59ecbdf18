"""Run the distributed Sequential Resale Auction and settle it from the verified ledger."""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Mapping

import numpy as np

from fairbid.core.errors import FairbidError, check_choice
from fairbid.core.rng import SeedLike, seed_int
from fairbid.diffusion.network import DiffusionNetwork
from fairbid.diffusion.outcome import Outcome
from fairbid.diffusion.protocol.agents import BuyerAgent, SellerAgent, TamperDetected
from fairbid.diffusion.protocol.ledger import Ledger, Verification
from fairbid.diffusion.protocol.messages import Message
from fairbid.diffusion.protocol.runtime import AsyncioRuntime, Runtime, SerialRuntime
from fairbid.diffusion.protocol.strategies import INTENDED, Strategy

RUNTIMES = ("asyncio", "serial", "ray")


@dataclass
class ProtocolResult:
    """What one run of the protocol produced.

    Attributes
    ----------
    winner : str or None
        Who holds the item at the end (None: not sold).
    payments : dict
        Net payment of every buyer from the ledger (paid minus received).
    utilities : dict
        True value if she holds the item, minus net payment.
    revenue : float
        What the seller received.
    ledger : Ledger
        The public ledger.
    verification : Verification
        Final check of the ledger by an honest agent.
    tree : dict
        Stage-2 choice of every valid buyer: the inviter(s) she first sent her bid to.
    log : list of Message
        Every message, in order.
    rounds : int
        Synchronous rounds until quiescence.
    aborted : str
        Non-empty when an agent detected tampering and stopped the run.
    """

    winner: str | None
    payments: dict[str, float]
    utilities: dict[str, float]
    revenue: float
    ledger: Ledger
    verification: Verification
    tree: dict[str, tuple[str, ...]]
    log: list[Message] = field(default_factory=list)
    rounds: int = 0
    aborted: str = ""

    def outcome(self) -> Outcome:
        """The run as an :class:`Outcome` (deterministic: ``winner`` is set)."""
        wp = {b: float(b == self.winner) for b in self.payments}
        return Outcome("sra", self.winner, wp, dict(self.payments), dict(self.utilities), self.revenue,
                       {"rounds": self.rounds, "ledger_ok": self.verification.ok, "aborted": self.aborted})

    def parent_array(self, net: DiffusionNetwork) -> np.ndarray:
        """The Stage-2 tree as a parent array over ``net.compiled`` (needs exactly one parent each)."""
        cn = net.compiled
        arr = np.full(cn.n, -1, dtype=np.int32)
        for b, ps in self.tree.items():
            if len(ps) != 1:
                raise FairbidError("tree", "needs exactly one inviter per buyer", (b, ps))
            arr[cn.index[b]] = cn.index[ps[0]]
        return arr


def make_runtime(runtime: str | Runtime) -> Runtime:
    if isinstance(runtime, Runtime):
        return runtime
    check_choice("runtime", runtime, RUNTIMES)
    if runtime == "ray":
        from fairbid.diffusion.protocol.ray_runtime import RayRuntime

        return RayRuntime()
    return AsyncioRuntime() if runtime == "asyncio" else SerialRuntime()


def run_sra(net: DiffusionNetwork, *, seed: SeedLike = 0, strategies: Mapping[str, Strategy] | None = None,
            tree: Mapping[str, str] | None = None, runtime: str | Runtime = "asyncio",
            inviters: str = "first-round", keep_log: bool = True) -> ProtocolResult:
    """Run the distributed SRA on the *true* network.

    Parameters
    ----------
    net : DiffusionNetwork
        True types; reports in ``net.reports`` become misreporting strategies (bid and invitations).
    seed : seed-like
        Run seed; agent ``i`` draws from ``(seed, i)`` only. The outcome is a function of the seed; the
        agents' signing keys (and so signatures and hashes) are fresh for every run.
    strategies : mapping, optional
        Strategy per buyer (default: intended, or the misreport in ``net.reports``).
    tree : mapping, optional
        Fix each buyer's random choice of inviter (``{buyer: inviter}``), i.e. replay a given tree.
    runtime : {"asyncio", "serial", "ray"} or Runtime
        Message delivery.
    inviters : {"first-round"}
        Who counts as an inviter (see :mod:`fairbid.diffusion.protocol.agents`).
    keep_log : bool
        Keep the full message log.
    """
    rt = make_runtime(runtime)
    root = seed_int(seed)
    ledger = Ledger(net.seller)
    strategies = dict(strategies or {})
    for b, rep in net.reports.items():
        strategies.setdefault(b, Strategy(bid_value=rep.bid, invite=rep.neighbours))
    tree = dict(tree or {})
    order = {b: k for k, b in enumerate((net.seller,) + net.buyers)}

    def nbrs(x):
        return tuple(sorted(net.neighbours[x], key=order.__getitem__))

    seller = SellerAgent(net.seller, 0.0, nbrs(net.seller), ledger, seed=(root, 0))
    agents: dict[str, BuyerAgent] = {net.seller: seller}
    for k, b in enumerate(net.buyers, start=1):
        agents[b] = BuyerAgent(b, net.values[b], nbrs(b), ledger, strategies.get(b, INTENDED),
                               (root, k), tree.get(b), inviters)
    # Keys come from OS randomness (not the seed): publish them, the seller signs the table.
    for name, agent in agents.items():
        ledger.register_key(name, agent.public_key_bytes())
    seller.seal_keys()
    log: list[Message] | None = [] if keep_log else None
    aborted = ""
    rounds = 0
    try:
        rounds = rt.run(agents, seller.start(), net.neighbours, log)
    except TamperDetected as exc:
        aborted = str(exc)
    seller.seal_head()  # the sale is over: the seller signs count + last hash (only a valid chain)
    return _settle(net, agents, ledger, log or [], rounds, aborted)


def _settle(net, agents, ledger: Ledger, log, rounds, aborted) -> ProtocolResult:
    check = ledger.verify()
    pay = {b: 0.0 for b in net.buyers}
    revenue = 0.0
    winner = None
    for rec in ledger.records:
        if rec.buyer in pay:
            pay[rec.buyer] += rec.price
        if rec.seller in pay:
            pay[rec.seller] -= rec.price
        else:
            revenue += rec.price
        winner = rec.buyer
    util = {b: (net.values[b] if b == winner else 0.0) - pay[b] for b in net.buyers}
    tree = {b: a.first_parents for b, a in agents.items() if b != net.seller and a.heard is not None}
    if not check.ok and not aborted:
        aborted = f"ledger: final check found {check.problem} at record {check.index}"
    return ProtocolResult(winner, pay, util, revenue, ledger, check, tree, log, rounds, aborted)
