"""SQuAD v1.1 dev: sentence retrieval within each article."""

from __future__ import annotations

import json
import time
import zipfile
from pathlib import Path

import numpy as np

from assistant.retrieve import fuse, scale

from .ext_common import Bm25Index, embed


# ---------------------------------------------------------------- SQuAD

def run_squad(zip_path: Path, weight: float, limit: int | None = None) -> dict:
    """Sentence retrieval within each article: the article's paragraphs split into sentences with the
    assistant's splitter; the gold sentence holds the first answer's answer_start. Paragraphs are ranked
    by their best sentence, as the assistant ranks messages."""
    from assistant.corpus import split_sentences

    t0 = time.perf_counter()
    with zipfile.ZipFile(zip_path) as z:
        data = json.loads(z.read(z.namelist()[0]))["data"]
    articles, taken = [], 0
    for art in data:
        if limit is not None and taken >= limit:
            break
        sents, owner, qs = [], [], []
        for p, para in enumerate(art["paragraphs"]):
            base = len(sents)
            spans = split_sentences(para["context"])
            sents += [s.text for s in spans]
            owner += [p] * len(spans)
            for qa in para["qas"]:
                if limit is not None and taken >= limit:
                    break
                at = qa["answers"][0]["answer_start"]
                gold = base + max([k for k, s in enumerate(spans) if s.start <= at] or [0])
                qs.append((qa["question"], p, gold))
                taken += 1
        articles.append((sents, owner, qs))
    all_sents = [s for a in articles for s in a[0]]
    all_qs = [q for a in articles for q in a[2]]
    sv = embed(all_sents, "squad-s")
    qv = embed([q for q, _, _ in all_qs], "squad-q")
    systems = {"dense": 1.0, "bm25": 0.0, "hybrid": weight}
    tally = {k: {"p1": [], "mrr": [], "para1": [], "para5": []} for k in systems}
    row, qrow = 0, 0
    for sents, owner, qs in articles:
        vecs = sv[row:row + len(sents)]
        bm = Bm25Index(sents)
        owner = np.array(owner)
        for question, para, gold in qs:
            dense = vecs @ qv[qrow]
            lex = scale(bm.scores(question).astype(np.float32))
            qrow += 1
            for name, w in systems.items():
                s = fuse(dense, lex, w)
                order = np.argsort(-s, kind="stable")
                rank = int(np.where(order == gold)[0][0]) + 1
                para_best = {}
                for i in order:
                    para_best.setdefault(int(owner[i]), len(para_best) + 1)
                t = tally[name]
                t["p1"].append(rank == 1)
                t["mrr"].append(1 / rank)
                t["para1"].append(para_best[para] == 1)
                t["para5"].append(para_best[para] <= 5)
        row += len(sents)
    out = {name: {"sentence_p1": round(float(np.mean(t["p1"])), 4), "sentence_mrr": round(float(np.mean(t["mrr"])), 4),
                  "paragraph_hit1": round(float(np.mean(t["para1"])), 4), "paragraph_hit5": round(float(np.mean(t["para5"])), 4)}
           for name, t in tally.items()}
    return {**out["hybrid"], "systems": out, "weight": weight, "questions": len(all_qs), "articles": len(articles),
            "sample": f"first {limit} questions" if limit else "all questions",
            "note": "all-MiniLM-L6-v2 was trained on SQuAD train pairs: a sanity check, not a fair test",
            "seconds": round(time.perf_counter() - t0, 1)}
