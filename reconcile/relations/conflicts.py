"""Relations no values can satisfy: each conflict names the claims and the relations that fail.

A connected system of relations that no values satisfy gives one conflict or more. Each names
an irreducible set of kept claims: without any one of them, the rest admit values that
satisfy the relations. Its message names the fewest of the system's relations those claims
break: with only the conflict's claims, a relation is left out when the others still admit
no values, so each relation named is needed (an implied part-of check or tiling is a
relation too; a relation that holds in several groups is named once).

A system can go wrong in more than one place: two areas each above the figure of their
country are two conflicts, though both name the country. A conflict is independent of the
others when it breaks relations none of them breaks. So, once a conflict is found, the
relations it names are set aside and the system's claims are searched again with the
relations left; the search of a system ends when its claims admit values with the relations
left. A set found so is irreducible with the relations left; it is reported when it is
irreducible with all of them too (else a relation set aside, which an earlier conflict
names, is part of what fails) and names other claims than every earlier conflict. The
search ends, as each round sets a relation aside; no set of claims is reported twice; each
is irreducible. A total that several parts exceed is one conflict, as its one relation
fails, however many ways of choosing the parts there are; two areas above their country are
two, as each breaks its own check.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd

from reconcile import _propagate as prop
from reconcile._interval import times
from reconcile._wording import format_ranges
from reconcile.errors import Reason, RelationError
from reconcile.relations.spans import TIME_COLUMN
from reconcile.relations.system import Built, joined
from reconcile.units import conversion_bounds

#: Per block, whether no values satisfy it: given the candidates tried and the blocks to decide.
Test = Callable[[np.ndarray, np.ndarray], np.ndarray]


def _claim_ranges(
    kept: pd.DataFrame, estimates: pd.DataFrame, claim_estimate: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Each kept claim's range in its quantity's unit, rounded outward."""
    low = kept["low"].to_numpy(float).copy()
    high = kept["high"].to_numpy(float).copy()
    unit = kept["unit"].to_numpy(dtype=object)
    into = estimates["unit"].to_numpy(dtype=object)[claim_estimate]
    for source, target in set(zip(unit.tolist(), into.tolist(), strict=True)):
        if source == target:
            continue
        at = (unit == source) & (into == target)
        least, _, most = conversion_bounds(source, target)
        low[at], high[at] = times(low[at], high[at], np.full(at.sum(), least), np.full(at.sum(), most))
    return low, high


