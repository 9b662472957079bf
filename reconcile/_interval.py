"""Interval arithmetic on (low, high) float pairs, rounded outward.

A range's ends are floats, but the sums and products of floats are rounded to the nearest
float, which can land inside the true range and break soundness by a hair. Every end
computed here is therefore exact first (``fractions.Fraction``) and then rounded outward:
a low end down, a high end up, and only when the float is not already exact, so
``4,500 + 3,420`` stays ``7,920`` and is not printed as ``7,919.999...``.

Open ends are ``-inf``/``+inf``. The true values behind a range are finite reals, so a
product of an infinite end with zero is zero (the usual convention of interval
arithmetic with unbounded intervals).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

Interval = tuple[float, float]


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
