"""`assistant report`: what the usage database says about a period, for a manager. Counts only: no
question text is read, even when the database holds some."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .errors import SettingsError

_SINCE = re.compile(r"^(\d{1,5})([dhm])$")
_UNIT = {"d": 86400, "h": 3600, "m": 60}


@dataclass(frozen=True)
class FeedbackCounts:
    helpful: int = 0
    unhelpful: int = 0
    comments: int = 0


@dataclass(frozen=True)
class Report:
    since: float
    turns: int = 0
    answered: int = 0
    no_answer: int = 0
    chitchat: int = 0
    decline_reasons: dict[str, int] = field(default_factory=dict)
    feedback: FeedbackCounts = field(default_factory=FeedbackCounts)
    top_messages: list[tuple[str, int]] = field(default_factory=list)
    p50_ms: float | None = None
    p95_ms: float | None = None

    def to_dict(self) -> dict:
        out = asdict(self)
        out["top_messages"] = [{"message_id": m, "quoted": n} for m, n in self.top_messages]
        return out


def seconds(since: str) -> int:
    """'7d' → 604800; also 'h' and 'm'."""
    m = _SINCE.match(since.strip())
    if not m:
        raise SettingsError(f"--since {since!r}: expected a number and d, h or m, such as 7d or 12h")
    return int(m.group(1)) * _UNIT[m.group(2)]


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return round(values[min(len(values) - 1, int(round(p * (len(values) - 1))))], 1)


def build(path: Path, since_seconds: int, now: float | None = None) -> Report:
    """The report for the last since_seconds. An absent database is an empty report."""
    start = (now or time.time()) - since_seconds
    if not Path(path).exists():
        return Report(since=start)
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2)
    try:
        rows = db.execute("SELECT status, reason, messages, ms FROM turns WHERE at >= ?", (start,)).fetchall()
        verdicts = db.execute("SELECT helpful, comment != '' FROM feedback WHERE at >= ?", (start,)).fetchall()
    finally:
        db.close()
    status = Counter(r[0] for r in rows)
    reasons = Counter(r[1] or "other" for r in rows if r[0] == "no_answer")
    quoted = Counter(m for r in rows for m in set(filter(None, r[2].split(","))))
    latency = [r[3] for r in rows]
    return Report(since=start, turns=len(rows), answered=status["answered"], no_answer=status["no_answer"],
                  chitchat=status["chitchat"], decline_reasons=dict(reasons.most_common()),
                  feedback=FeedbackCounts(sum(1 for h, _ in verdicts if h), sum(1 for h, _ in verdicts if not h),
                                          sum(1 for _, c in verdicts if c)),
                  top_messages=quoted.most_common(5), p50_ms=_percentile(latency, 0.5), p95_ms=_percentile(latency, 0.95))


def titles(store_dir: Path) -> dict[str, str]:
    """Message id → title from the built index, so the report names messages as staff know them; {} if unreadable."""
    try:
        lines = (Path(store_dir) / "messages.jsonl").read_text(encoding="utf-8").splitlines()
        return {m["id"]: m["title"] for m in map(json.loads, filter(None, lines))}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def text(report: Report, titles: dict[str, str] | None = None) -> str:
    """The report for a person."""
    titles = titles or {}
    share = (lambda n: f" ({100 * n / report.turns:.0f}%)") if report.turns else (lambda n: "")
    lines = [f"Since {time.strftime('%Y-%m-%d %H:%M', time.localtime(report.since))}: {report.turns} turns",
             f"  answered {report.answered}{share(report.answered)}, declined {report.no_answer}{share(report.no_answer)}, "
             f"chit-chat {report.chitchat}{share(report.chitchat)}"]
    if report.decline_reasons:
        lines.append("  decline reasons: " + ", ".join(f"{k} {v}" for k, v in report.decline_reasons.items()))
    f = report.feedback
    lines.append(f"  feedback: helpful {f.helpful}, not helpful {f.unhelpful} ({f.comments} with a comment)")
    if report.top_messages:
        lines.append("  most quoted: " + ", ".join(f"{titles.get(m, m)} {n}" for m, n in report.top_messages))
    if report.p50_ms is not None:
        lines.append(f"  latency p50 {report.p50_ms} ms, p95 {report.p95_ms} ms")
    return "\n".join(lines)
