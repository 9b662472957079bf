"""Relations as analysts write them: a scope in brackets, where an unscoped relation holds, figure lines.

Displacement figures for the Mosul operations are IOM's Displacement Tracking Matrix as the
wires passed them on: on Friday 14 July 2017, 1,048,044 people displaced since 17 October 2016
and 825,000 still displaced (Efe, AFP); on 28 July, 1,073,712 displaced, some 839,118 still
displaced and some 234,594 returned (IOM report, via Anadolu Agency). The 4 August figure of
"about 800,000" still displaced is invented, to have a date with one part only. The Mosul
deaths are the Associated Press investigation of 20 December 2017: "nearly 10,000" civilian
deaths, "around a third" of them by the coalition or Iraqi forces, "at least 3,200".
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import reconcile as rc
from reconcile import cli
from reconcile.errors import Reason
from reconcile.relations import read_relations
from reconcile.relations.file import read_lines

#: A warning from numpy or pandas reaching the user is a bug: every warning fails a test.
pytestmark = pytest.mark.filterwarnings("error")

FLED = "displaced/fled = displaced/current + displaced/returned"
MOSUL = "Iraq/Ninewa/Mosul"
runner = CliRunner()


def iom(*rows: tuple[str, str, str, str]) -> pd.DataFrame:
    """Claims of IOM's figures for the Mosul operations: (claim_id, counts, as_of, phrase) rows."""
    frame = pd.DataFrame(rows, columns=["claim_id", "counts", "as_of", "phrase"])
    return rc.read_claims(frame.assign(place=MOSUL, source="IOM"))


JULY = iom(
    ("fled-0714", "displaced/fled", "2017-07-14", "1,048,044"),
    ("current-0714", "displaced/current", "2017-07-14", "825,000"),
    ("fled-0728", "displaced/fled", "2017-07-28", "1,073,712"),
    ("current-0728", "displaced/current", "2017-07-28", "some 839,118"),
    ("returned-0728", "displaced/returned", "2017-07-28", "Some 234,594"),
    ("current-0804", "displaced/current", "2017-08-04", "about 800,000"),
)


def totals(result: rc.Reconciliation) -> dict[tuple[str, str], tuple[float, float]]:
    """The derived totals by (counts, as_of): their sound range."""
    rows = result.totals
    return {
        (counts, as_of): (low, high)
        for counts, as_of, low, high in zip(
            rows["counts"], rows["as_of"], rows["low"], rows["high"], strict=True
        )
    }


# -- a scope written in the relation's text ------------------------------------------------------


def test_a_bracket_at_the_end_scopes_the_relation_as_scope_does() -> None:
    written = rc.Relation.parse(f"{FLED} [as_of=2017-09-09]")
    assert written == rc.Relation.parse(FLED, scope={"as_of": "2017-09-09"})
    assert written.scope == (("as_of", "2017-09-09"),)
    assert written.text == FLED
    both = rc.Relation.parse(f"{FLED} [place=Mosul, as_of=`2017-09-09`]")
    assert both.scope == (("as_of", "2017-09-09"), ("place", "Mosul"))


def test_a_place_with_spaces_and_an_apostrophe_is_read_to_the_comma() -> None:
    relation = rc.Relation.parse(
        "refugees = refugees/camps + refugees/hosts [ place = Cox's Bazar ,as_of=2017-10]"
    )
    assert relation.scope == (("as_of", "2017-10"), ("place", "Cox's Bazar"))


def test_the_same_scope_twice_is_fine_and_two_different_scopes_are_an_argument_error() -> None:
    same = rc.Relation.parse(f"{FLED} [place=Mosul]", scope={"place": "Mosul"})
    assert same.scope == (("place", "Mosul"),)
    with pytest.raises(
        rc.ArgumentError, match="scoped in its text to \\[place=Mosul\\] and by scope="
    ) as caught:
        rc.Relation.parse(f"{FLED} [place=Mosul]", scope={"place": "Erbil"})
    assert caught.value.reason is Reason.BAD_SCOPE


