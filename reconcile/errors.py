"""The one exception hierarchy of ``reconcile``, and the reason codes its errors carry.

Every error the library raises on purpose is a :class:`ReconcileError`. Each subclass
also inherits the built-in exception it refines, so ``except ValueError`` keeps working
for callers that do not know this library. Each error carries a :class:`Reason` (what
went wrong, as a code a program can switch on) and the facts that caused it as declared
fields, survives pickling (so it crosses process pools intact), and its message ends with
a hint on what to do. A program that words errors its own way (the ``reconcile`` command
names its options) reads the reason and the fields, never the message.

Examples:
    >>> import pickle
    >>> from reconcile.errors import RangeError, Reason, ReconcileError
    >>> err = RangeError("need low <= high (got low=5,000, high=4,000)",
    ...                  hint="swap the ends", low=5000.0, high=4000.0)
    >>> str(err)
    'need low <= high (got low=5,000, high=4,000): swap the ends'
    >>> isinstance(err, ValueError) and isinstance(err, ReconcileError)
    True
    >>> err.reason is Reason.RANGE_ORDER
    True
    >>> pickle.loads(pickle.dumps(err)).low
    5000.0

"""

from __future__ import annotations

import dataclasses
import enum
import functools
import inspect
from typing import Any, ClassVar

__all__ = [
    "ArgumentError",
    "ClaimsError",
    "ConflictError",
    "CountsMismatchError",
    "DivisionByRangeError",
    "InternalError",
    "MissingDependencyError",
    "Note",
    "ParseError",
    "RangeError",
    "Reason",
    "ReconcileError",
    "RelationError",
    "ScopeMismatchError",
    "UnitError",
]


