import datetime as dt
from typing import Any

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reconcile as rc
from reconcile._periods import FAILURE_COLUMNS, read_dates


def _read(*texts: str | None, **options: Any) -> tuple[list[Any], pd.DataFrame]:
    read, failures = read_dates(pd.Series(list(texts), name="as_of", dtype=object), **options)
    return read.tolist(), failures


def test_iso_weeks_and_quarters_keep_their_precision() -> None:
    read, failures = _read("2016-10-17", "2016-10", "2016", "2016-10-17/2016-10-23", "2016Q4", "2016/10/17")
    assert read == ["2016-10-17", "2016-10", "2016", "2016-10-17/2016-10-23", "2016Q4", "2016-10-17"]
    assert failures.empty


def test_written_months_are_read() -> None:
    read, _ = _read("17 October 2016", "October 17, 2016", "Oct 2016", "October 2016")
    assert read == ["2016-10-17", "2016-10-17", "2016-10", "2016-10"]


def test_day_month_year_is_read_with_any_of_three_separators() -> None:
    read, failures = _read("17/10/2016", "17-10-2016", "17.10.2016", "3.4.2022")
    assert read == ["2016-10-17", "2016-10-17", "2016-10-17", "2022-04-03"]
    assert failures.empty


def test_a_first_number_above_12_makes_the_whole_column_day_first() -> None:
    read, failures = _read("03-04-2022", "17/10/2016", None)
    assert read[:2] == ["2022-04-03", "2016-10-17"] and pd.isna(read[2])
    assert failures.empty


def test_a_second_number_above_12_makes_the_whole_column_month_first() -> None:
    read, failures = _read("03-04-2022", "10/17/2016")
    assert read == ["2022-03-04", "2016-10-17"]
    assert failures.empty


def test_an_unsettled_column_names_its_ambiguous_rows_and_asks_for_dayfirst() -> None:
    read, failures = _read("03/04/2022", "05/05/2022", "2022-04-07", "03/04/2022", "06/04/2022")
    assert read[1:3] == ["2022-05-05", "2022-04-07"] and pd.isna(read[0]) and pd.isna(read[4])
    assert failures["index"].tolist() == [0, 3, 4]
    assert set(failures["column"]) == {"as_of"}
    assert set(failures["check"]) == {"day-month order"}
    assert str(failures.loc[0, "message"]) == (
        "as_of='03/04/2022' reads as 2022-04-03 day-first or 2022-03-04 month-first, "
        "and no date in as_of settles which"
    )
    assert str(failures.loc[0, "hint"]).startswith("pass dayfirst=True for dates written 17/10/2016")


def test_a_column_in_both_orders_names_the_rows_of_each() -> None:
    _, failures = _read("17/10/2016", "10/19/2016", "03/04/2022")
    assert failures["index"].tolist() == [0, 1, 2]
    assert str(failures.loc[0, "message"]).endswith("but as_of='10/19/2016' (row 1) can only be month-first")
    assert str(failures.loc[1, "message"]).endswith("but as_of='17/10/2016' (row 0) can only be day-first")
    assert str(failures.loc[2, "message"]).endswith("and as_of is written in both orders")


@pytest.mark.parametrize(("dayfirst", "expected"), [(True, "2022-04-03"), (False, "2022-03-04")])
def test_dayfirst_overrides_what_the_column_would_say(dayfirst: bool, expected: str) -> None:
    read, _ = _read("03/04/2022", dayfirst=dayfirst)
    assert read == [expected]


def test_a_date_against_dayfirst_is_refused_by_row() -> None:
    read, failures = _read("03/04/2022", "17/10/2016", dayfirst=False)
    assert read[0] == "2022-03-04" and pd.isna(read[1])
    assert failures["index"].tolist() == [1]
    assert str(failures.loc[0, "message"]) == (
        "as_of='17/10/2016' can only be day-first (17 is not a month), against dayfirst=False"
    )


def test_two_digit_years_and_missing_years_are_refused() -> None:
    _, failures = _read("17/10/16", "17 Oct 16", "Oct 16", "17 October")
    assert set(failures["check"]) == {"four-digit year"}
    message = "as_of='17/10/16' has a two-digit year: its century is not known"
    assert str(failures.loc[0, "message"]) == message
    assert set(failures["hint"]) == {"write the year in full: 17/10/2016 or 17 October 2016, not 17/10/16"}


def test_what_is_not_a_date_is_refused_with_the_forms_to_use() -> None:
    _, failures = _read("someday", "31/02/2016", "2016-13", "1750", "2016-10-24/2016-10-17")
    assert failures["index"].tolist() == [0, 1, 2, 3, 4]
    assert set(failures["check"]) == {"date or period"}
    assert (
        failures["hint"]
        .iloc[:4]
        .str.startswith("write a day as 2016-10-17, 17/10/2016 or 17 October 2016")
        .all()
    )
    assert failures["hint"].iloc[4].startswith("write a span as two ISO dates or periods, the earlier first")


def test_eight_days_are_a_span_and_seven_from_a_monday_a_week() -> None:
    read, failures = _read("2016-10-17/2016-10-24", "2016-10-17/2016-10-23")
    assert failures.empty
    assert read == ["2016-10-17/2016-10-24", "2016-10-17/2016-10-23"]


def test_report_dates_are_days() -> None:
    read, failures = _read("17/10/2016", "Oct 2016", "2016", days_only=True)
    assert read[0] == "2016-10-17"
    assert failures["message"].tolist() == [
        "as_of='Oct 2016' is a month, not a day",
        "as_of='2016' is a year, not a day",
    ]


def test_failures_have_the_columns_validate_takes_and_each_row_once() -> None:
    texts = pd.Series(["17/10/16", "17/10/16", "2016"], index=[4, 4, 9], name="as_of")
    read, failures = read_dates(texts, label="#date")
    assert tuple(failures.columns) == FAILURE_COLUMNS
    assert failures["index"].tolist() == [4]
    assert str(failures.loc[0, "message"]).startswith("#date='17/10/16'")
    assert str(failures.loc[0, "column"]) == "as_of"
    assert read.index.tolist() == [4, 4, 9]


def test_dayfirst_must_be_a_bool() -> None:
    with pytest.raises(rc.ArgumentError, match=r"dayfirst must be True, False or None \(got 1\)"):
        _read("2016", dayfirst=1)


days = st.lists(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(9999, 12, 31)), max_size=20)


@pytest.mark.parametrize(("dayfirst", "layout"), [(True, "{d}{s}{m}{s}{y}"), (False, "{m}{s}{d}{s}{y}")])
@given(dates=days, separator=st.sampled_from("-/."), padded=st.booleans())
def test_dates_written_in_one_order_read_back_in_that_order(
    dayfirst: bool, layout: str, dates: list[dt.date], separator: str, padded: bool
) -> None:
    width = 2 if padded else 1
    written = [
        layout.format(d=f"{day.day:0{width}d}", m=f"{day.month:0{width}d}", y=f"{day.year:04d}", s=separator)
        for day in dates
    ]
    read, failures = _read(*written, dayfirst=dayfirst)
    assert failures.empty
    assert read == [day.isoformat() for day in dates]
