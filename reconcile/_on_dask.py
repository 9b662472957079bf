"""The same reconcile on Dask: claims beyond one machine's memory, or a cluster already at hand.

Claims are moved once (a Dask shuffle) so that every claim a check compares lands in one
partition, each partition is reconciled by the in-memory path, and the partitions' conflicts
are numbered one after another. Nothing here knows how a partition is reconciled: the caller
passes that in (``run``), so the data still flows one way through the package. Dask is the
``dask`` extra, imported only when a Dask table is handed in.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, NamedTuple, TypeGuard

import numpy as np
import pandas as pd

from reconcile.errors import ArgumentError, ClaimsError, MissingDependencyError, Reason, RelationError

if TYPE_CHECKING:
    import dask.dataframe as dd

#: The column of a Dask result's claims that restores input order (sort by it).
INPUT_ORDER = "input_order"
# Rows per partition are counted in the low 32 bits of ``input_order``, the partition above.
_ROW_BITS = 32
_SHARD = "_reconcile_shard"
_REPEATS_SHOWN = 20


class _DaskHints:
    """``dd`` when type hints are evaluated at run time (``typing.get_type_hints``).

    Its names are those of ``dask.dataframe``, imported only then; ``typing.Any`` without Dask.
    """

    def __getattr__(self, name: str) -> Any:
        try:
            import dask.dataframe
        except ImportError:
            return Any
        return getattr(dask.dataframe, name)


#: What ``dd`` names at run time in the modules that hint Dask tables.
DASK_HINTS = _DaskHints()


class Unplaced(NamedTuple):
    """What one partition could not place: refused only if no partition places it."""

    relations: tuple[str, ...]  # relations that hold in none of its groups
    weights: tuple[str, ...]  # weights for sources it does not have


class Tables(NamedTuple):
    """What one reconciliation returns, as tables (pandas in a partition, Dask for the whole)."""

    estimates: Any
    conflicts: Any
    claims: Any
    totals: Any


def dask_dataframe() -> ModuleType:
    """``dask.dataframe``, or an error that says which extra brings it.

    Examples:
        >>> dask_dataframe().__name__
        'dask.dataframe'

    """
    try:
        import dask.dataframe
    except ImportError as missing:
        raise MissingDependencyError(
            f"reading or reconciling claims on Dask needs dask ({missing})",
            hint="pip install 'reconcile[dask]', or read the files one by one with read_claims",
            package="dask",
        ) from missing
    return dask.dataframe


def is_dask_frame(table: object) -> TypeGuard[dd.DataFrame]:
    """Whether ``table`` is a Dask DataFrame (told without importing Dask).

    Examples:
        >>> is_dask_frame(pd.DataFrame())
        False

    """
    return type(table).__module__.startswith("dask.") and hasattr(table, "npartitions")


def parquet_files(folder: str | os.PathLike[str]) -> list[Path]:
    """The Parquet files of a folder (not of its subfolders), in name order; an error if it has none.

    Examples:
        >>> import tempfile
        >>> parquet_files(tempfile.mkdtemp())
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: cannot open '...' as claims: it is a folder with no Parquet files...

    """
    if not Path(folder).exists():
        raise ClaimsError(
            f"cannot open '{folder}': no such folder",
            hint="check the path; a folder of claims holds .parquet files",
            reason=Reason.CANNOT_OPEN,
            origin=str(folder),
        )
    files = sorted(path for path in Path(folder).glob("*.parquet") if path.is_file())
    if not files:
        raise ClaimsError(
            f"cannot open '{folder}' as claims: it is a folder with no Parquet files",
            hint="a folder of claims holds .parquet files; read a CSV or Excel file by its own path",
            reason=Reason.CANNOT_OPEN,
            origin=str(folder),
        )
    return files


def read_folder(files: list[Path], read: Callable[[Path], pd.DataFrame]) -> dd.DataFrame:
    """A Dask DataFrame with one partition per file, each read (and checked) by ``read`` when computed.

    The first file is read now: its columns are what every file must give. An error in a
    file names that file, and its own lines.
    """
    dataframes = dask_dataframe()
    first = read(files[0])
    meta = first.iloc[:0]
    with _own_dtypes():
        lazy: dd.DataFrame = dataframes.from_map(
            _read_like, files, read=read, first=meta, meta=meta, enforce_metadata=False
        )
    return lazy


def _own_dtypes() -> Any:
    """Dask's setting that keeps the tables' own text dtypes (it would turn them into its own)."""
    import dask

    return dask.config.set({"dataframe.convert-string": False})


def _read_like(path: Path, read: Callable[[Path], pd.DataFrame], first: pd.DataFrame) -> pd.DataFrame:
    """One file of a folder, read by ``read``, with the columns of the folder's first file."""
    frame = read(path)
    same_columns(frame, first, path)
    return frame


