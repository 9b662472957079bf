"""Relations across quantities: reading them, tightening, derived totals, conflicts, adjustment.

Troop figures are from a CNN report of 17 October 2016 on Mosul (../shared/corpus): U.S.
personnel about 5,000, about 3,600 coalition troops, as many as 100,000 troops in all, and 1
million remaining residents, half of the population before. The West Mosul displacement
figures (217,000 fled = 160,000 still displaced + 57,000 returned) and the IOM household case
(7,619 families at about 6 a family, 45,714 people) are illustrative figures given with the
project's plans; they are not in the project's corpus.
"""

from __future__ import annotations

import math
import pickle
import time

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import reconcile as rc
from reconcile.relations import Term

#: A warning from numpy or pandas reaching the user is a bug: every warning fails a test.
pytestmark = pytest.mark.filterwarnings("error")

PLACE, DAY = "Mosul", "2016-10-17"


def troops(*extra: rc.Figure) -> pd.DataFrame:
    figures = [
        rc.Figure.about(5000, counts="troops/us", source="U.S. officials", place=PLACE, as_of=DAY),
        rc.Figure.about(3600, counts="troops/coalition", source="CNN", place=PLACE, as_of=DAY),
        *extra,
    ]
    return rc.to_claims(figures)


FOREIGN = "troops/foreign = troops/us + troops/coalition"


# -- reading relations -------------------------------------------------------------------------


def test_sum_reads_into_terms_with_the_right_side_negated() -> None:
    relation = rc.Relation.parse(FOREIGN)
    assert relation.operator == "="
    assert [(t.coefficient, t.quantity, t.side) for t in relation.terms] == [
        (1.0, "troops/foreign", "left"),
        (-1.0, "troops/us", "right"),
        (-1.0, "troops/coalition", "right"),
    ]
    assert relation.defines == ("troops/foreign",)


def test_comparisons_subtraction_numbers_and_percent() -> None:
    assert rc.Relation.parse("troops/us <= troops").operator == "<="
    assert rc.Relation.parse("troops ≥ troops/us").operator == ">="
    increment = rc.Relation.parse("troops/us/after - troops/us/before = troops/us/added")
    assert [t.coefficient for t in increment.terms] == [1.0, -1.0, -1.0]
    assert increment.defines == ("troops/us/added",)
    scaled = rc.Relation.parse("a = 2 * b + 1,500 + 50% * c")
    assert [(t.coefficient, t.quantity) for t in scaled.terms] == [
        (1.0, "a"),
        (-2.0, "b"),
        (-1500.0, None),
        (-0.5, "c"),
    ]


def test_figure_coefficients_are_bound_by_name() -> None:
    share = rc.Figure.between(0.4, 0.6, unit="dimensionless")
    relation = rc.Relation.parse("residents/2016 = share * residents/2014", figures={"share": share})
    assert relation.terms[1] == Term(-1.0, ("share",), "residents/2014", 17, "right")
    assert dict(relation.figures) == {"share": share}


def test_quoted_names_and_builders() -> None:
    relation = rc.Relation.parse("`people in need` <= population")
    assert relation.quantities == ("people in need", "population")
    assert rc.Relation.part_of("people in need", "population") == relation
    assert rc.Relation.total(["b", "c"], counts="a").text == "a = b + c"


def test_relation_total_takes_the_parts_then_the_whole_as_counts_like_rc_total() -> None:
    us = rc.Figure.exact(5000, counts="troops/us")
    coalition = rc.Figure.exact(3600, counts="troops/coalition")
    assert rc.total([us, coalition], counts="troops/foreign").counts == "troops/foreign"
    relation = rc.Relation.total(
        ["troops/us", "troops/coalition"], counts="troops/foreign", scope={"place": PLACE}
    )
    assert relation == rc.Relation.parse(FOREIGN, scope={"place": PLACE})


def test_relation_total_in_the_older_order_still_reads_with_a_deprecation_warning() -> None:
    with pytest.warns(DeprecationWarning, match=r"write Relation.total\(parts, counts='troops/foreign'\)"):
        older = rc.Relation.total("troops/foreign", ("troops/us", "troops/coalition"))
    assert older == rc.Relation.total(["troops/us", "troops/coalition"], counts="troops/foreign")


