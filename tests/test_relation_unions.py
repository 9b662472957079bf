"""Relations as analysts write them: unions of overlapping groups, and claimed shares as coefficients.

People in need (PiN) across sectors are OCHA's, WHO's and UNICEF's figures for Yemen in 2019
and OCHA's for Syria in 2017 and 2019 (tests/data/real/relations_pin_sectors.md). The shares of
civilian casualties by party are UNAMA's for Afghanistan in the first half of 2019 and the
Associated Press's for Mosul (tests/data/real/relations_civilian_casualty_shares.md). Figures
named "illustrative" are round numbers made up for a rule, not from a report.
"""

from __future__ import annotations

import math
import pickle
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile.errors import Reason
from reconcile.relations import read_relations

#: A warning from numpy or pandas reaching the user is a bug: every warning fails a test.
pytestmark = pytest.mark.filterwarnings("error")

REAL = Path(__file__).parent / "data" / "real"
UNION = "pin = union(pin/health, pin/wash, pin/food)"
YEMEN: dict[str, Any] = {"place": "Yemen", "as_of": "2019", "source": "illustrative"}


def sectors(*extra: rc.Figure, **ranges: tuple[float, float]) -> pd.DataFrame:
    """Claims of Yemen's PiN by sector, each between two numbers: pin_health=(19, 20) is pin/health."""
    figures = [
        rc.Figure.between(low, high, counts=name.replace("_", "/"), **YEMEN)
        for name, (low, high) in ranges.items()
    ]
    return rc.to_claims([*figures, *extra])


def sound(result: rc.Reconciliation) -> dict[str, tuple[float, float]]:
    """The derived totals' sound ranges, by counts."""
    rows = result.totals
    return {
        counts: (low, high)
        for counts, low, high in zip(rows["counts"], rows["low"], rows["high"], strict=True)
    }


def tight(result: rc.Reconciliation) -> dict[tuple[str, str], tuple[float, float]]:
    """The estimates' tightened ranges, by (counts, place)."""
    rows = result.estimates
    return {
        (counts, place): (low, high)
        for counts, place, low, high in zip(
            rows["counts"], rows["place"], rows["low_tight"], rows["high_tight"], strict=True
        )
    }


# -- reading a union -----------------------------------------------------------------------------


def test_a_union_reads_into_its_whole_and_its_parts_and_writes_back_as_read() -> None:
    relation = rc.Relation.parse(f"{UNION} [place=Yemen]")
    assert relation.operator == "union"
    assert [(term.coefficient, term.quantity, term.side) for term in relation.terms] == [
        (1.0, "pin", "left"),
        (-1.0, "pin/health", "right"),
        (-1.0, "pin/wash", "right"),
        (-1.0, "pin/food", "right"),
    ]
    assert relation.quantities == ("pin", "pin/health", "pin/wash", "pin/food")
    assert relation.defines == ("pin",)
    assert relation.text == UNION
    assert rc.Relation.parse(str(relation)) == relation
    written_left = rc.Relation.parse("union(pin/health, pin/wash) = pin")
    assert written_left.operator == "union"
    assert written_left.defines == ("pin",)


