"""Real HXL files as published (tests/data/real/hxl, named in its SOURCES.md) read as an analyst would.

Each file's expected readings were taken from the file by hand: for chosen cells, the number
as printed, the place names broadest first, the date cell and the unit; for blank or sentinel
cells, that they give no claim. A file that cannot be read must fail naming its column and line.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import reconcile as rc
from reconcile._periods import read_dates

FOLDER = Path(__file__).parent / "data" / "real" / "hxl"
CASES = json.loads((FOLDER / "expected.json").read_text(encoding="utf-8"))
# Files whose reading is refused, with what the error must name.
REFUSED = {
    # '#inneed', '#target' and '#reached' each stand over two columns: which to read is not known.
    "eth_drought_pin_targeted_reached.csv": ("#inneed", "line 3"),
    # Months in French ('Septembre 2012'): the error names the column and the lines.
    "mali_population_movements.csv": ("#period_date", "line 3"),
}


def _records(path: Path) -> tuple[int, dict[int, int]]:
    """The file line of the hashtag row, and each data record's number (from 1) by its first line."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        starts, start, hashtag_line = [], 1, 0
        for cells in reader:
            filled = [c.strip() for c in cells if c.strip()]
            if not hashtag_line and filled and all(c.startswith("#") for c in filled):
                hashtag_line = start
            starts.append(start)
            start = reader.line_num + 1
    data = [line for line in starts if line > hashtag_line]
    return hashtag_line, {line: number for number, line in enumerate(data, start=1)}


def _last_day(as_of: str) -> str:
    """The last day of a date, a period or a span (a span of days may be read as the month it fills)."""
    return str(pd.Period(str(as_of).split("/")[-1]).end_time.date())


def _read(case: dict[str, Any]) -> pd.DataFrame:
    return rc.read_claims(FOLDER / case["file"], source=case["source"], as_of=case["as_of"])


def _claim(claims: pd.DataFrame, number: int, hashtag: str) -> pd.Series:
    ids = claims["claim_id"]
    found = claims[(ids == f"row-{number}{hashtag}") | (ids == f"row-{number}")]
    assert len(found) >= 1, f"no claim for row {number} {hashtag}"
    if len(found) > 1:
        found = found[found["claim_id"] == f"row-{number}{hashtag}"]
    return found.iloc[0]


@pytest.mark.parametrize("case", [c for c in CASES if c["file"] not in REFUSED], ids=lambda c: c["file"])
def test_a_published_hxl_file_reads_with_its_values_places_dates_and_units(case: dict[str, Any]) -> None:
    claims = _read(case)
    _, numbers = _records(FOLDER / case["file"])
    for check in case["checks"]:
        claim = _claim(claims, numbers[check["line"]], check["hashtag"])
        assert claim["value"] == check["value"], check
        assert claim["unit"] == check["unit"], check
        place = "/".join(check["place"]) if check["place"] else None
        assert (claim["place"] if pd.notna(claim["place"]) else None) == place, check
        date = check["as_of"] or case["as_of"]
        if date is not None:
            canonical = read_dates(pd.Series([date]), dayfirst=None, days_only=False)[0][0]
            assert _last_day(claim["as_of"]) == _last_day(canonical), check
        assert claim["source"] == (case["source"] or claim["source"])
    for cell in case.get("blank_cells", []):
        number = numbers[cell["line"]]
        ids = claims["claim_id"]
        assert not ((ids == f"row-{number}{cell['hashtag']}").any()), cell
        if (ids == f"row-{number}").any():  # the row's one claim is another column's figure
            assert not claims.loc[ids == f"row-{number}", "value"].isna().any()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_a_published_file_that_cannot_be_read_names_its_column_and_line(name: str) -> None:
    case = next(c for c in CASES if c["file"] == name)
    with pytest.raises(rc.ClaimsError) as caught:
        _read(case)
    column, line = REFUSED[name]
    assert column in str(caught.value)
    assert line in str(caught.value)


def test_at_least_ten_of_the_published_files_read() -> None:
    assert sum(case["file"] not in REFUSED for case in CASES) >= 10


def test_what_is_not_read_is_said_in_notes() -> None:
    claims = rc.read_claims(FOLDER / "hoa_key_figures_som.csv", source="OCHA")
    notes = claims.attrs["notes"]
    ignored = [note.column for note in notes if note.reason is rc.Reason.IGNORED_HASHTAG]
    assert "#targeted+pct" in ignored
    assert any(note.reason is rc.Reason.FILLED_FACT and note.column == "source" for note in notes)


PARTS = """Country,Year,IDPs,IDPs (women),IDPs (men),Girls,Children
#country+name,#date+year,#affected+idps,#affected+f+idps,#affected+idps+m,#affected+children+f+idps,#affected+idps+children
Iraq,2017,"100,000",60 000,45000,30000,20000
"""


def test_part_of_follows_the_attribute_sets_not_their_spelling(tmp_path: Path) -> None:
    path = tmp_path / "parts.csv"
    path.write_text(PARTS)
    claims = rc.read_claims(path, source="IOM")
    assert claims["counts"].tolist() == [
        "affected/idps",
        "affected/idps/f",
        "affected/idps/m",
        "affected/idps/f/children",
        "affected/idps/children",
    ]
    checks = set(
        rc.reconcile(claims).conflicts["message"].str.extract(r"satisfy (.*) \(implied part\)")[0].dropna()
    )
    # Women and men are each part of the IDPs (both hold); girls are part of the women and of
    # the children: 30,000 girls among 20,000 children cannot hold.
    assert checks == {"affected/idps/f/children <= affected/idps/children"}
