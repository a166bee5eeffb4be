"""Tests of lstm_helpers.char_model: the numpy character model against Keras, its gradients and its checks."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import char_model, clipping, lstm, optim
from lstm_helpers.gradcheck import gradcheck
from lstm_helpers.sequences import one_hot

VOCAB, UNITS = 7, 5



def random_params(rng, vocab_size=VOCAB, units=UNITS):
    """Parameters with non-zero biases everywhere, so that every gradient entry is exercised."""
    params = char_model.init_params(vocab_size, units, rng, scale=1.0)
    return {**params, "b": rng.normal(size=4 * units), "b_y": rng.normal(size=vocab_size)}


def keras_model(keras, steps, vocab_size=VOCAB, units=UNITS):
    return keras.Sequential([
        keras.Input((steps, vocab_size)),
        keras.layers.LSTM(units, return_sequences=True),
        keras.layers.Dense(vocab_size),
    ])


def test_init_params_has_the_named_shapes_and_keras_forget_bias():
    params = char_model.init_params(vocab_size=6, units=4, rng=np.random.default_rng(0))
    assert tuple(params) == char_model.PARAMETERS
    assert {name: value.shape for name, value in params.items()} == {
        "W_x": (6, 16), "W_h": (4, 16), "b": (16,), "W_y": (4, 6), "b_y": (6,)}
    np.testing.assert_array_equal(params["b"], np.repeat([0.0, 1.0, 0.0, 0.0], 4))
    np.testing.assert_array_equal(params["b_y"], np.zeros(6))


@pytest.mark.parametrize("batch, steps", [(1, 1), (3, 6)])
def test_forward_and_loss_match_keras_model(keras64, batch, steps):
    rng = np.random.default_rng(batch + 10 * steps)
    params = random_params(rng)
    ids, targets = rng.integers(0, VOCAB, size=(2, batch, steps))
    model = keras_model(keras64, steps)
    char_model.to_keras(params, model)
    logits, trace = char_model.forward(params, ids)
    expected = keras64.ops.convert_to_numpy(model(one_hot(ids, VOCAB, np.float64)))
    np.testing.assert_allclose(logits, expected, rtol=1e-12, atol=1e-12)
    loss = keras64.losses.SparseCategoricalCrossentropy(from_logits=True)(targets, expected)
    result = char_model.loss_and_gradients(params, ids, targets)
    assert result.loss == pytest.approx(float(loss), rel=1e-12)
    np.testing.assert_array_equal(result.h_last, trace.h[:, -1])
    np.testing.assert_array_equal(result.c_last, trace.c[:, -1])


def test_loss_of_all_zero_logits_is_log_vocab_size():
    """Uniform predictions cost ln V per character, whatever the text."""
    params = {**random_params(np.random.default_rng(1)), "W_y": np.zeros((UNITS, VOCAB)), "b_y": np.zeros(VOCAB)}
    ids = np.random.default_rng(2).integers(0, VOCAB, size=(4, 9))
    assert char_model.loss_and_gradients(params, ids, ids[:, ::-1]).loss == pytest.approx(np.log(VOCAB), rel=1e-14)


@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("steps", [1, 5])
def test_gradients_pass_gradcheck(batch, steps):
    rng = np.random.default_rng(10 * batch + steps)
    params = random_params(rng)
    ids, targets = rng.integers(0, VOCAB, size=(2, batch, steps))
    h0, c0 = rng.normal(size=(2, batch, UNITS))
    result = char_model.loss_and_gradients(params, ids, targets, h0, c0)
    errors = gradcheck(lambda p: char_model.loss_and_gradients(p, ids, targets, h0, c0).loss, params, result.gradients)
    assert set(errors) == set(char_model.PARAMETERS)
    assert max(errors.values()) < 1e-7, errors


MAX_NORM = 0.05  # below the gradients' global norm (asserted), so that clipping takes part

OPTIMIZERS = [
    # Hyper-parameters float32 holds exactly: Keras casts momentum and the β's through float32.
    pytest.param(optim.SGD(learning_rate=0.5, momentum=0.875),
                 lambda keras: keras.optimizers.SGD(learning_rate=0.5, momentum=0.875, global_clipnorm=MAX_NORM),
                 id="sgd-momentum"),
    pytest.param(optim.Adam(learning_rate=0.0625, beta_1=0.875, beta_2=1 - 2**-10, epsilon=1e-4),
                 lambda keras: keras.optimizers.Adam(learning_rate=0.0625, beta_1=0.875, beta_2=1 - 2**-10,
                                                     epsilon=1e-4, global_clipnorm=MAX_NORM),
                 id="adam"),
]


@pytest.mark.parametrize("training_steps", [1, 3])
@pytest.mark.parametrize("numpy_optimizer, make_keras_optimizer", OPTIMIZERS)
def test_training_steps_match_keras_train_on_batch(keras64, numpy_optimizer, make_keras_optimizer, training_steps):
    """Loss, clipping by global norm and the optimiser's update: every weight as Keras has it after the steps."""
    batch, steps = 3, 6
    rng = np.random.default_rng(training_steps)
    params = random_params(rng)
    batches = [rng.integers(0, VOCAB, size=(2, batch, steps)) for _ in range(training_steps)]
    model = keras_model(keras64, steps)
    char_model.to_keras(params, model)
    model.compile(optimizer=make_keras_optimizer(keras64), jit_compile=False,
                  loss=keras64.losses.SparseCategoricalCrossentropy(from_logits=True))
    start, state = params, numpy_optimizer.init(params)
    for ids, targets in batches:
        keras_loss = model.train_on_batch(one_hot(ids, VOCAB, np.float64), targets)
        result = char_model.loss_and_gradients(params, ids, targets)
        clipped, norm = clipping.clip_by_global_norm(result.gradients, MAX_NORM)
        params, state = numpy_optimizer.update(params, clipped, state)
        assert norm > 2 * MAX_NORM
        assert result.loss == pytest.approx(float(keras_loss), rel=1e-12)
    kernel, recurrent_kernel, bias = model.layers[0].get_weights()
    W_y, b_y = model.layers[1].get_weights()
    theirs = {"W_x": kernel, "W_h": recurrent_kernel, "b": bias, "W_y": W_y, "b_y": b_y}
    for name in char_model.PARAMETERS:
        assert np.abs(params[name] - start[name]).max() > 1e-5, name  # the steps moved every array, far beyond atol
        np.testing.assert_allclose(params[name], theirs[name], rtol=1e-10, atol=1e-12, err_msg=name)


