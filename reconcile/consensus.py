"""Per-quantity reconciliation: the range the claims support, the contradictions, the claims set aside.

All quantities are reconciled at once, with whole-column operations: the claims are sorted
once by quantity and range end, and a cumulative sum over the range ends (+weight where a
range opens, -weight where it closes) gives, at every point, the weight of the claims that
allow it. Its maximum per quantity is the largest set of claims that can all be right.
"""

from __future__ import annotations

import difflib
import math
import numbers
from collections.abc import Callable, Mapping, Sequence
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd

from reconcile._cells import blank_cells
from reconcile._conflict_text import (
    Coded,
    conflict_reasons,
    only_rows,
    text_column,
    text_filled,
    word_conflicts,
)
from reconcile._measures import same_time
from reconcile._statements import Ids, statements
from reconcile._sweep import (
    first_per_group,
    group_codes,
    largest_agreeing_sets,
    membership,
    per_group,
    weighted_median,
)
from reconcile._texts import coded_texts, texts_at
from reconcile.claims import read_claims
from reconcile.errors import ArgumentError, ClaimsError, Reason
from reconcile.schemas import Conflicts, ReconciledClaims, check_built
from reconcile.units import conversion_bounds, dimension
from reconcile.voices import Voices, faithfulness, own_reports, revisions, voice_names, voices

__all__ = ["DEFAULT_KEY", "POLICIES", "Consensus", "VoiceRanges", "estimate"]

# The most claims with a blank key cell an error lists; its ``failures`` holds them all.
_SHOWN_BLANK_KEYS = 100

#: The columns that name a quantity: what is counted, where, and when.
DEFAULT_KEY = ("counts", "place", "as_of")

#: The policies :func:`reconcile` can apply, each with the practice it follows.
POLICIES = {
    "consensus": "the largest set of claims that can all be right; their shared range",
    "conservative": "as consensus, with the lowest credible value (as ACLED publishes)",
    "envelope": "from the lowest low to the highest high of all claims (as IBC reports a min-max)",
    "priority": "the claim of the highest-ranked source; the others checked against it",
}
Policy = Literal["consensus", "conservative", "envelope", "priority"]  #: a name of POLICIES, as a type


class _UnitFamilies(NamedTuple):
    """Claims of one quantity split by what their units measure (people, households ...)."""

    family: np.ndarray  # per row: its (quantity, dimension) family, numbered from 0
    first: np.ndarray  # per family: its first row, whose unit is the family's unit
    least: np.ndarray  # per row: the lowest its unit's factor into the family's unit can be
    factor: np.ndarray  # per row: that factor, as pint computes it
    most: np.ndarray  # per row: the highest it can be
    codes: np.ndarray  # per row: its unit's position in ``units``
    units: np.ndarray  # the distinct units, as written


def _unit_families(unit: pd.Series, group: np.ndarray) -> _UnitFamilies:
    """Split each quantity's claims by dimension; convert each to its family's first unit."""
    codes, distinct = pd.factorize(unit)
    codes = codes.astype(np.int32)
    dimensions = pd.factorize(np.array([dimension(name) for name in distinct], dtype=object))[0]
    if len(distinct) and not dimensions.any():  # one dimension: each quantity is one family
        family = group
    else:
        key = group.astype(np.int64) * (int(dimensions.max(initial=0)) + 1) + dimensions[codes]
        family = np.unique(key, return_inverse=True)[1].reshape(-1)
    # Families are numbered in order of their key; each one's first claim in input order:
    first = np.full(int(family.max(initial=-1)) + 1, len(family), dtype=np.int64)
    np.minimum.at(first, family, np.arange(len(family)))
    units = np.asarray(distinct, dtype=object)
    if len(distinct) == 1:  # one unit throughout: nothing to convert (a factor of 1, not stored per row)
        ones = np.broadcast_to(1.0, len(family))
        return _UnitFamilies(family, first, ones, ones, ones, codes, units)
    target = codes[first][family]
    bounds = np.ones((3, len(distinct), len(distinct)))
    present = np.zeros(len(distinct) ** 2, dtype=bool)
    present[codes.astype(np.int64) * len(distinct) + target] = True
    for pair in np.flatnonzero(present).tolist():  # distinct pairs of units only
        source, into = divmod(pair, len(distinct))
        bounds[:, source, into] = conversion_bounds(distinct[source], distinct[into])
    least, factor, most = bounds[:, codes, target]
    return _UnitFamilies(family, first, least, factor, most, codes, units)


