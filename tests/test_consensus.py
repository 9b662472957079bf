import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile.consensus import estimate
from reconcile.strategies import claims, figures


def mosul_militants() -> pd.DataFrame:
    return rc.to_claims(
        [
            rc.Figure.about(
                5000,
                counts="militants",
                source=rc.Source(name="U.S. officials", via="CNN"),
                place="Mosul",
                as_of="2016-10-17",
            ),
            rc.Figure.at_least(
                7000,
                counts="militants",
                source=rc.Source(name="the group's backers", via="CNN"),
                place="Mosul",
                as_of="2016-10-17",
            ),
            rc.Figure.about(5000, counts="troops/us", source="CNN", place="Mosul", as_of="2016-10-17"),
        ],
        ids=["us", "backers", "troops"],
    )


def one_quantity(figures: list[rc.Figure]) -> pd.DataFrame:
    """Claims about one quantity: killed in Mosul in October 2016, where a figure does not say."""
    filled = [
        figure.replace(counts=figure.counts or "killed", place="Mosul", as_of="2016-10") for figure in figures
    ]
    return rc.to_claims(filled)


def test_two_equal_voices_that_disagree_are_unresolved_not_decided_by_value() -> None:
    # CNN, 17 October 2016: U.S. officials said about 5,000 militants, the group's backers
    # at least 2,000 more. Neither outweighs the other, so no value decides.
    result = rc.reconcile(mosul_militants())
    militants = result.estimates.set_index("counts").loc["militants"]
    assert militants["status"] == "unresolved"
    assert (militants["low"], militants["high"]) == (4500.0, math.inf)  # the envelope of both
    assert (militants["n_claims"], militants["n_kept"], militants["n_voices"]) == (2, 2, 2)
    assert result.estimates.set_index("counts").loc["troops/us", "status"] == "single"
    assert sorted(result.conflicts["claim_id"]) == ["backers", "us"]
    assert result.conflicts["kind"].unique().tolist() == ["disjoint"]
    assert "none outweighs the others" in result.conflicts["message"][0]


def test_a_weighted_voice_settles_a_disagreement() -> None:
    result = rc.reconcile(mosul_militants(), weights={"U.S. officials": 2})
    militants = result.estimates.set_index("counts").loc["militants"]
    assert militants["status"] == "conflict"
    assert (militants["low"], militants["high"], militants["n_kept"]) == (4500.0, 5500.0, 1)
    assert result.conflicts["claim_id"].tolist() == ["us", "backers"]
    assert result.conflicts["message"][0].endswith("the ranges share no point: 1,500 militants apart")
    assert result.conflicts["message"][0].startswith("U.S. officials via CNN: about 5,000 militants")


def test_every_claim_comes_back_in_input_order_with_its_fate() -> None:
    claims_in = mosul_militants()
    result = rc.reconcile(claims_in, weights={"U.S. officials": 2})
    assert result.claims["claim_id"].tolist() == claims_in["claim_id"].tolist()
    assert result.claims["kept"].tolist() == [True, False, True]
    assert result.claims["reason"][0] == result.claims["reason"][2] == ""
    assert "shares no point" in result.claims["reason"][1]
    assert result.claims["conflict_id"].tolist()[1] == "C1"


def test_a_tie_is_unresolved_and_its_estimate_is_the_envelope_of_the_tied_sets() -> None:
    result = rc.reconcile(one_quantity([rc.Figure.between(0, 100), rc.Figure.between(200, 210)]))
    assert (result.estimates["low"][0], result.estimates["high"][0]) == (0.0, 210.0)
    assert result.estimates["status"][0] == "unresolved"
    assert result.claims["kept"].all()
    assert result.conflicts["claim_id"].tolist() == ["c1", "c2"]


def test_a_voice_in_every_tied_set_is_not_named_in_the_tie() -> None:
    wide, low, high = rc.Figure.between(0, 10), rc.Figure.between(0, 3), rc.Figure.between(7, 10)
    result = rc.reconcile(one_quantity([wide, low, high]))
    assert result.estimates["status"][0] == "unresolved"
    assert result.conflicts["claim_id"].tolist() == ["c2", "c3"]
    assert (result.estimates["low"][0], result.estimates["high"][0]) == (0.0, 10.0)


