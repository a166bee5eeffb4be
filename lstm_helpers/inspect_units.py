"""What a trained LSTM's units track: correlations with properties of the text, gate saturation.

Following Karpathy, Johnson & Fei-Fei (2015), "Visualizing and Understanding Recurrent Networks":

- a unit ``j`` tracks a property ``y`` of the text (the position in a line, being inside brackets)
  to the degree that its activation ``h_t[j]`` (or cell state ``c_t[j]``) over the ``N`` characters
  of a text correlates with ``y_t``; Pearson's correlation

      r_j = Σ_t (h_t[j] − mean_j)(y_t − mean_y) / sqrt(Σ_t (h_t[j] − mean_j)² · Σ_t (y_t − mean_y)²);

- a gate is saturated when its value is near 0 (closed) or near 1 (open): the fractions of gate
  values below 0.1 and above 0.9 say how much the network uses its gates as switches;
- a unit is shown by colouring each character of a text by the unit's value at that character.

Property extractors turn a text into one number per character (``position_in_segment``,
``inside_brackets``), aligned with the activations of a model that reads the text character by
character.
"""

from __future__ import annotations

import html

import matplotlib
import numpy as np

from lstm_helpers._checks import check_float_array, check_real

_HTML_STYLE = "font-family: monospace; white-space: pre-wrap; line-height: 1.6"


def _check_text(name: str, text: object) -> str:
    if not isinstance(text, str):
        raise TypeError(f"{name} must be a str, got {type(text).__name__}")
    return text


def _check_property(values: object, n_rows: int) -> np.ndarray:
    """``property`` as float64, shape (N,): numbers or booleans, finite, not constant."""
    if isinstance(values, (str, bytes)):
        raise TypeError(f"property must be an array of numbers, got a {type(values).__name__}: {values!r:.40}")
    array = np.asarray(values)
    if array.dtype == bool:  # an indicator (inside brackets or not) is a fine property
        array = array.astype(np.float64)
    array = check_float_array("property", array).astype(np.float64)
    if array.shape != (n_rows,):
        raise ValueError(f"property must have shape (N,) = ({n_rows},), one value per row of activations, "
                         f"got {array.shape}")
    if array.max() == array.min():
        raise ValueError(f"property must vary over the N = {n_rows} characters to correlate with it, "
                         f"got the constant {array[0]!r}")
    return array


def _centred_unit_scale(values: np.ndarray) -> np.ndarray:
    """Columns of ``values`` (float64) minus their mean, each scaled to a largest magnitude of 1 (0 stays 0).

    A correlation does not change when a column is scaled, so each is scaled to ``[-1, 1]`` before
    the mean (which could overflow near 1e308) and again after centring, before squaring (so the
    sums of squares stay finite and nonzero for any finite values).
    """
    def unit_scaled(columns: np.ndarray) -> np.ndarray:
        scale = np.abs(columns).max(axis=0)
        return columns / np.where(scale > 0, scale, 1.0)

    scaled = unit_scaled(values)
    return unit_scaled(scaled - scaled.mean(axis=0))


def unit_correlations(activations: np.ndarray, property: np.ndarray) -> np.ndarray:
    """Pearson correlation of every unit's activation with a property of the text.

    Parameters
    ----------
    activations : array_like of float, shape (N, H)
        One row per character (e.g. ``h_t`` or ``c_t`` of one stream, or several streams stacked:
        ``states.reshape(-1, units)``), ``N >= 2``, finite.
    property : array_like of float or bool, shape (N,)
        The property at each character, e.g. :func:`position_in_segment`; must not be constant.

    Returns
    -------
    r : ndarray of float64, shape (H,)
        Correlations in ``[-1, 1]``. A unit that is constant over the text (exactly, e.g. a dead
        unit) tracks nothing: its correlation is 0, never nan.

    Raises
    ------
    ValueError
        If ``activations`` is not 2-D with ``N >= 2`` and ``H >= 1`` or not finite; if
        ``property`` does not have shape (N,), is not finite, or is constant (every correlation
        would be undefined).
    TypeError
        If either holds non-numbers (strings, complex) or is a str.

    Examples
    --------
    >>> h = np.array([[0.1, 5.0, 0.3], [0.2, 5.0, 0.2], [0.3, 5.0, 0.1]])  # N = 3, H = 3
    >>> unit_correlations(h, [0, 1, 2]).round(6).tolist()
    [1.0, 0.0, -1.0]
    """
    activations = check_float_array("activations", activations)
    if activations.ndim != 2 or activations.shape[0] < 2 or activations.shape[1] < 1:
        raise ValueError(f"activations must have shape (N, H) with N >= 2 characters and H >= 1 units, "
                         f"got {activations.shape}; stack streams with states.reshape(-1, units)")
    n_rows = activations.shape[0]  # N
    property_values = _check_property(property, n_rows)
    x = _centred_unit_scale(activations.astype(np.float64))  # N, H
    y = _centred_unit_scale(property_values[:, None])[:, 0]  # N
    x_norm = np.sqrt((x**2).sum(axis=0))  # H; 0 only for a constant unit
    y_norm = np.sqrt((y**2).sum())
    r = (x.T @ y) / (np.where(x_norm > 0, x_norm, 1.0) * y_norm)
    constant = activations.max(axis=0) == activations.min(axis=0)
    return np.where(constant, 0.0, np.clip(r, -1.0, 1.0))


