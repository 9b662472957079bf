"""The sheets of an Excel workbook, read cell by cell so that no cell changes or goes missing unseen.

pandas' Excel reader reads a formula whose result was never saved, an error cell
(``#DIV/0!``, ``#N/A``) and the cells under a merged range as blanks, makes ``TRUE`` the
figure 1 in a column that holds numbers too, and turns a whole float into an integer
(``-0.0`` into 0). Here every cell keeps its value and its type, and a cell no table can
hold is an error naming it as the spreadsheet does (``E2``), its column and its line:

- a **formula without a saved result** (a file written by a program that does not
  calculate): its value is not in the file;
- an **error cell**: a formula that failed, so no figure;
- a **merged range** over several rows of a figure column, or over several columns: whether
  the figure is each row's or theirs together is not known. A merged range down a text
  column (a place written once beside three rows) gives every row its text, with a note.

Only the rows from the header row down are looked at: a title above a table may be merged.

Examples:
    >>> cell_text(2016), cell_text(2.5), cell_text(None), cell_text(True)
    ('2016', '2.5', None, 'TRUE')
    >>> import datetime
    >>> cell_text(datetime.datetime(2016, 11, 1)), cell_text(datetime.datetime(2016, 11, 1, 9, 30))
    ('2016-11-01', '2016-11-01 09:30:00')

"""

from __future__ import annotations

import contextlib
import datetime
import posixpath
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pandas as pd

from reconcile._unreadable import unreadable
from reconcile.errors import ClaimsError, MissingDependencyError, Note, Reason

__all__ = [
    "BROKEN_WORKBOOK",
    "Grid",
    "cell_text",
    "not_a_workbook",
    "open_workbook",
    "read_grid",
    "sheet_frame",
    "sheet_names",
]

# What openpyxl and the zip and XML readers under it raise for a workbook that is broken inside.
BROKEN_WORKBOOK = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    EOFError,
    ElementTree.ParseError,
    KeyError,
    IndexError,
    TypeError,
)

_SHOWN = 10
# A formula (<f>) or a merged range (<mergeCell>) anywhere in a sheet's XML, with any prefix.
_SPECIAL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:f|mergeCell)[\s>/]")
_CELL = re.compile(r"([A-Z]+)([0-9]+)")
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELATIONS = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOCUMENT_RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def not_a_workbook(path: Path, exc: BaseException) -> ClaimsError:
    """The error for a file named ``.xlsx`` that openpyxl cannot open: what it said, and a hint."""
    return unreadable(
        path,
        f"{str(path)!r} is not an Excel workbook, or a broken one ({type(exc).__name__}: {exc})",
        "save it again from Excel as .xlsx, or name it for what it is",
        Reason.NOT_A_TABLE,
    )


@contextlib.contextmanager
def open_workbook(path: Path) -> Iterator[Any]:
    """The workbook at ``path``, opened to read its saved values, and closed after.

    Raises:
        MissingDependencyError: openpyxl is not installed (the ``excel`` extra).
        ClaimsError: the file is not a workbook, or a broken one.

    """
    try:
        import openpyxl  # the excel extra: only a workbook needs it
    except ImportError as exc:
        raise MissingDependencyError(
            f"reading {str(path)!r} needs openpyxl ({exc})",
            hint="pip install 'reconcile[excel]'",
            package="openpyxl",
        ) from exc
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except BROKEN_WORKBOOK as exc:
        raise not_a_workbook(path, exc) from exc
    try:
        yield book
    finally:
        book.close()


def sheet_names(book: Any) -> list[str]:
    """The names of the sheets of ``book``, in order."""
    return [str(name) for name in book.sheetnames]


@dataclass(frozen=True)
class _Odd:
    """A cell whose value is not in the file: its sheet row and column (from 1), and what it holds."""

    row: int
    column: int
    holds: str
    reason: Reason


@dataclass(frozen=True)
class Grid:
    """A sheet's non-empty rows: ``rows[i]`` is sheet row ``lines[i]``, cells from column A.

    ``odd`` are the cells whose value is not in the file; ``merged`` the merged ranges as
    (first row, first column, last row, last column), counted from 1.
    """

    rows: list[list[Any]]
    lines: list[int]
    odd: list[_Odd] = field(default_factory=list)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def text(self, count: int) -> list[list[str]]:
        """The first ``count`` rows as text, an empty cell as ``""`` (to find a hashtag row)."""
        return [[cell_text(cell) or "" for cell in row] for row in self.rows[:count]]