def test_ranges_a_float_apart_share_no_point_and_touching_ranges_do() -> None:
    below_one = math.nextafter(1.0, 0.0)
    apart = rc.reconcile(one_quantity([rc.Figure.between(0, below_one), rc.Figure.between(1, 2)]))
    assert apart.estimates["status"][0] == "unresolved"
    touching = rc.reconcile(one_quantity([rc.Figure.between(0, 1), rc.Figure.between(1, 2)]))
    assert touching.estimates["status"][0] == "agreed"
    assert (touching.estimates["low"][0], touching.estimates["high"][0]) == (1.0, 1.0)


def test_weights_choose_between_sources() -> None:
    table = mosul_militants()
    result = rc.reconcile(table, weights={"the group's backers": 3})
    assert result.claims.set_index("claim_id").loc["backers", "kept"]
    assert not result.claims.set_index("claim_id").loc["us", "kept"]
    column = rc.reconcile(table.assign(weight=[5.0, 1.0, math.nan]))
    assert column.claims.set_index("claim_id").loc["us", "kept"]


def test_convertible_units_are_converted_to_the_first_claims_unit() -> None:
    table = one_quantity([rc.Figure.exact(2, unit="km"), rc.Figure.between(1500, 2500, unit="m")])
    result = rc.reconcile(table)
    assert result.estimates["unit"][0] == "kilometer"
    assert result.estimates["status"][0] == "agreed"
    assert result.estimates["low"][0] == pytest.approx(2.0)


def test_the_heaviest_family_of_units_wins_whatever_the_row_order() -> None:
    figures = [rc.Figure.exact(2000, unit="household", counts="d")]
    figures += [rc.Figure.about(10_000, counts="d", source=name) for name in "BCD"]
    table = one_quantity(figures)
    for order in ([0, 1, 2, 3], [1, 2, 3, 0]):
        result = rc.reconcile(table.iloc[order])
        assert result.estimates["unit"][0] == "person"
        assert (result.estimates["low"][0], result.estimates["high"][0]) == (9000.0, 11000.0)
        assert result.claims.set_index("claim_id").loc["c1", "kept"] == False  # noqa: E712


def test_mixed_units_are_shown_in_the_quantitys_unit() -> None:
    table = one_quantity(
        [
            rc.Figure.exact(3, unit="tonne", counts="food"),
            rc.Figure.exact(5000, unit="kg", counts="food"),
            rc.Figure.exact(3000, unit="kg", counts="food"),
        ]
    )
    message = rc.reconcile(table).conflicts["message"][0]
    assert "5 metric_ton (food)" in message
    assert "kilogram" not in message


@pytest.mark.parametrize("scale", [1e-10, 1.0, 1e12])
def test_weights_of_any_scale_pick_the_heaviest_set(scale: float) -> None:
    table = one_quantity(
        [rc.Figure.between(0, 10), rc.Figure.between(0, 10), rc.Figure.between(20, 30)]
    ).assign(weight=[scale, scale, 3 * scale])
    result = rc.reconcile(table)
    assert result.claims["kept"].tolist() == [False, False, True]


def test_a_slightly_heavier_source_wins() -> None:
    table = one_quantity([rc.Figure.between(0, 10, source="A"), rc.Figure.exact(20, source="B")])
    result = rc.reconcile(table, weights={"A": 1.0000000004})
    assert result.claims["kept"].tolist() == [True, False]


@pytest.mark.parametrize(
    "arguments",
    [
        {"weights": {"A": "2"}},
        {"weights": [1, 2]},
        {"weights": {"A": None}},
        {"key": None},
        {"key": "counts"},
        {"policy": ["x"]},
    ],
)
def test_odd_arguments_are_argument_errors(arguments: dict[str, object]) -> None:
    with pytest.raises(rc.ArgumentError):
        rc.reconcile(mosul_militants(), **arguments)  # type: ignore[call-overload]


def test_people_and_households_in_one_quantity_are_a_unit_conflict_not_a_crash() -> None:
    table = one_quantity(
        [
            rc.Figure.exact(7619, unit="family", counts="displaced", source="IOM"),
            rc.Figure.exact(45714, counts="displaced", source="OCHA"),
        ]
    )
    result = rc.reconcile(table)
    assert result.conflicts["kind"].unique().tolist() == ["unit"]
    assert result.claims["kept"].tolist() == [True, False]
    assert "cannot be converted" in result.claims["reason"][1]
    assert result.estimates["unit"][0] == "family"


