"""Fuzz tests of ``rc.read_claims``: whatever a file holds, a table or a ReconcileError, nothing lost.

Four kinds of input, in every format the reader takes (CSV, HXL in CSV, JSON records, Excel,
Parquet and a DataFrame), each written here with the format's own library rather than with
``rc.write_claims``, so that the input is what other programs write:

1. **Bytes.** Random bytes, and valid files with bytes overwritten, inserted or cut off (an
   Excel workbook also with one of its XML parts broken): only a :class:`rc.ReconcileError`
   may escape, with a hint, naming the file (``error.origin``).
2. **Text.** Random text as a CSV file (plain, and under an HXL hashtag row); random text in
   the text cells of an otherwise valid claims table: the table reads, every row is a claim
   or named in a note, and a text cell is missing only where it held nothing but space and
   invisible characters (``NA``, ``None``, ``null``, ``nan`` stay text). A lone surrogate
   (which JSON ``"\\ud800"`` and a DataFrame can carry) is an error.
3. **Adversarial tables.** Repeated headers, formulas, numbers at the edges of a float,
   booleans in number columns, NUL characters, 200,000-character cells, JSON that is not a
   list of records, Parquet bytes that are not UTF-8, merged Excel cells and formulas
   without a cached value: each reads as stated, or is an error naming the cell and line.
4. **Round trips.** ``rc.write_claims`` then ``rc.read_claims`` keeps every float to the last
   bit and every text, in every format.

A test marked ``xfail(strict=True)`` records a case the library gets wrong today (see its
reason); it fails loudly once the library is fixed, so the mark can be dropped.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import os
import re
import traceback
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape

import numpy as np
import openpyxl
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile._clean import INVISIBLE

#: Each example writes and reads a file (about 60 ms): a twentieth of the profile's count
#: (10 by default, 15 under ``ci``, 250 under ``thorough``).
FILE_EXAMPLES = max(10, settings().max_examples // 20)
#: Reading bytes that are no table fails early: twice as many.
BYTES_EXAMPLES = 2 * FILE_EXAMPLES
#: A round trip writes and reads five files (about 700 ms): a quarter as many, and the explicit
#: example of every awkward float and text besides.
TRIP_EXAMPLES = max(3, FILE_EXAMPLES // 4)

Cell = str | float | None
Row = list[Cell]

# ------------------------------------------------------------------------------------ writers


def write_csv(path: Path, rows: Sequence[Sequence[Cell]]) -> Path:
    """``rows`` as a CSV file, quoted only where a cell needs it, floats to the last bit."""
    path.write_bytes(csv_bytes(rows))
    return path


def csv_bytes(rows: Sequence[Sequence[Cell]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer).writerows([[_csv_cell(cell) for cell in row] for row in rows])
    return buffer.getvalue().encode("utf-8")


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    return repr(cell) if isinstance(cell, float) else str(cell)


def write_json(path: Path, header: Sequence[str], rows: Sequence[Row], *, ascii_only: bool = True) -> Path:
    """A JSON list of records; ``ascii_only`` writes every other character as a ``\\uXXXX`` escape."""
    records = [dict(zip(header, row, strict=True)) for row in rows]
    path.write_text(json.dumps(records, ensure_ascii=ascii_only), encoding="utf-8", errors="surrogatepass")
    return path


def write_xlsx(path: Path, rows: Sequence[Sequence[Any]], setup: Callable[[Any], None] | None = None) -> Path:
    """A workbook of one sheet: text as text cells (never formulas or errors), floats to the last bit.

    A text cell starting with ``=`` is written as text, as a spreadsheet stores a cell typed
    with a leading quote; ``setup`` may change the sheet (merge cells, write a formula).
    """
    book = openpyxl.Workbook()
    sheet = book.active
    long: dict[str, str] = {}  # openpyxl cuts a text at Excel's 32,767 characters; other programs do not
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is None:
                continue
            cell = sheet.cell(row=number, column=column)
            if isinstance(value, str):
                if len(value) > 32_767:
                    mark = f"LONG{len(long)}TEXT"
                    long[mark] = value
                    value = mark
                cell.value = value
                cell.data_type = "s"
            elif isinstance(value, float) and math.isfinite(value):
                cell.value = repr(value)  # openpyxl itself writes 16 significant digits
                cell.data_type = "n"
            else:
                cell.value = value
    if setup is not None:
        setup(sheet)
    book.save(path)
    if long:
        with zipfile.ZipFile(path) as archive:
            members = {name: archive.read(name) for name in archive.namelist()}
        sheet_xml = "xl/worksheets/sheet1.xml"  # openpyxl writes text inline
        cells = members[sheet_xml].decode("utf-8")
        for mark, text in long.items():
            cells = cells.replace(f">{mark}<", f">{xml_escape(text)}<")
        members[sheet_xml] = cells.encode("utf-8")
        path.write_bytes(_zip(members))
    return path


def write_parquet(path: Path, header: Sequence[str], rows: Sequence[Row]) -> Path:
    """A Parquet file: ``value`` as float64, every other column as UTF-8 strings."""
    columns = {
        name: pa.array([row[i] for row in rows], pa.float64() if name == "value" else pa.string())
        for i, name in enumerate(header)
    }
    pq.write_table(pa.table(columns), path)
    return path


def frame_of(header: Sequence[str], rows: Sequence[Row]) -> pd.DataFrame:
    """A DataFrame as a caller builds one: text columns of Python strings (object dtype)."""
    return pd.DataFrame(
        {
            name: pd.Series([row[i] for row in rows], dtype=float if name == "value" else object)
            for i, name in enumerate(header)
        }
    )


# ----------------------------------------------------------------------------------- checks


def read(claims: Path | pd.DataFrame, **options: Any) -> pd.DataFrame | rc.ReconcileError:
    """The claims read, or the ReconcileError raised (checked); any other exception fails the test."""
    try:
        table: pd.DataFrame = rc.read_claims(claims, **options)
        return table
    except rc.ReconcileError as error:
        caught = error
    except Exception as error:  # a crash: every other exception is one
        raise AssertionError(crash_report(error)) from None
    assert_good_error(caught, claims)
    return caught


def crash_report(error: BaseException) -> str:
    """What escaped ``read_claims``, where in ``reconcile`` it passed last, and its last frames.

    Said as text, not as the traceback itself: pytest would parse the source of every pandas
    module in it, which takes longer than the read.
    """
    frames = traceback.extract_tb(error.__traceback__)
    ours = [frame for frame in frames if f"{os.sep}reconcile{os.sep}" in frame.filename]
    where = f" (last in reconcile at {Path(ours[-1].filename).name}:{ours[-1].lineno}, {ours[-1].name})"
    shown = "".join(traceback.format_exception(error, limit=-8))
    return f"{type(error).__name__} escaped read_claims{where if ours else ''}: {error}\n{shown}"


def assert_good_error(error: rc.ReconcileError, claims: Path | pd.DataFrame) -> None:
    """An error has a problem and a hint, and names the file it is about."""
    assert error.problem.strip(), repr(error)
    assert error.hint.strip(), repr(error)
    if isinstance(claims, Path):
        assert getattr(error, "origin", None) == str(claims), (
            f"{type(error).__name__} ({error.reason}) does not name the file: {error} "
            f"(raised from {error.__cause__!r})"
        )


def read_error(claims: Path | pd.DataFrame, **options: Any) -> rc.ReconcileError:
    """The ReconcileError reading ``claims`` raises (checked as :func:`read` checks it)."""
    result = read(claims, **options)
    assert isinstance(result, rc.ReconcileError), f"read without an error:\n{result}"
    return result


def read_table(claims: Path | pd.DataFrame, **options: Any) -> pd.DataFrame:
    """The claims read from ``claims``, which must read."""
    result = read(claims, **options)
    assert isinstance(result, pd.DataFrame), f"{type(result).__name__}: {result}"
    return result


def said(error: rc.ReconcileError) -> str:
    return str(error)


def notes_of(claims: pd.DataFrame, reason: rc.Reason) -> list[rc.Note]:
    return [note for note in claims.attrs["notes"] if note.reason is reason]


def same_float(got: float, want: float) -> bool:
    """Equal to the last bit: the same float, with the same sign of zero."""
    return got == want and math.copysign(1.0, got) == math.copysign(1.0, want)


# ------------------------------------------------------------------------- 1. random bytes

PLAIN_HEADER = ["claim_id", "counts", "place", "as_of", "value", "unit", "source"]
PLAIN_ROWS: list[Row] = [
    ["a", "idps", "NA", "2016-11", 1.5, "person", "IOM"],
    ["b", "idps", "Mo, sul", "17/10/2016", 433412.0, "person", "UNHCR"],
]
HXL_HEADER = ["id", "what", "place", "date", "displaced", "unit", "source"]
HXL_TAGS = ["#meta+id", "#indicator+name", "#loc", "#date", "#indicator+num", "#meta+unit", "#meta+source"]


def _zip(members: dict[str, bytes]) -> bytes:
    """A zip archive of ``members`` in their order, deflated, with fixed dates (the same bytes each run)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def _workbook_members() -> dict[str, bytes]:
    book = openpyxl.Workbook()
    for row in [PLAIN_HEADER, *PLAIN_ROWS]:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    stamp = rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*"
    members["docProps/core.xml"] = re.sub(stamp, rb"\g<1>2020-01-01T00:00:00Z", members["docProps/core.xml"])
    return members


