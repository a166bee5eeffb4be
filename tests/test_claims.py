"""The claims check (tests/claims.py): every number in a chapter's prose is backed by that chapter.

``test_chapter_numbers_are_supported`` runs the check on each chapter (``-k 04`` selects chapter 4);
the other tests show that the checker itself finds what it should and ignores what it should.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

import claims

REPO = Path(__file__).resolve().parent.parent
CHAPTERS = sorted((REPO / "chapters").glob("*.ipynb"))
PLANTED = "0.4371"


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_chapter_numbers_are_supported(path):
    """Each number of the prose is in an output, a code cell, a cited paragraph or the allow-list."""
    findings = claims.check_notebook(path)
    if findings:
        pytest.fail(
            f"{len(findings)} number(s) in the prose of {path.name} appear in no output, no code "
            f"cell and no cited paragraph (assert them in a cell, cite them, or drop them):\n"
            + claims.format_findings(findings),
            pytrace=False,
        )


# ---------------------------------------------------------------------------------------------
# Small synthetic notebooks


def write_notebook(tmp_path: Path, markdown: str | list[str], code: str = "", outputs: list[str] = (),
                   name: str = "nb.ipynb") -> Path:
    """A notebook with the given markdown cells, then one code cell whose stream outputs are ``outputs``."""
    cells = [new_markdown_cell(text) for text in ([markdown] if isinstance(markdown, str) else markdown)]
    cell = new_code_cell(code, execution_count=1)
    cell.outputs = [new_output("stream", name="stdout", text=text) for text in outputs]
    cells.append(cell)
    path = tmp_path / name
    nbformat.write(new_notebook(cells=cells), path)
    return path


def flagged(tmp_path: Path, markdown: str | list[str], code: str = "", outputs: list[str] = (),
            allowlist: dict[float, str] | None = None) -> list[str]:
    """The numbers the check flags in a synthetic notebook (empty allow-list unless given)."""
    path = write_notebook(tmp_path, markdown, code, outputs)
    return [f.number for f in claims.check_notebook(path, allowlist or {})]


# ---------------------------------------------------------------------------------------------
# A planted number in a real chapter


def plant(source: Path, destination: Path, sentence: str) -> Path:
    """Copy a chapter, adding ``sentence`` as a paragraph to its last markdown cell."""
    notebook = json.loads(source.read_text(encoding="utf-8"))
    cell = [c for c in notebook["cells"] if c["cell_type"] == "markdown"][-1]
    cell["source"] = "".join(cell["source"]) + "\n\n" + sentence + "\n"
    destination.write_text(json.dumps(notebook), encoding="utf-8")
    return destination


@pytest.fixture(params=[CHAPTERS[0], CHAPTERS[len(CHAPTERS) // 2]], ids=["first", "middle"])
def chapter(request, tmp_path) -> Path:
    copy = tmp_path / request.param.name
    shutil.copy(request.param, copy)
    return copy


def test_a_planted_number_in_a_real_chapter_is_flagged_with_its_sentence(chapter, tmp_path):
    sentence = f"After training, the loss fell to {PLANTED}."
    before = {(f.cell, f.number, f.sentence) for f in claims.check_notebook(chapter)}
    planted = plant(chapter, tmp_path / "planted.ipynb", sentence)
    after = [(f.number, f.sentence) for f in claims.check_notebook(planted)
             if (f.cell, f.number, f.sentence) not in before]
    assert after == [(PLANTED, sentence)]


def add_code_cell(path: Path, source: str, output: str | None = None) -> None:
    notebook = nbformat.read(path, as_version=4)
    cell = new_code_cell(source, execution_count=len(notebook.cells))
    if output is not None:
        cell.outputs = [new_output("stream", name="stdout", text=output)]
    notebook.cells.append(cell)
    nbformat.write(notebook, path)


@pytest.mark.parametrize(
    "source, output",
    [
        ('print(f"loss {loss:.4f}")', "loss 0.43712\n"),  # shown by an output, rounded
        (f"assert abs(loss - {PLANTED}) < 1e-4", None),  # asserted in a code cell
    ],
    ids=["output", "assert"],
)
def test_the_planted_number_passes_once_an_output_or_an_assert_shows_it(chapter, tmp_path, source, output):
    planted = plant(chapter, tmp_path / "planted.ipynb", f"After training, the loss fell to {PLANTED}.")
    add_code_cell(planted, source, output)
    assert PLANTED not in [f.number for f in claims.check_notebook(planted)]


def test_a_number_only_in_a_comment_or_a_string_is_still_flagged(tmp_path):
    code = f'# the loss is {PLANTED}\nprint("loss {PLANTED}")\nlabel = f"{{x:.4f}}"'
    assert flagged(tmp_path, f"The loss fell to {PLANTED}.", code) == [PLANTED]


def test_a_format_spec_is_not_a_literal(tmp_path):
    assert flagged(tmp_path, "We ran 3 seeds.", 'print(f"{x:.3f}")') == ["3"]


# ---------------------------------------------------------------------------------------------
# Rounding


@pytest.mark.parametrize(
    "prose, output",
    [
        pytest.param("0.814", "0.81424", id="decimals"),  # the output rounded to the prose's decimals
        pytest.param("0.81", "0.81424", id="fewer-decimals"),
        pytest.param("0.167", "0.1667", id="rounded-up"),
        pytest.param("74.9 %", "74.9", id="percent"),
        pytest.param("74.9 %", "0.749", id="percent-as-fraction"),
        pytest.param("73 %", "0.731", id="percent-rounded"),
        pytest.param("0.749", "74.9%", id="fraction-as-percent"),
        pytest.param("2,004", "2004", id="thousands-in-prose"),
        pytest.param("2004", "2,004", id="thousands-in-output"),
        pytest.param("1e-5", "1e-05", id="e-notation"),
        pytest.param("$10^{-5}$", "1e-05", id="power-of-ten"),
        pytest.param("$2.5 \\times 10^{-3}$", "0.0025", id="scientific"),
        pytest.param("about $10^{-10}$", "3.2e-11", id="order-of-magnitude"),  # log10 rounds to -10
        pytest.param("1.1 million", "1,115,394", id="million"),
        pytest.param("12.0", "12.0", id="trailing-zero"),
        pytest.param("20", "19.7", id="integer"),
        pytest.param("−0.6", "0.6", id="sign"),  # signs are not checked
    ],
)
def test_rounded_outputs_support_the_prose(tmp_path, prose, output):
    assert flagged(tmp_path, f"The value is {prose} here.", outputs=[f"value: {output}\n"]) == []


@pytest.mark.parametrize(
    "prose, output",
    [
        pytest.param("0.8143", "0.81424", id="more-decimals"),  # the prose claims more than shown
        pytest.param("0.815", "0.81424", id="other-rounding"),
        pytest.param("74.9 %", "0.75", id="percent-other"),
        pytest.param("233,400", "230,000", id="other-integer"),
        pytest.param("$10^{-2}$", "0.4", id="other-magnitude"),
        pytest.param("1.5 million", "1,115,394", id="other-million"),
        pytest.param("seven", "5.2", id="spelled-out"),  # spelled out from three up: checked too
    ],
)
def test_outputs_that_do_not_round_to_the_prose_do_not_support_it(tmp_path, prose, output):
    assert flagged(tmp_path, f"The value is {prose} here.", outputs=[f"value: {output}\n"]) != []


def test_html_tables_are_outputs(tmp_path):
    path = write_notebook(tmp_path, "The test MSE was 0.0057.")
    notebook = nbformat.read(path, as_version=4)
    notebook.cells[-1].outputs = [new_output("execute_result", execution_count=1, data={
        "text/html": "<table><tr><td>0.0057</td></tr></table>"})]
    nbformat.write(notebook, path)
    assert claims.check_notebook(path, {}) == []


def test_iso_dates_must_be_shown_as_dates(tmp_path):
    assert flagged(tmp_path, "The peak week is 1964-05-30.", outputs=["1964 05 30\n"]) == ["1964-05-30"]
    assert flagged(tmp_path, "The peak week is 1964-05-30.", outputs=["peak 1964-05-30\n"]) == []
    assert flagged(tmp_path, "The gap starts 1964-01-25.", 'np.datetime64("1964-01-25")') == []


# ---------------------------------------------------------------------------------------------
# Citations and the allow-list


def test_a_cited_paragraph_supports_its_numbers_and_only_its_own(tmp_path):
    markdown = ("GloVe {cite:p}`pennington2014` learned 400,000 vectors.\n\n"
                "The bundled file holds 20,000 of them.")
    assert flagged(tmp_path, markdown) == ["20,000"]


def test_a_link_cites_and_a_table_after_a_cited_paragraph_is_cited(tmp_path):
    markdown = ("The configurations of [the reference code](https://example.org/ptb):\n\n"
                "| model | perplexity |\n| --- | --- |\n| small | 114.5 |\n\n"
                "Our run reached 120.7.")
    assert flagged(tmp_path, markdown) == ["120.7"]


def test_each_list_item_is_its_own_paragraph(tmp_path):
    markdown = "- GloVe has 400,000 words {cite:p}`pennington2014`;\n- we keep 20,000 of them."
    assert flagged(tmp_path, markdown) == ["20,000"]


def test_the_allowlist_covers_its_values_but_not_percentages(tmp_path):
    allowlist = {0.5: "a half"}
    assert flagged(tmp_path, "The gate is 0.5 and 0.50 here.", allowlist=allowlist) == []
    assert flagged(tmp_path, "The gain is 0.5 % here.", allowlist=allowlist) == ["0.5 %"]


def test_the_allowlist_file_is_short_and_every_entry_has_a_reason():
    entries = claims.load_allowlist()
    assert 0 < len(entries) <= 10
    assert all(len(reason) > 10 for reason in entries.values())


def test_an_allowlist_entry_without_a_reason_is_refused(tmp_path):
    path = tmp_path / "allow.txt"
    path.write_text("# comment\n0.5  # a half\n3\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"allow.txt:3: allow-list entry '3' has no reason"):
        claims.load_allowlist(path)


# ---------------------------------------------------------------------------------------------
# What is not a claim


@pytest.mark.parametrize(
    "markdown",
    [
        pytest.param("Chapter 4 measures it, and chapters 5 and 6 explain it; see Chapters 7–9.",
                     id="chapters"),
        pytest.param("Exercise 3 and Solution 12 are in Section 3.2, with Figure 5 and Table 7.",
                     id="exercises-sections-figures"),
        pytest.param("The state $h_0$, the previous $x_{t-1}$, $\\sum_{t=1}^{T}$ from $t = 7$.",
                     id="subscripts-and-indices"),
        pytest.param("Layer $h^{(3)}_t$ at step $k = 9$.", id="layer-superscript"),
        pytest.param("See {cite:p}`hochreiter1997,gers2000` and {doc}`chapters/07_variants`.",
                     id="roles"),
        pytest.param("The forget gate is Gers et al. 2000, not Hochreiter & Schmidhuber (1997).",
                     id="author-years"),
        pytest.param("The GRU of 1406.1078v1 differs.", id="arxiv-id"),
        pytest.param("Stored as `float32`, read by `word2vec` from `glove.6B.300d.txt`.",
                     id="names-in-code"),
        pytest.param("A footnote[^7] and a [link](https://arxiv.org/abs/1503.04069).",
                     id="footnote-and-url"),
        pytest.param("1. First item\n2. Second item", id="list-numbers"),
        pytest.param("Text.\n\n```python\nx = 12345\n```\n\nMore text.", id="code-fence"),
        pytest.param('A <img src="a.png" width="640"> picture.', id="html-tag"),
    ],
)
def test_references_indices_names_and_code_are_not_claims(tmp_path, markdown):
    assert flagged(tmp_path, markdown) == []


def test_directive_bodies_are_prose_but_their_options_are_not(tmp_path):
    markdown = ":::{admonition} Solution 4\n:class: dropdown\n:width: 80\nIt reached 4.66.\n:::"
    assert flagged(tmp_path, markdown) == ["4.66"]


def test_numbers_in_inline_and_display_maths_are_checked(tmp_path):
    markdown = ["so $0.73^{50} \\approx 10^{-7}$.", "$$\n\\text{parameters} = 8 \\cdot 74 = 592\n$$"]
    assert flagged(tmp_path, markdown, "H = 8", ["592\n"]) == ["0.73", "50", "10^{-7}", "74"]


def test_numbers_in_code_spans_that_are_values_are_checked(tmp_path):
    markdown = "Ids of shape `[64, 100]`, from `LSTM(32)` with `global_clipnorm=5`."
    assert flagged(tmp_path, markdown, "x = (64, 100)") == ["32", "5"]


# ---------------------------------------------------------------------------------------------
# Findings and the report


def test_a_finding_names_the_cell_the_number_and_the_sentence(tmp_path):
    path = write_notebook(tmp_path, ["# Title", "First sentence. It took 510 s in all. Last one."])
    (finding,) = claims.check_notebook(path, {})
    assert (finding.notebook, finding.cell, finding.number) == ("nb", 1, "510")
    assert finding.sentence == "It took 510 s in all."


def test_main_writes_a_report_and_fails_when_something_is_flagged(tmp_path, capsys):
    bad = write_notebook(tmp_path, f"It fell to {PLANTED}.", name="bad.ipynb")
    good = write_notebook(tmp_path, "It fell to 0.5.", "x = 0.5", name="good.ipynb")
    report = tmp_path / "report.txt"
    assert claims.main([str(bad), str(good), "--report", str(report)]) == 1
    text = report.read_text(encoding="utf-8")
    assert "bad: 1 unsupported number(s)" in text and f"{PLANTED}  <-  It fell to {PLANTED}." in text
    assert "good: 0 unsupported number(s)" in text
    assert claims.main([str(good)]) == 0
