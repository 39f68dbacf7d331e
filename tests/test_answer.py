"""answer.decide: picks sentences from a retrieval result or declines, for any calibration."""

from __future__ import annotations

import pytest

from assistant.answer import MAX_BROAD, confidence, coverage, decide, features, load_calibration
from assistant.core import Assistant
from corefix import small_settings  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def assistant(small_settings):  # noqa: F811
    return Assistant(small_settings)


def cal(**over):
    return dict(load_calibration(), **over)


ALWAYS = cal(threshold=0.0)
NEVER = cal(threshold=1.01)  # a probability never reaches it


def search(a, text):
    return a.retriever.search(text, k=10)


def test_calibration_file_has_what_decide_needs():
    c = load_calibration()
    assert 0 <= c["threshold"] <= 1 and 0 <= c["dense_weight"] <= 1
    assert set(c["weights"]) >= {"sentence_dense", "message_dense", "coverage", "bias"}


def test_answers_with_the_best_sentence_when_threshold_allows(assistant):
    result = search(assistant, "does early help prevent harm for families")
    d = decide(result, calibration=ALWAYS)
    assert d.answered and d.picks and d.reason == ""
    assert d.picks[0] is result.sentences[0]
    assert 1 <= len(d.picks) <= 2
    assert len({p.message.id for p in d.picks}) == len(d.picks)
    assert 0 <= d.confidence <= 1


def test_declines_weak_evidence(assistant):
    d = decide(search(assistant, "does early help prevent harm for families"), calibration=NEVER)
    assert not d.answered and d.picks == [] and d.reason == "weak"


def test_threshold_is_the_boundary(assistant):
    result = search(assistant, "does early help prevent harm for families")
    conf = decide(result, calibration=ALWAYS).confidence
    assert decide(result, calibration=cal(threshold=conf)).answered
    assert not decide(result, calibration=cal(threshold=min(1.0, conf + 1e-6))).answered


def test_confidence_is_the_logistic_of_the_features(assistant):
    result = search(assistant, "independent advocacy for young people")
    feats = features(result, result.sentences[0])
    assert set(feats) == {"sentence_dense", "message_dense", "coverage"}
    c = load_calibration()
    higher = dict(feats, coverage=feats["coverage"] + 0.5)
    assert (confidence(higher, c) > confidence(feats, c)) == (c["weights"]["coverage"] > 0)
    assert confidence(feats, c) == pytest.approx(decide(result, calibration=ALWAYS).confidence)


def test_coverage():
    assert coverage("early help", "early help", "Early help was offered.") == 1.0
    assert coverage("early help", "early help", "Nothing relevant here.") == 0.0
    assert 0 < coverage("early help for teenagers", "early help for teenagers", "Early help was offered.") < 1
    assert coverage("the and of", "the and of", "anything") == 0.0  # stopwords only


def test_excluded_messages_are_never_picked(assistant):
    result = search(assistant, "does early help prevent harm for families")
    best = result.sentences[0].message.id
    d = decide(result, calibration=ALWAYS, exclude={best})
    assert d.answered and all(p.message.id != best for p in d.picks)
    everything = {h.message.id for h in result.hits}
    assert decide(result, calibration=ALWAYS, exclude=everything).answered is False


def test_unknown_terms_decline_whatever_the_threshold(assistant):
    result = search(assistant, "what did GIRFEC say about early help")
    assert result.query.unknown_terms == ("GIRFEC",)
    d = decide(result, calibration=ALWAYS)
    assert not d.answered and d.reason == "unknown" and d.picks == []


def test_quantity_question_without_a_figure_is_declined(assistant):
    result = search(assistant, "how many families got early help")
    assert "quantity" in result.query.asks
    d = decide(result, calibration=ALWAYS, types=assistant.retriever.answer_types)
    assert not d.answered and d.reason == "quantity"


def test_broad_gives_one_quote_per_message_up_to_the_limit(assistant):
    result = search(assistant, "summary of domestic abuse early help and advocacy findings")
    d = decide(result, broad=True, calibration=ALWAYS)
    assert d.answered and 1 <= len(d.picks) <= MAX_BROAD
    ids = [p.message.id for p in d.picks]
    assert len(set(ids)) == len(ids)


def test_a_sentence_of_the_same_message_that_shows_the_answer_type_stands_in(fake_assistant):
    """'why' asks for a reason: the sentence quoted must state one ('This meant that ...')."""
    result = search(fake_assistant, "why is independent advocacy provision not embedded everywhere")
    assert "cause" in result.query.asks and result.sentences[0].message.title == "Key message 11"
    assert not result.sentences[0].sentence.text.startswith("This meant that")  # the best states no reason
    d = decide(result, calibration=ALWAYS, types=fake_assistant.retriever.answer_types)
    assert d.answered and d.picks[0].message.title == "Key message 11"
    assert d.picks[0].sentence.text.startswith("This meant that")


def test_a_why_question_whose_message_states_no_reason_is_declined(fake_assistant):
    result = search(fake_assistant, "why are chronologies inconsistent")
    assert result.sentences[0].message.title == "Key message 10"  # which gives no reason
    d = decide(result, calibration=ALWAYS, types=fake_assistant.retriever.answer_types)
    assert not d.answered and d.reason == "cause"
