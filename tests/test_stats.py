import itertools
import math
import time

import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import sparse, stats

from reconcile._adjustment import LinearAdjustment, adjust_linear
from reconcile._stats import probable_sum, sigma_from_range
from reconcile.errors import ArgumentError, RangeError

Floats = npt.NDArray[np.float64]
Z90 = 1.6448536269514722  # the two-sided 90% normal quantile


# sigma_from_range


def test_sigma_of_a_ninety_percent_range_is_width_over_3_29() -> None:
    sigma = sigma_from_range([4500.0, -1.0], [5500.0, 1.0])
    np.testing.assert_allclose(sigma, [1000 / (2 * Z90), 2 / (2 * Z90)], rtol=1e-12)


def test_sigma_is_infinite_for_open_ends_and_zero_for_exact_figures() -> None:
    sigma = sigma_from_range([7000.0, -math.inf, 9606.0, 0.0], [math.inf, 10.0, 9606.0, 0.0])
    assert sigma.tolist() == [math.inf, math.inf, 0.0, 0.0]


def test_sigma_follows_the_level() -> None:
    assert float(sigma_from_range(-1.0, 1.0, level=stats.norm.cdf(1) - stats.norm.cdf(-1))) == pytest.approx(
        1.0
    )


@given(
    low=st.floats(-1e6, 1e6),
    width=st.floats(1e-3, 1e6),
    level=st.floats(0.05, 0.99),
)
def test_a_normal_with_that_sigma_puts_level_inside_the_range(low: float, width: float, level: float) -> None:
    sigma = float(sigma_from_range(low, low + width, level=level))
    centre = low + width / 2
    inside = stats.norm.cdf(low + width, centre, sigma) - stats.norm.cdf(low, centre, sigma)
    assert inside == pytest.approx(level, abs=1e-9)


@pytest.mark.parametrize(
    ("low", "high"),
    [(5.0, 4.0), (math.nan, 1.0), (1.0, math.nan), (math.inf, math.inf), (-math.inf, -math.inf)],
)
def test_sigma_of_a_broken_range_is_a_range_error(low: float, high: float) -> None:
    with pytest.raises(RangeError, match="row 0 has no valid range"):
        sigma_from_range([low], [high])


@pytest.mark.parametrize("level", [0.0, 1.0, -0.5, 90.0])
def test_sigma_level_outside_zero_one_is_an_argument_error(level: float) -> None:
    with pytest.raises(ArgumentError, match="level must lie strictly between 0 and 1"):
        sigma_from_range([1.0], [2.0], level=level)


# probable_sum


def one_group(
    low: npt.ArrayLike, high: npt.ArrayLike, coef: npt.ArrayLike | None = None
) -> tuple[float, float]:
    low_a, high_a = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    coef_a = np.ones(len(low_a)) if coef is None else np.asarray(coef, dtype=float)
    lo, hi = probable_sum(low_a, (low_a + high_a) / 2, high_a, coef_a, np.zeros(len(low_a), int), 1)
    return float(lo[0]), float(hi[0])


def sound(low: Floats, high: Floats, coef: Floats) -> tuple[float, float]:
    with np.errstate(invalid="ignore"):  # a zero coefficient times an open end is 0
        ends = np.where(coef == 0, 0.0, np.stack([coef * low, coef * high]))
    return float(ends.min(axis=0).sum()), float(ends.max(axis=0).sum())


@given(
    low=st.floats(-1e6, 1e6),
    width=st.floats(1e-2, 1e6),
)
def test_one_term_gives_its_own_range_back(low: float, width: float) -> None:
    lo, hi = one_group([low], [low + width])
    assert lo == pytest.approx(low, rel=1e-9, abs=1e-9 * width)
    assert hi == pytest.approx(low + width, rel=1e-9, abs=1e-9 * width)


def test_negative_coefficient_mirrors_a_lognormal_term() -> None:
    assert one_group([4500.0], [5500.0], [-1.0]) == pytest.approx((-5500.0, -4500.0), rel=1e-12)
    assert one_group([4500.0], [5500.0], [2.0]) == pytest.approx((9000.0, 11000.0), rel=1e-12)


def test_exact_figures_sum_to_a_point() -> None:
    assert one_group([9606.0, 1000.0], [9606.0, 1000.0]) == (10606.0, 10606.0)


