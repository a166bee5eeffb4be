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
from pathlib import Path, PurePath

import numpy as np

DATA_ENV_VAR = "LSTM_BOOK_DATA"
MANIFEST_NAME = "README.md"
SENTIMENT_SOURCES = ("amazon_cells", "imdb", "yelp")

_CHECKSUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S+)$")
# A line that looks like a checksum line (a long hex digest, then one path) but is not one exactly.
_LOOSE_CHECKSUM_LINE = re.compile(r"^[0-9A-Fa-f]{32,}\s+\*?\S+$")


def _check_path(name: str, value: object) -> Path:
    """Return ``value`` as a ``Path`` if it is a non-empty str or path object, else raise ``TypeError``.

    An int would be taken by ``open`` as a file descriptor, and ``""`` as the current folder.
    """
    if isinstance(value, bool) or not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or pathlib.Path, got {value!r:.60} ({type(value).__name__})")
    if isinstance(value, str) and not value.strip():
        raise ValueError(f"{name} must be a path, got the empty string {value!r}")
    return Path(value)


def _data_folder(folder: object) -> Path:
    """The data folder: :func:`data_dir` for ``None``, else ``folder`` after checking that it exists."""
    if folder is None:
        return data_dir()
    path = _check_path("folder", folder)
    if not path.is_dir():
        what = "is a file, not a folder" if path.exists() else "does not exist"
        raise FileNotFoundError(f"folder must be an existing data folder, got {path}, which {what}")
    if not (path / MANIFEST_NAME).is_file():
        raise FileNotFoundError(
            f"folder {path} has no {MANIFEST_NAME} manifest; pass a copy of the book's data/ folder"
        )
    return path


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

    The arrays are copied on construction, so the series does not change with the caller's arrays.

    Raises
    ------
    TypeError
        If ``time`` is not datetime64, ``values`` is not numeric (strings, booleans, complex),
        or ``name`` / ``unit`` is not a str.
    ValueError
        If ``time`` or ``values`` is not 1-D, they differ in length, ``time`` is not increasing
        (or holds NaT), or ``values`` holds an infinity.
    """

    time: np.ndarray
    values: np.ndarray
    name: str
    unit: str

    def __post_init__(self) -> None:
        time = np.array(self.time)
        if not np.issubdtype(time.dtype, np.datetime64):
            raise TypeError(f"time must be an array of numpy datetime64 dates, got dtype {time.dtype}")
        values = np.array(self.values)
        real = np.issubdtype(values.dtype, np.integer) or np.issubdtype(values.dtype, np.floating)
        if values.dtype == bool or not real:
            raise TypeError(f"values must hold real numbers (nan where missing), got dtype {values.dtype}")
        values = values.astype(np.float64, copy=False)
        if time.ndim != 1 or values.shape != time.shape:
            raise ValueError(f"time and values must both have shape (steps,), got {time.shape} and {values.shape}")
        if np.isnat(time).any() or (time.size > 1 and not (np.diff(time) > np.timedelta64(0)).all()):
            raise ValueError("time must be strictly increasing dates without NaT")
        if np.isinf(values).any():
            raise ValueError(f"values must be finite or nan, got {int(np.isinf(values).sum())} infinite")
        for label in ("name", "unit"):
            if not isinstance(getattr(self, label), str):
                raise TypeError(f"{label} must be a str, got {type(getattr(self, label)).__name__}")
        object.__setattr__(self, "time", time)
        object.__setattr__(self, "values", values)

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
    folder : str or Path, optional
        Data folder; default :func:`data_dir`.

    Returns
    -------
    checksums : dict of str to str
        Relative file path (``"tinyshakespeare/input.txt"``) to its hex SHA-256.

    Raises
    ------
    ValueError
        If the manifest lists no checksum lines, has a malformed one (a digest that is not 64
        lower-case hex digits, or one space instead of two), or lists a file twice.
    FileNotFoundError
        If ``folder`` does not exist or has no manifest.
    TypeError
        If ``folder`` is not a str or path.
    """
    folder = _data_folder(folder)
    manifest = folder / MANIFEST_NAME
    checksums: dict[str, str] = {}
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        match = _CHECKSUM_LINE.match(line.strip())
        if match is None and _LOOSE_CHECKSUM_LINE.match(line.strip()):
            raise ValueError(
                f"{manifest}:{number} must read '<64 lower-case hex digits>  <path>', got {line.strip()!r}"
            )
        if match:
            if match.group(2) in checksums:
                raise ValueError(f"{manifest}:{number} lists {match.group(2)} a second time")
            checksums[match.group(2)] = match.group(1)
    if not checksums:
        raise ValueError(f"{manifest} must contain lines '<sha256>  <path>', found none")
    return checksums