@pytest.mark.parametrize(
    ("args", "counts", "got"),
    [
        ((["troops/us", "troops/coalition"], "troops/foreign"), None, "'troops/foreign', counts=None"),
        (("troops/foreign", ["troops/us"]), "troops/all", "['troops/us'], counts='troops/all'"),
        (("troops/foreign", "troops/us"), None, "'troops/foreign', 'troops/us', counts=None"),
        (("troops/foreign",), None, "got 'troops/foreign', counts=None"),
        (([],), "troops/foreign", "got [], counts='troops/foreign'"),
        ((["troops/us"],), None, "got ['troops/us'], counts=None"),
    ],
)
def test_relation_total_refuses_an_order_it_cannot_tell_and_says_how_to_write_it(
    args: tuple[object, ...], counts: str | None, got: str
) -> None:
    with pytest.raises(rc.ArgumentError, match="list of parts, then the whole as counts=") as caught:
        rc.Relation.total(*args, counts=counts)  # type: ignore[arg-type]
    assert got in caught.value.problem
    assert "counts='troops/foreign'" in caught.value.hint


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("troops/foreign = troops/us +", 28, "expected a quantity"),
        ("a = 2 b", 6, "expected '+'"),
        ("a = b = c", 6, "one '='"),
        ("a + b", 5, "needs '='"),
        ("a * b = c", 4, "product of two quantities"),
        ("a = a + b", 4, "appears twice"),
        ("a = 2 & b", 6, "cannot read '&'"),
        ("5 = 3", 0, "names at least one quantity"),
        ("a = 0 * b", 4, "multiplied by 0"),
        ("a = + - b", 6, "expected a quantity"),
    ],
)
def test_malformed_relation_points_at_the_character(text: str, position: int, words: str) -> None:
    with pytest.raises(rc.RelationError) as caught:
        rc.Relation.parse(text)
    error = caught.value
    assert error.position == position
    assert error.text == text
    assert words in str(error)
    assert f"\n  {text}\n  {' ' * position}^" in str(error)
    assert isinstance(error, ValueError)
    assert pickle.loads(pickle.dumps(error)).position == position


# Civilian deaths split by the party that caused them, as UN human-rights reports give them
# (the figures are illustrative, not from the project's corpus).
PRO, ANTI = "deaths/civilians/pro-government", "deaths/civilians/anti-government"
BY_PARTY = f"deaths/civilians = {PRO} + {ANTI}"


def civilian_deaths(**parts: float) -> pd.DataFrame:
    figures = [
        rc.Figure.about(value, counts=counts, source="UNAMA", place="Afghanistan", as_of="2019")
        for counts, value in parts.items()
    ]
    return rc.to_claims(figures)


def test_a_name_with_a_hyphen_is_read_whole_when_a_claim_gives_it() -> None:
    result = rc.reconcile(civilian_deaths(**{PRO: 1000, ANTI: 2000}), relations=[BY_PARTY])
    (total,) = result.totals.itertuples()
    assert (total.counts, total.low, total.value, total.high) == ("deaths/civilians", 2700, 3000, 3300)
    assert total.relations == BY_PARTY
    # A relation read before the claims are known is read again where it meets them.
    parsed = rc.Relation.parse(BY_PARTY, names=[PRO, ANTI])
    assert parsed.quantities == ("deaths/civilians", PRO, ANTI)
    assert rc.reconcile(civilian_deaths(**{PRO: 1000, ANTI: 2000}), relations=[parsed]).totals.equals(
        result.totals
    )


def test_names_a_relation_defines_are_known_to_the_other_relations() -> None:
    relations = [
        f"`deaths/civilians/non-government` = deaths/civilians - {PRO}",
        "deaths/elsewhere = deaths/civilians/non-government - deaths/civilians/crossfire",
    ]
    claims = civilian_deaths(**{"deaths/civilians": 3000, PRO: 1000, "deaths/civilians/crossfire": 100})
    result = rc.reconcile(claims, relations=relations)
    derived = result.totals.set_index("counts")["value"]
    assert derived.to_dict() == {"deaths/civilians/non-government": 2000, "deaths/elsewhere": 1900}


def test_an_unknown_name_with_a_hyphen_says_how_it_was_split_and_what_is_near() -> None:
    typo = "deaths/civilians = deaths/civilians/pro-govt + deaths/civilians/anti-government"
    with pytest.raises(rc.RelationError) as caught:
        rc.reconcile(civilian_deaths(**{PRO: 1000, ANTI: 2000}), relations=[typo])
    error = caught.value
    assert error.problem == (
        f"no claim gives 'deaths/civilians/pro' and no relation defines it (in {typo!r}); "
        "'deaths/civilians/pro-govt' was read as 'deaths/civilians/pro' - 'govt'"
    )
    assert getattr(error, "nearest")[0] == PRO  # noqa: B009
    assert error.hint.startswith(f"did you mean {PRO!r}")
    assert "backticks" in error.hint
    assert error.position == len("deaths/civilians = ")


