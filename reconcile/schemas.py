"""The table contracts: a pandera model for every table ``reconcile`` takes or returns.

``Claims`` is what :func:`reconcile.read_claims` accepts (one row per reported figure);
``ReconciledClaims``, ``Estimates`` and ``Conflicts`` are what :func:`reconcile.reconcile`
returns. Functions validate at the boundary, so every table a user gets back has passed
its model's checks: the user's claims with ``reconcile.claims.validate`` (a failure is
the input's), every table the library builds with :func:`check_built` (a failure is a bug,
an :class:`~reconcile.errors.InternalError` naming the table). A table the library builds
is right by construction: :func:`check_built` asserts its model's rules with numpy, and
runs pandera itself only under the debug switch ``RECONCILE_DEBUG=1`` (and in the tests).

Examples:
    >>> import pandas as pd
    >>> from reconcile.schemas import Claims
    >>> row = dict(claim_id="c1", counts="militants", place="Mosul", as_of="2016-10-17",
    ...            low=4500.0, value=5000.0, high=5500.0, unit="person", source="U.S. officials")
    >>> Claims.validate(pd.DataFrame([row]))["high"].tolist()
    [5500.0]
    >>> list(Claims.to_schema().columns)[:4]
    ['claim_id', 'counts', 'place', 'as_of']

"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable
from functools import cache

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pyarrow as pa_lib
import pyarrow.compute as pc
from pandera.typing import Series

from reconcile._periods import period
from reconcile.errors import InternalError, ReconcileError
from reconcile.units import canonical_unit, is_count

__all__ = [
    "ATTRIBUTIONS",
    "CONFLICT_KINDS",
    "DEBUG_SWITCH",
    "MEASURES",
    "STATUSES",
    "Adjustments",
    "Claims",
    "Conflicts",
    "Estimates",
    "Extracted",
    "ReconciledClaims",
    "Totals",
    "check_built",
    "conforming",
]


#: The status of a quantity's estimate: one voice (``single``), several that agree
#: (``agreed``), some set aside (``conflict``), a source's earlier report superseded by its
#: later one and nothing else amiss (``revised``), or equally weighted sets of voices that
#: disagree (``unresolved``: the estimate is their envelope).
#: What a figure measures: a ``stock`` is a count on a date (people displaced on 4 November),
#: a ``flow`` a count over a period (deaths from October to July), ``cumulative`` a running
#: total since a start (arrivals since 25 August). Left empty, a figure dated to a span of
#: time is a flow and any other a stock.
MEASURES = ("stock", "flow", "cumulative")
STATUSES = ("single", "agreed", "conflict", "revised", "unresolved")
#: What a conflict is about: ranges of one quantity that share no point (``disjoint``), a
#: retelling its own source's range excludes (``misreport``), units that cannot be converted
#: (``unit``), (with relations) a relation no values in the ranges satisfy (``relation``), or
#: figures that time rules out together: a running total that falls, a part of a period
#: that counts more than the whole (``temporal``; see ``reconcile.temporal``).
CONFLICT_KINDS = ("disjoint", "misreport", "unit", "relation", "temporal")
#: How :func:`reconcile.extract` found who gave a figure: a verb of saying (``verb``),
#: ``according to``, from the sentence or speaker before (``carried over``), or nobody is
#: said to give it and it is the outlet's own (``none``).
ATTRIBUTIONS = ("verb", "according to", "carried over", "none")


def _unique_ok(values: pd.Series, accept: Callable[[object], bool]) -> pd.Series:
    """Apply a scalar test to each distinct value once and spread the answer over the column.

    Missing values pass: whether a column may hold them is the column's own rule.
    """
    codes, distinct = pd.factorize(values)
    verdict = np.array([accept(value) for value in distinct] + [True], dtype=bool)
    return pd.Series(verdict[codes], index=values.index)


def _reads(read: Callable[[str], object], *errors: type[Exception]) -> Callable[[object], bool]:
    """A test that a cell's text can be read by ``read`` without one of ``errors``."""

    def accept(text: object) -> bool:
        try:
            read(str(text))
        except errors:
            return False
        return True

    return accept


_known_unit = _reads(canonical_unit, ReconcileError)
_period_text = _reads(period, ReconcileError)
_iso_date = _reads(dt.date.fromisoformat, ValueError)


def _counts_path(path: object) -> bool:
    return all(part.strip() for part in str(path).split("/"))