def read_grid(path: Path, book: Any, sheet: str) -> Grid:
    """Every non-empty row of ``sheet``, with its cells that hold no value and its merged ranges."""
    try:
        worksheet = book[sheet]
        worksheet.reset_dimensions()  # a sheet may declare a smaller size than it has
        rows: list[list[Any]] = []
        lines: list[int] = []
        odd: list[_Odd] = []
        for line, cells in enumerate(worksheet.iter_rows(), start=1):
            values = [cell.value for cell in cells]
            for column, cell in enumerate(cells, start=1):
                if cell.data_type == "e" and cell.value is not None:
                    odd.append(_Odd(line, column, f"the spreadsheet error {cell.value}", Reason.ERROR_CELL))
                    values[column - 1] = None
            if any(value is not None and value != "" for value in values):
                rows.append(values)
                lines.append(line)
        unsaved, merged = _formulas_and_merges(path, sheet)
    except BROKEN_WORKBOOK as exc:
        raise not_a_workbook(path, exc) from exc
    odd += [
        _Odd(line, column, f"the formula ={text}", Reason.UNSAVED_FORMULA) for line, column, text in unsaved
    ]
    return Grid(rows, lines, sorted(odd, key=lambda cell: (cell.row, cell.column)), merged)


def _formulas_and_merges(
    path: Path, sheet: str
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, int, int]]]:
    """The formulas of ``sheet`` with no saved result (row, column, formula), and its merged ranges.

    openpyxl reads either a formula's text or its saved result, never whether it has one; and
    a sheet read row by row does not give its merged ranges. Both are in the sheet's XML, which
    is only parsed when a byte search finds a formula or a merged range in it.
    """
    with zipfile.ZipFile(path) as archive:
        return _scan(archive, _sheet_member(archive, sheet))


def _scan(
    archive: zipfile.ZipFile, member: str
) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, int, int]]]:
    with archive.open(member) as handle:
        found = False
        tail = b""
        while chunk := handle.read(1 << 20):
            if _SPECIAL.search(tail + chunk):
                found = True
                break
            tail = chunk[-64:]
    if not found:
        return [], []
    unsaved: list[tuple[int, int, str]] = []
    merged: list[tuple[int, int, int, int]] = []
    with archive.open(member) as handle:
        for _, element in ElementTree.iterparse(handle):
            tag = element.tag.rpartition("}")[2]
            if tag == "c":
                formula = element.find(f"{{{_MAIN}}}f")
                saved = element.find(f"{{{_MAIN}}}v")
                if (
                    formula is not None
                    and (saved is None or not saved.text)
                    and element.get("t") != "inlineStr"
                ):
                    row, column = _coordinates(element.get("r", ""))
                    if row:
                        unsaved.append((row, column, formula.text or "(a shared formula)"))
                element.clear()
            elif tag == "row":
                element.clear()
            elif tag == "mergeCell":
                first, _, last = element.get("ref", "").partition(":")
                (top, left), (bottom, right) = _coordinates(first), _coordinates(last or first)
                if top and bottom:
                    merged.append((top, left, bottom, right))
    return unsaved, merged


def _sheet_member(archive: zipfile.ZipFile, sheet: str) -> str:
    """The path inside the workbook's zip file of the XML of sheet ``sheet``.

    Found as openpyxl finds it: the package's relationships name the workbook part, whose
    own relationships name each sheet's part (a workbook need not be ``xl/workbook.xml``).

    Raises:
        KeyError: a part or a relationship is missing (a broken workbook).

    """
    book = _related(archive, "", lambda link: link.get("Type", "").endswith("/officeDocument"))
    keys = [
        element.get(f"{{{_DOCUMENT_RELATIONS}}}id")
        for element in ElementTree.fromstring(archive.read(book)).iter(f"{{{_MAIN}}}sheet")
        if element.get("name") == sheet
    ]
    return _related(archive, book, lambda link: link.get("Id") in keys)


