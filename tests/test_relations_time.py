"""Stock and flow relations across time: ``stock@end = stock@start + inflow - outflow``.

The camp figures (100 displaced on 20 September 2017, 40 newly displaced and 10 returned to 31
December, 130 then) are illustrative. The Iraq returnee figures are IOM's Displacement
Tracking Matrix: round 109 (published 20 May 2019) counted 4,266,882 returnees as of 30 April
2019 and 54,900 more recorded in March and April; round 111 (published 28 October 2019)
counted 4,350,150 as of 31 August 2019, 45,012 more recorded in July and August, and 38,256 in
round 110 (May and June).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile.errors import Reason
from reconcile.relations import Term

#: A warning from numpy or pandas reaching the user is a bug: every warning fails a test.
pytestmark = pytest.mark.filterwarnings("error")

#: Each example reconciles a table: a fifth of the profile's count, at least 10.
EXAMPLES = max(10, settings().max_examples // 5)
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]

STOCK_FLOW = "displaced/current@end = displaced/current@start + displaced/new - displaced/returned"
SPAN = "2017-09-20/2017-12-31"
CAMP: dict[str, Any] = {"place": "Camp A", "source": "illustrative"}


def camp(end: rc.Figure | None = None, *, new: rc.Figure | None = None) -> pd.DataFrame:
    """100 displaced on the span's first day, 40 new and 10 returned over it, and ``end``."""
    figures = [
        rc.Figure.exact(100, counts="displaced/current", as_of="2017-09-20", **CAMP),
        new or rc.Figure.exact(40, counts="displaced/new", as_of=SPAN, **CAMP),
        rc.Figure.exact(10, counts="displaced/returned", as_of=SPAN, **CAMP),
    ]
    return rc.to_claims([*figures, *([end] if end is not None else [])])


def at_end(low: float, high: float) -> rc.Figure:
    return rc.Figure.between(low, high, counts="displaced/current", as_of="2017-12-31", **CAMP)


def ranges(result: rc.Reconciliation, counts: str, as_of: str, ends: tuple[str, str]) -> tuple[float, float]:
    """The ``ends`` columns (``("low", "high")``, ``("low_tight", "high_tight")``) of one estimate."""
    estimates = result.estimates
    row = estimates[(estimates["counts"] == counts) & (estimates["as_of"] == as_of)]
    assert len(row) == 1
    return float(row[ends[0]].iloc[0]), float(row[ends[1]].iloc[0])


TIGHT = ("low_tight", "high_tight")


# -- reading -------------------------------------------------------------------------------------


def test_time_suffixes_date_a_stock_to_the_start_or_end_of_the_flows_span() -> None:
    relation = rc.Relation.parse(STOCK_FLOW)
    assert [(term.quantity, term.at, term.coefficient) for term in relation.terms] == [
        ("displaced/current", "end", 1.0),
        ("displaced/current", "start", -1.0),
        ("displaced/new", None, -1.0),
        ("displaced/returned", None, 1.0),
    ]
    assert relation.quantities == ("displaced/current", "displaced/new", "displaced/returned")
    assert relation.defines == ("displaced/current",)
    assert relation.across_time
    assert not rc.Relation.parse("a = b + c").across_time
    assert rc.Relation.parse("a = b").terms[0] == Term(1.0, (), "a", 0, "left")  # no suffix: at=None


def test_a_suffix_follows_quoted_names_known_names_and_products() -> None:
    quoted = rc.Relation.parse("`people in camps`@end = `people in camps`@start + 2 * arrivals")
    assert [(t.quantity, t.at) for t in quoted.terms] == [
        ("people in camps", "end"),
        ("people in camps", "start"),
        ("arrivals", None),
    ]
    known = rc.Relation.parse(
        "deaths/pro-government@end = deaths/pro-government@start + deaths/pro-government/new",
        names=["deaths/pro-government", "deaths/pro-government/new"],
    )
    assert [(t.quantity, t.at) for t in known.terms] == [
        ("deaths/pro-government", "end"),
        ("deaths/pro-government", "start"),
        ("deaths/pro-government/new", None),
    ]
    share = rc.Figure.between(0.4, 0.6, unit="dimensionless")
    scaled = rc.Relation.parse("stock@end = share * stock@start + new", figures={"share": share})
    assert (scaled.terms[1].figures, scaled.terms[1].at) == (("share",), "start")


