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
import asyncio
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "eval" / "results" / "bench.json"
BIN = Path(sys.executable).parent
QUESTIONS = ROOT / "eval" / "data" / "questions-dev.jsonl"
PARTS = ("latency", "cold", "load", "sustained", "swap", "scale")
SCALES = (10_000, 100_000, 1_000_000)
CONCURRENCY = 16
COLD_QUESTION = "is domestic abuse still a problem?"
OFFLINE = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}


# -- small helpers -------------------------------------------------------------------------------
def pct(values, q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=np.float64), q)) if len(values) else float("nan")


def ms_stats(seconds) -> dict:
    return {"p50": round(1000 * pct(seconds, 50), 3), "p99": round(1000 * pct(seconds, 99), 3), "n": len(seconds)}


def questions(path: Path = QUESTIONS) -> list[str]:
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def env(**extra) -> dict:
    return dict(os.environ, **OFFLINE, **{k: str(v) for k, v in extra.items()})


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int, field: str) -> float:
    """VmRSS / VmHWM of a process in MB (0 when it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def copy_index(dst: Path) -> Path:
    """index/ (sources, glossary, live build) copied so the server and the swap use their own store."""
    src = ROOT / "index"
    target = (src / "store").resolve()
    dst.mkdir(parents=True)
    for name in ("glossary.json",):
        shutil.copy2(src / name, dst / name)
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

    def embed(*args, **kw):
        t = time.perf_counter()
        try:
            return embed_orig(*args, **kw)
        finally:
            times["embed"] += time.perf_counter() - t

    def search(*args, **kw):
        t = time.perf_counter()
        try:
            return search_orig(*args, **kw)
        finally:
            times["search"] += time.perf_counter() - t

    embedder.embed, retriever.search = embed, search
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


# -- HTTP: server and load generator ---------------------------------------------------------------
class Server:
    def __init__(self, index_dir: Path, log_path: Path, reload_seconds: float = 1.0):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.reload_seconds = reload_seconds
        self._log = log_path.open("w")
        self.proc = subprocess.Popen(
            [str(BIN / "assistant"), "serve", "--no-index", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=ROOT, env=env(ASSISTANT_INDEX_DIR=index_dir, ASSISTANT_RELOAD_SECONDS=reload_seconds),
            stdout=self._log, stderr=subprocess.STDOUT)
        self._wait_ready()

    def _wait_ready(self, timeout: float = 120) -> None:
        import httpx

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}); see {self.log_path}:\n"
                                   + self.log_path.read_text()[-2000:])
            try:
                r = httpx.post(self.url + "/api/chat", json={"question": "hello", "context": {}}, timeout=10)
                if r.status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        raise RuntimeError(f"server not ready after {timeout} s; see {self.log_path}")

    def rss_mb(self) -> float:
        return proc_status(self.proc.pid, "VmRSS")

    def peak_rss_mb(self) -> float:
        return proc_status(self.proc.pid, "VmHWM")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._log.close()


async def _load(url: str, qs: list[str], concurrency: int, seconds: float, max_requests: int, during=None,
                tail: float = 0.0) -> dict:
    """`concurrency` connections each posting questions in turn until the time or count runs out."""
    import httpx

    latencies, errors, kinds = [], 0, {}
    sent = 0
    deadline = {"stop": time.monotonic() + seconds}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:
        async def worker(n: int):
            nonlocal sent, errors
            i = n
            while time.monotonic() < deadline["stop"] and sent < max_requests:
                sent += 1
                q = qs[i % len(qs)]
                i += concurrency
                t = time.perf_counter()
                try:
                    r = await client.post("/api/chat", json={"question": q, "context": {}})
                    ok = r.status_code == 200 and "reply" in r.json()
                    kind = f"HTTP {r.status_code}"
                except (httpx.HTTPError, ValueError) as exc:
                    ok, kind = False, type(exc).__name__
                if ok:
                    latencies.append(time.perf_counter() - t)
                else:
                    errors += 1
                    kinds[kind] = kinds.get(kind, 0) + 1

        started = time.perf_counter()
        tasks = [asyncio.create_task(worker(n)) for n in range(concurrency)]
        extra = None
        if during:  # e.g. an index build: keep the load on until it is done, then a few seconds more
            extra = await during()
            deadline["stop"] = max(deadline["stop"], time.monotonic() + tail)
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - started
    return {"ok": len(latencies), "errors": errors, "error_kinds": kinds, "seconds": round(elapsed, 2),
            "answers_per_s": round(len(latencies) / elapsed, 2), "latency_ms": ms_stats(latencies), "during": extra}


def load(url: str, seconds: float, concurrency: int = CONCURRENCY, max_requests: int = 200_000, during=None,
         tail: float = 0.0) -> dict:
    return asyncio.run(_load(url, questions(), concurrency, seconds, max_requests, during, tail))


def sequential_chat(url: str, rounds: int) -> dict:
    import httpx

    qs, ts = questions(), []
    with httpx.Client(base_url=url, timeout=30) as client:
        for q in qs:
            client.post("/api/chat", json={"question": q, "context": {}})
        for _ in range(rounds):
            for q in qs:
                t = time.perf_counter()
                r = client.post("/api/chat", json={"question": q, "context": {}})
                r.raise_for_status()
                ts.append(time.perf_counter() - t)
    return ms_stats(ts)


def part_swap(server: Server, index_dir: Path, seconds: float) -> dict:
    """`assistant index --force` on the server's index while 16 connections keep asking."""
    before = (index_dir / "store").resolve()

    async def during():
        await asyncio.sleep(2)
        t = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            str(BIN / "assistant"), "index", "--force", cwd=str(ROOT), env=env(ASSISTANT_INDEX_DIR=index_dir),
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        code = await proc.wait()
        return {"index_returncode": code, "index_s": round(time.perf_counter() - t, 2)}

    result = load(server.url, seconds, during=during, tail=server.reload_seconds * 2 + 5)
    after = (index_dir / "store").resolve()
    # the server memory-maps the FAISS file of the build it serves: the new build's path in its maps
    # means it reloaded
    try:
        maps = Path(f"/proc/{server.proc.pid}/maps").read_text()
    except OSError:
        maps = ""
    result.update(swapped=before != after, server_reloaded=str(after) in maps, old_build_still_mapped=str(before) in maps)
    return result


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
    if args.quick:
        sizes = [s for s in sizes if s < 1_000_000]

    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    results["machine"] = {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                          "when": time.strftime("%Y-%m-%dT%H:%M:%S")}
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
                if "load" in parts:
                    log(f"load: {CONCURRENCY} connections for {args.load_seconds} s")
                    r = load(server.url, args.load_seconds)
                    results["load"] = r
                    results["answers_per_s"] = r["answers_per_s"]
                if "sustained" in parts:
                    log(f"sustained: {args.sustained_seconds} s")
                    load(server.url, 3)  # warm
                    start = server.rss_mb()
                    r = load(server.url, args.sustained_seconds)
                    end = server.rss_mb()
                    r.update(rss_start_mb=round(start, 1), rss_end_mb=round(end, 1),
                             rss_growth_pct=round(100 * (end - start) / start, 2) if start else None)
                    results["sustained"] = r
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

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    width = max(len(k) for k, _ in flat(results))
    for k, v in flat(results):
        print(f"{k:<{width}}  {v}")
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
