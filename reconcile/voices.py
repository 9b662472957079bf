"""Voices: who made each figure, which of a source's statements say most, and which are revised.

A claim's *voice* is the origin of its figure, within one quantity: the study, the ministry
or the tracking system that made it, whoever passed it on (``via``). The origin is the
``origin`` column where a claim fills it in, else its ``source``. Names are compared
after :func:`voice_name` folds case, spacing and punctuation, so "U.S. officials" and "US
Officials" are one voice; ``aliases`` maps further spellings to one name. A claim that
names no source is a voice of its own.

Within a voice, a later report supersedes an earlier one (:func:`revisions`), and of the
statements that remain, the most faithful set the voice's range (:func:`faithfulness`).
Every step here works on whole columns.

Examples:
    >>> voice_name("  U.S.  Officials ")
    'us officials'
    >>> voice_name("Al-Jazeera") == voice_name("al jazeera")
    True

"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import NamedTuple

import numpy as np
import pandas as pd

from reconcile._sweep import per_group

__all__ = [
    "FAITHFULNESS",
    "Voices",
    "faithfulness",
    "own_reports",
    "revisions",
    "voice_name",
    "voice_names",
    "voices",
]

#: The ranks of a voice's statements, most faithful first. A voice's range is the envelope
#: of its statements of the best rank it has; the others are retellings, checked against it.
FAITHFULNESS = {
    0: "a two-sided range the source states: an interval, 'between', a confidence interval, "
    "or a low and a high the table gives",
    1: "a hedged point: a range a closeness word sets around the number ('about 5,000')",
    2: "an exact point ('4,645', '7,138,715'), or a one-sided figure at the very number an exact "
    "point of the voice gives ('up to 5,805' beside '5,805': retellings drop hedges, they do "
    "not add them)",
    3: "a rounded number, read at its rounding ('7.1 million', '547,000'); of several, the "
    "finest (retellings round, they do not add digits)",
    4: "a one-sided figure, or one that ends at its number ('more than 1,400', 'at least 7,000', "
    "'nearly 5,000'): a headline's rounding of what the source said",
}

_JOINERS = re.compile(r"[\s\-‐-―/_]+")


def voice_name(name: str) -> str:
    """The form of a source's name that voices are compared in.

    Unicode compatibility forms are folded (NFKC), case is folded, dashes, slashes and
    underscores count as spaces, other punctuation is dropped, and runs of spaces are one.

    Examples:
        >>> voice_name("Harvard T.H. Chan School")
        'harvard th chan school'
        >>> voice_name("UNHCR") == voice_name("U.N.H.C.R.")
        True

    """
    folded = _JOINERS.sub(" ", unicodedata.normalize("NFKC", name).casefold())
    kept = "".join(char for char in folded if not unicodedata.category(char).startswith("P"))
    return " ".join(kept.split())


def voice_names(names: Iterable[object], aliases: Mapping[str, str] | None = None) -> list[str]:
    """Each name as voices are compared: :func:`voice_name`, then ``aliases`` (folded the same way).

    Examples:
        >>> voice_names(["GWU", "U.S. officials"], {"gwu": "George Washington University"})
        ['george washington university', 'us officials']

    """
    folded = [voice_name(str(name)) for name in names]
    if not aliases:
        return folded
    mapped = {voice_name(str(spelling)): voice_name(str(name)) for spelling, name in aliases.items()}
    return [mapped.get(name, name) for name in folded]


def _folded(values: pd.Series, aliases: Mapping[str, str] | None) -> tuple[np.ndarray, np.ndarray]:
    """Each cell's row in the distinct folded names (``aliases`` applied), -1 where blank; and the names.

    Each distinct cell is folded once.
    """
    codes, distinct = pd.factorize(values)
    folded = voice_names(distinct, aliases)
    ids, names = pd.factorize(np.array([*folded, ""], dtype=object))
    blank = names.tolist().index("")  # (always there: added above)
    row_ids = ids[codes]  # code -1 (a missing cell) takes the last entry, ""
    return np.where(row_ids == blank, -1, row_ids), np.asarray(names, dtype=object)


class Voices(NamedTuple):
    """Each claim's voice.

    Attributes:
        code: per claim, a number shared by the claims of one voice (whatever their quantity).
        names: the distinct names, ``""`` last.
        which: per claim, its name's position in ``names``.
        name: per claim, the voice's name as compared (``""`` for a claim without a source),
            made when asked for (the codes above say the same in 8 bytes less per claim).

    """

    code: np.ndarray
    names: np.ndarray
    which: np.ndarray

    @property
    def name(self) -> np.ndarray:
        """Per claim, the voice's name as compared (``""`` for a claim without a source)."""
        named: np.ndarray = self.names[self.which]
        return named


