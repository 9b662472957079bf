import ast
import importlib
import inspect
import math
import pickle
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import reconcile as rc
from reconcile import errors
from reconcile._adjustment import adjust_linear
from reconcile.cli import hints
from reconcile.schemas import Conflicts, Totals, check_built

ROOT = Path(__file__).resolve().parent.parent
MOSUL = ROOT / "examples" / "data" / "mosul_2016_claims.csv"
ALL_ERRORS: list[type[rc.ReconcileError]] = [
    getattr(errors, name) for name in errors.__all__ if name not in ("Reason", "Note")
]


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda error: error.__name__)
def test_every_error_is_a_reconcile_error(error: type[Exception]) -> None:
    assert issubclass(error, rc.ReconcileError)


@pytest.mark.parametrize(
    ("error", "builtin"),
    [
        (rc.RangeError, ValueError),
        (rc.UnitError, ValueError),
        (rc.CountsMismatchError, ValueError),
        (rc.ScopeMismatchError, ValueError),
        (rc.ParseError, ValueError),
        (rc.ArgumentError, ValueError),
        (rc.DivisionByRangeError, ZeroDivisionError),
    ],
)
def test_errors_refine_the_builtin_they_mean(error: type[Exception], builtin: type[Exception]) -> None:
    assert issubclass(error, builtin)


def test_errors_survive_pickling_with_their_fields() -> None:
    with pytest.raises(rc.RangeError) as caught:
        rc.Figure(value=1, low=5, high=9)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert type(copy) is rc.RangeError
    assert (copy.low, copy.value, copy.high) == (5.0, 1.0, 9.0)
    assert str(copy) == str(caught.value)
    assert copy.hint == caught.value.hint
    parse = rc.ParseError("cannot read 'many'", hint="give a number", text="many", position=0)
    assert pickle.loads(pickle.dumps(parse)).text == "many"


def test_message_ends_with_the_hint() -> None:
    with pytest.raises(rc.CountsMismatchError) as caught:
        rc.Figure.exact(1, counts="troops/us") + rc.Figure.exact(1, counts="residents")
    assert str(caught.value).endswith(caught.value.hint)
    assert "'residents'" in str(caught.value) and "'troops/us'" in str(caught.value)


# -- declared fields -----------------------------------------------------------------------------


@pytest.mark.parametrize("error", ALL_ERRORS, ids=lambda error: error.__name__)
def test_every_error_class_declares_its_fields_and_extends_its_bases(error: type[rc.ReconcileError]) -> None:
    assert isinstance(error.fields, frozenset)
    for base in error.__mro__[1:]:
        assert getattr(base, "fields", frozenset()) <= error.fields, base
    annotated = {
        name
        for cls in error.__mro__
        if issubclass(cls, rc.ReconcileError) and cls is not rc.ReconcileError
        for name, kind in inspect.get_annotations(cls).items()
        if not str(kind).startswith("ClassVar")
    }
    assert error.fields == annotated
    assert error is rc.ReconcileError or isinstance(error.default_reason, rc.Reason)


def test_an_undeclared_fact_is_refused_as_a_programming_error() -> None:
    with pytest.raises(TypeError, match=r"RangeError declares no field 'colour'"):
        rc.RangeError("need low <= high", hint="swap them", low=5.0, colour="red")
    with pytest.raises(TypeError, match="pass reason="):
        rc.ReconcileError("something", hint="do something")


def test_a_declared_field_the_raise_site_left_out_is_none() -> None:
    error = rc.RangeError("need low <= high", hint="swap them", low=5.0, high=4.0)
    assert (error.low, error.value, error.high, error.row) == (5.0, None, 4.0, None)


def test_every_keyword_the_package_raises_with_is_declared() -> None:
    classes = {error.__name__: error for error in ALL_ERRORS}
    undeclared = []
    for path in sorted((ROOT / "reconcile").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            name = getattr(node, "func", None)
            name = getattr(name, "id", None) or getattr(name, "attr", None)
            if not isinstance(node, ast.Call) or name not in classes:
                continue
            for keyword in node.keywords:
                if keyword.arg not in (None, "hint", "details", "reason", *classes[name].fields):
                    undeclared.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}({keyword.arg}=)")
    assert undeclared == []


def test_errors_keep_their_reason_through_pickling() -> None:
    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(ROOT / "no-such-file.csv")
    copy = pickle.loads(pickle.dumps(caught.value))
    assert copy.reason is rc.Reason.CANNOT_OPEN
    assert copy.origin == caught.value.origin and str(copy) == str(caught.value)


