"""Ray actor runtime for the distributed SRA (optional; uses the foundation's Ray settings).

Agents are spread over ``hosts`` Ray actors (one process each; an actor per agent would cost a process
per buyer). The ledger lives in its own actor, and agents reach it through :class:`LedgerProxy`, so
every ledger read and write crosses a process boundary as it would in a deployment. Rounds stay
synchronous: each round the driver sends every host the mail of its agents and collects what they send.
After the run, agent states and the ledger are copied back so results are settled exactly as with the
in-process runtimes (and are identical to them for the same seed).
"""

from __future__ import annotations

import os
from collections import defaultdict

from fairbid.core.errors import FairbidError
from fairbid.diffusion.protocol.ledger import Ledger
from fairbid.diffusion.protocol.runtime import Runtime


class LedgerProxy:
    """Ledger interface that forwards every call to a Ray actor holding the real :class:`Ledger`."""

    def __init__(self, handle) -> None:
        self._h = handle

    def __getattr__(self, name):
        import ray

        method = getattr(self._h, "call")

        def call(*args, **kwargs):
            return ray.get(method.remote(name, *args, **kwargs))

        return call


class _LedgerActor:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def call(self, name, *args, **kwargs):
        return getattr(self.ledger, name)(*args, **kwargs)

    def snapshot(self) -> Ledger:
        return self.ledger


class _Host:
    def __init__(self, agents: dict, ledger_handle) -> None:
        proxy = LedgerProxy(ledger_handle)
        for a in agents.values():
            a.ledger = proxy
        self.agents = agents

    def step(self, rnd: int, boxes: dict) -> list:
        from fairbid.diffusion.protocol.agents import TamperDetected

        out = {}
        for name, inbox in boxes.items():
            try:
                out[name] = self.agents[name].step(rnd, inbox)
            except TamperDetected as exc:  # travel back as a value, re-raised by the driver
                return {"__tamper__": str(exc)}
        return out

    def states(self) -> dict:
        return {k: {f: v for f, v in a.__dict__.items() if f not in ("ledger", "_rng", "_key")}
                for k, a in self.agents.items()}


def _ray():
    try:
        import ray
    except ImportError as exc:  # pragma: no cover - ray is a pinned dependency
        raise FairbidError("runtime", "ray is not installed", "ray") from exc
    return ray


class RayRuntime(Runtime):
    """Synchronous rounds with agents hosted in Ray actors (see module docstring)."""

    name = "ray"

    def __init__(self, hosts: int | None = None, max_rounds: int = 1_000_000) -> None:
        super().__init__(max_rounds)
        self.hosts = hosts

    def run(self, agents, first, neighbours, log=None) -> int:
        from fairbid.diffusion.protocol.agents import TamperDetected

        ray = _ray()
        if not ray.is_initialized():
            kwargs = {"include_dashboard": False, "log_to_driver": False, "configure_logging": False}
            if "RAY_ADDRESS" not in os.environ:
                kwargs.update(num_cpus=os.cpu_count() or 1, object_store_memory=200 * 1024 * 1024)
            ray.init(**kwargs)
        local_ledger = next(iter(agents.values())).ledger
        ledger = ray.remote(num_cpus=0)(_LedgerActor).remote(local_ledger)
        k = max(1, min(self.hosts or 2, len(agents)))
        names = list(agents)
        where = {name: i % k for i, name in enumerate(names)}
        groups = [{n: agents[n] for n in names if where[n] == i} for i in range(k)]
        saved = {n: a.ledger for n, a in agents.items()}
        for a in agents.values():  # the ledger object stays here; actors get a proxy
            a.ledger = None
            a._key = None  # key objects are not picklable; they are rebuilt from the agent's private bytes
        try:
            hosts = [ray.remote(num_cpus=0)(_Host).remote(g, ledger) for g in groups]
        finally:
            for n, a in agents.items():
                a.ledger = saved[n]
        outgoing = list(first)
        rnd = 0
        try:
            while outgoing:
                if log is not None:
                    log.extend(outgoing)
                rnd += 1
                if rnd > self.max_rounds:
                    raise FairbidError("protocol", "did not terminate within max_rounds", self.max_rounds)
                box = self._route(outgoing, neighbours)
                per_host: list[dict] = [defaultdict(list) for _ in range(k)]
                for receiver, inbox in box.items():
                    per_host[where[receiver]][receiver] = inbox
                refs = [hosts[i].step.remote(rnd, dict(b)) for i, b in enumerate(per_host) if b]
                sent: dict = {}
                for res in ray.get(refs):
                    if "__tamper__" in res:
                        raise TamperDetected("ledger", res["__tamper__"].split("ledger: ", 1)[-1])
                    sent.update(res)
                # Same order as the in-process runtimes: by receiver in routing order.
                outgoing = [m for receiver in box for m in sent[receiver]]
        finally:
            for h in hosts:
                for name, state in ray.get(h.states.remote()).items():
                    agents[name].__dict__.update(state)
            remote = ray.get(ledger.snapshot.remote())
            local_ledger.records[:] = remote.records
            local_ledger._keys.update(remote._keys)
            for h in hosts:
                ray.kill(h)
            ray.kill(ledger)
        return rnd
