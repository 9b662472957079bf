"""The tokens of relation text, and the errors that point at a character of it.

:mod:`reconcile.relations.terms` reads a relation from these tokens: names (paths of words,
or names the claims give, read whole), numbers, quoted names, comparisons, signs, ``*``, a
time suffix (``@start``, ``@end``), and the brackets and commas of ``union(part, part)``. An
error in relation text names the character, and shows it with a caret (:func:`relation_error`).
A number is held to what a relation's arithmetic can hold (:func:`checked_number`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from reconcile.errors import Reason, RelationError

# A name as written without backticks: a path of words (letters, digits, '_', '.', apostrophes)
# separated by '/', a word of a part separated from the next by spaces (no operator is a
# space, so "troops/us army" is one name). It starts with a letter or '_', so that a number
# is never a name. A '-' is a minus unless a known name holds it (see known_names).
_WORDS = r"[\w.'’]+(?:[ \t]+[\w.'’]+)*"

_NAME = rf"[^\W\d][\w.'’]*(?:[ \t]+[\w.'’]+)*(?:/{_WORDS})*"

# A time suffix is the word written right after '@' ('@end'); '@' alone, or before a space,
# is read too, so that the reader can say what belongs there.
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<number>(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?%?)
  | (?P<name>{_NAME})
  | (?P<quoted>`[^`]*`)
  | (?P<operator><=|>=|==|=|≤|≥)
  | (?P<sign>[+\-−])
  | (?P<times>[*×·])
  | (?P<at>@\w*)
  | (?P<open>\()
  | (?P<close>\))
  | (?P<comma>,)
    """,
    re.VERBOSE,
)

_READ_WHOLE = re.compile(rf"{_NAME}\Z")

# Where a known name may end: before a space, an operator, a sign, a '*', a backtick, '@', or
# the ',' or ')' of a union's parts.
_NAME_END = r"(?=[\s`+\-−=<>≤≥*×·@,)]|\Z)"

_HINT = (
    "write a relation as sums of quantities on both sides of '=', '<=' or '>=', e.g. "
    "'troops/foreign = troops/us + troops/coalition'; a term may be multiplied by numbers or "
    "by figures named in figures=; quote a name with other characters in backticks"
)

#: The largest size of a number in a relation, written (``2 * b``, ``+ 1,500``) or multiplied
#: out in a term (``2 * 3 * b``): 10**15, the size from which figure phrases are refused as too
#: large to be reported figures (:data:`reconcile.phrases.numbers.LARGE`). Relations are solved
#: in floats, whose largest is about 1.8e308: a coefficient of this size times a figure below
#: 10**15 stays below 10**30, and so do the bounds propagation divides by a coefficient, so even
#: chains of relations each multiplying by it stay finite for some twenty links. A larger number
#: is no ratio between reported figures: ``d = 1e308 * a`` overflows to infinity, which reads as
#: a conflict no claim makes, and ``1e999`` is infinite.
LARGEST = 1e15
#: The smallest size of a number in a relation other than 0 (10**-15): its inverse is
#: :data:`LARGEST`, as propagation divides by coefficients.
SMALLEST = 1e-15
_BOUNDS_HINT = (
    f"a relation's numbers are ratios between reported figures: 0, or between {SMALLEST:g} and "
    f"{LARGEST:g} in size; give the quantities in units that keep their ratio within that (a "
    "count in thousands, say), or leave the term out"
)

#: A token: its kind (``name``, ``number``, ``quoted``, ``operator``, ``sign``, ``times``,
#: ``at``, ``open``, ``close``, ``comma`` or ``end``), its text, and the character where it starts.
Token = tuple[str, str, int]


def caret(text: str, position: int) -> str:
    """The text with a caret under the character at ``position``, for an error's details.

    Examples:
        >>> print(caret("a = b +", 7))
          a = b +
                 ^

    """
    return f"  {text}\n  {' ' * position}^"


def relation_error(
    problem: str, text: str, position: int, hint: str = _HINT, reason: Reason = Reason.MALFORMED_RELATION
) -> RelationError:
    """The error for a relation that cannot be read: the problem, where, and the caret under it.

    Examples:
        >>> relation_error("cannot read '?'", "a = ?", 4).position
        4

    """
    return RelationError(
        f"{problem} at character {position} of {text!r}",
        hint=hint,
        details=caret(text, position),
        reason=reason,
        text=text,
        position=position,
    )


def known_names(names: Iterable[str]) -> re.Pattern[str] | None:
    """The names the plain reading would not read whole, longest first, as one pattern.

    A name the plain reading reads whole ("troops/us army") needs no pattern: where it is
    written, that reading takes it, or a longer name it is the start of.

    Examples:
        >>> known_names(["troops/us", "deaths/pro-government"]).match("deaths/pro-government@end").group()
        'deaths/pro-government'
        >>> known_names(["troops/us"]) is None
        True

    """
    unusual = sorted(
        {name for name in names if not _READ_WHOLE.match(name)}, key=lambda name: (-len(name), name)
    )
    if not unusual:
        return None
    return re.compile(f"(?:{'|'.join(map(re.escape, unusual))}){_NAME_END}")


