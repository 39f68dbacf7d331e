"""A report for a team manager of the last `make eval` (test split): eval/results/report.html (standalone:
plots embedded as data URIs) and eval/results/report.md, from metrics.json and rows.jsonl.

    python -m eval.report            # also run by `python -m eval.run` on the test split

Each test question's answer confidence is not in rows.jsonl, so it is worked out again here with the
library's own assistant.answer.decide (the same features, weights and threshold the assistant uses).
"""

from __future__ import annotations

import argparse
import base64
import html
import io
import json
import sys
from collections import defaultdict
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
THRESHOLDS = [round(0.02 * i, 2) for i in range(51)]


def _read(path: Path):
    if not path.exists():
        return [] if path.suffix == ".jsonl" else {}
    if path.suffix == ".jsonl":
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return json.loads(path.read_text(encoding="utf-8"))


def restore_extbench(results: Path = RESULTS) -> dict:
    """metrics.json with the public-benchmark keys eval/extbench.py saved (a later `make eval` rewrites the file)."""
    metrics = _read(results / "metrics.json")
    saved = _read(results / "extbench.json")
    missing = {k: v for k, v in saved.items() if k not in metrics}
    if missing and metrics:
        metrics.update(missing)
        (results / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    return metrics


def confidences(rows: list[dict], assistant=None) -> dict[str, dict]:
    """id → {"confidence", "reason", "right"} for single-turn rows, from the library's own explain()."""
    from assistant.intents import route

    if assistant is None:
        from assistant.core import Assistant

        assistant = Assistant()
    out = {}
    for row in rows:
        if "kind" not in row:
            continue
        q = row["question"]
        if route(q):
            out[row["id"]] = {"confidence": None, "reason": "routed", "right": False}
            continue
        d = assistant.explain(q).decision
        top = d.scored[0].hit.message.title if d.scored else None
        rule = d.reason if d.reason and d.reason != "weak" else ""
        out[row["id"]] = {"confidence": round(d.confidence, 4), "reason": rule,
                          "right": row["kind"] != "out_of_scope" and top in row["gold"]}
    return out


def sweep(rows: list[dict], conf: dict[str, dict]) -> list[dict]:
    """Answer when confidence ≥ t (rule declines stay declined): answered accuracy and decline precision/recall."""
    out = []
    single = [r for r in rows if r["id"] in conf and conf[r["id"]]["confidence"] is not None]
    for t in THRESHOLDS:
        answered = [r for r in single if not conf[r["id"]]["reason"] and conf[r["id"]]["confidence"] >= t]
        declined = [r for r in single if r not in answered]
        oos = [r for r in single if r["kind"] == "out_of_scope"]
        should = [r for r in single if not conf[r["id"]]["right"]]  # out of scope, or the top pick is wrong
        out.append({
            "threshold": t, "answered": len(answered),
            "answered_right": _rate(conf[r["id"]]["right"] for r in answered),
            "decline_precision": _rate(r["kind"] == "out_of_scope" for r in declined),
            "decline_recall": _rate(r in declined for r in oos),
            "wrong_declined": _rate(r in declined for r in should),
            "answerable_declined": _rate(r in declined for r in single if r["kind"] != "out_of_scope"),
        })
    return out


def _rate(values):
    values = [bool(v) for v in values]
    return round(sum(values) / len(values), 4) if values else None


def is_miss(r: dict) -> bool:
    if "kind" not in r:
        return not r.get("correct", False)
    return not (r["status"] == r["expect"] and r["sentence_ok"] and r["rank"] in (None, 1))


# ---------------------------------------------------------------- plots

def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight")
    import matplotlib.pyplot as plt

    plt.close(fig)
    return buf.getvalue()


def plots(rows: list[dict], conf: dict, table: list[dict], threshold: float) -> dict[str, bytes]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    out = {}
    fig, ax = plt.subplots(figsize=(6.4, 3.6))
    xs = [r["threshold"] for r in table]
    for key, label in (("decline_precision", "declines that were out of scope (precision)"),
                       ("decline_recall", "out-of-scope questions declined (recall)"),
                       ("answerable_declined", "answerable questions declined"),
                       ("answered_right", "answers from the right message")):
        ax.plot(xs, [r[key] if r[key] is not None else np.nan for r in table], label=label)
    ax.axvline(threshold, color="grey", ls="--", lw=1)
    ax.text(threshold, 1.01, f" in use: {threshold}", color="grey", fontsize=8)
    ax.set_xlabel("confidence threshold (answer when confidence ≥ threshold)")
    ax.set_ylim(0, 1.05)
    ax.legend(fontsize=7, loc="center left")
    ax.set_title("Answering vs declining (test questions)", fontsize=10)
    out["threshold_sweep"] = _png(fig)

    pairs = [(c["confidence"], c["right"]) for c in conf.values() if c["confidence"] is not None]
    fig, ax = plt.subplots(figsize=(4.8, 3.8))
    if pairs:
        c = np.array([p[0] for p in pairs])
        y = np.array([p[1] for p in pairs], dtype=float)
        edges = np.linspace(0, 1, 6)
        idx = np.clip(np.digitize(c, edges) - 1, 0, 4)
        mx, my, n = [], [], []
        for b in range(5):
            if (idx == b).any():
                mx.append(c[idx == b].mean())
                my.append(y[idx == b].mean())
                n.append(int((idx == b).sum()))
        ax.plot([0, 1], [0, 1], color="grey", ls=":", lw=1, label="perfect calibration")
        ax.plot(mx, my, marker="o", label="test questions")
        for a, b_, k in zip(mx, my, n):
            ax.annotate(f"n={k}", (a, b_), fontsize=7, textcoords="offset points", xytext=(4, -10))
        ax.scatter(c, y + (np.random.default_rng(0).random(len(y)) - 0.5) * 0.06, s=8, alpha=0.35, color="C1")
    ax.set_xlabel("confidence")
    ax.set_ylabel("share right (top pick from a gold message)")
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.05, 1.05)
    ax.legend(fontsize=7, loc="upper left")
    ax.set_title("Calibration: confidence vs being right", fontsize=10)
    out["calibration"] = _png(fig)

    per = defaultdict(list)
    for r in rows:
        if r.get("kind") in ("specific", "broad") and r.get("gold"):
            per[r["gold"][0]].append(r["status"] == "answered" and r["message_ok"])
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    names = sorted(per, key=lambda t: (len(t), t))
    ax.bar(range(len(names)), [sum(per[n]) / len(per[n]) for n in names], color="C2")
    for i, n in enumerate(names):
        ax.text(i, 0.02, f"{sum(per[n])}/{len(per[n])}", ha="center", fontsize=7, color="white")
    ax.set_xticks(range(len(names)), [n.replace("Key message ", "KM ") for n in names], rotation=45, fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("answered from the right message")
    ax.set_title("Hit rate per message (answerable test questions)", fontsize=10)
    out["per_message"] = _png(fig)

    ms = [r["ms"] for r in rows if r.get("ms") is not None]
    fig, ax = plt.subplots(figsize=(6.4, 3.0))
    if ms:
        ax.hist(ms, bins=30, color="C0")
        for q, ls in ((50, "--"), (95, ":")):
            v = float(np.percentile(ms, q))
            ax.axvline(v, color="black", ls=ls, lw=1, label=f"p{q} {v:.0f} ms")
        ax.legend(fontsize=8)
    ax.set_xlabel("time to answer one question (ms, in-process)")
    ax.set_ylabel("questions")
    ax.set_title("Latency", fontsize=10)
    out["latency"] = _png(fig)
    return out


# ---------------------------------------------------------------- writing

def _headline(metrics: dict) -> list[tuple[str, str]]:
    h = metrics.get("hybrid", {})
    c = metrics.get("conversations", {})
    out = [
        ("Test questions", f"{h.get('questions', '?')} single questions, {c.get('turns', '?')} conversation turns"),
        ("Right message ranked first", _pct(h.get("hit_at_1"))),
        ("Specific questions answered with the right sentence", _pct(h.get("answer_sentence_accuracy"))),
        ("Answerable questions answered from the right message", _pct(h.get("answered_message_accuracy"))),
        ("Out-of-scope questions declined", _pct(h.get("no_answer_recall"))),
        ("Declines that were right to decline", _pct(h.get("no_answer_precision"))),
        ("Answerable questions declined", _pct(h.get("answerable_declined"))),
        ("Conversation turns right", _pct(c.get("turn_accuracy"))),
        ("Replies that quote the documents exactly", _pct(h.get("grounding_rate"))),
        ("Median time to answer", f"{h.get('p50_ms', '?')} ms"),
    ]
    w = metrics.get("wikiqa")
    if w:
        out.append(("WikiQA (public benchmark) MAP / answer-triggering F1",
                    f"{w['map']:.3f} / {w['trigger_f1']:.3f} (plain MiniLM baseline {w['baseline']['map']:.3f} / "
                    f"{w['baseline']['trigger_f1']:.3f}; published CNN-Cnt 0.652 / 0.31)"))
    for name, b in (metrics.get("beir") or {}).items():
        out.append((f"BEIR {name} nDCG@10 (hybrid / dense / BM25)", f"{b['hybrid']:.3f} / {b['dense']:.3f} / {b['bm25']:.3f}"))
    s = metrics.get("squad")
    if s:
        out.append(("SQuAD dev sentence P@1 (sanity check)", f"{s['sentence_p1']:.3f} ({s['sample']})"))
    return out


def _pct(v) -> str:
    return "?" if v is None else f"{100 * v:.0f}%"


def _question_rows(rows: list[dict], conf: dict) -> list[dict]:
    out = []
    for r in sorted(rows, key=lambda r: (not is_miss(r), r["id"])):
        c = conf.get(r["id"], {})
        quote = " | ".join(f"{t}: “{q}”" for t, q in r.get("quotes", [])) or "—"
        out.append({"id": r["id"], "verdict": "MISS" if is_miss(r) else "ok", "kind": r.get("kind", "conversation"),
                    "question": r["question"], "expected": r["expect"], "got": r["status"], "quoted": quote,
                    "gold": ", ".join(r.get("gold", [])) or "—",
                    "confidence": "" if c.get("confidence") is None else f"{c['confidence']:.2f}"})
    return out


def write(results: Path = RESULTS, assistant=None, quiet: bool = False) -> Path:
    metrics = restore_extbench(results)
    rows = _read(results / "rows.jsonl")
    from assistant.answer import load_calibration

    threshold = float(load_calibration().get("threshold", 0.5))
    conf = confidences(rows, assistant)
    table = sweep(rows, conf)
    images = plots(rows, conf, table, threshold)
    for name, data in images.items():
        (results / f"{name}.png").write_bytes(data)
    qrows = _question_rows(rows, conf)
    head = _headline(metrics)
    misses = sum(r["verdict"] == "MISS" for r in qrows)
    captions = {"threshold_sweep": "Answering vs declining as the confidence threshold moves (dashed line: the threshold in use).",
                "calibration": "Calibration: does a higher confidence mean a more often right answer?",
                "per_message": "How often questions about each message were answered from it.",
                "latency": "How long each test question took to answer."}

    e = html.escape
    parts = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Assistant evaluation report</title>",
             "<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}"
             "table{border-collapse:collapse;font-size:13px;width:100%}td,th{border:1px solid #ccc;padding:4px 6px;"
             "vertical-align:top;text-align:left}tr.miss td:first-child{background:#fdd;font-weight:bold}"
             "figure{display:inline-block;margin:0.5em}figcaption{font-size:12px;color:#555}</style></head><body>",
             "<h1>Key messages assistant: evaluation report</h1>",
             f"<p>Test split (scored many times, see README; {e(str(metrics.get('split', 'test')))}). The assistant only ever quotes the documents; "
             "this shows how often it picks the right words, and how often it rightly says it cannot answer.</p>",
             "<h2>Headline figures</h2><table>"]
    parts += [f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in head]
    parts.append("</table><h2>Plots</h2>")
    for name, data in images.items():
        parts.append(f"<figure><img alt='{e(captions[name])}' src='data:image/png;base64,{base64.b64encode(data).decode()}'>"
                     f"<figcaption>{e(captions[name])}</figcaption></figure>")
    parts.append("<h2>Threshold sweep</h2><table><tr><th>threshold</th><th>answered</th><th>answers right</th>"
                 "<th>decline precision</th><th>decline recall</th><th>answerable declined</th></tr>")
    for r in table[::5] if len(table) > 11 else table:
        parts.append("<tr>" + "".join(f"<td>{e(str(r[k]))}</td>" for k in ("threshold", "answered", "answered_right",
                     "decline_precision", "decline_recall", "answerable_declined")) + "</tr>")
    parts.append(f"</table><h2>Every test question ({misses} misses first)</h2><table><tr><th></th><th>id</th><th>kind</th>"
                 "<th>question</th><th>expected</th><th>got</th><th>quoted</th><th>gold message</th><th>confidence</th></tr>")
    for r in qrows:
        cls = " class='miss'" if r["verdict"] == "MISS" else ""
        parts.append(f"<tr{cls}>" + "".join(f"<td>{e(r[k])}</td>" for k in ("verdict", "id", "kind", "question", "expected",
                     "got", "quoted", "gold", "confidence")) + "</tr>")
    parts.append("</table></body></html>")
    out = results / "report.html"
    out.write_text("".join(parts), encoding="utf-8")

    md = ["# Key messages assistant: evaluation report", "",
          "Test split (scored many times, see README). The assistant only ever quotes the documents. Plots are embedded in report.html "
          "(the PNG files beside this one are regenerated by `make eval` and not kept in git).", "",
          "## Headline figures", "", "| figure | value |", "|---|---|"]
    md += [f"| {k} | {v} |" for k, v in head]
    md += ["", "## Plots", ""] + [f"![{captions[n]}]({n}.png)" for n in images]
    md += ["", "## Threshold sweep", "", "| threshold | answered | answers right | decline precision | decline recall | answerable declined |",
           "|---|---|---|---|---|---|"]
    md += [f"| {r['threshold']} | {r['answered']} | {r['answered_right']} | {r['decline_precision']} | {r['decline_recall']} | {r['answerable_declined']} |"
           for r in (table[::5] if len(table) > 11 else table)]
    md += ["", f"## Every test question ({misses} misses first)", "",
           "| | id | kind | question | expected | got | quoted | gold | conf |", "|---|---|---|---|---|---|---|---|---|"]
    cell = lambda s: str(s).replace("|", "\\|").replace("\n", " ")
    md += ["| " + " | ".join(cell(r[k]) for k in ("verdict", "id", "kind", "question", "expected", "got", "quoted", "gold", "confidence")) + " |"
           for r in qrows]
    (results / "report.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    if not quiet:
        print(f"report: {out} and report.md ({len(qrows)} rows, {misses} misses)")
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--results", type=Path, default=RESULTS)
    args = ap.parse_args(argv)
    if not (args.results / "rows.jsonl").exists():
        print(f"report: no {args.results / 'rows.jsonl'}; run `make eval` first")
        return 1
    write(args.results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
