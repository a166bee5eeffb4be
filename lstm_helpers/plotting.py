"""The book's figure style, the plots more than one chapter draws, and the cell diagrams.

Call :func:`use_book_style` once (``lstm_helpers.setup`` does it); every chapter then gets the
same sizes, fonts and colours, and the HTML book looks like one book.

The cell diagrams are drawn from the book's equations (notation.md), so a picture never disagrees
with the text:

- :func:`draw_lstm_cell`, the LSTM step of Chapter 5,
  ``a_t = x_t W_x + h_{t-1} W_h + b``, ``i_t = σ(a^i_t)``, ``f_t = σ(a^f_t)``,
  ``c̃_t = tanh(a^c̃_t)``, ``o_t = σ(a^o_t)``, ``c_t = f_t ⊙ c_{t-1} + i_t ⊙ c̃_t``,
  ``h_t = o_t ⊙ tanh(c_t)``, with one gate's path highlighted on request;
- :func:`draw_lstm_backward`, the same cell with the backward pass of Chapter 6
  (``lstm.lstm_backward``) drawn over it,
  ``δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_{t+1}``;
- :func:`draw_gru_cell`, the GRU of Chapter 7 (``gru.gru_forward``) in either of Keras's forms,
  ``h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t``.

Every gate has one colour in all three (:data:`GATE_COLORS`). Each artist of a diagram carries, as
its ``gid``, the comma-separated parts of the cell it belongs to, the part whose colour it wears
first (``"f,c"`` is the forget gate's ⊙ on the cell path; ``"ink"`` marks what every gate shares,
``"delta"`` the backward pass), so a figure can be restyled or checked part by part.
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib as mpl
import numpy as np

from lstm_helpers._checks import check_bool

__all__ = [
    "BOOK_STYLE", "COLORS", "DELTA_COLOR", "DIAGRAM_WIDTH", "GATE_COLORS", "GRU_HIGHLIGHTS",
    "LSTM_HIGHLIGHTS", "UNROLLED_CELLS", "draw_gru_cell", "draw_lstm_backward", "draw_lstm_cell",
    "draw_unrolled", "use_book_style",
]

#: Colours for the same roles across chapters: data, model, highlight, second highlight, baseline.
COLORS = {"data": "#1f4e79", "model": "#c55a11", "highlight": "#2e8b57", "second": "#7b3fa0",
          "baseline": "#7f7f7f"}

BOOK_STYLE = {
    "figure.figsize": [8.0, 3.2],
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "lines.linewidth": 1.2,
    "image.cmap": "viridis",
    "axes.prop_cycle": mpl.cycler(color=list(COLORS.values())),
}

#: One colour per part of a cell, the same in every diagram: the LSTM's gates ``i``, ``f``,
#: ``c_tilde`` (c̃), ``o``, its cell path ``c`` and output ``h``; the GRU's ``z``, ``r`` and its
#: candidate ``h_tilde`` (h̃, coloured as the LSTM's candidate c̃).
GATE_COLORS = {
    "i": "#1a8f4a",
    "f": "#c46800",
    "c_tilde": "#2f6db5",
    "o": "#9140c0",
    "c": "#1c1c1c",
    "h": "#0b8793",
    "z": "#b8306e",
    "r": "#7a7000",
    "h_tilde": "#2f6db5",
}
#: Colour of the backward pass (the δ arrows of :func:`draw_lstm_backward`).
DELTA_COLOR = "#d62728"
#: Colour of what every gate shares (the inputs, the weight box), and of the greyed-out parts.
INK, MUTED, MUTED_TEXT = "#3a3a3a", "#cdcdcd", "#a6a6a6"
_SHAPE_GREY = "#6b6b6b"  # shapes and notes
#: Allowed ``highlight`` values.
LSTM_HIGHLIGHTS = (None, "f", "i", "c_tilde", "o", "c", "h")
GRU_HIGHLIGHTS = (None, "z", "r", "h_tilde", "h")
#: Layers :func:`draw_unrolled` draws, with the states each carries from step to step.
UNROLLED_CELLS = {"RNN": ("h",), "SimpleRNN": ("h",), "GRU": ("h",), "LSTM": ("c", "h"),
                  "PeepholeLSTM": ("c", "h"), "CoupledLSTM": ("c", "h")}
#: Width of a diagram's figure in inches: 1000 pixels at the book's 100 dpi, about its column.
DIAGRAM_WIDTH = 10.0

_WIDTH = 22.0  # data units across the diagram
_OP_RADIUS = 0.32  # circles for ⊙ and +
_MATH = "cm"  # mathtext font, close to the MathJax equations of the text


def use_book_style() -> None:
    """Apply the book's matplotlib settings (sizes, grid, colour cycle) globally."""
    mpl.rcParams.update(BOOK_STYLE)


def draw_unrolled(ax, steps: int = 4, cell: str = "RNN",
                  carries: tuple[str, ...] | None = None) -> None:
    """Draw a recurrent layer unrolled over ``steps`` steps: one box per step, shared weights.

    Inputs ``x_t`` enter from below, outputs ``h_t`` leave at the top, and each carried state
    (``"h"``, or ``"h"`` and ``"c"`` for an LSTM) is an arrow from one step's box to the next.

    Parameters
    ----------
    ax : matplotlib Axes
        Drawn on; its axis lines are switched off.
    steps : int, default 4
        Number of boxes, ``>= 1``.
    cell : {"RNN", "SimpleRNN", "GRU", "LSTM", "PeepholeLSTM", "CoupledLSTM"}, default "RNN"
        The layer drawn, written inside each box.
    carries : tuple of str, optional
        Names of the states passed from step to step, drawn top to bottom in this order: the
        cell's own states (:data:`UNROLLED_CELLS`), ``("h",)`` for an RNN or GRU, ``("c", "h")``
        in some order for an LSTM. By default the cell's states in that order.

    Raises
    ------
    ValueError
        If ``ax`` is not an Axes, ``steps`` not an integer ``>= 1``, ``cell`` not one of the names
        above, or ``carries`` not the cell's states.
    TypeError
        If ``carries`` is a single string (``"h"``: write ``("h",)``) or holds anything but strings.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> draw_unrolled(ax, steps=2, cell="LSTM")
    >>> [t.get_text() for t in ax.texts][:4]
    ['LSTM\\n(W, b)', '$x_{1}$', '$h_{1}$', '$c_{0}$']
    >>> plt.close(fig)
    """
    from matplotlib.axes import Axes
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    from lstm_helpers._checks import check_int, check_strings

    if not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes, got {type(ax).__name__}")
    steps = check_int("steps", steps, minimum=1)
    _check_choice("cell", cell, tuple(UNROLLED_CELLS))
    states = UNROLLED_CELLS[cell]
    carries = states if carries is None else tuple(check_strings("carries", carries))
    if not carries:
        raise ValueError("carries must name at least one state, got ()")
    if sorted(carries) != sorted(states):
        raise ValueError(f"carries must be the states of {cell}, {states}, in the order to draw "
                         f"them; got {carries}")
    width, gap = 1.0, 0.9
    arrow = dict(arrowstyle="-|>", mutation_scale=12, lw=1.2)
    for k in range(steps):
        left = k * (width + gap)
        centre = left + width / 2
        ax.add_patch(FancyBboxPatch((left, 0), width, 1, boxstyle="round,pad=0.05", fc="#dbe7f3",
                                    ec=COLORS["data"]))
        ax.text(centre, 0.5, f"{cell}\n(W, b)", ha="center", va="center", fontsize=9)
        ax.add_patch(FancyArrowPatch((centre, -0.55), (centre, -0.05), color=COLORS["baseline"],
                                     **arrow))
        ax.text(centre, -0.75, f"$x_{{{k + 1}}}$", ha="center", va="center")
        ax.add_patch(FancyArrowPatch((centre, 1.05), (centre, 1.55), color=COLORS["model"],
                                     **arrow))
        ax.text(centre, 1.75, f"$h_{{{k + 1}}}$", ha="center", va="center")
        for j, state in enumerate(carries):
            height = 0.75 - j * 0.5 / max(len(carries) - 1, 1) if len(carries) > 1 else 0.5
            start = left - gap + 0.05
            ax.add_patch(FancyArrowPatch((start, height), (left - 0.05, height),
                                         color=COLORS["highlight"], **arrow))
            ax.text(left - gap / 2, height + 0.1, f"${state}_{{{k}}}$", ha="center", va="bottom",
                    fontsize=9)
    ax.set_xlim(-gap - 0.1, steps * (width + gap) - gap + 0.1)
    ax.set_ylim(-1.0, 2.0)
    ax.set_aspect("equal")
    ax.axis("off")


