"""Reading one phrase: :func:`parse`, and the reading it builds a figure from.

Examples:
    >>> parse("about 5,000 militants").range_text()
    '4,500–5,500'

"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from reconcile._periods import AsOf
from reconcile.errors import ArgumentError, Reason
from reconcile.figure import Figure, Source
from reconcile.phrases.entries import CLOSENESS
from reconcile.phrases.grammar import NO_SUFFIX, Grammar, grammar_for
from reconcile.phrases.lexicon import Lexicon
from reconcile.phrases.numbers import (
    around,
    decimal,
    last_digit,
    numeral,
    points_ends,
    read_digits,
    spelled_percent,
    thousands,
)
from reconcile.phrases.problems import CODES, diagnosis, error
from reconcile.phrases.text import MAX_LENGTH, SPACE_CHARS, key
from reconcile.phrases.words import combine
from reconcile.units import canonical_unit


class _Reading(NamedTuple):
    """A phrase read: the rule that builds its figure, and its unit and counts."""

    rule: str  # exact, around, below, above, floor, ceiling, range or quantity
    value: float
    low: float  # for a range or a quantity word
    high: float  # for a range or a quantity word
    hedge: str | None
    shares: tuple[float, float]  # for closeness: (min_share, max_share)
    rounding: float  # for closeness: the unit the number was printed to; NaN for its last digit
    caps: tuple[float, float]  # for closeness: the farthest ends a percentage's points allow
    share: bool  # a share of a whole, in [0, 1]
    unit: str
    counts: str | None


def _read(grammar: Grammar, text: str, given: str | None) -> _Reading:
    """Read one phrase, or raise its first problem in the order of :data:`PROBLEMS`."""
    if not text.strip(SPACE_CHARS):
        raise error("empty", text, 0)
    if len(text) > MAX_LENGTH:
        raise error("long", text, MAX_LENGTH, length=str(len(text)), limit=str(MAX_LENGTH))
    found = grammar.full.match(text)
    if found is None:
        raise diagnosis(grammar, text)
    g = found.groupdict()
    suffixes = grammar.suffixes
    problems: list[tuple[str, int, dict[str, str]]] = []
    body = found.end("lead") + len(g["hpart"] or "")
    value = low = high = math.nan
    rounds = share = plain_numeral = False
    percent: tuple[int, int] | None = None  # a percentage's (digits, decimal places) as written

    kind = "number"
    if g["n1"] is not None:
        suffix1 = suffixes[key(g["suf1"])] if g["suf1"] else NO_SUFFIX
        suffix2 = suffixes[key(g["suf2"])] if g["suf2"] else NO_SUFFIX
        share = suffix1.percent or suffix2.percent
        first = numeral(g["n1"], suffix1, percent=share)
        ends = [(first, found.start("n1"), g["n1"] + (g["suf1"] or ""))]
        value, rounds = first.value, suffix1.rounds
        plain_numeral = g["suf1"] is None and g["d1"] is None
        if suffix1.percent:
            _, mantissa, exponent = read_digits(g["n1"])
            percent = spelled_percent(mantissa, exponent)
        if g["rsep"] is not None:
            kind = "range"
            second = numeral(g["n2"], suffix2, percent=share)
            if g["suf1"] is None and g["suf2"] is not None and not suffix2.percent:
                # "1.8 to 2.3 million": the second end's magnitude applies to the first too,
                # unless that puts the first above the second ("300 to 2 million").
                shared = numeral(g["n1"], suffix2, percent=share)
                if shared.problem is None and second.problem is None and shared.value <= second.value:
                    ends[0] = (shared, ends[0][1], ends[0][2])
            ends.append((second, found.start("n2"), g["n2"] + (g["suf2"] or "")))
            low, high = ends[0][0].value, second.value
            separator = g["rsep"].strip(SPACE_CHARS)
            opener = key(g["ropart"]) if g["ropart"] else ""
            if f"{opener}|{key(separator)}" not in grammar.pairs:
                at = found.start("rsep") + len(g["rsep"]) - len(g["rsep"].lstrip(SPACE_CHARS))
                problems.append(("separator", at, {"separator": separator}))
            if low > high:
                problems.append(("reversed", found.start("n2"), {"first": ends[0][2], "second": ends[1][2]}))
        problems += [(end.problem, at, {"number": written}) for end, at, written in ends if end.problem]
    elif g["frac"] is not None:
        kind = "fraction"
        value, share = grammar.fraction_value[key(g["frac"])], True
    elif g["words"] is not None:
        spelled = combine(grammar.words, g["words"])
        suffix = suffixes[key(g["wsuf"])] if g["wsuf"] else NO_SUFFIX  # a percent sign or word
        if spelled.problem:
            problems.append(("number_words", body + spelled.at, {"words": g["words"], "why": spelled.why}))
        else:
            shift = 2 if suffix.percent else 0
            number = decimal(spelled.mantissa, spelled.exponent - shift, percent=suffix.percent)
            value, rounds, share = number.value, spelled.rounds, suffix.percent
            if suffix.percent:
                percent = spelled_percent(spelled.mantissa, spelled.exponent)
            if number.problem:
                problems.append((number.problem, body, {"number": g["words"] + (g["wsuf"] or "")}))
    else:
        kind = "quantity"
        low, value, high = grammar.quantities[key(g["quantity"])]

    hedge_part = g["hpart"] or g["rhedge"] or g["post"]  # before the number, after an opener, or after
    hedge_word = key(hedge_part) if hedge_part else None
    hedge = grammar.hedges[hedge_word] if hedge_word else None
    if hedge_word and hedge and kind == "range" and hedge.rule != "around":
        problems.append(("hedge_range", found.end("lead"), {"hedge": hedge_word}))
    if hedge_word and kind == "quantity":
        quantity = key(g["quantity"])
        problems.append(("hedge_quantity", found.end("lead"), {"hedge": hedge_word, "quantity": quantity}))
    noun = key(g["noun"]) if g["noun"] else None
    noun_at = len(text) - len(g["trail"]) - len(g["noun"] or g["other"] or "")
    sign = g["cur1"] or g["cur2"]
    currency = grammar.currency_units[key(sign)] if sign else None
    noun_unit = grammar.noun_units[noun] if noun else None
    noun_counts = grammar.noun_counts[noun] if noun else None
    if g["other"]:  # words the lexicon does not know: a unit, or what the figure counts
        noun = key(g["other"])
        noun_unit, other_counts = grammar.other_noun(g["other"])
        noun_counts = None if noun_unit else other_counts
    if share and noun:
        problems.append(("noun_share", noun_at, {"noun": noun}))
    if noun and noun_unit and currency and noun_unit != currency:
        fields = {"noun": noun, "noun_unit": noun_unit, "currency_unit": currency}
        problems.append(("currency_noun", noun_at, fields))
    text_unit = noun_unit or currency or ("dimensionless" if share else None)
    if given is not None and text_unit is not None and text_unit != given:
        problems.append(("unit", noun_at if noun else body, {"text_unit": text_unit, "given": repr(given)}))
    if problems:
        code, position, fields = min(problems, key=lambda problem: (CODES.index(problem[0]), problem[1]))
        raise error(code, text, position, **fields)

    rule, shares, said = "exact", (0.0, 0.0), hedge_word
    rounding, caps = math.nan, (-math.inf, math.inf)
    if kind in ("range", "quantity"):
        rule = kind
        said = key(g["quantity"]) if kind == "quantity" else hedge_word
    elif hedge is not None:
        rule, shares = hedge.rule, (hedge.min_share, hedge.max_share)
        if percent is not None and hedge.points and rule in CLOSENESS:
            caps = points_ends(*percent, hedge.points)
    elif kind == "fraction":
        rule, shares = "around", grammar.fraction_shares
    elif rounds:
        rule, shares = "around", grammar.magnitude_shares
    elif percent is not None and grammar.percent_rounds:
        rule, shares, rounding = "around", grammar.magnitude_shares, last_digit(percent[1])
    elif plain_numeral and grammar.zeros_round and thousands(value) > 1:
        rule, shares, rounding = "around", grammar.magnitude_shares, thousands(value)
    counts = noun_counts
    unit = text_unit or given or "person"
    return _Reading(rule, value, low, high, said, shares, rounding, caps, share, unit, counts)


def check_source(source: object) -> None:
    """Refuse a source that is neither a :class:`Source`, a name nor None.

    Examples:
        >>> check_source("U.S. officials")
        >>> check_source(5)
        Traceback (most recent call last):
        ...
        reconcile.errors.ArgumentError: source must be a Source or a name (got int): ...

    """
    if source is not None and not isinstance(source, (Source, str)):
        raise ArgumentError(
            f"source must be a Source or a name (got {type(source).__name__})",
            hint="pass source='U.S. officials' or source=Source(name=..., via=...)",
            reason=Reason.BAD_SOURCE,
        )


def _quoted(source: Source | str | None, via: str | None, text: str) -> Source:
    """The figure's source with the phrase as its quote (and ``via`` when given)."""
    check_source(source)
    base = Source(name=source) if isinstance(source, str) else source or Source()
    return base.replace(quote=text) if via is None else base.replace(quote=text, via=via)


