"""Claims tables: figures as rows, read from files, checked against :class:`~reconcile.schemas.Claims`.

A claims table holds one reported figure per row. :func:`read_claims` reads and checks one,
:func:`write_claims` writes one, :func:`to_claims` and :func:`from_claims` turn figures into
rows and back. The file formats themselves live in :mod:`reconcile.formats`.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

import numpy as np
import pandas as pd

from reconcile._cells import from_phrases, from_values
from reconcile._checked import is_checked, remember
from reconcile._clean import clean_text, unpadded_lengths
from reconcile._folders import read_together
from reconcile._on_dask import DASK_HINTS, parquet_files, read_folder
from reconcile._periods import period, read_dates
from reconcile._rows import FILE_FACTS, fill_facts, labels_of, read_numbers, skipped_note, without_figure
from reconcile._validate import ROWS_HINT, describe_failures, flagged, normalise, validate
from reconcile.errors import ArgumentError, ClaimsError, Note, Reason
from reconcile.figure import Figure, Source
from reconcile.formats import HASHTAG_ROWS_SEARCHED, Loaded, read_hxl, read_table, write_table
from reconcile.phrases import Lexicon
from reconcile.schemas import Claims

if TYPE_CHECKING:
    import dask.dataframe as dd
else:
    dd = DASK_HINTS  # so that typing.get_type_hints reads the hints that name Dask tables

__all__ = [
    "CLAIM_COLUMNS",
    "ROWS_HINT",
    "describe_failures",
    "from_claims",
    "read_claims",
    "to_claims",
    "validate",
    "write_claims",
]

#: The columns of a claims table, required ones first, in the order :func:`to_claims` writes.
CLAIM_COLUMNS = (
    "claim_id",
    "counts",
    "place",
    "as_of",
    "low",
    "value",
    "high",
    "unit",
    "source",
    "via",
    "reported_on",
    "hedge",
    "quote",
    "url",
)
_TEXT_COLUMNS = tuple(column for column in CLAIM_COLUMNS if column not in ("low", "value", "high"))
# Optional text columns a file may add: ``origin`` names who made a figure where ``source``
# names whom a claim cites for it (see ``reconcile.voices``).
_READ_AS_TEXT = (*_TEXT_COLUMNS, "origin", "phrase")
# The columns a claims file needs besides its figure (value, or low and high, or phrase).
_NEEDED = ("claim_id", "counts", "place", "as_of", "unit", "source")
# A decimal comma: the figure columns are read as text, for read_printed to read ("1.234,5").
_FIGURES = ("low", "value", "high")


def _load(
    claims: str | os.PathLike[str] | pd.DataFrame,
    format: str | None,
    sheet: str | None,
    encoding: str,
    as_text: tuple[str, ...] = (),
) -> tuple[Loaded, str | None]:
    """The table as read (see :class:`~reconcile.formats.Loaded`), and the file it came from."""
    if isinstance(claims, pd.DataFrame):
        if sheet is not None or format not in (None, "hxl"):
            raise ArgumentError(
                f"sheet= and format={format!r} apply to files, not to a DataFrame",
                hint="leave them out, or pass format='hxl' for a frame whose column labels are hashtags",
                reason=Reason.BAD_ARGUMENT,
            )
        if format == "hxl":
            read = read_hxl(claims)
            return Loaded(read.claims, 2, True, read.rows, read.labels, read.notes), None
        return Loaded(claims.copy(deep=False), 2), None  # (copy on write: the caller's frame never changes)
    if not isinstance(claims, (str, os.PathLike)):
        raise ArgumentError(
            f"claims must be a path or a DataFrame (got {type(claims).__name__})",
            hint="pass a CSV, JSON, Excel or Parquet path, or a pandas DataFrame",
            reason=Reason.BAD_ARGUMENT,
        )
    path = Path(claims)
    text_columns = (*_READ_AS_TEXT, *as_text)
    loaded = read_table(path, format=format, sheet=sheet, encoding=encoding, text_columns=text_columns)
    if loaded.frame.empty and loaded.frame.columns.empty:  # an empty list of JSON records: no claims
        return loaded._replace(frame=pd.DataFrame(columns=list(CLAIM_COLUMNS))), str(path)
    return loaded, str(path)


def _blank_to_missing(frame: pd.DataFrame) -> pd.DataFrame:
    """Strip the text columns; a cell with nothing left in it is missing, not a name."""
    text = [
        column
        for column in _READ_AS_TEXT
        if column in frame and not pd.api.types.is_numeric_dtype(frame[column])
    ]
    if not text:
        return frame
    stripped = {}
    for column in text:  # (a handful of columns)
        cells = frame[column].astype("str")
        lengths = unpadded_lengths(cells)
        if lengths is None:
            cells = cells.str.strip()
            stripped[column] = cells.mask(cells == "")
        elif (lengths == 0).any() or cells.dtype != frame[column].dtype:
            stripped[column] = cells.mask((lengths == 0) & cells.notna().to_numpy())
    return frame.assign(**stripped) if stripped else frame


def _missing_columns(frame: pd.DataFrame, origin: str | None, hxl: bool) -> tuple[pd.DataFrame, list[Note]]:
    """A file without the columns of a claim is told which, and how to give them.

    An HXL file without a place or a date column reads with them blank, and a note.
    """
    notes = []
    if hxl:
        for name, tags in (("place", "#country, #adm1 ... #loc"), ("as_of", "#date")):
            if name not in frame:
                frame = frame.assign(**{name: pd.Series(None, index=frame.index, dtype=object)})
                notes.append(
                    Note(
                        Reason.FILLED_FACT,
                        f"the file gives no {name} (no {tags} column): it is left blank"
                        + ("; pass as_of= to give one" if name == "as_of" else ""),
                        column=name,
                        count=len(frame),
                    )
                )
    if origin is None:
        return frame, notes  # a DataFrame: the schema names a missing column
    # A phrase column may say what it counts and its unit ("7,619 IDPs"): those may come from it.
    needed = [name for name in _NEEDED if not ("phrase" in frame and name in ("counts", "unit"))]
    missing = [name for name in needed if name not in frame]
    if not any(name in frame for name in ("low", "value", "high", "phrase")):
        missing.append("value")
    if not missing:
        return frame, notes
    facts = [name for name in missing if name in FILE_FACTS]
    given = f"give {', '.join(f'{name}=...' for name in facts)} for every row" if facts else ""
    if hxl:
        hint = given + " (HDX gives a dataset's source and date in its metadata)"
    else:
        hint = (
            "a claims file has the columns "
            + ", ".join(_NEEDED)
            + " and value (or low and high, or phrase)"
            + (f"; {given}" if given else "")
            + f"; no row of HXL hashtags was found in its first {HASHTAG_ROWS_SEARCHED} rows, so it was read "
            "as a plain table (an HXL file has its hashtag row under the header row)"
        )
    raise ClaimsError(
        f"{origin!r} has no {' or '.join(missing)} column",
        hint=hint,
        reason=Reason.BAD_ROWS if hxl else Reason.NOT_HXL,
        failures=None,
        origin=origin,
        columns=tuple(missing),
    )


def _in_value_cells(
    said: pd.DataFrame, moved: np.ndarray, frame: pd.DataFrame, labels: Mapping[str, Any]
) -> pd.DataFrame:
    """Failures of phrases that were a row's value cell, each naming that column as the file does."""
    if not len(said) or not moved.any():
        return said
    positions = pd.Series(np.arange(len(frame)), index=frame.index)
    at = positions.reindex(said["index"]).to_numpy()
    from_value = moved[at]
    if not from_value.any():
        return said
    named = labels_of(labels, "value", at[from_value])
    message = said["message"].astype(object).to_numpy(copy=True)
    message[from_value] = [f"{name}: {text}" for name, text in zip(named, message[from_value], strict=True)]
    return said.assign(message=message)


