"""Tests of lstm_helpers.attention: the equations, gradient checks, properties (hypothesis) and input checks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers import attention
from lstm_helpers.attention import (
    AttentionGradients,
    AttentionTrace,
    AttentionWeights,
    attention_all_steps,
    attention_backward,
    attention_forward,
    init_attention,
    masked_softmax,
)
from lstm_helpers.gradcheck import gradcheck

SHAPES = [(1, 1, 1, 1), (1, 4, 3, 2), (3, 1, 2, 4), (2, 6, 4, 3)]  # batch, encoder steps, encoder units, decoder units


def make_case(score, batch, steps, encoder_units, decoder_units, seed, masked=False, attention_units=3):
    """Weights, encoder states, query and a mask (or None) drawn from a seeded generator, float64."""
    rng = np.random.default_rng(seed)
    if score == "dot":
        decoder_units = encoder_units
    weights = init_attention(score, encoder_units, decoder_units, rng, scale=1.5,
                             attention_units=attention_units if score == "additive" else None)
    encoder_states = rng.normal(size=(batch, steps, encoder_units))
    query = rng.normal(size=(batch, decoder_units))
    mask = None
    if masked:
        mask = rng.random((batch, steps)) < 0.6
        mask[np.arange(batch), rng.integers(0, steps, size=batch)] = True  # a valid step in every row
    return weights, encoder_states, query, mask


def reference_attention(weights, encoder_states, query, mask):
    """The module docstring's equations, one sample and one encoder step at a time."""
    batch, steps, _ = encoder_states.shape
    alpha = np.zeros((batch, steps))
    context = np.zeros((batch, encoder_states.shape[2]))
    for b in range(batch):
        scores = []
        for s in range(steps):
            h_bar, q = encoder_states[b, s], query[b]
            if weights.score == "dot":
                scores.append(float(h_bar @ q))
            elif weights.score == "general":
                scores.append(float(h_bar @ weights.W_a @ q))
            else:
                scores.append(float(np.tanh(q @ weights.W_a + h_bar @ weights.U_a) @ weights.v_a))
        valid = [s for s in range(steps) if mask is None or mask[b, s]]
        total = sum(np.exp(scores[s]) for s in valid)
        for s in valid:
            alpha[b, s] = np.exp(scores[s]) / total
            context[b] += alpha[b, s] * encoder_states[b, s]
    return alpha, context


def gradients_as_dict(gradients, weights):
    return {"encoder_states": gradients.dencoder_states, "query": gradients.dquery,
            **{name: getattr(gradients, "d" + name) for name in weights.arrays()}}


def check_gradients(weights, encoder_states, query, mask, seed):
    """Relative errors of attention_backward against central differences, for a random linear loss."""
    rng = np.random.default_rng(seed + 1)
    dcontext = rng.normal(size=(query.shape[0], encoder_states.shape[2]))
    dalpha = rng.normal(size=encoder_states.shape[:2])

    def loss(params):
        w = AttentionWeights(weights.score, **{name: params[name] for name in weights.arrays()})
        trace = attention_forward(params["encoder_states"], params["query"], w, mask)
        return float((trace.context * dcontext).sum() + (trace.alpha * dalpha).sum())

    trace = attention_forward(encoder_states, query, weights, mask)
    gradients = attention_backward(encoder_states, query, weights, trace, dcontext, dalpha)
    assert isinstance(gradients, AttentionGradients)
    params = {"encoder_states": encoder_states, "query": query, **weights.arrays()}
    return gradcheck(loss, params, gradients_as_dict(gradients, weights))


# --- forward --------------------------------------------------------------------------------------