def given_unit(unit: str | None) -> str | None:
    """The ``unit=`` a caller passed, in its canonical spelling (None stays None).

    Examples:
        >>> given_unit("people"), given_unit(None)
        ('person', None)

    """
    return None if unit is None else canonical_unit(unit)


def parse(
    text: str,
    *,
    counts: str | None = None,
    unit: str | None = None,
    source: Source | str | None = None,
    place: str | None = None,
    as_of: AsOf = None,
    via: str | None = None,
    lexicon: Lexicon | None = None,
) -> Figure:
    """Read one figure phrase ("about 5,000 militants") into a :class:`Figure`.

    The figure's range is what the phrase's words allow (the rules are in
    ``docs/phrases.md``); its ``hedge`` is the word that set the range, and its
    ``source.quote`` the phrase. A noun after the number sets the unit and what is counted
    ("7,619 families" is in ``family``; "5,000 militants" counts ``militants``); a currency
    sign sets the currency ("$1.2 million" is in USD); a share ("half", "40%") is
    dimensionless and lies in [0, 1].

    Args:
        text: the phrase, at most :data:`MAX_LENGTH` characters.
        counts: what the figure counts; overrides what the phrase's noun says.
        unit: the figure's unit when the phrase does not say (``"person"`` by default); a
            phrase whose noun, currency sign or share says another unit is refused.
        source: who gave the figure: a name, or a :class:`Source` whose fields are kept.
        place: where the figure is about.
        as_of: the date or period it describes.
        via: through whom the source spoke (sets ``source.via``).
        lexicon: the words to read; :meth:`Lexicon.default` when None.

    Returns:
        The figure, with ``source.quote`` set to the phrase.

    Raises:
        ParseError: the text is not a figure phrase; ``.text`` is the phrase, ``.position``
            the character where reading failed, and the message ends with a hint.
        UnitError: ``unit`` is not a known unit.
        ArgumentError: ``text`` is not a string, or another argument is of the wrong type.

    Examples:
        >>> cnn = dict(place="Mosul", as_of="2016-10-17", via="CNN")
        >>> print(parse("at least 7,000", counts="militants", source="Islamic State backers", **cnn))
        at least 7,000 militants (7,000–∞), Islamic State backers via CNN, 2016-10-17
        >>> parse("approximately 3,600", counts="troops/coalition").range_text()
        '3,420–3,780'
        >>> parse("7,619 families").unit, parse("$1.2 million").unit, parse("40%").value
        ('family', 'USD', 0.4)
        >>> parse("5,000 to 3,000")
        Traceback (most recent call last):
        ...
        reconcile.errors.ParseError: the range runs backwards: '5,000' is above '3,000' ...

    """
    if not isinstance(text, str):
        raise ArgumentError(
            f"text must be a string (got {type(text).__name__})",
            hint="pass the phrase as text, e.g. parse('about 5,000'); build numbers with Figure.exact",
            reason=Reason.NOT_TEXT,
        )
    grammar = grammar_for(lexicon)
    reading = _read(grammar, text, given_unit(unit))
    fields: dict[str, Any] = {
        "unit": reading.unit,
        "counts": counts if counts is not None else reading.counts,
        "place": place,
        "as_of": as_of,
        "source": _quoted(source, via, text),
    }
    return _figure(reading, fields)


