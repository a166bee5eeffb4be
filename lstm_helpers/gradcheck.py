"""Central-difference gradient checking.

For a scalar function ``L(θ)`` of named float64 arrays, the numerical gradient of each element is

    ∂L/∂θ_j ≈ (L(θ + ε e_j) − L(θ − ε e_j)) / (2ε),

with error O(ε²). The check compares it with an analytic gradient ``g`` through the relative error
of the whole array,

    ‖g − g_num‖₂ / (‖g‖₂ + ‖g_num‖₂),

which is about 1e-10 for a correct float64 backward pass with ε = 1e-6. A wrong one often gives
1e-2 or more, but a mistake in a term that contributes little can give much less, so a threshold
belongs near the correct case (the book's tests use 1e-7), not near 1e-2. Taken per array (not per
element), it is not fooled by elements whose gradient is 0.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np


def numerical_gradient(loss: Callable[[dict[str, np.ndarray]], float], params: Mapping[str, np.ndarray],
                       name: str, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of ``loss`` with respect to ``params[name]``.

    Parameters
    ----------
    loss : callable
        Takes a dict of arrays (same keys and shapes as ``params``) and returns a float.
    params : mapping of str to float64 ndarray
        The point at which to differentiate; not modified.
    name : str
        Which array to differentiate with respect to.
    eps : float, default 1e-6
        Step size.

    Returns
    -------
    gradient : ndarray of float64, same shape as ``params[name]``
    """
    point = {key: np.array(value, dtype=np.float64, copy=True) for key, value in params.items()}
    target = point[name]
    gradient = np.zeros_like(target)
    for index in np.ndindex(target.shape):
        original = target[index]
        target[index] = original + eps
        plus = loss(point)
        target[index] = original - eps
        minus = loss(point)
        target[index] = original
        gradient[index] = (plus - minus) / (2 * eps)
    return gradient


def relative_error(analytic: np.ndarray, numerical: np.ndarray) -> float:
    """``‖analytic − numerical‖ / (‖analytic‖ + ‖numerical‖)``; 0 when both are exactly 0."""
    scale = np.linalg.norm(analytic) + np.linalg.norm(numerical)
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numerical) / scale)


def gradcheck(loss: Callable[[dict[str, np.ndarray]], float], params: Mapping[str, np.ndarray],
              analytic: Mapping[str, np.ndarray], eps: float = 1e-6) -> dict[str, float]:
    """Compare analytic gradients with central differences, parameter by parameter.

    Parameters
    ----------
    loss : callable
        Scalar function of a dict of arrays.
    params : mapping of str to ndarray
        Float64 arrays at which to check.
    analytic : mapping of str to ndarray
        The gradient to check for each name in ``params`` (same shapes).
    eps : float, default 1e-6

    Returns
    -------
    errors : dict of str to float
        Relative error (see module docstring) per parameter name.

    Raises
    ------
    ValueError
        If a parameter is not float64, an analytic gradient is missing or has another shape.

    Examples
    --------
    >>> x = {"w": np.array([1.0, -2.0])}
    >>> gradcheck(lambda p: float((p["w"] ** 2).sum()), x, {"w": 2 * x["w"]})["w"] < 1e-9
    True
    """
    errors = {}
    for name, value in params.items():
        value = np.asarray(value)
        if value.dtype != np.float64:
            raise ValueError(f"params[{name!r}] must be float64 for a meaningful check, got {value.dtype}")
        if name not in analytic:
            raise ValueError(f"analytic must have a gradient for every parameter, missing {name!r}")
        if np.shape(analytic[name]) != value.shape:
            raise ValueError(f"analytic[{name!r}] must have shape {value.shape}, got {np.shape(analytic[name])}")
        errors[name] = relative_error(np.asarray(analytic[name], dtype=np.float64), numerical_gradient(loss, params, name, eps))
    return errors
