"""Interval arithmetic on (low, high) float pairs, rounded outward.

A range's ends are floats, but the sums and products of floats are rounded to the nearest
float, which can land inside the true range and break soundness by a hair. Every end
computed here is therefore exact first (``fractions.Fraction``) and then rounded outward:
a low end down, a high end up, and only when the float is not already exact, so
``4,500 + 3,420`` stays ``7,920`` and is not printed as ``7,919.999...``.

Open ends are ``-inf``/``+inf``. The true values behind a range are finite reals, so a
product of an infinite end with zero is zero (the usual convention of interval
arithmetic with unbounded intervals).

Two forms, one rule: the scalar form (:func:`add`, :func:`multiply` ...) is exact through
fractions, for one figure at a time; the array form (:func:`times`, :func:`minus`,
:func:`product_bounds` ...) works on whole columns with error-free float transformations,
moving an end one float outward only where the float result is not exact.

Examples:
    >>> add([(4500.0, 5500.0), (3420.0, 3780.0)])
    (7920.0, 9280.0)
    >>> import numpy as np
    >>> low, high = times(np.array([0.1]), np.array([0.2]), np.array([3.0]), np.array([3.0]))
    >>> bool(low[0] <= 0.1 * 3 <= high[0]), bool(low[0] < high[0])
    (True, True)

"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt

Interval = tuple[float, float]
Floats = npt.NDArray[np.float64]

#: The gap between 1 and the next float: rounding errors of sums are bounded in its units.
EPS = float(np.finfo(float).eps)


def round_down(exact: Fraction) -> float:
    """The largest float not above ``exact``."""
    try:
        nearest = float(exact)
    except OverflowError:
        return -math.inf if exact < 0 else math.nextafter(math.inf, 0.0)
    if math.isinf(nearest):
        return nearest if nearest < 0 else math.nextafter(math.inf, 0.0)
    return math.nextafter(nearest, -math.inf) if Fraction(nearest) > exact else nearest


def round_up(exact: Fraction) -> float:
    """The smallest float not below ``exact``."""
    return -round_down(-exact)


def _product(x: float, y: float) -> Fraction | float:
    """Exact product of two ends, or an infinity; ``0 * inf`` is 0."""
    if x == 0 or y == 0:
        return Fraction(0)
    if math.isinf(x) or math.isinf(y):
        return math.copysign(math.inf, x) * math.copysign(1.0, y)
    return Fraction(x) * Fraction(y)


def _down(end: Fraction | float) -> float:
    return end if isinstance(end, float) else round_down(end)


def _up(end: Fraction | float) -> float:
    return end if isinstance(end, float) else round_up(end)


def add(intervals: Iterable[Interval]) -> Interval:
    """Sum of intervals: the sum of the lows to the sum of the highs (order-free)."""
    lows: list[Fraction] = []
    highs: list[Fraction] = []
    low_open = high_open = False
    for low, high in intervals:
        if low == -math.inf:
            low_open = True
        else:
            lows.append(Fraction(low))
        if high == math.inf:
            high_open = True
        else:
            highs.append(Fraction(high))
    low_sum = -math.inf if low_open else round_down(sum(lows, Fraction(0)))
    high_sum = math.inf if high_open else round_up(sum(highs, Fraction(0)))
    return low_sum, high_sum


def subtract(a: Interval, b: Interval) -> Interval:
    """``a - b``: from ``a.low - b.high`` to ``a.high - b.low``."""
    return add([a, (-b[1], -b[0])])


def multiply(a: Interval, b: Interval) -> Interval:
    """``a * b``: the hull of the four products of the ends."""
    ends = [_product(x, y) for x in a for y in b]
    return min(_down(end) for end in ends), max(_up(end) for end in ends)


def divide(a: Interval, b: Interval) -> Interval:
    """``a / b`` for a divisor range that does not contain 0 (the caller checks)."""
    ends: list[Fraction | float] = []
    for x in a:
        for y in b:
            if math.isinf(y):
                ends.append(Fraction(0))
            elif math.isinf(x):
                ends.append(math.copysign(math.inf, x) * math.copysign(1.0, y))
            else:
                ends.append(Fraction(x) / Fraction(y))
    return min(_down(end) for end in ends), max(_up(end) for end in ends)


def scale(a: Interval, factor: float) -> Interval:
    """``a`` times a positive conversion factor, rounded outward."""
    return multiply(a, (factor, factor))


def rounding_unit(number: float) -> float:
    """The place value of the last significant digit: 5,000 -> 1,000; 5,120 -> 10; 0.5 -> 0.1.

    A number's trailing zeros are read as rounding, the way a reader reads "5,000".
    """
    if number == 0 or not math.isfinite(number):
        return 1.0
    exponent = Decimal(repr(abs(number))).normalize().as_tuple().exponent
    assert isinstance(exponent, int)  # finite numbers only, checked above
    return float(Decimal(1).scaleb(exponent))


# ------------------------------------------------------------------------- array form


def next_below(values: Floats) -> Floats:
    """Each finite value moved to the next float below it (an end that may be a hair high)."""
    return np.where(np.isfinite(values), np.nextafter(values, -np.inf), values)


def next_above(values: Floats) -> Floats:
    """Each finite value moved to the next float above it (an end that may be a hair low)."""
    return np.where(np.isfinite(values), np.nextafter(values, np.inf), values)


def product_bounds(a: Floats, b: Floats) -> tuple[Floats, Floats]:
    """``a·b`` rounded down and up: equal where the float product is exact.

    Dekker's error-free product (with Veltkamp's split) gives the rounding error of each
    product, so only the inexact ones are moved a float outward.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        product = a * b
        split = 134217729.0  # 2**27 + 1
        a_big, b_big = split * a, split * b
        a_high = a_big - (a_big - a)
        b_high = b_big - (b_big - b)
        a_low, b_low = a - a_high, b - b_high
        error = ((a_high * b_high - product) + a_high * b_low + a_low * b_high) + a_low * b_low
    error = np.where(np.isfinite(error), error, 0.0)
    down = np.where(error < 0, np.nextafter(product, -np.inf), product)
    up = np.where(error > 0, np.nextafter(product, np.inf), product)
    # Products near the overflow threshold have no reliable error term: widen them.
    huge = np.abs(product) > 1e300
    return np.where(huge, next_below(product), down), np.where(huge, next_above(product), up)


