"""The same reconcile on Dask: every real case gives on Dask what it gives in memory.

Claims are split into partitions in input order (so one quantity's claims, and a place and its
parent, start out in different partitions); the Dask result must hold the same estimates,
totals, claims and conflicts as the in-memory one, conflicts numbered across partitions.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile as rc

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

REAL = Path(__file__).parent / "data" / "real"
KEY = ["counts", "place", "as_of"]


@pytest.fixture(autouse=True)
def one_thread() -> Iterator[None]:
    with dask.config.set(scheduler="synchronous"):
        yield


def relations_of(name: str) -> list[str]:
    lines = (REAL / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def conflict_sets(conflicts: pd.DataFrame) -> list[tuple[str, tuple[str, ...], str]]:
    """Each conflict as (kind, its claims, its message), whatever its number."""
    grouped = conflicts.groupby("conflict_id", sort=False)
    return sorted(
        (group["kind"].iloc[0], tuple(sorted(group["claim_id"])), group["message"].iloc[0])
        for _, group in grouped
    )


def without_ids(reason: pd.Series) -> list[str]:
    return [re.sub(r" \(C\d+\)$", "", text) if isinstance(text, str) else "" for text in reason]


def assert_same(memory: rc.Reconciliation, lazy: rc.DaskReconciliation) -> None:
    found = lazy.compute()
    pd.testing.assert_frame_equal(found.estimates, memory.estimates)
    key = [column for column in KEY if column in memory.totals]
    if key:
        pd.testing.assert_frame_equal(
            found.totals.sort_values(key).reset_index(drop=True),
            memory.totals.sort_values(key).reset_index(drop=True),
        )
    assert found.claims["claim_id"].tolist() == memory.claims["claim_id"].tolist()
    assert found.claims["kept"].tolist() == memory.claims["kept"].tolist()
    assert without_ids(found.claims["reason"]) == without_ids(memory.claims["reason"])
    assert conflict_sets(found.conflicts) == conflict_sets(memory.conflicts)
    # Numbered across partitions: C1 ... Cn, each id one conflict.
    numbers = sorted(int(name[1:]) for name in found.conflicts["conflict_id"].unique())
    assert numbers == list(range(1, len(numbers) + 1))
    named = found.claims.dropna(subset=["conflict_id"])
    assert set(named["conflict_id"]) <= set(found.conflicts["conflict_id"])
    # A reason that names its conflict names the claim's own, renumbered with it.
    named_in_reason = [re.findall(r"\((C\d+)\)$", why) for why in named["reason"]]
    assert all(found in ([], [cid]) for found, cid in zip(named_in_reason, named["conflict_id"], strict=True))


RELATION_CASES = sorted(path.stem for path in REAL.glob("relations_*.csv"))
PLAIN_CASES = [
    "derna_floods_2023",
    "somalia_drought_2022",
    "turkey_syria_earthquake_2023",
    "ukraine_idps_2022",
    "rohingya_arrivals_2017",
    "mosul_civilian_deaths_2017",
    "stock_series",
    "flows_nested_periods",
]


@pytest.mark.parametrize("name", RELATION_CASES)
def test_a_real_case_with_relations_reconciles_on_dask_as_in_memory(name: str) -> None:
    claims = rc.read_claims(REAL / f"{name}.csv")
    relations = relations_of(name)
    memory = rc.reconcile(claims, relations=relations)
    lazy = rc.reconcile(dd.from_pandas(claims, npartitions=3), relations=relations)
    assert isinstance(lazy, rc.DaskReconciliation)
    assert_same(memory, lazy)


@pytest.mark.parametrize("name", PLAIN_CASES)
def test_a_real_case_reconciles_on_dask_as_in_memory(name: str) -> None:
    claims = rc.read_claims(REAL / f"{name}.csv")
    assert_same(rc.reconcile(claims), rc.reconcile(dd.from_pandas(claims, npartitions=4)))


def test_real_cases_pooled_keep_their_checks_apart_on_dask() -> None:
    # Several crises in one table: each root place (a country) is reconciled with its own
    # places and dates; the Mosul case alone is Iraq and its places.
    tables = [rc.read_claims(REAL / f"{name}.csv") for name in PLAIN_CASES]
    claims = rc.read_claims(pd.concat(tables, ignore_index=True))
    shuffled = claims.sample(frac=1.0, random_state=7).reset_index(drop=True)
    memory = rc.reconcile(shuffled)
    lazy = rc.reconcile(dd.from_pandas(shuffled, npartitions=5))
    # The crises land in several partitions (each country whole in one).
    held = [dask.delayed(len)(part) for part in lazy.claims.to_delayed()]
    assert sum(1 for part in dask.compute(*held) if part) > 1
    assert_same(memory, lazy)


def test_the_mosul_example_reconciles_on_dask_with_its_relations() -> None:
    claims = rc.read_claims("examples/data/mosul_2016_claims.csv")
    relations = relations_of("../../../examples/data/mosul_2016_relations")
    lazy = rc.reconcile(dd.from_pandas(claims, npartitions=2), relations=relations)
    assert_same(rc.reconcile(claims, relations=relations), lazy)


def test_without_a_place_in_the_key_and_with_time_checks_every_claim_is_in_one_partition() -> None:
    claims = rc.read_claims(REAL / "stock_series.csv")
    key = ("counts", "as_of")
    lazy = rc.reconcile(dd.from_pandas(claims, npartitions=3), key=key)
    assert lazy.claims.npartitions == 1
    assert_same(rc.reconcile(claims, key=key), lazy)
    apart = rc.reconcile(
        dd.from_pandas(claims, npartitions=3), key=key, time_checks=False, implied_parts=False
    )
    assert apart.claims.npartitions == 3
    assert_same(rc.reconcile(claims, key=key, time_checks=False, implied_parts=False), apart)


def test_a_claim_id_given_in_two_partitions_is_refused_when_computed() -> None:
    claims = rc.to_claims(
        [
            rc.Figure.about(
                5000, counts="militants", source="U.S. officials", place="Iraq/Mosul", as_of="2016"
            ),
            rc.Figure.about(300, counts="militants", source="U.S. officials", place="Syria", as_of="2016"),
        ],
        ids=["c1", "c1x"],
    )
    repeated = claims.assign(claim_id=["c1", "c1"])
    lazy = rc.reconcile(dd.from_pandas(repeated, npartitions=2))
    with pytest.raises(rc.ClaimsError, match="1 claim ids are given more than once") as raised:
        lazy.compute()
    assert raised.value.failures.to_dict("records") == [{"claim_id": "c1", "times": 2}]


def test_a_column_named_input_order_is_refused() -> None:
    claims = rc.to_claims([rc.Figure.exact(5, counts="killed", place="Derna", as_of="2023", source="IOM")])
    with pytest.raises(rc.ArgumentError, match="input_order"):
        rc.reconcile(dd.from_pandas(claims.assign(input_order=1), npartitions=1))


def test_the_dask_claims_keep_input_order_recoverable() -> None:
    claims = rc.read_claims(REAL / "ukraine_idps_2022.csv")
    lazy = rc.reconcile(dd.from_pandas(claims, npartitions=3))
    moved = lazy.claims.compute()
    assert moved.sort_values("input_order")["claim_id"].tolist() == claims["claim_id"].tolist()


def folder_of(claims: pd.DataFrame, folder: Path, files: int) -> list[Path]:
    paths = []
    for number, part in enumerate(np.array_split(np.arange(len(claims)), files)):
        path = folder / f"part-{number:02d}.parquet"
        rc.write_claims(claims.iloc[part], path)
        paths.append(path)
    return paths


def test_a_folder_of_parquet_files_reads_as_one_table_or_lazily(tmp_path: Path) -> None:
    claims = rc.read_claims(REAL / "derna_floods_2023.csv")
    folder_of(claims, tmp_path, 3)
    together = rc.read_claims(tmp_path)
    pd.testing.assert_frame_equal(together, claims)
    lazy = rc.read_claims(tmp_path, lazy=True)
    assert lazy.npartitions == 3
    computed = lazy.compute()  # type: ignore[no-untyped-call]
    pd.testing.assert_frame_equal(computed.reset_index(drop=True), claims)
    assert_same(rc.reconcile(claims), rc.reconcile(lazy))


def test_a_bad_file_in_a_folder_is_named_with_its_own_rows(tmp_path: Path) -> None:
    claims = rc.read_claims(REAL / "derna_floods_2023.csv")
    folder_of(claims, tmp_path, 2)
    broken = pd.read_parquet(tmp_path / "part-01.parquet").assign(unit="zorgs")
    broken.to_parquet(tmp_path / "part-01.parquet")
    with pytest.raises(rc.ClaimsError) as raised:
        rc.read_claims(tmp_path)
    lazy = rc.read_claims(tmp_path, lazy=True)  # the first file is read now, the others when computed
    with pytest.raises(rc.ClaimsError) as raised_later:
        lazy.compute()  # type: ignore[no-untyped-call]
    for error in (raised.value, raised_later.value):
        assert error.origin == str(tmp_path / "part-01.parquet")
        assert "zorgs" in str(error)


def test_files_of_a_folder_must_share_their_columns_and_ids(tmp_path: Path) -> None:
    claims = rc.read_claims(REAL / "derna_floods_2023.csv")
    folder_of(claims, tmp_path, 2)
    rc.write_claims(claims.iloc[:2].drop(columns="url"), tmp_path / "part-02.parquet")
    with pytest.raises(rc.ClaimsError, match="other columns than the folder's first file") as raised:
        rc.read_claims(tmp_path)
    assert raised.value.columns == ("url",)
    rc.write_claims(claims.iloc[:2], tmp_path / "part-02.parquet")
    with pytest.raises(rc.ClaimsError, match="2 claim ids are given more than once in the folder") as raised:
        rc.read_claims(tmp_path)
    assert set(raised.value.failures["file"]) == {"part-00.parquet", "part-02.parquet"}
    with pytest.raises(rc.ClaimsError, match="2 claim ids are given more than once"):
        rc.reconcile(rc.read_claims(tmp_path, lazy=True)).compute()


def test_lazy_reads_folders_only(tmp_path: Path) -> None:
    with pytest.raises(rc.ArgumentError, match="lazy= reads a folder of Parquet files"):
        rc.read_claims(REAL / "derna_floods_2023.csv", lazy=True)
    with pytest.raises(rc.ClaimsError, match="a folder with no Parquet files"):
        rc.read_claims(tmp_path)


def test_without_dask_a_lazy_read_says_which_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = rc.read_claims(REAL / "derna_floods_2023.csv")
    folder_of(claims, tmp_path, 2)
    monkeypatch.setitem(sys.modules, "dask.dataframe", None)
    with pytest.raises(rc.MissingDependencyError, match=r"reconcile\[dask\]") as raised:
        rc.read_claims(tmp_path, lazy=True)
    assert raised.value.package == "dask"
    assert len(rc.read_claims(tmp_path)) == len(claims)  # an eager read needs no Dask


@settings(max_examples=12, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), partitions=st.integers(1, 5))
def test_any_claims_reconcile_on_dask_as_in_memory(seed: int, partitions: int) -> None:
    random = np.random.default_rng(seed)
    n = int(random.integers(1, 60))
    places = np.array(["Iraq", "Iraq/Mosul", "Iraq/Mosul/East", "Syria", "Syria/Raqqa"])
    value = random.integers(1, 12, n) * 500.0
    half = random.integers(0, 3, n) * 250.0
    claims = pd.DataFrame(
        {
            "claim_id": [f"c{k}" for k in range(n)],
            "counts": random.choice(["displaced", "displaced/children", "killed"], n),
            "place": random.choice(places, n),
            "as_of": random.choice(["2016-10-17", "2016-11", "2017"], n),
            "low": value - half,
            "value": value,
            "high": np.where(random.random(n) < 0.1, np.inf, value + half),
            "unit": "person",
            "source": random.choice(["IOM", "OCHA", "UNHCR", "Reuters", "AFP"], n),
        }
    )
    claims["measure"] = np.where(claims["counts"] == "killed", "cumulative", "stock")
    claims = rc.read_claims(claims)
    memory = rc.reconcile(claims)
    assert_same(memory, rc.reconcile(dd.from_pandas(claims, npartitions=partitions)))


def test_a_relation_that_holds_in_no_partition_is_refused_when_computed() -> None:
    claims = rc.read_claims(REAL / "relations_sudan_deaths_places.csv")
    relations = relations_of("relations_sudan_deaths_places")
    misspelt = [text.replace("Sudan/Khartoum", "Sudan/Kartoum") for text in relations]
    assert misspelt != relations
    with pytest.raises(rc.RelationError):  # in memory: refused with the nearest places
        rc.reconcile(claims, relations=misspelt)
    lazy = rc.reconcile(dd.from_pandas(claims, npartitions=3), relations=misspelt)
    with pytest.raises(rc.RelationError, match="holds nowhere") as raised:
        lazy.compute()
    assert raised.value.reason is rc.Reason.RELATION_HOLDS_NOWHERE
    assert "Sudan/Kartoum" in raised.value.text


def test_weights_and_the_priority_policy_reconcile_on_dask_as_in_memory() -> None:
    tables = [rc.read_claims(REAL / f"{name}.csv") for name in ("derna_floods_2023", "ukraine_idps_2022")]
    claims = rc.read_claims(pd.concat(tables, ignore_index=True))
    # Each source weighs in one country only: the other's partitions do not have it.
    weights = {claims["source"].iloc[0]: 3.0, claims["source"].iloc[-1]: 2.0}
    for policy in ("consensus", "priority"):
        memory = rc.reconcile(claims, weights=weights, policy=policy)
        lazy = rc.reconcile(dd.from_pandas(claims, npartitions=3), weights=weights, policy=policy)
        assert_same(memory, lazy)
    unknown = rc.reconcile(dd.from_pandas(claims, npartitions=3), weights={"Nobody at all": 2.0})
    with pytest.raises(rc.ArgumentError, match="weights name sources no claim has") as raised:
        unknown.compute()
    assert raised.value.names == ["Nobody at all"]


def test_a_flagged_table_reconciles_on_dask_as_in_memory(tmp_path: Path) -> None:
    raw = pd.read_csv(REAL / "derna_floods_2023.csv", dtype=str)
    raw.loc[3, "unit"] = "zorgs"
    raw["claim_id"] = raw["claim_id"].where(raw.index != 5, raw["claim_id"][4])  # both rows flagged
    raw.to_csv(tmp_path / "flagged.csv", index=False)
    claims = rc.read_claims(tmp_path / "flagged.csv", errors="flag")
    assert claims["error"].notna().sum() == 3
    assert_same(rc.reconcile(claims), rc.reconcile(dd.from_pandas(claims, npartitions=3)))


def test_a_frame_dask_read_itself_is_checked_and_reconciled() -> None:
    path = "examples/data/mosul_2016_claims.csv"
    lazy = rc.reconcile(dd.read_csv(path, blocksize=200))
    assert_same(rc.reconcile(rc.read_claims(path)), lazy)


def test_a_dask_frame_without_a_needed_column_is_refused_at_once() -> None:
    claims = rc.read_claims(REAL / "derna_floods_2023.csv")
    with pytest.raises(rc.ClaimsError, match="missing column 'place'"):
        rc.reconcile(dd.from_pandas(claims.drop(columns="place"), npartitions=2))
    with pytest.raises(rc.ArgumentError, match="key names columns"):
        rc.reconcile(dd.from_pandas(claims, npartitions=2), key=("counts", "region"))


def test_a_folder_that_is_not_there_is_named(tmp_path: Path) -> None:
    with pytest.raises(rc.ClaimsError, match="no such folder"):
        rc.read_claims(tmp_path / "missing", lazy=True)


def test_ids_repeated_across_files_are_flagged_when_flagging(tmp_path: Path) -> None:
    claims = rc.read_claims(REAL / "derna_floods_2023.csv")
    folder_of(claims, tmp_path, 2)
    rc.write_claims(claims.iloc[:1], tmp_path / "part-02.parquet")
    flagged = rc.read_claims(tmp_path, errors="flag")
    assert flagged["error"].notna().sum() == 2
    assert flagged["error"].dropna().str.contains("repeated in another file").all()
