"""Relation text: :class:`Relation`, read from text once, and held to the quantities the claims give.

A relation is read from text once, token by token (:mod:`reconcile.relations.tokens`), into
terms (:mod:`reconcile.relations.terms`): names are paths of words, read whole when the claims
give them or a relation defines them (:func:`read_with_names`), so a ``-`` inside a known name
is not a minus; a name may end in a time suffix (``@start``, ``@end``) that dates a stock to an
end of its flows' span; a claimed quantity may multiply another (a share). One side may be a
union of overlapping groups (``union(pin/health, pin/wash)``: :mod:`reconcile.relations.unions`).
A scope in brackets may end the text (``[place=Mosul, as_of=2017-09-09]``:
:mod:`reconcile.relations.scopes`). :func:`check_names` holds the relations to the quantities
the claims give.
"""

from __future__ import annotations

import copy
import difflib
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

import pandas as pd

from reconcile.errors import ArgumentError, Reason, RelationError
from reconcile.figure import Figure
from reconcile.relations.scopes import ScopePairs, check_scope, joined_scope, scope_text, split_scope
from reconcile.relations.terms import Term, read_terms
from reconcile.relations.tokens import LARGEST, as_written, caret, known_names, relation_error
from reconcile.relations.unions import whole_of

__all__ = ["Relation", "Term", "check_names", "read_with_names"]

_BARE_NAME = re.compile(r"[A-Za-z_][\w.]*(?:/[\w.]+)*\Z")


@dataclass(frozen=True, slots=True)
class Relation:
    """A linear relation between quantities, such as ``troops/foreign = troops/us + troops/coalition``.

    Read one from text with :meth:`parse`, or build one with :meth:`total` or
    :meth:`part_of`. Within :func:`reconcile.reconcile`, a relation holds in a group of the
    key's other columns (by default a ``place`` and an ``as_of``) where every quantity it
    names is present (claimed there, or derived there by another relation), but for at most
    one, which an equality derives; an inequality derives nothing, so it holds where all its
    quantities are present. A union holds where all its parts are present, and derives its
    whole. A quantity that multiplies another as a coefficient must be claimed in the group.
    ``scope`` limits the groups to those it names. A stock and flow relation (terms dated
    ``@start`` and ``@end``) holds over each span at which one of its flows is present, and
    reaches the stocks on the span's first and last days.

    Attributes:
        text: the relation as written, without a scope in brackets (``str(relation)`` adds it).
        operator: ``"="``, ``"<="`` or ``">="``; ``"union"`` for ``whole = union(part, ...)``,
            whose whole lies between its largest part and the sum of its parts.
        terms: the terms of both sides, the right side's negated, so the relation reads
            ``Σ terms operator 0`` (a union's: its whole, and its parts, each alone).
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
        each number, and the product of a term's numbers, is 0 or between 10**-15 and 10**15
        in size (``reconcile.relations.tokens.LARGEST`` says why);
        a term may be multiplied by a **figure** named in ``figures``, whose range is the
        coefficient's range (a share, a household size). A term without a quantity is a
        constant. ``/`` is part of a name, never a division: write a ratio as a figure
        (``half * residents/2014``) or a number (``0.5 * ...``).

        **Claimed coefficients.** A quantity the claims give may multiply another, when it is
        one of ``names``: in ``deaths/pro_government = share * deaths/civilians``, ``share``
        is claimed (``"around a third"``, ``"37%"``) and its estimate's range in each group is
        the coefficient's range there. The quantities written before the last of a product are
        its coefficients: write the share first. Without ``names``, a product of two
        quantities is an error, as a relation is otherwise linear.

        **Unions.** ``pin = union(pin/health, pin/wash, pin/food)`` says the whole counts each
        member of overlapping parts once: it is at least the largest part and at most their
        sum. A union is a whole side of ``=``, its parts two quantities or more (no numbers,
        figures or unions inside), and the other side the one quantity it is the union of.

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
        ``as_of=2017-09-09|2017-10-01`` holds on either date. ``text`` is the relation
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
                table; one of them may multiply another as a coefficient.

        Returns:
            The relation.

        Raises:
            RelationError: the text cannot be read; ``.position`` is the character, and the
                message shows it with a caret. A time suffix other than ``@start`` or
                ``@end``, one in a relation whose every quantity has a suffix (no flow
                gives the span), a bracket that is not a scope, a product of two
                quantities where the first is not one of ``names``, or a union of one part,
                inside another, or beside other terms, is such an error.
            ArgumentError: ``figures`` or ``scope`` is not a mapping of names to figures / text,
                ``names`` is not a list of names, or the text's bracket and ``scope`` differ; a
                figure's range reaches beyond 10**15 in size (:attr:`Reason.OVERFLOW`).

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

            A union, and a claimed share as a coefficient:

            >>> pin = rc.Relation.parse("pin = union(pin/health, pin/wash) [place=Yemen]")
            >>> pin.operator, pin.quantities, pin.defines, rc.Relation.parse(str(pin)) == pin
            ('union', ('pin', 'pin/health', 'pin/wash'), ('pin',), True)
            >>> rc.Relation.parse("pin = union(pin/health)")
            Traceback (most recent call last):
            ...
            reconcile.errors.RelationError: a union of one part is that part: write '= pin/health', ...
            >>> share = rc.Relation.parse("deaths/pgf = share * deaths", names=["share", "deaths"])
            >>> share.terms[1].factors, share.terms[1].quantity, share.quantities
            (('share',), 'deaths', ('deaths/pgf', 'share', 'deaths'))

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
        given = _check_names_argument(names)
        known = known_names(given)
        relation = _reading(text, _check_figures(figures), check_scope(scope), known, given)
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
        """The ``counts`` paths the relation names, each once, in the order written (coefficients too)."""
        named = (name for term in self.terms for name in (*term.factors, term.quantity) if name is not None)
        return tuple(dict.fromkeys(named))

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
            >>> rc.Relation.parse("pin = union(pin/health, pin/wash)").defines
            ('pin',)

        """
        if self.operator == "union":  # its whole, between the largest part and their sum
            whole = self.terms[whole_of([term.side for term in self.terms])].quantity
            return () if whole is None else (whole,)
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
        if any(math.isfinite(end) and abs(end) > LARGEST for end in (figure.low, figure.value, figure.high)):
            raise ArgumentError(
                f"figures[{name!r}] is too large to multiply a quantity by (got {figure.range_text()}, "
                f"above {LARGEST:g})",
                hint="a figure in a relation is a ratio between reported figures (a share, a household "
                "size): give the quantities in units that keep it below that",
                reason=Reason.OVERFLOW,
                argument="figures",
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
    names: AbstractSet[str] = frozenset(),
) -> Relation:
    """The relation ``text`` says, with ``known`` names read whole; each name is not yet checked once.

    A bracket at the end gives the scope, which must agree with ``scope`` where both give one.
    One of ``names`` may multiply another quantity as a coefficient.
    """
    text, written = split_scope(text.strip())
    operator, terms = read_terms(text, figures, known, names)
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


