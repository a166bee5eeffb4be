"""Shared fixtures for the unit tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from lstm_helpers import data, repro

# Property tests (tests/test_properties_*.py): derandomized so that a CI run is reproducible,
# no per-example deadline (the first call of a helper can be slow on a busy machine), and few
# enough examples that the whole suite stays within its time budget.
settings.register_profile(
    "book", derandomize=True, deadline=None, max_examples=40, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile("book")

# Some tests build Keras layers; keep TensorFlow's start-up as quiet as in the chapters.
repro.quiet_tensorflow_env()


@pytest.fixture
def fake_data_dir(tmp_path: Path):
    """Return a function that writes a data folder with the given files and a matching manifest."""

    def make(files: dict[str, bytes], manifest_extra: str = "") -> Path:
        lines = []
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
            lines.append(f"{data.sha256_of(path)}  {name}")
        (tmp_path / "README.md").write_text("# test data\n\n```\n" + "\n".join(lines) + "\n```\n" + manifest_extra)
        return tmp_path

    return make


@pytest.fixture
def copied_data_dir(tmp_path: Path) -> Path:
    """A writable copy of the real data folder (manifest and the small files)."""
    source = data.data_dir()
    shutil.copy(source / "README.md", tmp_path / "README.md")
    for name in ("co2_maunaloa_weekly/co2.csv", "us_macrodata/macrodata.csv"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(source / name, tmp_path / name)
    return tmp_path


@pytest.fixture(scope="session")
def keras():
    """Keras, seeded once for the session (imported lazily: most tests do not need TensorFlow)."""
    import keras as keras_module

    keras_module.utils.set_random_seed(0)
    return keras_module


@pytest.fixture
def keras64(keras):
    """Keras computing in float64 (layers, loss and optimiser variables), restored afterwards."""
    previous = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")  # layers follow the policy, which is fixed once any layer exists
    yield keras
    keras.config.set_floatx(previous[0])
    keras.config.set_dtype_policy(previous[1])