def _parquet_bytes() -> bytes:
    buffer = io.BytesIO()
    pq.write_table(
        pa.table({name: [row[i] for row in PLAIN_ROWS] for i, name in enumerate(PLAIN_HEADER)}), buffer
    )
    return buffer.getvalue()


WORKBOOK_MEMBERS = _workbook_members()
#: A valid file of each format, the same bytes on every run, for the fuzzer to break.
VALID_BYTES = {
    "csv": csv_bytes([PLAIN_HEADER, *PLAIN_ROWS]),
    "hxl": csv_bytes([HXL_HEADER, HXL_TAGS, *PLAIN_ROWS]),
    "json": json.dumps([dict(zip(PLAIN_HEADER, row, strict=True)) for row in PLAIN_ROWS]).encode(),
    "xlsx": _zip(WORKBOOK_MEMBERS),
    "parquet": _parquet_bytes(),
}
EXTENSION = {"csv": ".csv", "hxl": ".csv", "json": ".json", "xlsx": ".xlsx", "parquet": ".parquet"}
#: What a broken text file is likely to hold where it breaks.
TOKENS = [
    b'"', b",", b"\n", b"\r", b"\x00", b"#", b"#meta+id", b"'=1+1", b"\xef\xbb\xbf", b"\xff", b"\xed\xa0\x80",
    b"[", b"]", b"{", b"}", b":", b"null", b"true", b"NaN", b"-Infinity", b'"\\ud800"', b"1e400", b"-0.0",
    b"18446744073709551616", b"PK\x03\x04", b"PAR1",
]  # fmt: skip

#: How a file is broken: ``("bytes", data)`` replaces it; ``("edit", overwrites, inserts, cut)``
#: overwrites bytes, inserts tokens and cuts the end of the valid file; ``("part", name, overwrites,
#: inserts, cut)`` does so to one XML part of the workbook, zipped again.
Recipe = tuple[Any, ...]
positions = st.integers(min_value=0, max_value=2**16)
overwrites = st.lists(st.tuples(positions, st.integers(0, 255)), max_size=6)
inserts = st.lists(st.tuples(positions, st.sampled_from(TOKENS)), max_size=4)
cuts = st.none() | positions


#: Every recipe but the known crash of a format (see :data:`KNOWN_CRASHES`).
recipes: st.SearchStrategy[Recipe] = st.one_of(
    st.tuples(st.just("bytes"), st.binary(max_size=400)),
    st.tuples(st.just("edit"), overwrites, inserts, cuts),
    st.tuples(st.just("part"), st.sampled_from(sorted(WORKBOOK_MEMBERS)), overwrites, inserts, cuts),
)


def _edited(
    data: bytes, changes: Sequence[tuple[int, int]], added: Sequence[tuple[int, bytes]], cut: int | None
) -> bytes:
    edited = bytearray(data)
    for position, byte in changes:
        if edited:
            edited[position % len(edited)] = byte
    for position, token in added:
        at = position % (len(edited) + 1)
        edited[at:at] = token
    if cut is not None:
        del edited[cut % (len(edited) + 1) :]
    return bytes(edited)


def broken(kind: str, recipe: Recipe) -> bytes:
    """The bytes ``recipe`` makes of the valid file of ``kind``."""
    if recipe[0] == "bytes":
        return bytes(recipe[1])
    if recipe[0] == "known":
        return broken(kind, KNOWN_CRASHES.get(kind, ("edit", [], [], None)))
    if recipe[0] == "edit" or kind != "xlsx":  # a file of one part: the part is the file
        return _edited(VALID_BYTES[kind], *recipe[-3:])
    name = recipe[1]
    return _zip({**WORKBOOK_MEMBERS, name: _edited(WORKBOOK_MEMBERS[name], *recipe[2:])})


def _offsets(data: bytes, text: bytes) -> list[int]:
    return [match.start() for match in re.finditer(re.escape(text), data)]


# A crash of each format the fuzzer found at once, run first (the ``("known",)`` example) so that
# it stays fixed whatever the profile: a workbook whose workbook.xml is cut short (an XML
# ParseError escaped), and a Parquet file whose text 'person' holds a byte that is not UTF-8 (an
# ArrowException escaped). A format with no known crash reads its valid file there.
KNOWN_CRASHES: dict[str, Recipe] = {
    "xlsx": ("part", "xl/workbook.xml", [], [], 10),
    "parquet": ("edit", [(at, 0xFF) for at in _offsets(VALID_BYTES["parquet"], b"person")], [], None),
}


@pytest.mark.parametrize("kind", list(VALID_BYTES))
@settings(max_examples=BYTES_EXAMPLES)
@given(recipe=recipes)
@example(recipe=("known",))
def test_broken_bytes_raise_only_reconcile_errors_that_name_the_file(
    tmp_path_factory: pytest.TempPathFactory, kind: str, recipe: Recipe
) -> None:
    path = tmp_path_factory.getbasetemp() / f"broken{EXTENSION[kind]}"
    path.write_bytes(broken(kind, recipe))
    result = read(path, format="hxl" if kind == "hxl" else None)
    if isinstance(result, pd.DataFrame):  # the bytes were still a table: a claims table
        assert {"claim_id", "low", "value", "high"} <= set(result.columns)
    else:  # the file is there and may be read: whatever is wrong, it is not the path
        assert result.reason is not rc.Reason.CANNOT_OPEN, said(result)


