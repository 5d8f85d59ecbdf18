"""Long-run platform simulation: a plain-Python reference, invariants, readings, determinism."""

import numpy as np
import pytest

from fairbid.auctions.equilibrium import bid_function
from fairbid.auctions.mechanisms import flat_components
from fairbid.auctions.platform import (
    PlatformConfig,
    reading_grid,
    resolve_mechanism,
    resolve_mechanisms,
    simulate_platform,
    simulate_readings,
)
from fairbid.auctions.spec import MechanismSpec
from fairbid.auctions.distributions import parse_distribution
from fairbid.core.errors import FairbidError

SMALL = dict(advertisers=8, per_click=3, clicks=3000, theta=0.12, window=50)


def reference(mechanism, cfg: PlatformConfig, seed):
    """Click-by-click Python of the rules in the module docstring, on the same random stream."""
    r_fixed, r_sel, r_vals, r_mech, r_ep = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)]
    dist, P, N, C = cfg.dist, cfg.advertisers, cfg.per_click, cfg.clicks
    fixed = cfg.values == "fixed"
    vals_fixed = dist.sample(P, seed=r_fixed) if fixed else None
    sel_u = r_sel.random((C, N))  # the whole run at once
    vals = dist.sample((C, N), seed=r_vals) if not fixed else None
    mech_u, ep_u = r_mech.random(C), r_ep.random(C)
    parts = flat_components(mechanism)
    beta = {n: bid_function(mechanism, dist, n, upper=1.0) for n in range(1, N + 1)}
    cum = np.cumsum([p for p, *_ in parts])
    active = list(range(P))
    part_w, wins_w, checked = [0] * P, [0] * P, set()
    once = cfg.checks == "once"
    remaining, payments = [], []
    for c in range(C):
        m = len(active)
        if m < N and cfg.shortage == "stop":
            remaining += [m] * (C - c)
            payments += [0.0] * (C - c)
            break
        nb = min(N, m)
        for k in range(nb):  # partial Fisher-Yates
            j = min(k + int(sel_u[c, k] * (m - k)), m - 1)
            active[k], active[j] = active[j], active[k]
        ids = active[:nb]
        v = [vals_fixed[i] for i in ids] if fixed else list(vals[c, :nb])
        bids = [float(beta[nb](x)) for x in v]
        comp = min(int(np.searchsorted(cum, mech_u[c], side="right")), len(parts) - 1)
        _, kind, r, _ = parts[comp]
        win, pay = -1, 0.0
        if kind == "ep":
            k = min(int(ep_u[c] * nb), nb - 1)
            if bids[k] >= r:
                win, pay = k, r
        else:
            ok = [k for k in range(nb) if bids[k] >= r]
            if ok:
                win = max(ok, key=lambda k: (bids[k], -k))
                others = [bids[k] for k in ok if k != win]
                pay = bids[win] if kind == "fp" else max([r] + others)
        for i in ids:
            part_w[i] += 1
        if win >= 0:
            wins_w[ids[win]] += 1
        leavers = []
        if cfg.window_unit == "participations":
            for i in ids:
                if part_w[i] >= cfg.window and i not in checked:
                    if wins_w[i] < cfg.theta * part_w[i] * (1 - 1e-12):
                        leavers.append(i)
                    part_w[i] = wins_w[i] = 0
                    if once:
                        checked.add(i)
        elif (c + 1) % cfg.window == 0 and (not once or c + 1 == cfg.window):
            for i in list(active):
                if part_w[i] > 0 and wins_w[i] < cfg.theta * part_w[i] * (1 - 1e-12):
                    leavers.append(i)
                part_w[i] = wins_w[i] = 0
        for i in leavers:  # swap-remove, as the kernel does
            q = active.index(i)
            active[q] = active[-1]
            active.pop()
        remaining.append(len(active))
        payments.append(pay)
    return np.array(remaining), np.array(payments)


