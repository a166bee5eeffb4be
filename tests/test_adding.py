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
        ((-3, 5), r"n_samples must be an integer >= 1, got -3"),
        ((2.0, 5), r"n_samples must be an integer >= 1, got 2.0 \(float\)"),
        ((True, 5), r"n_samples must be an integer >= 1, got True \(bool\)"),
        ((3, 1), r"steps must be an integer >= 2, got 1"),
        ((3, 5.5), r"steps must be an integer >= 2, got 5.5 \(float\)"),
        ((3, 5, "seed"), r"rng must be a numpy.random.Generator such as np.random.default_rng\(0\), got 'seed' \(str\)"),
        ((3, 5, 0), r"rng must be a numpy.random.Generator .*got 0 \(int\)"),
        ((3, 5, np.random), r"rng must be a numpy.random.Generator .*got the module numpy.random$"),
        ((3, 5, np.random.RandomState(0)), r"rng must be a numpy.random.Generator .*\(RandomState\)"),
    ],
)
def test_adding_problem_rejects_bad_arguments(args, message):
    if len(args) == 2:
        args = (*args, np.random.default_rng(0))
    with pytest.raises(ValueError, match=message):
        adding.adding_problem(*args)


def test_adding_problem_accepts_numpy_integers():
    X, y = adding.adding_problem(np.int64(2), np.int32(4), np.random.default_rng(0))
    assert X.shape == (2, 4, 2) and y.shape == (2,)


@pytest.mark.parametrize(
    "field, value, error, message",
    [
        ("units", 0, ValueError, r"units must be an integer >= 1, got 0"),
        ("units", 2.7, ValueError, r"units must be an integer >= 1, got 2.7 \(float\)"),
        ("n_train", -5, ValueError, r"n_train must be an integer >= 1, got -5"),
        ("n_validation", 0, ValueError, r"n_validation must be an integer >= 1, got 0"),
        ("n_test", 10.0, ValueError, r"n_test must be an integer >= 1, got 10.0 \(float\)"),
        ("epochs", 0, ValueError, r"epochs must be an integer >= 1, got 0"),
        ("batch_size", 0, ValueError, r"batch_size must be an integer >= 1, got 0"),
        ("batch_size", True, ValueError, r"batch_size must be an integer >= 1, got True \(bool\)"),
        ("learning_rate", -0.01, ValueError, r"learning_rate must be > 0.0, got -0.01"),
        ("learning_rate", 0, ValueError, r"learning_rate must be > 0.0, got 0.0"),
        ("learning_rate", float("inf"), ValueError, r"learning_rate must be finite, got inf"),
        ("learning_rate", "0.01", TypeError, r"learning_rate must be a real number, got '0.01' \(str\)"),
        ("solved_mse", -0.1, ValueError, r"solved_mse must be >= 0.0, got -0.1"),
        ("solved_mse", float("nan"), ValueError, r"solved_mse must be finite, got nan"),
    ],
)
def test_training_config_rejects_bad_fields(field, value, error, message):
    with pytest.raises(error, match=message):
        adding.TrainingConfig(**{field: value})


def test_training_config_keeps_good_values_and_stores_plain_numbers():
    config = adding.TrainingConfig(units=np.int64(8), epochs=30, learning_rate=np.float32(0.5))
    assert config.units == 8 and type(config.units) is int and type(config.learning_rate) is float
    assert repr(adding.TrainingConfig()) == (  # printed by chapter 7
        "TrainingConfig(units=32, n_train=4000, n_validation=500, n_test=1000, epochs=8, batch_size=32, "
        "learning_rate=0.01, solved_mse=0.01)")