@pytest.mark.parametrize(
    ("bracket", "at", "problem"),
    [
        ("[plce=Mosul]", 1, "unknown scope column 'plce'"),
        ("[region=Ninewa]", 1, "unknown scope column 'region'"),
        ("[place Mosul]", 7, "expected '=' after 'place'"),
        ("[place=]", 7, "expected a value"),
        ("[place=Mosul", 12, "expected ']'"),
        ("[place=Mosul] extra", 14, "a scope in brackets ends the relation"),
        ("[place=Mosul,]", 13, "expected a column"),
        ("[place=a, place=b]", 10, "'place' is named twice"),
        ("[place=`Mosul]", 7, "a backtick is not closed"),
    ],
)
def test_a_bad_bracket_is_a_relation_error_with_a_caret(bracket: str, at: int, problem: str) -> None:
    text = f"{FLED} {bracket}"
    with pytest.raises(rc.RelationError, match=problem) as caught:
        rc.Relation.parse(text)
    start = len(FLED) + 1
    assert caught.value.position == start + at
    assert str(caught.value.details).splitlines()[-1] == "  " + " " * (start + at) + "^"
    assert pickle.loads(pickle.dumps(caught.value)).position == start + at


def test_an_unknown_column_suggests_the_nearest() -> None:
    with pytest.raises(rc.RelationError, match="did you mean 'as_of'") as caught:
        rc.Relation.parse(f"{FLED} [asof=2017-07-14]")
    assert caught.value.reason is Reason.BAD_SCOPE


def test_str_writes_the_scope_back_so_that_it_reads_as_the_same_relation() -> None:
    relation = rc.Relation.parse(f"{FLED} [place=`Mosul, Iraq`, as_of=2017-07-14|2017-07-28]")
    assert str(relation) == f"{FLED} [as_of=2017-07-14|2017-07-28, place=`Mosul, Iraq`]"
    assert repr(relation) == f"Relation({str(relation)!r})"
    assert rc.Relation.parse(str(relation)) == relation
    assert str(rc.Relation.parse(FLED)) == FLED


_VALUES = st.text(
    st.characters(blacklist_characters="`\n\r", blacklist_categories=["Cs"]), min_size=1
).filter(str.strip)


@given(places=st.lists(_VALUES, min_size=1, max_size=3), days=st.lists(_VALUES, max_size=2))
def test_any_scope_survives_str_and_parse(places: list[str], days: list[str]) -> None:
    scope = {"place": places, **({"as_of": days} if days else {})}
    half = rc.Figure.between(0.4, 0.6, unit="dimensionless")
    relation = rc.Relation.parse("a/b = half * c", figures={"half": half}, scope=scope)
    assert rc.Relation.parse(str(relation), figures={"half": half}) == relation
    if len(str(relation).splitlines()) == 1:  # and in a relations file, a '#' in a value is no comment
        (read,) = read_relations(f"{relation}  # the scope\nhalf = between 0.4 and 0.6\n")
        assert read.scope == relation.scope


def test_several_values_for_a_column_hold_in_any_of_them() -> None:
    relation = rc.Relation.parse(FLED, scope={"as_of": ["2017-07-28", "2017-07-14"]})
    assert relation.scope == (("as_of", "2017-07-14"), ("as_of", "2017-07-28"))
    with pytest.raises(rc.ArgumentError, match="scope must map"):
        rc.Relation.parse(FLED, scope={"as_of": []})


def test_a_relation_given_as_text_with_a_bracket_keeps_its_scope_in_reconcile() -> None:
    # 28 July alone: the relation is not used on 14 July, where it would derive the returned.
    result = rc.reconcile(JULY, relations=[f"{FLED} [as_of=2017-07-28]"])
    assert totals(result) == {}
    estimates = result.estimates
    current = estimates[(estimates["counts"] == "displaced/current") & (estimates["as_of"] == "2017-07-28")]
    tightened = (float(current["low_tight"].iloc[0]), float(current["high_tight"].iloc[0]))
    assert tightened == pytest.approx((827388.3, 850847.7))


