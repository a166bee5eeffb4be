"""A character-level language model in numpy: an LSTM with a Dense softmax readout.

This is min-char-rnn's model (Karpathy 2015) with an LSTM in place of the vanilla RNN. Characters
are ids ``0 … V−1``; the LSTM reads each as a one-hot vector ``x_t`` (so ``x_t W_x`` is row ``id`` of
``W_x``), and a Dense layer turns the hidden state into scores for the next character:

    h_t = LSTM(x_t, h_{t-1}, c_{t-1})           lstm_helpers.lstm, (B, H)
    logits_t = h_t W_y + b_y                      (B, V)
    p_t = softmax(logits_t)                       next-character probabilities
    L = −(1 / (B·T)) Σ_batch Σ_t ln p_t[y_t]      mean cross-entropy over the batch and the steps

It is ``keras.Sequential([LSTM(H, return_sequences=True), Dense(V)])`` trained with
``SparseCategoricalCrossentropy(from_logits=True)`` on one-hot inputs. The backward pass starts at
the logits, ``δlogits_t = (p_t − onehot(y_t)) / (B·T)``; then ``δW_y = Σ_t h_tᵀ δlogits_t``,
``δb_y = Σ_t Σ_batch δlogits_t``, and the LSTM receives ``dh_t = δlogits_t W_yᵀ`` (the ``dh`` of
:func:`lstm_helpers.lstm.lstm_backward`).

Parameters are a dict of arrays by name, :data:`PARAMETERS`, the form that
:func:`lstm_helpers.clipping.clip_by_global_norm` and the optimisers of :mod:`lstm_helpers.optim` take.
"""

from __future__ import annotations

import numbers
from dataclasses import dataclass

import numpy as np

from lstm_helpers import lstm
from lstm_helpers._checks import check_int, check_integer_array
from lstm_helpers._recurrent import ArgumentTypeError, check_finite, check_floats, check_generator
from lstm_helpers.language_model import sample_next
from lstm_helpers.sequences import one_hot

#: Names of the model's parameters: the LSTM's ``W_x`` (V, 4H), ``W_h`` (H, 4H), ``b`` (4H,), then the
#: readout's ``W_y`` (H, V) and ``b_y`` (V,).
PARAMETERS = ("W_x", "W_h", "b", "W_y", "b_y")


def init_params(vocab_size: int, units: int, rng: np.random.Generator, scale: float = 0.5) -> dict[str, np.ndarray]:
    """Random parameters: the LSTM's from :func:`lstm_helpers.lstm.init_lstm`, ``W_y`` normal, ``b_y = 0``.

    Parameters
    ----------
    vocab_size : int
        V, ``>= 1``: the LSTM's features (one-hot inputs) and the readout's outputs.
    units : int
        H, ``>= 1``.
    rng : numpy.random.Generator
    scale : float, default 0.5
        Standard deviation of every weight matrix times ``sqrt(fan_in)``, as in ``init_lstm``.

    Returns
    -------
    params : dict of str to ndarray of float64
        Keys :data:`PARAMETERS`; the forget gate's bias is 1 (Keras's ``unit_forget_bias``).

    Raises
    ------
    ValueError
        If a size is not an integer ``>= 1`` (2.7 is refused, not truncated), or ``scale`` is
        negative or nan/inf.
    TypeError
        If ``rng`` is not a Generator or ``scale`` not a real number.

    Examples
    --------
    >>> params = init_params(vocab_size=5, units=3, rng=np.random.default_rng(0))
    >>> {name: value.shape for name, value in params.items()}
    {'W_x': (5, 12), 'W_h': (3, 12), 'b': (12,), 'W_y': (3, 5), 'b_y': (5,)}
    """
    vocab_size, units = check_int("vocab_size", vocab_size, minimum=1), check_int("units", units, minimum=1)
    weights = lstm.init_lstm(vocab_size, units, rng, scale=scale)
    W_y = rng.normal(0.0, scale / np.sqrt(units), size=(units, vocab_size))
    return {"W_x": weights.W_x, "W_h": weights.W_h, "b": weights.b, "W_y": W_y, "b_y": np.zeros(vocab_size)}


