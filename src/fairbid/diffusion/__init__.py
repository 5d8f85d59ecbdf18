"""Diffusion auctions on social networks (seed 003): SRA, its centralized reduction, IDM, VCG.

Public API (flat): network model and input, every mechanism, spanning-tree tools, the distributed
protocol and the incentive auditor.
"""

from fairbid.diffusion.audit import AuditReport, audit
from fairbid.diffusion.dominators import DominatorTree, dominator_tree, immediate_dominators, normalise_idom
from fairbid.diffusion.idm import idm
from fairbid.diffusion.mechanisms import MECHANISMS, run_mechanism, sra_expected
from fairbid.diffusion.network import (
    CompiledNetwork, DiffusionNetwork, Report, from_networkx, load_network, make_network, network_from_dict,
)
from fairbid.diffusion.outcome import Outcome
from fairbid.diffusion.protocol import (
    AsyncioRuntime, Ledger, Message, ProtocolResult, Record, SerialRuntime, Strategy, TamperDetected, run_sra,
)
from fairbid.diffusion.sp_all import sp_all
from fairbid.diffusion.sra_crm import evaluate_trees, per_tree_outcome, sra_crm, sra_crm_on_tree
from fairbid.diffusion.trees import (
    DISTRIBUTIONS, enumerate_trees, log_tree_count, random_parent_trees, sample_trees, tree_count, wilson_trees,
)
from fairbid.diffusion.vcg import vcg
from fairbid.diffusion.vickrey import vickrey_neighbours

__all__ = [
    "AsyncioRuntime", "AuditReport", "CompiledNetwork", "DISTRIBUTIONS", "DiffusionNetwork", "DominatorTree",
    "Ledger", "MECHANISMS", "Message", "Outcome", "ProtocolResult", "Record", "Report", "SerialRuntime",
    "Strategy", "TamperDetected", "audit", "dominator_tree", "enumerate_trees", "evaluate_trees", "from_networkx",
    "idm", "immediate_dominators", "load_network", "log_tree_count", "make_network", "network_from_dict",
    "normalise_idom", "per_tree_outcome", "random_parent_trees", "run_mechanism", "run_sra", "sample_trees",
    "sp_all", "sra_crm", "sra_crm_on_tree", "sra_expected", "tree_count", "vcg", "vickrey_neighbours",
    "wilson_trees",
]