def test_a_union_reads_a_known_name_with_a_dash_whole_and_a_quoted_name() -> None:
    relation = rc.Relation.parse(
        "pin = union(pin/early-recovery, `pin/health care`)", names=["pin/early-recovery"]
    )
    assert relation.quantities == ("pin", "pin/early-recovery", "pin/health care")


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("pin = union(pin/health)", 6, "a union of one part is that part"),
        ("pin = union(pin/health, union(pin/wash, pin/food))", 24, "a union inside a union"),
        ("pin = union(pin/health, pin/wash", 32, "union( is not closed"),
        ("pin = union(pin/health, 2)", 24, "not the number '2'"),
        ("pin = union(pin/health, 2 * pin/wash)", 24, "not the number '2'"),
        ("pin = union(pin/health, pin/wash@end)", 32, "expected ',' or ')'"),
        ("pin = union(pin/health, pin/wash) + pin/food", 34, "a union is a whole side"),
        ("pin = pin/food + union(pin/health, pin/wash)", 17, "a union is a whole side"),
        ("pin = 2 * union(pin/health, pin/wash)", 10, "a union is a whole side"),
        ("pin <= union(pin/health, pin/wash)", 7, "a union is one side of '='"),
        ("pin + pin/food = union(pin/health, pin/wash)", 17, "the other side of a union"),
        ("2 * pin = union(pin/health, pin/wash)", 0, "the whole of a union is a quantity"),
        ("pin = union(pin/health, pin/health)", 24, "appears twice"),
    ],
)
def test_a_union_that_cannot_be_read_points_at_the_character(text: str, position: int, words: str) -> None:
    with pytest.raises(rc.RelationError) as caught:
        rc.Relation.parse(text)
    error = caught.value
    assert (error.position, error.text) == (position, text)
    assert words in str(error)
    assert f"\n  {text}\n  {' ' * position}^" in str(error)
    assert pickle.loads(pickle.dumps(error)).position == position


_PART = st.from_regex(r"[a-z]{1,6}(/[a-z]{1,6}){0,2}", fullmatch=True)


@given(parts=st.lists(_PART, min_size=2, max_size=5, unique=True))
def test_any_union_of_distinct_parts_writes_back_as_the_same_relation(parts: list[str]) -> None:
    whole = "whole_of_all"
    relation = rc.Relation.parse(f"{whole} = union({', '.join(parts)}) [place=Yemen]")
    assert relation.quantities == (whole, *parts)
    assert rc.Relation.parse(str(relation)) == relation


# -- what a union checks and derives -------------------------------------------------------------


def test_a_union_derives_a_total_no_claim_gives_between_the_largest_part_and_the_sum() -> None:
    result = rc.reconcile(
        sectors(pin_health=(19, 20), pin_wash=(17, 18), pin_food=(18, 22)), relations=[UNION]
    )
    row = result.totals.iloc[0]
    assert (row["counts"], row["low"], row["high"], row["unit"]) == ("pin", 19.0, 60.0, "person")
    assert math.isnan(row["value"])  # no equality fixes one
    assert row["claim_ids"] == "c1, c2, c3"
    assert row["relations"] == UNION


def test_a_total_between_the_largest_part_and_the_sum_fits_and_is_tightened() -> None:
    total = rc.Figure.between(10, 100, counts="pin", **YEMEN)
    result = rc.reconcile(
        sectors(total, pin_health=(19, 20), pin_wash=(17, 18), pin_food=(18, 22)), relations=[UNION]
    )
    assert result.conflicts.empty
    assert tight(result)["pin", "Yemen"] == (19.0, 60.0)


def test_a_total_below_its_largest_part_is_a_relation_conflict() -> None:
    total = rc.Figure.between(10, 15, counts="pin", **YEMEN)
    claims = sectors(total, pin_health=(19, 20), pin_wash=(1, 2), pin_food=(1, 2))
    result = rc.reconcile(claims, relations=[UNION], implied_parts=False)
    assert set(result.conflicts["kind"]) == {"relation"}
    assert result.conflicts["claim_id"].tolist() == ["c1", "c4"]  # the health sector and the total
    assert result.conflicts["message"][0].endswith(f"no values in these ranges satisfy {UNION}")


def test_a_total_above_the_sum_of_its_parts_is_a_relation_conflict() -> None:
    total = rc.Figure.between(61, 70, counts="pin", **YEMEN)
    claims = sectors(total, pin_health=(19, 20), pin_wash=(17, 18), pin_food=(18, 22))
    result = rc.reconcile(claims, relations=[UNION])
    assert set(result.conflicts["kind"]) == {"relation"}
    assert result.conflicts["claim_id"].tolist() == ["c1", "c2", "c3", "c4"]  # every part and the total


