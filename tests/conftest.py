"""Shared test configuration."""

import os

import pytest

os.environ.setdefault("FAIRBID_NO_PROGRESS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture
def dataset():
    """``dataset(name)`` -> path of a SNAP dataset found by the registry's lookup; skip when absent.

    CI and development machines have facebook, gnutella09 and cit-hepph in ``../shared/datasets``.
    """
    from fairbid.influence.datasets import find_dataset

    def need(name: str):
        path = find_dataset(name)
        if path is None:
            pytest.skip(f"dataset {name} not found in $FAIRBID_DATA, ~/.cache/fairbid or ../shared/datasets")
        return path

    return need
