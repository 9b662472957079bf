"""How the ``reconcile`` command ends: its exit codes, and invalid input reported on stderr.

Every problem with the input is printed as ``error: ...``, one indented line per detail (a
bad row, a relation with a caret under the place reading stopped), and a ``hint:`` written
in the command's options; the command then exits :data:`EXIT_INVALID`.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence
from typing import NoReturn

import pandas as pd
import typer
from rich.console import Console
from rich.text import Text

import reconcile as rc
from reconcile.claims import describe_failures
from reconcile.cli.hints import as_options

__all__ = [
    "EXIT_CONFLICTS",
    "EXIT_CONSISTENT",
    "EXIT_INTERNAL",
    "EXIT_INVALID",
    "caret",
    "error_console",
    "every_problem",
    "fail",
    "fail_with",
]

#: Exit code of ``check`` when no claims contradict each other (and of ``parse`` on success).
EXIT_CONSISTENT = 0
#: Exit code of ``check`` when some claims contradict each other.
EXIT_CONFLICTS = 1
#: Exit code when the input cannot be read: a file, a row, a policy, a relation, a phrase.
EXIT_INVALID = 2
#: Exit code when the command itself failed (a bug): never 1, which a pipeline reads as conflicts.
EXIT_INTERNAL = 3

_ROW_AND_LINE = re.compile(r"row (\d+) \(line (\d+)\)")


def error_console() -> Console:
    """The console problems are printed on: stderr, without highlighting or wrapping."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(problem: str, *, hint: str, details: Sequence[str] = ()) -> NoReturn:
    """Print ``error: problem``, one indented line per detail, and the hint (as options); exit 2."""
    console = error_console()
    console.print(Text.assemble(("error: ", "bold red"), problem))
    for line in details:
        console.print(Text("  " + line))
    console.print(Text.assemble(("hint: ", "bold"), as_options(hint)))
    raise typer.Exit(EXIT_INVALID)


def every_problem(error: rc.ReconcileError) -> list[str]:
    """The error's detail lines; when the library shortened a long list, the whole list again."""
    shown = textwrap.dedent(error.details).strip("\n").splitlines() if error.details else []
    failures = getattr(error, "failures", None)
    if not isinstance(failures, pd.DataFrame) or not shown:
        return shown
    # The library numbers file lines from the line its row 0 is on; read that off a shown row.
    numbered = next(filter(None, map(_ROW_AND_LINE.match, shown)), None)
    first_line = int(numbered[2]) - int(numbered[1]) if numbered else 2
    origin = getattr(error, "origin", None) if numbered else None
    if not shown[-1].startswith("... and "):
        return shown
    return describe_failures(failures, origin, first_line)


def fail_with(error: rc.ReconcileError) -> NoReturn:
    """Report the library's ``error`` (every problem it found, its hint as options) and exit 2."""
    fail(error.problem, hint=error.hint, details=every_problem(error))


def caret(text: str, position: int) -> list[str]:
    r"""The text, and a caret under the character at ``position``.

    Examples:
        >>> print("\n".join(caret("about 5,000 xyz", 12)))
        about 5,000 xyz
                    ^

    """
    return [text, " " * position + "^"]