# ----------------------------------------------------------------------------- the cell diagrams


@dataclass(frozen=True)
class _Box:
    """Edges of a drawn box, for attaching wires."""

    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height / 2

    @property
    def bottom(self) -> float:
        return self.y - self.height / 2

    @property
    def left(self) -> float:
        return self.x - self.width / 2

    @property
    def right(self) -> float:
        return self.x + self.width / 2


def _tint(color: str, amount: float = 0.9) -> tuple[float, float, float]:
    """``color`` mixed with ``amount`` of white, for box fills."""
    rgb = np.array(mpl.colors.to_rgb(color))
    return tuple(rgb + (1.0 - rgb) * amount)


class _Sketch:
    """Draws boxes, operators, wires and labels on one Axes, coloured by the parts they belong to.

    ``parts`` is a tuple of part names, the first being the one whose colour the artist wears
    (``"ink"`` for shared parts, ``"delta"`` for the backward pass). With a ``highlight``, artists
    of that part take its colour, or ink if the part is listed after ``"ink"`` (shared with other
    parts), and all others are muted; ``mute_forward`` mutes every part but the backward pass.
    """

    def __init__(self, ax, highlight: str | None = None, mute_forward: bool = False) -> None:
        self.ax = ax
        self.highlight = highlight
        self.mute_forward = mute_forward

    def color(self, parts: tuple[str, ...], text: bool = False) -> str:
        owner = parts[0]
        if owner == "delta":
            return DELTA_COLOR
        muted = MUTED_TEXT if text else MUTED
        if self.mute_forward:
            return muted
        if self.highlight is None:
            return INK if owner == "ink" else GATE_COLORS[owner]
        if self.highlight not in parts:
            return muted
        if "ink" in parts and parts.index(self.highlight) > parts.index("ink"):
            return INK  # shared by the highlighted part and others
        return GATE_COLORS[self.highlight]

    def _tag(self, artist, parts: tuple[str, ...]):
        artist.set_gid(",".join(parts))
        return artist

    def text(self, x: float, y: float, s: str, parts: tuple[str, ...], size: float = 11,
             ha: str = "center", va: str = "center", color: str | None = None, **kwargs):
        if color == "secondary":  # shapes and notes: grey, lighter when their part is muted
            color = MUTED_TEXT if self.color(parts, text=True) == MUTED_TEXT else _SHAPE_GREY
        color = color or self.color(parts, text=True)
        return self._tag(self.ax.text(x, y, s, fontsize=size, ha=ha, va=va, color=color,
                                      math_fontfamily=_MATH, zorder=6, **kwargs), parts)

    def box(self, x: float, y: float, width: float, height: float, lines: list[tuple[str, float]],
            parts: tuple[str, ...], rounding: float = 0.18,
            text_parts: tuple[str, ...] | None = None) -> _Box:
        """A rounded box centred at (x, y) with lines of (text, fontsize), top to bottom.

        The text is coloured as ``text_parts`` (by default as the box).
        """
        from matplotlib.patches import FancyBboxPatch

        text_parts = text_parts or parts
        color = self.color(parts)
        fill = "#f6f6f6" if color == MUTED else (1, 1, 1) if color == INK else _tint(color, 0.92)
        patch = FancyBboxPatch((x - width / 2, y - height / 2), width, height, lw=1.4, ec=color,
                               fc=fill, boxstyle=f"round,pad=0,rounding_size={rounding}", zorder=3)
        self._tag(self.ax.add_patch(patch), parts)
        spacing = [size / 72 * 1.45 * _WIDTH / DIAGRAM_WIDTH for _, size in lines]
        top = y + sum(spacing) / 2
        for (s, size), step in zip(lines, spacing):
            small = size < 10
            self.text(x, top - step / 2, s, text_parts, size=size,
                      color="secondary" if small else None)  # shapes in grey
            top -= step
        return _Box(x, y, width, height)

    def op(self, x: float, y: float, kind: str, parts: tuple[str, ...],
           radius: float = _OP_RADIUS) -> tuple[float, float]:
        """An elementwise operator: ``"mul"`` (⊙, a circle with a dot) or ``"add"`` (with a +)."""
        from matplotlib.lines import Line2D
        from matplotlib.patches import Circle

        color = self.color(parts)
        self._tag(self.ax.add_patch(Circle((x, y), radius, fc="white", ec=color, lw=1.6, zorder=4)),
                  parts)
        if kind == "mul":
            dot = Circle((x, y), radius * 0.2, fc=color, ec=color, lw=0, zorder=5)
            self._tag(self.ax.add_patch(dot), parts)
        else:
            arm = radius * 0.6
            for dx, dy in ((arm, 0), (0, arm)):
                line = Line2D([x - dx, x + dx], [y - dy, y + dy], color=color, lw=1.6, zorder=5,
                              solid_capstyle="butt")
                self._tag(self.ax.add_line(line), parts)
        return x, y

    def wire(self, points: list[tuple[float, float]], parts: tuple[str, ...], head: bool = True,
             over: bool = False, width: float = 1.6):
        """A polyline through ``points``, with an arrowhead at the end unless ``head`` is False.

        ``over=True`` draws it above the other wires with a white border, so that where it crosses
        one, that one is visibly interrupted (a bridge, not a junction).
        """
        from matplotlib import patheffects
        from matplotlib.patches import FancyArrowPatch
        from matplotlib.path import Path

        color = self.color(parts)
        effects = [patheffects.Stroke(linewidth=width + 5, foreground="white"),
                   patheffects.Normal()]
        arrow = FancyArrowPatch(path=Path(np.array(points, dtype=float)),
                                arrowstyle="-|>" if head else "-", mutation_scale=13, lw=width,
                                color=color, zorder=2.5 if over else 2, joinstyle="miter",
                                capstyle="butt", path_effects=effects if over else None)
        return self._tag(self.ax.add_patch(arrow), parts)

    def dot(self, x: float, y: float, parts: tuple[str, ...]) -> None:
        """A junction: the value is copied to both branches."""
        from matplotlib.patches import Circle

        color = self.color(parts)
        self._tag(self.ax.add_patch(Circle((x, y), 0.1, fc=color, ec=color, zorder=4)), parts)


