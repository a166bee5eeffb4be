"""The claims check: every number the prose of a notebook states must be backed by that notebook.

A number written in a markdown cell (prose, lists, tables, inline and display maths, digits or
spelled out from "three" up) is *supported* when it is

(a) shown by a stored output of the notebook (``stream`` text, ``text/plain``, and the text of
    ``text/html`` tables), after rounding the output to the decimals the prose writes: prose 0.814
    matches an output 0.81424, "74.9 %" matches 74.9 or 0.749, "2,004" matches 2004, "1e-5" and
    "10^{-5}" match 1e-05, "1.1 million" matches 1,115,394, and a bare power of ten ("about
    10^{-10}") matches any value of that order of magnitude (3.2e-11: log10 rounds to -10);
(b) a numeric literal in the source of a code cell (``epochs=8``, ``assert ratio > 100``), with
    the same rounding. Comments, strings and format specs are not literals, except that dates
    and years written in strings count (``np.datetime64("1964-01-25")``);
(c) in a paragraph, list item or table that cites a source (a ``{cite:p}``/``{cite:t}`` role or
    an http(s) link); a table also counts as cited when the paragraph right before it cites;
(d) on the short global allow-list ``tests/claims_allowlist.txt`` (each entry with its reason;
    never for percentages and dates).

Never checked: URLs and link targets; MyST roles (``{cite:p}``, ``{term}``, ``{doc}`` ...) with
their content; cross-references ("Chapter 4", "chapters 5 and 6", "Exercise 3", "Solution 1",
"Figure 2", "Section 3.2", "Eq. 5"); footnote labels; list numbers ("1. ..."); HTML tags; digits
inside names (``float32``, ``word2vec``, ``glove.6B.300d.txt``); arXiv ids (1406.1078v1); the
year after an author's name (Gers et al. 2000, Hochreiter & Schmidhuber 1997); fenced code blocks
and directive options; in maths, subscripts (``x_{t-1}``, ``h_0``), layer superscripts
(``h^{(1)}``), ``\\tag``/``\\label``, and index assignments (``t = 1``, ``k = 0``: the letters
t, k, i, j) also in prose. ISO dates in the prose (1964-05-30) must appear as dates in an output
or the code. Numbers are compared by absolute value: signs are not checked.

Run ``python tests/claims.py [NOTEBOOK ...] [--report FILE]`` to print (and write) the findings
(default: chapters/*.ipynb); ``tests/test_claims.py`` runs the check on every chapter.
"""

from __future__ import annotations

import argparse
import ast
import bisect
import html
import json
import math
import re
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
ALLOWLIST = Path(__file__).resolve().parent / "claims_allowlist.txt"

# ---------------------------------------------------------------------------------------------
# Numbers as written


@dataclass(frozen=True)
class ProseNumber:
    """A number as the prose writes it.

    ``value`` is the absolute value and ``tolerance`` half a unit of the last written digit, so
    that any value rounding to the written one matches. A ``percent`` number also matches its
    fraction (73 % ~ 0.73); a ``power_of_ten`` one ("10^{-7}", "1e-5") also matches any value of
    that order of magnitude; a ``date`` one ("1964-05-30") matches only the same date.
    """

    text: str
    value: float
    tolerance: float
    percent: bool = False
    power_of_ten: bool = False
    date: str | None = None


MANTISSA = r"(?:\d{1,3}(?:[,_]\d{3})+|\d+)(?:\.\d+)?"  # 2,004  100_000  0.814
# 2.5 \times 10^{-3}, 10^{-7}, 10^5, 10⁻⁵
POWER_OF_TEN = re.compile(
    r"(?:(?P<mant>\d+(?:\.\d+)?)\s*(?:\\times|\\cdot|×|·)\s*)?10\s*"
    r"(?:\^\s*\{?\s*(?P<exp>[-−+]?\s*\d+)\s*\}?|(?P<uexp>[⁻⁺]?[⁰¹²³⁴⁵⁶⁷⁸⁹]+))"
)
NUMBER = re.compile(rf"(?P<num>{MANTISSA})(?P<e>[eE][-−+]?\d+)?(?P<pct>\s?(?:\\%|%))?")
SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
SCALE = re.compile(r"\s+(thousand|million|billion)\b")
SCALE_EXPONENTS = {"thousand": 3, "million": 6, "billion": 9}
# Spelled-out numbers from three up ("one" and "two" are no more claims than the digits 1 and 2).
_UNITS = ("three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
          "sixteen seventeen eighteen nineteen twenty").split()
