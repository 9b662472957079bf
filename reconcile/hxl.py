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

from reconcile.errors import ArgumentError, ClaimsError, MissingDependencyError, Reason, ReconcileError
from reconcile.units import canonical_unit

__all__ = ["FIGURE_HASHTAGS", "HXL_COLUMNS", "PLACE_HASHTAGS", "from_hxl", "to_hxl"]

#: Standard HXL hashtags of numbers about people (those libhxl's default schema treats as
#: numbers). A figure under one of them counts ``<tag>/<attribute>/...``: ``#affected+killed``
#: counts ``affected/killed``.
FIGURE_HASHTAGS = ("#affected", "#inneed", "#population", "#targeted", "#reached")
#: The hashtag of any other figure; its ``#indicator+name`` cell says what it counts.
_GENERIC_FIGURE = "#indicator+num"
#: Attributes of a figure's hashtag that are not part of what it counts.
_RANGE_ATTRIBUTES = {"min": "low", "max": "high"}
_UNIT_ATTRIBUTES = {"hh": "household", "ind": "person"}
_RESERVED_ATTRIBUTES = {*_RANGE_ATTRIBUTES, *_UNIT_ATTRIBUTES, "num", "code"}

#: The hashtag each column of a claims table is written under. A column not listed here is
#: written under ``#meta+<column>`` and read back from it, so any column named in lowercase
#: letters, digits and underscores survives a round trip.
HXL_COLUMNS = {
    "claim_id": "#meta+id",
    "counts": "#indicator+name",
    "place": "#loc",
    "as_of": "#date",
    "reported_on": "#date+reported",
    "source": "#meta+source",
    "quote": "#description+quote",
    "url": "#meta+url",
}
#: Hashtags read as ``place``, broadest first; several in one file are joined with ``/``
#: (``Iraq/Ninewa/Mosul``). The same hashtags with ``+code`` are ignored: codes are not names.
PLACE_HASHTAGS = ("#country", "#adm1", "#adm2", "#adm3", "#adm4", "#adm5", "#loc")
_ATTRIBUTE = re.compile(r"[a-z][a-z0-9_]*")


class _Tag(NamedTuple):
    """One parsed hashtag: the tag (``#affected``) and its attributes, in their order."""

    tag: str
    attributes: tuple[str, ...]

    @property
    def spec(self) -> str:
        return self.tag + "".join(f"+{name}" for name in self.attributes)


def _parse_hashtags(cells: list[str]) -> list[_Tag | None] | None:
    """The row's hashtags as libhxl parses them, or None when the row is not a hashtag row."""
    try:
        import hxl
    except ImportError as exc:
        raise MissingDependencyError(
            f"reading HXL hashtags needs libhxl ({exc})",
            hint="pip install 'reconcile[hxl]'",
            package="libhxl",
        ) from exc

    columns = hxl.model.Column.parse_list(cells)
    if columns is None:
        return None
    return [
        # libhxl keeps attributes in a set: sort them, so the order is the same on every run.
        None
        if column.tag is None
        else _Tag(column.tag.lower(), tuple(sorted(a.lower() for a in column.attributes)))
        for column in columns
    ]


def _figure_counts(tag: _Tag) -> str:
    named = [name for name in tag.attributes if name not in _RESERVED_ATTRIBUTES]
    return "/".join([tag.tag.lstrip("#"), *sorted(named)])


def _figure_spec(counts: object, unit: str) -> str | None:
    """The standard hashtag that reads back as ``counts`` in ``unit``, or None when there is none."""
    if not isinstance(counts, str) or unit not in ("person", "household"):
        return None
    tag, *attributes = counts.split("/")
    if f"#{tag}" not in FIGURE_HASHTAGS or attributes != sorted(set(attributes)):
        return None
    if not all(_ATTRIBUTE.fullmatch(name) and name not in _RESERVED_ATTRIBUTES for name in attributes):
        return None
    return _Tag(f"#{tag}", (*attributes, *(["hh"] if unit == "household" else []))).spec