def _check_axes(ax):
    """Return ``ax`` if it is a matplotlib Axes, else raise ValueError naming ``ax``."""
    from matplotlib.axes import Axes

    if ax is not None and not isinstance(ax, Axes):
        raise ValueError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _check_choice(name: str, value, allowed: tuple) -> None:
    """Raise ValueError naming ``name``, the allowed values and ``value``, unless it is allowed."""
    if not (value is None or isinstance(value, str)) or value not in allowed:
        raise ValueError(f"{name} must be one of {allowed}, got {value!r}")



def _prepare_axes(ax, y_min: float, y_max: float):
    """The Axes to draw on (a new figure of the book's width if ``ax`` is None), limits set."""
    if ax is None:
        import matplotlib.pyplot as plt

        height = DIAGRAM_WIDTH * (y_max - y_min) / _WIDTH
        figure = plt.figure(figsize=(DIAGRAM_WIDTH, height), layout="none")
        ax = figure.add_axes((0.005, 0.005, 0.99, 0.99))  # whatever the style's margins
    ax.set_xlim(0.0, _WIDTH)
    ax.set_ylim(y_min, y_max)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _caption(sketch: _Sketch, lines: list[tuple[str, tuple[str, ...]]], y: float) -> None:
    """Equations under the drawing, one per line, each coloured as its part."""
    for k, (s, parts) in enumerate(lines):
        sketch.text(_WIDTH / 2, y - 0.75 * k, s, parts, size=12.5, va="top")


# ------------------------------------------------------------------------------------ the LSTM

# Columns of the four gates, left to right in the order they act on the cell path (Keras stores
# them in the order i, f, c̃, o; the drawing says so).
_LSTM_COLUMNS = {"f": 4.0, "i": 7.0, "c_tilde": 10.0, "o": 13.0}
_LSTM_GATE_SYMBOLS = {"f": "f", "i": "i", "c_tilde": r"\tilde c", "o": "o"}
_LSTM_WEIGHT_SUBSCRIPTS = {"f": "f", "i": "i", "c_tilde": "c", "o": "o"}
_LSTM_EQUATIONS = {
    "f": (r"forget gate:  $f_t = \sigma(a^f_t) = \sigma(x_t W_{xf} + h_{t-1} W_{hf} + b_f)$, "
          r"in $(0, 1)$"),
    "i": (r"input gate:  $i_t = \sigma(a^i_t) = \sigma(x_t W_{xi} + h_{t-1} W_{hi} + b_i)$, "
          r"in $(0, 1)$"),
    "c_tilde": (r"candidate:  $\tilde c_t = \tanh(a^{\tilde c}_t) = "
                r"\tanh(x_t W_{xc} + h_{t-1} W_{hc} + b_c)$, in $(-1, 1)$"),
    "o": (r"output gate:  $o_t = \sigma(a^o_t) = \sigma(x_t W_{xo} + h_{t-1} W_{ho} + b_o)$, "
          r"in $(0, 1)$"),
    "c": r"cell state:  $c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t$",
    "h": r"hidden state:  $h_t = o_t \odot \tanh(c_t)$",
}
_Y_CELL = 12.0  # the cell path (LSTM) or the state path (GRU)
_Y_TOP, _Y_BOTTOM = 13.85, -1.05  # limits of a drawing without caption
_Y_CAPTION = -1.35  # top of the first caption line
_LINEAR = _Box(8.5, 2.0, 12.0, 3.0)  # the box of a_t = x_t W_x + h_{t-1} W_h + b
_SPLIT = 1.6  # height of its bottom strip (the whole product), under the gates' blocks
_Y_H_IN = 1.25  # h_{t-1} enters the linear box here
_X_X_IN = 8.5  # x_t enters it here
_Y_GATE, _GATE_BOX = 5.25, (2.5, 1.15)  # the gates' nonlinearities: centre height and size
_Y_PRODUCT = 8.0  # the ⊙ of i and c̃, and of o and tanh(c_t)
_X_BRANCH, _Y_TANH = 16.0, 10.35  # where tanh(c_t) leaves the cell path, and its box
_X_CELL_END = 19.3  # c_t leaves here
_X_OUT = 20.3  # where h_t turns upwards


def _io_label(sketch: _Sketch, x: float, y: float, symbol: str, shape: str | None,
              parts: tuple[str, ...], ha: str = "center", below: bool = False) -> None:
    """An input's or output's symbol, with its shape in small grey next to it."""
    sketch.text(x, y, symbol, parts, size=13, ha=ha, va="top" if below else "bottom")
    if shape is not None:
        offset = -0.55 if below else -0.6
        sketch.text(x, y + offset, shape, parts, size=9, ha=ha, va="top", color="secondary")


