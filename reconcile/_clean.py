r"""The one text-cleaning step every claims table takes on read, whatever its format.

- **Only an empty cell is missing.** ``NA`` (Namibia's code), ``N/A``, ``None``, ``null`` and
  ``nan`` in a text column are text; the readers do not turn them into missing values. (In a
  figure column they hold no figure: see :mod:`reconcile._cells`.)
- **One spelling of each text.** Text is put in Unicode normal form C, so ``Mosul`` typed with
  a combining accent and with a precomposed one is one place.
- **Nothing invisible.** Zero-width and other invisible format characters (U+200B, U+FEFF, a
  soft hyphen, bidirectional controls ...) and control characters other than tab and line
  breaks are removed, each column's removals said in a :class:`~reconcile.errors.Note`: an
  invisible character would split one quantity into two, or let ``a`` and ``a``\ +U+200B pass
  as two claim ids.
- **Text that cannot be text is refused**: a lone surrogate (from JSON ``"\ud800"``), or
  bytes that are not UTF-8 (from a Parquet or binary column), is a failure naming its column
  and row, for the reader's error.
- **One name, one column.** Column names are compared as cells are cleaned (normal form C,
  nothing invisible, no surrounding space): ``value`` and ``value``\ +U+200B name one column
  twice, which is refused (:func:`repeated_name`).

Examples:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"place": ["Mosul\u200b", "NA", "Mosul"], "value": [1.0, 2.0, 3.0]})
    >>> cleaned, notes, failures = clean_text(frame, {})
    >>> cleaned["place"].tolist(), [str(note) for note in notes], len(failures)
    (['Mosul', 'NA', 'Mosul'], ['place: invisible or control characters removed from 1 cell (row 0)'], 0)
    >>> repeated_name(["claim_id", "value", "\ufeffvalue "])
    (1, 2)

"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from reconcile._unreadable import unreadable
from reconcile.errors import ClaimsError, Note, Reason

__all__ = [
    "INVISIBLE",
    "clean_name",
    "clean_text",
    "json_records_frame",
    "refuse_repeated_names",
    "repeated_name",
    "unpadded_lengths",
]

#: Characters removed from text cells: C0 and C1 controls but tab and line breaks, DEL, and the
#: invisible format characters (zero-width spaces and joiners, word joiner, byte-order mark,
#: soft hyphen, bidirectional marks, embeddings, overrides and isolates).
INVISIBLE = (
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_SHOWN = 10
_INVISIBLE = re.compile(INVISIBLE)


def clean_name(name: str) -> str:
    r"""A column name as cells are cleaned: normal form C, nothing invisible, no surrounding space.

    Examples:
        >>> clean_name(" cafe\u0301\u200b"), clean_name("\ufeffvalue")
        ('café', 'value')

    """
    return unicodedata.normalize("NFC", _INVISIBLE.sub("", name)).strip()


def repeated_name(names: Sequence[object], *, blank_ok: bool = False) -> tuple[int, int] | None:
    """The positions of the first name that repeats an earlier one once cleaned, or None.

    Names that are not text (a DataFrame's numbers) are compared as they are; with
    ``blank_ok`` blank names (header cells left empty, which pandas names itself) are not.
    """
    seen: dict[object, int] = {}
    for position, name in enumerate(names):
        key = clean_name(name) if isinstance(name, str) else name
        if blank_ok and key == "":
            continue
        if key in seen:
            return seen[key], position
        seen[key] = position
    return None


def refuse_repeated_names(
    names: Sequence[object],
    *,
    where: str,
    origin: str | None = None,
    line: int | None = None,
    blank_ok: bool = False,
) -> None:
    r"""Refuse names that name one column twice once cleaned (see :func:`repeated_name`).

    ``where`` says whose names they are ("the header of 'claims.csv'"); ``origin`` and
    ``line`` go to the error.

    Raises:
        ClaimsError: reason ``repeated_column``, naming the column, both positions and, when
            they are spelled apart, how.

    Examples:
        >>> refuse_repeated_names(["value", "value\u200b"], where="the table")
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: the table names the column 'value' twice (columns 0 and 1: ...

    """
    repeated = repeated_name(names, blank_ok=blank_ok)
    if repeated is None:
        return
    first, second = (names[position] for position in repeated)
    named = clean_name(first) if isinstance(first, str) else first
    differ = (
        ""
        if first == second
        else f": {first!r} and {second!r} differ only by invisible characters, space or normal form"
    )
    raise ClaimsError(
        f"{where} names the column {named!r} twice (columns {repeated[0]} and {repeated[1]}{differ})",
        hint="rename or remove one of them: which one holds the figures is not known",
        reason=Reason.REPEATED_COLUMN,
        failures=None,
        origin=origin,
        line=line,
    )


def clean_text(
    frame: pd.DataFrame, labels: Mapping[str, Any], first_line: int | None = None
) -> tuple[pd.DataFrame, list[Note], pd.DataFrame]:
    """Text columns in normal form C without invisible characters; notes; failures for bad text.

    ``labels`` names columns as the file does; ``first_line`` is the file line of row 0 (None
    for a DataFrame, whose rows are named by position). Returns the cleaned frame, a note per
    column that lost characters, and a failures table (the ``found`` of
    :func:`reconcile.claims.validate`) for cells that hold lone surrogates.
    """
    notes: list[Note] = []
    failures = []
    changed: dict[Any, pd.Series] = {}
    refuse_repeated_names(list(frame.columns), where="the table")
    for column in frame.columns:
        cells = frame[column]
        if pd.api.types.is_numeric_dtype(cells) or pd.api.types.is_bool_dtype(cells):
            continue
        given = labels.get(str(column))
        name = given if isinstance(given, str) else str(column)
        text, broken = _as_text(cells)
        if not broken.any() and _plain_ascii(text):  # nothing to remove or to normalise
            if text.dtype != cells.dtype:
                changed[column] = text
            continue
        if broken.any():
            at = np.flatnonzero(broken)
            values = cells.to_numpy(dtype=object)[at]
            failures.append(
                pd.DataFrame(
                    {
                        "index": frame.index[at],
                        "column": column,
                        "check": "text",
                        "failure_case": [repr(value) for value in values],
                        "message": [  # an error path only: a message per broken cell
                            f"{name} holds bytes that are not UTF-8 ({value!r}), which are not text"
                            if isinstance(value, bytes)
                            else f"{name} holds a lone surrogate (a broken character), which is not text"
                            for value in values
                        ],
                        "hint": "save the file as UTF-8 from the program that wrote it",
                        "schema_context": "text",
                        "reason": Reason.UNREADABLE,
                    }
                )
            )
        hidden = text.str.contains(INVISIBLE, regex=True).fillna(False).to_numpy(dtype=bool)
        if hidden.any():
            text = text.str.replace(INVISIBLE, "", regex=True)
            rows = np.flatnonzero(hidden)
            where = (rows + first_line) if first_line is not None else np.asarray(frame.index[rows])
            word = "line" if first_line is not None else "row"
            shown = ", ".join(map(str, where[:_SHOWN].tolist())) + (" ..." if len(rows) > _SHOWN else "")
            plural = "s" if len(rows) != 1 else ""
            notes.append(
                Note(
                    Reason.INVISIBLE_CHARACTERS,
                    f"{name}: invisible or control characters removed from {len(rows)} cell{plural} "
                    f"({word}{plural} {shown})",
                    column=name,
                    lines=tuple(where[:100].tolist()) if first_line is not None else (),
                    count=len(rows),
                )
            )
        unusual = ~text.str.isascii().fillna(True).to_numpy(dtype=bool)
        if unusual.any():
            text = text.mask(unusual, text[unusual].str.normalize("NFC"))
        if hidden.any() or unusual.any() or broken.any() or text.dtype != cells.dtype:
            changed[column] = text
    if changed:
        frame = frame.assign(**{str(column): values for column, values in changed.items()})
    found = pd.concat(failures, ignore_index=True) if failures else pd.DataFrame()
    return frame, notes, found


def _ascii_lengths(text: pd.Series, *, unpadded: bool) -> np.ndarray | None:
    """Per cell, its length, if every byte of an Arrow text column is printable ASCII, a tab or a line break.

    With ``unpadded``, also no cell may start or end with whitespace. Else None: the column
    takes the longer way. One pass over the column's bytes, a few milliseconds a million
    cells. (Bytes of cells sliced away count too: that only sends a column the longer way.)
    """
    if not hasattr(text.array, "__arrow_array__"):
        return None
    lengths = []
    for chunk in text.array.__arrow_array__().chunks:
        buffers = chunk.buffers()
        if len(buffers) != 3 or buffers[1] is None:  # not a plain string array: the longer way
            return None
        wide = pa.types.is_large_string(chunk.type)
        offsets = np.frombuffer(buffers[1], dtype=np.int64 if wide else np.int32)
        offsets = offsets[chunk.offset : chunk.offset + len(chunk) + 1].astype(np.int64)
        data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
        controls = bool(len(data)) and int(data.min()) < 0x20  # (two reductions settle most columns)
        if len(data) and int(data.max()) >= 0x7F:
            return None
        if controls and ((data < 0x20) & (data != 0x09) & (data != 0x0A) & (data != 0x0D)).any():
            return None
        length = np.diff(offsets)
        if unpadded:
            filled = length > 0
            ends = data[np.concatenate([offsets[:-1][filled], offsets[1:][filled] - 1])]
            if (np.isin(ends, _ASCII_SPACES) if controls else ends == 0x20).any():
                return None
        lengths.append(length)
    return np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)


# What str.strip removes from ASCII text: space, tab, line breaks, vertical tab, form feed.
_ASCII_SPACES = np.array([0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x1F], dtype=np.uint8)


def unpadded_lengths(text: pd.Series) -> np.ndarray | None:
    """Per cell, its length, where stripping the column's cells would change none of them; else None.

    A column of printable ASCII whose cells neither start nor end with whitespace: its
    blank cells are its empty ones, found without stripping a million cells.

    Examples:
        >>> unpadded_lengths(pd.Series(["Mosul", "", None], dtype="str")).tolist()
        [5, 0, 0]
        >>> unpadded_lengths(pd.Series(["Mosul ", "Erbil"], dtype="str")) is None
        True

    """
    return _ascii_lengths(text, unpadded=True)


def _plain_ascii(text: pd.Series) -> bool:
    """Whether every byte of an Arrow text column is printable ASCII, a tab or a line break."""
    return _ascii_lengths(text, unpadded=False) is not None


def _as_text(cells: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The cells as text (missing stays missing), and where a cell cannot be text.

    A cell cannot be text if it holds a lone surrogate, or bytes that are not UTF-8.
    """
    if pd.api.types.is_string_dtype(cells) and not pd.api.types.is_object_dtype(cells):
        return cells, np.zeros(len(cells), dtype=bool)
    try:
        return cells.astype("str"), np.zeros(len(cells), dtype=bool)
    except (UnicodeError, ValueError, TypeError):
        values = cells.to_numpy(dtype=object)
        broken = np.array([_broken(value) for value in values], dtype=bool)  # an error path only
        kept = values.copy()
        kept[broken] = None
        return pd.Series(list(kept), index=cells.index, dtype="str"), broken


def _broken(value: object) -> bool:
    if isinstance(value, bytes):  # bytes that were never decoded are not text
        return True
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def json_records_frame(path: Path, text_columns: tuple[str, ...]) -> pd.DataFrame:
    """A JSON file holding a list of records, read exactly: floats to the last bit, a BOM skipped.

    A number under a text column is the text the file prints (``2016``, not ``2016.0``; a
    float as its shortest exact text), and a ``NaN`` there is missing.

    Raises ValueError naming what is wrong (not a list, an item that is not an object); the
    caller turns it into an error that names the file. A record that gives one key twice
    is a :class:`~reconcile.errors.ClaimsError` (reason ``repeated_column``) naming the key
    and the record: JSON keeps only the last value.

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "claims.json"
        >>> _ = path.write_text('[{"claim_id": "a", "high": 0.7333333333333334, "place": "NA"},'
        ...                     ' {"claim_id": 7, "high": 1, "place": null}]')
        >>> json_records_frame(path, ("claim_id", "place")).to_dict(orient="list")
        {'claim_id': ['a', '7'], 'high': [0.7333333333333334, 1.0], 'place': ['NA', nan]}
        >>> _ = path.write_text('[{"claim_id": "a", "value": 1, "value": 2}]')
        >>> json_records_frame(path, ("claim_id",))
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: record 0 of '...claims.json' gives the key 'value' twice: ...

    """
    text = frozenset(text_columns)

    def record(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        # Called for every JSON object, as it is parsed: numbers under text columns become
        # their text here, before pandas makes a column of them floats (7 and null: 7.0).
        made = {key: _printed(value) if key in text else value for key, value in pairs}
        if len(made) == len(pairs):
            return made
        counted: dict[str, int] = {}
        for key, _ in pairs:
            counted[key] = counted.get(key, 0) + 1
        return _RepeatedKey(made, key=next(key for key, count in counted.items() if count > 1))

    try:
        records = json.loads(path.read_text(encoding="utf-8-sig"), object_pairs_hook=record)
    except RecursionError as exc:
        raise ValueError("it nests lists or objects too deep to be a table") from exc
    if not isinstance(records, list):
        raise ValueError(f"it holds a JSON {_json_kind(records)}, not a list of records")
    if not records:
        return pd.DataFrame()
    for number, item in enumerate(records):
        if not isinstance(item, dict):
            raise ValueError(
                f"item {number} is a JSON {_json_kind(item)}, not an object of column: value pairs"
            )
        if isinstance(item, _RepeatedKey):
            raise unreadable(
                path,
                f"record {number} of {str(path)!r} gives the key {item.key!r} twice: JSON keeps only "
                "the last value",
                "remove or rename one of them: which one holds the figure is not known",
                Reason.REPEATED_COLUMN,
            )
    try:
        frame = pd.DataFrame.from_records(records)
    except UnicodeEncodeError:  # a lone surrogate: see _with_surrogates
        frame = _with_surrogates(records)
    # Keys that are one once cleaned, as "value" and "value\u200b".
    refuse_repeated_names(list(frame.columns), where=f"the records of {str(path)!r}", origin=str(path))
    for column in frame.columns:
        cells = frame[column]
        if not pd.api.types.is_object_dtype(cells):  # a column of lists or objects is of objects
            continue
        nested = cells.map(lambda cell: isinstance(cell, (list, dict))).to_numpy(dtype=bool)
        if nested.any():
            row = int(np.flatnonzero(nested)[0])
            raise ValueError(
                f"record {row} holds a {_json_kind(cells.iloc[row])} under {column!r}, not a value"
            )
    return frame


class _RepeatedKey(dict[str, Any]):
    """A JSON object that gave ``key`` twice, kept so that the error can name its record."""

    __slots__ = ("key",)

    def __init__(self, pairs: dict[str, Any], *, key: str) -> None:
        super().__init__(pairs)
        self.key = key


def _printed(value: object) -> object:
    """A JSON number as the text it is printed as (NaN, which has no text, as missing); else ``value``."""
    if type(value) is int:
        return str(value)
    if type(value) is float:
        return None if math.isnan(value) else repr(value)
    if type(value) is bool:
        return "true" if value else "false"
    return value


def _with_surrogates(records: list[dict[str, Any]]) -> pd.DataFrame:
    """The records as columns where pandas cannot make text of a lone surrogate (an error path only).

    A column that holds one keeps Python strings, for :func:`clean_text` to name its cells.
    """
    names = list(dict.fromkeys(key for record in records for key in record))
    columns = {}
    for name in names:
        cells = [record.get(name) for record in records]
        try:
            columns[name] = pd.Series(cells)
        except UnicodeEncodeError:
            columns[name] = pd.Series(cells, dtype=object)
    return pd.DataFrame(columns)


def _json_kind(value: object) -> str:
    kinds = ((list, "list"), (dict, "object"), (str, "string"), (bool, "boolean"), (type(None), "null"))
    return next((kind for python, kind in kinds if isinstance(value, python)), "number")
