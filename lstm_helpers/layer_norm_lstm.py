"""The layer-normalised LSTM of Ba, Kiros & Hinton (2016) in numpy, forward and backward.

Symbols as in notation.md (B samples, T steps, n features, H units, gate order i, f, c̃, o). Layer
normalisation of a row vector ``z`` with ``N`` elements, a gain ``g`` and a bias ``β`` (both of
size N) is

    LN(z; g, β) = g ⊙ (z − μ) / sqrt(v + ε) + β,    μ = (1/N) Σ_k z_k,   v = (1/N) Σ_k (z_k − μ)²

taken separately for every sample (row) and step: the batch rows never interact. The paper's
LSTM equations (20)–(22) (its supplementary material; p. 13 of arXiv v1), with ``W_h h_{t-1}``
written in this book's row-vector form ``h_{t-1} W_h`` and its gate order f, i, o, g changed to
Keras's i, f, c̃, o, are one step of

    a_t = LN(x_t W_x; g_x, β_x) + LN(h_{t-1} W_h; g_h, β_h) + b       (B, 4H)
    i_t = σ(a^i_t),  f_t = σ(a^f_t),  c̃_t = tanh(a^c̃_t),  o_t = σ(a^o_t)   (the blocks of a_t)
    c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t
    h_t = o_t ⊙ tanh(LN(c_t; g_c, β_c))

Choices where the paper leaves room, stated here once:

- **What is normalised together.** The paper applies LN to the whole vector ``W_h h_{t-1}`` (and
  ``W_x x_t``), so μ and v are taken over all **4H** pre-activations of one sample at once, not
  per gate block; ``g_x, β_x, g_h, β_h`` have 4H elements, in the gate order of ``W_x``.
  (Some libraries normalise each gate block separately; that is a different cell.) μ and v do
  not depend on the order of the blocks, so the change of gate order changes nothing else. The cell
  state's LN is over its H units, with ``g_c, β_c`` of size H.
- **ε.** The paper's σ has no ε; :data:`EPSILON` ``= 1e-5`` is added to the variance, inside the
  square root, here and in the Keras cell (:mod:`lstm_helpers.keras_layer_norm`), so that the two
  agree. It is needed, not cosmetic: with ``h_0 = 0`` the first step's ``h_0 W_h`` is a constant
  row (v = 0), and ε makes its LN ``β_h`` instead of 0/0. ``epsilon`` can be changed per call
  (it must be > 0).
- **Biases.** The paper keeps ``β_x``, ``β_h`` and ``b``; only their sum reaches ``a_t``, so their
  gradients are equal. They are kept (and counted by ``n_params``) to follow the paper.

Because of the normalisation, scaling ``W_x`` (or ``W_h``) by a positive constant s changes the
cell's output only through ε: ``LN_ε(s z) = LN_{ε/s²}(z)``, so it is invariant exactly for ε = 0 and
very nearly when the rows' variance ``v`` is much larger than ε.
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
    check_sequence_batch,
    check_state,
    check_step_arrays,
    check_weight_shapes,
    check_weights_type,
)
from lstm_helpers.lstm import _sigmoid, _tanh

#: ε added to the variance in every layer normalisation (here and in the Keras cell).
EPSILON = 1e-5

#: The gain and bias vectors of :class:`LNLSTMWeights`, with their sizes in units of H.
NORM_PARAMETERS = (("g_x", 4), ("beta_x", 4), ("g_h", 4), ("beta_h", 4), ("g_c", 1), ("beta_c", 1))


@dataclass(frozen=True)
class LNLSTMWeights(StackedWeights):
    """Weights of a layer-normalised LSTM (gate order i, f, c̃, o).

    Attributes
    ----------
    W_x : ndarray, shape (features, 4·units)
    W_h : ndarray, shape (units, 4·units)
    b : ndarray, shape (4·units,)
        As :class:`lstm_helpers.lstm.LSTMWeights`.
    g_x, beta_x : ndarray, shape (4·units,)
        Gain and bias of ``LN(x_t W_x)``.
    g_h, beta_h : ndarray, shape (4·units,)
        Gain and bias of ``LN(h_{t-1} W_h)``.
    g_c, beta_c : ndarray, shape (units,)
        Gain and bias of ``LN(c_t)``.

    All must be finite and of one float type (integers become float64); float arrays are stored
    as given, not copied.

    Raises
    ------
    TypeError
        If an array is not real numbers, or the arrays have different float types.
    ValueError
        If the shapes do not fit together or an array holds nan/inf.
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray
    g_x: np.ndarray
    beta_x: np.ndarray
    g_h: np.ndarray
    beta_h: np.ndarray
    g_c: np.ndarray
    beta_c: np.ndarray

    def __post_init__(self) -> None:
        names = [name for name, _ in NORM_PARAMETERS]
        for name in names:  # _store_as_arrays skips None; these are required
            if getattr(self, name) is None:
                raise ArgumentTypeError(f"{name} must be an array of real numbers, got None")
        self._store_as_arrays(*names)
        check_weight_shapes(self.W_x, self.W_h, self.b, n_gates=4)
        for name, blocks in NORM_PARAMETERS:
            expected = (blocks * self.units,)
            if getattr(self, name).shape != expected:
                raise ValueError(f"{name} must have shape {expected} for {self.units} units, "
                                 f"got {getattr(self, name).shape}")

    def n_params(self) -> int:
        """``4H(n + H + 1)`` as the LSTM, plus ``4·4H`` for ``g_x, β_x, g_h, β_h`` and ``2H`` for ``g_c, β_c``."""
        return super().n_params() + sum(getattr(self, name).size for name, _ in NORM_PARAMETERS)


