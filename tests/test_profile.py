"""The per-index profile (assistant/profile.py): a fresh index folder has an empty one and still answers, a malformed
one is named, an edited glossary is picked up without a restart, the query adapter applies only to its own model,
and suggestions on a corpus nobody tuned for are well-formed questions."""

from __future__ import annotations

import json
import re

import pytest

from assistant import indexer
from assistant.core import Assistant
from assistant.profile import Profile
from corefix import build_fake, fake_settings, lenient, make_index_dir, real_fake_settings  # noqa: F401
from turnfix import km  # noqa: F401


def test_a_fresh_index_folder_has_an_empty_profile_and_still_answers(tmp_path):
    """With the real model (the served index's ONNX export, which `make test` builds first): the answer model's
    trees were fitted on its evidence, and the fake embedder's vectors give them values they never saw (its
    "learned" feature is 0), so which of two weak candidates they prefer there says nothing."""
    from assistant.embed import default_model_path, model_name
    from assistant.onnx_embed import OnnxEmbedder
    from assistant.settings import Settings

    real = OnnxEmbedder(Settings.from_env().store_dir / "onnx", name=model_name(default_model_path()))
    settings = fake_settings(make_index_dir(tmp_path, docs={"notes.md": "# Notes\n\n## Bridges\n\nThe bridge opened in 1932 and "
                                                                 "carries trains.\n\n## Rivers\n\nThe river floods in spring.\n"},
                                            glossary=False))
    indexer.build(settings, embedder=real, export_onnx=False)
    a = lenient(Assistant(settings, embedder=real))
    assert a.profile == Profile() and a.retriever.glossary == {}
    r = a.ask("when did the bridge open?")
    assert r.status == "answered" and r.quotes[0].title == "Bridges"
    assert all(re.fullmatch(r"What do the documents say about [A-Za-z][\w ,'’-]*\?", s) for s in r.suggestions + a.suggester.starters())


def test_a_malformed_profile_is_named(tmp_path):
    from assistant.errors import CorpusError

    (tmp_path / "profile.json").write_text('{"numbered_titles": {"title": "X {n}"}}')
    with pytest.raises(CorpusError, match="profile"):
        Profile.load(tmp_path)


def test_an_edited_glossary_is_picked_up_without_a_restart(tmp_path):
    settings = build_fake(tmp_path / "idx", real=True)
    a = Assistant(settings)
    assert "zorblat" not in a.retriever.glossary
    path = settings.index_dir / "glossary.json"
    glossary = json.loads(path.read_text())
    glossary["zorblat"] = ["domestic abuse"]
    path.write_text(json.dumps(glossary))
    assert a.reload_if_changed() is True
    assert a.retriever.glossary["zorblat"] == ("domestic abuse",)
    assert a.reload_if_changed() is False  # nothing changed since


FOREIGN = """# Field notes

## Section 1

Earthquakes happen when stress in the crust is released along faults. Seismometers record the waves they send out.

## Section 2

Prime numbers have exactly two divisors. The sieve of Eratosthenes lists them efficiently.

## Section 3

Honey bees communicate the location of flowers through a waggle dance. Colonies overwinter by clustering together.

## Glaciers

Glaciers form where snow accumulates faster than it melts, and they carve valleys as they move.
"""


def test_suggestions_on_a_foreign_corpus_are_well_formed_questions(tmp_path):
    settings = fake_settings(make_index_dir(tmp_path, docs={"notes.md": FOREIGN}, glossary=False))
    indexer.build(settings, export_onnx=False)
    a = Assistant(settings)
    asked = {m.title: a.suggester.question_for(m.id) for m in a.messages}
    assert asked["Glaciers"] == "What do the documents say about Glaciers?"  # a heading that says what it is about
    for title, q in asked.items():
        assert q and re.fullmatch(r"What do the documents say about [A-Za-z][\w ,'’-]*[A-Za-z0-9]\?", q), (title, q)
        topic = q.removeprefix("What do the documents say about ").removesuffix("?").lower().split()
        assert topic[0] not in {"the", "of", "and", "not", "have", "happen", "record", "lists"}, q


def test_a_query_adapter_moves_questions_only_for_its_own_model(tmp_path):
    """The profile's query adapter (index/query_adapter.json): q + q·delta at unit length for vectors of the model
    it was fitted with, nothing for another model's; a malformed one is named."""
    import json

    import numpy as np

    from assistant.errors import CorpusError
    from assistant.profile import QueryAdapter

    delta = np.zeros((4, 4))
    delta[0, 1] = 1.0  # moves the first axis towards the second
    (tmp_path / "query_adapter.json").write_text(json.dumps({"model": "m", "delta": delta.tolist(), "dense_weight": 0.9}))
    adapter = Profile.load(tmp_path).adapter
    q = np.array([[1.0, 0.0, 0.0, 0.0]], dtype=np.float32)
    assert np.allclose(adapter.apply(q, "m"), [[2 ** -0.5, 2 ** -0.5, 0, 0]]) and adapter.dense_weight == 0.9
    assert adapter.apply(q, "other") is q and not adapter.applies("m", 5)
    for bad in ('{"model": "m", "delta": [[1, 2]]}', '{"delta": [[0]]}', '{"model": "m", "delta": [[0]], "dense_weight": 2}', "nope"):
        (tmp_path / "query_adapter.json").write_text(bad)
        with pytest.raises(CorpusError, match="query adapter"):
            QueryAdapter.load(tmp_path / "query_adapter.json")


def test_the_title_schemes_short_forms_are_no_unknown_name(km):
    """'which KM talks about advocacy?': the profile's title scheme names 'km' as a short form, so it is not a name
    the documents never use; a corpus without the scheme has no such word."""
    assert km.retriever.analyse("which KM talks about advocacy").unknown_terms == ()
    assert km.retriever.analyse("which ZQ talks about advocacy").unknown_terms == ("ZQ",)

