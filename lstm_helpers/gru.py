"""The gated recurrent unit (GRU, Cho et al. 2014) in numpy, both of Keras's formulations.

Gate order in the weights is Keras's: update gate z, reset gate r, candidate h̃. With ``x_t`` (batch,
features) and ``h_t`` (batch, units), and ``[·]_z`` the z-block of columns:

    z_t = σ(x_t W_x[z] + h_{t-1} W_h[z] + b[z])              update gate
    r_t = σ(x_t W_x[r] + h_{t-1} W_h[r] + b[r])              reset gate
    h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t                    (z = 1 keeps the old state)

and the candidate in one of two forms:

- ``reset_after=False``, the original formulation: the reset gate acts *before* the recurrent product,
  ``h̃_t = tanh(x_t W_x[h] + (r_t ⊙ h_{t-1}) W_h[h] + b[h])``, with one bias vector ``b`` (3·units,);
- ``reset_after=True``, Keras's default (and cuDNN's): it acts *after* it,
  ``h̃_t = tanh(x_t W_x[h] + b_x[h] + r_t ⊙ (h_{t-1} W_h[h] + b_h[h]))``, with an input bias ``b_x``
  and a recurrent bias ``b_h``, stored as ``b`` of shape (2, 3·units).

There is no separate cell state: the hidden state is the memory.
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
    check_weights_type,
    keras_weights,
)
from lstm_helpers.lstm import sigmoid

#: Gate order of the columns of ``W_x``, ``W_h`` and ``b`` (Keras's order).
GATES = ("z", "r", "h_tilde")


@dataclass(frozen=True)
class GRUWeights(StackedWeights):
    """Weights of a GRU layer in Keras's layout.

    Attributes
    ----------
    W_x : ndarray, shape (features, 3·units)
    W_h : ndarray, shape (units, 3·units)
    b : ndarray, shape (3·units,) if not ``reset_after``, else (2, 3·units): input bias, recurrent bias
    reset_after : bool
        Which candidate formula (see module docstring).
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray
    reset_after: bool = True

    def __post_init__(self) -> None:
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
        for name, array in (("W_x", W_x), ("W_h", W_h), ("b", b)):
            if not np.isfinite(array).all():
                raise ValueError(f"{name} must be finite, got nan/inf values")

    # units, features and n_params() (3·units·(features + units + 1), plus 3·units for the second
    # bias when reset_after) come from StackedWeights.


@dataclass(frozen=True)
class GRUTrace:
    """Hidden states and gates of a GRU over a batch; each array (batch, steps, units)."""

    h: np.ndarray
    z: np.ndarray
    r: np.ndarray
    h_tilde: np.ndarray


@dataclass(frozen=True)
class GRUGradients:
    """Gradients: ``dW_x``, ``dW_h``, ``db`` (shapes of the weights), ``dx`` (batch, steps, features), ``dh0``."""

    dW_x: np.ndarray
    dW_h: np.ndarray
    db: np.ndarray
    dx: np.ndarray
    dh0: np.ndarray


def init_gru(features: int, units: int, rng: np.random.Generator, reset_after: bool = True,
             scale: float = 0.5) -> GRUWeights:
    """Random weights, normal with standard deviation ``scale / sqrt(fan_in)``, random small biases."""
    features, units = check_init_arguments(features, units, rng)
    bias_shape = (2, 3 * units) if reset_after else (3 * units,)
    return GRUWeights(
        W_x=rng.normal(0.0, scale / np.sqrt(features), size=(features, 3 * units)),
        W_h=rng.normal(0.0, scale / np.sqrt(units), size=(units, 3 * units)),
        b=rng.normal(0.0, 0.1, size=bias_shape),
        reset_after=reset_after,
    )


def _biases(weights: GRUWeights, dtype) -> tuple[np.ndarray, np.ndarray]:
    """Input-side and recurrent-side bias vectors, each (3·units,); the recurrent one is 0 without reset_after."""
    if weights.reset_after:
        return weights.b[0].astype(dtype), weights.b[1].astype(dtype)
    return weights.b.astype(dtype), np.zeros(3 * weights.units, dtype=dtype)


