"""Relation text: :class:`Term`, :class:`Relation`, and the one reader of relations.

A relation is read from text once, token by token (:mod:`reconcile.relations.tokens`): names
are paths of words, read whole when the claims give them or a relation defines them
(:func:`read_with_names`), so a ``-`` inside a known name is not a minus; a name may end in a
time suffix (``@start``, ``@end``) that dates a stock to an end of its flows' span. A scope in
brackets may end the text (``[place=Mosul, as_of=2017-09-09]``: :mod:`reconcile.relations.scopes`).
:func:`check_names` holds the relations to the quantities the claims give.
"""

from __future__ import annotations

import copy
import difflib
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from reconcile.errors import ArgumentError, Reason, RelationError
from reconcile.figure import Figure
from reconcile.relations.scopes import ScopePairs, check_scope, joined_scope, scope_text, split_scope
from reconcile.relations.tokens import Token, as_written, caret, known_names, number, relation_error, tokenize

_OPERATORS = {"=": "=", "==": "=", "<=": "<=", ">=": ">=", "≤": "<=", "≥": ">="}

_BARE_NAME = re.compile(r"[A-Za-z_][\w.]*(?:/[\w.]+)*\Z")

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
    """One term of a relation: numbers and figures multiplied, times at most one quantity.

    Attributes:
        coefficient: the numbers of the term multiplied, with the sign it has when the
            relation is written as ``left - right`` (terms of the right side are negated).
        figures: the names of the figures the term is multiplied by (bound in
            :meth:`Relation.parse`'s ``figures``).
        quantity: the ``counts`` path of the quantity, or None for a constant term.
        position: the character where the term starts in the relation's text.
        side: ``"left"`` or ``"right"`` of the comparison.
        at: ``"start"`` or ``"end"`` for a stock dated to the day the span of the relation's
            flows starts or ends (``displaced/current@end``); None for a term of the span itself.

    Examples:
        >>> import reconcile as rc
        >>> rc.Relation.parse("a = 2 * b").terms[1]
        Term(coefficient=-2.0, figures=(), quantity='b', position=4, side='right', at=None)
        >>> rc.Relation.parse("stock@end = stock@start + new").terms[0].at
        'end'

    """

    coefficient: float
    figures: tuple[str, ...]
    quantity: str | None
    position: int
    side: str
    at: str | None = None


