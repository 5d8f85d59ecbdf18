"""Message delivery for the distributed SRA: synchronous rounds over the true network.

:class:`AsyncioRuntime` (default) runs every agent with mail in a round as an asyncio task and
collects what they send; messages sent in round ``r`` arrive in round ``r + 1``. A message to a
non-neighbour is refused: agents can only talk along edges of the network. The run ends when no
message is in flight (the runtime's quiescence detection stands in for the termination detection a
deployed system would run).
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping

from fairbid.core.errors import FairbidError
from fairbid.diffusion.protocol.messages import Message


class Runtime:
    """Base class: deliver messages between agents in synchronous rounds."""

    name = "base"

    def __init__(self, max_rounds: int = 1_000_000) -> None:
        self.max_rounds = max_rounds

    def run(self, agents: Mapping[str, object], first: list[Message],
            neighbours: Mapping[str, frozenset[str]], log: list[Message] | None = None) -> int:
        """Deliver ``first`` and everything that follows; append every message to ``log``; return rounds."""
        raise NotImplementedError

    @staticmethod
    def _route(msgs: list[Message], neighbours: Mapping[str, frozenset[str]]) -> dict[str, list[Message]]:
        box: dict[str, list[Message]] = defaultdict(list)
        for m in msgs:
            if m.receiver not in neighbours.get(m.sender, ()):
                raise FairbidError("protocol", f"{m.sender} sent {m.kind} to a non-neighbour", m.receiver)
            box[m.receiver].append(m)
        return box


class AsyncioRuntime(Runtime):
    """In-process runtime: one asyncio task per agent with mail, per round."""

    name = "asyncio"

    def run(self, agents, first, neighbours, log=None) -> int:
        return asyncio.run(self._run(agents, first, neighbours, log))

    async def _run(self, agents, first, neighbours, log) -> int:
        outgoing = list(first)
        rnd = 0
        while outgoing:
            if log is not None:
                log.extend(outgoing)
            rnd += 1
            if rnd > self.max_rounds:
                raise FairbidError("protocol", "did not terminate within max_rounds", self.max_rounds)
            box = self._route(outgoing, neighbours)

            async def deliver(agent, inbox, r=rnd):
                return agent.step(r, inbox)

            results = await asyncio.gather(*(deliver(agents[r], inbox) for r, inbox in box.items()))
            outgoing = [m for res in results for m in res]
        return rnd


class SerialRuntime(Runtime):
    """The same rounds without asyncio (a plain loop; the reference for the other runtimes)."""

    name = "serial"

    def run(self, agents, first, neighbours, log=None) -> int:
        outgoing = list(first)
        rnd = 0
        while outgoing:
            if log is not None:
                log.extend(outgoing)
            rnd += 1
            if rnd > self.max_rounds:
                raise FairbidError("protocol", "did not terminate within max_rounds", self.max_rounds)
            box = self._route(outgoing, neighbours)
            outgoing = [m for r, inbox in box.items() for m in agents[r].step(rnd, inbox)]
        return rnd
