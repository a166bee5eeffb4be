"""Tests of lstm_helpers.inspect_units: unit correlations, gate saturation, property extractors, coloured text."""

from __future__ import annotations

import re

import hypothesis.extra.numpy as hnp
import matplotlib
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lstm_helpers.inspect_units import (
    colour_text_html,
    gate_saturation,
    inside_brackets,
    position_in_segment,
    unit_correlations,
)

# ---------------------------------------------------------------- unit_correlations


@pytest.mark.parametrize("n_rows, units", [(2, 1), (7, 3), (50, 16)])
def test_unit_correlations_match_numpy_corrcoef(n_rows, units):
    rng = np.random.default_rng(n_rows)
    activations = rng.normal(size=(n_rows, units))
    prop = rng.normal(size=n_rows)
    expected = [np.corrcoef(activations[:, j], prop)[0, 1] for j in range(units)]
    np.testing.assert_allclose(unit_correlations(activations, prop), expected, rtol=1e-12, atol=1e-15)


def test_a_constant_unit_correlates_zero_never_nan():
    activations = np.column_stack([np.arange(5.0), np.full(5, 0.3), np.zeros(5)])
    r = unit_correlations(activations, np.arange(5))
    assert r.tolist() == [pytest.approx(1.0), 0.0, 0.0]


def test_a_boolean_property_is_an_indicator():
    inside = np.array([False, True, True, False])
    activations = np.array([[0.0], [1.0], [1.0], [0.0]])
    assert unit_correlations(activations, inside)[0] == pytest.approx(1.0)


def test_float32_activations_give_float64_correlations_and_are_not_changed():
    activations = np.random.default_rng(0).normal(size=(10, 4)).astype(np.float32)
    before = activations.copy()
    r = unit_correlations(activations, np.arange(10))
    assert r.dtype == np.float64 and r.shape == (4,)
    np.testing.assert_array_equal(activations, before)


def test_huge_and_tiny_activations_do_not_overflow_or_vanish():
    base = np.array([1.0, 2.0, 4.0, 3.0])
    activations = np.column_stack([base * 1e300, base * 1e-300, -base * 1e200, base * 4e307, base * 1e-320])
    np.testing.assert_allclose(unit_correlations(activations, base * 4e307), [1.0, 1.0, -1.0, 1.0, 1.0], rtol=1e-12)


@pytest.mark.parametrize(
    "activations, prop, error, message",
    [
        (np.zeros((1, 3)), [0.0], ValueError, r"activations must have shape \(N, H\) with N >= 2 .*got \(1, 3\)"),
        (np.zeros(5), np.arange(5), ValueError, r"activations must have shape \(N, H\).*got \(5,\); stack streams"),
        (np.zeros((3, 2, 2)), np.arange(3), ValueError, r"activations must have shape \(N, H\)"),
        (np.zeros((3, 0)), np.arange(3), ValueError, r"activations must have shape \(N, H\)"),
        ([[0.0, np.nan], [1.0, 2.0]], [0, 1], ValueError, r"activations must be finite, got 1 nan/inf"),
        (np.zeros((3, 2), dtype=complex), np.arange(3), TypeError, r"activations must hold real numbers"),
        (np.zeros((3, 2)), np.arange(4), ValueError, r"property must have shape \(N,\) = \(3,\).*got \(4,\)"),
        (np.zeros((3, 2)), np.ones(3), ValueError, r"property must vary over the N = 3 characters"),
        (np.zeros((3, 2)), [0.0, np.inf, 1.0], ValueError, r"property must be finite"),
        (np.zeros((3, 2)), "abc", TypeError, r"property must be an array of numbers, got a str"),
        ("abc", np.arange(3), TypeError, r"activations must be an array of numbers, got a str"),
    ],
)
def test_unit_correlations_name_the_bad_argument(activations, prop, error, message):
    with pytest.raises(error, match=message):
        unit_correlations(activations, prop)


small_finite = st.floats(-1e3, 1e3, allow_nan=False)


