"""The gated recurrent unit (GRU, Cho et al. 2014) in numpy, both of Keras's formulations.

Symbols as in notation.md (B samples, n features, H units). Gate order in the weights is Keras's:
update gate z, reset gate r, candidate h̃, so ``W_x = [W_xz, W_xr, W_xh]`` (n, 3H) and
``W_h = [W_hz, W_hr, W_hh]`` (H, 3H). With ``x_t`` (B, n) and ``h_t`` (B, H):

    z_t = σ(x_t W_xz + h_{t-1} W_hz + b_z)           update gate
    r_t = σ(x_t W_xr + h_{t-1} W_hr + b_r)           reset gate
    h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t              (z_t = 1 keeps the old state; colah's blog swaps z and 1 − z)

and the candidate in one of two forms, chosen by ``reset_after``:

- ``reset_after=True``, Keras's default (and the form of cuDNN and PyTorch): r_t scales the
  recurrent product, ``h̃_t = tanh(x_t W_xh + b_xh + r_t ⊙ (h_{t-1} W_hh + b_hh))``. Two bias
  vectors, input-side ``b_x = [b_xz, b_xr, b_xh]`` and recurrent-side ``b_h = [b_hz, b_hr, b_hh]``,
  stored as ``b`` of shape (2, 3H); the gates use only the sums ``b_z = b_xz + b_hz`` and
  ``b_r = b_xr + b_hr``, while ``b_hh`` is scaled by r_t. Keras's documentation calls this form
  "based on original 1406.1078v1", the first arXiv version of Cho et al.
- ``reset_after=False``: r_t scales h_{t-1} before the product,
  ``h̃_t = tanh(x_t W_xh + (r_t ⊙ h_{t-1}) W_hh + b_xh)``, with one bias ``b = [b_xz, b_xr, b_xh]``
  (3H,). Keras calls this form "based on 1406.1078v3", the revised version. It is the form d2l and
  colah's blog print as Cho et al.'s GRU, so texts that call it "the original GRU" mean the
  opposite form to Keras's "original". (Keras 3's docstring also still calls this form "the
  default"; the default is ``reset_after=True``.)

There is no separate cell state: the hidden state is the memory.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers._recurrent import (
    StackedWeights,
    check_finite_results,
    check_bool,
    check_init_arguments,
    check_same_shapes,
    check_sequence_batch,
    check_state,
    check_step_arrays,
    check_trace,
    check_weights_type,
    keras_weights,
)
from lstm_helpers.lstm import _sigmoid  # sigmoid without the argument checks, for the loop

#: Gate order of the columns of ``W_x``, ``W_h`` and ``b`` (Keras's order).
GATES = ("z", "r", "h_tilde")


@dataclass(frozen=True)
class GRUWeights(StackedWeights):
    """Weights of a GRU layer in Keras's layout.

    Attributes
    ----------
    W_x : ndarray, shape (features, 3·units)
    W_h : ndarray, shape (units, 3·units)
    b : ndarray, shape (3·units,) if not ``reset_after``, else (2, 3·units): rows ``b_x``, ``b_h``
    reset_after : bool
        Which candidate formula (see module docstring).

    The arrays must be finite and of one float type (integers become float64); float arrays are
    stored as given, not copied.

    Raises
    ------
    TypeError
        If an array is not real numbers, the arrays have different float types, or
        ``reset_after`` is not a bool.
    ValueError
        If the shapes do not fit together or an array holds nan/inf.
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray
    reset_after: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "reset_after", check_bool("reset_after", self.reset_after))
        self._store_as_arrays()
        W_x, W_h, b = self.W_x, self.W_h, self.b
        if W_h.ndim != 2 or W_h.shape[0] == 0 or W_h.shape[1] != 3 * W_h.shape[0]:
            raise ValueError(f"W_h must have shape (units, 3·units), got {W_h.shape}")
        units = W_h.shape[0]
        if W_x.ndim != 2 or W_x.shape[0] == 0 or W_x.shape[1] != 3 * units:
            raise ValueError(f"W_x must have shape (features, {3 * units}) for {units} units, got {W_x.shape}")
        expected = (2, 3 * units) if self.reset_after else (3 * units,)
        if b.shape != expected:
            raise ValueError(f"b must have shape {expected} when reset_after={self.reset_after}, got {b.shape}")

    # units, features and n_params() (3·units·(features + units + 1), plus 3·units for the second
    # bias when reset_after) come from StackedWeights.


