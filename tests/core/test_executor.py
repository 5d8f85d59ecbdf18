import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _tasks import mc_mean  # noqa: E402

from fairbid.core.errors import FairbidError
from fairbid.core.executor import Executor, chunk_sizes, get_executor, shutdown_ray


def reference(items, seed):
    # Independent computation of what every backend must return: child i of SeedSequence(seed).
    children = np.random.SeedSequence(seed).spawn(len(items))
    return [float(np.random.default_rng(c).random(n).mean()) for n, c in zip(items, children)]


ITEMS = [1000, 10, 500, 3, 77]


def test_serial_matches_reference():
    assert Executor("serial").map(mc_mean, ITEMS, seed=42) == reference(ITEMS, 42)


@pytest.mark.parametrize("workers", [1, 2])
def test_process_backend_identical_to_serial(workers):
    assert Executor("process", workers).map(mc_mean, ITEMS, seed=42) == reference(ITEMS, 42)


@pytest.mark.ray
def test_ray_backend_identical_to_serial():
    ex = Executor("ray", 2, ray_init={"object_store_memory": 80 * 1024 * 1024})
    try:
        assert ex.map(mc_mean, ITEMS, seed=42) == reference(ITEMS, 42)
    finally:
        shutdown_ray()


def test_empty_and_unknown_backend():
    assert Executor().map(mc_mean, [], seed=1) == []
    with pytest.raises(FairbidError, match="backend: unknown name"):
        Executor("gpu")
    with pytest.raises(FairbidError, match="workers: must be at least 1"):
        Executor("process", 0)
    assert get_executor(None).backend == "serial"


def test_chunk_sizes():
    assert chunk_sizes(10, 4) == [4, 4, 2]
    assert sum(chunk_sizes(1_000_003, 65536)) == 1_000_003
    assert chunk_sizes(0, 3) == []
