"""A lexicon compiled: the phrase patterns and the lookups both readers share.

:func:`grammar_for` compiles a :class:`~reconcile.phrases.lexicon.Lexicon` once and keeps
its :class:`Grammar` for as long as the lexicon lives. The patterns never backtrack through
nested repetitions, so reading time grows linearly with the text.

Examples:
    >>> from reconcile.phrases.lexicon import Lexicon
    >>> grammar = grammar_for(Lexicon.default())
    >>> grammar is grammar_for(Lexicon.default())
    True
    >>> grammar.full.match("about 5,000")["hpart"]
    'about '

"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from fractions import Fraction
from typing import Any, NamedTuple

import numpy as np

from reconcile import _interval
from reconcile.errors import ArgumentError, Reason
from reconcile.phrases.entries import RULES
from reconcile.phrases.lexicon import Lexicon
from reconcile.phrases.text import FLAGS, GUARD, SPACE, SPACE_CLASS, SPACE_RUN, THOUSANDS_SPACES, key
from reconcile.phrases.words import NumberWords
from reconcile.units import canonical_unit, unit_named


class Suffix(NamedTuple):
    """What may follow a number: a magnitude (``mult * 10**exp``) or a percent sign."""

    mult: int
    exp: int
    rounds: bool
    percent: bool


NO_SUFFIX = Suffix(1, 0, False, False)


def _alternation(keys: Iterable[str]) -> str:
    """Lexicon keys as one regex alternation; a space matches a run of spaces.

    The keys are laid out as a tree of their shared beginnings ("as many as" and "as high
    as" share "as "), so the engine tries each character once rather than each key in turn.
    Along each branch a longer key is tried before a shorter one it extends, and the
    engine falls back to the shorter on failure: the longest key that lets the phrase read
    wins, as with the keys listed longest first.

    Examples:
        >>> _alternation(["about", "above", "at"])
        'a(?:bo(?:ut|ve)|t)'
        >>> _alternation(["over", "over the"]).startswith("over(?:[")
        True

    """
    tree: dict[str, Any] = {}
    for written in set(keys):
        node = tree
        for token in re.split(r"( )", written):
            for part in [token] if token == " " else list(token):
                node = node.setdefault(part, {})
        node[""] = {}
    return _branches(tree) or "(?!)"


def _branches(node: dict[str, Any]) -> str:
    """One node of :func:`_alternation`'s tree as a pattern: its branches, the end of a key last."""
    options = []
    for token in sorted(part for part in node if part):
        head = f"{SPACE}+" if token == " " else re.escape(token)
        options.append(head + _branches(node[token]))
    if "" in node:
        options.append("")
    if len(options) == 1:
        return options[0]
    return "(?:" + "|".join(options) + ")"


#: How many readings of words the lexicon does not know a grammar keeps (each asks pint once).
_OTHER_NOUNS_KEPT = 10_000


class Grammar:
    """A lexicon compiled: the phrase patterns and the lookups both readers share."""

    def __init__(self, lexicon: Lexicon) -> None:
        # What the one-phrase reader takes from the lexicon; the grammar keeps no reference to
        # the lexicon itself, so the lexicon can go (and take its grammar with it).
        self.hedges = lexicon.hedges
        self.magnitudes = frozenset(lexicon.magnitudes)
        self.magnitude_shares = lexicon.magnitude_shares
        self.fraction_shares = lexicon.fraction_shares
        magnitudes: dict[str, Suffix] = {}
        for word, magnitude in lexicon.magnitudes.items():
            mult, exp = magnitude.factor, 0
            while mult % 10 == 0:
                mult, exp = mult // 10, exp + 1
            magnitudes[word] = Suffix(mult, exp, magnitude.rounds, False)
        suffixes = dict(magnitudes)
        for abbreviation, word in lexicon.abbreviations.items():  # each names a magnitude
            suffixes[abbreviation] = magnitudes[word]
        for word in lexicon.percent:
            suffixes[word] = Suffix(1, 0, False, True)
        self.suffixes: dict[str, Suffix] = suffixes
        # Row 0 stands for "no suffix" in the column reader.
        self.suffix_index = {word: row for row, word in enumerate(suffixes, start=1)}
        rows = [NO_SUFFIX, *suffixes.values()]
        self.suffix_mult = np.array([row.mult for row in rows], np.int64)
        self.suffix_exp = np.array([row.exp for row in rows], np.int64)
        self.suffix_rounds = np.array([row.rounds for row in rows], np.bool_)
        self.suffix_percent = np.array([row.percent for row in rows], np.bool_)

        hedges = list(lexicon.hedges.values())
        self.hedge_index = {word: row for row, word in enumerate(lexicon.hedges, start=1)}
        self.hedge_rule = np.array([-1, *(RULES.index(hedge.rule) for hedge in hedges)], np.int64)
        self.hedge_min = np.array([0, *(round(hedge.min_share * 100) for hedge in hedges)], np.int64)
        self.hedge_max = np.array([0, *(round(hedge.max_share * 100) for hedge in hedges)], np.int64)
        # 0 where a hedge sets no limit in percentage points.
        self.hedge_points = np.array([0, *(hedge.points or 0 for hedge in hedges)], np.int64)
        # Whether plain numerals ending in groups of zeros, and plain percentages, are rounded.
        self.zeros_round = lexicon.trailing_zeros == "rounding"
        self.percent_rounds = lexicon.percentages == "rounding"

        small = {word: value for word, value in lexicon.number_words.items() if 0 <= value < 20}
        tens = {word: value for word, value in lexicon.number_words.items() if value in range(20, 100, 10)}
        ones = {word: value for word, value in small.items() if 1 <= value <= 9}
        numbers: dict[str, int] = {**small, **tens, **dict.fromkeys(lexicon.articles, 1)}
        for ten_word, ten in tens.items():
            for one_word, one in ones.items():
                numbers[f"{ten_word} {one_word}"] = ten + one
        self.numbers = numbers

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
                # "tens of thousands"; "several thousand", and "several thousands" as it is printed too.
                scales = [magnitude.plural] if entry.takes == "of" else [name, magnitude.plural]
                for scale in scales:
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
        self.words = _number_words(lexicon)
        self._other_nouns: dict[str, tuple[str | None, str]] = {}
        per = lexicon.connectives.get("per")
        # What joins the two units of a rate: "/" or the lexicon's "per".
        self._per = re.compile(r"\s*/\s*" + (rf"|\s+{re.escape(per)}\s+" if per else ""), re.IGNORECASE)
        self.full, self.diagnose, self.find = _patterns(lexicon)
        self.number_run = _number_run(lexicon)

    def other_noun(self, text: str) -> tuple[str | None, str]:
        """(unit, what is counted) of words after a number that the lexicon does not know.

        A unit ``reconcile.units`` knows ("km", "tonnes", "days") is the figure's unit;
        other words ("Rohingya", "cholera cases") name what the figure counts, in lower case
        with ``_`` for spaces and hyphens, and leave the unit as the phrase's default.

        Examples:
            >>> grammar = grammar_for(None)
            >>> grammar.other_noun("km"), grammar.other_noun("Cholera cases")
            (('kilometer', 'km'), (None, 'cholera_cases'))

        """
        found = self._other_nouns.get(text)
        if found is None:
            name = key(text).strip("'")
            counts = re.sub(r"[ \-/]+", "_", name)
            written = SPACE_RUN.sub(" ", text).strip(" '")
            parts = [part.strip(" ") for part in self._per.split(written)]
            units = [unit_named(part) for part in parts]
            unit = None
            if len(parts) <= 2 and all(units):
                unit = units[0] if len(units) == 1 else canonical_unit(f"({units[0]}) / ({units[1]})")
            if len(self._other_nouns) >= _OTHER_NOUNS_KEPT:  # a grammar lives as long as its lexicon
                self._other_nouns.clear()
            found = self._other_nouns[text] = (unit, counts)
        return found


def _number_words(lexicon: Lexicon) -> NumberWords:
    """The words :func:`~reconcile.phrases.words.combine` reads, from the lexicon."""
    multipliers = {lexicon.connectives["hundred"]: (100, False)}
    plurals = set()
    for word, magnitude in lexicon.magnitudes.items():
        multipliers[word] = (magnitude.factor, magnitude.rounds)
        if magnitude.plural:
            multipliers.setdefault(magnitude.plural, (magnitude.factor, magnitude.rounds))
            plurals.add(magnitude.plural)
    articles = frozenset(lexicon.articles)
    return NumberWords(
        numbers=dict(lexicon.number_words),
        multipliers=multipliers,
        plurals=frozenset(plurals),
        articles=articles,
        joiners=frozenset({lexicon.connectives["and"], "&", ","}),
        point=lexicon.connectives.get("point", ""),
        shares={
            word: Fraction(*pair)
            for word, pair in lexicon.fractions.items()
            if word.split(" ")[0] in articles
        },
    )


def _patterns(lexicon: Lexicon) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    """The patterns of a phrase, of where an unreadable one stops, and of figures in running text.

    The last finds a hedge and a number without the noun. Each repetition is of one
    character class, and the alternatives that follow one another start differently, so the
    engine never backtracks through nested repetitions: matching time grows linearly with
    the text.
    """
    w = SPACE
    mags = _alternation(lexicon.magnitudes)
    percent = _alternation(lexicon.percent)
    seps = set(lexicon.separators) | {sep for seps in lexicon.openers.values() for sep in seps}
    word_seps = _alternation(sep for sep in seps if sep[0].isalnum())
    symbol_seps = _alternation(sep for sep in seps if not sep[0].isalnum())
    and_, of = (_alternation([lexicon.connectives[name]]) for name in ("and", "of"))
    plurals = _alternation(magnitude.plural for magnitude in lexicon.magnitudes.values() if magnitude.plural)
    of_words = _alternation(word for word, entry in lexicon.quantities.items() if entry.takes == "of")
    scale_words = _alternation(word for word, entry in lexicon.quantities.items() if entry.takes == "scale")

    def numeral(i: int) -> str:
        """Digits, grouped in threes by commas or spaces or not at all, then decimals after a point."""
        spaced = rf"[0-9]{{1,3}}(?:[{THOUSANDS_SPACES}][0-9]{{3}})+(?![0-9])"  # "10 000"
        return rf"(?:[0-9]{{1,3}}(?:,[0-9]{{3}})+|{spaced}|[0-9]+)(?![0-9])(?:\.(?P<d{i}>[0-9]+))?(?![0-9])"

    suffix = (
        rf"(?:{_alternation(lexicon.abbreviations)}){GUARD}|{w}+(?:{mags}){GUARD}|{w}*(?:{percent}){GUARD}"
    )
    currency = rf"(?:{_alternation(lexicon.currencies)}){w}*"

    def end(i: int) -> str:
        return rf"(?P<cur{i}>{currency})?(?P<n{i}>{numeral(i)})(?P<suf{i}>{suffix})?"

    separator = rf"(?P<rsep>{w}*(?:{symbol_seps}){w}*|{w}+(?:{word_seps}){w}+)"
    # With an opener ("between") the second end is required; without one it is optional.
    # A hedge after the opener, where none stands before it: "between about 3,000 and 5,000".
    inner = _alternation(word for word, hedge in lexicon.hedges.items() if not hedge.after)
    range_ = (
        rf"(?P<ropart>(?:{_alternation(lexicon.openers)}){w}+)?"
        rf"(?(ropart)(?(hpart)|(?P<rhedge>(?:{inner}){w}+)?)|){end(1)}"
        rf"(?:{separator}{end(2)})?(?(ropart)(?(rsep)|(?!)))"
    )
    fraction = rf"(?P<frac>{_alternation(lexicon.fractions)}){GUARD}"
    # Number words of any length, matched as a run and combined by reconcile.phrases.words:
    # a first word (a number, a multiplier, or an article before a multiplier), then more
    # number words joined by spaces, hyphens, commas, "and" or "&", and "and a half".
    singular = _alternation([lexicon.connectives["hundred"], *lexicon.magnitudes])
    number_word = _alternation([*lexicon.number_words, lexicon.connectives["hundred"], *lexicon.magnitudes])
    any_number_word = rf"(?:{number_word}|{plurals}){GUARD}"
    articles = _alternation(lexicon.articles)
    led = _alternation(word for word in lexicon.fractions if word.split(" ")[0] in lexicon.articles)
    first = (
        rf"(?:(?:{articles}){w}+(?:{singular})|(?:{_alternation(lexicon.number_words)}|{singular})){GUARD}"
    )
    joint = rf"(?:{w}*(?:,|&){w}*|[{SPACE_CLASS}\-]+)(?:(?:{and_}){w}+)?"
    share_tail = rf"{w}+(?:{and_}){w}+(?:{led}){GUARD}"
    # "two point three", "point five": a decimal point and digit words after it.
    digit_words = _alternation(word for word, value in lexicon.number_words.items() if 0 <= value <= 9)
    point = _alternation([lexicon.connectives["point"]] if "point" in lexicon.connectives else [])
    decimals = rf"(?:{point})(?:{w}+(?:{digit_words}){GUARD})+"
    first = rf"(?:{first}|{decimals})"
    words = (
        rf"(?P<words>{first}(?:{joint}{any_number_word}|{share_tail}|{w}+{decimals})*)"
        rf"(?P<wsuf>{w}*(?:{percent}){GUARD})?"
    )
    quantity = (
        rf"(?P<quantity>(?:{of_words})(?:{w}+(?:{of}){w}+(?:{plurals}))?"
        rf"|(?:{scale_words})(?:{w}+(?:{mags}|{plurals}))?){GUARD}"
    )
    body = rf"(?:{range_}|{fraction}|{words}|{quantity})"
    # A hedge after the number ("9,000-plus", "5,000 or more"), where none stands before it.
    after = _alternation(word for word, hedge in lexicon.hedges.items() if hedge.after)
    post = rf"(?(hpart)|(?:{w}*-?{w}*(?P<post>{after}){GUARD})?)"
    # A noun the lexicon knows, or up to four other words: a unit ("km") or what is counted.
    stop = _alternation(_not_nouns(lexicon))
    # A word of at most 40 letters, or a unit raised to a power ("km2", "km^2").
    word = rf"(?!(?:{stop}){GUARD})[a-z][a-z'\-]{{0,39}}(?:\^?[23])?(?![a-z0-9'\-^])"
    # Up to four words; "per" or "/" makes a rate ("200 kilometres per hour").
    per = _alternation([lexicon.connectives["per"]] if "per" in lexicon.connectives else [])
    between = rf"(?:{w}+(?:(?:{per}){w}+)?|{w}*/{w}*)"
    other = rf"(?P<other>{word}(?:{between}{word}){{0,3}})"
    # The noun follows a space, a hyphen ("27-kilometer", "two-year") or, a unit, the digits ("10kg").
    before = rf"(?:{w}+(?:(?:{of}){w}+)?|-|(?<=[0-9]))"
    noun = rf"(?:{before}(?:(?P<noun>{_alternation(lexicon.nouns)}){GUARD}|{other}))?"
    hedges = _alternation(word for word, hedge in lexicon.hedges.items() if not hedge.after)
    # A full stop may end the phrase, as it ends the sentence it was copied from.
    full = rf"\A(?P<lead>{w}*)(?P<hpart>(?:{hedges}){w}+)?{body}{post}{noun}(?P<trail>{w}*(?:\.{w}*)?)\Z"
    diagnose = (
        rf"\A(?:(?P<head>{w}*(?:(?P<hpart>(?:{hedges}){w}+))?{body}{post}{noun})|{w}*(?P<hedge>{hedges}){GUARD}|)"
        rf"(?P<gap>{w}*)(?P<rest>.*)\Z"
    )
    # In running text: a figure starts after a space or punctuation, not inside a word, an
    # identifier ("M23", "COVID-19"), a date or time ("2016/17", "10:30") or a phone number.
    find = (
        rf"(?<![0-9a-z@#/:.+\-_])(?P<hpart>(?:{hedges}){w}+)?{body}{post}"
        rf"(?![0-9a-z]|:[0-9]|/[0-9]|[.,][0-9])"
    )
    return re.compile(full, FLAGS), re.compile(diagnose, FLAGS | re.DOTALL), re.compile(find, FLAGS)


def _not_nouns(lexicon: Lexicon) -> set[str]:
    """The lexicon's stop words, and its hedge, range and number words: never read as a noun."""
    words = set(lexicon.stops) | set(lexicon.openers) | set(lexicon.separators)
    words |= {sep for seps in lexicon.openers.values() for sep in seps}
    words |= {part for hedge in lexicon.hedges for part in hedge.split(" ")}
    words |= {*lexicon.number_words, *lexicon.magnitudes, *lexicon.articles, *lexicon.percent}
    words |= set(lexicon.connectives.values())
    return {word for word in words if word[:1].isalpha()}


def _number_run(lexicon: Lexicon) -> re.Pattern[str]:
    """Number words, "hundred" and magnitudes in a row ("six hundred and forty-five thousand").

    Where reading stops at such a run right after a number in words, the phrase spells a
    number the grammar cannot combine ("two thousand six hundred"), not an unknown noun.
    """
    w = SPACE
    words = _alternation([*lexicon.number_words, lexicon.connectives["hundred"], *lexicon.magnitudes])
    and_ = _alternation([lexicon.connectives["and"]])
    part = rf"(?:(?:{and_}){w}+)?(?:{words}){GUARD}"
    return re.compile(rf"\A({part}(?:[{SPACE_CLASS}\-]+{part})*)", FLAGS)


# id(lexicon) -> its grammar. A Lexicon is immutable, so its grammar never goes stale; the
# entry goes when the lexicon does (the grammar keeps no reference to it).
_COMPILED: dict[int, Grammar] = {}


def grammar_for(lexicon: Lexicon | None) -> Grammar:
    """The compiled grammar of ``lexicon`` (:meth:`Lexicon.default` when None), built once.

    Raises:
        ArgumentError: ``lexicon`` is not a :class:`Lexicon`.

    Examples:
        >>> grammar_for(None).numbers["twenty five"]
        25
        >>> grammar_for("default")
        Traceback (most recent call last):
        ...
        reconcile.errors.ArgumentError: lexicon must be a Lexicon (got str): ...

    """
    if lexicon is None:
        lexicon = Lexicon.default()
    elif not isinstance(lexicon, Lexicon):
        raise ArgumentError(
            f"lexicon must be a Lexicon (got {type(lexicon).__name__})",
            hint="pass Lexicon.default(), Lexicon.conservative() or one built from them",
            reason=Reason.BAD_ARGUMENT,
        )
    grammar = _COMPILED.get(id(lexicon))
    if grammar is None:
        grammar = _COMPILED[id(lexicon)] = Grammar(lexicon)
        weakref.finalize(lexicon, _COMPILED.pop, id(lexicon), None)
    return grammar
