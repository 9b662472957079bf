import runpy
import subprocess
import sys
import typing
from pathlib import Path

import pandas as pd
import pytest

import reconcile as rc

ROOT = Path(__file__).resolve().parent.parent


def test_all_is_sorted_and_every_name_exists() -> None:
    # Constants, then classes, then functions and modules, each alphabetical (as ruff sorts them).
    assert rc.__all__ == sorted(
        rc.__all__, key=lambda name: (not name.isupper(), not name[0].isupper(), name)
    )
    for name in rc.__all__:
        assert hasattr(rc, name), name


def test_every_public_callable_has_a_docstring_with_an_example() -> None:
    for name in rc.__all__:
        member = getattr(rc, name)
        if typing.get_origin(member) is not None:  # a type such as rc.Policy, documented where it is made
            continue
        if (callable(member) and not isinstance(member, type)) or name in {"Figure", "Comparison", "Source"}:
            assert member.__doc__ and ">>>" in member.__doc__, name


def test_default_key_and_as_of_are_exported() -> None:
    from reconcile import DEFAULT_KEY, AsOf

    assert {"DEFAULT_KEY", "AsOf"} <= set(rc.__all__)
    assert DEFAULT_KEY == ("counts", "place", "as_of")
    assert rc.Figure.exact(1, as_of="2016-10").as_of == pd.Period("2016-10", freq="M")
    assert str in typing.get_args(AsOf) and pd.Period in typing.get_args(AsOf)


def test_policy_is_a_literal_of_the_policies_and_types_every_policy_argument() -> None:
    assert typing.get_origin(rc.Policy) is typing.Literal
    assert typing.get_args(rc.Policy) == tuple(rc.POLICIES)
    for function in (rc.reconcile, rc.adjust):
        assert typing.get_type_hints(function)["policy"] == rc.Policy, function.__name__


@pytest.mark.parametrize("as_path", [str, Path], ids=["str", "Path"])
def test_reconcile_reads_a_path_as_read_claims_does(as_path: type, tmp_path: Path) -> None:
    us = rc.Figure.about(5000, counts="militants", source="U.S. officials")
    claims = rc.to_claims([us, rc.Figure.at_least(7000, counts="militants", source="Islamic State backers")])
    rc.write_claims(claims, tmp_path / "claims.csv")
    from_path = rc.reconcile(as_path(tmp_path / "claims.csv"), key=("counts",))
    from_table = rc.reconcile(rc.read_claims(tmp_path / "claims.csv"), key=("counts",))
    pd.testing.assert_frame_equal(from_path.estimates, from_table.estimates)
    pd.testing.assert_frame_equal(from_path.claims, from_table.claims)


def test_reconcile_refuses_what_is_neither_a_path_nor_a_table() -> None:
    with pytest.raises(rc.ArgumentError, match="must be a path or a DataFrame") as caught:
        rc.reconcile(b"claims.csv")  # type: ignore[call-overload]
    assert caught.value.hint


def test_package_ships_type_information() -> None:
    assert (Path(rc.__file__).parent / "py.typed").exists()


def test_mosul_example_reports_the_contradiction_and_the_totals() -> None:
    report = runpy.run_path(str(ROOT / "examples" / "mosul_2016.py"))["report"]()
    assert "the two estimates contradict" in report
    assert "1,500 militants apart" in report
    assert "8,600 troops/foreign (7,920–9,280)" in report
    assert "3,900–4,900" in report
    assert "1,636,363–2,444,445" in report


def test_mosul_example_reconciles_its_claims_table() -> None:
    example = runpy.run_path(str(ROOT / "examples" / "mosul_2016.py"))
    report = example["table_report"]()
    # The two militant estimates are one voice each and share no point: a tie no weight
    # breaks, so the quantity is unresolved, its range spans both claims, one conflict
    # names both, and neither is set aside.
    militants = next(line.split() for line in report.splitlines() if line.split()[:1] == ["militants"])
    assert militants == ["militants", "Mosul", "4500.0", "5000.0", "inf", "2", "2", "unresolved"]
    assert "C1 (militants-backers, militants-us): " in report
    assert "C2" not in report
    assert report.count("none outweighs the others") == 1
    assert report.count("single") == 5
    assert report.count("unresolved") == 1
    assert "conflict" not in report.split("C1 (")[0]  # no estimate's status is conflict
    assert "troops/foreign in Iraq 7,920 to 9,280 (sound), 8,060 to 9,123 (90%" in report
    # A weight settles the tie: the same claims file then sets the backers' claim aside.
    weighed = rc.reconcile(rc.read_claims(example["CLAIMS"]), weights={"U.S. officials": 2})
    militants = weighed.estimates.iloc[0]
    assert [militants["low"], militants["high"], militants["status"]] == [4500.0, 5500.0, "conflict"]
    fates = weighed.claims.set_index("claim_id")
    us = fates.loc[["militants-us"]]
    assert us["kept"].all() and us["conflict_id"].isna().all()
    assert not fates.loc["militants-backers", "kept"]
    assert fates.loc["militants-backers", "conflict_id"] == "C1"


def test_mosul_example_runs_as_a_script() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "mosul_2016.py")], capture_output=True, text=True, check=True
    )
    assert done.stdout.startswith("Mosul, 17 October 2016")


def test_import_loads_no_optional_or_heavy_package() -> None:
    # pint itself imports the top-level scipy package to see whether it is there; the parts of
    # scipy that relations solve with, and every optional extra, must wait until they are used.
    probe = """
import sys
import pint
before = set(sys.modules)
import reconcile
loaded = {name.split(".")[0] if not name.startswith("scipy.") else name for name in set(sys.modules) - before}
print(" ".join(sorted(loaded)))
"""
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(done.stdout.split())
    unwanted = {"hypothesis", "matplotlib", "hxl", "openpyxl", "typer", "rich"}
    assert not loaded & unwanted
    assert not {name for name in loaded if name.startswith("scipy.")}


def test_strategies_load_on_first_use() -> None:
    probe = (
        "import sys, reconcile as rc; assert 'hypothesis' not in sys.modules; "
        "rc.strategies.figures(); print('ok')"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr
