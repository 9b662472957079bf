"""How the ``reconcile`` command ends: its exit codes, and invalid input reported on stderr.

Every problem with the input is printed as ``error: ...``, one indented line per detail (a
bad row, a relation with a caret under the place reading stopped), and a ``hint:`` written
in the command's options; the command then exits :data:`EXIT_INVALID`. An
:class:`~reconcile.InternalError` is not the input's fault: it goes on to
:func:`reconcile.cli.main`, which reports a bug and exits :data:`EXIT_INTERNAL`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import NoReturn

import pandas as pd
import typer
from rich.console import Console
from rich.text import Text

import reconcile as rc
from reconcile._wording import printable
from reconcile.claims import describe_failures
from reconcile.cli.hints import hint_for

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


def error_console() -> Console:
    """The console problems are printed on: stderr, without highlighting or wrapping."""
    return Console(stderr=True, highlight=False, soft_wrap=True)


def fail(problem: str, *, hint: str, details: Sequence[str] = ()) -> NoReturn:
    """Print ``error: problem``, one indented line per detail, and the hint; exit 2.

    The hint names the command's options: the command's own, or a library error's through
    :func:`~reconcile.cli.hints.hint_for`.

    What the input said is printed as text: a control character in it is shown as ``�``.
    """
    console = error_console()
    console.print(Text.assemble(("error: ", "bold red"), printable(problem)))
    for line in details:
        console.print(Text("  " + printable(line)))
    console.print(Text.assemble(("hint: ", "bold"), printable(hint)))
    raise typer.Exit(EXIT_INVALID)


def every_problem(error: rc.ReconcileError) -> list[str]:
    """The error's detail lines; for bad rows, every one, though the library shortens a long list.

    The rows are described again from the error's ``failures``, numbered by its ``origin``
    and ``first_line`` (the file line of row 0), as the library numbers them.
    """
    shown = textwrap.dedent(error.details).strip("\n").splitlines() if error.details else []
    if not isinstance(error, rc.ClaimsError) or not isinstance(error.failures, pd.DataFrame) or not shown:
        return shown
    first_line = 2 if error.first_line is None else error.first_line
    return describe_failures(error.failures, error.origin, first_line)


def fail_with(error: rc.ReconcileError) -> NoReturn:
    """Report the library's ``error`` (every problem it found, its hint as options) and exit 2.

    An :class:`~reconcile.InternalError` is raised again: a bug, not bad input.
    """
    if isinstance(error, rc.InternalError):
        raise error
    fail(error.problem, hint=hint_for(error), details=every_problem(error))


def caret(text: str, position: int) -> list[str]:
    r"""The text, and a caret under the character at ``position``.

    Examples:
        >>> print("\n".join(caret("about 5,000 xyz", 12)))
        about 5,000 xyz
                    ^

    """
    return [text, " " * position + "^"]
