"""Tests of lstm_helpers.repro: seeding and a silent TensorFlow start."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from lstm_helpers import repro


def run_python(code: str) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter (TensorFlow reads its settings once, at import)."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, timeout=120, check=False
    )


def test_importing_the_package_does_not_import_tensorflow():
    result = run_python("import sys, lstm_helpers; print('tensorflow' in sys.modules)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_setup_makes_tensorflow_silent_and_runs_a_layer():
    result = run_python(
        """
        import lstm_helpers
        lstm_helpers.setup(seed=0)
        import keras, numpy as np
        print(keras.layers.LSTM(2)(np.zeros((1, 3, 1), "float32")).shape)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "(1, 2)"
    assert result.stderr == ""


def test_setup_after_tensorflow_import_warns():
    result = run_python(
        """
        import warnings, tensorflow, lstm_helpers
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            lstm_helpers.setup(seed=0)
        print([str(w.message)[:60] for w in caught if w.category is RuntimeWarning])
        """
    )
    assert "tensorflow was imported before lstm_helpers.setup()" in result.stdout


# In this process TensorFlow may already be imported by an earlier test; the warning is then expected.
@pytest.mark.filterwarnings("ignore:tensorflow was imported before")
def test_setup_sets_the_quiet_environment(monkeypatch):
    for name in repro.QUIET_TF_ENV:
        monkeypatch.delenv(name, raising=False)
    repro.setup(seed=0, style=False)
    import os

    assert {name: os.environ[name] for name in repro.QUIET_TF_ENV} == {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}


@pytest.mark.filterwarnings("ignore:tensorflow was imported before")
def test_setup_seeds_numpy_keras_and_the_returned_generator():
    import keras

    draws = []
    for _ in range(2):
        rng = repro.setup(seed=7, style=False)
        draws.append((rng.random(), np.random.random(), float(keras.random.uniform(()))))
    assert draws[0] == draws[1]
    assert repro.setup(seed=8, style=False).random() != draws[0][0]


@pytest.mark.filterwarnings("ignore:tensorflow was imported before")
def test_setup_turns_off_tf32_matrix_products():
    import tensorflow as tf

    tf.config.experimental.enable_tensor_float_32_execution(True)
    repro.setup(seed=0, style=False)
    assert not tf.config.experimental.tensor_float_32_execution_enabled()


@pytest.mark.parametrize(
    "seed, message",
    [
        (-1, r"seed must be an integer >= 0, got -1"),
        ("0", r"seed must be an integer >= 0, got '0'"),
        (True, r"seed must be an integer >= 0, got True \(bool\)"),
        (1.0, r"seed must be an integer >= 0, got 1\.0 \(float\)"),
        (2**32, r"seed must be an integer <= 2\*\*32 - 1 = 4294967295, got 4294967296"),
    ],
)
def test_setup_rejects_bad_seed(seed, message):
    with pytest.raises(ValueError, match=message):
        repro.setup(seed=seed)


@pytest.mark.parametrize("style", ["no", None, 0])
def test_setup_rejects_a_style_that_is_not_a_bool(style):
    with pytest.raises(TypeError, match=r"style must be True or False, got"):
        repro.setup(seed=0, style=style)  # "no" applied the style


@pytest.mark.parametrize("value, expected", [(None, False), ("0", False), ("1", True), ("", False)])
def test_full_size_reads_the_environment(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(repro.FULL_SIZE_ENV_VAR, raising=False)
    else:
        monkeypatch.setenv(repro.FULL_SIZE_ENV_VAR, value)
    assert repro.full_size() is expected


@pytest.mark.parametrize("value", ["yes", "true", "2", " 1", "1 ", "on", "-1"])
def test_full_size_rejects_other_values(monkeypatch, value):
    monkeypatch.setenv(repro.FULL_SIZE_ENV_VAR, value)
    with pytest.raises(ValueError, match=rf"\$LSTM_BOOK_FULL must be '0' or '1', got '{value}'; set LSTM_BOOK_FULL=1 for"):
        repro.full_size()