@pytest.mark.parametrize(
    ("text", "position", "words", "hint"),
    [
        ("stock@finish = stock@start + new", 5, "unknown time suffix '@finish'", "did you mean '@end'?"),
        ("stock@begin = stock@end + new", 5, "unknown time suffix '@begin'", "did you mean '@start'?"),
        ("stock@middle = stock@start + new", 5, "unknown time suffix '@middle'", "'@start'"),
        ("stock@ end = stock@start + new", 5, "expected 'start' or 'end' right after '@'", "'@end'"),
        ("stock@end = 2@start + new", 13, "'@start' follows '2', which is not a quantity", "'@start'"),
        ("stock@end = stock@start", 0, "no flow gives the span", "name at least one flow"),
        ("stock@end = stock@start + other@start", 0, "no flow gives the span", "without a suffix"),
        ("stock@end = stock@start + stock@start + new", 26, "'stock@start' appears twice", "name each"),
        ("stock@end@start = stock@start + new", 9, "expected '+', '-', '*'", "sums of quantities"),
    ],
)
def test_a_bad_time_suffix_is_a_relation_error_with_a_hint(
    text: str, position: int, words: str, hint: str
) -> None:
    with pytest.raises(rc.RelationError) as caught:
        rc.Relation.parse(text)
    error = caught.value
    assert words in error.problem
    assert hint in error.hint
    assert error.position == position
    assert error.text == text
    assert str(error.details).endswith(" " * position + "^")


# -- reconciling ---------------------------------------------------------------------------------


def test_a_consistent_stock_and_flow_set_is_feasible_and_tightens_the_ranges() -> None:
    claims = camp(at_end(120, 200), new=rc.Figure.about(40, counts="displaced/new", as_of=SPAN, **CAMP))
    result = rc.reconcile(claims, relations=[STOCK_FLOW])
    assert result.conflicts.empty
    assert result.totals.empty  # every stock is claimed
    assert ranges(result, "displaced/current", "2017-12-31", ("low", "high")) == (120.0, 200.0)
    assert ranges(result, "displaced/current", "2017-12-31", TIGHT) == (126.0, 134.0)  # 100 + (36 to 44) - 10
    assert ranges(result, "displaced/new", SPAN, TIGHT) == (36.0, 44.0)


def test_a_consistent_exact_set_is_feasible() -> None:
    result = rc.reconcile(camp(at_end(130, 130)), relations=[STOCK_FLOW])
    assert result.conflicts.empty
    assert result.estimates["low_tight"].tolist() == result.estimates["low"].tolist()


def test_an_inconsistent_stock_and_flow_set_is_a_relation_conflict_naming_the_claims() -> None:
    result = rc.reconcile(camp(at_end(500, 500)), relations=[STOCK_FLOW])
    conflicts = result.conflicts
    assert conflicts["kind"].unique().tolist() == ["relation"]
    assert conflicts["conflict_id"].unique().tolist() == ["C1"]
    # The 10 returned are not needed: with no returns at all, at most 140 are displaced at the end.
    assert conflicts["claim_id"].tolist() == ["c1", "c2", "c4"]
    assert conflicts["as_of"].tolist() == ["2017-09-20", SPAN, "2017-12-31"]
    message = conflicts["message"].iloc[0]
    assert "c1: displaced/current 100 as of 2017-09-20" in message
    assert "c4: displaced/current 500 as of 2017-12-31" in message
    assert message.endswith(f"no values in these ranges satisfy {STOCK_FLOW}")
    assert result.estimates["low_tight"].isna().all()  # no values satisfy the system


