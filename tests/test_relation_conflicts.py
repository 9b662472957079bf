"""Relation conflicts that name what fails: the fewest relations, and every independent conflict.

The example tests build small systems by hand; the property test draws systems of sums
(trees, sometimes with cycles) and checks every conflict against an independent LP
(scipy's HiGHS, built here from the relations' coefficients).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from hypothesis import Phase, event, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import reconcile as rc

#: A warning from numpy or pandas reaching the user is a bug: every warning fails a test.
pytestmark = pytest.mark.filterwarnings("error")

#: Each example reconciles a table: a fifteenth of the profile's count, at least 10.
EXAMPLES = max(10, settings().max_examples // 15)
#: The explain phase re-runs failing examples for minutes; the failure itself is enough.
PHASES = [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink]

COUNTRY = {"counts": "refugees/rohingya/new", "as_of": "2017-10-22", "unit": "person"}


def exact(**values: float) -> pd.DataFrame:
    """Claims of exact figures, one per quantity, in the order given (c1, c2, ...)."""
    return rc.to_claims([rc.Figure.exact(value, counts=name, source="s") for name, value in values.items()])


def in_places(rows: Sequence[tuple[str, float]]) -> pd.DataFrame:
    """Claims of (place, value), exact figures of one count on one day (c0, c1, ...)."""
    frame = pd.DataFrame(
        [
            {**COUNTRY, "place": place, "low": value, "value": value, "high": value, "source": "s"}
            for place, value in rows
        ]
    )
    return frame.assign(claim_id=[f"c{number}" for number in range(len(frame))])


def named(conflicts: pd.DataFrame) -> dict[str, list[str]]:
    """Each relation conflict's claims, by conflict."""
    found = conflicts[conflicts["kind"] == "relation"]
    return {str(key): sorted(ids) for key, ids in found.groupby("conflict_id")["claim_id"]}


def relations_named(message: str) -> list[str]:
    """The relations a conflict's message names, in its order."""
    if "; by " in message:  # "...; by R1; R2, x would be negative (...); a count is never below 0"
        return message.split("; by ", 1)[1].split(", ", 1)[0].split("; ")
    return message.split("no values in these ranges satisfy ", 1)[1].split("; ")


# -- the fewest relations --------------------------------------------------------------------------

#: Eight relations in a tree; the last fails (30,000 returned south against 20,000 planned).
EIGHT = [
    "fled = displaced + returned",
    "displaced = camps + hosts",
    "camps = camps_north + camps_south",
    "hosts = hosts_north + hosts_south",
    "returned_north = returned - returned_south",
    "hosts_north <= hosts_north_capacity",
    "camps_south >= camps_south_registered",
    "returned_south <= returned_south_planned",
]
EIGHT_CLAIMS = {
    "fled": 100_000,
    "displaced": 65_000,
    "returned": 35_000,
    "camps": 25_000,
    "hosts": 40_000,
    "camps_north": 10_000,
    "camps_south": 15_000,
    "hosts_north": 30_000,
    "hosts_south": 10_000,
    "returned_south": 30_000,
    "hosts_north_capacity": 35_000,
    "camps_south_registered": 12_000,
    "returned_south_planned": 20_000,
}


@pytest.mark.parametrize("reverse", [False, True], ids=["in order", "reversed"])
def test_a_system_of_eight_relations_where_one_fails_names_only_it(reverse: bool) -> None:
    values = dict(reversed(EIGHT_CLAIMS.items())) if reverse else EIGHT_CLAIMS
    claims = exact(**values)
    result = rc.reconcile(claims, relations=EIGHT[::-1] if reverse else EIGHT, key=("counts",))
    conflicts = result.conflicts
    assert conflicts["conflict_id"].nunique() == 1
    assert sorted(conflicts["counts"]) == ["returned_south", "returned_south_planned"]
    message = conflicts["message"].iloc[0]
    assert message.endswith("; no values in these ranges satisfy returned_south <= returned_south_planned")
    assert relations_named(message) == ["returned_south <= returned_south_planned"]
    # Without the failing relation, the same claims fit the other seven.
    holding = [relation for relation in EIGHT if relation != EIGHT[-1]]
    assert rc.reconcile(claims, relations=holding, key=("counts",)).conflicts.empty


