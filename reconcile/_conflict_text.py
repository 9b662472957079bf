"""How the per-quantity step words its conflicts and the claims it sets aside, a column at a time.

A claim is worded as :func:`reconcile.compare` words a figure (``who: what (range)``), and
each conflict's message names its claims and what parts them.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from reconcile._wording import gap_texts, nouns, summaries

__all__ = ["Coded", "conflict_reasons", "only_rows", "said", "text_column", "text_filled", "word_conflicts"]

# The claims' columns a message words.
_WORDED = ("claim_id", "counts", "source", "via", "hedge")
# The most claims a tie's message words; the conflicts table names every one.
_SHOWN_IN_A_TIE = 20


class Coded:
    """A text per row kept as codes into its distinct texts, made objects only at the rows asked for.

    Examples:
        >>> units = Coded(np.array(["person", "household"], dtype=object), np.array([1, 0, 1]))
        >>> units[np.array([2, 1])].tolist()
        ['household', 'person']

    """

    def __init__(self, distinct: np.ndarray, codes: np.ndarray) -> None:
        self._distinct = np.asarray(distinct, dtype=object)
        self._codes = codes

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        picked: np.ndarray = self._distinct[self._codes[rows]]
        return picked

    def only(self, rows: np.ndarray) -> Coded:
        """The texts of ``rows`` alone: row ``i`` of the result is ``rows[i]`` (the distinct texts stay)."""
        return Coded(self._distinct, self._codes[rows])


_Ends = tuple[np.ndarray, np.ndarray, np.ndarray]  # (low, value, high) per claim


def only_rows(
    frame: pd.DataFrame, rows: tuple[np.ndarray, ...], ends: _Ends, unit: Coded
) -> tuple[pd.DataFrame, tuple[np.ndarray, ...], _Ends, Coded]:
    """The claims ``rows`` name, alone: their rows of ``frame``, ``rows`` renumbered, their ends and units.

    Wording waits until it is read; meanwhile it keeps only the claims it will word.

    Examples:
        >>> frame = pd.DataFrame({"claim_id": ["a", "b", "c", "d"]})
        >>> unit = Coded(np.array(["person"], dtype=object), np.zeros(4, dtype=int))
        >>> ends = (np.arange(4.0), np.arange(4.0), np.arange(4.0))
        >>> rows = (np.array([3, 1]), np.array([3]))
        >>> few, (pairs, tied), (low, _, _), units = only_rows(frame, rows, ends, unit)
        >>> few["claim_id"].tolist(), pairs.tolist(), tied.tolist(), low.tolist(), units[pairs].tolist()
        (['b', 'd'], [1, 0], [1], [1.0, 3.0], ['person', 'person'])

    """
    kept, where = np.unique(np.concatenate(rows), return_inverse=True)
    where = where.reshape(-1)
    bounds = np.cumsum([0, *map(len, rows)])
    renumbered = tuple(where[start:end] for start, end in itertools.pairwise(bounds))
    low, value, high = ends
    columns = [column for column in _WORDED if column in frame]
    return frame[columns].iloc[kept], renumbered, (low[kept], value[kept], high[kept]), unit.only(kept)


def text_column(frame: pd.DataFrame, column: str, rows: np.ndarray) -> np.ndarray:
    """The column's text at ``rows`` as an object array, "" where missing or absent."""
    if column not in frame:
        return np.full(len(rows), "", dtype=object)
    values = frame[column].iloc[rows].to_numpy(dtype=object)
    return np.where(pd.isna(values), "", values)