# -- reasons --------------------------------------------------------------------------------------


def _claims(**columns: object) -> pd.DataFrame:
    table = {
        "claim_id": ["a", "b"],
        "counts": "militants",
        "place": "Mosul",
        "as_of": "2016-10-17",
        "low": [4500.0, 7000.0],
        "value": [5000.0, 7000.0],
        "high": [5500.0, math.inf],
        "unit": "person",
        "source": ["U.S. officials", "backers"],
    }
    return pd.DataFrame({**table, **columns})


def _file(path: Path, name: str, text: str | bytes) -> Path:
    target = path / name
    if isinstance(text, bytes):
        target.write_bytes(text)
    else:
        target.write_text(text, encoding="utf-8")
    return target


def _workbook(path: Path) -> Path:
    target = path / "claims.xlsx"
    rc.formats.write_tables({"notes": _claims(), "claims": _claims()}, target)
    return target


HXL_HEADER = "claim_id,place,killed,source\n"
RELATED = ["troops/all = troops/us + troops/us/added"]

#: One call per reason the library raises, and that reason. ``path`` is a fresh folder.
REASON_CASES: list[tuple[rc.Reason, Callable[[Path], object]]] = [
    (rc.Reason.CANNOT_OPEN, lambda path: rc.read_claims(path / "none.csv")),
    (rc.Reason.FORMAT, lambda path: rc.read_claims(path / "claims.txt")),
    (rc.Reason.UNKNOWN_FORMAT, lambda path: rc.read_claims(MOSUL, format="xml")),
    (rc.Reason.NOT_A_TABLE, lambda path: rc.read_claims(_file(path, "c.csv", b"\x89PNG\r\n\x1a\n\x00\x00"))),
    (
        rc.Reason.ENCODING,
        lambda path: rc.read_claims(_file(path, "c.csv", "place\nMosûl\n".encode("cp1252"))),
    ),
    (rc.Reason.UNKNOWN_ENCODING, lambda path: rc.read_claims(MOSUL, encoding="klingon")),
    (rc.Reason.SHEET, lambda path: rc.read_claims(_workbook(path))),
    (rc.Reason.NO_SHEETS, lambda path: rc.read_claims(MOSUL, sheet="claims")),
    (rc.Reason.EXTRA_CELLS, lambda path: rc.read_claims(_file(path, "c.csv", "a,b\n1,2,3\n"))),
    (rc.Reason.CANNOT_WRITE, lambda path: rc.write_claims(_claims(), path / "none" / "c.csv")),
    (rc.Reason.NOT_A_FOLDER, lambda path: rc.formats.write_tables({"a": _claims()}, path / "a.csv", "csv")),
    (rc.Reason.NO_HASHTAGS, lambda path: rc.read_claims(MOSUL, format="hxl")),
    (
        rc.Reason.MALFORMED_HASHTAG,
        lambda path: rc.read_claims(
            _file(path, "k.csv", HXL_HEADER + "#meta+id,#loc,#affected+,#meta+source\n")
        ),
    ),
    (
        rc.Reason.UNKNOWN_HASHTAG,
        lambda path: rc.read_claims(_file(path, "k.csv", HXL_HEADER + "#meta+id,#loc,#weird,#meta+source\n")),
    ),
    (
        rc.Reason.REPEATED_HASHTAG,
        lambda path: rc.read_claims(_file(path, "k.csv", HXL_HEADER + "#meta+id,#loc,#loc,#meta+source\n")),
    ),
    (
        rc.Reason.NOT_HXL,
        lambda path: rc.read_claims(_file(path, "k.csv", "Country,IDPs\nIraq,433412\n")),
    ),
    (
        rc.Reason.NO_VALUE_COLUMN,
        lambda path: rc.read_claims(
            _file(
                path, "k.csv", "claim_id,low,source\n#meta+id,#affected+killed+min,#meta+source\nk1,5,OCHA\n"
            )
        ),
    ),
    (rc.Reason.NO_HASHTAG, lambda path: rc.formats.to_hxl(_claims(**{"Odd Name": 1}))),
    (rc.Reason.BAD_ROWS, lambda path: rc.read_claims(_claims(low=[6000.0, 7000.0]))),
    (rc.Reason.BLANK_KEY, lambda path: rc.reconcile(_claims(place=None))),
    (rc.Reason.BAD_DATE, lambda path: rc.Figure.exact(1, as_of="soon")),
    (rc.Reason.SHORT_YEAR, lambda path: rc.Figure.exact(1, as_of="17/10/16")),
    (rc.Reason.DAY_ORDER, lambda path: rc.Figure.exact(1, as_of="03/04/2022")),
    (rc.Reason.NOT_TEXT, lambda path: rc.parse(5)),  # type: ignore[arg-type]
    (rc.Reason.EMPTY_PHRASE, lambda path: rc.parse(" ")),
    (rc.Reason.LONG_PHRASE, lambda path: rc.parse("5 " * 400)),
    (rc.Reason.UNKNOWN_NOUN, lambda path: rc.parse("about 5,000 xyz in Mosul")),
    (rc.Reason.NUMBER_WORDS, lambda path: rc.parse("two hundred hundred")),
    (rc.Reason.HEDGE_ALONE, lambda path: rc.parse("about")),
    (rc.Reason.NOT_FIGURE, lambda path: rc.parse("many")),
    (rc.Reason.TOO_MANY_DIGITS, lambda path: rc.parse("123456789012345.5")),
    (rc.Reason.TOO_LARGE, lambda path: rc.parse("5,000 trillion")),
    (rc.Reason.OVER_100_PERCENT, lambda path: rc.parse("150%")),
    (rc.Reason.RANGE_SEPARATOR, lambda path: rc.parse("3,000 and 5,000")),
    (rc.Reason.REVERSED_RANGE, lambda path: rc.parse("5,000 to 3,000")),
    (rc.Reason.HEDGE_RANGE, lambda path: rc.parse("more than 3,000 to 5,000")),
    (rc.Reason.HEDGE_QUANTITY, lambda path: rc.parse("about dozens")),
    (rc.Reason.NOUN_SHARE, lambda path: rc.parse("40% families")),
    (rc.Reason.CURRENCY_NOUN, lambda path: rc.parse("$5,000 families")),
    (rc.Reason.PHRASE_UNIT, lambda path: rc.parse("7,619 families", unit="person")),
    (rc.Reason.UNREADABLE, lambda path: rc.parse_many(["many"], errors="raise")),
    (rc.Reason.NOT_A_NUMBER, lambda path: rc.Figure.exact("5")),  # type: ignore[arg-type]
    (rc.Reason.NOT_A_FIGURE, lambda path: rc.total([1])),  # type: ignore[list-item]
    (rc.Reason.NOT_FINITE, lambda path: rc.Figure(value=math.nan, low=0, high=1)),
    (rc.Reason.OVERFLOW, lambda path: rc.Figure.exact(10**400)),
    (rc.Reason.RANGE_ORDER, lambda path: rc.Figure(value=1, low=5, high=9)),
    (rc.Reason.NEGATIVE_COUNT, lambda path: rc.Figure.exact(-1)),
    (rc.Reason.NO_MIDPOINT, lambda path: rc.Figure.between(1, math.inf)),
    (rc.Reason.BAD_SHARES, lambda path: rc.Figure.about(5000, min_share=0.2, max_share=0.1)),
    (rc.Reason.NO_FIGURES, lambda path: rc.total([])),
    (
        rc.Reason.DOUBLE_COUNT,
        lambda path: rc.total(
            [rc.Figure.exact(1, counts="troops"), rc.Figure.exact(1, counts="troops/us")], counts="x"
        ),
    ),
    (rc.Reason.COUNTS_MISMATCH, lambda path: rc.Figure.exact(1, counts="a") + rc.Figure.exact(1, counts="b")),
    (
        rc.Reason.SCOPE_MISMATCH,
        lambda path: rc.compare(rc.Figure.exact(1, place="Mosul"), rc.Figure.exact(1, place="Raqqa")),
    ),
    (
        rc.Reason.DIVISION_BY_RANGE,
        lambda path: (
            rc.Figure.exact(1, unit="dimensionless") / rc.Figure.between(-1, 1, unit="dimensionless")
        ),
    ),
    (rc.Reason.BAD_COUNTS_PATH, lambda path: rc.Figure.exact(1, counts="a//b")),
    (rc.Reason.BAD_SOURCE, lambda path: rc.Figure.exact(1, source=5)),  # type: ignore[arg-type]
    (rc.Reason.UNKNOWN_UNIT, lambda path: rc.Figure.exact(1, unit="persn")),
    (rc.Reason.OFFSET_UNIT, lambda path: rc.Figure.exact(1, unit="degC")),
    (rc.Reason.UNIT_MISMATCH, lambda path: rc.Figure.exact(1).to("household")),
    (rc.Reason.BAD_ARGUMENT, lambda path: rc.read_claims(5)),  # type: ignore[call-overload]
    (rc.Reason.SHAPE_MISMATCH, lambda path: rc.to_claims([rc.Figure.exact(1)], ids=["a", "b"])),
    (rc.Reason.BAD_PROBABILITY, lambda path: adjust_linear([1.0], [1.0], np.ones((1, 1)), [1.0], alpha=2)),
    (rc.Reason.NEGATIVE_SIGMA, lambda path: adjust_linear([1.0], [-1.0], np.ones((1, 1)), [1.0])),
    (
        rc.Reason.INFEASIBLE,
        lambda path: adjust_linear([1.0, 1.0], [0.0, 0.0], np.array([[1.0, -1.0]]), [1.0]),
    ),
    (rc.Reason.BAD_LEXICON, lambda path: rc.Lexicon.default().with_noun("", unit="person")),
    (rc.Reason.UNKNOWN_POLICY, lambda path: rc.reconcile(_claims(), policy="loudest")),  # type: ignore[call-overload]
    (rc.Reason.BAD_KEY, lambda path: rc.reconcile(_claims(), key=("counts", "region"))),
    (
        rc.Reason.KEY_WITHOUT_COUNTS,
        lambda path: rc.reconcile(MOSUL_CLAIMS(), key=("place",), relations=RELATED),
    ),
    (rc.Reason.BAD_WEIGHTS, lambda path: rc.reconcile(_claims(), weights={"backers": -1})),
    (rc.Reason.UNKNOWN_WEIGHT_SOURCE, lambda path: rc.reconcile(_claims(), weights={"nobody": 2})),
    (rc.Reason.PRIORITY_NEEDS_WEIGHTS, lambda path: rc.reconcile(_claims(), policy="priority")),
    (rc.Reason.CONFLICTS, lambda path: rc.reconcile(_claims()).raise_if_conflicts()),
    (rc.Reason.MALFORMED_RELATION, lambda path: rc.Relation.parse("a = ")),
    (
        rc.Reason.UNKNOWN_QUANTITY,
        lambda path: rc.reconcile(MOSUL_CLAIMS(), relations=["troops/all = troops/us + troops/none"]),
    ),
    (rc.Reason.REPEATED_QUANTITY, lambda path: rc.Relation.parse("a = b + b")),
    (rc.Reason.SPLIT_NAME, lambda path: rc.Relation.parse("a = a-b + b", names=["a"])),
    (rc.Reason.NOT_LINEAR, lambda path: rc.Relation.parse("a = b * c")),
    (rc.Reason.NOT_AN_EQUALITY, lambda path: rc.adjust(MOSUL_CLAIMS(), ["troops/us <= troops/us/added"])),
    (rc.Reason.BAD_SCOPE, lambda path: rc.Relation.parse("a = b", scope=5)),  # type: ignore[arg-type]
    (rc.Reason.NOTHING_TO_PLOT, lambda path: importlib.import_module("reconcile.plot").ranges(_claims(), [])),
    (rc.Reason.INTERNAL, lambda path: check_built(Totals, pd.DataFrame({"low": [2.0], "high": [1.0]}))),
]


