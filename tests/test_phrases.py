"""Phrases to ranges: rc.parse, rc.parse_many and the lexicon behind them.

Figures and hedge words are those of the CNN report of 17 October 2016 on the offensive to
retake Mosul (shared/corpus/mosul-2016-10-17.txt), beside the phrase kinds the issue lists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import pickle
import re
import time
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import reconcile as rc
from reconcile.errors import ArgumentError, ParseError, ReconcileError, UnitError
from reconcile.figure import Figure, Source
from reconcile.phrases import MAX_LENGTH, Hedge, Lexicon, QuantityWord, parse, parse_many, value_ranges
from reconcile.phrases.grammar import grammar_for

DOCS = Path(__file__).resolve().parent.parent / "docs" / "phrases.md"
DEFAULT = Lexicon.default()
CNN: dict[str, Any] = {"place": "Mosul", "as_of": "2016-10-17", "via": "CNN"}


def ends(figure: Figure) -> tuple[float, float, float]:
    return figure.low, figure.value, figure.high


# -- the Mosul phrases ---------------------------------------------------------------------


def test_mosul_about_5000_militants_spans_4500_to_5500_and_keeps_its_source() -> None:
    militants = parse("about 5,000", counts="militants", source="U.S. officials", **CNN)
    assert ends(militants) == (4500, 5000, 5500)
    assert militants.hedge == "about"
    assert militants.counts == "militants"
    assert militants.place == "Mosul"
    assert str(militants.as_of) == "2016-10-17"
    assert militants.source == Source(name="U.S. officials", via="CNN", quote="about 5,000")


def test_mosul_at_least_7000_is_open_above() -> None:
    backers = parse("at least 7,000", counts="militants", source="Islamic State backers", **CNN)
    assert ends(backers) == (7000, 7000, math.inf)
    assert backers.hedge == "at least"


def test_mosul_estimates_of_militants_contradict() -> None:
    us = parse("about 5,000", counts="militants", source="U.S. officials", **CNN)
    backers = parse("at least 7,000", counts="militants", source="Islamic State backers", **CNN)
    assert rc.compare(us, backers).contradicts


def test_mosul_as_many_as_100000_troops_starts_at_zero() -> None:
    troops = parse("as many as 100,000", counts="troops", source="CNN", **CNN)
    assert ends(troops) == (0, 100_000, 100_000)


def test_mosul_approximately_3600_spans_3420_to_3780() -> None:
    assert ends(parse("approximately 3,600", counts="troops/coalition")) == (3420, 3600, 3780)


def test_mosul_600_more_troops_is_exact() -> None:
    added = parse("600", counts="troops/us/added")
    assert added.is_exact
    assert added.value == 600


def test_mosul_1_million_residents_allows_the_rounding_of_its_millions() -> None:
    remaining = parse("1 million", counts="residents")
    assert ends(remaining) == (900_000, 1_000_000, 1_100_000)
    assert remaining.hedge is None


def test_mosul_half_is_a_share_that_divides_the_residents() -> None:
    half = parse("half")
    assert half.unit == "dimensionless"
    before = parse("1 million", counts="residents") / half
    assert before.value == 2_000_000
    assert before.low == pytest.approx(900_000 / 0.55)
    assert before.high == pytest.approx(1_100_000 / 0.45)


def test_mosul_troops_parsed_add_up_as_the_core_adds_them() -> None:
    us = parse("about 5,000", counts="troops/us")
    coalition = parse("approximately 3,600", counts="troops/coalition")
    foreign = rc.total([us, coalition], counts="troops/foreign")
    assert (foreign.low, foreign.high) == (7920, 9280)


# -- closeness -----------------------------------------------------------------------------


def test_about_5000_is_wider_than_about_5120() -> None:
    round_, precise = parse("about 5,000"), parse("about 5,120")
    assert round_.high - round_.low > precise.high - precise.low
    assert ends(precise) == (4864, 5120, 5376)


def test_about_1_million_is_capped_at_a_tenth_not_half_a_million() -> None:
    assert ends(parse("about 1 million")) == (900_000, 1_000_000, 1_100_000)


def test_about_a_precise_number_is_at_least_five_percent_wide() -> None:
    figure = parse("about 5,123")
    assert figure.value - figure.low == pytest.approx(0.05 * 5123)


CLOSENESS = [word for word, hedge in DEFAULT.hedges.items() if hedge.rule in ("around", "below", "above")]


def hedged(word: str, number: str) -> str:
    """``number`` with the hedge ``word`` where the lexicon puts it: before, or after ("2,000 or more")."""
    return f"{number} {word}" if DEFAULT.hedges[word].after else f"{word} {number}"


@pytest.mark.parametrize("word", CLOSENESS)
def test_each_closeness_hedge_reads_as_figure_about_with_its_shares(word: str) -> None:
    hedge = DEFAULT.hedges[word]
    read = parse(hedged(word, "3,600"))
    about = Figure.about(3600, min_share=hedge.min_share, max_share=hedge.max_share)
    assert read.value == 3600
    assert read.hedge == word
    assert read.low == (3600 if hedge.rule == "above" else about.low)
    assert read.high == (3600 if hedge.rule == "below" else about.high)


@pytest.mark.parametrize("word", ["nearly", "almost", "close to", "just under"])
def test_direction_words_below_end_at_the_number(word: str) -> None:
    figure = parse(f"{word} 1 million")
    assert figure.high == figure.value == 1_000_000
    assert figure.low < 1_000_000


def test_just_over_starts_at_the_number() -> None:
    assert ends(parse("just over 5,000")) == (5000, 5000, 5250)


def test_just_under_is_narrower_than_nearly() -> None:
    assert parse("just under 5,000").low > parse("nearly 5,000").low


# -- bounds --------------------------------------------------------------------------------

FLOORS = [word for word, hedge in DEFAULT.hedges.items() if hedge.rule == "floor"]
CEILINGS = [word for word, hedge in DEFAULT.hedges.items() if hedge.rule == "ceiling"]


@pytest.mark.parametrize("word", FLOORS)
def test_each_floor_hedge_starts_at_the_number_and_stays_open(word: str) -> None:
    assert ends(parse(hedged(word, "2,000"))) == (2000, 2000, math.inf)


@pytest.mark.parametrize("word", CEILINGS)
def test_each_ceiling_hedge_ends_at_the_number_from_zero(word: str) -> None:
    assert ends(parse(hedged(word, "2,000"))) == (0, 2000, 2000)


def test_issue_bound_words_are_all_in_the_lexicon() -> None:
    issue = ["at least", "no fewer than", "more than", "over", "upwards of"]
    assert set(issue) <= set(FLOORS)
    issue = ["at most", "up to", "as many as", "no more than", "fewer than", "less than", "under", "below"]
    assert set(issue) <= set(CEILINGS)


@pytest.mark.parametrize("phrase", ["up to $5 million", "under 20 tonnes", "at most 40 households"])
def test_an_open_low_end_is_zero_whatever_the_unit(phrase: str) -> None:
    assert parse(phrase).low == 0


def test_more_than_is_read_as_a_closed_floor() -> None:
    assert parse("more than 2,000").low == 2000


# -- ranges --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "phrase",
    [
        "3,000 to 5,000",
        "3,000-5,000",
        "3,000–5,000",
        "3,000 — 5,000",
        "between 3,000 and 5,000",
        "3000 to 5000",
    ],
)
def test_ranges_are_read_as_stated_with_the_midpoint_as_value(phrase: str) -> None:
    figure = parse(phrase)
    assert ends(figure) == (3000, 4000, 5000)
    assert figure.hedge is None


def test_from_9000_to_11000() -> None:
    assert ends(parse("from 9,000 to 11,000")) == (9000, 10_000, 11_000)


def test_a_range_shares_the_magnitude_after_its_second_end() -> None:
    assert ends(parse("1.8 to 2.3 million")) == (1_800_000, 2_050_000, 2_300_000)


def test_a_range_keeps_a_first_end_that_the_magnitude_would_put_above_the_second() -> None:
    assert (parse("300 to 2 million").low, parse("300 to 2 million").high) == (300, 2_000_000)


def test_a_range_of_percentages_is_a_share() -> None:
    figure = parse("30-40%")
    assert (figure.low, figure.high, figure.unit) == (0.3, 0.4, "dimensionless")


def test_a_range_in_dollars_is_in_usd() -> None:
    figure = parse("$1.8 to $2.3 million")
    assert (figure.low, figure.high, figure.unit) == (1_800_000, 2_300_000, "USD")


def test_an_estimated_range_keeps_its_hedge_and_its_ends() -> None:
    figure = parse("an estimated 3,000 to 5,000 families")
    assert ends(figure) == (3000, 4000, 5000)
    assert (figure.hedge, figure.unit) == ("an estimated", "family")


def test_a_range_that_runs_backwards_is_refused_at_its_second_end() -> None:
    with pytest.raises(ParseError, match="runs backwards") as caught:
        parse("5,000 to 3,000")
    assert caught.value.position == 9


def test_and_joins_a_range_only_after_between() -> None:
    with pytest.raises(ParseError, match="'and' cannot join") as caught:
        parse("3,000 and 5,000")
    assert caught.value.position == 6


def test_a_direction_hedge_cannot_stand_before_a_range() -> None:
    with pytest.raises(ParseError, match="'nearly' cannot stand before a range"):
        parse("nearly 3,000 to 5,000")


# -- magnitudes and number words -----------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("1 million", (900_000, 1_000_000, 1_100_000)),
        ("1.5 million", (1_450_000, 1_500_000, 1_550_000)),
        ("2.9m", (2_850_000, 2_900_000, 2_950_000)),
        ("5k", (4500, 5000, 5500)),
        ("$1.2bn", (1_150_000_000, 1_200_000_000, 1_250_000_000)),
        ("five thousand", (4500, 5000, 5500)),
        ("a million", (900_000, 1_000_000, 1_100_000)),
        ("one hundred and fifty thousand", (145_000, 150_000, 155_000)),
        ("twenty-five", (25, 25, 25)),
        ("Twenty five", (25, 25, 25)),
        ("three hundred", (300, 300, 300)),
        ("fifteen hundred", (1500, 1500, 1500)),
        ("a dozen", (12, 12, 12)),
        ("two dozen", (24, 24, 24)),
        ("about a dozen", (11.4, 12, 12.6)),
    ],
)
def test_magnitudes_and_number_words(phrase: str, expected: tuple[float, float, float]) -> None:
    assert ends(parse(phrase)) == pytest.approx(expected)


# -- stated precision: a plain number is read as it was printed ------------------------------


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        # Trailing groups of three zeros are rounding: half a unit of the largest power of
        # 1,000 dividing the number, at most 10% of it.
        ("547,000", (546_500, 547_000, 547_500)),
        ("370,000", (369_500, 370_000, 370_500)),
        ("242,000", (241_500, 242_000, 242_500)),
        ("5,000,000", (4_500_000, 5_000_000, 5_500_000)),
        ("1,000,000", (900_000, 1_000_000, 1_100_000)),
        ("5,000", (4500, 5000, 5500)),
        ("5000", (4500, 5000, 5500)),
        ("2,000", (1800, 2000, 2200)),
        ("10,000", (9500, 10_000, 10_500)),
        ("867,500", (867_500, 867_500, 867_500)),
        # No group of three zeros, or a decimal point: exact.
        ("9,606", (9606, 9606, 9606)),
        ("4,645", (4645, 4645, 4645)),
        ("600", (600, 600, 600)),
        ("16", (16, 16, 16)),
        ("1,500", (1500, 1500, 1500)),
        ("0", (0, 0, 0)),
        ("2.5", (2.5, 2.5, 2.5)),
        ("5,000.0", (5000, 5000, 5000)),
        ("$547,000", (546_500, 547_000, 547_500)),
        ("547,000 refugees", (546_500, 547_000, 547_500)),
    ],
)
def test_a_plain_numeral_is_read_at_the_precision_it_was_printed_with(
    phrase: str, expected: tuple[float, float, float]
) -> None:
    figure = parse(phrase)
    assert ends(figure) == expected
    assert figure.hedge is None


def test_rounded_parts_add_up_to_a_rounded_total_without_contradiction() -> None:
    # The issue's situation report: 547,000 + 242,000 + 79,000 against a total of 867,500.
    parts = [parse(text, counts="refugees/" + name) for text, name in [("547,000", "a"), ("242,000", "b")]]
    parts.append(parse("79,000", counts="refugees/c"))
    total = rc.total(parts, counts="refugees")
    assert total.low <= 867_500 <= total.high


def test_exactly_keeps_a_round_number_exact() -> None:
    figure = parse("exactly 547,000")
    assert ends(figure) == (547_000, 547_000, 547_000)
    assert figure.hedge == "exactly"
    assert ends(parse("exactly 97%")) == (0.97, 0.97, 0.97)
    assert ends(parse("exactly half")) == (0.5, 0.5, 0.5)


def test_exactly_cannot_stand_before_a_range() -> None:
    with pytest.raises(ParseError, match="'exactly' cannot stand before a range"):
        parse("exactly 3,000 to 5,000")


def test_a_lexicon_can_read_every_plain_numeral_and_percentage_as_exact() -> None:
    counted = dataclasses.replace(DEFAULT, trailing_zeros="exact", percentages="exact")
    assert parse("547,000", lexicon=counted).is_exact
    assert parse("97%", lexicon=counted).is_exact
    assert ends(parse("about 97%", lexicon=counted)) == (0.95, 0.97, 0.99)
    assert not parse("1 million", lexicon=counted).is_exact  # a magnitude word still rounds


def test_a_lexicon_switch_takes_only_rounding_or_exact() -> None:
    with pytest.raises(ArgumentError, match="trailing_zeros must be 'rounding' or 'exact'"):
        dataclasses.replace(DEFAULT, trailing_zeros="counted")  # type: ignore[arg-type]


def test_a_number_with_a_magnitude_keeps_the_rounding_of_its_last_digit() -> None:
    assert not parse("5 thousand").is_exact
    assert ends(parse("370 thousand")) == (365_000, 370_000, 375_000)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("dozens", (24, 48, 100)),
        ("hundreds", (200, 400, 1000)),
        ("thousands", (2000, 4000, 10_000)),
        ("tens of thousands", (20_000, 40_000, 100_000)),
        ("hundreds of thousands", (200_000, 400_000, 1_000_000)),
        ("several thousand", (3000, 5000, 9000)),
        ("a few hundred", (200, 300, 500)),
        ("several", (3, 5, 9)),
    ],
)
def test_quantity_words_read_from_the_default_table(
    phrase: str, expected: tuple[float, float, float]
) -> None:
    figure = parse(phrase)
    assert ends(figure) == expected
    assert figure.hedge == phrase


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("tens", (10, 10, 100)),
        ("dozens", (12, 12, 100)),
        ("hundreds", (100, 100, 1000)),
        ("tens of thousands", (10_000, 10_000, 100_000)),
    ],
)
def test_the_conservative_table_reads_quantity_words_as_acled_does(
    phrase: str, expected: tuple[float, float, float]
) -> None:
    assert ends(parse(phrase, lexicon=Lexicon.conservative())) == expected


def test_quantity_words_take_a_noun_after_of() -> None:
    figure = parse("dozens of fighters")
    assert (figure.counts, figure.unit) == ("fighters", "person")
    assert parse("tens of thousands of people").high == 100_000


def test_a_hedge_cannot_stand_before_a_quantity_word() -> None:
    with pytest.raises(ParseError, match="quantity word 'dozens'"):
        parse("about dozens")


# -- shares --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("phrase", "share"),
    [("half", 0.5), ("a third", 1 / 3), ("two-thirds", 2 / 3), ("a quarter", 0.25), ("three quarters", 0.75)],
)
def test_fraction_words_are_dimensionless_shares_rounded_by_a_tenth(phrase: str, share: float) -> None:
    figure = parse(phrase)
    assert figure.unit == "dimensionless"
    assert figure.value == share
    assert (figure.low, figure.high) == pytest.approx((0.9 * share, 1.1 * share))


@pytest.mark.parametrize("phrase", ["40%", "40 %", "40 percent", "40 per cent", "forty percent"])
def test_a_percentage_is_a_fraction_rounded_to_its_last_digit(phrase: str) -> None:
    figure = parse(phrase)
    assert ends(figure) == (0.395, 0.4, 0.405)
    assert figure.unit == "dimensionless"


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("97%", (0.965, 0.97, 0.975)),
        ("100%", (0.995, 1.0, 1.0)),
        ("0%", (0.0, 0.0, 0.0)),
        ("2%", (0.018, 0.02, 0.022)),  # half a point is 25% of 2%: capped at 10%
        ("97.5%", (0.9745, 0.975, 0.9755)),
    ],
)
def test_plain_percentages_round_in_points(phrase: str, expected: tuple[float, float, float]) -> None:
    assert ends(parse(phrase)) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("about 97 percent", (0.95, 0.97, 0.99)),
        ("about 40%", (0.38, 0.4, 0.42)),
        ("some 40%", (0.38, 0.4, 0.42)),
        ("about 99%", (0.97, 0.99, 1.0)),
        ("almost 97 percent", (0.95, 0.97, 0.97)),
        ("just under 50%", (0.49, 0.5, 0.5)),
        ("just over 50%", (0.5, 0.5, 0.51)),
        ("about 5%", (0.045, 0.05, 0.055)),  # within two points already: the shares decide
        ("about ninety-seven percent", (0.95, 0.97, 0.99)),
    ],
)
def test_a_closeness_hedge_moves_a_percentage_a_point_or_two(
    phrase: str, expected: tuple[float, float, float]
) -> None:
    assert ends(parse(phrase)) == pytest.approx(expected)


def test_about_half_is_not_a_percentage_and_keeps_its_shares() -> None:
    assert ends(parse("about half")) == pytest.approx((0.45, 0.5, 0.55))


def test_about_half_and_nearly_half() -> None:
    assert ends(parse("about half")) == pytest.approx((0.45, 0.5, 0.55))
    assert ends(parse("nearly half")) == pytest.approx((0.45, 0.5, 0.5))


def test_more_than_half_stays_within_one() -> None:
    assert ends(parse("more than half")) == (0.5, 0.5, 1.0)


def test_up_to_40_percent_starts_at_zero() -> None:
    assert ends(parse("up to 40%")) == (0, 0.4, 0.4)


def test_about_99_percent_is_cut_at_one() -> None:
    assert parse("about 99%").high == 1.0


def test_a_percentage_above_100_is_refused() -> None:
    with pytest.raises(ParseError, match="more than 100%"):
        parse("150%")


def test_a_share_cannot_count_a_noun() -> None:
    with pytest.raises(ParseError, match="share cannot count 'residents'") as caught:
        parse("half of residents")
    assert caught.value.position == 8


# -- units and what is counted -------------------------------------------------------------


@pytest.mark.parametrize(
    ("noun", "unit", "counts"),
    [
        ("people", "person", None),
        ("persons", "person", None),
        ("residents", "person", "residents"),
        ("troops", "person", "troops"),
        ("militants", "person", "militants"),
        ("fighters", "person", "fighters"),
        ("families", "family", None),
        ("households", "household", None),
        ("children", "person", "children"),
        ("tonnes", "metric_ton", None),
        ("deaths", "person", "deaths"),
        ("killed", "person", "deaths"),
        ("fatalities", "person", "deaths"),
        ("people killed", "person", "deaths"),
        ("casualties", "person", "casualties"),
        ("wounded", "person", "injured"),
        ("missing", "person", "missing"),
        ("displaced", "person", "displaced"),
        ("IDPs", "person", "idps"),
        ("internally displaced people", "person", "idps"),
        ("migrants", "person", "migrants"),
        ("arrivals", "person", "arrivals"),
        ("returnees", "person", "returnees"),
        ("asylum seekers", "person", "asylum_seekers"),
        ("homes", "building", "homes"),
        ("houses", "building", "homes"),
        ("schools", "building", "schools"),
        ("buildings", "building", None),
    ],
)
def test_the_noun_sets_unit_and_counts(noun: str, unit: str, counts: str | None) -> None:
    figure = parse(f"7,619 {noun}")
    assert (figure.value, figure.unit, figure.counts) == (7619, unit, counts)


def test_people_and_buildings_cannot_be_added_without_saying_how() -> None:
    with pytest.raises(UnitError):
        rc.total([parse("300 homes"), parse("1,200 displaced")], counts="damage")


def test_a_dollar_sign_makes_usd() -> None:
    figure = parse("$1.2 million")
    assert figure.unit == "USD"
    assert ends(figure) == (1_150_000, 1_200_000, 1_250_000)


def test_counts_argument_overrides_the_noun() -> None:
    assert parse("about 5,000 troops", counts="troops/us").counts == "troops/us"


def test_unit_argument_sets_the_unit_of_a_phrase_without_a_noun() -> None:
    assert parse("7,619", unit="families").unit == "family"


def test_unit_argument_agreeing_with_the_noun_is_accepted() -> None:
    assert parse("5,000 people", unit="persons").unit == "person"


def test_unit_argument_conflicting_with_the_noun_is_a_parse_error_at_the_noun() -> None:
    with pytest.raises(ParseError, match=r"the phrase is in family, but unit='person'") as caught:
        parse("7,619 families", unit="person")
    assert caught.value.position == 6


def test_unit_argument_conflicting_with_a_share_is_a_parse_error() -> None:
    with pytest.raises(ParseError, match="dimensionless"):
        parse("half", unit="person")


def test_a_currency_sign_and_a_noun_of_another_unit_conflict() -> None:
    with pytest.raises(ParseError, match="'people' is counted in person, but the currency sign gives USD"):
        parse("$5 million people")


def test_an_unknown_unit_argument_is_a_unit_error() -> None:
    with pytest.raises(UnitError):
        parse("5,000", unit="camels")


# -- source --------------------------------------------------------------------------------


def test_a_source_object_keeps_its_fields_and_gains_the_quote() -> None:
    given_source = Source(name="CNN", date=dt.date(2016, 10, 17), url="https://example.org/mosul")
    figure = parse("about 5,000", source=given_source)
    assert figure.source == given_source.replace(quote="about 5,000")


def test_via_sets_the_channel_of_a_source_object() -> None:
    figure = parse("about 5,000", source=Source(name="U.S. officials", via="Reuters"), via="CNN")
    assert figure.source is not None
    assert figure.source.via == "CNN"


def test_a_phrase_without_a_source_still_keeps_its_quote() -> None:
    figure = parse("  about 5,000 ")
    assert figure.source == Source(quote="about 5,000")


def test_a_source_of_the_wrong_type_is_an_argument_error() -> None:
    with pytest.raises(ArgumentError, match="source must be"):
        parse("5,000", source=42)  # type: ignore[arg-type]


def test_case_and_whitespace_between_words_do_not_matter() -> None:
    figure = parse("About  5,000\u00a0Militants")
    assert (ends(figure), figure.hedge, figure.counts) == ((4500, 5000, 5500), "about", "militants")


# -- bad input -----------------------------------------------------------------------------

BAD = [
    ("", 0, "the phrase is empty"),
    ("   ", 0, "the phrase is empty"),
    ("many", 0, "'many' does not start a figure phrase"),
    ("unknown", 0, "'unknown' does not start a figure phrase"),
    ("5,000 to 3,000", 9, "the range runs backwards"),
    ("1e400", 1, "cannot read 'e400' at character 1"),
    ("1" * 40_000, MAX_LENGTH, "40000 characters long"),
    ("about", 5, "no number after 'about'"),
    ("about x", 6, "no number after 'about'"),
    ("5,000 cats in Mosul", 11, "cannot read 'in'"),
    ("−5,000", 0, "'−5,000' does not start a figure phrase"),
    ("é中文", 0, "does not start a figure phrase"),
    ("1234567890123456", 0, "too large"),
    ("123456789012345.5", 0, "more digits than the 15"),
    ("1,000,000,000,000,000", 0, "too large"),
    ("ninety-nine hundred trillion", 0, "too large"),
    ("cinq mille", 0, "other languages are not read"),
]


@pytest.mark.parametrize(("text", "position", "message"), BAD, ids=[repr(text[:20]) for text, _, _ in BAD])
def test_bad_input_is_a_parse_error_with_text_position_and_hint(
    text: str, position: int, message: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    error = caught.value
    assert isinstance(error, ValueError)
    assert isinstance(error, ReconcileError)
    assert error.text == text
    assert error.position == position
    assert message in str(error)
    assert str(error).endswith(error.hint)


NUMBER_WORDS = [
    ("twenty five thirty", 12, "'twenty five thirty'"),
    ("2 thousand six hundred", 11, "'2 thousand six hundred'"),
    ("two hundred hundred", 12, "'two hundred hundred'"),
    ("two thousand thousand people", 13, "'two thousand thousand'"),
    ("five twenty", 5, "'five twenty'"),
    ("a million two million", 14, "'a million two million'"),
]

#: Number words of more than one magnitude, as English says them, and the figure each is.
SPELLED = [
    ("two thousand six hundred forty five", (2645, 2645, 2645)),
    ("about two thousand and six people", (1905.7, 2006, 2106.3)),
    ("a million two hundred thousand", (1_150_000, 1_200_000, 1_250_000)),
    ("one hundred and twenty-five thousand", (124_500, 125_000, 125_500)),
    ("twenty six million and seventy two hundred", (26_007_200, 26_007_200, 26_007_200)),
    ("three million, two hundred & forty", (3_000_240, 3_000_240, 3_000_240)),
    ("two and a half million", (2_450_000, 2_500_000, 2_550_000)),
    ("a million and a half", (1_450_000, 1_500_000, 1_550_000)),
    ("seventy-five thousands", (74_500, 75_000, 75_500)),
    ("twenty-six hundred", (2600, 2600, 2600)),
    ("million people", (900_000, 1_000_000, 1_100_000)),
    ("one thousand crore", (9e9, 1e10, 1.1e10)),
    ("3.65 lakh", (364_500, 365_000, 365_500)),
    ("2 crore", (18_000_000, 20_000_000, 22_000_000)),
]


@pytest.mark.parametrize(("text", "ends"), SPELLED)
def test_number_words_of_any_length_read_as_english_says_them(text: str, ends: tuple[float, ...]) -> None:
    figure = parse(text)
    assert (figure.low, figure.value, figure.high) == pytest.approx(ends, rel=1e-12)
    (row,) = parse_many([text])[["low", "value", "high"]].itertuples(index=False)
    assert tuple(row) == (figure.low, figure.value, figure.high)


@pytest.mark.parametrize(("text", "position", "words"), NUMBER_WORDS)
def test_number_words_that_cannot_be_combined_say_so_and_hint_at_digits(
    text: str, position: int, words: str
) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    error = caught.value
    assert error.position == position
    assert error.problem.startswith(f"cannot combine the number words {words}")
    assert "digits" in error.hint
    assert "noun" not in str(error)
    (row,) = parse_many([text])["error"]
    assert row == str(error)


def test_a_word_that_is_not_a_noun_after_a_number_is_unread_with_a_hint() -> None:
    with pytest.raises(ParseError, match=r"one figure per phrase") as caught:
        parse("five thousand cats in Mosul")
    assert caught.value.reason is rc.Reason.UNKNOWN_NOUN and caught.value.position == 19


def test_a_parse_error_survives_pickling() -> None:
    with pytest.raises(ParseError) as caught:
        parse("5,000 cats in Mosul")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (copy.text, copy.position, str(copy)) == ("5,000 cats in Mosul", 11, str(caught.value))


def test_a_long_message_shows_the_start_of_the_phrase_only() -> None:
    with pytest.raises(ParseError) as caught:
        parse("5,000 " + "x" * 150)
    assert "xxx…" in str(caught.value)
    assert len(str(caught.value)) < 300


def test_text_that_is_not_a_string_is_an_argument_error() -> None:
    with pytest.raises(ArgumentError, match="text must be a string"):
        parse(5000)  # type: ignore[arg-type]


# -- linear time ---------------------------------------------------------------------------

ADVERSARIAL = ["1" * 40_000, "about " * 10_000 + "x", "1," * 20_000, " " * 40_000 + "x", "1 to " * 8_000]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=[repr(text[:12]) for text in ADVERSARIAL])
def test_long_adversarial_input_fails_fast(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(ParseError):
        parse(text)
    table = parse_many([text, text[:MAX_LENGTH], text[: MAX_LENGTH // 2]])
    # A ceiling far above the microseconds this takes, so a slow machine does not flake.
    assert time.perf_counter() - start < 1.0
    assert table["error"].notna().all()


def _slowest(run: Callable[[], object]) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


@pytest.mark.parametrize("unit", [" ", "1", "1,", "about ", "1 to ", "twenty-", "tens of "])
def test_the_phrase_patterns_take_time_linear_in_the_text_even_past_the_length_limit(unit: str) -> None:
    grammar = grammar_for(DEFAULT)
    short, long_ = unit * (10_000 // len(unit)) + "x", unit * (40_000 // len(unit)) + "x"

    def match(text: str) -> Callable[[], object]:
        return lambda: (grammar.full.match(text), grammar.diagnose.match(text))

    # Four times the text takes about four times as long; quadratic would take sixteen.
    assert _slowest(match(long_)) < 10 * _slowest(match(short)) + 0.005


def read(text: str) -> Figure | ParseError:
    """The figure a phrase reads as, or the ParseError it raises (any other error escapes)."""
    try:
        return parse(text)
    except ParseError as error:
        return error


@given(st.text())
def test_any_text_gives_a_figure_or_a_parse_error(text: str) -> None:
    result = read(text)
    if isinstance(result, ParseError):
        assert result.text == text
        assert 0 <= result.position <= len(text)
    else:
        assert result.low <= result.value <= result.high


# -- parse_many ----------------------------------------------------------------------------

COLUMNS = [
    "text",
    "low",
    "value",
    "high",
    "unit",
    "hedge",
    "counts",
    "place",
    "as_of",
    "source",
    "via",
    "error",
    "reason",
    "problem",
    "hint",
]

# The issue's phrase kinds, the Mosul phrases, and bad input: parse_many must read each
# as parse does, errors included.
FIXED = [
    "about 5,000",
    "about 5,120",
    "at least 7,000",
    "as many as 100,000",
    "some 3,600",
    "approximately 3,600",
    "600",
    "9,606",
    "547,000",
    "370,000",
    "5000",
    "5,000,000",
    "5,000.0",
    "exactly 547,000",
    "exactly 97%",
    "exactly 3,000 to 5,000",
    "97%",
    "97.5%",
    "100%",
    "0%",
    "about 97 percent",
    "almost 97 percent",
    "just over 50%",
    "some 40%",
    "about ninety-seven percent",
    "1,200 killed",
    "300 homes",
    "2,000 internally displaced people",
    "1 million",
    "1.5 million",
    "2.9m",
    "half",
    "about half",
    "more than half",
    "a third",
    "two-thirds",
    "a quarter",
    "40%",
    "40 percent",
    "3,000 to 5,000",
    "3,000-5,000",
    "3,000–5,000",
    "between 3,000 and 5,000",
    "from 9,000 to 11,000",
    "1.8 to 2.3 million",
    "300 to 2 million",
    "30-40%",
    "an estimated 3,000 to 5,000",
    "more than 2,000",
    "nearly 1 million",
    "almost half",
    "close to 2,000",
    "just under 5,000",
    "just over 5,000",
    "an estimated 7,619 families",
    "five thousand",
    "twenty-five",
    "a dozen",
    "dozens",
    "hundreds",
    "several thousand",
    "thousands",
    "tens of thousands",
    "hundreds of thousands of people",
    "7,619 families",
    "$1.2 million",
    "up to $5m",
    "about 20 tonnes",
    "no more than 300 households",
    "About  5,000\u00a0Militants",
    "",
    "   ",
    "many",
    "unknown",
    "5,000 to 3,000",
    "1e400",
    "1" * 40_000,
    "about",
    "5,000 cats in Mosul",
    "3,000 and 5,000",
    "from 3 and 5",
    "nearly 3,000 to 5,000",
    "about dozens",
    "half of residents",
    "$5 million people",
    "150%",
    "1234567890123456",
    "0.999999999999999 dozen",
    "ninety-nine hundred trillion",
    "é中文",
    "two thousand six hundred forty five",
    "about five thousand and six people",
    "2 thousand six hundred",
]


def row_as_parse_reads_it(text: object, **scope: Any) -> tuple[object, ...]:
    """What parse gives for one phrase, in the shape of a parse_many row."""
    try:
        figure = parse(text, **scope)  # type: ignore[arg-type]
    except ParseError as error:
        return (math.nan, math.nan, math.nan, None, None, None, str(error))
    return (figure.low, figure.value, figure.high, figure.unit, figure.hedge, figure.counts, None)


def rows_of(table: pd.DataFrame) -> list[tuple[object, ...]]:
    columns = ["low", "value", "high", "unit", "hedge", "counts", "error"]
    return [tuple(row) for row in table[columns].itertuples(index=False)]


def same(a: tuple[object, ...], b: tuple[object, ...]) -> bool:
    def equal(x: object, y: object) -> bool:
        if isinstance(x, float) and isinstance(y, float) and math.isnan(x) and math.isnan(y):
            return True
        return x == y and type(x is None) is type(y is None)

    return len(a) == len(b) and all(equal(x, y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("unit", [None, "household", "dimensionless", "USD"])
def test_parse_many_reads_the_fixed_phrases_exactly_as_parse(unit: str | None) -> None:
    table = parse_many(FIXED, unit=unit)
    for text, row in zip(FIXED, rows_of(table), strict=True):
        assert same(row, row_as_parse_reads_it(text, unit=unit)), text[:40]


def test_parse_many_keeps_order_and_index() -> None:
    texts = pd.Series(["600", "about 5,000", "many"], index=["c", "a", "b"])
    table = parse_many(texts)
    assert list(table.columns) == COLUMNS
    assert list(table.index) == ["c", "a", "b"]
    assert list(table["text"]) == ["600", "about 5,000", "many"]
    assert list(table["value"][:2]) == [600, 5000]


def test_parse_many_keeps_an_unreadable_row_with_its_error_and_no_numbers() -> None:
    table = parse_many(["about 5,000", "many", "at least 7,000"])
    assert len(table) == 3
    assert table["error"].isna().tolist() == [True, False, True]
    assert table.loc[1, ["low", "value", "high"]].isna().all()
    assert str(table.loc[1, "error"]).startswith("'many' does not start a figure phrase")


def test_parse_many_gives_rows_without_text_an_error() -> None:
    table = parse_many([None, 5000, math.nan, "5,000"])
    assert table["error"].notna().tolist() == [True, True, True, False]
    assert str(table.loc[0, "error"]).startswith("the row holds no text")


def test_parse_many_with_errors_raise_lists_every_bad_row() -> None:
    texts = pd.Series(["about 5,000", "many", "5,000 to 3,000"], index=[10, 11, 12])
    with pytest.raises(ParseError) as caught:
        parse_many(texts, errors="raise")
    message = str(caught.value)
    assert message.startswith("2 of 3 phrases cannot be read")
    assert "row 11: 'many' does not start" in message
    assert "row 12: the range runs backwards: '5,000' is above '3,000'" in message
    assert (caught.value.text, caught.value.position) == ("many", 0)
    assert list(caught.value.failures.index) == [11, 12]


def test_parse_many_without_bad_rows_does_not_raise() -> None:
    assert parse_many(["about 5,000"], errors="raise")["error"].isna().all()


def test_parse_many_fills_the_scope_columns() -> None:
    table = parse_many(
        ["about 5,000 troops", "5,000 troops"],
        counts="troops/us",
        source=Source(name="U.S. officials", via="Reuters"),
        via="CNN",
        place="Iraq",
        as_of="2016-10-17",
    )
    row = table.iloc[0]
    assert (row["counts"], row["place"], row["source"], row["via"]) == (
        "troops/us",
        "Iraq",
        "U.S. officials",
        "CNN",
    )
    assert str(row["as_of"]) == "2016-10-17"


def test_parse_many_takes_counts_from_the_noun_when_not_given() -> None:
    assert parse_many(["5,000 militants", "5,000"])["counts"].tolist() == ["militants", None]


def test_parse_many_does_not_change_its_input() -> None:
    texts = pd.Series(["about 5,000", None])
    before = texts.copy()
    parse_many(texts)
    pd.testing.assert_series_equal(texts, before)


def test_parse_many_of_nothing_is_an_empty_table() -> None:
    table = parse_many([])
    assert list(table.columns) == COLUMNS
    assert len(table) == 0


def test_parse_many_refuses_an_unknown_errors_mode() -> None:
    with pytest.raises(ArgumentError, match="errors must be"):
        parse_many(["5,000"], errors="ignore")  # type: ignore[arg-type]


def test_parse_many_reads_a_string_dtype_column() -> None:
    table = parse_many(pd.Series(["about 5,000", "many"], dtype="string"))
    assert table["value"].tolist()[0] == 5000
    assert table["error"].notna().tolist() == [False, True]


# -- parse_many agrees with parse: properties ----------------------------------------------


def round_numbers() -> st.SearchStrategy[int]:
    """Whole numbers that end in zeros, some in groups of three: the numerals that round."""
    return st.builds(lambda digits, zeros: digits * 10**zeros, st.integers(0, 10**5), st.integers(0, 9))


def numerals() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 10**13).map(str),
        st.integers(1000, 10**13).map(lambda number: f"{number:,}"),
        round_numbers().map(str),
        round_numbers().map(lambda number: f"{number:,}"),
        st.builds(lambda whole, part: f"{whole}.{part}", st.integers(0, 10**7), st.integers(0, 10**6)),
        st.builds(
            lambda whole, part: f"{whole}.{part}", st.integers(0, 100), st.sampled_from(["0", "5", "25"])
        ),
        st.sampled_from(
            ["0", "0.5", "007", "1,0000", "12.", "1e400", "9" * 15, "9" * 16, "0.000000000000001"]
        ),
        st.sampled_from(["000000000000000000040", "0.970000000000000", "5,000.000", "100", "1,000,000,000"]),
    )


def amounts() -> st.SearchStrategy[str]:
    suffixes = st.sampled_from(
        [
            "",
            "",
            "",
            " million",
            "m",
            "k",
            "bn",
            " thousand",
            " trillion",
            " dozen",
            " hundred",
            "%",
            " percent",
        ]
    )
    currencies = st.sampled_from(["", "", "", "$", "US$", "USD "])
    numeral = st.builds(lambda sign, digits, suffix: sign + digits + suffix, currencies, numerals(), suffixes)
    number_words = st.sampled_from(sorted(grammar_for(DEFAULT).numbers))
    hundreds = st.builds(
        lambda first, joiner, second: f"{first} hundred{joiner}{second}".rstrip(),
        number_words,
        st.sampled_from(["", " ", " and "]),
        st.sampled_from(["", "twenty-five", "fifty", "nine"]),
    )
    words = st.builds(
        lambda number, suffix: f"{number} {suffix}".strip(),
        st.one_of(number_words, hundreds),
        st.sampled_from(["", "", "thousand", "million", "trillion", "dozen", "percent"]),
    )
    separators = st.sampled_from(["to", "-", "–", "and", " - "])
    ranges = st.builds(
        lambda opener, first, sep, second: f"{opener}{first} {sep} {second}",
        st.sampled_from(["", "", "between ", "from "]),
        numeral,
        separators,
        numeral,
    )
    return st.one_of(
        numeral,
        words,
        ranges,
        st.sampled_from(sorted(DEFAULT.fractions)),
        st.sampled_from(sorted(grammar_for(DEFAULT).quantities)),
    )


def phrases() -> st.SearchStrategy[str]:
    """Phrases built from the lexicon's words, sometimes mangled into near misses."""
    built = st.builds(
        lambda hedge, amount, noun: " ".join(part for part in (hedge, amount, noun) if part),
        st.sampled_from(["", "", *DEFAULT.hedges]),
        amounts(),
        st.sampled_from(["", "", "", "of people", *DEFAULT.nouns]),
    )

    def mangle(text: str, data: st.DataObject) -> str:
        how = data.draw(st.sampled_from(["keep", "keep", "upper", "spaces", "cut", "insert"]))
        if how == "upper":
            return text.upper()
        if how == "spaces":
            return text.replace(" ", data.draw(st.sampled_from(["  ", "\u00a0", "\t", " \n "])))
        if how in ("cut", "insert") and text:
            at = data.draw(st.integers(0, len(text)))
            if how == "cut":
                return text[:at] + text[at + 1 :]
            return text[:at] + data.draw(st.sampled_from(list(" ,.-%$a1x"))) + text[at:]
        return text

    return st.builds(mangle, built, st.data())