class Reason(enum.StrEnum):
    """Why an error was raised: one code per distinct cause, the same whatever the message says.

    Each member is text (``Reason.SHEET == "sheet"``), so a reason survives JSON and a table
    column as it is. The reasons of figure phrases are the codes
    :func:`reconcile.parse_many` writes in its ``reason`` column (``"unread"``,
    ``"reversed"`` ...), and a claims table's rows that cannot be read carry theirs in the
    ``reason`` column of :attr:`ClaimsError.failures <ClaimsError>`.

    Examples:
        >>> import reconcile as rc
        >>> try:
        ...     rc.parse("about 5,000 xyz in Mosul")
        ... except rc.ParseError as error:
        ...     print(error.reason.name, repr(error.reason.value))
        UNKNOWN_NOUN 'unread'
        >>> Reason("reversed") is Reason.REVERSED_RANGE
        True

    """

    # -- files ------------------------------------------------------------------------------
    #: A file cannot be opened (missing, a folder, no permission).
    CANNOT_OPEN = "cannot_open"
    #: A file's format cannot be told from its extension.
    FORMAT = "format"
    #: ``format=`` names no format this library reads or writes.
    UNKNOWN_FORMAT = "unknown_format"
    #: A file is not a table: an image, an archive, a broken workbook, text that is no table.
    NOT_A_TABLE = "not_a_table"
    #: A text file is not in the encoding it was read in; ``encodings`` holds likely ones.
    ENCODING = "encoding"
    #: ``encoding=`` names no text encoding.
    UNKNOWN_ENCODING = "unknown_encoding"
    #: A workbook has no sheet of the name given, or several and none was named; ``sheets``.
    SHEET = "sheet"
    #: A sheet was named for a file that has no sheets.
    NO_SHEETS = "no_sheets"
    #: Rows of a CSV file hold more cells than its header names; ``lines`` lists them.
    EXTRA_CELLS = "extra_cells"
    #: A file cannot be written.
    CANNOT_WRITE = "cannot_write"
    #: A write would replace a symbolic link, a read-only file or what is not a regular file.
    WILL_NOT_REPLACE = "will_not_replace"
    #: A folder of tables was asked for at a path named like a file.
    NOT_A_FOLDER = "not_a_folder"
    #: An optional package a feature needs is not installed.
    MISSING_DEPENDENCY = "missing_dependency"
    # -- HXL --------------------------------------------------------------------------------
    #: ``format='hxl'`` was asked for and the file has no row of hashtags.
    NO_HASHTAGS = "no_hashtags"
    #: A cell of the hashtag row is not a well-formed hashtag.
    MALFORMED_HASHTAG = "malformed_hashtag"
    #: No column of an HXL file has a figure hashtag this library reads.
    UNKNOWN_HASHTAG = "unknown_hashtag"
    #: One hashtag stands over two columns (or two columns would be written under one).
    REPEATED_HASHTAG = "repeated_hashtag"
    #: A column cannot be written under a hashtag (its name is not one HXL allows).
    NO_HASHTAG = "no_hashtag"
    #: A figure has range columns but no value column.
    NO_VALUE_COLUMN = "no_value_column"
    #: A column's hashtag is one this library does not read: the column is ignored (a note).
    IGNORED_HASHTAG = "ignored_hashtag"
    #: A file gives no column of a fact (``source``, ``as_of`` ...) and the reader filled it (a note).
    FILLED_FACT = "filled_fact"
    #: Text cells held invisible or control characters, removed on read (a note).
    INVISIBLE_CHARACTERS = "invisible_characters"
    #: A file's header names one column twice.
    REPEATED_COLUMN = "repeated_column"
    #: A workbook cell holds a spreadsheet error (``#DIV/0!``, ``#N/A``) where a value should be.
    ERROR_CELL = "error_cell"
    #: A workbook cell holds a formula whose result was never saved: its value is not in the file.
    UNSAVED_FORMULA = "unsaved_formula"
    #: Merged workbook cells: refused under a figure, or their text given to each row (a note).
    MERGED_CELLS = "merged_cells"
    #: A row gives no figure: it is skipped (a note), or an error where a figure is required.
    NO_FIGURE = "no_figure"
    #: A table without a row of HXL hashtags lacks columns a plain claims table needs.
    NOT_HXL = "not_hxl"
    #: Rows say a unit or a counts path their hashtag contradicts.
    HASHTAG_CONTRADICTION = "hashtag_contradiction"
    # -- claims tables ----------------------------------------------------------------------
    #: Rows of a claims table break its contract; ``failures`` holds every case.
    BAD_ROWS = "bad_rows"
    #: Claims leave a key column blank, so no quantity can be named for them.
    BLANK_KEY = "blank_key"
    #: A row's numbers and its phrase disagree.
    PHRASE_DISAGREES = "phrase_disagrees"
    # -- dates ------------------------------------------------------------------------------
    #: Text is not a date or period.
    BAD_DATE = "bad_date"
    #: A report date is not a day.
    NOT_A_DAY = "not_a_day"
    #: The claims of one quantity give different measures (stock, flow, cumulative) or phases.
    MIXED_MEASURES = "mixed_measures"
    #: A date has no four-digit year.
    SHORT_YEAR = "short_year"
    #: Dates read differently day-first and month-first, and nothing settles which.
    DAY_ORDER = "day_order"
    #: A column has dates that can only be day-first and dates that can only be month-first.
    DAY_ORDER_MIXED = "day_order_mixed"
    #: A date can only be read in the order ``dayfirst=`` refuses.
    DAY_ORDER_AGAINST = "day_order_against"
    # -- figure phrases (the codes of ``parse_many``'s ``reason`` column) -------------------
    #: A phrase, or a value that must be text, is not text.
    NOT_TEXT = "not_text"
    #: A phrase is empty.
    EMPTY_PHRASE = "empty"
    #: A phrase is longer than the longest read.
    LONG_PHRASE = "long"
    #: A word after the number is not in the lexicon (a noun it does not know, often).
    UNKNOWN_NOUN = "unread"
    #: Number words that cannot be combined into one number.
    NUMBER_WORDS = "number_words"
    #: A hedge with no number after it.
    HEDGE_ALONE = "hedge_alone"
    #: Text that does not start a figure phrase.
    NOT_FIGURE = "not_figure"
    #: A number with more digits than a figure is read to.
    TOO_MANY_DIGITS = "digits"
    #: A number too large for a reported figure.
    TOO_LARGE = "large"
    #: A share above 100%.
    OVER_100_PERCENT = "percent"
    #: A word that cannot join the ends of a range.
    RANGE_SEPARATOR = "separator"
    #: A range whose first end is above its second.
    REVERSED_RANGE = "reversed"
    #: A hedge with a direction before a range.
    HEDGE_RANGE = "hedge_range"
    #: A hedge before a quantity word.
    HEDGE_QUANTITY = "hedge_quantity"
    #: A share that names a noun.
    NOUN_SHARE = "noun_share"
    #: A noun whose unit is not the currency's.
    CURRENCY_NOUN = "currency_noun"
    #: A phrase names a unit other than the one passed as ``unit=``.
    PHRASE_UNIT = "unit"
    #: Phrases of a column cannot be read (``parse_many(errors="raise")``).
    UNREADABLE = "unreadable"
    # -- figures and their arithmetic -------------------------------------------------------
    #: A value that must be a number is not one.
    NOT_A_NUMBER = "not_a_number"
    #: A value that must be a figure is not one.
    NOT_A_FIGURE = "not_a_figure"
    #: A value is NaN or infinite where it must be finite.
    NOT_FINITE = "not_finite"
    #: A number or a result is too large for a float.
    OVERFLOW = "overflow"
    #: A range breaks ``low <= value <= high``.
    RANGE_ORDER = "range_order"
    #: A count (of people, say) could be negative.
    NEGATIVE_COUNT = "negative_count"
    #: A range with an open end was given no value.
    NO_MIDPOINT = "no_midpoint"
    #: The shares that widen a figure are not fractions in order.
    BAD_SHARES = "bad_shares"
    #: Nothing to add.
    NO_FIGURES = "no_figures"
    #: A part and its whole were added, counting the part twice.
    DOUBLE_COUNT = "double_count"
    #: Figures that count different things were combined without saying what the result counts.
    COUNTS_MISMATCH = "counts_mismatch"
    #: Figures about different places or dates were combined without saying what the result covers.
    SCOPE_MISMATCH = "scope_mismatch"
    #: Division by a figure whose range holds 0.
    DIVISION_BY_RANGE = "division_by_range"
    #: A counts path is not names separated by ``/``.
    BAD_COUNTS_PATH = "bad_counts_path"
    #: A source is neither a :class:`~reconcile.Source` nor a name.
    BAD_SOURCE = "bad_source"
    # -- units ------------------------------------------------------------------------------
    #: A unit pint does not know.
    UNKNOWN_UNIT = "unknown_unit"
    #: A unit measured from an offset zero (degrees Celsius), which ranges cannot be added in.
    OFFSET_UNIT = "offset_unit"
    #: Units that cannot be converted into each other were combined.
    UNIT_MISMATCH = "unit_mismatch"
    # -- arguments --------------------------------------------------------------------------
    #: An argument of the wrong type or outside what the function accepts; ``argument`` may name it.
    BAD_ARGUMENT = "bad_argument"
    #: Arrays or lists that go together have different lengths or shapes.
    SHAPE_MISMATCH = "shape_mismatch"
    #: A probability outside (0, 1).
    BAD_PROBABILITY = "bad_probability"
    #: A standard deviation below 0.
    NEGATIVE_SIGMA = "negative_sigma"
    #: No values satisfy every relation together.
    INFEASIBLE = "infeasible"
    #: A lexicon, or an entry of one, is malformed.
    BAD_LEXICON = "bad_lexicon"
    # -- reconciling ------------------------------------------------------------------------
    #: ``policy=`` names no policy.
    UNKNOWN_POLICY = "unknown_policy"
    #: The key is not a list of the table's columns.
    BAD_KEY = "bad_key"
    #: A key column holds values that cannot be grouped.
    UNGROUPABLE_KEY = "ungroupable_key"
    #: Relations need ``counts`` in the key, and it has none.
    KEY_WITHOUT_COUNTS = "key_without_counts"
    #: ``weights=`` is not a mapping of sources to numbers above 0.
    BAD_WEIGHTS = "bad_weights"
    #: ``weights=`` names sources no claim has; ``names`` and ``nearest`` say which.
    UNKNOWN_WEIGHT_SOURCE = "unknown_weight_source"
    #: The priority policy was asked for without a ranking of sources.
    PRIORITY_NEEDS_WEIGHTS = "priority_needs_weights"
    #: Claims contradict each other (raised on request only).
    CONFLICTS = "conflicts"
    # -- relations --------------------------------------------------------------------------
    #: Relation text that cannot be read.
    MALFORMED_RELATION = "malformed_relation"
    #: A quantity no claim gives and no relation defines (or, in a plot, no result holds).
    UNKNOWN_QUANTITY = "unknown_quantity"
    #: A quantity named twice in one relation.
    REPEATED_QUANTITY = "repeated_quantity"
    #: A name with ``-`` in it was cut into two names, one of them named twice.
    SPLIT_NAME = "split_name"
    #: A product of two quantities: relations are linear.
    NOT_LINEAR = "not_linear"
    #: An inequality where only equalities are used (``adjust``).
    NOT_AN_EQUALITY = "not_an_equality"
    #: A relation none of whose quantities any group of claims gives.
    RELATION_HOLDS_NOWHERE = "relation_holds_nowhere"
    #: A relation's scope is not a mapping of key columns, or matches no group of claims.
    BAD_SCOPE = "bad_scope"
    #: Relations that contradict each other whatever the claims say.
    CONTRADICTORY_RELATIONS = "contradictory_relations"
    # -- plots ------------------------------------------------------------------------------
    #: A plot was asked for of nothing.
    NOTHING_TO_PLOT = "nothing_to_plot"
    #: More claims than one plot can show.
    TOO_MANY_CLAIMS = "too_many_claims"
    # -- the library itself -----------------------------------------------------------------
    #: A table the library built breaks its contract: a bug in ``reconcile``.
    INTERNAL = "internal"


