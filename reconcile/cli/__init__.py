"""The ``reconcile`` command: check a claims file, or read phrases, from a shell or a pipeline.

``reconcile check claims.csv`` reads a claims table with :func:`reconcile.read_claims`,
reconciles it with :func:`reconcile.reconcile` and prints the estimates and the conflicts
(as tables, JSON or CSV); ``reconcile parse "about 5,000"`` prints a phrase's range;
``reconcile extract article.txt -o claims.csv`` writes the figures of a report as claims. The
exit code tells a pipeline what happened:

- 0: the claims are consistent (``check``), every phrase was read (``parse``);
- 1: some claims contradict each other (``check``);
- 2: the input is invalid: a missing or unreadable file, bad rows (the first 100 listed on
  stderr, every one written by ``--errors FILE``), an unknown policy, a relation or a
  phrase that cannot be read;
- 3: the command itself failed (a bug, with its traceback on stderr).

The command is also ``python -m reconcile``. A large file shows a progress bar, and a large
table a spinner per stage, only when the output goes to a terminal.

This package holds the ``app`` and :func:`main`; each job has its module: the commands
(:mod:`~reconcile.cli.check`, :mod:`~reconcile.cli.parse`, :mod:`~reconcile.cli.extract`),
reading their input files (:mod:`~reconcile.cli.inputs`), the reports (:mod:`~reconcile.cli.output`), progress
(:mod:`~reconcile.cli.progress`), exit codes and errors on stderr
(:mod:`~reconcile.cli.problems`), the library's hints as options
(:mod:`~reconcile.cli.hints`), and the one renderer of whatever the command prints from its
input, shown and never obeyed by the terminal (:mod:`~reconcile.cli.terminal`).

Examples:
    >>> from typer.testing import CliRunner
    >>> run = CliRunner().invoke(app, ["parse", "at least 7,000", "--format", "json"])
    >>> run.exit_code
    0
    >>> print(run.stdout)
    [{"phrase": "at least 7,000", "low": 7000.0, "value": 7000.0, "high": "inf", "unit": "person",
      "counts": null, "hedge": "at least"}]

"""

from __future__ import annotations

import sys
import traceback

import typer

from reconcile.cli import check, extract, parse
from reconcile.cli.problems import EXIT_CONFLICTS, EXIT_CONSISTENT, EXIT_INTERNAL, EXIT_INVALID
from reconcile.cli.terminal import safe

__all__ = ["EXIT_CONFLICTS", "EXIT_CONSISTENT", "EXIT_INTERNAL", "EXIT_INVALID", "app", "main"]

app = typer.Typer(
    name="reconcile",
    help="Check reported figures against each other, and read hedged phrases into ranges.",
    epilog=(
        "Examples:\n"
        "  reconcile check examples/data/mosul_2016_claims.csv\n"
        "  reconcile check claims.csv --relations relations.txt --format json --output report.json\n"
        "  reconcile parse 'about 5,000' 'at least 7,000'\n"
        "  reconcile extract article.txt --via CNN --date 2016-10-17 -o claims.csv\n\n"
        "Exit codes: 0 consistent (or every phrase read), 1 conflicts among the claims, "
        "2 invalid input (listed on stderr), 3 an internal error."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
# The commands, in the order ``reconcile --help`` lists them.
app.command(help=check.HELP, epilog=check.EPILOG)(check.check)
app.command("parse", help=parse.HELP, epilog=parse.EPILOG)(parse.parse_phrases)
app.command("extract", help=extract.HELP, epilog=extract.EPILOG)(extract.extract_articles)


def main() -> None:
    """Run the ``reconcile`` command with the arguments of this process (the entry point).

    Examples:
        >>> import subprocess, sys
        >>> done = subprocess.run([sys.executable, "-m", "reconcile", "parse", "about 5,000"],
        ...                       capture_output=True, text=True)
        >>> done.returncode, "4,500" in done.stdout
        (0, True)

    """
    try:
        app(prog_name="reconcile")
    except Exception:  # a bug, not bad input: say so, and never exit 1, which means conflicts
        # The traceback may quote the input (a value in an exception's message): shown, not obeyed.
        sys.stderr.write(safe(traceback.format_exc()))
        print(
            "reconcile stopped on an internal error (above); please report it with the command you ran",
            file=sys.stderr,
        )
        sys.exit(EXIT_INTERNAL)