def _column_hashtag(column: str) -> str:
    if column in HXL_COLUMNS:
        return HXL_COLUMNS[column]
    if not _ATTRIBUTE.fullmatch(column):
        raise ArgumentError(
            f"column {column!r} has no HXL hashtag",
            hint="name extra columns in lowercase letters, digits and underscores (they are written "
            "as #meta+<name>), or drop the column before writing HXL",
            reason=Reason.NO_HASHTAG,
        )
    return f"#meta+{column}"


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
        specs = np.array([_figure_spec(c, str(u)) for c, u in distinct] + [None], dtype=object)[codes]
        generic = pd.isna(specs)
        # An empty table still gets figure columns, so it reads back as an empty claims table.
        order = list(pd.unique(specs[~generic])) + ([_GENERIC_FIGURE] if generic.any() or table.empty else [])
        for spec in order:
            rows = generic if spec == _GENERIC_FIGURE else specs == spec
            label = "value" if spec == _GENERIC_FIGURE else _figure_counts(_Tag(*_split(spec)))
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
        hashtags.append(_column_hashtag(str(column)))
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


def _split(spec: str) -> tuple[str, tuple[str, ...]]:
    tag, *attributes = spec.split("+")
    return tag, tuple(attributes)


def _hxl_problem(origin: str | None, problem: str, hint: str, reason: Reason, **facts: Any) -> ClaimsError:
    where = f" in {origin!r}" if origin else ""
    return ClaimsError(problem + where, hint=hint, reason=reason, failures=None, origin=origin, **facts)


def _known_hashtags() -> str:
    """The hashtags a claims file may use, each once, in the order they are documented."""
    return ", ".join(
        dict.fromkeys(
            [
                *HXL_COLUMNS.values(),
                *PLACE_HASHTAGS,
                *(f"{tag}[+attributes][+min|+max]" for tag in FIGURE_HASHTAGS),
                f"{_GENERIC_FIGURE}[+min|+max]",
                "#meta+<column>",
            ]
        )
    )


def from_hxl(table: pd.DataFrame, *, origin: str | None = None) -> pd.DataFrame:
    """A claims table from an HXL table whose column labels are its hashtags, one claim per figure.

    Each figure hashtag (see :data:`FIGURE_HASHTAGS`, and ``#indicator+num``) with a number
    in a row gives one claim; its ``+min`` and ``+max`` columns give the range, an empty end
    beside a filled one meaning the value itself (an open end is written ``inf``). Where
    both are empty, both are left missing, and :func:`reconcile.read_claims` reads the
    value at the precision it was printed with (547000 is 546,500 to 547,500). What a figure counts comes
    from its hashtag (``#affected+killed`` counts ``affected/killed``), for
    ``#indicator+num`` from the row's ``#indicator+name``. A ``#date+start`` and a
    ``#date+end`` column give ``as_of`` as a span (``2017-09-20/2017-12-31``); a
    ``#date+year`` column gives it as a year. The unit is the row's
    ``#meta+unit`` cell, else ``household`` for ``+hh``, else ``person``. Columns without a
    hashtag are ignored; so are place codes (``#adm1+code``). The claim id is the row's
    ``#meta+id`` (or ``row-<n>``, counting data rows from 1), followed by the figure's
    hashtag when the row holds several figures. The result's index is the row of ``table``
    each claim came from.

    Raises:
        ClaimsError: a hashtag is not one of these, is repeated, or a figure has ``+min`` or
            ``+max`` without a value column; or a row's unit or counts disagree with its
            hashtag; or a row holds no figure.

    Examples:
        >>> import pandas as pd
        >>> hdx = pd.DataFrame([["Mosul", "2016-10", "OCHA", "12", "10", "15", "3"]],
        ...     columns=["#adm2+name", "#date", "#meta+source", "#affected+killed",
        ...              "#affected+killed+min", "#affected+killed+max", "#affected+injured"])
        >>> from_hxl(hdx)[["claim_id", "counts", "low", "value", "high", "place"]]
                         claim_id            counts  low value high  place
        0   row-1#affected+killed   affected/killed   10    12   15  Mosul
        0  row-1#affected+injured  affected/injured  NaN     3  NaN  Mosul
        >>> from_hxl(hdx.rename(columns={"#meta+source": "#org+name"}))
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: unknown HXL hashtag '#org+name' (column 2): ...

    """
    frame = table.reset_index(drop=True).astype(object).where(table.notna().to_numpy(), None)
    frame = frame.apply(lambda column: column.astype("str").str.strip()).replace("", None)
    labels = [str(label).strip() for label in table.columns]
    frame, labels = _spans(frame, labels)
    text, places, figures = _column_roles(labels, origin)
    spelled = {figure: labels[roles["value"]] for figure, roles in figures.items()}
    return _claims_from_hxl(frame, text, places, figures, spelled, origin)