def _numbers(frame: pd.DataFrame, column: str) -> np.ndarray:
    """A column as floats: NaN where a cell is missing or is not a number (its own rule's failure)."""
    values = frame[column]
    if values.dtype.kind in "fiu":
        return values.to_numpy(dtype=float, na_value=np.nan)
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _ordered(frame: pd.DataFrame) -> pd.Series:
    if not {"low", "value", "high"} <= set(frame.columns):
        return pd.Series(True, index=frame.index)  # the missing columns are reported on their own
    low, value, high = (_numbers(frame, end) for end in ("low", "value", "high"))
    missing = np.isnan(low) | np.isnan(value) | np.isnan(high)  # the columns' own failures
    return pd.Series(((low <= value) & (value <= high)) | missing, index=frame.index, dtype=bool)


def _inside(
    frame: pd.DataFrame, inner_low: str, inner_high: str, outer_low: str, outer_high: str
) -> pd.Series:
    """``outer_low <= inner_low <= inner_high <= outer_high`` where the inner ends are given."""
    if not {inner_low, inner_high, outer_low, outer_high} <= set(frame.columns):
        return pd.Series(True, index=frame.index)
    low, high = _numbers(frame, inner_low), _numbers(frame, inner_high)
    missing = np.isnan(low) | np.isnan(high)
    inside = (_numbers(frame, outer_low) <= low) & (low <= high) & (high <= _numbers(frame, outer_high))
    return pd.Series(inside | missing, index=frame.index, dtype=bool)


def _counts_not_negative(frame: pd.DataFrame) -> pd.Series:
    if not {"low", "unit"} <= set(frame.columns):
        return pd.Series(True, index=frame.index)
    low = pd.to_numeric(frame["low"], errors="coerce")
    counts_people = _unique_ok(
        frame["unit"], lambda unit: _known_unit(unit) and is_count(canonical_unit(str(unit)))
    )
    return ~(counts_people & frame["unit"].notna() & (low < 0))


class Claims(pa.DataFrameModel):
    """One row per reported figure: what, where, when, the range, and who said it.

    Required: ``claim_id`` (unique), ``counts``, ``place``, ``as_of`` (the quantity's key;
    ``counts``/``place``/``as_of`` may be empty), ``low``, ``value``, ``high`` (an open end is
    ``inf`` or ``-inf``; ``value`` is finite), ``unit`` (known to :mod:`reconcile.units`) and
    ``source``. Optional: ``via``, ``reported_on``, ``hedge``, ``quote``, ``url``, ``weight`` (above 0),
    ``measure`` (one of :data:`MEASURES`) and ``phase`` (a named stage after which a running
    total starts again). Counts of people, households and families are never negative.
    Other columns are kept as they are.

    Dates are held in one spelling: ``as_of`` as ``str(pandas.Period)`` writes it (a day
    ``2016-10-17``, a week, a month ``2016-10``, a quarter ``2016Q4``, a year ``2016``, a span
    ``2016-10/2017-07``), and
    ``reported_on`` as an ISO day: a source reports on a day, and a month or a year there
    would pass for its first day. :func:`reconcile.read_claims` reads other spellings
    (``17/10/2016``, ``17 October 2016``) into these.
    """

    claim_id: Series[str] = pa.Field(unique=True)
    counts: Series[str] = pa.Field(nullable=True)
    place: Series[str] = pa.Field(nullable=True)
    as_of: Series[str] = pa.Field(nullable=True)
    low: Series[float] = pa.Field(lt=math.inf)
    value: Series[float]
    high: Series[float] = pa.Field(gt=-math.inf)
    unit: Series[str]
    source: Series[str] = pa.Field(nullable=True)
    origin: Series[str] | None = pa.Field(nullable=True)
    via: Series[str] | None = pa.Field(nullable=True)
    reported_on: Series[str] | None = pa.Field(nullable=True)
    hedge: Series[str] | None = pa.Field(nullable=True)
    quote: Series[str] | None = pa.Field(nullable=True)
    url: Series[str] | None = pa.Field(nullable=True)
    weight: Series[float] | None = pa.Field(gt=0, lt=math.inf, nullable=True)
    measure: Series[str] | None = pa.Field(nullable=True, isin=MEASURES)
    phase: Series[str] | None = pa.Field(nullable=True)

    class Config:
        coerce = True
        strict = False

    @pa.check("value", name="value is finite")
    def _value_finite(cls, value: Series[float]) -> Series[bool]:
        return pd.Series(np.isfinite(value.to_numpy(dtype=float)), index=value.index)  # type: ignore[return-value]

    @pa.check("unit", name="known unit")
    def _unit_known(cls, unit: Series[str]) -> Series[bool]:
        return _unique_ok(unit, _known_unit)  # type: ignore[return-value]

    @pa.check("as_of", name="date or period")
    def _as_of_readable(cls, as_of: Series[str]) -> Series[bool]:
        return _unique_ok(as_of, _period_text)  # type: ignore[return-value]

    @pa.check("reported_on", name="ISO date such as 2016-10-17")
    def _reported_on_readable(cls, reported_on: Series[str]) -> Series[bool]:
        return _unique_ok(reported_on, _iso_date)  # type: ignore[return-value]

    @pa.check("counts", name="path of names separated by '/'")
    def _counts_path(cls, counts: Series[str]) -> Series[bool]:
        return _unique_ok(counts, _counts_path)  # type: ignore[return-value]

    @pa.dataframe_check(name="low <= value <= high")
    def _range_ordered(cls, frame: pd.DataFrame) -> Series[bool]:
        return _ordered(frame)  # type: ignore[return-value]

    @pa.dataframe_check(name="low >= 0 for a unit that counts")
    def _count_not_negative(cls, frame: pd.DataFrame) -> Series[bool]:
        return _counts_not_negative(frame)  # type: ignore[return-value]