NUMBER_WORDS = {word: value for value, word in enumerate(_UNITS, start=3)}
NUMBER_WORDS.update(thirty=30, forty=40, fifty=50, sixty=60, seventy=70, eighty=80, ninety=90,
                    hundred=100)
WORD_NUMBER = re.compile(r"(?i)\b(" + "|".join(NUMBER_WORDS) + r")\b(?!-\w)")
# a name glued to a digit run is skipped, except these suffixes: 5x, 5×, 3rd
ALLOWED_SUFFIX = re.compile(r"(?:[x×](?![A-Za-z])|st\b|nd\b|rd\b|th\b)")
ISO_DATE = re.compile(r"\b(?:1[89]\d\d|20\d\d)-(?:0[1-9]|1[0-2])-[0-3]\d\b")
YEAR = re.compile(r"\b(?:1[89]\d\d|20\d\d)\b")


def make_number(text: str, mantissa: str, exponent: int = 0, *, percent: bool = False,
                power_of_ten: bool = False) -> ProseNumber:
    """A :class:`ProseNumber` from its written mantissa (``"2,004"``) and power of ten."""
    digits = mantissa.replace(",", "").replace("_", "")
    decimals = len(digits.split(".")[1]) if "." in digits else 0
    value = abs(float(digits)) * 10.0**exponent
    tolerance = 0.5 * 10.0 ** (exponent - decimals)
    return ProseNumber(text.strip(), value, tolerance, percent, power_of_ten)


def _mark(mask: list[bool], start: int, end: int) -> None:
    mask[start:end] = [True] * (end - start)


def _before(text: str, mask: list[bool], pos: int) -> str:
    """The character before ``pos``; a masked one reads as a space."""
    return " " if pos == 0 or mask[pos - 1] else text[pos - 1]


def scan_numbers(text: str, mask: list[bool], *, in_math: bool = False) -> list[tuple[int, ProseNumber]]:
    """The numbers of ``text`` outside the masked characters, with their positions.

    Marks what it finds in ``mask``. In prose a digit run glued to a letter or an underscore is
    part of a name (``float32``, ``6B``) and skipped; in maths a digit may be followed by a letter
    (``4H`` is 4 times H).
    """
    found: list[tuple[int, ProseNumber]] = []
    for match in POWER_OF_TEN.finditer(text):
        digits = [match.start(g) for g in ("mant", "exp", "uexp") if match.start(g) >= 0]
        base = text.index("10", match.end("mant") if match.group("mant") else match.start())
        before = _before(text, mask, match.start())
        if any(mask[k] for k in (*digits, base, base + 1)) or before.isalnum() or before in "._":
            continue
        if match.group("exp") is not None:
            exponent = int(re.sub(r"\s", "", match.group("exp")).replace("−", "-"))
        else:
            exponent = int(match.group("uexp").translate(SUPERSCRIPTS))
        mantissa = match.group("mant")
        found.append((match.start(), make_number(match.group(0), mantissa or "1", exponent,
                                                 power_of_ten=mantissa is None)))
        _mark(mask, match.start(), match.end())
    for match in NUMBER.finditer(text):
        start, end = match.start(), match.end("num")
        before = _before(text, mask, start)
        if any(mask[start:end]) or before.isalnum() or before in "_\\.":
            continue
        after = text[match.end("e"):] if match.group("e") else text[end:]
        if after[:1] == "_" or (not in_math and after[:1].isalpha() and not ALLOWED_SUFFIX.match(after)):
            continue
        exponent = int(match.group("e")[1:].replace("−", "-")) if match.group("e") else 0
        written = match.group(0)
        scale = SCALE.match(text, match.end())
        if scale and not match.group("pct"):
            exponent += SCALE_EXPONENTS[scale.group(1)]
            written += scale.group(0)
        found.append((start, make_number(
            written, match.group("num"), exponent, percent=match.group("pct") is not None,
            power_of_ten=match.group("e") is not None and match.group("num") == "1")))
        _mark(mask, start, match.end())
    if not in_math:
        for match in WORD_NUMBER.finditer(text):
            if not any(mask[match.start():match.end()]):
                value = NUMBER_WORDS[match.group(1).lower()]
                found.append((match.start(), ProseNumber(match.group(0), float(value), 0.5)))
    found.sort(key=lambda item: item[0])
    for k in range(len(found) - 1):  # "97–100 %": the first number of the range is a percentage too
        (pos, first), (next_pos, second) = found[k], found[k + 1]
        between = text[pos + len(first.text):next_pos]
        if second.percent and not first.percent and re.fullmatch(r"\s*(?:–|-|to)\s*", between):
            found[k] = (pos, ProseNumber(first.text, first.value, first.tolerance, percent=True))
    return found


