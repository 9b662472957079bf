"""Claims tables: figures as rows, read from files, checked against :class:`~reconcile.schemas.Claims`.

A claims table holds one reported figure per row. :func:`read_claims` reads and checks one,
:func:`write_claims` writes one, :func:`to_claims` and :func:`from_claims` turn figures into
rows and back. The file formats themselves live in :mod:`reconcile.formats`.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from reconcile._periods import period, read_dates
from reconcile._wording import exact_numbers, format_ranges
from reconcile.errors import ArgumentError, ClaimsError, Reason, ReconcileError
from reconcile.figure import Figure, Source
from reconcile.formats import HXL_COLUMNS, Loaded, from_hxl, read_table, write_table
from reconcile.phrases import Lexicon, parse_many, value_ranges
from reconcile.schemas import Claims
from reconcile.units import canonical_unit

__all__ = ["CLAIM_COLUMNS", "from_claims", "read_claims", "to_claims", "write_claims"]

#: The columns of a claims table, required ones first, in the order :func:`to_claims` writes.
CLAIM_COLUMNS = (
    "claim_id",
    "counts",
    "place",
    "as_of",
    "low",
    "value",
    "high",
    "unit",
    "source",
    "via",
    "reported_on",
    "hedge",
    "quote",
    "url",
)
_TEXT_COLUMNS = tuple(column for column in CLAIM_COLUMNS if column not in ("low", "value", "high"))
# Optional text columns a file may add: ``origin`` names who made a figure where ``source``
# names whom a claim cites for it (see ``reconcile.voices``).
_READ_AS_TEXT = (*_TEXT_COLUMNS, "origin", "phrase")
_SHOWN_FAILURES = 100
#: What to do about bad rows, the end of every hint of a :class:`ClaimsError` for them; the
#: hints of the rows the library itself found (phrases, dates) come before it, each once.
ROWS_HINT = (
    'fix these rows; an open end is written inf or -inf (in JSON, the string "inf"), units are pint units '
    "such as 'person' or 'household', dates look like 2016-10-17, 2016-10, 2016 or 2016-10/2017-07"
)


def _load(
    claims: str | os.PathLike[str] | pd.DataFrame, format: str | None, sheet: str | None, encoding: str
) -> tuple[Loaded, str | None]:
    """The table as read (see :class:`~reconcile.formats.Loaded`), and the file it came from."""
    if isinstance(claims, pd.DataFrame):
        if sheet is not None or format not in (None, "hxl"):
            raise ArgumentError(
                f"sheet= and format={format!r} apply to files, not to a DataFrame",
                hint="leave them out, or pass format='hxl' for a frame whose column labels are hashtags",
                reason=Reason.BAD_ARGUMENT,
            )
        if format == "hxl":
            return Loaded(from_hxl(claims), 2, hxl=True), None
        return Loaded(claims.copy(), 2), None
    if not isinstance(claims, (str, os.PathLike)):
        raise ArgumentError(
            f"claims must be a path or a DataFrame (got {type(claims).__name__})",
            hint="pass a CSV, JSON, Excel or Parquet path, or a pandas DataFrame",
            reason=Reason.BAD_ARGUMENT,
        )
    path = Path(claims)
    loaded = read_table(path, format=format, sheet=sheet, encoding=encoding, text_columns=_READ_AS_TEXT)
    if loaded.frame.empty and loaded.frame.columns.empty:  # an empty list of JSON records: no claims
        return loaded._replace(frame=pd.DataFrame(columns=list(CLAIM_COLUMNS))), str(path)
    return loaded, str(path)


def _blank_to_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip the text columns; a cell with nothing left in it is missing, not a name."""
    text = [
        column
        for column in _READ_AS_TEXT
        if column in frame and not pd.api.types.is_numeric_dtype(frame[column])
    ]
    if not text:
        return frame
    stripped = {column: frame[column].astype("str").str.strip() for column in text}
    return frame.assign(**{column: values.mask(values == "") for column, values in stripped.items()})


