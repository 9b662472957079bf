import codecs
import csv
import datetime as dt
import io
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile import formats
from reconcile.strategies import claims

# Writing and reading a file costs about 0.2 s; the thorough profile runs the full count.
FILE_EXAMPLES = settings().max_examples if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 10

# (file name, format): HXL is a CSV or an Excel file with a hashtag row.
FILES = [
    ("claims.csv", None),
    ("claims.json", None),
    ("claims.xlsx", None),
    ("claims.parquet", None),
    ("claims.csv", "hxl"),
    ("claims.xlsx", "hxl"),
]
FILE_IDS = ["csv", "json", "xlsx", "parquet", "hxl-csv", "hxl-xlsx"]

# Text a spreadsheet could run, text that looks like our own quoting, and plain text.
risky_text = st.none() | st.text(alphabet="=+-@'\t\r\n aZ,\"", max_size=8)
counted = st.sampled_from(
    [
        "affected/killed",
        "inneed",
        "population/idps",
        "affected/f/children",
        "affected/children/f",
        "militants",
    ]
)


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    """Claims tables with risky text, standard and other counts, and units HXL can and cannot tag."""
    table = draw(claims(integers=False, weights=True))
    size = len(table)
    column = st.lists(risky_text, min_size=size, max_size=size).map(
        lambda cells: pd.Series(cells, index=table.index, dtype=object)
    )
    return table.assign(
        counts=draw(st.lists(counted, min_size=size, max_size=size)),
        unit=draw(st.lists(st.sampled_from(["person", "household", "family"]), min_size=size, max_size=size)),
        quote=draw(column),
        hedge=draw(column),
        via=draw(column),
    )


@pytest.mark.parametrize(("name", "format"), FILES, ids=FILE_IDS)
@settings(max_examples=FILE_EXAMPLES)
@given(table=tables())
def test_claims_round_trip_through_every_format(name: str, format: str | None, table: pd.DataFrame) -> None:
    expected = rc.read_claims(table)
    if name.endswith(".xlsx"):  # Excel keeps no carriage return: it stores a line feed
        expected = expected.replace(r"\r\n?", "\n", regex=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        rc.write_claims(table, path, format=format)
        back = rc.read_claims(path, format=format)
    pd.testing.assert_frame_equal(back, expected)


@pytest.mark.parametrize(("name", "format"), FILES, ids=FILE_IDS)
def test_an_empty_table_round_trips(tmp_path: Path, name: str, format: str | None) -> None:
    empty = rc.to_claims([])
    rc.write_claims(empty, tmp_path / name, format=format)
    pd.testing.assert_frame_equal(rc.read_claims(tmp_path / name, format=format), empty)


@given(st.text())
def test_restoring_undoes_neutralising_and_nothing_risky_is_left(text: str) -> None:
    column = pd.DataFrame({"cell": [text]}, dtype="str")
    written = formats.neutralise_formulas(column)["cell"].iloc[0]
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert formats.restore_formulas(formats.neutralise_formulas(column)).equals(column)


ATTACKS = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def _attack_table() -> pd.DataFrame:
    figures = [rc.Figure.exact(n + 1, counts="militants", source="IOM") for n in range(len(ATTACKS))]
    return rc.to_claims(figures).assign(quote=ATTACKS)


@pytest.mark.parametrize("format", [None, "hxl"])
def test_csv_cells_that_could_run_get_a_quote(tmp_path: Path, format: str | None) -> None:
    path = tmp_path / "claims.csv"
    rc.write_claims(_attack_table(), path, format=format)
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    cells = [cell for row in rows for cell in row]
    for attack in ATTACKS:  # read_claims strips the tab or return before the cell is written
        assert "'" + attack.strip() in cells
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in cells)
    assert rc.read_claims(path)["quote"].tolist() == [attack.strip() for attack in ATTACKS]