def test_a_union_holds_only_where_all_its_parts_are_present() -> None:
    syria: dict[str, Any] = {"place": "Syria", "as_of": "2019", "source": "illustrative"}
    claims = rc.to_claims(
        [
            rc.Figure.between(19, 20, counts="pin/health", **YEMEN),
            rc.Figure.between(17, 18, counts="pin/wash", **YEMEN),
            rc.Figure.between(18, 22, counts="pin/food", **YEMEN),
            rc.Figure.between(10, 11, counts="pin/health", **syria),  # no wash or food
            rc.Figure.between(1, 100, counts="pin", **syria),
        ]
    )
    result = rc.reconcile(claims, relations=[UNION])
    assert result.totals["place"].tolist() == ["Yemen"]
    assert tight(result)["pin", "Syria"] == (10.0, 100.0)  # the implied part only: no sum bounds it
    with pytest.raises(rc.RelationError, match="all its parts") as caught:
        rc.reconcile(claims, relations=[f"{UNION} [place=Syria]"])
    assert caught.value.reason is Reason.RELATION_HOLDS_NOWHERE
    assert "pin/wash and pin/food are missing" in str(caught.value)


@settings(max_examples=max(10, settings().max_examples // 10))  # a whole reconciliation an example
@given(
    ranges=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)).map(sorted), min_size=2, max_size=4
    )
)
def test_the_union_of_any_parts_is_their_largest_low_to_the_sum_of_their_highs(
    ranges: list[list[int]],
) -> None:
    names = [f"pin/sector{n}" for n in range(len(ranges))]
    claims = rc.to_claims(
        [
            rc.Figure.between(low, high, counts=name, source="illustrative")
            for name, (low, high) in zip(names, ranges, strict=True)
        ]
    )
    result = rc.reconcile(claims, relations=[f"pin = union({', '.join(names)})"], key=("counts",))
    assert sound(result)["pin"] == (max(low for low, _ in ranges), sum(high for _, high in ranges))


def test_adjust_refuses_a_union_as_it_refuses_an_inequality() -> None:
    claims = sectors(pin_health=(19, 20), pin_wash=(17, 18), pin=(24, 25))
    with pytest.raises(rc.ArgumentError, match="equalities only") as caught:
        rc.adjust(claims, ["pin = union(pin/health, pin/wash)"])
    assert caught.value.reason is Reason.NOT_AN_EQUALITY


def test_people_in_need_across_sectors_reads_as_the_analyst_expects() -> None:
    claims = rc.read_claims(REAL / "relations_pin_sectors.csv")
    relations = read_relations(REAL / "relations_pin_sectors.txt", names=claims["counts"])
    assert [relation.operator for relation in relations] == ["union", "union"]
    result = rc.reconcile(claims, relations=relations)
    by_conflict = result.conflicts.groupby("conflict_id")["claim_id"].apply(sorted).tolist()
    assert sorted(by_conflict) == [
        ["ps-sy17-early-recovery", "ps-sy17-pin"],
        ["ps-sy19-health-who", "ps-sy19-pin-unicef"],
    ]
    assert set(result.conflicts["kind"]) == {"relation"}
    assert result.claims["kept"].all()  # no claim set aside by value
    yemen = tight(result)
    assert yemen["pin", "Yemen"] == (24_050_000.0, 24_150_000.0)  # the union's 19.65–60.25 M hold it
    assert yemen["pin/health", "Yemen"] == (19_650_000.0, 19_750_000.0)
    assert yemen["pin/food", "Yemen"] == (18_000_000.0, 22_000_000.0)
    assert yemen["pin/wash", "Yemen"] == (17_500_000.0, 18_500_000.0)
    estimates = result.estimates
    health = estimates[(estimates["counts"] == "pin/health") & (estimates["place"] == "Yemen")]
    assert health["status"].tolist() == ["agreed"]
    # The union alone, without the implied parts, finds Syria 2017's sector above the whole.
    alone = rc.reconcile(claims, relations=relations, implied_parts=False)
    assert sorted(alone.conflicts["claim_id"]) == ["ps-sy17-early-recovery", "ps-sy17-pin"]
    assert "union" in str(alone.conflicts["message"].iloc[0])


