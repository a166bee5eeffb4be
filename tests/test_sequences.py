"""Tests of lstm_helpers.sequences: one-hot, vocabularies, gap filling, windows, batches."""

from __future__ import annotations

import numpy as np
import pytest

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

# ---------------------------------------------------------------- one_hot


@pytest.mark.parametrize("shape", [(1,), (7,), (3, 5), (2, 1, 4)])
def test_one_hot_puts_a_single_one_at_each_id(shape):
    depth = 6
    ids = np.random.default_rng(0).integers(0, depth, size=shape)
    vectors = one_hot(ids, depth)
    assert vectors.shape == shape + (depth,) and vectors.dtype == np.float32
    assert np.all(vectors.sum(axis=-1) == 1)
    assert np.all(vectors.argmax(axis=-1) == ids)


def test_one_hot_rows_are_rows_of_the_identity():
    ids = [3, 0, 3, 1]
    np.testing.assert_array_equal(one_hot(ids, 4, dtype=np.int8), np.eye(4, dtype=np.int8)[ids])


def test_one_hot_of_no_ids_is_empty():
    assert one_hot(np.array([], dtype=int), 3).shape == (0, 3)


@pytest.mark.parametrize(
    "ids, depth, message",
    [
        ([0, -1], 3, r"ids must be >= 0, got -1"),
        ([0, 3], 3, r"ids must be < depth=3, got 3"),
        ([0.0, 1.0], 3, r"ids must hold integers, got dtype float64"),
        ([True, False], 3, r"ids must hold integers, got dtype bool"),
        (["a"], 3, r"ids must hold integers, got dtype <U1"),
        ([0], 0, r"depth must be an integer >= 1, got 0"),
        ([0], 2.0, r"depth must be an integer >= 1, got 2\.0 \(float\)"),
        ([0], True, r"depth must be an integer >= 1, got True \(bool\)"),
    ],
)
def test_one_hot_rejects_bad_input(ids, depth, message):
    with pytest.raises(ValueError, match=message):
        one_hot(ids, depth)


# ---------------------------------------------------------------- split_words / Vocabulary


def test_split_words_lowercases_and_separates_punctuation():
    assert split_words("O'er the hills, THE king's men!") == ["o'er", "the", "hills", ",", "the", "king", "'s", "men", "!"]


@pytest.mark.parametrize(
    "text, tokens",
    [
        ("don't", ["do", "n't"]),
        ("can't won't", ["ca", "n't", "wo", "n't"]),
        ("it's we're I've I'm we'll she'd", ["it", "'s", "we", "'re", "i", "'ve", "i", "'m", "we", "'ll", "she", "'d"]),
        ("'tis o'er", ["'", "tis", "o'er"]),
        ("the shop's, not the shops'", ["the", "shop", "'s", ",", "not", "the", "shops", "'"]),
        ("Isn't", ["is", "n't"]),
    ],
)
def test_split_words_splits_clitics_like_the_penn_treebank(text, tokens):
    assert split_words(text) == tokens


def test_split_words_rejects_non_text():
    with pytest.raises(ValueError, match=r"text must be a str, got list"):
        split_words(["a"])


def test_char_vocabulary_is_sorted_and_round_trips():
    text = "hello world"
    vocab = Vocabulary.from_text(text)
    assert vocab.tokens == tuple(sorted(set(text)))
    ids = vocab.encode(text)
    assert ids.dtype == np.int32 and ids.shape == (len(text),)
    assert vocab.decode(ids) == text


def test_word_vocabulary_orders_by_count_with_specials_first():
    vocab = Vocabulary.from_text("b a b c b a", level="word", specials=("<pad>",), unknown="<unk>")
    assert vocab.tokens == ("<pad>", "<unk>", "b", "a", "c")
    assert vocab.encode("a z b").tolist() == [3, 1, 2]
    assert vocab.decode([2, 3]) == "b a"


def test_min_count_and_max_size_limit_the_vocabulary():
    text = "a a a b b c"
    assert Vocabulary.from_text(text, level="word", min_count=2).tokens == ("a", "b")
    assert Vocabulary.from_text(text, level="word", max_size=2, unknown="<unk>").tokens == ("<unk>", "a")


