"""Figure phrases to ranges: "about 5,000 militants" becomes a :class:`~reconcile.Figure`.

Reports give phrases, not numbers: "about 5,000", "at least 7,000", "3,000 to 5,000",
"tens of thousands", "half", "$1.2 million". :func:`parse` reads one phrase into a figure
whose range is what the words allow; :func:`parse_many` reads a column of phrases at once
into a table, by the same rules and with the same results. The words, and the range each
sets, live in data (``lexicon.toml``) loaded into a :class:`Lexicon` that callers can extend
or replace. Only English phrases are read.

The rules, each documented with an example in ``docs/phrases.md``:

- a plain number is read at the precision it was printed with: "9,606", "600" and "2.5" are
  exact; a numeral ending in groups of three zeros is rounded to the largest power of 1,000
  dividing it ("547,000" is 546,500–547,500), a percentage to its last digit ("97%" is
  96.5–97.5%), each at most 10% of it; "exactly 547,000" is exact;
- a number with a magnitude word that rounds ("1 million", "2.9m", "five thousand") allows
  its rounding, at most 10% of it; a fraction word alone ("half") is ±10% of itself;
- a closeness hedge ("about", "nearly", "just over") sets a range from the number's
  rounding (:meth:`Figure.about`), on both sides or on one, and moves a percentage a point
  or two at most ("about 97%" is 95–99%);
- a bound ("at least", "up to") leaves the other end open: ∞ above (1 for a share), 0 below;
- a range ("3,000 to 5,000") is read as stated, its value the midpoint;
- a quantity word ("dozens", "tens of thousands") reads from a table.

Inside, by job: ``lexicon`` (the words, as data), ``grammar`` (the patterns compiled from
a lexicon), ``problems`` (a reason code, message and hint per problem), ``numbers`` (exact
decimals and outward rounding), ``read`` (one phrase) and ``column`` (a column of them).

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

from reconcile.phrases.column import parse_many, value_ranges
from reconcile.phrases.entries import Hedge, HedgeRule, Magnitude, Noun, QuantityWord
from reconcile.phrases.lexicon import Lexicon
from reconcile.phrases.numbers import MAX_DIGITS
from reconcile.phrases.read import parse
from reconcile.phrases.text import MAX_LENGTH

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
    "value_ranges",
]