def _spans(frame: pd.DataFrame, labels: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """``#date+start`` and ``#date+end`` as one ``#date`` span (``start/end``); ``#date+year`` as ``#date``.

    A row with only one end gives that end's date alone.
    """
    parsed = [(_parse_hashtags([label]) or [None])[0] if label else None for label in labels]
    where = {
        tag.attributes[0]: position
        for position, tag in enumerate(parsed)
        if tag is not None and tag.tag == "#date" and len(tag.attributes) == 1
        if tag.attributes[0] in ("start", "end", "year")
    }
    if "#date" in labels:
        return frame, labels
    if "start" in where and "end" in where:
        start, end = frame.iloc[:, where["start"]], frame.iloc[:, where["end"]]
        span = (start + "/" + end).fillna(start).fillna(end)
        keep = [position for position in range(len(labels)) if position not in (where["start"], where["end"])]
        frame = frame.iloc[:, keep].assign(_span=span.to_numpy(dtype=object))
        labels = [*(labels[position] for position in keep), "#date"]
        frame.columns = pd.RangeIndex(len(labels))
    elif "year" in where:
        labels = [*labels]
        labels[where["year"]] = "#date"
    return frame, labels


class _Roles(NamedTuple):
    """What the columns of an HXL table hold, by position."""

    text: dict[str, int]  # claims column -> position
    places: dict[int, int]  # rank in PLACE_HASHTAGS (broadest first) -> position
    figures: dict[_Tag, dict[str, int]]  # figure -> {"value" | "low" | "high": position}


def _column_roles(labels: list[str], origin: str | None) -> _Roles:
    """Sort the columns by their hashtags; refuse a hashtag that is unknown, repeated or incomplete."""
    known_text = {_Tag(*_split(spec)): column for column, spec in HXL_COLUMNS.items() if column != "place"}
    roles = _Roles({}, {}, {})
    seen: dict[_Tag, int] = {}
    for position, label in enumerate(labels):
        parsed = _parse_hashtags([label]) if label else None
        tag = parsed[0] if parsed else None
        if tag is None and label.startswith("#"):
            raise _hxl_problem(
                origin,
                f"malformed HXL hashtag {label!r} (column {position})",
                "write a hashtag as #tag+attribute+attribute, each a letter then letters, digits "
                "or _ (e.g. #affected+killed); leave the cell empty to have the column ignored",
                Reason.MALFORMED_HASHTAG,
                hashtag=label,
                column=position,
            )
        if tag is None:
            continue
        if tag in seen:
            raise _hxl_problem(
                origin,
                f"HXL hashtag {label!r} stands over columns {seen[tag]} and {position}",
                "give each column its own hashtag (add an attribute such as +f or +m)",
                Reason.REPEATED_HASHTAG,
            )
        seen[tag] = position
        if tag in known_text:
            roles.text[known_text[tag]] = position
        elif tag.tag in PLACE_HASHTAGS and set(tag.attributes) <= {"name"}:
            roles.places[PLACE_HASHTAGS.index(tag.tag)] = position
        elif tag.tag in PLACE_HASHTAGS and "code" in tag.attributes:
            continue
        elif tag.tag == "#meta" and len(tag.attributes) == 1 and _ATTRIBUTE.fullmatch(tag.attributes[0]):
            roles.text[tag.attributes[0]] = position
        elif tag.tag in FIGURE_HASHTAGS or (tag.tag == "#indicator" and "num" in tag.attributes):
            figure, role = _figure_role(tag, label, position, origin)
            roles.figures.setdefault(figure, {})[role] = position
        else:
            raise _hxl_problem(
                origin,
                f"unknown HXL hashtag {label!r} (column {position})",
                f"use one of {_known_hashtags()}; remove the hashtag of a column to have it ignored",
                Reason.UNKNOWN_HASHTAG,
                hashtag=label,
                column=position,
            )
    for figure, columns in roles.figures.items():
        if "value" not in columns:
            raise _hxl_problem(
                origin,
                f"the figure {figure.spec!r} has range columns but no value column",
                f"add a column tagged {figure.spec!r} holding each figure as reported",
                Reason.NO_VALUE_COLUMN,
            )
    return roles


def _figure_role(tag: _Tag, label: str, position: int, origin: str | None) -> tuple[_Tag, str]:
    """The figure a column belongs to, and whether it holds its value, low or high end."""
    ends = [name for name in tag.attributes if name in _RANGE_ATTRIBUTES]
    rest = tuple(name for name in tag.attributes if name not in _RANGE_ATTRIBUTES)
    if tag.tag == "#indicator" and set(rest) - {"num", *_UNIT_ATTRIBUTES}:
        raise _hxl_problem(
            origin,
            f"unknown HXL hashtag {label!r} (column {position})",
            "write other figures as #indicator+num with what they count in #indicator+name",
            Reason.UNKNOWN_HASHTAG,
        )
    if len(ends) > 1:
        raise _hxl_problem(
            origin,
            f"HXL hashtag {label!r} (column {position}) has both +min and +max",
            "put the lower end under +min and the upper end under +max, in two columns",
            Reason.MALFORMED_HASHTAG,
        )
    return _Tag(tag.tag, rest), _RANGE_ATTRIBUTES[ends[0]] if ends else "value"


def _claims_from_hxl(
    frame: pd.DataFrame,
    text: Mapping[str, int],
    places: Mapping[int, int],
    figures: Mapping[_Tag, Mapping[str, int]],
    spelled: Mapping[_Tag, str],
    origin: str | None,
) -> pd.DataFrame:
    columns = {name: frame.iloc[:, position] for name, position in text.items()}
    if places:
        place: pd.Series | None = None
        for _, position in sorted(places.items()):  # broadest first
            part = frame.iloc[:, position]
            place = part if place is None else (place + "/" + part).fillna(place).fillna(part)
        columns["place"] = place  # type: ignore[assignment]
    blank = pd.Series(None, index=frame.index, dtype=object)
    pieces = []
    for order, (figure, roles) in enumerate(figures.items()):
        value, low, high = (
            frame.iloc[:, roles[role]] if role in roles else blank for role in ("value", "low", "high")
        )
        present = value.notna() | low.notna() | high.notna()
        units = [_UNIT_ATTRIBUTES[name] for name in figure.attributes if name in _UNIT_ATTRIBUTES]
        piece = pd.DataFrame(
            {
                "_row": frame.index,
                "_order": order,
                "_hashtag": spelled[figure],
                "_counts": None if figure.tag == "#indicator" else _figure_counts(figure),
                "_unit": units[0] if len(units) == 1 else None,
                # Both ends empty: the value alone, read at its printed precision later.
                "low": low.fillna(value).mask(low.isna() & high.isna()),
                "value": value,
                "high": high.fillna(value).mask(low.isna() & high.isna()),
            }
        )
        pieces.append(piece[present.to_numpy()])
    long = (
        pd.concat(pieces)
        if pieces
        else pd.DataFrame(columns=["_row", "_order", "_hashtag", "_counts", "_unit"])
    )
    long = long.sort_values(["_row", "_order"], kind="stable")
    rows = long["_row"].to_numpy(dtype=np.int64)
    _no_row_left_behind(frame, rows, origin)
    claims = long.drop(columns=["_order"]).reset_index(drop=True)
    for name, column in columns.items():
        claims[name] = column.to_numpy(dtype=object)[rows]
    _agree_with_hashtags(claims, origin)
    claims["counts"] = claims["_counts"].fillna(claims["counts"]) if "counts" in claims else claims["_counts"]
    claims["unit"] = (
        (claims["unit"] if "unit" in claims else claims["_unit"]).fillna(claims["_unit"]).fillna("person")
    )
    several = pd.Series(rows).duplicated(keep=False).to_numpy()
    ids = claims["claim_id"] if "claim_id" in claims else "row-" + pd.Series(rows + 1).astype("str")
    claims["claim_id"] = ids.where(~several, ids + claims["_hashtag"])
    ordered = ["claim_id", "counts", "place", "as_of", "low", "value", "high", "unit", "source"]
    first = [name for name in ordered if name in claims]
    rest = [name for name in claims.columns if name not in first and not name.startswith("_")]
    return claims[first + rest].set_axis(pd.Index(rows), axis=0)


def _no_row_left_behind(frame: pd.DataFrame, rows: np.ndarray, origin: str | None) -> None:
    """A row with something in it but no figure would vanish: say so instead."""
    filled = frame.notna().any(axis=1).to_numpy()
    empty = filled & ~np.isin(np.arange(len(frame)), rows)
    if empty.any():
        lost = np.flatnonzero(empty)[:10].tolist()
        raise _hxl_problem(
            origin,
            f"{int(empty.sum())} rows hold no figure (rows {', '.join(map(str, lost))})",
            "give each row a number under a figure hashtag such as #affected or #indicator+num, "
            "or delete the row",
            Reason.ROWS_WITHOUT_FIGURE,
            rows=lost,
        )


def _agree_with_hashtags(claims: pd.DataFrame, origin: str | None) -> None:
    """A row's own unit or counts may not contradict what its figure's hashtag says."""
    problems = []
    if "unit" in claims:
        given = claims["unit"].notna() & claims["_unit"].notna()
        if given.any():
            pairs = claims.loc[given, ["unit", "_unit"]].drop_duplicates()
            clash = [(u, t) for u, t in zip(pairs["unit"], pairs["_unit"], strict=True) if _spelled(u) != t]
            for unit, tagged in clash:
                rows = claims.index[given & (claims["unit"] == unit) & (claims["_unit"] == tagged)].tolist()
                problems.append(f"rows {rows}: #meta+unit is {unit!r} but the hashtag says {tagged!r}")
    if "counts" in claims:
        clash_counts = (
            claims["counts"].notna() & claims["_counts"].notna() & (claims["counts"] != claims["_counts"])
        )
        if clash_counts.any():
            rows = claims.index[clash_counts].tolist()
            problems.append(f"rows {rows}: #indicator+name differs from what the figure's hashtag counts")
    if problems:
        raise _hxl_problem(
            origin,
            "rows contradict their hashtags",
            "leave #meta+unit and #indicator+name empty where a hashtag says them, or make them agree",
            Reason.HASHTAG_CONTRADICTION,
            details="  " + "\n  ".join(problems),
        )


def _spelled(unit: object) -> str | None:
    try:
        return canonical_unit(str(unit))
    except ReconcileError:
        return None
