"""Checks shared by the numpy recurrent layers (weights, inputs, states, traces, results, Keras layers).

Every check raises an error whose message names the argument, what was expected and what was
given. A wrong type or dtype (a string, a bool, complex or object array, weights or a trace of
another layer, an ``rng`` that is not a Generator) raises :class:`ArgumentTypeError`, which is a
``TypeError`` and also a ``ValueError`` (what these checks raised before, so code that catches
``ValueError`` keeps working); a wrong shape or value (nan/inf, a size out of range) raises
``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from lstm_helpers._checks import ArgumentTypeError, check_bool, check_float_array, check_int, check_real



def check_floats(name: str, values: object, *, allow_nonfinite: bool = False) -> np.ndarray:
    """:func:`~lstm_helpers._checks.check_float_array`, raising :class:`ArgumentTypeError` for a wrong dtype.

    float32 stays float32, integers become float64; the result may share memory with ``values``.
    """
    try:
        return check_float_array(name, values, allow_nonfinite=allow_nonfinite)
    except TypeError as error:
        raise ArgumentTypeError(str(error)) from None


def check_finite(name: str, array: np.ndarray) -> None:
    """Raise ``ValueError`` naming ``name`` if the float array ``array`` holds nan or inf."""
    finite = np.isfinite(array)
    if not finite.all():
        raise ValueError(f"{name} must be finite, got {int(array.size - finite.sum())} nan/inf values of {array.size}")


def check_sequence_batch(x: object, features: int) -> np.ndarray:
    """Return ``x`` as a finite float array of shape (batch, steps, features), or raise.

    float32 stays float32, integers become float64 (no copy of a float array).
    """
    x = check_floats("x", x, allow_nonfinite=True)
    if x.ndim != 3:
        raise ValueError(f"x must have shape (batch, steps, features), got {x.shape}")
    if x.shape[2] != features:
        raise ValueError(f"x must have {features} features (the weights' W_x has {features} rows), got {x.shape[2]}")
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise ValueError(f"x must have at least one sample and one step, got {x.shape}")
    check_finite("x", x)
    return x


def check_state(name: str, state: object, batch: int, units: int, dtype: np.dtype) -> np.ndarray:
    """Return a finite state of shape (batch, units) in ``dtype``; ``None`` gives zeros.

    A state of another float type is cast to ``dtype``, the type the layer computes in.
    """
    if state is None:
        return np.zeros((batch, units), dtype=dtype)
    state = check_floats(name, state, allow_nonfinite=True)
    if state.shape != (batch, units):
        raise ValueError(f"{name} must have shape (batch, units) = ({batch}, {units}), got {state.shape}")
    check_finite(name, state)
    return state.astype(dtype, copy=False)


def check_step_arrays(expected: tuple[int, int, int], *, allow_nonfinite: bool = False,
                      **arrays: object) -> dict[str, np.ndarray]:
    """Return the named arrays as float arrays after checking their shape (batch, steps, units) = ``expected``.

    Each must be finite unless ``allow_nonfinite`` (for a caller that checks its results instead).
    """
    checked = {}
    for name, array in arrays.items():
        array = check_floats(name, array, allow_nonfinite=True)
        if array.shape != expected:
            raise ValueError(f"{name} must have shape (batch, steps, units) = {expected}, got {array.shape}")
        if not allow_nonfinite:
            check_finite(name, array)
        checked[name] = array
    return checked


def check_trace(trace: object, expected: type, producer: str, shape: tuple[int, int, int], *,
                allow_nonfinite: bool = False) -> dict[str, np.ndarray]:
    """Check that ``trace`` is an ``expected`` (from ``producer``) of (batch, steps, units) float arrays.

    Returns its arrays by field name (``{"h": …, "c": …}``).
    """
    if not isinstance(trace, expected):
        raise ArgumentTypeError(f"trace must be the {expected.__name__} that {producer} returned, "
                                f"got {type(trace).__name__}")
    fields = tuple(expected.__dataclass_fields__)
    checked = check_step_arrays(shape, allow_nonfinite=allow_nonfinite,
                                **{f"trace.{field}": getattr(trace, field) for field in fields})
    return {field: checked[f"trace.{field}"] for field in fields}


def check_finite_results(function: str, results: Mapping[str, np.ndarray], inputs: Mapping[str, object]) -> None:
    """Raise ``ValueError`` if a result of ``function`` holds nan/inf, naming the input to blame.

    That is the first of ``inputs`` that holds nan/inf; if all are finite, the computation
    overflowed, and the message gives the largest magnitude of each input. Checking the (small)
    results instead of every input saves a pass over large inputs such as a trace.
    """
    if all(np.isfinite(value).all() for value in results.values()):
        return
    arrays = {name: np.asarray(value) for name, value in inputs.items() if value is not None}
    for name, array in arrays.items():
        check_finite(name, array)
    dtype = np.result_type(*results.values())
    largest = ", ".join(f"{name} {np.abs(array).max():.3g}" for name, array in arrays.items() if array.size)
    raise ValueError(f"{function} overflowed {dtype}: its inputs are finite, but too large "
                     f"(largest magnitudes: {largest}); scale them down or compute in float64")


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

    def _store_as_arrays(self, *extra: str) -> None:
        """Replace ``W_x``, ``W_h``, ``b`` (and the ``extra`` fields that are not None) by finite float arrays.

        They must share one float type, so that the layer computes in one precision; float arrays
        are stored as given, not copied, and integers become float64. (The dataclasses are frozen,
        hence ``object.__setattr__``.)
        """
        names = [name for name in ("W_x", "W_h", "b", *extra) if getattr(self, name) is not None]
        for name in names:
            object.__setattr__(self, name, check_floats(name, getattr(self, name)))
        dtypes = {name: getattr(self, name).dtype for name in names}
        if len(set(dtypes.values())) > 1:
            listing = ", ".join(f"{name} {dtype}" for name, dtype in dtypes.items())
            raise ArgumentTypeError(f"{', '.join(names)} must have one float dtype, got {listing}; "
                                    "cast them to one, e.g. with .astype(np.float32)")

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


def check_generator(rng: object) -> None:
    """Refuse an ``rng`` that is not a ``numpy.random.Generator`` (a seed, ``None``, the legacy ``RandomState``)."""
    if not isinstance(rng, np.random.Generator):
        raise ArgumentTypeError(f"rng must be a numpy.random.Generator, got {rng!r}; "
                                "make one with np.random.default_rng(seed)")


def check_init_arguments(features: object, units: object, rng: object, scale: object) -> tuple[int, int, float]:
    """Validate the arguments of the ``init_*`` functions; return ``(features, units, scale)``."""
    features, units = check_int("features", features, minimum=1), check_int("units", units, minimum=1)
    check_generator(rng)
    return features, units, check_real("scale", scale, minimum=0.0)


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
        raise ArgumentTypeError(f"weights must be {expected.__name__}, got {type(weights).__name__}")
