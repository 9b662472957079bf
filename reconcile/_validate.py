"""Checking a claims table read from a file: every failure at once, in the file's own terms.

:func:`validate` checks a table against a schema and raises one
:class:`~reconcile.errors.ClaimsError` that lists every bad row, by the file's row, line and
column (an HXL file's hashtags); :func:`flagged` returns every row instead, each with its
``warning`` and ``error`` (the convention of HDX's services).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd
import pandera.pandas as pa

from reconcile._rows import labels_of
from reconcile._texts import respelled
from reconcile.errors import ClaimsError, Reason
from reconcile.formats import Loaded
from reconcile.schemas import Claims, conforming
from reconcile.units import canonical_unit

__all__ = [
    "ROWS_HINT",
    "count_problems",
    "describe_failures",
    "first_problems",
    "flagged",
    "listed_under",
    "located",
    "normalise",
    "said_per_row",
    "validate",
]

_SHOWN_FAILURES = 100
#: What to do about bad rows, the end of every hint of a :class:`ClaimsError` for them; the
#: hints of the rows the library itself found (phrases, dates) come before it, each once.
ROWS_HINT = (
    'fix these rows; an open end is written inf or -inf (in JSON, the string "inf"), units are pint units '
    "such as 'person' or 'household', dates look like 2016-10-17, 2016-10, 2016 or 2016-10/2017-07"
)


def describe_failures(failures: pd.DataFrame, origin: str | None, first_line: int = 2) -> list[str]:
    """One line per failing (row, rule): the row, the rule, and the failing values by column.

    A failure with a ``message`` (a phrase that cannot be read) is shown by its message. A
    ``row`` column (an HXL file's data row of each claim) numbers the rows, and a ``label``
    column names each column as the file does (its hashtag).
    """
    if "row" in failures:  # an HXL file: the data row each claim came from
        failures = failures.assign(index=failures["row"].where(failures["index"].notna()))
    lines, per_row = said_per_row(failures)
    per_row = per_row.drop_duplicates(["index", "said"])  # an HXL row's claims share its cells
    # A file read here has rows numbered from 0; row 0 is on the file's line ``first_line``.
    numbered = origin is not None and pd.api.types.infer_dtype(per_row["index"]) == "integer"
    where = per_row["index"].map(
        lambda row: f"row {row}" + (f" (line {row + first_line})" if numbered else "")
    )
    lines += (where + ": " + per_row["said"]).tolist()
    return lines


def said_per_row(failures: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """What is wrong with the whole table (lines), and per row and rule (``index``, ``said``)."""
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
    # The file's own name of a column (an HXL hashtag) where the reader gave one.
    label = cases["label"].fillna(cases["column"]) if "label" in cases else cases["column"]
    cases = cases.assign(shown=label.astype(str) + "=" + cases["failure_case"].map(repr))
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
            per_rule.assign(said=_in_words(per_rule["check"]) + " (got " + per_rule["shown"] + ")"),
        ],
        ignore_index=True,
    )
    per_row = per_row.sort_values("index", kind="stable") if len(phrased) else per_row
    return lines, per_row


def located(failures: pd.DataFrame, where: Loaded | None) -> pd.DataFrame:
    """Failures with the file's own ``row`` and column ``label`` of each, where an HXL file gives them."""
    if where is None or where.rows is None or not len(failures):
        return failures
    index = failures["index"]
    known = index.notna().to_numpy(dtype=bool)
    positions = index[known].to_numpy(dtype=np.int64)
    row = np.full(len(failures), np.nan)
    row[known] = where.rows[positions]
    labels = where.labels or {}
    label = np.full(len(failures), None, dtype=object)
    columns = failures["column"].to_numpy(dtype=object)
    for column in pd.unique(columns[known]):
        if column in labels:
            at = known & (columns == column)
            label[at] = labels_of(labels, str(column), index[at].to_numpy(dtype=np.int64))
    return failures.assign(row=pd.array(row, dtype="Int64"), label=label)


def flagged(
    frame: pd.DataFrame,
    rows: pd.DataFrame,
    skipped: np.ndarray,
    found: pd.DataFrame | None,
    loaded: Loaded,
    origin: str | None,
) -> pd.DataFrame:
    """Every row, the good ones checked, each with its ``warning`` and ``error`` (HDX's convention).

    A row whose figure cannot be read keeps blank ``low``, ``value`` and ``high``.
    """
    try:
        Claims.validate(rows, lazy=True)
        failures = found
    except pa.errors.SchemaErrors as exc:
        failures = (
            exc.failure_cases if found is None else pd.concat([found, exc.failure_cases], ignore_index=True)
        )
    error = pd.Series(None, index=frame.index, dtype=object)
    if failures is not None and len(failures):
        if failures["index"].isna().any():  # the table as a whole: no row to flag
            validate(Claims, rows, origin, loaded.first_line, found=found, where=loaded)
        _, per_row = said_per_row(located(failures, loaded))
        joined = per_row.groupby("index", sort=False)["said"].agg("; ".join)
        error[joined.index] = joined.to_numpy(dtype=object)
    bad = error.notna().to_numpy(dtype=bool)
    good = normalise(validate(Claims, rows[~bad[~skipped]], origin, loaded.first_line, where=loaded))
    unread = rows[bad[~skipped]]
    if failures is not None and len(failures):
        figures = failures["column"].isin(["low", "value", "high", "phrase"]).to_numpy(dtype=bool)
        at = failures.loc[figures, "index"].dropna().unique()
        unread.loc[unread.index.isin(at), ["low", "value", "high"]] = np.nan
    without = frame[skipped].drop(columns="phrase", errors="ignore")
    out = pd.concat([good, unread, without]).sort_index()
    for end in ("low", "value", "high"):
        out[end] = pd.to_numeric(out[end], errors="coerce")
    warning = pd.Series(None, index=frame.index, dtype="str").mask(skipped, "no figure in this row: skipped")
    flagged_rows: pd.DataFrame = out.assign(warning=warning, error=error.astype("str"))
    return flagged_rows


# The schema's names of its built-in checks, in the words a reader of the file uses.
_CHECK_WORDS = {
    r"^field_uniqueness$": "each claim once (a repeated claim_id)",
    r"^not_nullable$": "not blank",
    r"^isin\(\((.*)\)\)$": r"one of \1",
    r"^greater_than\((.*)\)$": r"above \1",
    r"^less_than\((.*)\)$": r"below \1",
    r"^greater_than_or_equal_to\((.*)\)$": r"at least \1",
    r"^less_than_or_equal_to\((.*)\)$": r"at most \1",
}


def _in_words(checks: pd.Series) -> pd.Series:
    """Each check named in words (``isin(('stock', 'flow'))`` is ``one of 'stock', 'flow'``)."""
    words = checks.astype(str)
    for pattern, said in _CHECK_WORDS.items():
        words = words.str.replace(pattern, said, regex=True)
    return words


def listed_under(failures: pd.DataFrame) -> pd.Series:
    """The row each failure is listed under (an HXL file's data row), missing for the whole table."""
    index = failures["index"]
    return failures["row"].where(index.notna()) if "row" in failures else index


def first_problems(failures: pd.DataFrame, origin: str | None, first_line: int, limit: int) -> list[str]:
    """The first ``limit`` problems, worded as the library words them, describing only their rows.

    The library lists what is wrong with the whole table first, then row by row; the rows
    are picked before they are described, so a table of millions of failures costs no
    more than the ``limit`` rows shown.
    """
    rows = listed_under(failures)
    whole = rows.isna().to_numpy(dtype=bool)
    distinct = rows[~whole].drop_duplicates().sort_values()
    take = limit
    while True:  # a row gives at least one problem, but for rules that name none of its columns
        chosen = whole | rows.isin(distinct.iloc[:take]).to_numpy(dtype=bool)
        lines = describe_failures(failures[chosen], origin, first_line)
        if len(lines) >= limit or take >= len(distinct):
            return lines[:limit]
        take *= 4


def count_problems(failures: pd.DataFrame) -> int:
    """How many problems the library lists for ``failures``, counted without describing them.

    As :func:`reconcile.claims.describe_failures` lists them: one per failure of the whole
    table, one per row and rule (a rule on the whole row counts only for the columns it
    names), and one per row and message (a phrase or a date that cannot be read).

    Examples:
        >>> failures = pd.DataFrame({"index": [0, 0, 1, None], "column": ["low", "high", "unit", None],
        ...     "check": ["low <= high", "low <= high", "known unit", "column_in_dataframe"],
        ...     "failure_case": [9.0, 1.0, "persn", "source"], "schema_context": "DataFrameSchema"})
        >>> count_problems(failures), len(describe_failures(failures, None))
        (3, 3)

    """
    rows = _codes(listed_under(failures))
    messages = failures["message"] if "message" in failures else pd.Series(None, index=failures.index)
    said = messages.notna().to_numpy(dtype=bool)
    count = _distinct_pairs(rows[said], _codes(messages[said]))
    rules = failures[~said]
    if not len(rules):
        return count
    checks, check_names = pd.factorize(rules["check"], use_na_sentinel=False)
    columns, column_names = pd.factorize(rules["column"], use_na_sentinel=False)
    pairs, pair_of = np.unique(checks.astype(np.int64) * len(column_names) + columns, return_inverse=True)
    named = np.array(  # per distinct rule and column: whether the rule's text names the column
        [
            str(column_names[pair % len(column_names)])
            in re.findall(r"\w+", str(check_names[pair // len(column_names)]))
            for pair in pairs
        ],
        dtype=bool,
    )[pair_of.reshape(-1)]
    row_rule = rules["schema_context"].eq("DataFrameSchema") if "schema_context" in rules else False
    whole = rules["index"].isna().to_numpy(dtype=bool)
    kept = ~np.asarray(row_rule, dtype=bool) | named | whole
    per_row = kept & ~whole
    return count + int((kept & whole).sum()) + _distinct_pairs(rows[~said][per_row], checks[per_row])


def _codes(values: pd.Series) -> npt.NDArray[np.int64]:
    """Each value's number among the distinct values (a missing value is one of them)."""
    codes, _ = pd.factorize(values, use_na_sentinel=False)
    return codes.astype(np.int64)


def _distinct_pairs(first: npt.NDArray[np.int64], second: npt.NDArray[np.int64]) -> int:
    """How many distinct pairs two arrays of codes hold, position by position."""
    return len(np.unique(first * (int(second.max(initial=0)) + 1) + second))


def validate(
    model: type[pa.DataFrameModel],
    frame: pd.DataFrame,
    origin: str | None = None,
    first_line: int = 2,
    *,
    found: pd.DataFrame | None = None,
    where: Loaded | None = None,
) -> pd.DataFrame:
    """Check ``frame`` against ``model``, collecting every failure into one :class:`ClaimsError`.

    ``origin`` names the file the frame was read from; its row 0 is on line ``first_line``.
    ``where`` is the file as read: an HXL file's failures name its data rows and hashtags.
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
          row 0: each claim once (a repeated claim_id) (got claim_id='a')
          row 0: low <= value <= high (got low=5.0, value=1.0, high=9.0)
          row 1: each claim once (a repeated claim_id) (got claim_id='a')
          row 1: known unit (got unit='persn')

    """
    if found is None or not len(found):
        held = conforming(model, frame)  # one vectorised pass; pandera describes a table that fails
        if held is not None:
            return held
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
    failures = located(failures, where)
    count = count_problems(failures)  # every problem counted; only those shown are described
    shown = first_problems(failures, origin, first_line, _SHOWN_FAILURES)
    if count > len(shown):
        shown.append(f"... and {count - len(shown)} more (see the error's .failures)")
    named = f" {origin!r}" if origin else " table"
    said = found["hint"].dropna() if found is not None and "hint" in found else ()
    raise ClaimsError(
        f"{count} problem{'s' if count != 1 else ''} in the claims{named}",
        details="  " + "\n  ".join(shown),
        hint="".join(f"{hint}; " for hint in dict.fromkeys(said)) + ROWS_HINT,
        reason=Reason.BAD_ROWS,
        failures=failures,
        origin=origin,
        first_line=first_line,
    ) from None


def _respell(column: pd.Series, spell: Callable[[str], str]) -> pd.Series:
    """``column`` with each distinct value respelled once; missing values stay missing.

    A ``str`` column whose values are all spelled so already is returned itself, not copied.
    """
    codes, distinct = pd.factorize(column)
    return respelled(column, codes, distinct, [spell(value) for value in distinct])


def normalise(frame: pd.DataFrame) -> pd.DataFrame:
    """Write units in their canonical spelling (dates were respelled as they were read)."""
    frame["unit"] = _respell(frame["unit"], canonical_unit)
    return frame
