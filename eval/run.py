"""`make eval`: answer quality on the TEST split (read many times: see README; the staff split and the holdout are the cleaner checks), with BM25-only and dense-only baselines
in the same run. Prints a table and writes eval/results/metrics.json and per-question rows.

`--url http://127.0.0.1:8000` scores the same split through a running server's POST /api/chat instead,
passing each reply's `context` back within a conversation (the shipped system only: the baselines and
hit@1/MRR need the retriever in-process). It writes metrics-<split>-http.json."""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Callable, Iterator

from assistant.core import Assistant

from .gold import SPLITS, chitchat, conversations, expected_status, grounded, judge, questions

RESULTS = Path(__file__).resolve().parent / "results"
SYSTEMS = {"hybrid": None, "bm25-only": 0.0, "dense-only": 1.0}
Ask = Callable[[str, dict], dict]  # (question, context) -> the reply body of the contract


def in_process(assistant: Assistant) -> Ask:
    return lambda question, context: assistant.ask(question, context).to_dict()


@contextlib.contextmanager
def over_http(url: str, timeout: float = 30.0) -> Iterator[Ask]:
    """POST url/api/chat, as a browser or another service would; any non-200 reply is an error here.
    The connection closes when the `with` block ends."""
    import httpx

    url = url.rstrip("/")
    with httpx.Client(timeout=timeout) as client:
        def ask(question: str, context: dict) -> dict:
            r = client.post(f"{url}/api/chat", json={"question": question, "context": context or None})
            r.raise_for_status()
            return r.json()

        yield ask


def rank_of(assistant: Assistant, row: dict) -> int | None:
    hits = assistant.retriever.search(row["question"], k=len(assistant.store.messages)).hits
    return next((i + 1 for i, h in enumerate(hits) if h.message.title in row["messages"]), None)


def single_turn(ask: Ask, rows: list[dict], assistant: Assistant | None = None) -> tuple[dict, list[dict]]:
    """Status, message and sentence judgements of each reply; ranks (hit@1, MRR) when the retriever is at hand."""
    out, latencies = [], []
    for row in rows:
        started = time.perf_counter()
        reply = ask(row["question"], {})
        latencies.append(1000 * (time.perf_counter() - started))
        expect = expected_status(row)
        v = judge(reply, expect, row["messages"], row["sentences"])
        out.append({"id": row["id"], "question": row["question"], "kind": row["kind"], "expect": expect,
                    "status": reply["status"], "message_ok": v.message_ok, "sentence_ok": v.sentence_ok,
                    "rank": rank_of(assistant, row) if assistant and row["kind"] != "out_of_scope" else None,
                    "grounded": grounded(reply), "ms": round(latencies[-1], 2),
                    "score": reply["quotes"][0]["score"] if reply["quotes"] else None,
                    "quotes": [(q["title"], q["text"]) for q in reply["quotes"]], "gold": row["messages"]})
    answerable = [r for r in out if r["kind"] != "out_of_scope"]
    specific = [r for r in out if r["kind"] == "specific"]
    broad = [r for r in out if r["kind"] == "broad"]
    compound = [r for r in out if r["kind"] == "compound"]
    oos = [r for r in out if r["kind"] == "out_of_scope"]
    declined = [r for r in out if r["status"] != "answered"]
    ranked = {"hit_at_1": _mean(r["rank"] == 1 for r in answerable),
              "mrr": _mean(1 / r["rank"] if r["rank"] else 0 for r in answerable)} if assistant else {}
    metrics = {
        "questions": len(out),
        **ranked,
        "answer_sentence_accuracy": _mean(r["status"] == "answered" and r["sentence_ok"] for r in specific),
        "answered_message_accuracy": _mean(r["status"] == "answered" and r["message_ok"] for r in answerable),
        "no_answer_precision": _mean(r["kind"] == "out_of_scope" for r in declined),
        "no_answer_recall": _mean(r["status"] != "answered" for r in oos),
        "answerable_declined": _mean(r["status"] != "answered" for r in answerable),
        "grounding_rate": _mean(r["grounded"] for r in out),
        # share of a broad (or compound) question's gold messages that the reply quotes
        "broad_recall": _mean(_recall(r) for r in broad) if broad else None,
        "compound_recall": _mean(_recall(r) for r in compound) if compound else None,
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
    }
    return metrics, out


def _recall(row: dict) -> float:
    quoted = {title for title, _ in row["quotes"]}
    return len(quoted & set(row["gold"])) / len(row["gold"]) if row["gold"] else 0.0


