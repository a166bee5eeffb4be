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

How the code is arranged for speed (the equations are the same): ``x_t W_x + b`` does not depend
on h, so :func:`lstm_forward` computes it for all steps in one product before the loop, and
:func:`lstm_backward` computes ``δW_x``, ``δW_h`` and ``∂L/∂x_t`` in one product each after its
loop; only ``h_{t-1} W_h`` and ``δa_t W_hᵀ`` are left inside the loops. The loops work on
step-major arrays, ``[t]`` first, so that each step reads and writes contiguous memory, and the
gates are computed in place in the array that returns them; the trace's batch-first arrays are
transposed views. ``sigmoid`` and ``tanh`` take one ``exp`` per element (numpy's ``tanh`` takes
about twice as long).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers._checks import check_real
from lstm_helpers._recurrent import (
    ArgumentTypeError,
    StackedWeights,
    check_finite,
    check_finite_results,
    check_floats,
    check_init_arguments,
    check_same_shapes,
    check_sequence_batch,
    check_state,
    check_step_arrays,
    check_trace,
    check_weight_shapes,
    check_weights_type,
    keras_weights,
)

#: Gate order of the columns of ``W_x``, ``W_h`` and ``b`` (Keras's order).
GATES = ("i", "f", "c_tilde", "o")


def _float_result(z: object, out: np.ndarray | None) -> np.ndarray:
    """``out``, or a new float array of ``z``'s shape (float32 stays float32; integers become float64)."""
    if out is not None:
        return out
    z = np.asarray(z)
    return np.empty(z.shape, dtype=np.result_type(z.dtype, np.float32))


def _check_activation_arguments(z: object, out: object) -> np.ndarray:
    """Return ``z`` as a float array without nan, after checking ``out`` (None, or an array to write into)."""
    z = check_floats("z", z, allow_nonfinite=True)  # ±inf saturate to the limits; nan has no value to give
    n_nan = int(np.isnan(z).sum())
    if n_nan:
        raise ValueError(f"z must not hold nan, got {n_nan} nan values of {z.size}")
    if out is not None:
        if not isinstance(out, np.ndarray):
            raise ArgumentTypeError(f"out must be a numpy array (or None), got {type(out).__name__}")
        dtype = np.result_type(z.dtype, np.float32)
        if out.shape != z.shape or out.dtype != dtype:
            raise ValueError(f"out must have z's shape {z.shape} and dtype {dtype}, got shape {out.shape}, "
                             f"dtype {out.dtype}")
        if not out.flags.writeable:
            raise ValueError("out must be writeable, got a read-only array")
    return z


def _sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """:func:`sigmoid` without the argument checks, for the layers' inner loops."""
    out = _float_result(z, out)
    with np.errstate(over="ignore"):
        np.negative(z, out=out)
        np.exp(out, out=out)  # exp(−z)
    out += 1.0
    np.divide(1.0, out, out=out)
    return out if out.ndim else out[()]


