"""Sources → a built store: parse, embed what changed, write atomically (see store.py)."""

from __future__ import annotations

import json
import logging
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from . import corpus, store
from .embed import Embedder, default_model_path, make_embedder, model_name
from .errors import IndexError_, Unreadable
from .onnx_export import EXPORT_VERSION
from .profile import Profile
from .bm25 import build_bm25
from .settings import ROOT, Settings
from .units import RECIPE, Unit, mean_vectors, subjects, units_of

PROGRESS_OVER = 300  # texts; fewer are embedded without a progress bar
# Texts per ONNX run, sorted by length: on 2 cores, 8 embedded 100-180-token texts about 15-25 % faster than 64
# and short sentences about 40 % faster (less padding, a working set that stays in cache).
EMBED_BATCH = 8
log = logging.getLogger("assistant.index")


@dataclass(frozen=True)
class BuildReport:
    path: Path
    messages: int
    units: int
    embedded: int  # distinct texts embedded this time (the other units reused a vector or share a text)
    up_to_date: bool = False
    documents: int = 0
    skipped: tuple[Unreadable, ...] = ()  # files that could not be read, each naming the reason
    appended: bool = False  # only documents were added: their units were appended to the live build's
    reused: int = 0  # units whose vector the live build had (all of its own, when appended)
    seconds: tuple[tuple[str, float], ...] = ()  # wall time of each step of the build, in order


def source_paths(settings: Settings, paths: list[Path] | None) -> list[Path]:
    """Paths named on the command line, else the ones the live index was built from, else index/sources."""
    if paths:
        return [p.resolve() for p in paths]
    try:
        recorded = store.read_manifest(settings.store_dir).get("sources") or []
    except IndexError_:
        recorded = []
    found = [_absolute(p) for p in recorded]
    return found if found and all(p.exists() for p in found) else [settings.sources_dir]


def _absolute(p: str) -> Path:
    path = Path(p)
    return path if path.is_absolute() else ROOT / path


def _recorded(p: Path) -> str:
    try:
        return str(p.relative_to(ROOT))
    except ValueError:
        return str(p)


def is_current(settings: Settings, paths: list[Path], model: str, digest: str | None = None,
               headed: bool | None = None) -> bool:
    """Whether the live build is of these files (`digest`: their corpus_hash, when known), this model and the
    profile's heading context (`headed`, when already read)."""
    try:
        m = store.read_manifest(settings.store_dir)
    except IndexError_:
        return False
    return (m.get("corpus_hash") == (digest or corpus.corpus_hash(paths)) and _same_embedding(m, model, settings)
            and m.get("units_recipe") == RECIPE and m.get("parser") == corpus.PARSER_VERSION
            and m.get("heading_context") == (_heading_context(settings) if headed is None else headed)
            and "subject_documents" in m
            and m.get("version") == store.FORMAT_VERSION and _extras_ok(settings, m))


def _heading_context(settings: Settings) -> bool:
    """Whether this index folder's profile has sentences embedded after their headings (units.vector_text)."""
    return Profile.load(settings.index_dir).heading_context


def _same_embedding(manifest: dict, model: str, settings: Settings) -> bool:
    """Whether a build's vectors are what this build would embed: the same model, weights and export recipe."""
    return (manifest.get("model") == model and store.manifest_weights(manifest) == settings.onnx_weights
            and manifest.get("export_version") == EXPORT_VERSION)


def _extras_ok(settings: Settings, manifest: dict) -> bool:
    live = settings.store_dir
    return all((live / f).exists() for f in manifest.get("sizes", {}))


def expected_model(settings: Settings) -> str:
    return "fake-hash-64" if settings.embedder == "fake" else model_name(default_model_path(settings.model))


