"""Check built HTML pages in a real browser (headless Chromium driven by Playwright).

Used by ``tests/test_browser.py``: on the book it checks every page of ``_toc.yml``, and on small
bad pages it shows that each check can fail. Nothing here downloads a browser: the Chromium
executable is Debian's (``apt-get install chromium``), found by :func:`find_chromium`.

For one page, :func:`check_page` reports

- console errors, uncaught exceptions and same-origin requests that failed or returned >= 400;
- maths MathJax has not typeset: raw TeX (``$$``, ``\\(``, ``\\[``, ``\\begin``) left in the visible
  text outside code, ``.math`` elements without MathJax output, and MathJax error boxes;
- images that did not load (``naturalWidth == 0``);
- internal links whose page does not exist or whose ``#anchor`` is not an id on that page;
- pages of the table of contents missing from the sidebar.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
INSTALL_HINT = (
    "Chromium not found: install Debian's package (`sudo apt-get install chromium`, as .ci/run does) "
    "or set CHROMIUM_PATH to a Chromium or Chrome executable"
)
RAW_TEX_MARKERS = ("$$", "\\(", "\\)", "\\[", "\\]", "\\begin{", "\\end{")


def chromium_hint() -> str:
    """Why no Chromium was found, and how to get one (the browser test's skip message)."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return f"{INSTALL_HINT} (CHROMIUM_PATH is set to {explicit!r}, which is not a file)"
    return INSTALL_HINT


def find_chromium() -> str | None:
    """Path of a Chromium executable: ``$CHROMIUM_PATH`` if set, else the first on ``$PATH``."""
    explicit = os.environ.get("CHROMIUM_PATH")
    if explicit:
        return explicit if Path(explicit).is_file() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve the folder ``root`` on a free localhost port; yield its base URL (ending in ``/``)."""
    if not Path(root).is_dir():
        raise FileNotFoundError(f"root must be a folder of HTML pages, got {root} (not a folder)")
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class _Ids(HTMLParser):
    """Collect every ``id`` (and old-style ``<a name>``) of a page: the valid ``#anchors``."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for key, value in attrs:
            if value and (key == "id" or (tag == "a" and key == "name")):
                self.ids.add(value)


class LinkChecker:
    """Fetch each internal target once; answer whether a link (with its anchor) resolves."""

    def __init__(self) -> None:
        self._pages: dict[str, set[str] | None] = {}

    def _anchors(self, url: str) -> set[str] | None:
        if url not in self._pages:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    body = response.read()
                    kind = response.headers.get_content_type()
            except (urllib.error.URLError, OSError):
                self._pages[url] = None
            else:
                parser = _Ids()
                if kind == "text/html":
                    parser.feed(body.decode("utf-8", errors="replace"))
                self._pages[url] = parser.ids
        return self._pages[url]

    def problem(self, href: str) -> str | None:
        """``None`` if ``href`` resolves, else what is wrong with it."""
        target, _, fragment = href.partition("#")
        anchors = self._anchors(target)
        if anchors is None:
            return f"{href}: page not found"
        if fragment and urllib.parse.unquote(fragment) not in anchors:
            return f"{href}: no element with id {urllib.parse.unquote(fragment)!r}"
        return None


@dataclass
class PageReport:
    """What :func:`check_page` found on one page; ``problems()`` is empty for a good page."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    raw_tex: list[str] = field(default_factory=list)
    untypeset_math: int = 0
    math_errors: list[str] = field(default_factory=list)
    broken_images: list[str] = field(default_factory=list)
    broken_links: list[str] = field(default_factory=list)
    missing_from_sidebar: list[str] = field(default_factory=list)
    equations: int = 0
    images: int = 0
    links: int = 0
    external_links: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        found = [f"console: {m}" for m in self.console_errors]
        found += [f"raw TeX in the text: …{s}…" for s in self.raw_tex]
        if self.untypeset_math:
            found.append(f"{self.untypeset_math} maths elements not typeset by MathJax")
        found += [f"MathJax error: {m}" for m in self.math_errors]
        found += [f"image did not load: {s}" for s in self.broken_images]
        found += [f"broken link: {s}" for s in self.broken_links]
        found += [f"not in the sidebar: {s}" for s in self.missing_from_sidebar]
        return found


# Runs in the page: wait for MathJax (if the page loads it) and for every image, then measure.
_INSPECT = """
async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
  const images = Array.from(document.images);
  images.forEach((img) => { img.loading = "eager"; });
  await Promise.all(images.map((img) => img.complete ? null :
      new Promise((done) => { img.addEventListener("load", done); img.addEventListener("error", done); })));
  const main = document.querySelector("main") || document.body;
  const copy = main.cloneNode(true);
  copy.querySelectorAll("pre, code, script, style, mjx-container, textarea").forEach((n) => n.remove());
  return {
    text: copy.textContent,
    equations: document.querySelectorAll(".math").length,
    untypeset: Array.from(document.querySelectorAll(".math")).filter((m) => !m.querySelector("mjx-container")).length,
    mathErrors: Array.from(document.querySelectorAll("mjx-merror")).map((e) =>
        e.getAttribute("data-mjx-error") || e.textContent),
    images: images.map((img) => [img.currentSrc || img.src, img.naturalWidth]),
    links: Array.from(document.querySelectorAll("a[href]")).map((a) => a.href),
    sidebar: Array.from(document.querySelectorAll("nav.bd-docs-nav a[href]")).map((a) => a.href),
  };
}
"""


def _raw_tex(text: str) -> list[str]:
    snippets = []
    for marker in RAW_TEX_MARKERS:
        at = text.find(marker)
        if at >= 0:
            snippets.append(" ".join(text[max(0, at - 30) : at + 40].split()))
    return snippets


def check_page(
    context,
    url: str,
    links: LinkChecker,
    sidebar_pages: list[str] = (),
    screenshot: Path | None = None,
) -> PageReport:
    """Open ``url`` in a new tab of a Playwright browser ``context`` and check it (module docstring).

    Parameters
    ----------
    context : playwright.sync_api.BrowserContext
    url : str
        Page to check, on the local server.
    links : LinkChecker
        Shared between pages, so that each target is fetched once.
    sidebar_pages : sequence of str
        Absolute URLs that the sidebar (``nav.bd-docs-nav``) must link to.
    screenshot : Path, optional
        Where to save a PNG of the page as a reader first sees it.

    Returns
    -------
    report : PageReport
    """
    report = PageReport(url)
    origin = urllib.parse.urlsplit(url).netloc

    def on_response(response) -> None:
        if response.status >= 400 and urllib.parse.urlsplit(response.url).netloc == origin:
            report.console_errors.append(f"HTTP {response.status} for {response.url}")

    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and report.console_errors.append(message.text))
    page.on("pageerror", lambda error: report.console_errors.append(f"uncaught: {error}"))
    page.on("requestfailed", lambda request: report.console_errors.append(f"request failed: {request.url}"))
    page.on("response", on_response)
    try:
        page.goto(url, wait_until="load")
        found = page.evaluate(_INSPECT)
        page.wait_for_load_state("networkidle")
        if screenshot is not None:
            page.evaluate("window.scrollTo(0, 0)")
            page.screenshot(path=str(screenshot))
    finally:
        page.close()

    report.raw_tex = _raw_tex(found["text"])
    report.equations = found["equations"]
    report.untypeset_math = found["untypeset"]
    report.math_errors = found["mathErrors"]
    report.images = len(found["images"])
    report.broken_images = [src for src, width in found["images"] if not width]
    internal = sorted({h for h in found["links"] if urllib.parse.urlsplit(h).netloc == origin})
    report.links = len(internal)
    report.broken_links = [p for p in (links.problem(h) for h in internal) if p]
    report.external_links = sorted({h for h in found["links"] if urllib.parse.urlsplit(h).netloc != origin})
    in_sidebar = {h.partition("#")[0] for h in found["sidebar"]}
    report.missing_from_sidebar = [p for p in sidebar_pages if p not in in_sidebar]
    return report
