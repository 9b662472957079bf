"""The ``check`` command's report: tables for a reader, or JSON or CSV for a program, and how it is written.

A report goes to stdout (:func:`emit`, which stops quietly when the reader goes away) or to
a file, written whole or not at all (:func:`write_report`). Piped text is neither coloured
nor wrapped (:func:`plain`), so each row stays on one line. Every text the report prints
from the claims (ids, sources, quotes, places, units, the conflicts' messages) goes through
:func:`reconcile.cli.terminal.safe`: a control character, a line separator or a
bidirectional override in it is shown as ``�`` and never reaches the terminal, and brackets
are not read as rich markup. So are the notes the reader left on the claims file
(:func:`print_notes`, on stderr). A JSON report writes those characters as escapes, and a
CSV report printed on a terminal shows them as ``�`` (:func:`emit`). With ``--flag`` the
table of every row, with its ``warning`` and ``error``, is written beside the report
(:func:`flagged_path`).
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import typer
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

import reconcile as rc
from reconcile._replacing import replacing
from reconcile._wording import format_numbers, format_ranges, plural
from reconcile.cli.hints import hint_for
from reconcile.cli.problems import fail
from reconcile.cli.terminal import safe, safe_json, safe_text
from reconcile.display import quantity_labels
from reconcile.formats import json_records, write_table

__all__ = [
    "add_row",
    "as_csv",
    "as_json",
    "as_table",
    "emit",
    "flagged_path",
    "flagged_summary",
    "numbers",
    "plain",
    "print_notes",
    "print_report",
    "write_report",
]

# Piped output is not wrapped: a reader (or a program) sees each row on one line.
_PIPE_WIDTH = 1000
# 128 + SIGPIPE, what a shell reports for a command whose reader closed the pipe.
_EXIT_BROKEN_PIPE = 141


def emit(report: str) -> None:
    """Write ``report`` to stdout; if the reader went away (``| head``), stop quietly.

    On a terminal the report is shown through :func:`~reconcile.cli.terminal.safe` (CSV rows
    end in CRLF, shown as line ends); piped, it is written as it is, every character kept.
    """
    if sys.stdout.isatty():
        report = safe(report.replace("\r\n", "\n"))
    try:
        sys.stdout.write(report)
        sys.stdout.flush()
    except BrokenPipeError:
        # As if killed by SIGPIPE; never 1, which a pipeline reads as conflicts.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise typer.Exit(_EXIT_BROKEN_PIPE) from None


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


def as_json(result: rc.Reconciliation) -> str:
    """The JSON report: the policy, the key, whether the claims agree, and every table as records."""
    report: dict[str, Any] = {
        "policy": result.policy,
        "key": list(result.key),
        "consistent": result.conflicts.empty,
    }
    report.update({name: json_records(table) for name, table in _tables(result).items()})
    return safe_json(json.dumps(report, ensure_ascii=False, allow_nan=False, default=_json_default)) + "\n"


def as_csv(result: rc.Reconciliation) -> str:
    """The CSV report: one row per quantity with its conflicts, then the totals derived through relations."""
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
    write_table(estimates, buffer, "csv")
    return buffer.getvalue()


def numbers(values: Any, rounding: str = "nearest") -> list[str]:
    """Numbers as the library prints them (an open end as ∞); low ends rounded down, high ends up."""
    return [str(text) for text in format_numbers(np.asarray(values, dtype=float), rounding)]


def _texts(values: pd.Series) -> list[str]:
    """Each value as one line of text, shown through :func:`~reconcile.cli.terminal.safe` (missing: empty)."""
    return [safe(text, one_line=True) for text in values.astype(object).where(values.notna(), "").astype(str)]


def _quantities(frame: pd.DataFrame, key: Sequence[str]) -> list[str]:
    """Each row's quantity, its key values joined by commas (missing values left out), as one safe line."""
    return [safe(label, one_line=True) for label in quantity_labels(frame, key).astype(str)]


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
    """``low–high`` (the low end rounded down, the high end up), or one number when they print alike."""
    spans = format_ranges(low, high)
    # NaN where relations cannot be met (a conflict of kind relation says why).
    shown: list[str] = np.where(low.notna().to_numpy() & high.notna().to_numpy(), spans, "none").tolist()
    return shown