@pytest.mark.parametrize("score", attention.SCORES)
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("batch, steps, encoder_units, decoder_units", SHAPES)
def test_forward_follows_the_equations(score, masked, batch, steps, encoder_units, decoder_units):
    weights, encoder_states, query, mask = make_case(score, batch, steps, encoder_units, decoder_units, 7, masked)
    trace = attention_forward(encoder_states, query, weights, mask)
    alpha, context = reference_attention(weights, encoder_states, query, mask)
    np.testing.assert_allclose(trace.alpha, alpha, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(trace.context, context, rtol=1e-12, atol=1e-14)
    assert (trace.tanh_a is None) == (score != "additive")


def test_additive_score_uses_the_query_through_W_a_only():
    """e_s = tanh(q W_a + h̄_s U_a) v_a: with W_a = 0 the query has no effect, with U_a = 0 the weights are uniform."""
    weights, encoder_states, query, _ = make_case("additive", 2, 5, 3, 4, 0)
    no_query = AttentionWeights("additive", np.zeros_like(weights.W_a), weights.U_a, weights.v_a)
    np.testing.assert_allclose(attention_forward(encoder_states, query, no_query).alpha,
                               attention_forward(encoder_states, -3 * query, no_query).alpha, rtol=1e-14)
    no_keys = AttentionWeights("additive", weights.W_a, np.zeros_like(weights.U_a), weights.v_a)
    np.testing.assert_allclose(attention_forward(encoder_states, query, no_keys).alpha, np.full((2, 5), 0.2))


def test_padded_steps_get_exactly_zero_weight_whatever_their_states():
    weights, encoder_states, query, _ = make_case("dot", 2, 4, 3, 3, 1)
    mask = np.array([[True, True, False, False], [True, False, True, False]])
    huge = encoder_states.copy()
    huge[~mask] = 1e6  # would dominate any softmax that saw them
    trace = attention_forward(huge, query, weights, mask)
    assert (trace.alpha[~mask] == 0).all()
    np.testing.assert_allclose(trace.context, attention_forward(encoder_states, query, weights, mask).context)
    gradients = attention_backward(huge, query, weights, trace, np.ones((2, 3)))
    assert (gradients.dencoder_states[~mask] == 0).all()


def test_mask_of_zeros_and_ones_equals_the_boolean_mask():
    weights, encoder_states, query, mask = make_case("general", 3, 5, 2, 4, 2, masked=True)
    np.testing.assert_array_equal(attention_forward(encoder_states, query, weights, mask.astype(int)).alpha,
                                  attention_forward(encoder_states, query, weights, mask).alpha)


@pytest.mark.parametrize("score", attention.SCORES)
def test_float32_inputs_and_weights_stay_float32(score):
    weights, encoder_states, query, _ = make_case(score, 2, 3, 4, 4, 3)
    weights32 = AttentionWeights(score, **{k: v.astype(np.float32) for k, v in weights.arrays().items()})
    trace = attention_forward(encoder_states.astype(np.float32), query.astype(np.float32), weights32)
    assert trace.alpha.dtype == trace.context.dtype == np.float32
    gradients = attention_backward(encoder_states.astype(np.float32), query.astype(np.float32), weights32, trace,
                                   np.ones((2, 4), np.float32))
    assert all(g.dtype == np.float32 for g in vars(gradients).values() if g is not None)


def test_masked_softmax_matches_a_softmax_over_the_valid_steps_only():
    scores = np.array([[1.0, 2.0, 3.0, 1000.0]])
    alpha = masked_softmax(scores, np.array([[True, True, True, False]]))
    expected = np.exp([1.0, 2.0, 3.0]) / np.exp([1.0, 2.0, 3.0]).sum()
    np.testing.assert_allclose(alpha[0, :3], expected, rtol=1e-14)
    assert alpha[0, 3] == 0.0


# --- backward: gradient checks --------------------------------------------------------------------


@pytest.mark.parametrize("score", attention.SCORES)
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("batch, steps, encoder_units, decoder_units", SHAPES)
def test_backward_passes_gradcheck(score, masked, batch, steps, encoder_units, decoder_units):
    weights, encoder_states, query, mask = make_case(score, batch, steps, encoder_units, decoder_units, 11, masked)
    errors = check_gradients(weights, encoder_states, query, mask, seed=11)
    assert max(errors.values()) < 1e-7, errors


def test_gradcheck_fails_for_a_wrong_softmax_backward():
    """The check can fail: dropping the −Σ α δα term of the softmax's backward is caught."""
    weights, encoder_states, query, _ = make_case("dot", 2, 4, 3, 3, 5)
    dcontext = np.random.default_rng(0).normal(size=(2, 3))
    trace = attention_forward(encoder_states, query, weights)
    dalpha = np.einsum("bh,bsh->bs", dcontext, encoder_states)
    wrong_dscores = trace.alpha * dalpha  # the mistake
    wrong_dquery = np.einsum("bs,bsh->bh", wrong_dscores, encoder_states)

    def loss(params):
        return float((attention_forward(encoder_states, params["query"], weights).context * dcontext).sum())

    assert gradcheck(loss, {"query": query}, {"query": wrong_dquery})["query"] > 1e-3


# --- all decoder steps at once --------------------------------------------------------------------


@pytest.mark.parametrize("score", attention.SCORES)
@pytest.mark.parametrize("masked", [False, True])
def test_all_steps_match_the_per_step_function(score, masked):
    weights, encoder_states, _, mask = make_case(score, 3, 5, 4, 2, 4, masked)
    queries = np.random.default_rng(9).normal(size=(3, 6, 4 if score == "dot" else 2))
    trace = attention_all_steps(encoder_states, queries, weights, mask)
    assert trace.alpha.shape == (3, 6, 5) and trace.context.shape == (3, 6, 4)
    for t in range(6):
        step = attention_forward(encoder_states, queries[:, t], weights, mask)
        np.testing.assert_allclose(trace.alpha[:, t], step.alpha, rtol=1e-13, atol=1e-16)
        np.testing.assert_allclose(trace.context[:, t], step.context, rtol=1e-13, atol=1e-15)
        np.testing.assert_allclose(trace.scores[:, t], step.scores, rtol=1e-13, atol=1e-15)


# --- init -----------------------------------------------------------------------------------------


def test_init_gives_the_shapes_of_each_score():
    rng = np.random.default_rng(0)
    additive = init_attention("additive", 4, 3, rng, attention_units=5)
    assert (additive.W_a.shape, additive.U_a.shape, additive.v_a.shape) == ((3, 5), (4, 5), (5,))
    assert init_attention("additive", 4, 3, rng).v_a.shape == (3,)  # A = decoder units by default
    assert init_attention("general", 4, 3, rng).W_a.shape == (4, 3)
    assert init_attention("dot", 4, 4, rng).arrays() == {}
    assert (additive.encoder_units, additive.decoder_units) == (4, 3)


# --- input checks ---------------------------------------------------------------------------------

W = np.ones((3, 2))


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(score="luong"), ValueError, r"^score must be one of 'additive', 'dot', 'general'; got 'luong'"),
    (dict(score="general"), ValueError, r"^W_a is needed by the general score, got None"),
    (dict(score="dot", W_a=W), ValueError, r"^W_a is not used by the dot score and must be None, got an array of shape \(3, 2\)"),
    (dict(score="general", W_a=W, v_a=np.ones(2)), ValueError, r"^v_a is not used by the general score"),
    (dict(score="general", W_a=np.ones(3)), ValueError, r"^W_a must have shape \(encoder units, decoder units\), got \(3,\)"),
    (dict(score="general", W_a=np.full((2, 2), np.nan)), ValueError, r"^W_a must be finite, got 4 nan/inf values of 4"),
    (dict(score="general", W_a="abc"), TypeError, r"^W_a must be an array of numbers, got a str"),
    (dict(score="additive", W_a=W, U_a=W, v_a=np.ones((2, 1))), ValueError, r"^v_a must have shape \(attention units,\), got \(2, 1\)"),
    (dict(score="additive", W_a=W, U_a=np.ones((4, 3)), v_a=np.ones(2)), ValueError,
     r"^U_a must have shape \(encoder units, attention units\) with 2 attention units \(the size of v_a\), got \(4, 3\)"),
    (dict(score="additive", W_a=W.astype(np.float32), U_a=W, v_a=np.ones(2)), TypeError, r"^W_a, U_a and v_a must have one float type"),
])
def test_weights_refuse_bad_arrays(kwargs, error, message):
    with pytest.raises(error, match=message):
        AttentionWeights(**kwargs)


