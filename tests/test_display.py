"""Notebook HTML and terminal text of figures, comparisons and reconciliations."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import reconcile as rc
from reconcile import display
from reconcile.strategies import claims as claims_tables

ROOT = Path(__file__).resolve().parent.parent
MOSUL = ROOT / "examples" / "data" / "mosul_2016_claims.csv"
#: The tags the display functions write; anything else in their output was injected.
OUR_TAGS = {"div", "style", "p", "strong", "table", "thead", "tbody", "tr", "th", "td", "br", "ul", "li", "a"}
HOSTILE = "<script>alert('x')</script> & \"quoted\""


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parsed(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    tags.close()
    return tags


def body_rows(page: str) -> int:
    """The rows of the first table's body."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr>")


@pytest.fixture(scope="module")
def mosul() -> rc.Reconciliation:
    """The Mosul claims as reported: the militants' two sources weigh the same and disagree."""
    return rc.reconcile(rc.read_claims(MOSUL))


@pytest.fixture(scope="module")
def weighed() -> rc.Reconciliation:
    """The Mosul claims with U.S. officials weighed twice: the backers' claim is set aside."""
    return rc.reconcile(rc.read_claims(MOSUL), weights={"U.S. officials": 2})


def revised() -> rc.Reconciliation:
    """A government's toll, revised from 64 to 2,975 by its later report."""
    government = "Government of Puerto Rico"
    said = [
        rc.parse(
            phrase,
            counts="deaths/official",
            place="Puerto Rico",
            as_of="2017-09-20",
            source=rc.Source(name=government, via=via, date=dt.date.fromisoformat(day)),
        )
        for phrase, via, day in [("64", "AP", "2017-12-18"), ("2,975", "CNN", "2018-08-28")]
    ]
    return rc.reconcile(rc.to_claims(said))


def militants(source: str = "U.S. officials") -> list[rc.Figure]:
    return [
        rc.Figure.about(5000, counts="militants", place="Mosul", source=source),
        rc.Figure.at_least(7000, counts="militants", place="Mosul", source="Islamic State backers"),
    ]


# -- figures ----------------------------------------------------------------------------


def test_figure_html_shows_its_words_range_scope_and_source() -> None:
    figure = rc.parse(
        "about 5,000",
        counts="militants",
        place="Mosul",
        as_of="2016-10-17",
        source="U.S. officials",
        via="CNN",
    )
    page = figure._repr_html_()
    text = " ".join(parsed(page).text)
    for shown in (
        "about 5,000 militants",
        "4,500–5,500 people",
        "Mosul",
        "2016-10-17",
        "U.S. officials via CNN",
        "“about 5,000”",
    ):
        assert shown in text


def test_figure_html_escapes_every_text_it_shows() -> None:
    figure = rc.Figure.exact(
        5,
        counts="<b>bold</b>",
        place=HOSTILE,
        source=rc.Source(name=HOSTILE, via="<i>x</i>", quote=HOSTILE, url="javascript:alert(1)"),
        hedge="<u>",
    )
    tags = parsed(figure._repr_html_())
    assert set(tags.tags) <= OUR_TAGS - {"a"}, "a javascript: link must not become a link"
    assert "script" not in tags.tags
    assert any(HOSTILE in text for text in tags.text)


def test_figure_html_links_only_web_addresses() -> None:
    linked = rc.Figure.exact(5, source=rc.Source(name="CNN", url="https://edition.cnn.com/"))
    tags = parsed(linked._repr_html_())
    assert ("href", "https://edition.cnn.com/") in tags.attributes


def test_derived_figure_html_lists_its_parts() -> None:
    us = rc.Figure.about(5000, counts="troops/us", source="CNN")
    coalition = rc.Figure.about(3600, counts="troops/coalition", source="CNN")
    page = rc.total([us, coalition], counts="troops/foreign")._repr_html_()
    assert page.count("<li>") == 2
    assert "total of 2 figures" in page


def test_figure_repr_and_str_are_unchanged() -> None:
    figure = rc.Figure.at_least(7000, counts="militants")
    assert repr(figure).startswith("Figure(value=7000.0, low=7000.0, high=inf")
    assert str(figure) == "at least 7,000 militants (7,000–∞)"


# -- comparisons ------------------------------------------------------------------------


def test_comparison_html_gives_the_verdict_and_who_said_what() -> None:
    us, backers = militants()
    page = rc.compare(us, backers)._repr_html_()
    assert "contradiction: the ranges share no point: 1,500 militants apart" in page
    assert body_rows(page) == 2
    agreeing = rc.compare(us, rc.Figure.between(5200, 6000, counts="militants", place="Mosul"))._repr_html_()
    assert "agreement: the ranges agree on 5,200–5,500" in agreeing
    assert "a figure" in agreeing


