"""Tests of lstm_helpers.language_model: perplexity, bits, the unigram and bigram baselines, temperature sampling."""

from __future__ import annotations

from fractions import Fraction

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers.language_model import (
    BigramModel,
    UnigramModel,
    bigram_nll,
    bits_per_token,
    perplexity,
    sample_next,
    sample_ngram,
    softmax_with_temperature,
    token_nll,
    unigram_nll,
)

# ---------------------------------------------------------------- perplexity and bits


@pytest.mark.parametrize("vocab_size", [1, 2, 65, 10_000])
def test_uniform_guess_has_perplexity_vocab_size_and_log2_bits(vocab_size):
    nll = -np.log(1.0 / vocab_size)  # cross-entropy of the uniform distribution
    assert perplexity(nll) == pytest.approx(vocab_size)
    assert bits_per_token(nll) == pytest.approx(np.log2(vocab_size))


def test_perplexity_and_bits_are_two_views_of_one_number():
    for nll in (0.0, 0.5, 1.47, 4.75):
        assert perplexity(nll) == pytest.approx(2.0 ** bits_per_token(nll))


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf"), "1.0", True, None])
def test_scores_refuse_a_bad_nll(bad):
    for score in (perplexity, bits_per_token):
        with pytest.raises(ValueError, match="nll must be"):
            score(bad)


# ---------------------------------------------------------------- unigram baseline


def test_unigram_nll_is_the_cross_entropy_of_smoothed_frequencies():
    train = np.array([0, 0, 0, 1, 2, 2])
    evaluation = np.array([0, 2, 3])
    counts = np.array([3, 1, 2, 0]) + 0.5
    p = counts / counts.sum()
    expected = -np.mean(np.log(p[evaluation]))
    assert unigram_nll(train, evaluation, vocab_size=4, smoothing=0.5) == pytest.approx(expected)


def test_unigram_of_a_uniform_text_has_perplexity_near_vocab_size():
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 50, size=200_000)
    assert perplexity(unigram_nll(ids[:100_000], ids[100_000:], vocab_size=50)) == pytest.approx(50, rel=0.01)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"train_ids": np.array([0.5])}, "train_ids must hold integers"),
        ({"eval_ids": np.array([], dtype=int)}, "eval_ids must have shape"),
        ({"eval_ids": np.array([[0]])}, "eval_ids must have shape"),
        ({"train_ids": np.array([0, 5])}, "train_ids must hold ids in 0 … 3"),
        ({"eval_ids": np.array([-1])}, "eval_ids must hold ids"),
        ({"vocab_size": 0}, "vocab_size must be an integer >= 1"),
        ({"smoothing": 0.0}, "smoothing must be a positive number"),
    ],
)
def test_unigram_nll_names_the_bad_argument(kwargs, message):
    arguments = {"train_ids": np.array([0, 1]), "eval_ids": np.array([1]), "vocab_size": 4, **kwargs}
    with pytest.raises(ValueError, match=message):
        unigram_nll(**arguments)


# ---------------------------------------------------------------- temperature


def test_temperature_one_is_the_plain_softmax_and_rows_sum_to_one():
    logits = np.random.default_rng(1).normal(size=(3, 7)) * 5
    p = softmax_with_temperature(logits, 1.0)
    np.testing.assert_allclose(p, np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True))
    np.testing.assert_allclose(p.sum(axis=1), 1.0)


def test_low_temperature_sharpens_and_high_temperature_flattens():
    logits = np.array([2.0, 1.0, 0.5, -1.0])

    def entropy(p):
        return -np.sum(p * np.log(p))

    entropies = [entropy(softmax_with_temperature(logits, t)) for t in (0.25, 0.5, 1.0, 2.0, 8.0)]
    assert np.all(np.diff(entropies) > 0)
    assert softmax_with_temperature(logits, 1e-3).argmax() == logits.argmax()
    assert softmax_with_temperature(logits, 1e-3).max() == pytest.approx(1.0)
    np.testing.assert_allclose(softmax_with_temperature(logits, 1e6), 0.25, atol=1e-5)


