"""Export the sentence-transformers model to ONNX: one embedding path, without torch, for documents and queries.

The folder written holds
  model.onnx       the transformer: (input_ids, attention_mask, token_type_ids) -> last_hidden_state, with
                   onnxruntime's transformer fusions applied (Attention, SkipLayerNormalization, BiasGelu:
                   about 46 nodes instead of 500+; same numbers)
  model.int8.onnx  the same with 8-bit weights: per-channel int8 in the Attention ops, blocks of 32 in the
                   other MatMuls (MatMulNBits). A query reads every weight once, so at fp32 (~42 MB) it is
                   bound by memory; int8 fits in cache and runs in about 60% of the time. Written only when
                   its vectors agree with model.onnx to cosine >= INT8_MIN_COSINE on probe texts (recorded in
                   export.json). The index embeds its documents with whichever file the queries use
                   (Settings.onnx_weights): in batches int8 runs about 1.14x as fast as fp32 here.
  tokenizer.json   copied from the model folder
  export.json      where it came from (model folder name, sha256 of its weights, opset) and how to pool
                   (mean over the attention mask, truncation to max_seq_length, normalise)
Pooling and normalisation are done by onnx_embed.OnnxEmbedder in numpy. A build reuses the export of
the live index when export.json says it came from the same weights with the same opset, so an index
refresh does not pay for torch.onnx.export (several seconds) every time.

torch and transformers are imported only inside `export`, never at module import.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from pathlib import Path

OPSET = 17
EXPORT_VERSION = 3  # 2: fused graph + int8 weights; 3: int8 attention too
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
FILES = ("model.onnx", "tokenizer.json", "export.json")
INT8_FILE = "model.int8.onnx"
# On PROBES. Seen: 0.991 on "?" and 0.996 on "hi" (one-token inputs, which are chit-chat or declined anyway),
# >= 0.994 on every real question (against sentence-transformers); `make eval` on the dev split gave the same
# answers as with fp32.
INT8_MIN_COSINE = 0.985
INT8_BLOCK = 32
PROBES = (  # texts the int8 model is checked on at export (queries of every kind, short and long)
    "hi", "?", "is domestic abuse still a problem?", "DV still a big problem??", "are kids' views shaping services?",
    "What did the inspectors say about chronologies?", "How many children were inspected?", "chidlren at rsik of harm",
    "Leaders had a clear vision for services for children and young people at risk of harm.",
    "The quality of chronologies was variable and often did not inform assessments of risk.",
    "What about substance misuse by parents?", "Is there enough support after a child protection plan ends?",
    "Ça va ? Les enfants à risque — évaluation", "emoji 🙂👍 in a question", "numbers 2021-2025, 13 key messages",
    " ".join(["Staff across partnerships were not confident these outcomes were being met."] * 30),
)


def weights_file(model_path: Path) -> Path:
    for name in WEIGHT_FILES:
        if (model_path / name).exists():
            return model_path / name
    raise FileNotFoundError(f"no weights file ({' or '.join(WEIGHT_FILES)}) in {model_path}")


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _max_seq_length(model_path: Path) -> int:
    try:
        return int(json.loads((model_path / "sentence_bert_config.json").read_text())["max_seq_length"])
    except (OSError, ValueError, KeyError, TypeError):
        return 256


def _pooling(model_path: Path) -> str:
    try:
        cfg = json.loads((model_path / "1_Pooling" / "config.json").read_text())
    except (OSError, ValueError):
        return "mean"
    if not cfg.get("pooling_mode_mean_tokens", True) or any(
            cfg.get(k) for k in ("pooling_mode_cls_token", "pooling_mode_max_tokens", "pooling_mode_mean_sqrt_len_tokens")):
        raise ValueError(f"only mean pooling is supported by the ONNX path, {model_path} uses {cfg}")
    return "mean"


def _normalise(model_path: Path) -> bool:
    try:
        modules = json.loads((model_path / "modules.json").read_text())
    except (OSError, ValueError):
        return True
    return any(m.get("type", "").endswith("Normalize") for m in modules)


def source_of(model_path: Path) -> dict:
    """What identifies an export: the model folder's name, its weights' digest, the opset."""
    return {"model": model_path.name, "weights_sha256": sha256_file(weights_file(model_path)), "opset": OPSET,
            "export_version": EXPORT_VERSION}


def _read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _files(facts: dict) -> tuple[str, ...]:
    return FILES + ((INT8_FILE,) if facts.get("int8") else ())


def _reusable(reuse_from: Path | None, source: dict) -> bool:
    if reuse_from is None:
        return False
    recorded = _read_json(reuse_from / "export.json") or {}
    return all(recorded.get(k) == v for k, v in source.items()) and all((reuse_from / f).exists() for f in _files(recorded))


def is_current(out_dir: Path, model_path: Path) -> bool:
    """Whether out_dir already holds a complete export of this model."""
    return _reusable(Path(out_dir), source_of(Path(model_path)))


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def export(model_path: Path, out_dir: Path, reuse_from: Path | None = None) -> None:
    """Write model.onnx, model.int8.onnx (when it agrees), tokenizer.json and export.json into out_dir
    (linking a matching earlier export instead when there is one)."""
    model_path, out_dir = Path(model_path), Path(out_dir)
    source = source_of(model_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    if _reusable(reuse_from, source):
        for name in _files(_read_json(reuse_from / "export.json") or {}):
            target = out_dir / name
            target.unlink(missing_ok=True)
            _link_or_copy(reuse_from / name, target)
        return

    # Write to temporary names first so a killed export never leaves a model file that looks complete.
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        raw, fused, int8 = Path(tmp) / "raw.onnx", Path(tmp) / "model.onnx", Path(tmp) / INT8_FILE
        config = _export_torch(model_path, raw)
        _fuse(raw, fused, config)
        shutil.copy2(model_path / "tokenizer.json", Path(tmp) / "tokenizer.json")
        facts = dict(source, dim=int(config.hidden_size), pooling=_pooling(model_path),
                     max_seq_length=_max_seq_length(model_path), normalise=_normalise(model_path),
                     inputs=["input_ids", "attention_mask", "token_type_ids"], output="last_hidden_state")
        (Path(tmp) / "export.json").write_text(json.dumps(facts))
        check = _quantise(fused, int8, Path(tmp))
        os.replace(Path(tmp) / "tokenizer.json", out_dir / "tokenizer.json")
        os.replace(fused, out_dir / "model.onnx")
        if check["min_cosine"] >= INT8_MIN_COSINE:
            os.replace(int8, out_dir / INT8_FILE)
            facts["int8"] = {"file": INT8_FILE, "bits": 8, "block": INT8_BLOCK} | check
        else:
            (out_dir / INT8_FILE).unlink(missing_ok=True)
            facts["int8_rejected"] = check
    (out_dir / "export.json").write_text(json.dumps(facts, indent=2) + "\n")


def _export_torch(model_path: Path, out: Path):
    """torch.onnx.export of the transformer with eager attention (the pattern onnxruntime can fuse)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from transformers import AutoModel

    class _Encoder(torch.nn.Module):
        def __init__(self, transformer):
            super().__init__()
            self.transformer = transformer

        def forward(self, input_ids, attention_mask, token_type_ids):
            out = self.transformer(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state if hasattr(out, "last_hidden_state") else out[0]

    transformer = AutoModel.from_pretrained(str(model_path), local_files_only=True, attn_implementation="eager")
    encoder = _Encoder(transformer.eval()).eval()
    sample = torch.ones((2, 8), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "sequence"} for n in names} | {"last_hidden_state": {0: "batch", 1: "sequence"}}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tracer notes about Python-constant shapes, expected here
        torch.onnx.export(encoder, (sample, torch.ones_like(sample), torch.zeros_like(sample)), str(out),
                          input_names=names, output_names=["last_hidden_state"], dynamic_axes=axes,
                          opset_version=OPSET, do_constant_folding=True, dynamo=False)
    return transformer.config