def same_columns(frame: pd.DataFrame, first: pd.DataFrame, path: Path) -> None:
    """Refuse a file of a folder whose claims have other columns than the first file's.

    Examples:
        >>> first, other = pd.DataFrame(columns=["claim_id"]), pd.DataFrame(columns=["claim_id", "via"])
        >>> same_columns(other, first, Path("b.parquet"))
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: 'b.parquet' has other columns than ... (missing: none; extra: via): ...

    """
    if list(frame.columns) == list(first.columns):
        return
    missing = [column for column in first.columns if column not in frame.columns]
    extra = [column for column in frame.columns if column not in first.columns]
    raise ClaimsError(
        f"'{path}' has other columns than the folder's first file "
        f"(missing: {', '.join(missing) or 'none'}; extra: {', '.join(extra) or 'none'})",
        hint="give every file of a folder the same columns, or read the files one by one",
        reason=Reason.BAD_ROWS,
        origin=str(path),
        columns=(*missing, *extra),
    )


def reconcile_partitioned(
    claims: dd.DataFrame,
    run: Callable[[pd.DataFrame, frozenset[str]], tuple[Tables, Unplaced]],
    shard: Callable[[pd.DataFrame], pd.Series] | None,
    run_empty: Callable[[pd.DataFrame], tuple[Tables, Unplaced]],
) -> Tables:
    """Dask tables of ``run`` over ``claims``, moved so that ``shard`` keeps what a check compares together.

    ``shard`` gives each claim the name of its part (claims of one part are reconciled
    together); ``None`` puts every claim in one partition. ``run`` gets a partition and every
    ``counts`` path the whole table claims (relations name quantities across partitions), and
    returns the tables and the relations that hold nowhere in the partition (a relation that
    holds in no partition is a :class:`~reconcile.errors.RelationError` when computed);
    ``run_empty`` gives the tables of no claims (the columns of each result). Every claim id
    must be unique across partitions (else a :class:`~reconcile.errors.ClaimsError` when
    computed); conflicts are numbered ``C1``, ``C2`` ... across all partitions, partition after
    partition; the claims table gains ``input_order``, which sorts them back into input order.
    """
    from dask.delayed import delayed

    if INPUT_ORDER in claims.columns:
        raise ArgumentError(
            f"the claims have a column named {INPUT_ORDER!r}, which a Dask result adds",
            hint=f"rename the column {INPUT_ORDER!r} before reconciling on Dask",
            reason=Reason.BAD_ARGUMENT,
        )
    with _own_dtypes():  # the partitions' tables keep the library's own text dtypes
        run_empty(claims._meta)  # refuses missing columns and bad arguments now, as in memory
        ordered = claims.map_partitions(_with_order, shard, meta=_with_order(claims._meta, shard))  # type: ignore[no-untyped-call]
        moved = ordered.shuffle(on=_SHARD, npartitions=claims.npartitions if shard is not None else 1)
        # A row a flagged table set aside (it has an error) is no claim: its id may repeat.
        ids = (
            ordered["claim_id"][ordered["error"].isna()]
            if "error" in ordered.columns
            else ordered["claim_id"]
        )
        counted = ids.value_counts()
        # Unoptimised graphs, so that the three share the reading of each file (an optimised
        # graph renames its tasks, and each file would be read once per graph).
        repeated = counted[counted > 1].to_delayed(optimize_graph=False)
        unique = delayed(_refuse_repeats)(repeated)
        names = ordered["counts"].unique(split_out=1).to_delayed(optimize_graph=False)
        named = delayed(_names)(names)
        found = [
            delayed(_run_part)(part, run, named, unique) for part in moved.to_delayed(optimize_graph=False)
        ]
        held = delayed(_refuse_unplaced)([delayed(_unplaced_of)(tables) for tables in found])
        starts = delayed(_conflict_starts)([delayed(_n_conflicts)(tables) for tables in found])
        meta, _ = run_empty(ordered._meta.drop(columns=_SHARD))
        numbered = [
            delayed(_numbered)(tables, starts, number, held, meta) for number, tables in enumerate(found)
        ]
        dataframes = dask_dataframe()
        sources = dict.fromkeys(Tables._fields, numbered)
        return Tables(
            *(
                dataframes.from_delayed(
                    [delayed(getattr)(tables, name) for tables in sources[name]], meta=meta[at]
                )
                for at, name in enumerate(Tables._fields)
            )
        )


