"""Tests of lstm_helpers.embeddings: cosine, neighbours, GloVe reading, Embedding initialisation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from lstm_helpers import data
from lstm_helpers.embeddings import CoverageReport, WordVectors, cosine_similarity, embedding_matrix, load_glove

# A small vocabulary whose geometry is known by construction.
TOY = WordVectors(
    ("east", "north", "northeast", "west", "south"),
    np.array([[1, 0], [0, 1], [1, 1], [-1, 0], [0, -1]], dtype=np.float32),
)

# ---------------------------------------------------------------- cosine_similarity


def test_cosine_of_two_vectors_is_a_float():
    assert cosine_similarity([1.0, 0.0], [1.0, 1.0]) == pytest.approx(math.cos(math.pi / 4))
    assert isinstance(cosine_similarity([1.0, 2.0], [3.0, 4.0]), float)


def test_cosine_ignores_length_and_spans_minus_one_to_one():
    assert cosine_similarity([2.0, 0.0], [5.0, 0.0]) == pytest.approx(1.0)
    assert cosine_similarity([2.0, 0.0], [-0.1, 0.0]) == pytest.approx(-1.0)
    assert cosine_similarity([1.0, 0.0], [0.0, 3.0]) == pytest.approx(0.0)


@pytest.mark.parametrize("m, k", [(1, 1), (3, 4), (5, 1)])
def test_cosine_matrix_matches_pairwise_loop(m, k):
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(m, 6)), rng.normal(size=(k, 6))
    expected = [[float(x @ y / np.linalg.norm(x) / np.linalg.norm(y)) for y in b] for x in a]
    np.testing.assert_allclose(cosine_similarity(a, b), expected, rtol=1e-12)


def test_cosine_vector_against_matrix_gives_one_value_per_row():
    rows = np.array([[1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]])
    np.testing.assert_allclose(cosine_similarity([1.0, 0.0], rows), [1.0, 0.0, -1.0], atol=1e-12)
    np.testing.assert_allclose(cosine_similarity(rows, [1.0, 0.0]), [1.0, 0.0, -1.0], atol=1e-12)


@pytest.mark.parametrize(
    "a, b, message",
    [
        ([0.0, 0.0], [1.0, 0.0], r"a must not contain a zero vector .* at row 0"),
        ([[1.0, 0.0], [0.0, 1.0]], [[1.0, 1.0], [0.0, 0.0]], r"b must not contain a zero vector .* at row 1"),
        ([1.0, 0.0, 0.0], [1.0, 0.0], r"a and b must have the same vector size d, got a \(3,\) and b \(2,\)"),
        (np.ones((2, 2, 2)), [1.0, 0.0], r"a must have shape \(d,\) or \(n_vectors, d\) with d >= 1, got \(2, 2, 2\)"),
        ([], [1.0], r"a must have shape .* got \(0,\)"),
    ],
)
def test_cosine_rejects_bad_input(a, b, message):
    with pytest.raises(ValueError, match=message):
        cosine_similarity(a, b)


# ---------------------------------------------------------------- WordVectors


def test_word_vectors_unpack_and_index():
    words, vectors = TOY
    assert words == TOY.words and vectors.dtype == np.float32 and vectors.shape == (5, 2)
    assert len(TOY) == 5 and TOY.dim == 2 and "east" in TOY and "up" not in TOY
    np.testing.assert_array_equal(TOY.vector("west"), [-1, 0])


def test_most_similar_ranks_by_cosine_and_skips_the_query():
    assert [w for w, _ in TOY.most_similar("east", k=4)] == ["northeast", "north", "south", "west"]
    word, score = TOY.most_similar("east", k=1)[0]
    assert word == "northeast" and score == pytest.approx(math.cos(math.pi / 4))


def test_most_similar_batched_equals_one_by_one():
    batched = TOY.most_similar(["east", "north", "west"], k=2)
    assert batched == [TOY.most_similar(w, k=2) for w in ("east", "north", "west")]


def test_most_similar_accepts_a_vector_and_exclusions():
    assert TOY.most_similar(np.array([1.0, 0.1]), k=1) == [("east", pytest.approx(cosine_similarity([1, 0.1], [1, 0])))]
    assert [w for w, _ in TOY.most_similar(np.array([1.0, 0.1]), k=2, exclude=["east"])] == ["northeast", "north"]


def test_most_similar_never_returns_more_than_the_candidates():
    assert len(TOY.most_similar("east", k=50, exclude=["west"])) == 3


def test_analogy_adds_and_subtracts_directions():
    # east - west + south = (2, -1). With west, east and south excluded, northeast (cosine 1/√10)
    # beats north (cosine -1/√5).
    assert TOY.analogy("west", "east", "south", k=1)[0][0] == "northeast"


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: TOY.most_similar("up"), r"word must be in the vocabulary of 5 words, got 'up'"),
        (lambda: TOY.most_similar(["east", "up"]), r"got 'up'"),
        (lambda: TOY.most_similar(np.zeros(2)), r"query must not contain a zero vector"),
        (lambda: TOY.most_similar(np.ones(3)), r"query vectors must have size d=2, got shape \(3,\)"),
        (lambda: TOY.most_similar("east", k=0), r"k must be an integer >= 1, got 0"),
        (lambda: TOY.analogy("man", "east", "west"), r"got 'man'"),
        (lambda: TOY.vector("up"), r"got 'up'"),
    ],
)
def test_word_vector_queries_reject_bad_input(call, message):
    with pytest.raises(ValueError, match=message):
        call()


@pytest.mark.parametrize(
    "words, vectors, message",
    [
        (("a", "b"), np.zeros((3, 2)), r"vectors must have shape \(len\(words\), d\) = \(2, d\).* got \(3, 2\)"),
        ((), np.zeros((0, 2)), r"with at least one word, got \(0, 2\)"),
        (("a", "a"), np.ones((2, 2)), r"words must be distinct, got 1 repeated"),
    ],
)
def test_word_vectors_reject_inconsistent_input(words, vectors, message):
    with pytest.raises(ValueError, match=message):
        WordVectors(words, vectors)


# ---------------------------------------------------------------- load_glove


def write(tmp_path, text: str, name="glove.txt"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_load_glove_reads_words_and_float32_matrix(tmp_path):
    path = write(tmp_path, "the 0.5 -1\nof 2 3.25\n’s 0 1e-3\n")
    glove = load_glove(path)
    assert glove.words == ("the", "of", "’s") and glove.dim == 2
    np.testing.assert_array_equal(glove.vectors, np.array([[0.5, -1], [2, 3.25], [0, 1e-3]], dtype=np.float32))


def test_load_glove_keeps_only_vocab_and_first_repeat(tmp_path):
    path = write(tmp_path, "a 1 1\nb 2 2\na 9 9\nc 3 3\n")
    assert load_glove(path).words == ("a", "b", "c")
    np.testing.assert_array_equal(load_glove(path).vector("a"), [1, 1])
    assert load_glove(path, vocab=["c", "a", "zzz"]).words == ("a", "c")


def test_load_glove_bundled_subset_matches_the_raw_file():
    glove = load_glove(data.glove_path())
    assert len(glove) == 20_000 and glove.dim == 50
    first = (data.data_dir() / data.GLOVE_SUBSET).read_text(encoding="utf-8").split("\n", 1)[0].split(" ")
    assert glove.words[0] == first[0] == "the"
    np.testing.assert_array_equal(glove.vectors[0], np.array(first[1:], dtype=np.float32))


def test_analogy_finds_queen_only_because_it_excludes_the_query_words():
    # What the analogy docstring says about the bundled vectors: without the exclusion, king wins.
    glove = load_glove(data.glove_path())
    target = glove.vector("king").astype(np.float64) - glove.vector("man") + glove.vector("woman")
    assert [word for word, _ in glove.most_similar(target, k=2)] == ["king", "queen"]
    assert glove.analogy("man", "king", "woman", k=1)[0][0] == "queen"


def test_load_glove_missing_file_says_where_glove_comes_from(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"glove\.6B\.300d\.txt not found; .*nlp\.stanford\.edu/projects/glove"):
        load_glove(tmp_path / "glove.6B.300d.txt")


@pytest.mark.parametrize(
    "text, message",
    [
        ("", r"must hold at least one 'word v1 … vd' line, got an empty file"),
        ("lonely\n", r"glove\.txt:1 must be 'word v1 … vd' with d >= 1"),
        ("a 1 2\nb 1 2 3\n", r"glove\.txt:2 has 3 values, but the first line set the dimension d=2"),
        ("a 1 2\nb 1\n", r"glove\.txt:2 has 1 values, but the first line set the dimension d=2"),
        ("a 1 2\nb 1 x\nc 1 2\n", r"glove\.txt:2 must hold 2 finite numbers after the word, got '1 x'"),
        ("a 1 2\nb 1 2\nc nan 2\n", r"glove\.txt:3 must hold 2 finite numbers after the word, got 'nan 2'"),
    ],
)
def test_load_glove_rejects_malformed_files_with_line_numbers(tmp_path, text, message):
    with pytest.raises(ValueError, match=message):
        load_glove(write(tmp_path, text))


def test_load_glove_vocab_without_overlap_raises(tmp_path):
    with pytest.raises(ValueError, match=r"vocab must share at least one word with .*glove\.txt"):
        load_glove(write(tmp_path, "a 1 2\n"), vocab=["b"])


# ---------------------------------------------------------------- embedding_matrix


def test_embedding_matrix_copies_known_rows_zeroes_padding_and_reports():
    matrix, report = embedding_matrix(["<pad>", "<unk>", "north", "qwerty", "west"], TOY, np.random.default_rng(0))
    assert matrix.shape == (5, 2) and matrix.dtype == np.float32
    np.testing.assert_array_equal(matrix[0], [0, 0])
    np.testing.assert_array_equal(matrix[2], TOY.vector("north"))
    np.testing.assert_array_equal(matrix[4], TOY.vector("west"))
    assert report == CoverageReport(n_found=2, missing=("<unk>", "qwerty"), zero_rows=("<pad>",), fill=report.fill)
    assert report.coverage == pytest.approx(0.5)
    assert "2 found, 2 missing (50.0% coverage)" in str(report)
    assert not np.array_equal(matrix[1], matrix[3]), "each missing word gets its own random row"


def test_embedding_matrix_missing_rows_have_pretrained_scale():
    rng = np.random.default_rng(1)
    big = WordVectors(tuple(f"w{i}" for i in range(2000)), rng.normal(0.3, 2.0, size=(2000, 8)))
    matrix, report = embedding_matrix([f"new{i}" for i in range(3000)], big, np.random.default_rng(2), padding=None)
    assert report.n_found == 0 and len(report.missing) == 3000 and report.zero_rows == ()
    assert matrix.mean() == pytest.approx(big.vectors.mean(), abs=0.05)
    assert matrix.std() == pytest.approx(big.vectors.std(), rel=0.03)


@pytest.mark.parametrize(
    "tokens, rng, message",
    [([], np.random.default_rng(0), r"tokens must hold at least one token, got none"), (["a"], 0, r"rng must be a numpy.random.Generator, got 0")],
)
def test_embedding_matrix_rejects_bad_input(tokens, rng, message):
    with pytest.raises(ValueError, match=message):
        embedding_matrix(tokens, TOY, rng)


# ---------------------------------------------------------------- issue 14: no silent wrong answer


@pytest.mark.parametrize("scale", [1e-310, 1e-200, 1e200, 1e300])
def test_cosine_of_huge_and_tiny_vectors_is_right(scale):
    assert cosine_similarity([scale, 0.0], [scale, scale]) == pytest.approx(math.cos(math.pi / 4), rel=1e-12)
    rows = np.array([[1.0, 0.0], [3.0, 4.0]])
    np.testing.assert_allclose(cosine_similarity(rows * scale, rows), [[1.0, 0.6], [0.6, 1.0]], rtol=1e-12)


@pytest.mark.parametrize(
    "a, error, message",
    [
        ([np.nan, 1.0], ValueError, r"a must be finite, got 1 nan/inf values of 2"),
        ([True, False], TypeError, r"a must hold real numbers \(float or int\), got dtype bool"),
        ("ab", TypeError, r"a must be an array of numbers, got a str"),
        ([1 + 1j, 0], TypeError, r"a must hold real numbers .* got dtype complex128"),
        (np.zeros((0, 2)), ValueError, r"a must hold at least one vector \(n_vectors >= 1\), got shape \(0, 2\)"),
    ],
)
def test_cosine_names_bad_vectors(a, error, message):
    with pytest.raises(error, match=message):
        cosine_similarity(a, [1.0, 1.0])


@pytest.mark.parametrize(
    "call, argument",
    [
        (lambda tmp_path: load_glove(write(tmp_path, "the 1 2\nt 3 4\n"), vocab="the"), "vocab"),
        (lambda tmp_path: embedding_matrix("king", TOY, np.random.default_rng(0)), "tokens"),
        (lambda tmp_path: TOY.most_similar("north", k=1, exclude="northeast"), "exclude"),
        (lambda tmp_path: WordVectors("abc", np.eye(3)), "words"),
        (lambda tmp_path: CoverageReport(1, "ab", (), "fill"), "missing"),
        (lambda tmp_path: CoverageReport(1, (), "<pad>", "fill"), "zero_rows"),
    ],
)
def test_a_single_string_where_a_collection_is_meant_is_refused(tmp_path, call, argument):
    with pytest.raises(TypeError, match=rf"{argument} must be a collection of strings \(e.g. a list\), got a single string"):
        call(tmp_path)


def test_word_vectors_never_share_the_callers_array_and_cannot_go_stale():
    vectors = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    words = WordVectors(["a", "b"], vectors)
    vectors[0] = [0.0, -1.0]  # the caller's array changes; the word vectors do not
    np.testing.assert_array_equal(words.vector("a"), [1.0, 0.0])
    row = words.vector("a")
    row[:] = 5.0  # a writable copy
    np.testing.assert_array_equal(words.vector("a"), [1.0, 0.0])
    with pytest.raises(ValueError, match="read-only"):
        words.vectors[0, 0] = 2.0  # the stored matrix is read-only: its neighbour index cannot go stale
    assert words.words == ("a", "b")


@pytest.mark.parametrize(
    "vectors, message",
    [
        (np.array([[np.nan, 1.0]]), r"vectors must be finite, got 1 nan/inf values of 2"),
        (np.array([[1e39, 1.0]]), r"vectors must fit in float32 \(\|value\| < 3.4e38\), got 1 values that overflow"),
    ],
)
def test_word_vectors_refuse_non_finite_values(vectors, message):
    with pytest.raises(ValueError, match=message):
        WordVectors(("a",), vectors)


def test_a_zero_vector_is_never_a_neighbour_nor_a_query():
    words = WordVectors(("a", "b", "<pad>"), np.array([[1, 0], [0, 1], [0, 0]], dtype=np.float32))
    assert words.most_similar("a", k=5) == [("b", 0.0)]
    with pytest.raises(ValueError, match=r"query must not be a word with a zero vector \(its cosine is undefined\), got '<pad>'"):
        words.most_similar("<pad>")
    with pytest.raises(ValueError, match=r"E\[b\] - E\[a\] \+ E\[c\] must not be the zero vector"):
        words.analogy("a", "a", "<pad>")


def test_most_similar_accepts_a_list_of_numbers_as_a_vector():
    assert TOY.most_similar([1.0, 0.1], k=1) == TOY.most_similar(np.array([1.0, 0.1]), k=1)
    assert TOY.most_similar([[1.0, 0.1], [0, 1]], k=1) == TOY.most_similar(np.array([[1.0, 0.1], [0, 1]]), k=1)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: TOY.most_similar([]), ValueError, r"query must hold at least one word or vector, got an empty sequence"),
        (lambda: TOY.most_similar(np.array(1.0)), ValueError, r"query must have shape \(d,\) or \(n_vectors, d\)"),
        (lambda: TOY.most_similar(["east", 1.0]), TypeError, r"query must be words or vectors, not a mix of both"),
        (lambda: TOY.most_similar(5), TypeError, r"query must be a word, a sequence of words or an array of vectors, got int"),
        (lambda: TOY.most_similar(np.array([np.nan, 1.0])), ValueError, r"query must be finite"),
        (lambda: TOY.most_similar("east", exclude=[1]), TypeError, r"exclude must hold only strings, got 1 \(int\)"),
        (lambda: TOY.index(3), TypeError, r"word must be a str, got int"),
        (lambda: ["east"] in TOY, TypeError, r"word must be a str, got list"),
        (lambda: TOY.analogy("east", ["west"], "north"), TypeError, r"b must be a str, got list"),
    ],
)
def test_word_vector_methods_name_the_bad_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_coverage_without_a_counted_token_is_refused_not_a_zero_division():
    report = CoverageReport(0, (), ("<pad>",), "fill")
    with pytest.raises(ValueError, match=r"coverage is undefined without a token besides the zero rows"):
        report.coverage
    assert "coverage undefined" in str(report)
    with pytest.raises(ValueError, match=r"n_found must be an integer >= 0, got -1"):
        CoverageReport(-1, (), (), "fill")
    with pytest.raises(TypeError, match=r"fill must be a str, got int"):
        CoverageReport(1, (), (), 3)


@pytest.mark.parametrize(
    "tokens, pretrained, padding, error, message",
    [
        (["<pad>"], TOY, "<pad>", ValueError, r"tokens must hold at least one token besides the padding token '<pad>'"),
        (["a", "b", "a"], TOY, "<pad>", ValueError, r"tokens must be distinct \(one row per id\), got 'a' at ids 0 and 2"),
        (["a", 1], TOY, "<pad>", TypeError, r"tokens must hold only strings, got 1 \(int\)"),
        (["a"], {"a": [1.0, 0.0]}, "<pad>", TypeError, r"pretrained must be a WordVectors, got dict"),
        (["a"], TOY, 0, TypeError, r"padding must be a str or NoneType, got int"),
        (["x", "y"], WordVectors(("a", "b"), np.ones((2, 2))), None, ValueError,
         r"pretrained must have vectors whose values vary \(std > 0\), so that the 2 missing tokens get distinct"),
    ],
)
def test_embedding_matrix_names_the_bad_argument(tokens, pretrained, padding, error, message):
    with pytest.raises(error, match=message):
        embedding_matrix(tokens, pretrained, np.random.default_rng(0), padding=padding)


def test_embedding_matrix_of_huge_pretrained_vectors_has_finite_random_rows():
    huge = WordVectors(tuple("abcd"), np.array([[3e37, -3e37, 3e37]] * 4, dtype=np.float32))  # float32 sums overflow
    matrix, report = embedding_matrix(["x", "y", "a"], huge, np.random.default_rng(0), padding=None)
    assert np.isfinite(matrix).all() and report.missing == ("x", "y")
    assert "mean=inf" not in report.fill and "nan" not in report.fill


@pytest.mark.parametrize(
    "make, error, message",
    [
        (lambda tmp_path: (tmp_path / "g.txt").write_bytes(b"a 1 2\n\xff 1 2\n") and tmp_path / "g.txt",
         ValueError, r"g\.txt must be UTF-8 text"),
        (lambda tmp_path: tmp_path, ValueError, r"path must be a GloVe text file, got .*, which is not a file"),
        (lambda tmp_path: 3, TypeError, r"path must be a str or PathLike, got int"),
        (lambda tmp_path: write(tmp_path, "a 1 2\n 1 2\n"), ValueError, r"glove\.txt:2 must start with a word, got an empty word"),
    ],
)
def test_load_glove_names_the_bad_file_or_argument(tmp_path, make, error, message):
    with pytest.raises(error, match=message):
        load_glove(make(tmp_path))
