"""Dates and periods as claims tables write them: one reader, and one canonical spelling.

A column of dates (``as_of``, ``reported_on``, an HXL ``#date``) is read in one pass over
its distinct values. Each readable cell comes back in the spelling ``str(pandas.Period)``
gives: a day ``2016-10-17``, a week ``2016-10-17/2016-10-23``, a month ``2016-10``, a
quarter ``2016Q4`` or a year ``2016``; a span of time is an ISO 8601 interval whose two ends
keep their own precision (``2016-10/2017-07``, ``2017-09-20/2017-12-31``), as ``Span``
writes it. A span that is exactly one calendar period is that period
(``2017-10-01/2017-10-31`` is ``2017-10``). Every cell that cannot be read comes back missing,
with a row in a table of failures that names the row, the value, the problem and a hint.

Numbers written day, month, year (``17/10/2016``, ``03-04-2022``, ``17.10.2016``) are never
read month-first by default. The order is settled for the whole column: a first number above
12 makes it day-first, a second number above 12 makes it month-first, and a column with
neither, where some date would read differently each way, is an error until the caller says
``dayfirst=``. Two-digit years are refused: their century is a guess.

Examples:
    >>> import pandas as pd
    >>> dates = pd.Series(["17/10/2016", "03/11/2016", "Oct 2016", None, "2016"], name="as_of")
    >>> read, failures = read_dates(dates)
    >>> read.tolist()
    ['2016-10-17', '2016-11-03', '2016-10', nan, '2016']
    >>> failures.empty
    True
    >>> read, failures = read_dates(pd.Series(["03/04/2022"], name="as_of"))
    >>> print(failures.loc[0, "message"])
    as_of='03/04/2022' reads as 2022-04-03 day-first or 2022-03-04 month-first,
    and no date in as_of settles which
    >>> read_dates(pd.Series(["03/04/2022"], name="as_of"), dayfirst=False)[0].tolist()
    ['2022-03-04']

"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from reconcile._texts import respelled
from reconcile.errors import ArgumentError, ParseError, Reason


@dataclass(frozen=True)
class Span:
    """A stretch of time from one period to another, each end with its own precision.

    Written as an ISO 8601 interval, ``start/end``: ``2016-10/2017-07`` runs from the first
    day of October 2016 to the last day of July 2017. Like a ``pandas.Period``, a span has
    a ``start_time`` and an ``end_time``.

    Examples:
        >>> battle = Span(pd.Period("2016-10", "M"), pd.Period("2017-07", "M"))
        >>> str(battle), battle.start_time.date(), battle.end_time.date()
        ('2016-10/2017-07', datetime.date(2016, 10, 1), datetime.date(2017, 7, 31))

    """

    start: pd.Period
    end: pd.Period

    def __str__(self) -> str:
        return f"{self.start}/{self.end}"

    @property
    def start_time(self) -> pd.Timestamp:
        """The first moment of the span."""
        return self.start.start_time

    @property
    def end_time(self) -> pd.Timestamp:
        """The last moment of the span."""
        return self.end.end_time


#: What ``as_of`` accepts: a date, a period string ("2016-10-17", "2016-10", "2016"), a
#: span ("2016-10/2017-07"), a pandas Period, whose frequency keeps the precision (day,
#: month, year), or a ``Span``.
AsOf = pd.Period | Span | dt.date | str | None
#: A date, period or span once read: a pandas Period or a ``Span``.
When = pd.Period | Span

#: The columns of the failures table, as :func:`reconcile.claims.validate` takes them (``found``);
#: ``reason`` is the :class:`~reconcile.errors.Reason` of each.
FAILURE_COLUMNS = ("index", "column", "check", "failure_case", "message", "hint", "schema_context", "reason")
#: Dates before this year are refused, as :mod:`reconcile.figure` refuses them: a year that
#: low is a year left out ("17 October" reads as 17 October of the year 1).
EARLIEST_YEAR = 1800

_READABLE_HINT = (
    "write a day as 2016-10-17, 17/10/2016 or 17 October 2016, a week as 2016-10-17/2016-10-23, "
    "a month as 2016-10 or Oct 2016, a quarter as 2016Q4, a year as 2016, "
    "or a span as 2016-10/2017-07"
)
_DAY_HINT = (
    "write the day the source reported the figure, such as 2016-10-17 or 17/10/2016; "
    "leave the cell empty if the day is not known"
)
_YEAR_HINT = "write the year in full: 17/10/2016 or 17 October 2016, not 17/10/16"
_ORDER_HINT = (
    "pass dayfirst=True for dates written 17/10/2016 or dayfirst=False for 10/17/2016, "
    "or write ISO dates such as 2016-10-17"
)
_MIXED_HINT = "write every date of a column in one order, or pass dayfirst= and correct the rows it refuses"
_AGAINST_HINT = "correct the row, or leave dayfirst out to settle the order from the column"

_PRECISION_WORDS = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year", "S": "span"}
_DAY_MONTH_YEAR = r"^(?P<first>\d{1,2})(?P<sep>[-/.])(?P<second>\d{1,2})(?P=sep)(?P<year>\d{4})$"
_SHORT_YEAR = r"^\d{1,2}(?P<sep>[-/.])\d{1,2}(?P=sep)\d{2}$"
_YEAR_FIRST = r"^(?P<year>\d{4})(?P<sep>[-/.])(?P<month>\d{1,2})(?P=sep)(?P<day>\d{1,2})$"
_YEAR_FIRST_BASIC = r"^(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})$"
_YEAR_MONTH = r"^(?P<year>\d{4})[-/](?P<month>\d{1,2})$"
_YEAR = r"^(?P<year>\d{4})$"
_WEEK = r"^\d{4}-\d{2}-\d{2}/\d{4}-\d{2}-\d{2}$"
# An ISO 8601 interval: two ISO days, months, years or quarters.
_ISO_END = r"\d{4}(?:-\d{2}(?:-\d{2})?|Q[1-4])?"
_SPAN = rf"^\s*{_ISO_END}\s*/\s*{_ISO_END}\s*$"
_LETTER = r"[^\W\d_]"
_FULL_YEAR = r"(?<!\d)\d{4}(?!\d)"
#: What is known of each distinct value: its canonical text and precision, or why it was refused.
_VERDICT = ("read", "precision", "check", "message", "hint", "reason")


_PERIOD_HINT = (
    "write a day '2016-10-17', a week '2016-10-17/2016-10-23', a month '2016-10', "
    "a quarter '2016Q4', a year '2016' or a span '2016-10/2017-07'"
)
_SPAN_HINT = (
    "write a span as two ISO dates or periods, the earlier first: 2016-10/2017-07 or 2017-09-20/2017-12-31"
)
_ONE_DATE_ORDER_HINT = "write the date as ISO, year-month-day, such as 2016-10-17"
#: The precisions ``as_of`` may have: day, week, month, quarter, year.
_PRECISIONS = ("D", "W", "M", "Q", "Y")
# ISO days, months and years and pandas' quarters are read as they are, without the reader.
_PLAIN = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?|Q[1-4])?")


def _precise_enough(read: object, as_of: object, what: str) -> pd.Period:
    if isinstance(read, pd.Period) and read.start_time.year < EARLIEST_YEAR:
        raise ParseError(
            f"{what}={as_of!r} reads as the year {read.start_time.year}: is its year missing?",
            hint=_PERIOD_HINT,
            text=str(as_of),
            position=0,
            reason=Reason.BAD_DATE,
        )
    if not isinstance(read, pd.Period) or read.freqstr.split("-")[0] not in _PRECISIONS:
        raise ParseError(
            f"{what}={as_of!r} is not a day, week, month, quarter or year",
            hint=_PERIOD_HINT,
            text=str(as_of),
            position=0,
            reason=Reason.BAD_DATE,
        )
    return read


def period(as_of: object, *, what: str = "as_of") -> When | None:
    """One date or period as a pandas Period whose frequency is its precision (day ... year).

    A span (``2016-10/2017-07``) is a ``Span``, unless it is one calendar period.

    Text is read as a table's date column is read (:func:`read_dates`), one cell alone: a
    date whose day-month order only the rest of a column could settle is an error here.

    Raises:
        ParseError: the text is not a date or period, or its day-month order is unsettled.
        ArgumentError: ``as_of`` is neither a date, a Period nor text.

    Examples:
        >>> period("17/10/2016"), period("2016-10"), period("Oct 2016") == period("2016-10")
        (Period('2016-10-17', 'D'), Period('2016-10', 'M'), True)
        >>> str(period("2016-10/2017-07")), period("2017-10-01/2017-10-31")
        ('2016-10/2017-07', Period('2017-10', 'M'))
        >>> period("03/04/2022")
        Traceback (most recent call last):
        ...
        reconcile.errors.ParseError: as_of='03/04/2022' reads as 2022-04-03 day-first or ...

    """
    if as_of is None:
        return None
    if isinstance(as_of, pd.Period):
        return _precise_enough(as_of, as_of, what)
    if isinstance(as_of, Span):
        return period(str(as_of), what=what)
    if isinstance(as_of, dt.date):  # datetime and pd.Timestamp are dates too
        return pd.Period(as_of, freq="D")
    if not isinstance(as_of, str):
        raise ArgumentError(
            f"{what} must be a date, a period or a string (got {type(as_of).__name__})",
            hint=_PERIOD_HINT,
            reason=Reason.BAD_DATE,
        )
    text = as_of.strip()
    if not _PLAIN.fullmatch(text) and not re.fullmatch(_SPAN, text):  # (ISO needs no reader)
        read, failures = read_dates(pd.Series([text], name=what))
        if len(failures):
            failure = failures.iloc[0]
            # One date alone has no column to settle its order, and no dayfirst= to pass.
            reason = Reason(failure["reason"])
            hint = _ONE_DATE_ORDER_HINT if reason is Reason.DAY_ORDER else str(failure["hint"])
            raise ParseError(
                str(failure["message"]).replace("\n", " "), hint=hint, reason=reason, text=as_of, position=0
            )
        text = str(read.iloc[0])
    week = _week(text) if "/" in text else None
    if "/" in text and week is None:
        span = _read_span(text)
        if isinstance(span, str):
            raise ParseError(
                f"{what}={as_of!r} {span}", hint=_PERIOD_HINT, text=as_of, position=0, reason=Reason.BAD_DATE
            )
        return span
    try:
        found = pd.Period(text) if week is None else _week_period(text)
    except (ValueError, TypeError, OverflowError) as exc:
        raise ParseError(
            f"cannot read {what}={as_of!r} as a date or period",
            hint=_PERIOD_HINT,
            text=as_of,
            position=0,
            reason=Reason.BAD_DATE,
        ) from exc
    return _precise_enough(found, as_of, what)


def _read_span(text: str) -> When | str:
    """The span ``start/end`` (two ISO days, months, quarters or years), or why it is not one.

    A span that is exactly one calendar period (a day, month, quarter or year) is that period.
    """
    first, last = (part.strip() for part in text.split("/"))
    start, end = _period(first), _period(last)
    if not _PLAIN.fullmatch(first) or not _PLAIN.fullmatch(last) or start is None or end is None:
        return "is not a span of two ISO dates or periods"
    if min(start.start_time.year, end.start_time.year) < EARLIEST_YEAR:
        return f"starts or ends before {EARLIEST_YEAR}: is a year missing?"
    if start.start_time > end.start_time or start.end_time > end.end_time:
        return f"ends ({last}) before it starts ({first})"
    for freq in ("D", "M", "Q", "Y"):
        whole = pd.Period(start.start_time, freq=freq)
        if whole.start_time == start.start_time and whole.end_time == end.end_time:
            return whole
    return Span(start, end)


def _week_period(text: str) -> pd.Period:
    first, last = (pd.Timestamp(part) for part in text.split("/"))
    return pd.Period(first, freq=f"W-{last.day_name()[:3].upper()}")


def _all_iso_days(values: pd.Series) -> bool:
    """Whether every value is an ISO day of a real date since :data:`EARLIEST_YEAR` (or there are none)."""
    if not values.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all():
        return False
    days = pd.to_datetime(values, format="%Y-%m-%d", errors="coerce")
    return bool(days.notna().all() and (days.dt.year >= EARLIEST_YEAR).all())


def _verdicts(values: pd.Series) -> pd.DataFrame:
    """A verdict per value, all missing: nothing read, nothing refused."""
    return pd.DataFrame(None, index=values.index, columns=list(_VERDICT), dtype=object)


def _refuse(
    verdict: pd.DataFrame, where: pd.Series, check: str, message: pd.Series, hint: str, reason: Reason
) -> None:
    """Refuse the values ``where`` says and no earlier rule refused; what was read of them is dropped."""
    refused = where.to_numpy(dtype=bool) & verdict["check"].isna().to_numpy()
    if not refused.any():
        return  # most columns break no rule: skip pandas' costly assignment of nothing
    verdict.loc[refused, ["read", "precision"]] = None
    verdict.loc[refused, ["check", "hint", "reason"]] = [check, hint, reason]
    verdict.loc[refused, "message"] = message[refused]


def _parts(values: pd.Series, pattern: str) -> pd.DataFrame:
    """The named groups of ``pattern`` in each value, as text (missing where it does not match)."""
    return values.str.extract(pattern).astype(object)


def _shown(values: pd.Series, name: str) -> pd.Series:
    """Each value as messages show it: ``as_of='17/10/2016'``."""
    return pd.Series([f"{name}={value!r}" for value in values], index=values.index, dtype=object)


def _days(year: pd.Series, month: pd.Series, day: pd.Series) -> pd.Series:
    """``year-month-day`` as ISO text where it is a day of the calendar, else missing."""
    iso = year + "-" + month.str.zfill(2) + "-" + day.str.zfill(2)
    stamps = pd.to_datetime(iso, format="%Y-%m-%d", errors="coerce")
    recent = pd.to_numeric(year) >= EARLIEST_YEAR
    return iso.where(stamps.notna() & recent)


def _week(text: str) -> str | None:
    """A week as ``str(pandas.Period)`` writes one (first day/last day), if it is one."""
    try:
        first, last = (pd.Timestamp(part) for part in text.split("/"))
    except ValueError:
        return None
    week = pd.Period(first, freq=f"W-{last.day_name()[:3].upper()}")
    if week.start_time != first or (last - first).days != 6:
        return None
    return str(week)


def _period(text: str) -> pd.Period | None:
    """What pandas reads ``text`` as, if anything."""
    try:
        return pd.Period(text)
    except (ValueError, TypeError, OverflowError):
        return None


def _iso(values: pd.Series, name: str) -> pd.DataFrame:
    """Days, months and years written year first (``2016-10-17``, ``2016-10``, ``2016``), weeks and spans."""
    verdict = _verdicts(values)
    for pattern in (_YEAR_FIRST, _YEAR_FIRST_BASIC):
        parts = _parts(values, pattern)
        verdict["read"] = verdict["read"].fillna(_days(parts["year"], parts["month"], parts["day"]))
    parts = _parts(values, _YEAR_MONTH)
    month = pd.to_numeric(parts["month"]).between(1, 12) & (pd.to_numeric(parts["year"]) >= EARLIEST_YEAR)
    verdict.loc[verdict["read"].notna(), "precision"] = "D"
    verdict.loc[month, "read"] = parts["year"] + "-" + parts["month"].str.zfill(2)
    verdict.loc[month, "precision"] = "M"
    year = values.str.fullmatch(_YEAR) & (pd.to_numeric(values, errors="coerce") >= EARLIEST_YEAR)
    verdict.loc[year, ["read", "precision"]] = values[year].to_frame("read").assign(precision="Y")
    weeks = values.str.fullmatch(_WEEK).to_numpy(dtype=bool)
    verdict.loc[weeks, "read"] = [_week(text) for text in values[weeks]]  # per distinct week
    verdict.loc[weeks & verdict["read"].notna().to_numpy(), "precision"] = "W"
    spans = values.str.fullmatch(_SPAN).to_numpy(dtype=bool) & verdict["read"].isna().to_numpy()
    read = pd.Series([_read_span(text) for text in values[spans]], index=values.index[spans], dtype=object)
    problem = read.map(lambda found: isinstance(found, str))
    good = read[~problem]
    verdict.loc[good.index, "read"] = good.map(str)
    verdict.loc[good.index, "precision"] = good.map(_precision)
    bad = pd.Series(False, index=values.index)
    bad[problem.index[problem]] = True
    shown = _shown(values, name)
    _refuse(
        verdict,
        bad,
        "date or period",
        shown + " " + read.reindex(values.index).fillna("").astype(str),
        _SPAN_HINT,
        Reason.BAD_DATE,
    )
    return verdict


def _precision(found: When) -> str:
    """A read period's precision: ``D``, ``W``, ``M``, ``Q``, ``Y``, or ``S`` for a span."""
    return "S" if isinstance(found, Span) else str(found.freqstr.split("-")[0])


