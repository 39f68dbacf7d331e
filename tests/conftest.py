"""Shared fixtures: a tiny index built with the deterministic fake embedder (no model, under a second)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def fake_settings(tmp_path_factory):
    """Settings for an index of index/sources built with the fake embedder in a temporary folder."""
    from assistant import indexer
    from assistant.settings import Settings

    folder = tmp_path_factory.mktemp("index")
    (folder / "sources").mkdir()
    for src in sorted((ROOT / "index" / "sources").glob("*.txt")):
        shutil.copy(src, folder / "sources" / src.name)
    for data in (ROOT / "index").glob("*.json"):  # the query-side data files, as eval/bench.py copies them
        shutil.copy(data, folder / data.name)
    settings = Settings.from_env(env={}, index_dir=folder, embedder="fake", db=folder / "usage.sqlite3")
    indexer.build(settings, export_onnx=False)
    return settings


@pytest.fixture(scope="session")
def fake_assistant(fake_settings):
    from assistant.core import Assistant

    return Assistant(fake_settings)


class LiveServer:
    """An ASGI app served by uvicorn on a free 127.0.0.1 port, in a background thread."""

    def __init__(self, app):
        import socket
        import threading

        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, ws="none", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        import time

        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.sock.close()


@pytest.fixture(scope="session")
def live_app(fake_settings, fake_assistant):
    """The real app over HTTP on loopback (fake-embedder index)."""
    from assistant.web import create_app

    with LiveServer(create_app(fake_settings, fake_assistant)) as server:
        yield server


@pytest.fixture(scope="session")
def live_server():
    """The LiveServer class, for tests that need an app with their own settings over HTTP."""
    return LiveServer
