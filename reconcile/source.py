"""Who gave a figure and what it is about: :class:`Source`, :class:`Scope`, and their checks.

A figure's scope is what it counts (a ``/`` path such as ``troops/us``), where and when; its
source is who made it and through whom it came. These are checked and cleaned here, once,
for :class:`reconcile.Figure` and for every constructor that takes them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypedDict

from reconcile._periods import AsOf, period
from reconcile.errors import ArgumentError, ScopeMismatchError

__all__ = ["Scope", "Source", "as_source", "counts_path", "merge_scope", "scope_fields", "text_field"]


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
    """Keyword arguments the named constructors share: unit and what, where, when, who."""

    unit: str
    counts: str | None
    place: str | None
    as_of: AsOf
    source: Source | str | None


def as_source(source: object) -> Source | None:
    """A :class:`Source` from a source or a name; a source that names nothing is None.

    Examples:
        >>> as_source("CNN")
        Source(name='CNN')

    """
    if isinstance(source, Source) and source == Source():
        return None  # a source that names nothing is no source
    if source is None or isinstance(source, Source):
        return source
    if isinstance(source, str):
        return Source(name=source)
    raise ArgumentError(
        f"source must be a Source or a name (got {type(source).__name__})",
        hint="pass source='U.S. officials' or source=Source(name=..., via=...)",
    )


def scope_fields(scope: Scope) -> dict[str, Any]:
    """The named constructors' keyword arguments as Figure fields.

    Examples:
        >>> scope_fields({"as_of": "2016-10", "source": "CNN"})["as_of"]
        Period('2016-10', 'M')

    """
    fields: dict[str, Any] = dict(scope)
    if "as_of" in fields:
        fields["as_of"] = period(fields["as_of"])
    if "source" in fields:
        fields["source"] = as_source(fields["source"])
    return fields


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
        )
    return known.pop() if known else None