# ---------------------------------------------------------------------------------------------
# Markdown: units (paragraphs, list items, tables), what is cited, what is not a claim

MONTHS = ("January February March April May June July August September October November "
          "December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec").split()
CITATION = re.compile(r"\{cite(?::[a-z]+)?\}`|https?://")
CODE_SPAN = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.S)
ROLE = re.compile(r"\{[A-Za-z][\w:.-]*\}`[^`]*`")
IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK_TARGET = re.compile(r"\]\([^)\s]*(?:\s+\"[^\"]*\")?\)")
URL = re.compile(r"<?https?://[^\s)>]+>?")
FOOTNOTE = re.compile(r"\[\^[^\]]*\]")
HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.S)
_REF = r"\(?\d+(?:\.\d+)*[a-z]?\)?"
CROSS_REF = re.compile(
    r"\b(?:[Cc]hapters?|[Ss]ections?|[Ff]ig(?:ure)?s?\.?|[Tt]ables?|[Ee]xercises?|[Ss]olutions?"
    r"|[Ee]q(?:uation)?s?\.?|[Aa]ppendix|[Aa]ppendices|[Pp]arts?|[Ll]istings?|[Qq]uestions?)"
    rf"\s+{_REF}(?:\s*(?:,|–|-|and|or|to|&)\s*{_REF})*|§\s*{_REF}"
)
LIST_MARKER = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+")
ARXIV = re.compile(r"\b\d{4}\.\d{4,5}(?:v\d+)?\b")
AUTHOR_YEAR = re.compile(  # the year of "Gers et al. 2000", "Schmidhuber (1997)", not "March 1958"
    r"(?:\bet al\.?|\b(?!(?:" + "|".join(MONTHS) + r")\b)[A-Z][A-Za-z'’-]+)"
    r"(?:'s)?,?\s*\(?((?:1[89]|20)\d\d)[a-z]?\)?"
)
INDEX_ASSIGNMENT = re.compile(r"(?<![A-Za-z\\])[tkij]\s*=\s*(\d+)(?![\d.])")
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$(?!\$)", re.S)
MATH_NOT_NUMBERS = (
    re.compile(r"\\(?:tag|label|ref|eqref)\s*\{[^{}]*\}"),  # equation labels
    re.compile(r"_\s*(?:\{(?:[^{}]|\{[^{}]*\})*\}|\\[A-Za-z]+|[A-Za-z0-9])"),  # subscripts
    re.compile(r"\^\s*\{\s*\(\s*\d+\s*\)\s*\}"),  # layer superscripts h^{(1)}
    re.compile(r"\\[A-Za-z]+"),  # command names (\frac, \times, \log)
)
FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})\s*(\{[^}]*\}|[\w+-]*)?(.*)$")
DIRECTIVE_OPTION = re.compile(r"^\s*:[\w-]+:")
CODE_DIRECTIVES = ("{code", "{literalinclude", "{sourcecode")
ABBREVIATIONS = ("e.g.", "i.e.", "et al.", "cf.", "vs.", "Fig.", "Eq.", "No.", "approx.", "resp.")


def _spans(pattern: re.Pattern, text: str, group: int = 0) -> list[tuple[int, int]]:
    return [(m.start(group), m.end(group)) for m in pattern.finditer(text) if m.start(group) >= 0]