def test_encode_accepts_a_token_list():
    vocab = Vocabulary.from_text("to be or not", level="word")
    assert vocab.encode(["not", "to"]).tolist() == [vocab.tokens.index("not"), vocab.tokens.index("to")]


def test_encode_unknown_token_without_unknown_raises():
    vocab = Vocabulary.from_text("abc")
    with pytest.raises(ValueError, match=r"got 2 unknown: \['x', 'z'\]"):
        vocab.encode("azx")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"text": ""}, r"text must be a non-empty str"),
        ({"text": 42}, r"text must be a non-empty str, got 42"),
        ({"text": "ab", "level": "byte"}, r"level must be 'char' or 'word', got 'byte'"),
        ({"text": "ab", "min_count": 0}, r"min_count must be an integer >= 1, got 0"),
        ({"text": "ab", "max_size": 1, "unknown": "?"}, r"max_size must be an integer >= 2, got 1"),
    ],
)
def test_from_text_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Vocabulary.from_text(**kwargs)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"tokens": ()}, r"tokens must hold at least one token"),
        ({"tokens": ("a", "b", "a")}, r"tokens must be distinct, got repeated \['a'\]"),
        ({"tokens": ("a",), "unknown": "<unk>"}, r"unknown must be one of tokens, got '<unk>'"),
        ({"tokens": ("a",), "level": "line"}, r"level must be 'char' or 'word', got 'line'"),
    ],
)
def test_vocabulary_rejects_inconsistent_tokens(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Vocabulary(**kwargs)


@pytest.mark.parametrize(
    "ids, message",
    [
        ([0, 3], r"ids must be in 0 … 2, got 3"),
        ([-1], r"ids must be in 0 … 2, got -1"),
        ([[0, 1]], r"ids must have shape \(n_tokens,\), got \(1, 2\)"),
        ([0.5], r"ids must hold integers, got dtype float64"),
    ],
)
def test_decode_rejects_bad_ids(ids, message):
    with pytest.raises(ValueError, match=message):
        Vocabulary.from_text("abc").decode(ids)


def test_tokenize_rejects_non_text():
    with pytest.raises(ValueError, match=r"text must be a str, got int"):
        Vocabulary.from_text("abc").tokenize(3)


# ---------------------------------------------------------------- fill_missing


def test_fill_missing_draws_straight_lines_over_gaps():
    filled = fill_missing([np.nan, 2.0, np.nan, np.nan, 8.0, np.nan])
    np.testing.assert_allclose(filled, [2.0, 2.0, 4.0, 6.0, 8.0, 8.0])


def test_fill_missing_keeps_observed_values_and_returns_a_new_array():
    values = np.array([1.0, 5.0, 2.0])
    filled = fill_missing(values)
    np.testing.assert_array_equal(filled, values)
    assert filled is not values


@pytest.mark.parametrize(
    "values, message",
    [
        (np.ones((2, 2)), r"values must have shape \(steps,\), got \(2, 2\)"),
        ([1.0, np.inf], r"values must be finite or nan, got 1 infinite"),
        ([np.nan, np.nan], r"values must contain at least one observed value, got 2 nan"),
    ],
)
def test_fill_missing_rejects_bad_input(values, message):
    with pytest.raises(ValueError, match=message):
        fill_missing(values)


# ---------------------------------------------------------------- make_windows


def reference_windows(series, time_step, horizon):
    """Windows built with a plain loop, as the chapter does before using the helper."""
    X, y = [], []
    for k in range(len(series) - time_step - horizon + 1):
        X.append(series[k : k + time_step])
        y.append(series[k + time_step + horizon - 1])
    return np.array(X), np.array(y)


@pytest.mark.parametrize("steps, time_step, horizon", [(10, 1, 1), (10, 3, 1), (10, 3, 4), (10, 9, 1), (5, 1, 4)])
def test_make_windows_matches_a_loop(steps, time_step, horizon):
    series = np.random.default_rng(1).normal(size=steps)
    X, y = make_windows(series, time_step, horizon)
    X_ref, y_ref = reference_windows(series, time_step, horizon)
    assert X.shape == (steps - time_step - horizon + 1, time_step)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


@pytest.mark.parametrize("features", [1, 3])
def test_make_windows_keeps_features_last(features):
    series = np.arange(12.0 * features).reshape(12, features)
    X, y = make_windows(series, time_step=4, horizon=2)
    X_ref, y_ref = reference_windows(series, 4, 2)
    assert X.shape == (7, 4, features) and y.shape == (7, features)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(y, y_ref)


def test_make_windows_returns_independent_writable_arrays():
    series = np.arange(6.0)
    X, y = make_windows(series, 2)
    X[0, 0] = -1.0
    y[0] = -1.0
    assert series[0] == 0.0 and series[2] == 2.0 and X[1, 0] == 1.0


@pytest.mark.parametrize(
    "series, time_step, horizon, message",
    [
        (np.zeros((2, 3, 4)), 1, 1, r"series must have shape \(steps,\) or \(steps, features\), got \(2, 3, 4\)"),
        (np.array(["a", "b", "c"]), 1, 1, r"series must be numeric, got dtype <U1"),
        ([1.0, np.nan, 3.0], 1, 1, r"series must be finite, got 1 nan/inf values; fill gaps first"),
        (np.arange(5.0), 0, 1, r"time_step must be an integer >= 1, got 0"),
        (np.arange(5.0), 2.5, 1, r"time_step must be an integer >= 1, got 2\.5"),
        (np.arange(5.0), 2, 0, r"horizon must be an integer >= 1, got 0"),
        (np.arange(5.0), 5, 1, r"time_step \+ horizon must be <= len\(series\)=5, got 5 \+ 1 = 6"),
        (np.arange(5.0), 3, 3, r"time_step \+ horizon must be <= len\(series\)=5, got 3 \+ 3 = 6"),
    ],
)
def test_make_windows_rejects_bad_input(series, time_step, horizon, message):
    with pytest.raises(ValueError, match=message):
        make_windows(series, time_step, horizon)


# ---------------------------------------------------------------- batches


@pytest.mark.parametrize(
    "n_samples, batch_size, drop, expected", [(0, 4, False, 0), (8, 4, False, 2), (9, 4, False, 3), (9, 4, True, 2), (3, 4, True, 0)]
)
def test_count_batches(n_samples, batch_size, drop, expected):
    assert count_batches(n_samples, batch_size, drop) == expected


@pytest.mark.parametrize(
    "n_samples, batch_size, message",
    [(-1, 2, r"n_samples must be an integer >= 0, got -1"), (4, 0, r"batch_size must be an integer >= 1, got 0")],
)
def test_count_batches_rejects_bad_sizes(n_samples, batch_size, message):
    with pytest.raises(ValueError, match=message):
        count_batches(n_samples, batch_size)


def test_iterate_batches_in_order_covers_every_sample_once():
    X, y = np.arange(20).reshape(10, 2), np.arange(10)
    batches = list(iterate_batches(X, y, batch_size=4))
    assert [b[0].shape for b in batches] == [(4, 2), (4, 2), (2, 2)]
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y)