def test_raise_if_conflicts_lists_every_conflict() -> None:
    result = rc.reconcile(mosul_militants(), weights={"U.S. officials": 2})
    with pytest.raises(rc.ConflictError, match=r"C1: U\.S\. officials via CNN") as caught:
        result.raise_if_conflicts()
    assert caught.value.conflicts is result.conflicts


def test_the_key_is_configurable() -> None:
    table = mosul_militants()
    assert len(rc.reconcile(table, key=["place"]).estimates) == 1
    with pytest.raises(rc.ArgumentError, match="'region'"):
        rc.reconcile(table, key=["region"])


def test_claims_with_a_blank_key_cell_are_refused_not_pooled() -> None:
    # Pooled, the first and third claims would be one quantity, though neither names a place.
    table = rc.to_claims(
        [
            rc.Figure.about(5000, counts="militants", as_of="2016-10-17", source="U.S. officials"),
            rc.Figure.exact(9000, counts="militants", place="Mosul", as_of="2016-10-17", source="CNN"),
            rc.Figure.at_least(7000, counts="militants", source="backers"),
        ]
    )
    with pytest.raises(rc.ClaimsError) as caught:
        rc.reconcile(table)
    error = caught.value
    assert (vars(error)["rows"], vars(error)["columns"]) == ([0, 2], ("place", "as_of"))
    assert str(error).startswith("2 claims leave a key column blank (place, as_of)")
    assert str(error).splitlines()[1:] == [
        "  row 0: claim 'c1' (counts='militants', as_of='2016-10-17') has no place",
        "  row 2: claim 'c3' (counts='militants') has no place or as_of",
    ]
    assert error.hint == (
        "fill place and as_of in for these claims, or leave them out of key= "
        "(e.g. key=('counts',)) to pool claims whatever their place and as_of"
    )
    assert error.failures["index"].tolist() == [0, 2]
    assert error.failures["column"].tolist() == ["place", "place, as_of"]
    # Left out of the key, the column no longer names quantities, and the claims pool.
    assert rc.reconcile(table, key=("counts",)).estimates["n_claims"].tolist() == [3]


def test_a_blank_cell_of_any_key_column_is_refused_and_named_by_the_tables_index() -> None:
    region = np.array(["Nineveh", "  ", None], dtype=object)
    table = mosul_militants().assign(region=region).set_index(pd.Index([10, 11, 12]))
    with pytest.raises(rc.ClaimsError, match=r"^2 claims leave a key column blank \(region\)") as caught:
        rc.reconcile(table, key=["counts", "region"])
    assert vars(caught.value)["rows"] == [11, 12]
    assert "  row 11: claim 'backers' (counts='militants') has no region" in str(caught.value)
    assert caught.value.hint.endswith("(e.g. key=('counts',)) to pool claims whatever their region")
    with pytest.raises(rc.ClaimsError, match="fill region in for these claims, or name quantities by other"):
        rc.reconcile(table, key=["region"])


def test_a_long_list_of_claims_with_blank_keys_is_cut_short_but_kept_whole() -> None:
    table = rc.to_claims([rc.Figure.exact(number, counts="killed") for number in range(150)])
    with pytest.raises(rc.ClaimsError, match=r"^150 claims leave a key column blank") as caught:
        rc.reconcile(table)
    lines = str(caught.value).splitlines()
    assert len(lines) == 1 + 100 + 1
    assert lines[-2] == "  row 99: claim 'c100' (counts='killed') has no place or as_of"
    assert lines[-1] == "  ... and 50 more (see the error's .failures)"
    assert len(caught.value.failures) == len(vars(caught.value)["rows"]) == 150


def test_weights_for_a_source_no_claim_has_name_the_nearest_sources() -> None:
    expected = r"^weights name sources no claim has: 'US official' \(nearest: 'us officials'\); 'BBC' \("
    with pytest.raises(rc.ArgumentError, match=expected) as caught:
        rc.reconcile(mosul_militants(), weights={"US official": 2, "CNN": 1, "BBC": 3})
    facts = vars(caught.value)
    assert facts["names"] == ["US official", "BBC"]
    assert facts["nearest"] == {"US official": ["us officials"], "BBC": []}
    assert facts["column"] == "source"
    assert str(caught.value).endswith("or leave it out of weights=")


