"""Numbers in words of any length, combined as English says them, or the reason they cannot be.

A run of number words ("two thousand six hundred and forty-five", "a million and one",
"twenty six million and seventy two hundred", "two and a half million", "3 crore"...) is
matched whole by the grammar and combined here, the same for both readers:

- a number under a hundred is a word ("seven") or a tens word and a ones word ("forty-five");
- a multiplier under a thousand ("hundred", "dozen") multiplies the number under a hundred
  before it: "seventy two hundred" is 7,200;
- a magnitude from a thousand up ("thousand", "lakh", "million", "crore") multiplies what came
  since the last magnitude and adds it to the total; magnitudes run from large to small
  ("two million five hundred thousand"), but one right after a smaller one multiplies the
  whole ("one thousand crore", "a thousand million");
- "and", "&" and commas join parts ("one hundred and twenty-five thousand", "three million,
  two hundred & forty"); "and a half" ("and a quarter", "and three quarters") adds that share
  to the number before it; a plural magnitude after a number is read as the singular
  ("seventy-five thousands");
- a magnitude alone, or after "a", is one of it ("million", "a million").

The number rounds when its last word is a magnitude that rounds ("five thousand", "two and a
half million"): it was said to that magnitude. What cannot be combined ("two hundred
hundred", "five twenty", "two thousand thousand") is a problem naming the word and why.

Examples:
    >>> from reconcile.phrases.grammar import grammar_for
    >>> words = grammar_for(None).words
    >>> combine(words, "two thousand six hundred and forty-five")
    Spelled(problem=None, mantissa=2645, exponent=0, rounds=False, at=0, why='')
    >>> combine(words, "two and a half million")[1:4]
    (25, 5, True)
    >>> combine(words, "two hundred hundred").why
    "'hundred' cannot follow 'two hundred'"

"""

from __future__ import annotations

import re
from fractions import Fraction
from typing import NamedTuple

__all__ = ["NumberWords", "Spelled", "combine"]

# A word, "&", or a comma; hyphens and spaces only separate.
_TOKEN = re.compile(r"[a-z]+|&|,", re.IGNORECASE)


class NumberWords(NamedTuple):
    """The words :func:`combine` knows: number words, multipliers and magnitudes by value."""

    numbers: dict[str, int]  # "zero" .. "ninety" (no compounds)
    multipliers: dict[str, tuple[int, bool]]  # word (singular or plural) -> (factor, rounds)
    plurals: frozenset[str]  # the plural forms among the multipliers
    articles: frozenset[str]  # "a", "an"
    joiners: frozenset[str]  # "and", "&", ","
    shares: dict[str, Fraction]  # "a half" -> 1/2: what "and a half" adds
    point: str  # the decimal point in words ("two point five"); "" for none


class Spelled(NamedTuple):
    """Number words combined: ``mantissa * 10**exponent``, whether it rounds; or why not, and where."""

    problem: str | None  # "number_words", or None
    mantissa: int
    exponent: int
    rounds: bool
    at: int  # the character of the word that could not be combined (0 when read)
    why: str


def _refused(at: int, why: str) -> Spelled:
    return Spelled("number_words", 0, 0, False, at, why)


