"""The form of five-character regulated verse (五言绝句, 五言律诗), and baselines on it.

A poem of the bundled Tang corpus (:func:`lstm_helpers.data.load_tang_poems`) is 4 or 8 lines of
five Han characters; each line ends with a mark, and the marks alternate as couplets
``xxxxx，xxxxx。``. So a quatrain (绝句) has 4 × 6 = 24 characters and an eight-line regulated
poem (律诗) 48. :func:`line_form` checks that form; :func:`form_accuracy` is the share of
poems that have it, the measure of whether a model has learned the form.

A model reads the poems as one stream, each poem followed by the separator ``"\\n"``
(:func:`poem_stream`); a sampler starts after a separator and stops at the next one
(:func:`sample_poems`). Rare characters share one unknown token ``□``, the mark Chinese editions
use for a lost character (:func:`poem_vocabulary`).

Properties of the stream for reading a model's units (see :mod:`lstm_helpers.inspect_units`):
:func:`position_in_line` (0–5, the mark at 5) and :func:`line_parity` (first or second line of
a couplet).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lstm_helpers._checks import check_instance, check_int, check_strings
from lstm_helpers.inspect_units import position_in_segment
from lstm_helpers.language_model import BigramModel, UnigramModel, sample_ngram
from lstm_helpers.sequences import Vocabulary

SEPARATOR = "\n"
"""Separates the poems of a stream (each poem is followed by it)."""
COMMA = "，"
"""Ends the first line of a couplet (U+FF0C FULLWIDTH COMMA)."""
FULL_STOP = "。"
"""Ends the second line of a couplet (U+3002 IDEOGRAPHIC FULL STOP)."""
UNKNOWN = "□"
"""Stands for a rare character left out of the vocabulary (U+25A1 WHITE SQUARE, 缺字 in Chinese editions)."""
LINE_MARKS = COMMA + FULL_STOP
CHARACTERS_PER_LINE = 5
LINES_PER_POEM = (4, 8)

# Han characters: CJK Unified Ideographs (U+4E00–U+9FFF), Extension A (U+3400–U+4DBF), the
# compatibility ideographs (U+F900–U+FAFF) and the Supplementary and Tertiary Ideographic Planes
# (U+20000–U+3FFFF: extensions B–H). Fixed ranges, so the answer does not depend on the Unicode
# version of Python's unicodedata. OpenCC's simplification puts 81 of the corpus's characters
# outside the basic block (in extensions A, B, C, E and G).
_HAN_CLASS = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]"
_HAN_CHARACTER = re.compile(_HAN_CLASS)
_FIVE_HAN = re.compile(f"{_HAN_CLASS}{{{CHARACTERS_PER_LINE}}}")
# A line: any characters up to and including a mark, or the unfinished rest after the last mark.
_LINE = re.compile(f"[^{LINE_MARKS}]*[{LINE_MARKS}]|[^{LINE_MARKS}]+\\Z")


def is_han(character: str) -> bool:
    """Whether ``character`` is a Han character (a CJK ideograph, any extension).

    Raises
    ------
    TypeError
        If ``character`` is not a str of length 1.

    Examples
    --------
    >>> is_han("月"), is_han("，"), is_han("a")
    (True, False, False)
    """
    if not isinstance(character, str) or len(character) != 1:
        raise TypeError(f"character must be a str of one character, got {character!r:.40}")
    return _HAN_CHARACTER.fullmatch(character) is not None


@dataclass(frozen=True)
class FormReport:
    """How a text measures against the form of five-character regulated verse.

    Attributes
    ----------
    n_lines : int
        Number of lines. A line runs up to and including a mark ``，`` or ``。``; text after the
        last mark counts as one more, unfinished, line.
    line_lengths : tuple of int, length n_lines
        Characters of each line before its mark (an unfinished line: all its characters).
    five_character_lines : bool
        Every line is exactly five Han characters followed by a mark.
    couplet_punctuation : bool
        Every line ends with a mark, alternating ``，`` ``。`` ``，`` ``。`` …, and the last is ``。``.
    four_or_eight_lines : bool
        ``n_lines`` is 4 or 8.
    is_regular : bool
        All three: the poem has the form.
    """

    n_lines: int
    line_lengths: tuple[int, ...]
    five_character_lines: bool
    couplet_punctuation: bool
    four_or_eight_lines: bool
    is_regular: bool


def _check_unknown(unknown: object) -> str | None:
    if unknown is not None and (not isinstance(unknown, str) or len(unknown) != 1):
        raise TypeError(f"unknown must be None or a str of one character, got {unknown!r:.40}")
    if unknown is not None and (unknown in LINE_MARKS or is_han(unknown)):
        raise ValueError(f"unknown must not be a line mark or a Han character, got {unknown!r}")
    return unknown


def line_form(poem: str, unknown: str | None = UNKNOWN) -> FormReport:
    """Check one poem against the form: 4 or 8 lines of five Han characters, marked ``，。，。…``.

    The poem is measured exactly as given, nothing is stripped: any character that is neither a
    Han character, ``unknown`` nor a line mark (a newline, a space, another punctuation mark, a
    Latin letter) stays inside its line and makes that line not a five-character line. Pass one
    poem, without its separator (split a stream on ``"\\n"`` first). The empty poem has no lines
    and none of the properties.

    Parameters
    ----------
    poem : str
        The poem's text.
    unknown : str or None, default "□"
        A character that stands for a rare Han character (the vocabulary's unknown token) and
        counts as one; ``None`` counts only Han characters.

    Returns
    -------
    report : FormReport

    Raises
    ------
    TypeError
        If ``poem`` is not a str (a list of poems goes to :func:`form_accuracy`), or ``unknown`` is
        neither None nor one character.
    ValueError
        If ``unknown`` is a line mark or a Han character.

    Examples
    --------
    >>> line_form("床前明月光，疑是地上霜。举头望明月，低头思故乡。").is_regular
    True
    >>> report = line_form("床前明月光，疑是地上霜。举头望明月")
    >>> report.n_lines, report.line_lengths, report.is_regular
    (3, (5, 5, 5), False)
    """
    if not isinstance(poem, str):
        raise TypeError(f"poem must be a str, got {type(poem).__name__}; score a list of poems with form_accuracy")
    unknown = _check_unknown(unknown)
    lines = _LINE.findall(poem)  # the last one may be unfinished (no mark)
    n_lines = len(lines)
    finished = [line[-1] in LINE_MARKS for line in lines]
    line_lengths = tuple(len(line) - 1 if done else len(line) for line, done in zip(lines, finished))
    stand_in = "一"  # unknown counts as a Han character: replaced by one before matching
    five_character_lines = n_lines > 0 and all(
        done and _FIVE_HAN.fullmatch(line[:-1] if unknown is None else line[:-1].replace(unknown, stand_in))
        for line, done in zip(lines, finished)
    )
    couplet_punctuation = n_lines > 0 and n_lines % 2 == 0 and all(
        line[-1] == (COMMA if k % 2 == 0 else FULL_STOP) for k, line in enumerate(lines)
    )
    four_or_eight_lines = n_lines in LINES_PER_POEM
    return FormReport(
        n_lines=n_lines,
        line_lengths=line_lengths,
        five_character_lines=five_character_lines,
        couplet_punctuation=couplet_punctuation,
        four_or_eight_lines=four_or_eight_lines,
        is_regular=five_character_lines and couplet_punctuation and four_or_eight_lines,
    )


def form_accuracy(poems: Sequence[str], unknown: str | None = UNKNOWN) -> float:
    """Share of ``poems`` that have the form (:attr:`FormReport.is_regular`).

    Parameters
    ----------
    poems : sequence of str, length (n_poems,)
        At least one poem, e.g. samples of a model split at the separator.
    unknown : str or None, default "□"
        As in :func:`line_form`.

    Returns
    -------
    accuracy : float
        In ``[0, 1]``.

    Raises
    ------
    TypeError
        If ``poems`` is a single str (it would be read character by character) or holds a non-str.
    ValueError
        If ``poems`` is empty.

    Examples
    --------
    >>> form_accuracy(["白日依山尽，黄河入海流。欲穷千里目，更上一层楼。", "白日依山尽。"])
    0.5
    """
    poems = check_strings("poems", poems)
    if not poems:
        raise ValueError("poems must hold at least one poem, got an empty collection")
    unknown = _check_unknown(unknown)
    return sum(line_form(poem, unknown).is_regular for poem in poems) / len(poems)


def _check_poems(poems: object) -> list[str]:
    """``poems`` as a non-empty list of str that hold neither the separator nor the unknown token."""
    poems = check_strings("poems", poems)
    if not poems:
        raise ValueError("poems must hold at least one poem, got an empty collection")
    for k, poem in enumerate(poems):
        for reserved, what in ((SEPARATOR, "the separator '\\n'"), (UNKNOWN, f"the unknown token {UNKNOWN!r}")):
            if reserved in poem:
                raise ValueError(f"poems must not contain {what}, got it in poem {k}: {poem!r:.40}")
    return poems


def poem_stream(poems: Sequence[str]) -> str:
    """The poems as one stream for a model to read: each poem followed by the separator ``"\\n"``.

    Every poem, the last included, ends with the separator, so the end of a poem is an event the
    model learns and is scored on, and a sample that starts after a separator starts a poem.

    Parameters
    ----------
    poems : sequence of str
        At least one poem; none may contain ``"\\n"`` or ``"□"``.

    Returns
    -------
    text : str
        ``sum(len(p) + 1 for p in poems)`` characters.

    Raises
    ------
    TypeError
        If ``poems`` is a single str or holds a non-str.
    ValueError
        If ``poems`` is empty, or a poem contains the separator or the unknown token.

    Examples
    --------
    >>> poem_stream(["甲，乙。", "丙，丁。"])
    '甲，乙。\\n丙，丁。\\n'
    """
    return "".join(poem + SEPARATOR for poem in _check_poems(poems))


def poem_vocabulary(poems: Sequence[str], min_count: int = 1) -> Vocabulary:
    """Character vocabulary of a stream of poems, with rare characters merged into ``□``.

    Characters seen fewer than ``min_count`` times in ``poems`` encode as the unknown token
    ``□``. The first ids are fixed: 0 the separator ``"\\n"``, 1 ``，``, 2 ``。``, 3 ``□``, then the
    kept characters by code point. ``□`` is always there, also with ``min_count=1``, because a
    validation text holds characters the training poems never show.

    The trade-off of ``min_count``. A character seen once or twice cannot be learned (its
    embedding and output row get one or two updates), yet each costs ``H`` weights of the output
    layer and a share of every softmax. Merging them shrinks the vocabulary a lot while changing
    little of the text: in the bundled corpus, ``min_count=5`` merges the 1,954 characters seen at
    most 4 times, 34% of the 5,705 Han characters but 0.5% of the text
    (:func:`rare_characters`). The price is that ``□`` is easier to predict than the characters it
    replaces, so an NLL with a larger ``min_count`` is slightly optimistic: compare models only on
    the same vocabulary and the same stream.

    Parameters
    ----------
    poems : sequence of str
        Training poems (never the validation ones: the vocabulary is part of the model); none may
        contain ``"\\n"`` or ``"□"``.
    min_count : int, default 1
        Keep characters seen at least this often, ``>= 1``.

    Returns
    -------
    vocabulary : sequences.Vocabulary
        Character level, ``unknown="□"``.

    Raises
    ------
    TypeError
        If ``poems`` is a single str or holds a non-str.
    ValueError
        If ``poems`` is empty or a poem contains the separator or ``□``; if ``min_count`` is not an
        integer ``>= 1``.

    Examples
    --------
    >>> vocabulary = poem_vocabulary(["白日，白云。", "白雪，青山。"], min_count=2)
    >>> vocabulary.tokens
    ('\\n', '，', '。', '□', '白')
    >>> vocabulary.decode(vocabulary.encode("白云")).replace("\\n", "/")
    '白□'
    """
    poems = _check_poems(poems)
    min_count = check_int("min_count", min_count, minimum=1)
    return Vocabulary.from_text(
        "".join(poems) + SEPARATOR, level="char", min_count=min_count,
        specials=(SEPARATOR, COMMA, FULL_STOP), unknown=UNKNOWN,
    )


def rare_characters(poems: Sequence[str], max_count: int) -> tuple[int, float]:
    """How many distinct characters are rare, and what share of the text they make up.

    Parameters
    ----------
    poems : sequence of str
        None may contain ``"\\n"`` or ``"□"``.
    max_count : int
        A character seen at most this often counts as rare, ``>= 1``.

    Returns
    -------
    n_rare : int
        Distinct characters seen ``<= max_count`` times (line marks included if they are rare).
    share : float
        Their occurrences over all characters of ``poems`` (separators not counted), in ``[0, 1]``.

    Raises
    ------
    TypeError
        If ``poems`` is a single str or holds a non-str.
    ValueError
        If ``poems`` is empty, holds no character at all, or a poem contains the separator or
        ``□``; if ``max_count`` is not an integer ``>= 1``.

    Examples
    --------
    >>> rare_characters(["白日，白云。", "白雪，青山。"], max_count=1)  # 日云雪青山: 5 of 12 characters
    (5, 0.4166666666666667)
    """
    poems = _check_poems(poems)
    max_count = check_int("max_count", max_count, minimum=1)
    counts = Counter("".join(poems))
    total = sum(counts.values())
    if total == 0:
        raise ValueError("poems must hold at least one character, got only empty poems")
    rare = [n for n in counts.values() if n <= max_count]
    return len(rare), sum(rare) / total


def sample_poems(
    model: UnigramModel | BigramModel,
    vocabulary: Vocabulary,
    n_poems: int,
    rng: np.random.Generator,
    temperature: float = 1.0,
    max_length: int = 100,
) -> list[str]:
    """Sample poems from an n-gram baseline: each starts after the separator and stops at the next one.

    Parameters
    ----------
    model : language_model.UnigramModel or language_model.BigramModel
        Trained on a stream encoded with ``vocabulary`` (e.g. ``vocabulary.encode(poem_stream(poems))``).
    vocabulary : sequences.Vocabulary
        Must hold the separator ``"\\n"``, and as many tokens as the model.
    n_poems : int
        ``>= 1``.
    rng : numpy.random.Generator
    temperature : float, default 1.0
        ``τ > 0``; each token is drawn from ``p^(1/τ)`` renormalised.
    max_length : int, default 100
        Characters at most per poem (a 律诗 has 48); a sample that reaches it is cut there.

    Returns
    -------
    poems : list of str, length (n_poems,)
        Without separators; may contain ``□`` if the vocabulary has it.

    Raises
    ------
    TypeError
        If ``model`` or ``vocabulary`` is of the wrong type.
    ValueError
        If ``vocabulary`` lacks the separator or differs in size from the model; if ``n_poems`` or
        ``max_length`` is not an integer ``>= 1``, ``temperature`` is not positive and finite, or
        ``rng`` is not a Generator.

    Examples
    --------
    >>> poems = ["白日依山尽，黄河入海流。欲穷千里目，更上一层楼。"]
    >>> vocabulary = poem_vocabulary(poems)
    >>> model = BigramModel(vocabulary.encode(poem_stream(poems)), vocab_size=len(vocabulary))
    >>> len(sample_poems(model, vocabulary, n_poems=3, rng=np.random.default_rng(0)))
    3
    """
    check_instance("model", model, (UnigramModel, BigramModel))
    check_instance("vocabulary", vocabulary, Vocabulary)
    if SEPARATOR not in vocabulary.tokens:
        raise ValueError("vocabulary must hold the separator '\\n' that ends every poem; build it with poem_vocabulary")
    if len(vocabulary) != model.vocab_size:
        raise ValueError(f"vocabulary must have as many tokens as the model, got {len(vocabulary)} and "
                         f"model.vocab_size={model.vocab_size}")
    n_poems = check_int("n_poems", n_poems, minimum=1)
    separator = vocabulary.tokens.index(SEPARATOR)
    return [
        vocabulary.decode(sample_ngram(model, separator, separator, max_length, rng, temperature))
        for _ in range(n_poems)
    ]


def _check_stream(text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"text must be a str (a stream of poems), got {type(text).__name__}")
    return text


def position_in_line(text: str) -> np.ndarray:
    """For each character of a stream of poems, its position in its line: 0–4 the characters, 5 the mark.

    A line ends with ``，`` or ``。`` (the mark belongs to the line it ends); the separator ``"\\n"``
    belongs to no line and gets ``-1``. Keep only the characters of lines before correlating
    (``keep = positions >= 0``). In a sample that breaks the form, positions go past 5.

    Parameters
    ----------
    text : str
        A stream of poems (:func:`poem_stream`), starting at the beginning of a poem.

    Returns
    -------
    positions : ndarray of int64, shape (len(text),)

    Raises
    ------
    TypeError
        If ``text`` is not a str.

    Examples
    --------
    >>> position_in_line("床前明月光，疑是地上霜。\\n").tolist()
    [0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, -1]
    """
    text = _check_stream(text)
    positions = position_in_segment(text, ends=LINE_MARKS + SEPARATOR)
    is_separator = np.fromiter((character == SEPARATOR for character in text), dtype=bool, count=len(text))
    return np.where(is_separator, -1, positions)


def line_parity(text: str) -> np.ndarray:
    """For each character of a stream of poems, 0 in the first line of a couplet, 1 in the second.

    Lines are counted from the start of each poem (after a separator), a mark closing its line,
    so the parity of a character is what a reader knows from the text before it. In a poem of
    the form, the first line of each couplet ends with ``，`` and the second with ``。``. The
    separator ``"\\n"`` belongs to no line and gets ``-1``.

    Parameters
    ----------
    text : str
        A stream of poems (:func:`poem_stream`), starting at the beginning of a poem.

    Returns
    -------
    parity : ndarray of int64, shape (len(text),)
        0, 1, or -1 at separators.

    Raises
    ------
    TypeError
        If ``text`` is not a str.

    Examples
    --------
    >>> line_parity("甲乙，丙丁。戊，\\n己，").tolist()
    [0, 0, 0, 1, 1, 1, 0, 0, -1, 0, 0]
    """
    text = _check_stream(text)
    parity = np.empty(len(text), dtype=np.int64)
    line = 0
    for t, character in enumerate(text):
        if character == SEPARATOR:
            parity[t] = -1
            line = 0
            continue
        parity[t] = line % 2
        if character in LINE_MARKS:
            line += 1
    return parity
