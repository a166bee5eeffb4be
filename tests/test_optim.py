"""Tests of lstm_helpers.optim: SGD with momentum and Adam against Keras's optimisers and their equations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstm_helpers import optim

SHAPES = {"W": (3, 4), "b": (4,)}



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


# --- issue 14: a bad input raises an error naming the argument ("Before:" says what it did before) ---


@pytest.mark.parametrize("optimizer", [optim.SGD(0.1), optim.SGD(0.1, 0.9), optim.Adam(0.1)])
def test_update_refuses_gradients_of_another_float_type(optimizer):
    """Before: float64 gradients turned float32 parameters into float64 ones without a word."""
    params = random_params(np.random.default_rng(8), np.float32)
    state = optimizer.init(params)
    with pytest.raises(ValueError, match=r"grads\['W'\] must have the dtype of params\['W'\], float32, got float64"):
        optimizer.update(params, random_params(np.random.default_rng(9)), state)


def test_update_refuses_a_state_of_another_float_type():
    params = random_params(np.random.default_rng(10), np.float32)
    state = optim.Adam().init(random_params(np.random.default_rng(10)))
    with pytest.raises(ValueError, match=r"state.m\['W'\] must have the dtype of params\['W'\], float32, got float64"):
        optim.Adam().update(params, params, state)


@pytest.mark.parametrize("make, message", [
    (lambda: optim.AdamState(-1, {"W": np.zeros(2)}, {"W": np.zeros(2)}), r"step must be an integer >= 0, got -1"),
    (lambda: optim.SGDState(2.5, {}), r"step must be an integer >= 0, got 2.5"),
    (lambda: optim.SGDState(0, [np.zeros(2)]), r"velocity must be a dict of arrays by name, got list"),
])
def test_states_check_their_fields(make, message):
    """Before: AdamState(step=-1) made Adam divide by 1 − β₁⁰ = 0."""
    with pytest.raises(ValueError, match=message):
        make()


def test_adam_init_gives_m_and_v_arrays_of_their_own():
    state = optim.Adam().init({"w": np.ones(3)})
    assert not np.shares_memory(state.m["w"], state.v["w"])


@pytest.mark.parametrize("optimizer, params, grads, message", [
    (optim.Adam(), {"w": np.ones(2, np.float32)}, {"w": np.full(2, 1e20, np.float32)},
     r"the update overflowed float32 in state.v\['w'\] \(largest \|params\['w'\]\| 1, \|grads\['w'\]\| 1e\+20\)"),
    (optim.SGD(1e300), {"w": np.ones(2)}, {"w": np.full(2, 1e300)}, r"the update overflowed float64 in params\['w'\]"),
    (optim.SGD(1e300, 0.5), {"w": np.ones(2)}, {"w": np.full(2, 1e300)}, r"overflowed float64 in state.velocity\['w'\]"),
])
def test_update_reports_an_overflow_instead_of_returning_inf(optimizer, params, grads, message):
    """Before: g² overflowed to inf in float32, so Adam left the weights where they were (m / inf = 0)."""
    with pytest.raises(ValueError, match=message):
        optimizer.update(params, grads, optimizer.init(params))


def test_sgd_with_momentum_refuses_the_state_of_an_sgd_without():
    params = random_params(np.random.default_rng(11))
    with pytest.raises(ValueError, match=r"state.velocity must have the keys of params \['W', 'b'\], got none"):
        optim.SGD(0.1, 0.9).update(params, params, optim.SGD(0.1).init(params))


def test_init_refuses_a_ragged_parameter_naming_it():
    with pytest.raises(ValueError, match=r"params\['W'\] must be an array of floats, got list"):
        optim.SGD().init({"W": [[1.0, 2.0], [3.0]]})
