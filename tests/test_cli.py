import io
import json
import math
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
import typer
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from typer.testing import CliRunner

import reconcile as rc
from reconcile import _validate, cli
from reconcile.claims import ROWS_HINT
from reconcile.cli import hints, inputs, progress
from reconcile.strategies import claims as claims_tables

ROOT = Path(__file__).resolve().parent.parent
MOSUL = ROOT / "examples" / "data" / "mosul_2016_claims.csv"
runner = CliRunner()

AGREEING_CSV = """claim_id,counts,place,as_of,low,value,high,unit,source
a,displaced,Mosul,2016-11,900,1000,1100,person,IOM
b,displaced,Mosul,2016-11,950,1050,inf,person,UNHCR
"""


def _bad_rows_csv(n_bad: int) -> str:
    rows = [f"r{i},displaced,Mosul,2016-11,{500 + i},{400 + i},600,person,IOM" for i in range(n_bad)]
    return "claim_id,counts,place,as_of,low,value,high,unit,source\n" + "\n".join(rows) + "\n"


def _installed_command() -> str:
    command = Path(sys.executable).parent / "reconcile"
    if not command.exists():
        pytest.skip("the reconcile entry point is not installed (pip install -e .)")
    return str(command)


# -- the done-when case, through the installed command --------------------------------------