def test_excel_cells_that_could_run_are_text_with_a_quote(tmp_path: Path) -> None:
    path = tmp_path / "claims.xlsx"
    rc.write_claims(_attack_table(), path)
    sheet = openpyxl.load_workbook(path)["claims"]
    quotes = [row[0] for row in sheet.iter_rows(min_row=2, min_col=13, max_col=13)]
    assert [cell.data_type for cell in quotes] == ["s"] * len(ATTACKS)
    assert [cell.value for cell in quotes] == ["'" + attack.strip() for attack in ATTACKS]


def test_json_and_parquet_keep_text_as_it_is(tmp_path: Path) -> None:
    rc.write_claims(_attack_table(), tmp_path / "claims.json")
    records = json.loads((tmp_path / "claims.json").read_text())
    stripped = [attack.strip() for attack in ATTACKS]
    assert [record["quote"] for record in records] == stripped
    rc.write_claims(_attack_table(), tmp_path / "claims.parquet")
    assert pd.read_parquet(tmp_path / "claims.parquet")["quote"].tolist() == stripped


def test_an_open_lower_end_is_text_a_spreadsheet_will_not_run(tmp_path: Path) -> None:
    change = rc.Figure.at_most(3.0, unit="dimensionless", counts="growth")
    rc.write_claims([change], tmp_path / "change.csv")
    assert ",'-inf," in (tmp_path / "change.csv").read_text()
    assert rc.read_claims(tmp_path / "change.csv")["low"].tolist() == [-math.inf]
    rc.write_claims([change], tmp_path / "change.json")
    assert '"low": "-inf"' in (tmp_path / "change.json").read_text()


# ------------------------------------------------------------------------------------- Excel


def _workbook(path: Path, sheets: dict[str, pd.DataFrame]) -> None:
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        for name, frame in sheets.items():
            frame.to_excel(book, sheet_name=name, index=False)


MOSUL = rc.to_claims(
    [
        rc.Figure.about(5000, counts="militants", place="Mosul", as_of="2016-10-17", source="U.S. officials"),
        rc.Figure.at_least(7000, counts="militants", place="Mosul", as_of="2016-10-17", source="IS backers"),
    ],
    ids=["us", "backers"],
)


