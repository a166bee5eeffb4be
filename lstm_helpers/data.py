"""Loaders for the datasets bundled in ``data/``.

Every loader first checks the file's SHA-256 against the checksum block of ``data/README.md``
(the one manifest of the bundled data), so a chapter never silently runs on a truncated or edited
copy. The loaders return plain numpy arrays and Python strings; no pandas is needed.

The data folder is ``data/`` next to this package in a clone of the book. Set the environment
variable ``LSTM_BOOK_DATA`` to use another folder with the same layout.
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

DATA_ENV_VAR = "LSTM_BOOK_DATA"
MANIFEST_NAME = "README.md"
SENTIMENT_SOURCES = ("amazon_cells", "imdb", "yelp")

_CHECKSUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S+)$")


@dataclass(frozen=True)
class TimeSeries:
    """A univariate series sampled at known times.

    Attributes
    ----------
    time : ndarray of datetime64[D], shape (steps,)
        Date of each observation, increasing.
    values : ndarray of float64, shape (steps,)
        Observed values; ``nan`` where the source has no observation.
    name : str
        What is measured, for plot labels.
    unit : str
        Unit of ``values``, for axis labels.
    """

    time: np.ndarray
    values: np.ndarray
    name: str
    unit: str

    @property
    def n_missing(self) -> int:
        """Number of steps whose value is missing (``nan``)."""
        return int(np.isnan(self.values).sum())


def data_dir() -> Path:
    """Return the folder holding the bundled data.

    Returns
    -------
    path : Path
        ``$LSTM_BOOK_DATA`` if that variable is set, else ``data/`` beside the package.

    Raises
    ------
    FileNotFoundError
        If the folder or its ``README.md`` manifest does not exist.
    """
    override = os.environ.get(DATA_ENV_VAR)
    folder = Path(override) if override else Path(__file__).resolve().parent.parent / "data"
    if not (folder / MANIFEST_NAME).is_file():
        origin = f"${DATA_ENV_VAR}" if override else "the book's data/ folder"
        raise FileNotFoundError(
            f"data folder {folder} ({origin}) has no {MANIFEST_NAME} manifest; "
            "run the chapters from a full clone of the book, or point "
            f"{DATA_ENV_VAR} at a copy of its data/ folder"
        )
    return folder


def read_manifest(folder: Path | None = None) -> dict[str, str]:
    """Read the expected SHA-256 of every bundled file from ``data/README.md``.

    Parameters
    ----------
    folder : Path, optional
        Data folder; default :func:`data_dir`.

    Returns
    -------
    checksums : dict of str to str
        Relative file path (``"tinyshakespeare/input.txt"``) to its hex SHA-256.

    Raises
    ------
    ValueError
        If the manifest lists no checksum lines.
    """
    folder = data_dir() if folder is None else Path(folder)
    manifest = folder / MANIFEST_NAME
    checksums = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        match = _CHECKSUM_LINE.match(line.strip())
        if match:
            checksums[match.group(2)] = match.group(1)
    if not checksums:
        raise ValueError(f"{manifest} must contain lines '<sha256>  <path>', found none")
    return checksums


def sha256_of(path: Path) -> str:
    """Return the hex SHA-256 of the file at ``path``."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dataset_path(name: str, folder: Path | None = None) -> Path:
    """Return the path of a bundled file after checking its SHA-256.

    Parameters
    ----------
    name : str
        Path relative to the data folder, as listed in the manifest,
        e.g. ``"glove/glove.6B.50d.20k.txt"``.
    folder : Path, optional
        Data folder; default :func:`data_dir`.

    Returns
    -------
    path : Path
        Absolute path of the verified file.

    Raises
    ------
    ValueError
        If ``name`` is not in the manifest, or the file's checksum differs from it.
    FileNotFoundError
        If the file is listed but missing.

    Examples
    --------
    >>> dataset_path("tinyshakespeare/input.txt").name
    'input.txt'
    """
    folder = data_dir() if folder is None else Path(folder)
    checksums = read_manifest(folder)
    if name not in checksums:
        raise ValueError(f"name must be one of the bundled files {sorted(checksums)}, got {name!r}")
    path = folder / name
    if not path.is_file():
        raise FileNotFoundError(f"bundled file {path} is missing; restore it with `git checkout -- data/{name}`")
    actual = sha256_of(path)
    if actual != checksums[name]:
        raise ValueError(
            f"bundled file {path} has sha256 {actual}, expected {checksums[name]} "
            f"(from {folder / MANIFEST_NAME}); the file was edited or truncated, "
            f"restore it with `git checkout -- data/{name}`"
        )
    return path


