"""Tests of lstm_helpers.plotting: the book style, the unrolled diagram, and the cell diagrams.

The cell diagrams are checked for what a reader relies on: they render, they carry every symbol of
the equations they draw (and those equations agree with the numpy layers), a highlight colours its
own part and greys every other, no two labels overlap, and bad arguments are refused by name.
"""

from __future__ import annotations

import io
import itertools

import matplotlib as mpl

mpl.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from matplotlib.patches import Circle, FancyBboxPatch  # noqa: E402

from lstm_helpers import gru, lstm, plotting  # noqa: E402

def draw(kind: str, highlight=None, reset_after=None, **kwargs):
    if kind == "lstm":
        return plotting.draw_lstm_cell(highlight=highlight, **kwargs)
    if kind == "backward":
        return plotting.draw_lstm_backward(**kwargs)
    return plotting.draw_gru_cell(highlight=highlight, reset_after=reset_after, **kwargs)


@pytest.fixture
def drawn(request):
    """The Axes of one variant; its figure is closed afterwards."""
    ax = draw(*request.param)
    yield ax
    plt.close(ax.figure)


def figure_text(ax) -> str:
    return "\n".join(t.get_text() for t in ax.texts)


def colours_by_part(ax) -> list[tuple[tuple[str, ...], str]]:
    """(parts, colour) of every tagged artist: edge colour of patches, colour of lines and texts."""
    found = []
    for artist in [*ax.patches, *ax.lines, *ax.texts]:
        gid = artist.get_gid()
        if not gid:
            continue
        color = artist.get_edgecolor() if hasattr(artist, "get_edgecolor") else artist.get_color()
        found.append((tuple(gid.split(",")), to_hex(color)))
    return found


# ------------------------------------------------------------------------------- the book style


def test_use_book_style_sets_every_setting():
    with mpl.rc_context():
        mpl.rcdefaults()
        plotting.use_book_style()
        for key, value in plotting.BOOK_STYLE.items():
            assert mpl.rcParams[key] == value, key


def test_colour_cycle_starts_with_the_data_colour():
    assert plotting.BOOK_STYLE["axes.prop_cycle"].by_key()["color"][0] == plotting.COLORS["data"]


def test_draw_unrolled_draws_one_box_per_step_and_every_carry():
    fig, ax = plt.subplots()
    plotting.draw_unrolled(ax, steps=3, cell="LSTM", carries=("c", "h"))
    texts = [t.get_text() for t in ax.texts]
    assert texts.count("LSTM\n(W, b)") == 3
    assert {"$x_{3}$", "$h_{3}$", "$c_{0}$", "$h_{2}$"} <= set(texts)
    assert len(ax.patches) == 3 * (1 + 2 + 2)  # box, input and output arrows, two carried states
    plt.close(fig)


