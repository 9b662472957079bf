"""What can be wrong with a phrase: a reason code per problem, its message and its hint, in one place.

Both readers report a phrase they cannot read by the code of its first problem (the order of
:data:`PROBLEMS`); :func:`error` writes one as a :class:`~reconcile.errors.ParseError`,
:func:`render` writes a column of them, word for word the same.

Examples:
    >>> print(error("hedge_alone", "about", 5, hedge="about"))
    no number after 'about' at character 5 of 'about': write a number after the hedge, e.g. 'about 5,000'

"""

from __future__ import annotations

import string
from collections.abc import Mapping

import numpy as np
import numpy.typing as npt

from reconcile.errors import ParseError, Reason
from reconcile.phrases.grammar import Grammar
from reconcile.phrases.text import FIRST_WORD, key, shown

Objects = npt.NDArray[np.object_]
Bools = npt.NDArray[np.bool_]

#: Each problem a phrase can have, by reason code (the value of a :class:`~reconcile.errors.Reason`
#: member, such as ``Reason.UNKNOWN_NOUN == "unread"``): (problem, hint). The problem is formatted
#: with the fields in braces; the hint is the same for every phrase with that problem. The
#: order is the order of the checks: a phrase reports the first problem it has.
PROBLEMS: dict[str, tuple[str, str]] = {
    "not_text": ("the row holds no text", "pass each phrase as a string; drop rows without one"),
    "empty": ("the phrase is empty", "pass a figure phrase such as 'about 5,000 militants'"),
    "long": (
        "the phrase is {length} characters long, more than the {limit} read",
        "pass one figure phrase, not running text",
    ),
    "unread": (
        "cannot read '{word}' at character {position} of '{shown}'",
        "give one figure per phrase, with its hedge and what it counts; leave places, dates and "
        "other numbers out",
    ),
    "number_words": (
        "cannot combine the number words '{words}': {why}, at character {position} of '{shown}'",
        "write the number in digits, e.g. '2,645', or in words as English says it, e.g. 'two thousand "
        "six hundred and forty-five'",
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
#: The reason codes, in the order of the checks; the column reader numbers them so.
CODES = list(PROBLEMS)


def error(code: str, text: str, position: int, **fields: str) -> ParseError:
    """The :class:`ParseError` for problem ``code`` of ``text``, found at ``position``.

    Examples:
        >>> print(error("empty", " ", 0))
        the phrase is empty: pass a figure phrase such as 'about 5,000 militants'

    """
    problem, hint = PROBLEMS[code]
    return ParseError(
        problem.format(shown=shown(text), position=str(position), **fields),
        hint=hint,
        reason=Reason(code),
        text=text,
        position=position,
    )


def diagnosis(grammar: Grammar, text: str) -> ParseError:
    """Why a phrase the pattern refuses cannot be read, and where reading stopped.

    Examples:
        >>> from reconcile.phrases.grammar import grammar_for
        >>> diagnosis(grammar_for(None), "5,000 cats in Mosul").position
        11

    """
    found = grammar.diagnose.match(text)
    assert found is not None  # the pattern's last alternative matches any text
    rest = found["rest"]
    position = len(text) - len(rest)
    first_word = FIRST_WORD.match(rest)
    word = first_word[1] if first_word else ""
    if found["head"] is not None:
        spelled: str = found["words"] or ""
        suffix: str = found["suf1"] or ""
        if not spelled and suffix and found["rsep"] is None and key(suffix) in grammar.magnitudes:
            spelled = found["n1"] + suffix  # "2 thousand six hundred"
        run = grammar.number_run.match(rest) if spelled and found["noun"] is None else None
        if run is not None:
            why = "digits and number words cannot be mixed" if found["words"] is None else "it stops here"
            return error("number_words", text, position, words=spelled + found["gap"] + run[1], why=why)
        return error("unread", text, position, word=word)
    if found["hedge"] is not None:
        return error("hedge_alone", text, position, hedge=key(found["hedge"]))
    return error("not_figure", text, position, word=word)


def render(code: str, fields: Mapping[str, Objects | str], rows: Bools) -> Objects:
    """The problems ``code`` names for ``rows``, worded exactly as :func:`error` words them.

    ``fields`` holds, for each field of the problem, one text or a column to take ``rows`` of.
    The hint is not part of it: it is ``PROBLEMS[code][1]``, the same for every row.

    Examples:
        >>> render("hedge_alone", {"hedge": "about", "position": np.array(["0", "5"], dtype=object),
        ...                        "shown": np.array(["x", "about"], dtype=object)}, np.array([False, True]))
        array(["no number after 'about' at character 5 of 'about'"], dtype=object)

    """
    message = np.full(int(rows.sum()), "", dtype=object)
    for literal, name, _, _ in string.Formatter().parse(PROBLEMS[code][0]):
        message = message + literal
        if name is not None:
            part = fields[name]
            message = message + (part if isinstance(part, str) else part[rows])
    return message