@dataclass(frozen=True)
class GRUTrace:
    """Hidden states ``h_t``, gates ``z_t``, ``r_t`` and candidates ``h̃_t`` of a GRU; each (B, T, H).

    :func:`gru_backward` checks a trace it is given (type, dtypes, shapes, nan/inf).
    """

    h: np.ndarray
    z: np.ndarray
    r: np.ndarray
    h_tilde: np.ndarray


@dataclass(frozen=True)
class GRUGradients:
    """Gradients ``δW_x``, ``δW_h``, ``δb`` (shapes of the weights), ``∂L/∂x_t`` (``dx``, (B, T, n)), ``δh_0``."""

    dW_x: np.ndarray
    dW_h: np.ndarray
    db: np.ndarray
    dx: np.ndarray
    dh0: np.ndarray


def init_gru(features: int, units: int, rng: np.random.Generator, reset_after: bool = True,
             scale: float = 0.5) -> GRUWeights:
    """Random weights, normal with standard deviation ``scale / sqrt(fan_in)``, random small biases.

    Parameters
    ----------
    features, units : int
        Input size ``n`` and hidden size ``H``, both ``>= 1``.
    rng : numpy.random.Generator
    reset_after : bool, default True
        Keras's default formulation (see the module docstring).
    scale : float, default 0.5
        ``>= 0``.

    Returns
    -------
    weights : GRUWeights
        float64.

    Raises
    ------
    ValueError
        If a size is not an integer ``>= 1`` (2.7 is refused, not truncated) or ``scale`` is
        negative or nan/inf.
    TypeError
        If ``rng`` is not a Generator, ``reset_after`` not a bool or ``scale`` not a real number.
    """
    features, units, scale = check_init_arguments(features, units, rng, scale)
    reset_after = check_bool("reset_after", reset_after)
    bias_shape = (2, 3 * units) if reset_after else (3 * units,)
    return GRUWeights(
        W_x=rng.normal(0.0, scale / np.sqrt(features), size=(features, 3 * units)),
        W_h=rng.normal(0.0, scale / np.sqrt(units), size=(units, 3 * units)),
        b=rng.normal(0.0, 0.1, size=bias_shape),
        reset_after=reset_after,
    )


def _biases(weights: GRUWeights, dtype) -> tuple[np.ndarray, np.ndarray]:
    """``b_x`` and ``b_h``, each (3H,); without reset_after, ``b_x = b`` and ``b_h = 0``."""
    if weights.reset_after:
        return weights.b[0].astype(dtype), weights.b[1].astype(dtype)
    return weights.b.astype(dtype), np.zeros(3 * weights.units, dtype=dtype)