def multi_turn(ask: Ask, convs: list[dict]) -> tuple[dict, list[dict]]:
    rows = []
    for conv in convs:
        context = {}
        for n, turn in enumerate(conv["turns"]):
            reply = ask(turn["user"], context)
            context = reply["context"]
            v = judge(reply, turn["expect"], turn["messages"], turn["sentences"])
            rows.append({"id": f"{conv['id']}#{n + 1}", "question": turn["user"], "expect": turn["expect"],
                         "status": reply["status"], "correct": v.correct, "sentence_ok": v.sentence_ok,
                         "grounded": grounded(reply), "quotes": [(q["title"], q["text"]) for q in reply["quotes"]],
                         "gold": turn["messages"]})
    return {"turns": len(rows), "turn_accuracy": _mean(r["correct"] for r in rows),
            "grounding_rate": _mean(r["grounded"] for r in rows)}, rows


def chit_chat(ask: Ask, rows: list[dict]) -> dict:
    return {"items": len(rows), "chitchat_accuracy": _mean(ask(r["question"], {})["status"] == r["expect"] for r in rows)}


def _mean(values) -> float:
    values = list(values)
    return round(sum(map(float, values)) / len(values), 4) if values else 0.0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="test", choices=list(SPLITS))
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--url", help="score a running server through POST URL/api/chat instead of in-process")
    ap.add_argument("--only", default="", help="score only items whose id starts with this (e.g. q-sd, c-sd)")
    args = ap.parse_args(argv)
    table, detail = {}, {}
    pick = lambda rows: [r for r in rows if r["id"].startswith(tuple(args.only.split(",")))] if args.only else rows
    with contextlib.ExitStack() as stack:
        if args.url:
            assistant, ask = None, stack.enter_context(over_http(args.url))
            table["hybrid"], detail["hybrid"] = single_turn(ask, pick(questions(args.split)))
        else:
            assistant = Assistant()
            ask = in_process(assistant)
            fitted = assistant.retriever.dense_weight
            for name, weight in SYSTEMS.items():
                assistant.retriever.dense_weight = fitted if weight is None else weight
                table[name], detail[name] = single_turn(ask, pick(questions(args.split)), assistant)
            assistant.retriever.dense_weight = fitted
        conv_metrics, conv_rows = multi_turn(ask, pick(conversations(args.split)))
        chat_metrics = chit_chat(ask, pick(chitchat(args.split)))
    cols = list(table["hybrid"])
    print(f"split: {args.split} ({table['hybrid']['questions']} questions)" + (f", through {args.url}/api/chat" if args.url else ""))
    print(f"{'system':<12}" + "".join(f"{c[:14]:>16}" for c in cols[1:]))
    for name, m in table.items():
        print(f"{name:<12}" + "".join(f"{'-' if m[c] is None else m[c]:>16}" for c in cols[1:]))
    print(f"conversations: {conv_metrics['turns']} turns, turn accuracy {conv_metrics['turn_accuracy']}, "
          f"grounding {conv_metrics['grounding_rate']}; chit-chat accuracy {chat_metrics['chitchat_accuracy']} "
          f"over {chat_metrics['items']} items")
    if args.split != "dev":
        from .gold import near_duplicates

        dups = near_duplicates(args.split)
        print(f"near-duplicates of dev items (word Jaccard >= 0.8): {len(dups)} of this split's questions and longer turns")
    if args.show_misses:
        for r in detail["hybrid"]:
            if not (r["status"] == r["expect"] and r["sentence_ok"] and (r["rank"] in (None, 1))):
                print(f"MISS {r['id']} [{r['kind']}] {r['question']!r} → {r['status']} {r['quotes'][:1]} gold={r['gold']} rank={r['rank']} score={r['score']}")
        for r in conv_rows:
            if not r["correct"]:
                print(f"MISS {r['id']} {r['question']!r} expect={r['expect']} → {r['status']} {r['quotes'][:1]} gold={r['gold']}")
    RESULTS.mkdir(exist_ok=True)
    metrics = {"split": args.split, **{f"{k}": v for k, v in table.items()}, "conversations": conv_metrics, "chitchat": chat_metrics}
    name = "metrics.json" if args.split == "test" and not args.url and not args.only else \
        f"metrics-{args.split}{'-' + args.only.replace(',', '+') if args.only else ''}{'-http' if args.url else ''}.json"
    (RESULTS / name).write_text(json.dumps(metrics, indent=2) + "\n")
    (RESULTS / name.replace("metrics", "rows").replace(".json", ".jsonl")).write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in detail["hybrid"] + conv_rows))
    if args.split == "test" and not args.url and not args.only:  # the manager's report: eval/results/report.html and report.md
        from .report import write

        write(RESULTS, assistant)
    return 0


if __name__ == "__main__":
    sys.exit(main())