@pytest.mark.parametrize("args, kwargs, error, message", [
    (("bahdanau", 2, 2), {}, ValueError, r"^score must be one of"),
    (("dot", 0, 2), {}, ValueError, r"^encoder_units must be an integer >= 1, got 0"),
    (("dot", 2, 2.5), {}, ValueError, r"^decoder_units must be an integer >= 1, got 2.5"),
    (("dot", 2, 3), {}, ValueError, r"^the dot score needs encoder_units == decoder_units, got 2 and 3"),
    (("general", 2, 3), dict(attention_units=4), ValueError, r"^attention_units is only used by the additive score, got 4"),
    (("additive", 2, 3), dict(attention_units=0), ValueError, r"^attention_units must be an integer >= 1, got 0"),
    (("additive", 2, 3), dict(scale=-1.0), ValueError, r"^scale must be >= 0.0, got -1.0"),
])
def test_init_refuses_bad_arguments(args, kwargs, error, message):
    with pytest.raises(error, match=message):
        init_attention(*args[:3], np.random.default_rng(0), **kwargs)


def test_init_refuses_a_seed_for_rng():
    with pytest.raises(TypeError, match=r"^rng must be a numpy.random.Generator, got 0"):
        init_attention("dot", 2, 2, 0)


GENERAL = AttentionWeights("general", W_a=np.ones((3, 2)))  # H_enc = 3, H_dec = 2
GOOD_STATES, GOOD_QUERY = np.ones((2, 4, 3)), np.ones((2, 2))