def test_sample_at_low_temperature_is_greedy_decoding():
    """τ → 0 puts all probability on the largest logit: each draw is the argmax given the text so far."""
    params = random_params(np.random.default_rng(3))
    prime = np.array([1, 4, 2])
    drawn = char_model.sample(params, prime, length=8, rng=np.random.default_rng(4), temperature=1e-4)
    text = list(prime)
    for _ in range(8):
        logits, _ = char_model.forward(params, np.array([text]))
        text.append(int(np.argmax(logits[0, -1])))
    assert drawn.tolist() == text[len(prime):]
    assert drawn.dtype == np.int64


def test_sample_is_reproducible_and_depends_on_the_generator():
    params = random_params(np.random.default_rng(5))
    draws = [char_model.sample(params, np.array([0]), 30, np.random.default_rng(seed)).tolist() for seed in (1, 1, 2)]
    assert draws[0] == draws[1] != draws[2]


def test_to_keras_copies_every_weight(keras):
    params = random_params(np.random.default_rng(6))
    model = keras_model(keras, steps=4)
    char_model.to_keras(params, model)
    lstm_weights = lstm.from_keras(model.layers[0])
    np.testing.assert_allclose(lstm_weights.W_h, params["W_h"], rtol=1e-6)
    np.testing.assert_allclose(model.layers[1].get_weights()[0], params["W_y"], rtol=1e-6)


