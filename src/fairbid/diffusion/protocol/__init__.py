"""The distributed Sequential Resale Auction: agents, runtimes, messages, ledger, strategies."""

from fairbid.diffusion.protocol.agents import BuyerAgent, SellerAgent, TamperDetected
from fairbid.diffusion.protocol.ledger import Ledger, Record, Verification
from fairbid.diffusion.protocol.messages import Message
from fairbid.diffusion.protocol.runtime import AsyncioRuntime, Runtime, SerialRuntime
from fairbid.diffusion.protocol.sra import ProtocolResult, run_sra
from fairbid.diffusion.protocol.strategies import INTENDED, Strategy, message_deviations

__all__ = [
    "AsyncioRuntime", "BuyerAgent", "INTENDED", "Ledger", "Message", "ProtocolResult", "Record",
    "Runtime", "SellerAgent", "SerialRuntime", "Strategy", "TamperDetected", "Verification",
    "message_deviations", "run_sra",
]