class Extracted(pa.DataFrameModel):
    """Where :func:`reconcile.extract` found each figure: the columns it adds to a claims table.

    The table :func:`reconcile.extract` returns is a :class:`Claims` table (checked as one)
    with these columns too: ``phrase`` (the figure as it reads: the words as printed, or for
    a figure given against another, "at least 7,000"), ``quote`` (the sentence it is in),
    ``start`` and ``end`` (its characters in the text, ``start < end``) and ``attribution``
    (one of :data:`ATTRIBUTIONS`).
    """

    phrase: Series[str]
    quote: Series[str]
    start: Series[int] = pa.Field(ge=0)
    end: Series[int] = pa.Field(ge=1)
    attribution: Series[str] = pa.Field(isin=ATTRIBUTIONS)

    class Config:
        coerce = True
        strict = False

    @pa.dataframe_check(name="start < end")
    def _span(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["start"] < frame["end"]  # type: ignore[return-value]


class ReconciledClaims(pa.DataFrameModel):
    """Every input claim after reconciliation, in input order, with what became of it.

    The columns of the input (already checked as :class:`Claims`, and not changed), and:
    ``kept`` says whether the claim is in its quantity's estimate; ``reason`` says why not,
    or for a kept retelling which claim of its source it repeats (``repeats c3``), and is
    empty for a kept claim that speaks for its source; ``conflict_id`` names the conflict
    the claim stands in (empty when none); ``voice`` is the name of the source the claim
    speaks for, as sources are compared (see ``reconcile.voices``; empty when it names
    none). Where a count on a date dated to a month (or a quarter, a year) was compared at
    the one day of its series inside it (see ``reconcile._measures``), ``as_of`` is that
    day and ``as_of_given`` holds every claim's own ``as_of``.
    """

    claim_id: Series[str]
    kept: Series[bool]
    reason: Series[str]
    conflict_id: Series[str] = pa.Field(nullable=True)
    voice: Series[str] | None

    class Config:
        coerce = True
        strict = False


class Estimates(pa.DataFrameModel):
    """One row per quantity: the key columns, the estimate's range and how it was reached.

    ``low <= value <= high`` in ``unit``; ``n_claims`` claims were about the quantity and
    ``n_kept`` of them support the estimate; ``n_voices`` sources spoke (a source's claims
    count once, however many outlets repeat them); ``status`` is one of ``STATUSES``.

    ``low_tight`` and ``high_tight`` are the range once time (see ``reconcile.temporal``)
    and relations across quantities (see ``reconcile.relations``) are applied: what every
    check across time, every relation and every other range together allow, always inside
    ``[low, high]`` (equal to it when nothing touches the quantity). They are NaN where they
    cannot be met (a conflict of kind ``temporal`` or ``relation``). The tightened range
    need not hold ``value``. ``measure`` says what the quantity measures (one of
    :data:`MEASURES`); ``lag_days`` the days from the end of its time to its latest report.
    """

    low: Series[float]
    value: Series[float]
    high: Series[float]
    unit: Series[str]
    n_claims: Series[int] = pa.Field(ge=1)
    n_kept: Series[int] = pa.Field(ge=1)
    n_voices: Series[int] | None = pa.Field(ge=1)
    status: Series[str] = pa.Field(isin=STATUSES)
    low_tight: Series[float] | None = pa.Field(nullable=True)
    high_tight: Series[float] | None = pa.Field(nullable=True)
    lag_days: Series[float] | None = pa.Field(nullable=True)
    measure: Series[str] | None = pa.Field(isin=MEASURES)

    class Config:
        coerce = True
        strict = False

    @pa.dataframe_check(name="low <= value <= high")
    def _range_ordered(cls, frame: pd.DataFrame) -> Series[bool]:
        return _ordered(frame)  # type: ignore[return-value]

    @pa.dataframe_check(name="n_kept <= n_claims")
    def _kept_among_claims(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["n_kept"] <= frame["n_claims"]  # type: ignore[return-value]

    @pa.dataframe_check(name="low <= low_tight <= high_tight <= high")
    def _tight_inside(cls, frame: pd.DataFrame) -> Series[bool]:
        return _inside(frame, "low_tight", "high_tight", "low", "high")  # type: ignore[return-value]


class Conflicts(pa.DataFrameModel):
    """Long form: one row per (conflict, claim), with the quantity's key and a message.

    A conflict names the smallest set of claims behind it: for ``disjoint``, a pair of
    claims whose ranges share no point; for ``unit``, a claim whose unit cannot be
    converted and the claim that set the quantity's unit.
    """

    conflict_id: Series[str]
    kind: Series[str] = pa.Field(isin=CONFLICT_KINDS)
    claim_id: Series[str]
    message: Series[str]

    class Config:
        coerce = True
        strict = False


class Totals(pa.DataFrameModel):
    """One row per quantity that no claim gives but relations derive (``result.totals``).

    The key columns (``counts`` names the derived quantity), then:

    - ``low``, ``high``: the **sound** interval: every value the relations allow when every
      claimed quantity lies in its estimate's range. NaN where the relations cannot be met.
    - ``value``: the value the equality that defines the quantity gives from the estimates'
      values (figure coefficients at their values), moved into ``low``–``high``; NaN where
      no equality fixes one.
    - ``unit``: the unit the relations give it.
    - ``low_90``, ``high_90``: the **probabilistic** 90% interval, read from the defining
      equality when its other terms are all claimed, with exact coefficients: each
      estimate's range is read as a 90% interval (lognormal when low > 0, normal
      otherwise), independently, and the sum's 90% interval is clipped into the sound
      one. NaN where it cannot be read. Never in place of ``low``/``high``.
    - ``claim_ids``, ``relations``: the lineage: the kept claims and the relations of the
      connected system the row was derived in (``, `` and ``; `` separated).
    """

    low: Series[float] = pa.Field(nullable=True)
    value: Series[float] = pa.Field(nullable=True)
    high: Series[float] = pa.Field(nullable=True)
    unit: Series[str]
    low_90: Series[float] = pa.Field(nullable=True)
    high_90: Series[float] = pa.Field(nullable=True)
    claim_ids: Series[str]
    relations: Series[str]

    class Config:
        coerce = True
        strict = False

    @pa.dataframe_check(name="low <= value <= high")
    def _range_ordered(cls, frame: pd.DataFrame) -> Series[bool]:
        return _ordered(frame)  # type: ignore[return-value]

    @pa.dataframe_check(name="low <= low_90 <= high_90 <= high")
    def _probable_inside(cls, frame: pd.DataFrame) -> Series[bool]:
        return _inside(frame, "low_90", "high_90", "low", "high")  # type: ignore[return-value]


class Adjustments(pa.DataFrameModel):
    """One row per quantity in the equalities of :func:`reconcile.adjust`.

    The key columns, the estimate's ``low``, ``value``, ``high`` and ``unit`` (open ends and
    NaN for a quantity no claim gives), ``sigma`` (the standard deviation the range is read
    as; ``inf`` when free), ``adjusted`` (the least-squares value that meets the relations;
    NaN when they leave it undetermined), ``standardized`` (the adjustment in its own
    standard deviations) and ``flagged`` (an adjustment too large to be noise).
    """

    low: Series[float]
    value: Series[float] = pa.Field(nullable=True)
    high: Series[float]
    unit: Series[str]
    sigma: Series[float] = pa.Field(ge=0)
    adjusted: Series[float] = pa.Field(nullable=True)
    standardized: Series[float] = pa.Field(nullable=True)
    flagged: Series[bool]

    class Config:
        coerce = True
        strict = False


#: The environment variable that makes :func:`check_built` run pandera on every table built.
DEBUG_SWITCH = "RECONCILE_DEBUG"
# What pandera coerces each declared dtype to (a text column: pandas' own ``str``).
_COERCED = {"float64": "float64", "int64": "int64", "bool": "bool", "string[pyarrow]": "str", "str": "str"}


@cache
def _schema(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    return model.to_schema()


def _repeats(series: pd.Series) -> bool:
    """Whether a value comes twice.

    Arrow text is hashed by :func:`_text_hashes` and the hashes sorted: a million distinct
    ids in about a fifth of the time a hash table of the texts takes, whose entries fall out
    of cache. Cells whose hashes meet are compared as texts, so a collision costs time, never
    a wrong answer. Other columns: pandas' ``duplicated``.

    Examples:
        >>> _repeats(pd.Series(["c1", "c2", "c10"], dtype="str"))
        False
        >>> _repeats(pd.Series(["c1", "", "c2", "c1"], dtype="str"))
        True

    """
    if not hasattr(series.array, "__arrow_array__"):
        return bool(series.duplicated().any())
    text = series.array.__arrow_array__().combine_chunks()
    hashes = _text_hashes(text)
    if hashes is None:
        return len(pc.unique(text)) != len(text)
    ordered = np.sort(hashes)
    meet = ordered[1:] == ordered[:-1]
    if not meet.any():
        return False
    rows = np.flatnonzero(np.isin(hashes, ordered[1:][meet]))
    return len(pc.unique(text.take(rows))) != len(rows)


# Odd multipliers for the texts' polynomial hash (any odd number mixes; these are primes).
_BYTE_BASE = np.uint64(1_099_511_628_211)
_LENGTH_MIX = np.uint64(11_400_714_819_323_198_549)
_HASHED_AT_ONCE = 1 << 18  # texts hashed per pass, to keep the byte-sized temporaries small


def _text_hashes(text: pa_lib.Array) -> np.ndarray | None:
    """A 64-bit polynomial hash of each cell's bytes and length (missing cells hash as empty ones).

    None where the array is not plain Arrow text.
    """
    buffers = text.buffers()
    if text.null_count or len(buffers) != 3 or buffers[1] is None:
        return None
    wide = pa_lib.types.is_large_string(text.type)
    offsets = np.frombuffer(buffers[1], dtype=np.int64 if wide else np.int32)
    offsets = offsets[text.offset : text.offset + len(text) + 1].astype(np.int64)
    data = np.frombuffer(buffers[2], dtype=np.uint8) if buffers[2] is not None else np.zeros(0, np.uint8)
    lengths = np.diff(offsets)
    powers = np.cumprod(np.full(int(lengths.max(initial=0)) + 1, _BYTE_BASE, dtype=np.uint64))
    hashes = lengths.astype(np.uint64) * _LENGTH_MIX
    for at in range(0, len(lengths), _HASHED_AT_ONCE):  # (a few passes a million texts)
        size = lengths[at : at + _HASHED_AT_ONCE]
        filled = np.flatnonzero(size > 0)
        if not len(filled):
            continue
        first, last = offsets[at], offsets[at + len(size)]
        owner = np.repeat(np.arange(len(size)), size)
        place = np.arange(last - first) - (offsets[at : at + len(size)] - first)[owner]
        mixed = data[first:last].astype(np.uint64) * powers[place]
        hashes[at + filled] += np.add.reduceat(mixed, (offsets[at + filled] - first))
    return hashes


def _passes(check: pa.Check, data: pd.Series | pd.DataFrame) -> np.ndarray | None:
    """Per cell (or row), whether it passes ``check``; None where only pandera can tell."""
    rule = _BUILT_IN.get(str(check.name))
    statistics = check.statistics or {}
    if rule is not None:
        return np.asarray(rule(data, *statistics.values()), dtype=bool)
    own = getattr(check, "_check_fn", None)  # one of the models' own checks, as pandera holds it
    if statistics or own is None:  # a built-in check with arguments: pandera's own dispatch
        return None
    return np.asarray(own(data), dtype=bool)


# pandera's built-in checks the models use, by name, with their arguments in order.
_BUILT_IN: dict[str, Callable[..., object]] = {
    "isin": lambda series, allowed: series.isin(allowed),
    "greater_than_or_equal_to": lambda series, least: series >= least,
    "greater_than": lambda series, least: series > least,
    "less_than": lambda series, most: series < most,
    "less_than_or_equal_to": lambda series, most: series <= most,
}


def conforming(model: type[pa.DataFrameModel], table: pd.DataFrame) -> pd.DataFrame | None:
    """``table`` with its declared dtypes, if it keeps every rule of ``model``; else None.

    The same rules pandera applies (columns, dtypes, missing values, uniqueness, each
    column's checks and the table's), each one vectorised, without pandera's bookkeeping:
    a few hundred microseconds on a small table, where pandera takes tens of milliseconds.
    A table that breaks a rule gets None: pandera then says which rows break which rules.

    Examples:
        >>> conflicts = pd.DataFrame({"conflict_id": ["C1"], "kind": ["disjoint"], "claim_id": ["a"],
        ...                           "message": ["the ranges share no point"]})
        >>> conforming(Conflicts, conflicts)["kind"].dtype
        <StringDtype(na_value=nan)>
        >>> conforming(Conflicts, conflicts.assign(kind="loud")) is None
        True

    """
    try:
        return _conforming(model, table)
    except Exception:  # a rule that cannot even run on these cells: pandera reports the failure
        return None


def _conforming(model: type[pa.DataFrameModel], table: pd.DataFrame) -> pd.DataFrame | None:
    schema = _schema(model)
    coerced: dict[str, pd.Series] = {}
    for name, column in schema.columns.items():
        if name not in table:
            if column.required:
                return None
            continue
        series = table[name]
        target = _COERCED.get(str(column.dtype))
        if target is None:
            return None
        if str(series.dtype) != target:
            series = series.astype(target)
            coerced[name] = series
        missing = series.isna().to_numpy(dtype=bool)
        if (not column.nullable and missing.any()) or (column.unique and _repeats(series)):
            return None
        for check in column.checks:
            passed = _passes(check, series)
            if passed is None:
                return None
            if not np.all(passed | missing if check.ignore_na else passed):
                return None
    checked = table.assign(**coerced) if coerced else table
    for check in schema.checks:
        passed = _passes(check, checked)
        if passed is None or not np.all(passed):
            return None
    return checked


def check_built(model: type[pa.DataFrameModel], table: pd.DataFrame) -> pd.DataFrame:
    """``table``, which the library built, checked against ``model``: a failure is a bug in ``reconcile``.

    The user's claims are checked by ``reconcile.claims.validate``, which blames them
    with a :class:`~reconcile.errors.ClaimsError`. A table the library builds itself
    (reconciled claims, estimates, conflicts, totals, adjustments) that breaks its contract
    says nothing about the input: it is an :class:`~reconcile.errors.InternalError` that
    names the table and lists every failing case, to report with the bug.

    The model's rules are asserted with numpy; with the environment variable
    ``RECONCILE_DEBUG=1`` pandera itself validates every table (slower, and the same
    verdict), and a table that breaks a rule is always described by pandera.

    Examples:
        >>> conflicts = pd.DataFrame({"conflict_id": ["C1"], "kind": ["loud"], "claim_id": ["a"],
        ...                           "message": ["the claims disagree"]})
        >>> check_built(Conflicts, conflicts)
        Traceback (most recent call last):
        ...
        reconcile.errors.InternalError: the library built a Conflicts table that breaks its contract
        (1 problem): this is a bug in reconcile; please report it with the failures listed below
          row 0: isin(...) (got kind='loud')
        >>> check_built(Conflicts, conflicts.assign(kind="disjoint"))["kind"].dtype
        <StringDtype(na_value=nan)>

    """
    if not os.environ.get(DEBUG_SWITCH):
        held = conforming(model, table)
        if held is not None:
            return held
    try:
        checked: pd.DataFrame = model.validate(table, lazy=True)
    except pa.errors.SchemaErrors as exc:
        failures = exc.failure_cases
    else:
        return checked
    where = failures["index"].map(lambda row: "the table" if pd.isna(row) else f"row {row}")
    got = failures["column"].astype(str) + "=" + failures["failure_case"].map(repr)
    lines = (where + ": " + failures["check"].astype(str) + " (got " + got + ")").tolist()
    count = len(lines)
    raise InternalError(
        f"the library built a {model.__name__} table that breaks its contract "
        f"({count} problem{'s' if count != 1 else ''})",
        hint="this is a bug in reconcile; please report it with the failures listed below",
        details="  " + "\n  ".join(lines),
        table=model.__name__,
        failures=failures,
    )
