"""answer.decide: picks sentences from a retrieval result or declines, for any calibration."""

from __future__ import annotations

import pytest

import numpy as np

from assistant import features as feats
from assistant.answer import CANDIDATES, MAX_BROAD, MAX_EXTRA, TRIGGER_NAMES, Forest, Reranker, candidates, load_calibration
from assistant.answer import decide as _decide
from assistant.core import Assistant
from assistant.text import stems
from corefix import small_settings  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def assistant(small_settings):  # noqa: F811
    return Assistant(small_settings)


def cal(**over):
    return dict(load_calibration(), **over)


ALWAYS = cal(threshold=0.0, broad_threshold=0.0)
NEVER = cal(threshold=1.01, broad_threshold=1.01)  # a probability never reaches it
CORPUS = [None]


def decide(result, **kw):
    return _decide(result, CORPUS[0], **kw)


@pytest.fixture(autouse=True)
def _corpus(assistant):
    CORPUS[0] = assistant.retriever.corpus


def search(a, text):
    return a.retriever.search(text, k=10)


def test_calibration_file_has_what_decide_needs():
    c = load_calibration()
    assert 0 <= c["threshold"] <= 1 and 0 <= c["dense_weight"] <= 1
    assert c["ranker"]["features"] == list(feats.NAMES) and c["trigger"]["features"] == list(TRIGGER_NAMES)
    for m in (c["ranker"], c["trigger"]):
        assert m["kind"] == "forest" and m["trees"]
        for t in m["trees"]:
            assert len(t["feature"]) == len(t["threshold"]) == len(t["left"]) == len(t["right"]) == len(t["leaf"]) - 1
    assert any("WikiQA-train" in f for f in c["fitted_on"]) and not any("test" in f.lower() for f in c["fitted_on"])


def test_answers_with_the_best_sentence_when_threshold_allows(assistant):
    result = search(assistant, "does early help prevent harm for families")
    d = decide(result, calibration=ALWAYS)
    assert d.answered and d.picks and d.reason == ""
    assert d.picks[0] is d.scored[0].hit  # the ranker's best
    assert [x.p for x in d.scored] == sorted((x.p for x in d.scored), reverse=True)
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


def _walk(tree: dict, row: np.ndarray) -> float:
    """The leaf one candidate reaches in one saved tree, by following the nodes one at a time."""
    node = 0 if tree["feature"] else -1
    while node >= 0:
        node = tree["left"][node] if row[tree["feature"][node]] <= tree["threshold"][node] else tree["right"][node]
    return tree["leaf"][-node - 1]


def test_ranker_probability_is_the_sigmoid_of_the_leaves_the_saved_trees_reach(assistant):
    result = search(assistant, "independent advocacy for young people")
    cands, x = candidates(result, assistant.retriever.corpus)
    assert 0 < len(cands) <= CANDIDATES and x.shape == (len(cands), len(feats.NAMES))
    m = load_calibration()["ranker"]
    z = np.array([sum(_walk(t, row) for t in m["trees"]) for row in x])
    d = decide(result, calibration=ALWAYS)
    assert sorted(s.p for s in d.scored) == pytest.approx(sorted(1 / (1 + np.exp(-z))))
    assert len(set(np.round(z, 9))) > 1  # the trees tell the candidates apart


def test_forest_matches_lightgbm_on_the_trees_calibrate_saves():
    lightgbm = pytest.importorskip("lightgbm")
    from eval.forest import FOREST, _flatten

    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 4))
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype(int)
    booster = lightgbm.LGBMClassifier(**dict(FOREST, n_estimators=40)).fit(x, y).booster_
    record = {"kind": "forest", "features": list("abcd"), "trees": [_flatten(t["tree_structure"]) for t in booster.dump_model()["tree_info"]]}
    forest = Forest.of(record, tuple("abcd"))
    assert forest.probability(x) == pytest.approx(booster.predict(x), abs=1e-12)


