"""The adding problem: a test of memory over a chosen distance.

This is the simplified form later papers use, not experiment 4 of Hochreiter & Schmidhuber (1997)
as set there: the 1997 task draws values from [−1, 1], marks one of the first ten steps and one
of the first T/2 − 1, marks the first and last step −1, varies the length between T and 1.1 T,
and asks for 0.5 + (X₁ + X₂)/4.

Each sample is a sequence of ``steps`` pairs ``(value_t, marker_t)``: values uniform in [0, 1), and
markers 0 except at two positions, one in each half of the sequence. The target is the sum of the
two marked values,

    y = Σ_t value_t · marker_t ,

so the model must find and keep the first marked value for up to T − 1 steps (T = ``steps``). Always answering
the mean, 1, scores a mean squared error of Var(U₁ + U₂) = 2 · 1/12 = 1/6 ≈ 0.167: a model has
learned something only if it goes clearly below that.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

import numpy as np

from lstm_helpers._checks import check_float_array, check_instance, check_int, check_real

#: Mean squared error of always predicting 1, the mean of the target.
BASELINE_MSE = 1.0 / 6.0

#: Recurrent layer classes the helpers can build, by ``keras.layers`` name.
KINDS = ("SimpleRNN", "LSTM", "GRU")

#: LSTM variants built from :mod:`lstm_helpers.keras_variants`, also accepted as ``kind``.
VARIANT_KINDS = ("PeepholeLSTM", "CoupledLSTM")

#: Largest seed :func:`train_recurrent` accepts (numpy's legacy seeding, which Keras calls, stops there).
_MAX_SEED = 2**32 - 1


def adding_problem(n_samples: int, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw samples of the adding problem.

    Parameters
    ----------
    n_samples : int
        Number of sequences, ``>= 1``.
    steps : int
        Sequence length ``T``, ``>= 2``. The first marker is in steps ``0 … T//2 - 1``, the second in
        ``T//2 … T-1`` (with one step there is no first half, so the problem cannot be posed).
    rng : numpy.random.Generator
        For example ``np.random.default_rng(0)``; the legacy ``np.random`` functions and integer
        seeds are refused, so that every draw is explicit about its stream.

    Returns
    -------
    X : ndarray of float32, shape (n_samples, steps, 2)
        ``X[..., 0]`` the values, ``X[..., 1]`` the markers (two 1s per sample).
    y : ndarray of float32, shape (n_samples,)
        Sum of the two marked values, in [0, 2).

    Raises
    ------
    ValueError
        If ``n_samples`` is not an integer ``>= 1``, ``steps`` not an integer ``>= 2`` (floats such
        as ``2.0`` included), or ``rng`` is not a numpy Generator.

    Examples
    --------
    >>> X, y = adding_problem(3, 10, np.random.default_rng(0))
    >>> X.shape, y.shape, X[..., 1].sum(axis=1).tolist()
    ((3, 10, 2), (3,), [2.0, 2.0, 2.0])
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    steps = check_int("steps", steps, minimum=2)
    _check_rng(rng)
    values = rng.uniform(0.0, 1.0, size=(n_samples, steps))
    first = rng.integers(0, steps // 2, size=n_samples)
    second = rng.integers(steps // 2, steps, size=n_samples)
    markers = np.zeros((n_samples, steps))
    markers[np.arange(n_samples), first] = 1.0
    markers[np.arange(n_samples), second] = 1.0
    X = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values * markers).sum(axis=1).astype(np.float32)
    return X, y


def _check_rng(rng: object) -> None:
    """Raise ``ValueError`` naming ``rng`` unless it is a ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        shown = f"the module {rng.__name__}" if isinstance(rng, ModuleType) else f"{rng!r:.60} ({type(rng).__name__})"
        raise ValueError(f"rng must be a numpy.random.Generator such as np.random.default_rng(0), got {shown}")


@dataclass(frozen=True)
class TrainingConfig:
    """How :func:`train_recurrent` trains one model on the adding problem.

    Attributes
    ----------
    units : int
        Hidden units of the recurrent layer.
    n_train, n_validation, n_test : int
        Freshly drawn sequences for training, for the stopping rule, and for the final score.
    epochs : int
        Upper limit on passes over the training set.
    batch_size : int
    learning_rate : float
        Adam's step size.
    solved_mse : float
        Training stops after the first epoch whose validation MSE is below this ("solved");
        the test set plays no part in it. ``0`` never stops early.

    Raises
    ------
    ValueError
        If a count (``units`` … ``batch_size``) is not an integer ``>= 1`` (``2.0`` included), or
        ``learning_rate`` is not finite and ``> 0``, or ``solved_mse`` not finite and ``>= 0``.
    TypeError
        If ``learning_rate`` or ``solved_mse`` is not a real number (a string, a bool).
    """

    units: int = 32
    n_train: int = 4000
    n_validation: int = 500
    n_test: int = 1000
    epochs: int = 8
    batch_size: int = 32
    learning_rate: float = 0.01
    solved_mse: float = 0.01

    def __post_init__(self) -> None:
        for name in ("units", "n_train", "n_validation", "n_test", "epochs", "batch_size"):
            object.__setattr__(self, name, check_int(name, getattr(self, name), minimum=1))
        rate = check_real("learning_rate", self.learning_rate, minimum=0.0, strict=True)
        object.__setattr__(self, "learning_rate", rate)
        object.__setattr__(self, "solved_mse", check_real("solved_mse", self.solved_mse, minimum=0.0))