def _tanh(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """:func:`tanh` without the argument checks, for the layers' inner loops."""
    out = _float_result(z, out)
    with np.errstate(over="ignore"):
        np.multiply(z, -2.0, out=out)
        np.exp(out, out=out)  # exp(−2z)
    out += 1.0
    np.divide(2.0, out, out=out)
    out -= 1.0
    return out if out.ndim else out[()]


def sigmoid(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Logistic function ``σ(z) = 1 / (1 + exp(-z))``, elementwise (``z`` is any array).

    Computed as written, in place: ``exp(-z)`` overflows to ``inf`` for ``z`` below about -709
    (-88 in float32), where ``1 / (1 + inf) = 0`` is the right answer, so that overflow is not
    reported. The one ``exp`` per element is the costly part; the equal form ``(1 + tanh(z / 2)) / 2``
    is slower because numpy's ``tanh`` takes about twice as long as its ``exp``.

    Parameters
    ----------
    z : array_like of float
        Any shape; ``±inf`` give the limits 1 and 0. float32 stays float32, integers become float64.
    out : ndarray, optional
        Where to write the result, of ``z``'s shape and result dtype (may be ``z`` itself); a new
        array by default.

    Returns
    -------
    sigma : ndarray
        ``out`` if given; a NumPy scalar for a scalar ``z``.

    Raises
    ------
    TypeError
        If ``z`` is not real numbers (a string, bools, complex, objects) or ``out`` is not an ndarray.
    ValueError
        If ``z`` holds nan, or ``out`` has another shape or dtype, or is read-only.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [0.0, 0.5, 1.0]
    """
    result = _sigmoid(_check_activation_arguments(z, out), out)
    return result if out is None else out


def tanh(z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Hyperbolic tangent ``tanh(z) = 2σ(2z) − 1 = 2 / (1 + exp(−2z)) − 1``, elementwise.

    The same function as ``np.tanh``, computed with one ``exp`` per element, which takes about half
    the time of numpy's ``tanh``. It saturates at exactly ±1 for large ``|z|`` (an overflow of
    ``exp`` there is the right answer and not reported). Its absolute error is a few units in the
    last place of 1 (about 2e-16 in float64, 2e-7 in float32); very close to 0, where ``tanh(z) ≈ z``,
    ``np.tanh`` is more accurate relative to the value.

    Parameters
    ----------
    z : array_like of float
        Any shape; ``±inf`` give ±1. float32 stays float32, integers become float64.
    out : ndarray, optional
        Where to write the result, of ``z``'s shape and result dtype (may be ``z`` itself); a new
        array by default.

    Returns
    -------
    tanh_z : ndarray
        ``out`` if given; a NumPy scalar for a scalar ``z``.

    Raises
    ------
    TypeError
        If ``z`` is not real numbers or ``out`` is not an ndarray.
    ValueError
        If ``z`` holds nan, or ``out`` has another shape or dtype, or is read-only.

    Examples
    --------
    >>> tanh(np.array([-1000.0, 0.0, 1000.0])).tolist()
    [-1.0, 0.0, 1.0]
    """
    result = _tanh(_check_activation_arguments(z, out), out)
    return result if out is None else out


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

    The three must be finite and of one float type (integers become float64); float arrays are
    stored as given, not copied. ``units``, ``features``, ``W = [W_h; W_x]`` and ``n_params()``
    (``4H(n + H + 1)``) come from :class:`~lstm_helpers._recurrent.StackedWeights`.

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
        check_weight_shapes(self.W_x, self.W_h, self.b, n_gates=4)

    def gate(self, name: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Views ``(W_x·, W_h·, b·)`` of one gate, e.g. ``gate("f")`` gives ``W_xf, W_hf, b_f``.

        Shapes (n, H), (H, H), (H,). ``gate("c_tilde")`` gives the candidate's ``W_xc, W_hc, b_c``.
        """
        if not isinstance(name, str) or name not in GATES:
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

    :func:`lstm_backward` checks a trace it is given (type, dtypes, shapes, nan/inf).
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
        ``>= 0``.
    forget_bias : float, default 1.0
        Any finite number.

    Returns
    -------
    weights : LSTMWeights
        float64.

    Raises
    ------
    ValueError
        If a size is not an integer ``>= 1`` (2.7 is refused, not truncated), ``scale`` is negative,
        or a number is nan/inf.
    TypeError
        If ``rng`` is not a Generator or a number is not a real number.
    """
    features, units, scale = check_init_arguments(features, units, rng, scale)
    forget_bias = check_real("forget_bias", forget_bias)
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
    x : array_like, shape (batch, steps, features)
        Real numbers (a nested list is fine); float32 stays float32, integers become float64.
    weights : LSTMWeights
    h0, c0 : array_like, shape (batch, units), optional
        Initial hidden and cell state; zeros by default, as in Keras. Cast to the type the layer
        computes in.

    Returns
    -------
    trace : LSTMTrace
        ``trace.h[:, -1]`` is Keras's output without ``return_sequences`` (and its ``state_h``);
        ``trace.c[:, -1]`` is ``state_c``. The arrays are (batch, steps, units) views of step-major
        memory, so one step, ``trace.h[:, t]``, is contiguous. Their type is float32 if ``x`` and
        the weights are float32 (or ``x`` is integers), float64 otherwise.

    Raises
    ------
    TypeError
        If ``weights`` is not LSTMWeights, or ``x`` or a state is not real numbers.
    ValueError
        If ``x`` is not a finite (batch, steps, features) array matching the weights, a state has
        the wrong shape or holds nan/inf, or the computation overflowed (an ``x`` near the float
        type's largest value).

    Examples
    --------
    >>> w = init_lstm(features=2, units=3, rng=np.random.default_rng(0))
    >>> lstm_forward(np.ones((4, 5, 2)), w).c.shape
    (4, 5, 3)
    """
    check_weights_type(weights, LSTMWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, features = x.shape  # B, T, n
    units = weights.units  # H
    dtype = np.result_type(x, weights.W_x)
    h_prev = check_state("h0", h0, batch, units, dtype)
    c_prev = check_state("c0", c0, batch, units, dtype)
    W_x, W_h, b = (np.asarray(w, dtype=dtype) for w in (weights.W_x, weights.W_h, weights.b))
    # The gates' blocks stacked, [k] for gate k = i, f, c̃, o: W_h_gates[1] is W_hf (views, not copies).
    W_x_gates = W_x.reshape(features, 4, units).transpose(1, 0, 2)  # (4, n, H)
    W_h_gates = W_h.reshape(units, 4, units).transpose(1, 0, 2)  # (4, H, H)
    # x_t W_x + b does not depend on h: one product for every step and gate, before the loop. Arrays
    # are step-major, [t] first, so that what step t reads and writes is contiguous in memory.
    gates = x.transpose(1, 0, 2)[:, None] @ W_x_gates  # (T, 4, B, H): x_t W_xk for every step t and gate k
    gates += b.reshape(4, 1, units)  # + b_k
    h, c = np.empty((2, steps, batch, units), dtype=dtype)  # (T, B, H) each
    hW = np.empty((4, batch, units), dtype=dtype)  # h_{t-1} W_hk, rewritten at every step
    tanh_c = np.empty((batch, units), dtype=dtype)  # tanh(c_t), rewritten at every step
    for t in range(steps):
        a = gates[t]  # (4, B, H): x_t W_xk + b_k, turned into the gates in place
        a += np.matmul(h_prev, W_h_gates, out=hW)  # the blocks of a_t: a^k_t = x_t W_xk + h_{t-1} W_hk + b_k
        _sigmoid(a[:2], out=a[:2])  # i_t, f_t (adjacent blocks, one call)
        _tanh(a[2], out=a[2])  # c̃_t
        _sigmoid(a[3], out=a[3])  # o_t
        i, f, c_tilde, o = a  # (B, H) each
        c[t] = f * c_prev + i * c_tilde  # c_t
        h[t] = o * _tanh(c[t], out=tanh_c)  # h_t
        h_prev, c_prev = h[t], c[t]  # the state step t + 1 reads
    # A nan anywhere (an overflow of x W_x for an x near the float type's largest value) reaches the
    # last state: checking it costs O(B·H), not a pass over the trace.
    check_finite_results("lstm_forward", {"h_T": h[-1], "c_T": c[-1]}, {"x": x, "h0": h0, "c0": c0})
    # The trace is batch-first, (B, T, H): views of the step-major arrays, not copies.
    i, f, c_tilde, o = gates.transpose(1, 2, 0, 3)  # (B, T, H) each
    return LSTMTrace(h=h.transpose(1, 0, 2), c=c.transpose(1, 0, 2), i=i, f=f, c_tilde=c_tilde, o=o)


def from_keras(layer: object) -> LSTMWeights:
    """Copy the weights of a built ``keras.layers.LSTM`` (tanh/sigmoid, with bias).

    Returns new arrays in the layer's float type (float32 by default).

    Raises
    ------
    ValueError
        If ``layer`` is not a built LSTM with tanh activation, sigmoid gates and a bias.
    """
    kernel, recurrent_kernel, bias = keras_weights(layer, "LSTM")
    return LSTMWeights(W_x=kernel, W_h=recurrent_kernel, b=bias)


def to_keras(weights: LSTMWeights, layer: object) -> None:
    """Set a built ``keras.layers.LSTM``'s weights to ``weights`` (shapes must agree).

    Raises
    ------
    TypeError
        If ``weights`` is not LSTMWeights (a GRU's or a peephole LSTM's would not copy faithfully).
    ValueError
        If ``layer`` is not a built LSTM with tanh activation, sigmoid gates and a bias, or its
        sizes differ from the weights'.
    """
    check_weights_type(weights, LSTMWeights)
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
        ∂L/∂x_t for every step, what flows to the layer below (a view of step-major memory, like
        the trace's arrays).
    dh0, dc0 : (batch, units)
        δh_0 and δc_0, the gradients of the initial states.
    """

    dW_x: np.ndarray
    dW_h: np.ndarray
    db: np.ndarray
    dx: np.ndarray
    dh0: np.ndarray
    dc0: np.ndarray


def _step_major(array: np.ndarray, dtype: np.dtype) -> np.ndarray:
    """A (B, T, H) array as (T, B, H), copied only if a step's block ``[t]`` would not be contiguous."""
    by_step = np.asarray(array, dtype=dtype).transpose(1, 0, 2)
    return by_step if by_step[0].flags.c_contiguous else np.ascontiguousarray(by_step)


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
    x : array_like, shape (batch, steps, features)
    weights : LSTMWeights
    trace : LSTMTrace
        The forward pass's result for ``x`` (and ``h0``, ``c0``).
    dh : array_like, shape (batch, steps, units)
        The loss's own gradient ∂L/∂h_t at every step, not counting later steps (zeros where the
        loss does not read h_t); the total δh_t adds what step t+1 passes back. Real numbers (a
        nested list is fine).
    h0, c0 : array_like, shape (batch, units), optional
        The forward pass's initial states (zeros if omitted).
    dc_last : array_like, shape (batch, units), optional
        ∂L/∂c_T, when the loss reads the final cell state (``state_c``); zeros if omitted.

    Returns
    -------
    gradients : LSTMGradients
        All in one float type, the one the computation ran in: the common type of ``x``, the
        weights, the trace and ``dh``. So it is float32 only if all of them are float32: float32
        weights with a float64 ``dh`` give float64 gradients (cast ``dh`` with
        ``.astype(np.float32)`` to stay in float32). The states are cast to that type.

    Raises
    ------
    TypeError
        If ``weights`` is not LSTMWeights, ``trace`` not an LSTMTrace, or an array not real numbers.
    ValueError
        If ``dh``, the trace or a state does not match ``x`` and the weights, an input holds
        nan/inf, or the gradients overflowed. (nan/inf in ``dh`` or the trace are found in the
        gradients they would make nan/inf, which saves a pass over the trace.)
    """
    check_weights_type(weights, LSTMWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, features = x.shape  # B, T, n
    units = weights.units  # H
    arrays = check_trace(trace, LSTMTrace, "lstm_forward", (batch, steps, units), allow_nonfinite=True)
    for name in ("h", "c"):  # the last step's h_T is not read, and c_T = inf would give tanh(c_T) = 1: O(B·H)
        check_finite(f"trace.{name}[:, -1]", arrays[name][:, -1])
    dh = check_step_arrays((batch, steps, units), allow_nonfinite=True, dh=dh)["dh"]
    dtype = np.result_type(x, weights.W_x, *arrays.values(), dh)
    h_start = check_state("h0", h0, batch, units, dtype)
    c_start = check_state("c0", c0, batch, units, dtype)
    W_x, W_h = (np.asarray(w, dtype=dtype) for w in (weights.W_x, weights.W_h))
    dh = dh.astype(dtype, copy=False)
    # Step-major, [t] first, as lstm_forward stores them (no copy of its trace): step t's (B, H) blocks
    # are contiguous in memory.
    h_all, c_all, i_all, f_all, c_tilde_all, o_all = (
        _step_major(arrays[name], dtype) for name in ("h", "c", *GATES)
    )  # (T, B, H) each
    da = np.empty((steps, batch, 4 * units), dtype=dtype)  # (T, B, 4H): δa_t for every step, filled from t = T down
    da_i, da_f, da_c, da_o = np.split(da, 4, axis=2)  # (T, B, H) views: its blocks, gate order i, f, c̃, o
    tanh_c = np.empty((batch, units), dtype=dtype)  # tanh(c_t), rewritten at every step
    dh_next = np.zeros((batch, units), dtype=dtype)  # δh_{T+1} = 0
    dc_next = check_state("dc_last", dc_last, batch, units, dtype)  # 0, or ∂L/∂c_T for state_c
    for t in reversed(range(steps)):
        i, f, c_tilde, o = i_all[t], f_all[t], c_tilde_all[t], o_all[t]  # (B, H) each
        c_prev = c_all[t - 1] if t > 0 else c_start
        _tanh(c_all[t], out=tanh_c)
        dh_t = dh[:, t] + dh_next  # δh_t, total
        do = dh_t * tanh_c  # δo_t
        dc_t = dc_next + dh_t * o * (1.0 - tanh_c**2)  # δc_t, total
        di, df, dc_tilde = dc_t * c_tilde, dc_t * c_prev, dc_t * i  # δi_t, δf_t, δc̃_t
        np.multiply(di, i * (1.0 - i), out=da_i[t])  # δa^i_t = δi_t ⊙ i_t(1 − i_t)
        np.multiply(df, f * (1.0 - f), out=da_f[t])  # δa^f_t
        np.multiply(dc_tilde, 1.0 - c_tilde**2, out=da_c[t])  # δa^c̃_t = δc̃_t ⊙ (1 − c̃_t²)
        np.multiply(do, o * (1.0 - o), out=da_o[t])  # δa^o_t
        dc_next = dc_t * f  # the cell path c_{t-1} -> c_t: δc_t ⊙ f_t, passed to step t-1
        dh_next = da[t] @ W_h.T  # the part of δh_{t-1} that comes from step t
    # The weight gradients and dx do not feed the recursion: one product each, over all T·B rows.
    da_rows = da.reshape(steps * batch, 4 * units)  # (T·B, 4H): δa_1's B rows, then δa_2's, …
    x_rows = x.transpose(1, 0, 2).reshape(steps * batch, features)  # (T·B, n), in the same order
    h_rows = h_all[:-1].reshape((steps - 1) * batch, units)  # ((T-1)·B, H): h_1 … h_{T-1}, the h_{t-1} of t = 2 … T
    dW_x = x_rows.T @ da_rows  # Σ_t x_tᵀ δa_t
    dW_h = h_start.T @ da[0] + h_rows.T @ da_rows[batch:]  # Σ_t h_{t-1}ᵀ δa_t: t = 1 (h_0), then t = 2 … T
    db = da_rows.sum(axis=0)  # Σ_t Σ_batch δa_t
    dx = (da_rows @ W_x.T).reshape(steps, batch, features).transpose(1, 0, 2)  # (B, T, n) view: δa_t W_xᵀ
    gradients = LSTMGradients(dW_x=dW_x, dW_h=dW_h, db=db, dx=dx, dh0=dh_next, dc0=dc_next)
    # nan/inf in dh or the trace reach δa_t, hence db = Σ δa_t: found here, not by a pass over the trace.
    check_finite_results("lstm_backward", vars(gradients), {"dh": dh, **{f"trace.{k}": v for k, v in arrays.items()}})
    return gradients
