import datetime as dt
import math
import pickle
from fractions import Fraction
from typing import Any, get_type_hints

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reconcile as rc
from reconcile.strategies import figures, values_in

CNN = rc.Source(name="U.S. officials", via="CNN")
POSITIVE = figures(min_value=1e-3, max_value=1e9, unit="dimensionless")
NEGATIVE = figures(min_value=-1e9, max_value=-1e-3, unit="dimensionless", open_ends=False)
SIGNED = figures(min_value=-1e9, max_value=1e9, unit="dimensionless")
COUNTS = figures(max_value=1e9, counts="troops")


def contains(figure: rc.Figure, exact: Fraction) -> bool:
    low_ok = figure.low == -math.inf or Fraction(figure.low) <= exact
    high_ok = figure.high == math.inf or exact <= Fraction(figure.high)
    return low_ok and high_ok


# -- construction ---------------------------------------------------------------------------


def test_named_constructors_give_the_shapes_their_words_say() -> None:
    assert (rc.Figure.exact(600).low, rc.Figure.exact(600).high) == (600.0, 600.0)
    assert (rc.Figure.between(3000, 5000).low, rc.Figure.between(3000, 5000).value) == (3000.0, 4000.0)
    assert rc.Figure.between(3000, 5000, value=3500).value == 3500.0
    assert (rc.Figure.at_least(7000).low, rc.Figure.at_least(7000).high) == (7000.0, math.inf)
    assert rc.Figure.at_most(100_000).low == 0.0
    assert rc.Figure.at_most(5.0, unit="USD").low == -math.inf


def test_about_follows_the_rounding_of_the_number() -> None:
    about_5000, about_5120 = rc.Figure.about(5000), rc.Figure.about(5120)
    assert (about_5000.low, about_5000.high) == (4500.0, 5500.0)
    assert about_5120.high - about_5120.low < about_5000.high - about_5000.low
    assert (about_5120.low, about_5120.high) == (4864.0, 5376.0)  # the 5% floor


def test_about_a_million_is_capped_at_a_tenth() -> None:
    million = rc.Figure.about(1_000_000)
    assert (million.low, million.high) == (900_000.0, 1_100_000.0)


def test_about_a_share_reads_its_decimal_rounding() -> None:
    half = rc.Figure.about(0.5, unit="dimensionless", min_share=0)
    # 0.45 and 0.55 are not floats: the ends are the nearest floats outside them.
    assert Fraction(half.low) <= Fraction("0.45") < Fraction(math.nextafter(half.low, 1))
    assert Fraction(math.nextafter(half.high, 0)) < Fraction("0.55") <= Fraction(half.high)
    assert half.range_text() == "0.45–0.55"


def test_about_zero_is_exactly_zero() -> None:
    assert rc.Figure.about(0).is_exact


def test_fields_are_normalised_on_construction() -> None:
    figure = rc.Figure.exact(3, unit="people", as_of="2016-10", source="IOM", counts=" troops/us ")
    assert figure.unit == "person"
    assert figure.as_of == pd.Period("2016-10", freq="M")
    assert figure.source == rc.Source(name="IOM")
    assert figure.counts == "troops/us"
    assert rc.Figure.exact(1, as_of=dt.date(2016, 10, 17)).as_of == pd.Period("2016-10-17", freq="D")


