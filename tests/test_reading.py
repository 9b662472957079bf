"""Reading files as humanitarian data services publish them (``rc.read_claims``).

Numbers as printed (thousands separators, a decimal comma, cells that hold no figure, phrases in
value cells), errors that name the file's own column and line, facts given for the whole file,
and ``errors="flag"`` followed by :func:`reconcile.reconcile`. Each test states an invariant
(two readings agree, nothing is lost, a fact never overwrites a cell) rather than echo one
reading. Real published files are checked in ``test_hxl_real.py``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile as rc

# The header of a plain claims file whose figures sit in ``value`` alone.
PLAIN = ["claim_id", "counts", "place", "as_of", "value", "unit", "source"]
# An HXL file of one figure per row: a title row, the header row, then the hashtag row.
HXL_HEAD = [["Displacement by governorate", "", ""], ["Governorate", "Displaced", "Date"]]
HXL_TAGS = ["#adm1+name", "#affected+idps", "#date"]

# The thousands separators a decimal mark allows (the mark itself never groups digits).
SEPARATORS = {
    ".": [",", " ", "\u00a0", "\u2009", "\u202f", "'", "\u2019"],
    ",": [".", " ", "\u00a0", "\u2009", "\u202f", "'", "\u2019"],
}
SEPARATOR_CASES = [(decimal, sep) for decimal, seps in SEPARATORS.items() for sep in seps]
# Cells that say "no figure here", in the spellings published tables use.
SENTINELS = ["", "-", "--", "_", "NA", "N/A", "n/a", "n.a.", "..", "...", "\u2026", "\u2013", "\u2014"]
SENTINELS += ["nan", "NaN", "null", " - ", "             _"]
# Settings as in test_formats.py: a file written per example, so fewer unless profiling thoroughly.
FILE_EXAMPLES = settings().max_examples if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 20


def _write(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    """``rows`` as a CSV file, quoted where a cell needs it, as a spreadsheet writes one."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _plain(path: Path, cells: Sequence[object]) -> Path:
    """A plain claims file, one claim per cell of ``value``, each about its own place."""
    rows = [
        [f"c{n}", "idps", f"district-{n}", "2016-11", cell, "person", "IOM"] for n, cell in enumerate(cells)
    ]
    return _write(path, [PLAIN, *rows])


def _hxl(path: Path, cells: Sequence[object]) -> Path:
    """An HXL file, one figure per row under ``#affected+idps``; its data rows start on line 4."""
    rows = [[f"district-{n}", cell, "2016-11"] for n, cell in enumerate(cells)]
    return _write(path, [*HXL_HEAD, HXL_TAGS, *rows])


def _make(kind: str, path: Path, cells: Sequence[object]) -> tuple[Path, int]:
    """The file of ``kind`` (``plain`` or ``hxl``) and the line its first data row is on."""
    return (_plain(path, cells), 2) if kind == "plain" else (_hxl(path, cells), 4)


def _read(path: Path, **options: Any) -> pd.DataFrame:
    claims: pd.DataFrame = rc.read_claims(path, source="IOM", **options)
    return claims


def _printed(number: int, separator: str) -> str:
    """``number`` as a table prints it, grouped in threes by ``separator``."""
    return f"{number:,}".replace(",", separator)


def _skipped(claims: pd.DataFrame) -> tuple[int, ...]:
    """The file lines the reader said it skipped for want of a figure."""
    notes = [note for note in claims.attrs["notes"] if note.reason is rc.Reason.NO_FIGURE]
    assert len(notes) <= 1
    return notes[0].lines if notes else ()


# ------------------------------------------------------------------------- numbers as printed


GROUPED = [1_000, 12_500, 433_412, 1_234_567, 9_876_543_210]


