"""Checks of the book as a whole: every chapter listed, executed top to bottom, set up the same way;
every helper module tested. nbval re-runs the notebooks; these tests check what nbval cannot see."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((REPO / "chapters").glob("*.ipynb"))
TOC = (REPO / "_toc.yml").read_text(encoding="utf-8")


def code_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_there_are_chapters():
    assert CHAPTERS, "chapters/ holds no notebook"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_is_named_and_listed_in_the_toc(path):
    assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", path.name)
    assert f"chapters/{path.stem}" in TOC


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_outputs_come_from_one_top_to_bottom_run(path):
    counts = [c["execution_count"] for c in code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), "run `make execute`"
    outputs = json.dumps([c["outputs"] for c in code_cells(path)])
    assert '"output_type": "error"' not in outputs
    assert '"name": "stderr"' not in outputs, "a cell wrote to stderr (TF log noise or a warning)"
    assert not re.search(r"/(root|home|tmp|work|Users)/", outputs), "a machine path is stored in an output"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_starts_with_the_shared_setup_call(path):
    first = "".join(code_cells(path)[0]["source"])
    assert "lstm_helpers.setup(seed=" in first


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_checks_some_outputs_and_asserts_claims(path):
    sources = ["".join(c["source"]) for c in code_cells(path)]
    assert any("# NBVAL_CHECK_OUTPUT" in s for s in sources)
    assert any(re.search(r"^\s*assert ", s, re.M) for s in sources)


def test_every_helper_module_has_a_test_module():
    modules = [p.stem for p in (REPO / "lstm_helpers").glob("*.py") if not p.stem.startswith("_")]
    missing = [m for m in modules if not (REPO / "tests" / f"test_{m}.py").exists()]
    assert not missing, f"no tests/test_<module>.py for {missing}"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_chapter_code_fits_the_book_column(path):
    """The HTML column (see _static/book.css) shows 100 characters of code without scrolling."""
    long = [line for cell in code_cells(path) for line in "".join(cell["source"]).splitlines() if len(line) > 100]
    assert not long, f"{len(long)} code lines over 100 characters, e.g. {long[0]!r}"
