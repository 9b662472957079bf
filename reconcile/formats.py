"""Files in and out: CSV, JSON records, Excel, Parquet and HXL, written so nothing is half-done.

:func:`reconcile.read_claims` and :func:`reconcile.write_claims` use what lives here:

- **Spreadsheet formulas.** A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return can run as a formula when a spreadsheet opens the file. Every CSV, Excel
  and HXL file written here gets a single quote ``'`` in front of such a cell or column name
  (the defence OWASP recommends against "CSV injection"), and reading one of these files
  takes that quote off again, so our own files round-trip exactly. To keep the mapping one-to-one, a cell that
  already begins with quotes followed by one of those characters gets one more quote.
  JSON and Parquet are not opened by spreadsheets and are written as they are. (Excel
  cannot hold a carriage return in a cell: one is written as a line feed.)
- **HXL** (the Humanitarian Exchange Language): a CSV file or a sheet with a row of hashtags
  under its header row is read as HXL. The row is found here, without libhxl; what the
  hashtags mean, and :func:`to_hxl`, :func:`from_hxl` and :data:`HXL_COLUMNS`, live in
  :mod:`reconcile.hxl` and are named here too.
- **Atomic writes.** Every file is written under a temporary name in the target's folder and
  moved into place (``os.replace``) only when complete, so a failed write leaves the old file
  (or none) and never half a file; a folder of tables is written all or nothing. A symbolic
  link, a read-only file or anything but a regular file is not replaced (``force=True``
  replaces the first two), and a replaced file keeps its permission bits. Floats are written
  to the last bit in every format, and text a format cannot hold is refused by column and
  row. ``reconcile._writing`` holds these rules.
- **One reader, one writer.** Every table the library or its command writes goes through
  :func:`write_table` (to a path, a buffer or a workbook), and every plain CSV table is read
  by :func:`read_csv` (whole, or in chunks for a progress bar), so the rules above hold for all.

Examples:
    >>> import pandas as pd
    >>> cells = pd.DataFrame({"quote": ["=HYPERLINK(...)", "about 5,000", "-inf"]})
    >>> neutralise_formulas(cells)["quote"].tolist()
    ["'=HYPERLINK(...)", 'about 5,000', "'-inf"]
    >>> restore_formulas(neutralise_formulas(cells)).equals(cells)
    True

"""

from __future__ import annotations

import csv
import itertools
import os
import warnings
import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple

import numpy as np
import pandas as pd

from reconcile._clean import json_records_frame, refuse_repeated_names
from reconcile._hxl_tags import names_a_figure
from reconcile._parquet import parquet_frame
from reconcile._replacing import replacing, replacing_in_folder
from reconcile._sheets import open_workbook, read_grid, sheet_frame, sheet_names
from reconcile._unreadable import bad_encoding, extra_cells, unreadable
from reconcile._writing import (
    excel_bytes,
    json_records,
    neutralise_formulas,
    restore_formulas,
    write_cells,
    write_failure,
)
from reconcile.errors import ArgumentError, ClaimsError, MissingDependencyError, Note, Reason, ReconcileError
from reconcile.hxl import FIGURE_HASHTAGS, HXL_COLUMNS, PLACE_HASHTAGS, HxlClaims, from_hxl, read_hxl, to_hxl

__all__ = [
    "FIGURE_HASHTAGS",
    "FORMATS",
    "HASHTAG_ROWS_SEARCHED",
    "HXL_COLUMNS",
    "PLACE_HASHTAGS",
    "csv_hashtag_row",
    "from_hxl",
    "json_records",
    "neutralise_formulas",
    "read_csv",
    "read_hxl",
    "restore_formulas",
    "to_hxl",
    "write_table",
    "write_tables",
]

#: The formats read and written: ``hxl`` is a CSV or Excel file with a row of HXL hashtags.
FORMATS = ("csv", "json", "xlsx", "parquet", "hxl")
Format = Literal["csv", "json", "xlsx", "parquet", "hxl"]
_BY_EXTENSION: dict[str, Format] = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", ".parquet": "parquet"}
# Names a folder of tables is refused, so that no folder looks like a file.
_FILE_EXTENSIONS = {*_BY_EXTENSION, ".xls", ".tsv", ".txt", ".hxl", ".zip"}

# The longest cell the CSV module reads before it calls a file broken (its default: 131,072).
_LONGEST_CELL = 2**30
#: libhxl looks for the hashtag row this far down, and so do we.
HASHTAG_ROWS_SEARCHED = 25


