"""Property tests (hypothesis) of lstm_helpers.adding, lstm_helpers.keras_variants and lstm_helpers.plotting.

Most properties check arguments that are refused before any Keras work (``TrainingConfig``, the
sizes, ``kind``, ``seed``, ``rng``, ``highlight``…): those are cheap and run many examples. The few
that build Keras layers run a handful of tiny ones.
"""

from __future__ import annotations

import dataclasses
import math
import re
from unittest import mock

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from hypothesis.extra import numpy as hnp  # noqa: E402

from lstm_helpers import adding, plotting  # noqa: E402
from lstm_helpers import lstm_variants as V  # noqa: E402

COUNT_FIELDS = ("units", "n_train", "n_validation", "n_test", "epochs", "batch_size")

#: Anything that is not an integer >= 1: small and negative integers, every float (2.0 and 2.7
#: alike: never truncated), booleans, strings, None, lists.
not_a_count = st.one_of(
    st.integers(max_value=0),
    st.floats(allow_nan=True, allow_infinity=True),
    st.floats(1, 100).map(math.floor).map(float),  # integral floats
    st.booleans(), st.text(max_size=3), st.none(), st.lists(st.integers(1, 5), max_size=2),
    st.integers(1, 5).map(np.float64),
)
#: Anything that is not a finite real number: nan/inf, strings, booleans, None.
non_finite = st.sampled_from([float("nan"), float("inf"), -float("inf")])
not_a_real = st.one_of(st.text(max_size=3), st.booleans(), st.none(), st.lists(st.floats(), max_size=1))
#: Anything that is not one of the allowed strings ``allowed``.
def not_one_of(allowed):
    others = [st.text(max_size=12).filter(lambda s: s not in allowed), st.integers(), st.booleans(),
              st.lists(st.sampled_from([a for a in allowed if a is not None]), min_size=1, max_size=2),
              st.sampled_from([a.lower() + " " for a in allowed if a is not None])]  # near misses
    return st.one_of(*others, *([] if None in allowed else [st.none()]))


# ------------------------------------------------------------------------------- TrainingConfig


@given(counts=st.fixed_dictionaries({f: st.integers(1, 10**9) for f in COUNT_FIELDS}),
       learning_rate=st.floats(0, 1e6, exclude_min=True), solved_mse=st.floats(0, 10))
def test_training_config_keeps_good_values_as_plain_numbers(counts, learning_rate, solved_mse):
    config = adding.TrainingConfig(**counts, learning_rate=learning_rate, solved_mse=solved_mse)
    assert dataclasses.asdict(config) == {**counts, "learning_rate": learning_rate, "solved_mse": solved_mse}
    assert all(type(getattr(config, f)) is int for f in COUNT_FIELDS)
    assert type(config.learning_rate) is float and type(config.solved_mse) is float


@given(field=st.sampled_from(COUNT_FIELDS), value=not_a_count)
def test_training_config_refuses_any_bad_count_by_name(field, value):
    with pytest.raises(ValueError, match=rf"^{field} must be an integer >= 1, got"):
        adding.TrainingConfig(**{field: value})


@given(value=st.one_of(st.floats(max_value=0.0, allow_infinity=False), non_finite))
def test_training_config_refuses_a_learning_rate_that_is_not_positive_and_finite(value):
    with pytest.raises(ValueError, match=r"^learning_rate must be (> 0.0|finite), got"):
        adding.TrainingConfig(learning_rate=value)


@given(field=st.sampled_from(["learning_rate", "solved_mse"]), value=not_a_real)
def test_training_config_refuses_a_rate_that_is_not_a_number(field, value):
    with pytest.raises(TypeError, match=rf"^{field} must be a real number, got"):
        adding.TrainingConfig(**{field: value})


@given(value=st.one_of(st.floats(max_value=0.0, exclude_max=True, allow_infinity=False), non_finite))
def test_training_config_refuses_a_negative_or_non_finite_solved_mse(value):
    with pytest.raises(ValueError, match=r"^solved_mse must be (>= 0.0|finite), got"):
        adding.TrainingConfig(solved_mse=value)


