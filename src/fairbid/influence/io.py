"""Reading SNAP-style edge lists: ``#`` comments, tabs or spaces, optional weight column, ``.gz``.

The fast path hands the whole text to numpy's C parser; only when it fails does a line-by-line scan
run to report the exact 1-based line number of the first bad line.
"""

from __future__ import annotations

import gzip
import io
import os
from pathlib import Path

import numpy as np

from fairbid.core.errors import FairbidError


def read_text(path: str | os.PathLike) -> str:
    """The text of ``path`` (gunzipped when it ends in ``.gz``); FairbidError when unreadable."""
    path = Path(path)
    if not path.is_file():
        raise FairbidError("graph", "no such file", str(path))
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                return fh.read()
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise FairbidError("graph", f"cannot read edge list ({exc.__class__.__name__})", str(path)) from None


def parse_edge_list(text: str, source: str = "<text>") -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Parse an edge list into ``(src, dst, weight_or_None)``; ids must be integers.

    Each non-comment, non-blank line is ``u v`` or ``u v w`` (whitespace separated); all lines must
    have the same number of columns. Errors name the file and the 1-based line number.

    Examples
    --------
    >>> s, d, w = parse_edge_list("# header\\n1\\t2\\n2 3\\n")
    >>> s.tolist(), d.tolist(), w
    ([1, 2], [2, 3], None)
    >>> parse_edge_list("1 2\\n3\\n")
    Traceback (most recent call last):
    ...
    fairbid.core.errors.FairbidError: <text> line 2: expected 2 columns like line 1 ('u v' or 'u v w') (got '3')
    """
    ncols = _first_columns(text, source)
    if ncols is None:
        raise FairbidError("graph", f"{source} has no edges (empty graph)")
    try:
        if ncols == 2:
            arr = np.loadtxt(io.StringIO(text), dtype=np.int64, comments="#", ndmin=2)
            return arr[:, 0].copy(), arr[:, 1].copy(), None
        dtype = np.dtype([("u", np.int64), ("v", np.int64), ("w", np.float64)])
        arr = np.loadtxt(io.StringIO(text), dtype=dtype, comments="#", ndmin=1)
        return arr["u"].copy(), arr["v"].copy(), arr["w"].copy()
    except ValueError:
        _raise_first_bad_line(text, ncols, source)
        raise  # pragma: no cover - the scan always finds the culprit


def _first_columns(text: str, source: str) -> int | None:
    for lineno, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        if len(parts) not in (2, 3):
            raise FairbidError(f"{source} line {lineno}", "expected 'u v' or 'u v w'", line.strip())
        return len(parts)
    return None


def _raise_first_bad_line(text: str, ncols: int, source: str) -> None:
    first = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts or parts[0].startswith("#"):
            continue
        first = first or lineno
        where = f"{source} line {lineno}"
        if len(parts) != ncols:
            raise FairbidError(where, f"expected {ncols} columns like line {first} ('u v' or 'u v w')", line.strip())
        for tok in parts[:2]:
            try:
                value = int(tok)
            except ValueError:
                raise FairbidError(where, "node ids must be integers", tok) from None
            if not -(2**63) <= value < 2**63:
                raise FairbidError(where, "node id does not fit in 64 bits", tok)
        if ncols == 3:
            try:
                float(parts[2])
            except ValueError:
                raise FairbidError(where, "edge weight must be a number", parts[2]) from None


def read_edge_list(path: str | os.PathLike) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Read ``path`` (see :func:`parse_edge_list`)."""
    return parse_edge_list(read_text(path), source=str(path))