def _as_relation(
    relation: object,
    index: int,
    known: re.Pattern[str] | None,
    readings: dict[tuple[str, tuple[tuple[str, Figure], ...]], Relation],
    names: AbstractSet[str],
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
        read = readings[text, figures] = _reading(text, dict(figures), (), known, names)
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
                read.append(_as_relation(relation, index, known, readings, names))
            except RelationError as error:
                failure = error if failure is None else failure
        defined = {name for relation in readings.values() for name in relation.defines} - names
        if not defined:
            if failure is not None:
                raise failure
            return read, known
        names |= defined


def check_names(
    estimates: pd.DataFrame,
    relations: list[Relation],
    known: re.Pattern[str] | None,
    elsewhere: Iterable[str] = (),
) -> None:
    """Every quantity a relation names is claimed somewhere or defined by a relation, and named once.

    A quantity that multiplies another as a coefficient is claimed: a relation that only
    derives it gives no range to multiply by. ``known`` is the pattern of names the relations
    were read with; where a name no claim gives was cut from a longer word
    ("deaths/civilians/pro-government" read as ``deaths/civilians/pro - government``), the
    error says how, and looks for the nearest known names to the whole word. ``elsewhere``
    names quantities claimed outside ``estimates`` (another partition of the same claims).
    """
    claimed = {*estimates["counts"].dropna().astype(str).unique().tolist(), *elsewhere}
    distinct = {relation.text: relation for relation in relations}.values()  # one per text
    defined = {name for relation in distinct for name in relation.defines}
    for relation in distinct:
        for term in relation.terms:
            unclaimed = [name for name in term.factors if name not in claimed]
            if unclaimed:
                raise RelationError(
                    f"{unclaimed[0]!r} multiplies {term.quantity!r} in {relation.text!r}, but no claim gives "
                    "it: a relation derives it",
                    hint="a coefficient's range is its claims' in each group: claim it (a share such as "
                    "'around a third'), or bind a figure by name in figures= or in a relations file",
                    details=caret(relation.text, term.position),
                    text=relation.text,
                    position=term.position,
                    quantity=unclaimed[0],
                    reason=Reason.UNKNOWN_QUANTITY,
                )
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
