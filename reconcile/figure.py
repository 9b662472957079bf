"""Figures: reported numbers with their range, unit, counts, scope, source and lineage.

A :class:`Figure` is one number as a source gave it, with the range its words allow
(``low <= value <= high``, open ends as ``-inf``/``inf``), the unit, what it counts, where
and when. Arithmetic on figures is interval arithmetic with outward rounding, so it is
sound: when every input's true value lies in its range, the result's true value lies in
the result's range. A derived figure remembers the figures it came from (``lineage``).
"""

from __future__ import annotations

import dataclasses
import math
import numbers
from collections.abc import Iterable
from dataclasses import InitVar, dataclass, field
from fractions import Fraction
from typing import Any, Unpack

from reconcile import _interval, _wording
from reconcile._periods import AsOf, When, period
from reconcile._ranges import derived_range
from reconcile._wording import format_number as _fmt
from reconcile.display import figure_html
from reconcile.errors import (
    ArgumentError,
    CountsMismatchError,
    DivisionByRangeError,
    RangeError,
    Reason,
    UnitError,
)
from reconcile.source import (
    FigureKeywords,
    Scope,
    Source,
    as_source,
    counts_path,
    figure_fields,
    merge_scope,
    refuse_part_with_whole,
    text_field,
)
from reconcile.units import canonical_unit, conversion_bounds, display_unit, is_count, pint_unit

__all__ = ["AsOf", "Figure", "FigureKeywords", "Scope", "Source", "difference", "total"]

#: Closeness hedges ("about 5,000") widen by at least this share of the number ...
ABOUT_MIN_SHARE = 0.05
#: ... and by at most this share, however round the number is.
ABOUT_MAX_SHARE = 0.10


def _number(name: str, number: object, rounding: str = "nearest") -> float:
    """``number`` as a float; an int or Fraction that no float holds is rounded ``rounding``."""
    if isinstance(number, bool) or not isinstance(number, numbers.Real):
        raise ArgumentError(
            f"{name} must be a number (got {number!r} of type {type(number).__name__})",
            hint="pass an int or a float; read phrases such as 'about 5,000' with rc.parse",
            reason=Reason.NOT_A_NUMBER,
        )
    try:
        if isinstance(number, (int, Fraction, numbers.Rational)) and rounding != "nearest":
            exact = Fraction(int(number)) if isinstance(number, numbers.Integral) else Fraction(number)
            as_float = _interval.round_down(exact) if rounding == "down" else _interval.round_up(exact)
        else:
            as_float = float(number)
    except OverflowError as exc:
        raise RangeError(
            f"{name} is too large for a float (got {number!r})",
            hint="give the figure in a larger unit",
            low=math.nan,
            value=math.nan,
            high=math.nan,
            reason=Reason.OVERFLOW,
        ) from exc
    return as_float + 0.0  # -0.0 becomes 0.0


