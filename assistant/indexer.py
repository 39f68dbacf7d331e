"""Sources → a built store: parse, embed what changed, write atomically (see store.py)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from . import corpus, store
from .embed import Embedder, default_model_path, make_embedder, model_name
from .errors import IndexError_, Unreadable
from .bm25 import build_bm25
from .settings import ROOT, Settings

PROGRESS_OVER = 300  # messages; smaller corpora build without a progress bar


@dataclass(frozen=True)
class BuildReport:
    path: Path
    messages: int
    units: int
    embedded: int  # units embedded this time (the rest were reused)
    up_to_date: bool = False
    documents: int = 0
    skipped: tuple[Unreadable, ...] = ()  # files that could not be read, each naming the reason


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


def is_current(settings: Settings, paths: list[Path], model: str) -> bool:
    try:
        m = store.read_manifest(settings.store_dir)
    except IndexError_:
        return False
    return (m.get("corpus_hash") == corpus.corpus_hash(paths) and m.get("model") == model
            and m.get("version") == store.FORMAT_VERSION and _extras_ok(settings, m))


def _extras_ok(settings: Settings, manifest: dict) -> bool:
    live = settings.store_dir
    return all((live / f).exists() for f in manifest.get("sizes", {}))


def expected_model(settings: Settings) -> str:
    return "fake-hash-64" if settings.embedder == "fake" else model_name(default_model_path(settings.model))


def build(settings: Settings, paths: list[Path] | None = None, embedder: Embedder | None = None,
          force: bool = False, export_onnx: bool = True) -> BuildReport:
    """Build the index unless it is already current; reuse vectors of unchanged text."""
    paths = source_paths(settings, paths)
    model = embedder.name if embedder else expected_model(settings)
    if not force and is_current(settings, paths, model):
        m = store.read_manifest(settings.store_dir)
        return BuildReport(settings.store_dir.resolve(), m["messages"], m["units"], 0, True,
                           len(store.previous_documents(settings.store_dir)),
                           tuple(Unreadable(_absolute(f), why) for f, why in m.get("skipped", [])))
    found = corpus.read(paths)
    messages = found.messages
    documents = _dated(found.documents, store.previous_documents(settings.store_dir))
    pairs = store.units_of(messages)
    cached = {} if force else store.previous_vectors(settings.store_dir, model)
    todo = [i for i, (u, _) in enumerate(pairs) if u.sha not in cached]
    staging = None
    if embedder is None and todo:
        embedder, staging = _document_embedder(settings, export_onnx)
    dim = embedder.dim if embedder else len(next(iter(cached.values())))
    todo.sort(key=lambda i: len(pairs[i][1]))  # similar lengths batched together pad little
    fresh = embedder.embed([pairs[i][1] for i in todo], progress=len(todo) > PROGRESS_OVER) if todo else np.zeros((0, dim), np.float32)
    vectors = np.zeros((len(pairs), dim), dtype=np.float32)
    for n, i in enumerate(todo):
        vectors[i] = fresh[n]
    for i, (u, _) in enumerate(pairs):
        if u.sha in cached:
            vectors[i] = cached[u.sha]

    def extra(folder: Path) -> None:
        build_bm25(messages, folder)
        if export_onnx and model != "fake-hash-64":
            _export(settings, folder, staging)

    manifest = {"model": model, "dim": dim, "corpus_hash": corpus.corpus_hash(paths),
                "sources": [_recorded(p) for p in paths], "documents": sorted({m.document for m in messages}),
                "skipped": [[_recorded(e.path), e.reason] for e in found.skipped]}
    path = store.write(settings.index_dir, manifest, messages, [u for u, _ in pairs], vectors, extra, documents)
    return BuildReport(path, len(messages), len(pairs), len(todo), False, len(documents), tuple(found.skipped))


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
    """What embeds the documents: the ONNX export at fp32 in batches on every core (the same model and
    pooling the queries use, about five times sentence-transformers on torch here), exported once into
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
            return OnnxEmbedder(staging, name=model_name(path), weights="fp32", threads=os.cpu_count() or 1), staging
        except ImportError:
            pass
    return make_embedder("torch", settings.model), None


def manifest_summary(settings: Settings) -> dict:
    m = store.read_manifest(settings.store_dir)
    return {k: m[k] for k in ("model", "dim", "messages", "units", "built_at", "corpus_hash", "version") if k in m} | {
        "sources": m.get("sources", [])}


def dumps(d: dict) -> str:
    return json.dumps(d, indent=2, ensure_ascii=False)
