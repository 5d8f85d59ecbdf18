"""Sizes that would exhaust memory or run for days, per command: refused at once with one line.

The issue's examples (``--samples 1e12``, ``--sims 1e11``, ``--clicks 1e12``, huge synthetic N) plus
the sizes of every later group. Each limit is the owning module's; this file checks none is missing.
"""

from __future__ import annotations

import pytest

from tests.fuzz.harness import commands, problems, run

IDS = {c.id for c in commands()}
CASES = [
    ["auctions", "simulate", "--clicks", "1000000000000"],
    ["auctions", "simulate", "--advertisers", "100000001"],
    ["auctions", "analyze", "--mechanism", "sp", "--bidders", "10000000"],
    ["diffusion", "run", "--mechanism", "sra", "--network", "{network}", "--samples", "1000000"],
    ["influence", "spread", "--graph", "synthetic:powerlaw:100000000:400000000:0", "--seeds", "1"],
    ["influence", "spread", "--graph", "synthetic:powerlaw:100000000000:10:0", "--seeds", "1"],
    ["influence", "spread", "--graph", "synthetic:powerlaw:100:400:0", "--seeds", "1", "--sims", "100000000000"],
    ["cbim", "train", "--graph", "synthetic:powerlaw:10000000000:10:0", "--rounds", "1"],
    ["markets", "generate", "--buyers", "100000", "--goods", "100000"],
    ["online", "reusable", "--resources", "100000", "--requests", "100000000"],
    ["contests", "design", "--players", "100000000"],
    ["elicitation", "audit", "--signals", "100000"],
]


@pytest.mark.parametrize("argv", CASES, ids=lambda a: " ".join(a[:2]) + " " + a[-1])
def test_huge_sizes_refused_at_once(argv, files):
    if " ".join(argv[:2]) not in IDS:
        pytest.skip("command not present")
    res = run([a.format(**files) for a in argv])
    assert problems(res) == [], res.describe()
