"""Text columns made from a few distinct texts and a code per row, without a Python object per row.

A million rows that share a handful of values (units, sources, dates) are written by one
Arrow ``take`` from the distinct values, not by a million-element object array that pandas
then converts cell by cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa

__all__ = ["coded_texts", "respelled", "texts_at"]


def coded_texts(
    distinct: Sequence[str | None], codes: np.ndarray, index: pd.Index | None = None
) -> pd.Series:
    """A ``str`` column holding ``distinct[code]`` per row; missing where the code is -1.

    Examples:
        >>> coded_texts(["person", "household", None], np.array([1, -1, 0, 2])).tolist()
        ['household', nan, 'person', nan]

    """
    codes = np.asarray(codes)
    if codes.dtype not in (np.int32, np.int64):  # (4-byte codes stay so: half the memory)
        codes = codes.astype(np.int64)
    table = pa.array(list(distinct), type=pa.large_string())
    taken = table.take(pa.array(codes, mask=codes < 0))
    return pd.Series(taken, index=index, dtype="str")


def texts_at(texts: np.ndarray, at: np.ndarray, blank: str | None, index: pd.Index) -> pd.Series:
    """A text column of ``texts[at]``, ``blank`` ("" or missing) where ``at`` is -1.

    Examples:
        >>> ids = np.array(["C1", "C2"], dtype=object)
        >>> texts_at(ids, np.array([1, -1, 0]), "", pd.RangeIndex(3)).tolist()
        ['C2', '', 'C1']

    """
    if blank is None:
        return coded_texts(texts.tolist(), at, index)
    return coded_texts([blank, *texts.tolist()], at + 1, index)


def respelled(
    column: pd.Series, codes: np.ndarray, distinct: Iterable[object], spelled: Sequence[str]
) -> pd.Series:
    """``column`` with each distinct value ``distinct[i]`` (its codes ``codes``) written ``spelled[i]``.

    A ``str`` column already spelled so throughout is returned itself, not copied.

    Examples:
        >>> column = pd.Series(["people", "person", "people"], dtype="str")
        >>> codes, distinct = pd.factorize(column)
        >>> respelled(column, codes, distinct, ["person", "person"]).tolist()
        ['person', 'person', 'person']
        >>> same = pd.Series(["person"], dtype="str")
        >>> respelled(same, np.array([0]), ["person"], ["person"]) is same
        True

    """
    if column.dtype == "str" and list(spelled) == list(distinct):
        return column
    return coded_texts(spelled, codes, column.index)