def describe_failures(failures: pd.DataFrame, origin: str | None, first_line: int = 2) -> list[str]:
    """One line per failing (row, rule): the row, the rule, and the failing values by column.

    A failure with a ``message`` (a phrase that cannot be read) is shown by its message.
    """
    said = failures["message"].notna().to_numpy() if "message" in failures else np.zeros(len(failures), bool)
    phrased = failures[said]
    failures = failures[~said]
    # A rule on the whole row reports every column; show only those the rule names.
    pairs = failures[["check", "column"]].drop_duplicates()
    named = [
        str(column) in re.findall(r"\w+", str(check))
        for check, column in zip(pairs["check"], pairs["column"], strict=True)
    ]
    row_rule = failures["schema_context"] == "DataFrameSchema"
    cases = failures.merge(pairs.assign(named=named), on=["check", "column"], how="left")
    kept = cases["named"].to_numpy(dtype=bool) | failures["index"].isna().to_numpy(dtype=bool)
    cases = cases[~row_rule.to_numpy(dtype=bool) | kept]
    cases = cases.assign(shown=cases["column"].astype(str) + "=" + cases["failure_case"].map(repr))
    whole_table = cases["index"].isna()
    lines = [
        f"the table: missing column {case!r}"
        if check == "column_in_dataframe"
        else f"the table: {check} ({case})"
        for check, case in zip(
            cases.loc[whole_table, "check"], cases.loc[whole_table, "failure_case"], strict=True
        )
    ]
    per_rule = (
        cases[~whole_table].groupby(["index", "check"], sort=True)["shown"].agg(", ".join).reset_index()
    )
    per_row = pd.concat(
        [
            pd.DataFrame({"index": phrased["index"].to_numpy(), "said": phrased["message"].astype(str)})
            if len(phrased)
            else None,
            per_rule.assign(said=per_rule["check"].astype(str) + " (got " + per_rule["shown"] + ")"),
        ],
        ignore_index=True,
    )
    per_row = per_row.sort_values("index", kind="stable") if len(phrased) else per_row
    # A file read here has rows numbered from 0; row 0 is on the file's line ``first_line``.
    numbered = origin is not None and pd.api.types.infer_dtype(per_row["index"]) == "integer"
    where = per_row["index"].map(
        lambda row: f"row {row}" + (f" (line {row + first_line})" if numbered else "")
    )
    lines += (where + ": " + per_row["said"]).tolist()
    return lines


