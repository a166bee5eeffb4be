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


# ---------------------------------------------------------------- issue 14: no silent wrong answer


@pytest.mark.parametrize(
    "gradient, expected_norm",
    [
        (np.full(3, 1e20, dtype=np.float32), np.sqrt(3) * float(np.float32(1e20))),  # float32 squares overflow
        (np.full(3, 300, dtype=np.float16), np.sqrt(3) * 300),  # float16 squares overflow
        (np.full(3, 1e300), np.sqrt(3) * 1e300),  # float64 squares overflow
        (np.full(3, 1e-200), np.sqrt(3) * 1e-200),  # float64 squares underflow to 0
        (np.full(3, 1e-30, dtype=np.float32), np.sqrt(3) * float(np.float32(1e-30))),  # float32 squares underflow
        (np.array([2**40, 0]), 2.0**40),  # int64 squares would wrap around
    ],
)
def test_norm_survives_exploding_and_vanishing_gradients(gradient, expected_norm):
    assert global_norm({"g": gradient}) == pytest.approx(expected_norm, rel=1e-6, abs=0)
    clipped, norm = clip_by_global_norm({"g": gradient}, 1.0)
    assert norm == pytest.approx(expected_norm, rel=1e-6, abs=0)
    assert clipped["g"].dtype == (gradient.dtype if gradient.dtype.kind == "f" else np.float64)
    assert np.isfinite(clipped["g"]).all() and clipped["g"].any()
    assert global_norm(clipped) == pytest.approx(min(1.0, expected_norm), rel=1e-3, abs=0)


def test_a_tiny_max_norm_still_gives_a_nonzero_gradient_in_the_same_direction():
    clipped, norm = clip_by_global_norm({"a": np.array([1e100, -2e100])}, 1e-300)  # the factor 1e-400 underflows
    assert norm == pytest.approx(np.sqrt(5) * 1e100)
    np.testing.assert_allclose(clipped["a"], np.array([1.0, -2.0]) / np.sqrt(5) * 1e-300, rtol=1e-12)


def test_a_max_norm_below_the_dtype_resolution_is_refused_rather_than_zeroing():
    with pytest.raises(ValueError, match=r"max_norm must be large enough for the clipped gradients to be nonzero in float32"):
        clip_by_global_norm({"a": np.ones(3, dtype=np.float32)}, 1e-50)


def test_max_norm_accepts_numpy_numbers():
    clipped, norm = clip_by_global_norm({"a": np.array([3.0, 4.0])}, np.float32(1.0))
    assert norm == 5.0 and global_norm(clipped) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "gradients, error, message",
    [
        ([np.ones(2)], TypeError, r"gradients must be a Mapping, got list"),
        ({}, ValueError, r"gradients must hold at least one array, got an empty mapping"),
        ({"a": np.array([True, False])}, TypeError, r"gradients\['a'\] must hold real numbers .* got dtype bool"),
        ({"a": np.array([1 + 2j])}, TypeError, r"gradients\['a'\] must hold real numbers .* got dtype complex128"),
        ({"a": "0.5"}, TypeError, r"gradients\['a'\] must be an array of numbers, got a str"),
        ({"a": [[1.0], [1.0, 2.0]]}, TypeError, r"gradients\['a'\] must be a rectangular array"),
        ({0: np.ones(2)}, TypeError, r"gradients must be keyed by parameter name \(str\), got key 0"),
        ({"a": np.array([1.0, np.inf])}, ValueError, r"gradients\['a'\] must be finite, got 1 nan/inf values of 2"),
    ],
)
def test_global_norm_and_clipping_name_the_bad_gradients(gradients, error, message):
    with pytest.raises(error, match=message):
        global_norm(gradients)
    with pytest.raises(error, match=message):
        clip_by_global_norm(gradients, 1.0)


def test_a_norm_beyond_the_float64_range_is_inf_but_the_clipped_gradients_are_right():
    clipped, norm = clip_by_global_norm({"a": np.array([1.5e308, 1.5e308])}, 1.0)  # the norm is 2.1e308
    assert norm == float("inf")  # documented: the correctly rounded norm
    np.testing.assert_allclose(clipped["a"], [2**-0.5, 2**-0.5], rtol=1e-15)


def test_a_0d_array_max_norm_is_a_number():
    assert clip_by_global_norm({"a": np.array([3.0, 4.0])}, np.array(1.0))[1] == 5.0