def test_to_keras_refuses_other_models(keras):
    params = random_params(np.random.default_rng(7))
    gru = keras.Sequential([keras.Input((4, VOCAB)), keras.layers.GRU(UNITS), keras.layers.Dense(VOCAB)])
    with pytest.raises(ValueError, match=r"model must have the layers \['LSTM', 'Dense'\], got \['GRU', 'Dense'\]"):
        char_model.to_keras(params, gru)
    wide = keras.Sequential([keras.Input((4, VOCAB)), keras.layers.LSTM(UNITS, return_sequences=True),
                             keras.layers.Dense(VOCAB + 1)])
    with pytest.raises(ValueError, match=r"the Dense layer's kernel must have the shape of W_y \(5, 7\), got \(5, 8\)"):
        char_model.to_keras(params, wide)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: {k: v for k, v in p.items() if k != "b_y"}, r"params must be a dict with keys \['W_x', 'W_h', 'b', 'W_y', 'b_y'\], got"),
        (lambda p: {**p, "W_y": np.ones((UNITS, VOCAB + 1))}, r"params\['W_y'\] must have shape \(units, vocab_size\) = \(5, 7\), got \(5, 8\)"),
        (lambda p: {**p, "b_y": np.ones(3)}, r"params\['b_y'\] must have shape \(vocab_size,\) = \(7,\), got \(3,\)"),
        (lambda p: {**p, "b_y": np.full(VOCAB, np.inf)}, r"params\['b_y'\] must be finite"),
        (lambda p: {**p, "W_h": np.ones((UNITS, 3))}, r"W_h must have shape \(units, 4·units\), got \(5, 3\)"),
    ],
)
def test_bad_params_are_refused(change, message):
    params = change(random_params(np.random.default_rng(8)))
    with pytest.raises(ValueError, match=message):
        char_model.loss_and_gradients(params, np.zeros((1, 2), int), np.zeros((1, 2), int))


@pytest.mark.parametrize(
    "ids, targets, message",
    [
        (np.zeros(3, int), np.zeros(3, int), r"ids must have shape \(batch, steps\) with both >= 1, got \(3,\)"),
        (np.zeros((2, 0), int), np.zeros((2, 0), int), r"ids must have shape \(batch, steps\) with both >= 1, got \(2, 0\)"),
        (np.full((1, 2), VOCAB), np.zeros((1, 2), int), r"ids must hold ids in 0 … 6, got 7 … 7"),
        (np.zeros((1, 2)), np.zeros((1, 2), int), r"ids must hold integers, got dtype float64"),
        (np.zeros((1, 2), int), np.zeros((1, 3), int), r"targets must have the shape of ids \(1, 2\), got \(1, 3\)"),
        (np.zeros((1, 2), int), np.full((1, 2), -1), r"targets must hold ids in 0 … 6, got -1 … -1"),
    ],
)
def test_bad_ids_are_refused(ids, targets, message):
    with pytest.raises(ValueError, match=message):
        char_model.loss_and_gradients(random_params(np.random.default_rng(9)), ids, targets)


def test_sample_refuses_bad_arguments():
    params = random_params(np.random.default_rng(10))
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"prime_ids must have shape \(n_prime,\), got \(1, 2\)"):
        char_model.sample(params, np.zeros((1, 2), int), 3, rng)
    with pytest.raises(ValueError, match=r"length must be an integer >= 1, got 0"):
        char_model.sample(params, np.zeros(2, int), 0, rng)
    with pytest.raises(ValueError, match=r"ids must hold ids in 0 … 6, got 9 … 9"):
        char_model.sample(params, np.array([9]), 3, rng)
    with pytest.raises(ValueError, match=r"temperature must be a positive finite number, got 0"):
        char_model.sample(params, np.zeros(2, int), 3, rng, temperature=0)


# --- issue 14: a bad input raises an error naming the argument ("Before:" says what it did before) ---


@pytest.mark.parametrize("kwargs, message", [
    ({"vocab_size": 0}, r"vocab_size must be an integer >= 1, got 0"),
    ({"vocab_size": 6.0}, r"vocab_size must be an integer >= 1, got 6.0"),
    ({"units": -2}, r"units must be an integer >= 1, got -2"),
])
def test_init_params_names_its_own_arguments(kwargs, message):
    """Before: vocab_size=0 was reported as 'features must be an integer >= 1'."""
    with pytest.raises(ValueError, match=message):
        char_model.init_params(**{"vocab_size": VOCAB, "units": UNITS, "rng": np.random.default_rng(0), **kwargs})


@pytest.mark.parametrize("prime, message", [
    (np.array([], int), r"prime_ids must hold at least one id"),
    (np.array([-1]), r"prime_ids must hold ids in 0 … 6, got -1 … -1"),
    (np.array([0.0, 1.0]), r"prime_ids must hold integers, got dtype float64"),
])
def test_sample_names_prime_ids(prime, message):
    """Before: an empty or out-of-range prime was reported as a problem of 'ids' of shape (1, 0)."""
    with pytest.raises(ValueError, match=message):
        char_model.sample(random_params(np.random.default_rng(11)), prime, 3, np.random.default_rng(0))


