"""Relations across quantities: tightened ranges, derived totals, and the claims behind a violation.

Figures come in families: U.S. troops plus coalition troops make the foreign troops; those
who fled are those still displaced plus those who returned; a part is never more than its
whole. A :class:`Relation` says so in a line of text (``"troops/foreign = troops/us +
troops/coalition"``), and :func:`reconcile.reconcile` uses relations after its per-quantity
consensus:

- every estimate's range is **tightened** to what all relations and all ranges together
  allow (``low_tight`` / ``high_tight`` in the estimates table);
- quantities that no claim gives are **derived** into a totals table, with the sound
  interval, a probabilistic 90% interval beside it, and the claims and relations behind
  each row;
- a relation that no values inside the ranges can satisfy becomes a **conflict** of kind
  ``relation``, naming a set of claims that cannot all be right, and from which no claim
  can be dropped without the rest becoming satisfiable.

:func:`adjust` finds, instead, the values closest to the claims that satisfy the equality
relations exactly (weighted least squares), and tests the claims against them.
"""

from __future__ import annotations

import difflib
import functools
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from reconcile import _propagate as prop
from reconcile._adjustment import adjust_linear
from reconcile._interval import EPS, times
from reconcile._stats import probable_sum, sigma_from_range
from reconcile._text import format_numbers
from reconcile.claims import validate
from reconcile.errors import ArgumentError, RelationError
from reconcile.figure import Figure
from reconcile.schemas import Adjustments, Conflicts, Estimates, Totals
from reconcile.units import canonical_unit, conversion_bounds, dimension, is_count

if TYPE_CHECKING:
    from reconcile.consensus import Reconciliation

__all__ = ["Adjustment", "Relation", "Term", "adjust"]

_OPERATORS = {"=": "=", "==": "=", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">="}
# A name as written without backticks: a path of words (letters, digits, '_', '.', apostrophes)
# separated by '/', a word of a part separated from the next by spaces (no operator is a
# space, so "troops/us army" is one name). It starts with a letter or '_', so that a number
# is never a name. A '-' is a minus unless a known name holds it (see _known_names).
_WORDS = r"[\w.'’]+(?:[ \t]+[\w.'’]+)*"
_NAME = rf"[^\W\d][\w.'’]*(?:[ \t]+[\w.'’]+)*(?:/{_WORDS})*"
_TOKEN = re.compile(
    rf"""
    (?P<space>\s+)
  | (?P<number>(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?(?:[eE][+-]?\d+)?%?)
  | (?P<name>{_NAME})
  | (?P<quoted>`[^`]*`)
  | (?P<operator><=|>=|==|=|≤|≥)
  | (?P<sign>[+\-−])
  | (?P<times>[*×·])
    """,
    re.VERBOSE,
)
_READ_WHOLE = re.compile(rf"{_NAME}\Z")
# Where a known name may end: before a space, an operator, a sign, a '*' or a backtick.
_NAME_END = r"(?=[\s`+\-−=<>≤≥*×·]|\Z)"
_BARE_NAME = re.compile(r"[A-Za-z_][\w.]*(?:/[\w.]+)*\Z")
_HINT = (
    "write a relation as sums of quantities on both sides of '=', '<=' or '>=', e.g. "
    "'troops/foreign = troops/us + troops/coalition'; a term may be multiplied by numbers or "
    "by figures named in figures=; quote a name with other characters in backticks"
)


def _caret(text: str, position: int) -> str:
    return f"  {text}\n  {' ' * position}^"