def test_weights_name_sources_as_voices_are_compared_case_spacing_and_punctuation_folded() -> None:
    for spelling in ("u.s. officials", "US Officials", " U.S.  officials "):
        result = rc.reconcile(mosul_militants(), weights={spelling: 2})
        assert result.claims["kept"].tolist() == [True, False, True]
    padded = mosul_militants().assign(source=["U.S. officials", "  the group's backers ", "CNN"])
    result = rc.reconcile(padded, weights={"the groups backers": 3})
    assert result.claims["kept"].tolist() == [False, True, True]


def test_aliases_make_other_spellings_one_voice() -> None:
    table = one_quantity(
        [
            rc.Figure.exact(2975, source="George Washington University"),
            rc.Figure.exact(2975, source="GWU", via="CNN"),
            rc.Figure.exact(64, source="Government of Puerto Rico"),
        ]
    )
    # Without the alias: two voices of 2,975 outweigh the government's 64.
    assert rc.reconcile(table).estimates["status"][0] == "conflict"
    aliased = rc.reconcile(table, aliases={"GWU": "George Washington University"})
    assert aliased.estimates["status"][0] == "unresolved"  # one voice against one
    assert aliased.claims["voice"].tolist()[:2] == ["george washington university"] * 2


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        ({"policy": "median"}, "unknown policy 'median'"),
        ({"weights": {"CNN": 0}}, "above 0"),
        ({"weights": {"CNN": math.nan}}, "above 0"),
        ({"policy": "priority"}, "ranking of sources"),
    ],
)
def test_bad_arguments_are_argument_errors(arguments: dict[str, object], words: str) -> None:
    with pytest.raises(rc.ArgumentError, match=words):
        rc.reconcile(mosul_militants(), **arguments)  # type: ignore[call-overload]


def test_an_empty_table_gives_empty_results() -> None:
    result = rc.reconcile(rc.to_claims([]))
    assert (len(result.estimates), len(result.conflicts), len(result.claims)) == (0, 0, 0)


def test_policies_follow_their_practice() -> None:
    table = one_quantity(
        [rc.Figure.between(4000, 6000), rc.Figure.about(5000), rc.Figure.exact(9000, source="outlier")]
    )
    consensus = rc.reconcile(table).estimates.iloc[0]
    assert (consensus["low"], consensus["value"], consensus["high"]) == (4500.0, 5000.0, 5500.0)
    envelope = rc.reconcile(table, policy="envelope").estimates.iloc[0]
    assert (envelope["low"], envelope["high"], envelope["n_kept"]) == (4000.0, 9000.0, 3)
    assert envelope["status"] == "conflict"
    priority = rc.reconcile(table, policy="priority", weights={"outlier": 2}).estimates.iloc[0]
    assert (priority["low"], priority["value"], priority["n_kept"]) == (9000.0, 9000.0, 1)
    low_first = one_quantity([rc.Figure.between(4000, 6000, value=4200), rc.Figure.about(5000)])
    conservative = rc.reconcile(low_first, policy="conservative").estimates.iloc[0]
    assert conservative["value"] == 4500.0  # the lowest kept value, moved into the shared range


# -- properties -----------------------------------------------------------------------------
# Each example reconciles whole tables (validation included), so these run fewer examples.
tables = settings(max_examples=100)

KEY = ["counts", "place", "as_of"]


def by_key(estimates: pd.DataFrame) -> pd.DataFrame:
    return estimates.sort_values(KEY).reset_index(drop=True)


def ranges(result: rc.Reconciliation) -> pd.DataFrame:
    return result.claims.merge(result.estimates, on=KEY, suffixes=("", "_estimate"))


