"""The issue's acceptance check with the real embedding model: the key messages as a PDF, a Word file
and a web page, each indexed into a fresh index folder, answer the mental-health question from Key
message 5 word for word (page 2 from the PDF) and give the same quotes as the .txt."""

from __future__ import annotations

import shutil

import pytest

from assistant import indexer
from assistant.core import Assistant
from assistant.embed import make_embedder
from assistant.settings import Settings
from corefix import grounding_problems, make_index_dir
from docfix import BANNER, FOOTER, KM_TXT, NAV, km_docx, km_html, km_pdf

pytestmark = pytest.mark.model

QUESTION = "Is mental health still a challenge for young people?"
SAME = [QUESTION, "DV still a big problem??", "early help", "are children's views shaping services?",
        "How many families were inspected?", "what about poverty?"]


@pytest.fixture(scope="module")
def embedder():
    return make_embedder("torch", "")


@pytest.fixture(scope="module")
def built(tmp_path_factory, embedder):
    folder = tmp_path_factory.mktemp("made")
    files = {"txt": KM_TXT, "pdf": km_pdf(folder), "docx": km_docx(folder), "html": km_html(folder)}
    out = {}
    for fmt, path in files.items():
        root = make_index_dir(tmp_path_factory.mktemp(fmt), docs={})
        shutil.copy(path, root / "sources" / path.name)
        settings = Settings.from_env(env={}, index_dir=root, embedder="torch")
        indexer.build(settings, embedder=embedder, export_onnx=False)
        out[fmt] = Assistant(settings, embedder=embedder)
    return out


@pytest.mark.parametrize("fmt", ["txt", "pdf", "docx", "html"])
def test_mental_health_is_answered_from_key_message_5(built, fmt):
    a = built[fmt]
    r = a.ask(QUESTION)
    assert grounding_problems(r, a.store.messages) == []
    assert r.status == "answered", r.reply
    assert r.quotes[0].title == "Key message 5"
    assert all(q.text in KM_TXT.read_text(encoding="utf-8") for q in r.quotes)  # verbatim from the document
    assert r.quotes[0].page == (2 if fmt == "pdf" else None)
    for boiler in NAV + [BANNER, FOOTER]:
        assert boiler not in r.reply


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_same_quotes_as_the_txt(built, fmt):
    def quotes(a):
        return [(r.status, [(q.title, q.text, q.start, q.end) for q in r.quotes]) for r in map(a.ask, SAME)]

    assert quotes(built[fmt]) == quotes(built["txt"])