def test_without_names_a_hyphen_is_a_minus_and_a_name_read_twice_says_why() -> None:
    with pytest.raises(rc.RelationError, match="'government' appears twice") as caught:
        rc.Relation.parse(BY_PARTY)
    assert f"{ANTI!r} was read as 'deaths/civilians/anti' - 'government'" in caught.value.problem
    assert "names=" in caught.value.hint
    assert rc.Relation.parse("displaced/returned = displaced/fled-displaced/current").quantities == (
        "displaced/returned",
        "displaced/fled",
        "displaced/current",
    )


@pytest.mark.parametrize(
    "name",
    ["troops/us army", "residents/2014 census", "children's deaths", "déplacés/Mossoul", "troops/u.s."],
)
def test_names_of_words_digits_dots_and_apostrophes_are_read_whole(name: str) -> None:
    assert rc.Relation.parse(f"{name} <= total").quantities == (name, "total")


@pytest.mark.parametrize("name", ["deaths (confirmed)", "2016 residents", "wounded/≥18", "troops/us+uk"])
def test_any_name_a_claim_gives_is_read_whole(name: str) -> None:
    claims = civilian_deaths(**{name: 100, "total": 150})
    result = rc.reconcile(claims, relations=[f"rest = total - {name}"])
    assert result.totals.set_index("counts").loc["rest", "value"] == 50
    assert rc.Relation.parse(f"rest = total - {name}", names=[name]).quantities == ("rest", "total", name)


def test_known_names_match_the_longest_first_and_only_whole() -> None:
    names = ["deaths/civilians/pro", PRO, "a-b"]
    relation = rc.Relation.parse(f"x = {PRO} + a-b/c - 2 * a-b", names=names)
    assert relation.quantities == ("x", PRO, "a", "b/c", "a-b")


def test_bad_figures_and_scope_arguments() -> None:
    with pytest.raises(rc.ArgumentError, match="must be a Figure"):
        rc.Relation.parse("a = s * b", figures={"s": 0.5})  # type: ignore[dict-item]
    with pytest.raises(rc.ArgumentError, match="scope must map"):
        rc.Relation.parse("a = b", scope={"place": 3})  # type: ignore[dict-item]
    with pytest.raises(rc.ArgumentError, match="relations must be a list"):
        rc.reconcile(troops(), relations=FOREIGN)


# -- reconciling with relations ----------------------------------------------------------------


def test_without_relations_the_tight_range_is_the_estimate() -> None:
    result = rc.reconcile(troops())
    assert result.estimates["low_tight"].equals(result.estimates["low"])
    assert result.estimates["high_tight"].equals(result.estimates["high"])
    assert result.totals.empty
    assert {"low_90", "high_90", "claim_ids", "relations"} <= set(result.totals.columns)


def test_mosul_foreign_troops_are_derived_with_both_readings() -> None:
    result = rc.reconcile(troops(), relations=[FOREIGN])
    row = result.totals.iloc[0]
    assert (row["counts"], row["place"], row["as_of"]) == ("troops/foreign", "Mosul", "2016-10-17")
    assert (row["low"], row["value"], row["high"], row["unit"]) == (7920.0, 8600.0, 9280.0, "person")
    # The probabilistic reading is narrower than the sound one, and inside it.
    assert 7920 < row["low_90"] < 8600 < row["high_90"] < 9280
    assert row["claim_ids"] == "c1, c2"
    assert row["relations"] == FOREIGN
    # The same sum as Figure arithmetic gives.
    figures = rc.from_claims(troops())
    total = rc.total(figures, counts="troops/foreign")
    assert (total.low, total.high) == (row["low"], row["high"])
    assert result.conflicts.empty


def test_a_claimed_total_tightens_its_parts() -> None:
    foreign = rc.Figure.between(
        8000, 8200, counts="troops/foreign", source="invented", place=PLACE, as_of=DAY
    )
    result = rc.reconcile(troops(foreign), relations=[FOREIGN])
    est = result.estimates.set_index("counts")
    # U.S. <= 8,200 - 3,420 and coalition <= 8,200 - 4,500; the low ends already hold.
    tight = est[["low_tight", "high_tight"]]
    assert list(tight.loc["troops/us"]) == [4500, 8200 - 3420]
    assert list(tight.loc["troops/coalition"]) == [3420, 8200 - 4500]
    assert list(tight.loc["troops/foreign"]) == [8000, 8200]
    assert result.totals.empty


