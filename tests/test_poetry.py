"""Tests of lstm_helpers.poetry: the form of five-character verse, the poems' vocabulary and stream, baselines."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lstm_helpers import data
from lstm_helpers.language_model import BigramModel, UnigramModel, bigram_nll, unigram_nll
from lstm_helpers.poetry import (
    SEPARATOR,
    UNKNOWN,
    FormReport,
    form_accuracy,
    is_han,
    line_form,
    line_parity,
    poem_stream,
    poem_vocabulary,
    position_in_line,
    rare_characters,
    sample_poems,
)

QUATRAIN = "床前明月光，疑是地上霜。举头望明月，低头思故乡。"  # Li Bai, 静夜思 (simplified)
REGULATED = "国破山河在，城春草木深。感时花溅泪，恨别鸟惊心。烽火连三月，家书抵万金。白头搔更短，浑欲不胜簪。"  # Du Fu, 春望

# ---------------------------------------------------------------- line_form


@pytest.mark.parametrize("poem", [QUATRAIN, REGULATED])
def test_quatrains_and_eight_line_poems_are_regular(poem):
    report = line_form(poem)
    assert report == FormReport(
        n_lines=len(poem) // 6, line_lengths=(5,) * (len(poem) // 6), five_character_lines=True,
        couplet_punctuation=True, four_or_eight_lines=True, is_regular=True,
    )


@pytest.mark.parametrize(
    "poem, n_lines, line_lengths, five, couplets, four_or_eight",
    [
        ("", 0, (), False, False, False),
        (QUATRAIN[:-1], 4, (5, 5, 5, 5), False, False, True),  # the last line lacks its mark
        (QUATRAIN[:12], 2, (5, 5), True, True, False),  # one couplet
        (QUATRAIN + QUATRAIN[:12], 6, (5,) * 6, True, True, False),  # six lines
        (QUATRAIN.replace("，", "。", 1), 4, (5,) * 4, True, False, True),  # 。。，。
        (QUATRAIN.replace("光", "光光"), 4, (6, 5, 5, 5), False, True, True),  # six characters
        (QUATRAIN.replace("光", ""), 4, (4, 5, 5, 5), False, True, True),  # four
        (QUATRAIN + SEPARATOR, 5, (5, 5, 5, 5, 1), False, False, False),  # the separator is not stripped
        (QUATRAIN.replace("光", " "), 4, (5,) * 4, False, True, True),  # a space is not a character of the line
        (QUATRAIN.replace("，", "？", 1), 3, (11, 5, 5), False, False, False),  # ？ ends no line
        (QUATRAIN.replace("光", "A"), 4, (5,) * 4, False, True, True),
    ],
)
def test_line_form_reports_what_breaks_the_form(poem, n_lines, line_lengths, five, couplets, four_or_eight):
    report = line_form(poem)
    assert (report.n_lines, report.line_lengths) == (n_lines, line_lengths)
    assert (report.five_character_lines, report.couplet_punctuation, report.four_or_eight_lines) == (
        five, couplets, four_or_eight)
    assert not report.is_regular


def test_the_unknown_token_counts_as_a_character_unless_told_otherwise():
    poem = QUATRAIN.replace("光", UNKNOWN)
    assert line_form(poem).is_regular
    assert not line_form(poem, unknown=None).is_regular
    assert line_form(QUATRAIN.replace("光", "#"), unknown="#").is_regular


def test_characters_beyond_the_basic_block_are_han():
    # U+3509 (extension A), U+23E23 (B) and U+30B38 (G) are in the corpus after OpenCC's simplification
    assert all(is_han(c) for c in ("\u3509", "\U00023e23", "\U00030b38", "月"))
    assert not any(is_han(c) for c in ("，", "。", "□", "a", "\n", "ア", "한"))
    assert line_form(QUATRAIN.replace("光", "\U00030b38")).is_regular


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: line_form([QUATRAIN]), TypeError, r"poem must be a str, got list; score a list of poems with form_accuracy"),
        (lambda: line_form(QUATRAIN, unknown="<unk>"), TypeError, r"unknown must be None or a str of one character"),
        (lambda: line_form(QUATRAIN, unknown="，"), ValueError, r"unknown must not be a line mark or a Han character, got '，'"),
        (lambda: line_form(QUATRAIN, unknown="月"), ValueError, r"unknown must not be a line mark or a Han character"),
        (lambda: is_han("月光"), TypeError, r"character must be a str of one character, got '月光'"),
        (lambda: form_accuracy(QUATRAIN), TypeError, r"poems must be a collection of strings .*got a single string"),
        (lambda: form_accuracy([]), ValueError, r"poems must hold at least one poem, got an empty collection"),
        (lambda: form_accuracy([QUATRAIN, 3]), TypeError, r"poems must hold only strings, got 3 \(int\)"),
    ],
)
def test_form_helpers_name_the_bad_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_form_accuracy_is_the_share_of_regular_poems():
    assert form_accuracy([QUATRAIN, REGULATED, QUATRAIN[:-1], ""]) == 0.5
    assert form_accuracy((poem for poem in [QUATRAIN])) == 1.0  # any iterable of str


HAN = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF)


@st.composite
def regular_poems(draw):
    """A random poem of the form: 2 or 4 couplets of five random Han characters per line."""
    n_couplets = draw(st.sampled_from([2, 4]))
    lines = [draw(st.text(HAN, min_size=5, max_size=5)) for _ in range(2 * n_couplets)]
    return "".join(line + ("，" if k % 2 == 0 else "。") for k, line in enumerate(lines))


@given(poem=regular_poems())
def test_a_generated_poem_of_the_form_is_regular(poem):
    assert line_form(poem).is_regular


@given(poem=regular_poems(), data=st.data())
def test_any_change_of_one_mark_breaks_the_form(poem, data):
    marks = [t for t, c in enumerate(poem) if c in "，。"]
    t = data.draw(st.sampled_from(marks))
    replacement = data.draw(st.sampled_from(["，", "。", "、", "？", "！", "；", " ", "\n", "月", ""]).filter(
        lambda c: c != poem[t]))
    assert not line_form(poem[:t] + replacement + poem[t + 1:]).is_regular


@given(poem=regular_poems(), data=st.data())
def test_inserting_or_deleting_one_character_breaks_the_form(poem, data):
    t = data.draw(st.integers(0, len(poem)))
    inserted = data.draw(st.sampled_from(["月", "，", "。", " ", "\n", "a"]))
    assert not line_form(poem[:t] + inserted + poem[t:]).is_regular
    assert not line_form(poem[: min(t, len(poem) - 1)] + poem[min(t, len(poem) - 1) + 1:]).is_regular


@given(text=st.text("月光，。 \n", max_size=60))
def test_lines_are_the_marks_plus_an_unfinished_rest(text):
    report = line_form(text)
    unfinished = bool(text) and text[-1] not in "，。"
    assert report.n_lines == sum(c in "，。" for c in text) + unfinished == len(report.line_lengths)
    assert sum(report.line_lengths) + sum(c in "，。" for c in text) == len(text)


# ---------------------------------------------------------------- the corpus


@pytest.fixture(scope="module")
def poems():
    return data.load_tang_poems()


def test_every_poem_of_the_corpus_is_regular_by_line_form(poems):
    # line_form and the loader's pattern are written independently; they must agree on all 18,180
    assert form_accuracy(poems, unknown=None) == 1.0


def test_rare_character_counts_quoted_in_poem_vocabulary(poems):
    counts = Counter("".join(poems))
    han = {c: n for c, n in counts.items() if c not in "，。"}
    assert len(han) == 5_705
    n_rare, share = rare_characters(poems, max_count=4)
    assert n_rare == sum(n <= 4 for n in han.values()) == 1_954
    assert round(n_rare / len(han), 2) == 0.34 and round(share, 3) == 0.005
    assert rare_characters(poems, max_count=1)[0] == 936


# ---------------------------------------------------------------- stream and vocabulary


def test_poem_stream_ends_every_poem_with_the_separator():
    assert poem_stream([QUATRAIN, REGULATED]) == QUATRAIN + "\n" + REGULATED + "\n"


def test_poem_vocabulary_fixes_the_first_ids_and_merges_rare_characters():
    vocabulary = poem_vocabulary(["白日，白云。", "白雪，青山。"], min_count=2)
    assert vocabulary.tokens == ("\n", "，", "。", UNKNOWN, "白")
    assert vocabulary.encode("白雪，\n").tolist() == [4, 3, 1, 0]
    everything = poem_vocabulary(["白日，白云。"])
    assert everything.tokens == ("\n", "，", "。", UNKNOWN, "云", "日", "白")  # by code point: 云 U+4E91 < 日 < 白
    assert everything.unknown == UNKNOWN


def test_a_bigram_on_three_poems_matches_counts_taken_by_hand():
    poems = ["白日，白云。", "白云，青山。", "青山，白日。"]
    vocabulary = poem_vocabulary(poems)  # \n ， 。 □ 云 山 日 白 青: V = 9
    stream = vocabulary.encode(poem_stream(poems))  # 21 characters
    model = BigramModel(stream, vocab_size=len(vocabulary))
    index = {token: i for i, token in enumerate(vocabulary.tokens)}
    # unigram: 白 4, 日 2, 云 2, 青 2, 山 2, ， 3, 。 3, \n 3, □ 0; + 1 each → over 21 + 9 = 30
    p_uni = {"白": 5 / 30, "日": 3 / 30, "云": 3 / 30, "青": 3 / 30, "□": 1 / 30, "\n": 4 / 30}
    # after 白: 日 twice, 云 twice → c(白) = 4, T(白) = 2
    after_white = model.next_probabilities([index["白"]])[0]
    assert after_white[index["日"]] == pytest.approx((2 + 2 * p_uni["日"]) / 6)
    assert after_white[index["白"]] == pytest.approx((0 + 2 * p_uni["白"]) / 6)
    # after 。: \n three times (the last one ends the stream's last poem) → c = 3, T = 1
    after_stop = model.next_probabilities([index["。"]])[0]
    assert after_stop[index["\n"]] == pytest.approx((3 + p_uni["\n"]) / 4)
    assert after_stop[index["□"]] == pytest.approx(p_uni["□"] / 4)
    # after \n: 白 once, 青 once (the third \n ends the stream: no successor) → c = 2, T = 2
    after_newline = model.next_probabilities([index["\n"]])[0]
    assert after_newline[index["青"]] == pytest.approx((1 + 2 * p_uni["青"]) / 4)
    assert after_newline.sum() == pytest.approx(1.0)


@pytest.mark.parametrize(
    "call, error, message",
    [
        (lambda: poem_stream(QUATRAIN), TypeError, r"poems must be a collection of strings .*got a single string"),
        (lambda: poem_stream([]), ValueError, r"poems must hold at least one poem"),
        (lambda: poem_stream([QUATRAIN + "\n"]), ValueError, r"poems must not contain the separator '\\n', got it in poem 0"),
        (lambda: poem_vocabulary(["白□，"]), ValueError, r"poems must not contain the unknown token '□', got it in poem 0"),
        (lambda: poem_vocabulary([QUATRAIN], min_count=0), ValueError, r"min_count must be an integer >= 1, got 0"),
        (lambda: poem_vocabulary([QUATRAIN], min_count=1.5), ValueError, r"min_count must be an integer >= 1, got 1\.5"),
        (lambda: rare_characters([QUATRAIN], max_count=0), ValueError, r"max_count must be an integer >= 1, got 0"),
        (lambda: rare_characters(["", ""], max_count=1), ValueError, r"poems must hold at least one character"),
    ],
)
def test_stream_and_vocabulary_helpers_name_the_bad_argument(call, error, message):
    with pytest.raises(error, match=message):
        call()


# ---------------------------------------------------------------- sampling the baselines


@pytest.fixture(scope="module")
def small_corpus():
    poems = data.load_tang_poems()[:300]
    vocabulary = poem_vocabulary(poems, min_count=2)
    return poems, vocabulary, vocabulary.encode(poem_stream(poems))


def test_bigram_is_a_better_baseline_than_the_unigram_on_held_out_poems(small_corpus):
    _, vocabulary, stream = small_corpus
    train, evaluation = stream[:12_000], stream[12_000:]
    assert bigram_nll(train, evaluation, len(vocabulary)) < unigram_nll(train, evaluation[1:], len(vocabulary))


@settings(max_examples=10)
@given(seed=st.integers(0, 2**16), temperature=st.floats(0.3, 3.0), bigram=st.booleans())
def test_samples_are_poems_of_vocabulary_characters_without_separators(small_corpus, seed, temperature, bigram):
    _, vocabulary, stream = small_corpus
    model = (BigramModel if bigram else UnigramModel)(stream, len(vocabulary))
    samples = sample_poems(model, vocabulary, n_poems=5, rng=np.random.default_rng(seed), temperature=temperature,
                           max_length=60)
    assert len(samples) == 5
    for poem in samples:
        assert len(poem) <= 60 and SEPARATOR not in poem and set(poem) <= set(vocabulary.tokens)


def test_sampling_is_reproducible_and_baseline_samples_rarely_have_the_form(small_corpus):
    _, vocabulary, stream = small_corpus
    model = BigramModel(stream, len(vocabulary))
    first = sample_poems(model, vocabulary, 40, np.random.default_rng(5))
    assert first == sample_poems(model, vocabulary, 40, np.random.default_rng(5))
    assert form_accuracy(first) < 0.2  # a bigram does not count to five


def test_sample_poems_names_the_bad_argument(small_corpus):
    _, vocabulary, stream = small_corpus
    model = BigramModel(stream, len(vocabulary))
    rng = np.random.default_rng(0)
    with pytest.raises(TypeError, match=r"model must be a UnigramModel or BigramModel, got str"):
        sample_poems("bigram", vocabulary, 1, rng)
    with pytest.raises(TypeError, match=r"vocabulary must be a Vocabulary, got list"):
        sample_poems(model, list(vocabulary.tokens), 1, rng)
    with pytest.raises(ValueError, match=r"vocabulary must have as many tokens as the model, got 4 and model\.vocab_size="):
        sample_poems(model, poem_vocabulary(["月，"], min_count=2), 1, rng)
    with pytest.raises(ValueError, match=r"n_poems must be an integer >= 1, got 0"):
        sample_poems(model, vocabulary, 0, rng)
    other = type(vocabulary)(tokens=("a", "b"))
    with pytest.raises(ValueError, match=r"vocabulary must hold the separator '\\n'"):
        sample_poems(BigramModel([0, 1], 2), other, 1, rng)


# ---------------------------------------------------------------- properties of the stream


def test_position_and_parity_of_a_stream_by_hand():
    text = "甲乙，丙。\n丁，"
    assert position_in_line(text).tolist() == [0, 1, 2, 0, 1, -1, 0, 1]
    assert line_parity(text).tolist() == [0, 0, 0, 1, 1, -1, 0, 0]


@given(poems=st.lists(regular_poems(), min_size=1, max_size=4))
def test_a_stream_of_regular_poems_counts_0_to_5_and_alternates_couplet_lines(poems):
    text = poem_stream(poems)
    positions, parity = position_in_line(text), line_parity(text)
    separators = np.array([c == SEPARATOR for c in text])
    assert (positions[separators] == -1).all() and (parity[separators] == -1).all()
    lines = np.concatenate([np.arange(len(poem)) // 6 for poem in poems])  # line index within each poem
    np.testing.assert_array_equal(positions[~separators], np.concatenate([np.arange(len(p)) % 6 for p in poems]))
    np.testing.assert_array_equal(parity[~separators], lines % 2)
    characters = np.array(list(text))
    assert set(characters[(positions == 5) & (parity == 0)]) == {"，"}
    assert set(characters[(positions == 5) & (parity == 1)]) == {"。"}


@pytest.mark.parametrize("extractor", [position_in_line, line_parity])
def test_stream_extractors_refuse_a_list_of_poems(extractor):
    with pytest.raises(TypeError, match=r"text must be a str \(a stream of poems\), got list"):
        extractor([QUATRAIN])
