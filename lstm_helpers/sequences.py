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
from collections.abc import Iterator, Mapping, Sequence, Set
from dataclasses import dataclass, field

import numpy as np

from lstm_helpers._checks import check_bool, check_int, check_integer_array, check_strings

# Clitics split off as in the Penn Treebank and GloVe's tokenizer: "don't" -> "do", "n't";
# "it's" -> "it", "'s". Other inner apostrophes stay inside the word ("o'er").
_CLITIC = r"(?:s|re|ve|m|ll|d)\b"
_WORD = re.compile(
    rf"[a-z0-9]+(?=n't\b)|n't\b|'{_CLITIC}|[a-z0-9]+(?:'(?!{_CLITIC})[a-z]+)?|[^\sa-z0-9]"
)
_LEVELS = ("char", "word")


def _as_array(name: str, values: object) -> np.ndarray:
    """``np.asarray(values)``, refusing a str (``TypeError``), a masked array and ragged nesting."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got a {type(values).__name__} {values!r:.40}")
    if isinstance(values, np.ma.MaskedArray):  # np.asarray would drop the mask and use the hidden values
        raise TypeError(f"{name} must be a plain array, got a masked array; fill it first, e.g. {name}.filled(np.nan)")
    try:
        return np.asarray(values)
    except (ValueError, TypeError) as error:  # ragged nested lists
        raise ValueError(
            f"{name} must be a rectangular array of numbers, got {type(values).__name__}: {error}"
        ) from None


def _check_numbers(name: str, values: object, *, allow_nan: bool = False, finite_hint: str | None = None) -> np.ndarray:
    """Return ``values`` as an ndarray of integers or real floats, keeping its dtype (no copy if possible).

    Refuses booleans, strings, objects and complex numbers (``ValueError`` naming the dtype), and
    nan/inf values (only inf if ``allow_nan``). ``finite_hint`` replaces the default end of the
    nan/inf message (`` of {size}``).
    """
    array = _as_array(name, values)
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise ValueError(f"{name} must be numeric, got dtype {array.dtype}; expected integers or real floats")
    if np.issubdtype(array.dtype, np.floating):
        bad = np.isinf(array) if allow_nan else ~np.isfinite(array)
        if bad.any():
            n_bad = int(bad.sum())
            if allow_nan:
                raise ValueError(f"{name} must be finite or nan, got {n_bad} infinite")
            hint = f" of {array.size}" if finite_hint is None else finite_hint
            raise ValueError(f"{name} must be finite, got {n_bad} nan/inf values{hint}")
    return array


def _check_ids(name: str, ids: object) -> np.ndarray:
    """Return ``ids`` as an integer ndarray; an empty list counts as integer ids."""
    if isinstance(ids, (str, bytes)):
        raise TypeError(f"{name} must be an array of integer ids, got a {type(ids).__name__} {ids!r:.40}; "
                        "Vocabulary.encode turns text into ids")
    array = _as_array(name, ids)
    if array.size == 0 and np.issubdtype(array.dtype, np.floating):  # np.asarray([]) is float64
        array = array.astype(np.int64)
    return check_integer_array(name, array)



def _check_token_sequence(name: str, values: object) -> list[str]:
    """Return ``values`` as a list of non-empty strings, refusing a single string, a set and a mapping.

    A set has no order, so the ids it would give change from run to run; a mapping's values would
    be ignored.
    """
    if isinstance(values, (Set, Mapping)):
        raise TypeError(f"{name} must be an ordered sequence of strings (a list or tuple), "
                        f"got a {type(values).__name__}, whose order is not the caller's")
    tokens = check_strings(name, values)
    empty = [i for i, token in enumerate(tokens) if not token]
    if empty:
        raise ValueError(f"{name} must hold non-empty strings, got '' at position {empty[0]}")
    return tokens


def _check_level(level: object) -> str:
    if not isinstance(level, str) or level not in _LEVELS:
        raise ValueError(f"level must be 'char' or 'word', got {level!r}")
    return level


def _check_unknown(unknown: object) -> str | None:
    if unknown is not None and not isinstance(unknown, str):
        raise TypeError(f"unknown must be a str or None, got {unknown!r} ({type(unknown).__name__})")
    if unknown == "":
        raise ValueError("unknown must be a non-empty str, got ''")
    return unknown


def one_hot(ids: np.ndarray | Sequence[int], depth: int, dtype: type = np.float32) -> np.ndarray:
    """Encode integer ids as one-hot vectors.

    Parameters
    ----------
    ids : array_like of int, any shape S
        Token ids, each in ``0 … depth-1``.
    depth : int
        Number of classes (vocabulary size), ``>= 1``.
    dtype : numpy dtype, default float32
        Element type of the result: a float, integer or bool dtype (float32 is what Keras layers expect).

    Returns
    -------
    vectors : ndarray, shape S + (depth,)
        ``vectors[..., j]`` is 1 where ``ids == j`` and 0 elsewhere.

    Raises
    ------
    ValueError
        If ``ids`` is not integer, holds a negative id or an id ``>= depth``, or ``depth`` is not an
        integer ``>= 1``.
    TypeError
        If ``ids`` is a str, or ``dtype`` is not a float, integer or bool dtype.

    Examples
    --------
    >>> one_hot([2, 0], depth=3)
    array([[0., 0., 1.],
           [1., 0., 0.]], dtype=float32)
    """
    depth = check_int("depth", depth, minimum=1)
    _check_output_dtype(dtype)
    ids = _check_ids("ids", ids)
    if ids.size and ids.min() < 0:
        raise ValueError(f"ids must be >= 0, got {ids.min()}")
    if ids.size and ids.max() >= depth:
        raise ValueError(f"ids must be < depth={depth}, got {ids.max()}")
    return (ids[..., None] == np.arange(depth)).astype(dtype)


def _check_output_dtype(dtype: object) -> None:
    """Refuse a ``dtype`` that would turn 0/1 into text, objects or complex numbers (or ``None``: float64)."""
    try:
        resolved = None if dtype is None else np.dtype(dtype)  # type: ignore[call-overload]
    except TypeError:
        resolved = None
    if resolved is None or not (resolved == bool or np.issubdtype(resolved, np.integer)
                                or np.issubdtype(resolved, np.floating)):
        raise TypeError(f"dtype must be a float, integer or bool dtype such as np.float32, got {dtype!r}")


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

    Raises
    ------
    TypeError
        If ``tokens`` is a single str, a set or a mapping, or holds a non-str; or ``unknown`` is not a str.
    ValueError
        If ``tokens`` is empty, repeats a token or holds ``''``, ``level`` is unknown, or ``unknown``
        is not one of ``tokens``.
    """

    tokens: tuple[str, ...]
    level: str = "char"
    unknown: str | None = None
    _index: dict[str, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_level(self.level)
        tokens = tuple(_check_token_sequence("tokens", self.tokens))  # once: tokens may be an iterator
        unknown = _check_unknown(self.unknown)
        if not tokens:
            raise ValueError("tokens must hold at least one token, got an empty sequence")
        index = {token: i for i, token in enumerate(tokens)}
        if len(index) != len(tokens):
            repeated = sorted(t for t, n in Counter(tokens).items() if n > 1)
            raise ValueError(f"tokens must be distinct, got repeated {repeated[:5]}")
        if unknown is not None and unknown not in index:
            raise ValueError(f"unknown must be one of tokens, got {unknown!r}")
        object.__setattr__(self, "tokens", tokens)
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
            If ``text`` is empty or not a str, ``level`` is unknown, the sizes are not positive
            integers, or ``specials`` repeats a token or holds ``''``.
        TypeError
            If ``specials`` is a single str (wrap it in a tuple), a set, or holds a non-str; or
            ``unknown`` is not a str.

        Examples
        --------
        >>> Vocabulary.from_text("abca").tokens
        ('a', 'b', 'c')
        """
        if not isinstance(text, str) or not text:
            raise ValueError(f"text must be a non-empty str, got {text!r:.40}")
        level = _check_level(level)
        min_count = check_int("min_count", min_count, minimum=1)
        specials = tuple(_check_token_sequence("specials", specials))
        if len(set(specials)) != len(specials):
            repeated = sorted(t for t, n in Counter(specials).items() if n > 1)
            raise ValueError(f"specials must be distinct, got repeated {repeated[:5]}")
        unknown = _check_unknown(unknown)
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
            A string is tokenized with :meth:`tokenize` (so at word level ``"<unk>"`` is three
            tokens); a list is taken as tokens, e.g. ``["<unk>"]``.

        Returns
        -------
        ids : ndarray of int32, shape (n_tokens,)

        Raises
        ------
        ValueError
            If a token is not in the vocabulary and there is no ``unknown`` token.
        TypeError
            If ``text`` is neither a str nor an ordered sequence of str (bytes, a set, numbers).
        """
        if isinstance(text, bytes):
            raise TypeError(f"text must be a str or a sequence of str tokens, got bytes {text!r:.40}; decode it first")
        tokens = self.tokenize(text) if isinstance(text, str) else _check_token_sequence("text", text)
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
            If ``ids`` is not a 1-D integer array or holds an id outside ``0 … len(self)-1``
            (a negative id would otherwise count from the end).
        TypeError
            If ``ids`` is a str.
        """
        ids = _check_ids("ids", ids)
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
        If ``values`` is not 1-D, is not numeric (strings, booleans, ``None``), holds infinities, or
        has no observed value at all.
    TypeError
        If ``values`` is a str or a masked array (fill its mask with ``nan`` first).

    Examples
    --------
    >>> fill_missing([1.0, np.nan, np.nan, 4.0])
    array([1., 2., 3., 4.])
    """
    values = _check_numbers("values", values, allow_nan=True)
    if values.ndim != 1:
        raise ValueError(f"values must have shape (steps,), got {values.shape}")
    if values.size == 0:
        raise ValueError("values must contain at least one observed value, got an empty series")
    values = values.astype(np.float64)  # always a new array
    observed = ~np.isnan(values)
    if not observed.any():
        raise ValueError(f"values must contain at least one observed value, got {values.size} nan")
    steps = np.arange(values.size)
    known = values[observed]
    with np.errstate(over="ignore"):
        overflows = not np.isfinite(np.diff(known)).all()
    if not overflows:
        filled = np.interp(steps, steps[observed], known)
    else:  # neighbours near ±1.8e308: their difference overflows; halving is exact (bar subnormals)
        filled = 2.0 * np.interp(steps, steps[observed], 0.5 * known)
    filled[observed] = known  # observed values exactly as given
    return filled


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

        Both are new, writable arrays that share no memory with ``series``.

    Raises
    ------
    ValueError
        If ``series`` is not 1-D/2-D with at least one feature, is not numeric (strings, booleans,
        complex), is not finite, or is too short for one window plus horizon; or ``time_step`` /
        ``horizon`` is not an integer ``>= 1``.
    TypeError
        If ``series`` is a str or a masked array.

    Examples
    --------
    >>> X, y = make_windows(np.arange(6.0), time_step=3)
    >>> X.tolist(), y.tolist()
    ([[0.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 4.0]], [3.0, 4.0, 5.0])
    """
    series = _check_series(series, finite_hint="; fill gaps first (fill_missing)")
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
    # copies, never views: sliding_window_view is read-only and time_step=1 would alias the series
    return windows.copy(order="C"), targets.copy()


def _check_series(series: object, finite_hint: str | None = None) -> np.ndarray:
    """A finite numeric series of shape (steps,) or (steps, features >= 1), dtype kept."""
    array = _as_array("series", series)
    if array.ndim not in (1, 2):
        raise ValueError(f"series must have shape (steps,) or (steps, features), got {array.shape}")
    if array.ndim == 2 and array.shape[1] == 0:
        raise ValueError(f"series must have at least one feature, got shape {array.shape}")
    return _check_numbers("series", array, finite_hint=finite_hint)


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

    Raises
    ------
    ValueError
        If ``n_samples`` is not an integer ``>= 0`` or ``batch_size`` not an integer ``>= 1``.
    TypeError
        If ``drop_remainder`` is not a bool (the string ``"False"`` would count as true).

    Examples
    --------
    >>> count_batches(2254, 60), count_batches(2254, 60, drop_remainder=True)
    (38, 37)
    """
    n_samples = check_int("n_samples", n_samples, minimum=0)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    drop_remainder = check_bool("drop_remainder", drop_remainder)
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
        New arrays (copies of the selected rows), dtypes as given.

    Raises
    ------
    ValueError
        If ``X`` and ``y`` differ in length, are not numeric (strings, booleans, objects, complex) or
        not finite, ``batch_size`` is not an integer ``>= 1``, or ``shuffle`` lacks ``rng``.
    TypeError
        If ``X`` or ``y`` is a str, ``shuffle`` or ``drop_remainder`` is not a bool, or ``rng`` is
        neither None nor a ``numpy.random.Generator``.
    """
    X, y = _check_numbers("X", X), _check_numbers("y", y)
    if X.ndim == 0 or y.ndim == 0 or X.shape[0] != y.shape[0]:
        raise ValueError(f"X and y must have the same number of samples on axis 0, got {X.shape} and {y.shape}")
    batch_size = check_int("batch_size", batch_size, minimum=1)
    shuffle = check_bool("shuffle", shuffle)
    drop_remainder = check_bool("drop_remainder", drop_remainder)
    if rng is not None and not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator or None, got {type(rng).__name__}")
    if shuffle and rng is None:
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
        ``Y[k, i, t]`` is the step after ``X[k, i, t]`` in stream ``i``. Both are new, writable
        arrays that share no memory with ``series``; the dtype is the series'.

    Raises
    ------
    ValueError
        If the series is not 1-D/2-D with at least one feature, not numeric (strings, booleans,
        complex), not finite, or too short for one batch of this size; or ``batch_size`` /
        ``time_step`` is not an integer ``>= 1``.
    TypeError
        If ``series`` is a str or a masked array.

    Examples
    --------
    >>> X, Y = stateful_batches(np.arange(20), batch_size=2, time_step=3)
    >>> X[0].tolist(), X[1].tolist()
    ([[0, 1, 2], [10, 11, 12]], [[3, 4, 5], [13, 14, 15]])
    """
    series = _check_series(series)
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
    # copies, never views: with batch_size=1 the reshapes above are views of the caller's series
    return X.copy(order="C"), Y.copy(order="C")
