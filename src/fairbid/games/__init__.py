"""Security and network games (seed 000): Stackelberg security games (multiple LPs, ORIGAMI), k-uniform
mixed equilibria of network congestion games."""

from fairbid.games.congestion import (
    CongestionGame,
    all_equilibria,
    best_response_equilibrium,
    is_equilibrium,
    optimum,
    player_costs,
    social_cost,
    uniform_strategies,
)

from fairbid.games.security import (
    SecurityGame,
    SSEResult,
    origami,
    security_as_bimatrix,
    security_game_from_json,
    security_sse_lps,
    sse_multiple_lps,
)

__all__ = ["CongestionGame", "all_equilibria", "best_response_equilibrium", "is_equilibrium", "optimum",
           "player_costs", "social_cost", "uniform_strategies", "SSEResult", "SecurityGame", "origami", "security_as_bimatrix", "security_game_from_json",
           "security_sse_lps", "sse_multiple_lps"]