def test_open_term_opens_its_side_and_counts_at_its_closed_end() -> None:
    lo, hi = one_group([7000.0, 4500.0], [math.inf, 5500.0])
    assert hi == math.inf
    assert 7000.0 + 4500.0 <= lo <= 7000.0 + 5000.0
    lo, hi = one_group([7000.0, 4500.0], [math.inf, 5500.0], [-1.0, 1.0])
    assert lo == -math.inf
    assert -7000.0 + 5000.0 <= hi <= -7000.0 + 5500.0


def test_an_exact_zero_keeps_a_sum_of_counts_lognormal() -> None:
    with_zero = one_group([4500.0, 3420.0, 0.0], [5500.0, 3780.0, 0.0])
    assert with_zero == pytest.approx(one_group([4500.0, 3420.0], [5500.0, 3780.0]), rel=1e-12)


def test_a_group_without_terms_sums_to_zero() -> None:
    lo, hi = probable_sum([1.0], [1.5], [2.0], [1.0], [1], 3)
    assert lo.tolist()[0] == hi.tolist()[0] == 0.0
    assert lo.tolist()[2] == hi.tolist()[2] == 0.0


def test_twenty_wide_ranges_sum_to_a_much_narrower_probable_interval() -> None:
    ratios = []
    for n in range(1, 21):
        low, high = np.full(n, 1000.0), np.full(n, 3000.0)
        lo, hi = one_group(low, high)
        sound_low, sound_high = sound(low, high, np.ones(n))
        assert sound_low <= lo < hi <= sound_high
        ratios.append((hi - lo) / (sound_high - sound_low))
    assert ratios[0] == pytest.approx(1.0)
    assert all(later < earlier for earlier, later in itertools.pairwise(ratios))
    # independent errors: the width grows like sqrt(n), the sound width like n
    assert ratios[-1] == pytest.approx(1 / math.sqrt(20), rel=0.1)


def test_normal_terms_add_in_quadrature() -> None:
    lo, hi = one_group(np.full(16, -1.0), np.full(16, 1.0))
    assert (lo, hi) == pytest.approx((-4.0, 4.0), rel=1e-12)


def sample_terms(rng: np.random.Generator, low: Floats, high: Floats, coef: Floats, size: int) -> Floats:
    """Draw every term of one sum as the docstring reads it: lognormal if low > 0, else normal."""
    centre = np.where(
        low > 0, (np.log(np.where(low > 0, low, 1)) + np.log(np.abs(high))) / 2, (low + high) / 2
    )
    spread = np.where(
        low > 0,
        (np.log(np.abs(high)) - np.log(np.where(low > 0, low, 1))) / (2 * Z90),
        (high - low) / (2 * Z90),
    )
    draws = rng.normal(centre, spread, size=(size, len(low)))
    draws = np.where(low > 0, np.exp(draws), draws)
    return np.asarray((draws * coef).sum(axis=1), dtype=np.float64)


@pytest.mark.parametrize(
    ("low", "high", "coef"),
    [
        ([4500, 3400, 800], [5500, 3800, 1500], [1, 1, 1]),  # troops of three contingents
        ([1000] * 20, [3000] * 20, [1] * 20),  # twenty wide ranges
        ([10, 200, 3000, 50, 7], [100, 900, 9000, 60, 70], [1, 2, 1, 6, 1]),  # mixed widths, weights
        ([7619], [7619 * 1.2], [6]),  # a count times a household size taken as exact
    ],
)
def test_closed_form_agrees_with_monte_carlo_for_sums_of_lognormals(
    low: list[float], high: list[float], coef: list[float]
) -> None:
    low_a, high_a, coef_a = (np.asarray(a, dtype=float) for a in (low, high, coef))
    draws = sample_terms(np.random.default_rng(20161017), low_a, high_a, coef_a, 200_000)
    mc_low, mc_high = np.quantile(draws, [0.05, 0.95])
    lo, hi = one_group(low_a, high_a, coef_a)
    assert lo == pytest.approx(mc_low, rel=0.03)
    assert hi == pytest.approx(mc_high, rel=0.03)
    assert hi - lo == pytest.approx(mc_high - mc_low, rel=0.05)