@dataclass(frozen=True)
class LNLSTMTrace:
    """Everything :func:`ln_lstm_forward` computed, step by step (index ``[:, t]`` is step t + 1).

    Attributes
    ----------
    h, c, i, f, c_tilde, o : (batch, steps, units)
        As in :class:`lstm_helpers.lstm.LSTMTrace`.
    x_hat, h_hat : (batch, steps, 4·units)
        The normalised ``(z − μ)/sqrt(v + ε)`` of ``x_t W_x`` and of ``h_{t-1} W_h`` (before gain and bias).
    c_hat : (batch, steps, units)
        The normalised ``c_t``.
    inv_std_x, inv_std_h, inv_std_c : (batch, steps)
        ``1/sqrt(v + ε)`` of each of the three normalisations.
    """

    h: np.ndarray
    c: np.ndarray
    i: np.ndarray
    f: np.ndarray
    c_tilde: np.ndarray
    o: np.ndarray
    x_hat: np.ndarray
    h_hat: np.ndarray
    c_hat: np.ndarray
    inv_std_x: np.ndarray
    inv_std_h: np.ndarray
    inv_std_c: np.ndarray


@dataclass(frozen=True)
class LNLSTMGradients:
    """Gradients of a loss with respect to everything :func:`ln_lstm_forward` used.

    ``dW_x, dW_h, db`` and ``dg_x, dbeta_x, dg_h, dbeta_h, dg_c, dbeta_c`` have the shapes of the
    weights; ``dx`` is (batch, steps, features); ``dh0``, ``dc0`` are (batch, units).
    ``dbeta_x``, ``dbeta_h`` and ``db`` are equal (the three biases add up).
    """

    dW_x: np.ndarray
    dW_h: np.ndarray
    db: np.ndarray
    dg_x: np.ndarray
    dbeta_x: np.ndarray
    dg_h: np.ndarray
    dbeta_h: np.ndarray
    dg_c: np.ndarray
    dbeta_c: np.ndarray
    dx: np.ndarray
    dh0: np.ndarray
    dc0: np.ndarray


