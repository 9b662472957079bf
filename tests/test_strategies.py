import math

import pandas as pd
import pytest
from hypothesis import given, settings

import reconcile as rc
from reconcile.strategies import claims, figures, sources, values_in


@given(figures(min_value=10, max_value=20, counts="troops", place="Mosul", as_of="2016"))
def test_figures_respect_their_bounds_and_scope(figure: rc.Figure) -> None:
    assert 10 <= figure.low <= figure.value <= 20
    assert figure.high <= 20 or figure.high == math.inf
    assert (figure.counts, figure.place, str(figure.as_of)) == ("troops", "Mosul", "2016")


@given(figures(min_value=-5, max_value=5, unit="dimensionless", integers=True))
def test_integer_figures_are_whole_and_may_open_downward(figure: rc.Figure) -> None:
    assert figure.value.is_integer()
    assert figure.low == -math.inf or figure.low.is_integer()


@given(figures(open_ends=False))
def test_closed_figures_have_finite_ends(figure: rc.Figure) -> None:
    assert math.isfinite(figure.low) and math.isfinite(figure.high)


@given(sources())
def test_sources_are_named(source: rc.Source) -> None:
    assert source.name


@pytest.mark.parametrize(
    "bounds",
    [{"min_value": 5, "max_value": 1}, {"min_value": -1}, {"max_value": math.inf}, {"min_value": math.nan}],
)
def test_bad_bounds_are_refused_when_the_strategy_is_built(bounds: dict[str, float]) -> None:
    with pytest.raises(rc.ArgumentError):
        figures(**bounds)  # type: ignore[arg-type]


@given(figures(max_value=100).flatmap(lambda figure: values_in(figure).map(lambda x: (figure, x))))
def test_values_in_stay_in_the_range(pair: tuple[rc.Figure, float]) -> None:
    figure, x = pair
    assert figure.low <= x <= figure.high


@settings(max_examples=30)
@given(claims())
def test_claims_tables_fill_every_key_column_so_reconcile_takes_them(table: pd.DataFrame) -> None:
    assert table[["counts", "place", "as_of"]].notna().all().all()
    assert rc.reconcile(table).estimates["n_claims"].sum() == len(table)
