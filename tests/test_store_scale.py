"""The FAISS index type follows the number of vectors: exact search up to EXACT_LIMIT, HNSW above,
and the HNSW graph over 16-bit vectors (as written to disk and memory-mapped back) still finds the exact neighbours."""

from __future__ import annotations

import numpy as np
import pytest

faiss = pytest.importorskip("faiss")

from assistant import store  # noqa: E402


def unit_vectors(n: int, dim: int = 64, seed: int = 0) -> np.ndarray:
    """Clustered unit vectors (closer to real embeddings than uniform noise, and harder for a graph)."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, dim)).astype(np.float32)
    v = centres[rng.integers(0, len(centres), n)] + 0.6 * rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def recall_at_10(index, vectors: np.ndarray, queries: np.ndarray) -> float:
    exact = faiss.IndexFlatIP(vectors.shape[1])
    exact.add(vectors)
    truth = exact.search(queries, 10)[1]
    found = index.search(queries, 10)[1]
    return float(np.mean([len(set(f) & set(t)) / 10 for f, t in zip(found, truth)]))


def test_exact_up_to_the_limit(monkeypatch):
    monkeypatch.setattr(store, "EXACT_LIMIT", 3000)
    index = store.build_faiss(unit_vectors(3000))
    assert isinstance(index, faiss.IndexFlatIP) and index.ntotal == 3000


def test_hnsw_above_the_limit_keeps_recall(monkeypatch, tmp_path):
    monkeypatch.setattr(store, "EXACT_LIMIT", 1000)
    data = unit_vectors(4200)
    vectors, queries = data[:4000], data[4000:]  # queries are not in the index
    index = store.build_faiss(vectors)
    assert isinstance(index, faiss.IndexHNSWSQ) and index.ntotal == 4000
    assert index.metric_type == faiss.METRIC_INNER_PRODUCT
    assert recall_at_10(index, vectors, queries) >= 0.95
    # written and read back the way store.load reads it (memory-mapped): same type, same answers
    path = tmp_path / "vectors.faiss"
    faiss.write_index(index, str(path))
    loaded = faiss.read_index(str(path), faiss.IO_FLAG_MMAP | faiss.IO_FLAG_READ_ONLY)
    assert isinstance(loaded, faiss.IndexHNSWSQ) and loaded.hnsw.efSearch == index.hnsw.efSearch
    assert recall_at_10(loaded, vectors, queries) >= 0.95
    np.testing.assert_array_equal(loaded.search(queries[:20], 10)[1], index.search(queries[:20], 10)[1])


def test_top_k_equals_the_head_of_a_stable_sort():
    """retrieve.top picks the k best messages without sorting them all: the same positions, in the same
    order (ties by position, -inf last), as the first k of a stable descending sort."""
    import numpy as np

    from assistant.retrieve import top

    rng = np.random.default_rng(0)
    for _ in range(2000):
        n = int(rng.integers(1, 60))
        scores = rng.integers(0, 5, n).astype(float)
        scores[rng.random(n) < 0.1] = -np.inf
        k = int(rng.integers(0, n + 3))
        assert list(top(scores, k)) == list(np.argsort(-scores, kind="stable")[:k])


def test_hnsw_vectors_read_back_within_half_precision(monkeypatch):
    """The 16-bit storage gives back each vector (a message restricted by title scores its units from these)
    to within half precision."""
    monkeypatch.setattr(store, "EXACT_LIMIT", 100)
    vectors = unit_vectors(300)
    index = store.build_faiss(vectors)
    back = index.reconstruct_n(0, 300)
    assert np.abs(back - vectors).max() < 1e-3
    assert np.min(np.sum(back * vectors, axis=1)) > 0.999
