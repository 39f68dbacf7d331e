"""Scale part of eval/bench.py: synthetic vectors (ONNX embeddings of synthetic text, noisy copies above
--real), FAISS build time, RSS, search latency and recall@10 against exact search."""

from __future__ import annotations

import json
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from .bench_common import ROOT, env, log, questions


# -- scale: synthetic vectors, FAISS builds, recall ----------------------------------------------
_WORD = re.compile(r"\S+")


def synthetic_texts(n: int, seed: int = 0) -> list[str]:
    """Sentence-like texts: windows of corpus sentences with some words swapped for others."""
    store_dir = ROOT / "index" / "store"
    msgs = [json.loads(line) for line in (store_dir / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
    sents = [m["text"][a:b] for m in msgs for a, b in m["sentences"]] or [m["text"] for m in msgs]
    extra = []
    for name in ("questions-dev.jsonl", "questions-test.jsonl", "chitchat.jsonl"):
        path = ROOT / "eval" / "data" / name
        if path.exists():
            extra += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    vocab = sorted({w for s in sents + extra for w in _WORD.findall(s)})
    sent_words = [_WORD.findall(s) for s in sents]
    rng = random.Random(seed)
    seen, out = set(), []
    while len(out) < n:
        words = rng.choice(sent_words)
        length = rng.randint(4, 28)
        start = rng.randrange(max(1, len(words) - length + 1))
        chunk = list(words[start:start + length])
        if rng.random() < 0.3:  # splice in a window of another sentence
            other = rng.choice(sent_words)
            s2 = rng.randrange(len(other))
            chunk += other[s2:s2 + rng.randint(3, 12)]
        rate = rng.choice((0.1, 0.25, 0.4))
        chunk = [rng.choice(vocab) if rng.random() < rate else w for w in chunk]
        text = " ".join(chunk)
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def embed_texts(texts: list[str]) -> np.ndarray:
    from assistant.embed import default_model_path
    from assistant.onnx_embed import OnnxEmbedder

    onnx_dir = ROOT / "index" / "store" / "onnx"
    e = OnnxEmbedder(onnx_dir, name=default_model_path().name)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))  # similar lengths batch with little padding
    out = np.zeros((len(texts), e.dim), dtype=np.float32)
    step, t0 = 4096, time.perf_counter()
    for i in range(0, len(order), step):
        rows = order[i:i + step]
        out[rows] = e.embed([texts[r] for r in rows], batch_size=64)
        done = min(i + step, len(order))
        log(f"embedded {done}/{len(texts)} texts ({done / (time.perf_counter() - t0):.0f}/s)")
    return out


def base_vectors(cache: Path, n: int, n_queries: int) -> tuple[np.ndarray, np.ndarray, dict]:
    """n real embeddings of synthetic text and query embeddings (questions + held-out texts), cached."""
    cache.mkdir(parents=True, exist_ok=True)
    texts = synthetic_texts(n + n_queries)
    key = f"minilm-{n}-{n_queries}"
    vec_path, q_path, meta_path = cache / f"{key}.npy", cache / f"{key}-queries.npy", cache / f"{key}.json"
    if vec_path.exists() and q_path.exists() and meta_path.exists():
        meta = json.loads(meta_path.read_text())
        return np.load(vec_path), np.load(q_path), meta | {"cached": True}
    t = time.perf_counter()
    held_out = texts[n:]
    qs = questions() + questions(ROOT / "eval" / "data" / "questions-test.jsonl")
    allv = embed_texts(texts[:n] + held_out + qs)
    vectors, queries = allv[:n], allv[n:]
    meta = {"texts": n, "queries": len(queries), "embed_s": round(time.perf_counter() - t, 1),
            "embed_texts_per_s": round(len(allv) / (time.perf_counter() - t), 1)}
    np.save(vec_path, vectors)
    np.save(q_path, queries)
    meta_path.write_text(json.dumps(meta))
    return vectors, queries, meta | {"cached": False}


def noisy_million(base: np.ndarray, n: int, sigma: float, seed: int = 1) -> np.ndarray:
    """base rows, then noisy renormalised copies of them until n rows."""
    rng = np.random.default_rng(seed)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    out[:len(base)] = base
    for i in range(len(base), n, len(base)):
        rows = min(len(base), n - i)
        block = base[:rows] + rng.normal(0, sigma, (rows, base.shape[1])).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[i:i + rows] = block
    return out


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int = 10) -> np.ndarray:
    import faiss

    flat = faiss.IndexFlatIP(vectors.shape[1])
    flat.add(vectors)
    return flat.search(queries, k)[1]