@pytest.mark.parametrize(
    "validation_mse, test_mse, error, message",
    [
        ([], 0.1, ValueError, r"validation_mse must be a non-empty list"),
        ([0.2, float("nan")], 0.1, ValueError, r"validation_mse must be finite, got 1 nan/inf values of 2"),
        ([0.2, -0.1], 0.1, ValueError, r"validation_mse must be >= 0"),
        ("0.2", 0.1, TypeError, r"validation_mse must be an array of numbers, got a str"),
        ([0.2], float("nan"), ValueError, r"test_mse must be finite"),
        ([0.2], None, TypeError, r"test_mse must be a real number"),
    ],
)
def test_training_result_rejects_bad_values(validation_mse, test_mse, error, message):
    with pytest.raises(error, match=message):
        adding.TrainingResult(model=None, validation_mse=validation_mse, test_mse=test_mse)


@pytest.mark.parametrize("kind", adding.KINDS + adding.VARIANT_KINDS)
def test_build_recurrent_maps_sequences_to_one_number(keras, kind):
    model = adding.build_recurrent(kind, units=3, steps=7)
    expected = "RNN" if kind in adding.VARIANT_KINDS else kind
    assert model.layers[0].__class__.__name__ == expected
    assert tuple(model(np.zeros((5, 7, 2), np.float32)).shape) == (5, 1)


@pytest.mark.parametrize(
    "kwargs, message",
    [({"kind": "Transformer", "units": 3}, r"kind must be one of \('SimpleRNN', 'LSTM', 'GRU', 'PeepholeLSTM', 'CoupledLSTM'\), got 'Transformer'"),
     ({"kind": ["LSTM"], "units": 3}, r"kind must be one of .*, got \['LSTM'\] \(list\)"),
     ({"kind": np.array("LSTM"), "units": 3}, r"kind must be one of .*, got array\('LSTM'.*\(ndarray\)"),
     ({"kind": "LSTM", "units": 0}, r"units must be an integer >= 1, got 0"),
     ({"kind": "LSTM", "units": 2.7}, r"units must be an integer >= 1, got 2.7 \(float\)"),
     ({"kind": "LSTM", "units": 3, "steps": 0}, r"steps must be an integer >= 1, got 0"),
     ({"kind": "LSTM", "units": 3, "steps": 2.5}, r"steps must be an integer >= 1, got 2.5 \(float\)"),
     ({"kind": "LSTM", "units": 3, "features": 0}, r"features must be an integer >= 1, got 0"),
     ({"kind": "GRU", "units": 3, "features": "2"}, r"features must be an integer >= 1, got '2' \(str\)")],
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


@pytest.mark.parametrize(
    "args, error, message",
    [
        (("LSTM", 5, -1), ValueError, r"seed must be an integer >= 0, got -1"),
        (("LSTM", 5, 1.0), ValueError, r"seed must be an integer >= 0, got 1.0 \(float\)"),
        (("LSTM", 5, 2**32), ValueError, r"seed must be an integer <= 2\*\*32 - 1 \(numpy's limit\), got 4294967296"),
        (("LSTMX", 5, 0), ValueError, r"kind must be one of .*, got 'LSTMX'"),
        (("LSTM", 1, 0), ValueError, r"steps must be an integer >= 2, got 1"),
        (("LSTM", 5.0, 0), ValueError, r"steps must be an integer >= 2, got 5.0 \(float\)"),
        (("LSTM", 5, 0, {"units": 3}), TypeError, r"config must be a TrainingConfig, got dict"),
    ],
)
def test_train_recurrent_rejects_bad_arguments_before_drawing_data(monkeypatch, args, error, message):
    def fail(*args):
        raise AssertionError("adding_problem called before the arguments were checked")

    monkeypatch.setattr(adding, "adding_problem", fail)
    with pytest.raises(error, match=message):
        adding.train_recurrent(*args)


def test_train_recurrent_refuses_to_return_a_diverged_model(keras):
    config = adding.TrainingConfig(units=2, n_train=64, n_validation=16, n_test=16, epochs=3, batch_size=16,
                                   learning_rate=1e30)
    with pytest.raises(ValueError, match=r"training diverged: validation MSE nan after epoch 1, .*"
                                         r"lower config.learning_rate \(got 1e\+30\)"):
        adding.train_recurrent("SimpleRNN", 4, 0, config)