def test_claims_that_conflict_through_two_relations_name_both_and_no_other() -> None:
    # a = 40 + 30 = 70, and total = a + b = 120, not 100; c = total + d holds for any total.
    claims = exact(total=100, b=50, a1=40, a2=30, d=20)
    relations = ["c = total + d", "total = a + b", "a = a1 + a2"]
    conflicts = rc.reconcile(claims, relations=relations, key=("counts",)).conflicts
    assert named(conflicts) == {"C1": ["c1", "c2", "c3", "c4"]}
    assert relations_named(conflicts["message"].iloc[0]) == ["total = a + b", "a = a1 + a2"]


def test_an_implied_check_is_named_as_the_relation_that_fails() -> None:
    claims = in_places([("Bangladesh", 615_500), ("Bangladesh/Cox's Bazar", 700_000)])
    conflicts = rc.reconcile(claims).conflicts
    assert relations_named(conflicts["message"].iloc[0]) == [
        "refugees/rohingya/new in Bangladesh/Cox's Bazar <= refugees/rohingya/new in Bangladesh"
        " (implied part)"
    ]


def test_relations_that_contradict_whatever_the_claims_say_are_named_alone() -> None:
    claims = exact(a=10, c=30, d=5)
    with pytest.raises(rc.RelationError, match="contradict each other whatever the claims say") as caught:
        rc.reconcile(claims, relations=["c = a + d", "a = b + 5", "b = a + 5"], key=("counts",))
    assert caught.value.text == "a = b + 5; b = a + 5"
    assert caught.value.reason == rc.Reason.CONTRADICTORY_RELATIONS


# -- every independent conflict --------------------------------------------------------------------


@pytest.mark.parametrize("country_first", [True, False], ids=["country first", "country last"])
@pytest.mark.parametrize("policy", sorted(rc.POLICIES))
def test_two_areas_above_their_country_are_two_conflicts(country_first: bool, policy: rc.Policy) -> None:
    country = [("Bangladesh", 615_500)]
    areas = [("Bangladesh/A", 700_000), ("Bangladesh/B", 650_000)]
    claims = in_places(country + areas if country_first else areas + country)
    result = rc.reconcile(claims, policy=policy, weights={"s": 1.0})
    country_id, a_id, b_id = ("c0", "c1", "c2") if country_first else ("c2", "c0", "c1")
    found = named(result.conflicts)
    assert sorted(found.values()) == sorted([sorted([country_id, a_id]), sorted([country_id, b_id])])
    assert sorted(found) == ["C1", "C2"]
    for conflict_id, members in found.items():
        area = "A" if a_id in members else "B"
        message = result.conflicts.loc[result.conflicts["conflict_id"] == conflict_id, "message"].iloc[0]
        assert relations_named(message) == [
            f"refugees/rohingya/new in Bangladesh/{area} <= refugees/rohingya/new in Bangladesh"
            " (implied part)"
        ]


def test_conflicts_of_one_system_are_numbered_after_the_existing_ones() -> None:
    claims = pd.concat(
        [
            in_places([("Bangladesh", 615_500), ("Bangladesh/A", 700_000), ("Bangladesh/B", 650_000)]),
            in_places([("Myanmar", 10), ("Myanmar", 20)]).assign(claim_id=["m1", "m2"], source=["s1", "s2"]),
        ],
        ignore_index=True,
    )
    conflicts = rc.reconcile(claims).conflicts
    firsts = conflicts.drop_duplicates("conflict_id")
    assert firsts[["conflict_id", "kind"]].values.tolist() == [
        ["C1", "disjoint"],
        ["C2", "relation"],
        ["C3", "relation"],
    ]


def test_a_total_that_several_parts_exceed_is_one_conflict() -> None:
    # Any three of the six parts exceed the total: one relation fails, so one conflict.
    parts = {f"part{k}": 4 for k in range(1, 7)}
    relation = "total = " + " + ".join(parts)
    conflicts = rc.reconcile(exact(total=10, **parts), relations=[relation], key=("counts",)).conflicts
    assert conflicts["conflict_id"].nunique() == 1
    assert len(conflicts) == 4  # the total and three parts: irreducible
    assert "total" in set(conflicts["counts"])


def test_a_claim_too_large_for_both_a_total_and_its_parts_is_one_conflict() -> None:
    # returned > fled fails one relation; fled is also the sum of its parts, but the parts
    # give it the same 10,000: one conflict, not one per level of the hierarchy.
    claims = exact(fled=10_000, fled_north=6_000, fled_south=4_000, returned=20_000)
    relations = ["fled = fled_north + fled_south", "returned <= fled"]
    conflicts = rc.reconcile(claims, relations=relations, key=("counts",)).conflicts
    assert conflicts["conflict_id"].nunique() == 1