def MOSUL_CLAIMS() -> pd.DataFrame:  # noqa: N802 - read on use, like a constant
    return rc.read_claims(MOSUL)


@pytest.mark.parametrize(("reason", "call"), REASON_CASES, ids=[reason.name for reason, _ in REASON_CASES])
def test_each_cause_raises_its_reason(
    reason: rc.Reason, call: Callable[[Path], object], tmp_path: Path
) -> None:
    with pytest.raises(rc.ReconcileError) as caught:
        call(tmp_path)
    assert caught.value.reason is reason, caught.value


#: Reasons a row of a claims table carries in ``ClaimsError.failures`` rather than the error's own.
ROW_REASON_CASES: list[tuple[rc.Reason, pd.DataFrame, dict[str, object]]] = [
    (rc.Reason.DAY_ORDER, _claims(as_of=["03/04/2022", "04/03/2022"]), {}),
    (rc.Reason.DAY_ORDER_MIXED, _claims(as_of=["17/10/2016", "10/17/2016"]), {}),
    (rc.Reason.DAY_ORDER_AGAINST, _claims(as_of=["17/10/2016", "17/10/2016"]), {"dayfirst": False}),
    (rc.Reason.NOT_A_DAY, _claims(reported_on=["2016-10", "2016-10-17"]), {}),
    (rc.Reason.BAD_DATE, _claims(as_of=["soon", "2016"]), {}),
    (rc.Reason.SHORT_YEAR, _claims(as_of=["17/10/16", "2016"]), {}),
    (
        rc.Reason.UNKNOWN_NOUN,
        _claims(phrase=["5,000 wombats in Mosul", "7,000"]).drop(columns=["low", "value", "high"]),
        {},
    ),
    (rc.Reason.PHRASE_DISAGREES, _claims(phrase=["about 6,000", None]), {}),
]


