"""Tests of lstm_helpers.lstm: the numpy LSTM against Keras, against its equations, and its checks."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import lstm

SHAPES = [(1, 1, 1, 1), (1, 7, 3, 5), (4, 1, 2, 3), (3, 9, 5, 4), (2, 13, 1, 8)]  # batch, steps, features, units


def random_float32_weights(features, units, rng):
    drawn = lstm.init_lstm(features, units, rng, scale=1.5)
    return lstm.LSTMWeights(*(w.astype(np.float32) for w in (drawn.W_x, drawn.W_h, rng.normal(size=4 * units))))


@pytest.mark.parametrize("batch, steps, features, units", SHAPES)
def test_forward_matches_keras_lstm_outputs_and_states(keras, batch, steps, features, units):
    rng = np.random.default_rng(batch * 100 + steps)
    x = rng.normal(size=(batch, steps, features)).astype(np.float32)
    layer = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    layer.build((None, None, features))
    weights = random_float32_weights(features, units, rng)
    lstm.to_keras(weights, layer)
    sequence, state_h, state_c = (keras.ops.convert_to_numpy(t) for t in layer(x))
    trace = lstm.lstm_forward(x, weights)
    np.testing.assert_allclose(trace.h, sequence, atol=1e-5)
    np.testing.assert_allclose(trace.h[:, -1], state_h, atol=1e-5)
    np.testing.assert_allclose(trace.c[:, -1], state_c, atol=1e-5)


def test_forward_matches_keras_from_given_initial_state(keras):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(2, 5, 3)).astype(np.float32)
    h0, c0 = (rng.normal(size=(2, 4)).astype(np.float32) for _ in range(2))
    layer = keras.layers.LSTM(4)
    layer.build((None, None, 3))
    expected = keras.ops.convert_to_numpy(layer(x, initial_state=[h0, c0]))
    np.testing.assert_allclose(lstm.lstm_forward(x, lstm.from_keras(layer), h0, c0).h[:, -1], expected, atol=1e-5)


def test_keras_gate_order_is_i_f_c_o(keras):
    """Derived from behaviour, not from the docs: a huge bias on the 2nd block keeps c, on the 3rd adds +1."""
    layer = keras.layers.LSTM(1, return_state=True)
    layer.build((None, None, 1))
    zero_kernels = [np.zeros((1, 4), np.float32), np.zeros((1, 4), np.float32)]
    # blocks:        i     f      c~    o
    bias = np.array([20.0, 20.0, 20.0, 20.0], np.float32)  # i=1, f=1, c~=1 -> c grows by 1 per step
    layer.set_weights(zero_kernels + [bias])
    _, _, state_c = layer(np.zeros((1, 3, 1), np.float32), initial_state=[np.zeros((1, 1)), np.full((1, 1), 5.0)])
    assert keras.ops.convert_to_numpy(state_c)[0, 0] == pytest.approx(8.0, abs=1e-4)  # 5 + 3 steps of +1
    bias[1] = -20.0  # forget gate closed: only the candidate remains
    layer.set_weights(zero_kernels + [bias])
    _, _, state_c = layer(np.zeros((1, 3, 1), np.float32), initial_state=[np.zeros((1, 1)), np.full((1, 1), 5.0)])
    assert keras.ops.convert_to_numpy(state_c)[0, 0] == pytest.approx(1.0, abs=1e-4)
    weights = lstm.from_keras(layer)
    assert weights.gate("f")[2][0] == -20.0 and lstm.GATES[1] == "f"


def test_forward_follows_the_equations_with_separate_gates():
    rng = np.random.default_rng(0)
    weights = lstm.init_lstm(3, 2, rng, scale=1.0)
    x, h, c = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 2)), rng.normal(size=(2, 2))
    trace = lstm.lstm_forward(x, weights, h, c)
    logistic = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    for t in range(4):
        # a^g_t = x_t W_xg + h_{t-1} W_hg + b_g, one gate g at a time
        a = {name: x[:, t] @ weights.gate(name)[0] + h @ weights.gate(name)[1] + weights.gate(name)[2] for name in lstm.GATES}
        i, f, o = logistic(a["i"]), logistic(a["f"]), logistic(a["o"])
        c = f * c + i * np.tanh(a["c_tilde"])
        h = o * np.tanh(c)
        np.testing.assert_allclose(trace.f[:, t], f, rtol=1e-12)
    np.testing.assert_allclose(trace.h[:, -1], h, rtol=1e-12)
    np.testing.assert_allclose(trace.c[:, -1], c, rtol=1e-12)


def test_trace_shapes_and_ranges():
    trace = lstm.lstm_forward(np.random.default_rng(0).normal(size=(3, 6, 2)), lstm.init_lstm(2, 5, np.random.default_rng(1)))
    for name in ("h", "c", "i", "f", "c_tilde", "o"):
        assert getattr(trace, name).shape == (3, 6, 5)
    assert all(((g > 0) & (g < 1)).all() for g in (trace.i, trace.f, trace.o))
    assert (np.abs(trace.h) < 1).all() and (np.abs(trace.c_tilde) < 1).all()


def test_sigmoid_is_stable_for_large_inputs():
    with np.errstate(over="raise"):
        np.testing.assert_allclose(lstm.sigmoid(np.array([-1000.0, 0.0, 1000.0])), [0.0, 0.5, 1.0])


def test_n_params_and_forget_bias_match_keras(keras):
    layer = keras.layers.LSTM(6)
    layer.build((None, None, 4))
    weights = lstm.from_keras(layer)
    assert weights.n_params() == layer.count_params() == 4 * 6 * (4 + 6 + 1)
    np.testing.assert_array_equal(weights.gate("f")[2], np.ones(6))  # Keras unit_forget_bias
    np.testing.assert_array_equal(lstm.init_lstm(4, 6, np.random.default_rng(0)).gate("f")[2], np.ones(6))


@pytest.mark.parametrize(
    "x, h0, c0, message",
    [
        (np.ones((2, 3)), None, None, r"x must have shape \(batch, steps, features\), got \(2, 3\)"),
        (np.ones((2, 3, 1)), None, None, r"x must have 2 features .* got 1"),
        (np.full((1, 1, 2), np.inf), None, None, r"x must be finite"),
        (np.ones((2, 3, 2)), np.ones((3, 3)), None, r"h0 must have shape \(batch, units\) = \(2, 3\), got \(3, 3\)"),
        (np.ones((2, 3, 2)), None, np.ones((2,)), r"c0 must have shape \(batch, units\) = \(2, 3\), got \(2,\)"),
    ],
)
def test_forward_rejects_bad_input(x, h0, c0, message):
    with pytest.raises(ValueError, match=message):
        lstm.lstm_forward(x, lstm.init_lstm(2, 3, np.random.default_rng(0)), h0, c0)


def test_forward_rejects_wrong_weight_type():
    with pytest.raises(ValueError, match=r"weights must be LSTMWeights, got RNNWeights"):
        from lstm_helpers import rnn

        lstm.lstm_forward(np.ones((1, 1, 1)), rnn.init_rnn(1, 1, np.random.default_rng(0)))


@pytest.mark.parametrize(
    "W_x, W_h, b, message",
    [
        (np.ones((2, 8)), np.ones((2, 6)), np.ones(8), r"W_h must have shape \(units, 4·units\), got \(2, 6\)"),
        (np.ones((2, 6)), np.ones((2, 8)), np.ones(8), r"W_x must have shape \(features, 8\) for 2 units, got \(2, 6\)"),
        (np.ones((2, 8)), np.ones((2, 8)), np.ones(6), r"b must have shape \(8,\) for 2 units, got \(6,\)"),
        (np.ones((0, 8)), np.ones((2, 8)), np.ones(8), r"W_x must have shape \(features, 8\) for 2 units, got \(0, 8\)"),
    ],
)
def test_weights_reject_inconsistent_shapes(W_x, W_h, b, message):
    with pytest.raises(ValueError, match=message):
        lstm.LSTMWeights(W_x, W_h, b)


def test_gate_rejects_unknown_name():
    with pytest.raises(ValueError, match=r"name must be one of \('i', 'f', 'c_tilde', 'o'\), got 'g'"):
        lstm.init_lstm(1, 1, np.random.default_rng(0)).gate("g")


@pytest.mark.parametrize(
    "kwargs, message",
    [({"features": 0}, r"features must be an integer >= 1, got 0"), ({"rng": None}, r"rng must be a numpy.random.Generator")],
)
def test_init_rejects_bad_arguments(kwargs, message):
    arguments = {"features": 2, "units": 3, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(ValueError, match=message):
        lstm.init_lstm(**arguments)


def test_keras_conversion_refuses_other_layers(keras):
    hard = keras.layers.LSTM(2, recurrent_activation="hard_sigmoid")
    hard.build((None, None, 1))
    built = keras.layers.LSTM(2)
    built.build((None, None, 1))
    with pytest.raises(ValueError, match=r"layer must be a keras.layers.LSTM, got GRU"):
        lstm.from_keras(keras.layers.GRU(2))
    with pytest.raises(ValueError, match=r"layer must be built"):
        lstm.from_keras(keras.layers.LSTM(2))
    with pytest.raises(ValueError, match=r"layer recurrent_activation must be sigmoid, got hard_sigmoid"):
        lstm.from_keras(hard)
    with pytest.raises(ValueError, match=r"weights must match the layer's shapes kernel \(1, 8\)"):
        lstm.to_keras(lstm.init_lstm(3, 2, np.random.default_rng(0)), built)


def lstm_loss_and_gradients(batch, steps, rng):
    weights = lstm.init_lstm(3, 4, rng, scale=1.0)
    weights = lstm.LSTMWeights(weights.W_x, weights.W_h, rng.normal(size=16))
    x, h0, c0 = rng.normal(size=(batch, steps, 3)), rng.normal(size=(batch, 4)), rng.normal(size=(batch, 4))
    upstream_h, upstream_c = rng.normal(size=(batch, steps, 4)), rng.normal(size=(batch, 4))

    def loss(p):
        trace = lstm.lstm_forward(p["x"], lstm.LSTMWeights(p["W_x"], p["W_h"], p["b"]), p["h0"], p["c0"])
        return float((trace.h * upstream_h).sum() + (trace.c[:, -1] * upstream_c).sum())

    trace = lstm.lstm_forward(x, weights, h0, c0)
    grads = lstm.lstm_backward(x, weights, trace, upstream_h, h0, c0, dc_last=upstream_c)
    params = {"W_x": weights.W_x, "W_h": weights.W_h, "b": weights.b, "x": x, "h0": h0, "c0": c0}
    analytic = {"W_x": grads.dW_x, "W_h": grads.dW_h, "b": grads.db, "x": grads.dx, "h0": grads.dh0, "c0": grads.dc0}
    return loss, params, analytic


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("steps", [1, 5])
def test_backward_passes_gradcheck_for_every_parameter(batch, steps):
    from lstm_helpers.gradcheck import gradcheck

    errors = gradcheck(*lstm_loss_and_gradients(batch, steps, np.random.default_rng(10 * batch + steps)))
    assert set(errors) == {"W_x", "W_h", "b", "x", "h0", "c0"}
    assert max(errors.values()) < 1e-7, errors


def test_backward_matches_keras_gradient_tape(keras):
    import tensorflow as tf

    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 6, 2)).astype(np.float32)
    upstream = rng.normal(size=(3, 6, 5)).astype(np.float32)
    layer = keras.layers.LSTM(5, return_sequences=True)
    layer.build((None, None, 2))
    weights = random_float32_weights(2, 5, rng)
    lstm.to_keras(weights, layer)
    inputs = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        loss = tf.reduce_sum(layer(inputs) * upstream)
    kernel, recurrent, bias, dx = tape.gradient(loss, [*layer.trainable_variables, inputs])
    ours = lstm.lstm_backward(x, weights, lstm.lstm_forward(x, weights), upstream)
    for mine, theirs in ((ours.dW_x, kernel), (ours.dW_h, recurrent), (ours.db, bias), (ours.dx, dx)):
        np.testing.assert_allclose(mine, keras.ops.convert_to_numpy(theirs), atol=1e-5, rtol=1e-4)


def test_backward_rejects_mismatched_shapes():
    weights = lstm.init_lstm(2, 3, np.random.default_rng(0))
    x = np.ones((2, 4, 2))
    trace = lstm.lstm_forward(x, weights)
    with pytest.raises(ValueError, match=r"dh must have shape \(batch, steps, units\) = \(2, 4, 3\), got \(2, 4, 2\)"):
        lstm.lstm_backward(x, weights, trace, np.ones((2, 4, 2)))
    with pytest.raises(ValueError, match=r"trace.h must have shape .* got \(1, 4, 3\)"):
        short = lstm.lstm_forward(x[:1], weights)
        lstm.lstm_backward(x, weights, short, np.ones((2, 4, 3)))
    with pytest.raises(ValueError, match=r"weights must be LSTMWeights, got RNNWeights"):
        from lstm_helpers import rnn

        lstm.lstm_backward(x, rnn.init_rnn(2, 3, np.random.default_rng(0)), trace, np.ones((2, 4, 3)))
    with pytest.raises(ValueError, match=r"dc_last must have shape \(batch, units\) = \(2, 3\)"):
        lstm.lstm_backward(x, weights, trace, np.ones((2, 4, 3)), dc_last=np.ones(3))


def test_sigmoid_matches_the_definition():
    v = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(lstm.sigmoid(v), 1 / (1 + np.exp(-v)), rtol=1e-7, atol=1e-15)


@pytest.mark.parametrize("dtype, atol", [(np.float64, 4e-16), (np.float32, 3e-7)])
def test_tanh_matches_numpy_tanh(dtype, atol):
    z = np.linspace(-25, 25, 10001).astype(dtype)
    result = lstm.tanh(z)
    assert result.dtype == dtype
    np.testing.assert_allclose(result, np.tanh(z.astype(np.float64)), rtol=0, atol=atol)
    with np.errstate(over="raise"):
        np.testing.assert_array_equal(lstm.tanh(np.array([-1e4, 0.0, 1e4], dtype)), [-1.0, 0.0, 1.0])


@pytest.mark.parametrize("function, reference", [(lstm.sigmoid, lambda v: 1 / (1 + np.exp(-v))), (lstm.tanh, np.tanh)])
def test_activations_write_into_out_and_keep_scalars_scalar(function, reference):
    z = np.array([[-2.0, 0.5], [3.0, -0.25]])
    out = np.empty_like(z)
    assert function(z, out=out) is out
    np.testing.assert_allclose(out, reference(z), rtol=1e-15)
    assert isinstance(function(0.5), np.float64) and function(0.5) == pytest.approx(reference(0.5), rel=1e-15)
    assert function(np.array([1, 2])).dtype == np.float64  # integers computed in float64


def test_backward_gives_the_same_gradients_for_a_rebuilt_trace_and_leaves_its_inputs_unchanged():
    """A trace of plain (batch, steps, units) copies, as other code builds one, gives the same result."""
    rng = np.random.default_rng(5)
    weights = lstm.init_lstm(3, 4, rng, scale=1.0)
    x, dh = rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 6, 4))
    trace = lstm.lstm_forward(x, weights)
    rebuilt = lstm.LSTMTrace(*(np.array(getattr(trace, name), order="C") for name in ("h", "c", "i", "f", "c_tilde", "o")))
    before = {name: getattr(trace, name).copy() for name in ("h", "c", "i", "f", "c_tilde", "o")}
    dh_before = dh.copy()
    ours, again = lstm.lstm_backward(x, weights, trace, dh), lstm.lstm_backward(x, weights, rebuilt, dh)
    for name in ("dW_x", "dW_h", "db", "dx", "dh0", "dc0"):
        np.testing.assert_array_equal(getattr(ours, name), getattr(again, name))
    for name, value in before.items():
        np.testing.assert_array_equal(getattr(trace, name), value)
    np.testing.assert_array_equal(dh, dh_before)


def test_backward_matches_the_step_by_step_equations_in_float64():
    """The batched products after the loop give what the textbook loop (one step, all products) gives."""
    rng = np.random.default_rng(6)
    weights = lstm.init_lstm(3, 4, rng, scale=1.0)
    x, dh, h0, c0 = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 4)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    trace = lstm.lstm_forward(x, weights, h0, c0)
    grads = lstm.lstm_backward(x, weights, trace, dh, h0, c0)
    dW_x, dW_h, db = np.zeros_like(weights.W_x), np.zeros_like(weights.W_h), np.zeros_like(weights.b)
    dh_next, dc_next = np.zeros((2, 4)), np.zeros((2, 4))
    for t in reversed(range(5)):
        h_prev = trace.h[:, t - 1] if t else h0
        c_prev = trace.c[:, t - 1] if t else c0
        i, f, c_tilde, o = trace.i[:, t], trace.f[:, t], trace.c_tilde[:, t], trace.o[:, t]
        dh_t = dh[:, t] + dh_next
        dc_t = dc_next + dh_t * o * (1 - np.tanh(trace.c[:, t]) ** 2)
        da = np.concatenate([dc_t * c_tilde * i * (1 - i), dc_t * c_prev * f * (1 - f),
                             dc_t * i * (1 - c_tilde**2), dh_t * np.tanh(trace.c[:, t]) * o * (1 - o)], axis=1)
        dW_x, dW_h, db = dW_x + x[:, t].T @ da, dW_h + h_prev.T @ da, db + da.sum(axis=0)
        np.testing.assert_allclose(grads.dx[:, t], da @ weights.W_x.T, rtol=1e-12, atol=1e-15)
        dh_next, dc_next = da @ weights.W_h.T, dc_t * f
    for mine, expected in ((grads.dW_x, dW_x), (grads.dW_h, dW_h), (grads.db, db), (grads.dh0, dh_next), (grads.dc0, dc_next)):
        np.testing.assert_allclose(mine, expected, rtol=1e-12, atol=1e-14)


# --- issue 14: a bad input raises an error naming the argument ("Before:" says what it did before) ---


def small_lstm(dtype=np.float64):
    weights = lstm.init_lstm(2, 3, np.random.default_rng(0))
    weights = lstm.LSTMWeights(*(w.astype(dtype) for w in (weights.W_x, weights.W_h, weights.b)))
    x = np.random.default_rng(1).normal(size=(2, 4, 2)).astype(dtype)
    return weights, x, lstm.lstm_forward(x, weights)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's, before the ValueError
@pytest.mark.parametrize("where", [(0, 0, 0), (1, 3, 2)])
@pytest.mark.parametrize("value", [np.nan, np.inf])
def test_backward_refuses_nonfinite_dh_instead_of_returning_nan_gradients(where, value):
    weights, x, trace = small_lstm()
    dh = np.ones((2, 4, 3))
    dh[where] = value
    with pytest.raises(ValueError, match=r"dh must be finite, got 1 nan/inf values of 24"):
        lstm.lstm_backward(x, weights, trace, dh)


@pytest.mark.parametrize("name", ["c", "i", "f", "c_tilde", "o"])
def test_backward_refuses_a_trace_holding_nan(name):
    weights, x, trace = small_lstm()
    arrays = {field: np.array(getattr(trace, field)) for field in ("h", "c", "i", "f", "c_tilde", "o")}
    arrays[name][0, 1, 2] = np.nan
    with pytest.raises(ValueError, match=rf"trace.{name} must be finite, got 1 nan/inf values of 24"):
        lstm.lstm_backward(x, weights, lstm.LSTMTrace(**arrays), np.ones((2, 4, 3)))


@pytest.mark.parametrize("dh, error, message", [
    (np.ones((2, 4, 3), dtype=object), TypeError, r"dh must hold real numbers \(float or int\), got dtype object"),
    (np.ones((2, 4, 3), dtype=complex), TypeError, r"dh must hold real numbers \(float or int\), got dtype complex128"),
    (np.ones((2, 4, 3), dtype=bool), TypeError, r"dh must hold real numbers \(float or int\), got dtype bool"),
    ("ones", TypeError, r"dh must be an array of numbers, got a str"),
])
def test_backward_refuses_a_dh_of_the_wrong_type(dh, error, message):
    weights, x, trace = small_lstm()
    with pytest.raises(error, match=message):
        lstm.lstm_backward(x, weights, trace, dh)


def test_backward_accepts_nested_lists_and_integers_as_arrays():
    weights, x, trace = small_lstm()
    dh = np.arange(24).reshape(2, 4, 3) % 3
    expected = lstm.lstm_backward(x, weights, trace, dh.astype(float), np.zeros((2, 3)), dc_last=np.ones((2, 3)))
    got = lstm.lstm_backward(x.tolist(), weights, trace, dh.tolist(), [[0, 0, 0]] * 2, dc_last=[[1, 1, 1]] * 2)
    for name in ("dW_x", "dW_h", "db", "dx", "dh0", "dc0"):
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name))


def test_backward_refuses_a_trace_of_another_layer():
    from lstm_helpers import gru

    weights, x, _ = small_lstm()
    gru_trace = gru.gru_forward(x, gru.init_gru(2, 3, np.random.default_rng(0)))
    for trace, kind in ((gru_trace, "GRUTrace"), ({"h": np.ones((2, 4, 3))}, "dict")):
        with pytest.raises(TypeError, match=rf"trace must be the LSTMTrace that lstm_forward returned, got {kind}"):
            lstm.lstm_backward(x, weights, trace, np.ones((2, 4, 3)))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # numpy's, before the ValueError
def test_backward_reports_an_overflow_instead_of_returning_inf():
    weights, x, trace = small_lstm(np.float32)
    with pytest.raises(ValueError, match=r"lstm_backward overflowed float32: its inputs are finite, but too large"):
        lstm.lstm_backward(x, weights, trace, np.full((2, 4, 3), 3e38, np.float32))


def test_backward_gives_gradients_of_one_float_type():
    """float32 weights and trace with a float64 dh: all gradients float64 (documented), none mixed."""
    weights, x, trace = small_lstm(np.float32)
    dh = np.ones((2, 4, 3))
    promoted = lstm.lstm_backward(x, weights, trace, dh)
    kept = lstm.lstm_backward(x, weights, trace, dh.astype(np.float32))
    assert {getattr(promoted, name).dtype for name in ("dW_x", "dW_h", "db", "dx", "dh0", "dc0")} == {np.dtype(np.float64)}
    assert {getattr(kept, name).dtype for name in ("dW_x", "dW_h", "db", "dx", "dh0", "dc0")} == {np.dtype(np.float32)}


@pytest.mark.parametrize("name", ["h0", "c0", "dc_last"])
@pytest.mark.parametrize("state, error, message", [
    (np.full((2, 3), "a"), TypeError, r"must hold real numbers \(float or int\), got dtype <U1"),
    (np.full((2, 3), 1j), TypeError, r"must hold real numbers \(float or int\), got dtype complex128"),
    (np.full((2, 3), True), TypeError, r"must hold real numbers \(float or int\), got dtype bool"),
    (np.full((2, 3), np.nan), ValueError, r"must be finite, got 6 nan/inf values of 6"),
])
def test_states_of_the_wrong_type_or_value_are_refused(name, state, error, message):
    """Before: a string state gave numpy's unnamed error, a complex one lost its imaginary part, a bool one passed."""
    weights, x, trace = small_lstm()
    with pytest.raises(error, match=name + " " + message):
        if name == "dc_last":
            lstm.lstm_backward(x, weights, trace, np.ones((2, 4, 3)), dc_last=state)
        else:
            lstm.lstm_forward(x, weights, **{name: state})


