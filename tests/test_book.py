"""Checks of the book as a whole: every chapter listed, executed top to bottom, set up the same way;
every helper module tested. nbval re-runs the notebooks; these tests check what nbval cannot see."""

from __future__ import annotations

import json
import os
import re
import sys
import types
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((REPO / "chapters").glob("*.ipynb"))
TOC = (REPO / "_toc.yml").read_text(encoding="utf-8")
REPOSITORY_URL = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"]


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
def test_chapter_starts_with_the_colab_cell_then_the_shared_setup_call(path):
    colab, setup = code_cells(path)[:2]
    assert "".join(colab["source"]) == "".join(code_cells(CHAPTERS[0])[0]["source"]), "one Colab cell for all"
    assert colab["metadata"].get("tags") == ["remove-cell"], "the Colab cell is hidden in the HTML"
    assert "lstm_helpers.setup(seed=" in "".join(setup["source"])


def colab_cell_source() -> str:
    return "".join(code_cells(CHAPTERS[0])[0]["source"])


def test_colab_cell_uses_the_repository_of_config():
    assert f'REPOSITORY = "{REPOSITORY_URL}"' in colab_cell_source()


def test_colab_cell_does_nothing_outside_colab(monkeypatch):
    import subprocess

    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    monkeypatch.setattr(subprocess, "run", lambda *a, **k: pytest.fail("ran a command outside Colab"))
    path_before, cwd_before = list(sys.path), os.getcwd()
    exec(colab_cell_source(), {})
    assert (sys.path, os.getcwd()) == (path_before, cwd_before)


def test_colab_cell_clones_installs_and_enters_the_chapters(monkeypatch):
    import subprocess

    commands, moves = [], []
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    monkeypatch.setattr(subprocess, "run", lambda command, check: commands.append(command))
    monkeypatch.setattr(os.path, "isdir", lambda path: False)
    monkeypatch.setattr(os, "chdir", moves.append)
    monkeypatch.setattr(sys, "path", list(sys.path))
    exec(colab_cell_source(), {})
    assert commands[0] == ["git", "clone", "--depth", "1", REPOSITORY_URL, "/content/lstm-executable"]
    assert commands[1][1:] == ["-m", "pip", "install", "--quiet", "--no-deps", "-e", "/content/lstm-executable"]
    assert sys.path[0] == "/content/lstm-executable" and moves == ["/content/lstm-executable/chapters"]


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.name)
def test_every_plot_has_axis_labels(path):
    """A cell that makes a figure labels both axes (or draws a diagram with the axes off)."""
    for cell in code_cells(path):
        source = "".join(cell["source"])
        diagram = re.search(r"axis_off|axis\(\"off\"\)|draw_unrolled", source)
        if re.search(r"plt\.(subplots|figure)\(", source) and not diagram:
            assert "xlabel" in source and "ylabel" in source, f"a figure without axis labels:\n{source[:300]}"


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


def test_landing_page_lists_every_chapter_with_a_measured_run_time():
    """intro.md's learning-path table has a row per chapter, with a run time within the CI budget."""
    intro = (REPO / "intro.md").read_text(encoding="utf-8")
    for path in CHAPTERS:
        row = re.search(rf"{{doc}}`chapters/{path.stem}`.*\| (\d+) s \|$", intro, re.M)
        assert row, f"intro.md has no learning-path row with a run time for {path.stem}"
        assert int(row.group(1)) <= 90, f"{path.stem} takes {row.group(1)} s, over the 90 s budget"
