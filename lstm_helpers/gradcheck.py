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

A check must never pass by accident: nan compares false with every threshold (``nan > 1e-7`` is
False), so a nan or inf anywhere (parameters, analytic gradients, loss values) raises
``ValueError`` instead of coming back as an error value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from lstm_helpers._checks import check_float_array, check_instance, check_real, needs_rescaled_norm


def _check_loss(loss: object) -> None:
    if not callable(loss):
        raise TypeError(f"loss must be a callable taking a dict of arrays and returning a float, got {type(loss).__name__}")


def _check_params(params: object) -> dict[str, np.ndarray]:
    """Return ``params`` as a dict of finite floating arrays (not copied), or raise."""
    check_instance("params", params, Mapping)
    if not params:
        raise ValueError("params must hold at least one array, got an empty mapping")
    checked = {}
    for key, value in params.items():
        if not isinstance(key, str):
            raise TypeError(f"params must be keyed by parameter name (str), got key {key!r} ({type(key).__name__})")
        checked[key] = check_float_array(f"params[{key!r}]", value)
    return checked


def _check_step(name: str, target: np.ndarray, eps: float) -> None:
    """Refuse an ``eps`` that rounding changes by more than 1% at some element (or loses entirely)."""
    with np.errstate(over="ignore", invalid="ignore"):
        step = (target + eps) - (target - eps)
        lost = ~(np.abs(step - 2 * eps) <= 0.02 * eps)
    if lost.any():
        index = tuple(int(i) for i in np.argwhere(lost)[0])
        raise ValueError(
            f"eps must be large enough to survive rounding at params[{name!r}]'s magnitude, got {eps!r}: "
            f"at index {index} (value {target[index]:.6g}) θ ± eps is off by more than 1%"
        )


def _loss_value(loss: Callable, point: dict[str, np.ndarray], name: str, index: tuple, sign: str) -> object:
    """Call ``loss``; return its value if it is a finite real scalar, else raise naming the call."""
    value = loss(point)
    array = np.asarray(value)
    if array.ndim != 0 or array.dtype == bool or not (
        np.issubdtype(array.dtype, np.floating) or np.issubdtype(array.dtype, np.integer)
    ):
        raise TypeError(f"loss must return a real scalar (float), got {type(value).__name__} "
                        f"of shape {array.shape}, dtype {array.dtype}")
    if not np.isfinite(array):
        at = ", ".join(map(str, index))
        raise ValueError(f"loss must return a finite number, got {value!r} at params[{name!r}][{at}] {sign} eps")
    return value


def numerical_gradient(loss: Callable[[dict[str, np.ndarray]], float], params: Mapping[str, np.ndarray],
                       name: str, eps: float = 1e-6) -> np.ndarray:
    """Central-difference gradient of ``loss`` with respect to ``params[name]``.

    Parameters
    ----------
    loss : callable
        Takes a dict of arrays (same keys and shapes as ``params``) and returns a finite float.
    params : mapping of str to array_like of float
        The point at which to differentiate; not modified. ``loss`` receives float64 copies.
    name : str
        Which array to differentiate with respect to; a key of ``params``.
    eps : float, default 1e-6
        Step size, ``> 0``, large enough that ``θ ± eps`` differs from ``θ`` at every element.

    Returns
    -------
    gradient : ndarray of float64, same shape as ``params[name]``

    Raises
    ------
    TypeError
        If ``loss`` is not callable or returns no real scalar, ``params`` is not a mapping of str to
        real-number arrays, ``name`` is not a str, or ``eps`` is not a real number.
    ValueError
        If ``name`` is not in ``params``, a parameter is not finite, ``eps`` is not positive and finite
        or is lost to rounding at the parameter's magnitude, or a loss value or the gradient is not finite.

    Examples
    --------
    >>> numerical_gradient(lambda p: float((p["w"] ** 2).sum()), {"w": np.array([1.0, -2.0])}, "w").round(6)
    array([ 2., -4.])
    """
    _check_loss(loss)
    _check_params(params)
    check_instance("name", name, str)
    if name not in params:
        raise ValueError(f"name must be a key of params ({', '.join(map(repr, params))}), got {name!r}")
    eps = check_real("eps", eps, minimum=0.0, strict=True)
    point = {key: np.array(value, dtype=np.float64, copy=True) for key, value in params.items()}
    target = point[name]
    _check_step(name, target, eps)
    gradient = np.zeros_like(target)
    for index in np.ndindex(target.shape):
        original = target[index]
        target[index] = original + eps
        plus = _loss_value(loss, point, name, index, "+")
        target[index] = original - eps
        minus = _loss_value(loss, point, name, index, "-")
        target[index] = original
        gradient[index] = (plus - minus) / (2 * eps)
    if not np.isfinite(gradient).all():
        raise ValueError(f"loss must change by a finite amount: the numerical gradient of params[{name!r}] "
                         f"overflowed at {int((~np.isfinite(gradient)).sum())} of {gradient.size} elements")
    return gradient


