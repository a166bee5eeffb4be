"""Tests of lstm_helpers.adding: the data's definition, its baseline, and the training helper."""

from __future__ import annotations

import numpy as np
import pytest

from lstm_helpers import adding


@pytest.mark.parametrize("n_samples, steps", [(1, 2), (5, 3), (200, 50)])
def test_each_sample_has_one_marker_in_each_half(n_samples, steps):
    X, y = adding.adding_problem(n_samples, steps, np.random.default_rng(0))
    assert X.shape == (n_samples, steps, 2) and y.shape == (n_samples,)
    assert X.dtype == y.dtype == np.float32
    markers = X[..., 1]
    assert set(np.unique(markers).tolist()) <= {0.0, 1.0}
    assert np.all(markers[:, : steps // 2].sum(axis=1) == 1) and np.all(markers[:, steps // 2 :].sum(axis=1) == 1)


def test_target_is_the_sum_of_the_marked_values():
    X, y = adding.adding_problem(50, 20, np.random.default_rng(1))
    for values, markers, target in zip(X[..., 0], X[..., 1], y):
        assert target == pytest.approx(values[markers == 1].sum(), abs=1e-6)
    assert ((X[..., 0] >= 0) & (X[..., 0] < 1)).all()


def test_predicting_one_scores_the_baseline_mse():
    _, y = adding.adding_problem(200_000, 4, np.random.default_rng(2))
    assert np.mean((y - 1.0) ** 2) == pytest.approx(adding.BASELINE_MSE, rel=0.01)
    assert adding.BASELINE_MSE == pytest.approx(0.1667, abs=1e-4)


def test_draws_repeat_with_the_seed():
    first = adding.adding_problem(4, 6, np.random.default_rng(3))
    again = adding.adding_problem(4, 6, np.random.default_rng(3))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))


@pytest.mark.parametrize(
    "args, message",
    [
        ((0, 5), r"n_samples must be an integer >= 1, got 0"),
        ((3, 1), r"steps must be an integer >= 2, got 1"),
        ((3, 5, "seed"), r"rng must be a numpy.random.Generator, got 'seed'"),
    ],
)
def test_adding_problem_rejects_bad_arguments(args, message):
    if len(args) == 2:
        args = (*args, np.random.default_rng(0))
    with pytest.raises(ValueError, match=message):
        adding.adding_problem(*args)


@pytest.mark.parametrize("kind", adding.KINDS + adding.VARIANT_KINDS)
def test_build_recurrent_maps_sequences_to_one_number(keras, kind):
    model = adding.build_recurrent(kind, units=3, steps=7)
    expected = "RNN" if kind in adding.VARIANT_KINDS else kind
    assert model.layers[0].__class__.__name__ == expected
    assert tuple(model(np.zeros((5, 7, 2), np.float32)).shape) == (5, 1)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"kind": "Transformer", "units": 3}, r"kind must be one of \('SimpleRNN', 'LSTM', 'GRU', 'PeepholeLSTM', 'CoupledLSTM'\), got 'Transformer'"),
     ({"kind": "LSTM", "units": 0}, r"units must be an integer >= 1, got 0")],
)
def test_build_recurrent_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        adding.build_recurrent(**kwargs)


def test_train_recurrent_learns_short_sequences_and_stops_when_solved(keras):
    config = adding.TrainingConfig(units=8, n_train=1000, n_validation=200, n_test=200, epochs=20, solved_mse=0.05)
    result = adding.train_recurrent("GRU", steps=5, seed=0, config=config)
    assert result.test_mse < adding.BASELINE_MSE / 3
    assert len(result.validation_mse) < 20 and result.validation_mse[-1] < 0.05  # stopped early, once solved
    assert all(v >= 0.05 for v in result.validation_mse[:-1])


def test_train_recurrent_rejects_negative_seed():
    with pytest.raises(ValueError, match=r"seed must be an integer >= 0, got -1"):
        adding.train_recurrent("LSTM", steps=5, seed=-1)