@pytest.mark.parametrize(
    ("fields", "error", "words"),
    [
        ({"value": 10, "low": 20, "high": 30}, rc.RangeError, "low=20, value=10, high=30"),
        ({"value": 10, "low": 0, "high": 5}, rc.RangeError, "need low <= value <= high"),
        ({"value": math.nan, "low": 0, "high": 5}, rc.RangeError, "NaN"),
        ({"value": math.inf, "low": 0, "high": math.inf}, rc.RangeError, "finite"),
        ({"value": 5, "low": -1, "high": 5}, rc.RangeError, "cannot be negative"),
        ({"value": 5, "low": 5, "high": 5, "unit": "furlongs-ish"}, rc.UnitError, "furlongs-ish"),
        ({"value": "5", "low": 5, "high": 5}, rc.ArgumentError, "'5'"),
        ({"value": True, "low": 1, "high": 1}, rc.ArgumentError, "True"),
        ({"value": 5, "low": 5, "high": 5, "counts": "troops//us"}, rc.ArgumentError, "troops//us"),
        ({"value": 5, "low": 5, "high": 5, "place": ""}, rc.ArgumentError, "place"),
        ({"value": 5, "low": 5, "high": 5, "as_of": "last Tuesday"}, rc.ParseError, "last Tuesday"),
        ({"value": 5, "low": 5, "high": 5, "as_of": 2016}, rc.ArgumentError, "int"),
        ({"value": 5, "low": 5, "high": 5, "source": 3}, rc.ArgumentError, "int"),
        ({"value": 10**400, "low": 0, "high": 5}, rc.RangeError, "too large"),
    ],
)
def test_bad_fields_raise_our_errors_naming_the_value(
    fields: dict[str, object], error: type[rc.ReconcileError], words: str
) -> None:
    with pytest.raises(error, match=None) as caught:
        rc.Figure(**fields)  # type: ignore[arg-type]
    assert words in str(caught.value)
    assert caught.value.hint in str(caught.value)


def test_between_with_an_open_end_needs_a_value() -> None:
    with pytest.raises(rc.ArgumentError, match="no midpoint"):
        rc.Figure.between(7000, math.inf)
    assert rc.Figure.between(7000, math.inf, value=7000).high == math.inf


def test_about_rejects_shares_out_of_order() -> None:
    with pytest.raises(rc.ArgumentError, match="min_share"):
        rc.Figure.about(5000, min_share=0.2, max_share=0.1)


def test_figure_is_immutable_and_replace_validates() -> None:
    figure = rc.Figure.about(5000)
    with pytest.raises(AttributeError):
        figure.value = 1  # type: ignore[misc]
    with pytest.raises(rc.RangeError):
        figure.replace(value=9000)
    assert figure.replace(place="Mosul").place == "Mosul"
    assert figure.place is None


@pytest.mark.parametrize(
    "build",
    [
        lambda **given: rc.Figure(value=5000, low=4500, high=5500, **given),
        lambda **given: rc.Figure.exact(5000, **given),
        lambda **given: rc.Figure.between(4500, 5500, **given),
        lambda **given: rc.Figure.at_least(5000, **given),
        lambda **given: rc.Figure.at_most(5000, **given),
        lambda **given: rc.Figure.about(5000, **given),
        lambda **given: rc.parse("about 5,000", **given),
    ],
    ids=["Figure", "exact", "between", "at_least", "at_most", "about", "parse"],
)
def test_every_figure_constructor_takes_via_into_the_source(build: Any) -> None:
    assert build(source="U.S. officials", via="CNN").source.replace(quote=None) == CNN
    # via= sets the via of a Source too, and names the channel of a source left unnamed.
    assert build(source=rc.Source(name="U.S. officials", via="AP"), via="CNN").source.via == "CNN"
    assert build(via="CNN").source.replace(quote=None) == rc.Source(via="CNN")
    assert build(source=CNN).source.via == "CNN"
    with pytest.raises(rc.ArgumentError, match="via must be a non-empty string"):
        build(source="U.S. officials", via=" ")


def test_replace_takes_via_and_keeps_the_source_otherwise() -> None:
    figure = rc.Figure.about(5000, source="U.S. officials", via="CNN")
    assert figure.replace(place="Mosul").source == CNN
    assert figure.replace(via="Reuters").source == rc.Source(name="U.S. officials", via="Reuters")
    assert pickle.loads(pickle.dumps(figure)) == figure


def test_scope_means_where_and_when_and_the_constructors_take_it_with_the_rest() -> None:
    assert set(get_type_hints(rc.Scope)) == {"place", "as_of"}
    assert set(get_type_hints(rc.FigureKeywords)) == {"place", "as_of", "unit", "counts", "source", "via"}
    mosul: rc.Scope = {"place": "Mosul", "as_of": "2016-10-17"}
    a, b = rc.Figure.exact(1, **mosul), rc.Figure.exact(2, place="Erbil", as_of="2016-10-17")
    with pytest.raises(rc.ScopeMismatchError) as caught:
        rc.total([a, b])
    assert caught.value.field in get_type_hints(rc.Scope)


