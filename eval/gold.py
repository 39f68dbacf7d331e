"""The gold set (eval/data) and how one reply is scored against it. Shared by run.py and calibrate.py."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
# holdout: eval/data/holdout/, written late by an outsider, scored once, never tuned on.
# staff: eval/data/staff/, questions in staff's own words (not the documents'), written by a helper who saw only
# the corpus, in the same batch as the questions-dev-staff files; scored, never tuned on.
# outside: eval/data/outside/, the twenty-fourth staff set (session 24), written from the corpus and a brief alone and
# scored only at a session's end, its misses never read; committed so it outlives the machine it was written on.
SPLITS = ("dev", "test", "holdout", "staff", "outside")
HELD_OUT = SPLITS[1:]
FOLDERS = ("holdout", "staff", "outside")  # the splits whose files are in a folder of their own, eval/data/<split>/
# Dev question files written after the shipped fits (index/query_adapter.json, assistant/calibration.json), so not
# in their fitted_on: in sessions 15 and 18 a refit with them, from this machine's caches, did worse on the dev
# documents than the shipped fits (eval/README.md). eval/adapter.py and eval/calibrate.py leave them out
# (fitting_files); to fit on them, take them out of this list first.
NOT_YET_FITTED = ("eval/data/questions-dev-staff9.jsonl", "eval/data/questions-dev-staff10.jsonl",
                  "eval/data/questions-dev-staff11.jsonl", "eval/data/questions-dev-staff12.jsonl",
                  "eval/data/questions-dev-staff13.jsonl", "eval/data/questions-dev-staff14.jsonl",
                  "eval/data/questions-dev-staff15.jsonl", "eval/data/questions-dev-staff16.jsonl",
                  "eval/data/questions-dev-staff17.jsonl", "eval/data/questions-dev-staff19.jsonl",
                  "eval/data/questions-dev-staff20.jsonl", "eval/data/questions-dev-staff23.jsonl",
                  "eval/data/questions-dev-staff25.jsonl", "eval/data/questions-dev-staff26.jsonl",
                  "eval/data/questions-dev-staff27.jsonl", "eval/data/questions-dev-staff28.jsonl",
                  "eval/data/questions-dev-staff29.jsonl", "eval/data/questions-dev-staff30.jsonl",
                  "eval/data/questions-dev-staff31.jsonl", "eval/data/questions-dev-staff32.jsonl",
                  "eval/data/questions-dev-staff33.jsonl", "eval/data/questions-dev-staff34.jsonl",
                  "eval/data/questions-dev-staff35.jsonl", "eval/data/questions-dev-staff36.jsonl",
                  "eval/data/questions-dev-staff37.jsonl", "eval/data/questions-dev-staff38.jsonl",
                  "eval/data/questions-dev-staff39.jsonl", "eval/data/questions-dev-staff40.jsonl",
                  "eval/data/questions-dev-staff41.jsonl", "eval/data/questions-dev-staff42.jsonl",
                  "eval/data/questions-dev-staff43.jsonl", "eval/data/questions-dev-staff44.jsonl",
                  "eval/data/questions-dev-staff45.jsonl", "eval/data/questions-dev-staff46.jsonl",
                  "eval/data/questions-dev-staff47.jsonl", "eval/data/questions-dev-staff48.jsonl",
                  "eval/data/questions-dev-staff49.jsonl", "eval/data/questions-dev-staff50.jsonl",
                  "eval/data/questions-dev-staff51.jsonl", "eval/data/questions-dev-staff52.jsonl",
                  "eval/data/questions-dev-staff53.jsonl", "eval/data/questions-dev-staff54.jsonl",
                  "eval/data/questions-dev-staff55.jsonl", "eval/data/questions-dev-staff56.jsonl",
                  "eval/data/questions-dev-staff57.jsonl", "eval/data/questions-dev-staff58.jsonl",
                  "eval/data/questions-dev-staff59.jsonl", "eval/data/questions-dev-staff60.jsonl",
                  "eval/data/questions-dev-staff61.jsonl", "eval/data/questions-dev-staff62.jsonl",
                  "eval/data/questions-dev-staff63.jsonl", "eval/data/questions-dev-staff64.jsonl",
                  "eval/data/questions-dev-staff65.jsonl", "eval/data/questions-dev-staff66.jsonl",
                  "eval/data/questions-dev-staff67.jsonl", "eval/data/questions-dev-staff68.jsonl",
                  "eval/data/questions-dev-staff69.jsonl", "eval/data/questions-dev-staff70.jsonl",
                  "eval/data/questions-dev-staff71.jsonl", "eval/data/questions-dev-staff72.jsonl",
                  "eval/data/questions-dev-staff73.jsonl", "eval/data/questions-dev-staff74.jsonl",
                  "eval/data/questions-dev-staff75.jsonl", "eval/data/questions-dev-staff76.jsonl",
                  "eval/data/questions-dev-staff77.jsonl", "eval/data/questions-dev-staff78.jsonl",
                  "eval/data/questions-dev-staff79.jsonl", "eval/data/questions-dev-staff80.jsonl",
                  "eval/data/questions-dev-staff81.jsonl", "eval/data/questions-dev-staff82.jsonl",
                  "eval/data/questions-dev-staff83.jsonl", "eval/data/questions-dev-staff84.jsonl",
                  "eval/data/questions-dev-staff85.jsonl", "eval/data/questions-dev-staff86.jsonl",
                  "eval/data/questions-dev-staff87.jsonl", "eval/data/questions-dev-staff88.jsonl",
                  "eval/data/questions-dev-staff89.jsonl", "eval/data/questions-dev-staff90.jsonl",
                  "eval/data/questions-dev-staff91.jsonl", "eval/data/questions-dev-staff92.jsonl",
                  "eval/data/questions-dev-staff93.jsonl", "eval/data/questions-dev-staff94.jsonl",
                  "eval/data/questions-dev-staff95.jsonl", "eval/data/questions-dev-staff96.jsonl",
                  "eval/data/questions-dev-staff97.jsonl", "eval/data/questions-dev-staff98.jsonl",
                  "eval/data/questions-dev-staff99.jsonl", "eval/data/questions-dev-staff100.jsonl",
                  "eval/data/questions-dev-staff101.jsonl", "eval/data/questions-dev-staff102.jsonl",
                  "eval/data/questions-dev-staff103.jsonl", "eval/data/questions-dev-staff104.jsonl",
                  "eval/data/questions-dev-staff105.jsonl", "eval/data/questions-dev-staff110.jsonl",
                  "eval/data/questions-dev-staff111.jsonl", "eval/data/questions-dev-staff112.jsonl",
                  "eval/data/questions-dev-staff113.jsonl", "eval/data/questions-dev-staff114.jsonl",
                  "eval/data/questions-dev-staff115.jsonl", "eval/data/questions-dev-staff116.jsonl",
                  "eval/data/questions-dev-staff117.jsonl", "eval/data/questions-dev-staff118.jsonl",
                  "eval/data/questions-dev-staff119.jsonl", "eval/data/questions-dev-staff120.jsonl",
                  "eval/data/questions-dev-staff121.jsonl", "eval/data/questions-dev-staff122.jsonl",
                  "eval/data/questions-dev-staff123.jsonl", "eval/data/questions-dev-staff124.jsonl",
                  "eval/data/questions-dev-staff125.jsonl", "eval/data/questions-dev-staff126.jsonl",
                  "eval/data/questions-dev-staff127.jsonl", "eval/data/questions-dev-staff128.jsonl",
                  "eval/data/questions-dev-staff129.jsonl", "eval/data/questions-dev-staff130.jsonl",
                  "eval/data/questions-dev-staff131.jsonl", "eval/data/questions-dev-staff132.jsonl",
                  "eval/data/questions-dev-staff133.jsonl", "eval/data/questions-dev-staff134.jsonl",
                  "eval/data/questions-dev-staff135.jsonl", "eval/data/questions-dev-staff136.jsonl",
                  "eval/data/questions-dev-staff137.jsonl", "eval/data/questions-dev-staff138.jsonl",
                  "eval/data/questions-dev-staff139.jsonl", "eval/data/questions-dev-staff140.jsonl",
                  "eval/data/questions-dev-staff141.jsonl", "eval/data/questions-dev-staff142.jsonl",
                  "eval/data/questions-dev-staff143.jsonl", "eval/data/questions-dev-staff144.jsonl",
                  "eval/data/questions-dev-staff145.jsonl", "eval/data/questions-dev-staff146.jsonl",
                  "eval/data/questions-dev-staff147.jsonl", "eval/data/questions-dev-staff148.jsonl",
                  "eval/data/questions-dev-staff149.jsonl", "eval/data/questions-dev-staff150.jsonl",
                  "eval/data/questions-dev-staff151.jsonl", "eval/data/questions-dev-staff152.jsonl",
                  "eval/data/questions-dev-staff153.jsonl", "eval/data/questions-dev-staff154.jsonl",
                  "eval/data/questions-dev-staff155.jsonl", "eval/data/questions-dev-staff156.jsonl",
                  "eval/data/questions-dev-staff157.jsonl", "eval/data/questions-dev-staff158.jsonl",
                  "eval/data/questions-dev-staff159.jsonl", "eval/data/questions-dev-staff160.jsonl",
                  "eval/data/questions-dev-staff161.jsonl", "eval/data/questions-dev-staff162.jsonl",
                  "eval/data/questions-dev-staff163.jsonl", "eval/data/questions-dev-staff164.jsonl",
                  "eval/data/questions-dev-staff165.jsonl", "eval/data/questions-dev-staff166.jsonl",
                  "eval/data/questions-dev-staff167.jsonl", "eval/data/questions-dev-staff168.jsonl",
                  "eval/data/questions-dev-staff169.jsonl", "eval/data/questions-dev-staff170.jsonl",
                  "eval/data/questions-dev-staff171.jsonl", "eval/data/questions-dev-staff172.jsonl",
                  "eval/data/questions-dev-staff173.jsonl", "eval/data/questions-dev-staff174.jsonl",
                  "eval/data/questions-dev-staff175.jsonl", "eval/data/questions-dev-staff176.jsonl",
                  "eval/data/questions-dev-staff177.jsonl",
                  "eval/data/questions-dev-staff178.jsonl", "eval/data/questions-dev-staff179.jsonl",
                  "eval/data/questions-dev-staff180.jsonl", "eval/data/questions-dev-staff181.jsonl",
                  "eval/data/questions-dev-staff182.jsonl", "eval/data/questions-dev-staff183.jsonl",
                  "eval/data/questions-dev-staff184.jsonl", "eval/data/questions-dev-staff185.jsonl",
                  "eval/data/questions-dev-staff186.jsonl", "eval/data/questions-dev-staff187.jsonl",
                  "eval/data/questions-dev-staff188.jsonl", "eval/data/questions-dev-staff189.jsonl",
                  "eval/data/questions-dev-staff190.jsonl", "eval/data/questions-dev-staff191.jsonl",
                  "eval/data/questions-dev-staff192.jsonl", "eval/data/questions-dev-staff193.jsonl",
                  "eval/data/questions-dev-staff194.jsonl", "eval/data/questions-dev-staff195.jsonl",
                  "eval/data/questions-dev-staff196.jsonl", "eval/data/questions-dev-staff197.jsonl",
                  "eval/data/questions-dev-staff198.jsonl", "eval/data/questions-dev-staff199.jsonl",
                  "eval/data/questions-dev-staff200.jsonl", "eval/data/questions-dev-staff201.jsonl",
                  "eval/data/questions-dev-staff202.jsonl", "eval/data/questions-dev-staff203.jsonl",
                  "eval/data/questions-dev-staff204.jsonl", "eval/data/questions-dev-staff205.jsonl",
                  "eval/data/questions-dev-staff206.jsonl", "eval/data/questions-dev-staff207.jsonl",
                  "eval/data/questions-dev-staff208.jsonl", "eval/data/questions-dev-staff209.jsonl",
                  "eval/data/questions-dev-staff210.jsonl", "eval/data/questions-dev-staff211.jsonl",
                  "eval/data/questions-dev-staff212.jsonl", "eval/data/questions-dev-staff213.jsonl",
                  "eval/data/questions-dev-staff214.jsonl", "eval/data/questions-dev-staff215.jsonl",
                  "eval/data/questions-dev-staff216.jsonl", "eval/data/questions-dev-staff217.jsonl",
                  "eval/data/questions-dev-staff218.jsonl", "eval/data/questions-dev-staff219.jsonl",
                  "eval/data/questions-dev-staff220.jsonl", "eval/data/questions-dev-staff221.jsonl",
                  "eval/data/questions-dev-staff222.jsonl", "eval/data/questions-dev-staff223.jsonl",
                  "eval/data/questions-dev-staff224.jsonl", "eval/data/questions-dev-staff225.jsonl",
                  "eval/data/questions-dev-staff230.jsonl", "eval/data/questions-dev-staff231.jsonl",
                  "eval/data/questions-dev-staff232.jsonl", "eval/data/questions-dev-staff233.jsonl")


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def files(kind: str, split: str) -> list[Path]:
    """The fixed files of one split: questions-dev.jsonl plus any questions-dev-*.jsonl written later."""
    assert split in SPLITS
    if split in FOLDERS:
        return sorted((DATA / split).glob(f"{kind}*.jsonl"))
    return sorted(DATA.glob(f"{kind}-{split}.jsonl")) + sorted(DATA.glob(f"{kind}-{split}-*.jsonl"))


def fitting_files() -> list[Path]:
    """The dev question files the query adapter and the answer model are fitted on: all but NOT_YET_FITTED."""
    root = DATA.parent.parent
    return [f for f in files("questions", "dev") if str(f.relative_to(root)) not in NOT_YET_FITTED]


def questions(split: str, fitting: bool = False) -> list[dict]:
    """The split's questions (`fitting`: those of fitting_files() only); with EVAL_LEAVE_OUT=q-s4,... (author sets,
    by id prefix) the dev split without them, so the adapter and the answer model can be refitted as if those
    authors had never written (eval/loso.sh)."""
    rows = [row for f in (fitting_files() if fitting and split == "dev" else files("questions", split)) for row in read_jsonl(f)]
    left = tuple(p for p in os.environ.get("EVAL_LEAVE_OUT", "").split(",") if p)
    return [r for r in rows if not r["id"].startswith(left)] if left and split == "dev" else rows


def author_set(row: dict) -> str:
    """A question's author set: its id without the number (q-sd-014 -> q-sd). Fits that leave one set out group by it."""
    return row["id"].rsplit("-", 1)[0]


