"""The ``reconcile`` command: check a claims file, or read phrases, from a shell or a pipeline.

``reconcile check claims.csv`` reads a claims table with :func:`reconcile.read_claims`,
reconciles it with :func:`reconcile.reconcile` and prints the estimates and the conflicts
(as tables, JSON or CSV); ``reconcile parse "about 5,000"`` prints a phrase's range. The
exit code tells a pipeline what happened:

- 0: the claims are consistent (``check``), every phrase was read (``parse``);
- 1: some claims contradict each other (``check``);
- 2: the input is invalid: a missing or unreadable file, a bad row (every one is listed on
  stderr), an unknown policy, a relation or a phrase that cannot be read;
- 3: the command itself failed (a bug, with its traceback on stderr).

The command is also ``python -m reconcile``. A large file shows a progress bar, and a large
table a spinner per stage, only when the output goes to a terminal.

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

import contextlib
import io
import json
import os
import re
import sys
import tempfile
import textwrap
import traceback
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple, NoReturn

import numpy as np
import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

import reconcile as rc
from reconcile import _progress
from reconcile._text import format_numbers
from reconcile.claims import _describe
from reconcile.consensus import DEFAULT_KEY
from reconcile.display import quantity_labels
from reconcile.formats import json_records, neutralise_formulas

__all__ = ["EXIT_CONFLICTS", "EXIT_CONSISTENT", "EXIT_INTERNAL", "EXIT_INVALID", "app", "main"]

#: Exit code of ``check`` when no claims contradict each other (and of ``parse`` on success).
EXIT_CONSISTENT = 0
#: Exit code of ``check`` when some claims contradict each other.
EXIT_CONFLICTS = 1
#: Exit code when the input cannot be read: a file, a row, a policy, a relation, a phrase.
EXIT_INVALID = 2
#: Exit code when the command itself failed (a bug): never 1, which a pipeline reads as conflicts.
EXIT_INTERNAL = 3

# 128 + SIGPIPE, what a shell reports for a command whose reader closed the pipe.
_EXIT_BROKEN_PIPE = 141
# Piped output is not wrapped: a reader (or a program) sees each row on one line.
_PIPE_WIDTH = 1000
_ROW_AND_LINE = re.compile(r"row (\d+) \(line (\d+)\)")
# A relations file's comment starts at a '#' outside `backticks` (which quote a name).
_UNCOMMENTED = re.compile(r"(?:[^#`]|`[^`]*`)*")

_POLICY_HELP = "How to reach each quantity's estimate: " + "; ".join(
    f"'{name}': {practice}" for name, practice in rc.POLICIES.items()
)
_CSV_COLUMNS_HELP = (
    "CSV: one row per quantity: the key columns, low, value, high, unit, n_claims, n_kept, "
    "status, then conflict_ids and conflicts (each conflict's message, joined by ' | '). "
    "Totals derived through --relations follow as rows with status 'derived' and n_claims 0, "
    "with the columns low_90, high_90, claim_ids and relations, which only they fill."
)

app = typer.Typer(
    name="reconcile",
    help="Check reported figures against each other, and read hedged phrases into ranges.",
    epilog=(
        "Examples:\n"
        "  reconcile check examples/data/mosul_2016_claims.csv\n"
        "  reconcile check claims.csv --relations relations.txt --format json --output report.json\n"
        "  reconcile parse 'about 5,000' 'at least 7,000'\n\n"
        "Exit codes: 0 consistent (or every phrase read), 1 conflicts among the claims, "
        "2 invalid input (listed on stderr), 3 an internal error."
    ),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


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
        traceback.print_exc()
        print(
            "reconcile stopped on an internal error (above); please report it with the command you ran",
            file=sys.stderr,
        )
        sys.exit(EXIT_INTERNAL)


# -- errors ------------------------------------------------------------------------------------


def _error_console() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _key_option(found: re.Match[str]) -> str:
    names = (name.strip(" '\"") for name in found[1].split(","))
    return "--key " + ",".join(name for name in names if name)


# The library's hints name its Python arguments; the command's user has options instead.
_OPTION_HINTS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"pass sheet= one of "), "pass --sheet NAME, one of "),
    (re.compile(r"pass sheet= only for "), "pass --sheet only for "),
    (re.compile(r"encoding='([^']+)' or '([^']+)'"), r"--encoding \1 or --encoding \2"),
    (re.compile(r"encoding='([^']+)'"), r"--encoding \1"),
    (
        re.compile(r"pass e\.g\. 'utf-8', 'cp1252' or 'latin-1'"),
        "pass e.g. --encoding utf-8, cp1252 or latin-1",
    ),
    (
        re.compile(r", or pass format= \('hxl' for HXL in \.csv or \.xlsx\)"),
        " (a .csv or .xlsx file with a row of HXL hashtags is read as HXL)",
    ),
    (re.compile(r"weights=\{'source name': weight, \.\.\.\}"), "--weight 'NAME=W' for each source"),
    (re.compile(r"weights=\{'([^']+)': ([0-9.]+), \.\.\.\}"), r"--weight '\1=\2'"),
    (re.compile(r"key=\(([^)]*)\)"), _key_option),
    (re.compile(r"implied_parts=False"), "--no-parts"),
    (
        re.compile(r"dayfirst=True for dates written 17/10/2016 or dayfirst=False for"),
        "--dayfirst for dates written 17/10/2016 or --monthfirst for",
    ),
    (re.compile(r"dayfirst=True"), "--dayfirst"),
    (re.compile(r"dayfirst=False"), "--monthfirst"),
    (re.compile(r"pass dayfirst= "), "pass --dayfirst or --monthfirst "),
    (re.compile(r"leave dayfirst out"), "leave out --dayfirst and --monthfirst"),
    (re.compile(r"out of key= "), "out of --key "),
    (re.compile(r"relations=\[('[^']*')\]"), r"--relations FILE, one relation a line such as \1"),
    (re.compile(r"leave out unit= "), "leave out --unit "),
    (
        re.compile(r"add nouns with Lexicon\.with_noun"),
        "add nouns to the [nouns] table of a copy of reconcile/lexicon.toml and pass it with --lexicon FILE",
    ),
    (re.compile(r"unit='([^']+)'"), r"--unit '\1'"),
)


def _as_options(hint: str) -> str:
    """The hint with the library's keyword arguments (``sheet=``, ``encoding='cp1252'``) as options.

    Examples:
        >>> _as_options("pass sheet= one of ['claims', 'notes']")
        "pass --sheet NAME, one of ['claims', 'notes']"
        >>> _as_options("name a quantity by columns of the table, e.g. key=('counts', 'place', 'as_of')")
        'name a quantity by columns of the table, e.g. --key counts,place,as_of'

    """
    for pattern, option in _OPTION_HINTS:
        hint = pattern.sub(option, hint)
    return hint


def _fail(problem: str, *, hint: str, details: Sequence[str] = ()) -> NoReturn:
    """Print ``error: problem``, one indented line per detail, and the hint (as options); exit 2."""
    console = _error_console()
    console.print(Text.assemble(("error: ", "bold red"), problem))
    for line in details:
        console.print(Text("  " + line))
    console.print(Text.assemble(("hint: ", "bold"), _as_options(hint)))
    raise typer.Exit(EXIT_INVALID)


def _every_problem(error: rc.ReconcileError) -> list[str]:
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
    return _describe(failures, origin, first_line)


def _emit(report: str) -> None:
    """Write ``report`` to stdout; if the reader went away (``| head``), stop quietly."""
    try:
        sys.stdout.write(report)
        sys.stdout.flush()
    except BrokenPipeError:
        # As if killed by SIGPIPE; never 1, which a pipeline reads as conflicts.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(_EXIT_BROKEN_PIPE) from None


def _fail_with(error: rc.ReconcileError) -> NoReturn:
    _fail(error.problem, hint=error.hint, details=_every_problem(error))


def _caret(text: str, position: int) -> list[str]:
    """The text, and a caret under the character at ``position``."""
    return [text, " " * position + "^"]


# -- reading -----------------------------------------------------------------------------------


def _status_console(enabled: bool) -> Console | None:
    """The console progress is drawn on (stderr), or None when output does not go to a terminal."""
    if not enabled or not Console().is_terminal:
        return None
    console = Console(stderr=True)
    return console if console.is_terminal else None


def _read_claims(
    path: Path,
    status: Console | None,
    *,
    sheet: str | None,
    encoding: str,
    lexicon: rc.Lexicon | None = None,
    dayfirst: bool | None = None,
) -> pd.DataFrame:
    """Read and check the claims file, drawing progress on ``status`` when it is large."""
    size = path.stat().st_size if path.is_file() else 0
    if size < _progress.LARGE_FILE_BYTES:
        status = None
    if status is not None and sheet is None and _progress.is_plain_csv(path, encoding):
        try:
            frame = _progress.read_csv(path, status, encoding=encoding)
            with _progress.stage(status, f"Checking {len(frame):,} claims"):
                return rc.read_claims(frame, lexicon=lexicon, dayfirst=dayfirst)
        except (rc.ReconcileError, OSError, ValueError, pd.errors.ParserError):
            pass  # read it again below, so the error names the file and its lines
    with _progress.stage(status, f"Reading {path.name}"):
        return rc.read_claims(path, sheet=sheet, encoding=encoding, lexicon=lexicon, dayfirst=dayfirst)


def _read_lexicon(path: Path | None) -> rc.Lexicon | None:
    """The lexicon in the file ``--lexicon`` names (None without the option); exit 2 if it is bad."""
    if path is None:
        return None
    try:
        return rc.Lexicon.load(path)
    except rc.ReconcileError as error:
        _fail(f"cannot read the lexicon file {str(path)!r}", hint=error.hint, details=[error.problem])


_LEXICON_HELP = (
    "A lexicon file to read phrases with: a copy of the lexicon.toml shipped in the reconcile "
    "package, with words of your own (a noun such as 'IDPs', a hedge, a quantity word) added."
)


def _weights(given: Sequence[str]) -> dict[str, float]:
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
        _fail(
            f"{len(problems)} --weight option{'s' if len(problems) > 1 else ''} cannot be read",
            hint="write a source's name, '=' and a number, e.g. --weight 'U.S. officials=2'",
            details=problems,
        )
    return weights


def _relation_type() -> Any:
    relation = getattr(rc, "Relation", None)
    if relation is None:
        _fail(
            "relations are not available in this version of reconcile",
            hint="leave out --relations, or upgrade reconcile to a version with rc.Relation",
        )
    return relation


class _RelationLine(NamedTuple):
    """A relation read from a line of the relations file."""

    number: int
    text: str  # the line without its comment
    relation: Any


def _read_relations(path: Path, names: Sequence[str]) -> list[_RelationLine]:
    """One relation per line; blank lines and ``#`` comments are skipped. Every bad line is listed.

    Names the claims give (``names``) and names the relations define are read whole, as
    :func:`reconcile.reconcile` reads them; a relation can define a name another uses, so
    the lines are read again while that adds names.
    """
    relation = _relation_type()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(
            f"cannot read the relations file {str(path)!r} ({getattr(exc, 'strerror', None) or exc})",
            hint="check the path; the file is UTF-8 text with one relation per line",
        )
    written: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):  # a handful of lines, written by hand
        before_comment = _UNCOMMENTED.match(line)
        # A backtick left open is the parser's to report, so the line is kept whole.
        opened = before_comment is None or line[before_comment.end() : before_comment.end() + 1] == "`"
        text = (line if opened or before_comment is None else before_comment[0]).rstrip()
        if text.strip():
            written.append((number, text))
    known = set(names)
    while True:
        relations: list[_RelationLine] = []
        problems: list[str] = []
        hints: list[str] = []
        for number, text in written:
            try:
                relations.append(_RelationLine(number, text, relation.parse(text.strip(), names=known)))
            except rc.ReconcileError as error:
                problems += _relation_problem(number, text, error)
                hints.append(error.hint)
        defined = {name for line in relations for name in line.relation.defines} - known
        if not defined:
            break
        known |= defined
    if problems:
        count = len(hints)
        _fail(
            f"{count} relation{'s' if count > 1 else ''} in {str(path)!r} cannot be read",
            hint="; ".join(dict.fromkeys(hints)),
            details=problems,
        )
    return relations


def _relation_problem(number: int, text: str, error: rc.ReconcileError) -> list[str]:
    """``line N: problem``, then the line with a caret under the character the error names."""
    position = getattr(error, "position", None)
    if not isinstance(position, int):
        return [f"line {number}: {error.problem}"]
    indent = len(text) - len(text.lstrip())
    return [f"line {number}: {error.problem}", *("  " + shown for shown in _caret(text, indent + position))]


def _fail_on_relation(error: rc.ReconcileError, relations: Sequence[_RelationLine], path: Path) -> None:
    """Exit 2 naming the file and line of the relation ``error`` is about, if it is one of ours."""
    lines = [line for line in relations if str(line.relation) == getattr(error, "text", None)]
    if lines:
        details = _relation_problem(lines[0].number, lines[0].text, error)
        _fail(f"a relation in {str(path)!r} cannot be used", hint=error.hint, details=details)


# -- reports -----------------------------------------------------------------------------------


def _json_default(value: object) -> object:
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _tables(result: rc.Reconciliation) -> dict[str, pd.DataFrame]:
    """The result's tables: estimates, conflicts, claims, and any others it has (such as totals)."""
    tables = {"estimates": result.estimates, "conflicts": result.conflicts, "claims": result.claims}
    extra = getattr(result, "totals", None)
    if isinstance(extra, pd.DataFrame):
        tables["totals"] = extra
    return tables


