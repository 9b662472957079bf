"""Who gave a figure and what it is about: :class:`Source`, :class:`Scope`, and their checks.

A figure counts something (``counts``, a ``/`` path such as ``troops/us``); its **scope** is
where and when it holds (``place`` and ``as_of``), the word :class:`reconcile.Relation`
(``scope=``) and :class:`reconcile.errors.ScopeMismatchError` use too; its source is who made
it and through whom it came (``source``, ``via``). These are checked and cleaned here, once,
for :class:`reconcile.Figure` and for every constructor that takes them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from reconcile._periods import AsOf, period
from reconcile.errors import ArgumentError, CountsMismatchError, Reason, ScopeMismatchError

__all__ = [
    "FigureKeywords",
    "Scope",
    "Source",
    "as_source",
    "counts_path",
    "figure_fields",
    "merge_scope",
    "refuse_part_with_whole",
    "text_field",
]


def text_field(name: str, text: object) -> str | None:
    """``text`` stripped, or None; an empty or non-text value is an :class:`ArgumentError`.

    Examples:
        >>> text_field("place", "  Mosul "), text_field("place", None)
        ('Mosul', None)

    """
    if text is None:
        return None
    if not isinstance(text, str) or not text.strip():
        raise ArgumentError(
            f"{name} must be a non-empty string or None (got {text!r})",
            hint=f"leave {name} out when it is unknown",
            reason=Reason.NOT_TEXT,
        )
    return text.strip()


def counts_path(counts: object) -> str | None:
    """What a figure counts, as a path of non-empty names separated by ``/``.

    Examples:
        >>> counts_path("troops/us")
        'troops/us'

    """
    path = text_field("counts", counts)
    if path is not None and any(not part.strip() for part in path.split("/")):
        raise ArgumentError(
            f"counts must be a path of non-empty names separated by '/' (got {path!r})",
            hint="write what is counted as e.g. 'troops' or 'troops/us'",
            reason=Reason.BAD_COUNTS_PATH,
        )
    return path


@dataclass(frozen=True, slots=True, kw_only=True)
class Source:
    """Who gave a figure: ``name``, through whom (``via``), when (``date``), ``url``, ``quote``.

    Examples:
        >>> cnn = Source(name="U.S. officials", via="CNN", date="2016-10-17")
        >>> str(cnn)
        'U.S. officials via CNN'
        >>> cnn.date
        datetime.date(2016, 10, 17)
        >>> cnn.replace(quote="about 5,000").quote
        'about 5,000'

    """

    name: str | None = None
    via: str | None = None
    date: dt.date | None = None
    url: str | None = None
    quote: str | None = None

    def __post_init__(self) -> None:
        for name in ("name", "via", "url", "quote"):
            object.__setattr__(self, name, text_field(name, getattr(self, name)))
        reported = self.date
        if isinstance(reported, str):
            day = period(reported, what="date")
            assert day is not None
            reported = day.start_time.date()
        elif isinstance(reported, dt.datetime):
            reported = reported.date()
        elif reported is not None and not isinstance(reported, dt.date):
            raise ArgumentError(
                f"date must be a date or an ISO string (got {reported!r})",
                hint="write the day the source reported the figure, e.g. '2016-10-17'",
                reason=Reason.BAD_DATE,
            )
        object.__setattr__(self, "date", reported)

    def replace(self, **changes: Any) -> Source:
        """Return a copy with ``changes`` applied (the original is unchanged)."""
        return dataclasses.replace(self, **changes)

    def __str__(self) -> str:
        name = self.name or "unnamed source"
        return f"{name} via {self.via}" if self.via else name

    def __repr__(self) -> str:
        given = [
            f"{name}={getattr(self, name)!r}"
            for name in ("name", "via", "date", "url", "quote")
            if getattr(self, name) is not None
        ]
        return f"Source({', '.join(given)})"


class Scope(TypedDict, total=False):
    """A figure's scope: where (``place``) and when (``as_of``) it holds.

    The scope is what :func:`reconcile.total` asks for when figures' places or dates differ
    (a :class:`~reconcile.errors.ScopeMismatchError` otherwise), and what limits a
    :class:`reconcile.Relation` (``scope={"place": "Mosul"}``: in a claims table, the key's
    columns other than ``counts``). What a figure counts is not its scope but its ``counts``.

    Examples:
        >>> import reconcile as rc
        >>> mosul: rc.Scope = {"place": "Mosul", "as_of": "2016-10-17"}
        >>> rc.Figure.about(5000, counts="militants", **mosul).place
        'Mosul'

    """

    place: str | None
    as_of: AsOf


class FigureKeywords(Scope, total=False):
    """The keyword arguments every Figure constructor shares: unit, what, where, when and who.

    ``Figure(...)``, :meth:`Figure.exact <reconcile.Figure.exact>` and the other named
    constructors, and :func:`reconcile.parse` all take them. ``via`` sets the source's
    ``via`` (through whom the source spoke), whether ``source`` is a name or a :class:`Source`.

    Examples:
        >>> import reconcile as rc
        >>> cnn: rc.FigureKeywords = {"counts": "militants", "source": "U.S. officials", "via": "CNN"}
        >>> print(rc.Figure.about(5000, **cnn))
        about 5,000 militants (4,500–5,500), U.S. officials via CNN

    """

    unit: str
    counts: str | None
    source: Source | str | None
    via: str | None


def as_source(source: object, via: str | None = None) -> Source | None:
    """A :class:`Source` from a source or a name, with ``via`` when given; one naming nothing is None.

    Examples:
        >>> as_source("CNN"), as_source(Source(name="U.S. officials"), via="CNN")
        (Source(name='CNN'), Source(name='U.S. officials', via='CNN'))

    """
    if via is not None:
        return (as_source(source) or Source()).replace(via=via)
    if isinstance(source, Source) and source == Source():
        return None  # a source that names nothing is no source
    if source is None or isinstance(source, Source):
        return source
    if isinstance(source, str):
        return Source(name=source)
    raise ArgumentError(
        f"source must be a Source or a name (got {type(source).__name__})",
        hint="pass source='U.S. officials' or source=Source(name=..., via=...)",
        reason=Reason.BAD_SOURCE,
    )


def figure_fields(keywords: FigureKeywords) -> dict[str, Any]:
    """The Figure constructors' keyword arguments as Figure fields (``via`` goes into ``source``).

    Examples:
        >>> fields = figure_fields({"as_of": "2016-10", "source": "U.S. officials", "via": "CNN"})
        >>> fields["as_of"], fields["source"]
        (Period('2016-10', 'M'), Source(name='U.S. officials', via='CNN'))

    """
    fields: dict[str, Any] = dict(keywords)
    if "as_of" in fields:
        fields["as_of"] = period(fields["as_of"])
    if "source" in fields or "via" in fields:
        fields["source"] = as_source(fields.get("source"), fields.pop("via", None))
    return fields


def refuse_part_with_whole(counts: Iterable[str | None]) -> None:
    """Refuse counts paths one of which is a part of another: adding them counts the part twice.

    Examples:
        >>> refuse_part_with_whole(["troops/us", "troops/coalition", None])
        >>> refuse_part_with_whole(["troops", "troops/us"])
        Traceback (most recent call last):
        ...
        reconcile.errors.CountsMismatchError: 'troops/us' is a part of 'troops': ...

    """
    paths = {path for path in counts if path is not None}
    for path in paths:
        for other in paths:
            if other != path and path.startswith(other + "/"):
                raise CountsMismatchError(
                    f"{path!r} is a part of {other!r}: adding them counts {path!r} twice",
                    hint="add only disjoint parts, or compare the part with the whole instead",
                    counts=(path, other),
                    reason=Reason.DOUBLE_COUNT,
                )


def merge_scope(name: str, values: Iterable[object], given: object, operation: str = "total") -> Any:
    """The one place or date the figures share (unknown ones aside), or the caller's word.

    ``values`` are the figures' own values of ``name`` (``place`` or ``as_of``).

    Examples:
        >>> merge_scope("place", ["Mosul", None, "Mosul"], None)
        'Mosul'

    """
    if given is not None:
        return period(given) if name == "as_of" else text_field(name, given)
    known = set(values) - {None}
    if len(known) > 1:
        shown = tuple(sorted(str(value) for value in known))
        raise ScopeMismatchError(
            f"the figures have different {name} values ({', '.join(map(repr, shown))})",
            hint=(
                f"pass {name}= to say what the result covers, e.g. rc.{operation}(..., {name}=...)"
                if operation in ("total", "difference")
                else f"set the same {name} on both figures with .replace({name}=...)"
            ),
            field=name,
            values=shown,
            reason=Reason.SCOPE_MISMATCH,
        )
    return known.pop() if known else None
