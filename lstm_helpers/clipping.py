"""Gradient clipping by global norm (Pascanu et al. 2013).

All gradient arrays are treated as one long vector g. If its norm ‖g‖ = sqrt(Σ_k ‖g_k‖²) exceeds
``max_norm``, every array is scaled by the same factor ``max_norm / ‖g‖``; otherwise nothing
changes. The direction of the update is kept; only its length is capped. This is what
``tf.clip_by_global_norm`` and Keras optimizers' ``global_clipnorm`` do.

Clipping exists for exploding gradients, so the norm must survive them: when squaring the
entries in their own dtype could overflow (float32 entries above about 1e19) or underflow, the
norm is taken as ``m · ‖g / m‖`` with ``m`` the largest magnitude, in float64. Otherwise it is the
plain sum of squares, as in TensorFlow.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Mapping

import numpy as np

from lstm_helpers._checks import check_float_array, check_instance, needs_rescaled_norm


def _checked_gradients(gradients: object) -> dict[str, np.ndarray]:
    """Return the gradients as a dict of finite floating arrays (float32 stays float32), or raise."""
    check_instance("gradients", gradients, Mapping)
    if not gradients:
        raise ValueError("gradients must hold at least one array, got an empty mapping")
    checked = {}
    for name, g in gradients.items():
        if not isinstance(name, str):
            raise TypeError(f"gradients must be keyed by parameter name (str), got key {name!r} ({type(name).__name__})")
        checked[name] = check_float_array(f"gradients[{name!r}]", g)
    return checked


def _max_abs(arrays: Iterable[np.ndarray]) -> float:
    return max((max(float(g.max()), -float(g.min())) for g in arrays if g.size), default=0.0)


def _scaled_sum_of_squares(arrays: Iterable[np.ndarray], m: float) -> float:
    """``Σ (g / m)²`` in float64: at most the number of entries, so it cannot overflow."""
    return sum(float(np.sum(np.square(g.astype(np.float64) / m))) for g in arrays)


def _norm(arrays: list[np.ndarray]) -> float:
    if not any(needs_rescaled_norm(g) for g in arrays):
        total = sum(float(np.sum(np.square(g))) for g in arrays)
        if math.isfinite(total):
            return float(np.sqrt(total))
    m = _max_abs(arrays)
    return 0.0 if m == 0 else m * math.sqrt(_scaled_sum_of_squares(arrays, m))


def global_norm(gradients: Mapping[str, np.ndarray]) -> float:
    """``sqrt(Σ_k ‖g_k‖²)`` over all arrays, without overflow or underflow.

    Parameters
    ----------
    gradients : mapping of str to array_like of float
        Gradient arrays by parameter name (lists are converted, integers become float64).

    Returns
    -------
    norm : float
        ``float('inf')`` only when the true norm exceeds the largest float64 (about 1.8e308).

    Raises
    ------
    TypeError
        If ``gradients`` is not a mapping of str to real-number arrays (booleans, strings, complex).
    ValueError
        If ``gradients`` is empty or an array holds nan/inf.

    Examples
    --------
    >>> global_norm({"a": np.array([3.0]), "b": np.array([[4.0]])})
    5.0
    >>> round(global_norm({"a": np.full(4, 1e20, dtype=np.float32)}) / 1e20, 6)  # float32 squares overflow
    2.0
    """
    return _norm(list(_checked_gradients(gradients).values()))


def _check_max_norm(max_norm: object) -> float:
    if isinstance(max_norm, np.ndarray) and max_norm.ndim == 0:  # a 0-d array is a number
        max_norm = max_norm.item()
    if (
        isinstance(max_norm, (bool, np.bool_))
        or not isinstance(max_norm, numbers.Real)
        or not np.isfinite(max_norm)
        or max_norm <= 0
    ):
        raise ValueError(f"max_norm must be a positive finite number, got {max_norm!r}")
    return float(max_norm)


def clip_by_global_norm(gradients: Mapping[str, np.ndarray], max_norm: float) -> tuple[dict[str, np.ndarray], float]:
    """Scale all gradients together so that their global norm is at most ``max_norm``.

    Parameters
    ----------
    gradients : mapping of str to array_like of float
        Gradient arrays by parameter name.
    max_norm : float
        Largest allowed global norm, a finite number ``> 0``.

    Returns
    -------
    clipped : dict of str to ndarray
        New arrays of the gradients' dtypes (float32 stays float32; the inputs are not modified).
        Never longer than the input, and never all zeros for a nonzero input.
    norm : float
        The global norm before clipping (see :func:`global_norm`).

    Raises
    ------
    TypeError
        If ``gradients`` is not a mapping of str to real-number arrays.
    ValueError
        If ``max_norm`` is not a positive finite number, ``gradients`` is empty, a gradient is not
        finite, or ``max_norm`` is so small that the clipped gradients underflow to zero in their dtype.

    Examples
    --------
    >>> clipped, norm = clip_by_global_norm({"a": np.array([3.0]), "b": np.array([4.0])}, 1.0)
    >>> norm, clipped["a"].round(12).tolist(), clipped["b"].round(12).tolist()
    (5.0, [0.6], [0.8])
    """
    max_norm = _check_max_norm(max_norm)
    arrays = _checked_gradients(gradients)
    norm = _norm(list(arrays.values()))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    if scale == 1.0 or scale >= max(float(np.finfo(g.dtype).tiny) for g in arrays.values()):
        clipped = {name: np.asarray(g * scale) for name, g in arrays.items()}
    else:  # the factor itself underflows (or the norm overflowed): scale by the largest magnitude first
        m = _max_abs(arrays.values())
        factor = max_norm / math.sqrt(_scaled_sum_of_squares(arrays.values(), m))
        clipped = {name: (g.astype(np.float64) / m * factor).astype(g.dtype) for name, g in arrays.items()}
    if scale < 1.0 and not any(np.any(c) for c in clipped.values()):
        raise ValueError(f"max_norm must be large enough for the clipped gradients to be nonzero in "
                         f"{', '.join(sorted({str(g.dtype) for g in arrays.values()}))}, got {max_norm!r}")
    return clipped, norm
