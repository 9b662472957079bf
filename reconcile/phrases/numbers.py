"""Decimal numbers read exactly, one at a time and as columns, and ranges rounded outward.

A numeral is read as ``mantissa * 10**exponent`` with its trailing zeros as its rounding;
both readers give the same floats, and the column reader's closeness ranges are those of
:meth:`~reconcile.Figure.about` to the last bit, without Fractions.

Examples:
    >>> decimal(5000, 0, percent=False)
    Number(problem=None, value=5000.0, unit=1000.0)
    >>> decimal(150, -2, percent=True).problem
    'percent'

"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from reconcile import _interval
from reconcile.phrases.grammar import Suffix
from reconcile.phrases.problems import CODES
from reconcile.phrases.text import THOUSANDS_SPACES

#: A numeral may have at most this many significant digits and decimal places: a float holds
#: such a number exactly, and its shortest form (hence its rounding) is the one written.
MAX_DIGITS = 15
#: Figures from ``10**LARGE`` up are refused as too large to be reported figures.
LARGE = 15

_GROUPING = str.maketrans("", "", "," + THOUSANDS_SPACES)  # what separates groups of three digits
Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]


# Powers of ten up to 10**22 are exact floats, so K * 10**E (K < 2**53) is read with one
# correctly rounded operation, the same in both readers.
_POW10 = [float(10**k) for k in range(23)]
_POW10_ARRAY = np.array(_POW10)
# The rounding unit of a number whose last significant digit is at 10**e, exactly as
# _interval.rounding_unit gives it (the float nearest to 10**e).
_UNIT_OFFSET = 40
_UNITS = [float(Decimal(1).scaleb(e)) for e in range(-_UNIT_OFFSET, _UNIT_OFFSET)]
_UNITS_ARRAY = np.array(_UNITS)
_INT_POWERS = np.array([10**k for k in range(19)], np.int64)


class Number(NamedTuple):
    """A decimal number read (value and rounding unit), or the problem that stopped it."""

    problem: str | None
    value: float
    unit: float


def decimal(mantissa: int, exponent: int, *, percent: bool) -> Number:
    """``mantissa * 10**exponent``, with its trailing zeros read as rounding."""
    if mantissa == 0:
        exponent = 0
    while mantissa and mantissa % 10 == 0:
        mantissa, exponent = mantissa // 10, exponent + 1
    if mantissa >= 10**MAX_DIGITS:
        return Number("digits", math.nan, math.nan)
    if mantissa and len(str(mantissa)) + exponent > LARGE:
        return Number("large", math.nan, math.nan)
    value = mantissa * _POW10[exponent] if exponent >= 0 else mantissa / _POW10[-exponent]
    if percent and value > 1:
        return Number("percent", math.nan, math.nan)
    return Number(None, value, _UNITS[exponent + _UNIT_OFFSET] if mantissa else 1.0)


def numeral(digits: str, suffix: Suffix, *, percent: bool) -> Number:
    """A numeral as written ("1,500.25"), times its suffix's magnitude, read by :func:`decimal`.

    Examples:
        >>> from reconcile.phrases.grammar import NO_SUFFIX, Suffix
        >>> numeral("1,500", NO_SUFFIX, percent=False)
        Number(problem=None, value=1500.0, unit=100.0)
        >>> numeral("2.9", Suffix(1, 6, True, False), percent=False).value
        2900000.0

    """
    problem, mantissa, exponent = read_digits(digits)
    if problem is not None:
        return Number(problem, math.nan, math.nan)
    shift = 2 if percent else 0
    return decimal(mantissa * suffix.mult, exponent + suffix.exp - shift, percent=percent)


def read_digits(digits: str) -> tuple[str | None, int, int]:
    """A numeral's digits ("1,500.25") as (problem, mantissa, exponent of its last digit written).

    Examples:
        >>> read_digits("1,500.25"), read_digits("97")
        ((None, 150025, -2), (None, 97, 0))

    """
    whole, _, decimals = digits.translate(_GROUPING).partition(".")
    text, exponent = whole + decimals, -len(decimals)
    if len(text) > MAX_DIGITS:
        # Only the significant digits count: "1,000,000,000,000,000" is too large, not too long.
        significant = text.lstrip("0")
        core = significant.rstrip("0")
        if len(significant) - len(decimals) > MAX_DIGITS:
            return "large", 0, 0
        if len(decimals) > MAX_DIGITS or len(core) > MAX_DIGITS:
            return "digits", 0, 0
        text, exponent = core or "0", exponent + len(significant) - len(core)
    return None, int(text), exponent


def spelled_percent(mantissa: int, exponent: int) -> tuple[int, int]:
    """A percentage ``mantissa * 10**exponent`` as (its digits, its decimal places), as written.

    Examples:
        >>> spelled_percent(975, -1), spelled_percent(4, 1)
        ((975, 1), (40, 0))

    """
    return (mantissa * 10**exponent, 0) if exponent > 0 else (mantissa, -exponent)


DIGITS, TOO_LARGE, OVER_100 = (CODES.index(code) for code in ("digits", "large", "percent"))


class Numbers(NamedTuple):
    """A column of decimal numbers: problem (0, or the index of the problem), value, unit.

    ``exponent`` is that of the last significant digit: a whole number's count of trailing zeros.
    """

    problem: Ints
    value: Floats
    unit: Floats
    exponent: Ints


def decimals(mantissa: Ints, exponent: Ints, percent: Bools, refused: Ints) -> Numbers:
    """:func:`decimal` for whole columns; ``refused`` is the problem found in the digits."""
    exponent = np.where(mantissa == 0, 0, exponent)
    while True:
        strip = (mantissa != 0) & (mantissa % 10 == 0)
        if not strip.any():
            break
        mantissa = np.where(strip, mantissa // 10, mantissa)
        exponent = exponent + strip
    digits = np.searchsorted(_INT_POWERS, mantissa, side="right")
    too_many = (refused == DIGITS) | ((refused == 0) & (mantissa >= 10**MAX_DIGITS))
    large = (refused == TOO_LARGE) | (~too_many & (mantissa != 0) & (digits + exponent > LARGE))
    power = _POW10_ARRAY[np.clip(np.abs(exponent), 0, 22)]
    whole = mantissa.astype(np.float64)
    value = np.where(exponent >= 0, whole * power, whole / power)
    over = ~too_many & ~large & percent & (value > 1)
    problem = np.select([too_many, large, over], [DIGITS, TOO_LARGE, OVER_100], 0)
    unit = np.where(mantissa != 0, _UNITS_ARRAY[np.clip(exponent + _UNIT_OFFSET, 0, len(_UNITS) - 1)], 1.0)
    bad = problem != 0
    return Numbers(
        problem.astype(np.int64), np.where(bad, np.nan, value), np.where(bad, np.nan, unit), exponent
    )


# -- the precision a plain number was printed with -------------------------------------------


def thousands(value: float) -> float:
    """The power of 1,000 a whole number's trailing groups of three zeros round it to; 1 for none.

    Examples:
        >>> thousands(547_000.0), thousands(370_000.0), thousands(5_000_000.0), thousands(9_606.0)
        (1000.0, 1000.0, 1000000.0, 1.0)

    """
    whole, groups = int(value), 0
    while whole and whole % 1000 == 0:
        whole, groups = whole // 1000, groups + 1
    return _UNITS[3 * groups + _UNIT_OFFSET]


def column_thousands(exponent: Ints) -> Floats:
    """:func:`thousands` for whole numbers given by the exponent of their last significant digit."""
    return np.asarray(_UNITS_ARRAY[np.clip(exponent, 0, LARGE) // 3 * 3 + _UNIT_OFFSET])


def last_digit(places: int) -> float:
    """The rounding unit of a percentage written with ``places`` decimals: 97% -> 0.01."""
    return _UNITS[_UNIT_OFFSET - places - 2]


def column_last_digit(places: Ints) -> Floats:
    """:func:`last_digit` for a column of decimal places."""
    return np.asarray(_UNITS_ARRAY[np.clip(_UNIT_OFFSET - places - 2, 0, len(_UNITS) - 1)])


def points_ends(digits: int, places: int, points: int) -> tuple[float, float]:
    """How far ``points`` percentage points reach either side of a percentage, as shares.

    The percentage is ``digits / 10**places`` percent; each end is the float nearest the
    decimal it stands for, "97%" two points either side being 0.95 and 0.99.

    Examples:
        >>> points_ends(97, 0, 2), points_ends(9735, 2, 1)
        ((0.95, 0.99), (0.9635, 0.9835))

    """
    step, scale = points * 10**places, _POW10[places + 2]
    return float(max(digits - step, 0)) / scale, float(digits + step) / scale


def column_points_ends(digits: Ints, places: Ints, points: Ints) -> tuple[Floats, Floats]:
    """:func:`points_ends` for whole columns, to the same floats."""
    step = points * _INT_POWERS[np.clip(places, 0, len(_INT_POWERS) - 1)]
    scale = _POW10_ARRAY[np.clip(places + 2, 0, len(_POW10) - 1)]
    return np.maximum(digits - step, 0).astype(np.float64) / scale, (digits + step).astype(np.float64) / scale


def around(value: float, unit: float, min_share: float, max_share: float) -> tuple[float, float]:
    """The ends :meth:`Figure.about` gives for ``value``, rounded to ``unit`` (not its own digit).

    Half a unit either side, at least ``min_share`` and at most ``max_share`` of the value,
    computed exactly and rounded outward; :func:`about` is the column form.

    Examples:
        >>> around(370_000.0, 1000.0, 0.0, 0.10), around(0.97, 0.01, 0.0, 0.10)
        ((369500.0, 370500.0), (0.965, 0.975))

    """
    size = Fraction(value)
    half = max(Fraction(unit) / 2, size * Fraction(repr(min_share)))
    half = min(half, size * Fraction(repr(max_share)))
    return _interval.round_down(size - half), _interval.round_up(size + half)


# -- reading a column: exact outward rounding without Fractions ------------------------------
#
# Figure.about computes a range's ends exactly (with Fractions) and rounds them outward to
# floats. The column reader must give the same floats without a Python loop, so it uses
# error-free float transformations: a sum or product of two floats is held exactly as a pair
# (value, error), which tells on which side of the exact result a float lies.

_SPLITTER = 134217729.0  # 2**27 + 1: splits a float into two halves of 26 bits


def _two_sum(a: Floats, b: Floats) -> tuple[Floats, Floats]:
    """``a + b`` exactly, as the rounded sum and its error (Knuth)."""
    total = a + b
    b_part = total - a
    return total, (a - (total - b_part)) + (b - b_part)


def _two_product(a: Floats, b: Floats | float) -> tuple[Floats, Floats]:
    """``a * b`` exactly, as the rounded product and its error (Dekker)."""
    product = a * b
    a_big = _SPLITTER * a
    a_hi = a_big - (a_big - a)
    a_lo = a - a_hi
    b_big = _SPLITTER * b
    b_hi = b_big - (b_big - b)
    b_lo = b - b_hi
    return product, ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _at_least(a: Floats, k: Floats | float, b: Floats, m: Floats | float) -> Bools:
    """Whether ``a * k >= b * m`` exactly."""
    p, e = _two_product(a, k)
    q, f = _two_product(b, m)
    return np.asarray((p > q) | ((p == q) & (e >= f)))


def _sign_off(candidate: Floats, product: Floats, error: Floats) -> Floats:
    """The sign of ``candidate * 100 - (product + error)``, exactly."""
    scaled, scaled_error = _two_product(candidate, 100.0)
    near = scaled - product  # exact: the two are within a factor of 2 (Sterbenz)
    big, small = _two_sum(scaled_error, -error)
    total, first = _two_sum(near, small)
    total, second = _two_sum(total, big)
    # (first, second, total) add up exactly to the difference and do not overlap, so the
    # largest non-zero one has its sign (Shewchuk's expansions).
    return np.asarray(
        np.where(total != 0, np.sign(total), np.where(second != 0, np.sign(second), np.sign(first)))
    )


def _hundredth(x: Floats, times: Floats, *, up: bool) -> Floats:
    """``x * times / 100`` rounded down (or up) to a float, exactly."""
    product, error = _two_product(x, times)
    candidate = product / 100.0  # within two units in the last place of the exact result
    outward, inward = (np.inf, -np.inf) if up else (-np.inf, np.inf)
    sign = 1.0 if up else -1.0
    for _ in range(3):
        inside = _sign_off(candidate, product, error) * sign < 0
        candidate = np.where(inside, np.nextafter(candidate, outward), candidate)
    for _ in range(3):
        step = np.nextafter(candidate, inward)
        candidate = np.where(_sign_off(step, product, error) * sign >= 0, step, candidate)
    return np.asarray(np.where(product == 0, 0.0, candidate))


def about(value: Floats, unit: Floats, min_share: Ints, max_share: Ints) -> tuple[Floats, Floats]:
    """The ends :meth:`Figure.about` gives, for whole columns (shares in hundredths)."""
    half_unit = unit / 2
    by_unit = _at_least(unit, 50.0, value, min_share.astype(np.float64))
    capped = by_unit & ~_at_least(value, max_share.astype(np.float64), unit, 50.0)
    share = np.where(capped, max_share, min_share).astype(np.float64)
    total, error = _two_sum(value, -half_unit)
    low_by_unit = np.where(error < 0, np.nextafter(total, -np.inf), total)
    total, error = _two_sum(value, half_unit)
    high_by_unit = np.where(error > 0, np.nextafter(total, np.inf), total)
    low_by_share = _hundredth(value, 100.0 - share, up=False)
    high_by_share = _hundredth(value, 100.0 + share, up=True)
    only_unit = by_unit & ~capped
    return np.where(only_unit, low_by_unit, low_by_share), np.where(only_unit, high_by_unit, high_by_share)