def init_ln_lstm(features: int, units: int, rng: np.random.Generator, scale: float = 0.5,
                 forget_bias: float = 1.0) -> LNLSTMWeights:
    """Random weights as :func:`lstm_helpers.lstm.init_lstm`; gains 1 and LN biases 0, as in the paper.

    Parameters
    ----------
    features, units : int
        ``>= 1``.
    rng : numpy.random.Generator
    scale : float, default 0.5
        Standard deviation of ``W_x``, ``W_h`` times ``sqrt(fan_in)``; ``>= 0``. (The LN makes the
        cell nearly insensitive to it.)
    forget_bias : float, default 1.0
        Initial ``b_f``; any finite number.

    Returns
    -------
    weights : LNLSTMWeights
        float64.

    Raises
    ------
    ValueError
        If a size is not an integer ``>= 1``, ``scale`` is negative, or a number is nan/inf.
    TypeError
        If ``rng`` is not a Generator or a number is not a real number.

    Examples
    --------
    >>> w = init_ln_lstm(features=2, units=3, rng=np.random.default_rng(0))
    >>> w.g_x.shape, w.g_c.shape, w.n_params()
    ((12,), (3,), 126)
    """
    features, units, scale = check_init_arguments(features, units, rng, scale)
    forget_bias = check_real("forget_bias", forget_bias)
    b = np.zeros(4 * units)
    b[units : 2 * units] = forget_bias
    return LNLSTMWeights(
        W_x=rng.normal(0.0, scale / np.sqrt(features), size=(features, 4 * units)),
        W_h=rng.normal(0.0, scale / np.sqrt(units), size=(units, 4 * units)),
        b=b,
        g_x=np.ones(4 * units), beta_x=np.zeros(4 * units),
        g_h=np.ones(4 * units), beta_h=np.zeros(4 * units),
        g_c=np.ones(units), beta_c=np.zeros(units),
    )


def _normalise(z: np.ndarray, epsilon: float) -> tuple[np.ndarray, np.ndarray]:
    """``((z − μ)/sqrt(v + ε), 1/sqrt(v + ε))`` over the last axis; the second without that axis."""
    centred = z - z.mean(axis=-1, keepdims=True)
    inv_std = 1.0 / np.sqrt((centred**2).mean(axis=-1) + epsilon)
    return centred * inv_std[..., None], inv_std


def _normalise_backward(dz_hat: np.ndarray, z_hat: np.ndarray, inv_std: np.ndarray) -> np.ndarray:
    """``∂L/∂z`` from ``∂L/∂ẑ`` for ``ẑ = (z − μ)/sqrt(v + ε)``, over the last axis.

    ``∂L/∂z = (1/sqrt(v + ε)) (δẑ − mean(δẑ) − ẑ ⊙ mean(δẑ ⊙ ẑ))``; it holds with ε > 0 too, since
    ``∂sqrt(v + ε)/∂z_k = ẑ_k / N``.
    """
    mean_dz = dz_hat.mean(axis=-1, keepdims=True)
    mean_dz_z = (dz_hat * z_hat).mean(axis=-1, keepdims=True)
    return inv_std[..., None] * (dz_hat - mean_dz - z_hat * mean_dz_z)


def _check_epsilon(epsilon: object) -> float:
    return check_real("epsilon", epsilon, minimum=0.0, strict=True)


