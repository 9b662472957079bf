"""A claims table is checked once, and every table the library builds keeps its contract without pandera.

``read_claims`` records a fingerprint of what it checked; ``reconcile`` takes such a table
without checking it again, and checks any table edited since. The tables the library builds
are checked with numpy (``reconcile.schemas.check_built``); pandera itself runs under the
debug switch ``RECONCILE_DEBUG=1``, and must give the same tables and the same verdicts.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile import schemas
from reconcile._checked import is_checked
from reconcile.strategies import claims

ROOT = Path(__file__).resolve().parent.parent
MOSUL = ROOT / "examples" / "data" / "mosul_2016_claims.csv"
RELATIONS = ROOT / "examples" / "data" / "mosul_2016_relations.txt"


def _tables(result: rc.Reconciliation) -> dict[str, pd.DataFrame]:
    return {
        "estimates": result.estimates,
        "conflicts": result.conflicts,
        "claims": result.claims,
        "totals": result.totals,
    }


def _same(first: rc.Reconciliation, second: rc.Reconciliation) -> None:
    for name, table in _tables(first).items():
        pd.testing.assert_frame_equal(table, _tables(second)[name], obj=name)


def test_a_table_read_once_is_not_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    table = rc.read_claims(MOSUL)
    assert is_checked(table)
    calls: list[object] = []
    monkeypatch.setattr(rc.claims, "validate", lambda *args, **kwargs: calls.append(args))
    again = rc.read_claims(table)
    assert calls == [] and again is not table
    pd.testing.assert_frame_equal(again, table)


@pytest.mark.parametrize(
    "edit",
    [
        lambda table: table.loc.__setitem__((0, "low"), table.loc[0, "high"] + 1),
        lambda table: table.loc.__setitem__((0, "unit"), "persn"),
        lambda table: table.loc.__setitem__((1, "claim_id"), table.loc[0, "claim_id"]),
    ],
    ids=["a low above its high", "an unknown unit", "a repeated claim id"],
)
def test_a_checked_table_edited_since_is_checked_again(edit) -> None:  # type: ignore[no-untyped-def]
    table = rc.read_claims(MOSUL)
    edit(table)
    assert not is_checked(table)
    with pytest.raises(rc.ClaimsError):
        rc.reconcile(table)


def test_two_values_swapped_are_an_edit() -> None:
    table = rc.read_claims(MOSUL)
    values = table["value"].to_numpy().copy()
    table["value"] = values[np.r_[1, 0, 2 : len(values)]]
    assert not is_checked(table)


def test_a_copy_or_a_slice_is_checked_again_and_reconciles_the_same() -> None:
    table = rc.read_claims(MOSUL)
    assert not is_checked(table.copy()) and not is_checked(table.iloc[:3])
    _same(rc.reconcile(table), rc.reconcile(table.copy()))


@settings(max_examples=30)
@given(claims(max_quantities=3, max_claims=4))
def test_reading_a_read_table_again_changes_nothing(table: pd.DataFrame) -> None:
    once = rc.read_claims(table)
    pd.testing.assert_frame_equal(rc.read_claims(once), once)  # the fingerprint's short way
    pd.testing.assert_frame_equal(rc.read_claims(once.copy()), once)  # and the whole check


@settings(max_examples=30)
@given(claims(max_quantities=3, max_claims=4, weights=True))
def test_pandera_under_the_debug_switch_gives_the_same_tables(table: pd.DataFrame) -> None:
    fast = rc.reconcile(rc.read_claims(table))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(schemas.DEBUG_SWITCH, "1")
        slow = rc.reconcile(rc.read_claims(table))
    _same(fast, slow)
    for model, built in [
        (schemas.Estimates, fast.estimates),
        (schemas.Conflicts, fast.conflicts),
        (schemas.ReconciledClaims, fast.claims),
    ]:
        model.validate(built)


def test_the_mosul_case_with_relations_is_the_same_under_the_debug_switch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    relations = RELATIONS.read_text().splitlines()
    relations = [line for line in relations if line.strip() and not line.lstrip().startswith("#")]
    fast = rc.reconcile(MOSUL, relations=relations)
    monkeypatch.setenv(schemas.DEBUG_SWITCH, "1")
    _same(fast, rc.reconcile(MOSUL, relations=relations))


BREAKS = [
    (schemas.Estimates, "status", "settled"),
    (schemas.Estimates, "n_kept", 0),
    (schemas.Estimates, "n_claims", "many"),  # cannot even be coerced: pandera says so
    (schemas.Estimates, "low", 1e12),  # above value: low <= value <= high
    (schemas.Estimates, "low_tight", -1.0),  # outside [low, high]
    (schemas.Conflicts, "kind", "loud"),
    (schemas.Conflicts, "message", None),
    (schemas.ReconciledClaims, "claim_id", None),
]


@pytest.mark.parametrize(
    ("model", "column", "value"), BREAKS, ids=[f"{m.__name__}.{c}" for m, c, _ in BREAKS]
)
def test_a_built_table_that_breaks_a_rule_is_an_internal_error_with_or_without_pandera(
    model: type[pa.DataFrameModel], column: str, value: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = rc.reconcile(MOSUL)
    table = {
        "Estimates": result.estimates,
        "Conflicts": result.conflicts,
        "ReconciledClaims": result.claims,
    }[model.__name__].copy()
    schemas.check_built(model, table)  # as built, it holds
    cells = table[column].to_numpy(dtype=object).copy()
    cells[0] = value
    table[column] = cells
    with pytest.raises(rc.InternalError, match=model.__name__):
        schemas.check_built(model, table)
    monkeypatch.setenv(schemas.DEBUG_SWITCH, "1")
    with pytest.raises(rc.InternalError, match=model.__name__):
        schemas.check_built(model, table)


CLAIM_BREAKS = [
    ("value", math.inf),
    ("low", -5.0),  # a count of people below zero
    ("low", "many"),
    ("high", -math.inf),
    ("unit", "persn"),
    ("as_of", "17 Octobre"),
    ("reported_on", "2016-10"),
    ("counts", "killed//civilians"),
    ("claim_id", None),
    ("weight", 0.0),
    ("measure", "rate"),
]


@settings(max_examples=40)
@given(
    table=claims(max_quantities=3, max_claims=4, weights=True),
    broken=st.sampled_from([None, *CLAIM_BREAKS]),
    row=st.integers(0, 100),
)
def test_the_vectorised_pass_gives_pandera_s_verdict_on_claims(
    table: pd.DataFrame, broken: tuple[str, object] | None, row: int
) -> None:
    if broken is not None:
        column, value = broken
        given = table[column] if column in table else pd.Series(None, index=table.index)
        cells = given.to_numpy(dtype=object).copy()
        cells[row % len(cells)] = value
        table = table.assign(**{column: cells})
    try:
        expected: pd.DataFrame | None = schemas.Claims.validate(table, lazy=True)
    except pa.errors.SchemaErrors:
        expected = None
    got = schemas.conforming(schemas.Claims, table)
    assert (got is None) == (expected is None), broken
    if got is not None and expected is not None:
        pd.testing.assert_frame_equal(got, expected)


def test_a_repeated_claim_id_fails_both_ways() -> None:
    table = rc.read_claims(MOSUL)
    table = table.assign(claim_id=[table["claim_id"].iloc[0]] * len(table))
    assert schemas.conforming(schemas.Claims, table) is None