# -- where a relation holds ----------------------------------------------------------------------


def test_the_returned_are_derived_where_the_other_two_are_claimed_and_nowhere_else() -> None:
    result = rc.reconcile(JULY, relations=[FLED])
    # 14 July: 1,048,044 - 825,000 (824,500-825,500). 4 August: only those still displaced are
    # claimed, so nothing is derived there (the old rule gave fled from 760,000 to infinity and
    # returned from 0 to infinity).
    assert totals(result) == {("displaced/returned", "2017-07-14"): (222544.0, 223544.0)}


def test_the_relation_scoped_to_one_date_yields_no_total_on_another() -> None:
    on_28 = rc.reconcile(JULY, relations=[rc.Relation.parse(f"{FLED} [as_of=2017-07-28]")])
    assert totals(on_28) == {}
    on_both = rc.reconcile(JULY, relations=[f"{FLED} [place={MOSUL}, as_of=2017-07-14|2017-07-28]"])
    assert list(totals(on_both)) == [("displaced/returned", "2017-07-14")]
    # On 4 August only those still displaced are claimed: the relation cannot hold there.
    with pytest.raises(rc.RelationError, match="no group within its scope has all its quantities but one"):
        rc.reconcile(JULY, relations=[f"{FLED} [as_of=2017-08-04]"])


def test_a_relation_with_all_its_parts_claimed_derives_the_total() -> None:
    parts = iom(
        ("current-0728", "displaced/current", "2017-07-28", "839,118"),
        ("returned-0728", "displaced/returned", "2017-07-28", "234,594"),
    )
    result = rc.reconcile(parts, relations=[FLED])
    assert totals(result) == {("displaced/fled", "2017-07-28"): (1073712.0, 1073712.0)}


def test_one_part_alone_derives_nothing_and_holds_nowhere() -> None:
    apart = iom(
        ("current-0804", "displaced/current", "2017-08-04", "about 800,000"),
        ("fled-0714", "displaced/fled", "2017-07-14", "1,048,044"),
        ("returned-0728", "displaced/returned", "2017-07-28", "Some 234,594"),
    )
    with pytest.raises(rc.RelationError, match="holds nowhere") as caught:
        rc.reconcile(apart, relations=[FLED])
    error = caught.value
    assert error.reason is Reason.RELATION_HOLDS_NOWHERE
    assert error.problem.endswith(
        "no group has all its quantities but one, which it derives, claimed or derived by another "
        f"relation; where most are (place='{MOSUL}', as_of='2017-07-14'), displaced/current and "
        "displaced/returned are missing"
    )


def test_totals_of_derived_totals_are_derived_in_rounds() -> None:
    claims = rc.to_claims(
        [
            rc.Figure.exact(10, counts="a", source="s", place="P"),
            rc.Figure.exact(20, counts="b", source="s", place="P"),
            rc.Figure.exact(5, counts="d", source="s", place="P"),
            rc.Figure.exact(1, counts="a", source="s", place="Q"),  # one part: nothing in Q
        ]
    )
    relations = ["e = c + d", "c = a + b"]  # the total of a total, written first
    result = rc.reconcile(claims, relations=relations, key=("counts", "place"))
    assert dict(
        zip(result.totals["counts"] + "@" + result.totals["place"], result.totals["value"], strict=True)
    ) == {
        "c@P": 30.0,
        "e@P": 35.0,
    }


