"""Small input checks shared by the public helpers.

Each check raises ``ValueError`` whose message names the argument, what was expected and
what was received, so that a reader's mistake points at the argument to fix.
"""

from __future__ import annotations

import numbers

import numpy as np


class ArgumentTypeError(TypeError, ValueError):
    """An argument of the wrong type or dtype: a ``TypeError``, and a ``ValueError`` for older code."""


def check_bool(name: str, value: object) -> bool:
    """Return ``value`` as a ``bool`` if it is one (numpy's included), else raise :class:`ArgumentTypeError`.

    ``bool("no")`` is ``True``: a string or a number given as a flag would silently switch it on.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise ArgumentTypeError(f"{name} must be True or False, got {value!r:.40} ({type(value).__name__})")
    return bool(value)


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


def check_float_array(name: str, values: object, *, allow_nonfinite: bool = False) -> np.ndarray:
    """Return ``values`` as a floating ndarray, keeping float32/float64 as given (integers become float64).

    Refuses booleans, strings, objects and complex numbers (``TypeError``), and nan/inf values
    (``ValueError``) unless ``allow_nonfinite``. The result may share memory with ``values``:
    callers that write into it must copy it first.
    """
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be an array of numbers, got a {type(values).__name__}: {values!r:.40}")
    try:
        array = np.asarray(values)
    except (ValueError, TypeError) as error:  # ragged nested lists
        raise TypeError(f"{name} must be a rectangular array of numbers, got {type(values).__name__}: {error}") from None
    if array.dtype == bool or not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise TypeError(f"{name} must hold real numbers (float or int), got dtype {array.dtype}")
    if not np.issubdtype(array.dtype, np.floating):
        array = array.astype(np.float64)
    if not allow_nonfinite and not np.isfinite(array).all():
        raise ValueError(f"{name} must be finite, got {int((~np.isfinite(array)).sum())} nan/inf values "
                         f"of {array.size}")
    return array


def check_real(name: str, value: object, *, minimum: float | None = None, maximum: float | None = None,
               strict: bool = False) -> float:
    """Return ``value`` as a ``float`` if it is a finite real number in range, else raise.

    ``strict=True`` makes ``minimum`` exclusive (``value > minimum``). Booleans and strings are
    refused with ``TypeError``; nan, inf and out-of-range values with ``ValueError``.
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {value!r} ({type(value).__name__})")
    result = float(value)
    if not np.isfinite(result):
        raise ValueError(f"{name} must be finite, got {result}")
    if minimum is not None and (result <= minimum if strict else result < minimum):
        raise ValueError(f"{name} must be {'>' if strict else '>='} {minimum}, got {result}")
    if maximum is not None and result > maximum:
        raise ValueError(f"{name} must be <= {maximum}, got {result}")
    return result


def check_strings(name: str, values: object) -> list[str]:
    """Return ``values`` as a list of ``str``, refusing a single string (which would iterate by character)."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a collection of strings (e.g. a list), got a single string {values!r:.40}; "
                        f"wrap it in a list: [{values!r:.40}]")
    try:
        items = list(values)  # type: ignore[call-overload]
    except TypeError:
        raise TypeError(f"{name} must be a collection of strings, got {type(values).__name__}") from None
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"{name} must hold only strings, got {item!r} ({type(item).__name__})")
    return items


def check_instance(name: str, value: object, expected: type | tuple[type, ...]) -> None:
    """Raise ``TypeError`` naming ``name`` unless ``value`` is an instance of ``expected``."""
    if not isinstance(value, expected):
        wanted = " or ".join(t.__name__ for t in (expected if isinstance(expected, tuple) else (expected,)))
        raise TypeError(f"{name} must be a {wanted}, got {type(value).__name__}")


def check_choice(name: str, value: object, choices: tuple) -> object:
    """Return ``value`` if it is one of ``choices``, else raise ``ValueError`` listing them."""
    if not isinstance(value, (str, int, float, type(None))) or value not in choices:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, choices))}; got {value!r}")
    return value


def needs_rescaled_norm(array: np.ndarray) -> bool:
    """Whether a sum of squares of ``array`` (a floating ndarray) in its own dtype can overflow or underflow.

    Summing ``x**2`` directly is accurate when the largest magnitude ``m`` is 0 or satisfies
    ``sqrt(size · tiny) <= m <= sqrt(max / size) / 2`` for the dtype; outside that range a norm
    must be taken as ``m · ‖x / m‖`` instead. Two reductions, no copy of ``array``.
    """
    if array.size == 0:
        return False
    m = max(float(array.max()), -float(array.min()))
    info = np.finfo(array.dtype)
    return m != 0 and not np.sqrt(array.size * float(info.tiny)) <= m <= np.sqrt(float(info.max) / array.size) / 2