def test_people_in_need_with_early_recovery_outside_the_union_fit_and_tighten_health() -> None:
    claims = rc.read_claims(REAL / "relations_pin_sectors.csv")
    claims = claims[claims["claim_id"] != "ps-sy17-early-recovery"]
    relations = [
        f"{UNION} [place=Yemen]",
        "pin = union(pin/health, pin/food, pin/shelter) [place=Syria, as_of=2017]",
    ]
    result = rc.reconcile(claims, relations=relations)
    assert result.conflicts["claim_id"].tolist() == ["ps-sy19-pin-unicef", "ps-sy19-health-who"]
    estimates = result.estimates
    chosen = (
        (estimates["counts"] == "pin/health")
        & (estimates["place"] == "Syria")
        & (estimates["as_of"] == "2017")
    )
    health = estimates[chosen].iloc[0]
    assert (health["low_tight"], health["high_tight"]) == (12_800_000.0, 13_550_000.0)


# -- claimed shares as coefficients --------------------------------------------------------------

AP: dict[str, Any] = {
    "place": "Mosul",
    "as_of": "2016-10-17/2017-07-10",
    "source": "Associated Press investigation",
}
THIRD = "deaths/civilian/pro_government = share * deaths/civilian"


def mosul(*extra: rc.Figure) -> pd.DataFrame:
    """AP's "nearly 10,000" civilian deaths in Mosul and "around a third" of them by pro-government forces."""
    return rc.to_claims(
        [
            rc.parse("nearly 10,000", counts="deaths/civilian", **AP),
            rc.parse("around a third", counts="share", **AP),
            *extra,
        ]
    )


def test_a_claimed_quantity_multiplies_another_when_the_claims_name_it() -> None:
    relation = rc.Relation.parse(THIRD, names=["share", "deaths/civilian"])
    term = relation.terms[1]
    assert (term.coefficient, term.factors, term.quantity, term.figures) == (
        -1.0,
        ("share",),
        "deaths/civilian",
        (),
    )
    assert relation.quantities == ("deaths/civilian/pro_government", "share", "deaths/civilian")
    assert rc.Relation.parse(str(relation), names=["share"]) == relation


def test_a_product_of_two_quantities_without_their_names_is_still_not_linear() -> None:
    with pytest.raises(rc.RelationError, match="product of two quantities") as caught:
        rc.Relation.parse(THIRD)
    assert caught.value.reason is Reason.NOT_LINEAR
    assert "names=claims['counts']" in caught.value.hint
    with pytest.raises(rc.RelationError, match="no time suffix"):
        rc.Relation.parse("a = share@end * b", names=["share"])


def test_a_claimed_share_bounds_the_product_on_both_sides() -> None:
    result = rc.reconcile(mosul(), relations=[THIRD])
    row = result.totals.iloc[0]
    third = rc.parse("around a third")
    assert (row["low"], row["high"]) == pytest.approx((9000 * third.low, 10_000 * third.high))
    assert row["value"] == pytest.approx(10_000 * third.value)  # "nearly 10,000" is 10,000 at its value
    assert row["unit"] == "person"
    assert row["claim_ids"] == "c1, c2"  # the share's claim is behind the total too


