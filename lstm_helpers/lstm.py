"""The LSTM layer in numpy, batched over samples, matching ``keras.layers.LSTM``.

With ``x_t`` (batch, features), hidden state ``h_t`` and cell state ``c_t`` (batch, units), one step is

    z_t       = [h_{t-1}, x_t] W + b                 one product for all four gates, (batch, 4·units)
    i_t       = σ(z_t[:, 0H:1H])                     input gate
    f_t       = σ(z_t[:, 1H:2H])                     forget gate
    c̃_t       = tanh(z_t[:, 2H:3H])                  candidate cell state
    o_t       = σ(z_t[:, 3H:4H])                     output gate
    c_t       = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t            cell state
    h_t       = o_t ⊙ tanh(c_t)                      hidden state (the layer's output)

``W = [W_h; W_x]`` stacks the recurrent weights ``W_h`` (units, 4·units) over the input weights
``W_x`` (features, 4·units); columns are in Keras's gate order i, f, c̃, o, so Keras's ``kernel``,
``recurrent_kernel`` and ``bias`` copy over unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers._recurrent import (
    StackedWeights,
    check_init_arguments,
    check_same_shapes,
    check_sequence_batch,
    check_state,
    check_step_arrays,
    check_weight_shapes,
    check_weights_type,
    keras_weights,
)

#: Gate order of the columns of ``W_x``, ``W_h`` and ``b`` (Keras's order).
GATES = ("i", "f", "c_tilde", "o")


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function ``1 / (1 + exp(-z))``.

    Computed as ``(1 + tanh(z / 2)) / 2``, the same function: it cannot overflow for large ``|z|``
    and costs one ``tanh`` per element (``np.logaddexp`` costs a log and an exp, and made it the
    slowest part of the forward pass).
    """
    return 0.5 * (1.0 + np.tanh(0.5 * z))


@dataclass(frozen=True)
class LSTMWeights(StackedWeights):
    """Weights of an LSTM layer in Keras's layout (gate order i, f, c̃, o).

    Attributes
    ----------
    W_x : ndarray, shape (features, 4·units)
    W_h : ndarray, shape (units, 4·units)
    b : ndarray, shape (4·units,)

    ``units``, ``features``, ``W = [W_h; W_x]`` and ``n_params()`` (``4·units·(features + units + 1)``)
    come from :class:`~lstm_helpers._recurrent.StackedWeights`.
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray

    def __post_init__(self) -> None:
        self._store_as_arrays()
        check_weight_shapes(self.W_x, self.W_h, self.b, n_gates=4)

    def gate(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Views ``(W_x·, W_h·, b·)`` of one gate, e.g. ``gate("f")`` gives ``W_xf, W_hf, b_f``.

        Shapes (features, units), (units, units), (units,).
        """
        if name not in GATES:
            raise ValueError(f"name must be one of {GATES}, got {name!r}")
        k, units = GATES.index(name), self.units
        columns = slice(k * units, (k + 1) * units)
        return self.W_x[:, columns], self.W_h[:, columns], self.b[columns]


@dataclass(frozen=True)
class LSTMTrace:
    """Everything an LSTM computed over a batch, step by step.

    Every array has shape (batch, steps, units); index ``[:, t]`` is step ``t``.

    Attributes
    ----------
    h : hidden states ``h_t`` (the layer's outputs)
    c : cell states ``c_t``
    i, f, c_tilde, o : input gate, forget gate, candidate, output gate
    """

    h: np.ndarray
    c: np.ndarray
    i: np.ndarray
    f: np.ndarray
    c_tilde: np.ndarray
    o: np.ndarray


def init_lstm(
    features: int, units: int, rng: np.random.Generator, scale: float = 0.5, forget_bias: float = 1.0
) -> LSTMWeights:
    """Random weights: normal with standard deviation ``scale / sqrt(fan_in)``, bias 0 except the forget gate.

    ``forget_bias=1`` is Keras's ``unit_forget_bias=True``: the cell starts out keeping its memory.

    Parameters
    ----------
    features, units : int
        Input size ``n`` and hidden size ``H``, both ``>= 1``.
    rng : numpy.random.Generator
    scale : float, default 0.5
    forget_bias : float, default 1.0

    Returns
    -------
    weights : LSTMWeights
    """
    features, units = check_init_arguments(features, units, rng)
    b = np.zeros(4 * units)
    b[units : 2 * units] = forget_bias
    return LSTMWeights(
        W_x=rng.normal(0.0, scale / np.sqrt(features), size=(features, 4 * units)),
        W_h=rng.normal(0.0, scale / np.sqrt(units), size=(units, 4 * units)),
        b=b,
    )