# --------------------------------------------------------------------------- 2. random text

#: Any character a UTF-8 file can hold (no lone surrogates).
utf8_characters = st.characters(codec="utf-8")
#: Text a CSV file is made of, with its structure characters and hashtags far more often than chance.
csv_text = st.lists(
    st.sampled_from([",", '"', "\n", "\r", "\r\n", "#", "#meta+id", "#affected+idps", "'=", "1,234", "1e400"])
    | st.text(utf8_characters, max_size=6),
    max_size=40,
).map("".join)
#: The start of a file: nothing, a claims header, or a header and an HXL hashtag row.
file_heads = st.sampled_from(
    ["", ",".join(PLAIN_HEADER) + "\n", ",".join(HXL_HEADER) + "\n" + ",".join(HXL_TAGS) + "\n"]
)


@settings(max_examples=BYTES_EXAMPLES)
@given(head=file_heads, text=csv_text, hxl=st.booleans())
def test_random_text_as_a_csv_file_is_a_table_or_a_reconcile_error(
    tmp_path_factory: pytest.TempPathFactory, head: str, text: str, hxl: bool
) -> None:
    path = tmp_path_factory.getbasetemp() / "text.csv"
    path.write_bytes((head + text).encode("utf-8"))
    result = read(path, format="hxl" if hxl else None)
    if isinstance(result, pd.DataFrame):
        assert {"claim_id", "low", "value", "high"} <= set(result.columns)
        assert result["claim_id"].notna().all() and result["claim_id"].is_unique


# ------------------------------------------------------------- 2. random text in valid tables

#: The columns of the tables below; the text columns hold random text, the others valid values.
HEADER = ["claim_id", "counts", "place", "as_of", "value", "unit", "source", "via", "quote", "url"]
HASHTAGS = [
    "#meta+id", "#indicator+name", "#loc", "#date", "#indicator+num", "#meta+unit", "#meta+source",
    "#meta+via", "#description+quote", "#meta+url",
]  # fmt: skip
TEXT = ["place", "source", "via", "quote", "url"]
#: Text with the cells that trip readers up far more often than chance.
SPECIAL = [
    "", " ", "NA", "N/A", "None", "null", "nan", "NaN", "-", "..", "#N/A", "TRUE", "1e400", "0x10", "=1+1",
    "'=1+1", "''=x", "'-5", "+1", "@SUM(A1)", "\t=x", "'", '"', ",", "\n", "\r\n", "\r", "\x00", "\u200b",
    "\ufeff", "\u00ad", "\u202e", "\u2066", "e\u0301", "\u00e9", "\ufb01", "\u2028", "\x85", "\u3000",
    "#loc", "😀", "שלום", "مرحبا", "_x0041_", "\ud800", "\udfff",
]  # fmt: skip
#: What XML 1.0 (so a workbook) cannot hold: C0 controls but tab and line breaks, U+FFFE, U+FFFF.
NOT_XML = "".join(map(chr, [*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]))
#: The characters of each format's cells: no lone surrogate in a UTF-8 file, nothing XML cannot
#: hold in a workbook (openpyxl refuses it), anything at all in JSON escapes and a DataFrame.
CHARACTERS = {
    "csv": st.characters(codec="utf-8"),
    "hxl": st.characters(codec="utf-8"),
    "parquet": st.characters(codec="utf-8"),
    "xlsx": st.characters(codec="utf-8", exclude_characters=NOT_XML),
    "json": st.characters(),
    "frame": st.characters(),
}
FORMATS = list(CHARACTERS)


def holds(kind: str, text: str) -> bool:
    """Whether a cell of format ``kind`` can hold ``text``."""
    if kind in ("json", "frame"):
        return True
    return not re.search(f"[\ud800-\udfff{re.escape(NOT_XML) if kind == 'xlsx' else ''}]", text)


def texts(kind: str) -> st.SearchStrategy[str]:
    specials = [text for text in SPECIAL if holds(kind, text)]
    piece = st.sampled_from(specials) | st.text(CHARACTERS[kind], max_size=5)
    return st.lists(piece, max_size=4).map("".join)


def tables(kind: str) -> st.SearchStrategy[list[Row]]:
    """One to four rows, each a valid claim with random text cells (a blank ``value`` gives no figure)."""
    text = texts(kind)
    row = st.tuples(
        text,
        st.lists(st.none() | text, min_size=len(TEXT), max_size=len(TEXT)),
        st.none() | st.sampled_from([0.0, 1.5, 433412.0, 0.7333333333333334]),
    )

    def build(drawn: list[tuple[str, list[str | None], float | None]]) -> list[Row]:
        made: list[Row] = []
        for number, (name, cells, value) in enumerate(drawn):
            by_column = dict(zip(TEXT, cells, strict=True))
            fixed: dict[str, Cell] = {"counts": "idps", "as_of": "2016-11", "unit": "person", "value": value}
            # The digit keeps the ids distinct, and not blank, whatever the text before it.
            made.append(
                [f"{name}{number}" if c == "claim_id" else fixed.get(c, by_column.get(c)) for c in HEADER]
            )
        return made

    return st.lists(row, min_size=1, max_size=4).map(build)


def write_table(kind: str, folder: Path, rows: list[Row], *, ascii_only: bool = True) -> Path | pd.DataFrame:
    """The table in format ``kind``, written as another program would write it."""
    if kind == "csv":
        return write_csv(folder / "cells.csv", [HEADER, *rows])
    if kind == "hxl":
        return write_csv(folder / "cells.csv", [HEADER, HASHTAGS, *rows])
    if kind == "json":
        return write_json(folder / "cells.json", HEADER, rows, ascii_only=ascii_only)
    if kind == "xlsx":
        return write_xlsx(folder / "cells.xlsx", [HEADER, *rows])
    if kind == "parquet":
        return write_parquet(folder / "cells.parquet", HEADER, rows)
    return frame_of(HEADER, rows)


#: The file line of a table's row 0 (an HXL file has its hashtag row on line 2).
FIRST_LINE = {"csv": 2, "hxl": 3, "json": 2, "xlsx": 2, "parquet": 2}
_QUOTED_FORMULA = re.compile(r"^'(?='*[=+\-@\t\r])")


def as_read(kind: str, cell: Cell) -> str | None:
    """What a text cell must read as: the text, but for what the reader documents it changes.

    A spreadsheet's XML keeps no carriage return (the workbook's, not the reader's doing); a
    quote that neutralises a formula is taken off in CSV, HXL and Excel; invisible and control
    characters are removed; the text is put in normal form C and stripped; only what is then
    empty is missing.
    """
    if not isinstance(cell, str):
        return None
    text = re.sub(r"\r\n?", "\n", cell) if kind == "xlsx" else cell
    if kind in ("csv", "hxl", "xlsx") and _QUOTED_FORMULA.match(text):
        text = text[1:]
    text = unicodedata.normalize("NFC", re.sub(INVISIBLE, "", text)).strip()
    return text or None


def loses_characters(kind: str, cell: Cell) -> bool:
    """Whether the reader removes invisible characters from ``cell`` (an HXL reader strips first)."""
    if not isinstance(cell, str):
        return False
    return bool(re.search(INVISIBLE, cell.strip() if kind == "hxl" else cell))


