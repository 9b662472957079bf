"""How the per-quantity step words its conflicts and the claims it sets aside, a column at a time.

A claim is worded as :func:`reconcile.compare` words a figure (``who: what (range)``), and
each conflict's message names its claims and what parts them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from reconcile._wording import gap_texts, nouns, summaries

__all__ = ["explain", "explain_ties", "said", "text_column"]

# The most claims a tie's message words; the conflicts table names every one.
_SHOWN_IN_A_TIE = 20


def text_column(frame: pd.DataFrame, column: str, rows: np.ndarray) -> np.ndarray:
    """The column's text at ``rows`` as an object array, "" where missing or absent."""
    if column not in frame:
        return np.full(len(rows), "", dtype=object)
    values = frame[column].iloc[rows].to_numpy(dtype=object)
    return np.where(pd.isna(values), "", values)


def said(frame: pd.DataFrame, rows: np.ndarray, ends: tuple[np.ndarray, ...], unit: np.ndarray) -> np.ndarray:
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


def explain(
    frame: pd.DataFrame,
    involved: np.ndarray,
    mate: np.ndarray,
    kind: np.ndarray,
    low: np.ndarray,
    value: np.ndarray,
    high: np.ndarray,
    unit: np.ndarray,
    policy: str,
) -> tuple[np.ndarray, np.ndarray]:
    """Each conflict's message (worded as :func:`reconcile.compare` words it) and its claim's reason."""
    gap = np.where(low[involved] > high[mate], low[involved] - high[mate], low[mate] - high[involved])
    apart = gap_texts(gap, nouns(unit[mate], text_column(frame, "counts", mate)))
    clash = "'" + unit[involved] + "' cannot be converted to '" + unit[mate] + "'"
    # A claim often stands in several conflicts: word each one once.
    rows, where = np.unique(np.concatenate([mate, involved]), return_inverse=True)
    worded = said(frame, rows, (low, value, high), unit)[where.reshape(-1)]
    mate_id = frame["claim_id"].to_numpy(dtype=object)[mate]
    last = np.select(
        [kind == "disjoint", kind == "misreport"],
        [apart, apart + "; a retelling outside what its own source said"],
        clash + " without a figure that links them (such as a household size)",
    )
    message = worded[: len(mate)] + "; " + worded[len(mate) :] + "; " + last
    if policy == "priority":
        why_disjoint = "shares no point with claim " + mate_id + ", of the highest-ranked source"
    else:
        why_disjoint = np.full(
            len(involved), "shares no point with the range the most sources allow", dtype=object
        )
    why = np.select(
        [kind == "disjoint", kind == "misreport"],
        [why_disjoint, "its own source says otherwise in claim " + mate_id],
        "its unit " + clash,
    )
    return message, why


def explain_ties(
    frame: pd.DataFrame,
    rows: np.ndarray,
    starts: np.ndarray,
    low: np.ndarray,
    value: np.ndarray,
    high: np.ndarray,
    unit: np.ndarray,
) -> np.ndarray:
    """Per tied claim, its tie's message: what each tied source says, and that none outweighs the rest."""
    if not len(rows):
        return np.zeros(0, dtype=object)
    worded = said(frame, rows, (low, value, high), unit)
    tie = np.cumsum(np.isin(np.arange(len(rows)), starts)) - 1
    # Join each tie's words, one position within the ties at a time (ties are a few claims).
    position = np.arange(len(rows)) - np.asarray(starts)[tie]
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
