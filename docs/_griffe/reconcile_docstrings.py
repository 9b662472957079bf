"""A griffe extension that lets the API reference render ``reconcile``'s docstrings as written.

The docstrings follow Google style with two habits that griffe reads differently:

- an ``Example:`` section: griffe knows ``Examples:`` as the section of ``>>>`` examples and
  reads the singular as an admonition, whose text would render as Markdown (``>>>`` becomes
  nested block quotes). It is read here as ``Examples:``;
- ``#:`` comments above a module constant (``POLICIES``, ``MAX_LENGTH``), the Sphinx way of
  documenting one: griffe reads only a string below it. They are read here as its docstring;
- Sphinx roles (``:func:`parse```, ``:class:`~reconcile.schemas.Claims```), which Markdown
  does not know. Each becomes a cross-reference to the object it names, resolved in the
  docstring's own scope as Python would; a name that does not resolve stays code.

Only the docs build loads this file (``mkdocs.yml``); the package does not depend on it.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import griffe

_EXAMPLE_SECTION = re.compile(r"^(?P<indent>[ \t]*)Example:[ \t]*$", re.MULTILINE)
_ROLE = re.compile(r":(?:class|func|meth|data|attr|mod|exc|obj):`(?P<tilde>~?)(?P<target>[\w.]+)`")


class ReconcileDocstrings(griffe.Extension):
    """Read ``Example:`` as the examples section and Sphinx roles as cross-references."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """Rewrite the docstrings of every object in the package once it is loaded (griffe 2)."""
        _read_docstrings(pkg)

    def on_package_loaded(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        """The same event under its griffe 1 name; reading twice changes nothing."""
        _read_docstrings(pkg)


def _read_docstrings(pkg: griffe.Module) -> None:
    for obj in _objects(pkg):
        if obj.docstring is None and obj.is_attribute:
            comment = _comment_above(obj)
            if comment:
                obj.docstring = griffe.Docstring(comment, lineno=obj.lineno, parent=obj)
        if obj.docstring is not None:
            obj.docstring.value = _rewrite(obj.docstring.value, obj)


def _objects(obj: griffe.Object) -> list[griffe.Object]:
    """The object and every object defined inside it (aliases are documented where they point)."""
    found = [obj]
    for member in obj.members.values():
        if not member.is_alias:
            found += _objects(member)  # type: ignore[arg-type]
    return found


@cache
def _lines(path: Path) -> tuple[str, ...]:
    return tuple(path.read_text(encoding="utf-8").splitlines())


def _comment_above(obj: griffe.Object) -> str:
    """The ``#:`` lines right above the object's first line, without their markers."""
    if not isinstance(obj.filepath, Path) or obj.lineno is None:
        return ""
    lines = _lines(obj.filepath)
    first = obj.lineno - 1  # lineno counts from 1
    start = first
    while start > 0 and lines[start - 1].lstrip().startswith("#:"):
        start -= 1
    return "\n".join(line.lstrip()[2:].strip() for line in lines[start:first])


def _rewrite(text: str, obj: griffe.Object) -> str:
    text = _EXAMPLE_SECTION.sub(r"\g<indent>Examples:", text)
    return _ROLE.sub(lambda match: _reference(match, obj), text)


def _reference(match: re.Match[str], obj: griffe.Object) -> str:
    target = match["target"]
    shown = target.rsplit(".", 1)[-1] if match["tilde"] else target
    if target.startswith("reconcile."):
        return f"[`{shown}`][{target}]"
    first, _, rest = target.partition(".")
    try:
        path = obj.resolve(first)
    except griffe.NameResolutionError:
        return f"`{shown}`"
    return f"[`{shown}`][{path}{'.' + rest if rest else ''}]"
