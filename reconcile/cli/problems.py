"""How the ``reconcile`` command ends: its exit codes, and invalid input reported on stderr.

Every problem with the input is printed as ``error: ...``, one indented line per detail (a
bad row, a relation with a caret under the place reading stopped), and a ``hint:`` written
in the command's options; the command then exits :data:`EXIT_INVALID`. What the input said
is shown through :func:`reconcile.cli.terminal.safe`: printed, never obeyed. An
:class:`~reconcile.InternalError` is not the input's fault: it goes on to
:func:`reconcile.cli.main`, which reports a bug and exits :data:`EXIT_INTERNAL`.

A file with many bad rows is not listed whole: the first :data:`SHOWN_PROBLEMS` problems
are described and the rest counted (:func:`first_problems`, :func:`count_problems`), without
describing a row more than those printed. ``--errors FILE`` writes every problem, one row
per failing cell, as a CSV table an analyst can filter (:func:`problem_table`).
"""

from __future__ import annotations

import textwrap
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.text import Text

import reconcile as rc
from reconcile._validate import count_problems, first_problems, listed_under, said_per_row
from reconcile.cli.hints import hint_for
from reconcile.cli.terminal import safe
from reconcile.formats import write_table

__all__ = [
    "EXIT_CONFLICTS",
    "EXIT_CONSISTENT",
    "EXIT_INTERNAL",
    "EXIT_INVALID",
    "PROBLEM_COLUMNS",
    "SHOWN_PROBLEMS",
    "caret",
    "count_problems",
    "error_console",
    "fail",
    "fail_with",
    "first_problems",
    "problem_table",
    "write_problems",
]

#: Exit code of ``check`` when no claims contradict each other (and of ``parse`` on success).
EXIT_CONSISTENT = 0
#: Exit code of ``check`` when some claims contradict each other.
EXIT_CONFLICTS = 1
#: Exit code when the input cannot be read: a file, a row, a policy, a relation, a phrase.
EXIT_INVALID = 2
#: Exit code when the command itself failed (a bug): never 1, which a pipeline reads as conflicts.
EXIT_INTERNAL = 3
#: How many problems with the rows stderr lists; the rest are counted, and ``--errors`` writes them all.
SHOWN_PROBLEMS = 100
#: The columns of the table ``--errors`` writes: one row per failing cell.
PROBLEM_COLUMNS = ("row", "line", "column", "value", "problem")


def error_console() -> Console:
    """The console problems are printed on: stderr, without highlighting or wrapping."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(problem: str, *, hint: str, details: Sequence[str] = ()) -> NoReturn:
    """Print ``error: problem``, one indented line per detail, and the hint; exit 2.

    The hint names the command's options: the command's own, or a library error's through
    :func:`~reconcile.cli.hints.hint_for`.

    What the input said is printed as text, through :func:`~reconcile.cli.terminal.safe`:
    a control character in it is shown as ``�``, brackets are not read as markup, and each
    line stays one line.
    """
    console = error_console()
    console.print(Text.assemble(("error: ", "bold red"), safe(problem, one_line=True)))
    for line in details:
        console.print(Text("  " + safe(line, one_line=True)))
    console.print(Text.assemble(("hint: ", "bold"), safe(hint, one_line=True)))
    raise typer.Exit(EXIT_INVALID)


def _failures(error: rc.ReconcileError) -> pd.DataFrame | None:
    """The error's table of failing cells (bad rows, claims with a blank key), if it has one."""
    failures = getattr(error, "failures", None) if isinstance(error, rc.ClaimsError) else None
    if not isinstance(failures, pd.DataFrame) or not {"index", "column", "check"} <= set(failures.columns):
        return None
    return failures if len(failures) else None