def _with_order(
    part: pd.DataFrame,
    shard: Callable[[pd.DataFrame], pd.Series] | None,
    partition_info: dict[str, Any] | None = None,
) -> pd.DataFrame:
    """``part`` with its claims' input order, and the part of the whole each belongs to."""
    number = 0 if partition_info is None else int(partition_info["number"])
    order = (np.int64(number) << _ROW_BITS) + np.arange(len(part), dtype=np.int64)
    part_of = pd.Series(0, index=part.index) if shard is None else shard(part)
    return part.assign(**{INPUT_ORDER: order, _SHARD: part_of})


def _run_part(
    part: pd.DataFrame,
    run: Callable[[pd.DataFrame, frozenset[str]], tuple[Tables, Unplaced]],
    named: frozenset[str],
    unique: None,
) -> tuple[Tables, Unplaced]:
    """One partition reconciled, once every claim id is known to be unique (``unique`` waits for it).

    Its claims are put back in input order first: where the in-memory path breaks a tie or
    lists claims by their order, a partition does the same.
    """
    ordered = part.sort_values(INPUT_ORDER, kind="stable").drop(columns=_SHARD)
    return run(ordered.reset_index(drop=True), named)


def _names(parts: list[pd.Series]) -> frozenset[str]:
    return frozenset(name for part in parts for name in part.dropna().astype(str))


def _n_conflicts(found: tuple[Tables, Unplaced]) -> int:
    return int(found[0].conflicts["conflict_id"].nunique())


def _unplaced_of(found: tuple[Tables, Unplaced]) -> Unplaced:
    return found[1]


def _refuse_unplaced(unplaced: list[Unplaced]) -> None:
    """Raise if a relation holds in no partition, or a weight names a source none has."""
    sources = set.intersection(*(set(each.weights) for each in unplaced)) if unplaced else set()
    if sources:
        names = sorted(sources)
        raise ArgumentError(
            f"weights name sources no claim has: {', '.join(map(repr, names))}",
            hint="name each source as the claims' source (or origin) column does, map other spellings "
            "with aliases=, or leave it out of weights= (reconcile a sample in memory to see the "
            "nearest names)",
            names=names,
            column="source",
            reason=Reason.UNKNOWN_WEIGHT_SOURCE,
        )
    nowhere = set.intersection(*(set(each.relations) for each in unplaced)) if unplaced else set()
    if not nowhere:
        return
    text = sorted(nowhere)[0]
    raise RelationError(
        f"the relation {text!r} holds nowhere: none of the claims' groups (place, date) has its "
        "quantities, or its scope names no group of the claims",
        hint="check its names and scope against the claims' counts, places and dates (reconcile a "
        "sample in memory to see the nearest names), or leave the relation out",
        text=text,
        position=0,
        reason=Reason.RELATION_HOLDS_NOWHERE,
    )


def _conflict_starts(counts: list[int]) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)