@pytest.mark.parametrize("weights, states, query, mask, error, message", [
    (np.ones(3), GOOD_STATES, GOOD_QUERY, None, TypeError, r"^weights must be AttentionWeights, got ndarray"),
    (GENERAL, np.ones((2, 3)), GOOD_QUERY, None, ValueError,
     r"^encoder_states must have shape \(batch, encoder steps, encoder units\) with no empty axis, got \(2, 3\)"),
    (GENERAL, np.ones((2, 0, 3)), GOOD_QUERY, None, ValueError, r"^encoder_states must have shape .* got \(2, 0, 3\)"),
    (GENERAL, np.ones((2, 4, 5)), GOOD_QUERY, None, ValueError,
     r"^encoder_states must have 3 encoder units \(the general score's weights expect 3\), got 5"),
    (GENERAL, np.full((2, 4, 3), np.inf), GOOD_QUERY, None, ValueError, r"^encoder_states must be finite, got 24 nan/inf"),
    (GENERAL, np.full((2, 4, 3), "a"), GOOD_QUERY, None, TypeError, r"^encoder_states must hold real numbers"),
    (GENERAL, GOOD_STATES, np.ones(2), None, ValueError, r"^query must have shape \(batch, decoder units\) .* got \(2,\)"),
    (GENERAL, GOOD_STATES, np.ones((3, 2)), None, ValueError, r"^query must have the batch size of encoder_states, 2, got 3"),
    (GENERAL, GOOD_STATES, np.ones((2, 3)), None, ValueError,
     r"^query must have 2 decoder units \(the general score's W_a expects 2\), got 3"),
    (AttentionWeights("dot"), GOOD_STATES, np.ones((2, 2)), None, ValueError,
     r"^query must have 3 decoder units \(the dot score compares it with encoder states of 3\), got 2"),
    (GENERAL, GOOD_STATES, np.array([[np.nan, 0.0]] * 2), None, ValueError, r"^query must be finite, got 2 nan/inf"),
    (GENERAL, GOOD_STATES, GOOD_QUERY, np.ones((2, 4)), TypeError, r"^mask must hold booleans \(or 0/1 integers\), got dtype float64"),
    (GENERAL, GOOD_STATES, GOOD_QUERY, np.full((2, 4), 2), TypeError, r"^mask must hold booleans .* with values \[2\]"),
    (GENERAL, GOOD_STATES, GOOD_QUERY, np.ones((2, 3), bool), ValueError,
     r"^mask must have shape \(batch, encoder steps\) = \(2, 4\), got \(2, 3\)"),
    (GENERAL, GOOD_STATES, GOOD_QUERY, np.array([[True] * 4, [False] * 4]), ValueError,
     r"^mask must mark at least one valid encoder step in every row, got none in rows \[1\]"),
])
def test_forward_refuses_bad_input(weights, states, query, mask, error, message):
    with pytest.raises(error, match=message):
        attention_forward(states, query, weights, mask)