def ln_lstm_forward(x: np.ndarray, weights: LNLSTMWeights, h0: np.ndarray | None = None,
                    c0: np.ndarray | None = None, epsilon: float = EPSILON) -> LNLSTMTrace:
    """Run the layer-normalised LSTM (module docstring) over every step of a batch.

    Parameters
    ----------
    x : array_like, shape (batch, steps, features)
        Real numbers; float32 stays float32, integers become float64.
    weights : LNLSTMWeights
    h0, c0 : array_like, shape (batch, units), optional
        Initial states; zeros by default. Cast to the type the layer computes in.
    epsilon : float, default :data:`EPSILON`
        ε of every LN, ``> 0``; the Keras cell's ``epsilon`` must be the same for equal outputs.

    Returns
    -------
    trace : LNLSTMTrace
        float32 if ``x`` and the weights are float32 (or ``x`` is integers), float64 otherwise.
        New arrays: nothing aliases the inputs.

    Raises
    ------
    TypeError
        If ``weights`` is not LNLSTMWeights, an array is not real numbers, or ``epsilon`` is not a
        real number.
    ValueError
        If ``x`` is not a finite (batch, steps, features) array matching the weights, a state has
        the wrong shape or holds nan/inf, ``epsilon`` is not a finite number ``> 0``, or the
        computation overflowed.

    Examples
    --------
    >>> w = init_ln_lstm(features=2, units=3, rng=np.random.default_rng(0))
    >>> trace = ln_lstm_forward(np.ones((4, 5, 2)), w)
    >>> trace.h.shape, trace.x_hat.shape
    ((4, 5, 3), (4, 5, 12))
    >>> bool(np.allclose(trace.c_hat.mean(axis=-1), 0.0))  # LN(c_t) has mean 0 over the units
    True
    """
    check_weights_type(weights, LNLSTMWeights)
    x = check_sequence_batch(x, weights.features)
    epsilon = _check_epsilon(epsilon)
    batch, steps, _ = x.shape  # B, T, n
    H = weights.units
    dtype = np.result_type(x, weights.W_x)
    h_prev = check_state("h0", h0, batch, H, dtype)
    c_prev = check_state("c0", c0, batch, H, dtype)
    W_x, W_h, b, g_x, beta_x, g_h, beta_h, g_c, beta_c = (
        np.asarray(getattr(weights, name), dtype=dtype)
        for name in ("W_x", "W_h", "b", "g_x", "beta_x", "g_h", "beta_h", "g_c", "beta_c"))
    # LN(x_t W_x) does not depend on h: all steps at once, before the loop.
    x_hat, inv_std_x = _normalise(x @ W_x, epsilon)  # (B, T, 4H), (B, T)
    a_x = x_hat * g_x + (beta_x + beta_h + b)  # LN(x_t W_x) + β_h + b; g_h ĥ is added in the loop
    names = ("h", "c", "i", "f", "c_tilde", "o", "c_hat")
    out = {name: np.empty((batch, steps, H), dtype=dtype) for name in names}
    h_hat = np.empty((batch, steps, 4 * H), dtype=dtype)
    inv_std_h, inv_std_c = np.empty((2, batch, steps), dtype=dtype)
    for t in range(steps):
        h_hat[:, t], inv_std_h[:, t] = _normalise(h_prev @ W_h, epsilon)
        a = a_x[:, t] + h_hat[:, t] * g_h  # a_t, (B, 4H)
        i, f, o = _sigmoid(a[:, :H]), _sigmoid(a[:, H : 2 * H]), _sigmoid(a[:, 3 * H :])
        c_tilde = _tanh(a[:, 2 * H : 3 * H])
        c_t = f * c_prev + i * c_tilde
        c_hat, inv_std_c[:, t] = _normalise(c_t, epsilon)
        h_t = o * _tanh(c_hat * g_c + beta_c)
        for name, value in zip(names, (h_t, c_t, i, f, c_tilde, o, c_hat)):
            out[name][:, t] = value
        h_prev, c_prev = h_t, c_t
    check_finite_results("ln_lstm_forward", {"h_T": h_prev, "c_T": c_prev}, {"x": x, "h0": h0, "c0": c0})
    return LNLSTMTrace(**out, x_hat=x_hat, h_hat=h_hat, inv_std_x=inv_std_x, inv_std_h=inv_std_h,
                       inv_std_c=inv_std_c)


def _check_ln_trace(trace: object, batch: int, steps: int, units: int) -> dict[str, np.ndarray]:
    """The arrays of an :class:`LNLSTMTrace` of the given sizes, as finite float arrays."""
    if not isinstance(trace, LNLSTMTrace):
        raise ArgumentTypeError(f"trace must be the LNLSTMTrace that ln_lstm_forward returned, "
                                f"got {type(trace).__name__}")
    shapes = {name: (batch, steps, units) for name in ("h", "c", "i", "f", "c_tilde", "o", "c_hat")}
    shapes.update(x_hat=(batch, steps, 4 * units), h_hat=(batch, steps, 4 * units))
    shapes.update({name: (batch, steps) for name in ("inv_std_x", "inv_std_h", "inv_std_c")})
    arrays = {}
    for name, shape in shapes.items():
        array = check_floats(f"trace.{name}", getattr(trace, name), allow_nonfinite=True)
        if array.shape != shape:
            raise ValueError(f"trace.{name} must have shape {shape} for (batch, steps, units) = "
                             f"({batch}, {steps}, {units}), got {array.shape}")
        check_finite(f"trace.{name}", array)
        arrays[name] = array
    return arrays