@dataclass(frozen=True, slots=True)
class Relation:
    """A linear relation between quantities, such as ``troops/foreign = troops/us + troops/coalition``.

    Read one from text with :meth:`parse`, or build one with :meth:`total` or
    :meth:`part_of`. Within :func:`reconcile.reconcile`, a relation holds in a group of the
    key's other columns (by default a ``place`` and an ``as_of``) where every quantity it
    names is present (claimed there, or derived there by another relation), but for at most
    one, which an equality derives; an inequality derives nothing, so it holds where all its
    quantities are present. ``scope`` limits the groups to those it names. A stock and flow
    relation (terms dated ``@start`` and ``@end``) holds over each span at which one of its
    flows is present, and reaches the stocks on the span's first and last days.

    Attributes:
        text: the relation as written, without a scope in brackets (``str(relation)`` adds it).
        operator: ``"="``, ``"<="`` or ``">="``.
        terms: the terms of both sides, the right side's negated, so the relation reads
            ``Σ terms operator 0``.
        figures: the figures the terms are multiplied by, by name.
        scope: where the relation holds, as sorted (key column, value) pairs (empty: every
            group); a column given several values is repeated, and a group may have any of them.

    Examples:
        >>> import reconcile as rc
        >>> relation = rc.Relation.parse("troops/foreign = troops/us + troops/coalition")
        >>> relation.quantities
        ('troops/foreign', 'troops/us', 'troops/coalition')
        >>> rc.Relation.total(["displaced/current", "displaced/returned"], counts="displaced/fled")
        Relation('displaced/fled = displaced/current + displaced/returned')

    """

    text: str
    operator: str
    terms: tuple[Term, ...]
    figures: tuple[tuple[str, Figure], ...] = ()
    scope: ScopePairs = field(default=())

    @classmethod
    def parse(
        cls,
        text: str,
        *,
        figures: Mapping[str, Figure] | None = None,
        scope: Mapping[str, str | Sequence[str]] | None = None,
        names: Iterable[str] | None = None,
    ) -> Relation:
        """Read a relation: sums of terms on both sides of ``=``, ``<=`` or ``>=``.

        A term is a quantity's ``counts`` path, a number, or a product of them with ``*``;
        a term may be multiplied by a **figure** named in ``figures``, whose range is the
        coefficient's range (a share, a household size). A term without a quantity is a
        constant. ``/`` is part of a name, never a division: write a ratio as a figure
        (``half * residents/2014``) or a number (``0.5 * ...``).

        **Stocks and flows across time.** A quantity followed by ``@start`` or ``@end`` is a
        stock on a day: ``displaced/current@end = displaced/current@start + displaced/new -
        displaced/returned``. The terms without a suffix are the flows, claimed over a span
        (an ``as_of`` such as ``2017-09-20/2017-12-31``, or a period: ``2017-12`` runs from
        1 to 31 December); for each such span, ``@start`` is the quantity of the same place
        whose ``as_of`` is the day the span starts (``2017-09-20``), and ``@end`` the one of
        the day it ends (``2017-12-31``). A stock dated to a month is not dated to a day, so it
        is not one of these. A flow dated to a single day has no span, so the relation does
        not hold there. Write the suffix right after the name (or after its closing backtick).

        **Scope.** A bracket at the end says where the relation holds, as ``scope=`` does:
        ``... [place=Mosul, as_of=2017-09-09]``. It names ``place`` and ``as_of``; a value runs
        to the next ``,``, ``|`` or ``]`` (``place=Cox's Bazar``), or is quoted in backticks;
        ``as_of=2017-09-09|2017-10-01`` holds on either date. :attr:`text` is the relation
        without the bracket; ``str(relation)`` writes it back, so it reads as the same relation.

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
            scope: where the relation holds, as a figure's :class:`reconcile.Scope` says
                where and when: values of the key's columns other than ``counts``, spelled as
                the claims spell them, e.g. ``{"place": "Mosul"}``; a list of values for a
                column holds in any of them. Same as a bracket in the text, if it has one.
            names: quantity names to read whole, such as the ``counts`` paths of a claims
                table.

        Returns:
            The relation.

        Raises:
            RelationError: the text cannot be read; ``.position`` is the character, and the
                message shows it with a caret. A time suffix other than ``@start`` or
                ``@end``, one in a relation whose every quantity has a suffix (no flow
                gives the span), or a bracket that is not a scope, is such an error.
            ArgumentError: ``figures`` or ``scope`` is not a mapping of names to figures / text,
                ``names`` is not a list of names, or the text's bracket and ``scope`` differ.

        Examples:
            The share of residents who remained is a figure ("half", read as a range):

            >>> import reconcile as rc
            >>> half = rc.Figure.between(0.4, 0.6, unit="dimensionless")
            >>> relation = rc.Relation.parse("residents/2016 = share * residents/2014",
            ...                              figures={"share": half})
            >>> relation.terms[1].coefficient, relation.terms[1].figures, relation.terms[1].quantity
            (-1.0, ('share',), 'residents/2014')
            >>> rc.Relation.parse("troops/us <= troops").operator
            '<='
            >>> by_party = "deaths/civilians/pro-government + deaths/civilians/anti-government"
            >>> rc.Relation.parse(f"deaths/civilians = {by_party}",
            ...                   names=by_party.split(" + ")).quantities
            ('deaths/civilians', 'deaths/civilians/pro-government', 'deaths/civilians/anti-government')

            Where it holds, in brackets at the end:

            >>> fled = rc.Relation.parse(
            ...     "displaced/fled = displaced/current + displaced/returned [place=Mosul, as_of=2017-09-09]")
            >>> fled.scope
            (('as_of', '2017-09-09'), ('place', 'Mosul'))
            >>> fled.text
            'displaced/fled = displaced/current + displaced/returned'
            >>> rc.Relation.parse(str(fled)) == fled
            True
            >>> rc.Relation.parse("a = b [place=Mosul]", scope={"place": "Erbil"})
            Traceback (most recent call last):
            ...
            reconcile.errors.ArgumentError: the relation ... is scoped in its text to [place=Mosul] and by ...

            Stocks on the days a span of flows starts and ends:

            >>> stocks = rc.Relation.parse(
            ...     "displaced/current@end = displaced/current@start + displaced/new - displaced/returned")
            >>> [term.at for term in stocks.terms], stocks.quantities
            (['end', 'start', None, None], ('displaced/current', 'displaced/new', 'displaced/returned'))
            >>> rc.Relation.parse("displaced/current@finish = displaced/current@start + displaced/new")
            Traceback (most recent call last):
            ...
            reconcile.errors.RelationError: unknown time suffix '@finish' at character 17 ...
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
                reason=Reason.NOT_TEXT,
            )
        known = known_names(_check_names_argument(names))
        relation = _reading(text, _check_figures(figures), check_scope(scope), known)
        _check_each_once(relation, known)
        return relation

    @classmethod
    def total(
        cls,
        parts: Sequence[str],
        *args: Sequence[str],
        counts: str | None = None,
        scope: Mapping[str, str | Sequence[str]] | None = None,
    ) -> Relation:
        """The relation ``counts = part + part + ...``: the parts, then the whole's name as ``counts``.

        ``scope`` says where it holds, as for :meth:`parse`.

        The order is that of ``rc.total(figures, counts=...)``. The older order,
        ``Relation.total(whole, parts)``, still reads, with a DeprecationWarning; any other
        second positional argument is an :class:`~reconcile.errors.ArgumentError`.

        Examples:
            >>> import reconcile as rc
            >>> rc.Relation.total(["troops/us", "troops/coalition"], counts="troops/foreign").text
            'troops/foreign = troops/us + troops/coalition'

        """
        if len(args) == 1 and counts is None and isinstance(parts, str) and isinstance(args[0], list | tuple):
            written = f"write Relation.total(parts, counts={parts!r})"
            warnings.warn(f"Relation.total(whole, parts) is deprecated: {written}", DeprecationWarning, 2)
            counts, parts, args = parts, args[0], ()
        listed = isinstance(parts, Sequence) and not isinstance(parts, str) and len(parts) > 0
        if args or not listed or not isinstance(counts, str):
            raise ArgumentError(
                "Relation.total takes a non-empty list of parts, then the whole as counts= (got "
                f"{', '.join(map(repr, [parts, *args]))}, counts={counts!r})",
                hint="pass e.g. Relation.total(['troops/us', 'troops/coalition'], counts='troops/foreign')",
                reason=Reason.BAD_ARGUMENT,
            )
        return cls.parse(f"{_quote(counts)} = {' + '.join(_quote(part) for part in parts)}", scope=scope)

    @classmethod
    def part_of(
        cls, part: str, whole: str, *, scope: Mapping[str, str | Sequence[str]] | None = None
    ) -> Relation:
        """The relation ``part <= whole``.

        Examples:
            >>> import reconcile as rc
            >>> rc.Relation.part_of("people in need", "population").text
            '`people in need` <= population'

        """
        return cls.parse(f"{_quote(part)} <= {_quote(whole)}", scope=scope)

    @property
    def quantities(self) -> tuple[str, ...]:
        """The ``counts`` paths the relation names, each once, in the order written."""
        return tuple(dict.fromkeys(term.quantity for term in self.terms if term.quantity is not None))

    @property
    def across_time(self) -> bool:
        """Whether a term is a stock dated to the start or end of the flows' span (``@start``, ``@end``).

        Examples:
            >>> import reconcile as rc
            >>> stock = "displaced/current"
            >>> rc.Relation.parse(f"{stock}@end = {stock}@start + displaced/new").across_time
            True
            >>> rc.Relation.parse("troops/foreign = troops/us + troops/coalition").across_time
            False

        """
        return any(term.at is not None for term in self.terms)

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
        return f"Relation({str(self)!r})"

    def __str__(self) -> str:
        return self.text + scope_text(self.scope)


def _quote(name: str) -> str:
    if not isinstance(name, str) or not name.strip():
        raise ArgumentError(
            f"a quantity is a counts path (got {name!r})",
            hint="pass e.g. 'troops/us'",
            reason=Reason.BAD_COUNTS_PATH,
        )
    return name if _BARE_NAME.match(name) else f"`{name}`"


def _check_figures(figures: Mapping[str, Figure] | None) -> dict[str, Figure]:
    if figures is None:
        return {}
    if not isinstance(figures, Mapping):
        raise ArgumentError(
            f"figures must map names to figures (got {type(figures).__name__})",
            hint="pass e.g. figures={'share': rc.Figure.between(0.4, 0.6, unit='dimensionless')}",
            reason=Reason.BAD_ARGUMENT,
        )
    for name, figure in figures.items():
        if not isinstance(name, str) or not _BARE_NAME.match(name) or "/" in name:
            raise ArgumentError(
                f"a figure's name is a word of letters, digits and '_' (got {name!r})",
                hint="name figures such as 'share' or 'household_size'",
                reason=Reason.BAD_ARGUMENT,
            )
        if not isinstance(figure, Figure):
            raise ArgumentError(
                f"figures[{name!r}] must be a Figure (got {type(figure).__name__})",
                hint="read it with rc.parse('about 6', unit='person / family') or build it with rc.Figure",
                reason=Reason.NOT_A_FIGURE,
            )
    return dict(figures)


def _check_names_argument(names: Iterable[str] | None) -> set[str]:
    if names is None:
        return set()
    if isinstance(names, str) or not isinstance(names, Iterable):
        raise ArgumentError(
            f"names must be a list of quantity names (got {names!r:.60})",
            hint="pass e.g. names=['troops/us', 'troops/coalition'], or names=claims['counts']",
            reason=Reason.BAD_ARGUMENT,
        )
    return {name for name in names if isinstance(name, str) and name.strip()}


def _reading(
    text: str,
    figures: dict[str, Figure],
    scope: ScopePairs,
    known: re.Pattern[str] | None,
) -> Relation:
    """The relation ``text`` says, with ``known`` names read whole; each name is not yet checked once.

    A bracket at the end gives the scope, which must agree with ``scope`` where both give one.
    """
    text, written = split_scope(text.strip())
    operator, terms = _read(text, figures, known)
    return Relation(
        text=text,
        operator=operator,
        terms=terms,
        figures=tuple(sorted(figures.items())),
        scope=joined_scope(written, scope, text + scope_text(written)),
    )


def _check_each_once(relation: Relation, known: re.Pattern[str] | None) -> None:
    """A quantity named twice (at one time) is an error; where a split word caused it, the error says so."""
    seen: set[tuple[str, str | None]] = set()
    for term in relation.terms:
        if term.quantity is None:
            continue
        if (term.quantity, term.at) not in seen:
            seen.add((term.quantity, term.at))
            continue
        split = as_written(relation.text, known, term.quantity, term.position)
        if split is None:
            named = term.quantity if term.at is None else f"{term.quantity}@{term.at}"
            raise relation_error(
                f"{named!r} appears twice",
                relation.text,
                term.position,
                hint="name each quantity once: move its terms to one side and add their numbers",
                reason=Reason.REPEATED_QUANTITY,
            )
        raise RelationError(
            f"{term.quantity!r} appears twice at character {term.position} of {relation.text!r}, "
            f"where {split[0]!r} was read as {split[1]}",
            hint="a name with '-' in it is read whole only when it is known: pass the claims' names "
            "to Relation.parse (names=claims['counts']), pass the relation as text in "
            "relations=[...], which reads it with the claims' names, or put the name in backticks",
            details=caret(relation.text, term.position),
            text=relation.text,
            position=term.position,
            reason=Reason.SPLIT_NAME,
        )


def _read(
    text: str, figures: Mapping[str, Figure], known: re.Pattern[str] | None = None
) -> tuple[str, tuple[Term, ...]]:
    """The relation's operator and terms (the right side's negated), ``known`` names read whole."""
    tokens = tokenize(text, known)
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
                    raise relation_error("expected a quantity, a number or a figure", text, position)
                sign = -1.0 if token in "-−" else 1.0
                start = position
                index += 1
                continue
            if kind not in ("number", "name", "quoted"):
                raise relation_error("expected a quantity, a number or a figure", text, position)
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
                raise relation_error("a relation has one '=', '<=' or '>='", text, position)
            operator, side, expect_term = _OPERATORS[token], -1.0, True
            index += 1
            continue
        if kind == "end":
            break
        raise relation_error(f"expected '+', '-', '*' or a comparison, not {token!r}", text, position)
    if operator is None:
        raise relation_error("a relation needs '=', '<=' or '>='", text, len(text))
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
) -> tuple[Term, int]:
    """Read ``factor (* factor)*`` from ``index``; return the term and the next index."""
    coefficient = sign
    named: list[str] = []
    quantity: str | None = None
    dated: str | None = None
    position = tokens[index][2]
    while True:
        kind, token, at = tokens[index]
        read_quantity = False
        if kind == "number":
            coefficient *= number(token)
        elif kind in ("name", "quoted"):
            name = token.strip("`").strip() if kind == "quoted" else token
            if not name:
                raise relation_error("an empty name", text, at)
            if kind == "name" and name in figures:
                named.append(name)
            elif quantity is not None:
                raise relation_error(
                    f"{quantity!r} times {name!r} is a product of two quantities",
                    text,
                    at,
                    hint="a relation is linear: multiply a quantity only by numbers or by "
                    "figures passed in figures= (such as a household size)",
                    reason=Reason.NOT_LINEAR,
                )
            else:
                quantity, read_quantity = name, True
        else:
            raise relation_error("expected a quantity, a number or a figure", text, at)
        index += 1
        if tokens[index][0] == "at":
            dated = _time_suffix(tokens[index], token, read_quantity, text)
            index += 1
        if tokens[index][0] != "times":
            break
        index += 1
    if coefficient == 0 and quantity is not None:
        raise relation_error(f"{quantity!r} is multiplied by 0", text, position, hint="leave the term out")
    return Term(coefficient + 0.0, tuple(named), quantity, position, side, dated), index


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


def _as_relation(
    relation: object,
    index: int,
    known: re.Pattern[str] | None,
    readings: dict[tuple[str, tuple[tuple[str, Figure], ...]], Relation],
) -> Relation:
    """A relation given as text or as a :class:`Relation`, read (again) with ``known`` names whole.

    ``readings`` holds the relations already read with ``known``, by text and figures: the same
    text in many scopes (one relation per place) is read once. Text keeps the scope its
    bracket gives.
    """
    scope: ScopePairs | None
    if isinstance(relation, Relation):
        text, figures, scope = relation.text, relation.figures, relation.scope
    elif isinstance(relation, str):
        text, figures, scope = relation, (), None
    else:
        raise ArgumentError(
            f"relations[{index}] is a {type(relation).__name__}, not a relation",
            hint="pass relations as text or as rc.Relation objects",
            reason=Reason.BAD_ARGUMENT,
        )
    read = readings.get((text, figures))
    if read is None:
        read = readings[text, figures] = _reading(text, dict(figures), (), known)
    if scope is None or read.scope == scope:
        return read
    # The same reading in another scope: its text and terms are already checked.
    twin = copy.copy(read)
    object.__setattr__(twin, "scope", scope)
    return twin


def read_with_names(
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
        known = known_names(names)
        read: list[Relation] = []
        readings: dict[tuple[str, tuple[tuple[str, Figure], ...]], Relation] = {}
        failure: RelationError | None = None
        for index, relation in enumerate(relations):  # one per relation given; each text is read once
            try:
                read.append(_as_relation(relation, index, known, readings))
            except RelationError as error:
                failure = error if failure is None else failure
        defined = {name for relation in readings.values() for name in relation.defines} - names
        if not defined:
            if failure is not None:
                raise failure
            return read, known
        names |= defined


def check_names(estimates: pd.DataFrame, relations: list[Relation], known: re.Pattern[str] | None) -> None:
    """Every quantity a relation names is claimed somewhere or defined by a relation, and named once.

    ``known`` is the pattern of names the relations were read with; where a name no claim
    gives was cut from a longer word ("deaths/civilians/pro-government" read as
    ``deaths/civilians/pro - government``), the error says how, and looks for the nearest
    known names to the whole word.
    """
    claimed = set(estimates["counts"].dropna().astype(str).unique().tolist())
    distinct = {relation.text: relation for relation in relations}.values()  # one per text
    defined = {name for relation in distinct for name in relation.defines}
    for relation in relations:
        for term in relation.terms:
            if term.quantity is None or term.quantity in claimed or term.quantity in defined:
                continue
            names = sorted(claimed | defined)
            split = as_written(relation.text, known, term.quantity, term.position)
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
                details=caret(relation.text, term.position),
                text=relation.text,
                position=term.position,
                quantity=term.quantity,
                nearest=tuple(near),
                reason=Reason.UNKNOWN_QUANTITY,
            )
    for relation in relations:
        _check_each_once(relation, known)