@pytest.mark.parametrize(
    ("reason", "table", "options"), ROW_REASON_CASES, ids=[r.name for r, _, _ in ROW_REASON_CASES]
)
def test_each_bad_row_carries_its_reason(
    reason: rc.Reason, table: pd.DataFrame, options: dict[str, object]
) -> None:
    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(table, **options)  # type: ignore[call-overload]
    assert caught.value.reason is rc.Reason.BAD_ROWS
    assert reason in set(caught.value.failures["reason"].dropna())


def test_every_reason_is_raised_somewhere_in_the_package() -> None:
    # The tables above show most reasons raised; every one is at least named where it is raised.
    source = "\n".join(
        path.read_text(encoding="utf-8")
        for path in (ROOT / "reconcile").rglob("*.py")
        if path.name != "errors.py"
    )
    phrase_codes = set(importlib.import_module("reconcile.phrases.problems").PROBLEMS)
    defaults = {error.default_reason for error in ALL_ERRORS}
    unraised = [
        reason
        for reason in rc.Reason
        if f"Reason.{reason.name}" not in source
        and reason.value not in phrase_codes
        and reason not in defaults
    ]
    assert unraised == []
    shown = {reason for reason, _ in REASON_CASES} | {reason for reason, _, _ in ROW_REASON_CASES}
    assert len(shown) >= 0.8 * len(rc.Reason)