@pytest.mark.parametrize(
    "mechanism", [MechanismSpec.sp(0.1), MechanismSpec.psp(0.5, 0.05, 0.3), MechanismSpec.pfp(0.4, 0.0, 0.2)], ids=str
)
@pytest.mark.parametrize(
    "reading",
    [
        dict(values="fixed", window_unit="participations", shortage="shrink"),
        dict(values="fixed", window_unit="clicks", shortage="stop"),
        dict(values="per-click", window_unit="participations", shortage="stop", theta=0.25),
        dict(values="fixed", window_unit="participations", shortage="shrink", checks="once"),
        dict(values="fixed", window_unit="clicks", shortage="shrink", checks="once"),
    ],
    ids=lambda r: "-".join(map(str, r.values())),
)
def test_kernel_matches_python_reference(mechanism, reading):
    cfg = PlatformConfig(**{**SMALL, **reading})
    res = simulate_platform(mechanism, cfg, seed=3, block=700)
    rem, pay = reference(mechanism, cfg, seed=3)
    np.testing.assert_array_equal(res.remaining, rem)
    np.testing.assert_allclose(res.payment, pay, rtol=0, atol=1e-6)  # FP bids: table vs direct interpolation


def test_invariants_and_accounting():
    res = simulate_platform(MechanismSpec.sp(0.0), PlatformConfig(**SMALL, shortage="shrink"), seed=1)
    assert np.all(np.diff(res.remaining) <= 0)
    np.testing.assert_allclose(res.profit, np.cumsum(res.payment))
    assert res.total_profit == pytest.approx(res.payment.sum())
    # Every sale has a winner, and per-advertiser totals add up to the per-click records.
    assert res.wins.sum() == (res.winner >= 0).sum()
    assert res.participations.sum() == res.bidders.sum()
    # Leavers: exactly P − final remaining, each left at a click where the count dropped.
    left = res.leave_click[res.leave_click >= 0]
    assert left.size == SMALL["advertisers"] - res.final_remaining
    # Under SP with fixed values the highest-value advertiser never leaves before the last one.
    top = int(np.argmax(res.values))
    assert res.leave_click[top] == -1 or res.final_remaining == 0


def test_threshold_extremes():
    # θ = 0: nobody ever leaves. θ = 1 with window 1 (own participations): everyone who loses once leaves.
    base = PlatformConfig(advertisers=6, per_click=2, clicks=2000, window=1, shortage="shrink")
    assert simulate_platform(MechanismSpec.sp(0.0), base.replace(theta=0.0), seed=0).final_remaining == 6
    res = simulate_platform(MechanismSpec.sp(0.0), base.replace(theta=1.0), seed=0)
    assert res.final_remaining == 1  # the last one has no competitor and always wins (reserve 0)


def test_stop_and_shrink_readings():
    cfg = PlatformConfig(advertisers=6, per_click=3, clicks=4000, theta=0.3, window=30)
    stop = simulate_platform(MechanismSpec.sp(0.0), cfg.replace(shortage="stop"), seed=4)
    assert stop.stopped_at is not None and stop.remaining[stop.stopped_at - 1] < 3
    assert np.all(stop.payment[stop.stopped_at:] == 0) and np.all(stop.bidders[stop.stopped_at:] == 0)
    shrink = simulate_platform(MechanismSpec.sp(0.0), cfg.replace(shortage="shrink"), seed=4)
    assert shrink.stopped_at is None
    prev = np.concatenate([[6], shrink.remaining[:-1]])
    np.testing.assert_array_equal(shrink.bidders, np.minimum(3, prev))


def test_per_click_values_keep_everyone_at_the_seed_setting():
    # With fresh values each click every advertiser wins 1/N of her auctions on average (0.1 ≫ θ).
    res = simulate_platform(MechanismSpec.sp(0.0), values="per-click", clicks=20_000, window=2000, seed=0)
    assert res.final_remaining == 50
    rates = res.wins / res.participations
    assert abs(rates.mean() - 0.1) < 0.01


