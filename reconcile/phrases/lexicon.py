"""The words read in figure phrases and the range each sets: :class:`Lexicon` and its entries.

The shipped words live in data, ``reconcile/lexicon.toml``, loaded once per reading
(:meth:`Lexicon.default`, :meth:`Lexicon.conservative`); callers load their own file with
:meth:`Lexicon.load` or extend a lexicon with its ``with_*`` methods. A lexicon is checked
whole when it is built, so a bad entry is refused there, not at the first phrase read.

Examples:
    >>> Lexicon.default().hedges["about"].rule
    'around'

"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any, Literal, TypeVar

from reconcile.errors import ArgumentError, Reason, ReconcileError
from reconcile.figure import ABOUT_MAX_SHARE, ABOUT_MIN_SHARE
from reconcile.phrases.entries import (
    ABOUT_POINTS,
    CLOSENESS,
    Hedge,
    HedgeRule,
    Magnitude,
    Noun,
    QuantityWord,
    hundredths,
    lexicon_error,
    lexicon_word,
)
from reconcile.phrases.text import key
from reconcile.units import canonical_unit

#: How a plain number that shows its rounding is read: as rounded, or as exact.
Reading = Literal["rounding", "exact"]
#: The readings of quantity words a lexicon file gives (:meth:`Lexicon.load`).
READINGS = ("default", "conservative")
#: The largest lexicon file read, in bytes. The shipped one is some 14,000: a file seventy
#: times larger is no list of words written by hand, and reading it whole (the TOML, then
#: every entry checked) would hold the caller for seconds.
MAX_LEXICON_BYTES = 1_000_000


@dataclass(frozen=True, slots=True, kw_only=True, weakref_slot=True)
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
        connectives: the grammar's small words, under the keys ``hundred``, ``and``, ``of``,
            and optionally ``point`` (a decimal point in words: "two point five million")
            and ``per`` (a rate: "200 kilometres per hour").
        stops: words that end the words after a number ("or", "in", "than", pronouns,
            ordinals): a phrase with one there is not one figure, and is refused.
        magnitude_shares: (min_share, max_share) for a plain number that shows its rounding:
            one with a rounding magnitude ("1 million"), a numeral ending in groups of three
            zeros ("547,000"), a percentage ("97%").
        fraction_shares: (min_share, max_share) for a fraction word alone.
        trailing_zeros: ``"rounding"`` (the default) reads a plain numeral that ends in
            groups of three zeros as rounded to the largest power of 1,000 dividing it
            ("547,000" is 546,500–547,500); ``"exact"`` reads every plain numeral as exact.
        percentages: ``"rounding"`` (the default) reads a plain percentage as rounded to its
            last digit ("97%" is 96.5–97.5%); ``"exact"`` reads it as exact.

    Examples:
        >>> from reconcile.phrases import parse
        >>> lexicon = Lexicon.default().with_hedge("circa", "around")
        >>> parse("circa 5,000", lexicon=lexicon).range_text()
        '4,500–5,500'
        >>> parse("several thousand", lexicon=Lexicon.conservative()).value
        3000.0
        >>> import dataclasses
        >>> counted = dataclasses.replace(Lexicon.default(), trailing_zeros="exact")
        >>> parse("547,000").range_text(), parse("547,000", lexicon=counted).range_text()
        ('546,500–547,500', '547,000')

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
    stops: tuple[str, ...] = ()
    magnitude_shares: tuple[float, float]
    fraction_shares: tuple[float, float]
    trailing_zeros: Reading = "rounding"
    percentages: Reading = "rounding"

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name in ("trailing_zeros", "percentages"):
            if getattr(self, name) not in ("rounding", "exact"):
                raise lexicon_error(
                    f"{name} must be 'rounding' or 'exact' (got {getattr(self, name)!r})",
                    f'write {name} = "rounding" or {name} = "exact" in the [plain] table',
                )
        set_(self, "hedges", _table("hedge", self.hedges, Hedge))
        set_(self, "quantities", _table("quantity word", self.quantities, QuantityWord))
        set_(self, "nouns", _table("noun", self.nouns, Noun))
        set_(self, "magnitudes", _table("magnitude", self.magnitudes, Magnitude))
        set_(self, "fractions", _table("fraction", self.fractions, tuple))
        set_(self, "abbreviations", _table("abbreviation", self.abbreviations, str))
        set_(self, "number_words", _table("number word", self.number_words, int))
        set_(self, "currencies", _table("currency sign", self.currencies, str))
        connectives = _table("connective", self.connectives, str)
        if not {"hundred", "and", "of"} <= set(connectives) <= {"hundred", "and", "of", "point", "per"}:
            raise lexicon_error(
                f"connectives must name 'hundred', 'and' and 'of', and may name 'point' and 'per' "
                f"(got {sorted(connectives)})",
                "e.g. {'hundred': 'hundred', 'and': 'and', 'of': 'of'}",
            )
        set_(
            self,
            "connectives",
            MappingProxyType({k: lexicon_word("connective", v) for k, v in connectives.items()}),
        )
        openers = _table("range opener", self.openers, (tuple, list))
        set_(
            self,
            "openers",
            MappingProxyType({word: _words("separator", seps) for word, seps in openers.items()}),
        )
        for name, kind in (
            ("articles", "article"),
            ("percent", "percent word"),
            ("separators", "separator"),
            ("stops", "stop word"),
        ):
            set_(self, name, _words(kind, getattr(self, name)))
        for name in ("magnitude_shares", "fraction_shares"):
            shares = getattr(self, name)
            if not isinstance(shares, (tuple, list)) or len(shares) != 2:
                raise lexicon_error(
                    f"{name} must be (min_share, max_share) (got {shares!r:.60})", "e.g. (0.0, 0.10)"
                )
            low, high = shares
            if hundredths(name, low) > hundredths(name, high):
                raise lexicon_error(
                    f"{name} must be (min_share, max_share) with min <= max", "e.g. (0.0, 0.10)"
                )
            set_(self, name, (float(low), float(high)))
        for abbreviation, word in self.abbreviations.items():
            if word not in self.magnitudes:
                raise lexicon_error(
                    f"the abbreviation {abbreviation!r} names {word!r}, which is not a magnitude",
                    "map abbreviations to words of the magnitudes table",
                )
        for word, pair in self.fractions.items():
            wholes = len(pair) == 2 and all(isinstance(n, int) and not isinstance(n, bool) for n in pair)
            if not wholes or not 0 <= pair[0] <= pair[1] or pair[1] == 0:
                raise lexicon_error(
                    f"the fraction {word!r} must be two whole numbers in [0, 1] (got {pair!r:.60})",
                    "e.g. [1, 2]",
                )
        for sign, unit in self.currencies.items():
            _located(f"the currency sign {sign!r}", functools.partial(canonical_unit, unit))

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
            >>> from reconcile.phrases import parse
            >>> parse("tens of thousands", lexicon=Lexicon.conservative()).range_text()
            '10,000–100,000'

        """
        return _shipped("conservative")

    @classmethod
    def load(cls, path: str | Path, *, reading: Literal["default", "conservative"] = "default") -> Lexicon:
        """A lexicon from a TOML file laid out as the shipped ``reconcile/lexicon.toml``.

        Raises:
            ArgumentError: the file cannot be opened, is larger than
                ``MAX_LEXICON_BYTES``, is not valid TOML, or misses a table or an entry,
                or one is of the wrong type or value (:attr:`Reason.BAD_LEXICON`: the message
                names the key, as ``hedges.about.min_share``); ``reading`` is neither
                ``"default"`` nor ``"conservative"``.

        Examples:
            >>> from importlib import resources
            >>> shipped = resources.files("reconcile") / "lexicon.toml"
            >>> Lexicon.load(str(shipped)) == Lexicon.default()
            True

        """
        if reading not in READINGS:
            raise ArgumentError(
                f"reading must be 'default' or 'conservative' (got {reading!r:.60})",
                hint="the file gives each quantity word a 'default' and a 'conservative' reading",
                argument="reading",
            )
        if not isinstance(path, str | os.PathLike):
            raise ArgumentError(
                f"a lexicon is loaded from a path (got {type(path).__name__})",
                hint="pass the path of a UTF-8 TOML file laid out as reconcile/lexicon.toml",
                argument="path",
            )
        try:
            with Path(path).open("rb") as file:
                data = file.read(MAX_LEXICON_BYTES + 1)  # no more: a huge file is refused unread
            text = data.decode("utf-8-sig")
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            raise ArgumentError(
                f"cannot open the lexicon {str(path)!r} ({exc})",
                hint="pass the path of a UTF-8 TOML file laid out as reconcile/lexicon.toml",
                reason=Reason.ENCODING if isinstance(exc, UnicodeDecodeError) else Reason.CANNOT_OPEN,
            ) from exc
        if len(data) > MAX_LEXICON_BYTES:
            raise ArgumentError(
                f"the lexicon {str(path)!r} is larger than {MAX_LEXICON_BYTES:,} bytes",
                hint="a lexicon lists words, as reconcile/lexicon.toml does (some 14,000 bytes)",
                reason=Reason.BAD_LEXICON,
                argument="path",
            )
        return _from_toml(text, reading)

    # -- extension ------------------------------------------------------------------------

    def with_hedge(
        self,
        word: str,
        rule: HedgeRule,
        *,
        min_share: float | None = None,
        max_share: float | None = None,
        points: int | None = None,
        example: str | None = None,
        after: bool = False,
    ) -> Lexicon:
        """A copy that reads ``word`` as a hedge with ``rule``, replacing any hedge of that name.

        Closeness rules take ``min_share``, ``max_share`` and ``points`` (by default those
        of "about": 0.05, 0.10 and 2 percentage points); ``"floor"``, ``"ceiling"`` and
        ``"exact"`` take none. With ``after=True`` the hedge follows the number ("5,000 or
        more").

        Examples:
            >>> from reconcile.phrases import parse
            >>> lexicon = Lexicon.default().with_hedge("well over", "floor")
            >>> parse("well over 1,000", lexicon=lexicon).range_text()
            '1,000–∞'

        """
        closeness = rule in CLOSENESS
        hedge = Hedge(
            rule=rule,
            min_share=(ABOUT_MIN_SHARE if closeness else 0.0) if min_share is None else min_share,
            max_share=(ABOUT_MAX_SHARE if closeness else 0.0) if max_share is None else max_share,
            points=(ABOUT_POINTS if closeness else None) if points is None else points,
            example=example,
            after=after,
        )
        return dataclasses.replace(self, hedges={**self.hedges, lexicon_word("hedge", word): hedge})

    def with_noun(self, word: str, *, unit: str, counts: str | None = None) -> Lexicon:
        """A copy that reads ``word`` after a number as a noun with ``unit`` and ``counts``.

        Examples:
            >>> from reconcile.phrases import parse
            >>> lexicon = Lexicon.default().with_noun("IDPs", unit="person", counts="idps")
            >>> parse("7,619 IDPs", lexicon=lexicon).counts
            'idps'

        """
        return dataclasses.replace(
            self, nouns={**self.nouns, lexicon_word("noun", word): Noun(unit=unit, counts=counts)}
        )

    def with_quantity(
        self, word: str, *, low: float, value: float, high: float, takes: Literal["of", "scale"] = "of"
    ) -> Lexicon:
        """A copy that reads ``word`` as a quantity word with the range ``low``–``high``.

        Examples:
            >>> from reconcile.phrases import parse
            >>> lexicon = Lexicon.default().with_quantity("scores", low=40, value=60, high=100)
            >>> parse("scores of people", lexicon=lexicon).range_text()
            '40–100'

        """
        entry = QuantityWord(low=low, value=value, high=high, takes=takes)
        return dataclasses.replace(
            self, quantities={**self.quantities, lexicon_word("quantity word", word): entry}
        )

    def __repr__(self) -> str:
        sizes = ", ".join(
            f"{len(getattr(self, name))} {name}" for name in ("hedges", "quantities", "fractions", "nouns")
        )
        return f"Lexicon({sizes})"