def _in_family_units(frame: pd.DataFrame, families: _UnitFamilies) -> tuple[np.ndarray, ...]:
    """Each claim's (low, value, high) in its family's unit: the table's own arrays where all is one unit."""
    low, value, high = (frame[end].to_numpy(dtype=float) for end in ("low", "value", "high"))
    if len(families.units) == 1:  # (the claims contract holds low <= value <= high)
        return low, value, high
    low = _convert(low, families.least, families.most, "down")
    high = _convert(high, families.least, families.most, "up")
    return low, np.clip(value * families.factor, low, high), high


def _convert(values: np.ndarray, least: np.ndarray, most: np.ndarray, rounding: str) -> np.ndarray:
    """Values times a positive factor known to lie in [least, most], rounded ``rounding``."""
    if rounding == "down":
        product = values * np.where(values >= 0, least, most)
        return np.where(least == most, product, np.nextafter(product, -np.inf))
    product = values * np.where(values >= 0, most, least)
    return np.where(least == most, product, np.nextafter(product, np.inf))


def _reprs(values: pd.Series) -> np.ndarray:
    """Each cell's ``repr`` (``'Mosul'``), each distinct value written once."""
    codes, distinct = pd.factorize(values)
    return np.array([repr(value) for value in distinct] + [""], dtype=object)[codes]


def _refuse_blank_keys(frame: pd.DataFrame, key: tuple[str, ...]) -> None:
    """Raise a :class:`ClaimsError` naming every claim that leaves a key column blank.

    Claims with a blank key cell would all fall into one quantity, whatever they are about.
    """
    blank = np.column_stack([blank_cells(frame[column]) for column in key]).reshape(len(frame), len(key))
    rows = np.flatnonzero(blank.any(axis=1))
    if not len(rows):
        return
    columns = tuple(column for number, column in enumerate(key) if blank[:, number].any())
    # Per row: the blank key columns ("place, as_of") and the filled ones as written.
    missing = np.full(len(rows), "", dtype=object)
    said = np.full(len(rows), "", dtype=object)
    given = np.full(len(rows), "", dtype=object)
    for number, column in enumerate(key):  # the key's columns, a handful
        empty = blank[rows, number]
        missing = np.where(empty, missing + np.where(missing == "", "", ", ") + column, missing)
        said = np.where(empty, said + np.where(said == "", "", " or ") + column, said)
        written = column + "=" + _reprs(frame[column].iloc[rows])
        given = np.where(empty, given, given + np.where(given == "", "", ", ") + written)
    claim = "claim " + _reprs(frame["claim_id"].iloc[rows])
    message = claim + np.where(given == "", "", " (" + given + ")") + " has no " + said
    index = frame.index[rows]
    failures = pd.DataFrame(
        {
            "index": index,
            "claim_id": frame["claim_id"].iloc[rows].to_numpy(),
            "column": missing,
            "check": "key column filled in",
            "failure_case": None,
            "message": message,
            "schema_context": "key",
        }
    )
    lines = ("row " + pd.Series(index).astype("str") + ": " + pd.Series(message, dtype="str")).tolist()
    shown = lines[:_SHOWN_BLANK_KEYS]
    if len(lines) > len(shown):
        shown.append(f"... and {len(lines) - len(shown)} more (see the error's .failures)")
    named = columns[0] if len(columns) == 1 else f"{', '.join(columns[:-1])} and {columns[-1]}"
    rest = tuple(column for column in key if column not in columns)
    count = len(rows)
    hint = f"fill {named} in for {'these claims' if count > 1 else 'this claim'}"
    if rest:
        hint += f", or leave {'it' if len(columns) == 1 else 'them'} out of key= (e.g. key={rest!r}) "
        hint += f"to pool claims whatever their {named}"
    else:
        hint += ", or name quantities by other columns with key="
    raise ClaimsError(
        f"{count} claim{'s' if count > 1 else ''} leave{'s' if count == 1 else ''} a key column blank "
        f"({', '.join(columns)}), so no quantity can be named for "
        f"{'them' if count > 1 else 'it'}",
        hint=hint,
        details="  " + "\n  ".join(shown),
        failures=failures,
        origin=None,
        rows=index.tolist(),
        columns=columns,
        key=key,
        reason=Reason.BLANK_KEY,
    )


