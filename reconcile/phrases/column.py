"""Reading a column of phrases at once: :func:`parse_many`, by the rules and with the results of ``parse``.

One compiled pattern over the column (``Series.str.extract``), then column arithmetic, each
distinct phrase read once. A phrase that cannot be read keeps its row, with its reason code,
problem and hint as columns beside the message.

Examples:
    >>> parse_many(["about 5,000", "many"])[["value", "reason"]]
        value      reason
    0  5000.0        None
    1     NaN  not_figure

"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from itertools import chain
from typing import Any, Literal, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from reconcile._periods import AsOf, period
from reconcile.errors import ArgumentError, ParseError, Reason
from reconcile.figure import Source
from reconcile.phrases.entries import RULES
from reconcile.phrases.grammar import Grammar, grammar_for
from reconcile.phrases.lexicon import Lexicon
from reconcile.phrases.numbers import (
    DIGITS,
    MAX_DIGITS,
    OVER_100,
    TOO_LARGE,
    Bools,
    Ints,
    Numbers,
    about,
    column_last_digit,
    column_points_ends,
    column_thousands,
    decimals,
)
from reconcile.phrases.problems import CODES, PROBLEMS, render
from reconcile.phrases.read import check_source, given_unit
from reconcile.phrases.text import (
    FIRST_WORD,
    MAX_LENGTH,
    NO_SEPARATORS,
    SHOWN,
    SPACE_CHARS,
    SPACE_OR_HYPHEN_RUN,
    SPACE_RUN,
)
from reconcile.phrases.words import combine

Column = pd.Series  # a column of text, numbers or missing values

Objects = npt.NDArray[np.object_]
_NONE = np.array(None, dtype=object)  # None as an array, to fill object columns
_INT64_DIGITS = 10**18  # a mantissa below this fits an int64

# Rules beyond a hedge's own (which are indices into RULES).
_AROUND, _BELOW, _ABOVE, _FLOOR, _CEILING, _EXACT = range(len(RULES))
_RANGE, _QUANTITY = len(RULES), len(RULES) + 1


class _Groups:
    """The pattern's groups over a column of phrases: the text of each, None where unmatched."""

    def __init__(self, groups: dict[str, Objects], known: frozenset[str], rows: int) -> None:
        self.rows = rows
        self.known = known
        self.text = groups
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
                run = SPACE_OR_HYPHEN_RUN if number else SPACE_RUN
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
        :data:`DIGITS` or :data:`TOO_LARGE` for a numeral that :func:`numeral` refuses
        before reading it.
        """
        mantissa, exponent = np.zeros(self.rows, np.int64), np.zeros(self.rows, np.int64)
        problem = np.zeros(self.rows, np.int64)
        present = self.present[name]
        if not present.any():
            return mantissa, exponent, problem
        written = self.column(name).str.translate(NO_SEPARATORS)
        places = self.size(decimals, np.flatnonzero(present)).copy()
        long_ = written.str.len().to_numpy(np.int64) > MAX_DIGITS
        if long_.any():
            # Rare: only the significant digits count, as in numeral.
            significant = written[long_].str.lstrip("0")
            core = significant.str.rstrip("0")
            kept = significant.str.len().to_numpy(np.int64)
            core_size = core.str.len().to_numpy(np.int64)
            large = kept - places[long_] > MAX_DIGITS
            too_many = ~large & ((places[long_] > MAX_DIGITS) | (core_size > MAX_DIGITS))
            written[long_] = core.where(~large & ~too_many & (core_size > 0), "0").to_numpy()
            places[long_] -= np.where(large | too_many, 0, kept - core_size)
            long_problem = np.select([large, too_many], [TOO_LARGE, DIGITS], 0)
            problem[np.flatnonzero(present)[long_]] = long_problem
        mantissa[present] = written.astype(np.int64)
        exponent[present] = -places
        return mantissa, exponent, problem


def _extract(text: Column, pattern: re.Pattern[str]) -> dict[str, Objects]:
    """The named groups of ``pattern`` matched at the start of each text, None where unmatched.

    ``Series.str.extract`` without its per-cell conversions or its table: one match per
    text, the groups of all texts laid into one object array at once, a column per group.
    """
    names = sorted(pattern.groupindex, key=pattern.groupindex.__getitem__)
    empty = (None,) * pattern.groups
    match = pattern.match
    cells = text.tolist()
    found = (groups.groups() if (groups := match(cell)) else empty for cell in cells)
    flat = np.fromiter(chain.from_iterable(found), dtype=object, count=len(cells) * pattern.groups)
    table = flat.reshape(len(cells), pattern.groups)
    return {name: table[:, at] for at, name in enumerate(names)}


def _lookup(keys: Objects, table: Mapping[str, Any], missing: Any, dtype: Any) -> npt.NDArray[Any]:
    """``table[key]`` for each key; ``missing`` for None or unknown keys."""
    values = np.array([*table.values(), missing], dtype=dtype)
    # An object index hashes the keys as they are; Series.map(dict) would convert them.
    rows = pd.Index(list(table), dtype=object).get_indexer(pd.Index(keys, dtype=object, copy=False))
    return values[np.where(rows < 0, len(table), rows)]


def _objects(items: npt.NDArray[Any]) -> Column:
    """A column of text and None kept as objects (pandas would turn None into NaN)."""
    return pd.Series(items, dtype=object)


def _number_words_cut(grammar: Grammar, found: _Groups, rest: Objects) -> tuple[Objects, Objects]:
    """Where reading stopped after a number in words at more number words: both parts, as written.

    The column form of the check in :func:`diagnosis`; ``""`` on the rows it does not fit.
    """
    rows = np.arange(found.rows)
    magnitude = pd.Series(found.keys("suf1"), dtype=object).isin(list(grammar.magnitudes)).to_numpy()
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


class _Spelled(NamedTuple):
    """A column of number words combined: each a :class:`~reconcile.phrases.words.Spelled`, as columns."""

    problem: Bools
    mantissa: Ints
    exponent: Ints
    rounds: Bools
    at: Ints
    why: Objects
    refused: Ints  # DIGITS where the number has more digits than an int64 holds, else 0


def _spelled(grammar: Grammar, words: Objects, present: Bools) -> _Spelled:
    """:func:`~reconcile.phrases.words.combine` over a column, once per distinct run of words."""
    rows = len(words)
    runs = pd.unique(pd.Series(words[present], dtype=object))
    read = [combine(grammar.words, run) for run in runs]
    fits = [spelled.mantissa < _INT64_DIGITS for spelled in read]
    table: dict[str, list[Any]] = {
        "problem": [spelled.problem is not None for spelled in read],
        "mantissa": [spelled.mantissa if fit else 0 for spelled, fit in zip(read, fits, strict=True)],
        "exponent": [spelled.exponent for spelled in read],
        "rounds": [spelled.rounds for spelled in read],
        "at": [spelled.at for spelled in read],
        "why": [spelled.why for spelled in read],
        "refused": [0 if fit else DIGITS for fit in fits],
    }
    index = pd.Index(runs, dtype=object)
    where = np.full(rows, len(runs))
    where[present] = index.get_indexer(pd.Index(words[present], dtype=object))
    missing: dict[str, Any] = {
        "problem": False,
        "mantissa": 0,
        "exponent": 0,
        "rounds": False,
        "at": 0,
        "why": "",
        "refused": 0,
    }
    dtypes = {"problem": np.bool_, "rounds": np.bool_, "why": object}
    columns = {
        name: np.array([*values, missing[name]], dtype=dtypes.get(name, np.int64))[where]
        for name, values in table.items()
    }
    return _Spelled(**columns)


def _read_column(grammar: Grammar, text: Column, given: str | None) -> pd.DataFrame:
    """:func:`_read` for a column of distinct strings: the same readings, as columns."""
    rows = len(text)
    length = text.str.len().to_numpy(np.int64)
    blank = (text.str.strip(SPACE_CHARS).str.len() == 0).to_numpy()
    too_long = length > MAX_LENGTH
    readable = ~blank & ~too_long
    g = _Groups(_extract(text.where(readable, ""), grammar.full), grammar.known, rows)
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
    first = decimals(mantissa1 * mult[suffix1], exponent1 + exp[suffix1] - shift, percent, refused1)
    second = decimals(mantissa2 * mult[suffix2], exponent2 + exp[suffix2] - shift, percent, refused2)
    # "1.8 to 2.3 million": the second end's magnitude applies to the first too, unless that
    # puts the first above the second ("300 to 2 million").
    shared = decimals(mantissa1 * mult[suffix2], exponent1 + exp[suffix2] - shift, percent, refused1)
    use_shared = (
        is_range
        & (suffix1 == 0)
        & (suffix2 != 0)
        & ~grammar.suffix_percent[suffix2]
        & (shared.problem == 0)
        & (second.problem == 0)
        & (shared.value <= second.value)
    )
    first = Numbers(*(np.where(use_shared, a, b) for a, b in zip(shared, first, strict=True)))

    # Number words, each distinct run combined once (reconcile.phrases.words), then a percent.
    is_words = has["words"]
    spelled = _spelled(grammar, g.text["words"], is_words)
    word_percent = grammar.suffix_percent[word_suffix]
    word_shift = np.where(word_percent, 2, 0)
    words = decimals(spelled.mantissa, spelled.exponent - word_shift, word_percent, spelled.refused)

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
    rounds = (single & grammar.suffix_rounds[suffix1]) | (is_words & spelled.rounds)
    share = (is_number & percent) | (is_words & word_percent) | is_fraction

    # Hedges, and the rule each row is read by.
    hedge = np.where(has["post"], g.keys("post"), np.where(has["rhedge"], g.keys("rhedge"), g.keys("hpart")))
    hedge_row = _lookup(hedge, grammar.hedge_index, 0, np.int64)
    has_hedge = hedge_row != 0
    hedge_rule = grammar.hedge_rule[hedge_row]
    # A plain number at the precision it was printed with: a percentage to its last digit, a
    # whole numeral ending in groups of three zeros to the largest power of 1,000 dividing it.
    is_percent = (single & percent) | (is_words & word_percent)
    mantissa = np.where(is_words, spelled.mantissa, mantissa1)
    exponent = np.where(is_words, spelled.exponent, exponent1)
    percent_digits = mantissa * 10 ** np.clip(exponent, 0, 3)
    percent_places = np.maximum(-exponent, 0)
    printed_percent = is_percent & grammar.percent_rounds & ~has_hedge
    printed_zeros = single & (suffix1 == 0) & ~has["d1"] & (first.exponent >= 3) & grammar.zeros_round
    printed_zeros &= ~has_hedge
    plain = [is_fraction, rounds, printed_percent, printed_zeros]
    rule = np.select(
        [is_range, is_quantity, has_hedge, *plain], [_RANGE, _QUANTITY, hedge_rule, *[_AROUND] * 4], _EXACT
    )
    unit = np.select(
        [printed_percent, printed_zeros],
        [column_last_digit(percent_places), column_thousands(first.exponent)],
        unit,
    )
    fraction_min, fraction_max = (round(share * 100) for share in grammar.fraction_shares)
    magnitude_min, magnitude_max = (round(share * 100) for share in grammar.magnitude_shares)
    least, most = grammar.hedge_min[hedge_row], grammar.hedge_max[hedge_row]
    min_share = np.select([has_hedge, *plain], [least, fraction_min, *[magnitude_min] * 3], 0)
    max_share = np.select([has_hedge, *plain], [most, fraction_max, *[magnitude_max] * 3], 0)
    # A closeness hedge on a percentage moves it at most its points either side.
    closeness = has_hedge & (hedge_rule <= _ABOVE)
    points = np.where(is_percent & closeness, grammar.hedge_points[hedge_row], 0)

    # Units and what is counted.
    noun = g.keys("noun")
    noun_unit = _lookup(noun, grammar.noun_units, None, object)
    noun_counts = _lookup(noun, grammar.noun_counts, None, object)
    # Words the lexicon does not know: a unit, or what the figure counts; each read once.
    has_other = has["other"]
    if has_other.any():
        others = g.text["other"][has_other]
        read = {other: grammar.other_noun(other) for other in pd.unique(pd.Series(others, dtype=object))}
        units = _lookup(others, {other: unit for other, (unit, _) in read.items()}, None, object)
        counted = _lookup(others, {other: counts for other, (_, counts) in read.items()}, None, object)
        noun[has_other] = g.keys("other")[has_other]
        noun_unit[has_other] = units
        noun_counts[has_other] = np.where(pd.notna(units), _NONE, counted)
    has_noun = has["noun"] | has_other
    signs = np.where(has["cur1"], g.keys("cur1"), g.keys("cur2"))
    currency_unit = _lookup(signs, grammar.currency_units, None, object)
    has_currency = np.asarray(pd.notna(currency_unit))
    text_unit = np.where(pd.notna(noun_unit), noun_unit, np.where(has_currency, currency_unit, _NONE))
    text_unit = np.where(share & ~has_noun & ~has_currency, "dimensionless", text_unit)
    has_text_unit = np.asarray(pd.notna(text_unit))

    # The problems of the rows the pattern reads, in the order of PROBLEMS.
    separator = g.keys("rsep")
    opener = g.keys("ropart")
    pairs = np.where(has["ropart"], opener, "") + "|" + np.where(is_range, separator, "")
    bad_pair = is_range & ~pd.Series(pairs, dtype=object).isin(grammar.pairs).to_numpy()
    first_problem = np.where(is_number, first.problem, np.where(is_words, words.problem, 0))
    second_problem = np.where(is_range, second.problem, 0)
    around = RULES.index("around")
    checks: list[tuple[str, Bools, str]] = [
        ("number_words", is_words & spelled.problem, "spelled"),
        ("digits", first_problem == DIGITS, "first"),
        ("digits", second_problem == DIGITS, "second"),
        ("large", first_problem == TOO_LARGE, "first"),
        ("large", second_problem == TOO_LARGE, "second"),
        ("percent", first_problem == OVER_100, "first"),
        ("percent", second_problem == OVER_100, "second"),
        ("separator", bad_pair, "separator"),
        ("reversed", is_range & (first.value > second.value), "second"),
        ("hedge_range", is_range & has_hedge & (hedge_rule != around), "hedge"),
        ("hedge_quantity", is_quantity & has_hedge, "hedge"),
        ("noun_share", share & has_noun, "noun"),
        (
            "currency_noun",
            has_noun & has_currency & pd.notna(noun_unit) & (noun_unit != currency_unit),
            "noun",
        ),
        ("unit", has_text_unit & (text_unit != given) & (given is not None), "unit"),
    ]
    check = np.select([matched & condition for _, condition, _ in checks], list(range(len(checks))), -1)
    code = np.array([CODES.index(name) for name, _, _ in checks] + [-1])[check]

    # The ranges of the rows that read.
    ok = matched & (check == -1)
    close = ok & (rule <= _ABOVE)
    low, high = np.full(rows, np.nan), np.full(rows, np.nan)
    if close.any():
        low[close], high[close] = about(x[close], unit[close], min_share[close], max_share[close])
    capped = close & (points > 0)
    if capped.any():
        least, most = column_points_ends(percent_digits[capped], percent_places[capped], points[capped])
        low[capped], high[capped] = np.maximum(low[capped], least), np.minimum(high[capped], most)
    high = np.where(rule == _BELOW, x, high)
    low = np.where(rule == _ABOVE, x, low)
    high = np.where(close & share, np.minimum(high, 1.0), high)
    by_rule = [rule == _RANGE, rule == _QUANTITY, rule == _FLOOR, rule == _CEILING, rule == _EXACT]
    midpoint = first.value + (second.value - first.value) / 2
    value = np.select(by_rule[:2], [midpoint, quantity_value], x)
    low = np.select(by_rule, [first.value, quantity_low, x, 0.0, x], low)
    high = np.select(by_rule, [second.value, quantity_high, np.where(share, 1.0, np.inf), x, x], high)

    # Rows the pattern does not read: empty, too long, or stopping short of the end.
    code = np.where(blank, CODES.index("empty"), np.where(too_long, CODES.index("long"), code))
    position = np.where(too_long, MAX_LENGTH, 0)
    unread = readable & ~matched
    rest = np.full(rows, "", dtype=object)
    number_words = np.where(is_words & spelled.problem, g.strings("words", np.arange(rows)), "").astype(
        object
    )
    why = spelled.why.copy()
    stopped_at_hedge = np.full(rows, None, dtype=object)
    if unread.any():
        found = _Groups(_extract(text[unread], grammar.diagnose), grammar.known, int(unread.sum()))
        rest[unread] = found.strings("rest", np.arange(int(unread.sum())))
        stopped_at_hedge[unread] = found.keys("hedge")
        cut, run = _number_words_cut(grammar, found, rest[unread])
        gap = found.strings("gap", np.arange(len(run)))
        number_words[unread] = np.where(run != "", cut + gap + run, "")
        why[unread] = np.where(
            found.present["words"], "it stops here", "digits and number words cannot be mixed"
        )
        code[unread] = np.select(
            [found.present["head"] & (run != ""), found.present["head"], found.present["hedge"]],
            [CODES.index("number_words"), CODES.index("unread"), CODES.index("hedge_alone")],
            CODES.index("not_figure"),
        )
        position[unread] = length[unread] - pd.Series(rest[unread], dtype=object).str.len().to_numpy(np.int64)

    ok = code == -1
    error = np.full(rows, None, dtype=object)
    reason, problem, hints = error.copy(), error.copy(), error.copy()
    failing = np.flatnonzero(~ok & matched)
    if len(failing):
        # Where each problem lies, from the lengths of the groups before its word.
        body_at = g.size("lead", failing) + g.size("hpart", failing)
        first_at = np.where(
            is_words[failing],
            body_at,
            body_at + g.size("ropart", failing) + g.size("rhedge", failing) + g.size("cur1", failing),
        )
        after_first = first_at + g.size("n1", failing) + g.size("suf1", failing)
        sep = pd.Series(g.strings("rsep", failing), dtype=object)
        at = {
            "first": first_at,
            "second": after_first + g.size("rsep", failing) + g.size("cur2", failing),
            "separator": after_first
            + sep.str.len().to_numpy(np.int64)
            - sep.str.lstrip(SPACE_CHARS).str.len().to_numpy(np.int64),
            "hedge": g.size("lead", failing),
            "noun": length[failing]
            - g.size("trail", failing)
            - g.size("noun", failing)
            - g.size("other", failing),
            "spelled": body_at + spelled.at[failing],
        }
        at["unit"] = np.where(has_noun[failing], at["noun"], body_at)
        position[failing] = np.select(
            [check[failing] == index for index in range(len(checks))],
            [at[where] for _, _, where in checks],
            0,
        )
    if not ok.all():
        bad = np.flatnonzero(~ok)
        quoted = text.iloc[bad].str.slice(0, SHOWN).to_numpy(dtype=object)
        n1_text = g.strings("n1", bad) + g.strings("suf1", bad)
        n2_text = g.strings("n2", bad) + g.strings("suf2", bad)
        numbered = [
            index for index, (name, _, _) in enumerate(checks) if name in ("digits", "large", "percent")
        ]
        second_end = np.isin(check[bad], [index for index in numbered if checks[index][2] == "second"])
        fields: dict[str, Objects | str] = {
            "shown": quoted + np.where(length[bad] > SHOWN, "…", ""),
            "position": position[bad].astype(str).astype(object),
            "length": length[bad].astype(str).astype(object),
            "limit": str(MAX_LENGTH),
            "word": pd.Series(rest[bad], dtype=object)
            .str.extract(FIRST_WORD)[0]
            .fillna("")
            .to_numpy(dtype=object),
            "hedge": np.where(has_hedge[bad], hedge[bad], stopped_at_hedge[bad]),
            "words": number_words[bad],
            "why": why[bad],
            "number": np.where(
                is_words[bad],
                g.strings("words", bad) + g.strings("wsuf", bad),
                np.where(second_end, n2_text, n1_text),
            ),
            "separator": pd.Series(g.strings("rsep", bad), dtype=object).str.strip(SPACE_CHARS).to_numpy(),
            "first": n1_text,
            "second": n2_text,
            "quantity": quantity[bad],
            "noun": noun[bad],
            "noun_unit": noun_unit[bad],
            "currency_unit": currency_unit[bad],
            "text_unit": text_unit[bad],
            "given": repr(given),
        }
        for index in np.unique(code[bad]):
            these = code[bad] == index
            said, hint = render(CODES[index], fields, these), PROBLEMS[CODES[index]][1]
            reason[bad[these]], problem[bad[these]], hints[bad[these]] = CODES[index], said, hint
            error[bad[these]] = said + (": " + hint)

    return pd.DataFrame(
        {
            "low": np.where(ok, low, np.nan),
            "value": np.where(ok, value, np.nan),
            "high": np.where(ok, high, np.nan),
            "unit": _objects(np.where(ok, np.where(has_text_unit, text_unit, given or "person"), _NONE)),
            "hedge": _objects(np.where(ok, np.where(is_quantity, quantity, hedge), _NONE)),
            "counts": _objects(np.where(ok, noun_counts, _NONE)),
            "error": _objects(error),
            "reason": _objects(reason),
            "problem": _objects(problem),
            "hint": _objects(hints),
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
    would raise for it; the same failure is also given as data, for a program to filter or
    word in its own way: ``reason`` (a code, such as ``"unread"`` or ``"reversed"``),
    ``problem`` (what is wrong, where) and ``hint`` (what to do), ``error`` being
    ``problem + ": " + hint``.

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
        ``source``, ``via``, ``error``, ``reason``, ``problem`` and ``hint`` (the last four
        None where the phrase reads).

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
        >>> table.loc[2, ["reason", "problem"]].tolist()
        ['not_figure', "'many' does not start a figure phrase (in 'many')"]

    """
    if errors not in ("coerce", "raise"):
        raise ArgumentError(
            f"errors must be 'coerce' or 'raise' (got {errors!r})",
            hint="e.g. errors='raise'",
            reason=Reason.BAD_ARGUMENT,
        )
    grammar = grammar_for(lexicon)
    given = given_unit(unit)
    check_source(source)
    when = period(as_of)
    column = (texts if isinstance(texts, pd.Series) else pd.Series(list(texts), dtype=object)).astype(object)
    is_text = column.map(type).isin([str]).to_numpy()
    codes, distinct = pd.factorize(column.where(is_text, ""), use_na_sentinel=False)
    read = _read_column(grammar, pd.Series(distinct, dtype=object), given)
    taken = {name: read[name].to_numpy()[codes] for name in read.columns}
    not_text, not_text_hint = PROBLEMS["not_text"]

    def unless_text(column_read: str, otherwise: str) -> Objects:
        return np.where(is_text, taken[column_read], otherwise)

    error = unless_text("error", f"{not_text}: {not_text_hint}")
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
            "as_of": constant(when),
            "source": constant(name),
            "via": constant(channel),
            "error": constant(error),
            "reason": constant(unless_text("reason", "not_text")),
            "problem": constant(unless_text("problem", not_text)),
            "hint": constant(unless_text("hint", not_text_hint)),
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
            reason=Reason.UNREADABLE,
            text=str(table["text"].iloc[first]),
            position=int(np.where(is_text, taken["position"], 0)[first]),
            failures=failures,
        )
    return table