def test_iterate_batches_shuffled_is_a_permutation_and_seeded():
    X, y = np.arange(10)[:, None], np.arange(10)
    first = list(iterate_batches(X, y, 3, shuffle=True, rng=np.random.default_rng(5)))
    again = list(iterate_batches(X, y, 3, shuffle=True, rng=np.random.default_rng(5)))
    seen = np.concatenate([b[1] for b in first])
    assert sorted(seen.tolist()) == list(range(10)) and seen.tolist() != list(range(10))
    assert all(np.array_equal(a[1], b[1]) for a, b in zip(first, again))
    assert all(np.array_equal(xb[:, 0], yb) for xb, yb in first)


def test_iterate_batches_can_drop_the_short_batch():
    sizes = [len(yb) for _, yb in iterate_batches(np.zeros((10, 1)), np.zeros(10), 4, drop_remainder=True)]
    assert sizes == [4, 4]


@pytest.mark.parametrize(
    "X, y, kwargs, message",
    [
        (np.zeros((3, 2)), np.zeros(4), {}, r"X and y must have the same number of samples on axis 0, got \(3, 2\) and \(4,\)"),
        (np.zeros(3), np.zeros(3), {"batch_size": 0}, r"batch_size must be an integer >= 1, got 0"),
        (np.zeros(3), np.zeros(3), {"shuffle": True}, r"rng must be a numpy.random.Generator when shuffle=True, got None"),
    ],
)
def test_iterate_batches_checks_arguments_at_the_call(X, y, kwargs, message):
    kwargs = {"batch_size": 2, **kwargs}
    with pytest.raises(ValueError, match=message):
        iterate_batches(X, y, **kwargs)  # no next(): the error must come before the first batch