@given(
    st.lists(phrases(), min_size=1, max_size=12),
    st.sampled_from([None, "person", "household", "dimensionless"]),
)
def test_parse_many_agrees_with_parse_on_generated_phrases(texts: list[str], unit: str | None) -> None:
    table = parse_many(texts, unit=unit)
    for text, row in zip(texts, rows_of(table), strict=True):
        assert same(row, row_as_parse_reads_it(text, unit=unit)), text


@given(st.lists(st.text(), max_size=8))
def test_parse_many_agrees_with_parse_on_any_text(texts: list[str]) -> None:
    table = parse_many(texts)
    for text, row in zip(texts, rows_of(table), strict=True):
        assert same(row, row_as_parse_reads_it(text)), text


@given(phrases())
def test_a_phrase_built_from_the_lexicon_gives_a_figure_or_a_parse_error(text: str) -> None:
    result = read(text)
    if isinstance(result, ParseError):
        assert 0 <= result.position <= len(text)
    else:
        assert 0 <= result.low <= result.value <= result.high
        if result.unit == "dimensionless":  # only shares are, when unit= is not given
            assert result.high <= 1


@given(
    st.integers(0, 10**14),
    st.integers(-17, 5),
    st.integers(0, 100),
    st.integers(0, 100),
)
def test_the_column_arithmetic_rounds_outward_exactly_as_figure_about(
    mantissa: int, exponent: int, first: int, second: int
) -> None:
    from reconcile import _interval
    from reconcile.phrases.numbers import about as column_about

    value = float(Fraction(mantissa) * Fraction(10) ** exponent)
    low_share, high_share = sorted((first, second))
    low, high = column_about(
        np.array([value]),
        np.array([_interval.rounding_unit(value)]),
        np.array([low_share]),
        np.array([high_share]),
    )
    about = Figure.about(value, min_share=low_share / 100, max_share=high_share / 100, unit="dimensionless")
    assert (low[0], high[0]) == (about.low, about.high)


