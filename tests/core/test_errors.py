import math

import numpy as np
import pytest

from fairbid.core.errors import (
    FairbidError,
    check_array,
    check_choice,
    check_float,
    check_int,
    check_probability,
)


def test_message_format_and_valueerror():
    err = FairbidError("lambda", "must lie in [0, 1]", 1.5)
    assert isinstance(err, ValueError)
    assert str(err) == "lambda: must lie in [0, 1] (got 1.5)"
    assert str(FairbidError("graph", "is empty")) == "graph: is empty"


def test_message_is_one_line_even_for_multiline_values():
    err = FairbidError("edges", "bad", "a\nb\n" + "x" * 500)
    assert "\n" not in str(err)
    assert len(str(err)) < 120


@pytest.mark.parametrize("value", [1.5, "3", None, True])
def test_check_int_rejects_non_integers(value):
    with pytest.raises(FairbidError, match="^n: must be an integer"):
        check_int("n", value)


def test_check_int_bounds():
    assert check_int("n", 3, minimum=2) == 3
    assert check_int("n", 4.0) == 4
    with pytest.raises(FairbidError, match=r"n: must be at least 2 \(got 1\)"):
        check_int("n", 1, minimum=2)


def test_check_float_nan_and_bounds():
    with pytest.raises(FairbidError, match="NaN"):
        check_float("bid", math.nan)
    with pytest.raises(FairbidError, match=r"bid: must be >= 0.0 \(got -1.0\)"):
        check_float("bid", -1.0, 0.0)
    with pytest.raises(FairbidError, match="must be finite"):
        check_float("bid", math.inf, 0.0, 1.0)
    assert check_float("reserve", math.inf, 0.0) == math.inf
    assert check_probability("p", 0.3) == 0.3
    with pytest.raises(FairbidError, match=r"p: must be <= 1.0 \(got 1.2\)"):
        check_probability("p", 1.2)


def test_check_array_reports_first_bad_entry():
    with pytest.raises(FairbidError, match=r"bids: must be >= 0 \(entry \(1, 0\)\) \(got -2.0\)"):
        check_array("bids", [[1.0, 2.0], [-2.0, 3.0]], low=0)
    with pytest.raises(FairbidError, match="NaN"):
        check_array("bids", [1.0, np.nan])
    np.testing.assert_array_equal(check_array("bids", [1, 2]), [1.0, 2.0])


def test_check_choice_lists_choices():
    with pytest.raises(FairbidError, match="choose one of a, b"):
        check_choice("model", "c", ("a", "b"))
