"""Feedback and usage rows in SQLite (assistant/feedback.py), `assistant report` (report.py), and the
promise that writing them never slows or fails an answer and never stores question text by default."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time

from fastapi.testclient import TestClient

from assistant import cli, report
from assistant.feedback import Turn, UsageLog, Verdict, connect
from assistant.web import create_app
from webfix import ANSWERABLE, assert_error, settings_with

SECRET = "Does wee Callum McTavish at 12 Rowan Drive get advocacy support"  # a question staff should not leave behind


def app_for(fake_settings, fake_assistant, tmp_path, **changes):
    settings = settings_with(fake_settings, db=tmp_path / "usage.sqlite3", **changes)
    app = create_app(settings, fake_assistant)
    return TestClient(app), app.state.usage, settings


def test_feedback_round_trip_is_counted_by_the_report(fake_settings, fake_assistant, tmp_path, capsys, monkeypatch):
    c, usage, settings = app_for(fake_settings, fake_assistant, tmp_path)
    replies = [c.post("/api/chat", json={"question": q}).json() for q in (ANSWERABLE, SECRET, "hello", ANSWERABLE)]
    assert [r["status"] for r in replies][:3] == ["answered", "no_answer", "chitchat"]
    assert len({r["id"] for r in replies}) == 4 and all(len(r["id"]) == 32 for r in replies)
    assert c.post("/api/feedback", json={"reply_id": replies[0]["id"], "helpful": True}).json() == {"stored": True}
    assert c.post("/api/feedback", json={"reply_id": replies[1]["id"], "helpful": False,
                                         "comment": "it should have found the advocacy message"}).status_code == 200
    usage.flush()

    monkeypatch.setenv("ASSISTANT_DB", str(settings.db))
    assert cli.main(["report", "--since", "1d", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert (out["turns"], out["answered"], out["no_answer"], out["chitchat"]) == (4, 2, 1, 1)
    assert out["feedback"]["helpful"] == 1 and out["feedback"]["unhelpful"] == 1
    assert sum(out["decline_reasons"].values()) == 1
    assert out["top_messages"][0]["message_id"] == replies[0]["quotes"][0]["message_id"]
    assert out["p50_ms"] is not None and out["p95_ms"] >= out["p50_ms"]
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(settings.index_dir))
    assert cli.main(["report", "--since", "7d"]) == 0
    printed = capsys.readouterr().out
    assert "helpful 1, not helpful 1" in printed and "most quoted: Key message 1 2" in printed

    with sqlite3.connect(settings.db) as db:
        row = db.execute("SELECT status, messages, comment FROM feedback WHERE reply_id = ?", (replies[1]["id"],)).fetchone()
    assert row == ("no_answer", "", "it should have found the advocacy message")
    usage.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("usage.sqlite3*"))
    assert SECRET.encode() not in stored and b"Callum" not in stored and b"Staff were confident" not in stored


def test_questions_are_stored_only_when_log_questions_is_on(fake_settings, fake_assistant, tmp_path):
    c, usage, settings = app_for(fake_settings, fake_assistant, tmp_path, log_questions=True)
    rid = c.post("/api/chat", json={"question": SECRET}).json()["id"]
    c.post("/api/feedback", json={"reply_id": rid, "helpful": False})
    usage.flush()
    with sqlite3.connect(settings.db) as db:
        assert db.execute("SELECT question FROM turns").fetchone() == (SECRET,)
        assert db.execute("SELECT question FROM feedback").fetchone() == (SECRET,)


def test_unknown_or_malformed_feedback(fake_settings, fake_assistant, tmp_path):
    c, _, _ = app_for(fake_settings, fake_assistant, tmp_path)
    assert_error(c.post("/api/feedback", json={"reply_id": "0" * 32, "helpful": True}), 404, "not_found")
    assert_error(c.post("/api/feedback", json={"reply_id": "zz", "helpful": True}), 422)
    rid = c.post("/api/chat", json={"question": "hello"}).json()["id"]
    assert_error(c.post("/api/feedback", json={"reply_id": rid, "helpful": "yes"}), 422)
    assert_error(c.post("/api/feedback", json={"reply_id": rid, "helpful": True, "comment": "x" * 501}), 422)
    body = assert_error(c.post("/api/feedback", json={"reply_id": rid, "helpful": True, "nosy_key_name": "nosy value"}), 422)
    assert "nosy" not in json.dumps(body)


def test_concurrent_feedback_and_turn_writes_are_all_kept(tmp_path):
    usage = UsageLog(tmp_path / "usage.sqlite3")
    ids = [f"{n:032x}" for n in range(400)]
    for rid in ids:
        usage.record_turn(Turn(rid, "answered", "", ("m1", "m2"), 3.0))
    errors = []

    def vote(chunk: list[str]) -> None:
        for rid in chunk:
            try:
                assert usage.feedback(Verdict(rid, int(rid, 16) % 2 == 0, "ok"))
            except Exception as exc:  # collected for the assertion below
                errors.append(repr(exc))

    def more_turns() -> None:
        for n in range(400, 800):
            usage.record_turn(Turn(f"{n:032x}", "no_answer", "weak", (), 2.0))

    threads = [threading.Thread(target=vote, args=(ids[i::8],)) for i in range(8)] + [threading.Thread(target=more_turns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    usage.flush()
    assert errors == []
    summary = report.build(tmp_path / "usage.sqlite3", 3600)
    assert summary.turns == 800 and (summary.feedback.helpful, summary.feedback.unhelpful) == (200, 200)
    # and a second process-like writer on the same file (two app servers share it) coexists
    other = UsageLog(tmp_path / "usage.sqlite3")
    other.record_turn(Turn("f" * 32, "chitchat", "", (), 1.0))
    other.flush()
    assert usage.feedback(Verdict("f" * 32, True))
    usage.close()
    other.close()


def test_a_locked_database_never_slows_or_fails_an_answer(fake_settings, fake_assistant, tmp_path, caplog):
    c, usage, settings = app_for(fake_settings, fake_assistant, tmp_path)
    earlier = c.post("/api/chat", json={"question": "hello"}).json()["id"]
    usage.flush()
    blocker = connect(settings.db)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with caplog.at_level(logging.WARNING, logger="assistant.feedback"):
            started = time.perf_counter()
            codes = [c.post("/api/chat", json={"question": ANSWERABLE}).status_code for _ in range(20)]
            elapsed = time.perf_counter() - started
            usage.flush(5)
        assert codes == [200] * 20
        assert elapsed < 5, f"20 answers took {elapsed:.1f} s with the database locked"
        assert any("not written" in r.getMessage() for r in caplog.records)
        assert all(ANSWERABLE not in r.getMessage() for r in caplog.records)
        assert_error(c.post("/api/feedback", json={"reply_id": earlier, "helpful": True}), 503, "feedback_unavailable")
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    rid = c.post("/api/chat", json={"question": "hello"}).json()["id"]  # and it recovers
    assert c.post("/api/feedback", json={"reply_id": rid, "helpful": True}).status_code == 200


def test_an_unwritable_database_never_fails_an_answer(fake_settings, fake_assistant, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    c, usage, _ = app_for(fake_settings, fake_assistant, tmp_path)
    c2 = TestClient(create_app(settings_with(fake_settings, db=tmp_path / "a-file" / "usage.sqlite3"), fake_assistant))
    assert c2.post("/api/chat", json={"question": ANSWERABLE}).status_code == 200
    assert c.post("/api/chat", json={"question": ANSWERABLE}).status_code == 200


def test_old_rows_are_deleted_after_the_retention_period(tmp_path):
    path = tmp_path / "usage.sqlite3"
    usage = UsageLog(path, retention_days=90)
    old = time.time() - 91 * 86400
    usage.record_turn(Turn("a" * 32, "answered", "", ("m",), 1.0, at=old))
    usage.flush()
    with sqlite3.connect(path) as db:  # the first write pruned before this old row arrived; add old feedback too
        db.execute("INSERT INTO feedback VALUES (?, ?, 1, 'answered', 'm', '', NULL)", ("a" * 32, old))
    usage._pruned = 0.0  # as if an hour had passed
    usage.record_turn(Turn("b" * 32, "answered", "", ("m",), 1.0))
    usage.flush()
    with sqlite3.connect(path) as db:
        assert [r[0] for r in db.execute("SELECT reply_id FROM turns")] == ["b" * 32]
        assert db.execute("SELECT COUNT(*) FROM feedback").fetchone() == (0,)
    usage.close()


def test_report_since_parsing_and_an_absent_database(tmp_path):
    assert report.seconds("7d") == 604800 and report.seconds("12h") == 43200 and report.seconds("30m") == 1800
    empty = report.build(tmp_path / "none.sqlite3", 3600)
    assert empty.turns == 0 and empty.p50_ms is None
    assert cli.main(["report", "--since", "a week"]) == 2
