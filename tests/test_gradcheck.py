"""Tests of lstm_helpers.gradcheck: it passes correct gradients and catches wrong ones."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import gradcheck as G


def quadratic_loss(params):
    return float((params["w"] ** 2).sum() + 3 * params["v"].sum())


POINT = {"w": np.array([[1.0, -2.0], [0.5, 0.0]]), "v": np.array([4.0, -1.0, 2.0])}


def test_numerical_gradient_of_a_quadratic():
    np.testing.assert_allclose(G.numerical_gradient(quadratic_loss, POINT, "w"), 2 * POINT["w"], atol=1e-8)
    np.testing.assert_allclose(G.numerical_gradient(quadratic_loss, POINT, "v"), np.full(3, 3.0), atol=1e-8)


def test_numerical_gradient_leaves_the_point_unchanged():
    before = {k: v.copy() for k, v in POINT.items()}
    G.numerical_gradient(quadratic_loss, POINT, "w")
    assert all(np.array_equal(before[k], POINT[k]) for k in POINT)


def test_gradcheck_passes_the_right_gradient_and_flags_a_wrong_one():
    right = {"w": 2 * POINT["w"], "v": np.full(3, 3.0)}
    errors = G.gradcheck(quadratic_loss, POINT, right)
    assert max(errors.values()) < 1e-9
    wrong = {"w": POINT["w"], "v": np.full(3, 3.0)}  # forgot the factor 2
    assert G.gradcheck(quadratic_loss, POINT, wrong)["w"] == pytest.approx(1 / 3, rel=1e-6)


def test_relative_error_edge_cases():
    assert G.relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert G.relative_error(np.ones(3), -np.ones(3)) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "params, analytic, message",
    [
        ({"w": np.ones(2, dtype=np.float32)}, {"w": np.ones(2)}, r"params\['w'\] must be float64 .* got float32"),
        ({"w": np.ones(2)}, {}, r"analytic must have a gradient for every parameter, missing 'w'"),
        ({"w": np.ones(2)}, {"w": np.ones(3)}, r"analytic\['w'\] must have shape \(2,\), got \(3,\)"),
    ],
)
def test_gradcheck_rejects_bad_input(params, analytic, message):
    with pytest.raises(ValueError, match=message):
        G.gradcheck(lambda p: float(p["w"].sum()), params, analytic)