def combine(words: NumberWords, text: str) -> Spelled:
    """The number ``text`` spells (a run the grammar matched as number words), or why it is none."""
    tokens = [(match.group().lower(), match.start()) for match in _TOKEN.finditer(text)]
    total = Fraction(0)
    current = Fraction(0)  # the part since the last magnitude of a thousand or more
    said: list[str] = []  # the words read so far, to say what a word cannot follow
    last_magnitude = 0  # the last magnitude of a thousand or more, 0 before any
    last_factor = 0  # the factor of the last magnitude word, for "and a half" after it
    previous = ""  # the kind of the last word: "number", "multiplier", "magnitude", "share", ""
    rounds = False
    index = 0
    while index < len(tokens):
        word, at = tokens[index]
        index += 1
        before = " ".join(said)
        if word in words.joiners:
            said.append(word)
            continue
        if word == words.point:
            # Digit words after the point are decimals: "nine point nine nine nine" is 9.999.
            places = []
            while index < len(tokens) and words.numbers.get(tokens[index][0], 10) <= 9:
                places.append(str(words.numbers[tokens[index][0]]))
                index += 1
            if not places or previous not in ("", "number") or current != int(current):
                return _refused(
                    at, f"'{word}' cannot follow '{before}'" if said else f"no digits after '{word}'"
                )
            current += Fraction(int("".join(places)), 10 ** len(places))
            said.append(f"{word} {' '.join(places)}")
            previous, rounds = "decimals", False
            continue
        if word in words.articles:
            # "a million", "a hundred"; "and a half" is read below.
            following = tokens[index][0] if index < len(tokens) else ""
            if following in words.multipliers and previous == "" and not said:
                current, previous = Fraction(1), "article"
                said.append(word)
                continue
            share = f"{word} {following}"
            if share in words.shares and previous in ("number", "multiplier", "magnitude"):
                if current == 0:  # "a million and a half": half of the magnitude before
                    total += words.shares[share] * last_factor
                else:
                    current += words.shares[share]
                    rounds = False
                index += 1
                said.append(share)
                previous = "share"
                continue
            return _refused(at, f"'{word}' cannot stand here")
        if word in words.numbers:
            value = words.numbers[word]
            whole = int(current)
            fits = (
                current == whole
                and previous not in ("share", "decimals")
                and (
                    whole % 100 == 0  # nothing under a hundred yet: "two hundred [and] five"
                    or (whole % 100 >= 20 and whole % 10 == 0 and 0 < value < 10)  # "forty-five"
                )
            )
            if value == 0 and (said or index < len(tokens)):
                fits = False  # "zero" is a number alone
            if not fits:
                return _refused(at, f"'{word}' cannot follow '{before}'")
            current += value
            said.append(word)
            previous, rounds = "number", False
            continue
        if word in words.multipliers:
            factor, rounding = words.multipliers[word]
            if word in words.plurals and previous not in (
                "number",
                "share",
                "decimals",
                "multiplier",
                "magnitude",
            ):
                return _refused(at, f"'{word}' needs a number before it")
            if factor < 1000:
                # "hundred", "dozen": multiply the number under a hundred before it (or one).
                whole = int(current)
                if previous in ("", "article") and current <= 1:
                    current = Fraction(factor)
                elif previous in ("number", "share", "decimals") and 0 < current < 100:
                    current *= factor
                else:
                    return _refused(at, f"'{word}' cannot follow '{before}'")
                said.append(word)
                previous, rounds = "multiplier", rounding
                continue
            if previous == "magnitude" and current == 0 and factor > last_magnitude:
                total *= factor  # "one thousand crore", "a thousand million"
            elif previous in ("", "article"):
                total, current = total + (current or 1) * factor, Fraction(0)
            elif current > 0 and (last_magnitude == 0 or factor < last_magnitude):
                total, current = total + current * factor, Fraction(0)
            else:
                return _refused(at, f"'{word}' cannot follow '{before}'")
            last_magnitude = max(last_magnitude, factor) if previous == "magnitude" else factor
            last_factor = factor
            said.append(word)
            previous, rounds = "magnitude", rounding
            continue
        return _refused(at, f"'{word}' is not a number word")
    if previous in ("", "article") or (said and said[-1] in words.joiners):
        return _refused(len(text), f"'{' '.join(said)}' ends before its number")
    number = total + current
    exponent = 0
    while number.denominator != 1:
        if exponent < -15:
            return _refused(0, f"'{text}' is not a whole number of tenths")
        number *= 10
        exponent -= 1
    mantissa = int(number)
    while mantissa and mantissa % 10 == 0:
        mantissa, exponent = mantissa // 10, exponent + 1
    return Spelled(None, mantissa, exponent, rounds, 0, "")