def test_closed_form_of_a_difference_is_close_to_monte_carlo() -> None:
    # fled = displaced + returned, read for returned: a difference of lognormals, read as a normal
    low, high, coef = np.array([200e3, 150e3]), np.array([230e3, 170e3]), np.array([1.0, -1.0])
    draws = sample_terms(np.random.default_rng(2), low, high, coef, 200_000)
    mc_low, mc_high = np.quantile(draws, [0.05, 0.95])
    lo, hi = one_group(low, high, coef)
    width = sound(low, high, coef)[1] - sound(low, high, coef)[0]
    assert abs(lo - mc_low) < 0.03 * width
    assert abs(hi - mc_high) < 0.03 * width


@st.composite
def terms(draw: st.DrawFn) -> tuple[Floats, Floats, Floats, npt.NDArray[np.intp], int]:
    n_groups = draw(st.integers(1, 4))
    n = draw(st.integers(1, 12))
    lows, highs = [], []
    for _ in range(n):
        kind = draw(st.sampled_from(["positive", "signed", "exact", "at_least", "at_most"]))
        low = draw(st.floats(1e-3, 1e6) if kind == "positive" else st.floats(-1e6, 1e6))
        width = draw(st.floats(0, 1e6)) if kind != "exact" else 0.0
        lows.append(-math.inf if kind == "at_most" else low)
        highs.append(math.inf if kind == "at_least" else low + width)
    coef = draw(st.lists(st.sampled_from([-2.0, -1.0, 0.0, 0.5, 1.0, 6.0]), min_size=n, max_size=n))
    group = draw(st.lists(st.integers(0, n_groups - 1), min_size=n, max_size=n))
    return np.array(lows), np.array(highs), np.array(coef), np.array(group, dtype=np.intp), n_groups


@given(terms(), st.sampled_from([0.5, 0.9, 0.99]))
def test_probable_interval_lies_within_the_sound_interval(
    case: tuple[Floats, Floats, Floats, npt.NDArray[np.intp], int], level: float
) -> None:
    low, high, coef, group, n_groups = case
    value = np.where(np.isfinite(low), low, high)
    lo, hi = probable_sum(low, value, high, coef, group, n_groups, level=level)
    for g in range(n_groups):
        mine = group == g
        sound_low, sound_high = sound(low[mine], high[mine], coef[mine]) if mine.any() else (0.0, 0.0)
        # float sums in another order differ in the last bits
        ends = np.abs(np.r_[low[mine], high[mine]])
        weights = np.abs(np.r_[coef[mine], coef[mine]])
        counted = np.isfinite(ends) & (weights > 0)
        slack = 1e-13 * (ends[counted] * weights[counted]).sum()
        assert sound_low - slack <= lo[g] <= hi[g] + slack <= sound_high + 2 * slack
        assert lo[g] <= hi[g]


@given(terms())
def test_probable_interval_narrows_as_the_level_drops(
    case: tuple[Floats, Floats, Floats, npt.NDArray[np.intp], int],
) -> None:
    low, high, coef, group, n_groups = case
    value = np.where(np.isfinite(low), low, high)
    wide = probable_sum(low, value, high, coef, group, n_groups, level=0.9)
    narrow = probable_sum(low, value, high, coef, group, n_groups, level=0.5)
    slack = 1e-9 * (1 + np.abs(np.nan_to_num(wide[0], posinf=0, neginf=0)))
    assert (wide[0] <= narrow[0] + slack).all()
    assert (narrow[1] <= wide[1] + slack).all()
    assert (narrow[0] <= narrow[1] + slack).all()


def test_probable_sum_with_mismatched_lengths_is_an_argument_error() -> None:
    with pytest.raises(ArgumentError, match="high has 1 entries but low has 2"):
        probable_sum([1.0, 2.0], [1.0, 2.0], [3.0], [1.0, 1.0], [0, 0], 1)


def test_probable_sum_with_a_group_out_of_range_names_the_row() -> None:
    with pytest.raises(ArgumentError, match=r"group\[1\] is 3, outside range\(2\)"):
        probable_sum([1.0, 2.0], [1.0, 2.0], [3.0, 3.0], [1.0, 1.0], [0, 3], 2)


def test_probable_sum_needs_integer_groups_and_finite_coefficients() -> None:
    with pytest.raises(ArgumentError, match="group must hold integers"):
        probable_sum([1.0], [1.0], [3.0], [1.0], [0.5], 1)
    with pytest.raises(ArgumentError, match=r"coef\[0\] is inf"):
        probable_sum([1.0], [1.0], [3.0], [math.inf], [0], 1)