def test_large_logits_do_not_overflow():
    p = softmax_with_temperature(np.array([1000.0, 999.0]), 0.1)
    assert np.isfinite(p).all() and p[0] > 0.9999


@pytest.mark.parametrize("bad", [0.0, -1.0, float("inf"), "1", True])
def test_softmax_refuses_a_bad_temperature(bad):
    with pytest.raises(ValueError, match="temperature must be a positive finite number"):
        softmax_with_temperature(np.zeros(3), bad)


def test_softmax_refuses_bad_logits():
    with pytest.raises(ValueError, match="logits must have shape"):
        softmax_with_temperature(np.float64(1.0), 1.0)
    with pytest.raises(ValueError, match="logits must be finite, got 1 nan/inf"):
        softmax_with_temperature(np.array([0.0, np.nan]), 1.0)
    for not_numbers in (["a", "b"], np.array([True, False]), [None, 1.0]):
        with pytest.raises(ValueError, match="logits must hold numbers"):
            softmax_with_temperature(not_numbers, 1.0)


# ---------------------------------------------------------------- sampling


def test_sample_frequencies_match_the_tempered_distribution():
    logits = np.log(np.array([[0.5, 0.3, 0.2]]))
    rng = np.random.default_rng(2)
    for temperature in (0.5, 1.0, 2.0):
        draws = np.array([sample_next(logits, temperature, rng)[0] for _ in range(20_000)])
        frequencies = np.bincount(draws, minlength=3) / draws.size
        np.testing.assert_allclose(frequencies, softmax_with_temperature(logits[0], temperature), atol=0.015)


def test_one_temperature_per_row_and_reproducible_draws():
    logits = np.tile(np.array([[3.0, 0.0, 0.0, 0.0]]), (2, 1))
    rng_a, rng_b = np.random.default_rng(3), np.random.default_rng(3)
    a = [sample_next(logits, [0.05, 50.0], rng_a) for _ in range(400)]
    b = [sample_next(logits, [0.05, 50.0], rng_b) for _ in range(400)]
    np.testing.assert_array_equal(a, b)
    a = np.array(a)
    assert np.all(a[:, 0] == 0)  # nearly greedy row
    assert len(set(a[:, 1])) == 4  # nearly uniform row visits every token


@pytest.mark.parametrize(
    "logits, temperature, rng, message",
    [
        (np.zeros(3), 1.0, np.random.default_rng(), "logits must have shape \\(batch, V\\)"),
        (np.zeros((2, 3)), [1.0, 1.0, 1.0], np.random.default_rng(), "temperature must be a number or have shape"),
        (np.zeros((2, 3)), [1.0, 0.0], np.random.default_rng(), "temperature\\[1\\] must be a positive finite number, got 0.0"),
        (np.zeros((2, 3)), 1.0, 0, "rng must be a numpy.random.Generator"),
        (np.array([["a", "b"]]), 1.0, np.random.default_rng(), "logits must hold numbers"),
    ],
)
def test_sample_next_names_the_bad_argument(logits, temperature, rng, message):
    with pytest.raises(ValueError, match=message):
        sample_next(logits, temperature, rng)


# ---------------------------------------------------------------- token_nll


def test_token_nll_matches_the_log_softmax_and_keras(keras):
    rng = np.random.default_rng(4)
    logits = rng.normal(size=(3, 5, 11)) * 4
    targets = rng.integers(0, 11, size=(3, 5))
    p = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    expected = -np.log(np.take_along_axis(p, targets[..., None], axis=-1)[..., 0])
    np.testing.assert_allclose(token_nll(logits, targets), expected, rtol=1e-12)
    theirs = keras.losses.sparse_categorical_crossentropy(targets, logits, from_logits=True)
    np.testing.assert_allclose(token_nll(logits, targets), keras.ops.convert_to_numpy(theirs), rtol=1e-5)


def test_token_nll_of_huge_logits_is_finite():
    assert np.isfinite(token_nll(np.array([[1e4, -1e4]]), np.array([1]))).all()


