"""Tests of lstm_helpers.layer_norm_lstm (its Keras cell is tested in test_keras_layer_norm.py).

Gradient checks of every parameter, x, h0 and c0; input validation; and hypothesis properties
(no mutation, independent batch rows, near-invariance to the scale of W_x, backward linear in dh).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lstm_helpers import layer_norm_lstm as L
from lstm_helpers.gradcheck import gradcheck

NAMES = ("W_x", "W_h", "b", *(name for name, _ in L.NORM_PARAMETERS))


def random_weights(features, units, rng, trivial=False, dtype=np.float64):
    """LNLSTMWeights with random W_x, W_h; gains 1 and biases 0 if ``trivial``, else random ones."""
    w = L.init_ln_lstm(features, units, rng, scale=1.0)
    if trivial:
        arrays = [getattr(w, name) for name in NAMES]
    else:
        arrays = [w.W_x, w.W_h] + [rng.normal(size=getattr(w, name).shape) for name in NAMES[2:]]
    return L.LNLSTMWeights(*(np.asarray(a, dtype=dtype) for a in arrays))


def gradients_by_name(g):
    return {**{name: getattr(g, "d" + name) for name in NAMES}, "x": g.dx, "h0": g.dh0, "c0": g.dc0}


# --- gradient checks ---------------------------------------------------------------------------------

@pytest.mark.parametrize("batch, steps", [(1, 1), (3, 4)])
@pytest.mark.parametrize("trivial", [True, False], ids=["gains1-biases0", "random-gains"])
def test_backward_gradchecks_every_parameter_x_and_states(batch, steps, trivial):
    rng = np.random.default_rng(10 * batch + steps + trivial)
    weights = random_weights(3, 4, rng, trivial)
    x, h0, c0 = rng.normal(size=(batch, steps, 3)), rng.normal(size=(batch, 4)), rng.normal(size=(batch, 4))
    upstream_h, upstream_c = rng.normal(size=(batch, steps, 4)), rng.normal(size=(batch, 4))

    def loss(p):
        trace = L.ln_lstm_forward(p["x"], L.LNLSTMWeights(*(p[name] for name in NAMES)), p["h0"], p["c0"])
        return float((trace.h * upstream_h).sum() + (trace.c[:, -1] * upstream_c).sum())

    g = L.ln_lstm_backward(x, weights, L.ln_lstm_forward(x, weights, h0, c0), upstream_h, h0, c0, upstream_c)
    params = {**{name: getattr(weights, name) for name in NAMES}, "x": x, "h0": h0, "c0": c0}
    errors = gradcheck(loss, params, gradients_by_name(g))
    assert set(errors) == set(NAMES) | {"x", "h0", "c0"}
    assert max(errors.values()) < 1e-7, errors


def test_gradcheck_with_zero_initial_states():
    # h0 = 0 makes h_0 W_h a constant row (variance 0): ε keeps LN finite and differentiable there.
    rng = np.random.default_rng(7)
    weights = random_weights(2, 3, rng)
    x, upstream = rng.normal(size=(2, 3, 2)), rng.normal(size=(2, 3, 3))

    def loss(p):
        w = L.LNLSTMWeights(*(p[name] for name in NAMES))
        return float((L.ln_lstm_forward(p["x"], w).h * upstream).sum())

    g = L.ln_lstm_backward(x, weights, L.ln_lstm_forward(x, weights), upstream)
    params = {**{name: getattr(weights, name) for name in NAMES}, "x": x}
    analytic = {name: value for name, value in gradients_by_name(g).items() if name in params}
    assert max(gradcheck(loss, params, analytic).values()) < 1e-7


# --- forward identities ---------------------------------------------------------------------------

def test_normalised_vectors_have_mean_zero_and_variance_near_one():
    rng = np.random.default_rng(1)
    trace = L.ln_lstm_forward(rng.normal(size=(2, 5, 3)), random_weights(3, 4, rng), rng.normal(size=(2, 4)))
    for name in ("x_hat", "h_hat", "c_hat"):
        array = getattr(trace, name)
        np.testing.assert_allclose(array.mean(axis=-1), 0.0, atol=1e-12)
        variance = array.var(axis=-1)
        assert (variance <= 1.0).all() and (variance > 0.99).all(), (name, variance.min())


def test_ln_is_over_all_four_gate_blocks_not_per_block():
    rng = np.random.default_rng(2)
    trace = L.ln_lstm_forward(rng.normal(size=(2, 3, 3)), random_weights(3, 4, rng))
    blocks = trace.x_hat.reshape(2, 3, 4, 4).mean(axis=-1)  # per-gate means: not all 0
    assert np.abs(blocks).max() > 1e-3
    np.testing.assert_allclose(blocks.mean(axis=-1), 0.0, atol=1e-12)


def test_scale_invariance_holds_only_up_to_epsilon():
    # LN_ε(s z) = LN_{ε/s²}(z): exact for ε → 0, visibly broken when v is not large next to ε.
    rng = np.random.default_rng(3)
    weights = random_weights(3, 4, rng)
    scaled = L.LNLSTMWeights(*(weights.W_x * 10.0 if name == "W_x" else getattr(weights, name) for name in NAMES))
    x = rng.normal(size=(2, 4, 3))
    np.testing.assert_allclose(L.ln_lstm_forward(x, scaled, epsilon=1e-12).h,
                               L.ln_lstm_forward(x, weights, epsilon=1e-12).h, atol=1e-9)
    tiny = 1e-3 * x  # rows of x_t W_x with variance about 1e-6, below ε = 1e-5
    difference = np.abs(L.ln_lstm_forward(tiny, scaled).h - L.ln_lstm_forward(tiny, weights).h).max()
    assert difference > 1e-2


def test_float32_stays_float32():
    rng = np.random.default_rng(4)
    weights = random_weights(2, 3, rng, dtype=np.float32)
    x = rng.normal(size=(2, 3, 2)).astype(np.float32)
    trace = L.ln_lstm_forward(x, weights)
    assert {a.dtype for a in vars(trace).values()} == {np.dtype(np.float32)}
    g = L.ln_lstm_backward(x, weights, trace, np.ones((2, 3, 3), dtype=np.float32))
    assert {a.dtype for a in vars(g).values()} == {np.dtype(np.float32)}


# --- validation ------------------------------------------------------------------------------------

def test_weights_reject_bad_shapes_types_and_values():
    w = L.init_ln_lstm(2, 3, np.random.default_rng(0))
    arrays = {name: getattr(w, name) for name in NAMES}
    with pytest.raises(ValueError, match=r"g_x must have shape \(12,\) for 3 units, got \(3,\)"):
        L.LNLSTMWeights(**{**arrays, "g_x": np.ones(3)})
    with pytest.raises(ValueError, match=r"beta_c must have shape \(3,\) for 3 units, got \(12,\)"):
        L.LNLSTMWeights(**{**arrays, "beta_c": np.zeros(12)})
    with pytest.raises(ValueError, match=r"g_h must be finite, got 1 nan/inf values of 12"):
        L.LNLSTMWeights(**{**arrays, "g_h": np.r_[np.nan, np.ones(11)]})
    with pytest.raises(TypeError, match=r"must have one float dtype"):
        L.LNLSTMWeights(**{**arrays, "g_c": np.ones(3, dtype=np.float32)})
    with pytest.raises(TypeError, match=r"beta_x must be an array of real numbers, got None"):
        L.LNLSTMWeights(**{**arrays, "beta_x": None})
    with pytest.raises(TypeError, match=r"g_x must hold real numbers"):
        L.LNLSTMWeights(**{**arrays, "g_x": np.full(12, "a")})


def test_forward_and_backward_reject_bad_inputs():
    from lstm_helpers import lstm

    rng = np.random.default_rng(0)
    w = L.init_ln_lstm(2, 3, rng)
    x = rng.normal(size=(2, 4, 2))
    trace = L.ln_lstm_forward(x, w)
    with pytest.raises(TypeError, match=r"weights must be LNLSTMWeights, got LSTMWeights"):
        L.ln_lstm_forward(x, lstm.init_lstm(2, 3, rng))
    with pytest.raises(ValueError, match=r"x must have 2 features"):
        L.ln_lstm_forward(np.ones((2, 4, 5)), w)
    with pytest.raises(ValueError, match=r"x must be finite"):
        L.ln_lstm_forward(np.full((2, 4, 2), np.inf), w)
    with pytest.raises(ValueError, match=r"h0 must have shape \(batch, units\) = \(2, 3\), got \(3,\)"):
        L.ln_lstm_forward(x, w, h0=np.zeros(3))
    for epsilon, error, message in [(0.0, ValueError, r"epsilon must be > 0.0, got 0.0"),
                                    (-1e-5, ValueError, r"epsilon must be > 0.0"),
                                    (np.nan, ValueError, r"epsilon must be finite"),
                                    ("1e-5", TypeError, r"epsilon must be a real number")]:
        with pytest.raises(error, match=message):
            L.ln_lstm_forward(x, w, epsilon=epsilon)
    dh = np.ones((2, 4, 3))
    with pytest.raises(TypeError, match=r"trace must be the LNLSTMTrace that ln_lstm_forward returned, got LSTMTrace"):
        L.ln_lstm_backward(x, w, lstm.LSTMTrace(trace.h, trace.c, trace.i, trace.f, trace.c_tilde, trace.o), dh)
    with pytest.raises(ValueError, match=r"trace.x_hat must have shape \(2, 4, 12\)"):
        L.ln_lstm_backward(x[:, :4], w, L.LNLSTMTrace(**{**vars(trace), "x_hat": trace.x_hat[:, :, :3]}), dh)
    with pytest.raises(ValueError, match=r"trace.inv_std_c must be finite"):
        L.ln_lstm_backward(x, w, L.LNLSTMTrace(**{**vars(trace), "inv_std_c": trace.inv_std_c * np.nan}), dh)
    with pytest.raises(ValueError, match=r"dh must have shape \(batch, steps, units\) = \(2, 4, 3\)"):
        L.ln_lstm_backward(x, w, trace, np.ones((2, 4, 4)))
    with pytest.raises(ValueError, match=r"dh must be finite"):
        L.ln_lstm_backward(x, w, trace, np.full((2, 4, 3), np.nan))
    with pytest.raises(ValueError, match=r"dc_last must have shape"):
        L.ln_lstm_backward(x, w, trace, dh, dc_last=np.ones((2, 2)))


def test_init_rejects_bad_arguments():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"units must be an integer >= 1, got 2.7"):
        L.init_ln_lstm(2, 2.7, rng)
    with pytest.raises(TypeError, match=r"rng must be a numpy.random.Generator"):
        L.init_ln_lstm(2, 3, 0)
    with pytest.raises(ValueError, match=r"forget_bias must be finite"):
        L.init_ln_lstm(2, 3, rng, forget_bias=np.inf)


# --- properties (hypothesis) -------------------------------------------------------------------------

@st.composite
def ln_case(draw, dtype=np.float64):
    """(weights, x, h0, c0) with random gains and biases, sizes 1 … 3."""
    batch, steps, features, units = (draw(st.integers(1, 3)) for _ in range(4))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    weights = random_weights(features, units, rng, trivial=draw(st.booleans()), dtype=dtype)
    elements = st.floats(-3, 3, width=np.dtype(dtype).itemsize * 8)
    x = draw(hnp.arrays(dtype, (batch, steps, features), elements=elements))
    h0, c0 = (draw(st.none() | hnp.arrays(dtype, (batch, units), elements=elements)) for _ in range(2))
    return weights, x, h0, c0


@given(ln_case(), st.sampled_from([np.float32, np.float64]))
@settings(max_examples=25)
def test_forward_and_backward_never_mutate_their_inputs(case, dtype):
    weights, x, h0, c0 = case
    weights = L.LNLSTMWeights(*(getattr(weights, name).astype(dtype) for name in NAMES))
    x = x.astype(dtype)
    inputs = [x, h0, c0, *(getattr(weights, name) for name in NAMES)]
    copies = [None if a is None else a.copy() for a in inputs]
    trace = L.ln_lstm_forward(x, weights, h0, c0)
    assert isinstance(trace, L.LNLSTMTrace) and trace.h.dtype == dtype
    trace_copy = {name: value.copy() for name, value in vars(trace).items()}
    dh = np.ones(trace.h.shape, dtype=dtype)
    g = L.ln_lstm_backward(x, weights, trace, dh, h0, c0)
    assert isinstance(g, L.LNLSTMGradients)
    for a, copy in zip(inputs, copies):
        if a is not None:
            np.testing.assert_array_equal(a, copy)
    for name, value in vars(trace).items():
        np.testing.assert_array_equal(value, trace_copy[name])
        assert not any(np.shares_memory(value, a) for a in inputs if a is not None)
    np.testing.assert_array_equal(dh, 1)


@given(ln_case())
@settings(max_examples=25)
def test_batch_rows_do_not_interact(case):
    weights, x, h0, c0 = case
    trace = L.ln_lstm_forward(x, weights, h0, c0)
    dh = np.cos(np.arange(trace.h.size)).reshape(trace.h.shape)
    g = L.ln_lstm_backward(x, weights, trace, dh, h0, c0)
    for row in range(x.shape[0]):
        pick = slice(row, row + 1)
        h0_row = None if h0 is None else h0[pick]
        c0_row = None if c0 is None else c0[pick]
        alone = L.ln_lstm_forward(x[pick], weights, h0_row, c0_row)
        np.testing.assert_allclose(alone.h, trace.h[pick], rtol=1e-12, atol=1e-14)
        g_row = L.ln_lstm_backward(x[pick], weights, alone, dh[pick], h0_row, c0_row)
        np.testing.assert_allclose(g_row.dx, g.dx[pick], rtol=1e-10, atol=1e-13)
        np.testing.assert_allclose(g_row.dh0, g.dh0[pick], rtol=1e-10, atol=1e-13)


@given(ln_case(), st.floats(0.25, 8.0), st.floats(0.25, 8.0))
@settings(max_examples=30)
def test_output_is_invariant_to_the_scale_of_W_x_and_W_h_as_epsilon_vanishes(case, s_x, s_h):
    # Exact only for ε → 0 (LN_ε(s z) = LN_{ε/s²}(z)); ε = 1e-12 next to rows whose variance is
    # ≥ 1e-4 leaves a relative change below 1e-7. Zero-variance rows (h_0 = 0 at t = 1) map to β.
    weights, x, h0, c0 = case
    epsilon = 1e-12
    trace = L.ln_lstm_forward(x, weights, h0, c0, epsilon=epsilon)
    # v = 1/inv_std² − ε: skip draws with a row of tiny but nonzero variance (ill-conditioned)
    # (and a c_t of several units with a small variance: LN(c_t) then magnifies any change of c_t)
    for inv_std in (trace.inv_std_x, trace.inv_std_h):
        variance = 1.0 / inv_std**2 - epsilon
        if ((variance > 1e-20) & (variance < 1e-4)).any():
            return
    if weights.units > 1 and (1.0 / trace.inv_std_c**2 < 1e-4).any():
        return
    scaled = L.LNLSTMWeights(*(getattr(weights, name) * {"W_x": s_x, "W_h": s_h}.get(name, 1.0) for name in NAMES))
    np.testing.assert_allclose(L.ln_lstm_forward(x, scaled, h0, c0, epsilon=epsilon).h, trace.h, atol=1e-6)


@given(ln_case(), st.floats(-3, 3))
@settings(max_examples=25)
def test_backward_is_linear_in_dh(case, k):
    weights, x, h0, c0 = case
    trace = L.ln_lstm_forward(x, weights, h0, c0)
    rng = np.random.default_rng(0)
    dh1, dh2 = rng.normal(size=(2, *trace.h.shape))
    g1, g2 = (L.ln_lstm_backward(x, weights, trace, dh, h0, c0) for dh in (dh1, dh2))
    g12 = L.ln_lstm_backward(x, weights, trace, dh1 + k * dh2, h0, c0)
    for name in vars(g12):
        expected = getattr(g1, name) + k * getattr(g2, name)
        scale = 1.0 + np.abs(getattr(g1, name)).max() + abs(k) * np.abs(getattr(g2, name)).max()
        np.testing.assert_allclose(getattr(g12, name), expected, atol=1e-12 * scale, err_msg=name)


@given(st.integers(1, 4), st.integers(1, 4), st.floats(0.0, 3.0), st.floats(-2, 2))
@settings(max_examples=20)
def test_init_ln_lstm_gives_unit_gains_zero_ln_biases_and_the_forget_bias(features, units, scale, forget_bias):
    w = L.init_ln_lstm(features, units, np.random.default_rng(0), scale=scale, forget_bias=forget_bias)
    assert isinstance(w, L.LNLSTMWeights)
    assert (w.g_x == 1).all() and (w.g_h == 1).all() and (w.g_c == 1).all()
    assert not w.beta_x.any() and not w.beta_h.any() and not w.beta_c.any()
    np.testing.assert_array_equal(w.b, np.r_[np.zeros(units), np.full(units, forget_bias), np.zeros(2 * units)])
    assert w.n_params() == 4 * units * (features + units + 1) + 16 * units + 2 * units
