"""Numbers as reports print them: the printed range holds the stored one."""

import math

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from reconcile._text import format_number, format_numbers

finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300)


def read_back(text: str) -> float:
    return float(text.replace(",", "").replace("−", "-").replace("∞", "inf"))


def slack(number: float) -> float:
    """Ends within a 1e-12 share of a printed digit are shown as that digit."""
    return 1e-12 * max(1.0 if abs(number) >= 100 else 1e-3, abs(number)) + 1e-15 * abs(number)


@given(finite)
def test_a_low_end_is_printed_at_or_below_it(number: float) -> None:
    assert read_back(format_number(number, "down")) <= number + slack(number)


@given(finite)
def test_a_high_end_is_printed_at_or_above_it(number: float) -> None:
    assert read_back(format_number(number, "up")) >= number - slack(number)


@given(finite)
def test_the_nearest_reading_keeps_six_significant_digits(number: float) -> None:
    shown = read_back(format_number(number))
    if abs(number) >= 100:  # shown whole
        assert abs(shown - number) <= 0.5 or math.isclose(shown, number, rel_tol=1e-5)
    else:
        assert math.isclose(shown, number, rel_tol=1e-5, abs_tol=5e-16)


@given(st.lists(finite | st.sampled_from([math.inf, -math.inf]), max_size=30))
def test_a_column_prints_as_its_numbers_do_one_at_a_time(numbers: list[float]) -> None:
    assert list(format_numbers(numbers, "down")) == [format_number(x, "down") for x in numbers]


def test_the_forms_a_report_uses() -> None:
    shown = format_numbers([5000, 0.45, 0.44999999999999996, 12.3456789, 1e16, -np.inf, -0.0])
    assert list(shown) == ["5,000", "0.45", "0.45", "12.3457", "1e+16", "−∞", "0"]
    assert format_number(math.nan) == "unknown"
    assert format_number(9.9999999e17, "up") == "1e+18"
    assert format_number(9.9999999e17, "down") == "9.99999e+17"
