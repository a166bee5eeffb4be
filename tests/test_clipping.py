"""Tests of lstm_helpers.clipping: global-norm clipping keeps the direction and caps the length."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers.clipping import clip_by_global_norm, global_norm


def test_global_norm_treats_all_arrays_as_one_vector():
    grads = {"a": np.array([[1.0, 2.0]]), "b": np.array([2.0])}
    assert global_norm(grads) == pytest.approx(3.0)


def test_large_gradients_are_scaled_to_the_limit_in_the_same_direction():
    rng = np.random.default_rng(0)
    grads = {"W": rng.normal(size=(4, 3)) * 100, "b": rng.normal(size=3) * 100}
    clipped, norm = clip_by_global_norm(grads, 5.0)
    assert global_norm(clipped) == pytest.approx(5.0)
    assert norm == pytest.approx(global_norm(grads))
    np.testing.assert_allclose(clipped["W"] / grads["W"], 5.0 / norm)  # one factor for every entry


def test_small_gradients_are_unchanged_and_inputs_not_modified():
    grads = {"W": np.array([0.1, -0.2])}
    clipped, _ = clip_by_global_norm(grads, 1.0)
    np.testing.assert_array_equal(clipped["W"], grads["W"])
    assert clipped["W"] is not grads["W"]


def test_matches_tensorflow(keras):
    import tensorflow as tf

    rng = np.random.default_rng(1)
    grads = {"a": rng.normal(size=(3, 2)), "b": rng.normal(size=5)}
    ours, norm = clip_by_global_norm(grads, 0.5)
    theirs, tf_norm = tf.clip_by_global_norm([tf.constant(g) for g in grads.values()], 0.5)
    assert norm == pytest.approx(float(tf_norm))
    for mine, other in zip(ours.values(), theirs):
        np.testing.assert_allclose(mine, other.numpy(), rtol=1e-12)


@pytest.mark.parametrize("max_norm", [0, -1.0, float("inf"), "1", True])
def test_rejects_bad_max_norm(max_norm):
    with pytest.raises(ValueError, match=r"max_norm must be a positive finite number"):
        clip_by_global_norm({"a": np.ones(2)}, max_norm)


def test_rejects_non_finite_gradients():
    with pytest.raises(ValueError, match=r"gradients\['a'\] must be finite"):
        clip_by_global_norm({"a": np.array([np.nan])}, 1.0)
