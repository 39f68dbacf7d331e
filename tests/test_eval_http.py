"""`python -m eval.run --url`: the gold split scored through POST /api/chat, context passed back each
turn, gives exactly the judgements the in-process run gives (so the independent conversations can be
measured as a client sees them)."""

from __future__ import annotations

from eval import run
from eval.gold import chitchat, conversations, questions


def _without_timing(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k not in ("ms", "rank")} for r in rows]


def test_http_and_in_process_runs_judge_every_turn_alike(live_app, fake_assistant):
    with run.over_http(live_app.url) as remote:
        _compare(run.in_process(fake_assistant), remote, fake_assistant)


def _compare(local, remote, fake_assistant):
    convs = conversations("holdout") + conversations("test")[:4]
    assert sum(len(c["turns"]) for c in convs) > 60
    local_m, local_rows = run.multi_turn(local, convs)
    remote_m, remote_rows = run.multi_turn(remote, convs)
    assert remote_rows == local_rows and remote_m == local_m
    assert any(r["status"] == "answered" for r in remote_rows) and any(r["status"] != "answered" for r in remote_rows)

    rows = questions("holdout")[::3]
    local_q, local_detail = run.single_turn(local, rows, fake_assistant)
    remote_q, remote_detail = run.single_turn(remote, rows)
    assert _without_timing(remote_detail) == _without_timing(local_detail)
    assert "hit_at_1" in local_q and "hit_at_1" not in remote_q  # ranks need the retriever in-process
    assert run.chit_chat(remote, chitchat("test")) == run.chit_chat(local, chitchat("test"))


def test_a_refused_request_is_an_error_not_a_score(live_app):
    import httpx
    import pytest

    with run.over_http(live_app.url) as remote, pytest.raises(httpx.HTTPStatusError):
        remote("", {})  # the API refuses an empty question with a 4xx


def test_the_bench_load_generator_counts_answers_and_errors(live_app):
    """eval/bench.py's load generator reads each reply whole over keep-alive connections: every answer is
    counted once, and a refused question (here: empty, a 422) is an error with its status, not an answer."""
    from eval.bench_http import load

    ok = load(live_app.url, seconds=30, concurrency=4, max_requests=40, qs=["is DV still an issue?", "hello"])
    assert (ok["ok"], ok["errors"]) == (40, 0) and ok["latency_ms"]["n"] == 40
    bad = load(live_app.url, seconds=30, concurrency=1, max_requests=6, qs=["what about neglect?", "   "])
    assert (bad["ok"], bad["errors"], bad["error_kinds"]) == (3, 3, {"HTTP 422": 3})
