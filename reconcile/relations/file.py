"""A relations file: one relation a line, and the figures the relations multiply by, defined by name.

The file an analyst writes beside a claims table (``reconcile check --relations FILE``)::

    # Civilian deaths by party, UNAMA 2019
    deaths/civilians = deaths/civilians/pro_government + deaths/civilians/anti_government
    deaths/civilians/pro_government = share * deaths/civilians   [as_of=2019]
    share = around a third

Blank lines and everything after a ``#`` outside backticks are skipped. A line whose left side
is one bare word (letters, digits, ``_``; no ``/``) that no claim gives as a ``counts`` path,
and whose right side reads as a figure phrase (``around a third``, ``about half``, ``between
4 and 6``: :func:`reconcile.parse`), **defines a figure** by that name for every relation of
the file, used before or after the line. Its unit is the phrase's, or none (``dimensionless``)
where the phrase names none. Every other line is a relation (:meth:`Relation.parse`), with the
names the claims give and the names the relations define read whole.

:func:`read_lines` reads each line or says why it cannot; :func:`read_relations` gives the
relations, or raises one error listing every bad line.
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from reconcile.errors import ArgumentError, ParseError, Reason, ReconcileError, RelationError
from reconcile.figure import Figure
from reconcile.phrases.lexicon import Lexicon
from reconcile.phrases.read import parse
from reconcile.relations.text import Relation
from reconcile.relations.tokens import caret

__all__ = ["FileLine", "read_lines", "read_relations"]

# A comment starts at a '#' outside `backticks` (which quote a name).
_UNCOMMENTED = re.compile(r"(?:[^#`]|`[^`]*`)*")
# A figure's definition: a bare word, '=' (not '=='), and the phrase.
_DEFINITION = re.compile(r"\s*(?P<name>[A-Za-z_]\w*)\s*=(?!=)\s*(?P<phrase>.*?)\s*\Z")
# Text with one of these is relations, not a path.
_RELATION_SIGNS = re.compile(r"[=<>≤≥\n\r]")
# What ends a line: only these, not the other characters str.splitlines splits at (U+2028,
# U+2029, VT, FF, \x1c-\x1e, \x85), which a line holds as spaces, so line numbers are an editor's.
_NEWLINE = re.compile(r"\r\n|\r|\n")
_BYTE_ORDER_MARK = "\ufeff"

_FIGURE_HINT = (
    "a line 'NAME = PHRASE' defines a figure when NAME is one word no claim gives as a counts path "
    "and PHRASE reads as a figure phrase (e.g. 'share = around a third'); multiply a quantity by it "
    "in a relation: 'deaths/civilians/pro_government = share * deaths/civilians'"
)


class FileLine(NamedTuple):
    """A line of a relations file: its relation or its figure, or why it cannot be read.

    Attributes:
        number: the line's number in the file, from 1.
        text: the line without its comment.
        relation: the relation it says (its ``figures`` those of the file it uses); None for a
            figure's line, or a line that cannot be read.
        figure: the figure it defines, with its name; None for a relation's line.
        error: why the line cannot be read (its ``position`` a character of ``text.strip()``);
            None for a line that can.

    Examples:
        >>> from reconcile.relations.file import read_lines
        >>> read_lines("share = about half")[0].figure[1].range_text()
        '0.45–0.55'

    """

    number: int
    text: str
    relation: Relation | None
    figure: tuple[str, Figure] | None
    error: ReconcileError | None


def read_lines(
    text: str, *, names: Iterable[str] | None = None, lexicon: Lexicon | None = None
) -> list[FileLine]:
    r"""Every line of a relations file that is not blank or a comment, read, or with its error.

    Args:
        text: the file's text.
        names: the ``counts`` paths the claims give: read whole in relations, and never the
            name of a figure. None when they are not known.
        lexicon: the words to read figure phrases with; :meth:`Lexicon.default` when None.

    Returns:
        One :class:`FileLine` per line that holds a relation or a figure, in the file's order.
        A figure defined twice is an error on its second line, naming both; a figure no
        relation uses is an error on its line (a line meant as a relation whose left side is
        no claim's path reads as a figure); where names are known, a ``NAME = PHRASE`` line
        whose phrase cannot be read and whose right side is no known quantity says why the
        phrase cannot be read.

    Examples:
        >>> lines = read_lines(
        ...     "pro = share * civilians   # UNAMA\n\nshare = about half\nshare = around a third\n",
        ...     names=["pro", "civilians"])
        >>> [(line.number, line.relation, line.figure and line.figure[0]) for line in lines]
        [(1, Relation('pro = share * civilians'), None), (3, None, 'share'), (4, None, 'share')]
        >>> lines[0].relation.figures[0][1].range_text()
        '0.45–0.55'
        >>> lines[2].error.problem
        "the figure 'share' is defined twice, on lines 3 and 4"

    """
    claimed = {name for name in names if isinstance(name, str)} if names is not None else set()
    written = _uncommented(text.removeprefix(_BYTE_ORDER_MARK))
    figures: dict[str, tuple[int, Figure]] = {}
    found: dict[int, FileLine] = {}
    unread: dict[int, tuple[str, int, ParseError]] = {}  # a NAME = PHRASE line whose phrase did not read
    for number, line in written:  # a file written by hand: a handful of lines
        definition = _DEFINITION.match(line)
        if definition is None or definition["name"] in claimed:
            continue
        name, phrase = definition["name"], definition["phrase"]
        try:
            figure = _figure(phrase, lexicon)
        except ParseError as error:
            unread[number] = (phrase, definition.start("phrase") - (len(line) - len(line.lstrip())), error)
            continue
        if name in figures:
            first = figures[name][0]
            found[number] = FileLine(
                number,
                line,
                None,
                (name, figure),
                RelationError(
                    f"the figure {name!r} is defined twice, on lines {first} and {number}",
                    hint="define each figure once: delete one of the lines or rename a figure",
                    details=caret(line.strip(), 0),
                    text=line.strip(),
                    position=0,
                    reason=Reason.MALFORMED_RELATION,
                ),
            )
        else:
            figures[name] = (number, figure)
            found[number] = FileLine(number, line, None, (name, figure), None)
    bound = {name: figure for name, (_, figure) in figures.items()}
    relations = _relations([(n, line) for n, line in written if n not in found], bound, claimed)
    defining = Counter(name for line in relations.values() if line.relation for name in line.relation.defines)
    for number, (phrase, start, unreadable) in unread.items():
        relation = relations[number].relation
        if names is not None and relation is not None and _unknown_right_side(relation, claimed, defining):
            relations[number] = relations[number]._replace(
                relation=None, error=_phrase_error(relation, phrase, start, unreadable)
            )
    found.update(relations)
    if not any(line.error for line in relations.values()):
        used = {name for line in relations.values() if line.relation for name, _ in line.relation.figures}
        for name, (number, _) in figures.items():
            if name not in used:
                found[number] = found[number]._replace(error=_unused(name, found[number].text.strip()))
    return [found[number] for number, _ in written]


def _uncommented(text: str) -> list[tuple[int, str]]:
    r"""Each line that is not blank once its comment is cut, with its number, right-stripped.

    Lines end at ``\n``, ``\r\n`` or ``\r`` only, as an editor numbers them.
    """
    written: list[tuple[int, str]] = []
    for number, line in enumerate(_NEWLINE.split(text), start=1):  # a handful of lines, written by hand
        before_comment = _UNCOMMENTED.match(line)
        # A backtick left open is the reader's to report, so the line is kept whole.
        opened = before_comment is None or line[before_comment.end() : before_comment.end() + 1] == "`"
        kept = (line if opened or before_comment is None else before_comment[0]).rstrip()
        if kept.strip():
            written.append((number, kept))
    return written


def _figure(phrase: str, lexicon: Lexicon | None) -> Figure:
    """The figure a phrase says; without a unit of its own, a plain number (``dimensionless``)."""
    try:
        return parse(phrase, unit="dimensionless", lexicon=lexicon)
    except ParseError as error:
        if error.reason is not Reason.PHRASE_UNIT:
            raise
    return parse(phrase, lexicon=lexicon)


def _relations(
    written: list[tuple[int, str]], figures: dict[str, Figure], claimed: set[str]
) -> dict[int, FileLine]:
    """The relations of the lines, read with the names the claims give and the relations define.

    A relation can define a name another uses, so the lines are read again while that adds names.
    """
    known = set(claimed)
    while True:
        lines: dict[int, FileLine] = {}
        for number, line in written:  # the file's lines
            try:
                relation = Relation.parse(line.strip(), figures=figures, names=known)
            except ReconcileError as error:
                lines[number] = FileLine(number, line, None, None, error)
                continue
            used = {name for term in relation.terms for name in term.figures}
            own = tuple((name, figure) for name, figure in relation.figures if name in used)
            lines[number] = FileLine(number, line, dataclasses.replace(relation, figures=own), None, None)
        defined = {name for line in lines.values() if line.relation for name in line.relation.defines} - known
        if not defined:
            return lines
        known |= defined


def _unknown_right_side(relation: Relation, claimed: set[str], defining: Counter[str]) -> bool:
    """Whether the right side of ``NAME = ...`` is one quantity no claim gives nor another relation defines.

    ``defining`` counts the relations that define each name, this one among them.
    """
    right = [term for term in relation.terms if term.side == "right"]
    if len(right) != 1 or right[0].quantity is None or right[0].figures or right[0].coefficient != -1:
        return False
    quantity = right[0].quantity
    return quantity not in claimed and defining[quantity] <= 1


def _phrase_error(relation: Relation, phrase: str, start: int, error: ParseError) -> RelationError:
    """The error for a ``NAME = PHRASE`` line whose phrase does not read: it was meant as a figure."""
    position = start + (error.position if isinstance(error.position, int) else 0)
    return RelationError(
        f"{phrase!r} is not a figure phrase ({error.problem}), nor a quantity a claim gives",
        hint=f"{error.hint}; {_FIGURE_HINT}",
        details=caret(relation.text, position),
        text=relation.text,
        position=position,
        reason=error.reason,
    )


def _unused(name: str, line: str) -> RelationError:
    return RelationError(
        f"the figure {name!r} is used by no relation",
        hint=f"{_FIGURE_HINT}; a line meant as a relation names on its left a counts path a claim gives",
        details=caret(line, 0),
        text=line,
        position=0,
        reason=Reason.MALFORMED_RELATION,
    )


def read_relations(
    source: str | os.PathLike[str],
    *,
    names: Iterable[str] | None = None,
    lexicon: Lexicon | None = None,
) -> list[Relation]:
    r"""The relations of a relations file (or its text), with the figures it defines bound.

    The format is ``reconcile check --relations``' (see :mod:`reconcile.relations.file`): a
    relation a line, ``#`` comments, a scope in brackets at a line's end, and lines such as
    ``share = around a third`` that define a figure the relations multiply by.

    Args:
        source: a path to the file (UTF-8 text, with or without a byte-order mark), or the text
            itself: text with a newline or a comparison (``=``, ``<=``, ``>=``) in it is read
            as relations, any other string as a path. Lines end at ``\n``, ``\r\n`` or ``\r``,
            and are numbered so in errors.
        names: the ``counts`` paths the claims give (e.g. ``claims["counts"]``): read whole in
            relations, and never the name of a figure. The relations are read again where they
            meet the claims, so None will do where no name holds a ``-``.
        lexicon: the words to read figure phrases with; :meth:`Lexicon.default` when None.

    Returns:
        The relations, in the file's order.

    Raises:
        RelationError: lines cannot be read; the message names the first, ``details`` every
            one with a caret, ``text`` and ``position`` are the first's.
        ArgumentError: the file cannot be opened, or is not UTF-8 text.

    Examples:
        >>> import reconcile as rc
        >>> from reconcile.relations import read_relations
        >>> relations = read_relations(
        ...     "deaths/pro_government = share * deaths/civilians [as_of=2019]\n"
        ...     "share = about half  # UNAMA's words\n")
        >>> relations
        [Relation('deaths/pro_government = share * deaths/civilians [as_of=2019]')]
        >>> relations[0].figures[0][1].range_text()
        '0.45–0.55'
        >>> read_relations("a = b +\nc = d\nc = e <\n")
        Traceback (most recent call last):
        ...
        reconcile.errors.RelationError: 2 lines of the relations cannot be read; line 1: ...
        line 1: expected a quantity, a number or a figure at character 7 of 'a = b +'
          a = b +
                 ^
        line 3: ...

    """
    text, origin = _text_of(source)
    lines = read_lines(text, names=names, lexicon=lexicon)
    bad = [line for line in lines if line.error is not None]
    if bad:
        first = bad[0].error
        assert first is not None
        shown = []
        for line in bad:  # the bad lines of one file
            assert line.error is not None
            shown.append(f"line {line.number}: {line.error.problem}")
            position = getattr(line.error, "position", None)
            if isinstance(position, int):
                shown.append(caret(line.text.strip(), position))
        count = f"{len(bad)} line{'s' if len(bad) > 1 else ''}"
        raise RelationError(
            f"{count} of {origin} cannot be read; line {bad[0].number}: {first.problem}",
            hint=first.hint,
            details="\n".join(shown),
            text=bad[0].text.strip(),
            position=getattr(first, "position", None) or 0,
            reason=first.reason,
        )
    return [line.relation for line in lines if line.relation is not None]


def _text_of(source: str | os.PathLike[str]) -> tuple[str, str]:
    """The relations' text, and how to name where it comes from in a message."""
    if isinstance(source, str) and _RELATION_SIGNS.search(source):
        return source, "the relations"
    if not isinstance(source, str | os.PathLike):
        raise ArgumentError(
            f"read_relations takes a path or the relations' text (got {type(source).__name__})",
            hint="pass e.g. read_relations('relations.txt') or read_relations('a = b + c')",
            reason=Reason.BAD_ARGUMENT,
            argument="source",
        )
    path = Path(source)
    try:
        # utf-8-sig: a byte-order mark (written by some Windows editors) is not part of the text.
        return path.read_text(encoding="utf-8-sig"), f"the relations file {str(path)!r}"
    except UnicodeDecodeError as error:
        raise ArgumentError(
            f"the relations file {str(path)!r} is not UTF-8 text ({error.reason} at byte {error.start})",
            hint="save the file as UTF-8",
            reason=Reason.ENCODING,
            argument="source",
        ) from None
    except OSError as error:
        raise ArgumentError(
            f"cannot read the relations file {str(path)!r} ({error.strerror or error})",
            hint="check the path; the file is UTF-8 text with one relation per line",
            reason=Reason.CANNOT_OPEN,
            argument="source",
        ) from None
