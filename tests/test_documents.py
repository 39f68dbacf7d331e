"""Documents of every format through the whole library, CLI and HTTP API, with the fake embedder:
same quotes as the .txt, pages from the PDF, unreadable files named and skipped, updating a folder,
GET /api/documents, GET /documents/{id} and the documents filter of /api/chat."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant import cli, indexer
from assistant.core import Assistant
from assistant.reply import render
from assistant.web import create_app
from corefix import SMALL_DOC, CountingEmbedder, fake_settings, grounding_problems, lenient, make_index_dir
from docfix import KM_TXT, STEM, corrupt_pdf, encrypted_pdf, km_docx, km_html, km_pdf

QUESTIONS = [
    "Is mental health still a challenge for young people?",
    "is domestic abuse still a problem?",
    "are children's views shaping services?",
    "how did services cope during covid?",
    "what about poverty?",
    "summarise the main challenges",
    "what does key message 5 say?",
]


def index_of(root: Path, files: list[Path]) -> Assistant:
    """A fresh index folder holding exactly these files, built with the fake embedder."""
    settings = fake_settings(make_index_dir(root, docs={}))
    for f in files:
        shutil.copy(f, settings.sources_dir / f.name)
    indexer.build(settings, export_onnx=False)
    return lenient(Assistant(settings))


def answers(a: Assistant) -> list[tuple]:
    out = []
    for q in QUESTIONS:
        r = a.ask(q)
        assert grounding_problems(r, a.store.messages) == []
        out.append((r.status, [(x.message_id, x.title, x.text, x.start, x.end) for x in r.quotes]))
    return out


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("made")
    return {"txt": KM_TXT, "pdf": km_pdf(folder), "docx": km_docx(folder), "html": km_html(folder)}


@pytest.fixture(scope="module")
def from_txt(tmp_path_factory, made) -> Assistant:
    return index_of(tmp_path_factory.mktemp("txt"), [made["txt"]])


@pytest.mark.parametrize("fmt", ["pdf", "docx", "html"])
def test_each_format_gets_the_same_quotes_as_the_txt(tmp_path, made, from_txt, fmt):
    a = index_of(tmp_path, [made[fmt]])
    assert [d.format for d in a.documents] == [fmt]
    got = answers(a)
    assert got == answers(from_txt)
    assert sum(status == "answered" for status, _ in got) >= 5  # the comparison is not of empty replies


def test_pdf_quotes_carry_their_page_and_sources_link_to_it(tmp_path, made):
    a = index_of(tmp_path, [made["pdf"]])
    r = a.ask("what does key message 5 say?")
    assert r.status == "answered" and {q.title for q in r.quotes} == {"Key message 5"}
    assert {q.page for q in r.quotes} == {2}
    (src,) = r.sources
    assert src.document_id == STEM and src.url == f"/documents/{STEM}#page=2"
    pages = {m.title: m.page_at(0) for m in a.messages}
    assert [pages[f"Key message {n}"] for n in range(1, 13)] == [1] * 4 + [2] * 4 + [3] * 4


def test_non_paged_formats_have_no_page_but_a_link_to_the_original(from_txt):
    r = from_txt.ask("what does key message 5 say?")
    assert {q.page for q in r.quotes} == {None}
    assert r.sources[0].url == f"/documents/{STEM}"


# -- several documents ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def two_docs(tmp_path_factory, made) -> Assistant:
    folder = tmp_path_factory.mktemp("two-src")
    small = folder / "small.txt"
    small.write_text(SMALL_DOC, encoding="utf-8")
    return index_of(tmp_path_factory.mktemp("two"), [made["pdf"], small])


def test_an_answer_from_two_documents_is_framed_per_document(two_docs):
    titles = {d.id: d.title for d in two_docs.documents}
    r = two_docs.ask("give me an overview of early help")
    assert r.status == "answered"
    docs = {q.document for q in r.quotes}
    assert docs == set(titles.values()), "this answer should draw on both documents"
    for d in docs:
        assert f"From “{d}”:" in r.reply
    assert grounding_problems(r, two_docs.store.messages) == []


def test_answered_template_groups_quotes_by_document():
    from assistant.reply import Quote

    qs = [Quote("a:1", "Key message 5", "One.", 0, 4, 0.9, 2, "Report A"),
          Quote("b:1", "Key message 1", "Two.", 0, 4, 0.8, None, "Report B"),
          Quote("a:2", "Key message 6", "Three.", 0, 6, 0.7, 2, "Report A")]
    text = render("answered", quotes=qs, document="ignored", intent="")
    assert text.index("From “Report A”:") < text.index("“One.”") < text.index("“Three.”") < text.index(
        "From “Report B”:") < text.index("“Two.”")
    assert render("answered", quotes=qs[:1], document="x", intent="").startswith("From “Report A”:")


def test_documents_filter_restricts_the_search(two_docs):
    r = two_docs.ask("is domestic abuse still a problem?", documents=["small"])
    assert r.status == "answered" and {q.message_id.split(":")[0] for q in r.quotes} == {"small"}
    r = two_docs.ask("is domestic abuse still a problem?", documents=[STEM])
    assert {q.message_id.split(":")[0] for q in r.quotes} == {STEM}


def test_an_unknown_document_in_the_filter_is_an_input_error(two_docs):
    from assistant.errors import InvalidDocuments

    with pytest.raises(InvalidDocuments, match="nope"):
        two_docs.ask("early help", documents=["nope"])


# -- HTTP ----------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def http(two_docs):
    return TestClient(create_app(two_docs.settings, two_docs))


def test_api_documents_lists_what_was_indexed(http):
    body = http.get("/api/documents").json()
    docs = {d["id"]: d for d in body["documents"]}
    assert set(docs) == {STEM, "small"}
    assert set(docs[STEM]) == {"id", "title", "file", "format", "pages", "messages", "indexed_at"}
    assert (docs[STEM]["format"], docs[STEM]["pages"], docs[STEM]["messages"], docs[STEM]["file"]) == ("pdf", 3, 13, STEM + ".pdf")
    assert (docs["small"]["format"], docs["small"]["pages"]) == ("txt", None)
    assert docs[STEM]["indexed_at"].endswith("Z")


def test_the_original_pdf_is_served_inline(http, made):
    r = http.get(f"/documents/{STEM}")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    assert r.headers["content-disposition"].startswith("inline")
    assert r.content == made["pdf"].read_bytes()
    r = http.get("/documents/small")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain") and r.text == SMALL_DOC


@pytest.mark.parametrize("path", ["/documents/nope", "/documents/../../etc/passwd", "/documents/%2e%2e/%2e%2e/etc/passwd",
                                  "/documents/small/../../manifest.json", "/documents/", f"/documents/{STEM}.pdf",
                                  "/documents/..%2fmanifest.json"])
def test_anything_but_an_indexed_document_id_is_a_json_404(two_docs, path):
    import httpx

    transport = httpx.ASGITransport(app=create_app(two_docs.settings, two_docs))

    async def get():
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
            return await c.send(httpx.Request("GET", "http://t" + path))  # sent as written: no path normalising

    import asyncio

    r = asyncio.run(get())
    assert r.status_code == 404, path
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["error"]["code"] == "not_found"


def test_chat_documents_filter_over_http(http):
    r = http.post("/api/chat", json={"question": "is domestic abuse still a problem?", "documents": ["small"]})
    assert r.status_code == 200
    assert {q["message_id"].split(":")[0] for q in r.json()["quotes"]} == {"small"}
    r = http.post("/api/chat", json={"question": "early help", "documents": ["../etc"]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_documents"
    r = http.post("/api/chat", json={"question": "early help", "documents": "small"})
    assert r.status_code == 422


def test_page_names_how_many_documents_are_indexed(http):
    r = http.get("/")
    assert r.status_code == 200 and 'data-document="2 indexed documents"' in r.text


# -- the CLI: unreadable files, updating a folder -------------------------------------------------
@pytest.fixture
def env(tmp_path, monkeypatch):
    root = make_index_dir(tmp_path / "idx", docs={})
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(root))
    monkeypatch.setenv("ASSISTANT_EMBEDDER", "fake")
    return root


def test_a_corrupt_pdf_beside_a_good_file_is_named_and_the_good_one_indexed(env, capsys, made):
    folder = env / "sources"
    shutil.copy(made["docx"], folder)
    corrupt_pdf(folder)
    encrypted_pdf(folder)
    assert cli.main(["index", str(folder)]) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    lines = err.strip().splitlines()
    assert len(lines) == 2
    assert any("broken.pdf" in line and "damaged or not a PDF" in line for line in lines)
    assert any("locked.pdf" in line and "encrypted" in line for line in lines)
    assert out.startswith("indexed 13 messages")
    assert cli.main(["documents", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["documents"]
    assert [(d["id"], d["format"]) for d in listed] == [(STEM, "docx")]
    assert cli.main(["index", str(folder)]) == 0  # up to date: the skipped files are named again
    out, err = capsys.readouterr()
    assert out.startswith("index is up to date") and "broken.pdf" in err


def test_nothing_readable_exits_2_and_keeps_the_previous_index(env, capsys, made, tmp_path):
    assert cli.main(["index", str(made["txt"])]) == 0
    live = (env / "store").resolve()
    capsys.readouterr()
    bad = tmp_path / "bad"
    bad.mkdir()
    corrupt_pdf(bad)
    assert cli.main(["index", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1 and "broken.pdf" in err
    assert (env / "store").resolve() == live


def test_reindexing_a_folder_adds_changed_and_drops_gone_files_embedding_only_new_text(env, made):
    settings = fake_settings(env)
    folder = settings.sources_dir
    shutil.copy(made["pdf"], folder)
    (folder / "small.txt").write_text(SMALL_DOC, encoding="utf-8")
    first = indexer.build(settings, export_onnx=False)
    assert first.documents == 2
    before = {d.id: d for d in Assistant(settings).documents}

    (folder / "small.txt").write_text(SMALL_DOC.replace("Advocacy provision varied between areas.",
                                                        "Advocacy provision still varied."), encoding="utf-8")
    km_html(folder, "extra.html")
    counting = CountingEmbedder()
    report = indexer.build(settings, embedder=counting, export_onnx=False)
    assert report.documents == 3
    # only the changed sentence is embedded again (its message's vector is its sentences' mean); the web page
    # repeats the PDF's text
    assert counting.texts == ["Advocacy provision still varied."]
    after = {d.id: d for d in Assistant(settings).documents}
    assert after[STEM].indexed_at == before[STEM].indexed_at and after["small"].sha != before["small"].sha

    (folder / "extra.html").unlink()
    (folder / f"{STEM}.pdf").unlink()
    report = indexer.build(settings, export_onnx=False)
    a = Assistant(settings)
    assert [d.id for d in a.documents] == ["small"] and report.documents == 1
    assert all(m.document_id == "small" for m in a.messages)
    assert not (a.store.path / "files" / f"{STEM}.pdf").exists()