def test_draw_unrolled_carries_the_cell_s_states_by_default():
    fig, axes = plt.subplots(1, 2)
    plotting.draw_unrolled(axes[0], steps=2, cell="LSTM")
    plotting.draw_unrolled(axes[1], steps=2, cell="GRU")
    assert {"$c_{0}$", "$h_{0}$"} <= {t.get_text() for t in axes[0].texts}
    assert "$h_{0}$" in {t.get_text() for t in axes[1].texts}
    assert "$c_{0}$" not in {t.get_text() for t in axes[1].texts}
    plt.close(fig)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"steps": 0}, ValueError, r"steps must be an integer >= 1, got 0"),
    ({"steps": 2.5}, ValueError, r"steps must be an integer >= 1, got 2.5 \(float\)"),
    ({"steps": 3.0}, ValueError, r"steps must be an integer >= 1, got 3.0 \(float\)"),
    ({"carries": ()}, ValueError, r"carries must name at least one state"),
    ({"cell": "LSTMX"}, ValueError,
     r"cell must be one of \('RNN', 'SimpleRNN', 'GRU', 'LSTM', 'PeepholeLSTM', 'CoupledLSTM'\), "
     r"got 'LSTMX'"),
    ({"cell": None}, ValueError, r"cell must be one of .*got None"),
    ({"carries": "h"}, TypeError, r"carries must be a collection of strings .*got a single string 'h'"),
    ({"carries": "ch", "cell": "LSTM"}, TypeError, r"carries must be a collection of strings"),
    ({"carries": (1,)}, TypeError, r"carries must hold only strings, got 1 \(int\)"),
    ({"carries": ("h",), "cell": "LSTM"}, ValueError,
     r"carries must be the states of LSTM, \('c', 'h'\), in the order to draw them; got \('h',\)"),
    ({"carries": ("c", "h")}, ValueError, r"carries must be the states of RNN, \('h',\)"),
    ({"carries": ("h", "h")}, ValueError, r"carries must be the states of RNN"),
])
def test_draw_unrolled_rejects_bad_arguments(kwargs, error, match):
    fig, ax = plt.subplots()
    with pytest.raises(error, match=match):
        plotting.draw_unrolled(ax, **kwargs)
    assert not ax.patches and not ax.texts  # nothing half-drawn
    plt.close(fig)


@pytest.mark.parametrize("ax, name", [(None, "NoneType"), ("axes", "str"), (lambda: plt.figure(), "Figure")])
def test_draw_unrolled_rejects_what_is_not_an_axes(ax, name):
    ax = ax() if callable(ax) else ax
    with pytest.raises(ValueError, match=rf"ax must be a matplotlib Axes, got {name}"):
        plotting.draw_unrolled(ax)
    plt.close("all")


# ----------------------------------------------------------------------------- the cell diagrams


#: One drawing of each function and form, with the longest captions: highlights change colours only.
RENDERED = [("lstm", None, None), ("lstm", "c_tilde", None), ("backward", None, None),
            ("gru", "h_tilde", True), ("gru", None, False)]


@pytest.mark.parametrize("drawn", RENDERED, indirect=True, ids=str)
def test_diagram_renders_at_the_book_width_with_no_two_labels_overlapping(drawn):
    figure = drawn.figure
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100)
    width, height = plt.imread(io.BytesIO(buffer.getvalue())).shape[1::-1]
    assert width == round(plotting.DIAGRAM_WIDTH * 100) and 600 <= height <= 800
    renderer = figure.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in drawn.texts if t.get_text()]
    assert len(boxes) > 30
    for (a, box_a), (b, box_b) in itertools.combinations(boxes, 2):
        overlap_x = min(box_a.x1, box_b.x1) - max(box_a.x0, box_b.x0)
        overlap_y = min(box_a.y1, box_b.y1) - max(box_a.y0, box_b.y0)
        assert min(overlap_x, overlap_y) <= 1, f"{a!r} overlaps {b!r}"
    for text, box in boxes:
        assert box.x0 >= 0 and box.y0 >= 0, text
        assert box.x1 <= figure.bbox.width and box.y1 <= figure.bbox.height, text
    shapes = [p.get_window_extent(renderer) for p in drawn.patches
              if isinstance(p, (Circle, FancyBboxPatch))]  # operators and boxes, not wires
    for (text, box), shape in itertools.product(boxes, shapes):
        inside = (shape.x0 - 1 <= box.x0 and box.x1 <= shape.x1 + 1
                  and shape.y0 - 1 <= box.y0 and box.y1 <= shape.y1 + 1)
        overlap_x = min(box.x1, shape.x1) - max(box.x0, shape.x0)
        overlap_y = min(box.y1, shape.y1) - max(box.y0, shape.y0)
        assert inside or min(overlap_x, overlap_y) <= 1, f"{text!r} runs into a box or operator"


