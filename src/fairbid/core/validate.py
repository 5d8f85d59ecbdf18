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
#: Deepest JSON nesting accepted; fairbid's formats need at most a handful of levels.
MAX_JSON_DEPTH = 64


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


def parse_json(text: str, what: str, *, reject_duplicate_keys: bool = True) -> Any:
    """Parse JSON text; refuse NaN/Infinity literals, absurd nesting and giant integers.

    An object naming one key twice (say a buyer given two values) is an error instead of silently
    keeping the last value, unless ``reject_duplicate_keys=False``.
    """

    def no_constant(name: str) -> Any:
        raise FairbidError(what, f"JSON must not contain {name}", name)

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise FairbidError(what, "JSON object has a duplicate key", key)
            out[key] = value
        return out

    if len(text) > 10 and _nesting_depth(text) > MAX_JSON_DEPTH:
        # json's C parser recurses per level; refuse before it can hit the interpreter's limit.
        raise FairbidError(what, f"JSON is nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return json.loads(text, parse_constant=no_constant,
                          object_pairs_hook=no_duplicates if reject_duplicate_keys else None)
    except FairbidError:
        raise
    except json.JSONDecodeError as exc:
        raise FairbidError(what, f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    except RecursionError:
        raise FairbidError(what, "JSON is nested too deeply") from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise FairbidError(what, f"is not valid JSON ({' '.join(str(exc).split())[:60]})") from None


def load_json_file(path: str | Path, what: str, *, reject_duplicate_keys: bool = True) -> Any:
    """Read and parse a JSON file; every failure is a :class:`FairbidError` naming ``what``."""
    return parse_json(read_text_file(path, what), what, reject_duplicate_keys=reject_duplicate_keys)


def _nesting_depth(text: str) -> int:
    """Deepest bracket nesting of JSON text, ignoring brackets inside strings (C-speed passes only)."""
    import re

    import numpy as np

    # Strings go first so "[[[" inside a name does not count; then only the brackets are kept.
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', "", text)
    brackets = bare.translate(_KEEP_BRACKETS)
    if not brackets:
        return 0
    steps = np.frombuffer(brackets.encode("ascii"), dtype=np.uint8)
    delta = np.where((steps == ord("[")) | (steps == ord("{")), 1, -1)
    return int(np.cumsum(delta).max())


class _BracketTable(dict):
    """``str.translate`` table keeping only ``[]{}`` (every other character maps to None)."""

    def __missing__(self, key: int) -> int | None:
        return key if chr(key) in "[]{}" else None


_KEEP_BRACKETS = _BracketTable()


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


# ------------------------------------------------------------------------------------------------
# Counts that allocate memory, output paths
# ------------------------------------------------------------------------------------------------
#: Hard ceiling of any count option (samples, simulations, clicks): beyond it a run takes days anyway.
MAX_COUNT = 10**8


def available_memory_bytes() -> int:
    """Memory a new allocation can take now: ``MemAvailable`` on Linux, else physical memory.

    Falls back to 4 GiB when neither is known, so limits stay finite on any platform.
    """
    import os

    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return 4 * 1024**3


def check_count(what: str, value: Any, minimum: int = 1, maximum: int = MAX_COUNT) -> int:
    """An integer count in ``[minimum, maximum]`` (default ceiling :data:`MAX_COUNT`).

    Examples
    --------
    >>> check_count("--samples", 1000)
    1000
    """
    from fairbid.core.errors import check_int

    return check_int(what, value, minimum=minimum, maximum=maximum)


def check_allocation(what: str, items: int, bytes_per_item: float, *, fraction: float = 0.5,
                     got: Any = None) -> None:
    """Refuse a request whose arrays (``items`` x ``bytes_per_item``) would not fit in memory.

    The limit is ``fraction`` of :func:`available_memory_bytes`, so the run fails at once with a clear
    message instead of with a ``MemoryError`` (or the OOM killer) after minutes of work. The message
    shows ``got`` (the user's value, say the sample count) when given, else ``items``.
    """
    need = float(items) * float(bytes_per_item)
    limit = fraction * available_memory_bytes()
    if need > limit:
        raise FairbidError(what, f"needs about {_human_bytes(need)} of memory, more than the "
                           f"{_human_bytes(limit)} available; use a smaller value", items if got is None else got)


def _human_bytes(n: float) -> str:
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if n < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} PiB"


def check_output_dir(path: str | Path, what: str = "--out") -> Path:
    """Check that ``path`` can become a run directory, without creating anything.

    It must be an existing writable directory, or not exist yet below a writable directory (the
    missing levels are created later, when there is something to write).
    """
    import os

    p = Path(path)
    if not str(p).strip():
        raise FairbidError(what, "must not be empty", str(path))
    if p.exists():
        if not p.is_dir():
            raise FairbidError(what, "exists and is not a directory", str(p))
        if not os.access(p, os.W_OK | os.X_OK):
            raise FairbidError(what, "is not writable", str(p))
        return p
    parent = p.absolute().parent
    while not parent.exists():
        if parent == parent.parent:
            break
        parent = parent.parent
    if not parent.is_dir():
        raise FairbidError(what, f"cannot be created: {parent} is not a directory", str(p))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise FairbidError(what, f"cannot be created: {parent} is not writable", str(p))
    return p


def check_existing_dir(path: str | Path, what: str) -> Path:
    """An existing directory (a run directory to resume or read); never created here."""
    p = Path(path)
    if not p.exists():
        raise FairbidError(what, "does not exist", str(p))
    if not p.is_dir():
        raise FairbidError(what, "is not a directory", str(p))
    return p
