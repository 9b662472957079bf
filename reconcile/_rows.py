"""Steps :func:`reconcile.read_claims` takes on a table's rows before it checks them.

- **File-level facts.** A published file often gives its source and date once, as metadata,
  not in a column: :func:`fill_facts` writes the value the caller gives into every row that
  lacks it, and says so in a :class:`~reconcile.errors.Note`.
- **Numbers as printed.** :func:`read_numbers` reads ``low``, ``value`` and ``high`` as the
  file prints them (see :mod:`reconcile._cells`): a ``value`` cell that is a phrase ("at
  least 7,000") moves to the row's ``phrase``, to be read by the phrase reader; any other
  text is an error naming the file's own column and line.
- **Rows without a figure.** :func:`without_figure` finds the rows that give no number and
  no phrase, which the reader skips with a note.

Examples:
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"value": ["433,412", "at least 7,000", "-"], "source": [None, "IOM", None]})
    >>> filled, notes = fill_facts(frame, {"source": "UNHCR"}, {})
    >>> filled["source"].tolist(), [str(note) for note in notes]
    (['UNHCR', 'IOM', 'UNHCR'], ["source='UNHCR' fills 2 rows that leave it blank"])
    >>> numbers, failures, moved = read_numbers(filled, ".", {})
    >>> numbers["value"].tolist(), numbers["phrase"].tolist()
    ([433412.0, nan, nan], [nan, 'at least 7,000', nan])
    >>> without_figure(numbers).tolist()
    [False, False, True]

"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from reconcile._cells import blank_cells, read_printed
from reconcile.errors import ArgumentError, Note, Reason

__all__ = [
    "FILE_FACTS",
    "NUMBER_HINT",
    "fill_facts",
    "labels_of",
    "read_numbers",
    "skipped_note",
    "without_figure",
]

#: The facts a caller may give for a whole file, as HDX gives them in a dataset's metadata.
FILE_FACTS = ("source", "via", "as_of", "reported_on")
#: What to do about a number cell that cannot be read.
NUMBER_HINT = (
    "write a number as 433412, 433,412 or 433 412 (with decimal=',' for 1.234,5), a phrase such as "
    "'at least 7,000' in the value column, or '-' or nothing for no figure"
)
_ENDS = ("low", "value", "high")
_SHOWN_LINES = 100


def labels_of(labels: Mapping[str, Any], column: str, positions: np.ndarray) -> np.ndarray:
    """The file's own name of ``column`` (a header or an HXL hashtag) for each row at ``positions``.

    Examples:
        >>> labels_of({"value": np.array(["#inneed", "#affected"])}, "value", np.array([1])).tolist()
        ['#affected']
        >>> labels_of({}, "low", np.array([0, 1])).tolist()
        ['low', 'low']

    """
    given = labels.get(column, column)
    if isinstance(given, np.ndarray):
        return np.asarray(given[positions], dtype=object)
    return np.full(len(positions), given, dtype=object)


def fill_facts(
    frame: pd.DataFrame, facts: Mapping[str, object], labels: Mapping[str, Any]
) -> tuple[pd.DataFrame, list[Note]]:
    """Write each given fact into the rows that leave it blank (the whole column if the file has none).

    A date (``as_of``, ``reported_on``) may be given as a ``datetime.date``. Each fact filled
    in is said in a note, with the number of rows.

    Raises:
        ArgumentError: a fact is neither text nor a date, or is blank.

    Examples:
        >>> frame = pd.DataFrame({"value": ["12"]})
        >>> filled, notes = fill_facts(frame, {"as_of": dt.date(2017, 3, 1), "source": None}, {})
        >>> filled["as_of"].tolist(), notes[0].column
        (['2017-03-01'], 'as_of')

    """
    notes = []
    for column, given in facts.items():
        if given is None:
            continue
        if isinstance(given, dt.date) and column in ("as_of", "reported_on"):
            given = given.isoformat()
        if not isinstance(given, str) or not given.strip():
            raise ArgumentError(
                f"{column}= must be non-blank text (got {given!r})",
                hint=f"pass the {column} the file's own metadata gives, e.g. {column}='OCHA'"
                if column in ("source", "via")
                else f"pass a date such as {column}='2017-03-01'",
                reason=Reason.BAD_ARGUMENT,
            )
        text = given.strip()
        had = column in frame
        blank = blank_cells(frame[column]) if had else np.ones(len(frame), dtype=bool)
        if had and not blank.any():
            continue
        filled = frame[column].astype(object).mask(blank, text) if had else text
        frame = frame.assign(**{column: filled})
        if not blank.any():  # a file without rows still gets the column
            continue
        count = int(blank.sum())
        rows = f"{count} row{'s' if count != 1 else ''}"
        said = (
            f"fills {rows} that leave{'s' if count == 1 else ''} it blank"
            if had
            else f"is given to all {rows} (the file has no {column} column)"
        )
        notes.append(
            Note(
                Reason.FILLED_FACT,
                f"{column}={text!r} {said}",
                column=str(labels.get(column, column)) if column in labels else column,
                count=count,
            )
        )
    return frame, notes


def read_numbers(
    frame: pd.DataFrame, decimal: str, labels: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray]:
    """``low``, ``value``, ``high`` and ``weight`` as numbers, and a failure per cell that is not one.

    A ``value`` cell that is text moves to the row's ``phrase`` where the row gives none
    (and has no ``low`` or ``high`` text of its own to report); the third result says which
    rows' phrases came so. The failures table has the columns of
    :func:`reconcile.claims.validate`'s ``found``; each failing end reads as 0 (the value
    where an end fails), so the schema checks the rest of its row without reporting the
    cell again, and a failing weight as none.
    """
    present = [end for end in (*_ENDS, "weight") if end in frame]
    moves = np.zeros(len(frame), dtype=bool)
    if not present:
        return frame, pd.DataFrame(), moves
    positions = np.arange(len(frame))
    read = {end: _read_figures(frame[end], decimal) for end in present}
    numbers = {end: pair[0] for end, pair in read.items()}  # (copied below before any change)
    text = {end: pair[1] for end, pair in read.items()}
    failures = []
    changed: dict[str, Any] = {}
    if "value" in text and text["value"].any() and frame["value"].dtype.kind != "c":
        phrase = frame["phrase"] if "phrase" in frame else pd.Series(None, index=frame.index, dtype=object)
        moves = text["value"] & blank_cells(phrase)
        if moves.any():  # the row's phrase is its value cell
            said = frame["value"].astype("str")
            if decimal == ",":  # the phrase reader reads 7,000.5: "7.000,5" is written so for it
                said = said.str.replace(r"(?<=\d)\.(?=\d{3}(?!\d))", "", regex=True)
                said = said.str.replace(r"(?<=\d),(?=\d)", ".", regex=True)
            changed["phrase"] = phrase.astype(object).mask(moves, said)
            text["value"] = text["value"] & ~moves
    for end in present:
        bad = text[end]
        if not bad.any():
            continue
        cells = frame[end].to_numpy(dtype=object)[bad]
        label = labels_of(labels, end, positions[bad])
        failures.append(
            pd.DataFrame(
                {
                    "index": frame.index[bad],
                    "column": end,
                    "check": "a number",
                    "failure_case": cells,
                    "message": [
                        f"{name} holds {cell!r}, which is not a number"
                        for name, cell in zip(label, cells, strict=True)
                    ],
                    "hint": NUMBER_HINT,
                    "schema_context": "number",
                    "reason": Reason.NOT_A_NUMBER,
                }
            )
        )
    ends = [end for end in present if end != "weight"]
    unread = np.zeros(len(frame), dtype=bool)
    for end in ends:
        unread |= text[end]
    if unread.any():  # placeholders, so the schema checks the rest of the row and no more
        numbers = {end: array.copy() for end, array in numbers.items()}
        value = numbers.get("value", np.zeros(len(frame)))
        value[unread & ~np.isfinite(value)] = 0.0
        for end in ends:
            numbers[end][unread] = value[unread]
    # (a column of floats read as they were is kept itself, not a copy of it)
    changed.update(
        {
            end: numbers[end]
            for end in present
            if frame[end].dtype != np.float64 or not np.shares_memory(numbers[end], frame[end].to_numpy())
        }
    )
    found = pd.concat(failures, ignore_index=True) if failures else pd.DataFrame()
    return frame.assign(**changed), found, moves


def _read_figures(cells: pd.Series, decimal: str) -> tuple[np.ndarray, np.ndarray]:
    """:func:`read_printed`, but a complex number, which numpy would cut to its real part, is no number.

    Examples:
        >>> [array.tolist() for array in _read_figures(pd.Series([1 + 2j, np.nan]), ".")]
        [[nan, nan], [True, False]]

    """
    if cells.dtype.kind == "c":
        return np.full(len(cells), np.nan), cells.notna().to_numpy(dtype=bool)
    return read_printed(cells, decimal)


def without_figure(frame: pd.DataFrame) -> np.ndarray:
    """Where a row gives no figure: no number in ``low``, ``value`` or ``high`` and no ``phrase``.

    Call it after :func:`read_numbers`, so that ``-`` or ``NA`` count as no number.

    Examples:
        >>> without_figure(pd.DataFrame({"value": [1.0, np.nan], "phrase": [None, None]})).tolist()
        [False, True]

    """
    empty = np.ones(len(frame), dtype=bool)
    for end in _ENDS:
        if end in frame:
            empty &= pd.to_numeric(frame[end], errors="coerce").isna().to_numpy(dtype=bool)
    if "phrase" in frame:
        empty &= blank_cells(frame["phrase"])
    return empty


def skipped_note(lines: np.ndarray, where: str = "line") -> Note:
    """The note for rows skipped because they give no figure, at file ``lines`` (or a table's rows).

    Examples:
        >>> str(skipped_note(np.array([4, 9])))
        '2 rows give no figure and are skipped (lines 4, 9)'

    """
    count = len(lines)
    shown = ", ".join(map(str, lines[:10].tolist())) + (" ..." if count > 10 else "")
    return Note(
        Reason.NO_FIGURE,
        f"{count} row{'s' if count != 1 else ''} give{'' if count != 1 else 's'} no figure and "
        f"{'are' if count != 1 else 'is'} skipped ({where}{'s' if count != 1 else ''} {shown})",
        lines=tuple(lines[:_SHOWN_LINES].tolist()) if where == "line" else (),
        count=count,
    )