# ---------------------------------------------------------------- stateful_batches


@pytest.mark.parametrize("steps, batch_size, time_step", [(20, 2, 3), (100, 4, 7), (9, 1, 8), (50, 5, 1)])
def test_stateful_batches_continue_each_stream(steps, batch_size, time_step):
    from lstm_helpers.sequences import stateful_batches

    series = np.arange(steps)
    X, Y = stateful_batches(series, batch_size, time_step)
    n_batches = (steps // batch_size - 1) // time_step
    assert X.shape == Y.shape == (n_batches, batch_size, time_step)
    np.testing.assert_array_equal(Y, X + 1)  # the target is the next step
    for k in range(n_batches - 1):
        np.testing.assert_array_equal(X[k + 1][:, 0], X[k][:, -1] + 1)  # row i of batch k+1 continues row i of batch k
    starts = X[0][:, 0]
    np.testing.assert_array_equal(starts, np.arange(batch_size) * (steps // batch_size))  # contiguous streams


def test_stateful_batches_keep_features_last():
    from lstm_helpers.sequences import stateful_batches

    X, Y = stateful_batches(np.arange(40.0).reshape(20, 2), batch_size=2, time_step=3)
    assert X.shape == (3, 2, 3, 2)
    np.testing.assert_array_equal(X[0, 1, 0], [20.0, 21.0])


@pytest.mark.parametrize(
    "series, batch_size, time_step, message",
    [
        (np.zeros((2, 2, 2)), 1, 1, r"series must have shape \(steps,\) or \(steps, features\)"),
        (np.arange(10), 0, 2, r"batch_size must be an integer >= 1, got 0"),
        (np.arange(10), 2, 0, r"time_step must be an integer >= 1, got 0"),
        (np.arange(10), 3, 3, r"series must have at least batch_size·\(time_step \+ 1\) = 12 steps, got 10"),
    ],
)
def test_stateful_batches_reject_bad_input(series, batch_size, time_step, message):
    from lstm_helpers.sequences import stateful_batches

    with pytest.raises(ValueError, match=message):
        stateful_batches(series, batch_size, time_step)


# ---------------------------------------------------------------- issue 14: no silent wrong answer


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda: Vocabulary("abc"), TypeError, r"tokens must be a collection of strings .*got a single string 'abc'"),
        (lambda: Vocabulary.from_text("a b", level="word", specials="<pad>"), TypeError,
         r"specials must be a collection of strings .*got a single string '<pad>'"),
        (lambda: Vocabulary(("a", 1)), TypeError, r"tokens must hold only strings, got 1 \(int\)"),
        (lambda: Vocabulary({"b", "a"}), TypeError, r"tokens must be an ordered sequence of strings .*got a set"),
        (lambda: Vocabulary({"b": 1, "a": 0}), TypeError, r"tokens must be an ordered sequence of strings .*got a dict"),
        (lambda: Vocabulary.from_text("a b", specials={"<pad>", "<s>"}), TypeError,
         r"specials must be an ordered sequence"),
        (lambda: Vocabulary(("a", "")), ValueError, r"tokens must hold non-empty strings, got '' at position 1"),
        (lambda: Vocabulary.from_text("a b", specials=("<pad>", "<pad>")), ValueError,
         r"specials must be distinct, got repeated \['<pad>'\]"),
        (lambda: Vocabulary(("a", "b"), unknown=0), TypeError, r"unknown must be a str or None, got 0 \(int\)"),
        (lambda: Vocabulary.from_text("a b", unknown=["<unk>"]), TypeError,
         r"unknown must be a str or None, got \['<unk>'\]"),
        (lambda: Vocabulary(("a",), level=["char"]), ValueError, r"level must be 'char' or 'word', got \['char'\]"),
    ],
)
def test_vocabulary_refuses_a_string_or_unordered_collection_of_tokens(make, error, message):
    with pytest.raises(error, match=message):
        make()


def test_vocabulary_accepts_tokens_from_an_iterator():
    vocab = Vocabulary(iter(["x", "y"]))
    assert vocab.tokens == ("x", "y") and vocab.decode([1, 0]) == "yx"


