"""Gradient-descent optimisers in numpy: SGD with momentum and Adam, computed as Keras computes them.

Parameters and gradients are dicts of arrays by name (``{"W_x": …, "W_h": …}``), the form
:func:`lstm_helpers.clipping.clip_by_global_norm` takes and returns. An optimiser is a frozen
dataclass of hyper-parameters; ``init(params)`` gives its state before the first step and
``update(params, grads, state)`` returns new parameters and a new state, changing nothing it was
given. With learning rate η and gradient g_t = ∂L/∂θ at step t = 1, 2, …:

SGD with momentum (Polyak 1964; in the form of Sutskever et al. 2013 and ``keras.optimizers.SGD``),
velocity ``v_0 = 0``::

    v_t = μ v_{t-1} − η g_t
    θ_t = θ_{t-1} + v_t                      (μ = 0: plain SGD, θ_t = θ_{t-1} − η g_t)

Adam (Kingma & Ba 2015), moments ``m_0 = v_0 = 0``, in the form ``keras.optimizers.Adam`` uses (the
paper's "more efficient" ordering at the end of its section 2)::

    m_t = β₁ m_{t-1} + (1 − β₁) g_t
    v_t = β₂ v_{t-1} + (1 − β₂) g_t²
    η_t = η √(1 − β₂ᵗ) / (1 − β₁ᵗ)           bias correction of both moments, folded into the step size
    θ_t = θ_{t-1} − η_t m_t / (√v_t + ε)

ε is added to ``√v_t``, not to the bias-corrected ``√(v_t / (1 − β₂ᵗ))`` of the paper's Algorithm 1:
the two agree only with ε scaled by ``√(1 − β₂ᵗ)`` (0.03 at t = 1 for β₂ = 0.999). Keras (and
TensorFlow 1's ``AdamOptimizer``) add it here; PyTorch's ``torch.optim.Adam`` adds it to the
bias-corrected root. The default ε is Keras's 1e-7.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from lstm_helpers._checks import check_int

Params = Mapping[str, np.ndarray]


def _check_number(name: str, value: object, low: float, high: float, *, low_open: bool, high_open: bool) -> float:
    """Return ``value`` as a float in the interval, or raise ``ValueError`` naming it."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    above = value > low if low_open else value >= low
    below = value < high if high_open else value <= high
    if not (above and below):
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return float(value)


def _check_arrays(name: str, arrays: object, like: Mapping[str, np.ndarray] | None = None,
                  like_name: str = "params") -> dict[str, np.ndarray]:
    """Return ``arrays`` as a dict of finite float arrays, with the keys, shapes and dtypes of ``like`` if given."""
    if not isinstance(arrays, Mapping) or not arrays:
        raise ValueError(f"{name} must be a non-empty dict of arrays by name, got {type(arrays).__name__}")
    if like is not None and set(arrays) != set(like):
        raise ValueError(f"{name} must have the keys of {like_name} {sorted(like)}, got {sorted(arrays)}")
    checked = {}
    for key, value in arrays.items():
        try:
            array = np.asarray(value)
        except (TypeError, ValueError) as error:  # a ragged nested list
            raise ValueError(f"{name}[{key!r}] must be an array of floats, got {type(value).__name__}: {error}") from None
        if not np.issubdtype(array.dtype, np.floating):
            raise ValueError(f"{name}[{key!r}] must hold floats, got dtype {array.dtype}")
        if like is not None and array.shape != like[key].shape:
            raise ValueError(f"{name}[{key!r}] must have the shape of {like_name}[{key!r}], {like[key].shape}, got {array.shape}")
        if like is not None and array.dtype != like[key].dtype:
            # numpy would promote float32 parameters to float64 without a word; Keras casts instead.
            raise ValueError(f"{name}[{key!r}] must have the dtype of {like_name}[{key!r}], {like[key].dtype}, "
                             f"got {array.dtype}; cast it with .astype(np.{like[key].dtype})")
        if not np.isfinite(array).all():
            raise ValueError(f"{name}[{key!r}] must be finite, got {int((~np.isfinite(array)).sum())} nan/inf values "
                             f"of {array.size}")
        checked[key] = array
    return checked


def _check_updated(results: Mapping[str, Mapping[str, np.ndarray]], params: Params, grads: Params) -> None:
    """Raise ``ValueError`` if an updated array overflowed to inf/nan (its inputs were finite, so they were too large)."""
    for what, arrays in results.items():
        for key, array in arrays.items():
            if not np.isfinite(array).all():
                raise ValueError(
                    f"the update overflowed {array.dtype} in {what}[{key!r}] (largest |params[{key!r}]| "
                    f"{np.abs(params[key]).max():.3g}, |grads[{key!r}]| {np.abs(grads[key]).max():.3g}): "
                    "clip the gradients first (clipping.clip_by_global_norm) or lower the learning rate"
                )


