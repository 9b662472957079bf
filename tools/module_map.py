"""The package's modules, their sizes and the package modules each imports, read from the source.

Run with ``python tools/module_map.py`` from the project root. Every ``import`` counts,
inside functions too, and imports under ``if TYPE_CHECKING:``, marked ``(types)``: a
module that names another's classes in its types depends on them all the same. It then
lists import circles (modules that reach themselves again through their imports) and
private names (``_name``) that one module takes from another, by import or as
``module._name``.

``tests/test_structure.py`` holds the package to what this reports: no circle, no private
name taken across modules, no module over 700 lines.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = "reconcile"
LONGEST = 700


@dataclass
class Module:
    """One module of the package: its lines, and what it takes from the package's modules."""

    name: str
    lines: int
    imports: dict[str, bool] = field(default_factory=dict)  # module -> only for type checking
    private: list[tuple[str, str]] = field(default_factory=list)  # (module, name) taken


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _type_checking_only(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, known: set[str]) -> list[tuple[str, str | None, bool]]:
    """(module, name or None, for types only) for every import of a package module in ``tree``."""
    found: list[tuple[str, str | None, bool]] = []

    def visit(node: ast.AST, types_only: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _type_checking_only(child):
                for inner in child.body:
                    visit_one(inner, True)
                for inner in child.orelse:
                    visit_one(inner, types_only)
                continue
            visit_one(child, types_only)

    def visit_one(node: ast.AST, types_only: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend((alias.name, None, types_only) for alias in node.names if alias.name in known)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in known:
                    found.append((submodule, None, types_only))
                elif node.module in known:
                    found.append((node.module, alias.name, types_only))
        visit(node, types_only)

    visit(tree, False)
    return found


def _private_attributes(tree: ast.AST, aliases: dict[str, str]) -> list[tuple[str, str]]:
    """(module, name) for each ``alias._name`` where ``alias`` names a package module."""
    return [
        (aliases[node.value.id], node.attr)
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in aliases
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]


def _module_aliases(tree: ast.AST, known: set[str]) -> dict[str, str]:
    """Local names bound to package modules: ``from reconcile import _propagate as prop``."""
    aliases = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                if f"{node.module}.{alias.name}" in known:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in known and alias.asname:
                    aliases[alias.asname] = alias.name
    return aliases


def read(root: Path) -> dict[str, Module]:
    """Every module under ``root/PACKAGE`` with what it imports from the package."""
    paths = sorted((root / PACKAGE).rglob("*.py"))
    names = {_module_name(path, root): path for path in paths}
    modules = {}
    for name, path in names.items():
        text = path.read_text(encoding="utf-8")
        module = Module(name, text.count("\n"))
        tree = ast.parse(text)
        module.private.extend(_private_attributes(tree, _module_aliases(tree, set(names))))
        for target, imported, types_only in _imports(tree, set(names)):
            if target == name or (target == PACKAGE and name != PACKAGE and imported is None):
                continue
            module.imports[target] = module.imports.get(target, True) and types_only
            if imported is not None and imported.startswith("_") and not imported.startswith("__"):
                module.private.append((target, imported))
        modules[name] = module
    return modules


def circles(modules: dict[str, Module]) -> list[list[str]]:
    """The strongly connected groups of two or more modules, counting imports for types too."""
    order: list[str] = []
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(name: str) -> None:  # Tarjan's algorithm; the package is small enough to recurse
        index[name] = low[name] = len(order)
        order.append(name)
        stack.append(name)
        for target in modules[name].imports:
            if target not in modules or target == PACKAGE:
                continue
            if target not in index:
                connect(target)
                low[name] = min(low[name], low[target])
            elif target in stack:
                low[name] = min(low[name], index[target])
        if low[name] == index[name]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == name:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for name in modules:
        if name not in index:
            connect(name)
    return groups


def main() -> int:
    """Print the map of the package this file sits beside."""
    root = Path(__file__).resolve().parent.parent
    modules = read(root)
    width = max(len(name) for name in modules)
    print(f"{'module':<{width}}  lines  imports from the package")
    for name, module in sorted(modules.items()):
        taken = ", ".join(
            f"{target.removeprefix(PACKAGE + '.')}{' (types)' if types_only else ''}"
            for target, types_only in sorted(module.imports.items())
        )
        print(f"{name:<{width}}  {module.lines:5d}  {taken}")
    found = circles(modules)
    print(f"\n{len(found)} import circle(s)")
    for group in found:
        print("  " + " <-> ".join(group))
    private = list(dict.fromkeys((name, *taken) for name, m in modules.items() for taken in m.private))
    print(f"{len(private)} private name(s) taken across modules")
    for name, target, taken in private:
        print(f"  {name} takes {target}.{taken}")
    long = [name for name, module in modules.items() if module.lines > LONGEST]
    print(f"{len(long)} module(s) over {LONGEST} lines: {', '.join(long)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
