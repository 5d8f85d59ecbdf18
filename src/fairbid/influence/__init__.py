"""Influence diffusion (IC, LT, CLT, CIC), spread estimation and seed selection (seed 001).

Public API (flat): graphs (:class:`Graph`, :func:`load_graph`, :func:`from_edges`,
:func:`from_networkx`), datasets (:data:`REGISTRY`, :func:`dataset_path`, :func:`fetch`),
estimation (:func:`spread`, :class:`SpreadResult`, :func:`fixed_thresholds`) and selection
(:func:`select_seeds`, :class:`SelectionResult`, :func:`imm`, :func:`opim`, :func:`celf`, :func:`degree_discount`,
:func:`top_degree`).
"""

from fairbid.influence.datasets import REGISTRY, Dataset, dataset_path, fetch, find_dataset, get_dataset
from fairbid.influence.graph import Graph, edge_weights, from_edges, from_networkx, to_networkx
from fairbid.influence.io import parse_edge_list, read_edge_list
from fairbid.influence.loading import load_graph
from fairbid.influence.selection import (
    SelectionResult,
    celf,
    degree_discount,
    imm,
    opim,
    select_seeds,
    top_degree,
)
from fairbid.influence.estimation import MODELS, SpreadResult, fixed_thresholds, spread
from fairbid.influence.synthetic import DEFAULT_SPEC

__all__ = [
    "DEFAULT_SPEC", "Dataset", "Graph", "MODELS", "REGISTRY", "SelectionResult", "SpreadResult", "celf",
    "dataset_path", "degree_discount", "edge_weights", "fetch", "find_dataset", "fixed_thresholds", "from_edges",
    "from_networkx", "get_dataset", "imm", "load_graph", "opim", "parse_edge_list", "read_edge_list", "select_seeds",
    "spread", "to_networkx", "top_degree",
]