def _day_month_year(
    values: pd.Series, codes: npt.NDArray[np.intp], rows: pd.Index, name: str, dayfirst: bool | None
) -> pd.DataFrame:
    """Numbers day, month, year (``17/10/2016``), all read in the one order of their column."""
    verdict = _verdicts(values)
    parts = _parts(values, _DAY_MONTH_YEAR)
    readings = {
        "day": _days(parts["year"], parts["second"], parts["first"]),
        "month": _days(parts["year"], parts["first"], parts["second"]),
    }
    only = {
        "day": readings["day"].notna() & readings["month"].isna(),
        "month": readings["month"].notna() & readings["day"].isna(),
    }
    same = readings["day"].notna() & (readings["day"] == readings["month"])
    ambiguous = readings["day"].notna() & readings["month"].notna() & ~same
    seen = {way: bool(only[way].any()) for way in only}
    order = dayfirst
    if order is None and seen["day"] != seen["month"]:
        order = seen["day"]
    chosen = readings["day" if order else "month"]
    verdict["read"] = readings["day"].where(same | only["day"], readings["month"])
    if order is not None:
        verdict["read"] = verdict["read"].where(~ambiguous, chosen)
    verdict.loc[verdict["read"].notna(), "precision"] = "D"

    shown = _shown(values, name)
    way = pd.Series(np.where(only["day"], "day", "month"), index=values.index, dtype=object)
    not_a_month = parts["first"].where(only["day"], parts["second"])
    settled = shown + " can only be " + way + "-first (" + not_a_month + " is not a month)"
    if dayfirst is not None:
        against = only["month" if dayfirst else "day"]
        _refuse(
            verdict,
            against,
            "day-month order",
            settled + f", against dayfirst={dayfirst}",
            _AGAINST_HINT,
            Reason.DAY_ORDER_AGAINST,
        )
    elif seen["day"] and seen["month"]:
        # Name, for each order, the first row that can only be read the other way.
        first = {w: int(np.flatnonzero(np.isin(codes, np.flatnonzero(only[w].to_numpy())))[0]) for w in only}
        counter = {
            w: f"{name}={values[codes[first[other]]]!r} (row {rows[first[other]]}) can only be {other}-first"
            for w, other in (("day", "month"), ("month", "day"))
        }
        mixed = settled + ", but " + way.map(counter)
        either = only["day"] | only["month"]
        _refuse(verdict, either, "day-month order", mixed, _MIXED_HINT, Reason.DAY_ORDER_MIXED)
    if order is None:
        unsettled = f"{name} is written in both orders" if seen["day"] else f"no date in {name} settles which"
        both = shown + " reads as " + readings["day"] + " day-first or " + readings["month"] + " month-first"
        _refuse(
            verdict, ambiguous, "day-month order", both + ", and " + unsettled, _ORDER_HINT, Reason.DAY_ORDER
        )
    return verdict


