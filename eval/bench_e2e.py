"""End-to-end part of eval/bench.py: `POST /api/chat` over HTTP on indexes of 13, 1,000, 10,000 and 100,000
messages, each built with `assistant index` into a fresh folder from real text (eval/bench_corpus.py).

For each size: index_build_s; index_texts_per_s (texts run through the model per second of the whole build:
parsing, embedding, FAISS, BM25 and writing), index_units_per_s (vectors indexed per second: a message's own
vector is derived from its sentences', and a text shared by units is embedded once) and embed_texts_per_s
(the embedding step alone), with each step's seconds;
chat_p50_ms / chat_p99_ms (one question at a time over one keep-alive connection), answers_per_s with 16
connections for --load-seconds, the server's rss_mb after that load, and add_one_document_s: `assistant
index` run again with one more document of 20 sections beside the others.

The questions are the same at every size: the key-message dev questions (the key messages are in every
corpus) and, so answers from the outside text are timed too, WikiQA test questions. The query-vector memo is
off (ASSISTANT_QUERY_CACHE=0), as in the latency part.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from pathlib import Path

from . import bench_corpus
from .bench_common import BIN, ROOT, env, log, questions
from .bench_http import CONCURRENCY, Server, load, sequential_questions

E2E_SIZES = (13, 1_000, 10_000, 100_000)
DATA = ROOT.parent / "shared" / "extbench"
KEY_MESSAGES = ROOT / "index" / "sources"
WIKIQA_QUESTIONS = 100


def e2e_questions(data: Path = DATA) -> list[str]:
    """Key-message dev questions and the first WikiQA test questions (one per question id, in file order)."""
    qs = questions()
    path = data / "wikiqa" / "WikiQA-test.tsv"
    if path.exists():
        seen: list[str] = []
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            q = line.split("\t")[1]
            if q not in seen:
                seen.append(q)
            if len(seen) >= WIKIQA_QUESTIONS:
                break
        qs += seen
    return qs


def _index(index_dir: Path, sources: Path) -> tuple[float, dict]:
    """Wall seconds of `assistant index` and what it said: counts from the manifest, each step's seconds."""
    t = time.perf_counter()
    out = subprocess.run([str(BIN / "assistant"), "index", str(sources)], cwd=ROOT,
                         env=env(ASSISTANT_INDEX_DIR=index_dir), capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - t
    manifest = json.loads((index_dir / "store" / "manifest.json").read_text())
    steps = {}
    for line in out.stdout.splitlines():
        if line.startswith("seconds: "):
            for part in line[len("seconds: "):].split("; "):
                step, _, value = part.rpartition(" ")
                steps[step] = float(value)
    return seconds, {"messages": manifest["messages"], "units": manifest["units"], "embedded": manifest["embedded"],
                     "appended": "added to the live index" in out.stdout, "steps_s": steps}


def one_size(n: int, work: Path, rounds: int, load_seconds: float, data: Path = DATA) -> dict:
    """Build, serve, time and grow one index of n messages (13 = the key messages alone)."""
    index_dir = work / f"e2e-{n}"
    shutil.rmtree(index_dir, ignore_errors=True)
    sources = index_dir / "sources"
    chosen = bench_corpus.write(data, max(0, n - 13), sources, KEY_MESSAGES)
    for reviewed in (ROOT / "index").glob("*.json"):  # the key messages' profile, as the live index has
        shutil.copy2(reviewed, index_dir / reviewed.name)
    log(f"e2e {n}: indexing")
    build_s, built = _index(index_dir, sources)
    embedded = built["embedded"]
    embed_s = built["steps_s"].get("embed")
    row = {"messages": built["messages"], "units": built["units"], "texts_embedded": embedded,
           "index_build_s": round(build_s, 2), "index_texts_per_s": round(embedded / build_s, 1),
           "index_units_per_s": round(built["units"] / build_s, 1),
           "embed_texts_per_s": round(embedded / embed_s, 1) if embed_s else None,
           "index_steps_s": built["steps_s"], "corpus": bench_corpus.describe(chosen)}
    qs = e2e_questions(data)
    server = Server(index_dir, work / f"e2e-{n}-server.log")
    try:
        log(f"e2e {n}: chat, one at a time")
        chat = sequential_questions(server.url, qs, rounds)
        log(f"e2e {n}: load, {CONCURRENCY} connections for {load_seconds} s")
        loaded = load(server.url, load_seconds, qs=qs)
        row.update(chat_p50_ms=chat["p50"], chat_p99_ms=chat["p99"], answers_per_s=loaded["answers_per_s"],
                   errors=loaded["errors"], rss_mb=round(server.rss_mb(), 1), peak_rss_mb=round(server.peak_rss_mb(), 1))
    finally:
        server.stop()
    log(f"e2e {n}: adding one document")
    bench_corpus.extra_document(data, sources)
    add_s, grown = _index(index_dir, sources)
    row.update(add_one_document_s=round(add_s, 2), add_one_document_embedded=grown["embedded"],
               add_one_document_appended=grown["appended"], add_one_document_steps_s=grown["steps_s"], questions=len(qs))
    shutil.rmtree(index_dir, ignore_errors=True)
    return row


def part_e2e(sizes: list[int], work: Path, rounds: int, load_seconds: float) -> dict:
    out = {}
    for n in sizes:
        out[str(n)] = one_size(n, work, rounds, load_seconds)
        log(f"e2e {n}: {json.dumps({k: v for k, v in out[str(n)].items() if k != 'corpus'})}")
    if "13" in out:
        for key, row in out.items():
            row["chat_p50_vs_13"] = round(row["chat_p50_ms"] / out["13"]["chat_p50_ms"], 2)
    return out