def build(settings: Settings, paths: list[Path] | None = None, embedder: Embedder | None = None,
          force: bool = False, export_onnx: bool = True) -> BuildReport:
    """Build the index unless it is already current. Unchanged documents are not parsed again, text the
    live build embedded with the same model is not embedded again, and when documents were only added, their
    units are appended to the live build's vectors; `force` rebuilds everything from the files."""
    paths = source_paths(settings, paths)
    model = embedder.name if embedder else expected_model(settings)
    digest = corpus.corpus_hash(paths)  # before reading: a file changed meanwhile makes the next build see it
    headed = _heading_context(settings)
    if not force and is_current(settings, paths, model, digest, headed):
        m = store.read_manifest(settings.store_dir)
        return BuildReport(settings.store_dir.resolve(), m["messages"], m["units"], 0, True,
                           len(store.previous_documents(settings.store_dir)),
                           tuple(Unreadable(_absolute(f), why) for f, why in m.get("skipped", [])))
    clock = _Clock()
    earlier = None if force else _live(settings)
    clock.lap("load the live build")
    found = corpus.read(paths, _parsed(earlier))
    clock.lap("parse")
    messages = found.messages
    documents = _dated(found.documents, earlier.documents if earlier is not None else store.previous_documents(settings.store_dir))
    same_model = earlier if earlier is not None and _same_embedding(earlier.manifest, model, settings) else None
    added = _added(found, same_model if same_model is not None and same_model.manifest.get("heading_context") == headed else None)
    subject = subjects(added if added is not None else messages) if headed else frozenset()
    if added is not None:  # the live build's documents are unchanged, and so is which of them name their subject
        subject |= frozenset(same_model.manifest.get("subject_documents", ()))
    pairs = units_of(added if added is not None else messages, headed, subject)
    staging = None

    def embed(texts: list[str]) -> np.ndarray:
        nonlocal embedder, staging
        if embedder is None:
            embedder, staging = _document_embedder(settings, export_onnx)
        return embedder.embed(texts, batch_size=EMBED_BATCH, progress=len(texts) > PROGRESS_OVER)

    made = _vectors(pairs, same_model, embed)
    clock.lap("embed")
    if added is not None:  # the last use of the live build's vectors: they become the new build's
        index, units = store.appended(same_model, made.vectors), same_model.units + [u for u, _ in pairs]
    else:
        index, units = store.build_faiss(made.vectors), [u for u, _ in pairs]
    clock.lap("faiss")

    def extra(folder: Path) -> None:
        clock.lap("write")
        build_bm25(messages, folder, earlier)
        clock.lap("bm25")
        if export_onnx and model != "fake-hash-64":
            _export(settings, folder, staging)
            clock.lap("onnx")

    manifest = {"model": model, "weights": settings.onnx_weights, "export_version": EXPORT_VERSION, "units_recipe": RECIPE,
                "heading_context": headed, "subject_documents": sorted(subject), "dim": int(made.vectors.shape[1]), "corpus_hash": digest,
                "sources": [_recorded(p) for p in paths], "documents": sorted({d.title for d, _ in found.documents}),
                "skipped": [[_recorded(e.path), e.reason] for e in found.skipped], "parser": corpus.PARSER_VERSION,
                "embedded": made.embedded}
    path = store.write(settings.index_dir, manifest, messages, units, index, extra, documents, earlier)
    clock.lap("manifest, fsync")
    log.info("%s %d messages, %d units (embedded %d) in %s", "appended to" if added is not None else "built",
             len(messages), len(units), made.embedded, clock)
    return BuildReport(path, len(messages), len(units), made.embedded, False, len(documents), tuple(found.skipped),
                       appended=added is not None, reused=len(units) - len(pairs) + made.reused,
                       seconds=tuple(clock.laps.items()))


class _Clock:
    """Seconds spent in each step of a build, for the log and the report."""

    def __init__(self):
        self.laps: dict[str, float] = {}
        self._at = self._start = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = self.laps.get(name, 0.0) + now - self._at
        self._at = now

    def __str__(self) -> str:
        return f"{self._at - self._start:.2f} s (" + ", ".join(f"{k} {v:.2f}" for k, v in self.laps.items()) + ")"


def _live(settings: Settings) -> store.Store | None:
    """The live build, checked as a server would load it, to reuse from (its vectors read whole, so an
    appending build adds to them in place); None when there is none usable."""
    try:
        return store.load(settings.store_dir, mapped=False)
    except IndexError_:
        return None


def _parsed(earlier: store.Store | None) -> dict[str, corpus.Parsed]:
    """The live build's documents with their messages, by id, when it parsed them as this version would."""
    if earlier is None or earlier.manifest.get("parser") != corpus.PARSER_VERSION:
        return {}
    by_document: dict[str, list] = {}
    for m in earlier.messages.values():
        by_document.setdefault(m.document_id, []).append(m)
    return {d: corpus.Parsed(earlier.documents[d], ms) for d, ms in by_document.items()}


