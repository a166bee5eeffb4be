"""Helpers for the book "LSTM, executable".

Submodules, one idea each:

- ``lstm_helpers.data``: checked loaders for the bundled datasets;
- ``lstm_helpers.sequences``: one-hot, vocabularies, gap filling, windows and batches;
- ``lstm_helpers.repro``: ``setup(seed)``, the first call of every chapter;
- ``lstm_helpers.plotting``: the book's figure style.

Importing the package does not import TensorFlow.
"""

from lstm_helpers import data, plotting, sequences
from lstm_helpers.repro import setup

__all__ = ["data", "plotting", "sequences", "setup"]