def _words(kind: str, words: object) -> tuple[str, ...]:
    if not isinstance(words, (tuple, list)):
        raise lexicon_error(
            f"the {kind}s must be a list of words (got {words!r:.60})", "write e.g. ['to', '-']"
        )
    return tuple(lexicon_word(kind, word) for word in words)


def _table(kind: str, entries: object, of: type | tuple[type, ...]) -> Mapping[str, Any]:
    if not isinstance(entries, Mapping):
        raise lexicon_error(
            f"the {kind} table must be a mapping (got {type(entries).__name__})", "see lexicon.toml"
        )
    table: dict[str, Any] = {}
    for word, entry in entries.items():
        if not isinstance(entry, of) or (isinstance(entry, bool) and of is int):
            kinds = " or ".join(kind.__name__ for kind in (of if isinstance(of, tuple) else (of,)))
            raise lexicon_error(
                f"the {kind} {word!r} must map to a {kinds} (got {entry!r:.60})", "see lexicon.toml"
            )
        table[lexicon_word(kind, word)] = entry
    return MappingProxyType(table)


_T = TypeVar("_T")
_Path = tuple[str, ...]
_LAYOUT = "lay the file out as reconcile/lexicon.toml"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")


def _numbers(count: int, whole: bool) -> Callable[[Any], bool]:
    kind = _KINDS["whole" if whole else "number"][0]
    return lambda value: isinstance(value, list) and len(value) == count and all(map(kind, value))