@settings(max_examples=max(10, settings().max_examples // 10))  # a whole reconciliation an example
@given(
    deaths=st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)).map(sorted),
    share=st.tuples(st.floats(0, 1), st.floats(0, 1)).map(sorted),
)
def test_a_claimed_share_times_any_count_lies_between_the_products_of_their_ends(
    deaths: list[int], share: list[float]
) -> None:
    claims = rc.to_claims(
        [
            rc.Figure.between(*deaths, counts="deaths/civilian", source="illustrative"),
            rc.Figure.between(*share, counts="share", unit="dimensionless", source="illustrative"),
        ]
    )
    low, high = sound(rc.reconcile(claims, relations=[THIRD], key=("counts",)))[
        "deaths/civilian/pro_government"
    ]
    assert low <= share[0] * deaths[0] <= high  # sound: rounded outward, never inward
    assert low <= share[1] * deaths[1] <= high
    assert (low, high) == pytest.approx((share[0] * deaths[0], share[1] * deaths[1]), rel=1e-12, abs=1e-300)


def test_a_share_claimed_in_percent_is_a_plain_number() -> None:
    percent = rc.to_claims(
        [
            rc.parse("nearly 10,000", counts="deaths/civilian", **AP),
            rc.Figure.between(31.5, 35, counts="share", unit="percent", **AP),
        ]
    )
    row = rc.reconcile(percent, relations=[THIRD]).totals.iloc[0]
    assert (row["low"], row["value"], row["high"], row["unit"]) == pytest.approx((2835, 3325, 3500, "person"))


def test_an_exact_share_is_an_exact_coefficient() -> None:
    exact = rc.to_claims(
        [
            rc.Figure.exact(3000, counts="deaths/civilian", **AP),
            rc.Figure.exact(0.5, counts="share", **AP),
        ]
    )
    row = rc.reconcile(exact, relations=[THIRD]).totals.iloc[0]
    assert (row["low"], row["value"], row["high"], row["low_90"]) == (1500.0, 1500.0, 1500.0, 1500.0)


def test_the_share_ties_the_part_and_the_whole_but_is_not_tightened_itself() -> None:
    at_least = rc.parse("at least 3,200", counts="deaths/civilian/pro_government", **AP)
    result = rc.reconcile(mosul(at_least), relations=[THIRD])
    ranges = tight(result)
    assert ranges["deaths/civilian", "Mosul"] == pytest.approx((3200 / 0.35, 10_000))
    assert ranges["deaths/civilian/pro_government", "Mosul"] == pytest.approx((3200, 3500))
    third = rc.parse("around a third")
    assert ranges["share", "Mosul"] == (third.low, third.high)


def test_a_share_that_rules_out_the_part_claimed_is_a_relation_conflict() -> None:
    too_many = rc.parse("at least 4,000", counts="deaths/civilian/pro_government", **AP)
    result = rc.reconcile(mosul(too_many), relations=[THIRD], implied_parts=False)
    assert set(result.conflicts["kind"]) == {"relation"}
    assert result.conflicts["claim_id"].tolist() == ["c1", "c3"]  # the share is the relation's coefficient
    assert result.conflicts["message"][0].endswith(f"no values in these ranges satisfy {THIRD}")


def test_the_share_is_read_in_each_group_and_the_relation_holds_only_where_it_is_claimed() -> None:
    raqqa: dict[str, Any] = {"place": "Raqqa", "as_of": "2017", "source": "illustrative"}
    erbil: dict[str, Any] = {"place": "Erbil", "as_of": "2017", "source": "illustrative"}
    claims = rc.to_claims(
        [
            rc.parse("nearly 10,000", counts="deaths/civilian", **AP),
            rc.parse("around a third", counts="share", **AP),
            rc.Figure.exact(1000, counts="deaths/civilian", **raqqa),
            rc.Figure.between(0.8, 0.9, counts="share", **raqqa),
            rc.Figure.exact(500, counts="deaths/civilian", **erbil),  # no share claimed there
        ]
    )
    totals = rc.reconcile(claims, relations=[THIRD]).totals.set_index("place")
    assert totals.index.tolist() == ["Mosul", "Raqqa"]
    assert (totals.loc["Raqqa", "low"], totals.loc["Raqqa", "high"]) == pytest.approx((800, 900))


