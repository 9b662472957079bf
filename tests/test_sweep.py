"""The sweep's two ways of ordering range ends agree: whole numbers sorted as integers, any floats ranked.

Ranges with whole-number ends take the integer sort; the same ranges moved by a half (no
longer whole) take the general one. The heaviest sets must be the same sets, moved by that half.
"""

import math

import numpy as np
import numpy.typing as npt
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from reconcile._sweep import (
    first_per_group,
    group_codes,
    largest_agreeing_sets,
    per_group,
    sort_events,
    sorting_order,
)

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Drawn = tuple[Ints, Floats, Floats, Floats]

ends = st.one_of(st.integers(-30, 30).map(float), st.sampled_from([-math.inf, math.inf]))


@st.composite
def ranges(
    draw: st.DrawFn,
) -> tuple[Ints, npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    n = draw(st.integers(1, 40))
    group = np.array(draw(st.lists(st.integers(0, 4), min_size=n, max_size=n)), dtype=np.int64)
    pairs = draw(st.lists(st.tuples(ends, ends), min_size=n, max_size=n))
    low = np.array([min(a, b) for a, b in pairs])
    high = np.array([max(a, b) for a, b in pairs])
    low = np.where(low == math.inf, 30.0, low)  # a range opens somewhere: at most its top
    high = np.where(high == -math.inf, -30.0, high)
    low = np.minimum(low, high)
    weight = np.array(draw(st.lists(st.sampled_from([1.0, 2.0, 0.5]), min_size=n, max_size=n)))
    return group, low, high, weight


@given(ranges())
def test_whole_number_ends_give_the_sets_their_halves_give(
    drawn: Drawn,
) -> None:
    group, low, high, weight = drawn
    whole = largest_agreeing_sets(group, low, high, weight, 5)
    moved = largest_agreeing_sets(group, low + 0.5, high + 0.5, weight, 5)
    assert whole.weight.tolist() == moved.weight.tolist()
    assert whole.n_sets.tolist() == moved.n_sets.tolist()
    assert whole.first.tolist() == moved.first.tolist()
    assert whole.owner.tolist() == moved.owner.tolist()
    assert (whole.low + 0.5).tolist() == moved.low.tolist()
    assert (whole.high + 0.5).tolist() == moved.high.tolist()


@given(st.lists(st.integers(0, 2**40), max_size=60))
def test_sorting_order_sorts(keys: list[int]) -> None:
    key = np.array(keys, dtype=np.int64)
    order = sorting_order(key)
    assert sorted(order.tolist()) == list(range(len(keys)))
    assert key[order].tolist() == sorted(keys)


def test_sorting_order_falls_back_to_argsort_for_wide_keys() -> None:
    key = np.array([2**62, 3, 2**61], dtype=np.int64)
    assert sorting_order(key).tolist() == [1, 2, 0]


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(-5, 5), st.booleans()), max_size=40))
def test_events_sort_by_group_then_point_closings_first(events: list[tuple[int, int, bool]]) -> None:
    group = np.array([g for g, _, _ in events], dtype=np.int64)
    point = np.array([float(x) for _, x, _ in events])
    opening = np.array([o for _, _, o in events], dtype=bool)
    order = sort_events(group, point, opening)
    keys = [(int(group[i]), float(point[i]), bool(opening[i])) for i in order]
    assert keys == sorted(keys)


texts = st.sampled_from(["Mosul", "mosul", "Erbil", "", "Ninewa/Mosul", "é"])


@given(
    st.lists(st.tuples(texts, st.integers(-3, 3), st.sampled_from([0.5, -1.0, 2.0, math.nan])), max_size=30),
    st.sampled_from([["text"], ["text", "number"], ["number", "text", "float"], ["float"]]),
)
def test_group_codes_number_groups_as_pandas_does(rows: list[tuple[str, int, float]], key: list[str]) -> None:
    frame = pd.DataFrame(rows, columns=["text", "number", "float"]).astype(
        {"text": "str", "number": "int64", "float": "float64"}
    )
    expected = frame.groupby(key, dropna=False, sort=True).ngroup().to_numpy()
    assert group_codes(frame, key).tolist() == expected.tolist()


values = st.one_of(st.integers(-20, 20).map(float), st.sampled_from([0.25, -7.5, math.inf, -math.inf]))


@given(st.lists(st.tuples(st.integers(0, 5), values), min_size=1, max_size=40))
def test_medians_and_first_rows_per_group_are_pandas_own(rows: list[tuple[int, float]]) -> None:
    group = np.array([g for g, _ in rows], dtype=np.int64)
    value = np.array([v for _, v in rows])
    grouped = pd.Series(value).groupby(group)
    expected = grouped.median().reindex(range(6)).to_numpy()
    np.testing.assert_array_equal(per_group(group, value, 6, "median", np.nan), expected)
    for largest in (False, True):
        best = (grouped.idxmax() if largest else grouped.idxmin()).reindex(range(6), fill_value=-1)
        found = first_per_group(group, np.ones(len(group), dtype=bool), value, largest=largest)
        assert found[: int(group.max()) + 1].tolist() == best.to_numpy()[: int(group.max()) + 1].tolist()
