"""The network model of seed 003 (§3): a seller, buyers with types (value, neighbours) and reports.

A buyer's *type* is her value and her true neighbour set; her *report* is a bid and a set of
reported neighbours (the neighbours she invites), which must be a subset of the true ones.
The seller always invites all her neighbours.

Reported edges are directed: ``i -> j`` when ``j`` is in ``i``'s reported neighbours (``i`` invites
``j``). A buyer is *valid* when a directed path of invitations leads from the seller to her (the seed's
Definition 3.1 read as invitations: only invited buyers learn of the sale). With truthful reports
every edge is reported both ways and this is plain connectivity.

Internally the valid part is compiled into integer arrays (:class:`CompiledNetwork`): index 0 is the
seller, then the valid buyers in input order, so every "lowest index" tie-break means "first listed".
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from fairbid.core.errors import FairbidError

NEG_INF = -math.inf


def _node_id(what: str, raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, (str, int, np.integer)):
        raise FairbidError(what, "node ids must be strings or integers", raw)
    text = str(raw)
    if not text:
        raise FairbidError(what, "node ids must not be empty", raw)
    return text


def _value(what: str, raw: Any) -> float:
    if isinstance(raw, bool):
        raise FairbidError(what, "must be a number", raw)
    try:
        x = float(raw)
    except (TypeError, ValueError):
        raise FairbidError(what, "must be a number", raw) from None
    except OverflowError:  # an integer with hundreds of digits
        raise FairbidError(what, "must be a finite number", raw) from None
    if math.isnan(x) or math.isinf(x):
        raise FairbidError(what, "must be a finite number", raw)
    if x < 0:
        raise FairbidError(what, "must be >= 0", raw)
    return x


@dataclass(frozen=True)
class Report:
    """A buyer's reported type: her bid and the neighbours she invites (``None`` = truthful part)."""

    bid: float | None = None
    neighbours: frozenset[str] | None = None


@dataclass(frozen=True, eq=False)
class DiffusionNetwork:
    """A seller, buyers, true types and reported types.

    Parameters
    ----------
    seller : str
        The seller's id.
    buyers : tuple of str
        Buyer ids in input order (this order breaks ties).
    neighbours : dict
        True neighbour set of every node (seller included), symmetric.
    values : dict
        True value of every buyer (>= 0).
    reports : dict, optional
        Misreports by buyer; anything not given is reported truthfully.
    """

    seller: str
    buyers: tuple[str, ...]
    neighbours: Mapping[str, frozenset[str]]
    values: Mapping[str, float]
    reports: Mapping[str, Report] = field(default_factory=dict)

    # ---------------------------------------------------------------- reported types
    def bid(self, buyer: str) -> float:
        """The bid ``buyer`` reports (her value unless she misreports)."""
        rep = self.reports.get(buyer)
        return self.values[buyer] if rep is None or rep.bid is None else rep.bid

    def invites(self, node: str) -> frozenset[str]:
        """The neighbours ``node`` reports, i.e. invites (the seller invites all of hers)."""
        rep = self.reports.get(node)
        if node == self.seller or rep is None or rep.neighbours is None:
            return self.neighbours[node]
        return rep.neighbours

    def with_report(self, buyer: str, *, bid: float | None = None,
                    neighbours: Iterable[str] | None = None) -> "DiffusionNetwork":
        """A copy where ``buyer`` reports ``bid`` and/or ``neighbours`` (others unchanged)."""
        if buyer not in self.values:
            raise FairbidError("buyer", "is not a buyer of this network", buyer)
        old = self.reports.get(buyer, Report())
        new = Report(
            bid=old.bid if bid is None else _value(f"bid of {buyer}", bid),
            neighbours=old.neighbours if neighbours is None else frozenset(neighbours),
        )
        reports = dict(self.reports)
        reports[buyer] = new
        net = replace(self, reports=reports)
        net._check_reports()
        return net

    def truthful(self) -> "DiffusionNetwork":
        """A copy with every report truthful."""
        return replace(self, reports={})

    # ---------------------------------------------------------------- derived
    @cached_property
    def compiled(self) -> "CompiledNetwork":
        """The valid part as integer arrays (see :class:`CompiledNetwork`)."""
        return CompiledNetwork.build(self)

    @property
    def valid_buyers(self) -> list[str]:
        """Buyers reachable from the seller by reported invitations, in input order."""
        return list(self.compiled.ids[1:])

    def to_networkx(self):
        """The true network as an undirected :class:`networkx.Graph` with ``value`` node attributes."""
        import networkx as nx

        g = nx.Graph()
        g.add_node(self.seller, seller=True)
        for b in self.buyers:
            g.add_node(b, value=self.values[b])
        for u, nbrs in self.neighbours.items():
            g.add_edges_from((u, v) for v in nbrs)
        return g

    def to_dict(self) -> dict[str, Any]:
        """The JSON form accepted by :func:`load_network`."""
        edges = sorted({tuple(sorted((u, v))) for u, nb in self.neighbours.items() for v in nb})
        out: dict[str, Any] = {"seller": self.seller, "edges": [list(e) for e in edges],
                               "values": {b: self.values[b] for b in self.buyers}}
        reps = {}
        for b, r in self.reports.items():
            d: dict[str, Any] = {}
            if r.bid is not None:
                d["bid"] = r.bid
            if r.neighbours is not None:
                d["neighbours"] = sorted(r.neighbours)
            reps[b] = d
        if reps:
            out["reports"] = reps
        return out

    # ---------------------------------------------------------------- validation
    def _check_reports(self) -> None:
        for b, rep in self.reports.items():
            if b not in self.values:
                raise FairbidError("reports", "names a node that is not a buyer", b)
            if rep.neighbours is not None:
                extra = sorted(rep.neighbours - self.neighbours[b])
                if extra:
                    raise FairbidError(f"reports.{b}.neighbours",
                                       "may only name true neighbours", extra[0])