def test_probable_sum_of_a_broken_range_is_a_range_error() -> None:
    with pytest.raises(RangeError, match="row 1 has no valid range"):
        probable_sum([1.0, 5.0], [1.0, 5.0], [3.0, 4.0], [1.0, 1.0], [0, 0], 1)


# adjust_linear


def test_hand_computed_total_of_two_parts() -> None:
    # a = b + c with a=110 (σ 10), b=50 (σ 5), c=40 (σ 5): r = 110 - 50 - 40 = 20,
    # A V Aᵀ = 100 + 25 + 25 = 150, λ = 20/150, x̂ = x - V Aᵀ λ:
    # a = 110 - 100·20/150 = 96.667, b = 50 + 25·20/150 = 53.333, c = 43.333.
    # chi2 = 20²/150 = 2.667 on 1 dof; each adjustment's variance is (σ_i² a_i)²/150, so every
    # standardized adjustment is ±20/sqrt(150) = ±1.633.
    result = adjust_linear(
        [110.0, 50.0, 40.0], [10.0, 5.0, 5.0], sparse.csr_matrix([[1.0, -1.0, -1.0]]), [0.0]
    )
    np.testing.assert_allclose(result.values, [110 - 40 / 3, 50 + 10 / 3, 40 + 10 / 3], rtol=1e-12)
    np.testing.assert_allclose(result.adjustment, [-40 / 3, 10 / 3, 10 / 3], rtol=1e-12)
    assert result.chi2 == pytest.approx(400 / 150, rel=1e-12)
    assert result.dof == 1
    assert result.p_value == pytest.approx(stats.chi2.sf(400 / 150, 1), rel=1e-12)
    np.testing.assert_allclose(result.standardized, np.array([-1, 1, 1]) * 20 / math.sqrt(150), rtol=1e-8)
    assert result.critical == pytest.approx(stats.norm.isf(0.05 / 6))
    assert not result.flagged.any()


def test_dense_and_sparse_relations_agree() -> None:
    dense = adjust_linear([110.0, 50.0, 40.0], [10.0, 5.0, 5.0], [[1.0, -1.0, -1.0]], [0.0])
    sparse_result = adjust_linear(
        [110.0, 50.0, 40.0], [10.0, 5.0, 5.0], sparse.csc_array([[1.0, -1.0, -1.0]]), [0.0]
    )
    np.testing.assert_array_equal(dense.values, sparse_result.values)


def table_with_margins() -> tuple[Floats, Floats]:
    """A 2×3 table of people in need by district and group, its margins and grand total.

    Columns: six cells, two row totals, three column totals, the grand total. The seven
    relations hold one redundancy (rows and columns both add up to the grand total), so
    their rank is 6.
    """
    relations = np.zeros((7, 12))
    relations[0, [0, 1, 2, 6]] = [1, 1, 1, -1]
    relations[1, [3, 4, 5, 7]] = [1, 1, 1, -1]
    for j in range(3):
        relations[2 + j, [j, 3 + j, 8 + j]] = [1, 1, -1]
    relations[5, [6, 7, 11]] = [1, 1, -1]
    relations[6, [8, 9, 10, 11]] = [1, 1, 1, -1]
    cells = np.array([120.0, 340.0, 560.0, 210.0, 430.0, 650.0])
    truth = np.r_[cells, cells[:3].sum(), cells[3:].sum(), cells[:3] + cells[3:], cells.sum()]
    return relations, truth


def dense_hat(sigma: Floats, relations: Floats) -> Floats:
    """diag(V Aᵀ (A V Aᵀ)⁺ A V) by the textbook formula, for checking."""
    v = np.diag(sigma**2)
    return np.diag(v @ relations.T @ np.linalg.pinv(relations @ v @ relations.T) @ relations @ v)