def test_source_reads_dates_and_rejects_bad_ones() -> None:
    assert rc.Source(date="2016-10-17").date == dt.date(2016, 10, 17)  # type: ignore[arg-type]
    assert rc.Source(date=dt.datetime(2016, 10, 17, 9)).date == dt.date(2016, 10, 17)
    with pytest.raises(rc.ParseError, match="date"):
        rc.Source(date="yesterday")  # type: ignore[arg-type]
    with pytest.raises(rc.ArgumentError, match="date"):
        rc.Source(date=20161017)  # type: ignore[arg-type]


# -- text -----------------------------------------------------------------------------------


def test_str_reads_like_a_report() -> None:
    figure = rc.Figure.about(5000, counts="militants", place="Mosul", as_of="2016-10-17", source=CNN)
    assert str(figure) == "about 5,000 militants (4,500–5,500), U.S. officials via CNN, 2016-10-17"
    assert str(rc.Figure.exact(600, counts="troops/us/added")) == "600 troops/us/added"
    assert str(rc.Figure.at_least(7000)) == "at least 7,000 people (7,000–∞)"
    assert str(rc.Figure.exact(7619, unit="family")) == "7,619 families"
    assert str(rc.Figure.about(1.5, unit="km**2")) == "about 1.5 kilometer ** 2 (1.425–1.575)"


def test_a_printed_range_rounds_outward() -> None:
    figure = rc.Figure.between(4499.6, 5500.2)
    assert figure.range_text() == "4,499–5,501"


def test_repr_names_every_given_field_and_summarises_lineage() -> None:
    figure = rc.Figure.about(5000, counts="militants", as_of="2016-10-17", source=CNN)
    text = repr(figure)
    assert text.startswith("Figure(value=5000.0, low=4500.0, high=5500.0, unit='person'")
    assert "counts='militants'" in text
    assert "as_of='2016-10-17'" in text
    assert "Source(name='U.S. officials', via='CNN')" in text
    assert "place" not in text
    assert "lineage=<2 figures>" in repr(figure + figure)


# -- arithmetic -----------------------------------------------------------------------------


def test_total_of_disjoint_counts_needs_counts() -> None:
    us, coalition = (
        rc.Figure.about(5000, counts="troops/us"),
        rc.Figure.about(3600, counts="troops/coalition"),
    )
    with pytest.raises(rc.CountsMismatchError, match=r"pass counts=") as caught:
        rc.total([us, coalition])
    assert set(caught.value.counts) == {"troops/us", "troops/coalition"}
    foreign = rc.total([us, coalition], counts="troops/foreign")
    assert (foreign.low, foreign.value, foreign.high) == (7920.0, 8600.0, 9280.0)
    assert foreign.counts == "troops/foreign"
    assert foreign.lineage == (us, coalition)
    assert foreign.operation == "total"


def test_total_refuses_a_part_with_its_whole() -> None:
    with pytest.raises(rc.CountsMismatchError, match="counts 'troops/us' twice"):
        rc.total([rc.Figure.exact(5000, counts="troops/us"), rc.Figure.exact(9, counts="troops")], counts="x")


def test_total_of_different_places_needs_place() -> None:
    mosul, erbil = rc.Figure.exact(3, place="Mosul"), rc.Figure.exact(4, place="Erbil")
    with pytest.raises(rc.ScopeMismatchError, match="pass place=") as caught:
        rc.total([mosul, erbil])
    assert caught.value.values == ("Erbil", "Mosul")
    assert rc.total([mosul, erbil], place="Ninewa").place == "Ninewa"
    with pytest.raises(rc.ScopeMismatchError, match="as_of"):
        rc.Figure.exact(3, as_of="2016") + rc.Figure.exact(3, as_of="2017")


def test_total_keeps_the_scope_that_figures_share_or_leave_unsaid() -> None:
    assert rc.total([rc.Figure.exact(3, place="Mosul"), rc.Figure.exact(4)]).place == "Mosul"


def test_total_converts_units_and_refuses_incompatible_ones() -> None:
    assert rc.total([rc.Figure.exact(2, unit="km"), rc.Figure.exact(500, unit="m")]).value == 2.5
    with pytest.raises(rc.UnitError, match=r"figure 1 .* 'household'"):
        rc.total([rc.Figure.exact(5), rc.Figure.exact(2, unit="household")])
    with pytest.raises(rc.UnitError):
        rc.Figure.exact(5, counts="troops") + rc.Figure.exact(5, unit="USD", counts="troops")