def test_a_workbook_with_several_sheets_needs_one_named(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    _workbook(path, {"notes": pd.DataFrame({"a": [1]}), "claims": MOSUL})
    with pytest.raises(rc.ClaimsError, match="2 sheets and none was named") as caught:
        rc.read_claims(path)
    assert "['notes', 'claims']" in str(caught.value) and caught.value.origin == str(path)
    pd.testing.assert_frame_equal(rc.read_claims(path, sheet="claims"), MOSUL)
    with pytest.raises(rc.ClaimsError, match=r"no sheet 'claim'.*'notes', 'claims'"):
        rc.read_claims(path, sheet="claim")


def test_a_workbook_with_one_sheet_is_read_whatever_its_name(tmp_path: Path) -> None:
    path = tmp_path / "book.xlsx"
    _workbook(path, {"Sheet1": MOSUL})
    pd.testing.assert_frame_equal(rc.read_claims(path), MOSUL)


def test_date_cells_in_a_workbook_are_read_as_dates(tmp_path: Path) -> None:
    path = tmp_path / "dates.xlsx"
    _workbook(path, {"claims": MOSUL.assign(as_of=dt.datetime(2016, 10, 17))})
    assert rc.read_claims(path)["as_of"].tolist() == ["2016-10-17", "2016-10-17"]


def test_a_sheet_is_only_for_workbooks(tmp_path: Path) -> None:
    rc.write_claims(MOSUL, tmp_path / "claims.csv")
    with pytest.raises(rc.ArgumentError, match=r"only for \.xlsx"):
        rc.read_claims(tmp_path / "claims.csv", sheet="claims")
    with pytest.raises(rc.ArgumentError, match="apply to files"):
        rc.read_claims(MOSUL, sheet="claims")


# --------------------------------------------------------------------------------------- HXL

HDX = """Killed in Mosul, as reported,,,,,,,
Country,Governorate,District code,Date,Source,Killed,Killed (low),Killed (high),IDP households,Notes
#country+name,#adm1+name,#adm2+code,#date,#meta+source,#affected+killed,#affected+killed+min,#affected+killed+max,#affected+idps+hh,
Iraq,Ninewa,IQG15Q01,2016-10,OCHA,12,10,15,,first week
Iraq,Ninewa,IQG15Q01,2016-11,OCHA,40,,inf,7619,
"""


def test_an_hxl_file_is_found_by_its_hashtag_row(tmp_path: Path) -> None:
    path = tmp_path / "hdx.csv"
    path.write_text(HDX)
    table = rc.read_claims(path)
    assert table["claim_id"].tolist() == [
        "row-1",
        "row-2#affected+killed",
        "row-2#affected+idps+hh",
    ]
    assert table["counts"].tolist() == ["affected/killed", "affected/killed", "affected/idps"]
    assert table["place"].tolist() == ["Iraq/Ninewa/IQG15Q01"] * 3  # a district given by its code
    assert table["unit"].tolist() == ["person", "person", "household"]
    assert table[["low", "value", "high"]].to_numpy().tolist() == [
        [10.0, 12.0, 15.0],
        [40.0, 40.0, math.inf],
        [7619.0, 7619.0, 7619.0],
    ]
    assert "Notes" not in table and "notes" not in table  # an untagged column is ignored


def test_place_hashtags_are_joined_broadest_first() -> None:
    frame = pd.DataFrame(
        [["a", "5", "Mosul", "Iraq", "Ninewa", "2016", "IOM"], ["b", "6", None, "Iraq", None, "2016", "IOM"]],
        columns=["#meta+id", "#affected", "#loc", "#country", "#adm1+name", "#date", "#meta+source"],
    )
    assert rc.read_claims(frame, format="hxl")["place"].tolist() == ["Iraq/Ninewa/Mosul", "Iraq"]


def test_format_hxl_insists_on_hashtags(tmp_path: Path) -> None:
    rc.write_claims(MOSUL, tmp_path / "plain.csv")
    with pytest.raises(rc.ClaimsError, match="no row of HXL hashtags in the first 25 rows"):
        rc.read_claims(tmp_path / "plain.csv", format="hxl")


def test_an_unknown_hashtag_is_ignored_and_said_in_a_note(tmp_path: Path) -> None:
    path = tmp_path / "hdx.csv"
    path.write_text(HDX.replace("#meta+source", "#org+name"))
    with pytest.raises(rc.ClaimsError, match="has no source column") as caught:
        rc.read_claims(path)  # the file gives no source of its own: HDX keeps it in metadata
    assert "source=" in caught.value.hint
    table = rc.read_claims(path, source="OCHA")
    assert table["source"].tolist() == ["OCHA"] * 3
    notes = table.attrs["notes"]
    assert [note.column for note in notes if note.reason is rc.Reason.IGNORED_HASHTAG] == ["#org+name"]
    assert "column 4 '#org+name' is not read: this library reads no #org" in [str(note) for note in notes]


def test_a_file_with_no_figure_hashtag_is_told_which_hashtags_were_not_read(tmp_path: Path) -> None:
    path = tmp_path / "hdx.csv"
    path.write_text("Country,Org,People\n#country,#org,#people\nIraq,IOM,12\n")
    said = r"no column has a figure hashtag .* \(not read: #org, #people\)"
    with pytest.raises(rc.ClaimsError, match=said) as caught:
        rc.read_claims(path, source="IOM")
    assert caught.value.reason is rc.Reason.UNKNOWN_HASHTAG and vars(caught.value)["line"] == 2


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("#affected+killed+min", "#affected+killed", "stands over columns 5 and 6"),
        ("#affected+killed,", "#affected+dead,", "'#affected\\+killed' has range columns but no value"),
        ("#affected+killed+max", "#affected+killed+max+min", "has both \\+min and \\+max"),
    ],
)
def test_hashtags_that_cannot_be_read_are_named(tmp_path: Path, old: str, new: str, words: str) -> None:
    path = tmp_path / "hdx.csv"
    path.write_text(HDX.replace(old, new, 1))
    with pytest.raises(rc.ClaimsError, match=words):
        rc.read_claims(path)