def validate(
    model: type[pa.DataFrameModel],
    frame: pd.DataFrame,
    origin: str | None = None,
    first_line: int = 2,
    *,
    found: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Check ``frame`` against ``model``, collecting every failure into one :class:`ClaimsError`.

    ``origin`` names the file the frame was read from; its row 0 is on line ``first_line``.
    ``found`` holds failures found before the check (phrases that cannot be read, with
    columns ``index``, ``column``, ``check``, ``failure_case``, ``message``, ``hint`` and
    ``reason``); they are reported in the same error, row by row among the others, each
    distinct hint once in the error's hint, before :data:`ROWS_HINT`.

    This checks the user's input; a table the library built is checked with
    :func:`reconcile.schemas.check_built`, which blames the library instead.

    Examples:
        >>> import pandas as pd
        >>> from reconcile.schemas import Claims
        >>> bad = pd.DataFrame({"claim_id": ["a", "a"], "counts": ["x", "x"], "place": [None, None],
        ...     "as_of": [None, None], "low": [5.0, 1.0], "value": [1.0, 1.0], "high": [9.0, 1.0],
        ...     "unit": ["person", "persn"], "source": ["IOM", "IOM"]})
        >>> validate(Claims, bad)
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: 4 problems in the claims table: fix these rows; ...
          row 0: field_uniqueness (got claim_id='a')
          row 0: low <= value <= high (got low=5.0, value=1.0, high=9.0)
          row 1: field_uniqueness (got claim_id='a')
          row 1: known unit (got unit='persn')

    """
    checked: pd.DataFrame
    try:
        checked = model.validate(frame, lazy=True)
        failures = None
    except pa.errors.SchemaErrors as exc:
        checked, failures = frame, exc.failure_cases
    if found is not None and len(found):
        failures = found if failures is None else pd.concat([found, failures], ignore_index=True)
    if failures is None:
        return checked
    lines = describe_failures(failures, origin, first_line)
    shown = lines[:_SHOWN_FAILURES]
    if len(lines) > len(shown):
        shown.append(f"... and {len(lines) - len(shown)} more (see the error's .failures)")
    where = f" {origin!r}" if origin else " table"
    said = found["hint"].dropna() if found is not None and "hint" in found else ()
    raise ClaimsError(
        f"{len(lines)} problem{'s' if len(lines) != 1 else ''} in the claims{where}",
        details="  " + "\n  ".join(shown),
        hint="".join(f"{hint}; " for hint in dict.fromkeys(said)) + ROWS_HINT,
        reason=Reason.BAD_ROWS,
        failures=failures,
        origin=origin,
        first_line=first_line,
    ) from None


def _respell(column: pd.Series, spell: Callable[[str], str]) -> pd.Series:
    """``column`` with each distinct value respelled once; missing values stay missing."""
    codes, distinct = pd.factorize(column)
    spelled = np.array([spell(value) for value in distinct] + [None], dtype=object)
    return pd.Series(spelled[codes], index=column.index, dtype="str")


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Write units in their canonical spelling (dates were respelled as they were read)."""
    frame["unit"] = _respell(frame["unit"], canonical_unit)
    return frame


def _read_dates(
    frame: pd.DataFrame, dayfirst: bool | None, *, hxl: bool
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``as_of`` and ``reported_on`` in their canonical spelling, and the cells that cannot be read.

    A report date is a day: a source reports on a day, and :class:`~reconcile.figure.Source`
    holds one. Messages name a column of an HXL file by its hashtag.
    """
    read: dict[str, pd.Series] = {}
    found = []
    for column, days_only in (("as_of", False), ("reported_on", True)):
        if column in frame:
            label = HXL_COLUMNS[column] if hxl else column
            read[column], failures = read_dates(
                frame[column], dayfirst=dayfirst, days_only=days_only, label=label
            )
            found.append(failures)
    failed = [failures for failures in found if len(failures)]
    return frame.assign(**read), pd.concat(failed, ignore_index=True) if failed else None


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
    return (cells.isna() | (cells.astype("str").str.strip() == "")).to_numpy(dtype=bool)


def _same_number(given: np.ndarray, read: np.ndarray) -> np.ndarray:
    """Where two numbers are equal up to a 10**-9 share of the larger; infinite ends exactly."""
    finite = np.isfinite(given) & np.isfinite(read)
    given_finite, read_finite = np.where(finite, given, 0.0), np.where(finite, read, 0.0)
    close = np.abs(given_finite - read_finite) <= 1e-9 * np.maximum(np.abs(given_finite), np.abs(read_finite))
    return np.asarray((given == read) | (finite & close), dtype=bool)


def _from_phrases(frame: pd.DataFrame, lexicon: Lexicon | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
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
    if frame.empty:
        empty = pd.Series(dtype=float)
        frame = frame.assign(low=empty, value=empty, high=empty)
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
            "check": check[failing],
            "failure_case": phrases[failing].to_numpy(),
            "message": message[failing],
            "hint": hint[failing],
            "schema_context": "phrase",
            "reason": reason[failing],
        }
    )

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


def _from_values(frame: pd.DataFrame, lexicon: Lexicon | None) -> pd.DataFrame:
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


def read_claims(
    claims: str | os.PathLike[str] | pd.DataFrame,
    *,
    format: str | None = None,
    sheet: str | None = None,
    encoding: str = "utf-8-sig",
    dayfirst: bool | None = None,
    lexicon: Lexicon | None = None,
) -> pd.DataFrame:
    """Read a claims table from a CSV, JSON, Excel, Parquet or HXL file, or check a DataFrame.

    The format comes from the extension (``.csv``, ``.json`` for a list of records,
    ``.xlsx``, ``.parquet``) unless ``format`` names it. A ``.csv`` or ``.xlsx`` file with a
    row of HXL hashtags (``#meta+id``, ``#affected+killed`` ...) in its first 25 rows is read
    as HXL (see :mod:`reconcile.formats`); ``format="hxl"`` insists on it. Cells that a
    writer of this library neutralised against spreadsheet formulas (``'=...``) are restored.

    Every row is checked against :class:`reconcile.schemas.Claims` at once, so a broken
    file gets one :class:`~reconcile.errors.ClaimsError` that lists every bad row (row
    number, file line, rule, values), with the full table of failures in ``error.failures``.
    Units and dates come back in their canonical spelling (``people`` -> ``person``,
    ``17/10/2016`` -> ``2016-10-17``). The caller's DataFrame is never changed.

    Dates in ``as_of`` and ``reported_on`` (HXL ``#date`` and ``#date+reported``) may be
    ISO (``2016-10-17``, ``2016-10``, ``2016``), numbers day, month, year separated by
    ``-``, ``/`` or ``.`` (``17/10/2016``), or written (``17 October 2016``,
    ``October 17, 2016``, ``Oct 2016``); ``as_of`` may also be a week or a quarter as
    ``str(pandas.Period)`` writes it, and ``reported_on`` is always a day. Numbers are never
    read month-first by default: each column is read in one order, day-first if one of its
    dates starts above 12, month-first if one has its second number above 12, and
    otherwise, where a date would read differently each way (``03/04/2022``), the rows are
    errors until ``dayfirst`` says the order. Two-digit years are refused.

    A table may give its figures as a ``phrase`` column ("about 5,000", "at least 7,000")
    instead of ``low``, ``value`` and ``high``: the phrases are read with
    :func:`reconcile.parse_many` (in the words of ``lexicon``), each row's ``unit`` applying
    where its phrase names none, and the phrase kept as the claim's ``quote``. A table may
    have both, row by row: a row with a phrase and blank numbers is read from its phrase, a
    row with numbers and a blank phrase from its numbers. A row with both must agree with
    itself: each number it gives must be the phrase's reading (up to a 10**-9 share; an
    open end exactly), and the numbers it leaves blank are taken from the phrase. A row
    whose numbers and phrase disagree is listed with the other bad rows. The table comes
    back in numbers, without its ``phrase`` column (the phrase is the ``quote`` of a row that
    gives none), so reading it again, as :func:`reconcile.reconcile` does, needs no lexicon.
    A row with a ``value`` and no ``low`` or ``high`` gets the range its value allows as
    printed, with its ``hedge`` (:func:`reconcile.phrases.value_ranges`: 547000 is
    546,500–547,500, 9606 exact; ``hedge="exactly"`` keeps 547000 exact).

    Args:
        claims: a path or a DataFrame.
        format: one of ``csv``, ``json``, ``xlsx``, ``parquet``, ``hxl``; by default from
            the extension. For a DataFrame, ``hxl`` reads column labels as hashtags.
        sheet: the sheet of an Excel workbook; needed when it has several.
        encoding: the text encoding of a CSV file; a UTF-8 byte-order mark is skipped.
        dayfirst: ``True`` if dates are written ``17/10/2016``, ``False`` if ``10/17/2016``;
            by default the order is settled by each column's own dates. A date that can only
            be read the other way is an error.
        lexicon: the words a ``phrase`` column is read in (see :class:`reconcile.Lexicon`);
            :meth:`reconcile.Lexicon.default` when None.

    Returns:
        A new, validated claims DataFrame.

    Raises:
        ClaimsError: the file cannot be read (not found, not a table, binary, wrong
            encoding, a row with more cells than the header, several sheets and none named,
            an unknown HXL hashtag), or rows break the contract (phrases that cannot be read,
            or that disagree with the numbers of their row, are listed in the same error as
            the other bad rows, and so are dates that cannot be read, or whose day-month
            order is not settled or goes against ``dayfirst``).
        ArgumentError: the arguments do not fit together, ``dayfirst`` is not a bool, or
            ``lexicon`` is not a :class:`reconcile.Lexicon`.

    Examples:
        >>> import pandas as pd
        >>> table = pd.DataFrame({"claim_id": ["us", "backers"], "counts": "militants",
        ...     "place": "Mosul", "as_of": "2016-10-17", "low": [4500, 7000], "value": [5000, 7000],
        ...     "high": [5500, float("inf")], "unit": "people",
        ...     "source": ["U.S. officials", "Islamic State backers"]})
        >>> read_claims(table)[["claim_id", "high", "unit"]]
          claim_id    high    unit
        0       us  5500.0  person
        1  backers     inf  person
        >>> phrased = table.drop(columns=["low", "value", "high"])
        >>> phrased["phrase"] = ["about 5,000", "at least 7,000"]
        >>> read_claims(phrased)[["claim_id", "low", "high", "hedge", "quote"]]
          claim_id     low    high     hedge           quote
        0       us  4500.0  5500.0     about     about 5,000
        1  backers  7000.0     inf  at least  at least 7,000
        >>> dated = table.assign(as_of=["03/04/2022", "17/10/2016"])
        >>> read_claims(dated)["as_of"].tolist()
        ['2022-04-03', '2016-10-17']
        >>> undecided = table.assign(as_of="03/04/2022")
        >>> read_claims(undecided, dayfirst=False)["as_of"].tolist()
        ['2022-03-04', '2022-03-04']
        >>> read_claims(undecided)
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: 2 problems in the claims table: pass dayfirst=True for dates ...
          row 0: as_of='03/04/2022' reads as 2022-04-03 day-first or 2022-03-04 month-first, ...
          row 1: as_of='03/04/2022' reads as 2022-04-03 day-first or 2022-03-04 month-first, ...

        Words of your own, such as a noun that says what is counted, come in a lexicon;
        a row may give a phrase, numbers, or both if they agree:

        >>> from reconcile import Lexicon
        >>> displaced = pd.DataFrame({"claim_id": ["iom", "ocha", "unhcr"], "counts": [None, "idps", None],
        ...     "place": "Mosul", "as_of": "2016-11", "unit": "person", "source": ["IOM", "OCHA", "UNHCR"],
        ...     "phrase": ["7,619 IDPs", None, "about 9,000 IDPs"], "low": [None, 7000, 8500],
        ...     "value": [None, 7500, None], "high": [None, 8000, None]})
        >>> lexicon = Lexicon.default().with_noun("IDPs", unit="person", counts="idps")
        >>> read_claims(displaced, lexicon=lexicon)[["claim_id", "counts", "low", "value", "high"]]
          claim_id counts     low   value    high
        0      iom   idps  7619.0  7619.0  7619.0
        1     ocha   idps  7000.0  7500.0  8000.0
        2    unhcr   idps  8500.0  9000.0  9500.0
        >>> read_claims(displaced.assign(low=[None, 7000, 8000]), lexicon=lexicon)
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: 1 problem in the claims table: ... or fix the phrase; ...
          row 2: the phrase 'about 9,000 IDPs' reads 8500–9500 (value 9000), but the row gives low=8000

    """
    if lexicon is not None and not isinstance(lexicon, Lexicon):
        raise ArgumentError(
            f"lexicon must be a reconcile.Lexicon (got {type(lexicon).__name__})",
            hint="pass Lexicon.default() or a lexicon built from it, e.g. with .with_noun(...)",
            reason=Reason.BAD_ARGUMENT,
        )
    loaded, origin = _load(claims, format, sheet, encoding)
    frame = _blank_to_missing(loaded.frame)
    found = None
    if "phrase" in frame:
        frame, found = _from_phrases(frame, lexicon)
    frame = _from_values(frame, lexicon)
    frame, unread_dates = _read_dates(frame, dayfirst, hxl=loaded.hxl)
    if unread_dates is not None:  # one table of what could not be read, phrases first
        phrased = found is not None and len(found) > 0
        found = pd.concat([found, unread_dates], ignore_index=True) if phrased else unread_dates
    checked = _normalise(validate(Claims, frame, origin, loaded.first_line, found=found))
    # HXL rows were numbered for the errors; the claims themselves are numbered afresh.
    return checked.reset_index(drop=True) if loaded.hxl else checked


def write_claims(
    claims: pd.DataFrame | Iterable[Figure],
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    sheet: str = "claims",
) -> None:
    """Write a claims table (or figures, as :func:`to_claims` makes them) to a file.

    The table is checked first, so only valid claims are written, and the file appears
    whole or not at all (written beside the target, then moved into place). Reading it back
    with :func:`read_claims` gives the same table. In CSV, Excel and HXL files a text cell
    that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'``
    in front, so a spreadsheet shows it rather than running it; :func:`read_claims` takes
    the quote off. JSON writes an open end as the string ``"inf"`` (JSON has no infinity).

    Args:
        claims: a claims DataFrame, or figures.
        path: the file to write.
        format: one of ``csv``, ``json``, ``xlsx``, ``parquet``, ``hxl``; by default from the
            extension. ``hxl`` writes a ``.xlsx`` path as a workbook, anything else as CSV.
        sheet: the sheet's name in an Excel workbook.

    Raises:
        ClaimsError: the table breaks the contract (nothing is written).
        ArgumentError: the format is unknown, or the file cannot be written.

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> path = Path(tempfile.mkdtemp()) / "killed.csv"
        >>> killed = Figure.between(10, 15, counts="affected/killed", source="OCHA", place="Mosul")
        >>> write_claims([killed], path, format="hxl")
        >>> print(path.read_text())
        claim_id,counts,place,as_of,affected/killed,affected/killed (low),affected/killed (high),unit,...
        #meta+id,#indicator+name,#loc,#date,#affected+killed,#affected+killed+min,#affected+killed+max,...
        c1,,Mosul,,12.5,10.0,15.0,person,OCHA,,,,,
        >>> read_claims(path).equals(to_claims([killed]))
        True

    """
    table = read_claims(claims) if isinstance(claims, pd.DataFrame) else to_claims(claims)
    write_table(table, Path(path), format, sheet=sheet)


def to_claims(figures: Iterable[Figure], *, ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Turn figures into a claims table, one row per figure, in order.

    The source's fields go to ``source`` (its name), ``via``, ``reported_on``, ``url`` and
    ``quote``. A table keeps no lineage: a derived figure becomes a row like any other.

    Args:
        figures: the figures.
        ids: the claim ids; by default ``c1``, ``c2``, ...

    Examples:
        >>> us = Figure.about(5000, counts="militants", place="Mosul", as_of="2016-10-17",
        ...                   source=Source(name="U.S. officials", via="CNN"))
        >>> to_claims([us])[["claim_id", "counts", "low", "value", "high", "source", "via"]]
          claim_id     counts     low   value    high          source  via
        0       c1  militants  4500.0  5000.0  5500.0  U.S. officials  CNN
        >>> from_claims(to_claims([us])) == [us]
        True

    """
    figures = list(figures)
    for index, figure in enumerate(figures):
        if not isinstance(figure, Figure):
            raise ArgumentError(
                f"item {index} is not a Figure (got {figure!r})",
                hint="build figures with rc.parse or the Figure constructors first",
                reason=Reason.NOT_A_FIGURE,
            )
    if ids is None:
        ids = [f"c{number}" for number in range(1, len(figures) + 1)]
    if len(ids) != len(figures):
        raise ArgumentError(
            f"got {len(ids)} ids for {len(figures)} figures",
            hint="pass one id per figure, or leave ids out",
            reason=Reason.SHAPE_MISMATCH,
        )
    rows = {
        "claim_id": list(ids),
        "counts": [f.counts for f in figures],
        "place": [f.place for f in figures],
        "as_of": [None if f.as_of is None else str(f.as_of) for f in figures],
        "low": [f.low for f in figures],
        "value": [f.value for f in figures],
        "high": [f.high for f in figures],
        "unit": [f.unit for f in figures],
    }
    for column, field in (("source", "name"), ("via", "via"), ("url", "url"), ("quote", "quote")):
        rows[column] = [None if f.source is None else getattr(f.source, field) for f in figures]
    rows["reported_on"] = [
        None if f.source is None or f.source.date is None else f.source.date.isoformat() for f in figures
    ]
    rows["hedge"] = [f.hedge for f in figures]
    frame = pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))
    return validate(Claims, frame.astype(dict.fromkeys(_TEXT_COLUMNS, "str")))


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def from_claims(claims: pd.DataFrame) -> list[Figure]:
    """Turn a claims table into figures, one per row, in order (the table is checked first).

    Examples:
        >>> table = to_claims([Figure.at_least(7000, counts="militants", source="backers")])
        >>> print(from_claims(table)[0])
        at least 7,000 militants (7,000–∞), backers

    """
    frame = read_claims(claims)
    columns = {
        column: frame[column].tolist() if column in frame else [None] * len(frame) for column in _TEXT_COLUMNS
    }
    low, value, high = (frame[column].to_numpy(dtype=float).tolist() for column in ("low", "value", "high"))
    figures = []
    for row in range(len(frame)):
        text = {column: _text(columns[column][row]) for column in _TEXT_COLUMNS}
        reported = text["reported_on"]
        source = Source(
            name=text["source"],
            via=text["via"],
            date=None if reported is None else dt.date.fromisoformat(reported),
            url=text["url"],
            quote=text["quote"],
        )
        figures.append(
            Figure(
                value=value[row],
                low=low[row],
                high=high[row],
                unit=text["unit"] or "person",
                counts=text["counts"],
                place=text["place"],
                as_of=period(text["as_of"]),
                source=source,
                hedge=text["hedge"],
            )
        )
    return figures
