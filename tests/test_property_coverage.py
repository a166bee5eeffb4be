"""Every public helper of lstm_helpers is exercised by at least one property test.

A helper counts as covered when its name appears in a test module that uses hypothesis
(``@given``). This keeps the promise of issue 14 as the package grows: a new public function
without a property test fails here, naming it.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

import lstm_helpers

TESTS = Path(__file__).resolve().parent
MODULES = [getattr(lstm_helpers, name) for name in lstm_helpers.__all__
           if inspect.ismodule(getattr(lstm_helpers, name))]
# Not helpers a reader calls with inputs: constants, and the containers the backward passes return
# (the properties of those passes check their fields).
NOT_HELPERS = {"BOOK_STYLE", "COLORS", "DELTA_COLOR", "DIAGRAM_WIDTH", "GATE_COLORS", "GRU_HIGHLIGHTS",
               "LSTM_HIGHLIGHTS", "UNROLLED_CELLS", "GATES", "PARAMETERS",
               "LSTMGradients", "GRUGradients", "RNNGradients", "VariantGradients", "LossAndGradients"}


def property_test_text() -> str:
    texts = [path.read_text(encoding="utf-8") for path in sorted(TESTS.glob("test_*.py"))]
    return "\n".join(text for text in texts if "@given" in text)


def public_helpers(module) -> list[str]:
    names = getattr(module, "__all__", None) or [name for name in vars(module) if not name.startswith("_")]
    helpers = []
    for name in names:
        obj = getattr(module, name)
        if name in NOT_HELPERS or inspect.ismodule(obj):
            continue
        if (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == module.__name__:
            helpers.append(name)
    return helpers


def test_the_package_has_modules_and_property_tests():
    assert len(MODULES) >= 15
    assert property_test_text().count("@given") >= 100


@pytest.mark.parametrize("module", MODULES, ids=lambda module: module.__name__.split(".")[-1])
def test_every_public_helper_has_a_property_test(module):
    text = property_test_text()
    missing = [name for name in public_helpers(module) if not re.search(rf"\b{re.escape(name)}\b", text)]
    assert not missing, f"{module.__name__}: no property test names {missing}"