# What a value of a lexicon file may be: a test, and what an error says it must be.
_KINDS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "text": (lambda value: isinstance(value, str), "a string"),
    "word": (lambda value: isinstance(value, str) and bool(key(value)), "a word (a non-empty string)"),
    "words": (
        lambda value: isinstance(value, list) and all(map(_KINDS["word"][0], value)),
        "a list of words",
    ),
    "bool": (lambda value: isinstance(value, bool), "true or false"),
    "number": (lambda value: isinstance(value, int | float) and not isinstance(value, bool), "a number"),
    "whole": (lambda value: isinstance(value, int) and not isinstance(value, bool), "a whole number"),
    "ends": (lambda value: _numbers(3, whole=False)(value), "three numbers: [low, value, high]"),
    "pair": (lambda value: _numbers(2, whole=True)(value), "two whole numbers: [numerator, denominator]"),
    "reading": (lambda value: value in ("rounding", "exact"), "'rounding' or 'exact'"),
}
# The layout of a lexicon file: a kind of value (or "unit"), a table of keys (a key ending in
# "?" may be left out), or [kind]: a table of entries keyed by words, each of that kind.
_FILE: dict[str, Any] = {
    "version?": "whole",
    "numbers": {"hundred": "word", "and": "word", "point?": "word", "articles": "words", "words": ["whole"]},
    "plain": {
        **{f"{kind}_{end}_share": "number" for kind in ("magnitude", "fraction") for end in ("min", "max")},
        "trailing_zeros?": "reading",  # optional: files older than the switches round
        "percentages?": "reading",
    },
    "hedges": [
        {
            "rule": "text",
            "min_share?": "number",
            "max_share?": "number",
            "points?": "whole",
            "example?": "text",
            "after?": "bool",
        }
    ],
    "magnitudes": [{"factor": "whole", "rounds": "bool", "plural?": "word"}],
    "abbreviations": ["text"],
    "quantities": [{"takes": "text", "default?": "ends", "conservative?": "ends"}],
    "fractions": ["pair"],
    "percent": {"words": "words"},
    "ranges": {"separators": "words", "openers": ["words"]},
    "currencies": ["unit"],
    "nouns": [{"unit": "unit", "counts?": "text"}],
    "grammar": {"of": "word", "per?": "word", "stops?": "words"},
}


