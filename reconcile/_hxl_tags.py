"""The vocabulary of HXL hashtags this library reads and writes (see :mod:`reconcile.hxl`).

Which hashtags hold figures, places, dates and the other columns of a claim; how a figure's
attributes become what it counts (:func:`canonical_attributes`); and what a hashtag gives a
reader (:func:`role_of`). Parsing a hashtag needs libhxl, imported only then.

Examples:
    >>> figure_counts(Tag("#affected", ("f", "idps")))
    'affected/idps/f'

"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from reconcile.errors import ArgumentError, MissingDependencyError, Reason

__all__ = [
    "ATTRIBUTE",
    "BREAKDOWN_HASHTAGS",
    "ELSEWHERE",
    "FIGURE_HASHTAGS",
    "GENERIC_FIGURE",
    "HXL_COLUMNS",
    "HXL_TAGS_WITH_ATTRIBUTES",
    "LEGACY_HASHTAGS",
    "NOT_COUNTS",
    "PLACE_HASHTAGS",
    "RANGE_ATTRIBUTES",
    "RESERVED_ATTRIBUTES",
    "SEX_ATTRIBUTES",
    "TEXT_ATTRIBUTES",
    "TEXT_COLUMN",
    "UNIT_ATTRIBUTES",
    "WHOLE_ATTRIBUTES",
    "Tag",
    "broader_counts",
    "canonical_attributes",
    "column_hashtag",
    "figure_counts",
    "figure_spec",
    "names_a_figure",
    "parse_hashtags",
    "role_of",
    "split_spec",
    "what_of",
]

#: Standard HXL hashtags of numbers about people (those libhxl's default schema treats as
#: numbers). A figure under one of them counts ``<tag>/<attribute>/...``: ``#affected+killed``
#: counts ``affected/killed``.
FIGURE_HASHTAGS = ("#affected", "#inneed", "#population", "#targeted", "#reached")
#: The hashtag of any other figure; its ``#indicator+name`` cell says what it counts.
GENERIC_FIGURE = "#indicator+num"
#: Attributes of a figure's hashtag that are not part of what it counts.
RANGE_ATTRIBUTES = {"min": "low", "max": "high"}
UNIT_ATTRIBUTES = {"hh": "household", "households": "household", "ind": "person", "individuals": "person"}
#: Attributes that say a figure is the whole (``#population+total``): not part of what it counts.
WHOLE_ATTRIBUTES = {"total"}
RESERVED_ATTRIBUTES = {*RANGE_ATTRIBUTES, *UNIT_ATTRIBUTES, *WHOLE_ATTRIBUTES, "num", "code"}
#: Attributes that say a number is not a count (a percentage, a ratio, a rate, a change).
NOT_COUNTS = {"pct", "percent", "percentage", "proportion", "ratio", "rate", "change"}
#: Attributes that say a figure hashtag's column holds text, not a number (``#population+group``).
TEXT_ATTRIBUTES = {"code", "name", "group", "type", "label", "id"}
#: Attributes of a place hashtag that name another place than the figure's (``#adm1+name+origin``).
ELSEWHERE = {"origin", "dest", "destination", "from", "to", "prev", "previous"}
#: Hashtags of HXL before 1.0 (2014), read as the hashtags that replaced them.
LEGACY_HASHTAGS = {
    "#aff_num": "#affected",
    "#idp_num": "#affected+idps",
    "#refugee_num": "#affected+refugees",
    "#returnee_num": "#affected+returnees",
    "#killed_num": "#affected+killed",
    "#injured_num": "#affected+injured",
    "#inneed_num": "#inneed",
    "#targeted_num": "#targeted",
    "#reached_num": "#reached",
    "#population_num": "#population",
    "#period_date": "#date",
    "#report_date": "#date+reported",
}
#: Columns that break a figure down by sex or age group, a segment of what each row counts.
BREAKDOWN_HASHTAGS = {"#gender": "sex", "#sex": "sex", "#age+range": "age"}
#: The sex attributes of HXL: in a counts path they come after every attribute but age.
SEX_ATTRIBUTES = ("f", "m", "i")
_AGE = re.compile(r"infants?|children|adolescents?|youth|adults?|elderly|older|age\d+(?:_\d+|plus)?")

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
ATTRIBUTE = re.compile(r"[a-z][a-z0-9_]*")


class Tag(NamedTuple):
    """One parsed hashtag: the tag (``#affected``) and its attributes, in their order."""

    tag: str
    attributes: tuple[str, ...]

    @property
    def spec(self) -> str:
        return self.tag + "".join(f"+{name}" for name in self.attributes)


def parse_hashtags(cells: list[str]) -> list[Tag | None] | None:
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
        else Tag(column.tag.lower(), tuple(sorted(a.lower() for a in column.attributes)))
        for column in columns
    ]


def _rank(attribute: str) -> tuple[int, str]:
    """Where an attribute goes in a counts path: what is counted, then sex, then age."""
    if attribute in SEX_ATTRIBUTES:
        return (1, str(SEX_ATTRIBUTES.index(attribute)))
    return (2 if _AGE.fullmatch(attribute) else 0, attribute)


def canonical_attributes(attributes: Iterable[str]) -> list[str]:
    """HXL attributes (a set) in the one order a counts path writes them.

    What is counted comes first, in alphabetical order (``idps``, ``killed``, ``refugees``
    ...), then the sex (``f``, ``m``, ``i``), then the age group (``infants``, ``children``,
    ``adults``, ``elderly``, ``age0_4`` ...). So ``#affected+f+idps`` and ``#affected+idps+f``
    both count ``affected/idps/f``, part of ``affected/idps``.

    Examples:
        >>> canonical_attributes(["children", "f", "idps"])
        ['idps', 'f', 'children']

    """
    return sorted(set(attributes), key=_rank)


