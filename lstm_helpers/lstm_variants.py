"""Two LSTM variants in numpy: peephole connections and the coupled input–forget gate.

Both start from the LSTM of :mod:`lstm_helpers.lstm` (batch-first, pre-activations
``a_t = [h_{t-1}, x_t] W + b`` split into the gate blocks ``a^i_t, a^f_t, a^c̃_t, a^o_t``):

- **peephole** (Gers & Schmidhuber 2000): the gates also see the cell state, through diagonal
  weights (one vector per gate, elementwise):
  ``i_t = σ(a^i_t + p_i ⊙ c_{t-1})``, ``f_t = σ(a^f_t + p_f ⊙ c_{t-1})``, ``o_t = σ(a^o_t + p_o ⊙ c_t)``;
- **coupled input–forget gate**: no input gate of its own, ``i_t = 1 − f_t``; what is forgotten is
  replaced, so ``W`` has three blocks of columns, in the order f, c̃, o.

``c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t`` and ``h_t = o_t ⊙ tanh(c_t)`` as in the standard LSTM. The
two switches combine (a coupled LSTM with peepholes has ``p_f``, ``p_o`` only).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers._recurrent import (
    StackedWeights,
    check_finite_results,
    check_bool,
    check_init_arguments,
    check_sequence_batch,
    check_state,
    check_step_arrays,
    check_trace,
    check_weight_shapes,
    check_weights_type,
)
from lstm_helpers.lstm import LSTMTrace, _sigmoid  # sigmoid without the argument checks, for the loop


@dataclass(frozen=True)
class VariantWeights(StackedWeights):
    """Weights of a peephole and/or coupled LSTM.

    Attributes
    ----------
    W_x : ndarray, shape (features, G·units)
    W_h : ndarray, shape (units, G·units)
    b : ndarray, shape (G·units,)
        ``G = 4`` blocks (i, f, c̃, o), or ``G = 3`` (f, c̃, o) when ``coupled``.
    peephole : ndarray of shape (S, units), or None
        Peephole weights of the sigmoid gates, one row each: (p_i, p_f, p_o), S = 3, or (p_f, p_o),
        S = 2, when ``coupled``; ``None`` for no peepholes.
    coupled : bool
        ``i_t = 1 − f_t``.

    The arrays must be finite and of one float type (integers become float64); float arrays are
    stored as given, not copied.

    Raises
    ------
    TypeError
        If an array is not real numbers, the arrays have different float types, or ``coupled`` is
        not a bool.
    ValueError
        If the shapes do not fit together or an array holds nan/inf.
    """

    W_x: np.ndarray
    W_h: np.ndarray
    b: np.ndarray
    peephole: np.ndarray | None = None
    coupled: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "coupled", check_bool("coupled", self.coupled))
        self._store_as_arrays("peephole")
        check_weight_shapes(self.W_x, self.W_h, self.b, n_gates=len(self.gates))
        if self.peephole is not None:
            expected = (len(self.sigmoid_gates), self.units)
            if self.peephole.shape != expected:
                raise ValueError(f"peephole must have shape {expected} (one row per sigmoid gate), "
                                 f"got {self.peephole.shape}")

    @property
    def gates(self) -> tuple[str, ...]:
        """Column blocks of ``W_x``, ``W_h``, ``b``, in order."""
        return ("f", "c_tilde", "o") if self.coupled else ("i", "f", "c_tilde", "o")

    @property
    def sigmoid_gates(self) -> tuple[str, ...]:
        """Gates with a peephole row, in the order of ``peephole``'s rows."""
        return ("f", "o") if self.coupled else ("i", "f", "o")

    def n_params(self) -> int:
        """``G·units·(features + units + 1)``, plus ``S·units`` peephole weights."""
        extra = 0 if self.peephole is None else self.peephole.size
        return super().n_params() + extra


@dataclass(frozen=True)
class VariantGradients:
    """Gradients ``δW_x``, ``δW_h``, ``δb``, ``δp`` (``dpeephole``, rows as ``peephole``; None without
    peepholes), ``∂L/∂x_t`` (``dx``), ``δh_0`` (``dh0``) and ``δc_0`` (``dc0``)."""

    dW_x: np.ndarray
    dW_h: np.ndarray
    db: np.ndarray
    dpeephole: np.ndarray | None
    dx: np.ndarray
    dh0: np.ndarray
    dc0: np.ndarray