def tokenize(text: str, known: re.Pattern[str] | None = None) -> list[Token]:
    """The tokens of ``text``, spaces left out, ending with an ``end`` token; ``known`` names whole.

    Examples:
        >>> [kind for kind, _, _ in tokenize("stock@end = 2 * stock@start + `new people`")]
        ['name', 'at', 'operator', 'number', 'times', 'name', 'at', 'sign', 'quoted', 'end']
        >>> [kind for kind, _, _ in tokenize("pin = union(pin/health, pin/wash)")]
        ['name', 'operator', 'name', 'open', 'name', 'comma', 'name', 'close', 'end']

    """
    found_tokens = []
    position = 0
    while position < len(text):
        found = _TOKEN.match(text, position)
        whole = known.match(text, position) if known is not None else None
        if whole is not None and (
            found is None or (found.lastgroup in ("name", "number") and whole.end() > found.end())
        ):
            found = whole  # a known name, read whole before '-' (or any other sign) is an operator
            found_tokens.append(("name", found.group(), position))
        elif found is None or found.lastgroup is None:
            raise relation_error(f"cannot read {text[position]!r}", text, position)
        elif found.lastgroup != "space":
            found_tokens.append((found.lastgroup, found.group(), position))
        position = found.end()
    found_tokens.append(("end", "", len(text)))
    return found_tokens


def as_written(text: str, known: re.Pattern[str] | None, quantity: str, start: int) -> tuple[str, str] | None:
    """How the name ``quantity`` (in the term at ``start``) was cut from the word written.

    A word written without spaces ("deaths/civilians/pro-government") that was read as
    several tokens gives the word and the reading ("'deaths/civilians/pro' - 'government'");
    a name read as written gives None.

    Examples:
        >>> as_written("a = deaths/pro-government", None, "deaths/pro", 4)
        ('deaths/pro-government', "'deaths/pro' - 'government'")

    """
    read = tokenize(text, known)
    at = next(
        (
            n
            for n, (kind, token, where) in enumerate(read)
            if kind == "name" and where >= start and token == quantity
        ),
        None,
    )
    if at is None:
        return None

    def touching(a: int, b: int) -> bool:
        joined = read[a][2] + len(read[a][1]) == read[b][2]
        return joined and {read[a][0], read[b][0]} <= {"name", "number", "sign"}

    first = last = at
    while first > 0 and touching(first - 1, first):
        first -= 1
    while touching(last, last + 1):
        last += 1
    if first == last:
        return None
    pieces = read[first : last + 1]
    word = text[pieces[0][2] : pieces[-1][2] + len(pieces[-1][1])]
    said = " ".join(repr(token) if kind == "name" else token for kind, token, _ in pieces)
    return word, said


def number(token: str) -> float:
    """The number a ``number`` token writes: commas between thousands, a ``%`` a share.

    Examples:
        >>> number("1,500"), number("25%")
        (1500.0, 0.25)

    """
    share = token.endswith("%")
    value = float(token.rstrip("%").replace(",", ""))
    return value / 100 if share else value


def checked_product(numbers: list[float], text: str, position: int) -> float:
    """The product of a term's numbers (each :func:`checked_number`), if a relation can hold it.

    ``position`` is the term's. A 0 among the numbers makes the product 0; numbers that
    multiply to more than :data:`LARGEST` or less than :data:`SMALLEST` (0 in floats too)
    are the :class:`RelationError` of :func:`checked_number`.

    Examples:
        >>> checked_product([2.0, 0.5], "a = 2 * 0.5 * b", 4)
        1.0
        >>> checked_product([1e10, 1e10], "a = 1e10 * 1e10 * b", 4)
        Traceback (most recent call last):
        ...
        reconcile.errors.RelationError: the product of the term's numbers (1e+20) is too large ...

    """
    if not all(numbers):
        return 0.0
    product = math.prod(numbers)
    if product == 0:  # below the least float
        raise relation_error(
            f"the product of the term's numbers ({' * '.join(map(repr, numbers))}) is too small "
            "for a relation",
            text,
            position,
            hint=_BOUNDS_HINT,
            reason=Reason.OVERFLOW,
        )
    return checked_number(product, text, position)


def checked_number(value: float, text: str, position: int, written: str | None = None) -> float:
    """``value``, a number of the relation ``text``, if its arithmetic can hold it; else the error.

    A number is finite, and 0 or between :data:`SMALLEST` and :data:`LARGEST` in size.
    ``written`` is the token the number was read from, at ``position``; None for the numbers of
    a term multiplied out, the term starting at ``position``.

    Raises:
        RelationError: an infinite number (``1e999``), with :attr:`Reason.NOT_FINITE`; a number
            outside the bounds (``1e308``, ``1e-400``, or ``1e10 * 1e10`` multiplied out),
            with :attr:`Reason.OVERFLOW`. Its ``position`` is the number's, or the term's.

    Examples:
        >>> checked_number(2.0, "a = 2 * b", 4, "2")
        2.0
        >>> checked_number(number("1e999"), "a = 1e999 * b", 4, "1e999")
        Traceback (most recent call last):
        ...
        reconcile.errors.RelationError: '1e999' is too large for a float at character 4 of ...

    """
    # A number written with a digit other than 0 that reads as 0 is too small for a float.
    underflow = value == 0 and written is not None and bool(re.search("[1-9]", re.split("[eE]", written)[0]))
    if math.isfinite(value) and ((value == 0 and not underflow) or SMALLEST <= abs(value) <= LARGEST):
        return value
    if written is not None and not math.isfinite(value):
        problem, reason = f"{written!r} is too large for a float", Reason.NOT_FINITE
    else:
        said = repr(written) if written is not None else f"the product of the term's numbers ({value:g})"
        size = "small" if underflow or (math.isfinite(value) and abs(value) < SMALLEST) else "large"
        problem, reason = f"{said} is too {size} for a relation", Reason.OVERFLOW
    raise relation_error(problem, text, position, hint=_BOUNDS_HINT, reason=reason)
