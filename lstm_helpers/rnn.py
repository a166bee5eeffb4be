"""A vanilla (Elman) recurrent layer in numpy, batched over samples, matching ``keras.layers.SimpleRNN``.

Symbols as in notation.md (B samples, n features, H units). For inputs ``x_t`` (B, n) and a hidden
state ``h_t`` (B, H),

    a_t = x_t W_x + h_{t-1} W_h + b = [h_{t-1}, x_t] W + b,    h_t = tanh(a_t),

with ``W_x`` (n, H), ``W_h`` (H, H), ``b`` (H,) and ``W`` the two stacked, ``W = [W_h; W_x]`` of
shape (H + n, H). One matrix product per step.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers._recurrent import (
    StackedWeights,
    check_finite_results,
    check_init_arguments,
    check_same_shapes,
    check_sequence_batch,
    check_state,
    check_step_arrays,
    check_weight_shapes,
    check_weights_type,
    keras_weights,
)


@dataclass(frozen=True)
class RNNWeights(StackedWeights):
    """Weights of a vanilla RNN layer, laid out like Keras's ``kernel``, ``recurrent_kernel``, ``bias``.

    Attributes
    ----------
    W_x : ndarray, shape (features, units)
    W_h : ndarray, shape (units, units)
    b : ndarray, shape (units,)

    The three must be finite and of one float type (integers become float64); float arrays are
    stored as given, not copied. ``units``, ``features``, ``W = [W_h; W_x]`` and ``n_params()``
    (``units·(features + units + 1)``) come from :class:`~lstm_helpers._recurrent.StackedWeights`.

    Raises
    ------
    TypeError
        If an array is not real numbers, or the three have different float types.
    ValueError
        If the shapes do not fit together or an array holds nan/inf.
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray

    def __post_init__(self) -> None:
        self._store_as_arrays()
        check_weight_shapes(self.W_x, self.W_h, self.b, n_gates=1)


def init_rnn(features: int, units: int, rng: np.random.Generator, scale: float = 0.5) -> RNNWeights:
    """Random weights: normal with standard deviation ``scale / sqrt(fan_in)``, zero bias.

    Parameters
    ----------
    features, units : int
        Input size ``n`` and hidden size ``H``, both ``>= 1``.
    rng : numpy.random.Generator
    scale : float, default 0.5
        ``>= 0``.

    Returns
    -------
    weights : RNNWeights
        float64.

    Raises
    ------
    ValueError
        If a size is not an integer ``>= 1`` (2.7 is refused, not truncated) or ``scale`` is
        negative or nan/inf.
    TypeError
        If ``rng`` is not a Generator or ``scale`` not a real number.
    """
    features, units, scale = check_init_arguments(features, units, rng, scale)
    return RNNWeights(
        W_x=rng.normal(0.0, scale / np.sqrt(features), size=(features, units)),
        W_h=rng.normal(0.0, scale / np.sqrt(units), size=(units, units)),
        b=np.zeros(units),
    )


