"""The LSTM layer in numpy, batched over samples, matching ``keras.layers.LSTM``.

Symbols as in notation.md: B samples per batch, T steps, n features, H units. With ``x_t`` (B, n),
hidden state ``h_t`` and cell state ``c_t`` (B, H), one step is

    a_t = x_t W_x + h_{t-1} W_h + b = [h_{t-1}, x_t] W + b    pre-activations of the four gates, (B, 4H)
    i_t = σ(a^i_t)          input gate,  a^i_t = a_t[:, 0H:1H] = x_t W_xi + h_{t-1} W_hi + b_i
    f_t = σ(a^f_t)          forget gate, a^f_t = a_t[:, 1H:2H] = x_t W_xf + h_{t-1} W_hf + b_f
    c̃_t = tanh(a^c̃_t)       candidate cell state, a^c̃_t = a_t[:, 2H:3H] = x_t W_xc + h_{t-1} W_hc + b_c
    o_t = σ(a^o_t)          output gate, a^o_t = a_t[:, 3H:4H] = x_t W_xo + h_{t-1} W_ho + b_o
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t      cell state
    h_t = o_t ⊙ tanh(c_t)                hidden state (the layer's output)

``W = [W_h; W_x]`` stacks the recurrent weights ``W_h`` (H, 4H) over the input weights ``W_x``
(n, 4H); columns are in Keras's gate order i, f, c̃, o, so Keras's ``kernel``, ``recurrent_kernel``
and ``bias`` copy over unchanged. :func:`lstm_backward` gives the gradients (δ notation there).
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
    """Logistic function ``σ(z) = 1 / (1 + exp(-z))``, elementwise (``z`` is any array).

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
        Input weights, (n, 4H); Keras's ``kernel``.
    W_h : ndarray, shape (units, 4·units)
        Recurrent weights, (H, 4H); Keras's ``recurrent_kernel``.
    b : ndarray, shape (4·units,)
        Gate biases, (4H,); Keras's ``bias``.

    ``units``, ``features``, ``W = [W_h; W_x]`` and ``n_params()`` (``4H(n + H + 1)``)
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

        Shapes (n, H), (H, H), (H,). ``gate("c_tilde")`` gives the candidate's ``W_xc, W_hc, b_c``.
        """
        if name not in GATES:
            raise ValueError(f"name must be one of {GATES}, got {name!r}")
        k, units = GATES.index(name), self.units
        columns = slice(k * units, (k + 1) * units)
        return self.W_x[:, columns], self.W_h[:, columns], self.b[columns]


@dataclass(frozen=True)
class LSTMTrace:
    """Everything an LSTM computed over a batch, step by step.

    Every array has shape (batch, steps, units), (B, T, H); index ``[:, t]`` is step ``t + 1`` of
    the equations (Python counts from 0, the equations from 1).

    Attributes
    ----------
    h : hidden states ``h_t`` (the layer's outputs)
    c : cell states ``c_t``
    i, f, c_tilde, o : gate activations ``i_t``, ``f_t``, candidate ``c̃_t``, ``o_t``
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
    batch, steps, _ = x.shape  # B, T, n
    units = weights.units  # H
    dtype = np.result_type(x, weights.W_x)
    h_prev = check_state("h0", h0, batch, units, dtype)
    c_prev = check_state("c0", c0, batch, units, dtype)
    W, b = weights.W.astype(dtype), weights.b.astype(dtype)
    trace = {name: np.empty((batch, steps, units), dtype=dtype) for name in ("h", "c", *GATES)}
    for t in range(steps):
        a = np.concatenate([h_prev, x[:, t]], axis=1) @ W + b  # (B, 4H): a_t, all gates at once
        i, f = sigmoid(a[:, :units]), sigmoid(a[:, units : 2 * units])
        c_tilde, o = np.tanh(a[:, 2 * units : 3 * units]), sigmoid(a[:, 3 * units :])
        c_t = f * c_prev + i * c_tilde
        h_t = o * np.tanh(c_t)
        for name, value in zip(("h", "c", "i", "f", "c_tilde", "o"), (h_t, c_t, i, f, c_tilde, o)):
            trace[name][:, t] = value
        h_prev, c_prev = h_t, c_t  # the state step t + 1 reads
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
        δW_x = ∂L/∂W_x.
    dW_h : (units, 4·units)
        δW_h.
    db : (4·units,)
        δb.
    dx : (batch, steps, features)
        ∂L/∂x_t for every step, what flows to the layer below.
    dh0, dc0 : (batch, units)
        δh_0 and δc_0, the gradients of the initial states.
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

    ``δh_t = ∂L/∂h_t`` and ``δc_t = ∂L/∂c_t`` are total derivatives: through what the loss reads at
    step t and through every later step. Going from ``t = T`` down to 1:

        δh_t = ∂L/∂h_t|_t + δa_{t+1} W_hᵀ      the loss's own gradient at t (``dh``), and what step t+1 passes back
        δo_t = δh_t ⊙ tanh(c_t)
        δc_t = δc_{t+1} ⊙ f_{t+1} + δh_t ⊙ o_t ⊙ (1 − tanh²(c_t))
        δi_t = δc_t ⊙ c̃_t,   δf_t = δc_t ⊙ c_{t-1},   δc̃_t = δc_t ⊙ i_t
        δa_t = [δi_t ⊙ i_t(1 − i_t), δf_t ⊙ f_t(1 − f_t), δc̃_t ⊙ (1 − c̃_t²), δo_t ⊙ o_t(1 − o_t)]   (B, 4H)
        δW_x = Σ_t x_tᵀ δa_t,   δW_h = Σ_t h_{t-1}ᵀ δa_t,   δb = Σ_t Σ_batch δa_t,   ∂L/∂x_t = δa_t W_xᵀ

    ``δc_{t+1} ⊙ f_{t+1}`` is the cell path (the "constant error carousel"; constant only while
    ``f ≈ 1``). Boundary conditions: nothing after step T reads the state, so ``δh_{T+1} =
    δc_{T+1} = 0`` and both step-(T+1) terms vanish; when the loss also reads the final cell state
    (``state_c``), ``∂L/∂c_T`` (``dc_last``) takes the place of ``δc_{T+1} ⊙ f_{T+1}`` in ``δc_T``.
    The initial states get ``δh_0 = δa_1 W_hᵀ`` and ``δc_0 = δc_1 ⊙ f_1``, and ``δW_h`` includes the
    ``t = 1`` term ``h_0ᵀ δa_1``. In the code, ``dh_t``, ``dc_t`` and ``da`` hold ``δh_t``, ``δc_t``,
    ``δa_t``; ``dh_next`` and ``dc_next`` hold the parts of ``δh_{t-1}`` and ``δc_{t-1}`` that come
    from step t.

    Parameters
    ----------
    x : ndarray, shape (batch, steps, features)
    weights : LSTMWeights
    trace : LSTMTrace
        The forward pass's result for ``x`` (and ``h0``, ``c0``).
    dh : ndarray, shape (batch, steps, units)
        The loss's own gradient ∂L/∂h_t at every step, not counting later steps (zeros where the
        loss does not read h_t); the total δh_t adds what step t+1 passes back.
    h0, c0 : ndarray, shape (batch, units), optional
        The forward pass's initial states (zeros if omitted).
    dc_last : ndarray, shape (batch, units), optional
        ∂L/∂c_T, when the loss reads the final cell state (``state_c``); zeros if omitted.

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
    batch, steps, _ = x.shape  # B, T, n
    units = weights.units  # H
    check_step_arrays((batch, steps, units), **{f"trace.{name}": getattr(trace, name) for name in ("h", "c", *GATES)})
    check_step_arrays((batch, steps, units), dh=dh)
    dtype = np.result_type(x, weights.W_x, trace.h, dh)
    h_start = check_state("h0", h0, batch, units, dtype)
    c_start = check_state("c0", c0, batch, units, dtype)
    W = weights.W.astype(dtype)
    dW, db = np.zeros_like(W), np.zeros(4 * units, dtype=dtype)
    dx = np.zeros(x.shape, dtype=dtype)
    dh_next = np.zeros((batch, units), dtype=dtype)  # δh_{T+1} = 0
    dc_next = check_state("dc_last", dc_last, batch, units, dtype)  # 0, or ∂L/∂c_T for state_c
    for t in reversed(range(steps)):
        h_prev = trace.h[:, t - 1] if t > 0 else h_start
        c_prev = trace.c[:, t - 1] if t > 0 else c_start
        i, f, c_tilde, o = trace.i[:, t], trace.f[:, t], trace.c_tilde[:, t], trace.o[:, t]
        tanh_c = np.tanh(trace.c[:, t])
        dh_t = dh[:, t] + dh_next  # δh_t, total
        do = dh_t * tanh_c
        dc_t = dc_next + dh_t * o * (1.0 - tanh_c**2)  # δc_t, total
        di, df, dc_tilde = dc_t * c_tilde, dc_t * c_prev, dc_t * i
        dc_next = dc_t * f  # the cell path c_{t-1} -> c_t: δc_t ⊙ f_t, passed to step t-1
        da = np.concatenate(
            [di * i * (1 - i), df * f * (1 - f), dc_tilde * (1 - c_tilde**2), do * o * (1 - o)], axis=1
        )  # (B, 4H): δa_t, gate order i, f, c̃, o
        hx = np.concatenate([h_prev, x[:, t]], axis=1)  # (B, H + n)
        dW += hx.T @ da
        db += da.sum(axis=0)
        dhx = da @ W.T  # (B, H + n)
        dh_next, dx[:, t] = dhx[:, :units], dhx[:, units:]
    return LSTMGradients(dW_x=dW[units:], dW_h=dW[:units], db=db, dx=dx, dh0=dh_next, dc0=dc_next)