def test_claims_of_one_date_keep_their_messages_without_dates() -> None:
    fled = "displaced/fled = displaced/current + displaced/returned"
    where: dict[str, Any] = {"place": "West Mosul", "as_of": "2017-07-10", "source": "illustrative"}
    claims = rc.to_claims(
        [
            rc.Figure.exact(217_000, counts="displaced/fled", **where),
            rc.Figure.exact(160_000, counts="displaced/current", **where),
            rc.Figure.exact(58_000, counts="displaced/returned", **where),
        ]
    )
    message = rc.reconcile(claims, relations=[fled]).conflicts["message"].iloc[0]
    assert " as of " not in message


def test_a_stock_no_claim_gives_on_a_spans_last_day_is_derived_into_the_totals() -> None:
    result = rc.reconcile(camp(), relations=[STOCK_FLOW])
    totals = result.totals
    assert totals[["counts", "place", "as_of"]].values.tolist() == [
        ["displaced/current", "Camp A", "2017-12-31"]
    ]
    assert totals[["low", "value", "high"]].values.tolist() == [[130.0, 130.0, 130.0]]
    assert totals["claim_ids"].tolist() == ["c1, c2, c3"]
    assert totals["relations"].tolist() == [STOCK_FLOW]


def test_the_returnees_when_an_iom_round_began_follow_from_its_end_and_its_returns() -> None:
    dtm: dict[str, Any] = {"place": "Iraq", "source": "IOM DTM"}
    round_109 = rc.to_claims(
        [
            rc.parse("4,266,882", counts="returnees", as_of="2019-04-30", **dtm),
            rc.parse("54,900", counts="returns", as_of="2019-03/2019-04", **dtm),
        ]
    )
    totals = rc.reconcile(round_109, relations=["returnees@end = returnees@start + returns"]).totals
    assert totals[["counts", "as_of"]].values.tolist() == [["returnees", "2019-03-01"]]
    assert totals["value"].tolist() == [4_266_882 - 54_900]


def test_iom_rounds_111_and_110_agree_and_a_misread_increase_does_not() -> None:
    dtm: dict[str, Any] = {"place": "Iraq", "source": "IOM DTM"}
    relation = "returnees@end = returnees@start + returns"
    claims = rc.to_claims(
        [
            rc.parse("4,350,150", counts="returnees", as_of="2019-08-31", **dtm),
            rc.parse("45,012", counts="returns", as_of="2019-07/2019-08", **dtm),
            # Round 110's end plus its returns: the stock on the first day of round 111.
            rc.Figure.exact(4_266_882 + 38_256, counts="returnees", as_of="2019-07-01", **dtm),
        ]
    )
    assert rc.reconcile(claims, relations=[relation]).conflicts.empty
    misread = claims.assign(value=claims["value"].replace(45_012, 54_012))
    misread = misread.assign(low=misread["value"], high=misread["value"])
    conflicts = rc.reconcile(misread, relations=[relation]).conflicts
    assert conflicts["kind"].unique().tolist() == ["relation"]
    assert sorted(conflicts["claim_id"]) == ["c1", "c2", "c3"]


def test_a_month_runs_from_its_first_day_to_its_last_and_a_month_dated_stock_is_not_a_day() -> None:
    relation = "displaced/current@end = displaced/current@start + displaced/new"
    claims = rc.to_claims(
        [
            rc.Figure.exact(40, counts="displaced/new", as_of="2017-12", **CAMP),
            rc.Figure.exact(100, counts="displaced/current", as_of="2017-12-01", **CAMP),
            rc.Figure.exact(999, counts="displaced/current", as_of="2017-11", **CAMP),
        ]
    )
    result = rc.reconcile(claims, relations=[relation])
    assert result.conflicts.empty  # November's 999 is no day of December's span
    assert result.totals[["as_of", "value"]].values.tolist() == [["2017-12-31", 140.0]]


