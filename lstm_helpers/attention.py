"""Attention over the encoder's states in numpy, forward and backward (Bahdanau et al. 2015; Luong et al. 2015).

Sizes: B samples, S encoder steps (s = 1, …, S), T decoder steps, H_enc and H_dec units of the
encoder and the decoder, A units of the additive score's hidden layer. The encoder's states
``h̄_s`` (B, H_enc) are stacked as ``encoder_states`` (B, S, H_enc); the decoder asks with one
query ``q`` (B, H_dec) per step. Row vectors multiply from the right, as everywhere in the book.

    e_s = score(q, h̄_s)                            (B, S)   one score per encoder step
    α_s = exp(e_s) / Σ_{s' valid} exp(e_{s'})      (B, S)   attention weights, 0 at padded steps
    context = Σ_s α_s h̄_s                          (B, H_enc)

Three scores:

    additive (Bahdanau):   e_s = tanh(q W_a + h̄_s U_a) v_a   W_a (H_dec, A), U_a (H_enc, A), v_a (A,)
    dot (Luong):           e_s = h̄_s · q                     needs H_enc = H_dec; no weights
    general (Luong):       e_s = h̄_s W_a qᵀ                  W_a (H_enc, H_dec)

The additive score is a one-hidden-layer network with pre-activations ``a_s = q W_a + h̄_s U_a``
(B, S, A); Bahdanau et al. write it ``v_aᵀ tanh(W_a s_{i-1} + U_a h_j)`` with column vectors and no
bias. Luong et al. write the general score ``h_tᵀ W_a h̄_s``: their ``W_a`` is the transpose of ours.

Which decoder state is the query is the model's choice, not this module's, and the two papers
differ. Bahdanau et al. ask with the decoder's state *before* step t (``h_{t-1}`` of the decoder)
and feed the context into step t. Luong et al. ask with the decoder's output *of* step t (``h_t``)
and combine the context with it after the step. The book follows Bahdanau et al. for the additive
score and Luong et al. for dot and general; the functions here take whatever query they are given.

Both papers write the context vector ``c_t``; in this book ``c_t`` is the LSTM's cell state, so the
context is written out as ``context``. A mask (B, S) marks the valid encoder steps: padded steps
get weight exactly 0 (their scores are never exponentiated), so the context and every gradient
ignore them. :func:`attention_forward` handles one decoder step, :func:`attention_all_steps` all T
steps at once (for heat maps of α, decoder step × encoder step), and :func:`attention_backward`
gives the gradients of one step (δ notation there).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lstm_helpers._checks import ArgumentTypeError, check_int, check_real
from lstm_helpers._recurrent import check_finite, check_floats, check_generator

#: The scores :class:`AttentionWeights` can compute.
SCORES = ("additive", "dot", "general")


@dataclass(frozen=True)
class AttentionWeights:
    """Which score attention computes, and its weights.

    Attributes
    ----------
    score : str
        ``"additive"``, ``"dot"`` or ``"general"`` (see the module docstring).
    W_a : ndarray or None
        Additive: shape (decoder units, attention units), (H_dec, A), applied to the query.
        General: shape (encoder units, decoder units), (H_enc, H_dec). Dot: None.
    U_a : ndarray or None
        Additive only: shape (encoder units, attention units), (H_enc, A), applied to each encoder state.
    v_a : ndarray or None
        Additive only: shape (attention units,), (A,), which turns ``tanh(a_s)`` into the score.

    The arrays must be finite and of one float type (integers become float64); float arrays are
    stored as given, not copied.

    Raises
    ------
    TypeError
        If an array is not real numbers or the arrays have different float types.
    ValueError
        If ``score`` is not one of :data:`SCORES`, an array the score needs is missing or one it
        does not use is given, the shapes do not fit together, or an array holds nan/inf.

    Examples
    --------
    >>> AttentionWeights("general", W_a=np.zeros((3, 2))).encoder_units
    3
    """

    score: str
    W_a: np.ndarray | None = None
    U_a: np.ndarray | None = None
    v_a: np.ndarray | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.score, str) or self.score not in SCORES:
            raise ValueError(f"score must be one of {', '.join(map(repr, SCORES))}; got {self.score!r}")
        needed = {"additive": ("W_a", "U_a", "v_a"), "dot": (), "general": ("W_a",)}[self.score]
        for name in ("W_a", "U_a", "v_a"):
            value = getattr(self, name)
            if name in needed and value is None:
                raise ValueError(f"{name} is needed by the {self.score} score, got None")
            if name not in needed and value is not None:
                raise ValueError(f"{name} is not used by the {self.score} score and must be None, "
                                 f"got an array of shape {np.shape(value)}")
            if value is not None:
                array = check_floats(name, value, allow_nonfinite=True)
                check_finite(name, array)
                object.__setattr__(self, name, array)
        arrays = [getattr(self, name) for name in needed]
        if len({array.dtype for array in arrays}) > 1:
            raise ArgumentTypeError(f"W_a, U_a and v_a must have one float type, got "
                                    f"{', '.join(f'{n} {a.dtype}' for n, a in zip(needed, arrays))}")
        if self.score == "general" and (self.W_a.ndim != 2 or 0 in self.W_a.shape):
            raise ValueError(f"W_a must have shape (encoder units, decoder units), got {self.W_a.shape}")
        if self.score == "additive":
            if self.v_a.ndim != 1 or self.v_a.size == 0:
                raise ValueError(f"v_a must have shape (attention units,), got {self.v_a.shape}")
            units = self.v_a.size  # A
            for name in ("W_a", "U_a"):
                array = getattr(self, name)
                if array.ndim != 2 or array.shape[1] != units or array.shape[0] == 0:
                    side = "decoder" if name == "W_a" else "encoder"
                    raise ValueError(f"{name} must have shape ({side} units, attention units) with {units} "
                                     f"attention units (the size of v_a), got {array.shape}")

    @property
    def encoder_units(self) -> int | None:
        """H_enc, the size of each encoder state the weights expect (None for the dot score)."""
        if self.score == "dot":
            return None
        return (self.U_a if self.score == "additive" else self.W_a).shape[0]

    @property
    def decoder_units(self) -> int | None:
        """H_dec, the size of the query the weights expect (None for the dot score)."""
        return None if self.score == "dot" else self.W_a.shape[0 if self.score == "additive" else 1]

    def arrays(self) -> dict[str, np.ndarray]:
        """The weights the score uses, by name (``{}`` for dot): the keys of :class:`AttentionGradients`' fields."""
        return {name: getattr(self, name) for name in ("W_a", "U_a", "v_a") if getattr(self, name) is not None}


