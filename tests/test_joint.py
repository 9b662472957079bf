"""Joint reconciliation on real reporting: the claims set aside are chosen across quantities.

The cases are in ``tests/data/real/relations_*.csv`` with their relations (``.txt``) and an
analyst's reading of them (``.md``): who said what, where it was printed, and the arithmetic.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import reconcile as rc

REAL = Path(__file__).parent / "data" / "real"

#: A warning from numpy or pandas reaching the user is a bug: every warning fails a test.
pytestmark = pytest.mark.filterwarnings("error")


def real_case(name: str, *, leave_out: tuple[str, ...] = ()) -> tuple[pd.DataFrame, list[str]]:
    claims = rc.read_claims(REAL / f"relations_{name}.csv")
    lines = (REAL / f"relations_{name}.txt").read_text(encoding="utf-8").splitlines()
    relations = [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]
    return claims[~claims["claim_id"].isin(leave_out)].reset_index(drop=True), relations


def kept(result: rc.Reconciliation) -> dict[str, bool]:
    return dict(zip(result.claims["claim_id"], result.claims["kept"], strict=True))


def estimate_row(result: rc.Reconciliation, counts: str, as_of: str) -> pd.Series:
    estimates = result.estimates
    return estimates[(estimates["counts"] == counts) & (estimates["as_of"] == as_of)].iloc[0]


def test_of_two_reports_of_returns_the_one_the_relation_allows_is_kept() -> None:
    # IOM, 14 July 2017, passed on by Efe ("more than 220,000") and AFP ("nearly 200,000"):
    # 1,048,044 fled less 825,000 still displaced leaves 222,544-223,544 returned.
    claims, relations = real_case("mosul_returns_2017", leave_out=("mr-0714-returned-efe-lede",))
    result = rc.reconcile(claims, relations=relations)
    fate = kept(result)
    assert fate["mr-0714-returned-efe"] and not fate["mr-0714-returned-afp"]
    assert fate["mr-0714-fled-efe"] and fate["mr-0714-current-efe"]
    returned = estimate_row(result, "displaced/returned", "2017-07-14")
    assert (returned["low_tight"], returned["high_tight"]) == (222_544.0, 223_544.0)
    afp = result.claims.set_index("claim_id").loc["mr-0714-returned-afp"]
    assert "displaced/fled = displaced/current + displaced/returned" in afp["reason"]
    conflict = result.conflicts[result.conflicts["conflict_id"] == afp["conflict_id"]]
    assert set(conflict["kind"]) == {"relation"}
    assert "mr-0714-returned-afp" in set(conflict["claim_id"])
    assert {"displaced/fled", "displaced/current"} <= set(conflict["counts"])
    # 28 July: 1,073,712 fled, 839,118 still displaced, 234,594 returned fit together.
    assert result.estimates[result.estimates["as_of"] == "2017-07-28"]["status"].eq("single").all()


def test_a_rounded_lede_never_sets_aside_the_exact_figures() -> None:
    # "only 220,000 have been able to return" read to the thousand cannot meet 223,044 ± 500;
    # that is a conflict to report, never a reason to drop 1,048,044 or 825,000.
    claims, relations = real_case("mosul_returns_2017")
    result = rc.reconcile(claims, relations=relations)
    fate = kept(result)
    assert fate["mr-0714-fled-efe"] and fate["mr-0714-current-efe"] and fate["mr-0714-current-afp"]
    assert (result.conflicts["kind"] == "relation").any()


def test_a_figure_the_others_rule_out_is_set_aside_by_the_relation() -> None:
    # 4 April 2017: OCHA's 392,000 fled less 94,500 returned leaves 297,000-298,000 displaced;
    # IOM's 302,400 does not fit, OCHA's "around 300,000" does.
    claims, relations = real_case("mosul_displacement_early_2017")
    result = rc.reconcile(claims, relations=relations)
    fate = kept(result)
    assert not fate["md-0404-current-iom"] and fate["md-0404-current-ocha"]
    current = estimate_row(result, "displaced/current", "2017-04-04")
    assert (current["low_tight"], current["high_tight"]) == (297_000.0, 298_000.0)
    named = result.conflicts[result.conflicts["claim_id"] == "md-0404-current-iom"]["conflict_id"]
    members = set(result.conflicts[result.conflicts["conflict_id"].isin(named)]["claim_id"])
    assert members == {"md-0404-fled-ocha", "md-0404-returned-ocha", "md-0404-current-iom"}
    assert result.estimates[result.estimates["as_of"] == "2017-02-16"]["status"].eq("single").all()


def test_without_joint_each_quantity_keeps_its_own_choice() -> None:
    claims, relations = real_case("mosul_displacement_early_2017")
    result = rc.reconcile(claims, relations=relations, joint=False)
    assert result.claims["kept"].all()  # IOM's 302,400 meets OCHA's "around 300,000"
    relation = result.conflicts[result.conflicts["kind"] == "relation"]
    assert "md-0404-current-iom" in set(relation["claim_id"])


def test_a_sum_of_rounded_parts_is_not_a_conflict() -> None:
    # IPC Yemen, December 2018: "about 10.8 million" + "about 5 million" + 63,500 against
    # "15.9 million" reads as 15.86 million, but every figure is rounded: no conflict.
    claims, relations = real_case("yemen_ipc_rounding_2018")
    result = rc.reconcile(claims, relations=relations)
    assert result.conflicts.empty
    assert result.claims["kept"].all()
    ipc3 = result.estimates.set_index("counts").loc["food_insecure/ipc3"]
    assert (ipc3["low_tight"], ipc3["high_tight"]) == (10_286_500.0, 11_340_000.0)
    without_aid = result.estimates.set_index("counts").loc["food_insecure_without_aid"]
    assert (without_aid["low_tight"], without_aid["high_tight"]) == (20_122_500.0, 20_125_500.0)


def test_an_area_figure_above_its_countrys_is_a_conflict_and_both_stay() -> None:
    # LSHTM's ~26,000 violent deaths in Khartoum State against ACLED's 20,178 for all of
    # Sudan (April 2023 - June 2024): definitions differ; one voice each, so no weight decides.
    claims, relations = real_case("sudan_deaths_places")
    result = rc.reconcile(claims, relations=relations)
    relation = result.conflicts[result.conflicts["kind"] == "relation"]
    assert relation["conflict_id"].nunique() == 1
    assert set(relation["claim_id"]) == {"sd-sudan-violent-acled", "sd-khartoum-violent-lshtm-reuters"}
    assert result.claims["kept"].all()
    geneina = result.estimates[result.estimates["place"] == "Sudan/West Darfur/El Geneina"]
    assert geneina.set_index("as_of").loc["2023-04-15/2024-01-19", "high_tight"] == 12_600.0


def test_the_relations_decide_a_tie_between_two_country_figures() -> None:
    # Two sources for the country disagree (a tie on their own); the area's figure fits only
    # the higher one, so the lower is set aside, named with the area's claim.
    claims = rc.to_claims(
        [
            rc.Figure.exact(615_500, counts="displaced", place="Somalia", source="A"),
            rc.Figure.exact(800_000, counts="displaced", place="Somalia", source="B"),
            rc.Figure.exact(700_000, counts="displaced", place="Somalia/Bay", source="C"),
        ]
    ).assign(as_of="2022-06-30")
    result = rc.reconcile(claims)
    assert kept(result) == {"c1": False, "c2": True, "c3": True}
    country = result.estimates.set_index("place").loc["Somalia"]
    assert country["status"] == "conflict" and country["low"] == 800_000.0
    assert "c3" in str(result.claims.set_index("claim_id").loc["c1", "reason"])
    tie = rc.reconcile(claims[claims["claim_id"] != "c2"])  # one voice each: nothing decides
    assert tie.claims["kept"].all()
    assert set(tie.conflicts[tie.conflicts["kind"] == "relation"]["claim_id"]) == {"c1", "c3"}


def test_weight_decides_across_quantities() -> None:
    # Two agreeing sources for the whole outweigh one for the part: the part's claim is the
    # one the relation sets aside, although the part keeps it (a quantity keeps one voice).
    claims = rc.to_claims(
        [
            rc.Figure.exact(100, counts="a", source="x"),
            rc.Figure.between(95, 105, counts="a", source="y"),
            rc.Figure.exact(60, counts="a/b", source="z"),
            rc.Figure.exact(70, counts="a/b", source="w"),
            rc.Figure.exact(30, counts="a/c", source="v"),
        ]
    )
    result = rc.reconcile(claims, key=("counts",), relations=["a = a/b + a/c"])
    assert kept(result) == {"c1": True, "c2": True, "c3": False, "c4": True, "c5": True}
    b = result.estimates.set_index("counts").loc["a/b"]
    assert (b["low"], b["high"], b["status"]) == (70.0, 70.0, "conflict")
    assert np.isfinite(result.estimates["low_tight"]).all()


@pytest.mark.parametrize(
    "name", sorted(path.stem.removeprefix("relations_") for path in REAL.glob("relations_*.csv"))
)
def test_the_master_problem_weighed_choice_by_choice_decides_as_the_milp_does(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Small systems weigh every choice of voices in numpy rather than call HiGHS: the same
    # voices kept, the same conflicts, the same estimates.
    from reconcile.relations import subsystem

    claims, relations = real_case(name)
    enumerated = rc.reconcile(claims, relations=relations)
    monkeypatch.setattr(subsystem, "ENUMERATED_VOICES", 0)
    solved = rc.reconcile(claims, relations=relations)
    pd.testing.assert_frame_equal(enumerated.claims, solved.claims)
    pd.testing.assert_frame_equal(enumerated.estimates, solved.estimates)
    pd.testing.assert_frame_equal(enumerated.conflicts, solved.conflicts)
