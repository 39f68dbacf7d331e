"""The built index: a folder of ordinary files, swapped in atomically.

index/store is a symlink to index/builds/<stamp>/, which holds
  manifest.json    model, dimension, corpus hash, build time, format version, file sizes
  messages.jsonl   one message a line: id, title, document, document_id, text, sentence spans, page starts
  documents.jsonl  one indexed document a line: id, title, file, format, pages, messages, sha, indexed_at
  files/           a copy of each indexed document's original file, served by GET /documents/{id}
  units.jsonl      one unit a line (a message or one of its sentences: units.py), in vector order
  vectors.faiss    the FAISS index over those vectors (memory-mapped when read)
  bm25/            bm25s indexes over messages and over sentences (JSON and .npy, no pickle), and in bm25/terms/
                   every text's terms, which the next build reuses (bm25.py)
A build writes a new folder and then replaces the symlink, so a reader never sees half an index
and an interrupted build leaves the previous one in place.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import os
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from .corpus import Document, Message, Sentence
from .errors import IndexDamaged, IndexMismatch, IndexMissing
from .units import Unit

log = logging.getLogger("assistant.index")

FORMAT_VERSION = 5  # 2: a sentence that points back is embedded with its predecessor; 3: and BM25-indexed so;
# 4: documents.jsonl, files/, and each message's document_id and page starts; 5: a message's vector is the mean of
# its sentences' vectors
EXACT_LIMIT = 10_000  # above this many vectors, an HNSW graph replaces exact search: an exact search of 38,000
# vectors (10,000 messages) took 3 ms, more than the rest of a turn; the graph searches 100,000 in 0.5 ms
# HNSW settings, measured by eval/bench.py (scale part) on 2 cores at 100k and 1M vectors of dim 384:
# efConstruction 80 left recall@10 at 0.97 even with efSearch 128; 200 builds a graph that reaches 0.99+.
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 200
HNSW_EF_SEARCH = 256  # applied again on load, so it can be changed without a rebuild
REBUILD = "run `assistant index` (or `make index`) to rebuild it"
_FILES = ("messages.jsonl", "units.jsonl", "vectors.faiss", "documents.jsonl")
MEDIA_TYPES = {"pdf": "application/pdf", "txt": "text/plain; charset=utf-8", "md": "text/markdown; charset=utf-8",
               "html": "text/html; charset=utf-8",
               "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


@dataclass
class Store:
    path: Path
    manifest: dict
    messages: dict[str, Message]
    units: list[Unit]  # empty when loaded with units=False (a server needs only the two arrays below)
    vectors: object  # faiss.Index
    documents: dict[str, Document]
    mapped: bool = True  # vectors memory-mapped read-only (what a server reads); False: read whole, can be added to
    # per vector row: its message's position in `messages`, and its sentence's index in that message (-1 for
    # the message's own unit)
    unit_message: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    unit_sentence: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    @property
    def model(self) -> str:
        return self.manifest["model"]

    @property
    def weights(self) -> str:
        """The ONNX weights its vectors were asked of. Queries use the same, so documents and questions share
        one embedding path."""
        return manifest_weights(self.manifest)

    def original(self, document_id: str) -> Path | None:
        """The copy of an indexed document's original file, or None for any id that is not indexed."""
        doc = self.documents.get(document_id)
        if doc is None:
            return None
        path = self.path / "files" / original_name(doc)
        return path if path.is_file() else None


def original_name(doc: Document) -> str:
    """The name the copy of a document's file has in files/: its id and suffix, never a name from outside."""
    return doc.id + {"html": ".html"}.get(doc.format, "." + doc.format)


def embedded_shas(st: "Store") -> set[str]:
    """The digests of the texts a build of this store ran through the model (not the derived message vectors)."""
    return {u.sha for u in st.units if not (u.kind == "message" and st.messages[u.message_id].sentences)}


