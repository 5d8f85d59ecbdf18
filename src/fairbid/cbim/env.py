"""``BiddingEnv``: the multi-agent bidding environment of seed 001 (§III, §IV-A) as a PettingZoo ParallelEnv.

One ``step`` is one bidding round: every competitor submits one bid per seed (action in Box(0, 1)^M,
mapped to money by :mod:`fairbid.cbim.actions`), the seeds are auctioned in a fixed order
(:mod:`fairbid.cbim.auction`), each competitor's reward is the influence spread of the seeds it won
(:mod:`fairbid.cbim.rewards`, unsold seeds inert), the round's fairness GE(alpha) is recorded
(:mod:`fairbid.cbim.fairness`) and the platform adjusts the starting prices for the next round (Eq. 4,
:mod:`fairbid.cbim.pricing`). Budgets are refilled every round (the seed's cost ratio is per round).

Observation of competitor i: ``[remaining budget after the last round, effective bids of the last round]``
divided by i's budget, so in [0, 1]^(M+1). ``state()`` concatenates all observations (for centralized
critics). Starting prices are never part of an observation or the state.

``info[agent]`` after a round: ``cost`` and ``spend_ratio`` (own), ``costs`` (all), ``winners`` (per seed,
-1 unsold), ``prices`` (clearing price paid per seed, 0 unsold), ``spreads`` (all rewards), ``ge``, ``fair``,
``all_sold``, ``revenue`` (total spread), ``round``. The platform's full record, starting prices included,
is ``env.last_round``.

Episodes: ``horizon`` rounds each (default 1: the seed's "one bidding round is one episode"). PettingZoo
sees the end of an episode as a truncation; the trainer (:mod:`fairbid.cbim.training`) stores it as a
terminal transition, so critics do not bootstrap across episodes (MADDPG's done mask). The platform's state (starting prices and the
seeds' spread history) survives ``reset()`` when ``persist_prices`` (the seed adjusts prices across
episodes); ``reset(seed=s)`` always restarts everything, so equal seeds give equal trajectories.
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable
from typing import Any

import numpy as np
from gymnasium import spaces
from pettingzoo import ParallelEnv

from fairbid.cbim.actions import MAPPINGS, map_actions
from fairbid.cbim.auction import run_auction
from fairbid.cbim.fairness import READINGS, fairness_index
from fairbid.cbim.pricing import CONTRIBUTIONS, adjust_prices, contribution_degree, initial_prices
from fairbid.cbim.pricing import price_floor as floor_of
from fairbid.cbim.rewards import RoundSpread, compute_rewards
from fairbid.core.errors import FairbidError, check_array, check_choice, check_float, check_int
from fairbid.core.rng import SeedLike, as_generator, seed_int


class BiddingEnv(ParallelEnv):
    """Repeated sealed-bid second-price auctions of influential seeds among K competitors.

    Parameters
    ----------
    graph : fairbid.influence.Graph or any object ``spread_fn`` accepts
    seed_nodes : array_like of int, shape (M,)
        Internal node indices of the seeds, in auction order.
    budgets : array_like, shape (K,)
        Round budget of each competitor.
    model : str
        Diffusion model for the rewards ("clt" default, "cic").
    sims : int
        Monte Carlo simulations per round.
    thresholds : {"per-simulation", "fixed"}
        CLT thresholds per simulation (the authors' code; default) or fixed per graph.
    max_steps : int, optional
        Diffusion step limit.
    alpha : float
        GE(alpha) sensitivity (2).
    fairness_threshold : float
        A round is fair when GE <= this (0.3).
    fairness_reading : {"cost-effectiveness", "unit-cost"}
    beta : float
        Price adjustment step of Eq. 4 (0.3).
    contribution : {"history", "cross-section"}
        Reading of the contribution degree in Eq. 4.
    action_mapping : {"gaussian", "budget", "share"}
        How an action in [0, 1]^M becomes bids (:mod:`fairbid.cbim.actions`). Default ``"gaussian"``: the
        seed's §IV-B maps the network's output through a normal distribution of bids; ``"budget"``
        (bid = a * B, where a maximal bid on the first seed spends the whole budget) is kept as an option.
    gaussian_scale : float
        sigma / mu of the "gaussian" mapping.
    price_floor : "fair-share", "none" or float
        Floor of unsold seeds' starting prices (:func:`fairbid.cbim.pricing.price_floor`; default
        mean budget / M, the initial price of Eq. 3 divided by K).
    horizon : int
        Rounds per episode.
    persist_prices : bool
        Keep starting prices and spread history across ``reset()`` without a seed.
    unsold : {"inert", "ordinary"}
        Unsold seeds are neither activated nor activating (``"inert"``, Definition 6 of the seed and the
        recovered definitions; default) or behave as ordinary nodes (``"ordinary"``).
    spread_fn : callable, optional
        ``spread_fn(graph, won_sets, model=, sims=, thresholds=, max_steps=, seed=) -> RoundSpread``;
        default :func:`fairbid.cbim.rewards.compute_rewards` (the influence engine).
    seed : int, optional
        Seed of the first ``reset()`` without an explicit seed.
    """

    metadata = {"name": "fairbid_cbim_v0", "render_modes": [], "is_parallelizable": True}

    def __init__(
        self,
        graph: Any,
        seed_nodes: Any,
        budgets: Any,
        *,
        model: str = "clt",
        sims: int = 50,
        thresholds: str = "per-simulation",
        max_steps: int | None = None,
        alpha: float = 2.0,
        fairness_threshold: float = 0.3,
        fairness_reading: str = "cost-effectiveness",
        beta: float = 0.3,
        contribution: str = "history",
        action_mapping: str = "gaussian",
        gaussian_scale: float = 1.0,
        price_floor: float | str = "fair-share",
        horizon: int = 1,
        persist_prices: bool = True,
        unsold: str = "inert",
        spread_fn: Callable[..., RoundSpread] | None = None,
        seed: SeedLike = None,
    ) -> None:
        self.graph = graph
        self.seed_nodes = np.asarray(seed_nodes, dtype=np.int64).reshape(-1)
        if self.seed_nodes.size < 1 or np.unique(self.seed_nodes).size != self.seed_nodes.size:
            raise FairbidError("seeds", "must be at least one distinct node", self.seed_nodes.tolist())
        self.budgets = check_array("budget", budgets, low=0.0, ndim=1)
        if self.budgets.size < 2 or (self.budgets <= 0).any():
            raise FairbidError("budget", "needs at least 2 competitors with positive budgets", self.budgets.tolist())
        self.model = check_choice("model", model, ("clt", "cic"))
        self.sims = check_int("sims", sims, minimum=1)
        self.thresholds = check_choice("thresholds", thresholds, ("per-simulation", "fixed"))
        self.max_steps = max_steps
        self.alpha = check_float("alpha", alpha)
        self.fairness_threshold = check_float("fairness threshold", fairness_threshold, 0.0)
        self.fairness_reading = check_choice("fairness reading", fairness_reading, READINGS)
        self.beta = check_float("beta", beta, 0.0, 1.0, high_open=True)
        self.contribution = check_choice("contribution", contribution, CONTRIBUTIONS)
        self.action_mapping = check_choice("action mapping", action_mapping, MAPPINGS)
        self.gaussian_scale = check_float("gaussian_scale", gaussian_scale, 0.0, low_open=True)
        self.price_floor = floor_of(self.budgets, self.seed_nodes.size, price_floor)
        self.horizon = check_int("horizon", horizon, minimum=1)
        self.persist_prices = bool(persist_prices)
        self.unsold = check_choice("unsold", unsold, ("inert", "ordinary"))
        self.spread_fn = spread_fn or compute_rewards
        self._init_seed = seed_int(seed) if seed is not None else None

        k, m = self.budgets.size, self.seed_nodes.size
        self.n_competitors, self.n_seeds = k, m
        self.possible_agents = [f"competitor_{i}" for i in range(k)]
        self.agents = list(self.possible_agents)
        self._obs_space = spaces.Box(0.0, 1.0, (m + 1,), np.float32)
        self._act_space = spaces.Box(0.0, 1.0, (m,), np.float32)
        self.state_space = spaces.Box(0.0, 1.0, (k * (m + 1),), np.float32)
        self._restart(self._init_seed)

    # -- spaces ---------------------------------------------------------------------------------
    def observation_space(self, agent: str) -> spaces.Box:
        return self._obs_space

    def action_space(self, agent: str) -> spaces.Box:
        return self._act_space

    # -- platform state -------------------------------------------------------------------------
    def _restart(self, seed: int | None) -> None:
        self._rng = as_generator(seed)
        self._act_space.seed(int(self._rng.integers(2**31 - 1)))
        # Fixed CLT thresholds are drawn once per environment, not once per round's spread seed.
        self._threshold_seed = int(self._rng.integers(2**63 - 1))
        self.starting_prices = initial_prices(self.budgets, self.n_seeds)
        self._hist_sum = np.zeros(self.n_seeds)
        self._hist_count = np.zeros(self.n_seeds)
        self._remaining = self.budgets.copy()
        self._effective = np.zeros((self.n_competitors, self.n_seeds))
        self.rounds_played = 0
        self._t = 0
        self.last_round: dict[str, Any] = {}

    def get_platform_state(self) -> dict[str, Any]:
        """Everything needed to continue this environment exactly (for checkpoints)."""
        return {
            "rng": self._rng.bit_generator.state, "starting_prices": self.starting_prices.copy(),
            "hist_sum": self._hist_sum.copy(), "hist_count": self._hist_count.copy(),
            "remaining": self._remaining.copy(), "effective": self._effective.copy(),
            "rounds_played": self.rounds_played, "t": self._t, "agents": list(self.agents),
        }

    def set_platform_state(self, state: dict[str, Any]) -> None:
        """Restore :meth:`get_platform_state`."""
        self._rng = np.random.default_rng()
        self._rng.bit_generator.state = state["rng"]
        self.starting_prices = np.asarray(state["starting_prices"], dtype=float).copy()
        self._hist_sum = np.asarray(state["hist_sum"], dtype=float).copy()
        self._hist_count = np.asarray(state["hist_count"], dtype=float).copy()
        self._remaining = np.asarray(state["remaining"], dtype=float).copy()
        self._effective = np.asarray(state["effective"], dtype=float).copy()
        self.rounds_played = int(state["rounds_played"])
        self._t = int(state["t"])
        self.agents = list(state["agents"])

    # -- observations ---------------------------------------------------------------------------
    def _obs_matrix(self) -> np.ndarray:
        b = self.budgets[:, None]
        mat = np.concatenate([self._remaining[:, None], self._effective], axis=1) / b
        return np.clip(mat, 0.0, 1.0).astype(np.float32)

    def _observations(self) -> dict[str, np.ndarray]:
        mat = self._obs_matrix()
        return {a: mat[i] for i, a in enumerate(self.possible_agents) if a in self.agents}

    def observe(self, agent: str) -> np.ndarray:
        return self._obs_matrix()[self.possible_agents.index(agent)]

    def state(self) -> np.ndarray:
        """Global state for centralized critics: every competitor's observation, concatenated."""
        return self._obs_matrix().reshape(-1)

    # -- episode API ----------------------------------------------------------------------------
    def reset(self, seed: int | None = None, options: dict | None = None):
        if seed is not None:
            self._restart(seed_int(seed))
        elif not self.persist_prices:
            self._restart(int(self._rng.integers(2**63 - 1)))
        self.agents = list(self.possible_agents)
        self._t = 0
        return self._observations(), {a: {} for a in self.agents}

    def step(self, actions: dict[str, Any]):
        if not self.agents:
            raise FairbidError("step", "called after the episode ended; call reset() first", actions)
        acts = np.zeros((self.n_competitors, self.n_seeds))
        for i, agent in enumerate(self.possible_agents):
            if agent in actions and actions[agent] is not None:
                a = np.asarray(actions[agent], dtype=float).reshape(-1)
                if a.size != self.n_seeds:
                    raise FairbidError(f"action of {agent}", f"must have {self.n_seeds} entries", a.size)
                acts[i] = a
        record = self.play_round(acts)
        self._t += 1
        truncated = self._t >= self.horizon
        obs = self._observations()
        rewards = {a: float(record["spreads"][i]) for i, a in enumerate(self.possible_agents)}
        infos = {a: self._agent_info(record, i) for i, a in enumerate(self.possible_agents)}
        terms = {a: False for a in self.possible_agents}
        truncs = {a: truncated for a in self.possible_agents}
        if truncated:
            self.agents = []
        return obs, rewards, terms, truncs, infos

    def _agent_info(self, record: dict[str, Any], i: int) -> dict[str, Any]:
        return {
            "cost": float(record["costs"][i]), "spend_ratio": float(record["spend_ratios"][i]),
            "costs": record["costs"].copy(), "winners": record["winners"].copy(),
            "prices": record["payments"].copy(), "spreads": record["spreads"].copy(),
            "ge": record["ge"], "fair": record["fair"], "all_sold": record["all_sold"],
            "revenue": record["revenue"], "round": record["round"],
        }

    # -- one bidding round ----------------------------------------------------------------------
    def play_round(self, actions: np.ndarray) -> dict[str, Any]:
        """Run one round on an action matrix (K, M) in [0, 1]; return the platform's record of it."""
        bids = map_actions(actions, self.budgets, self.action_mapping, gaussian_scale=self.gaussian_scale)
        prices = self.starting_prices.copy()
        auction = run_auction(bids, prices, self.budgets, seed=self._rng)
        won_pos = auction.won_sets(self.n_competitors)
        won_nodes = [self.seed_nodes[p] for p in won_pos]
        spread_seed = int(self._rng.integers(2**63 - 1))
        blocked = self.seed_nodes[~auction.sold] if self.unsold == "inert" else None
        res = self.spread_fn(self.graph, won_nodes, model=self.model, sims=self.sims,
                             thresholds=self.thresholds, max_steps=self.max_steps, seed=spread_seed,
                             blocked=blocked, threshold_seed=self._threshold_seed)
        spreads = np.asarray(res.spreads, dtype=float)
        seed_spread = np.zeros(self.n_seeds)
        for pos, s in zip(won_pos, res.seed_spreads):
            seed_spread[pos] = s
        sold = auction.sold
        ge = fairness_index(spreads, auction.costs, alpha=self.alpha, reading=self.fairness_reading)
        pe = contribution_degree(seed_spread, sold, self._hist_sum, self._hist_count, self.contribution)
        self.starting_prices = adjust_prices(prices, sold, pe, self.beta, self.price_floor)
        self._hist_sum += np.where(sold, seed_spread, 0.0)
        self._hist_count += sold
        self._remaining = auction.remaining
        self._effective = auction.effective_bids
        record = {
            "round": self.rounds_played, "bids": bids, "starting_prices": prices,
            "winners": auction.winners, "payments": auction.payments, "costs": auction.costs,
            "spend_ratios": auction.costs / self.budgets, "spreads": spreads, "seed_spreads": seed_spread,
            "ge": ge, "fair": bool(ge <= self.fairness_threshold), "all_sold": bool(sold.all()),
            "revenue": float(spreads.sum()),
        }
        self.rounds_played += 1
        self.last_round = record
        return record

    def render(self) -> None:
        return None

    def close(self) -> None:
        return None


