"""Performance benchmark (`make bench`, or `python -m eval.bench`). A measurement, never a test: it prints
a table and writes eval/results/bench.json; nothing here passes or fails.

Parts (run a subset with --only, e.g. `--only scale` or `--only latency,cold`):
  latency    in-process turn latency split into stages (embed, search, answer) over the dev questions, the
             same turns over HTTP (chat_*), and one stock sentence-transformers encode for comparison
  cold       wall time of a fresh `assistant ask` vs a fresh `import sentence_transformers; load the model`
  load       answers per second with 16 concurrent HTTP connections for --load-seconds
  sustained  60 s of that load: errors and server RSS growth (skipped by --quick)
  swap       `assistant index --force` while the server is under load: failed requests
  scale      FAISS build time, RSS, search latency and recall@10 vs exact at 10k, 100k and 1M vectors
             (1M skipped by --quick)
  e2e        POST /api/chat over HTTP on indexes of 13, 1,000, 10,000 and 100,000 messages, each built with
             `assistant index` from real text, and adding one document to each (eval/bench_e2e.py; the
             100,000 point takes about 15 minutes on 2 cores, so --quick stops at 10,000)

HTTP parts start their own server (`assistant serve`) on 127.0.0.1 with a free port, against a copy of
index/ in a temporary folder so the index swap never touches the live index. All load is on loopback,
bounded in time and in count; the load generator shares the machine's cores with the server.

Scale data: the corpus is small (tens of units), so the vectors are ONNX embeddings of synthetic TEXT
(windows of corpus sentences with some words swapped for other corpus/question words), cached under
--cache. Embedding runs at roughly 100 texts/s on 2 cores, so by default only --real 20000 texts are
embedded (about 3-4 minutes) and larger points add noisy copies of those (gaussian noise, renormalised);
`--real 100000` embeds the whole 100k point for real (15-20 minutes the first time) and the 1M point is
then those plus 9 noisy copies of each (embedding 1M texts would take close to 3 hours). Queries are the
dev+test questions plus held-out synthetic texts, none of them in the index.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .bench_common import BIN, ROOT, env, log, ms_stats, questions
from .bench_http import CONCURRENCY, Server, load, part_sustained, part_swap, sequential_chat
from .bench_e2e import E2E_SIZES, part_e2e
from .bench_scale import part_scale

RESULTS = ROOT / "eval" / "results" / "bench.json"
PARTS = ("latency", "cold", "load", "sustained", "swap", "scale", "e2e")
SCALES = (10_000, 100_000, 1_000_000)
COLD_QUESTION = "is domestic abuse still a problem?"


# -- index copy ----------------------------------------------------------------------------------
def copy_index(dst: Path) -> Path:
    """index/ (sources, the reviewed data files, live build) copied so the server and the swap use their own store."""
    src = ROOT / "index"
    target = (src / "store").resolve()
    dst.mkdir(parents=True)
    for data in src.glob("*.json"):  # glossary, answer types, names: the server must behave as the real one
        shutil.copy2(data, dst / data.name)
    shutil.copytree(src / "sources", dst / "sources")
    (dst / "builds").mkdir()
    shutil.copytree(target, dst / "builds" / target.name, copy_function=_link_or_copy)
    (dst / "store").symlink_to(Path("builds") / target.name)
    return dst


def _link_or_copy(src, dst):
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


# -- latency: in-process stages, stock encode ----------------------------------------------------
def part_latency(index_dir: Path, rounds: int) -> dict:
    from assistant.core import Assistant
    from assistant.settings import Settings

    a = Assistant(Settings.from_env(env(), index_dir=index_dir))
    times = {"embed": 0.0, "search": 0.0}
    embedder, retriever = a.retriever.embedder, a.retriever
    embed_orig, search_orig = embedder.embed, retriever.search

    def timed(fn, stage: str):
        """fn, adding its wall time to times[stage] on every call."""
        def wrapper(*args, **kw):
            t = time.perf_counter()
            try:
                return fn(*args, **kw)
            finally:
                times[stage] += time.perf_counter() - t
        return wrapper

    embedder.embed, retriever.search = timed(embed_orig, "embed"), timed(search_orig, "search")
    qs = questions()
    for q in qs:  # warm-up
        a.ask(q)
    stages = {"embed": [], "search": [], "answer": [], "ask": []}
    for _ in range(rounds):
        for q in qs:
            times.update(embed=0.0, search=0.0)
            t = time.perf_counter()
            a.ask(q)
            total = time.perf_counter() - t
            stages["embed"].append(times["embed"])
            stages["search"].append(times["search"] - times["embed"])
            stages["answer"].append(total - times["search"])
            stages["ask"].append(total)
    onnx_only = []
    for q in qs:
        t = time.perf_counter()
        embed_orig([q])
        onnx_only.append(time.perf_counter() - t)
    return {"embedder": type(embedder).__name__, "stages": {k: ms_stats(v) for k, v in stages.items()},
            "query_embed_ms": ms_stats(onnx_only)}


STOCK = r"""
import json, sys, time
import numpy as np
from sentence_transformers import SentenceTransformer
from assistant.embed import default_model_path
m = SentenceTransformer(str(default_model_path()), device="cpu")
qs = json.loads(sys.argv[1])
for q in qs:
    m.encode([q])
