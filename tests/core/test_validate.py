"""The boundary loaders and limits of fairbid.core.validate."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairbid.core.errors import FairbidError
from fairbid.core.validate import (
    MAX_JSON_DEPTH, _nesting_depth, available_memory_bytes, check_allocation, check_count, check_existing_dir,
    check_output_dir, load_json_file, parse_json,
)

json_docs = st.recursive(st.none() | st.integers() | st.text(alphabet="ab[]{}\"\\ ", max_size=6),
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                                     max_size=3),
                         max_leaves=20)


def _depth(obj) -> int:
    """Brute force: nesting depth of a parsed JSON value (containers count one level each)."""
    if isinstance(obj, list):
        return 1 + max((_depth(x) for x in obj), default=0)
    if isinstance(obj, dict):
        return 1 + max((_depth(x) for x in obj.values()), default=0)
    return 0


@settings(max_examples=60, deadline=None)
@given(doc=json_docs)
def test_nesting_depth_matches_the_parsed_document(doc):
    # Brackets and escaped quotes inside strings must not count: compare with the parsed tree.
    assert _nesting_depth(json.dumps(doc)) == _depth(doc)


def test_deep_nesting_refused_before_parsing():
    assert parse_json("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH, "x") is not None
    with pytest.raises(FairbidError, match="nested deeper than 64"):
        parse_json("[" * 100_000 + "]" * 100_000, "x")


@pytest.mark.parametrize("text, fragment", [
    ('{"a": NaN}', "must not contain NaN"), ("[Infinity]", "must not contain Infinity"),
    ("1" * 5000, "not valid JSON"), ("{", r"not valid JSON \(line 1"), ('{"a": 1, "a": 2}', "duplicate key"),
])
def test_parse_json_refusals(text, fragment):
    with pytest.raises(FairbidError, match=fragment):
        parse_json(text, "doc")


def test_duplicate_keys_allowed_on_request():
    assert parse_json('{"a": 1, "a": 2}', "doc", reject_duplicate_keys=False) == {"a": 2}


@pytest.mark.parametrize("data, fragment", [(b"\x00\x01", "binary"), (b'{"a": "\xe9"}', r"not UTF-8 text \(byte 7\)")])
def test_load_json_file_encodings(tmp_path, data, fragment):
    p = tmp_path / "f.json"
    p.write_bytes(data)
    with pytest.raises(FairbidError, match=fragment):
        load_json_file(p, "--in")


def test_counts_and_allocations():
    assert check_count("--samples", 10**8) == 10**8
    with pytest.raises(FairbidError, match="at most 100000000"):
        check_count("--samples", 10**8 + 1)
    check_allocation("--samples", 1000, 8)  # 8 kB always fits
    with pytest.raises(FairbidError, match="needs about 7.3 TiB of memory"):
        check_allocation("--samples", 10**12, 8)  # 8e12 B = 7.28 TiB


def test_available_memory_is_positive_and_below_physical():
    phys = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    assert 0 < available_memory_bytes() <= phys


def test_output_dir_checks_create_nothing(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    assert check_output_dir(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    assert not (tmp_path / "new").exists()
    with pytest.raises(FairbidError, match="exists and is not a directory"):
        check_output_dir(f)
    with pytest.raises(FairbidError, match="is not a directory"):
        check_output_dir(f / "sub")
    with pytest.raises(FairbidError, match="does not exist"):
        check_existing_dir(tmp_path / "nope", "--resume")
    with pytest.raises(FairbidError, match="is not a directory"):
        check_existing_dir(f, "--resume")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_output_dir_not_writable(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir(mode=0o500)
    with pytest.raises(FairbidError, match="not writable"):
        check_output_dir(ro / "x")