def _as_json(result: rc.Reconciliation) -> str:
    report: dict[str, Any] = {
        "policy": result.policy,
        "key": list(result.key),
        "consistent": result.conflicts.empty,
    }
    report.update({name: json_records(table) for name, table in _tables(result).items()})
    return json.dumps(report, ensure_ascii=False, allow_nan=False, default=_json_default) + "\n"


def _as_csv(result: rc.Reconciliation) -> str:
    key = list(result.key)
    conflicts = result.conflicts.drop_duplicates([*key, "conflict_id"])
    per_quantity = (
        conflicts.groupby(key, dropna=False, sort=False)
        .agg(conflict_ids=("conflict_id", " | ".join), conflicts=("message", " | ".join))
        .reset_index()
    )
    estimates = result.estimates.merge(per_quantity, on=key, how="left")
    totals = getattr(result, "totals", None)
    if isinstance(totals, pd.DataFrame) and not totals.empty:
        # Quantities no claim gives: after the estimates, with the columns only they fill.
        derived = totals.assign(status="derived", n_claims=0, n_kept=0)
        extra = [column for column in derived.columns if column not in estimates.columns]
        estimates = pd.concat([estimates, derived], ignore_index=True)[[*estimates.columns, *extra]]
    buffer = io.StringIO()
    neutralise_formulas(estimates).to_csv(buffer, index=False, lineterminator="\n")
    return buffer.getvalue()


