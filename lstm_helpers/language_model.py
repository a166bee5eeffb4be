"""Scoring and sampling for language models: perplexity, bits per token, temperature.

A language model gives a probability ``p(x_t | x_<t)`` to every next token. Its quality on a text of
``N`` tokens is the mean negative log-likelihood (cross-entropy, in nats)

    NLL = −(1/N) Σ_t ln p(x_t | x_<t),

reported as perplexity ``exp(NLL)`` (the number of equally likely tokens the model is as unsure as)
or as bits per token ``NLL / ln 2`` (bits per character for a character model). A model that
spreads its probability evenly over a vocabulary of ``V`` tokens has perplexity exactly ``V``.

Sampling divides the logits by a temperature ``τ`` before the softmax: ``τ < 1`` sharpens the
distribution towards the most likely token, ``τ > 1`` flattens it towards uniform.
"""

from __future__ import annotations

import numbers

import numpy as np

from lstm_helpers._checks import check_finite_floats, check_int, check_integer_array

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
    if (
        isinstance(smoothing, (bool, np.bool_))
        or not isinstance(smoothing, numbers.Real)
        or not np.isfinite(smoothing)
        or not smoothing > 0
    ):
        raise ValueError(f"smoothing must be a positive number (finite), got {smoothing!r}")
    arrays = {}
    for name, ids in (("train_ids", train_ids), ("eval_ids", eval_ids)):
        ids = _integers(name, ids)
        if ids.ndim != 1 or ids.size == 0:
            raise ValueError(f"{name} must have shape (n_tokens,) with n_tokens >= 1, got {ids.shape}")
        if ids.min() < 0 or ids.max() >= vocab_size:
            raise ValueError(f"{name} must hold ids in 0 … {vocab_size - 1}, got {ids.min()} … {ids.max()}")
        arrays[name] = ids
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