@given(mse=st.lists(st.floats(0, 10), min_size=1, max_size=6), test_mse=st.floats(0, 10),
       spoil=st.one_of(st.none(), non_finite, st.floats(max_value=-1e-9, allow_infinity=False)),
       where=st.integers(0, 6))
def test_training_result_keeps_finite_mses_and_refuses_any_other(mse, test_mse, spoil, where):
    if spoil is None:
        result = adding.TrainingResult(model=None, validation_mse=mse, test_mse=test_mse)
        assert result.validation_mse == mse and result.test_mse == test_mse
        return
    bad = list(mse)
    if where < len(bad):
        bad[where] = spoil
        with pytest.raises(ValueError, match=r"^validation_mse must be"):
            adding.TrainingResult(model=None, validation_mse=bad, test_mse=test_mse)
    else:
        with pytest.raises(ValueError, match=r"^test_mse must be"):
            adding.TrainingResult(model=None, validation_mse=mse, test_mse=spoil)


# ------------------------------------------------------------------------------ adding_problem


@given(n_samples=st.integers(1, 20), steps=st.integers(2, 30), seed=st.integers(0, 2**32 - 1))
def test_adding_problem_is_the_sum_of_one_marked_value_in_each_half(n_samples, steps, seed):
    X, y = adding.adding_problem(n_samples, steps, np.random.default_rng(seed))
    assert X.shape == (n_samples, steps, 2) and y.shape == (n_samples,)
    assert X.dtype == y.dtype == np.float32
    values, markers = X[..., 0], X[..., 1]
    assert ((values >= 0) & (values < 1)).all() and set(np.unique(markers).tolist()) <= {0.0, 1.0}
    half = steps // 2
    assert (markers[:, :half].sum(axis=1) == 1).all() and (markers[:, half:].sum(axis=1) == 1).all()
    reference = (values.astype(np.float64) * markers).sum(axis=1)  # the definition, in float64
    np.testing.assert_allclose(y, reference, atol=1e-6)
    again = adding.adding_problem(n_samples, steps, np.random.default_rng(seed))
    assert np.array_equal(X, again[0]) and np.array_equal(y, again[1])


@given(data=st.data(), which=st.sampled_from(["n_samples", "steps", "rng"]))
def test_adding_problem_refuses_any_bad_argument_by_name_before_drawing(data, which):
    args = {"n_samples": 3, "steps": 6, "rng": np.random.default_rng(0)}
    if which == "n_samples":
        args["n_samples"] = data.draw(not_a_count)
        message = r"^n_samples must be an integer >= 1, got"
    elif which == "steps":
        args["steps"] = data.draw(st.one_of(not_a_count, st.just(1)))
        message = r"^steps must be an integer >= 2, got"
    else:
        args["rng"] = data.draw(st.one_of(st.integers(), st.none(), st.text(max_size=3),
                                          st.sampled_from([np.random, np.random.RandomState(0),
                                                           np.random.default_rng(0).bit_generator])))
        message = r"^rng must be a numpy.random.Generator such as np.random.default_rng\(0\), got"
    state = args["rng"].bit_generator.state if which != "rng" else None
    with pytest.raises(ValueError, match=message):
        adding.adding_problem(**args)
    if state is not None:
        assert args["rng"].bit_generator.state == state  # refused before any draw


# ----------------------------------------------- build_recurrent, train_recurrent: bad arguments

KIND_NAMES = adding.KINDS + adding.VARIANT_KINDS


@given(kind=not_one_of(KIND_NAMES))
def test_a_kind_outside_the_list_is_refused_by_both_helpers(kind):
    with pytest.raises(ValueError, match=r"^kind must be one of \('SimpleRNN', 'LSTM', 'GRU', 'PeepholeLSTM', "
                                         r"'CoupledLSTM'\), got"):
        adding.build_recurrent(kind, 3)
    with mock.patch.object(adding, "adding_problem", side_effect=AssertionError("drew data")):
        with pytest.raises(ValueError, match=r"^kind must be one of"):
            adding.train_recurrent(kind, 5, 0)


