import numpy as np
import pytest

from fairbid.core.errors import FairbidError
from fairbid.core.rng import as_generator, as_seed_sequence, seed_int, spawn


def test_same_seed_same_stream():
    assert np.array_equal(as_generator(5).random(10), as_generator(5).random(10))
    assert not np.array_equal(as_generator(5).random(10), as_generator(6).random(10))


def test_generator_passes_through():
    g = np.random.default_rng(1)
    assert as_generator(g) is g


def test_spawn_children_depend_only_on_seed_and_index():
    a = [np.random.default_rng(s).random() for s in spawn(11, 4)]
    b = [np.random.default_rng(s).random() for s in spawn(11, 6)[:4]]
    assert a == b
    assert len(set(a)) == 4


def test_no_global_state_touched():
    np.random.seed(0)
    before = np.random.random()
    np.random.seed(0)
    as_generator(3).random(5)
    spawn(3, 2)
    assert np.random.random() == before


@pytest.mark.parametrize("bad", [-1, 1.5, "x"])
def test_bad_seed(bad):
    with pytest.raises(FairbidError, match="^seed: "):
        as_seed_sequence(bad)


def test_seed_int_is_deterministic_and_63_bit():
    assert seed_int(9) == seed_int(9)
    assert 0 <= seed_int(9) < 2**63
