"""The library's words for figures: numbers, ranges, nouns and summaries, and text safe to print.

Every report, message and plot words a figure with these functions, so a range reads the
same in a table, in a conflict's message and on a plot. Each comes in a scalar form, for
one figure, and a column form, for a table (whole numpy or pandas columns at once, each
distinct number formatted once); the two follow the same rule, and the scalar form is the
column form on one row.

- Numbers: ``5,000``; ``0.45``; open ends as ``∞``; NaN as ``unknown``.
- Ranges: ``low–high``, the low end rounded down and the high end up, so the printed range
  holds the stored one; one number when the two ends print alike.
- Nouns: what a figure's number is of: its ``counts`` for people, else its unit's name, with
  what it counts in brackets (``households (displaced)``).
- Summaries: a figure as words with its range (``about 5,000 militants (4,500–5,500)``),
  and how far apart two ranges are.

Examples:
    >>> format_range(7000, float("inf"))
    '7,000–∞'
    >>> summary(hedge="about", value=5000, low=4500, high=5500, noun=noun("person", "militants"))
    'about 5,000 militants (4,500–5,500)'

"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd

from reconcile.units import display_unit

__all__ = [
    "exact_numbers",
    "format_number",
    "format_numbers",
    "format_range",
    "format_ranges",
    "gap_text",
    "gap_texts",
    "noun",
    "nouns",
    "phrase",
    "phrases",
    "plural",
    "printable",
    "summaries",
    "summary",
]

Texts = npt.NDArray[np.object_]
#: A column of text: a list, a numpy array or a pandas Series; None or NaN where a text is missing.
TextColumn = npt.ArrayLike | Sequence[object]

# Control characters (C0 but tab and line feed, DEL, C1) shown as U+FFFD: a terminal would
# obey them (clear the screen, move the cursor, open a link) rather than print them.
_CONTROLS = {
    code: "\N{REPLACEMENT CHARACTER}"
    for code in range(0xA0)
    if unicodedata.category(chr(code)) == "Cc" and chr(code) not in "\t\n"
}


def format_numbers(values: npt.ArrayLike, rounding: str = "nearest") -> Texts:
    """Numbers as a report prints them: 5,000; 0.45; open ends as ∞; NaN as "unknown".

    Numbers of 100 and more are shown whole, smaller ones to six significant digits (at
    least three decimals), so 0.1 and 0.1001 print apart. A range's
    low end is shown rounded down and its high end rounded up (``rounding="down"`` /
    ``"up"``), so the printed range holds the stored one; an end that is a float's width
    away from a printed digit (0.44999999999999996 for 0.45) is shown as that digit.
    Each distinct number is formatted once. Python's own formatting does that faster
    than numpy's or Arrow's string kernels (measured: 0.09 s against 0.3 s for 350,000
    numbers), so it is used here, on the distinct numbers of the column.

    Examples:
        >>> format_numbers([5000, 0.45, 1 / 3, float("-inf")]).tolist()
        ['5,000', '0.45', '0.333333', '−∞']
        >>> format_numbers([4499.5], "down").tolist(), format_numbers([4499.5], "up").tolist()
        (['4,499'], ['4,500'])

    """
    numbers = np.asarray(values, dtype=float) + 0.0  # -0.0 prints as 0
    distinct, where = np.unique(numbers, return_inverse=True)
    finite = np.isfinite(distinct)
    whole = np.abs(distinct) >= 100
    magnitude = np.floor(np.log10(np.where(finite & (distinct != 0), np.abs(distinct), 1.0)))
    decimals = np.where(whole, 0, np.clip(5 - magnitude, 3, 15)).astype(int)
    scaled = np.where(finite, distinct * 10.0**decimals, 0.0)
    nearest = np.round(scaled)
    on_digit = np.abs(scaled - nearest) <= 1e-12 * np.maximum(1.0, np.abs(scaled))
    directed = {"down": np.floor, "up": np.ceil}.get(rounding)
    shown = nearest if directed is None else np.where(on_digit, nearest, directed(scaled))
    texts = np.where(distinct > 0, "∞", np.where(distinct < 0, "−∞", "unknown")).astype(object)  # NaN
    huge = finite & (np.abs(distinct) >= 1e15)  # beyond any count a report gives
    # Six significant digits, rounded the way the range's end asks.
    power = 10.0 ** (magnitude[huge] - 5)
    head = distinct[huge] / power
    if directed is not None:
        head = directed(head)
        head += np.where(head * power > distinct[huge], -1, 0) if rounding == "down" else 0
        head += np.where(head * power < distinct[huge], 1, 0) if rounding == "up" else 0
    mantissa = np.round(head) / 1e5
    exponent = magnitude[huge].astype(np.int64)
    carried = np.abs(mantissa) >= 10  # 9.999995e17 rounded up is 1e18
    mantissa, exponent = np.where(carried, mantissa / 10, mantissa), exponent + carried
    pairs = zip(mantissa.tolist(), exponent.tolist(), strict=True)
    texts[huge] = [f"{digits:.6g}e+{power:02d}" for digits, power in pairs]
    counted = finite & whole & ~huge
    texts[counted] = [f"{digits:,}" for digits in shown[counted].astype(np.int64).tolist()]
    small = finite & ~whole
    texts[small] = [
        f"{digits / 10**places:,.{places}f}".rstrip("0").rstrip(".")
        for digits, places in zip(shown[small].tolist(), decimals[small].tolist(), strict=True)
    ]
    return texts[where.reshape(-1)]


def format_number(number: float, rounding: str = "nearest") -> str:
    """One number as :func:`format_numbers` prints it.

    Examples:
        >>> format_number(1636363.64, "down"), format_number(float("nan"))
        ('1,636,363', 'unknown')

    """
    return str(format_numbers([number], rounding)[0])


def exact_numbers(values: npt.ArrayLike) -> Texts:
    """Numbers written in full (4500, 1636363.64, inf), so two that differ print apart.

    For messages that hold a number up against another (a phrase's reading and the number a
    row gives); reports use :func:`format_numbers`. Each distinct number is written once.

    Examples:
        >>> exact_numbers([4500.0, 1636363.64, float("inf")]).tolist()
        ['4500', '1636363.64', 'inf']

    """
    distinct, where = np.unique(np.asarray(values, dtype=float), return_inverse=True)
    written = [np.format_float_positional(number, trim="-") for number in distinct]
    return np.array(written, dtype=object)[where.reshape(-1)]


def _filled(texts: TextColumn) -> Texts:
    """Texts as an object array, "" where one is missing (None or NaN)."""
    cells = np.asarray(texts, dtype=object)
    return np.asarray(np.where(pd.isna(cells), "", cells), dtype=object)


def _ends(lows: npt.ArrayLike, highs: npt.ArrayLike, *, exact: bool = False) -> tuple[Texts, Texts]:
    """A range's two ends as text: the low end rounded down, the high end up (or both in full)."""
    if exact:
        return exact_numbers(lows), exact_numbers(highs)
    return format_numbers(lows, "down"), format_numbers(highs, "up")