@dataclass(frozen=True)
class AttentionTrace:
    """What attention computed, for one decoder step or for all of them.

    From :func:`attention_forward` (one step) the shapes are those below; from
    :func:`attention_all_steps` every array has a decoder-step axis after the batch axis: ``scores``
    and ``alpha`` (B, T, S), ``context`` (B, T, H_enc), ``tanh_a`` (B, T, S, A).

    Attributes
    ----------
    scores : (batch, encoder steps), (B, S)
        The scores ``e_s``, computed at every step (the mask acts in the softmax only).
    alpha : (batch, encoder steps), (B, S)
        Attention weights ``α_s``: ≥ 0, each row sums to 1, exactly 0 at padded steps.
    context : (batch, encoder units), (B, H_enc)
        ``Σ_s α_s h̄_s``.
    tanh_a : (batch, encoder steps, attention units), (B, S, A), or None
        ``tanh(q W_a + h̄_s U_a)``, the additive score's hidden layer (None for dot and general).
    """

    scores: np.ndarray
    alpha: np.ndarray
    context: np.ndarray
    tanh_a: np.ndarray | None = None


@dataclass(frozen=True)
class AttentionGradients:
    """Gradients of a loss with respect to everything :func:`attention_forward` used.

    Attributes
    ----------
    dencoder_states : (batch, encoder steps, encoder units)
        ∂L/∂h̄_s for every encoder step (0 at padded steps).
    dquery : (batch, decoder units)
        ∂L/∂q.
    dW_a, dU_a, dv_a : as the weights, or None
        δW_a, δU_a, δv_a for the weights the score uses (None for the others).
    """

    dencoder_states: np.ndarray
    dquery: np.ndarray
    dW_a: np.ndarray | None = None
    dU_a: np.ndarray | None = None
    dv_a: np.ndarray | None = None


