"""``fairbid online``: online allocation and matching (seed 002): prophet pricing, reusable resources; sharing economy (seed 000)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from fairbid.cli.common import JsonOpt, OutOpt, SeedOpt, emit, save_run, start
from fairbid.core.errors import FairbidError

app = typer.Typer(no_args_is_help=True)


@app.command("prophet")
def prophet_cmd(k: Annotated[int, typer.Option("--k", help="Units to sell (>= 1).")],
                n: Annotated[int | None, typer.Option("--n", help="Number of i.i.d. items (with --values).")] = None,
                values: Annotated[str | None, typer.Option("--values", help="i.i.d. value SPEC, e.g. uniform:0:1.")] = None,
                values_file: Annotated[Path | None, typer.Option(
                    "--values-file", help='JSON {"values": [SPEC, ...]}: one distribution per item, arrival order.')] = None,
                check_samples: Annotated[int, typer.Option(
                    "--check-samples", help="Also Monte Carlo check with this many samples (0: off, <= 10^7).")] = 0,
                seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Static threshold mu_k(p) = delta_k(p): price, policy value, prophet value, ratio, guarantee."""
    from fairbid.core.errors import check_int

    start(json_mode)
    check_int("--k", k, minimum=1, maximum=1000)
    check_int("--check-samples", check_samples, minimum=0, maximum=10**7)
    if (values is None) == (values_file is None):
        raise FairbidError("--values", "give exactly one of --values SPEC (with --n) or --values-file", None)
    if values_file is not None:
        from fairbid.core.validate import load_json_file, require_type

        data = require_type("--values-file", load_json_file(values_file, "--values-file"), dict, "an object")
        specs = require_type("--values-file: values", data.get("values"), list, "a list of SPEC strings")
        for i, s in enumerate(specs):
            require_type(f"--values-file: values[{i}]", s, str, "a SPEC string")
        if n is not None and n != len(specs):
            raise FairbidError("--n", "must equal the number of distributions in --values-file", n)
        arg, nn = specs, None
    else:
        if n is None:
            raise FairbidError("--n", "is required with --values")
        check_int("--n", n, minimum=1, maximum=100_000)
        arg, nn = values, n
    count = len(arg) if isinstance(arg, list) else nn
    if check_samples * count > 5 * 10**7:
        raise FairbidError("--check-samples", "check samples * items must be at most 5e7", check_samples * count)
    from fairbid.online import prophet, simulate_prophet

    r = prophet(arg, k, nn)
    result = r.as_dict()
    if check_samples:
        mc = simulate_prophet(arg, k, r.price, nn, samples=check_samples, seed=seed)
        result["monte_carlo"] = mc
    save_run(out, "online-prophet", seed, {"command": "online prophet", "k": k, "n": r.n, "values": values,
                                           "values_file": str(values_file) if values_file else None,
                                           "check_samples": check_samples}, result)
    emit(result, json_mode, title=f"static pricing, k = {k}")


