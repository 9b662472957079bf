import pytest
from hypothesis import given
from hypothesis import strategies as st

import reconcile as rc
from reconcile.strategies import figures, values_in


def test_militant_estimates_in_mosul_contradict() -> None:
    us = rc.Figure.about(
        5000,
        counts="militants",
        source=rc.Source(name="U.S. officials", via="CNN"),
        place="Mosul",
        as_of="2016-10-17",
    )
    backers = rc.Figure.at_least(
        7000, counts="militants", source="Islamic State backers", place="Mosul", as_of="2016-10-17"
    )
    result = rc.compare(us, backers)
    assert result.contradicts
    assert result.gap == 1500.0
    assert result.overlap is None
    assert result.unit == "person"
    assert str(result) == (
        "U.S. officials via CNN: about 5,000 militants (4,500–5,500); "
        "Islamic State backers: at least 7,000 militants (7,000–∞); "
        "the ranges share no point: 1,500 militants apart"
    )
    assert not rc.agrees(us, backers)


def test_overlapping_ranges_agree_on_their_shared_range() -> None:
    result = rc.compare(rc.Figure.about(5000), rc.Figure.between(5200, 6000))
    assert (result.contradicts, result.gap, result.overlap) == (False, 0.0, (5200.0, 5500.0))
    assert result.explanation.endswith("the ranges agree on 5,200–5,500")


def test_touching_ranges_share_their_end() -> None:
    result = rc.compare(rc.Figure.between(1, 2), rc.Figure.between(2, 3))
    assert (result.contradicts, result.overlap) == (False, (2.0, 2.0))


def test_comparison_converts_the_second_figure_to_the_first_unit() -> None:
    result = rc.compare(rc.Figure.exact(2, unit="km"), rc.Figure.exact(2500, unit="m"))
    assert result.contradicts
    assert result.gap == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("other", "error"),
    [
        (rc.Figure.exact(1, counts="residents"), rc.CountsMismatchError),
        (rc.Figure.exact(1, counts="militants", place="Erbil"), rc.ScopeMismatchError),
        (rc.Figure.exact(1, counts="militants", as_of="2017"), rc.ScopeMismatchError),
        (rc.Figure.exact(1, counts="militants", unit="household"), rc.UnitError),
    ],
)
def test_figures_of_different_quantities_cannot_be_compared(other: rc.Figure, error: type[Exception]) -> None:
    with pytest.raises(error):
        rc.compare(rc.Figure.exact(1, counts="militants", place="Mosul", as_of="2016-10-17"), other)


@given(figures(max_value=1e6), figures(max_value=1e6), st.data())
def test_contradiction_means_no_value_lies_in_both(a: rc.Figure, b: rc.Figure, data: st.DataObject) -> None:
    result = rc.compare(a, b)
    assert result.contradicts == (result.overlap is None)
    assert result.gap >= 0
    assert (result.gap > 0) == result.contradicts
    if not result.contradicts:
        assert result.overlap is not None
        low, high = result.overlap
        assert a.low <= low <= high <= a.high
        assert b.low <= low <= high <= b.high
    else:
        x = data.draw(values_in(a))
        assert not b.low <= x <= b.high


@given(figures(max_value=1e6), figures(max_value=1e6))
def test_comparison_is_symmetric(a: rc.Figure, b: rc.Figure) -> None:
    forward, backward = rc.compare(a, b), rc.compare(b, a)
    assert (forward.contradicts, forward.gap, forward.overlap) == (
        backward.contradicts,
        backward.gap,
        backward.overlap,
    )


def test_close_small_numbers_print_apart() -> None:
    result = rc.compare(rc.Figure.exact(0.1, unit=""), rc.Figure.exact(0.1001, unit=""))
    assert result.explanation.endswith("0.0001 apart")
