"""What each voice says: its most faithful statements and the range they give, for all voices at once.

A voice (one source on one quantity) often has one claim: that claim is what it says, and
nothing needs weighing. Only voices with several claims (the source's report and outlets'
retellings, or a series) have their statements ranked, and only their rows are grouped.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reconcile._sweep import group_value_order, largest_agreeing_sets, per_group, run_medians
from reconcile.voices import FAITHFULNESS

__all__ = ["Ids", "Statements", "statements"]

# The rank FAITHFULNESS gives a rounded number (of which the finest printed speaks).
_ROUNDED = 3


class Ids:
    """The claims' ids, taken as object arrays only where they are needed (a few rows, mostly).

    Examples:
        >>> Ids(pd.Series(["a", "b", "c"]))[np.array([2, 0])].tolist()
        ['c', 'a']

    """

    def __init__(self, column: pd.Series) -> None:
        self._ids = pa.array(column.array)

    def __getitem__(self, rows: np.ndarray) -> np.ndarray:
        taken = self._ids.take(pa.array(np.asarray(rows, dtype=np.int64)))
        return np.asarray(taken.to_numpy(zero_copy_only=False), dtype=object)

    def order(self, rows: np.ndarray) -> np.ndarray:
        """Per row of ``rows``, its id's rank among theirs (equal ids rank alike; text order).

        Examples:
            >>> Ids(pd.Series(["c10", "c9", "c10"])).order(np.array([0, 1, 2])).tolist()
            [0, 1, 0]

        """
        taken = self._ids.take(pa.array(np.asarray(rows, dtype=np.int64)))
        ranks = pc.rank(taken, sort_keys="ascending", tiebreaker="dense")
        return np.asarray(ranks.to_numpy(), dtype=np.int64) - 1


class Statements(NamedTuple):
    """What the voices say.

    Attributes:
        top: per claim, whether it is among its voice's most faithful statements.
        low: per voice, the lowest its best statements allow (inf for a voice with none standing).
        high: per voice, the highest (-inf for a voice with none standing).
        value: per voice, the median of the distinct values its best statements print.
        weight: per voice, its heaviest standing claim's weight (0 for none).
        speaker: per voice, the best statement with the lowest claim id (-1 for none).

    """

    top: np.ndarray
    low: np.ndarray
    high: np.ndarray
    value: np.ndarray
    weight: np.ndarray
    speaker: np.ndarray


def statements(
    voice: np.ndarray,
    n_voices: int,
    columns: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    live: np.ndarray,
    own: np.ndarray,
    claim_id: Ids,
) -> Statements:
    """Per voice, its most faithful standing statements and what they say.

    ``columns`` are per claim: (low, value, high, rank in FAITHFULNESS, weight). The source's
    own words outrank an outlet's; of rounded numbers the finest printed speaks; of
    statements that disagree, the largest set that shares a point.

    Examples:
        >>> said = statements(np.array([0, 0, 1]), 2,
        ...                   (np.array([90.0, 100, 5]), np.array([100.0, 100, 5]),
        ...                    np.array([110.0, 100, 5]), np.array([1, 2, 2]), np.ones(3)),
        ...                   np.ones(3, bool), np.ones(3, bool), Ids(pd.Series(["a", "b", "c"])))
        >>> said.top.tolist(), said.low.tolist(), said.high.tolist(), said.speaker.tolist()
        ([True, False, True], [90.0, 5.0], [110.0, 5.0], [0, 2])

    """
    low, value, high, _, weight = columns
    single = np.bincount(voice, minlength=n_voices)[voice] == 1
    top = single & live
    said = Statements(
        top=top,
        low=np.full(n_voices, np.inf),
        high=np.full(n_voices, -np.inf),
        value=np.full(n_voices, np.nan),
        weight=np.zeros(n_voices),
        speaker=np.full(n_voices, -1, dtype=np.int32),  # (a row per voice in 4 bytes: memory)
    )
    # A voice of one standing claim says what that claim says.
    alone = np.flatnonzero(top)
    said.low[voice[alone]] = low[alone]
    said.high[voice[alone]] = high[alone]
    said.value[voice[alone]] = value[alone]
    said.weight[voice[alone]] = weight[alone]
    said.speaker[voice[alone]] = alone
    rows = np.flatnonzero(~single)
    if not len(rows):
        return said
    # The voices of several claims, numbered 0..m-1 among themselves.
    which, local = np.unique(voice[rows], return_inverse=True)
    sub = _weigh(local, len(which), tuple(column[rows] for column in columns), live[rows], own[rows])
    top[rows] = sub.top
    said.low[which], said.high[which], said.value[which] = sub.low, sub.high, sub.value
    said.weight[which] = sub.weight
    # Per voice, its first best statement; of several, the one with the lowest claim id.
    speaker = sub.speaker
    tops = np.flatnonzero(sub.top)
    several = np.bincount(local[tops], minlength=len(which))[local[tops]] > 1
    if several.any():
        some = tops[several]
        some = some[group_value_order(local[some], claim_id.order(rows[some]).astype(float))]
        leads = np.r_[True, local[some][1:] != local[some][:-1]]
        speaker[local[some][leads]] = some[leads]
    said.speaker[which] = np.where(speaker >= 0, rows[np.maximum(speaker, 0)], -1)
    return said


def _weigh(
    voice: np.ndarray,
    n_voices: int,
    columns: tuple[np.ndarray, ...],
    live: np.ndarray,
    own: np.ndarray,
) -> Statements:
    """:func:`statements` for voices of several claims (speakers: each voice's first best row).

    The rows are laid out once by voice, so each voice's claims are one run and every
    reduction is one pass over the runs.
    """
    order = np.argsort(voice, kind="stable")
    voice = voice[order]
    low, value, high, rank, weight = (column[order] for column in columns)
    live, own = live[order], own[order]
    starts = np.flatnonzero(np.r_[True, voice[1:] != voice[:-1]])
    # The source's own words outrank any outlet's: where a voice has a statement of its own
    # that stands, its retellings (an outlet's "some 7.1 million") only repeat it.
    speaks = np.logical_or.reduceat(live & own, starts)
    rank = np.where(speaks[voice] & ~own, rank + len(FAITHFULNESS), rank)
    best = _per_run(rank, live, starts, np.minimum, 99)
    top = live & (rank == best[voice])
    # Of rounded numbers, the finest printed speaks for the voice.
    width = high - low
    finest = _per_run(width, top, starts, np.minimum, np.inf)
    top &= (rank != _ROUNDED) | (width <= finest[voice])
    top &= _most_of_its_voice(voice, top, low, high, n_voices)
    v_low = _per_run(low, top, starts, np.minimum, np.inf)
    v_high = _per_run(high, top, starts, np.maximum, -np.inf)
    v_weight = _per_run(weight, live, starts, np.maximum, 0.0)
    # The median of the distinct values the voice's best claims print: copies do not vote.
    tops = np.flatnonzero(top)
    by_value = tops[group_value_order(voice[tops], value[tops])]
    told, said = voice[by_value], value[by_value]
    distinct = np.r_[True, (told[1:] != told[:-1]) | (said[1:] != said[:-1])]
    v_value = np.full(n_voices, np.nan)
    owners, medians = run_medians(told[distinct], said[distinct])
    v_value[owners] = medians
    v_value = np.clip(v_value, v_low, v_high)
    speaker = np.full(n_voices, -1)
    leads = tops[np.r_[True, voice[tops][1:] != voice[tops][:-1]]]  # (sorted by voice: each one's first top)
    speaker[voice[leads]] = order[leads]
    in_order = np.empty_like(top)
    in_order[order] = top
    return Statements(in_order, v_low, v_high, v_value, v_weight, speaker)


def _per_run(
    values: np.ndarray, mask: np.ndarray, starts: np.ndarray, how: np.ufunc, fill: float
) -> np.ndarray:
    """Per run of rows (each from one of ``starts``): ``values`` where ``mask``, reduced by ``how``.

    A run with no row in ``mask`` gets ``fill``.
    """
    neutral = np.inf if how is np.minimum else -np.inf
    reduced = how.reduceat(np.where(mask, values, neutral).astype(float), starts)
    return np.where(np.logical_or.reduceat(mask, starts), reduced, fill)


def _most_of_its_voice(
    voice: np.ndarray, top: np.ndarray, low: np.ndarray, high: np.ndarray, n_voices: int
) -> np.ndarray:
    """Of each voice's most faithful claims, those in the largest set that shares a point.

    Where a voice's best statements disagree (outlets print 2,521 and "at least 2,521",
    one prints 2,520), the most of the distinct statements say what the source said; the
    others are checked as retellings. Where no set is the largest, every one of them is
    kept: which is right is not for values to decide.
    """
    keep = np.ones(len(voice), dtype=bool)
    several = top & (np.bincount(voice[top], minlength=n_voices)[voice] > 1)
    # Only voices whose best claims do not all share a point need a closer look.
    highest_low = per_group(voice[several], low[several], n_voices, "max", -np.inf)
    lowest_high = per_group(voice[several], high[several], n_voices, "min", np.inf)
    several &= highest_low[voice] > lowest_high[voice]
    rows = np.flatnonzero(several)
    if not len(rows):
        return keep
    inner, owner = np.unique(voice[rows], return_inverse=True)
    # A range printed again word for word is one statement: copies weigh one between them.
    same = pd.Series(np.ones(len(rows))).groupby([owner, low[rows], high[rows]]).transform("sum")
    weight = 1.0 / same.to_numpy()
    sets = largest_agreeing_sets(owner, low[rows], high[rows], weight, len(inner))
    single = sets.n_sets[owner] == 1
    chosen = sets.first[owner]
    holds = (low[rows] <= sets.low[chosen]) & (high[rows] >= sets.high[chosen])
    keep[rows] = ~single | holds
    return keep
