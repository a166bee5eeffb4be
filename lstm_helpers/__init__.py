"""Helpers for the book "LSTM, executable".

Submodules, one idea each:

- ``lstm_helpers.data``: checked loaders for the bundled datasets;
- ``lstm_helpers.sequences``: one-hot, vocabularies, gap filling, windows and batches;
- ``lstm_helpers.embeddings``: cosine similarity, GloVe vectors, Embedding initialisation;
- ``lstm_helpers.rnn`` / ``lstm_helpers.lstm``: numpy SimpleRNN and LSTM layers matching Keras;
- ``lstm_helpers.gradcheck`` / ``lstm_helpers.clipping``: gradient checking; clipping by global norm;
- ``lstm_helpers.repro``: ``setup(seed)``, the first call of every chapter, and ``full_size()``;
- ``lstm_helpers.plotting``: the book's figure style.

Importing the package does not import TensorFlow.
"""

from lstm_helpers import clipping, data, embeddings, gradcheck, lstm, plotting, rnn, sequences
from lstm_helpers.repro import full_size, setup

__all__ = ["clipping", "data", "embeddings", "full_size", "gradcheck", "lstm", "plotting", "rnn", "sequences", "setup"]
