"""The package's shape: one direction of flow, private names kept private, modules of a readable size."""

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("module_map", ROOT / "tools" / "module_map.py")
assert _spec is not None and _spec.loader is not None
module_map = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = module_map  # its dataclasses look their module up while they are made
_spec.loader.exec_module(module_map)
MODULES = module_map.read(ROOT)


def test_no_module_reaches_itself_through_its_imports() -> None:
    # Imports inside functions and imports for types count too.
    assert module_map.circles(MODULES) == []


def test_no_module_takes_another_modules_private_names() -> None:
    taken = [(name, *pair) for name, module in MODULES.items() for pair in module.private]
    assert taken == []


def test_no_module_is_over_700_lines() -> None:
    assert {name: m.lines for name, m in MODULES.items() if m.lines > module_map.LONGEST} == {}


def test_presentation_does_not_import_the_values_it_shows() -> None:
    values = {"reconcile.figure", "reconcile.comparison", "reconcile.pipeline", "reconcile.consensus"}
    assert not set(MODULES["reconcile.display"].imports) & values


def test_only_the_layers_above_the_pipeline_import_it() -> None:
    above = {"reconcile", "reconcile.plot"} | {name for name in MODULES if name.startswith("reconcile.cli")}
    importers = {name for name, module in MODULES.items() if "reconcile.pipeline" in module.imports}
    assert importers <= above


def test_the_map_sees_a_circle_and_a_private_name_when_there_is_one(tmp_path: Path) -> None:
    package = tmp_path / "reconcile"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from reconcile.b import _hidden\n")
    only_for_types = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from reconcile import a\n"
    (package / "b.py").write_text(only_for_types)
    modules = module_map.read(tmp_path)
    assert module_map.circles(modules) == [["reconcile.a", "reconcile.b"]]
    assert modules["reconcile.a"].private == [("reconcile.b", "_hidden")]
