"""Scoring and sampling for language models: perplexity, bits per token, temperature.

A language model gives a probability ``p(x_t | x_<t)`` to every next token. Its quality on a text of
``N`` tokens is the mean negative log-likelihood (cross-entropy, in nats)

    NLL = −(1/N) Σ_t ln p(x_t | x_<t),

reported as perplexity ``exp(NLL)`` (the number of equally likely tokens the model is as unsure as)
or as bits per token ``NLL / ln 2`` (bits per character for a character model). A model that
spreads its probability evenly over a vocabulary of ``V`` tokens has perplexity exactly ``V``.

Sampling divides the logits by a temperature ``τ`` before the softmax: ``τ < 1`` sharpens the
distribution towards the most likely token, ``τ > 1`` flattens it towards uniform.

The baselines a sequence model must beat: the unigram ``p(x_t)`` (token frequencies, Laplace-smoothed)
and the bigram ``p(x_t | x_{t-1})``, interpolated with the unigram by Witten–Bell smoothing
(:class:`BigramModel`); :func:`sample_ngram` draws text from either.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass, field

import numpy as np

from lstm_helpers._checks import check_finite_floats, check_instance, check_int, check_integer_array

# exp(x) is finite for x <= ln(largest float64) ≈ 709.78.
_MAX_EXP_ARGUMENT = float(np.log(np.finfo(np.float64).max))


def _check_nll(nll: object) -> float:
    if isinstance(nll, np.ndarray) and nll.ndim == 0:  # a 0-d array is a number
        nll = nll.item()
    if isinstance(nll, (bool, np.bool_)) or not isinstance(nll, numbers.Real) or not np.isfinite(nll) or nll < 0:
        raise ValueError(f"nll must be a finite mean negative log-likelihood >= 0 (in nats), got {nll!r}")
    return float(nll)


def _rectangular(name: str, values: object) -> object:
    """Return ``values`` unchanged, or raise ``ValueError`` naming ``name`` if it is a ragged nested list."""
    try:
        np.asarray(values)
    except (ValueError, TypeError) as error:
        raise ValueError(f"{name} must be a rectangular array, got a ragged {type(values).__name__}: {error}") from None
    return values


def _finite_floats(name: str, values: object) -> np.ndarray:
    return check_finite_floats(name, _rectangular(name, values))


def _integers(name: str, values: object) -> np.ndarray:
    return check_integer_array(name, _rectangular(name, values))


def _check_smoothing(smoothing: object) -> float:
    if (
        isinstance(smoothing, (bool, np.bool_))
        or not isinstance(smoothing, numbers.Real)
        or not np.isfinite(smoothing)
        or not smoothing > 0
    ):
        raise ValueError(f"smoothing must be a positive number (finite), got {smoothing!r}")
    return float(smoothing)


def _token_ids(name: str, ids: object, vocab_size: int, min_tokens: int = 1) -> np.ndarray:
    """Return ``ids`` as a 1-D integer array of at least ``min_tokens`` ids in ``0 … vocab_size-1``."""
    ids = _integers(name, ids)
    if ids.ndim != 1 or ids.size < min_tokens:
        raise ValueError(f"{name} must have shape (n_tokens,) with n_tokens >= {min_tokens}, got {ids.shape}")
    if ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(f"{name} must hold ids in 0 … {vocab_size - 1}, got {ids.min()} … {ids.max()}")
    return ids


def _check_temperature(name: str, temperature: object) -> float:
    if isinstance(temperature, np.ndarray) and temperature.ndim == 0:  # a 0-d array is a number
        temperature = temperature.item()
    if (
        isinstance(temperature, (bool, np.bool_))
        or not isinstance(temperature, numbers.Real)
        or not np.isfinite(temperature)
        or temperature <= 0
    ):
        raise ValueError(f"{name} must be a positive finite number, got {temperature!r}")
    return float(temperature)


def perplexity(nll: float) -> float:
    """Perplexity ``exp(NLL)`` of a mean negative log-likelihood in nats.

    Parameters
    ----------
    nll : float
        Mean cross-entropy per token, natural log, ``>= 0``.

    Returns
    -------
    perplexity : float
        ``>= 1``; equals ``V`` for a uniform guess over ``V`` tokens.

    Raises
    ------
    ValueError
        If ``nll`` is negative, not finite or not a number, or so large (``> ln(1.8e308) ≈ 709.78``
        nats) that the perplexity would overflow float64; it never returns ``inf``.

    Examples
    --------
    >>> round(perplexity(np.log(65)), 6)
    65.0
    """
    nll = _check_nll(nll)
    if nll > _MAX_EXP_ARGUMENT:
        raise ValueError(f"nll must be <= {_MAX_EXP_ARGUMENT:.2f} nats for exp(nll) to be a finite float64, got {nll!r}; "
                         f"report bits_per_token(nll) instead")
    return float(np.exp(nll))


def bits_per_token(nll: float) -> float:
    """Mean negative log-likelihood in bits, ``NLL / ln 2`` (bits per character for a char model).

    Parameters
    ----------
    nll : float
        Mean cross-entropy per token, natural log, ``>= 0``.

    Returns
    -------
    bits : float

    Raises
    ------
    ValueError
        If ``nll`` is negative, not finite or not a number.

    Examples
    --------
    >>> bits_per_token(np.log(8))
    3.0
    """
    bits = _check_nll(nll) / np.log(2)
    # Rounding to 12 decimals makes exact cases exact (ln 8 → 3.0); past 2**53 / 1e12 ≈ 4504 bits it
    # would only add error (and overflow near 1e296), so large values are returned as computed.
    return float(np.round(bits, 12)) if bits < 2**53 / 1e12 else float(bits)


def unigram_nll(train_ids: np.ndarray, eval_ids: np.ndarray, vocab_size: int, smoothing: float = 1.0) -> float:
    """Mean NLL on ``eval_ids`` of a model that ignores context: token frequencies of ``train_ids``.

    Counts get ``smoothing`` added (Laplace), so a token unseen in training keeps a non-zero
    probability. This is the baseline any sequence model must beat.

    Parameters
    ----------
    train_ids : array_like of int, shape (n_train,)
        Token ids the frequencies are counted on.
    eval_ids : array_like of int, shape (n_eval,)
        Token ids that are scored.
    vocab_size : int
        ``V``; every id must be in ``0 … V-1``.
    smoothing : float, default 1.0
        Pseudo-count added to every token, finite and ``> 0``.

    Returns
    -------
    nll : float
        Mean negative log-likelihood in nats.

    Raises
    ------
    ValueError
        If an id array is empty, not 1-D integer, or holds an id outside the vocabulary; or if
        ``vocab_size`` is not a positive integer or ``smoothing`` is not a positive finite number.

    Examples
    --------
    >>> round(unigram_nll(np.array([0, 0, 1]), np.array([0]), vocab_size=2, smoothing=1.0), 4)
    0.5108
    """
    vocab_size = check_int("vocab_size", vocab_size, minimum=1)
    smoothing = _check_smoothing(smoothing)
    arrays = {"train_ids": _token_ids("train_ids", train_ids, vocab_size),
              "eval_ids": _token_ids("eval_ids", eval_ids, vocab_size)}
    counts = np.bincount(arrays["train_ids"], minlength=vocab_size) + float(smoothing)
    with np.errstate(over="ignore"):
        total = counts.sum()
    if not np.isfinite(total):  # a huge smoothing (near 1e308): the same ratios, scaled down
        counts = counts / counts.max()
        total = counts.sum()
    log_p = np.log(counts) - np.log(total)
    return float(-log_p[arrays["eval_ids"]].mean())


def softmax_with_temperature(logits: np.ndarray, temperature: float) -> np.ndarray:
    """Next-token probabilities ``softmax(logits / τ)`` along the last axis.

    Any finite logits and temperature work: when ``logits / τ`` would overflow (a tiny ``τ``), it is
    formed as ``(logits − max) / τ`` instead, so ``τ → 0`` gives the argmax (ties share) and a huge
    ``τ`` the uniform distribution, never nan.

    Parameters
    ----------
    logits : array_like of float, shape (..., V)
    temperature : float
        ``τ > 0``, finite. ``τ = 1`` is the model's own distribution.

    Returns
    -------
    probabilities : ndarray of float64, shape (..., V)
        Rows sum to 1 (a new array, also for float32 logits).

    Raises
    ------
    ValueError
        If ``temperature`` is not a positive finite number, or ``logits`` is 0-D, has ``V = 0``, is
        ragged, not numeric or not finite.

    Examples
    --------
    >>> softmax_with_temperature(np.log([1.0, 3.0]), 1.0).round(2).tolist()
    [0.25, 0.75]
    >>> softmax_with_temperature([1.0, 2.0, 2.0], 1e-30).tolist()
    [0.0, 0.5, 0.5]
    """
    temperature = _check_temperature("temperature", temperature)
    logits = _finite_floats("logits", logits)
    if logits.ndim == 0 or logits.shape[-1] == 0:
        raise ValueError(f"logits must have shape (..., V) with V >= 1, got {logits.shape}")
    return _softmax(logits, temperature)


def _softmax(logits: np.ndarray, temperature: float) -> np.ndarray:
    """``softmax(logits / τ)`` of finite float64 logits, shape (..., V) with V >= 1."""
    with np.errstate(over="ignore"):
        scaled = logits / temperature
        if np.isfinite(scaled).all():
            scaled -= scaled.max(axis=-1, keepdims=True)  # exp never overflows
        else:  # halved first, so that not even the difference of two logits can overflow
            scaled = (logits * 0.5 - logits.max(axis=-1, keepdims=True) * 0.5) / temperature * 2.0
    weights = np.exp(scaled)
    return weights / weights.sum(axis=-1, keepdims=True)


def sample_next(logits: np.ndarray, temperature: float | np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw one next token per row from ``softmax(logits / τ)``.

    Parameters
    ----------
    logits : array_like of float, shape (batch, V)
        Finite, ``batch >= 1``, ``V >= 1``.
    temperature : float or array_like of float, shape (batch,)
        One temperature for all rows, or one per row (to sample several temperatures side by side);
        each positive and finite (see :func:`softmax_with_temperature`).
    rng : numpy.random.Generator

    Returns
    -------
    ids : ndarray of int64, shape (batch,)
        Never a token whose probability is 0 (in float64).

    Raises
    ------
    ValueError
        If ``logits`` is not 2-D, empty or not finite, a temperature is not positive and finite, the
        temperatures do not match the batch, or ``rng`` is not a Generator.

    Examples
    --------
    >>> sample_next(np.array([[0.0, 50.0]]), 1.0, np.random.default_rng(0)).tolist()
    [1]
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {rng!r}")
    logits = _finite_floats("logits", logits)
    if logits.ndim != 2 or 0 in logits.shape:
        raise ValueError(f"logits must have shape (batch, V) with batch >= 1 and V >= 1, got {logits.shape}")
    batch = logits.shape[0]
    if np.ndim(temperature) == 0:
        temperatures = [_check_temperature("temperature", temperature)] * batch
    else:
        temperatures = np.asarray(_rectangular("temperature", temperature)).ravel().tolist()
        if np.ndim(temperature) > 1 or len(temperatures) != batch:
            raise ValueError(
                f"temperature must be a number or have shape (batch,) = ({batch},), got shape {np.shape(temperature)}"
            )
        temperatures = [_check_temperature(f"temperature[{i}]", t) for i, t in enumerate(temperatures)]
    probabilities = np.stack([_softmax(row, t) for row, t in zip(logits, temperatures)])
    # Inverse-CDF draw per row: one uniform number each, so the stream of draws is reproducible.
    cumulative = np.cumsum(probabilities, axis=1)
    u = rng.random(logits.shape[0])[:, None] * cumulative[:, -1:]
    # Clipped to the first and last tokens of nonzero probability (a draw of exactly 0 would pick a
    # leading zero-probability token).
    first = np.argmax(probabilities > 0, axis=1)
    last = logits.shape[1] - 1 - np.argmax(probabilities[:, ::-1] > 0, axis=1)
    return np.clip((cumulative < u).sum(axis=1), first, last).astype(np.int64)


def token_nll(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """Negative log-likelihood ``−ln softmax(logits)[target]`` of every target token, in nats.

    Parameters
    ----------
    logits : array_like of float, shape (..., V)
        Unnormalised scores of the next token, e.g. a Keras language model's output; finite, ``V >= 1``.
    targets : array_like of int, shape (...)
        The tokens that actually came next.

    Returns
    -------
    nll : ndarray of float64, shape (...)
        Finite (log-sum-exp, no overflow for any logits whose spread is below the largest float64).

    Raises
    ------
    ValueError
        If the shapes do not match, ``logits`` is not finite or has ``V = 0``, a target is outside
        ``0 … V-1``, or a target's logit is so far (> 1.8e308) below the largest that its NLL overflows.

    Examples
    --------
    >>> token_nll(np.zeros((2, 4)), np.array([0, 3])).round(4).tolist()
    [1.3863, 1.3863]
    """
    logits = _finite_floats("logits", logits)
    targets = _integers("targets", targets)
    if logits.ndim < 1 or logits.shape[:-1] != targets.shape:
        raise ValueError(f"logits must have shape targets.shape + (V,) = {targets.shape} + (V,), got {logits.shape}")
    vocab_size = logits.shape[-1]
    if vocab_size == 0:
        raise ValueError(f"logits must have V >= 1 scores per target, got shape {logits.shape}")
    if targets.size and (targets.min() < 0 or targets.max() >= vocab_size):
        raise ValueError(f"targets must be ids in 0 … {vocab_size - 1}, got {targets.min()} … {targets.max()}")
    top = logits.max(axis=-1, keepdims=True)
    with np.errstate(over="ignore"):
        log_norm = top[..., 0] + np.log(np.exp(logits - top).sum(axis=-1))  # log-sum-exp without overflow
        nll = log_norm - np.take_along_axis(logits, targets[..., None], axis=-1)[..., 0]
    if not np.isfinite(nll).all():
        raise ValueError(f"logits must span less than the largest float64 (1.8e308): the NLL of "
                         f"{int((~np.isfinite(nll)).sum())} targets overflows")
    return nll


# ---------------------------------------------------------------- n-gram baselines


def _check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {rng!r:.60}")
    return rng


def _smoothed_unigram(train_ids: np.ndarray, vocab_size: int, smoothing: float) -> np.ndarray:
    """Laplace-smoothed token frequencies of ``train_ids``, shape (V,), summing to 1."""
    counts = np.bincount(train_ids, minlength=vocab_size) + smoothing
    with np.errstate(over="ignore"):
        total = counts.sum()
    if not np.isfinite(total):  # a huge smoothing: the same ratios, scaled down
        counts = counts / counts.max()
        total = counts.sum()
    return counts / total


def _read_only_copy(ids: np.ndarray) -> np.ndarray:
    ids = ids.astype(np.int64)  # always a copy (astype copies by default)
    ids.flags.writeable = False
    return ids


@dataclass(frozen=True, eq=False)
class UnigramModel:
    """The unigram baseline as a model: ``p(x_t | x_<t) = p(x_t)``, Laplace-smoothed frequencies.

    The same probabilities as :func:`unigram_nll`, with the interface of :class:`BigramModel`, so
    that one sampler (:func:`sample_ngram`) draws from both.

    Parameters
    ----------
    train_ids : array_like of int, shape (n_train,)
        Token ids the frequencies are counted on, each in ``0 … V-1``; stored as a read-only copy.
    vocab_size : int
        ``V >= 1``.
    smoothing : float, default 1.0
        Pseudo-count added to every token, finite and ``> 0``.

    Attributes
    ----------
    probabilities : ndarray of float64, shape (V,)
        ``(count(v) + smoothing) / (n_train + V·smoothing)``; read-only.

    Raises
    ------
    ValueError
        If ``train_ids`` is empty, not 1-D integer or holds an id outside ``0 … V-1``; if
        ``vocab_size`` is not an integer ``>= 1`` or ``smoothing`` not a positive finite number.

    Examples
    --------
    >>> UnigramModel(np.array([0, 0, 1]), vocab_size=3).probabilities.round(3).tolist()
    [0.5, 0.333, 0.167]
    """

    train_ids: np.ndarray = field(repr=False)
    vocab_size: int
    smoothing: float = 1.0
    probabilities: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        vocab_size = check_int("vocab_size", self.vocab_size, minimum=1)
        smoothing = _check_smoothing(self.smoothing)
        train_ids = _read_only_copy(_token_ids("train_ids", self.train_ids, vocab_size))
        probabilities = _smoothed_unigram(train_ids, vocab_size, smoothing)
        probabilities.flags.writeable = False
        for name, value in (("train_ids", train_ids), ("vocab_size", vocab_size), ("smoothing", smoothing),
                            ("probabilities", probabilities)):
            object.__setattr__(self, name, value)

    def next_probabilities(self, context_ids: np.ndarray) -> np.ndarray:
        """Distribution of the next token after each context token (the same row for every context).

        Parameters
        ----------
        context_ids : array_like of int, shape (n,)

        Returns
        -------
        probabilities : ndarray of float64, shape (n, V)
            A new array; rows sum to 1.

        Raises
        ------
        ValueError
            If ``context_ids`` is empty, not 1-D integer or holds an id outside ``0 … V-1``.
        """
        context_ids = _token_ids("context_ids", context_ids, self.vocab_size)
        return np.tile(self.probabilities, (context_ids.size, 1))  # n, V

    def log_probabilities(self, context_ids: np.ndarray, next_ids: np.ndarray) -> np.ndarray:
        """``ln p(next_ids[k] | context_ids[k])`` for every k, in nats.

        Parameters
        ----------
        context_ids, next_ids : array_like of int, shape (n,)

        Returns
        -------
        log_p : ndarray of float64, shape (n,)

        Raises
        ------
        ValueError
            If the two arrays differ in shape, are not 1-D integer or hold an id outside ``0 … V-1``.
        """
        context_ids, next_ids = _context_and_next(context_ids, next_ids, self.vocab_size)
        return np.log(self.probabilities[next_ids])


def _context_and_next(context_ids: object, next_ids: object, vocab_size: int) -> tuple[np.ndarray, np.ndarray]:
    context_ids = _token_ids("context_ids", context_ids, vocab_size)
    next_ids = _token_ids("next_ids", next_ids, vocab_size)
    if context_ids.shape != next_ids.shape:
        raise ValueError(f"context_ids and next_ids must have the same shape (n,), got {context_ids.shape} "
                         f"and {next_ids.shape}")
    return context_ids, next_ids


@dataclass(frozen=True, eq=False)
class BigramModel:
    """A bigram model interpolated with the unigram by Witten–Bell smoothing.

    With ``c(a, b)`` the number of times token ``b`` follows token ``a`` in ``train_ids``,
    ``c(a) = Σ_b c(a, b)`` and ``T(a)`` the number of distinct tokens seen after ``a``,

        p(b | a) = (c(a, b) + T(a) · p_uni(b)) / (c(a) + T(a)),

    where ``p_uni`` is the Laplace-smoothed unigram (:class:`UnigramModel`). A context seen with
    many different successors (large ``T(a)``) leans on the unigram; a context always followed by
    the same token trusts its counts. A context never seen (``c(a) = 0``) gets ``p_uni``. Every
    row sums to 1 and every probability is ``> 0``, so any text has a finite NLL. Witten & Bell
    (1991); the interpolated form is the one compared by Chen & Goodman (1998). It needs no weight
    tuned on held-out data, unlike a fixed interpolation weight, and unlike add-k smoothing it does
    not give most of the probability to the ``V²`` pairs never seen.

    Only the distinct pairs seen are stored (sparse), never the ``V × V`` table.

    Parameters
    ----------
    train_ids : array_like of int, shape (n_train,)
        The training stream, each id in ``0 … V-1``; pairs are ``(train_ids[t-1], train_ids[t])``.
        Stored as a read-only copy.
    vocab_size : int
        ``V >= 1``.
    smoothing : float, default 1.0
        Pseudo-count of the unigram ``p_uni``, finite and ``> 0``.

    Raises
    ------
    ValueError
        If ``train_ids`` is empty, not 1-D integer or holds an id outside ``0 … V-1``; if
        ``vocab_size`` is not an integer ``>= 1`` or ``smoothing`` not a positive finite number.

    Examples
    --------
    >>> model = BigramModel(np.array([0, 1, 0, 1, 0, 2]), vocab_size=3)
    >>> model.unigram.probabilities.round(3).tolist()  # (3 + 1, 2 + 1, 1 + 1) / (6 + 3)
    [0.444, 0.333, 0.222]
    >>> model.next_probabilities([0]).round(3).tolist()  # after 0: c(0, ·) = (0, 2, 1), c(0) = 3, T(0) = 2
    [[0.178, 0.533, 0.289]]
    """

    train_ids: np.ndarray = field(repr=False)
    vocab_size: int
    smoothing: float = 1.0
    unigram: UnigramModel = field(init=False, repr=False)
    pair_keys: np.ndarray = field(init=False, repr=False)  # sorted a·V + b of each distinct pair seen
    pair_counts: np.ndarray = field(init=False, repr=False)  # c(a, b) of each, same order
    context_counts: np.ndarray = field(init=False, repr=False)  # c(a), shape (V,)
    context_types: np.ndarray = field(init=False, repr=False)  # T(a), shape (V,)

    def __post_init__(self) -> None:
        unigram = UnigramModel(self.train_ids, self.vocab_size, self.smoothing)  # checks all three
        train_ids, vocab_size = unigram.train_ids, unigram.vocab_size
        pair_keys, pair_counts = np.unique(train_ids[:-1] * vocab_size + train_ids[1:], return_counts=True)
        context_counts = np.bincount(train_ids[:-1], minlength=vocab_size)
        context_types = np.bincount(pair_keys // vocab_size, minlength=vocab_size)
        for name, value in (("train_ids", train_ids), ("vocab_size", vocab_size), ("smoothing", unigram.smoothing),
                            ("unigram", unigram), ("pair_keys", pair_keys), ("pair_counts", pair_counts),
                            ("context_counts", context_counts), ("context_types", context_types)):
            if isinstance(value, np.ndarray):
                value.flags.writeable = False
            object.__setattr__(self, name, value)

    def next_probabilities(self, context_ids: np.ndarray) -> np.ndarray:
        """Distribution ``p(· | a)`` of the next token after each context token ``a``.

        Parameters
        ----------
        context_ids : array_like of int, shape (n,)

        Returns
        -------
        probabilities : ndarray of float64, shape (n, V)
            Rows sum to 1 (a dense array: keep ``n`` small for a large vocabulary).

        Raises
        ------
        ValueError
            If ``context_ids`` is empty, not 1-D integer or holds an id outside ``0 … V-1``.
        """
        context_ids = _token_ids("context_ids", context_ids, self.vocab_size)
        vocab_size, p_uni = self.vocab_size, self.unigram.probabilities
        rows = np.empty((context_ids.size, vocab_size))  # n, V
        starts = np.searchsorted(self.pair_keys, context_ids * vocab_size)
        ends = np.searchsorted(self.pair_keys, (context_ids + 1) * vocab_size)
        for row, a, start, end in zip(rows, context_ids, starts, ends):
            c_a, t_a = self.context_counts[a], self.context_types[a]
            if c_a == 0:  # an unseen context: the unigram
                row[:] = p_uni
                continue
            row[:] = t_a * p_uni
            row[self.pair_keys[start:end] - a * vocab_size] += self.pair_counts[start:end]
            row /= c_a + t_a
        return rows

    def log_probabilities(self, context_ids: np.ndarray, next_ids: np.ndarray) -> np.ndarray:
        """``ln p(next_ids[k] | context_ids[k])`` for every k, in nats, without forming the ``V × V`` table.

        Parameters
        ----------
        context_ids, next_ids : array_like of int, shape (n,)

        Returns
        -------
        log_p : ndarray of float64, shape (n,)
            Finite.

        Raises
        ------
        ValueError
            If the two arrays differ in shape, are not 1-D integer or hold an id outside ``0 … V-1``.
        """
        context_ids, next_ids = _context_and_next(context_ids, next_ids, self.vocab_size)
        keys = context_ids.astype(np.int64) * self.vocab_size + next_ids
        where = np.minimum(np.searchsorted(self.pair_keys, keys), max(self.pair_keys.size - 1, 0))
        seen = self.pair_keys[where] == keys if self.pair_keys.size else np.zeros(keys.shape, dtype=bool)
        c_ab = np.where(seen, self.pair_counts[where] if self.pair_keys.size else 0, 0)
        c_a, t_a = self.context_counts[context_ids], self.context_types[context_ids]
        p_uni = self.unigram.probabilities[next_ids]
        with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 for unseen contexts, replaced below
            p = np.where(c_a > 0, (c_ab + t_a * p_uni) / (c_a + t_a), p_uni)
        return np.log(p)


def bigram_nll(train_ids: np.ndarray, eval_ids: np.ndarray, vocab_size: int, smoothing: float = 1.0) -> float:
    """Mean NLL on ``eval_ids`` of the Witten–Bell bigram (:class:`BigramModel`) counted on ``train_ids``.

    Every token of ``eval_ids`` after the first is scored given the one before it: the
    ``n_eval − 1`` targets that a model reading the stream predicts (the ``Y`` of
    :func:`lstm_helpers.sequences.stateful_batches`). To compare with :func:`unigram_nll` on the
    same targets, pass it ``eval_ids[1:]``.

    Parameters
    ----------
    train_ids : array_like of int, shape (n_train,)
        Training stream, ids in ``0 … V-1``.
    eval_ids : array_like of int, shape (n_eval,)
        Stream to score, ``n_eval >= 2``.
    vocab_size : int
        ``V >= 1``.
    smoothing : float, default 1.0
        Pseudo-count of the unigram the bigram falls back on, finite and ``> 0``.

    Returns
    -------
    nll : float
        Mean negative log-likelihood per scored token, in nats.

    Raises
    ------
    ValueError
        If an id array is not 1-D integer, holds an id outside the vocabulary, ``train_ids`` is
        empty or ``eval_ids`` has fewer than 2 tokens; or ``vocab_size`` / ``smoothing`` is bad.

    Examples
    --------
    >>> round(bigram_nll([0, 1, 0, 1], [0, 1], vocab_size=2), 4)  # −ln p(1 | 0) = −ln((2 + 1·½) / (2 + 1))
    0.1823
    """
    model = BigramModel(train_ids, vocab_size, smoothing)
    eval_ids = _token_ids("eval_ids", eval_ids, model.vocab_size, min_tokens=2)
    return float(-model.log_probabilities(eval_ids[:-1], eval_ids[1:]).mean())


def sample_ngram(
    model: UnigramModel | BigramModel,
    start_id: int,
    stop_id: int,
    max_length: int,
    rng: np.random.Generator,
    temperature: float = 1.0,
) -> np.ndarray:
    """Draw tokens from an n-gram baseline, after ``start_id``, until it draws ``stop_id``.

    Each token is drawn from ``softmax(ln p(· | previous) / τ)``, that is ``p^(1/τ)`` renormalised
    (``τ = 1``: the model's own distribution), with :func:`sample_next`.

    Parameters
    ----------
    model : UnigramModel or BigramModel
    start_id : int
        The context of the first draw (e.g. the separator that precedes every text in the stream).
    stop_id : int
        Drawing it ends the sample; it is not included.
    max_length : int
        At most this many tokens (``>= 1``); a sample that reaches it without drawing ``stop_id``
        is returned as it is, ``max_length`` tokens long.
    rng : numpy.random.Generator
    temperature : float, default 1.0
        ``τ > 0``, finite.

    Returns
    -------
    ids : ndarray of int64, shape (n_tokens,)
        ``0 <= n_tokens <= max_length``; never contains ``stop_id``.

    Raises
    ------
    TypeError
        If ``model`` is neither a UnigramModel nor a BigramModel.
    ValueError
        If an id is not an integer in ``0 … V-1``, ``max_length`` is not an integer ``>= 1``,
        ``rng`` is not a Generator or ``temperature`` is not a positive finite number.

    Examples
    --------
    >>> model = BigramModel(np.array([2, 0, 1, 2, 0, 1, 2]), vocab_size=3)
    >>> sample_ngram(model, start_id=2, stop_id=2, max_length=10, rng=np.random.default_rng(0)).tolist()
    [0, 1, 0, 0, 1]
    """
    check_instance("model", model, (UnigramModel, BigramModel))
    vocab_size = model.vocab_size
    start_id = check_int("start_id", start_id, minimum=0)
    stop_id = check_int("stop_id", stop_id, minimum=0)
    for name, value in (("start_id", start_id), ("stop_id", stop_id)):
        if value >= vocab_size:
            raise ValueError(f"{name} must be an id in 0 … {vocab_size - 1}, got {value}")
    max_length = check_int("max_length", max_length, minimum=1)
    rng = _check_rng(rng)
    temperature = _check_temperature("temperature", temperature)
    ids: list[int] = []
    previous = start_id
    while len(ids) < max_length:
        log_p = np.log(model.next_probabilities([previous]))  # 1, V; finite: every probability is > 0
        previous = int(sample_next(log_p, temperature, rng)[0])
        if previous == stop_id:
            break
        ids.append(previous)
    return np.array(ids, dtype=np.int64)