def init_variant(features: int, units: int, rng: np.random.Generator, peephole: bool = False,
                 coupled: bool = False, scale: float = 0.5) -> VariantWeights:
    """Random weights for a variant, normal with standard deviation ``scale / sqrt(fan_in)``.

    The forget-gate bias is 1 (as Keras does for the LSTM), peephole weights small random.

    Parameters
    ----------
    features, units : int
        Input size ``n`` and hidden size ``H``, both ``>= 1``.
    rng : numpy.random.Generator
    peephole, coupled : bool, default False
        The two switches (module docstring).
    scale : float, default 0.5
        ``>= 0``.

    Returns
    -------
    weights : VariantWeights
        float64.

    Raises
    ------
    ValueError
        If a size is not an integer ``>= 1`` (2.7 is refused, not truncated) or ``scale`` is
        negative or nan/inf.
    TypeError
        If ``rng`` is not a Generator, a switch not a bool or ``scale`` not a real number.
    """
    features, units, scale = check_init_arguments(features, units, rng, scale)
    peephole, coupled = check_bool("peephole", peephole), check_bool("coupled", coupled)
    n_gates = 3 if coupled else 4
    b = np.zeros(n_gates * units)
    forget = 0 if coupled else 1
    b[forget * units : (forget + 1) * units] = 1.0
    return VariantWeights(
        W_x=rng.normal(0.0, scale / np.sqrt(features), size=(features, n_gates * units)),
        W_h=rng.normal(0.0, scale / np.sqrt(units), size=(units, n_gates * units)),
        b=b,
        peephole=rng.normal(0.0, 0.1, size=(2 if coupled else 3, units)) if peephole else None,
        coupled=coupled,
    )


def _blocks(a: np.ndarray, weights: VariantWeights) -> dict[str, np.ndarray]:
    """Split pre-activations ``a`` (B, G·H) into the gate blocks, e.g. ``{"f": a^f, ...}``, each (B, H)."""
    H = weights.units
    return {name: a[:, k * H : (k + 1) * H] for k, name in enumerate(weights.gates)}


def _peep(weights: VariantWeights, gate: str, dtype) -> np.ndarray | float:
    """Peephole row of ``gate``, or 0 where the gate has none (no peepholes, or no input gate)."""
    if weights.peephole is None or gate not in weights.sigmoid_gates:
        return 0.0
    return weights.peephole[weights.sigmoid_gates.index(gate)].astype(dtype)


