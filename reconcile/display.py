"""Figures, comparisons and reconciliations as a notebook shows them (HTML) and a terminal prints them.

``Figure``, ``Comparison`` and ``Reconciliation`` show themselves with these functions: a
notebook calls their ``_repr_html_``, ``print(result)`` calls :func:`reconciliation_text`.
Every text that comes from the data (a source's name, a place, a quote) is escaped, so a
source named ``<script>`` is shown as those characters and never run. The HTML sets no
colours of its own, so it reads in light and dark notebook themes alike.

Examples:
    >>> import reconcile as rc
    >>> from reconcile import display
    >>> result = rc.reconcile(rc.read_claims("examples/data/mosul_2016_claims.csv"))
    >>> print(display.reconciliation_text(result, max_rows=2))
    consensus: 6 quantities from 7 claims; 1 conflict; 0 claims set aside
    quantity                       estimate  range              claims       status
    militants, Mosul, 2016-10-17      5,000  4,500–∞            2 of 2 kept  unresolved
    residents, Mosul, 2016-10-17  1,000,000  900,000–1,100,000  1 of 1 kept  single
    … and 4 more quantities (none with conflicts): see result.estimates
    <BLANKLINE>
    C1 (disjoint) militants, Mosul, 2016-10-17
      Islamic State backers via CNN: at least 7,000 militants (7,000–∞)
      U.S. officials via CNN: about 5,000 militants (4,500–5,500)
      sets of sources of equal weight share no point, and none outweighs the others

    The militants' two sources weigh the same and disagree, so the quantity is ``unresolved``:
    its range is the envelope of both, and its conflict says that none outweighs the other.
    Weighing one source more settles it, and the other's claim is set aside:

    >>> weighed = rc.reconcile(rc.read_claims("examples/data/mosul_2016_claims.csv"),
    ...                        weights={"U.S. officials": 2})
    >>> print(display.reconciliation_text(weighed, max_rows=1))
    consensus: 6 quantities from 7 claims; 1 conflict; 1 claim set aside
    quantity                      estimate  range        claims       status
    militants, Mosul, 2016-10-17     5,000  4,500–5,500  1 of 2 kept  conflict
    … and 5 more quantities (none with conflicts): see result.estimates
    <BLANKLINE>
    C1 (disjoint) militants, Mosul, 2016-10-17
      U.S. officials via CNN: about 5,000 militants (4,500–5,500)
      Islamic State backers via CNN: at least 7,000 militants (7,000–∞)
      the ranges share no point: 1,500 militants apart

"""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Protocol

import numpy as np
import pandas as pd

from reconcile._wording import format_numbers, format_ranges, nouns, plural, printable
from reconcile.errors import ArgumentError, Reason


class Reconciliation(Protocol):
    """What a reconciliation report shows: the result's tables, its key and its policy.

    :class:`reconcile.Reconciliation` has these; this module needs nothing else of it.
    """

    @property
    def estimates(self) -> pd.DataFrame: ...
    @property
    def conflicts(self) -> pd.DataFrame: ...
    @property
    def claims(self) -> pd.DataFrame: ...
    @property
    def totals(self) -> pd.DataFrame: ...
    @property
    def key(self) -> tuple[str, ...]: ...
    @property
    def policy(self) -> str: ...


__all__ = [
    "MAX_CONFLICTS_PER_QUANTITY",
    "MAX_ROWS",
    "comparison_html",
    "figure_html",
    "quantity_labels",
    "reconciliation_html",
    "reconciliation_text",
]

#: How many quantities (and conflicts) a result shows before it says "… and N more".
MAX_ROWS = 50
#: How many conflicts the HTML table shows in one quantity's row.
MAX_CONFLICTS_PER_QUANTITY = 3

# The header row pandas right-aligns; _CSS aligns it instead.
_RIGHT_ALIGNED_ROW = '<tr style="text-align: right;">'
# Layout only: the notebook's own stylesheet gives the colours, so dark themes keep working.
_CSS = ".reconcile-table td, .reconcile-table th {text-align: left; vertical-align: top;}"