def _figure(reading: _Reading, fields: dict[str, Any]) -> Figure:
    """Build the figure a reading stands for with the library's own constructors."""
    rule, value = reading.rule, reading.value
    if rule == "exact":
        return Figure.exact(value, hedge=reading.hedge, **fields)
    if rule == "range":
        return Figure.between(reading.low, reading.high, hedge=reading.hedge, **fields)
    if rule == "quantity":
        return Figure(value=value, low=reading.low, high=reading.high, hedge=reading.hedge, **fields)
    if rule == "floor":
        if reading.share:
            return Figure.between(value, 1.0, value=value, hedge=reading.hedge, **fields)
        return Figure.at_least(value, hedge=reading.hedge, **fields)
    if rule == "ceiling":
        # Amounts in phrases are never negative, whatever the unit, so an open low end is 0.
        return Figure.between(0.0, value, value=value, hedge=reading.hedge, **fields)
    min_share, max_share = reading.shares
    if math.isnan(reading.rounding):
        figure = Figure.about(value, hedge=reading.hedge, min_share=min_share, max_share=max_share, **fields)
    else:
        # Printed to a unit that is not its last significant digit: "370,000", "40%".
        low, high = around(value, reading.rounding, min_share, max_share)
        figure = Figure.between(low, high, value=value, hedge=reading.hedge, **fields)
    low, high = max(figure.low, reading.caps[0]), min(figure.high, reading.caps[1])
    if rule == "below":
        high = value
    elif rule == "above":
        low = value
    if reading.share:
        high = min(high, 1.0)
    return figure if (low, high) == (figure.low, figure.high) else figure.replace(low=low, high=high)