def variant_forward(x: np.ndarray, weights: VariantWeights, h0: np.ndarray | None = None,
                    c0: np.ndarray | None = None) -> LSTMTrace:
    """Run a peephole and/or coupled LSTM over a batch; the trace has the same fields as the LSTM's.

    Parameters
    ----------
    x : array_like, shape (batch, steps, features)
        Real numbers (a nested list is fine); float32 stays float32, integers become float64.
    weights : VariantWeights
    h0, c0 : array_like, shape (batch, units), optional
        Initial states; zeros by default. Cast to the type the layer computes in.

    Returns
    -------
    trace : LSTMTrace
        For a coupled LSTM, ``trace.i`` holds ``1 − f_t``. float32 if ``x`` and the weights are
        float32, float64 otherwise.

    Raises
    ------
    TypeError
        If ``weights`` is not VariantWeights, or ``x`` or a state is not real numbers.
    ValueError
        If ``x`` is not a finite (batch, steps, features) array matching the weights, a state has
        the wrong shape or holds nan/inf, or the computation overflowed.
    """
    check_weights_type(weights, VariantWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, _ = x.shape  # B, T, n
    H = weights.units
    dtype = np.result_type(x, weights.W_x)
    h_prev = check_state("h0", h0, batch, H, dtype)
    c_prev = check_state("c0", c0, batch, H, dtype)
    W, b = weights.W.astype(dtype), weights.b.astype(dtype)
    p_i, p_f, p_o = (_peep(weights, g, dtype) for g in ("i", "f", "o"))
    trace = {name: np.empty((batch, steps, H), dtype=dtype) for name in ("h", "c", "i", "f", "c_tilde", "o")}
    for t in range(steps):
        a = _blocks(np.concatenate([h_prev, x[:, t]], axis=1) @ W + b, weights)  # a^f, a^c̃, a^o (, a^i)
        f = _sigmoid(a["f"] + p_f * c_prev)
        i = 1.0 - f if weights.coupled else _sigmoid(a["i"] + p_i * c_prev)
        c_tilde = np.tanh(a["c_tilde"])
        c_t = f * c_prev + i * c_tilde
        o = _sigmoid(a["o"] + p_o * c_t)  # the output gate peeks at the new cell state
        h_t = o * np.tanh(c_t)
        for name, value in zip(("h", "c", "i", "f", "c_tilde", "o"), (h_t, c_t, i, f, c_tilde, o)):
            trace[name][:, t] = value
        h_prev, c_prev = h_t, c_t  # the state step t + 1 reads
    # a nan (an overflow) reaches the last state
    check_finite_results("variant_forward", {"h_T": h_prev, "c_T": c_prev}, {"x": x, "h0": h0, "c0": c0})
    return LSTMTrace(**trace)


def variant_backward(x: np.ndarray, weights: VariantWeights, trace: LSTMTrace, dh: np.ndarray,
                     h0: np.ndarray | None = None, c0: np.ndarray | None = None,
                     dc_last: np.ndarray | None = None) -> VariantGradients:
    """Backpropagation through time for :func:`variant_forward`.

    As :func:`lstm_helpers.lstm.lstm_backward` (same symbols, same boundary conditions
    ``δh_{T+1} = δc_{T+1} = 0``, ``dc_last`` = ``∂L/∂c_T``), with these changes, from ``t = T`` down
    to 1:

        δa^o_t = δh_t ⊙ tanh(c_t) ⊙ o_t(1 − o_t)
        δc_t   = δc_{t+1} ⊙ f_{t+1} + δa^i_{t+1} ⊙ p_i + δa^f_{t+1} ⊙ p_f      from step t+1
                 + δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δa^o_t ⊙ p_o               from step t
        δf_t   = δc_t ⊙ c_{t-1}   (coupled, i_t = 1 − f_t: δf_t = δc_t ⊙ (c_{t-1} − c̃_t))
        δp_i = Σ_t Σ_batch δa^i_t ⊙ c_{t-1},   δp_f = Σ_t Σ_batch δa^f_t ⊙ c_{t-1},   δp_o = Σ_t Σ_batch δa^o_t ⊙ c_t

    The output gate's peephole reads ``c_t``, so its term stays in step t; the input and forget
    gates' peepholes read ``c_{t-1}``, so theirs pass to step t-1 (in ``dc_next``), and
    ``δc_0 = δc_1 ⊙ f_1 + δa^i_1 ⊙ p_i + δa^f_1 ⊙ p_f``. A coupled cell has no ``δa^i`` and no ``p_i``.

    Parameters, returns (their float type included) and errors as
    :func:`lstm_helpers.lstm.lstm_backward`, with :class:`VariantWeights` and
    :class:`VariantGradients`; the trace is :func:`variant_forward`'s.
    """
    check_weights_type(weights, VariantWeights)
    x = check_sequence_batch(x, weights.features)
    batch, steps, _ = x.shape  # B, T, n
    H = weights.units
    arrays = check_trace(trace, LSTMTrace, "variant_forward", (batch, steps, H))
    dh = check_step_arrays((batch, steps, H), dh=dh)["dh"]
    dtype = np.result_type(x, weights.W_x, *arrays.values(), dh)
    h_start = check_state("h0", h0, batch, H, dtype)
    c_start = check_state("c0", c0, batch, H, dtype)
    W = weights.W.astype(dtype)
    p = {g: _peep(weights, g, dtype) for g in ("i", "f", "o")}
    dW, db = np.zeros_like(W), np.zeros(W.shape[1], dtype=dtype)
    dpeep = {g: np.zeros(H, dtype=dtype) for g in weights.sigmoid_gates}
    dx = np.zeros(x.shape, dtype=dtype)
    dh_next = np.zeros((batch, H), dtype=dtype)  # δh_{T+1} = 0
    dc_next = check_state("dc_last", dc_last, batch, H, dtype)  # 0, or ∂L/∂c_T for state_c
    for t in reversed(range(steps)):
        h_prev = arrays["h"][:, t - 1] if t > 0 else h_start
        c_prev = arrays["c"][:, t - 1] if t > 0 else c_start
        c_t = arrays["c"][:, t]
        i, f, c_tilde, o = arrays["i"][:, t], arrays["f"][:, t], arrays["c_tilde"][:, t], arrays["o"][:, t]
        tanh_c = np.tanh(c_t)
        dh_t = dh[:, t] + dh_next  # δh_t, total
        da_o = dh_t * tanh_c * o * (1 - o)
        dc_t = dc_next + dh_t * o * (1 - tanh_c**2) + da_o * p["o"]  # δc_t, total
        di, df = dc_t * c_tilde, dc_t * c_prev
        if weights.coupled:
            df = df - di  # i = 1 - f
        da_f = df * f * (1 - f)
        da_gate = {"f": da_f, "c_tilde": dc_t * i * (1 - c_tilde**2), "o": da_o}
        dc_next = dc_t * f + da_f * p["f"]  # the part of δc_{t-1} from step t
        if not weights.coupled:
            da_gate["i"] = di * i * (1 - i)
            dc_next = dc_next + da_gate["i"] * p["i"]
        if weights.peephole is not None:
            dpeep["o"] += (da_o * c_t).sum(axis=0)
            dpeep["f"] += (da_f * c_prev).sum(axis=0)
            if not weights.coupled:
                dpeep["i"] += (da_gate["i"] * c_prev).sum(axis=0)
        da = np.concatenate([da_gate[g] for g in weights.gates], axis=1)  # (B, G·H): δa_t
        hx = np.concatenate([h_prev, x[:, t]], axis=1)  # (B, H + n)
        dW += hx.T @ da
        db += da.sum(axis=0)
        dhx = da @ W.T  # (B, H + n)
        dh_next, dx[:, t] = dhx[:, :H], dhx[:, H:]
    dpeephole = None if weights.peephole is None else np.stack([dpeep[g] for g in weights.sigmoid_gates])
    gradients = VariantGradients(dW_x=dW[H:], dW_h=dW[:H], db=db, dpeephole=dpeephole, dx=dx, dh0=dh_next,
                                 dc0=dc_next)
    results = {name: value for name, value in vars(gradients).items() if value is not None}
    check_finite_results("variant_backward", results, {"dh": dh, **{f"trace.{k}": v for k, v in arrays.items()}})
    return gradients