def _written(values: pd.Series, name: str) -> pd.DataFrame:
    """Periods with words in them (``17 October 2016``, ``Oct 2016``, ``2016Q4``), read by pandas.

    pandas reads ``17 October`` as a day of the year 1 and ``17 Oct 16`` as one of 2016: a
    text it reads without a four-digit year in it is refused, not guessed.
    """
    verdict = _verdicts(values)
    worded = values.str.contains(_LETTER).to_numpy(dtype=bool)
    periods = pd.Series([_period(text) for text in values[worded]], index=values.index[worded], dtype=object)
    precision = periods.map(lambda period: None if period is None else period.freqstr.split("-")[0])
    known = precision.isin(list(_PRECISION_WORDS))
    verdict.loc[known.index[known], "read"] = periods[known].map(str)
    verdict.loc[known.index[known], "precision"] = precision[known]
    no_year = verdict["read"].notna() & ~values.str.contains(_FULL_YEAR)
    _refuse(
        verdict,
        no_year,
        "four-digit year",
        _shown(values, name) + " has no four-digit year",
        _YEAR_HINT,
        Reason.SHORT_YEAR,
    )
    before = verdict["read"].notna() & (verdict["read"].str.slice(0, 4) < str(EARLIEST_YEAR))
    _refuse(
        verdict,
        before,
        "date or period",
        _shown(values, name) + " is not a date or period",
        _READABLE_HINT,
        Reason.BAD_DATE,
    )
    return verdict


