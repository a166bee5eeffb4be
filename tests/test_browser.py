"""The built book, checked in headless Chromium: every page of _toc.yml, then the checker itself.

``make test`` builds the book first; these tests serve ``_build/html`` on localhost and open every
page listed in ``_toc.yml`` (see ``bookcheck.py`` for what is checked). A screenshot of each page
goes to ``_build/screenshots/`` with a JSON line of counts in ``_build/screenshots/report.jsonl``.
Without Chromium the tests are skipped with a message that says how to install it.

The second half builds small bad pages and shows that each check fails on them.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path

import pytest
import yaml

import bookcheck

REPO = Path(__file__).resolve().parent.parent
BUILD = REPO / "_build" / "html"
SCREENSHOTS = REPO / "_build" / "screenshots"
CONFIG = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))


def toc_pages() -> list[str]:
    """HTML paths of the root and of every file in _toc.yml, in reading order."""
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [f"{f}.html" for f in files]


PAGES = toc_pages()


@pytest.fixture(scope="module")
def browser():
    chromium = bookcheck.find_chromium()
    if chromium is None:
        pytest.skip(bookcheck.chromium_hint())
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def context(browser):
    opened = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def book_url():
    if not (BUILD / "index.html").is_file():
        pytest.fail("_build/html/index.html is missing: run `make book` first (`make test` does)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "report.jsonl").write_text("")
    with bookcheck.serve(BUILD) as url:
        yield url


@pytest.fixture(scope="module")
def links():
    return bookcheck.LinkChecker()


def test_the_toc_lists_the_chapters():
    assert "intro.html" in PAGES and sum(p.startswith("chapters/") for p in PAGES) >= 10


@pytest.mark.parametrize("page", PAGES)
def test_page_in_a_browser(page, context, book_url, links):
    sidebar = [book_url + p for p in PAGES if p != "intro.html"]  # the root is the logo link
    shot = SCREENSHOTS / (page.replace("/", "__").removesuffix(".html") + ".png")
    report = bookcheck.check_page(context, book_url + page, links, sidebar, screenshot=shot)
    counts = {"page": page, "equations": report.equations, "images": report.images, "links": report.links}
    with open(SCREENSHOTS / "report.jsonl", "a", encoding="utf-8") as out:
        out.write(json.dumps(counts) + "\n")
    assert not report.problems(), "\n".join(report.problems())
    assert shot.stat().st_size > 10_000  # a real rendering, not a blank page
    if page.startswith("chapters/"):
        repository = CONFIG["repository"]["url"].removeprefix("https://github.com/")
        notebook = page.removesuffix(".html") + ".ipynb"
        assert any("colab.research.google.com/github/" + repository in h and h.endswith(notebook)
                   for h in report.external_links), "no Colab launch button"
        assert any("mybinder.org/v2/gh/" + repository in h and notebook in h
                   for h in report.external_links), "no Binder launch button"
        assert report.images > 0, "a chapter without a single figure"



#: The cell diagrams drawn by lstm_helpers.plotting, by page: each must render as a named figure
#: (the notebook cell's ``mystnb.figure.name``) and be cited from the page's text.
DIAGRAMS = {
    "chapters/05_lstm_gates.html": ["fig-lstm-cell", "fig-lstm-forget-gate", "fig-lstm-input-gate",
                                    "fig-lstm-candidate", "fig-lstm-cell-update", "fig-lstm-output-gate"],
    "chapters/06_bptt.html": ["fig-lstm-backward"],
    "chapters/07_variants.html": ["fig-gru-cell"],
}


@pytest.mark.parametrize("page", sorted(DIAGRAMS))
def test_cell_diagrams_render_and_are_cited(page, context, book_url):
    tab = context.new_page()
    try:
        tab.goto(book_url + page, wait_until="load")
        for name in DIAGRAMS[page]:
            figure = tab.locator(f"figure#{name}")
            assert figure.count() == 1, f"{page}: no figure with id {name!r}"
            width = figure.locator("img").first.evaluate("img => img.complete ? img.naturalWidth : 0")
            assert width > 300, f"{page}: the image of {name!r} did not load (natural width {width})"
            citations = tab.locator(f'main a[href="#{name}"]').count()
            assert citations >= 1, f"{page}: the text never cites {name!r}"
    finally:
        tab.close()

# ---------------------------------------------------------------- the checker against bad pages

PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)
MATHJAX = '<script>window.MathJax = {tex: {inlineMath: [["\\\\(", "\\\\)"]]}};</script>' \
          '<script defer src="mathjax/tex-mml-chtml.js"></script>'


def html(body: str, head: str = MATHJAX) -> str:
    sidebar = '<nav class="bd-docs-nav"><a href="good.html">good</a><a href="other.html">other</a></nav>'
    icon = "<link rel='icon' href='dot.png'>"  # else the browser's favicon request is a 404
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'>{icon}{head}</head><body>{sidebar}<main>{body}</main></body></html>"


GOOD = html('<p>Inline <span class="math">\\(x_t\\)</span> and</p><div class="math">\\[h_t = \\tanh(W x_t)\\]</div>'
            '<img src="dot.png" alt="dot"><a href="other.html#part">other</a><pre>$$ in code is fine</pre>')
BAD_PAGES = {
    "no_mathjax.html": (html('<div class="math">\\[h_t = \\tanh(W x_t)\\]</div><p>and $$x$$</p>', head=""),
                        ["raw TeX in the text", "maths elements not typeset"]),
    "unbalanced_braces.html": (html('<div class="math">\\[\\frac{1}{\\]</div>'), ["raw TeX in the text"]),
    "tex_error.html": (html('<div class="math">\\[x^1^2\\]</div>'), ["MathJax error: Double exponent"]),
    "broken_image.html": (html('<img src="missing.png" alt="gone">'), ["image did not load", "HTTP 404"]),
    "broken_links.html": (html('<a href="nowhere.html">x</a> <a href="other.html#no-such-part">y</a>'),
                          ["broken link: http", "page not found", "no element with id 'no-such-part'"]),
    "console_error.html": (html('<script>undefinedFunction();</script>'), ["console: uncaught"]),
}


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory):
    root = tmp_path_factory.mktemp("site")
    shutil.copytree(REPO / "_vendor" / "mathjax", root / "mathjax")
    (root / "dot.png").write_bytes(PNG_1X1)
    (root / "good.html").write_text(GOOD, encoding="utf-8")
    (root / "other.html").write_text(html('<h2 id="part">Part</h2>'), encoding="utf-8")
    for name, (page, _) in BAD_PAGES.items():
        (root / name).write_text(page, encoding="utf-8")
    with bookcheck.serve(root) as url:
        yield url


def test_a_good_page_passes_every_check(context, bad_site):
    report = bookcheck.check_page(context, bad_site + "good.html", bookcheck.LinkChecker(),
                                  [bad_site + "good.html", bad_site + "other.html"])
    assert report.problems() == []
    assert (report.equations, report.images, report.links) == (2, 1, 3)  # links: 2 in the sidebar, 1 in the text


@pytest.mark.parametrize("name", sorted(BAD_PAGES))
def test_each_check_fails_on_a_bad_page(name, context, bad_site):
    report = bookcheck.check_page(context, bad_site + name, bookcheck.LinkChecker())
    problems = "\n".join(report.problems())
    for expected in BAD_PAGES[name][1]:
        assert expected in problems, f"{name}: expected {expected!r} among:\n{problems}"


def test_a_page_missing_from_the_sidebar_is_reported(context, bad_site):
    report = bookcheck.check_page(context, bad_site + "good.html", bookcheck.LinkChecker(),
                                  [bad_site + "good.html", bad_site + "glossary.html"])
    assert report.problems() == [f"not in the sidebar: {bad_site}glossary.html"]


def test_missing_chromium_gives_an_install_hint(monkeypatch, tmp_path):
    monkeypatch.setenv("CHROMIUM_PATH", str(tmp_path / "no-such-browser"))
    assert bookcheck.find_chromium() is None
    hint = bookcheck.chromium_hint()
    assert "apt-get install chromium" in hint and "no-such-browser" in hint and "not a file" in hint


def test_serving_a_missing_folder_fails_clearly(tmp_path):
    with pytest.raises(FileNotFoundError, match="root must be a folder"):
        with bookcheck.serve(tmp_path / "missing"):
            pass