@pytest.mark.parametrize("kwargs, error, message", [
    ({"rng": 0}, TypeError, r"rng must be a numpy.random.Generator, got 0"),
    ({"temperature": float("inf")}, ValueError, r"temperature must be a positive finite number, got inf"),
    ({"temperature": True}, ValueError, r"temperature must be a positive finite number, got True"),
    ({"length": 2.7}, ValueError, r"length must be an integer >= 1, got 2.7"),
])
def test_sample_checks_its_arguments_before_any_work(kwargs, error, message):
    arguments = {"prime_ids": np.array([1, 2]), "length": 3, "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=message):
        char_model.sample(random_params(np.random.default_rng(12)), **arguments)


@pytest.mark.parametrize("change, error, message", [
    (lambda p: {**p, "W_y": p["W_y"].astype(np.float32)}, TypeError,
     r"params must all have one float dtype, got W_x float64, W_h float64, b float64, W_y float32, b_y float64"),
    (lambda p: {**p, "W_y": np.full((UNITS, VOCAB), "a")}, TypeError,
     r"params\['W_y'\] must hold real numbers \(float or int\), got dtype <U1"),
    (lambda p: {**p, "b_y": np.full(VOCAB, 1j)}, TypeError, r"params\['b_y'\] must hold real numbers"),
    (lambda p: {**p, "b_y": np.where(np.arange(VOCAB) % 2, 1.7e308, -1.7e308)}, ValueError,
     r"params\['W_y'\] and params\['b_y'\] are too large: the loss overflowed float64"),
])
def test_params_of_the_wrong_type_or_size_are_refused(change, error, message):
    """Before: mixed float32/float64 params gave float64 gradients for float32 ones; strings an unnamed
    numpy error; logits 3.4e308 apart an inf loss."""
    params = change(random_params(np.random.default_rng(13)))
    with pytest.raises(error, match=message):
        with np.errstate(over="ignore", invalid="ignore"):
            char_model.loss_and_gradients(params, np.zeros((1, 2), int), np.zeros((1, 2), int))


def test_loss_and_gradients_keep_float32_and_do_not_alias_the_params():
    params = {name: value.astype(np.float32) for name, value in random_params(np.random.default_rng(14)).items()}
    copies = {name: value.copy() for name, value in params.items()}
    zeros = np.zeros((2, UNITS), np.float32)
    result = char_model.loss_and_gradients(params, np.zeros((2, 3), int), np.ones((2, 3), int), zeros, zeros)
    assert {value.dtype for value in result.gradients.values()} == {np.dtype(np.float32)}
    assert not any(np.shares_memory(result.gradients[name], params[name]) for name in params)
    for name in params:
        np.testing.assert_array_equal(params[name], copies[name])


def test_to_keras_refuses_a_dense_layer_that_is_not_the_logits(keras):
    params = random_params(np.random.default_rng(15))
    for dense in (keras.layers.Dense(VOCAB, activation="softmax"), keras.layers.Dense(VOCAB, use_bias=False)):
        model = keras.Sequential([keras.Input((4, VOCAB)), keras.layers.LSTM(UNITS, return_sequences=True), dense])
        with pytest.raises(ValueError, match=r"the Dense layer must be linear with a bias"):
            char_model.to_keras(params, model)


def test_logits_that_overflow_are_refused():
    """Before: logits h_t W_y + b_y beyond 1.8e308 gave a nan loss and nan gradients."""
    params, ids = random_params(np.random.default_rng(16)), np.zeros((1, 2), int)
    _, trace = char_model.forward(params, ids)
    sign = np.sign(trace.h[0, -1])[:, None]  # W_y's rows signed like h_T: h_T W_y is positive
    params = {**params, "W_y": np.broadcast_to(sign * 1e308, (UNITS, VOCAB)).copy(), "b_y": np.full(VOCAB, 1.7e308)}
    with np.errstate(over="ignore", invalid="ignore"):
        for function in (lambda: char_model.forward(params, ids), lambda: char_model.loss_and_gradients(params, ids, ids)):
            with pytest.raises(ValueError, match=r"params\['W_y'\] and params\['b_y'\] are too large: the logits "
                                                 r"overflowed float64"):
                function()