def rnn_forward(x: np.ndarray, weights: RNNWeights, h0: np.ndarray | None = None) -> np.ndarray:
    """Run the RNN over every step of a batch.

    Parameters
    ----------
    x : array_like, shape (batch, steps, features)
        Real numbers (a nested list is fine); float32 stays float32, integers become float64.
    weights : RNNWeights
    h0 : array_like, shape (batch, units), optional
        Initial hidden state; zeros by default, as in Keras. Cast to the type the layer computes in.

    Returns
    -------
    h : ndarray, shape (batch, steps, units)
        ``h[:, t]`` is the hidden state after step ``t`` (so ``h[:, -1]`` is what Keras returns
        without ``return_sequences``). Same float type as ``x`` and the weights combined.

    Raises
    ------
    TypeError
        If ``weights`` is not RNNWeights, or ``x`` or ``h0`` is not real numbers.
    ValueError
        If ``x`` is not a finite (batch, steps, features) array matching the weights, ``h0`` has
        the wrong shape or holds nan/inf, or the computation overflowed.

    Examples
    --------
    >>> w = init_rnn(features=2, units=3, rng=np.random.default_rng(0))
    >>> rnn_forward(np.ones((4, 5, 2)), w).shape
    (4, 5, 3)
    """
    check_weights_type(weights, RNNWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, _ = x.shape  # B, T, n
    dtype = np.result_type(x, weights.W_x)
    h_prev = check_state("h0", h0, batch, weights.units, dtype)
    W, b = weights.W.astype(dtype), weights.b.astype(dtype)
    h = np.empty((batch, steps, weights.units), dtype=dtype)
    for t in range(steps):
        h_t = np.tanh(np.concatenate([h_prev, x[:, t]], axis=1) @ W + b)  # (B, H)
        h[:, t] = h_t
        h_prev = h_t  # the state step t + 1 reads
    check_finite_results("rnn_forward", {"h_T": h_prev}, {"x": x, "h0": h0})  # a nan (overflow) reaches h_T
    return h


def from_keras(layer: object) -> RNNWeights:
    """Copy the weights of a built ``keras.layers.SimpleRNN`` (tanh, with bias).

    Raises
    ------
    ValueError
        If ``layer`` is not a built SimpleRNN with tanh activation and a bias.
    """
    kernel, recurrent_kernel, bias = keras_weights(layer, "SimpleRNN")
    return RNNWeights(W_x=kernel, W_h=recurrent_kernel, b=bias)


def to_keras(weights: RNNWeights, layer: object) -> None:
    """Set a built ``keras.layers.SimpleRNN``'s weights to ``weights`` (shapes must agree).

    Raises
    ------
    TypeError
        If ``weights`` is not RNNWeights.
    ValueError
        If ``layer`` is not a built SimpleRNN with tanh activation and a bias, or its sizes differ
        from the weights'.
    """
    check_weights_type(weights, RNNWeights)
    check_same_shapes(keras_weights(layer, "SimpleRNN"), weights.W_x, weights.W_h)
    layer.set_weights([weights.W_x, weights.W_h, weights.b])


@dataclass(frozen=True)
class RNNGradients:
    """Gradients of a loss with respect to everything :func:`rnn_forward` used.

    Attributes
    ----------
    dW_x : (features, units)
        δW_x = ∂L/∂W_x.
    dW_h : (units, units)
        δW_h.
    db : (units,)
        δb.
    dx : (batch, steps, features)
        ∂L/∂x_t for every step, what flows to the layer below.
    dh0 : (batch, units)
        δh_0, the gradient of the initial state.
    """

    dW_x: np.ndarray
    dW_h: np.ndarray
    db: np.ndarray
    dx: np.ndarray
    dh0: np.ndarray


def rnn_backward(x: np.ndarray, weights: RNNWeights, h: np.ndarray, dh: np.ndarray,
                 h0: np.ndarray | None = None) -> RNNGradients:
    """Backpropagation through time for :func:`rnn_forward`.

    With ``a_t = [h_{t-1}, x_t] W + b`` and ``h_t = tanh(a_t)``, going from ``t = T`` down to 1:

        δh_t = ∂L/∂h_t|_t + δa_{t+1} W_hᵀ      the loss's own gradient at t (``dh``), and what step t+1 passes back
        δa_t = δh_t ⊙ (1 − h_t²)
        δW_x = Σ_t x_tᵀ δa_t,   δW_h = Σ_t h_{t-1}ᵀ δa_t,   δb = Σ_t Σ_batch δa_t,   ∂L/∂x_t = δa_t W_xᵀ

    with ``δh_{T+1} = 0`` (nothing after step T reads the state) and ``δh_0 = δa_1 W_hᵀ``. In the
    code ``da`` is ``δa_t``, ``dh_next`` the part of ``δh_{t-1}`` that comes from step t.

    Parameters
    ----------
    x : array_like, shape (batch, steps, features)
        The forward pass's input.
    weights : RNNWeights
    h : array_like, shape (batch, steps, units)
        The forward pass's hidden states (``rnn_forward``'s result).
    dh : array_like, shape (batch, steps, units)
        The loss's own gradient ∂L/∂h_t at every step, not counting later steps (zeros where the
        loss does not read h_t).
    h0 : array_like, shape (batch, units), optional
        The forward pass's initial state (zeros if omitted).

    Returns
    -------
    gradients : RNNGradients
        All in the common float type of ``x``, the weights, ``h`` and ``dh`` (float32 only if all
        are float32; cast ``dh`` to float32 to stay in float32).

    Raises
    ------
    TypeError
        If ``weights`` is not RNNWeights or an array is not real numbers.
    ValueError
        If the shapes of ``h``, ``dh`` or ``h0`` do not match ``x`` and the weights, an input holds
        nan/inf, or the gradients overflowed.
    """
    check_weights_type(weights, RNNWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, _ = x.shape  # B, T, n
    units = weights.units  # H
    checked = check_step_arrays((batch, steps, units), h=h, dh=dh)
    h, dh = checked["h"], checked["dh"]
    dtype = np.result_type(x, weights.W_x, h, dh)
    h_start = check_state("h0", h0, batch, units, dtype)
    W = weights.W.astype(dtype)
    dW, db = np.zeros_like(W), np.zeros(units, dtype=dtype)
    dx = np.zeros(x.shape, dtype=dtype)
    dh_next = np.zeros((batch, units), dtype=dtype)  # gradient reaching h_t from step t+1; δh_{T+1} = 0
    for t in reversed(range(steps)):
        h_prev = h[:, t - 1] if t > 0 else h_start
        da = (dh[:, t] + dh_next) * (1.0 - h[:, t] ** 2)  # (B, H): δa_t
        hx = np.concatenate([h_prev, x[:, t]], axis=1)  # (B, H + n)
        dW += hx.T @ da
        db += da.sum(axis=0)
        dhx = da @ W.T  # (B, H + n)
        dh_next, dx[:, t] = dhx[:, :units], dhx[:, units:]
    gradients = RNNGradients(dW_x=dW[units:], dW_h=dW[:units], db=db, dx=dx, dh0=dh_next)
    check_finite_results("rnn_backward", vars(gradients), {"dh": dh, "h": h})  # inputs are finite: overflow
    return gradients