@given(data=st.data(), which=st.sampled_from(["units", "steps", "features"]))
def test_build_recurrent_refuses_bad_sizes_by_name(data, which):
    kwargs = {"kind": data.draw(st.sampled_from(KIND_NAMES)), "units": 2, "steps": None, "features": 2}
    kwargs[which] = data.draw(not_a_count.filter(lambda v: v is not None))
    with mock.patch("keras.Sequential", side_effect=AssertionError("built a model")):
        with pytest.raises(ValueError, match=rf"^{which} must be an integer >= 1, got"):
            adding.build_recurrent(**kwargs)


@given(data=st.data(), which=st.sampled_from(["steps", "seed", "config"]))
def test_train_recurrent_refuses_bad_arguments_before_drawing_data(data, which):
    args = {"kind": "LSTM", "steps": 5, "seed": 0, "config": adding.TrainingConfig()}
    if which == "steps":
        args["steps"] = data.draw(st.one_of(not_a_count, st.just(1)))
        error, message = ValueError, r"^steps must be an integer >= 2, got"
    elif which == "seed":
        args["seed"] = data.draw(st.one_of(not_a_count.filter(lambda v: v != 0), st.integers(min_value=2**32)))
        error, message = ValueError, r"^seed must be an integer (>= 0|<= 2\*\*32 - 1)"
    else:
        args["config"] = data.draw(st.one_of(st.none(), st.dictionaries(st.sampled_from(COUNT_FIELDS),
                                                                        st.integers(1, 5))))
        error, message = TypeError, r"^config must be a TrainingConfig, got"
    with mock.patch.object(adding, "adding_problem", side_effect=AssertionError("drew data")):
        with pytest.raises(error, match=message):
            adding.train_recurrent(**args)


# ------------------------------------------------------------------------- Keras: a few builds


@settings(max_examples=5)
@given(kind=st.sampled_from(KIND_NAMES), units=st.integers(1, 3), steps=st.one_of(st.none(), st.integers(2, 4)),
       features=st.integers(1, 3), batch=st.integers(1, 3))
def test_build_recurrent_maps_any_batch_of_sequences_to_one_number_each(keras, kind, units, steps, features, batch):
    model = adding.build_recurrent(kind, units, steps, features)
    x = np.zeros((batch, steps or 3, features), np.float32)
    out = keras.ops.convert_to_numpy(model(x))
    assert out.shape == (batch, 1) and out.dtype == np.float32 and np.isfinite(out).all()


@given(units=not_a_count, flags=st.fixed_dictionaries({"peephole": st.booleans(), "coupled": st.booleans()}))
def test_variant_cell_and_layer_refuse_any_bad_units(keras, units, flags):
    from lstm_helpers.keras_variants import VariantLSTMCell, variant_layer

    for make in (VariantLSTMCell, variant_layer):
        with pytest.raises(ValueError, match=r"^units must be an integer >= 1, got"):
            make(units, **flags)


@given(flag=st.sampled_from(["peephole", "coupled"]),
       value=st.one_of(st.integers(), st.text(max_size=3), st.none(), st.floats(), st.lists(st.booleans(), max_size=1)))
def test_variant_cell_refuses_flags_that_are_not_bools(keras, flag, value):
    from lstm_helpers.keras_variants import VariantLSTMCell, variant_layer

    for make in (VariantLSTMCell, variant_layer):
        with pytest.raises(ValueError, match=rf"^{flag} must be True or False, got"):
            make(2, **{flag: value})


@given(layer=st.one_of(st.none(), st.integers(), st.text(max_size=3), st.floats(),
                       st.sampled_from(["LSTM", "GRU", "Dense", "SimpleNamespace"])))
