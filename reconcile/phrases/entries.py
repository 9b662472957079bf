"""The entries of a lexicon: how a hedge, a magnitude, a quantity word and a noun each read.

:class:`~reconcile.phrases.lexicon.Lexicon` holds them by word; each entry is checked when it
is built, so a bad one is refused with an :class:`~reconcile.errors.ArgumentError` there.

Examples:
    >>> Hedge(rule="floor").after, Magnitude(factor=1000, rounds=True).plural
    (False, None)

"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from reconcile.errors import ArgumentError, Reason
from reconcile.phrases.text import key
from reconcile.units import canonical_unit

__all__ = [
    "ABOUT_POINTS",
    "CLOSENESS",
    "RULES",
    "Hedge",
    "HedgeRule",
    "Magnitude",
    "Noun",
    "QuantityWord",
    "hundredths",
    "lexicon_error",
    "lexicon_word",
]

HedgeRule = Literal["around", "below", "above", "floor", "ceiling", "exact"]
#: The hedge rules, in the order the readers number them.
RULES: tuple[str, ...] = ("around", "below", "above", "floor", "ceiling", "exact")
#: The rules that set a range from the number's rounding.
CLOSENESS = frozenset({"around", "below", "above"})
#: How far a closeness hedge lets a percentage move by default, in percentage points ("about").
ABOUT_POINTS = 2


def lexicon_error(problem: str, hint: str) -> ArgumentError:
    """The error for a lexicon, or an entry of one, that is malformed."""
    return ArgumentError(problem, hint=hint, reason=Reason.BAD_LEXICON)


def hundredths(name: str, share: object) -> float:
    """A share of a number, in [0, 1] and in whole hundredths (read as the decimal written)."""
    if isinstance(share, bool) or not isinstance(share, (int, float)):
        raise lexicon_error(f"{name} must be a number (got {share!r})", "write e.g. 0.05 for 5%")
    exact = Fraction(repr(float(share)))
    if not 0 <= exact <= 1 or (exact * 100).denominator != 1:
        raise lexicon_error(
            f"{name} must lie in [0, 1] in whole hundredths (got {share!r})",
            "write shares such as 0.05 or 0.10",
        )
    return float(share)


def lexicon_word(kind: str, word: object) -> str:
    """``word`` as a lexicon key (lower case, single spaces), or the error for a non-word ``kind``."""
    if not isinstance(word, str) or not key(word):
        raise lexicon_error(f"a {kind} must be a non-empty string (got {word!r})", "write the word as text")
    return key(word)


@dataclass(frozen=True, slots=True, kw_only=True)
class Hedge:
    """How one hedge word sets a figure's range.

    Attributes:
        rule: ``"around"``, ``"below"`` or ``"above"`` (closeness: the range follows the
            number's rounding, as :meth:`Figure.about`, on both sides, below or above it);
            ``"floor"`` (the number is the low end, the high end is open), ``"ceiling"``
            (the number is the high end, the low end is 0) or ``"exact"`` (the source says
            the number is an exact count: "exactly 547,000").
        min_share: for closeness, the least half-width, as a share of the number.
        max_share: for closeness, the greatest half-width, as a share of the number.
        points: for closeness, the greatest half-width of a percentage, in percentage
            points ("about 97%" is 95–99%, not 92–100%); None for no such limit.
        example: a phrase with the hedge, shown in the docs.
        after: the hedge follows the number ("9,000-plus", "9,000+", "5,000 or more")
            rather than standing before it.

    Examples:
        >>> Hedge(rule="below", min_share=0.05, max_share=0.10, points=2, example="nearly 1 million")
        Hedge(rule='below', min_share=0.05, max_share=0.1, points=2, example='nearly 1 million', after=False)
        >>> Hedge(rule="floor", after=True).after  # "9,000-plus"
        True

    """

    rule: HedgeRule
    min_share: float = 0.0
    max_share: float = 0.0
    points: int | None = None
    example: str | None = None
    after: bool = False

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise lexicon_error(
                f"unknown hedge rule {self.rule!r}", f"use one of {', '.join(map(repr, RULES))}"
            )
        low, high = hundredths("min_share", self.min_share), hundredths("max_share", self.max_share)
        if self.rule in CLOSENESS and low > high:
            raise lexicon_error(
                f"need min_share <= max_share (got {low}, {high})", "e.g. min_share=0.05, max_share=0.10"
            )
        if self.rule not in CLOSENESS and (low or high or self.points is not None):
            raise lexicon_error(
                f"a {self.rule} hedge has no shares or points "
                f"(got min_share={low}, max_share={high}, points={self.points})",
                "the number itself is the end of the range; leave the shares and points out",
            )
        points = self.points
        if points is not None and (isinstance(points, bool) or not isinstance(points, int) or points < 1):
            raise lexicon_error(
                f"points must be a whole number of percentage points >= 1, or None (got {points!r})",
                "e.g. points=2: 'about 97%' is then at most 95–99%",
            )
        if not isinstance(self.after, bool):
            raise lexicon_error(
                f"after must be true or false (got {self.after!r})", "e.g. after=True for '9,000-plus'"
            )
        if self.example is not None and not isinstance(self.example, str):
            raise lexicon_error(f"example must be a phrase (got {self.example!r})", "e.g. 'about 5,000'")
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
        >>> Magnitude(factor=1_000_000, rounds=True, plural="millions")
        Magnitude(factor=1000000, rounds=True, plural='millions')

    """

    factor: int
    rounds: bool
    plural: str | None = None

    def __post_init__(self) -> None:
        factor = self.factor
        if isinstance(factor, bool) or not isinstance(factor, int) or factor < 1:
            raise lexicon_error(f"factor must be a whole number >= 1 (got {factor!r})", "e.g. 1000")
        if not isinstance(self.rounds, bool):
            raise lexicon_error(
                f"rounds must be true or false (got {self.rounds!r})",
                "e.g. rounds=True: '1 million' is 0.9-1.1 million",
            )
        while factor % 10 == 0:
            factor //= 10
        if factor >= 1000:
            raise lexicon_error(
                f"factor must have at most three significant digits (got {self.factor})",
                "write it as a small number times a power of ten, e.g. 12 or 1000000",
            )
        if self.plural is not None:
            object.__setattr__(self, "plural", lexicon_word("plural", self.plural))


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
        >>> QuantityWord(low=12, value=12, high=100, takes="of")
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
            raise lexicon_error(
                f"need finite 0 <= low <= value <= high (got {ends})", "e.g. low=20, value=40, high=100"
            )
        if self.takes not in ("of", "scale"):
            raise lexicon_error(f"takes must be 'of' or 'scale' (got {self.takes!r})", "e.g. takes='of'")
        for name, end in zip(("low", "value", "high"), ends, strict=True):
            object.__setattr__(self, name, float(end))


@dataclass(frozen=True, slots=True, kw_only=True)
class Noun:
    """What a noun after the number says: the unit, and what is counted.

    Examples:
        >>> Noun(unit="people", counts="militants")
        Noun(unit='person', counts='militants')

    """

    unit: str
    counts: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "unit", canonical_unit(self.unit))
        if self.counts is not None and (not isinstance(self.counts, str) or not self.counts.strip()):
            raise lexicon_error(f"counts must be a name or None (got {self.counts!r})", "e.g. 'militants'")