def _bad(path: _Path, problem: str, hint: str = _LAYOUT) -> ArgumentError:
    """The error for the value at ``path`` of a lexicon file, named as TOML writes it (``currencies."$"``)."""
    where = ".".join(part if _BARE_KEY.match(part) else json.dumps(part, ensure_ascii=False) for part in path)
    return ArgumentError(
        f"cannot read the lexicon: {where}{problem}", hint=hint, reason=Reason.BAD_LEXICON, argument=where
    )


def _located(where: str | _Path, make: Callable[[], _T]) -> _T:
    """``make()``; an error it raises (an entry's, a unit's) is said at ``where`` in the lexicon."""
    try:
        return make()
    except ReconcileError as error:
        if isinstance(error, ArgumentError) and error.argument is not None:
            raise  # already says where
        if isinstance(where, str):
            raise ArgumentError(
                f"{where}: {error.problem}", hint=error.hint, reason=Reason.BAD_LEXICON
            ) from error
        raise _bad(where, f": {error.problem}", hint=error.hint) from error


def _check(value: Any, layout: Any, path: _Path = ()) -> None:
    """Refuse the first value of a lexicon file's data that breaks ``layout`` (:data:`_FILE`)."""
    if layout == "unit":
        _located(path, functools.partial(canonical_unit, value))
    elif isinstance(layout, str):
        accept, said = _KINDS[layout]
        if not accept(value):
            raise _bad(path, f" must be {said} (got {value!r:.60})")
    elif not isinstance(value, dict):
        raise _bad(path, f" must be a table (got {value!r:.60})")
    elif isinstance(layout, list):
        for word, entry in value.items():
            if not key(word):
                raise _bad((*path, word), " is not a word: a key of this table must have letters or signs")
            _check(entry, layout[0], (*path, word))
    else:
        keys = {name.rstrip("?"): name for name in layout}
        for name, written in keys.items():
            if name in value:
                _check(value[name], layout[written], (*path, name))
            elif not written.endswith("?"):
                raise _bad((*path, name), " is missing")
        for name in value:
            if name not in keys:
                raise _bad((*path, name), f" is not a key of this table (its keys: {', '.join(keys)})")


