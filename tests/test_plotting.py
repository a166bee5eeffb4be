"""Tests of lstm_helpers.plotting: the book style is applied as a whole."""

from __future__ import annotations

import matplotlib as mpl

from lstm_helpers import plotting


def test_use_book_style_sets_every_setting():
    with mpl.rc_context():
        mpl.rcdefaults()
        plotting.use_book_style()
        for key, value in plotting.BOOK_STYLE.items():
            assert mpl.rcParams[key] == value, key


def test_colour_cycle_starts_with_the_data_colour():
    assert plotting.BOOK_STYLE["axes.prop_cycle"].by_key()["color"][0] == plotting.COLORS["data"]