def test_forward_refuses_a_ragged_x_naming_it():
    with pytest.raises(TypeError, match=r"x must be a rectangular array of numbers, got list"):
        lstm.lstm_forward([[[1.0, 2.0]], [[1.0]]], lstm.init_lstm(2, 3, np.random.default_rng(0)))


def test_forward_reports_an_overflow_instead_of_returning_nan():
    """x W_x = 3e38·2 − 3e38·2 is inf − inf = nan in float32."""
    weights = lstm.LSTMWeights(np.array([[2.0] * 12, [-2.0] * 12], np.float32), np.zeros((3, 12), np.float32),
                               np.zeros(12, np.float32))
    with pytest.raises(ValueError, match=r"lstm_forward overflowed float32: .* x 3e\+38"):
        with np.errstate(over="ignore", invalid="ignore"):
            lstm.lstm_forward(np.array([[[3e38, 3e38]]], np.float32), weights)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"units": 2.7}, ValueError, r"units must be an integer >= 1, got 2.7"),
    ({"features": -1}, ValueError, r"features must be an integer >= 1, got -1"),
    ({"rng": np.random.RandomState(0)}, TypeError, r"rng must be a numpy.random.Generator"),
    ({"scale": -1.0}, ValueError, r"scale must be >= 0.0, got -1.0"),
    ({"scale": np.nan}, ValueError, r"scale must be finite, got nan"),
    ({"scale": "0.5"}, TypeError, r"scale must be a real number, got '0.5'"),
    ({"forget_bias": np.inf}, ValueError, r"forget_bias must be finite, got inf"),
    ({"forget_bias": "1"}, TypeError, r"forget_bias must be a real number, got '1'"),
])
def test_init_names_every_bad_argument(kwargs, error, message):
    """Before: scale=nan blamed W_x, scale=-1 gave numpy's 'scale < 0', forget_bias='1' was accepted."""
    arguments = {"features": 2, "units": 3, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=message):
        lstm.init_lstm(**arguments)