def relation_conflicts(
    built: Built,
    kept: pd.DataFrame,
    claim_estimate: np.ndarray,
    estimates: pd.DataFrame,
    key: tuple[str, ...],
    parts: prop.Components,
    infeasible: np.ndarray,
    existing: pd.DataFrame,
    policy: str,
) -> pd.DataFrame:
    """The conflicts of each infeasible component, each naming an irreducible set of claims.

    Irreducible in the policy's terms: under ``consensus`` and ``conservative`` a quantity's
    range is the meet of its claims, so each claim is a member; under ``envelope`` (the hull)
    and ``priority`` (the top claim) each end of a quantity's range is a member, named by the
    claim that sets it. Without any one member, the rest admit values that satisfy the
    relations. A component gives a conflict per independent set (the module says which),
    numbered after the ``existing`` ones by component, then in the order found; each message
    names the fewest relations its members break.

    Raises:
        RelationError: the relations of a component admit no values whatever the claims say
            (named by the fewest of them that do not).

    """
    bad = np.flatnonzero(infeasible)
    if not len(bad):
        return existing.iloc[:0]
    claim_low, claim_high = _claim_ranges(kept, estimates, claim_estimate)
    est_low, est_high = estimates["low"].to_numpy(float), estimates["high"].to_numpy(float)
    # The claims that set each estimate's ends: the one whose low is nearest the estimate's
    # low, and the one whose high is nearest its high (the first of ties).
    order = np.arange(len(kept))
    with np.errstate(invalid="ignore"):  # an open end beside an open end is 0 apart, set below
        off_low = np.abs(claim_low - est_low[claim_estimate])
        off_high = np.abs(claim_high - est_high[claim_estimate])
    same_low = claim_low == est_low[claim_estimate]  # equal infinities too
    same_high = claim_high == est_high[claim_estimate]
    frame = pd.DataFrame(
        {
            "estimate": claim_estimate,
            "order": order,
            "off_low": np.where(same_low, 0.0, off_low),
            "off_high": np.where(same_high, 0.0, off_high),
        }
    )
    frame = frame.fillna({"off_low": 0.0, "off_high": 0.0})

    def nearest(off: str) -> np.ndarray:
        """Per estimate, the first claim of the smallest ``off``."""
        return frame.sort_values(["estimate", off, "order"]).drop_duplicates("estimate")["order"].to_numpy()

    low_setter, high_setter = nearest("off_low"), nearest("off_high")
    if policy == "priority":  # the estimate is one claim's range: the claim nearest both ends
        frame = frame.assign(off=frame["off_low"] + frame["off_high"])
        low_setter = high_setter = nearest("off")
    low_setter = low_setter[np.isin(parts.of_var[claim_estimate[low_setter]], bad)]
    high_setter = high_setter[np.isin(parts.of_var[claim_estimate[high_setter]], bad)]
    if policy in ("envelope", "priority"):
        # A quantity's range is its estimate's (the hull of its claims, or the top claim's), not
        # the meet of its claims: each end of the range is a member, named by the claim that
        # sets it, and dropping it opens that end.
        member_claim = np.r_[low_setter, high_setter]
        member_estimate = claim_estimate[member_claim]
        member_low = np.r_[est_low[claim_estimate[low_setter]], np.full(len(high_setter), -np.inf)]
        member_high = np.r_[np.full(len(low_setter), np.inf), est_high[claim_estimate[high_setter]]]
    else:  # the estimate is the meet of its claims: each claim that sets an end is a member
        member_claim = np.unique(np.r_[low_setter, high_setter])
        member_estimate = claim_estimate[member_claim]
        member_low, member_high = claim_low[member_claim], claim_high[member_claim]
    found = _search(built, parts, bad, _Members(member_claim, member_estimate, member_low, member_high))
    if len(found.contradictory):
        text = str(found.contradictory.iloc[0])
        raise RelationError(
            f"the relations contradict each other whatever the claims say: {text}",
            hint="check the relations' signs and numbers; counts of people cannot be negative",
            text=text,
            position=0,
            reason=Reason.CONTRADICTORY_RELATIONS,
        )
    pairs = (
        pd.DataFrame({"conflict": found.conflict, "claim": member_claim[found.member]})
        .drop_duplicates()
        .sort_values(["conflict", "claim"], kind="stable")
    )
    conflict, members_of = pairs["conflict"].to_numpy(np.intp), pairs["claim"].to_numpy(np.intp)
    number = conflict + 1 + existing["conflict_id"].nunique()
    counts = kept["counts"].to_numpy(dtype=object)[members_of]
    said = (
        kept["claim_id"].to_numpy(dtype=object)[members_of]
        + ": "
        + counts.astype(str)
        + " "
        + format_ranges(claim_low[members_of], claim_high[members_of])
    )
    if TIME_COLUMN in key:  # a relation across time: say when each claim is, where they differ
        as_of = kept[TIME_COLUMN].astype(str).to_numpy(dtype=object)[members_of]
        times_in = pd.Series(as_of).groupby(conflict).transform("nunique").to_numpy()
        said = np.where(times_in > 1, said + " as of " + as_of, said)
    claims_said = joined(conflict, said, np.arange(len(found.relations)), "; ")
    broken = found.relations.reindex(conflict).to_numpy(dtype=object)
    negative = found.negative.reindex(conflict)
    reason = np.where(
        negative.notna().to_numpy(),
        "; by " + broken + ", " + negative.fillna("").to_numpy(dtype=object) + "; a count is never below 0",
        "; no values in these ranges satisfy " + broken,
    )
    message = claims_said.reindex(conflict).to_numpy(dtype=object) + reason
    rows = kept.iloc[members_of][["claim_id", *key]].reset_index(drop=True)
    return pd.concat(
        [
            pd.DataFrame({"conflict_id": "C" + pd.Series(number).astype(str), "kind": "relation"}),
            rows,
            pd.DataFrame({"message": message}),
        ],
        axis=1,
    )[["conflict_id", "kind", "claim_id", *key, "message"]]


