"""Distribution specs at the edge of double precision: refused with one line, never a solver crash.

Each spec below has finite parameters but overflows (exp(1e5)), spreads beyond 1e12 or collapses to a
point mass; before the scale check they ended in ``ValueError: ... is NaN; solver cannot continue``
(an internal error) or in ``revenue: null`` with exit 0.
"""

from __future__ import annotations

import pytest

from tests.fuzz.harness import problems, run

SPECS = ["lognormal:1e5:1e3", "beta:1e308:1e308", "uniform:0:1e308", "exponential:1e-320", "uniform:0:inf",
         "uniform:1:0", "beta:0:5", "uniform:0:1:2", "nosuch:1", "", ":::", "lognormal:0:1e400"]
COMMANDS = {
    "analyze": ["auctions", "analyze", "--mechanism", "sp", "--bidders", "3", "--points", "3"],
    "design": ["auctions", "design", "--algorithm", "1", "--bidders", "3"],
    "simulate": ["auctions", "simulate", "--mechanism", "sp", "--advertisers", "6", "--per-click", "3",
                 "--clicks", "100", "--window", "20"],
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("spec", SPECS)
def test_extreme_value_distributions_refused(command, spec):
    res = run([*COMMANDS[command], "--values", spec])
    assert problems(res) == [], res.describe()
    assert "--values" in res.err


@pytest.mark.parametrize("spec", ["uniform:0:1", "beta:2:5", "lognormal:0:0.5", "exponential:1", "uniform:0:1e9"])
def test_ordinary_distributions_still_accepted(spec):
    """The control: usual specs (and large but representable money amounts) still run."""
    res = run([*COMMANDS["analyze"], "--values", spec, "--json"])
    assert res.rc == 0, res.describe()