def test_redundant_relations_match_the_textbook_formula() -> None:
    relations, truth = table_with_margins()
    sigma = 0.05 * truth
    x = truth + np.random.default_rng(1).normal(0, sigma)
    result = adjust_linear(x, sigma, relations, np.zeros(7))
    v = np.diag(sigma**2)
    r = relations @ x
    gram_inverse = np.linalg.pinv(relations @ v @ relations.T)
    np.testing.assert_allclose(result.values, x - v @ relations.T @ gram_inverse @ r, rtol=1e-10)
    assert result.chi2 == pytest.approx(r @ gram_inverse @ r, rel=1e-8)
    assert result.dof == np.linalg.matrix_rank(relations) == 6
    np.testing.assert_allclose(
        result.standardized, result.adjustment / np.sqrt(dense_hat(sigma, relations)), rtol=1e-6
    )


def test_a_repeated_relation_changes_nothing() -> None:
    once = adjust_linear([110.0, 50.0, 40.0], [10.0, 5.0, 5.0], [[1.0, -1.0, -1.0]], [0.0])
    twice = adjust_linear(
        [110.0, 50.0, 40.0], [10.0, 5.0, 5.0], [[1.0, -1.0, -1.0], [-2.0, 2.0, 2.0]], [0.0, 0.0]
    )
    np.testing.assert_allclose(twice.values, once.values, rtol=1e-12)
    np.testing.assert_allclose(twice.standardized, once.standardized, rtol=1e-6)
    assert twice.dof == once.dof
    assert twice.chi2 == pytest.approx(once.chi2, rel=1e-10)


def test_exact_figures_stay_and_free_ones_are_set_by_the_relations() -> None:
    # foreign = us + coalition; us exact, coalition measured, foreign unknown; a second
    # relation (foreign = 8,600 reported elsewhere as exact) makes coalition redundant.
    x = [np.nan, 5000.0, 3700.0, 8600.0]
    sigma = [np.inf, 0.0, 100.0, 0.0]
    relations = [[1.0, -1.0, -1.0, 0.0], [1.0, 0.0, 0.0, -1.0]]
    result = adjust_linear(x, sigma, relations, [0.0, 0.0])
    np.testing.assert_allclose(result.values, [8600.0, 5000.0, 3600.0, 8600.0], rtol=1e-12)
    assert result.adjustment[1] == result.adjustment[3] == 0.0
    assert math.isnan(result.adjustment[0])
    assert result.dof == 1
    assert result.chi2 == pytest.approx(1.0)
    assert result.standardized[2] == pytest.approx(-1.0)
    assert result.standardized[1] == 0.0
    assert math.isnan(result.standardized[0])


def test_free_variables_are_the_limit_of_huge_sigma() -> None:
    relations, truth = table_with_margins()
    sigma = 0.05 * truth
    x = truth + np.random.default_rng(3).normal(0, sigma)
    free = np.zeros(12, dtype=bool)
    free[[6, 9, 11]] = True  # a row total, a column total and the grand total go unreported
    result = adjust_linear(np.where(free, np.nan, x), np.where(free, np.inf, sigma), relations, np.zeros(7))
    loose = np.where(free, 1e7, sigma)
    limit = adjust_linear(np.where(free, truth, x), loose, relations, np.zeros(7))
    np.testing.assert_allclose(result.values, limit.values, rtol=1e-6)
    np.testing.assert_allclose(result.standardized[~free], limit.standardized[~free], rtol=1e-4, atol=1e-6)
    # the limit counts the three unreported totals as measured and adjusted in full
    assert (result.dof, limit.dof) == (3, 6)
    assert result.chi2 == pytest.approx(limit.chi2, rel=1e-5)


def test_undetermined_free_variables_are_nan() -> None:
    # total = us + coalition with only the total reported: the split is not determined.
    result = adjust_linear([8600.0, np.nan, np.nan], [300.0, np.inf, np.inf], [[1.0, -1.0, -1.0]], [0.0])
    assert result.values[0] == 8600.0
    assert np.isnan(result.values[1:]).all()
    assert result.dof == 0
    assert math.isnan(result.p_value)
    assert not result.flagged.any()


def test_nothing_moves_when_the_claims_already_fit() -> None:
    relations, truth = table_with_margins()
    sigma = np.where(np.arange(12) % 4 == 0, 0.0, 0.05 * truth)
    result = adjust_linear(truth, sigma, relations, np.zeros(7))
    np.testing.assert_allclose(result.values, truth, rtol=1e-14)
    assert result.chi2 == pytest.approx(0.0, abs=1e-20)
    assert result.p_value == pytest.approx(1.0)
    assert not result.flagged.any()


