"""Hardening of relation text and relations files against numbers and text no analyst means.

A relation's numbers must be finite and within the bounds its arithmetic holds
(:data:`reconcile.relations.tokens.LARGEST`, :data:`~reconcile.relations.tokens.SMALLEST`);
a relations file may start with a byte-order mark, and only ``\\n``, ``\\r\\n`` and ``\\r``
end its lines. Fuzz tests feed random text to :meth:`rc.Relation.parse` and to the file
reader: only a :class:`rc.ReconcileError` with a hint may escape.
"""

from __future__ import annotations

import math
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile.phrases import numbers
from reconcile.relations import read_relations
from reconcile.relations.file import read_lines
from reconcile.relations.tokens import LARGEST, SMALLEST

#: A warning from numpy or pandas reaching the user is a bug: every warning fails a test.
pytestmark = pytest.mark.filterwarnings("error")

#: Reading one relation takes tens of microseconds: the profile's count (100 by default, 300
#: under ``ci``), so each fuzz test stays well under a second.
EXAMPLES = settings().max_examples
#: A relations file reads phrases and relations again per line: a third of the count.
FILE_EXAMPLES = max(10, settings().max_examples // 3)

PLACE, DAY = "Mosul", "2016-10-17"


def claims() -> pd.DataFrame:
    return rc.to_claims(
        [
            rc.Figure.about(5000, counts="a", source="U.S. officials", place=PLACE, as_of=DAY),
            rc.Figure.about(100, counts="c", source="CNN", place=PLACE, as_of=DAY),
        ]
    )


# -- numbers in relations ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "position", "reason"),
    [
        ("a = 1e999 * b", 4, rc.Reason.NOT_FINITE),
        ("a = 0 * 1e999 * b", 8, rc.Reason.NOT_FINITE),
        ("a = b + 1e999", 8, rc.Reason.NOT_FINITE),
        ("a <= 1e999 * c", 5, rc.Reason.NOT_FINITE),
        ("a = " + "9" * 400 + " * b", 4, rc.Reason.NOT_FINITE),
        ("d = 1e308 * a", 4, rc.Reason.OVERFLOW),
        ("d = 1e16 * a", 4, rc.Reason.OVERFLOW),
        ("d = 1e-16 * a", 4, rc.Reason.OVERFLOW),
        ("d = 1e-400 * a", 4, rc.Reason.OVERFLOW),
        ("d = a + 1e300", 8, rc.Reason.OVERFLOW),
        ("d = 1e10 * 1e10 * a", 4, rc.Reason.OVERFLOW),
        ("d = 1e-10 * 1e-10 * a", 4, rc.Reason.OVERFLOW),
    ],
)
def test_a_number_a_relation_cannot_hold_is_refused_where_it_is_written(
    text: str, position: int, reason: rc.Reason
) -> None:
    with pytest.raises(rc.RelationError) as caught:
        rc.Relation.parse(text)
    error = caught.value
    assert (error.reason, error.text, error.position) == (reason, text, position)
    assert repr(text) in error.problem and f"character {position}" in error.problem
    assert error.details is not None and error.details.endswith(" " * position + "^")
    assert error.hint


@pytest.mark.parametrize(
    "text", ["d = 1e15 * a", "d = 1e-15 * a", "d = 0.5 * a + 1,500", "d = a + 0", "d = 1e15 * 1e-15 * a"]
)
def test_numbers_within_the_bounds_are_read(text: str) -> None:
    for term in rc.Relation.parse(text).terms:
        assert math.isfinite(term.coefficient)
        assert term.coefficient == 0 or SMALLEST <= abs(term.coefficient) <= LARGEST


def test_the_bounds_are_those_of_reported_figures() -> None:
    assert LARGEST == 10.0**numbers.LARGE and SMALLEST == 1 / LARGEST
    with pytest.raises(rc.ParseError):
        rc.parse(f"{LARGEST:,.0f} people")  # a phrase refuses the size a relation refuses above


def test_a_figure_too_large_to_multiply_by_is_refused() -> None:
    huge = rc.Figure.exact(1e300, unit="dimensionless")
    with pytest.raises(rc.ArgumentError, match="figures\\['huge'\\]") as caught:
        rc.Relation.parse("d = huge * a", figures={"huge": huge})
    assert caught.value.reason is rc.Reason.OVERFLOW and caught.value.hint


@pytest.mark.parametrize("relation", ["d = 1e308 * a", "a <= 1e999 * c"])
def test_reconcile_refuses_a_coefficient_that_would_overflow_instead_of_a_false_conflict(
    relation: str,
) -> None:
    with pytest.raises(rc.RelationError, match=r"at character [45] "):
        rc.reconcile(claims(), relations=[relation])


def test_the_largest_coefficient_reconciles_without_a_conflict_or_nan() -> None:
    result = rc.reconcile(claims(), relations=["d = 1e15 * a", "a <= 1e15 * c"])
    assert not len(result.conflicts)
    totals = result.totals
    assert totals[["low", "value", "high"]].notna().all().all()
    assert totals.loc[totals["counts"] == "d", "low"].iloc[0] == pytest.approx(4.5e18)


