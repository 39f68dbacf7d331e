"""indexer.build on a grown corpus: an added document is appended to the live build, anything else is a full
build, and either way the result is the build a fresh index of the same files would be."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from assistant import bm25, corpus, indexer, store
from assistant.core import Assistant
from assistant.text import terms
from assistant.units import Unit
from corefix import SMALL_DOC, CountingEmbedder, fake_settings, make_index_dir

FIRST = """# Housing report

## Waiting lists

Families waited longer for social housing. Waiting lists grew in every region.

## Temporary accommodation

Temporary accommodation was often far from schools. Children moved school more than once.
"""
MIDDLE = """# Transport report

## Rural buses

Rural bus routes were cut back. Young people could not reach college without a car.

## Waiting

Families waited longer for social housing. Fares rose faster than wages.
"""
LAST = """# Youth services report

## Youth clubs

Youth clubs closed in many towns. Volunteers kept some of them open.
"""
QUESTIONS = ["how long did families wait for housing", "what happened to youth clubs", "domestic abuse risk",
             "early help offer", "bus routes for young people"]


def settings_with(tmp_path, name: str, docs: dict[str, str]):
    return fake_settings(make_index_dir(tmp_path / name, docs=docs))


def start(tmp_path):
    """An index of three documents (the one added later sorts between them)."""
    settings = settings_with(tmp_path, "grown", {"a-first.md": FIRST, "small.txt": SMALL_DOC, "z-last.md": LAST})
    indexer.build(settings, export_onnx=False)
    return settings


def scratch(tmp_path, settings):
    """A fresh index of the same files as `settings` now has."""
    fresh = settings_with(tmp_path, "scratch", {f.name: f.read_text() for f in settings.sources_dir.iterdir()})
    indexer.build(fresh, export_onnx=False)
    return fresh


def key(u: Unit):
    return (u.kind, u.message_id, u.start, u.end, u.sha)


def assert_same_build(a_settings, b_settings):
    """Two builds hold the same messages in the same order, the same units with the same vectors, the same
    BM25 scores, and answer searches alike."""
    a, b = store.load(a_settings.store_dir), store.load(b_settings.store_dir)
    assert [(m.id, m.text, m.sentences, m.pages) for m in a.messages.values()] == \
           [(m.id, m.text, m.sentences, m.pages) for m in b.messages.values()]
    assert sorted(map(key, a.units)) == sorted(map(key, b.units))
    va, vb = a.vectors.reconstruct_n(0, a.vectors.ntotal), b.vectors.reconstruct_n(0, b.vectors.ntotal)
    rows_b = {key(u): i for i, u in enumerate(b.units)}
    for i, u in enumerate(a.units):
        np.testing.assert_array_equal(va[i], vb[rows_b[key(u)]])
    for name in bm25.BM25_DIRS:
        bma, bmb = (bm25.bm25s().BM25.load(str(s.path / "bm25" / name)) for s in (a, b))
        for q in QUESTIONS:
            np.testing.assert_array_equal(bma.get_scores(terms(q)), bmb.get_scores(terms(q)))
    assert list(a.documents) == list(b.documents)
    for q in QUESTIONS:
        ra, rb = Assistant(a_settings).search(q, k=5), Assistant(b_settings).search(q, k=5)
        assert [h.message.id for h in ra.hits] == [h.message.id for h in rb.hits]
        assert [h.score for h in ra.hits] == pytest.approx([h.score for h in rb.hits], abs=1e-6)
        assert [(s.message.id, s.index) for s in ra.sentences] == [(s.message.id, s.index) for s in rb.sentences]


def test_adding_a_document_appends_its_units(tmp_path):
    settings = start(tmp_path)
    before = store.load(settings.store_dir)
    answers = {q: Assistant(settings).search(q, k=1).hits[0].message.id for q in QUESTIONS[:4]}
    (settings.sources_dir / "m-middle.md").write_text(MIDDLE)
    counter = CountingEmbedder()
    report = indexer.build(settings, embedder=counter, export_onnx=False)
    after = store.load(settings.store_dir)
    assert report.appended and not report.up_to_date
    assert after.units[:len(before.units)] == before.units  # the old units first, in their old order
    new = after.units[len(before.units):]
    assert {u.message_id.split(":")[0] for u in new} == {"m-middle"}
    # what was embedded: the new document's distinct texts the live build did not hold ("Families waited..."
    # is in the first document too), each once
    old_shas = {u.sha for u in before.units}
    assert report.embedded == len(counter.texts) == len(set(counter.texts)) == len(store.embedded_shas(after) & {u.sha for u in new} - old_shas)
    assert after.manifest["embedded"] == report.embedded
    assert report.reused == len(before.units) + sum(u.sha in old_shas for u in new) < report.units
    # messages in source-file order, as a fresh build has them
    assert list(after.messages) == [m.id for m in corpus.load([settings.sources_dir])]
    # the questions answered before are answered from the same message
    assert {q: Assistant(settings).search(q, k=1).hits[0].message.id for q in answers} == answers
    assert_same_build(settings, scratch(tmp_path, settings))


def test_a_message_own_unit_comes_before_its_sentences_when_appended(tmp_path):
    settings = start(tmp_path)
    (settings.sources_dir / "m-middle.md").write_text(MIDDLE)
    indexer.build(settings, export_onnx=False)
    a = Assistant(settings)
    for m in a.messages:
        rows = a.retriever._rows_of([a.retriever.position[m.id]])
        assert a.store.unit_sentence[rows[0]] == -1 and len(rows) == 1 + len(m.sentences)
        assert list(a.store.unit_sentence[rows[1:]]) == list(range(len(m.sentences)))
    assert a.retriever.nearest_messages("m-middle:waiting", 2)


def edit(settings):
    (settings.sources_dir / "small.txt").write_text(SMALL_DOC.replace("serious risk", "grave risk"))


def remove(settings):
    (settings.sources_dir / "z-last.md").unlink()


def rename(settings):
    (settings.sources_dir / "z-last.md").rename(settings.sources_dir / "y-last.md")


@pytest.mark.parametrize("change", [edit, remove, rename])
def test_a_changed_or_removed_document_is_a_full_build_equal_to_a_fresh_one(tmp_path, change):
    settings = start(tmp_path)
    (settings.sources_dir / "m-middle.md").write_text(MIDDLE)
    change(settings)
    counter = CountingEmbedder()
    report = indexer.build(settings, embedder=counter, export_onnx=False)
    assert not report.appended and not report.up_to_date
    assert report.embedded == len(counter.texts) == len(set(counter.texts))
    assert_same_build(settings, scratch(tmp_path, settings))


def test_identical_texts_in_one_build_are_embedded_once(tmp_path):
    twice = "# Twice\n\n## One\n\nSame words here. Said twice.\n\n## Two\n\nSame words here. Said twice.\n"
    settings = settings_with(tmp_path, "dup", {"twice.md": twice})
    counter = CountingEmbedder()
    report = indexer.build(settings, embedder=counter, export_onnx=False)
    st = store.load(settings.store_dir)
    assert len(st.units) == 6 and report.embedded == 2 == len(counter.texts) == len(set(counter.texts))
    vectors = st.vectors.reconstruct_n(0, st.vectors.ntotal)
    first = {}
    for i, u in enumerate(st.units):
        np.testing.assert_array_equal(vectors[first.setdefault(u.sha, i)], vectors[i])


def test_unchanged_documents_are_not_parsed_again(tmp_path, monkeypatch):
    settings = start(tmp_path)
    (settings.sources_dir / "m-middle.md").write_text(MIDDLE)
    edit(settings)
    sections = sum(len(corpus.parse_document(settings.sources_dir / f)) for f in ("m-middle.md", "small.txt"))
    extracted, split = [], []
    real_extract, real_split = corpus.extract, corpus.split_sentences
    monkeypatch.setattr(corpus, "extract", lambda path: extracted.append(path.name) or real_extract(path))
    monkeypatch.setattr(corpus, "split_sentences", lambda text: split.append(text) or real_split(text))
    indexer.build(settings, export_onnx=False)
    assert sorted(extracted) == ["m-middle.md", "small.txt"]
    assert len(split) == sections  # one split per section of the two documents that were parsed
    extracted.clear()
    indexer.build(settings, export_onnx=False, force=True)  # force parses everything again
    assert len(extracted) == 4


def test_files_of_unchanged_documents_are_linked_not_copied(tmp_path):
    settings = start(tmp_path)
    old = settings.store_dir.resolve()
    (settings.sources_dir / "m-middle.md").write_text(MIDDLE)
    edit(settings)
    new = indexer.build(settings, export_onnx=False).path
    inode = {p.name: p.stat().st_ino for p in (old / "files").iterdir()}
    for p in (new / "files").iterdir():
        assert (p.stat().st_ino == inode.get(p.name)) == (p.name in ("a-first.md", "z-last.md")), p.name
    assert (new / "files" / "small.txt").read_text() == (settings.sources_dir / "small.txt").read_text()


def test_crossing_the_exact_limit_is_a_full_build_to_hnsw(tmp_path, monkeypatch):
    settings = start(tmp_path)
    monkeypatch.setattr(store, "EXACT_LIMIT", store.load(settings.store_dir).vectors.ntotal)
    (settings.sources_dir / "m-middle.md").write_text(MIDDLE)
    report = indexer.build(settings, export_onnx=False)
    st = store.load(settings.store_dir)
    assert not report.appended and hasattr(st.vectors, "hnsw") and st.vectors.ntotal == report.units


def test_an_hnsw_index_is_appended_to(tmp_path, monkeypatch):
    monkeypatch.setattr(store, "EXACT_LIMIT", 5)
    settings = start(tmp_path)
    before = store.load(settings.store_dir)
    assert hasattr(before.vectors, "hnsw")
    (settings.sources_dir / "m-middle.md").write_text(MIDDLE)
    report = indexer.build(settings, export_onnx=False)
    st = store.load(settings.store_dir)
    assert report.appended and hasattr(st.vectors, "hnsw") and st.vectors.ntotal == len(st.units) == report.units
    assert st.vectors.hnsw.efSearch == store.HNSW_EF_SEARCH
    vectors = st.vectors.reconstruct_n(0, st.vectors.ntotal)
    _, found = st.vectors.search(vectors, 1)
    assert all(np.allclose(vectors[row], vectors[i]) for i, row in enumerate(found[:, 0]))  # each finds itself (or its twin)


def test_a_live_build_without_kept_terms_is_still_appended_to(tmp_path):
    settings = start(tmp_path)
    shutil.rmtree(settings.store_dir.resolve() / "bm25" / bm25.TERMS_DIR)  # as a build before terms were kept
    (settings.sources_dir / "m-middle.md").write_text(MIDDLE)
    assert indexer.build(settings, export_onnx=False).appended
    assert_same_build(settings, scratch(tmp_path, settings))


def test_an_added_document_after_another_model_is_a_full_build(tmp_path):
    settings = start(tmp_path)

    class Other(CountingEmbedder):
        name = "other-model"

    (settings.sources_dir / "m-middle.md").write_text(MIDDLE)
    other = Other()
    report = indexer.build(settings, embedder=other, export_onnx=False)
    assert not report.appended and report.embedded == len(store.embedded_shas(store.load(settings.store_dir)))


@pytest.mark.parametrize("mapped", [True, False])
def test_appended_adds_after_the_earlier_vectors(tmp_path, mapped):
    settings = start(tmp_path)
    earlier = store.load(settings.store_dir, mapped=mapped)
    before = earlier.vectors.reconstruct_n(0, earlier.vectors.ntotal)
    more = np.eye(3, before.shape[1], dtype=np.float32)
    index = store.appended(earlier, more)
    assert (index is earlier.vectors) == (not mapped)  # a store read whole is added to in place
    assert index.ntotal == len(before) + 3
    np.testing.assert_array_equal(index.reconstruct_n(0, index.ntotal), np.vstack([before, more]))
    if mapped:  # the memory-mapped store a server reads is left as it was
        assert earlier.vectors.ntotal == len(before)
    with pytest.raises(ValueError):
        store.appended(store.load(settings.store_dir), np.zeros((2, 5), np.float32))
