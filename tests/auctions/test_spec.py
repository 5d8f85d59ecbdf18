"""MechanismSpec: construction, validation, parse helper, mixture components."""

import pytest

from fairbid.auctions.spec import MechanismSpec
from fairbid.core.errors import FairbidError


def test_constructors_fill_reserve_and_components():
    spec = MechanismSpec.psp(0.3, 0.1, 0.25)
    assert (spec.kind, spec.reserve, spec.r1, spec.r2, spec.lam) == ("psp", 0.3, 0.3, 0.1, 0.25)
    # pSP = SP(r1) w.p. 1 − λ and EP(r2) w.p. λ (seed Def. 5).
    assert spec.components() == [(0.75, "sp", 0.3), (0.25, "ep", 0.1)]
    assert MechanismSpec.pfp(0.3, 0.1, 0.25).components()[0] == (0.75, "fp", 0.3)
    assert MechanismSpec.ep(0.2).components() == [(1.0, "ep", 0.2)]
    # λ = 0 drops the EP part, λ = 1 drops the classical part.
    assert MechanismSpec.psp(0.3, 0.1, 0.0).components() == [(1.0, "sp", 0.3)]
    assert MechanismSpec.psp(0.3, 0.1, 1.0).components() == [(1.0, "ep", 0.1)]


def test_spec_is_frozen_and_hashable():
    spec = MechanismSpec.fp(0.1)
    with pytest.raises(AttributeError):
        spec.reserve = 0.2  # type: ignore[misc]
    assert len({spec, MechanismSpec.fp(0.1), MechanismSpec.sp(0.1)}) == 2


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: MechanismSpec.psp(0.2, 0.3, 0.1), "r2: must not exceed r1 = 0.2 (got 0.3)"),
        (lambda: MechanismSpec.psp(0.2, 0.1, 1.5), "lambda: must be <= 1.0 (got 1.5)"),
        (lambda: MechanismSpec.psp(0.2, 0.1, -0.1), "lambda: must be >= 0.0 (got -0.1)"),
        (lambda: MechanismSpec.sp(-0.5), "reserve: must be >= 0.0 (got -0.5)"),
        (lambda: MechanismSpec("vcg"), "mechanism: unknown name"),
        (lambda: MechanismSpec("psp", 0.2, r1=0.2, r2=0.1), "lam: is required for psp"),
        (lambda: MechanismSpec("sp", 0.2, lam=0.1), "lam: only applies to pfp/psp"),
    ],
)
def test_bad_specs_raise_one_line_errors(build, message):
    with pytest.raises(FairbidError) as err:
        build()
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_parse_cli_style():
    assert MechanismSpec.parse("SP", reserve=0.2) == MechanismSpec.sp(0.2)
    assert MechanismSpec.parse("ep") == MechanismSpec.ep(0.0)
    assert MechanismSpec.parse("pfp", r1=0.3, r2=0.1, lam=0.5) == MechanismSpec.pfp(0.3, 0.1, 0.5)
    # --reserve alone stands for r1 of a probabilistic mechanism.
    assert MechanismSpec.parse("psp", reserve=0.3, r2=0.1, lam=0.5) == MechanismSpec.psp(0.3, 0.1, 0.5)
    with pytest.raises(FairbidError, match="--lam: only applies to pfp/psp"):
        MechanismSpec.parse("fp", lam=0.5)
    with pytest.raises(FairbidError, match="--reserve: conflicts with --r1"):
        MechanismSpec.parse("psp", reserve=0.2, r1=0.3, r2=0.1, lam=0.5)


def test_to_dict_and_str():
    spec = MechanismSpec.psp(0.5, 0.2, 0.1)
    assert spec.to_dict() == {"kind": "psp", "reserve": 0.5, "r1": 0.5, "r2": 0.2, "lam": 0.1}
    assert str(spec) == "psp(r1=0.5, r2=0.2, lambda=0.1)"
    assert str(MechanismSpec.sp(0.1)) == "sp(r=0.1)"
    assert spec.classical == "sp" and MechanismSpec.pfp(0.5, 0.2, 0.1).classical == "fp"