def _unpack(params: object) -> tuple[lstm.LSTMWeights, np.ndarray, np.ndarray]:
    """Check ``params`` (keys, finite floats of one type, consistent shapes); return ``(LSTMWeights, W_y, b_y)``."""
    if not isinstance(params, dict) or set(params) != set(PARAMETERS):
        got = sorted(params) if isinstance(params, dict) else type(params).__name__
        raise ValueError(f"params must be a dict with keys {list(PARAMETERS)}, got {got}")
    arrays = {name: check_floats(f"params[{name!r}]", params[name], allow_nonfinite=True) for name in PARAMETERS}
    dtypes = {name: array.dtype for name, array in arrays.items()}
    if len(set(dtypes.values())) > 1:
        listing = ", ".join(f"{name} {dtype}" for name, dtype in dtypes.items())
        raise ArgumentTypeError(f"params must all have one float dtype, got {listing}; cast them to one, "
                                "e.g. {name: value.astype(np.float32) for name, value in params.items()}")
    for name in ("W_y", "b_y"):
        check_finite(f"params[{name!r}]", arrays[name])
    weights = lstm.LSTMWeights(arrays["W_x"], arrays["W_h"], arrays["b"])  # checks the LSTM's shapes and values
    vocab_size, units = weights.features, weights.units
    W_y, b_y = arrays["W_y"], arrays["b_y"]
    if W_y.shape != (units, vocab_size):
        raise ValueError(f"params['W_y'] must have shape (units, vocab_size) = ({units}, {vocab_size}), got {W_y.shape}")
    if b_y.shape != (vocab_size,):
        raise ValueError(f"params['b_y'] must have shape (vocab_size,) = ({vocab_size},), got {b_y.shape}")
    return weights, W_y, b_y


def _check_ids(name: str, ids: object, vocab_size: int) -> np.ndarray:
    ids = check_integer_array(name, ids)
    if ids.ndim != 2 or 0 in ids.shape:
        raise ValueError(f"{name} must have shape (batch, steps) with both >= 1, got {ids.shape}")
    if ids.min() < 0 or ids.max() >= vocab_size:
        raise ValueError(f"{name} must hold ids in 0 … {vocab_size - 1}, got {ids.min()} … {ids.max()}")
    return ids


def forward(params: dict[str, np.ndarray], ids: np.ndarray, h0: np.ndarray | None = None,
            c0: np.ndarray | None = None) -> tuple[np.ndarray, lstm.LSTMTrace]:
    """Next-character logits at every step, and the LSTM's trace.

    Parameters
    ----------
    params : dict of str to ndarray
        Keys :data:`PARAMETERS`.
    ids : array_like of int, shape (batch, steps)
        Character ids, each in ``0 … V−1``.
    h0, c0 : array_like, shape (batch, units), optional
        The LSTM's initial state (zeros by default): the last state of the previous chunk of text.

    Returns
    -------
    logits : ndarray, shape (batch, steps, vocab_size)
        ``logits[:, t]`` scores the character after ``ids[:, t]``; in the parameters' float type.
    trace : LSTMTrace
        States and gates, (batch, steps, units) each; ``trace.h[:, -1]``, ``trace.c[:, -1]`` are the
        state to carry into the next chunk.

    Raises
    ------
    ValueError
        If ``params`` does not have the keys and consistent shapes, a parameter or state holds
        nan/inf, an id is outside the vocabulary, a state has the wrong shape, or the logits
        overflowed.
    TypeError
        If a parameter or state is not real numbers, or the parameters have different float types.

    Examples
    --------
    >>> params = init_params(vocab_size=5, units=3, rng=np.random.default_rng(0))
    >>> logits, trace = forward(params, np.array([[0, 4, 2]]))
    >>> logits.shape, trace.h.shape
    ((1, 3, 5), (1, 3, 3))
    """
    weights, W_y, b_y = _unpack(params)
    ids = _check_ids("ids", ids, weights.features)
    x = one_hot(ids, weights.features, dtype=np.result_type(weights.W_x, np.float32))  # (B, T, V)
    trace = lstm.lstm_forward(x, weights, h0, c0)
    logits = trace.h @ W_y + b_y
    _check_logits(logits, W_y, b_y)
    return logits, trace


