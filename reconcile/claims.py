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

from reconcile.errors import ArgumentError, ClaimsError, ReconcileError
from reconcile.figure import Figure, Source, _period
from reconcile.formats import Loaded, from_hxl, read_table, write_table
from reconcile.phrases import _PROBLEMS, parse_many
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
_SHOWN_FAILURES = 100


def _load(
    claims: str | os.PathLike[str] | pd.DataFrame, format: str | None, sheet: str | None, encoding: str
) -> tuple[Loaded, str | None]:
    """The table as read (see :class:`~reconcile.formats.Loaded`), and the file it came from."""
    if isinstance(claims, pd.DataFrame):
        if sheet is not None or format not in (None, "hxl"):
            raise ArgumentError(
                f"sheet= and format={format!r} apply to files, not to a DataFrame",
                hint="leave them out, or pass format='hxl' for a frame whose column labels are hashtags",
            )
        if format == "hxl":
            return Loaded(from_hxl(claims), 2, hxl=True), None
        return Loaded(claims.copy(), 2), None
    if not isinstance(claims, (str, os.PathLike)):
        raise ArgumentError(
            f"claims must be a path or a DataFrame (got {type(claims).__name__})",
            hint="pass a CSV, JSON, Excel or Parquet path, or a pandas DataFrame",
        )
    path = Path(claims)
    loaded = read_table(path, format=format, sheet=sheet, encoding=encoding, text_columns=_TEXT_COLUMNS)
    if loaded.frame.empty and loaded.frame.columns.empty:  # an empty list of JSON records: no claims
        return loaded._replace(frame=pd.DataFrame(columns=list(CLAIM_COLUMNS))), str(path)
    return loaded, str(path)


def _blank_to_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip the text columns; a cell with nothing left in it is missing, not a name."""
    text = [
        column
        for column in _TEXT_COLUMNS
        if column in frame and not pd.api.types.is_numeric_dtype(frame[column])
    ]
    if not text:
        return frame
    stripped = {column: frame[column].astype("str").str.strip() for column in text}
    return frame.assign(**{column: values.mask(values == "") for column, values in stripped.items()})


def _describe(failures: pd.DataFrame, origin: str | None, first_line: int = 2) -> list[str]:
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
    per_row = per_row.sort_values("index", kind="stable") if len(phrased) and len(per_rule) else per_row
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
    columns ``index``, ``column``, ``check``, ``failure_case``, ``message`` and ``hint``);
    they are reported in the same error, row by row among the others, each distinct hint
    once in the error's hint.

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
    lines = _describe(failures, origin, first_line)
    shown = lines[:_SHOWN_FAILURES]
    if len(lines) > len(shown):
        shown.append(f"... and {len(lines) - len(shown)} more (see the error's .failures)")
    where = f" {origin!r}" if origin else " table"
    said = found["hint"].dropna() if found is not None and "hint" in found else ()
    raise ClaimsError(
        f"{len(lines)} problem{'s' if len(lines) != 1 else ''} in the claims{where}",
        details="  " + "\n  ".join(shown),
        hint="".join(f"{hint}; " for hint in dict.fromkeys(said))
        + 'fix these rows; an open end is written inf or -inf (in JSON, the string "inf"), '
        "units are pint units "
        "such as 'person' or 'household', dates look like 2016-10-17, 2016-10 or 2016",
        failures=failures,
        origin=origin,
    ) from None


def _respell(column: pd.Series, spell: Callable[[str], str]) -> pd.Series:
    """``column`` with each distinct value respelled once; missing values stay missing."""
    codes, distinct = pd.factorize(column)
    spelled = np.array([spell(value) for value in distinct] + [None], dtype=object)
    return pd.Series(spelled[codes], index=column.index, dtype="str")


def _normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Write units and dates in their canonical spelling."""
    frame["unit"] = _respell(frame["unit"], canonical_unit)
    frame["as_of"] = _respell(frame["as_of"], lambda date: str(_period(date)))
    return frame


def _known(unit: object) -> bool:
    try:
        canonical_unit(str(unit))
    except ReconcileError:
        return False
    return True


# What to do about each kind of phrase that cannot be read, longest first.
_PHRASE_HINTS = sorted({hint for _, hint in _PROBLEMS.values()}, key=len, reverse=True)