# ------------------------------------------------------------------------------------ reading


class Loaded(NamedTuple):
    """A table read from a file: the frame, the file line its row 0 is on, and whether it was HXL.

    The frame of an HXL file holds one claim per figure, numbered from 0; ``rows`` gives the
    data row each came from (a row may give several claims) and ``labels`` the header each
    claims column came from as the file writes it (for ``low``, ``value`` and ``high`` one
    per claim), so that errors can name the file's own line and column. ``notes`` says what
    the reader ignored or skipped.

    Examples:
        >>> Loaded(pd.DataFrame({"a": [1]}), first_line=2).hxl
        False

    """

    frame: pd.DataFrame
    first_line: int
    hxl: bool = False
    rows: np.ndarray | None = None
    labels: Mapping[str, Any] | None = None
    notes: tuple[Note, ...] = ()


def format_of(path: Path, format: str | None, *, reading: bool = True) -> Format:
    """The format to read or write ``path`` in: ``format`` if given, else from the extension.

    Examples:
        >>> format_of(Path("claims.XLSX"), None), format_of(Path("claims.csv"), "hxl")
        ('xlsx', 'hxl')

    """
    if format is not None:
        if format not in FORMATS:
            raise ArgumentError(
                f"unknown format {format!r}",
                hint=f"pass one of {', '.join(map(repr, FORMATS))}",
                reason=Reason.UNKNOWN_FORMAT,
            )
        return format  # type: ignore[return-value]
    found = _BY_EXTENSION.get(path.suffix.lower())
    if found is None:
        verb = "read" if reading else "write"
        problem = f"cannot tell how to {verb} {str(path)!r} from its extension {path.suffix!r}"
        hint = (
            "name the file .csv, .json, .xlsx or .parquet, or pass format= ('hxl' for HXL in .csv or .xlsx)"
        )
        if reading:
            raise ClaimsError(problem, hint=hint, reason=Reason.FORMAT, failures=None, origin=str(path))
        raise ArgumentError(problem, hint=hint, reason=Reason.FORMAT)
    return found


def _container(path: Path) -> Literal["csv", "xlsx"]:
    return "xlsx" if path.suffix.lower() == ".xlsx" else "csv"


def _sheet(path: Path, book: Any, sheet: str | None) -> str:
    names = sheet_names(book)
    if sheet is not None:
        if sheet not in names:
            raise unreadable(
                path,
                f"{str(path)!r} has no sheet {sheet!r}",
                f"pass sheet= one of {names}",
                Reason.SHEET,
                sheets=names,
            )
        return sheet
    if len(names) > 1:
        raise unreadable(
            path,
            f"{str(path)!r} has {len(names)} sheets and none was named",
            f"pass sheet= one of {names}",
            Reason.SHEET,
            sheets=names,
        )
    return names[0]


def _first_rows(path: Path, encoding: str) -> list[list[str]]:
    """The first rows of a CSV file, as text, where a hashtag row may be."""
    limit = csv.field_size_limit(_LONGEST_CELL)  # a long quote is a cell, not a broken file
    try:
        with path.open(encoding=encoding, newline="") as handle:
            return list(itertools.islice(csv.reader(handle), HASHTAG_ROWS_SEARCHED))
    finally:
        csv.field_size_limit(limit)


def _one_name_each(path: Path, rows: list[list[str]]) -> None:
    """A header that names a column twice would have pandas rename the second: refuse it.

    Names are compared as cells are read (:func:`reconcile._clean.clean_name`): ``value``,
    `` value`` and ``value`` with a zero-width space in it name one column.
    """
    if rows:
        where = f"the header of {str(path)!r}"
        refuse_repeated_names(rows[0], where=where, origin=str(path), line=1, blank_ok=True)


def csv_hashtag_row(path: Path, encoding: str) -> int | None:
    r"""The number of the row of HXL hashtags near the top of a CSV file, or None for a plain table.

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "killed.csv"
        >>> _ = path.write_text("place,killed\n#loc,#affected+killed\nMosul,12\n")
        >>> csv_hashtag_row(path, "utf-8")
        1

    """
    return _hashtag_row(_first_rows(path, encoding))


