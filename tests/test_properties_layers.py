"""Property tests (hypothesis) of the recurrent layers, the character model and the optimisers.

Every public helper of lstm_helpers.lstm, .gru, .rnn, .lstm_variants, .char_model and .optim is
exercised on drawn inputs: good ones (shapes, float types, values) must give results that agree
with a reference computation and leave the inputs unchanged; bad ones (nan/inf anywhere, wrong
types, wrong sizes) must raise an error that names the argument. Sizes are small so that the file
runs in a few seconds.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from lstm_helpers import char_model, gru, lstm, optim, rnn
from lstm_helpers import lstm_variants as V

FLOATS = st.sampled_from([np.float32, np.float64])
SIZE = st.integers(1, 4)
NONFINITE = st.sampled_from([np.nan, np.inf, -np.inf])
# values that are not arrays of real numbers, with the dtype (or type) the message reports
WRONG_KIND = st.sampled_from([("text", "str"), (np.full((2, 2), "a"), "<U1"), (np.full((2, 2), 1j), "complex128"),
                              (np.ones((2, 2), dtype=bool), "bool"), (np.ones((2, 2), dtype=object), "object")])


def finite(dtype, shape, bound=3.0):
    """Finite floats of ``dtype`` in [-bound, bound] (an array strategy)."""
    return hnp.arrays(dtype, shape, elements=st.floats(-bound, bound, width=np.dtype(dtype).itemsize * 8))


@st.composite
def sizes(draw):
    """(batch, steps, features, units), each 1 … 4."""
    return tuple(draw(SIZE) for _ in range(4))


@st.composite
def layer_case(draw, kind):
    """Weights of ``kind`` in a drawn float type, an input x and initial states: (weights, x, h0, c0)."""
    dtype = draw(FLOATS)
    batch, steps, features, units = draw(sizes())
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    if kind == "lstm":
        w = lstm.init_lstm(features, units, rng, scale=1.5)
        weights = lstm.LSTMWeights(*(a.astype(dtype) for a in (w.W_x, w.W_h, rng.normal(size=w.b.shape))))
    elif kind == "gru":
        reset_after = draw(st.booleans())
        w = gru.init_gru(features, units, rng, reset_after=reset_after, scale=1.5)
        weights = gru.GRUWeights(*(a.astype(dtype) for a in (w.W_x, w.W_h, w.b)), reset_after=reset_after)
    elif kind == "rnn":
        w = rnn.init_rnn(features, units, rng, scale=1.5)
        weights = rnn.RNNWeights(*(a.astype(dtype) for a in (w.W_x, w.W_h, rng.normal(size=units))))
    else:
        peephole, coupled = draw(st.booleans()), draw(st.booleans())
        w = V.init_variant(features, units, rng, peephole=peephole, coupled=coupled, scale=1.5)
        peep = None if w.peephole is None else rng.normal(size=w.peephole.shape).astype(dtype)
        weights = V.VariantWeights(*(a.astype(dtype) for a in (w.W_x, w.W_h, w.b)), peep, coupled)
    x = draw(finite(dtype, (batch, steps, features)))
    h0, c0 = (draw(st.none() | finite(dtype, (batch, units), 1.0)) for _ in range(2))
    return weights, x, h0, c0


def forward(kind, weights, x, h0=None, c0=None):
    """The layer's forward pass, as a dict of (batch, steps, units) arrays."""
    if kind == "lstm":
        return vars(lstm.lstm_forward(x, weights, h0, c0))
    if kind == "gru":
        return vars(gru.gru_forward(x, weights, h0))
    if kind == "rnn":
        return {"h": rnn.rnn_forward(x, weights, h0)}
    return vars(V.variant_forward(x, weights, h0, c0))


def backward(kind, weights, x, trace, dh, h0=None, c0=None, dc_last=None):
    """The layer's backward pass, as a dict of gradient arrays (None entries left out)."""
    if kind == "lstm":
        result = lstm.lstm_backward(x, weights, lstm.LSTMTrace(**trace), dh, h0, c0, dc_last)
    elif kind == "gru":
        result = gru.gru_backward(x, weights, gru.GRUTrace(**trace), dh, h0)
    elif kind == "rnn":
        result = rnn.rnn_backward(x, weights, trace["h"], dh, h0)
    else:
        result = V.variant_backward(x, weights, lstm.LSTMTrace(**trace), dh, h0, c0, dc_last)
    return {name: value for name, value in vars(result).items() if value is not None}


KINDS = pytest.mark.parametrize("kind", ["lstm", "gru", "rnn", "variant"])
PER_LAYER = settings(max_examples=20)  # for the tests run once per layer: 80 examples in all
HAS_CELL = {"lstm": True, "gru": False, "rnn": False, "variant": True}


# --- activations ---------------------------------------------------------------------------------


@pytest.mark.parametrize("function", [lstm.sigmoid, lstm.tanh])
@given(z=hnp.arrays(FLOATS, hnp.array_shapes(min_dims=0, max_dims=3, max_side=5),
                    elements=st.floats(-800, 800, width=32) | st.sampled_from([np.inf, -np.inf])))
