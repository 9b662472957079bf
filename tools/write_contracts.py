"""Written contracts: every table model of :mod:`reconcile.schemas` as YAML and as JSON Schema.

A pipeline that does not run Python can still hold a table to its contract: ``schemas/``
at the repository's root has, for each model, ``<table>.yaml`` (pandera's own
serialisation, which ``pandera.io.from_yaml`` reads back) and ``<table>.schema.json`` (a
JSON Schema of one record as :func:`reconcile.write_claims` writes it to JSON, open ends as
the strings ``"inf"`` and ``"-inf"``). Both are derived from the models, never written by
hand; a model added to ``reconcile.schemas.__all__`` gets its files on the next run.

Checks written in Python (``known unit``, ``low <= value <= high``) cannot be expressed in
either format: they are listed by name (in a YAML comment, and under ``x-checks`` and
``x-row-checks`` in JSON Schema), and only the model itself runs them.

Run ``python tools/write_contracts.py`` from the project root to rewrite the files, and
``python tools/write_contracts.py --check`` to exit with status 1 when any differs from its
model. The script writes into the repository, so it lives beside the package, not in it.

Examples:
    >>> from reconcile.schemas import Estimates
    >>> record = json_schema(Estimates)
    >>> record["required"][:4], record["properties"]["status"]["enum"]
    (['low', 'value', 'high', 'unit'], ['single', 'agreed', 'conflict', 'revised', 'unresolved'])
    >>> "claims.yaml" in contracts() and "claims.schema.json" in contracts()
    True

"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pandera.pandas as pa

from reconcile import schemas
from reconcile.errors import MissingDependencyError

__all__ = ["SCHEMAS_FOLDER", "check", "contracts", "json_schema", "main", "models", "write", "yaml_contract"]

#: Where the contracts live: ``schemas/`` beside this script's folder.
SCHEMAS_FOLDER = Path(__file__).resolve().parent.parent / "schemas"
_JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
_REGENERATE = "python tools/write_contracts.py"


def models() -> dict[str, type[pa.DataFrameModel]]:
    """The table models of :mod:`reconcile.schemas`, by file stem (``reconciled_claims`` and so on).

    Examples:
        >>> models()["reconciled_claims"].__name__
        'ReconciledClaims'

    """
    found = {}
    for name in schemas.__all__:
        member = getattr(schemas, name)
        if isinstance(member, type) and issubclass(member, pa.DataFrameModel):
            found[re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()] = member
    return dict(sorted(found.items()))


def _schema(model: type[pa.DataFrameModel]) -> pa.DataFrameSchema:
    return model.to_schema()


def _written_in_python(check: pa.Check) -> bool:
    """A check pandera cannot serialise: one defined in our code, not one of pandera's own."""
    return not hasattr(pa.Check, str(check.name))


def yaml_contract(model: type[pa.DataFrameModel]) -> str:
    r"""The model as YAML: pandera's ``to_yaml()``, below a comment naming the checks it cannot write.

    Examples:
        >>> from reconcile.schemas import Claims
        >>> text = yaml_contract(Claims)
        >>> print(text.splitlines()[0])
        # The contract of reconcile.schemas.Claims, written by `python tools/write_contracts.py`.
        >>> "#   unit: known unit" in text and "  low:\n    dtype: float64\n    less_than: .inf" in text
        True

    """
    schema = _schema(model)
    try:
        with warnings.catch_warnings():
            # pandera warns for each check it skips; the comment below lists them instead.
            warnings.simplefilter("ignore", UserWarning)
            body = schema.to_yaml()
    except ImportError as exc:
        raise MissingDependencyError(
            f"writing YAML contracts needs PyYAML ({exc})", hint="pip install pyyaml", package="pyyaml"
        ) from exc
    lines = [
        f"# The contract of reconcile.schemas.{model.__name__}, written by `{_REGENERATE}`.",
        "# Do not edit: change the model and run that command again.",
    ]
    in_python = [
        f"#   {column}: {check.name}"
        for column, spec in schema.columns.items()
        for check in spec.checks
        if _written_in_python(check)
    ] + [f"#   (each row): {check.name}" for check in schema.checks if _written_in_python(check)]
    if in_python:
        lines += ["# Checks run by the model that this file cannot express:", *in_python]
    return "\n".join(lines) + "\n" + str(body)


