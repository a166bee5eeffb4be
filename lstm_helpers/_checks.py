"""Small input checks shared by the public helpers.

Each check raises ``ValueError`` whose message names the argument, what was expected and
what was received, so that a reader's mistake points at the argument to fix.
"""

from __future__ import annotations

import numbers

import numpy as np


def check_int(name: str, value: object, *, minimum: int) -> int:
    """Return ``value`` as an ``int`` if it is an integer ``>= minimum``, else raise ``ValueError``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return int(value)


def check_integer_array(name: str, values: object) -> np.ndarray:
    """Return ``values`` as an integer ndarray, refusing floats, booleans and strings."""
    array = np.asarray(values)
    if array.dtype == bool or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"{name} must hold integers, got dtype {array.dtype}")
    return array


def check_finite_floats(name: str, values: object) -> np.ndarray:
    """Return ``values`` as a float64 ndarray, refusing strings, booleans, objects and nan/inf."""
    array = np.asarray(values)
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise ValueError(f"{name} must hold numbers, got dtype {array.dtype}")
    array = array.astype(np.float64)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, got {int((~np.isfinite(array)).sum())} nan/inf values")
    return array
