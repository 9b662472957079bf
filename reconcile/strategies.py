"""Hypothesis strategies for figures, for our property tests and for yours.

Use them to test a pipeline that takes figures: ``figures()`` draws valid figures with
ranges (some open-ended), and ``values_in(figure)`` draws a possible true value of one,
which is what a soundness test needs.

Example:
    >>> from hypothesis import given
    >>> from reconcile.strategies import figures, values_in
    >>> @given(figures(max_value=10_000, counts="troops"))
    ... def test_a_figure_holds_its_value(figure):
    ...     assert figure.low <= figure.value <= figure.high
    >>> test_a_figure_holds_its_value()

"""

from __future__ import annotations

import math

from hypothesis import strategies as st

from reconcile.errors import ArgumentError
from reconcile.figure import AsOf, Figure, Source, _period
from reconcile.units import canonical_unit, is_count

__all__ = ["figures", "sources", "values_in"]


def sources() -> st.SearchStrategy[Source]:
    """Sources with a short name and, sometimes, a channel.

    Example:
        >>> from hypothesis import find
        >>> find(sources(), lambda source: source.via is not None).via is not None
        True

    """
    names = st.sampled_from(["U.S. officials", "CNN", "IOM", "OCHA", "local authorities"])
    return st.builds(Source, name=names, via=st.none() | names)


def figures(
    *,
    min_value: float = 0.0,
    max_value: float = 1e9,
    unit: str = "person",
    counts: str | st.SearchStrategy[str | None] | None = None,
    place: str | None = None,
    as_of: AsOf = None,
    open_ends: bool = True,
    integers: bool = False,
) -> st.SearchStrategy[Figure]:
    """Figures whose value and finite range ends lie in ``[min_value, max_value]``.

    Args:
        min_value: the smallest value or finite end drawn; at least 0 for counts.
        max_value: the largest value or finite end drawn.
        unit: the unit of every figure drawn.
        counts: what the figures count, or a strategy drawing it.
        place: the place of every figure drawn.
        as_of: the date or period of every figure drawn.
        open_ends: when True, some figures have an open end (``inf``, or ``-inf`` for a
            figure that is not a count and whose ``min_value`` is below 0).
        integers: when True, values and ends are whole numbers, as counts usually are.

    Raises:
        ArgumentError: the bounds are not finite numbers with ``min_value <= max_value``,
            or ``min_value`` is negative for a count.

    Example:
        >>> from hypothesis import find
        >>> find(figures(min_value=10, max_value=20), lambda f: f.high == math.inf).low >= 10
        True

    """
    if not (math.isfinite(min_value) and math.isfinite(max_value) and min_value <= max_value):
        raise ArgumentError(
            f"need finite bounds with min_value <= max_value (got {min_value!r}, {max_value!r})",
            hint="pass e.g. figures(min_value=0, max_value=10**6)",
        )
    canonical = canonical_unit(unit)
    if is_count(canonical) and min_value < 0:
        raise ArgumentError(
            f"a count of {canonical} cannot be negative (got min_value={min_value!r})",
            hint="use min_value >= 0 for counts, or a unit such as 'dimensionless'",
        )
    numbers: st.SearchStrategy[float]
    if integers:
        numbers = st.integers(math.ceil(min_value), math.floor(max_value)).map(float)
    else:
        numbers = st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)
    counts_strategy = counts if isinstance(counts, st.SearchStrategy) else st.just(counts)
    period = _period(as_of)
    may_open_low = open_ends and not is_count(canonical) and min_value < 0

    @st.composite
    def draw_figure(draw: st.DrawFn) -> Figure:
        low, value, high = sorted(draw(numbers) for _ in range(3))
        if open_ends and draw(st.booleans()):
            high = math.inf
        if may_open_low and draw(st.booleans()):
            low = -math.inf
        return Figure(
            value=value,
            low=low,
            high=high,
            unit=canonical,
            counts=draw(counts_strategy),
            place=place,
            as_of=period,
            source=draw(st.none() | sources()),
        )

    return draw_figure()


def values_in(figure: Figure) -> st.SearchStrategy[float]:
    """Possible true values of ``figure``: finite floats inside its range.

    Example:
        >>> from hypothesis import find
        >>> find(values_in(Figure.at_least(7000)), lambda x: x > 10**6) > 10**6
        True

    """
    return st.floats(
        min_value=None if math.isinf(figure.low) else figure.low,
        max_value=None if math.isinf(figure.high) else figure.high,
        allow_nan=False,
        allow_infinity=False,
    )