def test_activations_match_their_float64_definition_keep_the_type_and_the_input(function, z):
    before = z.copy()
    result = function(z)
    with np.errstate(over="ignore"):  # exp(800) = inf: 1 / (1 + inf) = 0 is the right limit
        reference = 1 / (1 + np.exp(-z.astype(np.float64))) if function is lstm.sigmoid else np.tanh(z.astype(np.float64))
    tolerance = 1e-6 if z.dtype == np.float32 else 1e-15
    np.testing.assert_allclose(result, reference, rtol=0, atol=tolerance)
    assert np.asarray(result).dtype == z.dtype and np.shape(result) == z.shape
    np.testing.assert_array_equal(z, before)
    out = np.empty_like(z)
    assert function(z, out=out) is out
    np.testing.assert_array_equal(out, result)


@pytest.mark.parametrize("function", [lstm.sigmoid, lstm.tanh])
@given(z=finite(np.float64, st.integers(1, 6)), where=st.integers(0, 5), wrong=WRONG_KIND,
       out_shape=hnp.array_shapes(max_dims=2, max_side=7))
def test_activations_refuse_nan_wrong_types_and_a_wrong_out(function, z, where, wrong, out_shape):
    z[where % z.size] = np.nan  # (±inf are fine: the limits)
    with pytest.raises(ValueError, match=r"^z must not hold nan, got 1 nan values"):
        function(z)
    with pytest.raises(TypeError, match=r"^z must "):
        function(wrong[0])
    assume(out_shape != (z.size,))
    with pytest.raises(ValueError, match=r"^out must have z's shape"):
        function(np.zeros(z.size), out=np.empty(out_shape))


# --- weights and init ----------------------------------------------------------------------------


@KINDS
@PER_LAYER
@given(case=st.data())
def test_init_gives_finite_float64_weights_of_the_promised_shapes(kind, case):
    features, units = case.draw(SIZE), case.draw(SIZE)
    scale = case.draw(st.floats(0, 3))
    rng = np.random.default_rng(case.draw(st.integers(0, 100)))
    gates = {"lstm": 4, "gru": 3, "rnn": 1}
    if kind == "lstm":
        weights = lstm.init_lstm(features, units, rng, scale=scale, forget_bias=case.draw(st.floats(-5, 5)))
    elif kind == "gru":
        weights = gru.init_gru(features, units, rng, reset_after=case.draw(st.booleans()), scale=scale)
    elif kind == "rnn":
        weights = rnn.init_rnn(features, units, rng, scale=scale)
    else:
        weights = V.init_variant(features, units, rng, peephole=case.draw(st.booleans()),
                                 coupled=case.draw(st.booleans()), scale=scale)
        gates["variant"] = len(weights.gates)
    assert (weights.features, weights.units) == (features, units)
    assert weights.W_x.shape == (features, gates[kind] * units) and weights.W_h.shape == (units, gates[kind] * units)
    assert weights.W.shape == (units + features, gates[kind] * units)
    arrays = [weights.W_x, weights.W_h, weights.b] + ([] if getattr(weights, "peephole", None) is None else [weights.peephole])
    assert all(a.dtype == np.float64 and np.isfinite(a).all() for a in arrays)
    assert weights.n_params() == sum(a.size for a in arrays)


INIT = {"lstm": lstm.init_lstm, "gru": gru.init_gru, "rnn": rnn.init_rnn, "variant": V.init_variant}


@KINDS
@PER_LAYER
@given(name=st.sampled_from(["features", "units"]),
       bad=st.sampled_from([0, -1, 2.7, 3.0, "3", True, None, np.nan]))
def test_init_refuses_a_size_that_is_not_a_positive_integer(kind, name, bad):
    arguments = {"features": 2, "units": 3, "rng": np.random.default_rng(0), name: bad}
    with pytest.raises(ValueError, match=rf"^{name} must be an integer >= 1"):
        INIT[kind](**arguments)


@KINDS
@PER_LAYER
@given(rng=st.sampled_from([None, 0, 42, "seed", np.random.RandomState(0)]),
       scale=st.floats(allow_nan=True, allow_infinity=True).filter(lambda s: not 0 <= s < np.inf))
def test_init_refuses_a_bad_rng_or_scale(kind, rng, scale):
    with pytest.raises(TypeError, match=r"^rng must be a numpy.random.Generator"):
        INIT[kind](2, 3, rng)
    with pytest.raises(ValueError, match=r"^scale must be"):
        INIT[kind](2, 3, np.random.default_rng(0), scale=scale)