class ReconcileError(Exception):
    """Root of every error raised by ``reconcile``.

    Each class declares its fields: the facts a raise site may give, as annotations of the
    class (inherited and extended by each subclass), gathered in :attr:`fields`. A keyword
    the class does not declare is a ``TypeError``, a mistake in the code that raises, so
    every fact a program may read is declared where the error is. A declared field the raise
    site does not give is None.

    Args:
        problem: what was wrong, naming the value (``"... (got low=5,000, high=4,000)"``).
        hint: what the caller can do about it; appended to the message.
        details: further lines (one per bad row, say), shown after the hint.
        reason: why, as a code; by default the class's :attr:`default_reason` (the root
            class has none, so an error raised as a bare ``ReconcileError`` must say it).
        **facts: the values behind the error, each a declared field of the class.

    Examples:
        >>> err = ReconcileError("no figures to add", hint="pass at least one figure",
        ...                      reason=Reason.NO_FIGURES)
        >>> err.hint, err.reason
        ('pass at least one figure', <Reason.NO_FIGURES: 'no_figures'>)
        >>> sorted(RelationError.fields)
        ['nearest', 'position', 'quantity', 'text']
        >>> RelationError("a = ?", hint="write a quantity", line=3)
        Traceback (most recent call last):
        ...
        TypeError: RelationError declares no field 'line' (its fields: nearest, position, quantity, text)

    """

    #: The names of the facts the class declares (its annotations and its bases').
    fields: ClassVar[frozenset[str]] = frozenset()
    #: The reason of an error whose raise site names none.
    default_reason: ClassVar[Reason | None] = None

    # Set on every instance; the root's own annotations are not facts a raise site gives.
    problem: str
    hint: str
    details: str | None
    reason: Reason

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = inspect.get_annotations(cls)
        declared = {name for name, kind in own.items() if not str(kind).startswith("ClassVar")}
        inherited: list[frozenset[str]] = [getattr(base, "fields", frozenset()) for base in cls.__bases__]
        cls.fields = frozenset(declared).union(*inherited)

    def __init__(
        self,
        problem: str,
        *,
        hint: str,
        details: str | None = None,
        reason: Reason | None = None,
        **facts: Any,
    ) -> None:
        undeclared = sorted(set(facts) - type(self).fields)
        if undeclared:
            raise TypeError(
                f"{type(self).__name__} declares no field {', '.join(map(repr, undeclared))} "
                f"(its fields: {', '.join(sorted(type(self).fields)) or 'none'})"
            )
        reason = reason if reason is not None else type(self).default_reason
        if reason is None:
            raise TypeError(f"{type(self).__name__} has no default reason: pass reason=")
        message = f"{problem}: {hint}"
        super().__init__(f"{message}\n{details}" if details else message)
        self.problem = problem
        self.hint = hint
        self.details = details
        self.reason = Reason(reason)
        self._facts = facts
        for name in type(self).fields:
            setattr(self, name, facts.get(name))

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        rebuild = functools.partial(
            type(self),
            self.problem,
            hint=self.hint,
            details=self.details,
            reason=self.reason,
            **self._facts,
        )
        return (rebuild, ())