def test_west_mosul_displacement_adds_up() -> None:
    fled = rc.Figure.exact(217_000, counts="displaced/fled", source="illustrative", place="West Mosul")
    current = rc.Figure.exact(160_000, counts="displaced/current", source="illustrative", place="West Mosul")
    returned = rc.Figure.exact(57_000, counts="displaced/returned", source="illustrative", place="West Mosul")
    relation = "displaced/fled = displaced/current + displaced/returned"
    by_place = ("counts", "place")
    result = rc.reconcile(rc.to_claims([fled, current, returned]), relations=[relation], key=by_place)
    assert result.conflicts.empty
    # One figure off by a thousand: the three claims are the irreducible conflict.
    wrong = rc.Figure.exact(58_000, counts="displaced/returned", source="a misreading", place="West Mosul")
    result = rc.reconcile(rc.to_claims([fled, current, wrong]), relations=[relation], key=by_place)
    assert result.conflicts["kind"].unique().tolist() == ["relation"]
    assert result.conflicts["claim_id"].tolist() == ["c1", "c2", "c3"]
    assert result.estimates["low_tight"].isna().all()
    message = result.conflicts["message"].iloc[0]
    assert "c3: displaced/returned 58,000; " in message
    assert relation in message


def test_conflict_names_only_the_claims_that_cannot_all_be_right() -> None:
    foreign = rc.Figure.exact(10_000, counts="troops/foreign", source="invented", place=PLACE, as_of=DAY)
    ceiling = rc.Figure.at_most(
        100_000, counts="troops", source="CNN", hedge="as many as", place=PLACE, as_of=DAY
    )
    result = rc.reconcile(troops(foreign, ceiling), relations=[FOREIGN])
    conflict = result.conflicts[result.conflicts["kind"] == "relation"]
    assert sorted(conflict["claim_id"]) == ["c1", "c2", "c3"]  # not the 100,000 ceiling
    assert conflict["conflict_id"].nunique() == 1


def test_relation_conflicts_are_numbered_after_disjoint_ones() -> None:
    claims = rc.to_claims(
        [
            rc.Figure.about(5000, counts="militants", source="U.S. officials", place=PLACE, as_of=DAY),
            rc.Figure.at_least(
                7000, counts="militants", source="Islamic State backers", place=PLACE, as_of=DAY
            ),
            rc.Figure.exact(10_000, counts="troops/foreign", source="invented", place=PLACE, as_of=DAY),
        ]
    )
    claims = pd.concat([claims, troops().assign(claim_id=["us", "coalition"])], ignore_index=True)
    result = rc.reconcile(claims, relations=[FOREIGN])
    assert result.conflicts.drop_duplicates("conflict_id")[["conflict_id", "kind"]].values.tolist() == [
        ["C1", "disjoint"],
        ["C2", "relation"],
    ]


def test_implied_parts_are_checked_by_default_and_can_be_switched_off() -> None:
    whole = rc.Figure.exact(4000, counts="troops", source="invented", place=PLACE, as_of=DAY)
    claims = troops(whole)
    result = rc.reconcile(claims)
    conflict = result.conflicts
    assert conflict["kind"].unique().tolist() == ["relation"]
    assert sorted(conflict["claim_id"]) == ["c1", "c3"]  # U.S. troops (4,500 at least) > 4,000 troops
    assert "troops/us <= troops (implied part)" in conflict["message"].iloc[0]
    assert rc.reconcile(claims, implied_parts=False).conflicts.empty
    # A part that fits tightens its whole.
    ceiling = rc.Figure.at_most(
        100_000, counts="troops", source="CNN", hedge="as many as", place=PLACE, as_of=DAY
    )
    est = rc.reconcile(troops(ceiling)).estimates.set_index("counts")
    assert est.loc["troops", "low_tight"] == 4500


def test_implied_parts_skip_units_that_cannot_be_compared() -> None:
    families = rc.parse("7,619 families", counts="displaced/families", source="IOM")
    people = rc.parse("about 40,000 people", counts="displaced", source="invented")
    result = rc.reconcile(rc.to_claims([families, people]), key=("counts",))
    assert result.conflicts.empty


def test_iom_families_become_people_only_through_a_household_size() -> None:
    families = rc.parse("7,619 families", counts="displaced/families", source="IOM")
    size = rc.parse("about 6", unit="person / family")
    relation = rc.Relation.parse("displaced = size * displaced/families", figures={"size": size})
    result = rc.reconcile(rc.to_claims([families]), relations=[relation], key=("counts",))
    row = result.totals.iloc[0]
    assert (row["counts"], row["unit"], row["value"]) == ("displaced", "person", 45_714.0)
    product = families * size
    assert (row["low"], row["high"]) == (product.low, product.high)
    assert math.isnan(row["low_90"])  # no probabilistic reading through a ranged coefficient
    # Without the size figure the units do not match: an error naming the term.
    with pytest.raises(rc.RelationError, match="'displaced/families' is in 'family'") as caught:
        rc.reconcile(
            rc.to_claims([families, rc.parse("45,000 people", counts="displaced", source="x")]),
            relations=["displaced = displaced/families"],
            key=("counts",),
        )
    assert caught.value.position == len("displaced = ")
    assert "household size" in caught.value.hint or "size figure" in caught.value.hint


