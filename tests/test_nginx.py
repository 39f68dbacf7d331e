"""The shipped deploy/nginx.conf, run by Debian's nginx (installed by `make nginx-deps`) on loopback in
front of two `assistant serve` processes: it cuts off slow and oversized headers, passes chat through,
and loses no request when one app server is killed under load, while a rebuilt index reaches both."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import httpx
import pytest

from servefix import ROOT, app_servers, free_port, fresh_index

pytestmark = pytest.mark.slow

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def render(upstreams: list[int], port: int, folder: Path) -> Path:
    """deploy/nginx.conf with test ports, inside a minimal main configuration of our own (temp paths,
    no daemon, no system files): the shipped file is included unchanged apart from the ports."""
    site = []
    ports = iter(upstreams)
    for line in (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8").splitlines():
        if "# ASSISTANT_UPSTREAM" in line:
            line = line.replace(line.split("server ", 1)[1].split()[0], f"127.0.0.1:{next(ports)}")
        if "# ASSISTANT_LISTEN" in line:
            line = f"    listen 127.0.0.1:{port};"
        site.append(line)
    (folder / "site.conf").write_text("\n".join(site) + "\n")
    temp = " ".join(f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    main = (("user root;\n" if os.geteuid() == 0 else "") +
            f"daemon off;\npid {folder / 'nginx.pid'};\nerror_log {folder / 'error.log'} warn;\n"
            "worker_processes 1;\nevents { worker_connections 512; }\n"
            f"http {{\n access_log off;\n {temp}\n include {folder / 'site.conf'};\n}}\n")
    (folder / "nginx.conf").write_text(main)
    return folder / "nginx.conf"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    return fresh_index(tmp_path_factory.mktemp("nginx-index"))


@pytest.fixture
def stack(index, tmp_path):
    """Two app servers and nginx before them; yields (nginx url, [(app url, process)])."""
    assert Path(NGINX).exists(), "nginx is not installed: run `make nginx-deps` (Debian's nginx package)"
    with app_servers(index, count=2) as servers:
        port = free_port()
        conf = render([int(url.rsplit(":", 1)[1]) for url, _ in servers], port, tmp_path)
        check = subprocess.run([NGINX, "-t", "-q", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                               capture_output=True, text=True)
        assert check.returncode == 0, check.stderr
        proc = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")])
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert proc.poll() is None and time.monotonic() < deadline, (tmp_path / "error.log").read_text()
                time.sleep(0.1)
            yield url, servers
        finally:
            proc.send_signal(signal.SIGQUIT)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()


def test_chat_works_through_nginx(stack):
    url, _ = stack
    with httpx.Client(base_url=url, timeout=10) as c:
        r = c.post("/api/chat", json={"question": "Staff were confident and competent at identifying a range of concerns"})
        assert r.status_code == 200 and r.json()["status"] == "answered" and len(r.json()["id"]) == 32
        follow = c.post("/api/chat", json={"question": "tell me more", "context": r.json()["context"]})
        assert follow.status_code == 200 and follow.json()["status"] == "answered"
        assert c.head("/healthz").status_code == 200
        assert c.post("/api/feedback", json={"reply_id": r.json()["id"], "helpful": True}).status_code == 200
        assert c.post("/api/chat", content=b"x" * 20_000, headers={"content-type": "application/json"}).status_code == 413
        assert "server" not in r.headers or "nginx/" not in r.headers["server"]  # server_tokens off


def test_trickled_header_is_cut_off(stack):
    """One byte a second never completes a request: nginx drops it after client_header_timeout (5 s)."""
    url, _ = stack
    port = int(url.rsplit(":", 1)[1])
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=15) as s:
        s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        closed = False
        for byte in b"X-Slow: " + b"a" * 30:
            try:
                s.sendall(bytes([byte]))
                s.settimeout(1.0)
                data = s.recv(1024)
                if data == b"" or data.startswith(b"HTTP/1.1 408"):
                    closed = True
                    break
            except socket.timeout:
                continue
            except OSError:  # reset by the server
                closed = True
                break
    waited = time.monotonic() - started
    assert closed, "nginx kept a trickled header open for 30 s"
    assert 4 <= waited <= 12, f"cut off after {waited:.1f} s (expected about client_header_timeout, 5 s)"


def test_oversized_header_is_refused(stack):
    url, _ = stack
    r = httpx.get(url + "/healthz", headers={"X-Big": "a" * 20_000}, timeout=10)
    assert r.status_code in (400, 431) and "application/json" not in r.headers.get("content-type", "")
    assert httpx.get(url + "/healthz", timeout=5).status_code == 200  # and nginx is still serving


def _count(url: str) -> int | None:
    try:
        r = httpx.get(url + "/healthz", timeout=2)
        return r.json()["messages"] if r.status_code == 200 else None
    except httpx.TransportError:
        return None


def test_killing_one_app_server_under_load_loses_no_request(stack, index):
    """16 connections for about 10 s; a rebuilt index (one more document) is picked up by both app
    servers, then one is killed with SIGKILL: nginx retries on the other, so no request gets an error reply.
    The one exception nginx cannot help: a reply the killed server had begun to send (its headers already
    passed on) is cut off, and the client sees the connection close (RemoteProtocolError). Only the few
    requests that server held at that instant can be caught so (1 of 3,598 in one CI run); any error status,
    or more cut replies than that, fails."""
    url, servers = stack
    before = _count(servers[0][0])
    stop, lock = threading.Event(), threading.Lock()
    done, failures = [0], []
    questions = ["is domestic abuse still a problem?", "what about early help?", "are children's views heard?",
                 "Staff were confident and competent at identifying a range of concerns", "hello"]

    def client(n: int) -> None:
        with httpx.Client(base_url=url, timeout=15) as c:
            i = n
            while not stop.is_set():
                i += 1
                try:
                    r = c.post("/api/chat", json={"question": questions[i % len(questions)]})
                    ok = r.status_code == 200 and r.json()["status"] in ("answered", "no_answer", "chitchat")
                    problem = None if ok else f"HTTP {r.status_code}"
                except httpx.HTTPError as exc:
                    problem = type(exc).__name__
                with lock:
                    done[0] += 1
                    if problem:
                        failures.append(problem)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(16)]
    for t in threads:
        t.start()
    try:
        time.sleep(2)
        (index.sources_dir / "extra.txt").write_text(
            "Extra document\n\nExtra heading\n\nA sentence about kites and lighthouses that no other document has.\n")
        from assistant.indexer import build

        build(index, export_onnx=False)
        deadline = time.monotonic() + 20
        while not all(_count(u) == before + 1 for u, _ in servers):
            assert time.monotonic() < deadline, "the rebuilt index was not picked up by both app servers"
            time.sleep(0.2)
        served_before_kill = done[0]
        servers[0][1].send_signal(signal.SIGKILL)
        time.sleep(5)
    finally:
        stop.set()
        for t in threads:
            t.join(20)
        (index.sources_dir / "extra.txt").unlink(missing_ok=True)
    cut = failures.count("RemoteProtocolError")  # replies the killed server had begun: nginx cannot replay them
    assert [f for f in failures if f != "RemoteProtocolError"] == [] and cut <= 2, \
        f"{len(failures)} of {done[0]} requests failed: {sorted(set(failures))}"
    assert done[0] - served_before_kill > 50, "too few requests after the kill to show anything"
    assert servers[0][1].poll() is not None and _count(servers[1][0]) == before + 1