def _check_state_fields(state: object, *names: str) -> None:
    """``step`` an integer ``>= 0``, the named fields dicts (for the states' ``__post_init__``)."""
    object.__setattr__(state, "step", check_int("step", state.step, minimum=0))
    for name in names:
        if not isinstance(getattr(state, name), Mapping):
            raise ValueError(f"{name} must be a dict of arrays by name, got {type(getattr(state, name)).__name__}")


@dataclass(frozen=True)
class SGDState:
    """State of :class:`SGD` between steps.

    Attributes
    ----------
    step : int
        Updates made so far (Keras's ``optimizer.iterations``).
    velocity : dict of str to ndarray
        ``v_t`` per parameter, shaped like it; empty when ``momentum = 0``.

    Raises
    ------
    ValueError
        If ``step`` is not an integer ``>= 0`` or ``velocity`` not a dict (the arrays are checked
        against the parameters by :meth:`SGD.update`).
    """

    step: int
    velocity: dict[str, np.ndarray]

    def __post_init__(self) -> None:
        _check_state_fields(self, "velocity")


@dataclass(frozen=True)
class SGD:
    """Stochastic gradient descent with (optional) momentum, as ``keras.optimizers.SGD``.

    ``v_t = μ v_{t-1} − η g_t`` and ``θ_t = θ_{t-1} + v_t`` (module docstring).

    Attributes
    ----------
    learning_rate : float, default 0.01
        η, ``> 0`` (Keras's default).
    momentum : float, default 0.0
        μ, in ``[0, 1)``.

    Raises
    ------
    ValueError
        If a hyper-parameter is not a finite number in its interval.

    Examples
    --------
    >>> sgd = SGD(learning_rate=0.1, momentum=0.9)
    >>> params = {"w": np.array([1.0, -2.0])}
    >>> state = sgd.init(params)
    >>> params, state = sgd.update(params, {"w": np.array([1.0, 1.0])}, state)
    >>> params["w"].tolist(), state.velocity["w"].tolist()
    ([0.9, -2.1], [-0.1, -0.1])
    """

    learning_rate: float = 0.01
    momentum: float = 0.0

    def __post_init__(self) -> None:
        object.__setattr__(self, "learning_rate", _check_number(
            "learning_rate", self.learning_rate, 0.0, np.inf, low_open=True, high_open=True))
        object.__setattr__(self, "momentum", _check_number(
            "momentum", self.momentum, 0.0, 1.0, low_open=False, high_open=True))

    def init(self, params: Params) -> SGDState:
        """The state before the first step: ``v_0 = 0`` for every parameter (none without momentum).

        Raises
        ------
        ValueError
            If ``params`` is not a non-empty dict of finite float arrays.
        """
        params = _check_arrays("params", params)
        velocity = {name: np.zeros_like(value) for name, value in params.items()} if self.momentum else {}
        return SGDState(step=0, velocity=velocity)

    def update(self, params: Params, grads: Params, state: SGDState) -> tuple[dict[str, np.ndarray], SGDState]:
        """One step: new parameters and state (the arguments are not modified).

        Parameters
        ----------
        params : dict of str to ndarray
            θ_{t-1}, any shapes.
        grads : dict of str to ndarray
            g_t, the same keys and shapes as ``params``.
        state : SGDState
            From :meth:`init` or the previous :meth:`update`.

        Returns
        -------
        params : dict of str to ndarray
            θ_t.
        state : SGDState
            ``step`` + 1 and ``v_t``.

        Raises
        ------
        ValueError
            If ``grads`` or ``state`` does not match ``params`` (keys, shapes, float types), an
            array is not finite, ``state`` is not an SGDState (or is one of an SGD without momentum
            while this one has momentum), or the update overflowed.
        """
        params = _check_arrays("params", params)
        grads = _check_arrays("grads", grads, params)
        if not isinstance(state, SGDState):
            raise ValueError(f"state must be an SGDState (from SGD.init), got {type(state).__name__}")
        if not self.momentum:  # v_{t-1} is not read when μ = 0
            with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, as a ValueError
                new_params = {name: params[name] - self.learning_rate * grads[name] for name in params}
            _check_updated({"params": new_params}, params, grads)
            return new_params, SGDState(step=state.step + 1, velocity={})
        if not state.velocity:
            raise ValueError(f"state.velocity must have the keys of params {sorted(params)}, got none: the state "
                             "comes from an SGD without momentum; start from this optimiser's init(params)")
        velocity = _check_arrays("state.velocity", state.velocity, params)
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, as a ValueError
            new_velocity = {name: self.momentum * velocity[name] - self.learning_rate * grads[name] for name in params}
            new_params = {name: params[name] + new_velocity[name] for name in params}
        _check_updated({"state.velocity": new_velocity, "params": new_params}, params, grads)
        return new_params, SGDState(step=state.step + 1, velocity=new_velocity)