def test_all_steps_names_queries_in_its_errors():
    with pytest.raises(ValueError, match=r"^queries must have shape \(batch, decoder steps, decoder units\)"):
        attention_all_steps(GOOD_STATES, GOOD_QUERY, GENERAL)
    with pytest.raises(ValueError, match=r"^queries must have 2 decoder units"):
        attention_all_steps(GOOD_STATES, np.ones((2, 5, 4)), GENERAL)


@pytest.mark.parametrize("scores, mask, error, message", [
    (3.0, None, ValueError, r"^scores must have shape \(\.\.\., steps\) with at least one step, got \(\)"),
    (np.ones((2, 0)), None, ValueError, r"^scores must have shape .* got \(2, 0\)"),
    (np.array([1.0, np.nan]), None, ValueError, r"^scores must be finite, got 1 nan/inf values of 2"),
    (np.ones((2, 3)), np.ones((3, 2), bool), ValueError, r"^mask must have the shape of scores, \(2, 3\), got \(3, 2\)"),
    (np.ones((2, 3)), np.zeros((2, 3), bool), ValueError, r"^mask must mark at least one valid encoder step"),
    (np.ones(3), np.ones(3), TypeError, r"^mask must hold booleans"),
])
def test_masked_softmax_refuses_bad_input(scores, mask, error, message):
    with pytest.raises(error, match=message):
        masked_softmax(scores, mask)


def test_backward_refuses_a_trace_that_does_not_fit():
    weights, encoder_states, query, _ = make_case("additive", 2, 4, 3, 2, 0)
    trace = attention_forward(encoder_states, query, weights)
    dcontext = np.ones((2, 3))
    with pytest.raises(TypeError, match=r"^trace must be the AttentionTrace that attention_forward returned, got dict"):
        attention_backward(encoder_states, query, weights, vars(trace), dcontext)
    with pytest.raises(ValueError, match=r"^trace.tanh_a must be the additive score's hidden layer, got None"):
        attention_backward(encoder_states, query, weights, AttentionTrace(trace.scores, trace.alpha, trace.context), dcontext)
    with pytest.raises(ValueError, match=r"^trace.tanh_a must be None for the dot score"):
        attention_backward(encoder_states, encoder_states[:, 0], AttentionWeights("dot"), trace, dcontext)
    with pytest.raises(ValueError, match=r"^trace.alpha must have shape \(batch, encoder steps\) = \(2, 4\), got \(2, 3\)"):
        attention_backward(encoder_states, query, weights,
                           AttentionTrace(trace.scores, trace.alpha[:, :3], trace.context, trace.tanh_a), dcontext)
    with pytest.raises(ValueError, match=r"^dcontext must have shape \(batch, encoder units\) = \(2, 3\), got \(2, 2\)"):
        attention_backward(encoder_states, query, weights, trace, np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"^dcontext must be finite, got 1 nan/inf values of 6"):
        attention_backward(encoder_states, query, weights, trace, np.where(np.eye(2, 3) * np.arange(6).reshape(2, 3) > 3, np.inf, 1.0))
    with pytest.raises(ValueError, match=r"^dalpha must have shape \(batch, encoder steps\) = \(2, 4\), got \(4,\)"):
        attention_backward(encoder_states, query, weights, trace, dcontext, dalpha=np.ones(4))


# --- properties (hypothesis) ----------------------------------------------------------------------


