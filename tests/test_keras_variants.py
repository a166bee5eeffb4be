"""Tests of lstm_helpers.keras_variants: the Keras cells compute what the numpy variants compute."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import lstm_variants as V


@pytest.mark.parametrize("peephole, coupled", [(False, False), (True, False), (False, True), (True, True)])
def test_keras_cell_matches_numpy_variant(keras, peephole, coupled):
    from lstm_helpers.keras_variants import to_numpy, variant_layer

    rng = np.random.default_rng(3)
    layer = variant_layer(4, peephole=peephole, coupled=coupled, return_sequences=True)
    x = rng.normal(size=(2, 6, 3)).astype(np.float32)
    layer(x)  # build
    if peephole:  # zero at init; give them values so that they matter
        layer.cell.peephole_kernel.assign(rng.normal(size=layer.cell.peephole_kernel.shape).astype(np.float32))
    expected = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_allclose(V.variant_forward(x, to_numpy(layer)).h, expected, atol=1e-5)


def test_fresh_peephole_cell_equals_fresh_lstm_cell_of_the_same_weights(keras):
    from lstm_helpers.keras_variants import to_numpy, variant_layer

    x = np.random.default_rng(0).normal(size=(1, 4, 2)).astype(np.float32)
    peep = variant_layer(3, peephole=True)
    peep(x)
    weights = to_numpy(peep)
    assert not weights.peephole.any()
    plain = V.VariantWeights(weights.W_x, weights.W_h, weights.b)
    np.testing.assert_allclose(V.variant_forward(x, weights).h, V.variant_forward(x, plain).h, rtol=1e-12)


def test_parameter_counts(keras):
    from lstm_helpers.keras_variants import variant_layer

    counts = {}
    for name, kwargs in {"peephole": {"peephole": True}, "coupled": {"coupled": True}}.items():
        layer = variant_layer(4, **kwargs)
        layer.build((None, None, 3))
        counts[name] = layer.count_params()
    assert counts == {"peephole": 4 * 4 * (3 + 4 + 1) + 3 * 4, "coupled": 3 * 4 * (3 + 4 + 1)}


def test_to_numpy_rejects_other_layers(keras):
    from lstm_helpers.keras_variants import to_numpy, variant_layer

    with pytest.raises(ValueError, match=r"layer must be keras.layers.RNN\(VariantLSTMCell\(...\)\), got LSTM"):
        to_numpy(keras.layers.LSTM(3))
    with pytest.raises(ValueError, match=r"layer must be built"):
        to_numpy(variant_layer(3))


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"units": 2.7}, r"units must be an integer >= 1, got 2.7 \(float\)"),
        ({"units": 2.0}, r"units must be an integer >= 1, got 2.0 \(float\)"),
        ({"units": 0}, r"units must be an integer >= 1, got 0"),
        ({"units": -3}, r"units must be an integer >= 1, got -3"),
        ({"units": "3"}, r"units must be an integer >= 1, got '3' \(str\)"),
        ({"units": True}, r"units must be an integer >= 1, got True \(bool\)"),
        ({"units": 3, "peephole": "no"}, r"peephole must be True or False, got 'no' \(str\)"),
        ({"units": 3, "coupled": 1}, r"coupled must be True or False, got 1 \(int\)"),
        ({"units": 3, "coupled": None}, r"coupled must be True or False, got None"),
    ],
)
def test_cell_and_layer_reject_bad_arguments(keras, kwargs, message):
    from lstm_helpers.keras_variants import VariantLSTMCell, variant_layer

    with pytest.raises(ValueError, match=message):
        VariantLSTMCell(**kwargs)
    with pytest.raises(ValueError, match=message):
        variant_layer(**kwargs)


def test_cell_accepts_numpy_integers_and_bools(keras):
    from lstm_helpers.keras_variants import VariantLSTMCell

    cell = VariantLSTMCell(np.int64(3), peephole=np.bool_(True))
    assert cell.units == 3 and type(cell.units) is int and cell.peephole is True


@pytest.mark.parametrize("input_shape", [(None, None, None), (None, 5, 0)])
def test_layer_refuses_inputs_without_features(keras, input_shape):
    from lstm_helpers.keras_variants import variant_layer

    with pytest.raises(ValueError, match=r"the inputs' last dimension \(features\) must be known and >= 1"):
        variant_layer(3).build(input_shape)


def test_to_numpy_rejects_objects_that_only_look_like_a_variant_layer(keras):
    from types import SimpleNamespace

    from lstm_helpers.keras_variants import VariantLSTMCell, to_numpy

    cell = VariantLSTMCell(2)
    cell.build((None, 3))
    for layer in (SimpleNamespace(cell=cell), cell, None, "layer"):
        with pytest.raises(ValueError, match=r"layer must be keras.layers.RNN\(VariantLSTMCell\(...\)\), got"):
            to_numpy(layer)


def test_to_numpy_returns_writable_copies(keras):
    from lstm_helpers.keras_variants import to_numpy, variant_layer

    layer = variant_layer(2, peephole=True)
    layer.build((None, None, 3))
    weights = to_numpy(layer)
    before = layer.cell.kernel.numpy().copy()
    for array in (weights.W_x, weights.W_h, weights.b, weights.peephole):
        assert array.flags.writeable
        array += 1.0
    np.testing.assert_array_equal(layer.cell.kernel.numpy(), before)