def relative_error(analytic: np.ndarray, numerical: np.ndarray) -> float:
    """``‖analytic − numerical‖ / (‖analytic‖ + ‖numerical‖)``; 0 when both are exactly 0.

    Parameters
    ----------
    analytic, numerical : array_like of float, the same shape (no broadcasting)

    Returns
    -------
    error : float
        In ``[0, 1]``; computed without overflow or underflow for huge or tiny gradients.

    Raises
    ------
    TypeError
        If an input does not hold real numbers.
    ValueError
        If the shapes differ or an input holds nan/inf (named ``analytic`` or ``numerical``).

    Examples
    --------
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> relative_error(np.array([1.0]), np.array([-1.0]))
    1.0
    """
    analytic = check_float_array("analytic", analytic)
    numerical = check_float_array("numerical", numerical)
    if analytic.shape != numerical.shape:
        raise ValueError(f"analytic and numerical must have the same shape, got {analytic.shape} and {numerical.shape}")
    if needs_rescaled_norm(analytic) or needs_rescaled_norm(numerical):  # scale-free: divide by the largest magnitude
        m = max(float(np.max(np.abs(analytic))), float(np.max(np.abs(numerical))))
        analytic, numerical = analytic.astype(np.float64) / m, numerical.astype(np.float64) / m
    scale = np.linalg.norm(analytic) + np.linalg.norm(numerical)
    return 0.0 if scale == 0 else float(np.linalg.norm(analytic - numerical) / scale)


def gradcheck(loss: Callable[[dict[str, np.ndarray]], float], params: Mapping[str, np.ndarray],
              analytic: Mapping[str, np.ndarray], eps: float = 1e-6) -> dict[str, float]:
    """Compare analytic gradients with central differences, parameter by parameter.

    Parameters
    ----------
    loss : callable
        Scalar function of a dict of arrays, returning a finite float.
    params : mapping of str to ndarray
        Finite float64 arrays at which to check (at least one).
    analytic : mapping of str to ndarray
        The gradient to check for each name in ``params`` (same shapes, finite); other keys are ignored.
    eps : float, default 1e-6

    Returns
    -------
    errors : dict of str to float
        Relative error (see module docstring) per parameter name; always a finite number in [0, 1].

    Raises
    ------
    TypeError
        If ``loss`` is not callable or returns no real scalar, or ``params``/``analytic`` is not a
        mapping of str to real-number arrays.
    ValueError
        If a parameter is not float64, an analytic gradient is missing or has another shape, or a
        parameter, an analytic gradient or a loss value is not finite (the message names which).

    Examples
    --------
    >>> x = {"w": np.array([1.0, -2.0])}
    >>> gradcheck(lambda p: float((p["w"] ** 2).sum()), x, {"w": 2 * x["w"]})["w"] < 1e-9
    True
    """
    _check_loss(loss)
    checked = _check_params(params)
    check_instance("analytic", analytic, Mapping)
    eps = check_real("eps", eps, minimum=0.0, strict=True)
    gradients = {}
    for name, value in checked.items():
        if np.asarray(params[name]).dtype != np.float64:
            raise ValueError(f"params[{name!r}] must be float64 for a meaningful check, got {np.asarray(params[name]).dtype}")
        if name not in analytic:
            raise ValueError(f"analytic must have a gradient for every parameter, missing {name!r}")
        gradient = check_float_array(f"analytic[{name!r}]", analytic[name])
        if gradient.shape != value.shape:
            raise ValueError(f"analytic[{name!r}] must have shape {value.shape}, got {gradient.shape}")
        gradients[name] = gradient.astype(np.float64, copy=False)
    return {name: relative_error(gradients[name], numerical_gradient(loss, params, name, eps)) for name in checked}
