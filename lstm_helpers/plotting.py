"""One figure style for the whole book, and the plots more than one chapter draws.

Call :func:`use_book_style` once (``lstm_helpers.setup`` does it); every chapter then gets the
same sizes, fonts and colours, and the HTML book looks like one book.
"""

from __future__ import annotations

import matplotlib as mpl

#: Colours used for the same roles across chapters: data, model, highlight, second highlight, baseline.
COLORS = {"data": "#1f4e79", "model": "#c55a11", "highlight": "#2e8b57", "second": "#7b3fa0", "baseline": "#7f7f7f"}

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


def use_book_style() -> None:
    """Apply the book's matplotlib settings (sizes, grid, colour cycle) globally."""
    mpl.rcParams.update(BOOK_STYLE)


def draw_unrolled(ax, steps: int = 4, cell: str = "RNN", carries: tuple[str, ...] = ("h",)) -> None:
    """Draw a recurrent layer unrolled over ``steps`` steps: one box per step, the same weights in each.

    Inputs ``x_t`` enter from below, outputs ``h_t`` leave at the top, and each carried state
    (``"h"``, or ``"h"`` and ``"c"`` for an LSTM) is an arrow from one step's box to the next.

    Parameters
    ----------
    ax : matplotlib Axes
        Drawn on; its axis lines are switched off.
    steps : int, default 4
        Number of boxes, ``>= 1``.
    cell : str, default "RNN"
        Label inside each box.
    carries : tuple of str, default ("h",)
        Names of the states passed from step to step, drawn top to bottom in this order.

    Raises
    ------
    ValueError
        If ``steps < 1`` or ``carries`` is empty.
    """
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    from lstm_helpers._checks import check_int

    steps = check_int("steps", steps, minimum=1)
    if not carries:
        raise ValueError("carries must name at least one state, got ()")
    width, gap = 1.0, 0.9
    arrow = dict(arrowstyle="-|>", mutation_scale=12, lw=1.2)
    for k in range(steps):
        left = k * (width + gap)
        ax.add_patch(FancyBboxPatch((left, 0), width, 1, boxstyle="round,pad=0.05", fc="#dbe7f3", ec=COLORS["data"]))
        ax.text(left + width / 2, 0.5, f"{cell}\n(W, b)", ha="center", va="center", fontsize=9)
        ax.add_patch(FancyArrowPatch((left + width / 2, -0.55), (left + width / 2, -0.05), color=COLORS["baseline"], **arrow))
        ax.text(left + width / 2, -0.75, f"$x_{{{k + 1}}}$", ha="center", va="center")
        ax.add_patch(FancyArrowPatch((left + width / 2, 1.05), (left + width / 2, 1.55), color=COLORS["model"], **arrow))
        ax.text(left + width / 2, 1.75, f"$h_{{{k + 1}}}$", ha="center", va="center")
        for j, state in enumerate(carries):
            height = 0.75 - j * 0.5 / max(len(carries) - 1, 1) if len(carries) > 1 else 0.5
            start = left - gap + 0.05
            ax.add_patch(FancyArrowPatch((start, height), (left - 0.05, height), color=COLORS["highlight"], **arrow))
            ax.text(left - gap / 2, height + 0.1, f"${state}_{{{k}}}$", ha="center", va="bottom", fontsize=9)
    ax.set_xlim(-gap - 0.1, steps * (width + gap) - gap + 0.1)
    ax.set_ylim(-1.0, 2.0)
    ax.set_aspect("equal")
    ax.axis("off")