@pytest.mark.parametrize("change, message", [
    (lambda w: {**w, "W_x": w["W_x"].astype(object)}, r"W_x must hold real numbers \(float or int\), got dtype object"),
    (lambda w: {**w, "W_h": w["W_h"] + 0j}, r"W_h must hold real numbers \(float or int\), got dtype complex128"),
    (lambda w: {**w, "b": w["b"] > 0}, r"b must hold real numbers \(float or int\), got dtype bool"),
    (lambda w: {**w, "W_x": w["W_x"].astype(np.float32)},
     r"W_x, W_h, b must have one float dtype, got W_x float32, W_h float64, b float64"),
])
def test_weights_refuse_arrays_of_the_wrong_type(change, message):
    """Before: complex weights gave complex outputs, bool weights passed, mixed float types computed in either."""
    drawn = lstm.init_lstm(2, 3, np.random.default_rng(0))
    with pytest.raises(TypeError, match=message):
        lstm.LSTMWeights(**change({"W_x": drawn.W_x, "W_h": drawn.W_h, "b": drawn.b}))


def test_weights_store_integers_as_float64_and_floats_as_given():
    W_x = np.ones((1, 4), np.float32)
    weights = lstm.LSTMWeights(W_x, np.ones((1, 4), np.float32), np.zeros(4, np.float32))
    assert weights.W_x is W_x
    assert lstm.LSTMWeights(np.ones((1, 4), int), np.ones((1, 4), int), np.zeros(4, int)).W_h.dtype == np.float64


