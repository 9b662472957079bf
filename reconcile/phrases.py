"""Figure phrases to ranges: "about 5,000 militants" becomes a :class:`~reconcile.Figure`.

Reports give phrases, not numbers: "about 5,000", "at least 7,000", "3,000 to 5,000",
"tens of thousands", "half", "$1.2 million". :func:`parse` reads one phrase into a figure
whose range is what the words allow; :func:`parse_many` reads a column of phrases at once
into a table, by the same rules and with the same results. The words, and the range each
sets, live in data (``lexicon.toml``) loaded into a :class:`Lexicon` that callers can extend
or replace. Only English phrases are read.

The rules, each documented with an example in ``docs/phrases.md``:

- a plain number ("9,606", "600", "40%") is exact;
- a number with a magnitude word that rounds ("1 million", "2.9m", "five thousand") allows
  its rounding, at most 10% of it; a fraction word alone ("half") is ±10% of itself;
- a closeness hedge ("about", "nearly", "just over") sets a range from the number's
  rounding (:meth:`Figure.about`), on both sides or on one;
- a bound ("at least", "up to") leaves the other end open: ∞ above (1 for a share), 0 below;
- a range ("3,000 to 5,000") is read as stated, its value the midpoint;
- a quantity word ("dozens", "tens of thousands") reads from a table.

Examples:
    >>> militants = parse("about 5,000 militants", source="U.S. officials", via="CNN")
    >>> militants.low, militants.value, militants.high, militants.counts
    (4500.0, 5000.0, 5500.0, 'militants')
    >>> militants.source.quote
    'about 5,000 militants'
    >>> parse("more than half").range_text()
    '0.5–1'
    >>> parse("many")
    Traceback (most recent call last):
    ...
    reconcile.errors.ParseError: 'many' does not start a figure phrase (in 'many'): ...

"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
import string
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from reconcile import _interval
from reconcile.errors import ArgumentError, ParseError, ReconcileError
from reconcile.figure import ABOUT_MAX_SHARE, ABOUT_MIN_SHARE, AsOf, Figure, Source, _period
from reconcile.units import canonical_unit

__all__ = [
    "MAX_DIGITS",
    "MAX_LENGTH",
    "Hedge",
    "HedgeRule",
    "Lexicon",
    "Magnitude",
    "Noun",
    "QuantityWord",
    "parse",
    "parse_many",
]

#: Phrases longer than this many characters are refused: a figure phrase is short, and the
#: bound keeps reading time small and linear whatever the input.
MAX_LENGTH = 200
#: A numeral may have at most this many significant digits and decimal places: a float holds
#: such a number exactly, and its shortest form (hence its rounding) is the one written.
MAX_DIGITS = 15
#: Figures from ``10**_LARGE`` up are refused as too large to be reported figures.
_LARGE = 15

HedgeRule = Literal["around", "below", "above", "floor", "ceiling"]
_RULES: tuple[str, ...] = ("around", "below", "above", "floor", "ceiling")
_CLOSENESS = frozenset({"around", "below", "above"})

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
Bools = npt.NDArray[np.bool_]
Column = pd.Series  # a column of text, numbers or missing values

# -- text --------------------------------------------------------------------------------

# Whitespace between words: ASCII whitespace and the Unicode space separators (no-break,
# thin and narrow spaces turn up in copied text). Spelled out because the patterns are
# compiled with re.ASCII, which keeps digits and letters to ASCII.
_SPACE_CHARS = "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_SPACE_CLASS = r"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_W = f"[{_SPACE_CLASS}]"
_GUARD = r"(?![a-z0-9])"
_FLAGS = re.IGNORECASE | re.ASCII
_SPACE_RUN = re.compile(f"{_W}+")
_SPACE_OR_HYPHEN_RUN = re.compile(rf"[{_SPACE_CLASS}\-]+")
_NO_SEPARATORS = str.maketrans("", "", ",.")  # digits without thousands separators and point
_FIRST_WORD = re.compile(rf"\A([^{_SPACE_CLASS}]{{1,20}})")
_SHOWN = 60


def _key(text: str) -> str:
    """A lexicon key as written in a phrase: lower case, single spaces."""
    return _SPACE_RUN.sub(" ", text.lower()).strip(" ")


def _number_key(text: str) -> str:
    """A number word as a key: "Twenty-five" and "twenty five" are both "twenty five"."""
    return _SPACE_OR_HYPHEN_RUN.sub(" ", text.lower()).strip(" ")


def _shown(text: str) -> str:
    return text if len(text) <= _SHOWN else text[:_SHOWN] + "…"


# -- the lexicon -------------------------------------------------------------------------


def _hundredths(name: str, share: object) -> float:
    """A share of a number, in [0, 1] and in whole hundredths (read as the decimal written)."""
    if isinstance(share, bool) or not isinstance(share, (int, float)):
        raise ArgumentError(f"{name} must be a number (got {share!r})", hint="write e.g. 0.05 for 5%")
    exact = Fraction(repr(float(share)))
    if not 0 <= exact <= 1 or (exact * 100).denominator != 1:
        raise ArgumentError(
            f"{name} must lie in [0, 1] in whole hundredths (got {share!r})",
            hint="write shares such as 0.05 or 0.10",
        )
    return float(share)


def _word(kind: str, word: object) -> str:
    if not isinstance(word, str) or not _key(word):
        raise ArgumentError(
            f"a {kind} must be a non-empty string (got {word!r})", hint="write the word as text"
        )
    return _key(word)


@dataclass(frozen=True, slots=True, kw_only=True)
class Hedge:
    """How one hedge word sets a figure's range.

    Attributes:
        rule: ``"around"``, ``"below"`` or ``"above"`` (closeness: the range follows the
            number's rounding, as :meth:`Figure.about`, on both sides, below or above it);
            ``"floor"`` (the number is the low end, the high end is open) or ``"ceiling"``
            (the number is the high end, the low end is 0).
        min_share: for closeness, the least half-width, as a share of the number.
        max_share: for closeness, the greatest half-width, as a share of the number.
        example: a phrase with the hedge, shown in the docs.

    Examples:
        >>> Lexicon.default().hedges["nearly"]
        Hedge(rule='below', min_share=0.05, max_share=0.1, example='nearly 1 million')

    """

    rule: HedgeRule
    min_share: float = 0.0
    max_share: float = 0.0
    example: str | None = None

    def __post_init__(self) -> None:
        if self.rule not in _RULES:
            raise ArgumentError(
                f"unknown hedge rule {self.rule!r}", hint=f"use one of {', '.join(map(repr, _RULES))}"
            )
        low, high = _hundredths("min_share", self.min_share), _hundredths("max_share", self.max_share)
        if self.rule in _CLOSENESS and low > high:
            raise ArgumentError(
                f"need min_share <= max_share (got {low}, {high})", hint="e.g. min_share=0.05, max_share=0.10"
            )
        if self.rule not in _CLOSENESS and (low or high):
            raise ArgumentError(
                f"a {self.rule} hedge has no shares (got min_share={low}, max_share={high})",
                hint="the number itself is the end of the range; leave the shares out",
            )
        if self.example is not None and not isinstance(self.example, str):
            raise ArgumentError(f"example must be a phrase (got {self.example!r})", hint="e.g. 'about 5,000'")
        object.__setattr__(self, "min_share", low)
        object.__setattr__(self, "max_share", high)


@dataclass(frozen=True, slots=True, kw_only=True)
class Magnitude:
    """A word that multiplies the number before it: "thousand", "million", "dozen".

    Attributes:
        factor: what it multiplies by: at most three significant digits times a power of
            ten (12, 1,000, 10**6).
        rounds: whether a number with this word allows its rounding ("1 million" is
            0.9–1.1 million) or stays exact ("a dozen" is 12).
        plural: the plural read after "of", as in "tens of thousands".

    Examples:
        >>> Lexicon.default().magnitudes["million"]
        Magnitude(factor=1000000, rounds=True, plural='millions')

    """

    factor: int
    rounds: bool
    plural: str | None = None

    def __post_init__(self) -> None:
        factor = self.factor
        if isinstance(factor, bool) or not isinstance(factor, int) or factor < 1:
            raise ArgumentError(f"factor must be a whole number >= 1 (got {factor!r})", hint="e.g. 1000")
        while factor % 10 == 0:
            factor //= 10
        if factor >= 1000:
            raise ArgumentError(
                f"factor must have at most three significant digits (got {self.factor})",
                hint="write it as a small number times a power of ten, e.g. 12 or 1000000",
            )
        if self.plural is not None:
            object.__setattr__(self, "plural", _word("plural", self.plural))


@dataclass(frozen=True, slots=True, kw_only=True)
class QuantityWord:
    """A word for a quantity without a number ("dozens", "several") and the range it reads as.

    Attributes:
        low: the lowest value the word allows.
        value: a representative value.
        high: the highest value the word allows.
        takes: ``"of"`` if the word may be followed by "of" and a plural magnitude, which
            multiplies it ("tens of thousands"); ``"scale"`` if by a magnitude
            ("several thousand").

    Examples:
        >>> Lexicon.conservative().quantities["dozens"]
        QuantityWord(low=12.0, value=12.0, high=100.0, takes='of')

    """

    low: float
    value: float
    high: float
    takes: Literal["of", "scale"] = "of"

    def __post_init__(self) -> None:
        ends = (self.low, self.value, self.high)
        if not all(isinstance(end, (int, float)) and not isinstance(end, bool) for end in ends) or not (
            0 <= self.low <= self.value <= self.high < math.inf
        ):
            raise ArgumentError(
                f"need finite 0 <= low <= value <= high (got {ends})", hint="e.g. low=20, value=40, high=100"
            )
        if self.takes not in ("of", "scale"):
            raise ArgumentError(f"takes must be 'of' or 'scale' (got {self.takes!r})", hint="e.g. takes='of'")
        for name, end in zip(("low", "value", "high"), ends, strict=True):
            object.__setattr__(self, name, float(end))


@dataclass(frozen=True, slots=True, kw_only=True)
class Noun:
    """What a noun after the number says: the unit, and what is counted.

    Examples:
        >>> Lexicon.default().nouns["militants"]
        Noun(unit='person', counts='militants')

    """

    unit: str
    counts: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", canonical_unit(self.unit))
        if self.counts is not None and (not isinstance(self.counts, str) or not self.counts.strip()):
            raise ArgumentError(
                f"counts must be a name or None (got {self.counts!r})", hint="e.g. 'militants'"
            )


@dataclass(frozen=True, slots=True, kw_only=True)
class Lexicon:
    """The words read in figure phrases and the range each sets: the data behind :func:`parse`.

    Load the shipped lexicon with :meth:`default`, or :meth:`conservative` (quantity words
    read as ACLED codes them), a file of your own with :meth:`load`, and extend one with
    :meth:`with_hedge`, :meth:`with_noun` and :meth:`with_quantity`, which return a new
    lexicon. Keys are lower case with single spaces; a space matches any run of whitespace.

    Attributes:
        hedges: hedge word -> :class:`Hedge`.
        quantities: quantity word ("dozens", "several") -> :class:`QuantityWord`.
        nouns: noun -> :class:`Noun` (unit and what is counted).
        fractions: fraction word ("half", "two-thirds") -> (numerator, denominator).
        magnitudes: magnitude word -> :class:`Magnitude`.
        abbreviations: suffix written on the digits ("k", "m", "bn") -> magnitude word.
        number_words: "zero" .. "ninety" -> value.
        articles: words that count as one before a magnitude ("a million").
        percent: words that make a number a percentage ("%", "percent").
        currencies: sign before a number ("$") -> unit.
        separators: words that join two numbers into a range ("to", "-").
        openers: words that open a range ("between") -> the separators they allow.
        connectives: the grammar's small words, under the keys ``hundred``, ``and``, ``of``.
        magnitude_shares: (min_share, max_share) for a number with a rounding magnitude.
        fraction_shares: (min_share, max_share) for a fraction word alone.

    Examples:
        >>> lexicon = Lexicon.default().with_hedge("circa", "around")
        >>> parse("circa 5,000", lexicon=lexicon).range_text()
        '4,500–5,500'
        >>> parse("several thousand", lexicon=Lexicon.conservative()).value
        3000.0

    """

    hedges: Mapping[str, Hedge]
    quantities: Mapping[str, QuantityWord]
    nouns: Mapping[str, Noun]
    fractions: Mapping[str, tuple[int, int]]
    magnitudes: Mapping[str, Magnitude]
    abbreviations: Mapping[str, str]
    number_words: Mapping[str, int]
    articles: tuple[str, ...]
    percent: tuple[str, ...]
    currencies: Mapping[str, str]
    separators: tuple[str, ...]
    openers: Mapping[str, tuple[str, ...]]
    connectives: Mapping[str, str]
    magnitude_shares: tuple[float, float]
    fraction_shares: tuple[float, float]
    _grammar: _Grammar = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "hedges", _table("hedge", self.hedges, Hedge))
        set_(self, "quantities", _table("quantity word", self.quantities, QuantityWord))
        set_(self, "nouns", _table("noun", self.nouns, Noun))
        set_(self, "magnitudes", _table("magnitude", self.magnitudes, Magnitude))
        set_(self, "fractions", _table("fraction", self.fractions, tuple))
        set_(self, "abbreviations", _table("abbreviation", self.abbreviations, str))
        set_(self, "number_words", _table("number word", self.number_words, int))
        set_(self, "currencies", _table("currency sign", self.currencies, str))
        set_(self, "connectives", _table("connective", self.connectives, str))
        openers = {
            word: tuple(_word("separator", sep) for sep in seps) for word, seps in self.openers.items()
        }
        set_(self, "openers", _table("range opener", openers, tuple))
        for name in ("articles", "percent", "separators"):
            set_(self, name, tuple(_word(name, word) for word in getattr(self, name)))
        for name in ("magnitude_shares", "fraction_shares"):
            low, high = getattr(self, name)
            if _hundredths(name, low) > _hundredths(name, high):
                raise ArgumentError(
                    f"{name} must be (min_share, max_share) with min <= max", hint="e.g. (0.0, 0.10)"
                )
            set_(self, name, (float(low), float(high)))
        set_(self, "_grammar", _Grammar(self))

    # -- constructors ---------------------------------------------------------------------

    @classmethod
    def default(cls) -> Lexicon:
        """The shipped lexicon, with quantity words read as the range they allow.

        Examples:
            >>> Lexicon.default().quantities["hundreds"]
            QuantityWord(low=200.0, value=400.0, high=1000.0, takes='of')

        """
        return _shipped("default")

    @classmethod
    def conservative(cls) -> Lexicon:
        """The shipped lexicon with quantity words read at their lowest, as ACLED codes them.

        "tens" is 10, "dozens" 12, "hundreds" 100 (the value and the low end); the high ends
        stay those of :meth:`default`, so the ranges still hold what the words allow.

        Examples:
            >>> parse("tens of thousands", lexicon=Lexicon.conservative()).range_text()
            '10,000–100,000'

        """
        return _shipped("conservative")

    @classmethod
    def load(cls, path: str | Path, *, reading: Literal["default", "conservative"] = "default") -> Lexicon:
        """A lexicon from a TOML file laid out as the shipped ``reconcile/lexicon.toml``.

        Raises:
            ArgumentError: the file cannot be opened, is not valid TOML, or misses a table or
                an entry.

        Examples:
            >>> from importlib import resources
            >>> shipped = resources.files("reconcile") / "lexicon.toml"
            >>> Lexicon.load(str(shipped)) == Lexicon.default()
            True

        """
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ArgumentError(
                f"cannot open the lexicon {str(path)!r} ({exc})",
                hint="pass the path of a UTF-8 TOML file laid out as reconcile/lexicon.toml",
            ) from exc
        return _from_toml(text, reading)

    # -- extension ------------------------------------------------------------------------

    def with_hedge(
        self,
        word: str,
        rule: HedgeRule,
        *,
        min_share: float | None = None,
        max_share: float | None = None,
        example: str | None = None,
    ) -> Lexicon:
        """A copy that reads ``word`` as a hedge with ``rule``, replacing any hedge of that name.

        Closeness rules take ``min_share`` and ``max_share`` (by default those of "about",
        0.05 and 0.10); ``"floor"`` and ``"ceiling"`` take none.

        Examples:
            >>> lexicon = Lexicon.default().with_hedge("well over", "floor")
            >>> parse("well over 1,000", lexicon=lexicon).range_text()
            '1,000–∞'

        """
        closeness = rule in _CLOSENESS
        hedge = Hedge(
            rule=rule,
            min_share=(ABOUT_MIN_SHARE if closeness else 0.0) if min_share is None else min_share,
            max_share=(ABOUT_MAX_SHARE if closeness else 0.0) if max_share is None else max_share,
            example=example,
        )
        return dataclasses.replace(self, hedges={**self.hedges, _word("hedge", word): hedge})

    def with_noun(self, word: str, *, unit: str, counts: str | None = None) -> Lexicon:
        """A copy that reads ``word`` after a number as a noun with ``unit`` and ``counts``.

        Examples:
            >>> lexicon = Lexicon.default().with_noun("IDPs", unit="person", counts="idps")
            >>> parse("7,619 IDPs", lexicon=lexicon).counts
            'idps'

        """
        return dataclasses.replace(
            self, nouns={**self.nouns, _word("noun", word): Noun(unit=unit, counts=counts)}
        )

    def with_quantity(
        self, word: str, *, low: float, value: float, high: float, takes: Literal["of", "scale"] = "of"
    ) -> Lexicon:
        """A copy that reads ``word`` as a quantity word with the range ``low``–``high``.

        Examples:
            >>> lexicon = Lexicon.default().with_quantity("scores", low=40, value=60, high=100)
            >>> parse("scores of people", lexicon=lexicon).range_text()
            '40–100'

        """
        entry = QuantityWord(low=low, value=value, high=high, takes=takes)
        return dataclasses.replace(self, quantities={**self.quantities, _word("quantity word", word): entry})

    def __repr__(self) -> str:
        sizes = ", ".join(
            f"{len(getattr(self, name))} {name}" for name in ("hedges", "quantities", "fractions", "nouns")
        )
        return f"Lexicon({sizes})"


def _table(kind: str, entries: object, of: type) -> Mapping[str, Any]:
    if not isinstance(entries, Mapping):
        raise ArgumentError(
            f"the {kind} table must be a mapping (got {type(entries).__name__})", hint="see lexicon.toml"
        )
    table: dict[str, Any] = {}
    for word, entry in entries.items():
        if not isinstance(entry, of):
            raise ArgumentError(
                f"the {kind} {word!r} must map to a {of.__name__} (got {entry!r})", hint="see lexicon.toml"
            )
        table[_word(kind, word)] = entry
    return MappingProxyType(table)


def _from_toml(text: str, reading: str) -> Lexicon:
    try:
        data = tomllib.loads(text)
        numbers, plain, ranges = data["numbers"], data["plain"], data["ranges"]
        return Lexicon(
            hedges={word: Hedge(**entry) for word, entry in data["hedges"].items()},
            quantities={
                word: QuantityWord(
                    **dict(zip(("low", "value", "high"), entry[reading], strict=True)), takes=entry["takes"]
                )
                for word, entry in data["quantities"].items()
            },
            nouns={word: Noun(**entry) for word, entry in data["nouns"].items()},
            fractions={word: (int(pair[0]), int(pair[1])) for word, pair in data["fractions"].items()},
            magnitudes={word: Magnitude(**entry) for word, entry in data["magnitudes"].items()},
            abbreviations=data["abbreviations"],
            number_words=numbers["words"],
            articles=tuple(numbers["articles"]),
            percent=tuple(data["percent"]["words"]),
            currencies=data["currencies"],
            separators=tuple(ranges["separators"]),
            openers={word: tuple(seps) for word, seps in ranges["openers"].items()},
            connectives={"hundred": numbers["hundred"], "and": numbers["and"], "of": data["grammar"]["of"]},
            magnitude_shares=(plain["magnitude_min_share"], plain["magnitude_max_share"]),
            fraction_shares=(plain["fraction_min_share"], plain["fraction_max_share"]),
        )
    except ReconcileError:
        raise  # already says which entry is wrong
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ArgumentError(
            f"cannot read the lexicon ({type(exc).__name__}: {exc})",
            hint=f"lay the file out as reconcile/lexicon.toml, with a {reading!r} reading of each quantity",
        ) from exc


@functools.cache
def _shipped(reading: str) -> Lexicon:
    text = resources.files("reconcile").joinpath("lexicon.toml").read_text(encoding="utf-8")
    return _from_toml(text, reading)


# -- the grammar ---------------------------------------------------------------------------


class _Suffix(NamedTuple):
    """What may follow a number: a magnitude (``mult * 10**exp``) or a percent sign."""

    mult: int
    exp: int
    rounds: bool
    percent: bool


_NO_SUFFIX = _Suffix(1, 0, False, False)


def _alternation(keys: Iterable[str]) -> str:
    """Lexicon keys as one regex alternation, longest first; a space matches a run of spaces."""
    ordered = sorted(set(keys), key=lambda key: (-len(key), key))
    return "|".join(f"{_W}+".join(re.escape(part) for part in key.split(" ")) for key in ordered) or "(?!)"


class _Grammar:
    """A lexicon compiled: the phrase patterns and the lookups both readers share."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        magnitudes: dict[str, _Suffix] = {}
        for word, magnitude in lexicon.magnitudes.items():
            mult, exp = magnitude.factor, 0
            while mult % 10 == 0:
                mult, exp = mult // 10, exp + 1
            magnitudes[word] = _Suffix(mult, exp, magnitude.rounds, False)
        suffixes = dict(magnitudes)
        for abbreviation, word in lexicon.abbreviations.items():
            if word not in magnitudes:
                raise ArgumentError(
                    f"the abbreviation {abbreviation!r} names {word!r}, which is not a magnitude",
                    hint="map abbreviations to words of the magnitudes table",
                )
            suffixes[abbreviation] = magnitudes[word]
        for word in lexicon.percent:
            suffixes[word] = _Suffix(1, 0, False, True)
        self.suffixes: dict[str, _Suffix] = suffixes
        # Row 0 stands for "no suffix" in the column reader.
        self.suffix_index = {word: row for row, word in enumerate(suffixes, start=1)}
        rows = [_NO_SUFFIX, *suffixes.values()]
        self.suffix_mult = np.array([row.mult for row in rows], np.int64)
        self.suffix_exp = np.array([row.exp for row in rows], np.int64)
        self.suffix_rounds = np.array([row.rounds for row in rows], np.bool_)
        self.suffix_percent = np.array([row.percent for row in rows], np.bool_)

        hedges = list(lexicon.hedges.values())
        self.hedge_index = {word: row for row, word in enumerate(lexicon.hedges, start=1)}
        self.hedge_rule = np.array([-1, *(_RULES.index(hedge.rule) for hedge in hedges)], np.int64)
        self.hedge_min = np.array([0, *(round(hedge.min_share * 100) for hedge in hedges)], np.int64)
        self.hedge_max = np.array([0, *(round(hedge.max_share * 100) for hedge in hedges)], np.int64)

        small = {word: value for word, value in lexicon.number_words.items() if 0 <= value < 20}
        tens = {word: value for word, value in lexicon.number_words.items() if value in range(20, 100, 10)}
        ones = {word: value for word, value in small.items() if 1 <= value <= 9}
        numbers: dict[str, int] = {**small, **tens, **dict.fromkeys(lexicon.articles, 1)}
        for ten_word, ten in tens.items():
            for one_word, one in ones.items():
                numbers[f"{ten_word} {one_word}"] = ten + one
        self.numbers = numbers

        for word, (num, den) in lexicon.fractions.items():
            if not 0 <= num <= den or den == 0:
                raise ArgumentError(
                    f"the fraction {word!r} must lie in [0, 1] (got {num}/{den})", hint="e.g. [1, 2]"
                )
        self.fraction_value = {word: num / den for word, (num, den) in lexicon.fractions.items()}
        self.fraction_unit = {
            word: _interval.rounding_unit(share) for word, share in self.fraction_value.items()
        }

        # Every quantity word with every magnitude it may take, as "tens of thousands".
        of = lexicon.connectives["of"]
        self.quantities: dict[str, tuple[float, float, float]] = {}
        for word, entry in lexicon.quantities.items():
            ends = (entry.low, entry.value, entry.high)
            self.quantities[word] = ends
            for name, magnitude in lexicon.magnitudes.items():
                scale = magnitude.plural if entry.takes == "of" else name
                if scale is not None:
                    phrase = f"{word} {of} {scale}" if entry.takes == "of" else f"{word} {scale}"
                    low, value, high = (float(Fraction(repr(end)) * magnitude.factor) for end in ends)
                    self.quantities[phrase] = (low, value, high)

        self.currency_units = {sign: canonical_unit(unit) for sign, unit in lexicon.currencies.items()}
        self.noun_units = {word: noun.unit for word, noun in lexicon.nouns.items()}
        self.noun_counts = {word: noun.counts for word, noun in lexicon.nouns.items()}
        self.pairs = frozenset(
            {f"|{sep}" for sep in lexicon.separators}
            | {f"{opener}|{sep}" for opener, seps in lexicon.openers.items() for sep in seps}
        )
        # Every word the lexicon knows, as a key.
        self.known = frozenset(
            {*self.suffix_index, *self.hedge_index, *self.numbers, *self.fraction_value, *self.quantities}
            | {*self.noun_units, *self.currency_units, *lexicon.openers, *lexicon.separators}
            | {sep for seps in lexicon.openers.values() for sep in seps}
        )
        self.full, self.diagnose = _patterns(lexicon)
        self.number_run = _number_run(lexicon)


def _patterns(lexicon: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """The phrase pattern, and the pattern that finds where an unreadable phrase stops.

    Each repetition is of one character class, and the alternatives that follow one
    another start differently, so the engine never backtracks through nested repetitions:
    matching time grows linearly with the text.
    """
    w = _W
    mags = _alternation(lexicon.magnitudes)
    percent = _alternation(lexicon.percent)
    seps = set(lexicon.separators) | {sep for seps in lexicon.openers.values() for sep in seps}
    word_seps = _alternation(sep for sep in seps if sep[0].isalnum())
    symbol_seps = _alternation(sep for sep in seps if not sep[0].isalnum())
    values = lexicon.number_words
    small = _alternation(word for word, value in values.items() if 0 <= value < 20)
    tens = _alternation(word for word, value in values.items() if value in range(20, 100, 10))
    ones = _alternation(word for word, value in values.items() if 1 <= value <= 9)
    hundred, and_, of = (_alternation([lexicon.connectives[name]]) for name in ("hundred", "and", "of"))
    plurals = _alternation(magnitude.plural for magnitude in lexicon.magnitudes.values() if magnitude.plural)
    of_words = _alternation(word for word, entry in lexicon.quantities.items() if entry.takes == "of")
    scale_words = _alternation(word for word, entry in lexicon.quantities.items() if entry.takes == "scale")

    def numeral(i: int) -> str:
        """Digits, grouped by commas in threes or not at all, then decimals after a point."""
        return rf"(?:[0-9]{{1,3}}(?:,[0-9]{{3}})+|[0-9]+)(?![0-9])(?:\.(?P<d{i}>[0-9]+))?(?![0-9])"

    suffix = (
        rf"(?:{_alternation(lexicon.abbreviations)}){_GUARD}|{w}+(?:{mags}){_GUARD}|{w}*(?:{percent}){_GUARD}"
    )
    currency = rf"(?:{_alternation(lexicon.currencies)}){w}*"

    def end(i: int) -> str:
        return rf"(?P<cur{i}>{currency})?(?P<n{i}>{numeral(i)})(?P<suf{i}>{suffix})?"

    separator = rf"(?P<rsep>{w}*(?:{symbol_seps}){w}*|{w}+(?:{word_seps}){w}+)"
    # With an opener ("between") the second end is required; without one it is optional.
    range_ = (
        rf"(?P<ropart>(?:{_alternation(lexicon.openers)}){w}+)?{end(1)}"
        rf"(?:{separator}{end(2)})?(?(ropart)(?(rsep)|(?!)))"
    )
    fraction = rf"(?P<frac>{_alternation(lexicon.fractions)}){_GUARD}"
    under_hundred = rf"(?:{tens})(?:[{_SPACE_CLASS}\-]+(?:{ones}))?|(?:{small})"
    articles = _alternation(lexicon.articles)
    first = rf"(?P<w1>(?:{under_hundred}){_GUARD}|(?:{articles})(?={w}+(?:{hundred}|{mags}){_GUARD}))"
    tail = rf"(?:(?:{w}+(?:{and_}))?{w}+(?P<w2>(?:{under_hundred}){_GUARD}))?"
    hundreds = rf"(?:{w}+(?P<hund>{hundred}){_GUARD}{tail})?"
    words = rf"(?P<words>{first}{hundreds}(?P<wsuf>{w}+(?:{mags}){_GUARD}|{w}*(?:{percent}){_GUARD})?)"
    quantity = (
        rf"(?P<quantity>(?:{of_words})(?:{w}+(?:{of}){w}+(?:{plurals}))?"
        rf"|(?:{scale_words})(?:{w}+(?:{mags}))?){_GUARD}"
    )
    body = rf"(?:{range_}|{fraction}|{words}|{quantity})"
    noun = rf"(?:{w}+(?:(?:{of}){w}+)?(?P<noun>{_alternation(lexicon.nouns)}){_GUARD})?"
    hedges = _alternation(lexicon.hedges)
    full = rf"\A(?P<lead>{w}*)(?P<hpart>(?:{hedges}){w}+)?{body}{noun}(?P<trail>{w}*)\Z"
    diagnose = (
        rf"\A(?:(?P<head>{w}*(?:(?:{hedges}){w}+)?{body}{noun})|{w}*(?P<hedge>{hedges}){_GUARD}|)"
        rf"(?P<gap>{w}*)(?P<rest>.*)\Z"
    )
    return re.compile(full, _FLAGS), re.compile(diagnose, _FLAGS | re.DOTALL)


def _number_run(lexicon: Lexicon) -> re.Pattern[str]:
    """Number words, "hundred" and magnitudes in a row ("six hundred and forty-five thousand").

    Where reading stops at such a run right after a number in words, the phrase spells a
    number the grammar cannot combine ("two thousand six hundred"), not an unknown noun.
    """
    w = _W
    words = _alternation([*lexicon.number_words, lexicon.connectives["hundred"], *lexicon.magnitudes])
    and_ = _alternation([lexicon.connectives["and"]])
    part = rf"(?:(?:{and_}){w}+)?(?:{words}){_GUARD}"
    return re.compile(rf"\A({part}(?:[{_SPACE_CLASS}\-]+{part})*)", _FLAGS)


def _lexicon(lexicon: Lexicon | None) -> Lexicon:
    if lexicon is None:
        return Lexicon.default()
    if not isinstance(lexicon, Lexicon):
        raise ArgumentError(
            f"lexicon must be a Lexicon (got {type(lexicon).__name__})",
            hint="pass Lexicon.default(), Lexicon.conservative() or one built from them",
        )
    return lexicon


# -- problems ------------------------------------------------------------------------------

# Each problem a phrase can have: (problem, hint), formatted with the fields in braces. The
# order is the order of the checks: a phrase reports the first problem it has.
_PROBLEMS: dict[str, tuple[str, str]] = {
    "not_text": ("the row holds no text", "pass each phrase as a string; drop rows without one"),
    "empty": ("the phrase is empty", "pass a figure phrase such as 'about 5,000 militants'"),
    "long": (
        "the phrase is {length} characters long, more than the {limit} read",
        "pass one figure phrase, not running text",
    ),
    "unread": (
        "cannot read '{word}' at character {position} of '{shown}'",
        "a phrase ends after its number, range, share or quantity word and an optional noun; "
        "add nouns with Lexicon.with_noun",
    ),
    "number_words": (
        "cannot combine the number words '{words}' at character {position} of '{shown}'",
        "write the number in digits, e.g. '2,645'; words are read up to one magnitude, as in "
        "'two hundred and fifty thousand'",
    ),
    "hedge_alone": (
        "no number after '{hedge}' at character {position} of '{shown}'",
        "write a number after the hedge, e.g. 'about 5,000'",
    ),
    "not_figure": (
        "'{word}' does not start a figure phrase (in '{shown}')",
        "write a number ('5,000', 'five thousand'), a hedge and a number ('about 5,000'), a range "
        "('3,000 to 5,000'), a share ('half', '40%') or a quantity word ('dozens'); phrases in other "
        "languages are not read",
    ),
    "digits": (
        "'{number}' has more digits than the 15 a figure is read to (in '{shown}')",
        "write the figure as it was reported, rounded, or build it with Figure.exact",
    ),
    "large": (
        "'{number}' is too large for a reported figure, 10^15 or more (in '{shown}')",
        "check the phrase for a stray digit, or give the figure in a larger unit",
    ),
    "percent": (
        "'{number}' is more than 100%, but a share lies between 0 and 1 (in '{shown}')",
        "write a share of at most 100%, or the number without '%'",
    ),
    "separator": (
        "'{separator}' cannot join the ends of a range here (in '{shown}')",
        "write '3,000 to 5,000', '3,000-5,000', 'between 3,000 and 5,000' or 'from 3,000 to 5,000'",
    ),
    "reversed": (
        "the range runs backwards: '{first}' is above '{second}' (in '{shown}')",
        "write the lower end first, e.g. '3,000 to 5,000'",
    ),
    "hedge_range": (
        "'{hedge}' cannot stand before a range (in '{shown}')",
        "only closeness hedges without a direction ('about', 'an estimated') can; "
        "write e.g. 'more than 3,000' or '3,000 to 5,000'",
    ),
    "hedge_quantity": (
        "'{hedge}' cannot stand before the quantity word '{quantity}' (in '{shown}')",
        "a quantity word sets its own range: drop the hedge, or write a number",
    ),
    "noun_share": (
        "a share cannot count '{noun}' (in '{shown}')",
        "parse the share alone ('half', '40%') and pass counts= to say what it is a share of",
    ),
    "currency_noun": (
        "'{noun}' is counted in {noun_unit}, but the currency sign gives {currency_unit} (in '{shown}')",
        "drop the currency sign or the noun",
    ),
    "unit": (
        "the phrase is in {text_unit}, but unit={given} was passed (in '{shown}')",
        "leave out unit= to take the unit from the phrase, or drop the word that sets it",
    ),
}
_CODES = list(_PROBLEMS)


def _error(code: str, text: str, position: int, **fields: str) -> ParseError:
    problem, hint = _PROBLEMS[code]
    return ParseError(
        problem.format(shown=_shown(text), position=str(position), **fields),
        hint=hint,
        text=text,
        position=position,
    )


def _diagnosis(grammar: _Grammar, text: str) -> ParseError:
    """Why a phrase the pattern refuses cannot be read, and where reading stopped."""
    found = grammar.diagnose.match(text)
    assert found is not None  # the pattern's last alternative matches any text
    rest = found["rest"]
    position = len(text) - len(rest)
    first_word = _FIRST_WORD.match(rest)
    word = first_word[1] if first_word else ""
    if found["head"] is not None:
        spelled: str = found["words"] or ""
        suffix: str = found["suf1"] or ""
        if not spelled and suffix and found["rsep"] is None and _key(suffix) in grammar.lexicon.magnitudes:
            spelled = found["n1"] + suffix  # "2 thousand six hundred"
        run = grammar.number_run.match(rest) if spelled and found["noun"] is None else None
        if run is not None:
            return _error("number_words", text, position, words=spelled + found["gap"] + run[1])
        return _error("unread", text, position, word=word)
    if found["hedge"] is not None:
        return _error("hedge_alone", text, position, hedge=_key(found["hedge"]))
    return _error("not_figure", text, position, word=word)


# -- exact numbers -------------------------------------------------------------------------

# Powers of ten up to 10**22 are exact floats, so K * 10**E (K < 2**53) is read with one
# correctly rounded operation, the same in both readers.
_POW10 = [float(10**k) for k in range(23)]
_POW10_ARRAY = np.array(_POW10)
# The rounding unit of a number whose last significant digit is at 10**e, exactly as
# _interval.rounding_unit gives it (the float nearest to 10**e).
_UNIT_OFFSET = 40
_UNITS = [float(Decimal(1).scaleb(e)) for e in range(-_UNIT_OFFSET, _UNIT_OFFSET)]
_UNITS_ARRAY = np.array(_UNITS)
_INT_POWERS = np.array([10**k for k in range(19)], np.int64)


class _Number(NamedTuple):
    """A decimal number read (value and rounding unit), or the problem that stopped it."""

    problem: str | None
    value: float
    unit: float


def _decimal(mantissa: int, exponent: int, *, percent: bool) -> _Number:
    """``mantissa * 10**exponent``, with its trailing zeros read as rounding."""
    if mantissa == 0:
        exponent = 0
    while mantissa and mantissa % 10 == 0:
        mantissa, exponent = mantissa // 10, exponent + 1
    if mantissa >= 10**MAX_DIGITS:
        return _Number("digits", math.nan, math.nan)
    if mantissa and len(str(mantissa)) + exponent > _LARGE:
        return _Number("large", math.nan, math.nan)
    value = mantissa * _POW10[exponent] if exponent >= 0 else mantissa / _POW10[-exponent]
    if percent and value > 1:
        return _Number("percent", math.nan, math.nan)
    return _Number(None, value, _UNITS[exponent + _UNIT_OFFSET] if mantissa else 1.0)


def _numeral(digits: str, suffix: _Suffix, *, percent: bool) -> _Number:
    whole, _, decimals = digits.replace(",", "").partition(".")
    written, exponent = whole + decimals, -len(decimals)
    if len(written) > MAX_DIGITS:
        # Only the significant digits count: "1,000,000,000,000,000" is too large, not too long.
        significant = written.lstrip("0")
        core = significant.rstrip("0")
        if len(significant) - len(decimals) > MAX_DIGITS:
            return _Number("large", math.nan, math.nan)
        if len(decimals) > MAX_DIGITS or len(core) > MAX_DIGITS:
            return _Number("digits", math.nan, math.nan)
        written, exponent = core or "0", exponent + len(significant) - len(core)
    shift = 2 if percent else 0
    return _decimal(int(written) * suffix.mult, exponent + suffix.exp - shift, percent=percent)


# -- reading one phrase --------------------------------------------------------------------


class _Reading(NamedTuple):
    """A phrase read: the rule that builds its figure, and its unit and counts."""

    rule: str  # exact, around, below, above, floor, ceiling, range or quantity
    value: float
    low: float  # for a range or a quantity word
    high: float  # for a range or a quantity word
    hedge: str | None
    shares: tuple[float, float]  # for closeness: (min_share, max_share)
    share: bool  # a share of a whole, in [0, 1]
    unit: str
    counts: str | None


def _read(grammar: _Grammar, text: str, given: str | None) -> _Reading:
    """Read one phrase, or raise its first problem in the order of :data:`_PROBLEMS`."""
    if not text.strip(_SPACE_CHARS):
        raise _error("empty", text, 0)
    if len(text) > MAX_LENGTH:
        raise _error("long", text, MAX_LENGTH, length=str(len(text)), limit=str(MAX_LENGTH))
    found = grammar.full.match(text)
    if found is None:
        raise _diagnosis(grammar, text)
    g = found.groupdict()
    suffixes = grammar.suffixes
    problems: list[tuple[str, int, dict[str, str]]] = []
    body = found.end("lead") + len(g["hpart"] or "")
    value = low = high = math.nan
    rounds = share = False

    kind = "number"
    if g["n1"] is not None:
        suffix1 = suffixes[_key(g["suf1"])] if g["suf1"] else _NO_SUFFIX
        suffix2 = suffixes[_key(g["suf2"])] if g["suf2"] else _NO_SUFFIX
        share = suffix1.percent or suffix2.percent
        first = _numeral(g["n1"], suffix1, percent=share)
        ends = [(first, found.start("n1"), g["n1"] + (g["suf1"] or ""))]
        value, rounds = first.value, suffix1.rounds
        if g["rsep"] is not None:
            kind = "range"
            second = _numeral(g["n2"], suffix2, percent=share)
            if g["suf1"] is None and g["suf2"] is not None and not suffix2.percent:
                # "1.8 to 2.3 million": the second end's magnitude applies to the first too,
                # unless that puts the first above the second ("300 to 2 million").
                shared = _numeral(g["n1"], suffix2, percent=share)
                if shared.problem is None and second.problem is None and shared.value <= second.value:
                    ends[0] = (shared, ends[0][1], ends[0][2])
            ends.append((second, found.start("n2"), g["n2"] + (g["suf2"] or "")))
            low, high = ends[0][0].value, second.value
            separator = g["rsep"].strip(_SPACE_CHARS)
            opener = _key(g["ropart"]) if g["ropart"] else ""
            if f"{opener}|{_key(separator)}" not in grammar.pairs:
                at = found.start("rsep") + len(g["rsep"]) - len(g["rsep"].lstrip(_SPACE_CHARS))
                problems.append(("separator", at, {"separator": separator}))
            if low > high:
                problems.append(("reversed", found.start("n2"), {"first": ends[0][2], "second": ends[1][2]}))
        problems += [(end.problem, at, {"number": written}) for end, at, written in ends if end.problem]
    elif g["frac"] is not None:
        kind = "fraction"
        value, share = grammar.fraction_value[_key(g["frac"])], True
    elif g["words"] is not None:
        count = grammar.numbers[_number_key(g["w1"])]
        if g["hund"] is not None:
            count = count * 100 + (grammar.numbers[_number_key(g["w2"])] if g["w2"] else 0)
        suffix = suffixes[_key(g["wsuf"])] if g["wsuf"] else _NO_SUFFIX
        shift = 2 if suffix.percent else 0
        number = _decimal(count * suffix.mult, suffix.exp - shift, percent=suffix.percent)
        value, rounds, share = number.value, suffix.rounds, suffix.percent
        if number.problem:
            problems.append((number.problem, body, {"number": g["words"]}))
    else:
        kind = "quantity"
        low, value, high = grammar.quantities[_key(g["quantity"])]

    hedge_word = _key(g["hpart"]) if g["hpart"] else None
    hedge = grammar.lexicon.hedges[hedge_word] if hedge_word else None
    if hedge_word and hedge and kind == "range" and hedge.rule != "around":
        problems.append(("hedge_range", found.end("lead"), {"hedge": hedge_word}))
    if hedge_word and kind == "quantity":
        quantity = _key(g["quantity"])
        problems.append(("hedge_quantity", found.end("lead"), {"hedge": hedge_word, "quantity": quantity}))
    noun = _key(g["noun"]) if g["noun"] else None
    noun_at = len(text) - len(g["trail"]) - len(g["noun"] or "")
    sign = g["cur1"] or g["cur2"]
    currency = grammar.currency_units[_key(sign)] if sign else None
    noun_unit = grammar.noun_units[noun] if noun else None
    if share and noun:
        problems.append(("noun_share", noun_at, {"noun": noun}))
    if noun and noun_unit and currency and noun_unit != currency:
        fields = {"noun": noun, "noun_unit": noun_unit, "currency_unit": currency}
        problems.append(("currency_noun", noun_at, fields))
    text_unit = noun_unit or currency or ("dimensionless" if share else None)
    if given is not None and text_unit is not None and text_unit != given:
        problems.append(("unit", noun_at if noun else body, {"text_unit": text_unit, "given": repr(given)}))
    if problems:
        code, position, fields = min(problems, key=lambda problem: (_CODES.index(problem[0]), problem[1]))
        raise _error(code, text, position, **fields)

    lexicon = grammar.lexicon
    rule, shares, said = "exact", (0.0, 0.0), hedge_word
    if kind in ("range", "quantity"):
        rule = kind
        said = _key(g["quantity"]) if kind == "quantity" else hedge_word
    elif hedge is not None:
        rule, shares = hedge.rule, (hedge.min_share, hedge.max_share)
    elif kind == "fraction":
        rule, shares = "around", lexicon.fraction_shares
    elif rounds:
        rule, shares = "around", lexicon.magnitude_shares
    counts = grammar.noun_counts[noun] if noun else None
    return _Reading(rule, value, low, high, said, shares, share, text_unit or given or "person", counts)


def _check_source(source: object) -> None:
    if source is not None and not isinstance(source, (Source, str)):
        raise ArgumentError(
            f"source must be a Source or a name (got {type(source).__name__})",
            hint="pass source='U.S. officials' or source=Source(name=..., via=...)",
        )


def _quoted(source: Source | str | None, via: str | None, text: str) -> Source:
    """The figure's source with the phrase as its quote (and ``via`` when given)."""
    _check_source(source)
    base = Source(name=source) if isinstance(source, str) else source or Source()
    return base.replace(quote=text) if via is None else base.replace(quote=text, via=via)


def _given_unit(unit: str | None) -> str | None:
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
        )
    grammar = _lexicon(lexicon)._grammar
    reading = _read(grammar, text, _given_unit(unit))
    scope: dict[str, Any] = {
        "unit": reading.unit,
        "counts": counts if counts is not None else reading.counts,
        "place": place,
        "as_of": as_of,
        "source": _quoted(source, via, text),
    }
    return _figure(reading, scope)


def _figure(reading: _Reading, scope: dict[str, Any]) -> Figure:
    """Build the figure a reading stands for with the library's own constructors."""
    rule, value = reading.rule, reading.value
    if rule == "exact":
        return Figure.exact(value, **scope)
    if rule == "range":
        return Figure.between(reading.low, reading.high, hedge=reading.hedge, **scope)
    if rule == "quantity":
        return Figure(value=value, low=reading.low, high=reading.high, hedge=reading.hedge, **scope)
    if rule == "floor":
        if reading.share:
            return Figure.between(value, 1.0, value=value, hedge=reading.hedge, **scope)
        return Figure.at_least(value, hedge=reading.hedge, **scope)
    if rule == "ceiling":
        # Amounts in phrases are never negative, whatever the unit, so an open low end is 0.
        return Figure.between(0.0, value, value=value, hedge=reading.hedge, **scope)
    min_share, max_share = reading.shares
    figure = Figure.about(value, hedge=reading.hedge, min_share=min_share, max_share=max_share, **scope)
    if rule == "below":
        figure = figure.replace(high=figure.value)
    elif rule == "above":
        figure = figure.replace(low=figure.value)
    if reading.share and figure.high > 1:
        figure = figure.replace(high=1.0)
    return figure


# -- reading a column: exact outward rounding without Fractions ------------------------------
#
# Figure.about computes a range's ends exactly (with Fractions) and rounds them outward to
# floats. The column reader must give the same floats without a Python loop, so it uses
# error-free float transformations: a sum or product of two floats is held exactly as a pair
# (value, error), which tells on which side of the exact result a float lies.

_SPLITTER = 134217729.0  # 2**27 + 1: splits a float into two halves of 26 bits


def _two_sum(a: Floats, b: Floats) -> tuple[Floats, Floats]:
    """``a + b`` exactly, as the rounded sum and its error (Knuth)."""
    total = a + b
    b_part = total - a
    return total, (a - (total - b_part)) + (b - b_part)


def _two_product(a: Floats, b: Floats | float) -> tuple[Floats, Floats]:
    """``a * b`` exactly, as the rounded product and its error (Dekker)."""
    product = a * b
    a_big = _SPLITTER * a
    a_hi = a_big - (a_big - a)
    a_lo = a - a_hi
    b_big = _SPLITTER * b
    b_hi = b_big - (b_big - b)
    b_lo = b - b_hi
    return product, ((a_hi * b_hi - product) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def _at_least(a: Floats, k: Floats | float, b: Floats, m: Floats | float) -> Bools:
    """Whether ``a * k >= b * m`` exactly."""
    p, e = _two_product(a, k)
    q, f = _two_product(b, m)
    return np.asarray((p > q) | ((p == q) & (e >= f)))


def _sign_off(candidate: Floats, product: Floats, error: Floats) -> Floats:
    """The sign of ``candidate * 100 - (product + error)``, exactly."""
    scaled, scaled_error = _two_product(candidate, 100.0)
    near = scaled - product  # exact: the two are within a factor of 2 (Sterbenz)
    big, small = _two_sum(scaled_error, -error)
    total, first = _two_sum(near, small)
    total, second = _two_sum(total, big)
    # (first, second, total) add up exactly to the difference and do not overlap, so the
    # largest non-zero one has its sign (Shewchuk's expansions).
    return np.asarray(
        np.where(total != 0, np.sign(total), np.where(second != 0, np.sign(second), np.sign(first)))
    )


def _hundredth(x: Floats, times: Floats, *, up: bool) -> Floats:
    """``x * times / 100`` rounded down (or up) to a float, exactly."""
    product, error = _two_product(x, times)
    candidate = product / 100.0  # within two units in the last place of the exact result
    outward, inward = (np.inf, -np.inf) if up else (-np.inf, np.inf)
    sign = 1.0 if up else -1.0
    for _ in range(3):
        inside = _sign_off(candidate, product, error) * sign < 0
        candidate = np.where(inside, np.nextafter(candidate, outward), candidate)
    for _ in range(3):
        step = np.nextafter(candidate, inward)
        candidate = np.where(_sign_off(step, product, error) * sign >= 0, step, candidate)
    return np.asarray(np.where(product == 0, 0.0, candidate))


def _about(value: Floats, unit: Floats, min_share: Ints, max_share: Ints) -> tuple[Floats, Floats]:
    """The ends :meth:`Figure.about` gives, for whole columns (shares in hundredths)."""
    half_unit = unit / 2
    by_unit = _at_least(unit, 50.0, value, min_share.astype(np.float64))
    capped = by_unit & ~_at_least(value, max_share.astype(np.float64), unit, 50.0)
    share = np.where(capped, max_share, min_share).astype(np.float64)
    total, error = _two_sum(value, -half_unit)
    low_by_unit = np.where(error < 0, np.nextafter(total, -np.inf), total)
    total, error = _two_sum(value, half_unit)
    high_by_unit = np.where(error > 0, np.nextafter(total, np.inf), total)
    low_by_share = _hundredth(value, 100.0 - share, up=False)
    high_by_share = _hundredth(value, 100.0 + share, up=True)
    only_unit = by_unit & ~capped
    return np.where(only_unit, low_by_unit, low_by_share), np.where(only_unit, high_by_unit, high_by_share)


# -- reading a column ----------------------------------------------------------------------

Objects = npt.NDArray[np.object_]
_NONE = np.array(None, dtype=object)  # None as an array, to fill object columns

# Rules beyond a hedge's own (which are indices into _RULES).
_AROUND, _BELOW, _ABOVE, _FLOOR, _CEILING = range(len(_RULES))
_EXACT, _RANGE, _QUANTITY = len(_RULES), len(_RULES) + 1, len(_RULES) + 2
_DIGITS, _TOO_LARGE, _OVER_100 = (_CODES.index(code) for code in ("digits", "large", "percent"))


class _Numbers(NamedTuple):
    """A column of decimal numbers: problem (0, or the index of the problem), value, unit."""

    problem: Ints
    value: Floats
    unit: Floats


def _decimals(mantissa: Ints, exponent: Ints, percent: Bools, refused: Ints) -> _Numbers:
    """:func:`_decimal` for whole columns; ``refused`` is the problem found in the digits."""
    exponent = np.where(mantissa == 0, 0, exponent)
    while True:
        strip = (mantissa != 0) & (mantissa % 10 == 0)
        if not strip.any():
            break
        mantissa = np.where(strip, mantissa // 10, mantissa)
        exponent = exponent + strip
    digits = np.searchsorted(_INT_POWERS, mantissa, side="right")
    too_many = (refused == _DIGITS) | ((refused == 0) & (mantissa >= 10**MAX_DIGITS))
    large = (refused == _TOO_LARGE) | (~too_many & (mantissa != 0) & (digits + exponent > _LARGE))
    power = _POW10_ARRAY[np.clip(np.abs(exponent), 0, 22)]
    whole = mantissa.astype(np.float64)
    value = np.where(exponent >= 0, whole * power, whole / power)
    over = ~too_many & ~large & percent & (value > 1)
    problem = np.select([too_many, large, over], [_DIGITS, _TOO_LARGE, _OVER_100], 0)
    unit = np.where(mantissa != 0, _UNITS_ARRAY[np.clip(exponent + _UNIT_OFFSET, 0, len(_UNITS) - 1)], 1.0)
    bad = problem != 0
    return _Numbers(problem.astype(np.int64), np.where(bad, np.nan, value), np.where(bad, np.nan, unit))


class _Groups:
    """The pattern's groups over a column of phrases: the text of each, None where unmatched."""

    def __init__(self, frame: pd.DataFrame, known: frozenset[str]) -> None:
        self.rows = len(frame)
        self.known = known
        self.text = {name: frame[name].to_numpy(dtype=object) for name in frame.columns}
        self.present = {name: np.asarray(pd.notna(text)) for name, text in self.text.items()}

    def column(self, name: str) -> Column:
        """The matched text of a group, on the rows where it matched."""
        return pd.Series(self.text[name][self.present[name]], dtype=object)

    def keys(self, name: str, *, number: bool = False) -> Objects:
        """The matched words of a group as lexicon keys; None where it did not match."""
        keys = np.full(self.rows, None, dtype=object)
        if self.present[name].any():
            words = self.column(name).str.lower().str.strip(" ")
            # Most words are written as their keys; only the others need their spaces mended.
            odd = ~words.isin(self.known).to_numpy()
            if odd.any():
                run = _SPACE_OR_HYPHEN_RUN if number else _SPACE_RUN
                words[odd] = words[odd].str.replace(run, " ", regex=True).str.strip(" ")
            keys[self.present[name]] = words.to_numpy(dtype=object)
        return keys

    def strings(self, name: str, rows: Ints) -> Objects:
        """The matched text at ``rows``, "" where the group did not match."""
        text = self.text[name][rows]
        return np.where(self.present[name][rows], text, "")

    def size(self, name: str, rows: Ints) -> Ints:
        """The length of the matched text at ``rows``, 0 where the group did not match."""
        return np.asarray(pd.Series(self.strings(name, rows), dtype=object).str.len(), dtype=np.int64)

    def numerals(self, name: str, decimals: str) -> tuple[Ints, Ints, Ints]:
        """Numerals ("1,500.25") as (mantissa, exponent of its last digit, problem).

        ``decimals`` is the group of the digits after the point. The problem is 0, or
        :data:`_DIGITS` or :data:`_TOO_LARGE` for a numeral that :func:`_numeral` refuses
        before reading it.
        """
        mantissa, exponent = np.zeros(self.rows, np.int64), np.zeros(self.rows, np.int64)
        problem = np.zeros(self.rows, np.int64)
        present = self.present[name]
        if not present.any():
            return mantissa, exponent, problem
        written = self.column(name).str.translate(_NO_SEPARATORS)
        places = self.size(decimals, np.flatnonzero(present)).copy()
        long_ = written.str.len().to_numpy(np.int64) > MAX_DIGITS
        if long_.any():
            # Rare: only the significant digits count, as in _numeral.
            significant = written[long_].str.lstrip("0")
            core = significant.str.rstrip("0")
            kept = significant.str.len().to_numpy(np.int64)
            core_size = core.str.len().to_numpy(np.int64)
            large = kept - places[long_] > MAX_DIGITS
            too_many = ~large & ((places[long_] > MAX_DIGITS) | (core_size > MAX_DIGITS))
            written[long_] = core.where(~large & ~too_many & (core_size > 0), "0").to_numpy()
            places[long_] -= np.where(large | too_many, 0, kept - core_size)
            long_problem = np.select([large, too_many], [_TOO_LARGE, _DIGITS], 0)
            problem[np.flatnonzero(present)[long_]] = long_problem
        mantissa[present] = written.astype(np.int64)
        exponent[present] = -places
        return mantissa, exponent, problem


def _lookup(keys: Objects, table: Mapping[str, Any], missing: Any, dtype: Any) -> npt.NDArray[Any]:
    """``table[key]`` for each key; ``missing`` for None or unknown keys."""
    values = np.array([*table.values(), missing], dtype=dtype)
    # An object index hashes the keys as they are; Series.map(dict) would convert them.
    rows = pd.Index(list(table), dtype=object).get_indexer(pd.Index(keys, dtype=object, copy=False))
    return values[np.where(rows < 0, len(table), rows)]


def _render(code: str, fields: Mapping[str, Objects | str], rows: Bools) -> Objects:
    """The messages of problem ``code`` for ``rows``, exactly as :func:`_error` writes them."""
    problem, hint = _PROBLEMS[code]
    message = np.full(int(rows.sum()), "", dtype=object)
    for literal, name, _, _ in string.Formatter().parse(f"{problem}: {hint}"):
        message = message + literal
        if name is not None:
            part = fields[name]
            message = message + (part if isinstance(part, str) else part[rows])
    return message


def _objects(items: npt.NDArray[Any]) -> Column:
    """A column of text and None kept as objects (pandas would turn None into NaN)."""
    return pd.Series(items, dtype=object)


def _number_words_cut(grammar: _Grammar, found: _Groups, rest: Objects) -> tuple[Objects, Objects]:
    """Where reading stopped after a number in words at more number words: both parts, as written.

    The column form of the check in :func:`_diagnosis`; ``""`` on the rows it does not fit.
    """
    rows = np.arange(found.rows)
    magnitude = pd.Series(found.keys("suf1"), dtype=object).isin(list(grammar.lexicon.magnitudes)).to_numpy()
    in_digits = found.present["n1"] & magnitude & ~found.present["rsep"]
    spelled = np.where(
        found.present["words"],
        found.strings("words", rows),
        np.where(in_digits, found.strings("n1", rows) + found.strings("suf1", rows), ""),
    )
    fits = found.present["head"] & ~found.present["noun"] & (spelled != "")
    run = pd.Series(rest, dtype=object).str.extract(grammar.number_run)[0].fillna("").to_numpy(dtype=object)
    run = np.where(fits, run, "")
    return np.where(run != "", spelled, ""), run


def _read_column(grammar: _Grammar, text: Column, given: str | None) -> pd.DataFrame:
    """:func:`_read` for a column of distinct strings: the same readings, as columns."""
    rows = len(text)
    length = text.str.len().to_numpy(np.int64)
    blank = (text.str.strip(_SPACE_CHARS).str.len() == 0).to_numpy()
    too_long = length > MAX_LENGTH
    readable = ~blank & ~too_long
    g = _Groups(text.where(readable, "").str.extract(grammar.full), grammar.known)
    has = g.present
    matched = readable & has["trail"]

    # Numerals, ranges and what follows a number.
    suffix1, suffix2, word_suffix = (
        _lookup(g.keys(name), grammar.suffix_index, 0, np.int64) for name in ("suf1", "suf2", "wsuf")
    )
    is_number, is_range = has["n1"], has["rsep"]
    percent = grammar.suffix_percent[suffix1] | grammar.suffix_percent[suffix2]
    shift = np.where(percent, 2, 0)
    mantissa1, exponent1, refused1 = g.numerals("n1", "d1")
    mantissa2, exponent2, refused2 = g.numerals("n2", "d2")
    mult, exp = grammar.suffix_mult, grammar.suffix_exp
    first = _decimals(mantissa1 * mult[suffix1], exponent1 + exp[suffix1] - shift, percent, refused1)
    second = _decimals(mantissa2 * mult[suffix2], exponent2 + exp[suffix2] - shift, percent, refused2)
    # "1.8 to 2.3 million": the second end's magnitude applies to the first too, unless that
    # puts the first above the second ("300 to 2 million").
    shared = _decimals(mantissa1 * mult[suffix2], exponent1 + exp[suffix2] - shift, percent, refused1)
    use_shared = (
        is_range
        & (suffix1 == 0)
        & (suffix2 != 0)
        & ~grammar.suffix_percent[suffix2]
        & (shared.problem == 0)
        & (second.problem == 0)
        & (shared.value <= second.value)
    )
    first = _Numbers(*(np.where(use_shared, a, b) for a, b in zip(shared, first, strict=True)))

    # Number words: [one..ninety-nine] [hundred [and] one..ninety-nine] [magnitude or %].
    is_words = has["words"]
    count = _lookup(g.keys("w1", number=True), grammar.numbers, 0, np.int64)
    tail = _lookup(g.keys("w2", number=True), grammar.numbers, 0, np.int64)
    count = np.where(has["hund"], count * 100 + tail, count)
    word_percent = grammar.suffix_percent[word_suffix]
    word_shift = np.where(word_percent, 2, 0)
    words = _decimals(
        count * mult[word_suffix], exp[word_suffix] - word_shift, word_percent, np.zeros(rows, np.int64)
    )

    # Fractions and quantity words.
    is_fraction, is_quantity = has["frac"], has["quantity"]
    fraction = g.keys("frac")
    fraction_value = _lookup(fraction, grammar.fraction_value, np.nan, np.float64)
    fraction_unit = _lookup(fraction, grammar.fraction_unit, np.nan, np.float64)
    quantity = g.keys("quantity")
    quantity_low, quantity_value, quantity_high = (
        _lookup(quantity, {key: ends[end] for key, ends in grammar.quantities.items()}, np.nan, np.float64)
        for end in range(3)
    )

    single = is_number & ~is_range
    x = np.select([single, is_words, is_fraction], [first.value, words.value, fraction_value], np.nan)
    unit = np.select([single, is_words, is_fraction], [first.unit, words.unit, fraction_unit], np.nan)
    rounds = (single & grammar.suffix_rounds[suffix1]) | (is_words & grammar.suffix_rounds[word_suffix])
    share = (is_number & percent) | (is_words & word_percent) | is_fraction

    # Hedges, and the rule each row is read by.
    hedge = g.keys("hpart")
    hedge_row = _lookup(hedge, grammar.hedge_index, 0, np.int64)
    has_hedge = hedge_row != 0
    hedge_rule = grammar.hedge_rule[hedge_row]
    lexicon = grammar.lexicon
    plain = [is_fraction, rounds]
    rule = np.select(
        [is_range, is_quantity, has_hedge, *plain], [_RANGE, _QUANTITY, hedge_rule, _AROUND, _AROUND], _EXACT
    )
    fraction_min, fraction_max = (round(share * 100) for share in lexicon.fraction_shares)
    magnitude_min, magnitude_max = (round(share * 100) for share in lexicon.magnitude_shares)
    min_share = np.select([has_hedge, *plain], [grammar.hedge_min[hedge_row], fraction_min, magnitude_min], 0)
    max_share = np.select([has_hedge, *plain], [grammar.hedge_max[hedge_row], fraction_max, magnitude_max], 0)

    # Units and what is counted.
    noun = g.keys("noun")
    has_noun = has["noun"]
    noun_unit = _lookup(noun, grammar.noun_units, None, object)
    noun_counts = _lookup(noun, grammar.noun_counts, None, object)
    signs = np.where(has["cur1"], g.keys("cur1"), g.keys("cur2"))
    currency_unit = _lookup(signs, grammar.currency_units, None, object)
    has_currency = np.asarray(pd.notna(currency_unit))
    text_unit = np.where(has_noun, noun_unit, np.where(has_currency, currency_unit, _NONE))
    text_unit = np.where(share & ~has_noun & ~has_currency, "dimensionless", text_unit)
    has_text_unit = np.asarray(pd.notna(text_unit))

    # The problems of the rows the pattern reads, in the order of _PROBLEMS.
    separator = g.keys("rsep")
    opener = g.keys("ropart")
    pairs = np.where(has["ropart"], opener, "") + "|" + np.where(is_range, separator, "")
    bad_pair = is_range & ~pd.Series(pairs, dtype=object).isin(grammar.pairs).to_numpy()
    first_problem = np.where(is_number, first.problem, np.where(is_words, words.problem, 0))
    second_problem = np.where(is_range, second.problem, 0)
    around = _RULES.index("around")
    checks: list[tuple[str, Bools, str]] = [
        ("digits", first_problem == _DIGITS, "first"),
        ("digits", second_problem == _DIGITS, "second"),
        ("large", first_problem == _TOO_LARGE, "first"),
        ("large", second_problem == _TOO_LARGE, "second"),
        ("percent", first_problem == _OVER_100, "first"),
        ("percent", second_problem == _OVER_100, "second"),
        ("separator", bad_pair, "separator"),
        ("reversed", is_range & (first.value > second.value), "second"),
        ("hedge_range", is_range & has_hedge & (hedge_rule != around), "hedge"),
        ("hedge_quantity", is_quantity & has_hedge, "hedge"),
        ("noun_share", share & has_noun, "noun"),
        ("currency_noun", has_noun & has_currency & (noun_unit != currency_unit), "noun"),
        ("unit", has_text_unit & (text_unit != given) & (given is not None), "unit"),
    ]
    check = np.select([matched & condition for _, condition, _ in checks], list(range(len(checks))), -1)
    code = np.array([_CODES.index(name) for name, _, _ in checks] + [-1])[check]

    # The ranges of the rows that read.
    ok = matched & (check == -1)
    close = ok & (rule <= _ABOVE)
    low, high = np.full(rows, np.nan), np.full(rows, np.nan)
    if close.any():
        low[close], high[close] = _about(x[close], unit[close], min_share[close], max_share[close])
    high = np.where(rule == _BELOW, x, high)
    low = np.where(rule == _ABOVE, x, low)
    high = np.where(close & share, np.minimum(high, 1.0), high)
    by_rule = [rule == _RANGE, rule == _QUANTITY, rule == _FLOOR, rule == _CEILING, rule == _EXACT]
    midpoint = first.value + (second.value - first.value) / 2
    value = np.select(by_rule[:2], [midpoint, quantity_value], x)
    low = np.select(by_rule, [first.value, quantity_low, x, 0.0, x], low)
    high = np.select(by_rule, [second.value, quantity_high, np.where(share, 1.0, np.inf), x, x], high)

    # Rows the pattern does not read: empty, too long, or stopping short of the end.
    code = np.where(blank, _CODES.index("empty"), np.where(too_long, _CODES.index("long"), code))
    position = np.where(too_long, MAX_LENGTH, 0)
    unread = readable & ~matched
    rest = np.full(rows, "", dtype=object)
    number_words = np.full(rows, "", dtype=object)
    stopped_at_hedge = np.full(rows, None, dtype=object)
    if unread.any():
        found = _Groups(text[unread].str.extract(grammar.diagnose), grammar.known)
        rest[unread] = found.strings("rest", np.arange(int(unread.sum())))
        stopped_at_hedge[unread] = found.keys("hedge")
        spelled, run = _number_words_cut(grammar, found, rest[unread])
        gap = found.strings("gap", np.arange(len(run)))
        number_words[unread] = np.where(run != "", spelled + gap + run, "")
        code[unread] = np.select(
            [found.present["head"] & (run != ""), found.present["head"], found.present["hedge"]],
            [_CODES.index("number_words"), _CODES.index("unread"), _CODES.index("hedge_alone")],
            _CODES.index("not_figure"),
        )
        position[unread] = length[unread] - pd.Series(rest[unread], dtype=object).str.len().to_numpy(np.int64)

    ok = code == -1
    error = np.full(rows, None, dtype=object)
    failing = np.flatnonzero(~ok & matched)
    if len(failing):
        # Where each problem lies, from the lengths of the groups before its word.
        body_at = g.size("lead", failing) + g.size("hpart", failing)
        first_at = np.where(
            is_words[failing], body_at, body_at + g.size("ropart", failing) + g.size("cur1", failing)
        )
        after_first = first_at + g.size("n1", failing) + g.size("suf1", failing)
        sep = pd.Series(g.strings("rsep", failing), dtype=object)
        at = {
            "first": first_at,
            "second": after_first + g.size("rsep", failing) + g.size("cur2", failing),
            "separator": after_first
            + sep.str.len().to_numpy(np.int64)
            - sep.str.lstrip(_SPACE_CHARS).str.len().to_numpy(np.int64),
            "hedge": g.size("lead", failing),
            "noun": length[failing] - g.size("trail", failing) - g.size("noun", failing),
        }
        at["unit"] = np.where(has_noun[failing], at["noun"], body_at)
        position[failing] = np.select(
            [check[failing] == index for index in range(len(checks))],
            [at[where] for _, _, where in checks],
            0,
        )
    if not ok.all():
        bad = np.flatnonzero(~ok)
        quoted = text.iloc[bad].str.slice(0, _SHOWN).to_numpy(dtype=object)
        n1_text = g.strings("n1", bad) + g.strings("suf1", bad)
        n2_text = g.strings("n2", bad) + g.strings("suf2", bad)
        numbered = [
            index for index, (name, _, _) in enumerate(checks) if name in ("digits", "large", "percent")
        ]
        second_end = np.isin(check[bad], [index for index in numbered if checks[index][2] == "second"])
        fields: dict[str, Objects | str] = {
            "shown": quoted + np.where(length[bad] > _SHOWN, "…", ""),
            "position": position[bad].astype(str).astype(object),
            "length": length[bad].astype(str).astype(object),
            "limit": str(MAX_LENGTH),
            "word": pd.Series(rest[bad], dtype=object)
            .str.extract(_FIRST_WORD)[0]
            .fillna("")
            .to_numpy(dtype=object),
            "hedge": np.where(has_hedge[bad], hedge[bad], stopped_at_hedge[bad]),
            "words": number_words[bad],
            "number": np.where(
                is_words[bad], g.strings("words", bad), np.where(second_end, n2_text, n1_text)
            ),
            "separator": pd.Series(g.strings("rsep", bad), dtype=object).str.strip(_SPACE_CHARS).to_numpy(),
            "first": n1_text,
            "second": n2_text,
            "quantity": quantity[bad],
            "noun": noun[bad],
            "noun_unit": noun_unit[bad],
            "currency_unit": currency_unit[bad],
            "text_unit": text_unit[bad],
            "given": repr(given),
        }
        for problem in np.unique(code[bad]):
            these = code[bad] == problem
            error[bad[these]] = _render(_CODES[problem], fields, these)

    return pd.DataFrame(
        {
            "low": np.where(ok, low, np.nan),
            "value": np.where(ok, value, np.nan),
            "high": np.where(ok, high, np.nan),
            "unit": _objects(np.where(ok, np.where(has_text_unit, text_unit, given or "person"), _NONE)),
            "hedge": _objects(np.where(ok, np.where(is_quantity, quantity, hedge), _NONE)),
            "counts": _objects(np.where(ok, noun_counts, _NONE)),
            "error": _objects(error),
            "position": np.where(ok, -1, position),
        }
    )


def parse_many(
    texts: Iterable[object],
    *,
    counts: str | None = None,
    unit: str | None = None,
    source: Source | str | None = None,
    place: str | None = None,
    as_of: AsOf = None,
    via: str | None = None,
    lexicon: Lexicon | None = None,
    errors: Literal["coerce", "raise"] = "coerce",
) -> pd.DataFrame:
    """Read a column of figure phrases at once: one row per phrase, in input order.

    The rules and results are those of :func:`parse`, row by row, but the work is done on
    whole columns: one compiled pattern over the column (``Series.str.extract``), then
    column arithmetic, each distinct phrase read once. A phrase that cannot be read keeps
    its row, with the numbers missing and ``error`` holding the message :func:`parse`
    would raise for it.

    Args:
        texts: the phrases: a Series (its index is kept) or any iterable.
        counts: what every figure counts; overrides what a phrase's noun says.
        unit: the unit where a phrase does not say (``"person"`` by default).
        source: who gave the figures: a name, or a :class:`Source` whose name and ``via``
            fill the ``source`` and ``via`` columns.
        place: where the figures are about.
        as_of: the date or period they describe.
        via: through whom the source spoke.
        lexicon: the words to read; :meth:`Lexicon.default` when None.
        errors: ``"coerce"`` keeps unreadable rows with ``error`` filled; ``"raise"`` raises
            one :class:`ParseError` that lists every unreadable row.

    Returns:
        A new DataFrame with the input's index and the columns ``text``, ``low``,
        ``value``, ``high``, ``unit``, ``hedge``, ``counts``, ``place``, ``as_of``,
        ``source``, ``via`` and ``error`` (None where the phrase reads).

    Raises:
        ParseError: with ``errors="raise"``, when any phrase cannot be read; its
            ``failures`` attribute holds those rows of the table.
        UnitError: ``unit`` is not a known unit.

    Examples:
        >>> table = parse_many(["about 5,000", "at least 7,000", "many", "half"])
        >>> table[["low", "value", "high", "hedge"]]
              low   value    high     hedge
        0  4500.00  5000.0  5500.00     about
        1  7000.00  7000.0      inf  at least
        2      NaN     NaN      NaN      None
        3     0.45     0.5     0.55      None
        >>> print(table.loc[2, "error"])
        'many' does not start a figure phrase (in 'many'): write a number ...

    """
    if errors not in ("coerce", "raise"):
        raise ArgumentError(
            f"errors must be 'coerce' or 'raise' (got {errors!r})", hint="e.g. errors='raise'"
        )
    grammar = _lexicon(lexicon)._grammar
    given = _given_unit(unit)
    _check_source(source)
    period = _period(as_of)
    column = (texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)).astype(object)
    is_text = column.map(type).isin([str]).to_numpy()
    codes, distinct = pd.factorize(column.where(is_text, ""), use_na_sentinel=False)
    read = _read_column(grammar, pd.Series(distinct, dtype=object), given)
    taken = {name: read[name].to_numpy()[codes] for name in read.columns}
    not_text = _render("not_text", {}, np.ones(1, np.bool_))[0]
    error = np.where(is_text, taken["error"], not_text)
    read_ok = pd.isna(error)
    name = source.name if isinstance(source, Source) else source
    channel = via if via is not None else source.via if isinstance(source, Source) else None

    def constant(items: object) -> Column:
        """A column of objects (None stays None) from an array, or one item repeated."""
        if not isinstance(items, np.ndarray):
            items = [items] * len(column)
        return pd.Series(items, index=column.index, dtype=object)

    table = pd.DataFrame(
        {
            "text": column,
            "low": taken["low"],
            "value": taken["value"],
            "high": taken["high"],
            "unit": constant(np.where(read_ok, taken["unit"], _NONE)),
            "hedge": constant(np.where(read_ok, taken["hedge"], _NONE)),
            "counts": constant(np.where(read_ok, taken["counts"] if counts is None else counts, _NONE)),
            "place": constant(place),
            "as_of": constant(period),
            "source": constant(name),
            "via": constant(channel),
            "error": constant(error),
        },
        index=column.index,
    )
    if errors == "raise" and not read_ok.all():
        failures = table[~read_ok]
        listing = "\n".join(f"  row {label}: {message}" for label, message in failures["error"].items())
        first = int(np.flatnonzero(~read_ok)[0])
        raise ParseError(
            f"{len(failures)} of {len(table)} phrases cannot be read",
            hint=f"fix or drop these rows, or pass errors='coerce' to keep them, error filled:\n{listing}",
            text=str(table["text"].iloc[first]),
            position=int(np.where(is_text, taken["position"], 0)[first]),
            failures=failures,
        )
    return table
