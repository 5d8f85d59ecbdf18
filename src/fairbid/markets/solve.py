"""One entry point over every market model: :func:`solve`."""

from __future__ import annotations

from typing import Any

from fairbid.core.errors import FairbidError, check_choice
from fairbid.markets.instance import MarketInstance
from fairbid.markets.result import MODELS, MarketResult


def solve(model: str, instance: MarketInstance, **options: Any) -> MarketResult:
    """Solve ``instance`` under ``model`` (one of :data:`MODELS`); ``options`` go to the model's solver.

    Every result carries ``violation``: the checker's largest equilibrium-condition violation.
    """
    import time

    from fairbid.markets.check import check_equilibrium

    check_choice("model", model, MODELS)
    t0 = time.perf_counter()
    if model == "fisher-linear":
        from fairbid.markets.fisher import fisher_linear as f
    elif model == "fisher-satiation":
        from fairbid.markets.satiation import fisher_satiation as f
    elif model == "arrow-debreu-linear":
        if instance.endowments is None:
            raise FairbidError("endowments", "the arrow-debreu-linear model needs an 'endowments' matrix", None)
        from fairbid.markets.arrow_debreu import arrow_debreu_linear as f
    elif model == "pacing-fp":
        from fairbid.markets.pacing import pacing_fp as f
    elif model == "pacing-sp":
        from fairbid.markets.pacing import pacing_sp as f
    elif model == "throttling-fp":
        from fairbid.markets.throttling import throttling_fp as f
    else:
        from fairbid.markets.throttling import throttling_sp as f
    res = f(instance, **options)
    if res.violation != res.violation and res.status == "ok":  # not measured yet
        d = check_equilibrium(model, instance, res)
        res.violation, res.details = d["max"], d
    res.seconds = time.perf_counter() - t0
    return res
