"""indexer.build: what it writes, when it is a no-op, what it re-embeds."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from assistant import corpus, indexer, store
from assistant.embed import FakeEmbedder
from assistant.units import Unit, embedded_text, names_subject, units_of
from corefix import SMALL_DOC, CountingEmbedder, fake_settings, make_index_dir


@pytest.fixture
def settings(tmp_path):
    return fake_settings(make_index_dir(tmp_path / "idx"))


def test_build_writes_manifest_and_files(settings):
    report = indexer.build(settings, export_onnx=False)
    live = settings.store_dir
    assert live.is_symlink() and report.path == live.resolve()
    m = json.loads((live / "manifest.json").read_text())
    assert m["model"] == "fake-hash-64" and m["dim"] == 64 and m["version"] == store.FORMAT_VERSION
    assert m["corpus_hash"] == corpus.corpus_hash([settings.sources_dir])
    assert m["built_at"].endswith("Z")
    assert m["messages"] == report.messages == 4
    msgs = [json.loads(line) for line in (live / "messages.jsonl").read_text().splitlines()]
    units = [json.loads(line) for line in (live / "units.jsonl").read_text().splitlines()]
    assert [r["id"] for r in msgs] == [mm.id for mm in corpus.load([settings.sources_dir])]
    n_sentences = sum(len(r["sentences"]) for r in msgs)
    assert len(units) == m["units"] == report.units == len(msgs) + n_sentences
    # a message's own vector is derived from its sentences': only sentences are embedded, each distinct text once
    assert report.embedded == m["embedded"] == len(store.embedded_shas(store.load(settings.store_dir))) < len(units)
    assert (live / "vectors.faiss").stat().st_size == m["sizes"]["vectors.faiss"]
    assert (live / "bm25" / "messages").is_dir() and (live / "bm25" / "sentences").is_dir()
    assert not report.up_to_date


def test_units_are_in_vector_order_and_point_at_their_text(settings):
    indexer.build(settings, export_onnx=False)
    st = store.load(settings.store_dir, expect_model="fake-hash-64")
    vectors = st.vectors.reconstruct_n(0, st.vectors.ntotal)
    for i, u in enumerate(st.units):
        assert np.allclose(vectors[i], expected_vector(st, u), atol=1e-5), u
        if u.kind == "message":  # its sentences' units follow it
            m = st.messages[u.message_id]
            assert (u.start, u.end) == (0, len(m.text))
            assert all(st.units[i + 1 + j].kind == "sentence" and st.units[i + 1 + j].message_id == m.id
                       for j in range(len(m.sentences)))


def expected_vector(st: store.Store, u: Unit) -> np.ndarray:
    """A sentence unit's vector is its embedded text's; a message's, the word-weighted mean of its sentences'."""
    fake, m = FakeEmbedder(), st.messages[u.message_id]
    if u.kind == "sentence":
        return fake.embed_one(embedded_text(m, next(j for j, s in enumerate(m.sentences) if s.start == u.start)))
    texts = [embedded_text(m, j) for j in range(len(m.sentences))]
    mean = sum(len(t.split()) * fake.embed_one(t) for t in texts)
    return mean / np.linalg.norm(mean)


def test_rebuild_with_unchanged_sources_is_a_noop(settings):
    first = indexer.build(settings, export_onnx=False)
    builds = sorted(p.name for p in (settings.index_dir / "builds").iterdir())
    counter = CountingEmbedder()
    again = indexer.build(settings, embedder=counter, export_onnx=False)
    assert again.up_to_date and again.embedded == 0 and counter.texts == []
    assert again.path == first.path
    assert sorted(p.name for p in (settings.index_dir / "builds").iterdir()) == builds


def test_changing_one_message_reembeds_only_the_changed_units(settings):
    indexer.build(settings, export_onnx=False)
    src = settings.sources_dir / "small.txt"
    old = "Staff valued the early help offer."
    src.write_text(SMALL_DOC.replace(old, "Staff valued the new early help offer."), encoding="utf-8")
    counter = CountingEmbedder()
    report = indexer.build(settings, embedder=counter, export_onnx=False)
    assert not report.up_to_date
    # the changed sentence, nothing else (the vector of the message that holds it is its sentences' mean)
    assert report.embedded == len(counter.texts) == 1
    assert counter.texts == ["Staff valued the new early help offer."]
    st = store.load(settings.store_dir, expect_model="fake-hash-64")
    vectors = st.vectors.reconstruct_n(0, st.vectors.ntotal)
    for i, u in enumerate(st.units):  # reused vectors still belong to their text
        assert np.allclose(vectors[i], expected_vector(st, u), atol=1e-5), u


def test_force_reembeds_everything(settings):
    first = indexer.build(settings, export_onnx=False)
    counter = CountingEmbedder()
    report = indexer.build(settings, embedder=counter, force=True, export_onnx=False)
    assert report.embedded == first.embedded == len(counter.texts) == len(set(counter.texts))


def test_a_different_model_reembeds_everything(settings):
    indexer.build(settings, export_onnx=False)

    class Other(CountingEmbedder):
        name = "other-model"

    other = Other()
    report = indexer.build(settings, embedder=other, export_onnx=False)
    assert report.embedded == len(other.texts) == len(store.embedded_shas(store.load(settings.store_dir)))
    assert store.read_manifest(settings.store_dir)["model"] == "other-model"


def test_other_weights_reembed_everything_and_the_index_records_them(settings):
    """Documents and questions share one embedding path: the index records the weights it was built with (a
    server embeds questions with the same), and asking for other weights re-embeds every text."""
    import dataclasses

    first = indexer.build(settings, export_onnx=False)
    assert store.load(settings.store_dir).weights == settings.onnx_weights == "int8"
    fp32 = dataclasses.replace(settings, onnx_weights="fp32")
    assert not indexer.is_current(fp32, indexer.source_paths(fp32, None), "fake-hash-64")
    counter = CountingEmbedder()
    report = indexer.build(fp32, embedder=counter, export_onnx=False)
    assert not report.up_to_date and report.embedded == first.embedded == len(counter.texts)
    assert store.read_manifest(settings.store_dir)["weights"] == "fp32"
    assert indexer.build(fp32, embedder=CountingEmbedder(), export_onnx=False).up_to_date


def test_paths_are_recorded_and_reused(tmp_path):
    root = make_index_dir(tmp_path / "idx", docs={})
    elsewhere = tmp_path / "docs"
    elsewhere.mkdir()
    (elsewhere / "other.md").write_text("# Other doc\n\n## Part\n\nA body sentence.\n")
    settings = fake_settings(root)
    indexer.build(settings, [elsewhere], export_onnx=False)
    assert store.read_manifest(settings.store_dir)["sources"] == [str(elsewhere.resolve())]
    again = indexer.build(settings, export_onnx=False)  # no paths: the recorded ones, not the empty sources/
    assert again.up_to_date
    assert indexer.manifest_summary(settings)["sources"] == [str(elsewhere.resolve())]


def test_old_builds_are_pruned_keeping_two(settings):
    src = settings.sources_dir / "small.txt"
    paths = []
    for i in range(4):
        src.write_text(SMALL_DOC + f"\nKey message {9 + i}\n\nExtra body number {i}.\n", encoding="utf-8")
        paths.append(indexer.build(settings, export_onnx=False).path)
        t = 1_000_000 + i * 100  # distinct mtimes regardless of file-system clock resolution
        os.utime(paths[-1], (t, t))
    left = sorted(p for p in (settings.index_dir / "builds").iterdir())
    assert left == sorted(paths[-2:])
    assert settings.store_dir.resolve() == paths[-1]
    assert not list(settings.index_dir.glob(".store-*"))


def test_empty_corpus_folder_fails_without_touching_the_index(tmp_path):
    settings = fake_settings(make_index_dir(tmp_path / "idx", docs={}))
    with pytest.raises(corpus.CorpusError):
        indexer.build(settings, export_onnx=False)
    assert not settings.store_dir.exists()


def test_an_index_of_another_format_version_is_rebuilt(settings):
    indexer.build(settings, export_onnx=False)
    manifest = settings.store_dir / "manifest.json"
    m = json.loads(manifest.read_text())
    manifest.write_text(json.dumps(dict(m, version=store.FORMAT_VERSION - 1)))
    assert not indexer.build(settings, export_onnx=False).up_to_date
    assert json.loads(manifest.read_text())["version"] == store.FORMAT_VERSION


def test_a_new_units_recipe_is_not_up_to_date(settings, monkeypatch):
    """A change to what a unit is embedded from (units.RECIPE) makes the next build run over unchanged files."""
    indexer.build(settings, export_onnx=False)
    assert indexer.build(settings, embedder=CountingEmbedder(), export_onnx=False).up_to_date
    monkeypatch.setattr(indexer, "RECIPE", indexer.RECIPE + 1)
    report = indexer.build(settings, embedder=CountingEmbedder(), export_onnx=False)
    assert not report.up_to_date and store.read_manifest(settings.store_dir)["units_recipe"] == indexer.RECIPE


def test_a_new_parser_version_is_not_up_to_date(settings, monkeypatch):
    """A change to how files are read into sentences (corpus.PARSER_VERSION) makes the next build run over
    unchanged files, re-parsing them, instead of calling the old parse current."""
    indexer.build(settings, export_onnx=False)
    monkeypatch.setattr(corpus, "PARSER_VERSION", corpus.PARSER_VERSION + 1)
    report = indexer.build(settings, embedder=CountingEmbedder(), export_onnx=False)
    assert not report.up_to_date and store.read_manifest(settings.store_dir)["parser"] == corpus.PARSER_VERSION
    assert indexer.build(settings, embedder=CountingEmbedder(), export_onnx=False).up_to_date


def test_a_sentence_that_points_back_is_embedded_with_its_predecessor():
    doc = ("Findings\n\nKey message 1\n\nWe undertook some joint inspections during the pandemic. In these, we found "
           "responses were effective. Staff felt supported. This meant a lot to families.\n")
    (m,) = [m for m in corpus.parse_document(Path("doc.txt"), doc) if m.title == "Key message 1"]
    assert len(m.sentences) == 4
    texts = [embedded_text(m, j) for j in range(len(m.sentences))]
    s = [x.text for x in m.sentences]
    assert texts == [s[0], m.text[m.sentences[0].start:m.sentences[1].end], s[2],
                     m.text[m.sentences[2].start:m.sentences[3].end]]
    units = units_of([m], heading_context=False)
    assert [text for u, text in units[1:]] == texts  # the unit's digest follows what was embedded
    assert len({u.sha for u, _ in units}) == len(units)


def test_a_sentence_is_embedded_after_its_heading_unless_the_profile_says_headings_are_labels():
    doc = "Guide\n\nMark Cuban\n\nHe is the owner of the Dallas Mavericks. He was born in 1958.\n"
    (m,) = [m for m in corpus.parse_document(Path("doc.txt"), doc) if m.title == "Mark Cuban"]
    headed, plain = units_of([m]), units_of([m], heading_context=False)
    assert [t for _, t in headed[1:]] == ["Mark Cuban: He is the owner of the Dallas Mavericks.", "Mark Cuban: He was born in 1958."]
    assert [t for _, t in plain[1:]] == [x.text for x in m.sentences]
    # the message's vector is the mean of its sentences', so its key changes with what they are embedded from
    assert all(h.sha != p.sha for (h, _), (p, _) in zip(headed, plain))


def test_a_documents_title_comes_first_when_it_names_what_the_document_is_about():
    article = ("# Freddie Mercury\n\nFreddie Mercury was a singer. He led Queen.\n\n## Early life\n\n"
               "Mercury was born in Zanzibar. He grew up in India.\n")
    collection = ("# Encyclopedia extracts, part 1\n\n## Freddie Mercury\n\nFreddie Mercury was a singer.\n\n"
                  "## Zanzibar\n\nZanzibar is an archipelago. Its capital is Stone Town.\n")
    a = list(corpus.parse_document(Path("mercury.md"), article))
    c = list(corpus.parse_document(Path("extracts.md"), collection))
    assert names_subject(a) and not names_subject(c)
    assert [t for _, t in units_of(a) if t] == [
        "Freddie Mercury: Freddie Mercury was a singer.", "Freddie Mercury: He led Queen.",  # the text before any heading
        "Freddie Mercury — Early life: Mercury was born in Zanzibar.", "Freddie Mercury — Early life: He grew up in India."]
    assert [t for _, t in units_of(c) if t] == [
        "Freddie Mercury: Freddie Mercury was a singer.", "Zanzibar: Zanzibar is an archipelago.",
        "Zanzibar: Its capital is Stone Town."]


def test_the_answer_models_heading_is_what_the_sentences_were_embedded_after():
    """units.About gives the heading features (features.Corpus.heading) the same words the vectors were made after:
    an article's title for its opening text and before its sections' headings; the bare heading where a build's
    headings are labels."""
    from assistant.units import About, subjects

    article = "# Freddie Mercury\n\nFreddie Mercury was a singer.\n\n## Early life\n\nMercury was born in Zanzibar.\n"
    opening, early = corpus.parse_document(Path("mercury.md"), article)
    headed = About(True, subjects([opening, early]))
    assert (headed(opening), headed(early)) == ("Freddie Mercury", "Freddie Mercury — Early life")
    assert About(True)(early) == "Early life"  # a document whose title does not name its subject
    labels = About(False, subjects([opening, early]))
    assert (labels(opening), labels(early)) == (corpus.PREAMBLE, "Early life")


def test_a_served_index_reads_headings_as_its_build_embedded_them(tmp_path):
    """The answerer's heading features follow the build's manifest: an empty profile's build reads an article's
    title for its opening text; a build whose profile says headings are labels reads the bare heading."""
    from assistant.core import Assistant

    article = "# Freddie Mercury\n\nFreddie Mercury was a singer. He led Queen.\n\n## Early life\n\nMercury was born in Zanzibar.\n"
    for labels, want in ((False, ["Freddie Mercury", "Freddie Mercury — Early life"]), (True, [corpus.PREAMBLE, "Early life"])):
        root = tmp_path / f"labels-{labels}"
        root.mkdir()
        if labels:
            (root / "profile.json").write_text('{"heading_context": false}')
        settings = fake_settings(make_index_dir(root, {"mercury.md": article}, glossary=False))
        indexer.build(settings, export_onnx=False)
        assert store.read_manifest(settings.store_dir)["heading_context"] is (not labels)
        r = Assistant(settings).retriever
        assert [r.corpus.heading(m) for m in r.messages] == want
        assert store.read_manifest(settings.store_dir)["subject_documents"] == ([] if labels else ["mercury"])


def test_an_appended_document_keeps_the_record_of_which_titles_name_their_subject(tmp_path):
    """Adding a file appends to the live build, and the manifest's subject_documents keeps the earlier documents'
    entries beside the new one's, so a server reads the same headings as a whole rebuild would give it."""
    from assistant.core import Assistant

    article = "# Freddie Mercury\n\nFreddie Mercury was a singer.\n\n## Early life\n\nMercury was born in Zanzibar.\n"
    collection = "# Encyclopedia extracts\n\n## Venus\n\nVenus is a planet.\n"
    settings = fake_settings(make_index_dir(tmp_path / "idx", {"mercury.md": article}, glossary=False))
    indexer.build(settings, export_onnx=False)
    (settings.sources_dir / "extracts.md").write_text(collection, encoding="utf-8")
    assert indexer.build(settings, export_onnx=False).appended
    assert store.read_manifest(settings.store_dir)["subject_documents"] == ["mercury"]
    r = Assistant(settings).retriever
    assert {m.title: r.corpus.heading(m) for m in r.messages} == {
        corpus.PREAMBLE: "Freddie Mercury", "Early life": "Freddie Mercury — Early life", "Venus": "Venus"}