def surrogates(rows: list[Row]) -> bool:
    return any(isinstance(cell, str) and re.search("[\ud800-\udfff]", cell) for row in rows for cell in row)


def check_nothing_lost(kind: str, rows: list[Row], claims: pd.DataFrame) -> None:
    """Every row is a claim (by its id) or named in the note of skipped rows; no text cell is lost."""
    at = {name: HEADER.index(name) for name in HEADER}
    figured = [number for number, row in enumerate(rows) if row[at["value"]] is not None]
    skipped = [number for number, row in enumerate(rows) if row[at["value"]] is None]
    ids = [as_read(kind, rows[number][at["claim_id"]]) for number in figured]
    assert sorted(map(str, claims["claim_id"])) == sorted(map(str, ids))
    notes = notes_of(claims, rc.Reason.NO_FIGURE)
    if skipped:
        assert len(notes) == 1 and notes[0].count == len(skipped), claims.attrs["notes"]
        if kind != "frame":  # a file's rows by their lines; a DataFrame's by their index, in the text
            assert notes[0].lines == tuple(FIRST_LINE[kind] + number for number in skipped)
    else:
        assert not notes, notes
    by_id = {str(claim["claim_id"]): claim for claim in claims.to_dict(orient="records")}
    for number, claim_id in zip(figured, ids, strict=True):
        for column in TEXT:
            cell = rows[number][at[column]]
            want = as_read(kind, cell)
            got = by_id[str(claim_id)].get(column)
            if want is None:
                assert got is None or pd.isna(got), f"{column}: {cell!r} read as {got!r}"
            else:
                assert got == want, f"{column}: {cell!r} read as {got!r}, not {want!r}"
    # Characters removed are said, column by column, with the number of cells (of every row;
    # an HXL file's rows without a figure are dropped before its cells are cleaned).
    label = dict(zip(HEADER, HASHTAGS, strict=True)) if kind == "hxl" else {name: name for name in HEADER}
    counted = {note.column: note.count for note in notes_of(claims, rc.Reason.INVISIBLE_CHARACTERS)}
    cleaned = [rows[number] for number in figured] if kind == "hxl" else rows
    for column in ["claim_id", *TEXT]:
        changed = sum(loses_characters(kind, row[at[column]]) for row in cleaned)
        assert counted.get(label[column], 0) == changed, (column, claims.attrs["notes"])


@pytest.mark.parametrize("kind", FORMATS)
@settings(max_examples=FILE_EXAMPLES)
@given(data=st.data())
def test_random_text_cells_read_as_written_and_no_row_is_lost(
    tmp_path_factory: pytest.TempPathFactory, kind: str, data: st.DataObject
) -> None:
    rows = data.draw(tables(kind), label="rows")
    ascii_only = (
        data.draw(st.booleans(), label="ascii_only") if kind == "json" and not surrogates(rows) else True
    )
    claims = write_table(kind, tmp_path_factory.getbasetemp(), rows, ascii_only=ascii_only)
    result = read(claims)
    if surrogates(rows):  # half a UTF-16 pair is not text: refused
        assert isinstance(result, rc.ClaimsError), result
        return
    assert isinstance(result, pd.DataFrame), f"a valid table is refused: {result}"
    check_nothing_lost(kind, rows, result)


# ---------------------------------------------------------------- 3. adversarial: headers


def claim_row(**cells: Cell) -> Row:
    """A valid row of :data:`PLAIN_HEADER`, with ``cells`` in place of its own."""
    row = dict(zip(PLAIN_HEADER, PLAIN_ROWS[0], strict=True))
    row.update(cells)
    return [row[name] for name in PLAIN_HEADER]


def plain_file(kind: str, folder: Path, header: Sequence[str], rows: Sequence[Row]) -> Path:
    if kind == "xlsx":
        return write_xlsx(folder / "claims.xlsx", [header, *rows])
    return write_csv(folder / "claims.csv", [header, *rows])


def names_the_cell(error: rc.ReconcileError, cell: str, column: str, line: int) -> bool:
    """Whether the error says where: the spreadsheet cell (``E2``), or the column and the line."""
    text = said(error)
    return cell in text or (
        column in text and (f"line {line}" in text or getattr(error, "line", None) == line)
    )


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
@pytest.mark.parametrize("second", ["value", " value", "value "])
def test_a_header_naming_a_column_twice_is_refused_naming_it_on_line_1(
    tmp_path: Path, kind: str, second: str
) -> None:
    path = plain_file(kind, tmp_path, [*PLAIN_HEADER, second], [[*claim_row(), 2.5]])
    error = read_error(path)
    assert error.reason is rc.Reason.REPEATED_COLUMN
    assert "'value'" in said(error) and getattr(error, "line", None) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("value", "value\u200b"),
        ("value", "\ufeffvalue"),
        ("value", "val\u00adue"),
        ("caf\u00e9", "cafe\u0301"),
    ],
    ids=["zero-width-space", "bom", "soft-hyphen", "nfd"],
)
def test_a_header_naming_a_column_twice_behind_invisible_characters_is_refused(
    tmp_path: Path, first: str, second: str
) -> None:
    header = [*PLAIN_HEADER, *([first] if first not in PLAIN_HEADER else []), second]
    row = [*claim_row(), *(["x"] if first not in PLAIN_HEADER else []), "2.5"]
    error = read_error(write_csv(tmp_path / "claims.csv", [header, row]))
    assert error.reason is rc.Reason.REPEATED_COLUMN


def test_an_hxl_hashtag_over_two_columns_is_refused_naming_it_on_line_2(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "claims.csv",
        [["id", "a", "b"], ["#meta+id", "#affected+idps", "#affected+idps"], ["a", "1", "2"]],
    )
    error = read_error(path)
    assert error.reason is rc.Reason.REPEATED_HASHTAG
    assert "#affected+idps" in said(error) and "line 2" in said(error)


FORMULA = '=HYPERLINK("http://example.com","click")'


@pytest.mark.parametrize("written", [FORMULA, "'" + FORMULA])
def test_a_formula_in_a_csv_header_is_a_column_of_that_name(tmp_path: Path, written: str) -> None:
    path = write_csv(tmp_path / "claims.csv", [[*PLAIN_HEADER, written], [*claim_row(), FORMULA]])
    claims = read_table(path)
    # The quote a writer puts in front of a formula is taken off, as it is from cells.
    assert claims[FORMULA].tolist() == [FORMULA]


@pytest.mark.parametrize(
    ("cell", "column", "line"),
    [("E2", "value", 2), ("C2", "place", 2), ("H1", "=HYPERLINK", 1)],
)
def test_an_excel_formula_without_a_cached_value_is_an_error_naming_its_cell(
    tmp_path: Path, cell: str, column: str, line: int
) -> None:
    def formula(sheet: Any) -> None:
        sheet[cell] = FORMULA if line == 1 else "=1+1"  # openpyxl writes a formula with no value

    path = write_xlsx(tmp_path / "claims.xlsx", [[*PLAIN_HEADER, "note"], [*claim_row(), "x"]], formula)
    error = read_error(path)
    assert names_the_cell(error, cell, column, line), said(error)


def test_an_excel_formula_with_a_cached_value_reads_as_that_value(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "claims.xlsx", [PLAIN_HEADER, claim_row(value=0.0)])
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    members[sheet], found = re.subn(
        rb'<c r="E2"[^>]*>.*?</c>', b'<c r="E2"><f>1+1</f><v>2</v></c>', members[sheet]
    )
    assert found == 1
    path.write_bytes(_zip(members))
    assert read_table(path)["value"].tolist() == [2.0]