def _from_toml(text: str, reading: str) -> Lexicon:
    """The lexicon a TOML text laid out as ``reconcile/lexicon.toml`` says, each entry checked."""
    try:
        data = tomllib.loads(text)
    except (ValueError, RecursionError) as exc:  # tomllib.TOMLDecodeError is a ValueError
        why = "its arrays or tables nest too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise lexicon_error(
            f"cannot read the lexicon: it is not TOML ({type(exc).__name__}: {why})",
            f"{_LAYOUT}; the TOML reader names the line and column of the mistake",
        ) from None
    _check(data, _FILE)
    numbers, plain, ranges = data["numbers"], data["plain"], data["ranges"]

    def each(name: str, make: Callable[[str, Any], _T]) -> dict[str, _T]:
        return {
            word: _located((name, word), functools.partial(make, word, entry))
            for word, entry in data[name].items()
        }

    def quantity(word: str, entry: dict[str, Any]) -> QuantityWord:
        if reading not in entry:
            raise _bad(("quantities", word, reading), " is missing")
        return QuantityWord(
            **dict(zip(("low", "value", "high"), entry[reading], strict=True)), takes=entry["takes"]
        )

    def share(name: str) -> float:
        return _located(("plain", name), functools.partial(hundredths, name, plain[name]))

    return _located(
        "cannot read the lexicon",
        lambda: Lexicon(
            hedges=each("hedges", lambda _, entry: Hedge(**entry)),
            quantities=each("quantities", quantity),
            nouns=each("nouns", lambda _, entry: Noun(**entry)),
            fractions={word: tuple(pair) for word, pair in data["fractions"].items()},
            magnitudes=each("magnitudes", lambda _, entry: Magnitude(**entry)),
            abbreviations=data["abbreviations"],
            number_words=numbers["words"],
            articles=tuple(numbers["articles"]),
            percent=tuple(data["percent"]["words"]),
            currencies=data["currencies"],
            separators=tuple(ranges["separators"]),
            openers={word: tuple(separators) for word, separators in ranges["openers"].items()},
            connectives={
                "hundred": numbers["hundred"],
                "and": numbers["and"],
                "of": data["grammar"]["of"],
                **({"point": numbers["point"]} if "point" in numbers else {}),
                **({"per": data["grammar"]["per"]} if "per" in data["grammar"] else {}),
            },
            stops=tuple(data["grammar"].get("stops", ())),
            magnitude_shares=(share("magnitude_min_share"), share("magnitude_max_share")),
            fraction_shares=(share("fraction_min_share"), share("fraction_max_share")),
            trailing_zeros=plain.get("trailing_zeros", "rounding"),
            percentages=plain.get("percentages", "rounding"),
        ),
    )


@functools.cache
def _shipped(reading: str) -> Lexicon:
    text = resources.files("reconcile").joinpath("lexicon.toml").read_text(encoding="utf-8")
    return _from_toml(text, reading)
