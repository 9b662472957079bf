"""The ``check`` command: reconcile a claims file and report the estimates and every conflict.

:func:`check` reads the claims (:mod:`reconcile.cli.inputs`), reconciles them with
:func:`reconcile.reconcile` and writes the report (:mod:`reconcile.cli.output`); the
package (:mod:`reconcile.cli`) makes it the command ``reconcile check`` with :data:`HELP`
and :data:`EPILOG`.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal, cast

import pandas as pd
import typer
from rich.console import Console

import reconcile as rc
from reconcile.cli.inputs import (
    LEXICON_HELP,
    Reading,
    RelationLine,
    fail_on_relation,
    read_aliases,
    read_claims,
    read_lexicon,
    read_relations,
    read_weights,
)
from reconcile.cli.output import (
    as_csv,
    as_json,
    as_table,
    emit,
    flagged_path,
    flagged_summary,
    plain,
    print_notes,
    print_report,
    write_report,
)
from reconcile.cli.problems import (
    EXIT_CONFLICTS,
    EXIT_CONSISTENT,
    PROBLEM_COLUMNS,
    SHOWN_PROBLEMS,
    error_console,
    fail,
    fail_with,
    write_problems,
)
from reconcile.cli.progress import MANY_CLAIMS, stage, status_console
from reconcile.cli.terminal import safe_text
from reconcile.schemas import Claims, Conflicts, Estimates, ReconciledClaims, Totals

__all__ = ["EPILOG", "HELP", "check"]

_POLICY_HELP = "How to reach each quantity's estimate: " + "; ".join(
    f"'{name}': {practice}" for name, practice in rc.POLICIES.items()
)
_CSV_COLUMNS_HELP = (
    "CSV: one row per quantity: the key columns, low, value, high, unit, n_claims, n_kept, "
    "status, then conflict_ids and conflicts (each conflict's message, joined by ' | '). "
    "Totals derived through --relations follow as rows with status 'derived' and n_claims 0, "
    "with the columns low_90, high_90, claim_ids and relations, which only they fill."
)


#: The command's help, above its options.
HELP = (
    "Reconcile a claims file: print each quantity's estimate and every conflict.\n\n"
    "Exits 0 when the claims are consistent, 1 when some contradict each other, 2 when the "
    f"input is invalid (a missing file, an unknown policy, bad rows: the first {SHOWN_PROBLEMS} are listed "
    "on stderr, and --errors FILE writes them all)."
)
#: The command's help, below its options: examples, and the columns of the CSV report.
EPILOG = (
    "Examples:\n"
    "  reconcile check examples/data/mosul_2016_claims.csv\n"
    "  reconcile check claims.csv --policy envelope --format csv --output estimates.csv\n"
    "  reconcile check claims.csv --relations relations.txt --format json\n"
    "  reconcile check claims.csv --lexicon my_lexicon.toml\n"
    "  reconcile check hdx_idps.csv --source 'IOM DTM' --as-of 2022-08\n"
    "  reconcile check claims.csv --flag --format csv --output estimates.csv\n"
    "  reconcile check claims.csv --errors problems.csv\n\n" + _CSV_COLUMNS_HELP
)


def check(
    claims: Annotated[
        Path,
        typer.Argument(
            help="The claims file: .csv, .json (a list of records), .xlsx (see --sheet) or .parquet; "
            "a .csv or .xlsx file with a row of HXL hashtags is read as HXL.",
            metavar="CLAIMS",
            show_default=False,
        ),
    ],
    relations: Annotated[
        Path | None,
        typer.Option(
            "--relations",
            "-r",
            help="A text file of relations between quantities, one per line "
            "(such as 'troops/foreign = troops/us + troops/coalition'), each ending, if you like, "
            "with where it holds in brackets ('[place=Mosul, as_of=2017-09-09]'); a line such as "
            "'share = around a third' defines a figure a relation multiplies by "
            "('deaths/civilians/pro_government = share * deaths/civilians'); "
            "blank lines and lines or line ends after '#' are skipped.",
            show_default=False,
        ),
    ] = None,
    policy: Annotated[str, typer.Option("--policy", "-p", help=_POLICY_HELP)] = "consensus",
    key: Annotated[
        str,
        typer.Option(
            "--key",
            "-k",
            help="The columns that name a quantity, separated by commas.",
        ),
    ] = ",".join(rc.DEFAULT_KEY),
    weight: Annotated[
        list[str] | None,
        typer.Option(
            "--weight",
            "-w",
            help="A source's weight, as NAME=WEIGHT (above 0; 1 when not given); repeat it for "
            "several sources. The priority policy follows the highest.",
            show_default=False,
        ),
    ] = None,
    alias: Annotated[
        list[str] | None,
        typer.Option(
            "--alias",
            help="Another spelling of a source, as SPELLING=NAME, so that its claims are one voice "
            "with NAME's (names are compared without case, spacing or punctuation); repeat it.",
            show_default=False,
        ),
    ] = None,
    sheet: Annotated[
        str | None,
        typer.Option(
            "--sheet", help="The sheet to read from an Excel workbook that has several.", show_default=False
        ),
    ] = None,
    encoding: Annotated[
        str,
        typer.Option("--encoding", help="The text encoding of a CSV file (cp1252, latin-1 ...)."),
    ] = "utf-8-sig",
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="The source of the whole file (HDX gives a dataset's source in its metadata), "
            "written into every row that gives none.",
            show_default=False,
        ),
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(
            "--via",
            help="Who passed the whole file on (an outlet, a platform), "
            "written into every row that gives none.",
            show_default=False,
        ),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="The date or period of every figure in the file (2022-08-24, 2022-08, 2022), "
            "written into every row that gives none.",
            show_default=False,
        ),
    ] = None,
    reported_on: Annotated[
        str | None,
        typer.Option(
            "--reported-on",
            help="The day the whole file was published, written into every row that gives none.",
            show_default=False,
        ),
    ] = None,
    decimal: Annotated[
        Literal[".", ","],
        typer.Option(
            "--decimal", help="The decimal mark of the file's numbers: '.' (1,234.5) or ',' (1.234,5)."
        ),
    ] = ".",
    flag: Annotated[
        bool,
        typer.Option(
            "--flag",
            help="Read a file with bad rows instead of stopping: write every row, with its warning and "
            "error columns, to flagged.csv (flagged.json with --format json) beside --output, or in the "
            "working folder without it; set aside the rows with an error or no figure, "
            "and reconcile the rest.",
        ),
    ] = False,
    dayfirst: Annotated[
        bool | None,
        typer.Option(
            "--dayfirst/--monthfirst",
            help="How dates such as 03/04/2022 are written: day first (17/10/2016) or month first "
            "(10/17/2016). By default each date column settles it from its own dates.",
            show_default=False,
        ),
    ] = None,
    output_format: Annotated[
        Literal["text", "json", "csv"],
        typer.Option(
            "--format",
            "-f",
            help="text: tables for a reader; json: one object with the estimates, conflicts "
            'and claims as lists of records (open ends as "inf"); csv: one row per quantity '
            "(see below).",
        ),
    ] = "text",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the report to this file instead of the screen; it is written whole or not at all.",
            show_default=False,
        ),
    ] = None,
    rows: Annotated[
        int,
        typer.Option(
            "--rows",
            min=0,
            help="Show at most this many rows of each table in the text report (0: every row); "
            "csv and json always hold every row.",
        ),
    ] = 100,
    lexicon: Annotated[
        Path | None,
        typer.Option(
            "--lexicon", help=LEXICON_HELP + " It reads the claims' phrase column.", show_default=False
        ),
    ] = None,
    implied_parts: Annotated[
        bool,
        typer.Option(
            "--parts/--no-parts",
            help="Check that a part is at most its whole wherever both are claimed "
            "(troops/us <= troops), besides the --relations; --no-parts skips that check.",
        ),
    ] = True,
    places: Annotated[
        Path | None,
        typer.Option(
            "--places",
            help="A CSV table of places (columns place, parent, and optionally pcode) that puts "
            "plain place names into a hierarchy; paths such as Bangladesh/Cox's Bazar need none.",
            show_default=False,
        ),
    ] = None,
    implied_places: Annotated[
        bool,
        typer.Option(
            "--place-parts/--no-place-parts",
            help="Check that an area's figure is at most that of the place it is part of "
            "(Bangladesh/Cox's Bazar <= Bangladesh); --no-place-parts skips that check.",
        ),
    ] = True,
    joint: Annotated[
        bool,
        typer.Option(
            "--joint/--per-quantity",
            help="With relations, choose the claims to set aside across quantities, so that the "
            "relations hold with the most weight kept; --per-quantity keeps each quantity's own choice.",
        ),
    ] = True,
    time_checks: Annotated[
        bool,
        typer.Option(
            "--time/--no-time",
            help="Check figures across time: a running total (measure cumulative) that falls, or a "
            "flow over part of a period above the whole; --no-time skips those checks.",
        ),
    ] = True,
    errors: Annotated[
        Path | None,
        typer.Option(
            "--errors",
            help=f"Write every problem with the claims' rows to this CSV file, one row per failing cell "
            f"(columns {', '.join(PROBLEM_COLUMNS)}); stderr lists the first {SHOWN_PROBLEMS}. "
            "A run whose rows are all read writes the file with its header alone. Not with --flag, "
            "which writes every row with its error.",
            show_default=False,
        ),
    ] = None,
    progress: Annotated[
        bool,
        typer.Option(
            "--progress/--no-progress",
            help="Show a progress bar for a large file and a spinner for a large table "
            "(only ever when the output goes to a terminal).",
        ),
    ] = True,
) -> None:
    """Reconcile a claims file: print each quantity's estimate and every conflict.

    Exits 0 when the claims are consistent, 1 when some contradict each other, 2 when the
    input is invalid (the first bad rows are listed on stderr, every one with ``--errors``).

    Examples:
        >>> from typer.testing import CliRunner
        >>> from reconcile.cli import app
        >>> run = CliRunner().invoke(app, ["check", "examples/data/mosul_2016_claims.csv"])
        >>> run.exit_code
        1
        >>> print(run.stdout.splitlines()[-1])
        1 conflict among 7 claims about 6 quantities (policy consensus).

    """
    if policy not in rc.POLICIES:
        fail(f"unknown policy {policy!r}", hint=f"choose one of {', '.join(map(repr, rc.POLICIES))}")
    columns = _key_columns(key)
    if relations is not None and not relations.is_file():
        read_relations(relations, [])  # a missing file is the first error, before reading the claims
    words = read_lexicon(lexicon)
    more: dict[str, Any] = {}
    if weight:
        more["weights"] = read_weights(weight)
    if alias:
        more["aliases"] = read_aliases(alias)
    if not implied_parts:
        more["implied_parts"] = False
    if not time_checks:
        more["time_checks"] = False
    if places is not None:
        more["places"] = places
    if not implied_places:
        more["implied_places"] = False
    if not joint:
        more["joint"] = False
    flagged = flagged_path(output, output_format) if flag else None
    if flagged is not None and output is not None and flagged.resolve() == output.resolve():
        fail(
            f"--output {str(output)!r} is where --flag writes the flagged rows",
            hint=f"name the report otherwise, e.g. --output {output.with_name('report' + output.suffix)}",
        )
    if errors is not None:
        _check_errors_file(errors, flag=flag, others=[claims, relations, lexicon, places, output])
    reading = Reading(source, via, as_of, reported_on, decimal, "flag" if flag else "raise")
    status = status_console(progress)
    relation_lines: list[RelationLine] = []
    try:
        table = read_claims(
            claims, status, sheet=sheet, encoding=encoding, lexicon=words, dayfirst=dayfirst, reading=reading
        )
        print_notes(table.attrs.get("notes", ()), claims, error_console())
        if relations is not None:
            # Read once the claims are known: a name they give is read whole, '-' and all.
            names = table["counts"].dropna().astype(str).unique().tolist() if "counts" in table else []
            relation_lines = read_relations(relations, names, words)
            more["relations"] = [line.relation for line in relation_lines]
        busy = status if len(table) > MANY_CLAIMS else None
        with stage(busy, f"Reconciling {len(table):,} claims"):
            result = rc.reconcile(table, key=columns, policy=cast(rc.Policy, policy), **more)
    except rc.ReconcileError as error:
        if relations is not None:
            fail_on_relation(error, relation_lines, relations)
        fail_with(error, errors=errors)

    if errors is not None:
        # Every row was read: the file holds no problem, so no list from an earlier run outlives it.
        trouble = write_problems(pd.DataFrame(columns=list(PROBLEM_COLUMNS)), errors)
        if trouble is not None:
            fail(
                f"cannot write --errors {str(errors)!r}: {trouble}", hint="write to a folder you may write to"
            )
    if flagged is not None:
        # Before the report: a report written (or printed) says the run went through.
        write_report(as_table(table, flagged), flagged)
        error_console().print(safe_text(flagged_summary(table, flagged), one_line=True))
    if output_format != "text":
        with stage(busy, f"Writing the {output_format} report"):
            report = as_json(result) if output_format == "json" else as_csv(result)
    else:
        screen = Console(highlight=False)
        if output is None and screen.is_terminal:
            print_report(result, screen, rows)
            report = None
        else:
            report = plain(lambda console: print_report(result, console, rows))
    if report is not None and output is not None:
        write_report(report, output)
    elif report is not None:
        emit(report)
    raise typer.Exit(EXIT_CONSISTENT if result.conflicts.empty else EXIT_CONFLICTS)


def _columns(model: Any) -> set[str]:
    return set(model.to_schema().columns)


def _key_columns(key: str) -> list[str]:
    """The columns ``--key`` names; exit 2 when it names none, one twice, or one no quantity is named by.

    A claim's id and figure (``claim_id``, ``low``, ``value``, ``high``) and the columns the
    report fills itself (``status``, ``kept``, ``conflict_id`` ...) cannot name a quantity:
    the report would hold two columns of one name, or a figure in place of another.
    """
    columns = [column.strip() for column in key.split(",") if column.strip()]
    example = ",".join(rc.DEFAULT_KEY)
    if not columns:
        fail(f"--key names no columns (got {key!r})", hint=f"name them with commas, e.g. {example}")
    repeated = [column for column, count in Counter(columns).items() if count > 1]
    if repeated:
        fail(
            f"--key names {', '.join(map(repr, repeated))} more than once (got {key!r})",
            hint=f"name each column once, e.g. --key {','.join(dict.fromkeys(columns))}",
        )
    own = ("claim_id", "low", "value", "high")
    built = _columns(Estimates) | _columns(Conflicts) | _columns(ReconciledClaims) | _columns(Totals)
    built -= _columns(Claims)
    refused = [column for column in columns if column in own or column in built]
    if refused:
        why = []
        if any(column in own for column in refused):
            why.append(
                "a claim's id and figure (claim_id, low, value, high) are the claim's own, not a quantity's"
            )
        if any(column in built for column in refused):
            many = sum(column in built for column in refused) > 1
            why.append(f"the report fills {'those columns' if many else 'that column'} itself")
        fail(
            f"--key cannot name {', '.join(map(repr, refused))} (got {key!r}): {'; '.join(why)}",
            hint=f"name a quantity by what is counted, where and when, e.g. --key {example}",
        )
    return columns


def _check_errors_file(errors: Path, *, flag: bool, others: list[Path | None]) -> None:
    """Exit 2 when ``--errors`` goes with ``--flag``, or names a file the command reads or writes."""
    if flag:
        fail(
            "--errors and --flag cannot go together",
            hint="--flag reads the bad rows and writes every row, with its error, to flagged.csv; "
            "--errors lists the problems of a file it refuses: leave out one of them",
        )
    taken = [path for path in others if path is not None and path.resolve() == errors.resolve()]
    if taken:
        fail(
            f"--errors {str(errors)!r} names a file the command reads or writes",
            hint=f"name the list of problems otherwise, e.g. --errors {errors.with_name('problems.csv')}",
        )
