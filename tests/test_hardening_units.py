"""Hardening of unit strings and lexicon files against text no analyst means.

A unit string is read by pint only once it is short (:data:`reconcile.units.MAX_UNIT_LENGTH`),
of the characters units are written in, and without powers that pint would compute for
ever; whatever pint then says, the caller gets a :class:`rc.UnitError`. A claims table with
several such units lists each. A lexicon file that is not laid out as the shipped one is an
:class:`rc.ArgumentError` (:attr:`rc.Reason.BAD_LEXICON`) naming the key. Fuzz tests feed
random text to :func:`canonical_unit` and random text and tables to the lexicon loader.
"""

from __future__ import annotations

import copy
import dataclasses
import json
import math
import time
import tomllib
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile.phrases.lexicon import MAX_LEXICON_BYTES
from reconcile.units import MAX_UNIT_LENGTH, canonical_unit, conversion_factor, dimension, is_count, pint_unit

#: A unit is read in well under a millisecond: the profile's count (100 by default, 300 under ``ci``).
EXAMPLES = settings().max_examples
#: A lexicon is checked whole when it loads (a few milliseconds): a third of the count.
LEXICON_EXAMPLES = max(10, settings().max_examples // 3)

SHIPPED_TEXT = (resources.files("reconcile") / "lexicon.toml").read_text(encoding="utf-8")
SHIPPED: dict[str, Any] = tomllib.loads(SHIPPED_TEXT)


def assert_reconcile_error(error: BaseException, kind: type[rc.ReconcileError] = rc.ReconcileError) -> None:
    assert isinstance(error, kind), f"{type(error).__name__}: {error!r:.300}"
    assert error.hint.strip(), f"no hint: {error}"
    assert error.problem.strip()


def assert_reason(error: BaseException, reason: rc.Reason) -> None:
    assert isinstance(error, rc.ReconcileError) and error.reason is reason, error


def assert_lexicon_error(error: BaseException) -> None:
    assert_reconcile_error(error, rc.ArgumentError)
    assert_reason(error, rc.Reason.BAD_LEXICON)


# -- units -------------------------------------------------------------------------------------

JUNK_UNITS = [
    "1/0",
    "person/0",
    "1/person/0.0",
    "person**(1/0)",
    "(",
    ")",
    "()",
    "#",
    "person # a note",
    "person;",
    "'person'",
    "person−1",
    "$",
    "\x00",
    "person\u200b",
    "[population]",
    "person, household",
    "person*" * 5000,
    "person " * 5000,
    "(" * 5000,
    "x" * 100_000,
    "2**9999999999",
    "9**9**9",
    "person**9**9**9",
    "(1/person)**9**9",
    "person**1e400",
    "person**1e10",
    "person**0x7fffffff",
    "km**400",
    "((person**9)**9)**9",
    "2⁹⁹⁹⁹⁹⁹⁹⁹⁹",
    "person ** 1e308 ** 2",
]


@pytest.mark.parametrize("unit", JUNK_UNITS, ids=lambda unit: repr(unit[:20]))
def test_junk_units_are_unit_errors_quickly(unit: str) -> None:
    start = time.perf_counter()
    with pytest.raises(rc.UnitError) as caught:
        canonical_unit(unit)
    assert time.perf_counter() - start < 1
    assert_reconcile_error(caught.value)
    assert caught.value.unit == unit and repr(unit[:20])[:-1] in caught.value.problem  # the unit, quoted
    for reads in (dimension, is_count, pint_unit):
        with pytest.raises(rc.UnitError):
            reads(unit)


@pytest.mark.parametrize(
    ("unit", "canonical"),
    [
        ("people", "person"),
        ("person / household", "person / household"),
        ("USD", "USD"),
        ("", "dimensionless"),
        ("%", "percent"),
        ("‰", "permille"),
        ("km**2", "kilometer ** 2"),
        ("km²", "kilometer ** 2"),
        ("m^2", "meter ** 2"),
        ("1/person", "1 / person"),
        ("1 / km ** 2", "1 / kilometer ** 2"),
        ("person**-1", "1 / person"),
        ("person**0.5", "person ** 0.5"),
        ("(person/household)**2", "person ** 2 / household ** 2"),
        ("µm", "micrometer"),
        ("person·km", "kilometer * person"),
        ("  person  ", "person"),
        ("person" + " " * 500, "person"),
    ],
)
def test_units_as_written_still_read(unit: str, canonical: str) -> None:
    assert canonical_unit(unit) == canonical


def test_the_cap_on_a_units_length_is_documented_and_held() -> None:
    near = "person / " + "household * " * 20
    assert len(near) > MAX_UNIT_LENGTH
    with pytest.raises(rc.UnitError, match=f"longer than {MAX_UNIT_LENGTH}"):
        canonical_unit(near)
    assert "MAX_UNIT_LENGTH" in (canonical_unit.__doc__ or "")


def test_a_conversion_factor_that_overflows_is_a_unit_error() -> None:
    with pytest.raises(rc.UnitError) as caught:
        conversion_factor("Ym**10", "ym**10")
    assert caught.value.reason is rc.Reason.OVERFLOW


def test_a_claims_table_lists_every_bad_unit(tmp_path: Path) -> None:
    units = ["1/0", "(", "persn", "x" * 5000, "#", "person"]
    rows = "".join(f"c{n},m,Mosul,2016-10-17,4500,5000,5500,{unit},CNN\n" for n, unit in enumerate(units))
    path = tmp_path / "claims.csv"
    path.write_text("claim_id,counts,place,as_of,low,value,high,unit,source\n" + rows)
    with pytest.raises(rc.ClaimsError, match=r"^5 problems in the claims") as caught:
        rc.read_claims(path)
    message = str(caught.value)
    for row in range(5):
        assert f"row {row} (line {row + 2}): known unit" in message


#: Every character, surrogates and control characters too (those that split lines, often).
ANY_CHARACTER = st.characters(codec=None) | st.sampled_from(
    ["\ud800", "\udfff", "\x00", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029", "\ufeff", "\u200b"]
)
UNIT_PIECES = st.sampled_from(
    [
        "person", "people", "household", "km", "m", "USD", "%", "‰", "°", "²", "⁻", "·", "*", "**", "^", "/",
        "(", ")", " ", "1", "0", "2", "9", "1e400", "0.5", "-", "+", ".", "e", "#", "$", ";", ",", "per",
        "squared", "nan", "inf", "[", "]", "\n", "\x00",
    ]
)  # fmt: skip
UNIT_TEXT = st.one_of(
    st.text(ANY_CHARACTER, max_size=30),
    st.lists(UNIT_PIECES, max_size=16).map("".join),
    st.lists(st.one_of(UNIT_PIECES, st.text(ANY_CHARACTER, max_size=2)), max_size=8).map("".join),
)


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(unit=UNIT_TEXT)
def test_a_unit_reads_or_raises_a_unit_error(unit: str) -> None:
    try:
        canonical = canonical_unit(unit)
    except Exception as error:  # the property is what escapes
        assert_reconcile_error(error, rc.UnitError)
        return
    assert canonical_unit(canonical) == canonical  # the canonical spelling reads as itself
    for exponent in pint_unit(canonical)._units.values():
        assert math.isfinite(float(exponent))  # type: ignore[arg-type]


# -- lexicon files -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def lexicon_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lexicon") / "lexicon.toml"


def toml_value(value: object) -> str:
    """A value as TOML writes it (tables inline), for data the tests build."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else "inf" if value > 0 else "-inf"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(map(toml_value, value)) + "]"
    assert isinstance(value, dict)
    return (
        "{" + ", ".join(f"{toml_value(str(name))} = {toml_value(item)}" for name, item in value.items()) + "}"
    )


def toml_document(data: dict[str, Any]) -> str:
    return "".join(f"{toml_value(str(key))} = {toml_value(value)}\n" for key, value in data.items())


def load(path: Path, text: str, reading: str = "default") -> rc.Lexicon:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    return rc.Lexicon.load(path, reading=reading)  # type: ignore[arg-type]


ABOUT = (
    '"about" = { rule = "around", min_share = 0.05, max_share = 0.10, points = 2, example = "about 5,000" }'
)
ABOUT_START = '"about" = { rule = "around", '
HALF, TENS, PEOPLE = '"half" = [1, 2]', "default = [20, 40, 100]", '"people" = { unit = "person" }'
SEPARATORS = 'separators = ["to", "-", "–", "—"]'


@pytest.mark.parametrize(
    ("old", "new", "named"),
    [
        (ABOUT, ABOUT.replace("min_share = 0.05", 'min_share = "wide"'), "hedges.about.min_share"),
        (ABOUT_START, ABOUT_START + "width = 3, ", "hedges.about.width"),
        (ABOUT_START, '"about" = { ', "hedges.about.rule"),
        (ABOUT, '"about" = 5', "hedges.about"),
        (ABOUT, '"" = { rule = "exact" }', "hedges"),
        (HALF, '"half" = [1]', "fractions.half"),
        (HALF, '"half" = [1.5, 2]', "fractions.half"),
        (HALF, '"half" = [inf, 2]', "fractions.half"),
        (HALF, '"half" = ["a", 2]', "fractions.half"),
        (HALF, '"half" = [3, 2]', "half"),
        (SEPARATORS, 'separators = ["", "to"]', "ranges.separators"),
        (SEPARATORS, 'separators = "to"', "ranges.separators"),
        ('"between" = ["and", "to", "-", "–", "—"]', '"between" = 5', "ranges.openers.between"),
        (TENS, "default = [20, 40]", "quantities.tens.default"),
        (TENS, 'default = "x"', "quantities.tens.default"),
        (TENS, "default = [100, 40, 20]", "quantities.tens"),
        (PEOPLE, '"people" = { unit = "1/0" }', "nouns.people.unit"),
        (PEOPLE, '"people" = { unit = 5 }', "nouns.people.unit"),
        ("zero = 0", 'zero = "0"', "numbers.words.zero"),
        ("[numbers.words]", "[numbers.wordz]", "numbers.words"),
        ("factor = 12,", "factor = 12.5,", "magnitudes.dozen.factor"),
        ("factor = 12, rounds = false", "factor = 12, rounds = 'no'", "magnitudes.dozen.rounds"),
        ('k = "thousand"', "k = 5", "abbreviations.k"),
        ('k = "thousand"', 'k = "thousandz"', "abbreviation 'k'"),
        ('"$" = "USD"', '"$" = "dollarz"', 'currencies."$"'),
        ('\ntrailing_zeros = "rounding"', "\ntrailing_zeros = 3", "plain.trailing_zeros"),
        ('words = ["%", "percent", "per cent", "pct"]', 'words = ["%", 5]', "percent.words"),
        ("\nversion = 1", "\nversion = 1\nversio = 2", "versio"),
    ],
)
def test_a_malformed_lexicon_names_the_key_and_the_problem(
    lexicon_path: Path, old: str, new: str, named: str
) -> None:
    assert old in SHIPPED_TEXT
    with pytest.raises(rc.ArgumentError) as caught:
        load(lexicon_path, SHIPPED_TEXT.replace(old, new, 1))
    assert named in caught.value.problem, caught.value.problem
    assert_lexicon_error(caught.value)


@pytest.mark.parametrize(
    "text", ["[[[", "a = " + "[" * 5000 + "]" * 5000, "\x00", SHIPPED_TEXT + "\n[hedges]\n"], ids=repr
)
def test_a_lexicon_that_is_not_toml_says_so(lexicon_path: Path, text: str) -> None:
    with pytest.raises(rc.ArgumentError, match="it is not TOML") as caught:
        load(lexicon_path, text)
    assert_lexicon_error(caught.value)


def test_a_lexicon_missing_a_table_names_it(lexicon_path: Path) -> None:
    with pytest.raises(rc.ArgumentError, match="cannot read the lexicon: numbers is missing") as caught:
        load(lexicon_path, "[hedges]\n")
    assert_lexicon_error(caught.value)


def test_a_huge_lexicon_file_is_refused_before_it_is_read(lexicon_path: Path) -> None:
    padding = "# " + "x" * 1000 + "\n"
    text = SHIPPED_TEXT + padding * (MAX_LEXICON_BYTES // len(padding) + 1)
    start = time.perf_counter()
    with pytest.raises(rc.ArgumentError, match="larger than") as caught:
        load(lexicon_path, text)
    assert time.perf_counter() - start < 1
    assert caught.value.reason is rc.Reason.BAD_LEXICON


def test_a_lexicon_reading_must_be_one_of_the_two(lexicon_path: Path) -> None:
    with pytest.raises(rc.ArgumentError, match="reading") as caught:
        load(lexicon_path, SHIPPED_TEXT, reading="liberal")
    assert caught.value.argument == "reading"


def test_the_shipped_lexicon_written_back_loads_as_itself(lexicon_path: Path) -> None:
    assert load(lexicon_path, toml_document(SHIPPED)) == rc.Lexicon.default()
    assert load(lexicon_path, SHIPPED_TEXT, reading="conservative") == rc.Lexicon.conservative()


def paths(data: object, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """Every path to a value in the data of a TOML file, into tables and lists."""
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield (*prefix, key)
        yield from paths(value, (*prefix, key))


PATHS = list(paths(SHIPPED))
DELETE = object()
JUNK = st.recursive(
    st.one_of(
        st.booleans(),
        st.integers(-(2**63), 2**63 - 1),
        st.floats(),
        st.text(max_size=6),
        st.sampled_from(["", " ", "around", "of", "person", "1/0", "(", "thousand", "USD"]),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)


def mutate(data: dict[str, Any], path: tuple[str | int, ...], junk: object) -> None:
    *parents, last = path
    holder: Any = data
    for key in parents:
        holder = holder[key]
    if junk is DELETE:
        del holder[last]
    elif isinstance(junk, tuple):  # a new key beside the others, or an item of a list
        if isinstance(holder, dict):
            holder[str(junk[0])] = junk[1]
        else:
            holder[last] = junk[1]
    else:
        holder[last] = junk


MUTATION = st.tuples(
    st.sampled_from(PATHS), st.one_of(st.just(DELETE), JUNK, st.tuples(st.text(max_size=6), JUNK))
)


@settings(
    max_examples=LEXICON_EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    mutations=st.lists(MUTATION, min_size=1, max_size=3),
    reading=st.sampled_from(["default", "conservative"]),
)
def test_a_mutated_lexicon_loads_or_names_what_is_wrong(
    lexicon_path: Path, mutations: list[tuple[tuple[str | int, ...], object]], reading: str
) -> None:
    data = copy.deepcopy(SHIPPED)
    for path, junk in mutations:
        try:
            mutate(data, path, junk)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation took the path away
    try:
        load(lexicon_path, toml_document(data), reading)
    except Exception as error:  # the property is what escapes
        assert_lexicon_error(error)


@settings(
    max_examples=LEXICON_EXAMPLES,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    data=st.dictionaries(st.sampled_from([*SHIPPED, "x"]) | st.text(max_size=5), JUNK, max_size=6)
    | st.text(ANY_CHARACTER | st.just("="), max_size=200)
    | st.lists(st.sampled_from(SHIPPED_TEXT.splitlines(keepends=True)), max_size=40).map("".join)
)
def test_random_lexicon_text_and_tables_raise_a_reconcile_error(lexicon_path: Path, data: object) -> None:
    text = data if isinstance(data, str) else toml_document(data)  # type: ignore[arg-type]
    try:
        load(lexicon_path, text)
    except Exception as error:  # the property is what escapes
        if any("\ud800" <= c <= "\udfff" for c in text):  # written as bytes no UTF-8 reader takes
            assert_reconcile_error(error, rc.ArgumentError)
            assert_reason(error, rc.Reason.ENCODING)
        else:
            assert_lexicon_error(error)


@settings(max_examples=LEXICON_EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(
    field=st.sampled_from([field.name for field in dataclasses.fields(rc.Lexicon)]),
    junk=JUNK | st.tuples(JUNK, JUNK) | st.none(),
)
def test_a_lexicon_built_with_a_junk_field_raises_a_reconcile_error(field: str, junk: object) -> None:
    try:
        dataclasses.replace(rc.Lexicon.default(), **{field: junk})  # type: ignore[arg-type]
    except Exception as error:  # the property is what escapes
        assert_reconcile_error(error)