@dataclass(frozen=True, slots=True, kw_only=True)
class Figure:
    """One figure: a value, the range its source's words allow, and what it is about.

    Build reported figures with the named constructors (:meth:`exact`, :meth:`between`,
    :meth:`at_least`, :meth:`at_most`, :meth:`about`); combine them with ``+ - * /``,
    :func:`total` and :func:`difference`, which return derived figures with ``lineage``.

    Attributes:
        value: the number as stated, in ``unit``; always finite.
        low: the lowest value the source's words allow; ``-inf`` when open.
        high: the highest value the source's words allow; ``inf`` when open.
        unit: a unit of :data:`reconcile.units.registry` (``"person"`` by default).
        counts: what is counted, as a path: ``"troops/us"`` is a part of ``"troops"``.
        place: where, as the source names it (with ``as_of``, the figure's :class:`Scope`).
        as_of: the date, period or span the figure describes (a ``pandas.Period`` or a ``Span``).
        source: who gave it (:class:`Source`); ``via=``, which every constructor takes, sets its ``via``.
        hedge: the word that set the range (``"about"``, ``"at least"``), or None.
        lineage: the figures this one was derived from; empty for a reported figure.
        operation: how it was derived from ``lineage`` (``"total"``, ``"product"`` ...).

    Counts of people, households and families are never negative: their ranges start
    at 0 at the lowest.

    Examples:
        >>> militants = Figure.about(5000, counts="militants", place="Mosul",
        ...                          as_of="2016-10-17", source="U.S. officials", via="CNN")
        >>> print(militants)
        about 5,000 militants (4,500–5,500), U.S. officials via CNN, 2016-10-17
        >>> militants.low, militants.value, militants.high
        (4500.0, 5000.0, 5500.0)
        >>> Figure(value=10, low=20, high=30)
        Traceback (most recent call last):
        ...
        reconcile.errors.RangeError: need low <= value <= high (got low=20, value=10, high=30): ...

    """

    value: float
    low: float
    high: float
    unit: str = "person"
    counts: str | None = None
    place: str | None = None
    as_of: When | None = None
    source: Source | None = None
    via: InitVar[str | None] = None
    hedge: str | None = None
    lineage: tuple[Figure, ...] = field(default=())
    operation: str | None = None

    def __post_init__(self, via: str | None) -> None:
        value = _number("value", self.value)
        low, high = _number("low", self.low, "down"), _number("high", self.high, "up")
        if math.isnan(value) or math.isnan(low) or math.isnan(high):
            raise RangeError(
                f"a figure cannot hold NaN (got low={low}, value={value}, high={high})",
                hint="use math.inf or -math.inf for an open end; leave out figures that are unknown",
                low=low,
                value=value,
                high=high,
                reason=Reason.NOT_FINITE,
            )
        if math.isinf(value):
            raise RangeError(
                f"value must be finite (got value={value})",
                hint="put an open end in low or high, e.g. Figure.at_least(7000)",
                low=low,
                value=value,
                high=high,
                reason=Reason.NOT_FINITE,
            )
        if not low <= value <= high:
            raise RangeError(
                f"need low <= value <= high (got low={_fmt(low)}, value={_fmt(value)}, high={_fmt(high)})",
                hint="check the order of the range's ends, or use Figure.between(low, high)",
                low=low,
                value=value,
                high=high,
                reason=Reason.RANGE_ORDER,
            )
        unit = canonical_unit(self.unit)
        if low < 0 and is_count(unit):
            raise RangeError(
                f"a count of {display_unit(unit)} cannot be negative (got low={_fmt(low)})",
                hint="an open lower end of a count is 0: use Figure.at_most(n) or low=0",
                low=low,
                value=value,
                high=high,
                reason=Reason.NEGATIVE_COUNT,
            )
        lineage = tuple(self.lineage) if isinstance(self.lineage, (tuple, list)) else (self.lineage,)
        if not all(isinstance(parent, Figure) for parent in lineage):
            raise ArgumentError(
                "lineage must hold figures only", hint="pass the input figures", reason=Reason.NOT_A_FIGURE
            )
        set_ = object.__setattr__
        set_(self, "value", value)
        set_(self, "low", low)
        set_(self, "high", high)
        set_(self, "unit", unit)
        set_(self, "counts", counts_path(self.counts))
        set_(self, "place", text_field("place", self.place))
        set_(self, "as_of", period(self.as_of))
        set_(self, "source", as_source(self.source, via))
        set_(self, "hedge", text_field("hedge", self.hedge))
        set_(self, "lineage", lineage)
        set_(self, "operation", text_field("operation", self.operation))

    # -- named constructors -------------------------------------------------------------

    @classmethod
    def exact(cls, value: float, *, hedge: str | None = None, **keywords: Unpack[FigureKeywords]) -> Figure:
        """A figure given as exact: ``low == value == high``.

        Examples:
            >>> Figure.exact(600, counts="troops/us/added").high
            600.0

        """
        return cls(value=value, low=value, high=value, hedge=hedge, **figure_fields(keywords))

    @classmethod
    def between(
        cls,
        low: float,
        high: float,
        *,
        value: float | None = None,
        hedge: str | None = None,
        **keywords: Unpack[FigureKeywords],
    ) -> Figure:
        """A figure given as a range ("3,000 to 5,000"); ``value`` defaults to the midpoint.

        Examples:
            >>> Figure.between(3000, 5000).value
            4000.0

        """
        if value is None:
            low_f, high_f = _number("low", low), _number("high", high)
            if math.isinf(low_f) or math.isinf(high_f):
                raise ArgumentError(
                    f"a range with an open end has no midpoint (got low={_fmt(low_f)}, high={_fmt(high_f)})",
                    hint="pass value= as stated, or use Figure.at_least / Figure.at_most",
                    reason=Reason.NO_MIDPOINT,
                )
            value = low_f + (high_f - low_f) / 2
        return cls(value=value, low=low, high=high, hedge=hedge, **figure_fields(keywords))

    @classmethod
    def at_least(
        cls, value: float, *, hedge: str | None = "at least", **keywords: Unpack[FigureKeywords]
    ) -> Figure:
        """A figure with a floor and no ceiling ("at least 7,000").

        Examples:
            >>> Figure.at_least(7000).high
            inf

        """
        return cls(value=value, low=value, high=math.inf, hedge=hedge, **figure_fields(keywords))

    @classmethod
    def at_most(
        cls, value: float, *, hedge: str | None = "at most", **keywords: Unpack[FigureKeywords]
    ) -> Figure:
        """A figure with a ceiling ("as many as 100,000"); a count's floor is 0.

        Examples:
            >>> Figure.at_most(100_000, hedge="as many as").low
            0.0
            >>> Figure.at_most(-2.5, unit="dimensionless").low
            -inf

        """
        unit = canonical_unit(keywords.get("unit", "person"))
        low = 0.0 if is_count(unit) else -math.inf
        return cls(value=value, low=low, high=value, hedge=hedge, **figure_fields(keywords))

    @classmethod
    def about(
        cls,
        value: float,
        *,
        hedge: str | None = "about",
        min_share: float = ABOUT_MIN_SHARE,
        max_share: float = ABOUT_MAX_SHARE,
        **keywords: Unpack[FigureKeywords],
    ) -> Figure:
        """A figure given roughly: the range follows the number's rounding.

        The half-width is half a unit of the number's last significant digit, at least
        ``min_share`` and at most ``max_share`` of the number. So "about 5,000" (rounded to
        the thousand) spans 4,500–5,500, "about 3,600" spans 3,420–3,780, and
        "about 1 million" spans 0.9–1.1 million, not 0.5–1.5 million. With ``min_share=0``
        the rounding alone sets the range, the reading of a plain round number.

        Examples:
            >>> f = Figure.about(3600)
            >>> f.low, f.high
            (3420.0, 3780.0)
            >>> Figure.about(5120).high - Figure.about(5120).low < 1000
            True
            >>> Figure.about(1_000_000, hedge=None, min_share=0).low
            900000.0

        """
        number = _number("value", value)
        least, most = _number("min_share", min_share), _number("max_share", max_share)
        if not (math.isfinite(number) and 0 <= least <= most < math.inf):
            raise ArgumentError(
                f"need a finite value and 0 <= min_share <= max_share < inf (got value={value!r}, "
                f"min_share={min_share!r}, max_share={max_share!r})",
                hint="shares are fractions of the number, e.g. min_share=0.05, max_share=0.10",
                reason=Reason.BAD_SHARES,
            )
        # Shares are read as the decimals they were written as (0.05 is 1/20, not the float).
        size = Fraction(abs(number))
        half = max(Fraction(_interval.rounding_unit(number)) / 2, size * Fraction(repr(least)))
        half = min(half, size * Fraction(repr(most)))
        low = _interval.round_down(Fraction(number) - half)
        high = _interval.round_up(Fraction(number) + half)
        if is_count(canonical_unit(keywords.get("unit", "person"))):
            low = max(low, 0.0)
        return cls(value=number, low=low, high=high, hedge=hedge, **figure_fields(keywords))

    # -- views --------------------------------------------------------------------------

    @property
    def is_exact(self) -> bool:
        """True when the range is a single point.

        Examples:
            >>> Figure.exact(600).is_exact, Figure.about(600).is_exact
            (True, False)

        """
        return self.low == self.high

    @property
    def pint_unit(self) -> Any:
        """The figure's unit as a pint ``Unit`` of :data:`reconcile.units.registry`.

        Examples:
            >>> Figure.exact(3, unit="people").pint_unit
            <Unit('person')>

        """
        return pint_unit(self.unit)

    def replace(self, **changes: Any) -> Figure:
        """Return a copy with ``changes`` applied, validated again; the original is unchanged.

        Examples:
            >>> Figure.exact(1_000_000).replace(counts="residents").counts
            'residents'

        """
        return dataclasses.replace(self, **changes)

    def to(self, unit: str) -> Figure:
        """The same figure in another unit; its range is rounded outward.

        Raises:
            UnitError: when the units measure different things (people and households).

        Examples:
            >>> Figure.about(1.5, unit="km**2").to("m**2").value
            1500000.0

        """
        target = canonical_unit(unit)
        if target == self.unit:
            return self
        least, factor, most = conversion_bounds(self.unit, target)
        low, high = _interval.multiply((self.low, self.high), (least, most))
        value = min(max(self.value * factor, low), high)
        return self.replace(value=value, low=low, high=high, unit=target)

    def origins(self) -> tuple[Figure, ...]:
        """The reported figures behind this one, depth first, in the order they were combined.

        Examples:
            >>> a, b = Figure.exact(1), Figure.exact(2)
            >>> (a + b).origins() == (a, b)
            True

        """
        if not self.lineage:
            return (self,)
        return tuple(origin for parent in self.lineage for origin in parent.origins())

    # -- text ---------------------------------------------------------------------------

    def noun(self) -> str:
        """What the figure's number is of, as words: its ``counts``, else its unit.

        Examples:
            >>> Figure.exact(7619, unit="family", counts="displaced").noun()
            'families (displaced)'

        """
        return _wording.noun(self.unit, self.counts)

    def phrase(self) -> str:
        """The figure as words: hedge, value and what it counts ("about 5,000 militants").

        Examples:
            >>> Figure.at_least(7000, counts="militants").phrase()
            'at least 7,000 militants'

        """
        return _wording.phrase(self.hedge, self.value, self.noun())

    def range_text(self) -> str:
        """The range as ``low–high``, open ends as ∞; one number when the ends print alike.

        Examples:
            >>> Figure.at_least(7000).range_text(), Figure.exact(600).range_text()
            ('7,000–∞', '600')

        """
        return _wording.format_range(self.low, self.high)

    def __str__(self) -> str:
        said = _wording.summary(
            hedge=self.hedge, value=self.value, low=self.low, high=self.high, noun=self.noun()
        )
        parts = [said]
        if self.source is not None and (self.source.name or self.source.via):
            parts.append(str(self.source))
        elif self.lineage:
            parts.append(f"{self.operation or 'derived'} of {len(self.lineage)} figures")
        if self.as_of is not None:
            parts.append(str(self.as_of))
        return ", ".join(parts)

    def __repr__(self) -> str:
        shown: list[str] = [
            f"value={self.value!r}",
            f"low={self.low!r}",
            f"high={self.high!r}",
            f"unit={self.unit!r}",
        ]
        for name in ("counts", "place", "as_of", "source", "hedge", "operation"):
            attribute = getattr(self, name)
            if attribute is not None:
                shown.append(f"{name}={str(attribute)!r}" if name == "as_of" else f"{name}={attribute!r}")
        if self.lineage:
            shown.append(f"lineage=<{len(self.lineage)} figures>")
        return f"Figure({', '.join(shown)})"

    def _repr_html_(self) -> str:
        source = self.source
        facts = [
            ("range", f"{self.range_text()} {display_unit(self.unit)}"),
            ("counts", self.counts),
            ("place", self.place),
            ("as of", None if self.as_of is None else str(self.as_of)),
            ("source", None if source is None else str(source)),
            ("reported", None if source is None or source.date is None else str(source.date)),
            ("quote", None if source is None or source.quote is None else f"“{source.quote}”"),
        ]
        return figure_html(
            self.phrase(),
            [(label, text) for label, text in facts if text],
            url=None if source is None else source.url,
            made=f"{self.operation or 'derived'} of {len(self.lineage)} figures" if self.lineage else None,
            parts=[str(part) for part in self.lineage],
        )

    # -- arithmetic ---------------------------------------------------------------------

    def _like(self, number: object) -> Figure:
        """A plain number in an operation, read as exact in this figure's unit, counts and scope."""
        return Figure.exact(
            _number("operand", number),
            unit=self.unit,
            counts=self.counts,
            place=self.place,
            as_of=self.as_of,
        )

    def __add__(self, other: Figure | float) -> Figure:
        other_figure = other if isinstance(other, Figure) else self._like(other)
        return total([self, other_figure])

    def __radd__(self, other: float) -> Figure:
        return total([self._like(other), self])

    def __sub__(self, other: Figure | float) -> Figure:
        return difference(self, other if isinstance(other, Figure) else self._like(other))

    def __rsub__(self, other: float) -> Figure:
        return difference(self._like(other), self)

    def __mul__(self, other: Figure | float) -> Figure:
        return _product(self, _ratio(other), "product")

    def __rmul__(self, other: float) -> Figure:
        return _product(_ratio(other), self, "product")

    def __truediv__(self, other: Figure | float) -> Figure:
        return _product(self, _ratio(other), "quotient")

    def __rtruediv__(self, other: float) -> Figure:
        return _product(_ratio(other), self, "quotient")


