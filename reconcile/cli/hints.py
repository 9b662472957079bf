"""The library's hints in the command's own options, built from each error's reason and fields.

A library hint such as ``pass sheet= one of ['claims', 'notes']`` tells a Python user what
to write; the command's user has ``--sheet NAME``. :data:`OPTION_HINTS` maps each
:class:`~reconcile.Reason` whose library hint names a Python argument (or that the command
can say better in its own terms) to a function that writes the hint in the command's
options from the error's declared fields; :func:`hint_for` gives the hint to print, the
library's own for every other reason. No hint is read back from its text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd

import reconcile as rc
from reconcile.claims import ROWS_HINT
from reconcile.errors import Reason
from reconcile.formats import HASHTAG_ROWS_SEARCHED

__all__ = ["OPTION_HINTS", "HintWriter", "hint_for"]

#: A function that writes an error's hint in the command's options.
HintWriter = Callable[[rc.ReconcileError], str]
# The key reconcile names quantities by, as --key takes it.
_DEFAULT_KEY = ",".join(rc.DEFAULT_KEY)
# The columns a file may lack when an option gives them for the whole file.
_FACT_OPTIONS = {
    "source": "--source NAME",
    "via": "--via NAME",
    "as_of": "--as-of DATE",
    "reported_on": "--reported-on DATE",
}


def _fact(error: rc.ReconcileError, name: str) -> object:
    """A declared field of ``error``; None where its class does not declare it or the raise left it out."""
    return getattr(error, name) if name in type(error).fields else None


def _names(values: object) -> list[str]:
    return [str(value) for value in values] if isinstance(values, (list, tuple)) else []


def _always(hint: str) -> HintWriter:
    """A hint that needs no fact of the error."""
    return lambda error: hint


def _listed(names: Sequence[str]) -> str:
    """``place``, ``place and as_of``, ``counts, place and as_of``."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _encoding(error: rc.ReconcileError) -> str:
    guesses = _names(_fact(error, "encodings"))
    if len(guesses) == 1:
        return f"save the file as UTF-8, or pass --encoding {guesses[0]}"
    if guesses:
        return "save the file as UTF-8, or pass its encoding, e.g. " + " or ".join(
            f"--encoding {guess}" for guess in guesses
        )
    return "save the file as UTF-8, or pass its encoding with --encoding"


def _sheet(error: rc.ReconcileError) -> str:
    return f"pass --sheet NAME, one of {_names(_fact(error, 'sheets'))}"


def _blank_key(error: rc.ReconcileError) -> str:
    blank, key = _names(_fact(error, "columns")), _names(_fact(error, "key"))
    rest = [column for column in key if column not in blank]
    named = _listed(blank)
    many = len(_names(_fact(error, "rows"))) > 1
    hint = f"fill {named} in for {'these claims' if many else 'this claim'}"
    if not rest:
        return hint + ", or name quantities by other columns with --key"
    return (
        f"{hint}, or leave {'it' if len(blank) == 1 else 'them'} out of --key (e.g. --key {','.join(rest)}) "
        f"to pool claims whatever their {named}"
    )


def _weight_source(error: rc.ReconcileError) -> str:
    nearest = _fact(error, "nearest")
    close = [names[0] for names in nearest.values() if names] if isinstance(nearest, Mapping) else []
    example = f", e.g. --weight '{close[0]}=2'" if close else ""
    return f"write each --weight name as the claims spell their sources{example}, or leave that --weight out"


def _phrase_unit(error: rc.ReconcileError) -> str:
    if isinstance(error, rc.ClaimsError):  # a row's unit column set the unit the phrase contradicts
        return "leave the row's unit empty to take the unit from the phrase, or drop the word that sets it"
    return "leave out --unit to take the unit from the phrase, or drop the word that sets it"


def _fact_options(error: rc.ReconcileError) -> str:
    """``--source NAME and --as-of DATE``: the options that give the missing columns for the whole file."""
    options = [_FACT_OPTIONS[name] for name in _names(_fact(error, "columns")) if name in _FACT_OPTIONS]
    return _listed(options) if options else ""


def _not_hxl(error: rc.ReconcileError) -> str:
    options = _fact_options(error)
    if not options:
        return error.hint
    many = len(_names(_fact(error, "columns"))) > 1
    return (
        f"add the missing column{'s' if many else ''}, or pass {options} for the whole file; "
        f"no row of HXL hashtags was found in its first {HASHTAG_ROWS_SEARCHED} rows, so it was read "
        "as a plain table (an HXL file has its hashtag row under the header row)"
    )


