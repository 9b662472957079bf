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
- **Text that cannot be text is refused**: a lone surrogate (from JSON ``"\ud800"``) is a
  failure naming its column and row, for the reader's error.

Examples:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"place": ["Mosul\u200b", "NA", "Mosul"], "value": [1.0, 2.0, 3.0]})
    >>> cleaned, notes, failures = clean_text(frame, {})
    >>> cleaned["place"].tolist(), [str(note) for note in notes], len(failures)
    (['Mosul', 'NA', 'Mosul'], ['place: invisible or control characters removed from 1 cell (row 0)'], 0)

"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from reconcile.errors import ClaimsError, Note, Reason

__all__ = ["INVISIBLE", "clean_text", "json_records_frame"]

#: Characters removed from text cells: C0 and C1 controls but tab and line breaks, DEL, and the
#: invisible format characters (zero-width spaces and joiners, word joiner, byte-order mark,
#: soft hyphen, bidirectional marks, embeddings, overrides and isolates).
INVISIBLE = (
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb]"
)
_SHOWN = 10


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
    repeated = frame.columns[frame.columns.duplicated()]
    if len(repeated):
        raise ClaimsError(
            f"the table names the column {repeated[0]!r} twice",
            hint="rename or remove one of them: which one holds the claims is not known",
            reason=Reason.REPEATED_COLUMN,
            failures=None,
            origin=None,
        )
    for column in frame.columns:
        cells = frame[column]
        if pd.api.types.is_numeric_dtype(cells) or pd.api.types.is_bool_dtype(cells):
            continue
        given = labels.get(str(column))
        name = given if isinstance(given, str) else str(column)
        text, broken = _as_text(cells)
        if broken.any():
            at = np.flatnonzero(broken)
            failures.append(
                pd.DataFrame(
                    {
                        "index": frame.index[at],
                        "column": column,
                        "check": "text",
                        "failure_case": [repr(value) for value in cells.to_numpy(dtype=object)[at]],
                        "message": f"{name} holds a lone surrogate (a broken character), which is not text",
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


def _as_text(cells: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """The cells as text (missing stays missing), and where a cell cannot be text (lone surrogates)."""
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

    Raises ValueError naming what is wrong (not a list, an item that is not an object); the
    caller turns it into an error that names the file.

    Examples:
        >>> import tempfile
        >>> path = Path(tempfile.mkdtemp()) / "claims.json"
        >>> _ = path.write_text('[{"claim_id": "a", "high": 0.7333333333333334, "place": "NA"}]')
        >>> json_records_frame(path, ("claim_id", "place")).to_dict(orient="records")
        [{'claim_id': 'a', 'high': 0.7333333333333334, 'place': 'NA'}]

    """
    try:
        records = json.loads(path.read_text(encoding="utf-8-sig"))
    except RecursionError as exc:
        raise ValueError("it nests lists or objects too deep to be a table") from exc
    if not isinstance(records, list):
        raise ValueError(f"it holds a JSON {type(records).__name__}, not a list of records")
    if not records:
        return pd.DataFrame()
    for number, record in enumerate(records):
        if not isinstance(record, dict):
            raise ValueError(
                f"item {number} is a JSON {_json_kind(record)}, not an object of column: value pairs"
            )
    frame = pd.DataFrame.from_records(records)
    for column in frame.columns:
        cells = frame[column]
        nested = cells.map(lambda cell: isinstance(cell, (list, dict))).to_numpy(dtype=bool)
        if nested.any():
            row = int(np.flatnonzero(nested)[0])
            raise ValueError(
                f"record {row} holds a {_json_kind(cells.iloc[row])} under {column!r}, not a value"
            )
        if column in text_columns:  # a number under a text column is its text; null stays missing
            frame[column] = cells.map(
                lambda cell: None if _missing(cell) else cell if isinstance(cell, str) else str(cell)
            )
    return frame


def _missing(cell: object) -> bool:
    return cell is None or (isinstance(cell, float) and cell != cell)


def _json_kind(value: object) -> str:
    return {list: "list", dict: "object", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), "number"
    )
