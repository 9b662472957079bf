"""Plots with matplotlib (the ``plot`` extra): claims on a quantity, a total and its parts, a timeline.

Import the module explicitly: ``from reconcile import plot``. Importing it needs nothing
beyond ``reconcile``; matplotlib is imported when a function draws, and a missing
matplotlib raises :class:`~reconcile.errors.MissingDependencyError` with the install
command, ``pip install 'reconcile[plot]'``.

Each function draws on ``ax`` (or on a new figure) and returns the matplotlib Axes. What
they draw can be found by label, for tests or for restyling: the claims' bars are the
bar containers labelled :data:`CLAIMS_LABEL` and :data:`SET_ASIDE_LABEL`, the estimates'
bands the one labelled :data:`ESTIMATE_LABEL` (and, for ``unresolved`` quantities, the one
labelled :data:`UNRESOLVED_LABEL`), the arrows of open ends the lines
labelled :data:`OPEN_END_LABEL`, and the break marks of ranges from 0 on a log axis the
line labelled :data:`ZERO_END_LABEL`. :func:`timeline` draws its claims as errorbar
containers labelled :data:`TIMELINE_CLAIMS_LABEL` and :data:`SET_ASIDE_LABEL`, and labels
tightened ranges :data:`TIGHTENED_LABEL`, the rings round claims in a conflict
:data:`IN_CONFLICT_LABEL` and the lines joining a temporal conflict's claims
:data:`TEMPORAL_CONFLICT_LABEL`.

Examples:
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import reconcile as rc
    >>> from reconcile import plot
    >>> result = rc.reconcile(rc.read_claims("examples/data/mosul_2016_claims.csv"))
    >>> ax = plot.ranges(result, quantities="militants")
    >>> [label.get_text() for label in ax.get_yticklabels()]
    ['militants, Mosul, 2016-10-17', 'U.S. officials via CNN', 'Islamic State backers via CNN']

"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from reconcile._plot_time import (
    ESTIMATE_LABEL,
    IN_CONFLICT_LABEL,
    OPEN_END_LABEL,
    SET_ASIDE_LABEL,
    TEMPORAL_CONFLICT_LABEL,
    TIGHTENED_LABEL,
    TIMELINE_CLAIMS_LABEL,
    UNRESOLVED_LABEL,
    load_pyplot,
    open_end_marks,
    timeline,
)
from reconcile._wording import format_number, format_numbers, format_ranges, nouns
from reconcile.claims import to_claims
from reconcile.display import quantity_labels
from reconcile.errors import ArgumentError, Reason, UnitError
from reconcile.figure import Figure
from reconcile.pipeline import Reconciliation, reconcile
from reconcile.units import conversion_factor, display_unit

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "CLAIMS_LABEL",
    "ESTIMATE_LABEL",
    "IN_CONFLICT_LABEL",
    "LOG_SPAN",
    "MAX_CLAIMS",
    "MAX_LABEL",
    "NARROWED_LABEL",
    "OPEN_END_LABEL",
    "PARTS_LABEL",
    "SET_ASIDE_LABEL",
    "TEMPORAL_CONFLICT_LABEL",
    "TIGHTENED_LABEL",
    "TIMELINE_CLAIMS_LABEL",
    "TOTAL_LABEL",
    "UNRESOLVED_LABEL",
    "ZERO_END_LABEL",
    "ranges",
    "timeline",
    "total",
]

#: Legend label of the bars of kept claims (and of a total's parts).
CLAIMS_LABEL = "claim: range, dot at its value"
#: Legend label of the outlines of estimates that relations across quantities narrowed.
NARROWED_LABEL = "narrowed by time and relations"
#: Legend label of the break marks drawn where a range runs off a log axis at 0 or below: a
#: real end, which a log axis cannot show, so not drawn as an open end.
ZERO_END_LABEL = "runs to 0 or below (off the log axis)"
#: Legend label of the bars of a derived figure's parts in :func:`total`.
PARTS_LABEL = "part: range, dot at its value"
#: Legend label of a derived figure's own bar in :func:`total`.
TOTAL_LABEL = "derived figure"
#: The most claims one plot draws; more would not be readable.
MAX_CLAIMS = 200
#: The most characters of a row's label or words: a longer source or quote is cut, ending in
#: "…", so the labels leave the bars room on a figure of any width.
MAX_LABEL = 40
#: With ``log=None``, the x axis is logarithmic when the largest positive end is more than
#: this many times the smallest.
LOG_SPAN = 1000.0

_BAR_HEIGHT = 0.5
_OPEN_END_SIZE = 9


def _result(claims_or_result: object) -> Reconciliation:
    if isinstance(claims_or_result, Reconciliation):
        return claims_or_result
    if isinstance(claims_or_result, pd.DataFrame):
        return reconcile(claims_or_result)
    if isinstance(claims_or_result, Iterable) and not isinstance(claims_or_result, (str, bytes, Figure)):
        figures = list(claims_or_result)
        if figures and all(isinstance(figure, Figure) for figure in figures):
            return reconcile(to_claims(figures))
    raise ArgumentError(
        f"cannot plot the ranges of {type(claims_or_result).__name__} {claims_or_result!r:.60}",
        hint="pass what rc.reconcile returned, a claims table, or a list of figures",
        reason=Reason.BAD_ARGUMENT,
    )


def _select(result: Reconciliation, quantities: str | tuple[Any, ...] | Sequence[Any] | None) -> np.ndarray:
    """The positions in ``result.estimates`` of the chosen quantities, in the order asked for."""
    estimates = result.estimates
    labels = quantity_labels(estimates, result.key)
    if quantities is None:
        chosen = np.arange(len(estimates))
    else:
        asked = [quantities] if isinstance(quantities, (str, tuple)) else list(quantities)
        if not asked:
            raise ArgumentError(
                "no quantities to plot (got an empty selection)",
                hint="name one or more quantities, or pass quantities=None to plot them all",
                reason=Reason.NOTHING_TO_PLOT,
            )
        picks: list[np.ndarray] = []
        for quantity in asked:  # the caller's short list of names
            picks.append(np.flatnonzero(_matches(estimates, labels, result.key, quantity)))
            if not len(picks[-1]):
                known = ", ".join(map(repr, labels.drop_duplicates().head(20)))
                more = " …" if labels.nunique() > 20 else ""
                raise ArgumentError(
                    f"no quantity {quantity!r} in the result",
                    hint=f"name a quantity by its {result.key[0]} or its full name: {known}{more}",
                    reason=Reason.UNKNOWN_QUANTITY,
                )
        chosen = pd.unique(np.concatenate(picks))
    if not len(chosen):
        raise ArgumentError(
            "nothing to plot: the result has no quantities",
            hint="reconcile some claims first",
            reason=Reason.NOTHING_TO_PLOT,
        )
    return np.asarray(chosen)


def _matches(
    estimates: pd.DataFrame, labels: pd.Series, key: tuple[str, ...], quantity: object
) -> np.ndarray:
    if isinstance(quantity, str):
        return np.asarray((labels == quantity) | (estimates[key[0]] == quantity), dtype=bool)
    if isinstance(quantity, tuple) and len(quantity) == len(key):
        match = np.ones(len(estimates), dtype=bool)
        for column, wanted in zip(key, quantity, strict=True):
            values = estimates[column]
            missing = wanted is None or (isinstance(wanted, float) and math.isnan(wanted))
            match &= np.asarray(values.isna() if missing else values == str(wanted), dtype=bool)
        return match
    raise ArgumentError(
        f"a quantity is named by a string or a tuple of its {len(key)} key values {key!r} (got {quantity!r})",
        hint="pass e.g. quantities='militants' or quantities=[('militants', 'Mosul', '2016-10-17')]",
        reason=Reason.BAD_ARGUMENT,
    )


def _factors(units: pd.Series, target: pd.Series) -> np.ndarray:
    """Each claim's factor into its quantity's unit; NaN where the units cannot be converted."""
    pairs = pd.DataFrame({"unit": units.to_numpy(), "target": target.to_numpy()})
    codes, distinct = pd.factorize(pairs["unit"] + "\0" + pairs["target"])
    factors = np.full(len(distinct), np.nan)
    for index, pair in enumerate(distinct):  # one conversion per distinct pair of units
        source, into = str(pair).split("\0")
        with contextlib.suppress(UnitError):  # if not, drawn without a bar, and said so
            factors[index] = conversion_factor(source, into)
    return np.asarray(factors[codes])


def _who(claims: pd.DataFrame) -> pd.Series:
    """Each claim's source (and through whom), or its id when the source is missing."""
    source = claims["source"].astype(object).where(claims["source"].notna(), "claim " + claims["claim_id"])
    if "via" not in claims:
        return source.astype(str)
    via = claims["via"]
    return source.where(via.isna(), source + " via " + via.astype(object)).astype(str)


def _cut(texts: pd.Series) -> pd.Series:
    """Each text at most :data:`MAX_LABEL` characters long: a longer one is cut and ends in "…".

    The cut falls between words, unless that would leave less than half the text shown.
    """
    head = texts.str.slice(0, MAX_LABEL)
    whole_words = head.str.replace(r"\s+\S*\Z", "", regex=True)
    kept = whole_words.where(whole_words.str.len() >= MAX_LABEL // 2, head.str.slice(0, MAX_LABEL - 1))
    return texts.where(texts.str.len() <= MAX_LABEL, kept.str.rstrip(" ,;:") + "…")


def _limits(ends: np.ndarray, log: bool | None) -> tuple[float, float, bool]:
    """The x axis's ends around the numbers ``ends``, and whether it is logarithmic.

    The axis spans the finite numbers with a margin; an open end (``inf``) gets more room on
    its side, so the bar that runs to the edge is seen to run past the numbers shown.
    """
    finite = ends[np.isfinite(ends)]
    positive = finite[finite > 0]
    open_low, open_high = bool((ends == -math.inf).any()), bool((ends == math.inf).any())
    if log is None:
        log = len(positive) > 1 and bool(positive.max() > LOG_SPAN * positive.min())
    if log:
        if not len(positive):
            raise ArgumentError(
                "a logarithmic axis needs numbers above 0, and these ranges have none",
                hint="pass log=False",
                reason=Reason.BAD_ARGUMENT,
            )
        return (
            float(positive.min()) / (4.0 if open_low else 1.6),
            float(positive.max()) * (4.0 if open_high else 1.6),
            True,
        )
    if not len(finite):
        return 0.0, 1.0, False
    low, high = float(finite.min()), float(finite.max())
    span = high - low if high > low else max(abs(high), 1.0)
    return low - span * (0.25 if open_low else 0.08), high + span * (0.25 if open_high else 0.08), False


def _style_axis(ax: Axes, left: float, right: float, log: bool, unit: str) -> None:
    from matplotlib.ticker import FuncFormatter, NullFormatter

    if log:
        ax.set_xscale("log")
        ax.xaxis.set_minor_formatter(NullFormatter())
    ax.set_xlim(left, right)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda number, _: format_number(number)))
    ax.set_xlabel(display_unit(unit) + (" (logarithmic scale)" if log else ""))
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)