def test_a_share_figure_links_residents_before_and_after() -> None:
    remaining = rc.parse("1 million", counts="residents/2016", source="CNN", place=PLACE, as_of=DAY)
    half = rc.parse("half")
    relation = rc.Relation.parse("residents/2016 = share * residents/2014", figures={"share": half})
    result = rc.reconcile(rc.to_claims([remaining]), relations=[relation], implied_parts=False)
    row = result.totals.iloc[0]
    before = remaining / half
    assert row["low"] == pytest.approx(before.low, rel=1e-12)
    assert row["high"] == pytest.approx(before.high, rel=1e-12)
    assert row["low"] <= before.low and row["high"] >= before.high  # sound: never narrower
    assert row["value"] == 2_000_000


def test_unknown_quantity_names_the_nearest_known_ones() -> None:
    with pytest.raises(rc.RelationError, match="no claim gives 'troops/coalision'") as caught:
        rc.reconcile(troops(), relations=["troops/foreign = troops/us + troops/coalision"])
    assert getattr(caught.value, "nearest")[0] == "troops/coalition"  # noqa: B009
    assert caught.value.position == len("troops/foreign = troops/us + ")
    assert "did you mean 'troops/coalition'" in str(caught.value)


def test_constants_and_inequalities() -> None:
    claims = troops()
    result = rc.reconcile(claims, relations=["troops/us >= troops/coalition + 1,500"], implied_parts=False)
    est = result.estimates.set_index("counts")
    assert est.loc["troops/us", "low_tight"] == 3420 + 1500
    assert est.loc["troops/coalition", "high_tight"] == 3780  # at most 5,500 - 1,500 already
    clash = rc.reconcile(claims, relations=["troops/us >= troops/coalition + 3,000"], implied_parts=False)
    assert sorted(clash.conflicts["claim_id"]) == ["c1", "c2"]


def test_scope_limits_where_a_relation_holds() -> None:
    erbil = "Erbil"
    claims = rc.to_claims(
        [
            rc.Figure.exact(10, counts="a", source="x", place=PLACE, as_of=DAY),
            rc.Figure.exact(20, counts="b", source="x", place=PLACE, as_of=DAY),
            rc.Figure.exact(10, counts="a", source="x", place=erbil, as_of=DAY),
            rc.Figure.exact(20, counts="b", source="x", place=erbil, as_of=DAY),
        ]
    )
    scoped = rc.Relation.parse("a = b", scope={"place": "Erbil"})
    result = rc.reconcile(claims, relations=[scoped])
    assert result.conflicts["place"].unique().tolist() == ["Erbil"]
    with pytest.raises(rc.ArgumentError, match="scoped by 'region'"):
        rc.reconcile(claims, relations=[rc.Relation.parse("a = b", scope={"region": "Ninewa"})])


def test_relations_need_counts_in_the_key() -> None:
    with pytest.raises(rc.ArgumentError, match="no 'counts'"):
        rc.reconcile(troops(), key=("place", "as_of"), relations=[FOREIGN])


def test_relations_that_contradict_themselves_are_an_error() -> None:
    with pytest.raises(rc.RelationError, match="whatever the claims say"):
        rc.reconcile(troops(), relations=["troops/us + troops/coalition <= -1"], implied_parts=False)


def test_cycles_go_to_the_lp_and_agree_with_an_independent_solve() -> None:
    # a = b + c and d = b + c + 10 share b and c: a cycle, settled by HiGHS.
    claims = rc.to_claims(
        [
            rc.Figure.between(100, 200, counts="b", source="x"),
            rc.Figure.between(50, 80, counts="c", source="x"),
            rc.Figure.between(0, 230, counts="a", source="x"),
            rc.Figure.between(200, 400, counts="d", source="x"),
        ]
    )
    result = rc.reconcile(claims, relations=["a = b + c", "d = b + c + 10"], key=("counts",))
    est = result.estimates.set_index("counts")
    # Exact: b + c in [190, 230] (from d - 10 >= 190 and a <= 230)
    # (HiGHS meets constraints to about 1e-7 of their scale; its bounds are widened by 1e-6.)
    assert est.loc["a", "low_tight"] == pytest.approx(190, rel=1e-5)
    assert est.loc["d", "high_tight"] == pytest.approx(240, rel=1e-5)
    assert est.loc["b", "low_tight"] == pytest.approx(110, rel=1e-5)
    assert est.loc["c", "high_tight"] == pytest.approx(80, rel=1e-5)
    for name in "abcd":  # never narrower than the exact projection
        bounds = [(100, 200), (50, 80), (0, 230), (200, 400)]
        a_eq = [[1, 1, -1, 0], [1, 1, 0, -1]]  # columns b, c, a, d
        index = "bcad".index(name)
        low = linprog(np.eye(4)[index], A_eq=a_eq, b_eq=[0, -10], bounds=bounds, method="highs").fun
        assert est.loc[name, "low_tight"] <= low + 1e-9