@given(
    st.integers(0, 10**14),
    st.integers(-17, 5),
    st.integers(-19, 12),
    st.integers(0, 100),
    st.integers(0, 100),
)
def test_the_scalar_rounding_to_a_given_unit_is_the_column_arithmetic(
    mantissa: int, exponent: int, unit_exponent: int, first: int, second: int
) -> None:
    from reconcile.phrases.numbers import about as column_about
    from reconcile.phrases.numbers import around

    value = float(Fraction(mantissa) * Fraction(10) ** exponent)
    unit = float(Fraction(10) ** unit_exponent)
    low_share, high_share = sorted((first, second))
    shares = np.array([low_share]), np.array([high_share])
    low, high = column_about(np.array([value]), np.array([unit]), *shares)
    assert (low[0], high[0]) == around(value, unit, low_share / 100, high_share / 100)
    assert low[0] <= value <= high[0]


@given(round_numbers(), st.booleans())
def test_a_plain_whole_numeral_holds_its_value_within_its_rounding(number: int, grouped: bool) -> None:
    figure = parse(f"{number:,}" if grouped else str(number))
    assert figure.low <= figure.value == number <= figure.high
    groups = 0
    while number and number % 1000 ** (groups + 1) == 0:
        groups += 1
    half = min(1000**groups / 2, number / 10) if groups else 0
    assert figure.value - figure.low == pytest.approx(half)
    assert figure.high - figure.value == pytest.approx(half)