def conversations(split: str) -> list[dict]:
    return [row for f in files("conversations", split) for row in read_jsonl(f)]


def chitchat(split: str) -> list[dict]:
    assert split in SPLITS
    paths = [DATA / "chitchat.jsonl", *sorted(DATA.glob("chitchat-dev-*.jsonl")),
             *(p for folder in FOLDERS for p in sorted((DATA / folder).glob("chitchat*.jsonl")))]
    return [row for p in paths for row in read_jsonl(p) if row["split"] == split]  # none for holdout


@dataclass(frozen=True)
class Verdict:
    status_ok: bool
    message_ok: bool  # first quote from an acceptable message (True when none is expected)
    sentence_ok: bool  # first quote is, or holds, an acceptable sentence (True when none is listed)

    @property
    def correct(self) -> bool:
        return self.status_ok and self.message_ok


def judge(reply: dict, expect: str, titles: list[str], sentences: list[str]) -> Verdict:
    status_ok = reply["status"] == expect
    if expect != "answered" or not reply["quotes"]:
        return Verdict(status_ok, status_ok, status_ok)
    first = reply["quotes"][0]
    message_ok = not titles or first["title"] in titles
    # a quote may hold the sentence before the one picked, when that one opens by pointing back at it
    # (reply.answer_quote), and the first quote the pick's neighbour (reply.passage_quote): the acceptable sentence is
    # still what the person reads
    sentence_ok = message_ok and (not sentences or any(s in first["text"] for s in sentences))
    return Verdict(status_ok, message_ok, sentence_ok)