def test_changing_whether_headings_give_context_re_embeds_the_sentences(settings):
    profile = settings.index_dir / "profile.json"
    raw = json.loads(profile.read_text())
    assert raw["heading_context"] is False  # the key messages' headings are labels ("Key message 5")
    indexer.build(settings, export_onnx=False)
    assert store.read_manifest(settings.store_dir)["heading_context"] is False
    profile.write_text(json.dumps(dict(raw, heading_context=True)))
    counting = CountingEmbedder()
    report = indexer.build(settings, embedder=counting, export_onnx=False)
    assert not report.up_to_date and store.read_manifest(settings.store_dir)["heading_context"] is True
    live = list(store.load(settings.store_dir).messages.values())
    plain = {t for _, t in units_of(live, heading_context=False) if t}
    headed = {t for _, t in units_of(live) if t} - plain
    assert headed and headed <= set(counting.texts)  # every sentence under a heading is embedded after it
    # back to labels: not current until rebuilt, then current
    profile.write_text(json.dumps(raw))
    assert not indexer.build(settings, embedder=CountingEmbedder(), export_onnx=False).up_to_date
    assert indexer.build(settings, embedder=CountingEmbedder(), export_onnx=False).up_to_date


def test_a_heading_context_that_is_not_true_or_false_is_a_malformed_profile(tmp_path):
    from assistant.errors import CorpusError
    from assistant.profile import Profile

    (tmp_path / "profile.json").write_text('{"heading_context": "yes"}')
    with pytest.raises(CorpusError, match="heading_context"):
        Profile.load(tmp_path)
    assert Profile.load(tmp_path / "nothing-here").heading_context is True  # a fresh folder: headings name topics
