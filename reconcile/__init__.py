"""reconcile: reported humanitarian figures as typed quantities with honest ranges.

Read hedged phrases into figures with their source and range, add them with sound
interval arithmetic, compare them to find contradictions, and reconcile whole tables of claims.

Examples:
    >>> import reconcile as rc
    >>> us = rc.Figure.about(5000, counts="militants", source="U.S. officials")
    >>> backers = rc.Figure.at_least(7000, counts="militants", source="the group's backers")
    >>> rc.compare(us, backers).gap
    1500.0

"""

import importlib
from typing import Any

from reconcile import errors, formats, phrases, schemas, units
from reconcile.claims import from_claims, read_claims, to_claims, write_claims
from reconcile.comparison import Comparison, agrees, compare
from reconcile.errors import (
    ArgumentError,
    ClaimsError,
    ConflictError,
    CountsMismatchError,
    DivisionByRangeError,
    InternalError,
    MissingDependencyError,
    Note,
    ParseError,
    RangeError,
    Reason,
    ReconcileError,
    RelationError,
    ScopeMismatchError,
    UnitError,
)
from reconcile.extract import extract
from reconcile.figure import AsOf, Figure, FigureKeywords, Scope, Source, difference, total
from reconcile.phrases import Lexicon, parse, parse_many
from reconcile.pipeline import DEFAULT_KEY, POLICIES, DaskReconciliation, Policy, Reconciliation, reconcile
from reconcile.relations import Adjustment, Relation, adjust

__version__ = "0.1.0"

# Submodules that need a package `import reconcile` should not pay for: hypothesis for the
# strategies. They load on first use, as `rc.strategies` or `import reconcile.strategies`.
_ON_FIRST_USE = ("strategies",)


def __getattr__(name: str) -> Any:
    """Load :mod:`reconcile.strategies` (and its hypothesis import) on first use."""
    if name in _ON_FIRST_USE:
        return importlib.import_module(f"reconcile.{name}")
    raise AttributeError(f"module 'reconcile' has no attribute {name!r}")


__all__ = [
    "DEFAULT_KEY",
    "POLICIES",
    "Adjustment",
    "ArgumentError",
    "AsOf",
    "ClaimsError",
    "Comparison",
    "ConflictError",
    "CountsMismatchError",
    "DaskReconciliation",
    "DivisionByRangeError",
    "Figure",
    "FigureKeywords",
    "InternalError",
    "Lexicon",
    "MissingDependencyError",
    "Note",
    "ParseError",
    "Policy",
    "RangeError",
    "Reason",
    "ReconcileError",
    "Reconciliation",
    "Relation",
    "RelationError",
    "Scope",
    "ScopeMismatchError",
    "Source",
    "UnitError",
    "adjust",
    "agrees",
    "compare",
    "difference",
    "errors",
    "extract",
    "formats",
    "from_claims",
    "parse",
    "parse_many",
    "phrases",
    "read_claims",
    "reconcile",
    "schemas",
    "strategies",
    "to_claims",
    "total",
    "units",
    "write_claims",
]