def _ratio(number: object) -> Figure:
    if isinstance(number, Figure):
        return number
    return Figure.exact(_number("operand", number), unit="dimensionless")


def total(
    figures: Iterable[Figure],
    *,
    counts: str | None = None,
    place: str | None = None,
    as_of: AsOf = None,
    unit: str | None = None,
) -> Figure:
    """The sum of figures, with a sound range: the sum of the lows to the sum of the highs.

    The figures must count the same thing unless ``counts`` names what the total counts,
    and share place and date unless ``place`` / ``as_of`` say what the total covers.
    A figure and a part of it (``troops`` and ``troops/us``) are never added. The result
    is in ``unit``, or the first figure's unit; its value is the correctly rounded sum of
    the values, so the order of the figures does not change it.

    Args:
        figures: the figures to add (at least one).
        counts: what the total counts, required when the figures count different things.
        place: the place the total covers, required when the figures' places differ.
        as_of: the date the total describes, required when the figures' dates differ.
        unit: the unit of the result.

    Raises:
        CountsMismatchError: figures count different things and ``counts`` is not given.
        ScopeMismatchError: places or dates differ and the caller did not name the total's.
        UnitError: a figure's unit cannot be converted to the total's.

    Examples:
        >>> us = Figure.about(5000, counts="troops/us")
        >>> coalition = Figure.about(3600, counts="troops/coalition", hedge="approximately")
        >>> foreign = total([us, coalition], counts="troops/foreign")
        >>> print(foreign)
        8,600 troops/foreign (7,920–9,280), total of 2 figures
        >>> total([us, coalition])
        Traceback (most recent call last):
        ...
        reconcile.errors.CountsMismatchError: the figures count different things (...): ...

    """
    if isinstance(figures, Figure) or not isinstance(figures, Iterable):
        raise ArgumentError(
            f"rc.total takes a list of figures (got {type(figures).__name__})",
            hint="pass the figures to add as a list: rc.total([a, b], counts=...)",
            reason=Reason.BAD_ARGUMENT,
        )
    inputs = list(figures)
    if not inputs:
        raise ArgumentError(
            "no figures to add", hint="pass at least one figure to rc.total", reason=Reason.NO_FIGURES
        )
    for index, figure in enumerate(inputs):
        if not isinstance(figure, Figure):
            raise ArgumentError(
                f"item {index} is not a Figure (got {figure!r})",
                hint="build figures with rc.parse or the Figure constructors first",
                reason=Reason.NOT_A_FIGURE,
            )
    target = canonical_unit(unit) if unit is not None else inputs[0].unit
    converted = [_convert(figure, target, index) for index, figure in enumerate(inputs)]
    kinds = {figure.counts for figure in inputs}
    if counts is None and len(kinds) > 1:
        shown = tuple(sorted(str(kind) for kind in kinds))
        raise CountsMismatchError(
            f"the figures count different things ({', '.join(map(repr, shown))})",
            hint="pass counts= to say what the total counts, e.g. counts='troops/foreign'",
            counts=tuple(kinds),
            reason=Reason.COUNTS_MISMATCH,
        )
    refuse_part_with_whole(f.counts for f in inputs)
    low, high = _interval.add((f.low, f.high) for f in converted)
    try:
        value = math.fsum(f.value for f in converted)
    except OverflowError:
        value = math.inf
    low, value, high = derived_range(low, value, high, target, inputs, "total")
    return Figure(
        value=value,
        low=low,
        high=high,
        unit=target,
        counts=counts_path(counts) if counts is not None else inputs[0].counts,
        place=merge_scope("place", [f.place for f in inputs], place),
        as_of=merge_scope("as_of", [f.as_of for f in inputs], as_of),
        lineage=tuple(inputs),
        operation="total",
    )


