"""Numbers as tables print them: thousands separators, decimal commas, and cells that hold none.

Published tables print ``433,412``, ``80 418``, ``1.234.567``, ``12'500`` or, with a decimal
comma, ``1.234,5``; they leave a figure out as ``-``, ``_``, ``NA``, ``n/a``, ``..`` or a blank
cell. :func:`read_printed` reads a column of such cells at once (no loop per cell): each is a
number, no figure (:data:`NO_FIGURE_CELLS`), or text that is not a number, which the caller
reads as a figure phrase or reports.

A number is grouped by one separator throughout (comma, point, space, no-break or thin space,
apostrophe or right single quote), in groups of three digits after the first one to three;
the decimal mark (``decimal``) is never a separator. ``1.234`` with the decimal point is one
and a bit; with ``decimal=","`` it is 1,234. ``1,5`` and ``1.234.567`` with the decimal point
are not numbers (a comma groups three digits; a point marks the decimals once), and read as text.

Examples:
    >>> import pandas as pd
    >>> cells = pd.Series(["433,412", "80 418", "-", "NA", None, "at least 7,000", "12.5", "inf"])
    >>> numbers, text = read_printed(cells)
    >>> numbers.tolist()
    [433412.0, 80418.0, nan, nan, nan, nan, 12.5, inf]
    >>> text.tolist()
    [False, False, False, False, False, True, False, False]
    >>> read_printed(pd.Series(["1.234,5", "1,5", "2 000"]), decimal=",")[0].tolist()
    [1234.5, 1.5, 2000.0]

"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa

from reconcile._clean import unpadded_lengths
from reconcile._wording import exact_numbers, format_ranges
from reconcile.errors import Reason, ReconcileError
from reconcile.phrases import Lexicon, parse_many, value_ranges
from reconcile.units import canonical_unit

__all__ = ["NO_FIGURE_CELLS", "blank_cells", "from_phrases", "from_values", "no_figure", "read_printed"]

#: Cells that say a table gives no figure here, compared without case or surrounding space.
NO_FIGURE_CELLS = frozenset(
    {"", "-", "--", "_", "na", "n/a", "n.a.", "..", "...", "\u2026", "\u2013", "\u2014", "nan", "null"}
)
_SEPARATORS = ",. '\u00a0\u2009\u202f\u2019"


def _grouped(decimal: str) -> re.Pattern[str]:
    separators = re.escape(_SEPARATORS.replace(decimal, ""))
    return re.compile(
        rf"^(?P<sign>[+-]?)(?P<whole>\d{{1,3}}(?P<sep>[{separators}])\d{{3}}(?:(?P=sep)\d{{3}})*)"
        rf"(?:{re.escape(decimal)}(?P<fraction>\d+))?$"
    )


_GROUPED = {decimal: _grouped(decimal) for decimal in (".", ",")}


def no_figure(cells: pd.Series, *, stripped: bool = False) -> npt.NDArray[np.bool_]:
    """Where a cell holds no figure: missing, blank, or one of :data:`NO_FIGURE_CELLS`.

    ``stripped`` says the cells hold no surrounding space already (and no blank text).

    Examples:
        >>> no_figure(pd.Series(["12", " - ", "N/A", None, "0"])).tolist()
        [False, True, True, True, False]

    """
    if pd.api.types.is_numeric_dtype(cells):
        return cells.isna().to_numpy(dtype=bool)
    text = cells if pd.api.types.is_string_dtype(cells) else cells.astype("str")
    folded = (text if stripped else text.str.strip()).str.lower()
    return (folded.isna() | folded.isin(NO_FIGURE_CELLS)).to_numpy(dtype=bool, na_value=True)


def read_printed(
    cells: pd.Series, decimal: str = "."
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Each cell's number as printed, and where a cell holds text that is not a number.

    Returns ``(numbers, text)``: ``numbers`` is NaN where a cell holds no figure or text;
    ``text`` is True where it holds text that is neither a number nor a no-figure cell.
    ``inf`` and ``-inf`` (an open end) are numbers. ``decimal`` is ``"."`` or ``","``.

    Examples:
        >>> read_printed(pd.Series(["1,234,567", "12'500", "1.234.567", "n/a", "12abc"]))[0].tolist()
        [1234567.0, 12500.0, nan, nan, nan]
        >>> read_printed(pd.Series(["1.234.567"]), decimal=",")[0].tolist()
        [1234567.0]

    """
    if pd.api.types.is_bool_dtype(cells) or not pd.api.types.is_numeric_dtype(cells):
        text = (cells if pd.api.types.is_string_dtype(cells) else cells.astype("str")).str.strip()
    else:
        return cells.to_numpy(dtype=float, na_value=np.nan), np.zeros(len(cells), dtype=bool)
    empty = no_figure(text)
    candidates = text.mask(empty)
    if decimal == ",":
        # A point groups thousands there: a cell with one is read as grouped below.
        plain = candidates.where(~candidates.str.contains(".", regex=False).fillna(False).astype(bool))
        plain = plain.str.replace(",", ".", regex=False)
    else:
        plain = candidates
        try:  # most columns are plain numbers throughout: Arrow reads them at once
            read = plain.astype("float64[pyarrow]").to_numpy(dtype=np.float64, na_value=np.nan)
            return np.asarray(read, dtype=np.float64), np.zeros(len(cells), dtype=np.bool_)
        except (ValueError, TypeError, pa.ArrowException):
            pass
    numbers = pd.to_numeric(plain.astype(object), errors="coerce").to_numpy(dtype=float, copy=True)
    left = ~empty & np.isnan(numbers)
    if left.any():
        parts = candidates[left].str.extract(_GROUPED[decimal])
        digits = parts["sign"] + parts["whole"].str.replace(r"\D", "", regex=True)
        digits = digits + ("." + parts["fraction"]).fillna("")
        numbers[left] = pd.to_numeric(digits.astype(object), errors="coerce").to_numpy(dtype=float)
    return numbers, ~empty & np.isnan(numbers)