def test_reranker_matches_the_network_calibrate_saves():
    """The saved record scores pairs as the fitted scikit-learn network does (to the 6 digits it keeps)."""
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier

    from eval.reranker import reranker_record

    rng = np.random.default_rng(0)
    dim = 8
    q, v = rng.normal(size=dim).astype(np.float32), rng.normal(size=(300, dim)).astype(np.float32)
    x = Reranker.inputs(q, v)
    y = (v[:, 0] * q[0] + v[:, 1] > 0).astype(int)
    with pytest.warns(ConvergenceWarning):  # a few iterations are enough to compare the arithmetic
        net = MLPClassifier(hidden_layer_sizes=(6,), max_iter=20, random_state=0).fit(x, y)
    reranker = Reranker.of(reranker_record(net, "random pairs"))
    p = net.predict_proba(x)[:, 1]
    assert reranker.logits(q, v) == pytest.approx(np.log(p / (1 - p)), abs=1e-3)
    assert reranker.logits(q[:4], v[:, :4]).tolist() == [0.0] * 300  # vectors of another dimension: no opinion


def test_a_damaged_reranker_is_refused():
    m = load_calibration()["reranker"]
    with pytest.raises(ValueError, match="eval.calibrate"):
        Reranker.of(dict(m, b1=m["b1"][:-1]))


def test_the_learned_feature_reads_the_indexed_vectors_of_the_candidates(assistant):
    """The reranker is given the query vector searched with and each candidate's own vector from the index."""
    from assistant import store

    result = search(assistant, "is domestic abuse still a problem?")
    r = assistant.retriever
    assert np.array_equal(result.vector, r.embedder.embed_query(result.query.expanded))
    full = store.load(r.store.path)  # with a record per unit, which the served store does not keep
    row_of = {(u.message_id, u.start): i for i, u in enumerate(full.units) if u.kind == "sentence"}
    some = result.sentences[:5]
    for hit, got in zip(some, result.vectors_of(some)):
        assert np.allclose(got, full.vectors.reconstruct(row_of[(hit.message.id, hit.sentence.start)]), atol=1e-6)


def test_model_of_the_wrong_features_is_refused():
    m = dict(load_calibration()["ranker"], features=["something", "else"])
    with pytest.raises(ValueError, match="eval.calibrate"):
        Forest.of(m, feats.NAMES)


def test_a_damaged_tree_is_refused_with_its_number():
    m = load_calibration()["ranker"]
    broken = dict(m, trees=[m["trees"][0], dict(m["trees"][1], left=[99] * len(m["trees"][1]["left"]))])
    with pytest.raises(ValueError, match="tree 1 is damaged"):
        Forest.of(broken, feats.NAMES)


def test_cover_weighs_the_questions_words_by_idf():
    corpus = feats.Corpus.of({"earli": 2, "help": 5, "teenag": 1}, 10)
    asked = feats.Asked.of("early help for teenagers", "early help for teenagers", "early help for teenagers", corpus)
    assert asked.cover(frozenset({"earli", "help", "teenag"})) == 1.0
    assert asked.cover(frozenset()) == 0.0
    rare, common = asked.cover(frozenset({"teenag"})), asked.cover(frozenset({"help"}))
    assert 0 < common < rare < 1  # the rarer word says more
    unknown = feats.Asked.of("prime numbers", "prime numbers", "prime numbers", corpus)
    assert unknown.unknown_share == 1.0 and asked.unknown_share == 0.0


def test_the_words_beside_the_heading_tell_its_sentences_apart():
    """Under the heading "Mexico City", the sentence with the question's other words leads its neighbours:
    rest_lead is its rest_cover minus the best of the others'."""
    corpus = feats.Corpus.of({"mexico": 3, "citi": 3, "borough": 1, "mani": 4, "make": 5}, 10)
    q = "how many boroughs make up mexico city"
    asked = feats.Asked.of(q, q, q, corpus)
    lead, gold = "Mexico City is the capital of Mexico.", "The city consists of sixteen boroughs."
    rests = [feats.rest_cover_of(asked, s, "Mexico City") for s in (lead, gold)]
    assert rests[1] > rests[0] == 0.0
    col = {n: i for i, n in enumerate(feats.NAMES)}
    row = lambda s, best_other: feats.vector(asked, s, frozenset(), 0, 0.5, 0.5, 0.5, 0.0, 0.0, 0, "Mexico City",
                                             rest_best_other=best_other)
    x_lead, x_gold = row(lead, rests[1]), row(gold, rests[0])
    assert x_gold[col["rest_lead"]] == rests[1] > 0 > x_lead[col["rest_lead"]]


def test_asked_kinds_and_their_evidence():
    corpus = feats.Corpus.of({}, 1)
    how_many = feats.Asked.of("how many", "how many", "how many referrals were there", corpus)
    assert how_many.kind == "number" and how_many.unmet("No figure here.") and not how_many.unmet("There were 12.")
    when = feats.Asked.of("when", "when", "when was the bridge built", corpus)
    assert when.kind == "date" and not when.unmet("It opened in 1932.")
    assert feats.Asked.of("x", "x", "is advocacy available", corpus).kind == ""


