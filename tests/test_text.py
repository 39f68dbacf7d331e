"""text.py: what general English says about a word, whatever documents are indexed."""

from __future__ import annotations

import pytest

from assistant.text import is_common, is_word


@pytest.mark.parametrize("word", ["the", "since", "last", "didnt", "dont", "wasnt", "cant", "whats", "theyre", "ive"])
def test_the_most_used_words_and_contractions_typed_without_their_apostrophe_are_common(word):
    assert is_common(word)


@pytest.mark.parametrize("word", ["football", "tactics", "mentions", "advocacy", "mint", "kids", "xyzzyt"])
def test_words_that_may_name_a_topic_are_not_common(word):
    assert not is_common(word)


def test_a_slip_is_no_word():
    assert is_word("averaged") and not is_word("fundng")