def test_a_relation_whose_share_is_claimed_where_nothing_else_is_holds_nowhere_and_says_why() -> None:
    claims = rc.to_claims(
        [
            rc.parse("nearly 10,000", counts="deaths/civilian", **AP),
            rc.parse("around a third", counts="share", place="Erbil", as_of="2017", source="illustrative"),
        ]
    )
    with pytest.raises(rc.RelationError, match="share is missing") as caught:
        rc.reconcile(claims, relations=[THIRD])
    assert caught.value.reason is Reason.RELATION_HOLDS_NOWHERE
    assert "the coefficients it multiplies by claimed" in str(caught.value)


def test_a_coefficient_no_claim_gives_is_an_unknown_quantity_with_the_nearest_names() -> None:
    with pytest.raises(rc.RelationError, match="no claim gives 'shares', so it cannot multiply") as caught:
        rc.reconcile(mosul(), relations=["deaths/civilian/pro_government = shares * deaths/civilian"])
    error = caught.value
    assert error.reason is Reason.UNKNOWN_QUANTITY
    assert (error.position, error.quantity, error.nearest) == (33, "shares", ("share",))


def test_a_coefficient_only_a_relation_derives_is_an_error() -> None:
    relations = [
        "portion = share + share/extra",
        "deaths/civilian/pro_government = portion * deaths/civilian",
    ]
    claims = mosul(rc.Figure.between(0, 0.1, counts="share/extra", **AP))
    with pytest.raises(
        rc.RelationError, match=r"'portion' multiplies 'deaths/civilian'.*no claim gives it"
    ) as caught:
        rc.reconcile(claims, relations=relations)
    assert caught.value.reason is Reason.UNKNOWN_QUANTITY


def test_civilian_casualty_shares_read_as_the_analyst_expects() -> None:
    claims = rc.read_claims(REAL / "relations_civilian_casualty_shares.csv")
    relations = read_relations(REAL / "relations_civilian_casualty_shares.txt", names=claims["counts"])
    result = rc.reconcile(claims, relations=relations)
    assert result.conflicts.empty
    row = result.totals.set_index("counts").loc["casualties/civilian/anti_government"]
    assert (row["low"], row["value"], row["high"]) == pytest.approx((1963.18, 1982.24, 2001.3))
    assert "cs-af19h1-casualties-aa" in row["claim_ids"]
    assert "cs-af19h1-age-share-ians" in row["claim_ids"]
    estimates = result.estimates.set_index(["counts", "place", "as_of"])
    first_half = estimates.xs("2019-01-01/2019-06-30", level="as_of")
    assert (
        (first_half["low_tight"] == first_half["high_tight"])
        .drop(["share_casualties_pro_government", "share_casualties_anti_government"], level="counts")
        .all()
    )  # every claimed quantity keeps its point
    assert estimates.loc[("deaths/civilian", "Afghanistan", "2019"), "low_tight"] == 3403
    set_aside = result.claims.loc[~result.claims["kept"], "claim_id"].tolist()
    assert set_aside == ["cs-af19-deaths-afp"]  # 3404, which the sum rules out
    mosul_deaths = estimates.xs("Mosul", level="place")
    assert list(mosul_deaths.loc[("deaths/civilian", AP["as_of"]), ["low_tight", "high_tight"]]) == (
        pytest.approx([3200 / 0.35, 10_000])
    )
    pro = mosul_deaths.loc[("deaths/civilian/pro_government", AP["as_of"]), ["low_tight", "high_tight"]]
    assert list(pro) == pytest.approx([3200, 3500])
    # Not tightened: the relation reads the share's range, and leaves it as it is.
    share = mosul_deaths.loc[("share_deaths_pro_government", AP["as_of"])]
    assert (share["low_tight"], share["high_tight"]) == pytest.approx((0.95 / 3, 0.35))
