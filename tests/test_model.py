"""End-to-end with the real embedding model on a copy of the real corpus: the issue's acceptance examples."""

from __future__ import annotations

import pytest

from assistant import indexer
from assistant.core import Assistant
from assistant.settings import Settings
from corefix import grounding_problems, make_index_dir

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    root = make_index_dir(tmp_path_factory.mktemp("model-index"), real=True)
    settings = Settings.from_env(env={}, index_dir=root, embedder="torch")
    indexer.build(settings, export_onnx=False)
    return Assistant(settings)


def titles(reply):
    return {q.title for q in reply.quotes}


@pytest.mark.parametrize("question,title", [
    ("DV still a big problem??", "Key message 1"),
    ("early help", "Key message 2"),
])
def test_must_answer(assistant, question, title):
    reply = assistant.ask(question)
    assert grounding_problems(reply, assistant.store.messages) == []
    assert reply.status == "answered", reply.reply
    assert reply.quotes[0].title == title


@pytest.mark.parametrize("question", [
    "How many children were inspected?",
    "Which partnership scored worst?",
    "What does GIRFEC stand for?",
    "What were the 2019 findings?",
])
def test_must_decline(assistant, question):
    reply = assistant.ask(question)
    assert grounding_problems(reply, assistant.store.messages) == []
    assert reply.status == "no_answer", [q.text for q in reply.quotes]
    assert reply.quotes == [] and reply.sources == []


def test_real_model_index_records_the_model(assistant):
    assert assistant.store.model != "fake-hash-64"
    assert assistant.store.manifest["dim"] == assistant.store.vectors.d > 64


@pytest.mark.parametrize("question", [
    "give me an overview of football tactics",
    "summary of the weather in spain",
])
def test_off_topic_broad_question_is_declined(assistant, question):
    assert assistant.ask(question).status == "no_answer"
