"""Comparing two figures about one quantity: do their ranges share a point, how far apart are they."""

from __future__ import annotations

from dataclasses import dataclass

from reconcile._wording import format_range, gap_text, summary
from reconcile.display import comparison_html
from reconcile.errors import ArgumentError, CountsMismatchError, Reason, ScopeMismatchError
from reconcile.figure import Figure

__all__ = ["Comparison", "agrees", "compare"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Comparison:
    """The result of :func:`compare`: whether two figures contradict, and by how much.

    Attributes:
        a: the first figure, as given.
        b: the second figure, as given.
        contradicts: True when the two ranges share no point.
        gap: the distance between the ranges in ``unit``; 0 when they share a point.
        overlap: the shared range ``(low, high)`` in ``unit``, or None when they contradict.
        unit: the unit of ``gap`` and ``overlap`` (the first figure's).

    Examples:
        >>> us = Figure.about(5000, counts="militants", source="U.S. officials")
        >>> backers = Figure.at_least(7000, counts="militants", source="the group's backers")
        >>> result = compare(us, backers)
        >>> result.contradicts, result.gap, result.overlap
        (True, 1500.0, None)
        >>> for part in str(result).split("; "):
        ...     print(part)
        U.S. officials: about 5,000 militants (4,500–5,500)
        the group's backers: at least 7,000 militants (7,000–∞)
        the ranges share no point: 1,500 militants apart

    """

    a: Figure
    b: Figure
    contradicts: bool
    gap: float
    overlap: tuple[float, float] | None
    unit: str

    @property
    def explanation(self) -> str:
        """One line a person can read: who says what, and whether they can both be right."""
        said = "; ".join(_said(figure) for figure in (self.a, self.b))
        return f"{said}; {self._verdict()}"

    def _verdict(self) -> str:
        if self.contradicts:
            return gap_text(self.gap, self.a.noun())
        assert self.overlap is not None
        return f"the ranges agree on {format_range(*self.overlap)}"

    def __str__(self) -> str:
        return self.explanation

    def _repr_html_(self) -> str:
        figures = (self.a, self.b)
        return comparison_html(
            ("contradiction: " if self.contradicts else "agreement: ") + self._verdict(),
            [_who(figure) for figure in figures],
            [figure.phrase() for figure in figures],
            [figure.range_text() for figure in figures],
        )


def _who(figure: Figure) -> str:
    if figure.source is not None:
        return str(figure.source)
    return "a derived figure" if figure.lineage else "a figure"


def _said(figure: Figure) -> str:
    shown = summary(
        hedge=figure.hedge, value=figure.value, low=figure.low, high=figure.high, noun=figure.noun()
    )
    return f"{_who(figure)}: {shown}"


def compare(a: Figure, b: Figure) -> Comparison:
    """Compare two figures about the same quantity.

    Two figures contradict when no single true value lies in both ranges. The gap is how
    far apart the ranges are, in the first figure's unit; ranges that touch share a point.

    Raises:
        CountsMismatchError: the figures count different things.
        ScopeMismatchError: the figures are about different places or dates.
        UnitError: the units cannot be converted into each other (people and households).

    Examples:
        >>> compare(Figure.about(5000), Figure.between(5200, 6000)).overlap
        (5200.0, 5500.0)

    """
    for name, figure in (("a", a), ("b", b)):
        if not isinstance(figure, Figure):
            raise ArgumentError(
                f"{name} is not a Figure (got {figure!r})",
                hint="build figures with rc.parse or the Figure constructors first",
                reason=Reason.NOT_A_FIGURE,
            )
    if a.counts != b.counts:
        raise CountsMismatchError(
            f"cannot compare figures that count different things ({a.counts!r} and {b.counts!r})",
            hint="compare figures of one quantity; to check a part against a whole, use rc.difference",
            counts=(a.counts, b.counts),
            reason=Reason.COUNTS_MISMATCH,
        )
    for name in ("place", "as_of"):
        first, second = getattr(a, name), getattr(b, name)
        if first is not None and second is not None and first != second:
            raise ScopeMismatchError(
                f"cannot compare figures with different {name} ({str(first)!r} and {str(second)!r})",
                hint=f"compare figures of one quantity, or set the same {name} on both with .replace()",
                field=name,
                values=(str(first), str(second)),
                reason=Reason.SCOPE_MISMATCH,
            )
    other = b.to(a.unit)
    gap = max(other.low - a.high, a.low - other.high, 0.0)
    contradicts = a.high < other.low or other.high < a.low
    overlap = None if contradicts else (max(a.low, other.low), min(a.high, other.high))
    return Comparison(
        a=a,
        b=b,
        contradicts=contradicts,
        gap=gap,
        overlap=overlap,
        unit=a.unit,
    )


def agrees(a: Figure, b: Figure) -> bool:
    """True when the two figures' ranges share at least one point.

    Examples:
        >>> agrees(Figure.about(5000), Figure.at_least(7000))
        False

    """
    return not compare(a, b).contradicts
