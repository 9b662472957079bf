"""reconcile: reported humanitarian figures as typed quantities with honest ranges.

Build figures with their source and range, add them with sound interval arithmetic,
and compare them to find contradictions.

Example:
    >>> import reconcile as rc
    >>> us = rc.Figure.about(5000, counts="militants", source="U.S. officials")
    >>> backers = rc.Figure.at_least(7000, counts="militants", source="the group's backers")
    >>> rc.compare(us, backers).gap
    1500.0

"""

from reconcile import errors, strategies, units
from reconcile.comparison import Comparison, agrees, compare
from reconcile.errors import (
    ArgumentError,
    CountsMismatchError,
    DivisionByRangeError,
    ParseError,
    RangeError,
    ReconcileError,
    ScopeMismatchError,
    UnitError,
)
from reconcile.figure import Figure, Scope, Source, difference, total

__version__ = "0.1.0"

__all__ = [
    "ArgumentError",
    "Comparison",
    "CountsMismatchError",
    "DivisionByRangeError",
    "Figure",
    "ParseError",
    "RangeError",
    "ReconcileError",
    "Scope",
    "ScopeMismatchError",
    "Source",
    "UnitError",
    "agrees",
    "compare",
    "difference",
    "errors",
    "strategies",
    "total",
    "units",
]
