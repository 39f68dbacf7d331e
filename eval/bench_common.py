"""Helpers shared by the parts of eval/bench.py: paths, the offline environment for subprocesses, the
dev questions, percentiles in milliseconds and the progress log."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUESTIONS = ROOT / "eval" / "data" / "questions-dev.jsonl"
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
           "ASSISTANT_QUERY_CACHE": "0"}  # the dev questions repeat: measure embedding, not the memo


# -- small helpers -------------------------------------------------------------------------------
def pct(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if len(values) else float("nan")


def ms_stats(seconds) -> dict:
    return {"p50": round(1000 * pct(seconds, 50), 3), "p99": round(1000 * pct(seconds, 99), 3), "n": len(seconds)}


def questions(path: Path = QUESTIONS) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def env(**extra) -> dict:
    return dict(os.environ, **OFFLINE, **{k: str(v) for k, v in extra.items()})


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)