def difference(
    whole: Figure,
    part: Figure,
    *,
    counts: str | None = None,
    place: str | None = None,
    as_of: AsOf = None,
    unit: str | None = None,
) -> Figure:
    """``whole - part``, with a sound range: ``whole.low - part.high`` to ``whole.high - part.low``.

    For counts of people the result is a count too (what is left), so its range is cut
    at 0; a range wholly below 0 is an error, since then the part cannot fit in the whole.
    ``counts``, ``place``, ``as_of`` and ``unit`` (else the whole's) name the result's, as in :func:`total`.

    Raises:
        CountsMismatchError: the figures count different things and ``counts`` is not given.
        ScopeMismatchError: places or dates differ and the caller did not name the result's.
        RangeError: the part is certainly larger than the whole.
        UnitError: a figure's unit cannot be converted to the result's.

    Examples:
        >>> after = Figure.about(5000, counts="troops/us")
        >>> added = Figure.exact(600, counts="troops/us/added")
        >>> before = difference(after, added, counts="troops/us/before")
        >>> before.low, before.value, before.high
        (3900.0, 4400.0, 4900.0)
        >>> difference(Figure.exact(2, unit="km**2"), Figure.exact(50, unit="hectare"), unit="hectare").value
        150.0

    """
    for name, figure in (("whole", whole), ("part", part)):
        if not isinstance(figure, Figure):
            raise ArgumentError(
                f"{name} is not a Figure (got {figure!r})",
                hint="build figures with rc.parse or the Figure constructors first",
                reason=Reason.NOT_A_FIGURE,
            )
    if counts is None and whole.counts != part.counts:
        raise CountsMismatchError(
            f"cannot subtract {part.counts!r} from {whole.counts!r} without saying what is left",
            hint="use rc.difference(whole, part, counts=...) to name what the difference counts",
            counts=(whole.counts, part.counts),
            reason=Reason.COUNTS_MISMATCH,
        )
    target = canonical_unit(unit) if unit is not None else whole.unit
    a, b = _convert(whole, target, 0), _convert(part, target, 1)
    low, high = _interval.subtract((a.low, a.high), (b.low, b.high))
    inputs = [whole, part]
    low, value, high = derived_range(low, a.value - b.value, high, target, inputs, "difference")
    return Figure(
        value=value,
        low=low,
        high=high,
        unit=target,
        counts=counts_path(counts) if counts is not None else whole.counts,
        place=merge_scope("place", [f.place for f in inputs], place, "difference"),
        as_of=merge_scope("as_of", [f.as_of for f in inputs], as_of, "difference"),
        lineage=(whole, part),
        operation="difference",
    )


