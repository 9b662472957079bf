"""Places in a hierarchy: an area's figure is at most its country's.

A place is a path, like ``counts``: ``Bangladesh/Cox's Bazar`` is part of ``Bangladesh``.
A places table puts plain names into the hierarchy (each row a ``place`` and its
``parent``; an optional ``pcode`` is another name of the place). For every counts path,
date and other key value, a place's estimate is checked to be at most that of its nearest
claimed ancestor: the implied place checks, on by default, like the implied part-of
checks of ``counts``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile.errors import ArgumentError, Reason

__all__ = ["Places", "place_pairs", "read_places", "root_places"]

#: Each place's parent, by name (a p-code is a name too).
Places = Mapping[str, str]

_COLUMNS_HINT = "give a table with the columns place and parent (and, if you like, pcode)"


def read_places(places: pd.DataFrame | str | os.PathLike[str] | Mapping[str, str] | None) -> dict[str, str]:
    """Each place's parent, from a places table (a frame or a CSV path) or a mapping.

    Raises:
        ArgumentError: the table lacks ``place`` or ``parent``, gives a place two parents,
            or its parents run in a circle.

    Examples:
        >>> table = pd.DataFrame({"place": ["Cox's Bazar", "Ukhia"], "parent": ["Bangladesh", "Cox's Bazar"],
        ...                       "pcode": ["BD2022", None]})
        >>> read_places(table)
        {"Cox's Bazar": 'Bangladesh', 'Ukhia': "Cox's Bazar", 'BD2022': 'Bangladesh'}

    """
    if places is None:
        return {}
    if isinstance(places, Mapping):
        return _checked({str(place): str(parent) for place, parent in places.items()})
    if isinstance(places, (str, os.PathLike)):
        try:
            places = pd.read_csv(Path(places), dtype=str, keep_default_na=False)
        except (OSError, ValueError) as exc:
            raise ArgumentError(
                f"cannot read the places table {str(places)!r} ({exc})",
                hint=_COLUMNS_HINT + ", as a CSV file",
                reason=Reason.BAD_ARGUMENT,
            ) from exc
    if not isinstance(places, pd.DataFrame):
        raise ArgumentError(
            "places must be a table, a CSV path or a mapping of place to parent "
            f"(got {type(places).__name__})",
            hint=_COLUMNS_HINT,
            reason=Reason.BAD_ARGUMENT,
        )
    missing = [column for column in ("place", "parent") if column not in places]
    if missing:
        raise ArgumentError(
            f"the places table has no {' or '.join(missing)} column "
            f"(it has {', '.join(map(str, places.columns))})",
            hint=_COLUMNS_HINT,
            reason=Reason.BAD_ARGUMENT,
        )
    table = places.astype(object).where(places.notna(), "")
    parents: dict[str, str] = {}
    names = [table["place"]]
    if "pcode" in table:
        names.append(table["pcode"])
    for column in names:
        for line, (place, parent) in enumerate(zip(column, table["parent"], strict=True), start=2):
            place, parent = str(place).strip(), str(parent).strip()
            if not place or not parent:
                continue
            if parents.setdefault(place, parent) != parent:
                raise ArgumentError(
                    f"the places table gives {place!r} two parents, {parents[place]!r} "
                    f"and {parent!r} (line {line})",
                    hint="give each place one parent",
                    reason=Reason.BAD_ARGUMENT,
                )
    return _checked(parents)


def _checked(parents: dict[str, str]) -> dict[str, str]:
    """``parents``, once no chain of parents runs in a circle."""
    for start in parents:  # a places table has hundreds of rows, a chain a handful of levels
        seen = [start]
        place = start
        while place in parents:
            place = parents[place]
            if place in seen:
                raise ArgumentError(
                    f"the places table runs in a circle: {' -> '.join([*seen, place])}",
                    hint="give each place the place it is part of, up to a country",
                    reason=Reason.BAD_ARGUMENT,
                )
            seen.append(place)
    return parents


def _ancestors(place: str, parents: Mapping[str, str]) -> list[str]:
    """The places ``place`` is part of, nearest first: its path's prefixes and the table's parents."""
    found: list[str] = []
    current = place
    while True:
        if current in parents:
            current = parents[current]
        elif "/" in current:
            current = current.rsplit("/", 1)[0]
        else:
            return found
        if current in found or current == place:
            return found
        found.append(current)


def root_places(places: pd.Series, parents: Mapping[str, str]) -> pd.Series:
    """Each place's outermost place (a country, say): the last of its ancestors, or itself.

    Every check across places (a place within its parent, relations within a place, time at
    one place) stays within one root: claims of different roots never meet. Missing places
    give an empty root. Worked out once per distinct place.

    Examples:
        >>> places = pd.Series(["Bangladesh/Cox's Bazar/Ukhia", "Mosul", "Kutupalong", None])
        >>> root_places(places, {"Kutupalong": "Bangladesh/Cox's Bazar"}).tolist()
        ['Bangladesh', 'Mosul', 'Bangladesh', '']
        >>> root_places(places, {}).tolist()
        ['Bangladesh', 'Mosul', 'Kutupalong', '']

    """
    if not parents:  # a path's root is its first part: one whole-column replace (Arrow's, on Arrow text)
        first = places.astype("str").str.replace(r"(?s)/.*", "", regex=True, n=1)
        return first.where(places.notna(), "").astype("str")
    codes, names = pd.factorize(places)
    # One root per distinct place, then "" last: a missing place's code, -1, takes it.
    roots = [[name, *_ancestors(name, parents)][-1] for name in names.astype(str)]
    return pd.Series(np.array([*roots, ""], dtype=object)[codes], index=places.index, dtype="str")


def place_pairs(estimates: pd.DataFrame, key: tuple[str, ...], parents: Mapping[str, str]) -> pd.DataFrame:
    """Per estimate with a claimed ancestor place: (child, parent) estimate rows and the check's text.

    The parent is the nearest ancestor place with an estimate of the same other key values
    (counts, date). Columns ``child``, ``parent`` (estimate rows) and ``text``.

    Examples:
        >>> estimates = pd.DataFrame({"counts": "refugees", "as_of": "2017-09-26",
        ...                           "place": ["Bangladesh", "Bangladesh/Cox's Bazar/Ukhia", "Myanmar"]})
        >>> pairs = place_pairs(estimates, ("counts", "place", "as_of"), {})
        >>> pairs[["child", "parent"]].values.tolist(), pairs["text"].tolist()
        ([[1, 0]], ["refugees in Bangladesh/Cox's Bazar/Ukhia <= refugees in Bangladesh"])

    """
    columns = ["child", "parent", "text"]
    if "place" not in key or not len(estimates):
        return pd.DataFrame(columns=columns)
    place = estimates["place"]
    distinct = place.dropna().astype(str).unique().tolist()
    lines = [(name, up, level) for name in distinct for level, up in enumerate(_ancestors(name, parents))]
    if not lines:
        return pd.DataFrame(columns=columns)
    up = pd.DataFrame(lines, columns=["place", "ancestor", "level"])
    rest = [column for column in key if column != "place"]
    group = (
        estimates[rest].groupby(rest, dropna=False, sort=False).ngroup().to_numpy()
        if rest
        else np.zeros(len(estimates), dtype=np.int64)
    )
    rows = pd.DataFrame(
        {"group": group, "place": place.to_numpy(dtype=object), "row": np.arange(len(estimates))}
    )
    pairs = rows.merge(up, on="place").merge(
        rows.rename(columns={"place": "ancestor", "row": "parent"}), on=["group", "ancestor"]
    )
    pairs = pairs.sort_values(["row", "level"], kind="stable").drop_duplicates("row")
    counts = (
        estimates["counts"].astype(object).where(estimates["counts"].notna(), "").to_numpy(dtype=object)
        if "counts" in estimates
        else np.full(len(estimates), "", dtype=object)
    )
    child, parent = pairs["row"].to_numpy(np.intp), pairs["parent"].to_numpy(np.intp)
    text = counts[child] + " in " + pairs["place"].to_numpy(dtype=object) + " <= "
    text = text + counts[parent] + " in " + pairs["ancestor"].to_numpy(dtype=object)
    return pd.DataFrame({"child": child, "parent": parent, "text": text}).reset_index(drop=True)