def format_ranges(
    lows: npt.ArrayLike, highs: npt.ArrayLike, *, exact: bool = False, separator: str = "–"
) -> Texts:
    """Ranges as ``low–high``: the low end rounded down, the high end up, open ends as ∞.

    A range whose two ends print alike is one number. ``exact=True`` writes the ends in
    full, as :func:`exact_numbers` does; ``separator`` goes between the ends (``" to "``
    reads better between negative numbers).

    Examples:
        >>> lows, highs = [4500, 7000, 5000, 0.44999999999999996], [5500, float("inf"), 5000, 0.45]
        >>> format_ranges(lows, highs).tolist()
        ['4,500–5,500', '7,000–∞', '5,000', '0.45']
        >>> format_ranges([8500], [9500.5], exact=True).tolist()
        ['8500–9500.5']

    """
    low, high = _ends(lows, highs, exact=exact)
    return np.asarray(np.where(low == high, low, low + separator + high), dtype=object)


def format_range(low: float, high: float, *, exact: bool = False, separator: str = "–") -> str:
    """One range as :func:`format_ranges` writes it.

    Examples:
        >>> format_range(4499.5, 5500.2), format_range(5000, 5000)
        ('4,499–5,501', '5,000')

    """
    return str(format_ranges([low], [high], exact=exact, separator=separator)[0])


def nouns(units: TextColumn, counts: TextColumn | None = None) -> Texts:
    """What each figure's number is of: its ``counts`` for people, else its unit's name.

    A figure in another unit names what it counts in brackets (``households (displaced)``).
    Without ``counts`` (or where a count is missing or empty) each noun is the unit's name
    (``people``, ``USD``); a missing unit is ``""``. Each distinct unit is named once.

    Examples:
        >>> units = ["person", "person", "household", "USD"]
        >>> nouns(units, ["militants", None, "displaced", None]).tolist()
        ['militants', 'people', 'households (displaced)', 'USD']

    """
    codes, distinct = pd.factorize(np.asarray(units, dtype=object))
    named = np.array([display_unit(str(unit)) for unit in distinct] + [""], dtype=object)[codes]
    if counts is None:
        return named
    counted = _filled(counts)
    missing = counted == ""
    people = np.append(distinct == "person", False)[codes]  # a missing unit (code -1) is not people
    other = np.where(missing | (codes == -1), named, named + " (" + counted + ")")
    return np.asarray(np.where(people, np.where(missing, "people", counted), other), dtype=object)