def broader_counts(path: str) -> list[str]:
    """The counts paths ``path`` is part of by leaving out one sex or age segment before its last.

    Its parent path (without its last segment) is not listed: that one holds for every path.
    ``affected/idps/f/children`` counts female children among IDPs, so it is part of
    ``affected/idps/children`` as well as of ``affected/idps/f``.

    Examples:
        >>> broader_counts("affected/idps/f/children")
        ['affected/idps/children']
        >>> broader_counts("troops/us")
        []

    """
    root, *rest = path.split("/")
    return [
        "/".join([root, *rest[:position], *rest[position + 1 :]])
        for position, segment in enumerate(rest[:-1])
        if segment in SEX_ATTRIBUTES or _AGE.fullmatch(segment)
    ]


def figure_counts(tag: Tag) -> str:
    named = [name for name in tag.attributes if name not in RESERVED_ATTRIBUTES]
    return "/".join([tag.tag.lstrip("#"), *canonical_attributes(named)])


def figure_spec(counts: object, unit: str) -> str | None:
    """The standard hashtag that reads back as ``counts`` in ``unit``, or None when there is none."""
    if not isinstance(counts, str) or unit not in ("person", "household"):
        return None
    tag, *attributes = counts.split("/")
    if f"#{tag}" not in FIGURE_HASHTAGS or attributes != canonical_attributes(attributes):
        return None
    if not all(
        ATTRIBUTE.fullmatch(name) and name not in RESERVED_ATTRIBUTES | NOT_COUNTS for name in attributes
    ):
        return None
    return Tag(f"#{tag}", (*attributes, *(["hh"] if unit == "household" else []))).spec


def column_hashtag(column: str) -> str:
    if column in HXL_COLUMNS:
        return HXL_COLUMNS[column]
    if not ATTRIBUTE.fullmatch(column):
        raise ArgumentError(
            f"column {column!r} has no HXL hashtag",
            hint="name extra columns in lowercase letters, digits and underscores (they are written "
            "as #meta+<name>), or drop the column before writing HXL",
            reason=Reason.NO_HASHTAG,
        )
    return f"#meta+{column}"


def split_spec(spec: str) -> tuple[str, tuple[str, ...]]:
    tag, *attributes = spec.split("+")
    return tag, tuple(attributes)


def what_of(tag: Tag) -> str:
    """How a note names a hashtag it does not read."""
    if tag.tag in FIGURE_HASHTAGS:
        text = set(tag.attributes) & TEXT_ATTRIBUTES
        marks = ", ".join(f"+{name}" for name in sorted(text or set(tag.attributes) & NOT_COUNTS))
        return f"{tag.tag} with {marks} ({'text' if text else 'not a count'})"
    if tag.tag in HXL_TAGS_WITH_ATTRIBUTES:
        return f"{tag.spec}"
    return tag.tag


TEXT_COLUMN = {Tag(*split_spec(spec)): column for column, spec in HXL_COLUMNS.items() if column != "place"}
#: Tags read only with certain attributes: a note names the whole hashtag.
HXL_TAGS_WITH_ATTRIBUTES = ("#meta", "#indicator", "#date", "#description", *PLACE_HASHTAGS)


def names_a_figure(hashtag: str) -> bool:
    """Whether a column with this hashtag, as a file writes it, holds figures (read by :func:`role_of`).

    Needs no libhxl: a hashtag that does not parse simply names no figure.

    Examples:
        >>> names_a_figure("#affected +idps"), names_a_figure("#idp_num"), names_a_figure("#adm1+name")
        (True, True, False)

    """
    spelled = LEGACY_HASHTAGS.get(hashtag.strip().lower(), hashtag.strip().lower())
    tag, attributes = split_spec(spelled.replace(" ", ""))
    role = role_of(Tag(tag, tuple(sorted(attributes))))
    return role is not None and role[0] == "figure"


def role_of(tag: Tag) -> tuple[str, str] | None:
    """What a hashtag gives: ``(kind, detail)``, or None when this library does not read it."""
    attributes = set(tag.attributes)
    if tag.tag == "#date":
        # A year or a month is how the date is written (2019, 2019-05), not which date it is.
        which = attributes - {"year", "month"}
        if not attributes:
            return ("text", "as_of")
        if attributes == {"year"}:
            return ("date", "year")
        if which == {"reported"}:
            return ("text", "reported_on")
        if len(which) == 1 and which <= {"start", "end"}:
            return ("date", next(iter(which)))
        return ("date", "other")
    if tag.tag in PLACE_HASHTAGS:
        if attributes & ELSEWHERE:  # where people came from or went: not the figure's place
            return None
        return ("place", "code" if "code" in attributes else "name")
    if tag in TEXT_COLUMN:
        return ("text", "")
    if tag.spec in BREAKDOWN_HASHTAGS or (tag.tag in BREAKDOWN_HASHTAGS and not attributes):
        return ("breakdown", BREAKDOWN_HASHTAGS.get(tag.spec) or BREAKDOWN_HASHTAGS[tag.tag])
    if tag.tag == "#meta" and len(tag.attributes) == 1 and ATTRIBUTE.fullmatch(tag.attributes[0]):
        return ("text", "")
    if tag.tag in FIGURE_HASHTAGS and not attributes & (NOT_COUNTS | TEXT_ATTRIBUTES):
        return ("figure", "")
    if tag.tag == "#indicator" and "num" in attributes and not attributes & NOT_COUNTS:
        return ("figure", "")
    return None
