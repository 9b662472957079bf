"""A folder of claims files read as one table: every file checked, ids unique across the folder."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from reconcile._checked import remember
from reconcile._on_dask import same_columns
from reconcile.errors import ClaimsError

__all__ = ["read_together"]


def read_together(folder: Path, files: list[Path], read: Callable[[Path], pd.DataFrame]) -> pd.DataFrame:
    """The files of a folder read one by one and put together: one claims table, ids unique across files.

    Every file must give the columns of the first. An id repeated across files is an error
    naming the files, or, for tables read with ``errors="flag"``, a flagged row. The table is
    remembered as checked (see :mod:`reconcile._checked`) unless it is flagged.

    Examples:
        >>> import tempfile
        >>> import pandas as pd
        >>> folder = Path(tempfile.mkdtemp())
        >>> parts = [pd.DataFrame({"claim_id": [name]}) for name in ("a", "a")]
        >>> read_together(folder, [folder / "x.parquet", folder / "y.parquet"], lambda path: parts.pop())
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: 1 claim ids are given more than once in the folder '...': ...
          claim_id='a' in x.parquet, y.parquet

    """
    frames = [read(path) for path in files]
    for path, frame in zip(files[1:], frames[1:], strict=True):
        same_columns(frame, frames[0], path)
    names = [str(path.relative_to(folder)) for path in files]
    together = pd.concat(frames, ignore_index=True)
    ids = together["claim_id"]
    flagging = "error" in together
    standing = together["error"].isna().to_numpy() if flagging else np.ones(len(together), dtype=bool)
    repeated = (ids.where(standing).duplicated(keep=False) & standing).to_numpy()
    if repeated.any() and flagging:  # flagged, as a repeated id within one file is
        error = together["error"].astype(object).to_numpy().copy()
        error[repeated] = "each claim once (a claim_id repeated in another file of the folder)"
        together = together.assign(
            error=pd.Series(error, index=together.index).astype(together["error"].dtype)
        )
    elif repeated.any():
        file = np.repeat(np.array(names, dtype=object), [len(f) for f in frames])
        where = pd.DataFrame({"claim_id": ids[repeated].astype(object), "file": file[repeated]})
        files_of = where.groupby("claim_id", sort=True)["file"].agg(", ".join)
        shown = files_of.head(20)
        lines = [f"claim_id={name!r} in {given}" for name, given in shown.items()]
        more = len(files_of) - len(shown)
        raise ClaimsError(
            f"{len(files_of)} claim ids are given more than once in the folder '{folder}'",
            hint="give every claim its own claim_id: the files of a folder share one set of ids",
            details="  " + "\n  ".join(lines) + (f"\n  ... and {more} more" if more else ""),
            failures=where.reset_index(drop=True),
            origin=str(folder),
        )
    notes = [
        dataclasses.replace(note, text=f"{name}: {note.text}")
        for name, frame in zip(names, frames, strict=True)
        for note in frame.attrs.get("notes", ())
    ]
    together.attrs["notes"] = tuple(notes)
    if "error" not in together:
        remember(together)
    return together