def _refuse_unknown_sources(
    names: np.ndarray, weights: Mapping[str, float], aliases: Mapping[str, str] | None, part: bool
) -> tuple[str, ...]:
    """Raise an :class:`ArgumentError` if ``weights`` names a voice no claim has; for a ``part``, return them.

    ``names`` are the claims' voice names; a weight's name is compared as they are (case,
    spacing and punctuation folded, ``aliases`` applied).
    """
    known = {str(name) for name in pd.unique(names) if name}
    given = dict(zip(weights, voice_names(weights, aliases), strict=True))
    unknown = [name for name, folded in given.items() if folded not in known]  # a handful
    if not unknown or part:
        return tuple(unknown)
    sources = sorted(known)
    nearest = {name: difflib.get_close_matches(given[name], sources, n=3) for name in unknown}
    said = [
        f"{name!r} (nearest: {', '.join(map(repr, close))})" if close else f"{name!r} (no source is close)"
        for name, close in nearest.items()
    ]
    raise ArgumentError(
        f"weights name sources no claim has: {'; '.join(said)}",
        hint="name each source as the claims' source (or origin) column does, map other spellings "
        "with aliases=, or leave it out of weights=",
        names=unknown,
        nearest=nearest,
        column="source",
        reason=Reason.UNKNOWN_WEIGHT_SOURCE,
    )


def _weights(
    frame: pd.DataFrame,
    found: Voices,
    weights: Mapping[str, float] | None,
    aliases: Mapping[str, str] | None,
) -> np.ndarray:
    """Each claim's weight: its ``weight`` cell, else its voice's weight in ``weights``, else 1."""
    weight = pd.Series(1.0, index=frame.index)
    if weights is not None:
        by_voice = dict(zip(voice_names(weights, aliases), map(float, weights.values()), strict=True))
        per_name = np.array([by_voice.get(name, 1.0) if name else 1.0 for name in found.names])
        weight = pd.Series(per_name[found.which], index=frame.index)
    if "weight" in frame:
        weight = frame["weight"].astype(float).fillna(weight)
    return weight.to_numpy(dtype=float)


class VoiceRanges(NamedTuple):
    """Each voice's range as the per-quantity step read it, for a step that chooses voices again.

    Per voice (a source's claims about one quantity): ``estimate`` (its quantity's row),
    ``low``, ``value``, ``high`` (in the quantity's unit), ``weight``, ``speaker`` (the row of
    the claim that states its range), ``candidate`` (it has a claim that stands and its unit
    converts to the quantity's) and ``kept``; per claim: ``of_claim`` (its voice) and
    ``stands`` (neither superseded nor a misreport: it goes with its voice).
    """

    estimate: np.ndarray
    low: np.ndarray
    value: np.ndarray
    high: np.ndarray
    weight: np.ndarray
    speaker: np.ndarray
    candidate: np.ndarray
    kept: np.ndarray
    of_claim: np.ndarray
    stands: np.ndarray


class Consensus(NamedTuple):
    """What the claims say of each quantity on their own, before any relation between quantities.

    Attributes:
        estimates: one row per quantity: the key, ``low``, ``value``, ``high``, ``unit``,
            ``n_claims``, ``n_kept`` and ``status`` (checked as
            :class:`reconcile.schemas.Estimates` once relations add their columns).
        conflicts: one row per (conflict, claim) (:class:`reconcile.schemas.Conflicts`).
        claims: every claim in input order with ``kept``, ``reason`` and ``conflict_id``
            (:class:`reconcile.schemas.ReconciledClaims`).
        policy: the policy that chose each estimate.
        key: the columns that name a quantity.
        claim_estimate: per claim, the row of its quantity's estimate (None where not known:
            then the key columns tell).
        voices: each voice's range and weight (:class:`VoiceRanges`), or None.
        words: where the conflicts' messages are not worded yet (``estimate(...,
            worded=False)``), what words them: it returns the messages of the first rows of
            ``conflicts``, in order, whose ``message`` is blank until then.
        unweighed: the weights' sources a part of a larger table does not have (``estimate(...,
            part=True)``): they weigh nothing in it.

    """

    estimates: pd.DataFrame
    conflicts: pd.DataFrame
    claims: pd.DataFrame
    policy: str
    key: tuple[str, ...]
    claim_estimate: np.ndarray | None = None
    voices: VoiceRanges | None = None
    words: Callable[[], np.ndarray] | None = None
    unweighed: tuple[str, ...] = ()


