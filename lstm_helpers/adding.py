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

import numpy as np

from lstm_helpers._checks import check_int

#: Mean squared error of always predicting 1, the mean of the target.
BASELINE_MSE = 1.0 / 6.0

#: Recurrent layer classes the helpers can build, by ``keras.layers`` name.
KINDS = ("SimpleRNN", "LSTM", "GRU")

#: LSTM variants built from :mod:`lstm_helpers.keras_variants`, also accepted as ``kind``.
VARIANT_KINDS = ("PeepholeLSTM", "CoupledLSTM")


def adding_problem(n_samples: int, steps: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw samples of the adding problem.

    Parameters
    ----------
    n_samples : int
        Number of sequences, ``>= 1``.
    steps : int
        Sequence length ``T``, ``>= 2``. The first marker is in steps ``0 … T//2 - 1``, the second in
        ``T//2 … T-1``.
    rng : numpy.random.Generator

    Returns
    -------
    X : ndarray of float32, shape (n_samples, steps, 2)
        ``X[..., 0]`` the values, ``X[..., 1]`` the markers (two 1s per sample).
    y : ndarray of float32, shape (n_samples,)
        Sum of the two marked values, in [0, 2).

    Raises
    ------
    ValueError
        If ``n_samples < 1``, ``steps < 2`` or ``rng`` is not a numpy Generator.

    Examples
    --------
    >>> X, y = adding_problem(3, 10, np.random.default_rng(0))
    >>> X.shape, y.shape, X[..., 1].sum(axis=1).tolist()
    ((3, 10, 2), (3,), [2.0, 2.0, 2.0])
    """
    n_samples = check_int("n_samples", n_samples, minimum=1)
    steps = check_int("steps", steps, minimum=2)
    if not isinstance(rng, np.random.Generator):
        raise ValueError(f"rng must be a numpy.random.Generator, got {rng!r}")
    values = rng.uniform(0.0, 1.0, size=(n_samples, steps))
    first = rng.integers(0, steps // 2, size=n_samples)
    second = rng.integers(steps // 2, steps, size=n_samples)
    markers = np.zeros((n_samples, steps))
    markers[np.arange(n_samples), first] = 1.0
    markers[np.arange(n_samples), second] = 1.0
    X = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values * markers).sum(axis=1).astype(np.float32)
    return X, y


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
        the test set plays no part in it.
    """

    units: int = 32
    n_train: int = 4000
    n_validation: int = 500
    n_test: int = 1000
    epochs: int = 8
    batch_size: int = 32
    learning_rate: float = 0.01
    solved_mse: float = 0.01


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
    """

    model: object
    validation_mse: list[float]
    test_mse: float


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

    Returns
    -------
    model : keras.Sequential
    """
    if kind not in KINDS + VARIANT_KINDS:
        raise ValueError(f"kind must be one of {KINDS + VARIANT_KINDS}, got {kind!r}")
    units = check_int("units", units, minimum=1)
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
    kind : {"SimpleRNN", "LSTM", "GRU"}
    steps : int
        Sequence length ``T``, ``>= 2``.
    seed : int
        Seeds the data draw and Keras, ``>= 0``.
    config : TrainingConfig

    Returns
    -------
    result : TrainingResult
    """
    seed = check_int("seed", seed, minimum=0)
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
            if logs["val_loss"] < config.solved_mse:
                self.model.stop_training = True

    history = model.fit(
        X_train, y_train, batch_size=config.batch_size, epochs=config.epochs,
        validation_data=(X_val, y_val), callbacks=[StopWhenSolved()], verbose=0,
    )
    test_mse = float(model.evaluate(X_test, y_test, batch_size=500, verbose=0))
    return TrainingResult(model=model, validation_mse=[float(v) for v in history.history["val_loss"]], test_mse=test_mse)
