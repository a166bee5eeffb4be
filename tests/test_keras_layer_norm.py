"""Tests of lstm_helpers.keras_layer_norm: the Keras cell equals the numpy layer-normalised LSTM."""

from __future__ import annotations

import numpy as np
import pytest
from test_layer_norm_lstm import NAMES, gradients_by_name, random_weights  # tests/, on pytest's path

from lstm_helpers import layer_norm_lstm as L


def test_keras_cell_matches_numpy_forward_and_gradients(keras):
    import tensorflow as tf

    from lstm_helpers.keras_layer_norm import LayerNormLSTMCell, ln_lstm_layer, to_keras, to_numpy

    rng = np.random.default_rng(5)
    x = rng.normal(size=(3, 5, 2)).astype(np.float32)
    layer = ln_lstm_layer(4, return_sequences=True)
    layer(x)  # build
    assert isinstance(layer.cell, LayerNormLSTMCell)
    assert layer.count_params() == to_numpy(layer).n_params() == 4 * 4 * (2 + 4 + 1) + 4 * 16 + 2 * 4
    fresh = to_numpy(layer)  # gains 1, biases 0 (forget bias 1)
    assert (fresh.g_x == 1).all() and (fresh.beta_h == 0).all() and (fresh.b[4:8] == 1).all()
    upstream = rng.normal(size=(3, 5, 4)).astype(np.float32)
    for trivial in (True, False):
        weights = random_weights(2, 4, rng, trivial, dtype=np.float32)
        to_keras(weights, layer)
        back = to_numpy(layer)
        for name in NAMES:
            np.testing.assert_array_equal(getattr(back, name), getattr(weights, name))
        variables = layer.cell.variables_in_numpy_order()
        with tf.GradientTape() as tape:
            tape.watch(x_tensor := tf.constant(x))
            loss = tf.reduce_sum(layer(x_tensor) * upstream)
        keras_grads = tape.gradient(loss, [x_tensor, *variables])
        trace = L.ln_lstm_forward(x, weights)
        np.testing.assert_allclose(trace.h, keras.ops.convert_to_numpy(layer(x)), atol=1e-5)
        g = L.ln_lstm_backward(x, weights, trace, upstream)
        for name, keras_grad in zip(("x", *NAMES), keras_grads):
            np.testing.assert_allclose(gradients_by_name(g)[name], np.asarray(keras_grad), atol=1e-4,
                                       err_msg=f"{name}, trivial={trivial}")


def test_keras_helpers_reject_bad_arguments(keras):
    from lstm_helpers import lstm
    from lstm_helpers.keras_layer_norm import LayerNormLSTMCell, ln_lstm_layer, to_keras, to_numpy

    with pytest.raises(ValueError, match=r"units must be an integer >= 1, got 2.7"):
        ln_lstm_layer(2.7)
    with pytest.raises(ValueError, match=r"epsilon must be > 0.0"):
        LayerNormLSTMCell(3, epsilon=0)
    with pytest.raises(ValueError, match=r"layer must be keras.layers.RNN\(LayerNormLSTMCell\(...\)\), got LSTM"):
        to_numpy(keras.layers.LSTM(3))
    with pytest.raises(ValueError, match=r"layer must be built"):
        to_numpy(ln_lstm_layer(3))
    with pytest.raises(ValueError, match=r"the inputs' last dimension \(features\) must be known"):
        ln_lstm_layer(3).build((None, None, None))
    layer = ln_lstm_layer(3)
    layer.build((None, None, 2))
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match=r"weights must be LNLSTMWeights, got LSTMWeights"):
        to_keras(lstm.init_lstm(2, 3, rng), layer)
    with pytest.raises(ValueError, match=r"weights.W_x must have the layer's shape \(2, 12\), got \(5, 12\)"):
        to_keras(L.init_ln_lstm(5, 3, rng), layer)
    assert LayerNormLSTMCell(3, epsilon=1e-3).get_config()["epsilon"] == 1e-3
