r"""How :mod:`reconcile.formats` writes a table: cells made safe, files replaced whole, folders at once.

:func:`reconcile.formats.write_table` and :func:`~reconcile.formats.write_tables` decide what
goes where; this module does the writing, by these rules:

- **Formulas.** A text cell *or a column name* that begins with ``=``, ``+``, ``-``, ``@``, a
  tab or a carriage return gets a ``'`` in front in CSV, Excel and HXL
  (:func:`neutralise_formulas`); :func:`restore_formulas` takes it off again when such a
  file is read, from the cells and from the header.
- **Text a file can hold.** A lone surrogate (half of a UTF-16 pair, which no UTF-8 file can
  hold) in a cell or a column name is refused in every format, and so is a control character
  that Excel cannot store (``\x00`` to ``\x1f`` but tab, line feed and carriage return) in a
  workbook: the error names the column and the row, rather than the file being changed
  silently or the write failing half-way with an encoder's error.
- **Exact numbers.** JSON is written by Python's ``json``, whose floats are the shortest
  text that reads back to the same float (``0.7333333333333334``, ``5e-324``), and whose
  integers keep every digit (pandas' own writer keeps 15 significant digits at most).
- **Files replaced whole**, folders at once: see :mod:`reconcile._replacing`.


Examples:
    >>> import pandas as pd
    >>> table = pd.DataFrame({"=HYPERLINK(A2)": ["-1+1", "ok"], "n": [-1, 2]})
    >>> neutralise_formulas(table)
      '=HYPERLINK(A2)  n
    0           '-1+1 -1
    1              ok  2
    >>> restore_formulas(neutralise_formulas(table)).equals(table)
    True
    >>> json_text(pd.DataFrame({"share": [0.7333333333333334], "tiny": [5e-324]}))
    '[\n {\n  "share": 0.7333333333333334,\n  "tiny": 5e-324\n }\n]'

"""

from __future__ import annotations

import io
import json
import math
import re
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, cast

import numpy as np
import pandas as pd

from reconcile.errors import ArgumentError, MissingDependencyError, Reason, ReconcileError
from reconcile.hxl import to_hxl

__all__ = [
    "check_cells",
    "excel_bytes",
    "json_records",
    "json_text",
    "neutralise_formulas",
    "restore_formulas",
    "write_cells",
    "write_failure",
]

# Text a spreadsheet may run as a formula, possibly behind quotes we added before.
_FORMULA = r"^'*[=+\-@\t\r]"
_QUOTED_FORMULA = r"^'(?='*[=+\-@\t\r])"
# What no UTF-8 file holds, and the control characters an Excel cell cannot hold.
_SURROGATE = r"[\ud800-\udfff]"
_NOT_IN_EXCEL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"