def _lstm_body(sketch: _Sketch, backward: bool) -> None:
    """The forward cell; in ``backward`` mode without the labels of internal wires and shapes,
    and with the boxes showing the derivatives that the backward pass multiplies by."""
    R, L = _OP_RADIUS, _LINEAR
    shared = ("ink", "f", "i", "c_tilde", "o")
    labels = not backward
    shape = (lambda text: None) if backward else (lambda text: text)
    delta = ("delta",) if backward else None
    # inputs
    sketch.wire([(_X_X_IN, _Y_BOTTOM + 0.25), (_X_X_IN, L.bottom)], shared)
    if backward:
        sketch.text(_X_X_IN - 0.25, -0.45, r"$x_t$", shared, size=13, ha="right")
    else:
        sketch.text(_X_X_IN + 0.25, -0.45, r"$x_t$", shared, size=13, ha="left")
        sketch.text(_X_X_IN + 1.0, -0.45, r"$B \times n$", shared, size=9, ha="left",
                    color="secondary")
    sketch.wire([(0.2, _Y_H_IN), (L.left, _Y_H_IN)], shared)
    _io_label(sketch, 1.3, _Y_H_IN + 0.3, r"$h_{t-1}$", shape(r"$B \times H$"), shared)
    sketch.wire([(0.2, _Y_CELL), (_LSTM_COLUMNS["f"] - R, _Y_CELL)], ("c",))
    _io_label(sketch, 1.3, _Y_CELL + 0.3, r"$c_{t-1}$", shape(r"$B \times H$"), ("c",))
    # the linear map: a strip for the whole product, one block per gate above it
    if backward:
        strip = [(r"$\delta W_x = \sum_t x_t^{\top} \delta a_t, \quad \delta W_h = \sum_t "
                  r"h_{t-1}^{\top} \delta a_t, \quad \delta b = \sum_t \sum_{\mathrm{batch}} "
                  r"\delta a_t$", 11.5)]
    else:
        strip = [(r"$a_t = x_t W_x + h_{t-1} W_h + b$", 12.5),
                 (r"$a_t$: $B \times 4H$,  $W_x$: $n \times 4H$,  $W_h$: $H \times 4H$,  $b$: $4H$",
                  9)]
    sketch.box(L.x, L.bottom + _SPLIT / 2, L.width, _SPLIT, strip, shared, rounding=0.05,
               text_parts=delta)
    block_height = L.height - _SPLIT
    for gate, x in _LSTM_COLUMNS.items():
        k, sym = _LSTM_WEIGHT_SUBSCRIPTS[gate], _LSTM_GATE_SYMBOLS[gate]
        sketch.box(x, L.top - block_height / 2, 3.0, block_height,
                   [(rf"$a^{{{sym}}}_t = x_t W_{{x{k}}}$", 10.5),
                    (rf"$+\ h_{{t-1}} W_{{h{k}}} + b_{k}$", 10.5)], (gate,), rounding=0.05)
    sketch.text(L.right + 0.3, 1.1, "$W_x$, $W_h$, $b$ store the blocks\nin Keras's order "
                r"$i, f, \tilde c, o$", shared, size=9, ha="left", color="secondary")
    # the gates' nonlinearities
    gate_bottom, gate_top = _Y_GATE - _GATE_BOX[1] / 2, _Y_GATE + _GATE_BOX[1] / 2
    for gate, x in _LSTM_COLUMNS.items():
        sym = _LSTM_GATE_SYMBOLS[gate]
        sketch.wire([(x, L.top), (x, gate_bottom)], (gate,))
        if labels:
            sketch.text(x + 0.2, (L.top + gate_bottom) / 2, rf"$a^{{{sym}}}_t$", (gate,), ha="left")
        if backward:
            local = (r"$\odot\,(1 - \tilde c_t^{\,2})$" if gate == "c_tilde"
                     else rf"$\odot\,{sym}_t (1 - {sym}_t)$")
            lines = [(local, 11.5)]
        else:
            function = r"\tanh" if gate == "c_tilde" else r"\sigma"
            lines = [(rf"${sym}_t = {function}(a^{{{sym}}}_t)$", 12), (r"$B \times H$", 9)]
        sketch.box(x, _Y_GATE, *_GATE_BOX, lines, (gate,), text_parts=delta)
    x_f, x_i, x_c, x_o = (_LSTM_COLUMNS[g] for g in ("f", "i", "c_tilde", "o"))
    # the forget gate scales c_{t-1}; i_t ⊙ c̃_t is added: c_t
    sketch.wire([(x_f, gate_top), (x_f, _Y_CELL - R)], ("f",))
    sketch.op(x_f, _Y_CELL, "mul", ("f", "c"))
    sketch.wire([(x_i, gate_top), (x_i, _Y_PRODUCT), (x_c - R, _Y_PRODUCT)], ("i",))
    sketch.wire([(x_c, gate_top), (x_c, _Y_PRODUCT - R)], ("c_tilde",))
    sketch.op(x_c, _Y_PRODUCT, "mul", ("i", "c_tilde", "c"))
    sketch.wire([(x_c, _Y_PRODUCT + R), (x_c, _Y_CELL - R)], ("c", "i", "c_tilde"))
    sketch.wire([(x_f + R, _Y_CELL), (x_c - R, _Y_CELL)], ("c", "f"))
    sketch.op(x_c, _Y_CELL, "add", ("c",))
    sketch.wire([(x_c + R, _Y_CELL), (_X_CELL_END, _Y_CELL)], ("c", "h"))
    _io_label(sketch, 18.6, _Y_CELL + 0.3, r"$c_t$", shape(r"$B \times H$"), ("c",))
    if labels:
        sketch.text(x_f + 0.2, 9.0, r"$f_t$", ("f",), ha="left")
        sketch.text(x_i + 0.2, 6.9, r"$i_t$", ("i",), ha="left")
        sketch.text(x_c + 0.2, 6.9, r"$\tilde c_t$", ("c_tilde",), ha="left")
        sketch.text(x_c + 0.2, 10.0, r"$i_t \odot \tilde c_t$", ("c", "i", "c_tilde"), ha="left")
        sketch.text((x_f + x_c) / 2, _Y_CELL - 0.25, r"$f_t \odot c_{t-1}$", ("c", "f"), va="top")
        sketch.text(x_c + 0.5, _Y_CELL + 0.3, _LSTM_EQUATIONS["c"].split(":  ")[1], ("c",),
                    size=12.5, ha="left", va="bottom")
    # h_t = o_t ⊙ tanh(c_t), to the next step (right) and to the output (up)
    sketch.dot(_X_BRANCH, _Y_CELL, ("h", "c"))
    tanh_lines = ([(r"$\odot\,(1 - \tanh^2 c_t)$", 11.5)] if backward
                  else [(r"$\tanh$", 12), (r"$B \times H$", 9)])
    tanh_box = sketch.box(_X_BRANCH, _Y_TANH, 3.0 if backward else 1.6, 1.0, tanh_lines, ("h",),
                          text_parts=delta)
    sketch.wire([(_X_BRANCH, _Y_CELL), (_X_BRANCH, tanh_box.top)], ("h",))
    sketch.wire([(_X_BRANCH, tanh_box.bottom), (_X_BRANCH, _Y_PRODUCT + R)], ("h",))
    sketch.wire([(x_o, gate_top), (x_o, _Y_PRODUCT), (_X_BRANCH - R, _Y_PRODUCT)], ("o",))
    sketch.op(_X_BRANCH, _Y_PRODUCT, "mul", ("o", "h"))
    sketch.wire([(_X_BRANCH + R, _Y_PRODUCT), (_WIDTH - 0.1, _Y_PRODUCT)], ("h",))
    sketch.dot(_X_OUT, _Y_PRODUCT, ("h",))
    sketch.wire([(_X_OUT, _Y_PRODUCT), (_X_OUT, _Y_TOP - 0.2)], ("h",))
    _io_label(sketch, 21.2, _Y_PRODUCT + 0.3, r"$h_t$", shape(r"$B \times H$"), ("h",))
    sketch.text(_X_OUT - 0.25, 13.3, r"$h_t$", ("h",), size=13, ha="right")
    if labels:
        sketch.text(_X_OUT - 0.25, 12.85, r"$B \times H$", ("h",), size=9, ha="right",
                    color="secondary")
        sketch.text(x_o + 0.2, 6.9, r"$o_t$", ("o",), ha="left")
        sketch.text(_X_BRANCH + 0.2, (tanh_box.bottom + _Y_PRODUCT + R) / 2, r"$\tanh(c_t)$",
                    ("h",), ha="left")
        sketch.text(18.15, _Y_PRODUCT - 0.45, _LSTM_EQUATIONS["h"].split(":  ")[1], ("h",),
                    size=12.5, va="top")


