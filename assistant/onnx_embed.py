"""Query embeddings from the ONNX export (onnx_export.py): tokenizers + onnxruntime + numpy, no torch.

Loading this module and constructing OnnxEmbedder must not import torch or sentence_transformers;
tests/test_onnx.py checks that in a fresh interpreter.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from .embed import Embedder
from .errors import IndexDamaged


def default_threads() -> int:
    """Intra-op threads for queries: one. A query is one short sequence (1.24 ms at 1 thread, 1.23 at 2 here);
    a server computes requests on several threads at once, and each run then keeps to its own core instead of
    waking a shared pool: the key messages served 293 and 254 answers/s at 1 thread against 250 and 241 at
    2, over 16 connections on 2 cores (the 100,000-message index 194/181 against 193/163). Builds pass their own."""
    return 1


class OnnxEmbedder(Embedder):
    def __init__(self, onnx_dir: Path, name: str, threads: int | None = None, weights: str = "int8",
                 file: str | None = None):
        """weights: "int8" uses model.int8.onnx when the export wrote one (it agreed with fp32), else model.onnx;
        "fp32" always model.onnx. file names the model file outright (the export's own check uses it)."""
        import onnxruntime as ort
        from tokenizers import Tokenizer

        onnx_dir = Path(onnx_dir)
        try:
            facts = json.loads((onnx_dir / "export.json").read_text())
            self.dim = int(facts["dim"])
            self.max_seq_length = int(facts.get("max_seq_length", 256))
            if facts.get("pooling", "mean") != "mean":
                raise ValueError(f"unsupported pooling {facts.get('pooling')!r}")
            self.tokenizer = Tokenizer.from_file(str(onnx_dir / "tokenizer.json"))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise IndexDamaged(f"the ONNX export in {onnx_dir} is damaged ({exc}); run `assistant index --force`") from exc
        if file is None:
            int8 = facts.get("int8") or {}
            file = int8["file"] if weights == "int8" and int8.get("file") else "model.onnx"
        self.file, self.name = file, name
        self.tokenizer.enable_truncation(max_length=self.max_seq_length)
        pad = self.tokenizer.token_to_id("[PAD]")
        self.tokenizer.enable_padding(pad_id=0 if pad is None else pad, pad_token="[PAD]")

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Spinning worker threads burn the other core while idle; under load (a web server, a build) that
        # tripled query latency on a 2-core machine. Sleep instead.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.add_session_config_entry("session.inter_op.allow_spinning", "0")
        options.log_severity_level = 3
        try:
            self.session = ort.InferenceSession(str(onnx_dir / file), sess_options=options,
                                                providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own Fail/InvalidGraph/NoSuchFile types
            raise IndexDamaged(f"the ONNX model {onnx_dir / file} cannot be loaded ({type(exc).__name__}); "
                               "run `assistant index --force`") from exc
        self.input_names = {i.name for i in self.session.get_inputs()}

    def embed_batch(self, texts: list[str]) -> np.ndarray:
        """Mean-pooled last hidden states (not normalised; Embedder.embed does that)."""
        if len(texts) == 1:  # the query path: one text has no padding, so pooling is a plain mean over tokens
            e = self.tokenizer.encode(texts[0])
            ids = np.array([e.ids], dtype=np.int64)
            hidden = self._hidden(ids, np.ones_like(ids), np.array([e.type_ids], dtype=np.int64))
            return hidden.mean(axis=1, dtype=np.float32)
        encodings = self.tokenizer.encode_batch(list(texts))
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self._hidden(np.array([e.ids for e in encodings], dtype=np.int64), mask,
                              np.array([e.type_ids for e in encodings], dtype=np.int64))
        weights = mask[:, :, None].astype(np.float32)
        summed = (hidden * weights).sum(axis=1)
        counts = np.clip(weights.sum(axis=1), 1e-9, None)
        return (summed / counts).astype(np.float32)

    def _hidden(self, ids: np.ndarray, mask: np.ndarray, type_ids: np.ndarray) -> np.ndarray:
        """The model's last hidden states, fed only the inputs this export declares."""
        feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": type_ids}
        return self.session.run(None, {k: v for k, v in feeds.items() if k in self.input_names})[0]