def init_attention(score: str, encoder_units: int, decoder_units: int, rng: np.random.Generator,
                   attention_units: int | None = None, scale: float = 1.0) -> AttentionWeights:
    """Random weights for a score: normal with standard deviation ``scale / sqrt(fan_in)``.

    Parameters
    ----------
    score : str
        ``"additive"``, ``"dot"`` or ``"general"``.
    encoder_units, decoder_units : int
        H_enc and H_dec, both ``>= 1``; equal for the dot score, which compares the two directly.
    rng : numpy.random.Generator
    attention_units : int, optional
        A, the additive score's hidden units (``>= 1``; default ``decoder_units``). Only for the
        additive score.
    scale : float, default 1.0
        ``>= 0``.

    Returns
    -------
    weights : AttentionWeights
        float64.

    Raises
    ------
    ValueError
        If ``score`` is unknown, a size is not an integer ``>= 1``, the dot score gets different
        sizes, ``attention_units`` is given for a score without a hidden layer, or ``scale`` is
        negative or not finite.
    TypeError
        If ``rng`` is not a Generator or ``scale`` is not a real number.

    Examples
    --------
    >>> init_attention("additive", 4, 3, np.random.default_rng(0), attention_units=5).W_a.shape
    (3, 5)
    """
    if not isinstance(score, str) or score not in SCORES:
        raise ValueError(f"score must be one of {', '.join(map(repr, SCORES))}; got {score!r}")
    encoder_units = check_int("encoder_units", encoder_units, minimum=1)
    decoder_units = check_int("decoder_units", decoder_units, minimum=1)
    check_generator(rng)
    scale = check_real("scale", scale, minimum=0.0)
    if score != "additive" and attention_units is not None:
        raise ValueError(f"attention_units is only used by the additive score, got {attention_units!r} "
                         f"for the {score} score")
    if score == "dot":
        if encoder_units != decoder_units:
            raise ValueError(f"the dot score needs encoder_units == decoder_units, got {encoder_units} "
                             f"and {decoder_units}")
        return AttentionWeights("dot")
    if score == "general":
        return AttentionWeights("general", W_a=rng.normal(0.0, scale / np.sqrt(decoder_units),
                                                          size=(encoder_units, decoder_units)))
    units = decoder_units if attention_units is None else check_int("attention_units", attention_units, minimum=1)
    return AttentionWeights(
        "additive",
        W_a=rng.normal(0.0, scale / np.sqrt(decoder_units), size=(decoder_units, units)),
        U_a=rng.normal(0.0, scale / np.sqrt(encoder_units), size=(encoder_units, units)),
        v_a=rng.normal(0.0, scale / np.sqrt(units), size=units),
    )


# --- input checks --------------------------------------------------------------------------------


def _check_weights(weights: object) -> None:
    if not isinstance(weights, AttentionWeights):
        raise ArgumentTypeError(f"weights must be AttentionWeights, got {type(weights).__name__}")


def _check_encoder_states(encoder_states: object, weights: AttentionWeights) -> np.ndarray:
    array = check_floats("encoder_states", encoder_states, allow_nonfinite=True)
    if array.ndim != 3 or 0 in array.shape:
        raise ValueError(f"encoder_states must have shape (batch, encoder steps, encoder units) with no "
                         f"empty axis, got {array.shape}")
    units = weights.encoder_units
    if units is not None and array.shape[2] != units:
        raise ValueError(f"encoder_states must have {units} encoder units (the {weights.score} score's weights "
                         f"expect {units}), got {array.shape[2]}")
    check_finite("encoder_states", array)
    return array


def _check_queries(name: str, queries: object, batch: int, encoder_units: int, weights: AttentionWeights,
                   with_steps: bool) -> np.ndarray:
    """``query`` (B, H_dec), or ``queries`` (B, T, H_dec) when ``with_steps``."""
    array = check_floats(name, queries, allow_nonfinite=True)
    layout = "(batch, decoder steps, decoder units)" if with_steps else "(batch, decoder units)"
    if array.ndim != (3 if with_steps else 2) or 0 in array.shape:
        raise ValueError(f"{name} must have shape {layout} with no empty axis, got {array.shape}")
    if array.shape[0] != batch:
        raise ValueError(f"{name} must have the batch size of encoder_states, {batch}, got {array.shape[0]}")
    units = encoder_units if weights.score == "dot" else weights.decoder_units
    if array.shape[-1] != units:
        why = "the dot score compares it with encoder states of" if weights.score == "dot" else \
            f"the {weights.score} score's W_a expects"
        raise ValueError(f"{name} must have {units} decoder units ({why} {units}), got {array.shape[-1]}")
    check_finite(name, array)
    return array