@app.command("reusable")
def reusable_cmd(resources: Annotated[int, typer.Option("--resources", help="Resources m (1..10^4).")] = 20,
                 requests: Annotated[int, typer.Option("--requests", help="Requests T (1..10^6).")] = 2000,
                 degree: Annotated[int, typer.Option("--degree", help="Eligible resources per request.")] = 3,
                 capacity: Annotated[int, typer.Option("--capacity", help="Units per resource.")] = 5,
                 durations: Annotated[str, typer.Option(
                     "--durations", help="Usage duration SPEC (exponential:1, fixed:2, ...); non-negative.")] = "exponential:1",
                 reps: Annotated[int, typer.Option("--reps", help="Duration realisations per policy.")] = 20,
                 lp: Annotated[bool, typer.Option("--lp/--no-lp", help="Solve the offline LP benchmark.")] = True,
                 seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Greedy, balance and ranking-based policies against the clairvoyant LP on a random instance."""
    from fairbid.core.errors import check_int

    start(json_mode)
    check_int("--resources", resources, minimum=1, maximum=10_000)
    check_int("--requests", requests, minimum=1, maximum=10**6)
    check_int("--degree", degree, minimum=1, maximum=resources)
    check_int("--capacity", capacity, minimum=1, maximum=10_000)
    check_int("--reps", reps, minimum=1, maximum=10_000)
    if requests * reps > 10**9:
        raise FairbidError("--reps", "requests * reps (simulated arrivals per policy) must be at most 1e9",
                           requests * reps)
    from fairbid.online import POLICIES, duration_distribution, expected_reward, lp_upper_bound, random_instance

    duration_distribution(durations, "--durations")
    inst = random_instance(resources, requests, degree=degree, capacity=capacity, durations=durations, seed=seed)
    result: dict = {"lp_value": lp_upper_bound(inst)["value"] if lp else None}
    for p in POLICIES:
        mean, se = expected_reward(inst, p, reps=reps, seed=seed)
        result[p] = {"reward": mean, "stderr": se,
                     "ratio": mean / result["lp_value"] if lp and result["lp_value"] > 0 else None}
    save_run(out, "online-reusable", seed, {"command": "online reusable", "resources": resources,
                                            "requests": requests, "degree": degree, "capacity": capacity,
                                            "durations": durations, "reps": reps, "lp": lp}, result,
             tables={"policies": {"policy": list(POLICIES), "reward": [result[p]["reward"] for p in POLICIES],
                                  "stderr": [result[p]["stderr"] for p in POLICIES]}})
    emit(result, json_mode, title="reusable resources")


@app.command("dynamic")
def dynamic_cmd(mechanism: Annotated[str, typer.Option(
                    "--mechanism", help="greedy, patient, greedy-1sided, patient-1sided (only side A initiates) "
                                        "or all.")] = "all",
                m: Annotated[float, typer.Option("--m", help="Arrival rate per side (departure rate is 1).")] = 10.0,
                d: Annotated[float, typer.Option("--d", help="Compatibility p = d/m (0 < d <= m).")] = 2.0,
                horizon: Annotated[float, typer.Option("--horizon", help="Simulated time (0: no simulation).")] = 2000.0,
                seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Expected unmatched fraction: exact Markov chain and an agent-level simulation (two- and one-sided)."""
    from fairbid.core.errors import check_choice, check_float

    start(json_mode)
    check_choice("--mechanism", mechanism, ("all", "greedy", "patient", "greedy-1sided", "patient-1sided"))
    check_float("--m", m, 0.0, 1000.0, low_open=True, finite=True)
    check_float("--d", d, 0.0, m, low_open=True, finite=True)
    check_float("--horizon", horizon, 0.0, 1e7, finite=True)
    from fairbid.online import MECHANISMS, markov_loss, simulate_market

    mechs = MECHANISMS if mechanism == "all" else (mechanism,)
    result: dict = {}
    for mech in mechs:
        r = markov_loss(mech, m=m, d=d)
        if horizon > 0:
            r["simulation"] = simulate_market(mech, m=m, d=d, horizon=horizon, burn=min(50.0, horizon / 10),
                                              seed=seed)
        result[mech] = r
    save_run(out, "online-dynamic", seed, {"command": "online dynamic", "mechanism": mechanism, "m": m, "d": d,
                                           "horizon": horizon}, result)
    emit(result, json_mode, title="dynamic bipartite matching")


@app.command("inspections")
def inspections_cmd(n: Annotated[int, typer.Option("--n", help="Women N (men: round(alpha N)).")] = 2000,
                    alpha: Annotated[str, typer.Option("--alpha", help="Men-to-women ratio(s), comma-separated.")] = "0.5,1,2,4",
                    degree: Annotated[float, typer.Option("--degree", help="Women's mean number of potential partners.")] = 3.0,
                    success: Annotated[float, typer.Option("--success", help="Inspection success probability.")] = 0.5,
                    reps: Annotated[int, typer.Option("--reps", help="Markets per alpha.")] = 3,
                    tol: Annotated[float, typer.Option("--tol", help="Deadlock-free when stuck fraction < tol.")] = 0.01,
                    seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Stuck (deadlocked) fraction of women per alpha and the alpha threshold on the grid."""
    from fairbid.core.errors import check_float, check_int

    start(json_mode)
    check_int("--n", n, minimum=1, maximum=10**6)
    check_int("--reps", reps, minimum=1, maximum=100)
    check_float("--degree", degree, 0.0, 1e4, low_open=True, finite=True)
    check_float("--success", success, 0.0, 1.0, low_open=True, finite=True)
    check_float("--tol", tol, 0.0, 1.0, low_open=True, finite=True)
    parts = [x for x in alpha.split(",") if x.strip()]
    if not parts or len(parts) > 200:
        raise FairbidError("--alpha", "needs 1..200 comma-separated numbers", alpha)
    alphas = [check_float("--alpha", _num("--alpha", x), 0.0, 100.0, low_open=True,
                          finite=True) for x in parts]
    from fairbid.online import deadlock_threshold

    result = deadlock_threshold(alphas, n=n, degree=degree, success=success, reps=reps, tol=tol, seed=seed)
    save_run(out, "online-inspections", seed, {"command": "online inspections", "n": n, "alpha": alpha,
                                               "degree": degree, "success": success, "reps": reps, "tol": tol},
             {"threshold": result["threshold"]},
             tables={"stuck": {"alpha": result["alpha"], "stuck_women": result["stuck_women"]}})
    emit(result, json_mode, title="costly inspections: deadlock")


def _num(what: str, text: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise FairbidError(what, "must be comma-separated numbers", text.strip()) from None


@app.command("fairness")
def fairness_cmd(offline: Annotated[int | None, typer.Option("--offline", help="Random instance: offline agents (1..500, default 10).")] = None,
                 types: Annotated[int | None, typer.Option("--types", help="Random instance: online types (1..500, default 6).")] = None,
                 rounds: Annotated[int, typer.Option("--rounds", help="Arrivals T (1..10^5).")] = 10,
                 density: Annotated[float | None, typer.Option("--density", help="Random instance: edge probability (default 0.4).")] = None,
                 groups: Annotated[int | None, typer.Option(
                     "--groups", help="Random instance, --objective group: number of groups (agents split at random; default 2).")] = None,
                 instance: Annotated[Path | None, typer.Option(
                     "--instance", help='JSON {"adj": [[0/1 per type] per offline agent], "rates": [per type, sum 1], '
                                        '"groups": [[agent indices], ...] (with --objective group)}.')] = None,
                 objective: Annotated[str, typer.Option(
                     "--objective", help="individual (IFM: min over agents) or group (GFM: min over groups).")] = "individual",
                 attenuation: Annotated[str, typer.Option(
                     "--attenuation", help="Attenuation of the 'attenuated' policy: auto (balance when the exact DP is "
                                             "cheap, else mass), balance, mass or none.")] = "auto",
                 group_norm: Annotated[str, typer.Option(
                     "--group-norm", help="GFM divisor: size (matches per member, default) or none (matches).")] = "size",
                 edge_cap: Annotated[bool, typer.Option(
                     "--edge-cap/--no-edge-cap", help="LP cut x_ij <= 1 - (1 - r_j)^T (valid; default on).")] = True,
                 method: Annotated[str, typer.Option(
                     "--method", help="auto (exact DP when <= 12 agents and small), exact (<= 14 agents) or monte-carlo.")] = "auto",
                 reps: Annotated[int, typer.Option("--reps", help="Simulated runs per policy (monte-carlo).")] = 2000,
                 seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Individual or group fairness: LP bound lambda*, min rate, ratio and disparity per policy."""
    from fairbid.core.errors import check_choice, check_float, check_int

    start(json_mode)
    check_choice("--objective", objective, ("individual", "group"))
    check_choice("--attenuation", attenuation, ("auto", "balance", "mass", "none"))
    check_choice("--group-norm", group_norm, ("size", "none"))
    check_choice("--method", method, ("auto", "exact", "monte-carlo"))
    check_int("--rounds", rounds, minimum=1, maximum=10**5)
    check_int("--reps", reps, minimum=1, maximum=10**6)
    if rounds * reps > 10**9:
        raise FairbidError("--reps", "rounds * reps (simulated arrivals per policy) must be at most 1e9", rounds * reps)
    if objective == "individual" and groups is not None:
        raise FairbidError("--groups", "only with --objective group", groups)
    if objective == "individual" and group_norm != "size":
        raise FairbidError("--group-norm", "only with --objective group", group_norm)
    import numpy as np

    from fairbid.core.rng import as_generator, spawn

    s1, s2 = spawn(seed, 2)
    if instance is not None:
        for name, val in (("--offline", offline), ("--types", types), ("--density", density), ("--groups", groups)):
            if val is not None:
                raise FairbidError(name, "describes a random instance; not with --instance", val)
        from fairbid.core.validate import load_json_file, require_matrix, require_type, require_vector

        data = require_type("--instance", load_json_file(instance, "--instance"), dict, "a JSON object")
        unknown = sorted(set(data) - {"adj", "rates", "groups"})
        if unknown:
            raise FairbidError("--instance", "unknown field(s); expected adj, rates, groups", ", ".join(unknown))
        if "adj" not in data or "rates" not in data:
            raise FairbidError("--instance", "needs the fields adj and rates", sorted(data))
        adj_rows = require_matrix("--instance: adj", data["adj"], low=0, high=1)
        if len(adj_rows) > 500 or len(adj_rows[0]) > 500:
            raise FairbidError("--instance: adj", "at most 500 offline agents and 500 types",
                               f"{len(adj_rows)} x {len(adj_rows[0])}")
        adj = np.array(adj_rows)
        if not np.all((adj == 0) | (adj == 1)):
            raise FairbidError("--instance: adj", "entries must be 0 or 1", float(adj[(adj != 0) & (adj != 1)][0]))
        adj = adj.astype(bool)
        rates = np.array(require_vector("--instance: rates", data["rates"], adj.shape[1], low=0))
        if abs(rates.sum() - 1) > 1e-6:
            raise FairbidError("--instance: rates", "arrival probabilities must sum to 1", float(rates.sum()))
        rates = rates / rates.sum()
        glist = data.get("groups")
        if objective == "individual" and glist is not None:
            raise FairbidError("--instance: groups", "only with --objective group", "given")
        if objective == "group":
            if glist is None:
                raise FairbidError("--instance: groups", "--objective group needs a groups field", None)
            from fairbid.online.fairness import check_groups

            require_type("--instance: groups", glist, list, "a list of lists of agent indices")
            try:
                check_groups(glist, adj.shape[0])
            except FairbidError as exc:
                raise FairbidError(f"--instance: {exc.what}", exc.problem, exc.got) from None
    else:
        offline = 10 if offline is None else offline
        types = 6 if types is None else types
        density = 0.4 if density is None else density
        check_int("--offline", offline, minimum=1, maximum=500)
        check_int("--types", types, minimum=1, maximum=500)
        check_float("--density", density, 0.0, 1.0, low_open=True, finite=True)
        g = as_generator(s1)
        adj = g.random((offline, types)) < density
        adj[np.arange(offline), g.integers(0, types, offline)] = True  # every offline agent has a neighbour
        rates = g.dirichlet(np.ones(types))
        glist = None
        if objective == "group":
            k = check_int("--groups", 2 if groups is None else groups, minimum=1, maximum=offline)
            labels = g.permutation(np.arange(offline) % k)            # k non-empty groups of near-equal size
            glist = [np.flatnonzero(labels == c).tolist() for c in range(k)]
    from fairbid.online import fairness_report

    result = fairness_report(adj, rates, rounds, reps=reps, seed=s2, objective=objective, groups=glist,
                             group_norm=group_norm, attenuation=attenuation, edge_cap=edge_cap, method=method)
    save_run(out, "online-fairness", seed, {"command": "online fairness", "offline": int(adj.shape[0]),
                                            "types": int(adj.shape[1]), "rounds": rounds, "density": density,
                                            "instance": str(instance) if instance else None,
                                            "objective": objective, "groups": glist, "attenuation": attenuation,
                                            "group_norm": group_norm, "edge_cap": edge_cap, "method": method,
                                            "reps": reps}, result)
    emit(result, json_mode, title="fairness among offline agents")


@app.command("sharing")
def sharing_cmd(instance: Annotated[Path, typer.Option(
                    "--instance", help='JSON {"weights": {node: resource > 0}, "edges": [[a, b], ...]} (undirected).')],
                audit: Annotated[bool, typer.Option("--audit", help="Audit resource/edge misreports of every node.")] = False,
                rule: Annotated[str, typer.Option(
                    "--rule", help="Sharing rule: bd (the protocol), equal-split, need-weight, need-degree.")] = "bd",
                method: Annotated[str, typer.Option(
                    "--method", help="Decomposition: auto, flow (exact) or enumerate (<= 16 nodes).")] = "auto",
                sybil: Annotated[bool, typer.Option("--sybil", help="With --audit: also try two-identity Sybil splits.")] = False,
                nodes: Annotated[str | None, typer.Option(
                    "--nodes", help="With --audit: audit only these nodes (comma-separated names; default all).")] = None,
                iterations: Annotated[int, typer.Option(
                    "--pr-iterations", help="Proportional-response rounds to compare with (0: skip, <= 10^6).")] = 2000,
                seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Bottleneck-decomposition equilibrium, edge flows, proportional response and (--audit) truthfulness."""
    from fairbid.core.errors import check_choice, check_int

    start(json_mode)
    check_choice("--rule", rule, ("bd", "equal-split", "need-weight", "need-degree"))
    check_choice("--method", method, ("auto", "flow", "enumerate"))
    check_int("--pr-iterations", iterations, minimum=0, maximum=10**6)
    if sybil and not audit:
        raise FairbidError("--sybil", "needs --audit", True)
    if rule != "bd" and not audit:
        raise FairbidError("--rule", "only the audit uses another rule; add --audit", rule)
    if nodes is not None and not audit:
        raise FairbidError("--nodes", "needs --audit", nodes)
    import json

    from fairbid.online.sharing_protocol import (audit_sharing, bottleneck_decomposition, equilibrium_allocation,
                                                 load_sharing_instance, proportional_response)

    net = load_sharing_instance(instance)
    if method == "enumerate" and net.n > 16:
        raise FairbidError("--method", "enumerate handles at most 16 nodes", net.n)
    if audit and net.n > 200:
        raise FairbidError("--audit", "audits networks of at most 200 nodes", net.n)
    if iterations * max(len(net.edges), 1) > 10**9:
        raise FairbidError("--pr-iterations", "rounds * edges must be at most 1e9", iterations * len(net.edges))
    dec = bottleneck_decomposition(net, method)
    alloc = equilibrium_allocation(net, dec)
    result = dec.to_dict(net)
    result["allocation"] = [{"from": net.nodes[a], "to": net.nodes[b], "x": float(x)}
                            for a, b, x in zip(alloc["src"].tolist(), alloc["dst"].tolist(), alloc["x"].tolist())
                            if x > 0]
    result["allocation_residual"] = alloc["residual"]
    if iterations:
        pr = proportional_response(net, iterations=iterations, tol=0.0)
        result["proportional_response"] = {"iterations": pr["iterations"],
                                           "max_abs_diff": float(abs(pr["utilities"] - dec.utilities).max())}
    if audit:
        chosen = None
        if nodes is not None:
            chosen = [x.strip() for x in nodes.split(",") if x.strip()]
            if not chosen or len(chosen) > net.n:
                raise FairbidError("--nodes", "needs 1..n comma-separated node names", nodes)
            for x in chosen:
                if x not in net.nodes:
                    raise FairbidError("--nodes", "names a node that is not in the network", x)
        rep = audit_sharing(net, rule, nodes=chosen, method=method, sybil=sybil, seed=seed)
        result["audit"] = rep.to_dict()
    save_run(out, "online-sharing", seed, {"command": "online sharing", "instance": str(instance), "audit": audit,
                                           "rule": rule, "method": method, "sybil": sybil, "nodes": nodes,
                                           "pr_iterations": iterations}, result,
             tables={"utilities": {"node": list(net.nodes), "weight": net.weights.tolist(),
                                   "utility": dec.utilities.tolist()}}
             | ({"audit": {"node": [r["node"] for r in result["audit"]["per_node"]],
                           "truthful_utility": [r["truthful_utility"] for r in result["audit"]["per_node"]],
                           "max_gain": [r["max_gain"] for r in result["audit"]["per_node"]],
                           "deviation": [json.dumps(r["deviation"]) for r in result["audit"]["per_node"]]}}
                if audit else {}))
    emit(result, json_mode, title="network resource sharing")


@app.command("roommates")
def roommates_cmd(instance: Annotated[Path, typer.Option(
                      "--instance", help='JSON {"room_values": 2n x n (>= 0), "roommate_values": 2n x 2n (>= 0)}.')],
                  exact: Annotated[str, typer.Option(
                      "--exact", help="Optimum by mip (HiGHS), brute (<= 6 rooms) or none.")] = "mip",
                  seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Roommate assignment: 1/2-approximation (best of pairing-first, rooms-first) vs the optimum."""
    from fairbid.core.errors import check_choice

    start(json_mode)
    check_choice("--exact", exact, ("mip", "brute", "none"))
    from fairbid.online.sharing_assignment import BRUTE_MAX_ROOMS, load_roommates, roommates_approx, roommates_exact

    v, w = load_roommates(instance)
    if exact == "brute" and v.shape[1] > BRUTE_MAX_ROOMS:
        raise FairbidError("--exact", f"brute handles at most {BRUTE_MAX_ROOMS} rooms", v.shape[1])
    result = roommates_approx(v, w)
    if exact != "none":
        opt = roommates_exact(v, w, exact)
        result["optimum"] = opt
        result["ratio"] = result["welfare"] / opt["welfare"] if opt["welfare"] > 0 else 1.0
    save_run(out, "online-roommates", seed, {"command": "online roommates", "instance": str(instance),
                                             "exact": exact}, result)
    emit(result, json_mode, title="roommate assignment")


@app.command("rideshare")
def rideshare_cmd(instance: Annotated[Path, typer.Option(
                      "--instance", help='JSON {"cars": [[x, y], ...] (n), "sources": 2n points, "destinations": 2n points}.')],
                  orders: Annotated[str, typer.Option(
                      "--orders", help="Stop orders: all (6, default) or shared (4, both on board together).")] = "all",
                  exact: Annotated[str, typer.Option(
                      "--exact", help="Optimum by brute (<= 5 cars), mip (HiGHS) or none.")] = "brute",
                  seed: SeedOpt = 0, out: OutOpt = None, json_mode: JsonOpt = False) -> None:
    """Ridesharing, two requests per car: Bei-Zhang match-and-assign (<= 2.5 OPT) vs the optimum."""
    from fairbid.core.errors import check_choice

    start(json_mode)
    check_choice("--orders", orders, ("all", "shared"))
    check_choice("--exact", exact, ("brute", "mip", "none"))
    from fairbid.online.sharing_assignment import BRUTE_MAX_CARS, load_rides, rideshare_exact, rideshare_match_assign

    c, s, t = load_rides(instance)
    if exact == "brute" and len(c) > BRUTE_MAX_CARS:
        raise FairbidError("--exact", f"brute handles at most {BRUTE_MAX_CARS} cars; use mip", len(c))
    result = rideshare_match_assign(c, s, t, orders)
    if exact != "none":
        opt = rideshare_exact(c, s, t, orders, exact)
        result["optimum"] = opt
        result["ratio"] = result["cost"] / opt["cost"] if opt["cost"] > 0 else 1.0
    save_run(out, "online-rideshare", seed, {"command": "online rideshare", "instance": str(instance),
                                             "orders": orders, "exact": exact}, result)
    emit(result, json_mode, title="ridesharing")