def test_total_of_nothing_or_of_non_figures_is_an_argument_error() -> None:
    with pytest.raises(rc.ArgumentError, match="at least one"):
        rc.total([])
    with pytest.raises(rc.ArgumentError, match="item 1"):
        rc.total([rc.Figure.exact(1), 2])  # type: ignore[list-item]


def test_difference_names_what_is_left() -> None:
    after, added = rc.Figure.about(5000, counts="troops/us"), rc.Figure.exact(600, counts="troops/us/added")
    with pytest.raises(rc.CountsMismatchError, match=r"rc\.difference"):
        after - added
    before = rc.difference(after, added, counts="troops/us/before")
    assert (before.low, before.value, before.high) == (3900.0, 4400.0, 4900.0)
    assert before.origins() == (after, added)


def test_difference_takes_unit_as_total_does() -> None:
    whole, part = rc.Figure.exact(2, unit="km**2"), rc.Figure.about(50, unit="hectare")
    left = rc.difference(whole, part, unit="hectare")
    assert (left.unit, left.low, left.value, left.high) == ("hectare", 145.0, 150.0, 155.0)
    assert rc.difference(whole, part).unit == rc.total([whole, part]).unit == "kilometer ** 2"
    assert rc.total([whole, part], unit="hectare").unit == left.unit
    with pytest.raises(rc.UnitError, match="figure 0"):
        rc.difference(whole, part, unit="person")


def test_a_count_times_a_negative_number_is_refused_not_cut_at_zero() -> None:
    with pytest.raises(rc.RangeError, match="could be a negative count"):
        rc.Figure.between(0, 10) * -1
    with pytest.raises(rc.RangeError, match="never negative"):
        rc.Figure.between(0, 10) / rc.Figure.between(-2, -1, unit="dimensionless")


def test_inputs_no_float_holds_are_rounded_outward() -> None:
    two_thirds = rc.Figure.exact(Fraction(2, 3), unit="dimensionless")  # type: ignore[arg-type]
    assert Fraction(two_thirds.low) <= Fraction(2, 3) <= Fraction(two_thirds.high)
    big = rc.Figure.exact(2**53 + 1, unit="USD")
    assert big.low < 2**53 + 1 < big.high
    assert (rc.Figure.exact(3) * np.int64(2)).value == 6.0  # type: ignore[operator]
    assert rc.Figure.exact(np.float32(5)).value == 5.0  # type: ignore[arg-type]


def test_conversion_factors_that_are_not_whole_widen_the_range() -> None:
    mile = rc.Figure.exact(1, unit="mile").to("km")
    assert Fraction(mile.low) < Fraction("1.609344") < Fraction(mile.high)
    assert rc.Figure.exact(2, unit="km").to("m").is_exact
    assert not rc.compare(rc.Figure.exact(0.3048, unit="m"), rc.Figure.exact(1, unit="foot")).contradicts


def test_offset_units_and_unit_lists_are_refused() -> None:
    with pytest.raises(rc.UnitError, match="offset zero"):
        rc.Figure.exact(100, unit="degC")
    with pytest.raises(rc.UnitError, match="a unit is a string"):
        rc.Figure.exact(1, unit=["person"])  # type: ignore[arg-type]


def test_overflowing_results_say_so() -> None:
    with pytest.raises(rc.RangeError, match="too large for a float"):
        rc.total([rc.Figure.exact(1.7e308, unit="USD"), rc.Figure.exact(1e308, unit="USD")])
    with pytest.raises(rc.RangeError, match="product is too large"):
        rc.Figure.exact(1e308, unit="USD") * 10


def test_weeks_are_periods_and_hours_are_not() -> None:
    week = rc.Figure.exact(1, as_of="2016-10-17/2016-10-23").as_of
    assert week == pd.Period("2016-10-17", freq="W-SUN")
    assert rc.Figure.exact(1, as_of=week).as_of == week
    with pytest.raises(rc.ParseError, match="not a date or period"):
        rc.Figure.exact(1, as_of="2016-10-17 20:16")
    with pytest.raises(rc.ParseError, match="not a day, week"):
        rc.Figure.exact(1, as_of=pd.Period("2016-10-17 20:16", freq="min"))


