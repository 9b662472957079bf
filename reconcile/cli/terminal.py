"""The one way the ``reconcile`` command shows text it did not write itself: printed, never obeyed.

A claims file is somebody else's text. A claim id, a source, a quote, a place, a relation, a
note or a file name can hold characters a terminal obeys instead of printing: an escape
sequence that clears the screen, retitles the window or hides a link (ESC, BEL and the other
C0 and C1 controls, DEL), a line or paragraph separator (U+2028, U+2029) or a bidirectional
override or isolate (U+202A–U+202E, U+2066–U+2069, and the marks U+200E, U+200F, U+061C)
that makes text read in another order than it is stored. Everything the command prints
that came from its input passes through :func:`safe`, which shows each such character as
``�`` (one character for one, so a caret under a line still points at the right place), and
is printed as a rich :class:`~rich.text.Text`, so brackets such as ``[bold]`` or
``[link=...]`` are shown as written, never read as markup (:func:`safe_text`).

A JSON report keeps the data exact: :func:`safe_json` writes those characters as JSON's
escapes (a backslash, ``u`` and four hex digits), which read back as the same text. A CSV
report printed on a terminal is shown through :func:`safe`; piped or written to a file it
holds the data as it is.
"""

from __future__ import annotations

import unicodedata

from rich.text import Text

__all__ = ["SHOWN_AS", "safe", "safe_json", "safe_text"]

#: What a character a terminal would obey is shown as.
SHOWN_AS = "\N{REPLACEMENT CHARACTER}"

# Line and paragraph separators, bidirectional embeddings, overrides, isolates and marks.
_INVISIBLE = (0x2028, 0x2029, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)
# Every control character (C0, DEL, C1), tab and line feed apart, and the characters above.
_HIDDEN = (
    *(code for code in range(0xA0) if unicodedata.category(chr(code)) == "Cc" and chr(code) not in "\t\n"),
    *_INVISIBLE,
)
_LINES = dict.fromkeys(_HIDDEN, SHOWN_AS)
_ONE_LINE = {**_LINES, ord("\n"): SHOWN_AS}
# JSON escapes C0 controls itself; the rest are written as escapes, which read back the same.
_JSON = {code: f"\\u{code:04x}" for code in _HIDDEN if code >= 0x7F}


def safe(text: object, *, one_line: bool = False) -> str:
    r"""``text`` (``str`` of it) with every character a terminal would obey shown as ``�``.

    Tabs are kept, and so are line feeds unless ``one_line``: a cell of a table may run over
    lines, an ``error:`` line or a note may not.

    Examples:
        >>> safe("Mosul\x1b[2J\x1b]0;pwned\x07 \u202eIOM\u202c")
        'Mosul�[2J�]0;pwned� �IOM�'
        >>> safe("two\nlines\r"), safe("two\nlines", one_line=True)
        ('two\nlines�', 'two�lines')

    """
    return str(text).translate(_ONE_LINE if one_line else _LINES)


def safe_text(text: object, style: str = "", *, one_line: bool = False) -> Text:
    """:func:`safe` ``text`` as a rich ``Text`` in ``style``: brackets in it are shown, never read as markup.

    Examples:
        >>> safe_text("[bold]x[/bold]").plain
        '[bold]x[/bold]'

    """
    return Text(safe(text, one_line=one_line), style=style)


def safe_json(text: str) -> str:
    r"""JSON text with the characters :func:`safe` hides written as ``\uXXXX`` escapes (the same data).

    JSON writes its syntax in ASCII, so these characters can only stand inside a string,
    where an escape reads back as the character itself.

    Examples:
        >>> import json
        >>> written = safe_json(json.dumps(["\u202eIOM", "\x9b2J"], ensure_ascii=False))
        >>> written, json.loads(written) == ["\u202eIOM", "\x9b2J"]
        ('["\\u202eIOM", "\\u009b2J"]', True)

    """
    return text.translate(_JSON)