def lstm_forward(
    x: np.ndarray, weights: LSTMWeights, h0: np.ndarray | None = None, c0: np.ndarray | None = None
) -> LSTMTrace:
    """Run the LSTM over every step of a batch, keeping gates and states for plots and backprop.

    Parameters
    ----------
    x : ndarray, shape (batch, steps, features)
    weights : LSTMWeights
    h0, c0 : ndarray, shape (batch, units), optional
        Initial hidden and cell state; zeros by default, as in Keras.

    Returns
    -------
    trace : LSTMTrace
        ``trace.h[:, -1]`` is Keras's output without ``return_sequences`` (and its ``state_h``);
        ``trace.c[:, -1]`` is ``state_c``.

    Raises
    ------
    ValueError
        If ``x`` is not a finite (batch, steps, features) array matching the weights, or a state
        has the wrong shape.

    Examples
    --------
    >>> w = init_lstm(features=2, units=3, rng=np.random.default_rng(0))
    >>> lstm_forward(np.ones((4, 5, 2)), w).c.shape
    (4, 5, 3)
    """
    check_weights_type(weights, LSTMWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, _ = x.shape
    units = weights.units
    dtype = np.result_type(x, weights.W_x)
    h_prev = check_state("h0", h0, batch, units, dtype)
    c_prev = check_state("c0", c0, batch, units, dtype)
    W, b = weights.W.astype(dtype), weights.b.astype(dtype)
    trace = {name: np.empty((batch, steps, units), dtype=dtype) for name in ("h", "c", *GATES)}
    for t in range(steps):
        z = np.concatenate([h_prev, x[:, t]], axis=1) @ W + b  # (batch, 4·units), all gates at once
        i, f = sigmoid(z[:, :units]), sigmoid(z[:, units : 2 * units])
        c_tilde, o = np.tanh(z[:, 2 * units : 3 * units]), sigmoid(z[:, 3 * units :])
        c_prev = f * c_prev + i * c_tilde
        h_prev = o * np.tanh(c_prev)
        for name, value in zip(("h", "c", "i", "f", "c_tilde", "o"), (h_prev, c_prev, i, f, c_tilde, o)):
            trace[name][:, t] = value
    return LSTMTrace(**trace)


def from_keras(layer: object) -> LSTMWeights:
    """Copy the weights of a built ``keras.layers.LSTM`` (tanh/sigmoid, with bias).

    Raises
    ------
    ValueError
        If ``layer`` is not a built LSTM with tanh activation, sigmoid gates and a bias.
    """
    kernel, recurrent_kernel, bias = keras_weights(layer, "LSTM")
    return LSTMWeights(W_x=kernel, W_h=recurrent_kernel, b=bias)


def to_keras(weights: LSTMWeights, layer: object) -> None:
    """Set a built ``keras.layers.LSTM``'s weights to ``weights`` (shapes must agree)."""
    check_same_shapes(keras_weights(layer, "LSTM"), weights.W_x, weights.W_h)
    layer.set_weights([weights.W_x, weights.W_h, weights.b])


@dataclass(frozen=True)
class LSTMGradients:
    """Gradients of a loss with respect to everything :func:`lstm_forward` used.

    Attributes
    ----------
    dW_x : (features, 4·units)
    dW_h : (units, 4·units)
    db : (4·units,)
    dx : (batch, steps, features), what flows to the layer below
    dh0, dc0 : (batch, units), the gradients of the initial states
    """

    dW_x: np.ndarray
    dW_h: np.ndarray
    db: np.ndarray
    dx: np.ndarray
    dh0: np.ndarray
    dc0: np.ndarray


def lstm_backward(x: np.ndarray, weights: LSTMWeights, trace: LSTMTrace, dh: np.ndarray,
                  h0: np.ndarray | None = None, c0: np.ndarray | None = None,
                  dc_last: np.ndarray | None = None) -> LSTMGradients:
    """Backpropagation through time for :func:`lstm_forward`.

    From ``t = T`` down to 1, with ``δh_t`` the total gradient reaching ``h_t`` (from the loss and
    from step t+1) and ``δc_t`` the gradient reaching ``c_t`` from step t+1 (the cell path):

        δo = δh_t ⊙ tanh(c_t)
        δc = δc_t + δh_t ⊙ o_t ⊙ (1 − tanh²(c_t))
        δf = δc ⊙ c_{t-1},  δi = δc ⊙ c̃_t,  δc̃ = δc ⊙ i_t
        δc_{t-1} = δc ⊙ f_t                                  (the cell path, "constant error carousel")
        δz = [δi ⊙ i(1−i), δf ⊙ f(1−f), δc̃ ⊙ (1−c̃²), δo ⊙ o(1−o)]   (batch, 4·units)
        dW += [h_{t-1}, x_t]ᵀ δz,  db += Σ_batch δz,  [δh_{t-1}, δx_t] = δz Wᵀ

    Parameters
    ----------
    x : ndarray, shape (batch, steps, features)
    weights : LSTMWeights
    trace : LSTMTrace
        The forward pass's result for ``x`` (and ``h0``, ``c0``).
    dh : ndarray, shape (batch, steps, units)
        Upstream gradient ∂L/∂h_t for every step (zeros where the loss does not read h_t).
    h0, c0 : ndarray, shape (batch, units), optional
        The forward pass's initial states (zeros if omitted).
    dc_last : ndarray, shape (batch, units), optional
        Upstream gradient ∂L/∂c_T, when the loss reads the final cell state (``state_c``).

    Returns
    -------
    gradients : LSTMGradients

    Raises
    ------
    ValueError
        If ``dh``, the trace or a state does not match ``x`` and the weights.
    """
    check_weights_type(weights, LSTMWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, _ = x.shape
    units = weights.units
    check_step_arrays((batch, steps, units), **{f"trace.{name}": getattr(trace, name) for name in ("h", "c", *GATES)})
    check_step_arrays((batch, steps, units), dh=dh)
    dtype = np.result_type(x, weights.W_x, trace.h, dh)
    h_start = check_state("h0", h0, batch, units, dtype)
    c_start = check_state("c0", c0, batch, units, dtype)
    W = weights.W.astype(dtype)
    dW, db = np.zeros_like(W), np.zeros(4 * units, dtype=dtype)
    dx = np.zeros(x.shape, dtype=dtype)
    dh_next = np.zeros((batch, units), dtype=dtype)
    dc_next = check_state("dc_last", dc_last, batch, units, dtype)
    for t in reversed(range(steps)):
        h_prev = trace.h[:, t - 1] if t > 0 else h_start
        c_prev = trace.c[:, t - 1] if t > 0 else c_start
        i, f, c_tilde, o = trace.i[:, t], trace.f[:, t], trace.c_tilde[:, t], trace.o[:, t]
        tanh_c = np.tanh(trace.c[:, t])
        dh_t = dh[:, t] + dh_next
        do = dh_t * tanh_c
        dc = dc_next + dh_t * o * (1.0 - tanh_c**2)
        di, df, dc_tilde = dc * c_tilde, dc * c_prev, dc * i
        dc_next = dc * f  # the direct path c_{t-1} -> c_t
        dz = np.concatenate(
            [di * i * (1 - i), df * f * (1 - f), dc_tilde * (1 - c_tilde**2), do * o * (1 - o)], axis=1
        )  # (batch, 4·units), gate order i, f, c~, o
        hx = np.concatenate([h_prev, x[:, t]], axis=1)
        dW += hx.T @ dz
        db += dz.sum(axis=0)
        dhx = dz @ W.T
        dh_next, dx[:, t] = dhx[:, :units], dhx[:, units:]
    return LSTMGradients(dW_x=dW[units:], dW_h=dW[:units], db=db, dx=dx, dh0=dh_next, dc0=dc_next)
