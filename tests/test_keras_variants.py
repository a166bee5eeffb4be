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