def test_a_row_without_a_figure_is_skipped_with_a_note_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "hdx.csv"
    path.write_text(HDX + "Iraq,Ninewa,,2016-12,OCHA,-,,,NA,no number yet\n\n")
    table = rc.read_claims(path)
    assert len(table) == 3
    [note] = [note for note in table.attrs["notes"] if note.reason is rc.Reason.NO_FIGURE]
    assert note.lines == (6,) and str(note) == "1 row gives no figure and is skipped (line 6)"


def test_a_unit_that_contradicts_the_hashtag_is_an_error() -> None:
    frame = pd.DataFrame(
        [["a", "7619", "person", "Mosul", "2016-10", "IOM"]],
        columns=["#meta+id", "#affected+idps+hh", "#meta+unit", "#loc", "#date", "#meta+source"],
    )
    with pytest.raises(rc.ClaimsError, match="rows contradict their hashtags") as caught:
        rc.read_claims(frame, format="hxl")
    assert "#meta+unit is 'person' but the hashtag says 'household'" in str(caught.value)
    agreeing = frame.assign(**{"#meta+unit": "households"})
    assert rc.read_claims(agreeing, format="hxl")["unit"].tolist() == ["household"]


def test_bad_rows_of_an_hxl_file_are_named_by_their_line(tmp_path: Path) -> None:
    path = tmp_path / "hdx.csv"
    path.write_text(HDX.replace("40,,inf", "40,50,inf").replace("2016-10,", "someday,"))
    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(path)
    message = str(caught.value)
    assert "row 0 (line 4): #date='someday' is not a date or period" in message
    assert "row 1 (line 5): low <= value <= high" in message


def test_an_hxl_frame_round_trips_through_to_hxl() -> None:
    table = rc.read_claims(MOSUL.assign(counts=["affected/killed", "militants"]))
    hxl = formats.to_hxl(table)
    frame = hxl.iloc[2:].set_axis(hxl.iloc[1].tolist(), axis=1)
    pd.testing.assert_frame_equal(rc.read_claims(frame, format="hxl"), table)


def test_an_hxl_workbook_is_read_from_its_only_sheet(tmp_path: Path) -> None:
    path = tmp_path / "hdx.xlsx"
    rows = list(csv.reader(io.StringIO(HDX)))
    raw = pd.DataFrame([row + [""] * (10 - len(row)) for row in rows])
    raw.to_excel(path, header=False, index=False)
    pd.testing.assert_frame_equal(rc.read_claims(path), rc.read_claims(io_path(tmp_path, HDX)))


def io_path(folder: Path, text: str) -> Path:
    path = folder / "from-text.csv"
    path.write_text(text)
    return path


def test_a_column_name_hxl_cannot_carry_is_refused(tmp_path: Path) -> None:
    with pytest.raises(rc.ArgumentError, match="'Analyst note' has no HXL hashtag"):
        rc.write_claims(MOSUL.assign(**{"Analyst note": "x"}), tmp_path / "h.csv", format="hxl")
    assert not (tmp_path / "h.csv").exists()
    with pytest.raises(rc.ArgumentError, match="'claim_id' and 'id' would both be written as '#meta\\+id'"):
        rc.write_claims(MOSUL.assign(id="x"), tmp_path / "h.csv", format="hxl")
    rc.write_claims(MOSUL.assign(analyst_note="x"), tmp_path / "h.csv", format="hxl")
    assert rc.read_claims(tmp_path / "h.csv")["analyst_note"].tolist() == ["x", "x"]