# Columns that cannot name a quantity: a claim's own id and figure, and the columns the
# result's tables fill in themselves.
_NOT_KEYS = frozenset(
    "claim_id low value high weight n_claims n_kept n_voices status low_tight high_tight "  # noqa: SIM905
    "lag_days conflict_id conflict_ids conflicts kind message kept reason voice low_90 high_90 "
    "claim_ids relations".split()
)


def estimate(
    claims: pd.DataFrame,
    *,
    key: Sequence[str] = DEFAULT_KEY,
    policy: str = "consensus",
    weights: Mapping[str, float] | None = None,
    aliases: Mapping[str, str] | None = None,
    worded: bool = True,
    part: bool = False,
) -> Consensus:
    """Check the claims and the arguments, then find each quantity's estimate and conflicts.

    This is the per-quantity step of :func:`reconcile.reconcile`, which documents the
    policies, the key and the weights; relations between quantities come after it. With
    ``worded`` false the conflicts' messages are left blank, and the result's ``words``
    words them when they are wanted (:class:`reconcile.Reconciliation` does so on first
    reading its ``conflicts``). With ``part`` true the claims are a part of a larger table:
    a weight for a source they lack weighs nothing here, and is named in ``unweighed``.

    Raises:
        ClaimsError: the table breaks the claims contract, or claims leave a ``key``
            column blank.
        ArgumentError: an unknown policy, a missing key column, bad weights, or weights
            for a source no claim has.

    Examples:
        >>> import reconcile as rc
        >>> claims = rc.to_claims([rc.Figure.about(5000, counts="militants", source="U.S. officials"),
        ...                        rc.Figure.at_least(7000, counts="militants", source="backers")])
        >>> found = estimate(claims, key=("counts",))
        >>> found.estimates[["counts", "low", "high", "status"]]
              counts     low  high      status
        0  militants  4500.0   inf  unresolved
        >>> weighed = estimate(claims, key=("counts",), weights={"U.S. officials": 2})
        >>> weighed.estimates[["counts", "low", "high", "status"]]
              counts     low    high    status
        0  militants  4500.0  5500.0  conflict

    """
    if not isinstance(policy, str) or policy not in POLICIES:
        raise ArgumentError(
            f"unknown policy {policy!r}",
            hint=f"choose one of {', '.join(map(repr, POLICIES))}",
            reason=Reason.UNKNOWN_POLICY,
        )
    if isinstance(key, str) or not isinstance(key, Sequence) or not all(isinstance(k, str) for k in key):
        raise ArgumentError(
            f"key must be a sequence of column names (got {key!r})",
            hint=f"name a quantity by columns of the table, e.g. key={DEFAULT_KEY!r}",
            reason=Reason.BAD_KEY,
        )
    key = tuple(key)
    repeated = sorted({column for column in key if key.count(column) > 1})
    own = [column for column in key if column in _NOT_KEYS]
    if repeated or own:
        said = (
            f"the key names {', '.join(map(repr, repeated))} more than once"
            if repeated
            else f"the key names {', '.join(map(repr, own))}, which is a claim's own or the result's, "
            "not a quantity's"
        )
        raise ArgumentError(
            said,
            hint=f"name a quantity by what it counts, where and when, e.g. key={DEFAULT_KEY!r}",
            reason=Reason.BAD_KEY,
        )
    frame = read_claims(claims)
    frame.attrs = {}  # (the reader's notes: pandas would copy them into every table made from it)
    missing = [column for column in key if column not in frame]
    if not key or missing:
        raise ArgumentError(
            f"the key names columns the claims table does not have ({', '.join(map(repr, missing))})",
            hint=f"name a quantity by columns of the table, e.g. key={DEFAULT_KEY!r}",
            reason=Reason.BAD_KEY,
        )
    _refuse_blank_keys(frame, key)
    compared = same_time(frame, key)
    if compared is not None:  # counts on a date dated coarsely, compared at the day inside
        frame = frame.assign(as_of=compared, as_of_given=frame["as_of"])
    if weights is not None:
        if not isinstance(weights, Mapping):
            raise ArgumentError(
                f"weights must map source names to weights (got {type(weights).__name__})",
                hint="pass weights={'U.S. officials': 2, ...}",
                reason=Reason.BAD_WEIGHTS,
            )
        bad = {
            source: weight
            for source, weight in weights.items()
            if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not 0 < weight < math.inf
        }
        if bad:
            raise ArgumentError(
                f"weights must be above 0 and finite (got {bad!r})",
                hint="give every source a positive weight; leave a source out to weigh it 1",
                reason=Reason.BAD_WEIGHTS,
            )
    if aliases is not None and (
        not isinstance(aliases, Mapping) or not all(isinstance(v, str) for v in (*aliases, *aliases.values()))
    ):
        raise ArgumentError(
            f"aliases must map source names to source names (got {aliases!r})",
            hint="pass aliases={'GWU': 'George Washington University', ...}",
            reason=Reason.BAD_ARGUMENT,
        )
    names = voices(frame, aliases)
    unweighed: tuple[str, ...] = ()
    if weights is not None:  # (a part of a larger table: a source it lacks weighs nothing in it)
        unweighed = _refuse_unknown_sources(names.names, weights, aliases, part)
        weights = {name: weight for name, weight in weights.items() if name not in unweighed}
    if policy == "priority" and weights is None and "weight" not in frame:
        raise ArgumentError(
            "the priority policy needs a ranking of sources",
            hint="pass weights={'source name': weight, ...} or give the table a weight column",
            reason=Reason.PRIORITY_NEEDS_WEIGHTS,
        )
    found = _per_quantity(frame, key, policy, _weights(frame, names, weights, aliases), names, worded)
    return found._replace(unweighed=unweighed)


