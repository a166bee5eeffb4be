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
