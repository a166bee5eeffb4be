"""Tests of lstm_helpers.lstm_variants: peephole and coupled LSTMs, forward identities and gradchecks."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import lstm
from lstm_helpers import lstm_variants as V
from lstm_helpers.gradcheck import gradcheck

VARIANTS = [(True, False), (False, True), (True, True)]  # (peephole, coupled)


def random_variant(features, units, rng, peephole, coupled):
    w = V.init_variant(features, units, rng, peephole=peephole, coupled=coupled, scale=1.0)
    peep = None if w.peephole is None else rng.normal(size=w.peephole.shape)
    return V.VariantWeights(w.W_x, w.W_h, rng.normal(size=w.b.shape), peep, coupled)


@pytest.mark.parametrize("peephole, coupled", VARIANTS, ids=["peephole", "coupled", "peephole+coupled"])
@pytest.mark.parametrize("batch", [1, 3])
@pytest.mark.parametrize("steps", [1, 5])
def test_backward_passes_gradcheck_for_every_parameter(peephole, coupled, batch, steps):
    rng = np.random.default_rng(100 * batch + 10 * steps + 2 * peephole + coupled)
    weights = random_variant(3, 4, rng, peephole, coupled)
    x, h0, c0 = rng.normal(size=(batch, steps, 3)), rng.normal(size=(batch, 4)), rng.normal(size=(batch, 4))
    upstream_h, upstream_c = rng.normal(size=(batch, steps, 4)), rng.normal(size=(batch, 4))

    def loss(p):
        w = V.VariantWeights(p["W_x"], p["W_h"], p["b"], p.get("peephole"), coupled)
        trace = V.variant_forward(p["x"], w, p["h0"], p["c0"])
        return float((trace.h * upstream_h).sum() + (trace.c[:, -1] * upstream_c).sum())

    g = V.variant_backward(x, weights, V.variant_forward(x, weights, h0, c0), upstream_h, h0, c0, upstream_c)
    params = {"W_x": weights.W_x, "W_h": weights.W_h, "b": weights.b, "x": x, "h0": h0, "c0": c0}
    analytic = {"W_x": g.dW_x, "W_h": g.dW_h, "b": g.db, "x": g.dx, "h0": g.dh0, "c0": g.dc0}
    if peephole:
        params["peephole"], analytic["peephole"] = weights.peephole, g.dpeephole
    else:
        assert g.dpeephole is None
    errors = gradcheck(loss, params, analytic)
    assert max(errors.values()) < 1e-7, errors


def test_without_switches_or_with_zero_peepholes_it_is_the_lstm():
    rng = np.random.default_rng(0)
    plain = V.init_variant(3, 4, rng)
    x = rng.normal(size=(2, 6, 3))
    expected = lstm.lstm_forward(x, lstm.LSTMWeights(plain.W_x, plain.W_h, plain.b)).h
    # rtol, not exact equality: lstm_forward adds x_t W_x and h_{t-1} W_h as two products, the variant as one.
    np.testing.assert_allclose(V.variant_forward(x, plain).h, expected, rtol=1e-13)
    zero_peep = V.VariantWeights(plain.W_x, plain.W_h, plain.b, np.zeros((3, 4)))
    np.testing.assert_allclose(V.variant_forward(x, zero_peep).h, expected, rtol=1e-12)


def test_coupled_input_gate_is_one_minus_forget_gate():
    rng = np.random.default_rng(1)
    weights = V.init_variant(2, 3, rng, coupled=True)
    trace = V.variant_forward(rng.normal(size=(2, 5, 2)), weights)
    np.testing.assert_allclose(trace.i, 1 - trace.f, rtol=1e-12)
    assert weights.gates == ("f", "c_tilde", "o") and weights.W_x.shape == (2, 9)


def test_output_gate_peephole_sees_the_new_cell_state():
    # zero weights, o's bias 0 and p_o = 50: o = σ(50 c_t) flips with the sign of the new cell state
    W_x = np.zeros((1, 16))
    W_x[0, 8:12] = 5.0  # candidate follows the input
    b = np.zeros(16)
    b[:4], b[4:8] = 20.0, -20.0  # i = 1, f = 0: c_t = tanh(5 x_t)
    peep = np.zeros((3, 4))
    peep[2] = 50.0
    weights = V.VariantWeights(W_x, np.zeros((4, 16)), b, peep)
    trace = V.variant_forward(np.array([[[1.0], [-1.0]]]), weights)
    assert (trace.o[0, 0] > 0.99).all() and (trace.o[0, 1] < 0.01).all()


@pytest.mark.parametrize("peephole, coupled, expected", [(False, False, 4 * 4 * 8), (True, False, 4 * 4 * 8 + 12),
                                                         (False, True, 3 * 4 * 8), (True, True, 3 * 4 * 8 + 8)])
def test_n_params_follows_the_formula(peephole, coupled, expected):
    # n = 3, H = 4: each block has H·(n + H + 1) = 32 weights; peepholes add one H-vector per sigmoid gate
    assert V.init_variant(3, 4, np.random.default_rng(0), peephole, coupled).n_params() == expected


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"W_x": np.ones((2, 12)), "W_h": np.ones((3, 9)), "b": np.ones(12)}, r"W_h must have shape \(units, 4·units\), got \(3, 9\)"),
        ({"W_x": np.ones((2, 9)), "W_h": np.ones((3, 9)), "b": np.ones(9), "coupled": True, "peephole": np.ones((3, 3))},
         r"peephole must have shape \(2, 3\) \(one row per sigmoid gate\), got \(3, 3\)"),
    ],
)
def test_weights_reject_inconsistent_shapes(kwargs, message):
    with pytest.raises(ValueError, match=message):
        V.VariantWeights(**kwargs)


def test_forward_and_backward_reject_bad_input():
    weights = V.init_variant(2, 3, np.random.default_rng(0), peephole=True)
    with pytest.raises(ValueError, match=r"weights must be VariantWeights, got LSTMWeights"):
        V.variant_forward(np.ones((1, 1, 2)), lstm.init_lstm(2, 3, np.random.default_rng(0)))
    trace = V.variant_forward(np.ones((1, 2, 2)), weights)
    with pytest.raises(ValueError, match=r"dh must have shape \(batch, steps, units\) = \(1, 2, 3\), got \(2, 2, 3\)"):
        V.variant_backward(np.ones((1, 2, 2)), weights, trace, np.ones((2, 2, 3)))
    with pytest.raises(ValueError, match=r"weights must be VariantWeights, got LSTMWeights"):
        V.variant_backward(np.ones((1, 2, 2)), lstm.init_lstm(2, 3, np.random.default_rng(0)), trace, np.ones((1, 2, 3)))
    with pytest.raises(ValueError, match=r"features must be an integer >= 1, got 0"):
        V.init_variant(0, 3, np.random.default_rng(0))
    with pytest.raises(ValueError, match=r"rng must be a numpy.random.Generator"):
        V.init_variant(2, 3, 42)


# --- issue 14: a bad input raises an error naming the argument ("Before:" says what it did before) ---


def test_peephole_weights_are_checked_like_the_others():
    """Before: nan peepholes gave a nan trace, and float32 peepholes with float64 weights passed."""
    w = V.init_variant(2, 3, np.random.default_rng(0), peephole=True)
    peephole = np.zeros((3, 3))
    peephole[1, 2] = np.nan
    with pytest.raises(ValueError, match=r"peephole must be finite, got 1 nan/inf values of 9"):
        V.VariantWeights(w.W_x, w.W_h, w.b, peephole)
    with pytest.raises(TypeError, match=r"W_x, W_h, b, peephole must have one float dtype, got .* peephole float32"):
        V.VariantWeights(w.W_x, w.W_h, w.b, w.peephole.astype(np.float32))


@pytest.mark.parametrize("make", [
    lambda: V.init_variant(2, 3, np.random.default_rng(0), peephole="no"),
    lambda: V.init_variant(2, 3, np.random.default_rng(0), coupled=1),
    lambda: V.VariantWeights(np.ones((2, 9)), np.ones((3, 9)), np.ones(9), coupled="yes"),
])
def test_switches_must_be_bools(make):
    """Before: peephole="no" (a true string) added peepholes; coupled="yes" was taken as coupled."""
    with pytest.raises(TypeError, match=r"(peephole|coupled) must be True or False, got"):
        make()


def test_backward_refuses_nonfinite_inputs_and_a_trace_of_another_layer():
    from lstm_helpers import gru

    weights = V.init_variant(2, 3, np.random.default_rng(0), peephole=True)
    x = np.random.default_rng(1).normal(size=(2, 4, 2))
    trace = V.variant_forward(x, weights)
    dh = np.ones((2, 4, 3))
    dh[0, 0, 0] = np.nan
    with pytest.raises(ValueError, match=r"dh must be finite, got 1 nan/inf values of 24"):
        V.variant_backward(x, weights, trace, dh)
    with pytest.raises(ValueError, match=r"dc_last must be finite, got 1 nan/inf values of 6"):
        V.variant_backward(x, weights, trace, np.ones((2, 4, 3)), dc_last=[[np.inf, 0, 0], [0, 0, 0]])
    with pytest.raises(TypeError, match=r"trace must be the LSTMTrace that variant_forward returned, got GRUTrace"):
        V.variant_backward(x, weights, gru.gru_forward(x, gru.init_gru(2, 3, np.random.default_rng(0))), np.ones((2, 4, 3)))
    with pytest.raises(TypeError, match=r"dh must hold real numbers \(float or int\), got dtype object"):
        V.variant_backward(x, weights, trace, np.ones((2, 4, 3), dtype=object))
