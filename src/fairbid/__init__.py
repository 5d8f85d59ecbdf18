"""fairbid: design, simulate and audit auction mechanisms on platforms and social networks.

Subpackages
-----------
auctions   Platform auctions: FP/SP with reserves, Equal-Possible lottery, pFP/pSP (seed 004).
diffusion  Diffusion auctions on social networks: SRA, IDM, VCG, incentive audits (seed 003).
influence  Diffusion models, spread estimation and seed selection on large graphs (seed 001).
cbim       Competitive bidding influence maximization environment and learners (seed 001).
core       Errors, RNG handling, executor backends, run directories and reports.
"""

from fairbid.core.errors import FairbidError

__version__ = "0.1.0"
__all__ = ["FairbidError", "__version__"]