def _fuse(raw: Path, out: Path, config) -> None:
    """onnxruntime's transformer optimizer (portable fusions only, opt_level 1); one self-contained file."""
    import onnx
    from onnxruntime.transformers import optimizer

    # "bert" fusions match BERT-like encoders; another architecture simply gets fewer of them (same numbers).
    model = optimizer.optimize_model(str(raw), model_type="bert", num_heads=int(getattr(config, "num_attention_heads", 0)),
                                     hidden_size=int(getattr(config, "hidden_size", 0)), opt_level=1, use_gpu=False)
    onnx.save_model(model.model, str(out), save_as_external_data=False)


def _quantise(fused: Path, out: Path, folder: Path) -> dict:
    """8-bit weight-only copy of the fused model, and how closely its vectors follow the fp32 ones
    (folder holds export.json and tokenizer.json for the probe embedders)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.quantization.matmul_nbits_quantizer import MatMulNBitsQuantizer

    # The fused Attention ops (a third of the weights) take per-channel int8 weights with dynamically
    # quantised inputs; every other MatMul keeps fp32 inputs and 8-bit weights in blocks of INT8_BLOCK.
    attention = folder / "attention-int8.onnx"
    logging.disable(logging.WARNING)  # the quantisers advise "pre-processing" through the root logger: noise here
    try:
        quantize_dynamic(str(fused), str(attention), per_channel=True, weight_type=QuantType.QInt8,
                         op_types_to_quantize=["Attention"], extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
        quantizer = MatMulNBitsQuantizer(onnx.load(str(attention)), bits=8, block_size=INT8_BLOCK, is_symmetric=True,
                                         accuracy_level=4)
        quantizer.process()
    finally:
        logging.disable(logging.NOTSET)
    onnx.save_model(quantizer.model.model, str(out), save_as_external_data=False)
    from .onnx_embed import OnnxEmbedder

    full = OnnxEmbedder(folder, name="probe", file=fused.name).embed(list(PROBES))
    small = OnnxEmbedder(folder, name="probe", file=out.name).embed(list(PROBES))
    cosines = (full * small).sum(axis=1)
    return {"probes": len(PROBES), "min_cosine": round(float(cosines.min()), 6), "mean_cosine": round(float(cosines.mean()), 6)}