def test_excluded_messages_are_never_picked(assistant):
    result = search(assistant, "does early help prevent harm for families")
    best = result.sentences[0].message.id
    d = decide(result, calibration=ALWAYS, exclude={best})
    assert d.answered and all(p.message.id != best for p in d.picks)
    everything = {h.message.id for h in result.hits}
    assert decide(result, calibration=ALWAYS, exclude=everything).answered is False


def test_unknown_terms_decline_whatever_the_threshold(assistant):
    result = search(assistant, "what did MARAC say about early help")
    assert result.query.unknown_terms == ("MARAC",)
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


def test_other_messages_join_when_the_model_gives_them_a_fair_share_of_the_best_chance(assistant):
    """Beside the best sentence, up to MAX_EXTRA other messages' best candidates, each with a probability of at least
    extra_quote_margin times the best's and at least extra_quote_floor; none when the bar is out of reach."""
    result = search(assistant, "what does it say about children and families")
    open_ = decide(result, calibration=cal(threshold=0.0, extra_quote_margin=0.0, extra_quote_floor=0.0))
    assert 1 + MAX_EXTRA == len(open_.picks) == len({p.message.id for p in open_.picks})
    shut = decide(result, calibration=cal(threshold=0.0, extra_quote_margin=0.0, extra_quote_floor=1.01))
    assert len(shut.picks) == 1 and shut.picks[0] == open_.picks[0]
    p = {s.hit.message.id: s.p for s in reversed(open_.scored)}  # each message's best probability
    best = p[open_.picks[0].message.id]
    bar = max(0.1, 0.2 * best)
    d = decide(result, calibration=cal(threshold=0.0, extra_quote_margin=0.2, extra_quote_floor=0.1))
    assert all(p[x.message.id] >= bar for x in d.picks[1:])
    assert len(d.picks) - 1 == min(MAX_EXTRA, sum(v >= bar for k, v in p.items() if k != open_.picks[0].message.id))


def test_a_topic_asked_about_is_quoted_from_every_message_whose_candidate_holds_it(assistant):
    """'What does it say about children and families?': the best sentence first, then the best candidate of each other
    message that holds one part's words; none that holds neither, and the same decline as without the topic."""
    result = search(assistant, "what does it say about children and families")
    topic = frozenset({frozenset({"children"}), frozenset({"famili"})})
    plain = decide(result, calibration=ALWAYS)
    d = decide(result, calibration=ALWAYS, spread=topic)
    assert d.picks[0] == plain.picks[0]
    titles = {p.message.title for p in d.picks}  # with the Preamble's caveat when the model rates it near the best
    assert {"Key message 1", "Key message 2"} <= titles and "Key message 3" not in titles  # 3 speaks of a young person
    assert all(any(part <= stems(p.sentence.text) for part in topic) for p in d.picks[1:])
    assert len({p.message.id for p in d.picks}) == len(d.picks) <= MAX_BROAD
    assert not decide(result, calibration=NEVER, spread=topic).answered
    nowhere = decide(result, calibration=ALWAYS, spread=frozenset({frozenset({"children", "footbal"})}))
    assert nowhere.picks == plain.picks


def test_a_broad_question_naming_no_topic_is_answered_below_every_bar(assistant):
    """A broad question with no topic of its own ("where are we falling short?") asks about the whole collection: the
    trigger judges whether a section answers a topic, so neither its bar nor the no-word rule applies; a broad
    question with a topic still meets the bar."""
    result = search(assistant, "where are we falling short")
    assert not decide(result, broad=True, calibration=NEVER).answered
    assert decide(result, broad=True, calibration=NEVER, topicless=True).answered
    nothing = search(assistant, "???")
    assert decide(nothing, broad=True, calibration=NEVER, topicless=True).answered
    assert not decide(nothing, broad=True, calibration=ALWAYS).answered