def _check_logits(logits: np.ndarray, W_y: np.ndarray, b_y: np.ndarray) -> None:
    """Refuse logits that overflowed (``|h_t W_y + b_y|`` beyond the float type's range)."""
    if not np.isfinite(logits).all():
        raise ValueError(f"params['W_y'] and params['b_y'] are too large: the logits overflowed {logits.dtype} "
                         f"(largest |W_y| {np.abs(W_y).max():.3g}, |b_y| {np.abs(b_y).max():.3g})")


@dataclass(frozen=True)
class LossAndGradients:
    """What :func:`loss_and_gradients` returns.

    Attributes
    ----------
    loss : float
        Mean cross-entropy per character, in nats.
    gradients : dict of str to ndarray
        ∂L/∂θ for every parameter, keys :data:`PARAMETERS` (``dW_x`` under ``"W_x"``, …), shaped like it.
    h_last, c_last : ndarray, shape (batch, units)
        The LSTM's state after the last step, to start the next chunk of text from.
    """

    loss: float
    gradients: dict[str, np.ndarray]
    h_last: np.ndarray
    c_last: np.ndarray


def loss_and_gradients(params: dict[str, np.ndarray], ids: np.ndarray, targets: np.ndarray,
                       h0: np.ndarray | None = None, c0: np.ndarray | None = None) -> LossAndGradients:
    """Mean cross-entropy of the next characters, and its gradient for every parameter.

    The LSTM starts from ``h0``, ``c0`` and the gradient stops there (truncated backpropagation
    through time, as in min-char-rnn).

    Parameters
    ----------
    params : dict of str to ndarray
        Keys :data:`PARAMETERS`.
    ids : array_like of int, shape (batch, steps)
        Input characters.
    targets : array_like of int, shape (batch, steps)
        The character that follows each input character.
    h0, c0 : array_like, shape (batch, units), optional
        Initial state (zeros by default).

    Returns
    -------
    result : LossAndGradients
        ``loss``, ``gradients`` (a dict like ``params``, new arrays in the parameters' float
        type), ``h_last``, ``c_last`` (copies).

    Raises
    ------
    ValueError
        As :func:`forward`, or if ``targets`` does not match ``ids``.
    TypeError
        As :func:`forward`.

    Examples
    --------
    >>> params = init_params(vocab_size=5, units=3, rng=np.random.default_rng(0))
    >>> result = loss_and_gradients(params, np.array([[0, 4, 2]]), np.array([[4, 2, 1]]))
    >>> round(result.loss, 1), result.gradients["W_y"].shape  # about ln 5 = 1.6 before training
    (1.6, (3, 5))
    """
    weights, W_y, b_y = _unpack(params)
    vocab_size = weights.features
    ids = _check_ids("ids", ids, vocab_size)
    targets = _check_ids("targets", targets, vocab_size)
    if targets.shape != ids.shape:
        raise ValueError(f"targets must have the shape of ids {ids.shape}, got {targets.shape}")
    batch, steps = ids.shape  # B, T
    x = one_hot(ids, vocab_size, dtype=np.result_type(weights.W_x, np.float32))  # (B, T, V)
    trace = lstm.lstm_forward(x, weights, h0, c0)
    logits = trace.h @ W_y + b_y  # (B, T, V)
    _check_logits(logits, W_y, b_y)
    shifted = logits - logits.max(axis=-1, keepdims=True)  # exp never overflows
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # ln softmax(logits_t)
    batch_index, step_index = np.indices((batch, steps))  # (B, T) each, to pick each target's entry
    loss = -log_p[batch_index, step_index, targets].mean()
    if not np.isfinite(loss):  # logits spanning more than the float type's range: ln p_t underflows to -inf
        raise ValueError(f"params['W_y'] and params['b_y'] are too large: the loss overflowed {logits.dtype} "
                         f"(logits from {logits.min():.3g} to {logits.max():.3g})")
    dlogits = np.exp(log_p)  # p_t
    dlogits[batch_index, step_index, targets] -= 1.0  # p_t − onehot(y_t)
    dlogits /= batch * steps  # δlogits_t
    h_rows = trace.h.reshape(batch * steps, -1)  # (B·T, H)
    dlogits_rows = dlogits.reshape(batch * steps, vocab_size)  # (B·T, V)
    lstm_grads = lstm.lstm_backward(x, weights, trace, dlogits @ W_y.T, h0, c0)  # dh_t = δlogits_t W_yᵀ
    gradients = {
        "W_x": lstm_grads.dW_x, "W_h": lstm_grads.dW_h, "b": lstm_grads.db,
        "W_y": h_rows.T @ dlogits_rows,  # Σ_t h_tᵀ δlogits_t
        "b_y": dlogits_rows.sum(axis=0),  # Σ_t Σ_batch δlogits_t
    }
    return LossAndGradients(loss=float(loss), gradients=gradients,
                            h_last=trace.h[:, -1].copy(), c_last=trace.c[:, -1].copy())