# ------------------------------------------------------------------------ formulas


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Put a ``'`` in front of every text cell and column name a spreadsheet could run as a formula.

    A cell is neutralised when it begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
    return, or with quotes followed by one of them (so :func:`restore_formulas` can tell our
    quote from the writer's). Numbers are left alone: ``-5`` in a number column is a number.
    Column names follow the same rule, as do the categories of a categorical column.

    Examples:
        >>> import pandas as pd
        >>> neutralise_formulas(pd.DataFrame({"a": ["@SUM(A1)", "'=x", "ok", None], "n": [-1, 2, 3, 4]}))
                  a  n
        0  '@SUM(A1)  -1
        1      ''=x  2
        2        ok  3
        3       NaN  4
        >>> neutralise_formulas(pd.DataFrame({"+cmd": [1]})).columns.tolist()
        ["'+cmd"]

    """
    cells = _map_text_columns(frame, _neutralise)
    return _relabel(cells, [_neutralised(label) for label in frame.columns])


def restore_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """Take off the quote :func:`neutralise_formulas` put in front of a cell or a column name.

    A column name is restored only where that gives no name the table already has (which
    no file written here holds, so a file written by hand keeps its header as it is).

    Examples:
        >>> import pandas as pd
        >>> restore_formulas(pd.DataFrame({"a": ["'=1+1", "''=x", "'quoted"]}))["a"].tolist()
        ['=1+1', "'=x", "'quoted"]
        >>> restore_formulas(pd.DataFrame({"'=a": [1], "'=b": [2], "=b": [3]})).columns.tolist()
        ['=a', "'=b", '=b']

    """
    cells = _map_text_columns(frame, _restore)
    labels = list(frame.columns)
    restored = [_restored(label) for label in labels]
    # A name whose quote is taken off stays quoted where that would name two columns alike
    # (a file written by hand with both "=x" and "'=x"); undoing one may clash again, so repeat.
    while True:
        seen = Counter(restored)
        clashing = [
            at
            for at, (old, new) in enumerate(zip(labels, restored, strict=True))
            if new is not old and seen[new] > 1
        ]
        if not clashing:
            return _relabel(cells, restored)
        for at in clashing:
            restored[at] = labels[at]


def _neutralised(label: Any) -> Any:
    return f"'{label}" if isinstance(label, str) and re.match(_FORMULA, label) else label


def _restored(label: Any) -> Any:
    return label[1:] if isinstance(label, str) and re.match(_QUOTED_FORMULA, label) else label


def _relabel(frame: pd.DataFrame, labels: list[Any]) -> pd.DataFrame:
    if all(new is old for new, old in zip(labels, frame.columns, strict=True)):
        return frame
    try:  # keep the labels' type (text, or object for mixed labels)
        index = pd.Index(labels, dtype=frame.columns.dtype)
    except (TypeError, ValueError):
        index = pd.Index(labels)
    return frame.set_axis(index, axis=1)


def _map_text_columns(frame: pd.DataFrame, change: Callable[[pd.Series], pd.Series]) -> pd.DataFrame:
    """A copy of ``frame`` with ``change`` applied to its text columns, or ``frame`` if none changed.

    Columns are taken by position, so a table whose labels repeat or are not text works too.
    """
    copy: pd.DataFrame | None = None
    for position in _text_positions(frame):
        column = frame.iloc[:, position]
        changed = change(column)
        if changed is not column:
            if copy is None:
                copy = frame.copy()
            copy.isetitem(position, changed.array)
    return frame if copy is None else copy


def _text_positions(frame: pd.DataFrame) -> list[int]:
    types = pd.api.types
    return [
        position
        for position, dtype in enumerate(frame.dtypes)
        if types.is_string_dtype(dtype)
        or types.is_object_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    ]


def _cells_where(column: pd.Series, test: Callable[[Any], pd.Series]) -> np.ndarray:
    """Where ``test`` holds for a text cell of ``column`` (given its ``.str``); never for other cells."""
    try:
        found = test(column.str)
    except (AttributeError, TypeError):  # no text in the column (numbers read from Excel, bytes)
        return np.zeros(len(column), dtype=bool)
    return cast(np.ndarray, found.to_numpy(dtype=bool, na_value=False))


def _neutralise(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return _recategorised(column, _neutralised)
    risky = _cells_where(column, lambda text: text.match(_FORMULA))
    if not risky.any():
        return column
    return column.mask(risky, "'" + column.astype("str"))


def _restore(column: pd.Series) -> pd.Series:
    if isinstance(column.dtype, pd.CategoricalDtype):
        return _recategorised(column, _restored)
    # Only a cell that starts with a quote can be one we neutralised: look further only then.
    if not _cells_where(column, lambda text: text.startswith("'")).any():
        return column
    quoted = _cells_where(column, lambda text: text.match(_QUOTED_FORMULA))
    if not quoted.any():
        return column
    return column.mask(quoted, column.astype("str").str.slice(1))


def _recategorised(column: pd.Series, rename: Callable[[Any], Any]) -> pd.Series:
    categories = list(column.cat.categories)
    renamed = [rename(category) for category in categories]
    unchanged = all(new is old for new, old in zip(renamed, categories, strict=True))
    if unchanged or len(set(renamed)) < len(renamed):
        return column
    return column.cat.rename_categories(renamed)


def _excel_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Line ends as Excel keeps them, in cells and names: its XML makes a carriage return a line feed."""

    def line_feeds(column: pd.Series) -> pd.Series:
        returns = _cells_where(column, lambda text: text.contains("\r", regex=False))
        if not returns.any():
            return column
        cells = column.astype(object)
        return cells.mask(returns, cells.astype("str").str.replace(r"\r\n?", "\n", regex=True))

    cells = _map_text_columns(frame, line_feeds)
    return _relabel(
        cells, [re.sub(r"\r\n?", "\n", label) if isinstance(label, str) else label for label in frame.columns]
    )


def _open_ends_as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Infinite numbers become the text ``inf``/``-inf`` (no format holds inf), in number or mixed columns."""
    copy: pd.DataFrame | None = None
    for position, dtype in enumerate(frame.dtypes):
        values = frame.iloc[:, position]
        if pd.api.types.is_float_dtype(dtype):
            numbers = values.to_numpy(dtype=float, na_value=np.nan)
            infinite = np.isinf(numbers)
            positive = numbers > 0
        elif pd.api.types.is_object_dtype(dtype):
            infinite = values.map(lambda cell: isinstance(cell, float) and math.isinf(cell))
            infinite = infinite.to_numpy(dtype=bool)
            positive = values.map(lambda cell: isinstance(cell, float) and cell > 0).to_numpy(dtype=bool)
        else:
            continue
        if infinite.any():
            cells = values.astype(object)
            cells[infinite] = np.where(positive[infinite], "inf", "-inf")
            if copy is None:
                copy = frame.copy()
            copy.isetitem(position, cells.array)
    return frame if copy is None else copy


# --------------------------------------------------------------------------- cells


def check_cells(frame: pd.DataFrame, *, excel: bool) -> None:
    r"""Refuse a table a file would not hold as it is: text no file encodes, or that Excel refuses.

    Raises:
        ArgumentError: (reason ``cannot_write``) a cell or a column name holds a lone
            surrogate, or for Excel a control character other than tab, line feed and
            carriage return; ``column`` names the column and ``row`` the row (from 0; None
            for the column's name). Or the table names a column twice, which no file written
            here could be read back with.

    Examples:
        >>> import pandas as pd
        >>> check_cells(pd.DataFrame({"quote": ["ok", "bell\x07"]}), excel=False)
        >>> check_cells(pd.DataFrame({"quote": ["ok", "bell\x07"]}), excel=True)
        Traceback (most recent call last):
        ...
        reconcile.errors.ArgumentError: cannot write column 'quote', row 1: ... '\x07'...

    """
    names: dict[str, int] = {}
    for position, label in enumerate(frame.columns):
        name = str(label)
        if name in names:
            raise ArgumentError(
                f"cannot write a table that names the column {name!r} twice "
                f"(columns {names[name]} and {position})",
                hint="rename or drop one of them: a file with a repeated column name is not read back",
                reason=Reason.CANNOT_WRITE,
                column=name,
            )
        names[name] = position
    patterns = [_SURROGATE, _NOT_IN_EXCEL] if excel else [_SURROGATE]
    for label in frame.columns:
        for pattern in patterns:
            if isinstance(label, str) and re.search(pattern, label):
                raise _bad_text(label, None, label, pattern)
    for position in _text_positions(frame):
        column = frame.iloc[:, position]
        for pattern in patterns:
            if pattern == _SURROGATE and _arrow_text(column):
                continue  # Arrow holds UTF-8 text only: it cannot hold a surrogate
            found = np.flatnonzero(_cells_where(column, _containing(pattern)))
            if len(found):
                row = int(found[0])
                raise _bad_text(frame.columns[position], row, str(column.iloc[row]), pattern)
        if excel:
            _fits_a_cell(column)


#: The most characters an Excel cell holds; openpyxl would write more, and Excel cut them.
EXCEL_CELL_CHARACTERS = 32_767


def _fits_a_cell(column: pd.Series) -> None:
    """Refuse a text longer than an Excel cell holds: writing it would cut it."""
    found = np.flatnonzero(_cells_where(column, lambda text: text.len() > EXCEL_CELL_CHARACTERS))
    if len(found):
        row = int(found[0])
        raise _cannot_write(
            column.name,
            row,
            f"its text of {len(str(column.iloc[row])):,} characters is longer than the "
            f"{EXCEL_CELL_CHARACTERS:,} an Excel cell holds",
            "write CSV, JSON or Parquet, which keep it whole, or shorten the text",
        )


def _containing(pattern: str) -> Callable[[Any], pd.Series]:
    return lambda text: text.contains(pattern, regex=True)


def _arrow_text(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.StringDtype) and column.dtype.storage == "pyarrow"


def _bad_text(label: Any, row: int | None, text: str, pattern: str) -> ArgumentError:
    found = re.search(pattern, text)
    character = found.group() if found else "?"
    where = f"the name of column {str(label)!r}" if row is None else f"column {str(label)!r}, row {row}"
    if pattern == _SURROGATE:
        problem = f"its text holds the lone surrogate {character!r} (half a UTF-16 pair), which no file holds"
        hint = "replace it, e.g. with text.encode('utf-8', 'replace').decode('utf-8'), or remove it"
    else:
        problem = f"its text holds the control character {character!r}, which an Excel cell cannot hold"
        hint = "remove it, or write CSV, JSON or Parquet, which keep it"
    return _cannot_write(label, row, problem, hint, where=where)


def _cannot_write(label: Any, row: int | None, problem: str, hint: str, *, where: str = "") -> ArgumentError:
    """The error for a cell (or, with ``row`` None, a column name) a file cannot hold as it is."""
    where = where or f"column {str(label)!r}, row {row}"
    return ArgumentError(
        f"cannot write {where}: {problem}", hint=hint, reason=Reason.CANNOT_WRITE, column=str(label), row=row
    )


# ---------------------------------------------------------------------------- JSON


def json_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready objects: missing cells None, open ends the text ``inf``/``-inf``.

    ``"inf"`` is how :func:`reconcile.read_claims` reads an open end from JSON; the
    command's JSON report and :func:`reconcile.write_claims` both write records this way.
    Numbers are Python's own, so ``json`` writes each float exactly (see ``json_text``).

    Examples:
        >>> import pandas as pd
        >>> json_records(pd.DataFrame({"low": [7000.0], "high": [float("inf")], "via": [None]}))
        [{'low': 7000.0, 'high': 'inf', 'via': None}]

    """
    cells = _open_ends_as_text(frame).astype(object)
    cells.columns = [str(column) for column in cells.columns]
    return cast("list[dict[str, Any]]", cells.where(frame.notna().to_numpy(), None).to_dict(orient="records"))


def json_text(frame: pd.DataFrame) -> str:
    """The table as a JSON list of records, floats written to the last bit (``repr``) and ints whole.

    Examples:
        >>> import json, pandas as pd
        >>> numbers = pd.DataFrame({"x": [0.1 + 0.2, 5e-324, 1e300], "n": pd.array([2, None, 3], "Int64")})
        >>> json.loads(json_text(numbers)) == [{"x": 0.1 + 0.2, "n": 2}, {"x": 5e-324, "n": None},
        ...                                    {"x": 1e300, "n": 3}]
        True

    """
    return json.dumps(json_records(frame), ensure_ascii=False, allow_nan=False, indent=1, default=str)


# -------------------------------------------------------------------------- writing


def write_cells(frame: pd.DataFrame, target: Any, kind: str, container: str, sheet: str) -> None:
    """``frame`` checked (:func:`check_cells`), made safe for ``kind`` and written to ``target``.

    ``target`` is a path, an open file or a ``pandas.ExcelWriter``; ``container`` is the
    file the HXL of ``kind="hxl"`` goes in (``csv`` or ``xlsx``).
    """
    check_cells(frame, excel=container == "xlsx")
    if kind == "json":
        text = json_text(frame) + "\n"
        if isinstance(target, Path):
            target.write_text(text, encoding="utf-8")
        else:
            target.write(text if isinstance(target, io.TextIOBase) else text.encode("utf-8"))
    elif kind == "parquet":
        plain = frame.copy(deep=False)
        plain.attrs = {}  # the reader's notes are about reading, not data: pandas would try to store them
        plain.to_parquet(target, index=False)
    else:
        cells = _open_ends_as_text(to_hxl(frame) if kind == "hxl" else frame)
        cells = neutralise_formulas(_excel_text(cells) if container == "xlsx" else cells)
        if isinstance(target, pd.ExcelWriter):
            _to_sheet(cells, target, sheet, header=kind != "hxl")
        elif container == "xlsx":
            data = excel_bytes(lambda book: _to_sheet(cells, book, sheet, header=kind != "hxl"))
            if isinstance(target, Path):
                target.write_bytes(data)
            else:
                target.write(data)
        else:
            # CRLF ends rows (RFC 4180), so a cell holding a carriage return is quoted.
            cells.to_csv(target, index=False, header=kind != "hxl", encoding="utf-8", lineterminator="\r\n")


def excel_bytes(fill: Callable[[pd.ExcelWriter], None]) -> bytes:
    """The workbook ``fill`` writes into, as the bytes of a ``.xlsx`` file.

    pandas saves a workbook as its writer closes, even when filling it failed (and then
    fails again, on a workbook with no sheet, hiding the first error); here a workbook that
    could not be filled is never saved.

    Examples:
        >>> import pandas as pd
        >>> excel_bytes(lambda book: pd.DataFrame({"a": [1]}).to_excel(book, index=False))[:2]
        b'PK'

    """
    buffer = io.BytesIO()
    book = pd.ExcelWriter(buffer, engine="openpyxl")
    fill(book)
    book.close()
    return buffer.getvalue()


#: The texts openpyxl writes as Excel error cells rather than as text.
_ERROR_CODE = r"#(?:NULL!|DIV/0!|VALUE!|REF!|NAME\?|NUM!|N/A)\Z"


def _to_sheet(cells: pd.DataFrame, book: pd.ExcelWriter, sheet: str, *, header: bool) -> None:
    """``cells`` as sheet ``sheet`` of ``book``, every number as exact as a JSON or CSV file has it.

    openpyxl writes a number with 16 significant digits, which loses the last bit of a float
    that needs 17 (``0.1 + 0.2``) and the last digits of an integer beyond 2**53 (and fails
    on one too large for a float): such a cell gets its exact text, still as a number.
    """
    types = pd.api.types
    # Found before the sheet is written: a workbook is saved even when writing it failed.
    inexact = [
        (position, row, number)
        for position, dtype in enumerate(cells.dtypes)
        if not types.is_bool_dtype(dtype) and (types.is_numeric_dtype(dtype) or types.is_object_dtype(dtype))
        for row, number in _inexact_in_excel(cells.iloc[:, position])
    ]
    # A text such as '#N/A' would be written as an error cell, which holds no text.
    codes = [
        (row, position)
        for position in _text_positions(cells)
        for row in np.flatnonzero(
            _cells_where(cells.iloc[:, position], lambda text: text.match(_ERROR_CODE))
        ).tolist()
    ]
    cells.to_excel(book, sheet_name=sheet, index=False, header=header)
    if getattr(book, "engine", None) != "openpyxl":
        return
    worksheet = book.sheets[sheet]
    first = 2 if header else 1
    for position, label in enumerate(cells.columns if header else ()):
        if isinstance(label, str) and re.match(_ERROR_CODE, label):
            worksheet.cell(row=1, column=position + 1).data_type = "s"
    for at, position in codes:
        worksheet.cell(row=first + at, column=position + 1).data_type = "s"
    for position, row, number in inexact:
        cell = worksheet.cell(row=first + row, column=position + 1)
        cell.value = repr(number)
        cell.data_type = "n"  # the text is the number's: a number cell, not text


def _inexact_in_excel(column: pd.Series) -> Iterator[tuple[int, int | float]]:
    """(row, number) for the numbers of ``column`` that 16 significant digits do not give back.

    Raises:
        ArgumentError: an integer is too large for a float, so for any Excel number.

    """
    numbers = (int, float, np.integer, np.floating)
    for row, value in enumerate(column.to_numpy(dtype=object)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers):
            continue
        number = value.item() if isinstance(value, (np.integer, np.floating)) else value
        try:
            if math.isfinite(number) and (
                float(f"{number:.16g}") != number or (number == 0 and math.copysign(1.0, number) < 0)
            ):
                yield row, number  # (and -0.0, which openpyxl writes as the integer -0)
        except OverflowError:
            raise _cannot_write(
                column.name,
                row,
                f"an integer of {len(str(abs(number)))} digits is too large for an Excel number "
                "(at most about 1.8e308)",
                "write it as text, or write CSV or JSON, which keep it",
            ) from None


def write_failure(path: Path, exc: BaseException, kind: str) -> ReconcileError:
    """The error for a write of ``path`` that failed with ``exc``: a missing package, or no write."""
    if isinstance(exc, ImportError):
        package = "pyarrow" if kind == "parquet" else "openpyxl"
        return MissingDependencyError(
            f"writing {str(path)!r} needs {package} ({exc})",
            hint="pip install pyarrow" if package == "pyarrow" else "pip install 'reconcile[excel]'",
            package=package,
        )
    said = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
    return ArgumentError(
        f"cannot write {str(path)!r}: {said}",
        hint="check the folder exists and is writable",
        reason=Reason.CANNOT_WRITE,
    )