def draw_lstm_cell(ax=None, highlight: str | None = None, caption: bool = True):
    """Draw one LSTM step in the book's symbols, with every equation of Chapter 5 as a path.

    From the bottom: ``x_t`` and ``h_{t-1}`` enter the box of ``a_t = x_t W_x + h_{t-1} W_h + b``,
    split into one block per gate; each block goes through its nonlinearity (``f_t = σ(a^f_t)``
    …); ``f_t`` scales ``c_{t-1}`` on the cell path along the top, ``i_t ⊙ c̃_t`` is added to it,
    giving ``c_t``; ``tanh(c_t)`` times ``o_t`` gives ``h_t``, which leaves to the right (next
    step) and upwards (the output). Arrows carry their symbols, boxes their shapes.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Drawn on (its limits, aspect and axis lines are set); it should be about
        ``DIAGRAM_WIDTH`` inches wide for the labels to fit. By default a new figure that size.
    highlight : {None, "f", "i", "c_tilde", "o", "c", "h"}, default None
        One part of the cell to show in its colour, the rest in grey: a gate (its weight block,
        nonlinearity and the ⊙ it feeds), the cell path ``"c"`` or the hidden state ``"h"``.
    caption : bool, default True
        With a ``highlight``, write its equation under the drawing.

    Returns
    -------
    ax : matplotlib Axes

    Raises
    ------
    ValueError
        If ``ax`` is not an Axes, ``highlight`` not one of the values above, or ``caption`` not
        a bool.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = draw_lstm_cell(highlight="f")
    >>> ax.texts[-1].get_text()  # the caption
    'forget gate:  $f_t = \\\\sigma(a^f_t) = ...'
    >>> ax.figure.get_size_inches().round(1)  # inches
    array([10. ,  7.4])
    >>> plt.close(ax.figure)
    """
    _check_axes(ax)
    _check_choice("highlight", highlight, LSTM_HIGHLIGHTS)
    caption = check_bool("caption", caption)
    with_caption = caption and highlight is not None
    ax = _prepare_axes(ax, _Y_CAPTION - 1.0 if with_caption else _Y_BOTTOM, _Y_TOP)
    sketch = _Sketch(ax, highlight)
    _lstm_body(sketch, backward=False)
    if with_caption:
        _caption(sketch, [(_LSTM_EQUATIONS[highlight], (highlight,))], _Y_CAPTION)
    return ax


def _factor(sketch: _Sketch, x: float, y: float, s: str, width: float) -> None:
    """A backward step's local factor, as a small tag on its δ arrow."""
    sketch.box(x, y, width, 0.55, [(s, 10.5)], ("delta",), rounding=0.12)