def _escaped(text: pd.Series) -> pd.Series:
    """HTML-escape a column of text, the whole column at once (as :func:`html.escape` does)."""
    return (
        text.astype(str)
        .str.replace("&", "&amp;", regex=False)
        .str.replace("<", "&lt;", regex=False)
        .str.replace(">", "&gt;", regex=False)
        .str.replace('"', "&quot;", regex=False)
        .str.replace("'", "&#x27;", regex=False)
    )


def _check_rows(max_rows: int | None) -> None:
    if max_rows is not None and (isinstance(max_rows, bool) or not isinstance(max_rows, int) or max_rows < 1):
        raise ArgumentError(
            f"max_rows must be a whole number of at least 1, or None (got {max_rows!r})",
            hint="pass max_rows=None to show every quantity",
            reason=Reason.BAD_ARGUMENT,
        )


def quantity_labels(frame: pd.DataFrame, key: Sequence[str]) -> pd.Series:
    """Each row's quantity as words: its key values joined by commas, missing ones left out.

    Args:
        frame: a table with the ``key`` columns (claims, estimates or conflicts).
        key: the columns that name a quantity.

    Examples:
        >>> import pandas as pd
        >>> rows = pd.DataFrame({"counts": ["militants", "troops"], "place": ["Mosul", None]})
        >>> quantity_labels(rows, ["counts", "place"]).tolist()
        ['militants, Mosul', 'troops']

    """
    label = pd.Series("", index=frame.index, dtype=object)
    for column in key:  # a few key columns, each a whole column at once
        part = frame[column].astype(object).where(frame[column].notna(), "").astype(str).str.strip()
        joint = np.where((label != "") & (part != ""), ", ", "")
        label = label + joint + part
    return label.mask(label == "", "(unnamed quantity)")


def _range_texts(low: pd.Series, high: pd.Series) -> pd.Series:
    """Ranges as ``low–high`` (one number when the ends print alike), "" where an end is missing."""
    text = pd.Series(format_ranges(low, high), index=low.index, dtype=object)
    return text.where(low.notna() & high.notna(), "")