def _numbers(values: Any, rounding: str = "nearest") -> list[str]:
    """Numbers as the library prints them (an open end as ∞); low ends rounded down, high ends up."""
    return [str(text) for text in format_numbers(np.asarray(values, dtype=float), rounding)]


def _texts(values: pd.Series) -> list[str]:
    return values.astype(object).where(values.notna(), "").astype(str).tolist()


def _quantities(frame: pd.DataFrame, key: Sequence[str]) -> list[str]:
    """Each row's quantity, its key values joined by commas (missing values left out)."""
    labels: list[str] = quantity_labels(frame, key).tolist()
    return labels


def _table(title: str, hidden: int, noun: str) -> Table:
    """An empty report table; its caption says how many rows ``--rows`` left out."""
    caption = (
        f"… and {hidden:,} more {noun}: --rows 0 shows them all; --format csv or json writes every row"
        if hidden
        else None
    )
    return Table(
        title=title,
        title_justify="left",
        caption=caption,
        caption_justify="left",
        box=box.SIMPLE,
        header_style="bold",
    )


def _first(frame: pd.DataFrame, rows: int) -> tuple[pd.DataFrame, int]:
    """The first ``rows`` rows (all when ``rows`` is 0), and how many were left out."""
    shown = frame if rows == 0 else frame.iloc[:rows]
    return shown, len(frame) - len(shown)


