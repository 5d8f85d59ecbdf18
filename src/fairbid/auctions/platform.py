"""Long-run platform simulation of seed 004 (§V-B, Figs. 9–10).

P advertisers are active at the start. Each of C user clicks samples N active advertisers uniformly
without replacement; they bid by the symmetric equilibrium of the mechanism and one auction is run.
An advertiser leaves when her realised winning rate over a check window of size W is below the
entrance threshold θ. The output is, per click, the number of remaining advertisers and the
platform's cumulative profit (sum of payments).

The seed leaves several points open (shared notes, "004"); each is a named parameter here:

``values``       ``"fixed"`` (default): each advertiser draws one value from F for the whole run (an
                 advertiser *is* an SME or a large firm); ``"per-click"``: a fresh value per
                 participation.
``window_unit``  ``"participations"`` (default): the window is the advertiser's own W auctions (the
                 seed's "after her 10000 trials"); ``"clicks"``: the window is W platform clicks and
                 the rate is wins / participations within it (an advertiser who did not take part in
                 a window is kept).
``shortage``     ``"stop"`` (default): the run stops as soon as fewer than N advertisers remain (the
                 series stay flat from there); ``"shrink"``: the auction is held among all remaining
                 advertisers (who then bid the equilibrium for that smaller number).
``checks``       ``"every"`` (default): the rate is checked at the end of every window (tumbling
                 windows); ``"once"``: only the first window is checked.

Defaults are the plainest reading of the seed's text; none is tuned towards its "20 of 50 vs 0 of 50".

All randomness (fixed values, per-click values, the sampling of bidders, the mechanism draw of
mixtures, the Equal-Possible draw) comes from five child streams of ``seed``, one per kind of draw,
drawn in blocks of clicks and fed to a numba kernel (so the block size does not matter); the same seed therefore gives the same run, and two mechanisms run with the
same seed see the same advertisers and the same samples (common random numbers).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numba import njit

from fairbid.auctions.distributions import ValueDistribution, parse_distribution
from fairbid.auctions.equilibrium import _grid, bid_function
from fairbid.auctions.mechanisms import flat_components, from_spec
from fairbid.auctions.spec import MechanismSpec
from fairbid.core.errors import FairbidError, check_choice, check_float, check_int
from fairbid.core.executor import Executor, get_executor
from fairbid.core.rng import SeedLike, as_seed_sequence
from fairbid.core.validate import check_allocation, check_count

VALUE_READINGS = ("fixed", "per-click")
WINDOW_READINGS = ("participations", "clicks")
SHORTAGE_READINGS = ("stop", "shrink")
CHECK_READINGS = ("every", "once")
READING_NAMES = ("values", "window_unit", "shortage", "checks")
_KIND_CODE = {"fp": 0, "sp": 1, "ep": 2}
_TABLE_SIZE = 4097


@dataclass(frozen=True)
class PlatformConfig:
    """Everything but the mechanism and the seed (see module docstring for the readings).

    Parameters
    ----------
    dist : str or ValueDistribution
        Advertiser value distribution F.
    advertisers : int
        P, advertisers at the start.
    per_click : int
        N, advertisers sampled per click (N <= P).
    clicks : int
        C, number of user clicks.
    theta : float
        Entrance threshold θ ∈ [0, 1].
    window : int
        W, the check window (participations or clicks, see ``window_unit``).
    values, window_unit, shortage, checks : str
        The readings of the open points.
    ep_pool : {"all", "eligible"}
        Equal-Possible draw (see :class:`~fairbid.auctions.mechanisms.EqualPossible`); ``"all"`` is
        the seed's Definition 3.
    """

    dist: Any = "uniform:0:1"
    advertisers: int = 50
    per_click: int = 10
    clicks: int = 100_000
    theta: float = 0.001
    window: int = 10_000
    values: str = "fixed"
    window_unit: str = "participations"
    shortage: str = "stop"
    checks: str = "every"
    ep_pool: str = "all"

    def __post_init__(self) -> None:
        # Counts are bounded so a typo (1e12 clicks) fails at once instead of exhausting memory.
        P = check_count("advertisers", self.advertisers, minimum=1)
        N = check_int("per_click", self.per_click, minimum=1)
        if N > P:
            raise FairbidError("per_click", f"must not exceed the number of advertisers ({P})", N)
        object.__setattr__(self, "dist", parse_distribution(self.dist))
        object.__setattr__(self, "advertisers", P)
        object.__setattr__(self, "per_click", N)
        object.__setattr__(self, "clicks", check_count("clicks", self.clicks, minimum=0))
        # Per advertiser ~10 int64/float arrays, per click 4 recorded series of 8 bytes.
        check_allocation("advertisers", P, 80)
        check_allocation("clicks", self.clicks, 32)
        object.__setattr__(self, "theta", check_float("theta", self.theta, 0.0, 1.0))
        object.__setattr__(self, "window", check_count("window", self.window, minimum=1))
        check_choice("values", self.values, VALUE_READINGS)
        check_choice("window_unit", self.window_unit, WINDOW_READINGS)
        check_choice("shortage", self.shortage, SHORTAGE_READINGS)
        check_choice("checks", self.checks, CHECK_READINGS)
        check_choice("ep_pool", self.ep_pool, ("all", "eligible"))

    def readings(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in READING_NAMES}

    def to_dict(self) -> dict[str, Any]:
        return {
            "dist": self.dist.spec, "advertisers": self.advertisers, "per_click": self.per_click,
            "clicks": self.clicks, "theta": self.theta, "window": self.window, "ep_pool": self.ep_pool,
            **self.readings(),
        }

    def replace(self, **changes: Any) -> "PlatformConfig":
        kw = {**self.to_dict(), "dist": self.dist, **changes}
        return PlatformConfig(**kw)


@dataclass(frozen=True)
class PlatformResult:
    """One long-run simulation.

    Attributes
    ----------
    label : str
        Name of the mechanism in reports.
    mechanism : str
        The mechanism as text.
    config : PlatformConfig
    remaining : ndarray of int, shape (C,)
        Active advertisers after each click.
    profit : ndarray of float, shape (C,)
        Cumulative platform profit after each click.
    payment : ndarray of float, shape (C,)
        Payment collected at each click.
    winner : ndarray of int, shape (C,)
        Advertiser who won each click, or −1.
    bidders : ndarray of int, shape (C,)
        Bidders in each click's auction (0 after a stop).
    values : ndarray, shape (P,)
        Advertisers' fixed values (NaN under ``values="per-click"``).
    leave_click : ndarray of int, shape (P,)
        Click at which each advertiser left, −1 if she stayed.
    participations, wins : ndarray of int, shape (P,)
        Totals per advertiser.
    stopped_at : int or None
        First click not run because fewer than N advertisers remained (``shortage="stop"``).
    """

    label: str
    mechanism: str
    config: PlatformConfig = field(repr=False)
    remaining: np.ndarray = field(repr=False)
    profit: np.ndarray = field(repr=False)
    payment: np.ndarray = field(repr=False)
    winner: np.ndarray = field(repr=False)
    bidders: np.ndarray = field(repr=False)
    values: np.ndarray = field(repr=False)
    leave_click: np.ndarray = field(repr=False)
    participations: np.ndarray = field(repr=False)
    wins: np.ndarray = field(repr=False)
    stopped_at: int | None = None

    @property
    def final_remaining(self) -> int:
        return int(self.remaining[-1]) if self.remaining.size else self.config.advertisers

    @property
    def total_profit(self) -> float:
        return float(self.profit[-1]) if self.profit.size else 0.0

    def summary(self) -> dict[str, Any]:
        """Small JSON-able summary: final remaining advertisers, total profit, stop click, readings."""
        return {
            "mechanism": self.mechanism, "final_remaining": self.final_remaining,
            "total_profit": self.total_profit, "stopped_at": self.stopped_at, **self.config.readings(),
        }

    def series(self) -> dict[str, np.ndarray]:
        """Per-click columns for a Parquet table."""
        c = self.remaining.size
        return {
            "click": np.arange(1, c + 1), "remaining": self.remaining, "profit": self.profit,
            "payment": self.payment, "winner": self.winner, "bidders": self.bidders,
        }


# --------------------------------------------------------------------------------------------
# numba kernel
# --------------------------------------------------------------------------------------------


@njit(cache=True)
def _interp(x, xs, ys):
    if x <= xs[0]:
        return x if x < xs[0] else ys[0]
    if x >= xs[-1]:
        return ys[-1]
    lo, hi = 0, xs.size - 1
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if xs[mid] <= x:
            lo = mid
        else:
            hi = mid
    t = (x - xs[lo]) / (xs[hi] - xs[lo])
    return ys[lo] + t * (ys[hi] - ys[lo])


@njit(cache=True)
def _remove(i_adv, active, pos, state):
    m = state[0]
    i = pos[i_adv]
    last = active[m - 1]
    active[i] = last
    pos[last] = i
    pos[i_adv] = -1
    state[0] = m - 1


@njit(cache=True)
def _run_block(
    c0, sel_u, vals, mech_u, ep_u,
    active, pos, state, part_w, wins_w, checked, leave_click, part_tot, wins_tot, fixed_vals,
    n_per, theta, window, per_click_values, unit_clicks, shrink, once,
    comp_cum, comp_kind, comp_res, comp_eligible, truthful, tab_x, tab_b,
    out_remaining, out_payment, out_winner, out_bidders,
):
    """Run clicks c0 .. c0 + len(mech_u) − 1; return the number run (less when the run stops)."""
    nblock = mech_u.size
    ids = np.empty(n_per, np.int64)
    bids = np.empty(n_per)
    leavers = np.empty(active.size, np.int64)
    for c in range(nblock):
        m = state[0]
        nb = n_per if m >= n_per else m
        if m < n_per and not shrink:
            return c
        winner = -1
        pay = 0.0
        if nb > 0:
            # Partial Fisher-Yates on the active list: the first nb entries are the sample.
            for k in range(nb):
                j = k + int(sel_u[c, k] * (m - k))
                if j > m - 1:
                    j = m - 1
                a, b = active[k], active[j]
                active[k], active[j] = b, a
                pos[b], pos[a] = k, j
                ids[k] = active[k]
            for k in range(nb):
                v = vals[c, k] if per_click_values else fixed_vals[ids[k]]
                bids[k] = v if truthful else _interp(v, tab_x, tab_b[nb])
            comp = 0
            while comp < comp_cum.size - 1 and mech_u[c] >= comp_cum[comp]:
                comp += 1
            kind, r = comp_kind[comp], comp_res[comp]
            if kind == 2:
                if comp_eligible[comp]:
                    count = 0
                    for k in range(nb):
                        if bids[k] >= r:
                            count += 1
                    if count > 0:
                        t = int(ep_u[c] * count)
                        if t > count - 1:
                            t = count - 1
                        for k in range(nb):
                            if bids[k] >= r:
                                if t == 0:
                                    winner = k
                                    break
                                t -= 1
                else:
                    k = int(ep_u[c] * nb)
                    if k > nb - 1:
                        k = nb - 1
                    if bids[k] >= r:
                        winner = k
                if winner >= 0:
                    pay = r
            else:
                best, second = -1.0, -1.0
                for k in range(nb):
                    b = bids[k]
                    if b >= r:
                        if winner < 0 or b > best:
                            second = best
                            best = b
                            winner = k
                        elif b > second:
                            second = b
                if winner >= 0:
                    if kind == 0:
                        pay = best
                    else:
                        pay = second if second > r else r
            for k in range(nb):
                i = ids[k]
                part_w[i] += 1
                part_tot[i] += 1
            if winner >= 0:
                winner = ids[winner]
                wins_w[winner] += 1
                wins_tot[winner] += 1
        cg = c0 + c
        nleave = 0
        if unit_clicks:
            if (cg + 1) % window == 0 and (not once or cg + 1 == window):
                for q in range(state[0]):
                    i = active[q]
                    if part_w[i] > 0 and wins_w[i] < theta * part_w[i] * (1.0 - 1e-12):
                        leavers[nleave] = i
                        nleave += 1
                    part_w[i] = 0
                    wins_w[i] = 0
        else:
            for k in range(nb):
                i = ids[k]
                if part_w[i] >= window and not checked[i]:
                    if wins_w[i] < theta * part_w[i] * (1.0 - 1e-12):
                        leavers[nleave] = i
                        nleave += 1
                    part_w[i] = 0
                    wins_w[i] = 0
                    if once:
                        checked[i] = True
        for q in range(nleave):
            leave_click[leavers[q]] = cg
            _remove(leavers[q], active, pos, state)
        out_remaining[c] = state[0]
        out_payment[c] = pay
        out_winner[c] = winner
        out_bidders[c] = nb
    return nblock


# --------------------------------------------------------------------------------------------
# driver
# --------------------------------------------------------------------------------------------


def _strategy_tables(mechanism: Any, dist: ValueDistribution, n_max: int, upper: float):
    """Bid tables for 1..n_max bidders on one value grid (row n = N bidders); truthful flag."""
    parts = flat_components(mechanism)
    fps = sorted({r for _, kind, r, _ in parts if kind == "fp"})
    if not fps:
        return True, np.zeros(2), np.zeros((n_max + 1, 2))
    lo = max(fps[0], dist.lower)
    xs = _grid(dist, lo, max(upper, lo + 1e-9), _TABLE_SIZE)
    tab = np.empty((n_max + 1, xs.size))
    tab[0] = xs
    for n in range(1, n_max + 1):
        tab[n] = bid_function(mechanism, dist, n, upper=upper)(xs)
    return False, xs, tab


def _label(mechanism: Any) -> str:
    return str(mechanism) if isinstance(mechanism, MechanismSpec) else type(mechanism).__name__


def simulate_platform(
    mechanism: "MechanismSpec | Any",
    config: PlatformConfig | None = None,
    *,
    seed: SeedLike = 0,
    label: str | None = None,
    block: int = 8192,
    **overrides: Any,
) -> PlatformResult:
    """Run the long-run platform simulation for one mechanism.

    Parameters
    ----------
    mechanism : MechanismSpec or mechanism object
        Any mixture of FP / SP / unweighted EP parts (e.g. SP(r), a designed pSP).
    config : PlatformConfig, optional
        Sizes and readings; keyword ``overrides`` (e.g. ``clicks=1000, values="per-click"``) replace
        its fields.
    seed : seed-like
        Same seed → same run; same seed for two mechanisms → common random numbers.
    label : str, optional
        Name in reports (default: the mechanism as text).
    block : int
        Clicks whose random numbers are drawn at once (does not change the results).

    Returns
    -------
    PlatformResult

    Examples
    --------
    >>> res = simulate_platform(MechanismSpec.sp(0.0), advertisers=6, per_click=3, clicks=500,
    ...                         theta=0.2, window=50, seed=1)
    >>> bool(np.all(np.diff(res.remaining) <= 0)), bool(np.isclose(res.total_profit, res.payment.sum()))
    (True, True)
    """
    cfg = (config or PlatformConfig()).replace(**overrides) if overrides else (config or PlatformConfig())
    label = label or _label(mechanism)
    text = _label(mechanism)
    block = check_int("block", block, minimum=1)
    # A spec's Equal-Possible part follows the config's pool; a mechanism object keeps its own.
    mechanism = from_spec(mechanism, ep_pool=cfg.ep_pool) if isinstance(mechanism, MechanismSpec) else mechanism
    parts = flat_components(mechanism)
    dist, P, N, C = cfg.dist, cfg.advertisers, cfg.per_click, cfg.clicks
    # One stream per kind of draw, so the block size cannot change which number goes where.
    streams = [np.random.default_rng(s) for s in as_seed_sequence(seed).spawn(5)]
    rng_fixed, rng_sel, rng_vals, rng_mech, rng_ep = streams
    per_click = cfg.values == "per-click"
    fixed_vals = np.full(P, np.nan) if per_click else dist.sample(P, seed=rng_fixed)
    upper = dist.quantile_upper(1e-12) if per_click else max(float(fixed_vals.max()), dist.lower)
    if per_click and not dist.bounded:
        upper = max(upper, float(dist.ppf(1 - 1e-15)))
    truthful, tab_x, tab_b = _strategy_tables(mechanism, dist, N, upper)

    probs = np.array([p for p, *_ in parts])
    comp_cum = np.cumsum(probs)
    comp_kind = np.array([_KIND_CODE[k] for _, k, _, _ in parts], dtype=np.int64)
    comp_res = np.array([r for _, _, r, _ in parts], dtype=float)
    comp_eligible = np.array([pool == "eligible" for *_, pool in parts], dtype=np.bool_)

    active = np.arange(P, dtype=np.int64)
    pos = np.arange(P, dtype=np.int64)
    state = np.array([P], dtype=np.int64)
    part_w = np.zeros(P, np.int64)
    wins_w = np.zeros(P, np.int64)
    checked = np.zeros(P, np.bool_)
    leave_click = np.full(P, -1, np.int64)
    part_tot = np.zeros(P, np.int64)
    wins_tot = np.zeros(P, np.int64)

    remaining = np.full(C, P, np.int64)
    payment = np.zeros(C)
    winner = np.full(C, -1, np.int64)
    bidders = np.zeros(C, np.int64)
    stopped_at: int | None = None
    dummy_vals = np.zeros((1, 1))
    for c0 in range(0, C, block):
        b = min(block, C - c0)
        sel_u = rng_sel.random((b, N))
        vals = dist.sample((b, N), seed=rng_vals) if per_click else dummy_vals
        mech_u = rng_mech.random(b)
        ep_u = rng_ep.random(b)
        done = _run_block(
            c0, sel_u, vals, mech_u, ep_u,
            active, pos, state, part_w, wins_w, checked, leave_click, part_tot, wins_tot,
            np.nan_to_num(fixed_vals), N, cfg.theta, cfg.window, per_click, cfg.window_unit == "clicks",
            cfg.shortage == "shrink", cfg.checks == "once",
            comp_cum, comp_kind, comp_res, comp_eligible, truthful, tab_x, tab_b,
            remaining[c0:c0 + b], payment[c0:c0 + b], winner[c0:c0 + b], bidders[c0:c0 + b],
        )
        if done < b:
            stopped_at = c0 + done
            remaining[stopped_at:] = state[0]
            break
    return PlatformResult(
        label=label, mechanism=text, config=cfg,
        remaining=remaining, profit=np.cumsum(payment), payment=payment, winner=winner, bidders=bidders,
        values=fixed_vals, leave_click=leave_click, participations=part_tot, wins=wins_tot,
        stopped_at=stopped_at,
    )


# --------------------------------------------------------------------------------------------
# mechanisms of the seed's experiment, and grids of readings
# --------------------------------------------------------------------------------------------


MECHANISM_NAMES = ("fp", "sp", "ep", "pfp", "psp", "psp-alg1", "psp-alg2", "pfp-alg1", "pfp-alg2")


def resolve_mechanism(
    name: str, dist: Any = "uniform:0:1", n: int = 10, reserve: float = 0.0, theta: float = 0.001
) -> MechanismSpec:
    """One mechanism from its name, as on the CLI's ``--mechanism``.

    ======================  ======================================================================
    ``sp``, ``fp``, ``ep``  the simple mechanism with reserve ``reserve``
    ``sp:R`` (fp, ep)       ... with reserve R
    ``psp:R1:R2:LAM``       pSP(r1, r2, λ) (likewise ``pfp:...``)
    ``psp-alg1``            pSP designed by Algorithm 1 from SP(``reserve``), F, N, θ (§V-A)
    ``psp-alg2``            pSP designed by Algorithm 2 (likewise ``pfp-alg1``, ``pfp-alg2`` from FP)
    ======================  ======================================================================

    Raises
    ------
    FairbidError
        Unknown name, bad numbers, or a design that has no solution (e.g. Algorithm 2 when no r1
        keeps the baseline's profit).

    Examples
    --------
    >>> resolve_mechanism("psp:0.4:0.1:0.05")
    MechanismSpec(kind='psp', reserve=0.4, r1=0.4, r2=0.1, lam=0.05)
    >>> round(resolve_mechanism("psp-alg1", "uniform:0:1", 5, 0.1, 0.001).r1, 4)   # F(r1)^4 = θ
    0.1778
    """
    text = str(name).strip().lower()
    head, *args = text.split(":")
    if head.endswith(("-alg1", "-alg2")) and not args:
        from fairbid.auctions.design import design

        base = check_choice("--mechanism", head[:-5], ("psp", "pfp"))[1:]
        return design(int(head[-1]), dist, n, reserve, theta, base=base).mechanism
    check_choice("--mechanism", head, MECHANISM_NAMES)
    try:
        nums = [float(a) for a in args]
    except ValueError:
        raise FairbidError("--mechanism", "parameters must be numbers", name) from None
    if head in ("pfp", "psp"):
        if len(nums) != 3:
            raise FairbidError("--mechanism", f"{head} needs {head}:R1:R2:LAMBDA", name)
        return getattr(MechanismSpec, head)(*nums)
    if len(nums) > 1:
        raise FairbidError("--mechanism", f"{head} takes at most one reserve ({head}:R)", name)
    return MechanismSpec(head, nums[0] if nums else reserve)


def resolve_mechanisms(
    names: "str | Sequence[str]", dist: Any = "uniform:0:1", n: int = 10, reserve: float = 0.0,
    theta: float = 0.001,
) -> dict[str, MechanismSpec]:
    """``{name: spec}`` for a comma-separated list (or sequence) of names (:func:`resolve_mechanism`)."""
    items = [s.strip() for s in names.split(",")] if isinstance(names, str) else [str(s).strip() for s in names]
    items = [s for s in items if s]
    if not items:
        raise FairbidError("--mechanism", "needs at least one mechanism name", names)
    return {item: resolve_mechanism(item, dist, n, reserve, theta) for item in items}


def reading_grid(**fixed: Sequence[str] | str) -> list[dict[str, str]]:
    """Every combination of the readings (``values`` × ``window_unit`` × ``shortage`` × ``checks``).

    A keyword fixes (a string) or restricts (a sequence) one reading, e.g.
    ``reading_grid(checks="every")`` gives the 8 combinations of the other three.

    Examples
    --------
    >>> len(reading_grid()), len(reading_grid(checks="every"))
    (16, 8)
    """
    choices = {
        "values": VALUE_READINGS, "window_unit": WINDOW_READINGS,
        "shortage": SHORTAGE_READINGS, "checks": CHECK_READINGS,
    }
    for name, value in fixed.items():
        if name not in choices:
            raise FairbidError("reading", f"unknown; choose among {', '.join(choices)}", name)
        wanted = [value] if isinstance(value, str) else list(value)
        for w in wanted:
            check_choice(name, w, choices[name])
        choices[name] = tuple(wanted)
    return [dict(zip(choices, combo)) for combo in itertools.product(*choices.values())]


def _grid_task(task: tuple, ss: np.random.SeedSequence) -> list[PlatformResult]:
    """All mechanisms under one reading, with one seed (common random numbers across mechanisms)."""
    mechanisms, cfg = task
    return [simulate_platform(spec, cfg, seed=ss, label=label) for label, spec in mechanisms]


def simulate_readings(
    mechanisms: "Mapping[str, MechanismSpec | Any]",
    config: PlatformConfig | None = None,
    readings: Sequence[Mapping[str, str]] | None = None,
    *,
    seed: SeedLike = 0,
    executor: "Executor | str | None" = None,
) -> list[PlatformResult]:
    """Run every mechanism under every reading; one executor task per reading.

    Within a reading all mechanisms use the same child seed (common random numbers); the results are
    identical whatever the executor backend.

    Returns
    -------
    list of PlatformResult
        Reading-major order: for each reading, one result per mechanism in ``mechanisms`` order.
    """
    cfg = config or PlatformConfig()
    readings = list(readings) if readings is not None else [cfg.readings()]
    items = list(mechanisms.items())
    tasks = [(items, cfg.replace(**dict(r))) for r in readings]
    out = get_executor(executor).map(_grid_task, tasks, seed=seed, progress="Platform simulations")
    return [res for group in out for res in group]