def test_a_date_alone_is_never_read_month_first_when_it_could_be_either() -> None:
    with pytest.raises(rc.ParseError, match=r"day-first or .* month-first") as caught:
        rc.Figure.exact(1, as_of="03-04-2022")
    assert "ISO" in caught.value.hint
    assert str(rc.Figure.exact(1, as_of="17/10/2016").as_of) == "2016-10-17"
    assert str(rc.parse("about 5,000", as_of="17 October 2016").as_of) == "2016-10-17"


def test_a_date_without_its_year_is_refused() -> None:
    with pytest.raises(rc.ParseError):
        rc.Figure.exact(1, as_of="")
    with pytest.raises(rc.ParseError, match="no four-digit year"):
        rc.Figure.exact(1, as_of="17 October")
    with pytest.raises(rc.ParseError, match="year missing"):
        rc.Figure.exact(1, as_of=pd.Period("0017-10", freq="M"))


def test_a_count_left_over_is_cut_at_zero_and_an_impossible_one_is_an_error() -> None:
    whole = rc.Figure.between(100, 300)
    assert (whole - rc.Figure.between(200, 400)).low == 0.0
    assert (whole - rc.Figure.between(200, 400)).value == 0.0
    with pytest.raises(rc.RangeError, match="negative count"):
        whole - rc.Figure.exact(1000)


def test_households_become_people_only_through_a_household_size() -> None:
    families = rc.Figure.exact(7619, unit="family", counts="displaced")
    size = rc.Figure.about(6, unit="person / family", hedge="about")
    people = families * size
    assert people.unit == "person"
    assert people.counts == "displaced"
    assert people.value == 45_714.0
    with pytest.raises(rc.UnitError):
        families.to("person")


def test_dividing_by_a_range_that_holds_zero_is_an_error() -> None:
    with pytest.raises(rc.DivisionByRangeError, match="contains 0") as caught:
        rc.Figure.exact(5) / rc.Figure.between(-1, 1, unit="dimensionless")
    assert isinstance(caught.value, ZeroDivisionError)
    with pytest.raises(rc.DivisionByRangeError):
        rc.Figure.exact(5) / 0


def test_plain_numbers_combine_as_exact_figures() -> None:
    about = rc.Figure.about(5000, counts="troops/us")
    assert ((about + 600).low, (about + 600).counts) == (5100.0, "troops/us")
    assert (600 + about).high == 6100.0
    assert (10_000 - about).low == 4500.0
    assert (about * 2).high == 11_000.0
    assert (2 * about).unit == "person"
    assert (about / 2).low == 2250.0
    assert (1 / rc.Figure.exact(4, unit="dimensionless")).value == 0.25
    with pytest.raises(rc.ArgumentError):
        about + "600"  # type: ignore[operator]


def test_remaining_over_half_is_the_population_before() -> None:
    remaining = rc.Figure.about(1_000_000, hedge=None, min_share=0, counts="residents")
    half = rc.Figure.about(0.5, unit="dimensionless", min_share=0, hedge="half")
    before = remaining / half
    assert before.value == 2_000_000.0
    assert before.low == pytest.approx(900_000 / 0.55)
    assert before.high == pytest.approx(1_100_000 / 0.45)
    assert before.counts == "residents"
    assert before.operation == "quotient"


def test_to_converts_range_and_keeps_identity() -> None:
    area = rc.Figure.about(1.5, unit="km**2")
    assert area.to("km**2") is area
    in_m2 = area.to("m**2")
    assert in_m2.value == 1_500_000.0
    assert in_m2.low <= 1_425_000 and in_m2.high >= 1_575_000
    assert in_m2.range_text() == "1,425,000–1,575,000"


def test_sums_that_are_exact_in_floats_print_clean() -> None:
    assert (rc.Figure.exact(0.1, unit="") + rc.Figure.exact(0.2, unit="")).high > 0.3
    assert (rc.Figure.exact(4500) + rc.Figure.exact(3420)).low == 7920.0


# -- properties -----------------------------------------------------------------------------


@given(COUNTS, COUNTS, st.data())
def test_sum_is_sound(a: rc.Figure, b: rc.Figure, data: st.DataObject) -> None:
    x, y = data.draw(values_in(a)), data.draw(values_in(b))
    result = a + b
    assert contains(result, Fraction(x) + Fraction(y))
    assert result.low <= result.value <= result.high