def times(a_low: Floats, a_high: Floats, b_low: Floats, b_high: Floats) -> tuple[Floats, Floats]:
    """Interval product, with 0·∞ read as 0 (the hull of the finite products), rounded outward."""
    pairs = [(a_low, b_low), (a_low, b_high), (a_high, b_low), (a_high, b_high)]
    bounds = (product_bounds(np.asarray(x, float), np.asarray(y, float)) for x, y in pairs)
    downs, ups = zip(*bounds, strict=True)
    down, up = np.stack(downs), np.stack(ups)
    down = np.where(np.isnan(down), 0.0, down)
    up = np.where(np.isnan(up), 0.0, up)
    return down.min(axis=0), up.max(axis=0)


def minus(a: Floats, b: Floats, rounding: float) -> Floats:
    """``a - b`` rounded toward ``rounding`` (-inf or inf), exact where the float result is.

    Knuth's error-free sum gives the rounding error; an undefined ``inf - inf`` is open.
    """
    with np.errstate(invalid="ignore"):
        total = a - b
        back = total - a
        error = (a - (total - back)) + (-b - back)
    error = np.where(np.isfinite(error), error, 0.0)
    against = error < 0 if rounding < 0 else error > 0  # the true difference lies beyond the float
    moved = np.where(against, np.nextafter(total, rounding), total)
    return np.where(np.isnan(moved), rounding, moved)
