"""store.load / store.write: mismatches and damage are named errors; builds swap in atomically."""

from __future__ import annotations

import json
import os

import pytest

from assistant import indexer, store
from assistant.core import Assistant
from assistant.errors import IndexDamaged, IndexMismatch, IndexMissing
from corefix import SMALL_DOC, CountingEmbedder, OtherModelEmbedder, build_fake, fake_settings, make_index_dir

MODEL = "fake-hash-64"


@pytest.fixture
def built(tmp_path):
    return build_fake(tmp_path / "idx")


def live(settings):
    return settings.store_dir.resolve()


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_load_round_trips_messages_and_units(built):
    st = store.load(built.store_dir, expect_model=MODEL)
    from assistant import corpus

    parsed = corpus.load([built.sources_dir])
    assert list(st.messages) == [m.id for m in parsed]
    for m in parsed:
        got = st.messages[m.id]
        assert (got.title, got.document, got.text) == (m.title, m.document, m.text)
        assert [(s.start, s.end, s.text) for s in got.sentences] == [(s.start, s.end, s.text) for s in m.sentences]
    assert st.vectors.ntotal == len(st.units) and st.model == MODEL


def test_missing_index_is_index_missing(tmp_path):
    with pytest.raises(IndexMissing, match="assistant index"):
        store.load(tmp_path / "store")


def test_other_model_is_index_mismatch(built):
    with pytest.raises(IndexMismatch, match="assistant index"):
        store.load(built.store_dir, expect_model="all-MiniLM-L6-v2")
    with pytest.raises(IndexMismatch, match="assistant index"):
        Assistant(built, embedder=OtherModelEmbedder())


def test_other_format_version_is_index_mismatch(built):
    path = live(built) / "manifest.json"
    m = json.loads(path.read_text())
    path.write_text(json.dumps(dict(m, version=store.FORMAT_VERSION + 1)))
    with pytest.raises(IndexMismatch, match="assistant index"):
        store.load(built.store_dir, expect_model=MODEL)


def _truncate_vectors(folder):
    p = folder / "vectors.faiss"
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])


def _corrupt_manifest(folder):
    (folder / "manifest.json").write_text('{"model": "fake-hash-64", "dim": 6')


def _manifest_not_an_object(folder):
    (folder / "manifest.json").write_text("[1, 2, 3]")


def _manifest_without_sizes(folder):
    m = json.loads((folder / "manifest.json").read_text())
    del m["sizes"]
    (folder / "manifest.json").write_text(json.dumps(m))


def _manifest_binary(folder):
    (folder / "manifest.json").write_bytes(b"\xff\xfe\x00garbage")


def _delete_units(folder):
    (folder / "units.jsonl").unlink()


def _delete_messages(folder):
    (folder / "messages.jsonl").unlink()


def _unknown_message(folder):
    p = folder / "units.jsonl"
    lines = p.read_text().splitlines()
    row = json.loads(lines[-1])
    row["message_id"] = "x" * len(row["message_id"])  # same length: the size check alone cannot catch it
    lines[-1] = json.dumps(row)
    p.write_text("\n".join(lines) + "\n")
    m = json.loads((folder / "manifest.json").read_text())
    m["sizes"]["units.jsonl"] = p.stat().st_size
    (folder / "manifest.json").write_text(json.dumps(m))


def _garbage_units_same_size(folder):
    p = folder / "units.jsonl"
    p.write_bytes(b"{" * p.stat().st_size)


def _units_wrong_field(folder):
    p = folder / "units.jsonl"
    p.write_text(p.read_text().replace('"sha"', '"sh4"'))


def _vectors_wrong_count(folder):
    m = json.loads((folder / "manifest.json").read_text())
    m["units"] += 1
    (folder / "manifest.json").write_text(json.dumps(m))


def _wrong_dim(folder):
    m = json.loads((folder / "manifest.json").read_text())
    m["dim"] = 65
    (folder / "manifest.json").write_text(json.dumps(m))


def _vectors_garbage_same_size(folder):
    p = folder / "vectors.faiss"
    p.write_bytes(b"\0" * p.stat().st_size)


DAMAGE = [_truncate_vectors, _corrupt_manifest, _manifest_not_an_object, _manifest_without_sizes, _manifest_binary,
          _delete_units, _delete_messages, _unknown_message, _garbage_units_same_size, _units_wrong_field,
          _vectors_wrong_count, _wrong_dim, _vectors_garbage_same_size]


@pytest.mark.parametrize("damage", DAMAGE, ids=lambda f: f.__name__.strip("_"))
def test_damaged_index_is_index_damaged(built, damage):
    damage(live(built))
    with pytest.raises(IndexDamaged, match="assistant index"):
        store.load(built.store_dir, expect_model=MODEL)
    with pytest.raises(IndexDamaged, match="assistant index"):
        Assistant(built)