class ArgumentError(ReconcileError, ValueError):
    """An argument is outside what the function accepts (an empty list, bad bounds).

    Where it says so, ``argument`` names the argument and ``row`` the entry of an array
    that is wrong; for ``weights=`` naming sources no claim has, ``names`` lists them,
    ``nearest`` maps each to the closest sources and ``column`` names the column they are
    looked up in.

    Examples:
        >>> ArgumentError("alpha must lie in (0, 1) (got 2)", hint="e.g. 0.05", argument="alpha").reason
        <Reason.BAD_ARGUMENT: 'bad_argument'>

    """

    default_reason = Reason.BAD_ARGUMENT

    argument: str | None
    row: int | None
    names: list[str] | None
    nearest: dict[str, list[str]] | None
    column: str | None


class RangeError(ReconcileError, ValueError):
    """A range breaks ``low <= value <= high``, holds NaN, or is negative for a count.

    ``low``, ``value`` and ``high`` are the range's ends where one figure is wrong; ``row``
    (and ``rows``) the rows of an array argument, with ``sigma`` the standard deviation.

    Examples:
        >>> RangeError("need low <= high", hint="swap them", low=5.0, high=4.0).value is None
        True

    """

    default_reason = Reason.RANGE_ORDER

    low: float | None
    value: float | None
    high: float | None
    row: int | None
    rows: tuple[int, ...] | None
    sigma: float | None


