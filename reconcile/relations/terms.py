"""The terms of a relation: :class:`Term`, and the one reader of a relation's sides into terms.

:mod:`reconcile.relations.text` reads a relation's text through :func:`read_terms`: sums of
terms on both sides of a comparison, each term numbers, figures and claimed coefficients
multiplied, times at most one quantity (:mod:`reconcile.relations.tokens` gives the tokens);
a quantity may be dated to an end of its flows' span (``@start``, ``@end``), and a side may be
a union of overlapping groups (:mod:`reconcile.relations.unions`).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass

from reconcile.errors import Reason, RelationError
from reconcile.figure import Figure
from reconcile.relations.tokens import (
    Token,
    caret,
    checked_number,
    checked_product,
    number,
    relation_error,
    tokenize,
)
from reconcile.relations.unions import read_union, starts_union, union_error

_OPERATORS = {"=": "=", "==": "=", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">="}

#: The time suffixes of a stock and flow relation's terms.
_TIMES = ("start", "end")
# Words for the ends of a span that a writer may reach for instead of the suffixes.
_TIME_WORDS = {"begin": "start", "beginning": "start", "first": "start", "finish": "end", "last": "end"}

_TIME_HINT = (
    "write '@start' after a quantity for its value on the day the flows' span starts and '@end' "
    "for the day it ends, e.g. 'displaced/current@end = displaced/current@start + displaced/new "
    "- displaced/returned', where displaced/new and displaced/returned are claimed over a span "
    "such as 2017-09-20/2017-12-31"
)


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a relation: numbers, figures and claimed coefficients multiplied, times a quantity or not.

    Attributes:
        coefficient: the numbers of the term multiplied, with the sign it has when the
            relation is written as ``left - right`` (terms of the right side are negated):
            0 (a constant term only), or between 10**-15 and 10**15 in size, as is each
            number written (``LARGEST`` says why).
        figures: the names of the figures the term is multiplied by (bound in
            :meth:`Relation.parse`'s ``figures``).
        quantity: the ``counts`` path of the quantity, or None for a constant term.
        position: the character where the term starts in the relation's text.
        side: ``"left"`` or ``"right"`` of the comparison.
        at: ``"start"`` or ``"end"`` for a stock dated to the day the span of the relation's
            flows starts or ends (``displaced/current@end``); None for a term of the span itself.
        factors: the ``counts`` paths of the claimed quantities the term is multiplied by (a
            share claimed as a dimensionless figure), each a coefficient whose range is its
            estimate's in the relation's group.

    Examples:
        >>> import reconcile as rc
        >>> rc.Relation.parse("a = 2 * b").terms[1]
        Term(coefficient=-2.0, figures=(), quantity='b', position=4, side='right', at=None, factors=())
        >>> rc.Relation.parse("a = share * b", names=["share"]).terms[1].factors
        ('share',)
        >>> rc.Relation.parse("stock@end = stock@start + new").terms[0].at
        'end'

    """

    coefficient: float
    figures: tuple[str, ...]
    quantity: str | None
    position: int
    side: str
    at: str | None = None
    factors: tuple[str, ...] = ()