def _refuse_repeats(repeated: list[pd.Series]) -> None:
    """Raise if a claim id is given more than once across the partitions."""
    counts = pd.concat(repeated) if repeated else pd.Series(dtype="int64")
    if not len(counts):
        return
    shown = counts.sort_index().head(_REPEATS_SHOWN)
    lines = [f"claim_id={name!r} is given {int(times)} times" for name, times in shown.items()]
    more = len(counts) - len(shown)
    raise ClaimsError(
        f"{len(counts)} claim ids are given more than once across the files or partitions",
        hint="give every claim its own claim_id (the files of a folder share one set of ids)",
        details="  " + "\n  ".join(lines) + (f"\n  ... and {more} more" if more > 0 else ""),
        reason=Reason.BAD_ROWS,
        failures=counts.rename("times").rename_axis("claim_id").reset_index(),
    )


def _numbered(
    found: tuple[Tables, Unplaced], starts: np.ndarray, number: int, held: None, meta: Tables
) -> Tables:
    """One partition's tables with its conflicts numbered after those of the partitions before it.

    ``held`` waits until every relation is known to hold in some partition. Each table has
    the dtypes of ``meta`` (a flagged table's text columns come in pandas' other text dtype).
    """
    tables = Tables(*(_like(table, like) for table, like in zip(found[0], meta, strict=True)))
    start = int(starts[number])
    if start == 0 or tables.conflicts.empty:
        return tables
    claims = tables.claims
    named = claims["conflict_id"].notna().to_numpy()
    conflict_id, reason = claims["conflict_id"].copy(), claims["reason"].copy()
    # (only the claims in a conflict: most are in none)
    conflict_id[named] = _shifted(claims["conflict_id"][named], start).to_numpy()
    reason[named] = _shifted_reason(claims["reason"][named], start).to_numpy()
    renamed = claims.assign(conflict_id=conflict_id, reason=reason)
    conflicts = tables.conflicts.assign(conflict_id=_shifted(tables.conflicts["conflict_id"], start))
    return tables._replace(claims=renamed, conflicts=conflicts)


def _like(table: pd.DataFrame, meta: pd.DataFrame) -> pd.DataFrame:
    """``table`` with the dtypes of ``meta`` where they differ (same columns, by construction)."""
    other = {column: meta[column].dtype for column in meta.columns.intersection(table.columns)}
    other = {column: dtype for column, dtype in other.items() if table[column].dtype != dtype}
    return table.astype(other) if other else table


def _shifted(ids: pd.Series, start: int) -> pd.Series:
    """``C<n>`` ids as ``C<n + start>`` (missing ids stay missing)."""
    number = pd.to_numeric(ids.str.slice(1), errors="coerce")
    return ("C" + (number + start).astype("Int64").astype("str")).astype(ids.dtype)


def _shifted_reason(reason: pd.Series, start: int) -> pd.Series:
    """Reasons that end in their conflict's id, ``(C<n>)``, ending in ``(C<n + start>)``."""
    parts = reason.str.extract(r"^(?P<head>.*\(C)(?P<number>\d+)(?P<tail>\))$")
    found = parts["number"].notna()
    if not found.any():
        return reason
    number = (pd.to_numeric(parts["number"]) + start).astype("Int64").astype("str")
    shifted = parts["head"] + number + parts["tail"]
    return shifted.where(found, reason).astype(reason.dtype)


def computed(tables: Tables, key: tuple[str, ...], **options: Any) -> Tables:
    """The four Dask tables computed in one pass (so the claims are read once).

    Claims in input order and estimates sorted by ``key``, as the in-memory path gives them;
    conflicts and totals partition after partition.
    """
    from dask.base import compute

    estimates, conflicts, claims, totals = compute(*tables, **options)  # type: ignore[no-untyped-call]
    claims = claims.sort_values(INPUT_ORDER, kind="stable").drop(columns=INPUT_ORDER)
    return Tables(
        estimates.sort_values(list(key), kind="stable").reset_index(drop=True),
        conflicts.reset_index(drop=True),
        claims.reset_index(drop=True),
        totals.reset_index(drop=True),
    )
