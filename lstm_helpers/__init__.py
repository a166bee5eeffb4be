"""Helpers for the book "LSTM, executable".

Submodules, one idea each:

- ``lstm_helpers.data``: checked loaders for the bundled datasets;
- ``lstm_helpers.sequences``: one-hot, vocabularies, gap filling, windows and batches;
- ``lstm_helpers.embeddings``: cosine similarity, GloVe vectors, Embedding initialisation;
- ``lstm_helpers.rnn`` / ``lstm_helpers.lstm`` / ``lstm_helpers.gru``: numpy layers matching Keras, forward
  and backward;
- ``lstm_helpers.lstm_variants``: peephole and coupled-gate LSTMs in numpy;
- ``lstm_helpers.layer_norm_lstm``: the layer-normalised LSTM (Ba et al. 2016) in numpy, forward and backward
  (its Keras cell is ``lstm_helpers.keras_layer_norm``, which imports TensorFlow and is not imported here);
- ``lstm_helpers.language_model``: perplexity, bits per token, the unigram and bigram baselines, temperature
  sampling;
- ``lstm_helpers.char_model``: a character-level LSTM language model in numpy (loss, gradients, sampling);
- ``lstm_helpers.attention``: attention over an encoder's states in numpy (additive, dot and general scores,
  masked softmax, context), forward and backward;
- ``lstm_helpers.decoding``: greedy decoding, beam search with length normalisation, and exhaustive search over
  any step function;
- ``lstm_helpers.optim``: SGD with momentum and Adam in numpy, as Keras computes them;
- ``lstm_helpers.adding``: the adding problem (data, baseline, training);
- ``lstm_helpers.gradcheck`` / ``lstm_helpers.clipping``: gradient checking; clipping by global norm;
- ``lstm_helpers.poetry``: the form of five-character regulated verse (line form, form accuracy), the poems'
  vocabulary and stream, samples of the n-gram baselines, line position and couplet parity of a stream;
- ``lstm_helpers.inspect_units``: what a trained LSTM's units track: correlation of each unit with a property
  of the text, gate saturation, property extractors, Karpathy's colour-per-character display;
- ``lstm_helpers.repro``: ``setup(seed)``, the first call of every chapter, and ``full_size()``;
- ``lstm_helpers.plotting``: the book's figure style, and the cell diagrams drawn in the book's
  symbols (``draw_lstm_cell``, ``draw_lstm_backward``, ``draw_gru_cell``).

Importing the package does not import TensorFlow.
"""

from lstm_helpers import (
    adding, attention, char_model, clipping, data, decoding, embeddings, gradcheck, gru, inspect_units, language_model,
    layer_norm_lstm, lstm, lstm_variants, optim, plotting, poetry, rnn, sequences,
)
from lstm_helpers.repro import full_size, setup

__all__ = [
    "adding", "attention", "char_model", "clipping", "data", "decoding", "embeddings", "full_size", "gradcheck", "gru",
    "inspect_units", "language_model", "layer_norm_lstm", "lstm", "lstm_variants", "optim", "plotting", "poetry", "rnn",
    "sequences", "setup",
]