@KINDS
@PER_LAYER
@given(case=st.data())
def test_weights_refuse_nonfinite_values_wrong_types_and_mixed_float_types(kind, case):
    weights, *_ = case.draw(layer_case(kind))
    fields = {"W_x": weights.W_x, "W_h": weights.W_h, "b": weights.b}
    extra = {"gru": {"reset_after": getattr(weights, "reset_after", None)},
             "variant": {"peephole": getattr(weights, "peephole", None), "coupled": getattr(weights, "coupled", None)}}
    make = {"lstm": lstm.LSTMWeights, "gru": gru.GRUWeights, "rnn": rnn.RNNWeights, "variant": V.VariantWeights}[kind]
    name = case.draw(st.sampled_from(sorted(fields)))
    broken = fields[name].copy()
    broken.flat[case.draw(st.integers(0, broken.size - 1))] = case.draw(NONFINITE)
    with pytest.raises(ValueError, match=rf"^{name} must be finite, got 1 nan/inf values of {broken.size}"):
        make(**{**fields, name: broken}, **extra.get(kind, {}))
    wrong, dtype = case.draw(WRONG_KIND)
    with pytest.raises(TypeError, match=rf"^{name} must "):
        make(**{**fields, name: wrong}, **extra.get(kind, {}))
    other = np.float32 if fields[name].dtype == np.float64 else np.float64
    with pytest.raises(TypeError, match=r"must have one float dtype"):
        make(**{**fields, name: fields[name].astype(other)}, **extra.get(kind, {}))


@given(case=layer_case("lstm"))
def test_lstm_gate_blocks_are_views_that_rebuild_the_weights(case):
    weights = case[0]
    blocks = [weights.gate(name) for name in lstm.GATES]
    np.testing.assert_array_equal(np.concatenate([b[0] for b in blocks], axis=1), weights.W_x)
    np.testing.assert_array_equal(np.concatenate([b[1] for b in blocks], axis=1), weights.W_h)
    np.testing.assert_array_equal(np.concatenate([b[2] for b in blocks]), weights.b)
    assert all(np.shares_memory(b[0], weights.W_x) for b in blocks)  # documented: views
    with pytest.raises(ValueError, match=r"^name must be one of"):
        weights.gate("g")


# --- forward passes ------------------------------------------------------------------------------


@KINDS
@PER_LAYER
@given(data=st.data())
def test_forward_keeps_its_inputs_and_float_type_and_bounds_its_states(kind, data):
    weights, x, h0, c0 = data.draw(layer_case(kind))
    copies = [None if a is None else a.copy() for a in (x, h0, c0, weights.W_x, weights.W_h, weights.b)]
    trace = forward(kind, weights, x, h0, c0)
    for original, copy in zip((x, h0, c0, weights.W_x, weights.W_h, weights.b), copies):
        if original is not None:
            np.testing.assert_array_equal(original, copy)
    batch, steps, _ = x.shape
    for name, array in trace.items():
        assert array.shape == (batch, steps, weights.units) and array.dtype == x.dtype, name
        assert np.isfinite(array).all(), name
        assert not np.shares_memory(array, x) and (h0 is None or not np.shares_memory(array, h0))
    assert (np.abs(trace["h"]) <= 1).all()
    for gate in set(trace) & {"i", "f", "o", "z", "r"}:
        assert ((trace[gate] >= 0) & (trace[gate] <= 1)).all(), gate


@given(data=st.data())
def test_lstm_forward_and_backward_agree_with_the_variant_without_switches_in_float64(data):
    """Two implementations of the same equations (lstm_forward fuses its products, the variant does not)."""
    weights, x, h0, c0 = data.draw(layer_case("lstm"))
    w64 = lstm.LSTMWeights(*(a.astype(np.float64) for a in (weights.W_x, weights.W_h, weights.b)))
    x = x.astype(np.float64)
    plain = V.VariantWeights(w64.W_x, w64.W_h, w64.b)
    ours, theirs = lstm.lstm_forward(x, w64, h0, c0), V.variant_forward(x, plain, h0, c0)
    for name in ("h", "c", "i", "f", "c_tilde", "o"):
        np.testing.assert_allclose(getattr(ours, name), getattr(theirs, name), rtol=1e-10, atol=1e-12)
    dh = data.draw(finite(np.float64, ours.h.shape))
    dc_last = data.draw(finite(np.float64, ours.c[:, -1].shape))
    g, r = lstm.lstm_backward(x, w64, ours, dh, h0, c0, dc_last), V.variant_backward(x, plain, theirs, dh, h0, c0, dc_last)
    for name in ("dW_x", "dW_h", "db", "dx", "dh0", "dc0"):
        np.testing.assert_allclose(getattr(g, name), getattr(r, name), rtol=1e-9, atol=1e-10, err_msg=name)


@KINDS
@PER_LAYER
@given(data=st.data())
def test_forward_over_two_chunks_equals_forward_over_the_whole(kind, data):
    weights, x, h0, c0 = data.draw(layer_case(kind))
    assume(x.shape[1] >= 2)
    split = data.draw(st.integers(1, x.shape[1] - 1))
    whole = forward(kind, weights, x, h0, c0)
    first = forward(kind, weights, x[:, :split], h0, c0)
    second = forward(kind, weights, x[:, split:], first["h"][:, -1], first["c"][:, -1] if "c" in first else None)
    tolerance = 1e-5 if x.dtype == np.float32 else 1e-12
    np.testing.assert_allclose(second["h"], whole["h"][:, split:], rtol=tolerance, atol=tolerance)