def text_filled(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Per row, whether the column holds a text that is not empty (false throughout where it is absent).

    Examples:
        >>> text_filled(pd.DataFrame({"hedge": ["about", "", None]}), "hedge").tolist()
        [True, False, False]

    """
    if column not in frame:
        return np.zeros(len(frame), dtype=bool)
    cells = frame[column]
    return np.asarray((cells.notna() & (cells.astype("str") != "")).to_numpy(dtype=bool))


def said(frame: pd.DataFrame, rows: np.ndarray, ends: tuple[np.ndarray, ...], unit: Coded) -> np.ndarray:
    """``who: what (range)`` for each row, as :func:`reconcile.compare` words it.

    ``ends`` are the (low, value, high) columns in the quantity's unit.
    """
    low, value, high = ends
    source, via = text_column(frame, "source", rows), text_column(frame, "via", rows)
    who = source.copy()
    unnamed = np.flatnonzero(source == "")
    who[unnamed] = "claim " + text_column(frame, "claim_id", rows[unnamed])
    who = np.where(via != "", who + " via " + via, who)
    what = summaries(
        hedges=text_column(frame, "hedge", rows),
        values=value[rows],
        lows=low[rows],
        highs=high[rows],
        nouns=nouns(unit[rows], text_column(frame, "counts", rows)),
    )
    return np.asarray(who + ": " + what, dtype=object)


def conflict_reasons(
    frame: pd.DataFrame, pairs: tuple[np.ndarray, np.ndarray, np.ndarray], unit: Coded, policy: str
) -> np.ndarray:
    """Per pair of claims in conflict (involved, mate, kind), why its involved claim is set aside."""
    involved, mate, kind = pairs
    mate_id = frame["claim_id"].iloc[mate].to_numpy(dtype=object)
    if policy == "priority":
        why_disjoint = "shares no point with claim " + mate_id + ", of the highest-ranked source"
    else:
        why_disjoint = np.full(
            len(involved), "shares no point with the range the most sources allow", dtype=object
        )
    return np.asarray(
        np.select(
            [kind == "disjoint", kind == "misreport"],
            [why_disjoint, "its own source says otherwise in claim " + mate_id],
            "its unit " + _clash(unit, involved, mate),
        ),
        dtype=object,
    )


def _clash(unit: Coded, involved: np.ndarray, mate: np.ndarray) -> np.ndarray:
    return np.asarray("'" + unit[involved] + "' cannot be converted to '" + unit[mate] + "'", dtype=object)


def word_conflicts(
    frame: pd.DataFrame,
    pairs: tuple[np.ndarray, np.ndarray, np.ndarray],
    ties: tuple[np.ndarray, np.ndarray],
    ends: tuple[np.ndarray, np.ndarray, np.ndarray],
    unit: Coded,
) -> tuple[np.ndarray, np.ndarray]:
    """Each conflict's message, worded as :func:`reconcile.compare` words its claims.

    ``pairs`` are (involved, mate, kind) per pair of claims in conflict; ``ties`` are
    (rows, starts): the tied claims, tie after tie, and where each tie starts. ``ends``
    are (low, value, high) per claim, in ``unit``. A claim often stands in several
    conflicts: each one is worded once. Returns the message per pair, then per tied claim
    its tie's message.
    """
    involved, mate, kind = pairs
    tied, starts = ties
    low, _, high = ends
    rows, where = np.unique(np.concatenate([mate, involved, tied]), return_inverse=True)
    worded = said(frame, rows, ends, unit)[where.reshape(-1)]
    n_pairs = len(involved)
    gap = np.where(low[involved] > high[mate], low[involved] - high[mate], low[mate] - high[involved])
    apart = gap_texts(gap, nouns(unit[mate], text_column(frame, "counts", mate)))
    last = np.select(
        [kind == "disjoint", kind == "misreport"],
        [apart, apart + "; a retelling outside what its own source said"],
        _clash(unit, involved, mate) + " without a figure that links them (such as a household size)",
    )
    message = worded[:n_pairs] + "; " + worded[n_pairs : 2 * n_pairs] + "; " + last
    return np.asarray(message, dtype=object), _tie_messages(worded[2 * n_pairs :], starts)


def _tie_messages(worded: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Per tied claim, its tie's message: what each tied source says, and that none outweighs the rest."""
    if not len(worded):
        return np.zeros(0, dtype=object)
    tie = np.cumsum(np.isin(np.arange(len(worded)), starts)) - 1
    # Join each tie's words, one position within the ties at a time (ties are a few claims).
    position = np.arange(len(worded)) - np.asarray(starts)[tie]
    joined = np.full(len(starts), "", dtype=object)
    for place in range(min(int(position.max()) + 1, _SHOWN_IN_A_TIE)):
        at = position == place
        joined[tie[at]] = joined[tie[at]] + ("; " if place else "") + worded[at]
    size = np.bincount(tie, minlength=len(starts))
    more = size > _SHOWN_IN_A_TIE
    joined[more] = (
        joined[more] + "; and " + (size[more] - _SHOWN_IN_A_TIE).astype(str).astype(object) + " more"
    )
    ending = "; sets of sources of equal weight share no point, and none outweighs the others"
    return np.asarray(joined[tie] + ending, dtype=object)