def _estimate_rows(result: Reconciliation, max_rows: int | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The estimates shown (as text columns) and those left out (the raw rows).

    When relations narrowed some shown range, a ``with relations`` column gives the narrower
    range there ("none fits" where the relations cannot be met), and is empty elsewhere.
    """
    estimates = result.estimates
    cut = len(estimates) if max_rows is None else max_rows
    shown, hidden = estimates.iloc[:cut], estimates.iloc[cut:]
    rows = pd.DataFrame(
        {
            "quantity": quantity_labels(shown, result.key),
            "estimate": format_numbers(shown["value"]),
            "range": _range_texts(shown["low"], shown["high"]),
            "unit": nouns(shown["unit"]),
            "claims": shown["n_kept"].astype(str) + " of " + shown["n_claims"].astype(str) + " kept",
            "status": shown["status"].astype(str),
        },
        index=shown.index,
    )
    if {"low_tight", "high_tight"} <= set(shown.columns):
        low, high = shown["low_tight"], shown["high_tight"]
        unmet = low.isna() | high.isna()
        same = (low == shown["low"]) & (high == shown["high"])
        tight = _range_texts(low, high).where(~same, "").where(~unmet, "none fits")
        if (tight != "").any():
            rows.insert(3, "with relations", tight)
    return rows, hidden


def _total_rows(result: Reconciliation, max_rows: int | None) -> tuple[pd.DataFrame, int]:
    """The quantities relations derive (``result.totals``) as text columns, and how many are left out."""
    totals = getattr(result, "totals", None)
    if totals is None or totals.empty:
        return pd.DataFrame(), 0
    cut = len(totals) if max_rows is None else max_rows
    shown = totals.iloc[:cut]
    value = pd.Series(format_numbers(shown["value"].fillna(0.0)), index=shown.index, dtype=object)
    rows = pd.DataFrame(
        {
            "derived quantity": quantity_labels(shown, result.key),
            "value": value.where(shown["value"].notna(), ""),
            "range": _range_texts(shown["low"], shown["high"]).replace("", "none fits"),
            "unit": nouns(shown["unit"]),
        },
        index=shown.index,
    )
    if {"low_90", "high_90"} <= set(shown.columns):
        rows["90% interval"] = _range_texts(shown["low_90"], shown["high_90"])
    return rows, len(totals) - len(shown)


def _conflict_lines(result: Reconciliation) -> pd.DataFrame:
    """One row per (conflict, quantity) with its id, kind, the quantity's key and its message."""
    key = list(result.key)
    return result.conflicts.drop_duplicates(["conflict_id", *key])[["conflict_id", "kind", *key, "message"]]


def _hidden_note(result: Reconciliation, hidden: pd.DataFrame) -> str:
    """How many quantities are left out, and how many of those a conflict names.

    A quantity with conflicts is one ``result.conflicts`` names: one with claims set aside
    (``conflict``), an ``unresolved`` one (its tie is a conflict), or one in a relation's.
    """
    if hidden.empty:
        return ""
    key = list(result.key)
    named = result.conflicts[key].drop_duplicates()
    in_conflict = len(hidden[key].drop_duplicates().merge(named, on=key))
    which = "none" if in_conflict == 0 else f"{in_conflict:,}"
    return (
        f"… and {len(hidden):,} more quantit{'y' if len(hidden) == 1 else 'ies'} "
        f"({which} with conflicts): see result.estimates"
    )


def _summary(result: Reconciliation) -> str:
    n_conflicts = int(result.conflicts["conflict_id"].nunique())
    set_aside = int((~result.claims["kept"]).sum())
    return (
        f"{result.policy}: {plural(len(result.estimates), 'quantity', 'quantities')} from "
        f"{plural(len(result.claims), 'claim')}; {plural(n_conflicts, 'conflict')}; "
        f"{plural(set_aside, 'claim')} set aside"
    )


def reconciliation_html(result: Reconciliation, *, max_rows: int | None = MAX_ROWS) -> str:
    """A reconciliation as a notebook shows it: one row per quantity with its conflicts.

    Each row holds the quantity (its key), the estimate and its range, the unit, how many
    claims were kept, the status, and the quantity's conflicts with their messages (the first
    :data:`MAX_CONFLICTS_PER_QUANTITY`, then how many more). After ``max_rows`` quantities the
    table stops and says how many more there are and how many of those have conflicts.

    Args:
        result: what :func:`reconcile.reconcile` returned.
        max_rows: the most quantities to show; None shows them all.

    Examples:
        >>> import reconcile as rc
        >>> result = rc.reconcile(rc.read_claims("examples/data/mosul_2016_claims.csv"))
        >>> page = reconciliation_html(result)
        >>> page.count("<tr>"), "unresolved" in page, "none outweighs the others" in page
        (7, True, True)
        >>> "… and 5 more quantities" in reconciliation_html(result, max_rows=1)
        True

    """
    _check_rows(max_rows)
    rows, hidden = _estimate_rows(result, max_rows)
    key = list(result.key)
    shown_keys = result.estimates.loc[rows.index, key]
    lines = _conflict_lines(result).merge(shown_keys, on=key)  # only the quantities shown
    if not lines.empty:
        lines = lines.assign(
            text=_escaped(lines["conflict_id"] + " (" + lines["kind"] + "): ")
            + _escaped(lines["message"]).str.replace("; ", ";<br>", regex=False),
            rank=lines.groupby(key, dropna=False, sort=False).cumcount(),
        )
        first = lines[lines["rank"] < MAX_CONFLICTS_PER_QUANTITY]
        joined = first.groupby(key, dropna=False, sort=False)["text"].agg("<br>".join)
        counted = lines.groupby(key, dropna=False, sort=False).size().rename("n")
        per_quantity = pd.concat([joined, counted], axis=1).reset_index()
        more = per_quantity["n"] - MAX_CONFLICTS_PER_QUANTITY
        per_quantity["text"] = per_quantity["text"].where(
            more <= 0, per_quantity["text"] + "<br>… and " + more.astype(str) + " more"
        )
        merged = shown_keys.merge(per_quantity[[*key, "text"]], on=key, how="left")["text"]
        conflicts = merged.fillna("").to_numpy()
    else:
        conflicts = np.full(len(rows), "", dtype=object)
    cells = rows.apply(_escaped).assign(conflicts=conflicts)
    table = cells.to_html(index=False, escape=False, border=0, classes="reconcile-table")
    table = table.replace(_RIGHT_ALIGNED_ROW, "<tr>")
    note = _hidden_note(result, hidden)
    page = [
        f'<div class="reconcile-result"><style>{_CSS}</style>',
        f"<p><strong>{html.escape(_summary(result))}</strong></p>",
        table,
        f"<p>{html.escape(note)}</p>" if note else "",
    ]
    derived, left_out = _total_rows(result, max_rows)
    if not derived.empty:
        totals = derived.apply(_escaped).to_html(
            index=False, escape=False, border=0, classes="reconcile-table"
        )
        page += ["<p><strong>derived by relations</strong></p>", totals.replace(_RIGHT_ALIGNED_ROW, "<tr>")]
        if left_out:
            page.append(f"<p>… and {left_out:,} more: see result.totals</p>")
    return "".join(page) + "</div>"


def _aligned(columns: dict[str, pd.Series], right: set[str]) -> list[str]:
    """Columns of text laid out under their headers, padded to line up; ``right`` ones to the right."""
    laid: list[pd.Series] = []
    for name, column in columns.items():
        cells = pd.concat([pd.Series([name], dtype=object), column.astype(object).reset_index(drop=True)])
        width = int(cells.str.len().max())
        laid.append(cells.str.rjust(width) if name in right else cells.str.ljust(width))
    line = laid[0]
    for column in laid[1:]:
        line = line + "  " + column
    return line.str.rstrip().tolist()


def reconciliation_text(result: Reconciliation, *, max_rows: int | None = MAX_ROWS) -> str:
    """A reconciliation as a terminal prints it: a summary, a table of quantities, the conflicts.

    ``print(result)`` shows this. The table has one line per quantity (the first
    ``max_rows``); each conflict follows with its kind, its quantity and its message, one
    claim a line (again the first ``max_rows``). A control character in the claims' text (an
    escape sequence in a source's name) is printed as ``�``, never sent to the terminal.

    Args:
        result: what :func:`reconcile.reconcile` returned.
        max_rows: the most quantities, and conflicts, to show; None shows them all.

    Examples:
        >>> import reconcile as rc
        >>> claims = rc.to_claims([rc.Figure.about(5000, counts="militants", source="U.S. officials")])
        >>> print(reconciliation_text(rc.reconcile(claims, key=("counts",))))
        consensus: 1 quantity from 1 claim; 0 conflicts; 0 claims set aside
        quantity   estimate  range        claims       status
        militants     5,000  4,500–5,500  1 of 1 kept  single

    """
    _check_rows(max_rows)
    rows, hidden = _estimate_rows(result, max_rows)
    shown = rows.assign(range=rows["range"] + np.where(rows["unit"] == "people", "", " " + rows["unit"]))
    out = [_summary(result)]
    out += _aligned({name: shown[name] for name in shown.columns if name != "unit"}, right={"estimate"})
    note = _hidden_note(result, hidden)
    if note:
        out.append(note)
    derived, left_out = _total_rows(result, max_rows)
    if not derived.empty:
        out += ["", "derived by relations"]
        out += _aligned({name: derived[name] for name in derived.columns}, right={"value"})
        if left_out:
            out.append(f"… and {left_out:,} more: see result.totals")
    lines = _conflict_lines(result)
    if not lines.empty:
        ids = lines["conflict_id"].drop_duplicates()
        cut = len(ids) if max_rows is None else max_rows
        listed = lines[lines["conflict_id"].isin(ids.iloc[:cut])]
        quantities = (
            quantity_labels(listed, result.key).groupby(listed["conflict_id"], sort=False).agg("; ".join)
        )
        first = listed.drop_duplicates("conflict_id").set_index("conflict_id").loc[quantities.index]
        heads = quantities.index.to_series() + " (" + first["kind"] + ") " + quantities
        blocks = heads + "\n  " + first["message"].str.replace("; ", "\n  ", regex=False)
        out.append("")
        out += blocks.tolist()
        if len(ids) > cut:
            out.append(f"… and {len(ids) - cut:,} more conflicts: see result.conflicts")
    return printable("\n".join(out))


def figure_html(
    phrase: str,
    facts: Sequence[tuple[str, str]],
    *,
    url: str | None = None,
    made: str | None = None,
    parts: Sequence[str] = (),
) -> str:
    """A figure as a notebook shows it: its words, then its facts, its link and its parts.

    ``facts`` are (label, text) rows (range, counts, place ...); ``made`` says how a derived
    figure was made ("total of 2 figures") and ``parts`` lists what it was made from. The
    link is a link only when it starts with ``http://`` or ``https://``. Every text is
    escaped. :class:`reconcile.Figure` shows itself with this function.

    Examples:
        >>> page = figure_html("about 5,000 militants", [("source", "<script>")])
        >>> "<script>" in page, "&lt;script&gt;" in page
        (False, True)
        >>> "<li>" in figure_html("5,600 militants", [], made="total of 2 figures", parts=["a", "b"])
        True

    """
    cells = "".join(
        f"<tr><th>{html.escape(label)}</th><td>{html.escape(text)}</td></tr>" for label, text in facts
    )
    if url is not None:
        shown = html.escape(url)
        if url.lower().startswith(("http://", "https://")):
            shown = f'<a href="{shown}" target="_blank" rel="noopener noreferrer">{shown}</a>'
        cells += f"<tr><th>link</th><td>{shown}</td></tr>"
    if parts:
        items = "".join(f"<li>{html.escape(part)}</li>" for part in parts)
        cells += f"<tr><th>{html.escape(made or 'derived')}</th><td><ul>{items}</ul></td></tr>"
    return (
        f'<div class="reconcile-figure"><style>{_CSS}</style>'
        f"<p><strong>{html.escape(phrase)}</strong></p>"
        f'<table class="reconcile-table">{cells}</table></div>'
    )


def comparison_html(heading: str, who: Sequence[str], phrases: Sequence[str], ranges: Sequence[str]) -> str:
    """A comparison as a notebook shows it: the verdict, then who said what.

    :class:`reconcile.Comparison` shows itself with this function.

    Examples:
        >>> page = comparison_html(
        ...     "contradiction: 1,500 militants apart",
        ...     ["U.S. officials", "the group's backers"],
        ...     ["about 5,000 militants", "at least 7,000 militants"],
        ...     ["4,500–5,500", "7,000–∞"],
        ... )
        >>> "contradiction" in page, "the group&#x27;s backers" in page
        (True, True)

    """
    rows = pd.DataFrame({"source": list(who), "figure": list(phrases), "range": list(ranges)})
    table = rows.apply(_escaped).to_html(index=False, escape=False, border=0, classes="reconcile-table")
    table = table.replace(_RIGHT_ALIGNED_ROW, "<tr>")
    return (
        f'<div class="reconcile-comparison"><style>{_CSS}</style>'
        f"<p><strong>{html.escape(heading)}</strong></p>{table}</div>"
    )
