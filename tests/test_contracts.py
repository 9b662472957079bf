import functools
import importlib.util
import json
import math
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import given, settings

import reconcile as rc
from reconcile.strategies import claims

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tools" / "write_contracts.py"
# The script writes into the repository and is not part of the package: load it from its file.
_spec = importlib.util.spec_from_file_location("write_contracts", SCRIPT)
assert _spec is not None and _spec.loader is not None
contracts = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(contracts)
jsonschema = pytest.importorskip("jsonschema")


def test_the_written_contracts_match_the_models() -> None:
    differing = contracts.check(ROOT / "schemas")
    assert not differing, (
        "schemas/ is out of date with reconcile.schemas: run `python tools/write_contracts.py` "
        f"and commit the result ({', '.join(differing)})"
    )


def test_every_model_has_a_yaml_and_a_json_schema() -> None:
    files = contracts.contracts()
    for stem in contracts.models():
        assert f"{stem}.yaml" in files and f"{stem}.schema.json" in files
    assert {"claims", "estimates", "conflicts", "reconciled_claims"} <= set(contracts.models())


def test_a_model_added_to_the_module_gets_its_contract(monkeypatch: pytest.MonkeyPatch) -> None:
    class Notes(pa.DataFrameModel):
        """A note per claim."""

        note: pa.typing.Series[str] = pa.Field(str_matches=r"[a-z]+")

    monkeypatch.setattr(rc.schemas, "Notes", Notes, raising=False)
    monkeypatch.setattr(rc.schemas, "__all__", [*rc.schemas.__all__, "Notes"])
    record = json.loads(contracts.contracts()["notes.schema.json"])
    assert record["properties"]["note"] == {"type": "string", "pattern": "^[a-z]+"}


def test_check_names_changed_missing_and_stale_files(tmp_path: Path) -> None:
    contracts.write(tmp_path)
    (tmp_path / "claims.yaml").write_text("changed\n")
    (tmp_path / "estimates.schema.json").unlink()
    (tmp_path / "gone.yaml").write_text("a model that was removed\n")
    assert contracts.check(tmp_path) == [
        "claims.yaml (differs from its model)",
        "estimates.schema.json (missing)",
        "gone.yaml (no model has it)",
    ]
    contracts.write(tmp_path)
    assert contracts.check(tmp_path) == []
    assert not (tmp_path / "gone.yaml").exists()


def test_the_command_checks_and_says_how_to_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run = [sys.executable, str(SCRIPT), "--check", "--folder", str(tmp_path)]
    stale = subprocess.run(run, capture_output=True, text=True, check=False)
    assert stale.returncode == 1
    assert "run `python tools/write_contracts.py`" in stale.stdout
    assert contracts.main(["--folder", str(tmp_path)]) == 0
    assert contracts.main(["--check", "--folder", str(tmp_path)]) == 0
    assert "match reconcile.schemas" in capsys.readouterr().out


def test_pandera_reads_the_yaml_back_with_the_same_columns() -> None:
    for stem, model in contracts.models().items():
        text = (ROOT / "schemas" / f"{stem}.yaml").read_text()
        back = pa.DataFrameSchema.from_yaml(text)
        schema = model.to_schema()
        assert list(back.columns) == list(schema.columns), stem
        for name, column in schema.columns.items():
            assert str(back.columns[name].dtype) == str(column.dtype), (stem, name)
            assert back.columns[name].nullable == column.nullable, (stem, name)
            assert back.columns[name].required == column.required, (stem, name)


def test_the_yaml_names_the_checks_it_cannot_hold() -> None:
    text = contracts.yaml_contract(rc.schemas.Claims)
    assert "#   unit: known unit" in text
    assert "#   (each row): low <= value <= high" in text


@functools.cache
def _schema(stem: str) -> Any:
    document = json.loads((ROOT / "schemas" / f"{stem}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(document)
    return jsonschema.Draft202012Validator(document)


# Writing a file costs about 0.1 s; the thorough profile runs the full count.
FILE_EXAMPLES = settings().max_examples if os.environ.get("HYPOTHESIS_PROFILE") == "thorough" else 25


@settings(max_examples=FILE_EXAMPLES)
@given(claims(integers=False, weights=True))
def test_claims_written_to_json_satisfy_the_json_schema(table: pd.DataFrame) -> None:
    validator = _schema("claims")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.json"
        rc.write_claims(table, path)
        records = json.loads(path.read_text())
    assert len(records) == len(table)
    for record in records:
        assert not list(validator.iter_errors(record)), record


def test_the_json_schema_refuses_what_the_model_refuses() -> None:
    validator = _schema("claims")
    good = {
        "claim_id": "a",
        "counts": "x",
        "place": None,
        "as_of": None,
        "low": 1,
        "value": 2,
        "high": "inf",
        "unit": "person",
        "source": "IOM",
        "weight": 2,
    }
    assert validator.is_valid(good)
    for change in ({"high": "-inf"}, {"value": "inf"}, {"weight": 0}, {"claim_id": None}, {"low": "abc"}):
        assert not validator.is_valid({**good, **change}), change
    assert not validator.is_valid({key: value for key, value in good.items() if key != "unit"})


def test_result_tables_satisfy_their_json_schemas(tmp_path: Path) -> None:
    table = rc.to_claims(
        [
            rc.Figure.about(5000, counts="militants", source="U.S. officials"),
            rc.Figure.at_least(7000, counts="militants", source="Islamic State backers"),
        ]
    ).assign(place="Mosul", as_of="2016-10-17")
    result = rc.reconcile(table)
    result.write(tmp_path, format="json")
    for stem, name in (
        ("estimates", "estimates"),
        ("conflicts", "conflicts"),
        ("reconciled_claims", "claims"),
    ):
        validator = _schema(stem)
        for record in json.loads((tmp_path / f"{name}.json").read_text()):
            assert not list(validator.iter_errors(record)), (stem, record)


def test_open_ends_follow_the_models_own_checks() -> None:
    record = contracts.json_schema(rc.schemas.Claims)["properties"]
    assert record["low"]["anyOf"][1] == {"enum": ["-inf"]}
    assert record["value"] == {"type": "number", "x-checks": ["value is finite"]}
    assert not math.isinf(record["weight"]["anyOf"][0]["exclusiveMinimum"])
