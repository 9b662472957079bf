"""HXL, the Humanitarian Exchange Language: claims tables to and from tables of hashtags.

An HXL table has a row of hashtags under its header row that says what each column holds.
A figure sits under a standard hashtag where one exists (``#affected+killed``,
``#inneed``, ``#population`` ...), with its range ends in columns of the same hashtag and
the attribute ``+min`` or ``+max``; ``+hh`` says it counts households, ``+ind`` people. Any
other figure sits under ``#indicator+num`` with what it counts in ``#indicator+name``.
:data:`HXL_COLUMNS` lists the hashtags of the other columns.

Finding the hashtag row of a file needs nothing but the file (see
:mod:`reconcile.formats`); reading the hashtags themselves needs libhxl, imported only
then (``pip install 'reconcile[hxl]'``). Writing HXL needs no extra.

Examples:
    >>> import pandas as pd
    >>> frame = pd.DataFrame([["Mosul", "12"]], columns=["#adm2+name", "#affected+killed"])
    >>> from_hxl(frame)[["counts", "value", "place"]]
                counts value  place
    0  affected/killed    12  Mosul

"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from reconcile._cells import no_figure
from reconcile._hxl_tags import (
    FIGURE_HASHTAGS,
    GENERIC_FIGURE,
    HXL_COLUMNS,
    LEGACY_HASHTAGS,
    PLACE_HASHTAGS,
    RANGE_ATTRIBUTES,
    RESERVED_ATTRIBUTES,
    SEX_ATTRIBUTES,
    TEXT_COLUMN,
    UNIT_ATTRIBUTES,
    Tag,
    broader_counts,
    canonical_attributes,
    column_hashtag,
    figure_counts,
    figure_spec,
    parse_hashtags,
    role_of,
    split_spec,
    what_of,
)
from reconcile._rows import skipped_note
from reconcile.errors import ArgumentError, ClaimsError, Note, Reason, ReconcileError
from reconcile.units import canonical_unit

__all__ = [
    "FIGURE_HASHTAGS",
    "HXL_COLUMNS",
    "PLACE_HASHTAGS",
    "SEX_ATTRIBUTES",
    "HxlClaims",
    "broader_counts",
    "canonical_attributes",
    "from_hxl",
    "read_hxl",
    "to_hxl",
]


def to_hxl(table: pd.DataFrame) -> pd.DataFrame:
    """The table as HXL: a header row of names, then the hashtag row, then one row per row.

    ``low``, ``value`` and ``high`` go under the hashtag of what the row counts: a standard
    hashtag where ``counts`` names one (``affected/killed`` in person or household is
    ``#affected+killed``, ``#affected+killed+min``, ``#affected+killed+max``, with ``+hh`` for
    households), else ``#indicator+num`` with ``counts`` under ``#indicator+name``. Other
    columns go under :data:`HXL_COLUMNS`, or ``#meta+<column>``.

    Examples:
        >>> import reconcile as rc
        >>> killed = rc.Figure.between(3, 7, counts="affected/killed", source="OCHA")
        >>> troops = rc.Figure.exact(600, counts="troops/us", source="CNN")
        >>> table = rc.to_claims([killed, troops])
        >>> hxl = to_hxl(table[["claim_id", "counts", "low", "value", "high", "unit"]])
        >>> hxl.iloc[1].tolist()
        ['#meta+id', '#indicator+name', '#affected+killed', '#affected+killed+min', '#affected+killed+max',
         '#indicator+num', '#indicator+num+min', '#indicator+num+max', '#meta+unit']
        >>> hxl.iloc[2:, 2:8].to_numpy().tolist()
        [[5.0, 3.0, 7.0, nan, nan, nan], [nan, nan, nan, 600.0, 600.0, 600.0]]

    """
    has_figures = {"low", "value", "high", "unit"} <= set(table.columns)
    names: list[str] = []
    hashtags: list[str] = []
    cells: list[np.ndarray] = []
    generic: np.ndarray = np.ones(len(table), dtype=bool)
    if has_figures:
        counts = table["counts"] if "counts" in table else pd.Series(None, index=table.index, dtype="str")
        pairs = pd.MultiIndex.from_arrays([counts.astype(object), table["unit"].astype(object)])
        codes, distinct = pd.factorize(pairs)
        specs = np.array([figure_spec(c, str(u)) for c, u in distinct] + [None], dtype=object)[codes]
        generic = pd.isna(specs)
        # An empty table still gets figure columns, so it reads back as an empty claims table.
        order = list(pd.unique(specs[~generic])) + ([GENERIC_FIGURE] if generic.any() or table.empty else [])
        for spec in order:
            rows = generic if spec == GENERIC_FIGURE else specs == spec
            label = "value" if spec == GENERIC_FIGURE else figure_counts(Tag(*split_spec(spec)))
            for column, suffix, name in (
                ("value", "", label),
                ("low", "+min", "low"),
                ("high", "+max", "high"),
            ):
                names.append(name if column == "value" else f"{label} ({name})")
                hashtags.append(spec + suffix)
                numbers = table[column].to_numpy(dtype=float, na_value=np.nan)
                cells.append(np.where(rows, numbers, np.nan))
    groups = (names, hashtags, cells)
    names, hashtags, cells = [], [], []
    for column in table.columns:
        if has_figures and column in ("low", "value", "high"):
            if column == next(name for name in table.columns if name in ("low", "value", "high")):
                names, hashtags, cells = names + groups[0], hashtags + groups[1], cells + groups[2]
            continue
        values = table[column].astype(object).where(table[column].notna(), None).to_numpy()
        if has_figures and column == "counts":
            values = values.copy()
            values[~generic] = None  # a standard hashtag says what its figure counts
        names.append(str(column))
        hashtags.append(column_hashtag(str(column)))
        cells.append(values)
    repeated = pd.Index(hashtags)[pd.Index(hashtags).duplicated()]
    if len(repeated):
        twins = [name for name, tag in zip(names, hashtags, strict=True) if tag == repeated[0]]
        raise ArgumentError(
            f"columns {twins[0]!r} and {twins[1]!r} would both be written as {repeated[0]!r}",
            hint=f"rename {twins[1]!r} before writing HXL",
            reason=Reason.REPEATED_HASHTAG,
        )
    body = pd.DataFrame(dict(enumerate(cells)), index=range(2, len(table) + 2), columns=range(len(cells)))
    head = pd.DataFrame([names, hashtags], index=[0, 1], columns=range(len(cells)), dtype=object)
    return pd.concat([head, body.astype(object)])


def _hxl_problem(origin: str | None, problem: str, hint: str, reason: Reason, **facts: Any) -> ClaimsError:
    where = f" in {origin!r}" if origin else ""
    return ClaimsError(problem + where, hint=hint, reason=reason, failures=None, origin=origin, **facts)


class HxlClaims(NamedTuple):
    """What :func:`read_hxl` makes of an HXL table.

    ``claims`` has one row per figure, numbered from 0; ``rows[i]`` is the data row (from
    0) claim ``i`` came from; ``labels`` gives, per claims column, the header it came from
    as the file writes it (for ``low``, ``value`` and ``high``, an array: one per claim);
    ``notes`` says what was ignored or skipped.
    """

    claims: pd.DataFrame
    rows: np.ndarray
    labels: dict[str, Any]
    notes: tuple[Note, ...]


def from_hxl(table: pd.DataFrame, *, origin: str | None = None) -> pd.DataFrame:
    """A claims table from an HXL table whose column labels are its hashtags, one claim per figure.

    Each figure hashtag (see :data:`FIGURE_HASHTAGS`, and ``#indicator+num``) with a figure
    in a row gives one claim; its ``+min`` and ``+max`` columns give the range, an empty end
    beside a filled one meaning the value itself (an open end is written ``inf``). Where
    both are empty, both are left missing, and :func:`reconcile.read_claims` reads the
    value at the precision it was printed with (547000 is 546,500 to 547,500). A cell that
    holds no figure (blank, ``-``, ``NA``, ``n/a``, ``..``) gives no claim. Cells stay text
    here: :func:`reconcile.read_claims` reads them as printed (``433,412``).

    What a figure counts comes from its hashtag, its attributes in one canonical order
    (:func:`canonical_attributes`: ``#affected+f+idps`` counts ``affected/idps/f``), without
    ``+min``/``+max``, the unit attributes and ``+total``; for ``#indicator+num``, from the
    row's ``#indicator+name``. The unit is the row's ``#meta+unit`` cell, else ``household``
    for ``+hh`` or ``+households``, else ``person`` (``+ind``, ``+individuals`` or none).

    ``place`` joins the names of :data:`PLACE_HASHTAGS`, broadest first (``Iraq/Ninewa/Mosul``);
    a level given only as a code (``#country+code``) gives its code. ``as_of`` is ``#date``;
    else ``#date+start`` and ``#date+end`` as a span (``2017-09-20/2017-12-31``), else
    ``#date+year``, else the one other dated column (``#date+occurred``); ``#date+reported`` is
    ``reported_on``, and :func:`reconcile.read_claims` takes it as ``as_of`` too where the
    file gives no other date and the caller none.

    Hashtags this library does not read (``#org``, ``#sector``, ``#region``, ``#value``, a
    percentage such as ``#affected+pct``) are ignored, as HXL tools ignore what they do not
    need, and so are columns without a hashtag; a row that gives no figure is skipped. Each
    is said in a :class:`~reconcile.errors.Note` in the result's ``attrs["notes"]``. The
    claim id is the row's ``#meta+id`` (or ``row-<n>``, counting data rows from 1), followed
    by the figure's hashtag when the row holds several figures. The result's index is the
    row of ``table`` each claim came from.

    Raises:
        ClaimsError: a hashtag is malformed, or one that is read stands over two columns, or a
            figure has ``+min`` or ``+max`` without a value column; or a row's unit or counts
            disagree with its hashtag.

    Examples:
        >>> import pandas as pd
        >>> hdx = pd.DataFrame([["Mosul", "2016-10", "OCHA", "12", "10", "15", "3"]],
        ...     columns=["#adm2+name", "#date", "#meta+source", "#affected+killed",
        ...              "#affected+killed+min", "#affected+killed+max", "#affected+injured"])
        >>> from_hxl(hdx)[["claim_id", "counts", "low", "value", "high", "place"]]
                         claim_id            counts  low value high  place
        0   row-1#affected+killed   affected/killed   10    12   15  Mosul
        0  row-1#affected+injured  affected/injured  NaN     3  NaN  Mosul
        >>> ignored = from_hxl(hdx.rename(columns={"#meta+source": "#org+name"}))
        >>> [str(note) for note in ignored.attrs["notes"]]
        ["column 2 '#org+name' is not read: this library reads no #org"]

    """
    read = read_hxl(table, origin=origin)
    claims = read.claims.set_axis(pd.Index(read.rows), axis=0)
    claims.attrs["notes"] = read.notes
    return claims


def read_hxl(table: pd.DataFrame, *, origin: str | None = None, first_line: int = 2) -> HxlClaims:
    """:func:`from_hxl`, with what a reader needs to name each claim's file line and column.

    ``first_line`` is the file line of the table's row 0 (in notes).

    Examples:
        >>> import pandas as pd
        >>> frame = pd.DataFrame([["Iraq", "433,412", "-"]], columns=["#country", "#affected+idps", "#org"])
        >>> read = read_hxl(frame, first_line=3)
        >>> read.claims["value"].tolist(), read.rows.tolist(), read.labels["value"].tolist()
        (['433,412'], [0], ['#affected+idps'])

    """
    labels = [str(label).strip() if not pd.isna(label) else "" for label in table.columns]
    roles, notes = _column_roles(labels, origin, first_line - 1)
    if not roles.figures:
        unread = [note.column for note in notes if note.column and note.column.startswith("#")]
        raise _hxl_problem(
            origin,
            "no column has a figure hashtag this library reads"
            + (f" (not read: {', '.join(unread)})" if unread else ""),
            f"tag each column of figures with one of {', '.join(FIGURE_HASHTAGS)} and attributes that say "
            "what it counts (#affected+killed, #inneed+idps+f), or #indicator+num with what it counts "
            "in #indicator+name",
            Reason.UNKNOWN_HASHTAG,
            line=first_line - 1,
        )
    frame = table.reset_index(drop=True).set_axis(pd.RangeIndex(table.shape[1]), axis=1)
    used = sorted(
        {
            *roles.text.values(),
            *roles.places.values(),
            *roles.dates.values(),
            *roles.breakdowns.values(),
            *(position for ends in roles.figures.values() for position in ends.values()),
        }
    )
    # Text, whatever a cell held; a blank one is missing. Columns not read are left out. A
    # figure's cells need no masking: a blank one holds no figure (see no_figure).
    figures = {position for ends in roles.figures.values() for position in ends.values()}
    stripped = {position: frame[position].astype("str").str.strip() for position in used}
    frame = pd.DataFrame(
        {
            position: cells if position in figures else cells.mask(cells == "")
            for position, cells in stripped.items()
        }
    )
    return _claims_from_hxl(frame, labels, roles, origin, first_line, notes)


class _Roles(NamedTuple):
    """What the columns of an HXL table hold, by position."""

    text: dict[str, int]  # claims column -> position
    places: dict[int, int]  # rank in PLACE_HASHTAGS (broadest first) -> position
    figures: dict[Tag, dict[str, int]]  # figure -> {"value" | "low" | "high": position}
    dates: dict[str, int]  # "start" | "end" | "year" | "other" -> position (as_of is in text)
    breakdowns: dict[str, int]  # "sex" | "age" -> position


def _ignored(labels: list[str], position: int, why: str) -> Note:
    return Note(
        Reason.IGNORED_HASHTAG,
        f"column {position} {labels[position]!r} is not read: {why}",
        column=labels[position],
    )


def _column_roles(labels: list[str], origin: str | None, line: int) -> tuple[_Roles, list[Note]]:
    """Sort the columns by their hashtags (on file line ``line``); refuse one read twice."""
    roles = _Roles({}, {}, {}, {}, {})
    notes: list[Note] = []
    seen: dict[Tag, int] = {}
    names: dict[int, int] = {}
    codes: dict[int, int] = {}
    others: list[int] = []
    for position, label in enumerate(labels):
        spelled = LEGACY_HASHTAGS.get(label.lower(), label)
        parsed = parse_hashtags([spelled]) if spelled else None
        tag = parsed[0] if parsed else None
        if tag is None and label.startswith("#"):
            stem = re.match(r"#[a-z]+", label.lower())
            if stem is not None and stem[0] in FIGURE_HASHTAGS:
                raise _hxl_problem(  # a figure's column mistyped: its figures would be lost
                    origin,
                    f"malformed HXL hashtag {label!r} (column {position}, line {line})",
                    "write a hashtag as #tag+attribute+attribute, each a letter then letters, digits "
                    "or _ (e.g. #affected+killed+min)",
                    Reason.MALFORMED_HASHTAG,
                    hashtag=label,
                    column=position,
                    line=line,
                )
            notes.append(_ignored(labels, position, "it is not a well-formed hashtag"))
            continue
        if tag is None:
            continue
        if spelled != label:
            notes.append(
                Note(
                    Reason.IGNORED_HASHTAG,
                    f"column {position} {label!r} is read as {spelled!r}, its hashtag since HXL 1.0",
                    column=label,
                )
            )
        role = role_of(tag)
        if role is None:
            notes.append(_ignored(labels, position, f"this library reads no {what_of(tag)}"))
            continue
        if tag in seen:
            raise _hxl_problem(
                origin,
                f"HXL hashtag {label!r} stands over columns {seen[tag]} and {position} (line {line}): "
                "which of them to read is not known",
                "give each column its own hashtag (add an attribute such as +f or +m), or remove "
                "the hashtag of the column that should be ignored",
                Reason.REPEATED_HASHTAG,
                hashtag=label,
                column=position,
                line=line,
            )
        seen[tag] = position
        kind, detail = role
        if kind == "text":
            name = detail or TEXT_COLUMN.get(tag) or tag.attributes[0]
            if name in roles.text:  # #date+reported beside #date+year+reported: the full date
                keep, drop = sorted([roles.text[name], position], key=lambda at: len(labels[at]))
                roles.text[name] = keep
                notes.append(_ignored(labels, drop, f"column {keep} gives the same {name}"))
            else:
                roles.text[name] = position
        elif kind == "breakdown":
            roles.breakdowns[detail] = position
        elif kind == "place":
            level = PLACE_HASHTAGS.index(tag.tag)
            chosen = codes if detail == "code" else names
            if level in chosen:
                notes.append(_ignored(labels, position, f"column {chosen[level]} gives the same place level"))
            else:
                chosen[level] = position
        elif kind == "date":
            if detail == "other":
                others.append(position)
            else:
                roles.dates[detail] = position
        else:
            figure, end = _figure_role(tag, label, position, origin)
            roles.figures.setdefault(figure, {})[end] = position
    for level in sorted({*names, *codes}):  # a name where the level has one, else its code
        roles.places[level] = names.get(level, codes.get(level, -1))
    for level, position in codes.items():
        if level in names:
            notes.append(_ignored(labels, position, f"column {names[level]} names the place"))
    dated = "as_of" in roles.text or bool(roles.dates)
    if len(others) == 1 and not dated:
        roles.dates["other"] = others[0]
    else:
        notes.extend(_ignored(labels, position, "another column gives the date") for position in others)
    for figure, columns in roles.figures.items():
        if "value" not in columns:
            raise _hxl_problem(
                origin,
                f"the figure {figure.spec!r} has range columns but no value column",
                f"add a column tagged {figure.spec!r} holding each figure as reported",
                Reason.NO_VALUE_COLUMN,
                hashtag=figure.spec,
                line=line,
            )
    return roles, notes


def _figure_role(tag: Tag, label: str, position: int, origin: str | None) -> tuple[Tag, str]:
    """The figure a column belongs to, and whether it holds its value, low or high end."""
    ends = [name for name in tag.attributes if name in RANGE_ATTRIBUTES]
    rest = tuple(name for name in tag.attributes if name not in RANGE_ATTRIBUTES)
    if len(ends) > 1:
        raise _hxl_problem(
            origin,
            f"HXL hashtag {label!r} (column {position}) has both +min and +max",
            "put the lower end under +min and the upper end under +max, in two columns",
            Reason.MALFORMED_HASHTAG,
            hashtag=label,
            column=position,
        )
    return Tag(tag.tag, rest), RANGE_ATTRIBUTES[ends[0]] if ends else "value"


def _dates(frame: pd.DataFrame, dates: Mapping[str, int]) -> pd.Series | None:
    """``as_of`` from the dated columns: a span from start and end, else a year, else another date."""
    if "start" in dates and "end" in dates:
        start, end = frame[dates["start"]], frame[dates["end"]]
        same = start == end
        span = (start + "/" + end).where(~same.fillna(False).astype(bool), start)
        return span.fillna(start).fillna(end)
    for name in ("start", "end", "year", "other"):
        if name in dates:
            return frame[dates[name]]
    return None


def _claims_from_hxl(
    frame: pd.DataFrame,
    labels: list[str],
    roles: _Roles,
    origin: str | None,
    first_line: int,
    notes: list[Note],
) -> HxlClaims:
    columns = {name: frame[position] for name, position in roles.text.items()}
    written = {name: labels[position] for name, position in roles.text.items()}
    dated = None if "as_of" in columns else _dates(frame, roles.dates)
    if dated is not None:
        columns["as_of"] = dated
        written["as_of"] = " and ".join(labels[position] for position in roles.dates.values())
    if roles.places:
        place: pd.Series | None = None
        for _, position in sorted(roles.places.items()):  # broadest first
            part = frame[position]
            place = part if place is None else (place + "/" + part).fillna(place).fillna(part)
        columns["place"] = place  # type: ignore[assignment]
        written["place"] = " ".join(labels[position] for _, position in sorted(roles.places.items()))
    # Per figure: the rows that give it, and its value, low and high there (text, as printed).
    figures = list(roles.figures.items())
    taken: dict[str, list[pd.Series]] = {"value": [], "low": [], "high": []}
    row_parts, order_parts = [], []
    for order, (_, ends) in enumerate(figures):
        cells = {end: frame[at] for end, at in ends.items()}
        given = {end: ~no_figure(column) for end, column in cells.items()}
        at = np.flatnonzero(np.logical_or.reduce(list(given.values())))
        for end, parts in taken.items():
            read = cells[end].iloc[at].where(given[end][at]) if end in cells else pd.Series(None, index=at)
            parts.append(read.astype("str").reset_index(drop=True))
        row_parts.append(at)
        order_parts.append(np.full(len(at), order))
    rows = np.concatenate(row_parts) if row_parts else np.zeros(0, dtype=np.int64)
    orders = np.concatenate(order_parts) if order_parts else np.zeros(0, dtype=np.int64)
    sort = np.lexsort((orders, rows))  # by row, then by the figure's column
    rows, orders = rows[sort].astype(np.int64), orders[sort]
    value, low, high = (
        pd.concat(parts, ignore_index=True).iloc[sort].reset_index(drop=True)
        if parts
        else pd.Series([], dtype="str")
        for parts in (taken["value"], taken["low"], taken["high"])
    )
    # Both ends empty: the value alone, read at its printed precision later; one end: the value.
    alone = (low.isna() & high.isna()).to_numpy(dtype=bool)
    low, high = low.fillna(value).mask(alone), high.fillna(value).mask(alone)
    notes.extend(_rows_without_figures(frame, rows, first_line))

    def per_figure(values: list[object]) -> np.ndarray:
        return np.array([*values, None], dtype=object)[orders if len(values) else np.zeros(0, dtype=np.int64)]

    hashtag = per_figure([labels[ends["value"]] for _, ends in figures])
    generic = per_figure([figure.tag == "#indicator" for figure, _ in figures]).astype(bool)
    counts = per_figure(
        [
            _generic_counts(figure) if figure.tag == "#indicator" else figure_counts(figure)
            for figure, _ in figures
        ]
    )
    units = [
        [UNIT_ATTRIBUTES[name] for name in figure.attributes if name in UNIT_ATTRIBUTES]
        for figure, _ in figures
    ]
    tagged_unit = pd.Series(per_figure([u[0] if len(set(u)) == 1 else None for u in units]), dtype="str")
    claims = pd.DataFrame(
        {name: column.iloc[rows].reset_index(drop=True) for name, column in columns.items()}
    )
    claims = (
        claims.assign(low=low, value=value, high=high)
        if len(claims.columns)
        else pd.DataFrame({"low": low, "value": value, "high": high})
    )
    _agree_with_hashtags(claims, tagged_unit, rows, origin)
    standard = pd.Series(counts, dtype="str")
    for segment in _breakdowns(frame, roles.breakdowns):
        part = segment.iloc[rows].reset_index(drop=True)
        standard = (standard + "/" + part).fillna(standard)
    # A row that names an indicator counts that; its standard hashtag says which figure of it.
    named = claims["counts"] if "counts" in claims else pd.Series(None, index=claims.index, dtype="str")
    claims["counts"] = named.fillna(standard).where(generic, (named + "/" + standard).fillna(standard))
    claims["unit"] = (claims.get("unit", tagged_unit)).fillna(tagged_unit).fillna("person")
    same = rows[1:] == rows[:-1]  # rows are sorted: a row's claims are neighbours
    several = np.r_[same, False] | np.r_[False, same]
    ids = claims["claim_id"] if "claim_id" in claims else "row-" + pd.Series(rows + 1).astype("str")
    claims["claim_id"] = ids.where(~several, ids + pd.Series(hashtag, dtype="str")) if several.any() else ids
    figure_labels = {
        "value": hashtag,
        "low": per_figure([_end_label(labels, ends, "low") for _, ends in figures]),
        "high": per_figure([_end_label(labels, ends, "high") for _, ends in figures]),
    }
    ordered = ["claim_id", "counts", "place", "as_of", "low", "value", "high", "unit", "source"]
    first = [name for name in ordered if name in claims]
    rest = [name for name in claims.columns if name not in first]
    return HxlClaims(claims[first + rest], rows, {**written, **figure_labels}, tuple(notes))


def _end_label(labels: list[str], ends: Mapping[str, int], end: str) -> str:
    """The column an end of a figure came from, or where it has none, the value it was taken from."""
    return labels[ends[end]] if end in ends else f"{end} (from {labels[ends['value']]})"


def _breakdowns(frame: pd.DataFrame, breakdowns: Mapping[str, int]) -> list[pd.Series]:
    """Per row, the counts segment of each breakdown column (sex, then age); None for all of them.

    ``female``/``f`` is ``f``, ``male``/``m`` is ``m``; an age range ``0-4`` is ``age0_4``,
    ``60+`` is ``age60plus``; ``all``, ``total``, ``both`` or a blank cell add nothing.
    """
    segments = []
    for kind in ("sex", "age"):
        if kind not in breakdowns:
            continue
        cells = frame[breakdowns[kind]].astype("string").str.strip().str.lower()
        whole = cells.isna() | cells.isin(["all", "total", "both", "", "-"])
        if kind == "sex":
            spelled = cells.replace({"female": "f", "male": "m", "women": "f", "men": "m"})
        else:
            spelled = cells.str.replace(r"^(\d+)\s*[-\u2013]\s*(\d+)$", r"age\1_\2", regex=True)
            spelled = spelled.str.replace(r"^(\d+)\s*(\+|and over|or more)$", r"age\1plus", regex=True)
        spelled = spelled.str.replace(r"[^a-z0-9_]+", "_", regex=True)
        segments.append(spelled.astype(object).where(~whole.to_numpy(dtype=bool, na_value=True), None))
    return segments


def _generic_counts(figure: Tag) -> str | None:
    """What ``#indicator+num`` counts where a row names nothing: its other attributes, if any."""
    named = [name for name in figure.attributes if name not in RESERVED_ATTRIBUTES]
    return "/".join(["indicator", *canonical_attributes(named)]) if named else None


def _rows_without_figures(frame: pd.DataFrame, rows: np.ndarray, first_line: int) -> list[Note]:
    """A row with something in it but no figure is skipped: say so, with its lines."""
    filled = frame.notna().any(axis=1).to_numpy()
    empty = np.flatnonzero(filled & ~np.isin(np.arange(len(frame)), rows))
    return [skipped_note(empty + first_line)] if len(empty) else []


def _agree_with_hashtags(
    claims: pd.DataFrame, tagged: pd.Series, rows: np.ndarray, origin: str | None
) -> None:
    """A row's own unit (``#meta+unit``) may not contradict the unit its figure's hashtag says."""
    if "unit" not in claims:
        return
    given = (claims["unit"].notna() & tagged.notna()).to_numpy(dtype=bool)
    if not given.any():
        return
    pairs = pd.DataFrame({"unit": claims["unit"][given], "tagged": tagged[given]}).drop_duplicates()
    clash = [(u, t) for u, t in zip(pairs["unit"], pairs["tagged"], strict=True) if _spelled(u) != t]
    problems = []
    for unit, said in clash:
        at = rows[
            given & (claims["unit"] == unit).to_numpy(dtype=bool) & (tagged == said).to_numpy(dtype=bool)
        ]
        problems.append(f"rows {at.tolist()}: #meta+unit is {unit!r} but the hashtag says {said!r}")
    if problems:
        raise _hxl_problem(
            origin,
            "rows contradict their hashtags",
            "leave #meta+unit empty where a hashtag says the unit (+hh, +ind), or make them agree",
            Reason.HASHTAG_CONTRADICTION,
            details="  " + "\n  ".join(problems),
        )


def _spelled(unit: object) -> str | None:
    try:
        return canonical_unit(str(unit))
    except ReconcileError:
        return None