def add_row(table: Table, *cells: str | Text) -> None:
    """A row of text cells, printed as they are: not read as markup, control characters shown as �.

    A ``str`` cell goes through :func:`~reconcile.cli.terminal.safe` (its line ends kept: a
    cell the report runs over lines joins parts it made safe one by one); a ``Text`` cell
    is one the report built from safe text itself.
    """
    table.add_row(*(cell if isinstance(cell, Text) else safe_text(cell) for cell in cells))


def _wrapping_column(table: Table, header: str, texts: Sequence[str]) -> None:
    """A column that wraps between words, never inside one (of up to 30 characters)."""
    longest = max((len(word) for text in texts for word in text.split()), default=len(header))
    table.add_column(header, overflow="fold", min_width=min(max(longest, len(header)), 30))


def _quantity_table(
    title: str, rows: pd.DataFrame, hidden: int, noun: str, key: Sequence[str]
) -> tuple[Table, list[Any]]:
    """A table of quantities with its quantity, estimate and range columns, and their cells."""
    table = _table(title, hidden, noun)
    quantities = _quantities(rows, key)
    _wrapping_column(table, "quantity", quantities)
    table.add_column("estimate", justify="right", no_wrap=True)
    table.add_column("range", justify="right", no_wrap=True)
    return table, [quantities, numbers(rows["value"]), _ranges(rows["low"], rows["high"])]


def _estimates_table(result: rc.Reconciliation, rows: int, *, terminal: bool) -> Table:
    estimates, hidden = _first(result.estimates, rows)
    table, cells = _quantity_table("Estimates", estimates, hidden, "quantities", result.key)
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
        add_row(table, *row, safe_text(status, colours.get(status, "") if terminal else "", one_line=True))
    return table


def _conflicts_table(result: rc.Reconciliation, rows: int) -> Table:
    ids = pd.unique(result.conflicts["conflict_id"])
    shown_ids, hidden = (ids, 0) if rows == 0 else (ids[:rows], max(len(ids) - rows, 0))
    conflicts = result.conflicts[result.conflicts["conflict_id"].isin(shown_ids)]
    fate = result.claims.drop_duplicates("claim_id").set_index("claim_id")["kept"]
    kept = conflicts["claim_id"].map(fate).fillna(True).astype(bool)
    # Each part made safe on its own, so the line ends the cells are joined with are the report's.
    claim_ids = pd.Series(_texts(conflicts["claim_id"]), index=conflicts.index, dtype=object)
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
    messages = [safe(message, one_line=True).replace("; ", "\n") for message in grouped["message"]]
    table = _table("Conflicts", hidden, "conflicts")
    table.add_column("conflict", no_wrap=True)
    table.add_column("kind", no_wrap=True)
    _wrapping_column(table, "quantity", labelled["quantity"].tolist())
    _wrapping_column(table, "claims", claim_ids.tolist())
    table.add_column("what the claims say", overflow="fold")
    columns = (grouped["kind"], grouped["quantity"], grouped["claims"], messages)
    for conflict_id, kind, quantity, claims, message in zip(grouped.index, *columns, strict=True):
        add_row(table, safe(conflict_id, one_line=True), safe(kind, one_line=True), quantity, claims, message)
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
        add_row(table, *row)
    return table


def _totals_table(result: rc.Reconciliation, rows: int) -> Table | None:
    """Quantities no claim gives, derived through the relations, with both readings of their range."""
    all_totals = getattr(result, "totals", None)
    if not isinstance(all_totals, pd.DataFrame) or all_totals.empty:
        return None
    totals, hidden = _first(all_totals, rows)
    table, cells = _quantity_table("Derived totals", totals, hidden, "totals", result.key)
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
        add_row(table, *row)
    return table