def load_co2(folder: Path | None = None) -> TimeSeries:
    """Load the weekly Mauna Loa CO₂ series, keeping its gaps as ``nan``.

    Parameters
    ----------
    folder : Path, optional
        Data folder; default :func:`data_dir`.

    Returns
    -------
    series : TimeSeries
        2,284 weekly values (ppm) from 1958-03-29 to 2001-12-29; 59 are ``nan``.

    Examples
    --------
    >>> load_co2().values.shape
    (2284,)
    """
    path = dataset_path("co2_maunaloa_weekly/co2.csv", folder)
    with open(path, newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    header, body = rows[0], rows[1:]
    if header != ["date", "co2"]:
        raise ValueError(f"{path} must start with the header date,co2, got {','.join(header)}")
    time = np.array([f"{d[:4]}-{d[4:6]}-{d[6:8]}" for d, _ in body], dtype="datetime64[D]")
    values = np.array([float(v) if v else np.nan for _, v in body], dtype=np.float64)
    return TimeSeries(time=time, values=values, name="CO₂ concentration", unit="ppm")


def load_shakespeare(folder: Path | None = None) -> str:
    """Load Tiny Shakespeare as one string (1,115,394 characters, 65 distinct).

    Parameters
    ----------
    folder : Path, optional
        Data folder; default :func:`data_dir`.

    Returns
    -------
    text : str
        The whole file, newlines included.
    """
    return dataset_path("tinyshakespeare/input.txt", folder).read_text(encoding="utf-8")


def load_sentiment(source: str = "all", folder: Path | None = None) -> tuple[list[str], np.ndarray]:
    """Load the labelled review sentences (Kotzias et al. 2015).

    Each line is split on its **last** tab, so quotes inside a sentence are kept as text.

    Parameters
    ----------
    source : {"all", "amazon_cells", "imdb", "yelp"}
        Which file; ``"all"`` concatenates the three in that order (3,000 sentences).
    folder : Path, optional
        Data folder; default :func:`data_dir`.

    Returns
    -------
    sentences : list of str, length (n_sentences,)
        Sentence text with surrounding whitespace removed.
    labels : ndarray of int64, shape (n_sentences,)
        1 for positive, 0 for negative.

    Raises
    ------
    ValueError
        If ``source`` is not one of the choices, or a line has no valid label.
    """
    choices = ("all", *SENTIMENT_SOURCES)
    if source not in choices:
        raise ValueError(f"source must be one of {choices}, got {source!r}")
    names = SENTIMENT_SOURCES if source == "all" else (source,)
    sentences: list[str] = []
    labels: list[int] = []
    for name in names:
        path = dataset_path(f"sentiment_labelled_sentences/{name}_labelled.txt", folder)
        # split on "\n" only: str.splitlines() would also break at U+0085 and U+2028 inside sentences
        lines = path.read_text(encoding="utf-8").removesuffix("\n").split("\n")
        for number, line in enumerate(lines, start=1):
            text, _, label = line.rpartition("\t")
            if label not in ("0", "1"):
                raise ValueError(f"{path}:{number} must end with a tab and a label 0 or 1, got {line!r}")
            sentences.append(text.strip())
            labels.append(int(label))
    return sentences, np.array(labels, dtype=np.int64)


def load_macrodata(folder: Path | None = None) -> dict[str, np.ndarray]:
    """Load the US quarterly macroeconomic table (1959Q1–2009Q3, 203 quarters).

    Parameters
    ----------
    folder : Path, optional
        Data folder; default :func:`data_dir`.

    Returns
    -------
    columns : dict of str to ndarray of float64, each shape (203,)
        The 14 columns by name: ``year``, ``quarter``, ``realgdp``, ``realcons``, ``realinv``,
        ``realgovt``, ``realdpi``, ``cpi``, ``m1``, ``tbilrate``, ``unemp``, ``pop``, ``infl``,
        ``realint``.
    """
    path = dataset_path("us_macrodata/macrodata.csv", folder)
    with open(path, newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    header, body = rows[0], np.array(rows[1:], dtype=np.float64)
    return {name: body[:, j].copy() for j, name in enumerate(header)}


GLOVE_ENV_VAR = "GLOVE_PATH"
GLOVE_SUBSET = "glove/glove.6B.50d.20k.txt"


def glove_path(folder: Path | None = None) -> Path:
    """Path of the GloVe file a chapter should read.

    ``$GLOVE_PATH`` if set (a reader's full ``glove.6B.*d.txt``), else the bundled 20,000-word
    50-d subset after checking its SHA-256. Read it with :func:`lstm_helpers.embeddings.load_glove`.

    Parameters
    ----------
    folder : Path, optional
        Data folder for the bundled subset; default :func:`data_dir`.

    Returns
    -------
    path : Path

    Raises
    ------
    FileNotFoundError
        If ``$GLOVE_PATH`` is set but names no file.
    """
    override = os.environ.get(GLOVE_ENV_VAR)
    if override:
        path = Path(override)
        if not path.is_file():
            raise FileNotFoundError(
                f"${GLOVE_ENV_VAR} must name a GloVe text file, got {path}, which does not exist; "
                f"unset it to use the bundled subset {GLOVE_SUBSET}"
            )
        return path
    return dataset_path(GLOVE_SUBSET, folder)