def unit_numbers(text: str) -> list[tuple[int, ProseNumber]]:
    """The numbers stated in one paragraph, list item or table, with their positions in ``text``."""
    mask = [False] * len(text)
    code = _spans(CODE_SPAN, text)
    math: list[tuple[int, int]] = []  # the bodies of $...$ and $$...$$
    for pattern in (DISPLAY_MATH, INLINE_MATH):
        for match in pattern.finditer(text):
            inside = [(s, e) for s, e in code + math if s <= match.start() < e]
            if not inside:
                math.append((match.start(1), match.end(1)))
                _mark(mask, match.start(), match.start(1))  # the dollars
                _mark(mask, match.end(1), match.end())
    in_math = [False] * len(text)
    for start, end in math:
        _mark(in_math, start, end)
        body = text[start:end]
        for pattern in MATH_NOT_NUMBERS:
            for s, e in _spans(pattern, body):
                _mark(mask, start + s, start + e)
        for s, e in _spans(INDEX_ASSIGNMENT, body, 1):
            _mark(mask, start + s, start + e)
    prose_mask = [False] * len(text)
    for pattern in (ROLE, IMAGE, LINK_TARGET, URL, FOOTNOTE, HTML_TAG, CROSS_REF, ARXIV):
        for s, e in _spans(pattern, text):
            _mark(prose_mask, s, e)
    for pattern in (AUTHOR_YEAR, INDEX_ASSIGNMENT):
        for s, e in _spans(pattern, text, 1):
            _mark(prose_mask, s, e)
    marker = LIST_MARKER.match(text)
    if marker:
        _mark(prose_mask, marker.start(), marker.end())
    mask = [m or (p and not q) for m, p, q in zip(mask, prose_mask, in_math)]
    found: list[tuple[int, ProseNumber]] = []
    for match in ISO_DATE.finditer(text):
        if not any(mask[match.start():match.end()]):
            found.append((match.start(), ProseNumber(match.group(0), 0.0, 0.0, date=match.group(0))))
            _mark(mask, match.start(), match.end())
    for start, end in math:
        body_mask = mask[start:end]
        found.extend((start + pos, number)
                     for pos, number in scan_numbers(text[start:end], body_mask, in_math=True))
        _mark(mask, start, end)
    found.extend(scan_numbers(text, mask))
    return sorted(found, key=lambda item: item[0])


def sentence_at(text: str, pos: int) -> str:
    """The sentence of ``text`` that holds position ``pos``, on one line."""
    bounds = [0]
    for match in re.finditer(r"[.!?](?=\s+[A-Z$*`({\[\"'])", text):
        if not text[: match.end()].endswith(ABBREVIATIONS):
            bounds.append(match.end())
    bounds.append(len(text))
    start, end = next((s, e) for s, e in zip(bounds, bounds[1:]) if pos < e or e == len(text))
    sentence = " ".join(text[start:end].split())
    return sentence if len(sentence) <= 400 else sentence[:397] + "..."


def markdown_units(source: str) -> list[tuple[str, str]]:
    """Split a markdown cell into units ``(kind, text)``, kind "text", "item", "table" or "title".

    Paragraphs are separated by blank lines; each list item, table, heading and directive title
    is a unit of its own; code fences and directive options are dropped.
    """
    units: list[tuple[str, str]] = []
    current: list[str] = []
    kind = "text"
    fence: str | None = None  # the backticks, tildes or colons that opened the current fence
    fence_is_code = in_display_math = False

    def flush(next_kind: str = "text") -> None:
        nonlocal current, kind
        if "".join(current).strip():
            units.append((kind, "\n".join(current)))
        current, kind = [], next_kind

    for line in source.splitlines():
        stripped = line.strip()
        opening = FENCE.match(line)
        if fence is not None and opening and opening.group(1)[0] == fence[0] \
                and len(opening.group(1)) >= len(fence) and not stripped.strip(fence[0]):
            fence, fence_is_code = None, False
            flush()
            continue
        if fence_is_code:
            continue
        if opening and not in_display_math:
            flush()
            info = (opening.group(2) or "").strip()
            fence = opening.group(1)
            fence_is_code = (fence[0] != ":" and not info.startswith("{")) or info.startswith(CODE_DIRECTIVES)
            if not fence_is_code and opening.group(3).strip():
                units.append(("title", opening.group(3).strip()))
            continue
        if DIRECTIVE_OPTION.match(line) and not current:
            continue
        if not in_display_math:
            if not stripped:
                flush()
                continue
            if stripped.startswith("|") != (kind == "table"):
                flush("table" if stripped.startswith("|") else "text")
            if kind != "table" and LIST_MARKER.match(line) and not line.startswith("    "):
                flush("item")
            elif stripped.startswith("#"):
                flush("title")
        current.append(line)
        if stripped.count("$$") % 2 == 1:
            in_display_math = not in_display_math
        if kind == "title" and not in_display_math:
            flush()
    flush()
    return units