def _bad_rows(error: rc.ReconcileError) -> str:
    """The hints of the rows the library found (phrases, dates), each in the command's options.

    A file without a column an option can give (an HXL file without a source) is told the option.
    """
    failures = _fact(error, "failures")
    options = _fact_options(error) if failures is None else ""
    if options:
        return f"pass {options} for the whole file (HDX gives a dataset's source and date in its metadata)"
    said: list[str] = []
    if isinstance(failures, pd.DataFrame) and {"hint", "reason"} <= set(failures.columns):
        found = failures[failures["hint"].notna()].drop_duplicates("hint")
        for reason, hint in zip(found["reason"], found["hint"], strict=True):  # one per distinct hint
            write = OPTION_HINTS.get(Reason(reason)) if isinstance(reason, str) else None
            said.append(str(hint) if write is None else write(error))
    return "".join(f"{hint}; " for hint in dict.fromkeys(said)) + ROWS_HINT


#: For each reason the command words in its own options, the function that writes the hint.
OPTION_HINTS: dict[rc.Reason, HintWriter] = {
    Reason.ENCODING: _encoding,
    Reason.UNKNOWN_ENCODING: _always("pass e.g. --encoding utf-8, cp1252 or latin-1"),
    Reason.SHEET: _sheet,
    Reason.NO_SHEETS: _always("pass --sheet only for .xlsx files"),
    Reason.FORMAT: _always(
        "name the file .csv, .json, .xlsx or .parquet (a .csv or .xlsx file with a row of HXL "
        "hashtags is read as HXL)"
    ),
    Reason.BAD_ROWS: _bad_rows,
    Reason.NOT_HXL: _not_hxl,
    Reason.BLANK_KEY: _blank_key,
    Reason.BAD_KEY: _always(f"name a quantity by columns of the table, e.g. --key {_DEFAULT_KEY}"),
    Reason.KEY_WITHOUT_COUNTS: _always(f"keep counts in --key to use --relations, e.g. --key {_DEFAULT_KEY}"),
    Reason.UNKNOWN_POLICY: _always(f"pass --policy one of {', '.join(map(repr, rc.POLICIES))}"),
    Reason.BAD_WEIGHTS: _always(
        "give each --weight a number above 0, e.g. --weight 'U.S. officials=2'; "
        "leave a source out to weigh it 1"
    ),
    Reason.UNKNOWN_WEIGHT_SOURCE: _weight_source,
    Reason.PRIORITY_NEEDS_WEIGHTS: _always(
        "pass --weight 'NAME=W' for each source or give the table a weight column"
    ),
    Reason.DAY_ORDER: _always(
        "pass --dayfirst for dates written 17/10/2016 or --monthfirst for 10/17/2016, "
        "or write ISO dates such as 2016-10-17"
    ),
    Reason.DAY_ORDER_MIXED: _always(
        "write every date of a column in one order, or pass --dayfirst or --monthfirst and correct "
        "the rows it refuses"
    ),
    Reason.DAY_ORDER_AGAINST: _always(
        "correct the row, or leave out --dayfirst and --monthfirst to settle the order from the column"
    ),
    Reason.PHRASE_UNIT: _phrase_unit,
    Reason.WILL_NOT_REPLACE: _always("name another file, or move this one out of the way first"),
    Reason.SPLIT_NAME: _always(
        "a name with '-' in it is read whole only when a claim gives it or a relation defines it: "
        "check its spelling against the claims' counts column, or put it in backticks"
    ),
}


def hint_for(error: rc.ReconcileError) -> str:
    """The hint to print for ``error``: in the command's options where its reason has an entry.

    Examples:
        >>> sheets = rc.ClaimsError("'book.xlsx' has 2 sheets and none was named",
        ...     hint="pass sheet= one of ['claims', 'notes']", reason=rc.Reason.SHEET,
        ...     failures=None, origin="book.xlsx", sheets=["claims", "notes"])
        >>> hint_for(sheets)
        "pass --sheet NAME, one of ['claims', 'notes']"
        >>> hint_for(rc.ArgumentError("no figures to add", hint="pass at least one figure"))
        'pass at least one figure'

    """
    write = OPTION_HINTS.get(error.reason)
    return error.hint if write is None else write(error)