def _split_hints(errors: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Each phrase error (``problem: hint``) as its problem and its hint, so a hint is said once."""
    message = errors.copy()
    hint = pd.Series(None, index=errors.index, dtype=object)
    for said in _PHRASE_HINTS:  # a score of known hints, each a column operation
        ends = message.str.endswith(": " + said).to_numpy(dtype=bool) & hint.isna().to_numpy()
        message = message.mask(ends, message.str.slice(0, -len(said) - 2))
        hint = hint.mask(ends, said)
    return message, hint


def _from_phrases(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Fill ``low``, ``value`` and ``high`` (and what the phrases say) from a ``phrase`` column.

    The row's own ``unit`` is the unit where its phrase names none; the row's ``counts``,
    ``hedge`` and ``quote`` win over the phrase's, which fill them where they are empty.
    Returns the filled frame and a table of the phrases that cannot be read (see
    :func:`validate`'s ``found``). A row whose phrase cannot be read, or whose unit is unknown
    (the schema's ``known unit`` rule reports that), is not read: its figure is a
    placeholder ``0``, so the schema still checks the rest of the row and nothing is
    reported twice.
    """
    if frame.empty:
        empty = pd.Series(dtype=float)
        return frame.assign(low=empty, value=empty, high=empty), pd.DataFrame()
    positions = pd.RangeIndex(len(frame))
    phrases = pd.Series(frame["phrase"].to_numpy(dtype=object), index=positions)
    units = pd.Series(frame["unit"].to_numpy(dtype=object), index=positions) if "unit" in frame else None
    given_units = [None] if units is None else list(pd.unique(units))
    pieces = []
    for unit in given_units:  # one column read per distinct unit
        if not pd.isna(unit) and not _known(unit):
            continue  # left to the schema's "known unit" rule, which names every such row
        rows = positions if units is None else positions[(units.isna() if pd.isna(unit) else units == unit)]
        pieces.append(parse_many(phrases.iloc[rows], unit=None if pd.isna(unit) else str(unit)))
    parsed = pd.concat(pieces).reindex(positions) if pieces else pd.DataFrame(index=positions)
    parsed = parsed.reindex(columns=["text", "low", "value", "high", "unit", "counts", "hedge", "error"])
    bad = parsed["error"].notna().to_numpy()
    message, hint = _split_hints(parsed.loc[bad, "error"].astype(str))
    found = pd.DataFrame(
        {
            "index": frame.index[bad],
            "column": "phrase",
            "check": "a figure phrase",
            "failure_case": phrases[bad].to_numpy(),
            "message": message.to_numpy(),
            "hint": hint.to_numpy(),
            "schema_context": "phrase",
        }
    )
    unread = parsed["low"].isna().to_numpy()  # a bad phrase, or a row of an unknown unit
    filled: dict[str, Any] = {
        column: np.where(unread, 0.0, parsed[column].to_numpy(dtype=float))
        for column in ("low", "value", "high")
    }
    parsed["text"] = parsed["text"].where(~unread, phrases)
    parsed["unit"] = parsed["unit"].where(~unread, "person")
    said_by_phrase = {"unit": "unit", "counts": "counts", "hedge": "hedge", "quote": "text"}
    for column, from_phrase in said_by_phrase.items():
        said = pd.Series(parsed[from_phrase].to_numpy(dtype=object), index=frame.index, dtype="str")
        filled[column] = frame[column].fillna(said) if column in frame else said
    return frame.assign(**filled), found


def read_claims(
    claims: str | os.PathLike[str] | pd.DataFrame,
    *,
    format: str | None = None,
    sheet: str | None = None,
    encoding: str = "utf-8-sig",
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
    Units and dates come back in their canonical spelling (``people`` -> ``person``). The
    caller's DataFrame is never changed.

    A table may give its figures as a ``phrase`` column ("about 5,000", "at least 7,000")
    instead of ``low``, ``value`` and ``high``: the phrases are read with
    :func:`reconcile.parse_many`, each row's ``unit`` applying where its phrase names none,
    and the phrase kept as the claim's ``quote``.

    Args:
        claims: a path or a DataFrame.
        format: one of ``csv``, ``json``, ``xlsx``, ``parquet``, ``hxl``; by default from
            the extension. For a DataFrame, ``hxl`` reads column labels as hashtags.
        sheet: the sheet of an Excel workbook; needed when it has several.
        encoding: the text encoding of a CSV file; a UTF-8 byte-order mark is skipped.

    Returns:
        A new, validated claims DataFrame.

    Raises:
        ClaimsError: the file cannot be read (not found, not a table, binary, wrong
            encoding, a row with more cells than the header, several sheets and none named,
            an unknown HXL hashtag), or rows break the contract (phrases that cannot be read
            are listed in the same error as the other bad rows).
        ArgumentError: the arguments do not fit together.

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

    """
    loaded, origin = _load(claims, format, sheet, encoding)
    frame = _blank_to_missing(loaded.frame)
    found = None
    if "phrase" in frame and not {"low", "value", "high"} & set(frame.columns):
        frame, found = _from_phrases(frame)
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
            )
    if ids is None:
        ids = [f"c{number}" for number in range(1, len(figures) + 1)]
    if len(ids) != len(figures):
        raise ArgumentError(
            f"got {len(ids)} ids for {len(figures)} figures",
            hint="pass one id per figure, or leave ids out",
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
                as_of=_period(text["as_of"]),
                source=source,
                hedge=text["hedge"],
            )
        )
    return figures