def test_ep_pool_reading():
    # EP(0.3) alone: with the 'all' pool a click sells only if the drawn bidder is >= 0.3; with the
    # 'eligible' pool it sells whenever anyone is >= 0.3. Fixed values, nobody leaves (θ = 0).
    cfg = PlatformConfig(advertisers=10, per_click=4, clicks=20_000, theta=0.0, window=100)
    all_pool = simulate_platform(MechanismSpec.ep(0.3), cfg, seed=2)
    eligible = simulate_platform(MechanismSpec.ep(0.3), cfg.replace(ep_pool="eligible"), seed=2)
    share_high = (all_pool.values >= 0.3).mean()
    sold_all = (all_pool.winner >= 0).mean()
    assert abs(sold_all - share_high) < 4 * np.sqrt(share_high * (1 - share_high) / 20_000)
    assert (eligible.winner >= 0).mean() > sold_all
    assert np.all(eligible.values[eligible.winner[eligible.winner >= 0]] >= 0.3)


def test_determinism_and_common_random_numbers():
    cfg = PlatformConfig(**SMALL)
    a = simulate_platform(MechanismSpec.sp(0.1), cfg, seed=9)
    b = simulate_platform(MechanismSpec.sp(0.1), cfg, seed=9, block=77)  # blocks do not change results
    c = simulate_platform(MechanismSpec.sp(0.1), cfg, seed=10)
    np.testing.assert_array_equal(a.remaining, b.remaining)
    np.testing.assert_array_equal(a.payment, b.payment)
    assert not np.array_equal(a.payment, c.payment)
    # Same seed, other mechanism: same advertisers' values.
    d = simulate_platform(MechanismSpec.psp(0.4, 0.1, 0.2), cfg, seed=9)
    np.testing.assert_array_equal(a.values, d.values)


def test_identical_across_executor_backends():
    mechs = {"sp": MechanismSpec.sp(0.0), "psp": MechanismSpec.psp(0.5, 0.0, 0.3)}
    readings = reading_grid(values="fixed", checks="every", shortage="shrink")
    cfg = PlatformConfig(**SMALL)
    serial = simulate_readings(mechs, cfg, readings, seed=2, executor="serial")
    proc = simulate_readings(mechs, cfg, readings, seed=2, executor="process")
    assert [r.label for r in serial] == ["sp", "psp", "sp", "psp"]
    for s, p in zip(serial, proc):
        np.testing.assert_array_equal(s.remaining, p.remaining)
        np.testing.assert_array_equal(s.profit, p.profit)
        assert s.config.readings() == p.config.readings()


def test_resolve_mechanisms_names():
    # Algorithm 1 at the seed's §V-B setting: λ = Nθ = 0.01, F(r1)^9 = θ → r1 = 0.001^(1/9).
    m = resolve_mechanisms("sp, psp-alg1, psp:0.4:0.1:0.05, fp:0.2", "uniform:0:1", 10, 0.0, 0.001)
    assert list(m) == ["sp", "psp-alg1", "psp:0.4:0.1:0.05", "fp:0.2"]
    assert m["psp-alg1"].lam == pytest.approx(0.01) and m["psp-alg1"].r1 == pytest.approx(0.001 ** (1 / 9))
    assert m["fp:0.2"] == MechanismSpec.fp(0.2)
    for bad in ("nosuch", "psp:0.4", "sp:a", "sp:1:2"):
        with pytest.raises(FairbidError, match="--mechanism"):
            resolve_mechanism(bad)


@pytest.mark.parametrize(
    ("kwargs", "what"),
    [
        (dict(theta=1.5), "theta"), (dict(theta=-0.1), "theta"), (dict(per_click=60), "per_click"),
        (dict(values="sometimes"), "values"), (dict(window_unit="days"), "window_unit"),
        (dict(shortage="panic"), "shortage"), (dict(window=0), "window"), (dict(clicks=-1), "clicks"),
        (dict(dist="nosuch:1"), "distribution"),
    ],
)
def test_bad_platform_inputs(kwargs, what):
    with pytest.raises(FairbidError, match=f"^{what}: "):
        PlatformConfig(**kwargs)


def test_reading_grid():
    grid = reading_grid()
    assert len(grid) == 16 and len({tuple(g.values()) for g in grid}) == 16
    with pytest.raises(FairbidError):
        reading_grid(values="sometimes")