@pytest.mark.parametrize(
    "text, error, message",
    [
        ([1, 2], TypeError, r"text must hold only strings, got 1 \(int\)"),  # was [unk, unk]
        (b"the", TypeError, r"text must be a str or a sequence of str tokens, got bytes b'the'"),  # was 3 × unk
        (None, TypeError, r"text must be a collection of strings, got NoneType"),
        ({"the", "cat"}, TypeError, r"text must be an ordered sequence of strings"),
    ],
)
def test_encode_refuses_what_is_neither_text_nor_tokens(text, error, message):
    vocab = Vocabulary.from_text("the cat the dog", level="word", unknown="<unk>")
    with pytest.raises(error, match=message):
        vocab.encode(text)


def test_decode_refuses_text_and_accepts_no_ids():
    vocab = Vocabulary.from_text("the cat", level="word")
    with pytest.raises(TypeError, match=r"ids must be an array of integer ids, got a str 'the'; Vocabulary\.encode"):
        vocab.decode("the")
    assert vocab.decode([]) == "" and vocab.encode([]).shape == (0,)


def test_one_hot_of_an_empty_list_is_empty():
    assert one_hot([], 3).shape == (0, 3)


@pytest.mark.parametrize("dtype", ["U1", object, complex, None, "no-such-type"])
def test_one_hot_refuses_a_dtype_that_is_not_a_number(dtype):
    with pytest.raises(TypeError, match=r"dtype must be a float, integer or bool dtype"):
        one_hot([1], 3, dtype=dtype)  # "U1" gave ['F', 'T', 'F']; None gave float64


@pytest.mark.parametrize("dtype", [np.float64, np.int8, bool, "float16"])
def test_one_hot_accepts_numeric_and_bool_dtypes(dtype):
    assert one_hot([1], 3, dtype=dtype).dtype == np.dtype(dtype)


@pytest.mark.parametrize(
    "values, error, message",
    [
        (["1", "nan", "3"], ValueError, r"values must be numeric, got dtype <U3"),  # was parsed as numbers
        ([1.0, None, 3.0], ValueError, r"values must be numeric, got dtype object"),
        ([True, False], ValueError, r"values must be numeric, got dtype bool"),
        ([1 + 1j, np.nan], ValueError, r"values must be numeric, got dtype complex128"),
        ("1.0", TypeError, r"values must be an array of numbers, got a str '1\.0'"),
        (np.ma.masked_array([1.0, 0.0, 3.0], mask=[0, 1, 0]), TypeError,
         r"values must be a plain array, got a masked array"),
        ([], ValueError, r"values must contain at least one observed value, got an empty series"),
    ],
)
def test_fill_missing_refuses_what_is_not_a_numeric_series(values, error, message):
    with pytest.raises(error, match=message):
        fill_missing(values)


def test_fill_missing_does_not_overflow_between_huge_values():
    big = np.finfo(np.float64).max
    filled = fill_missing([big, np.nan, np.nan, -big])  # the difference of the neighbours overflows
    assert np.isfinite(filled).all() and filled[0] == big and filled[-1] == -big
    np.testing.assert_allclose(filled[1:3], [big / 3, -big / 3], rtol=1e-12)


@pytest.mark.parametrize(
    "series, error, message",
    [
        (np.arange(6) + 1j, ValueError, r"series must be numeric, got dtype complex128"),
        (np.array([None] * 6), ValueError, r"series must be numeric, got dtype object"),
        ("abcdef", TypeError, r"series must be an array of numbers, got a str 'abcdef'"),
        ([[1.0, 2.0], [3.0]], ValueError, r"series must be a rectangular array of numbers, got list"),
        (np.zeros((6, 0)), ValueError, r"series must have at least one feature, got shape \(6, 0\)"),
        (np.ma.masked_invalid([1.0, np.nan, 3.0, 4.0]), TypeError, r"series must be a plain array, got a masked array"),
    ],
)
def test_make_windows_refuses_what_is_not_a_real_series(series, error, message):
    with pytest.raises(error, match=message):
        make_windows(series, 2)