# -- adjustment --------------------------------------------------------------------------------


def test_adjust_meets_the_relations_and_flags_a_gross_error() -> None:
    foreign = rc.Figure.between(
        8500, 10500, counts="troops/foreign", source="invented", place=PLACE, as_of=DAY
    )
    result = rc.adjust(troops(foreign), [FOREIGN])
    adjusted = result.estimates.set_index("counts")["adjusted"]
    assert adjusted["troops/foreign"] == pytest.approx(adjusted["troops/us"] + adjusted["troops/coalition"])
    table = result.estimates
    assert not table["flagged"].any()
    assert result.dof == 1 and 0 < result.p_value < 1
    gross = rc.Figure.between(
        19_000, 21_000, counts="troops/foreign", source="invented", place=PLACE, as_of=DAY
    )
    flagged = rc.adjust(troops(gross), [FOREIGN])
    assert flagged.estimates["flagged"].any()
    assert flagged.p_value < 1e-6


def test_adjust_derives_unclaimed_quantities_and_refuses_inequalities() -> None:
    result = rc.adjust(troops(), [FOREIGN])
    row = result.estimates.set_index("counts").loc["troops/foreign"]
    assert row["adjusted"] == pytest.approx(8600)
    assert row["sigma"] == math.inf
    with pytest.raises(rc.ArgumentError, match="equalities only"):
        rc.adjust(troops(), ["troops/us <= troops/coalition"])
    with pytest.raises(rc.ArgumentError, match="non-empty list"):
        rc.adjust(troops(), [])


def test_adjustment_names_its_per_quantity_table_estimates_like_reconciliation() -> None:
    adjustment = rc.adjust(troops(), [FOREIGN])
    reconciliation = rc.reconcile(troops(), relations=[FOREIGN])
    # One row per quantity in both: the claimed ones, and in adjust's also those relations derive.
    assert set(reconciliation.estimates["counts"]) < set(adjustment.estimates["counts"])
    assert adjustment.estimates["counts"].is_unique
    with pytest.warns(DeprecationWarning, match="Adjustment.estimates"):
        older = adjustment.quantities
    assert older is adjustment.estimates


def test_a_violated_cycle_is_a_conflict_and_other_cycles_still_tighten() -> None:
    def family(place: str, a: tuple[int, int], d: tuple[int, int]) -> list[rc.Figure]:
        return [
            rc.Figure.between(100, 200, counts="b", source="x", place=place),
            rc.Figure.between(50, 80, counts="c", source="x", place=place),
            rc.Figure.between(*a, counts="a", source="x", place=place),
            rc.Figure.between(*d, counts="d", source="x", place=place),
        ]

    claims = rc.to_claims(family("P", (0, 230), (200, 400)) + family("Q", (0, 100), (200, 300)))
    result = rc.reconcile(claims, relations=["a = b + c", "d = b + c + 10"], key=("counts", "place"))
    conflict = result.conflicts
    assert conflict["place"].unique().tolist() == ["Q"]
    assert conflict["conflict_id"].nunique() == 1
    # The relations make d = a + 10, so Q's a (at most 100) and d (at least 200) cannot both
    # be right; b and c are not needed to see it (a set of b, c and a would be irreducible too).
    assert sorted(conflict["claim_id"]) == ["c7", "c8"]
    est = result.estimates.set_index(["place", "counts"])
    assert est.loc[("P", "a"), "low_tight"] == pytest.approx(190, rel=1e-5)
    assert est.loc[("Q", "a"), ["low_tight", "high_tight"]].isna().all()


@pytest.mark.parametrize("policy", sorted(rc.POLICIES))
def test_every_policy_finds_the_relation_conflict(policy: rc.Policy) -> None:
    foreign = [
        rc.Figure.exact(10_000, counts="troops/foreign", source="invented", place=PLACE, as_of=DAY),
        rc.Figure.between(
            9_900, 10_500, counts="troops/foreign", source="invented too", place=PLACE, as_of=DAY
        ),
    ]
    claims = troops(*foreign)
    result = rc.reconcile(claims, relations=[FOREIGN], policy=policy, weights={"U.S. officials": 2})
    conflict = result.conflicts[result.conflicts["kind"] == "relation"]
    assert conflict["conflict_id"].nunique() == 1
    members = set(conflict["claim_id"])
    assert {"c1", "c2"} <= members and members & {"c3", "c4"}


