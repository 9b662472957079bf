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
from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np
import pandas as pd

from reconcile._text import format_numbers
from reconcile.claims import blank_cells, read_claims, validate
from reconcile.errors import ArgumentError, ClaimsError
from reconcile.schemas import Conflicts, ReconciledClaims
from reconcile.units import conversion_bounds, dimension, display_unit

__all__ = ["DEFAULT_KEY", "POLICIES", "Consensus", "estimate"]

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


class _UnitFamilies(NamedTuple):
    """Claims of one quantity split by what their units measure (people, households ...)."""

    family: np.ndarray  # per row: its (quantity, dimension) family, numbered from 0
    first: np.ndarray  # per family: its first row, whose unit is the family's unit
    least: np.ndarray  # per row: the lowest its unit's factor into the family's unit can be
    factor: np.ndarray  # per row: that factor, as pint computes it
    most: np.ndarray  # per row: the highest it can be


def _unit_families(unit: pd.Series, group: np.ndarray) -> _UnitFamilies:
    """Split each quantity's claims by dimension; convert each to its family's first unit."""
    codes, distinct = pd.factorize(unit)
    dimensions = pd.factorize(np.array([dimension(name) for name in distinct], dtype=object))[0]
    if len(distinct) and not dimensions.any():  # one dimension: each quantity is one family
        family = group
    else:
        key = group.astype(np.int64) * (int(dimensions.max(initial=0)) + 1) + dimensions[codes]
        family = np.unique(key, return_inverse=True)[1].reshape(-1)
    # Families are numbered in order of their key; each one's first claim in input order:
    first = np.full(int(family.max(initial=-1)) + 1, len(family))
    np.minimum.at(first, family, np.arange(len(family)))
    target = codes[first][family]
    bounds = np.ones((3, len(distinct), len(distinct)))
    for pair in np.unique(codes * len(distinct) + target).tolist():  # distinct pairs of units only
        source, into = divmod(pair, len(distinct))
        bounds[:, source, into] = conversion_bounds(distinct[source], distinct[into])
    least, factor, most = bounds[:, codes, target]
    return _UnitFamilies(family, first, least, factor, most)


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
    )


def _refuse_unknown_sources(frame: pd.DataFrame, weights: Mapping[str, float]) -> None:
    """Raise an :class:`ArgumentError` if ``weights`` names a source no claim has."""
    sources = [str(source) for source in pd.unique(frame["source"].dropna())]
    known = set(sources)
    unknown = [name for name in weights if name not in known]  # the names given, a handful
    if not unknown:
        return
    nearest = {name: difflib.get_close_matches(str(name), sources, n=3) for name in unknown}
    said = [
        f"{name!r} (nearest: {', '.join(map(repr, close))})" if close else f"{name!r} (no source is close)"
        for name, close in nearest.items()
    ]
    raise ArgumentError(
        f"weights name sources no claim has: {'; '.join(said)}",
        hint="spell each name exactly as the claims' source column does, or leave it out of weights=",
        names=unknown,
        nearest=nearest,
        column="source",
    )


def _weights(frame: pd.DataFrame, weights: Mapping[str, float] | None) -> np.ndarray:
    """Each claim's weight: its ``weight`` cell, else its source's weight in ``weights``, else 1."""
    weight = pd.Series(1.0, index=frame.index)
    if weights is not None:
        weight = frame["source"].map(dict(weights)).astype(float).fillna(1.0)
    if "weight" in frame:
        weight = frame["weight"].astype(float).fillna(weight)
    return weight.to_numpy(dtype=float)


def _sort_within_groups(group: np.ndarray, coordinate: np.ndarray) -> np.ndarray:
    """The stable order by (group, coordinate): a stable sort by coordinate, then by group.

    The group sort is a radix sort, 16 bits at a time, which numpy runs in linear time.
    """
    order = np.argsort(coordinate, kind="stable")
    shift = 0
    while shift == 0 or (int(group.max()) >> shift) > 0:
        digit = ((group[order] >> shift) & 0xFFFF).astype(np.uint16)
        order = order[np.argsort(digit, kind="stable")]
        shift += 16
    return order