# ----------------------------------------------------------------------------- broken files


def test_a_file_in_another_encoding_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    rc.write_claims(MOSUL.assign(source=["U.S. officials", "Sécurité"]), path)
    path.write_bytes(path.read_bytes().decode("utf-8").encode("latin-1"))
    with pytest.raises(rc.ClaimsError, match=r"is not UTF-8 text: line 3 holds the byte b'\\xe9'") as caught:
        rc.read_claims(path)
    assert "encoding='cp1252'" in str(caught.value) and vars(caught.value)["line"] == 3
    assert rc.read_claims(path, encoding="latin-1")["source"].tolist()[1] == "Sécurité"


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("claims.xlsx", b"\x89PNG\r\n\x1a\n not a workbook", "is not an Excel workbook"),
        ("claims.parquet", b"PAR1 nothing else", "as a table"),
        ("claims.json", b'{"claim_id": "a"}', "as a table"),
        ("claims.csv", b"", "as a table"),
    ],
)
def test_a_file_that_is_not_a_table_is_a_claims_error(
    tmp_path: Path, name: str, content: bytes, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(rc.ClaimsError, match=words) as caught:
        rc.read_claims(path)
    assert caught.value.origin == str(path)


def test_an_unknown_extension_or_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(rc.ClaimsError, match=r"extension '\.docx'"):
        rc.read_claims(tmp_path / "claims.docx")
    with pytest.raises(rc.ArgumentError, match=r"extension '\.docx'"):
        rc.write_claims(MOSUL, tmp_path / "claims.docx")
    with pytest.raises(rc.ArgumentError, match="unknown format 'excel'"):
        rc.write_claims(MOSUL, tmp_path / "claims.xlsx", format="excel")


# ----------------------------------------------------------------------------------- writing


@pytest.mark.parametrize(("name", "format"), FILES, ids=FILE_IDS)
def test_a_table_is_written_alike_to_a_path_an_open_file_and_a_workbook(
    tmp_path: Path, name: str, format: str | None
) -> None:
    # One writer: what a path gets, an open file gets byte for byte, and a workbook's sheet cell for cell.
    table = _attack_table()
    path = tmp_path / name
    formats.write_table(table, path, format)
    kind = formats.format_of(path, format, reading=False)
    if path.suffix == ".xlsx":  # a workbook being written; an open file is one for xlsx alone
        sheets = tmp_path / "sheets.xlsx"
        with pd.ExcelWriter(sheets, engine="openpyxl") as book:
            formats.write_table(table, book, kind, sheet="claims")
        written: list[Path | io.BytesIO] = [sheets]
        if kind == "xlsx":
            written.append(io.BytesIO())
            formats.write_table(table, written[-1], kind)
        for workbook in written:
            cells = pd.read_excel(workbook, header=None, dtype=str)
            assert cells.equals(pd.read_excel(path, header=None, dtype=str))
    elif kind == "parquet":
        data = io.BytesIO()
        formats.write_table(table, data, kind)
        assert pd.read_parquet(data).equals(pd.read_parquet(path))
    else:
        text = io.StringIO(newline="")
        formats.write_table(table, text, kind)
        assert path.read_bytes() == text.getvalue().encode("utf-8")


def test_an_open_file_needs_its_format() -> None:
    with pytest.raises(rc.ArgumentError, match="format=None"):
        formats.write_table(_attack_table(), io.StringIO())


def test_a_failed_write_leaves_the_old_file_and_no_debris(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "claims.csv"
    rc.write_claims(MOSUL, path)
    before = path.read_bytes()

    def half_then_fail(frame: pd.DataFrame, target: Path, *args: object) -> None:
        target.write_text("claim_id,cou")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(formats, "_write_one", half_then_fail)
    with pytest.raises(rc.ArgumentError, match="No space left"):
        rc.write_claims(MOSUL, path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv"]


def test_an_invalid_table_is_not_written(tmp_path: Path) -> None:
    with pytest.raises(rc.ClaimsError, match="known unit"):
        rc.write_claims(MOSUL.assign(unit="persn"), tmp_path / "claims.csv")
    assert list(tmp_path.iterdir()) == []


def test_figures_can_be_written_directly(tmp_path: Path) -> None:
    figures = rc.from_claims(MOSUL)
    rc.write_claims(figures, tmp_path / "claims.parquet")
    assert rc.from_claims(rc.read_claims(tmp_path / "claims.parquet")) == figures


def test_written_files_get_the_usual_permissions(tmp_path: Path) -> None:
    rc.write_claims(MOSUL, tmp_path / "claims.csv")
    reference = tmp_path / "reference"
    reference.write_text("")
    assert (tmp_path / "claims.csv").stat().st_mode == reference.stat().st_mode


# ---------------------------------------------------------------------------------- results


def test_a_result_goes_to_one_workbook_with_a_sheet_per_table(tmp_path: Path) -> None:
    result = rc.reconcile(MOSUL)
    assert result.write(tmp_path / "result.xlsx") == [tmp_path / "result.xlsx"]
    book = openpyxl.load_workbook(tmp_path / "result.xlsx")
    assert book.sheetnames == ["estimates", "conflicts", "claims", "totals"]
    back = rc.read_claims(tmp_path / "result.xlsx", sheet="claims")
    assert back["kept"].tolist() == result.claims["kept"].tolist()
    estimates = pd.read_excel(tmp_path / "result.xlsx", sheet_name="estimates")
    assert estimates["status"].tolist() == result.estimates["status"].tolist()


@pytest.mark.parametrize("format", ["csv", "json", "parquet", "hxl"])
def test_a_result_goes_to_a_folder_with_a_file_per_table(tmp_path: Path, format: str) -> None:
    result = rc.reconcile(MOSUL)
    written = result.write(tmp_path / "out", format=format)
    assert [path.stem for path in written] == ["estimates", "conflicts", "claims", "totals"]
    assert all(path.exists() for path in written)
    claims_back = rc.read_claims(written[2])
    assert claims_back["claim_id"].tolist() == ["us", "backers"]
    assert claims_back["high"].tolist() == [5500.0, math.inf]


def test_a_result_needs_a_format_for_a_folder(tmp_path: Path) -> None:
    with pytest.raises(rc.ArgumentError, match=r"one .xlsx workbook, or to a folder") as caught:
        rc.reconcile(MOSUL).write(tmp_path / "res.csv")
    assert "format='csv'" in caught.value.hint
    assert not (tmp_path / "res.csv").exists()


@pytest.mark.parametrize("name", ["res_hxl.csv", "out.json", "result.parquet"])
def test_a_result_folder_is_not_named_like_a_file(tmp_path: Path, name: str) -> None:
    with pytest.raises(rc.ArgumentError, match="named like a file") as caught:
        rc.reconcile(MOSUL).write(tmp_path / name, format="hxl")
    assert "without an extension" in caught.value.hint
    assert not (tmp_path / name).exists()


@pytest.mark.parametrize("format", ["csv", "json", "parquet", "hxl", "xlsx"])
def test_derived_totals_are_written_with_the_result(tmp_path: Path, format: str) -> None:
    relation = rc.Relation.parse("militants/all = militants + militants/others")
    others = rc.Figure.between(100, 200, counts="militants/others", place="Mosul", as_of="2016-10-17")
    table = pd.concat([MOSUL.iloc[:1], rc.to_claims([others], ids=["o"])], ignore_index=True)
    result = rc.reconcile(table, relations=[relation])
    assert len(result.totals) == 1
    target = tmp_path / ("result.xlsx" if format == "xlsx" else "out")
    written = result.write(target, format=format)
    if format == "xlsx":
        totals = pd.read_excel(written[0], sheet_name="totals")
    elif format == "csv":
        totals = pd.read_csv(written[3])
    elif format == "json":
        totals = pd.read_json(written[3], orient="records")
    elif format == "parquet":
        totals = pd.read_parquet(written[3])
    else:
        totals = formats.from_hxl(pd.read_csv(written[3], header=1, dtype=str)).astype(
            {"low": float, "high": float}
        )
    assert totals["low"].tolist() == [4600.0]
    assert totals["high"].tolist() == [5700.0]


def test_empty_totals_are_written_too_so_the_files_are_the_same(tmp_path: Path) -> None:
    written = rc.reconcile(MOSUL).write(tmp_path / "out", format="csv")
    totals = pd.read_csv(written[3])
    assert totals.empty and {"counts", "low", "value", "high", "unit"} <= set(totals.columns)


def test_numbers_in_spreadsheets_stay_numbers(tmp_path: Path) -> None:
    rc.write_claims(MOSUL, tmp_path / "claims.xlsx")
    sheet = openpyxl.load_workbook(tmp_path / "claims.xlsx")["claims"]
    values = [row[0].value for row in sheet.iter_rows(min_row=2, min_col=5, max_col=7)]
    assert values == [4500, 7000]
    highs = [row[0].value for row in sheet.iter_rows(min_row=2, min_col=7, max_col=7)]
    assert highs == [5500, "inf"]
    assert np.isinf(rc.read_claims(tmp_path / "claims.xlsx")["high"].iloc[1])


def test_a_row_with_more_cells_than_the_header_is_an_error_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("claim_id,counts,low,value,high,source\na,x,1,2,3,S,extra\nb,x,1,2,3,S\n")
    with pytest.raises(rc.ClaimsError, match=r"1 row of .* holds more cells than the 6 columns") as caught:
        rc.read_claims(path)
    assert "line 2: 7 cells" in str(caught.value)
    assert vars(caught.value)["lines"] == [2]


def test_extra_cells_on_later_rows_are_all_listed(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text("claim_id,counts\na,x\nb,x,1\nc,x\nd,x,1,2\n")
    with pytest.raises(rc.ClaimsError, match="2 rows of") as caught:
        rc.read_claims(path)
    assert vars(caught.value)["lines"] == [3, 5]


def test_each_column_not_read_is_named_once_in_the_notes() -> None:
    frame = pd.DataFrame([["1", "a", "b", "x"]], columns=["#affected", "#org+name", "#sector?", "#org+name"])
    notes = [str(note) for note in formats.from_hxl(frame).attrs["notes"]]
    assert notes == [
        "column 1 '#org+name' is not read: this library reads no #org",
        "column 2 '#sector?' is not read: it is not a well-formed hashtag",
        "column 3 '#org+name' is not read: this library reads no #org",
    ]


@pytest.mark.parametrize(
    ("head", "said"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks like a PNG image"),
        (b"PK\x03\x04\x14\x00\x06\x00", r"looks like a zip archive \(an .xlsx workbook is one\)"),
        (b"abc\x00\xff\x00def", "looks like a binary file"),
    ],
)
def test_a_binary_file_named_csv_is_called_binary(tmp_path: Path, head: bytes, said: str) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(head + bytes(range(256)))
    with pytest.raises(rc.ClaimsError, match=said + ", not a text table"):
        rc.read_claims(path)


def test_utf16_text_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes("claim_id,counts\na,x\n".encode("utf-16"))
    with pytest.raises(rc.ClaimsError, match="is UTF-16 text") as caught:
        rc.read_claims(path)
    assert "encoding='utf-16'" in caught.value.hint


@pytest.mark.parametrize(
    ("mark", "encoding", "named", "suggested"),
    [
        (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32", "utf-32"),  # FF FE 00 00 starts as UTF-16's mark does
        (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32", "utf-32"),
        (b"", "utf-32-le", "UTF-32-LE", "utf-32-le"),  # no mark: told by its zero bytes
        (b"", "utf-32-be", "UTF-32-BE", "utf-32-be"),
    ],
    ids=["le-marked", "be-marked", "le-unmarked", "be-unmarked"],
)
def test_utf32_text_is_named_utf32_not_utf16(
    tmp_path: Path, mark: bytes, encoding: str, named: str, suggested: str
) -> None:
    path = tmp_path / "claims.csv"
    rc.write_claims(MOSUL.assign(source=["U.S. officials", "Sécurité"]), path)
    path.write_bytes(mark + path.read_bytes().decode("utf-8").encode(encoding))
    with pytest.raises(rc.ClaimsError, match=f"is {named} text, not utf-8-sig") as caught:
        rc.read_claims(path)
    assert f"encoding={suggested!r}" in caught.value.hint
    assert vars(caught.value)["encodings"] == (suggested,)
    assert rc.read_claims(path, encoding=suggested)["source"].tolist() == ["U.S. officials", "Sécurité"]


def test_small_binary_numbers_are_not_taken_for_utf32_text(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(np.arange(1, 300, dtype="<u4").tobytes() + b"\xff")  # 32-bit numbers, no text
    with pytest.raises(rc.ClaimsError, match="looks like a binary file"):
        rc.read_claims(path)


ROOT = Path(__file__).resolve().parent.parent

# Run in a fresh interpreter where importing an optional extra fails, as on a bare install.
_WITHOUT_EXTRAS = """
import sys
for extra in ("hxl", "openpyxl", "matplotlib", "typer", "rich"):
    sys.modules[extra] = None  # `import hxl` now raises ImportError
import reconcile as rc
"""


def _run_without_extras(script: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_EXTRAS + script], cwd=tmp_path, capture_output=True, text=True
    )


def test_plain_files_read_and_write_without_any_extra(tmp_path: Path) -> None:
    script = """
import pandas as pd
claims = rc.read_claims("mosul.csv")
expected = rc.reconcile(claims).estimates
for name in ("claims.csv", "claims.json", "claims.parquet"):
    rc.write_claims(claims, name)
    pd.testing.assert_frame_equal(rc.reconcile(rc.read_claims(name)).estimates, expected)
print("read", len(claims), "claims from csv, json and parquet")
"""
    (tmp_path / "mosul.csv").write_text((ROOT / "examples" / "data" / "mosul_2016_claims.csv").read_text())
    done = _run_without_extras(script, tmp_path)
    assert done.returncode == 0, done.stderr
    assert "read 7 claims from csv, json and parquet" in done.stdout


def test_an_hxl_file_without_libhxl_asks_for_the_hxl_extra(tmp_path: Path) -> None:
    (tmp_path / "hdx.csv").write_text(HDX)
    done = _run_without_extras(
        """
try:
    rc.read_claims("hdx.csv")
except rc.MissingDependencyError as exc:
    print(exc.package, "|", exc.hint)
""",
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "libhxl | pip install 'reconcile[hxl]'"


@pytest.mark.parametrize(
    ("second_row", "is_hxl"),
    [
        ("#meta+id,,#affected+killed", True),  # empty cells do not count
        (" #meta+id , #affected+killed", True),  # nor do spaces around a hashtag
        ("#1,5000", False),  # a cell that starts with # beside a number is data
        (",,", False),
    ],
)
def test_a_hashtag_row_is_one_whose_filled_cells_all_start_with_a_hash(second_row: str, is_hxl: bool) -> None:
    assert formats._hashtag_row([["id", "x", "killed"], second_row.split(",")]) == (1 if is_hxl else None)


def test_a_malformed_hashtag_is_named_not_ignored(tmp_path: Path) -> None:
    path = tmp_path / "hdx.csv"
    path.write_text(HDX.replace("#affected+killed+min", "#affected killed min", 1))
    said = r"malformed HXL hashtag '#affected killed min' \(column 6, line 3\)"
    with pytest.raises(rc.ClaimsError, match=said) as caught:
        rc.read_claims(path)
    assert vars(caught.value)["column"] == 6
