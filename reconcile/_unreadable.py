"""Why a file cannot be read as a table, as errors that name the file, the line and what to do.

:mod:`reconcile.formats` raises these: a file that is not text (an image, a zip archive),
text in another encoding than the one given, rows with more cells than the header names.
The file is only looked at again on the way to an error.

Examples:
    >>> binary_kind(b"%PDF-1.7"), binary_kind(b"claim_id,counts")
    ('a PDF document', None)
    >>> binary_kind("claim_id".encode("utf-32")), unicode_encoding("claim_id".encode("utf-32"))
    (None, 'utf-32')
    >>> unicode_encoding("claim_id,source,Sécurité".encode("utf-32-be"))
    'utf-32-be'

"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path
from typing import Any

from reconcile.errors import ClaimsError, Reason

__all__ = ["bad_encoding", "binary_kind", "extra_cells", "unicode_encoding", "unreadable"]


def unreadable(path: Path, problem: str, hint: str, reason: Reason, **facts: Any) -> ClaimsError:
    """The error for a file that cannot be read: ``problem``, ``hint`` and ``reason``, naming the file.

    ``facts`` are further fields of the :class:`~reconcile.errors.ClaimsError` (``sheets=``).
    """
    return ClaimsError(problem, hint=hint, reason=reason, failures=None, origin=str(path), **facts)


def extra_cells(path: Path, encoding: str, exc: Exception) -> ClaimsError:
    """The error for a CSV file whose rows hold more cells than its header names, by line."""
    # Only on the way to an error: find the rows the fast reader refused or would have cut.
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.reader(handle)
        width = len(next(reader, []))
        lines = [(reader.line_num, len(row)) for row in reader if len(row) > width]
    if not lines:  # the csv module reads the rows differently: say what pandas said
        return unreadable(
            path,
            f"cannot read {str(path)!r} as a table: {exc}",
            "save the file as UTF-8 with one claim per row and a header row",
            Reason.NOT_A_TABLE,
        )
    shown = [f"line {line}: {cells} cells" for line, cells in lines[:100]]
    if len(lines) > len(shown):
        shown.append(f"... and {len(lines) - len(shown)} more")
    many = len(lines) != 1
    return ClaimsError(
        f"{len(lines)} row{'s' if many else ''} of {str(path)!r} hold{'' if many else 's'} more cells "
        f"than the {width} columns its header names",
        hint="remove the extra cells, put quotes around a cell that holds a comma, "
        "or name every column in the header row",
        details="  " + "\n  ".join(shown),
        reason=Reason.EXTRA_CELLS,
        failures=None,
        origin=str(path),
        lines=[line for line, _ in lines],
    )


#: The first bytes of files that are not text tables, and what they are.
_SIGNATURES = {
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a zip archive (an .xlsx workbook is one)",
    b"\xd0\xcf\x11\xe0": "an old Office file (.xls or .doc)",
    b"PAR1": "a Parquet file",
    b"\x1f\x8b": "a gzip archive",
}
# The byte-order marks of Unicode text that is not UTF-8, and the encoding each starts.
# UTF-32 first: its little-endian mark begins with UTF-16's (FF FE 00 00).
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# What a text file that is not UTF-8 is most likely written in, in the hint of its error.
_LIKELY_ENCODINGS = ("cp1252", "latin-1")
# Tabs and line ends, which text holds but str.isprintable() does not count.
_LINE_SPACE = str.maketrans("\t\r\n", "   ")


def binary_kind(head: bytes) -> str | None:
    """What a file that starts with ``head`` is, when it is plainly not text; else None."""
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            return kind
    if b"\x00" in head and unicode_encoding(head) is None:
        return "a binary file"
    return None


def unicode_encoding(head: bytes) -> str | None:
    """The encoding that reads text starting with ``head``, when it is plainly UTF-16 or UTF-32; else None.

    A byte-order mark says so (``utf-32``, ``utf-16``); without one, UTF-32 is told by its
    zero bytes (``utf-32-le``, ``utf-32-be``): every four bytes are one character, and all
    of them printable text. UTF-16 without a mark is not told from other bytes.
    """
    for mark, encoding in _BYTE_ORDER_MARKS:
        if head.startswith(mark):
            return encoding
    whole = head[: len(head) - len(head) % 4]  # the head may end inside a character
    if b"\x00" not in whole:
        return None
    for encoding in ("utf-32-le", "utf-32-be"):
        try:
            text = whole.decode(encoding)
        except UnicodeDecodeError:
            continue
        if text.translate(_LINE_SPACE).isprintable():
            return encoding
    return None


def bad_encoding(path: Path, encoding: str) -> ClaimsError:
    data = path.read_bytes()
    kind = binary_kind(data[:1024])
    if kind is not None:
        return unreadable(
            path,
            f"{str(path)!r} looks like {kind}, not a text table",
            "pass the claims file itself: CSV text, or a .xlsx, .json or .parquet file named for what it is",
            Reason.NOT_A_TABLE,
        )
    unicode = unicode_encoding(data[:1024])
    if unicode is not None and _codec(unicode) != _codec(encoding):
        return ClaimsError(
            f"{str(path)!r} is {unicode.upper()} text, not {encoding}",
            hint=f"save the file as UTF-8, or pass encoding={unicode!r}",
            reason=Reason.ENCODING,
            failures=None,
            origin=str(path),
            line=1,
            encoding=encoding,
            encodings=(unicode,),
        )
    try:
        data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        byte = data[exc.start : exc.start + 1]
        named = "UTF-8" if encoding.lower().replace("_", "-") in ("utf-8-sig", "utf-8", "utf8") else encoding
        return ClaimsError(
            f"{str(path)!r} is not {named} text: line {line} holds the byte {byte!r}",
            hint="save the file as UTF-8, or pass its encoding, e.g. encoding={!r} or {!r}".format(
                *_LIKELY_ENCODINGS
            ),
            reason=Reason.ENCODING,
            failures=None,
            origin=str(path),
            line=line,
            encoding=encoding,
            encodings=_LIKELY_ENCODINGS,
        )
    return unreadable(
        path,
        f"cannot read {str(path)!r} as {encoding} text",
        "save the file as UTF-8",
        Reason.ENCODING,
        encoding=encoding,
        encodings=(),
    )


def _codec(encoding: str) -> str:
    """The codec's own name for ``encoding`` (``UTF_16`` and ``utf16`` are ``utf-16``)."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding.lower()
