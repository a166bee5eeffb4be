"""Property tests (hypothesis) of lstm_helpers.sequences, lstm_helpers.data and lstm_helpers.repro.

Every public helper of the three modules is covered: on good input the result equals a plain
reference computation, keeps the caller's dtype, shares no memory with the input and leaves it
unchanged; on bad input (wrong type, wrong dtype, nan/inf, out-of-range sizes) it raises an error
that names the argument.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import warnings
from pathlib import Path
from unittest import mock

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lstm_helpers import data, repro
from lstm_helpers.sequences import (
    Vocabulary,
    count_batches,
    fill_missing,
    iterate_batches,
    make_windows,
    one_hot,
    split_words,
    stateful_batches,
)

# ---------------------------------------------------------------- strategies

REAL_DTYPES = st.sampled_from([np.float32, np.float64, np.int32, np.int64])
BAD_DTYPES = st.sampled_from([bool, np.complex128, "U3", object])
# Positive sizes, and values that are not a valid size: negative or zero ints, floats (even 2.0), bools, strings.
NOT_A_SIZE = st.one_of(
    st.integers(max_value=0), st.floats(allow_nan=True), st.booleans(), st.text(max_size=3), st.none()
)
NOT_A_BOOL = st.one_of(st.integers(), st.text(max_size=5), st.none(), st.floats(allow_nan=False))
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)  # no lone surrogates


def finite_elements(dtype):
    """Finite values of ``dtype`` (full range for floats, so huge and tiny values are drawn too)."""
    if np.issubdtype(dtype, np.floating):
        return st.floats(allow_nan=False, allow_infinity=False, width=np.finfo(dtype).bits)
    return st.integers(-(10**6), 10**6)


@st.composite
def real_series(draw, min_steps=1, max_steps=24, two_d=None):
    """A finite series of shape (steps,) or (steps, features), in one of REAL_DTYPES."""
    dtype = draw(REAL_DTYPES)
    steps = draw(st.integers(min_steps, max_steps))
    if two_d is None:
        two_d = draw(st.booleans())
    shape = (steps, draw(st.integers(1, 3))) if two_d else (steps,)
    return draw(hnp.arrays(dtype, shape, elements=finite_elements(dtype)))


def with_a_non_finite_value(draw, array):
    """A float copy of ``array`` with one element replaced by nan, inf or -inf."""
    bad = array.astype(np.float64)
    index = draw(st.integers(0, bad.size - 1))
    bad.flat[index] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    return bad


def bad_dtype_array(draw, shape):
    dtype = draw(BAD_DTYPES)
    if dtype is object:
        return np.full(shape, None, dtype=object)
    return draw(hnp.arrays(dtype, shape))


# ---------------------------------------------------------------- one_hot


@given(
    ids=hnp.arrays(st.sampled_from([np.int8, np.int32, np.int64, np.uint16]), hnp.array_shapes(min_dims=0, max_dims=3),
                   elements=st.integers(0, 6)),
    extra=st.integers(0, 3),
    dtype=st.sampled_from([np.float32, np.float64, np.int8, bool]),
)
def test_one_hot_equals_rows_of_the_identity(ids, extra, dtype):
    depth = 7 + extra
    before = ids.copy()
    vectors = one_hot(ids, depth, dtype=dtype)
    assert vectors.shape == ids.shape + (depth,) and vectors.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(vectors, np.eye(depth, dtype=dtype)[ids])
    np.testing.assert_array_equal(ids, before)
    assert not np.shares_memory(vectors, ids)


@given(ids=hnp.arrays(np.int64, hnp.array_shapes(max_dims=2), elements=st.integers(-50, 50)), depth=st.integers(1, 10))
def test_one_hot_refuses_any_id_outside_the_depth(ids, depth):
    assume(ids.min() < 0 or ids.max() >= depth)
    with pytest.raises(ValueError, match=r"^ids must be (>= 0|< depth)"):  # a negative id indexed from the end
        one_hot(ids, depth)


@given(ids=hnp.arrays(np.float64, hnp.array_shapes(max_dims=2), elements=st.floats(0, 5)), depth=st.integers(6, 9))
def test_one_hot_refuses_float_ids_even_whole_ones(ids, depth):
    with pytest.raises(ValueError, match=r"^ids must hold integers, got dtype float64"):
        one_hot(ids, depth)


@given(depth=NOT_A_SIZE)
def test_one_hot_refuses_a_depth_that_is_not_a_positive_int(depth):
    with pytest.raises(ValueError, match=r"^depth must be an integer >= 1"):
        one_hot([0], depth)


# ---------------------------------------------------------------- split_words / Vocabulary


@given(text=TEXT)
def test_split_words_keeps_every_non_space_character_in_order(text):
    tokens = split_words(text)
    assert all(tokens) and not any(re.search(r"\s", token) for token in tokens)
    assert "".join(tokens) == re.sub(r"\s", "", text.lower())


@given(text=st.one_of(st.binary(max_size=5), st.lists(st.text(max_size=3), max_size=3), st.integers(), st.none()))
def test_split_words_refuses_what_is_not_text(text):
    with pytest.raises(ValueError, match=r"^text must be a str, got"):
        split_words(text)


@given(text=TEXT.filter(bool))
def test_char_vocabulary_round_trips_any_text(text):
    vocab = Vocabulary.from_text(text)
    ids = vocab.encode(text)
    assert ids.dtype == np.int32 and ids.shape == (len(text),)
    assert vocab.decode(ids) == text and vocab.tokenize(text) == list(text)
    assert list(vocab.tokens) == sorted(set(text)) and len(vocab) == len(set(text))


@given(text=TEXT.filter(lambda t: bool(split_words(t))),
       specials=st.lists(st.sampled_from(["<pad>", "<s>", "</s>", "<unk>"]), unique=True, max_size=3),
       max_extra=st.none() | st.integers(1, 5))
def test_word_vocabulary_puts_specials_first_and_keeps_its_size(text, specials, max_extra):
    max_size = None if max_extra is None else len(specials) + 1 + max_extra
    vocab = Vocabulary.from_text(text, level="word", specials=specials, unknown="<unk>", max_size=max_size)
    expected_specials = tuple(specials) + (() if "<unk>" in specials else ("<unk>",))
    assert vocab.tokens[: len(expected_specials)] == expected_specials
    assert max_size is None or len(vocab) <= max_size
    words = split_words(text)
    ids = vocab.encode(text)
    assert ids.min() >= 0 and ids.max() < len(vocab)
    unk = vocab.tokens.index("<unk>")
    assert [vocab.tokens[i] if i != unk else w for i, w in zip(ids, words)] == words  # known words map to themselves
    if max_size is None:
        assert vocab.decode(ids) == " ".join(words)


@given(tokens=st.lists(st.text(min_size=1, max_size=4), min_size=1, max_size=8, unique=True),
       level=st.sampled_from(["char", "word"]))
def test_vocabulary_ids_follow_the_order_of_tokens(tokens, level):
    vocab = Vocabulary(tokens, level=level)
    np.testing.assert_array_equal(vocab.encode(tokens), np.arange(len(tokens)))
    assert vocab.tokens == tuple(tokens)


@given(single=st.text(min_size=1, max_size=6), argument=st.sampled_from(["tokens", "specials", "text_list"]))
def test_a_single_string_where_a_collection_is_meant_raises_type_error(single, argument):
    if argument == "tokens":
        call, name = (lambda: Vocabulary(single.encode() if len(single) % 2 else single)), "tokens"
    elif argument == "specials":
        call, name = (lambda: Vocabulary.from_text("a b", level="word", specials=single)), "specials"
    else:
        vocab = Vocabulary.from_text("a b", level="word", unknown="<unk>")
        call, name = (lambda: vocab.encode(single.encode())), "text"
    with pytest.raises(TypeError, match=rf"^{name} must be"):
        call()


@given(tokens=st.lists(st.one_of(st.integers(), st.none(), st.binary(min_size=1, max_size=3)), min_size=1, max_size=4))
def test_non_string_tokens_raise_type_error(tokens):
    vocab = Vocabulary.from_text("a b", level="word", unknown="<unk>")
    with pytest.raises(TypeError, match=r"^text must hold only strings"):  # was silently <unk> for each
        vocab.encode(["a", *tokens])
    with pytest.raises(TypeError, match=r"^tokens must hold only strings"):
        Vocabulary(["a", *tokens])


@given(ids=st.lists(st.integers(-10**6, 10**6), min_size=1, max_size=6))
def test_decode_refuses_ids_outside_the_vocabulary(ids):
    vocab = Vocabulary.from_text("abc")
    assume(min(ids) < 0 or max(ids) >= len(vocab))
    with pytest.raises(ValueError, match=r"^ids must be in 0 … 2, got -?\d+"):
        vocab.decode(ids)


@given(ids=hnp.arrays(np.int32, st.integers(0, 10), elements=st.integers(0, 2)))
def test_decode_never_mutates_and_inverts_encode(ids):
    vocab = Vocabulary.from_text("abc")
    before = ids.copy()
    np.testing.assert_array_equal(vocab.encode(vocab.decode(ids)), ids)
    np.testing.assert_array_equal(ids, before)


# ---------------------------------------------------------------- fill_missing


def reference_fill(values: np.ndarray) -> np.ndarray:
    """Linear interpolation written as a convex combination (no overflow), one step at a time."""
    observed = np.flatnonzero(~np.isnan(values))
    filled = values.astype(np.float64)
    for k in range(values.size):
        if np.isnan(values[k]):
            before, after = observed[observed < k], observed[observed > k]
            if not before.size or not after.size:
                filled[k] = values[after[0] if not before.size else before[-1]]
            else:
                p, n = before[-1], after[0]
                w = (k - p) / (n - p)
                filled[k] = (1 - w) * float(values[p]) + w * float(values[n])
    return filled


@given(data_=st.data(), dtype=st.sampled_from([np.float32, np.float64]))
def test_fill_missing_draws_straight_lines_and_keeps_observed_values(data_, dtype):
    elements = st.floats(allow_infinity=False, width=np.finfo(dtype).bits)  # full range: huge and subnormal values
    values = data_.draw(hnp.arrays(dtype, st.integers(1, 20), elements=elements))
    assume((~np.isnan(values)).any())
    before = values.copy()
    filled = fill_missing(values)
    assert filled.dtype == np.float64 and filled.shape == values.shape and np.isfinite(filled).all()
    observed = ~np.isnan(values)
    np.testing.assert_array_equal(filled[observed], values[observed].astype(np.float64))
    scale = float(np.abs(values[observed]).max())
    np.testing.assert_allclose(filled, reference_fill(values), rtol=1e-6, atol=1e-12 * scale)
    np.testing.assert_array_equal(values, before)  # input untouched (nan compare equal here)
    assert not np.shares_memory(filled, values)


@given(big=st.floats(1e300, 1.7976931348623157e308), gap=st.integers(1, 5), sign=st.sampled_from([-1.0, 1.0]))
def test_fill_missing_stays_finite_between_the_largest_floats(big, gap, sign):
    values = np.array([big] + [np.nan] * gap + [sign * -big])
    filled = fill_missing(values)
    assert np.isfinite(filled).all() and filled[0] == big and filled[-1] == sign * -big
    np.testing.assert_allclose(filled, reference_fill(values), rtol=1e-12, atol=1e-12 * big)


@given(data_=st.data(), steps=st.integers(1, 10))
def test_fill_missing_refuses_inf_all_nan_and_non_numbers(data_, steps):
    kind = data_.draw(st.sampled_from(["inf", "all nan", "dtype"]))
    if kind == "inf":
        values = data_.draw(hnp.arrays(np.float64, steps, elements=st.floats(allow_infinity=False)))
        values[data_.draw(st.integers(0, steps - 1))] = data_.draw(st.sampled_from([np.inf, -np.inf]))
        message = r"^values must be finite or nan, got \d+ infinite"
    elif kind == "all nan":
        values, message = np.full(steps, np.nan), rf"^values must contain at least one observed value, got {steps} nan"
    else:
        values, message = bad_dtype_array(data_.draw, (steps,)), r"^values must be numeric, got dtype"
    with pytest.raises(ValueError, match=message):
        fill_missing(values)


# ---------------------------------------------------------------- make_windows


@given(series=real_series(min_steps=2), data_=st.data())
def test_make_windows_equals_a_loop_and_returns_new_arrays(series, data_):
    steps = series.shape[0]
    time_step = data_.draw(st.integers(1, steps - 1))
    horizon = data_.draw(st.integers(1, steps - time_step))
    before = series.copy()
    X, y = make_windows(series, time_step, horizon)
    n = steps - time_step - horizon + 1
    X_ref = np.array([series[k : k + time_step] for k in range(n)])
    y_ref = np.array([series[k + time_step + horizon - 1] for k in range(n)])
    assert X.dtype == y.dtype == series.dtype  # float32 in, float32 out
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)
    assert X.flags.writeable and y.flags.writeable
    assert not np.shares_memory(X, series) and not np.shares_memory(y, series)
    np.testing.assert_array_equal(series, before)


@given(series=real_series(min_steps=3), data_=st.data())
def test_make_windows_refuses_nan_inf_and_non_numbers(series, data_):
    if data_.draw(st.booleans()):
        bad, message = with_a_non_finite_value(data_.draw, series), r"^series must be finite, got \d+ nan/inf values; fill"
    else:
        bad, message = bad_dtype_array(data_.draw, series.shape), r"^series must be numeric, got dtype"
    with pytest.raises(ValueError, match=message):
        make_windows(bad, 1)


@given(value=NOT_A_SIZE, which=st.sampled_from(["time_step", "horizon"]))
def test_make_windows_refuses_sizes_that_are_not_positive_ints(value, which):
    kwargs = {"time_step": 2, "horizon": 1, which: value}
    with pytest.raises(ValueError, match=rf"^{which} must be an integer >= 1"):
        make_windows(np.arange(10.0), **kwargs)


# ---------------------------------------------------------------- batches


@given(n_samples=st.integers(0, 10**6), batch_size=st.integers(1, 10**4), drop=st.booleans())
def test_count_batches_equals_floor_or_ceiling(n_samples, batch_size, drop):
    expected = n_samples // batch_size if drop else -(-n_samples // batch_size)
    assert count_batches(n_samples, batch_size, drop) == expected


@given(flag=NOT_A_BOOL)
def test_count_batches_refuses_a_flag_that_is_not_a_bool(flag):
    with pytest.raises(TypeError, match=r"^drop_remainder must be True or False"):
        count_batches(9, 4, flag)


@given(X=real_series(max_steps=15), batch_size=st.integers(1, 6), shuffle=st.booleans(), drop=st.booleans(),
       seed=st.integers(0, 2**32 - 1))
def test_iterate_batches_visits_each_sample_once_in_new_arrays(X, batch_size, shuffle, drop, seed):
    y = np.arange(len(X))
    before = X.copy()
    batches = list(iterate_batches(X, y, batch_size, shuffle=shuffle, rng=np.random.default_rng(seed),
                                   drop_remainder=drop))
    assert len(batches) == count_batches(len(X), batch_size, drop)
    seen = np.concatenate([yb for _, yb in batches]) if batches else np.array([], int)
    assert len(set(seen.tolist())) == len(seen) and (shuffle or seen.tolist() == list(range(len(seen))))
    for xb, yb in batches:
        assert xb.dtype == X.dtype and len(xb) == len(yb) <= batch_size
        np.testing.assert_array_equal(xb, X[yb])
        assert not np.shares_memory(xb, X)
    np.testing.assert_array_equal(X, before)


@given(X=real_series(min_steps=2, max_steps=8), data_=st.data())
def test_iterate_batches_refuses_bad_arrays_before_the_first_batch(X, data_):
    which = data_.draw(st.sampled_from(["X", "y"]))
    if data_.draw(st.booleans()):
        bad, message = with_a_non_finite_value(data_.draw, X), rf"^{which} must be finite"
    else:
        bad, message = bad_dtype_array(data_.draw, X.shape), rf"^{which} must be numeric, got dtype"
    arrays = {"X": X, "y": X, which: bad}
    with pytest.raises(ValueError, match=message):
        iterate_batches(arrays["X"], arrays["y"], 2)


@given(flag=NOT_A_BOOL, which=st.sampled_from(["shuffle", "drop_remainder"]))
def test_iterate_batches_refuses_flags_that_are_not_bools(flag, which):
    with pytest.raises(TypeError, match=rf"^{which} must be True or False"):
        iterate_batches(np.arange(4), np.arange(4), 2, rng=np.random.default_rng(0), **{which: flag})


@given(series=real_series(min_steps=2, max_steps=40), batch_size=st.integers(1, 4), time_step=st.integers(1, 6))
def test_stateful_batches_lay_out_contiguous_streams(series, batch_size, time_step):
    stream_length = len(series) // batch_size
    n_batches = (stream_length - 1) // time_step
    assume(n_batches >= 1)
    before = series.copy()
    X, Y = stateful_batches(series, batch_size, time_step)
    assert X.shape == Y.shape == (n_batches, batch_size, time_step) + series.shape[1:]
    assert X.dtype == Y.dtype == series.dtype
    k, i, t = np.meshgrid(np.arange(n_batches), np.arange(batch_size), np.arange(time_step), indexing="ij")
    position = i * stream_length + k * time_step + t  # step of the series at X[k, i, t]
    np.testing.assert_array_equal(X, series[position])
    np.testing.assert_array_equal(Y, series[position + 1])
    assert not np.shares_memory(X, series) and not np.shares_memory(Y, series)
    np.testing.assert_array_equal(series, before)


@given(series=real_series(min_steps=8), data_=st.data())
def test_stateful_batches_refuse_nan_inf_non_numbers_and_bad_sizes(series, data_):
    kind = data_.draw(st.sampled_from(["finite", "dtype", "batch_size", "time_step"]))
    sizes = {"batch_size": 2, "time_step": 2}
    if kind == "finite":
        series, message = with_a_non_finite_value(data_.draw, series), r"^series must be finite"
    elif kind == "dtype":
        series, message = bad_dtype_array(data_.draw, series.shape), r"^series must be numeric"
    else:
        sizes[kind], message = data_.draw(NOT_A_SIZE), rf"^{kind} must be an integer >= 1"
    with pytest.raises(ValueError, match=message):
        stateful_batches(series, **sizes)


# ---------------------------------------------------------------- data


def days(offsets):
    return np.datetime64("2000-01-01") + np.asarray(offsets, dtype=np.int64).astype("timedelta64[D]")


@given(gaps=st.lists(st.integers(1, 400), min_size=1, max_size=12), data_=st.data())
def test_time_series_counts_missing_values_and_owns_its_arrays(gaps, data_):
    time = days(np.cumsum(gaps))
    values = data_.draw(hnp.arrays(np.float64, len(gaps), elements=st.floats(allow_infinity=False)))
    series = data.TimeSeries(time=time, values=values, name="x", unit="u")
    assert series.n_missing == int(np.isnan(values).sum())
    assert not np.shares_memory(series.values, values) and not np.shares_memory(series.time, time)


@given(offsets=st.lists(st.integers(0, 50), min_size=2, max_size=8))
def test_time_series_refuses_dates_that_do_not_increase(offsets):
    assume(any(b <= a for a, b in zip(offsets, offsets[1:])))
    with pytest.raises(ValueError, match=r"^time must be strictly increasing"):
        data.TimeSeries(time=days(offsets), values=np.zeros(len(offsets)), name="x", unit="u")


FILE_NAME = st.from_regex(r"[a-z][a-z0-9_]{0,8}(/[a-z0-9_]{1,8})?\.txt", fullmatch=True)


@settings(max_examples=20)
@given(files=st.dictionaries(FILE_NAME, st.binary(max_size=200), min_size=1, max_size=4), as_str=st.booleans(),
       data_=st.data())
def test_manifest_checksums_and_dataset_path_agree_with_hashlib(files, as_str, data_):
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lines = []
        for name, content in files.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_bytes(content)
            assert data.sha256_of(str(folder / name) if as_str else folder / name) == hashlib.sha256(content).hexdigest()
            lines.append(f"{hashlib.sha256(content).hexdigest()}  {name}")
        (folder / "README.md").write_text("# data\n\n```\n" + "\n".join(lines) + "\n```\n")
        given_folder = str(folder) if as_str else folder
        assert data.read_manifest(given_folder) == {n: hashlib.sha256(c).hexdigest() for n, c in files.items()}
        name = data_.draw(st.sampled_from(sorted(files)))
        assert data.dataset_path(name, given_folder) == folder / name
        (folder / name).write_bytes(files[name] + b"!")  # any edit is refused, naming the file
        with pytest.raises(ValueError, match=rf"bundled file .*{re.escape(name)} has sha256 [0-9a-f]{{64}}, expected"):
            data.dataset_path(name, given_folder)


LOADERS = {
    "read_manifest": data.read_manifest, "load_co2": data.load_co2, "load_shakespeare": data.load_shakespeare,
    "load_macrodata": data.load_macrodata, "glove_path": data.glove_path,
    "load_sentiment": lambda folder: data.load_sentiment("yelp", folder),
    "dataset_path": lambda folder: data.dataset_path("us_macrodata/macrodata.csv", folder),
}


@given(loader=st.sampled_from(sorted(LOADERS)),
       folder=st.one_of(st.integers(), st.floats(), st.booleans(), st.binary(max_size=4),
                        st.lists(st.text(max_size=3), max_size=2)))
def test_every_loader_refuses_a_folder_that_is_not_a_path(loader, folder):
    with pytest.raises(TypeError, match=r"^folder must be a str or pathlib\.Path, got"):
        LOADERS[loader](folder)


@given(loader=st.sampled_from(sorted(LOADERS)), name=st.from_regex(r"[a-z]{1,10}", fullmatch=True),
       as_str=st.booleans())
def test_every_loader_names_a_folder_that_does_not_exist(loader, name, as_str):
    missing = Path(tempfile.gettempdir()) / "lstm-book-no-such-folder" / name
    with pytest.raises(FileNotFoundError, match=rf"^folder must be an existing data folder, got {re.escape(str(missing))}"):
        LOADERS[loader](str(missing) if as_str else missing)


@given(name=st.one_of(st.integers(), st.none(), st.binary(max_size=5), st.lists(st.text(max_size=3), max_size=2)))
def test_dataset_path_refuses_a_name_that_is_not_a_str(name):
    with pytest.raises(TypeError, match=r"^name must be a str"):
        data.dataset_path(name)


@given(name=st.text(max_size=20))
def test_dataset_path_refuses_any_name_not_in_the_manifest(name):
    assume(name not in data.read_manifest())
    with pytest.raises(ValueError, match=r"^name must be one of the bundled files"):
        data.dataset_path(name)


@settings(max_examples=8)
@given(as_str=st.booleans())
def test_loaders_return_the_same_fresh_arrays_for_a_str_or_a_path(as_str):
    folder = str(data.data_dir()) if as_str else data.data_dir()
    first, second = data.load_co2(folder), data.load_co2()
    first.values[0] = -1.0  # a caller's edit does not reach the next load
    assert second.values[0] != -1.0 and data.load_co2().values[0] == second.values[0]
    assert second.n_missing == int(np.isnan(second.values).sum()) == 59
    table = data.load_macrodata(folder)
    assert len({id(column) for column in table.values()}) == len(table)
    assert not any(np.shares_memory(a, b) for a in table.values() for b in table.values() if a is not b)
    assert data.load_shakespeare(folder) == data.load_shakespeare()


@settings(max_examples=12)
@given(source=st.sampled_from(("all", *data.SENTIMENT_SOURCES)))
def test_load_sentiment_labels_are_zero_or_one(source):
    sentences, labels = data.load_sentiment(source)
    assert len(sentences) == len(labels) == (3000 if source == "all" else 1000)
    assert labels.dtype == np.int64 and set(labels.tolist()) == {0, 1}


@given(source=st.one_of(st.text(max_size=12), st.none(), st.integers(), st.lists(st.sampled_from(["imdb"]))))
def test_load_sentiment_refuses_any_other_source(source):
    assume(source not in ("all", *data.SENTIMENT_SOURCES))
    with pytest.raises(ValueError, match=r"^source must be one of"):
        data.load_sentiment(source)


ENV_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)


@given(name=st.from_regex(r"[a-z]{1,10}", fullmatch=True))
def test_data_dir_and_glove_path_name_their_environment_variable(name):
    missing = str(Path(tempfile.gettempdir()) / "lstm-book-no-such-folder" / name)
    with mock.patch.dict(os.environ, {data.DATA_ENV_VAR: missing}):
        with pytest.raises(FileNotFoundError, match=r"LSTM_BOOK_DATA"):
            data.data_dir()
    with mock.patch.dict(os.environ, {data.GLOVE_ENV_VAR: missing}):
        with pytest.raises(FileNotFoundError, match=r"^\$GLOVE_PATH must name a GloVe text file"):
            data.glove_path()
    with mock.patch.dict(os.environ):
        os.environ.pop(data.DATA_ENV_VAR, None)
        os.environ.pop(data.GLOVE_ENV_VAR, None)
        assert data.glove_path() == data.data_dir() / data.GLOVE_SUBSET


# ---------------------------------------------------------------- repro


@given(value=ENV_TEXT)
def test_full_size_accepts_only_0_1_or_empty(value):
    with mock.patch.dict(os.environ, {repro.FULL_SIZE_ENV_VAR: value}):
        if value in ("", "0", "1"):
            assert repro.full_size() is (value == "1")
        else:
            with pytest.raises(ValueError, match=r"^\$LSTM_BOOK_FULL must be '0' or '1', got"):
                repro.full_size()


@given(previous=st.dictionaries(st.sampled_from(sorted(repro.QUIET_TF_ENV)), ENV_TEXT))
def test_quiet_tensorflow_env_always_ends_with_the_quiet_settings(previous):
    with mock.patch.dict(os.environ, previous), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # tensorflow may already be imported by another test
        repro.quiet_tensorflow_env()
        assert {name: os.environ[name] for name in repro.QUIET_TF_ENV} == repro.QUIET_TF_ENV


@given(seed=st.one_of(st.integers(max_value=-1), st.integers(min_value=2**32), st.floats(), st.booleans(),
                      st.text(max_size=3), st.none()))
def test_setup_refuses_a_seed_before_seeding_anything(seed):
    state = np.random.get_state()[1].copy()
    with pytest.raises(ValueError, match=r"^seed must be an integer"):
        repro.setup(seed=seed, style=False)
    np.testing.assert_array_equal(np.random.get_state()[1], state)


@given(style=NOT_A_BOOL)
def test_setup_refuses_a_style_that_is_not_a_bool(style):
    with pytest.raises(TypeError, match=r"^style must be True or False"):
        repro.setup(seed=0, style=style)


@pytest.mark.filterwarnings("ignore:tensorflow was imported before")
@settings(max_examples=4)
@given(seed=st.one_of(st.just(0), st.just(2**32 - 1), st.integers(0, 2**32 - 1)))
def test_setup_returns_a_generator_seeded_like_numpy(seed):
    with mock.patch.dict(os.environ):
        rng = repro.setup(seed=seed, style=False)
        assert rng.random() == np.random.default_rng(seed).random()
        assert np.random.random() == np.random.RandomState(seed).random_sample()
