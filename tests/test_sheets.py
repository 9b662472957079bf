"""Workbooks read cell by cell: merged ranges, unsaved formulas and error cells as an analyst reads them.

A sheet laid out for people writes a place once beside the rows it is for, puts a title above
the table, and may hold a formula a program never calculated. Each test builds such a sheet with
openpyxl and checks what the claims say: the place for every row (with a note), a figure never
repeated from a merged range, and an error that names the cell for a value the file lacks.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import reconcile as rc

HEADER = ["claim_id", "counts", "place", "as_of", "value", "unit", "source"]


def _row(claim_id: str, place: str | None, value: float | None) -> list[Any]:
    return [claim_id, "affected/killed", place, "2016-11-01", value, "person", "IOM"]


def workbook(path: Path, rows: list[list[Any]] | list[Any], setup: Callable[[Any], None]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    setup(book.active)
    book.save(path)
    return path


def test_a_place_merged_down_three_rows_is_each_rows_place_with_a_note(tmp_path: Path) -> None:
    rows = [HEADER, _row("a", "Mosul", 10), _row("b", None, 20), _row("c", None, 30)]
    path = workbook(tmp_path / "claims.xlsx", rows, lambda sheet: sheet.merge_cells("C2:C4"))
    claims = rc.read_claims(path)
    assert claims["place"].tolist() == ["Mosul"] * 3
    (note,) = [note for note in claims.attrs["notes"] if note.reason is rc.Reason.MERGED_CELLS]
    assert note.column == "place" and note.lines == (3, 4) and note.count == 2
    assert "C2:C4" in str(note)


def test_a_figure_merged_down_two_rows_is_refused_naming_the_range(tmp_path: Path) -> None:
    # 5,000 beside two places may be each place's or theirs together: it is not repeated.
    rows = [HEADER, _row("a", "Mosul", 5000), _row("b", "Tal Afar", None)]
    path = workbook(tmp_path / "claims.xlsx", rows, lambda sheet: sheet.merge_cells("E2:E3"))
    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(path)
    assert caught.value.reason is rc.Reason.MERGED_CELLS
    assert "E2:E3" in str(caught.value) and "'value'" in str(caught.value)


def test_text_merged_across_two_columns_is_refused(tmp_path: Path) -> None:
    rows = [[*HEADER, "via"], [*_row("a", "Mosul", 10), None]]
    path = workbook(tmp_path / "claims.xlsx", rows, lambda sheet: sheet.merge_cells("G2:H2"))
    with pytest.raises(rc.ClaimsError, match="G2:H2") as caught:
        rc.read_claims(path)
    assert caught.value.reason is rc.Reason.MERGED_CELLS


def test_an_hxl_sheet_with_a_merged_title_and_a_merged_place_reads_every_row(tmp_path: Path) -> None:
    rows = [
        ["Displacement in Nineveh (title merged over the table)"],
        ["District", "Date", "IDPs", "Source"],
        ["#adm2+name", "#date", "#affected+idps", "#meta+source"],
        ["Mosul", "2016-11-01", 5000, "IOM DTM"],
        [None, "2016-11-08", 7000, "IOM DTM"],
    ]

    def merge(sheet: Any) -> None:
        sheet.merge_cells("A1:D1")
        sheet.merge_cells("A4:A5")

    claims = rc.read_claims(workbook(tmp_path / "idps.xlsx", rows, merge))
    assert claims["place"].tolist() == ["Mosul", "Mosul"]
    assert claims["value"].tolist() == [5000.0, 7000.0]


def test_an_hxl_figure_merged_down_two_rows_is_refused(tmp_path: Path) -> None:
    rows = [
        ["District", "Date", "IDPs"],
        ["#adm2+name", "#date", "#affected+idps"],
        ["Mosul", "2016-11-01", 5000],
        ["Tal Afar", "2016-11-01", None],
    ]
    path = workbook(tmp_path / "idps.xlsx", rows, lambda sheet: sheet.merge_cells("C3:C4"))
    with pytest.raises(rc.ClaimsError, match="C3:C4"):
        rc.read_claims(path)


def test_a_formula_never_calculated_is_an_error_naming_cell_column_and_line(tmp_path: Path) -> None:
    rows = [HEADER, _row("a", "Mosul", 10), _row("b", "Mosul", None)]

    def formula(sheet: Any) -> None:
        sheet["E3"] = "=E2*2"  # openpyxl saves the formula and no result, as many programs do

    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(workbook(tmp_path / "claims.xlsx", rows, formula))
    error = caught.value
    assert error.reason is rc.Reason.UNSAVED_FORMULA and error.line == 3
    assert "E3 (column 'value', line 3)" in str(error) and "=E2*2" in str(error)
    assert "save it" in error.hint


def test_an_error_cell_is_an_error_naming_it(tmp_path: Path) -> None:
    rows = [HEADER, _row("a", "Mosul", 10)]

    def failed(sheet: Any) -> None:
        sheet["E2"] = "#DIV/0!"  # openpyxl stores this as an error cell

    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(workbook(tmp_path / "claims.xlsx", rows, failed))
    assert caught.value.reason is rc.Reason.ERROR_CELL
    assert "E2 (column 'value', line 2) holds the spreadsheet error #DIV/0!" in str(caught.value)


def test_odd_cells_above_an_hxl_header_are_not_the_tables(tmp_path: Path) -> None:
    rows = [
        ["Report of 1 November", None],
        ["District", "IDPs"],
        ["#adm2+name", "#affected+idps"],
        ["Mosul", 5000],
    ]

    def title(sheet: Any) -> None:
        sheet["B1"] = "=TODAY()"  # a date in the title, never calculated: not a claim

    claims = rc.read_claims(workbook(tmp_path / "idps.xlsx", rows, title), as_of="2016-11-01", source="IOM")
    assert claims["value"].tolist() == [5000.0]


def test_a_text_an_excel_cell_cannot_hold_is_refused_on_write(tmp_path: Path) -> None:
    claims = rc.read_claims(
        rc.read_claims(
            workbook(tmp_path / "claims.xlsx", [HEADER, _row("a", "Mosul", 10)], lambda sheet: None)
        )
    )
    claims["quote"] = "x" * 32_768
    with pytest.raises(rc.ArgumentError, match="32,767") as caught:
        rc.write_claims(claims, tmp_path / "out.xlsx")
    assert caught.value.column == "quote" and not (tmp_path / "out.xlsx").exists()


def test_a_workbook_stored_under_another_part_name_is_scanned_too(tmp_path: Path) -> None:
    # The package's relationships, not a fixed path, say where the workbook part is.
    def formula(sheet: Any) -> None:
        sheet["E2"] = "=1+1"

    path = workbook(tmp_path / "claims.xlsx", [HEADER, _row("a", "Mosul", None)], formula)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/book.xml"] = members.pop("xl/workbook.xml")
    members["xl/_rels/book.xml.rels"] = members.pop("xl/_rels/workbook.xml.rels")
    for name in ("_rels/.rels", "[Content_Types].xml"):
        members[name] = members[name].replace(b"xl/workbook.xml", b"xl/book.xml")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(path)
    assert caught.value.reason is rc.Reason.UNSAVED_FORMULA and "E2" in str(caught.value)