def test_an_inequality_holds_only_where_all_its_quantities_are() -> None:
    claims = rc.to_claims(
        [
            rc.Figure.exact(5, counts="returned", source="s", place="P"),
            rc.Figure.exact(3, counts="fled", source="s", place="P"),
            rc.Figure.exact(7, counts="returned", source="s", place="Q"),  # fled not claimed in Q
            rc.Figure.exact(9, counts="fled", source="s", place="R"),  # returned not claimed in R
        ]
    )
    result = rc.reconcile(claims, relations=["returned <= fled"], key=("counts", "place"))
    assert result.totals.empty
    assert result.conflicts["place"].tolist() == ["P", "P"]
    elsewhere = claims[claims["place"] != "P"]
    with pytest.raises(rc.RelationError, match="no group has all its quantities claimed") as caught:
        rc.reconcile(elsewhere, relations=["returned <= fled"], key=("counts", "place"))
    assert caught.value.problem.endswith("where most are (place='Q'), fled is missing")


def test_a_derived_quantity_lets_an_inequality_hold() -> None:
    claims = rc.to_claims(
        [
            rc.Figure.exact(600, counts="b", source="s"),
            rc.Figure.exact(500, counts="c", source="s"),
            rc.Figure.exact(1000, counts="cap", source="s"),
        ]
    )
    result = rc.reconcile(claims, relations=["a = b + c", "a <= cap"], key=("counts",))
    assert result.conflicts["kind"].unique().tolist() == ["relation"]


def test_a_relation_scoped_where_too_little_is_claimed_names_what_is_missing() -> None:
    with pytest.raises(rc.RelationError, match="no group within its scope") as caught:
        rc.reconcile(JULY, relations=[f"{FLED} [as_of=2017-08-04]", FLED])
    assert "[as_of=2017-08-04]' holds nowhere" in caught.value.problem


# -- figures written in a relations file ---------------------------------------------------------


def ap_deaths() -> pd.DataFrame:
    """The AP's "nearly 10,000" civilian deaths in Mosul."""
    deaths = rc.parse(
        "nearly 10,000",
        counts="deaths/civilians",
        place="Mosul",
        as_of="2016-10-17/2017-07-10",
        source="Associated Press investigation",
    )
    return rc.to_claims([deaths])


@pytest.mark.parametrize(
    "phrase", ["around a third", "about half", "a third", "between 4 and 6", "37%", "0.5"]
)
def test_the_phrases_a_figure_line_reads(phrase: str) -> None:
    line, _ = read_lines(f"share = {phrase}\npro = share * all", names=["all"])
    assert line.error is None and line.figure is not None
    name, figure = line.figure
    assert name == "share" and figure.unit == "dimensionless"
    assert figure == rc.parse(phrase, unit="dimensionless")


def test_a_figure_line_is_a_coefficient_with_the_sound_interval() -> None:
    lines = "deaths/civilians/pro_government = share * deaths/civilians\nshare = around a third\n"
    (relation,) = read_relations(lines, names=["deaths/civilians"])
    share = rc.parse("around a third")
    assert relation.figures == (("share", share),)
    result = rc.reconcile(ap_deaths(), relations=[relation])
    (row,) = result.totals.itertuples()
    # nearly 10,000 is 9,000-10,000; around a third is 0.31667-0.35.
    assert (row.low, row.high) == pytest.approx((share.low * 9000, share.high * 10000))
    assert (row.low, row.high) == pytest.approx((2850.0, 3500.0))


def test_a_figure_may_be_defined_before_or_after_the_relations_that_use_it() -> None:
    after = read_relations("pro = share * all\nanti = share * all\nshare = about half\n", names=["all"])
    before = read_relations("share = about half\npro = share * all\nanti = share * all\n", names=["all"])
    assert after == before
    assert [relation.figures for relation in after] == [(("share", rc.parse("about half")),)] * 2


def test_a_figure_defined_twice_names_both_lines() -> None:
    with pytest.raises(rc.RelationError, match="'share' is defined twice, on lines 2 and 4") as caught:
        read_relations("pro = share * all\nshare = about half\n\nshare = a third\n", names=["all"])
    assert caught.value.text == "share = a third"


def test_a_word_a_claim_gives_is_a_relation_not_a_figure() -> None:
    (line,) = read_lines("share = 0.5", names=["share"])
    assert line.figure is None and line.relation == rc.Relation.parse("share = 0.5")


