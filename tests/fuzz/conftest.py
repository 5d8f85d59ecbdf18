"""Fixtures of the fuzz suite: valid and damaged input files in one directory per test module."""

from __future__ import annotations

import pytest

from tests.fuzz.harness import write_bad_files, write_fixtures


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Placeholder -> path of valid inputs (``network``, ``edges``, ...) and damaged ones (``binary``, ...)."""
    root = tmp_path_factory.mktemp("fuzz-inputs")
    out = write_fixtures(root / "in")
    out.update(write_bad_files(root / "bad"))
    out["out"] = str(root / "in" / "outdir")
    out["root"] = str(root)
    return out