# -- relations files ---------------------------------------------------------------------------


def test_a_relations_file_with_a_byte_order_mark_reads(tmp_path: Path) -> None:
    path = tmp_path / "relations.txt"
    path.write_bytes("\ufeffd = a + c\n# a note\nshare = about half\ne = share * a\n".encode())
    relations = read_relations(path)
    assert [str(relation) for relation in relations] == ["d = a + c", "e = share * a"]
    assert [str(relation) for relation in read_relations("\ufeffd = a + c\n")] == ["d = a + c"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85"])
def test_only_newlines_end_the_lines_a_file_error_counts(separator: str) -> None:
    text = f"d = a{separator}+ c{separator}\ne = f +{separator}\n"
    with pytest.raises(rc.RelationError, match=r"^1 line of the relations cannot be read; line 2:"):
        read_relations(text)
    assert [line.number for line in read_lines(text)] == [1, 2]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_each_kind_of_newline_ends_a_line(newline: str) -> None:
    text = newline.join(["d = a + c", "", "# a note", "e = f +", ""])
    with pytest.raises(rc.RelationError, match="line 4: expected a quantity"):
        read_relations(text)


# -- fuzz --------------------------------------------------------------------------------------

#: Every character, surrogates and control characters too (those that split lines, often).
ANY_CHARACTER = st.characters(codec=None) | st.sampled_from(
    ["\ud800", "\udfff", "\x00", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\ufeff", "\u200b"]
)
#: The pieces relation text is made of, and numbers at and beyond the bounds.
PIECES = st.sampled_from(
    [
        "a", "b/c", "troops/us army", "pro-government", "=", "==", "<=", ">=", "≤", "+", "-", "−", "*",
        "×", "(", ")", ",", "union", "`x y`", "`", "@start", "@end", "@", "[place=Mosul]", "[", "]",
        "1,000", "50%", "0", "1e999", "1e308", "1e-400", "1e15", "1e-15", "9" * 30, "0.5", "share",
        " ", "\t", "\n", "\u2028", "\x00",
    ]
)  # fmt: skip
#: Numbers as written in relations, at, within and beyond the bounds.
NUMBER_TEXT = st.one_of(
    st.sampled_from(["0", "1e999", "1e308", "1e16", "1e15", "1e-15", "1e-16", "1e-400", "9" * 400, "50%"]),
    st.floats(allow_nan=False, allow_infinity=False, min_value=0).map(repr),
    st.integers(0, 10**30).map(str),
)
#: Relations laid out as written, with numbers anywhere a term takes one.
STRUCTURED = st.builds(
    "{} {} {} * {} + {} * {} * {} - {}".format,
    st.sampled_from(["a", "d", "share * a"]),
    st.sampled_from(["=", "<=", ">="]),
    NUMBER_TEXT,
    st.sampled_from(["b/c", "half", "troops/us army"]),
    NUMBER_TEXT,
    NUMBER_TEXT,
    st.sampled_from(["e", "half"]),
    NUMBER_TEXT,
)
RELATION_TEXT = st.one_of(
    STRUCTURED,
    st.text(ANY_CHARACTER, max_size=40),
    st.lists(PIECES, max_size=14).map("".join),
    st.lists(st.one_of(PIECES, st.text(ANY_CHARACTER, max_size=3)), max_size=10).map(" ".join),
)


def assert_reconcile_error(error: BaseException) -> None:
    assert isinstance(error, rc.ReconcileError), f"{type(error).__name__}: {error}"
    assert error.hint.strip(), f"no hint: {error}"
    assert error.problem.strip()


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(text=RELATION_TEXT, names=st.booleans())
def test_relation_text_reads_or_raises_a_reconcile_error(text: str, names: bool) -> None:
    half = rc.Figure.between(0.4, 0.6, unit="dimensionless")
    known = ["a", "b/c", "share", "pro-government", "troops/us army"] if names else None
    try:
        relation = rc.Relation.parse(text, figures={"half": half}, names=known)
    except Exception as error:  # the property is what escapes
        assert_reconcile_error(error)
        return
    for term in relation.terms:
        assert math.isfinite(term.coefficient)
        assert term.coefficient == 0 or SMALLEST <= abs(term.coefficient) <= LARGEST
    assert rc.Relation.parse(str(relation), figures={"half": half}, names=known) == relation


@settings(max_examples=FILE_EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(RELATION_TEXT, max_size=5), newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_a_relations_file_reads_or_raises_a_reconcile_error(lines: list[str], newline: str) -> None:
    text = newline.join(lines) + "\n=\n"  # a '=' so the text is read as relations, not a path
    try:
        read_relations(text)
    except Exception as error:  # the property is what escapes
        assert_reconcile_error(error)


def test_a_long_relation_is_read_or_refused_quickly() -> None:
    start = time.perf_counter()
    long_sum = rc.Relation.parse("a = " + " + ".join(f"q{i}" for i in range(2000)))
    long_product = rc.Relation.parse("a = " + "1 * " * 2000 + "b")
    assert (len(long_sum.terms), long_product.terms[1].coefficient) == (2001, -1.0)
    assert time.perf_counter() - start < 5
