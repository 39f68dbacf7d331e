"""Usage counts and staff feedback in one SQLite file (settings.db), privacy first.

Every answered turn is a row of `turns` (reply id, time, status, decline reason, quoted message ids,
latency); `POST /api/feedback` adds a row of `feedback` (reply id, time, helpful, the turn's status and
message ids, an optional comment). Question text is stored only when settings.log_questions is on.

Writing never slows or fails an answer: turns go through a bounded queue to one writer thread, and a
locked, full or unwritable database is logged (without any text) and the row dropped. Rows older than
settings.retention_days are deleted when the writer starts and then hourly. Feedback is written at once
(the caller waits for it), after any queued turns, so a verdict sent right after its answer finds it.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

log = logging.getLogger("assistant.feedback")

SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (reply_id TEXT PRIMARY KEY, at REAL NOT NULL, status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '', messages TEXT NOT NULL DEFAULT '', ms REAL NOT NULL, question TEXT);
CREATE INDEX IF NOT EXISTS turns_at ON turns(at);
CREATE TABLE IF NOT EXISTS feedback (reply_id TEXT PRIMARY KEY, at REAL NOT NULL, helpful INTEGER NOT NULL,
    status TEXT NOT NULL, messages TEXT NOT NULL DEFAULT '', comment TEXT NOT NULL DEFAULT '', question TEXT);
CREATE INDEX IF NOT EXISTS feedback_at ON feedback(at);
"""
MAX_COMMENT = 500
QUEUE_SIZE = 10_000
PRUNE_EVERY = 3600.0  # seconds


@dataclass(frozen=True)
class Turn:
    reply_id: str
    status: str
    reason: str
    messages: tuple[str, ...]
    ms: float
    question: str | None = None  # only when settings.log_questions is on
    at: float = 0.0


@dataclass(frozen=True)
class Verdict:
    reply_id: str
    helpful: bool
    comment: str = ""


class FeedbackUnavailable(Exception):
    """The database could not be written just now (locked, full, unwritable): try again later."""


def connect(path: Path, timeout: float = 0.5) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(SCHEMA)
    return db


class UsageLog:
    """The server's handle on the database: record_turn() never blocks; feedback() waits for its row."""

    def __init__(self, path: Path, retention_days: int = 90, keep_questions: bool = False):
        self.path, self.retention_days, self.keep_questions = Path(path), retention_days, keep_questions
        self._queue: queue.Queue[Turn | None] = queue.Queue(QUEUE_SIZE)
        self._lock = threading.Lock()  # one writer at a time on our connection
        self._db: sqlite3.Connection | None = None
        self._pruned = 0.0
        self._counts = threading.Lock()
        self._queued = self._handled = 0  # turns put on the queue / written or dropped by the writer
        self._thread = threading.Thread(target=self._run, name="usage-writer", daemon=True)
        self._thread.start()

    # -- turns: queued, written in the background ------------------------------------------------
    def record_turn(self, turn: Turn) -> None:
        turn = replace(turn, question=turn.question if self.keep_questions else None, at=turn.at or time.time())
        with self._counts:
            try:
                self._queue.put_nowait(turn)
                self._queued += 1
            except queue.Full:
                log.warning("usage row dropped: the writer is behind (database slow or locked)")

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            batch = [first]
            while len(batch) < 500:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            turns = [t for t in batch if t is not None]
            try:
                if turns:
                    self._write_turns(turns)
            except Exception as exc:  # the writer must outlive any one batch, whatever went wrong
                log.warning("%d usage rows not written: %s", len(turns), type(exc).__name__)
            finally:
                with self._counts:
                    self._handled += len(turns)
            if None in batch:
                return

    def _write_turns(self, turns: list[Turn]) -> None:
        rows = [(t.reply_id, t.at, t.status, t.reason, ",".join(t.messages), round(t.ms, 2), t.question) for t in turns]
        try:
            with self._lock:
                db = self._connection()
                db.execute("BEGIN")
                db.executemany("INSERT OR IGNORE INTO turns VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
                db.execute("COMMIT")
                self._prune(db)
        except (sqlite3.Error, OSError) as exc:
            self._rollback()
            log.warning("%d usage rows not written: %s", len(rows), type(exc).__name__)

    # -- feedback: written now ---------------------------------------------------------------------
    def feedback(self, verdict: Verdict, wait: float = 2.0) -> bool:
        """Store a verdict on a reply; False when no turn has that reply id (once the turns queued before
        this call have been written: a verdict can arrive right after its answer)."""
        stored = self._store(verdict)
        if stored is None:
            self.flush(wait)
            stored = self._store(verdict)
        return bool(stored)

    def _store(self, verdict: Verdict) -> bool | None:
        comment = verdict.comment.strip()[:MAX_COMMENT]
        try:
            with self._lock:
                db = self._connection()
                row = db.execute("SELECT status, messages, question FROM turns WHERE reply_id = ?", (verdict.reply_id,)).fetchone()
                if row is None:
                    return None
                db.execute("INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(reply_id) DO UPDATE SET "
                           "at = excluded.at, helpful = excluded.helpful, comment = excluded.comment",
                           (verdict.reply_id, time.time(), int(verdict.helpful), row[0], row[1], comment,
                            row[2] if self.keep_questions else None))
                return True
        except (sqlite3.Error, OSError) as exc:
            self._rollback()
            log.warning("feedback not written: %s", type(exc).__name__)
            raise FeedbackUnavailable() from None

    def flush(self, timeout: float = 2.0) -> None:
        """Wait (at most timeout seconds) until the turns queued so far have been written or dropped; later
        ones are not waited for, so a busy server does not hold a caller up."""
        with self._counts:
            target = self._queued
        deadline = time.monotonic() + timeout
        while self._handled < target and time.monotonic() < deadline:
            time.sleep(0.005)

    def close(self) -> None:
        try:
            self._queue.put(None, timeout=1)
        except queue.Full:
            return
        self._thread.join(timeout=5)
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- housekeeping ------------------------------------------------------------------------------
    def _connection(self) -> sqlite3.Connection:
        if self._db is None:
            self._db = connect(self.path)
        return self._db

    def _rollback(self) -> None:
        try:
            if self._db is not None and self._db.in_transaction:
                self._db.execute("ROLLBACK")
        except sqlite3.Error:
            self._db = None  # start afresh next time

    def _prune(self, db: sqlite3.Connection) -> None:
        now = time.time()
        if now - self._pruned < PRUNE_EVERY:
            return
        self._pruned = now
        prune(db, self.retention_days, now)


def prune(db: sqlite3.Connection, retention_days: int, now: float | None = None) -> None:
    """Delete turns and feedback older than retention_days."""
    cutoff = (now or time.time()) - retention_days * 86400
    db.execute("DELETE FROM turns WHERE at < ?", (cutoff,))
    db.execute("DELETE FROM feedback WHERE at < ?", (cutoff,))

