"""Keras versions of the LSTM variants of :mod:`lstm_helpers.lstm_variants`, trainable like any layer.

``variant_layer(units, peephole=..., coupled=...)`` returns ``keras.layers.RNN`` around a
:class:`VariantLSTMCell` that computes exactly the equations of ``lstm_variants`` (same weight layout,
so :func:`to_numpy` gives :class:`~lstm_helpers.lstm_variants.VariantWeights`). Peephole weights
start at zero, so a fresh peephole cell computes what a fresh LSTM cell computes.

Importing this module imports Keras (and TensorFlow); ``import lstm_helpers`` alone does not.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from lstm_helpers._checks import check_bool, check_int
from lstm_helpers.lstm_variants import VariantWeights



class VariantLSTMCell(keras.layers.Layer):
    """An LSTM cell with optional peephole connections and an optional coupled input–forget gate.

    Parameters
    ----------
    units : int
        Hidden units, ``>= 1``.
    peephole : bool
        Gates also see the cell state through diagonal weights ``p_i``, ``p_f``, ``p_o``.
    coupled : bool
        ``i_t = 1 − f_t``; the kernel has three blocks (f, c̃, o).
    **kwargs
        Passed to ``keras.layers.Layer`` (``name``, ``dtype``…).

    Raises
    ------
    ValueError
        If ``units`` is not an integer ``>= 1`` (``2.7`` and ``2.0`` included: never truncated), or
        ``peephole``/``coupled`` is not a bool; when built, if the inputs' last dimension (the
        features) is unknown or ``< 1``.
    """

    def __init__(self, units: int, peephole: bool = False, coupled: bool = False, **kwargs):
        units = check_int("units", units, minimum=1)
        peephole, coupled = check_bool("peephole", peephole), check_bool("coupled", coupled)
        super().__init__(**kwargs)
        self.units, self.peephole, self.coupled = units, peephole, coupled
        self.gates = ("f", "c_tilde", "o") if coupled else ("i", "f", "c_tilde", "o")
        self.sigmoid_gates = ("f", "o") if coupled else ("i", "f", "o")
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        features, units, n_gates = input_shape[-1], self.units, len(self.gates)
        if features is None or int(features) < 1:
            raise ValueError(f"the inputs' last dimension (features) must be known and >= 1, got input shape "
                             f"{tuple(input_shape)}")
        self.kernel = self.add_weight(shape=(features, n_gates * units), initializer="glorot_uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(units, n_gates * units), initializer="orthogonal",
                                                name="recurrent_kernel")
        bias = np.zeros(n_gates * units, dtype="float32")
        forget = self.gates.index("f")
        bias[forget * units : (forget + 1) * units] = 1.0  # start out remembering, as Keras's LSTM does
        self.bias = self.add_weight(shape=(n_gates * units,), initializer=keras.initializers.Constant(bias), name="bias")
        self.peephole_kernel = (
            self.add_weight(shape=(len(self.sigmoid_gates), units), initializer="zeros", name="peephole")
            if self.peephole else None
        )

    def call(self, inputs, states):
        h_prev, c_prev = states[0], states[1]
        a = ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel) + self.bias  # (B, G·H)
        a_gate = dict(zip(self.gates, ops.split(a, len(self.gates), axis=-1)))  # a^f, a^c̃, a^o (, a^i)

        def peep(gate):
            if self.peephole_kernel is None or gate not in self.sigmoid_gates:
                return 0.0
            return self.peephole_kernel[self.sigmoid_gates.index(gate)]

        f = ops.sigmoid(a_gate["f"] + peep("f") * c_prev)
        i = 1.0 - f if self.coupled else ops.sigmoid(a_gate["i"] + peep("i") * c_prev)
        c_t = f * c_prev + i * ops.tanh(a_gate["c_tilde"])
        o = ops.sigmoid(a_gate["o"] + peep("o") * c_t)
        h_t = o * ops.tanh(c_t)
        return h_t, [h_t, c_t]

    def get_config(self):
        return {**super().get_config(), "units": self.units, "peephole": self.peephole, "coupled": self.coupled}


def variant_layer(units: int, peephole: bool = False, coupled: bool = False, **rnn_kwargs) -> keras.layers.RNN:
    """``keras.layers.RNN(VariantLSTMCell(units, peephole, coupled), **rnn_kwargs)``.

    Raises
    ------
    ValueError
        If ``units`` is not an integer ``>= 1`` or ``peephole``/``coupled`` not a bool (see
        :class:`VariantLSTMCell`); Keras checks ``rnn_kwargs``.
    """
    return keras.layers.RNN(VariantLSTMCell(units, peephole=peephole, coupled=coupled), **rnn_kwargs)


def to_numpy(layer: keras.layers.RNN) -> VariantWeights:
    """The weights of a built :func:`variant_layer` as :class:`VariantWeights`.

    Raises
    ------
    ValueError
        If ``layer`` is not a built ``keras.layers.RNN`` around a :class:`VariantLSTMCell`.
    """
    cell = getattr(layer, "cell", None) if isinstance(layer, keras.layers.RNN) else None
    if not isinstance(cell, VariantLSTMCell):
        raise ValueError(f"layer must be keras.layers.RNN(VariantLSTMCell(...)), got {type(layer).__name__}")
    if not cell.built:
        raise ValueError("layer must be built (call it on an input first), got an unbuilt layer")
    # variable.numpy(): ops.convert_to_numpy on a variable warns under numpy 2 (Keras 3.15)
    peephole = None if cell.peephole_kernel is None else cell.peephole_kernel.numpy()
    return VariantWeights(
        W_x=cell.kernel.numpy(), W_h=cell.recurrent_kernel.numpy(), b=cell.bias.numpy(),
        peephole=peephole, coupled=cell.coupled,
    )