def _hashtag_row(rows: list[list[str]]) -> int | None:
    """The first of ``rows`` that is a row of HXL hashtags, or None; no libhxl needed.

    A hashtag row has at least one cell and every non-empty cell starts with ``#``: a plain
    table with ``#`` in a cell still has other text in that row. Whether each hashtag is
    well formed is checked when the file is read as HXL.

    Examples:
        >>> _hashtag_row([["name", "killed"], ["", "#affected+killed"], ["Mosul", "12"]])
        1
        >>> _hashtag_row([["name", "rank"], ["Mosul", "#1"]]) is None
        True

    """
    for number, cells in enumerate(rows):
        filled = [cell.strip() for cell in cells if cell and cell.strip()]
        if filled and all(cell.startswith("#") for cell in filled):
            return number
    return None


def read_table(
    path: Path, *, format: str | None, sheet: str | None, encoding: str, text_columns: tuple[str, ...]
) -> Loaded:
    r"""Read ``path`` into a frame (an HXL file into claims rows); errors name the file and a hint.

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "notes.csv"
        >>> _ = path.write_text("note\n'=1+1\n")
        >>> read_table(path, format=None, sheet=None, encoding="utf-8", text_columns=("note",)).frame
          note
        0  =1+1

    """
    kind = format_of(path, format)
    if sheet is not None and (_container(path) if kind == "hxl" else kind) != "xlsx":
        raise ArgumentError(
            f"sheet={sheet!r} was given for a {kind} file",
            hint="pass sheet= only for .xlsx files",
            reason=Reason.NO_SHEETS,
        )
    try:
        if kind == "json":
            return Loaded(json_records_frame(path, text_columns), 2)
        if kind == "parquet":
            frame = parquet_frame(path)
            _one_name_each(path, [[str(name) for name in frame.columns]])
            return Loaded(frame, 2)
        container = _container(path) if kind == "hxl" else kind
        if container == "xlsx":
            return _workbook_table(path, kind, sheet, text_columns)
        head = _first_rows(path, encoding)
        hashtags = _hashtag_row(head)
        if hashtags is None:
            _no_hashtags(path, kind)
            _one_name_each(path, head)
            return Loaded(read_csv(path, text_columns=text_columns, encoding=encoding), 2)
        read = _hxl_table(path, encoding, head, hashtags)
        return Loaded(read.claims, hashtags + 2, True, read.rows, read.labels, read.notes)
    except ReconcileError:
        raise
    except UnicodeDecodeError as exc:
        raise bad_encoding(path, encoding) from exc
    except LookupError as exc:
        if type(exc) is not LookupError:  # a KeyError or IndexError from deep inside a reader
            raise unreadable(
                path,
                f"cannot read {str(path)!r} as a table: a part of it is missing "
                f"({type(exc).__name__}: {exc})",
                "save the file again from the program that made it",
                Reason.NOT_A_TABLE,
            ) from exc
        raise ArgumentError(
            f"unknown encoding {encoding!r}",
            hint="pass e.g. 'utf-8', 'cp1252' or 'latin-1'",
            reason=Reason.UNKNOWN_ENCODING,
        ) from exc
    except OSError as exc:
        raise unreadable(
            path,
            f"cannot open {str(path)!r} ({exc.strerror or exc})",
            "check the path (relative paths start from the working directory)",
            Reason.CANNOT_OPEN,
        ) from exc
    except ImportError as exc:
        raise MissingDependencyError(
            f"reading {str(path)!r} needs pyarrow ({exc})", hint="pip install pyarrow", package="pyarrow"
        ) from exc
    except (ValueError, OverflowError, pd.errors.ParserError, zipfile.BadZipFile, csv.Error) as exc:
        raise unreadable(
            path,
            f"cannot read {str(path)!r} as a table: {exc}",
            "save the file as UTF-8 with one claim per row and a header row",
            Reason.NOT_A_TABLE,
        ) from exc


def _no_hashtags(path: Path, kind: str) -> None:
    if kind == "hxl":
        raise unreadable(
            path,
            f"no row of HXL hashtags in the first {HASHTAG_ROWS_SEARCHED} rows of {str(path)!r}",
            "add a row of hashtags such as #meta+id, #affected+killed under the header row, "
            "or read the file without format='hxl'",
            Reason.NO_HASHTAGS,
        )


