"""Which claims tables the library has already checked, known by a fingerprint that any edit changes.

:func:`reconcile.read_claims` checks a table once and :func:`remember` records its
fingerprint; :func:`reconcile.reconcile` then takes a table whose fingerprint still matches
without checking it again. A flag carried in ``DataFrame.attrs`` would not do: it survives
edits. The fingerprint is kept here, beside a weak reference to the frame itself, and holds:

- the columns, in order, with their dtypes, and the number of rows;
- for each text column (Arrow-backed), the Arrow array itself: Arrow arrays are immutable,
  so pandas replaces the array on any edit, and holding it keeps its memory from being
  reused by another;
- for each number or flag column, a checksum that depends on every value and its position
  (so swapping two values changes it), about 2 ms per million values.

A column of any other kind (Python objects, which can change in place unseen) leaves the
table without a fingerprint: it is checked every time.
"""

from __future__ import annotations

import weakref
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd

__all__ = ["is_checked", "remember"]


class _Print(NamedTuple):
    columns: tuple[str, ...]
    dtypes: tuple[str, ...]
    rows: int
    arrays: tuple[object, ...]  # per text column, its Arrow array (compared by identity)
    sums: tuple[int, ...]  # per number column, its checksum


# id(frame) -> (a weak reference to the frame, its fingerprint); an entry leaves with its frame.
_PRINTS: dict[int, tuple[weakref.ref[pd.DataFrame], _Print]] = {}


_STEP = np.uint64(0x9E3779B97F4A7C15)
_CHUNK = 1 << 16  # positions summed at a time: the temporaries stay small and in cache


@lru_cache(maxsize=1)
def _strides() -> np.ndarray:
    """``i * step`` for the positions ``i`` of one chunk (wrapping at 64 bits)."""
    return np.arange(_CHUNK, dtype=np.uint64) * _STEP


def _checksum(values: np.ndarray) -> int:
    """The sum over positions ``i`` of each value's bits times ``(i * step) | 1`` (odd, so no bit is lost)."""
    bits = values.view(np.uint64) if values.dtype.itemsize == 8 else values.astype(np.uint64)
    total = np.uint64(0)
    with np.errstate(over="ignore"):
        for start in range(0, len(bits), _CHUNK):  # (a loop per 65,536 values, not per value)
            part = bits[start : start + _CHUNK]
            mixers = (_strides()[: len(part)] + np.uint64(start) * _STEP) | np.uint64(1)
            total += np.sum(part * mixers, dtype=np.uint64)
    return int(total)


def _fingerprint(frame: pd.DataFrame) -> _Print | None:
    arrays: list[object] = []
    sums: list[int] = []
    for name in frame.columns:
        column = frame[name]
        dtype = column.dtype
        if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
            sums.append(_checksum(column.to_numpy()))
        elif hasattr(column.array, "__arrow_array__") and not isinstance(dtype, np.dtype):
            arrays.append(column.array.__arrow_array__())
        else:
            return None
    return _Print(
        tuple(map(str, frame.columns)), tuple(map(str, frame.dtypes)), len(frame), tuple(arrays), tuple(sums)
    )


def remember(frame: pd.DataFrame) -> None:
    """Record that ``frame`` passed the claims contract, as it is now.

    Examples:
        >>> frame = pd.DataFrame({"claim_id": pd.Series(["a"], dtype="str"), "value": [5.0]})
        >>> remember(frame)
        >>> is_checked(frame)
        True

    """
    found = _fingerprint(frame)
    if found is None:
        return
    key = id(frame)

    def forget(_: weakref.ref[pd.DataFrame]) -> None:
        _PRINTS.pop(key, None)

    _PRINTS[key] = (weakref.ref(frame, forget), found)


def is_checked(frame: pd.DataFrame) -> bool:
    """Whether ``frame`` is a table :func:`remember` recorded, unchanged since.

    Examples:
        >>> frame = pd.DataFrame({"claim_id": pd.Series(["a", "b"], dtype="str"), "value": [5.0, 7.0]})
        >>> remember(frame)
        >>> frame.loc[0, "value"], frame.loc[1, "value"] = 7.0, 5.0  # two values swapped
        >>> is_checked(frame)
        False
        >>> is_checked(frame.copy())  # a copy is a new table, checked again when it is read
        False

    """
    entry = _PRINTS.get(id(frame))
    if entry is None or entry[0]() is not frame:
        return False
    was = entry[1]
    if tuple(map(str, frame.columns)) != was.columns or tuple(map(str, frame.dtypes)) != was.dtypes:
        return False
    now = _fingerprint(frame)
    return (
        now is not None
        and now.rows == was.rows
        and len(now.arrays) == len(was.arrays)
        and all(a is b for a, b in zip(now.arrays, was.arrays, strict=True))
        and now.sums == was.sums
    )