def _known(unit: object) -> bool:
    try:
        canonical_unit(str(unit))
    except ReconcileError:
        return False
    return True


# Where a row's numbers and its phrase disagree, what to do about it.
_DISAGREE_HINT = "where a row's numbers and its phrase disagree, clear the numbers or fix the phrase"


def blank_cells(cells: pd.Series) -> np.ndarray:
    """Where a cell holds nothing: missing, or text that is only whitespace.

    Examples:
        >>> blank_cells(pd.Series(["Mosul", "  ", None])).tolist()
        [False, True, True]

    """
    if pd.api.types.is_numeric_dtype(cells):
        return cells.isna().to_numpy(dtype=bool)
    lengths = unpadded_lengths(cells)  # (plain ASCII text without padding: no cell to strip)
    if lengths is not None:
        return np.asarray(cells.isna().to_numpy(dtype=bool) | (lengths == 0))
    return (cells.isna() | (cells.astype("str").str.strip() == "")).to_numpy(dtype=bool)


def _same_number(given: np.ndarray, read: np.ndarray) -> np.ndarray:
    """Where two numbers are equal up to a 10**-9 share of the larger; infinite ends exactly."""
    finite = np.isfinite(given) & np.isfinite(read)
    given_finite, read_finite = np.where(finite, given, 0.0), np.where(finite, read, 0.0)
    close = np.abs(given_finite - read_finite) <= 1e-9 * np.maximum(np.abs(given_finite), np.abs(read_finite))
    return np.asarray((given == read) | (finite & close), dtype=bool)