ts = []
for _ in range(int(sys.argv[2])):
    for q in qs:
        t = time.perf_counter(); m.encode([q]); ts.append(time.perf_counter() - t)
print(json.dumps(ts))
"""


def stock_encode(rounds: int) -> dict:
    """sentence-transformers encode of one question, in its own process (torch stays out of this one)."""
    out = subprocess.run([sys.executable, "-c", STOCK, json.dumps(questions()), str(rounds)], cwd=ROOT, env=env(),
                         capture_output=True, text=True, timeout=900, check=True)
    return ms_stats(json.loads(out.stdout.strip().splitlines()[-1]))


# -- cold start ----------------------------------------------------------------------------------
def wall(cmd: list[str], extra_env: dict | None = None, repeat: int = 3) -> list[float]:
    out = []
    for _ in range(repeat):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=ROOT, env=env(**(extra_env or {})), capture_output=True, timeout=600, check=True)
        out.append(time.perf_counter() - t)
    return out


def part_cold(index_dir: Path) -> dict:
    ask = wall([str(BIN / "assistant"), "ask", COLD_QUESTION], {"ASSISTANT_INDEX_DIR": index_dir})
    code = ("from sentence_transformers import SentenceTransformer\nfrom assistant.embed import default_model_path\n"
            "SentenceTransformer(str(default_model_path()), device='cpu')")
    st = wall([sys.executable, "-c", code])
    bare = wall([sys.executable, "-c", "pass"])
    return {"cold_ask_s": round(statistics.median(ask), 3), "import_st_s": round(statistics.median(st), 3),
            "python_start_s": round(statistics.median(bare), 3),
            "cold_ask_runs_s": [round(x, 3) for x in ask], "import_st_runs_s": [round(x, 3) for x in st]}


# -- report --------------------------------------------------------------------------------------
def flat(d: dict, prefix: str = "") -> list[tuple[str, object]]:
    rows = []
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            rows += flat(v, key + ".")
        else:
            rows.append((key, v))
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m eval.bench", description=__doc__.split("\n\n")[0])
    p.add_argument("--only", default="", help=f"comma-separated parts: {', '.join(PARTS)}")
    p.add_argument("--quick", action="store_true", help="skip the 1M scale point and the sustained run")
    p.add_argument("--load-seconds", type=float, default=20)
    p.add_argument("--sustained-seconds", type=float, default=60)
    p.add_argument("--swap-seconds", type=float, default=30)
    p.add_argument("--rounds", type=int, default=3, help="passes over the dev questions for latency")
    p.add_argument("--scales", default=",".join(map(str, SCALES)))
    p.add_argument("--real", type=int, default=20_000,
                   help="how many synthetic texts to embed for real (cached); larger scale points add noisy copies. "
                        "100000 takes about 15-20 minutes on 2 cores the first time")
    p.add_argument("--e2e-sizes", default=",".join(map(str, E2E_SIZES)), help="messages per end-to-end index")
    p.add_argument("--noise", type=float, default=0.02, help="per-dimension sigma for the synthetic 1M vectors")
    p.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "assistant-bench-cache")
    p.add_argument("--out", type=Path, default=RESULTS)
    args = p.parse_args(argv)
    parts = [x.strip() for x in args.only.split(",") if x.strip()] or list(PARTS)
    unknown = set(parts) - set(PARTS)
    if unknown:
        p.error(f"unknown part(s) {sorted(unknown)}; choose from {PARTS}")
    if args.quick and "sustained" in parts and not args.only:
        parts.remove("sustained")
    sizes = [int(s) for s in args.scales.split(",") if s]
    e2e_sizes = [int(s) for s in args.e2e_sizes.split(",") if s]
    if args.quick:
        sizes = [s for s in sizes if s < 1_000_000]
        e2e_sizes = [s for s in e2e_sizes if s <= 10_000]

    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                          "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
    # parts not rerun keep their earlier figures in the file; say when each part was measured
    results["measured"] = dict(results.get("measured", {}), **{p: results["machine"]["when"] for p in parts})
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        index_dir = copy_index(Path(tmp) / "index")
        if "latency" in parts:
            log("latency (in process)")
            lat = part_latency(index_dir, args.rounds)
            stock = stock_encode(args.rounds)
            results.update(query_embedder=lat["embedder"], query_embed_ms=lat["query_embed_ms"],
                           query_embed_p50_ms=lat["query_embed_ms"]["p50"], stock_encode_ms=stock,
                           stock_encode_p50_ms=stock["p50"])
            results["stages"] = dict(lat["stages"])
            for k, v in lat["stages"].items():
                results[f"{k}_p50_ms"], results[f"{k}_p99_ms"] = v["p50"], v["p99"]
        if "cold" in parts:
            log("cold start")
            results.update(part_cold(index_dir))
        http_parts = [x for x in parts if x in ("latency", "load", "sustained", "swap")]
        if http_parts:
            server = Server(index_dir, Path(tmp) / "server.log")
            try:
                if "latency" in parts:
                    log("chat over HTTP (sequential)")
                    chat = sequential_chat(server.url, args.rounds)
                    results.update(chat_p50_ms=chat["p50"], chat_p99_ms=chat["p99"])
                    results["stages"]["http"] = chat
                    results["http_p50_ms"], results["http_p99_ms"] = chat["p50"], chat["p99"]
                    results["chat_to_encode_ratio"] = round(chat["p50"] / results["stock_encode_p50_ms"], 2)
                    results["chat_client"] = "http.client (stdlib), one keep-alive connection"
                    results["chat_httpx_ms"] = sequential_chat(server.url, 1, client="httpx")
                if "load" in parts:
                    log(f"load: {CONCURRENCY} connections for {args.load_seconds} s")
                    r = load(server.url, args.load_seconds)
                    results["load"] = r
                    results["answers_per_s"] = r["answers_per_s"]
                if "sustained" in parts:
                    log(f"sustained: {args.sustained_seconds} s")
                    results["sustained"] = part_sustained(server, args.sustained_seconds)
                if "swap" in parts:
                    log(f"index swap under load: {args.swap_seconds} s")
                    results["index_swap"] = part_swap(server, index_dir, args.swap_seconds)
                results["peak_rss_mb"] = round(server.peak_rss_mb(), 1)
                runs = {"load": "load", "sustained": "sustained", "swap": "index_swap"}
                if any(p in parts for p in runs):
                    results["errors"] = sum(results[runs[p]]["errors"] for p in runs if p in parts)
            finally:
                server.stop()
    if "scale" in parts:
        log(f"scale: {sizes}")
        results["scale"] = part_scale(sizes, args.cache, args.noise, args.real)
    if "e2e" in parts:
        log(f"e2e: {e2e_sizes}")
        with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
            results["e2e"] = dict(results.get("e2e", {}), **part_e2e(e2e_sizes, Path(tmp), args.rounds, args.load_seconds))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(k) for k, _ in flat(results))
    for k, v in flat(results):
        print(f"{k:<{width}}  {v}")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