@st.composite
def linear_systems(draw: st.DrawFn) -> tuple[Floats, Floats, Floats, Floats, Floats]:
    """Relations with small integer coefficients, a truth that satisfies them, and claims of it."""
    n = draw(st.integers(2, 9))
    m = draw(st.integers(1, 6))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    relations = rng.integers(-2, 3, size=(m, n)) * (rng.random((m, n)) < 0.5)
    truth = rng.uniform(0, 1e4, n)
    b = relations @ truth
    kinds = np.array(draw(st.lists(st.sampled_from(["measured", "exact", "free"]), min_size=n, max_size=n)))
    sigma = np.where(kinds == "exact", 0.0, np.where(kinds == "free", np.inf, rng.uniform(1, 500, n)))
    noise = draw(st.sampled_from([0.0, 1.0, 5.0]))
    x = np.where(
        kinds == "free", np.nan, truth + noise * rng.normal(0, np.where(np.isfinite(sigma), sigma, 0))
    )
    return x, sigma, relations.astype(float), b, truth


@given(linear_systems())
def test_adjusted_values_satisfy_the_relations(case: tuple[Floats, Floats, Floats, Floats, Floats]) -> None:
    x, sigma, relations, b, _ = case
    result = adjust_linear(x, sigma, relations, b)
    assert isinstance(result, LinearAdjustment)
    known = ~np.isnan(result.values)
    assert np.isnan(result.values[~known]).all() and np.isinf(sigma[~known]).all()
    closed = ~(np.abs(relations[:, ~known]) > 0).any(axis=1)
    values = np.where(known, result.values, 0.0)
    size = np.abs(relations) @ np.abs(values) + np.abs(b)
    assert (np.abs(relations @ values - b)[closed] <= 1e-9 * size[closed] + 1e-9).all()
    assert (result.values[sigma == 0] == x[sigma == 0]).all()
    assert 0 <= result.dof <= np.linalg.matrix_rank(relations)
    assert result.chi2 >= 0
    assert not result.flagged[~np.isfinite(result.standardized)].any()


@given(linear_systems())
def test_claims_that_fit_have_chi2_zero(case: tuple[Floats, Floats, Floats, Floats, Floats]) -> None:
    _, sigma, relations, b, truth = case
    result = adjust_linear(np.where(np.isinf(sigma), np.nan, truth), sigma, relations, b)
    measured = np.isfinite(sigma)
    np.testing.assert_allclose(result.values[measured], truth[measured], rtol=1e-9, atol=1e-6)
    assert result.chi2 <= 1e-12 * max(1, result.dof)


def test_chi2_has_mean_dof_under_simulated_noise() -> None:
    relations, truth = table_with_margins()
    sigma = 0.05 * truth
    rng = np.random.default_rng(20161017)
    results = [adjust_linear(truth + rng.normal(0, sigma), sigma, relations, np.zeros(7)) for _ in range(600)]
    chi2 = np.array([r.chi2 for r in results])
    assert {r.dof for r in results} == {6}
    # a chi-square law with 6 dof: mean 6, variance 12, so the mean of 600 runs has s.e. 0.14
    assert chi2.mean() == pytest.approx(6.0, abs=0.4)
    assert chi2.var() == pytest.approx(12.0, rel=0.2)
    # about 5% of the runs reject at 5%
    assert 0.03 < np.mean([r.p_value < 0.05 for r in results]) < 0.07


def five_sources_and_two_parts() -> tuple[Floats, Floats, Floats]:
    """Foreign troops (not itself a claim) reported by five sources, and as U.S. + coalition.

    Columns: the quantity (free), five claims of it, the U.S. claim, the coalition claim.
    """
    relations = np.zeros((6, 8))
    relations[np.arange(5), 0] = 1.0
    relations[np.arange(5), 1 + np.arange(5)] = -1.0
    relations[5, [0, 6, 7]] = [1.0, -1.0, -1.0]
    truth = np.array([8600.0, 8600, 8600, 8600, 8600, 8600, 5000, 3600])
    sigma = np.array([np.inf, 300, 300, 300, 300, 300, 250, 150])
    return relations, truth, sigma