def make_env(
    graph: Any,
    competitors: int = 2,
    seeds: int = 10,
    budget: float | list[float] | None = None,
    seed: SeedLike = None,
    **options: Any,
) -> BiddingEnv:
    """Build a :class:`BiddingEnv` on a graph given as a dataset name, path, synthetic spec or Graph.

    Parameters
    ----------
    graph : str, path, networkx graph or fairbid.influence.Graph
        Loaded with :func:`fairbid.influence.load_graph` unless it already is a Graph.
    competitors : int
        K.
    seeds : int
        M, chosen by :func:`fairbid.influence.select_seeds` (option ``selection``, default "degree",
        as in the seed) unless ``seed_nodes`` is given.
    budget : float or list of float, optional
        Each competitor's round budget (one number for all, or K numbers); default ceil(M / 2) each
        (the authors' code).
    seed : int, optional
        Seed of the environment's randomness.
    **options
        ``selection``, ``seed_nodes``, ``directed``, ``weights`` and every keyword of :class:`BiddingEnv`.
    """
    k = check_int("--competitors", competitors, minimum=2)
    m = check_int("--seeds", seeds, minimum=1)
    selection = options.pop("selection", "degree")
    seed_nodes = options.pop("seed_nodes", None)
    load_kw = {key: options.pop(key) for key in ("directed", "weights") if key in options}
    g = load(graph, **load_kw)
    if seed_nodes is None:
        seed_nodes = choose_seeds(g, m, selection, seed)
    budgets = _budgets(budget, k, m)
    known = set(inspect.signature(BiddingEnv.__init__).parameters) - {"self", "graph", "seed_nodes", "budgets", "seed"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise FairbidError("make_env options", f"unknown; known: {', '.join(sorted(known))}", unknown)
    return BiddingEnv(g, seed_nodes, budgets, seed=seed, **options)


def choose_seeds(graph: Any, m: int, selection: str = "degree", seed: SeedLike = None) -> np.ndarray:
    """The M auctioned seeds: top out-degree (the seed's choice) or any :func:`fairbid.influence.select_seeds`
    method (its spread evaluation is skipped: only the seeds are needed). ``"ris"`` names fairbid's default
    reverse-influence-sampling method, OPIM-C."""
    from fairbid.influence import select_seeds, top_degree

    if m > graph.n:
        raise FairbidError("--seeds", f"must be at most the number of nodes ({graph.n})", m)
    if selection == "degree":
        return top_degree(graph, m)
    if selection == "ris":
        selection = "opim"
    res = select_seeds(graph, m, method=selection, seed=seed_int(seed if seed is not None else 0),
                       eval_sims=1, baseline=False)
    return np.asarray(res.seeds, dtype=np.int64)[:m]


def load(graph: Any, **kw: Any) -> Any:
    """A Graph from a name, path, spec or networkx graph (Graph objects pass through)."""
    if hasattr(graph, "indptr") and hasattr(graph, "n"):
        return graph
    from fairbid.influence import load_graph

    return load_graph(str(graph) if not hasattr(graph, "nodes") else graph, **kw)


def _budgets(budget: Any, k: int, m: int) -> np.ndarray:
    if budget is None:
        return np.full(k, float(math.ceil(m / 2)))
    arr = np.atleast_1d(np.asarray(budget, dtype=float))
    if arr.size == 1:
        arr = np.full(k, float(arr[0]))
    if arr.size != k:
        raise FairbidError("--budget", f"must be one number or {k} numbers", arr.tolist())
    return check_array("--budget", arr, low=0.0)