def test_independent_conflicts_break_different_relations() -> None:
    # b is too large for a, and d for c; the two sums share a's total: one system.
    claims = exact(total=100, a=60, c=40, b=80, d=50)
    relations = ["total = a + c", "b <= a", "d <= c"]
    conflicts = rc.reconcile(claims, relations=relations, key=("counts",)).conflicts
    assert named(conflicts) == {"C1": ["c3", "c5"], "C2": ["c2", "c4"]}
    broken = [relations_named(message) for message in conflicts.drop_duplicates("conflict_id")["message"]]
    assert broken == [["d <= c"], ["b <= a"]]


def test_claims_that_fail_again_through_another_relation_are_one_conflict() -> None:
    # A is above C by both relations: the second search finds the same two claims again.
    conflicts = rc.reconcile(exact(C=615, A=700, B=10), relations=["A <= C", "A + B <= C"], key=("counts",))
    assert named(conflicts.conflicts) == {"C1": ["c1", "c2"]}


def test_a_set_that_a_relation_named_before_would_reduce_is_not_reported() -> None:
    # Without x <= y, the claims fail by x <= y + z, but {x, y, z} is not irreducible: x <= y
    # holds the first two alone, and that conflict is already reported.
    conflicts = rc.reconcile(exact(x=10, y=5, z=2), relations=["x <= y", "x <= y + z"], key=("counts",))
    assert named(conflicts.conflicts) == {"C1": ["c1", "c2"]}
    assert relations_named(conflicts.conflicts["message"].iloc[0]) == ["x <= y"]


# -- the other parts of the message ----------------------------------------------------------------


def test_a_decrease_written_as_an_increment_keeps_its_wording() -> None:
    claims = rc.to_claims(
        [
            rc.Figure.exact(5000, counts="troops/us/before", source="s"),
            rc.Figure.exact(4400, counts="troops/us/after", source="s"),
            rc.Figure.exact(300, counts="troops/us/other", source="s"),
        ]
    )
    relations = [
        "troops/us/added = troops/us/after - troops/us/before",
        "troops/us/all = troops/us/after + troops/us/other",
    ]
    conflicts = rc.reconcile(claims, relations=relations, key=("counts",)).conflicts
    assert (
        conflicts["message"].tolist()
        == [
            "c1: troops/us/before 5,000; c2: troops/us/after 4,400; by troops/us/added = troops/us/after - "
            "troops/us/before, troops/us/added would be negative (-600); a count is never below 0"
        ]
        * 2
    )


def test_the_claims_said_are_unchanged() -> None:
    west = {"place": "West Mosul", "source": "illustrative"}
    figures = [
        rc.Figure.exact(217_000, counts="displaced/fled", **west),
        rc.Figure.exact(160_000, counts="displaced/current", **west),
        rc.Figure.exact(58_000, counts="displaced/returned", **west),
        rc.Figure.at_most(400_000, counts="displaced/ever", **west),
    ]
    relations = [
        "displaced/fled = displaced/current + displaced/returned",
        "displaced/fled <= displaced/ever",
    ]
    result = rc.reconcile(rc.to_claims(figures), relations=relations, key=("counts", "place"))
    assert result.conflicts["message"].unique().tolist() == [
        "c1: displaced/fled 217,000; c2: displaced/current 160,000; c3: displaced/returned 58,000; "
        "no values in these ranges satisfy displaced/fled = displaced/current + displaced/returned"
    ]


# -- property: every conflict is irreducible, in its claims and in its relations ------------------


@dataclass(frozen=True)
class Case:
    """Relations as coefficient rows, their texts and the claims."""

    n: int
    rows: list[tuple[dict[int, int], str]]  # coefficients, operator (constant 0 on the right)
    claims: pd.DataFrame

    @property
    def texts(self) -> list[str]:
        texts = []
        for coefficients, operator in self.rows:
            left = [f"{c} * q{i}" if c != 1 else f"q{i}" for i, c in coefficients.items() if c > 0]
            right = [f"{-c} * q{i}" if c != -1 else f"q{i}" for i, c in coefficients.items() if c < 0]
            texts.append(f"{' + '.join(left)} {operator} {' + '.join(right)}")
        return texts