def test_every_caption_fits_the_width():
    captions = [*plotting._LSTM_EQUATIONS.values(),
                *plotting._gru_equations(True).values(), *plotting._gru_equations(False).values()]
    figure = plt.figure(figsize=(plotting.DIAGRAM_WIDTH, 1), dpi=100)
    renderer = figure.canvas.get_renderer()
    for caption in captions:
        text = figure.text(0.5, 0.5, caption, fontsize=12.5, math_fontfamily="cm", ha="center")
        assert text.get_window_extent(renderer).width < 0.95 * figure.bbox.width, caption
    plt.close(figure)


@pytest.mark.parametrize("kind", ["lstm", "backward", "gru"])
def test_diagrams_draw_on_a_given_axes_and_return_it(kind):
    fig, ax = plt.subplots(figsize=(10, 7))
    assert draw(kind, reset_after=True) is not ax  # without ax: a new figure
    assert draw(kind, ax=ax, reset_after=True) is ax
    assert len(ax.texts) > 30 and not ax.axison
    plt.close("all")


LSTM_SYMBOLS = [
    "$x_t$", "$h_{t-1}$", "$c_{t-1}$", "$c_t$", "$h_t$",
    r"$a_t = x_t W_x + h_{t-1} W_h + b$",
    *(rf"$a^{{{s}}}_t = x_t W_{{x{k}}}$" for s, k in (("f", "f"), ("i", "i"), (r"\tilde c", "c"),
                                                      ("o", "o"))),
    *(rf"$+\ h_{{t-1}} W_{{h{k}}} + b_{k}$" for k in "fico"),
    r"$f_t = \sigma(a^{f}_t)$", r"$i_t = \sigma(a^{i}_t)$", r"$\tilde c_t = \tanh(a^{\tilde c}_t)$",
    r"$o_t = \sigma(a^{o}_t)$",
    r"$f_t \odot c_{t-1}$", r"$i_t \odot \tilde c_t$", r"$\tanh(c_t)$",
    r"$c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t$", r"$h_t = o_t \odot \tanh(c_t)$",
    r"$B \times H$", r"$B \times n$", r"$B \times 4H$", r"$n \times 4H$", r"$H \times 4H$",
]


def test_lstm_cell_carries_every_symbol_of_the_equations():
    ax = plotting.draw_lstm_cell()
    text = figure_text(ax)
    missing = [symbol.strip("$") for symbol in LSTM_SYMBOLS if symbol.strip("$") not in text]
    assert not missing
    plt.close(ax.figure)