@KINDS
@PER_LAYER
@given(data=st.data(), bad=NONFINITE)
def test_forward_refuses_nonfinite_x_or_states_naming_them(kind, data, bad):
    weights, x, h0, c0 = data.draw(layer_case(kind))
    names = ["x", "h0"] + (["c0"] if HAS_CELL[kind] else [])
    name = data.draw(st.sampled_from(names))
    arrays = {"x": x, "h0": h0, "c0": c0}
    if arrays[name] is None:
        arrays[name] = np.zeros((x.shape[0], weights.units), x.dtype)
    arrays[name] = arrays[name].copy()
    arrays[name].flat[data.draw(st.integers(0, arrays[name].size - 1))] = bad
    with pytest.raises(ValueError, match=rf"^{name} must be finite, got 1 nan/inf values of {arrays[name].size}"):
        forward(kind, weights, arrays["x"], arrays["h0"], arrays["c0"])


@KINDS
@PER_LAYER
@given(data=st.data(), wrong=WRONG_KIND)
def test_forward_refuses_arguments_of_the_wrong_type_naming_them(kind, data, wrong):
    weights, x, h0, c0 = data.draw(layer_case(kind))
    name = data.draw(st.sampled_from(["x", "h0"] + (["c0"] if HAS_CELL[kind] else [])))
    arrays = {"x": x, "h0": h0, "c0": c0, name: wrong[0]}
    with pytest.raises(TypeError, match=rf"^{name} must "):
        forward(kind, weights, arrays["x"], arrays["h0"], arrays["c0"])
    other = {"lstm": V.init_variant, "variant": lstm.init_lstm, "gru": rnn.init_rnn, "rnn": gru.init_gru}[kind]
    with pytest.raises(TypeError, match=r"^weights must be "):
        forward(kind, other(weights.features, weights.units, np.random.default_rng(0)), x)


@KINDS
@PER_LAYER
@given(data=st.data())
def test_forward_refuses_shapes_that_do_not_match(kind, data):
    weights, x, h0, c0 = data.draw(layer_case(kind))
    with pytest.raises(ValueError, match=rf"^x must have {weights.features} features"):
        forward(kind, weights, np.zeros(x.shape[:2] + (weights.features + 1,), x.dtype))
    with pytest.raises(ValueError, match=r"^x must have shape \(batch, steps, features\)"):
        forward(kind, weights, x[0])
    with pytest.raises(ValueError, match=r"^h0 must have shape \(batch, units\)"):
        forward(kind, weights, x, np.zeros((x.shape[0] + 1, weights.units)))


# --- backward passes -----------------------------------------------------------------------------


@st.composite
def backward_case(draw, kind):
    """A layer, its input, its trace (as a dict) and an upstream dh (and dc_last) of the trace's type."""
    weights, x, h0, c0 = draw(layer_case(kind))
    trace = forward(kind, weights, x, h0, c0)
    dh = draw(finite(x.dtype, trace["h"].shape))
    dc_last = draw(st.none() | finite(x.dtype, trace["h"][:, -1].shape)) if HAS_CELL[kind] else None
    return weights, x, h0, c0, trace, dh, dc_last


@KINDS
@PER_LAYER
@given(case=st.data())
def test_backward_keeps_its_inputs_and_gives_one_float_type(kind, case):
    weights, x, h0, c0, trace, dh, dc_last = case.draw(backward_case(kind))
    inputs = [a for a in (x, h0, c0, dh, dc_last, *trace.values()) if a is not None]
    copies = [a.copy() for a in inputs]
    grads = backward(kind, weights, x, trace, dh, h0, c0, dc_last)
    for original, copy in zip(inputs, copies):
        np.testing.assert_array_equal(original, copy)
    assert {g.dtype for g in grads.values()} == {x.dtype}
    assert all(np.isfinite(g).all() for g in grads.values())
    assert not any(np.shares_memory(g, a) for g in grads.values() for a in inputs)
    promoted = backward(kind, weights, x, trace, dh.astype(np.float64), h0, c0, dc_last)  # documented: promotes
    assert {g.dtype for g in promoted.values()} == {np.dtype(np.float64)}


@KINDS
@settings(max_examples=15)
@given(case=st.data())
def test_backward_is_linear_in_the_upstream_gradient(kind, case):
    """δ(dh₁ + dh₂) = δ(dh₁) + δ(dh₂), and doubling dh doubles every gradient exactly (the pass is linear in dh)."""
    weights, x, _, _ = case.draw(layer_case(kind))
    # no subnormal numbers: doubling is exact only where nothing underflows
    normal = st.just(0.0) | st.floats(1e-6, 3.0) | st.floats(-3.0, -1e-6)
    x, h0, c0 = (case.draw(hnp.arrays(np.float64, shape, elements=normal))
                 for shape in (x.shape, (x.shape[0], weights.units), (x.shape[0], weights.units)))
    trace = forward(kind, weights, x, h0, c0)
    trace = {name: value.astype(np.float64) for name, value in trace.items()}
    dh, other = (case.draw(hnp.arrays(np.float64, trace["h"].shape, elements=normal)) for _ in range(2))
    one, two = backward(kind, weights, x, trace, dh, h0, c0), backward(kind, weights, x, trace, other, h0, c0)
    both = backward(kind, weights, x, trace, dh + other, h0, c0)
    double = backward(kind, weights, x, trace, 2 * dh, h0, c0)
    for name in both:
        np.testing.assert_allclose(both[name], one[name] + two[name], rtol=1e-9, atol=1e-9, err_msg=name)
        np.testing.assert_array_equal(double[name], 2 * one[name], err_msg=name)