def test_comparison_html_escapes_sources() -> None:
    us, backers = militants(source=HOSTILE)
    tags = parsed(rc.compare(us, backers)._repr_html_())
    assert set(tags.tags) <= OUR_TAGS
    assert any(HOSTILE in text for text in tags.text)


# -- reconciliations --------------------------------------------------------------------


def test_reconciliation_html_has_a_row_per_quantity_with_its_conflicts(mosul: rc.Reconciliation) -> None:
    page = mosul._repr_html_()
    assert page == display.reconciliation_html(mosul)
    assert body_rows(page) == 6
    militants_row = page.split("<tr>")[2]  # the header row, then the first quantity
    assert "militants, Mosul, 2016-10-17" in militants_row
    # Equal sources that disagree: unresolved, the envelope of both kept, one conflict naming both.
    for cell in ("5,000", "4,500–∞", "2 of 2 kept", "unresolved"):
        assert f"<td>{cell}</td>" in militants_row
    assert militants_row.count("C1 (disjoint): ") == 1
    assert "U.S. officials via CNN: about 5,000 militants (4,500–5,500)" in militants_row
    assert "Islamic State backers via CNN: at least 7,000 militants (7,000–∞)" in militants_row
    assert "sets of sources of equal weight share no point, and none outweighs the others" in militants_row
    assert "apart" not in militants_row
    assert "… and" not in page


def test_a_weighed_source_sets_the_other_aside_in_the_html(weighed: rc.Reconciliation) -> None:
    page = weighed._repr_html_()
    assert body_rows(page) == 6
    militants_row = page.split("<tr>")[2]
    for cell in ("5,000", "4,500–5,500", "1 of 2 kept", "conflict"):
        assert f"<td>{cell}</td>" in militants_row
    assert militants_row.count("C1 (disjoint): ") == 1
    assert "1,500 militants apart" in militants_row
    assert "outweighs" not in militants_row


def test_a_revised_quantity_shows_its_latest_report_and_no_conflict() -> None:
    result = revised()
    page = result._repr_html_()
    row = page.split("<tr>")[2]
    for cell in ("2,975", "1 of 2 kept", "revised", ""):  # the last, empty cell: no conflicts
        assert f"<td>{cell}</td>" in row
    assert "(disjoint)" not in page
    assert str(result).splitlines() == [
        "consensus: 1 quantity from 2 claims; 0 conflicts; 1 claim set aside",
        "quantity                                  estimate  range  claims       status",
        "deaths/official, Puerto Rico, 2017-09-20     2,975  2,975  1 of 2 kept  revised",
    ], "the earlier report is set aside, and a revision is no conflict between sources"


def test_reconciliation_repr_is_unchanged(mosul: rc.Reconciliation, weighed: rc.Reconciliation) -> None:
    assert (
        repr(mosul) == "Reconciliation(policy='consensus', quantities=6, conflicts=1, claims=7, set_aside=0)"
    )
    assert repr(weighed) == (
        "Reconciliation(policy='consensus', quantities=6, conflicts=1, claims=7, set_aside=1)"
    )


def test_reconciliation_html_escapes_claims_text() -> None:
    table = rc.to_claims(militants(source=HOSTILE)).assign(place=HOSTILE)
    tags = parsed(display.reconciliation_html(rc.reconcile(table, key=("counts", "place"))))
    assert set(tags.tags) <= OUR_TAGS
    assert any(HOSTILE in text for text in tags.text)


def many_quantities(n: int, conflicts_every: int = 7) -> pd.DataFrame:
    """``n`` quantities, each said by "first"; every ``conflicts_every``-th also by "second", apart.

    The two sources weigh the same, so those quantities are unresolved; weighing "first"
    more (``WEIGH_FIRST``) sets "second" aside, a conflict.
    """
    figures = []
    for number in range(n):
        figures.append(rc.Figure.about(1000 + number, counts=f"q{number:03d}", source="first"))
        if number % conflicts_every == 0:
            figures.append(rc.Figure.at_least(9000, counts=f"q{number:03d}", source="second"))
    return rc.to_claims(figures)


WEIGH_FIRST = {"first": 2}
#: How a tie's conflict message ends, one line of the text report.
TIE_ENDING = "\n  sets of sources of equal weight share no point, and none outweighs the others"


def statuses(result: rc.Reconciliation, conflicts_every: int) -> dict[str, set[str]]:
    """The statuses of the quantities two sources speak of, and of those one source does."""
    two = result.estimates["counts"].str.slice(1).astype(int) % conflicts_every == 0
    status = result.estimates["status"]
    return {"two sources": set(status[two]), "one source": set(status[~two])}