@pytest.mark.parametrize(("merged", "column"), [("C2:C4", "place"), ("E2:E4", "value")])
def test_merged_excel_cells_give_every_row_the_value_or_an_error_naming_them(
    tmp_path: Path, merged: str, column: str
) -> None:
    rows = [claim_row(claim_id=name) for name in "abc"]
    path = write_xlsx(
        tmp_path / "claims.xlsx", [PLAIN_HEADER, *rows], lambda sheet: sheet.merge_cells(merged)
    )
    result = read(path)
    if isinstance(result, rc.ReconcileError):
        assert merged in said(result), said(result)
        return
    assert result["claim_id"].tolist() == ["a", "b", "c"]
    assert result[column].tolist() == [rows[0][PLAIN_HEADER.index(column)]] * 3, result[["claim_id", column]]


@pytest.mark.parametrize(("cell", "column", "shown"), [("E2", "value", "#DIV/0!"), ("C2", "place", "#N/A")])
def test_an_excel_error_cell_is_an_error_naming_its_cell(
    tmp_path: Path, cell: str, column: str, shown: str
) -> None:
    def error_cell(sheet: Any) -> None:
        sheet[cell] = shown  # openpyxl stores these as error cells (t="e")

    error = read_error(write_xlsx(tmp_path / "claims.xlsx", [PLAIN_HEADER, claim_row()], error_cell))
    assert names_the_cell(error, cell, column, 2), said(error)


# --------------------------------------------------------------- 3. adversarial: numbers


class Printed(str):
    """A number as a file prints it: unquoted in CSV and JSON, a number cell in a workbook."""

    __slots__ = ()


def value_file(kind: str, folder: Path, *values: object) -> Path | pd.DataFrame:
    """A table of one claim per value (ids ``a``, ``b`` ...), each ``value`` cell as ``kind`` holds it."""
    at = PLAIN_HEADER.index("value")
    rows: list[list[Any]] = [
        claim_row(claim_id="abcdef"[number], value=None) for number in range(len(values))
    ]
    if kind in ("csv", "hxl"):
        for row, value in zip(rows, values, strict=True):
            row[at] = (
                value if isinstance(value, str) else repr(value) if isinstance(value, float) else str(value)
            )
        return write_csv(folder / "value.csv", [PLAIN_HEADER, *([HXL_TAGS] if kind == "hxl" else []), *rows])
    if kind == "json":
        records = [dict(zip(PLAIN_HEADER, row, strict=True)) for row in rows]
        for number, record in enumerate(records):
            record["value"] = f"__value{number}__"
        text = json.dumps(records)
        for number, value in enumerate(values):
            shown = value if isinstance(value, Printed) else json.dumps(value)
            text = text.replace(f'"__value{number}__"', shown)
        (folder / "value.json").write_text(text, encoding="utf-8")
        return folder / "value.json"
    if kind == "xlsx":
        for row, value in zip(rows, values, strict=True):
            row[at] = None if isinstance(value, Printed) else value

        def numbers(sheet: Any) -> None:
            for number, value in enumerate(values, start=2):
                if isinstance(value, Printed):
                    sheet.cell(row=number, column=at + 1).value = str(value)
                    sheet.cell(row=number, column=at + 1).data_type = "n"

        return write_xlsx(folder / "value.xlsx", [PLAIN_HEADER, *rows], numbers)
    cells = [float(value) if isinstance(value, Printed) else value for value in values]
    if kind == "parquet":
        columns: dict[str, Any] = {name: [row[i] for row in rows] for i, name in enumerate(PLAIN_HEADER)}
        columns["value"] = cells
        pq.write_table(pa.table(columns), folder / "value.parquet")
        return folder / "value.parquet"
    mixed = any(isinstance(cell, str | int) for cell in cells)
    return frame_of(PLAIN_HEADER, rows).assign(value=pd.Series(cells, dtype=object if mixed else None))


#: Numbers at the edges of a float, as a file prints them, and the float each must read as.
EDGE_NUMBERS: list[tuple[object, float]] = [
    (Printed("18446744073709551616"), float(2**64)),
    (Printed("-0.0"), -0.0),
    (Printed("5e-324"), 5e-324),
    (Printed("0.7333333333333334"), 0.7333333333333334),
    (Printed("1e300"), 1e300),
    ("1e-400", 0.0),  # text that is a number too small for a float: 0, as float() reads it
]


@pytest.mark.parametrize("kind", FORMATS)
def test_numbers_at_the_edge_of_a_float_read_as_the_nearest_float(tmp_path: Path, kind: str) -> None:
    # One claim per number; a Parquet column holds numbers only (no text among them).
    cases = [(value, want) for value, want in EDGE_NUMBERS if kind != "parquet" or isinstance(value, Printed)]
    claims = read_table(value_file(kind, tmp_path, *(value for value, _ in cases)))
    wrong = [
        (str(value), got, want)
        for (value, want), got in zip(cases, claims["value"].tolist(), strict=True)
        # A spreadsheet has no negative zero (Excel shows -0 as 0): there the sign may go.
        if not (same_float(got, want) or (kind == "xlsx" and got == want))
    ]
    assert not wrong, wrong


@pytest.mark.parametrize("kind", ["csv", "hxl", "json", "xlsx"])
def test_a_number_too_large_for_a_float_is_an_error_naming_the_value_and_line(
    tmp_path: Path, kind: str
) -> None:
    error = read_error(value_file(kind, tmp_path, Printed("1e400")))
    label = "#indicator+num" if kind == "hxl" else "value"
    assert label in said(error) and f"line {FIRST_LINE[kind]}" in said(error), said(error)


@pytest.mark.parametrize("kind", FORMATS)
@pytest.mark.parametrize("truth", [True, False])
def test_a_boolean_in_a_number_column_is_an_error_naming_the_value_and_line(
    tmp_path: Path, kind: str, truth: bool
) -> None:
    # Beside a number, as a spreadsheet column mixes them; a Parquet column holds booleans only.
    claims = value_file(kind, tmp_path, truth, *([not truth] if kind == "parquet" else [2.5]))
    error = read_error(claims)
    where = "row 0" if kind == "frame" else f"line {FIRST_LINE[kind]}"
    label = "#indicator+num" if kind == "hxl" else "value"
    assert label in said(error) and where in said(error), said(error)


# ------------------------------------------------------- 3. adversarial: NUL and long cells


def place_file(kind: str, folder: Path, place: str) -> Path | pd.DataFrame:
    """A one-claim table of :data:`HEADER` whose ``place`` is ``place``."""
    row: Row = ["a", "idps", place, "2016-11", 1.5, "person", "IOM", None, None, None]
    return write_table(kind, folder, [row], ascii_only=False)


@pytest.mark.parametrize("kind", ["csv", "hxl", "json", "parquet", "frame"])  # no workbook holds a NUL
def test_a_nul_character_is_removed_and_said_in_a_note_naming_column_and_line(
    tmp_path: Path, kind: str
) -> None:
    claims = read_table(place_file(kind, tmp_path, "Mo\x00sul\x00"))
    assert claims["place"].tolist() == ["Mosul"]
    (note,) = notes_of(claims, rc.Reason.INVISIBLE_CHARACTERS)
    assert note.column == ("#loc" if kind == "hxl" else "place") and note.count == 1
    if kind not in ("hxl", "frame"):  # an HXL file's notes name its claims' rows, a DataFrame's its index
        assert note.lines == (FIRST_LINE[kind],)