def _per_quantity(
    frame: pd.DataFrame, key: tuple[str, ...], policy: str, weight: np.ndarray, found: Voices, worded: bool
) -> Consensus:
    n = len(frame)
    try:
        group = group_codes(frame, list(key))
    except TypeError as exc:
        raise ArgumentError(
            f"the key columns {key!r} hold values that cannot be grouped ({exc})",
            hint="a key column holds text or numbers, one per claim",
            reason=Reason.UNGROUPABLE_KEY,
        ) from exc
    group, n_groups = group.astype(np.int32), int(group.max()) + 1 if n else 0  # (4-byte codes: memory)
    families = _unit_families(frame["unit"], group)
    family = families.family
    low, value, high = _in_family_units(frame, families)
    every = np.arange(n)
    claim_id = Ids(frame["claim_id"])

    # -- voices: revisions, then each voice's most faithful statements --------------------
    # A voice is one source's claims about one quantity, in one family of units.
    voice = pd.factorize(family.astype(np.int64) * (int(found.code.max(initial=0)) + 1) + found.code)[0]
    voice = voice.astype(np.int32)  # (4-byte codes: memory)
    n_voices = int(voice.max(initial=-1)) + 1
    rank = faithfulness(low, value, high, text_filled(frame, "hedge"), voice)
    reported = text_column(frame, "reported_on", every)
    dated = bool((reported != "").any())  # (ids are only needed to name a revision's leader)
    all_ids = claim_id[every] if dated else np.full(n, "", dtype=object)
    own, channel = own_reports(frame, found)
    superseded, superseder = revisions(voice, reported, rank, low, high, all_ids, own, channel)
    old = np.flatnonzero(superseded)
    leader, leader_reported = superseder[old], reported[superseder[old]]
    del every, reported, all_ids, superseder  # (each step frees what it alone needed: memory)
    live = ~superseded
    said = statements(voice, n_voices, (low, value, high, rank, weight), live, own, claim_id)
    del rank, own, channel
    top, v_low, v_high, v_value, v_weight, speaker = said  # per claim; then per voice
    v_group = group[speaker]
    v_family = v_group if family is group else family[speaker]  # (one family per quantity: the same)
    meets = (low <= v_high[voice]) & (high >= v_low[voice])
    retelling = live & ~top & meets
    misreport = live & ~top & ~meets
    alive = np.bincount(voice[live], minlength=n_voices) > 0  # a voice with a claim that stands
    del said, top, meets, live

    # -- the heaviest agreeing sets of voices, per family of units --------------------------
    n_families = len(families.first)
    voices_alive = np.flatnonzero(alive)
    sets = largest_agreeing_sets(
        v_family[voices_alive], v_low[voices_alive], v_high[voices_alive], v_weight[voices_alive], n_families
    )
    del voices_alive
    has_set = sets.first >= 0
    set_low = np.where(has_set, sets.low[np.maximum(sets.first, 0)], np.nan)
    set_high = np.where(has_set, sets.high[np.maximum(sets.first, 0)], np.nan)
    envelope_low = pd.Series(sets.low).groupby(sets.owner).min().reindex(range(n_families)).to_numpy()
    envelope_high = pd.Series(sets.high).groupby(sets.owner).max().reindex(range(n_families)).to_numpy()

    # Each quantity takes the family of units with the heaviest agreeing set (ties: the
    # family with the lowest claim id; widths in different units say nothing); under the
    # priority policy, the family of its highest-weighted claim. The others are conflicts
    # of kind 'unit'.
    family_group = group[families.first]
    priority = policy == "priority"  # (then ranked by its highest-weighted claim)
    rank_family = -per_group(family, weight, n_families, "max", 0.0) if priority else -sets.weight
    by_rank = np.lexsort((_lowest_ids(family, claim_id, n_families, n_groups), rank_family, family_group))
    chosen = np.full(n_groups, -1)
    leaders = np.unique(family_group[by_rank], return_index=True)[1]
    chosen[family_group[by_rank][leaders]] = by_rank[leaders]
    first = families.first[chosen]  # the claim whose unit is the quantity's unit
    quantity_unit = families.units[families.codes[first]]
    convertible = alive & (v_family == chosen[v_group])
    # Equal sets that share no point: under every policy but priority's ranking, unresolved.
    tied = (sets.n_sets[chosen] > 1) & (policy != "priority")
    in_set, in_every_set = membership(sets, v_family, v_low, v_high, convertible)
    in_first = convertible & (v_low <= set_low[v_family]) & (v_high >= set_high[v_family])

    # The smallest set behind each disjoint voice: it and one voice of the first heaviest set
    # it cannot meet. (Ranges on a line that meet pairwise share a point, so one exists.)
    lowest_high = first_per_group(v_group, in_first, v_high)
    highest_low = first_per_group(v_group, in_first, v_low, largest=True)
    if policy == "priority":
        # The highest weight first, then the narrower range, then the lower claim id.
        ranked = np.flatnonzero(convertible)
        ids = pd.factorize(claim_id[speaker[ranked]], sort=True)[0]
        ranked = ranked[np.lexsort((ids, (v_high - v_low)[ranked], -v_weight[ranked], v_group[ranked]))]
        firsts = np.unique(v_group[ranked], return_index=True)[1]
        lead = np.full(n_groups, -1)
        lead[v_group[ranked][firsts]] = ranked[firsts]
        v_kept = convertible & (v_low <= v_high[lead][v_group]) & (v_high >= v_low[lead][v_group])
        v_outlier = convertible & ~v_kept
        partner = lead[v_group]
    else:
        v_kept = in_set if policy != "envelope" else convertible
        v_outlier = convertible & ~in_set
        above = v_low > set_high[v_family]
        partner = np.where(above, lowest_high[v_group], highest_low[v_group])
    partner = np.where(convertible, speaker[np.maximum(partner, 0)], first[v_group])
    v_conflict = alive & (v_outlier | ~convertible)
    # Each claim in its family's unit, as converted:
    shown_unit = Coded(families.units[families.codes[families.first]], family)

    # -- estimates --------------------------------------------------------------------------
    kept_voice = np.flatnonzero(v_kept)
    shared_low = np.where(tied, envelope_low[chosen], set_low[chosen])
    shared_high = np.where(tied, envelope_high[chosen], set_high[chosen])
    if policy == "envelope":
        est_low = per_group(v_group[kept_voice], v_low[kept_voice], n_groups, "min", np.nan)
        est_high = per_group(v_group[kept_voice], v_high[kept_voice], n_groups, "max", np.nan)
    elif policy == "priority":
        est_low, est_high = v_low[lead], v_high[lead]
    else:
        est_low, est_high = shared_low, shared_high
    if policy == "priority":
        est_value = v_value[lead]
    elif policy == "conservative":
        est_value = per_group(v_group[kept_voice], v_value[kept_voice], n_groups, "min", np.nan)
    else:
        # A floor or a ceiling ("at least 2,521") bounds the value but does not vote for it,
        # unless no kept voice gives a point or a two-sided range.
        inside = (v_low < v_value) & (v_value < v_high)
        votes = v_kept & (inside | (v_low == v_high))
        has_vote = np.bincount(v_group[votes], minlength=n_groups) > 0
        votes = np.flatnonzero(votes | (v_kept & ~has_vote[v_group]))
        est_value = weighted_median(v_group[votes], v_value[votes], v_weight[votes], n_groups)
        del votes, inside
    est_value = np.clip(est_value, est_low, est_high)
    del kept_voice
    kept = ~superseded & ~misreport & v_kept[voice]
    n_claims = np.bincount(group, minlength=n_groups)
    n_kept = np.bincount(group[kept], minlength=n_groups)
    n_voices_of = np.bincount(v_group[alive], minlength=n_groups)
    troubled = np.bincount(v_group[v_conflict], minlength=n_groups) > 0
    troubled |= np.bincount(group[misreport], minlength=n_groups) > 0
    revised = np.bincount(group[superseded], minlength=n_groups) > 0
    status = np.select(
        [tied, troubled, revised, n_voices_of == 1], ["unresolved", "conflict", "revised", "single"], "agreed"
    )
    estimates = frame[list(key)].iloc[first].reset_index(drop=True)
    estimates = estimates.assign(
        low=est_low,
        value=est_value,
        high=est_high,
        unit=quantity_unit,
        n_claims=n_claims,
        n_kept=n_kept,
        n_voices=n_voices_of,
        status=status,
    )

    # -- conflicts and reasons ---------------------------------------------------------------
    # Pairs: (partner, claim) for each voice set aside, (speaker, claim) for each misreport.
    odd_voice = np.flatnonzero(v_conflict)
    misreported = np.flatnonzero(misreport)
    involved = np.concatenate([speaker[odd_voice], misreported])
    mate = np.concatenate([partner[odd_voice], speaker[voice[misreported]]])
    kind = np.concatenate(
        [
            np.where(convertible[odd_voice], "disjoint", "unit").astype(object),
            np.full(len(misreported), "misreport", dtype=object),
        ]
    )
    # Each tie is one conflict naming every voice that is in some of the tied sets, not all.
    tie_voice = np.flatnonzero(tied[v_group] & in_set & ~in_every_set)
    tie_voice = tie_voice[np.lexsort((claim_id.order(speaker[tie_voice]), v_group[tie_voice]))]
    order = np.lexsort((claim_id.order(involved), group[involved]))
    involved, mate, kind = involved[order], mate[order], kind[order]
    tie_rows = speaker[tie_voice]
    tie_groups, tie_start = np.unique(v_group[tie_voice], return_index=True)
    why = conflict_reasons(frame, (involved, mate, kind), shown_unit, policy)
    n_pairs = len(involved)
    number = np.arange(1, n_pairs + 1)
    tie_number = n_pairs + 1 + np.searchsorted(tie_groups, v_group[tie_voice])
    conflict_id = ("C" + pd.Series(number, dtype="str")).to_numpy(dtype=object)
    tie_id = ("C" + pd.Series(tie_number, dtype="str")).to_numpy(dtype=object)
    reasons = why + " (" + conflict_id + ")"
    rows = pd.DataFrame(
        {
            "number": np.concatenate([number, number, tie_number]),
            "order": np.concatenate([np.zeros(n_pairs), np.ones(n_pairs), np.zeros(len(tie_voice))]),
            "row": np.concatenate([mate, involved, tie_rows]),
            "at": np.concatenate(
                [np.arange(n_pairs), np.arange(n_pairs), n_pairs + np.arange(len(tie_voice))]
            ),
        }
    ).sort_values(["number", "order"], kind="stable")
    at = rows["at"].to_numpy()
    all_ids = np.concatenate([conflict_id, tie_id])
    all_kinds = np.concatenate([kind, np.full(len(tie_voice), "disjoint", dtype=object)])

    wording = only_rows(frame, (involved, mate, tie_rows), (low, value, high), shown_unit)
    del low, value, high  # (from here on, the voices' ranges and the worded claims' alone)

    def words() -> np.ndarray:
        """Each conflict row's message (wording costs more than finding: it waits until read)."""
        few, (pairs, mates, tie), ends, units = wording
        message, tie_message = word_conflicts(few, (pairs, mates, kind), (tie, tie_start), ends, units)
        worded: np.ndarray = np.concatenate([message, tie_message])[at]
        return worded

    conflicts = pd.concat(
        [
            pd.DataFrame({"conflict_id": all_ids[at], "kind": all_kinds[at]}, dtype="str"),
            frame[["claim_id", *key]].iloc[rows["row"].to_numpy()].reset_index(drop=True),
            pd.DataFrame({"message": words() if worded else np.full(len(at), "", dtype=object)}, dtype="str"),
        ],
        axis=1,
    )

    # Each claim's reason and conflict, as positions in two short tables of texts (-1: none):
    # reasons are the pairs' reasons, then the ties', the retellings', the revisions'.
    tie_reasons = "no set of sources outweighs the others (" + tie_id + ")"
    n_ties = len(tie_voice)
    voice_why = np.full(n_voices, -1)
    voice_conflict = np.full(n_voices, -1)
    voice_pairs = np.flatnonzero(kind != "misreport")
    voice_why[voice[involved[voice_pairs]]] = voice_pairs
    voice_conflict[voice[involved[voice_pairs]]] = voice_pairs
    voice_why[v_kept] = -1  # (a voice kept by the envelope or priority policy stands in its conflict)
    voice_conflict[tie_voice] = n_pairs + np.arange(n_ties)
    voice_why[tie_voice] = n_pairs + np.arange(n_ties)
    why_at = np.full(n, -1, dtype=np.int32)  # (positions in short tables of texts: 4 bytes a claim)
    conflict_at = np.full(n, -1, dtype=np.int32)
    # (only claims of voices with a conflict: most claims have none)
    stands = np.flatnonzero(~superseded & ~misreport & (voice_conflict >= 0)[voice])
    why_at[stands] = voice_why[voice[stands]]
    conflict_at[stands] = voice_conflict[voice[stands]]
    reports = np.flatnonzero(kind == "misreport")
    why_at[involved[reports]] = reports
    conflict_at[involved[reports]] = reports
    retold = np.flatnonzero(retelling & v_kept[voice])
    why_at[retold] = n_pairs + n_ties + np.arange(len(retold))
    why_at[old] = n_pairs + n_ties + len(retold) + np.arange(len(old))
    del partner, v_family, voice_why, voice_conflict, stands  # (the claims' columns come next: memory)
    why_texts = np.concatenate(
        [
            reasons,
            tie_reasons,
            "repeats " + claim_id[speaker[voice[retold]]],
            "superseded by " + claim_id[leader] + " (reported " + leader_reported + ")",
        ]
    )
    reason = texts_at(why_texts, why_at, "", frame.index)
    del why_at
    conflict_column = texts_at(np.concatenate([conflict_id, tie_id]), conflict_at, None, frame.index)
    del conflict_at
    voice_column = coded_texts(found.names.tolist(), found.which, frame.index)
    result_claims = frame.assign(kept=kept, reason=reason, conflict_id=conflict_column, voice=voice_column)
    return Consensus(
        estimates=estimates,  # checked once, with its tightened columns, by the relations step
        conflicts=check_built(Conflicts, conflicts),
        claims=check_built(ReconciledClaims, result_claims),
        policy=policy,
        key=key,
        claim_estimate=group,  # (estimates come one per group, in group order)
        words=None if worded else words,
        voices=VoiceRanges(
            estimate=v_group,
            low=v_low,
            value=v_value,
            high=v_high,
            weight=v_weight,
            speaker=speaker,
            candidate=convertible,
            kept=v_kept,
            of_claim=voice,
            stands=~superseded & ~misreport,
        ),
    )


def _lowest_ids(family: np.ndarray, claim_id: Ids, n_families: int, n_groups: int) -> np.ndarray:
    """Per family of units, the rank of its lowest claim id (0 where each quantity has one family)."""
    if n_families == n_groups:  # one family per quantity: nothing to break
        return np.zeros(n_families, dtype=np.int64)
    ranks = pd.factorize(claim_id[np.arange(len(family))].astype(str), sort=True)[0]
    return per_group(family, ranks.astype(float), n_families, "min", 0.0).astype(np.int64)