def voices(frame: pd.DataFrame, aliases: Mapping[str, str] | None = None) -> Voices:
    """Each claim's voice: its ``origin`` if given, else its ``source``, as :func:`voice_name` folds it.

    Examples:
        >>> frame = pd.DataFrame({"claim_id": ["a", "b", "c", "d"],
        ...                       "source": ["Harvard study", "harvard  study", "GWU", None]})
        >>> found = voices(frame, aliases={"GWU": "George Washington University"})
        >>> found.name.tolist()
        ['harvard study', 'harvard study', 'george washington university', '']
        >>> found.code.tolist()
        [0, 0, 1, 2]

    """
    n = len(frame)
    blank = pd.Series([None] * n, index=frame.index, dtype=object)
    source_ids, source_names = _folded(frame.get("source", blank), aliases)
    ids, names = source_ids, source_names
    if "origin" in frame:
        origin_ids, origin_names = _folded(frame["origin"], aliases)
        # One list of names for both columns: the origin's names after the source's.
        names = np.array([*source_names, *origin_names], dtype=object)
        joined, names = pd.factorize(names)
        ids = np.where(
            origin_ids >= 0,
            joined[len(source_names) + np.maximum(origin_ids, 0)],
            np.where(source_ids >= 0, joined[np.maximum(source_ids, 0)], -1),
        )
        names = np.asarray(names, dtype=object)
    # A claim without a source is its own voice.
    unnamed = ids < 0
    keyed = np.where(unnamed, len(names) + np.arange(n), ids)
    code = pd.factorize(keyed)[0].astype(np.int32)  # (codes per claim in 4 bytes: memory)
    names = np.array([*names, ""], dtype=object)
    which = np.where(unnamed, len(names) - 1, ids).astype(np.int32)
    return Voices(code, names, which)


def faithfulness(
    low: np.ndarray, value: np.ndarray, high: np.ndarray, hedged: np.ndarray, voice: np.ndarray
) -> np.ndarray:
    """Each statement's rank in :data:`FAITHFULNESS` (0 says most), from its range, hedge and voice.

    ``hedged`` says, per statement, whether a hedge word ("about") set its range.

    A range with both ends finite and its value strictly inside is stated by the source
    (rank 0) when no hedge set it and it is not the rounding of a printed number (a
    range symmetric about its value, whose width is a power of ten the value is a
    multiple of, or a tenth of the value either side); a hedge sets it around a point
    (rank 1). An exact point is rank 2, as is a one-sided figure at the very value of an
    exact point of its voice; a rounded number is rank 3; other one-sided figures rank 4.

    Examples:
        >>> inf = float("inf")
        >>> faithfulness(np.array([793.0, 4500, 4645, 7000, 0, 546_500, 0]),
        ...              np.array([4645.5, 5000, 4645, 7000, 5805, 547_000, 6000]),
        ...              np.array([8498.0, 5500, 4645, inf, 5805, 547_500, 6000]),
        ...              np.array([False, True, False, True, True, False, True]),
        ...              np.array([0, 1, 2, 3, 4, 5, 4])).tolist()
        [0, 1, 2, 4, 4, 3, 4]
        >>> faithfulness(np.array([5805.0, 0]), np.array([5805.0, 5805]), np.array([5805.0, 5805]),
        ...              np.array([False, True]), np.array([7, 7])).tolist()
        [2, 2]

    """
    finite = np.isfinite(low) & np.isfinite(high)
    two_sided = finite & (low < value) & (value < high)
    rank = np.where(two_sided, np.where(hedged, 1, np.where(_rounding(low, value, high), 3, 0)), 4)
    rank = np.where(low == high, 2, rank)
    # A one-sided figure at an exact point's very number: the point is a retelling without its hedge.
    # (Only voices with both kinds of statement can have one.)
    size = int(voice.max(initial=-1)) + 1
    both = np.bincount(voice[rank == 2], minlength=size) > 0
    both &= np.bincount(voice[rank == 4], minlength=size) > 0
    if both.any():
        mixed = both[voice]
        points = pd.MultiIndex.from_arrays([voice[mixed & (rank == 2)], value[mixed & (rank == 2)]])
        one_sided = np.flatnonzero(mixed & (rank == 4))
        same = pd.MultiIndex.from_arrays([voice[one_sided], value[one_sided]]).isin(points)
        rank[one_sided[same]] = 2
    return rank