@given(SIGNED, SIGNED, st.data())
def test_difference_is_sound(a: rc.Figure, b: rc.Figure, data: st.DataObject) -> None:
    x, y = data.draw(values_in(a)), data.draw(values_in(b))
    assert contains(a - b, Fraction(x) - Fraction(y))


@given(COUNTS, COUNTS, st.data())
def test_difference_of_counts_is_sound_when_the_part_fits(
    a: rc.Figure, b: rc.Figure, data: st.DataObject
) -> None:
    x, y = data.draw(values_in(a)), data.draw(values_in(b))
    if a.high < b.low:
        with pytest.raises(rc.RangeError):
            rc.difference(a, b)
        return
    result = rc.difference(a, b)
    assert result.low >= 0
    if x >= y:
        assert contains(result, Fraction(x) - Fraction(y))


@given(SIGNED, SIGNED, st.data())
def test_product_is_sound(a: rc.Figure, b: rc.Figure, data: st.DataObject) -> None:
    x, y = data.draw(values_in(a)), data.draw(values_in(b))
    result = a * b
    assert contains(result, Fraction(x) * Fraction(y))
    assert result.low <= result.value <= result.high


@given(COUNTS, SIGNED, st.data())
def test_a_count_times_a_factor_that_may_be_negative_is_refused(
    a: rc.Figure, b: rc.Figure, data: st.DataObject
) -> None:
    x, y = data.draw(values_in(a)), data.draw(values_in(b))
    if a.high > 0 and b.low < 0:
        with pytest.raises(rc.RangeError, match="negative count"):
            a * b
        return
    result = a * b
    assert result.low >= 0
    assert contains(result, Fraction(x) * Fraction(y))


@given(SIGNED, POSITIVE | NEGATIVE, st.data())
def test_quotient_is_sound(a: rc.Figure, b: rc.Figure, data: st.DataObject) -> None:
    x, y = data.draw(values_in(a)), data.draw(values_in(b))
    result = a / b
    assert contains(result, Fraction(x) / Fraction(y))
    assert result.low <= result.value <= result.high


@given(st.lists(COUNTS, min_size=1, max_size=8), st.data())
def test_total_is_sound(parts: list[rc.Figure], data: st.DataObject) -> None:
    true_values = [data.draw(values_in(part)) for part in parts]
    assert contains(rc.total(parts), sum((Fraction(x) for x in true_values), Fraction(0)))


@given(st.lists(COUNTS, min_size=1, max_size=8), st.randoms(use_true_random=False))
def test_total_does_not_depend_on_order(parts: list[rc.Figure], random: object) -> None:
    shuffled = list(parts)
    random.shuffle(shuffled)  # type: ignore[attr-defined]
    forward, backward = rc.total(parts), rc.total(shuffled)
    assert (forward.low, forward.value, forward.high) == (backward.low, backward.value, backward.high)


@given(figures(max_value=1e6, unit="km**2"), st.data())
def test_unit_conversion_is_sound(area: rc.Figure, data: st.DataObject) -> None:
    x = data.draw(values_in(area))
    assert contains(area.to("m**2"), Fraction(x) * 1_000_000)


@given(st.floats(0, 1e12, allow_nan=False), st.sampled_from([0.0, 0.02, 0.05]))
def test_about_holds_its_number_within_the_cap(number: float, min_share: float) -> None:
    figure = rc.Figure.about(number, min_share=min_share)
    assert figure.low <= number <= figure.high
    assert Fraction(figure.high) - Fraction(number) <= Fraction(number) * Fraction("0.1") + Fraction(1, 10**6)


@given(COUNTS)
def test_figure_survives_pickling_and_hashes_by_value(figure: rc.Figure) -> None:
    derived = figure + figure
    for original in (figure, derived):
        copy = pickle.loads(pickle.dumps(original))
        assert copy == original
        assert hash(copy) == hash(original)
    assert {figure, pickle.loads(pickle.dumps(figure))} == {figure}


@given(COUNTS)
def test_replace_with_nothing_is_equal(figure: rc.Figure) -> None:
    assert figure.replace() == figure
