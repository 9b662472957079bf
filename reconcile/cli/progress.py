"""Progress for the ``reconcile`` command: a bar while a large CSV is read, a spinner per stage.

Only the command shows progress, and only when it writes to a terminal; the library's own
functions never print. A large CSV is read by the library's own CSV reader
(:func:`reconcile.formats.read_csv`, which :func:`reconcile.read_claims` uses too), in
chunks of rows so the bar can follow the bytes read; the table is then checked by
``read_claims`` like any other.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

from reconcile import formats
from reconcile.cli.terminal import safe, safe_text

__all__ = ["LARGE_FILE_BYTES", "MANY_CLAIMS", "is_plain_csv", "read_csv", "stage", "status_console"]

#: A CSV file at least this large is read in chunks, with a bar (about 100,000 claims).
LARGE_FILE_BYTES = 8 * 2**20
#: A table with more claims than this gets a spinner while it is checked and reconciled.
MANY_CLAIMS = 100_000
_CHUNK_ROWS = 100_000


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

    The message (which may name the file) is shown as text: never read as markup, and a
    control character in it shown as ``�``.

    Examples:
        >>> with stage(None, "Reconciling 200,000 claims"):
        ...     pass

    """
    if console is None:
        yield
        return
    with console.status(safe_text(message, one_line=True)):
        yield


def is_plain_csv(path: Path, encoding: str) -> bool:
    r"""Whether ``path`` is a CSV file that :func:`read_csv` reads as :func:`reconcile.read_claims` does.

    That is a ``.csv`` file, in ``encoding``, without the row of HXL hashtags that
    :func:`reconcile.read_claims` would read it as HXL by.

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
        return formats.csv_hashtag_row(path, encoding) is None
    except (OSError, UnicodeDecodeError, LookupError, csv.Error):
        return False


def read_csv(
    path: Path,
    console: Console,
    *,
    text_columns: Sequence[str],
    encoding: str = "utf-8-sig",
    chunk_rows: int = _CHUNK_ROWS,
) -> pd.DataFrame:
    r"""Read a claims CSV in chunks of rows, with a bar on ``console`` that follows the bytes read.

    The file is read by :func:`reconcile.formats.read_csv`, as :func:`reconcile.read_claims`
    reads it: the ``text_columns`` (those of a claims table it reads as text) as text, and
    cells it neutralised against spreadsheet formulas restored; any other column's type is
    pandas' guess, per chunk, joined by ``concat``. Check first that the file
    :func:`is_plain_csv`. A row with more cells than the header raises the library's
    :class:`~reconcile.ClaimsError`; other errors (a bad encoding, a broken row) are
    pandas' own: the caller falls back to ``read_claims(path)``, whose messages name the
    file and say what to do.

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
    size = path.stat().st_size
    columns = (
        TextColumn("Reading {task.description}", markup=False),  # the file's name, shown as it is
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console, transient=True) as progress:
        task = progress.add_task(safe(path.name, one_line=True), total=size)
        table = formats.read_csv(
            path,
            text_columns=text_columns,
            encoding=encoding,
            chunk_rows=chunk_rows,
            progress=lambda read: progress.update(task, completed=read),
        )
        progress.update(task, completed=size)
    return table