def rebuild(kind, weights, W_x, W_h, b, peephole=None):
    """Weights of ``kind`` like ``weights``, with other arrays."""
    if kind == "lstm":
        return lstm.LSTMWeights(W_x, W_h, b)
    if kind == "gru":
        return gru.GRUWeights(W_x, W_h, b, reset_after=weights.reset_after)
    if kind == "rnn":
        return rnn.RNNWeights(W_x, W_h, b)
    return V.VariantWeights(W_x, W_h, b, peephole, weights.coupled)


@KINDS
@settings(max_examples=15)
@given(case=st.data())
def test_backward_gives_the_derivative_along_any_direction(kind, case):
    """L = Σ h ⊙ dh (+ Σ c_T ⊙ dc_last): (L(θ + εv) − L(θ − εv)) / 2ε = Σ ⟨δθ, v⟩ over x, the weights and the states."""
    weights, x, h0, c0, trace, dh, dc_last = case.draw(backward_case(kind))
    theta = {"x": x, "W_x": weights.W_x, "W_h": weights.W_h, "b": weights.b,
             "h0": np.zeros((x.shape[0], weights.units)) if h0 is None else h0}
    if HAS_CELL[kind]:
        theta["c0"] = np.zeros_like(theta["h0"]) if c0 is None else c0
    if getattr(weights, "peephole", None) is not None:
        theta["peephole"] = weights.peephole
    theta = {name: value.astype(np.float64) for name, value in theta.items()}
    dh = dh.astype(np.float64)
    dc_last = None if dc_last is None else dc_last.astype(np.float64)
    direction = {name: case.draw(finite(np.float64, value.shape, 1.0)) for name, value in theta.items()}

    def loss(p):
        w = rebuild(kind, weights, p["W_x"], p["W_h"], p["b"], p.get("peephole"))
        states = forward(kind, w, p["x"], p["h0"], p.get("c0"))
        return (states["h"] * dh).sum() + (0.0 if dc_last is None else (states["c"][:, -1] * dc_last).sum())

    w = rebuild(kind, weights, theta["W_x"], theta["W_h"], theta["b"], theta.get("peephole"))
    grads = backward(kind, w, theta["x"], forward(kind, w, theta["x"], theta["h0"], theta.get("c0")), dh,
                     theta["h0"], theta.get("c0"), dc_last)
    analytic = sum((grads["d" + name] * direction[name]).sum() for name in theta)
    eps = 1e-6
    numeric = (loss({k: v + eps * direction[k] for k, v in theta.items()})
               - loss({k: v - eps * direction[k] for k, v in theta.items()})) / (2 * eps)
    assert numeric == pytest.approx(analytic, rel=1e-5, abs=1e-6)


@KINDS
@PER_LAYER
@given(case=st.data(), bad=NONFINITE)
def test_backward_refuses_a_nonfinite_value_anywhere_in_dh_or_the_trace(kind, case, bad):
    weights, x, h0, c0, trace, dh, dc_last = case.draw(backward_case(kind))
    arrays = {"dh": dh, **{f"trace.{name}": value for name, value in trace.items()}}
    if kind == "rnn":
        arrays = {"dh": dh, "h": trace["h"]}
    name = case.draw(st.sampled_from(sorted(arrays)))
    broken = np.array(arrays[name])
    index = np.unravel_index(case.draw(st.integers(0, broken.size - 1)), broken.shape)
    broken[index] = bad
    arrays[name] = broken
    trace = {key.removeprefix("trace."): value for key, value in arrays.items() if key != "dh"}
    # lstm_backward checks the last step of trace.h and trace.c on their own (message names the slice)
    pattern = rf"^{name}(\[:, -1\])? must be finite, got 1 nan/inf values"
    with pytest.raises(ValueError, match=pattern):
        with np.errstate(invalid="ignore", over="ignore"):
            backward(kind, weights, x, trace, arrays["dh"], h0, c0, dc_last)


@KINDS
@PER_LAYER
@given(case=st.data(), wrong=WRONG_KIND)
def test_backward_refuses_a_dh_or_a_trace_of_the_wrong_type(kind, case, wrong):
    weights, x, h0, c0, trace, dh, dc_last = case.draw(backward_case(kind))
    with pytest.raises(TypeError, match=r"^dh must "):
        backward(kind, weights, x, trace, wrong[0], h0, c0)
    if kind == "rnn":
        with pytest.raises(TypeError, match=r"^h must "):
            backward(kind, weights, x, {"h": wrong[0]}, dh, h0)
        return
    function = {"lstm": lstm.lstm_backward, "gru": gru.gru_backward, "variant": V.variant_backward}[kind]
    stranger = case.draw(st.sampled_from([None, {}, trace, "trace", gru.GRUTrace(*[trace["h"]] * 4),
                                          lstm.LSTMTrace(*[trace["h"]] * 6)]))
    assume(not (kind == "gru" and isinstance(stranger, gru.GRUTrace)))
    assume(not (kind != "gru" and isinstance(stranger, lstm.LSTMTrace)))
    with pytest.raises(TypeError, match=r"^trace must be the "):
        function(x, weights, stranger, dh)