@given(
    st.lists(
        st.tuples(
            st.one_of(round_numbers(), st.integers(0, 10**14)).map(float),
            st.sampled_from([None, "", "exactly", "about", "nearly", "at least", "up to", "Exactly "]),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_a_bare_value_reads_as_the_phrase_its_hedge_and_digits_print(
    rows: list[tuple[float, str | None]],
) -> None:
    values, hedges = zip(*rows, strict=True)
    low, high = value_ranges(list(values), list(hedges))
    for value, hedge, row_low, row_high in zip(values, hedges, low, high, strict=True):
        figure = parse(f"{hedge or ''} {value:.0f}".strip())
        assert (row_low, row_high) == (figure.low, figure.high)
        assert row_low <= value <= row_high


def test_a_bare_value_no_phrase_prints_is_exact_unless_its_hedge_cannot_be_read() -> None:
    values = [-5000.0, 0.1 + 0.2, 1e16, math.nan, 5000.0]
    low, high = value_ranges(values, [None, None, None, None, "famously"])
    assert low[:3].tolist() == [-5000.0, 0.1 + 0.2, 1e16]
    assert high[:3].tolist() == [-5000.0, 0.1 + 0.2, 1e16]
    assert np.isnan(low[3:]).all() and np.isnan(high[3:]).all()


def test_a_bare_value_is_read_by_the_lexicon_given() -> None:
    counted = dataclasses.replace(DEFAULT, trailing_zeros="exact")
    assert value_ranges([547_000.0], lexicon=counted)[0].tolist() == [547_000.0]
    assert value_ranges([547_000.0])[0].tolist() == [546_500.0]


# -- the lexicon ---------------------------------------------------------------------------


def test_the_default_lexicon_is_loaded_once_from_the_shipped_file() -> None:
    assert Lexicon.default() is Lexicon.default()
    assert "about" in Lexicon.default().hedges


def test_with_hedge_returns_a_new_lexicon_and_leaves_the_default_alone() -> None:
    extended = DEFAULT.with_hedge("circa", "around", min_share=0.05, max_share=0.10)
    assert "circa" in extended.hedges
    assert "circa" not in Lexicon.default().hedges
    assert ends(parse("circa 5,000", lexicon=extended)) == (4500, 5000, 5500)
    with pytest.raises(ParseError):
        parse("circa 5,000")


def test_with_hedge_can_change_an_existing_rule() -> None:
    tight = DEFAULT.with_hedge("about", "around", min_share=0.01, max_share=0.02)
    assert ends(parse("about 5,000", lexicon=tight)) == (4900, 5000, 5100)


@pytest.mark.parametrize(
    ("rule", "shares", "message"),
    [
        ("roughly", {}, "unknown hedge rule"),
        ("floor", {"min_share": 0.05}, "has no shares"),
        ("around", {"min_share": 0.2, "max_share": 0.1}, "min_share <= max_share"),
        ("around", {"min_share": 0.055}, "whole hundredths"),
        ("around", {"max_share": 1.5}, "whole hundredths"),
        ("floor", {"points": 2}, "has no shares or points"),
        ("exact", {"min_share": 0.05}, "has no shares or points"),
        ("around", {"points": 0}, "whole number of percentage points"),
        ("around", {"points": 1.5}, "whole number of percentage points"),
    ],
)
def test_with_hedge_refuses_a_bad_rule(rule: str, shares: dict[str, float], message: str) -> None:
    with pytest.raises(ArgumentError, match=message):
        DEFAULT.with_hedge("circa", rule, **shares)  # type: ignore[arg-type]


def test_with_noun_and_with_quantity_extend_the_lexicon() -> None:
    lexicon = DEFAULT.with_noun("IDPs", unit="person", counts="idps").with_quantity(
        "scores", low=40, value=60, high=100
    )
    assert parse("7,619 IDPs", lexicon=lexicon).counts == "idps"
    assert ends(parse("scores of idps", lexicon=lexicon)) == (40, 60, 100)


def test_with_quantity_refuses_a_range_that_runs_backwards() -> None:
    with pytest.raises(ArgumentError, match="low <= value <= high"):
        DEFAULT.with_quantity("scores", low=100, value=60, high=40)


def test_the_lexicon_tables_cannot_be_changed_in_place() -> None:
    with pytest.raises(TypeError):
        DEFAULT.hedges["circa"] = Hedge(rule="around")  # type: ignore[index]
    with pytest.raises(AttributeError):
        DEFAULT.hedges = {}  # type: ignore[misc]


def test_a_lexicon_loads_from_a_file_of_the_same_layout(tmp_path: Path) -> None:
    from importlib import resources

    shipped = (resources.files("reconcile") / "lexicon.toml").read_text(encoding="utf-8")
    path = tmp_path / "lexicon.toml"
    path.write_text(shipped.replace('"approximately" =', '"approx." ='), encoding="utf-8")
    lexicon = Lexicon.load(path)
    assert ends(parse("approx. 3,600", lexicon=lexicon)) == (3420, 3600, 3780)
    assert Lexicon.load(path, reading="conservative").quantities["tens"] == QuantityWord(
        low=10, value=10, high=100
    )


def test_a_lexicon_file_without_the_plain_switches_rounds_as_the_shipped_one(tmp_path: Path) -> None:
    from importlib import resources

    shipped = (resources.files("reconcile") / "lexicon.toml").read_text(encoding="utf-8")
    older = re.sub(r'^(trailing_zeros|percentages) = "rounding"\n', "", shipped, flags=re.MULTILINE)
    assert older != shipped
    path = tmp_path / "lexicon.toml"
    path.write_text(older, encoding="utf-8")
    assert Lexicon.load(path) == Lexicon.default()
    counted = shipped.replace('trailing_zeros = "rounding"', 'trailing_zeros = "exact"')
    path.write_text(counted, encoding="utf-8")
    assert parse("547,000", lexicon=Lexicon.load(path)).is_exact


def test_with_hedge_gives_a_closeness_hedge_the_points_of_about() -> None:
    lexicon = DEFAULT.with_hedge("circa", "around")
    assert lexicon.hedges["circa"].points == 2
    assert ends(parse("circa 97%", lexicon=lexicon)) == (0.95, 0.97, 0.99)
    assert DEFAULT.with_hedge("precisely", "exact").hedges["precisely"].points is None
    assert parse("precisely 5,000", lexicon=DEFAULT.with_hedge("precisely", "exact")).is_exact


def test_a_lexicon_file_missing_a_table_is_an_argument_error(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.toml"
    path.write_text("[hedges]\n", encoding="utf-8")
    with pytest.raises(ArgumentError, match="cannot read the lexicon"):
        Lexicon.load(path)


def test_a_lexicon_of_the_wrong_type_is_an_argument_error() -> None:
    with pytest.raises(ArgumentError, match="lexicon must be a Lexicon"):
        parse("5,000", lexicon="default")  # type: ignore[arg-type]


def test_the_code_holds_no_word_lists() -> None:
    package = Path(__file__).resolve().parent.parent / "reconcile" / "phrases"
    for module in sorted(package.glob("*.py")):
        code = re.sub(r'"""[\s\S]*?"""', "", module.read_text(encoding="utf-8"))  # examples may name words
        for word in ("approximately", "upwards", "militants", "dozens", "thousand", "per cent", "two-thirds"):
            assert f'"{word}' not in code, (module.name, word)


# -- the docs and the lexicon stay in step -------------------------------------------------


def shown(number: float) -> str:
    """A number as the docs' tables show it."""
    if math.isinf(number):
        return "∞"
    if abs(number) >= 100:
        return f"{number:,.2f}".rstrip("0").rstrip(".")
    return f"{number:.4g}"


def hedge_rows(lexicon: Lexicon) -> list[str]:
    """The docs' table of hedges: word, rule, shares, example and what it reads as."""
    rows = []
    for word, hedge in lexicon.hedges.items():
        example = hedge.example or f"{word} 5,000"
        figure = parse(example, lexicon=lexicon)
        shares = f"{hedge.min_share:.0%}–{hedge.max_share:.0%}" if hedge.rule in CLOSENESS_RULES else "—"
        cells = [
            word,
            hedge.rule,
            shares,
            str(hedge.points) if hedge.points else "—",
            example,
            shown(figure.low),
            shown(figure.value),
            shown(figure.high),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


CLOSENESS_RULES = ("around", "below", "above")


def quantity_rows() -> list[str]:
    """The docs' table of quantity words in both readings."""
    rows = []
    default, conservative = Lexicon.default(), Lexicon.conservative()
    for word, entry in default.quantities.items():
        other = conservative.quantities[word]
        cells = [
            word,
            entry.takes,
            " / ".join(shown(end) for end in (entry.low, entry.value, entry.high)),
            " / ".join(shown(end) for end in (other.low, other.value, other.high)),
        ]
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def noun_rows() -> list[str]:
    return [f"| {word} | {noun.unit} | {noun.counts or '—'} |" for word, noun in DEFAULT.nouns.items()]


def fraction_rows() -> list[str]:
    return [f"| {word} | {num}/{den} |" for word, (num, den) in DEFAULT.fractions.items()]


def magnitude_rows() -> list[str]:
    rows = []
    for word, magnitude in DEFAULT.magnitudes.items():
        rounds = "yes" if magnitude.rounds else "no"
        rows.append(f"| {word} | {magnitude.factor:,} | {rounds} | {magnitude.plural or '—'} |")
    return rows


@pytest.mark.parametrize(
    "rows",
    [hedge_rows(DEFAULT), quantity_rows(), noun_rows(), fraction_rows(), magnitude_rows()],
    ids=["hedges", "quantities", "nouns", "fractions", "magnitudes"],
)
def test_the_docs_show_every_lexicon_entry_as_it_reads(rows: list[str]) -> None:
    page = DOCS.read_text(encoding="utf-8")
    missing = [row for row in rows if row not in page]
    assert not missing, "docs/phrases.md is out of step with lexicon.toml; add or fix:\n" + "\n".join(missing)


def test_every_hedge_in_the_lexicon_file_appears_in_the_docs() -> None:
    page = DOCS.read_text(encoding="utf-8")
    for word in DEFAULT.hedges:
        assert f"| {word} |" in page, word


def test_a_lexicon_file_that_cannot_be_opened_is_an_argument_error(tmp_path: Path) -> None:
    with pytest.raises(ArgumentError, match="cannot open the lexicon"):
        Lexicon.load(tmp_path / "missing.toml")