@dataclass(frozen=True, slots=True)
class _Members:
    """The members a conflict is made of: each, named by a claim, holds its estimate to a range."""

    claim: np.ndarray
    estimate: np.ndarray
    low: np.ndarray
    high: np.ndarray


@dataclass(frozen=True, slots=True)
class _Blocks:
    """Copies of components of the system, one per block, stacked as one system.

    A component is copied once per search run on it (a conflict's relations are sought on
    its own copy), so that one propagation tries every block at once. Each block's
    variables, rows, terms and links are contiguous, in the system's order.
    """

    system: prop.System
    low: np.ndarray  # per block variable: its bounds without claims (a count is never below 0)
    high: np.ndarray
    var: np.ndarray  # per block variable: the system's variable
    var_block: np.ndarray
    var_rank: np.ndarray  # per system variable: its place among its component's variables
    row: np.ndarray  # per block row: the system's row
    row_block: np.ndarray
    tree: np.ndarray  # per block: its component has no cycle
    var_start: np.ndarray  # per block and one past the last: where its variables start
    row_start: np.ndarray
    term_start: np.ndarray
    link_start: np.ndarray

    @property
    def count(self) -> int:
        return len(self.tree)

    def at(self, block: np.ndarray, variable: np.ndarray) -> np.ndarray:
        """The block variable of each (block, system variable) pair."""
        return np.asarray(self.var_start[block] + self.var_rank[variable], dtype=np.intp)

    def one(self, block: int, system: prop.System) -> tuple[prop.System, slice]:
        """One block of ``system`` (these blocks, maybe with other row bounds), and its variables."""
        v0, r0 = int(self.var_start[block]), int(self.row_start[block])
        terms = slice(int(self.term_start[block]), int(self.term_start[block + 1]))
        rows = slice(r0, int(self.row_start[block + 1]))
        links = slice(int(self.link_start[block]), int(self.link_start[block + 1]))
        variables = slice(v0, int(self.var_start[block + 1]))
        one = prop.System(
            n=variables.stop - v0,
            term_row=system.term_row[terms] - r0,
            term_var=system.term_var[terms] - v0,
            term_coef=system.term_coef[terms],
            row_low=system.row_low[rows],
            row_high=system.row_high[rows],
            link_y=system.link_y[links] - v0,
            link_x=system.link_x[links] - v0,
            link_low=system.link_low[links],
            link_high=system.link_high[links],
        )
        return one, variables