def _check_mask(mask: object, shape: tuple[int, int]) -> np.ndarray | None:
    """``None``, or ``mask`` as a bool array of ``shape`` (B, S) with a valid step in every row."""
    if mask is None:
        return None
    array = np.asarray(mask)
    if array.dtype != bool:
        if not np.issubdtype(array.dtype, np.integer) or not np.isin(array, (0, 1)).all():
            raise ArgumentTypeError(f"mask must hold booleans (or 0/1 integers), got dtype {array.dtype}"
                                    + ("" if not np.issubdtype(array.dtype, np.integer) else
                                       f" with values {np.unique(array)[:5].tolist()}"))
        array = array.astype(bool)
    if array.shape != shape:
        raise ValueError(f"mask must have shape (batch, encoder steps) = {shape}, got {array.shape}")
    empty = np.flatnonzero(~array.any(axis=-1))
    if empty.size:
        raise ValueError(f"mask must mark at least one valid encoder step in every row, got none in rows "
                         f"{empty[:10].tolist()}")
    return array


# --- forward -------------------------------------------------------------------------------------


def _softmax(scores: np.ndarray, mask: np.ndarray | None) -> np.ndarray:
    """Softmax over the last axis; where ``mask`` (broadcastable) is False the weight is exactly 0."""
    masked = scores if mask is None else np.where(mask, scores, -np.inf)
    exp = np.exp(masked - masked.max(axis=-1, keepdims=True))  # exp(−inf) = 0 at padded steps
    return exp / exp.sum(axis=-1, keepdims=True)