def gate_saturation(gate_values: np.ndarray, low: float = 0.1, high: float = 0.9) -> tuple[float, float]:
    """Fractions of gate values that are near 0 (``< low``) and near 1 (``> high``).

    Karpathy et al. (2015) call a gate left-saturated below 0.1 and right-saturated above 0.9.

    Parameters
    ----------
    gate_values : array_like of float, any shape with at least one value
        Gate activations (sigmoid outputs, e.g. ``i``, ``f`` or ``o`` over a text), in ``[0, 1]``.
    low, high : float, default 0.1 and 0.9
        Thresholds with ``0 <= low < high <= 1``.

    Returns
    -------
    fraction_low : float
        Share of values ``< low`` (gate nearly closed).
    fraction_high : float
        Share of values ``> high`` (gate nearly open).

    Raises
    ------
    ValueError
        If ``gate_values`` is empty, not finite or outside ``[0, 1]`` (not a gate), or the
        thresholds are not ordered inside ``[0, 1]``.
    TypeError
        If ``gate_values`` holds non-numbers or a threshold is not a real number.

    Examples
    --------
    >>> gate_saturation([0.01, 0.5, 0.95, 0.99])
    (0.25, 0.5)
    """
    values = check_float_array("gate_values", gate_values)
    low = check_real("low", low, minimum=0.0, maximum=1.0)
    high = check_real("high", high, minimum=0.0, maximum=1.0)
    if not low < high:
        raise ValueError(f"low must be below high, got low={low} and high={high}")
    if values.size == 0:
        raise ValueError(f"gate_values must hold at least one value, got shape {values.shape}")
    if values.min() < 0 or values.max() > 1:
        raise ValueError(f"gate_values must be gate activations in [0, 1], got values in "
                         f"[{values.min()}, {values.max()}]")
    return float((values < low).mean()), float((values > high).mean())


def position_in_segment(text: str, ends: str = "\n") -> np.ndarray:
    """For each character, its position in its segment: a segment ends with (and includes) a mark of ``ends``.

    With ``ends="\\n"`` this is the position in the line (the newline itself gets the line's
    length): a unit that counts characters since the last newline correlates with it.

    Parameters
    ----------
    text : str
    ends : str, default "\\n"
        The characters that end a segment, each one character (e.g. ``"，。\\n"``); non-empty.

    Returns
    -------
    positions : ndarray of int64, shape (len(text),)
        0 for the first character of the text and after every mark.

    Raises
    ------
    TypeError
        If ``text`` or ``ends`` is not a str.
    ValueError
        If ``ends`` is empty.

    Examples
    --------
    >>> position_in_segment("ab\\ncd\\n").tolist()
    [0, 1, 2, 0, 1, 2]
    """
    text = _check_text("text", text)
    ends = _check_text("ends", ends)
    if not ends:
        raise ValueError("ends must hold at least one character that ends a segment, got ''")
    positions = np.empty(len(text), dtype=np.int64)
    position = 0
    for t, character in enumerate(text):
        positions[t] = position
        position = 0 if character in ends else position + 1
    return positions


