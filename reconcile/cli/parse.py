"""The ``parse`` command: read figure phrases and print each one's range, value, unit and hedge.

The package (:mod:`reconcile.cli`) makes :func:`parse_phrases` the command
``reconcile parse`` with :data:`HELP` and :data:`EPILOG`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.table import Table

import reconcile as rc
from reconcile.cli.hints import hint_for
from reconcile.cli.inputs import LEXICON_HELP, read_lexicon
from reconcile.cli.output import add_row, emit, numbers, plain
from reconcile.cli.problems import caret, fail, fail_with
from reconcile.cli.terminal import safe_json
from reconcile.formats import json_records

__all__ = ["EPILOG", "HELP", "parse_phrases"]

#: The command's help, above its options.
HELP = (
    "Read figure phrases and print each one's range, value, unit and hedge.\n\n"
    "Exits 0 when every phrase is read, 2 when one cannot be: the phrases read are printed, and "
    "each one that cannot be is listed on stderr, with a caret where reading stopped and a hint."
)
#: The command's help, below its options.
EPILOG = (
    "Examples:\n"
    "  reconcile parse 'about 5,000' 'at least 7,000' 'more than half'\n"
    "  reconcile parse '7,619 families' --format json\n"
    "  reconcile parse 'about 1,200' --unit household\n"
    "  reconcile parse '7,619 IDPs' --lexicon my_lexicon.toml\n\n"
    "Exit codes: 0 every phrase read, 2 a phrase cannot be read (listed on stderr)."
)

# The columns of the phrases ``parse`` prints, in the table and in each JSON record.
_PHRASE_COLUMNS = ("phrase", "low", "value", "high", "unit", "counts", "hedge")


def _phrase_record(phrase: str, figure: rc.Figure) -> dict[str, Any]:
    return {
        "phrase": phrase,
        "low": figure.low,
        "value": figure.value,
        "high": figure.high,
        "unit": figure.unit,
        "counts": figure.counts,
        "hedge": figure.hedge,
    }


def parse_phrases(
    phrases: Annotated[
        list[str],
        typer.Argument(
            help="The phrases, each in quotes: 'about 5,000' 'more than half'.",
            metavar="PHRASE...",
            show_default=False,
        ),
    ],
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            "-u",
            help="The unit of a phrase that names none (person by default).",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        Literal["text", "json"],
        typer.Option("--format", "-f", help='text: a table; json: a list of records (open ends as "inf").'),
    ] = "text",
    lexicon: Annotated[
        Path | None,
        typer.Option("--lexicon", help=LEXICON_HELP, show_default=False),
    ] = None,
) -> None:
    """Read figure phrases and print each one's range, value, unit and hedge.

    The phrases read are printed (a table, or JSON records); every phrase that cannot be
    read is listed on stderr with a caret under the place reading stopped and its own hint,
    and the command exits 2.

    Examples:
        >>> from typer.testing import CliRunner
        >>> from reconcile.cli import app
        >>> run = CliRunner().invoke(app, ["parse", "about 5,000", "about 5,000 or 7,000", "-f", "json"])
        >>> run.exit_code
        2
        >>> print(run.stdout)
        [{"phrase": "about 5,000", "low": 4500.0, "value": 5000.0, "high": 5500.0, "unit": "person",
          "counts": null, "hedge": "about"}]
        >>> print(run.stderr)
        error: 1 of 2 phrases cannot be read
          cannot read 'or' at character 12 of 'about 5,000 or 7,000'
            about 5,000 or 7,000
                        ^
            hint: give one figure per phrase, ...
        hint: fix the phrases listed, or leave them out; the others were read, and are printed on stdout

    """
    words = read_lexicon(lexicon)
    read: list[tuple[str, rc.Figure]] = []
    problems: list[str] = []
    for phrase in phrases:  # the phrases given on the command line, a handful
        try:
            read.append((phrase, rc.parse(phrase, unit=unit, lexicon=words)))
        except rc.ParseError as error:
            problems += [
                error.problem,
                *("  " + line for line in caret(error.text, error.position)),
                "  hint: " + hint_for(error),
            ]
        except rc.ReconcileError as error:
            fail_with(error)
    if output_format == "json" or read:
        _print_phrases(read, output_format)
    if problems:
        failed = len(phrases) - len(read)
        fail(
            f"{failed} of {len(phrases)} phrase{'s' if len(phrases) > 1 else ''} cannot be read",
            hint="fix the phrases listed, or leave them out"
            + ("; the others were read, and are printed on stdout" if read else ""),
            details=problems,
        )


def _print_phrases(read: Sequence[tuple[str, rc.Figure]], output_format: str) -> None:
    """The phrases read, as a table or as a list of JSON records (empty when none was read)."""
    if output_format == "json":
        records = pd.DataFrame(
            [_phrase_record(phrase, figure) for phrase, figure in read],
            columns=list(_PHRASE_COLUMNS),
        )
        emit(safe_json(json.dumps(json_records(records), ensure_ascii=False, allow_nan=False)) + "\n")
        return
    phrases = [phrase for phrase, _ in read]
    figures = [figure for _, figure in read]
    table = Table(box=box.SIMPLE, header_style="bold")
    for column in _PHRASE_COLUMNS:
        table.add_column(column, justify="right" if column in ("low", "value", "high") else "left")
    lows = numbers([f.low for f in figures], "down")
    values = numbers([f.value for f in figures])
    highs = numbers([f.high for f in figures], "up")
    for phrase, figure, low, value, high in zip(phrases, figures, lows, values, highs, strict=True):
        add_row(table, phrase, low, value, high, figure.unit, figure.counts or "", figure.hedge or "")
    console = Console(highlight=False)
    if console.is_terminal:
        console.print(table)
    else:
        emit(plain(lambda piped: piped.print(table)))