def test_a_nul_character_in_a_header_is_an_error_naming_the_file(tmp_path: Path) -> None:
    header = ["claim_id", "counts", "pl\x00ace", "as_of", "value", "unit", "source"]
    read_error(write_csv(tmp_path / "claims.csv", [header, claim_row()]))


#: 200,000 characters that CSV must quote (commas, quotes, line breaks) and that no reader may cut.
LONG = ('Mosul, "old city"\n' * 11_112)[:199_999] + "!"


@pytest.mark.parametrize(
    "kind",
    FORMATS,
)
def test_a_cell_of_200000_characters_reads_whole(tmp_path: Path, kind: str) -> None:
    claims = read_table(place_file(kind, tmp_path, LONG))
    assert len(LONG) == 200_000 and claims["place"].tolist() == [LONG]


# ------------------------------------------------------------------ 3. adversarial: JSON


def json_file(folder: Path, text: str) -> Path:
    path = folder / "claims.json"
    path.write_text(text, encoding="utf-8")
    return path


RECORD = (
    '"claim_id": "a", "counts": "idps", "place": "Mosul", '
    '"as_of": "2016-11", "unit": "person", "source": "IOM"'
)


#: JSON that is not a list of records, and the word its error must say where one record is wrong.
NOT_RECORDS = {
    "numbers": ("[1, 2.5, null]", None),
    "null": ("[null]", None),
    "lists": ("[[1, 2], [3]]", None),
    "strings": ('["claim_id"]', None),
    "object": ('{"claim_id": "a", "value": 1}', None),
    "number": ("42", None),
    "string": ('"claims"', None),
    "json-null": ("null", None),
    "list-cell": ("[{" + RECORD + ', "value": [1, 2]}]', "record 0"),
    "object-cell": ("[{" + RECORD + ', "value": {"low": 1, "high": 2}}]', "record 0"),
    "nested-object": ('[{"claim_id": {"a": {"b": {"c": 1}}}, "value": 1}]', "record 0"),
    "unclosed": ("[{" + RECORD + ', "value": 1}', None),
    "empty": ("", None),
}


@pytest.mark.parametrize(("text", "where"), list(NOT_RECORDS.values()), ids=list(NOT_RECORDS))
def test_json_that_is_not_a_list_of_records_is_an_error_naming_the_file(
    tmp_path: Path, text: str, where: str | None
) -> None:
    error = read_error(json_file(tmp_path, text))
    assert error.reason is rc.Reason.NOT_A_TABLE
    assert where is None or where in said(error), said(error)


def test_json_nested_ten_thousand_deep_is_an_error_naming_the_file(tmp_path: Path) -> None:
    read_error(json_file(tmp_path, "[" * 10_000 + "]" * 10_000))


def test_a_json_record_giving_a_key_twice_is_refused_like_a_repeated_header(tmp_path: Path) -> None:
    error = read_error(json_file(tmp_path, "[{" + RECORD + ', "value": 1, "value": 2}]'))
    assert "value" in said(error)


def test_a_json_key_given_twice_is_named_with_its_record(tmp_path: Path) -> None:
    text = "[{" + RECORD + ', "value": 1}, {' + RECORD + ', "value": 1, "value": 2}]'
    error = read_error(json_file(tmp_path, text))
    assert error.reason is rc.Reason.REPEATED_COLUMN
    assert "'value'" in said(error) and "record 1" in said(error), said(error)


@pytest.mark.parametrize("same_record", [True, False], ids=["one-record", "two-records"])
@pytest.mark.parametrize(
    "second", ["value\u200b", "\ufeffvalue", " value"], ids=["zero-width", "bom", "space"]
)
def test_json_keys_that_read_as_one_name_are_refused(tmp_path: Path, second: str, same_record: bool) -> None:
    first = json.loads("{" + RECORD + ', "value": 1}')
    other = {**first, "claim_id": "b"}
    (first if same_record else other).update({second: 2})
    error = read_error(json_file(tmp_path, json.dumps([first, other])))
    assert error.reason is rc.Reason.REPEATED_COLUMN and "'value'" in said(error), said(error)


def test_a_json_float_under_a_text_column_reads_as_its_exact_text(tmp_path: Path) -> None:
    records = [json.loads("{" + RECORD + ', "value": 1}') for _ in range(2)]
    records[0].update(claim_id=0.1 + 0.2)
    records[1].update(claim_id="b", place=None)
    claims = read_table(json_file(tmp_path, json.dumps(records)))
    assert claims["claim_id"].tolist() == ["0.30000000000000004", "b"]


def test_a_json_number_under_a_text_column_reads_as_its_own_text(tmp_path: Path) -> None:
    records = [
        {
            "claim_id": 7,
            "counts": "idps",
            "place": 12,
            "as_of": 2016,
            "value": 1,
            "unit": "person",
            "source": "x",
        },
        {
            "claim_id": "b",
            "counts": "idps",
            "place": None,
            "as_of": None,
            "value": 2,
            "unit": "person",
            "source": "x",
        },
    ]
    claims = read_table(json_file(tmp_path, json.dumps(records)))
    assert claims["claim_id"].tolist() == ["7", "b"]
    assert claims["place"].tolist()[0] == "12" and claims["as_of"].tolist()[0] == "2016"


@pytest.mark.parametrize("column", ["place", "claim_id", "value"])
def test_a_lone_surrogate_in_json_is_an_error_naming_its_column_and_record(
    tmp_path: Path, column: str
) -> None:
    record = json.loads("{" + RECORD + ', "value": 1}')
    record[column] = "Mosul\ud800"
    error = read_error(json_file(tmp_path, json.dumps([record])))
    assert isinstance(error, rc.ClaimsError) and column in said(error) and "line 2" in said(error), said(
        error
    )


def test_a_lone_surrogate_in_a_dataframe_is_an_error_naming_its_column_and_row() -> None:
    frame = frame_of(PLAIN_HEADER, [claim_row(place="Mosul\ud800"), claim_row(claim_id="b")])
    error = read_error(frame)
    assert "place" in said(error) and "row 0" in said(error) and "row 1" not in said(error)


# --------------------------------------------------------------- 3. adversarial: Parquet


def parquet_file(folder: Path, **columns: pa.Array) -> Path:
    """A one-claim Parquet file of :data:`PLAIN_HEADER`, with ``columns`` in place of its own."""
    table = {name: pa.array([cell]) for name, cell in zip(PLAIN_HEADER, claim_row(claim_id="a"), strict=True)}
    table.update(columns)
    pq.write_table(pa.table(table), folder / "claims.parquet")
    return folder / "claims.parquet"


def unchecked_strings(*cells: bytes) -> pa.Array:
    """A Parquet string column holding ``cells`` as they are, UTF-8 or not (as a broken writer leaves it)."""
    offsets = np.cumsum([0, *map(len, cells)]).astype(np.int32)
    buffers = [None, pa.py_buffer(offsets.tobytes()), pa.py_buffer(b"".join(cells))]
    return pa.Array.from_buffers(pa.string(), len(cells), buffers)