@KINDS
@PER_LAYER
@given(case=st.data())
def test_backward_accepts_nested_lists_as_arrays(kind, case):
    weights, x, h0, c0, trace, dh, dc_last = case.draw(backward_case(kind))
    expected = backward(kind, weights, x.astype(np.float64), trace, dh.astype(np.float64), h0, c0)
    got = backward(kind, weights, x.tolist(), trace, dh.tolist(), None if h0 is None else h0.tolist(),
                   None if c0 is None else c0.tolist())
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name])


# --- Keras conversions (no Keras needed: every stranger is refused before Keras is touched) ------

STRANGERS = st.one_of(st.none(), st.integers(), st.text(max_size=5), st.dictionaries(st.text(max_size=3), st.integers(),
                                                                                     max_size=2),
                      st.builds(object))


@given(layer=STRANGERS)
def test_from_keras_refuses_anything_but_its_layer(layer):
    for module, name in ((lstm, "LSTM"), (gru, "GRU"), (rnn, "SimpleRNN")):
        with pytest.raises(ValueError, match=rf"^layer must be a keras.layers.{name}, got {type(layer).__name__}"):
            module.from_keras(layer)


@given(weights=STRANGERS | st.sampled_from(["lstm", "gru", "rnn"]), layer=STRANGERS)
def test_to_keras_refuses_other_weights_and_other_layers(weights, layer):
    made = {"lstm": lstm.init_lstm(2, 3, np.random.default_rng(0)), "gru": gru.init_gru(2, 3, np.random.default_rng(0)),
            "rnn": rnn.init_rnn(2, 3, np.random.default_rng(0))}
    for module, kind in ((lstm, "lstm"), (gru, "gru"), (rnn, "rnn")):
        given_weights = made.get(weights, weights) if isinstance(weights, str) else weights
        if given_weights is made[kind]:
            with pytest.raises(ValueError, match=r"^layer must be a keras.layers."):
                module.to_keras(given_weights, layer)
        else:
            with pytest.raises(TypeError, match=r"^weights must be "):
                module.to_keras(given_weights, layer)
    with pytest.raises(ValueError, match=r"^model must have the layers \['LSTM', 'Dense'\]"):
        char_model.to_keras(char_model.init_params(3, 2, np.random.default_rng(0)), layer)


# --- the character model -------------------------------------------------------------------------


@st.composite
def char_case(draw):
    """float32 or float64 params of a small model, and ids/targets in its vocabulary."""
    dtype = draw(FLOATS)
    vocab, units, batch, steps = draw(st.integers(1, 6)), draw(SIZE), draw(SIZE), draw(SIZE)
    params = char_model.init_params(vocab, units, np.random.default_rng(draw(st.integers(0, 100))), scale=1.5)
    params = {name: value.astype(dtype) for name, value in params.items()}
    ids, targets = (draw(hnp.arrays(np.int64, (batch, steps), elements=st.integers(0, vocab - 1))) for _ in range(2))
    return params, ids, targets


@given(case=char_case())
def test_char_model_loss_matches_a_float64_log_softmax_and_keeps_its_inputs(case):
    params, ids, targets = case
    copies = {name: value.copy() for name, value in params.items()}
    logits, trace = char_model.forward(params, ids)
    result = char_model.loss_and_gradients(params, ids, targets)
    np.testing.assert_array_equal(result.h_last, trace.h[:, -1])
    logits64 = logits.astype(np.float64)
    log_p = logits64 - np.log(np.exp(logits64).sum(axis=-1, keepdims=True))
    reference = -np.take_along_axis(log_p, targets[..., None], axis=-1).mean()
    assert result.loss == pytest.approx(reference, rel=1e-5 if logits.dtype == np.float32 else 1e-12)
    assert result.loss >= 0 and logits.dtype == params["W_x"].dtype
    assert set(result.gradients) == set(char_model.PARAMETERS)
    for name, grad in result.gradients.items():
        assert grad.shape == params[name].shape and grad.dtype == params[name].dtype and np.isfinite(grad).all()
        np.testing.assert_array_equal(params[name], copies[name])


@settings(max_examples=20)
@given(case=char_case(), data=st.data())
def test_char_model_gradients_give_the_derivative_along_any_direction(case, data):
    params, ids, targets = case
    params = {name: value.astype(np.float64) for name, value in params.items()}
    direction = {name: data.draw(finite(np.float64, value.shape, 1.0)) for name, value in params.items()}
    grads = char_model.loss_and_gradients(params, ids, targets).gradients
    eps = 1e-6
    shifted = [char_model.loss_and_gradients({k: v + sign * eps * direction[k] for k, v in params.items()}, ids,
                                             targets).loss for sign in (1, -1)]
    numeric = (shifted[0] - shifted[1]) / (2 * eps)
    assert numeric == pytest.approx(sum((grads[k] * direction[k]).sum() for k in params), rel=1e-5, abs=1e-7)


