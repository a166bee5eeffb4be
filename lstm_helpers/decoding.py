"""Decoding a sequence from a step-by-step model: greedy search, beam search, exhaustive search.

A decoder gives the log-probability of each next token ``y_t`` given the tokens before it (and the
input it was conditioned on, which lives in its state). A sequence ``y = y_1 … y_L`` has

    log P(y) = Σ_{t=1}^{L} log p(y_t | y_<t),

a sum that only falls as the sequence grows. Greedy decoding takes the most likely token at every
step. Beam search keeps the ``beam_width`` best prefixes at every step instead, so it can recover
from a first token that looked best but leads nowhere; it is still a heuristic: once prefixes are
pruned (or scores are length-normalised), it can end with a *lower* log P(y) than greedy.
:func:`exhaustive_search` enumerates every sequence of a tiny model, to check the other two.

**Length normalisation.** Because log P(y) only falls, the raw sum favours short outputs. The
searches rank finished hypotheses by the score of Wu et al. (2016, GNMT),

    score(y) = log P(y) / lp(y),   lp(y) = ((5 + |y|) / 6)^λ,

where |y| counts the generated tokens, the end token included, and ``λ = length_penalty`` (λ = 0:
lp = 1, the raw log-probability; larger λ favours longer outputs). GNMT calls the exponent α; this
book keeps α for attention weights. Within one step all candidates have the same length, so
pruning by the raw sum or by the score keeps the same ones.

**The step function protocol.** The searches never see the model, only a function

    step_fn(state, token_ids) -> (log_probs, new_state)

- ``token_ids``: int64 array of shape (k,), the last token of each of k hypotheses (``start_id``
  at the first step);
- ``state``: any *pytree* of arrays whose leading dimension is k: an array, or a tuple, list or
  dict (nested as deep as needed) of arrays; ``None`` leaves are kept as they are. It holds what
  the model carries between steps (an LSTM's ``[h, c]``) and anything constant it needs (an
  attention decoder's encoder states, repeated k times). The searches reorder it with
  ``np.take(leaf, beam_indices, axis=0)`` on every leaf (:func:`reorder_state`), so a leaf must
  be something ``np.asarray`` accepts, and ``step_fn`` must return a new state rather than
  change the one it was given (exhaustive search reuses a state for every continuation);
- ``log_probs``: shape (k, V), row i the log-probabilities of the next token after hypothesis i;
  each row must be normalised (``logsumexp = 0``, checked): apply :func:`log_softmax` to logits.
  ``−inf`` (probability 0) is allowed, nan is not.

The start state has leading dimension 1: one input sequence is decoded at a time. A numpy model
is wrapped directly; a Keras decoder that runs one step, such as Chapter 8's
``decoder([token, h, c]) -> (logits, h, c)``, is wrapped as

    def step_fn(state, token_ids):
        h, c = state
        logits, h, c = decoder([token_ids[:, None].astype("int32"), h, c])
        return log_softmax(np.asarray(logits)[:, -1]), (np.asarray(h), np.asarray(c))

with ``start_state = tuple(np.asarray(s) for s in encoder(source[None]))``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from lstm_helpers._checks import ArgumentTypeError, check_float_array, check_int, check_real

#: How far a row's logsumexp may be from 0 before ``step_fn``'s output is refused as not normalised.
LOG_NORMALISATION_TOLERANCE = 1e-3

#: The most sequences :func:`exhaustive_search` agrees to enumerate (V^max_length).
EXHAUSTIVE_LIMIT = 100_000

StepFunction = Callable[[Any, np.ndarray], "tuple[np.ndarray, Any]"]


@dataclass(frozen=True)
class Hypothesis:
    """One decoded sequence and its scores.

    Attributes
    ----------
    tokens : tuple of int
        The generated tokens ``y_1 … y_L``: ``start_id`` excluded, the end token included when the
        hypothesis finished.
    log_prob : float
        ``log P(y) = Σ_t log p(y_t | y_<t)``, the raw sum.
    score : float
        ``log_prob / ((5 + L) / 6)^λ``, what the search ranks by (equal to ``log_prob`` for λ = 0
        and for greedy decoding).
    finished : bool
        True if the last token is the end token; False for a hypothesis cut at ``max_length``.
    """

    tokens: tuple[int, ...]
    log_prob: float
    score: float
    finished: bool


def log_softmax(logits: np.ndarray) -> np.ndarray:
    """``log softmax(ℓ)`` along the last axis, computed as ``ℓ − m − log Σ exp(ℓ − m)`` with ``m = max ℓ``.

    Parameters
    ----------
    logits : array_like of float, shape (..., V)
        Finite logits ``ℓ``; at least one axis, the last non-empty.

    Returns
    -------
    log_probs : ndarray, shape of ``logits``
        Each row's ``exp`` sums to 1. float32 stays float32, integers become float64.

    Raises
    ------
    TypeError
        If ``logits`` is not real numbers.
    ValueError
        If ``logits`` is a scalar, has an empty last axis, or holds nan/inf.

    Examples
    --------
    >>> np.exp(log_softmax(np.array([[0.0, np.log(3.0)]]))).round(2).tolist()
    [[0.25, 0.75]]
    """
    logits = check_float_array("logits", logits)
    if logits.ndim == 0 or logits.shape[-1] == 0:
        raise ValueError(f"logits must have shape (..., vocab_size) with vocab_size >= 1, got {logits.shape}")
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def normalised_score(log_prob: float, length: int, length_penalty: float) -> float:
    """GNMT's length-normalised score ``log_prob / ((5 + length) / 6)^λ`` with ``λ = length_penalty``.

    Parameters
    ----------
    log_prob : float
        ``log P(y)``, ``<= 0`` (``-inf`` is allowed: a sequence of probability 0).
    length : int
        ``|y|``, the number of generated tokens, ``>= 1``.
    length_penalty : float
        λ (GNMT's α), ``>= 0``; 0 gives ``log_prob`` unchanged.

    Returns
    -------
    score : float

    Raises
    ------
    TypeError
        If a number is not a real number.
    ValueError
        If ``log_prob`` is positive or nan, ``length`` is not an integer ``>= 1``, or
        ``length_penalty`` is negative or not finite.

    Examples
    --------
    >>> normalised_score(-2.0, 7, 1.0)
    -1.0
    """
    if isinstance(log_prob, (bool, np.bool_)) or not isinstance(log_prob, (int, float, np.integer, np.floating)):
        raise TypeError(f"log_prob must be a real number, got {log_prob!r} ({type(log_prob).__name__})")
    if not float(log_prob) <= 0:
        raise ValueError(f"log_prob must be a log-probability <= 0, got {log_prob!r}")
    length = check_int("length", length, minimum=1)
    length_penalty = check_real("length_penalty", length_penalty, minimum=0.0)
    return _normalised(float(log_prob), length, length_penalty)


def _normalised(log_prob: float, length: int, length_penalty: float) -> float:
    return log_prob if length_penalty == 0 else log_prob / ((5.0 + length) / 6.0) ** length_penalty


# --- the state pytree ----------------------------------------------------------------------------


def _map_leaves(function: Callable[[str, object], object], state: object, path: str = "state") -> object:
    """Apply ``function(path, leaf)`` to every leaf of a pytree of tuples, lists, dicts and arrays."""
    if state is None:
        return None
    if isinstance(state, dict):
        return {key: _map_leaves(function, value, f"{path}[{key!r}]") for key, value in state.items()}
    if isinstance(state, (tuple, list)):
        items = [_map_leaves(function, value, f"{path}[{i}]") for i, value in enumerate(state)]
        if isinstance(state, tuple) and hasattr(state, "_fields"):  # a namedtuple
            return type(state)(*items)
        return type(state)(items)
    return function(path, state)


def _leaf_array(path: str, leaf: object, rows: int | None) -> np.ndarray:
    """``leaf`` as an array with at least one axis (of length ``rows`` if given), or raise."""
    if isinstance(leaf, (str, bytes)):
        raise ArgumentTypeError(f"{path} must be an array, got a {type(leaf).__name__}: {leaf!r:.40}")
    try:
        array = np.asarray(leaf)
    except (ValueError, TypeError) as error:
        raise ArgumentTypeError(f"{path} must be an array, got {type(leaf).__name__}: {error}") from None
    if array.dtype == object:
        raise ArgumentTypeError(f"{path} must be an array of numbers, got dtype object "
                                f"(a {type(leaf).__name__} the state protocol does not know: use tuples, "
                                f"lists or dicts of arrays)")
    if array.ndim == 0:
        raise ValueError(f"{path} must have a leading hypothesis axis, got a scalar {leaf!r:.40}")
    if rows is not None and array.shape[0] != rows:
        raise ValueError(f"{path} must have leading dimension k = {rows} (one row per hypothesis), "
                         f"got shape {array.shape}")
    return array


def _check_state(state: object, rows: int, name: str = "state") -> None:
    _map_leaves(lambda path, leaf: _leaf_array(path, leaf, rows), state, name)


def reorder_state(state: object, indices: np.ndarray) -> object:
    """The state of the hypotheses ``indices``: ``np.take(leaf, indices, axis=0)`` on every leaf.

    Parameters
    ----------
    state : pytree of arrays
        An array, or tuples, lists, namedtuples and dicts of them (nested), each with the same
        leading dimension k; ``None`` leaves stay ``None``.
    indices : array_like of int, shape (m,)
        Rows to take, in ``[0, k)``; repeats allowed (two hypotheses from one parent).

    Returns
    -------
    reordered : pytree of the same structure
        New arrays with leading dimension m; ``state`` is not modified.

    Raises
    ------
    TypeError
        If a leaf is not an array of numbers or ``indices`` is not integers.
    ValueError
        If the leaves' leading dimensions differ, a leaf is a scalar, ``indices`` is not 1-D, or
        an index is out of range.

    Examples
    --------
    >>> reorder_state({"h": np.arange(6).reshape(3, 2), "c": None}, np.array([2, 2, 0]))["h"].tolist()
    [[4, 5], [4, 5], [0, 1]]
    """
    indices = np.asarray(indices)
    if indices.dtype == bool or not np.issubdtype(indices.dtype, np.integer):
        raise ArgumentTypeError(f"indices must hold integers, got dtype {indices.dtype}")
    if indices.ndim != 1:
        raise ValueError(f"indices must have shape (m,), got {indices.shape}")
    rows: list[int] = []

    def leading(path: str, leaf: object) -> None:
        array = _leaf_array(path, leaf, rows[0] if rows else None)
        rows.append(array.shape[0])

    _map_leaves(leading, state)
    if rows and indices.size and not (0 <= indices.min() and indices.max() < rows[0]):
        raise ValueError(f"indices must be in [0, {rows[0]}) (the state's leading dimension), "
                         f"got {indices.min()} … {indices.max()}")
    return _map_leaves(lambda path, leaf: np.take(np.asarray(leaf), indices, axis=0), state)


# --- calling the step function -------------------------------------------------------------------


def _check_step_fn(step_fn: object) -> None:
    if not callable(step_fn):
        raise ArgumentTypeError(f"step_fn must be a callable (state, token_ids) -> (log_probs, new_state), "
                                f"got {type(step_fn).__name__}")


def _check_ids(start_id: object, end_id: object) -> tuple[int, int | None]:
    start_id = check_int("start_id", start_id, minimum=0)
    return start_id, None if end_id is None else check_int("end_id", end_id, minimum=0)


def _step(step_fn: StepFunction, state: object, token_ids: np.ndarray, vocab_size: int | None,
          end_id: int | None) -> tuple[np.ndarray, object]:
    """Call ``step_fn`` for k = len(token_ids) hypotheses; return float64 log-probs (k, V) and the new state."""
    rows = len(token_ids)
    result = step_fn(state, token_ids)
    if not isinstance(result, tuple) or len(result) != 2:
        raise ArgumentTypeError(f"step_fn must return a pair (log_probs, new_state), got {type(result).__name__}"
                                + (f" of length {len(result)}" if isinstance(result, (tuple, list)) else ""))
    log_probs, new_state = result
    try:
        log_probs = check_float_array("step_fn's log_probs", log_probs, allow_nonfinite=True)
    except TypeError as error:
        raise ArgumentTypeError(str(error)) from None
    expected = f"(k, V) = ({rows}, {'V' if vocab_size is None else vocab_size})"
    if log_probs.ndim != 2 or log_probs.shape[0] != rows or log_probs.shape[1] == 0 or (
            vocab_size is not None and log_probs.shape[1] != vocab_size):
        raise ValueError(f"step_fn's log_probs must have shape {expected}, got {log_probs.shape}")
    log_probs = log_probs.astype(np.float64)
    bad = np.isnan(log_probs) | (log_probs == np.inf)
    if bad.any():
        raise ValueError(f"step_fn's log_probs must be log-probabilities (finite, or -inf for probability 0), "
                         f"got {int(bad.sum())} nan/+inf values of {log_probs.size}")
    top = log_probs.max(axis=1, keepdims=True)  # finite: a row of -inf has logsumexp -inf, refused below
    with np.errstate(invalid="ignore", divide="ignore"):
        logsumexp = (top + np.log(np.exp(log_probs - top).sum(axis=1, keepdims=True)))[:, 0]
    off = np.abs(logsumexp)
    if not (off <= LOG_NORMALISATION_TOLERANCE).all():
        worst = int(np.nanargmax(np.where(np.isnan(off), np.inf, off)))
        raise ValueError(f"step_fn's log_probs must be normalised (each row's logsumexp 0, i.e. probabilities "
                         f"summing to 1), got logsumexp {logsumexp[worst]:.4g} in row {worst}: "
                         f"apply log_softmax to logits")
    if end_id is not None and end_id >= log_probs.shape[1]:
        raise ValueError(f"end_id must be a token id < V = {log_probs.shape[1]} (the width of step_fn's "
                         f"log_probs), got {end_id}")
    _check_state(new_state, rows, "step_fn's new_state")
    return log_probs, new_state


# --- the three searches --------------------------------------------------------------------------


def greedy_decode(step_fn: StepFunction, start_state: object, start_id: int, end_id: int | None,
                  max_length: int) -> Hypothesis:
    """Take the most likely next token at every step, until ``end_id`` or ``max_length`` tokens.

    Ties go to the lowest token id (``np.argmax``).

    Parameters
    ----------
    step_fn : callable
        ``step_fn(state, token_ids) -> (log_probs (k, V), new_state)``, see the module docstring;
        here k = 1.
    start_state : pytree of arrays with leading dimension 1
        The decoder's state before the first token (e.g. the encoder's final states).
    start_id : int
        The token fed at the first step (need not be one the model outputs).
    end_id : int or None
        The end token, ``< V``; None for a model without one (every output has ``max_length`` tokens).
    max_length : int
        The most tokens to generate, end token included, ``>= 1``.

    Returns
    -------
    hypothesis : Hypothesis
        ``score == log_prob`` (greedy decoding normalises nothing).

    Raises
    ------
    TypeError
        If ``step_fn`` is not callable or returns no pair, or a state leaf is not an array.
    ValueError
        If an id or ``max_length`` is not an integer in range, a state's leading dimension is not
        1, or ``step_fn``'s log-probs have a wrong shape, nan/+inf, or rows that are not normalised.

    Examples
    --------
    >>> table = np.log([[1/3, 1/3, 1/3], [0.8, 0.1, 0.1], [0.9, 0.05, 0.05], [0.1, 0.6, 0.3]])  # p(next | last)
    >>> greedy_decode(lambda state, ids: (table[ids], state), (), 3, 0, 5).tokens
    (1, 0)
    """
    _check_step_fn(step_fn)
    start_id, end_id = _check_ids(start_id, end_id)
    max_length = check_int("max_length", max_length, minimum=1)
    _check_state(start_state, 1, "start_state")
    state, token, tokens, log_prob = start_state, start_id, [], 0.0
    vocab_size = None
    for _ in range(max_length):
        log_probs, state = _step(step_fn, state, np.array([token], dtype=np.int64), vocab_size, end_id)
        vocab_size = log_probs.shape[1]
        token = int(np.argmax(log_probs[0]))  # the most likely next token
        log_prob += log_probs[0, token]
        tokens.append(token)
        if token == end_id:
            break
    return Hypothesis(tuple(tokens), float(log_prob), float(log_prob), finished=tokens[-1] == end_id)


def beam_search(step_fn: StepFunction, start_state: object, start_id: int, end_id: int | None,
                beam_width: int, max_length: int, length_penalty: float = 0.0,
                n_best: int | None = None) -> list[Hypothesis]:
    """Keep the ``beam_width`` most likely prefixes at every step; return the best hypotheses found.

    At each step every alive hypothesis is extended by every token, with ``log P`` summed; the
    ``beam_width`` extensions with the highest ``log P`` are kept (ties: lower hypothesis index,
    then lower token id), and extensions of probability 0 are dropped. Those that end in
    ``end_id`` are set aside as finished; the others stay alive. The search stops when none is
    alive or ``max_length`` tokens are reached; the hypotheses still alive then are kept as
    unfinished. All kept hypotheses, finished and unfinished, are ranked together by the score
    (the module docstring), so an unfinished one comes first only if it scores higher than every
    finished one.

    With ``beam_width = 1`` this is :func:`greedy_decode`. With ``beam_width`` at least the number
    of possible sequences (``V^max_length``) nothing is pruned and the result is
    :func:`exhaustive_search`'s.

    Parameters
    ----------
    step_fn : callable
        ``step_fn(state, token_ids) -> (log_probs (k, V), new_state)``, see the module docstring.
    start_state : pytree of arrays with leading dimension 1
    start_id : int
    end_id : int or None
        The end token, ``< V``; None: no hypothesis finishes, all run to ``max_length``.
    beam_width : int
        ``>= 1``.
    max_length : int
        The most tokens per hypothesis, end token included, ``>= 1``.
    length_penalty : float, default 0.0
        λ (GNMT's α), ``>= 0``: hypotheses are ranked by ``log P / ((5 + |y|) / 6)^λ``; 0 ranks by log P.
    n_best : int, optional
        How many hypotheses to return, ``>= 1``; default ``beam_width``.

    Returns
    -------
    hypotheses : list of Hypothesis
        At most ``n_best``, sorted by score, best first.

    Raises
    ------
    TypeError
        As :func:`greedy_decode`; also if ``length_penalty`` is not a real number.
    ValueError
        As :func:`greedy_decode`; also if ``beam_width`` or ``n_best`` is not an integer ``>= 1``,
        ``length_penalty`` is negative or not finite, or a state leaf's leading dimension is not k.

    Examples
    --------
    >>> table = np.log([[1/3, 1/3, 1/3], [0.8, 0.1, 0.1], [0.9, 0.05, 0.05], [0.1, 0.6, 0.3]])  # p(next | last)
    >>> [h.tokens for h in beam_search(lambda state, ids: (table[ids], state), (), 3, 0, 2, 5)]
    [(1, 0), (2, 0)]
    """
    _check_step_fn(step_fn)
    start_id, end_id = _check_ids(start_id, end_id)
    beam_width = check_int("beam_width", beam_width, minimum=1)
    max_length = check_int("max_length", max_length, minimum=1)
    length_penalty = check_real("length_penalty", length_penalty, minimum=0.0)
    n_best = beam_width if n_best is None else check_int("n_best", n_best, minimum=1)
    _check_state(start_state, 1, "start_state")
    state = start_state
    alive_tokens: list[tuple[int, ...]] = [()]  # the k alive prefixes
    alive_log_prob = np.zeros(1)  # (k,): log P of each
    last = np.array([start_id], dtype=np.int64)  # (k,): the token each is fed
    kept: list[Hypothesis] = []  # finished hypotheses, and at the end the unfinished ones
    vocab_size = None
    for length in range(1, max_length + 1):
        log_probs, state = _step(step_fn, state, last, vocab_size, end_id)  # (k, V)
        vocab_size = log_probs.shape[1]
        totals = alive_log_prob[:, None] + log_probs  # (k, V): log P of every extension
        best = np.argsort(-totals, axis=None, kind="stable")[:beam_width]  # flat indices, best first
        best = best[np.isfinite(totals.flat[best])]  # drop extensions of probability 0
        parents, tokens = np.divmod(best, vocab_size)  # which hypothesis, which next token
        survivors = []
        for parent, token in zip(parents.tolist(), tokens.tolist()):
            sequence, log_prob = alive_tokens[parent] + (token,), float(totals[parent, token])
            if token == end_id:
                kept.append(Hypothesis(sequence, log_prob, _normalised(log_prob, length, length_penalty), True))
            elif length == max_length:  # cut at the length limit: kept, unfinished
                kept.append(Hypothesis(sequence, log_prob, _normalised(log_prob, length, length_penalty), False))
            else:
                survivors.append((parent, sequence, log_prob))
        if not survivors:
            break
        parents = np.array([parent for parent, _, _ in survivors])
        state = reorder_state(state, parents)  # each survivor continues from its parent's state
        alive_tokens = [sequence for _, sequence, _ in survivors]
        alive_log_prob = np.array([log_prob for _, _, log_prob in survivors])
        last = np.array([sequence[-1] for sequence in alive_tokens], dtype=np.int64)
    return sorted(kept, key=lambda hypothesis: -hypothesis.score)[:n_best]  # stable: ties keep search order


def exhaustive_search(step_fn: StepFunction, start_state: object, start_id: int, end_id: int | None,
                      max_length: int, length_penalty: float = 0.0, n_best: int | None = 1) -> list[Hypothesis]:
    """Score every possible output of a tiny model, one prefix at a time: the reference for the searches.

    The candidates are every sequence that ends in ``end_id`` within ``max_length`` tokens, and
    every sequence of ``max_length`` tokens without it (unfinished), except those of probability 0.
    Written independently of :func:`beam_search`: a depth-first walk that calls ``step_fn`` with
    k = 1 for every prefix (``1 + V + … + V^(max_length−1)`` calls).

    Parameters
    ----------
    step_fn, start_state, start_id, end_id, max_length, length_penalty
        As for :func:`beam_search`.
    n_best : int or None, default 1
        How many to return (``>= 1``); None returns all candidates.

    Returns
    -------
    hypotheses : list of Hypothesis
        Sorted by score, best first (ties: the order of the walk, lower token ids first).

    Raises
    ------
    TypeError
        As :func:`beam_search`.
    ValueError
        As :func:`beam_search`; also if ``V^max_length`` exceeds :data:`EXHAUSTIVE_LIMIT`.

    Examples
    --------
    >>> table = np.log([[1/3, 1/3, 1/3], [0.8, 0.1, 0.1], [0.9, 0.05, 0.05], [0.1, 0.6, 0.3]])  # p(next | last)
    >>> best = exhaustive_search(lambda state, ids: (table[ids], state), (), 3, 0, 3)[0]
    >>> best.tokens, round(best.log_prob, 4), round(float(np.log(0.6 * 0.8)), 4)
    ((1, 0), -0.734, -0.734)
    """
    _check_step_fn(step_fn)
    start_id, end_id = _check_ids(start_id, end_id)
    max_length = check_int("max_length", max_length, minimum=1)
    length_penalty = check_real("length_penalty", length_penalty, minimum=0.0)
    n_best = None if n_best is None else check_int("n_best", n_best, minimum=1)
    _check_state(start_state, 1, "start_state")
    found: list[Hypothesis] = []
    vocab: list[int] = []  # V, once known

    def walk(state: object, prefix: tuple[int, ...], log_prob: float) -> None:
        last = np.array([prefix[-1] if prefix else start_id], dtype=np.int64)
        log_probs, new_state = _step(step_fn, state, last, vocab[0] if vocab else None, end_id)
        if not vocab:
            vocab.append(log_probs.shape[1])
            if vocab[0] ** max_length > EXHAUSTIVE_LIMIT:
                raise ValueError(f"exhaustive_search would enumerate up to V^max_length = {vocab[0]}^{max_length} "
                                 f"sequences, more than EXHAUSTIVE_LIMIT = {EXHAUSTIVE_LIMIT}: use a smaller "
                                 f"model or max_length")
        for token in range(log_probs.shape[1]):
            total = log_prob + log_probs[0, token]
            if total == -np.inf:
                continue  # probability 0
            sequence = prefix + (token,)
            if token == end_id or len(sequence) == max_length:
                finished = token == end_id
                found.append(Hypothesis(sequence, float(total), _normalised(float(total), len(sequence), length_penalty), finished))
            else:
                walk(new_state, sequence, total)

    walk(start_state, (), 0.0)
    ranked = sorted(found, key=lambda hypothesis: -hypothesis.score)
    return ranked if n_best is None else ranked[:n_best]