def _read_dates(
    frame: pd.DataFrame, dayfirst: bool | None, labels: Mapping[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """``as_of`` and ``reported_on`` in their canonical spelling, and the cells that cannot be read.

    A report date is a day: a source reports on a day, and :class:`~reconcile.figure.Source`
    holds one. Messages name a column as the file does (an HXL file by its hashtag).
    """
    read: dict[str, pd.Series] = {}
    found = []
    for column, days_only in (("as_of", False), ("reported_on", True)):
        if column in frame:
            label = str(labels.get(column, column))
            read[column], failures = read_dates(
                frame[column], dayfirst=dayfirst, days_only=days_only, label=label
            )
            found.append(failures)
    failed = [failures for failures in found if len(failures)]
    return frame.assign(**read), pd.concat(failed, ignore_index=True) if failed else None


@overload
def read_claims(
    claims: str | os.PathLike[str] | pd.DataFrame,
    *,
    format: str | None = ...,
    sheet: str | None = ...,
    encoding: str = ...,
    dayfirst: bool | None = ...,
    lexicon: Lexicon | None = ...,
    source: str | None = ...,
    via: str | None = ...,
    as_of: str | dt.date | None = ...,
    reported_on: str | dt.date | None = ...,
    decimal: str = ...,
    errors: Literal["raise", "flag"] = ...,
    lazy: Literal[False] = ...,
) -> pd.DataFrame: ...


@overload
def read_claims(
    claims: str | os.PathLike[str] | pd.DataFrame,
    *,
    format: str | None = ...,
    sheet: str | None = ...,
    encoding: str = ...,
    dayfirst: bool | None = ...,
    lexicon: Lexicon | None = ...,
    source: str | None = ...,
    via: str | None = ...,
    as_of: str | dt.date | None = ...,
    reported_on: str | dt.date | None = ...,
    decimal: str = ...,
    errors: Literal["raise", "flag"] = ...,
    lazy: Literal[True],
) -> dd.DataFrame: ...


def read_claims(
    claims: str | os.PathLike[str] | pd.DataFrame,
    *,
    format: str | None = None,
    sheet: str | None = None,
    encoding: str = "utf-8-sig",
    dayfirst: bool | None = None,
    lexicon: Lexicon | None = None,
    source: str | None = None,
    via: str | None = None,
    as_of: str | dt.date | None = None,
    reported_on: str | dt.date | None = None,
    decimal: str = ".",
    errors: Literal["raise", "flag"] = "raise",
    lazy: bool = False,
) -> pd.DataFrame | dd.DataFrame:
    """Read a claims table from a CSV, JSON, Excel, Parquet or HXL file, or check a DataFrame.

    The format comes from the extension (``.csv``, ``.json`` for a list of records,
    ``.xlsx``, ``.parquet``) unless ``format`` names it. A ``.csv`` or ``.xlsx`` file with a
    row of HXL hashtags (``#meta+id``, ``#affected+killed`` ...) in its first 25 rows is read
    as HXL (see :mod:`reconcile.formats`); ``format="hxl"`` insists on it. Cells that a
    writer of this library neutralised against spreadsheet formulas (``'=...``) are restored.

    Every row is checked against :class:`reconcile.schemas.Claims` at once, so a broken
    file gets one :class:`~reconcile.errors.ClaimsError` that lists every bad row (row
    number, file line, rule, values), with the full table of failures in ``error.failures``.
    Units and dates come back in their canonical spelling (``people`` -> ``person``,
    ``17/10/2016`` -> ``2016-10-17``). The caller's DataFrame is never changed.

    A table this function returned is remembered by a fingerprint of its contents: read
    again with the default arguments (as :func:`reconcile.reconcile` does), it is not
    checked twice. Any edit since, a copy or a slice is checked again (see
    ``docs/reference/schemas.md``, "When tables are checked").

    A folder is read as the Parquet files in it (not in its subfolders; in name order), each
    read and checked as a file is, so an error names the file and its own lines; every file
    must give the same columns, and claim ids are unique across the folder. With ``lazy``
    (the ``dask`` extra), the folder comes back as a Dask DataFrame of one partition per
    file, each read when computed: claims beyond memory, for :func:`reconcile.reconcile` on
    Dask (see ``docs/howto/dask.md``).

    Dates in ``as_of`` and ``reported_on`` (HXL ``#date`` and ``#date+reported``) may be
    ISO (``2016-10-17``, ``2016-10``, ``2016``), numbers day, month, year separated by
    ``-``, ``/`` or ``.`` (``17/10/2016``), or written (``17 October 2016``,
    ``October 17, 2016``, ``Oct 2016``); ``as_of`` may also be a week or a quarter as
    ``str(pandas.Period)`` writes it, and ``reported_on`` is always a day. Numbers are never
    read month-first by default: each column is read in one order, day-first if one of its
    dates starts above 12, month-first if one has its second number above 12, and
    otherwise, where a date would read differently each way (``03/04/2022``), the rows are
    errors until ``dayfirst`` says the order. Two-digit years are refused.

    A table may give its figures as a ``phrase`` column ("about 5,000", "at least 7,000")
    instead of ``low``, ``value`` and ``high``: the phrases are read with
    :func:`reconcile.parse_many` (in the words of ``lexicon``), each row's ``unit`` applying
    where its phrase names none, and the phrase kept as the claim's ``quote``. A table may
    have both, row by row: a row with a phrase and blank numbers is read from its phrase, a
    row with numbers and a blank phrase from its numbers. A row with both must agree with
    itself: each number it gives must be the phrase's reading (up to a 10**-9 share; an
    open end exactly), and the numbers it leaves blank are taken from the phrase. A row
    whose numbers and phrase disagree is listed with the other bad rows. The table comes
    back in numbers, without its ``phrase`` column (the phrase is the ``quote`` of a row that
    gives none), so reading it again, as :func:`reconcile.reconcile` does, needs no lexicon.
    A row with a ``value`` and no ``low`` or ``high`` gets the range its value allows as
    printed, with its ``hedge`` (:func:`reconcile.phrases.value_ranges`: 547000 is
    546,500–547,500, 9606 exact; ``hedge="exactly"`` keeps 547000 exact).

    Args:
        claims: a path or a DataFrame.
        format: one of ``csv``, ``json``, ``xlsx``, ``parquet``, ``hxl``; by default from
            the extension. For a DataFrame, ``hxl`` reads column labels as hashtags.
        sheet: the sheet of an Excel workbook; needed when it has several.
        encoding: the text encoding of a CSV file; a UTF-8 byte-order mark is skipped.
        dayfirst: ``True`` if dates are written ``17/10/2016``, ``False`` if ``10/17/2016``;
            by default the order is settled by each column's own dates. A date that can only
            be read the other way is an error.
        lexicon: the words a ``phrase`` column is read in (see :class:`reconcile.Lexicon`);
            :meth:`reconcile.Lexicon.default` when None.
        source: the source of the whole file (HDX gives it in a dataset's metadata),
            written into every row that leaves it blank (the whole column where the file has
            none); so are ``via``, ``as_of`` and ``reported_on``. Each fill is said in a note.
        via: who passed the whole file on.
        as_of: the date or period of every figure in the file (text or a ``datetime.date``).
        reported_on: the day the whole file was published.
        decimal: the decimal mark of the file's numbers, ``"."`` or ``","`` (``1.234,5``).
        errors: ``"raise"`` (the default) raises one error listing every bad row;
            ``"flag"`` returns every row with a ``warning`` and an ``error`` column instead.
        lazy: read a folder as a Dask DataFrame, a file at a time when computed.

    Returns:
        A new, validated claims DataFrame (a Dask DataFrame for a folder read ``lazy``).

    Raises:
        ClaimsError: the file cannot be read (not found, not a table, binary, wrong
            encoding, a row with more cells than the header, several sheets and none named,
            an unknown HXL hashtag), or rows break the contract (phrases that cannot be read,
            or that disagree with the numbers of their row, are listed in the same error as
            the other bad rows, and so are dates that cannot be read, or whose day-month
            order is not settled or goes against ``dayfirst``).
        ArgumentError: the arguments do not fit together, ``dayfirst`` is not a bool, or
            ``lexicon`` is not a :class:`reconcile.Lexicon`.

    Examples:
        >>> import pandas as pd
        >>> table = pd.DataFrame({"claim_id": ["us", "backers"], "counts": "militants",
        ...     "place": "Mosul", "as_of": "2016-10-17", "low": [4500, 7000], "value": [5000, 7000],
        ...     "high": [5500, float("inf")], "unit": "people",
        ...     "source": ["U.S. officials", "Islamic State backers"]})
        >>> read_claims(table)[["claim_id", "high", "unit"]]
          claim_id    high    unit
        0       us  5500.0  person
        1  backers     inf  person
        >>> phrased = table.drop(columns=["low", "value", "high"])
        >>> phrased["phrase"] = ["about 5,000", "at least 7,000"]
        >>> read_claims(phrased)[["claim_id", "low", "high", "hedge", "quote"]]
          claim_id     low    high     hedge           quote
        0       us  4500.0  5500.0     about     about 5,000
        1  backers  7000.0     inf  at least  at least 7,000
        >>> dated = table.assign(as_of=["03/04/2022", "17/10/2016"])
        >>> read_claims(dated)["as_of"].tolist()
        ['2022-04-03', '2016-10-17']
        >>> undecided = table.assign(as_of="03/04/2022")
        >>> read_claims(undecided, dayfirst=False)["as_of"].tolist()
        ['2022-03-04', '2022-03-04']
        >>> read_claims(undecided)
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: 2 problems in the claims table: pass dayfirst=True for dates ...
          row 0: as_of='03/04/2022' reads as 2022-04-03 day-first or 2022-03-04 month-first, ...
          row 1: as_of='03/04/2022' reads as 2022-04-03 day-first or 2022-03-04 month-first, ...

        Words of your own, such as a noun that says what is counted, come in a lexicon;
        a row may give a phrase, numbers, or both if they agree:

        >>> from reconcile import Lexicon
        >>> displaced = pd.DataFrame({"claim_id": ["iom", "ocha", "unhcr"], "counts": [None, "idps", None],
        ...     "place": "Mosul", "as_of": "2016-11", "unit": "person", "source": ["IOM", "OCHA", "UNHCR"],
        ...     "phrase": ["7,619 IDPs", None, "about 9,000 IDPs"], "low": [None, 7000, 8500],
        ...     "value": [None, 7500, None], "high": [None, 8000, None]})
        >>> lexicon = Lexicon.default().with_noun("IDPs", unit="person", counts="idps")
        >>> read_claims(displaced, lexicon=lexicon)[["claim_id", "counts", "low", "value", "high"]]
          claim_id counts     low   value    high
        0      iom   idps  7619.0  7619.0  7619.0
        1     ocha   idps  7000.0  7500.0  8000.0
        2    unhcr   idps  8500.0  9000.0  9500.0
        >>> read_claims(displaced.assign(low=[None, 7000, 8000]), lexicon=lexicon)
        Traceback (most recent call last):
        ...
        reconcile.errors.ClaimsError: 1 problem in the claims table: ... or fix the phrase; ...
          row 2: the phrase 'about 9,000 IDPs' reads 8500–9500 (value 9000), but the row gives low=8000

    """
    facts = {"source": source, "via": via, "as_of": as_of, "reported_on": reported_on}
    if lazy or (isinstance(claims, (str, os.PathLike)) and Path(claims).is_dir()):
        path_like = isinstance(claims, (str, os.PathLike))
        if not path_like or Path(claims).is_file():  # type: ignore[arg-type]
            raise ArgumentError(
                "lazy= reads a folder of Parquet files, not a file or a DataFrame",
                hint="pass the path of a folder of .parquet files, or read the file without lazy=",
                reason=Reason.BAD_ARGUMENT,
            )
        if format not in (None, "parquet") or sheet is not None:
            raise ArgumentError(
                f"a folder is read as its Parquet files: format={format!r} and sheet= apply to one file",
                hint="leave out format= and sheet=, or pass the path of one file",
                reason=Reason.BAD_ARGUMENT,
            )
        read: Callable[[Path], pd.DataFrame] = functools.partial(
            read_claims,
            encoding=encoding,
            dayfirst=dayfirst,
            lexicon=lexicon,
            source=source,
            via=via,
            as_of=as_of,
            reported_on=reported_on,
            decimal=decimal,
            errors=errors,
            lazy=False,
        )
        files = parquet_files(claims)  # type: ignore[arg-type]
        return read_folder(files, read) if lazy else read_together(Path(claims), files, read)  # type: ignore[arg-type]
    defaults = lexicon is None and errors == "raise" and decimal == "." and dayfirst is None
    defaults = defaults and all(fact is None for fact in facts.values())
    if isinstance(claims, pd.DataFrame) and defaults and is_checked(claims):
        same = claims.copy(deep=False)  # checked already, and unchanged since: not checked again
        same.attrs = {"notes": ()}  # (reading a table read already changes nothing: nothing to note)
        remember(same)
        return same
    if lexicon is not None and not isinstance(lexicon, Lexicon):
        raise ArgumentError(
            f"lexicon must be a reconcile.Lexicon (got {type(lexicon).__name__})",
            hint="pass Lexicon.default() or a lexicon built from it, e.g. with .with_noun(...)",
            reason=Reason.BAD_ARGUMENT,
        )
    if errors not in ("raise", "flag"):
        raise ArgumentError(
            f"errors must be 'raise' or 'flag' (got {errors!r})",
            hint="pass errors='flag' to get every row back with 'warning' and 'error' columns",
            reason=Reason.BAD_ARGUMENT,
        )
    if decimal not in (".", ","):
        raise ArgumentError(
            f"decimal must be '.' or ',' (got {decimal!r})",
            hint="pass decimal=',' for numbers printed 1.234,5",
            reason=Reason.BAD_ARGUMENT,
        )
    loaded, origin = _load(claims, format, sheet, encoding, as_text=_FIGURES if decimal == "," else ())
    labels = loaded.labels or {}
    first = loaded.first_line if origin is not None and loaded.rows is None else None
    frame, cleaned, unreadable_text = clean_text(
        loaded.frame.reset_index(drop=True) if loaded.hxl else loaded.frame, labels, first
    )
    frame = _blank_to_missing(frame)
    frame, notes = fill_facts(frame, facts, labels)
    notes = [*cleaned, *notes]
    if loaded.hxl and "as_of" not in frame and "reported_on" in frame:
        # A figure reported on a day, with no other date, is the figure as of that day.
        frame = frame.assign(as_of=frame["reported_on"])
        said = labels.get("reported_on", "reported_on")
        notes.append(
            Note(
                Reason.FILLED_FACT,
                f"as_of is the report date ({said}): the file gives no other date",
                column=said,
            )
        )
    frame, blank = _missing_columns(frame, origin, loaded.hxl)
    notes += blank
    frame, found, moved = read_numbers(frame, decimal, labels)
    skipped = without_figure(frame)
    lines = (np.arange(len(frame)) if loaded.rows is None else loaded.rows) + loaded.first_line
    if skipped.any():  # a DataFrame's rows by their index, a file's by their lines
        at = lines[skipped] if origin is not None else np.asarray(frame.index[skipped])
        notes.append(skipped_note(at, "line" if origin is not None else "row"))
    rows = frame[~skipped] if skipped.any() else frame  # (a mask that keeps every row would copy them all)
    steps: list[pd.DataFrame | None] = [unreadable_text, found]
    if "phrase" in rows:
        rows, said = from_phrases(rows, lexicon)
        steps.append(_in_value_cells(said, moved, frame, labels))
    rows = from_values(rows, lexicon)
    # A file whose every row was skipped still reads as a claims table, with no rows.
    if rows.empty:
        rows = rows.assign(**{end: np.nan for end in ("low", "value", "high") if end not in rows})
    rows, unread_dates = _read_dates(rows, dayfirst, labels)
    steps.append(unread_dates)
    failures = [step for step in steps if step is not None and len(step)]
    found_all = pd.concat(failures, ignore_index=True) if failures else None
    if errors == "flag":
        checked = flagged(frame, rows, skipped, found_all, loaded, origin)
    else:
        checked = normalise(validate(Claims, rows, origin, loaded.first_line, found=found_all, where=loaded))
    # HXL rows were numbered for the errors; the claims themselves are numbered afresh.
    checked = checked.reset_index(drop=True) if loaded.hxl else checked
    checked.attrs["notes"] = (*loaded.notes, *notes)
    if errors == "raise":
        remember(checked)
    return checked


def write_claims(
    claims: pd.DataFrame | Iterable[Figure],
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    sheet: str = "claims",
    force: bool = False,
) -> None:
    """Write a claims table (or figures, as :func:`to_claims` makes them) to a file.

    The table is checked first, so only valid claims are written, and the file appears
    whole or not at all (written beside the target, then moved into place). Reading it back
    with :func:`read_claims` gives the same table. In CSV, Excel and HXL files a text cell
    that begins with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a ``'``
    in front, so a spreadsheet shows it rather than running it; :func:`read_claims` takes
    the quote off. JSON writes an open end as the string ``"inf"`` (JSON has no infinity).

    Args:
        claims: a claims DataFrame, or figures.
        path: the file to write.
        format: one of ``csv``, ``json``, ``xlsx``, ``parquet``, ``hxl``; by default from the
            extension. ``hxl`` writes a ``.xlsx`` path as a workbook, anything else as CSV.
        sheet: the sheet's name in an Excel workbook.
        force: replace a read-only file or a symbolic link (the link itself, never its
            target) that stands at ``path``; without it, they are refused. A file replaced
            keeps its permission bits.

    Raises:
        ClaimsError: the table breaks the contract (nothing is written).
        ArgumentError: the format is unknown, or the file cannot be written (a folder, a
            device, or without ``force`` a read-only file or a link stands there).

    Examples:
        >>> import tempfile
        >>> from pathlib import Path
        >>> path = Path(tempfile.mkdtemp()) / "killed.csv"
        >>> killed = Figure.between(10, 15, counts="affected/killed", source="OCHA", place="Mosul")
        >>> write_claims([killed], path, format="hxl")
        >>> print(path.read_text())
        claim_id,counts,place,as_of,affected/killed,affected/killed (low),affected/killed (high),unit,...
        #meta+id,#indicator+name,#loc,#date,#affected+killed,#affected+killed+min,#affected+killed+max,...
        c1,,Mosul,,12.5,10.0,15.0,person,OCHA,,,,,
        >>> read_claims(path).equals(to_claims([killed]))
        True

    """
    table = read_claims(claims) if isinstance(claims, pd.DataFrame) else to_claims(claims)
    write_table(table, Path(path), format, sheet=sheet, force=force)


def to_claims(figures: Iterable[Figure], *, ids: Sequence[str] | None = None) -> pd.DataFrame:
    """Turn figures into a claims table, one row per figure, in order.

    The source's fields go to ``source`` (its name), ``via``, ``reported_on``, ``url`` and
    ``quote``. A table keeps no lineage: a derived figure becomes a row like any other.

    Args:
        figures: the figures.
        ids: the claim ids; by default ``c1``, ``c2``, ...

    Examples:
        >>> us = Figure.about(5000, counts="militants", place="Mosul", as_of="2016-10-17",
        ...                   source=Source(name="U.S. officials", via="CNN"))
        >>> to_claims([us])[["claim_id", "counts", "low", "value", "high", "source", "via"]]
          claim_id     counts     low   value    high          source  via
        0       c1  militants  4500.0  5000.0  5500.0  U.S. officials  CNN
        >>> from_claims(to_claims([us])) == [us]
        True

    """
    figures = list(figures)
    for index, figure in enumerate(figures):
        if not isinstance(figure, Figure):
            raise ArgumentError(
                f"item {index} is not a Figure (got {figure!r})",
                hint="build figures with rc.parse or the Figure constructors first",
                reason=Reason.NOT_A_FIGURE,
            )
    if ids is None:
        ids = [f"c{number}" for number in range(1, len(figures) + 1)]
    if len(ids) != len(figures):
        raise ArgumentError(
            f"got {len(ids)} ids for {len(figures)} figures",
            hint="pass one id per figure, or leave ids out",
            reason=Reason.SHAPE_MISMATCH,
        )
    rows = {
        "claim_id": list(ids),
        "counts": [f.counts for f in figures],
        "place": [f.place for f in figures],
        "as_of": [None if f.as_of is None else str(f.as_of) for f in figures],
        "low": [f.low for f in figures],
        "value": [f.value for f in figures],
        "high": [f.high for f in figures],
        "unit": [f.unit for f in figures],
    }
    for column, field in (("source", "name"), ("via", "via"), ("url", "url"), ("quote", "quote")):
        rows[column] = [None if f.source is None else getattr(f.source, field) for f in figures]
    rows["reported_on"] = [
        None if f.source is None or f.source.date is None else f.source.date.isoformat() for f in figures
    ]
    rows["hedge"] = [f.hedge for f in figures]
    frame = pd.DataFrame(rows, columns=list(CLAIM_COLUMNS))
    return validate(Claims, frame.astype(dict.fromkeys(_TEXT_COLUMNS, "str")))


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def from_claims(claims: pd.DataFrame) -> list[Figure]:
    """Turn a claims table into figures, one per row, in order (the table is checked first).

    Examples:
        >>> table = to_claims([Figure.at_least(7000, counts="militants", source="backers")])
        >>> print(from_claims(table)[0])
        at least 7,000 militants (7,000–∞), backers

    """
    frame = read_claims(claims)
    columns = {
        column: frame[column].tolist() if column in frame else [None] * len(frame) for column in _TEXT_COLUMNS
    }
    low, value, high = (frame[column].to_numpy(dtype=float).tolist() for column in ("low", "value", "high"))
    figures = []
    for row in range(len(frame)):
        text = {column: _text(columns[column][row]) for column in _TEXT_COLUMNS}
        reported = text["reported_on"]
        source = Source(
            name=text["source"],
            via=text["via"],
            date=None if reported is None else dt.date.fromisoformat(reported),
            url=text["url"],
            quote=text["quote"],
        )
        figures.append(
            Figure(
                value=value[row],
                low=low[row],
                high=high[row],
                unit=text["unit"] or "person",
                counts=text["counts"],
                place=text["place"],
                as_of=period(text["as_of"]),
                source=source,
                hedge=text["hedge"],
            )
        )
    return figures