def test_parquet_binary_that_is_utf8_reads_as_text(tmp_path: Path) -> None:
    claims = read_table(parquet_file(tmp_path, place=pa.array([b"Mossoul"], pa.binary())))
    assert claims["place"].tolist() == ["Mossoul"]


@pytest.mark.parametrize(
    ("column", "cells"),
    [
        pytest.param("place", pa.array([b"Mo\xffsul"], pa.binary()), id="binary-place"),
        pytest.param("value", pa.array([b"\xff"], pa.binary()), id="binary-value"),
        # A string column holding bytes that are not UTF-8 (pyarrow does not check them on read).
        pytest.param("place", unchecked_strings(b"Mo\xffsul"), id="string-place"),
        pytest.param("unit", unchecked_strings(b"pers\xf0n"), id="string-unit"),
    ],
)
def test_parquet_bytes_that_are_not_utf8_are_an_error_naming_the_column_and_line(
    tmp_path: Path, column: str, cells: pa.Array
) -> None:
    error = read_error(parquet_file(tmp_path, **{column: cells}))
    assert column in said(error) and "line 2" in said(error), said(error)


@pytest.mark.parametrize("cells", [pa.array([[1, 2]]), pa.array([{"a": 1}])], ids=["list", "struct"])
def test_a_parquet_list_in_a_text_column_is_an_error_as_in_json(tmp_path: Path, cells: pa.Array) -> None:
    error = read_error(parquet_file(tmp_path, place=cells))
    assert "place" in said(error)


def test_a_parquet_list_in_a_figure_column_is_an_error_naming_its_line(tmp_path: Path) -> None:
    path = tmp_path / "claims.parquet"
    rows = [claim_row(claim_id=name) for name in "abc"]
    table = pa.table({name: [row[i] for row in rows] for i, name in enumerate(PLAIN_HEADER)})
    pq.write_table(table.set_column(4, "value", pa.array([None, None, [1.0, 2.0]])), path)
    error = read_error(path)
    assert "'value'" in said(error) and "line 4" in said(error), said(error)


@pytest.mark.parametrize("second", ["value", "value\u200b", "val\u00adue"])
def test_a_parquet_file_naming_a_column_twice_is_refused_naming_it(tmp_path: Path, second: str) -> None:
    columns = [pa.array([cell]) for cell in claim_row()]
    table = pa.Table.from_arrays([*columns, pa.array([2.5])], names=[*PLAIN_HEADER, second])
    pq.write_table(table, tmp_path / "claims.parquet")
    error = read_error(tmp_path / "claims.parquet")
    assert error.reason is rc.Reason.REPEATED_COLUMN and "'value'" in said(error), said(error)


def test_a_parquet_file_that_is_not_there_cannot_be_opened(tmp_path: Path) -> None:
    assert read_error(tmp_path / "claims.parquet").reason is rc.Reason.CANNOT_OPEN


# ------------------------------------------------------------- 3. adversarial: DataFrames


def test_a_dataframe_naming_a_column_twice_is_an_error_naming_it() -> None:
    frame = frame_of(PLAIN_HEADER, [claim_row()])
    twice = pd.concat([frame, frame[["place"]]], axis=1)
    error = read_error(twice)
    assert "place" in said(error)


def test_dataframe_columns_that_read_as_one_name_are_refused() -> None:
    frame = frame_of(PLAIN_HEADER, [claim_row()]).assign(**{"value\u200b": [2.5]})
    error = read_error(frame)
    assert error.reason is rc.Reason.REPEATED_COLUMN and "'value'" in said(error), said(error)


def test_bytes_that_are_not_utf8_in_a_dataframe_are_an_error_naming_the_column() -> None:
    frame = frame_of(PLAIN_HEADER, [claim_row()]).assign(place=pd.Series([b"Mo\xffsul"], dtype=object))
    assert "place" in said(read_error(frame))


def test_a_complex_number_is_not_a_figure() -> None:
    frame = frame_of(PLAIN_HEADER, [claim_row()]).assign(value=[1 + 2j])
    assert "value" in said(read_error(frame))


def test_a_complex_number_is_an_error_naming_its_row_even_without_an_imaginary_part() -> None:
    # A complex column without a figure in a row gives no figure there, as a float column's NaN.
    frame = frame_of(PLAIN_HEADER, [claim_row(), claim_row(claim_id="b")]).assign(value=[np.nan, 3 + 0j])
    error = read_error(frame)
    assert "value" in said(error) and "row 1" in said(error) and "row 0" not in said(error), said(error)


# --------------------------------------------------------- 3. adversarial: broken containers


def _patched(
    members: dict[str, bytes], name: str, *, method: int | None = None, garbage: bool = False
) -> bytes:
    """The workbook zipped, with part ``name``'s compression method set to ``method`` or its data garbled."""
    data = bytearray(_zip(members))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo(name)
    if garbage:  # deflate block type 3 does not exist: zlib.error
        name_length, extra_length = np.frombuffer(
            bytes(data[info.header_offset + 26 : info.header_offset + 30]), "<u2"
        )
        start = info.header_offset + 30 + int(name_length) + int(extra_length)
        data[start : start + 4] = b"\xff\xff\xff\xff"
    if method is not None:  # the central directory says how a part is compressed
        at = data.find(b"PK\x01\x02")
        while at >= 0:
            length = int(np.frombuffer(bytes(data[at + 28 : at + 30]), "<u2")[0])
            if data[at + 46 : at + 46 + length] == name.encode():
                data[at + 10 : at + 12] = np.array([method], "<u2").tobytes()
            at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def _without(name: str) -> bytes:
    return _zip({part: data for part, data in WORKBOOK_MEMBERS.items() if part != name})


def _replaced(name: str, old: bytes, new: bytes) -> bytes:
    return _zip({**WORKBOOK_MEMBERS, name: WORKBOOK_MEMBERS[name].replace(old, new)})