def test_each_place_relates_its_own_stocks() -> None:
    other: dict[str, Any] = {"place": "Camp B", "source": "illustrative"}
    claims = pd.concat(
        [
            camp(at_end(130, 130)),
            rc.to_claims(
                [
                    rc.Figure.exact(7, counts="displaced/current", as_of="2017-09-20", **other),
                    rc.Figure.exact(3, counts="displaced/new", as_of=SPAN, **other),
                    rc.Figure.exact(0, counts="displaced/returned", as_of=SPAN, **other),
                ],
                ids=["b1", "b2", "b3"],
            ),
        ],
        ignore_index=True,
    )
    result = rc.reconcile(claims, relations=[STOCK_FLOW])
    assert result.conflicts.empty
    assert result.totals[["place", "as_of", "value"]].values.tolist() == [["Camp B", "2017-12-31", 10.0]]


def test_spans_that_follow_each_other_relate_the_stocks_of_their_own_days() -> None:
    relation = "displaced/current@end = displaced/current@start + displaced/new"
    claims = rc.to_claims(
        [
            rc.Figure.exact(100, counts="displaced/current", as_of="2017-11-01", **CAMP),
            rc.Figure.exact(10, counts="displaced/new", as_of="2017-11", **CAMP),
            rc.Figure.exact(20, counts="displaced/new", as_of="2017-12", **CAMP),
            rc.Figure.exact(115, counts="displaced/current", as_of="2017-12-01", **CAMP),
        ]
    )
    totals = rc.reconcile(claims, relations=[relation]).totals
    assert totals[["as_of", "value"]].values.tolist() == [["2017-11-30", 110.0], ["2017-12-31", 135.0]]


def test_a_stock_derived_on_a_day_reaches_the_relations_of_that_day() -> None:
    parts = "displaced/current/hosts = displaced/current - displaced/current/camps"
    in_camps = [
        rc.Figure.exact(90, counts="displaced/current/camps", as_of="2017-09-20", **CAMP),
        rc.Figure.exact(100, counts="displaced/current/camps", as_of="2017-12-31", **CAMP),
    ]
    claims = pd.concat([camp(), rc.to_claims(in_camps, ids=["p1", "p2"])], ignore_index=True)
    result = rc.reconcile(claims, relations=[STOCK_FLOW, parts], implied_parts=False)
    totals = result.totals.set_index(["counts", "as_of"])
    assert totals.loc[("displaced/current", "2017-12-31"), "value"] == 130.0
    assert totals.loc[("displaced/current/hosts", "2017-09-20"), "value"] == 10.0
    assert totals.loc[("displaced/current/hosts", "2017-12-31"), "value"] == 30.0  # 130 derived - 100
    # Without the camps on 31 December, the derived stock alone derives no split of it that day.
    alone = rc.reconcile(
        claims[claims["claim_id"] != "p2"], relations=[STOCK_FLOW, parts], implied_parts=False
    )
    assert set(zip(alone.totals["counts"], alone.totals["as_of"], strict=True)) == {
        ("displaced/current", "2017-12-31"),
        ("displaced/current/hosts", "2017-09-20"),
    }


def test_a_scope_picks_the_spans_a_stock_and_flow_relation_holds_over() -> None:
    scoped = rc.Relation.parse(STOCK_FLOW, scope={"as_of": SPAN})
    assert (
        rc.reconcile(camp(at_end(500, 500)), relations=[scoped]).conflicts["kind"].tolist()
        == ["relation"] * 3
    )
    elsewhere = rc.Relation.parse(STOCK_FLOW, scope={"place": "Camp B"})
    with pytest.raises(rc.RelationError, match="matches no group"):
        rc.reconcile(camp(at_end(500, 500)), relations=[elsewhere])


def test_adjust_fits_stock_and_flow_relations_too() -> None:
    claims = camp(at_end(140, 160))
    fit = rc.adjust(claims, [STOCK_FLOW])
    adjusted = fit.estimates.set_index(["counts", "as_of"])["adjusted"]
    start, end = adjusted[("displaced/current", "2017-09-20")], adjusted[("displaced/current", "2017-12-31")]
    new, returned = adjusted[("displaced/new", SPAN)], adjusted[("displaced/returned", SPAN)]
    assert end == pytest.approx(start + new - returned)