def test_installed_command_reports_the_mosul_militant_conflict_and_exits_1() -> None:
    done = subprocess.run(
        [_installed_command(), "check", str(MOSUL)], capture_output=True, text=True, check=False, cwd=ROOT
    )
    assert done.returncode == cli.EXIT_CONFLICTS, done.stderr
    report = done.stdout
    assert "Estimates" in report and "Conflicts" in report
    # The two sources weigh the same and share no point: unresolved, both claims kept and
    # named in one conflict, none set aside.
    conflict = report.split("Conflicts", 1)[1]
    assert "militants-backers   Islamic State backers via CNN: at least 7,000 militants (7,000–∞)" in conflict
    assert "militants-us        U.S. officials via CNN: about 5,000 militants (4,500–5,500)" in conflict
    assert "sets of sources of equal weight share no point, and none outweighs the others" in conflict
    assert "set aside" not in report
    assert report.rstrip().endswith("1 conflict among 7 claims about 6 quantities (policy consensus).")
    # Piped output is plain: no colour codes, no spaces at line ends, one row per line.
    assert "\x1b[" not in report
    assert all(line == line.rstrip() for line in report.splitlines())
    militants = [line for line in report.splitlines() if line.lstrip().startswith("militants, Mosul")]
    assert militants[0].split()[3:] == ["5,000", "4,500–∞", "person", "2", "of", "2", "unresolved"]
    assert done.stderr == ""
    # A weight settles it: the backers are set aside, in the conflict and with their reason.
    weighed = subprocess.run(
        [_installed_command(), "check", str(MOSUL), "--weight", "U.S. officials=2"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert weighed.returncode == cli.EXIT_CONFLICTS, weighed.stderr
    report = weighed.stdout
    assert "militants-backers (set aside)" in report
    assert "U.S. officials via CNN: about 5,000 militants (4,500–5,500)" in report
    assert "the ranges share no point: 1,500 militants apart" in report
    assert "Claims set aside" in report
    militants = [line for line in report.splitlines() if line.lstrip().startswith("militants, Mosul")]
    assert militants[0].split()[3:] == ["5,000", "4,500–5,500", "person", "1", "of", "2", "conflict"]
    assert report.rstrip().endswith("1 conflict among 7 claims about 6 quantities (policy consensus).")


def test_python_dash_m_runs_the_same_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "reconcile", "check", str(MOSUL), "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines()[0].startswith("counts,place,as_of,low,value,high")


def test_an_internal_error_exits_3_not_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(rc, "reconcile", broken)
    monkeypatch.setattr(sys, "argv", ["reconcile", "check", str(MOSUL)])
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == cli.EXIT_INTERNAL
    assert "RuntimeError: a bug" in capsys.readouterr().err


# -- check: results and exit codes ------------------------------------------------------------


def test_consistent_claims_exit_0(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(AGREEING_CSV)
    run = runner.invoke(cli.app, ["check", str(path)])
    assert run.exit_code == cli.EXIT_CONSISTENT, run.stderr
    assert "Consistent: no conflicts among 2 claims about 1 quantity (policy consensus)." in run.stdout
    assert "Conflicts" not in run.stdout


def test_policy_changes_the_estimate(tmp_path: Path) -> None:
    weighed = ["-w", "U.S. officials=2", "--format", "csv"]
    ranges = {}
    for policy in ("consensus", "envelope"):
        run = runner.invoke(cli.app, ["check", str(MOSUL), "--policy", policy, *weighed])
        assert run.exit_code == 1  # the claims contradict each other whatever the policy
        estimates = pd.read_csv(io.StringIO(run.stdout), dtype={"as_of": str})
        militants = estimates.set_index("counts").loc["militants"]
        ranges[policy] = (militants["low"], militants["high"])
    assert ranges == {"consensus": (4500.0, 5500.0), "envelope": (4500.0, math.inf)}
    # Equal voices that disagree are a conflict under the envelope policy too.
    unweighed = runner.invoke(cli.app, ["check", str(MOSUL), "--policy", "envelope", "--format", "csv"])
    assert unweighed.exit_code == 1
    assert "unresolved" in unweighed.stdout


def test_weights_let_the_priority_policy_follow_a_source() -> None:
    run = runner.invoke(
        cli.app,
        ["check", str(MOSUL), "-p", "priority", "-w", "Islamic State backers=3", "-w", "CNN=1", "-f", "json"],
    )
    assert run.exit_code == 1, run.stderr
    militants = json.loads(run.stdout)["estimates"][0]
    assert (militants["counts"], militants["low"], militants["high"]) == ("militants", 7000.0, "inf")


@pytest.mark.parametrize("weight", ["CNN", "=2", "CNN=many", "CNN=0"])
def test_a_bad_weight_exits_2(weight: str) -> None:
    run = runner.invoke(cli.app, ["check", str(MOSUL), "-w", weight])
    assert run.exit_code == 2
    assert run.stderr.startswith("error: ")


def test_key_groups_claims_by_the_named_columns(tmp_path: Path) -> None:
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--key", "counts", "--format", "json"])
    assert run.exit_code == 1
    report = json.loads(run.stdout)
    assert report["key"] == ["counts"]
    assert [row["counts"] for row in report["estimates"]][:2] == ["militants", "residents"]
    assert "place" not in report["estimates"][0]


def test_json_report_holds_every_table_and_reads_back(tmp_path: Path) -> None:
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--format", "json"])
    assert run.exit_code == 1
    report = json.loads(run.stdout)
    assert set(report) >= {"policy", "key", "consistent", "estimates", "conflicts", "claims"}
    assert report["consistent"] is False
    assert report["policy"] == "consensus"
    militants = report["estimates"][0]
    assert (militants["counts"], militants["status"]) == ("militants", "unresolved")
    assert (militants["low"], militants["high"], militants["n_kept"]) == (4500.0, "inf", 2)
    # Neither source outweighs the other: both claims stay, each named in the one conflict.
    for claim_id in ("militants-us", "militants-backers"):
        claim = next(row for row in report["claims"] if row["claim_id"] == claim_id)
        assert claim["kept"] is True and claim["conflict_id"] == "C1"
        assert claim["reason"] == "no set of sources outweighs the others (C1)"
    backers = next(row for row in report["claims"] if row["claim_id"] == "militants-backers")
    assert backers["high"] == "inf"
    assert [row["claim_id"] for row in report["conflicts"]] == ["militants-backers", "militants-us"]
    assert {row["conflict_id"] for row in report["conflicts"]} == {"C1"}
    # The claims records are a claims file: rc.read_claims reads them back unchanged.
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(report["claims"]))
    original = rc.read_claims(MOSUL)
    again = rc.read_claims(path)[list(original.columns)]
    pd.testing.assert_frame_equal(again, original, check_dtype=False)


def test_csv_report_is_one_row_per_quantity_with_its_conflicts() -> None:
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--format", "csv"])
    assert run.exit_code == 1
    estimates = pd.read_csv(io.StringIO(run.stdout), dtype={"as_of": str})
    expected = rc.reconcile(rc.read_claims(MOSUL)).estimates
    assert list(estimates.columns) == [*expected.columns, "conflict_ids", "conflicts"]
    assert len(estimates) == len(expected)
    pd.testing.assert_series_equal(estimates["high"], expected["high"])
    militants = estimates.set_index("counts").loc["militants"]
    assert (militants["status"], militants["low"], militants["high"]) == ("unresolved", 4500.0, math.inf)
    assert militants["conflict_ids"] == "C1"
    assert militants["conflicts"] == (
        "Islamic State backers via CNN: at least 7,000 militants (7,000–∞); "
        "U.S. officials via CNN: about 5,000 militants (4,500–5,500); "
        "sets of sources of equal weight share no point, and none outweighs the others"
    )
    assert estimates["conflict_ids"].isna().sum() == len(estimates) - 1


def test_csv_report_neutralises_cells_a_spreadsheet_would_run(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(AGREEING_CSV.replace("Mosul", "=1+2").replace("displaced", "@SUM(A1)"))
    run = runner.invoke(cli.app, ["check", str(path), "--format", "csv"])
    assert run.exit_code == 0
    row = pd.read_csv(io.StringIO(run.stdout)).iloc[0]
    assert (row["counts"], row["place"]) == ("'@SUM(A1)", "'=1+2")


def test_csv_report_is_written_as_the_library_writes_a_csv_file(tmp_path: Path) -> None:
    # The report used to end rows in a bare line feed, so a carriage return in a cell went
    # unquoted and a reader split the row there, the rest a new row that could start with a
    # formula; and it wrote an open lower end as -inf, which a spreadsheet runs.
    change = rc.Figure.at_most(
        3.0, unit="dimensionless", counts="growth", place="Mosul\r=1+2", as_of="2016-11"
    )
    claims = tmp_path / "claims.csv"
    rc.write_claims([change], claims)
    run = runner.invoke(cli.app, ["check", str(claims), "--format", "csv"])
    assert run.exit_code == 0, run.stderr
    piped = run.stdout_bytes.decode("utf-8")  # as written: the runner's stdout ends lines in \n
    assert piped.count("\r\n") == 2  # the header and one row
    report = pd.read_csv(io.StringIO(piped), dtype=str)
    assert len(report) == 1
    assert report[["place", "low"]].iloc[0].tolist() == ["Mosul\r=1+2", "'-inf"]
    folder = tmp_path / "result"
    rc.reconcile(rc.read_claims(claims)).write(folder, format="csv")
    written = (folder / "estimates.csv").read_bytes().decode("utf-8")
    assert written.count("\r\n") == 2 and ",'-inf," in written  # as result.write writes it


def test_the_text_report_prints_the_claims_text_as_text(tmp_path: Path) -> None:
    # Rich would obey an escape sequence, and read brackets as markup (a link, a colour).
    claims = tmp_path / "claims.csv"
    hostile = "[link=http://x]IOM[/link]\x1b]8;;http://x\x07"
    conflicting = "c,displaced,Mo\x1b[2Jsul,2016-11,5000,5000,5000,person,\x1b[31mOCHA\n"
    claims.write_text(
        AGREEING_CSV.replace("Mosul", "Mo\x1b[2Jsul").replace(",IOM", f",{hostile}") + conflicting
    )
    run = runner.invoke(cli.app, ["check", str(claims)])
    assert run.exit_code == 1, run.stderr
    assert "\x1b" not in run.stdout and "\x07" not in run.stdout
    # Shown as � by the command, or taken out already by the reader (which notes it).
    assert re.search(r"Mo�?\[2Jsul", run.stdout)
    assert re.search(r"\[link=http://x\]IOM\[/link\]�?\]8;;http://x", run.stdout)
    relations = tmp_path / "relations.txt"
    relations.write_text("displaced = \x1b[2Jdisplaced/a + displaced/b\n")  # printed under its caret
    run = runner.invoke(cli.app, ["check", str(claims), "--relations", str(relations)])
    assert run.exit_code == 2
    assert "\x1b" not in run.stderr and "    displaced = �[2Jdisplaced/a" in run.stderr


# -- check: facts of the whole file, notes, --flag, --decimal ----------------------------------

IDPS_HXL = """Country,Year,IDPs,Organisation
#country+name,#date+year,#affected+idps,#org
Somalia,2021,"433,412",IOM
Somalia,2022,"551,000",IOM
"""


def test_source_gives_an_hxl_file_without_a_source_column_its_source(tmp_path: Path) -> None:
    path = tmp_path / "idps.csv"
    path.write_text(IDPS_HXL)
    refused = runner.invoke(cli.app, ["check", str(path)])
    assert refused.exit_code == cli.EXIT_INVALID and refused.stdout == ""
    assert "has no source column" in refused.stderr
    assert refused.stderr.splitlines()[-1].startswith("hint: pass --source NAME for the whole file")
    run = runner.invoke(cli.app, ["check", str(path), "--source", "IOM DTM", "--via", "HDX", "-f", "json"])
    assert run.exit_code == cli.EXIT_CONSISTENT, run.stderr
    claims = json.loads(run.stdout)["claims"]  # the notes go to stderr: stdout is the report alone
    assert [(row["source"], row["via"], row["value"]) for row in claims] == [
        ("IOM DTM", "HDX", 433412.0),
        ("IOM DTM", "HDX", 551000.0),
    ]
    assert [row["as_of"] for row in claims] == ["2021", "2022"]


def test_the_notes_the_reader_left_are_printed_under_the_files_name(tmp_path: Path) -> None:
    path = tmp_path / "idps.csv"
    path.write_text(IDPS_HXL.replace(",2022,", ",,"))
    run = runner.invoke(cli.app, ["check", str(path), "--source", "IOM", "--as-of", "2022-08"])
    assert run.exit_code == cli.EXIT_CONSISTENT, run.stderr
    notes = run.stderr.splitlines()
    assert notes[0] == f"Notes on {path}"
    assert any("'#org' is not read" in note for note in notes[1:])  # the hashtag it does not read
    assert any("source='IOM'" in note and "2 rows" in note for note in notes[1:])  # --source
    assert any("fills 1 row" in note for note in notes[1:])  # --as-of, in the row without a year
    assert all(note.startswith("  ") for note in notes[1:])
    assert "Notes on" not in run.stdout
    quiet = runner.invoke(cli.app, ["check", str(MOSUL), "-f", "json"])
    assert quiet.stderr == ""  # a file the reader has nothing to say about


def test_notes_are_printed_as_text_never_as_markup_or_control_sequences(tmp_path: Path) -> None:
    path = tmp_path / "[bold]idps\x1b[2J.csv"
    path.write_text(IDPS_HXL)
    run = runner.invoke(cli.app, ["check", str(path), "--source", "[red]IOM\x1b]8;;http://x\x07"])
    assert run.exit_code == cli.EXIT_CONSISTENT, run.stderr
    assert "\x1b" not in run.stderr and "\x07" not in run.stderr
    assert "[bold]idps�[2J.csv" in run.stderr.splitlines()[0]
    assert "[red]IOM" in run.stderr


def _one_bad_cell_csv(folder: Path) -> Path:
    path = folder / "claims.csv"
    path.write_text(
        AGREEING_CSV
        + "c,displaced,Mosul,2016-11,,abc,,person,OCHA\n"
        + "d,displaced,Mosul,2016-11,,,,person,UNHCR\n"
    )
    return path


def test_flag_writes_every_row_with_its_error_and_reconciles_the_rest(tmp_path: Path) -> None:
    claims = _one_bad_cell_csv(tmp_path)
    report = tmp_path / "out" / "estimates.csv"
    report.parent.mkdir()
    strict = runner.invoke(cli.app, ["check", str(claims), "-f", "csv", "-o", str(report)])
    assert strict.exit_code == cli.EXIT_INVALID  # strict by default, as before
    assert "row 2 (line 4)" in strict.stderr and "abc" in strict.stderr
    assert not report.exists() and not (report.parent / "flagged.csv").exists()
    run = runner.invoke(cli.app, ["check", str(claims), "--flag", "-f", "csv", "-o", str(report)])
    assert run.exit_code == cli.EXIT_CONSISTENT, run.stderr
    flagged = pd.read_csv(report.parent / "flagged.csv")
    assert flagged["claim_id"].tolist() == ["a", "b", "c", "d"]
    assert flagged["error"].isna().tolist() == [True, True, False, True]
    assert "'abc'" in str(flagged.loc[2, "error"])
    assert flagged["warning"].notna().tolist() == [False, False, False, True]  # no figure: skipped
    estimates = pd.read_csv(report)
    assert estimates[["n_claims", "n_kept", "status"]].to_numpy().tolist() == [[2, 2, "agreed"]]
    summary = [line for line in run.stderr.splitlines() if line.startswith("Flagged")]
    assert summary == [
        f"Flagged 1 row with an error and skipped 1 without a figure; every row, with its warning and "
        f"error, is in {report.parent / 'flagged.csv'}"
    ]


def test_flag_writes_json_beside_a_json_report_and_sets_the_rows_aside(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    claims = _one_bad_cell_csv(tmp_path)
    monkeypatch.chdir(tmp_path)  # without --output, the flagged rows go to the working folder
    run = runner.invoke(cli.app, ["check", str(claims), "--flag", "-f", "json"])
    assert run.exit_code == cli.EXIT_CONSISTENT, run.stderr
    reasons = {row["claim_id"]: row["reason"] for row in json.loads(run.stdout)["claims"]}
    assert reasons["c"].startswith("unreadable: ") and "'abc'" in reasons["c"]
    assert reasons["d"] == "no figure" and not reasons["a"]
    flagged = json.loads((tmp_path / "flagged.json").read_text())
    assert [row["error"] is None for row in flagged] == [True, True, False, True]
    text = runner.invoke(cli.app, ["check", str(claims), "--flag"])
    assert "Claims set aside" in text.stdout and "unreadable: value: 'abc'" in text.stdout


def test_flag_refuses_an_output_that_is_the_flagged_file(tmp_path: Path) -> None:
    claims = _one_bad_cell_csv(tmp_path)
    run = runner.invoke(
        cli.app, ["check", str(claims), "--flag", "-f", "csv", "-o", str(tmp_path / "flagged.csv")]
    )
    assert run.exit_code == cli.EXIT_INVALID
    assert "--flag" in run.stderr and not (tmp_path / "flagged.csv").exists()


def test_decimal_comma_reads_numbers_printed_1_234_5(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(
        "claim_id,counts,place,as_of,low,value,high,unit,source\n"
        'a,displaced,Mosul,2016-11,"1.200,5","1.234,5",inf,person,IOM\n'
        'b,displaced,Mosul,2016-11,"1.100","1.250,25","1.300,0",person,UNHCR\n'
    )
    assert runner.invoke(cli.app, ["check", str(path)]).exit_code == cli.EXIT_INVALID
    run = runner.invoke(cli.app, ["check", str(path), "--decimal", ",", "-f", "json"])
    assert run.exit_code == cli.EXIT_CONSISTENT, run.stderr
    claims = json.loads(run.stdout)["claims"]
    assert [(row["low"], row["value"], row["high"]) for row in claims] == [
        (1200.5, 1234.5, "inf"),
        (1100.0, 1250.25, 1300.0),
    ]
    assert runner.invoke(cli.app, ["check", str(path), "--decimal", ";"]).exit_code == 2  # a usage error


def test_a_large_file_is_read_with_the_decimal_mark_and_the_facts_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(
        "claim_id,counts,place,as_of,value,unit\n"
        "a,displaced,Mosul,2016-11,1.234,person\n"  # a whole column pandas would read as one and a bit
        "b,displaced,Mosul,2016-11,2.000,person\n"
    )
    monkeypatch.setattr(progress, "LARGE_FILE_BYTES", 0)
    console, _ = _terminal()
    reading = inputs.Reading(source="IOM", decimal=",")
    table = inputs.read_claims(path, console, sheet=None, encoding="utf-8-sig", reading=reading)
    assert table["value"].tolist() == [1234.0, 2000.0]
    assert table["source"].tolist() == ["IOM", "IOM"]
    assert any(note.reason == rc.Reason.FILLED_FACT for note in table.attrs["notes"])


def test_the_real_somalia_key_figures_read_with_source(tmp_path: Path) -> None:
    # OCHA's Horn of Africa key figures for Somalia, from HDX: no source column of its own.
    path = ROOT / "tests" / "data" / "real" / "hxl" / "hoa_key_figures_som.csv"
    assert runner.invoke(cli.app, ["check", str(path)]).exit_code == cli.EXIT_INVALID
    run = runner.invoke(cli.app, ["check", str(path), "--source", "OCHA", "-f", "json"])
    assert run.exit_code in (cli.EXIT_CONSISTENT, cli.EXIT_CONFLICTS), run.stderr
    report = json.loads(run.stdout)
    assert {row["source"] for row in report["claims"]} == {"OCHA"}
    assert "'#targeted+pct' is not read" in run.stderr


# -- check: invalid input exits 2 and lists every problem --------------------------------------


def test_the_first_100_bad_rows_are_listed_and_the_rest_counted(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(_bad_rows_csv(150))
    run = runner.invoke(cli.app, ["check", str(path)])
    assert run.exit_code == cli.EXIT_INVALID
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[0].startswith("error: 150 problems in the claims")
    listed = [line for line in lines if line.startswith("  row ")]
    assert len(listed) == 100
    assert listed[99] == "  row 99 (line 101): low <= value <= high (got low=599.0, value=499.0, high=600.0)"
    assert lines[-2] == "  ... and 50 more problems: pass --errors FILE to write them all"
    assert lines[-1].startswith("hint: fix these rows")


def test_the_first_100_unreadable_phrases_are_listed(tmp_path: Path) -> None:
    rows = [f"p{i},displaced,Mosul,2016-11,lots {i},person,IOM" for i in range(120)]
    path = tmp_path / "phrases.csv"
    path.write_text("claim_id,counts,place,as_of,phrase,unit,source\n" + "\n".join(rows) + "\n")
    run = runner.invoke(cli.app, ["check", str(path)])
    assert run.exit_code == 2
    listed = [line for line in run.stderr.splitlines() if line.startswith("  row ")]
    assert len(listed) == 100
    assert listed[99].startswith("  row 99 (line 101): 'lots' does not start a figure phrase")
    assert "  ... and 20 more problems: pass --errors FILE to write them all" in run.stderr.splitlines()


def test_the_bad_rows_of_an_hxl_file_are_listed_with_their_file_lines(tmp_path: Path) -> None:
    path = tmp_path / "killed.csv"
    header = (
        "claim_id,place,killed,killed low,killed high,source\n"
        "#meta+id,#loc,#affected+killed,#affected+killed+min,#affected+killed+max,#meta+source\n"
    )
    rows = [f"k{i},Mosul,{10 + i},{20 + i},{15 + i},OCHA" for i in range(130)]  # low above the value
    path.write_text(header + "\n".join(rows) + "\n")
    problems = tmp_path / "problems.csv"
    run = runner.invoke(cli.app, ["check", str(path), "--errors", str(problems)])
    assert run.exit_code == 2
    listed = [line for line in run.stderr.splitlines() if line.startswith("  row ")]
    assert len(listed) == 100
    # Row 0 is on line 3, below the header and the hashtag row.
    assert listed[0].startswith("  row 0 (line 3): ") and listed[99].startswith("  row 99 (line 102): ")
    assert f"  ... and 30 more problems: every one is in {problems}" in run.stderr.splitlines()
    written = pd.read_csv(problems)
    assert written["row"].unique().tolist() == list(range(130))
    assert (written["line"] == written["row"] + 3).all()
    assert set(written["column"]) <= {"#affected+killed", "#affected+killed+min", "#affected+killed+max"}


def test_a_workbook_with_several_sheets_needs_sheet(tmp_path: Path) -> None:
    path = tmp_path / "claims.xlsx"
    claims = rc.read_claims(MOSUL)
    with pd.ExcelWriter(path, engine="openpyxl") as book:
        claims.to_excel(book, sheet_name="notes", index=False)
        claims.to_excel(book, sheet_name="claims", index=False)
    run = runner.invoke(cli.app, ["check", str(path)])
    assert run.exit_code == 2
    assert "has 2 sheets and none was named" in run.stderr.splitlines()[0]
    assert runner.invoke(cli.app, ["check", str(path), "--sheet", "claims"]).exit_code == 1


def test_encoding_reads_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_bytes(AGREEING_CSV.replace("Mosul", "Mossoul-Ninive é").encode("cp1252"))
    assert runner.invoke(cli.app, ["check", str(path)]).exit_code == 2
    run = runner.invoke(cli.app, ["check", str(path), "--encoding", "cp1252", "-f", "json"])
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)["estimates"][0]["place"] == "Mossoul-Ninive é"


def test_a_few_bad_rows_are_listed_as_the_library_words_them(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(_bad_rows_csv(2).replace(",person,", ",persn,", 1))
    run = runner.invoke(cli.app, ["check", str(path)])
    assert run.exit_code == 2
    assert "  row 0 (line 2): known unit (got unit='persn')" in run.stderr.splitlines()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["check", "no-such-file.csv"], "error: cannot open 'no-such-file.csv'"),
        (["check", "."], "error: cannot open '.' as claims: it is a folder with no Parquet files"),
        (["check", str(MOSUL), "--policy", "loudest"], "error: unknown policy 'loudest'"),
        (["check", str(MOSUL), "--policy", "priority"], "error: the priority policy needs a ranking"),
        (["check", str(MOSUL), "--key", " , "], "error: --key names no columns"),
        (["check", str(MOSUL), "--key", "counts,region"], "error: the key names columns"),
    ],
)
def test_invalid_input_exits_2_with_an_error_and_a_hint(arguments: list[str], message: str) -> None:
    run = runner.invoke(cli.app, arguments)
    assert run.exit_code == cli.EXIT_INVALID
    assert run.stderr.startswith(message)
    assert run.stderr.splitlines()[-1].startswith("hint: ")
    assert run.stdout == ""


def test_a_file_in_a_wrong_encoding_exits_2_naming_the_file(tmp_path: Path) -> None:
    path = tmp_path / "latin.csv"
    path.write_bytes(AGREEING_CSV.replace("Mosul", "Mossoul é").encode("utf-16"))
    run = runner.invoke(cli.app, ["check", str(path)])
    assert run.exit_code == 2
    assert "latin.csv" in run.stderr.splitlines()[0]


def test_an_unknown_format_is_a_usage_error() -> None:
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--format", "xml"])
    assert run.exit_code == 2


# -- check --output: whole or nothing ----------------------------------------------------------


@pytest.mark.parametrize("output_format", ["text", "json", "csv"])
def test_output_writes_the_report_to_a_file(tmp_path: Path, output_format: str) -> None:
    target = tmp_path / f"report.{output_format}"
    run = runner.invoke(cli.app, ["check", str(MOSUL), "-f", output_format, "-o", str(target)])
    assert run.exit_code == 1
    assert run.stdout == ""
    written = target.read_bytes()  # as written: CSV rows end in CRLF
    piped = runner.invoke(cli.app, ["check", str(MOSUL), "-f", output_format]).stdout_bytes
    assert written == piped
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_output_file_is_readable_like_any_new_file(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    runner.invoke(cli.app, ["check", str(MOSUL), "-f", "csv", "-o", str(target)])
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_invalid_input_leaves_an_existing_output_untouched(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(_bad_rows_csv(3))
    target = tmp_path / "report.json"
    target.write_text("the previous report")
    run = runner.invoke(cli.app, ["check", str(bad), "-f", "json", "-o", str(target)])
    assert run.exit_code == 2
    assert target.read_text() == "the previous report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "report.json"]


def test_a_failed_write_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text("the previous report")

    def broken_replace(source: str, destination: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("reconcile._replacing.os.replace", broken_replace)
    run = runner.invoke(cli.app, ["check", str(MOSUL), "-f", "json", "-o", str(target)])
    assert run.exit_code == 2
    assert "error: cannot write" in run.stderr and "No space left on device" in run.stderr
    assert target.read_text() == "the previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_output_into_a_missing_folder_exits_2(tmp_path: Path) -> None:
    run = runner.invoke(cli.app, ["check", str(MOSUL), "-o", str(tmp_path / "no" / "report.txt")])
    assert run.exit_code == 2
    assert run.stderr.startswith("error: cannot write")
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("kind", ["link", "read-only", "pipe"])
def test_output_never_replaces_a_link_a_read_only_file_or_a_pipe(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "report.json"
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text("kept")
    if kind == "link":
        target.symlink_to(elsewhere)
    elif kind == "read-only":
        target.write_text("kept")
        target.chmod(0o444)
    else:
        os.mkfifo(target)
    run = runner.invoke(cli.app, ["check", str(MOSUL), "-f", "json", "-o", str(target)])
    assert run.exit_code == cli.EXIT_INVALID
    assert run.stderr.startswith(f"error: will not replace {str(target)!r}")
    assert "force" not in run.stderr  # the library's hint names an argument the command does not have
    assert elsewhere.read_text() == "kept"
    # is_file() first: a pipe is never read, which would block.
    untouched = {
        "link": target.is_symlink(),
        "pipe": target.is_fifo(),
        "read-only": target.is_file() and target.read_text() == "kept",
    }
    assert untouched[kind]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["elsewhere.json", "report.json"]


def test_a_replaced_report_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.csv"
    target.write_text("the previous report")
    target.chmod(0o640)
    run = runner.invoke(cli.app, ["check", str(MOSUL), "-f", "csv", "-o", str(target)])
    assert run.exit_code == cli.EXIT_CONFLICTS
    assert target.read_text() != "the previous report"
    assert target.stat().st_mode & 0o777 == 0o640


# -- check --relations -------------------------------------------------------------------------


@pytest.fixture
def with_relations(monkeypatch: pytest.MonkeyPatch) -> None:
    """rc.Relation, whether or not this version exports it yet."""
    relations = pytest.importorskip("reconcile.relations")
    monkeypatch.setattr(rc, "Relation", relations.Relation, raising=False)


def test_relations_without_relation_support_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(rc, "Relation", raising=False)
    relations = tmp_path / "relations.txt"
    relations.write_text("troops/foreign = troops/us + troops/coalition\n")
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--relations", str(relations)])
    assert run.exit_code == 2
    assert run.stderr.startswith("error: relations are not available in this version")


@pytest.mark.usefixtures("with_relations")
def test_relations_file_skips_comments_and_blank_lines(tmp_path: Path) -> None:
    relations = tmp_path / "relations.txt"
    relations.write_text(
        "# troops around Mosul\n\n"
        "troops/us/all = troops/us + troops/us/added  # after the 600 sent that week\n"
        "`troops #foreign` = troops/us + troops/coalition\n"
    )
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--relations", str(relations), "-f", "json"])
    assert run.exit_code == 1, run.stderr
    report = json.loads(run.stdout)
    derived = {row["counts"]: (row["low"], row["high"]) for row in report["totals"]}
    assert derived == {"troops/us/all": (5100.0, 6100.0), "troops #foreign": (7920.0, 9280.0)}
    text = runner.invoke(cli.app, ["check", str(MOSUL), "--relations", str(relations)])
    assert "Derived totals" in text.stdout and "troops #foreign, Iraq, 2016-10-17" in text.stdout


UNAMA_CSV = """claim_id,counts,place,as_of,phrase,unit,source
pro,deaths/civilians/pro-government,Afghanistan,2019,"about 1,000",person,UNAMA
anti,deaths/civilians/anti-government,Afghanistan,2019,"about 2,000",person,UNAMA
"""


@pytest.mark.usefixtures("with_relations")
def test_a_relations_file_reads_the_names_the_claims_give_whole(tmp_path: Path) -> None:
    claims, relations = tmp_path / "deaths.csv", tmp_path / "relations.txt"
    claims.write_text(UNAMA_CSV)
    relations.write_text(
        "deaths/civilians = deaths/civilians/pro-government + deaths/civilians/anti-government\n"
        "deaths/civilians/anti-government <= deaths/civilians/all-parties\n"
        "# a name no claim gives is read whole with '-' once a relation defines it in backticks\n"
        "`deaths/civilians/all-parties` = deaths/civilians\n"
    )
    run = runner.invoke(cli.app, ["check", str(claims), "--relations", str(relations), "-f", "json"])
    assert run.exit_code == 0, run.stderr
    derived = {row["counts"]: (row["low"], row["high"]) for row in json.loads(run.stdout)["totals"]}
    assert derived == {
        "deaths/civilians": (2700.0, 3300.0),
        "deaths/civilians/all-parties": (2700.0, 3300.0),
    }
    relations.write_text("deaths/civilians = deaths/civilians/pro-govt + deaths/civilians/anti-government\n")
    run = runner.invoke(cli.app, ["check", str(claims), "--relations", str(relations)])
    assert run.exit_code == 2
    lines = run.stderr.splitlines()
    assert lines[0] == f"error: a relation in {str(relations)!r} cannot be used"
    assert "'deaths/civilians/pro-govt' was read as 'deaths/civilians/pro' - 'govt'" in lines[1]
    assert lines[-1].startswith("hint: did you mean 'deaths/civilians/pro-government'")


@pytest.mark.usefixtures("with_relations")
def test_a_relation_typo_exits_2_naming_its_line(tmp_path: Path) -> None:
    relations = tmp_path / "relations.txt"
    relations.write_text(
        "# Mosul\n\ntroops/us/all = troops/us + troops/us/added\n  troops/foreign = troops/us +\n"
    )
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--relations", str(relations)])
    assert run.exit_code == 2
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[0] == f"error: 1 relation in {str(relations)!r} cannot be read"
    assert lines[1].startswith("  line 4: expected a quantity")
    assert lines[2] == "      troops/foreign = troops/us +"
    assert lines[3] == "    " + " " * len("  troops/foreign = troops/us +") + "^"
    assert lines[-1].startswith("hint: write a relation")


@pytest.mark.usefixtures("with_relations")
def test_a_misspelt_quantity_in_a_relation_exits_2_naming_its_line(tmp_path: Path) -> None:
    relations = tmp_path / "relations.txt"
    relations.write_text("# Mosul\ntroops/us/all = troops/us + troops/us/addd\n")
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--relations", str(relations)])
    assert run.exit_code == 2
    lines = run.stderr.splitlines()
    assert lines[0] == f"error: a relation in {str(relations)!r} cannot be used"
    assert lines[1].startswith("  line 2: no claim gives 'troops/us/addd'")
    assert "did you mean 'troops/us/added'" in lines[-1]


PARTS_CSV = """claim_id,counts,place,as_of,low,value,high,unit,source
all,troops,Mosul,2016-10,90,100,110,person,A
us,troops/us,Mosul,2016-10,450,500,550,person,B
"""


def test_a_part_above_its_whole_is_a_conflict_unless_no_parts(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(PARTS_CSV)
    checked = runner.invoke(cli.app, ["check", str(path)])
    if "tightened" not in checked.stdout:
        pytest.skip("this version does not check parts against their whole")
    assert checked.exit_code == 1
    assert "troops/us <= troops" in checked.stdout
    tightened = [line.split()[5] for line in checked.stdout.splitlines() if ", Mosul, 2016-10 " in line]
    assert tightened[:2] == ["none", "none"]
    unchecked = runner.invoke(cli.app, ["check", str(path), "--no-parts"])
    assert unchecked.exit_code == 0, unchecked.stdout


def test_a_missing_relations_file_exits_2(tmp_path: Path) -> None:
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--relations", str(tmp_path / "none.txt")])
    assert run.exit_code == 2
    assert run.stderr.startswith("error: ")


# -- --lexicon ---------------------------------------------------------------------------------

EVACUEES_CSV = """claim_id,counts,place,as_of,phrase,unit,source
iom,displaced,Mosul,2016-11,"circa 7,600 evacuees",person,IOM
unhcr,displaced,Mosul,2016-11,"7,619 evacuees",person,UNHCR
"""


def _lexicon_with_evacuees(tmp_path: Path) -> Path:
    """A copy of the shipped lexicon with the hedge 'circa' and the noun 'evacuees'."""
    shipped = (ROOT / "reconcile" / "lexicon.toml").read_text(encoding="utf-8")
    path = tmp_path / "lexicon.toml"
    noun = '"evacuees" = { unit = "person", counts = "displaced" }\n'
    hedge = '"circa" = { rule = "around", min_share = 0.05, max_share = 0.10, points = 2 }\n'
    path.write_text(
        shipped.replace("[nouns]\n", "[nouns]\n" + noun).replace("[hedges]\n", "[hedges]\n" + hedge)
    )
    return path


def test_check_reads_phrases_in_the_words_of_a_lexicon_file(tmp_path: Path) -> None:
    claims = tmp_path / "evacuees.csv"
    claims.write_text(EVACUEES_CSV)
    without = runner.invoke(cli.app, ["check", str(claims)])
    assert without.exit_code == 2
    assert "'circa' does not start a figure phrase" in without.stderr
    run = runner.invoke(cli.app, ["check", str(claims), "--lexicon", str(_lexicon_with_evacuees(tmp_path))])
    assert run.exit_code == 0, run.stderr
    assert "Consistent" in run.stdout


def test_parse_reads_phrases_in_the_words_of_a_lexicon_file(tmp_path: Path) -> None:
    run = runner.invoke(
        cli.app, ["parse", "7,619 evacuees", "--lexicon", str(_lexicon_with_evacuees(tmp_path)), "-f", "json"]
    )
    assert run.exit_code == 0, run.stderr
    assert json.loads(run.stdout)[0]["counts"] == "displaced"
    # Without the lexicon's noun, the phrase's own word says what it counts.
    without = runner.invoke(cli.app, ["parse", "7,619 evacuees", "-f", "json"])
    assert without.exit_code == 0 and json.loads(without.stdout)[0]["counts"] == "evacuees"


@pytest.mark.parametrize("command", ["check", "parse"])
@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot open the lexicon"),
        ("[hedges\n", "TOMLDecodeError"),
        ("version = 1\n", "cannot read the lexicon"),  # the library says which table is wrong
    ],
    ids=["missing", "not TOML", "no tables"],
)
def test_a_bad_lexicon_file_exits_2_naming_it(
    tmp_path: Path, command: str, content: str | None, problem: str
) -> None:
    lexicon = tmp_path / "words.toml"
    if content is not None:
        lexicon.write_text(content)
    target = str(MOSUL) if command == "check" else "about 5,000"
    run = runner.invoke(cli.app, [command, target, "--lexicon", str(lexicon)])
    assert run.exit_code == 2
    assert run.stdout == ""
    lines = run.stderr.splitlines()
    assert lines[0] == f"error: cannot read the lexicon file {str(lexicon)!r}"
    assert problem in lines[1]
    assert lines[-1].startswith("hint: ") and "lexicon.toml" in lines[-1]


# -- parse -------------------------------------------------------------------------------------


def test_parse_prints_each_phrase_range() -> None:
    run = runner.invoke(cli.app, ["parse", "about 5,000", "at least 7,000", "more than half"])
    assert run.exit_code == 0
    rows = [line.split() for line in run.stdout.splitlines() if line.strip()]
    assert rows[2][:6] == ["about", "5,000", "4,500", "5,000", "5,500", "person"]
    assert rows[3][:7] == ["at", "least", "7,000", "7,000", "7,000", "∞", "person"]


def test_parse_json_matches_rc_parse() -> None:
    run = runner.invoke(cli.app, ["parse", "about 5,000", "7,619 families", "-f", "json"])
    assert run.exit_code == 0
    records = json.loads(run.stdout)
    figure = rc.parse("7,619 families")
    assert records[1] == {
        "phrase": "7,619 families",
        "low": figure.low,
        "value": figure.value,
        "high": figure.high,
        "unit": "family",
        "counts": None,
        "hedge": None,
    }


def test_parse_unit_applies_where_the_phrase_names_none() -> None:
    run = runner.invoke(cli.app, ["parse", "about 1,200", "--unit", "household", "-f", "json"])
    assert json.loads(run.stdout)[0]["unit"] == "household"


def test_parse_lists_every_unreadable_phrase_with_a_caret() -> None:
    run = runner.invoke(cli.app, ["parse", "about 5,000", "about 5,000 xyz in Mosul", "many"])
    assert run.exit_code == 2
    lines = run.stderr.splitlines()
    assert lines[0] == "error: 2 of 3 phrases cannot be read"
    caret = lines.index("    about 5,000 xyz in Mosul") + 1
    assert lines[caret] == "    " + " " * 16 + "^"
    assert "    many" in lines
    assert lines[-1].startswith("hint: ")


UNREADABLE = ["about 5,000 xyz in Mosul", "two hundred hundred"]


def test_parse_prints_the_phrases_it_read_and_lists_the_others_with_their_hints() -> None:
    run = runner.invoke(cli.app, ["parse", "about 5,000", UNREADABLE[0], "at least 7,000", UNREADABLE[1]])
    assert run.exit_code == 2
    rows = [line.split() for line in run.stdout.splitlines() if line.strip()]
    assert [row[:2] for row in rows[2:]] == [["about", "5,000"], ["at", "least"]]
    assert "xyz" not in run.stdout and "hundred" not in run.stdout
    lines = run.stderr.splitlines()
    assert lines[0] == "error: 2 of 4 phrases cannot be read"
    cats = lines.index("  cannot read 'in' at character 16 of 'about 5,000 xyz in Mosul'")
    assert lines[cats + 3].startswith("    hint: give one figure per phrase")
    words = next(n for n, line in enumerate(lines) if line.startswith("  cannot combine the number words"))
    assert lines[words + 3] == (
        "    hint: write the number in digits, e.g. '2,645', or in words as English says it, e.g. 'two "
        "thousand six hundred and forty-five'"
    )
    assert lines[-1].startswith("hint: ")


def test_parse_json_holds_the_phrases_it_read_and_stderr_the_others() -> None:
    run = runner.invoke(cli.app, ["parse", "about 5,000", *UNREADABLE, "7,619 families", "-f", "json"])
    assert run.exit_code == 2
    records = json.loads(run.stdout)
    assert [record["phrase"] for record in records] == ["about 5,000", "7,619 families"]
    assert records[1]["unit"] == "family"
    assert run.stderr.startswith("error: 2 of 4 phrases cannot be read")
    assert run.stderr.count("    hint: ") == 2


def test_parse_json_of_no_readable_phrase_is_an_empty_list() -> None:
    run = runner.invoke(cli.app, ["parse", *UNREADABLE, "-f", "json"])
    assert run.exit_code == 2
    assert json.loads(run.stdout) == []
    assert run.stderr.startswith("error: 2 of 2 phrases cannot be read")


def test_parse_with_an_unknown_unit_exits_2() -> None:
    run = runner.invoke(cli.app, ["parse", "about 5,000", "--unit", "persn"])
    assert run.exit_code == 2
    assert run.stderr.startswith("error: ")


# -- help --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [[], ["check"], ["parse"]])
def test_help_documents_every_option_with_an_example(command: list[str]) -> None:
    run = runner.invoke(cli.app, [*command, "--help"], terminal_width=200)
    assert run.exit_code == 0
    group = typer.main.get_command(cli.app)
    params = group.commands[command[0]].params if command else group.params  # type: ignore[attr-defined]
    for param in params:
        for name in [*param.opts, *param.secondary_opts]:
            if name.startswith("-"):
                assert name in run.stdout
        assert param.param_type_name == "argument" or getattr(param, "help", None), param.name
    assert "Examples:" in run.stdout
    assert "reconcile " + (command[0] if command else "check") in run.stdout


def test_no_arguments_shows_the_help() -> None:
    run = runner.invoke(cli.app, [])
    assert "Usage" in run.stdout + run.stderr
    assert "check" in run.stdout + run.stderr


# -- progress ----------------------------------------------------------------------------------


def test_no_progress_when_output_is_not_a_terminal() -> None:
    # CliRunner's output, like a pipe, is not a terminal.
    assert progress.status_console(True) is None
    assert progress.status_console(False) is None


def _terminal() -> tuple[Console, io.StringIO]:
    screen = io.StringIO()
    return Console(file=screen, force_terminal=True, width=100), screen


def test_large_csv_is_read_with_a_bar_and_gives_the_same_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(MOSUL.read_text())
    monkeypatch.setattr(progress, "LARGE_FILE_BYTES", 0)
    monkeypatch.setattr(progress, "_CHUNK_ROWS", 3)
    console, screen = _terminal()
    table = inputs.read_claims(path, console, sheet=None, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(table, rc.read_claims(path))
    assert "Reading" in screen.getvalue()


def test_a_bad_large_csv_gets_the_library_error_naming_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "claims.csv"
    path.write_text(_bad_rows_csv(4))
    monkeypatch.setattr(progress, "LARGE_FILE_BYTES", 0)
    console, _ = _terminal()
    with pytest.raises(rc.ClaimsError, match="line 5") as caught:
        inputs.read_claims(path, console, sheet=None, encoding="utf-8-sig")
    assert caught.value.origin == str(path)


def test_chunked_reading_restores_neutralised_formulas(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    figures = [
        rc.Figure.about(5000, counts="militants", source="=HYPERLINK(1)"),
        rc.Figure.at_least(7000, counts="militants", source="-backers"),
    ]
    rc.write_claims(figures, path)
    assert "'=HYPERLINK(1)" in path.read_text()
    console, _ = _terminal()
    chunked = rc.read_claims(progress.read_csv(path, console, text_columns=inputs.TEXT_COLUMNS, chunk_rows=1))
    pd.testing.assert_frame_equal(chunked, rc.read_claims(path))
    assert chunked["source"].tolist() == ["=HYPERLINK(1)", "-backers"]


def test_an_hxl_file_is_left_to_the_library_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "killed.csv"
    rc.write_claims([rc.Figure.between(10, 15, counts="affected/killed", source="OCHA")], path, format="hxl")
    assert not progress.is_plain_csv(path, "utf-8-sig")
    monkeypatch.setattr(progress, "LARGE_FILE_BYTES", 0)
    console, _ = _terminal()
    table = inputs.read_claims(path, console, sheet=None, encoding="utf-8-sig")
    pd.testing.assert_frame_equal(table, rc.read_claims(path))


@settings(max_examples=20)
@given(table=claims_tables(max_quantities=5, max_claims=6, integers=False), chunk_rows=st.integers(1, 8))
def test_chunked_reading_gives_the_table_read_claims_gives(table: pd.DataFrame, chunk_rows: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.csv"
        table.to_csv(path, index=False)
        console, _ = _terminal()
        chunked = rc.read_claims(
            progress.read_csv(path, console, text_columns=inputs.TEXT_COLUMNS, chunk_rows=chunk_rows)
        )
        pd.testing.assert_frame_equal(chunked, rc.read_claims(path))


@settings(max_examples=15)
@given(table=claims_tables(max_quantities=4, max_claims=4))
def test_exit_code_and_json_report_follow_the_reconciliation(table: pd.DataFrame) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.csv"
        table.to_csv(path, index=False)
        run = runner.invoke(cli.app, ["check", str(path), "--format", "json"])
    result = rc.reconcile(table)
    assert run.exit_code == (1 if len(result.conflicts) else 0)
    report = json.loads(run.stdout)
    assert report["consistent"] is result.conflicts.empty
    assert len(report["estimates"]) == len(result.estimates)
    assert len(report["claims"]) == len(table)
    highs = [math.inf if row["high"] == "inf" else row["high"] for row in report["estimates"]]
    assert highs == result.estimates["high"].tolist()


def test_a_large_csv_with_extra_cells_is_refused_naming_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "claims.csv"
    lines = MOSUL.read_text().splitlines()
    lines[1] += ",extra"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(rc.ClaimsError, match=r"1 row of .* holds more cells") as caught:
        progress.read_csv(path, _terminal()[0], text_columns=inputs.TEXT_COLUMNS, chunk_rows=2)
    assert vars(caught.value)["lines"] == [2]
    monkeypatch.setattr(progress, "LARGE_FILE_BYTES", 0)
    with pytest.raises(rc.ClaimsError, match=r"1 row of .* holds more cells") as caught:
        inputs.read_claims(path, _terminal()[0], sheet=None, encoding="utf-8-sig")
    assert vars(caught.value)["lines"] == [2]


@pytest.mark.usefixtures("with_relations")
def test_the_csv_report_holds_the_derived_totals(tmp_path: Path) -> None:
    relations = tmp_path / "relations.txt"
    relations.write_text("troops/us/all = troops/us + troops/us/added\n")
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--relations", str(relations), "-f", "csv"])
    assert run.exit_code == 1, run.stderr
    report = pd.read_csv(io.StringIO(run.stdout))
    derived = report[report["status"] == "derived"]
    assert derived["counts"].tolist() == ["troops/us/all"]
    assert derived[["low", "value", "high"]].to_numpy().tolist() == [[5100.0, 5600.0, 6100.0]]
    assert derived["n_claims"].tolist() == [0]
    assert derived["claim_ids"].tolist() == ["troops-us, troops-us-added"]
    assert report.columns[-4:].tolist() == ["low_90", "high_90", "claim_ids", "relations"]
    assert report.loc[report["status"] != "derived", "claim_ids"].isna().all()
    plain = runner.invoke(cli.app, ["check", str(MOSUL), "-f", "csv"])
    assert "derived" not in plain.stdout and "claim_ids" not in plain.stdout


def _raised(call: Callable[[], object]) -> rc.ReconcileError:
    with pytest.raises(rc.ReconcileError) as caught:
        call()
    return caught.value


def _claims_about(**columns: object) -> pd.DataFrame:
    table = {"claim_id": ["a", "b"], "counts": "militants", "place": "Mosul", "as_of": "2016-10-17",
             "low": [4500.0, 7000.0], "value": [5000.0, 7000.0], "high": [5500.0, math.inf], "unit": "person",
             "source": ["U.S. officials", "Islamic State backers"]}  # fmt: skip
    return pd.DataFrame({**table, **columns})


def _file(folder: Path, name: str, content: bytes) -> Path:
    (folder / name).write_bytes(content)
    return folder / name


def _workbook(folder: Path) -> Path:
    rc.formats.write_tables({"claims": _claims_about(), "notes": _claims_about()}, folder / "claims.xlsx")
    return folder / "claims.xlsx"


def _unit_row(folder: Path) -> object:
    return rc.read_claims(
        _claims_about(phrase=["7,619 families", "7,000"]).drop(columns=["low", "value", "high"])
    )


#: For each reason the command words itself (the error's, or a bad row's): a call that raises it,
#: and the hint the command prints (or a function of the error that gives it).
def _link(folder: Path) -> Path:
    """A symbolic link in ``folder`` to a file there, which a write must not replace."""
    (folder / "target.csv").write_text("kept")
    (folder / "link.csv").symlink_to(folder / "target.csv")
    return folder / "link.csv"


COMMAND_HINTS: list[tuple[str, Callable[[Path], object], str | Callable[[rc.ReconcileError], str]]] = [
    (
        "ENCODING",
        lambda folder: rc.read_claims(_file(folder, "c.csv", "place\nMosûl\n".encode("cp1252"))),
        "save the file as UTF-8, or pass its encoding, e.g. --encoding cp1252 or --encoding latin-1",
    ),
    (
        "ENCODING (UTF-16)",
        lambda folder: rc.read_claims(_file(folder, "c.csv", "place\nMosul\n".encode("utf-16"))),
        "save the file as UTF-8, or pass --encoding utf-16",
    ),
    (
        "UNKNOWN_ENCODING",
        lambda folder: rc.read_claims(MOSUL, encoding="klingon"),
        "pass e.g. --encoding utf-8, cp1252 or latin-1",
    ),
    (
        "SHEET",
        lambda folder: rc.read_claims(_workbook(folder)),
        "pass --sheet NAME, one of ['claims', 'notes']",
    ),
    (
        "SHEET (unknown)",
        lambda folder: rc.read_claims(_workbook(folder), sheet="claim"),
        "pass --sheet NAME, one of ['claims', 'notes']",
    ),
    ("NO_SHEETS", lambda folder: rc.read_claims(MOSUL, sheet="claims"), "pass --sheet only for .xlsx files"),
    (
        "WILL_NOT_REPLACE",
        lambda folder: rc.write_claims(rc.read_claims(MOSUL), _link(folder)),
        "name another file, or move this one out of the way first",
    ),
    (
        "FORMAT",
        lambda folder: rc.read_claims(folder / "claims.txt"),
        "name the file .csv, .json, .xlsx or .parquet (a .csv or .xlsx file with a row of HXL hashtags "
        "is read as HXL)",
    ),
    (
        "BAD_ROWS",
        lambda folder: rc.read_claims(
            _claims_about(as_of=["03/04/2022", "04/03/2022"], unit=["person", "persn"])
        ),
        "pass --dayfirst for dates written 17/10/2016 or --monthfirst for 10/17/2016, or write ISO dates "
        "such as 2016-10-17; " + ROWS_HINT,
    ),
    (
        "BAD_ROWS (an HXL file without a source column)",
        lambda folder: rc.read_claims(_file(folder, "idps.csv", IDPS_HXL.encode())),
        "pass --source NAME for the whole file (HDX gives a dataset's source and date in its metadata)",
    ),
    (
        "NOT_HXL",
        lambda folder: rc.read_claims(
            _file(folder, "c.csv", b"claim_id,counts,place,value,unit\na,x,Mosul,5,person\n")
        ),
        "add the missing columns, or pass --as-of DATE and --source NAME for the whole file; no row of "
        "HXL hashtags was found in its first 25 rows, so it was read as a plain table (an HXL file has its "
        "hashtag row under the header row)",
    ),
    (
        "BLANK_KEY",
        lambda folder: rc.reconcile(_claims_about(place=None)),
        "fill place in for these claims, or leave it out of --key (e.g. --key counts,as_of) to pool claims "
        "whatever their place",
    ),
    (
        "BLANK_KEY (every key column)",
        lambda folder: rc.reconcile(_claims_about(place=[None, "Mosul"]), key=("place",)),
        "fill place in for this claim, or name quantities by other columns with --key",
    ),
    (
        "BAD_KEY",
        lambda folder: rc.reconcile(_claims_about(), key=("counts", "region")),
        "name a quantity by columns of the table, e.g. --key counts,place,as_of",
    ),
    (
        "KEY_WITHOUT_COUNTS",
        lambda folder: rc.reconcile(
            rc.read_claims(MOSUL), key=("place",), relations=["troops/us = troops/us"]
        ),
        "keep counts in --key to use --relations, e.g. --key counts,place,as_of",
    ),
    (
        "UNKNOWN_POLICY",
        lambda folder: rc.reconcile(_claims_about(), policy="loudest"),  # type: ignore[call-overload]
        f"pass --policy one of {', '.join(map(repr, rc.POLICIES))}",
    ),
    (
        "BAD_WEIGHTS",
        lambda folder: rc.reconcile(_claims_about(), weights={"U.S. officials": 0}),
        "give each --weight a number above 0, e.g. --weight 'U.S. officials=2'; leave a source out to "
        "weigh it 1",
    ),
    (
        "UNKNOWN_WEIGHT_SOURCE",
        lambda folder: rc.reconcile(_claims_about(), weights={"IS backers": 2}),
        lambda error: (
            "write each --weight name as the claims spell their sources, e.g. --weight "
            f"'{vars(error)['nearest']['IS backers'][0]}=2', or leave that --weight out"
        ),
    ),
    (
        "PRIORITY_NEEDS_WEIGHTS",
        lambda folder: rc.reconcile(_claims_about(), policy="priority"),
        "pass --weight 'NAME=W' for each source or give the table a weight column",
    ),
    (
        "DAY_ORDER",
        lambda folder: rc.Figure.exact(1, as_of="03/04/2022"),
        "pass --dayfirst for dates written 17/10/2016 or --monthfirst for 10/17/2016, or write ISO dates "
        "such as 2016-10-17",
    ),
    (
        "DAY_ORDER_MIXED",
        lambda folder: rc.read_claims(_claims_about(as_of=["17/10/2016", "10/17/2016"])),
        "write every date of a column in one order, or pass --dayfirst or --monthfirst and correct the rows "
        "it refuses; " + ROWS_HINT,
    ),
    (
        "DAY_ORDER_AGAINST",
        lambda folder: rc.read_claims(_claims_about(as_of=["17/10/2016", "2016"]), dayfirst=False),
        "correct the row, or leave out --dayfirst and --monthfirst to settle the order from the column; "
        + ROWS_HINT,
    ),
    (
        "PHRASE_UNIT",
        lambda folder: rc.parse("7,619 families", unit="person"),
        "leave out --unit to take the unit from the phrase, or drop the word that sets it",
    ),
    (
        "PHRASE_UNIT (a row's unit)",
        _unit_row,
        "leave the row's unit empty to take the unit from the phrase, or drop the word that sets it; "
        + ROWS_HINT,
    ),
    (
        "SPLIT_NAME",
        lambda folder: rc.Relation.parse("a = a-b + b", names=["a"]),
        "a name with '-' in it is read whole only when a claim gives it or a relation defines it: check its "
        "spelling against the claims' counts column, or put it in backticks",
    ),
]
# The library's keyword arguments, which a hint of the command must not name.
PYTHON_ARGUMENT = re.compile(
    r"(?<![-\w])(sheet|encoding|format|weights|key|dayfirst|unit|implied_parts|relations|aliases|names"
    r"|source|via|as_of|reported_on|decimal|errors)=|with_noun"
)


@pytest.mark.parametrize(
    ("case", "call", "command"), COMMAND_HINTS, ids=[case for case, _, _ in COMMAND_HINTS]
)
def test_the_command_words_each_reason_in_its_own_options(
    case: str,
    call: Callable[[Path], object],
    command: str | Callable[[rc.ReconcileError], str],
    tmp_path: Path,
) -> None:
    error = _raised(lambda: call(tmp_path))
    failures = error.failures if isinstance(error, rc.ClaimsError) else None
    rows = (
        set(failures["reason"].dropna())
        if isinstance(failures, pd.DataFrame) and "reason" in failures
        else set()
    )
    assert rc.Reason[case.split(" ")[0]] in {error.reason, *rows}
    assert hints.hint_for(error) == (command if isinstance(command, str) else command(error))
    assert not PYTHON_ARGUMENT.search(hints.hint_for(error))


def test_every_reason_the_command_words_itself_has_a_case() -> None:
    assert {rc.Reason[case.split(" ")[0]] for case, _, _ in COMMAND_HINTS} == set(hints.OPTION_HINTS)


def test_a_reason_the_command_does_not_word_keeps_the_librarys_hint() -> None:
    error = _raised(lambda: rc.parse("about"))
    assert error.reason not in hints.OPTION_HINTS
    assert hints.hint_for(error) == error.hint == "write a number after the hedge, e.g. 'about 5,000'"


def test_errors_from_the_library_name_options_not_arguments(tmp_path: Path) -> None:
    book = tmp_path / "claims.xlsx"
    rc.formats.write_tables({"claims": pd.read_csv(MOSUL), "notes": pd.DataFrame({"n": [1]})}, book)
    run = runner.invoke(cli.app, ["check", str(book)])
    assert run.exit_code == 2
    assert run.stderr.splitlines()[-1] == "hint: pass --sheet NAME, one of ['claims', 'notes']"
    latin = tmp_path / "latin.csv"
    latin.write_bytes(MOSUL.read_text().replace("Mosul", "Mosûl").encode("cp1252"))
    run = runner.invoke(cli.app, ["check", str(latin)])
    assert "--encoding cp1252" in run.stderr and "encoding=" not in run.stderr
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--policy", "priority"])
    assert run.exit_code == 2
    assert "--weight 'NAME=W'" in run.stderr and "weights=" not in run.stderr


def test_each_unreadable_phrase_is_listed_with_its_own_hint() -> None:
    run = runner.invoke(cli.app, ["parse", "lots", "many", "heaps", "about"])
    assert run.exit_code == 2
    hints = [line for line in run.stderr.splitlines() if line.startswith("    hint: ")]
    assert len(hints) == 4
    assert sum("write a number ('5,000'" in hint for hint in hints) == 3
    assert hints[-1] == "    hint: write a number after the hedge, e.g. 'about 5,000'"


def test_the_help_names_every_claims_format() -> None:
    run = runner.invoke(cli.app, ["check", "--help"], env={"COLUMNS": "200"})
    assert ".xlsx" in run.stdout and "HXL" in run.stdout


DAY_FIRST_CSV = """claim_id,counts,place,as_of,phrase,source
a,displaced,Mosul,03/04/2017,"about 5,000",IOM
b,displaced,Mosul,04/03/2017,"about 6,000",IOM
"""


def test_check_asks_for_the_day_month_order_as_its_own_option(tmp_path: Path) -> None:
    claims = tmp_path / "dates.csv"
    claims.write_text(DAY_FIRST_CSV)
    unsettled = runner.invoke(cli.app, ["check", str(claims)])
    assert unsettled.exit_code == 2
    assert "--dayfirst" in unsettled.stderr and "--monthfirst" in unsettled.stderr
    assert "dayfirst=" not in unsettled.stderr
    run = runner.invoke(cli.app, ["check", str(claims), "--dayfirst", "-f", "json"])
    assert run.exit_code == 0, run.stderr
    assert sorted(row["as_of"] for row in json.loads(run.stdout)["estimates"]) == ["2017-03-04", "2017-04-03"]


def test_joint_and_per_quantity_choose_the_claims_set_aside(tmp_path: Path) -> None:
    # OCHA, 4 April 2017: 392,000 fled less 94,500 returned; IOM's 302,400 still displaced
    # does not fit, OCHA's "around 300,000" does (tests/data/real/relations_mosul_displacement_early_2017).
    real = Path(__file__).parent / "data" / "real"
    claims = real / "relations_mosul_displacement_early_2017.csv"
    relations = real / "relations_mosul_displacement_early_2017.txt"
    arguments = ["check", str(claims), "--relations", str(relations), "-f", "json"]
    joint = json.loads(runner.invoke(cli.app, arguments).stdout)
    apart = {row["claim_id"] for row in joint["claims"] if not row["kept"]}
    assert apart == {"md-0404-current-iom"}
    own = json.loads(runner.invoke(cli.app, [*arguments, "--per-quantity"]).stdout)
    assert all(row["kept"] for row in own["claims"])
    assert any(row["kind"] == "relation" for row in own["conflicts"])


# -- a large file of bad rows: the first problems listed, every one with --errors ------------------

MIXED_BAD_CSV = """claim_id,counts,place,as_of,low,value,high,unit,source,measure
a,displaced,Mosul,2016-11,5500,5000,4500,person,IOM,stock
b,displaced,Mosul,2016-13-45,,abc,,person,IOM,stock
c,displaced,Mosul,2016-11,,lots,,persn,IOM,heap
a,displaced,Mosul,2016-11,1,2,3,person,=HYPERLINK("http://x"),stock
"""


def _claims_error(path: Path, content: str) -> rc.ClaimsError:
    path.write_text(content)
    error = _raised(lambda: rc.read_claims(path))
    assert isinstance(error, rc.ClaimsError)
    return error


def _failure_cases(folder: Path) -> dict[str, tuple[pd.DataFrame, str | None, int]]:
    """Failure tables of each kind the library makes: rules, phrases and dates, HXL rows, blank keys."""
    cases = {}
    for name, content in {
        "rules": _bad_rows_csv(7),
        "mixed": MIXED_BAD_CSV,
        "hxl": "claim_id,place,killed,killed low,killed high,source\n"
        "#meta+id,#loc,#affected+killed,#affected+killed+min,#affected+killed+max,#meta+source\n"
        + "\n".join(f"k{i},Mosul,{10 + i},{20 + i},{15 + i},OCHA" for i in range(5))
        + "\n",
        "no source": "claim_id,counts,place,as_of,value,unit\na,displaced,Mosul,2016-11,abc,person\n",
    }.items():
        error = _claims_error(folder / f"{name}.csv", content)
        cases[name] = (error.failures, error.origin, error.first_line or 2)
    blank = _raised(lambda: rc.reconcile(rc.read_claims(folder / "rules.csv").assign(place=None)))
    assert isinstance(blank, rc.ClaimsError)
    cases["blank key"] = (blank.failures, blank.origin, 2)
    return cases


def test_problems_are_counted_and_listed_as_the_library_lists_them(tmp_path: Path) -> None:
    from reconcile.claims import describe_failures

    for name, (failures, origin, first_line) in _failure_cases(tmp_path).items():
        if not isinstance(failures, pd.DataFrame):
            continue
        every = describe_failures(failures, origin, first_line)
        assert _validate.count_problems(failures) == len(every), name
        for limit in (1, 3, 100):
            assert _validate.first_problems(failures, origin, first_line, limit) == every[:limit], name


def test_only_the_rows_printed_are_described(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reconcile.claims import describe_failures as describe
    from reconcile.cli import problems

    path = tmp_path / "claims.csv"
    path.write_text(_bad_rows_csv(5000))
    described: list[int] = []

    def counting(failures: pd.DataFrame, origin: str | None, first_line: int = 2) -> list[str]:
        described.append(len(failures))
        return describe(failures, origin, first_line)

    monkeypatch.setattr(_validate, "describe_failures", counting)
    run = runner.invoke(cli.app, ["check", str(path)])
    assert run.exit_code == cli.EXIT_INVALID
    assert "  ... and 4,900 more problems: pass --errors FILE to write them all" in run.stderr.splitlines()
    # The 100 rows shown (a rule on the whole row reports each of its 9 cells), not 5,000: once
    # where the library raises, once where the command words them.
    assert len(described) <= 2 and max(described) <= 9 * problems.SHOWN_PROBLEMS


def test_errors_writes_every_problem_as_a_table_to_filter(tmp_path: Path) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(_bad_rows_csv(150))
    problems = tmp_path / "problems.csv"
    run = runner.invoke(cli.app, ["check", str(claims), "--errors", str(problems)])
    assert run.exit_code == cli.EXIT_INVALID and run.stdout == ""
    lines = run.stderr.splitlines()
    assert len([line for line in lines if line.startswith("  row ")]) == 100
    assert lines[-2] == f"  ... and 50 more problems: every one is in {problems}"
    written = pd.read_csv(problems)
    assert written.columns.tolist() == ["row", "line", "column", "value", "problem"]
    assert written["row"].nunique() == 150 and (written["line"] == written["row"] + 2).all()
    last = written[written["row"] == 149].set_index("column")
    assert last.loc["value", "value"] == 549.0
    assert last.loc["value", "problem"] == "low <= value <= high (got value=549.0)"


def test_errors_lists_phrases_dates_units_and_a_whole_table_problem(tmp_path: Path) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(MIXED_BAD_CSV)
    problems = tmp_path / "problems.csv"
    run = runner.invoke(cli.app, ["check", str(claims), "--errors", str(problems)])
    assert run.exit_code == cli.EXIT_INVALID
    assert run.stderr.splitlines()[-2] == f"  every problem is in {problems}"
    written = problems.read_text(encoding="utf-8")
    assert "=HYPERLINK" not in written.replace("'=HYPERLINK", "")  # a formula is shown, never run
    table = pd.read_csv(problems, dtype=str)
    said = dict(zip(zip(table["row"], table["column"], strict=True), table["problem"], strict=True))
    assert "is not a date or period" in said[("1", "as_of")]
    assert "'abc' does not start a figure phrase" in said[("1", "phrase")]
    assert said[("2", "unit")] == "known unit (got unit='persn')"
    assert said[("0", "claim_id")].startswith("each claim once")


def test_errors_is_written_with_its_header_alone_when_every_row_is_read(tmp_path: Path) -> None:
    problems = tmp_path / "problems.csv"
    problems.write_text("row,line,column,value,problem\n5,7,unit,persn,known unit\n")  # an earlier run's
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--errors", str(problems)])
    assert run.exit_code == cli.EXIT_CONFLICTS
    assert problems.read_text().splitlines() == ["row,line,column,value,problem"]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--flag"], "error: --errors and --flag cannot go together"),
        (["--output", "{errors}"], "names a file the command reads or writes"),
    ],
)
def test_errors_refuses_flag_and_a_file_the_command_uses(
    tmp_path: Path, extra: list[str], message: str
) -> None:
    problems = tmp_path / "problems.csv"
    arguments = [argument.format(errors=problems) for argument in extra]
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--errors", str(problems), *arguments])
    assert run.exit_code == cli.EXIT_INVALID
    assert message in run.stderr.splitlines()[0]
    claims = tmp_path / "claims.csv"
    claims.write_text(_bad_rows_csv(2))
    run = runner.invoke(cli.app, ["check", str(claims), "--errors", str(claims)])
    assert run.exit_code == cli.EXIT_INVALID
    assert "names a file the command reads or writes" in run.stderr
    assert claims.read_text() == _bad_rows_csv(2)  # the claims are never written over


def test_errors_that_cannot_be_written_still_reports_the_rows(tmp_path: Path) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(_bad_rows_csv(2))
    nowhere = tmp_path / "no-such-folder" / "problems.csv"
    run = runner.invoke(cli.app, ["check", str(claims), "--errors", str(nowhere)])
    assert run.exit_code == cli.EXIT_INVALID
    lines = run.stderr.splitlines()
    assert lines[0].startswith("error: 2 problems in the claims")
    assert lines[-2].startswith(f"  cannot write --errors {str(nowhere)!r}")


def test_errors_lists_claims_that_leave_a_key_column_blank(tmp_path: Path) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(AGREEING_CSV.replace(",Mosul,", ",,", 1))
    problems = tmp_path / "problems.csv"
    run = runner.invoke(cli.app, ["check", str(claims), "--errors", str(problems)])
    assert run.exit_code == cli.EXIT_INVALID
    written = pd.read_csv(problems)
    assert written[["row", "column"]].to_dict(orient="records") == [{"row": 0, "column": "place"}]
    assert "has no place" in written["problem"][0]


# -- terminal safety: what came from the input is shown, never obeyed -------------------------------

OBEYED = ("\x1b", "\x07", "\x9b", "\u202e", "\u2066", "\u2028")


def test_safe_shows_every_character_a_terminal_would_obey() -> None:
    from reconcile.cli.terminal import SHOWN_AS, safe, safe_json

    hidden = [chr(code) for code in (*range(0x20), 0x7F, *range(0x80, 0xA0)) if chr(code) not in "\t\n"]
    hidden += ["\u2028", "\u2029", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))]
    for character in hidden:
        assert safe(f"a{character}b") == f"a{SHOWN_AS}b", repr(character)
        assert json.loads(safe_json(json.dumps(f"a{character}b", ensure_ascii=False))) == f"a{character}b"
        assert character not in safe_json(json.dumps(f"a{character}b", ensure_ascii=False))
    assert safe("a\tb\nc") == "a\tb\nc" and safe("a\nb", one_line=True) == f"a{SHOWN_AS}b"
    assert safe("Mossoul é, الموصل, [bold]x[/bold]") == "Mossoul é, الموصل, [bold]x[/bold]"


HOSTILE_CSV = (
    "claim_id,counts,place,as_of,low,value,high,unit,source,quote\n"
    "[bold]x[/bold],displaced,Mosul,2016-11,900,1000,1100,person,\x1b]0;pwned\x07IOM,said \u202e1000\n"
    "y,displaced,Mosul,2016-11,5000,5000,5000,person,[link=http://x]OCHA[/link]\x1b[2J,\u202eabout 5000\n"
    "z,displaced,Mosul,2016-11,5000,5000,5000,person,UNHCR,q\n"
)


@pytest.mark.parametrize("output_format", ["text", "json"])
def test_a_hostile_claims_file_is_shown_never_obeyed(tmp_path: Path, output_format: str) -> None:
    claims = tmp_path / "claims.csv"
    claims.write_text(HOSTILE_CSV, encoding="utf-8")
    run = runner.invoke(cli.app, ["check", str(claims), "-f", output_format])
    assert run.exit_code == cli.EXIT_CONFLICTS, run.stderr
    for character in OBEYED:
        assert character not in run.stdout and character not in run.stderr, repr(character)
    if output_format == "text":
        assert "[bold]x[/bold]" in run.stdout  # markup shown as written
        assert "[link=http://x]OCHA[/link]" in run.stdout
    else:
        report = json.loads(run.stdout)
        assert "[bold]x[/bold]" in {row["claim_id"] for row in report["claims"]}


def test_the_report_shows_hostile_text_the_reader_let_through() -> None:
    from reconcile.cli import output

    result = rc.reconcile(_claims_about())
    hostile = "[bold]x[/bold]\x1b]0;pwned\x07 \u202eIOM\u2066\x9b2J\u2028next"
    for table in (result.claims, result.conflicts, result.estimates):
        for column in ("claim_id", "message", "reason", "place", "unit", "counts"):
            if column in table and len(table):
                table[column] = hostile
    text = output.plain(lambda console: output.print_report(result, console, 100))
    for character in OBEYED:
        assert character not in text, repr(character)
    assert "[bold]x[/bold]�]0;pwned� �IOM��2J�next" in text
    report = output.as_json(result)
    assert not any(character in report for character in OBEYED)
    assert json.loads(report)["conflicts"][0]["claim_id"] == hostile  # the data kept exactly


def test_a_csv_report_on_a_terminal_is_shown_safely(monkeypatch: pytest.MonkeyPatch) -> None:
    from reconcile.cli import output

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    monkeypatch.setattr(sys, "stdout", screen)
    output.emit("claim_id,source\r\n[bold]x[/bold],\x1b[2J\u202eIOM\r\n")
    assert screen.getvalue() == "claim_id,source\n[bold]x[/bold],�[2J�IOM\n"


def test_notes_errors_and_progress_show_a_hostile_file_name_as_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "[bold]x\u202e\x1b[2J.csv"
    path.write_text(_bad_rows_csv(2))
    run = runner.invoke(cli.app, ["check", str(path)])
    assert run.exit_code == cli.EXIT_INVALID
    assert "[bold]x" in run.stderr.splitlines()[0]
    assert not any(character in run.stderr for character in OBEYED)
    console, screen = _terminal()
    monkeypatch.setattr(progress, "LARGE_FILE_BYTES", 0)
    path.write_text(AGREEING_CSV)
    inputs.read_claims(path, console, sheet=None, encoding="utf-8-sig")
    with progress.stage(console, f"Reading {path.name}"):
        pass
    assert not any(character in screen.getvalue() for character in ("\u202e", "\x1b[2J"))


def test_an_internal_error_prints_its_traceback_safely(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*arguments: object, **options: object) -> None:
        raise RuntimeError("\x1b]0;pwned\x07\u202e")

    monkeypatch.setattr(cli, "app", broken)
    stderr = io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    with pytest.raises(SystemExit) as stopped:
        cli.main()
    assert stopped.value.code == cli.EXIT_INTERNAL
    written = stderr.getvalue()
    assert "RuntimeError: �]0;pwned��" in written
    assert not any(character in written for character in OBEYED)


# -- --key: columns that cannot name a quantity -----------------------------------------------------


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("claim_id", "error: --key cannot name 'claim_id' (got 'claim_id'): a claim's id and figure"),
        ("counts,counts", "error: --key names 'counts' more than once (got 'counts,counts')"),
        (" counts , place,counts", "error: --key names 'counts' more than once"),
        ("counts,value", "error: --key cannot name 'value'"),
        (
            "counts,status",
            "error: --key cannot name 'status' (got 'counts,status'): the report fills that column",
        ),
        ("counts,conflict_id", "error: --key cannot name 'conflict_id'"),
    ],
)
def test_a_key_that_cannot_name_a_quantity_exits_2(key: str, message: str) -> None:
    run = runner.invoke(cli.app, ["check", str(MOSUL), "--key", key])
    assert run.exit_code == cli.EXIT_INVALID, run.stderr
    assert run.stdout == ""
    assert run.stderr.startswith(message)
    assert run.stderr.splitlines()[-1].startswith("hint: ")
    assert "Traceback" not in run.stderr