@dataclass(frozen=True)
class Claim:
    """A number stated in a markdown cell, with its sentence (a table's row) and cell."""

    number: ProseNumber
    sentence: str
    cell: int
    cell_id: str
    cited: bool


def notebook_claims(notebook: dict) -> list[Claim]:
    """Every number stated in the markdown cells of ``notebook`` (the parsed .ipynb JSON)."""
    claims: list[Claim] = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        previous_cited = False
        for kind, text in markdown_units(_joined(cell["source"])):
            cited = bool(CITATION.search(text)) or (kind == "table" and previous_cited)
            for pos, number in unit_numbers(text):
                if kind == "table":
                    start, end = text.rfind("\n", 0, pos) + 1, text.find("\n", pos)
                    sentence = text[start:end if end >= 0 else None].strip()
                else:
                    sentence = sentence_at(text, pos)
                claims.append(Claim(number, sentence, index, cell.get("id", ""), cited))
            previous_cited = cited
    return claims


# ---------------------------------------------------------------------------------------------
# Evidence: stored outputs and code

FIGURE_REPR = re.compile(r"<Figure size \d+x\d+ with \d+ Axes>")
OUTPUT_NUMBER = re.compile(rf"(?P<num>{MANTISSA})(?P<e>[eE][-−+]?\d+)?(?P<pct>\s?%)?")


@dataclass
class Evidence:
    """The numbers (absolute values, sorted by :meth:`finish`) and dates a notebook shows."""

    values: list[float] = field(default_factory=list)
    dates: set[str] = field(default_factory=set)

    def add_text(self, text: str, *, every_number: bool = True) -> None:
        """Add the numbers and dates of output text, or (``every_number=False``) only dates and years."""
        text = FIGURE_REPR.sub(" ", text)
        self.dates.update(ISO_DATE.findall(text))
        if not every_number:
            self.values.extend(float(year) for year in YEAR.findall(text))
            return
        for match in OUTPUT_NUMBER.finditer(text):
            if match.start() and (text[match.start() - 1].isalpha() or text[match.start() - 1] == "_"):
                continue  # a name such as float32
            written = match.group("num").replace(",", "").replace("_", "")
            value = abs(float(written + (match.group("e") or "").replace("−", "-")))
            self.values.append(value)
            if match.group("pct"):
                self.values.append(value / 100)

    def finish(self) -> Evidence:
        self.values.sort()
        return self

    def _has_value_in(self, low: float, high: float) -> bool:
        k = bisect.bisect_left(self.values, low)
        return k < len(self.values) and self.values[k] <= high

    def supports(self, number: ProseNumber) -> bool:
        """Whether a shown value rounds to ``number`` (for a date: whether the date is shown)."""
        if number.date is not None:
            return number.date in self.dates
        candidates = [(number.value, number.tolerance)]
        if number.percent:
            candidates.append((number.value / 100, number.tolerance / 100))
        for value, tolerance in candidates:
            slack = tolerance * (1 + 1e-9) + 1e-15
            if self._has_value_in(value - slack, value + slack):
                return True
        if number.power_of_ten and number.value > 0:
            exponent = math.log10(number.value)
            return self._has_value_in(10 ** (exponent - 0.5), 10 ** (exponent + 0.5))
        return False


def _joined(source: str | Sequence[str]) -> str:
    return source if isinstance(source, str) else "".join(source)


def output_text(output: dict) -> str:
    """The text of one stored output: stream text, text/plain, and HTML without its tags."""
    if output.get("output_type") == "stream":
        return _joined(output.get("text", ""))
    data = output.get("data", {})
    parts = [_joined(data[key]) for key in ("text/plain", "text/markdown", "text/latex") if key in data]
    if "text/html" in data:
        parts.append(html.unescape(HTML_TAG.sub(" ", _joined(data["text/html"]))))
    return "\n".join(parts)


