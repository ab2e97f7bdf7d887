"""neurosim.numbers: the one way neurosim writes a number (issue 12: seven formatters before;
issue 16 item 6: --digits 6 printed 2.999994, seven significant digits, and "-0")."""

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from neurosim.numbers import num


@pytest.mark.parametrize("x,digits,shown", [
    (2.9999942, 6, "2.99999"),                 # issue 16: was 2.999994 (seven digits)
    (1.1059059670597702, 9, "1.10590597"),      # Mazur's net_o1 to nine significant digits
    (1.1059059670597702, 10, "1.105905967"),    # ... and to his ten (nine decimals)
    (123.0, 9, "123"), (0.5, 9, "0.5"), (1e-05, 3, "1e-05"), (-0.25, 2, "-0.25"),
    (-0.0, 9, "0"), (0, 9, "0"), (-0.0, 1, "0"),
])
def test_significant_digits_exactly_and_never_minus_zero(x, digits, shown):
    assert num(x, digits) == shown


def test_operands_and_exponents_and_missing():
    assert num(-0.25, operand=True) == "(-0.25)" and num(0.25, operand=True) == "0.25"
    assert num(-0.0, operand=True) == "0"
    assert num(1.23456e-11, 2, exponent=True) == "1.2e-11"
    assert num(-0.0, 2, exponent=True) == "0.0e+00"     # the gradcheck table's "-0"
    assert num(None) == "not defined" and num(None, missing="-") == "-"


@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(1, 17))
def test_at_most_digits_significant_digits_and_the_value_rounds_back(x, digits):
    text = num(x, digits)
    assert not text.startswith("-0") or text.startswith("-0.")
    assert text != "-0"
    d = Decimal(text)
    assert len(d.normalize().as_tuple().digits) <= digits or d == 0
    # the shown figure is x rounded to `digits` significant digits (half a unit of the last)
    if x:
        unit = Decimal(1).scaleb(Decimal(repr(abs(x))).adjusted() - digits + 1)
        assert abs(d - Decimal(x)) <= unit / 2 * (1 + Decimal("1e-9"))


def test_the_gradcheck_table_has_no_minus_zero():
    from neurosim.gradient_report import GradientReport, GradientRow
    row = GradientRow("dE/dw1", -0.0, -0.0, -0.0, 0.0, "ok", estimate=-0.0, tolerance=1e-7)
    report = GradientReport([row], eps=1e-6, rtol=1e-5, atol=1e-7, precise=False, E_total=0.5)
    table = str(report)
    assert "-0" not in table.replace("e-", "e"), table