@st.composite
def cases(draw, masked=None):
    """(weights, encoder_states, query, mask) with drawn score, sizes 1 … 5, seed and mask."""
    score = draw(st.sampled_from(attention.SCORES))
    batch, steps = draw(st.integers(1, 3)), draw(st.integers(1, 5))
    encoder_units, decoder_units = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    with_mask = draw(st.booleans()) if masked is None else masked
    seed = draw(st.integers(0, 2**16))
    return make_case(score, batch, steps, encoder_units, decoder_units, seed, with_mask,
                     attention_units=draw(st.integers(1, 3)))


@given(case=cases())
def test_weights_are_a_distribution_over_valid_steps_and_the_context_lies_between_the_states(case):
    weights, encoder_states, query, mask = case
    trace = attention_forward(encoder_states, query, weights, mask)
    assert (trace.alpha >= 0).all()
    np.testing.assert_allclose(trace.alpha.sum(axis=1), 1.0, rtol=1e-12)
    if mask is not None:
        assert (trace.alpha[~mask] == 0).all()
    valid = np.ones(encoder_states.shape[:2], bool) if mask is None else mask
    low = np.where(valid[:, :, None], encoder_states, np.inf).min(axis=1)
    high = np.where(valid[:, :, None], encoder_states, -np.inf).max(axis=1)
    assert (trace.context >= low - 1e-12).all() and (trace.context <= high + 1e-12).all()


