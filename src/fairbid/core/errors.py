"""The one error type fairbid raises for bad input, and small validators built on it."""

from __future__ import annotations

import math
import numbers
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # numpy is imported where arrays are checked, so the CLI starts without it
    import numpy as np


class FairbidError(ValueError):
    """Bad input, with a one-line message ``<what>: <problem> (got <value>)``.

    Parameters
    ----------
    what : str
        The field, option or object at fault (e.g. ``"--bidders"``, ``"lambda"``).
    problem : str
        What is wrong with it, phrased as a requirement (e.g. ``"must be at least 2"``).
    got : Any, optional
        The offending value; omitted from the message when not given.

    Examples
    --------
    >>> str(FairbidError("lambda", "must lie in [0, 1]", 1.5))
    'lambda: must lie in [0, 1] (got 1.5)'
    """

    _MISSING = object()

    def __init__(self, what: str, problem: str, got: Any = _MISSING) -> None:
        self.what = what
        self.problem = problem
        self.got = got
        msg = f"{what}: {problem}"
        if got is not FairbidError._MISSING:
            msg += f" (got {_short(got)})"
        super().__init__(msg)


def _short(value: Any, limit: int = 80) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_int(what: str, value: Any, minimum: int | None = None, maximum: int | None = None) -> int:
    """Return ``value`` as an int, or raise :class:`FairbidError` naming ``what``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):  # numpy ints are Integral
        if not isinstance(value, bool) and isinstance(value, numbers.Real) and math.isfinite(float(value)) \
                and float(value).is_integer():
            value = int(value)
        else:
            raise FairbidError(what, "must be an integer", value)
    value = int(value)
    if minimum is not None and value < minimum:
        raise FairbidError(what, f"must be at least {minimum}", value)
    if maximum is not None and value > maximum:
        raise FairbidError(what, f"must be at most {maximum}", value)
    return value


def check_float(
    what: str,
    value: Any,
    low: float | None = None,
    high: float | None = None,
    *,
    low_open: bool = False,
    high_open: bool = False,
    finite: bool = False,
) -> float:
    """Return ``value`` as a float within the given bounds, or raise :class:`FairbidError`.

    An infinite value passes only on a side without a bound (an ``upper`` threshold may be ``inf``);
    ``finite=True`` refuses it there too, for quantities where infinity makes no sense (a reserve).
    """
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise FairbidError(what, "must be a number", value) from None
    except OverflowError:  # an integer with hundreds of digits
        raise FairbidError(what, "must be finite", value) from None
    if math.isnan(x):
        raise FairbidError(what, "must be a number, not NaN", value)
    if math.isinf(x) and (finite or not ((high is None and x > 0) or (low is None and x < 0))):
        raise FairbidError(what, "must be finite", value)
    if low is not None and (x < low or (low_open and x == low)):
        raise FairbidError(what, f"must be {'>' if low_open else '>='} {low}", value)
    if high is not None and (x > high or (high_open and x == high)):
        raise FairbidError(what, f"must be {'<' if high_open else '<='} {high}", value)
    return x


def check_probability(what: str, value: Any) -> float:
    """Return ``value`` as a float in [0, 1], or raise :class:`FairbidError`."""
    return check_float(what, value, 0.0, 1.0)


def check_array(
    what: str,
    values: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    ndim: int | None = None,
) -> np.ndarray:
    """Return ``values`` as a float array with no NaN and within bounds, or raise :class:`FairbidError`.

    The message reports the first offending entry, so a user can find it.
    """
    import numpy as np

    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise FairbidError(what, "must be numeric", values) from None
    if ndim is not None and arr.ndim != ndim:
        raise FairbidError(what, f"must be {ndim}-dimensional", f"shape {arr.shape}")
    bad = np.isnan(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise FairbidError(what, f"must not contain NaN (entry {idx})", "nan")
    if low is not None and (arr < low).any():
        idx = tuple(int(i) for i in np.argwhere(arr < low)[0])
        raise FairbidError(what, f"must be >= {low} (entry {idx})", float(arr[idx]))
    if high is not None and (arr > high).any():
        idx = tuple(int(i) for i in np.argwhere(arr > high)[0])
        raise FairbidError(what, f"must be <= {high} (entry {idx})", float(arr[idx]))
    return arr


def check_choice(what: str, value: Any, choices: "list[str] | tuple[str, ...] | dict[str, Any]") -> str:
    """Return ``value`` if it is one of ``choices``, else raise :class:`FairbidError` listing them."""
    if value not in choices:
        raise FairbidError(what, f"unknown name; choose one of {', '.join(map(str, choices))}", value)
    return value
