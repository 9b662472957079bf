"""The Mosul notebook is the tutorial page's code, with its outputs stripped.

``examples/mosul_2016.ipynb`` is built from ``docs/tutorial.md``, so the two cannot drift
apart: each stretch of prose becomes a markdown cell, and each example block becomes code
cells (the examples without their prompts and printed output), a cell ending where an example
shows a result. An example that shows an error gets a cell of its own, tagged
``raises-exception``. The tests here check that the committed notebook is that build; CI runs
the notebook itself with ``pytest --nbmake examples/mosul_2016.ipynb`` (the docs extra).

After editing the tutorial, rebuild the notebook (nbformat, from the docs extra, checks and
writes it)::

    python tests/test_notebook.py
"""

from __future__ import annotations

import doctest
import importlib
import json
import re
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"
NOTEBOOK = ROOT / "examples" / "mosul_2016.ipynb"

FENCE = re.compile(r"^```(?P<language>\w*)\n(?P<body>.*?)^```[ \t]*$\n?", re.MULTILINE | re.DOTALL)
LINK = re.compile(r"\[(?P<text>[^\]]+)\]\((?P<target>[^)\s]+)\)")
ADMONITION = re.compile(r'^!!! \w+ "(?P<title>[^"]+)"\n(?P<body>(?:(?: {4}.*)?\n)+)', re.MULTILINE)
RAISES = "raises-exception"
IMPORT = re.compile(r"(import|from) \w")
GENERATED = (
    "*Built from `docs/tutorial.md` by `tests/test_notebook.py`: edit the page, then rebuild with"
    " `python tests/test_notebook.py`.*"
)


def prose(markdown: str) -> str:
    """Tutorial prose as a notebook shows it: links to other pages as plain text, notes quoted."""
    markdown = LINK.sub(lambda link: link["text"], markdown)

    def quoted(note: re.Match[str]) -> str:
        lines = [line.removeprefix("    ") for line in note["body"].strip("\n").splitlines()]
        return "> **" + note["title"] + ".** " + "\n> ".join(lines) + "\n\n"

    return ADMONITION.sub(quoted, markdown + "\n").strip()


def code_cells(block: str) -> list[tuple[str, bool]]:
    """A block's examples as cells: (source, raises); a cell ends after an example with output."""
    cells: list[tuple[str, bool]] = []
    pending = ""
    for example in doctest.DocTestParser().get_examples(block):
        if example.exc_msg is not None:
            if pending:
                cells.append((pending, False))
            cells.append((example.source, True))
            pending = ""
            continue
        last_line = pending.splitlines()[-1] if pending else ""
        if IMPORT.match(last_line) and not IMPORT.match(example.source):
            pending += "\n"  # a blank line after the imports, as ruff lays out a cell
        pending += example.source
        if example.want:
            cells.append((pending, False))
            pending = ""
    if pending:
        cells.append((pending, False))
    return cells


def notebook_from_tutorial(markdown: str) -> dict[str, Any]:
    """The notebook (nbformat 4.5, as a dict) with the tutorial's prose and code, no outputs."""
    cells: list[dict[str, Any]] = [{"cell_type": "markdown", "metadata": {}, "source": GENERATED}]

    def add_markdown(text: str) -> None:
        if text.strip():
            cells.append({"cell_type": "markdown", "metadata": {}, "source": prose(text)})

    position = 0
    for fence in FENCE.finditer(markdown):
        if ">>>" not in fence["body"]:
            continue  # a block that is not Python examples (a shell command) stays prose
        add_markdown(markdown[position : fence.start()])
        for source, raises in code_cells(fence["body"]):
            cells.append(
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {"tags": [RAISES]} if raises else {},
                    "outputs": [],
                    "source": source.rstrip("\n"),
                }
            )
        position = fence.end()
    add_markdown(markdown[position:])
    for number, cell in enumerate(cells, start=1):
        cell["id"] = f"cell-{number:02d}"
    return {
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def comparable(notebook: dict[str, Any]) -> dict[str, Any]:
    """The notebook with each cell's source as one string (a file stores it as a list of lines)."""
    cells = [
        {**cell, "source": "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]}
        for cell in notebook["cells"]
    ]
    return {**notebook, "cells": cells}


def committed() -> dict[str, Any]:
    notebook: dict[str, Any] = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    return notebook


def test_the_notebook_is_the_tutorials_code_and_prose() -> None:
    built = notebook_from_tutorial(TUTORIAL.read_text(encoding="utf-8"))
    assert comparable(committed()) == comparable(built), (
        "examples/mosul_2016.ipynb is out of step with docs/tutorial.md: run python tests/test_notebook.py"
    )


def test_the_committed_notebook_has_no_outputs() -> None:
    for cell in committed()["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], cell["id"]
            assert cell["execution_count"] is None, cell["id"]


def test_every_example_notebook_is_committed_without_outputs() -> None:
    for path in sorted(NOTEBOOK.parent.glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code":
                assert cell["outputs"] == [] and cell["execution_count"] is None, (path.name, cell["id"])


def test_every_example_of_the_tutorial_is_in_a_code_cell() -> None:
    examples = doctest.DocTestParser().get_examples(TUTORIAL.read_text(encoding="utf-8"))
    code = "\n".join("".join(cell["source"]) for cell in committed()["cells"] if cell["cell_type"] == "code")
    lines = "".join(example.source for example in examples).splitlines()
    assert [line for line in code.splitlines() if line] == [line for line in lines if line]


def write_notebook() -> None:
    """Build the notebook from the tutorial, check it against the nbformat schema, and write it."""
    nbformat = importlib.import_module("nbformat")  # the docs extra; the tests above need only json
    notebook = nbformat.from_dict(notebook_from_tutorial(TUTORIAL.read_text(encoding="utf-8")))
    nbformat.validate(notebook)
    nbformat.write(notebook, str(NOTEBOOK))


if __name__ == "__main__":
    write_notebook()
    print(f"wrote {NOTEBOOK.relative_to(ROOT)} from {TUTORIAL.relative_to(ROOT)}")