@dataclass(frozen=True, eq=False)
class CompiledNetwork:
    """Integer view of the valid part of a :class:`DiffusionNetwork`.

    Attributes
    ----------
    ids : tuple of str
        ``ids[0]`` is the seller, then the valid buyers in input order.
    bids : ndarray
        Reported bids; ``bids[0] = -inf`` (the seller does not bid).
    values : ndarray
        True values; ``values[0] = -inf``.
    out_ptr, out_idx : ndarray
        CSR of reported invitations ``i -> j`` among valid nodes.
    in_ptr, in_idx : ndarray
        CSR of the reverse (who invited ``j``).
    depth : ndarray
        BFS depth in the invitation graph (the round in which a node first hears of the sale).
    inv_ptr, inv_idx : ndarray
        CSR of each buyer's *inviters* under synchronous diffusion: the nodes one round shallower
        that invited her (the default reading of the seed's open point; see module notes).
    """

    ids: tuple[str, ...]
    bids: np.ndarray
    values: np.ndarray
    out_ptr: np.ndarray
    out_idx: np.ndarray
    in_ptr: np.ndarray
    in_idx: np.ndarray
    depth: np.ndarray
    inv_ptr: np.ndarray
    inv_idx: np.ndarray

    @property
    def n(self) -> int:
        """Number of nodes including the seller."""
        return len(self.ids)

    @cached_property
    def index(self) -> dict[str, int]:
        return {v: i for i, v in enumerate(self.ids)}

    @property
    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Invitation edges as (source, target) arrays."""
        src = np.repeat(np.arange(self.n, dtype=np.int64), np.diff(self.out_ptr))
        return src, self.out_idx.astype(np.int64)

    @classmethod
    def build(cls, net: DiffusionNetwork) -> "CompiledNetwork":
        from collections import deque

        seen = {net.seller: 0}
        order = [net.seller]
        queue = deque([net.seller])
        while queue:  # reachability over reported invitations (one pass, O(edges))
            u = queue.popleft()
            for v in net.invites(u):
                if v not in seen and v != net.seller:
                    seen[v] = seen[u] + 1
                    order.append(v)
                    queue.append(v)
        ids = (net.seller,) + tuple(b for b in net.buyers if b in seen)
        index = {v: i for i, v in enumerate(ids)}
        src, dst = [], []
        for u in ids:
            iu = index[u]
            for v in net.invites(u):
                if v in index and v != net.seller:
                    src.append(iu)
                    dst.append(index[v])
        n = len(ids)
        bids = np.array([NEG_INF] + [net.bid(b) for b in ids[1:]], dtype=np.float64)
        values = np.array([NEG_INF] + [net.values[b] for b in ids[1:]], dtype=np.float64)
        return from_edge_arrays(ids, bids, values, np.asarray(src, np.int64), np.asarray(dst, np.int64))


def _csr(n: int, src: np.ndarray, dst: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    order = np.lexsort((dst, src))
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(ptr, src + 1, 1)
    return np.cumsum(ptr), dst[order].astype(np.int32)


def bfs_depth(n: int, ptr: np.ndarray, idx: np.ndarray, root: int = 0) -> np.ndarray:
    """Hop distance from ``root`` along a CSR graph (-1 when unreachable), level-synchronous numpy."""
    depth = np.full(n, -1, dtype=np.int64)
    depth[root] = 0
    frontier = np.array([root], dtype=np.int64)
    d = 0
    while frontier.size:
        starts, ends = ptr[frontier], ptr[frontier + 1]
        counts = ends - starts
        if counts.sum() == 0:
            break
        rep = np.repeat(starts - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
        nbrs = idx[np.arange(counts.sum()) + rep]
        nbrs = np.unique(nbrs[depth[nbrs] < 0])
        d += 1
        depth[nbrs] = d
        frontier = nbrs
    return depth


def from_edge_arrays(ids: tuple[str, ...], bids: np.ndarray, values: np.ndarray,
                     src: np.ndarray, dst: np.ndarray) -> CompiledNetwork:
    """Build a :class:`CompiledNetwork` from invitation edge arrays (all nodes assumed valid)."""
    n = len(ids)
    out_ptr, out_idx = _csr(n, src, dst)
    in_ptr, in_idx = _csr(n, dst, src)
    depth = bfs_depth(n, out_ptr, out_idx)
    if (depth < 0).any():
        raise FairbidError("network", "every compiled node must be reachable from the seller",
                           ids[int(np.argmax(depth < 0))])
    # Inviters: invited her and heard exactly one round earlier (synchronous diffusion).
    keep = depth[src] == depth[dst] - 1
    inv_ptr, inv_idx = _csr(n, dst[keep], src[keep])
    return CompiledNetwork(tuple(ids), bids, values, out_ptr, out_idx, in_ptr, in_idx, depth,
                           inv_ptr, inv_idx)


# -------------------------------------------------------------------- construction / input
def make_network(seller: Any, edges: Iterable[Iterable[Any]], values: Mapping[Any, Any],
                 reports: Mapping[Any, Any] | None = None,
                 buyers: Iterable[Any] | None = None) -> DiffusionNetwork:
    """Validate raw input and return a :class:`DiffusionNetwork`.

    Parameters
    ----------
    seller : str or int
        The seller's id; must appear in ``edges``.
    edges : iterable of pairs
        Undirected edges.
    values : mapping
        Value of every buyer (every non-seller node), >= 0.
    reports : mapping, optional
        ``{buyer: {"bid": x, "neighbours": [...]}}``; either key may be omitted (``"value"`` is
        accepted for ``"bid"``).
    buyers : iterable, optional
        Buyer order (default: order of ``values``).

    Examples
    --------
    >>> net = make_network("s", [["s", "a"], ["a", "b"]], {"a": 1, "b": 2})
    >>> net.valid_buyers
    ['a', 'b']
    """
    if seller is None:
        raise FairbidError("seller", "is missing", None)
    s = _node_id("seller", seller)
    if isinstance(edges, (str, bytes, Mapping)) or not isinstance(edges, Iterable):
        raise FairbidError("edges", "must be a list of [u, v] pairs", edges)
    if not isinstance(values, Mapping):
        raise FairbidError("values", "must be an object {id: value}", values)
    if reports is not None and not isinstance(reports, Mapping):
        raise FairbidError("reports", "must be an object {buyer: {...}}", reports)
    if buyers is not None and (isinstance(buyers, (str, bytes, Mapping)) or not isinstance(buyers, Iterable)):
        raise FairbidError("buyers", "must be a list of buyer ids", buyers)
    nbrs: dict[str, set[str]] = {}
    for k, e in enumerate(edges):
        # An object or a string is not a pair (iterating a dict would silently give its keys).
        if isinstance(e, (str, bytes, Mapping)) or not isinstance(e, Iterable):
            raise FairbidError(f"edges[{k}]", "must be a pair [u, v] of node ids", e)
        pair = list(e)
        if len(pair) != 2:
            raise FairbidError(f"edges[{k}]", "must be a pair of node ids", e)
        u, v = _node_id(f"edges[{k}]", pair[0]), _node_id(f"edges[{k}]", pair[1])
        if u == v:
            raise FairbidError(f"edges[{k}]", "must join two different nodes", e)
        nbrs.setdefault(u, set()).add(v)
        nbrs.setdefault(v, set()).add(u)
    if s not in nbrs:
        raise FairbidError("seller", "is not a node of the graph", s)
    vals: dict[str, float] = {}
    for raw, x in values.items():
        b = _node_id("values", raw)
        if b in vals:
            raise FairbidError("values", "duplicate buyer id", b)
        if b == s:
            raise FairbidError("values", "the seller has no value", b)
        vals[b] = _value(f"values.{b}", x)
    order = [_node_id("buyers", b) for b in buyers] if buyers is not None else list(vals)
    if len(set(order)) != len(order):
        dup = next(b for b in order if order.count(b) > 1)
        raise FairbidError("buyers", "duplicate buyer id", dup)
    for node in nbrs:
        if node != s and node not in vals:
            raise FairbidError("values", "missing for buyer", node)
    for b in order:
        if b not in vals:
            raise FairbidError("values", "missing for buyer", b)
        nbrs.setdefault(b, set())
    listed = set(order)
    extra = [b for b in vals if b not in listed]
    if extra:
        raise FairbidError("buyers", "does not list every buyer with a value", extra[0])
    reps = _parse_reports(reports or {}, vals)
    net = DiffusionNetwork(s, tuple(order), {k: frozenset(v) for k, v in nbrs.items()}, vals, reps)
    net._check_reports()
    return net


def _parse_reports(reports: Mapping[Any, Any], vals: Mapping[str, float]) -> dict[str, Report]:
    out: dict[str, Report] = {}
    for raw, rep in reports.items():
        b = _node_id("reports", raw)
        if b in out:
            raise FairbidError("reports", "duplicate buyer id", b)
        if b not in vals:
            raise FairbidError("reports", "names a node that is not a buyer", b)
        if not isinstance(rep, Mapping):
            raise FairbidError(f"reports.{b}", "must be an object with bid and/or neighbours", rep)
        unknown = set(rep) - {"bid", "value", "neighbours"}
        if unknown:
            raise FairbidError(f"reports.{b}", "unknown key", sorted(unknown)[0])
        bid_raw = rep.get("bid", rep.get("value"))
        bid = None if bid_raw is None else _value(f"reports.{b}.bid", bid_raw)
        nb = rep.get("neighbours")
        if nb is not None:
            if not isinstance(nb, (list, tuple, set, frozenset)):
                raise FairbidError(f"reports.{b}.neighbours", "must be a list of node ids", nb)
            ids = [_node_id(f"reports.{b}.neighbours", x) for x in nb]
            if len(set(ids)) != len(ids):
                raise FairbidError(f"reports.{b}.neighbours", "duplicate id", ids)
            nb = frozenset(ids)
        out[b] = Report(bid, nb)
    return out


def network_from_dict(data: Mapping[str, Any]) -> DiffusionNetwork:
    """Build a network from the JSON form ``{"seller", "edges", "values", "reports"?}``."""
    if not isinstance(data, Mapping):
        raise FairbidError("network", "must be a JSON object", type(data).__name__)
    unknown = set(data) - {"seller", "edges", "values", "reports", "buyers", "description"}
    if unknown:
        raise FairbidError("network", "unknown key", sorted(unknown)[0])
    for key in ("edges", "values"):
        if key not in data:
            raise FairbidError(f"network.{key}", "is missing")
    if not isinstance(data["values"], Mapping):
        raise FairbidError("network.values", "must be an object {id: value}", data["values"])
    return make_network(data.get("seller"), data["edges"], data["values"], data.get("reports"),
                        data.get("buyers"))


def load_network(source: str | Path | Mapping[str, Any]) -> DiffusionNetwork:
    """Load a network from a JSON file path or an already parsed dict.

    Duplicate keys in the JSON file (e.g. a buyer given two values) are rejected.
    """
    if isinstance(source, Mapping):
        return network_from_dict(source)
    from fairbid.core.validate import load_json_file

    # Encoding, binary content, NaN, nesting and duplicate ids are all checked at the boundary.
    return network_from_dict(load_json_file(source, "--network", reject_duplicate_keys=True))


def from_networkx(graph: Any, seller: Any, values: Mapping[Any, Any] | None = None,
                  reports: Mapping[Any, Any] | None = None, value_attr: str = "value") -> DiffusionNetwork:
    """Build a network from an undirected :class:`networkx.Graph`.

    Values come from ``values`` or else from the node attribute ``value_attr``.
    """
    if graph.is_directed():
        raise FairbidError("graph", "must be undirected", type(graph).__name__)
    if seller not in graph:
        raise FairbidError("seller", "is not a node of the graph", seller)
    if values is None:
        values = {}
        for node, data in graph.nodes(data=True):
            if node != seller:
                if value_attr not in data:
                    raise FairbidError("values", "missing for buyer", node)
                values[node] = data[value_attr]
    ids = [str(v) for v in graph.nodes]
    if len(set(ids)) != len(ids):
        raise FairbidError("graph", "two nodes have the same string id", ids)
    buyers = [v for v in graph.nodes if v != seller]
    return make_network(seller, list(graph.edges), values, reports, buyers)
