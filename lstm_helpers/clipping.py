"""Gradient clipping by global norm (Pascanu et al. 2013).

All gradient arrays are treated as one long vector g. If its norm ‖g‖ = sqrt(Σ_k ‖g_k‖²) exceeds
``max_norm``, every array is scaled by the same factor ``max_norm / ‖g‖``; otherwise nothing
changes. The direction of the update is kept; only its length is capped. This is what
``tf.clip_by_global_norm`` and Keras optimizers' ``global_clipnorm`` do.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np


def global_norm(gradients: Mapping[str, np.ndarray]) -> float:
    """``sqrt(Σ_k ‖g_k‖²)`` over all arrays."""
    return float(np.sqrt(sum(float(np.sum(np.square(g))) for g in gradients.values())))


def clip_by_global_norm(gradients: Mapping[str, np.ndarray], max_norm: float) -> tuple[dict[str, np.ndarray], float]:
    """Scale all gradients together so that their global norm is at most ``max_norm``.

    Parameters
    ----------
    gradients : mapping of str to ndarray
        Gradient arrays by parameter name.
    max_norm : float
        Largest allowed global norm, ``> 0``.

    Returns
    -------
    clipped : dict of str to ndarray
        New arrays (the inputs are not modified).
    norm : float
        The global norm before clipping.

    Raises
    ------
    ValueError
        If ``max_norm`` is not a positive finite number, or a gradient is not finite.

    Examples
    --------
    >>> clipped, norm = clip_by_global_norm({"a": np.array([3.0]), "b": np.array([4.0])}, 1.0)
    >>> norm, clipped["a"].round(12).tolist(), clipped["b"].round(12).tolist()
    (5.0, [0.6], [0.8])
    """
    if isinstance(max_norm, bool) or not isinstance(max_norm, (int, float)) or not np.isfinite(max_norm) or max_norm <= 0:
        raise ValueError(f"max_norm must be a positive finite number, got {max_norm!r}")
    for name, g in gradients.items():
        if not np.isfinite(g).all():
            raise ValueError(f"gradients[{name!r}] must be finite, got nan/inf values")
    norm = global_norm(gradients)
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return {name: np.asarray(g) * scale for name, g in gradients.items()}, norm
