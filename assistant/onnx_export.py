"""Export the sentence-transformers model to ONNX for a query path without torch.

The folder written holds
  model.onnx      the transformer: (input_ids, attention_mask, token_type_ids) -> last_hidden_state
  tokenizer.json  copied from the model folder
  export.json     where it came from (model folder name, sha256 of its weights, opset) and how to pool
                  (mean over the attention mask, truncation to max_seq_length, normalise)
Pooling and normalisation are done by onnx_embed.OnnxEmbedder in numpy. A build reuses the export of
the live index when export.json says it came from the same weights with the same opset, so an index
refresh does not pay for torch.onnx.export (several seconds) every time.

torch and transformers are imported only inside `export`, never at module import.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import warnings
from pathlib import Path

OPSET = 17
EXPORT_VERSION = 1
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin")
FILES = ("model.onnx", "tokenizer.json", "export.json")


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


def _reusable(reuse_from: Path | None, source: dict) -> bool:
    if reuse_from is None or not all((reuse_from / f).exists() for f in FILES):
        return False
    recorded = _read_json(reuse_from / "export.json") or {}
    return all(recorded.get(k) == v for k, v in source.items())


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def export(model_path: Path, out_dir: Path, reuse_from: Path | None = None) -> None:
    """Write model.onnx, tokenizer.json and export.json into out_dir (reusing a matching earlier export)."""
    model_path, out_dir = Path(model_path), Path(out_dir)
    source = source_of(model_path)
    out_dir.mkdir(parents=True, exist_ok=True)
    if _reusable(reuse_from, source):
        for name in FILES:
            target = out_dir / name
            target.unlink(missing_ok=True)
            _link_or_copy(reuse_from / name, target)
        return

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

    transformer = AutoModel.from_pretrained(str(model_path), local_files_only=True)
    transformer.eval()
    encoder = _Encoder(transformer).eval()
    dim = int(transformer.config.hidden_size)
    sample = torch.ones((2, 8), dtype=torch.long)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {n: {0: "batch", 1: "sequence"} for n in names} | {"last_hidden_state": {0: "batch", 1: "sequence"}}
    # Write to a temporary name first so a killed export never leaves a model.onnx that looks complete.
    with tempfile.TemporaryDirectory(dir=out_dir) as tmp:
        tmp_model = Path(tmp) / "model.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # tracer notes about Python-constant shapes, expected here
            torch.onnx.export(encoder, (sample, torch.ones_like(sample), torch.zeros_like(sample)), str(tmp_model),
                              input_names=names, output_names=["last_hidden_state"], dynamic_axes=axes,
                              opset_version=OPSET, do_constant_folding=True, dynamo=False)
        data = Path(str(tmp_model) + ".data")
        if data.exists():  # large models are saved with external data; keep this one self-contained
            import onnx

            onnx.save_model(onnx.load(str(tmp_model)), str(out_dir / "model.onnx"), save_as_external_data=False)
        else:
            os.replace(tmp_model, out_dir / "model.onnx")
    shutil.copy2(model_path / "tokenizer.json", out_dir / "tokenizer.json")
    facts = dict(source, dim=dim, pooling=_pooling(model_path), max_seq_length=_max_seq_length(model_path),
                 normalise=_normalise(model_path), inputs=names, output="last_hidden_state")
    (out_dir / "export.json").write_text(json.dumps(facts, indent=2) + "\n")