def test_a_figure_no_relation_uses_is_an_error() -> None:
    with pytest.raises(rc.RelationError, match="the figure 'refugee' is used by no relation"):
        read_relations("refugees = 5,000\nrefugee = 5,000\n", names=["refugees"])


def test_a_phrase_that_does_not_read_says_why_where_the_claims_are_known() -> None:
    with pytest.raises(rc.RelationError, match="'around a thrid' is not a figure phrase") as caught:
        read_relations("share = around a thrid\npro = share * all\n", names=["pro", "all"])
    assert caught.value.text == "share = around a thrid"
    assert caught.value.position == len("share = around ")  # where the phrase stops reading
    # Where a relation defines the name on the right, the line is a relation.
    fine = read_relations("total = subtotal\nsubtotal = a + b\n", names=["a", "b"])
    assert [str(relation) for relation in fine] == ["total = subtotal", "subtotal = a + b"]


def test_every_bad_line_is_listed_with_its_caret() -> None:
    with pytest.raises(rc.RelationError) as caught:
        read_relations("a = b +  # one\nc = d [plac=x]\nok = b + d\n", names=["b", "d"])
    error = caught.value
    assert error.problem.startswith("2 lines of the relations cannot be read; line 1: expected a quantity")
    assert error.details == (
        "line 1: expected a quantity, a number or a figure at character 7 of 'a = b +'\n"
        "  a = b +\n"
        "         ^\n"
        "line 2: unknown scope column 'plac' at character 7 of 'c = d [plac=x]'\n"
        "  c = d [plac=x]\n"
        "         ^"
    )


def test_a_relations_file_is_read_from_its_path(tmp_path: Path) -> None:
    path = tmp_path / "relations.txt"
    path.write_text(f"# IOM\n{FLED} [as_of=2017-07-14]\n", encoding="utf-8")
    assert (
        read_relations(path) == read_relations(str(path)) == [rc.Relation.parse(f"{FLED} [as_of=2017-07-14]")]
    )
    with pytest.raises(rc.ArgumentError, match="cannot read the relations file") as caught:
        read_relations(tmp_path / "none.txt")
    assert caught.value.reason is Reason.CANNOT_OPEN


def test_the_command_reads_scopes_and_figure_lines(tmp_path: Path) -> None:
    claims, relations = tmp_path / "deaths.csv", tmp_path / "relations.txt"
    ap_deaths().to_csv(claims, index=False)
    relations.write_text(
        "deaths/civilians/pro_government = share * deaths/civilians [place=Mosul]  # AP\n"
        "share = around a third\n"
    )
    run = runner.invoke(cli.app, ["check", str(claims), "--relations", str(relations), "-f", "json"])
    assert run.exit_code == 0, run.stderr
    (total,) = json.loads(run.stdout)["totals"]
    assert total["counts"] == "deaths/civilians/pro_government"
    assert (total["low"], total["high"]) == pytest.approx((2850.0, 3500.0))


def test_the_command_lists_every_bad_line_of_a_relations_file(tmp_path: Path) -> None:
    claims, relations = tmp_path / "deaths.csv", tmp_path / "relations.txt"
    ap_deaths().to_csv(claims, index=False)
    relations.write_text(
        "share = around a third\n"
        "deaths/civilians/pro_government = share * deaths/civilians [plac=Mosul]\n"
        "share = about half\n"
    )
    run = runner.invoke(cli.app, ["check", str(claims), "--relations", str(relations)])
    assert run.exit_code == 2
    lines = run.stderr.splitlines()
    assert lines[0] == f"error: 2 relations in {str(relations)!r} cannot be read"
    assert lines[1].startswith("  line 2: unknown scope column 'plac'")
    assert (
        lines[3] == "    " + " " * len("deaths/civilians/pro_government = share * deaths/civilians [") + "^"
    )
    assert lines[4] == "  line 3: the figure 'share' is defined twice, on lines 1 and 3"