def sample(params: dict[str, np.ndarray], prime_ids: np.ndarray, length: int, rng: np.random.Generator,
           temperature: float = 1.0) -> np.ndarray:
    """Generate ``length`` characters after ``prime_ids``, each drawn from ``softmax(logits / τ)``.

    The model reads the prime, then each drawn character in turn (as min-char-rnn's ``sample``).

    Parameters
    ----------
    params : dict of str to ndarray
        Keys :data:`PARAMETERS`.
    prime_ids : array_like of int, shape (n_prime,)
        Characters to start from, ``n_prime >= 1``.
    length : int
        Number of characters to generate, ``>= 1``.
    rng : numpy.random.Generator
    temperature : float, default 1.0
        τ ``> 0``, finite; below 1 sharpens, above 1 flattens the distribution.

    Returns
    -------
    ids : ndarray of int64, shape (length,)
        The generated characters (the prime not included).

    Raises
    ------
    ValueError
        If ``prime_ids`` is empty, not integers or has an id outside the vocabulary, ``length`` is
        not an integer ``>= 1``, ``temperature`` is not a positive finite number, or ``params`` is
        not valid (as :func:`forward`).
    TypeError
        If ``rng`` is not a Generator.

    Examples
    --------
    >>> params = init_params(vocab_size=5, units=3, rng=np.random.default_rng(0))
    >>> sample(params, np.array([0, 1]), length=4, rng=np.random.default_rng(0)).shape
    (4,)
    """
    weights, _, _ = _unpack(params)
    prime = check_integer_array("prime_ids", prime_ids)
    if prime.ndim != 1:
        raise ValueError(f"prime_ids must have shape (n_prime,), got {prime.shape}")
    if prime.size == 0:
        raise ValueError("prime_ids must hold at least one id (the model needs a character to start from), got none")
    _check_ids("prime_ids", prime[None], weights.features)
    length = check_int("length", length, minimum=1)
    check_generator(rng)
    if (isinstance(temperature, (bool, np.bool_)) or not isinstance(temperature, numbers.Real)
            or not np.isfinite(temperature) or temperature <= 0):
        raise ValueError(f"temperature must be a positive finite number, got {temperature!r}")
    logits, trace = forward(params, prime[None])
    h, c = trace.h[:, -1], trace.c[:, -1]
    generated = np.empty(length, dtype=np.int64)
    for k in range(length):
        generated[k] = sample_next(logits[:, -1], temperature, rng)[0]
        logits, trace = forward(params, generated[None, k : k + 1], h, c)
        h, c = trace.h[:, -1], trace.c[:, -1]
    return generated


def to_keras(params: dict[str, np.ndarray], model: object) -> None:
    """Copy ``params`` into a built ``keras.Sequential([LSTM(H, return_sequences=True), Dense(V)])``.

    Raises
    ------
    ValueError
        If the model does not consist of an LSTM and a Dense layer (linear, with a bias) whose
        shapes match ``params``, or ``params`` is not valid (as :func:`forward`).
    """
    weights, W_y, b_y = _unpack(params)
    layers = list(getattr(model, "layers", []))
    kinds = [type(layer).__name__ for layer in layers]
    if kinds != ["LSTM", "Dense"]:
        raise ValueError(f"model must have the layers ['LSTM', 'Dense'], got {kinds}")
    dense = layers[1]
    if not dense.use_bias or dense.activation.__name__ != "linear":
        raise ValueError("the Dense layer must be linear with a bias (the logits h_t W_y + b_y), got "
                         f"activation={dense.activation.__name__}, use_bias={dense.use_bias}")
    kernel, _ = dense.get_weights()
    if kernel.shape != W_y.shape:
        raise ValueError(f"the Dense layer's kernel must have the shape of W_y {W_y.shape}, got {kernel.shape}")
    lstm.to_keras(weights, layers[0])
    dense.set_weights([W_y, b_y])