def _workbook_table(path: Path, kind: str, sheet: str | None, text_columns: Sequence[str]) -> Loaded:
    """A sheet of a workbook, plain or HXL, each cell as the workbook holds it (see reconcile._sheets)."""
    with open_workbook(path) as book:
        grid = read_grid(path, book, _sheet(path, book, sheet))
    head = grid.text(HASHTAG_ROWS_SEARCHED)
    hashtags = _hashtag_row(head)
    if hashtags is None:
        _no_hashtags(path, kind)
        _one_name_each(path, head)
        texts = set(text_columns)
        frame, notes = sheet_frame(path, grid, 0, text=texts.__contains__)
        return Loaded(restore_formulas(frame), 2, notes=tuple(notes))
    tags = head[hashtags]
    # Every cell is read as text; a merged range gives its rows its text where the hashtag
    # names no figure.
    raw, notes = sheet_frame(
        path, grid, hashtags, text=lambda tag: True, fills=lambda tag: not names_a_figure(tag), names=tags
    )
    read = read_hxl(restore_formulas(raw), origin=str(path), first_line=hashtags + 2)
    return Loaded(read.claims, hashtags + 2, True, read.rows, read.labels, (*notes, *read.notes))


def read_csv(
    path: Path,
    *,
    text_columns: Sequence[str],
    encoding: str,
    chunk_rows: int | None = None,
    progress: Callable[[int], object] | None = None,
) -> pd.DataFrame:
    r"""Read a plain CSV table (one without a row of HXL hashtags) as ``read_table`` does.

    The ``text_columns`` are read as text, other columns as pandas guesses them; cells that
    :func:`write_table` neutralised against spreadsheet formulas are restored. With
    ``chunk_rows`` the file is read that many rows at a time (each column's type guessed per
    chunk, the chunks joined), and ``progress`` is told the bytes read after each chunk.

    Raises:
        ClaimsError: a row holds more cells than the header names (pandas would drop them);
            the error names every such line. A broken file raises pandas' own error, which
            ``read_table`` turns into one that names the file.

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "claims.csv"
        >>> _ = path.write_text("claim_id,source,high\n1,'=HYPERLINK(1),5500\n")
        >>> table = read_csv(path, text_columns=["claim_id", "source"], encoding="utf-8", chunk_rows=1)
        >>> table.to_dict(orient="records")
        [{'claim_id': '1', 'source': '=HYPERLINK(1)', 'high': 5500}]

    """
    text = dict.fromkeys(text_columns, "str")
    # Only an empty cell is missing: "NA" is Namibia as often as a gap (see reconcile._clean).
    options: dict[str, Any] = {
        "dtype": text,
        "encoding": encoding,
        "index_col": False,
        "keep_default_na": False,
        "na_values": [""],
    }
    try:
        with warnings.catch_warnings():
            # With index_col=False pandas cuts off cells beyond the header's, and only warns.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            if chunk_rows is None:
                return restore_formulas(pd.read_csv(path, **options))
            pieces = []
            with path.open("rb") as handle, pd.read_csv(handle, chunksize=chunk_rows, **options) as chunks:
                for chunk in chunks:
                    pieces.append(chunk)
                    if progress is not None:  # the parser reads ahead, so this runs slightly early
                        progress(handle.tell())
            if not pieces:  # a header and no rows
                pieces.append(pd.read_csv(path, **options))
    except (pd.errors.ParserWarning, pd.errors.ParserError) as exc:
        if isinstance(exc, pd.errors.ParserError) and "fields in line" not in str(exc):
            raise
        raise extra_cells(path, encoding, exc) from None
    return restore_formulas(pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0])


def _hxl_table(path: Path, encoding: str, head: list[list[str]], hashtags: int) -> HxlClaims:
    """The claims of an HXL CSV file whose hashtag row is row ``hashtags`` of ``head``."""
    options: dict[str, Any] = {
        "header": None,
        "skiprows": hashtags + 1,
        "dtype": "str",
        "encoding": encoding,
        "keep_default_na": False,  # "NA" is a place (Namibia) as often as a gap: read as written
        "na_values": [""],
    }
    try:  # pyarrow reads text columns several times faster, but refuses ragged rows
        raw = pd.read_csv(path, engine="pyarrow", **options)
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError):
        try:  # the C reader fills short rows, and says what is wrong with a broken file
            raw = pd.read_csv(path, **options)
        except pd.errors.EmptyDataError:  # hashtags and no rows: no claims
            raw = pd.DataFrame(columns=range(len(head[hashtags])), dtype=object)
    tags = head[hashtags]
    raw = raw.reindex(columns=range(max(len(tags), raw.shape[1])))
    raw.columns = pd.Index([*tags, *[""] * (raw.shape[1] - len(tags))])
    return read_hxl(restore_formulas(raw), origin=str(path), first_line=hashtags + 2)