BROKEN_WORKBOOKS = {
    "not-a-zip": (b"claim_id,value\na,1\n", None),
    "truncated-zip": (VALID_BYTES["xlsx"][:-200], None),
    "no-workbook-part": (_without("xl/workbook.xml"), None),
    "no-sheet-part": (_without("xl/worksheets/sheet1.xml"), None),
    "workbook-xml-cut": (_zip({**WORKBOOK_MEMBERS, "xl/workbook.xml": b"<workbook"}), None),
    "sheet-not-xml-1.0": (
        _replaced("xl/worksheets/sheet1.xml", b"<t>Mo, sul</t>", "<t>Mo\uffffsul</t>".encode()),
        None,
    ),
    "unknown-attribute": (
        _replaced("xl/workbook.xml", b"showHorizontalScroll", b"showHorizontalSxroll"),
        None,
    ),
    "deflate-garbage": (_patched(WORKBOOK_MEMBERS, "xl/workbook.xml", garbage=True), None),
    "compression-method": (_patched(WORKBOOK_MEMBERS, "xl/workbook.xml", method=6), None),
}


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(data, id=name, marks=[pytest.mark.xfail(strict=True, reason=why)] if why else [])
        for name, (data, why) in BROKEN_WORKBOOKS.items()
    ],
)
def test_a_broken_workbook_is_a_claims_error_naming_the_file(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "claims.xlsx"
    path.write_bytes(data)
    error = read_error(path)
    assert isinstance(error, rc.ClaimsError)


def test_a_corrupt_parquet_file_is_not_a_file_that_cannot_be_opened(tmp_path: Path) -> None:
    path = tmp_path / "claims.parquet"
    reasons = []
    for position in range(4, 9):  # the first page header, right after the magic bytes
        path.write_bytes(
            _edited(VALID_BYTES["parquet"], [(position, VALID_BYTES["parquet"][position] ^ 0xFF)], [], None)
        )
        result = read(path)
        reasons.append(result.reason if isinstance(result, rc.ReconcileError) else None)
    assert rc.Reason.CANNOT_OPEN not in reasons, reasons


def test_a_parquet_file_with_broken_pandas_metadata_is_a_claims_error_naming_the_file(tmp_path: Path) -> None:
    table = pa.table({name: [cell] for name, cell in zip(PLAIN_HEADER, claim_row(), strict=True)})
    table = table.replace_schema_metadata({b"pandas": json.dumps({"columns": []}).encode()})
    pq.write_table(table, tmp_path / "claims.parquet")
    assert isinstance(read_error(tmp_path / "claims.parquet"), rc.ClaimsError)


# ------------------------------------------------------------------------ 4. round trips

#: Floats that lose their last bit, or their sign, where a writer is careless.
EXACT_FLOATS = [
    0.7333333333333334, 5e-324, 1e300, -0.0, 0.1 + 0.2, 2.0**53 + 2, 1.7976931348623157e308,
    2.2250738585072014e-308, -1e-300, 123456789.12345679, 1 / 3,
]  # fmt: skip
#: Text that a reader or a spreadsheet may take for something else.
EXACT_TEXTS = [
    "NA", "None", "null", "nan", "N/A", "-", "..", "=1+1", "'", "'=x", "''=x", "+1", "-5", "@SUM(A1)",
    '=HYPERLINK("http://example.com")', "😀", "שלום עולם", "مرحبا بالعالم", "#N/A", "TRUE", "_x0041_",
    "a\tb", "line\nbreak", "cr\rlf", "1e400", "inf", "#loc", '"quoted", comma', "e\u0301", "\u00a0x",
]  # fmt: skip
ROUND_TRIP_FORMATS = ["csv", "hxl", "json", "xlsx", "parquet"]
#: Texts openpyxl stores as Excel error cells: see test_excel_error_codes_round_trip_as_text.
EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A")
#: A row: (id text, [place, source, via, quote, url], (low, value, high)).
TripRow = tuple[str, list[str | None], tuple[float, float, float]]


@st.composite
def ranges(draw: st.DrawFn) -> tuple[float, float, float]:
    """``low <= value <= high``, the value finite, an end possibly open (infinite)."""
    number = st.sampled_from(EXACT_FLOATS) | st.floats(allow_nan=False, allow_infinity=False)
    low, value, high = sorted(draw(st.lists(number, min_size=3, max_size=3)))
    low = -math.inf if draw(st.booleans()) and draw(st.booleans()) else low
    high = math.inf if draw(st.booleans()) and draw(st.booleans()) else high
    return low, value, high


trip_texts = st.sampled_from(EXACT_TEXTS) | st.text(st.characters(codec="utf-8"), max_size=12)
trip_rows = st.lists(
    st.tuples(trip_texts, st.lists(st.none() | trip_texts, min_size=len(TEXT), max_size=len(TEXT)), ranges()),
    min_size=1,
    max_size=3,
)


def trip_frame(rows: list[TripRow]) -> pd.DataFrame:
    """A claims table of ``rows``, in a unit that may be negative (mass), each end given."""
    records = []
    for number, (name, cells, (low, value, high)) in enumerate(rows):
        record: dict[str, Any] = {"claim_id": f"{name}{number}", "counts": "cargo", "as_of": "2016-11"}
        record.update(low=low, value=value, high=high, unit="kilogram", **dict(zip(TEXT, cells, strict=True)))
        records.append(record)
    return pd.DataFrame.from_records(records).astype(dict.fromkeys(["claim_id", *TEXT], object))


def assert_same_claims(kind: str, back: pd.DataFrame, written: pd.DataFrame) -> None:
    """Every float to the last bit, every text as written (a workbook keeps no carriage return)."""
    assert len(back) == len(written)
    for end in ("low", "value", "high"):
        for got, want in zip(back[end].tolist(), written[end].tolist(), strict=True):
            # -0.0 through a workbook: see test_negative_zero_round_trips_through_every_format.
            assert same_float(got, want) or (kind == "xlsx" and got == want == 0), (end, got, want)
    for column in ["claim_id", "counts", "as_of", "unit", *TEXT]:
        for got, want in zip(back[column].tolist(), written[column].tolist(), strict=True):
            if kind == "xlsx" and want in EXCEL_ERRORS:
                continue
            if pd.isna(want):
                assert pd.isna(got), (column, got)
            else:
                assert got == (re.sub(r"\r\n?", "\n", want) if kind == "xlsx" else want), (column, got, want)


@settings(max_examples=TRIP_EXAMPLES)
@given(rows=trip_rows)
@example(
    rows=[
        (text, [text] * len(TEXT), (-math.inf, number, math.inf))
        for text, number in zip(EXACT_TEXTS, itertools.cycle(EXACT_FLOATS))
    ]
)
def test_written_claims_read_back_to_the_last_bit_and_letter(
    tmp_path_factory: pytest.TempPathFactory, rows: list[TripRow]
) -> None:
    written = rc.read_claims(trip_frame(rows))
    folder = tmp_path_factory.getbasetemp()
    for kind in ROUND_TRIP_FORMATS:
        path = folder / f"trip{EXTENSION[kind]}"
        rc.write_claims(written, path, format=kind)
        assert_same_claims(kind, rc.read_claims(path), written)


@pytest.mark.parametrize(
    "kind",
    ROUND_TRIP_FORMATS,
)
def test_negative_zero_round_trips_through_every_format(tmp_path: Path, kind: str) -> None:
    written = rc.read_claims(trip_frame([("a", [None] * len(TEXT), (-0.0, -0.0, 0.0))]))
    rc.write_claims(written, tmp_path / f"zero{EXTENSION[kind]}", format=kind)
    back = rc.read_claims(tmp_path / f"zero{EXTENSION[kind]}")
    assert same_float(back["value"].iloc[0], -0.0) and same_float(back["low"].iloc[0], -0.0)


def test_excel_error_codes_round_trip_as_text(tmp_path: Path) -> None:
    written = rc.read_claims(
        trip_frame([(code, [code] * len(TEXT), (1.0, 2.0, 3.0)) for code in EXCEL_ERRORS])
    )
    rc.write_claims(written, tmp_path / "codes.xlsx")
    back = rc.read_claims(tmp_path / "codes.xlsx")
    assert back["place"].tolist() == list(EXCEL_ERRORS)


@pytest.mark.filterwarnings("ignore:Cell contents too long")
def test_a_text_too_long_for_excel_is_written_whole_or_refused(tmp_path: Path) -> None:
    written = rc.read_claims(trip_frame([("a", [None, None, None, LONG, None], (1.0, 2.0, 3.0))]))
    refused: rc.ReconcileError | None = None
    try:
        rc.write_claims(written, tmp_path / "long.xlsx")
    except rc.ReconcileError as error:
        refused = error
    if refused is not None:
        assert "quote" in said(refused)
    else:
        assert rc.read_claims(tmp_path / "long.xlsx")["quote"].tolist() == [LONG]