def test_relations_are_values_that_pickle() -> None:
    share = rc.Figure.between(0.4, 0.6, unit="dimensionless")
    relation = rc.Relation.parse("a = s * b + 3", figures={"s": share}, scope={"place": PLACE})
    again = pickle.loads(pickle.dumps(relation))
    assert again == relation and hash(again) == hash(relation)
    assert rc.Relation.parse("a = s * b + 3", figures={"s": share}) != relation  # the scope differs


def test_a_deep_hierarchy_is_propagated_to_its_far_end() -> None:
    # level/k = level/k+1 + extra/k+1, 300 levels deep; only the bottom and the extras claimed.
    depth = 300
    figures = [rc.Figure.exact(1, counts=f"extra/{k}", source="x") for k in range(1, depth + 1)]
    figures.append(rc.Figure.exact(5, counts=f"level/{depth}", source="x"))
    relations = [f"level/{k} = level/{k + 1} + extra/{k + 1}" for k in range(depth)]
    result = rc.reconcile(rc.to_claims(figures), relations=relations, key=("counts",))
    totals = result.totals.set_index("counts")
    assert list(totals[["low", "value", "high"]].loc["level/0"]) == [depth + 5] * 3


# -- review findings: large numbers, open ends, policies, scopes, increments ---------------------


@pytest.mark.parametrize(("scale", "gap"), [(1e8, 90), (1e8, 1), (1e11, 1000), (1000, 1)])
def test_a_small_gap_between_large_numbers_in_a_cycle_is_a_conflict(scale: float, gap: float) -> None:
    # a and d are both b + c: they must be equal, and the claims put them `gap` apart. b is
    # claimed (at least 0, which says nothing more), so that each relation misses at most one
    # quantity and holds: a = b + c derives c.
    cycle = ["a = b + c", "d = b + c", "b = e", "c = f"]
    some_b = rc.Figure.at_least(0, counts="b", source="s")
    apart = rc.to_claims(
        [
            rc.Figure.exact(scale, counts="a", source="s"),
            rc.Figure.exact(scale + gap, counts="d", source="s"),
            some_b,
        ]
    )
    conflict = rc.reconcile(apart, relations=cycle, implied_parts=False, key=("counts",)).conflicts
    assert set(conflict["kind"]) == {"relation"} and set(conflict["claim_id"]) == {"c1", "c2"}
    equal = rc.to_claims(
        [
            rc.Figure.exact(scale, counts="a", source="s"),
            rc.Figure.exact(scale, counts="d", source="s"),
            some_b,
        ]
    )
    result = rc.reconcile(equal, relations=cycle, implied_parts=False, key=("counts",))
    assert result.conflicts.empty
    assert result.totals.set_index("counts").loc["c", "high"] == pytest.approx(scale)


def test_lp_trouble_keeps_the_sound_bounds_and_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    import scipy.optimize

    def troubled(*args: object, **kwargs: object) -> object:
        return type("Done", (), {"status": 4, "x": None, "message": "numerical difficulties"})()

    # _propagate imports linprog where it solves, so the solver is replaced where it is found.
    monkeypatch.setattr(scipy.optimize, "linprog", troubled)
    claims = rc.to_claims(
        [
            rc.Figure.exact(10, counts="a", source="s"),
            rc.Figure.between(0, 20, counts="d", source="s"),
            rc.Figure.at_least(0, counts="b", source="s"),  # so that a = b + c holds, deriving c
        ]
    )
    with pytest.warns(RuntimeWarning, match="could not settle 1 group"):
        result = rc.reconcile(
            claims,
            relations=["a = b + c", "d = b + c", "b = e", "c = f"],
            implied_parts=False,
            key=("counts",),
        )
    assert result.conflicts.empty
    # Propagation's bounds stay: sound, d's range not cut to a's 10 as the LP would.
    tight = result.estimates.set_index("counts")
    assert tight.loc["d", "high_tight"] == 20


def test_an_open_claim_beside_a_bounded_one_raises_no_numpy_warning() -> None:
    # Runs with warnings as errors (pytestmark): inf - inf once leaked a RuntimeWarning.
    claims = rc.to_claims(
        [rc.Figure.at_least(10, counts="a", source="s"), rc.Figure.between(0, 5, counts="b", source="s")]
    )
    conflict = rc.reconcile(claims, relations=["a <= b"], key=("counts",)).conflicts
    assert set(conflict["claim_id"]) == {"c1", "c2"}


