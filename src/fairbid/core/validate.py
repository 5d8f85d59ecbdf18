"""Validation at the boundary: files and JSON documents parsed into checked Python objects.

Every input file a command reads goes through here, so a malformed file ends as one
:class:`~fairbid.core.errors.FairbidError` naming the file or field, never as a traceback.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from fairbid.core.errors import FairbidError

#: Largest JSON/text input file read whole (bytes); larger inputs are refused, not half-read.
MAX_FILE_BYTES = 512 * 1024 * 1024


def read_text_file(path: str | Path, what: str, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read ``path`` as strict UTF-8 text, or raise :class:`FairbidError` naming ``what``."""
    p = Path(path)
    if not p.exists():
        raise FairbidError(what, "file not found", str(p))
    if not p.is_file():
        raise FairbidError(what, "must be a regular file", str(p))
    size = p.stat().st_size
    if size > max_bytes:
        raise FairbidError(what, f"file is larger than {max_bytes} bytes", size)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise FairbidError(what, f"cannot be read ({exc.strerror})", str(p)) from None
    if b"\x00" in data:
        raise FairbidError(what, "is a binary file, expected text", str(p))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FairbidError(what, f"is not UTF-8 text (byte {exc.start})", str(p)) from None


def parse_json(text: str, what: str) -> Any:
    """Parse JSON text; refuse NaN/Infinity literals, absurd nesting and giant integers."""

    def no_constant(name: str) -> Any:
        raise FairbidError(what, f"JSON must not contain {name}", name)

    try:
        return json.loads(text, parse_constant=no_constant)
    except FairbidError:
        raise
    except json.JSONDecodeError as exc:
        raise FairbidError(what, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise FairbidError(what, "JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise FairbidError(what, f"is not valid JSON ({' '.join(str(exc).split())[:60]})") from None


def load_json_file(path: str | Path, what: str) -> Any:
    """Read and parse a JSON file; every failure is a :class:`FairbidError` naming ``what``."""
    return parse_json(read_text_file(path, what), what)


def require_type(what: str, value: Any, kind: type | tuple[type, ...], label: str) -> Any:
    """Return ``value`` if it is an instance of ``kind`` (bool never counts as a number)."""
    if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise FairbidError(what, f"must be {label}", value)
    if not isinstance(value, kind):
        raise FairbidError(what, f"must be {label}", value)
    return value


def require_number(what: str, value: Any, low: float | None = None, high: float | None = None) -> float:
    """A finite JSON number within ``[low, high]`` (bools and strings refused)."""
    require_type(what, value, (int, float), "a number")
    try:
        x = float(value)
    except OverflowError:
        raise FairbidError(what, "is too large", str(value)[:20] + "...") from None
    if not math.isfinite(x):
        raise FairbidError(what, "must be finite", value)
    if low is not None and x < low:
        raise FairbidError(what, f"must be >= {low}", value)
    if high is not None and x > high:
        raise FairbidError(what, f"must be <= {high}", value)
    return x


def require_matrix(what: str, value: Any, *, low: float | None = None, high: float | None = None) -> list[list[float]]:
    """A non-empty rectangular list of lists of finite numbers (rows ragged or empty refused)."""
    require_type(what, value, list, "a list of rows")
    if not value:
        raise FairbidError(what, "must not be empty", value)
    width = None
    rows = []
    for i, row in enumerate(value):
        require_type(f"{what}[{i}]", row, list, "a list of numbers")
        if width is None:
            width = len(row)
            if width == 0:
                raise FairbidError(f"{what}[{i}]", "must not be empty", row)
        elif len(row) != width:
            raise FairbidError(f"{what}[{i}]", f"has {len(row)} entries, the first row has {width}", len(row))
        rows.append([require_number(f"{what}[{i}][{j}]", x, low, high) for j, x in enumerate(row)])
    return rows


def require_vector(what: str, value: Any, length: int | None = None, *, low: float | None = None,
                   high: float | None = None) -> list[float]:
    """A list of finite numbers, of ``length`` entries when given."""
    require_type(what, value, list, "a list of numbers")
    if length is not None and len(value) != length:
        raise FairbidError(what, f"must have {length} entries", len(value))
    return [require_number(f"{what}[{i}]", x, low, high) for i, x in enumerate(value)]
