"""A relation's scope: where it holds, written in brackets at the end of its text or passed as ``scope=``.

``displaced/fled = displaced/current + displaced/returned [place=Mosul, as_of=2017-09-09]``
holds in the group of the claims about Mosul dated 2017-09-09 only. The bracket names the
columns of a figure's :class:`reconcile.Scope` (``place`` and ``as_of``); a value runs to the
next ``,``, ``|`` or ``]`` and is stripped (``place=Cox's Bazar``), or is quoted in
backticks when it holds one of them, or a ``#`` (which starts a comment in a relations file):
``place=`Mosul, Iraq```. ``|`` gives a column several
values, any of which the group may have (``as_of=2017-09-09|2017-10-01``).

A scope is a sorted tuple of (column, value) pairs; a column with several values appears once
per value (:func:`check_scope`); :func:`scope_text` writes it back in brackets, so a relation's
``str`` reads back as the same relation.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence

from reconcile.errors import ArgumentError, Reason
from reconcile.relations.tokens import relation_error
from reconcile.source import Scope

__all__ = [
    "SCOPE_COLUMNS",
    "ScopePairs",
    "check_scope",
    "described",
    "joined_scope",
    "scope_text",
    "split_scope",
]

#: The columns a scope in brackets may name: those of a figure's scope, where and when.
SCOPE_COLUMNS = tuple(Scope.__annotations__)

#: A scope: sorted (key column, value) pairs; a column with several values is repeated.
ScopePairs = tuple[tuple[str, str], ...]

_COLUMN = re.compile(r"[A-Za-z_]\w*")
_SPACE = re.compile(r"\s*")
# A plain value ends before one of these; a value holding one is quoted in backticks.
_VALUE_END = re.compile(r"[,|\]`\[]")
_NEEDS_QUOTES = re.compile(r"[,|\]\[`#]|\A\s|\s\Z|\A\Z")

_HINT = (
    "write a scope in brackets at the end of the relation, as column=value pairs separated by ',', "
    "e.g. 'displaced/fled = displaced/current + displaced/returned [place=Mosul, as_of=2017-09-09]'; "
    "'|' between values gives a column several (as_of=2017-09-09|2017-10-01), and a value holding "
    "',', '|', '[', ']' or '#' goes in backticks"
)


def split_scope(text: str) -> tuple[str, ScopePairs]:
    """The relation without its bracket, and the scope the bracket gives (empty without one).

    The bracket starts at the first ``[`` outside backticks and must end the text; positions
    in an error are characters of ``text``.

    Raises:
        RelationError: the bracket cannot be read, is not at the end, or names a column that
            is not a scope's (``place``, ``as_of``) or a column twice.

    Examples:
        >>> split_scope("a = b + c [place=Cox's Bazar, as_of=2017-09-09|2017-10-01]")
        ('a = b + c', (('as_of', '2017-09-09'), ('as_of', '2017-10-01'), ('place', "Cox's Bazar")))
        >>> split_scope("`a [b]` = c")
        ('`a [b]` = c', ())
        >>> split_scope("a = b [plac=Mosul]")
        Traceback (most recent call last):
        ...
        reconcile.errors.RelationError: unknown scope column 'plac' ...: did you mean 'place'? ...
          a = b [plac=Mosul]
                 ^

    """
    start = _bracket_start(text)
    if start is None:
        return text, ()
    pairs: list[tuple[str, str]] = []
    columns: set[str] = set()
    at = start + 1
    while True:
        at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
        column = _COLUMN.match(text, at)
        if column is None:
            raise relation_error(
                f"expected a column ({' or '.join(SCOPE_COLUMNS)}) in the scope", text, at, _HINT
            )
        name = column.group()
        if name not in SCOPE_COLUMNS:
            near = difflib.get_close_matches(name, SCOPE_COLUMNS, n=1, cutoff=0.5)
            guess = f"did you mean {near[0]!r}? " if near else ""
            raise relation_error(
                f"unknown scope column {name!r}",
                text,
                at,
                f"{guess}a scope in brackets names {' and '.join(SCOPE_COLUMNS)}; scope a relation by "
                "another key column with Relation.parse(..., scope={column: value})",
                Reason.BAD_SCOPE,
            )
        if name in columns:
            raise relation_error(
                f"{name!r} is named twice in the scope",
                text,
                at,
                "give a column several values in one place, separated by '|': as_of=2017-09-09|2017-10-01",
                Reason.BAD_SCOPE,
            )
        columns.add(name)
        at = _SPACE.match(text, column.end()).end()  # type: ignore[union-attr]
        if text[at : at + 1] != "=":
            raise relation_error(f"expected '=' after {name!r}", text, at, _HINT)
        while True:
            value, at = _value(text, at + 1)
            pairs.append((name, value))
            if text[at] != "|":
                break
        if text[at] == "]":
            break
        at += 1  # past ','
    after = _SPACE.match(text, at + 1).end()  # type: ignore[union-attr]
    if after < len(text):
        raise relation_error("a scope in brackets ends the relation", text, after, _HINT)
    return text[:start].rstrip(), tuple(sorted(set(pairs)))


def _bracket_start(text: str) -> int | None:
    """The first ``[`` outside backticks (a quoted name may hold one); None without one."""
    quoted = False
    for at, character in enumerate(text):  # one line of text
        if character == "`":
            quoted = not quoted
        elif character == "[" and not quoted:
            return at
    return None


def _value(text: str, at: int) -> tuple[str, int]:
    """The value starting at ``at`` (after spaces), and where the ``,``, ``|`` or ``]`` after it is."""
    at = _SPACE.match(text, at).end()  # type: ignore[union-attr]
    if text[at : at + 1] == "`":
        close = text.find("`", at + 1)
        if close < 0:
            raise relation_error("a backtick is not closed", text, at, _HINT)
        value, after = text[at + 1 : close], _SPACE.match(text, close + 1).end()  # type: ignore[union-attr]
        if not value.strip():
            raise relation_error("expected a value", text, at, _HINT)
    else:
        found = _VALUE_END.search(text, at)
        after = len(text) if found is None else found.start()
        value = text[at:after].strip()
        if not value:
            raise relation_error("expected a value", text, at, _HINT)
    if after >= len(text):
        raise relation_error("expected ']' to close the scope", text, len(text), _HINT)
    if text[after] not in ",|]":
        raise relation_error(f"expected ',', '|' or ']', not {text[after]!r}", text, after, _HINT)
    return value, after


def check_scope(scope: Mapping[str, str | Sequence[str]] | None) -> ScopePairs:
    """The ``scope=`` argument as sorted (column, value) pairs; a list of values gives several.

    Raises:
        ArgumentError: ``scope`` is not a mapping of column names to text or lists of text.

    Examples:
        >>> check_scope({"place": "Mosul", "as_of": ["2017-10-01", "2017-09-09"]})
        (('as_of', '2017-09-09'), ('as_of', '2017-10-01'), ('place', 'Mosul'))
        >>> check_scope(None)
        ()

    """
    if scope is None:
        return ()
    pairs: set[tuple[str, str]] = set()
    if isinstance(scope, Mapping):
        for column, values in scope.items():  # a handful of key columns
            listed = [values] if isinstance(values, str) else values
            if not isinstance(column, str) or isinstance(listed, Mapping) or not isinstance(listed, Sequence):
                break
            if not listed or not all(isinstance(value, str) for value in listed):
                break
            pairs.update((column, value) for value in listed)
        else:
            return tuple(sorted(pairs))
    raise ArgumentError(
        f"scope must map key columns to values (got {scope!r})",
        hint="pass e.g. scope={'place': 'Mosul', 'as_of': '2016-10-17'}, or a list of values for "
        "a column that may take any of them",
        reason=Reason.BAD_SCOPE,
    )


def joined_scope(written: ScopePairs, given: ScopePairs, text: str) -> ScopePairs:
    """The scope of a relation whose text and ``scope=`` may both give one; they must agree.

    Raises:
        ArgumentError: both give a scope, and the scopes differ.

    Examples:
        >>> joined_scope((("place", "Mosul"),), (), "a = b [place=Mosul]")
        (('place', 'Mosul'),)

    """
    if written and given and written != given:
        raise ArgumentError(
            f"the relation {text!r} is scoped in its text to {scope_text(written).strip()} and by "
            f"scope= to {scope_text(given).strip()}",
            hint="give the scope once: in brackets at the end of the text, or as scope=",
            reason=Reason.BAD_SCOPE,
            argument="scope",
        )
    return written or given


def scope_text(scope: ScopePairs) -> str:
    """The scope as written at the end of a relation (with a space before the bracket); ``""`` without one.

    Examples:
        >>> scope_text((("as_of", "2017-09-09"), ("as_of", "2017-10-01"), ("place", "Mosul, Iraq")))
        ' [as_of=2017-09-09|2017-10-01, place=`Mosul, Iraq`]'
        >>> scope_text(())
        ''

    """
    if not scope:
        return ""
    values: dict[str, list[str]] = {}
    for column, value in scope:
        values.setdefault(column, []).append(f"`{value}`" if _NEEDS_QUOTES.search(value) else value)
    return " [" + ", ".join(f"{column}={'|'.join(written)}" for column, written in values.items()) + "]"


def described(scope: ScopePairs) -> str:
    """The scope in words for a message: ``place='Mosul', as_of='2017-09-09' or '2017-10-01'``.

    Examples:
        >>> described((("as_of", "2017-09-09"), ("as_of", "2017-10-01"), ("place", "Mosul")))
        "as_of='2017-09-09' or '2017-10-01', place='Mosul'"

    """
    values: dict[str, list[str]] = {}
    for column, value in scope:
        values.setdefault(column, []).append(repr(value))
    return ", ".join(f"{column}={' or '.join(written)}" for column, written in values.items())
