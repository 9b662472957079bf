"""Count phrases from four number-reading libraries' public test suites, read as a careful reader would.

The corpus (``tests/data/real/phrases/count_phrases.json``; where each phrase comes from is in
the ``SOURCES.md`` beside it) holds every English phrase of quantulum3, word2number,
number-parser and text2num's tests that states one number, with the number the suite expects,
and the phrases a suite expects no single number from. Three things are held here:

- nothing is read to a wrong value, but where the suite's expectation is not what the words
  say (each such phrase is listed below with the reason);
- a phrase a suite refuses is refused, but where English gives it one number (listed);
- at least 95% of the count phrases are read to the suite's value. Count phrases are those
  stating a count or an amount; measures (metres, days, electronvolts) and negative numbers
  are scored apart, and are never read to a wrong value either.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

import reconcile as rc

CORPUS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "real" / "phrases" / "count_phrases.json").read_text(encoding="utf-8")
)

#: Phrases whose suite value is not what the words say, and what they say.
READ_OTHERWISE = {
    # quantulum3 expects 1,000,000.5 (a half added to the million); English means half a million more.
    "a million and a half": 1_500_000.0,
}
#: Phrases a suite expects no single number from that English gives one.
ONE_NUMBER = {
    # number-parser splits it in two; in British usage it is a billion ("a thousand million").
    "thousand million": 1e9,
    # text2num leaves it; it is the quantity word "several hundred", in years.
    "several hundred years": 500.0,
}


def reading(phrase: str) -> rc.Figure | None:
    try:
        return rc.parse(phrase)
    except rc.ReconcileError:
        return None


def same(figure: rc.Figure, expected: float) -> bool:
    """The suite's number, or its hundredth for a percentage ("35%" is 35 to the suites)."""
    return any(math.isclose(figure.value, want, rel_tol=1e-12) for want in (expected, expected / 100))


def counting(entry: dict[str, Any]) -> bool:
    """Whether the phrase states a count or an amount (not a measure, not a negative number)."""
    return entry["kind"] not in ("measure", "degenerate") and entry["value"] >= 0


NUMBERED = [entry for entry in CORPUS if entry["value"] is not None]
NONE = [entry for entry in CORPUS if entry["value"] is None]


def test_the_corpus_holds_phrases_from_each_suite() -> None:
    libraries = {entry["library"] for entry in CORPUS}
    assert libraries == {"quantulum3", "word2number", "number-parser", "text2num"}
    assert len(NUMBERED) > 400 and len(NONE) > 50


def test_no_phrase_is_read_to_a_wrong_value() -> None:
    wrong = []
    for entry in NUMBERED:
        figure = reading(entry["phrase"])
        expected = READ_OTHERWISE.get(entry["phrase"], entry["value"])
        if figure is not None and not same(figure, expected):
            wrong.append((entry["phrase"], expected, figure.value))
    assert not wrong


def test_a_phrase_the_suites_read_as_no_single_number_is_refused() -> None:
    read = {}
    for entry in NONE:
        figure = reading(entry["phrase"])
        if figure is not None:
            read[entry["phrase"]] = figure.value
    assert read == ONE_NUMBER


def test_at_least_95_percent_of_the_count_phrases_read_to_their_value() -> None:
    counts = [entry for entry in NUMBERED if counting(entry)]
    right = [
        entry
        for entry in counts
        if (figure := reading(entry["phrase"])) is not None
        and same(figure, READ_OTHERWISE.get(entry["phrase"], entry["value"]))
    ]
    assert len(counts) > 300
    assert len(right) / len(counts) >= 0.95, [entry["phrase"] for entry in counts if entry not in right]


@pytest.mark.parametrize("unit", [None, "person"])
def test_parse_many_reads_the_corpus_as_parse_does(unit: str | None) -> None:
    phrases = [entry["phrase"] for entry in CORPUS]
    table = rc.parse_many(phrases, unit=unit)
    records = table[["low", "value", "high", "unit", "hedge", "counts", "error"]].to_dict(orient="records")
    for phrase, row in zip(phrases, records, strict=True):
        try:
            figure = rc.parse(phrase, unit=unit)
            want: tuple[Any, ...] = (
                figure.low,
                figure.value,
                figure.high,
                figure.unit,
                figure.hedge,
                figure.counts,
            )
        except rc.ReconcileError as error:
            want = (str(error),)
        got = (row["error"],) if len(want) == 1 else tuple(row[name] for name in list(row)[:6])
        assert got == want, phrase