def _error(problem: str, text: str, position: int, hint: str = _HINT) -> RelationError:
    return RelationError(
        f"{problem} at character {position} of {text!r}",
        hint=hint,
        details=_caret(text, position),
        text=text,
        position=position,
    )


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a relation: numbers and figures multiplied, times at most one quantity.

    Attributes:
        coefficient: the numbers of the term multiplied, with the sign it has when the
            relation is written as ``left - right`` (terms of the right side are negated).
        figures: the names of the figures the term is multiplied by (bound in
            :meth:`Relation.parse`'s ``figures``).
        quantity: the ``counts`` path of the quantity, or None for a constant term.
        position: the character where the term starts in the relation's text.
        side: ``"left"`` or ``"right"`` of the comparison.

    Examples:
        >>> import reconcile as rc
        >>> rc.Relation.parse("a = 2 * b").terms[1]
        Term(coefficient=-2.0, figures=(), quantity='b', position=4, side='right')

    """

    coefficient: float
    figures: tuple[str, ...]
    quantity: str | None
    position: int
    side: str


@dataclass(frozen=True, slots=True)
class Relation:
    """A linear relation between quantities, such as ``troops/foreign = troops/us + troops/coalition``.

    Read one from text with :meth:`parse`, or build one with :meth:`total` or
    :meth:`part_of`. Within :func:`reconcile.reconcile`, a relation holds in every group of
    the key's other columns (by default each ``place`` and ``as_of``) where at least one of
    its quantities has a claim, unless ``scope`` names the groups it holds in.

    Attributes:
        text: the relation as written.
        operator: ``"="``, ``"<="`` or ``">="``.
        terms: the terms of both sides, the right side's negated, so the relation reads
            ``Σ terms operator 0``.
        figures: the figures the terms are multiplied by, by name.
        scope: the key columns and values the relation is limited to (empty: every group).

    Examples:
        >>> import reconcile as rc
        >>> relation = rc.Relation.parse("troops/foreign = troops/us + troops/coalition")
        >>> relation.quantities
        ('troops/foreign', 'troops/us', 'troops/coalition')
        >>> rc.Relation.total("displaced/fled", ["displaced/current", "displaced/returned"])
        Relation('displaced/fled = displaced/current + displaced/returned')

    """

    text: str
    operator: str
    terms: tuple[Term, ...]
    figures: tuple[tuple[str, Figure], ...] = ()
    scope: tuple[tuple[str, str], ...] = field(default=())

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        figures: Mapping[str, Figure] | None = None,
        scope: Mapping[str, str] | None = None,
        names: Iterable[str] | None = None,
    ) -> Relation:
        """Read a relation: sums of terms on both sides of ``=``, ``<=`` or ``>=``.

        A term is a quantity's ``counts`` path, a number, or a product of them with ``*``;
        a term may be multiplied by a **figure** named in ``figures``, whose range is the
        coefficient's range (a share, a household size). A term without a quantity is a
        constant. ``/`` is part of a name, never a division: write a ratio as a figure
        (``half * residents/2014``) or a number (``0.5 * ...``).

        A name is read whole when it is a path of words (letters, digits, ``_``, ``.``,
        apostrophes; words of a part separated by spaces: ``troops/us army``) that starts
        with a letter, or when it is one of ``names``, whatever its characters
        (``deaths/civilians/pro-government``); the longest known name is read first, and
        only where it ends before a space, an operator or the end. Otherwise ``-`` is a
        minus. Put any other name in backticks. :func:`reconcile.reconcile` and
        :func:`adjust` read each relation again where it meets the claims, with the names
        the claims give and the relations define, so a relation given to them as text needs
        no ``names``.

        Args:
            text: the relation, e.g. ``"residents/2016 = share * residents/2014"``.
            figures: figures by the names the text uses for them.
            scope: key columns and values that limit where the relation holds, e.g.
                ``{"place": "Mosul"}``.
            names: quantity names to read whole, such as the ``counts`` paths of a claims
                table.

        Returns:
            The relation.

        Raises:
            RelationError: the text cannot be read; ``.position`` is the character, and the
                message shows it with a caret.
            ArgumentError: ``figures`` or ``scope`` is not a mapping of names to figures / text,
                or ``names`` is not a list of names.

        Examples:
            The share of residents who remained is a figure ("half", read as a range):

            >>> import reconcile as rc
            >>> half = rc.Figure.between(0.4, 0.6, unit="dimensionless")
            >>> relation = rc.Relation.parse("residents/2016 = share * residents/2014",
            ...                              figures={"share": half})
            >>> relation.terms[1]
            Term(coefficient=-1.0, figures=('share',), quantity='residents/2014', position=17, side='right')
            >>> rc.Relation.parse("troops/us <= troops").operator
            '<='
            >>> by_party = "deaths/civilians/pro-government + deaths/civilians/anti-government"
            >>> rc.Relation.parse(f"deaths/civilians = {by_party}",
            ...                   names=by_party.split(" + ")).quantities
            ('deaths/civilians', 'deaths/civilians/pro-government', 'deaths/civilians/anti-government')
            >>> rc.Relation.parse("troops/foreign = troops/us +")
            Traceback (most recent call last):
            ...
            reconcile.errors.RelationError: expected a quantity, a number or a figure at character 28 ...
              troops/foreign = troops/us +
                                          ^

        """
        if not isinstance(text, str):
            raise ArgumentError(
                f"a relation is text (got {type(text).__name__})",
                hint="write e.g. Relation.parse('troops/foreign = troops/us + troops/coalition')",
            )
        known = _known_names(_check_names_argument(names))
        relation = _reading(text, _check_figures(figures), _check_scope(scope), known)
        _check_each_once(relation, known)
        return relation

    @classmethod
    def total(cls, total: str, parts: Sequence[str], *, scope: Mapping[str, str] | None = None) -> Relation:
        """The relation ``total = part + part + ...``.

        Examples:
            >>> import reconcile as rc
            >>> rc.Relation.total("troops/foreign", ["troops/us", "troops/coalition"]).text
            'troops/foreign = troops/us + troops/coalition'

        """
        if isinstance(parts, str) or not parts:
            raise ArgumentError(
                f"parts must be a non-empty list of counts paths (got {parts!r})",
                hint="pass e.g. Relation.total('troops/foreign', ['troops/us', 'troops/coalition'])",
            )
        return cls.parse(f"{_quote(total)} = {' + '.join(_quote(part) for part in parts)}", scope=scope)

    @classmethod
    def part_of(cls, part: str, whole: str, *, scope: Mapping[str, str] | None = None) -> Relation:
        """The relation ``part <= whole``.

        Examples:
            >>> import reconcile as rc
            >>> rc.Relation.part_of("people in need", "population").text
            '`people in need` <= population'

        """
        return cls.parse(f"{_quote(part)} <= {_quote(whole)}", scope=scope)

    @property
    def quantities(self) -> tuple[str, ...]:
        """The ``counts`` paths the relation names, in the order written."""
        return tuple(term.quantity for term in self.terms if term.quantity is not None)

    @property
    def defines(self) -> tuple[str, ...]:
        """The quantities an equality can define: each one that stands alone on its side.

        A quantity that no claim gives is derived only when some relation can define it,
        so a misspelt name elsewhere is an error, not a new quantity.

        Examples:
            >>> import reconcile as rc
            >>> rc.Relation.parse("troops/foreign = troops/us + troops/coalition").defines
            ('troops/foreign',)
            >>> rc.Relation.parse("troops/us <= troops").defines
            ()

        """
        if self.operator != "=":
            return ()
        alone = []
        for side in ("left", "right"):
            terms = [term for term in self.terms if term.side == side]
            if len(terms) == 1 and terms[0].quantity is not None:
                alone.append(terms[0].quantity)
        return tuple(alone)

    def __repr__(self) -> str:
        return f"Relation({self.text!r})"

    def __str__(self) -> str:
        return self.text


def _quote(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ArgumentError(f"a quantity is a counts path (got {name!r})", hint="pass e.g. 'troops/us'")
    return name if _BARE_NAME.match(name) else f"`{name}`"


def _check_figures(figures: Mapping[str, Figure] | None) -> dict[str, Figure]:
    if figures is None:
        return {}
    if not isinstance(figures, Mapping):
        raise ArgumentError(
            f"figures must map names to figures (got {type(figures).__name__})",
            hint="pass e.g. figures={'share': rc.Figure.between(0.4, 0.6, unit='dimensionless')}",
        )
    for name, figure in figures.items():
        if not isinstance(name, str) or not _BARE_NAME.match(name) or "/" in name:
            raise ArgumentError(
                f"a figure's name is a word of letters, digits and '_' (got {name!r})",
                hint="name figures such as 'share' or 'household_size'",
            )
        if not isinstance(figure, Figure):
            raise ArgumentError(
                f"figures[{name!r}] must be a Figure (got {type(figure).__name__})",
                hint="read it with rc.parse('about 6', unit='person / family') or build it with rc.Figure",
            )
    return dict(figures)


def _check_scope(scope: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    if scope is None:
        return ()
    if not isinstance(scope, Mapping) or not all(
        isinstance(column, str) and isinstance(value, str) for column, value in scope.items()
    ):
        raise ArgumentError(
            f"scope must map key columns to values (got {scope!r})",
            hint="pass e.g. scope={'place': 'Mosul', 'as_of': '2016-10-17'}",
        )
    return tuple(sorted(scope.items()))


def _check_names_argument(names: Iterable[str] | None) -> set[str]:
    if names is None:
        return set()
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise ArgumentError(
            f"names must be a list of quantity names (got {names!r:.60})",
            hint="pass e.g. names=['troops/us', 'troops/coalition'], or names=claims['counts']",
        )
    return {name for name in names if isinstance(name, str) and name.strip()}


def _known_names(names: Iterable[str]) -> re.Pattern[str] | None:
    """The names the plain reading would not read whole, longest first, as one pattern.

    A name the plain reading reads whole ("troops/us army") needs no pattern: where it is
    written, that reading takes it, or a longer name it is the start of.
    """
    unusual = sorted(
        {name for name in names if not _READ_WHOLE.match(name)}, key=lambda name: (-len(name), name)
    )
    if not unusual:
        return None
    return re.compile(f"(?:{'|'.join(map(re.escape, unusual))}){_NAME_END}")


def _reading(
    text: str,
    figures: dict[str, Figure],
    scope: tuple[tuple[str, str], ...],
    known: re.Pattern[str] | None,
) -> Relation:
    """The relation ``text`` says, with ``known`` names read whole; each name is not yet checked once."""
    text = text.strip()
    operator, terms = _read(text, figures, known)
    return Relation(
        text=text, operator=operator, terms=terms, figures=tuple(sorted(figures.items())), scope=scope
    )


def _tokens(text: str, known: re.Pattern[str] | None = None) -> list[tuple[str, str, int]]:
    tokens = []
    position = 0
    while position < len(text):
        found = _TOKEN.match(text, position)
        whole = known.match(text, position) if known is not None else None
        if whole is not None and (
            found is None or (found.lastgroup in ("name", "number") and whole.end() > found.end())
        ):
            found = whole  # a known name, read whole before '-' (or any other sign) is an operator
            tokens.append(("name", found.group(), position))
        elif found is None or found.lastgroup is None:
            raise _error(f"cannot read {text[position]!r}", text, position)
        elif found.lastgroup != "space":
            tokens.append((found.lastgroup, found.group(), position))
        position = found.end()
    tokens.append(("end", "", len(text)))
    return tokens


def _as_written(
    text: str, known: re.Pattern[str] | None, quantity: str, start: int
) -> tuple[str, str] | None:
    """How the name ``quantity`` (in the term at ``start``) was cut from the word written.

    A word written without spaces ("deaths/civilians/pro-government") that was read as
    several tokens gives the word and the reading ("'deaths/civilians/pro' - 'government'");
    a name read as written gives None.
    """
    tokens = _tokens(text, known)
    at = next(
        (
            n
            for n, (kind, token, where) in enumerate(tokens)
            if kind == "name" and where >= start and token == quantity
        ),
        None,
    )
    if at is None:
        return None

    def touching(a: int, b: int) -> bool:
        joined = tokens[a][2] + len(tokens[a][1]) == tokens[b][2]
        return joined and {tokens[a][0], tokens[b][0]} <= {"name", "number", "sign"}

    first = last = at
    while first > 0 and touching(first - 1, first):
        first -= 1
    while touching(last, last + 1):
        last += 1
    if first == last:
        return None
    pieces = tokens[first : last + 1]
    word = text[pieces[0][2] : pieces[-1][2] + len(pieces[-1][1])]
    said = " ".join(repr(token) if kind == "name" else token for kind, token, _ in pieces)
    return word, said


def _check_each_once(relation: Relation, known: re.Pattern[str] | None) -> None:
    """A quantity named twice is an error; where a split word caused it, the error says so."""
    seen: set[str] = set()
    for term in relation.terms:
        if term.quantity is None:
            continue
        if term.quantity not in seen:
            seen.add(term.quantity)
            continue
        split = _as_written(relation.text, known, term.quantity, term.position)
        if split is None:
            raise _error(
                f"{term.quantity!r} appears twice",
                relation.text,
                term.position,
                hint="name each quantity once: move its terms to one side and add their numbers",
            )
        raise RelationError(
            f"{term.quantity!r} appears twice at character {term.position} of {relation.text!r}, "
            f"where {split[0]!r} was read as {split[1]}",
            hint="a name with '-' in it is read whole only when it is known: pass the claims' names "
            "to Relation.parse (names=claims['counts']), pass the relation as text in "
            "relations=[...], which reads it with the claims' names, or put the name in backticks",
            details=_caret(relation.text, term.position),
            text=relation.text,
            position=term.position,
        )


def _number(token: str) -> float:
    share = token.endswith("%")
    number = float(token.rstrip("%").replace(",", ""))
    return number / 100 if share else number


def _read(
    text: str, figures: Mapping[str, Figure], known: re.Pattern[str] | None = None
) -> tuple[str, tuple[Term, ...]]:
    """The relation's operator and terms (the right side's negated), ``known`` names read whole."""
    tokens = _tokens(text, known)
    terms: list[Term] = []
    operator: str | None = None
    side = 1.0
    index = 0
    expect_term = True
    sign = 1.0
    start = None
    while True:
        kind, token, position = tokens[index]
        if expect_term:
            if kind == "sign":
                if start is not None:  # a second sign before a term
                    raise _error("expected a quantity, a number or a figure", text, position)
                sign = -1.0 if token in "-−" else 1.0
                start = position
                index += 1
                continue
            if kind not in ("number", "name", "quoted"):
                raise _error("expected a quantity, a number or a figure", text, position)
            term, index = _term(
                tokens, index, text, figures, sign * side, start, "left" if side > 0 else "right"
            )
            terms.append(term)
            expect_term, sign, start = False, 1.0, None
            continue
        if kind == "sign":
            expect_term = True
            continue
        if kind == "operator":
            if operator is not None:
                raise _error("a relation has one '=', '<=' or '>='", text, position)
            operator, side, expect_term = _OPERATORS[token], -1.0, True
            index += 1
            continue
        if kind == "end":
            break
        raise _error(f"expected '+', '-', '*' or a comparison, not {token!r}", text, position)
    if operator is None:
        raise _error("a relation needs '=', '<=' or '>='", text, len(text))
    quantities = [term for term in terms if term.quantity is not None]
    if not quantities:
        raise _error("a relation names at least one quantity", text, 0)
    return operator, tuple(terms)


def _term(
    tokens: list[tuple[str, str, int]],
    index: int,
    text: str,
    figures: Mapping[str, Figure],
    sign: float,
    start: int | None,
    side: str,
) -> tuple[Term, int]:
    """Read ``factor (* factor)*`` from ``index``; return the term and the next index."""
    coefficient = sign
    named: list[str] = []
    quantity: str | None = None
    position = tokens[index][2]
    while True:
        kind, token, at = tokens[index]
        if kind == "number":
            coefficient *= _number(token)
        elif kind in ("name", "quoted"):
            name = token.strip("`").strip() if kind == "quoted" else token
            if not name:
                raise _error("an empty name", text, at)
            if kind == "name" and name in figures:
                named.append(name)
            elif quantity is not None:
                raise _error(
                    f"{quantity!r} times {name!r} is a product of two quantities",
                    text,
                    at,
                    hint="a relation is linear: multiply a quantity only by numbers or by "
                    "figures passed in figures= (such as a household size)",
                )
            else:
                quantity = name
        else:
            raise _error("expected a quantity, a number or a figure", text, at)
        index += 1
        if tokens[index][0] != "times":
            break
        index += 1
    if coefficient == 0 and quantity is not None:
        raise _error(f"{quantity!r} is multiplied by 0", text, position, hint="leave the term out")
    return Term(coefficient + 0.0, tuple(named), quantity, position, side), index


# -- building the system of one reconciliation ----------------------------------------------


def _as_relation(relation: object, index: int, known: re.Pattern[str] | None) -> Relation:
    """A relation given as text or as a :class:`Relation`, read (again) with ``known`` names whole."""
    if isinstance(relation, Relation):
        return _reading(relation.text, dict(relation.figures), relation.scope, known)
    if isinstance(relation, str):
        return _reading(relation, {}, (), known)
    raise ArgumentError(
        f"relations[{index}] is a {type(relation).__name__}, not a relation",
        hint="pass relations as text or as rc.Relation objects",
    )


def _read_with_names(
    relations: Sequence[object], claimed: Iterable[str]
) -> tuple[list[Relation], re.Pattern[str] | None]:
    """The relations read where they meet the claims, and the names known there.

    One reader, :func:`_read`, reads a relation before the claims are known and again
    here, where the names the claims give and the names the relations define are known
    and are read whole. A relation can define a name another uses, so the names grow in
    rounds until no relation defines a new one (each round adds names from the relations'
    own texts, so the rounds end). A relation that cannot be read with every name known
    is the error.
    """
    names = set(claimed)
    while True:
        known = _known_names(names)
        read: list[Relation] = []
        failure: RelationError | None = None
        for index, relation in enumerate(relations):  # the relations given, a handful
            try:
                read.append(_as_relation(relation, index, known))
            except RelationError as error:
                failure = error if failure is None else failure
        defined = {name for relation in read for name in relation.defines} - names
        if not defined:
            if failure is not None:
                raise failure
            return read, known
        names |= defined


def _interval_product(factors: Iterable[tuple[float, float]]) -> tuple[float, float]:
    low, high = np.array([1.0]), np.array([1.0])
    for f_low, f_high in factors:
        low, high = times(low, high, np.array([f_low]), np.array([f_high]))
    return float(low[0]), float(high[0])


@dataclass(frozen=True, slots=True)
class _Built:
    """A reconciliation's relations as one system over its estimates and derived quantities."""

    system: prop.System
    low: np.ndarray  # initial bounds of every variable
    high: np.ndarray
    n_estimates: int
    derived_group: np.ndarray  # per derived quantity (variables n_estimates ...): its group
    derived_counts: np.ndarray  # ... and its counts path
    derived_unit: np.ndarray
    wanted: np.ndarray  # variables that are quantities (not auxiliary products)
    counting: np.ndarray  # per estimate: its unit counts (people, households ...), never negative
    row_relation: np.ndarray  # per row: the relation's index
    relation_texts: list[str]
    # for values and the probable interval of derived quantities
    term_row: np.ndarray
    term_var: np.ndarray
    term_value: np.ndarray  # the coefficient's value (figures at their values)
    term_exact: np.ndarray  # True when the coefficient has no range
    row_constant: np.ndarray  # the constants' value, moved to the right side
    row_constant_exact: np.ndarray
    row_equal: np.ndarray