def _draw_bars(
    ax: Axes,
    rows: pd.DataFrame,
    edges: tuple[float, float],
    log: bool,
) -> None:
    """Bars from low to high, dots at values; ends the axis cannot show run to its edge.

    An open end (``-inf``, ``inf``) ends in an arrow at the edge; a real end at 0 or below on
    a log axis ends in a break mark instead, so the two are not confused.

    ``rows`` has ``y``, ``low``, ``value``, ``high`` (in the axis's unit) and ``style``:
    ``kept``, ``set_aside``, ``part`` or ``total``.
    """
    from matplotlib.path import Path
    from matplotlib.transforms import blended_transform_factory

    left, right = edges
    low, high = rows["low"].to_numpy(dtype=float), rows["high"].to_numpy(dtype=float)
    open_low = np.isneginf(low)
    # A finite low end the axis cannot show (0 or below on a log axis) is still an end.
    off_axis = np.isfinite(low) & (low <= 0) & log
    open_high = ~np.isfinite(high) | (high > right)
    start = np.where(open_low | off_axis, left, low)
    stop = np.where(open_high, right, np.maximum(high, start))  # a range wholly <= 0 on a log axis: none
    looks: dict[str, tuple[dict[str, Any], dict[str, Any], str]] = {
        "kept": ({"color": "C0", "alpha": 0.85}, {"color": "C0"}, CLAIMS_LABEL),
        "set_aside": (
            {"facecolor": "none", "edgecolor": "0.45", "hatch": "///", "linewidth": 1.0},
            {"color": "0.45", "markerfacecolor": "none"},
            SET_ASIDE_LABEL,
        ),
        "part": ({"color": "C0", "alpha": 0.85}, {"color": "C0"}, PARTS_LABEL),
        "total": ({"color": "C3", "alpha": 0.85}, {"color": "C3"}, TOTAL_LABEL),
    }
    for style, (bar_look, dot_look, label) in looks.items():  # three styles, each drawn at once
        mine = (rows["style"] == style).to_numpy()
        if not mine.any():
            continue
        y = rows["y"].to_numpy(dtype=float)[mine]
        ax.barh(y, stop[mine] - start[mine], left=start[mine], height=_BAR_HEIGHT, label=label, **bar_look)
        ax.plot(rows["value"].to_numpy(dtype=float)[mine], y, "o", markersize=6, label="_value", **dot_look)
    y = rows["y"].to_numpy(dtype=float)
    # The arrow heads sit just inside the axis's edges (x in axes coordinates, y in data).
    open_end_marks(ax, y, open_low, open_high, across="x", size=_OPEN_END_SIZE, zorder=3)
    edge_at = blended_transform_factory(ax.transAxes, ax.transData)
    if off_axis.any():
        # The axis-break sign "//" across the bar, where an arrow would mean "no end".
        strokes = Path(
            [(-0.55, -1.0), (-0.05, 1.0), (0.05, -1.0), (0.55, 1.0)], [Path.MOVETO, Path.LINETO] * 2
        )
        ax.plot(
            np.full(int(off_axis.sum()), 0.012),
            y[off_axis],
            linestyle="none",
            marker=strokes,
            markersize=_OPEN_END_SIZE + 3,
            markeredgewidth=1.6,
            color="0.2",
            transform=edge_at,
            label=ZERO_END_LABEL,
            zorder=3,
        )