def gru_forward(x: np.ndarray, weights: GRUWeights, h0: np.ndarray | None = None) -> GRUTrace:
    """Run the GRU over every step of a batch.

    Parameters
    ----------
    x : array_like, shape (batch, steps, features)
        Real numbers (a nested list is fine); float32 stays float32, integers become float64.
    weights : GRUWeights
    h0 : array_like, shape (batch, units), optional
        Initial hidden state; zeros by default, as in Keras. Cast to the type the layer computes in.

    Returns
    -------
    trace : GRUTrace
        ``trace.h[:, -1]`` is Keras's output without ``return_sequences``. float32 if ``x`` and the
        weights are float32, float64 otherwise.

    Raises
    ------
    TypeError
        If ``weights`` is not GRUWeights, or ``x`` or ``h0`` is not real numbers.
    ValueError
        If ``x`` is not a finite (batch, steps, features) array matching the weights, ``h0`` has
        the wrong shape or holds nan/inf, or the computation overflowed.

    Examples
    --------
    >>> w = init_gru(2, 3, np.random.default_rng(0))
    >>> gru_forward(np.ones((4, 5, 2)), w).h.shape
    (4, 5, 3)
    """
    check_weights_type(weights, GRUWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, _ = x.shape  # B, T, n
    H = weights.units
    dtype = np.result_type(x, weights.W_x)
    h_prev = check_state("h0", h0, batch, H, dtype)
    W_x, W_h = weights.W_x.astype(dtype), weights.W_h.astype(dtype)
    b_x, b_h = _biases(weights, dtype)
    trace = {name: np.empty((batch, steps, H), dtype=dtype) for name in ("h", "z", "r", "h_tilde")}
    for t in range(steps):
        a_x = x[:, t] @ W_x + b_x  # (B, 3H): input side of the pre-activations of z, r, h~
        if weights.reset_after:
            a_h = h_prev @ W_h + b_h  # (B, 3H): recurrent side, all three blocks at once
            z, r = _sigmoid(a_x[:, :H] + a_h[:, :H]), _sigmoid(a_x[:, H : 2 * H] + a_h[:, H : 2 * H])
            h_tilde = np.tanh(a_x[:, 2 * H :] + r * a_h[:, 2 * H :])
        else:
            a_h = h_prev @ W_h[:, : 2 * H]  # (B, 2H): gates first, the candidate needs r
            z, r = _sigmoid(a_x[:, :H] + a_h[:, :H]), _sigmoid(a_x[:, H : 2 * H] + a_h[:, H:])
            h_tilde = np.tanh(a_x[:, 2 * H :] + (r * h_prev) @ W_h[:, 2 * H :])
        h_t = z * h_prev + (1.0 - z) * h_tilde
        for name, value in (("h", h_t), ("z", z), ("r", r), ("h_tilde", h_tilde)):
            trace[name][:, t] = value
        h_prev = h_t  # the state step t + 1 reads
    check_finite_results("gru_forward", {"h_T": h_prev}, {"x": x, "h0": h0})  # a nan (overflow) reaches h_T
    return GRUTrace(**trace)


def gru_backward(x: np.ndarray, weights: GRUWeights, trace: GRUTrace, dh: np.ndarray,
                 h0: np.ndarray | None = None) -> GRUGradients:
    """Backpropagation through time for :func:`gru_forward`.

    With ``δh_t = ∂L/∂h_t`` the total gradient (the loss at t, ``dh``, plus what step t+1 passes
    back; ``δh_{T+1} = 0``), from ``t = T`` down to 1:

        δa^z_t = δh_t ⊙ (h_{t-1} − h̃_t) ⊙ z_t(1 − z_t)
        δa^h̃_t = δh_t ⊙ (1 − z_t) ⊙ (1 − h̃_t²)
        δr_t   = δa^h̃_t ⊙ (h_{t-1} W_hh + b_hh)          reset_after=True: r scales the product
        δr_t   = (δa^h̃_t W_hhᵀ) ⊙ h_{t-1}                 reset_after=False: r scales h_{t-1}
        δa^r_t = δr_t ⊙ r_t(1 − r_t)

    and the part of ``δh_{t-1}`` that comes from step t is ``δh_t ⊙ z_t`` (the direct path)
    ``+ δa^z_t W_hzᵀ + δa^r_t W_hrᵀ``, plus ``(r_t ⊙ δa^h̃_t) W_hhᵀ`` (reset_after=True) or
    ``(δa^h̃_t W_hhᵀ) ⊙ r_t`` (reset_after=False). With ``δa_t = [δa^z_t, δa^r_t, δa^h̃_t]``,
    ``δW_x = Σ_t x_tᵀ δa_t``. With reset_after, ``δb_x`` sums ``δa_t`` over t and the batch, and
    ``δW_h = Σ_t h_{t-1}ᵀ δa'_t`` and ``δb_h`` (its sum) use ``δa'_t = [δa^z_t, δa^r_t, r_t ⊙ δa^h̃_t]``;
    without, ``δb`` sums ``δa_t``, ``δW_hz``, ``δW_hr`` are ``Σ_t h_{t-1}ᵀ δa^z_t``, ``Σ_t h_{t-1}ᵀ δa^r_t``,
    and ``δW_hh = Σ_t (r_t ⊙ h_{t-1})ᵀ δa^h̃_t``. ``δh_0`` is what step 1 passes back.

    Parameters
    ----------
    x : array_like, shape (batch, steps, features)
    weights : GRUWeights
    trace : GRUTrace
        :func:`gru_forward`'s result for ``x`` and ``h0``.
    dh : array_like, shape (batch, steps, units)
        The loss's own gradient ∂L/∂h_t at every step, not counting later steps.
    h0 : array_like, shape (batch, units), optional

    Returns
    -------
    gradients : GRUGradients
        All in the common float type of ``x``, the weights, the trace and ``dh`` (float32 only if
        all are float32; cast ``dh`` to float32 to stay in float32).

    Raises
    ------
    TypeError
        If ``weights`` is not GRUWeights, ``trace`` not a GRUTrace, or an array not real numbers.
    ValueError
        If ``dh``, the trace or ``h0`` does not match ``x`` and the weights, an input holds nan/inf,
        or the gradients overflowed.
    """
    check_weights_type(weights, GRUWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, _ = x.shape  # B, T, n
    H = weights.units
    arrays = check_trace(trace, GRUTrace, "gru_forward", (batch, steps, H))
    dh = check_step_arrays((batch, steps, H), dh=dh)["dh"]
    dtype = np.result_type(x, weights.W_x, *arrays.values(), dh)
    h_start = check_state("h0", h0, batch, H, dtype)
    W_x, W_h = weights.W_x.astype(dtype), weights.W_h.astype(dtype)
    _, b_h = _biases(weights, dtype)
    dW_x, dW_h = np.zeros_like(W_x), np.zeros_like(W_h)
    db_x, db_h = np.zeros(3 * H, dtype=dtype), np.zeros(3 * H, dtype=dtype)
    dx = np.zeros(x.shape, dtype=dtype)
    dh_next = np.zeros((batch, H), dtype=dtype)  # δh_{T+1} = 0
    for t in reversed(range(steps)):
        h_prev = arrays["h"][:, t - 1] if t > 0 else h_start
        z, r, h_tilde = arrays["z"][:, t], arrays["r"][:, t], arrays["h_tilde"][:, t]
        dh_t = dh[:, t] + dh_next  # δh_t, total
        da_z = dh_t * (h_prev - h_tilde) * z * (1 - z)
        da_h_tilde = dh_t * (1 - z) * (1 - h_tilde**2)  # δa^h̃_t, pre-activation of the candidate
        dh_from_t = dh_t * z  # the direct path through h_t = z ⊙ h_{t-1} + …
        if weights.reset_after:
            recurrent_h_tilde = h_prev @ W_h[:, 2 * H :] + b_h[2 * H :]  # h_{t-1} W_hh + b_hh
            da_r = da_h_tilde * recurrent_h_tilde * r * (1 - r)
            da_x = np.concatenate([da_z, da_r, da_h_tilde], axis=1)  # (B, 3H), input side
            da_h = np.concatenate([da_z, da_r, da_h_tilde * r], axis=1)  # (B, 3H), recurrent side
            dW_h += h_prev.T @ da_h
            db_h += da_h.sum(axis=0)
            dh_from_t += da_h @ W_h.T
        else:
            d_rh = da_h_tilde @ W_h[:, 2 * H :].T  # gradient of r ⊙ h_{t-1}
            da_r = d_rh * h_prev * r * (1 - r)
            dh_from_t += d_rh * r
            da_x = np.concatenate([da_z, da_r, da_h_tilde], axis=1)  # (B, 3H)
            da_gates = da_x[:, : 2 * H]  # (B, 2H): δa^z_t, δa^r_t
            dW_h[:, : 2 * H] += h_prev.T @ da_gates
            dW_h[:, 2 * H :] += (r * h_prev).T @ da_h_tilde
            dh_from_t += da_gates @ W_h[:, : 2 * H].T
        dW_x += x[:, t].T @ da_x
        db_x += da_x.sum(axis=0)
        dx[:, t] = da_x @ W_x.T
        dh_next = dh_from_t  # the part of δh_{t-1} from step t
    db = np.stack([db_x, db_h]) if weights.reset_after else db_x
    gradients = GRUGradients(dW_x=dW_x, dW_h=dW_h, db=db, dx=dx, dh0=dh_next)
    check_finite_results("gru_backward", vars(gradients), {"dh": dh, **{f"trace.{k}": v for k, v in arrays.items()}})
    return gradients


def from_keras(layer: object) -> GRUWeights:
    """Copy the weights of a built ``keras.layers.GRU`` (tanh/sigmoid, with bias), keeping its ``reset_after``.

    Raises
    ------
    ValueError
        If ``layer`` is not a built GRU with tanh activation, sigmoid gates and a bias.
    """
    kernel, recurrent_kernel, bias = keras_weights(layer, "GRU")
    return GRUWeights(W_x=kernel, W_h=recurrent_kernel, b=bias, reset_after=bool(layer.cell.reset_after))


def to_keras(weights: GRUWeights, layer: object) -> None:
    """Set a built ``keras.layers.GRU``'s weights (shapes and ``reset_after`` must agree).

    Raises
    ------
    TypeError
        If ``weights`` is not GRUWeights.
    ValueError
        If ``layer`` is not a built GRU with tanh activation, sigmoid gates and a bias, or its
        ``reset_after`` or sizes differ from the weights'.
    """
    check_weights_type(weights, GRUWeights)
    current = keras_weights(layer, "GRU")
    if bool(layer.cell.reset_after) != weights.reset_after:
        raise ValueError(f"layer reset_after must equal the weights' ({weights.reset_after}), got {layer.cell.reset_after}")
    check_same_shapes(current, weights.W_x, weights.W_h)
    layer.set_weights([weights.W_x, weights.W_h, weights.b])
