"""The ONNX query path: same vectors as sentence-transformers, no torch at query time, exports reused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

pytestmark = pytest.mark.model

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

LONG = " ".join(
    "Staff across partnerships were not confident these outcomes were being met, despite their efforts to do so."
    for _ in range(40))  # well over 256 word pieces: checks truncation matches

TEXTS = [
    "hi", "?", "is domestic abuse still a problem?", "is mental health a problem?",
    "What did the inspectors say about chronologies?", "tell me more", "which message says that",
    "can I assume this reflects what every child went through",
    "chidlren at rsik of harm", "domestik abuse", "neglect neglect neglect neglect",
    "Were young people's views listened to by staff?", "HOW MANY PARTNERSHIPS WERE INSPECTED",
    "Ça va ? Les enfants à risque — évaluation", "Überprüfung der Kinderschutzdienste", "子供の安全と保護",
    "Это вопрос о детях", "emoji 🙂👍 in a question", "tabs\tand\nnewlines  and   spaces",
    "numbers 2021-2025, 13 key messages, 44 units", "a" * 600, "x",
    "The quality of chronologies was variable and often did not inform assessments of risk.",
    "Leaders had a clear vision for services for children and young people at risk of harm.",
    "What about substance misuse by parents?", "Is there enough support after a child protection plan ends?",
    "<b>html</b> &amp; entities", "'quoted' \"text\" (brackets) [and] {braces}", LONG, LONG + " extra tail words",
]


@pytest.fixture(scope="module")
def model_path() -> Path:
    from assistant.embed import default_model_path

    return default_model_path()


@pytest.fixture(scope="module")
def exported(model_path, tmp_path_factory) -> Path:
    from assistant.onnx_export import export

    out = tmp_path_factory.mktemp("export") / "onnx"
    export(model_path, out)
    return out


def test_export_files_and_facts(exported, model_path):
    facts = json.loads((exported / "export.json").read_text())
    assert {"model.onnx", "tokenizer.json", "export.json"} <= {p.name for p in exported.iterdir()}
    assert facts["model"] == model_path.name and facts["dim"] == 384 and facts["max_seq_length"] == 256
    assert facts["pooling"] == "mean" and facts["normalise"] is True and len(facts["weights_sha256"]) == 64


@pytest.fixture(scope="module")
def reference(model_path) -> np.ndarray:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_path), device="cpu").encode(TEXTS, normalize_embeddings=True)


@pytest.mark.parametrize("weights, floor, question_floor, mean_floor",
                         [("fp32", 0.9999, 0.9999, 0.99999), ("int8", 0.985, 0.99, 0.997)])
def test_same_vectors_as_sentence_transformers(exported, model_path, reference, weights, floor, question_floor, mean_floor):
    """fp32 matches to rounding. int8 (8-bit weights) stays within cosine 0.99 on every text of three words or
    more, 0.985 on the one-token ones ("?" strays most, 0.990 seen), and 0.997 on average."""
    from assistant.onnx_embed import OnnxEmbedder

    onnx = OnnxEmbedder(exported, name=model_path.name, weights=weights)
    assert onnx.dim == 384 and onnx.file == ("model.onnx" if weights == "fp32" else "model.int8.onnx")
    batched = onnx.embed(TEXTS, batch_size=8)  # padding within a batch
    single = np.vstack([onnx.embed([t]) for t in TEXTS])  # the query path: one text, no padding
    for got in (batched, single):
        assert got.dtype == np.float32 and got.shape == reference.shape
        cosines = (got * reference).sum(axis=1)
        worst = int(np.argmin(cosines))
        assert cosines.min() >= floor, f"cosine {cosines[worst]:.5f} for {TEXTS[worst][:60]!r}"
        assert cosines.mean() >= mean_floor
        worded = [c for c, t in zip(cosines, TEXTS) if len(t.split()) >= 3]
        assert min(worded) >= question_floor
    # LONG and LONG + tail share their first 256 tokens, so truncation makes them identical
    assert float(single[-1] @ single[-2]) > 0.9999


def test_int8_export_records_its_check(exported):
    facts = json.loads((exported / "export.json").read_text())
    assert facts["int8"]["file"] == "model.int8.onnx" and (exported / "model.int8.onnx").exists()
    assert facts["int8"]["min_cosine"] >= 0.985 and facts["int8"]["mean_cosine"] >= 0.997 and facts["int8"]["probes"] >= 10


def test_int8_that_disagrees_is_not_written(model_path, tmp_path, monkeypatch):
    """When the 8-bit model's vectors stray from fp32 the export keeps fp32 only, and says why."""
    from assistant import onnx_export
    from assistant.onnx_embed import OnnxEmbedder

    monkeypatch.setattr(onnx_export, "INT8_MIN_COSINE", 1.0001)  # no model can meet this
    out = tmp_path / "onnx"
    onnx_export.export(model_path, out)
    facts = json.loads((out / "export.json").read_text())
    assert "int8" not in facts and facts["int8_rejected"]["min_cosine"] < 1.0001
    assert not (out / "model.int8.onnx").exists()
    assert OnnxEmbedder(out, name="m", weights="int8").file == "model.onnx"


def test_query_path_imports_no_torch(exported):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from assistant.onnx_embed import OnnxEmbedder\n"
        f"e = OnnxEmbedder(Path({str(exported)!r}), name='model')\n"
        "v = e.embed(['is domestic abuse still a problem?'])\n"
        "assert v.shape == (1, 384), v.shape\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers', 'transformers') if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_reexport_reuses_matching_export(exported, model_path, tmp_path, monkeypatch):
    import torch

    from assistant import onnx_export

    def no_export(*args, **kwargs):
        raise AssertionError("torch.onnx.export called although a matching export exists")

    monkeypatch.setattr(torch.onnx, "export", no_export)
    started = time.perf_counter()
    onnx_export.export(model_path, tmp_path / "onnx", reuse_from=exported)
    assert time.perf_counter() - started < 5
    assert (tmp_path / "onnx" / "export.json").read_text() == (exported / "export.json").read_text()
    assert (tmp_path / "onnx" / "model.onnx").stat().st_size == (exported / "model.onnx").stat().st_size


def test_stale_export_is_not_reused(exported, model_path, tmp_path, monkeypatch):
    """A recorded source that differs (other weights) means a fresh export, not a copy."""
    import shutil

    from assistant import onnx_export

    stale = tmp_path / "stale"
    shutil.copytree(exported, stale)
    facts = json.loads((stale / "export.json").read_text())
    (stale / "export.json").write_text(json.dumps(dict(facts, weights_sha256="0" * 64)))
    assert not onnx_export._reusable(stale, onnx_export.source_of(model_path))
    assert onnx_export._reusable(exported, onnx_export.source_of(model_path))
    assert not onnx_export._reusable(tmp_path / "missing", onnx_export.source_of(model_path))
    assert not onnx_export._reusable(None, onnx_export.source_of(model_path))