def code_literals(source: str) -> tuple[list[float], list[str]]:
    """The numeric literals of a code cell (absolute values) and its string literals.

    Comments are not literals, nor are the digits of strings and f-string format specs; IPython
    magics and shell lines are skipped.
    """
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        code = "\n".join(line.split("#")[0] for line in lines)
        return [abs(float(m)) for m in re.findall(r"\b\d+(?:\.\d+)?(?:[eE][-+]?\d+)?\b", code)], []
    numbers, strings = [], []
    for node in ast.walk(tree):  # a format spec (.3f) is a string constant, not a number
        if not isinstance(node, ast.Constant):
            continue
        if isinstance(node.value, (int, float)) and not isinstance(node.value, bool):
            numbers.append(abs(float(node.value)))
        elif isinstance(node.value, str):
            strings.append(node.value)
    return numbers, strings


def notebook_evidence(notebook: dict) -> Evidence:
    """The numbers and dates of the stored outputs and the code cells of ``notebook``."""
    evidence = Evidence()
    for cell in notebook["cells"]:
        if cell["cell_type"] != "code":
            continue
        for output in cell.get("outputs", []):
            evidence.add_text(output_text(output))
        numbers, strings = code_literals(_joined(cell["source"]))
        evidence.values.extend(numbers)
        for string in strings:
            evidence.add_text(string, every_number=False)
    return evidence.finish()


# ---------------------------------------------------------------------------------------------
# The allow-list and the check


def load_allowlist(path: str | Path = ALLOWLIST) -> dict[float, str]:
    """The allow-list as ``{value: reason}``; each line is ``VALUE  # reason``, reason required."""
    entries: dict[float, str] = {}
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        value, _, reason = line.partition("#")
        if not reason.strip():
            raise ValueError(f"{path}:{number}: allow-list entry {value.strip()!r} has no reason (# ...)")
        entries[abs(float(value.strip().replace(",", "")))] = reason.strip()
    return entries


def allowed(number: ProseNumber, allowlist: dict[float, str]) -> bool:
    """Whether the allow-list covers ``number`` (never a percentage or a date: those are data)."""
    if number.date is not None or number.percent:
        return False
    return any(math.isclose(number.value, value, rel_tol=1e-12, abs_tol=1e-15) for value in allowlist)


@dataclass(frozen=True)
class Finding:
    """A number of the prose that nothing in its notebook supports."""

    notebook: str
    cell: int  # index in the notebook's cells, from 0
    cell_id: str
    number: str
    sentence: str


def check_notebook(path: str | Path, allowlist: dict[float, str] | None = None) -> list[Finding]:
    """The unsupported numbers of one notebook (any .ipynb path), in order of appearance.

    ``allowlist`` defaults to ``tests/claims_allowlist.txt``.
    """
    path = Path(path)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    evidence = notebook_evidence(notebook)
    allowlist = load_allowlist() if allowlist is None else allowlist
    return [
        Finding(path.stem, claim.cell, claim.cell_id, claim.number.text, claim.sentence)
        for claim in notebook_claims(notebook)
        if not (claim.cited or allowed(claim.number, allowlist) or evidence.supports(claim.number))
    ]


def format_findings(findings: Iterable[Finding]) -> str:
    """One line per finding: cell index and id, the number, and its sentence."""
    return "\n".join(f"  cell {f.cell} (id {f.cell_id}): {f.number}  <-  {f.sentence}" for f in findings)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: chapters/*.ipynb")
    parser.add_argument("--report", type=Path, help="also write the findings to this file")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted((REPO / "chapters").glob("*.ipynb"))
    started = time.perf_counter()
    allowlist = load_allowlist()
    lines, total = [], 0
    for path in paths:
        findings = check_notebook(path, allowlist)
        total += len(findings)
        lines.append(f"{path.stem}: {len(findings)} unsupported number(s)")
        lines.extend(format_findings(findings).splitlines())
    lines.append(f"total: {total} unsupported number(s) in {len(paths)} notebook(s), "
                 f"checked in {time.perf_counter() - started:.2f} s")
    report = "\n".join(lines) + "\n"
    print(report, end="")
    if args.report:
        args.report.write_text(report, encoding="utf-8")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main())