def sha256_of(path: str | Path) -> str:
    """Return the hex SHA-256 of the file at ``path``.

    Raises
    ------
    TypeError
        If ``path`` is not a str or path (an int would be read as an open file descriptor).
    FileNotFoundError
        If ``path`` names no file.
    """
    path = _check_path("path", path)
    if not path.is_file():
        what = "is a folder" if path.is_dir() else "does not exist"
        raise FileNotFoundError(f"path must name an existing file, got {path}, which {what}")
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def dataset_path(name: str, folder: Path | None = None) -> Path:
    """Return the path of a bundled file after checking its SHA-256.

    Parameters
    ----------
    name : str or PurePath
        Path relative to the data folder, as listed in the manifest,
        e.g. ``"glove/glove.6B.50d.20k.txt"``.
    folder : str or Path, optional
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
        If the file is listed but missing, or ``folder`` does not exist.
    TypeError
        If ``name`` or ``folder`` is not a str or path.

    Examples
    --------
    >>> dataset_path("tinyshakespeare/input.txt").name
    'input.txt'
    """
    if isinstance(name, PurePath):
        name = name.as_posix()
    if not isinstance(name, str):
        raise TypeError(
            f"name must be a str such as 'tinyshakespeare/input.txt', got {name!r:.60} ({type(name).__name__})"
        )
    folder = _data_folder(folder)
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
    folder : str or Path, optional
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
    folder : str or Path, optional
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
    folder : str or Path, optional
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
    if not isinstance(source, str) or source not in choices:
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
    folder : str or Path, optional
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
    folder : str or Path, optional
        Data folder for the bundled subset; default :func:`data_dir`.

    Returns
    -------
    path : Path

    Raises
    ------
    FileNotFoundError
        If ``$GLOVE_PATH`` is set but names no file, or ``folder`` does not exist.
    TypeError
        If ``folder`` is not a str or path.
    """
    if folder is not None:
        folder = _data_folder(folder)  # checked even when $GLOVE_PATH makes it unused
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


TANG_POEMS = "tang_poems/tang_5char.txt"
# A Han character (CJK ideographs, any extension; the same ranges as lstm_helpers.poetry.is_han),
# a line of five of them and its mark, and a poem of 2 or 4 couplets (4 or 8 lines).
_HAN = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003ffff]"
_COUPLET = f"{_HAN}{{5}}，{_HAN}{{5}}。"
_TANG_POEM = re.compile(f"(?:{_COUPLET}){{2}}(?:(?:{_COUPLET}){{2}})?")


def load_tang_poems(folder: Path | None = None) -> list[str]:
    """Load the five-character Tang poems (五言绝句 and 五言律诗), one str per poem.

    18,180 poems from the Complete Tang Poems (全唐诗) in simplified characters, in the source's
    order: 3,885 quatrains of 4 lines (24 characters) and 14,295 poems of 8 lines (48 characters),
    779,400 characters in all (newlines not counted), 5,707 distinct: 5,705 Han characters and the
    two marks ``，`` and ``。``. Every line is five Han characters and a mark, the marks alternating
    ``，。，。…`` (checked here for every poem).

    Parameters
    ----------
    folder : str or Path, optional
        Data folder; default :func:`data_dir`.

    Returns
    -------
    poems : list of str, length 18,180
        Without the newline that ends each line of the file.

    Raises
    ------
    ValueError
        If the file's checksum differs from the manifest, or a line is not a poem of that form
        (naming the line).

    Examples
    --------
    >>> poems = load_tang_poems()
    >>> len(poems), len(poems[0])
    (18180, 48)
    """
    path = dataset_path(TANG_POEMS, folder)
    # split on "\n" only, as the file was written; str.splitlines() would also break at U+2028
    poems = path.read_text(encoding="utf-8").removesuffix("\n").split("\n")
    for number, poem in enumerate(poems, start=1):
        if not _TANG_POEM.fullmatch(poem):
            raise ValueError(f"{path}:{number} must be a poem of 4 or 8 lines of five Han characters, "
                             f"each ending with ，or 。 in turn; got {poem!r:.60}")
    return poems
