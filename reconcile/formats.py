"""Files in and out: CSV, JSON records, Excel, Parquet and HXL, written so nothing is half-done.

:func:`reconcile.read_claims` and :func:`reconcile.write_claims` use what lives here:

- **Spreadsheet formulas.** A text cell that begins with ``=``, ``+``, ``-``, ``@``, a tab or
  a carriage return can run as a formula when a spreadsheet opens the file. Every CSV, Excel
  and HXL file written here gets a single quote ``'`` in front of such a cell (the defence
  OWASP recommends against "CSV injection"), and reading one of these files takes that quote
  off again, so our own files round-trip exactly. To keep the mapping one-to-one, a cell that
  already begins with quotes followed by one of those characters gets one more quote.
  JSON and Parquet are not opened by spreadsheets and are written as they are. (Excel
  cannot hold a carriage return in a cell: one is written as a line feed.)
- **HXL** (the Humanitarian Exchange Language): a CSV file or a sheet with a row of hashtags
  under its header row is read as HXL. The row is found here, without libhxl; what the
  hashtags mean, and :func:`to_hxl`, :func:`from_hxl` and :data:`HXL_COLUMNS`, live in
  :mod:`reconcile.hxl` and are named here too.
- **Atomic writes.** Every file is written under a temporary name in the target's folder and
  moved into place (``os.replace``) only when complete, so a failed write leaves the old file
  (or none) and never half a file.

Examples:
    >>> import pandas as pd
    >>> cells = pd.DataFrame({"quote": ["=HYPERLINK(...)", "about 5,000", "-inf"]})
    >>> neutralise_formulas(cells)["quote"].tolist()
    ["'=HYPERLINK(...)", 'about 5,000', "'-inf"]
    >>> restore_formulas(neutralise_formulas(cells)).equals(cells)
    True

"""

from __future__ import annotations

import contextlib
import csv
import itertools
import json
import os
import secrets
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast

import numpy as np
import pandas as pd

from reconcile.errors import ArgumentError, ClaimsError, MissingDependencyError, ReconcileError
from reconcile.hxl import FIGURE_HASHTAGS, HXL_COLUMNS, PLACE_HASHTAGS, from_hxl, to_hxl

__all__ = [
    "FIGURE_HASHTAGS",
    "FORMATS",
    "HXL_COLUMNS",
    "PLACE_HASHTAGS",
    "from_hxl",
    "json_records",
    "neutralise_formulas",
    "restore_formulas",
    "to_hxl",
    "write_tables",
]

#: The formats read and written: ``hxl`` is a CSV or Excel file with a row of HXL hashtags.
FORMATS = ("csv", "json", "xlsx", "parquet", "hxl")
Format = Literal["csv", "json", "xlsx", "parquet", "hxl"]
_BY_EXTENSION: dict[str, Format] = {".csv": "csv", ".json": "json", ".xlsx": "xlsx", ".parquet": "parquet"}
# Names a folder of tables is refused, so that no folder looks like a file.
_FILE_EXTENSIONS = {*_BY_EXTENSION, ".xls", ".tsv", ".txt", ".hxl", ".zip"}

# A text cell a spreadsheet may run as a formula, possibly behind quotes we added before.
_FORMULA = r"^'*[=+\-@\t\r]"
_QUOTED_FORMULA = r"^'(?='*[=+\-@\t\r])"

