"""Tests of lstm_helpers.decoding: greedy, beam and exhaustive search on small numpy models.

The models are step functions as the module docstring defines them: a bigram table (stateless), a
tiny random RNN (state ``{"h": …}``), and a table of next-token probabilities per prefix (state: the
prefix), with which the tests build the cases that show what beam search does and does not promise.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers import decoding
from lstm_helpers.decoding import (
    Hypothesis,
    beam_search,
    exhaustive_search,
    greedy_decode,
    log_softmax,
    normalised_score,
    reorder_state,
)

END = 0


def bigram_model(vocab_size, seed, sharpness=2.0):
    """p(next | last) from a random table; the start token is ``vocab_size`` (a row of its own)."""
    table = log_softmax(np.random.default_rng(seed).normal(size=(vocab_size + 1, vocab_size)) * sharpness)
    return (lambda state, token_ids: (table[token_ids], state)), ()


def rnn_model(vocab_size, seed, units=3, sharpness=2.0):
    """A tiny random RNN: h' = tanh(E[token] + h W), log p = log_softmax(h' W_y); state {"h": (k, units)}."""
    rng = np.random.default_rng(seed)
    embedding = rng.normal(size=(vocab_size + 1, units))
    W_h, W_y = rng.normal(size=(units, units)), rng.normal(size=(units, vocab_size)) * sharpness

    def step(state, token_ids):
        h = np.tanh(embedding[token_ids] + state["h"] @ W_h)
        return log_softmax(h @ W_y), {"h": h}

    return step, {"h": np.zeros((1, units))}


def prefix_model(probabilities, vocab_size, start_id, max_length=16):
    """A model given as a table {prefix: next-token probabilities} (uniform for prefixes not listed).

    The state is the prefix so far, as a (k, max_length) int array padded with −1.
    """
    def step(state, token_ids):
        new_state = state.copy()
        rows = []
        for i, token in enumerate(token_ids):
            if token != start_id:
                new_state[i, np.argmax(state[i] < 0)] = token
            prefix = tuple(int(t) for t in new_state[i] if t >= 0)
            rows.append(probabilities.get(prefix, np.full(vocab_size, 1.0 / vocab_size)))
        with np.errstate(divide="ignore"):  # probability 0 is log-probability −inf, which is allowed
            return np.log(np.array(rows)), new_state

    return step, np.full((1, max_length), -1)


def replayed_log_probs(step_fn, start_state, start_id, tokens):
    """log p(y_t | y_<t) of each token, by running the model along ``tokens`` alone (k = 1)."""
    state, last, values = start_state, start_id, []
    for token in tokens:
        log_probs, state = step_fn(state, np.array([last]))
        values.append(float(log_probs[0, token]))
        last = token
    return values


# --- constructed cases ----------------------------------------------------------------------------
# Tokens: 0 = end, 1 = a, 2 = b; the start token is 3.


def test_greedy_takes_the_most_likely_token_at_every_step():
    step_fn, state = prefix_model({(): [0.1, 0.5, 0.4], (1,): [0.2, 0.7, 0.1], (1, 1): [0.6, 0.3, 0.1]}, 3, 3)
    result = greedy_decode(step_fn, state, 3, END, 10)
    assert result == Hypothesis((1, 1, 0), pytest.approx(np.log(0.5 * 0.7 * 0.6)),
                                pytest.approx(np.log(0.5 * 0.7 * 0.6)), True)


def test_beam_of_width_two_finds_a_more_likely_sequence_than_greedy():
    """Greedy takes a (0.6), then can only end with 0.4: 0.24. Beam keeps b (0.4), which ends with 0.9: 0.36."""
    step_fn, state = prefix_model({(): [0.0, 0.6, 0.4], (1,): [0.4, 0.3, 0.3], (2,): [0.9, 0.05, 0.05]}, 3, 3)
    greedy = greedy_decode(step_fn, state, 3, END, 2)
    beam = beam_search(step_fn, state, 3, END, beam_width=2, max_length=2)[0]
    assert greedy.tokens == (1, 0) and greedy.log_prob == pytest.approx(np.log(0.24))
    assert beam.tokens == (2, 0) and beam.log_prob == pytest.approx(np.log(0.36))
    assert beam.log_prob > greedy.log_prob
    assert exhaustive_search(step_fn, state, 3, END, 2)[0].tokens == (2, 0)


def test_pruning_can_leave_beam_search_below_greedy():
    """Beam search does not guarantee a log P at least greedy's, even with no length normalisation.

    Greedy: a (0.5), then end (0.34): P = 0.17. With width 2 the beam holds a and b (0.4); b's two
    continuations, 0.4 · 0.5 = 0.2 each, push greedy's 0.17 out at step 2, and then end with
    probability 0.5: the best the beam finds, b a end, has P = 0.2 · 0.5 = 0.1 < 0.17.
    """
    table = {(): [0.1, 0.5, 0.4], (1,): [0.34, 0.33, 0.33], (2,): [0.0, 0.5, 0.5],
             (2, 1): [0.5, 0.25, 0.25], (2, 2): [0.5, 0.25, 0.25]}
    step_fn, state = prefix_model(table, 3, 3)
    greedy = greedy_decode(step_fn, state, 3, END, 3)
    beam = beam_search(step_fn, state, 3, END, beam_width=2, max_length=3)
    assert greedy.tokens == (1, 0) and greedy.log_prob == pytest.approx(np.log(0.17))
    assert beam[0].tokens == (2, 1, 0) and beam[0].finished
    assert beam[0].log_prob == pytest.approx(np.log(0.1)) and beam[0].log_prob < greedy.log_prob
    assert all(hypothesis.log_prob < greedy.log_prob for hypothesis in beam)
    wide = beam_search(step_fn, state, 3, END, beam_width=3, max_length=3)[0]  # keeps greedy's a end
    assert wide.tokens == greedy.tokens


def test_length_normalisation_can_prefer_a_less_likely_longer_sequence():
    """end at once has P = 0.55; a⁹ end has P = 0.45 · 0.98⁸ · 0.99 ≈ 0.38, but a score ≈ −0.39 > log 0.55 with λ = 1."""
    table = {(): [0.55, 0.45]}
    for length in range(1, 9):
        table[(1,) * length] = [0.02, 0.98]
    table[(1,) * 9] = [0.99, 0.01]
    step_fn, state = prefix_model(table, 2, 2)
    greedy = greedy_decode(step_fn, state, 2, END, 12)
    raw = beam_search(step_fn, state, 2, END, beam_width=2, max_length=12, length_penalty=0.0)[0]
    normalised = beam_search(step_fn, state, 2, END, beam_width=2, max_length=12, length_penalty=1.0)[0]
    expected = np.log(0.45) + 8 * np.log(0.98) + np.log(0.99)
    assert greedy.tokens == raw.tokens == (0,)
    assert normalised.tokens == (1,) * 9 + (0,) and normalised.finished
    assert normalised.log_prob == pytest.approx(expected) and normalised.log_prob < greedy.log_prob
    assert normalised.score == pytest.approx(expected / (15 / 6)) and normalised.score > greedy.log_prob


def test_a_finished_hypothesis_outranks_a_cut_one_that_scores_lower():
    step_fn, state = prefix_model({(): [0.3, 0.7], (1,): [0.1, 0.9]}, 2, 2)
    result = beam_search(step_fn, state, 2, END, beam_width=2, max_length=2)
    # candidates: (0,) 0.3 finished; (1, 1) 0.63 cut; (1, 0) 0.07 finished
    assert [h.tokens for h in result] == [(1, 1), (0,)]
    assert [h.finished for h in result] == [False, True]


@pytest.mark.parametrize("vocab_size, max_length, end_id", [(2, 1, END), (3, 3, END), (4, 3, END), (3, 4, None), (2, 5, END)])
@pytest.mark.parametrize("model", [bigram_model, rnn_model])
def test_beam_as_wide_as_every_sequence_returns_what_exhaustive_search_finds(model, vocab_size, max_length, end_id):
    step_fn, state = model(vocab_size, seed=vocab_size * 10 + max_length)
    everything = vocab_size**max_length
    beam = beam_search(step_fn, state, vocab_size, end_id, beam_width=everything, max_length=max_length,
                       length_penalty=0.6)
    exact = exhaustive_search(step_fn, state, vocab_size, end_id, max_length, length_penalty=0.6, n_best=None)
    assert beam[0].tokens == exact[0].tokens
    assert sorted(h.tokens for h in beam) == sorted(h.tokens for h in exact)
    np.testing.assert_allclose([h.score for h in beam], [h.score for h in exact], rtol=1e-12)


def test_without_an_end_token_every_hypothesis_has_max_length_tokens():
    step_fn, state = rnn_model(3, seed=0)
    result = beam_search(step_fn, state, 3, None, beam_width=4, max_length=5)
    assert len(result) == 4 and all(len(h.tokens) == 5 and not h.finished for h in result)
    assert len(greedy_decode(step_fn, state, 3, None, 5).tokens) == 5


def test_the_state_can_be_any_pytree_as_a_keras_decoder_gives_it():
    """(h, c) in a tuple, a namedtuple, a dict holding constants and None: the same search as a flat state."""
    step_fn, state = rnn_model(4, seed=3)
    Pair = namedtuple("Pair", "h c")

    def nested_step(nested, token_ids):
        assert nested["constant"].shape[0] == len(token_ids) and nested["nothing"] is None
        log_probs, new = step_fn({"h": nested["pair"].h}, token_ids)
        return log_probs, {"pair": Pair(new["h"], nested["pair"].c), "constant": nested["constant"],
                           "nothing": None, "list": [nested["list"][0]]}

    nested_state = {"pair": Pair(state["h"], np.zeros((1, 2))), "constant": np.arange(6.0).reshape(1, 2, 3),
                    "nothing": None, "list": [np.ones((1, 1))]}
    flat = beam_search(step_fn, state, 4, END, 3, 5)
    nested = beam_search(nested_step, nested_state, 4, END, 3, 5)
    assert [h.tokens for h in flat] == [h.tokens for h in nested]


def test_log_softmax_and_normalised_score_follow_their_formulas():
    np.testing.assert_allclose(log_softmax(np.array([1.0, 2.0, 3.0])), np.log(np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum()))
    np.testing.assert_array_equal(log_softmax(np.array([[1000.0, 0.0]]))[0, 0], 0.0)  # no overflow
    assert normalised_score(-3.0, 1, 0.0) == -3.0
    assert normalised_score(-3.0, 7, 1.0) == pytest.approx(-1.5)  # (5 + 7) / 6 = 2
    assert normalised_score(-3.0, 13, 0.5) == pytest.approx(-3.0 / np.sqrt(3.0))
    assert normalised_score(-np.inf, 2, 1.0) == -np.inf


def test_exhaustive_search_refuses_a_model_too_large_to_enumerate():
    step_fn, state = bigram_model(10, seed=0)
    with pytest.raises(ValueError, match=r"^exhaustive_search would enumerate up to V\^max_length = 10\^6 sequences"):
        exhaustive_search(step_fn, state, 10, END, 6)


# --- input checks ---------------------------------------------------------------------------------

GOOD_STEP, GOOD_STATE = bigram_model(3, seed=0)


def returning(log_probs, state=None):
    """A step function that returns fixed log-probabilities (and echoes the state unless one is given)."""
    return lambda given_state, token_ids: (log_probs, given_state if state is None else state)


@pytest.mark.parametrize("step_fn, start_state, error, message", [
    ("model", (), TypeError, r"^step_fn must be a callable \(state, token_ids\) -> \(log_probs, new_state\), got str"),
    (lambda s, t: np.zeros((1, 3)), (), TypeError, r"^step_fn must return a pair \(log_probs, new_state\), got ndarray"),
    (lambda s, t: (1, 2, 3), (), TypeError, r"^step_fn must return a pair .* got tuple of length 3"),
    (returning(np.log(np.ones((1, 3)) / 3).ravel()), (), ValueError,
     r"^step_fn's log_probs must have shape \(k, V\) = \(1, V\), got \(3,\)"),
    (returning(np.array([[0.0, np.nan]])), (), ValueError, r"^step_fn's log_probs must be log-probabilities .* got 1 nan/\+inf"),
    (returning(np.array([[1.0, 2.0, 0.5]])), (), ValueError,
     r"^step_fn's log_probs must be normalised .* got logsumexp 2\.464 in row 0: apply log_softmax to logits"),
    (returning(np.full((1, 2), -np.inf)), (), ValueError, r"^step_fn's log_probs must be normalised"),
    (returning(np.array([["a", "b"]])), (), TypeError, r"^step_fn's log_probs must hold real numbers"),
    (returning(np.log([[0.5, 0.5]])), (), ValueError, r"^end_id must be a token id < V = 2 \(the width of step_fn's log_probs\), got 2"),
    (GOOD_STEP, np.zeros((2, 3)), ValueError, r"^start_state must have leading dimension k = 1 .* got shape \(2, 3\)"),
    (GOOD_STEP, {"h": "abc"}, TypeError, r"^start_state\['h'\] must be an array, got a str"),
    (GOOD_STEP, [np.float64(1.0)], ValueError, r"^start_state\[0\] must have a leading hypothesis axis, got a scalar"),
    (GOOD_STEP, (object(),), TypeError, r"^start_state\[0\] must be an array of numbers, got dtype object"),
    (returning(np.log([[0.2, 0.3, 0.5]]), state=np.zeros((3, 1))), (), ValueError,
     r"^step_fn's new_state must have leading dimension k = 1"),
])
def test_searches_refuse_a_step_function_or_state_that_breaks_the_protocol(step_fn, start_state, error, message):
    end_id = 2 if "end_id" in message else END
    for search in (lambda: greedy_decode(step_fn, start_state, 3, end_id, 3),
                   lambda: beam_search(step_fn, start_state, 3, end_id, 2, 3),
                   lambda: exhaustive_search(step_fn, start_state, 3, end_id, 3)):
        with pytest.raises(error, match=message):
            search()


def test_searches_refuse_a_vocabulary_that_changes_between_steps():
    calls = []

    def growing(state, token_ids):
        calls.append(1)
        return log_softmax(np.zeros((len(token_ids), 2 + len(calls)))), state

    with pytest.raises(ValueError, match=r"^step_fn's log_probs must have shape \(k, V\) = \(1, 3\), got \(1, 4\)"):
        greedy_decode(growing, (), 5, None, 3)


@pytest.mark.parametrize("kwargs, error, message", [
    (dict(start_id=-1), ValueError, r"^start_id must be an integer >= 0, got -1"),
    (dict(end_id=1.0), ValueError, r"^end_id must be an integer >= 0, got 1.0"),
    (dict(beam_width=0), ValueError, r"^beam_width must be an integer >= 1, got 0"),
    (dict(max_length=True), ValueError, r"^max_length must be an integer >= 1, got True"),
    (dict(length_penalty=-0.5), ValueError, r"^length_penalty must be >= 0.0, got -0.5"),
    (dict(length_penalty="0.6"), TypeError, r"^length_penalty must be a real number, got '0.6'"),
    (dict(n_best=0), ValueError, r"^n_best must be an integer >= 1, got 0"),
])
def test_beam_search_refuses_bad_arguments(kwargs, error, message):
    arguments = dict(start_id=3, end_id=END, beam_width=2, max_length=3) | kwargs
    with pytest.raises(error, match=message):
        beam_search(GOOD_STEP, GOOD_STATE, **arguments)


@pytest.mark.parametrize("args, error, message", [
    ((0.5, 2, 1.0), ValueError, r"^log_prob must be a log-probability <= 0, got 0.5"),
    ((np.nan, 2, 1.0), ValueError, r"^log_prob must be a log-probability <= 0, got nan"),
    ((True, 2, 1.0), TypeError, r"^log_prob must be a real number, got True"),
    ((-1.0, 0, 1.0), ValueError, r"^length must be an integer >= 1, got 0"),
    ((-1.0, 2, np.inf), ValueError, r"^length_penalty must be finite, got inf"),
])
def test_normalised_score_refuses_bad_arguments(args, error, message):
    with pytest.raises(error, match=message):
        normalised_score(*args)


@pytest.mark.parametrize("logits, error, message", [
    (2.0, ValueError, r"^logits must have shape \(\.\.\., vocab_size\) with vocab_size >= 1, got \(\)"),
    (np.zeros((2, 0)), ValueError, r"^logits must have shape .* got \(2, 0\)"),
    (np.array([0.0, np.inf]), ValueError, r"^logits must be finite, got 1 nan/inf values of 2"),
    ("abc", TypeError, r"^logits must be an array of numbers, got a str"),
])
def test_log_softmax_refuses_bad_logits(logits, error, message):
    with pytest.raises(error, match=message):
        log_softmax(logits)


@pytest.mark.parametrize("state, indices, error, message", [
    (np.zeros((3, 2)), np.array([0.0]), TypeError, r"^indices must hold integers, got dtype float64"),
    (np.zeros((3, 2)), np.zeros((1, 1), int), ValueError, r"^indices must have shape \(m,\), got \(1, 1\)"),
    (np.zeros((3, 2)), np.array([3]), ValueError, r"^indices must be in \[0, 3\) \(the state's leading dimension\), got 3 … 3"),
    ((np.zeros((3, 2)), np.zeros((2, 2))), np.array([0]), ValueError,
     r"^state\[1\] must have leading dimension k = 3 .* got shape \(2, 2\)"),
    ({"h": "abc"}, np.array([0]), TypeError, r"^state\['h'\] must be an array, got a str"),
])
def test_reorder_state_refuses_bad_input(state, indices, error, message):
    with pytest.raises(error, match=message):
        reorder_state(state, indices)


# --- properties (hypothesis) ----------------------------------------------------------------------


@st.composite
def models(draw, max_vocab=4, max_length=4):
    """(step_fn, start_state, vocab_size, start_id, end_id, max_length): a small random bigram or RNN model."""
    vocab_size = draw(st.integers(2, max_vocab))
    model = draw(st.sampled_from([bigram_model, rnn_model]))
    step_fn, state = model(vocab_size, draw(st.integers(0, 2**16)), sharpness=draw(st.sampled_from([0.5, 2.0, 5.0])))
    end_id = draw(st.sampled_from([END, None]))
    return step_fn, state, vocab_size, vocab_size, end_id, draw(st.integers(1, max_length))


@given(model=models(max_length=6), length_penalty=st.sampled_from([0.0, 0.6, 2.0]))
def test_beam_of_width_one_is_greedy_decoding(model, length_penalty):
    step_fn, state, _, start_id, end_id, max_length = model
    greedy = greedy_decode(step_fn, state, start_id, end_id, max_length)
    (beam,) = beam_search(step_fn, state, start_id, end_id, 1, max_length, length_penalty=length_penalty)
    assert beam.tokens == greedy.tokens and beam.finished == greedy.finished
    assert beam.log_prob == pytest.approx(greedy.log_prob, rel=1e-12)


@settings(max_examples=30)
@given(model=models(), length_penalty=st.sampled_from([0.0, 0.6, 2.0]))
def test_beam_as_wide_as_every_sequence_equals_exhaustive_search_and_narrower_beams_never_beat_it(model, length_penalty):
    step_fn, state, vocab_size, start_id, end_id, max_length = model
    exact = exhaustive_search(step_fn, state, start_id, end_id, max_length, length_penalty=length_penalty, n_best=None)
    full = beam_search(step_fn, state, start_id, end_id, vocab_size**max_length, max_length,
                       length_penalty=length_penalty)
    assert [h.tokens for h in full] == [h.tokens for h in exact] or (
        sorted(h.tokens for h in full) == sorted(h.tokens for h in exact)
        and np.allclose([h.score for h in full], [h.score for h in exact], rtol=1e-12))
    assert full[0].score == pytest.approx(exact[0].score, rel=1e-12)
    for width in (1, 2, 3):
        narrow = beam_search(step_fn, state, start_id, end_id, width, max_length, length_penalty=length_penalty)
        assert narrow[0].score <= exact[0].score + 1e-12


@given(model=models(max_length=6), beam_width=st.integers(1, 5), length_penalty=st.sampled_from([0.0, 0.6, 2.0]),
       n_best=st.none() | st.integers(1, 4))
def test_beam_results_are_sorted_sums_of_step_log_probs_and_the_start_state_is_unchanged(model, beam_width,
                                                                                         length_penalty, n_best):
    step_fn, state, _, start_id, end_id, max_length = model
    before = {key: value.copy() for key, value in state.items()} if isinstance(state, dict) else state
    result = beam_search(step_fn, state, start_id, end_id, beam_width, max_length, length_penalty, n_best)
    assert 1 <= len(result) <= (beam_width if n_best is None else n_best)
    scores = [h.score for h in result]
    assert scores == sorted(scores, reverse=True)
    assert len({h.tokens for h in result}) == len(result)
    for h in result:
        assert isinstance(h, Hypothesis)
        assert h.log_prob == pytest.approx(sum(replayed_log_probs(step_fn, state, start_id, h.tokens)), rel=1e-12)
        assert h.score == pytest.approx(normalised_score(h.log_prob, len(h.tokens), length_penalty), rel=1e-12)
        assert h.finished == (h.tokens[-1] == end_id) and end_id not in h.tokens[:-1]
        assert h.finished or len(h.tokens) == max_length  # cut only at the length limit
    for i, h in enumerate(result):  # an unfinished hypothesis never ranks above a finished one that scores higher
        assert all(other.score <= h.score for other in result[i + 1:] if other.finished)
    if isinstance(state, dict):
        np.testing.assert_array_equal(state["h"], before["h"])


@given(model=models(max_length=6))
def test_greedy_decoding_takes_the_argmax_of_every_step(model):
    step_fn, state, _, start_id, end_id, max_length = model
    result = greedy_decode(step_fn, state, start_id, end_id, max_length)
    assert result.score == result.log_prob
    last = start_id
    for token in result.tokens:
        log_probs, state = step_fn(state, np.array([last]))
        assert token == int(np.argmax(log_probs[0]))
        last = token
    assert result.finished or len(result.tokens) == max_length


@given(rows=st.integers(1, 5), data=st.data())
def test_reorder_state_takes_rows_of_every_leaf_and_composes(rows, data):
    state = {"h": np.arange(rows * 2.0).reshape(rows, 2), "pair": (np.arange(rows), None), "list": [np.arange(rows * 3).reshape(rows, 3, 1)]}
    first = np.array(data.draw(st.lists(st.integers(0, rows - 1), min_size=1, max_size=6)))
    second = np.array(data.draw(st.lists(st.integers(0, len(first) - 1), min_size=0, max_size=6)), dtype=int)
    once = reorder_state(state, first)
    np.testing.assert_array_equal(once["h"], state["h"][first])
    assert once["pair"][1] is None and isinstance(once["pair"], tuple) and isinstance(once["list"], list)
    twice = reorder_state(once, second)
    np.testing.assert_array_equal(twice["list"][0], state["list"][0][first[second]])
    np.testing.assert_array_equal(state["h"], np.arange(rows * 2.0).reshape(rows, 2))  # unchanged


@given(logits=st.lists(st.floats(-500, 500), min_size=1, max_size=8), shift=st.floats(-1000, 1000))
def test_log_softmax_rows_are_normalised_shift_free_and_keep_the_argmax(logits, shift):
    logits = np.array(logits)
    log_probs = log_softmax(logits)
    assert abs(np.log(np.exp(log_probs).sum())) < 1e-12 and (log_probs <= 0).all()
    np.testing.assert_allclose(log_softmax(logits + shift), log_probs, atol=1e-9)
    assert log_probs[np.argmax(logits)] == log_probs.max()


@given(log_prob=st.floats(-100, -1e-3), length=st.integers(1, 50), length_penalty=st.floats(0, 3))
def test_normalised_score_is_log_prob_at_zero_penalty_and_grows_with_length_otherwise(log_prob, length, length_penalty):
    assert normalised_score(log_prob, length, 0.0) == log_prob
    score, longer = normalised_score(log_prob, length, length_penalty), normalised_score(log_prob, length + 1, length_penalty)
    assert log_prob <= score <= 0 and (longer >= score if length_penalty > 0 else longer == score)


def test_module_constants_are_what_the_docstrings_promise():
    assert decoding.EXHAUSTIVE_LIMIT == 100_000 and 0 < decoding.LOG_NORMALISATION_TOLERANCE <= 1e-3
