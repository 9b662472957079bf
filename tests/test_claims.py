import datetime as dt
import io
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
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
iom,,Mosul,2016-10,"7,619 families",,IOM
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
    assert rc.reconcile(table).estimates["status"].tolist().count("conflict") == 1


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
    with pytest.raises(rc.ClaimsError, match="ISO date"):
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
    assert "row 2 (line 4): date or period (got as_of='someday')" in message
    assert "row 2 (line 4): low <= value <= high" in message
    assert "row 3 (line 5): low >= 0 for a unit that counts" in message
    assert "field_uniqueness" in message
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
        rc.read_claims(42)  # type: ignore[arg-type]


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
    assert rows[1].endswith("date or period (got as_of='2016-13-45')")
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
