"""Public benchmarks through the assistant's own retrieval code: WikiQA (answer sentence selection and
answer triggering), BEIR NFCorpus/ArguAna (nDCG@10) and SQuAD v1.1 dev (sentence retrieval).

    python -m eval.extbench [--data ../shared/extbench] [--only wikiqa,squad,beir] [--quick]

Embeddings come from the assistant's Embedder (the ONNX export of all-MiniLM-L6-v2 in index/store/onnx,
torch when that is missing), lexical scores from assistant.retrieve.terms + bm25s, fusion from
assistant.retrieve.fuse/scale. Everything tuned here (fusion weights, the WikiQA answer model and its
threshold) is fitted on train/dev data only; test data is only scored. The data is read in place and
never copied into the project; embeddings are cached under eval/results/.cache/ keyed by content hash.
Figures are merged into eval/results/metrics.json under "extbench"-independent top-level keys
(wikiqa, beir, squad) without touching eval/run.py's keys.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from assistant.retrieve import fuse, scale, terms  # noqa: F401  (the fusion the benchmarks use, for tests)

# the shared helpers and each benchmark's code, re-exported so `from eval import extbench` keeps working
from .ext_beir import load_beir, run_beir  # noqa: F401
from .ext_common import (  # noqa: F401
    CACHE, PUBLISHED, RESULTS, ROOT, WEIGHTS, Bm25Index, average_precision, bm25_scores, embed, embedder,
    model_fingerprint, ndcg_at, prf, reciprocal_rank, sigmoid, stems,
)
from .ext_squad import run_squad  # noqa: F401
from .ext_wikiqa import (  # noqa: F401
    WIKIQA_FEATURES, WikiQASplit, best_threshold, filtered_questions, load_wikiqa, question_kind, run_wikiqa,
    selection, triggering, wikiqa_scores,
)

DEFAULT_DATA = ROOT.parent / "shared" / "extbench"


# ---------------------------------------------------------------- main

def merge_metrics(update: dict, path: Path | None = None) -> None:
    """Merge benchmark keys into metrics.json (eval/run.py's keys are kept) and keep a copy in
    extbench.json, which eval/report.py merges back after a later `make eval` rewrites metrics.json."""
    path = path or RESULTS / "metrics.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(path.read_text()) if path.exists() else {}
    current.update(update)
    path.write_text(json.dumps(current, indent=2) + "\n")
    side = path.parent / "extbench.json"
    kept = json.loads(side.read_text()) if side.exists() else {}
    kept.update(update)
    side.write_text(json.dumps(kept, indent=2) + "\n")


def _print_wikiqa(m: dict) -> None:
    print("\nWikiQA test: sentence selection (237 filtered questions) and answer triggering (633 questions)")
    print(f"  {'system':<44}{'MAP':>7}{'MRR':>7}{'trig P':>8}{'trig R':>8}{'trig F1':>8}")
    for name, r in m["systems"].items():
        t = r["test"]["trigger"]
        mark = " *" if name == m["system"] else ""
        print(f"  {name + mark:<44}{r['test']['map']:>7.3f}{r['test']['mrr']:>7.3f}{t['precision']:>8.3f}{t['recall']:>8.3f}{t['f1']:>8.3f}")
    for name, r in PUBLISHED["wikiqa"].items():
        f1 = f"{r['trigger_f1']:>24.2f}" if "trigger_f1" in r else ""
        print(f"  {'published: ' + name:<44}{r['map']:>7.3f}{r['mrr']:>7.3f}{f1}")
    print("  (* the reported system, chosen on dev; thresholds on train+dev, models fitted on train)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the extbench folder (default: <repo>/../shared/extbench)")
    ap.add_argument("--only", default="wikiqa,beir,squad", help="comma-separated: wikiqa,beir,squad (or nfcorpus / arguana alone)")
    ap.add_argument("--quick", action="store_true", help="SQuAD on its first 2,000 questions")
    ap.add_argument("--no-write", action="store_true", help="print only; leave eval/results alone")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"extbench: no benchmark data at {args.data}; skipping (pass --data PATH)")
        return 0
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    if "beir" in only:
        only |= {"nfcorpus", "arguana"}
    unknown = only - {"wikiqa", "beir", "squad", "nfcorpus", "arguana"}
    if unknown:
        ap.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")
    results = {}
    if "wikiqa" in only and (args.data / "wikiqa").is_dir():
        from .forest import fit_logistic

        results["wikiqa"] = run_wikiqa(args.data / "wikiqa", fit_logistic)
        _print_wikiqa(results["wikiqa"])
    if only & {"nfcorpus", "arguana"} and (args.data / "beir").is_dir():
        beir = {}
        nf = args.data / "beir" / "nfcorpus.zip"
        if nf.exists() and "nfcorpus" in only:
            beir["nfcorpus"] = run_beir(nf)
        ag = args.data / "beir" / "arguana.zip"
        if ag.exists() and "arguana" in only:  # ArguAna has no dev qrels: it takes the weight chosen on NFCorpus dev
            w = beir["nfcorpus"]["weight"] if "nfcorpus" in beir else 0.5
            beir["arguana"] = run_beir(ag, weight=w)
            beir["arguana"]["weight_chosen_on"] = "NFCorpus dev qrels" if "nfcorpus" in beir else "fixed 0.5"
        print("\nBEIR nDCG@10 (test)")
        for name, r in beir.items():
            pub = ", ".join(f"{k} {v:.3f}" for k, v in r["published"].items())
            print(f"  {name:<10} dense {r['dense']:.3f}  bm25 {r['bm25']:.3f}  hybrid {r['hybrid']:.3f} "
                  f"(w={r['weight']}, from {r['weight_chosen_on']})   published: {pub}")
        saved = json.loads((RESULTS / "extbench.json").read_text()).get("beir", {}) if (RESULTS / "extbench.json").exists() else {}
        results["beir"] = {**saved, **beir}  # one dataset at a time keeps the other's figures
    if "squad" in only and (args.data / "squad" / "dev-v1.1.json.zip").exists():
        from assistant.answer import load_calibration

        w = float(load_calibration().get("sentence_weight", 0.7))
        w = float(load_calibration().get("dense_weight", w))
        sq = run_squad(args.data / "squad" / "dev-v1.1.json.zip", weight=w, limit=2000 if args.quick else None)
        print(f"\nSQuAD v1.1 dev sentence retrieval within each article ({sq['sample']}, {sq['questions']} questions; "
              f"hybrid weight {w} = the assistant's calibrated dense weight, not tuned on SQuAD)")
        for name, r in sq["systems"].items():
            print(f"  {name:<8} sentence P@1 {r['sentence_p1']:.3f}  MRR {r['sentence_mrr']:.3f}  "
                  f"paragraph hit@1 {r['paragraph_hit1']:.3f}  hit@5 {r['paragraph_hit5']:.3f}")
        results["squad"] = sq
    if results and not args.no_write:
        merge_metrics(results)
        print(f"\nwrote {RESULTS / 'metrics.json'} ({', '.join(results)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
