"""The whole of :func:`reconcile`: check the claims, reconcile each quantity, then apply relations.

Data flows one way: :mod:`reconcile.claims` checks the table, :mod:`reconcile.consensus`
finds each quantity's estimate and the contradictions among its claims, the
:mod:`reconcile.relations` package tightens the estimates to what the relations between
quantities allow, derives totals and finds the relations no values can satisfy, and
:class:`Reconciliation` holds the validated tables that come out, shows them
(:mod:`reconcile.display`) and writes them (:mod:`reconcile.formats`). No module below this
one imports it.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np
import pandas as pd

from reconcile import relations as relating
from reconcile import temporal as timing
from reconcile._on_dask import DASK_HINTS, Tables, Unplaced, computed, is_dask_frame, reconcile_partitioned
from reconcile.claims import read_claims
from reconcile.consensus import DEFAULT_KEY, POLICIES, Policy, estimate
from reconcile.display import reconciliation_html, reconciliation_text
from reconcile.errors import ConflictError, Reason
from reconcile.formats import write_tables
from reconcile.relations import Relation
from reconcile.relations.places import read_places, root_places

if TYPE_CHECKING:
    import dask.dataframe as dd
else:
    dd = DASK_HINTS  # so that typing.get_type_hints reads the hints that name Dask tables

__all__ = ["DEFAULT_KEY", "POLICIES", "DaskReconciliation", "Policy", "Reconciliation", "reconcile"]


@dataclass(frozen=True, slots=True, eq=False)
class Reconciliation:
    """What :func:`reconcile` found: three validated tables, and the policy that made them.

    Attributes:
        estimates: one row per quantity (:class:`reconcile.schemas.Estimates`).
        conflicts: one row per (conflict, claim) (:class:`reconcile.schemas.Conflicts`);
            its messages are written when it is first read (the ids, kinds, claims and
            quantities they word are there from the start, as columns and in ``claims``).
        claims: every input claim in input order with ``kept``, ``reason`` and
            ``conflict_id`` (:class:`reconcile.schemas.ReconciledClaims`).
        policy: the policy's name.
        key: the columns that name a quantity.
        totals: one row per quantity no claim gives that relations derive
            (:class:`reconcile.schemas.Totals`); empty without relations.

    Examples:
        >>> import reconcile as rc
        >>> claims = rc.to_claims([
        ...     rc.Figure.about(5000, counts="militants", source="U.S. officials"),
        ...     rc.Figure.at_least(7000, counts="militants", source="Islamic State backers"),
        ... ])
        >>> result = rc.reconcile(claims, key=("counts",))
        >>> result
        Reconciliation(policy='consensus', quantities=1, conflicts=1, claims=2, set_aside=0)
        >>> result.raise_if_conflicts()
        Traceback (most recent call last):
        ...
        reconcile.errors.ConflictError: 1 conflict among the claims: ...

    """

    estimates: pd.DataFrame
    _conflicts: pd.DataFrame = field(repr=False)
    claims: pd.DataFrame
    policy: str
    key: tuple[str, ...]
    totals: pd.DataFrame = field(default_factory=pd.DataFrame)
    # What words the first conflicts' messages, until they are first read (then None).
    _words: Callable[[], np.ndarray] | None = field(default=None, repr=False)

    @property
    def conflicts(self) -> pd.DataFrame:
        """One row per (conflict, claim) (:class:`reconcile.schemas.Conflicts`), each with its message.

        Finding a conflict costs less than wording it: the messages are written on the
        first reading, and kept.
        """
        if self._words is not None:
            messages = self._words()
            given = self._conflicts["message"].to_numpy(dtype=object)
            table = self._conflicts.assign(
                message=pd.array(np.concatenate([messages, given[len(messages) :]]), dtype="str")
            )
            object.__setattr__(self, "_conflicts", table)
            object.__setattr__(self, "_words", None)
        return self._conflicts

    def raise_if_conflicts(self) -> None:
        """Raise :class:`~reconcile.errors.ConflictError` listing every conflict, if there is one.

        For pipelines that must stop on a contradiction; otherwise conflicts are results.

        Examples:
            >>> import reconcile as rc
            >>> claims = rc.to_claims([rc.Figure.exact(5, counts="killed")])
            >>> rc.reconcile(claims, key=("counts",)).raise_if_conflicts()

        """
        if self._conflicts.empty:
            return
        messages = self.conflicts.drop_duplicates("conflict_id")
        count = len(messages)
        lines = (messages["conflict_id"] + ": " + messages["message"]).tolist()
        raise ConflictError(
            f"{count} conflict{'s' if count > 1 else ''} among the claims",
            hint="read result.conflicts, set the claims aside or correct them, or choose another policy",
            details="  " + "\n  ".join(lines),
            conflicts=self.conflicts,
            reason=Reason.CONFLICTS,
        )

    def write(
        self, path: str | os.PathLike[str], *, format: str | None = None, force: bool = False
    ) -> list[Path]:
        """Write the estimates, conflicts, claims and totals: one workbook with a sheet each, or a file each.

        A ``.xlsx`` path is one Excel workbook with the sheets ``estimates``, ``conflicts``,
        ``claims`` and ``totals``. With ``format`` set to ``csv``, ``json``, ``parquet`` or
        ``hxl``, ``path`` is a folder (made if missing, and not named like a file, such as
        ``results.csv``) that gets ``estimates.<ext>``, ``conflicts.<ext>``, ``claims.<ext>``
        and ``totals.<ext>``. ``totals`` (the quantities derived through relations) is
        written even when it has no rows, so the same files always appear. Files are written
        whole or not at all, and spreadsheet formulas in text cells are neutralised as
        :func:`reconcile.write_claims` does; read the claims back with
        ``rc.read_claims(path, sheet="claims")``. A folder is written all or nothing: every
        file is written first, then moved into place, and if one move fails the old files
        are put back; files in the folder that the write does not name are kept. A symbolic
        link or a read-only file is not replaced unless ``force`` is true; a replaced file
        keeps its permission bits.

        Returns:
            The paths written.

        Raises:
            ArgumentError: ``path`` is neither a ``.xlsx`` workbook nor a folder with
                ``format``, a folder would be named like a file, or it cannot be written.

        Examples:
            >>> import tempfile
            >>> import reconcile as rc
            >>> claims = rc.to_claims([rc.Figure.exact(5, counts="killed", source="IOM")])
            >>> result = rc.reconcile(claims, key=("counts",))
            >>> folder = tempfile.mkdtemp()
            >>> [path.name for path in result.write(folder, format="csv")]
            ['estimates.csv', 'conflicts.csv', 'claims.csv', 'totals.csv']
            >>> [path.name for path in result.write(f"{folder}/result.xlsx")]
            ['result.xlsx']
            >>> rc.read_claims(f"{folder}/result.xlsx", sheet="claims")["kept"].tolist()
            [True]
            >>> result.write(f"{folder}/result.csv")
            Traceback (most recent call last):
            ...
            reconcile.errors.ArgumentError: cannot tell what to write at '.../result.csv': ...

        """
        tables = {
            "estimates": self.estimates,
            "conflicts": self.conflicts,
            "claims": self.claims,
            "totals": self.totals,
        }
        return write_tables(tables, path, format, force=force)

    def __repr__(self) -> str:
        n_conflicts = self._conflicts["conflict_id"].nunique()
        set_aside = int((~self.claims["kept"]).sum())
        return (
            f"Reconciliation(policy={self.policy!r}, quantities={len(self.estimates)}, "
            f"conflicts={n_conflicts}, claims={len(self.claims)}, set_aside={set_aside})"
        )

    def __str__(self) -> str:  # print(result): the report of reconcile.display.reconciliation_text
        return reconciliation_text(self)

    def _repr_html_(self) -> str:
        return reconciliation_html(self)


@dataclass(frozen=True, slots=True, eq=False)
class DaskReconciliation:
    """What :func:`reconcile` found on a Dask DataFrame: the same tables, as Dask DataFrames.

    Nothing is computed until asked: :meth:`compute` computes the four tables in one pass
    (the claims are read once) and returns the in-memory :class:`Reconciliation`; to keep
    results beyond memory, write each table with Dask (``result.estimates.to_parquet(...)``)
    and pass them to one ``dask.compute`` call. Each table holds the same rows as the
    in-memory result of the same claims; the claims table adds ``input_order`` (sort by it for
    input order), and conflicts are numbered partition after partition.

    Attributes:
        estimates: one row per quantity (:class:`reconcile.schemas.Estimates`).
        conflicts: one row per (conflict, claim), messages included.
        claims: every input claim with ``kept``, ``reason``, ``conflict_id`` and
            ``input_order``.
        totals: the quantities relations derive.
        policy: the policy's name.
        key: the columns that name a quantity.

    Examples:
        >>> import dask.dataframe as dd
        >>> import reconcile as rc
        >>> claims = rc.to_claims([
        ...     rc.Figure.about(5000, counts="militants", source="U.S. officials"),
        ...     rc.Figure.at_least(7000, counts="militants", source="Islamic State backers"),
        ... ])
        >>> result = rc.reconcile(dd.from_pandas(claims, npartitions=2), key=("counts",))
        >>> result
        DaskReconciliation(policy='consensus', key=('counts',), partitions=1)
        >>> result.compute()
        Reconciliation(policy='consensus', quantities=1, conflicts=1, claims=2, set_aside=0)

    """

    estimates: dd.DataFrame
    conflicts: dd.DataFrame
    claims: dd.DataFrame
    totals: dd.DataFrame
    policy: str
    key: tuple[str, ...]

    def compute(self, **options: Any) -> Reconciliation:
        """The in-memory result: the four tables computed together (``options`` go to ``dask.compute``).

        Examples:
            >>> import dask.dataframe as dd
            >>> import reconcile as rc
            >>> claims = rc.read_claims("examples/data/mosul_2016_claims.csv")
            >>> result = rc.reconcile(dd.from_pandas(claims, npartitions=2)).compute()
            >>> result.estimates.equals(rc.reconcile(claims).estimates)
            True

        """
        lazy = Tables(self.estimates, self.conflicts, self.claims, self.totals)
        tables = computed(lazy, self.key, **options)
        return Reconciliation(
            estimates=tables.estimates,
            _conflicts=tables.conflicts,
            claims=tables.claims,
            policy=self.policy,
            key=self.key,
            totals=tables.totals,
        )

    def __repr__(self) -> str:
        return (
            f"DaskReconciliation(policy={self.policy!r}, key={self.key!r}, "
            f"partitions={self.claims.npartitions})"
        )


# A Dask DataFrame first: its class derives from an untyped one, so it would match any other.
@overload
def reconcile(
    claims: dd.DataFrame,
    *,
    key: Sequence[str] = ...,
    policy: Policy = ...,
    weights: Mapping[str, float] | None = ...,
    relations: Sequence[Relation | str] | None = ...,
    implied_parts: bool = ...,
    aliases: Mapping[str, str] | None = ...,
    time_checks: bool = ...,
    places: pd.DataFrame | str | os.PathLike[str] | Mapping[str, str] | None = ...,
    implied_places: bool = ...,
    joint: bool = ...,
) -> DaskReconciliation: ...


@overload
def reconcile(
    claims: pd.DataFrame | str | os.PathLike[str],
    *,
    key: Sequence[str] = ...,
    policy: Policy = ...,
    weights: Mapping[str, float] | None = ...,
    relations: Sequence[Relation | str] | None = ...,
    implied_parts: bool = ...,
    aliases: Mapping[str, str] | None = ...,
    time_checks: bool = ...,
    places: pd.DataFrame | str | os.PathLike[str] | Mapping[str, str] | None = ...,
    implied_places: bool = ...,
    joint: bool = ...,
) -> Reconciliation: ...


def reconcile(
    claims: pd.DataFrame | str | os.PathLike[str] | dd.DataFrame,
    *,
    key: Sequence[str] = DEFAULT_KEY,
    policy: Policy = "consensus",
    weights: Mapping[str, float] | None = None,
    relations: Sequence[Relation | str] | None = None,
    implied_parts: bool = True,
    aliases: Mapping[str, str] | None = None,
    time_checks: bool = True,
    places: pd.DataFrame | str | os.PathLike[str] | Mapping[str, str] | None = None,
    implied_places: bool = True,
    joint: bool = True,
) -> Reconciliation | DaskReconciliation:
    """Reconcile a claims table: per quantity, an estimate, the conflicts, and every claim's fate.

    A quantity is the claims that share ``key``. Every claim must fill in every ``key``
    column: claims that leave one blank would all be pooled into one quantity, whatever
    they are about, so they are refused (one :class:`~reconcile.errors.ClaimsError` lists
    them all). To pool claims whatever a column says, leave it out of ``key``, e.g.
    ``key=("counts",)`` for figures that give no place or date.

    Within a quantity, ranges are converted to the unit of its first claim; a claim whose
    unit cannot be converted is a conflict of kind ``unit``.

    A quantity's claims are weighed by *voice* (see ``reconcile.voices``): the claims of
    one source (its ``origin``, else its ``source``; names folded for case, spacing and
    punctuation, other spellings mapped by ``aliases``) count once, however many outlets
    (``via``) pass them on. A source's own later report (``reported_on``) supersedes its
    earlier ones: they are set aside as ``superseded by ...``, never a conflict. A voice's
    range is what its most faithful statements say: a two-sided range it states outranks
    a hedged point, which outranks a bare point or a one-sided figure; its other claims are
    retellings, kept as ``repeats <claim_id>`` where they meet that range and a conflict of
    kind ``misreport`` where they do not. Two voices whose ranges share no point are a
    conflict of kind ``disjoint``, named by that pair. Policies decide the estimate (see
    ``POLICIES``):

    - ``consensus``: the heaviest set of voices whose ranges share a point (weights from
      the ``weight`` column, else ``weights`` by source, else 1). The estimate is their
      shared range, its value the weighted median of their values moved into that range.
      When sets of equal weight share no point, no value decides between them: the status
      is ``unresolved``, the estimate their envelope, and one conflict names every voice
      of the tie. *Invariant*: every kept voice contains the estimate's range (unless it
      is unresolved) and no set-aside voice meets it.
    - ``conservative``: the same kept voices and range; the value is the lowest kept value
      moved into the range. *Invariant*: its value is at most the consensus value.
    - ``envelope``: every voice kept; the range runs from the lowest low to the highest
      high, the value is the weighted median value. *Invariant*: every voice's range lies
      inside it.
    - ``priority``: the voice with the highest weight (ties: the narrower range, then the
      lower claim id) is the estimate; voices that meet it are kept, the others set aside.
      *Invariant*: the estimate is that voice's range and value. Needs weights.

    Conflicts are found the same way under every policy; they are results, not errors
    (see :meth:`Reconciliation.raise_if_conflicts`).

    Then relations across quantities apply (see ``reconcile.relations``): each
    estimate's range is tightened to what every relation and every range allow (the
    ``low_tight`` and ``high_tight`` columns), quantities no claim gives are derived into
    ``totals``, and relations that no values inside the ranges satisfy become conflicts
    of kind ``relation``, each naming an irreducible set of claims. With
    ``implied_parts`` a ``counts`` path is checked to be at most its parent
    (``troops/us <= troops``) wherever both are claimed; with ``implied_places`` a place's
    figure is checked to be at most that of the nearest place it is part of
    (``Bangladesh/Cox's Bazar`` within ``Bangladesh``, or as ``places`` says) wherever both
    are claimed for the same counts and date.

    With relations, the voices to keep are chosen **across quantities** (``joint``, the
    default): where each quantity's own choice breaks a relation or leaves a tie, the voices
    that together carry the most weight while every relation can hold are kept (see
    ``reconcile.relations.joint``); each voice set aside is a conflict of kind
    ``relation`` naming the claims and relations it cannot be kept with. Of two reports of
    people who returned, the one the relation "fled = still displaced + returned" allows is
    kept. ``joint=False`` keeps each quantity's own choice (the relations then only tighten,
    derive and report). Without relations the two are the same.

    Args:
        claims: a claims table (checked with :func:`reconcile.read_claims`), or the path of
            a claims file, read with :func:`reconcile.read_claims` and its defaults (read it
            yourself to pass ``sheet=``, ``dayfirst=`` or ``lexicon=``).
        key: the columns that name a quantity; every claim fills each one in.
        policy: one of ``POLICIES`` (typed as :data:`reconcile.Policy`).
        weights: a weight (above 0) per source, named as the ``source`` (or ``origin``)
            column names it; names are compared as voices are (case, spacing and
            punctuation folded), so a weight applies to every claim of its source.
        relations: relations across quantities, as text or :class:`reconcile.Relation`.
        implied_parts: check each counts path against its parent path, and add up the
            flows whose periods tile a period to the flow over it (see ``reconcile.temporal``).
        aliases: other spellings of source names, each mapped to the name it stands for
            (``{"GWU": "George Washington University"}``), so their claims are one voice.
        time_checks: check figures across time (see ``reconcile.temporal``): a running
            total (``measure`` ``cumulative``) that falls, or a flow over part of a period
            above the flow over the whole, is a conflict of kind ``temporal``, and running
            totals and nested flows tighten each other's ranges.
        places: plain place names put into a hierarchy: a table (or CSV path) with the
            columns ``place``, ``parent`` and, if you like, ``pcode`` (another name of the
            place), or a mapping of place to parent. Paths (``Bangladesh/Cox's Bazar``)
            need none.
        implied_places: check each place's figure against the place it is part of.
        joint: choose the voices to keep across quantities where relations tie them.

    Returns:
        A :class:`Reconciliation` with ``estimates``, ``conflicts``, ``claims`` and ``totals``.

    Raises:
        ClaimsError: the table breaks the claims contract, or claims leave a ``key``
            column blank (``error.rows`` and ``error.columns`` say which).
        ArgumentError: an unknown policy, a missing key column, bad weights, or weights
            for a source no claim has (``error.names``, with the nearest names the table
            has in ``error.nearest``).
        RelationError: a relation that cannot be read, names a quantity no claim gives and
            no relation defines, or adds terms in units that cannot be compared.

    Examples:
        The first two claims are from a CNN report of 17 October 2016 on Mosul; the third
        source is invented for the example.

        >>> import reconcile as rc
        >>> claims = rc.to_claims([
        ...     rc.Figure.about(5000, counts="militants", source="U.S. officials"),
        ...     rc.Figure.at_least(7000, counts="militants", source="Islamic State backers"),
        ...     rc.Figure.between(4000, 6000, counts="militants", source="a third source"),
        ... ])
        >>> result = rc.reconcile(claims, key=("counts",))
        >>> result.estimates[["counts", "low", "value", "high", "n_claims", "n_kept", "status"]]
              counts     low   value    high  n_claims  n_kept    status
        0  militants  4500.0  5000.0  5500.0         3       2  conflict
        >>> result.claims[["claim_id", "kept", "conflict_id"]]
          claim_id   kept conflict_id
        0       c1   True         NaN
        1       c2  False          C1
        2       c3   True         NaN
        >>> for part in result.conflicts["message"][0].split("; "):
        ...     print(part)
        U.S. officials: about 5,000 militants (4,500–5,500)
        Islamic State backers: at least 7,000 militants (7,000–∞)
        the ranges share no point: 1,500 militants apart

        These claims give no place or date, so the default key, which names them, refuses
        them rather than pool them with every other claim that gives none:

        >>> rc.reconcile(claims)
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: 3 claims leave a key column blank (place, as_of), ...
          row 0: claim 'c1' (counts='militants') has no place or as_of
        ...

        Weights name sources as voices are compared (case, spacing and punctuation
        folded), and a name no claim has is refused with the nearest ones:

        >>> rc.reconcile(claims, key=("counts",), weights={"US Officials": 2}).claims["kept"].tolist()
        [True, False, True]
        >>> try:
        ...     rc.reconcile(claims, key=("counts",), weights={"US official": 2})
        ... except rc.ArgumentError as error:
        ...     print(error.problem)
        weights name sources no claim has: 'US official' (nearest: 'us officials')

        A path is read as :func:`reconcile.read_claims` reads it:

        >>> import tempfile
        >>> path = f"{tempfile.mkdtemp()}/claims.csv"
        >>> rc.write_claims(claims, path)
        >>> rc.reconcile(path, key=("counts",)).estimates.equals(result.estimates)
        True

    """
    options: dict[str, Any] = {
        "policy": policy,
        "weights": weights,
        "relations": relations,
        "implied_parts": implied_parts,
        "aliases": aliases,
        "time_checks": time_checks,
        "implied_places": implied_places,
        "joint": joint,
    }
    if is_dask_frame(claims):  # (the places table is read once, for every partition)
        return _on_dask(claims, key=tuple(key), places=read_places(places), **options)
    result, _, _ = _in_memory(claims, key=key, places=places, **options)
    return result


def _in_memory(
    claims: pd.DataFrame | str | os.PathLike[str],
    *,
    key: Sequence[str],
    policy: Policy,
    weights: Mapping[str, float] | None,
    relations: Sequence[Relation | str] | None,
    implied_parts: bool,
    aliases: Mapping[str, str] | None,
    time_checks: bool,
    places: pd.DataFrame | str | os.PathLike[str] | Mapping[str, str] | None,
    implied_places: bool,
    joint: bool,
    elsewhere: frozenset[str] = frozenset(),
    part: bool = False,
) -> tuple[Reconciliation, tuple[str, ...], tuple[str, ...]]:
    """:func:`reconcile` in memory, the relations that hold nowhere in it, and the weighed sources it lacks.

    With ``part`` true the claims are a part of a larger table: a weight for a source they do
    not have is returned, not refused. ``elsewhere`` names every counts path the whole table
    claims; with any, a relation that holds nowhere in these claims is returned, not refused.
    """
    if not isinstance(claims, pd.DataFrame):  # a path, or what read_claims refuses clearly
        claims = read_claims(claims)
    claims, flagged, apart = _flagged_apart(claims)
    found = estimate(
        claims, key=key, policy=policy, weights=weights, aliases=aliases, worded=False, part=part
    )
    found = timing.apply(found, time_checks)
    related = relating.apply(
        found,
        relations,
        implied_parts,
        places=read_places(places),
        implied_places=implied_places,
        joint=joint,
        elsewhere=elsewhere,
    )
    result = Reconciliation(
        estimates=related.estimates,
        _conflicts=related.conflicts,
        claims=_with_flagged(found.claims if related.claims is None else related.claims, flagged, apart),
        policy=found.policy,
        key=found.key,
        totals=related.totals,
        _words=found.words,
    )
    return result, related.idle, found.unweighed


def _flagged_apart(claims: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame | None, np.ndarray]:
    """The rows to reconcile, and those a flagged table (``read_claims(..., errors="flag")``) sets aside.

    A flagged row is set aside when it has an ``error``, or gives no figure (a row the reader
    skipped, with a ``warning``); its ``reason`` says which.
    """
    apart = np.zeros(len(claims), dtype=bool)
    if "error" not in claims:
        return claims, None, apart
    error = claims["error"]
    no_figure = claims[["low", "value", "high"]].isna().all(axis=1) if "value" in claims else error.isna()
    apart = (error.notna() | no_figure).to_numpy(dtype=bool)
    if not apart.any():
        return claims, None, apart
    reason = ("unreadable: " + error.astype(object)).where(error.notna(), "no figure")
    flagged = claims[apart].assign(
        kept=False, reason=reason[apart].astype(object), conflict_id=None, voice=None
    )
    return claims[~apart], flagged, apart


def _with_flagged(result: pd.DataFrame, flagged: pd.DataFrame | None, apart: np.ndarray) -> pd.DataFrame:
    """Every input claim in input order: the reconciled ones and the flagged ones set aside."""
    if flagged is None:
        return result
    positions = np.concatenate([np.flatnonzero(~apart), np.flatnonzero(apart)])
    together = pd.concat([result, flagged.reindex(columns=result.columns)], ignore_index=True)
    texts = {column: result[column].dtype for column in ("reason", "conflict_id", "voice")}
    return together.iloc[np.argsort(positions, kind="stable")].reset_index(drop=True).astype(texts)


def _on_dask(claims: dd.DataFrame, **options: Any) -> DaskReconciliation:
    """:func:`reconcile` on Dask: claims moved once, so that every check sees what it compares.

    Every check across quantities stays within a root place (relations and time at one place,
    a place within its parents), so with ``place`` in the key, claims are moved by root
    place; without it, by quantity when no check crosses quantities, else all into one
    partition (relations and time checks would connect them all).
    """
    key, places = options["key"], options["places"]
    crossing = options["relations"] or options["time_checks"] or options["implied_parts"]
    shard: Callable[[pd.DataFrame], pd.Series] | None
    if "place" in key:
        shard = functools.partial(_root_place, parents=places)
    elif not crossing:
        shard = functools.partial(_quantity, key=key)
    else:
        shard = None
    run = functools.partial(_tables, **options)
    # No claims give the columns of each table; what names claims (relations, weights) is left out.
    empty = {"relations": None, "weights": None, "policy": "consensus"}
    run_empty = functools.partial(_tables, elsewhere=frozenset(), **{**options, **empty})
    tables = reconcile_partitioned(claims, run, shard, run_empty)
    return DaskReconciliation(
        estimates=tables.estimates,
        conflicts=tables.conflicts,
        claims=tables.claims,
        totals=tables.totals,
        policy=options["policy"],
        key=key,
    )


def _tables(claims: pd.DataFrame, elsewhere: frozenset[str], **options: Any) -> tuple[Tables, Unplaced]:
    """One partition reconciled in memory, its conflicts worded, and what it could not place.

    ``elsewhere``: every counts path the whole table claims. A relation that holds nowhere in
    the partition, or a weight for a source it does not have, is returned, not refused: the
    whole table decides.
    """
    result, idle, unweighed = _in_memory(claims, elsewhere=elsewhere, part=True, **options)
    tables = Tables(result.estimates, result.conflicts, result.claims, result.totals)
    return tables, Unplaced(relations=idle, weights=unweighed)


def _root_place(claims: pd.DataFrame, parents: Mapping[str, str]) -> pd.Series:
    return root_places(claims["place"], parents)


def _quantity(claims: pd.DataFrame, key: tuple[str, ...]) -> pd.Series:
    return pd.util.hash_pandas_object(claims[list(key)], index=False)