# Set aside (a conflict) or unresolved (a tie, also a conflict): both are quantities with conflicts.
@pytest.mark.parametrize(("weights", "status"), [(WEIGH_FIRST, "conflict"), (None, "unresolved")])
def test_a_large_result_shows_the_first_rows_and_says_what_is_left_out(
    weights: dict[str, float] | None, status: str
) -> None:
    result = rc.reconcile(many_quantities(120), key=("counts",), weights=weights)
    assert statuses(result, 7) == {"two sources": {status}, "one source": {"single"}}
    page = display.reconciliation_html(result)
    assert body_rows(page) == display.MAX_ROWS
    # Quantities 50..119 are left out; those with a number divisible by 7 have a conflict.
    hidden_conflicts = len([n for n in range(50, 120) if n % 7 == 0])
    assert f"… and 70 more quantities ({hidden_conflicts} with conflicts): see result.estimates" in page
    assert body_rows(display.reconciliation_html(result, max_rows=None)) == 120


def test_a_quantity_with_many_conflicts_lists_the_first_few() -> None:
    figures = [rc.Figure.about(5000, counts="militants", source=f"agreeing {n}") for n in range(3)]
    figures += [rc.Figure.exact(100 * n, counts="militants", source=f"low {n}") for n in range(1, 6)]
    result = rc.reconcile(rc.to_claims(figures), key=("counts",))
    page = display.reconciliation_html(result)
    row = page.split("<tr>")[2]
    assert row.count("(disjoint)") == display.MAX_CONFLICTS_PER_QUANTITY
    assert "… and 2 more" in row


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, "10"])
def test_max_rows_must_be_a_positive_whole_number(mosul: rc.Reconciliation, bad: object) -> None:
    with pytest.raises(rc.ArgumentError, match="max_rows must be"):
        display.reconciliation_html(mosul, max_rows=bad)  # type: ignore[arg-type]
    with pytest.raises(rc.ArgumentError, match="max_rows must be"):
        display.reconciliation_text(mosul, max_rows=bad)  # type: ignore[arg-type]


def test_print_shows_the_text_report(mosul: rc.Reconciliation) -> None:
    text = str(mosul)
    assert text == display.reconciliation_text(mosul)
    lines = text.splitlines()
    assert lines[0] == "consensus: 6 quantities from 7 claims; 1 conflict; 0 claims set aside"
    table = lines[1:8]
    # The columns line up: every row's range starts where the header's does.
    start = table[0].index("range")
    assert all(line[start - 2 : start] == "  " and line[start] != " " for line in table)
    assert "troops/us/added, Iraq, 2016-10-17" in text and " 600  " in text
    # The militants' equal sources disagree: the envelope of both, and no source outweighs.
    assert lines[2].split()[-7:] == ["5,000", "4,500–∞", "2", "of", "2", "kept", "unresolved"]
    assert lines[-4:] == [
        "C1 (disjoint) militants, Mosul, 2016-10-17",
        "  Islamic State backers via CNN: at least 7,000 militants (7,000–∞)",
        "  U.S. officials via CNN: about 5,000 militants (4,500–5,500)",
        "  sets of sources of equal weight share no point, and none outweighs the others",
    ]


def test_print_shows_a_conflict_and_the_claim_it_sets_aside(weighed: rc.Reconciliation) -> None:
    lines = str(weighed).splitlines()
    assert lines[0] == "consensus: 6 quantities from 7 claims; 1 conflict; 1 claim set aside"
    assert lines[2].split()[-7:] == ["5,000", "4,500–5,500", "1", "of", "2", "kept", "conflict"]
    assert lines[-4:] == [
        "C1 (disjoint) militants, Mosul, 2016-10-17",
        "  U.S. officials via CNN: about 5,000 militants (4,500–5,500)",
        "  Islamic State backers via CNN: at least 7,000 militants (7,000–∞)",
        "  the ranges share no point: 1,500 militants apart",
    ]


@pytest.mark.parametrize(
    ("weights", "status", "ending"),
    [
        (WEIGH_FIRST, "conflict", "\n  the ranges share no point: "),
        (None, "unresolved", TIE_ENDING),
    ],
)
def test_text_report_cuts_long_lists_of_quantities_and_conflicts(
    weights: dict[str, float] | None, status: str, ending: str
) -> None:
    result = rc.reconcile(many_quantities(120, conflicts_every=2), key=("counts",), weights=weights)
    assert statuses(result, 2) == {"two sources": {status}, "one source": {"single"}}
    text = display.reconciliation_text(result, max_rows=10)
    assert "… and 110 more quantities (55 with conflicts): see result.estimates" in text
    assert text.count("(disjoint)") == 10
    assert text.count(ending) == 10
    assert text.endswith("… and 50 more conflicts: see result.conflicts")


def test_text_report_names_the_unit_when_it_is_not_people() -> None:
    result = rc.reconcile(rc.to_claims([rc.Figure.exact(120, unit="USD", counts="aid")]), key=("counts",))
    assert "120 USD" in display.reconciliation_text(result) or " USD" in display.reconciliation_text(result)


