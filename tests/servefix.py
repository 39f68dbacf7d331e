"""App servers as real processes (`assistant serve`), for the tests that need uvicorn and the network:
the flood test and the nginx tests."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fresh_index(folder: Path):
    """A fake-embedder index of index/sources in folder (its own: tests rebuild it), and its settings."""
    from assistant import indexer
    from assistant.settings import Settings

    (folder / "sources").mkdir(parents=True)
    for src in sorted((ROOT / "index" / "sources").glob("*.txt")):
        shutil.copy(src, folder / "sources" / src.name)
    for data in (ROOT / "index").glob("*.json"):
        shutil.copy(data, folder / data.name)
    settings = Settings.from_env(env={}, index_dir=folder, embedder="fake", db=folder / "usage.sqlite3")
    indexer.build(settings, export_onnx=False)
    return settings


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, "a server process exited"
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return
        assert time.monotonic() < deadline, "a server did not start"
        time.sleep(0.1)


@contextlib.contextmanager
def app_servers(settings, count: int = 1, **env_extra):
    """`assistant serve` processes on free loopback ports; yields [(url, process)]."""
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(settings.index_dir), "ASSISTANT_EMBEDDER": "fake",
           "ASSISTANT_DB": str(settings.db), "ASSISTANT_RELOAD_SECONDS": "0.5", "PYTHONPATH": str(ROOT),
           **{k: str(v) for k, v in env_extra.items()}}
    servers = []
    try:
        for _ in range(count):
            port = free_port()
            proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--no-index", "--host", "127.0.0.1",
                                     "--port", str(port)], env=env, cwd=ROOT,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            servers.append((f"http://127.0.0.1:{port}", proc))
        for url, proc in servers:
            wait_healthy(url, proc)
        yield servers
    finally:
        for _, proc in servers:
            if proc.poll() is None:
                proc.terminate()
        for _, proc in servers:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