def _largest_agreeing_sets(
    group: np.ndarray, low: np.ndarray, high: np.ndarray, weight: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per group, the range shared by the heaviest set of claims whose ranges meet, and its weight.

    ``group`` numbers the groups 0..n_groups-1 and every group has a claim here. Ties go
    to the narrower shared range, then to the lower one, so the answer does not depend on
    the order of the rows. Weights that are not whole numbers are summed in floats; sets
    whose weights differ by less than a 10**-12 share of the group's total count as tied.
    """
    n = len(group)
    if n == 0:
        return np.full(n_groups, np.nan), np.full(n_groups, np.nan), np.zeros(n_groups)
    # Ranges are closed: a range that closes at x still holds x, so its closing event goes
    # just after x. A closing event sorts before an opening at the same point: the range it
    # closes ended a float's width earlier, before the other began.
    closing = np.where(np.isfinite(high), np.nextafter(high, np.inf), high)
    coordinate = np.concatenate([closing, low])
    events = np.concatenate([group, group])
    order = _sort_within_groups(events, coordinate)
    cover = np.cumsum(np.concatenate([-weight, weight])[order])
    at = coordinate[order]
    quantity = events[order]
    starts = np.flatnonzero(np.r_[True, quantity[1:] != quantity[:-1]])
    heaviest = np.maximum.reduceat(cover, starts)
    # Whole weights sum exactly; other sums carry rounding, so near-ties count as ties.
    whole = bool(np.all(np.mod(weight, 1) == 0))
    slack = np.bincount(group, weights=weight, minlength=n_groups) * (0.0 if whole else 1e-12)
    opens = order >= n
    # An opening that reaches the group's heaviest cover starts a candidate range; the
    # next event closes one of its ranges, which ends the candidate.
    reaches = opens & (cover >= heaviest[quantity] - slack[quantity])
    reaches[:-1] &= order[1:] < n  # (only a closing can follow; this keeps rounding honest)
    reaches[-1] = False
    candidate = np.flatnonzero(reaches)
    candidate_low = at[candidate]
    candidate_high = high[order[candidate + 1]]  # the range that closes next
    width = candidate_high - candidate_low
    owner = quantity[candidate]
    firsts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    narrowest = np.minimum.reduceat(width, firsts)
    # Candidates come sorted by their low end, so the first narrowest one is also the lowest.
    best = np.flatnonzero(
        width == narrowest[np.searchsorted(firsts, np.arange(len(owner)), side="right") - 1]
    )
    best = best[np.r_[True, owner[best][1:] != owner[best][:-1]]]
    shared_low = np.full(n_groups, np.nan)
    shared_high = np.full(n_groups, np.nan)
    shared_low[owner[best]] = candidate_low[best]
    shared_high[owner[best]] = candidate_high[best]
    return shared_low, shared_high, heaviest


def _first_per_group(
    group: np.ndarray, mask: np.ndarray, by: np.ndarray, *, largest: bool = False
) -> np.ndarray:
    """Per group, the row (among ``mask``) with the smallest ``by`` (or largest); ties go to the first."""
    rows = np.flatnonzero(mask)
    values = pd.Series(by[rows], index=rows)
    grouped = values.groupby(group[rows], sort=False)
    best = grouped.idxmax() if largest else grouped.idxmin()
    chosen = np.full(int(group.max()) + 1 if len(group) else 0, -1)
    chosen[best.index.to_numpy()] = best.to_numpy()
    return chosen


def _text_column(frame: pd.DataFrame, column: str, rows: np.ndarray) -> np.ndarray:
    """The column's text at ``rows`` as an object array, "" where missing or absent."""
    if column not in frame:
        return np.full(len(rows), "", dtype=object)
    values = frame[column].iloc[rows].to_numpy(dtype=object)
    return np.where(pd.isna(values), "", values)


def _nouns(units: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """What each figure's number is of, as :meth:`reconcile.Figure.noun` words it."""
    codes, distinct = pd.factorize(units)
    shown = np.array([display_unit(unit) for unit in distinct], dtype=object)[codes]
    has_counts = counts != ""
    other = np.where(has_counts, shown + " (" + counts + ")", shown)
    return np.where(units == "person", np.where(has_counts, counts, "people"), other)


def _said(
    frame: pd.DataFrame, rows: np.ndarray, ends: tuple[np.ndarray, ...], unit: np.ndarray
) -> np.ndarray:
    """``who: what (range)`` for each row, as :func:`reconcile.compare` words it.

    ``ends`` are the (low, value, high) columns in the quantity's unit.
    """
    low, value_in_unit, high = ends
    source, via = _text_column(frame, "source", rows), _text_column(frame, "via", rows)
    who = source.copy()
    unnamed = np.flatnonzero(source == "")
    who[unnamed] = "claim " + _text_column(frame, "claim_id", rows[unnamed])
    who = np.where(via != "", who + " via " + via, who)
    hedge = _text_column(frame, "hedge", rows)
    hedge = np.where(hedge != "", hedge + " ", "")
    value = format_numbers(value_in_unit[rows])
    phrase = hedge + value + " " + _nouns(unit[rows], _text_column(frame, "counts", rows))
    span = format_numbers(low[rows], "down") + "–"
    span = span + format_numbers(high[rows], "up")
    return np.asarray(
        who + ": " + np.where(low[rows] == high[rows], phrase, phrase + " (" + span + ")"), dtype=object
    )


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

    """

    estimates: pd.DataFrame
    conflicts: pd.DataFrame
    claims: pd.DataFrame
    policy: str
    key: tuple[str, ...]


def estimate(
    claims: pd.DataFrame,
    *,
    key: Sequence[str] = DEFAULT_KEY,
    policy: str = "consensus",
    weights: Mapping[str, float] | None = None,
) -> Consensus:
    """Check the claims and the arguments, then find each quantity's estimate and conflicts.

    This is the per-quantity step of :func:`reconcile.reconcile`, which documents the
    policies, the key and the weights; relations between quantities come after it.

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
              counts     low    high    status
        0  militants  4500.0  5500.0  conflict

    """
    if not isinstance(policy, str) or policy not in POLICIES:
        raise ArgumentError(
            f"unknown policy {policy!r}",
            hint=f"choose one of {', '.join(map(repr, POLICIES))}",
        )
    if isinstance(key, str) or not isinstance(key, Sequence) or not all(isinstance(k, str) for k in key):
        raise ArgumentError(
            f"key must be a sequence of column names (got {key!r})",
            hint=f"name a quantity by columns of the table, e.g. key={DEFAULT_KEY!r}",
        )
    frame = read_claims(claims)
    key = tuple(key)
    missing = [column for column in key if column not in frame]
    if not key or missing:
        raise ArgumentError(
            f"the key names columns the claims table does not have ({', '.join(map(repr, missing))})",
            hint=f"name a quantity by columns of the table, e.g. key={DEFAULT_KEY!r}",
        )
    _refuse_blank_keys(frame, key)
    if weights is not None:
        if not isinstance(weights, Mapping):
            raise ArgumentError(
                f"weights must map source names to weights (got {type(weights).__name__})",
                hint="pass weights={'U.S. officials': 2, ...}",
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
            )
        _refuse_unknown_sources(frame, weights)
    if policy == "priority" and weights is None and "weight" not in frame:
        raise ArgumentError(
            "the priority policy needs a ranking of sources",
            hint="pass weights={'source name': weight, ...} or give the table a weight column",
        )
    return _per_quantity(frame, key, policy, weights)




def _per_quantity(
    frame: pd.DataFrame, key: tuple[str, ...], policy: str, weights: Mapping[str, float] | None
) -> Consensus:
    n = len(frame)
    try:
        group = frame.groupby(list(key), dropna=False, sort=True).ngroup().to_numpy()
    except TypeError as exc:
        raise ArgumentError(
            f"the key columns {key!r} hold values that cannot be grouped ({exc})",
            hint="a key column holds text or numbers, one per claim",
        ) from exc
    n_groups = int(group.max()) + 1 if n else 0
    weight = _weights(frame, weights)
    families = _unit_families(frame["unit"], group)
    family = families.family
    low = _convert(frame["low"].to_numpy(dtype=float), families.least, families.most, "down")
    high = _convert(frame["high"].to_numpy(dtype=float), families.least, families.most, "up")
    value = np.clip(frame["value"].to_numpy(dtype=float) * families.factor, low, high)
    n_families = len(families.first)
    family_low, family_high, family_weight = _largest_agreeing_sets(family, low, high, weight, n_families)

    # Each quantity takes the family of units with the heaviest agreeing set (ties: the
    # narrower range, then the family that comes first); under the priority policy, the
    # family of its highest-weighted claim. The others are conflicts of kind 'unit'.
    family_group = group[families.first]
    heaviest_claim = pd.Series(weight).groupby(family).max().to_numpy()
    rank = -(heaviest_claim if policy == "priority" else family_weight)
    by_rank = np.lexsort((families.first, family_high - family_low, rank, family_group))
    chosen = np.full(n_groups, -1)
    leaders = np.unique(family_group[by_rank], return_index=True)[1]
    chosen[family_group[by_rank][leaders]] = by_rank[leaders]
    convertible = family == chosen[group]
    first = families.first[chosen]  # the claim whose unit is the quantity's unit
    unit = frame["unit"].to_numpy(dtype=object)
    quantity_unit = unit[first]
    shared_low, shared_high = family_low[chosen], family_high[chosen]
    agrees = convertible & (low <= shared_low[group]) & (high >= shared_high[group])

    # The smallest set behind each disjoint claim: it and one agreeing claim it cannot meet.
    # (Ranges on a line that meet pairwise share a point, so such a claim always exists.)
    lowest_high = _first_per_group(group, agrees, high)
    highest_low = _first_per_group(group, agrees, low, largest=True)
    if policy == "priority":
        # The highest weight first, then the narrower range, then the earlier row.
        ranked = np.flatnonzero(convertible)
        ranked = ranked[np.lexsort((ranked, (high - low)[ranked], -weight[ranked], group[ranked]))]
        firsts = np.unique(group[ranked], return_index=True)[1]
        top = np.full(n_groups, -1)
        top[group[ranked][firsts]] = ranked[firsts]
        kept = convertible & (low <= high[top][group]) & (high >= low[top][group])
        outlier = convertible & ~kept
        partner = top[group]
    else:
        kept = agrees if policy != "envelope" else convertible
        outlier = convertible & ~agrees
        above = low > shared_high[group]
        partner = np.where(above, lowest_high[group], highest_low[group])
    partner = np.where(convertible, partner, first[group])
    in_conflict = outlier | ~convertible
    # Converted claims are shown in the quantity's unit; the others in their own.
    shown_unit = np.where(convertible, quantity_unit[group], unit)

    # -- estimates --------------------------------------------------------------------------
    kept_frame = pd.DataFrame(
        {"group": group[kept], "value": value[kept], "low": low[kept], "high": high[kept]}
    )
    by_group = kept_frame.groupby("group")
    if policy == "envelope":
        est_low = by_group["low"].min().to_numpy()
        est_high = by_group["high"].max().to_numpy()
        est_value = by_group["value"].median().to_numpy()
    elif policy == "priority":
        est_low, est_value, est_high = low[top], value[top], high[top]
    else:
        est_low, est_high = shared_low, shared_high
        pick = by_group["value"].min() if policy == "conservative" else by_group["value"].median()
        est_value = np.clip(pick.to_numpy(), est_low, est_high)
    n_claims = np.bincount(group, minlength=n_groups)
    n_kept = np.bincount(group[kept], minlength=n_groups)
    has_conflict = np.bincount(group[in_conflict], minlength=n_groups) > 0
    status = np.where(has_conflict, "conflict", np.where(n_claims == 1, "single", "agreed"))
    estimates = frame.iloc[first][list(key)].reset_index(drop=True)
    estimates = estimates.assign(
        low=est_low,
        value=est_value,
        high=est_high,
        unit=quantity_unit,
        n_claims=n_claims,
        n_kept=n_kept,
        status=status,
    )

    # -- conflicts and reasons ---------------------------------------------------------------
    involved = np.flatnonzero(in_conflict)
    number = np.arange(1, len(involved) + 1)
    conflict_id = ("C" + pd.Series(number, dtype="str")).to_numpy(dtype=object)
    kind = np.where(convertible[involved], "disjoint", "unit").astype(object)
    mate = partner[involved]
    message, reasons = _explain(
        frame, involved, mate, kind, conflict_id, low, value, high, shown_unit, policy
    )
    pairs = pd.DataFrame(
        {
            "number": np.concatenate([number, number]),
            "order": np.concatenate([np.zeros(len(involved)), np.ones(len(involved))]),
            "row": np.concatenate([mate, involved]),
        }
    ).sort_values(["number", "order"])
    twice = pairs.index.to_numpy() % len(involved) if len(involved) else pairs.index.to_numpy()
    conflicts = pd.concat(
        [
            pd.DataFrame({"conflict_id": conflict_id[twice], "kind": kind[twice]}, dtype="str"),
            frame.iloc[pairs["row"].to_numpy()][["claim_id", *key]].reset_index(drop=True),
            pd.DataFrame({"message": message[twice]}, dtype="str"),
        ],
        axis=1,
    )

    reason = np.full(n, "", dtype=object)
    set_aside = ~kept[involved]
    reason[involved[set_aside]] = reasons[set_aside]
    claim_conflict = np.full(n, None, dtype=object)
    claim_conflict[involved] = conflict_id
    result_claims = frame.assign(
        kept=kept,
        reason=pd.Series(reason, index=frame.index, dtype="str"),
        conflict_id=pd.Series(claim_conflict, index=frame.index, dtype="str"),
    )
    return Consensus(
        estimates=estimates,  # checked once, with its tightened columns, by the relations step
        conflicts=validate(Conflicts, conflicts),
        claims=validate(ReconciledClaims, result_claims),
        policy=policy,
        key=key,
    )


def _explain(
    frame: pd.DataFrame,
    involved: np.ndarray,
    mate: np.ndarray,
    kind: np.ndarray,
    conflict_id: np.ndarray,
    low: np.ndarray,
    value: np.ndarray,
    high: np.ndarray,
    unit: np.ndarray,
    policy: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Each conflict's message (worded as :func:`reconcile.compare` words it) and its claim's reason."""
    gap = np.where(low[involved] > high[mate], low[involved] - high[mate], low[mate] - high[involved])
    counts = _text_column(frame, "counts", mate)
    noun = np.where(unit[mate] == "person", np.where(counts != "", counts, "people"), "")
    codes, distinct = pd.factorize(unit[mate])
    noun = np.where(noun == "", np.array([display_unit(u) for u in distinct], dtype=object)[codes], noun)
    apart = "the ranges share no point: " + format_numbers(gap, "down") + " " + noun
    clash = "'" + unit[involved] + "' cannot be converted to '" + unit[mate] + "'"
    disjoint = kind == "disjoint"
    # A claim often stands in several conflicts: word each one once.
    rows, where = np.unique(np.concatenate([mate, involved]), return_inverse=True)
    said = _said(frame, rows, (low, value, high), unit)[where.reshape(-1)]
    message = (
        said[: len(mate)]
        + "; "
        + said[len(mate) :]
        + "; "
        + np.where(
            disjoint, apart + " apart", clash + " without a figure that links them (such as a household size)"
        )
    )
    if policy == "priority":
        mate_id = frame["claim_id"].to_numpy(dtype=object)[mate]
        why_disjoint = "shares no point with claim " + mate_id + ", of the highest-ranked source"
    else:
        why_disjoint = np.full(
            len(involved), "shares no point with the range the most claims allow", dtype=object
        )
    why = np.where(disjoint, why_disjoint, "its unit " + clash)
    return message, why + " (" + conflict_id + ")"