class UnitError(ReconcileError, ValueError):
    """A unit is unknown, or two units cannot be converted into each other; ``unit`` names it.

    Examples:
        >>> UnitError("unknown unit 'persn'", hint="use a pint unit", unit="persn").reason
        <Reason.UNKNOWN_UNIT: 'unknown_unit'>

    """

    default_reason = Reason.UNKNOWN_UNIT

    unit: str


class CountsMismatchError(ReconcileError, ValueError):
    """Figures that count different things were combined without saying what the result counts.

    Examples:
        >>> CountsMismatchError("a and b", hint="pass counts=", counts=("a", "b")).counts
        ('a', 'b')

    """

    default_reason = Reason.COUNTS_MISMATCH

    counts: tuple[str | None, ...]


class ScopeMismatchError(ReconcileError, ValueError):
    """Figures about different places or dates were combined without saying so.

    Examples:
        >>> ScopeMismatchError("two places", hint="pass place=", field="place",
        ...                    values=("Mosul", "Raqqa")).field
        'place'

    """

    default_reason = Reason.SCOPE_MISMATCH

    field: str
    values: tuple[str, ...]


class DivisionByRangeError(ReconcileError, ZeroDivisionError):
    """Division by a figure whose range contains zero; ``low`` and ``high`` are its range.

    Examples:
        >>> DivisionByRangeError("0 in -1–1", hint="divide by a positive figure", low=-1.0, high=1.0).reason
        <Reason.DIVISION_BY_RANGE: 'division_by_range'>

    """

    default_reason = Reason.DIVISION_BY_RANGE

    low: float | None
    high: float | None


class MissingDependencyError(ReconcileError, ImportError):
    """An optional package a feature needs is not installed; ``package`` names it, the hint the extra.

    Examples:
        >>> error = MissingDependencyError("needs libhxl", hint="pip install hxl", package="libhxl")
        >>> error.package
        'libhxl'

    """

    default_reason = Reason.MISSING_DEPENDENCY

    package: str


class ParseError(ReconcileError, ValueError):
    """Text that could not be read; ``text`` and ``position`` say where.

    ``failures`` is a table of every bad row, when a column of phrases was read.

    Examples:
        >>> ParseError("cannot read 'many'", hint="give a number", text="many", position=0).reason
        <Reason.UNREADABLE: 'unreadable'>

    """

    default_reason = Reason.UNREADABLE

    text: str
    position: int
    failures: Any