def grounded(reply: dict) -> bool:
    """An independent check of the reply contract: verbatim quotes, answered ⇔ quotes."""
    sources = {s["message_id"]: s for s in reply.get("sources", [])}
    if (reply["status"] == "answered") != bool(reply["quotes"]):
        return False
    for q in reply["quotes"]:
        src = sources.get(q["message_id"])
        if src is None or src["text"][q["start"]:q["end"]] != q["text"] or q["text"] not in reply["reply"]:
            return False
    return True


def expected_status(row: dict) -> str:
    return "no_answer" if row["kind"] == "out_of_scope" else "answered"


def near_duplicates(split: str, of: str = "dev", threshold: float = 0.8) -> list[tuple[str, str]]:
    """Items of `split` whose words (case and punctuation ignored) overlap an item of `of` by this Jaccard
    share or more: (item, the closest `of` item). A held-out figure means less the more of these it has."""
    import re

    def bag(t: str) -> frozenset[str]:
        return frozenset(re.sub(r"[^a-z0-9 ]+", " ", t.lower().replace("’", "'").replace("'", "")).split())

    def texts(s: str) -> list[str]:
        return [r["question"] for r in questions(s)] + [t["user"] for c in conversations(s) for t in c["turns"]
                                                        if len(t["user"].split()) >= 5]

    pool = [(bag(t), t) for t in texts(of)]
    out = []
    for t in texts(split):
        b = bag(t)
        best = max(pool, key=lambda p: len(b & p[0]) / (len(b | p[0]) or 1), default=None)
        if best and len(b & best[0]) / (len(b | best[0]) or 1) >= threshold:
            out.append((t, best[1]))
    return out
