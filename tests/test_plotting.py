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


def test_draw_unrolled_draws_one_box_per_step_and_every_carry():
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    plotting.draw_unrolled(ax, steps=3, cell="LSTM", carries=("c", "h"))
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("LSTM\n(W, b)") == 3
    assert {"$x_{3}$", "$h_{3}$", "$c_{0}$", "$h_{2}$"} <= set(texts)
    assert len(ax.patches) == 3 * (1 + 2 + 2)  # box, input and output arrows, two carried states
    plt.close(fig)


def test_draw_unrolled_rejects_bad_arguments():
    import matplotlib.pyplot as plt
    import pytest

    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match=r"steps must be an integer >= 1, got 0"):
        plotting.draw_unrolled(ax, steps=0)
    with pytest.raises(ValueError, match=r"carries must name at least one state"):
        plotting.draw_unrolled(ax, carries=())
    plt.close(fig)