def masked_softmax(scores: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
    """Softmax over the last axis, with weight exactly 0 where ``mask`` is False.

    ``α_s = exp(e_s − m) / Σ_{s' valid} exp(e_{s'} − m)`` with ``m`` the largest valid score, so no
    ``exp`` overflows; the padded steps' scores are replaced by −∞ before the ``exp``, whatever
    they are.

    Parameters
    ----------
    scores : array_like of float, shape (..., steps)
        Finite; at least one axis, the last non-empty.
    mask : array_like of bool, same shape as ``scores``, optional
        True at the steps to attend to (0/1 integers are accepted); every row needs one. None: all.

    Returns
    -------
    alpha : ndarray, shape of ``scores``
        ≥ 0, each row sums to 1. float32 stays float32, integers become float64.

    Raises
    ------
    TypeError
        If ``scores`` is not real numbers, or ``mask`` is neither booleans nor 0/1 integers.
    ValueError
        If ``scores`` is a scalar, has an empty last axis or holds nan/inf, or ``mask`` has another
        shape or a row with no True.

    Examples
    --------
    >>> masked_softmax(np.array([[0.0, 0.0, 5.0]]), mask=np.array([[True, True, False]])).tolist()
    [[0.5, 0.5, 0.0]]
    """
    scores = check_floats("scores", scores, allow_nonfinite=True)
    if scores.ndim == 0 or scores.shape[-1] == 0:
        raise ValueError(f"scores must have shape (..., steps) with at least one step, got {scores.shape}")
    check_finite("scores", scores)
    if mask is not None:
        array = np.asarray(mask)
        if array.shape != scores.shape:
            raise ValueError(f"mask must have the shape of scores, {scores.shape}, got {array.shape}")
        mask = _check_mask(array.reshape(-1, scores.shape[-1]), (scores[..., 0].size, scores.shape[-1]))
        mask = mask.reshape(scores.shape)
    return _softmax(scores, mask)


def _attend(encoder_states: np.ndarray, queries: np.ndarray, weights: AttentionWeights,
            mask: np.ndarray | None) -> AttentionTrace:
    """Attention for queries (B, T, H_dec) at once; the arrays of the trace have the T axis."""
    dtype = np.result_type(encoder_states, queries, *weights.arrays().values())
    h_bar, q = encoder_states.astype(dtype, copy=False), queries.astype(dtype, copy=False)
    tanh_a = None
    if weights.score == "dot":
        scores = q @ h_bar.transpose(0, 2, 1)  # (B, T, S): e_{t,s} = h̄_s · q_t
    elif weights.score == "general":
        W_a = weights.W_a.astype(dtype, copy=False)
        scores = (q @ W_a.T) @ h_bar.transpose(0, 2, 1)  # (B, T, S): e_{t,s} = h̄_s W_a q_tᵀ
    else:
        W_a, U_a, v_a = (w.astype(dtype, copy=False) for w in (weights.W_a, weights.U_a, weights.v_a))
        keys = h_bar @ U_a  # (B, S, A): h̄_s U_a, once for every decoder step
        a = (q @ W_a)[:, :, None, :] + keys[:, None, :, :]  # (B, T, S, A): a_{t,s} = q_t W_a + h̄_s U_a
        tanh_a = np.tanh(a)
        scores = tanh_a @ v_a  # (B, T, S)
    alpha = _softmax(scores, None if mask is None else mask[:, None, :])  # (B, T, S)
    context = alpha @ h_bar  # (B, T, H_enc): Σ_s α_{t,s} h̄_s
    return AttentionTrace(scores=scores, alpha=alpha, context=context, tanh_a=tanh_a)


def attention_forward(encoder_states: np.ndarray, query: np.ndarray, weights: AttentionWeights,
                      mask: np.ndarray | None = None) -> AttentionTrace:
    """Attention for one decoder step: scores, weights α over the encoder steps, and the context.

    Parameters
    ----------
    encoder_states : array_like, shape (batch, encoder steps, encoder units)
        The encoder's states ``h̄_1 … h̄_S``, (B, S, H_enc); finite. float32 stays float32 if
        everything else is float32, integers become float64.
    query : array_like, shape (batch, decoder units)
        The decoder's query ``q``, (B, H_dec); which decoder state it is, is the caller's choice
        (see the module docstring). For the dot score H_dec = H_enc.
    weights : AttentionWeights
        The score and its weights.
    mask : array_like of bool, shape (batch, encoder steps), optional
        True at valid encoder steps, False at padding (0/1 integers are accepted); every row
        needs a valid step. None: all steps are valid.

    Returns
    -------
    trace : AttentionTrace
        ``scores`` and ``alpha`` (B, S), ``context`` (B, H_enc), ``tanh_a`` (B, S, A) for the
        additive score; the input of :func:`attention_backward`.

    Raises
    ------
    TypeError
        If ``weights`` is not AttentionWeights, an array is not real numbers, or ``mask`` is not
        booleans or 0/1 integers.
    ValueError
        If a shape does not match the others or the weights, an array holds nan/inf, or a row of
        ``mask`` has no valid step.

    Examples
    --------
    >>> weights = init_attention("additive", 4, 3, np.random.default_rng(0))
    >>> trace = attention_forward(np.ones((2, 5, 4)), np.ones((2, 3)), weights)
    >>> trace.alpha.shape, trace.context.shape
    ((2, 5), (2, 4))
    """
    _check_weights(weights)
    encoder_states = _check_encoder_states(encoder_states, weights)
    batch, steps, encoder_units = encoder_states.shape  # B, S, H_enc
    query = _check_queries("query", query, batch, encoder_units, weights, with_steps=False)
    mask = _check_mask(mask, (batch, steps))
    trace = _attend(encoder_states, query[:, None, :], weights, mask)  # a decoder-step axis of length 1
    return AttentionTrace(*(None if array is None else array[:, 0] for array in vars(trace).values()))


def attention_all_steps(encoder_states: np.ndarray, queries: np.ndarray, weights: AttentionWeights,
                        mask: np.ndarray | None = None) -> AttentionTrace:
    """Attention for every decoder step at once, given all the queries: for heat maps of α.

    The result at ``[:, t]`` is :func:`attention_forward` with ``queries[:, t]``. This works when
    the queries do not depend on the contexts (teacher forcing, or a decoder already run); a
    decoder that feeds each context into its next step must call :func:`attention_forward` step by
    step.

    Parameters
    ----------
    encoder_states : array_like, shape (batch, encoder steps, encoder units)
        (B, S, H_enc), finite.
    queries : array_like, shape (batch, decoder steps, decoder units)
        (B, T, H_dec): the query of each decoder step.
    weights : AttentionWeights
    mask : array_like of bool, shape (batch, encoder steps), optional
        As for :func:`attention_forward`, the same for every decoder step.

    Returns
    -------
    trace : AttentionTrace
        ``alpha`` and ``scores`` (B, T, S): row ``alpha[b, t]`` is decoder step t's weights over
        the S encoder steps; ``context`` (B, T, H_enc); ``tanh_a`` (B, T, S, A) or None.

    Raises
    ------
    TypeError
        As :func:`attention_forward`.
    ValueError
        As :func:`attention_forward`, with ``queries`` named.

    Examples
    --------
    >>> weights = init_attention("dot", 4, 4, np.random.default_rng(0))
    >>> attention_all_steps(np.ones((2, 5, 4)), np.ones((2, 3, 4)), weights).alpha.shape
    (2, 3, 5)
    """
    _check_weights(weights)
    encoder_states = _check_encoder_states(encoder_states, weights)
    batch, steps, encoder_units = encoder_states.shape  # B, S, H_enc
    queries = _check_queries("queries", queries, batch, encoder_units, weights, with_steps=True)
    mask = _check_mask(mask, (batch, steps))
    return _attend(encoder_states, queries, weights, mask)


# --- backward ------------------------------------------------------------------------------------


def _check_upstream(name: str, value: object, shape: tuple[int, ...], layout: str) -> np.ndarray:
    array = check_floats(name, value, allow_nonfinite=True)
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {layout} = {shape}, got {array.shape}")
    check_finite(name, array)
    return array


def _check_attention_trace(trace: object, weights: AttentionWeights, batch: int, steps: int,
                           encoder_units: int) -> dict[str, np.ndarray]:
    if not isinstance(trace, AttentionTrace):
        raise ArgumentTypeError(f"trace must be the AttentionTrace that attention_forward returned, "
                                f"got {type(trace).__name__}")
    expected = {"scores": ((batch, steps), "(batch, encoder steps)"),
                "alpha": ((batch, steps), "(batch, encoder steps)"),
                "context": ((batch, encoder_units), "(batch, encoder units)")}
    if weights.score == "additive":
        expected["tanh_a"] = ((batch, steps, weights.v_a.size), "(batch, encoder steps, attention units)")
    elif trace.tanh_a is not None:
        raise ValueError(f"trace.tanh_a must be None for the {weights.score} score, got an array of shape "
                         f"{np.shape(trace.tanh_a)}: was the trace made with other weights?")
    if weights.score == "additive" and trace.tanh_a is None:
        raise ValueError("trace.tanh_a must be the additive score's hidden layer, got None: "
                         "was the trace made with other weights?")
    return {name: _check_upstream(f"trace.{name}", getattr(trace, name), shape, layout)
            for name, (shape, layout) in expected.items()}


def attention_backward(encoder_states: np.ndarray, query: np.ndarray, weights: AttentionWeights,
                       trace: AttentionTrace, dcontext: np.ndarray,
                       dalpha: np.ndarray | None = None) -> AttentionGradients:
    """Gradients of one attention step, :func:`attention_forward`, by the chain rule.

    With ``δcontext = ∂L/∂context`` (and ``∂L/∂α_s`` if the loss reads the weights too, e.g. a
    penalty on the alignment), going backwards through the equations of the module docstring:

        δα_s = δcontext · h̄_s + ∂L/∂α_s                        through context = Σ_s α_s h̄_s
        δe_s = α_s (δα_s − Σ_{s'} α_{s'} δα_{s'})              through the softmax (0 where α_s = 0)
        δh̄_s = α_s δcontext + (what the score passes back)
        dot:       δh̄_s += δe_s q,     δq = Σ_s δe_s h̄_s
        general:   u = q W_aᵀ,   δh̄_s += δe_s u,   δu = Σ_s δe_s h̄_s,   δq = δu W_a,   δW_a = Σ_batch δuᵀ q
        additive:  δa_s = δe_s v_a ⊙ (1 − tanh²(a_s)),   δv_a = Σ_batch Σ_s δe_s tanh(a_s),
                   δq = (Σ_s δa_s) W_aᵀ,   δW_a = Σ_batch qᵀ Σ_s δa_s,
                   δU_a = Σ_batch Σ_s h̄_sᵀ δa_s,   δh̄_s += δa_s U_aᵀ

    A padded step has ``α_s = 0``, hence ``δe_s = 0`` and ``δh̄_s = 0``: the mask needs no
    argument here, the trace carries it. In the code, ``dscores`` holds ``δe``, ``da`` holds ``δa``.

    Parameters
    ----------
    encoder_states : array_like, shape (batch, encoder steps, encoder units)
    query : array_like, shape (batch, decoder units)
    weights : AttentionWeights
    trace : AttentionTrace
        :func:`attention_forward`'s result for these inputs (and mask).
    dcontext : array_like, shape (batch, encoder units)
        ∂L/∂context, finite.
    dalpha : array_like, shape (batch, encoder steps), optional
        ∂L/∂α when the loss also reads the weights directly; zeros if omitted.

    Returns
    -------
    gradients : AttentionGradients
        ``dencoder_states`` (B, S, H_enc), ``dquery`` (B, H_dec), and ``dW_a``, ``dU_a``, ``dv_a``
        for the weights the score uses; in the common float type of the inputs.

    Raises
    ------
    TypeError
        If ``weights`` is not AttentionWeights, ``trace`` not an AttentionTrace, or an array not
        real numbers.
    ValueError
        If a shape does not match, or an input holds nan/inf.

    Examples
    --------
    >>> weights = init_attention("general", 4, 3, np.random.default_rng(0))
    >>> h_bar, q = np.ones((2, 5, 4)), np.ones((2, 3))
    >>> trace = attention_forward(h_bar, q, weights)
    >>> attention_backward(h_bar, q, weights, trace, dcontext=np.ones((2, 4))).dW_a.shape
    (4, 3)
    """
    _check_weights(weights)
    encoder_states = _check_encoder_states(encoder_states, weights)
    batch, steps, encoder_units = encoder_states.shape  # B, S, H_enc
    query = _check_queries("query", query, batch, encoder_units, weights, with_steps=False)
    arrays = _check_attention_trace(trace, weights, batch, steps, encoder_units)
    dcontext = _check_upstream("dcontext", dcontext, (batch, encoder_units), "(batch, encoder units)")
    if dalpha is not None:
        dalpha = _check_upstream("dalpha", dalpha, (batch, steps), "(batch, encoder steps)")
    dtype = np.result_type(encoder_states, query, dcontext, *weights.arrays().values(), *arrays.values(),
                           *(() if dalpha is None else (dalpha,)))
    h_bar, q, dcontext = (array.astype(dtype, copy=False) for array in (encoder_states, query, dcontext))
    alpha = arrays["alpha"].astype(dtype, copy=False)  # (B, S)
    dalpha_total = np.einsum("bh,bsh->bs", dcontext, h_bar)  # (B, S): δα_s = δcontext · h̄_s
    if dalpha is not None:
        dalpha_total = dalpha_total + dalpha
    dscores = alpha * (dalpha_total - (alpha * dalpha_total).sum(axis=1, keepdims=True))  # (B, S): δe_s
    dh_bar = alpha[:, :, None] * dcontext[:, None, :]  # (B, S, H_enc): α_s δcontext
    gradients: dict[str, np.ndarray] = {}
    if weights.score == "dot":
        dh_bar += dscores[:, :, None] * q[:, None, :]  # δe_s q
        dquery = np.einsum("bs,bsh->bh", dscores, h_bar)  # Σ_s δe_s h̄_s
    elif weights.score == "general":
        W_a = weights.W_a.astype(dtype, copy=False)
        u = q @ W_a.T  # (B, H_enc)
        dh_bar += dscores[:, :, None] * u[:, None, :]  # δe_s u
        du = np.einsum("bs,bsh->bh", dscores, h_bar)  # (B, H_enc): Σ_s δe_s h̄_s
        dquery = du @ W_a  # (B, H_dec)
        gradients["dW_a"] = du.T @ q  # (H_enc, H_dec)
    else:
        W_a, U_a, v_a = (w.astype(dtype, copy=False) for w in (weights.W_a, weights.U_a, weights.v_a))
        tanh_a = arrays["tanh_a"].astype(dtype, copy=False)  # (B, S, A)
        da = dscores[:, :, None] * v_a * (1.0 - tanh_a**2)  # (B, S, A): δa_s
        da_summed = da.sum(axis=1)  # (B, A): Σ_s δa_s, what reaches q W_a
        dquery = da_summed @ W_a.T  # (B, H_dec)
        dh_bar += da @ U_a.T  # δa_s U_aᵀ
        gradients["dW_a"] = q.T @ da_summed  # (H_dec, A)
        gradients["dU_a"] = np.einsum("bsh,bsa->ha", h_bar, da)  # (H_enc, A): Σ_batch Σ_s h̄_sᵀ δa_s
        gradients["dv_a"] = np.einsum("bs,bsa->a", dscores, tanh_a)  # (A,): Σ_batch Σ_s δe_s tanh(a_s)
    return AttentionGradients(dencoder_states=dh_bar, dquery=dquery, **gradients)