@settings(max_examples=30)
@given(
    activations=hnp.arrays(np.float64, st.tuples(st.integers(2, 12), st.integers(1, 4)), elements=small_finite),
    prop=st.data(),
    scale=st.floats(1e-3, 1e3) | st.floats(-1e3, -1e-3),
    shift=small_finite,
)
def test_unit_correlations_are_invariant_to_rescaling_a_unit(activations, prop, scale, shift):
    n_rows = activations.shape[0]
    values = prop.draw(hnp.arrays(np.float64, n_rows, elements=small_finite))
    assume(np.ptp(values) > 1e-6)
    assume((np.ptp(activations, axis=0) > 1e-6).all())  # units that vary (rescaling can round a tiny range away)
    r = unit_correlations(activations, values)
    assert np.isfinite(r).all() and (np.abs(r) <= 1).all()
    rescaled = unit_correlations(activations * scale + shift, values)
    np.testing.assert_allclose(rescaled, np.sign(scale) * r, atol=1e-7)


@settings(max_examples=30)
@given(values=hnp.arrays(np.float64, st.integers(2, 30), elements=small_finite))
def test_the_property_itself_correlates_one_and_its_negative_minus_one(values):
    assume(np.ptp(values) > 1e-6)
    r = unit_correlations(np.column_stack([values, -values, np.full(values.size, 7.0)]), values)
    np.testing.assert_allclose(r, [1.0, -1.0, 0.0], atol=1e-12)


# ---------------------------------------------------------------- gate_saturation


def test_gate_saturation_counts_values_strictly_beyond_the_thresholds():
    gates = np.array([[0.0, 0.05, 0.1], [0.5, 0.9, 0.95], [1.0, 0.99, 0.3]])  # 0.1 and 0.9 are not saturated
    assert gate_saturation(gates) == pytest.approx((2 / 9, 3 / 9))
    assert gate_saturation(gates, low=0.2, high=0.6) == pytest.approx((3 / 9, 4 / 9))


@settings(max_examples=30)
@given(gates=hnp.arrays(np.float32, hnp.array_shapes(max_dims=3, max_side=6), elements=st.floats(0, 1, width=32)))
def test_gate_saturation_fractions_add_up_to_at_most_one(gates):
    fraction_low, fraction_high = gate_saturation(gates)
    assert 0 <= fraction_low and 0 <= fraction_high and fraction_low + fraction_high <= 1
    assert fraction_low == pytest.approx(np.count_nonzero(gates < np.float32(0.1)) / gates.size)


@pytest.mark.parametrize(
    "gates, kwargs, error, message",
    [
        (np.array([]), {}, ValueError, r"gate_values must hold at least one value, got shape \(0,\)"),
        ([0.5, 1.2], {}, ValueError, r"gate_values must be gate activations in \[0, 1\], got values in \[0\.5, 1\.2\]"),
        ([-0.1, 0.5], {}, ValueError, r"gate_values must be gate activations in \[0, 1\]"),
        ([0.5, np.nan], {}, ValueError, r"gate_values must be finite"),
        (["0.5"], {}, TypeError, r"gate_values must hold real numbers"),
        ([0.5], {"low": 0.9, "high": 0.1}, ValueError, r"low must be below high, got low=0\.9 and high=0\.1"),
        ([0.5], {"low": -0.1}, ValueError, r"low must be >= 0\.0, got -0\.1"),
        ([0.5], {"high": 1.5}, ValueError, r"high must be <= 1\.0, got 1\.5"),
        ([0.5], {"low": "0.1"}, TypeError, r"low must be a real number"),
    ],
)
def test_gate_saturation_names_the_bad_argument(gates, kwargs, error, message):
    with pytest.raises(error, match=message):
        gate_saturation(gates, **kwargs)


# ---------------------------------------------------------------- property extractors


@pytest.mark.parametrize(
    "text, ends, expected",
    [
        ("", "\n", []),
        ("abc", "\n", [0, 1, 2]),
        ("ab\n\ncd", "\n", [0, 1, 2, 0, 0, 1]),
        ("床前，明。\n", "，。\n", [0, 1, 2, 0, 1, 0]),
    ],
)
def test_position_in_segment_counts_from_each_mark(text, ends, expected):
    assert position_in_segment(text, ends).tolist() == expected


@given(text=st.text("ab \n", max_size=40))
def test_position_in_segment_is_the_distance_to_the_previous_newline(text):
    positions = position_in_segment(text)
    for t in range(len(text)):
        previous = text.rfind("\n", 0, t)  # -1 when there is none: counts from the start
        assert positions[t] == t - previous - 1


