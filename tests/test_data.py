"""Tests of lstm_helpers.data: checksums, loaders and every error path."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from lstm_helpers import data

REPO = Path(__file__).resolve().parent.parent


def test_data_dir_is_the_repository_data_folder():
    assert data.data_dir() == REPO / "data"


def test_data_dir_follows_environment_variable(monkeypatch, fake_data_dir):
    folder = fake_data_dir({"a.txt": b"hello"})
    monkeypatch.setenv(data.DATA_ENV_VAR, str(folder))
    assert data.data_dir() == folder


def test_data_dir_without_manifest_raises(monkeypatch, tmp_path):
    monkeypatch.setenv(data.DATA_ENV_VAR, str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"has no README\.md manifest.*LSTM_BOOK_DATA"):
        data.data_dir()


def test_manifest_lists_every_bundled_file_and_nothing_else():
    on_disk = {
        p.relative_to(REPO / "data").as_posix() for p in (REPO / "data").rglob("*") if p.is_file() and p.name != "README.md"
    }
    assert set(data.read_manifest()) == on_disk


def test_every_bundled_file_matches_its_checksum():
    for name, expected in data.read_manifest().items():
        digest = hashlib.sha256((REPO / "data" / name).read_bytes()).hexdigest()  # independent of sha256_of
        assert digest == expected, name


def test_manifest_without_checksum_lines_raises(tmp_path):
    (tmp_path / "README.md").write_text("no checksums here\n")
    with pytest.raises(ValueError, match=r"must contain lines '<sha256>  <path>', found none"):
        data.read_manifest(tmp_path)


def test_dataset_path_unknown_name_raises():
    with pytest.raises(ValueError, match=r"name must be one of the bundled files .*got 'nope\.txt'"):
        data.dataset_path("nope.txt")


def test_dataset_path_missing_file_raises(fake_data_dir):
    folder = fake_data_dir({"a.txt": b"hello"})
    (folder / "a.txt").unlink()
    with pytest.raises(FileNotFoundError, match=r"a\.txt is missing; restore it"):
        data.dataset_path("a.txt", folder)


def test_dataset_path_changed_file_raises(fake_data_dir):
    folder = fake_data_dir({"a.txt": b"hello"})
    (folder / "a.txt").write_bytes(b"hellO")
    with pytest.raises(ValueError, match=r"a\.txt has sha256 [0-9a-f]{64}, expected [0-9a-f]{64}"):
        data.dataset_path("a.txt", folder)


def test_loader_refuses_truncated_copy(copied_data_dir):
    path = copied_data_dir / "co2_maunaloa_weekly/co2.csv"
    path.write_bytes(path.read_bytes()[:-100])
    with pytest.raises(ValueError, match=r"co2\.csv has sha256 .* edited or truncated"):
        data.load_co2(copied_data_dir)


def test_load_co2_shape_dates_and_gaps():
    series = data.load_co2()
    raw = (REPO / "data/co2_maunaloa_weekly/co2.csv").read_text().splitlines()[1:]
    assert series.values.shape == series.time.shape == (len(raw),) == (2284,)
    assert series.time[0] == np.datetime64("1958-03-29") and series.time[-1] == np.datetime64("2001-12-29")
    assert np.all(np.diff(series.time) == np.timedelta64(7, "D"))
    assert series.n_missing == sum(line.endswith(",") for line in raw) == 59
    assert series.values[0] == pytest.approx(316.1)
    assert series.unit == "ppm"


def test_load_co2_rejects_wrong_header(fake_data_dir):
    folder = fake_data_dir({"co2_maunaloa_weekly/co2.csv": b"day,ppm\n19580329,316.1\n"})
    with pytest.raises(ValueError, match=r"must start with the header date,co2, got day,ppm"):
        data.load_co2(folder)


def test_load_shakespeare_text():
    text = data.load_shakespeare()
    assert len(text) == 1_115_394
    assert text.startswith("First Citizen:")
    assert len(set(text)) == 65


@pytest.mark.parametrize("source", data.SENTIMENT_SOURCES)
def test_load_sentiment_one_source_is_balanced(source):
    sentences, labels = data.load_sentiment(source)
    assert len(sentences) == labels.shape[0] == 1000
    assert labels.sum() == 500 and set(labels.tolist()) == {0, 1}
    assert all(s and s == s.strip() for s in sentences)


def test_load_sentiment_all_concatenates_sources_and_keeps_unicode_line_breaks():
    sentences, labels = data.load_sentiment("all")
    assert len(sentences) == 3000 and labels.sum() == 1500
    # This imdb sentence holds U+0085; splitlines() would have cut it in two.
    assert "The script is\x85was there a script?" in sentences


def test_load_sentiment_unknown_source_raises():
    with pytest.raises(ValueError, match=r"source must be one of .*got 'twitter'"):
        data.load_sentiment("twitter")


def test_load_sentiment_line_without_label_raises(fake_data_dir):
    folder = fake_data_dir({"sentiment_labelled_sentences/yelp_labelled.txt": b"great food\t1\nno label here\n"})
    with pytest.raises(ValueError, match=r"yelp_labelled\.txt:2 must end with a tab and a label 0 or 1"):
        data.load_sentiment("yelp", folder)


def test_load_macrodata_columns():
    table = data.load_macrodata()
    header = (REPO / "data/us_macrodata/macrodata.csv").read_text().splitlines()[0]
    assert list(table) == re.findall(r'"(\w+)"', header)
    assert all(column.shape == (203,) for column in table.values())
    assert table["year"][0] == 1959 and table["year"][-1] == 2009 and table["quarter"][-1] == 3


def test_glove_path_defaults_to_the_checked_subset(monkeypatch):
    monkeypatch.delenv(data.GLOVE_ENV_VAR, raising=False)
    assert data.glove_path() == REPO / "data" / data.GLOVE_SUBSET


def test_glove_path_follows_environment_variable(monkeypatch, tmp_path):
    full = tmp_path / "glove.6B.100d.txt"
    full.write_text("the 0.1 0.2\n")
    monkeypatch.setenv(data.GLOVE_ENV_VAR, str(full))
    assert data.glove_path() == full


def test_glove_path_to_missing_file_raises(monkeypatch, tmp_path):
    monkeypatch.setenv(data.GLOVE_ENV_VAR, str(tmp_path / "nope.txt"))
    with pytest.raises(FileNotFoundError, match=r"\$GLOVE_PATH must name a GloVe text file, got .*nope\.txt"):
        data.glove_path()


# ---------------------------------------------------------------- issue 14: no silent wrong answer


def test_loaders_accept_the_folder_as_str_or_path():
    folder = data.data_dir()
    assert data.read_manifest(str(folder)) == data.read_manifest(folder)
    np.testing.assert_array_equal(data.load_macrodata(str(folder))["year"], data.load_macrodata(folder)["year"])


@pytest.mark.parametrize(
    "loader",
    [data.read_manifest, data.load_co2, data.load_shakespeare, data.load_macrodata, data.glove_path, data.load_tang_poems,
     lambda folder: data.load_sentiment("imdb", folder),
     lambda folder: data.dataset_path("us_macrodata/macrodata.csv", folder)],
)
def test_every_loader_names_a_missing_folder(loader, tmp_path, monkeypatch):
    monkeypatch.setenv(data.GLOVE_ENV_VAR, str(tmp_path))  # glove_path must check folder even when it is unused
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(FileNotFoundError, match=r"^folder must be an existing data folder, got .*no-such, which does not"):
        loader(tmp_path / "no-such")
    with pytest.raises(FileNotFoundError, match=r"^folder must be an existing data folder, got .*a\.txt, which is a file"):
        loader(str(tmp_path / "a.txt"))
    with pytest.raises(FileNotFoundError, match=r"folder .* has no README\.md manifest"):
        loader(tmp_path)


@pytest.mark.parametrize("folder, error, message", [
    (3, TypeError, r"folder must be a str or pathlib\.Path, got 3 \(int\)"),
    (b"data", TypeError, r"folder must be a str or pathlib\.Path, got b'data' \(bytes\)"),
    ("", ValueError, r"folder must be a path, got the empty string ''"),  # was the current folder
])
def test_read_manifest_refuses_a_folder_that_is_not_a_path(folder, error, message):
    with pytest.raises(error, match=message):
        data.read_manifest(folder)


@pytest.mark.parametrize("path, error, message", [
    (0, TypeError, r"path must be a str or pathlib\.Path, got 0 \(int\)"),  # open(0) read standard input
    (True, TypeError, r"path must be a str or pathlib\.Path, got True \(bool\)"),
])
def test_sha256_of_refuses_file_descriptors(path, error, message):
    with pytest.raises(error, match=message):
        data.sha256_of(path)


def test_sha256_of_names_a_missing_file_or_a_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"path must name an existing file, got .*nope\.txt, which does not exist"):
        data.sha256_of(tmp_path / "nope.txt")
    with pytest.raises(FileNotFoundError, match=r"path must name an existing file, got .*, which is a folder"):
        data.sha256_of(str(tmp_path))


def test_dataset_path_accepts_a_pure_path_and_refuses_other_names():
    from pathlib import PurePosixPath

    assert data.dataset_path(PurePosixPath("us_macrodata/macrodata.csv")) == data.dataset_path("us_macrodata/macrodata.csv")
    with pytest.raises(TypeError, match=r"name must be a str such as 'tinyshakespeare/input\.txt', got 3 \(int\)"):
        data.dataset_path(3)


@pytest.mark.parametrize(
    "line, message",
    [
        ("16695FA2786E53414E5A6B54767A3FDF5DE99CFBC68617F69D1362D92776A92F  a.txt",
         r"README\.md:5 must read '<64 lower-case hex"),
        ("16695fa2786e53414e5a6b54767a3fdf5de99cfbc68617f69d1362d92776a92  a.txt", r"README\.md:5 must read"),  # 63 digits
        ("16695fa2786e53414e5a6b54767a3fdf5de99cfbc68617f69d1362d92776a92f a.txt", r"README\.md:5 must read"),  # one space
    ],
)
def test_read_manifest_refuses_a_malformed_checksum_line(tmp_path, line, message):
    (tmp_path / "README.md").write_text(f"# data\n\n```\n{'0' * 64}  b.txt\n{line}\n```\n")
    with pytest.raises(ValueError, match=message):
        data.read_manifest(tmp_path)  # was skipped: a.txt then "not one of the bundled files"


def test_read_manifest_refuses_a_file_listed_twice(tmp_path):
    (tmp_path / "README.md").write_text(f"```\n{'0' * 64}  a.txt\n{'1' * 64}  a.txt\n```\n")
    with pytest.raises(ValueError, match=r"README\.md:3 lists a\.txt a second time"):
        data.read_manifest(tmp_path)  # the second checksum silently won


def _week(n):
    return np.datetime64("2000-01-01") + np.arange(n) * np.timedelta64(7, "D")


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        ({"time": np.arange(3)}, TypeError, r"time must be an array of numpy datetime64 dates, got dtype int64"),
        ({"values": np.array(["1", "2", "3"])}, TypeError,
         r"values must hold real numbers \(nan where missing\), got dtype <U1"),
        ({"values": np.array([True, False, True])}, TypeError, r"values must hold real numbers"),
        ({"values": np.ones(4)}, ValueError, r"time and values must both have shape \(steps,\), got \(3,\) and \(4,\)"),
        ({"time": _week(3)[::-1]}, ValueError, r"time must be strictly increasing dates without NaT"),
        ({"values": [1.0, np.inf, 2.0]}, ValueError, r"values must be finite or nan, got 1 infinite"),
        ({"name": None}, TypeError, r"name must be a str, got NoneType"),
        ({"unit": 3}, TypeError, r"unit must be a str, got int"),
    ],
)
def test_time_series_refuses_inconsistent_fields(kwargs, error, message):
    fields = {"time": _week(3), "values": np.array([1.0, np.nan, 2.0]), "name": "x", "unit": "u", **kwargs}
    with pytest.raises(error, match=message):
        data.TimeSeries(**fields)


def test_time_series_copies_its_arrays():
    time, values = _week(3), np.array([1.0, np.nan, 2.0])
    series = data.TimeSeries(time=time, values=values, name="x", unit="u")
    values[1] = 5.0
    assert series.n_missing == 1 and not np.shares_memory(series.values, values)
    assert data.TimeSeries(time=list(time), values=[1, 2, 3], name="x", unit="u").values.dtype == np.float64


def test_load_sentiment_refuses_a_list_of_sources():
    with pytest.raises(ValueError, match=r"source must be one of .*got \['imdb'\]"):
        data.load_sentiment(["imdb"])


# ---------------------------------------------------------------- issue 15: the Tang poems


def test_load_tang_poems_counts_and_form():
    poems = data.load_tang_poems()
    raw = (REPO / "data" / data.TANG_POEMS).read_bytes().decode("utf-8")
    assert raw.endswith("\n") and len(raw) == 797_580  # as listed in the data sources: newlines included
    assert len(poems) == raw.count("\n") == 18_180
    lengths = Counter(len(poem) for poem in poems)
    assert lengths == {24: 3_885, 48: 14_295}
    assert sum(map(len, poems)) == 779_400
    characters = set("".join(poems))
    assert len(characters) == 5_707 and {"，", "。"} <= characters
    assert poems[0].startswith("秦川雄帝宅，函谷壮皇居。")


def test_load_tang_poems_keeps_characters_beyond_the_basic_block():
    characters = set("".join(data.load_tang_poems()))
    outside = {c for c in characters if not "\u4e00" <= c <= "\u9fff" and c not in "，。"}
    assert len(outside) == 81 and "\U00030b38" in outside  # extension G, after OpenCC's t2s


@pytest.mark.parametrize(
    "line",
    [
        "秦川雄帝宅，函谷壮皇居。",  # one couplet: 2 lines
        "秦川雄帝宅，函谷壮皇居。绮殿千寻起，离宫百雉余。连甍遥接汉，飞观迥凌虚。",  # 6 lines
        "秦川雄帝宅。函谷壮皇居，绮殿千寻起，离宫百雉余。",  # marks swapped
        "秦川雄帝宅，函谷壮皇居。绮殿千寻起，离宫百雉余",  # last mark missing
        "秦川雄帝，函谷壮皇居。绮殿千寻起，离宫百雉余。",  # four characters
        "秦川雄帝宅，函谷壮皇居。绮殿千寻起，离宫百雉余。 ",  # a stray space
        "",  # an empty line
    ],
)
def test_load_tang_poems_refuses_a_line_that_is_not_a_poem_of_the_form(fake_data_dir, line):
    good = "秦川雄帝宅，函谷壮皇居。绮殿千寻起，离宫百雉余。"
    folder = fake_data_dir({data.TANG_POEMS: f"{good}\n{line}\n{good}\n".encode()})
    with pytest.raises(ValueError, match=r"tang_5char\.txt:2 must be a poem of 4 or 8 lines of five Han characters"):
        data.load_tang_poems(folder)


def test_load_tang_poems_refuses_an_edited_copy(fake_data_dir, tmp_path):
    folder = fake_data_dir({data.TANG_POEMS: "秦川雄帝宅，函谷壮皇居。绮殿千寻起，离宫百雉余。\n".encode()})
    (folder / data.TANG_POEMS).write_bytes("秦川雄帝宅，函谷壮皇居。绮殿千寻起，离宫百雉馀。\n".encode())
    with pytest.raises(ValueError, match=r"tang_5char\.txt has sha256 .* edited or truncated"):
        data.load_tang_poems(folder)
