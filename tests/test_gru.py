"""Tests of lstm_helpers.gru: both GRU formulations against Keras, gradchecks, input checks."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import gru
from lstm_helpers.gradcheck import gradcheck

SHAPES = [(1, 1, 1, 1), (1, 7, 3, 5), (4, 1, 2, 3), (3, 9, 5, 4)]  # batch, steps, features, units


def float32_weights(features, units, rng, reset_after):
    drawn = gru.init_gru(features, units, rng, reset_after=reset_after, scale=1.5)
    return gru.GRUWeights(*(w.astype(np.float32) for w in (drawn.W_x, drawn.W_h, drawn.b)), reset_after=reset_after)


def keras_gru(keras, weights):
    layer = keras.layers.GRU(weights.units, return_sequences=True, reset_after=weights.reset_after)
    layer.build((None, None, weights.features))
    gru.to_keras(weights, layer)
    return layer


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("batch, steps, features, units", SHAPES)
def test_forward_matches_keras_gru(keras, reset_after, batch, steps, features, units):
    rng = np.random.default_rng(batch * 100 + steps)
    weights = float32_weights(features, units, rng, reset_after)
    x = rng.normal(size=(batch, steps, features)).astype(np.float32)
    expected = keras.ops.convert_to_numpy(keras_gru(keras, weights)(x))
    np.testing.assert_allclose(gru.gru_forward(x, weights).h, expected, atol=1e-5)


@pytest.mark.parametrize("reset_after", [True, False])
def test_backward_matches_keras_gradient_tape(keras, reset_after):
    import tensorflow as tf

    rng = np.random.default_rng(7)
    weights = float32_weights(3, 4, rng, reset_after)
    x = rng.normal(size=(2, 6, 3)).astype(np.float32)
    upstream = rng.normal(size=(2, 6, 4)).astype(np.float32)
    layer = keras_gru(keras, weights)
    inputs = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        loss = tf.reduce_sum(layer(inputs) * upstream)
    theirs = tape.gradient(loss, [*layer.trainable_variables, inputs])
    ours = gru.gru_backward(x, weights, gru.gru_forward(x, weights), upstream)
    for mine, other in zip((ours.dW_x, ours.dW_h, ours.db, ours.dx), theirs):
        np.testing.assert_allclose(mine, keras.ops.convert_to_numpy(other), atol=1e-5, rtol=1e-4)


@pytest.mark.parametrize("reset_after", [True, False])
@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("steps", [1, 5])
def test_backward_passes_gradcheck_for_every_parameter(reset_after, batch, steps):
    rng = np.random.default_rng(10 * batch + steps)
    weights = gru.init_gru(3, 4, rng, reset_after=reset_after, scale=1.0)
    x, h0, upstream = rng.normal(size=(batch, steps, 3)), rng.normal(size=(batch, 4)), rng.normal(size=(batch, steps, 4))

    def loss(p):
        w = gru.GRUWeights(p["W_x"], p["W_h"], p["b"], reset_after=reset_after)
        return float((gru.gru_forward(p["x"], w, p["h0"]).h * upstream).sum())

    g = gru.gru_backward(x, weights, gru.gru_forward(x, weights, h0), upstream, h0)
    errors = gradcheck(loss, {"W_x": weights.W_x, "W_h": weights.W_h, "b": weights.b, "x": x, "h0": h0},
                       {"W_x": g.dW_x, "W_h": g.dW_h, "b": g.db, "x": g.dx, "h0": g.dh0})
    assert max(errors.values()) < 1e-7, errors


def test_update_gate_one_keeps_the_state():
    weights = gru.GRUWeights(np.zeros((1, 3)), np.zeros((1, 3)), np.array([40.0, 0.0, 0.0]), reset_after=False)
    trace = gru.gru_forward(np.ones((1, 4, 1)), weights, h0=np.array([[0.7]]))
    np.testing.assert_allclose(trace.h[0, :, 0], 0.7, atol=1e-12)


@pytest.mark.parametrize("blocks, same", [(slice(0, 6), True), (slice(6, 9), False)])
def test_reset_after_gates_read_only_the_sum_of_their_two_biases(blocks, same):
    # Moving bias from b_h to b_x keeps z and r (b_xz + b_hz is what counts), not h~: r scales b_hh.
    rng = np.random.default_rng(5)
    weights = gru.init_gru(2, 3, rng, reset_after=True)
    x = rng.normal(size=(2, 4, 2))
    shift = np.zeros((2, 9))
    shift[0, blocks], shift[1, blocks] = 0.5, -0.5
    moved = gru.GRUWeights(weights.W_x, weights.W_h, weights.b + shift, reset_after=True)
    assert np.allclose(gru.gru_forward(x, moved).h, gru.gru_forward(x, weights).h, rtol=0, atol=1e-12) is same


@pytest.mark.parametrize("reset_after, params", [(True, 3 * 4 * (2 + 4 + 2)), (False, 3 * 4 * (2 + 4 + 1))])
def test_n_params_matches_keras(keras, reset_after, params):
    layer = keras.layers.GRU(4, reset_after=reset_after)
    layer.build((None, None, 2))
    assert gru.from_keras(layer).n_params() == layer.count_params() == params
    assert gru.from_keras(layer).reset_after is reset_after


@pytest.mark.parametrize(
    "W_x, W_h, b, reset_after, message",
    [
        (np.ones((2, 6)), np.ones((2, 4)), np.ones((2, 6)), True, r"W_h must have shape \(units, 3·units\), got \(2, 4\)"),
        (np.ones((2, 5)), np.ones((2, 6)), np.ones((2, 6)), True, r"W_x must have shape \(features, 6\) for 2 units"),
        (np.ones((2, 6)), np.ones((2, 6)), np.ones(6), True, r"b must have shape \(2, 6\) when reset_after=True, got \(6,\)"),
        (np.ones((2, 6)), np.ones((2, 6)), np.ones((2, 6)), False, r"b must have shape \(6,\) when reset_after=False"),
        (np.ones((2, 6)), np.full((2, 6), np.inf), np.ones(6), False, r"W_h must be finite"),
    ],
)
def test_weights_reject_inconsistent_shapes(W_x, W_h, b, reset_after, message):
    with pytest.raises(ValueError, match=message):
        gru.GRUWeights(W_x, W_h, b, reset_after=reset_after)


def test_forward_and_backward_reject_bad_input():
    weights = gru.init_gru(2, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"weights must be GRUWeights, got dict"):
        gru.gru_forward(np.ones((1, 1, 2)), {})
    with pytest.raises(ValueError, match=r"x must have 2 features"):
        gru.gru_forward(np.ones((1, 1, 3)), weights)
    trace = gru.gru_forward(np.ones((1, 2, 2)), weights)
    with pytest.raises(ValueError, match=r"dh must have shape \(batch, steps, units\) = \(1, 2, 3\), got \(1, 2, 4\)"):
        gru.gru_backward(np.ones((1, 2, 2)), weights, trace, np.ones((1, 2, 4)))
    with pytest.raises(ValueError, match=r"weights must be GRUWeights, got LSTMWeights"):
        from lstm_helpers import lstm

        gru.gru_backward(np.ones((1, 2, 2)), lstm.init_lstm(2, 3, np.random.default_rng(0)), trace, np.ones((1, 2, 3)))
    with pytest.raises(ValueError, match=r"units must be an integer >= 1, got 0"):
        gru.init_gru(2, 0, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"rng must be a numpy.random.Generator"):
        gru.init_gru(2, 3, None)


def test_keras_conversion_checks_the_formulation(keras):
    layer = keras.layers.GRU(3, reset_after=True)
    layer.build((None, None, 2))
    with pytest.raises(ValueError, match=r"layer reset_after must equal the weights' \(False\), got True"):
        gru.to_keras(gru.init_gru(2, 3, np.random.default_rng(0), reset_after=False), layer)
    with pytest.raises(ValueError, match=r"weights must match the layer's shapes kernel \(2, 9\)"):
        gru.to_keras(gru.init_gru(4, 3, np.random.default_rng(0)), layer)
    with pytest.raises(ValueError, match=r"layer must be a keras.layers.GRU, got LSTM"):
        gru.from_keras(keras.layers.LSTM(3))


# --- issue 14: a bad input raises an error naming the argument ("Before:" says what it did before) ---


def small_gru(reset_after=True):
    weights = gru.init_gru(2, 3, np.random.default_rng(0), reset_after=reset_after)
    x = np.random.default_rng(1).normal(size=(2, 4, 2))
    return weights, x, gru.gru_forward(x, weights)


@pytest.mark.parametrize("reset_after", [True, False])
def test_backward_refuses_nonfinite_dh_and_traces(reset_after):
    """Before: nan in dh or in the trace gave nan gradients."""
    weights, x, trace = small_gru(reset_after)
    dh = np.ones((2, 4, 3))
    dh[1, 2, 0] = np.nan
    with pytest.raises(ValueError, match=r"dh must be finite, got 1 nan/inf values of 24"):
        gru.gru_backward(x, weights, trace, dh)
    z = np.array(trace.z)
    z[0, 0, 0] = np.inf
    with pytest.raises(ValueError, match=r"trace.z must be finite, got 1 nan/inf values of 24"):
        gru.gru_backward(x, weights, gru.GRUTrace(trace.h, z, trace.r, trace.h_tilde), np.ones((2, 4, 3)))


def test_backward_refuses_object_dh_and_a_trace_of_another_layer():
    """Before: an object dh gave object-dtype gradients, an LSTMTrace an AttributeError."""
    from lstm_helpers import lstm

    weights, x, trace = small_gru()
    with pytest.raises(TypeError, match=r"dh must hold real numbers \(float or int\), got dtype object"):
        gru.gru_backward(x, weights, trace, np.ones((2, 4, 3), dtype=object))
    lstm_trace = lstm.lstm_forward(x, lstm.init_lstm(2, 3, np.random.default_rng(0)))
    with pytest.raises(TypeError, match=r"trace must be the GRUTrace that gru_forward returned, got LSTMTrace"):
        gru.gru_backward(x, weights, lstm_trace, np.ones((2, 4, 3)))


def test_backward_accepts_lists_and_keeps_one_float_type():
    weights, x, trace = small_gru()
    dh = np.random.default_rng(2).normal(size=(2, 4, 3))
    expected = gru.gru_backward(x, weights, trace, dh)
    got = gru.gru_backward(x.tolist(), weights, trace, dh.tolist())
    for name in ("dW_x", "dW_h", "db", "dx", "dh0"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name))
        assert getattr(got, name).dtype == np.float64


@pytest.mark.parametrize("h0, error, message", [
    (np.full((2, 3), 1j), TypeError, r"h0 must hold real numbers \(float or int\), got dtype complex128"),
    (np.full((2, 3), np.nan), ValueError, r"h0 must be finite, got 6 nan/inf values of 6"),
    (np.ones((3, 2)), ValueError, r"h0 must have shape \(batch, units\) = \(2, 3\), got \(3, 2\)"),
])
def test_forward_refuses_a_bad_initial_state(h0, error, message):
    weights, x, _ = small_gru()
    with pytest.raises(error, match=message):
        gru.gru_forward(x, weights, h0)


@pytest.mark.parametrize("make", [
    lambda: gru.init_gru(2, 3, np.random.default_rng(0), reset_after="no"),
    lambda: gru.GRUWeights(np.ones((2, 6)), np.ones((2, 6)), np.ones(6), reset_after=0),
])
def test_reset_after_must_be_a_bool(make):
    """Before: reset_after="no" (a true string) silently chose the reset_after=True formula."""
    with pytest.raises(TypeError, match=r"reset_after must be True or False, got"):
        make()


def test_weights_refuse_mixed_float_types_and_init_a_bad_scale():
    with pytest.raises(TypeError, match=r"W_x, W_h, b must have one float dtype, got W_x float32"):
        gru.GRUWeights(np.ones((2, 6), np.float32), np.ones((2, 6)), np.ones((2, 6)))
    with pytest.raises(ValueError, match=r"scale must be >= 0.0, got -0.5"):
        gru.init_gru(2, 3, np.random.default_rng(0), scale=-0.5)
    with pytest.raises(ValueError, match=r"units must be an integer >= 1, got 2.7"):
        gru.init_gru(2, 2.7, np.random.default_rng(0))


def test_to_keras_refuses_weights_of_another_layer(keras):
    from lstm_helpers import lstm

    layer = keras.layers.GRU(3)
    layer.build((None, None, 2))
    with pytest.raises(TypeError, match=r"weights must be GRUWeights, got LSTMWeights"):
        gru.to_keras(lstm.init_lstm(2, 3, np.random.default_rng(0)), layer)