@pytest.mark.parametrize(
    "text, marks, expected",
    [
        ("a[b]c", ("[", "]"), [0, 1, 1, 0, 0]),
        ("[[x]y]z", ("[", "]"), [1, 1, 1, 1, 1, 0, 0]),  # nested
        ("]a[", ("[", "]"), [0, 0, 1]),  # a closing mark with nothing open is ignored
        ("(a(", ("(", ")"), [1, 1, 1]),  # never closed
        ("'a' 'b", ("'", "'"), [1, 1, 0, 0, 1, 1]),  # quotes toggle
        ("", ("[", "]"), []),
    ],
)
def test_inside_brackets_is_the_state_after_each_character(text, marks, expected):
    assert inside_brackets(text, marks).tolist() == expected


@given(text=st.text("[]ab", max_size=40))
def test_inside_brackets_is_one_exactly_where_the_depth_so_far_is_positive(text):
    inside = inside_brackets(text)
    depth = 0
    for t, character in enumerate(text):  # an independent count of the open brackets
        depth = depth + 1 if character == "[" else max(depth - (character == "]"), 0)
        assert inside[t] == (depth > 0)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: position_in_segment(["a", "b"]), TypeError, r"text must be a str, got list"),
        (lambda: position_in_segment("ab", ends=""), ValueError, r"ends must hold at least one character"),
        (lambda: position_in_segment("ab", ends=None), TypeError, r"ends must be a str, got NoneType"),
        (lambda: inside_brackets(b"a[b]"), TypeError, r"text must be a str, got bytes"),
        (lambda: inside_brackets("a", "[]"), TypeError, r"open_close must be a pair of str \(opening, closing\), got '\[\]'"),
        (lambda: inside_brackets("a", ("[[", "]")), ValueError, r"open_close must hold two single characters"),
    ],
)
def test_extractors_name_the_bad_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------- colour_text_html


def _spans(page: str) -> list[tuple[str, str, str]]:
    return re.findall(r'<span style="background-color: (rgb\([^)]*\)); color: #[0f]{3}" title="([^"]*)">(.*?)</span>', page)


def test_colour_text_html_colours_each_character_by_the_colormap():
    spans = _spans(colour_text_html("ab", [-1.0, 1.0]))
    red, green, blue, _ = matplotlib.colormaps["RdBu"](0.0)
    assert spans[0] == (f"rgb({round(255 * red)}, {round(255 * green)}, {round(255 * blue)})", "-1.000", "a")
    red, green, blue, _ = matplotlib.colormaps["RdBu"](1.0)
    assert spans[1][0] == f"rgb({round(255 * red)}, {round(255 * green)}, {round(255 * blue)})"


def test_colour_text_html_escapes_markup_and_shows_newlines():
    page = colour_text_html('<b>&"\n', np.zeros(6))
    assert [text for _, _, text in _spans(page)] == ["&lt;", "b", "&gt;", "&amp;", "&quot;", "↵"]
    assert "<b>" not in page and "↵</span>\n" in page


@settings(max_examples=30)
@given(text=st.text(min_size=1, max_size=30), data=st.data())
def test_colour_text_html_has_one_span_per_character_whatever_the_text(text, data):
    values = data.draw(hnp.arrays(np.float64, len(text), elements=st.floats(-1, 1)))
    page = colour_text_html(text, values)
    spans = _spans(page)
    assert len(spans) == len(text) == page.count("<span")
    assert [float(title) for _, title, _ in spans] == pytest.approx(values.tolist(), abs=5e-4)


@pytest.mark.parametrize(
    "text, values, cmap, error, message",
    [
        ("ab", [0.0], "RdBu", ValueError, r"values must have shape \(len\(text\),\) = \(2,\), one per character, got \(1,\)"),
        ("ab", [0.0, 1.5], "RdBu", ValueError, r"values must lie in \[-1, 1\], got values in \[0\.0, 1\.5\]; rescale"),
        ("ab", [0.0, np.nan], "RdBu", ValueError, r"values must be finite"),
        ("", [], "RdBu", ValueError, r"text must hold at least one character"),
        ("ab", [0.0, 0.0], "NoSuchMap", ValueError, r"cmap must be the name of a matplotlib colormap such as 'RdBu', got 'NoSuchMap'"),
        ("ab", [0.0, 0.0], None, TypeError, r"cmap must be the name of a matplotlib colormap, got NoneType"),
        (["a", "b"], [0.0, 0.0], "RdBu", TypeError, r"text must be a str, got list"),
        ("ab", "01", "RdBu", TypeError, r"values must be an array of numbers, got a str"),
    ],
)
def test_colour_text_html_names_the_bad_argument(text, values, cmap, error, message):
    with pytest.raises(error, match=message):
        colour_text_html(text, values, cmap)