# ------------------------------------------------------------------------------------ writing
# The rules of writing (formulas, text a file can hold, exact numbers, what is replaced and
# how) live in reconcile._writing; here is what goes where.

#: What :func:`write_table` writes to: a path, an open file, or an Excel workbook being written.
Target = str | os.PathLike[str] | IO[str] | IO[bytes] | pd.ExcelWriter


def _write_one(frame: pd.DataFrame, target: Any, kind: Format, container: str, sheet: str) -> None:
    """The table's cells, checked and made safe for ``kind``, written to a path, a file or a workbook."""
    write_cells(frame, target, kind, container, sheet)


def write_tables(
    tables: Mapping[str, pd.DataFrame],
    path: str | os.PathLike[str],
    format: str | None = None,
    *,
    force: bool = False,
) -> list[Path]:
    """Write named tables: to one Excel workbook (a sheet each), or to one file each in a folder.

    For ``.xlsx`` (or ``format="xlsx"``) ``path`` is the workbook; for any other format it
    is a folder that gets ``<name>.csv``, ``<name>.json``, ``<name>.parquet`` or, for
    ``hxl``, ``<name>.csv`` with a hashtag row. Either every file is written or none is
    changed: a new folder is written under a temporary name beside it and renamed into
    place; in a folder that exists every file is written first, then all are moved onto
    their names, and put back should a move fail. Files in the folder that ``tables`` does
    not name are left as they are. A file replaced is checked as :func:`write_table` checks
    one (``force`` as there), and keeps its permission bits.

    Returns:
        The paths written.

    Raises:
        ArgumentError: the format is unknown, a table cannot be written in it, a name is not
            a plain file name, or a file cannot be written or replaced (reason
            ``cannot_write``); ``path`` is a file where a folder is needed (``not_a_folder``).
        MissingDependencyError: writing Excel needs openpyxl, Parquet pyarrow.

    Examples:
        >>> import tempfile, pandas as pd
        >>> folder = tempfile.mkdtemp()
        >>> tables = {"estimates": pd.DataFrame({"value": [5000.0]}),
        ...           "notes": pd.DataFrame({"note": ["=1+1"]})}
        >>> [path.name for path in write_tables(tables, folder, format="csv")]
        ['estimates.csv', 'notes.csv']
        >>> [path.name for path in write_tables(tables, f"{folder}/result.xlsx")]
        ['result.xlsx']
        >>> pd.read_excel(f"{folder}/result.xlsx", sheet_name="notes")["note"].tolist()
        ["'=1+1"]

    """
    target = Path(path)
    kind: Format
    if format is None and target.suffix.lower() == ".xlsx":
        kind = "xlsx"
    elif format is None:
        raise ArgumentError(
            f"cannot tell what to write at {str(target)!r}: the tables go to one .xlsx workbook, "
            "or to a folder of files in the format given by format=",
            hint="pass a .xlsx path, or a folder and format= one of "
            + ", ".join(map(repr, FORMATS))
            + " (e.g. write('results', format='csv'))",
            reason=Reason.FORMAT,
        )
    else:
        kind = format_of(target, format, reading=False)
    if kind != "xlsx" and target.suffix.lower() in _FILE_EXTENSIONS and not target.is_dir():
        raise ArgumentError(
            f"format={kind!r} writes a folder of files, and {str(target)!r} is named like a file",
            hint=f"name a folder without an extension (e.g. {str(target.with_suffix(''))!r}), or pass a "
            ".xlsx path for one workbook",
            reason=Reason.NOT_A_FOLDER,
        )
    odd = [name for name in tables if kind != "xlsx" and (Path(name).name != name or name in ("", ".", ".."))]
    if odd:
        raise ArgumentError(
            f"cannot name a file of the folder {odd[0]!r}",
            hint="name each table with a plain file name, without a folder in it",
            argument="tables",
        )
    try:
        if kind == "xlsx":

            def fill(book: pd.ExcelWriter) -> None:
                for name, table in tables.items():
                    write_table(table, book, kind, sheet=name)

            with replacing(target, force=force) as workbook:
                workbook.write_bytes(excel_bytes(fill))
            return [target]
        extension = {"csv": ".csv", "json": ".json", "parquet": ".parquet", "hxl": ".csv"}[kind]
        names = [f"{name}{extension}" for name in tables]
        with replacing_in_folder(target, names, force=force) as temporary:
            for table, file in zip(tables.values(), temporary, strict=True):
                with file.open("wb") as handle:
                    write_table(table, handle, kind)
        return [target / name for name in names]
    except ReconcileError:
        raise
    except (OSError, ValueError, TypeError, ImportError) as exc:
        raise write_failure(target, exc, kind) from exc