@tables
@given(claims(), st.randoms(use_true_random=False), st.sampled_from(sorted(rc.POLICIES)))
def test_shuffled_rows_give_the_same_estimates(
    table: pd.DataFrame, random: object, policy: rc.Policy
) -> None:
    table = table.assign(weight=np.arange(1.0, len(table) + 1))  # distinct, so priority has no ties
    shuffled = table.sample(frac=1, random_state=random.randint(0, 2**31))  # type: ignore[attr-defined]
    forward, backward = rc.reconcile(table, policy=policy), rc.reconcile(shuffled, policy=policy)
    pd.testing.assert_frame_equal(by_key(forward.estimates), by_key(backward.estimates))


@tables
@given(claims(weights=True), st.sampled_from(sorted(rc.POLICIES)))
def test_nothing_is_lost(table: pd.DataFrame, policy: rc.Policy) -> None:
    named = table["source"].dropna()
    weights = {named.iloc[0]: 2.0} if len(named) else None
    result = rc.reconcile(table, policy=policy, weights=weights)
    assert len(result.claims) == len(table)
    assert result.claims["claim_id"].tolist() == table["claim_id"].tolist()
    assert result.estimates["n_claims"].sum() == len(table)
    assert result.estimates["n_kept"].sum() == result.claims["kept"].sum()
    assert set(result.conflicts["claim_id"]) <= set(table["claim_id"])
    # A claim set aside always says why; a kept claim says nothing, whom it repeats, or its tie.
    assert (result.claims.loc[~result.claims["kept"], "reason"] != "").all()
    said = result.claims.loc[result.claims["kept"], "reason"]
    assert (said.eq("") | said.str.startswith("repeats ") | said.str.startswith("no set of sources")).all()


@tables
@given(claims(weights=True, distinct_sources=True))
def test_consensus_keeps_exactly_the_voices_that_contain_its_range(table: pd.DataFrame) -> None:
    merged = ranges(rc.reconcile(table))
    merged = merged[merged["status"] != "unresolved"]
    contains = (merged["low"] <= merged["low_estimate"]) & (merged["high"] >= merged["high_estimate"])
    meets = (merged["low"] <= merged["high_estimate"]) & (merged["high"] >= merged["low_estimate"])
    assert contains[merged["kept"]].all()
    assert not meets[~merged["kept"]].any()


@tables
@given(claims(max_quantities=1, max_claims=6, distinct_sources=True))
def test_consensus_keeps_the_most_voices_that_can_all_be_right(table: pd.DataFrame) -> None:
    low, high = table["low"].to_numpy(), table["high"].to_numpy()
    # Brute force: the sets of ranges holding each low end; the largest are the candidates.
    sets = {frozenset(np.flatnonzero((low <= point) & (point <= high)).tolist()) for point in low}
    most = max(map(len, sets))
    largest = [chosen for chosen in sets if len(chosen) == most]
    # A set holding one low end may be inside another's: only the maximal ones count.
    estimate = rc.reconcile(table).estimates.iloc[0]
    if len(largest) == 1:
        assert estimate["n_kept"] == most
        assert estimate["status"] != "unresolved"
    else:
        assert estimate["status"] == "unresolved"
        assert estimate["n_kept"] == len(frozenset().union(*largest))


@tables
@given(claims(weights=True))
def test_every_conflict_names_claims_of_one_quantity_that_cannot_all_be_right(table: pd.DataFrame) -> None:
    result = rc.reconcile(table)
    indexed = table.set_index("claim_id")
    status = by_key(result.estimates).set_index(KEY)["status"]
    for _, named in result.conflicts.groupby("conflict_id"):
        assert named[KEY].nunique(dropna=False).max() == 1
        if len(named) == 2 and named["kind"].iloc[0] != "unit":
            first, second = (indexed.loc[claim] for claim in named["claim_id"])
            assert first["high"] < second["low"] or second["high"] < first["low"]
        else:  # a tie: two sets or more of equal weight that share no point
            assert len(named) >= 2 or named["kind"].iloc[0] == "unit"
            assert status.loc[tuple(named[KEY].iloc[0])] in ("unresolved", "conflict")


@tables
@given(figures(max_value=1e6, counts="troops"), st.data())
def test_claims_that_share_a_point_never_conflict(anchor: rc.Figure, data: st.DataObject) -> None:
    point = anchor.value
    around = figures(max_value=1e6, counts="troops").filter(lambda f: f.low <= point <= f.high)
    others = data.draw(st.lists(around, max_size=5))
    result = rc.reconcile(rc.to_claims([anchor, *others]), key=("counts",))
    assert result.conflicts.empty
    assert result.claims["kept"].all()