def _related(archive: zipfile.ZipFile, part: str, wanted: Callable[[ElementTree.Element], bool]) -> str:
    """The part that the first relationship of ``part`` (``""``: the package) that ``wanted`` takes names."""
    folder, _, name = part.rpartition("/")
    links = ElementTree.fromstring(archive.read(posixpath.join(folder, "_rels", f"{name}.rels")))
    for link in links.iter(f"{{{_RELATIONS}}}Relationship"):
        if wanted(link):
            target = link.get("Target", "")
            return (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
    raise KeyError(f"no relationship of {part or 'the package'!r} names the part wanted")


def _coordinates(reference: str) -> tuple[int, int]:
    """(row, column) of a cell reference such as ``E2``, counted from 1; (0, 0) if it is not one."""
    match = _CELL.fullmatch(reference.replace("$", "").upper())
    if match is None:
        return 0, 0
    letters, digits = match.groups()
    column = 0
    for letter in letters:
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(digits), column


def _reference(row: int, column: int) -> str:
    """The cell reference of (row, column), counted from 1: (2, 5) is ``E2``."""
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


def cell_text(value: Any) -> str | None:
    """A cell as the text it shows: a whole number without ``.0``, a date at midnight as the day."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, datetime.datetime) and value.time() == datetime.time():
        return value.date().isoformat()
    return str(value)


def sheet_frame(
    path: Path,
    grid: Grid,
    header: int,
    *,
    text: Callable[[str], bool],
    fills: Callable[[str], bool] | None = None,
    names: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, list[Note]]:
    """The rows of ``grid`` under its row ``header`` as a frame, and a note per merged text range.

    Columns are named by row ``header``'s cells (or by ``names``: an HXL sheet's hashtags);
    a column that ``text`` says holds text reads as text (:func:`cell_text`), others keep
    each cell's own value: a number, a text, a date or ``True``, never a blank in its place.
    A merged range down a column that ``fills`` says holds no figure (by default, a text
    column) gives each of its rows its text.

    Raises:
        ClaimsError: a cell from the header row down holds no value (a formula never
            calculated, an error cell) or is part of a merged range no row can have alone.

    """
    width = max((len(row) for row in grid.rows[header:]), default=0)
    heads = [cell_text(cell) for cell in grid.rows[header]] if header < len(grid.rows) else []
    if names is None:
        names = [(heads[at] if at < len(heads) else None) or f"Unnamed: {at}" for at in range(width)]
    names = [*names, *[""] * (width - len(names))]
    top = grid.lines[header] if header < len(grid.lines) else 1
    _refuse_odd(path, [cell for cell in grid.odd if cell.row >= top], names)
    body = [[*row, *[None] * (width - len(row))] for row in grid.rows[header + 1 :]]
    notes = _fill_merged(path, grid, top, body, names, text if fills is None else fills)
    columns: dict[int, pd.Series] = {}
    for at in range(width):
        cells = [row[at] for row in body]
        columns[at] = (
            pd.Series([cell_text(cell) for cell in cells], dtype=object)
            if text(names[at])
            else pd.Series(cells, dtype=object if not cells else None)
        )
    frame = pd.DataFrame(columns) if columns else pd.DataFrame(index=range(len(body)))
    frame.columns = pd.Index(names[:width])
    return frame, notes


def _where(row: int, column: int, names: Sequence[str]) -> str:
    name = names[column - 1] if column <= len(names) else ""
    return (
        f"{_reference(row, column)} (column {name!r}, line {row})"
        if name
        else f"{_reference(row, column)} (line {row})"
    )


def _refuse_odd(path: Path, cells: list[_Odd], names: Sequence[str]) -> None:
    if not cells:
        return
    first = cells[0]
    shown = [f"{_where(cell.row, cell.column, names)} holds {cell.holds}" for cell in cells[:_SHOWN]]
    if len(cells) > _SHOWN:
        shown.append(f"and {len(cells) - _SHOWN} more")
    unsaved = first.reason is Reason.UNSAVED_FORMULA
    many = len(cells) != 1
    raise unreadable(
        path,
        f"{len(cells)} cell{'s' if many else ''} of {str(path)!r} hold{'' if many else 's'} no value: "
        + "; ".join(shown),
        "open the workbook in Excel or LibreOffice and save it, so that each formula's result is saved"
        if unsaved
        else "correct the formula, or clear the cell if it holds no figure",
        first.reason,
        line=first.row,
        lines=sorted({cell.row for cell in cells}),
    )


def _fill_merged(
    path: Path,
    grid: Grid,
    top: int,
    body: list[list[Any]],
    names: Sequence[str],
    text: Callable[[str], bool],
) -> list[Note]:
    """Give every row of a merged text range its text; refuse any other range under the header."""
    row_of = (
        {line: at for at, line in enumerate(grid.lines[grid.lines.index(top) + 1 :])} if grid.lines else {}
    )
    notes: list[Note] = []
    refused: list[str] = []
    for first, left, last, right in grid.merged:
        if last <= top:
            continue  # a title or a header over several columns: not the table's rows
        name = names[left - 1] if left <= len(names) else ""
        ranged = f"{_reference(first, left)}:{_reference(last, right)}"
        if first <= top or left != right or not text(name):
            refused.append(f"{ranged} (column {name!r})" if left == right else ranged)
            continue
        value = body[row_of[first]][left - 1] if first in row_of else None
        filled = [line for line in range(first + 1, last + 1) if line in row_of]
        for line in filled:
            body[row_of[line]][left - 1] = value
        notes.append(
            Note(
                Reason.MERGED_CELLS,
                f"{name}: the merged cells {ranged} give their text to each of their {last - first + 1} rows",
                column=name,
                lines=tuple(filled[:100]),
                count=len(filled),
            )
        )
    if refused:
        raise unreadable(
            path,
            f"{str(path)!r} has merged cells under its header: {', '.join(refused[:_SHOWN])}"
            + (f" and {len(refused) - _SHOWN} more" if len(refused) > _SHOWN else "")
            + "; whether a figure there is each row's or theirs together is not known",
            "unmerge the cells and give each row its own figure (or leave the rows it is not for empty)",
            Reason.MERGED_CELLS,
        )
    return notes