def _added(found: corpus.Corpus, earlier: store.Store | None) -> list[corpus.Message] | None:
    """The messages of the documents added since the live build, when nothing else changed: every document it
    indexed still read, from the same bytes, as the same messages (reused, same parser), and the FAISS index
    of the total of the same kind. None when the build must be made whole."""
    if earlier is None or not _parsed(earlier):
        return None
    now = {d.id: d for d, _ in found.documents}
    if any(d.id not in now or (now[d.id].sha, now[d.id].file) != (d.sha, d.file) for d in earlier.documents.values()):
        return None
    added = [m for m in found.messages if m.document_id not in earlier.documents]
    units = len(added) + sum(len(m.sentences) for m in added)
    return added if store.appendable(earlier, units) else None


@dataclass(frozen=True)
class _Vectors:
    vectors: np.ndarray  # one row per unit
    embedded: int  # distinct texts embedded for them
    reused: int  # units given the live build's vector


def _vectors(pairs: list[tuple[Unit, str | None]], earlier: store.Store | None, embed) -> _Vectors:
    """A vector per unit: the live build's vector for a text it embedded (same model), else one embedding
    per distinct text, however many units share it; a message's own vector, when derived, from its sentences'."""
    rows = {u.sha: i for i, u in enumerate(earlier.units)} if earlier is not None else {}
    todo: dict[str, str] = {}
    for u, text in pairs:
        if u.sha not in rows and text is not None:
            todo.setdefault(u.sha, text)
    order = sorted(todo, key=lambda sha: len(todo[sha]))  # similar lengths batched together pad little
    fresh = embed([todo[sha] for sha in order]) if order else None
    dim = fresh.shape[1] if fresh is not None else earlier.vectors.d
    vectors = np.zeros((len(pairs), dim), dtype=np.float32)
    made = {sha: n for n, sha in enumerate(order)}
    mine = [i for i, (u, _) in enumerate(pairs) if u.sha in made]
    if mine:
        vectors[mine] = fresh[[made[pairs[i][0].sha] for i in mine]]
    kept = [i for i, (u, _) in enumerate(pairs) if u.sha in rows]
    if kept:
        vectors[kept] = earlier.vectors.reconstruct_batch(np.array([rows[pairs[i][0].sha] for i in kept], dtype=np.int64))
    mean_vectors(pairs, vectors, [i for i, (u, text) in enumerate(pairs) if text is None and u.sha not in rows])
    return _Vectors(vectors, len(order), len(kept))


def _dated(documents: list[tuple[corpus.Document, Path]], before: dict[str, corpus.Document]):
    """Each document with when its content was first indexed: kept from the live build when unchanged."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out = []
    for doc, source in documents:
        old = before.get(doc.id)
        out.append((replace(doc, indexed_at=old.indexed_at if old and old.sha == doc.sha and old.indexed_at else now), source))
    return out


def _export(settings: Settings, folder: Path, staging: Path | None = None) -> None:
    """The query-time ONNX model beside the vectors (reused from the export the documents were embedded
    with, or from the live build, when the model is the same)."""
    try:
        from .onnx_export import export
    except ImportError:
        return
    export(default_model_path(settings.model), folder / "onnx", reuse_from=staging or settings.store_dir / "onnx")


def _document_embedder(settings: Settings, export_onnx: bool) -> tuple[Embedder, Path | None]:
    """What embeds the documents: the ONNX export with the weights settings.onnx_weights asks for, in batches on
    every core (the same model file and pooling the queries use: 5-6 times sentence-transformers on torch here,
    int8 batches 1.14 times fp32), exported once into
    index/.onnx-staging/ (or linked from the live build); torch when ONNX cannot be had; the fake in tests."""
    if settings.embedder == "fake":
        return make_embedder("fake"), None
    if export_onnx:
        try:
            from .onnx_embed import OnnxEmbedder
            from .onnx_export import export, is_current

            staging = settings.index_dir / ".onnx-staging"
            path = default_model_path(settings.model)
            if not is_current(staging, path):
                export(path, staging, reuse_from=settings.store_dir / "onnx")
            return OnnxEmbedder(staging, name=model_name(path), weights=settings.onnx_weights,
                                threads=os.cpu_count() or 1), staging
        except ImportError:
            pass
    return make_embedder("torch", settings.model), None


def manifest_summary(settings: Settings) -> dict:
    m = store.read_manifest(settings.store_dir)
    return {k: m[k] for k in ("model", "dim", "messages", "units", "built_at", "corpus_hash", "version") if k in m} | {
        "sources": m.get("sources", [])}


def dumps(d: dict) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False)
