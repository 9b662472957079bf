"""The ``extract`` command: every figure in articles or reports, as one claims table.

The package (:mod:`reconcile.cli`) makes :func:`extract_articles` the command
``reconcile extract`` with :data:`HELP` and :data:`EPILOG`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Literal

import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.progress import track
from rich.table import Table

import reconcile as rc
from reconcile.cli.hints import hint_for
from reconcile.cli.inputs import LEXICON_HELP, read_lexicon
from reconcile.cli.output import add_row, emit, numbers, plain
from reconcile.cli.problems import fail, fail_with
from reconcile.formats import write_table

__all__ = ["EPILOG", "HELP", "extract_articles"]

#: The command's help, above its options.
HELP = (
    "Find every figure in articles or reports (plain text) and write them as one claims table.\n\n"
    "Each figure keeps its phrase, range, hedge, what it counts, the place, who the text says gave "
    "it (else the outlet, --via), the sentence it is in and its offsets in the file. "
    "'reconcile check' reads the table that is written."
)
#: The command's help, below its options.
EPILOG = (
    "Examples:\n"
    "  reconcile extract article.txt --via CNN --date 2016-10-17 -o claims.csv\n"
    "  reconcile extract reports/ --via OCHA --place Mosul -o claims.json\n"
    "  reconcile check claims.csv\n\n"
    "Exit codes: 0 the figures were written (or printed), 2 a file cannot be read or written."
)

_SHOWN = ("claim_id", "phrase", "low", "value", "high", "counts", "source")


def _articles(paths: Iterable[Path]) -> list[Path]:
    """The files named, a folder standing for its ``.txt`` files in name order."""
    files: list[Path] = []
    for path in paths:  # the paths on the command line, a handful
        if path.is_dir():
            inside = sorted(path.glob("*.txt"))
            if not inside:
                fail(
                    f"the folder {str(path)!r} holds no .txt files",
                    hint="name the articles, or a folder of .txt files",
                )
            files += inside
        elif path.is_file():
            files.append(path)
        else:
            fail(f"no file or folder at {str(path)!r}", hint="check the path; articles are plain text files")
    return files


def _text(path: Path) -> str:
    """The text of an article, as UTF-8 (a byte-order mark skipped); exit 2 if it is not."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        fail(
            f"{str(path)!r} is not UTF-8 text: byte {error.object[error.start]:#04x} at offset {error.start}",
            hint="save the article as UTF-8 plain text",
        )
    except OSError as error:
        fail(f"cannot read {str(path)!r}: {error.strerror}", hint="check the file exists and may be read")


def extract_articles(
    articles: Annotated[
        list[Path],
        typer.Argument(help="Articles as plain text files, or folders of .txt files.", show_default=False),
    ],
    via: Annotated[
        str | None,
        typer.Option("--via", help="The outlet: the source of every figure the text does not attribute."),
    ] = None,
    date: Annotated[
        str | None,
        typer.Option(
            "--date", help="The day the articles were published (reported_on; as_of too).", show_default=False
        ),
    ] = None,
    place: Annotated[
        str | None,
        typer.Option(
            "--place", help="Where the figures are about, where a sentence does not say.", show_default=False
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The date the figures describe, if not --date.", show_default=False),
    ] = None,
    url: Annotated[
        str | None, typer.Option("--url", help="Where the articles were found.", show_default=False)
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the claims here (.csv, .json, .xlsx, .parquet); without it, print them.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a read-only file or a link at --output.")
    ] = False,
    output_format: Annotated[
        Literal["text", "csv"],
        typer.Option("--format", "-f", help="Without --output: text, a table; csv, the claims table."),
    ] = "text",
    lexicon: Annotated[Path | None, typer.Option("--lexicon", help=LEXICON_HELP, show_default=False)] = None,
) -> None:
    """Find every figure in the articles and write (or print) them as one claims table.

    Each file's claims are numbered after its name (``report-c1``, ``report-c2`` ...) and
    keep the file in a ``file`` column.

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> from typer.testing import CliRunner
        >>> from reconcile.cli import app
        >>> folder = Path(tempfile.mkdtemp())
        >>> _ = (folder / "note.txt").write_text("About 300 people fled, the agency said.", encoding="utf-8")
        >>> run = CliRunner().invoke(app, ["extract", str(folder / "note.txt"), "--via", "Wire",
        ...                                "-o", str(folder / "claims.csv")])
        >>> run.exit_code
        0
        >>> rc.read_claims(folder / "claims.csv")[["claim_id", "low", "high", "source"]]
          claim_id    low   high      source
        0  note-c1  270.0  330.0  the agency

    """
    words = read_lexicon(lexicon)
    files = _articles(articles)
    console = Console(stderr=True)
    shown = (
        track(files, description="extracting", console=console)
        if console.is_terminal and len(files) > 1
        else files
    )
    tables = []
    for path in shown:  # one article at a time: each is a text, read whole
        try:
            found = rc.extract(
                _text(path), via=via, reported_on=date, place=place, as_of=as_of, url=url, lexicon=words
            )
        except rc.ReconcileError as error:
            fail(f"cannot extract from {str(path)!r}: {error.problem}", hint=hint_for(error))
        found["claim_id"] = path.stem + "-" + found["claim_id"]
        found["file"] = str(path)
        tables.append(found)
    claims = pd.concat(tables, ignore_index=True) if tables else rc.extract("")
    if output is not None:
        try:
            write_table(claims, output, force=force)
        except rc.ReconcileError as error:
            fail_with(error)
        typer.echo(f"{len(claims):,} figures from {len(files):,} file(s) written to {output}", err=True)
        return
    if output_format == "csv":
        buffer = io.StringIO()
        write_table(claims, buffer, "csv")
        emit(buffer.getvalue())
        return
    table = Table(box=box.SIMPLE, header_style="bold")
    for column in _SHOWN:
        table.add_column(column, justify="right" if column in ("low", "value", "high") else "left")
    lows, values, highs = (
        numbers(claims["low"], "down"),
        numbers(claims["value"]),
        numbers(claims["high"], "up"),
    )
    for row, low, value, high in zip(claims.itertuples(), lows, values, highs, strict=True):
        add_row(
            table,
            str(row.claim_id),
            str(row.phrase),
            low,
            value,
            high,
            str(row.counts or ""),
            str(row.source or ""),
        )
    shown_console = Console(highlight=False)
    if shown_console.is_terminal:
        shown_console.print(table)
    else:
        emit(plain(lambda piped: piped.print(table)))
