"""Turning text and series into the arrays a recurrent network reads.

- ``one_hot``: ids of shape ``S`` become vectors of shape ``S + (depth,)`` with
  ``one_hot(i)[j] = 1 if j == i else 0``.
- ``Vocabulary``: a bijection between tokens (characters or words) and ids ``0 … V-1``.
- ``fill_missing``: linear interpolation over the ``nan`` gaps of a regularly sampled series.
- ``make_windows``: a series ``s_0 … s_{L-1}`` becomes samples
  ``X[k] = (s_k, …, s_{k+time_step-1})`` with target ``y[k] = s_{k+time_step+horizon-1}``.
- ``iterate_batches`` / ``count_batches``: groups of ``batch_size`` samples (B in notation.md);
- ``stateful_batches``: one long series as parallel streams, batch k+1 continuing batch k.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from lstm_helpers._checks import check_int, check_integer_array

# Clitics split off as in the Penn Treebank and GloVe's tokenizer: "don't" -> "do", "n't";
# "it's" -> "it", "'s". Other inner apostrophes stay inside the word ("o'er").
_CLITIC = r"(?:s|re|ve|m|ll|d)\b"
_WORD = re.compile(
    rf"[a-z0-9]+(?=n't\b)|n't\b|'{_CLITIC}|[a-z0-9]+(?:'(?!{_CLITIC})[a-z]+)?|[^\sa-z0-9]"
)


def one_hot(ids: np.ndarray | Sequence[int], depth: int, dtype: type = np.float32) -> np.ndarray:
    """Encode integer ids as one-hot vectors.

    Parameters
    ----------
    ids : array_like of int, any shape S
        Token ids, each in ``0 … depth-1``.
    depth : int
        Number of classes (vocabulary size), ``>= 1``.
    dtype : numpy dtype, default float32
        Element type of the result (float32 is what Keras layers expect).

    Returns
    -------
    vectors : ndarray, shape S + (depth,)
        ``vectors[..., j]`` is 1 where ``ids == j`` and 0 elsewhere.

    Raises
    ------
    ValueError
        If ``ids`` is not integer, holds a negative id or an id ``>= depth``, or ``depth < 1``.

    Examples
    --------
    >>> one_hot([2, 0], depth=3)
    array([[0., 0., 1.],
           [1., 0., 0.]], dtype=float32)
    """
    depth = check_int("depth", depth, minimum=1)
    ids = check_integer_array("ids", ids)
    if ids.size and ids.min() < 0:
        raise ValueError(f"ids must be >= 0, got {ids.min()}")
    if ids.size and ids.max() >= depth:
        raise ValueError(f"ids must be < depth={depth}, got {ids.max()}")
    return (ids[..., None] == np.arange(depth)).astype(dtype)


def split_words(text: str) -> list[str]:
    """Split text into lower-case words and punctuation marks, the way GloVe's corpus was split.

    English clitics become tokens of their own, as in the Penn Treebank: ``"don't"`` gives
    ``"do", "n't"`` and ``"king's"`` gives ``"king", "'s"`` (likewise ``'re 've 'm 'll 'd``), so the
    pieces are found in GloVe's vocabulary. Other inner apostrophes stay (``"o'er"``); every other
    non-space character that is not a letter or digit is a token of its own.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    tokens : list of str

    Examples
    --------
    >>> split_words("First Citizen: we're all resolved.")
    ['first', 'citizen', ':', 'we', "'re", 'all', 'resolved', '.']
    """
    if not isinstance(text, str):
        raise ValueError(f"text must be a str, got {type(text).__name__}")
    return _WORD.findall(text.lower())


@dataclass(frozen=True)
class Vocabulary:
    """A fixed mapping between tokens and integer ids.

    Build one with :meth:`from_text`; ids follow the order of ``tokens``.

    Parameters
    ----------
    tokens : tuple of str
        Token of each id; no duplicates.
    level : {"char", "word"}
        How text is split into tokens: characters, or :func:`split_words`.
    unknown : str, optional
        Token that stands for any token not in the vocabulary; must be in ``tokens``.
        Without it, encoding an unknown token raises ``ValueError``.
    """

    tokens: tuple[str, ...]
    level: str = "char"
    unknown: str | None = None
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.level not in ("char", "word"):
            raise ValueError(f"level must be 'char' or 'word', got {self.level!r}")
        if not self.tokens:
            raise ValueError("tokens must hold at least one token, got an empty sequence")
        index = {token: i for i, token in enumerate(self.tokens)}
        if len(index) != len(self.tokens):
            repeated = sorted(t for t, n in Counter(self.tokens).items() if n > 1)
            raise ValueError(f"tokens must be distinct, got repeated {repeated[:5]}")
        if self.unknown is not None and self.unknown not in index:
            raise ValueError(f"unknown must be one of tokens, got {self.unknown!r}")
        object.__setattr__(self, "tokens", tuple(self.tokens))
        object.__setattr__(self, "_index", index)

    @classmethod
    def from_text(
        cls,
        text: str,
        level: str = "char",
        min_count: int = 1,
        max_size: int | None = None,
        specials: Sequence[str] = (),
        unknown: str | None = None,
    ) -> "Vocabulary":
        """Collect the vocabulary of a text.

        Parameters
        ----------
        text : str
            Non-empty training text.
        level : {"char", "word"}
            Characters are ordered by code point (as in char-rnn); words by decreasing count,
            ties alphabetically, so id 0 after the specials is the most frequent word.
        min_count : int, default 1
            Tokens seen fewer times are left out (they encode as ``unknown``).
        max_size : int, optional
            Keep at most this many tokens, specials included.
        specials : sequence of str, default ()
            Tokens given the first ids, in order, e.g. ``("<pad>", "<unk>")`` so that padding is id 0.
        unknown : str, optional
            Token for out-of-vocabulary input; it is added to ``specials`` if missing there.

        Returns
        -------
        vocabulary : Vocabulary

        Raises
        ------
        ValueError
            If ``text`` is empty or not a str, ``level`` is unknown, or the sizes are not positive.

        Examples
        --------
        >>> Vocabulary.from_text("abca").tokens
        ('a', 'b', 'c')
        """
        if not isinstance(text, str) or not text:
            raise ValueError(f"text must be a non-empty str, got {text!r:.40}")
        if level not in ("char", "word"):
            raise ValueError(f"level must be 'char' or 'word', got {level!r}")
        min_count = check_int("min_count", min_count, minimum=1)
        specials = tuple(specials)
        if unknown is not None and unknown not in specials:
            specials = specials + (unknown,)
        if max_size is not None:
            max_size = check_int("max_size", max_size, minimum=len(specials) + 1)
        counts = Counter(text if level == "char" else split_words(text))
        kept = [t for t, n in counts.items() if n >= min_count and t not in specials]
        if level == "char":
            kept.sort()
        else:
            kept.sort(key=lambda t: (-counts[t], t))
        tokens = specials + tuple(kept)
        if max_size is not None:
            tokens = tokens[:max_size]
        return cls(tokens=tokens, level=level, unknown=unknown)

    def __len__(self) -> int:
        return len(self.tokens)

    def tokenize(self, text: str) -> list[str]:
        """Split ``text`` the way this vocabulary was built (characters or words)."""
        if not isinstance(text, str):
            raise ValueError(f"text must be a str, got {type(text).__name__}")
        return list(text) if self.level == "char" else split_words(text)

    def encode(self, text: str | Sequence[str]) -> np.ndarray:
        """Map a text (or a list of tokens) to ids.

        Parameters
        ----------
        text : str or sequence of str
            A string is tokenized with :meth:`tokenize`; a list is taken as tokens.

        Returns
        -------
        ids : ndarray of int32, shape (n_tokens,)

        Raises
        ------
        ValueError
            If a token is not in the vocabulary and there is no ``unknown`` token.
        """
        tokens = self.tokenize(text) if isinstance(text, str) else list(text)
        if self.unknown is None:
            missing = sorted({t for t in tokens if t not in self._index})
            if missing:
                raise ValueError(
                    f"text must only contain tokens of the vocabulary (no unknown token set), "
                    f"got {len(missing)} unknown: {missing[:5]}"
                )
            return np.array([self._index[t] for t in tokens], dtype=np.int32)
        fallback = self._index[self.unknown]
        return np.array([self._index.get(t, fallback) for t in tokens], dtype=np.int32)

    def decode(self, ids: np.ndarray | Sequence[int]) -> str:
        """Map ids back to text: characters joined directly, words joined by spaces.

        Parameters
        ----------
        ids : array_like of int, shape (n_tokens,)

        Returns
        -------
        text : str

        Raises
        ------
        ValueError
            If ``ids`` is not a 1-D integer array or holds an id outside ``0 … len(self)-1``.
        """
        ids = check_integer_array("ids", ids)
        if ids.ndim != 1:
            raise ValueError(f"ids must have shape (n_tokens,), got {ids.shape}")
        if ids.size and (ids.min() < 0 or ids.max() >= len(self)):
            bad = ids[(ids < 0) | (ids >= len(self))][0]
            raise ValueError(f"ids must be in 0 … {len(self) - 1}, got {bad}")
        separator = "" if self.level == "char" else " "
        return separator.join(self.tokens[i] for i in ids)


def fill_missing(values: np.ndarray | Sequence[float]) -> np.ndarray:
    """Fill the ``nan`` gaps of a regularly sampled series by linear interpolation.

    A gap between two observed values gets the straight line between them; leading or trailing
    gaps repeat the nearest observed value.

    Parameters
    ----------
    values : array_like of float, shape (steps,)
        The series, ``nan`` where a value is missing.

    Returns
    -------
    filled : ndarray of float64, shape (steps,)
        A new array without ``nan``; observed values are unchanged.

    Raises
    ------
    ValueError
        If ``values`` is not 1-D, holds infinities, or has no observed value at all.

    Examples
    --------
    >>> fill_missing([1.0, np.nan, np.nan, 4.0])
    array([1., 2., 3., 4.])
    """
    values = np.asarray(values, dtype=np.float64)
    if values.ndim != 1:
        raise ValueError(f"values must have shape (steps,), got {values.shape}")
    if np.isinf(values).any():
        raise ValueError(f"values must be finite or nan, got {int(np.isinf(values).sum())} infinite")
    observed = ~np.isnan(values)
    if not observed.any():
        raise ValueError(f"values must contain at least one observed value, got {values.size} nan")
    steps = np.arange(values.size)
    return np.interp(steps, steps[observed], values[observed])


def make_windows(
    series: np.ndarray | Sequence[float], time_step: int, horizon: int = 1
) -> tuple[np.ndarray, np.ndarray]:
    """Cut a series into overlapping input windows and the value that follows each.

    Window ``k`` is ``series[k : k + time_step]`` and its target is
    ``series[k + time_step + horizon - 1]``, so ``horizon=1`` predicts the next step.

    Parameters
    ----------
    series : array_like of float, shape (steps,) or (steps, features)
        A finite series in time order.
    time_step : int
        Steps per window, ``>= 1``.
    horizon : int, default 1
        How many steps after the window's last step the target lies, ``>= 1``.

    Returns
    -------
    X : ndarray, shape (n_windows, time_step) or (n_windows, time_step, features)
        ``n_windows = steps - time_step - horizon + 1``.
    y : ndarray, shape (n_windows,) or (n_windows, features)

    Raises
    ------
    ValueError
        If ``series`` is not 1-D/2-D, is not finite, or is too short for one window plus horizon.

    Examples
    --------
    >>> X, y = make_windows(np.arange(6.0), time_step=3)
    >>> X.tolist(), y.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0])
    """
    series = np.asarray(series)
    if series.ndim not in (1, 2):
        raise ValueError(f"series must have shape (steps,) or (steps, features), got {series.shape}")
    if not np.issubdtype(series.dtype, np.number) or series.dtype == bool:
        raise ValueError(f"series must be numeric, got dtype {series.dtype}")
    if not np.isfinite(series).all():
        n_bad = int((~np.isfinite(series)).sum())
        raise ValueError(f"series must be finite, got {n_bad} nan/inf values; fill gaps first (fill_missing)")
    time_step = check_int("time_step", time_step, minimum=1)
    horizon = check_int("horizon", horizon, minimum=1)
    steps = series.shape[0]
    if time_step + horizon > steps:
        raise ValueError(
            f"time_step + horizon must be <= len(series)={steps}, got {time_step} + {horizon} = {time_step + horizon}"
        )
    n_windows = steps - time_step - horizon + 1
    windows = np.lib.stride_tricks.sliding_window_view(series, time_step, axis=0)[:n_windows]
    if series.ndim == 2:
        windows = np.moveaxis(windows, -1, 1)  # (n_windows, features, time_step) -> (n_windows, time_step, features)
    targets = series[time_step + horizon - 1 :]
    return np.ascontiguousarray(windows), targets.copy()


def count_batches(n_samples: int, batch_size: int, drop_remainder: bool = False) -> int:
    """Number of batches of ``batch_size`` samples that ``n_samples`` samples make.

    Parameters
    ----------
    n_samples : int
        Samples (windows), ``>= 0``.
    batch_size : int
        Samples per batch, ``>= 1``.
    drop_remainder : bool, default False
        If true, a last, smaller batch is not counted.

    Returns
    -------
    n_batches : int

    Examples
    --------
    >>> count_batches(2254, 60), count_batches(2254, 60, drop_remainder=True)
    (38, 37)
    """
    n_samples = check_int("n_samples", n_samples, minimum=0)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    full, rest = divmod(n_samples, batch_size)
    return full + (1 if rest and not drop_remainder else 0)


def iterate_batches(
    X: np.ndarray,
    y: np.ndarray,
    batch_size: int,
    shuffle: bool = False,
    rng: np.random.Generator | None = None,
    drop_remainder: bool = False,
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Yield ``(X_batch, y_batch)`` pairs of ``batch_size`` samples along axis 0.

    Parameters
    ----------
    X : ndarray, shape (n_samples, ...)
        Inputs, e.g. windows of shape (n_samples, time_step[, features]).
    y : ndarray, shape (n_samples, ...)
        Targets, one per sample.
    batch_size : int
        Samples per batch, ``>= 1``; the last batch may be smaller.
    shuffle : bool, default False
        Visit samples in a random order drawn from ``rng``.
    rng : numpy.random.Generator, optional
        Required when ``shuffle`` is true.
    drop_remainder : bool, default False
        Skip a last batch smaller than ``batch_size``.

    Yields
    ------
    X_batch : ndarray, shape (batch, ...)
    y_batch : ndarray, shape (batch, ...)

    Raises
    ------
    ValueError
        If ``X`` and ``y`` differ in length, ``batch_size < 1``, or ``shuffle`` lacks ``rng``.
    """
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim == 0 or y.ndim == 0 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of samples on axis 0, got {X.shape} and {y.shape}")
    batch_size = check_int("batch_size", batch_size, minimum=1)
    if shuffle and not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator when shuffle=True, got {rng!r}")
    order = rng.permutation(X.shape[0]) if shuffle else np.arange(X.shape[0])
    n_batches = count_batches(X.shape[0], batch_size, drop_remainder)
    # Checks above run at the call; the batches themselves are produced lazily.
    return ((X[rows], y[rows]) for rows in (order[k * batch_size : (k + 1) * batch_size] for k in range(n_batches)))