# Midnight after an ISO day, as a spreadsheet or a database writes a date cell: the day. (A
# figure as of another time of day is finer than a day, which no period here holds.)
_TIME_OF_DAY = r"(?<=^\d{4}-\d{2}-\d{2})[T ]00:00(?::00(?:\.0+)?)?(?:Z|[+-]00:?00)?$"


def read_dates(
    texts: pd.Series,
    *,
    dayfirst: bool | None = None,
    days_only: bool = False,
    label: str | None = None,
) -> tuple[pd.Series, pd.DataFrame]:
    """Read a column of dates: the canonical text of each cell, and a table of those not read.

    Each distinct value is read once. Accepted: ISO (``2016-10-17``, ``2016-10``, ``2016``,
    also ``2016/10/17`` and ``20161017``), weeks and quarters as pandas writes them
    (``2016-10-17/2016-10-23``, ``2016Q4``), numbers day, month, year separated by ``-``,
    ``/`` or ``.`` (``17/10/2016``), and written months (``17 October 2016``,
    ``October 17, 2016``, ``Oct 2016``). The day-month order of numbers is settled for the
    whole column (see the module's docstring) unless ``dayfirst`` says it.

    Args:
        texts: the column; missing cells stay missing.
        dayfirst: ``True`` for ``17/10/2016``, ``False`` for ``10/17/2016``; ``None`` to
            settle the order from the column's own dates.
        days_only: refuse weeks, months, quarters and years (a report date is a day).
        label: the column's name in messages; by default ``texts.name``.

    Returns:
        The canonical text, with ``texts``'s index (a cell not read is missing), and one
        row per (row, value) not read, with the columns of :data:`FAILURE_COLUMNS`
        (``index`` is the row's label, ``check`` the reason: ``date or period``, ``day``,
        ``four-digit year`` or ``day-month order``).

    Raises:
        ArgumentError: ``dayfirst`` is not ``True``, ``False`` or ``None``.

    Examples:
        >>> import pandas as pd
        >>> cells = pd.Series(["03-04-2022", "17.10.2016", "2017-12-31T00:00:00"], name="as_of")
        >>> read, failures = read_dates(cells)
        >>> read.tolist()
        ['2022-04-03', '2016-10-17', '2017-12-31']
        >>> read, failures = read_dates(pd.Series(["10/17/2016"], name="as_of"), dayfirst=True)
        >>> failures[["index", "check", "failure_case"]]
           index            check failure_case
        0      0  day-month order   10/17/2016

    """
    if dayfirst is not None and not isinstance(dayfirst, bool):
        raise ArgumentError(
            f"dayfirst must be True, False or None (got {dayfirst!r})",
            hint="pass dayfirst=True for 17/10/2016, False for 10/17/2016, or leave it out",
            reason=Reason.BAD_ARGUMENT,
        )
    name = str(texts.name) if label is None else label
    codes, distinct = pd.factorize(texts)
    values = pd.Series([str(value).strip() for value in distinct], dtype=object)
    # A spreadsheet's date cell comes as a timestamp: its day is the date (2017-12-31T00:00:00).
    values = values.str.replace(_TIME_OF_DAY, "", regex=True)
    if _all_iso_days(values):  # a table this library wrote: nothing to settle or refuse
        cells = respelled(texts, codes, distinct, values.tolist())
        return cells, pd.DataFrame(columns=list(FAILURE_COLUMNS))
    verdict = (
        _iso(values, name)
        .combine_first(_day_month_year(values, codes, texts.index, name, dayfirst))
        .combine_first(_written(values, name))
    )
    shown = _shown(values, name)
    short = values.str.fullmatch(_SHORT_YEAR)
    _refuse(
        verdict,
        short,
        "four-digit year",
        shown + " has a two-digit year: its century is not known",
        _YEAR_HINT,
        Reason.SHORT_YEAR,
    )
    if days_only:
        coarse = verdict["read"].notna() & verdict["precision"].ne("D")
        words = verdict["precision"].map(_PRECISION_WORDS).fillna("period")
        _refuse(verdict, coarse, "day", shown + " is a " + words + ", not a day", _DAY_HINT, Reason.NOT_A_DAY)
        _refuse(verdict, verdict["read"].isna(), "day", shown + " is not a day", _DAY_HINT, Reason.NOT_A_DAY)
    else:
        unread = verdict["read"].isna()
        unreadable = shown + " is not a date or period"
        _refuse(verdict, unread, "date or period", unreadable, _READABLE_HINT, Reason.BAD_DATE)

    # Spread the verdicts over the rows; code -1 (a missing cell) picks the appended last entry.
    read = np.concatenate([verdict["read"].to_numpy(dtype=object), np.array([None], dtype=object)])
    canonical = pd.Series(read[codes], index=texts.index, dtype="str")
    failed = np.append(verdict["check"].notna().to_numpy(dtype=bool), False)[codes]
    cases = verdict.iloc[codes[failed]]
    failures = pd.DataFrame(
        {
            "index": texts.index[failed],
            "column": str(texts.name),
            "check": cases["check"].to_numpy(),
            "failure_case": values.iloc[codes[failed]].to_numpy(),
            "message": cases["message"].to_numpy(),
            "hint": cases["hint"].to_numpy(),
            "schema_context": "date",
            "reason": cases["reason"].to_numpy(),
        },
        columns=list(FAILURE_COLUMNS),
    )
    # A row of an HXL file may give several claims: say each of its problems once.
    return canonical, failures.drop_duplicates(["index", "failure_case"], ignore_index=True)