def test_a_sentence_of_the_same_message_that_shows_the_answer_type_stands_in(fake_assistant):
    """'why' asks for a reason: the sentence quoted must state one ('This meant that ...')."""
    result = search(fake_assistant, "why is independent advocacy provision not embedded everywhere")
    assert "cause" in result.query.asks and result.sentences[0].message.title == "Key message 11"
    assert not result.sentences[0].sentence.text.startswith("This meant that")  # the best states no reason
    d = _decide(result, fake_assistant.retriever.corpus, calibration=ALWAYS, types=fake_assistant.retriever.answer_types)
    assert d.answered and d.picks[0].message.title == "Key message 11"
    assert d.picks[0].sentence.text.startswith("This meant that")


def test_a_why_question_whose_message_states_no_reason_is_declined(fake_assistant):
    """When no candidate states a reason, the question is declined for the kind of answer it asked for. (Only KM10's
    candidates are scored, so which message the fake embedder's near-ties put first does not decide what is tested.)"""
    result = search(fake_assistant, "why are chronologies inconsistent")
    assert result.sentences[0].message.title == "Key message 10"  # which gives no reason
    others = {m.id for m in fake_assistant.messages if m.title != "Key message 10"}
    d = _decide(result, fake_assistant.retriever.corpus, calibration=ALWAYS, exclude=others,
                types=fake_assistant.retriever.answer_types)
    assert not d.answered and d.reason == "cause"


def test_another_messages_sentence_stands_in_only_with_a_fair_share_of_the_best_chance(fake_assistant):
    """When the best candidate's message states no reason, another message's sentence that does stands in if the model
    gives it at least extra_quote_margin of the best's probability (and extra_quote_floor); below that bar, declined."""
    result = search(fake_assistant, "why are chronologies inconsistent")
    keep = {"Key message 10", "Key message 11"}  # 10 gives no reason; 11 has 'This meant that ...'
    others = {m.id for m in fake_assistant.messages if m.title not in keep}
    types = fake_assistant.retriever.answer_types
    run = lambda **over: _decide(result, fake_assistant.retriever.corpus, calibration=dict(ALWAYS, **over),
                                 exclude=others, types=types)
    low = run(extra_quote_margin=0.0, extra_quote_floor=0.0)
    assert low.answered and low.picks[0].message.title == "Key message 11"
    assert low.picks[0].sentence.text.startswith("This meant that")
    high = run(extra_quote_floor=1.01)  # no probability reaches it
    assert not high.answered and high.reason == "cause"


def test_a_question_with_no_word_the_documents_use_is_declined_at_any_threshold(assistant):
    result = search(assistant, "what's 2+2?")
    assert not result.query.unknown_terms  # the profile's rules leave it to the model
    d = decide(result, calibration=ALWAYS)
    assert not d.answered and d.reason == "weak" and d.scored
    assert decide(search(assistant, "what's 2+2 for early help?"), calibration=ALWAYS).answered


@pytest.mark.parametrize("question", ["2+2", "???", "1 2 3"])
def test_a_question_with_no_word_at_all_is_declined_at_any_threshold(assistant, question):
    """Nothing asked to look for: the trees never saw such a question answerable, so their guess is not asked."""
    result = search(assistant, question)
    d = decide(result, calibration=ALWAYS)
    assert not d.answered and d.reason == "weak"


def test_the_sentence_next_to_the_best_joins_it_when_the_model_rates_it_nearly_as_likely(assistant):
    """neighbour: the best-rated sentence right before or after the best pick in its message, when its probability is
    at least neighbour_margin of the best's; none when the margin is out of reach or not set."""
    result = search(assistant, "does early help prevent harm for families")
    open_ = decide(result, calibration=cal(threshold=0.0, neighbour_margin=0.0))
    best = open_.scored[0]
    beside = [s for s in open_.scored[1:] if s.hit.message.id == best.hit.message.id
              and abs(s.hit.index - best.hit.index) == 1]
    assert beside, "the search should keep a neighbour of the best among the candidates"
    assert open_.neighbour == beside[0].hit.index
    assert decide(result, calibration=cal(threshold=0.0, neighbour_margin=1.01)).neighbour is None
    unset = {k: v for k, v in cal(threshold=0.0).items() if k != "neighbour_margin"}
    assert decide(result, calibration=unset).neighbour is None
    at = beside[0].p / best.p  # exactly at the margin it joins; just above, it does not
    assert decide(result, calibration=cal(threshold=0.0, neighbour_margin=at)).neighbour == beside[0].hit.index
    assert decide(result, calibration=cal(threshold=0.0, neighbour_margin=at + 1e-6)).neighbour is None
    assert decide(result, calibration=NEVER).neighbour is None  # declined: nothing to join