@dataclass(frozen=True)
class TrainingResult:
    """Outcome of :func:`train_recurrent`.

    Attributes
    ----------
    model : keras.Model
        The trained model: Input → recurrent layer → Dense(1).
    validation_mse : list of float
        Validation MSE after each epoch that ran.
    test_mse : float
        MSE on the test sequences after training.

    Raises
    ------
    ValueError
        If ``validation_mse`` is empty or not one-dimensional, or any MSE is negative or nan/inf.
    TypeError
        If an MSE is not a real number.
    """

    model: object
    validation_mse: list[float]
    test_mse: float

    def __post_init__(self) -> None:
        mse = check_float_array("validation_mse", self.validation_mse)
        if mse.ndim != 1 or mse.size == 0:
            raise ValueError(f"validation_mse must be a non-empty list (one MSE per epoch), got shape {mse.shape}")
        if (mse < 0).any():
            raise ValueError(f"validation_mse must be >= 0, got {mse.min()}")
        object.__setattr__(self, "validation_mse", [float(v) for v in mse])
        object.__setattr__(self, "test_mse", check_real("test_mse", self.test_mse, minimum=0.0))


def _check_kind(kind: object) -> str:
    """Return ``kind`` as a ``str`` if it is one of :data:`KINDS` or :data:`VARIANT_KINDS`, else raise ``ValueError``."""
    if not isinstance(kind, str) or kind not in KINDS + VARIANT_KINDS:
        given = repr(kind) if isinstance(kind, str) else f"{kind!r:.60} ({type(kind).__name__})"
        raise ValueError(f"kind must be one of {KINDS + VARIANT_KINDS}, got {given}")
    return str(kind)


def build_recurrent(kind: str, units: int, steps: int | None = None, features: int = 2) -> object:
    """A Keras model ``Input(steps, features) → kind(units) → Dense(1)`` for sequence regression.

    Parameters
    ----------
    kind : {"SimpleRNN", "LSTM", "GRU", "PeepholeLSTM", "CoupledLSTM"}
    units : int
        Hidden units, ``>= 1``.
    steps : int, optional
        Sequence length; ``None`` accepts any length.
    features : int, default 2
        Numbers per step, ``>= 1``.

    Returns
    -------
    model : keras.Sequential

    Raises
    ------
    ValueError
        If ``kind`` is not one of the names above, or ``units``, ``steps`` (unless ``None``) or
        ``features`` is not an integer ``>= 1`` (``2.0`` included); all before Keras is imported.
    """
    kind = _check_kind(kind)
    units = check_int("units", units, minimum=1)
    steps = None if steps is None else check_int("steps", steps, minimum=1)
    features = check_int("features", features, minimum=1)
    import keras  # not at module level: importing lstm_helpers must not start TensorFlow

    if kind in VARIANT_KINDS:
        from lstm_helpers.keras_variants import variant_layer

        recurrent = variant_layer(units, peephole=kind == "PeepholeLSTM", coupled=kind == "CoupledLSTM")
    else:
        recurrent = getattr(keras.layers, kind)(units)
    return keras.Sequential(
        [keras.Input(shape=(steps, features)), recurrent, keras.layers.Dense(1)], name=f"{kind}_{units}"
    )


def train_recurrent(kind: str, steps: int, seed: int, config: TrainingConfig = TrainingConfig()) -> TrainingResult:
    """Train a fresh model of the given kind on freshly drawn adding-problem data.

    Data and weights are drawn from ``seed``, so a call is repeatable. Training stops early once the
    validation MSE is below ``config.solved_mse``; the test MSE is measured afterwards.

    Parameters
    ----------
    kind : {"SimpleRNN", "LSTM", "GRU", "PeepholeLSTM", "CoupledLSTM"}
    steps : int
        Sequence length ``T``, ``>= 2``.
    seed : int
        Seeds the data draw and Keras, ``0 … 2**32 - 1``.
    config : TrainingConfig

    Returns
    -------
    result : TrainingResult

    Raises
    ------
    ValueError
        If ``kind``, ``steps`` or ``seed`` is out of range (checked before any data is drawn), or if
        training diverges (a validation or test MSE of nan/inf: lower ``config.learning_rate``).
    TypeError
        If ``config`` is not a :class:`TrainingConfig`.
    """
    kind = _check_kind(kind)
    steps = check_int("steps", steps, minimum=2)
    seed = check_int("seed", seed, minimum=0)
    if seed > _MAX_SEED:
        raise ValueError(f"seed must be an integer <= 2**32 - 1 (numpy's limit), got {seed}")
    check_instance("config", config, TrainingConfig)
    import keras

    rng = np.random.default_rng(seed)
    X_train, y_train = adding_problem(config.n_train, steps, rng)
    X_val, y_val = adding_problem(config.n_validation, steps, rng)
    X_test, y_test = adding_problem(config.n_test, steps, rng)
    keras.utils.set_random_seed(seed)
    model = build_recurrent(kind, config.units, steps)
    model.compile(optimizer=keras.optimizers.Adam(config.learning_rate), loss="mse", steps_per_execution=10)

    class StopWhenSolved(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if logs["val_loss"] < config.solved_mse or not np.isfinite(logs["val_loss"]):
                self.model.stop_training = True

    history = model.fit(
        X_train, y_train, batch_size=config.batch_size, epochs=config.epochs,
        validation_data=(X_val, y_val), callbacks=[StopWhenSolved()], verbose=0,
    )
    test_mse = float(model.evaluate(X_test, y_test, batch_size=500, verbose=0))
    validation_mse = [float(v) for v in history.history["val_loss"]]
    if not np.isfinite([*validation_mse, test_mse]).all():
        raise ValueError(f"training diverged: validation MSE {validation_mse[-1]} after epoch {len(validation_mse)}, "
                         f"test MSE {test_mse}; lower config.learning_rate (got {config.learning_rate})")
    return TrainingResult(model=model, validation_mse=validation_mse, test_mse=test_mse)