def _json_type(column: pa.Column) -> str:
    dtype = column.dtype.type
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "number"
    return "string"


_BOUNDS = {
    "greater_than": ("exclusiveMinimum", "min_value"),
    "greater_than_or_equal_to": ("minimum", "min_value"),
    "less_than": ("exclusiveMaximum", "max_value"),
    "less_than_or_equal_to": ("maximum", "max_value"),
}


def _keywords(check: pa.Check) -> dict[str, Any] | None:
    """JSON Schema keywords saying what one of pandera's own checks says, or None if none can."""
    stats = check.statistics or {}
    if check.name in _BOUNDS:
        keyword, stat = _BOUNDS[str(check.name)]
        bound = float(stats[stat])
        return {} if math.isinf(bound) else {keyword: stats[stat]}
    if check.name == "in_range":
        low, high = stats["min_value"], stats["max_value"]
        return {
            ("minimum" if stats.get("include_min", True) else "exclusiveMinimum"): low,
            ("maximum" if stats.get("include_max", True) else "exclusiveMaximum"): high,
        }
    if check.name == "isin":
        return {"enum": list(stats["allowed_values"])}
    if check.name == "notin":
        return {"not": {"enum": list(stats["forbidden_values"])}}
    if check.name == "equal_to":
        return {"const": stats["value"]}
    if check.name == "str_matches":
        return {"pattern": "^" + str(stats["pattern"])}
    if check.name == "str_length":
        return {
            key: stats[stat]
            for key, stat in (("minLength", "min_value"), ("maxLength", "max_value"))
            if stats.get(stat) is not None
        }
    return None


def _open_ends(column: pa.Column) -> list[str]:
    """The infinities a number column accepts, found by running its own checks on them."""
    probe = pd.Series([math.inf, -math.inf], dtype=float)
    allowed = pd.Series(True, index=probe.index)
    for check in column.checks:
        outcome = check(probe).check_output
        allowed &= pd.Series(outcome, index=probe.index).astype(bool)
    return [text for text, ok in zip(("inf", "-inf"), allowed, strict=True) if ok]


def _property(column: pa.Column) -> dict[str, Any]:
    kind = _json_type(column)
    keywords: dict[str, Any] = {"type": kind}
    in_python = []
    for check in column.checks:
        said = _keywords(check)
        if said is None:
            in_python.append(str(check.name))
        else:
            keywords.update(said)
    branches = [keywords]
    if kind == "number" and (ends := _open_ends(column)):
        branches.append({"enum": ends})  # JSON has no infinity: an open end is written as text
    if column.nullable:
        branches.append({"type": "null"})
    spec: dict[str, Any] = branches[0] if len(branches) == 1 else {"anyOf": branches}
    if column.unique:
        spec["x-unique"] = True  # across the table: no schema of one record can say it
    if in_python:
        spec["x-checks"] = in_python
    return spec


