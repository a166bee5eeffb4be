"""Tests of lstm_helpers.rnn: the numpy SimpleRNN against Keras and against its equation."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import rnn

SHAPES = [(1, 1, 1, 1), (1, 7, 3, 5), (4, 1, 2, 3), (3, 9, 5, 4), (2, 13, 1, 8)]  # batch, steps, features, units


@pytest.mark.parametrize("batch, steps, features, units", SHAPES)
def test_forward_matches_keras_simple_rnn(keras, batch, steps, features, units):
    rng = np.random.default_rng(batch * 100 + steps)
    x = rng.normal(size=(batch, steps, features)).astype(np.float32)
    layer = keras.layers.SimpleRNN(units, return_sequences=True)
    layer.build((None, None, features))
    drawn = rnn.init_rnn(features, units, rng, scale=1.5)  # our random weights, not Keras's init
    weights = rnn.RNNWeights(*(w.astype(np.float32) for w in (drawn.W_x, drawn.W_h, rng.normal(size=units))))
    rnn.to_keras(weights, layer)
    expected = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(rnn.rnn_forward(x, weights), expected, atol=1e-5)


def test_from_keras_round_trips(keras):
    layer = keras.layers.SimpleRNN(3)
    layer(np.zeros((1, 2, 4), np.float32))
    weights = rnn.from_keras(layer)
    assert (weights.features, weights.units) == (4, 3)
    assert weights.n_params() == layer.count_params() == 3 * (4 + 3 + 1)


def test_forward_follows_the_equation_step_by_step():
    rng = np.random.default_rng(0)
    weights = rnn.init_rnn(2, 3, rng)
    x, h0 = rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 3))
    h = h0
    for t in range(4):
        h = np.tanh(x[:, t] @ weights.W_x + h @ weights.W_h + weights.b)  # two products, unfused
    np.testing.assert_allclose(rnn.rnn_forward(x, weights, h0)[:, -1], h, rtol=1e-12)


def test_forward_keeps_float64():
    weights = rnn.init_rnn(2, 3, np.random.default_rng(0))
    assert rnn.rnn_forward(np.ones((1, 2, 2)), weights).dtype == np.float64


@pytest.mark.parametrize(
    "x, h0, message",
    [
        (np.ones((2, 3)), None, r"x must have shape \(batch, steps, features\), got \(2, 3\)"),
        (np.ones((2, 3, 5)), None, r"x must have 2 features \(the weights' W_x has 2 rows\), got 5"),
        (np.array([[["a", "b"]]]), None, r"x must hold real numbers \(float or int\), got dtype <U1"),
        (np.full((1, 2, 2), np.nan), None, r"x must be finite, got 4 nan/inf values"),
        (np.ones((1, 0, 2)), None, r"x must have at least one sample and one step, got \(1, 0, 2\)"),
        (np.ones((2, 3, 2)), np.ones((2, 4)), r"h0 must have shape \(batch, units\) = \(2, 3\), got \(2, 4\)"),
        (np.ones((1, 3, 2)), np.array([[np.inf, 0, 0]]), r"h0 must be finite"),
    ],
)
def test_forward_rejects_bad_input(x, h0, message):
    weights = rnn.init_rnn(2, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match=message):
        rnn.rnn_forward(x, weights, h0)


def test_forward_rejects_wrong_weight_type():
    with pytest.raises(ValueError, match=r"weights must be RNNWeights, got dict"):
        rnn.rnn_forward(np.ones((1, 1, 1)), {})


@pytest.mark.parametrize(
    "W_x, W_h, b, message",
    [
        (np.ones((2, 3)), np.ones((3, 4)), np.ones(3), r"W_h must have shape \(units, 1·units\), got \(3, 4\)"),
        (np.ones((2, 4)), np.ones((3, 3)), np.ones(3), r"W_x must have shape \(features, 3\) for 3 units, got \(2, 4\)"),
        (np.ones((2, 3)), np.ones((3, 3)), np.ones(4), r"b must have shape \(3,\) for 3 units, got \(4,\)"),
        (np.ones((2, 3)), np.full((3, 3), np.nan), np.ones(3), r"W_h must be finite"),
    ],
)
def test_weights_reject_inconsistent_shapes(W_x, W_h, b, message):
    with pytest.raises(ValueError, match=message):
        rnn.RNNWeights(W_x, W_h, b)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"features": 0, "units": 3}, r"features must be an integer >= 1, got 0"),
        ({"features": 2, "units": 0}, r"units must be an integer >= 1, got 0"),
        ({"features": 2, "units": 3, "rng": 0}, r"rng must be a numpy.random.Generator, got 0"),
    ],
)
def test_init_rejects_bad_arguments(kwargs, message):
    kwargs.setdefault("rng", np.random.default_rng(0))
    with pytest.raises(ValueError, match=message):
        rnn.init_rnn(**kwargs)


def test_keras_conversion_refuses_other_layers(keras):
    unbuilt = keras.layers.SimpleRNN(3)
    relu = keras.layers.SimpleRNN(3, activation="relu")
    relu.build((None, None, 2))
    no_bias = keras.layers.SimpleRNN(3, use_bias=False)
    no_bias.build((None, None, 2))
    built = keras.layers.SimpleRNN(3)
    built.build((None, None, 2))
    with pytest.raises(ValueError, match=r"layer must be a keras.layers.SimpleRNN, got LSTM"):
        rnn.from_keras(keras.layers.LSTM(3))
    with pytest.raises(ValueError, match=r"layer must be built"):
        rnn.from_keras(unbuilt)
    with pytest.raises(ValueError, match=r"layer activation must be tanh, got relu"):
        rnn.from_keras(relu)
    with pytest.raises(ValueError, match=r"layer must use a bias"):
        rnn.from_keras(no_bias)
    with pytest.raises(ValueError, match=r"weights must match the layer's shapes kernel \(2, 3\)"):
        rnn.to_keras(rnn.init_rnn(5, 3, np.random.default_rng(0)), built)


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("steps", [1, 5])
def test_backward_passes_gradcheck_for_every_parameter(batch, steps):
    from lstm_helpers.gradcheck import gradcheck

    rng = np.random.default_rng(10 * batch + steps)
    weights = rnn.init_rnn(3, 4, rng, scale=1.0)
    weights = rnn.RNNWeights(weights.W_x, weights.W_h, rng.normal(size=4))
    x, h0 = rng.normal(size=(batch, steps, 3)), rng.normal(size=(batch, 4))
    upstream = rng.normal(size=(batch, steps, 4))

    def loss(p):
        return float((rnn.rnn_forward(p["x"], rnn.RNNWeights(p["W_x"], p["W_h"], p["b"]), p["h0"]) * upstream).sum())

    grads = rnn.rnn_backward(x, weights, rnn.rnn_forward(x, weights, h0), upstream, h0)
    params = {"W_x": weights.W_x, "W_h": weights.W_h, "b": weights.b, "x": x, "h0": h0}
    analytic = {"W_x": grads.dW_x, "W_h": grads.dW_h, "b": grads.db, "x": grads.dx, "h0": grads.dh0}
    errors = gradcheck(loss, params, analytic)
    assert max(errors.values()) < 1e-7, errors


def test_backward_rejects_mismatched_shapes():
    weights = rnn.init_rnn(2, 3, np.random.default_rng(0))
    x = np.ones((2, 4, 2))
    h = rnn.rnn_forward(x, weights)
    with pytest.raises(ValueError, match=r"dh must have shape \(batch, steps, units\) = \(2, 4, 3\), got \(2, 3, 3\)"):
        rnn.rnn_backward(x, weights, h, np.ones((2, 3, 3)))
    with pytest.raises(ValueError, match=r"h must have shape .* got \(2, 4\)"):
        rnn.rnn_backward(x, weights, h[:, :, 0], np.ones((2, 4, 3)))
    with pytest.raises(ValueError, match=r"weights must be RNNWeights, got LSTMWeights"):
        from lstm_helpers import lstm

        rnn.rnn_backward(x, lstm.init_lstm(2, 3, np.random.default_rng(0)), h, np.ones((2, 4, 3)))


# --- issue 14: a bad input raises an error naming the argument ("Before:" says what it did before) ---


def small_rnn():
    weights = rnn.init_rnn(2, 3, np.random.default_rng(0))
    x = np.random.default_rng(1).normal(size=(2, 4, 2))
    return weights, x, rnn.rnn_forward(x, weights)


@pytest.mark.parametrize("name", ["h", "dh"])
def test_backward_refuses_nonfinite_h_and_dh(name):
    """Before: nan in h or dh gave nan gradients."""
    weights, x, h = small_rnn()
    arrays = {"h": h.copy(), "dh": np.ones((2, 4, 3))}
    arrays[name][0, 3, 1] = np.nan
    with pytest.raises(ValueError, match=rf"^{name} must be finite, got 1 nan/inf values of 24"):
        rnn.rnn_backward(x, weights, arrays["h"], arrays["dh"])


def test_backward_refuses_wrong_dtypes_and_accepts_lists():
    weights, x, h = small_rnn()
    with pytest.raises(TypeError, match=r"dh must hold real numbers \(float or int\), got dtype object"):
        rnn.rnn_backward(x, weights, h, np.ones((2, 4, 3), dtype=object))
    with pytest.raises(TypeError, match=r"h must hold real numbers \(float or int\), got dtype <U1"):
        rnn.rnn_backward(x, weights, np.full((2, 4, 3), "a"), np.ones((2, 4, 3)))
    dh = np.random.default_rng(2).normal(size=(2, 4, 3))
    expected = rnn.rnn_backward(x, weights, h, dh)
    got = rnn.rnn_backward(x.tolist(), weights, h.tolist(), dh.tolist())
    for name in ("dW_x", "dW_h", "db", "dx", "dh0"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name))


@pytest.mark.parametrize("h0, error", [(np.full((2, 3), "a"), TypeError), (np.full((2, 3), 1 + 1j), TypeError),
                                       (np.full((2, 3), True), TypeError)])
def test_forward_names_h0_of_the_wrong_type(h0, error):
    """Before: numpy's unnamed 'could not convert string to float', a discarded imaginary part, bools as 0/1."""
    weights, x, _ = small_rnn()
    with pytest.raises(error, match=r"h0 must hold real numbers \(float or int\)"):
        rnn.rnn_forward(x, weights, h0)


def test_init_and_weights_refuse_bad_values():
    with pytest.raises(ValueError, match=r"scale must be finite, got nan"):
        rnn.init_rnn(2, 3, np.random.default_rng(0), scale=float("nan"))
    with pytest.raises(TypeError, match=r"W_x must hold real numbers \(float or int\), got dtype object"):
        rnn.RNNWeights(np.ones((2, 3), dtype=object), np.ones((3, 3)), np.ones(3))


def test_to_keras_refuses_weights_of_another_layer(keras):
    from lstm_helpers import lstm

    layer = keras.layers.SimpleRNN(3)
    layer.build((None, None, 2))
    with pytest.raises(TypeError, match=r"weights must be RNNWeights, got LSTMWeights"):
        rnn.to_keras(lstm.init_lstm(2, 3, np.random.default_rng(0)), layer)
