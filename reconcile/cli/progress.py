"""Progress for the ``reconcile`` command: a bar while a large CSV is read, a spinner per stage.

Only the command shows progress, and only when it writes to a terminal; the library's own
functions never print. Reading a large CSV here goes through the same pandas reader, with
the same column types, as :func:`reconcile.read_claims`, in chunks of rows so the bar can
follow the bytes read; the table is then checked by ``read_claims`` like any other.
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from reconcile.formats import restore_formulas

__all__ = ["LARGE_FILE_BYTES", "MANY_CLAIMS", "is_plain_csv", "read_csv", "stage", "status_console"]

#: A CSV file at least this large is read in chunks, with a bar (about 100,000 claims).
LARGE_FILE_BYTES = 8 * 2**20
#: A table with more claims than this gets a spinner while it is checked and reconciled.
MANY_CLAIMS = 100_000
_CHUNK_ROWS = 100_000
# reconcile.formats looks this many rows down for a row of HXL hashtags.
_HXL_ROWS = 25


def status_console(enabled: bool) -> Console | None:
    """The console progress is drawn on (stderr), or None when output does not go to a terminal.

    Examples:
        >>> status_console(False) is None
        True

    """
    if not enabled or not Console().is_terminal:
        return None
    console = Console(stderr=True)
    return console if console.is_terminal else None


@contextlib.contextmanager
def stage(console: Console | None, message: str) -> Iterator[None]:
    """A spinner with ``message`` on ``console`` while the block runs; nothing when it is None.

    Examples:
        >>> with stage(None, "Reconciling 200,000 claims"):
        ...     pass

    """
    if console is None:
        yield
        return
    with console.status(message):
        yield


def is_plain_csv(path: Path, encoding: str) -> bool:
    r"""Whether ``path`` is a CSV file that :func:`read_csv` reads as :func:`reconcile.read_claims` does.

    That is a ``.csv`` file, in ``encoding``, with no cell starting with ``#`` in the rows
    where an HXL hashtag row could be (such a file is read as HXL).

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> path = Path(tempfile.mkdtemp()) / "claims.csv"
        >>> _ = path.write_text("claim_id,counts,low\n#meta+id,#indicator+name,#affected+min\n")
        >>> is_plain_csv(path, "utf-8")
        False

    """
    if path.suffix.lower() != ".csv":
        return False
    try:
        with path.open(encoding=encoding, newline="") as handle:
            head = list(itertools.islice(csv.reader(handle), _HXL_ROWS))
    except (OSError, UnicodeDecodeError, LookupError, csv.Error):
        return False
    return not any(cell.lstrip().startswith("#") for row in head for cell in row)


def read_csv(
    path: Path,
    console: Console,
    *,
    text_columns: Sequence[str],
    encoding: str = "utf-8-sig",
    chunk_rows: int = _CHUNK_ROWS,
) -> pd.DataFrame:
    r"""Read a claims CSV in chunks of rows, with a bar on ``console`` that follows the bytes read.

    The ``text_columns`` (those of a claims table that :func:`reconcile.read_claims` reads
    as text) are read as text, and cells it neutralised against spreadsheet formulas are
    restored; any other column's type is pandas' guess, per chunk, joined by ``concat``. Check first that
    the file :func:`is_plain_csv`. Errors (a bad encoding, a broken row, a row with more
    cells than the header) are pandas' own exceptions:
    the caller falls back to ``read_claims(path)``, whose messages name the file and say
    what to do.

    Examples:
        >>> import io, tempfile
        >>> from pathlib import Path
        >>> path = Path(tempfile.mkdtemp()) / "claims.csv"
        >>> _ = path.write_text("claim_id,counts,low,value,high\n1,militants,4500,5000,5500\n")
        >>> screen = Console(file=io.StringIO())
        >>> table = read_csv(path, screen, text_columns=["claim_id", "counts"], chunk_rows=1)
        >>> table[["claim_id", "counts", "high"]].to_dict(orient="records")
        [{'claim_id': '1', 'counts': 'militants', 'high': 5500}]

    """
    text = dict.fromkeys(text_columns, "str")
    size = path.stat().st_size
    columns = (
        TextColumn("Reading {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    pieces = []
    try:
        with (
            warnings.catch_warnings(),
            Progress(*columns, console=console, transient=True) as progress,
            path.open("rb") as handle,
        ):
            # With index_col=False pandas cuts off cells beyond the header's and only warns.
            warnings.simplefilter("error", pd.errors.ParserWarning)
            with pd.read_csv(
                handle, dtype=text, encoding=encoding, chunksize=chunk_rows, index_col=False
            ) as chunks:
                task = progress.add_task(path.name, total=size)
                for chunk in chunks:
                    pieces.append(chunk)
                    # The parser reads ahead of the rows it has returned, so this runs slightly early.
                    progress.update(task, completed=handle.tell())
                progress.update(task, completed=size)
            if not pieces:  # a header and no rows
                pieces.append(pd.read_csv(path, dtype=text, encoding=encoding, index_col=False))
    except pd.errors.ParserWarning as exc:
        raise pd.errors.ParserError(f"a row holds more cells than the header names ({exc})") from exc
    return restore_formulas(pd.concat(pieces, ignore_index=True) if len(pieces) > 1 else pieces[0])
