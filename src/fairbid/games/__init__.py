"""Security and network games (seed 000): Stackelberg security games (multiple LPs, ORIGAMI)."""

from fairbid.games.security import (
    SecurityGame,
    SSEResult,
    origami,
    security_as_bimatrix,
    security_game_from_json,
    security_sse_lps,
    sse_multiple_lps,
)

__all__ = ["SSEResult", "SecurityGame", "origami", "security_as_bimatrix", "security_game_from_json",
           "security_sse_lps", "sse_multiple_lps"]