def _ranks(owner: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Items by owner (in item order within one), the count and start of each owner's, each item's rank."""
    order = np.argsort(owner, kind="stable")
    count = np.bincount(owner, minlength=n)
    start = np.r_[0, np.cumsum(count)[:-1]].astype(np.intp)
    rank = np.empty(len(owner), dtype=np.intp)
    rank[order] = np.arange(len(owner)) - start[owner[order]]
    return order, count, start, rank


def _blocks(built: Built, parts: prop.Components, copies: np.ndarray) -> _Blocks:
    """A block per entry of ``copies``, each a copy of that component."""
    system = built.system

    def spread(owner: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Each block's items (of its component, in order), their block, each block's start."""
        order, count, start, rank = _ranks(owner, parts.count)
        per = count[copies]
        first = np.r_[0, np.cumsum(per)].astype(np.intp)
        block = np.repeat(np.arange(len(copies), dtype=np.intp), per)
        items = order[start[copies][block] + np.arange(first[-1]) - first[block]]
        return items, block, first, rank

    var, var_block, var_start, var_rank = spread(parts.of_var)
    row, row_block, row_start, row_rank = spread(parts.of_row)
    term, term_block, term_start, _ = spread(parts.of_row[system.term_row])
    link, link_block, link_start, _ = spread(parts.of_link)
    stacked = prop.System(
        n=len(var),
        term_row=row_start[term_block] + row_rank[system.term_row[term]],
        term_var=var_start[term_block] + var_rank[system.term_var[term]],
        term_coef=system.term_coef[term],
        row_low=system.row_low[row],
        row_high=system.row_high[row],
        link_y=var_start[link_block] + var_rank[system.link_y[link]],
        link_x=var_start[link_block] + var_rank[system.link_x[link]],
        link_low=system.link_low[link],
        link_high=system.link_high[link],
    )
    low, high = built.low[var].copy(), built.high[var].copy()
    claimed = var < built.n_estimates
    # Without its claims a quantity is free, but a count is never negative.
    low[claimed] = np.where(built.counting[var[claimed]], 0.0, -np.inf)
    high[claimed] = np.inf
    return _Blocks(
        system=stacked,
        low=low,
        high=high,
        var=var,
        var_block=var_block,
        var_rank=var_rank,
        row=row,
        row_block=row_block,
        tree=parts.is_tree[copies],
        var_start=var_start,
        row_start=row_start,
        term_start=term_start,
        link_start=link_start,
    )


def _rows_only(blocks: _Blocks, rows_on: np.ndarray | None) -> prop.System:
    """The blocks' system with only the rows on: a row off has open bounds and holds nothing.

    A product link (a figure's coefficient) stays: its product is a term of one row only,
    free once that row is off, so the link no longer holds anything either.
    """
    system = blocks.system
    if rows_on is None:
        return system
    return dataclasses.replace(
        system,
        row_low=np.where(rows_on, system.row_low, -np.inf),
        row_high=np.where(rows_on, system.row_high, np.inf),
    )


def _empty(
    blocks: _Blocks, low: np.ndarray, high: np.ndarray, rows_on: np.ndarray | None, wanted: np.ndarray
) -> np.ndarray:
    """Per block, whether no values within the bounds satisfy its rows on.

    Trees are decided by one propagation over all blocks; the wanted blocks with cycles also
    by HiGHS, one block at a time (the others' answers are propagation's, and unused).
    """
    system = _rows_only(blocks, rows_on)
    low, high = prop.propagate(
        system, low, high, settle=blocks.tree[blocks.var_block], rounds=prop.QUICK_ROUNDS
    )
    empty = np.bincount(blocks.var_block, weights=low > high, minlength=blocks.count) > 0
    for block in np.flatnonzero(wanted & ~blocks.tree & ~empty).tolist():
        one, inside = blocks.one(block, system)
        empty[block] = not prop.feasible(one, low[inside], high[inside], tree=False)
    return np.asarray(empty, dtype=bool)


def _deletion_filter(
    owner: np.ndarray, active: np.ndarray, searching: np.ndarray, empty: Test
) -> tuple[np.ndarray, np.ndarray]:
    """A deletion filter, run on every searching block at once; returns the candidates kept.

    Each block's active candidates are taken in order; one left out for good where the rest
    still admit no values. What is left is irreducible: without any one of its candidates,
    the others (a subset of a set found satisfiable) are satisfiable. Also returns, per
    block, whether all its active candidates together admit values (rounding can make a
    component's claims satisfiable where its estimates are not): such a block keeps every
    candidate.

    Each round tries, in every block at once, a window of its next candidates: where the
    rest still admit no values the whole window goes, and the next window is twice as
    long; where they do, the window is halved, and a single candidate is kept. Leaving out
    a window drops what leaving out its candidates one by one would (each leaves a superset
    of the rest, which admits no values either), so the set kept is the one-by-one
    filter's, in about ``kept · log(candidates)`` rounds rather than one per candidate.
    """
    n_blocks = len(searching)
    active = active & searching[owner]
    settled = ~empty(active, searching)
    ranked = np.flatnonzero(active)
    rank = np.full(len(owner), -1, dtype=np.intp)
    rank[ranked] = _ranks(owner[ranked], n_blocks)[3]
    total = np.bincount(owner[ranked], minlength=n_blocks)
    next_one = np.where(settled, total, 0)  # per block: the rank of its next candidate to try
    window = np.ones(n_blocks, dtype=np.intp)
    while True:  # each round drops a window, keeps a candidate or halves a window
        trying = (rank >= next_one[owner]) & (rank < (next_one + window)[owner])
        if not trying.any():
            return active, settled
        tried = np.bincount(owner[trying], minlength=n_blocks) > 0
        still = empty(active & ~trying, tried) & tried
        active &= ~(trying & still[owner])
        kept = tried & ~still & (window == 1)
        next_one = np.where(still, next_one + window, np.where(kept, next_one + 1, next_one))
        window = np.where(still, 2 * window, np.where(tried & ~kept, np.maximum(window // 2, 1), window))


@dataclass(frozen=True, slots=True)
class _Found:
    """The conflicts of the infeasible components, numbered by component, then in the order found."""

    member: np.ndarray  # per (conflict, member) pair: the member
    conflict: np.ndarray  # ... and its conflict
    relations: pd.Series  # per conflict: the texts of the relations it breaks, joined
    negative: pd.Series  # per conflict whose failure is a derived count below 0: what it would be
    contradictory: pd.Series  # per component no values satisfy whatever the claims: its relations


def _search(built: Built, parts: prop.Components, bad: np.ndarray, members: _Members) -> _Found:
    """The conflicts of each infeasible component, as the module says; all components at once.

    Each round finds, in every component still searched, an irreducible set of members
    (a deletion filter with the relations not yet named), then the fewest of those relations
    it breaks (a deletion filter over their rows, with only the set's members), and sets
    those relations aside. A set that a relation named before would reduce is not
    reported. A component whose relations admit no values whatever the claims is named
    with its fewest such relations.
    """
    blocks = _blocks(built, parts, bad)  # one search per component, each on its own block
    owner = np.searchsorted(bad, parts.of_var[members.estimate])
    at = blocks.at(owner, members.estimate)
    text_of = np.array(built.relation_texts, dtype=object)[built.row_relation][blocks.row]

    def held(active: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The blocks' bounds with the active members' ranges."""
        low, high = blocks.low.copy(), blocks.high.copy()
        np.maximum.at(low, at[active], members.low[active])
        np.minimum.at(high, at[active], members.high[active])
        return low, high

    rows_on = np.ones(len(blocks.row), dtype=bool)
    searching = np.ones(blocks.count, dtype=bool)
    every = np.ones(len(owner), dtype=bool)
    found_member: list[np.ndarray] = []
    found_row: list[np.ndarray] = []
    found_negative: list[pd.Series] = []
    contradictory = pd.Series(dtype=object)
    for round_number in range(len(blocks.row) + 1):  # each round sets relations aside, or ends
        chosen, settled = _deletion_filter(
            owner, every, searching, _claims_fail(blocks, held, rows_on.copy())
        )
        if round_number:  # the claims admit values without the relations named: none left to find
            searching &= ~settled
        chosen &= searching[owner]
        low, high = held(chosen)

        broken, _ = _deletion_filter(blocks.row_block, rows_on, searching, partial(_empty, blocks, low, high))
        # Members that admit no values on their own (kept claims of a tie left unresolved can
        # share no point) break no relation: every relation still on is named, as ever.
        alone = searching & (np.bincount(blocks.row_block[broken], minlength=blocks.count) == 0)
        broken |= rows_on & alone[blocks.row_block]
        has_set = np.bincount(owner[chosen], minlength=blocks.count) > 0
        if not round_number:
            none = searching & ~has_set  # the relations alone admit no values
            contradictory = joined(blocks.row_block[broken], text_of[broken], np.flatnonzero(none), "; ")
        reported = searching & has_set
        if round_number:
            reported &= ~_reducible(owner, chosen, reported, held, blocks)
        found_member.append(np.flatnonzero(chosen & reported[owner]))
        found_row.append(np.flatnonzero(broken & reported[blocks.row_block]))
        negative = _negative_counts(built, blocks, broken)
        found_negative.append(negative[reported[negative.index.to_numpy(np.intp)]])
        rows_on &= ~broken
        left = np.bincount(blocks.row_block[rows_on], minlength=blocks.count) > 0
        searching &= has_set & ~settled & ~alone & left
        if not searching.any():
            break
    # Conflicts by component, then round; a set naming the same claims as an earlier one goes.
    n_rounds = len(found_member)
    member = np.concatenate(found_member)
    member_key = np.concatenate([owner[found] * n_rounds + k for k, found in enumerate(found_member)])
    keys, conflict = np.unique(member_key, return_inverse=True)
    conflict = conflict.reshape(-1)
    first = _first_of_their_claims(conflict, members.claim[member], len(keys))
    number = np.cumsum(first) - 1
    row = np.concatenate(found_row)
    row_key = np.concatenate([blocks.row_block[rows] * n_rounds + k for k, rows in enumerate(found_row)])
    row_conflict = np.searchsorted(keys, row_key)
    row, row_conflict = row[first[row_conflict]], row_conflict[first[row_conflict]]
    negatives = [
        pd.Series(
            negative.to_numpy(), index=np.searchsorted(keys, negative.index.to_numpy(np.intp) * n_rounds + k)
        )
        for k, negative in enumerate(found_negative)
        if len(negative)
    ]
    negative = pd.concat(negatives) if negatives else pd.Series(dtype=object)
    negative = negative[first[negative.index.to_numpy(np.intp)]]
    return _Found(
        member=member[first[conflict]],
        conflict=number[conflict[first[conflict]]],
        relations=joined(number[row_conflict], text_of[row], np.arange(int(first.sum())), "; "),
        negative=pd.Series(negative.to_numpy(), index=number[negative.index.to_numpy(np.intp)], dtype=object),
        contradictory=contradictory,
    )


def _claims_fail(
    blocks: _Blocks, held: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], rows_on: np.ndarray
) -> Test:
    """Whether the active members admit no values with the rows on: the claims filter's test."""

    def fails(active: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        return _empty(blocks, *held(active), rows_on, wanted)

    return fails


def _reducible(
    owner: np.ndarray,
    chosen: np.ndarray,
    searching: np.ndarray,
    held: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]],
    blocks: _Blocks,
) -> np.ndarray:
    """Per searching block, whether its chosen set admits no values without one of its members.

    By all relations: a set found with all of them is irreducible, but one found without the
    relations named before may not be, and one of those would then reduce it.
    """
    reducible = np.zeros(blocks.count, dtype=bool)
    ranked = np.flatnonzero(chosen)
    rank = np.full(len(owner), -1, dtype=np.intp)
    rank[ranked] = _ranks(owner[ranked], blocks.count)[3]
    for k in range(int(rank.max(initial=-1)) + 1):
        trying = rank == k
        tried = (np.bincount(owner[trying], minlength=blocks.count) > 0) & searching & ~reducible
        if tried.any():
            reducible |= _empty(blocks, *held(chosen & ~trying), None, tried) & tried
    return reducible


def _first_of_their_claims(conflict: np.ndarray, claim: np.ndarray, n_conflicts: int) -> np.ndarray:
    """Per conflict, whether no earlier conflict names the same claims (``claim`` per member).

    Sets of members differ, but a later set, found without the relations an earlier one
    named, can name the same claims; and under ``envelope`` and ``priority`` two members can
    be the ends of one claim's range.
    """
    pairs = pd.DataFrame({"conflict": conflict, "claim": claim}).drop_duplicates()
    pairs = pairs.sort_values(["conflict", "claim"], kind="stable")
    named = joined(
        pairs["conflict"].to_numpy(np.intp),
        pairs["claim"].astype(str).to_numpy(dtype=object),
        np.arange(n_conflicts),
        ",",
    )
    return np.asarray(~named.reindex(np.arange(n_conflicts)).duplicated().to_numpy(), dtype=bool)


def _negative_counts(built: Built, blocks: _Blocks, rows_on: np.ndarray) -> pd.Series:
    """Per block whose rows on fail only by a derived count below 0: what it would be.

    Such a conflict's relations hold for the estimates once derived counts may be negative
    (a decrease written as an increment, ``added = after - before`` with ``after <
    before``); the message then names the derived count and its range, rather than the
    relation alone.
    """
    n_est, n_base = built.n_estimates, built.n_estimates + len(built.derived_counts)
    low, high = built.low[blocks.var], built.high[blocks.var]
    counting = (blocks.var >= n_est) & (blocks.var < n_base) & (low == 0.0)  # a derived count starts at 0
    if not counting.any():
        return pd.Series(dtype=object)
    low = np.where(counting, -np.inf, low)
    system = _rows_only(blocks, rows_on)
    low, high = prop.propagate(
        system, low, high, settle=blocks.tree[blocks.var_block], rounds=prop.QUICK_ROUNDS
    )
    empty = np.bincount(blocks.var_block, weights=low > high, minlength=blocks.count) > 0
    below = np.flatnonzero(counting & (high < 0) & ~empty[blocks.var_block])
    if not len(below):
        return pd.Series(dtype=object)
    shown = format_ranges(low[below], high[below], separator=" to ")  # "–" reads badly after "-600"
    said = (
        built.derived_counts[blocks.var[below] - n_est].astype(str)
        + " would be negative ("
        + shown.astype(str)
        + ")"
    ).astype(object)
    return joined(blocks.var_block[below], said, np.arange(blocks.count), " and ")