def test_unit_with_a_span_that_is_not_a_sentence_is_index_damaged(built):
    p = live(built) / "units.jsonl"
    lines = p.read_text().splitlines()
    i = next(n for n, line in enumerate(lines) if json.loads(line)["kind"] == "sentence")
    row = json.loads(lines[i])
    row["start"] += 1  # same file size unless the digit count changes
    lines[i] = json.dumps(row)
    p.write_text("\n".join(lines) + "\n")
    m = json.loads((live(built) / "manifest.json").read_text())
    m["sizes"]["units.jsonl"] = p.stat().st_size
    (live(built) / "manifest.json").write_text(json.dumps(m))
    with pytest.raises(IndexDamaged):
        store.load(built.store_dir, expect_model=MODEL)


def test_dangling_store_link_is_index_missing(built):
    import shutil

    shutil.rmtree(live(built))
    with pytest.raises(IndexMissing, match="assistant index"):
        store.load(built.store_dir, expect_model=MODEL)


def test_store_is_a_relative_symlink_replaced_by_the_next_build(built):
    first = live(built)
    link = os.readlink(built.store_dir)
    assert not os.path.isabs(link) and link.startswith("builds")
    (built.sources_dir / "small.txt").write_text(SMALL_DOC + "\nKey message 4\n\nA new message.\n")
    second = indexer.build(built, export_onnx=False).path
    assert second != first and live(built) == second
    assert first.exists()  # the previous build stays for readers still using it
    assert not list(built.index_dir.glob(".store-*"))
    assert not list((built.index_dir / "builds").glob(".tmp-*"))


def _change_sources(settings):
    (settings.sources_dir / "small.txt").write_text(SMALL_DOC.replace("serious risk", "grave risk"))


@pytest.mark.parametrize("where", ["bm25", "faiss", "manifest"])
def test_crash_mid_build_leaves_the_previous_index_unchanged(built, monkeypatch, where):
    before_target = live(built)
    before = snapshot(before_target)
    old_messages = store.load(built.store_dir, expect_model=MODEL).messages
    _change_sources(built)

    def boom(*a, **k):
        raise RuntimeError("simulated crash")

    if where == "bm25":
        monkeypatch.setattr(indexer, "build_bm25", boom)
    elif where == "faiss":
        import faiss

        monkeypatch.setattr(faiss, "write_index", boom)
    else:
        monkeypatch.setattr(store, "_fsync_tree", boom)
    with pytest.raises(RuntimeError, match="simulated crash"):
        indexer.build(built, export_onnx=False)
    monkeypatch.undo()
    assert live(built) == before_target
    assert snapshot(before_target) == before
    assert list(store.load(built.store_dir, expect_model=MODEL).messages) == list(old_messages)
    assert not list((built.index_dir / "builds").glob(".tmp-*")), "the half-written build is cleaned up"
    assert not list(built.index_dir.glob(".store-*"))
    # and the next build goes through
    report = indexer.build(built, export_onnx=False)
    assert not report.up_to_date and live(built) != before_target
    assert any("grave risk" in m.text for m in store.load(built.store_dir, expect_model=MODEL).messages.values())


@pytest.mark.parametrize("damage", [_truncate_vectors, _unknown_message], ids=lambda f: f.__name__.strip("_"))
def test_nothing_is_reused_from_a_damaged_live_build(built, damage):
    damage(live(built))
    _change_sources(built)
    counter = CountingEmbedder()
    report = indexer.build(built, embedder=counter, export_onnx=False)
    st = store.load(built.store_dir, expect_model=MODEL)
    assert not report.appended and report.embedded == len(counter.texts) == len(store.embedded_shas(st))


def test_assistant_reload_keeps_serving_when_new_build_is_damaged(built):
    a = Assistant(built)
    old_path = a.store.path
    (built.sources_dir / "small.txt").write_text(SMALL_DOC + "\nKey message 4\n\nA new message.\n")
    new_path = indexer.build(built, export_onnx=False).path
    (new_path / "manifest.json").write_text("{broken")
    assert a.reload_if_changed() is False
    assert a.store.path == old_path
    a.ask("hello")  # still answers from the old index


def test_assistant_reload_picks_up_a_new_build(built):
    a = Assistant(built)
    (built.sources_dir / "small.txt").write_text(SMALL_DOC + "\nKey message 4\n\nA brand new message.\n")
    indexer.build(built, export_onnx=False)
    assert a.reload_if_changed() is True
    assert any(m.title == "Key message 4" for m in a.messages)
    assert a.reload_if_changed() is False


def test_fake_settings_without_build_is_missing(tmp_path):
    with pytest.raises(IndexMissing):
        Assistant(fake_settings(make_index_dir(tmp_path / "i")))
