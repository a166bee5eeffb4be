"""Reproducible, quiet chapter set-up: one call at the top of every notebook.

``setup(seed)`` must run before TensorFlow is first imported, because TensorFlow reads its
logging and oneDNN switches from the environment at import time:

- ``TF_CPP_MIN_LOG_LEVEL=3`` silences TensorFlow's C++ INFO/WARNING lines;
- ``TF_ENABLE_ONEDNN_OPTS=0`` turns off oneDNN's re-ordered float kernels. This silences the
  "oneDNN custom operations are on" line that absl prints before its logging is set up, and keeps
  float round-off the same as plain matrix products, which the numpy-vs-Keras checks rely on.
"""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np

from lstm_helpers._checks import check_int
from lstm_helpers.plotting import use_book_style

QUIET_TF_ENV = {"TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0"}
FULL_SIZE_ENV_VAR = "LSTM_BOOK_FULL"
MAX_SEED = 2**32 - 1  # numpy's legacy global generator (np.random.seed) takes seeds up to this


def full_size() -> bool:
    """Whether chapters should run their experiments at full size.

    Experiments default to a small size that keeps each chapter within CI's time budget; setting
    the environment variable ``LSTM_BOOK_FULL=1`` asks for the larger run the text reports.

    Returns
    -------
    full : bool
        True if ``$LSTM_BOOK_FULL`` is ``"1"``; False if it is ``"0"``, empty or unset (an empty
        value counts as unset, as for ``$LSTM_BOOK_DATA`` and ``$GLOVE_PATH``).

    Raises
    ------
    ValueError
        If ``$LSTM_BOOK_FULL`` is set to anything else (``"yes"``, ``"true"``, ``"2"``, ``" 1"``):
        a value that is neither clearly on nor off is refused rather than guessed.
    """
    value = os.environ.get(FULL_SIZE_ENV_VAR, "")
    if value not in ("", "0", "1"):
        raise ValueError(
            f"${FULL_SIZE_ENV_VAR} must be '0' or '1', got {value!r}; "
            f"set {FULL_SIZE_ENV_VAR}=1 for the full-size runs, 0 (or leave it unset) for the small ones"
        )
    return value == "1"


def quiet_tensorflow_env() -> None:
    """Set the environment variables that keep TensorFlow's import silent (see module docstring).

    Warns if TensorFlow is already imported, since the settings then no longer take effect.
    """
    if "tensorflow" in sys.modules:
        warnings.warn(
            "tensorflow was imported before lstm_helpers.setup(); its log settings cannot change now. "
            "Restart the kernel and run the set-up cell first.",
            RuntimeWarning,
            stacklevel=3,
        )
    os.environ.update(QUIET_TF_ENV)


def setup(seed: int = 0, style: bool = True) -> np.random.Generator:
    """Seed every random generator a chapter uses, quiet TensorFlow, apply the figure style.

    Also turns off TensorFlow's TF32 matrix products on GPUs, so that float32 results agree with
    numpy to float32 round-off on every machine.

    Parameters
    ----------
    seed : int, default 0
        Seed for Python's ``random``, numpy's global generator and TensorFlow
        (through ``keras.utils.set_random_seed``), and for the returned generator;
        ``0 … 2**32 - 1``.
    style : bool, default True
        Apply :func:`lstm_helpers.plotting.use_book_style`.

    Returns
    -------
    rng : numpy.random.Generator
        A generator seeded with ``seed``, for the chapter's own random draws.

    Raises
    ------
    ValueError
        If ``seed`` is not an integer in ``0 … 2**32 - 1`` (a bool, a float such as ``1.0`` and
        a str are refused too). Nothing is seeded then.
    TypeError
        If ``style`` is not a bool.

    Examples
    --------
    ``tests/test_repro.py`` runs this; it is not a doctest because it changes global state.

    >>> rng = setup(seed=0)  # doctest: +SKIP
    >>> float(rng.random()) == float(np.random.default_rng(0).random())  # doctest: +SKIP
    True
    """
    seed = check_int("seed", seed, minimum=0)
    if seed > MAX_SEED:
        raise ValueError(f"seed must be an integer <= 2**32 - 1 = {MAX_SEED}, got {seed}")
    if not isinstance(style, (bool, np.bool_)):
        raise TypeError(f"style must be True or False, got {style!r:.40} ({type(style).__name__})")
    quiet_tensorflow_env()
    import keras  # imported here, after the environment is set, so TensorFlow starts quiet

    keras.utils.set_random_seed(seed)
    # On Ampere and newer GPUs (Colab's A100 or L4) TensorFlow multiplies float32 matrices in TF32,
    # with a 10-bit mantissa, unless told not to; the numpy-vs-Keras checks assert float32 agreement.
    import tensorflow as tf

    tf.config.experimental.enable_tensor_float_32_execution(False)
    if style:
        use_book_style()
    return np.random.default_rng(seed)
