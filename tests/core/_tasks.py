"""Module-level task functions for executor tests (the process backend pickles by reference)."""

import numpy as np


def mc_mean(n: int, ss: np.random.SeedSequence) -> float:
    return float(np.random.default_rng(ss).random(n).mean())
