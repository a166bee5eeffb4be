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


# ---------------------------------------------------------------- issue 14: no silent wrong answer


def sum_loss(params):
    return float(params["w"].sum())


def test_relative_error_refuses_shapes_that_only_broadcast():
    with pytest.raises(ValueError, match=r"analytic and numerical must have the same shape, got \(3,\) and \(1,\)"):
        G.relative_error(np.ones(3), np.ones(1))
    with pytest.raises(ValueError, match=r"same shape, got \(2, 1\) and \(2,\)"):
        G.relative_error(np.ones((2, 1)), np.ones(2))


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e200, 1e300])
def test_relative_error_is_scale_free_for_huge_and_tiny_gradients(scale):
    a, n = np.array([1.0, -2.0, 3.0]), np.array([1.1, -2.0, 2.5])
    assert G.relative_error(a * scale, n * scale) == pytest.approx(G.relative_error(a, n), rel=1e-12)
    assert G.relative_error(a * scale, -a * scale) == pytest.approx(1.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: G.gradcheck(lambda p: float("nan"), {"w": np.ones(2)}, {"w": np.ones(2)}),
         r"loss must return a finite number, got nan at params\['w'\]\[0\] \+ eps"),
        (lambda: G.gradcheck(sum_loss, {"w": np.ones(2)}, {"w": np.array([np.nan, 1.0])}),
         r"analytic\['w'\] must be finite, got 1 nan/inf values of 2"),
        (lambda: G.gradcheck(sum_loss, {"w": np.array([1.0, np.inf])}, {"w": np.ones(2)}),
         r"params\['w'\] must be finite, got 1 nan/inf values of 2"),
        (lambda: G.relative_error(np.array([np.nan]), np.ones(1)), r"analytic must be finite"),
        (lambda: G.relative_error(np.ones(1), np.array([np.inf])), r"numerical must be finite"),
        (lambda: G.numerical_gradient(lambda p: float(p["w"][0]) * 1e308, {"w": np.ones(1)}, "w", eps=1.0),
         r"loss must return a finite number, got inf at params\['w'\]\[0\] \+ eps"),
    ],
)
def test_nan_never_comes_back_as_an_error_value(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "eps, error, message",
    [
        (0.0, ValueError, r"eps must be > 0.0, got 0.0"),
        (-1e-6, ValueError, r"eps must be > 0.0"),
        (float("nan"), ValueError, r"eps must be finite, got nan"),
        ("1e-6", TypeError, r"eps must be a real number, got '1e-6'"),
        (1e-30, ValueError, r"eps must be large enough to survive rounding at params\['w'\]'s magnitude, got 1e-30"),
    ],
)
def test_numerical_gradient_refuses_a_bad_eps(eps, error, message):
    with pytest.raises(error, match=message):
        G.numerical_gradient(sum_loss, {"w": np.ones(2)}, "w", eps=eps)
    with pytest.raises(error, match=message):
        G.gradcheck(sum_loss, {"w": np.ones(2)}, {"w": np.ones(2)}, eps=eps)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: G.numerical_gradient(sum_loss, {"w": np.ones(2)}, "v"), ValueError, r"name must be a key of params \('w'\), got 'v'"),
        (lambda: G.numerical_gradient(sum_loss, {"w": np.ones(2)}, 0), TypeError, r"name must be a str, got int"),
        (lambda: G.numerical_gradient(3, {"w": np.ones(2)}, "w"), TypeError, r"loss must be a callable"),
        (lambda: G.numerical_gradient(lambda p: p["w"], {"w": np.ones(2)}, "w"), TypeError,
         r"loss must return a real scalar \(float\), got ndarray of shape \(2,\)"),
        (lambda: G.numerical_gradient(sum_loss, [np.ones(2)], "w"), TypeError, r"params must be a Mapping, got list"),
        (lambda: G.numerical_gradient(sum_loss, {"w": np.array([True])}, "w"), TypeError, r"params\['w'\] must hold real numbers"),
        (lambda: G.gradcheck(sum_loss, {}, {}), ValueError, r"params must hold at least one array, got an empty mapping"),
        (lambda: G.gradcheck(sum_loss, {"w": np.ones(2)}, [np.ones(2)]), TypeError, r"analytic must be a Mapping, got list"),
        (lambda: G.gradcheck(sum_loss, {"w": np.ones(2)}, {"w": ["a", "b"]}), TypeError, r"analytic\['w'\] must hold real numbers"),
        (lambda: G.relative_error([[1.0], [1.0, 2.0]], [1.0]), TypeError, r"analytic must be a rectangular array"),
    ],
)
def test_gradcheck_helpers_name_the_bad_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