def test_to_numpy_refuses_anything_but_a_variant_layer(keras, layer):
    from types import SimpleNamespace

    from lstm_helpers.keras_variants import VariantLSTMCell, to_numpy

    layer = {"LSTM": lambda: keras.layers.LSTM(2), "GRU": lambda: keras.layers.GRU(2),
             "Dense": lambda: keras.layers.Dense(2),
             "SimpleNamespace": lambda: SimpleNamespace(cell=VariantLSTMCell(2))}.get(layer, lambda: layer)()
    with pytest.raises(ValueError, match=r"^layer must be keras.layers.RNN\(VariantLSTMCell\(...\)\), got"):
        to_numpy(layer)


@settings(max_examples=6)
@given(data=st.data(), units=st.integers(1, 3), peephole=st.booleans(), coupled=st.booleans())
def test_variant_layer_computes_the_numpy_variant_without_touching_its_input(keras, data, units, peephole, coupled):
    from lstm_helpers.keras_variants import to_numpy, variant_layer

    shape = data.draw(hnp.array_shapes(min_dims=3, max_dims=3, min_side=1, max_side=3), label="shape")
    x = data.draw(hnp.arrays(np.float32, shape, elements=st.floats(-3, 3, width=32)), label="x")
    x_before = x.copy()
    layer = variant_layer(units, peephole=peephole, coupled=coupled, return_sequences=True)
    layer.build((None, None, shape[2]))
    if peephole:  # zero at init: give them values so that they matter
        p = data.draw(hnp.arrays(np.float32, layer.cell.peephole_kernel.shape, elements=st.floats(-1, 1, width=32)))
        layer.cell.peephole_kernel.assign(p)
    h = keras.ops.convert_to_numpy(layer(x))
    np.testing.assert_array_equal(x, x_before)
    weights = to_numpy(layer)
    assert weights.W_x.dtype == np.float32 and weights.W_x.shape == (shape[2], (3 if coupled else 4) * units)
    assert weights.W_x.flags.writeable and not np.shares_memory(weights.W_x, layer.cell.kernel.numpy())
    reference = V.variant_forward(x.astype(np.float64), weights).h  # the equations, in float64
    np.testing.assert_allclose(h, reference, atol=1e-5)


# ------------------------------------------------------------------------------------- plotting


@settings(max_examples=15)
@given(steps=st.integers(1, 8), data=st.data())
def test_draw_unrolled_draws_one_box_per_step_and_each_of_the_cell_s_states(steps, data):
    cell = data.draw(st.sampled_from(list(plotting.UNROLLED_CELLS)), label="cell")
    carries = tuple(data.draw(st.permutations(plotting.UNROLLED_CELLS[cell]), label="carries"))
    fig, ax = plt.subplots()
    try:
        plotting.draw_unrolled(ax, steps=steps, cell=cell, carries=carries)
        texts = [t.get_text() for t in ax.texts]
        assert texts.count(f"{cell}\n(W, b)") == steps
        assert len(ax.patches) == steps * (3 + len(carries))
        for state in carries:
            assert [f"${state}_{{{k}}}$" in texts for k in range(steps)] == [True] * steps
        assert f"$x_{{{steps}}}$" in texts and f"$x_{{{steps + 1}}}$" not in texts
    finally:
        plt.close(fig)