def read_terms(
    text: str,
    figures: Mapping[str, Figure],
    known: re.Pattern[str] | None = None,
    names: AbstractSet[str] = frozenset(),
) -> tuple[str, tuple[Term, ...]]:
    """The relation's operator and terms (the right side's negated), ``known`` names read whole.

    ``text`` is the relation without its scope; a name in ``figures`` is a figure, and one of
    ``names`` may multiply another quantity as its coefficient.

    Raises:
        RelationError: the text cannot be read (``.position`` is the character); a number
            is infinite (:attr:`Reason.NOT_FINITE`) or, written or multiplied out in its
            term, outside what a relation's arithmetic holds (:attr:`Reason.OVERFLOW`:
            :func:`~reconcile.relations.tokens.checked_number`).

    Examples:
        >>> read_terms("pin = union(pin/health, pin/wash)", {})[0]
        'union'
        >>> [(term.coefficient, term.factors, term.quantity) for term in read_terms(
        ...     "pgf = share * all - 5", {}, names={"share"})[1]]
        [(1.0, (), 'pgf'), (-1.0, ('share',), 'all'), (5.0, (), None)]

    """
    tokens = tokenize(text, known)
    terms: list[Term] = []
    operator: str | None = None
    side = 1.0
    index = 0
    expect_term = True
    sign = 1.0
    start = None
    union_at: int | None = None
    while True:
        kind, token, position = tokens[index]
        side_name = "left" if side > 0 else "right"
        if expect_term:
            if kind == "sign":
                if start is not None:  # a second sign before a term
                    raise relation_error("expected a quantity, a number or a figure", text, position)
                sign = -1.0 if token in "-−" else 1.0
                start = position
                index += 1
                continue
            if starts_union(tokens, index):
                if start is not None or any(term.side == side_name for term in terms):
                    raise union_error("a union is a whole side of '='", text, position)
                parts, index = read_union(tokens, index, text, figures)
                terms += [Term(side, (), name, at, side_name) for name, at in parts]
                if tokens[index][0] not in ("operator", "end"):
                    raise union_error("a union is a whole side of '='", text, tokens[index][2])
                union_at, expect_term = position, False
                continue
            if kind not in ("number", "name", "quoted"):
                raise relation_error("expected a quantity, a number or a figure", text, position)
            term, index = _term(tokens, index, text, figures, sign * side, start, side_name, names)
            terms.append(term)
            expect_term, sign, start = False, 1.0, None
            continue
        if kind == "sign":
            expect_term = True
            continue
        if kind == "operator":
            if operator is not None:
                raise relation_error("a relation has one '=', '<=' or '>='", text, position)
            operator, side, expect_term = _OPERATORS[token], -1.0, True
            index += 1
            continue
        if kind == "end":
            break
        raise relation_error(f"expected '+', '-', '*' or a comparison, not {token!r}", text, position)
    if operator is None:
        raise relation_error("a relation needs '=', '<=' or '>='", text, len(text))
    if union_at is not None:
        operator = _union_operator(operator, terms, text, union_at)
    quantities = [term for term in terms if term.quantity is not None]
    if not quantities:
        raise relation_error("a relation names at least one quantity", text, 0)
    dated = [term for term in quantities if term.at is not None]
    if dated and len(dated) == len(quantities):
        raise relation_error(
            f"'{dated[0].quantity}@{dated[0].at}' is dated by the span of the relation's flows, "
            "but every quantity has a time suffix, so no flow gives the span",
            text,
            dated[0].position,
            hint="name at least one flow without a suffix; " + _TIME_HINT,
        )
    return operator, tuple(terms)


def _term(
    tokens: list[Token],
    index: int,
    text: str,
    figures: Mapping[str, Figure],
    sign: float,
    start: int | None,
    side: str,
    names: AbstractSet[str] = frozenset(),
) -> tuple[Term, int]:
    """Read ``factor (* factor)*`` from ``index``; return the term and the next index.

    Of the quantities of a product, all but the last are coefficients, each one of ``names``.
    """
    numbers: list[float] = []
    named: list[str] = []
    factors: list[str] = []
    quantity: str | None = None
    quantity_at = dated = None
    position = tokens[index][2]
    while True:
        kind, token, at = tokens[index]
        read_quantity = False
        if kind == "number":
            numbers.append(checked_number(number(token), text, at, token))
        elif kind in ("name", "quoted"):
            name = token.strip("`").strip() if kind == "quoted" else token
            if not name:
                raise relation_error("an empty name", text, at)
            if kind == "name" and starts_union(tokens, index):
                raise union_error("a union is a whole side of '=', not a factor", text, at)
            if kind == "name" and name in figures:
                named.append(name)
            elif quantity is not None:
                if quantity not in names or dated is not None:
                    raise _not_linear(quantity, name, text, (at, quantity_at or 0), dated, names)
                factors.append(quantity)
                quantity, quantity_at, read_quantity = name, at, True
            else:
                quantity, quantity_at, read_quantity = name, at, True
        else:
            raise relation_error("expected a quantity, a number or a figure", text, at)
        index += 1
        if tokens[index][0] == "at":
            dated = _time_suffix(tokens[index], token, read_quantity, text)
            index += 1
        if tokens[index][0] != "times":
            break
        index += 1
    coefficient = sign * checked_product(numbers, text, position)
    if coefficient == 0 and quantity is not None:
        raise relation_error(f"{quantity!r} is multiplied by 0", text, position, hint="leave the term out")
    return Term(coefficient + 0.0, tuple(named), quantity, position, side, dated, tuple(factors)), index