def inside_brackets(text: str, open_close: tuple[str, str] = ("[", "]")) -> np.ndarray:
    """For each character, 1 if the text read so far has an open bracket, else 0.

    The value is the state after reading the character, what a left-to-right reader can know:
    the opening mark is inside (1), the closing mark outside (0). Brackets nest (a depth is
    counted); a closing mark with nothing open is ignored. When the two marks are the same
    character (quotes, ``('"', '"')``), each occurrence toggles the state.

    Parameters
    ----------
    text : str
    open_close : tuple of two str, default ("[", "]")
        The opening and closing marks, one character each.

    Returns
    -------
    inside : ndarray of int64, shape (len(text),)
        0 or 1.

    Raises
    ------
    TypeError
        If ``text`` is not a str or ``open_close`` is not a pair of str.
    ValueError
        If a mark is not exactly one character.

    Examples
    --------
    >>> inside_brackets("a[b]c").tolist()
    [0, 1, 1, 0, 0]
    >>> inside_brackets('say "hi" now', ('"', '"')).tolist()
    [0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0]
    """
    text = _check_text("text", text)
    if not isinstance(open_close, (tuple, list)) or len(open_close) != 2 or not all(
            isinstance(mark, str) for mark in open_close):
        raise TypeError(f"open_close must be a pair of str (opening, closing), got {open_close!r:.60}")
    opening, closing = open_close
    if len(opening) != 1 or len(closing) != 1:
        raise ValueError(f"open_close must hold two single characters, got {open_close!r}")
    inside = np.empty(len(text), dtype=np.int64)
    depth = 0
    for t, character in enumerate(text):
        if opening == closing and character == opening:
            depth = 1 - depth
        elif character == opening:
            depth += 1
        elif character == closing and depth > 0:
            depth -= 1
        inside[t] = 1 if depth > 0 else 0
    return inside


def colour_text_html(text: str, values: np.ndarray, cmap: str = "RdBu") -> str:
    """HTML that shows ``text`` with each character's background coloured by its value (Karpathy's display).

    One ``<span>`` per character, its background ``cmap((value + 1) / 2)`` (with ``"RdBu"``, −1 is
    red, 0 white, +1 blue) and its value in the ``title`` (shown on hover). Characters are
    HTML-escaped; a newline is drawn as ``↵`` in its span, followed by a line break. Show it in a
    notebook with ``IPython.display.HTML``.

    Parameters
    ----------
    text : str
        Non-empty.
    values : array_like of float, shape (len(text),)
        One value per character in ``[-1, 1]`` (a tanh activation, a correlation; rescale other
        quantities first, e.g. ``values / np.abs(values).max()``).
    cmap : str, default "RdBu"
        Name of a matplotlib colormap.

    Returns
    -------
    html : str
        A ``<div>`` holding ``len(text)`` spans.

    Raises
    ------
    ValueError
        If ``values`` does not have one value per character, is not finite or leaves ``[-1, 1]``;
        if ``text`` is empty or ``cmap`` is not a matplotlib colormap.
    TypeError
        If ``text`` or ``cmap`` is not a str, or ``values`` holds non-numbers.

    Examples
    --------
    >>> page = colour_text_html("a<b", [-1.0, 0.0, 1.0])
    >>> page.count("<span"), "&lt;" in page
    (3, True)
    """
    text = _check_text("text", text)
    if not text:
        raise ValueError("text must hold at least one character, got ''")
    values = check_float_array("values", values).astype(np.float64)
    if values.shape != (len(text),):
        raise ValueError(f"values must have shape (len(text),) = ({len(text)},), one per character, got {values.shape}")
    if values.min() < -1 or values.max() > 1:
        raise ValueError(f"values must lie in [-1, 1], got values in [{values.min()}, {values.max()}]; "
                         f"rescale them, e.g. values / np.abs(values).max()")
    if not isinstance(cmap, str):
        raise TypeError(f"cmap must be the name of a matplotlib colormap, got {type(cmap).__name__}")
    if cmap not in matplotlib.colormaps:
        raise ValueError(f"cmap must be the name of a matplotlib colormap such as 'RdBu', got {cmap!r}")
    colours = matplotlib.colormaps[cmap]((values + 1) / 2)  # N, 4 (RGBA in [0, 1])
    spans = []
    for character, value, (red, green, blue, _) in zip(text, values, colours):
        luminance = 0.299 * red + 0.587 * green + 0.114 * blue
        ink = "#000" if luminance > 0.5 else "#fff"
        shown = "↵" if character == "\n" else html.escape(character)
        spans.append(f'<span style="background-color: rgb({round(255 * red)}, {round(255 * green)}, '
                     f'{round(255 * blue)}); color: {ink}" title="{value:.3f}">{shown}</span>'
                     + ("\n" if character == "\n" else ""))
    return f'<div style="{_HTML_STYLE}">' + "".join(spans) + "</div>"