@pytest.mark.parametrize(
    "logits, targets, message",
    [
        (np.zeros((2, 3)), np.array([0, 1, 2]), "logits must have shape"),
        (np.zeros((2, 3)), np.array([0, 3]), "targets must be ids in 0 … 2"),
        (np.zeros((2, 3)), np.array([0.0, 1.0]), "targets must hold integers"),
        (np.full((1, 3), np.inf), np.array([0]), "logits must be finite"),
        (np.array([["x", "y"]]), np.array([0]), "logits must hold numbers"),
    ],
)
def test_token_nll_names_the_bad_argument(logits, targets, message):
    with pytest.raises(ValueError, match=message):
        token_nll(logits, targets)


# ---------------------------------------------------------------- issue 14: no silent wrong answer


class _FixedDraws(np.random.Generator):
    """A Generator whose uniform draws are all ``value`` (the extremes of [0, 1) that sampling must survive)."""

    def __init__(self, value):
        super().__init__(np.random.PCG64(0))
        self.value = value

    def random(self, size=None, dtype=np.float64, out=None):
        return np.full(size, self.value)


@pytest.mark.parametrize(
    "logits, temperature, expected",
    [
        ([1e308, -1e308], 1.0, [1.0, 0.0]),  # the difference of the logits overflows
        ([1e308, -1e308], 0.5, [1.0, 0.0]),  # logits / τ overflows
        ([3.0, 1.0], 1e-310, [1.0, 0.0]),  # a subnormal temperature
        ([1.0, 2.0, 2.0], 1e-30, [0.0, 0.5, 0.5]),  # τ → 0: the argmax, ties share
        ([1e300, -1e300, 0.0], 1e300, [np.e, 1 / np.e, 1.0]),  # a huge τ: finite ratios
    ],
)
def test_softmax_of_extreme_logits_and_temperatures_is_a_distribution(logits, temperature, expected):
    p = softmax_with_temperature(np.array(logits), temperature)
    assert np.isfinite(p).all() and p.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(p / p.sum(), np.array(expected) / np.sum(expected), rtol=1e-6, atol=1e-300)


@pytest.mark.parametrize("temperature", [1e-30, 1e-310])
def test_sampling_at_a_vanishing_temperature_is_the_argmax(temperature):
    logits = np.array([[1e308, -1e308, 0.0], [0.0, 5.0, 4.0]])
    assert sample_next(logits, temperature, np.random.default_rng(0)).tolist() == [0, 1]


@pytest.mark.parametrize("draw", [0.0, np.nextafter(1.0, 0.0)])
def test_sampling_never_draws_a_token_of_probability_zero(draw):
    logits = np.array([[-1e3, 0.0, 5.0, -1e3], [5.0, -1e3, -1e3, -1e3]])  # probabilities [0, ~0, 1, 0], [1, 0, 0, 0]
    assert sample_next(logits, 1e-3, _FixedDraws(draw)).tolist() == [2, 0]


def test_token_nll_of_extreme_logits_is_exact_or_refused():
    assert token_nll(np.array([[1e308, 0.0]]), np.array([1])).tolist() == [1e308]
    with pytest.raises(ValueError, match=r"logits must span less than the largest float64 .* NLL of 1 targets overflows"):
        token_nll(np.array([[1e308, -1e308]]), np.array([1]))


def test_perplexity_refuses_an_nll_whose_exponential_overflows():
    assert perplexity(709.0) == pytest.approx(np.exp(709.0))
    with pytest.raises(ValueError, match=r"nll must be <= 709.78 nats for exp\(nll\) to be a finite float64, got 1000.0"):
        perplexity(1000.0)


def test_bits_per_token_of_a_huge_nll_is_finite():
    assert bits_per_token(1e300) == pytest.approx(1e300 / np.log(2), rel=1e-15)
    assert bits_per_token(1e4) == pytest.approx(1e4 / np.log(2), rel=1e-15)


