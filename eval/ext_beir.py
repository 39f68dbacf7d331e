"""BEIR NFCorpus/ArguAna: nDCG@10 of dense, BM25 and their fuse()/scale() hybrid."""

from __future__ import annotations

import csv
import io
import json
import time
import zipfile
from collections import defaultdict
from pathlib import Path

import numpy as np

from assistant.retrieve import fuse, scale

from .ext_common import PUBLISHED, WEIGHTS, Bm25Index, embed, ndcg_at


# ---------------------------------------------------------------- BEIR

def load_beir(zip_path: Path) -> dict:
    """corpus ids/texts (title + " " + text, as BEIR's sentence-transformers runs do), queries, qrels."""
    name = zip_path.stem
    with zipfile.ZipFile(zip_path) as z:
        def lines(member):
            return z.read(f"{name}/{member}").decode("utf-8").splitlines()

        corpus = [json.loads(line) for line in lines("corpus.jsonl") if line.strip()]
        queries = {q["_id"]: q["text"] for q in (json.loads(line) for line in lines("queries.jsonl") if line.strip())}
        qrels = {}
        for split in ("dev", "test"):
            if f"{name}/qrels/{split}.tsv" not in z.namelist():
                continue
            table = defaultdict(dict)
            for row in csv.reader(io.StringIO("\n".join(lines(f"qrels/{split}.tsv")[1:])), delimiter="\t"):
                table[row[0]][row[1]] = int(row[2])
            qrels[split] = dict(table)
    ids = [d["_id"] for d in corpus]
    texts = [(d.get("title", "") + " " + d.get("text", "")).strip() for d in corpus]
    return {"name": name, "ids": ids, "texts": texts, "queries": queries, "qrels": qrels}


# ---------------------------------------------------------------- BEIR runs

def run_beir(zip_path: Path, weight: float | None = None, quick: bool = False) -> dict:
    """nDCG@10 of dense (cosine), BM25 and their fuse()/scale() hybrid. With `weight` None the weight is
    chosen on the dataset's dev qrels; the test qrels are only scored."""
    t0 = time.perf_counter()
    b = load_beir(zip_path)
    name = b["name"]
    splits = {s: b["qrels"][s] for s in ("dev", "test") if s in b["qrels"]}
    qids = sorted({q for table in splits.values() for q in table if q in b["queries"]})
    qv = dict(zip(qids, embed([b["queries"][q] for q in qids], f"{name}-q")))
    dv = embed(b["texts"], f"{name}-corpus")
    bm = Bm25Index(b["texts"])
    pos = {d: i for i, d in enumerate(b["ids"])}
    drop_self = name == "arguana"  # BEIR drops the query's own argument from its results
    cache = {}

    def evidence(q):
        if q not in cache:
            dense = dv @ qv[q]
            raw = bm.scores(b["queries"][q]).astype(np.float32)
            own = pos.get(q) if drop_self else None
            if own is not None:  # before scaling, so the query's own text doesn't set the scale
                raw[own] = 0.0
            cache[q] = (dense, scale(raw), own)
        return cache[q]

    def ndcg(split, w):
        vals = []
        for q, rels in splits[split].items():
            if q not in qv:
                continue
            dense, lex, own = evidence(q)
            s = fuse(dense, lex, w)
            if own is not None:
                s[own] = -np.inf
            top = np.argpartition(-s, 10)[:10]
            top = top[np.argsort(-s[top], kind="stable")]
            vals.append(ndcg_at([b["ids"][i] for i in top], rels))
        return round(float(np.mean(vals)), 4)

    chosen_on = "given"
    if weight is None and "dev" in splits:
        weight = max(WEIGHTS, key=lambda w: (ndcg("dev", w), -abs(w - 0.5)))
        chosen_on = "dev qrels"
    out = {"dense": ndcg("test", 1.0), "bm25": ndcg("test", 0.0), "hybrid": ndcg("test", weight),
           "weight": weight, "weight_chosen_on": chosen_on, "queries": len(splits["test"]), "docs": len(b["ids"]),
           "published": PUBLISHED["beir"].get(name, {}), "seconds": round(time.perf_counter() - t0, 1)}
    if "dev" in splits:
        out["dev"] = {"dense": ndcg("dev", 1.0), "bm25": ndcg("dev", 0.0), "hybrid": ndcg("dev", weight)}
    return out
