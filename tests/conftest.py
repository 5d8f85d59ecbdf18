"""Shared test configuration."""

import os
from pathlib import Path

import pytest

os.environ.setdefault("FAIRBID_NO_PROGRESS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED_DATASETS = REPO.parent / "shared" / "datasets"


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """The shared SNAP datasets folder beside the checkout; skip when this machine has none."""
    if not SHARED_DATASETS.is_dir():
        pytest.skip(f"needs the SNAP datasets in {SHARED_DATASETS} (present on CI and dev machines)")
    return SHARED_DATASETS