def _not_linear(
    quantity: str, name: str, text: str, where: tuple[int, int], dated: str | None, names: AbstractSet[str]
) -> RelationError:
    """The error for ``quantity * name`` where ``quantity`` cannot be a claimed coefficient.

    ``where`` is the character of ``name``, then of ``quantity``. Where the claims' names are
    known, a coefficient none of them gives is an unknown quantity, and the nearest names
    are the hint.
    """
    at, quantity_at = where
    if dated is not None:
        problem = f"'{quantity}@{dated}' times {name!r}: a coefficient has no time suffix"
    elif names:
        near = difflib.get_close_matches(quantity, sorted(names), n=3, cutoff=0.5)
        return RelationError(
            f"no claim gives {quantity!r}, so it cannot multiply {name!r} "
            f"at character {quantity_at} of {text!r}",
            hint=(f"did you mean {', '.join(map(repr, near))}? " if near else "")
            + "a quantity multiplies another only when the claims give it (a share claimed as "
            "'around a third'); otherwise bind a figure by name in figures= or in a relations file "
            "('share = around a third')",
            details=caret(text, quantity_at),
            text=text,
            position=quantity_at,
            quantity=quantity,
            nearest=tuple(near),
            reason=Reason.UNKNOWN_QUANTITY,
        )
    else:
        problem = f"{quantity!r} times {name!r} is a product of two quantities"
    return relation_error(
        problem,
        text,
        at,
        hint="a relation is linear: multiply a quantity by numbers, by figures passed in figures= "
        "(such as a household size), or by a quantity the claims give (a share), written first: "
        "pass the claims' names (names=claims['counts']), or pass the relation as text to "
        "rc.reconcile, which reads it with them",
        reason=Reason.NOT_LINEAR,
    )


def _union_operator(operator: str, terms: list[Term], text: str, at: int) -> str:
    """``"union"`` for a union beside ``=`` and one bare quantity, its whole; else the error."""
    if operator != "=":
        raise union_error(f"a union is one side of '=', not of {operator!r}", text, at)
    sides = [term.side for term in terms]
    whole = [term for term in terms if sides.count(term.side) == 1]
    if len(whole) != 1 or whole[0].quantity is None or whole[0].at is not None:
        raise union_error(
            "the other side of a union is the one quantity it is the union of, undated", text, at
        )
    if whole[0].figures or whole[0].factors or abs(whole[0].coefficient) != 1:
        raise union_error("the whole of a union is a quantity, not multiplied", text, whole[0].position)
    return "union"


def _time_suffix(suffix: Token, factor: str, after_quantity: bool, text: str) -> str:
    """The time a suffix (``@start``, ``@end``) dates the quantity ``factor`` to."""
    _, written, at = suffix
    if not after_quantity:
        raise relation_error(
            f"{written!r} follows {factor!r}, which is not a quantity", text, at, hint=_TIME_HINT
        )
    time = written[1:]
    if time not in _TIMES:
        near = [_TIME_WORDS[time.lower()]] if time.lower() in _TIME_WORDS else []
        near = near or difflib.get_close_matches(time.lower(), _TIMES, n=1, cutoff=0.5)
        problem = (
            "expected 'start' or 'end' right after '@'" if not time else f"unknown time suffix {written!r}"
        )
        guess = f"did you mean '@{near[0]}'? " if near else ""
        raise relation_error(problem, text, at, hint=guess + _TIME_HINT)
    return time