def write_table(
    frame: pd.DataFrame,
    target: Target,
    format: str | None = None,
    *,
    sheet: str = "claims",
    force: bool = False,
) -> None:
    r"""Write one table safely: to a path (whole or not at all), to an open file, or as a workbook's sheet.

    Every table the library and its command write goes through here. In CSV, Excel and HXL a
    text cell or a column name a spreadsheet could run as a formula gets a ``'`` in front
    (:func:`neutralise_formulas`), an open end is the text ``inf`` or ``'-inf``, and CSV rows
    end in CRLF (RFC 4180), so a cell holding a carriage return is quoted rather than read as
    the end of a row. JSON is written as :func:`json_records`, every float to the last bit,
    Parquet as the table is. Text no file can hold (a lone surrogate), or that Excel cannot
    (a control character), is refused, naming its column and row.

    A path is written under a temporary name beside it and moved onto it when whole. What is
    there already is replaced only if it is a regular file that may be written; it keeps its
    permission bits (a new file gets the umask's). A symbolic link, a read-only file, a
    folder, a device or a pipe is refused; ``force=True`` replaces a read-only file (which
    stays read-only) or a symbolic link: the link itself, never the file it points to, which
    is left as it was.

    Args:
        frame: the table.
        target: a path, its format read from its extension unless ``format`` is given; an
            open file (Excel and Parquet need a binary one; HXL goes to it as CSV; its errors
            are its own); or a ``pandas.ExcelWriter``, which gets the table as sheet ``sheet``.
        format: one of :data:`FORMATS`; needed for an open file.
        sheet: the sheet's name in an Excel workbook.
        force: replace a read-only file or a symbolic link at the path.

    Raises:
        ArgumentError: the format is unknown or not given for an open file, a cell cannot be
            written in the format, or the path cannot be written or replaced (reason
            ``cannot_write``, the hint says whether ``force=True`` would do).
        MissingDependencyError: writing Excel needs openpyxl, Parquet pyarrow.

    Examples:
        >>> import io, tempfile
        >>> path = Path(tempfile.mkdtemp()) / "notes.csv"
        >>> write_table(pd.DataFrame({"note": ["=1+1"]}), path)
        >>> path.read_text().splitlines()
        ['note', "'=1+1"]
        >>> report = io.StringIO()
        >>> write_table(pd.DataFrame({"low": [float("-inf")], "note": ["a\rb"]}), report, "csv")
        >>> report.getvalue()
        'low,note\r\n\'-inf,"a\rb"\r\n'
        >>> path.chmod(0o444)
        >>> write_table(pd.DataFrame({"note": ["new"]}), path)
        Traceback (most recent call last):
        ...
        reconcile.errors.ArgumentError: will not replace '...notes.csv': it is read-only (mode 444): ...
        >>> write_table(pd.DataFrame({"note": ["new"]}), path, force=True)
        >>> path.read_text().splitlines(), oct(path.stat().st_mode & 0o777)
        (['note', 'new'], '0o444')

    """
    # A pandas.ExcelWriter is os.PathLike too (its file's path): it is a workbook, not a path.
    excel = isinstance(target, pd.ExcelWriter)
    path = Path(target) if isinstance(target, (str, os.PathLike)) and not excel else None
    if path is None and format is None:
        raise ArgumentError(
            "cannot tell what format to write to an open file (got format=None)",
            hint=f"pass format= one of {', '.join(map(repr, FORMATS))}",
            reason=Reason.FORMAT,
        )
    kind = format_of(path or Path(), format, reading=False)
    container = "xlsx" if excel else _container(path or Path()) if kind == "hxl" else kind
    if path is None:
        _write_one(frame, target, kind, container, sheet)
        return
    try:
        with replacing(path, force=force) as temporary:
            _write_one(frame, temporary, kind, container, sheet)
    except ReconcileError:
        raise
    except (OSError, ValueError, TypeError, ImportError) as exc:
        raise write_failure(path, exc, kind) from exc