def test_an_envelope_relation_conflict_names_the_claims_of_both_sides() -> None:
    claims = rc.to_claims(
        [
            rc.Figure.between(100, 200, counts="b", source="s1"),
            rc.Figure.between(0, 10, counts="a", source="s2"),
            rc.Figure.between(20, 30, counts="a", source="s3"),
        ]
    )
    result = rc.reconcile(claims, policy="envelope", relations=["b <= a"], key=("counts",))
    relation = result.conflicts[result.conflicts["kind"] == "relation"]
    # Under the envelope a's range is 0-30, the hull of c2 and c3: its high end (set by c3)
    # is below b's low end (set by c1); c2 sets a's low end, which plays no part.
    assert set(relation["claim_id"]) == {"c1", "c3"}
    assert (
        relation["message"].iloc[0] == "c1: b 100–200; c3: a 20–30; no values in these ranges satisfy b <= a"
    )


def test_a_scope_that_matches_no_group_is_an_error_with_the_nearest_values() -> None:
    claims = rc.to_claims(
        [
            rc.Figure.exact(10, counts="a", source="x", place="X"),
            rc.Figure.exact(10, counts="b", source="x", place="Y"),
        ]
    )
    with pytest.raises(rc.RelationError, match="matches no group") as caught:
        rc.reconcile(
            claims, relations=[rc.Relation.parse("a = b", scope={"place": "x"})], key=("counts", "place")
        )
    assert "'X'" in str(caught.value) and caught.value.text == "a = b"


@pytest.mark.parametrize("relations", [["b = 5"], ["b = c + d", "c = 5", "d = 2"]])
def test_a_relation_whose_quantities_are_nowhere_is_an_error(relations: list[str]) -> None:
    claims = rc.to_claims([rc.Figure.exact(10, counts="a", source="x")])
    with pytest.raises(rc.RelationError, match="holds nowhere") as caught:
        rc.reconcile(claims, relations=relations, key=("counts",))
    assert caught.value.text == relations[0]


def test_scoped_relations_scale_to_thousands_of_places() -> None:
    n = 2000
    frame = pd.DataFrame(
        {
            "claim_id": [f"{name}{k}" for k in range(n) for name in "abc"],
            "counts": list("abc") * n,
            "place": np.repeat([f"p{k}" for k in range(n)], 3),
            "as_of": "2020",
            "low": [100, 40, 50] * n,
            "value": [100, 40, 50] * n,
            "high": [120, 60, 70] * n,
            "unit": "person",
            "source": "x",
        }
    )
    scoped = [rc.Relation.parse("a = b + c", scope={"place": f"p{k}"}) for k in range(n)]
    started = time.perf_counter()
    result = rc.reconcile(frame, relations=scoped)
    took = time.perf_counter() - started
    tight = result.estimates.set_index(["place", "counts"])
    assert len(tight) == 3 * n and result.conflicts.empty
    # a >= b + c >= 90 cuts nothing; b = a - c >= 100 - 70 = 30 cuts nothing either
    assert list(tight.loc[("p7", "a"), ["low_tight", "high_tight"]]) == [100, 120]
    assert list(tight.loc[("p7", "b"), ["low_tight", "high_tight"]]) == [40, 60]
    assert took < 10  # was minutes (every relation paired with every group, each round)


def test_a_decrease_written_as_an_increment_says_the_count_would_be_negative() -> None:
    claims = rc.to_claims(
        [
            rc.Figure.exact(5000, counts="troops/us/before", source="s"),
            rc.Figure.exact(4400, counts="troops/us/after", source="s"),
        ]
    )
    result = rc.reconcile(
        claims, relations=["troops/us/added = troops/us/after - troops/us/before"], key=("counts",)
    )
    message = result.conflicts["message"].iloc[0]
    assert "troops/us/added would be negative (-600); a count is never below 0" in message
    written_right = ["troops/us/removed = troops/us/before - troops/us/after"]
    assert rc.reconcile(claims, relations=written_right, key=("counts",)).conflicts.empty


def test_a_total_of_huge_ranges_keeps_its_sound_interval_without_a_warning() -> None:
    # The 90% interval's variance of a range near 1e200 overflows: it is open, not a warning.
    huge = rc.to_claims(
        [
            rc.Figure.between(0, 1e200, counts="a", source="s"),
            rc.Figure.between(0, 1e200, counts="b", source="s"),
        ]
    )
    total = rc.reconcile(huge, relations=["t = a + b"], key=("counts",)).totals.iloc[0]
    assert (total["low"], total["high"]) == (0, pytest.approx(2e200))
    assert total["low"] <= total["low_90"] <= total["high_90"] <= total["high"]