def _convert(figure: Figure, unit: str, index: int) -> Figure:
    try:
        return figure.to(unit)
    except UnitError as exc:
        raise UnitError(
            f"figure {index} ({figure.phrase()}) is in {figure.unit!r}, which cannot be "
            f"combined with {unit!r}",
            hint=exc.hint,
            unit=figure.unit,
            reason=exc.reason,
        ) from exc


def _product(a: Figure, b: Figure, operation: str) -> Figure:
    """``a * b`` or ``a / b``: the hull of the products (quotients) of the ends."""
    if operation == "quotient":
        if b.low <= 0 <= b.high:
            raise DivisionByRangeError(
                f"cannot divide by {b.phrase()}: its range {b.range_text()} contains 0",
                hint="divide only by figures whose whole range is above 0 (or below 0)",
                low=b.low,
                high=b.high,
                reason=Reason.DIVISION_BY_RANGE,
            )
        low, high = _interval.divide((a.low, a.high), (b.low, b.high))
        value = a.value / b.value
        unit = canonical_unit(str(a.pint_unit / b.pint_unit))
    else:
        low, high = _interval.multiply((a.low, a.high), (b.low, b.high))
        value = a.value * b.value
        unit = canonical_unit(str(a.pint_unit * b.pint_unit))
    inputs = [a, b]
    low, value, high = derived_range(low, value, high, unit, inputs, operation)
    kinds = {a.counts, b.counts} - {None}
    return Figure(
        value=value,
        low=low,
        high=high,
        unit=unit,
        counts=kinds.pop() if len(kinds) == 1 else None,
        place=merge_scope("place", [f.place for f in inputs], None, operation),
        as_of=merge_scope("as_of", [f.as_of for f in inputs], None, operation),
        lineage=(a, b),
        operation=operation,
    )
