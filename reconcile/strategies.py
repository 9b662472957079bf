"""Hypothesis strategies for figures, for our property tests and for yours.

Use them to test a pipeline that takes figures: ``figures()`` draws valid figures with
ranges (some open-ended), and ``values_in(figure)`` draws a possible true value of one,
which is what a soundness test needs.

Examples:
    >>> from hypothesis import given
    >>> from reconcile.strategies import figures, values_in
    >>> @given(figures(max_value=10_000, counts="troops"))
    ... def test_a_figure_holds_its_value(figure):
    ...     assert figure.low <= figure.value <= figure.high
    >>> test_a_figure_holds_its_value()

"""

from __future__ import annotations

import math

import pandas as pd
from hypothesis import strategies as st

from reconcile._periods import AsOf, period
from reconcile.claims import to_claims
from reconcile.errors import ArgumentError, Reason
from reconcile.figure import Figure, Source
from reconcile.units import canonical_unit, is_count

__all__ = ["claims", "figures", "sources", "values_in"]


def sources() -> st.SearchStrategy[Source]:
    """Sources with a short name and, sometimes, a channel.

    Examples:
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

    Examples:
        >>> from hypothesis import find
        >>> find(figures(min_value=10, max_value=20), lambda f: f.high == math.inf).low >= 10
        True

    """
    if not (math.isfinite(min_value) and math.isfinite(max_value) and min_value <= max_value):
        raise ArgumentError(
            f"need finite bounds with min_value <= max_value (got {min_value!r}, {max_value!r})",
            hint="pass e.g. figures(min_value=0, max_value=10**6)",
            reason=Reason.BAD_ARGUMENT,
        )
    canonical = canonical_unit(unit)
    if is_count(canonical) and min_value < 0:
        raise ArgumentError(
            f"a count of {canonical} cannot be negative (got min_value={min_value!r})",
            hint="use min_value >= 0 for counts, or a unit such as 'dimensionless'",
            reason=Reason.NEGATIVE_COUNT,
        )
    numbers: st.SearchStrategy[float]
    if integers:
        numbers = st.integers(math.ceil(min_value), math.floor(max_value)).map(float)
    else:
        numbers = st.floats(min_value, max_value, allow_nan=False, allow_infinity=False)
    counts_strategy = counts if isinstance(counts, st.SearchStrategy) else st.just(counts)
    when = period(as_of)
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
            as_of=when,
            source=draw(st.none() | sources()),
        )

    return draw_figure()


def values_in(figure: Figure) -> st.SearchStrategy[float]:
    """Possible true values of ``figure``: finite floats inside its range.

    Examples:
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


def claims(
    *,
    max_quantities: int = 4,
    max_claims: int = 5,
    max_value: float = 1e6,
    integers: bool = True,
    weights: bool = False,
    distinct_sources: bool = False,
) -> st.SearchStrategy[pd.DataFrame]:
    """Claims tables: up to ``max_quantities`` quantities with 1 to ``max_claims`` claims each.

    The rows of different quantities are interleaved, and each quantity's key (``counts``,
    ``place``, ``as_of``) is distinct and filled in, so a table tests grouping as well as
    reconciliation and :func:`reconcile.reconcile` takes it with its default key.

    Args:
        max_quantities: the most quantities in one table (at least 1).
        max_claims: the most claims about one quantity (at least 1).
        max_value: the largest value or finite end of a range.
        integers: when True, values and ends are whole numbers.
        weights: when True, the table has a ``weight`` column (some cells empty).
        distinct_sources: when True, every claim has a source of its own (and no ``via``),
            so every claim is a voice of its own; otherwise sources are drawn from a few
            names, so a source often speaks several times about one quantity.

    Raises:
        ArgumentError: a count is below 1.

    Examples:
        >>> from hypothesis import find
        >>> table = find(claims(), lambda table: table["counts"].nunique() > 1)
        >>> sorted(table.columns)[:3]
        ['as_of', 'claim_id', 'counts']

    """
    if max_quantities < 1 or max_claims < 1:
        raise ArgumentError(
            f"need max_quantities >= 1 and max_claims >= 1 (got {max_quantities}, {max_claims})",
            hint="a claims table has at least one claim about one quantity",
            reason=Reason.BAD_ARGUMENT,
        )
    keys = [
        (counts, place, as_of)
        for counts in ("militants", "troops/us", "residents")
        for place in ("Mosul", "Iraq/Ninewa")
        for as_of in ("2016-10-17", "2016")
    ]

    @st.composite
    def draw_table(draw: st.DrawFn) -> pd.DataFrame:
        chosen = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=max_quantities, unique=True))
        rows = []
        for counts, place, as_of in chosen:
            group = figures(max_value=max_value, counts=counts, place=place, as_of=as_of, integers=integers)
            rows += draw(st.lists(group, min_size=1, max_size=max_claims))
        order = draw(st.permutations(range(len(rows))))
        table = to_claims([rows[index] for index in order])
        if weights:
            drawn = draw(st.lists(st.none() | st.integers(1, 5), min_size=len(table), max_size=len(table)))
            table = table.assign(weight=pd.Series(drawn, dtype="float"))
        if distinct_sources:
            table = table.assign(source="source " + table["claim_id"], via=None)
        return table

    return draw_table()