def _label_axis(ax: Axes, positions: np.ndarray, labels: list[str], headers: np.ndarray, n_rows: int) -> None:
    ax.set_yticks(positions, labels)
    for tick, is_header in zip(ax.get_yticklabels(), headers.tolist(), strict=True):
        if is_header:
            tick.set_fontweight("bold")
    ax.tick_params(axis="y", length=0)
    ax.set_ylim(n_rows - 0.5, -0.5)  # the first row at the top


def _legend(ax: Axes) -> None:
    """The legend in one row above the axes, where it hides no bar."""
    handles, labels = ax.get_legend_handles_labels()
    order = [
        CLAIMS_LABEL,
        PARTS_LABEL,
        SET_ASIDE_LABEL,
        TOTAL_LABEL,
        ESTIMATE_LABEL,
        UNRESOLVED_LABEL,
        NARROWED_LABEL,
        OPEN_END_LABEL,
        ZERO_END_LABEL,
    ]
    rank = [next((n for n, start in enumerate(order) if label.startswith(start)), 9) for label in labels]
    ranked = sorted(zip(rank, range(len(labels)), strict=True))
    ax.legend(
        [handles[index] for _, index in ranked],
        [labels[index] for _, index in ranked],
        loc="lower center",
        bbox_to_anchor=(0.5, 1.0),
        ncols=len(labels) if len(labels) <= 4 else 2,  # rows of two rather than one too wide
        fontsize=8,
        frameon=False,
    )


def _words(claims: pd.DataFrame, unit: str) -> pd.Series:
    """Each claim's words: its quote, else its hedge and value ("at least 7,000").

    A claim in another unit than the axis's ``unit`` names its own ("1,500 meter").
    """
    value = pd.Series(format_numbers(claims["value"]), index=claims.index, dtype=object)
    if "hedge" in claims:
        value = value.where(claims["hedge"].isna(), claims["hedge"].astype(object) + " " + value)
    if "quote" in claims:
        value = claims["quote"].astype(object).where(claims["quote"].notna(), value)
    return value.where(claims["unit"] == unit, value + " " + nouns(claims["unit"])).astype(str)


def _annotate_right(ax: Axes, y: np.ndarray, texts: Sequence[str]) -> None:
    """Small texts in the margin right of the axes, one per row."""
    for row_y, text in zip(y.tolist(), texts, strict=True):  # one text artist per drawn row
        ax.annotate(
            text,
            (1.0, row_y),
            xycoords=("axes fraction", "data"),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )


def _new_axes(n_rows: int) -> Axes:
    plt = load_pyplot()
    _, ax = plt.subplots(figsize=(8.0, 1.2 + 0.4 * n_rows), layout="constrained")
    return ax  # type: ignore[no-any-return]