def _summary(result: rc.Reconciliation) -> str:
    n_claims, n_quantities = len(result.claims), len(result.estimates)
    n_conflicts = result.conflicts["conflict_id"].nunique()
    about = f"{plural(n_claims, 'claim')} about {plural(n_quantities, 'quantity', 'quantities')}"
    if n_conflicts == 0:
        return f"Consistent: no conflicts among {about} (policy {result.policy})."
    return f"{plural(n_conflicts, 'conflict')} among {about} (policy {result.policy})."


def print_report(result: rc.Reconciliation, console: Console, rows: int) -> None:
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
    console.print(safe_text(_summary(result), style if console.is_terminal else "", one_line=True))


def print_notes(notes: Sequence[object], origin: Path, console: Console) -> None:
    """What the reader noted about the claims file (``str`` of each), under ``Notes on <file>``.

    Printed through :func:`~reconcile.cli.terminal.safe`: a control character in a note or
    the file's name is shown as ``�``, brackets are not read as markup, and each note stays
    on one line.
    """
    if not notes:
        return
    console.print(safe_text(f"Notes on {origin}", "yellow", one_line=True))
    for note in notes:
        console.print(safe_text(f"  {note}", "dim yellow", one_line=True))


def flagged_path(output: Path | None, output_format: str) -> Path:
    """Where ``--flag`` writes the flagged table: beside ``--output`` (else in the working folder).

    It is ``flagged.csv``, or ``flagged.json`` beside a JSON report.

    Examples:
        >>> flagged_path(Path("reports/estimates.csv"), "csv").as_posix()
        'reports/flagged.csv'
        >>> flagged_path(None, "json").name
        'flagged.json'

    """
    folder = Path() if output is None else output.parent
    return folder / ("flagged.json" if output_format == "json" else "flagged.csv")


def as_table(frame: pd.DataFrame, path: Path) -> str:
    """The table as the text of the file ``path`` (CSV, or JSON records), as the library writes one."""
    buffer = io.StringIO()
    write_table(frame, buffer, "json" if path.suffix == ".json" else "csv")
    return buffer.getvalue()


def flagged_summary(flagged: pd.DataFrame, path: Path) -> str:
    """One line: how many rows have an error, how many give no figure, and where every row is.

    Both are set aside, as :func:`reconcile.reconcile` sets them aside.

    Examples:
        >>> rows = pd.DataFrame({"value": [5.0, None, None], "warning": [None, "no figure", None],
        ...                      "error": [None, None, "'abc' does not start a figure phrase"]})
        >>> print(flagged_summary(rows, Path("flagged.csv")))
        Flagged 1 row with an error and skipped 1 without a figure; every row, ... is in flagged.csv

    """
    error = flagged["error"].notna() if "error" in flagged else pd.Series(False, index=flagged.index)
    ends = [end for end in ("low", "value", "high") if end in flagged]
    no_figure = flagged[ends].isna().all(axis=1) & ~error if ends else error & False
    return (
        f"Flagged {plural(int(error.sum()), 'row')} with an error and skipped {int(no_figure.sum()):,} "
        f"without a figure; every row, with its warning and error, is in {path}"
    )


def plain(render: Callable[[Console], None]) -> str:
    """What ``render`` prints, without colour or wrapping, and without spaces at line ends."""
    buffer = io.StringIO()
    render(Console(file=buffer, width=_PIPE_WIDTH, highlight=False, no_color=True))
    return "".join(line.rstrip() + "\n" for line in buffer.getvalue().splitlines())


def write_report(text: str, output: Path) -> None:
    """Write the report to ``output``, whole or not at all; exit 2 when it cannot be written.

    It is written as the library writes a file (``reconcile._replacing.replacing``): a
    symbolic link, a read-only file and anything but a regular file are not replaced, and a
    file replaced keeps its mode.
    """
    try:
        with replacing(output, force=False) as temporary:
            temporary.write_text(text, encoding="utf-8", newline="")
    except rc.ReconcileError as error:
        fail(error.problem, hint=hint_for(error))
    except OSError as exc:
        fail(
            f"cannot write {str(output)!r} ({exc.strerror or exc})",
            hint="write to a folder that exists and that you may write to",
        )
