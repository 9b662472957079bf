"""Checks of the ranges that arithmetic derives: finite, and never a negative count.

Examples:
    >>> derived_range(0.0, 5.0, 10.0, "USD", ["a budget", "another"], "total")
    (0.0, 5.0, 10.0)

"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reconcile._wording import format_range
from reconcile.errors import RangeError, Reason
from reconcile.units import display_unit, is_count

__all__ = ["derived_range"]


def derived_range(
    low: float, value: float, high: float, unit: str, inputs: Sequence[object], operation: str
) -> tuple[float, float, float]:
    """Check a derived range: finite value; for a count, no negative values.

    A difference of counts is a count too (what is left), so its range is cut at 0, and a
    range wholly below 0 means the part is larger than the whole. A product or quotient
    whose range reaches below 0 is not a count at all, so it is refused. The error names the
    ``inputs`` as they print; they are printed only then, not on every operation.

    Examples:
        >>> derived_range(-20.0, 10.0, 40.0, "person", ["100 people", "80–120 people"], "difference")
        (0.0, 10.0, 40.0)

    """
    if not math.isfinite(value):
        described = "; ".join(map(str, inputs))
        raise RangeError(
            f"the {operation} is too large for a float (from {described})",
            hint="give the figures in a larger unit",
            low=low,
            value=value,
            high=high,
            reason=Reason.OVERFLOW,
        )
    if is_count(unit) and low < 0:
        described = "; ".join(map(str, inputs))
        if operation != "difference":
            raise RangeError(
                f"the {operation} could be a negative count of {display_unit(unit)} "
                f"(got {format_range(low, high)} from {described})",
                hint="a count can only be multiplied or divided by figures that are never negative",
                low=low,
                value=value,
                high=high,
                reason=Reason.NEGATIVE_COUNT,
            )
        if high < 0:
            raise RangeError(
                f"the result would be a negative count of {display_unit(unit)} "
                f"(got {format_range(low, high)} from {described})",
                hint="the part is larger than the whole: check the figures with rc.compare",
                low=low,
                value=value,
                high=high,
                reason=Reason.NEGATIVE_COUNT,
            )
        low = 0.0
    return low, min(max(value, low), high), high