def test_unigram_smoothing_must_be_finite_and_a_huge_one_gives_the_uniform_model():
    with pytest.raises(ValueError, match=r"smoothing must be a positive number \(finite\), got inf"):
        unigram_nll([0, 1], [1], vocab_size=4, smoothing=float("inf"))
    assert unigram_nll([0, 1], [1], vocab_size=4, smoothing=1e308) == pytest.approx(np.log(4))


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: softmax_with_temperature([[1.0, 2.0], [1.0]], 1.0), r"logits must be a rectangular array, got a ragged list"),
        (lambda: sample_next(np.zeros((0, 3)), 1.0, np.random.default_rng(0)),
         r"logits must have shape \(batch, V\) with batch >= 1 and V >= 1, got \(0, 3\)"),
        (lambda: sample_next(np.zeros((2, 3)), [1.0, float("nan")], np.random.default_rng(0)),
         r"temperature\[1\] must be a positive finite number, got nan"),
        (lambda: token_nll(np.zeros((2, 0)), np.zeros(2, dtype=int)), r"logits must have V >= 1 scores per target, got shape \(2, 0\)"),
        (lambda: token_nll(np.zeros((2, 3)), [[0], [1, 2]]), r"targets must be a rectangular array, got a ragged list"),
        (lambda: unigram_nll([[0], [1, 2]], [0], 3), r"train_ids must be a rectangular array, got a ragged list"),
    ],
)
def test_language_model_helpers_name_the_bad_argument(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_0d_arrays_are_numbers_for_nll_and_temperature():
    assert perplexity(np.array(np.log(4.0))) == pytest.approx(4.0)
    np.testing.assert_allclose(softmax_with_temperature([0.0, np.log(3.0)], np.array(1.0)), [0.25, 0.75])
    assert sample_next(np.array([[0.0, 50.0]]), np.array(1.0), np.random.default_rng(0)).tolist() == [1]


# ---------------------------------------------------------------- n-gram baselines (issue 15)

# train = 0 1 2 0 1 0 with V = 3, smoothing 1, worked out by hand:
# unigram counts (3, 2, 1) + 1 = (4, 3, 2) over 9;
# pairs 01 12 20 01 10: c(0, ·) = (0, 2, 0), c(1, ·) = (1, 0, 1), c(2, ·) = (1, 0, 0);
# c(a) = (2, 2, 1), T(a) = (1, 2, 1); p(b | a) = (c(a, b) + T(a) p_uni(b)) / (c(a) + T(a)).
HAND_TRAIN = [0, 1, 2, 0, 1, 0]
HAND_UNIGRAM = [Fraction(4, 9), Fraction(3, 9), Fraction(2, 9)]
HAND_BIGRAM = [
    [Fraction(4, 27), Fraction(21, 27), Fraction(2, 27)],  # after 0: ((0, 2, 0) + (4, 3, 2)/9) / 3
    [Fraction(17, 36), Fraction(6, 36), Fraction(13, 36)],  # after 1: ((1, 0, 1) + 2·(4, 3, 2)/9) / 4
    [Fraction(13, 18), Fraction(3, 18), Fraction(2, 18)],  # after 2: ((1, 0, 0) + (4, 3, 2)/9) / 2
]


def test_bigram_probabilities_match_witten_bell_worked_by_hand():
    model = BigramModel(HAND_TRAIN, vocab_size=3)
    np.testing.assert_allclose(model.unigram.probabilities, np.array(HAND_UNIGRAM, dtype=float), rtol=1e-15)
    np.testing.assert_allclose(model.next_probabilities([0, 1, 2]), np.array(HAND_BIGRAM, dtype=float), rtol=1e-14)


def test_bigram_nll_is_the_mean_of_the_hand_probabilities_of_each_next_token():
    evaluation = [2, 0, 0, 1]  # scored: p(0 | 2), p(0 | 0), p(1 | 0)
    expected = -np.mean(np.log([float(HAND_BIGRAM[2][0]), float(HAND_BIGRAM[0][0]), float(HAND_BIGRAM[0][1])]))
    assert bigram_nll(HAND_TRAIN, evaluation, vocab_size=3) == pytest.approx(expected, rel=1e-14)


def test_bigram_falls_back_on_the_unigram_after_an_unseen_context():
    model = BigramModel([0, 1, 0], vocab_size=4)  # 2 and 3 are never a context; 1 is the last token once
    np.testing.assert_allclose(model.next_probabilities([3])[0], model.unigram.probabilities)
    np.testing.assert_allclose(model.log_probabilities([3, 3], [0, 2]), np.log(model.unigram.probabilities[[0, 2]]))
    single = BigramModel([2], vocab_size=3)  # no pair at all: the unigram everywhere
    np.testing.assert_allclose(single.next_probabilities([0, 2]), np.tile(single.unigram.probabilities, (2, 1)))


def test_unigram_model_gives_the_probabilities_of_unigram_nll():
    train, evaluation = np.array([0, 0, 0, 1, 2, 2]), np.array([0, 2, 3])
    model = UnigramModel(train, vocab_size=4, smoothing=0.5)
    assert -model.log_probabilities(evaluation, evaluation).mean() == pytest.approx(
        unigram_nll(train, evaluation, vocab_size=4, smoothing=0.5), rel=1e-15)
    np.testing.assert_allclose(model.next_probabilities([0, 3]), np.tile(model.probabilities, (2, 1)))


def test_bigram_beats_the_unigram_on_text_with_local_structure():
    rng = np.random.default_rng(0)
    text = np.repeat(rng.integers(0, 20, size=5_000), 2)  # every token is said twice: "aabbcc…"
    train, evaluation = text[:8_000], text[8_000:]
    assert bigram_nll(train, evaluation, vocab_size=20) < unigram_nll(train, evaluation[1:], vocab_size=20) - 0.5


def test_bigram_model_copies_train_ids_and_its_arrays_are_read_only():
    train = np.array(HAND_TRAIN)
    model = BigramModel(train, vocab_size=3)
    train[:] = 0
    np.testing.assert_allclose(model.next_probabilities([0]), [np.array(HAND_BIGRAM[0], dtype=float)])
    for array in (model.train_ids, model.pair_keys, model.pair_counts, model.context_counts, model.unigram.probabilities):
        with pytest.raises(ValueError, match="read-only"):
            array[0] = 1


@settings(max_examples=30)
@given(train=hnp.arrays(np.int64, st.integers(1, 60), elements=st.integers(0, 7)),
       smoothing=st.floats(1e-3, 1e3))
def test_every_bigram_row_is_a_distribution_and_matches_log_probabilities(train, smoothing):
    model = BigramModel(train, vocab_size=8, smoothing=smoothing)
    rows = model.next_probabilities(np.arange(8))
    assert (rows > 0).all()
    np.testing.assert_allclose(rows.sum(axis=1), 1.0, rtol=1e-12)
    context, following = np.repeat(np.arange(8), 8), np.tile(np.arange(8), 8)
    np.testing.assert_allclose(model.log_probabilities(context, following), np.log(rows.ravel()), rtol=1e-12)


def test_sample_ngram_stops_before_the_stop_token_and_respects_max_length():
    model = BigramModel([3, 0, 1, 2, 3, 0, 1, 2, 3], vocab_size=4)
    for seed in range(20):
        ids = sample_ngram(model, start_id=3, stop_id=3, max_length=6, rng=np.random.default_rng(seed))
        assert ids.dtype == np.int64 and ids.ndim == 1 and len(ids) <= 6 and 3 not in ids
    # at a vanishing temperature every draw is the most likely successor: 3 → 0 → 1 → 2 → stop
    cold = sample_ngram(model, 3, 3, max_length=10, rng=np.random.default_rng(0), temperature=1e-6)
    assert cold.tolist() == [0, 1, 2]


def test_sample_ngram_first_draws_follow_the_tempered_model():
    model = BigramModel(HAND_TRAIN, vocab_size=3)
    rng = np.random.default_rng(3)
    draws = [sample_ngram(model, 1, stop_id=2, max_length=1, rng=rng, temperature=0.5) for _ in range(4000)]
    tempered = np.array(HAND_BIGRAM[1], dtype=float) ** 2
    tempered /= tempered.sum()  # p^(1/τ) renormalised, τ = 1/2
    observed_stop = np.mean([len(d) == 0 for d in draws])
    observed_zero = np.mean([len(d) == 1 and d[0] == 0 for d in draws])
    assert observed_stop == pytest.approx(tempered[2], abs=0.025)
    assert observed_zero == pytest.approx(tempered[0], abs=0.025)


@settings(max_examples=25)
@given(train=hnp.arrays(np.int64, st.integers(2, 40), elements=st.integers(0, 5)), seed=st.integers(0, 2**16),
       temperature=st.floats(0.05, 5.0))
def test_samples_hold_only_vocabulary_ids_and_never_the_stop_id(train, seed, temperature):
    for model in (UnigramModel(train, vocab_size=6), BigramModel(train, vocab_size=6)):
        ids = sample_ngram(model, int(train[0]), 5, max_length=30, rng=np.random.default_rng(seed), temperature=temperature)
        assert ids.size <= 30 and (0 <= ids).all() and (ids < 5).all()


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: BigramModel(np.array([], dtype=int), 3), ValueError, r"train_ids must have shape \(n_tokens,\) with n_tokens >= 1, got \(0,\)"),
        (lambda: BigramModel([0, 3], 3), ValueError, r"train_ids must hold ids in 0 … 2, got 0 … 3"),
        (lambda: BigramModel([0.5], 3), ValueError, r"train_ids must hold integers"),
        (lambda: BigramModel([0, 1], 0), ValueError, r"vocab_size must be an integer >= 1"),
        (lambda: BigramModel([0, 1], 2.0), ValueError, r"vocab_size must be an integer >= 1, got 2\.0"),
        (lambda: BigramModel([0, 1], 3, smoothing=0), ValueError, r"smoothing must be a positive number"),
        (lambda: UnigramModel([[0], [1]], 3), ValueError, r"train_ids must have shape \(n_tokens,\)"),
        (lambda: BigramModel([0, 1], 3).next_probabilities([3]), ValueError, r"context_ids must hold ids in 0 … 2"),
        (lambda: BigramModel([0, 1], 3).log_probabilities([0, 1], [1]), ValueError,
         r"context_ids and next_ids must have the same shape \(n,\), got \(2,\) and \(1,\)"),
        (lambda: UnigramModel([0, 1], 3).log_probabilities([0], [-1]), ValueError, r"next_ids must hold ids in 0 … 2"),
        (lambda: bigram_nll([0, 1], [1], 3), ValueError, r"eval_ids must have shape \(n_tokens,\) with n_tokens >= 2, got \(1,\)"),
        (lambda: sample_ngram("model", 0, 0, 5, np.random.default_rng(0)), TypeError,
         r"model must be a UnigramModel or BigramModel, got str"),
        (lambda: sample_ngram(BigramModel([0, 1], 3), 3, 0, 5, np.random.default_rng(0)), ValueError,
         r"start_id must be an id in 0 … 2, got 3"),
        (lambda: sample_ngram(BigramModel([0, 1], 3), 0, -1, 5, np.random.default_rng(0)), ValueError,
         r"stop_id must be an integer >= 0, got -1"),
        (lambda: sample_ngram(BigramModel([0, 1], 3), 0, 3, 5, np.random.default_rng(0)), ValueError,
         r"stop_id must be an id in 0 … 2, got 3"),
        (lambda: sample_ngram(BigramModel([0, 1], 3), 0, 0, 0, np.random.default_rng(0)), ValueError,
         r"max_length must be an integer >= 1, got 0"),
        (lambda: sample_ngram(BigramModel([0, 1], 3), 0, 0, 5, 0), ValueError, r"rng must be a numpy\.random\.Generator"),
        (lambda: sample_ngram(BigramModel([0, 1], 3), 0, 0, 5, np.random.default_rng(0), temperature=0.0), ValueError,
         r"temperature must be a positive finite number, got 0\.0"),
    ],
)
def test_ngram_helpers_name_the_bad_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()