@given(case=cases(), seed=st.integers(0, 1000))
def test_permuting_the_encoder_steps_permutes_the_weights_and_keeps_the_context(case, seed):
    weights, encoder_states, query, mask = case
    order = np.random.default_rng(seed).permutation(encoder_states.shape[1])
    trace = attention_forward(encoder_states, query, weights, mask)
    permuted = attention_forward(encoder_states[:, order], query, weights, None if mask is None else mask[:, order])
    np.testing.assert_allclose(permuted.alpha, trace.alpha[:, order], rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(permuted.context, trace.context, rtol=1e-10, atol=1e-12)


@given(case=cases(), k=st.floats(0.25, 4.0))
def test_scaling_the_states_by_k_with_compensated_weights_scales_the_context_by_k(case, k):
    """The scores are unchanged when h̄ → k h̄ and the score's other factor is divided by k (U_a, W_a or q)."""
    weights, encoder_states, query, mask = case
    if weights.score == "dot":
        scaled_weights, scaled_query = weights, query / k
    elif weights.score == "general":
        scaled_weights, scaled_query = AttentionWeights("general", W_a=weights.W_a / k), query
    else:
        scaled_weights, scaled_query = AttentionWeights("additive", weights.W_a, weights.U_a / k, weights.v_a), query
    trace = attention_forward(encoder_states, query, weights, mask)
    scaled = attention_forward(k * encoder_states, scaled_query, scaled_weights, mask)
    np.testing.assert_allclose(scaled.alpha, trace.alpha, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(scaled.context, k * trace.context, rtol=1e-10, atol=1e-12)


@given(case=cases(), shift=st.floats(-3, 3))
def test_dot_and_general_weights_ignore_a_shift_of_every_state_and_the_context_shifts_with_it(case, shift):
    """Adding one vector d to every h̄_s adds d·q (or d W_a qᵀ) to every score of a row: softmax ignores it."""
    weights, encoder_states, query, mask = case
    if weights.score == "additive":
        return  # tanh is not linear: no such invariance
    d = shift * np.linspace(-1.0, 1.0, encoder_states.shape[2])
    trace = attention_forward(encoder_states, query, weights, mask)
    shifted = attention_forward(encoder_states + d, query, weights, mask)
    np.testing.assert_allclose(shifted.alpha, trace.alpha, rtol=1e-9, atol=1e-13)
    np.testing.assert_allclose(shifted.context, trace.context + d, rtol=1e-9, atol=1e-11)


@given(scores=st.lists(st.floats(-50, 50), min_size=1, max_size=6), shift=st.floats(-100, 100), data=st.data())
def test_masked_softmax_ignores_a_shift_and_equals_a_softmax_of_the_valid_scores(scores, shift, data):
    scores = np.array([scores])
    mask = np.array([data.draw(st.lists(st.booleans(), min_size=scores.size, max_size=scores.size))])
    mask[0, data.draw(st.integers(0, scores.size - 1))] = True
    alpha = masked_softmax(scores, mask)
    np.testing.assert_allclose(masked_softmax(scores + shift, mask), alpha, rtol=1e-9, atol=1e-300)
    valid = scores[mask]
    expected = np.exp(valid - valid.max()) / np.exp(valid - valid.max()).sum()
    np.testing.assert_allclose(alpha[mask], expected, rtol=1e-12)
    assert (alpha[~mask] == 0).all()


@settings(max_examples=15)
@given(case=cases())
def test_backward_passes_gradcheck_on_drawn_cases(case):
    weights, encoder_states, query, mask = case
    errors = check_gradients(weights, encoder_states, query, mask, seed=int(abs(encoder_states.sum()) * 100) % 1000)
    assert max(errors.values()) < 1e-7, errors


@given(case=cases(), a=st.floats(-3, 3), b=st.floats(-3, 3), seed=st.integers(0, 1000))
def test_backward_is_linear_in_the_upstream_gradients(case, a, b, seed):
    weights, encoder_states, query, mask = case
    rng = np.random.default_rng(seed)
    trace = attention_forward(encoder_states, query, weights, mask)
    upstream = [(rng.normal(size=trace.context.shape), rng.normal(size=trace.alpha.shape)) for _ in range(2)]
    first, second = (gradients_as_dict(attention_backward(encoder_states, query, weights, trace, dc, da), weights)
                     for dc, da in upstream)
    combined = gradients_as_dict(attention_backward(
        encoder_states, query, weights, trace,
        a * upstream[0][0] + b * upstream[1][0], a * upstream[0][1] + b * upstream[1][1]), weights)
    for name, value in combined.items():
        np.testing.assert_allclose(value, a * first[name] + b * second[name], rtol=1e-9, atol=1e-9)


@given(case=cases(), steps=st.integers(1, 4), seed=st.integers(0, 1000))
def test_all_steps_equal_the_per_step_function_and_no_input_is_changed(case, steps, seed):
    weights, encoder_states, query, mask = case
    queries = np.random.default_rng(seed).normal(size=(query.shape[0], steps, query.shape[1]))
    inputs = [encoder_states, query, queries, *weights.arrays().values(), *(() if mask is None else (mask,))]
    before = [array.copy() for array in inputs]
    trace = attention_all_steps(encoder_states, queries, weights, mask)
    for t in range(steps):
        np.testing.assert_allclose(trace.context[:, t], attention_forward(encoder_states, queries[:, t], weights,
                                                                          mask).context, rtol=1e-12, atol=1e-14)
    one = attention_forward(encoder_states, query, weights, mask)
    attention_backward(encoder_states, query, weights, one, np.ones_like(one.context), np.ones_like(one.alpha))
    for array, copy in zip(inputs, before):
        np.testing.assert_array_equal(array, copy)


@given(score=st.sampled_from(attention.SCORES), encoder_units=st.integers(1, 5), decoder_units=st.integers(1, 5),
       attention_units=st.none() | st.integers(1, 5), seed=st.integers(0, 100))
def test_init_gives_finite_float64_weights_that_fit_the_forward_pass(score, encoder_units, decoder_units,
                                                                     attention_units, seed):
    rng = np.random.default_rng(seed)
    if score == "dot":
        decoder_units = encoder_units
    weights = init_attention(score, encoder_units, decoder_units, rng,
                             attention_units=attention_units if score == "additive" else None)
    assert all(w.dtype == np.float64 and np.isfinite(w).all() for w in weights.arrays().values())
    trace = attention_forward(rng.normal(size=(2, 3, encoder_units)), rng.normal(size=(2, decoder_units)), weights)
    assert trace.context.shape == (2, encoder_units)
    if score == "additive":
        assert trace.tanh_a.shape == (2, 3, decoder_units if attention_units is None else attention_units)