@st.composite
def cases(draw: st.DrawFn) -> Case:
    """Sums in a tree (a parent the weighted sum of its children), maybe with cycles; claims off the truth."""
    n = draw(st.integers(3, 8))
    parent = [draw(st.integers(0, i - 1)) for i in range(1, n)]
    weight = [draw(st.integers(1, 2)) for _ in range(1, n)]
    truth = [0] * n
    for i in range(n - 1, -1, -1):
        children = [j for j in range(1, n) if parent[j - 1] == i]
        truth[i] = sum(weight[j - 1] * truth[j] for j in children) if children else draw(st.integers(0, 500))
    rows: list[tuple[dict[int, int], str]] = []
    for i in range(n):
        children = [j for j in range(1, n) if parent[j - 1] == i]
        if children:
            rows.append(({i: 1, **{j: -weight[j - 1] for j in children}}, "="))
    for _ in range(draw(st.integers(0, 2))):  # inequalities that may close cycles
        a, b = draw(st.permutations(range(n)))[:2]
        rows.append(({a: 1, b: -1}, "<=" if truth[a] <= truth[b] else ">="))
    has_parent = set(parent)
    figures = []
    for i in range(n):
        if i in has_parent and not draw(st.booleans()):
            continue  # a total may go unclaimed: the relations derive it
        for source in ("s", "t")[: draw(st.integers(1, 2))]:
            low = max(0, truth[i] + draw(st.integers(-300, 300)))
            high = low + draw(st.integers(0, 200))
            figures.append(rc.Figure.between(low, high, value=low, counts=f"q{i}", source=f"{source}{i}"))
    return Case(n, rows, rc.to_claims(figures).assign(place="Mosul", as_of="2016-10-17"))


def feasible(case: Case, claims: pd.DataFrame, texts: list[str]) -> bool:
    """Whether these claims' ranges (and counts >= 0) admit values that meet the relations named."""
    bounds: list[tuple[float, float | None]] = [(0.0, None)] * case.n
    for counts, claim_low, claim_high in zip(claims["counts"], claims["low"], claims["high"], strict=True):
        i = int(str(counts)[1:])
        low, high = bounds[i]
        new_high = float(claim_high) if high is None else min(high, float(claim_high))
        new_low = max(low, float(claim_low))
        if new_low > new_high:
            return False
        bounds[i] = (new_low, new_high)
    a_eq, a_ub = [], []
    for (coefficients, operator), text in zip(case.rows, case.texts, strict=True):
        if text not in texts:
            continue
        row = [0.0] * case.n
        for i, c in coefficients.items():
            row[i] = float(c)
        if operator == "=":
            a_eq.append(row)
        else:
            a_ub.append(row if operator == "<=" else [-c for c in row])
    done = linprog(
        np.zeros(case.n),
        A_eq=a_eq or None,
        b_eq=[0.0] * len(a_eq) or None,
        A_ub=a_ub or None,
        b_ub=[0.0] * len(a_ub) or None,
        bounds=bounds,
        method="highs",
    )
    return bool(done.status == 0)


@settings(max_examples=EXAMPLES, phases=PHASES)
@given(cases())
def test_every_conflict_is_irreducible_in_its_claims_and_its_relations(case: Case) -> None:
    # joint=False: the conflicts are the relations step's alone (joint names voices it sets aside).
    result = rc.reconcile(case.claims, relations=case.texts, joint=False)
    conflicts = result.conflicts[result.conflicts["kind"] == "relation"]
    event(f"relation conflicts: {min(conflicts['conflict_id'].nunique(), 3)}")
    kept = result.claims[result.claims["kept"]].set_index("claim_id")
    every = case.texts
    seen = set()
    for _, members in conflicts.groupby("conflict_id"):
        claims = kept.loc[members["claim_id"]].reset_index()
        key = tuple(sorted(claims["claim_id"]))
        assert key not in seen  # no set of claims twice
        seen.add(key)
        broken = relations_named(members["message"].iloc[0])
        assert len(set(broken)) == len(broken) and set(broken) <= set(every)
        # The claims fail by the relations named; without any one claim, the rest hold by every relation.
        assert not feasible(case, claims, broken)
        for drop in range(len(claims)):
            assert feasible(case, claims.drop(index=drop), every), (drop, claims, every)
        if not feasible(case, claims, []):
            # Kept claims of one quantity in a tie left unresolved can share no point: they fail
            # with no relation, and the conflict names every relation of its system.
            event("claims that fail on their own")
            continue
        # Each relation named is needed.
        for text in broken:
            assert feasible(case, claims, [other for other in broken if other != text]), (
                text,
                claims,
                broken,
            )
    if conflicts.empty and result.conflicts.empty:  # no conflict: the kept claims fit together
        assert feasible(case, kept.reset_index(), every)