def problem_table(failures: pd.DataFrame, origin: str | None, first_line: int) -> pd.DataFrame:
    """Every problem, one row per failing cell: ``row``, ``line``, ``column``, ``value``, ``problem``.

    ``row`` is the file's row (an HXL file's data row), ``line`` its line in the file (when
    the table was read from one), ``column`` the file's name of the column (an HXL
    hashtag), ``value`` what the cell holds, and ``problem`` what the library says of it.
    What is wrong with the whole table comes first, with no row. Built for the whole table
    at once; a cell an HXL row's claims share is listed once.

    Examples:
        >>> failures = pd.DataFrame({"index": [0, 0, 1], "column": ["low", "high", "unit"],
        ...     "check": ["low <= high", "low <= high", "known unit"],
        ...     "failure_case": [9.0, 1.0, "persn"], "schema_context": "DataFrameSchema"})
        >>> print(problem_table(failures, "claims.csv", 2).to_string(index=False))
         row  line column value                   problem
           0     2    low   9.0 low <= high (got low=9.0)
           0     2   high   1.0 low <= high (got high=1.0)
           1     3   unit persn known unit (got unit='persn')

    """
    rows = listed_under(failures)
    whole = rows.isna().to_numpy(dtype=bool)
    parts = []
    if whole.any():
        table_lines, _ = said_per_row(failures[whole])
        parts.append(pd.DataFrame({"problem": pd.Series(table_lines, dtype=object)}))
    cells = failures[~whole]
    if len(cells):
        # Each cell its own "row", so the library words it alone; positions lead back to the cell.
        numbered_cells = cells.drop(columns="row", errors="ignore").assign(index=np.arange(len(cells)))
        _, worded = said_per_row(numbered_cells)
        at = worded["index"].to_numpy(dtype=np.int64)
        picked = cells.iloc[at]
        label = picked["label"].fillna(picked["column"]) if "label" in picked else picked["column"]
        listed = rows[~whole].iloc[at].reset_index(drop=True)
        if pd.api.types.infer_dtype(listed, skipna=True) == "integer":
            listed = listed.astype("Int64")
            line = listed + first_line if origin is not None else None
        else:
            line = None
        per_cell = pd.DataFrame(
            {
                "row": listed,
                "line": line,
                "column": label.to_numpy(dtype=object),
                "value": picked["failure_case"].to_numpy(dtype=object),
                "problem": worded["said"].to_numpy(dtype=object),
            }
        )
        parts.append(per_cell.sort_values("row", kind="stable"))
    table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    return table.reindex(columns=list(PROBLEM_COLUMNS)).drop_duplicates(ignore_index=True)


def write_problems(problems: pd.DataFrame, path: Path) -> str | None:
    """Write the problem table to ``path`` as CSV, whole or not at all; None, or why it could not be.

    Cells a spreadsheet could run as a formula are neutralised, as in every table the
    library writes (:func:`reconcile.formats.write_table`).
    """
    try:
        write_table(problems, path, "csv")
    except rc.ReconcileError as error:
        return f"{error.problem} ({hint_for(error)})"
    return None


def fail_with(error: rc.ReconcileError, *, errors: Path | None = None) -> NoReturn:
    """Report the library's ``error`` (its first problems, its hint as options) and exit 2.

    Bad rows are listed up to :data:`SHOWN_PROBLEMS`, then counted; with ``errors`` (the
    command's ``--errors FILE``) every one is written to that file first. An
    :class:`~reconcile.InternalError` is raised again: a bug, not bad input.
    """
    if isinstance(error, rc.InternalError):
        raise error
    # The library's frames, and the tables they hold, are no use to a report of bad input.
    traceback.clear_frames(error.__traceback__)
    shown = textwrap.dedent(error.details).strip("\n").splitlines() if error.details else []
    failures = _failures(error)
    if failures is None:
        fail(error.problem, hint=hint_for(error), details=shown)
    origin = getattr(error, "origin", None)
    first_line = getattr(error, "first_line", None)
    first_line = 2 if first_line is None else first_line
    shown = first_problems(failures, origin, first_line, SHOWN_PROBLEMS)
    more = count_problems(failures) - len(shown)
    rest = f"... and {more:,} more problems" if more > 0 else ""
    if errors is not None:
        trouble = write_problems(problem_table(failures, origin, first_line), errors)
        if trouble is not None:
            shown.append(f"{rest}{'; ' if rest else ''}cannot write --errors {str(errors)!r}: {trouble}")
        else:
            shown.append(f"{rest}: every one is in {errors}" if rest else f"every problem is in {errors}")
    elif rest:
        shown.append(f"{rest}: pass --errors FILE to write them all")
    fail(error.problem, hint=hint_for(error), details=shown)


def caret(text: str, position: int) -> list[str]:
    r"""The text, and a caret under the character at ``position``.

    Examples:
        >>> print("\n".join(caret("about 5,000 xyz", 12)))
        about 5,000 xyz
                    ^

    """
    return [text, " " * position + "^"]
