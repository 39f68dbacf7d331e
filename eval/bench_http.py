"""HTTP parts of eval/bench.py: the `assistant serve` process, the concurrent load generator, the sustained
run and the index swap under load."""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import signal
import socket
import subprocess
import time
import urllib.parse
from pathlib import Path

from .bench_common import BIN, ROOT, env, ms_stats, questions

CONCURRENCY = 16


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


class _Connection:
    """One keep-alive HTTP/1.1 connection that posts JSON and reads a Content-Length reply: a load generator
    that costs the machine little (httpx spent 1.3 ms of CPU an answer here, a quarter of what the server
    spent, on the same two cores), so answers/s measures the server rather than the client."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader = self.writer = None

    async def post(self, path: str, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        self.writer.write(b"POST %s HTTP/1.1\r\nHost: %s:%d\r\nContent-Type: application/json\r\n"
                          b"Content-Length: %d\r\n\r\n%s" % (path.encode(), self.host.encode(), self.port, len(body), body))
        try:
            head = (await self.reader.readuntil(b"\r\n\r\n")).lower()
            length = head.find(b"\r\ncontent-length:")
            if length < 0:
                raise ValueError("reply without content-length")
            n = int(head[length + 17:head.index(b"\r\n", length + 2)])
            data = await self.reader.readexactly(n)
        except BaseException:
            self.close()
            raise
        if b"\r\nconnection: close" in head:
            self.close()
        return int(head[9:12]), data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def _load(url: str, qs: list[str], concurrency: int, seconds: float, max_requests: int, during=None,
                tail: float = 0.0) -> dict:
    """`concurrency` connections each posting questions in turn until the time or count runs out."""
    parts = urllib.parse.urlsplit(url)
    bodies = [json.dumps({"question": q, "context": {}}).encode() for q in qs]
    latencies, errors, kinds = [], 0, {}
    sent = 0
    deadline = {"stop": time.monotonic() + seconds}

    async def worker(n: int):
        nonlocal sent, errors
        conn = _Connection(parts.hostname, parts.port)
        i = n
        while time.monotonic() < deadline["stop"] and sent < max_requests:
            sent += 1
            body = bodies[i % len(bodies)]
            i += concurrency
            t = time.perf_counter()
            try:
                async with asyncio.timeout(30):
                    status, data = await conn.post("/api/chat", body)
                ok = status == 200 and "reply" in json.loads(data)
                kind = f"HTTP {status}"
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError) as exc:
                ok, kind = False, type(exc).__name__
            if ok:
                latencies.append(time.perf_counter() - t)
            else:
                errors += 1
                kinds[kind] = kinds.get(kind, 0) + 1
        conn.close()

    started = time.perf_counter()
    tasks = [asyncio.create_task(worker(n)) for n in range(concurrency)]
    extra = None
    if during:  # e.g. an index build: keep the load on until it is done, then a few seconds more
        extra = await during()
        deadline["stop"] = max(deadline["stop"], time.monotonic() + tail)
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    return {"ok": len(latencies), "errors": errors, "error_kinds": kinds, "seconds": round(elapsed, 2),
            "answers_per_s": round(len(latencies) / elapsed, 2), "latency_ms": ms_stats(latencies), "during": extra,
            "client": "raw HTTP/1.1 keep-alive connections (asyncio streams)"}


def load(url: str, seconds: float, concurrency: int = CONCURRENCY, max_requests: int = 200_000, during=None,
         tail: float = 0.0, qs: list[str] | None = None) -> dict:
    """`concurrency` connections asking `qs` (default: the dev questions) for `seconds`."""
    return asyncio.run(_load(url, qs or questions(), concurrency, seconds, max_requests, during, tail))


def sequential_chat(url: str, rounds: int, client: str = "stdlib") -> dict:
    """One question at a time over one keep-alive connection. client="stdlib" (http.client) adds the least
    of its own time, so the figure is mostly the server's; "httpx" is a typical Python client (~1 ms more)."""
    return sequential_questions(url, questions(), rounds, client)


def sequential_questions(url: str, qs: list[str], rounds: int, client: str = "stdlib") -> dict:
    """`sequential_chat` with these questions (each asked once first to warm up)."""
    ts = []
    with _client(url, client) as post:
        for q in qs:
            post(q)
        for _ in range(rounds):
            for q in qs:
                t = time.perf_counter()
                post(q)
                ts.append(time.perf_counter() - t)
    return ms_stats(ts)


@contextlib.contextmanager
def _client(url: str, kind: str):
    """A function posting one question to /api/chat (raising on a non-200), over one connection."""
    if kind == "httpx":
        import httpx

        with httpx.Client(base_url=url, timeout=30) as c:
            yield lambda q: c.post("/api/chat", json={"question": q, "context": {}}).raise_for_status()
        return
    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)

    def post(q: str) -> None:
        conn.request("POST", "/api/chat", json.dumps({"question": q, "context": {}}), {"Content-Type": "application/json"})
        r = conn.getresponse()
        r.read()
        if r.status != 200:
            raise RuntimeError(f"/api/chat answered {r.status}")

    try:
        yield post
    finally:
        conn.close()


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


def part_sustained(server: Server, seconds: float) -> dict:
    """`seconds` of load after a short warm-up: errors and the server's RSS growth."""
    load(server.url, 3)  # warm
    start = server.rss_mb()
    r = load(server.url, seconds)
    end = server.rss_mb()
    r.update(rss_start_mb=round(start, 1), rss_end_mb=round(end, 1),
             rss_growth_pct=round(100 * (end - start) / start, 2) if start else None)
    return r