def from_phrases(frame: pd.DataFrame, lexicon: Lexicon | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill ``low``, ``value`` and ``high`` (and what the phrases say) from a ``phrase`` column.

    Row by row: a row with a phrase and no numbers is read from its phrase; a row with
    numbers and no phrase keeps its numbers; a row with both keeps the numbers it gives,
    which must agree with its phrase's reading, and takes the ones it leaves blank from the
    phrase. A row with neither is read from its (blank) phrase, which says it holds none.
    The row's own ``unit`` is the unit where its phrase names none; the row's ``counts``,
    ``hedge`` and ``quote`` win over the phrase's, which fill them where they are empty.

    Returns the filled frame, without its ``phrase`` column, and a table of the rows whose
    phrases cannot be read or disagree with their numbers (see :func:`validate`'s ``found``).
    A row whose phrase cannot be read, or whose unit is unknown (the schema's ``known unit``
    rule reports that), is not read: its figure is a placeholder ``0``, so the schema still
    checks the rest of the row and nothing is reported twice. A number cell that is not a
    number is left as it is, for the schema to report.
    """
    if frame.empty:  # the columns a table of phrases reads into, as when it has rows
        empty, text = pd.Series(dtype=float), pd.Series(dtype="str")
        read_into = {column: text for column in ("hedge", "quote") if column not in frame}
        frame = frame.assign(low=empty, value=empty, high=empty, **read_into)
        return frame.drop(columns="phrase"), pd.DataFrame()
    positions = pd.RangeIndex(len(frame))
    phrases = pd.Series(frame["phrase"].to_numpy(dtype=object), index=positions)
    ends = ("low", "value", "high")
    cells = {
        column: pd.Series(frame[column].to_numpy(), index=positions)
        if column in frame
        else pd.Series(np.nan, index=positions)
        for column in ends
    }
    given = {column: ~blank_cells(cells[column]) for column in ends}
    numbers = {column: pd.to_numeric(cells[column], errors="coerce").to_numpy(dtype=float) for column in ends}
    # Rows read from their phrase: those that give one, and those that give no number either.
    read = ~blank_cells(phrases) | ~(given["low"] | given["value"] | given["high"])
    units = pd.Series(frame["unit"].to_numpy(dtype=object), index=positions) if "unit" in frame else None
    given_units = [None] if units is None else list(pd.unique(units[read]))
    pieces = []
    for unit in given_units:  # one column read per distinct unit
        if not pd.isna(unit) and not _known(unit):
            continue  # left to the schema's "known unit" rule, which names every such row
        rows = read if units is None else read & (units.isna() if pd.isna(unit) else units == unit).to_numpy()
        pieces.append(parse_many(phrases[rows], unit=None if pd.isna(unit) else str(unit), lexicon=lexicon))
    parsed = pd.concat(pieces).reindex(positions) if pieces else pd.DataFrame(index=positions)
    wanted = ["text", "low", "value", "high", "unit", "counts", "hedge", "error", "reason", "problem", "hint"]
    parsed = parsed.reindex(columns=wanted)
    reading = {column: parsed[column].to_numpy(dtype=float) for column in ends}
    bad = parsed["error"].notna().to_numpy()
    unread = read & np.isnan(reading["low"])  # a bad phrase, or a row of an unknown unit
    # A given number must be the phrase's; one that is not a number is the schema's to report.
    checked = {column: read & ~unread & given[column] & ~np.isnan(numbers[column]) for column in ends}
    disagree = np.zeros(len(frame), dtype=bool)
    for column in ends:  # the three ends
        disagree |= checked[column] & ~_same_number(numbers[column], reading[column])

    message = np.full(len(frame), None, dtype=object)
    hint = np.full(len(frame), None, dtype=object)
    reason = np.full(len(frame), None, dtype=object)
    check = np.full(len(frame), "a figure phrase", dtype=object)
    # parse_many gives each failure's problem and hint apart, so a hint is said once.
    message[bad] = parsed.loc[bad, "problem"].to_numpy(dtype=object)
    hint[bad] = parsed.loc[bad, "hint"].to_numpy(dtype=object)
    reason[bad] = parsed.loc[bad, "reason"].map(Reason).to_numpy(dtype=object)
    if disagree.any():
        reads = format_ranges(reading["low"][disagree], reading["high"][disagree], exact=True)
        value = exact_numbers(reading["value"][disagree])
        gives = np.full(int(disagree.sum()), "", dtype=object)
        for column in ends:  # the three ends
            shown = checked[column][disagree]
            number = column + "=" + exact_numbers(numbers[column][disagree])
            gives = np.where(shown, gives + np.where(gives == "", "", ", ") + number, gives)
        quoted = pd.Series(phrases[disagree].to_numpy(dtype=object)).map(repr).to_numpy(dtype=object)
        message[disagree] = (
            "the phrase " + quoted + " reads " + reads + " (value " + value + "), but the row gives " + gives
        )
        hint[disagree] = _DISAGREE_HINT
        reason[disagree] = Reason.PHRASE_DISAGREES
        check[disagree] = "numbers agree with the phrase"
    failing = bad | disagree
    found = pd.DataFrame(
        {
            "index": frame.index[failing],
            "column": "phrase",
            "check": pd.Categorical(check[failing]),
            "failure_case": phrases[failing].to_numpy(),
            "message": message[failing],
            # A few hints and reasons repeat over every bad row: held once each.
            "hint": pd.Categorical(hint[failing]),
            "schema_context": "phrase",
            "reason": pd.Categorical(reason[failing]),
        }
    ).astype({"column": "category", "schema_context": "category"})

    filled: dict[str, Any] = {}
    for column in ends:  # the three ends
        keep = given[column] & (np.isnan(numbers[column]) | ~(unread | disagree))
        from_phrase = np.where(unread, 0.0, reading[column])
        # A column with text in it stays text beside the numbers read, for the schema to report.
        numeric = pd.api.types.is_numeric_dtype(cells[column])
        written = cells[column].to_numpy(dtype=float if numeric else object)
        filled[column] = np.where(keep | ~read, written, from_phrase)
    parsed["text"] = parsed["text"].where(~unread, phrases)
    parsed["unit"] = parsed["unit"].where(~unread, "person")
    said_by_phrase = {"unit": "unit", "counts": "counts", "hedge": "hedge", "quote": "text"}
    for column, from_phrase_column in said_by_phrase.items():
        said = pd.Series(parsed[from_phrase_column].to_numpy(dtype=object), index=frame.index, dtype="str")
        filled[column] = frame[column].fillna(said) if column in frame else said
    # The phrases are now numbers (and quotes): reading the table again needs no lexicon.
    return frame.assign(**filled).drop(columns="phrase"), found


def from_values(frame: pd.DataFrame, lexicon: Lexicon | None) -> pd.DataFrame:
    """Rows with a ``value`` and blank ``low`` and ``high``: its range as printed, with its ``hedge``."""
    blank = pd.Series(None, frame.index, object)
    cells = {end: frame.get(end, blank) for end in ("low", "value", "high", "hedge")}
    only = ~blank_cells(cells["value"]) & blank_cells(cells["low"]) & blank_cells(cells["high"])
    if not only.any():
        return frame
    low, high = (cells[end].to_numpy(dtype=object, copy=True) for end in ("low", "high"))
    value = pd.to_numeric(cells["value"][only], errors="coerce")
    low[only], high[only] = value_ranges(value, cells["hedge"][only], lexicon=lexicon)
    return frame.assign(low=low, high=high)  # a hedge it cannot read leaves NaN for the schema