def test_quantity_labels_leave_out_missing_key_values() -> None:
    frame = pd.DataFrame({"counts": ["a", None, None], "place": ["X", "Y", None]})
    assert display.quantity_labels(frame, ["counts", "place"]).tolist() == ["a, X", "Y", "(unnamed quantity)"]


_text = st.text(alphabet="<>&\"'ab /;", min_size=1, max_size=12).filter(lambda text: text.strip() != "")


# Each example reconciles and renders (a tenth of a second or more): a share of the profile's count.
@settings(max_examples=max(10, settings().max_examples // 10))
@given(table=claims_tables(max_quantities=4, max_claims=4), source=_text, place=_text)
def test_html_has_one_row_per_quantity_and_only_our_tags(
    table: pd.DataFrame, source: str, place: str
) -> None:
    table = table.assign(source=source, place=table["place"].fillna("") + place)
    result = rc.reconcile(table)
    page = display.reconciliation_html(result, max_rows=3)
    assert body_rows(page) == min(len(result.estimates), 3)
    tags = parsed(page)
    assert set(tags.tags) <= OUR_TAGS
    assert all(name == "class" for name, _ in tags.attributes)
    n_conflicts = result.conflicts["conflict_id"].nunique()
    text = display.reconciliation_text(result, max_rows=None)
    worded = (
        text.count("\n  the ranges share no point")
        + text.count("without a figure that links")
        + text.count(TIE_ENDING)
    )
    assert worded == n_conflicts


def test_relations_add_the_narrowed_ranges_and_the_derived_quantities() -> None:
    relations = ["troops/foreign = troops/us + troops/coalition", "troops/us + troops/coalition <= 8000"]
    result = rc.reconcile(rc.read_claims(MOSUL), relations=relations)
    text = display.reconciliation_text(result)
    assert "with relations" in text.splitlines()[1]
    coalition = next(line for line in text.splitlines() if line.startswith("troops/coalition"))
    assert "3,420–3,780        3,420–3,500" in coalition
    assert "derived by relations" in text
    derived = next(line for line in text.splitlines() if line.startswith("troops/foreign")).split()
    assert derived[3:5] == ["8,000", "7,920–8,001"]  # value, then the sound range
    page = display.reconciliation_html(result)
    assert page.count("<table") == 2
    assert "<th>with relations</th>" in page and "<th>90% interval</th>" in page


def test_a_relation_conflict_names_each_of_its_quantities_once() -> None:
    whole_and_part = [
        rc.Figure.about(5000, counts="a/x", source="s"),
        rc.Figure.exact(100, counts="a", source="t"),
    ]
    text = display.reconciliation_text(rc.reconcile(rc.to_claims(whole_and_part), key=("counts",)))
    assert "C1 (relation) a/x; a" in text
    assert text.count("none fits") == 2


def test_the_text_report_shows_control_characters_in_the_claims_instead_of_obeying_them() -> None:
    place, day = "Mo\x1b[2Jsul", "2016-10-17"
    us = "U.S.\x1b]8;;http://x\x07 officials\rX"
    said = [
        rc.Figure.about(5000, counts="militants", source=us, place=place, as_of=day),
        rc.Figure.at_least(7000, counts="militants", source="backers\x9b31m", place=place, as_of=day),
    ]
    text = str(rc.reconcile(rc.to_claims(said)))
    controls = [character for character in text if character != "\n" and not character.isprintable()]
    assert controls == []
    # Reading removes escape and bell characters (with a note); a carriage return, which a
    # cell may hold, is shown, never obeyed.
    assert "Mo[2Jsul" in text and "U.S.]8;;http://x officials�X" in text and "backers31m" in text


def test_a_range_that_is_one_number_reads_alike_in_the_table_and_in_a_relation_conflict() -> None:
    # The estimates table printed 58,000 while the relation conflict below it said
    # 58,000–58,000: one wording of ranges now gives one number for both.
    said = [
        rc.Figure.exact(number, counts=counts, place="West Mosul", source="illustrative")
        for number, counts in [
            (217_000, "displaced/fled"),
            (160_000, "displaced/current"),
            (58_000, "displaced/returned"),
        ]
    ]
    relation = "displaced/fled = displaced/current + displaced/returned"
    result = rc.reconcile(rc.to_claims(said), relations=[relation], key=("counts", "place"))
    table = display.reconciliation_text(result).splitlines()
    returned = next(line for line in table if line.startswith("displaced/returned"))
    assert returned.split()[3:5] == ["58,000", "58,000"]  # the estimate, then its range
    assert "c3: displaced/returned 58,000; " in result.conflicts["message"].iloc[0]
    assert rc.Figure.exact(58_000).range_text() == "58,000"
