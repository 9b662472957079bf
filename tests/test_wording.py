"""The library's words: numbers and ranges that hold the stored ones, nouns, summaries, printable text."""

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from reconcile._wording import (
    format_number,
    format_numbers,
    format_range,
    format_ranges,
    gap_text,
    noun,
    nouns,
    phrase,
    printable,
    summaries,
    summary,
)

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


# -- ranges -------------------------------------------------------------------------------------


@given(finite, finite)
def test_a_printed_range_holds_the_stored_one(a: float, b: float) -> None:
    low, high = min(a, b), max(a, b)
    ends = format_range(low, high).split("–")
    assert read_back(ends[0]) <= low + slack(low)
    assert read_back(ends[-1]) >= high - slack(high)


@given(st.lists(st.tuples(finite, finite), max_size=20))
def test_a_column_of_ranges_prints_as_its_ranges_do_one_at_a_time(pairs: list[tuple[float, float]]) -> None:
    lows, highs = [min(pair) for pair in pairs], [max(pair) for pair in pairs]
    expected = [format_range(low, high) for low, high in zip(lows, highs, strict=True)]
    assert format_ranges(lows, highs).tolist() == expected


def test_a_range_whose_ends_print_alike_is_one_number() -> None:
    assert format_ranges([5000, 0.44999999999999996, 4500], [5000, 0.45, 5500]).tolist() == [
        "5,000",
        "0.45",
        "4,500–5,500",
    ]
    assert format_range(7000, math.inf) == "7,000–∞"
    # A point between printed digits keeps both ends, so the printed range still holds it
    # (the report's table printed it as its low end, 4,499, beside the estimate 4,500).
    assert format_range(4499.5, 4499.5) == "4,499–4,500"
    assert format_range(-1000, -600, separator=" to ") == "-1,000 to -600"
    assert format_range(8500, 9500.5, exact=True) == "8500–9500.5"


def test_ranges_take_pandas_columns_and_give_an_array_in_their_order() -> None:
    lows = pd.Series([4500.0, 7000.0], index=[10, 3])
    highs = pd.Series([5500.0, math.inf], index=[10, 3])
    assert format_ranges(lows, highs).tolist() == ["4,500–5,500", "7,000–∞"]


# -- nouns, phrases and summaries ---------------------------------------------------------------


def test_a_noun_is_what_is_counted_for_people_and_the_unit_otherwise() -> None:
    units = ["person", "person", "household", "family", "USD", "dimensionless", None]
    counts = ["militants", None, "displaced", "", math.nan, None, "x"]
    assert nouns(units, counts).tolist() == [
        "militants",
        "people",
        "households (displaced)",
        "families",
        "USD",
        "",
        "",
    ]
    assert nouns(units[:5]).tolist() == ["people", "people", "households", "families", "USD"]
    singly = [noun(unit, count) for unit, count in [("person", "militants"), ("family", None), ("USD", "")]]
    assert singly == nouns(["person", "family", "USD"], ["militants", None, ""]).tolist()


def test_a_phrase_leaves_out_what_is_empty() -> None:
    assert phrase("about", 5000, "militants") == "about 5,000 militants"
    assert phrase(None, 0.5, "") == "0.5"
    assert phrase("", 12, "USD") == "12 USD"


def test_a_summary_gives_the_range_unless_it_is_one_number() -> None:
    said = summaries(
        hedges=["about", None, "at least"],
        values=[5000, 600, 7000],
        lows=[4500, 600, 7000],
        highs=[5500, 600, math.inf],
        nouns=["militants", "people", "militants"],
    )
    assert said.tolist() == [
        "about 5,000 militants (4,500–5,500)",
        "600 people",
        "at least 7,000 militants (7,000–∞)",
    ]
    assert summary(hedge=None, value=600, low=600, high=600, noun="people") == said[1]


def test_a_gap_is_rounded_down_and_names_its_noun_when_there_is_one() -> None:
    assert gap_text(1500.9, "militants") == "the ranges share no point: 1,500 militants apart"
    assert gap_text(2, "") == "the ranges share no point: 2 apart"


# -- printable text -----------------------------------------------------------------------------


def test_control_characters_are_shown_not_obeyed() -> None:
    sent = "Mosul\x1b[2J\x07\x9b31m\r\x00\x7f"
    shown = printable(sent + "\tnorth\n")
    assert shown == "Mosul�[2J��31m���\tnorth\n"
    assert len(shown) == len(sent) + len("\tnorth\n")  # one character for one: columns stay aligned