@pytest.mark.parametrize("shape", [(8,), (8, 1), (8, 3)])
@pytest.mark.parametrize("time_step", [1, 3])
def test_make_windows_never_returns_views_of_the_series(shape, time_step):
    series = np.arange(np.prod(shape), dtype=float).reshape(shape)
    before = series.copy()
    X, y = make_windows(series, time_step)
    assert X.flags.writeable and y.flags.writeable  # time_step=1 gave a read-only view
    assert not np.shares_memory(X, series) and not np.shares_memory(y, series)
    X[...] = -1.0
    y[...] = -1.0
    np.testing.assert_array_equal(series, before)


@pytest.mark.parametrize("batch_size", [1, 2])
@pytest.mark.parametrize("features", [None, 1, 2])
def test_stateful_batches_never_return_views_of_the_series(batch_size, features):
    series = np.arange(30.0) if features is None else np.arange(30.0 * features).reshape(30, features)
    before = series.copy()
    X, Y = stateful_batches(series, batch_size, 4)
    assert X.flags.writeable and Y.flags.writeable
    assert not np.shares_memory(X, series) and not np.shares_memory(Y, series)  # batch_size=1 wrote through
    X[...] = -1.0
    Y[...] = -1.0
    np.testing.assert_array_equal(series, before)


@pytest.mark.parametrize(
    "series, batch_size, error, message",
    [
        (np.array(list("abcdefghijkl")), 2, ValueError, r"series must be numeric, got dtype <U1"),
        (np.array([1.0, np.nan, 3, 4, 5, 6]), 2, ValueError, r"series must be finite, got 1 nan/inf values of 6"),
        (np.array([True, False] * 6), 2, ValueError, r"series must be numeric, got dtype bool"),
        (np.zeros((12, 0)), 2, ValueError, r"series must have at least one feature"),
        ("abcdefghijkl", 2, TypeError, r"series must be an array of numbers, got a str"),
        (np.arange(12), 2.0, ValueError, r"batch_size must be an integer >= 1, got 2\.0"),
    ],
)
def test_stateful_batches_refuse_what_is_not_a_finite_numeric_series(series, batch_size, error, message):
    with pytest.raises(error, match=message):
        stateful_batches(series, batch_size, 2)


@pytest.mark.parametrize("flag", ["False", 0, None, np.array([True])])
def test_count_batches_refuses_a_drop_remainder_that_is_not_a_bool(flag):
    with pytest.raises(TypeError, match=r"drop_remainder must be True or False, got"):
        count_batches(9, 4, flag)  # "False" counted as true


@pytest.mark.parametrize(
    "X, y, kwargs, error, message",
    [
        (np.array([None] * 3), np.arange(3), {}, ValueError, r"X must be numeric, got dtype object"),
        (np.arange(3), np.array(list("abc")), {}, ValueError, r"y must be numeric, got dtype <U1"),
        (np.array([1.0, np.nan, 3.0]), np.arange(3), {}, ValueError, r"X must be finite, got 1 nan/inf values of 3"),
        (np.arange(3), np.arange(3) + 0j, {}, ValueError, r"y must be numeric, got dtype complex128"),
        ("abc", np.arange(3), {}, TypeError, r"X must be an array of numbers, got a str"),
        (np.arange(3), np.arange(3), {"shuffle": "no"}, TypeError, r"shuffle must be True or False, got 'no'"),
        (np.arange(3), np.arange(3), {"drop_remainder": "False"}, TypeError, r"drop_remainder must be True or False"),
        (np.arange(3), np.arange(3), {"rng": np.random.RandomState(0)}, TypeError,
         r"rng must be a numpy\.random\.Generator or None, got RandomState"),
        (np.arange(3), np.arange(3), {"rng": 0, "shuffle": True}, TypeError,
         r"rng must be a numpy\.random\.Generator or None, got int"),
    ],
)
def test_iterate_batches_refuses_bad_arrays_and_flags_at_the_call(X, y, kwargs, error, message):
    with pytest.raises(error, match=message):
        iterate_batches(X, y, 2, **kwargs)


def test_iterate_batches_returns_copies_and_accepts_lists():
    X = np.arange(6.0).reshape(3, 2)
    batches = list(iterate_batches(X.tolist(), [0, 1, 2], 2))
    assert batches[0][0].dtype == np.float64 and batches[0][1].tolist() == [0, 1]
    for xb, _ in iterate_batches(X, np.arange(3), 3):
        assert not np.shares_memory(xb, X)
