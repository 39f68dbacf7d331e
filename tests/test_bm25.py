"""bm25.py: the score matrix computed with numpy is bm25s's, and the terms a build keeps are reused exactly."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant import bm25, corpus
from assistant.text import terms
from assistant.units import embedded_text
from corefix import REAL_SOURCES

QUERIES = ["domestic abuse", "early help for families", "advocacy for young people", "covid pandemic inspections",
           "children", "nothing matches this xylophone"]


@pytest.fixture(scope="module")
def messages():
    return corpus.load([REAL_SOURCES])


def texts(messages, name):
    if name == "messages":
        return [m.text for m in messages]
    return [embedded_text(m, j) for m in messages for j in range(len(m.sentences))]


def scores(folder, query):
    bm = bm25.bm25s().BM25.load(str(folder))
    words = terms(query)
    return bm.get_scores(words) if words else None


@pytest.mark.parametrize("name", bm25.BM25_DIRS)
def test_scores_equal_bm25s_own_index(messages, tmp_path, name):
    built = texts(messages, name)
    bm25.build_bm25(messages, tmp_path)
    own = bm25.bm25s().BM25()
    own.index([terms(t) for t in built], show_progress=False)
    own.save(str(tmp_path / "own"))
    ours = bm25.bm25s().BM25.load(str(tmp_path / "bm25" / name))
    assert set(ours.vocab_dict) == set(own.vocab_dict)
    assert ours.scores["num_docs"] == own.scores["num_docs"] == len(built)
    for q in QUERIES + [built[3], built[-1]]:
        words = terms(q)
        if words:  # bit for bit: same float32 scores
            np.testing.assert_array_equal(ours.get_scores(words), own.get_scores(words))
    # the document frequencies retrieve._statistics reads
    for word, i in own.vocab_dict.items():
        if word:
            j = ours.vocab_dict[word]
            assert (own.scores["indptr"][i + 1] - own.scores["indptr"][i]) == (ours.scores["indptr"][j + 1] - ours.scores["indptr"][j])


def test_terms_are_kept_in_index_order(messages, tmp_path):
    bm25.build_bm25(messages, tmp_path)
    folder = tmp_path / "bm25" / bm25.TERMS_DIR
    vocabulary = json.loads((folder / "vocabulary.json").read_text())
    for name in bm25.BM25_DIRS:
        ids, offsets = np.load(folder / f"{name}.ids.npy"), np.load(folder / f"{name}.offsets.npy")
        kept = [[vocabulary[i] for i in ids[a:b]] for a, b in zip(offsets[:-1], offsets[1:])]
        assert kept == [terms(t) for t in texts(messages, name)]


class Earlier:
    """What build_bm25 reads of an earlier build: its folder and its messages in order."""

    def __init__(self, path, messages):
        self.path, self.messages = path, {m.id: m for m in messages}


def test_an_earlier_builds_terms_are_reused_and_give_the_same_indexes(messages, tmp_path, monkeypatch):
    before = messages[:4] + messages[6:]  # two messages are added in the middle next time
    bm25.build_bm25(before, tmp_path / "old")
    changed = corpus.Message(messages[-1].id, messages[-1].title, messages[-1].document, messages[-1].text + " Brand new words.",
                             corpus.split_sentences(messages[-1].text + " Brand new words."), messages[-1].document_id)
    now = messages[:-1] + [changed]
    tokenised = []
    real = bm25.terms
    monkeypatch.setattr(bm25, "terms", lambda text: tokenised.append(text) or real(text))
    bm25.build_bm25(now, tmp_path / "new", Earlier(tmp_path / "old", before))
    monkeypatch.undo()
    # only the added messages and the changed one were tokenised
    fresh = messages[4:6] + [changed]
    assert sorted(tokenised) == sorted(t for m in fresh for t in [m.text] + [embedded_text(m, j) for j in range(len(m.sentences))])
    bm25.build_bm25(now, tmp_path / "scratch")
    for name in bm25.BM25_DIRS:
        for q in QUERIES + ["brand new words"]:
            a, b = scores(tmp_path / "new" / "bm25" / name, q), scores(tmp_path / "scratch" / "bm25" / name, q)
            np.testing.assert_array_equal(a, b)


def test_terms_no_text_holds_leave_the_vocabulary(messages, tmp_path):
    bm25.build_bm25(messages, tmp_path / "old")
    kept = messages[:3]
    bm25.build_bm25(kept, tmp_path / "new", Earlier(tmp_path / "old", messages))
    vocabulary = json.loads((tmp_path / "new" / "bm25" / bm25.TERMS_DIR / "vocabulary.json").read_text())
    assert sorted(vocabulary) == sorted({w for t in texts(kept, "messages") + texts(kept, "sentences") for w in terms(t)})


def _offsets_out_of_order(folder):
    np.save(folder / "sentences.offsets.npy", np.array([0, 5, 3]))


def _vocabulary_repeats_a_term(folder):
    vocabulary = json.loads((folder / "vocabulary.json").read_text())
    (folder / "vocabulary.json").write_text(json.dumps([vocabulary[1]] + vocabulary[1:]))


def _ids_past_the_vocabulary(folder):
    ids = np.load(folder / "messages.ids.npy")
    ids[0] = 10**6
    np.save(folder / "messages.ids.npy", ids)


@pytest.mark.parametrize("damage", [_offsets_out_of_order, _vocabulary_repeats_a_term, _ids_past_the_vocabulary],
                         ids=lambda f: f.__name__.strip("_"))
def test_damaged_earlier_terms_are_tokenised_again(messages, tmp_path, damage):
    bm25.build_bm25(messages, tmp_path / "old")
    damage(tmp_path / "old" / "bm25" / bm25.TERMS_DIR)
    bm25.build_bm25(messages, tmp_path / "new", Earlier(tmp_path / "old", messages))
    bm25.build_bm25(messages, tmp_path / "scratch")
    for name in bm25.BM25_DIRS:
        for q in QUERIES:
            np.testing.assert_array_equal(scores(tmp_path / "new" / "bm25" / name, q), scores(tmp_path / "scratch" / "bm25" / name, q))


def test_kept_message_terms_are_each_messages_tokenised_text(messages, tmp_path):
    from assistant.text import stems

    bm25.build_bm25(messages, tmp_path)
    kept = bm25.MessageTerms.load(tmp_path, {m.id: i for i, m in enumerate(messages)})
    assert kept is not None
    assert all(kept(m.id) == stems(m.text) for m in messages)
    assert kept("no such message") is None


def test_damaged_or_mismatched_message_terms_are_not_used(messages, tmp_path):
    ids = [m.id for m in messages]
    rows = {mid: i for i, mid in enumerate(ids)}
    bm25.build_bm25(messages, tmp_path)
    folder = tmp_path / "bm25" / bm25.TERMS_DIR
    assert bm25.MessageTerms.load(tmp_path, dict(list(rows.items())[:-1])) is None  # another build's messages
    assert bm25.MessageTerms.load(tmp_path / "missing", rows) is None
    _ids_past_the_vocabulary(folder)  # the first message's first id: that message is tokenised, the others are not
    kept = bm25.MessageTerms.load(tmp_path, rows)
    assert kept(ids[0]) is None and kept(ids[1]) is not None
    offsets = np.load(folder / "messages.offsets.npy")
    np.save(folder / "messages.offsets.npy", offsets[::-1])
    assert bm25.MessageTerms.load(tmp_path, rows) is None
