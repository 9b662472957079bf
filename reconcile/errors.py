"""The one exception hierarchy of ``reconcile``.

Every error the library raises on purpose is a :class:`ReconcileError`. Each subclass
also inherits the built-in exception it refines, so ``except ValueError`` keeps working
for callers that do not know this library. Each error carries the facts that caused it
as attributes, survives pickling (so it crosses process pools intact), and its message
ends with a hint on what to do.

Examples:
    >>> import pickle
    >>> from reconcile.errors import RangeError, ReconcileError
    >>> err = RangeError("need low <= high (got low=5,000, high=4,000)",
    ...                  hint="swap the ends", low=5000.0, high=4000.0)
    >>> str(err)
    'need low <= high (got low=5,000, high=4,000): swap the ends'
    >>> isinstance(err, ValueError) and isinstance(err, ReconcileError)
    True
    >>> pickle.loads(pickle.dumps(err)).low
    5000.0

"""

from __future__ import annotations

import functools
from typing import Any

__all__ = [
    "ArgumentError",
    "ClaimsError",
    "ConflictError",
    "CountsMismatchError",
    "DivisionByRangeError",
    "MissingDependencyError",
    "ParseError",
    "RangeError",
    "ReconcileError",
    "RelationError",
    "ScopeMismatchError",
    "UnitError",
]


class ReconcileError(Exception):
    """Root of every error raised by ``reconcile``.

    Args:
        problem: what was wrong, naming the value (``"... (got low=5,000, high=4,000)"``).
        hint: what the caller can do about it; appended to the message.
        details: further lines (one per bad row, say), shown after the hint.
        **facts: the values behind the error, kept as attributes of the same names.

    Examples:
        >>> err = ReconcileError("no figures to add", hint="pass at least one figure")
        >>> err.hint
        'pass at least one figure'

    """

    def __init__(self, problem: str, *, hint: str, details: str | None = None, **facts: Any) -> None:
        message = f"{problem}: {hint}"
        super().__init__(f"{message}\n{details}" if details else message)
        self.problem = problem
        self.hint = hint
        self.details = details
        self._facts = facts
        for name, fact in facts.items():
            setattr(self, name, fact)

    def __reduce__(self) -> tuple[Any, tuple[()]]:
        rebuild = functools.partial(
            type(self), self.problem, hint=self.hint, details=self.details, **self._facts
        )
        return (rebuild, ())


class ArgumentError(ReconcileError, ValueError):
    """An argument is outside what the function accepts (an empty list, bad bounds).

    Where it says so, ``argument`` names the argument; for ``weights=`` naming sources no
    claim has, ``names`` lists them and ``nearest`` maps each to the closest sources.
    """

    argument: str
    names: list[str]
    nearest: dict[str, list[str]]


class RangeError(ReconcileError, ValueError):
    """A range breaks ``low <= value <= high``, holds NaN, or is negative for a count."""

    low: float
    value: float
    high: float


class UnitError(ReconcileError, ValueError):
    """A unit is unknown, or two units cannot be converted into each other."""

    unit: str


class CountsMismatchError(ReconcileError, ValueError):
    """Figures that count different things were combined without saying what the result counts."""

    counts: tuple[str | None, ...]


class ScopeMismatchError(ReconcileError, ValueError):
    """Figures about different places or dates were combined without saying so."""

    field: str
    values: tuple[str, ...]


class DivisionByRangeError(ReconcileError, ZeroDivisionError):
    """Division by a figure whose range contains zero."""


class MissingDependencyError(ReconcileError, ImportError):
    """An optional package a feature needs is not installed; ``package`` names it, the hint the extra."""

    package: str


class ParseError(ReconcileError, ValueError):
    """Text that could not be read; ``text`` and ``position`` say where."""

    text: str
    position: int
    failures: Any  # a DataFrame of every bad row, when a column of phrases was read


class RelationError(ReconcileError, ValueError):
    """A relation between quantities that cannot be read or used; ``text`` and ``position`` say where.

    Raised for a malformed relation, a quantity no claim gives and no relation defines, and
    sides in units that cannot be compared.
    """

    text: str
    position: int


class ClaimsError(ReconcileError, ValueError):
    """A claims table broke its contract; ``failures`` is a table of every failing case.

    ``origin`` names the file. Claims that leave a key column blank also give ``rows`` (the
    table's index of each) and ``columns`` (the blank key columns).
    """

    failures: Any
    origin: str | None
    rows: list[Any]
    columns: tuple[str, ...]


class ConflictError(ReconcileError, ValueError):
    """Raised on request by ``Reconciliation.raise_if_conflicts``; ``conflicts`` is the table."""

    conflicts: Any
