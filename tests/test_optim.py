"""Tests of lstm_helpers.optim: SGD with momentum and Adam against Keras's optimisers and their equations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstm_helpers import optim

SHAPES = {"W": (3, 4), "b": (4,)}


@pytest.fixture
def keras64(keras):
    """Keras computing in float64 (optimiser variables included), restored afterwards."""
    previous = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")  # layers follow the policy, which is fixed once any layer exists
    yield keras
    keras.config.set_floatx(previous[0])
    keras.config.set_dtype_policy(previous[1])


def random_params(rng, dtype=np.float64):
    return {name: rng.normal(size=shape).astype(dtype) for name, shape in SHAPES.items()}


def keras_steps(keras, keras_optimizer, params, gradient_sequence):
    """Apply the gradients with a Keras optimiser to variables holding ``params``; return their values."""
    variables = {name: keras.Variable(value, name=name) for name, value in params.items()}
    for grads in gradient_sequence:
        keras_optimizer.apply_gradients([(keras.ops.convert_to_tensor(grads[name]), variables[name]) for name in params])
    return {name: variable.numpy() for name, variable in variables.items()}


def numpy_steps(optimizer, params, gradient_sequence):
    state = optimizer.init(params)
    for grads in gradient_sequence:
        params, state = optimizer.update(params, grads, state)
    return params, state


# Keras casts momentum and the β's through float32 even for float64 variables (ops.cast of a Python
# float), so the float64 comparisons use values that float32 holds exactly: 0.875, 1 − 2⁻¹⁰, ….


@pytest.mark.parametrize("momentum", [0.0, 0.875])
def test_sgd_matches_keras_over_several_steps(keras64, momentum):
    rng = np.random.default_rng(1)
    params = random_params(rng)
    gradient_sequence = [random_params(rng) for _ in range(4)]
    ours, state = numpy_steps(optim.SGD(learning_rate=0.25, momentum=momentum), params, gradient_sequence)
    theirs = keras_steps(keras64, keras64.optimizers.SGD(learning_rate=0.25, momentum=momentum), params, gradient_sequence)
    assert state.step == 4
    for name in params:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-13, atol=1e-14)


@pytest.mark.parametrize("epsilon", [1e-7, 1e-2])
@pytest.mark.parametrize("beta_1, beta_2", [(0.875, 1 - 2**-10), (0.5, 0.75)])
def test_adam_matches_keras_over_several_steps(keras64, epsilon, beta_1, beta_2):
    rng = np.random.default_rng(2)
    params = random_params(rng)
    # Gradients of very different sizes, so that ε matters for some entries and not for others.
    gradient_sequence = [{name: g * 10.0 ** rng.integers(-4, 1, size=g.shape) for name, g in random_params(rng).items()}
                         for _ in range(5)]
    ours, state = numpy_steps(optim.Adam(0.125, beta_1, beta_2, epsilon), params, gradient_sequence)
    theirs = keras_steps(keras64, keras64.optimizers.Adam(0.125, beta_1, beta_2, epsilon), params, gradient_sequence)
    assert state.step == 5
    for name in params:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-12, atol=1e-13)


def test_adam_first_step_follows_its_equations():
    """At t = 1: m = (1 − β₁) g, v = (1 − β₂) g², so θ moves by η g / (|g| + ε / √(1 − β₂))."""
    g = np.array([2.0, -1e-6, 0.0, 3e-3])
    eta, beta_2, epsilon = 0.1, 0.99, 1e-5
    new, state = optim.Adam(eta, 0.9, beta_2, epsilon).update({"w": np.ones(4)}, {"w": g}, optim.Adam().init({"w": np.ones(4)}))
    expected = 1.0 - eta * g / (np.abs(g) + epsilon / math.sqrt(1.0 - beta_2))
    np.testing.assert_allclose(new["w"], expected, rtol=1e-14)
    np.testing.assert_allclose(state.m["w"], 0.1 * g, rtol=1e-14)
    np.testing.assert_allclose(state.v["w"], 0.01 * g**2, rtol=1e-14)


def test_sgd_with_momentum_accumulates_a_constant_gradient():
    """Constant g: v_t = −η g (1 + μ + … + μ^(t-1)), so after 3 steps θ moved by −η g (3 + 2μ + μ²)."""
    mu, eta = 0.5, 0.1
    params, _ = numpy_steps(optim.SGD(eta, mu), {"w": np.zeros(2)}, [{"w": np.array([1.0, -2.0])}] * 3)
    np.testing.assert_allclose(params["w"], -eta * np.array([1.0, -2.0]) * (3 + 2 * mu + mu**2), rtol=1e-14)


@pytest.mark.parametrize("optimizer", [optim.SGD(0.1), optim.SGD(0.1, 0.9), optim.Adam(0.1)])
def test_update_leaves_its_arguments_unchanged(optimizer):
    rng = np.random.default_rng(3)
    params, grads = random_params(rng), random_params(rng)
    state = optimizer.init(params)
    params, state = optimizer.update(params, grads, state)  # a state with non-zero moments
    copies = [{name: value.copy() for name, value in d.items()} for d in (params, grads)]
    new_params, new_state = optimizer.update(params, grads, state)
    for original, copy in zip((params, grads), copies):
        for name in original:
            np.testing.assert_array_equal(original[name], copy[name])
    assert new_state.step == state.step + 1 == 2
    assert all(not np.shares_memory(new_params[name], params[name]) for name in params)


@pytest.mark.parametrize("optimizer", [optim.SGD(0.1, 0.9), optim.Adam(0.1)])
def test_update_keeps_float32(optimizer):
    params = random_params(np.random.default_rng(4), np.float32)
    new, state = optimizer.update(params, random_params(np.random.default_rng(5), np.float32), optimizer.init(params))
    assert all(value.dtype == np.float32 for value in new.values())


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: optim.SGD(learning_rate=0.0), r"learning_rate must be in \(0, inf\), got 0.0"),
        (lambda: optim.SGD(learning_rate=float("nan")), r"learning_rate must be a finite number, got nan"),
        (lambda: optim.SGD(learning_rate=True), r"learning_rate must be a finite number, got True"),
        (lambda: optim.SGD(momentum=1.0), r"momentum must be in \[0, 1\), got 1.0"),
        (lambda: optim.Adam(learning_rate="0.1"), r"learning_rate must be a finite number, got '0.1'"),
        (lambda: optim.Adam(beta_1=-0.1), r"beta_1 must be in \[0, 1\), got -0.1"),
        (lambda: optim.Adam(beta_2=1.0), r"beta_2 must be in \[0, 1\), got 1.0"),
        (lambda: optim.Adam(epsilon=0.0), r"epsilon must be in \(0, inf\), got 0.0"),
    ],
)
def test_hyperparameters_are_checked(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("optimizer", [optim.SGD(0.1, 0.9), optim.Adam(0.1)])
@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p, g: (p, {"W": g["W"]}), r"grads must have the keys of params \['W', 'b'\], got \['W'\]"),
        (lambda p, g: (p, {**g, "b": np.ones(3)}), r"grads\['b'\] must have the shape of params\['b'\], \(4,\), got \(3,\)"),
        (lambda p, g: (p, {**g, "b": np.array([1.0, np.nan, 0, 0])}), r"grads\['b'\] must be finite, got 1 nan/inf"),
        (lambda p, g: (p, {**g, "b": np.arange(4)}), r"grads\['b'\] must hold floats, got dtype int64"),
        (lambda p, g: ({}, g), r"params must be a non-empty dict of arrays by name, got dict"),
        (lambda p, g: ([1.0], g), r"params must be a non-empty dict of arrays by name, got list"),
    ],
)
def test_update_rejects_mismatched_arrays(optimizer, change, message):
    rng = np.random.default_rng(6)
    params, grads = random_params(rng), random_params(rng)
    state = optimizer.init(params)
    params, grads = change(params, grads)
    with pytest.raises(ValueError, match=message):
        optimizer.update(params, grads, state)


def test_update_rejects_a_foreign_or_mismatched_state():
    params = random_params(np.random.default_rng(7))
    with pytest.raises(ValueError, match=r"state must be an AdamState \(from Adam.init\), got SGDState"):
        optim.Adam().update(params, params, optim.SGD(0.1).init(params))
    with pytest.raises(ValueError, match=r"state must be an SGDState \(from SGD.init\), got AdamState"):
        optim.SGD(0.1).update(params, params, optim.Adam().init(params))
    other = optim.Adam().init({"W": np.zeros((3, 4))})
    with pytest.raises(ValueError, match=r"state.m must have the keys of params \['W', 'b'\], got \['W'\]"):
        optim.Adam().update(params, params, other)
    small = optim.SGD(0.1, 0.5).init({"W": np.zeros((3, 4)), "b": np.zeros(2)})
    with pytest.raises(ValueError, match=r"state.velocity\['b'\] must have the shape of params\['b'\], \(4,\), got \(2,\)"):
        optim.SGD(0.1, 0.5).update(params, params, small)


def test_init_rejects_non_float_params():
    with pytest.raises(ValueError, match=r"params\['W'\] must hold floats, got dtype <U1"):
        optim.Adam().init({"W": np.array(["a"])})