def json_schema(model: type[pa.DataFrameModel]) -> dict[str, Any]:
    """A JSON Schema of one record of the model's table, derived from its columns and checks.

    Column dtypes give the types; pandera's own checks (bounds, ``isin``, ``str_matches``
    ...) become keywords; nullable columns accept ``null``; a number column accepts the
    strings ``"inf"`` and ``"-inf"`` where its checks accept the infinities. Checks written
    in Python are named under ``x-checks`` (per column) and ``x-row-checks``.

    Examples:
        >>> from reconcile.schemas import Claims
        >>> record = json_schema(Claims)
        >>> record["properties"]["high"]
        {'anyOf': [{'type': 'number'}, {'enum': ['inf']}]}
        >>> record["properties"]["weight"]
        {'anyOf': [{'type': 'number', 'exclusiveMinimum': 0}, {'type': 'null'}]}

    """
    schema = _schema(model)
    document: dict[str, Any] = {
        "$schema": _JSON_SCHEMA_DIALECT,
        "$comment": f"Written by `{_REGENERATE}` from reconcile.schemas.{model.__name__}; do not edit.",
        "title": model.__name__,
        "description": inspect.cleandoc(model.__doc__ or ""),
        "type": "object",
        "properties": {str(name): _property(column) for name, column in schema.columns.items()},
        "required": [str(name) for name, column in schema.columns.items() if column.required],
        "additionalProperties": not schema.strict,
    }
    row_checks = [str(check.name) for check in schema.checks]
    if row_checks:
        document["x-row-checks"] = row_checks
    return document


def contracts() -> dict[str, str]:
    r"""Every contract file's name and text, as :func:`write` would write them.

    Examples:
        >>> files = contracts()
        >>> files["estimates.schema.json"].startswith('{\n  "$schema"')
        True

    """
    files = {}
    for stem, model in models().items():
        files[f"{stem}.yaml"] = yaml_contract(model)
        files[f"{stem}.schema.json"] = json.dumps(json_schema(model), indent=2, ensure_ascii=False) + "\n"
    return files


def write(folder: str | Path = SCHEMAS_FOLDER) -> list[Path]:
    """Write every contract into ``folder`` and remove contracts of models that are gone.

    Returns:
        The paths written.

    Examples:
        >>> import tempfile
        >>> "claims.yaml" in [path.name for path in write(tempfile.mkdtemp())]
        True

    """
    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    files = contracts()
    for stale in _contract_files(target) - set(files):
        (target / stale).unlink()
    written = []
    for name, text in sorted(files.items()):
        path = target / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _contract_files(folder: Path) -> set[str]:
    return {path.name for pattern in ("*.yaml", "*.schema.json") for path in folder.glob(pattern)}


def check(folder: str | Path = SCHEMAS_FOLDER) -> list[str]:
    """The contract files in ``folder`` that differ from the models: changed, missing or stale.

    Examples:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> "claims.schema.json (missing)" in check(folder)
        True
        >>> _ = write(folder)
        >>> check(folder)
        []

    """
    target = Path(folder)
    files = contracts()
    differing = []
    for name, text in sorted(files.items()):
        path = target / name
        if not path.exists():
            differing.append(f"{name} (missing)")
        elif path.read_text(encoding="utf-8") != text:
            differing.append(f"{name} (differs from its model)")
    differing += [f"{name} (no model has it)" for name in sorted(_contract_files(target) - set(files))]
    return differing


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite the contracts, or with ``--check`` report those that differ (exit status 1).

    Examples:
        >>> import tempfile
        >>> folder = tempfile.mkdtemp()
        >>> _ = write(folder)
        >>> main(["--check", "--folder", folder])
        the contracts in ... match reconcile.schemas
        0

    """
    parser = argparse.ArgumentParser(
        prog="python tools/write_contracts.py",
        description="Write each table model of reconcile.schemas as YAML and JSON Schema.",
    )
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when a file differs")
    parser.add_argument("--folder", type=Path, default=SCHEMAS_FOLDER, help="where the contracts live")
    options = parser.parse_args(argv)
    if options.check:
        differing = check(options.folder)
        if differing:
            print(f"{len(differing)} contract files differ from reconcile.schemas:")
            print("\n".join(f"  {line}" for line in differing))
            print(f"run `{_REGENERATE}` to rewrite them")
            return 1
        print(f"the contracts in {options.folder} match reconcile.schemas")
        return 0
    for path in write(options.folder):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