def _rounding(low: np.ndarray, value: np.ndarray, high: np.ndarray) -> np.ndarray:
    """Whether each range is a printed number's rounding: symmetric, a power of ten wide (or ±10%)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        width = high - low
        symmetric = np.isclose(value - low, high - value, rtol=1e-9, atol=0)
        power = np.log10(width)
        ten = np.isclose(power, np.round(power), rtol=0, atol=1e-9)
        steps = value / width
        whole = np.isclose(steps, np.round(steps), rtol=0, atol=1e-6)
        tenth = np.isclose(width, 0.2 * np.abs(value), rtol=1e-9, atol=0)
    return np.asarray(symmetric & ((ten & whole) | tenth), dtype=bool)


def revisions(
    voice: np.ndarray,
    reported_on: np.ndarray,
    rank: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    claim_id: np.ndarray,
    own: np.ndarray | None = None,
    channel: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Which claims a later report of their voice revises, and the claim that does.

    ``voice`` numbers the voices of each quantity; ``own`` marks the source's own reports
    (no ``via``, or a ``via`` that is the source). Where a voice has dated reports of its
    own, its latest own report says what the source says now (of several that day, the
    most faithful, lowest ``rank``), and every earlier claim of the voice, its own or an
    outlet's, whose range shares no point with that is superseded, by the first of them
    (by claim id): the source revised its figure. An outlet's later retelling revises
    nothing then; it is checked as a retelling.

    Where a voice is known only through outlets, its claims with the latest
    ``reported_on`` say what it says now, and an earlier claim that shares no point with
    them is superseded, unless it is a stated interval or a hedged range (rank 0 or 1)
    more faithful than they are: a later headline revises no earlier interval. Within
    one ``channel`` (the outlet that passes the voice on, numbered; -1 for the source
    itself), the channel's latest report supersedes its earlier ones that share no point
    with it, whatever their rank: the next issue of a situation report series. An earlier
    claim that agrees is no revision either way (it stays, a retelling). Claims without a
    date are never superseded and supersede nothing.

    Returns:
        ``superseded`` (per claim, bool) and ``by`` (per claim, the row of the claim that
        supersedes it, or -1).

    Examples:
        A situation report revised from 507,000 to 509,000 (rounded to the thousand), an
        undated retelling, and an earlier report the latest agrees with:

        >>> superseded, by = revisions(np.array([0, 0, 0, 0]),
        ...                            np.array(["2017-10-01", "2017-10-03", "", "2017-09-30"], dtype=object),
        ...                            np.array([3, 3, 3, 3]),
        ...                            np.array([506_500.0, 508_500, 506_500, 508_000]),
        ...                            np.array([507_500.0, 509_500, 507_500, 510_000]),
        ...                            np.array(["a", "b", "c", "d"], dtype=object))
        >>> superseded.tolist(), by.tolist()
        ([True, False, False, False], [1, -1, -1, -1])

        A source's own later report supersedes its earlier, more hedged one ("approximately
        8.3 million", then "6.5 million"); an outlet's later misprint revises nothing:

        >>> superseded, by = revisions(np.array([0, 0, 0]),
        ...                            np.array(["2022-12-13", "2023-02-28", "2023-03-02"], dtype=object),
        ...                            np.array([1, 3, 2]),
        ...                            np.array([7_885_000.0, 6_450_000, 6_000_000]),
        ...                            np.array([8_715_000.0, 6_550_000, 6_000_000]),
        ...                            np.array(["dec", "feb", "typo"], dtype=object),
        ...                            np.array([True, True, False]))
        >>> superseded.tolist(), by.tolist()
        ([True, False, False], [1, -1, -1])

    """
    n = len(voice)
    by = np.full(n, -1)
    dated = np.flatnonzero(reported_on != "")
    if not len(dated):
        return np.zeros(n, dtype=bool), by
    own = np.zeros(n, dtype=bool) if own is None else own
    size = int(voice.max()) + 1
    day = np.full(n, -1)
    day[dated] = pd.factorize(reported_on[dated], sort=True)[0]
    # A voice with dated reports of its own is read from them; any other from all its dated claims.
    reports = (day >= 0) & own
    has_own = per_group(voice[reports], np.ones(int(reports.sum())), size, "max", 0.0) > 0
    counted = (day >= 0) & (own | ~has_own[voice])
    latest = per_group(voice[counted], day[counted], size, "max", -1)
    now = np.flatnonzero(counted & (day == latest[voice]))
    best = per_group(voice[now], rank[now], size, "min", 99)
    now = now[rank[now] == best[voice[now]]]
    now_low = per_group(voice[now], low[now], size, "min", np.inf)
    now_high = per_group(voice[now], high[now], size, "max", -np.inf)
    leader = np.full(size, -1)
    ordered = now[np.lexsort((claim_id[now].astype(str), voice[now]))][::-1]
    leader[voice[ordered]] = ordered  # the last write per voice is its lowest claim id
    protected = (rank < best[voice]) & (rank <= 1)
    old = (day >= 0) & (day < latest[voice]) & (has_own[voice] | ~protected)
    superseded = old & ((high < now_low[voice]) | (low > now_high[voice]))
    by[superseded] = leader[voice[superseded]]
    if channel is not None and (channel >= 0).any():
        # Each outlet's own series: (voice, channel) pairs read as voices of their own.
        passed = (day >= 0) & (channel >= 0)
        pair = np.full(n, -1)
        pair[passed] = pd.factorize(
            voice[passed].astype(np.int64) * (int(channel.max()) + 1) + channel[passed]
        )[0]
        series, series_by = revisions(
            np.where(passed, pair, int(pair.max()) + 1 + np.arange(n)),
            np.where(passed, reported_on, ""),
            np.zeros(n, dtype=int),
            low,
            high,
            claim_id,
            np.ones(n, dtype=bool),
        )
        fresh = series & ~superseded
        superseded |= series
        by[fresh] = series_by[fresh]
    return superseded, by


def own_reports(frame: pd.DataFrame, found: Voices) -> tuple[np.ndarray, np.ndarray]:
    """Per claim: whether it is its source's own report, and the outlet that passed it on.

    A claim is its source's own when it has no ``via``, or a ``via`` that is the source;
    outlets are numbered, -1 for the source's own.

    Examples:
        >>> frame = pd.DataFrame({"claim_id": ["a", "b"], "source": ["IOM", "IOM"], "via": [None, "AFP"]})
        >>> own, channel = own_reports(frame, voices(frame))
        >>> own.tolist(), channel.tolist()
        ([True, False], [-1, 0])

    """
    if "via" not in frame:
        return np.ones(len(frame), dtype=bool), np.full(len(frame), -1)
    via = voices(frame.assign(source=frame["via"]).drop(columns="origin", errors="ignore"))
    passed_on = via.which < len(via.names) - 1  # a via is given
    own = np.asarray(~passed_on | (via.names[via.which] == found.names[found.which]), dtype=bool)
    return own, np.where(own, -1, via.which)