# libhxl looks for the hashtag row this far down, and so do we.
_HASHTAG_ROWS_SEARCHED = 25


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Put a ``'`` in front of every text cell a spreadsheet could run as a formula.

    A cell is neutralised when it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return, or with quotes followed by one of them (so :func:`restore_formulas` can tell our
    quote from the writer's). Numbers are left alone: ``-5`` in a number column is a number.

    Examples:
        >>> import pandas as pd
        >>> neutralise_formulas(pd.DataFrame({"a": ["@SUM(A1)", "'=x", "ok", None], "n": [-1, 2, 3, 4]}))
                  a  n
        0  '@SUM(A1)  -1
        1      ''=x  2
        2        ok  3
        3       NaN  4

    """
    return _replace_columns(frame, {column: _neutralise(frame[column]) for column in _text_columns(frame)})


def restore_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Take off the quote :func:`neutralise_formulas` put in front of a cell.

    Examples:
        >>> import pandas as pd
        >>> restore_formulas(pd.DataFrame({"a": ["'=1+1", "''=x", "'quoted"]}))["a"].tolist()
        ['=1+1', "'=x", "'quoted"]

    """
    return _replace_columns(frame, {column: _restore(frame[column]) for column in _text_columns(frame)})


def _replace_columns(frame: pd.DataFrame, columns: Mapping[Any, pd.Series]) -> pd.DataFrame:
    """A copy of ``frame`` with some columns replaced (labels need not be strings)."""
    changed = {label: column for label, column in columns.items() if column is not frame[label]}
    if not changed:
        return frame
    copy = frame.copy()
    for label, column in changed.items():
        copy[label] = column
    return copy


def _text_columns(frame: pd.DataFrame) -> list[Any]:
    return [
        column
        for column in frame.columns
        if pd.api.types.is_string_dtype(frame[column]) or pd.api.types.is_object_dtype(frame[column])
    ]


def _neutralise(column: pd.Series) -> pd.Series:
    risky = column.str.match(_FORMULA).fillna(False).astype(bool)
    if not risky.any():
        return column
    return column.mask(risky, "'" + column.astype("str"))


def _restore(column: pd.Series) -> pd.Series:
    quoted = column.str.match(_QUOTED_FORMULA).fillna(False).astype(bool)
    if not quoted.any():
        return column
    return column.mask(quoted, column.astype("str").str.slice(1))


def _excel_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Line ends as Excel keeps them: its XML turns a carriage return into a line feed anyway."""
    return _replace_columns(
        frame,
        {
            column: frame[column].str.replace(r"\r\n?", "\n", regex=True)
            for column in _text_columns(frame)
            if frame[column].str.contains("\r", regex=False).fillna(False).astype(bool).any()
        },
    )


def _open_ends_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Float columns with an infinite cell become text ``inf``/``-inf`` there (no format holds inf)."""
    changed = {}
    for column in frame.columns:
        values = frame[column]
        if not pd.api.types.is_float_dtype(values):
            continue
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        infinite = np.isinf(numbers)
        if infinite.any():
            cells = values.astype(object)
            cells[infinite] = np.where(numbers[infinite] > 0, "inf", "-inf")
            changed[column] = cells
    return _replace_columns(frame, changed)


# ------------------------------------------------------------------------------------ reading


class Loaded(NamedTuple):
    """A table read from a file: the frame, the file line its row 0 is on, and whether it was HXL.

    The frame of an HXL file is indexed by the data row each claim came from (a row may give
    several claims), so that errors can name the row and the line.

    Examples:
        >>> Loaded(pd.DataFrame({"a": [1]}), first_line=2).hxl
        False

    """

    frame: pd.DataFrame
    first_line: int
    hxl: bool = False


def format_of(path: Path, format: str | None, *, reading: bool = True) -> Format:
    """The format to read or write ``path`` in: ``format`` if given, else from the extension.

    Examples:
        >>> format_of(Path("claims.XLSX"), None), format_of(Path("claims.csv"), "hxl")
        ('xlsx', 'hxl')

    """
    if format is not None:
        if format not in FORMATS:
            raise ArgumentError(
                f"unknown format {format!r}", hint=f"pass one of {', '.join(map(repr, FORMATS))}"
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
            raise ClaimsError(problem, hint=hint, failures=None, origin=str(path))
        raise ArgumentError(problem, hint=hint)
    return found


def _container(path: Path) -> Literal["csv", "xlsx"]:
    return "xlsx" if path.suffix.lower() == ".xlsx" else "csv"


def _excel_file(path: Path) -> Any:
    try:
        return pd.ExcelFile(path, engine="openpyxl")
    except ImportError as exc:
        raise MissingDependencyError(
            f"reading {str(path)!r} needs openpyxl ({exc})",
            hint="pip install 'reconcile[excel]'",
            package="openpyxl",
        ) from exc
    except zipfile.BadZipFile as exc:
        raise _unreadable(
            path,
            f"{str(path)!r} is not an Excel workbook ({exc})",
            "save it from Excel as .xlsx, or name it for what it is",
        ) from exc


def _read_sheet(book: Any, sheet: str | None, **options: Any) -> pd.DataFrame:
    return cast(pd.DataFrame, pd.read_excel(book, sheet_name=sheet, **options))  # one sheet: one frame


def _sheet(path: Path, book: Any, sheet: str | None) -> str:
    names = [str(name) for name in book.sheet_names]
    if sheet is not None:
        if sheet not in names:
            raise _unreadable(path, f"{str(path)!r} has no sheet {sheet!r}", f"pass sheet= one of {names}")
        return sheet
    if len(names) > 1:
        raise _unreadable(
            path, f"{str(path)!r} has {len(names)} sheets and none was named", f"pass sheet= one of {names}"
        )
    return names[0]


def _unreadable(path: Path, problem: str, hint: str) -> ClaimsError:
    return ClaimsError(problem, hint=hint, failures=None, origin=str(path))


def _first_rows(path: Path, encoding: str, book: Any, sheet: str | None) -> list[list[str]]:
    """The first rows of a CSV file or a sheet, as text, where a hashtag row may be."""
    if book is not None:
        head = _read_sheet(book, sheet, header=None, nrows=_HASHTAG_ROWS_SEARCHED, dtype=str)
        return [
            [("" if pd.isna(cell) else str(cell)) for cell in row] for row in head.itertuples(index=False)
        ]
    with path.open(encoding=encoding, newline="") as handle:
        return list(itertools.islice(csv.reader(handle), _HASHTAG_ROWS_SEARCHED))


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
            f"sheet={sheet!r} was given for a {kind} file", hint="pass sheet= only for .xlsx files"
        )
    text = dict.fromkeys(text_columns, "str")
    try:
        if kind == "json":
            return Loaded(pd.read_json(path, orient="records", dtype=text), 2)
        if kind == "parquet":
            return Loaded(pd.read_parquet(path), 2)
        with contextlib.ExitStack() as stack:
            container = _container(path) if kind == "hxl" else kind
            book = stack.enter_context(_excel_file(path)) if container == "xlsx" else None
            chosen = None if book is None else _sheet(path, book, sheet)
            head = _first_rows(path, encoding, book, chosen)
            hashtags = _hashtag_row(head)
            if hashtags is None and kind == "hxl":
                raise _unreadable(
                    path,
                    f"no row of HXL hashtags in the first {_HASHTAG_ROWS_SEARCHED} rows of {str(path)!r}",
                    "add a row of hashtags such as #meta+id, #affected+killed under the header row, "
                    "or read the file without format='hxl'",
                )
            if hashtags is None:
                return Loaded(restore_formulas(_plain_table(path, encoding, book, chosen, text)), 2)
            return Loaded(_hxl_table(path, encoding, book, chosen, head, hashtags), hashtags + 2, hxl=True)
    except ReconcileError:
        raise
    except UnicodeDecodeError as exc:
        raise _bad_encoding(path, encoding) from exc
    except LookupError as exc:
        raise ArgumentError(
            f"unknown encoding {encoding!r}", hint="pass e.g. 'utf-8', 'cp1252' or 'latin-1'"
        ) from exc
    except OSError as exc:
        raise _unreadable(
            path,
            f"cannot open {str(path)!r} ({exc.strerror or exc})",
            "check the path (relative paths start from the working directory)",
        ) from exc
    except ImportError as exc:
        raise MissingDependencyError(
            f"reading {str(path)!r} needs pyarrow ({exc})", hint="pip install pyarrow", package="pyarrow"
        ) from exc
    except (ValueError, pd.errors.ParserError, zipfile.BadZipFile) as exc:
        raise _unreadable(
            path,
            f"cannot read {str(path)!r} as a table: {exc}",
            "save the file as UTF-8 with one claim per row and a header row",
        ) from exc


def _plain_table(
    path: Path, encoding: str, book: Any, sheet: str | None, text: dict[str, str]
) -> pd.DataFrame:
    """A CSV file or a sheet with a header row; text columns read as text."""
    if book is None:
        try:
            with warnings.catch_warnings():
                # With index_col=False pandas cuts off cells beyond the header's, and only warns.
                warnings.simplefilter("error", pd.errors.ParserWarning)
                return pd.read_csv(path, dtype=text, encoding=encoding, index_col=False)
        except (pd.errors.ParserWarning, pd.errors.ParserError) as exc:
            if isinstance(exc, pd.errors.ParserError) and "fields in line" not in str(exc):
                raise
            raise _extra_cells(path, encoding, exc) from None
    frame = _read_sheet(book, sheet, dtype=text)
    # A date typed into a cell comes back as a timestamp at midnight: keep the date.
    dated = [column for column in text if column in frame.columns]
    frame[dated] = frame[dated].replace(r"^(\d{4}-\d{2}-\d{2}) 00:00:00$", r"\1", regex=True)
    return frame


def _extra_cells(path: Path, encoding: str, exc: Exception) -> ClaimsError:
    """The error for a CSV file whose rows hold more cells than its header names, by line."""
    # Only on the way to an error: find the rows the fast reader refused or would have cut.
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        width = len(next(reader, []))
        lines = [(reader.line_num, len(row)) for row in reader if len(row) > width]
    if not lines:  # the csv module reads the rows differently: say what pandas said
        return _unreadable(
            path,
            f"cannot read {str(path)!r} as a table: {exc}",
            "save the file as UTF-8 with one claim per row and a header row",
        )
    shown = [f"line {line}: {cells} cells" for line, cells in lines[:100]]
    if len(lines) > len(shown):
        shown.append(f"... and {len(lines) - len(shown)} more")
    many = len(lines) != 1
    return ClaimsError(
        f"{len(lines)} row{'s' if many else ''} of {str(path)!r} hold{'' if many else 's'} more cells "
        f"than the {width} columns its header names",
        hint="remove the extra cells, put quotes around a cell that holds a comma, "
        "or name every column in the header row",
        details="  " + "\n  ".join(shown),
        failures=None,
        origin=str(path),
        lines=[line for line, _ in lines],
    )


def _hxl_table(
    path: Path, encoding: str, book: Any, sheet: str | None, head: list[list[str]], hashtags: int
) -> pd.DataFrame:
    """The claims of an HXL file whose hashtag row is row ``hashtags`` of ``head``."""
    if book is None:
        try:
            raw = pd.read_csv(
                path, header=None, skiprows=hashtags + 1, dtype=str, encoding=encoding, keep_default_na=False
            )
        except pd.errors.EmptyDataError:  # hashtags and no rows: no claims
            raw = pd.DataFrame(columns=range(len(head[hashtags])), dtype=object)
    else:
        raw = _read_sheet(book, sheet, header=None, skiprows=hashtags + 1, dtype=str)
    tags = head[hashtags]
    raw = raw.reindex(columns=range(max(len(tags), raw.shape[1])))
    raw.columns = pd.Index([*tags, *[""] * (raw.shape[1] - len(tags))])
    return from_hxl(restore_formulas(raw.astype(object)), origin=str(path))


#: The first bytes of files that are not text tables, and what they are.
_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a zip archive (an .xlsx workbook is one)",
    b"\xd0\xcf\x11\xe0": "an old Office file (.xls or .doc)",
    b"PAR1": "a Parquet file",
    b"\x1f\x8b": "a gzip archive",
}
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def _binary_kind(head: bytes) -> str | None:
    """What a file that starts with ``head`` is, when it is plainly not text; else None."""
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if b"\x00" in head and not head.startswith(_UTF16_MARKS):
        return "a binary file"
    return None