@given(case=char_case(), which=st.sampled_from(["ids", "targets"]), shift=st.integers(0, 5), sign=st.sampled_from([-1, 1]))
def test_char_model_refuses_ids_outside_the_vocabulary(case, which, shift, sign):
    params, ids, targets = case
    vocab = params["b_y"].size
    arrays = {"ids": ids.copy(), "targets": targets.copy()}
    arrays[which][0, 0] = vocab + shift if sign > 0 else -1 - shift
    with pytest.raises(ValueError, match=rf"^{which} must hold ids in 0 … {vocab - 1}"):
        char_model.loss_and_gradients(params, arrays["ids"], arrays["targets"])
    with pytest.raises(ValueError, match=r"^ids must hold integers"):
        char_model.forward(params, ids.astype(np.float64))
    with pytest.raises(ValueError, match=r"^targets must have the shape of ids"):
        char_model.loss_and_gradients(params, ids, np.concatenate([targets, targets], axis=1))


@settings(max_examples=20)
@given(case=char_case(), length=st.integers(1, 6), temperature=st.floats(1e-3, 1e3), seed=st.integers(0, 100))
def test_sample_draws_ids_of_the_vocabulary_and_checks_its_arguments(case, length, temperature, seed):
    params, ids, _ = case
    vocab = params["b_y"].size
    drawn = char_model.sample(params, ids[0], length, np.random.default_rng(seed), temperature)
    assert drawn.shape == (length,) and drawn.dtype == np.int64 and ((drawn >= 0) & (drawn < vocab)).all()
    again = char_model.sample(params, ids[0].tolist(), length, np.random.default_rng(seed), temperature)
    np.testing.assert_array_equal(drawn, again)
    with pytest.raises(ValueError, match=r"^temperature must be a positive finite number"):
        char_model.sample(params, ids[0], length, np.random.default_rng(0), -temperature)
    with pytest.raises(ValueError, match=r"^length must be an integer >= 1"):
        char_model.sample(params, ids[0], 1 - length, np.random.default_rng(0))
    with pytest.raises(ValueError, match=rf"^prime_ids must hold ids in 0 … {vocab - 1}"):
        char_model.sample(params, np.append(ids[0], vocab), length, np.random.default_rng(0))


@given(case=char_case(), bad=NONFINITE, wrong=WRONG_KIND)
def test_char_model_refuses_bad_params(case, bad, wrong):
    params, ids, targets = case
    name = "W_y" if wrong[1] != "str" else "b_y"
    broken = params[name].copy()
    broken.flat[0] = bad
    with pytest.raises(ValueError, match=rf"^params\['{name}'\] must be finite"):
        char_model.forward({**params, name: broken}, ids)
    with pytest.raises(TypeError, match=rf"^params\['{name}'\] must "):
        char_model.loss_and_gradients({**params, name: wrong[0]}, ids, targets)
    other = np.float32 if params[name].dtype == np.float64 else np.float64
    with pytest.raises(TypeError, match=r"^params must all have one float dtype"):
        char_model.forward({**params, name: params[name].astype(other)}, ids)


@given(vocab=st.integers(1, 8), units=SIZE, bad=st.sampled_from([0, -3, 2.5, "4", None]))
def test_init_params_has_the_promised_shapes_and_names_bad_sizes(vocab, units, bad):
    params = char_model.init_params(vocab, units, np.random.default_rng(0))
    assert {k: v.shape for k, v in params.items()} == {"W_x": (vocab, 4 * units), "W_h": (units, 4 * units),
                                                        "b": (4 * units,), "W_y": (units, vocab), "b_y": (vocab,)}
    with pytest.raises(ValueError, match=r"^vocab_size must be an integer >= 1"):
        char_model.init_params(bad, units, np.random.default_rng(0))


# --- optimisers ----------------------------------------------------------------------------------


@st.composite
def optim_case(draw):
    """Params and gradients (same keys, shapes, float type) for 1 … 3 arrays."""
    dtype = draw(FLOATS)
    names = draw(st.lists(st.sampled_from(["W", "b", "W_y"]), min_size=1, max_size=3, unique=True))
    shapes = {name: draw(hnp.array_shapes(min_dims=0, max_dims=2, max_side=4)) for name in names}
    params = {name: draw(finite(dtype, shape, 10.0)) for name, shape in shapes.items()}
    grads = {name: draw(finite(dtype, shape, 100.0)) for name, shape in shapes.items()}
    return params, grads


OPTIMIZERS = st.one_of(
    st.builds(optim.SGD, st.floats(1e-4, 1.0), st.sampled_from([0.0, 0.5, 0.9])),
    st.builds(optim.Adam, st.floats(1e-4, 1.0), st.floats(0.0, 0.99), st.floats(0.0, 0.999), st.floats(1e-8, 1e-2)),
)


