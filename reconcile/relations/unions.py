"""Totals of overlapping groups: ``pin = union(pin/health, pin/wash, pin/food)``.

A person in need of both health care and water is counted once in the people in need of all
sectors, so the whole is no plain sum of its parts: it is at least the largest part and at
most the sum of the parts. :func:`read_union` reads the parts of ``union(...)`` from the
tokens of a relation (:mod:`reconcile.relations.text` reads the rest), and
:func:`union_rows` says which rows of the linear system a union becomes: ``whole - part >= 0``
for each part, and ``whole - Σ parts <= 0``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from reconcile.errors import RelationError
from reconcile.relations.tokens import Token, relation_error

#: The word that starts a union.
UNION = "union"

_HINT = (
    "write a union of overlapping groups as one side of '=', its parts quantities separated "
    "by commas, e.g. 'pin = union(pin/health, pin/wash, pin/food)': the whole is at least its "
    "largest part and at most the sum of its parts; put a name with other characters in backticks"
)


def starts_union(tokens: Sequence[Token], index: int) -> bool:
    """Whether the token at ``index`` is the word ``union`` right before ``(``.

    Examples:
        >>> from reconcile.relations.tokens import tokenize
        >>> starts_union(tokenize("pin = union(a, b)"), 2), starts_union(tokenize("union = a"), 0)
        (True, False)

    """
    kind, token, _ = tokens[index]
    return kind == "name" and token == UNION and tokens[index + 1][0] == "open"


def union_error(problem: str, text: str, position: int) -> RelationError:
    """The error for a union that cannot be read, pointing at ``position``.

    Examples:
        >>> union_error("a union of one part", "pin = union(a)", 6).position
        6

    """
    return relation_error(problem, text, position, hint=_HINT)


def read_union(
    tokens: Sequence[Token], index: int, text: str, figures: Collection[str]
) -> tuple[list[tuple[str, int]], int]:
    """The parts of the union whose word ``union`` is at ``index``, and the index after its ``)``.

    Each part is a quantity, by name or in backticks: no number, figure, product, sign or
    time suffix, and no union inside. A union has at least two parts, each named once.

    Raises:
        RelationError: a part that is not a quantity, a union inside a union, a union not
            closed, or one of fewer than two parts (``.position`` is the character).

    Examples:
        >>> from reconcile.relations.tokens import tokenize
        >>> read_union(tokenize("pin = union(pin/health, `pin/wash`)"), 2, "...", ())
        ([('pin/health', 12), ('pin/wash', 24)], 8)

    """
    start = tokens[index][2]
    parts: list[tuple[str, int]] = []
    index += 2  # the word and its '('
    while True:
        kind, token, at = tokens[index]
        if kind == "name" and starts_union(tokens, index):
            raise union_error("a union inside a union", text, at)
        if kind == "end":
            raise union_error("union( is not closed", text, at)
        if kind not in ("name", "quoted") or (kind == "name" and token in figures):
            said = {"name": "the figure ", "number": "the number "}.get(kind, "")
            raise union_error(f"a part of a union is a quantity, not {said}{token!r}", text, at)
        name = token.strip("`").strip() if kind == "quoted" else token
        if not name:
            raise union_error("an empty name", text, at)
        parts.append((name, at))
        kind, token, at = tokens[index + 1]
        index += 2
        if kind == "close":
            break
        if kind != "comma":
            after = f"expected ',' or ')' after a part, not {token!r}"
            raise union_error("union( is not closed" if kind == "end" else after, text, at)
    if len(parts) < 2:
        raise union_error(
            f"a union of one part is that part: write '= {parts[0][0]}', or name two parts or more",
            text,
            start,
        )
    return parts, index


def whole_of(sides: Sequence[str]) -> int:
    """The index of a union's whole among its terms' sides: the one term alone on its side.

    Examples:
        >>> whole_of(["left", "right", "right"]), whole_of(["left", "left", "right"])
        (0, 2)

    """
    return 0 if sides[0] != sides[1] else len(sides) - 1


def union_rows(n_terms: int, whole: int) -> list[tuple[str, list[tuple[int, float]]]]:
    """The rows a union of ``n_terms`` terms becomes: (operator, [(term, coefficient), ...]) each.

    ``whole - part >= 0`` for each part, then ``whole - Σ parts <= 0``: the whole lies between
    its largest part and the sum of its parts.

    Examples:
        >>> for operator, terms in union_rows(3, 0):
        ...     print(operator, terms)
        >= [(0, 1.0), (1, -1.0)]
        >= [(0, 1.0), (2, -1.0)]
        <= [(0, 1.0), (1, -1.0), (2, -1.0)]

    """
    parts = [term for term in range(n_terms) if term != whole]
    rows: list[tuple[str, list[tuple[int, float]]]] = [(">=", [(whole, 1.0), (part, -1.0)]) for part in parts]
    rows.append(("<=", [(whole, 1.0), *((part, -1.0) for part in parts)]))
    return rows
