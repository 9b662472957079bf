"""How phrases are written: whitespace, lexicon keys, and a phrase shown in a message.

The patterns are compiled with ``re.ASCII``, which keeps digits and letters to ASCII, so the
whitespace between words is spelled out here: ASCII whitespace and the Unicode space
separators (no-break, thin and narrow spaces turn up in copied text).

Examples:
    >>> key(" About   5,000 ")
    'about 5,000'
    >>> number_key("Twenty-five")
    'twenty five'

"""

from __future__ import annotations

import re

#: Phrases longer than this many characters are refused: a figure phrase is short, and the
#: bound keeps reading time small and linear whatever the input.
MAX_LENGTH = 200

SPACE_CHARS = "\t\n\v\f\r \u00a0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
SPACE_CLASS = r"\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
SPACE = f"[{SPACE_CLASS}]"  # one whitespace character between words, as a pattern
GUARD = r"(?![a-z0-9])"  # a word ends here
FLAGS = re.IGNORECASE | re.ASCII
SPACE_RUN = re.compile(f"{SPACE}+")
SPACE_OR_HYPHEN_RUN = re.compile(rf"[{SPACE_CLASS}\-]+")
#: The spaces a numeral may group its thousands with ("10 000", as SI and French print them):
#: a space, a no-break space, a thin space and a narrow no-break space.
THOUSANDS_SPACES = " \u00a0\u2009\u202f"
NO_SEPARATORS = str.maketrans("", "", ",." + THOUSANDS_SPACES)  # digits without separators and point
FIRST_WORD = re.compile(rf"\A([^{SPACE_CLASS}]{{1,20}})")
SHOWN = 60  # the characters of a phrase a message quotes


def key(text: str) -> str:
    """A lexicon key as written in a phrase: lower case, single spaces.

    Examples:
        >>> key("  At   Least ")
        'at least'

    """
    return SPACE_RUN.sub(" ", text.lower()).strip(" ")


def number_key(text: str) -> str:
    """A number word as a key: "Twenty-five" and "twenty five" are both "twenty five".

    Examples:
        >>> number_key("Ninety-Nine")
        'ninety nine'

    """
    return SPACE_OR_HYPHEN_RUN.sub(" ", text.lower()).strip(" ")


def shown(text: str) -> str:
    """A phrase as a message quotes it: at most :data:`SHOWN` characters, then an ellipsis.

    Examples:
        >>> shown("5" * 70)[-3:]
        '55…'

    """
    return text if len(text) <= SHOWN else text[:SHOWN] + "…"