def value_ranges(
    values: Iterable[float], hedges: Iterable[object] | None = None, *, lexicon: Lexicon | None = None
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """The range each number allows when a table gives it as a bare value, with its hedge if any.

    A value is read as the phrase it would be printed as, after its hedge: 547000 alone as
    "547000" (rounded to the thousand: 546,500–547,500), 9606 as "9606" (exact), 547000 with
    the hedge "exactly" as "exactly 547000" (exact), 5000 with "about" as "about 5000"
    (4,500–5,500). A value without a hedge that no phrase prints (negative, not whole and not
    a short decimal, 10**15 or more) is exact. A hedge the lexicon does not read with the
    value gives NaN ends, for the caller to report.

    Args:
        values: the numbers.
        hedges: a hedge word per number, or None (blank) for each.
        lexicon: the words to read; :meth:`Lexicon.default` when None.

    Returns:
        The low ends and the high ends, as two arrays of floats.

    Examples:
        >>> low, high = value_ranges([547000, 9606, 547000, 5000], [None, None, "exactly", "about"])
        >>> low.tolist(), high.tolist()
        ([546500.0, 9606.0, 547000.0, 4500.0], [547500.0, 9606.0, 547000.0, 5500.0])

    """
    grammar = grammar_for(lexicon)
    numbers = np.asarray(values if isinstance(values, np.ndarray) else list(values), dtype=np.float64)
    cells = pd.Series([None] * len(numbers) if hedges is None else list(hedges), dtype=object)
    words = cells.fillna("").astype(str).str.strip().to_numpy(dtype=object)
    said = words != ""
    finite = np.isfinite(numbers)
    whole = finite & (numbers >= 0) & (numbers < 10.0**MAX_DIGITS) & (np.where(finite, numbers, 0.0) % 1 == 0)
    printed = numbers.astype(str).astype(object)
    printed[whole] = numbers[whole].astype(np.int64).astype(str)
    texts = np.where(said, words + " ", "") + printed
    codes, distinct = pd.factorize(pd.Series(texts, dtype=object))
    read = _read_column(grammar, pd.Series(distinct, dtype=object), None)
    low, high = read["low"].to_numpy()[codes], read["high"].to_numpy()[codes]
    unread = np.isnan(low) & ~said
    return np.where(unread, numbers, low), np.where(unread, numbers, high)