@dataclass(frozen=True)
class AdamState:
    """State of :class:`Adam` between steps.

    Attributes
    ----------
    step : int
        t, the updates made so far (Keras's ``optimizer.iterations``).
    m, v : dict of str to ndarray
        First and second moments ``m_t``, ``v_t`` per parameter, shaped like it.

    Raises
    ------
    ValueError
        If ``step`` is not an integer ``>= 0`` or ``m``, ``v`` not dicts (the arrays are checked
        against the parameters by :meth:`Adam.update`).
    """

    step: int
    m: dict[str, np.ndarray]
    v: dict[str, np.ndarray]

    def __post_init__(self) -> None:
        _check_state_fields(self, "m", "v")


@dataclass(frozen=True)
class Adam:
    """Adam, as ``keras.optimizers.Adam`` (without ``amsgrad``); equations in the module docstring.

    Attributes
    ----------
    learning_rate : float, default 0.001
        η, ``> 0``.
    beta_1, beta_2 : float, default 0.9, 0.999
        Decay rates of the moments, in ``[0, 1)``.
    epsilon : float, default 1e-7
        ε, ``> 0``, added to ``√v_t`` (Keras's default and placement).

    Raises
    ------
    ValueError
        If a hyper-parameter is not a finite number in its interval.

    Examples
    --------
    The first step moves each weight by about η against the sign of its gradient:

    >>> adam = Adam(learning_rate=0.1)
    >>> params = {"w": np.array([1.0, 1.0])}
    >>> params, state = adam.update(params, {"w": np.array([3.0, -0.5])}, adam.init(params))
    >>> params["w"].round(4).tolist(), state.step
    ([0.9, 1.1], 1)
    """

    learning_rate: float = 0.001
    beta_1: float = 0.9
    beta_2: float = 0.999
    epsilon: float = 1e-7

    def __post_init__(self) -> None:
        object.__setattr__(self, "learning_rate", _check_number(
            "learning_rate", self.learning_rate, 0.0, np.inf, low_open=True, high_open=True))
        for name in ("beta_1", "beta_2"):
            object.__setattr__(self, name, _check_number(name, getattr(self, name), 0.0, 1.0, low_open=False, high_open=True))
        object.__setattr__(self, "epsilon", _check_number(
            "epsilon", self.epsilon, 0.0, np.inf, low_open=True, high_open=True))

    def init(self, params: Params) -> AdamState:
        """The state before the first step: t = 0, ``m_0 = v_0 = 0`` for every parameter.

        Raises
        ------
        ValueError
            If ``params`` is not a non-empty dict of finite float arrays.
        """
        params = _check_arrays("params", params)
        # m and v get arrays of their own, so that changing one in place cannot change the other
        return AdamState(step=0, m={name: np.zeros_like(value) for name, value in params.items()},
                         v={name: np.zeros_like(value) for name, value in params.items()})

    def update(self, params: Params, grads: Params, state: AdamState) -> tuple[dict[str, np.ndarray], AdamState]:
        """One step: new parameters and state (the arguments are not modified).

        Parameters
        ----------
        params : dict of str to ndarray
            θ_{t-1}, any shapes.
        grads : dict of str to ndarray
            g_t, the same keys and shapes as ``params``.
        state : AdamState
            From :meth:`init` or the previous :meth:`update`.

        Returns
        -------
        params : dict of str to ndarray
            θ_t.
        state : AdamState
            t and the moments ``m_t``, ``v_t``.

        Raises
        ------
        ValueError
            If ``grads`` or ``state`` does not match ``params`` (keys, shapes, float types), an
            array is not finite, ``state`` is not an AdamState, or the update overflowed (in
            float32, ``g²`` does for ``|g|`` above about 1.8e19: clip the gradients first).
        """
        params = _check_arrays("params", params)
        grads = _check_arrays("grads", grads, params)
        if not isinstance(state, AdamState):
            raise ValueError(f"state must be an AdamState (from Adam.init), got {type(state).__name__}")
        m_prev = _check_arrays("state.m", state.m, params)
        v_prev = _check_arrays("state.v", state.v, params)
        t = state.step + 1
        beta_1, beta_2 = self.beta_1, self.beta_2
        step_size = self.learning_rate * math.sqrt(1.0 - beta_2**t) / (1.0 - beta_1**t)  # η_t, a Python float
        with np.errstate(over="ignore", invalid="ignore"):  # an overflow is reported below, as a ValueError
            m = {name: beta_1 * m_prev[name] + (1.0 - beta_1) * grads[name] for name in params}  # m_t
            v = {name: beta_2 * v_prev[name] + (1.0 - beta_2) * np.square(grads[name]) for name in params}  # v_t
            new_params = {name: params[name] - step_size * m[name] / (np.sqrt(v[name]) + self.epsilon)
                          for name in params}
        _check_updated({"state.m": m, "state.v": v, "params": new_params}, params, grads)
        return new_params, AdamState(step=t, m=m, v=v)