def test_lstm_cell_equations_as_drawn_give_lstm_forward():
    weights = lstm.init_lstm(3, 4, np.random.default_rng(0), scale=1.5)
    rng = np.random.default_rng(1)
    x_t, h_prev, c_prev = rng.normal(size=(2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    a = {g: x_t @ weights.gate(g)[0] + h_prev @ weights.gate(g)[1] + weights.gate(g)[2]
         for g in lstm.GATES}  # a^g_t = x_t W_xg + h_{t-1} W_hg + b_g
    f, i, o = lstm.sigmoid(a["f"]), lstm.sigmoid(a["i"]), lstm.sigmoid(a["o"])
    c_t = f * c_prev + i * np.tanh(a["c_tilde"])
    trace = lstm.lstm_forward(x_t[:, None], weights, h_prev, c_prev)
    np.testing.assert_allclose(trace.c[:, 0], c_t, rtol=1e-12)
    np.testing.assert_allclose(trace.h[:, 0], o * np.tanh(c_t), rtol=1e-12)


BACKWARD_SYMBOLS = [
    r"\delta h_t", r"\delta c_t", r"\delta c_t \odot f_t", r"\delta c_{t+1} \odot f_{t+1}",
    r"\odot\, f_t", r"\odot\, o_t", r"\odot\,(1 - \tanh^2 c_t)", r"\odot\, c_{t-1}",
    r"\odot\, \tilde c_t", r"\odot\, i_t", r"\odot\, \tanh(c_t)",
    r"\delta f_t", r"\delta i_t", r"\delta \tilde c_t", r"\delta o_t",
    r"\odot\,f_t (1 - f_t)", r"\odot\,i_t (1 - i_t)", r"\odot\,(1 - \tilde c_t^{\,2})",
    r"\odot\,o_t (1 - o_t)",
    *(rf"\delta a^{{{s}}}_t" for s in ("f", "i", r"\tilde c", "o")),
    r"\delta W_x = \sum_t x_t^{\top} \delta a_t", r"\delta W_h = \sum_t h_{t-1}^{\top} \delta a_t",
    r"\delta x_t = \delta a_t W_x^{\top}", r"\delta a_t W_h^{\top}", r"\delta a_{t+1} W_h^{\top}",
    r"\delta c_t = \delta h_t \odot o_t \odot (1 - \tanh^2(c_t)) + \delta c_{t+1} \odot f_{t+1}",
]


def test_lstm_backward_carries_every_symbol_of_the_backward_pass():
    ax = plotting.draw_lstm_backward()
    text = figure_text(ax)
    assert not [symbol for symbol in BACKWARD_SYMBOLS if symbol not in text]
    plt.close(ax.figure)


def test_lstm_backward_equations_as_drawn_give_lstm_backward():
    """Two steps by the figure's equations equal lstm_backward (δc_{T+1} ⊙ f_{T+1} = ∂L/∂c_T)."""
    weights = lstm.init_lstm(3, 4, np.random.default_rng(2), scale=1.5)
    rng = np.random.default_rng(3)
    x, h0, c0 = rng.normal(size=(2, 2, 3)), rng.normal(size=(2, 4)), rng.normal(size=(2, 4))
    dh, dc_last = rng.normal(size=(2, 2, 4)), rng.normal(size=(2, 4))
    tr = lstm.lstm_forward(x, weights, h0, c0)
    dc_from_next, dh_from_next = dc_last, np.zeros((2, 4))
    dW_x, da_steps = np.zeros_like(weights.W_x), []
    for t in (1, 0):
        c_prev = tr.c[:, t - 1] if t else c0
        i, f, c_tilde, o, c_t = tr.i[:, t], tr.f[:, t], tr.c_tilde[:, t], tr.o[:, t], tr.c[:, t]
        delta_h = dh[:, t] + dh_from_next  # loss at step t + δa_{t+1} W_hᵀ
        delta_c = delta_h * o * (1 - np.tanh(c_t) ** 2) + dc_from_next
        delta_f, delta_i = delta_c * c_prev, delta_c * c_tilde
        delta_c_tilde, delta_o = delta_c * i, delta_h * np.tanh(c_t)
        da = np.concatenate([delta_i * i * (1 - i), delta_f * f * (1 - f),
                             delta_c_tilde * (1 - c_tilde**2), delta_o * o * (1 - o)], axis=1)
        dW_x += x[:, t].T @ da
        da_steps.append(da)
        dh_from_next, dc_from_next = da @ weights.W_h.T, delta_c * f
    grads = lstm.lstm_backward(x, weights, tr, dh, h0, c0, dc_last=dc_last)
    np.testing.assert_allclose(grads.dc0, dc_from_next, rtol=1e-10)
    np.testing.assert_allclose(grads.dh0, dh_from_next, rtol=1e-10)
    np.testing.assert_allclose(grads.dW_x, dW_x, rtol=1e-10)
    np.testing.assert_allclose(grads.db, sum(da.sum(axis=0) for da in da_steps), rtol=1e-10)
    np.testing.assert_allclose(grads.dx[:, 0], da_steps[1] @ weights.W_x.T, rtol=1e-10)


GRU_SYMBOLS = [
    "$x_t$", "$h_{t-1}$", "$h_t$", r"z_t = \sigma(a^z_t)", r"r_t = \sigma(a^r_t)",
    r"\tilde h_t = \tanh(a^{\tilde h}_t)", r"h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t",
    r"z_t \odot h_{t-1}", r"1 - z_t", r"(1 - z_t) \odot \tilde h_t", r"\tilde h_t", "$r_t$",
    "$z_t$", r"a^{\tilde h}_t", "W_{xz}", "W_{hz}", "W_{xr}", "W_{hr}", "W_{xh}", "W_{hh}",
    r"B \times H", r"B \times n", r"n \times 3H", r"H \times 3H",
]
GRU_FORM_SYMBOLS = {
    True: ["b_{xz}", "b_{hz}", "b_{xr}", "b_{hr}", "b_{xh}", "b_{hh}", "$h_{t-1} W_{hh}$",
           r"h_{t-1} W_h + b_h"],
    False: ["b_{xz}", "b_{xr}", "b_{xh}", r"$r_t \odot h_{t-1}$", r"$(\cdot)\, W_{hh}$"],
}


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_cell_carries_every_symbol_of_its_form(reset_after):
    ax = plotting.draw_gru_cell(reset_after=reset_after)
    text = figure_text(ax)
    assert not [s for s in GRU_SYMBOLS + GRU_FORM_SYMBOLS[reset_after] if s.strip("$") not in text]
    other_form = GRU_FORM_SYMBOLS[not reset_after][-1].strip("$")
    assert other_form not in text  # each form shows only its own candidate
    plt.close(ax.figure)


@pytest.mark.parametrize("reset_after", [True, False])
def test_gru_candidate_as_drawn_gives_gru_forward(reset_after):
    weights = gru.init_gru(3, 4, np.random.default_rng(4), reset_after=reset_after, scale=1.5)
    rng = np.random.default_rng(5)
    x_t, h_prev = rng.normal(size=(2, 3)), rng.normal(size=(2, 4))
    H = 4
    W_xz, W_xr, W_xh = np.split(weights.W_x, 3, axis=1)
    W_hz, W_hr, W_hh = np.split(weights.W_h, 3, axis=1)
    if reset_after:
        b_xz, b_xr, b_xh = np.split(weights.b[0], 3)  # input-side biases
        b_hz, b_hr, b_hh = np.split(weights.b[1], 3)  # recurrent-side biases
        z = lstm.sigmoid(x_t @ W_xz + h_prev @ W_hz + b_xz + b_hz)
        r = lstm.sigmoid(x_t @ W_xr + h_prev @ W_hr + b_xr + b_hr)
        h_tilde = np.tanh(x_t @ W_xh + b_xh + r * (h_prev @ W_hh + b_hh))
    else:
        b_xz, b_xr, b_xh = np.split(weights.b, 3)  # one bias, in b_x's place
        z = lstm.sigmoid(x_t @ W_xz + h_prev @ W_hz + b_xz)
        r = lstm.sigmoid(x_t @ W_xr + h_prev @ W_hr + b_xr)
        h_tilde = np.tanh(x_t @ W_xh + (r * h_prev) @ W_hh + b_xh)
    trace = gru.gru_forward(x_t[:, None], weights, h_prev)
    assert trace.h.shape == (2, 1, H)
    np.testing.assert_allclose(trace.h[:, 0], z * h_prev + (1 - z) * h_tilde, rtol=1e-12)


def test_gate_colours_are_distinct_within_a_cell_and_shared_across_cells():
    lstm_colours = [plotting.GATE_COLORS[p] for p in ("f", "i", "c_tilde", "o", "c", "h")]
    gru_colours = [plotting.GATE_COLORS[p] for p in ("z", "r", "h_tilde", "h")]
    assert len(set(lstm_colours)) == 6 and len(set(gru_colours)) == 4
    assert plotting.GATE_COLORS["h_tilde"] == plotting.GATE_COLORS["c_tilde"]  # both candidates
    assert plotting.DELTA_COLOR not in plotting.GATE_COLORS.values()
    assert plotting.MUTED not in plotting.GATE_COLORS.values()


MUTED = {to_hex(plotting.MUTED), to_hex(plotting.MUTED_TEXT)}


@pytest.mark.parametrize("kind, highlight", [("lstm", None), ("gru", None)])
def test_without_highlight_every_part_wears_its_own_colour(kind, highlight):
    ax = draw(kind, highlight, reset_after=True)
    for parts, colour in colours_by_part(ax):
        owner = parts[0]
        expected = plotting.INK if owner == "ink" else plotting.GATE_COLORS[owner]
        assert colour in {to_hex(expected), to_hex(plotting._SHAPE_GREY)}, (parts, colour)
    plt.close(ax.figure)


HIGHLIGHTS = ([("lstm", h, None) for h in plotting.LSTM_HIGHLIGHTS[1:]]
              + [("gru", h, r) for r in (True, False) for h in plotting.GRU_HIGHLIGHTS[1:]])


@pytest.mark.parametrize("kind, highlight, reset_after", HIGHLIGHTS)
def test_highlight_colours_its_part_and_greys_every_other(kind, highlight, reset_after):
    ax = draw(kind, highlight, reset_after)
    own = to_hex(plotting.GATE_COLORS[highlight])
    plain = draw(kind, None, reset_after)
    plain_colours = dict(enumerate(colours_by_part(plain)))
    coloured = 0
    for k, (parts, colour) in enumerate(colours_by_part(ax)):
        if highlight in parts:
            assert colour not in MUTED, (parts, colour)
            coloured += colour == own
        else:
            assert colour in MUTED, (parts, colour)  # other parts greyed
            assert plain_colours[k][1] not in MUTED  # ... and they were not grey before
    assert coloured >= 4  # at least a box, its wire, its label and an operator or caption
    plt.close("all")


def test_backward_draws_the_deltas_in_their_colour_over_a_grey_cell():
    ax = plotting.draw_lstm_backward()
    found = colours_by_part(ax)
    deltas = [colour for parts, colour in found if parts == ("delta",)]
    assert len(deltas) > 40 and set(deltas) == {to_hex(plotting.DELTA_COLOR)}
    assert {colour for parts, colour in found if parts != ("delta",)} <= MUTED
    plt.close(ax.figure)


def test_captions_are_optional():
    with_caption = plotting.draw_lstm_cell(highlight="o")
    without = plotting.draw_lstm_cell(highlight="o", caption=False)
    assert len(with_caption.texts) == len(without.texts) + 1
    assert with_caption.figure.get_size_inches()[1] > without.figure.get_size_inches()[1]
    assert "output gate" in with_caption.texts[-1].get_text()
    plt.close("all")


@pytest.mark.parametrize("call, match", [
    (lambda: plotting.draw_lstm_cell(highlight="g"),
     r"highlight must be one of \(None, 'f', 'i', 'c_tilde', 'o', 'c', 'h'\), got 'g'"),
    (lambda: plotting.draw_lstm_cell(highlight="z"), r"highlight must be one of .*got 'z'"),
    (lambda: plotting.draw_lstm_cell(highlight=True), r"highlight must be one of .*got True"),
    (lambda: plotting.draw_gru_cell(highlight="f"),
     r"highlight must be one of \(None, 'z', 'r', 'h_tilde', 'h'\), got 'f'"),
    (lambda: plotting.draw_gru_cell(reset_after=1), r"reset_after must be True or False, got 1"),
    (lambda: plotting.draw_gru_cell(reset_after="False"), r"reset_after must be True or False"),
    (lambda: plotting.draw_lstm_cell(ax="axes"), r"ax must be a matplotlib Axes or None, got str"),
    (lambda: plotting.draw_lstm_backward(ax=plt.figure()),
     r"ax must be a matplotlib Axes or None, got Figure"),
    (lambda: plotting.draw_gru_cell(ax=1.0), r"ax must be a matplotlib Axes or None, got float"),
    (lambda: plotting.draw_lstm_backward(caption=None), r"caption must be True or False"),
])
def test_bad_arguments_are_refused_by_name(call, match):
    with pytest.raises(ValueError, match=match):
        call()
    plt.close("all")