_NS_PER_DAY = 86_400 * 10**9


def _read_quietly(text: object) -> When | None:
    """The period a cell names, or None where it is missing or cannot be read."""
    try:
        return None if text is None or bool(pd.isna(text)) else period(str(text))  # type: ignore[call-overload]
    except (ParseError, ArgumentError):
        return None


def day_bounds(texts: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per date, period or span: its first day, the first day of its last period, and its last day.

    Days are counted from 1970-01-01, as floats: NaN where a cell is missing or cannot be
    read. The last period of a span is its end (``2017-07`` of ``2016-10/2017-07``); of a
    day, month or year, itself. Each distinct text is read once.

    Examples:
        >>> first, last_start, last = day_bounds(["1970-01-02", "1970-01/1970-02", None])
        >>> first.tolist(), last_start.tolist(), last.tolist()
        ([1.0, 0.0, nan], [1.0, 31.0, nan], [1.0, 58.0, nan])

    """
    column = texts if isinstance(texts, pd.Series) else pd.Series(np.asarray(texts, dtype=object))
    codes, distinct = pd.factorize(column)
    found = [_read_quietly(text) for text in distinct]
    days = np.full((len(found) + 1, 3), np.nan)
    for row, when in enumerate(found):  # per distinct text: a table has a few hundred
        if when is not None:
            last = when.end if isinstance(when, Span) else when
            days[row] = [
                when.start_time.value // _NS_PER_DAY,
                last.start_time.value // _NS_PER_DAY,
                when.end_time.value // _NS_PER_DAY,
            ]
    taken = days[codes]  # code -1 (a missing cell) takes the appended last row
    return taken[:, 0], taken[:, 1], taken[:, 2]