def noun(unit: str, counts: str | None = None) -> str:
    """What one figure's number is of, as :func:`nouns` words it.

    Examples:
        >>> noun("person", "militants"), noun("family", "displaced"), noun("USD")
        ('militants', 'families (displaced)', 'USD')

    """
    return str(nouns([unit], [counts])[0])


def phrases(hedges: TextColumn, values: npt.ArrayLike, nouns: TextColumn) -> Texts:
    """Figures as words: the hedge, the value and the noun, those that are empty left out.

    Examples:
        >>> phrases(["about", None], [5000, 12], ["militants", ""]).tolist()
        ['about 5,000 militants', '12']

    """
    return _phrases(hedges, format_numbers(values), nouns)


def _phrases(hedges: TextColumn, numbers: Texts, nouns: TextColumn) -> Texts:
    """:func:`phrases` with the numbers already formatted."""
    hedge, named = _filled(hedges), _filled(nouns)
    hedge = np.where(hedge == "", "", hedge + " ")
    named = np.where(named == "", "", " " + named)
    return np.asarray(hedge + numbers + named, dtype=object)


def phrase(hedge: str | None, value: float, noun: str) -> str:
    """One figure as words, as :func:`phrases` words it.

    Examples:
        >>> phrase("at least", 7000, "militants")
        'at least 7,000 militants'

    """
    return str(phrases([hedge], [value], [noun])[0])


def summaries(
    *,
    hedges: TextColumn,
    values: npt.ArrayLike,
    lows: npt.ArrayLike,
    highs: npt.ArrayLike,
    nouns: TextColumn,
) -> Texts:
    """Figures as words with their range: ``about 5,000 militants (4,500–5,500)``.

    The range is left out where the figure is exact (``low == high``): its value says it all.

    Examples:
        >>> summaries(hedges=["about", None], values=[5000, 600], lows=[4500, 600],
        ...           highs=[5500, 600], nouns=["militants", "people"]).tolist()
        ['about 5,000 militants (4,500–5,500)', '600 people']

    """
    numbers = format_numbers(values)
    said = _phrases(hedges, numbers, nouns)
    spans = format_ranges(lows, highs)
    # A range whose ends print as its value (1.5 to a float's width above) says nothing more.
    exact = (np.asarray(lows, dtype=float) == np.asarray(highs, dtype=float)) | (spans == numbers)
    return np.asarray(np.where(exact, said, said + " (" + spans + ")"), dtype=object)


def summary(*, hedge: str | None, value: float, low: float, high: float, noun: str) -> str:
    """One figure as :func:`summaries` words it.

    Examples:
        >>> summary(hedge="at least", value=7000, low=7000, high=float("inf"), noun="militants")
        'at least 7,000 militants (7,000–∞)'

    """
    return str(summaries(hedges=[hedge], values=[value], lows=[low], highs=[high], nouns=[noun])[0])


def gap_texts(gaps: npt.ArrayLike, nouns: TextColumn) -> Texts:
    """How far apart two ranges are: ``the ranges share no point: 1,500 militants apart``.

    The gap is rounded down, so the words never overstate it.

    Examples:
        >>> gap_texts([1500.5, 2], ["militants", ""]).tolist()
        ['the ranges share no point: 1,500 militants apart', 'the ranges share no point: 2 apart']

    """
    named = _filled(nouns)
    named = np.where(named == "", "", " " + named)
    apart = "the ranges share no point: " + format_numbers(gaps, "down") + named + " apart"
    return np.asarray(apart, dtype=object)


def gap_text(gap: float, noun: str) -> str:
    """How far apart two ranges are, as :func:`gap_texts` words it.

    Examples:
        >>> gap_text(1500, "militants")
        'the ranges share no point: 1,500 militants apart'

    """
    return str(gap_texts([gap], [noun])[0])


def plural(count: int, noun: str, plural: str | None = None) -> str:
    """A count and its noun, the noun in the plural unless the count is 1: ``1,234 claims``.

    Examples:
        >>> plural(1, "claim"), plural(1234, "claim"), plural(0, "quantity", "quantities")
        ('1 claim', '1,234 claims', '0 quantities')

    """
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"


def printable(text: str) -> str:
    r"""The text with its control characters shown as ``�``, so a terminal prints rather than obeys it.

    A claim's text (a source's name, a place) can hold an escape sequence that clears the
    screen or rewrites what was printed; reports printed on a terminal pass through here.
    Tabs and line ends are kept.

    Examples:
        >>> printable("Mosul\x1b[2J\tnorth\n")
        'Mosul�[2J\tnorth\n'

    """
    return text.translate(_CONTROLS)
