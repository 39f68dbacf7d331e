"""`kill -9` of an indexer in the middle of writing leaves the previous index intact and loadable."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from assistant import store
from assistant.indexer import build
from assistant.settings import ROOT, Settings

CHILD = r"""
import sys, time
from pathlib import Path
import faiss
from assistant import store
from assistant.indexer import build
from assistant.settings import Settings

real = faiss.write_index
def slow_write(index, path):
    real(index, path)
    Path(sys.argv[2]).write_text("writing")  # tell the parent we are mid-write
    time.sleep(60)
faiss.write_index = slow_write
build(Settings.from_env(env={}, index_dir=Path(sys.argv[1]), embedder="fake"), force=True, export_onnx=False)
"""


def test_killed_indexer_leaves_previous_index(tmp_path):
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "doc.txt").write_text("Title\n\nHeading one\n\nFirst sentence here. Second one.\n")
    settings = Settings.from_env(env={}, index_dir=tmp_path, embedder="fake")
    build(settings, export_onnx=False)
    before = settings.store_dir.resolve()
    manifest = (before / "manifest.json").read_text()

    flag = tmp_path / "flag"
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path), str(flag)], cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        deadline = time.monotonic() + 60
        while not flag.exists():
            assert child.poll() is None and time.monotonic() < deadline, "the indexer never reached the write"
            time.sleep(0.05)
        assert list((tmp_path / "builds").glob(".tmp-*")), "expected a half-written build"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    finally:
        if child.poll() is None:
            child.kill()

    assert settings.store_dir.resolve() == before
    assert (before / "manifest.json").read_text() == manifest
    loaded = store.load(settings.store_dir, expect_model="fake-hash-64")
    assert len(loaded.messages) == 1 and loaded.vectors.ntotal == len(loaded.units)
    report = build(settings, force=True, export_onnx=False)  # and the next build still works
    assert report.path != before and store.load(settings.store_dir).manifest["messages"] == 1