def test_a_relation_whose_flows_are_claimed_on_no_span_holds_nowhere() -> None:
    relation = "displaced/current@end = displaced/current@start + displaced/new"
    claims = rc.to_claims(
        [
            rc.Figure.exact(40, counts="displaced/new", as_of="2017-12-05", **CAMP),  # a day: no span
            rc.Figure.exact(100, counts="displaced/current", as_of="2017-12-01", **CAMP),
        ]
    )
    with pytest.raises(rc.RelationError) as caught:
        rc.reconcile(claims, relations=[relation])
    error = caught.value
    assert error.reason is Reason.RELATION_HOLDS_NOWHERE
    assert "none of its flows (displaced/new) is claimed over a span" in error.problem
    assert "2017-09-20/2017-12-31" in error.hint


def test_a_stock_and_flow_relation_needs_as_of_in_the_key() -> None:
    with pytest.raises(rc.RelationError, match="the key has no 'as_of'") as caught:
        rc.reconcile(camp(), relations=[STOCK_FLOW], key=("counts", "place"))
    assert "keep 'as_of' in the key" in caught.value.hint


def test_every_quantity_of_a_stock_and_flow_relation_is_claimed_somewhere_as_in_a_sum() -> None:
    with pytest.raises(rc.RelationError, match="no claim gives 'displaced/left'"):
        rc.reconcile(camp(), relations=[STOCK_FLOW + " - displaced/left"])


# -- properties ----------------------------------------------------------------------------------

_COUNTS = st.integers(min_value=0, max_value=10**6)


@settings(max_examples=EXAMPLES, phases=PHASES)
@given(start=_COUNTS, new=_COUNTS, returned=_COUNTS, slack=st.integers(min_value=0, max_value=1000))
def test_true_stocks_and_flows_are_feasible_and_inside_the_tightened_ranges(
    start: int, new: int, returned: int, slack: int
) -> None:
    returned = min(returned, start + new)  # no more return than were there
    end = start + new - returned
    claims = rc.to_claims(
        [
            rc.Figure.between(
                max(start - slack, 0), start + slack, counts="displaced/current", as_of="2017-09-20", **CAMP
            ),
            rc.Figure.exact(new, counts="displaced/new", as_of=SPAN, **CAMP),
            rc.Figure.exact(returned, counts="displaced/returned", as_of=SPAN, **CAMP),
            rc.Figure.at_least(
                max(end - 2 * slack, 0), counts="displaced/current", as_of="2017-12-31", **CAMP
            ),
        ]
    )
    result = rc.reconcile(claims, relations=[STOCK_FLOW])
    assert result.conflicts.empty
    low, high = ranges(result, "displaced/current", "2017-12-31", TIGHT)
    assert low <= end <= high
    assert high <= end + slack + 1e-6 * end  # tightened from an open end


@settings(max_examples=EXAMPLES, phases=PHASES)
@given(start=_COUNTS, new=_COUNTS, off=st.integers(min_value=1, max_value=10**5))
def test_an_end_stock_off_the_relation_is_always_a_conflict(start: int, new: int, off: int) -> None:
    claims = rc.to_claims(
        [
            rc.Figure.exact(start, counts="displaced/current", as_of="2017-09-20", **CAMP),
            rc.Figure.exact(new, counts="displaced/new", as_of=SPAN, **CAMP),
            rc.Figure.exact(0, counts="displaced/returned", as_of=SPAN, **CAMP),
            rc.Figure.exact(start + new + off, counts="displaced/current", as_of="2017-12-31", **CAMP),
        ]
    )
    conflicts = rc.reconcile(claims, relations=[STOCK_FLOW]).conflicts
    assert conflicts["kind"].tolist() == ["relation"] * 3
    assert conflicts["claim_id"].tolist() == ["c1", "c2", "c4"]