def _ranges(low: pd.Series, high: pd.Series) -> list[str]:
    """``low–high`` (the low end rounded down, the high end up), or one number when they are equal."""
    lows, highs = _numbers(low, "down"), _numbers(high, "up")
    spans = [f"{a}–{b}" if a != b else a for a, b in zip(lows, highs, strict=True)]
    # NaN where relations cannot be met (a conflict of kind relation says why).
    shown: list[str] = np.where(low.notna().to_numpy() & high.notna().to_numpy(), spans, "none").tolist()
    return shown


def _wrapping_column(table: Table, header: str, texts: Sequence[str]) -> None:
    """A column that wraps between words, never inside one (of up to 30 characters)."""
    longest = max((len(word) for text in texts for word in text.split()), default=len(header))
    table.add_column(header, overflow="fold", min_width=min(max(longest, len(header)), 30))


def _estimates_table(result: rc.Reconciliation, rows: int, *, terminal: bool) -> Table:
    estimates, hidden = _first(result.estimates, rows)
    table = _table("Estimates", hidden, "quantities")
    quantities = _quantities(estimates, result.key)
    _wrapping_column(table, "quantity", quantities)
    table.add_column("estimate", justify="right", no_wrap=True)
    table.add_column("range", justify="right", no_wrap=True)
    cells = [
        quantities,
        _numbers(estimates["value"]),
        _ranges(estimates["low"], estimates["high"]),
    ]
    # The relations' range, where they changed some range (or found none possible).
    tightened = {"low_tight", "high_tight"} <= set(estimates.columns) and bool(
        (estimates["low_tight"].ne(estimates["low"]) | estimates["high_tight"].ne(estimates["high"])).any()
    )
    if tightened:
        table.add_column("tightened", justify="right", no_wrap=True)
        cells.append(_ranges(estimates["low_tight"], estimates["high_tight"]))
    table.add_column("unit", overflow="fold")
    table.add_column("kept", no_wrap=True)
    table.add_column("status", no_wrap=True)
    kept = _texts(estimates["n_kept"])
    cells += [
        _texts(estimates["unit"]),
        [f"{n} of {of}" for n, of in zip(kept, _texts(estimates["n_claims"]), strict=True)],
    ]
    colours = {"conflict": "bold red", "agreed": "green"}
    for row, status in zip(zip(*cells, strict=True), _texts(estimates["status"]), strict=True):
        table.add_row(*row, Text(status, style=colours.get(status, "") if terminal else ""))
    return table