def ln_lstm_backward(x: np.ndarray, weights: LNLSTMWeights, trace: LNLSTMTrace, dh: np.ndarray,
                     h0: np.ndarray | None = None, c0: np.ndarray | None = None,
                     dc_last: np.ndarray | None = None) -> LNLSTMGradients:
    """Backpropagation through time for :func:`ln_lstm_forward`.

    With ``u_t = tanh(LN(c_t))``, ``ĉ_t``, ``x̂_t``, ``ĥ_t`` the normalised vectors of the trace, and
    ``LN'`` the normalisation's backward (``∂L/∂z = (1/sqrt(v + ε)) (δẑ − mean δẑ − ẑ ⊙ mean(δẑ ⊙ ẑ))``,
    means over the normalised axis), from ``t = T`` down to 1:

        δh_t = ∂L/∂h_t|_t + δz^h_{t+1} W_hᵀ            (δz^h: the gradient of h_t W_h, below)
        δo_t = δh_t ⊙ u_t,   δn_t = δh_t ⊙ o_t ⊙ (1 − u_t²)          (n_t = LN(c_t))
        δc_t = δc_{t+1} ⊙ f_{t+1} + LN'(δn_t ⊙ g_c)
        δa_t as in :func:`lstm_helpers.lstm.lstm_backward` from δo_t, δc_t
        δz^x_t = LN'(δa_t ⊙ g_x),   δz^h_t = LN'(δa_t ⊙ g_h)
        δW_x = Σ_t x_tᵀ δz^x_t,   δW_h = Σ_t h_{t-1}ᵀ δz^h_t,   ∂L/∂x_t = δz^x_t W_xᵀ
        δg_x = Σ δa_t ⊙ x̂_t,   δg_h = Σ δa_t ⊙ ĥ_t,   δb = δβ_x = δβ_h = Σ δa_t
        δg_c = Σ δn_t ⊙ ĉ_t,   δβ_c = Σ δn_t                 (Σ over steps and samples)

    Boundary conditions as for the LSTM: ``δh_{T+1} = δc_{T+1} = 0``, ``dc_last`` (∂L/∂c_T)
    takes the place of ``δc_{T+1} ⊙ f_{T+1}``; ``δh_0 = δz^h_1 W_hᵀ``, ``δc_0 = δc_1 ⊙ f_1``.

    Parameters
    ----------
    x : array_like, shape (batch, steps, features)
    weights : LNLSTMWeights
    trace : LNLSTMTrace
        :func:`ln_lstm_forward`'s result for ``x`` (and ``h0``, ``c0``); it holds what ε gave, so
        ε is not an argument here.
    dh : array_like, shape (batch, steps, units)
        The loss's own gradient ∂L/∂h_t at every step (zeros where the loss does not read h_t).
    h0, c0 : array_like, shape (batch, units), optional
        The forward pass's initial states (zeros if omitted).
    dc_last : array_like, shape (batch, units), optional
        ∂L/∂c_T, when the loss reads the final cell state; zeros if omitted.

    Returns
    -------
    gradients : LNLSTMGradients
        In the common float type of ``x``, the weights, the trace and ``dh``.

    Raises
    ------
    TypeError
        If ``weights`` is not LNLSTMWeights, ``trace`` not an LNLSTMTrace, or an array is not real numbers.
    ValueError
        If an array does not match ``x`` and the weights, holds nan/inf, or the gradients overflowed.

    Examples
    --------
    >>> w = init_ln_lstm(features=2, units=3, rng=np.random.default_rng(0))
    >>> x = np.ones((4, 5, 2))
    >>> g = ln_lstm_backward(x, w, ln_lstm_forward(x, w), dh=np.ones((4, 5, 3)))
    >>> g.dg_x.shape, g.dx.shape, bool(np.array_equal(g.db, g.dbeta_h))
    ((12,), (4, 5, 2), True)
    """
    check_weights_type(weights, LNLSTMWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, _ = x.shape
    H = weights.units
    arrays = _check_ln_trace(trace, batch, steps, H)
    dh = check_step_arrays((batch, steps, H), dh=dh)["dh"]
    dtype = np.result_type(x, weights.W_x, *arrays.values(), dh)
    h_start = check_state("h0", h0, batch, H, dtype)
    c_start = check_state("c0", c0, batch, H, dtype)
    dc_next = check_state("dc_last", dc_last, batch, H, dtype)  # 0, or ∂L/∂c_T
    W_x, W_h, g_x, g_h, g_c, beta_c = (np.asarray(getattr(weights, name), dtype=dtype)
                                       for name in ("W_x", "W_h", "g_x", "g_h", "g_c", "beta_c"))
    A = {name: np.asarray(value, dtype=dtype) for name, value in arrays.items()}
    dh = dh.astype(dtype, copy=False)
    da = np.empty((batch, steps, 4 * H), dtype=dtype)  # δa_t
    dz_h = np.empty((batch, steps, 4 * H), dtype=dtype)  # δz^h_t, the gradient of h_{t-1} W_h
    dn = np.empty((batch, steps, H), dtype=dtype)  # δn_t, the gradient of LN(c_t)
    dh_next = np.zeros((batch, H), dtype=dtype)  # δh_{T+1} = 0
    for t in reversed(range(steps)):
        i, f, c_tilde, o = A["i"][:, t], A["f"][:, t], A["c_tilde"][:, t], A["o"][:, t]
        c_prev = A["c"][:, t - 1] if t > 0 else c_start
        c_hat = A["c_hat"][:, t]
        u = _tanh(c_hat * g_c + beta_c)  # tanh(LN(c_t))
        dh_t = dh[:, t] + dh_next
        do = dh_t * u
        dn[:, t] = dh_t * o * (1.0 - u**2)
        dc_t = dc_next + _normalise_backward(dn[:, t] * g_c, c_hat, A["inv_std_c"][:, t])
        da[:, t, :H] = dc_t * c_tilde * i * (1.0 - i)
        da[:, t, H : 2 * H] = dc_t * c_prev * f * (1.0 - f)
        da[:, t, 2 * H : 3 * H] = dc_t * i * (1.0 - c_tilde**2)
        da[:, t, 3 * H :] = do * o * (1.0 - o)
        dz_h[:, t] = _normalise_backward(da[:, t] * g_h, A["h_hat"][:, t], A["inv_std_h"][:, t])
        dc_next = dc_t * f
        dh_next = dz_h[:, t] @ W_h.T
    dz_x = _normalise_backward(da * g_x, A["x_hat"], A["inv_std_x"])  # (B, T, 4H), all steps at once
    h_prev_all = np.concatenate([h_start[:, None], A["h"][:, :-1]], axis=1)  # h_{t-1}, (B, T, H)
    db = da.sum(axis=(0, 1))
    gradients = LNLSTMGradients(
        dW_x=np.einsum("btn,btk->nk", x.astype(dtype, copy=False), dz_x),
        dW_h=np.einsum("bth,btk->hk", h_prev_all, dz_h),
        db=db, dg_x=(da * A["x_hat"]).sum(axis=(0, 1)), dbeta_x=db.copy(),
        dg_h=(da * A["h_hat"]).sum(axis=(0, 1)), dbeta_h=db.copy(),
        dg_c=(dn * A["c_hat"]).sum(axis=(0, 1)), dbeta_c=dn.sum(axis=(0, 1)),
        dx=dz_x @ W_x.T, dh0=dh_next, dc0=dc_next,
    )
    check_finite_results("ln_lstm_backward", vars(gradients), {"dh": dh, "dc_last": dc_last})
    return gradients