def ranges(
    claims_or_result: Reconciliation | pd.DataFrame | Iterable[Figure],
    quantities: str | tuple[Any, ...] | Sequence[str | tuple[Any, ...]] | None = None,
    ax: Axes | None = None,
    *,
    log: bool | None = None,
) -> Axes:
    """A range ("forest") plot of the claims on one or more quantities, with their estimates.

    Each quantity gets a bold heading row, then one row per claim, labelled with its source:
    a bar from the claim's low end to its high end and a dot at its value. An open end runs
    to the edge of the axis and ends in an arrow; on a log axis, a low end at 0 or below
    (a real end the axis cannot show) runs to the left edge and ends in a break mark. Claims
    set aside are hatched grey bars with hollow dots. The estimate's range is shaded behind
    the quantity's claims, with a line at its value; where relations across quantities
    narrowed it, the narrowed range is outlined with dashes. An ``unresolved`` quantity
    (sets of sources of equal weight that disagree) is shaded in another colour, labelled
    :data:`UNRESOLVED_LABEL`, with a dashed line at its value: the band is the envelope of
    the tied sets, not a range they agree on. The claim's words are written
    to the right. Claims are shown in their quantity's unit; a claim whose unit cannot be
    converted gets a row without a bar that says so.

    Args:
        claims_or_result: what :func:`reconcile.reconcile` returned, or a claims table or a
            list of figures, which are reconciled with the default policy first.
        quantities: the quantities to draw, in order: each a string (a value of the first
            key column, such as ``"militants"``, or the full name as
            :func:`reconcile.display.quantity_labels` writes it) or a tuple of key values.
            None draws every quantity.
        ax: the matplotlib Axes to draw on; None draws on a new figure sized to the rows.
        log: a logarithmic x axis; None chooses one when the positive ends span more than
            :data:`LOG_SPAN` times. On a log axis a range from 0 runs off the left edge,
            where a break mark (:data:`ZERO_END_LABEL`), not an arrow, ends it.

    Returns:
        The Axes drawn on.

    Raises:
        ArgumentError: an empty selection, an unknown quantity (the hint lists the known
            ones), quantities in different units, or more than :data:`MAX_CLAIMS` claims.
        MissingDependencyError: matplotlib is not installed.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import reconcile as rc
        >>> in_mosul = {"place": "Mosul", "as_of": "2016-10-17"}
        >>> us = rc.Figure.about(5000, counts="militants", source="U.S. officials", **in_mosul)
        >>> backers = rc.Figure.at_least(7000, counts="militants", source="Islamic State backers", **in_mosul)
        >>> ax = ranges([us, backers])
        >>> [bars.get_label() for bars in ax.containers]
        ['unresolved: envelope of tied sources', 'claim: range, dot at its value']
        >>> weighed = rc.reconcile(rc.to_claims([us, backers]), weights={"U.S. officials": 2})
        >>> [bars.get_label() for bars in ranges(weighed).containers]
        ['estimate (consensus)', 'claim: range, dot at its value', 'claim set aside']
        >>> ranges([us, backers], quantities="troops")
        Traceback (most recent call last):
        ...
        reconcile.errors.ArgumentError: no quantity 'troops' in the result: ... 'militants, Mosul, 2016-10-17'

    """
    load_pyplot()  # before any other matplotlib import, for the error that says how to install it
    from matplotlib.transforms import blended_transform_factory

    result = _result(claims_or_result)
    chosen = _select(result, quantities)
    key = list(result.key)
    estimates = result.estimates.iloc[chosen].reset_index(drop=True)
    units = estimates["unit"].drop_duplicates()
    if len(units) > 1:
        raise ArgumentError(
            f"the quantities are in different units ({', '.join(map(repr, units))}): one axis shows one unit",
            hint="plot the quantities of one unit at a time with quantities=[...]",
            reason=Reason.UNIT_MISMATCH,
        )
    claims = result.claims.reset_index(drop=True)
    claims = claims.assign(_row=np.arange(len(claims)))
    numbered = estimates[key].assign(_quantity=np.arange(len(estimates)))
    claims = claims.merge(numbered, on=key, how="inner").sort_values(["_quantity", "_row"], kind="stable")
    if len(claims) > MAX_CLAIMS:
        raise ArgumentError(
            f"too many claims to draw ({len(claims):,}; one plot shows at most {MAX_CLAIMS})",
            hint="choose fewer quantities with quantities=[...]",
            reason=Reason.TOO_MANY_CLAIMS,
        )
    quantity = claims["_quantity"].to_numpy()
    unit = str(units.iloc[0])
    factor = _factors(claims["unit"], pd.Series(unit, index=claims.index))
    drawable = ~np.isnan(factor)
    ends = {
        end: claims[end].to_numpy(dtype=float) * np.where(drawable, factor, np.nan)
        for end in ("low", "value", "high")
    }

    # Row numbers from the top: each quantity's heading, then its claims.
    y = np.arange(len(claims)) + quantity + 1
    heading_y = np.flatnonzero(np.r_[True, quantity[1:] != quantity[:-1]])
    heading_y = heading_y + np.arange(len(heading_y))
    n_rows = len(claims) + len(estimates)

    numbers = np.concatenate(
        [ends["low"], ends["value"], ends["high"], estimates[["low", "high"]].to_numpy().ravel()]
    )
    left, right, is_log = _limits(numbers[~np.isnan(numbers)], log)
    ax = ax if ax is not None else _new_axes(n_rows)

    first_y, last_y = heading_y + 1, np.r_[heading_y[1:] - 1, n_rows - 1]
    band_low = estimates["low"].to_numpy(dtype=float)
    band_high = estimates["high"].to_numpy(dtype=float)
    band_low = np.where(
        np.isfinite(band_low) & ((band_low > 0) | (not is_log)), np.maximum(band_low, left), left
    )
    band_high = np.where(np.isfinite(band_high), np.minimum(band_high, right), right)
    # A settled estimate in green; an unresolved one (a tie: the envelope) in orange, dashed.
    unresolved = (estimates["status"] == "unresolved").to_numpy()
    for tied in (False, True):
        mine = unresolved == tied
        if not mine.any():
            continue
        colour = "C1" if tied else "C2"
        ax.barh(
            ((first_y + last_y) / 2)[mine],
            (band_high - band_low)[mine],
            left=band_low[mine],
            height=(last_y - first_y + 0.8)[mine],
            color=colour,
            alpha=0.2,
            label=UNRESOLVED_LABEL if tied else f"{ESTIMATE_LABEL} ({result.policy})",
            zorder=0,
        )
        ax.vlines(
            estimates["value"][mine],
            (first_y - 0.4)[mine],
            (last_y + 0.4)[mine],
            color=colour,
            linewidth=1.5,
            linestyles="dashed" if tied else "solid",
            label="_estimate value",
        )
    if {"low_tight", "high_tight"} <= set(estimates.columns):
        tight_low = estimates["low_tight"].to_numpy(dtype=float)
        tight_high = estimates["high_tight"].to_numpy(dtype=float)
        narrowed = ~np.isnan(tight_low) & ~np.isnan(tight_high)
        narrowed &= (tight_low != estimates["low"].to_numpy()) | (tight_high != estimates["high"].to_numpy())
        if narrowed.any():
            start = np.clip(tight_low[narrowed], left, right)
            ax.barh(
                ((first_y + last_y) / 2)[narrowed],
                np.clip(tight_high[narrowed], left, right) - start,
                left=start,
                height=(last_y - first_y + 0.8)[narrowed],
                facecolor="none",
                edgecolor="C2",
                linewidth=1.5,
                linestyle="--",
                label=NARROWED_LABEL,
                zorder=0,
            )

    kept = claims["kept"].to_numpy(dtype=bool)
    rows = pd.DataFrame({"y": y, **ends, "style": np.where(kept, "kept", "set_aside")})[drawable]
    _draw_bars(ax, rows, (left, right), is_log)
    _annotate_right(ax, y, _cut(_words(claims, unit)).tolist())
    in_axes = blended_transform_factory(ax.transAxes, ax.transData)
    for row_y, claim_unit in zip(y[~drawable].tolist(), claims["unit"][~drawable].tolist(), strict=True):
        note = f"in {display_unit(claim_unit)}, which cannot be shown in {display_unit(unit)}"
        ax.text(0.01, row_y, note, va="center", fontsize=8, transform=in_axes)

    positions = np.concatenate([heading_y, y])
    labels = quantity_labels(estimates, key).tolist() + _cut(_who(claims)).tolist()
    headers = np.r_[np.ones(len(heading_y), dtype=bool), np.zeros(len(y), dtype=bool)]
    order = np.argsort(positions)
    _label_axis(ax, positions[order], [labels[i] for i in order.tolist()], headers[order], n_rows)
    _style_axis(ax, left, right, is_log, unit)
    _legend(ax)
    return ax