def draw_lstm_backward(ax=None, caption: bool = True):
    """Draw the LSTM cell with the backward pass of Chapter 6 (``lstm.lstm_backward``) over it.

    The forward cell is greyed; the δ arrows run against it, each tagged with the factor it is
    multiplied by. ``δh_t`` (from the loss at step t plus ``δa_{t+1} W_hᵀ`` from step t+1) enters
    at ``h_t``; times ``o_t`` and the derivative of tanh it reaches the cell path, where it joins
    ``δc_{t+1} ⊙ f_{t+1}`` from step t+1:

        δc_t = δh_t ⊙ o_t ⊙ (1 − tanh²(c_t)) + δc_{t+1} ⊙ f_{t+1}

    ``δc_t`` runs right to left along the cell path, passes the + unchanged and leaves as
    ``δc_t ⊙ f_t``, so the cell path carries the gradient back undiminished only where ``f ≈ 1``.
    Each gate's error, times its derivative, is one block of ``δa_t``, which goes down into the
    weights' gradients and on to ``x_t`` and ``h_{t-1}``.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Drawn on; it should be about ``DIAGRAM_WIDTH`` inches wide. By default a new figure.
    caption : bool, default True
        Write the equations of ``δc_t`` and of the gates' errors under the drawing.

    Returns
    -------
    ax : matplotlib Axes

    Raises
    ------
    ValueError
        If ``ax`` is not an Axes or ``caption`` not a bool.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = draw_lstm_backward()
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "delta"][:2]
    ['$\\\\delta W_x = ...', '$\\\\odot\\\\,f_t (1 - f_t)$']
    >>> plt.close(ax.figure)
    """
    _check_axes(ax)
    caption = check_bool("caption", caption)
    ax = _prepare_axes(ax, _Y_CAPTION - 1.75 if caption else _Y_BOTTOM, _Y_TOP)
    sketch = _Sketch(ax, mute_forward=True)
    _lstm_body(sketch, backward=True)
    R, d, delta = _OP_RADIUS, 0.3, ("delta",)
    x_f, x_i, x_c, x_o = (_LSTM_COLUMNS[g] for g in ("f", "i", "c_tilde", "o"))
    gate_bottom, gate_top = _Y_GATE - _GATE_BOX[1] / 2, _Y_GATE + _GATE_BOX[1] / 2
    y_back, y_low = _Y_CELL - 0.5, _Y_PRODUCT - d  # the δ paths under the cell path and products
    small = 0.22  # radius of the δ sums
    # δh_t: from the loss at step t (above) plus from step t+1 (right)
    x_sum = _X_OUT + d
    sketch.wire([(x_sum, _Y_TOP - 0.2), (x_sum, y_low + small)], delta)
    sketch.text(x_sum + 0.2, 12.6, "loss at\nstep $t$", delta, size=9.5, ha="left")
    sketch.wire([(_WIDTH - 0.1, y_low), (x_sum + small, y_low)], delta)
    sketch.text(21.0, y_low - 0.35, r"$\delta a_{t+1} W_h^{\top}$", delta, size=10.5, va="top")
    sketch.text(21.0, y_low - 0.95, "from step $t+1$", delta, size=8.5, va="top")
    sketch.op(x_sum, y_low, "add", delta, radius=small)
    sketch.wire([(x_sum - small, y_low), (_X_BRANCH + R, y_low)], delta)
    sketch.text(18.2, y_low - 0.3, r"$\delta h_t$", delta, size=12.5, va="top")
    # times o_t and tanh' up to the cell path, where δc_{t+1} ⊙ f_{t+1} joins
    x_up = _X_BRANCH + d
    tanh_bottom, tanh_top = _Y_TANH - 0.5, _Y_TANH + 0.5
    sketch.wire([(x_up, _Y_PRODUCT + R), (x_up, tanh_bottom)], delta)
    _factor(sketch, x_up, (_Y_PRODUCT + R + tanh_bottom) / 2, r"$\odot\, o_t$", 1.0)
    sketch.wire([(x_up, tanh_top), (x_up, y_back - small)], delta)
    sketch.op(x_up, y_back, "add", delta, radius=small)
    sketch.wire([(_X_CELL_END, y_back), (x_up + small, y_back)], delta)
    sketch.text(17.95, y_back - 0.25, r"$\delta c_{t+1} \odot f_{t+1}$", delta, size=11, va="top")
    # δc_t along the cell path, to the left, through the + unchanged, times f_t at the end
    sketch.wire([(x_up - small, y_back), (0.2, y_back)], delta)
    sketch.text(13.2, y_back - 0.25, r"$\delta c_t$", delta, size=12.5, va="top")
    sketch.text(7.0, y_back - 0.25, r"$\delta c_t$", delta, size=12.5, va="top")
    _factor(sketch, 2.75, y_back, r"$\odot\, f_t$", 1.0)
    sketch.text(1.25, y_back - 0.3, r"$\delta c_t \odot f_t$", delta, size=12, va="top")
    sketch.text(0.2, 10.45, "to step $t-1$: the error\nstays constant only\nwhere $f_t \\approx 1$",
                delta, size=9, ha="left", va="top")
    # the gates' errors, each tagged with its factor
    sketch.dot(x_f + d, y_back, delta)
    sketch.wire([(x_f + d, y_back), (x_f + d, gate_top)], delta)
    _factor(sketch, x_f + d, 8.9, r"$\odot\, c_{t-1}$", 1.4)
    sketch.text(x_f + d + 0.2, 7.4, r"$\delta f_t$", delta, size=12, ha="left")
    sketch.dot(x_c + d, y_back, delta)
    sketch.wire([(x_c + d, y_back), (x_c + d, _Y_PRODUCT + R)], delta)
    sketch.text(x_c + d + 0.2, 10.0, r"$\delta c_t$", delta, size=12, ha="left")
    sketch.wire([(x_c - R, y_low), (x_i + d, y_low), (x_i + d, gate_top)], delta)
    _factor(sketch, (x_i + x_c) / 2 + 0.1, y_low, r"$\odot\, \tilde c_t$", 1.0)
    sketch.text(x_i + d + 0.2, 6.4, r"$\delta i_t$", delta, size=12, ha="left")
    sketch.wire([(x_c + d, _Y_PRODUCT - R), (x_c + d, gate_top)], delta)
    _factor(sketch, x_c + d, 7.05, r"$\odot\, i_t$", 0.95)
    sketch.text(x_c + d + 0.2, 6.15, r"$\delta \tilde c_t$", delta, size=12, ha="left")
    sketch.wire([(_X_BRANCH - R, y_low), (x_o + d, y_low), (x_o + d, gate_top)], delta)
    _factor(sketch, (x_o + _X_BRANCH) / 2 + 0.15, y_low, r"$\odot\, \tanh(c_t)$", 1.8)
    sketch.text(x_o + d + 0.2, 6.4, r"$\delta o_t$", delta, size=12, ha="left")
    # through the derivatives into δa_t, and on into the weights and the inputs
    for gate, x in _LSTM_COLUMNS.items():
        sym = _LSTM_GATE_SYMBOLS[gate]
        sketch.wire([(x + d, gate_bottom), (x + d, _LINEAR.top)], delta)
        sketch.text(x + d + 0.2, (_LINEAR.top + gate_bottom) / 2, rf"$\delta a^{{{sym}}}_t$",
                    delta, size=11.5, ha="left")
    sketch.wire([(_X_X_IN + d, _LINEAR.bottom), (_X_X_IN + d, _Y_BOTTOM + 0.25)], delta)
    sketch.text(_X_X_IN + d + 0.2, -0.45, r"$\delta x_t = \delta a_t W_x^{\top}$", delta,
                size=11.5, ha="left")
    sketch.wire([(_LINEAR.left, _Y_H_IN - d), (0.2, _Y_H_IN - d)], delta)
    sketch.text(1.3, _Y_H_IN - d - 0.2, r"$\delta a_t W_h^{\top}$", delta, size=11.5, va="top")
    if caption:
        _caption(sketch, [
            (r"$\delta c_t = \delta h_t \odot o_t \odot (1 - \tanh^2(c_t)) + "
             r"\delta c_{t+1} \odot f_{t+1}$", delta),
            (r"$\delta f_t = \delta c_t \odot c_{t-1},\quad "
             r"\delta i_t = \delta c_t \odot \tilde c_t,\quad "
             r"\delta \tilde c_t = \delta c_t \odot i_t,\quad "
             r"\delta o_t = \delta h_t \odot \tanh(c_t)$", delta),
        ], _Y_CAPTION)
    return ax


# ------------------------------------------------------------------------------------- the GRU

_GRU_COLUMNS = {"z": 4.0, "r": 7.0, "recurrent": 10.0, "input": 13.0}
_X_DROP = 1.3  # h_{t-1} goes down to the weights here
_Y_GRU_GATE = 4.95  # the σ boxes of z and r, lower than the LSTM's: more room above
_Y_RESET, _Y_SUM = 6.45, 7.6  # the reset gate's ⊙; the sum inside the candidate
_Y_CANDIDATE, _Y_MIX = 9.05, 10.6  # the candidate's tanh box; the ⊙ of (1 - z_t) and h̃_t
_X_GRU_OUT = 19.3  # where h_t turns upwards


def _gru_equations(reset_after: bool) -> dict[str, str]:
    """The caption of each highlight, in the form that ``reset_after`` selects."""
    if reset_after:
        z_bias, r_bias = r"b_{xz} + b_{hz}", r"b_{xr} + b_{hr}"
        candidate = r"\tanh(x_t W_{xh} + b_{xh} + r_t \odot (h_{t-1} W_{hh} + b_{hh}))"
        form = (r"$\mathtt{reset\_after=True}$ (Keras's default): $r_t$ scales "
                r"$h_{t-1} W_{hh} + b_{hh}$, after the product")
    else:
        z_bias, r_bias = "b_{xz}", "b_{xr}"
        candidate = r"\tanh(x_t W_{xh} + (r_t \odot h_{t-1})\, W_{hh} + b_{xh})"
        form = (r"$\mathtt{reset\_after=False}$: $r_t$ scales $h_{t-1}$, before the product by "
                r"$W_{hh}$")
    return {
        None: form,
        "z": rf"update gate:  $z_t = \sigma(x_t W_{{xz}} + h_{{t-1}} W_{{hz}} + {z_bias})$",
        "r": rf"reset gate:  $r_t = \sigma(x_t W_{{xr}} + h_{{t-1}} W_{{hr}} + {r_bias})$",
        "h_tilde": rf"candidate:  $\tilde h_t = {candidate}$",
        "h": (r"hidden state:  $h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t$ "
              r"($z_t = 1$ keeps $h_{t-1}$)"),
    }


