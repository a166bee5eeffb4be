"""Property tests (hypothesis) of lstm_helpers.clipping, gradcheck, language_model and embeddings.

Every public helper of the four modules is covered: on good input (including huge, tiny and
subnormal values, extreme temperatures and logits) the result equals a float64 reference
computation, keeps the documented dtype, shares no memory with the input and leaves it unchanged;
on bad input (nan/inf, wrong types, a single string where a collection is meant, mismatched
shapes) it raises an error that names the argument. Nothing comes back as nan.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lstm_helpers.clipping import clip_by_global_norm, global_norm
from lstm_helpers.embeddings import CoverageReport, WordVectors, cosine_similarity, embedding_matrix, load_glove
from lstm_helpers.gradcheck import gradcheck, numerical_gradient, relative_error
from lstm_helpers.language_model import (
    bits_per_token,
    perplexity,
    sample_next,
    softmax_with_temperature,
    token_nll,
    unigram_nll,
)

# ---------------------------------------------------------------- strategies

FLOAT_DTYPES = st.sampled_from([np.float32, np.float64])
SMALL_SHAPES = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5)
NOT_FINITE = st.sampled_from([np.nan, np.inf, -np.inf])
NAMES = st.text("abcdefghij_", min_size=1, max_size=4)
WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=6)
# Something that is not a collection of strings but looks like one to a loop: a single string.
SINGLE_STRING = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=8)


def finite(dtype, max_abs: float | None = None):
    """Finite values of ``dtype`` over its whole range (huge, tiny and subnormal values included)."""
    bits = np.finfo(dtype).bits
    if max_abs is None:
        return st.floats(allow_nan=False, allow_infinity=False, width=bits)
    max_abs = min(max_abs, float(np.finfo(dtype).max))
    return st.floats(-max_abs, max_abs, allow_nan=False, width=bits)


@st.composite
def gradient_dicts(draw, max_abs: float | None = None):
    """1 to 3 named arrays of one float dtype, any finite values."""
    dtype = draw(FLOAT_DTYPES)
    names = draw(st.lists(NAMES, min_size=1, max_size=3, unique=True))
    return {name: draw(hnp.arrays(dtype, SMALL_SHAPES, elements=finite(dtype, max_abs))) for name in names}


def hypot(arrays) -> float:
    """Reference Euclidean norm of all entries, in float64 (``math.hypot`` neither overflows nor underflows)."""
    return math.hypot(*np.concatenate([np.ravel(a).astype(np.float64) for a in arrays]))


def copies(mapping):
    return {key: np.array(value, copy=True) for key, value in mapping.items()}


def assert_unchanged(before, after):
    assert before.keys() == after.keys()
    for key in before:
        np.testing.assert_array_equal(before[key], after[key])


# ---------------------------------------------------------------- clipping


@given(gradient_dicts(max_abs=1e300))
def test_global_norm_equals_a_float64_reference(gradients):
    before = copies(gradients)
    norm = global_norm(gradients)
    reference = hypot(gradients.values())
    rtol = 1e-5 if next(iter(gradients.values())).dtype == np.float32 else 1e-12
    assert isinstance(norm, float) and math.isfinite(norm)
    assert norm == pytest.approx(reference, rel=rtol, abs=0)
    assert_unchanged(before, gradients)


@given(gradient_dicts(max_abs=1e300), st.floats(1e-30, 1e30))
def test_clipping_never_lengthens_never_zeroes_keeps_dtype_and_direction(gradients, max_norm):
    before = copies(gradients)
    clipped, norm = clip_by_global_norm(gradients, max_norm)
    reference = hypot(gradients.values())
    assert clipped.keys() == gradients.keys()
    for name, g in gradients.items():
        assert clipped[name].dtype == g.dtype and clipped[name].shape == g.shape
        assert not np.shares_memory(clipped[name], g)
        assert np.isfinite(clipped[name]).all()
    clipped_norm = hypot(clipped.values())
    assert clipped_norm <= min(reference, max_norm) * (1 + 1e-4)  # never longer than the input or the limit
    if reference > 0:
        assert any(c.any() for c in clipped.values()), "a nonzero gradient must not be clipped to zeros"
        assert clipped_norm == pytest.approx(min(reference, max_norm), rel=1e-4)
        scale = min(1.0, max_norm / reference)
        largest = max(float(np.max(np.abs(g.astype(np.float64)))) for g in gradients.values()) * scale
        for name, g in gradients.items():  # one common factor: the direction is kept
            tiny = np.finfo(g.dtype).smallest_subnormal
            np.testing.assert_allclose(clipped[name].astype(np.float64), g.astype(np.float64) * scale,
                                       rtol=1e-4, atol=largest * 1e-6 + 2 * tiny)
    assert_unchanged(before, gradients)


@given(gradient_dicts(max_abs=1e3), NOT_FINITE, st.data())
def test_a_non_finite_gradient_raises_naming_it(gradients, bad, data):
    name = data.draw(st.sampled_from(sorted(gradients)))
    g = gradients[name].copy()
    g.flat[data.draw(st.integers(0, g.size - 1))] = bad
    gradients[name] = g
    for call in (lambda: global_norm(gradients), lambda: clip_by_global_norm(gradients, 1.0)):
        with pytest.raises(ValueError, match=rf"gradients\[{name!r}\] must be finite"):
            call()


@given(st.one_of(st.floats(max_value=0.0), NOT_FINITE, st.text(max_size=3), st.booleans(), st.none()))
def test_a_bad_max_norm_raises_naming_it(max_norm):
    with pytest.raises(ValueError, match=r"max_norm must be a positive finite number"):
        clip_by_global_norm({"a": np.ones(3)}, max_norm)


@given(st.one_of(st.text(max_size=5), st.lists(st.floats(allow_nan=False), max_size=3), st.none()))
def test_gradients_that_are_not_a_mapping_raise_naming_them(gradients):
    for call in (lambda: global_norm(gradients), lambda: clip_by_global_norm(gradients, 1.0)):
        with pytest.raises(TypeError, match=r"gradients must be a Mapping"):
            call()


# ---------------------------------------------------------------- gradcheck


MODERATE = st.floats(-1e10, 1e10, allow_nan=False)


@given(hnp.arrays(np.float64, SMALL_SHAPES, elements=MODERATE), st.data(), st.integers(-900, 900))
def test_relative_error_is_in_0_1_symmetric_and_scale_free(analytic, data, k):
    numerical = data.draw(hnp.arrays(np.float64, analytic.shape, elements=MODERATE))
    before = (analytic.copy(), numerical.copy())
    error = relative_error(analytic, numerical)
    assert 0.0 <= error <= 1.0 + 1e-15
    assert error == pytest.approx(relative_error(numerical, analytic), rel=1e-12, abs=1e-300)
    # Scaling both by a power of two changes nothing (not even for 2**±900, where squares over/underflow).
    assert relative_error(analytic * 2.0**k, numerical * 2.0**k) == pytest.approx(error, rel=1e-9, abs=1e-300)
    np.testing.assert_array_equal(before[0], analytic)
    np.testing.assert_array_equal(before[1], numerical)


@given(SMALL_SHAPES, SMALL_SHAPES)
def test_relative_error_refuses_shapes_that_differ(shape_a, shape_b):
    assume(shape_a != shape_b)
    with pytest.raises(ValueError, match=r"analytic and numerical must have the same shape"):
        relative_error(np.ones(shape_a), np.ones(shape_b))


@st.composite
def quadratic_problems(draw):
    """Parameters, the coefficients of L(θ) = Σ c·θ² + Σ θ, and the exact gradient 2cθ + 1."""
    names = draw(st.lists(NAMES, min_size=1, max_size=2, unique=True))
    values = st.floats(-10, 10, allow_nan=False)
    params = {name: draw(hnp.arrays(np.float64, hnp.array_shapes(max_dims=2, max_side=3), elements=values))
              for name in names}
    coefficients = {name: draw(hnp.arrays(np.float64, p.shape, elements=st.floats(0.1, 3))) for name, p in params.items()}
    return params, coefficients


def quadratic(coefficients):
    def loss(p):
        return float(sum((coefficients[k] * p[k] ** 2).sum() + p[k].sum() for k in p))
    return loss


@settings(max_examples=25)
@given(quadratic_problems())
def test_gradcheck_passes_the_exact_gradient_and_catches_a_wrong_one(problem):
    params, coefficients = problem
    exact = {k: 2 * coefficients[k] * params[k] + 1 for k in params}
    before = copies(params)
    errors = gradcheck(quadratic(coefficients), params, exact)
    assert errors.keys() == params.keys() and all(0.0 <= e < 1e-6 for e in errors.values())
    for name in params:
        np.testing.assert_allclose(numerical_gradient(quadratic(coefficients), params, name), exact[name],
                                   rtol=1e-5, atol=1e-5)
    wrong = {k: 2 * exact[k] for k in params}  # off by a factor 2: relative error 1/3
    assert all(e == pytest.approx(1 / 3, rel=1e-4) for e in gradcheck(quadratic(coefficients), params, wrong).values())
    assert_unchanged(before, params)


@settings(max_examples=25)
@given(quadratic_problems(), st.sampled_from(["params", "analytic", "loss"]), NOT_FINITE)
def test_gradcheck_never_returns_nan_it_raises_naming_the_source(problem, where, bad):
    params, coefficients = problem
    exact = {k: 2 * coefficients[k] * params[k] + 1 for k in params}
    name = sorted(params)[0]
    loss = quadratic(coefficients)
    if where == "params":
        params = {**params, name: np.full(params[name].shape, bad)}
    elif where == "analytic":
        exact = {**exact, name: np.full(exact[name].shape, bad)}
    else:
        loss = lambda p: bad  # noqa: E731
    message = {"params": rf"params\[{name!r}\] must be finite", "analytic": rf"analytic\[{name!r}\] must be finite",
               "loss": r"loss must return a finite number"}[where]
    with pytest.raises(ValueError, match=message):
        gradcheck(loss, params, exact)


@given(st.one_of(st.floats(max_value=0.0), NOT_FINITE, st.floats(1e-300, 1e-20)))
def test_numerical_gradient_refuses_an_eps_it_cannot_use(eps):
    with pytest.raises(ValueError, match=r"eps must be"):
        numerical_gradient(lambda p: float(p["w"].sum()), {"w": np.array([1.0, -3.0])}, "w", eps=eps)


# ---------------------------------------------------------------- language_model


@st.composite
def logits_arrays(draw, dims=(1, 2), max_abs=None):
    dtype = draw(FLOAT_DTYPES)
    shape = draw(hnp.array_shapes(min_dims=dims[0], max_dims=dims[1], min_side=1, max_side=6))
    return draw(hnp.arrays(dtype, shape, elements=finite(dtype, max_abs)))


TEMPERATURES = st.floats(min_value=5e-324, max_value=1e308, allow_nan=False, allow_infinity=False, allow_subnormal=True)


@given(logits_arrays(), TEMPERATURES)
def test_softmax_is_a_distribution_for_any_finite_logits_and_temperature(logits, temperature):
    before = logits.copy()
    p = softmax_with_temperature(logits, temperature)
    assert p.dtype == np.float64 and p.shape == logits.shape and not np.shares_memory(p, logits)
    assert np.isfinite(p).all() and (p >= 0).all()
    np.testing.assert_allclose(p.sum(axis=-1), 1.0, rtol=1e-12)
    # The largest logit gets the largest probability, and order is kept.
    top = np.argmax(logits, axis=-1)[..., None]
    np.testing.assert_array_equal(np.take_along_axis(p, top, axis=-1)[..., 0], p.max(axis=-1))
    np.testing.assert_array_equal(before, logits)


@given(logits_arrays(max_abs=1e5), st.floats(1e-2, 1e2))
def test_softmax_equals_a_float64_reference(logits, temperature):
    x = logits.astype(np.float64) / temperature
    reference = np.exp(x - x.max(axis=-1, keepdims=True))
    reference /= reference.sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(softmax_with_temperature(logits, temperature), reference, rtol=1e-9, atol=1e-300)


@given(st.one_of(st.floats(max_value=0.0), NOT_FINITE, st.text(max_size=3), st.booleans(), st.none()))
def test_a_bad_temperature_raises_naming_it(temperature):
    with pytest.raises(ValueError, match=r"temperature must be a positive finite number"):
        softmax_with_temperature(np.zeros(3), temperature)
    with pytest.raises(ValueError, match=r"temperature must be a positive finite number"):
        sample_next(np.zeros((1, 3)), temperature, np.random.default_rng(0))


@given(logits_arrays(), NOT_FINITE, st.data())
def test_non_finite_logits_raise_naming_them(logits, bad, data):
    logits = logits.copy()
    logits.flat[data.draw(st.integers(0, logits.size - 1))] = bad
    with pytest.raises(ValueError, match=r"logits must be finite"):
        softmax_with_temperature(logits, 1.0)
    with pytest.raises(ValueError, match=r"logits must be finite"):
        token_nll(logits, np.zeros(logits.shape[:-1], dtype=int))


@given(SINGLE_STRING)
def test_a_string_of_logits_raises_naming_them(text):
    for call in (lambda: softmax_with_temperature(text, 1.0), lambda: token_nll(text, 0),
                 lambda: sample_next(text, 1.0, np.random.default_rng(0))):
        with pytest.raises(ValueError, match=r"logits must"):
            call()


@given(logits_arrays(dims=(2, 2)), st.one_of(TEMPERATURES, st.lists(TEMPERATURES, min_size=6, max_size=6)),
       st.integers(0, 2**32 - 1))
def test_sampling_draws_a_token_of_positive_probability_reproducibly(logits, temperature, seed):
    if isinstance(temperature, list):
        temperature = temperature[: logits.shape[0]]
    before = logits.copy()
    ids = sample_next(logits, temperature, np.random.default_rng(seed))
    assert ids.dtype == np.int64 and ids.shape == (logits.shape[0],)
    assert ((ids >= 0) & (ids < logits.shape[1])).all()
    temperatures = np.broadcast_to(np.asarray(temperature, dtype=np.float64), (logits.shape[0],))
    for row, (token, t) in enumerate(zip(ids, temperatures)):
        assert softmax_with_temperature(logits[row], t)[token] > 0
    np.testing.assert_array_equal(ids, sample_next(logits, temperature, np.random.default_rng(seed)))
    np.testing.assert_array_equal(before, logits)


@given(logits_arrays(dims=(1, 3)), st.data())
def test_token_nll_is_the_negative_log_softmax_or_refused(logits, data):
    targets = data.draw(hnp.arrays(np.int64, logits.shape[:-1], elements=st.integers(0, logits.shape[-1] - 1)))
    try:
        nll = token_nll(logits, targets)
    except ValueError as error:  # only when the spread of the logits exceeds the float64 range
        assert "logits must span less than the largest float64" in str(error)
        spread = logits.astype(np.float64).max(axis=-1) - np.take_along_axis(logits, targets[..., None], -1)[..., 0]
        assert not np.isfinite(spread).all() or (spread > 1e308).any()
        return
    assert nll.dtype == np.float64 and nll.shape == targets.shape and np.isfinite(nll).all() and (nll >= 0).all()
    x = logits.astype(np.float64)
    if np.abs(x).max() < 1e5:  # float64 reference: −ln softmax
        p = softmax_with_temperature(x, 1.0)
        expected = -np.log(np.take_along_axis(p, targets[..., None], axis=-1)[..., 0])
        np.testing.assert_allclose(nll, expected, rtol=1e-9, atol=1e-12)


@given(logits_arrays(dims=(2, 2), max_abs=10), st.integers(min_value=1, max_value=100))
def test_token_nll_refuses_targets_outside_the_vocabulary(logits, offset):
    targets = np.zeros(logits.shape[0], dtype=int)
    targets[0] = logits.shape[1] - 1 + offset
    with pytest.raises(ValueError, match=r"targets must be ids in 0 …"):
        token_nll(logits, targets)


@given(st.floats(0.0, 709.78))
def test_perplexity_and_bits_equal_their_definitions(nll):
    assert perplexity(nll) == pytest.approx(math.exp(nll), rel=1e-14)
    assert perplexity(nll) >= 1.0
    assert bits_per_token(nll) == pytest.approx(nll / math.log(2), rel=1e-12, abs=1e-12)


@given(st.floats(709.8, 1e308))
def test_a_huge_nll_has_finite_bits_and_a_refused_perplexity(nll):
    assert bits_per_token(nll) == pytest.approx(nll / math.log(2), rel=1e-15)
    with pytest.raises(ValueError, match=r"nll must be <= 709.78"):
        perplexity(nll)


@given(st.one_of(st.floats(max_value=-1e-300), NOT_FINITE, st.text(max_size=3), st.booleans(), st.none()))
def test_a_bad_nll_raises_naming_it(nll):
    for score in (perplexity, bits_per_token):
        with pytest.raises(ValueError, match=r"nll must be"):
            score(nll)


@given(st.integers(1, 12), st.data(), st.floats(1e-300, 1e300))
def test_unigram_nll_equals_the_cross_entropy_of_smoothed_counts(vocab_size, data, smoothing):
    ids = st.integers(0, vocab_size - 1)
    train = np.array(data.draw(st.lists(ids, min_size=1, max_size=30)))
    evaluation = np.array(data.draw(st.lists(ids, min_size=1, max_size=30)))
    nll = unigram_nll(train, evaluation, vocab_size, smoothing)
    counts = np.bincount(train, minlength=vocab_size).astype(np.float64)
    log_p = np.log(counts / smoothing + 1.0) - np.log(counts.sum() / smoothing + vocab_size)  # scale-free reference
    assert math.isfinite(nll) and nll >= -1e-12
    assert nll == pytest.approx(float(-log_p[evaluation].mean()), rel=1e-9, abs=1e-12)


@given(st.integers(1, 12), st.one_of(st.integers(max_value=-1), st.integers(min_value=12)),
       st.one_of(st.floats(max_value=0.0), NOT_FINITE, st.booleans()))
def test_unigram_nll_refuses_ids_outside_the_vocabulary_and_bad_smoothing(vocab_size, bad_id, smoothing):
    assume(bad_id < 0 or bad_id >= vocab_size)
    with pytest.raises(ValueError, match=r"eval_ids must hold ids in 0 …"):
        unigram_nll([0], [bad_id], vocab_size)
    with pytest.raises(ValueError, match=r"smoothing must be a positive number"):
        unigram_nll([0], [0], vocab_size, smoothing)


# ---------------------------------------------------------------- embeddings


@st.composite
def vector_pairs(draw):
    """Two nonzero vectors (or matrices) of one size d, with any finite float64 values."""
    d = draw(st.integers(1, 5))
    nonzero = hnp.arrays(np.float64, d, elements=finite(np.float64)).filter(lambda v: v.any())
    a = draw(st.one_of(nonzero, st.lists(nonzero, min_size=1, max_size=3).map(np.stack)))
    b = draw(st.one_of(nonzero, st.lists(nonzero, min_size=1, max_size=3).map(np.stack)))
    return a, b


def reference_cosine(x, y):
    x, y = x / np.abs(x).max(), y / np.abs(y).max()  # exact enough: the cosine does not depend on the length
    return float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


@given(vector_pairs())
def test_cosine_equals_a_scaled_reference_for_huge_and_tiny_vectors(pair):
    a, b = pair
    before = (a.copy(), b.copy())
    cosine = cosine_similarity(a, b)
    rows_a, rows_b = np.atleast_2d(a), np.atleast_2d(b)
    expected = np.array([[reference_cosine(x, y) for y in rows_b] for x in rows_a])
    if a.ndim == 1 and b.ndim == 1:
        assert isinstance(cosine, float)
        expected = expected[0, 0]
    elif a.ndim == 1:
        expected = expected[0]
    elif b.ndim == 1:
        expected = expected[:, 0]
    assert np.all(np.abs(cosine) <= 1.0)
    np.testing.assert_allclose(cosine, expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(before[0], a)
    np.testing.assert_array_equal(before[1], b)


@given(vector_pairs(), NOT_FINITE, st.sampled_from(["a", "b"]))
def test_non_finite_or_zero_vectors_raise_naming_the_argument(pair, bad, which):
    a, b = (np.array(v, dtype=np.float64) for v in pair)
    target = a if which == "a" else b
    target.flat[0] = bad
    with pytest.raises(ValueError, match=rf"{which} must be finite"):
        cosine_similarity(a, b)
    target[...] = 0.0
    with pytest.raises(ValueError, match=rf"{which} must not contain a zero vector"):
        cosine_similarity(a, b)


@given(st.integers(1, 4), st.integers(1, 4))
def test_cosine_refuses_vector_sizes_that_differ(d_a, d_b):
    assume(d_a != d_b)
    with pytest.raises(ValueError, match=r"a and b must have the same vector size d"):
        cosine_similarity(np.ones(d_a), np.ones((2, d_b)))


@st.composite
def word_vectors(draw, min_words=1):
    words = draw(st.lists(WORD, min_size=min_words, max_size=8, unique=True))
    dtype = draw(FLOAT_DTYPES)
    values = finite(np.float32, max_abs=float(np.float32(1e30)))  # representable in float32
    vectors = draw(hnp.arrays(dtype, (len(words), draw(st.integers(1, 4))), elements=values))
    return words, vectors


@given(word_vectors(), st.one_of(st.integers(), st.floats(), st.none(), st.lists(WORD, max_size=2)))
def test_word_vectors_index_rows_by_word_and_refuse_non_string_words(pair, not_a_word):
    words, vectors = pair
    table = WordVectors(words, vectors)
    assert len(table) == len(words) and table.dim == vectors.shape[1] and table.words == tuple(words)
    unpacked_words, unpacked_vectors = table
    np.testing.assert_array_equal(unpacked_vectors, vectors.astype(np.float32))
    for i, word in enumerate(words):
        assert word in table and table.index(word) == i
        np.testing.assert_array_equal(table.vector(word), vectors[i].astype(np.float32))
    for call in (lambda: table.index(not_a_word), lambda: table.vector(not_a_word), lambda: not_a_word in table):
        with pytest.raises(TypeError, match=r"word must be a str"):
            call()


@given(word_vectors(min_words=2), st.integers(1, 10), st.data())
def test_most_similar_ranks_by_cosine_and_never_returns_excluded_or_zero_words(pair, k, data):
    words, vectors = pair
    before = vectors.copy()
    table = WordVectors(words, vectors)
    assert table.vectors.dtype == np.float32 and not np.shares_memory(table.vectors, vectors)
    nonzero = [w for w, v in zip(words, table.vectors) if v.any()]
    assume(nonzero)
    query = data.draw(st.sampled_from(nonzero))
    exclude = data.draw(st.lists(st.sampled_from(words), max_size=3))
    answer = table.most_similar(query, k=k, exclude=exclude)
    returned = [w for w, _ in answer]
    candidates = [w for w in nonzero if w != query and w not in exclude]
    assert len(returned) == min(k, len(candidates)) and set(returned) <= set(candidates)
    scores = [s for _, s in answer]
    assert scores == sorted(scores, reverse=True) and all(-1 - 1e-9 <= s <= 1 + 1e-9 for s in scores)
    for word, score in answer:
        assert score == pytest.approx(cosine_similarity(table.vector(query), table.vector(word)), abs=1e-6)
    np.testing.assert_array_equal(before, vectors)


@given(word_vectors(min_words=3), st.data())
def test_analogy_excludes_its_words_and_vector_returns_a_copy(pair, data):
    words, vectors = pair
    table = WordVectors(words, vectors)
    a, b, c = data.draw(st.permutations(words))[:3]
    row = table.vector(a)
    assert not np.shares_memory(row, table.vectors) and row.flags.writeable
    try:
        answer = table.analogy(a, b, c, k=len(words))
    except ValueError as error:  # E[b] - E[a] + E[c] = 0 has no direction
        assert "must not be the zero vector" in str(error)
        return
    assert {a, b, c}.isdisjoint(w for w, _ in answer)


@given(SINGLE_STRING)
def test_a_single_string_where_words_are_meant_raises_naming_the_argument(text):
    table = WordVectors(("north", "south"), np.array([[0.0, 1.0], [0.0, -1.0]]))
    calls = {
        "words": lambda: WordVectors(text, np.ones((len(text), 2))),
        "exclude": lambda: table.most_similar("north", exclude=text),
        "tokens": lambda: embedding_matrix(text, table, np.random.default_rng(0)),
        "missing": lambda: CoverageReport(0, text, (), "fill"),
        "vocab": lambda: load_glove(Path(__file__), vocab=text),
    }
    for argument, call in calls.items():
        with pytest.raises(TypeError, match=rf"{argument} must be a collection of strings"):
            call()


@settings(max_examples=20)
@given(word_vectors(), st.data())
def test_load_glove_reads_back_what_was_written(pair, data):
    words, vectors = pair
    vectors32 = vectors.astype(np.float32)
    lines = [" ".join([w, *(repr(float(x)) for x in row)]) for w, row in zip(words, vectors32)]
    vocab = data.draw(st.lists(st.sampled_from(words), min_size=1, max_size=len(words)))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "glove.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        everything, subset = load_glove(path), load_glove(str(path), vocab=vocab)
    assert everything.words == tuple(words)
    np.testing.assert_array_equal(everything.vectors, vectors32)
    assert subset.words == tuple(w for w in words if w in set(vocab))
    for word in subset.words:
        np.testing.assert_array_equal(subset.vector(word), everything.vector(word))


@given(word_vectors(), st.lists(WORD, min_size=1, max_size=10, unique=True), st.booleans(), st.integers(0, 2**16))
def test_embedding_matrix_copies_known_rows_zeroes_padding_and_reports_every_token(pair, extra, pad, seed):
    words, vectors = pair
    table = WordVectors(words, vectors)
    tokens = list(dict.fromkeys((["<pad>"] if pad else []) + extra + list(words[:3])))
    assume(tokens != ["<pad>"])
    before = list(tokens)
    try:
        matrix, report = embedding_matrix(tokens, table, np.random.default_rng(seed))
    except ValueError as error:  # a pretrained matrix of one repeated value cannot give distinct random rows
        assert "std > 0" in str(error) and float(table.vectors.std()) == 0
        return
    assert matrix.dtype == np.float32 and matrix.shape == (len(tokens), table.dim) and np.isfinite(matrix).all()
    assert not np.shares_memory(matrix, table.vectors)
    for i, token in enumerate(tokens):
        if token == "<pad>":
            assert not matrix[i].any()
        elif token in table:
            np.testing.assert_array_equal(matrix[i], table.vector(token))
    assert report.n_found + len(report.missing) + len(report.zero_rows) == len(tokens)
    assert report.zero_rows == (("<pad>",) if pad else ())
    assert 0.0 <= report.coverage <= 1.0 and report.coverage == report.n_found / (len(tokens) - len(report.zero_rows))
    assert tokens == before


@given(st.integers(0, 50), st.lists(WORD, max_size=5), st.lists(WORD, max_size=2))
def test_coverage_report_is_a_fraction_or_refused(n_found, missing, zero_rows):
    report = CoverageReport(n_found, missing, zero_rows, "fill")
    assert report.missing == tuple(missing) and report.zero_rows == tuple(zero_rows)
    if n_found + len(missing) == 0:
        with pytest.raises(ValueError, match=r"coverage is undefined"):
            report.coverage
        assert "coverage undefined" in str(report)
    else:
        assert report.coverage == n_found / (n_found + len(missing))
        assert f"{n_found} found, {len(missing)} missing" in str(report)


@given(st.one_of(st.integers(max_value=-1), st.floats(allow_nan=True), st.booleans(), st.text(max_size=2)))
def test_coverage_report_refuses_a_count_that_is_not_a_natural_number(n_found):
    with pytest.raises(ValueError, match=r"n_found must be an integer >= 0"):
        CoverageReport(n_found, (), (), "fill")