def gru_forward(x: np.ndarray, weights: GRUWeights, h0: np.ndarray | None = None) -> GRUTrace:
    """Run the GRU over every step of a batch.

    Parameters
    ----------
    x : ndarray, shape (batch, steps, features)
    weights : GRUWeights
    h0 : ndarray, shape (batch, units), optional
        Initial hidden state; zeros by default, as in Keras.

    Returns
    -------
    trace : GRUTrace
        ``trace.h[:, -1]`` is Keras's output without ``return_sequences``.

    Examples
    --------
    >>> w = init_gru(2, 3, np.random.default_rng(0))
    >>> gru_forward(np.ones((4, 5, 2)), w).h.shape
    (4, 5, 3)
    """
    check_weights_type(weights, GRUWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, _ = x.shape
    H = weights.units
    dtype = np.result_type(x, weights.W_x)
    h_prev = check_state("h0", h0, batch, H, dtype)
    W_x, W_h = weights.W_x.astype(dtype), weights.W_h.astype(dtype)
    b_x, b_h = _biases(weights, dtype)
    trace = {name: np.empty((batch, steps, H), dtype=dtype) for name in ("h", "z", "r", "h_tilde")}
    for t in range(steps):
        xa = x[:, t] @ W_x + b_x  # (batch, 3H): input side of all three blocks
        if weights.reset_after:
            ha = h_prev @ W_h + b_h  # (batch, 3H): recurrent side, all three blocks at once
            z, r = sigmoid(xa[:, :H] + ha[:, :H]), sigmoid(xa[:, H : 2 * H] + ha[:, H : 2 * H])
            h_tilde = np.tanh(xa[:, 2 * H :] + r * ha[:, 2 * H :])
        else:
            ha = h_prev @ W_h[:, : 2 * H]  # gates first: the candidate needs r
            z, r = sigmoid(xa[:, :H] + ha[:, :H]), sigmoid(xa[:, H : 2 * H] + ha[:, H:])
            h_tilde = np.tanh(xa[:, 2 * H :] + (r * h_prev) @ W_h[:, 2 * H :])
        h_prev = z * h_prev + (1.0 - z) * h_tilde
        for name, value in (("h", h_prev), ("z", z), ("r", r), ("h_tilde", h_tilde)):
            trace[name][:, t] = value
    return GRUTrace(**trace)


def gru_backward(x: np.ndarray, weights: GRUWeights, trace: GRUTrace, dh: np.ndarray,
                 h0: np.ndarray | None = None) -> GRUGradients:
    """Backpropagation through time for :func:`gru_forward`.

    Per step, with ``δh_t`` the total gradient reaching ``h_t``:
    ``δz = δh_t ⊙ (h_{t-1} − h̃_t)``, ``δh̃ = δh_t ⊙ (1 − z_t)``, ``δh_{t-1} ∋ δh_t ⊙ z_t`` (the direct
    path), ``δa_h̃ = δh̃ ⊙ (1 − h̃²)``; the reset gate's error comes through the product it scales,
    ``(h_{t-1} W_h[h] + b_h[h])`` with ``reset_after``, ``h_{t-1}`` (after the product by ``W_h[h]``)
    without.

    Parameters
    ----------
    x : ndarray, shape (batch, steps, features)
    weights : GRUWeights
    trace : GRUTrace
        :func:`gru_forward`'s result for ``x`` and ``h0``.
    dh : ndarray, shape (batch, steps, units)
        Upstream gradient ∂L/∂h_t for every step.
    h0 : ndarray, shape (batch, units), optional

    Returns
    -------
    gradients : GRUGradients
    """
    check_weights_type(weights, GRUWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, _ = x.shape
    H = weights.units
    check_step_arrays((batch, steps, H), **{"trace.h": trace.h, "dh": dh})
    dtype = np.result_type(x, weights.W_x, trace.h, dh)
    h_start = check_state("h0", h0, batch, H, dtype)
    W_x, W_h = weights.W_x.astype(dtype), weights.W_h.astype(dtype)
    _, b_h = _biases(weights, dtype)
    dW_x, dW_h = np.zeros_like(W_x), np.zeros_like(W_h)
    db_x, db_h = np.zeros(3 * H, dtype=dtype), np.zeros(3 * H, dtype=dtype)
    dx = np.zeros(x.shape, dtype=dtype)
    dh_next = np.zeros((batch, H), dtype=dtype)
    for t in reversed(range(steps)):
        h_prev = trace.h[:, t - 1] if t > 0 else h_start
        z, r, h_tilde = trace.z[:, t], trace.r[:, t], trace.h_tilde[:, t]
        dh_t = dh[:, t] + dh_next
        da_z = dh_t * (h_prev - h_tilde) * z * (1 - z)
        da_h = dh_t * (1 - z) * (1 - h_tilde**2)  # pre-activation of the candidate
        dh_prev = dh_t * z  # the direct path through h_t = z ⊙ h_{t-1} + …
        if weights.reset_after:
            recurrent_h = h_prev @ W_h[:, 2 * H :] + b_h[2 * H :]
            da_r = da_h * recurrent_h * r * (1 - r)
            d_input = np.concatenate([da_z, da_r, da_h], axis=1)  # (batch, 3H), input side
            d_recurrent = np.concatenate([da_z, da_r, da_h * r], axis=1)  # recurrent side
            dW_h += h_prev.T @ d_recurrent
            db_h += d_recurrent.sum(axis=0)
            dh_prev += d_recurrent @ W_h.T
        else:
            d_rh = da_h @ W_h[:, 2 * H :].T  # gradient of r ⊙ h_{t-1}
            da_r = d_rh * h_prev * r * (1 - r)
            dh_prev += d_rh * r
            d_input = np.concatenate([da_z, da_r, da_h], axis=1)
            d_gates = d_input[:, : 2 * H]
            dW_h[:, : 2 * H] += h_prev.T @ d_gates
            dW_h[:, 2 * H :] += (r * h_prev).T @ da_h
            dh_prev += d_gates @ W_h[:, : 2 * H].T
        dW_x += x[:, t].T @ d_input
        db_x += d_input.sum(axis=0)
        dx[:, t] = d_input @ W_x.T
        dh_next = dh_prev
    db = np.stack([db_x, db_h]) if weights.reset_after else db_x
    return GRUGradients(dW_x=dW_x, dW_h=dW_h, db=db, dx=dx, dh0=dh_next)


def from_keras(layer: object) -> GRUWeights:
    """Copy the weights of a built ``keras.layers.GRU`` (tanh/sigmoid, with bias), keeping its ``reset_after``."""
    kernel, recurrent_kernel, bias = keras_weights(layer, "GRU")
    return GRUWeights(W_x=kernel, W_h=recurrent_kernel, b=bias, reset_after=bool(layer.cell.reset_after))


def to_keras(weights: GRUWeights, layer: object) -> None:
    """Set a built ``keras.layers.GRU``'s weights (shapes and ``reset_after`` must agree)."""
    current = keras_weights(layer, "GRU")
    if bool(layer.cell.reset_after) != weights.reset_after:
        raise ValueError(f"layer reset_after must equal the weights' ({weights.reset_after}), got {layer.cell.reset_after}")
    check_same_shapes(current, weights.W_x, weights.W_h)
    layer.set_weights([weights.W_x, weights.W_h, weights.b])