@given(case=optim_case(), optimizer=OPTIMIZERS, steps=st.integers(1, 3))
def test_update_keeps_its_arguments_and_the_float_type_and_follows_the_equations(case, optimizer, steps):
    params, grads = case
    state = optimizer.init(params)
    theta, m, v = ({k: p.astype(np.float64) for k, p in params.items()}, {k: 0.0 for k in params},
                   {k: 0.0 for k in params})
    for t in range(1, steps + 1):
        copies = [{k: a.copy() for k, a in d.items()} for d in (params, grads)]
        new, state = optimizer.update(params, grads, state)
        for original, copy in zip((params, grads), copies):
            for k in original:
                np.testing.assert_array_equal(original[k], copy[k])
        assert all(new[k].dtype == params[k].dtype and not np.shares_memory(new[k], params[k]) for k in params)
        for k in params:  # the module docstring's equations, in float64
            g = grads[k].astype(np.float64)
            if isinstance(optimizer, optim.SGD):
                m[k] = optimizer.momentum * m[k] - optimizer.learning_rate * g
                theta[k] = theta[k] + m[k]
            else:
                m[k] = optimizer.beta_1 * m[k] + (1 - optimizer.beta_1) * g
                v[k] = optimizer.beta_2 * v[k] + (1 - optimizer.beta_2) * g**2
                step = optimizer.learning_rate * np.sqrt(1 - optimizer.beta_2**t) / (1 - optimizer.beta_1**t)
                theta[k] = theta[k] - step * m[k] / (np.sqrt(v[k]) + optimizer.epsilon)
        params = new
    tolerance = 1e-4 if next(iter(params.values())).dtype == np.float32 else 1e-10
    for k in params:
        np.testing.assert_allclose(params[k], theta[k], rtol=tolerance, atol=tolerance)
    assert state.step == steps


@given(case=optim_case(), optimizer=OPTIMIZERS, bad=NONFINITE, data=st.data())
def test_update_refuses_nonfinite_or_mismatched_gradients_naming_them(case, optimizer, bad, data):
    params, grads = case
    state = optimizer.init(params)
    name = data.draw(st.sampled_from(sorted(grads)))
    broken = np.array(grads[name], copy=True)
    broken.flat[0] = bad
    with pytest.raises(ValueError, match=rf"^grads\['{name}'\] must be finite"):
        optimizer.update(params, {**grads, name: broken}, state)
    with pytest.raises(ValueError, match=r"^grads must have the keys of params"):
        optimizer.update(params, {**grads, "extra": grads[name]}, state)
    other = np.float32 if grads[name].dtype == np.float64 else np.float64
    with pytest.raises(ValueError, match=rf"^grads\['{name}'\] must have the dtype of params\['{name}'\]"):
        optimizer.update(params, {**grads, name: grads[name].astype(other)}, state)
    with pytest.raises(ValueError, match=r"^grads\[.*must have the shape of params"):
        optimizer.update(params, {**grads, name: np.zeros(np.shape(grads[name]) + (2,), grads[name].dtype)}, state)
    foreign = (optim.Adam() if isinstance(optimizer, optim.SGD) else optim.SGD()).init(params)
    with pytest.raises(ValueError, match=r"^state must be an"):
        optimizer.update(params, grads, foreign)


@given(magnitude=st.floats(1e15, 3e38), dtype=FLOATS, optimizer=OPTIMIZERS)
def test_update_never_returns_inf_from_finite_inputs(magnitude, dtype, optimizer):
    """Huge gradients: a finite update, or a ValueError that says it overflowed; never inf or a frozen weight."""
    params, grads = {"w": np.ones(3, dtype)}, {"w": np.array([magnitude, -magnitude, 1.0]).astype(dtype)}
    try:
        new, state = optimizer.update(params, grads, optimizer.init(params))
    except ValueError as error:
        assert "overflowed" in str(error)
        return
    assert np.isfinite(new["w"]).all() and all(np.isfinite(a).all() for d in vars(state).values()
                                                if isinstance(d, dict) for a in d.values())
    if isinstance(optimizer, optim.Adam):  # the first step moves each weight by about η, whatever |g|
        assert np.abs(new["w"][:2] - 1).min() > 0.5 * optimizer.learning_rate


@given(name=st.sampled_from(["learning_rate", "momentum", "beta_1", "beta_2", "epsilon"]),
       value=st.sampled_from([0.0, -0.5, 1.0, 1.5, np.nan, np.inf, "0.1", True, None]))
def test_hyperparameters_outside_their_interval_are_refused(name, value):
    valid = {"learning_rate": lambda v: 0 < v < np.inf, "momentum": lambda v: 0 <= v < 1,
             "beta_1": lambda v: 0 <= v < 1, "beta_2": lambda v: 0 <= v < 1, "epsilon": lambda v: 0 < v < np.inf}
    make = optim.SGD if name in ("learning_rate", "momentum") else optim.Adam
    assume(not (isinstance(value, float) and valid[name](value)))
    with pytest.raises(ValueError, match=rf"^{name} must be"):
        make(**{name: value})


@given(step=st.sampled_from([-1, -10, 2.5, "1", None, True]), params=st.sampled_from([{}, [], "params", None]))
def test_states_and_init_refuse_bad_fields(step, params):
    with pytest.raises(ValueError, match=r"^step must be an integer >= 0"):
        optim.SGDState(step, {})
    with pytest.raises(ValueError, match=r"^step must be an integer >= 0"):
        optim.AdamState(step, {}, {})
    for optimizer in (optim.SGD(), optim.Adam()):
        with pytest.raises(ValueError, match=r"^params must be a non-empty dict of arrays by name"):
            optimizer.init(params)