def test_a_gross_error_is_flagged_and_the_other_claims_are_not() -> None:
    relations, truth, sigma = five_sources_and_two_parts()
    x = truth.copy()
    x[0] = np.nan
    x[2] += 2500.0  # one source says 11,100: over eight standard deviations off
    result = adjust_linear(x, sigma, relations, np.zeros(6))
    assert result.dof == 5
    assert result.p_value < 1e-6
    assert np.flatnonzero(result.flagged).tolist() == [2]
    assert result.values[0] == pytest.approx(
        truth[0] + 2500 * (1 / 300**2) / (5 / 300**2 + 1 / (250**2 + 150**2))
    )


def test_a_gross_error_stands_out_under_noise() -> None:
    relations, truth, sigma = five_sources_and_two_parts()
    rng = np.random.default_rng(7)
    largest, flagged_culprit, flagged_others = [], [], []
    for _ in range(300):
        x = truth + rng.normal(0, np.where(np.isfinite(sigma), sigma, 0.0))
        x[0] = np.nan
        x[2] += 2500.0
        result = adjust_linear(x, sigma, relations, np.zeros(6))
        largest.append(np.nanargmax(np.abs(result.standardized)) == 2)
        flagged_culprit.append(result.flagged[2])
        flagged_others.append(result.flagged[[1, 3, 4, 5, 6, 7]].mean())
    assert np.mean(largest) > 0.99
    assert np.mean(flagged_culprit) > 0.95
    # the error spreads into the claims it shares a relation with (smearing), but rarely flags them
    assert np.mean(flagged_others) < 0.15


def test_ten_thousand_variables_are_fast() -> None:
    rng = np.random.default_rng(0)
    n_trees = 2500  # total = a + b + c, then 2,500 relations tying a part of one tree to another's
    total = np.arange(n_trees) * 4
    rows = np.r_[np.repeat(np.arange(n_trees), 4), np.repeat(n_trees + np.arange(n_trees), 2)]
    partner = (np.arange(n_trees) * 7 + 3) % n_trees
    cols = np.r_[
        np.c_[total, total + 1, total + 2, total + 3].ravel(), np.c_[total + 1, total[partner] + 3].ravel()
    ]
    data = np.r_[np.tile([1.0, -1.0, -1.0, -1.0], n_trees), np.tile([1.0, -1.0], n_trees)]
    relations = sparse.csr_matrix((data, (rows, cols)), shape=(2 * n_trees, 4 * n_trees))
    b = np.zeros(2 * n_trees)
    truth = adjust_linear(
        rng.uniform(1000, 5000, 4 * n_trees), np.full(4 * n_trees, 100.0), relations, b
    ).values
    sigma = rng.uniform(50, 300, 4 * n_trees)
    sigma[rng.random(4 * n_trees) < 0.1] = np.inf
    x = np.where(np.isinf(sigma), np.nan, truth + rng.normal(0, np.where(np.isinf(sigma), 0.0, sigma)))
    start = time.perf_counter()
    result = adjust_linear(x, sigma, relations, b)
    elapsed = time.perf_counter() - start
    assert elapsed < 10.0  # about 0.2 s on an idle machine; a dense solve would take minutes
    known = np.nan_to_num(result.values)
    closed = (abs(relations) @ np.isnan(result.values).astype(float)) == 0
    assert np.abs(relations @ known)[closed].max() <= 1e-9 * np.abs(known).max()
    assert result.chi2 == pytest.approx(result.dof, rel=0.1)


def test_inconsistent_exact_figures_are_a_range_error_naming_the_relation() -> None:
    with pytest.raises(RangeError, match=r"no values satisfy .*\(relation 0 off by 10\)") as info:
        adjust_linear([100.0, 50.0, 40.0], [0.0, 0.0, 0.0], [[1.0, -1.0, -1.0]], [0.0])
    assert vars(info.value)["rows"] == (0,)
    with pytest.raises(RangeError, match="no values satisfy all relations"):
        # a free total set to two different exact values by two relations
        adjust_linear(
            [np.nan, 100.0, 90.0], [np.inf, 0.0, 0.0], [[1.0, -1.0, 0.0], [1.0, 0.0, -1.0]], [0.0, 0.0]
        )


def test_relations_that_contradict_each_other_are_a_range_error() -> None:
    with pytest.raises(RangeError, match="no values satisfy all relations together"):
        adjust_linear([5.0, 4.0], [1.0, 1.0], [[1.0, 1.0], [2.0, 2.0]], [10.0, 22.0])