@given(data=st.data(), which=st.sampled_from(["ax", "steps", "cell", "carries", "carries_str"]))
def test_draw_unrolled_refuses_any_bad_argument_by_name_and_draws_nothing(data, which):
    fig, ax = plt.subplots()
    try:
        kwargs = {"ax": ax, "steps": 3, "cell": "LSTM", "carries": ("c", "h")}
        error = ValueError
        if which == "ax":
            kwargs["ax"] = data.draw(st.one_of(st.none(), st.integers(), st.text(max_size=3), st.just(fig)))
            message = r"^ax must be a matplotlib Axes, got"
        elif which == "steps":
            kwargs["steps"] = data.draw(not_a_count)
            message = r"^steps must be an integer >= 1, got"
        elif which == "cell":
            kwargs["cell"] = data.draw(not_one_of(tuple(plotting.UNROLLED_CELLS)))
            message = r"^cell must be one of \('RNN', "
        elif which == "carries":
            kwargs["carries"] = tuple(data.draw(st.lists(st.sampled_from(["c", "h", "x", ""]), min_size=1, max_size=3)
                                                .filter(lambda c: sorted(c) != ["c", "h"])))
            message = r"^carries must be the states of LSTM, \('c', 'h'\)"
        else:
            kwargs["carries"] = data.draw(st.text(max_size=3))
            error, message = TypeError, r"^carries must be a collection of strings \(e.g. a list\), got a single string"
        with pytest.raises(error, match=message):
            plotting.draw_unrolled(**kwargs)
        assert not ax.patches and not ax.texts
    finally:
        plt.close(fig)


CELL_DIAGRAMS = {"draw_lstm_cell": plotting.LSTM_HIGHLIGHTS, "draw_gru_cell": plotting.GRU_HIGHLIGHTS}


@given(name=st.sampled_from(list(CELL_DIAGRAMS)), data=st.data())
def test_a_highlight_outside_the_list_is_refused_before_any_figure_is_made(name, data):
    allowed = CELL_DIAGRAMS[name]
    highlight = data.draw(not_one_of(allowed))
    figures = plt.get_fignums()
    with pytest.raises(ValueError, match=rf"^highlight must be one of {re.escape(repr(allowed))}, got"):
        getattr(plotting, name)(highlight=highlight)
    assert plt.get_fignums() == figures


@given(name=st.sampled_from(["draw_lstm_cell", "draw_gru_cell", "draw_lstm_backward"]),
       flag=st.sampled_from(["caption", "reset_after", "ax"]),
       value=st.one_of(st.integers(), st.floats(), st.text(max_size=3), st.lists(st.booleans(), max_size=1)))
def test_cell_diagrams_refuse_bad_flags_and_axes_by_name(name, flag, value):
    if flag == "reset_after" and name != "draw_gru_cell":
        flag = "caption"
    message = r"^ax must be a matplotlib Axes or None, got" if flag == "ax" else rf"^{flag} must be True or False, got"
    figures = plt.get_fignums()
    with pytest.raises(ValueError, match=message):
        getattr(plotting, name)(**{flag: value})
    assert plt.get_fignums() == figures


@settings(max_examples=8)
@given(name=st.sampled_from(list(CELL_DIAGRAMS)), data=st.data(), caption=st.booleans())
def test_cell_diagrams_draw_on_the_given_axes_with_only_the_highlight_in_colour(name, data, caption):
    highlight = data.draw(st.sampled_from(CELL_DIAGRAMS[name]), label="highlight")
    fig, ax = plt.subplots(figsize=(plotting.DIAGRAM_WIDTH, 7))
    try:
        figures = plt.get_fignums()
        assert getattr(plotting, name)(ax=ax, highlight=highlight, caption=caption) is ax
        assert plt.get_fignums() == figures
        for artist in ax.patches:
            parts = (artist.get_gid() or "").split(",")
            if highlight is not None and highlight not in parts:
                assert mpl.colors.to_hex(artist.get_edgecolor()) == plotting.MUTED, parts
    finally:
        plt.close(fig)


@given(values=st.fixed_dictionaries({"figure.dpi": st.floats(10, 300), "lines.linewidth": st.floats(0.1, 5),
                                     "axes.grid": st.booleans(), "legend.fontsize": st.floats(4, 30)}))
def test_use_book_style_restores_every_setting_whatever_was_set_before(values):
    with mpl.rc_context(values):
        plotting.use_book_style()
        for key, value in plotting.BOOK_STYLE.items():
            assert mpl.rcParams[key] == value, key