# -- internal tables ------------------------------------------------------------------------------


def test_a_broken_table_the_library_built_is_an_internal_error_naming_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    related = importlib.import_module("reconcile.relations.related")
    broken = pd.DataFrame(
        {"conflict_id": ["R1"], "kind": ["loud"], "claim_id": ["troops-us"], "message": ["?"]}
    )
    monkeypatch.setattr(related, "relation_conflicts", lambda *args, **kwargs: broken)
    with pytest.raises(rc.InternalError) as caught:
        rc.reconcile(rc.read_claims(MOSUL), relations=RELATED)
    error = caught.value
    assert error.table == "Conflicts" and error.reason is rc.Reason.INTERNAL
    assert isinstance(error, RuntimeError) and not isinstance(error, rc.ClaimsError)
    assert str(error).startswith("the library built a Conflicts table that breaks its contract")
    assert "this is a bug in reconcile" in error.hint
    assert "kind='loud'" in str(error) and len(error.failures) == 1


def test_only_the_users_claims_blame_the_user() -> None:
    with pytest.raises(rc.ClaimsError):
        rc.read_claims(_claims(kind="x", low=[6000.0, 7000.0]))
    with pytest.raises(rc.InternalError, match="Conflicts table"):
        check_built(
            Conflicts,
            pd.DataFrame({"conflict_id": ["C1"], "kind": ["x"], "claim_id": ["a"], "message": ["m"]}),
        )


def test_the_command_reports_an_internal_error_as_a_bug(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    related = importlib.import_module("reconcile.relations.related")
    broken = pd.DataFrame(
        {"conflict_id": ["R1"], "kind": ["loud"], "claim_id": ["troops-us"], "message": ["?"]}
    )
    monkeypatch.setattr(related, "relation_conflicts", lambda *args, **kwargs: broken)
    relations = _file(tmp_path, "relations.txt", RELATED[0] + "\n")
    monkeypatch.setattr(sys, "argv", ["reconcile", "check", str(MOSUL), "--relations", str(relations)])
    cli = importlib.import_module("reconcile.cli")
    with pytest.raises(SystemExit) as caught:
        cli.main()
    assert caught.value.code == cli.EXIT_INTERNAL
    assert "InternalError" in capsys.readouterr().err


def test_the_command_has_a_hint_for_reasons_it_words_itself() -> None:
    assert set(hints.OPTION_HINTS) <= set(rc.Reason)