def build_faiss(vectors: np.ndarray):
    """Exact inner-product search up to EXACT_LIMIT vectors; above it an HNSW graph over vectors stored at
    16 bits (measured on 100,000 real MiniLM vectors: the same recall@10, 0.997, as 32-bit storage, 11 %
    faster searches and 58 % of the file and memory)."""
    import faiss

    dim = vectors.shape[1]
    if len(vectors) <= EXACT_LIMIT:
        index = faiss.IndexFlatIP(dim)
    else:
        index = faiss.IndexHNSWSQ(dim, faiss.ScalarQuantizer.QT_fp16, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def appendable(earlier: Store, count: int) -> bool:
    """Whether `count` more vectors can be added to the earlier build's index: it is of the kind build_faiss
    gives for the total (exact search up to EXACT_LIMIT, HNSW past it)."""
    return (earlier.vectors.ntotal + count > EXACT_LIMIT) == hasattr(earlier.vectors, "hnsw")


def appended(earlier: Store, vectors: np.ndarray):
    """The earlier build's FAISS index with these vectors added after its own (HNSW inserts them into its
    graph as a build does, one after another). Only when appendable. A store read whole (mapped=False) is
    added to in place, so its vectors are then the new build's: at 400,000 vectors, reading the file a second
    time beside the memory-mapped one and adding to that copy took 2.4 s, adding in place 0.4 s."""
    import faiss

    if not appendable(earlier, len(vectors)) or vectors.shape[1] != earlier.vectors.d:
        raise ValueError("these vectors cannot be appended to the earlier build's index")
    index = faiss.read_index(str(earlier.path / "vectors.faiss")) if earlier.mapped else earlier.vectors
    if hasattr(index, "hnsw"):
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
        index.hnsw.efSearch = HNSW_EF_SEARCH
    if len(vectors):
        index.add(np.ascontiguousarray(vectors, dtype=np.float32))
    return index


def _write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def write(index_dir: Path, manifest: dict, messages: list[Message], units: list[Unit], vectors, extra=None,
          documents: list[tuple[Document, Path]] = (), earlier: Store | None = None) -> Path:
    """Write a complete build beside the live one, then point index/store at it in one rename. `vectors` is
    the FAISS index (build_faiss or appended); `documents` are the indexed documents with the files they were
    read from, copied into files/, or linked from the `earlier` build's files/ when it holds the same bytes.
    Units that begin with the earlier build's own, in its order (an appended build), copy its units.jsonl."""
    import faiss

    builds = index_dir / "builds"
    builds.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S") + f"-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    tmp = builds / f".tmp-{stamp}"
    tmp.mkdir()
    try:
        started = time.perf_counter()
        _write_jsonl(tmp / "messages.jsonl", (
            {"id": m.id, "title": m.title, "document": m.document, "document_id": m.document_id, "text": m.text,
             "sentences": [[s.start, s.end] for s in m.sentences], "pages": [list(p) for p in m.pages]} for m in messages))
        _write_units(tmp / "units.jsonl", units, earlier)
        _write_jsonl(tmp / "documents.jsonl", (d.__dict__ for d, _ in documents))
        durable = _originals(tmp / "files", documents, earlier)
        wrote = time.perf_counter()
        faiss.write_index(vectors, str(tmp / "vectors.faiss"))
        written = time.perf_counter()
        if extra:
            extra(tmp)
        manifest = dict(manifest, version=FORMAT_VERSION, units=len(units), messages=len(messages),
                        built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                        sizes={f: (tmp / f).stat().st_size for f in _FILES + tuple(
                            f"files/{original_name(d)}" for d, _ in documents)})
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
        extras = time.perf_counter()
        _fsync_tree(tmp, skip=durable)
        final = builds / stamp
        tmp.rename(final)
        link = index_dir / f".store-{stamp}"
        link.symlink_to(Path("builds") / stamp)
        os.replace(link, index_dir / "store")
        _fsync_dir(index_dir)
        log.info("wrote the build in %.2f s: files %.2f s, vectors.faiss %.2f s, extras (bm25, onnx) %.2f s, fsync %.2f s",
                 time.perf_counter() - started, wrote - started, written - wrote, extras - written, time.perf_counter() - extras)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _prune(builds, keep=final)
    return final


def _write_units(path: Path, units: list[Unit], earlier: Store | None) -> None:
    """units.jsonl; the earlier build's lines copied as they are when the units begin with its own (writing
    400,000 units one json.dumps at a time takes a second)."""
    kept = len(earlier.units) if earlier is not None and units[:len(earlier.units)] == earlier.units else 0
    if kept:
        shutil.copyfile(earlier.path / "units.jsonl", path)
    with path.open("a" if kept else "w", encoding="utf-8") as f:
        for u in units[kept:]:
            f.write(json.dumps(asdict(u), ensure_ascii=False) + "\n")


def _originals(folder: Path, documents: list[tuple[Document, Path]], earlier: Store | None) -> set[Path]:
    """Each document's original file in folder: a hard link to the earlier build's copy when that build
    indexed the same bytes (already on disk, so not synced again), else a copy. The linked paths."""
    folder.mkdir()
    linked = set()
    for doc, source in documents:
        target, old = folder / original_name(doc), earlier.documents.get(doc.id) if earlier is not None else None
        if old is not None and old.sha == doc.sha and old.format == doc.format:
            try:
                os.link(earlier.path / "files" / original_name(old), target)
                linked.add(target)
                continue
            except OSError:  # gone, or a file system without hard links: copy instead
                target.unlink(missing_ok=True)
        shutil.copyfile(source, target)
    return linked


def _fsync_tree(folder: Path, skip: set[Path] = frozenset()) -> None:
    """Every file written (`skip`: ones already synced, linked from an earlier build) and every folder."""
    for p in folder.rglob("*"):
        if p.is_dir():
            _fsync_dir(p)
        elif p.is_file() and p not in skip:
            with p.open("rb") as f:
                os.fsync(f.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _prune(builds: Path, keep: Path) -> None:
    """Keep the new build and the one before it (a server may still be reading it); drop the rest."""
    done = sorted((p for p in builds.iterdir() if not p.name.startswith(".tmp-")), key=lambda p: p.stat().st_mtime)
    for old in done[:-2]:
        if old != keep:
            shutil.rmtree(old, ignore_errors=True)
    for stale in builds.glob(".tmp-*"):  # left by a build that was killed mid-write
        if time.time() - stale.stat().st_mtime > 3600:
            shutil.rmtree(stale, ignore_errors=True)


def manifest_weights(manifest: dict) -> str:
    """The ONNX weights ("int8" or "fp32") a build's vectors were asked of; builds before they were recorded
    embedded their documents at fp32."""
    return manifest.get("weights", "fp32")


def read_manifest(store_dir: Path) -> dict:
    path = store_dir / "manifest.json"
    if not store_dir.exists() or not path.exists():
        raise IndexMissing(f"no index has been built at {store_dir}; {REBUILD}")
    try:
        manifest = json.loads(path.read_text())
        manifest["model"], manifest["corpus_hash"], manifest["version"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IndexDamaged(f"the index manifest at {path} is damaged ({exc}); {REBUILD}") from exc
    if manifest["version"] != FORMAT_VERSION:
        raise IndexMismatch(f"the index was built by format version {manifest['version']}, this is {FORMAT_VERSION}; {REBUILD}")
    return manifest


def load(store_dir: Path, expect_model: str | None = None, mapped: bool = True, units: bool = True) -> Store:
    """Read and check a built store; any damage is an IndexDamaged naming the command to run. `mapped=False`
    reads the vectors whole, for a build that adds to them; `units=False` keeps only the row arrays, not a
    record per unit (a server: about 60 MB at 100,000 messages)."""
    path = store_dir.resolve()
    manifest = read_manifest(store_dir)
    if expect_model is not None and manifest["model"] != expect_model:
        raise IndexMismatch(f"the index was built with model {manifest['model']!r} but {expect_model!r} is configured; {REBUILD}")
    try:
        with _collector_paused():
            return _checked(path, manifest, mapped, units)
    except IndexDamaged as exc:
        raise IndexDamaged(f"the index at {store_dir} is damaged: {exc}; {REBUILD}") from exc
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as exc:
        raise IndexDamaged(f"the index at {store_dir} is damaged ({type(exc).__name__}: {exc}); {REBUILD}") from exc


@contextlib.contextmanager
def _collector_paused():
    """Python's cycle collector off while a store's objects are made: they hold no cycles, and collecting
    while a million of them are created took a third of the load at 400,000 units."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _checked(path: Path, manifest: dict, mapped: bool, keep_units: bool = True) -> Store:
    """The store at path, every file checked against the manifest and each other (IndexDamaged if not)."""
    import faiss

    for name, size in manifest["sizes"].items():
        if (path / name).stat().st_size != size:
            raise IndexDamaged(f"{name} has the wrong size")
    messages = {}
    for line in _lines(path / "messages.jsonl"):
        row = json.loads(line)
        sents = tuple(Sentence(a, b, row["text"]) for a, b in row["sentences"])
        messages[row["id"]] = Message(row["id"], row["title"], row["document"], row["text"], sents,
                                      row["document_id"], tuple((a, b) for a, b in row["pages"]))
    documents = {}
    for line in (path / "documents.jsonl").read_text(encoding="utf-8").splitlines():
        doc = Document(**json.loads(line))
        documents[doc.id] = doc
    if len(messages) != manifest["messages"]:
        raise IndexDamaged("the vectors, units and messages disagree in number")
    if any(m.document_id not in documents for m in messages.values()):
        raise IndexDamaged("a message belongs to no indexed document")
    # Each unit checked against its message's text or sentences as it is read, a line at a time, into slotted
    # units that share the messages' id strings (reading the whole file at once, and a string per unit, held
    # about 190 MB more at 400,000 units), and its row's owners written to two arrays.
    position = {mid: i for i, mid in enumerate(messages)}
    where = {(m.id, s.start, s.end): j for m in messages.values() for j, s in enumerate(m.sentences)}
    unit_message = np.empty(manifest["units"], dtype=np.int32)
    unit_sentence = np.empty(manifest["units"], dtype=np.int32)
    units: list[Unit] = []
    row = -1
    for row, line in enumerate(_lines(path / "units.jsonl")):
        if row >= len(unit_message):
            raise IndexDamaged("the vectors, units and messages disagree in number")
        u = _unit(json.loads(line), messages)
        if u.message_id not in messages:
            raise IndexDamaged("units refer to unknown messages")
        if u.kind == "message":
            if (u.start, u.end) != (0, len(messages[u.message_id].text)):
                raise IndexDamaged("a unit's span does not match its message's text or sentences")
            j = -1
        else:
            j = where.get((u.message_id, u.start, u.end), -2)
            if j < 0:
                raise IndexDamaged("a unit's span does not match its message's text or sentences")
        unit_message[row], unit_sentence[row] = position[u.message_id], j
        if keep_units:
            units.append(u)
    vectors = faiss.read_index(str(path / "vectors.faiss"), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY if mapped else 0)
    if hasattr(vectors, "hnsw"):  # memory-mapping works for HNSW too (faiss 1.15); efSearch is a search-time knob
        vectors.hnsw.efSearch = HNSW_EF_SEARCH
    if vectors.ntotal != row + 1 or row + 1 != manifest["units"]:
        raise IndexDamaged("the vectors, units and messages disagree in number")
    if vectors.d != manifest["dim"]:
        raise IndexDamaged("the vectors have the wrong dimension")
    return Store(path, manifest, messages, units, vectors, documents, mapped, unit_message, unit_sentence)


def _lines(path: Path):
    """A JSON Lines file's lines, read one at a time (a whole large file and its split copy doubled the peak)."""
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield line


def _unit(row: dict, messages: dict[str, Message]) -> Unit:
    """A unit sharing its kind and message-id strings with the messages (not a copy per unit)."""
    mid = row["message_id"]
    owner = messages.get(mid)
    return Unit(sys.intern(row["kind"]), owner.id if owner is not None else mid, row["start"], row["end"], row["sha"])


def previous_documents(store_dir: Path) -> dict[str, Document]:
    """The live build's documents by id (to keep when each was first indexed); empty when there is none."""
    try:
        rows = (store_dir / "documents.jsonl").read_text(encoding="utf-8").splitlines()
        return {d.id: d for d in (Document(**json.loads(r)) for r in rows)}
    except (OSError, ValueError, TypeError):
        return {}
