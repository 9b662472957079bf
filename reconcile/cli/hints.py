"""The library's hints, which name its Python arguments, in the command's options instead.

A hint such as ``pass sheet= one of ['claims', 'notes']`` tells a Python user what to
write; the command's user has ``--sheet NAME``. :func:`as_options` rewrites the one into the
other, so every hint the command prints names something its user can type.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["as_options"]


def _key_option(found: re.Match[str]) -> str:
    names = (name.strip(" '\"") for name in found[1].split(","))
    return "--key " + ",".join(name for name in names if name)


_OPTION_HINTS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"pass sheet= one of "), "pass --sheet NAME, one of "),
    (re.compile(r"pass sheet= only for "), "pass --sheet only for "),
    (re.compile(r"encoding='([^']+)' or '([^']+)'"), r"--encoding \1 or --encoding \2"),
    (re.compile(r"encoding='([^']+)'"), r"--encoding \1"),
    (
        re.compile(r"pass e\.g\. 'utf-8', 'cp1252' or 'latin-1'"),
        "pass e.g. --encoding utf-8, cp1252 or latin-1",
    ),
    (
        re.compile(r", or pass format= \('hxl' for HXL in \.csv or \.xlsx\)"),
        " (a .csv or .xlsx file with a row of HXL hashtags is read as HXL)",
    ),
    (re.compile(r"weights=\{'source name': weight, \.\.\.\}"), "--weight 'NAME=W' for each source"),
    (re.compile(r"weights=\{'([^']+)': ([0-9.]+), \.\.\.\}"), r"--weight '\1=\2'"),
    (re.compile(r"key=\(([^)]*)\)"), _key_option),
    (re.compile(r"implied_parts=False"), "--no-parts"),
    (
        re.compile(r"dayfirst=True for dates written 17/10/2016 or dayfirst=False for"),
        "--dayfirst for dates written 17/10/2016 or --monthfirst for",
    ),
    (re.compile(r"dayfirst=True"), "--dayfirst"),
    (re.compile(r"dayfirst=False"), "--monthfirst"),
    (re.compile(r"pass dayfirst= "), "pass --dayfirst or --monthfirst "),
    (re.compile(r"leave dayfirst out"), "leave out --dayfirst and --monthfirst"),
    (re.compile(r"out of key= "), "out of --key "),
    (re.compile(r"relations=\[('[^']*')\]"), r"--relations FILE, one relation a line such as \1"),
    (re.compile(r"leave out unit= "), "leave out --unit "),
    (
        re.compile(r"add nouns with Lexicon\.with_noun"),
        "add nouns to the [nouns] table of a copy of reconcile/lexicon.toml and pass it with --lexicon FILE",
    ),
    (re.compile(r"unit='([^']+)'"), r"--unit '\1'"),
)


def as_options(hint: str) -> str:
    """The hint with the library's keyword arguments (``sheet=``, ``encoding='cp1252'``) as options.

    Examples:
        >>> as_options("pass sheet= one of ['claims', 'notes']")
        "pass --sheet NAME, one of ['claims', 'notes']"
        >>> as_options("name a quantity by columns of the table, e.g. key=('counts', 'place', 'as_of')")
        'name a quantity by columns of the table, e.g. --key counts,place,as_of'

    """
    for pattern, option in _OPTION_HINTS:
        hint = pattern.sub(option, hint)
    return hint