PROBE = r"""
import json, resource, sys, time
import numpy as np
import faiss
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) / 1024
path, qpath, gtpath = sys.argv[1:4]
sweep = json.loads(sys.argv[4])
base = rss()
t = time.perf_counter()
index = faiss.read_index(path, faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
load_s = time.perf_counter() - t
queries, truth = np.load(qpath), np.load(gtpath)
def run(index):
    index.search(queries[:20], 10)
    ts, found = [], []
    for q in queries:
        t = time.perf_counter(); _, rows = index.search(q[None, :], 10); ts.append(time.perf_counter() - t)
        found.append(rows[0])
    found = np.array(found)
    recall = np.mean([len(set(f) & set(g)) / 10 for f, g in zip(found, truth)])
    return float(np.percentile(ts, 50) * 1000), float(np.percentile(ts, 99) * 1000), float(recall)
threads = faiss.omp_get_max_threads()
p50, p99, _ = run(index)
omp_default = {"threads": threads, "search_p50_ms": round(p50, 3), "search_p99_ms": round(p99, 3)}
faiss.omp_set_num_threads(1)  # as the query path does (retrieve.py): one query gains nothing from OpenMP
p50, p99, recall = run(index)
out = {"load_s": round(load_s, 3), "rss_mb": round(rss() - base, 1), "search_p50_ms": round(p50, 3),
       "search_p99_ms": round(p99, 3), "recall_at_10": round(recall, 4), "index_type": type(index).__name__,
       "omp_threads": 1, "omp_default": omp_default}
hnsw = getattr(index, "hnsw", None)
if hnsw is not None:
    out["hnsw"] = {"M": int(hnsw.nb_neighbors(1)), "efConstruction": int(hnsw.efConstruction), "efSearch": int(hnsw.efSearch)}
    out["ef_sweep"] = {}
    for ef in sweep:
        hnsw.efSearch = ef
        p50, p99, recall = run(index)
        out["ef_sweep"][str(ef)] = {"search_p50_ms": round(p50, 3), "search_p99_ms": round(p99, 3), "recall_at_10": round(recall, 4)}
print(json.dumps(out))
"""


def scale_point(vectors: np.ndarray, queries: np.ndarray, work: Path, sweep: list[int]) -> dict:
    import faiss

    from assistant import store

    t = time.perf_counter()
    index = store.build_faiss(vectors)
    build_s = time.perf_counter() - t
    path = work / f"vectors-{len(vectors)}.faiss"
    faiss.write_index(index, str(path))
    del index
    truth = exact_top(vectors, queries)
    np.save(work / "queries.npy", queries)
    np.save(work / "truth.npy", truth)
    out = subprocess.run([sys.executable, "-c", PROBE, str(path), str(work / "queries.npy"), str(work / "truth.npy"),
                          json.dumps(sweep)], cwd=ROOT, env=env(), capture_output=True, text=True, timeout=3600)
    if out.returncode:
        raise RuntimeError(out.stderr[-2000:])
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    size_mb = path.stat().st_size / 2**20
    path.unlink()
    return {"build_s": round(build_s, 2), "file_mb": round(size_mb, 1), **probe}


def part_scale(sizes: list[int], cache: Path, sigma: float, real: int) -> dict:
    from assistant import store

    real_n = min(max(s for s in sizes), real)
    vectors, queries, meta = base_vectors(cache, real_n, n_queries=300)
    result = {"data": meta | {"exact_limit": store.EXACT_LIMIT, "queries": len(queries),
                              "real_vectors": real_n,
                              "note": f"up to {real_n} vectors: real ONNX embeddings of synthetic text; above: those "
                                      f"plus noisy copies (gaussian sigma {sigma} per dimension, renormalised)"}}
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for n in sizes:
            data = vectors[:n] if n <= len(vectors) else noisy_million(vectors, n, sigma)
            log(f"scale {n}: building")
            point = scale_point(data, queries, Path(tmp), sweep=[64, 128, 256, 512, 1024])
            point["synthetic_vectors"] = n > len(vectors)
            result[str(n)] = point
            log(f"scale {n}: {point}")
            del data
    return result

