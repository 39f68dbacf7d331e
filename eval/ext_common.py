"""What the public benchmarks (eval/extbench.py) share: the assistant's embedder with an embedding cache
under eval/results/.cache/ keyed by content hash, the assistant's tokenizer + bm25s for lexical scores,
and the ranking metrics (AP, RR, nDCG@k, P/R/F1)."""

from __future__ import annotations

import hashlib
import math
import sys
import time
from pathlib import Path

import numpy as np

from assistant.text import terms

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "eval" / "results"
CACHE = RESULTS / ".cache"
WEIGHTS = [round(w, 2) for w in np.arange(0.0, 1.001, 0.05)]

# Published reference figures (test sets), from the benchmark README.
PUBLISHED = {
    "wikiqa": {"CNN-Cnt (Yang et al. 2015)": {"map": 0.652, "mrr": 0.665, "trigger_f1": 0.31},
               "ABCNN (Yin et al. 2016)": {"map": 0.692, "mrr": 0.711},
               "TANDA RoBERTa-large, fine-tuned (Garg et al. 2020)": {"map": 0.920, "mrr": 0.933}},
    "beir": {"nfcorpus": {"all-MiniLM-L6-v2 (MTEB)": 0.316, "BM25 (BEIR paper)": 0.325},
             "arguana": {"all-MiniLM-L6-v2 (MTEB)": 0.502, "BM25 (BEIR paper)": 0.315}},
}


# ---------------------------------------------------------------- embeddings (the assistant's Embedder)

_EMBEDDER = None


def embedder():
    """The assistant's query embedder: the ONNX export when present, else sentence-transformers (torch)."""
    global _EMBEDDER
    if _EMBEDDER is None:
        from assistant.embed import default_model_path, make_embedder, model_name

        onnx = ROOT / "index" / "store" / "onnx"
        if (onnx / "model.onnx").exists():
            from assistant.onnx_embed import OnnxEmbedder

            _EMBEDDER = OnnxEmbedder(onnx, name=model_name(default_model_path()))
        else:
            _EMBEDDER = make_embedder("torch")
    return _EMBEDDER


_FINGERPRINT = None


def model_fingerprint() -> str:
    """What cached vectors depend on: the backend and the packaged model's weights (not its display
    name, and not the ONNX file, which a rebuild of the index re-exports)."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        from assistant.embed import default_model_path

        folder = default_model_path()
        weights = sorted(folder.glob("*.safetensors")) or sorted(folder.glob("*.bin"))
        h = hashlib.sha256()
        for path in weights:
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
        _FINGERPRINT = f"{type(embedder()).__name__}:{h.hexdigest()}"
    return _FINGERPRINT


def embed(texts: list[str], label: str = "", cache: bool = True) -> np.ndarray:
    """Unit vectors for texts, cached by a hash of the model name and the texts themselves.
    Texts are embedded shortest first so each batch pads little, then put back in order."""
    model = embedder()
    key = hashlib.sha256((model_fingerprint() + "\x00" + "\x1f".join(texts)).encode()).hexdigest()[:24]
    path = CACHE / f"{label or 'emb'}-{key}.npy" if cache else None
    if path and path.exists():
        return np.load(path)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), model.dim), dtype=np.float32)
    started, done = time.perf_counter(), 0
    for i in range(0, len(order), 64):
        rows = order[i:i + 64]
        out[rows] = model.embed([texts[j] for j in rows])
        done += len(rows)
        if done % 1024 < 64 and len(texts) > 2000:
            print(f"  embedding {label}: {done}/{len(texts)} ({done / (time.perf_counter() - started):.0f}/s)",
                  file=sys.stderr, flush=True)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, out)
    return out


# ---------------------------------------------------------------- lexical (the assistant's tokenizer + bm25s)

def stems(text: str) -> list[str]:
    """The assistant's BM25 tokens (English stop words removed, Snowball stems) for one text."""
    return terms(text)


def bm25_scores(docs: list[list[str]], queries: list[list[str]], k1: float = 1.5, b: float = 0.75) -> list[np.ndarray]:
    """BM25 over a small candidate set (one WikiQA question's sentences), with bm25s for each set."""
    import bm25s

    bm = bm25s.BM25(k1=k1, b=b)
    bm.index(docs if any(docs) else [["_"]], show_progress=False)
    return [bm.get_scores(q) if q else np.zeros(len(docs)) for q in queries]


class Bm25Index:
    """bm25s over a whole corpus, fed with the assistant's tokenizer."""

    def __init__(self, texts: list[str]):
        import bm25s

        self.bm = bm25s.BM25()
        self.bm.index([terms(t) for t in texts], show_progress=False)
        self.vocab = self.bm.vocab_dict
        self.n = len(texts)

    def scores(self, query: str) -> np.ndarray:
        words = [w for w in stems(query) if w in self.vocab]
        return self.bm.get_scores(words) if words else np.zeros(self.n, dtype=np.float32)


# ---------------------------------------------------------------- metrics

def average_precision(labels: list[int]) -> float:
    """labels in ranked order; AP = mean precision at each relevant rank (trec_eval's map)."""
    hits, total = 0, 0.0
    for i, rel in enumerate(labels, 1):
        if rel:
            hits += 1
            total += hits / i
    return total / hits if hits else 0.0


def reciprocal_rank(labels: list[int]) -> float:
    return next((1 / i for i, rel in enumerate(labels, 1) if rel), 0.0)


def ndcg_at(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    """nDCG@k with linear gains, as pytrec_eval / BEIR compute it."""
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((r for r in rels.values() if r > 0), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def prf(answered_correct: int, answered: int, positives: int) -> dict:
    p = answered_correct / answered if answered else 0.0
    r = answered_correct / positives if positives else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))