@pytest.mark.parametrize("function", [lstm.sigmoid, lstm.tanh])
@pytest.mark.parametrize("z, out, error, message", [
    (np.zeros(3), np.empty((2, 3)), ValueError, r"out must have z's shape \(3,\) and dtype float64, got shape \(2, 3\)"),
    (np.zeros(3), np.empty(3, int), ValueError, r"out must have z's shape \(3,\) and dtype float64, got shape \(3,\), dtype int64"),
    (np.zeros(3), np.empty(3, np.float32), ValueError, r"dtype float64, got shape \(3,\), dtype float32"),
    (np.zeros(3), [0.0, 0.0, 0.0], TypeError, r"out must be a numpy array \(or None\), got list"),
    (np.zeros(3), np.broadcast_to(np.empty(1), (3,)), ValueError, r"out must be writeable"),
    (np.array([1j]), None, TypeError, r"z must hold real numbers \(float or int\), got dtype complex128"),
    (np.array([True]), None, TypeError, r"z must hold real numbers \(float or int\), got dtype bool"),
    ("0.5", None, TypeError, r"z must be an array of numbers, got a str"),
    (np.array([0.0, np.nan]), None, ValueError, r"z must not hold nan, got 1 nan values of 2"),
])
def test_activations_check_z_and_out(function, z, out, error, message):
    """Before: an out of shape (2, 3) for z (3,) was filled by broadcasting, complex z gave complex values."""
    with pytest.raises(error, match=message):
        function(z, out=out)


@pytest.mark.parametrize("function, limits", [(lstm.sigmoid, [0.0, 1.0]), (lstm.tanh, [-1.0, 1.0])])
def test_activations_give_their_limits_at_infinity_and_return_a_zero_dim_out(function, limits):
    assert function(np.array([-np.inf, np.inf])).tolist() == limits
    out = np.empty(())
    assert function(0.25, out=out) is out


def test_to_keras_refuses_weights_of_another_layer(keras):
    from lstm_helpers import lstm_variants

    layer = keras.layers.LSTM(3)
    layer.build((None, None, 2))
    with pytest.raises(TypeError, match=r"weights must be LSTMWeights, got VariantWeights"):
        lstm.to_keras(lstm_variants.init_variant(2, 3, np.random.default_rng(0), peephole=True), layer)
    with pytest.raises(TypeError, match=r"weights must be LSTMWeights, got dict"):
        lstm.to_keras({}, layer)
