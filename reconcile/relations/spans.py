"""Stocks and flows across time: the groups a relation's ``@start`` and ``@end`` terms stand in.

A stock and flow relation, ``displaced/current@end = displaced/current@start + displaced/new -
displaced/returned``, holds in each group whose ``as_of`` is a span of more than one day (an
ISO interval ``2017-09-20/2017-12-31``, or a period: ``2017-12`` runs from 1 to 31 December)
and where one of its flows (the terms without a suffix) is present. Its ``@start`` terms stand
in the group of the same other key values (the same place) dated to the day the span starts,
its ``@end`` terms in the one dated to the day it ends. Where no claim is dated to that day,
the day is a new group, in which the relations derive what the claims do not give, as they
derive a total in a group where only its parts are claimed.

:func:`span_ends` finds, for every span, the groups of its first and last days in one merge;
:func:`groups_of_terms` moves each dated term of a relation's instances into its day's group.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile._periods import day_bounds
from reconcile.errors import Reason, RelationError
from reconcile.relations.text import Relation
from reconcile.relations.tokens import caret

#: The key column that dates a quantity.
TIME_COLUMN = "as_of"

_HINT = (
    "a stock and flow relation holds over each span (an as_of such as 2017-09-20/2017-12-31, or "
    "a month such as 2017-12) at which one of its flows, the terms without '@start' or '@end', is "
    "claimed; date the flows to their spans, and the stocks to the days the spans start and end"
)


def span_ends(groups: pd.DataFrame, relations: list[Relation]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The groups, with the days spans start or end that no group is dated to; and each span's ends.

    Args:
        groups: one row per group: the key's columns other than ``counts``.
        relations: the relations; without a stock and flow relation, nothing is added.

    Returns:
        The groups, new day groups appended (their other key values those of the span's group,
        their ``as_of`` the day, as ``2017-12-31``), and a table of each span's ends: ``group``
        (the span's group), ``at`` (``"start"`` or ``"end"``) and ``target`` (the day's group).

    Raises:
        RelationError: a stock and flow relation where the key has no ``as_of``.

    Examples:
        >>> import reconcile as rc
        >>> groups = pd.DataFrame({"place": ["Mosul", "Mosul"], "as_of": ["2017-09-20", "2017-12"]})
        >>> relation = rc.Relation.parse("stock@end = stock@start + new")
        >>> groups, ends = span_ends(groups, [relation])
        >>> groups
           place       as_of
        0  Mosul  2017-09-20
        1  Mosul     2017-12
        2  Mosul  2017-12-01
        3  Mosul  2017-12-31
        >>> ends
           group     at  target
        0      1  start       2
        1      1    end       3

    """
    ends = pd.DataFrame(
        {
            "group": pd.Series(dtype=np.intp),
            "at": pd.Series(dtype=object),
            "target": pd.Series(dtype=np.intp),
        }
    )
    timed = [relation for relation in relations if relation.across_time]
    if not timed:
        return groups, ends
    if TIME_COLUMN not in groups.columns:
        raise RelationError(
            f"the relation {timed[0].text!r} dates stocks to the days its flows' span starts and "
            f"ends, but the key has no {TIME_COLUMN!r}",
            hint=f"keep {TIME_COLUMN!r} in the key, e.g. key=('counts', 'place', 'as_of')",
            details=caret(timed[0].text, 0),
            text=timed[0].text,
            position=0,
            reason=Reason.RELATION_HOLDS_NOWHERE,
        )
    others = [column for column in groups.columns if column != TIME_COLUMN]
    first, _, last = day_bounds(groups[TIME_COLUMN])
    span = np.flatnonzero(first < last)  # NaN (no date) is no span
    day = np.flatnonzero(first == last)
    if not len(span):
        return groups, ends
    dated = pd.DataFrame(groups.iloc[day][others]).assign(day=first[day], target=day)
    wanted = pd.concat(
        [
            pd.DataFrame(groups.iloc[span][others]).assign(group=span, at="start", day=first[span]),
            pd.DataFrame(groups.iloc[span][others]).assign(group=span, at="end", day=last[span]),
        ],
        ignore_index=True,
    )
    found = wanted.merge(dated, on=[*others, "day"], how="left")
    missing = found["target"].isna().to_numpy()
    new = pd.DataFrame(found[missing][[*others, "day"]]).drop_duplicates(ignore_index=True)
    new = new.assign(target=len(groups) + np.arange(len(new)))
    if len(new):
        named = new.merge(found[missing][[*others, "day", "group", "at"]], on=[*others, "day"])
        found = pd.concat([found[~missing], named], ignore_index=True)
        as_of = new["day"].to_numpy().astype(np.int64).astype("datetime64[D]").astype(str).astype(object)
        appended = pd.DataFrame(new[others]).assign(**{TIME_COLUMN: as_of})[list(groups.columns)]
        groups = pd.concat([groups, appended], ignore_index=True)
    found = found.sort_values(["group", "at"], ascending=[True, False], kind="stable", ignore_index=True)
    ends = pd.DataFrame(
        {
            "group": found["group"].to_numpy(np.intp),
            "at": found["at"].to_numpy(dtype=object),
            "target": found["target"].to_numpy(np.intp),
        }
    )
    return groups, ends


def groups_of_terms(terms: pd.DataFrame, ends: pd.DataFrame) -> np.ndarray:
    """The group each term stands in: its instance's ``group``, or for a dated term, its day's group.

    ``terms`` has a ``group`` (the instance's) and an ``at`` (``""`` for a term of the span
    itself, else ``"start"`` or ``"end"``) column; a dated term's group is a span's.

    Examples:
        >>> ends = pd.DataFrame({"group": [1, 1], "at": ["start", "end"], "target": [2, 3]})
        >>> groups_of_terms(pd.DataFrame({"group": [1, 1, 0], "at": ["end", "", ""]}), ends).tolist()
        [3, 1, 0]

    """
    dated = terms["at"].to_numpy(dtype=object) != ""
    target = terms[["group", "at"]].merge(ends, on=["group", "at"], how="left")["target"].to_numpy()
    assert not np.isnan(target[dated].astype(float)).any(), "a dated term outside a span's group"
    return np.where(dated, target, terms["group"].to_numpy()).astype(np.intp)


def no_span_error(relation: Relation) -> RelationError:
    """The error for a stock and flow relation that holds nowhere: no flow is present over a span."""
    flows = dict.fromkeys(term.quantity for term in relation.terms if term.quantity and term.at is None)
    return RelationError(
        f"the relation {relation.text!r} holds nowhere: none of its flows ({', '.join(flows)}) "
        "is claimed over a span of more than one day, or derived there by another relation",
        hint=_HINT,
        details=caret(relation.text, 0),
        text=relation.text,
        position=0,
        reason=Reason.RELATION_HOLDS_NOWHERE,
    )