def stateful_batches(
    series: np.ndarray | Sequence[float], batch_size: int, time_step: int
) -> tuple[np.ndarray, np.ndarray]:
    """Lay out one long series for a stateful RNN (or truncated BPTT): batch k+1 continues batch k.

    The series is cut into ``batch_size`` contiguous streams of equal length (the remainder at the
    end is dropped). Batch ``k`` holds steps ``k·time_step … (k+1)·time_step − 1`` of every stream, so
    row ``i`` of batch ``k+1`` starts exactly where row ``i`` of batch ``k`` ended. Targets are the
    next step at every position, as a language model needs.

    Parameters
    ----------
    series : array_like, shape (steps,) or (steps, features)
    batch_size : int
        Number of parallel streams, B, ``>= 1``.
    time_step : int
        Steps per batch, ``>= 1``.

    Returns
    -------
    X : ndarray, shape (n_batches, batch_size, time_step) or (…, features)
    Y : ndarray, same shape
        ``Y[k, i, t]`` is the step after ``X[k, i, t]`` in stream ``i``.

    Raises
    ------
    ValueError
        If the series is not 1-D/2-D, or too short for one batch of this size.

    Examples
    --------
    >>> X, Y = stateful_batches(np.arange(20), batch_size=2, time_step=3)
    >>> X[0].tolist(), X[1].tolist()
    ([[0, 1, 2], [10, 11, 12]], [[3, 4, 5], [13, 14, 15]])
    """
    series = np.asarray(series)
    if series.ndim not in (1, 2):
        raise ValueError(f"series must have shape (steps,) or (steps, features), got {series.shape}")
    batch_size = check_int("batch_size", batch_size, minimum=1)
    time_step = check_int("time_step", time_step, minimum=1)
    stream_length = series.shape[0] // batch_size
    n_batches = (stream_length - 1) // time_step  # one step is kept for the last target
    if n_batches < 1:
        raise ValueError(
            f"series must have at least batch_size·(time_step + 1) = {batch_size * (time_step + 1)} steps, "
            f"got {series.shape[0]}"
        )
    streams = series[: batch_size * stream_length].reshape(batch_size, stream_length, *series.shape[1:])
    used = n_batches * time_step
    X = streams[:, :used].reshape(batch_size, n_batches, time_step, *series.shape[1:]).swapaxes(0, 1)
    Y = streams[:, 1 : used + 1].reshape(batch_size, n_batches, time_step, *series.shape[1:]).swapaxes(0, 1)
    return np.ascontiguousarray(X), np.ascontiguousarray(Y)