@tables
@given(claims(weights=True, distinct_sources=True))
def test_policy_invariants(table: pd.DataFrame) -> None:
    consensus = by_key(rc.reconcile(table).estimates)
    conservative = by_key(rc.reconcile(table, policy="conservative").estimates)
    assert (conservative["value"] <= consensus["value"]).all()
    assert (conservative[["low", "high"]] == consensus[["low", "high"]]).all().all()
    envelope = rc.reconcile(table, policy="envelope")
    merged = ranges(envelope)
    assert (merged["low_estimate"] <= merged["low"]).all()
    assert (merged["high"] <= merged["high_estimate"]).all()
    priority = rc.reconcile(table, policy="priority")
    top = (
        priority.claims.assign(
            weight=priority.claims["weight"].fillna(1.0), width=lambda t: t["high"] - t["low"]
        )
        .sort_values(["weight", "width", "claim_id"], ascending=[False, True, True], kind="stable")
        .drop_duplicates(KEY)
    )
    checked = by_key(priority.estimates).merge(top, on=KEY, suffixes=("", "_top"))
    assert (checked["low"] == checked["low_top"]).all()
    assert (checked["value"] == checked["value_top"]).all()


@tables
@given(figures(max_value=1e6, counts="troops"), figures(max_value=1e6, counts="troops"))
def test_the_table_and_compare_agree_on_pairs(a: rc.Figure, b: rc.Figure) -> None:
    # Two claims of one source are one voice (see test_voices.py); here the sources differ.
    a = a.replace(source=rc.Source(name="first source")) if a.source is not None else a
    b = b.replace(source=rc.Source(name="second source")) if b.source is not None else b
    comparison = rc.compare(a, b)
    result = rc.reconcile(rc.to_claims([a, b]), key=("counts",))
    assert (not result.conflicts.empty) == comparison.contradicts
    if comparison.contradicts:
        # Equal voices: neither decides, and the conflict names both.
        assert result.estimates["status"][0] == "unresolved"
        assert sorted(result.conflicts["claim_id"]) == ["c1", "c2"]
    if comparison.contradicts and a.source is not None:
        # Weighed above the other, a's claim is kept, and the table words the conflict as compare does.
        weighed = rc.reconcile(rc.to_claims([a, b]), key=("counts",), weights={"first source": 2})
        assert weighed.claims["kept"].tolist() == [True, False]
        if b.source is not None:
            assert weighed.conflicts["message"][0] == rc.compare(a, b).explanation


@pytest.mark.parametrize(
    ("key", "said"),
    [
        (("counts", "counts"), "'counts' more than once"),
        (("claim_id",), "'claim_id', which is a claim's own"),
        (("counts", "status"), "'status', which is a claim's own or the result's"),
        (("value",), "'value', which is a claim's own"),
    ],
)
def test_a_key_names_each_column_of_a_quantity_once(key: tuple[str, ...], said: str) -> None:
    claims = rc.to_claims([rc.Figure.exact(5, counts="killed", source="IOM")])
    with pytest.raises(rc.ArgumentError, match=said) as caught:
        rc.reconcile(claims, key=key)
    assert caught.value.reason is rc.Reason.BAD_KEY


def test_a_part_of_a_larger_table_weighs_a_source_it_lacks_as_nothing_and_names_it() -> None:
    claims = rc.to_claims(
        [
            rc.Figure.about(5000, counts="militants", source="U.S. officials"),
            rc.Figure.at_least(7000, counts="militants", source="backers"),
        ]
    )
    weights = {"U.S. officials": 2.0, "Iraqi army": 5.0}  # the army speaks in another part
    with pytest.raises(rc.ArgumentError, match="'Iraqi army'"):
        estimate(claims, key=("counts",), weights=weights)
    part = estimate(claims, key=("counts",), weights=weights, part=True)
    alone = estimate(claims, key=("counts",), weights={"U.S. officials": 2.0})
    assert part.unweighed == ("Iraqi army",)
    assert alone.unweighed == ()
    pd.testing.assert_frame_equal(part.estimates, alone.estimates)