def total(total_figure: Figure, ax: Axes | None = None, *, log: bool | None = None) -> Axes:
    """A derived figure drawn against its parts: one bar per part, then the figure itself.

    For a total (``rc.total`` or ``+``) the parts are the figures added; for a difference,
    the whole and the part taken away. Each row is labelled with what the figure counts and
    its source; the derived figure's own row comes last, in another colour. Parts are shown
    in the derived figure's unit; open ends run to the axis's edge and end in an arrow, and
    on a log axis a low end at 0 or below ends in a break mark at the left edge.

    Args:
        total_figure: a figure made by ``rc.total``, ``+``, ``rc.difference`` or ``-``.
        ax: the matplotlib Axes to draw on; None draws on a new figure.
        log: a logarithmic x axis; None chooses one as :func:`ranges` does.

    Returns:
        The Axes drawn on.

    Raises:
        ArgumentError: the figure is not a derived total or difference.
        MissingDependencyError: matplotlib is not installed.

    Examples:
        >>> import matplotlib
        >>> matplotlib.use("Agg")
        >>> import reconcile as rc
        >>> us = rc.Figure.about(5000, counts="troops/us", source="CNN")
        >>> coalition = rc.Figure.about(3600, counts="troops/coalition", source="CNN")
        >>> ax = total(rc.total([us, coalition], counts="troops/foreign"))
        >>> [label.get_text() for label in ax.get_yticklabels()]
        ['troops/us (CNN)', 'troops/coalition (CNN)', 'total: troops/foreign']

    """
    load_pyplot()
    if not isinstance(total_figure, Figure):
        raise ArgumentError(
            f"total_figure must be a Figure (got {type(total_figure).__name__})",
            hint="pass a figure made by rc.total([...]) or by adding figures",
            reason=Reason.NOT_A_FIGURE,
        )
    if not total_figure.lineage or total_figure.operation not in ("total", "difference"):
        made = f"a {total_figure.operation}" if total_figure.operation else "a reported figure"
        raise ArgumentError(
            f"{total_figure.phrase()} is {made}, not a total or a difference of parts",
            hint="pass a figure made by rc.total, rc.difference, + or -",
            reason=Reason.BAD_ARGUMENT,
        )
    unit = total_figure.unit
    try:
        parts = [part.to(unit) for part in total_figure.lineage]
    except UnitError as exc:  # a total converts its parts, so this is a hand-built lineage
        raise ArgumentError(
            f"a part of {total_figure.phrase()} cannot be shown in {unit!r}",
            hint="build the figure with rc.total or rc.difference",
            reason=Reason.UNIT_MISMATCH,
        ) from exc
    figures = [*parts, total_figure]
    rows = pd.DataFrame(
        {
            "y": np.arange(len(figures), dtype=float),
            "low": [figure.low for figure in figures],
            "value": [figure.value for figure in figures],
            "high": [figure.high for figure in figures],
            "style": ["part"] * len(parts) + ["total"],
        }
    )
    numbers = rows[["low", "value", "high"]].to_numpy().ravel()
    left, right, is_log = _limits(numbers, log)
    if not is_log and left < 0 <= numbers[np.isfinite(numbers)].min():
        left = 0.0  # counts start at 0; a total is read against it
    ax = ax if ax is not None else _new_axes(len(figures))
    _draw_bars(ax, rows, (left, right), is_log)
    ax.axhline(len(parts) - 0.5, color="0.5", linewidth=0.8)
    labels = [
        f"{part.counts or part.noun()} ({part.source})" if part.source else part.counts or part.noun()
        for part in total_figure.lineage
    ]
    labels.append(f"{total_figure.operation}: {total_figure.counts or total_figure.noun()}")
    labels = _cut(pd.Series(labels, dtype=object)).tolist()
    headers = np.zeros(len(figures), dtype=bool)
    headers[-1] = True
    _label_axis(ax, rows["y"].to_numpy(), labels, headers, len(figures))
    _style_axis(ax, left, right, is_log, unit)
    _annotate_right(ax, rows["y"].to_numpy(), format_ranges(rows["low"], rows["high"]).tolist())
    _legend(ax)
    return ax