class RelationError(ReconcileError, ValueError):
    """A relation between quantities that cannot be read or used; ``text`` and ``position`` say where.

    Raised for a malformed relation, a quantity no claim gives and no relation defines
    (``quantity``, with the ``nearest`` known names), and sides in units that cannot be
    compared.

    Examples:
        >>> RelationError("cannot read '?'", hint="write a quantity", text="a = ?", position=4).reason
        <Reason.MALFORMED_RELATION: 'malformed_relation'>

    """

    default_reason = Reason.MALFORMED_RELATION

    text: str
    position: int
    quantity: str | None
    nearest: tuple[str, ...] | None


class ClaimsError(ReconcileError, ValueError):
    """A claims file cannot be read or a claims table broke its contract.

    ``origin`` names the file. Bad rows give ``failures``, a table of every failing case
    (the rows the library itself found, such as phrases or dates that cannot be read, with
    a ``reason`` and a ``hint`` each), and ``first_line``, the file line of the table's row
    0. Claims that leave a key column blank give ``rows`` (the table's index of each),
    ``columns`` (the blank key columns) and ``key``. A file that cannot be read may give
    ``sheets`` (a workbook's sheets), ``encoding`` and ``encodings`` (the one it was read
    in and likely ones), ``line`` or ``lines`` (where), and for HXL ``hashtag`` and
    ``column`` (its position).

    Examples:
        >>> ClaimsError("'book.xlsx' has 2 sheets and none was named", hint="name one",
        ...             reason=Reason.SHEET, failures=None, origin="book.xlsx",
        ...             sheets=["claims", "notes"]).sheets
        ['claims', 'notes']

    """

    default_reason = Reason.BAD_ROWS

    failures: Any
    origin: str | None
    first_line: int | None
    rows: list[Any] | None
    columns: tuple[str, ...] | None
    key: tuple[str, ...] | None
    sheets: list[str] | None
    encoding: str | None
    encodings: tuple[str, ...] | None
    line: int | None
    lines: list[int] | None
    hashtag: str | None
    column: int | None


class ConflictError(ReconcileError, ValueError):
    """Raised on request by ``Reconciliation.raise_if_conflicts``; ``conflicts`` is the table.

    Examples:
        >>> ConflictError("1 conflict among the claims", hint="read the conflicts", conflicts=None).reason
        <Reason.CONFLICTS: 'conflicts'>

    """

    default_reason = Reason.CONFLICTS

    conflicts: Any


class InternalError(ReconcileError, RuntimeError):
    """A table the library built breaks its contract: a bug in ``reconcile``, not bad input.

    ``table`` names the table (``"Conflicts"``, ``"Estimates"`` ...) and ``failures`` holds
    every failing case, to report with the bug.

    Examples:
        >>> error = InternalError("the library built a Totals table that breaks its contract",
        ...                       hint="this is a bug in reconcile", table="Totals", failures=None)
        >>> error.table, isinstance(error, RuntimeError), error.reason
        ('Totals', True, <Reason.INTERNAL: 'internal'>)

    """

    default_reason = Reason.INTERNAL

    table: str
    failures: Any


@dataclasses.dataclass(frozen=True)
class Note:
    """Something a reader did to a file that is not an error but that the user should know.

    A note names a ``reason`` (:attr:`Reason.IGNORED_HASHTAG`, :attr:`Reason.NO_FIGURE`,
    :attr:`Reason.FILLED_FACT`), says what happened in ``text``, and where: ``column`` as the
    file writes it (a header or a hashtag) and ``lines``, the file lines concerned (the first
    hundred; ``count`` says how many there were). :func:`reconcile.read_claims` leaves its
    notes in ``claims.attrs["notes"]``, a tuple, and the ``reconcile`` command prints them.

    Examples:
        >>> note = Note(Reason.IGNORED_HASHTAG, "column '#org' is not read", column="#org")
        >>> note.reason.value, note.column, note.lines, note.count
        ('ignored_hashtag', '#org', (), 0)
        >>> str(note)
        "column '#org' is not read"

    """

    reason: Reason
    text: str
    column: str | None = None
    lines: tuple[int, ...] = ()
    count: int = 0

    def __str__(self) -> str:
        return self.text