def draw_gru_cell(ax=None, highlight: str | None = None, reset_after: bool = True,
                  caption: bool = True):
    """Draw one GRU step (``gru.gru_forward``) in the book's symbols, in either of Keras's forms.

    The state path along the top is ``h_t = z_t ⊙ h_{t-1} + (1 − z_t) ⊙ h̃_t`` (Keras's convention:
    ``z_t = 1`` keeps the old state). Below it, ``x_t`` and ``h_{t-1}`` enter the weights; the
    update gate ``z_t`` and the reset gate ``r_t`` come out of their blocks through σ, the candidate
    ``h̃_t`` through tanh. Where the reset gate acts is what ``reset_after`` changes:

    - ``True`` (Keras's default): ``h̃_t = tanh(x_t W_xh + b_xh + r_t ⊙ (h_{t-1} W_hh + b_hh))``;
      every product with ``W_h`` is done at once, and ``r_t`` scales one block of it;
    - ``False``: ``h̃_t = tanh(x_t W_xh + (r_t ⊙ h_{t-1}) W_hh + b_xh)``; ``r_t`` scales
      ``h_{t-1}`` first, so ``W_hh`` gets its own product (the one crossing in the drawing).

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Drawn on; it should be about ``DIAGRAM_WIDTH`` inches wide. By default a new figure.
    highlight : {None, "z", "r", "h_tilde", "h"}, default None
        One part to show in its colour, the rest in grey: a gate (its weight block, nonlinearity
        and the ⊙ it feeds), the candidate ``"h_tilde"`` or the state path ``"h"``.
    reset_after : bool, default True
        Which of the two forms to draw.
    caption : bool, default True
        Write the highlighted equation under the drawing (without a highlight, the form).

    Returns
    -------
    ax : matplotlib Axes

    Raises
    ------
    ValueError
        If ``ax`` is not an Axes, ``highlight`` not one of the values above, or ``reset_after``
        or ``caption`` not a bool.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> ax = draw_gru_cell(highlight="r", reset_after=False)
    >>> ax.texts[-1].get_text()
    'reset gate:  $r_t = \\\\sigma(x_t W_{xr} + h_{t-1} W_{hr} + b_{xr})$'
    >>> plt.close(ax.figure)
    """
    _check_axes(ax)
    _check_choice("highlight", highlight, GRU_HIGHLIGHTS)
    reset_after = check_bool("reset_after", reset_after)
    caption = check_bool("caption", caption)
    ax = _prepare_axes(ax, _Y_CAPTION - 1.0 if caption else _Y_BOTTOM, _Y_TOP)
    sketch = _Sketch(ax, highlight)
    R, L = _OP_RADIUS, _LINEAR
    everything = ("z", "r", "h_tilde")
    shared = ("ink", *everything)
    x_z, x_r, x_hh, x_xh = _GRU_COLUMNS.values()
    # h_{t-1} enters on the state path and goes down to the weights; x_t enters from below
    sketch.wire([(0.2, _Y_CELL), (_X_DROP, _Y_CELL)], ("h", "ink", *everything), head=False)
    sketch.dot(_X_DROP, _Y_CELL, ("h", "ink", *everything))
    _io_label(sketch, 0.75, _Y_CELL + 0.3, r"$h_{t-1}$", r"$B \times H$", ("h", "ink", *everything))
    sketch.wire([(_X_DROP, _Y_CELL), (_X_DROP, _Y_H_IN), (L.left, _Y_H_IN)], shared)
    sketch.text(_X_DROP + 0.2, 3.0, r"$h_{t-1}$", shared, ha="left")
    sketch.wire([(_X_X_IN, _Y_BOTTOM + 0.25), (_X_X_IN, L.bottom)], shared)
    sketch.text(_X_X_IN + 0.25, -0.45, r"$x_t$", shared, size=13, ha="left")
    sketch.text(_X_X_IN + 1.0, -0.45, r"$B \times n$", shared, size=9, ha="left", color="secondary")
    # the weights: a strip for the products, one block per gate above it
    if reset_after:
        strip = [(r"$x_t W_x + b_x$  and  $h_{t-1} W_h + b_h$", 12.5),
                 (r"each $B \times 3H$;  $W_x$: $n \times 3H$,  $W_h$: $H \times 3H$,  "
                  r"$b_x$, $b_h$: $3H$", 9)]
        blocks = {"z": [r"$a^z_t = x_t W_{xz} + b_{xz}$", r"$+\ h_{t-1} W_{hz} + b_{hz}$"],
                  "r": [r"$a^r_t = x_t W_{xr} + b_{xr}$", r"$+\ h_{t-1} W_{hr} + b_{hr}$"],
                  "recurrent": [r"$h_{t-1} W_{hh}$", r"$+\ b_{hh}$"],
                  "input": [r"$x_t W_{xh}$", r"$+\ b_{xh}$"]}
    else:
        strip = [(r"$x_t W_x + b$  and  $h_{t-1} W_h$ for $z$, $r$ only", 12.5),
                 (r"$W_x$: $n \times 3H$,  $W_h$: $H \times 3H$,  $b$: $3H$", 9)]
        blocks = {"z": [r"$a^z_t = x_t W_{xz}$", r"$+\ h_{t-1} W_{hz} + b_{xz}$"],
                  "r": [r"$a^r_t = x_t W_{xr}$", r"$+\ h_{t-1} W_{hr} + b_{xr}$"],
                  "input": [r"$x_t W_{xh}$", r"$+\ b_{xh}$"]}
    sketch.box(L.x, L.bottom + _SPLIT / 2, L.width, _SPLIT, strip, shared, rounding=0.05)
    block_height = L.height - _SPLIT
    for column, lines in blocks.items():
        part = column if column in ("z", "r") else "h_tilde"
        sketch.box(_GRU_COLUMNS[column], L.top - block_height / 2, 3.0, block_height,
                   [(line, 10.5) for line in lines], (part,), rounding=0.05)
    if not reset_after:
        sketch.text(x_hh, L.top - block_height / 2, "$W_{hh}$ acts after\n$r_t$ (above)",
                    ("h_tilde",), size=9, color="secondary")
    # update and reset gates
    gate_bottom, gate_top = _Y_GRU_GATE - _GATE_BOX[1] / 2, _Y_GRU_GATE + _GATE_BOX[1] / 2
    for gate, x in (("z", x_z), ("r", x_r)):
        sketch.wire([(x, L.top), (x, gate_bottom)], (gate,))
        sketch.text(x + 0.2, (L.top + gate_bottom) / 2, rf"$a^{gate}_t$", (gate,), ha="left")
        sketch.box(x, _Y_GRU_GATE, *_GATE_BOX,
                   [(rf"${gate}_t = \sigma(a^{gate}_t)$", 12), (r"$B \times H$", 9)], (gate,))
    # the reset gate inside the candidate
    if reset_after:
        x_reset = x_hh
        sketch.wire([(x_r, gate_top), (x_r, _Y_RESET), (x_reset - R, _Y_RESET)], ("r",))
        sketch.text((x_r + x_reset) / 2, _Y_RESET + 0.2, r"$r_t$", ("r",), va="bottom")
        sketch.wire([(x_hh, L.top), (x_hh, _Y_RESET - R)], ("h_tilde",))
        sketch.op(x_reset, _Y_RESET, "mul", ("r", "h_tilde"))
        sketch.wire([(x_reset, _Y_RESET + R), (x_reset, _Y_SUM - R)], ("h_tilde", "r"))
    else:
        x_reset = x_r
        sketch.wire([(x_r, gate_top), (x_r, _Y_RESET - R)], ("r",))
        sketch.text(x_r + 0.2, (gate_top + _Y_RESET - R) / 2, r"$r_t$", ("r",), ha="left")
        sketch.dot(_X_DROP, _Y_RESET, shared)
        sketch.wire([(_X_DROP, _Y_RESET), (x_reset - R, _Y_RESET)], ("ink", "r", "h_tilde"),
                    over=True)  # crosses z_t: a bridge, not a junction
        sketch.text((_X_DROP + x_z) / 2, _Y_RESET + 0.2, r"$h_{t-1}$", ("ink", "r", "h_tilde"),
                    va="bottom")
        sketch.op(x_reset, _Y_RESET, "mul", ("r", "h_tilde"))
        matmul = sketch.box(x_hh, _Y_RESET, 2.0, 0.9, [(r"$(\cdot)\, W_{hh}$", 12),
                                                         (r"$B \times H$", 9)], ("h_tilde",))
        sketch.wire([(x_reset + R, _Y_RESET), (matmul.left, _Y_RESET)], ("h_tilde", "r"))
        sketch.text((x_reset + R + matmul.left) / 2, _Y_RESET + 0.2, r"$r_t \odot h_{t-1}$",
                    ("h_tilde", "r"), size=10, va="bottom")
        sketch.wire([(x_hh, matmul.top), (x_hh, _Y_SUM - R)], ("h_tilde",))
    # the candidate
    sketch.wire([(x_xh, L.top), (x_xh, _Y_SUM), (x_hh + R, _Y_SUM)], ("h_tilde",))
    sketch.op(x_hh, _Y_SUM, "add", ("h_tilde",))
    candidate = sketch.box(x_hh, _Y_CANDIDATE, 2.7, 0.95,
                           [(r"$\tilde h_t = \tanh(a^{\tilde h}_t)$", 12), (r"$B \times H$", 9)],
                           ("h_tilde",))
    sketch.wire([(x_hh, _Y_SUM + R), (x_hh, candidate.bottom)], ("h_tilde",))
    sketch.text(x_hh + 0.2, (_Y_SUM + R + candidate.bottom) / 2, r"$a^{\tilde h}_t$",
                ("h_tilde",), ha="left")
    sketch.wire([(x_hh, candidate.top), (x_hh, _Y_MIX - R)], ("h_tilde",))
    sketch.text(x_hh + 0.2, (candidate.top + _Y_MIX - R) / 2, r"$\tilde h_t$", ("h_tilde",),
                ha="left")
    # the update gate mixes h_{t-1} and the candidate
    sketch.wire([(x_z, gate_top), (x_z, _Y_CELL - R)], ("z",))
    sketch.text(x_z + 0.2, 8.6, r"$z_t$", ("z",), ha="left")
    sketch.dot(x_z, _Y_MIX, ("z",))
    one_minus = sketch.box(x_r, _Y_MIX, 1.1, 0.65, [(r"$1 -$", 12)], ("z",))
    sketch.wire([(x_z, _Y_MIX), (one_minus.left, _Y_MIX)], ("z",))
    sketch.wire([(one_minus.right, _Y_MIX), (x_hh - R, _Y_MIX)], ("z",))
    sketch.text((one_minus.right + x_hh - R) / 2, _Y_MIX + 0.2, r"$1 - z_t$", ("z",), va="bottom")
    sketch.op(x_hh, _Y_MIX, "mul", ("z", "h_tilde", "h"))
    sketch.wire([(x_hh, _Y_MIX + R), (x_hh, _Y_CELL - R)], ("h", "z", "h_tilde"))
    sketch.text(x_hh + 0.2, (_Y_MIX + _Y_CELL) / 2, r"$(1 - z_t) \odot \tilde h_t$",
                ("h", "z", "h_tilde"), ha="left")
    # the state path
    sketch.wire([(_X_DROP, _Y_CELL), (x_z - R, _Y_CELL)], ("h", "z"))
    sketch.op(x_z, _Y_CELL, "mul", ("z", "h"))
    sketch.wire([(x_z + R, _Y_CELL), (x_hh - R, _Y_CELL)], ("h", "z"))
    sketch.text((x_z + x_hh) / 2, _Y_CELL - 0.25, r"$z_t \odot h_{t-1}$", ("h", "z"), va="top")
    sketch.op(x_hh, _Y_CELL, "add", ("h",))
    sketch.text(x_hh + 0.5, _Y_CELL + 0.3,
                r"$h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t$", ("h",), size=12.5,
                ha="left", va="bottom")
    sketch.wire([(x_hh + R, _Y_CELL), (_WIDTH - 0.1, _Y_CELL)], ("h",))
    sketch.dot(_X_GRU_OUT, _Y_CELL, ("h",))
    sketch.wire([(_X_GRU_OUT, _Y_CELL), (_X_GRU_OUT, _Y_TOP - 0.2)], ("h",))
    sketch.text(_X_GRU_OUT - 0.25, 13.3, r"$h_t$", ("h",), size=13, ha="right")
    sketch.text(_X_GRU_OUT - 0.25, 12.85, r"$B \times H$", ("h",), size=9, ha="right",
                color="secondary")
    _io_label(sketch, 20.7, _Y_CELL + 0.3, r"$h_t$", r"$B \times H$", ("h",))
    if caption:
        parts = (highlight,) if highlight is not None else ("ink",)
        _caption(sketch, [(_gru_equations(reset_after)[highlight], parts)], _Y_CAPTION)
    return ax
