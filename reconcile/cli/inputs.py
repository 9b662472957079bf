"""What the ``reconcile`` command reads besides its arguments: claims, relations, a lexicon, weights.

Each reader exits 2 with every problem it finds listed (see :mod:`reconcile.cli.problems`):
a relations file's bad lines with a caret where reading stopped (the file is read as
:func:`reconcile.relations.read_relations` reads it), every malformed
``--weight``. A large claims CSV is read with a progress bar (:mod:`reconcile.cli.progress`),
with the facts of the whole file, its decimal mark and ``--flag`` as :class:`Reading` gives them.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, NamedTuple

import pandas as pd
from rich.console import Console

import reconcile as rc
from reconcile.claims import CLAIM_COLUMNS
from reconcile.cli import progress
from reconcile.cli.hints import hint_for
from reconcile.cli.problems import caret, fail
from reconcile.relations.file import read_lines

__all__ = [
    "LEXICON_HELP",
    "NUMBER_COLUMNS",
    "TEXT_COLUMNS",
    "Reading",
    "RelationLine",
    "fail_on_relation",
    "read_claims",
    "read_lexicon",
    "read_relations",
    "read_weights",
]

#: The columns of a claims table that hold its figure.
NUMBER_COLUMNS = ("low", "value", "high")
#: The columns of a claims table read as text (a large CSV is read in chunks with these).
TEXT_COLUMNS = tuple(column for column in CLAIM_COLUMNS if column not in NUMBER_COLUMNS)

#: What ``--lexicon`` reads; each command adds what the lexicon reads there.
LEXICON_HELP = (
    "A lexicon file to read phrases with: a copy of the lexicon.toml shipped in the reconcile "
    "package, with words of your own (a noun such as 'IDPs', a hedge, a quantity word) added."
)


class Reading(NamedTuple):
    """How ``check`` reads its claims file, besides the file's own format options.

    ``source``, ``via``, ``as_of`` and ``reported_on`` are facts of the whole file (as HDX
    gives them in a dataset's metadata), written into every row that lacks them;
    ``decimal`` is the file's decimal mark; ``errors`` is ``"flag"`` to get every row back
    with its ``warning`` and ``error`` instead of failing on the first bad file.
    """

    source: str | None = None
    via: str | None = None
    as_of: str | None = None
    reported_on: str | None = None
    decimal: str = "."
    errors: Literal["raise", "flag"] = "raise"


def read_claims(
    path: Path,
    status: Console | None,
    *,
    sheet: str | None,
    encoding: str,
    lexicon: rc.Lexicon | None = None,
    dayfirst: bool | None = None,
    reading: Reading | None = None,
) -> pd.DataFrame:
    """Read and check the claims file, drawing progress on ``status`` when it is large.

    ``reading`` gives the facts of the whole file, its decimal mark and what to do with bad
    rows (:class:`Reading`). The table carries the reader's notes in ``attrs["notes"]``.
    """
    how = reading or Reading()

    def read(claims: Path | pd.DataFrame, **where: Any) -> pd.DataFrame:
        table: pd.DataFrame = rc.read_claims(
            claims,
            **where,
            lexicon=lexicon,
            dayfirst=dayfirst,
            source=how.source,
            via=how.via,
            as_of=how.as_of,
            reported_on=how.reported_on,
            decimal=how.decimal,
            errors=how.errors,
        )
        return table

    size = path.stat().st_size if path.is_file() else 0
    if size < progress.LARGE_FILE_BYTES:
        status = None
    if status is not None and sheet is None and progress.is_plain_csv(path, encoding):
        # Numbers printed 1.234,5 are read as text, so that 1.234 is not taken for one and a bit.
        text_columns = TEXT_COLUMNS if how.decimal == "." else (*TEXT_COLUMNS, *NUMBER_COLUMNS)
        try:
            frame = progress.read_csv(path, status, text_columns=text_columns, encoding=encoding)
            with progress.stage(status, f"Checking {len(frame):,} claims"):
                return read(frame)
        except (rc.ReconcileError, OSError, ValueError, pd.errors.ParserError):
            pass  # read it again below, so the error names the file and its lines
    with progress.stage(status, f"Reading {path.name}"):
        return read(path, sheet=sheet, encoding=encoding)


def read_lexicon(path: Path | None) -> rc.Lexicon | None:
    """The lexicon in the file ``--lexicon`` names (None without the option); exit 2 if it is bad."""
    if path is None:
        return None
    try:
        return rc.Lexicon.load(path)
    except rc.ReconcileError as error:
        fail(f"cannot read the lexicon file {str(path)!r}", hint=hint_for(error), details=[error.problem])


def read_weights(given: Sequence[str]) -> dict[str, float]:
    """``NAME=WEIGHT`` options as a mapping; every malformed one is listed."""
    weights: dict[str, float] = {}
    problems: list[str] = []
    for option in given:  # the options given, a handful
        name, equals, number = option.rpartition("=")
        try:
            if not equals or not name.strip():
                raise ValueError(option)
            weights[name.strip()] = float(number)
        except ValueError:
            problems.append(f"--weight {option!r}")
    if problems:
        fail(
            f"{len(problems)} --weight option{'s' if len(problems) > 1 else ''} cannot be read",
            hint="write a source's name, '=' and a number, e.g. --weight 'U.S. officials=2'",
            details=problems,
        )
    return weights


def read_aliases(given: Sequence[str]) -> dict[str, str]:
    """``SPELLING=NAME`` options as a mapping; every malformed one is listed.

    Examples:
        >>> read_aliases(["GWU=George Washington University"])
        {'GWU': 'George Washington University'}

    """
    aliases: dict[str, str] = {}
    problems: list[str] = []
    for option in given:  # the options given, a handful
        spelling, equals, name = option.partition("=")
        if not equals or not spelling.strip() or not name.strip():
            problems.append(f"--alias {option!r}")
        else:
            aliases[spelling.strip()] = name.strip()
    if problems:
        fail(
            f"{len(problems)} --alias option{'s' if len(problems) > 1 else ''} cannot be read",
            hint="write another spelling of a source, '=' and the name it stands for, "
            "e.g. --alias 'GWU=George Washington University'",
            details=problems,
        )
    return aliases


def _relation_type() -> Any:
    relation = getattr(rc, "Relation", None)
    if relation is None:
        fail(
            "relations are not available in this version of reconcile",
            hint="leave out --relations, or upgrade reconcile to a version with rc.Relation",
        )
    return relation


class RelationLine(NamedTuple):
    """A relation read from a line of the relations file."""

    number: int
    text: str  # the line without its comment
    relation: Any


def read_relations(path: Path, names: Sequence[str], lexicon: rc.Lexicon | None = None) -> list[RelationLine]:
    """One relation per line, and figures defined by name; blank lines and ``#`` comments are skipped.

    The file is read as :func:`reconcile.relations.read_relations` reads it: names the claims
    give (``names``) and names the relations define are read whole, and a line such as
    ``share = around a third`` defines a figure (its phrase read with ``lexicon``). Every bad
    line is listed, with a caret where reading stopped.
    """
    _relation_type()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(
            f"cannot read the relations file {str(path)!r} ({getattr(exc, 'strerror', None) or exc})",
            hint="check the path; the file is UTF-8 text with one relation per line",
        )
    lines = read_lines(text, names=names, lexicon=lexicon)
    problems: list[str] = []
    hints: list[str] = []
    for line in lines:  # the lines of a file written by hand
        if line.error is not None:
            problems += _relation_problem(line.number, line.text, line.error)
            hints.append(hint_for(line.error))
    if problems:
        count = len(hints)
        fail(
            f"{count} relation{'s' if count > 1 else ''} in {str(path)!r} cannot be read",
            hint="; ".join(dict.fromkeys(hints)),
            details=problems,
        )
    return [
        RelationLine(line.number, line.text, line.relation) for line in lines if line.relation is not None
    ]


def _relation_problem(number: int, text: str, error: rc.ReconcileError) -> list[str]:
    """``line N: problem``, then the line with a caret under the character the error names."""
    position = getattr(error, "position", None)
    if not isinstance(position, int):
        return [f"line {number}: {error.problem}"]
    indent = len(text) - len(text.lstrip())
    return [f"line {number}: {error.problem}", *("  " + shown for shown in caret(text, indent + position))]


def fail_on_relation(error: rc.ReconcileError, relations: Sequence[RelationLine], path: Path) -> None:
    """Exit 2 naming the file and line of the relation ``error`` is about, if it is one of ours."""
    lines = [line for line in relations if line.relation.text == getattr(error, "text", None)]
    if lines:
        details = _relation_problem(lines[0].number, lines[0].text, error)
        fail(f"a relation in {str(path)!r} cannot be used", hint=hint_for(error), details=details)