@given(linear_systems())
def test_measured_claims_follow_the_textbook_formula(
    case: tuple[Floats, Floats, Floats, Floats, Floats],
) -> None:
    x, sigma, relations, b, truth = case
    sigma = np.where(np.isfinite(sigma) & (sigma > 0), sigma, 100.0)
    x = np.where(np.isnan(x), truth, x)
    result = adjust_linear(x, sigma, relations, b)
    v = np.diag(sigma**2)
    gram_inverse = np.linalg.pinv(relations @ v @ relations.T)
    r = relations @ x - b
    np.testing.assert_allclose(result.values, x - v @ relations.T @ gram_inverse @ r, rtol=1e-9, atol=1e-7)
    assert result.chi2 == pytest.approx(r @ gram_inverse @ r, rel=1e-6, abs=1e-9)
    assert result.dof == np.linalg.matrix_rank(relations)
    hat = dense_hat(sigma, relations)
    moved = hat > 1e-6 * sigma**2
    expected = np.where(moved, result.adjustment / np.sqrt(np.where(moved, hat, 1.0)), 0.0)
    np.testing.assert_allclose(result.standardized, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(
    ("x", "sigma", "relations", "b", "error", "message"),
    [
        ([1.0, 2.0], [1.0], [[1.0, 1.0]], [0.0], ArgumentError, "sigma has 1 entries but x has 2"),
        ([1.0, 2.0], [1.0, 1.0], [[1.0, 1.0, 1.0]], [0.0], ArgumentError, r"A has shape \(1, 3\)"),
        ([1.0, 2.0], [1.0, 1.0], [[1.0, 1.0]], [0.0, 1.0], ArgumentError, r"A has shape \(1, 2\)"),
        ([1.0, 2.0], [1.0, -1.0], [[1.0, 1.0]], [0.0], RangeError, r"sigma\[1\] is -1"),
        ([1.0, 2.0], [1.0, np.nan], [[1.0, 1.0]], [0.0], RangeError, r"sigma\[1\] is nan"),
        ([np.nan, 2.0], [1.0, 1.0], [[1.0, 1.0]], [0.0], RangeError, r"x\[0\] is nan but its sigma is 1"),
        ([1.0, 2.0], [1.0, 1.0], [[1.0, np.inf]], [0.0], ArgumentError, "A holds a coefficient"),
        ([1.0, 2.0], [1.0, 1.0], [[1.0, 1.0]], [np.nan], ArgumentError, r"b\[0\] is nan"),
        ([[1.0, 2.0]], [1.0, 1.0], [[1.0, 1.0]], [0.0], ArgumentError, "x must be one-dimensional"),
        ([1.0, 2.0], [1.0, 1.0], "relations", [0.0], ArgumentError, "A must be a matrix of numbers"),
    ],
)
def test_bad_arguments_raise_the_library_errors(
    x: object, sigma: object, relations: object, b: object, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message):
        adjust_linear(x, sigma, relations, b)  # type: ignore[arg-type]


@pytest.mark.parametrize("alpha", [0.0, 1.0, 1.5])
def test_alpha_outside_zero_one_is_an_argument_error(alpha: float) -> None:
    with pytest.raises(ArgumentError, match="alpha must lie strictly between 0 and 1"):
        adjust_linear([1.0], [1.0], [[1.0]], [1.0], alpha=alpha)


def test_no_relations_adjust_nothing() -> None:
    result = adjust_linear([1.0, 2.0], [1.0, np.inf], sparse.csr_matrix((0, 2)), [])
    assert result.values[0] == 1.0
    assert math.isnan(result.values[1])
    assert (result.dof, result.chi2) == (0, 0.0)


@pytest.mark.filterwarnings("error")
def test_ranges_too_wide_for_moments_fall_back_to_the_sound_interval_quietly() -> None:
    # Normal terms past 1e154 square to inf; lognormal ones past e**709 overflow exp.
    low = np.array([-1e200, 1e200, 1e-300])
    high = np.array([3e200, 3e200, 1e300])
    one = np.ones(3)
    for rows in ([0, 1], [2]):
        p_low, p_high = probable_sum(low[rows], low[rows], high[rows], one[rows], np.zeros(len(rows), int), 1)
        assert p_low[0] == pytest.approx(low[rows].sum()) and p_high[0] == pytest.approx(high[rows].sum())
