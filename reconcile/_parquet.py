"""Parquet files read as claims tables: pyarrow's table, checked before pandas makes a frame of it.

- **A broken file is not a missing one.** A file that opens but that pyarrow cannot read (a
  byte of a page header changed, a file cut short) is refused as not a table; only a file
  that cannot be opened is one that "cannot open".
- **A cell holds one value.** A list, struct, map or union in a column is refused, naming its
  column and line, as JSON refuses a list or object as a cell: pandas would make text of its
  repr (``[1 2]``).
- **Text that is not UTF-8 is named by its cells.** pyarrow does not check the bytes of a
  string column on read; a column whose bytes are not all UTF-8 is read as bytes, so that
  :func:`reconcile._clean.clean_text` names each cell that is not text, by column and line.

Rows are numbered as in every file read: row 0 on line 2, under the header (the schema).

Examples:
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "claims.parquet"
    >>> pq.write_table(pa.table({"claim_id": ["a", "b"], "place": [None, ["Mosul", "Erbil"]]}), path)
    >>> parquet_frame(path)
    Traceback (most recent call last):
    ...
    reconcile.errors.ClaimsError: line 3 of '...claims.parquet' holds a list under 'place', not a value: ...

"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from reconcile._unreadable import unreadable
from reconcile.errors import ClaimsError, Reason

__all__ = ["parquet_frame"]

# The file line of row 0: line 1 is the header.
_FIRST_LINE = 2
# What a string column is read as when its bytes are not all UTF-8.
_AS_BYTES = {pa.string(): pa.binary(), pa.large_string(): pa.large_binary()}


def parquet_frame(path: Path) -> pd.DataFrame:
    """The Parquet file at ``path`` as a frame, its pandas metadata (index, types) applied.

    Raises:
        OSError: the file cannot be opened; the caller says so, naming it.
        ClaimsError: the file is not Parquet or is broken (reason ``not_a_table``), or a
            cell holds a list, struct, map or union (``not_a_table``, naming column and line).

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "claims.parquet"
        >>> pq.write_table(pa.table({"claim_id": ["a"], "value": [0.7333333333333334]}), path)
        >>> parquet_frame(path).to_dict(orient="records")
        [{'claim_id': 'a', 'value': 0.7333333333333334}]

    """
    with path.open("rb") as handle:  # a file that cannot be opened raises OSError here
        try:
            table = pq.ParquetFile(handle).read(use_pandas_metadata=True)
        except (pa.ArrowException, OSError) as exc:  # the file is there: it is broken
            raise _broken(path, exc) from exc
    _one_value_each(path, table)
    for position, field in enumerate(table.schema):
        if _values(field.type) in _AS_BYTES and not _utf8(table.column(position)):
            table = table.set_column(position, field.name, _as_bytes(table.column(position)))
    try:
        frame: pd.DataFrame = table.to_pandas()
    except (pa.ArrowException, LookupError, ValueError, TypeError) as exc:  # e.g. broken pandas metadata
        raise _broken(path, exc) from exc
    return frame


def _broken(path: Path, exc: BaseException) -> ClaimsError:
    return unreadable(
        path,
        f"cannot read {str(path)!r} as a table: it is not a Parquet file, or a broken one "
        f"({type(exc).__name__}: {exc})",
        "write the file again from the program that made it, or name it for what it is",
        Reason.NOT_A_TABLE,
    )


def _one_value_each(path: Path, table: pa.Table) -> None:
    """Refuse the first cell that holds a list, struct, map or union, by column and line."""
    for position, field in enumerate(table.schema):
        kind = _nested_kind(field.type)
        if kind is None:
            continue
        row = pc.index(pc.is_valid(table.column(position)), True).as_py()
        if row < 0:  # only nulls: no cell holds more than one value
            continue
        line = row + _FIRST_LINE
        raise unreadable(
            path,
            f"line {line} of {str(path)!r} holds a {kind} under {field.name!r}, not a value",
            "give one value per cell: join the parts into one text, or give each a column of its own",
            Reason.NOT_A_TABLE,
            line=line,
        )


def _nested_kind(kind: pa.DataType) -> str | None:
    """What a cell of type ``kind`` holds if more than one value ("list", "struct" ...); else None."""
    kind = _values(kind)
    if not pa.types.is_nested(kind):
        return None
    if pa.types.is_struct(kind):
        return "struct"
    if pa.types.is_map(kind):
        return "map"
    return "union" if pa.types.is_union(kind) else "list"


def _values(kind: pa.DataType) -> pa.DataType:
    """The type of a column's values: a dictionary-encoded (categorical) column's, or its own."""
    return kind.value_type if pa.types.is_dictionary(kind) else kind


def _as_bytes(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A string column (dictionary-encoded or not) as the bytes it holds."""
    if pa.types.is_dictionary(column.type):
        column = pa.chunked_array(
            [chunk.dictionary_decode() for chunk in column.chunks], column.type.value_type
        )
    return column.cast(_AS_BYTES[column.type])


def _utf8(column: pa.ChunkedArray) -> bool:
    """Whether every byte of a string column is UTF-8 (pyarrow does not check when it reads)."""
    try:
        column.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True
