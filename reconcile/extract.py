"""Running text to claims: every figure an article gives, with its hedge, its noun and its speaker.

:func:`extract` finds the figures of a report with the phrase grammar's own words (a hedge,
a number in digits or words, a range, a quantity word such as "dozens"), reads each one as
:func:`reconcile.parse_many` reads a phrase, and keeps those that count something: people,
households, troops, money. Years, dates, times, ages, durations, distances, shares,
ordinals, page, phone and resolution numbers are not claims. Each figure gets the noun after
it ("5,000 Islamic State militants" counts militants) or, failing that, the one the sentence
names before it ("the number of U.S. personnel ... to about 5,000"), the place the sentence
names nearest to it ("in Mosul"), and the speaker the sentence attributes it to (see
:mod:`reconcile._speakers`); a figure nobody is said to give is the outlet's own.

A figure given relative to the one before it, "a figure the group's backers say is at least
2,000 short of the actual number", is the backers' own claim about the same quantity: at
least 2,000 above the figure it corrects, read as "at least 7,000" when that figure is 5,000.

Examples:
    >>> text = (
    ...     "U.S. officials estimate about 5,000 fighters are in Raqqa, a figure the group's "
    ...     "supporters say is at least 1,000 short of the actual number. Some 20,000 residents "
    ...     "fled in 2017, the U.N. said."
    ... )
    >>> claims = extract(text, via="Example News", reported_on="2017-06-01")
    >>> claims[["phrase", "low", "high", "counts"]]
               phrase      low      high     counts
    0     about 5,000   4500.0    5500.0   fighters
    1  at least 6,000   6000.0       inf   fighters
    2     Some 20,000  18000.0   22000.0  residents
    >>> claims[["source", "attribution"]]
                       source attribution
    0          U.S. officials        verb
    1  the group's supporters        verb
    2                the U.N.        verb

"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from typing import NamedTuple

import numpy as np
import pandas as pd

from reconcile import units
from reconcile._periods import period
from reconcile._speakers import (
    ACCORDING_TO,
    CARRIED_OVER,
    NONE,
    VERB,
    Said,
    Sentence,
    carries_over,
    is_pronoun,
    place_near,
    sentences,
    speakers,
)
from reconcile.errors import ArgumentError, ParseError, Reason
from reconcile.phrases import Lexicon, parse
from reconcile.phrases.grammar import grammar_for
from reconcile.phrases.text import key
from reconcile.schemas import Claims, Extracted, check_built

#: The columns of :func:`extract`'s table, in order (checked as :class:`reconcile.schemas.Extracted`).
COLUMNS = (
    "claim_id",
    "phrase",
    "low",
    "value",
    "high",
    "unit",
    "hedge",
    "counts",
    "place",
    "as_of",
    "source",
    "via",
    "reported_on",
    "url",
    "quote",
    "start",
    "end",
    "attribution",
)

_TEXT_COLUMNS = [name for name in COLUMNS if name not in ("low", "value", "high", "start", "end")]
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_ABBREVIATIONS = "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
_SMALL = "one|two|three|four|five|six|seven|eight|nine|ten"
# What stands just before a number that is a label, a date or an age, not a count.
_LABEL_BEFORE = re.compile(
    r"(?:\b(?:page|pages|no|nos|number|resolution|article|articles|chapter|section|paragraph|para"
    r"|route|flight|highway|road|room|tel|phone|fax|volume|issue|level|phase|category|grade"
    r"|camp|block|sector|zone|aged|age|ages|decree|law|item|annex|table|figure|platform|gate"
    r"|round|week|day|year|years|class|covid|episode|season|stage|step|version|model|hotline|ward"
    r"|magnitude|per|usd|us\$|eur|gbp|chf|inr|pkr|rs|rupees?"
    rf"|{_MONTHS})|\b(?:p|pp|no|nos|vol|fig|ext|tel|art|para|rs|{_MONTH_ABBREVIATIONS})\.|[#№§$€£]"
    rf"|(?:\d|\b(?:{_SMALL}))[ \t]+(?:in|out[ \t]+of|of[ \t]+every)"
    rf"|\b(?:{_MONTHS})\.?[ \t]+\d{{1,2}}[ \t]+(?:and|to|-|–)"
    r")[ \t\u00a0]*\Z",
    re.IGNORECASE,
)
# What stands just after a number that is a date, a time or one side of a ratio.
_LABEL_AFTER = re.compile(
    rf"\A(?:(?:st|nd|rd|th)\b|[ \t\u00a0]*(?:of[ \t]+)?(?:{_MONTHS})\b\.?"
    r"|[ \t\u00a0]*(?:a\.m\.|p\.m\.|am\b|pm\b|hrs\b|o[’']clock"
    r"|(?:gmt|utc|hkt|est|edt|cst|cdt|pst|pdt|cet|cest|eet|eest|bst|ist|eat|wat|ast|msk|pkt|ict|jst)\b"
    r"|local[ \t]+time)"
    rf"|[ \t\u00a0]+(?:in|out[ \t]+of|of[ \t]+every)[ \t]+(?:\d{{1,3}}|{_SMALL})\b(?![,.]?\d)"
    r"|[ \t\u00a0]*-?(?:years?|months?|weeks?|days?)[ -]old\b)",
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    r"\A[ \t]+(?:short|shy)[ \t]+of[ \t]+the[ \t]+(?:actual|real|true)[ \t]+"
    r"(?:number|figure|total|toll|count)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’.\-]*[A-Za-z]|[A-Za-z]|[^\sA-Za-z]")
_SKIP = frozenset(["of", "the", "more", "additional", "other", "new", "further", "extra"])
# Words after a figure that end the search for its noun: verbs, pronouns and prepositions.
_HEAD_STOPS = (
    "are were was is be been have has had will would could may might remain remains fled died who "
    "which that than to from by with since for on at as within during after before over across into "
    "inside outside near until among including between through towards toward against under above "
    "below about in of flee flees fleeing die dies arrive arrived arriving return returned "
    "returning face faced facing need needed needing live lived living lack lacked suffer suffered "
    "receive received wait waited gather gathered cross crossed crossing leave left stay stayed "
    "shelter sheltering risk"
)
_NOT_HEADS = frozenset(_HEAD_STOPS.split())
_COUNTED_BEFORE = re.compile(
    r"(?:number|total|tally|count|population)[ \t]+"
    r"(?:of[ \t]+(?:[\w.’'-]+[ \t]+){0,3}?([a-z][a-z-]+)|([a-z]+ed))\b"
    r"|\b(death|casualty)[ \t]+tolls?\b",
    re.IGNORECASE,
)
_AUXILIARY = frozenset(["were", "was", "have", "has", "had", "been", "are", "reportedly", "also", "later"])
_TOLLS = {"death": "deaths", "casualty": "casualties"}
_OPENER_BEFORE = re.compile(r"\b(?:between|from)[ \t]+\Z", re.IGNORECASE)
_RANGE_ON = re.compile(
    r"[ \t]*(?:to|and|-|–)[ \t]*(?:a\b|an\b|one\b|[0-9]|[a-z]+ty\b|[a-z]+teen\b"
    r"|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million)",
    re.IGNORECASE,
)
_RANGE_GAP = re.compile(r"[ \t]*(?:to|and|-|–)[ \t]*", re.IGNORECASE)
_AGE_BESIDE = re.compile(r"\b[A-Z][a-z]+,[ \t]*\Z")
_AGE_HEDGED = re.compile(r"\A(?:under|over|above|below|aged)\s", re.IGNORECASE)
_YOUNG = re.compile(
    r"\b(?:children|child|kids|girls|boys|infants|babies|those|adults)[ \t]+\Z", re.IGNORECASE
)
_FRACTION_OF = re.compile(
    r"[ \t]+(?:of[ \t]+)?(?:a|an|one)[ \t]+(million|billion|thousand|hundred|lakh|crore)\b", re.IGNORECASE
)
_WORDS_NOT_COUNTED = (
    "times fold percent per degrees magnitude earthquake quake tremor old points decade decades "
    "century centuries year years month months week weeks day days hour hours minute minutes"
)
# Nouns after a number that make it a measure, a rate or a multiple, not a count.
_NOT_COUNTED = frozenset(_WORDS_NOT_COUNTED.split())
_SAID_AFTER = re.compile(
    r"(?:said|says|told|added|reported|stated|announced|noted|warned|confirmed|wrote|tweeted|explained"
    r"|estimated|reports|adds|estimates)\b"
)
_OPENS_WITH_FIGURE = re.compile(
    r"\A[\"“‘(]*(?:[0-9]|(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|ninety|hundreds|thousands|dozens|tens)\b)",
    re.IGNORECASE,
)
_WHEN_AFTER = re.compile(
    r"\A\s*(?:on\s+\w+day|\w+day|today|yesterday|on\s+\w+|in\s+a\s+(?:statement|report|briefing)|late\s+\w+"
    r"|earlier|later|last\s+\w+|this\s+\w+)(?:\s+(?:in\s+a\s+(?:statement|report|briefing)|night|morning|evening))?",
    re.IGNORECASE,
)
# A sentence that opens with a name doing something: "The U.S. military has deployed ...".
_NEW_ACTOR = re.compile(
    r"\A(?!(?:Many|Some|Most|Another|Others?|About|More|Nearly|Almost|Over|Around|Since|Of|Among|Up|As"
    r"|At|In|Only|Just|Roughly|Approximately|Fewer|Less|Half|Dozens|Hundreds|Thousands|Tens)\b)"
    r"(?:The\s+)?[A-Z][\w.’'-]*(?:\s+[\w.’'-]+){0,4}?\s+(?:has|have|had|is|are|was|were|will|would)\b"
)
_YEAR = re.compile(r"\A(?:1[89]|20|21)[0-9]{2}\Z")
_ONE = frozenset({"one", "a", "an"})
# Quantity words too vague to reconcile alone: "several fighters", "a few bodies".
_VAGUE = frozenset({"several", "a few", "few"})
# A small number right after a name is part of it: "Al Fallah 2", "Camp Zamzam 3".
_NAME_NUMBER = re.compile(r"[a-z][ \t]+[A-Z][a-z]+[ \t]+\Z")


class _Found(NamedTuple):
    """A figure found in the text, before it is read."""

    start: int
    end: int
    phrase: str
    reading: str  # the phrase as it is read: "half a million" as "0.5 million"
    unhedged: str | None  # the reading without its hedge, where a hedge stands before it
    noun: str | None  # the noun after the figure, read with it
    counts: str | None  # what is counted when the noun comes before the figure
    sentence: int
    relative: bool  # "at least 2,000 short of the actual number"


def extract(
    text: str,
    *,
    via: str | None = None,
    reported_on: str | dt.date | None = None,
    place: str | None = None,
    as_of: str | dt.date | None = None,
    url: str | None = None,
    lexicon: Lexicon | None = None,
) -> pd.DataFrame:
    """Every figure that counts something in ``text``, one row each, as a claims table.

    The table is one :func:`reconcile.read_claims` accepts: a ``phrase`` with the
    ``low``, ``value`` and ``high`` it reads to (by the rules of :func:`reconcile.parse`),
    the ``hedge``, the ``unit`` and what the figure ``counts`` (from its noun), the
    ``place`` the sentence names nearest to it (else ``place``), the ``source`` the text
    attributes it to (else the outlet, ``via``), the sentence as ``quote`` with the
    figure's ``start`` and ``end`` offsets in ``text``, and ``attribution``: how the source
    was found (``"verb"``, ``"according to"``, ``"carried over"`` from the sentence or
    speaker before, ``"none"``). ``as_of`` is the date given, else the day reported.

    Args:
        text: the article or report, as plain text.
        via: the outlet that published it; the source of every figure the text does not
            attribute, and the ``via`` of those it does.
        reported_on: the day it was published.
        place: where the figures are about, where a sentence does not say.
        as_of: the date or period the figures describe; ``reported_on`` when None.
        url: where the text was found.
        lexicon: the words to read (:meth:`Lexicon.default` when None).

    Returns:
        A new DataFrame with the columns of :data:`COLUMNS`, one row per figure in the
        order the text gives them; ``claim_id`` is ``c1``, ``c2`` ...

    Raises:
        ArgumentError: ``text`` is not a string, or ``reported_on`` is not a day.
        ParseError: ``reported_on`` or ``as_of`` is not a date ("yesterday").

    Examples:
        >>> found = extract("At least 300 people were killed, according to the Health Ministry.")
        >>> print(found.loc[0, ["phrase", "low", "counts", "source", "attribution"]].to_string())
        phrase                At least 300
        low                          300.0
        counts                      deaths
        source         the Health Ministry
        attribution           according to
        >>> extract("On 17 October 2016, a 12-year-old waited for three days.").empty
        True

    """
    if not isinstance(text, str):
        raise ArgumentError(
            f"text must be a string (got {type(text).__name__})",
            hint="read the file first, e.g. Path('article.txt').read_text(encoding='utf-8')",
            reason=Reason.BAD_ARGUMENT,
        )
    day, when = _dates(reported_on, as_of)
    lexicon = lexicon if lexicon is not None else Lexicon.default()
    told = sentences(text)
    found = _figures(text, told, lexicon)
    readings = _read(found, lexicon)
    read = [reading for reading in readings if reading is not None and _counts_something(reading.unit)]
    found = [
        figure
        for figure, reading in zip(found, readings, strict=True)
        if reading is not None and _counts_something(reading.unit)
    ]
    _relative(found, read, lexicon)
    who = _attribute(found, told)
    rows = len(found)
    table = pd.DataFrame(
        {
            "claim_id": _texts([f"c{n}" for n in range(1, rows + 1)]),
            "phrase": _texts([figure.phrase for figure in found]),
            "low": np.array([reading.low for reading in read], dtype=float),
            "value": np.array([reading.value for reading in read], dtype=float),
            "high": np.array([reading.high for reading in read], dtype=float),
            "unit": _texts([reading.unit for reading in read]),
            "hedge": _texts([reading.hedge for reading in read]),
            "counts": _texts(
                [
                    figure.counts if figure.counts is not None else reading.counts
                    for figure, reading in zip(found, read, strict=True)
                ]
            ),
            "place": _texts([_place(told[figure.sentence], figure.start) or place for figure in found]),
            "as_of": _texts([when] * rows),
            "source": _texts([speaker if speaker is not None else via for speaker, _ in who]),
            "via": _texts([via if speaker is not None and speaker != via else None for speaker, _ in who]),
            "reported_on": _texts([day] * rows),
            "url": _texts([url] * rows),
            "quote": _texts([told[figure.sentence].text for figure in found]),
            "start": np.array([figure.start for figure in found], dtype=np.int64),
            "end": np.array([figure.end for figure in found], dtype=np.int64),
            "attribution": _texts([how for _, how in who]),
        },
        columns=list(COLUMNS),
    )
    checked = check_built(Extracted, check_built(Claims, table))
    # The check gives text columns pandas' string dtype; the table keeps None as None.
    texts = {column: _objects(checked[column]) for column in _TEXT_COLUMNS}
    return checked.assign(**texts)


def _objects(column: pd.Series) -> pd.Series:
    """A text column as Python objects, None where a cell is missing (pandas would infer text)."""
    values = column.to_numpy(dtype=object, copy=True)
    values[column.isna().to_numpy(dtype=bool)] = None
    return pd.Series(values, index=column.index, dtype=object)


def _dates(reported_on: str | dt.date | None, as_of: str | dt.date | None) -> tuple[str | None, str | None]:
    """The day reported, and the date described (the day reported if not given), as claims spell them."""
    day = None if reported_on is None else period(reported_on, what="reported_on")
    if day is not None and (not isinstance(day, pd.Period) or day.freqstr != "D"):
        raise ArgumentError(
            f"reported_on must be a day (got {str(reported_on)!r})",
            hint="give the day the text was published, e.g. reported_on='2016-10-17'",
            reason=Reason.BAD_ARGUMENT,
        )
    when = None if as_of is None else period(as_of, what="as_of")
    day_text = None if day is None else str(day)
    return day_text, (str(when) if when is not None else day_text)


def _texts(items: list[str | None]) -> pd.Series:
    """A column of text, None kept as None (no conversion per cell)."""
    return pd.Series(items, dtype=object)


def _matches(find: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """The figures ``find`` finds in ``text``; "154,140 and 583,096" without "between" is two.

    A range joined by a word ("and", "to") needs "between" or "from" before it in running
    text: without one, "and" joins two figures of a list ("154,140 and 583,096 people were
    evacuated respectively"), and each is found alone.
    """
    found: list[re.Match[str]] = []
    at = 0
    while (match := find.search(text, at)) is not None:
        joiner = match.group("rsep")
        if joiner is not None and match.group("ropart") is None and joiner.strip().lower() == "and":
            first = find.match(text, match.start(), match.start("rsep"))
            if first is not None:
                found.append(first)
                at = match.end("rsep")
                continue
        found.append(match)
        at = max(match.end(), at + 1)
    return found


def _figures(text: str, told: list[Sentence], lexicon: Lexicon) -> list[_Found]:
    """The figures the grammar finds in ``text``, without the dates, labels and ages."""
    grammar = grammar_for(lexicon)
    starts = [sentence.start for sentence in told]
    matches = _matches(grammar.find, text)
    # Two figures with only spaces between are one the grammar cannot read ("several hundred
    # thousand"): neither is taken, rather than a part read as the whole.
    fractions_of = [
        _FRACTION_OF.match(text, match.end()) if match.group("frac") else None for match in matches
    ]
    joined = {
        at
        for at in range(len(matches) - 1)
        if not text[matches[at].end() : matches[at + 1].start()].strip()
        and "\n" not in text[matches[at].end() : matches[at + 1].start()]
        and fractions_of[at] is None
    }
    joined |= {at + 1 for at in joined}
    found: list[_Found] = []
    taken_to = 0
    unread_to = -1
    for at, match in enumerate(matches):
        start, end = match.span()
        phrase = match.group().strip()
        before = text[max(0, start - 30) : start]
        after = text[end : end + 60]
        labelled = phrase[:1].isdigit() and _LABEL_BEFORE.search(before) is not None
        if start < taken_to or at in joined or labelled or _LABEL_AFTER.match(after):
            continue
        opens_range = _OPENER_BEFORE.search(before) is not None and _RANGE_ON.match(after) is not None
        if opens_range or (unread_to >= 0 and _RANGE_GAP.fullmatch(text, unread_to, start)):
            # One end of a range the grammar cannot read ("between 500,000 to a million"):
            # neither end alone is what the text says.
            unread_to = end
            continue
        if _AGE_BESIDE.search(before) and after.startswith(",") and phrase.isdigit():
            continue  # "Mariam Birba, 32, who arrived"
        if _AGE_HEDGED.match(phrase) and _YOUNG.search(before):
            continue  # "children under 5"
        fraction_of = fractions_of[at]
        if fraction_of is not None:
            share = lexicon.fractions[key(match.group("frac"))]
            hedge = match.group("hpart") or ""
            end = taken_to = fraction_of.end()
            phrase = text[start:end].strip()
            after = text[end : end + 60]
            reading = f"{hedge}{share[0] / share[1]:g} {fraction_of.group(1)}"
        else:
            reading = phrase
        sentence = max(0, bisect.bisect_right(starts, start) - 1)
        relative = _RELATIVE.match(after) is not None
        noun = None if relative else _noun_after(after, lexicon)
        if noun == "":
            continue  # an age, a duration, a distance or a rate
        if _YEAR.match(phrase) and not (noun and noun.lower() in lexicon.nouns):
            continue
        if phrase.lower() in _ONE and not (noun and noun.lower() in lexicon.nouns):
            continue  # "one of the largest", "a figure"
        if " ".join(phrase.lower().split()) in _VAGUE:
            continue
        if len(phrase) <= 2 and phrase.isdigit() and _NAME_NUMBER.search(before):
            continue
        counts = None
        generic = (
            noun is not None and (entry := lexicon.nouns.get(noun.lower())) is not None and not entry.counts
        )
        if (noun is None or generic) and not relative:
            # "the number displaced ... to 5,640 people" counts the displaced
            counts = _noun_before(text[told[sentence].start : start])
        end = start + len(text[start:end].rstrip())
        hedge = match.group("hpart")
        unhedged = reading[len(hedge) :].strip() if hedge and reading.startswith(hedge) else None
        found.append(_Found(start, end, phrase, reading, unhedged, noun, counts, sentence, relative))
    return found


def _noun_after(after: str, lexicon: Lexicon) -> str | None:
    """The noun a figure counts, from the words after it; "" for a one-word age or measure."""
    if after[:1] == "-":
        compound = re.match(r"-([A-Za-z]+)", after)
        if compound is None:
            return None
        first = compound.group(1).lower()
        if first in _NOT_COUNTED:
            return ""  # "7.7-magnitude", "12-year-old"
        if units.unit_named(first) is not None or first in ("old", "strong"):
            return "" if first != "strong" else _noun_after(after[compound.end() :], lexicon)
        return None
    words = _WORD.findall(after)
    head: str | None = None
    taken = 0
    for at, word in enumerate(words):
        lower = word.lower()
        if not word[0].isalpha():
            break
        if taken == 0 and lower in _SKIP:
            continue
        if lower in _NOT_COUNTED or "-old" in lower or (head is not None and lower == "per"):
            return ""
        if lower in lexicon.nouns:
            return _participle(words[at + 1 :], lexicon) or lower
        if _is_unit(lower):
            return "" if not _counts_unit(lower) else lower
        if lower in _NOT_HEADS or lower in lexicon.stops or lower.endswith(("ing", "ed")) or taken == 4:
            break
        head = word
        taken += 1
    return head


@functools.lru_cache(maxsize=4096)
def _is_unit(word: str) -> bool:
    """Whether a word names a unit ("km", "years", "tonnes")."""
    return units.unit_named(word) is not None


@functools.lru_cache(maxsize=4096)
def _counts_unit(word: str) -> bool:
    """Whether a unit word counts something (households, families)."""
    named = units.unit_named(word)
    return named is not None and units.is_count(named)


def _place(sentence: Sentence, start: int) -> str | None:
    """The place the sentence names nearest to a figure that starts at ``start`` in the text."""
    return place_near(sentence.text, start - sentence.start)


def _participle(words: list[str], lexicon: Lexicon) -> str | None:
    """What "people" counts when a participle the lexicon knows follows: "were killed" -> killed."""
    for word in words[:4]:
        lower = word.lower()
        if lower in _AUXILIARY:
            continue
        entry = lexicon.nouns.get(lower)
        return lower if entry is not None and entry.counts is not None else None
    return None


def _noun_before(before: str) -> str | None:
    """What a figure counts from the words before it: "the number of U.S. personnel ... to 5,000"."""
    best = None
    for match in _COUNTED_BEFORE.finditer(before):
        named = match.group(1) or match.group(2)
        best = named.lower() if named else _TOLLS[match.group(3).lower()]
    return best


class _Reading(NamedTuple):
    """A figure read: its range, unit, hedge and what it counts."""

    low: float
    value: float
    high: float
    unit: str
    hedge: str | None
    counts: str | None


def _reading(phrase: str, lexicon: Lexicon) -> _Reading | None:
    """``phrase`` read by :func:`reconcile.parse`; None if it cannot be."""
    try:
        figure = parse(phrase, lexicon=lexicon)
    except ParseError:
        return None
    return _Reading(figure.low, figure.value, figure.high, figure.unit, figure.hedge, figure.counts)


def _read(found: list[_Found], lexicon: Lexicon) -> list[_Reading | None]:
    """Each figure read with its noun ("about 5,000 militants"), or alone where that fails.

    Figure by figure with :func:`reconcile.parse`: an article holds tens of figures, where a
    column reader's fixed cost per call outweighs its speed per phrase.
    """
    readings: list[_Reading | None] = []
    for figure in found:  # the figures of one article
        read = _reading(f"{figure.reading} {figure.noun}", lexicon) if figure.noun else None
        if read is None:
            read = _reading(figure.reading, lexicon)
        if read is None and figure.unhedged:
            # A hedge the grammar does not take before this figure ("only 3,000 to 4,500").
            read = _reading(figure.unhedged, lexicon)
        if (
            read is not None
            and figure.noun
            and read.counts is None
            and figure.noun.lower() not in lexicon.nouns
        ):
            read = read._replace(counts=figure.noun.lower())
        readings.append(read)
    return readings


@functools.lru_cache(maxsize=1024)
def _counts_something(unit: str) -> bool:
    """Whether a unit counts something: people, households, families."""
    return units.is_count(unit)


def _relative(found: list[_Found], readings: list[_Reading], lexicon: Lexicon) -> None:
    """Figures given relative to the one before ("at least 2,000 short of the actual number").

    Each becomes, in place, the claim it makes about the figure before it: its hedge with
    the sum of the two numbers, counting what that figure counts.
    """
    for at, figure in enumerate(found):
        if not figure.relative or at == 0 or found[at - 1].sentence != figure.sentence:
            continue
        base, read = readings[at - 1], readings[at]
        total = f"{base.value + read.value:,.0f}"
        phrase = f"{read.hedge} {total}" if read.hedge else total
        again = _reading(phrase, lexicon) or read
        readings[at] = again._replace(unit=base.unit, counts=base.counts)
        found[at] = figure._replace(phrase=phrase, reading=phrase, unhedged=None, counts=found[at - 1].counts)


def _closes(sentence: str, said: Said) -> bool:
    """Whether a speaker named after a figure gives it: "..., the U.N. said on Monday".

    "According to X" does. A verb of saying does when nothing it says follows it: the
    clause ends ("said on Tuesday.", "said, adding ..."), or the name follows ("said Jan
    Egeland"), or a participle goes on ("has said, warning ..."); not when it says something
    new ("the agency said more than 24,400 workers ...", "officials said that ...") or is
    another verb ("aid agencies expect many to flee"); and not for a name of three
    lower-case words with no article ("suspected cholera cases reported in ...").
    """
    if said.how == ACCORDING_TO:
        return True
    verb = _SAID_AFTER.match(sentence, said.at)
    if verb is None:
        return False
    words = said.speaker.split()
    if len(words) >= 3 and said.speaker.islower() and words[0] not in ("the", "a", "an"):
        return False
    rest = _WHEN_AFTER.sub("", re.split(r"[,;:.!?]", sentence[verb.end() :], maxsplit=1)[0]).strip()
    if not rest or rest.startswith(said.speaker) or rest.split()[0].endswith("ing"):
        return True
    # "... the director told AFP": the one told, a name of a few capitalised words.
    return len(rest.split()) <= 4 and all(
        word[:1].isupper() or word in ("the", "of") for word in rest.split()
    )


def _goes_on(told: list[Sentence], at: int) -> bool:
    """Whether sentence ``at`` goes on with the reported speech of the one before it.

    In the same paragraph, a sentence that names no speaker goes on with the one before (news
    agencies write a source's figures in a run of sentences), unless it opens with someone
    new doing something ("The U.S. military has deployed ..."); across a paragraph, only one
    that opens as reported speech does ("They added", "Another ...", "Of those ...").
    """
    text = told[at].text
    if carries_over(text):
        return True
    # A sentence that opens with its figure ("Twelve people are missing.") goes on, too.
    opens_with_figure = _OPENS_WITH_FIGURE.match(text) is not None
    return told[at - 1].paragraph == told[at].paragraph and (
        opens_with_figure or _NEW_ACTOR.match(text) is None
    )


def _attribute(found: list[_Found], told: list[Sentence]) -> list[tuple[str | None, str]]:
    """Each figure's speaker (None for the outlet's own) and how it was found."""
    named: list[list[Said]] = []
    last: str | None = None
    for sentence in told:
        resolved = []
        for said in speakers(sentence.text):
            if is_pronoun(said.speaker):
                if last is None:
                    continue
                said = said._replace(speaker=last, how=CARRIED_OVER)
            resolved.append(said)
            last = said.speaker
        named.append(resolved)
    who: list[tuple[str | None, str]] = []
    for figure in found:
        here = named[figure.sentence]
        at = figure.start - told[figure.sentence].start
        before = [said for said in here if said.at <= at]
        after = [said for said in here if said.at > at and _closes(told[figure.sentence].text, said)]
        if before or after:
            said = before[-1] if before else after[0]
            who.append((said.speaker, said.how if said.how in (VERB, ACCORDING_TO, CARRIED_OVER) else VERB))
        elif figure.sentence > 0 and named[figure.sentence - 1] and _goes_on(told, figure.sentence):
            who.append((named[figure.sentence - 1][-1].speaker, CARRIED_OVER))
        else:
            who.append((None, NONE))
    return who
