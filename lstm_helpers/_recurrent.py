"""Checks shared by the numpy recurrent layers (inputs, initial states, Keras layers)."""

from __future__ import annotations

import numpy as np


def check_sequence_batch(x: object, features: int) -> np.ndarray:
    """Return ``x`` as float array of shape (batch, steps, features), or raise ``ValueError``."""
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (batch, steps, features), got {x.shape}")
    if not np.issubdtype(x.dtype, np.floating):
        if np.issubdtype(x.dtype, np.integer):
            x = x.astype(np.float64)
        else:
            raise ValueError(f"x must hold numbers, got dtype {x.dtype}")
    if x.shape[2] != features:
        raise ValueError(f"x must have {features} features (the weights' W_x has {features} rows), got {x.shape[2]}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"x must have at least one sample and one step, got {x.shape}")
    if not np.isfinite(x).all():
        raise ValueError(f"x must be finite, got {int((~np.isfinite(x)).sum())} nan/inf values")
    return x


def check_state(name: str, state: object, batch: int, units: int, dtype: np.dtype) -> np.ndarray:
    """Return an initial state of shape (batch, units); ``None`` gives zeros."""
    if state is None:
        return np.zeros((batch, units), dtype=dtype)
    state = np.asarray(state, dtype=dtype)
    if state.shape != (batch, units):
        raise ValueError(f"{name} must have shape (batch, units) = ({batch}, {units}), got {state.shape}")
    if not np.isfinite(state).all():
        raise ValueError(f"{name} must be finite, got nan/inf values")
    return state


def check_weight_shapes(W_x: np.ndarray, W_h: np.ndarray, b: np.ndarray, n_gates: int) -> None:
    """Check ``W_x (features, n_gates·units)``, ``W_h (units, n_gates·units)``, ``b (n_gates·units,)``."""
    if W_h.ndim != 2 or W_h.shape[1] != n_gates * W_h.shape[0]:
        raise ValueError(f"W_h must have shape (units, {n_gates}·units), got {W_h.shape}")
    units = W_h.shape[0]
    if units == 0:
        raise ValueError("W_h must have at least one unit, got shape (0, 0)")
    if W_x.ndim != 2 or W_x.shape[1] != n_gates * units or W_x.shape[0] == 0:
        raise ValueError(f"W_x must have shape (features, {n_gates * units}) for {units} units, got {W_x.shape}")
    if b.shape != (n_gates * units,):
        raise ValueError(f"b must have shape ({n_gates * units},) for {units} units, got {b.shape}")
    for name, array in (("W_x", W_x), ("W_h", W_h), ("b", b)):
        if not np.isfinite(array).all():
            raise ValueError(f"{name} must be finite, got nan/inf values")


def keras_weights(layer: object, class_name: str) -> list[np.ndarray]:
    """Return ``[kernel, recurrent_kernel, bias]`` of a built Keras recurrent layer, checking its set-up.

    The numpy layers implement tanh for the state and sigmoid for the gates, with a bias; a layer
    configured otherwise cannot be copied faithfully, so it is refused.
    """
    if type(layer).__name__ != class_name:
        raise ValueError(f"layer must be a keras.layers.{class_name}, got {type(layer).__name__}")
    if not layer.built:
        raise ValueError(f"layer must be built (call it on an input first), got an unbuilt {class_name}")
    cell = layer.cell
    if cell.activation.__name__ != "tanh":
        raise ValueError(f"layer activation must be tanh, got {cell.activation.__name__}")
    recurrent = getattr(cell, "recurrent_activation", None)
    if recurrent is not None and recurrent.__name__ != "sigmoid":
        raise ValueError(f"layer recurrent_activation must be sigmoid, got {recurrent.__name__}")
    if not cell.use_bias:
        raise ValueError("layer must use a bias (use_bias=True), got use_bias=False")
    return [np.asarray(w) for w in layer.get_weights()]


class StackedWeights:
    """Shared behaviour of the weight dataclasses (``RNNWeights``, ``LSTMWeights``, ``GRUWeights``, …).

    Each has ``W_x`` (features, G·units), ``W_h`` (units, G·units) and a bias ``b``, with G gate blocks.
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray

    def _store_as_arrays(self) -> None:
        """Replace ``W_x``, ``W_h``, ``b`` by ndarrays (the dataclasses are frozen, hence ``object.__setattr__``)."""
        for name in ("W_x", "W_h", "b"):
            object.__setattr__(self, name, np.asarray(getattr(self, name)))

    @property
    def units(self) -> int:
        return int(self.W_h.shape[0])

    @property
    def features(self) -> int:
        return int(self.W_x.shape[0])

    @property
    def W(self) -> np.ndarray:
        """``[W_h; W_x]``, shape (units + features, G·units): the weights of ``[h_{t-1}, x_t]``."""
        return np.concatenate([self.W_h, self.W_x], axis=0)

    def n_params(self) -> int:
        """Number of weights and biases, the count Keras reports for the same layer."""
        return self.W_x.size + self.W_h.size + self.b.size


def check_init_arguments(features: object, units: object, rng: object) -> tuple[int, int]:
    """Validate the arguments of the ``init_*`` functions; return ``(features, units)`` as ints."""
    from lstm_helpers._checks import check_int

    features, units = check_int("features", features, minimum=1), check_int("units", units, minimum=1)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {rng!r}")
    return features, units


def check_same_shapes(current: list[np.ndarray], W_x: np.ndarray, W_h: np.ndarray) -> None:
    """Refuse to copy weights into a Keras layer whose kernel or recurrent kernel has another shape."""
    if current[0].shape != W_x.shape or current[1].shape != W_h.shape:
        raise ValueError(
            f"weights must match the layer's shapes kernel {current[0].shape}, recurrent_kernel {current[1].shape}, "
            f"got W_x {W_x.shape}, W_h {W_h.shape}"
        )


def check_weights_type(weights: object, expected: type) -> None:
    """Refuse weights of another cell type (an LSTM's weights in a GRU function, say)."""
    if not isinstance(weights, expected):
        raise ValueError(f"weights must be {expected.__name__}, got {type(weights).__name__}")


def check_step_arrays(expected: tuple[int, int, int], **arrays: object) -> None:
    """Check that every named array has shape (batch, steps, units) = ``expected``."""
    for name, array in arrays.items():
        if np.shape(array) != expected:
            raise ValueError(f"{name} must have shape (batch, steps, units) = {expected}, got {np.shape(array)}")
