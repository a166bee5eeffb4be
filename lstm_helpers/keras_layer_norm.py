"""A Keras cell for the layer-normalised LSTM of :mod:`lstm_helpers.layer_norm_lstm`, trainable like any layer.

``ln_lstm_layer(units)`` returns ``keras.layers.RNN`` around a :class:`LayerNormLSTMCell`, built from
``keras.ops``, that computes the equations of ``layer_norm_lstm`` (LN over all 4H pre-activations
of ``x_t W_x`` and of ``h_{t-1} W_h``, and over the H units of ``c_t``; ε inside the square root,
:data:`~lstm_helpers.layer_norm_lstm.EPSILON` by default). The weights have the numpy layout, so
:func:`to_numpy` and :func:`to_keras` copy them both ways unchanged.

Importing this module imports Keras (and TensorFlow); ``import lstm_helpers`` alone does not.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from lstm_helpers._checks import check_int, check_real
from lstm_helpers._recurrent import check_weights_type
from lstm_helpers.layer_norm_lstm import EPSILON, NORM_PARAMETERS, LNLSTMWeights

#: The cell's variables in the order of ``LNLSTMWeights``'s fields.
WEIGHT_NAMES = ("W_x", "W_h", "b", *(name for name, _ in NORM_PARAMETERS))


class LayerNormLSTMCell(keras.layers.Layer):
    """The layer-normalised LSTM cell (Ba et al. 2016), for ``keras.layers.RNN``.

    Variables: ``kernel`` (n, 4H), ``recurrent_kernel`` (H, 4H), ``bias`` (4H; forget block 1,
    as Keras's LSTM), and the LN gains (ones) and biases (zeros) ``gamma_x``, ``beta_x``,
    ``gamma_h``, ``beta_h`` (4H) and ``gamma_c``, ``beta_c`` (H).

    Parameters
    ----------
    units : int
        Hidden units, ``>= 1``.
    epsilon : float, default :data:`~lstm_helpers.layer_norm_lstm.EPSILON`
        ε of every LN, ``> 0``.
    **kwargs
        Passed to ``keras.layers.Layer`` (``name``, ``dtype``…).

    Raises
    ------
    ValueError
        If ``units`` is not an integer ``>= 1`` (2.7 is refused, not truncated) or ``epsilon`` is
        not a finite number ``> 0``; when built, if the inputs' last dimension is unknown or ``< 1``.
    TypeError
        If ``epsilon`` is not a real number.
    """

    def __init__(self, units: int, epsilon: float = EPSILON, **kwargs):
        units = check_int("units", units, minimum=1)
        epsilon = check_real("epsilon", epsilon, minimum=0.0, strict=True)
        super().__init__(**kwargs)
        self.units, self.epsilon = units, epsilon
        self.state_size = [units, units]
        self.output_size = units

    def build(self, input_shape):
        features, units = input_shape[-1], self.units
        if features is None or int(features) < 1:
            raise ValueError(f"the inputs' last dimension (features) must be known and >= 1, got input shape "
                             f"{tuple(input_shape)}")
        self.kernel = self.add_weight(shape=(int(features), 4 * units), initializer="glorot_uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(units, 4 * units), initializer="orthogonal",
                                                name="recurrent_kernel")
        bias = np.zeros(4 * units, dtype="float32")
        bias[units : 2 * units] = 1.0
        self.bias = self.add_weight(shape=(4 * units,), initializer=keras.initializers.Constant(bias), name="bias")
        for side, size in (("x", 4 * units), ("h", 4 * units), ("c", units)):
            setattr(self, f"gamma_{side}", self.add_weight(shape=(size,), initializer="ones", name=f"gamma_{side}"))
            setattr(self, f"beta_{side}", self.add_weight(shape=(size,), initializer="zeros", name=f"beta_{side}"))

    def _layer_norm(self, z, gamma, beta):
        mean = ops.mean(z, axis=-1, keepdims=True)
        centred = z - mean
        variance = ops.mean(ops.square(centred), axis=-1, keepdims=True)
        return gamma * centred / ops.sqrt(variance + self.epsilon) + beta

    def call(self, inputs, states):
        h_prev, c_prev = states[0], states[1]
        H = self.units
        a = (self._layer_norm(ops.matmul(inputs, self.kernel), self.gamma_x, self.beta_x)
             + self._layer_norm(ops.matmul(h_prev, self.recurrent_kernel), self.gamma_h, self.beta_h)
             + self.bias)  # a_t, (B, 4H)
        i = ops.sigmoid(a[:, :H])
        f = ops.sigmoid(a[:, H : 2 * H])
        c_tilde = ops.tanh(a[:, 2 * H : 3 * H])
        o = ops.sigmoid(a[:, 3 * H :])
        c_t = f * c_prev + i * c_tilde
        h_t = o * ops.tanh(self._layer_norm(c_t, self.gamma_c, self.beta_c))
        return h_t, [h_t, c_t]

    def variables_in_numpy_order(self) -> list:
        """``[kernel, recurrent_kernel, bias, gamma_x, beta_x, gamma_h, beta_h, gamma_c, beta_c]``."""
        return [self.kernel, self.recurrent_kernel, self.bias, self.gamma_x, self.beta_x, self.gamma_h,
                self.beta_h, self.gamma_c, self.beta_c]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "epsilon": self.epsilon}


def ln_lstm_layer(units: int, epsilon: float = EPSILON, **rnn_kwargs) -> keras.layers.RNN:
    """``keras.layers.RNN(LayerNormLSTMCell(units, epsilon), **rnn_kwargs)``.

    Raises
    ------
    ValueError, TypeError
        As :class:`LayerNormLSTMCell`; Keras checks ``rnn_kwargs``.
    """
    return keras.layers.RNN(LayerNormLSTMCell(units, epsilon=epsilon), **rnn_kwargs)


def _built_cell(layer: object) -> LayerNormLSTMCell:
    cell = getattr(layer, "cell", None) if isinstance(layer, keras.layers.RNN) else None
    if not isinstance(cell, LayerNormLSTMCell):
        raise ValueError(f"layer must be keras.layers.RNN(LayerNormLSTMCell(...)), got {type(layer).__name__}")
    if not cell.built:
        raise ValueError("layer must be built (call it on an input first), got an unbuilt layer")
    return cell


def to_numpy(layer: keras.layers.RNN) -> LNLSTMWeights:
    """The weights of a built :func:`ln_lstm_layer` as :class:`LNLSTMWeights` (new arrays, the layer's dtype).

    Use them with ``ln_lstm_forward(x, weights, epsilon=layer.cell.epsilon)``.

    Raises
    ------
    ValueError
        If ``layer`` is not a built ``keras.layers.RNN`` around a :class:`LayerNormLSTMCell`.
    """
    cell = _built_cell(layer)
    # variable.numpy(): ops.convert_to_numpy on a variable warns under numpy 2 (Keras 3.15)
    return LNLSTMWeights(*(np.array(v.numpy()) for v in cell.variables_in_numpy_order()))


def to_keras(weights: LNLSTMWeights, layer: keras.layers.RNN) -> None:
    """Set a built :func:`ln_lstm_layer`'s variables to ``weights`` (cast to the layer's dtype).

    Raises
    ------
    TypeError
        If ``weights`` is not LNLSTMWeights.
    ValueError
        If ``layer`` is not a built ``keras.layers.RNN`` around a :class:`LayerNormLSTMCell`, or
        its sizes differ from the weights'.
    """
    check_weights_type(weights, LNLSTMWeights)
    cell = _built_cell(layer)
    variables = cell.variables_in_numpy_order()
    for name, variable in zip(WEIGHT_NAMES, variables):
        if tuple(variable.shape) != getattr(weights, name).shape:
            raise ValueError(f"weights.{name} must have the layer's shape {tuple(variable.shape)}, "
                             f"got {getattr(weights, name).shape}")
    for name, variable in zip(WEIGHT_NAMES, variables):
        variable.assign(np.asarray(getattr(weights, name), dtype=variable.dtype))