def _multiply_units(a: str, b: str) -> str:
    if a == "dimensionless":
        return b
    return canonical_unit(f"({a}) * ({b})")


def _groups(estimates: pd.DataFrame, key: tuple[str, ...]) -> tuple[np.ndarray, pd.DataFrame]:
    """Each estimate's group (the key without ``counts``), and the key values of each group."""
    group_columns = [column for column in key if column != "counts"]
    if not group_columns:
        return np.zeros(len(estimates), dtype=np.intp), pd.DataFrame(index=range(1 if len(estimates) else 0))
    group = estimates.groupby(group_columns, dropna=False, sort=False).ngroup().to_numpy().astype(np.intp)
    first = np.unique(group, return_index=True)[1]
    return group, estimates.iloc[first][group_columns].reset_index(drop=True)


def _term_table(relations: list[Relation]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per term of every relation (a loop over relations, not over claims).

    Each term's coefficient is an interval (numbers times its figures' ranges), with its
    value (figures at their values) and its unit (the figures' units multiplied).
    """
    quantity_terms: list[tuple[Any, ...]] = []
    constant_terms: list[tuple[Any, ...]] = []
    for r, relation in enumerate(relations):
        bound = dict(relation.figures)
        for t, term in enumerate(relation.terms):
            c_low = c_high = term.coefficient
            if term.figures:
                ranges = [(bound[name].low, bound[name].high) for name in term.figures]
                c_low, c_high = _interval_product([(term.coefficient, term.coefficient), *ranges])
            value = term.coefficient * math.prod(bound[name].value for name in term.figures)
            unit = "dimensionless"
            for name in term.figures:
                unit = _multiply_units(bound[name].unit, unit)
            entry = (r, t, term.quantity, c_low, c_high, value, unit, term.position)
            (quantity_terms if term.quantity is not None else constant_terms).append(entry)
    columns = ["relation", "term", "counts", "c_low", "c_high", "c_value", "c_unit", "position"]
    return (
        pd.DataFrame.from_records(quantity_terms, columns=columns),
        pd.DataFrame.from_records(constant_terms, columns=columns),
    )


def _instances(
    terms: pd.DataFrame, claimed: pd.DataFrame, relations: list[Relation], groups: pd.DataFrame
) -> pd.DataFrame:
    """(relation, group) pairs where the relation holds.

    A relation holds in a group where one of its quantities is present: claimed there, or
    derived there by another relation that holds (so totals of totals are derived too),
    within the relation's scope. Scoped relations are joined to the groups of their scope
    once; rounds of whole-table merges then reach the fixed point.

    Raises:
        RelationError: a relation whose scope matches no group, or that holds in no group
            (none of its quantities is claimed or derived anywhere in its scope).

    """
    present = claimed[["group", "counts"]].drop_duplicates()
    pairs = terms[["relation", "counts"]].drop_duplicates()
    allowed = _scope_groups(relations, groups)
    scoped = pairs["relation"].isin([r for r, relation in enumerate(relations) if relation.scope])
    free_pairs, scoped_pairs = pairs[~scoped], allowed.merge(pairs[scoped], on="relation")
    instances = pd.DataFrame({"relation": pd.Series(dtype=np.intp), "group": pd.Series(dtype=np.intp)})
    for _ in range(len(relations) + 1):  # each round adds a level of derived totals
        found = pd.concat(
            [
                free_pairs.merge(present, on="counts")[["relation", "group"]],
                scoped_pairs.merge(present, on=["group", "counts"])[["relation", "group"]],
            ],
            ignore_index=True,
        ).drop_duplicates()
        if len(found) == len(instances):
            break
        instances = found
        reached = instances.merge(pairs, on="relation")[["group", "counts"]]
        present = pd.concat([present, reached], ignore_index=True).drop_duplicates()
    idle = np.setdiff1d(np.arange(len(relations)), instances["relation"].to_numpy(dtype=np.intp))
    if len(idle):
        relation = relations[int(idle[0])]
        where = " within its scope" if relation.scope else ""
        raise RelationError(
            f"the relation {relation.text!r} holds nowhere: none of its quantities "
            f"({', '.join(relation.quantities)}) is claimed{where}, "
            "or derived from claims by another relation",
            hint="a relation holds in the groups (place, date) where a claim gives one of its quantities; "
            "check the names against the claims' counts paths, or leave the relation out",
            details=_caret(relation.text, 0),
            text=relation.text,
            position=0,
        )
    instances = instances.sort_values(["relation", "group"]).reset_index(drop=True)
    return instances.assign(row=np.arange(len(instances)))


def _scope_groups(relations: list[Relation], groups: pd.DataFrame) -> pd.DataFrame:
    """(relation, group) for each scoped relation and each group inside its scope: one join.

    Raises:
        ArgumentError: a scope column that is not a key column.
        RelationError: a scope that matches no group (the nearest values are the hint).

    """
    scopes = pd.DataFrame.from_records(
        [(r, column, value) for r, relation in enumerate(relations) for column, value in relation.scope],
        columns=["relation", "column", "value"],
    )
    if scopes.empty:
        return pd.DataFrame({"relation": pd.Series(dtype=np.intp), "group": pd.Series(dtype=np.intp)})
    unknown = scopes[~scopes["column"].isin(groups.columns)]
    if len(unknown):
        relation = relations[int(unknown["relation"].iloc[0])]
        raise ArgumentError(
            f"the relation {relation.text!r} is scoped by {unknown['column'].iloc[0]!r}, which is not a key "
            f"column other than counts ({', '.join(map(str, groups.columns)) or 'none'})",
            hint="scope a relation by the key's place or date columns",
        )
    columns = scopes["column"].unique().tolist()
    long = (
        groups[columns]
        .astype(object)
        .assign(group=np.arange(len(groups)))
        .melt(id_vars="group", var_name="column", value_name="value")
    )
    matched = scopes.merge(long, on=["column", "value"])
    needed = scopes.groupby("relation").size()
    hits = matched.groupby(["relation", "group"]).size().rename("hits").reset_index()
    allowed = hits[hits["hits"].to_numpy() == needed.reindex(hits["relation"]).to_numpy()]
    empty = np.setdiff1d(needed.index.to_numpy(), allowed["relation"].to_numpy())
    if len(empty):
        relation = relations[int(empty[0])]
        shown = ", ".join(f"{column}={value!r}" for column, value in relation.scope)
        known = {
            column: groups[column].dropna().astype(str).unique().tolist() for column, _ in relation.scope
        }
        near = [
            f"{column}={', '.join(map(repr, _nearest(value, known[column])))}"
            for column, value in relation.scope
            if value not in known[column]
        ]
        raise RelationError(
            f"the relation {relation.text!r} is scoped to {shown}, which matches no group of the claims",
            hint=("the nearest values are " + "; ".join(near) + ". " if near else "")
            + "a scope names values exactly as the claims' key columns spell them, in one group",
            details=_caret(relation.text, 0),
            text=relation.text,
            position=0,
        )
    return pd.DataFrame(allowed[["relation", "group"]]).reset_index(drop=True)


def _nearest(value: str, known: list[str]) -> list[str]:
    """Up to three of the known values nearest ``value``, ignoring case; the first few if none is."""
    folded = {name.casefold(): name for name in known}
    near = difflib.get_close_matches(value.casefold(), list(folded), n=3, cutoff=0.3)
    return [folded[name] for name in near] or sorted(known)[:3]


def _build(
    estimates: pd.DataFrame,
    key: tuple[str, ...],
    relations: list[Relation],
    implied: pd.DataFrame | None = None,
) -> _Built:
    """The rows, links and bounds of the relations in every group they hold in.

    ``implied`` holds part-of checks as (child, parent, factor, text) rows over estimates.
    """
    n_est = len(estimates)
    group, groups = _groups(estimates, key)
    claimed = pd.DataFrame(
        {"group": group, "counts": estimates["counts"].to_numpy(dtype=object), "estimate": np.arange(n_est)}
    )
    terms, constant_terms = _term_table(relations)
    instances = _instances(terms, claimed, relations, groups)
    full = instances.merge(terms, on="relation").merge(claimed, on=["group", "counts"], how="left")
    full = full.sort_values(["row", "term"], kind="stable").reset_index(drop=True)
    has_estimate = full["estimate"].notna().to_numpy()
    var = full["estimate"].fillna(-1).to_numpy(dtype=np.intp, copy=True)
    derived_rows = np.flatnonzero(~has_estimate)
    # Each (group, counts) pair no claim gives is one derived quantity.
    names, name_of = pd.factorize(full["counts"].to_numpy(dtype=object)[derived_rows])
    pair = full["group"].to_numpy(dtype=np.intp)[derived_rows] * max(len(name_of), 1) + names
    first_of, codes = np.unique(pair, return_index=True, return_inverse=True)[1:]
    var[derived_rows] = n_est + codes.reshape(-1)
    n_derived = len(first_of)
    derived_group = full["group"].to_numpy(dtype=np.intp)[derived_rows][first_of]
    derived_counts = np.asarray(name_of, dtype=object)[names[first_of]]
    row = full["row"].to_numpy(dtype=np.intp)
    relation_of_row = instances["relation"].to_numpy(dtype=np.intp)

    # Units: each instance is in the unit of its first term whose unit is known; a derived
    # quantity takes the unit its first such instance gives it; rounds reach totals of
    # totals. Every term then converts to its instance's unit.
    est_unit = estimates["unit"].to_numpy(dtype=object)
    c_unit = full["c_unit"].to_numpy(dtype=object)
    var_unit = np.r_[est_unit, np.full(n_derived, "", dtype=object)]
    reference = np.full(len(instances), "", dtype=object)
    term_unit = np.full(len(full), "", dtype=object)
    for _ in range(len(instances) + 1):
        known = np.flatnonzero((var_unit[var] != "") & (term_unit == ""))
        term_unit[known] = _pairwise(_multiply_units, c_unit[known], var_unit[var[known]])
        open_rows = np.flatnonzero((reference[row] == "") & (term_unit != ""))
        first = open_rows[np.unique(row[open_rows], return_index=True)[1]]
        reference[row[first]] = term_unit[first]
        waiting = np.flatnonzero((var_unit[var] == "") & (reference[row] != ""))
        if not len(waiting):
            break
        first_use = waiting[np.unique(var[waiting], return_index=True)[1]]
        var_unit[var[first_use]] = _pairwise(_divide_units, reference[row[first_use]], c_unit[first_use])
    derived_unit = var_unit[n_est:]
    target = reference[row]
    factor_low, factor_high = np.ones(len(full)), np.ones(len(full))
    for source, into in set(zip(term_unit.tolist(), target.tolist(), strict=True)):
        at = (term_unit == source) & (target == into)
        if dimension(source) != dimension(into):
            culprit = int(np.flatnonzero(at)[0])
            _raise_unit_mismatch(
                relations[relation_of_row[row[culprit]]], full, culprit, source, into, groups
            )
        least, _, most = conversion_bounds(source, into)
        factor_low[at], factor_high[at] = least, most

    # Coefficients: exact ones are linear terms; a coefficient with a range (a figure, or an
    # inexact unit factor) makes an auxiliary product y = c·x, whose y is the linear term.
    coef_low, coef_high = times(
        full["c_low"].to_numpy(float), full["c_high"].to_numpy(float), factor_low, factor_high
    )
    exact = coef_low == coef_high
    n_base = n_est + n_derived
    ranged = np.flatnonzero(~exact)
    aux = n_base + np.arange(len(ranged))
    term_var = var.copy()
    term_var[ranged] = aux
    term_coef = np.where(exact, coef_low, 1.0)
    term_value = full["c_value"].to_numpy(float) * (factor_low + factor_high) / 2

    operator = np.array([relation.operator for relation in relations], dtype=object)[relation_of_row]
    row_low = np.where(operator == "<=", -np.inf, 0.0)
    row_high = np.where(operator == ">=", np.inf, 0.0)
    row_constant, row_constant_exact = _constants(
        instances, constant_terms, reference, relations, row_low, row_high
    )
    texts = [relation.text for relation in relations]

    # Implied part-of checks: child·factor - parent <= 0, one row each.
    if implied is not None and len(implied):
        n_rows, n_implied = len(instances), len(implied)
        new_rows = n_rows + np.arange(n_implied)
        row = np.r_[row, new_rows, new_rows]
        term_var = np.r_[term_var, implied["child"].to_numpy(np.intp), implied["parent"].to_numpy(np.intp)]
        var = np.r_[var, implied["child"].to_numpy(np.intp), implied["parent"].to_numpy(np.intp)]
        term_coef = np.r_[term_coef, implied["factor"].to_numpy(float), -np.ones(n_implied)]
        term_value = np.r_[term_value, implied["factor"].to_numpy(float), -np.ones(n_implied)]
        exact = np.r_[exact, np.ones(2 * n_implied, dtype=bool)]
        row_low = np.r_[row_low, np.full(n_implied, -np.inf)]
        row_high = np.r_[row_high, np.zeros(n_implied)]
        row_constant = np.r_[row_constant, np.zeros(n_implied)]
        row_constant_exact = np.r_[row_constant_exact, np.ones(n_implied, dtype=bool)]
        operator = np.r_[operator, np.full(n_implied, "<=", dtype=object)]
        text_codes, implied_texts = pd.factorize(implied["text"])
        relation_of_row = np.r_[relation_of_row, len(relations) + np.asarray(text_codes, dtype=np.intp)]
        texts += [f"{text} (implied part)" for text in implied_texts.tolist()]

    n_vars = n_base + len(ranged)
    low, high = np.empty(n_vars), np.empty(n_vars)
    low[:n_est], high[:n_est] = estimates["low"].to_numpy(float), estimates["high"].to_numpy(float)
    counting = _pairwise(lambda unit, _: is_count(unit), derived_unit, derived_unit).astype(bool)
    low[n_est:n_base] = np.where(counting, 0.0, -np.inf)  # a count is never negative
    high[n_est:n_base] = np.inf
    low[n_base:], high[n_base:] = -np.inf, np.inf
    system = prop.System(
        n=n_vars,
        term_row=row,
        term_var=term_var,
        term_coef=term_coef,
        row_low=row_low,
        row_high=row_high,
        link_y=aux,
        link_x=var[ranged],
        link_low=coef_low[ranged],
        link_high=coef_high[ranged],
    )
    return _Built(
        system=system,
        low=low,
        high=high,
        n_estimates=n_est,
        derived_group=derived_group,
        derived_counts=derived_counts,
        derived_unit=derived_unit,
        wanted=np.arange(n_vars) < n_base,
        counting=_pairwise(lambda unit, _: is_count(unit), est_unit, est_unit).astype(bool),
        row_relation=relation_of_row,
        relation_texts=texts,
        term_row=row,
        term_var=var,
        term_value=term_value,
        term_exact=exact,
        row_constant=row_constant,
        row_constant_exact=row_constant_exact,
        row_equal=operator == "=",
    )


def _pairwise(combine: Any, first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """``combine(a, b)`` for each pair, computed once per distinct pair of units."""
    if not len(first):
        return np.array([], dtype=object)
    first_code, first_values = pd.factorize(first.astype(object))
    second_code, second_values = pd.factorize(second.astype(object))
    pairs, where = np.unique(first_code * len(second_values) + second_code, return_inverse=True)
    results = np.array(
        [
            combine(str(first_values[p // len(second_values)]), str(second_values[p % len(second_values)]))
            for p in pairs.tolist()
        ],
        dtype=object,
    )
    return np.asarray(results[where.reshape(-1)], dtype=object)


def _divide_units(a: str, b: str) -> str:
    return a if b == "dimensionless" else canonical_unit(f"({a}) / ({b})")


def _constants(
    instances: pd.DataFrame,
    constant_terms: pd.DataFrame,
    reference: np.ndarray,
    relations: list[Relation],
    row_low: np.ndarray,
    row_high: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Move constant terms to the right side (in place on the row bounds); their values."""
    n_rows = len(instances)
    if not len(constant_terms) or not n_rows:
        return np.zeros(n_rows), np.ones(n_rows, dtype=bool)
    const = instances[["relation", "row"]].merge(constant_terms, on="relation")
    at_row = const["row"].to_numpy(dtype=np.intp)
    k_low, k_high = const["c_low"].to_numpy(float), const["c_high"].to_numpy(float)
    k_value = const["c_value"].to_numpy(float)
    k_unit = const["c_unit"].to_numpy(dtype=object)
    k_ref = reference[at_row]
    for source, into in set(zip(k_unit.tolist(), k_ref.tolist(), strict=True)):
        if source == "dimensionless":
            continue  # a plain number is in the relation's unit
        at = (k_unit == source) & (k_ref == into)
        if dimension(source) != dimension(into):
            first = int(np.flatnonzero(at)[0])
            relation = relations[int(const["relation"].iloc[first])]
            raise _error(
                f"a figure in {source!r} is added to quantities in {into!r}",
                relation.text,
                int(const["position"].iloc[first]),
                hint="give the figure the unit of the quantities it is added to",
            )
        least, factor, most = conversion_bounds(source, into)
        n_at = int(at.sum())
        k_low[at], k_high[at] = times(k_low[at], k_high[at], np.full(n_at, least), np.full(n_at, most))
        k_value[at] *= factor
    sum_low = np.bincount(at_row, weights=k_low, minlength=n_rows)
    sum_high = np.bincount(at_row, weights=k_high, minlength=n_rows)
    count = np.bincount(at_row, minlength=n_rows)
    margin = np.where(count > 1, (count + 1) * EPS * (np.abs(sum_low) + np.abs(sum_high)), 0.0)
    with np.errstate(invalid="ignore"):
        row_low[:] = row_low - sum_high - margin
        row_high[:] = row_high - sum_low + margin
    ranged = np.bincount(at_row, weights=k_low != k_high, minlength=n_rows) > 0
    return -np.bincount(at_row, weights=k_value, minlength=n_rows), ~ranged


def _raise_unit_mismatch(
    relation: Relation, full: pd.DataFrame, at: int, unit: str, reference: str, groups: pd.DataFrame
) -> None:
    counts = full["counts"].iloc[at]
    position = int(full["position"].iloc[at])
    where = ", ".join(
        f"{column}={value!r}"
        for column, value in groups.iloc[int(full["group"].iloc[at])].items()
        if not pd.isna(value)
    )
    raise RelationError(
        f"{counts!r} is in {unit!r} but the relation {relation.text!r} is in {reference!r}"
        + (f" (where {where})" if where else ""),
        hint="terms of a relation must be in one unit: households or families become people only "
        "through a size figure, e.g. 'displaced = size * displaced/families' with "
        "figures={'size': rc.parse('about 6', unit='person / family')}",
        details=_caret(relation.text, position),
        text=relation.text,
        position=position,
    )


def _check_names(estimates: pd.DataFrame, relations: list[Relation], known: re.Pattern[str] | None) -> None:
    """Every quantity a relation names is claimed somewhere or defined by a relation, and named once.

    ``known`` is the pattern of names the relations were read with; where a name no claim
    gives was cut from a longer word ("deaths/civilians/pro-government" read as
    ``deaths/civilians/pro - government``), the error says how, and looks for the nearest
    known names to the whole word.
    """
    claimed = set(estimates["counts"].dropna().astype(str).unique().tolist())
    defined = {name for relation in relations for name in relation.defines}
    for relation in relations:
        for term in relation.terms:
            if term.quantity is None or term.quantity in claimed or term.quantity in defined:
                continue
            names = sorted(claimed | defined)
            split = _as_written(relation.text, known, term.quantity, term.position)
            near = difflib.get_close_matches(split[0] if split else term.quantity, names, n=3, cutoff=0.5)
            suggestion = f"did you mean {', '.join(map(repr, near))}?" if near else "no known name is close."
            how = ""
            rule = (
                " A quantity no claim gives must stand alone on one side of an equality that defines "
                "it, e.g. 'displaced/returned = displaced/fled - displaced/current'"
            )
            if split:
                how = f"; {split[0]!r} was read as {split[1]}"
                rule = (
                    " A name with '-' or another sign in it is read whole only when a claim gives it "
                    "or a relation defines it: check its spelling, or put it in backticks; "
                    "put spaces around a '-' that subtracts."
                )
            elif re.search(r"\s", term.quantity):
                rule = " Words separated by spaces are one name: put '+' or '-' between quantities." + rule
            raise RelationError(
                f"no claim gives {term.quantity!r} and no relation defines it (in {relation.text!r}){how}",
                hint=suggestion + rule,
                details=_caret(relation.text, term.position),
                text=relation.text,
                position=term.position,
                quantity=term.quantity,
                nearest=tuple(near),
            )
    for relation in relations:
        _check_each_once(relation, known)


def _implied_parts(estimates: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    """``child <= parent`` for every estimate whose parent path is claimed in its group.

    Rows: ``child`` and ``parent`` (estimate rows), ``factor`` (the child's unit into the
    parent's) and ``text``. A child and parent in units that cannot be compared (families
    and people) are not checked; an inexact unit factor is not either.
    """
    columns = ["child", "parent", "factor", "text"]
    counts = estimates["counts"]
    paths = counts.dropna().astype(str).unique()
    nested = [path for path in paths.tolist() if "/" in path]  # distinct paths, not rows
    present = set(paths.tolist())
    if not any(path.rsplit("/", 1)[0] in present for path in nested):
        return pd.DataFrame(columns=columns)
    group, _ = _groups(estimates, key)
    frame = pd.DataFrame(
        {"group": group, "counts": counts.to_numpy(dtype=object), "row": np.arange(len(group))}
    )
    children = frame[frame["counts"].isin(nested)]
    children = children.assign(parent_counts=children["counts"].astype(str).str.rsplit("/", n=1).str[0])
    pairs = children.merge(
        frame.rename(columns={"counts": "parent_counts", "row": "parent"}), on=["group", "parent_counts"]
    )
    unit = estimates["unit"].to_numpy(dtype=object)
    factor = _pairwise(
        _exact_factor, unit[pairs["row"].to_numpy(np.intp)], unit[pairs["parent"].to_numpy(np.intp)]
    )
    factor = factor.astype(float)
    pairs = pairs.assign(factor=factor)[~np.isnan(factor)]
    return pd.DataFrame(
        {
            "child": pairs["row"].to_numpy(np.intp),
            "parent": pairs["parent"].to_numpy(np.intp),
            "factor": pairs["factor"].to_numpy(float),
            "text": (pairs["counts"].astype(str) + " <= " + pairs["parent_counts"]).to_numpy(dtype=object),
        }
    )


def _exact_factor(source: str, into: str) -> float:
    """The factor from one unit into another when it is exact; NaN when there is none."""
    if dimension(source) != dimension(into):
        return math.nan
    least, factor, most = conversion_bounds(source, into)
    return factor if least == most else math.nan


# -- the reconciliation with relations ---------------------------------------------------------


def _solve(built: _Built) -> tuple[np.ndarray, np.ndarray, np.ndarray, prop.Components]:
    """Final bounds of every variable, and which components are infeasible."""
    parts = prop.components(built.system)
    low, high = prop.propagate(built.system, built.low, built.high, settle=parts.is_tree[parts.of_var])
    low, high, infeasible, unsettled = prop.lp_refine(built.system, low, high, parts, built.wanted)
    if unsettled.any():
        texts = _joined(
            parts.of_row,
            np.array(built.relation_texts, dtype=object)[built.row_relation],
            np.flatnonzero(unsettled),
            "; ",
        )
        warnings.warn(
            f"HiGHS could not settle {int(unsettled.sum())} group(s) of relations with cycles "
            f"(first: {texts.iloc[0] if len(texts) else '?'}); their tightened ranges are what "
            "propagation alone allows (sound, maybe wider than exact), and a contradiction among "
            "them may go unreported",
            RuntimeWarning,
            stacklevel=4,
        )
    return low, high, infeasible, parts


def apply_relations(
    result: Reconciliation,
    relations: Sequence[Relation | str] | None,
    implied_parts: bool,
) -> Reconciliation:
    """Tighten, derive and check: the relations step of :func:`reconcile.reconcile`."""
    if relations is not None and (
        isinstance(relations, (str, Relation)) or not isinstance(relations, Sequence)
    ):
        raise ArgumentError(
            f"relations must be a list of relations (got {type(relations).__name__})",
            hint="pass relations=['troops/foreign = troops/us + troops/coalition']",
        )
    if not isinstance(implied_parts, bool):
        raise ArgumentError(
            f"implied_parts must be True or False (got {implied_parts!r})",
            hint="pass implied_parts=False to leave out the part-of checks",
        )
    key = result.key
    estimates = result.estimates
    claimed = estimates["counts"].dropna().unique().tolist() if "counts" in key else []
    given, known = _read_with_names(relations or (), claimed)
    if given and "counts" not in key:
        raise ArgumentError(
            f"relations name quantities by their counts path, but the key {key!r} has no 'counts'",
            hint="keep 'counts' in the key to use relations",
        )
    implied = _implied_parts(estimates, key) if implied_parts and "counts" in key else None
    if not given and (implied is None or implied.empty):
        return replace(
            result,
            estimates=validate(
                Estimates, estimates.assign(low_tight=estimates["low"], high_tight=estimates["high"])
            ),
            totals=_empty_totals(key),
        )
    _check_names(estimates, given, known)
    built = _build(estimates, key, given, implied)
    low, high, infeasible, parts = _solve(built)
    n_est = built.n_estimates
    bad_var = infeasible[parts.of_var]
    low = np.where(bad_var, np.nan, low) + 0.0  # -0.0 from a subtraction reads as 0
    high = np.where(bad_var, np.nan, high) + 0.0
    # Tightening never widens: propagation only intersects, and the LP's margin is cut here.
    est_low, est_high = estimates["low"].to_numpy(float), estimates["high"].to_numpy(float)
    tight_low = np.where(bad_var[:n_est], np.nan, np.maximum(low[:n_est], est_low))
    tight_high = np.where(bad_var[:n_est], np.nan, np.minimum(high[:n_est], est_high))
    new_estimates = validate(Estimates, estimates.assign(low_tight=tight_low, high_tight=tight_high))

    kept = result.claims[result.claims["kept"]]
    claim_estimate = _estimate_of_claims(kept, estimates, key)
    lineage_claims, lineage_relations = _lineage(built, parts, kept, claim_estimate)
    totals = _totals(built, new_estimates, key, low, high, parts, lineage_claims, lineage_relations)
    conflicts = _relation_conflicts(
        built, kept, claim_estimate, estimates, key, parts, infeasible, result.conflicts, result.policy
    )
    if len(conflicts):
        conflicts = validate(Conflicts, pd.concat([result.conflicts, conflicts], ignore_index=True))
    else:
        conflicts = result.conflicts
    return replace(result, estimates=new_estimates, totals=totals, conflicts=conflicts)


def _estimate_of_claims(kept: pd.DataFrame, estimates: pd.DataFrame, key: tuple[str, ...]) -> np.ndarray:
    index = estimates[list(key)].assign(_estimate=np.arange(len(estimates)))
    joined = kept[list(key)].merge(index, on=list(key), how="left")
    return joined["_estimate"].to_numpy(dtype=np.intp)


def _joined(component: np.ndarray, text: np.ndarray, wanted: np.ndarray, separator: str) -> pd.Series:
    """Per wanted component, its distinct texts in order, joined by ``separator``."""
    keep = np.isin(component, wanted)
    frame = pd.DataFrame({"component": component[keep], "text": text[keep]}).drop_duplicates()
    frame = frame.sort_values("component", kind="stable")
    if frame.empty:
        return pd.Series(dtype=object)
    owners = frame["component"].to_numpy()
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    pieces = (frame["text"].to_numpy(dtype=object) + separator).astype(object)
    joined = np.add.reduceat(pieces, starts)
    return pd.Series(
        [text[: -len(separator)] for text in joined.tolist()], index=owners[starts], dtype=object
    )


def _lineage(
    built: _Built, parts: prop.Components, kept: pd.DataFrame, claim_estimate: np.ndarray
) -> tuple[pd.Series, pd.Series]:
    """Per component holding a derived quantity: its kept claims and its relations' texts."""
    wanted = np.unique(parts.of_var[built.n_estimates : built.n_estimates + len(built.derived_counts)])
    claims = _joined(parts.of_var[claim_estimate], kept["claim_id"].to_numpy(dtype=object), wanted, ", ")
    texts = np.array(built.relation_texts, dtype=object)[built.row_relation]
    return claims, _joined(parts.of_row, texts, wanted, "; ")


def _empty_totals(key: tuple[str, ...]) -> pd.DataFrame:
    """An empty totals table for ``key`` (validated once per key, then copied)."""
    return _validated_empty_totals(key).copy()


@functools.lru_cache(maxsize=16)
def _validated_empty_totals(key: tuple[str, ...]) -> pd.DataFrame:
    columns: dict[str, Any] = {column: pd.Series(dtype="str") for column in key}
    columns.update(
        low=pd.Series(dtype=float),
        value=pd.Series(dtype=float),
        high=pd.Series(dtype=float),
        unit=pd.Series(dtype="str"),
        low_90=pd.Series(dtype=float),
        high_90=pd.Series(dtype=float),
        claim_ids=pd.Series(dtype="str"),
        relations=pd.Series(dtype="str"),
    )
    return validate(Totals, pd.DataFrame(columns))


def _derived_values(built: _Built, estimates: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values of derived quantities, and their probable interval, from the equalities that define them.

    A derived quantity takes its value from the first equality in which it is the only
    quantity without a value yet, repeated so that totals of totals get one too. Its
    probable interval is read from an equality whose other terms are all claimed, with exact
    coefficients and constants. Both start from each estimate's tightened range where the
    estimates have one, so neither reads a term outside what the relations allow.
    """
    n_est = built.n_estimates
    n_base = n_est + len(built.derived_counts)
    value = np.full(n_base, np.nan)
    # Each estimate as the relations leave it: its tightened range where that is known.
    est_low, est_high = estimates["low"].to_numpy(float), estimates["high"].to_numpy(float)
    if "low_tight" in estimates:
        est_low = np.where(np.isnan(estimates["low_tight"]), est_low, estimates["low_tight"])
        est_high = np.where(np.isnan(estimates["high_tight"]), est_high, estimates["high_tight"])
    value[:n_est] = np.clip(estimates["value"].to_numpy(float), est_low, est_high)
    row, var, coef = built.term_row, built.term_var, built.term_value
    n_rows = len(built.row_equal)
    for _ in range(n_base):
        missing = np.isnan(value[var])
        unknown = np.bincount(row, weights=missing, minlength=n_rows)
        ready = built.row_equal & (unknown == 1)
        at = np.flatnonzero(ready[row] & missing)
        if not len(at):
            break
        known_sum = np.bincount(
            row, weights=np.where(missing, 0.0, coef * np.nan_to_num(value[var])), minlength=n_rows
        )
        solved = (built.row_constant[row[at]] - known_sum[row[at]]) / coef[at]
        first = np.unique(var[at], return_index=True)[1]
        value[var[at][first]] = solved[first]
    # Probable interval: equalities with one derived term, every other term claimed and exact.
    low_90 = np.full(n_base, np.nan)
    high_90 = np.full(n_base, np.nan)
    derived = var >= n_est
    n_derived_in_row = np.bincount(row, weights=derived, minlength=n_rows)
    inexact_in_row = np.bincount(row, weights=~built.term_exact, minlength=n_rows) > 0
    usable = built.row_equal & (n_derived_in_row == 1) & ~inexact_in_row & built.row_constant_exact
    lead = np.flatnonzero(usable[row] & derived)
    first = np.unique(var[lead], return_index=True)[1]
    lead = lead[first]  # one defining row per derived quantity
    defining_row = np.full(n_rows, -1, dtype=np.intp)
    defining_row[row[lead]] = np.arange(len(lead))
    members = np.flatnonzero((defining_row[row] >= 0) & ~derived)
    if len(lead) and len(members):
        sums = defining_row[row[members]]
        scale = coef[lead][sums]
        with np.errstate(over="ignore"):  # ranges past 1e154 square to inf: an open 90% interval
            p_low, p_high = probable_sum(
                est_low[var[members]],
                value[var[members]],
                est_high[var[members]],
                -coef[members] / scale,
                sums,
                len(lead),
            )
        shift = built.row_constant[row[lead]] / coef[lead]
        low_90[var[lead]] = p_low + shift
        high_90[var[lead]] = p_high + shift
    return value[n_est:], low_90[n_est:], high_90[n_est:]


def _totals(
    built: _Built,
    estimates: pd.DataFrame,
    key: tuple[str, ...],
    low: np.ndarray,
    high: np.ndarray,
    parts: prop.Components,
    lineage_claims: pd.Series,
    lineage_relations: pd.Series,
) -> pd.DataFrame:
    n_est = built.n_estimates
    n_derived = len(built.derived_counts)
    if n_derived == 0:
        return _empty_totals(key)
    keys = _derived_keys(built, estimates, key)
    d_low, d_high = low[n_est : n_est + n_derived], high[n_est : n_est + n_derived]
    value, low_90, high_90 = _derived_values(built, estimates)
    value = np.clip(value, d_low, d_high)  # moved into the sound range, as estimates' values are
    low_90 = np.clip(low_90, d_low, d_high)
    high_90 = np.clip(high_90, d_low, d_high)
    component = parts.of_var[n_est : n_est + n_derived]
    totals = keys.assign(
        low=d_low,
        value=value,
        high=d_high,
        unit=built.derived_unit,
        low_90=low_90,
        high_90=high_90,
        claim_ids=lineage_claims.reindex(component).fillna("").to_numpy(dtype=object),
        relations=lineage_relations.reindex(component).fillna("").to_numpy(dtype=object),
    )
    return validate(Totals, totals)


def _claim_ranges(
    kept: pd.DataFrame, estimates: pd.DataFrame, claim_estimate: np.ndarray
) -> tuple[np.ndarray, ...]:
    """Each kept claim's range in its quantity's unit, rounded outward."""
    low = kept["low"].to_numpy(float).copy()
    high = kept["high"].to_numpy(float).copy()
    unit = kept["unit"].to_numpy(dtype=object)
    into = estimates["unit"].to_numpy(dtype=object)[claim_estimate]
    for source, target in set(zip(unit.tolist(), into.tolist(), strict=True)):
        if source == target:
            continue
        at = (unit == source) & (into == target)
        least, _, most = conversion_bounds(source, target)
        low[at], high[at] = times(low[at], high[at], np.full(at.sum(), least), np.full(at.sum(), most))
    return low, high


def _relation_conflicts(
    built: _Built,
    kept: pd.DataFrame,
    claim_estimate: np.ndarray,
    estimates: pd.DataFrame,
    key: tuple[str, ...],
    parts: prop.Components,
    infeasible: np.ndarray,
    existing: pd.DataFrame,
    policy: str,
) -> pd.DataFrame:
    """One conflict per infeasible component, naming an irreducible set of claims.

    Irreducible in the policy's terms: under ``consensus`` and ``conservative`` a quantity's
    range is the meet of its claims, so each claim is a member; under ``envelope`` (the hull)
    and ``priority`` (the top claim) each end of a quantity's range is a member, named by the
    claim that sets it. Without any one member, the rest admit values that satisfy the
    relations.
    """
    bad = np.flatnonzero(infeasible)
    if not len(bad):
        return existing.iloc[:0]
    claim_low, claim_high = _claim_ranges(kept, estimates, claim_estimate)
    est_low, est_high = estimates["low"].to_numpy(float), estimates["high"].to_numpy(float)
    # The claims that set each estimate's ends: the one whose low is nearest the estimate's
    # low, and the one whose high is nearest its high (the first of ties).
    order = np.arange(len(kept))
    with np.errstate(invalid="ignore"):  # an open end beside an open end is 0 apart, set below
        off_low = np.abs(claim_low - est_low[claim_estimate])
        off_high = np.abs(claim_high - est_high[claim_estimate])
    same_low = claim_low == est_low[claim_estimate]  # equal infinities too
    same_high = claim_high == est_high[claim_estimate]
    frame = pd.DataFrame(
        {
            "estimate": claim_estimate,
            "order": order,
            "off_low": np.where(same_low, 0.0, off_low),
            "off_high": np.where(same_high, 0.0, off_high),
        }
    )
    frame = frame.fillna({"off_low": 0.0, "off_high": 0.0})

    def nearest(off: str) -> np.ndarray:
        """Per estimate, the first claim of the smallest ``off``."""
        return frame.sort_values(["estimate", off, "order"]).drop_duplicates("estimate")["order"].to_numpy()

    low_setter, high_setter = nearest("off_low"), nearest("off_high")
    if policy == "priority":  # the estimate is one claim's range: the claim nearest both ends
        frame = frame.assign(off=frame["off_low"] + frame["off_high"])
        low_setter = high_setter = nearest("off")
    low_setter = low_setter[np.isin(parts.of_var[claim_estimate[low_setter]], bad)]
    high_setter = high_setter[np.isin(parts.of_var[claim_estimate[high_setter]], bad)]
    if policy in ("envelope", "priority"):
        # A quantity's range is its estimate's (the hull of its claims, or the top claim's), not
        # the meet of its claims: each end of the range is a member, named by the claim that
        # sets it, and dropping it opens that end.
        member_claim = np.r_[low_setter, high_setter]
        member_estimate = claim_estimate[member_claim]
        member_low = np.r_[est_low[claim_estimate[low_setter]], np.full(len(high_setter), -np.inf)]
        member_high = np.r_[np.full(len(low_setter), np.inf), est_high[claim_estimate[high_setter]]]
    else:  # the estimate is the meet of its claims: each claim that sets an end is a member
        member_claim = np.unique(np.r_[low_setter, high_setter])
        member_estimate = claim_estimate[member_claim]
        member_low, member_high = claim_low[member_claim], claim_high[member_claim]
    chosen = _irreducible(
        built, parts, bad, np.arange(len(member_estimate)), member_estimate, member_low, member_high
    )
    members_of = np.unique(member_claim[chosen])
    member_component = parts.of_var[claim_estimate[members_of]]
    empty = np.setdiff1d(bad, member_component)
    if len(empty):
        texts = _joined(
            parts.of_row, np.array(built.relation_texts, dtype=object)[built.row_relation], empty[:1], "; "
        )
        raise RelationError(
            f"the relations contradict each other whatever the claims say: {texts.iloc[0]}",
            hint="check the relations' signs and numbers; counts of people cannot be negative",
            text=str(texts.iloc[0]),
            position=0,
        )
    order = np.argsort(member_component, kind="stable")
    members_of, member_component = members_of[order], member_component[order]
    number = np.searchsorted(bad, member_component) + 1 + existing["conflict_id"].nunique()
    counts = kept["counts"].to_numpy(dtype=object)[members_of]
    said = (
        kept["claim_id"].to_numpy(dtype=object)[members_of]
        + ": "
        + counts.astype(str)
        + " "
        + np.array(format_numbers(claim_low[members_of], "down"), dtype=object)
        + "–"
        + np.array(format_numbers(claim_high[members_of], "up"), dtype=object)
    )
    claims_said = _joined(member_component, said, bad, "; ")
    texts = _joined(parts.of_row, np.array(built.relation_texts, dtype=object)[built.row_relation], bad, "; ")
    negative = _negative_counts(built, parts, bad)
    reason = np.where(
        negative.reindex(member_component).notna().to_numpy(),
        "; by "
        + texts.reindex(member_component).to_numpy(dtype=object)
        + ", "
        + negative.reindex(member_component).fillna("").to_numpy(dtype=object)
        + "; a count is never below 0",
        "; no values in these ranges satisfy " + texts.reindex(member_component).to_numpy(dtype=object),
    )
    message = claims_said.reindex(member_component).to_numpy(dtype=object) + reason
    rows = kept.iloc[members_of][["claim_id", *key]].reset_index(drop=True)
    return pd.concat(
        [
            pd.DataFrame({"conflict_id": "C" + pd.Series(number).astype(str), "kind": "relation"}),
            rows,
            pd.DataFrame({"message": message}),
        ],
        axis=1,
    )[["conflict_id", "kind", "claim_id", *key, "message"]]


def _negative_counts(built: _Built, parts: prop.Components, bad: np.ndarray) -> pd.Series:
    """Per infeasible component whose only failure is a derived count below 0: what it would be.

    Such a component is satisfiable once its derived counts may be negative (a decrease
    written as an increment, ``added = after - before`` with ``after < before``); the
    message then names the derived count and its range, rather than the relation alone.
    """
    n_est, n_base = built.n_estimates, built.n_estimates + len(built.derived_counts)
    derived = np.arange(n_est, n_base)
    counting = derived[built.low[n_est:n_base] == 0.0]  # a derived count starts at 0
    in_bad = np.isin(parts.of_var, bad)
    if not len(counting) or not in_bad[counting].any():
        return pd.Series(dtype=object)
    low = built.low.copy()
    low[counting] = -np.inf
    low, high = prop.propagate(built.system, low, built.high.copy(), settle=parts.is_tree[parts.of_var])
    empty = np.bincount(parts.of_var, weights=low > high, minlength=parts.count) > 0
    below = counting[in_bad[counting] & (high[counting] < 0) & ~empty[parts.of_var[counting]]]
    if not len(below):
        return pd.Series(dtype=object)
    shown_low = np.array(format_numbers(low[below], "down"), dtype=object)
    shown_high = np.array(format_numbers(high[below], "up"), dtype=object)
    shown = np.where(shown_low == shown_high, shown_high, shown_low + " to " + shown_high)
    said = (
        built.derived_counts[below - n_est].astype(str) + " would be negative (" + shown.astype(str) + ")"
    ).astype(object)
    return _joined(parts.of_var[below], said, bad, " and ")


def _subsystem(built: _Built, parts: prop.Components, wanted: np.ndarray) -> tuple[prop.System, np.ndarray]:
    """The rows and links of the wanted components, with their variables numbered from 0."""
    system = built.system
    variables = np.flatnonzero(np.isin(parts.of_var, wanted))
    local = np.full(system.n, -1, dtype=np.intp)
    local[variables] = np.arange(len(variables))
    rows = np.flatnonzero(np.isin(parts.of_row, wanted))
    row_local = np.full(system.n_rows, -1, dtype=np.intp)
    row_local[rows] = np.arange(len(rows))
    terms = row_local[system.term_row] >= 0
    links = np.isin(parts.of_link, wanted)
    sub = prop.System(
        n=len(variables),
        term_row=row_local[system.term_row[terms]],
        term_var=local[system.term_var[terms]],
        term_coef=system.term_coef[terms],
        row_low=system.row_low[rows],
        row_high=system.row_high[rows],
        link_y=local[system.link_y[links]],
        link_x=local[system.link_x[links]],
        link_low=system.link_low[links],
        link_high=system.link_high[links],
    )
    return sub, variables


def _irreducible(
    built: _Built,
    parts: prop.Components,
    bad: np.ndarray,
    candidates: np.ndarray,
    claim_estimate: np.ndarray,
    claim_low: np.ndarray,
    claim_high: np.ndarray,
) -> np.ndarray:
    """A deletion filter, run on every infeasible component at once; returns the claims kept.

    Step ``k`` tries each component without its ``k``-th remaining candidate claim; where
    the rest still admit no values, that claim is dropped for good. What is left is
    irreducible: without any one of its claims, the others (a subset of a set found
    satisfiable) are satisfiable. Trees are decided by one propagation over all components;
    components with cycles also by HiGHS, one component at a time.
    """
    sub, variables = _subsystem(built, parts, bad)
    local = np.full(built.system.n, -1, dtype=np.intp)
    local[variables] = np.arange(len(variables))
    base_low, base_high = built.low[variables].copy(), built.high[variables].copy()
    claimed = variables < built.n_estimates
    # Without its claims a quantity is free, but a count is never negative.
    base_low[claimed] = np.where(built.counting[variables[claimed]], 0.0, -np.inf)
    base_high[claimed] = np.inf
    component = parts.of_var[variables]
    label = np.searchsorted(bad, component)  # components numbered 0..len(bad)-1
    at = local[claim_estimate[candidates]]
    owner = label[at]
    cyclic = np.flatnonzero(~parts.is_tree[bad])

    def unsatisfiable(active: np.ndarray) -> np.ndarray:
        low, high = base_low.copy(), base_high.copy()
        np.maximum.at(low, at[active], claim_low[candidates[active]])
        np.minimum.at(high, at[active], claim_high[candidates[active]])
        low, high = prop.propagate(sub, low, high, settle=parts.is_tree[bad][label])
        empty = np.bincount(label, weights=low > high, minlength=len(bad)) > 0
        for c in cyclic[~empty[cyclic]].tolist():  # components with cycles: HiGHS decides
            one, members = _subsystem(built, parts, bad[c : c + 1])
            inside = local[members]
            empty[c] = not prop.feasible(one, low[inside], high[inside], tree=False)
        return empty

    active = np.ones(len(candidates), dtype=bool)
    # Rounding can make a component's claims satisfiable where its estimates are not: such
    # a component keeps every candidate.
    settled = ~unsatisfiable(active)
    order = np.lexsort((np.arange(len(candidates)), owner))
    rank = np.empty(len(candidates), dtype=np.intp)
    starts = np.r_[0, np.cumsum(np.bincount(owner, minlength=len(bad)))[:-1]]
    rank[order] = np.arange(len(candidates)) - starts[owner[order]]
    for k in range(int(rank.max(initial=-1)) + 1):
        trying = (rank == k) & ~settled[owner]
        if not trying.any():
            continue
        still = unsatisfiable(active & ~trying)
        active &= ~(trying & still[owner])
    return candidates[active]


# -- adjustment ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)
class Adjustment:
    """What :func:`adjust` found: the adjusted values and the tests of the claims.

    Attributes:
        quantities: one row per quantity the relations name (:class:`reconcile.schemas.Adjustments`).
        chi2: the global test statistic, the sum of squared adjustments in standard deviations.
        dof: its degrees of freedom (the number of independent relations).
        p_value: the chance of a ``chi2`` at least this large if every claim were right up to
            its noise (NaN when ``dof`` is 0).
        critical: the ``|standardized|`` above which a claim is flagged.

    Examples:
        >>> import reconcile as rc
        >>> claims = rc.to_claims([rc.Figure.exact(3, counts="a"), rc.Figure.between(0, 10, counts="b")])
        >>> rc.adjust(claims, ["b = a"], key=("counts",)).quantities["adjusted"].tolist()
        [3.0, 3.0]

    """

    quantities: pd.DataFrame
    chi2: float
    dof: int
    p_value: float
    critical: float

    def __repr__(self) -> str:
        return (
            f"Adjustment(quantities={len(self.quantities)}, chi2={self.chi2:.3g}, dof={self.dof}, "
            f"p_value={self.p_value:.3g}, flagged={int(self.quantities['flagged'].sum())})"
        )


def adjust(
    claims: pd.DataFrame,
    relations: Sequence[Relation | str],
    *,
    key: Sequence[str] = ("counts", "place", "as_of"),
    policy: str = "consensus",
    weights: Mapping[str, float] | None = None,
    level: float = 0.90,
    alpha: float = 0.05,
) -> Adjustment:
    """The values closest to the claims that satisfy the equality relations exactly.

    Weighted least-squares data reconciliation. Each quantity's consensus estimate (as
    :func:`reconcile.reconcile` finds it) is read as its value plus a normal error whose
    standard deviation makes the estimate's range a central ``level`` interval; errors are
    independent; the relations hold exactly. The adjusted values minimise the sum of
    squared adjustments in standard deviations. A quantity no claim gives, or whose range
    is open, is free: the relations set it. The global chi-square test says whether the
    claims fit the relations up to their noise; each claim's standardized adjustment, above
    a Bonferroni-shared normal quantile at ``alpha``, flags it as suspect.

    Only equalities take part; a figure coefficient counts at its value (its range is not
    used). For ranges that must hold whatever the noise, use the tightened ranges of
    :func:`reconcile.reconcile` instead.

    Args:
        claims: a claims table.
        relations: equality relations, as text or :class:`Relation`.
        key: the columns that name a quantity, as in :func:`reconcile.reconcile`.
        policy: the policy that makes each quantity's estimate.
        weights: a weight per source name, as in :func:`reconcile.reconcile`.
        level: the probability a claim's range is read to hold.
        alpha: the chance of flagging any claim when all are right.

    Returns:
        An :class:`Adjustment`.

    Raises:
        ArgumentError: an inequality among the relations, or bad arguments.
        RelationError: a relation that cannot be read or names an unknown quantity.
        RangeError: exact claims that contradict each other through the relations.

    Examples:
        Foreign troops reported beside their parts (the U.S. and coalition figures are from
        a CNN report of 17 October 2016; the foreign total is invented for the example):

        >>> import reconcile as rc
        >>> claims = rc.to_claims([
        ...     rc.Figure.between(8500, 10500, counts="troops/foreign", source="invented"),
        ...     rc.Figure.about(5000, counts="troops/us", source="U.S. officials"),
        ...     rc.Figure.about(3600, counts="troops/coalition", source="CNN"),
        ... ])
        >>> result = rc.adjust(claims, ["troops/foreign = troops/us + troops/coalition"], key=("counts",))
        >>> result.quantities[["counts", "value", "adjusted", "flagged"]].round(0)
                     counts   value  adjusted  flagged
        0  troops/coalition  3600.0    3623.0    False
        1    troops/foreign  9500.0    8798.0    False
        2         troops/us  5000.0    5175.0    False
        >>> result.dof
        1

    """
    from reconcile.consensus import reconcile as run

    if not isinstance(relations, Sequence) or isinstance(relations, str) or not relations:
        raise ArgumentError(
            f"relations must be a non-empty list of relations (got {relations!r})",
            hint="pass e.g. ['troops/foreign = troops/us + troops/coalition']",
        )
    result = run(claims, key=key, policy=policy, weights=weights, implied_parts=False)
    estimates = result.estimates
    if "counts" not in result.key:
        raise ArgumentError("relations need 'counts' in the key", hint="keep 'counts' in the key")
    given, known = _read_with_names(relations, estimates["counts"].dropna().unique().tolist())
    unequal = [relation.text for relation in given if relation.operator != "="]
    if unequal:
        raise ArgumentError(
            f"adjust uses equalities only (got {unequal[0]!r})",
            hint="leave inequalities out of adjust; rc.reconcile(claims, relations=...) checks them",
        )
    _check_names(estimates, given, known)
    built = _build(estimates, result.key, given)
    n_est = built.n_estimates
    n_base = n_est + len(built.derived_counts)
    used = np.unique(built.term_var)
    local = np.full(n_base, -1, dtype=np.intp)
    local[used] = np.arange(len(used))
    matrix = _sparse(built.term_row, local[built.term_var], built.term_value, len(built.row_equal), len(used))
    claimed = used < n_est
    est = estimates.iloc[used[claimed]]
    x = np.full(len(used), np.nan)
    sigma = np.full(len(used), np.inf)
    x[claimed] = est["value"].to_numpy(float)
    sigma[claimed] = sigma_from_range(est["low"].to_numpy(float), est["high"].to_numpy(float), level=level)
    fit = adjust_linear(x, sigma, matrix, built.row_constant, alpha=alpha)
    keys = pd.concat(
        [
            est[list(result.key)],
            _derived_keys(built, estimates, result.key).iloc[used[~claimed] - n_est],
        ],
        ignore_index=True,
    )
    unit = np.r_[est["unit"].to_numpy(dtype=object), built.derived_unit[used[~claimed] - n_est]]
    order = np.r_[np.flatnonzero(claimed), np.flatnonzero(~claimed)]
    table = keys.assign(
        low=np.r_[est["low"].to_numpy(float), np.full((~claimed).sum(), -np.inf)],
        value=x[order],
        high=np.r_[est["high"].to_numpy(float), np.full((~claimed).sum(), np.inf)],
        unit=unit,
        sigma=sigma[order],
        adjusted=fit.values[order],
        standardized=fit.standardized[order],
        flagged=fit.flagged[order],
    )
    return Adjustment(
        quantities=validate(Adjustments, table),
        chi2=fit.chi2,
        dof=fit.dof,
        p_value=fit.p_value,
        critical=fit.critical,
    )


def _sparse(row: np.ndarray, col: np.ndarray, value: np.ndarray, n_rows: int, n_cols: int) -> Any:
    from scipy import sparse

    return sparse.csr_matrix((value, (row, col)), shape=(n_rows, n_cols))


def _derived_keys(built: _Built, estimates: pd.DataFrame, key: tuple[str, ...]) -> pd.DataFrame:
    """The key columns of each derived quantity: its group's values and its counts path."""
    _, groups = _groups(estimates, key)
    keys = groups.iloc[built.derived_group].reset_index(drop=True)
    return keys.assign(counts=built.derived_counts)[list(key)]
