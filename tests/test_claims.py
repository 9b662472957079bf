import dataclasses
import datetime as dt
import io
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile.strategies import figures, sources

MOSUL_CSV = """claim_id,counts,place,as_of,low,value,high,unit,source,via,hedge
us,militants,Mosul,2016-10-17,4500,5000,5500,people,U.S. officials,CNN,about
backers,militants,Mosul,2016-10-17,7000,7000,inf,person,Islamic State backers,CNN,at least
"""


def test_read_claims_reads_a_csv_with_open_ends(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(MOSUL_CSV)
    table = rc.read_claims(path)
    assert table["claim_id"].tolist() == ["us", "backers"]
    assert table["high"].tolist() == [5500.0, math.inf]
    assert table["unit"].tolist() == ["person", "person"]


def test_read_claims_reads_json_records(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    rc.read_claims(pd.read_csv(io.StringIO(MOSUL_CSV))).iloc[:1].to_json(path, orient="records")
    assert rc.read_claims(path)["value"].tolist() == [5000.0]


PHRASES_CSV = """claim_id,counts,place,as_of,phrase,unit,source
us,militants,Mosul,2016-10-17,"about 5,000",,U.S. officials
backers,militants,Mosul,2016-10-17,"at least 7,000",person,Islamic State backers
iom,displaced,Mosul,2016-10,"7,619 families",,IOM
"""


def test_a_phrase_column_is_read_into_ranges(tmp_path: Path) -> None:
    path = tmp_path / "phrases.csv"
    path.write_text(PHRASES_CSV)
    table = rc.read_claims(path)
    assert table["low"].tolist() == [4500.0, 7000.0, 7619.0]
    assert table["high"].tolist() == [5500.0, math.inf, 7619.0]
    assert table["unit"].tolist() == ["person", "person", "family"]
    assert table["hedge"].tolist()[:2] == ["about", "at least"]
    assert table["quote"].tolist() == ["about 5,000", "at least 7,000", "7,619 families"]
    # Two sources of equal weight, and their ranges share no point: the militants are
    # unresolved, their range spans both claims, and one conflict names both of them.
    result = rc.reconcile(table)
    militants = result.estimates.set_index("counts").loc["militants"]
    assert (militants["status"], militants["low"], militants["high"]) == ("unresolved", 4500.0, math.inf)
    assert result.estimates["status"].tolist().count("single") == 1
    assert result.conflicts[["conflict_id", "claim_id"]].values.tolist() == [["C1", "backers"], ["C1", "us"]]
    assert result.claims["kept"].all()


def test_unreadable_phrases_are_listed_in_one_error(tmp_path: Path) -> None:
    path = tmp_path / "phrases.csv"
    path.write_text(PHRASES_CSV.replace('"at least 7,000"', "many").replace(",,IOM", ",person,IOM"))
    with pytest.raises(rc.ClaimsError, match="2 problems") as caught:
        rc.read_claims(path)
    message = str(caught.value)
    assert "row 1 (line 3): 'many'" in message
    assert "row 2 (line 4)" in message and "famil" in message
    assert caught.value.failures["failure_case"].tolist() == ["many", "7,619 families"]


def test_phrases_keep_the_callers_index_even_when_it_repeats() -> None:
    frame = pd.read_csv(io.StringIO(PHRASES_CSV)).set_index(pd.Index([7, 7, 3]))
    table = rc.read_claims(frame)
    assert table.index.tolist() == [7, 7, 3]
    assert table["value"].tolist() == [5000.0, 7000.0, 7619.0]


def test_blank_cells_are_missing_and_weeks_round_trip() -> None:
    week = rc.Figure.exact(1, as_of="2016-10-17/2016-10-23", source="IOM")
    table = rc.to_claims([week]).assign(place=" ", hedge="")
    back = rc.read_claims(table)
    assert back["place"].isna().all() and back["hedge"].isna().all()
    assert rc.from_claims(back) == [week]


def test_a_bad_report_date_is_a_row_problem() -> None:
    table = rc.to_claims([rc.Figure.exact(1, source=rc.Source(name="IOM", date=dt.date(2016, 10, 17)))])
    with pytest.raises(rc.ClaimsError, match="reported_on='2016' is a year, not a day"):
        rc.from_claims(table.assign(reported_on="2016"))


def test_odd_inputs_to_the_table_functions_are_our_errors(tmp_path: Path) -> None:
    with pytest.raises(rc.ArgumentError):
        rc.to_claims([None])  # type: ignore[list-item]
    (tmp_path / "folder.csv").mkdir()
    with pytest.raises(rc.ClaimsError, match="cannot open"):
        rc.read_claims(tmp_path / "folder.csv")
    phrases = pd.read_csv(io.StringIO(PHRASES_CSV)).iloc[:0]
    assert rc.read_claims(phrases).empty


def test_read_claims_reads_parquet(tmp_path: Path) -> None:
    path = tmp_path / "claims.parquet"
    rc.read_claims(pd.read_csv(io.StringIO(MOSUL_CSV))).to_parquet(path)
    assert rc.read_claims(path)["high"].tolist() == [5500.0, math.inf]


def test_a_broken_file_gets_one_error_listing_every_bad_row(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text(
        "claim_id,counts,place,as_of,low,value,high,unit,source\n"
        "a,militants,Mosul,2016-10-17,4500,5000,5500,person,CNN\n"
        "b,militants,Mosul,2016-10-17,abc,5000,5500,person,CNN\n"
        "c,militants,Mosul,someday,4500,5000,4000,persn,CNN\n"
        "c,militants,Mosul,2016,-5,1,2,person,CNN\n"
    )
    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(path)
    message = str(caught.value)
    assert "row 1 (line 3)" in message and "'abc'" in message
    assert "row 2 (line 4): known unit (got unit='persn')" in message
    assert "row 2 (line 4): as_of='someday' is not a date or period" in message
    assert "row 2 (line 4): low <= value <= high" in message
    assert "row 3 (line 5): low >= 0 for a unit that counts" in message
    assert "each claim once (a repeated claim_id)" in message
    assert "row 0" not in message
    assert set(caught.value.failures["index"].dropna()) == {1, 2, 3}
    assert caught.value.origin == str(path)


def test_a_missing_column_is_named() -> None:
    with pytest.raises(rc.ClaimsError, match="missing column 'value'") as caught:
        rc.read_claims(pd.DataFrame({"claim_id": ["a"], "low": [1.0]}))
    assert "KeyError" not in str(caught.value)
    assert str(caught.value).startswith("7 problems")


@pytest.mark.parametrize(
    ("name", "words"),
    [("claims.docx", "extension '.docx'"), ("nowhere.csv", "No such file")],
)
def test_unreadable_paths_raise_claims_errors(tmp_path: Path, name: str, words: str) -> None:
    with pytest.raises(rc.ClaimsError, match=words):
        rc.read_claims(tmp_path / name)


def test_a_file_that_is_not_a_table_is_a_claims_error(tmp_path: Path) -> None:
    path = tmp_path / "claims.json"
    path.write_text("this is not json")
    with pytest.raises(rc.ClaimsError, match="as a table"):
        rc.read_claims(path)


def test_read_claims_refuses_what_is_neither_path_nor_frame() -> None:
    with pytest.raises(rc.ArgumentError):
        rc.read_claims(42)  # type: ignore[call-overload]


def test_read_claims_leaves_the_callers_frame_alone_and_keeps_extra_columns() -> None:
    frame = pd.read_csv(io.StringIO(MOSUL_CSV)).assign(analyst_note=["x", "y"])
    before = frame.copy()
    table = rc.read_claims(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert table["analyst_note"].tolist() == ["x", "y"]


def test_to_claims_needs_one_id_per_figure() -> None:
    with pytest.raises(rc.ArgumentError, match="2 ids for 1 figures"):
        rc.to_claims([rc.Figure.exact(1)], ids=["a", "b"])
    assert rc.to_claims([rc.Figure.exact(1)], ids=["mine"])["claim_id"].tolist() == ["mine"]


def test_a_derived_figure_becomes_a_plain_row() -> None:
    total = rc.Figure.exact(1, counts="a") + rc.Figure.exact(2, counts="a")
    (back,) = rc.from_claims(rc.to_claims([total]))
    assert back.lineage == ()
    assert (back.low, back.value, back.high) == (3.0, 3.0, 3.0)


reported = figures(
    max_value=1e9,
    counts=st.none() | st.sampled_from(["militants", "troops/us"]),
    place="Mosul",
    as_of="2016-10",
).flatmap(
    lambda figure: st.builds(figure.replace, source=st.none() | sources(), hedge=st.none() | st.just("about"))
)


@given(st.lists(reported, max_size=6))
def test_figures_round_trip_through_a_claims_table(original: list[rc.Figure]) -> None:
    assert rc.from_claims(rc.to_claims(original)) == original


@given(st.lists(reported, min_size=1, max_size=4))
def test_figures_round_trip_through_a_csv_file(original: list[rc.Figure]) -> None:
    buffer = io.StringIO()
    rc.to_claims(original).to_csv(buffer, index=False)
    buffer.seek(0)
    assert rc.from_claims(pd.read_csv(buffer, dtype={"claim_id": "str"})) == original


UNKNOWN_UNITS_CSV = """claim_id,counts,place,as_of,phrase,unit,source
a,households,Mosul,2016-10,"about 6,000",personn,IOM
b,households,Mosul,2016-10,"about 6,000",househlds,IOM
c,households,Mosul,2016-10,"about 6,000",household,IOM
"""


def test_unknown_units_of_phrase_rows_are_all_listed_with_their_lines(tmp_path: Path) -> None:
    path = tmp_path / "phrases.csv"
    path.write_text(UNKNOWN_UNITS_CSV)
    with pytest.raises(rc.ClaimsError, match=r"^2 problems in the claims") as caught:
        rc.read_claims(path)
    message = str(caught.value)
    assert "row 0 (line 2): known unit (got unit='personn')" in message
    assert "row 1 (line 3): known unit (got unit='househlds')" in message
    assert "row 2" not in message


def test_bad_phrases_and_bad_cells_are_reported_together_once(tmp_path: Path) -> None:
    path = tmp_path / "phrases.csv"
    path.write_text(
        "claim_id,counts,place,as_of,phrase,unit,source\n"
        "a,x,Mosul,2016,blah blah,person,IOM\n"
        'b,x,Mosul,2016-13-45,"about 6,000",person,IOM\n'
        "c,x,Mosul,2016-13-45,lots,person,IOM\n"
    )
    with pytest.raises(rc.ClaimsError, match=r"^4 problems in the claims") as caught:
        rc.read_claims(path)
    rows = [line.strip() for line in str(caught.value).splitlines()[1:]]
    assert [row.split(":")[0] for row in rows] == [
        "row 0 (line 2)",
        "row 1 (line 3)",
        "row 2 (line 4)",
        "row 2 (line 4)",
    ]
    assert "'blah' does not start a figure phrase" in rows[0]
    assert rows[1].endswith("as_of='2016-13-45' is not a date or period")
    assert {"phrase", "as_of"} <= set(caught.value.failures["column"])


def test_one_problem_is_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "phrases.csv"
    path.write_text(PHRASES_CSV.replace('"at least 7,000"', "many"))
    with pytest.raises(rc.ClaimsError, match=r"^1 problem in the claims '.*': write a number"):
        rc.read_claims(path)


def test_each_phrase_hint_is_given_once_not_per_row(tmp_path: Path) -> None:
    path = tmp_path / "phrases.csv"
    rows = [f"p{i},x,Mosul,2016,lots {i},person,IOM" for i in range(3)] + ["q,x,Mosul,2016,about,person,IOM"]
    path.write_text("claim_id,counts,place,as_of,phrase,unit,source\n" + "\n".join(rows) + "\n")
    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(path)
    message = str(caught.value)
    assert message.count("phrases in other languages are not read") == 1
    assert message.count("write a number after the hedge") == 1
    assert "  row 2 (line 4): 'lots' does not start a figure phrase (in 'lots 2')\n" in message
    assert caught.value.failures["hint"].nunique() == 2


def _dated_csv(tmp_path: Path, as_of: list[str], reported_on: list[str] | None = None) -> Path:
    """A claims file with one row per date; ``reported_on`` is left out unless given."""
    reported = reported_on or [""] * len(as_of)
    rows = [
        f'c{row},displaced,Mosul,"{date}",1000,1000,1000,person,IOM,"{on}"'
        for row, (date, on) in enumerate(zip(as_of, reported, strict=True))
    ]
    path = tmp_path / "dated.csv"
    header = "claim_id,counts,place,as_of,low,value,high,unit,source,reported_on\n"
    path.write_text(header + "\n".join(rows) + "\n")
    return path


def test_numbers_day_month_year_are_read_day_first_when_a_day_above_12_says_so(tmp_path: Path) -> None:
    path = _dated_csv(tmp_path, ["17/10/2016", "03-04-2022", "05.06.2016", "2016-10", "Oct 2016"])
    table = rc.read_claims(path)
    assert table["as_of"].tolist() == ["2016-10-17", "2022-04-03", "2016-06-05", "2016-10", "2016-10"]


def test_numbers_day_month_year_are_read_month_first_when_a_month_above_12_says_so(tmp_path: Path) -> None:
    path = _dated_csv(tmp_path, ["10/17/2016", "03/04/2022"])
    assert rc.read_claims(path)["as_of"].tolist() == ["2016-10-17", "2022-03-04"]


def test_written_months_are_read_in_as_of_and_reported_on(tmp_path: Path) -> None:
    as_of = ["17 October 2016", "October 17, 2016", "October 2016"]
    path = _dated_csv(tmp_path, as_of, reported_on=["18 October 2016", "Oct 18, 2016", "2016-10-18"])
    table = rc.read_claims(path)
    assert table["as_of"].tolist() == ["2016-10-17", "2016-10-17", "2016-10"]
    assert table["reported_on"].tolist() == ["2016-10-18"] * 3


def test_an_unsettled_order_is_an_error_naming_the_column_rows_and_lines(tmp_path: Path) -> None:
    path = _dated_csv(tmp_path, ["03/04/2022", "05/05/2022", "2022-04-07", "06/04/2022"])
    with pytest.raises(rc.ClaimsError, match=r"^2 problems in the claims '.*': pass dayfirst=True") as caught:
        rc.read_claims(path)
    message = str(caught.value)
    assert "row 0 (line 2): as_of='03/04/2022' reads as 2022-04-03 day-first or 2022-03-04" in message
    assert "row 3 (line 5): as_of='06/04/2022'" in message and "no date in as_of settles which" in message
    assert "row 1" not in message  # 05/05/2022 reads the same either way
    assert caught.value.failures["check"].tolist() == ["day-month order", "day-month order"]


def test_dayfirst_settles_the_order_of_an_unsettled_column(tmp_path: Path) -> None:
    path = _dated_csv(tmp_path, ["03/04/2022", "06/04/2022"], reported_on=["04/04/2022", "07/04/2022"])
    day_first = rc.read_claims(path, dayfirst=True)
    assert day_first["as_of"].tolist() == ["2022-04-03", "2022-04-06"]
    assert day_first["reported_on"].tolist() == ["2022-04-04", "2022-04-07"]
    assert rc.read_claims(path, dayfirst=False)["as_of"].tolist() == ["2022-03-04", "2022-06-04"]


def test_a_date_against_dayfirst_is_an_error_naming_the_row(tmp_path: Path) -> None:
    path = _dated_csv(tmp_path, ["03/04/2022", "17/10/2016"])
    with pytest.raises(rc.ClaimsError, match=r"^1 problem") as caught:
        rc.read_claims(path, dayfirst=False)
    assert (
        "row 1 (line 3): as_of='17/10/2016' can only be day-first (17 is not a month), against dayfirst=False"
        in str(caught.value)
    )
    assert str(caught.value).split(":")[1].strip().startswith("correct the row, or leave dayfirst out")


def test_a_column_written_in_both_orders_is_an_error_naming_those_rows(tmp_path: Path) -> None:
    path = _dated_csv(tmp_path, ["17/10/2016", "2016-10-18", "10/19/2016"])
    with pytest.raises(rc.ClaimsError, match=r"^2 problems") as caught:
        rc.read_claims(path)
    message = str(caught.value)
    assert "row 0 (line 2): as_of='17/10/2016' can only be day-first" in message
    assert "but as_of='10/19/2016' (row 2) can only be month-first" in message
    assert "row 2 (line 4): as_of='10/19/2016' can only be month-first" in message
    assert "write every date of a column in one order" in message


def test_two_digit_years_are_refused_with_a_hint(tmp_path: Path) -> None:
    path = _dated_csv(tmp_path, ["17/10/16", "17 Oct 16", "2016-10-17"])
    with pytest.raises(rc.ClaimsError, match=r"^2 problems") as caught:
        rc.read_claims(path)
    message = str(caught.value)
    assert "row 0 (line 2): as_of='17/10/16' has a two-digit year" in message
    assert "row 1 (line 3): as_of='17 Oct 16' has no four-digit year" in message
    assert "write the year in full" in message


def test_a_report_date_is_a_day(tmp_path: Path) -> None:
    path = _dated_csv(tmp_path, ["2016-10", "2016-10"], reported_on=["17/10/2016", "Oct 2016"])
    with pytest.raises(rc.ClaimsError, match=r"^1 problem") as caught:
        rc.read_claims(path)
    assert "row 1 (line 3): reported_on='Oct 2016' is a month, not a day" in str(caught.value)
    fixed = _dated_csv(tmp_path, ["2016-10", "2016-10"], reported_on=["17/10/2016", "18.10.2016"])
    reported = rc.from_claims(rc.read_claims(fixed))[1].source
    assert reported == rc.Source(name="IOM", date=dt.date(2016, 10, 18))


def test_dayfirst_must_be_a_bool() -> None:
    table = pd.read_csv(io.StringIO(MOSUL_CSV))
    with pytest.raises(rc.ArgumentError, match="dayfirst must be True, False or None"):
        rc.read_claims(table, dayfirst="yes")  # type: ignore[call-overload]


def test_date_and_phrase_problems_are_listed_together_row_by_row(tmp_path: Path) -> None:
    path = tmp_path / "phrases.csv"
    path.write_text(
        "claim_id,counts,place,as_of,phrase,unit,source,reported_on\n"
        "a,x,Mosul,2016,lots,person,IOM,\n"
        'b,x,Mosul,03/04/2022,"about 6,000",person,IOM,\n'
        "c,x,Mosul,2016,about,person,IOM,2016\n"
    )
    with pytest.raises(rc.ClaimsError, match=r"^4 problems") as caught:
        rc.read_claims(path)
    rows = [line.strip() for line in str(caught.value).splitlines()[1:]]
    assert [row.split(":")[0] for row in rows] == [
        "row 0 (line 2)",
        "row 1 (line 3)",
        "row 2 (line 4)",
        "row 2 (line 4)",
    ]
    assert rows[1].startswith("row 1 (line 3): as_of='03/04/2022' reads as 2022-04-03 day-first")
    assert rows[3] == "row 2 (line 4): reported_on='2016' is a year, not a day"
    assert set(caught.value.failures["column"]) == {"phrase", "as_of", "reported_on"}


HXL_DATES_CSV = """Place,Date,Reported,Killed,Source
#loc,#date,#date+reported,#affected+killed,#meta+source
Mosul,17/10/2016,18/10/2016,12,OCHA
Mosul,03/11/2016,04/11/2016,15,OCHA
"""


def test_hxl_dates_are_read_day_first_like_any_other(tmp_path: Path) -> None:
    path = tmp_path / "killed.csv"
    path.write_text(HXL_DATES_CSV)
    table = rc.read_claims(path)
    assert table["as_of"].tolist() == ["2016-10-17", "2016-11-03"]
    assert table["reported_on"].tolist() == ["2016-10-18", "2016-11-04"]


def test_hxl_date_problems_name_the_hashtag_row_and_line(tmp_path: Path) -> None:
    path = tmp_path / "killed.csv"
    path.write_text(HXL_DATES_CSV.replace("17/10/2016", "03/10/2016"))
    with pytest.raises(rc.ClaimsError, match=r"^2 problems") as caught:
        rc.read_claims(path)
    message = str(caught.value)
    assert "row 0 (line 3): #date='03/10/2016' reads as 2016-10-03 day-first or 2016-03-10" in message
    assert "row 1 (line 4): #date='03/11/2016'" in message
    assert rc.read_claims(path, dayfirst=True)["as_of"].tolist() == ["2016-10-03", "2016-11-03"]


@pytest.mark.parametrize(("dayfirst", "layout"), [(True, "%d/%m/%Y"), (False, "%m/%d/%Y")])
@settings(max_examples=60)  # the reader's own property (test_periods.py) runs the full count
@given(days=st.lists(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(9999, 12, 31)), max_size=6))
def test_dates_written_in_one_order_round_trip_through_a_claims_table(
    dayfirst: bool, layout: str, days: list[dt.date]
) -> None:
    table = pd.DataFrame(
        {
            "claim_id": [f"c{row}" for row in range(len(days))],
            "counts": "displaced",
            "place": "Mosul",
            "as_of": [day.strftime(layout) for day in days],
            "low": 1.0,
            "value": 1.0,
            "high": 1.0,
            "unit": "person",
            "source": "IOM",
            "reported_on": [day.strftime(layout) for day in days],
        }
    )
    read = rc.read_claims(table, dayfirst=dayfirst)
    assert read["as_of"].tolist() == [day.isoformat() for day in days]
    assert read["reported_on"].tolist() == [day.isoformat() for day in days]


MIXED_CSV = """claim_id,counts,place,as_of,phrase,low,value,high,unit,source
us,militants,Mosul,2016-10-17,"about 5,000",,,,,U.S. officials
cnn,militants,Mosul,2016-10-17,,4000,5000,6000,person,CNN
backers,militants,Mosul,2016-10-17,"at least 7,000",7000,,inf,person,Islamic State backers
"""


def test_each_row_is_read_from_its_phrase_its_numbers_or_both(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(MIXED_CSV)
    table = rc.read_claims(path)
    assert table["low"].tolist() == [4500.0, 4000.0, 7000.0]
    assert table["value"].tolist() == [5000.0, 5000.0, 7000.0]
    assert table["high"].tolist() == [5500.0, 6000.0, math.inf]
    assert table["unit"].tolist() == ["person", "person", "person"]
    assert table["quote"].fillna("").tolist() == ["about 5,000", "", "at least 7,000"]
    assert table["hedge"].fillna("").tolist() == ["about", "", "at least"]


def test_numbers_that_disagree_with_their_phrase_are_listed_with_the_other_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text(
        MIXED_CSV.replace('"about 5,000",,,,', '"about 5,000",4000,,,')
        .replace("7000,,inf", "7000,,8000")
        .replace("6000,person,CNN", "6000,persn,CNN")
        + 'iom,displaced,Mosul,2016-10,"1,636,363.64",,1636363.64,,person,IOM\n'
        + "ocha,displaced,Mosul,2016-10,many,,,,person,OCHA\n"
    )
    with pytest.raises(rc.ClaimsError, match=r"^4 problems in the claims") as caught:
        rc.read_claims(path)
    rows = [line.strip() for line in str(caught.value).splitlines()[1:]]
    assert rows == [
        "row 0 (line 2): the phrase 'about 5,000' reads 4500–5500 (value 5000), but the row gives low=4000",
        "row 1 (line 3): known unit (got unit='persn')",
        "row 2 (line 4): the phrase 'at least 7,000' reads 7000–inf (value 7000), but the row gives "
        "low=7000, high=8000",
        "row 4 (line 6): 'many' does not start a figure phrase (in 'many')",
    ]
    assert str(caught.value).count("clear the numbers or fix the phrase") == 1
    failures = caught.value.failures
    assert failures.loc[failures["column"] == "phrase", "check"].tolist() == [
        "numbers agree with the phrase",
        "numbers agree with the phrase",
        "a figure phrase",
    ]


@pytest.mark.parametrize(
    ("phrase", "column", "number", "agrees"),
    [
        ("about 5,000", "value", 5000.000001, True),
        ("about 5,000", "value", 5000.01, False),
        ("about 5,000", "high", 5500.0, True),
        ("about 5,000", "high", math.inf, False),
        ("at least 7,000", "high", math.inf, True),
        ("at least 7,000", "high", 1e308, False),
    ],
)
def test_a_given_number_must_be_the_phrases_reading_up_to_a_billionth(
    phrase: str, column: str, number: float, agrees: bool
) -> None:
    row: dict[str, object] = {"claim_id": "a", "counts": "militants", "place": "Mosul", "as_of": "2016"}
    row.update(phrase=phrase, low=None, value=None, high=None, unit=None, source="CNN")
    frame = pd.DataFrame([{**row, column: number}])
    if not agrees:
        with pytest.raises(rc.ClaimsError, match=f"but the row gives {column}="):
            rc.read_claims(frame)
        return
    table = rc.read_claims(frame)
    assert table[column][0] == number
    assert rc.read_claims(frame.assign(**{column: None}))[column][0] == pytest.approx(number, rel=1e-9)


def test_a_row_with_neither_phrase_nor_numbers_is_skipped_with_a_note() -> None:
    frame = pd.read_csv(io.StringIO(MIXED_CSV))
    frame.loc[1, ["low", "value", "high"]] = None
    table = rc.read_claims(frame)
    assert len(table) == len(frame) - 1 and frame.loc[1, "claim_id"] not in table["claim_id"].tolist()
    [note] = table.attrs["notes"]
    assert note.reason is rc.Reason.NO_FIGURE and note.count == 1


def test_a_lexicon_reads_the_phrase_column_in_its_words() -> None:
    frame = pd.read_csv(io.StringIO(PHRASES_CSV))
    frame = frame.assign(counts=None, phrase=["7,619 evacuees", "circa 5,000", "12 evacuees"])
    with pytest.raises(rc.ClaimsError, match=r"'circa' does not start a figure phrase"):
        rc.read_claims(frame)
    lexicon = rc.Lexicon.default().with_noun("evacuees", unit="person", counts="displaced")
    table = rc.read_claims(frame, lexicon=lexicon.with_hedge("circa", "around"))
    assert table["counts"].fillna("").tolist() == ["displaced", "", "displaced"]
    assert table["value"].tolist() == [7619.0, 5000.0, 12.0]
    # Without the noun in the lexicon, the phrase's own word says what it counts.
    alone = rc.read_claims(frame.assign(phrase=["7,619 evacuees", "5,000", "12 evacuees"]))
    assert alone["counts"].fillna("").tolist() == ["evacuees", "", "evacuees"]
    # The table comes back in numbers: read again (as reconcile does), it needs no lexicon.
    assert "phrase" not in table
    pd.testing.assert_frame_equal(rc.read_claims(table), table)
    estimates = rc.reconcile(table.assign(counts="evacuees"), key=("counts",)).estimates
    assert estimates["n_claims"].tolist() == [3]
    with pytest.raises(rc.ArgumentError, match=r"lexicon must be a reconcile\.Lexicon"):
        rc.read_claims(frame, lexicon="evacuees")  # type: ignore[call-overload]


# -- stated precision: a table of bare values ------------------------------------------------

# The numbers the issue quotes from a situation report: three parts rounded to the thousand
# against a total of 867,500, beside a count printed in full. Names and place are illustrative.
VALUES_CSV = """claim_id,counts,place,as_of,value,unit,source
a,arrivals/a,Region,2017-12,547000,person,Situation report
b,arrivals/b,Region,2017-12,242000,person,Situation report
c,arrivals/c,Region,2017-12,79000,person,Situation report
total,arrivals,Region,2017-12,867500,person,Situation report
counted,arrivals/registered,Region,2017-12,9606,person,Situation report
"""
PARTS = ["arrivals = arrivals/a + arrivals/b + arrivals/c"]


def test_a_bare_value_is_read_at_the_precision_it_was_printed_with() -> None:
    table = rc.read_claims(pd.read_csv(io.StringIO(VALUES_CSV)))
    assert table[["low", "high"]].to_numpy().tolist() == [
        [546_500, 547_500],
        [241_500, 242_500],
        [78_500, 79_500],
        [867_500, 867_500],
        [9606, 9606],
    ]


def test_rounded_parts_of_a_table_do_not_conflict_with_its_total() -> None:
    claims = rc.read_claims(pd.read_csv(io.StringIO(VALUES_CSV)))
    assert rc.reconcile(claims, relations=PARTS).conflicts.empty
    counted = rc.read_claims(pd.read_csv(io.StringIO(VALUES_CSV)).assign(hedge="exactly"))
    assert set(rc.reconcile(counted, relations=PARTS).conflicts["kind"]) == {"relation"}


def test_a_hedge_cell_is_read_with_a_bare_value() -> None:
    frame = pd.read_csv(io.StringIO(VALUES_CSV)).head(4)
    frame["hedge"] = ["exactly", "about", "at least", None]
    table = rc.read_claims(frame)
    assert table[["low", "value", "high"]].to_numpy().tolist() == [
        [547_000, 547_000, 547_000],
        [229_900, 242_000, 254_100],
        [79_000, 79_000, math.inf],
        [867_500, 867_500, 867_500],
    ]
    assert table["hedge"].tolist()[:3] == ["exactly", "about", "at least"]


def test_a_row_that_gives_low_and_high_is_taken_as_written() -> None:
    frame = pd.read_csv(io.StringIO(VALUES_CSV)).assign(low=[547_000, math.nan, 0, math.nan, math.nan])
    frame["high"] = [547_000, math.nan, 100_000, math.nan, math.nan]
    ends = rc.read_claims(frame)[["low", "high"]].to_numpy().tolist()
    assert ends[:3] == [[547_000, 547_000], [241_500, 242_500], [0, 100_000]]


def test_a_lexicon_can_read_bare_values_as_exact_counts() -> None:
    counted = dataclasses.replace(rc.Lexicon.default(), trailing_zeros="exact")
    table = rc.read_claims(pd.read_csv(io.StringIO(VALUES_CSV)), lexicon=counted)
    assert (table["low"] == table["value"]).all() and (table["high"] == table["value"]).all()


def test_a_bare_value_with_a_hedge_that_cannot_be_read_is_a_bad_row() -> None:
    frame = pd.read_csv(io.StringIO(VALUES_CSV)).head(2)
    frame["hedge"] = pd.Series([None, "famously"], dtype=object)
    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(frame)
    assert "row 1" in str(caught.value) and "row 0" not in str(caught.value)