@pytest.fixture(scope="module")
def bare_readings(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """:data:`GROUPED` printed without separators in a plain file, read with each decimal mark."""
    path = _plain(tmp_path_factory.mktemp("bare") / "bare.csv", [str(n) for n in GROUPED])
    return {decimal: _read(path, decimal=decimal) for decimal in SEPARATORS}


@pytest.mark.parametrize(
    ("decimal", "separator"), SEPARATOR_CASES, ids=[f"{d}{s!r}" for d, s in SEPARATOR_CASES]
)
def test_every_thousands_separator_reads_as_the_number_printed(
    tmp_path: Path, bare_readings: dict[str, pd.DataFrame], decimal: str, separator: str
) -> None:
    path = _plain(tmp_path / "printed.csv", [_printed(n, separator) for n in GROUPED])
    printed = _read(path, decimal=decimal)
    assert printed["value"].tolist() == GROUPED
    # Grouping changes nothing: the same numbers without separators read the same, ranges included.
    pd.testing.assert_frame_equal(printed, bare_readings[decimal])


@pytest.mark.parametrize("decimal", sorted(SEPARATORS))
def test_every_thousands_separator_reads_the_same_in_an_hxl_file(tmp_path: Path, decimal: str) -> None:
    separators = SEPARATORS[decimal]
    path = _hxl(tmp_path / "printed.csv", [_printed(n, sep) for sep in separators for n in GROUPED])
    bare = _hxl(tmp_path / "bare.csv", [str(n) for _ in separators for n in GROUPED])
    printed = _read(path, decimal=decimal)
    assert printed["value"].tolist() == GROUPED * len(separators)
    pd.testing.assert_frame_equal(printed, _read(bare, decimal=decimal))


@pytest.mark.parametrize("kind", ["plain", "hxl"])
def test_a_decimal_comma_reads_as_the_decimal_point_does(tmp_path: Path, kind: str) -> None:
    numbers = [1234.5, 2.5, 1_234_567.0, 80_418.0, 0.25, 12.0, 1_000_000.75]
    english = [f"{n:,}".removesuffix(".0") for n in numbers]  # 1,234.5  1,234,567
    european = [cell.translate(str.maketrans(",.", ".,")) for cell in english]  # 1.234,5  1.234.567
    spaced = [cell.replace(".", " ") for cell in european]  # 1 234,5  1 234 567
    point, _ = _make(kind, tmp_path / "point.csv", english)
    comma, _ = _make(kind, tmp_path / "comma.csv", european)
    spaces, _ = _make(kind, tmp_path / "spaces.csv", spaced)
    read = _read(point)
    assert read["value"].tolist() == numbers
    pd.testing.assert_frame_equal(_read(comma, decimal=","), read)
    pd.testing.assert_frame_equal(_read(spaces, decimal=","), read)


@pytest.mark.parametrize("kind", ["plain", "hxl"])
def test_a_number_with_the_other_decimal_mark_is_refused_not_misread(tmp_path: Path, kind: str) -> None:
    path, first = _make(kind, tmp_path / "marks.csv", ["12", "1.234,5"])
    with pytest.raises(rc.ClaimsError) as caught:
        _read(path)  # decimal point: 1.234,5 is no number, and no phrase either
    assert f"line {first + 1}" in str(caught.value)
    assert _read(path, decimal=",")["value"].tolist() == [12.0, 1234.5]


def test_decimal_is_a_point_or_a_comma(tmp_path: Path) -> None:
    path, _ = _make("plain", tmp_path / "claims.csv", ["12"])
    with pytest.raises(rc.ArgumentError, match="decimal must be"):
        _read(path, decimal=";")


@pytest.mark.parametrize("sentinel", SENTINELS, ids=[repr(s) for s in SENTINELS])
def test_a_cell_that_holds_no_figure_skips_its_row_with_a_note(tmp_path: Path, sentinel: str) -> None:
    path = _plain(tmp_path / "gaps.csv", ["1,200", sentinel, "3,400"])
    claims = _read(path)
    assert claims["claim_id"].tolist() == ["c0", "c2"]
    assert claims["value"].tolist() == [1200.0, 3400.0]
    assert _skipped(claims) == (3,)
    (note,) = [note for note in claims.attrs["notes"] if note.reason is rc.Reason.NO_FIGURE]
    assert note.count == 1


def test_every_cell_that_holds_no_figure_gives_no_claim_in_an_hxl_file(tmp_path: Path) -> None:
    cells = [cell for sentinel in SENTINELS for cell in ("1,200", sentinel)]
    claims = _read(_hxl(tmp_path / "gaps.csv", cells))
    assert claims["value"].tolist() == [1200.0] * len(SENTINELS)
    assert claims["place"].tolist() == [f"district-{row}" for row in range(0, len(cells), 2)]
    assert _skipped(claims) == tuple(range(5, 4 + len(cells), 2))  # data rows start on line 4


# --------------------------------------------------------------------- phrases in value cells


PHRASES = ["at least 7,000", "about 5,000", "more than 1,400", "3,000 to 5,000", "up to 200", "nearly 12,000"]


@pytest.mark.parametrize("kind", ["plain", "hxl"])
def test_a_phrase_in_a_value_cell_reads_as_the_phrase_parser_reads_it(tmp_path: Path, kind: str) -> None:
    path, _ = _make(kind, tmp_path / "phrased.csv", ["1,200", *PHRASES])
    claims = _read(path)
    assert claims["value"].iloc[0] == 1200
    assert pd.isna(claims["quote"].iloc[0])  # a number is no phrase
    hedges = claims["hedge"].astype(object).where(claims["hedge"].notna(), None).tolist()
    for row, phrase in enumerate(PHRASES, start=1):
        figure = rc.parse(phrase)
        read = tuple(claims[end].iloc[row] for end in ("low", "value", "high"))
        assert read == (figure.low, figure.value, figure.high), phrase
        assert hedges[row] == figure.hedge, phrase
        assert claims["quote"].iloc[row] == phrase


def test_a_phrase_in_a_value_cell_reads_as_it_does_in_a_phrase_column(tmp_path: Path) -> None:
    in_value = _plain(tmp_path / "value.csv", PHRASES)
    rows = [
        [f"c{n}", "idps", f"district-{n}", "2016-11", phrase, "person", "IOM"]
        for n, phrase in enumerate(PHRASES)
    ]
    in_phrase = _write(tmp_path / "phrase.csv", [[*PLAIN[:4], "phrase", *PLAIN[5:]], *rows])
    by_value, by_phrase = _read(in_value), _read(in_phrase)
    pd.testing.assert_frame_equal(by_value, by_phrase[by_value.columns])


def test_a_phrase_in_a_value_cell_follows_the_files_decimal_comma(tmp_path: Path) -> None:
    path = _plain(tmp_path / "comma.csv", ["1.200", "at least 7.000"])
    assert _read(path, decimal=",")["low"].tolist() == [1200.0, 7000.0]


# ------------------------------------------------------------- errors name the column and line


def test_a_bad_number_in_a_plain_file_names_its_header_and_line(tmp_path: Path) -> None:
    header = ["claim_id", "counts", "place", "as_of", "low", "value", "high", "unit", "source"]
    rows = [
        ["a", "idps", "Ninewa", "2016-11", "", "1,200", "", "person", "IOM"],
        ["b", "idps", "Anbar", "2016-11", "7x", "800", "", "person", "IOM"],
        ["c", "idps", "Kirkuk", "2016-11", "", "900", "9OO", "person", "IOM"],
    ]
    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(_write(tmp_path / "plain.csv", [header, *rows]))
    error = caught.value
    assert error.reason is rc.Reason.BAD_ROWS
    assert "row 1 (line 3): low holds '7x', which is not a number" in str(error)
    assert "row 2 (line 4): high holds '9OO', which is not a number" in str(error)
    assert error.failures is not None
    numbers = error.failures[error.failures["check"] == "a number"]
    assert sorted(numbers["column"]) == ["high", "low"]
    assert set(numbers["reason"]) == {rc.Reason.NOT_A_NUMBER}
    assert "row 0" not in str(error)


@pytest.mark.parametrize("written", ["#affected+idps", "#Affected+IDPs", "#affected +idps", "#idp_num"])
def test_a_bad_number_in_an_hxl_file_names_the_hashtag_as_written_and_its_line(
    tmp_path: Path, written: str
) -> None:
    rows = [
        ["Ninewa", "1,200", "1,100", "2016-11"],
        ["Anbar", "lots", "", "2016-11"],
        ["Kirkuk", "900", "8x", "2016-11"],
    ]
    low = f"{written}+min" if written != "#idp_num" else "#affected+idps+min"
    path = _write(
        tmp_path / "tagged.csv",
        [["Governorate", "Displaced", "Low", "Date"], ["#adm1+name", written, low, "#date"], *rows],
    )
    with pytest.raises(rc.ClaimsError) as caught:
        _read(path)
    error = caught.value
    assert error.reason is rc.Reason.BAD_ROWS
    # Data rows start on line 3: the text in the value cell is on line 4, the bad low end on line 5.
    assert f"row 1 (line 4): {written}: 'lots' does not start a figure phrase" in str(error)
    assert f"row 2 (line 5): {low} holds '8x', which is not a number" in str(error)
    assert error.failures is not None
    bad_low = error.failures[error.failures["column"] == "low"]
    assert bad_low["label"].tolist() == [low]
    assert bad_low["reason"].tolist() == [rc.Reason.NOT_A_NUMBER]


# ----------------------------------------------------------------------- facts for the whole file


@pytest.mark.parametrize("blanks", [(0,), (1, 2), (0, 1, 2), ()])
def test_file_facts_fill_blank_cells_and_never_overwrite_a_given_one(
    tmp_path: Path, blanks: tuple[int, ...]
) -> None:
    given = ["UNHCR", "OCHA", "WFP"]
    spelled = ["", "   ", ""]  # blank or only spaces
    sources = [spelled[n] if n in blanks else given[n] for n in range(3)]
    dates = ["2016-10", "", "2016-12"]
    rows = [[f"c{n}", "idps", f"district-{n}", dates[n], "1,200", "person", sources[n]] for n in range(3)]
    path = _write(tmp_path / "facts.csv", [PLAIN, *rows])
    claims = rc.read_claims(
        path, source="IOM", via="CNN", as_of=dt.date(2016, 11, 1), reported_on="2016-11-03"
    )
    assert claims["source"].tolist() == ["IOM" if n in blanks else given[n] for n in range(3)]
    assert claims["as_of"].tolist() == ["2016-10", "2016-11-01", "2016-12"]
    assert claims["via"].tolist() == ["CNN"] * 3  # the file has no via column: every row
    assert claims["reported_on"].tolist() == ["2016-11-03"] * 3
    filled = {
        note.column: note.count for note in claims.attrs["notes"] if note.reason is rc.Reason.FILLED_FACT
    }
    assert filled == {
        **({"source": len(blanks)} if blanks else {}),
        "as_of": 1,
        "via": 3,
        "reported_on": 3,
    }


def test_file_facts_fill_an_hxl_file_and_its_notes_name_the_hashtag(tmp_path: Path) -> None:
    rows = [["Ninewa", "1,200", "UNHCR", "2016-10"], ["Anbar", "800", "", ""], ["Kirkuk", "900", "OCHA", ""]]
    tags = ["#adm1+name", "#affected+idps", "#meta+source", "#date"]
    path = _write(tmp_path / "facts.csv", [["Governorate", "Displaced", "Source", "Date"], tags, *rows])
    claims = rc.read_claims(path, source="IOM", as_of="2016-11")
    assert claims["source"].tolist() == ["UNHCR", "IOM", "OCHA"]
    assert claims["as_of"].tolist() == ["2016-10", "2016-11", "2016-11"]
    filled = {
        note.column: note.count for note in claims.attrs["notes"] if note.reason is rc.Reason.FILLED_FACT
    }
    assert filled == {"#meta+source": 1, "#date": 2}
    # A file that fills every cell itself gets no note, and reads as it would without the facts.
    full = _write(
        tmp_path / "full.csv",
        [["Governorate", "Displaced", "Source", "Date"], tags, ["Ninewa", "1,200", "UNHCR", "2016-10"]],
    )
    with_facts = rc.read_claims(full, source="IOM", as_of="2016-11")
    assert not [note for note in with_facts.attrs["notes"] if note.reason is rc.Reason.FILLED_FACT]
    pd.testing.assert_frame_equal(with_facts, rc.read_claims(full))


@pytest.mark.parametrize("fact", ["source", "via", "as_of", "reported_on"])
def test_a_blank_file_fact_is_refused(tmp_path: Path, fact: str) -> None:
    path, _ = _make("plain", tmp_path / "claims.csv", ["12"])
    blank: dict[str, Any] = {fact: "  "}
    with pytest.raises(rc.ArgumentError, match=f"{fact}= must be non-blank"):
        rc.read_claims(path, **blank)


def test_a_file_whose_rows_give_no_figure_reads_as_no_claims_with_the_facts_given(tmp_path: Path) -> None:
    path, first = _make("hxl", tmp_path / "empty.csv", ["-", ""])
    claims = _read(path, as_of="2016-11")
    assert claims.empty
    assert _skipped(claims) == (first, first + 1)


def test_a_plain_file_whose_value_cells_all_hold_no_figure_reads_as_no_claims(tmp_path: Path) -> None:
    path, first = _make("plain", tmp_path / "empty.csv", ["-", "n/a"])
    claims = _read(path)
    assert claims.empty
    assert _skipped(claims) == (first, first + 1)


@pytest.mark.parametrize("kind", ["plain", "hxl"])
def test_text_cells_that_look_like_sentinels_are_kept_as_written(tmp_path: Path, kind: str) -> None:
    # "NA" is Namibia as often as a gap: only a figure cell reads it as no figure.
    if kind == "plain":
        path = _write(
            tmp_path / "namibia.csv", [PLAIN, ["NA", "idps", "NA", "2016-11", "12", "person", "None"]]
        )
    else:
        tags = ["#meta+id", "#country+code", "#affected+idps", "#meta+source", "#date"]
        path = _write(
            tmp_path / "namibia.csv",
            [["Id", "Country", "Displaced", "Source", "Date"], tags, ["NA", "NA", "12", "None", "2016-11"]],
        )
    claims = rc.read_claims(path)
    assert claims[["claim_id", "place", "source"]].iloc[0].tolist() == ["NA", "NA", "None"]


# ------------------------------------------------------------------- flag the bad rows, reconcile


# Each row: its cells, and what a flagged reading says of it ("good", "error" or "no figure").
FLAG_ROWS = [
    (["a", "idps", "Ninewa", "2016-11", "", "12,500", "", "person", "IOM"], "good"),
    (["b", "idps", "Anbar", "2016-11", "", "lots", "", "person", "IOM"], "error"),
    (["c", "idps", "Kirkuk", "2016-11", "", "-", "", "person", "IOM"], "no figure"),
    (["d", "idps", "Salah al-Din", "2016-11", "7x", "800", "", "person", "IOM"], "error"),
    (["e", "idps", "Diyala", "2016-11", "", "at least 7,000", "", "person", "IOM"], "good"),
    (["f", "idps", "Basra", "2016-13-45", "", "100", "", "person", "IOM"], "error"),
    (["g", "idps", "Basra", "2016-11", "", "100", "", "persn", "IOM"], "error"),
    (["h", "idps", "Erbil", "2016-11", "500", "400", "300", "person", "IOM"], "error"),
    (["i", "idps", "Duhok", "17/10/2016", "", "1 000", "", "households", "UNHCR"], "good"),
    (["j", "idps", "Anbar", "2016-11", "", "", "", "person", "IOM"], "no figure"),
    (["k", "idps", "Ninewa", "2016-11", "11,000", "12,000", "13,000", "person", "UNHCR"], "good"),
]
FLAG_HEADER = ["claim_id", "counts", "place", "as_of", "low", "value", "high", "unit", "source"]


def _kinds(kind: str) -> list[bool]:
    return [fate == kind for _, fate in FLAG_ROWS]


def test_flagged_rows_are_the_input_rows_in_order_and_the_good_ones_read_as_alone(tmp_path: Path) -> None:
    path = _write(tmp_path / "all.csv", [FLAG_HEADER, *(cells for cells, _ in FLAG_ROWS)])
    flagged = rc.read_claims(path, errors="flag")
    ids = [cells[0] for cells, _ in FLAG_ROWS]
    assert flagged["claim_id"].tolist() == ids
    assert flagged.index.tolist() == list(range(len(FLAG_ROWS)))
    assert flagged["error"].notna().tolist() == _kinds("error")
    assert flagged["warning"].notna().tolist() == _kinds("no figure")
    # A row whose figure cannot be read keeps no number that could pass for one.
    unread = flagged[flagged["error"].notna() & flagged["place"].isin(["Anbar", "Salah al-Din", "Erbil"])]
    assert unread[["low", "value", "high"]].isna().all(axis=None)
    # The good rows are what a strict reading of them alone gives.
    good = [cells for cells, fate in FLAG_ROWS if fate == "good"]
    strict = rc.read_claims(_write(tmp_path / "good.csv", [FLAG_HEADER, *good]))
    kept = flagged[_kinds("good")].drop(columns=["warning", "error"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(kept[strict.columns], strict)
    # The strict reading of the whole file names exactly the rows flagged as errors.
    with pytest.raises(rc.ClaimsError) as caught:
        rc.read_claims(path)
    assert caught.value.failures is not None
    named = set(caught.value.failures["index"].dropna().astype(int))
    assert named == {row for row, (_, fate) in enumerate(FLAG_ROWS) if fate == "error"}


def test_reconciling_flagged_rows_loses_none_and_sets_the_bad_ones_aside(tmp_path: Path) -> None:
    path = _write(tmp_path / "all.csv", [FLAG_HEADER, *(cells for cells, _ in FLAG_ROWS)])
    flagged = rc.read_claims(path, errors="flag")
    claims = rc.reconcile(flagged).claims
    ids = [cells[0] for cells, _ in FLAG_ROWS]
    assert sorted(claims["claim_id"]) == sorted(ids)
    assert claims["claim_id"].is_unique
    fate = dict(zip(ids, (fate for _, fate in FLAG_ROWS), strict=True))
    for claim in claims.itertuples():
        if fate[str(claim.claim_id)] == "error":
            assert not claim.kept
            assert str(claim.reason).startswith("unreadable: ")
        elif fate[str(claim.claim_id)] == "no figure":
            assert not claim.kept
            assert claim.reason == "no figure"
    # The good rows reconcile as they would alone.
    good = rc.reconcile(flagged[_kinds("good")].drop(columns=["warning", "error"])).claims
    ours = claims[claims["claim_id"].isin(good["claim_id"])]
    assert ours.set_index("claim_id")["kept"].to_dict() == good.set_index("claim_id")["kept"].to_dict()


def test_flagging_an_hxl_file_keeps_every_figure_it_reads(tmp_path: Path) -> None:
    cells = ["12,500", "lots", "-", "800", "at least 7,000", "12,5OO"]
    path, _ = _make("hxl", tmp_path / "tagged.csv", cells)
    flagged = _read(path, errors="flag")
    # A row without a figure gives no claim in HXL; every other row gives one, in file order.
    assert flagged["claim_id"].tolist() == ["row-1", "row-2", "row-4", "row-5", "row-6"]
    assert flagged["error"].notna().tolist() == [False, True, False, False, True]
    assert _skipped(flagged) == (6,)
    claims = rc.reconcile(flagged).claims
    assert sorted(claims["claim_id"]) == sorted(flagged["claim_id"])
    assert claims.set_index("claim_id").loc[["row-2", "row-6"], "kept"].tolist() == [False, False]
    good, _ = _make("hxl", tmp_path / "good.csv", ["12,500", "", "-", "800", "at least 7,000", ""])
    strict = _read(good)
    kept = flagged[flagged["error"].isna()].drop(columns=["warning", "error"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(kept[strict.columns], strict)


# ------------------------------------------------------------------------------ the property


@st.composite
def printed_columns(draw: st.DrawFn) -> tuple[str, list[int | None], list[str]]:
    """A decimal mark, integers (None for a sentinel, at least one integer), and their cells."""
    decimal = draw(st.sampled_from([".", ","]))
    separator = draw(st.sampled_from(["", *SEPARATORS[decimal]]))
    numbers = draw(
        st.lists(st.one_of(st.integers(0, 10**15), st.none()), min_size=1, max_size=8).filter(
            lambda drawn: any(n is not None for n in drawn)
        )
    )
    cells = [draw(st.sampled_from(SENTINELS)) if n is None else _printed(n, separator) for n in numbers]
    return decimal, numbers, cells


@settings(max_examples=FILE_EXAMPLES)
@given(kind=st.sampled_from(["plain", "hxl"]), drawn=printed_columns())
def test_printed_integers_read_back_exactly_and_only_sentinel_rows_are_skipped(
    tmp_path_factory: pytest.TempPathFactory, kind: str, drawn: tuple[str, list[int | None], list[str]]
) -> None:
    decimal, numbers, cells = drawn
    path, first = _make(kind, tmp_path_factory.mktemp("printed") / "printed.csv", cells)
    claims = _read(path, decimal=decimal)
    given_numbers = [n for n in numbers if n is not None]
    assert claims["value"].tolist() == given_numbers
    assert (claims["low"] <= claims["value"]).all() and (claims["value"] <= claims["high"]).all()
    assert claims["place"].tolist() == [f"district-{row}" for row, n in enumerate(numbers) if n is not None]
    assert _skipped(claims) == tuple(first + row for row, n in enumerate(numbers) if n is None)