def _bad_encoding(path: Path, encoding: str) -> ClaimsError:
    data = path.read_bytes()
    kind = _binary_kind(data[:1024])
    if kind is not None:
        return _unreadable(
            path,
            f"{str(path)!r} looks like {kind}, not a text table",
            "pass the claims file itself: CSV text, or a .xlsx, .json or .parquet file named for what it is",
        )
    if data.startswith(_UTF16_MARKS) and encoding.lower().replace("_", "-") not in ("utf-16", "utf16"):
        return ClaimsError(
            f"{str(path)!r} is UTF-16 text, not {encoding}",
            hint="save the file as UTF-8, or pass encoding='utf-16'",
            failures=None,
            origin=str(path),
            line=1,
        )
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1]
        named = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf-8", "utf8") else encoding
        return ClaimsError(
            f"{str(path)!r} is not {named} text: line {line} holds the byte {byte!r}",
            hint="save the file as UTF-8, or pass its encoding, e.g. encoding='cp1252' or 'latin-1'",
            failures=None,
            origin=str(path),
            line=line,
        )
    return _unreadable(path, f"cannot read {str(path)!r} as {encoding} text", "save the file as UTF-8")


# ------------------------------------------------------------------------------------ writing


@contextlib.contextmanager
def _replacing(targets: list[Path]) -> Iterator[list[Path]]:
    """Temporary paths beside ``targets``; moved onto them only when every write succeeded."""
    temporary = [target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp") for target in targets]
    try:
        yield temporary
        for source, target in zip(temporary, targets, strict=True):
            os.replace(source, target)
    finally:
        for source in temporary:
            with contextlib.suppress(FileNotFoundError):
                source.unlink()


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready objects: missing cells None, open ends the text ``inf``/``-inf``.

    ``"inf"`` is how :func:`reconcile.read_claims` reads an open end from JSON; the
    command's JSON report and :func:`reconcile.write_claims` both write records this way.

    Examples:
        >>> import pandas as pd
        >>> json_records(pd.DataFrame({"low": [7000.0], "high": [float("inf")], "via": [None]}))
        [{'low': 7000.0, 'high': 'inf', 'via': None}]

    """
    cells = _open_ends_as_text(frame).astype(object)
    cells.columns = [str(column) for column in cells.columns]
    return cast("list[dict[str, Any]]", cells.where(frame.notna().to_numpy(), None).to_dict(orient="records"))


def _json_records(frame: pd.DataFrame) -> str:
    return json.dumps(json_records(frame), ensure_ascii=False, allow_nan=False, indent=1, default=str)


def _write_one(frame: pd.DataFrame, path: Path, kind: Format, container: str, sheet: str) -> None:
    if kind == "json":
        path.write_text(_json_records(frame) + "\n", encoding="utf-8")
    elif kind == "parquet":
        frame.to_parquet(path, index=False)
    else:
        cells = _open_ends_as_text(to_hxl(frame) if kind == "hxl" else frame)
        cells = neutralise_formulas(_excel_text(cells) if container == "xlsx" else cells)
        if container == "xlsx":
            with pd.ExcelWriter(path, engine="openpyxl") as book:
                cells.to_excel(book, sheet_name=sheet, index=False, header=kind != "hxl")
        else:
            # CRLF ends rows (RFC 4180), so a cell holding a carriage return is quoted.
            cells.to_csv(path, index=False, header=kind != "hxl", encoding="utf-8", lineterminator="\r\n")


def write_tables(
    tables: Mapping[str, pd.DataFrame], path: str | os.PathLike[str], format: str | None = None
) -> list[Path]:
    """Write named tables: to one Excel workbook (a sheet each), or to one file each in a folder.

    For ``.xlsx`` (or ``format="xlsx"``) ``path`` is the workbook; for any other format it
    is a folder (made if missing) that gets ``<name>.csv``, ``<name>.json``,
    ``<name>.parquet`` or, for ``hxl``, ``<name>.csv`` with a hashtag row. Either every file
    is written or none is changed.

    Returns:
        The paths written.

    Raises:
        ArgumentError: the format is unknown or a table cannot be written in it.

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
        )
    else:
        kind = format_of(target, format, reading=False)
    if kind != "xlsx" and target.suffix.lower() in _FILE_EXTENSIONS and not target.is_dir():
        raise ArgumentError(
            f"format={kind!r} writes a folder of files, and {str(target)!r} is named like a file",
            hint=f"name a folder without an extension (e.g. {str(target.with_suffix(''))!r}), or pass a "
            ".xlsx path for one workbook",
        )
    try:
        if kind == "xlsx":
            with _replacing([target]) as (workbook,), pd.ExcelWriter(workbook, engine="openpyxl") as book:
                for name, table in tables.items():
                    cells = neutralise_formulas(_excel_text(_open_ends_as_text(table)))
                    cells.to_excel(book, sheet_name=name, index=False)
            return [target]
        target.mkdir(parents=True, exist_ok=True)
        extension = {"csv": ".csv", "json": ".json", "parquet": ".parquet", "hxl": ".csv"}[kind]
        files = [target / f"{name}{extension}" for name in tables]
        with _replacing(files) as temporary:
            for table, file in zip(tables.values(), temporary, strict=True):
                _write_one(table, file, kind, "csv", "")
        return files
    except ReconcileError:
        raise
    except (OSError, ValueError, TypeError, ImportError) as exc:
        raise ArgumentError(
            f"cannot write {str(target)!r}: {exc}", hint="check the folder exists and is writable"
        ) from exc


def write_table(frame: pd.DataFrame, path: Path, format: str | None, *, sheet: str = "claims") -> None:
    """Write one table to ``path`` atomically; ``sheet`` names its sheet in a workbook.

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "notes.csv"
        >>> write_table(pd.DataFrame({"note": ["=1+1"]}), path, None)
        >>> path.read_text().splitlines()
        ['note', "'=1+1"]

    """
    kind = format_of(path, format, reading=False)
    container = _container(path) if kind == "hxl" else kind
    try:
        with _replacing([path]) as (temporary,):
            _write_one(frame, temporary, kind, container, sheet)
    except ReconcileError:
        raise
    except ImportError as exc:
        raise MissingDependencyError(
            f"writing {str(path)!r} needs openpyxl ({exc})",
            hint="pip install 'reconcile[excel]'",
            package="openpyxl",
        ) from exc
    except (OSError, ValueError, TypeError) as exc:
        raise ArgumentError(
            f"cannot write {str(path)!r}: {exc}",
            hint="check the folder exists and is writable, and that text cells hold no control characters",
        ) from exc