def _conflicts_table(result: rc.Reconciliation, rows: int) -> Table:
    ids = pd.unique(result.conflicts["conflict_id"])
    shown_ids, hidden = (ids, 0) if rows == 0 else (ids[:rows], max(len(ids) - rows, 0))
    conflicts = result.conflicts[result.conflicts["conflict_id"].isin(shown_ids)]
    fate = result.claims.drop_duplicates("claim_id").set_index("claim_id")["kept"]
    kept = conflicts["claim_id"].map(fate).fillna(True).astype(bool)
    claim_ids = conflicts["claim_id"].astype(str)
    labelled = conflicts.assign(
        shown=claim_ids.where(kept, claim_ids + " (set aside)"),
        quantity=_quantities(conflicts, result.key),
    )
    grouped = labelled.groupby("conflict_id", sort=False).agg(
        kind=("kind", "first"),
        quantity=("quantity", lambda names: "\n".join(dict.fromkeys(names))),
        claims=("shown", "\n".join),
        message=("message", "first"),
    )
    table = _table("Conflicts", hidden, "conflicts")
    table.add_column("conflict", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    _wrapping_column(table, "quantity", labelled["quantity"].tolist())
    _wrapping_column(table, "claims", claim_ids.tolist())
    table.add_column("what the claims say", overflow="fold")
    columns = (grouped["kind"], grouped["quantity"], grouped["claims"], grouped["message"])
    for conflict_id, kind, quantity, claims, message in zip(grouped.index, *columns, strict=True):
        table.add_row(str(conflict_id), str(kind), quantity, claims, str(message).replace("; ", "\n"))
    return table


def _set_aside_table(result: rc.Reconciliation, rows: int) -> Table | None:
    aside, hidden = _first(result.claims[~result.claims["kept"].astype(bool)], rows)
    if aside.empty:
        return None
    table = _table("Claims set aside", hidden, "claims set aside")
    cells = (_texts(aside["claim_id"]), _quantities(aside, result.key), _texts(aside["reason"]))
    _wrapping_column(table, "claim", cells[0])
    _wrapping_column(table, "quantity", cells[1])
    table.add_column("why", overflow="fold")
    for row in zip(*cells, strict=True):
        table.add_row(*row)
    return table


def _totals_table(result: rc.Reconciliation, rows: int) -> Table | None:
    """Quantities no claim gives, derived through the relations, with both readings of their range."""
    all_totals = getattr(result, "totals", None)
    if not isinstance(all_totals, pd.DataFrame) or all_totals.empty:
        return None
    totals, hidden = _first(all_totals, rows)
    table = _table("Derived totals", hidden, "totals")
    quantities = _quantities(totals, result.key)
    _wrapping_column(table, "quantity", quantities)
    table.add_column("estimate", justify="right", no_wrap=True)
    table.add_column("range", justify="right", no_wrap=True)
    cells = [
        quantities,
        _numbers(totals["value"]),
        _ranges(totals["low"], totals["high"]),
    ]
    if {"low_90", "high_90"} <= set(totals.columns):
        table.add_column("90% reading", justify="right", no_wrap=True)
        probable = _ranges(totals["low_90"], totals["high_90"])
        cells.append(np.where(totals["low_90"].notna().to_numpy(), probable, "").tolist())
    table.add_column("unit", overflow="fold")
    cells.append(_texts(totals["unit"]))
    if "claim_ids" in totals:
        table.add_column("from claims", overflow="fold")
        cells.append(_texts(totals["claim_ids"]))
    for row in zip(*cells, strict=True):
        table.add_row(*row)
    return table


def _summary(result: rc.Reconciliation) -> str:
    n_claims, n_quantities = len(result.claims), len(result.estimates)
    n_conflicts = result.conflicts["conflict_id"].nunique()
    about = f"{n_claims:,} claim{'s' if n_claims != 1 else ''} about {n_quantities:,} quantit" + (
        "ies" if n_quantities != 1 else "y"
    )
    if n_conflicts == 0:
        return f"Consistent: no conflicts among {about} (policy {result.policy})."
    return (
        f"{n_conflicts:,} conflict{'s' if n_conflicts != 1 else ''} among {about} (policy {result.policy})."
    )


def _print_report(result: rc.Reconciliation, console: Console, rows: int) -> None:
    """The text report: estimates, derived totals, conflicts, claims set aside, and a summary."""
    console.print(_estimates_table(result, rows, terminal=console.is_terminal))
    for table in (
        _totals_table(result, rows),
        _conflicts_table(result, rows),
        _set_aside_table(result, rows),
    ):
        if table is not None and table.row_count:
            console.print(table)
    style = "bold red" if not result.conflicts.empty else "bold green"
    console.print(Text(_summary(result), style=style if console.is_terminal else ""))


def _plain(render: Callable[[Console], None]) -> str:
    """What ``render`` prints, without colour or wrapping, and without spaces at line ends."""
    buffer = io.StringIO()
    render(Console(file=buffer, width=_PIPE_WIDTH, highlight=False, no_color=True))
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


@contextlib.contextmanager
def _atomic_file(target: Path) -> Iterator[io.TextIOWrapper]:
    """A temporary file beside ``target`` that replaces it only once it is completely written."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 (closed and renamed or removed below)
        "w", encoding="utf-8", newline="", dir=target.parent, prefix=f".{target.name}.", delete=False
    )
    try:
        with handle:
            yield handle  # type: ignore[misc]
        # A temporary file is private; the report gets the mode a new file (or the old one) has.
        umask = os.umask(0)
        os.umask(umask)
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~umask
        os.chmod(handle.name, mode)
        os.replace(handle.name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(handle.name)
        raise


def _write(text: str, output: Path) -> None:
    try:
        with _atomic_file(output) as handle:
            handle.write(text)
    except OSError as exc:
        _fail(
            f"cannot write {str(output)!r} ({exc.strerror or exc})",
            hint="write to a folder that exists and that you may write to",
        )


# -- commands ----------------------------------------------------------------------------------


@app.command(
    help="Reconcile a claims file: print each quantity's estimate and every conflict.\n\n"
    "Exits 0 when the claims are consistent, 1 when some contradict each other, 2 when the "
    "input is invalid (a missing file, an unknown policy, bad rows: every one is listed on stderr).",
    epilog=(
        "Examples:\n"
        "  reconcile check examples/data/mosul_2016_claims.csv\n"
        "  reconcile check claims.csv --policy envelope --format csv --output estimates.csv\n"
        "  reconcile check claims.csv --relations relations.txt --format json\n"
        "  reconcile check claims.csv --lexicon my_lexicon.toml\n\n" + _CSV_COLUMNS_HELP
    ),
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
            "(such as 'troops/foreign = troops/us + troops/coalition'); "
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
    ] = ",".join(DEFAULT_KEY),
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
            "--lexicon", help=_LEXICON_HELP + " It reads the claims' phrase column.", show_default=False
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
    input is invalid (each bad row is listed on stderr).

    Examples:
        >>> from typer.testing import CliRunner
        >>> run = CliRunner().invoke(app, ["check", "examples/data/mosul_2016_claims.csv"])
        >>> run.exit_code
        1
        >>> print(run.stdout.splitlines()[-1])
        1 conflict among 7 claims about 6 quantities (policy consensus).

    """
    if policy not in rc.POLICIES:
        _fail(f"unknown policy {policy!r}", hint=f"choose one of {', '.join(map(repr, rc.POLICIES))}")
    columns = [column.strip() for column in key.split(",") if column.strip()]
    if not columns:
        _fail(
            f"--key names no columns (got {key!r})",
            hint=f"name them with commas, e.g. {','.join(DEFAULT_KEY)}",
        )
    if relations is not None and not relations.is_file():
        _read_relations(relations, [])  # a missing file is the first error, before reading the claims
    words = _read_lexicon(lexicon)
    more: dict[str, Any] = {}
    if weight:
        more["weights"] = _weights(weight)
    if not implied_parts:
        more["implied_parts"] = False
    status = _status_console(progress)
    relation_lines: list[_RelationLine] = []
    try:
        table = _read_claims(claims, status, sheet=sheet, encoding=encoding, lexicon=words, dayfirst=dayfirst)
        if relations is not None:
            # Read once the claims are known: a name they give is read whole, '-' and all.
            names = table["counts"].dropna().astype(str).unique().tolist() if "counts" in table else []
            relation_lines = _read_relations(relations, names)
            more["relations"] = [line.relation for line in relation_lines]
        busy = status if len(table) > _progress.MANY_CLAIMS else None
        with _progress.stage(busy, f"Reconciling {len(table):,} claims"):
            result = rc.reconcile(table, key=columns, policy=policy, **more)
    except rc.ReconcileError as error:
        if relations is not None:
            _fail_on_relation(error, relation_lines, relations)
        _fail_with(error)

    if output_format != "text":
        with _progress.stage(busy, f"Writing the {output_format} report"):
            report = _as_json(result) if output_format == "json" else _as_csv(result)
    else:
        screen = Console(highlight=False)
        if output is None and screen.is_terminal:
            _print_report(result, screen, rows)
            report = None
        else:
            report = _plain(lambda console: _print_report(result, console, rows))
    if report is not None and output is not None:
        _write(report, output)
    elif report is not None:
        _emit(report)
    raise typer.Exit(EXIT_CONSISTENT if result.conflicts.empty else EXIT_CONFLICTS)


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


@app.command(
    "parse",
    help="Read figure phrases and print each one's range, value, unit and hedge.\n\n"
    "Exits 0 when every phrase is read, 2 when one cannot be: the phrases read are printed, and "
    "each one that cannot be is listed on stderr, with a caret where reading stopped and a hint.",
    epilog=(
        "Examples:\n"
        "  reconcile parse 'about 5,000' 'at least 7,000' 'more than half'\n"
        "  reconcile parse '7,619 families' --format json\n"
        "  reconcile parse 'about 1,200' --unit household\n"
        "  reconcile parse '7,619 IDPs' --lexicon my_lexicon.toml\n\n"
        "Exit codes: 0 every phrase read, 2 a phrase cannot be read (listed on stderr)."
    ),
)
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
        typer.Option("--lexicon", help=_LEXICON_HELP, show_default=False),
    ] = None,
) -> None:
    """Read figure phrases and print each one's range, value, unit and hedge.

    The phrases read are printed (a table, or JSON records); every phrase that cannot be
    read is listed on stderr with a caret under the place reading stopped and its own hint,
    and the command exits 2.

    Examples:
        >>> from typer.testing import CliRunner
        >>> run = CliRunner().invoke(app, ["parse", "about 5,000", "about 5,000 xyz", "-f", "json"])
        >>> run.exit_code
        2
        >>> print(run.stdout)
        [{"phrase": "about 5,000", "low": 4500.0, "value": 5000.0, "high": 5500.0, "unit": "person",
          "counts": null, "hedge": "about"}]
        >>> print(run.stderr)
        error: 1 of 2 phrases cannot be read
          cannot read 'xyz' at character 12 of 'about 5,000 xyz'
            about 5,000 xyz
                        ^
            hint: a phrase ends after its number, ...
        hint: fix the phrases listed, or leave them out; the others were read, and are printed on stdout

    """
    words = _read_lexicon(lexicon)
    read: list[tuple[str, rc.Figure]] = []
    problems: list[str] = []
    for phrase in phrases:  # the phrases given on the command line, a handful
        try:
            read.append((phrase, rc.parse(phrase, unit=unit, lexicon=words)))
        except rc.ParseError as error:
            caret = _caret(error.text, error.position)
            problems += [
                error.problem,
                *("  " + line for line in caret),
                "  hint: " + _as_options(error.hint),
            ]
        except rc.ReconcileError as error:
            _fail_with(error)
    if output_format == "json" or read:
        _print_phrases(read, output_format)
    if problems:
        failed = len(phrases) - len(read)
        _fail(
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
        _emit(json.dumps(json_records(records), ensure_ascii=False, allow_nan=False) + "\n")
        return
    phrases = [phrase for phrase, _ in read]
    figures = [figure for _, figure in read]
    table = Table(box=box.SIMPLE, header_style="bold")
    for column in _PHRASE_COLUMNS:
        table.add_column(column, justify="right" if column in ("low", "value", "high") else "left")
    lows = _numbers([f.low for f in figures], "down")
    values = _numbers([f.value for f in figures])
    highs = _numbers([f.high for f in figures], "up")
    for phrase, figure, low, value, high in zip(phrases, figures, lows, values, highs, strict=True):
        table.add_row(phrase, low, value, high, figure.unit, figure.counts or "", figure.hedge or "")
    console = Console(highlight=False)
    if console.is_terminal:
        console.print(table)
    else:
        _emit(_plain(lambda plain: plain.print(table)))
