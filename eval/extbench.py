"""Public benchmarks through the assistant's own retrieval code: WikiQA (answer sentence selection and
answer triggering), BEIR NFCorpus/ArguAna (nDCG@10) and SQuAD v1.1 dev (sentence retrieval).

    python -m eval.extbench [--data ../shared/extbench] [--only wikiqa,squad,beir] [--quick]

Embeddings come from the assistant's Embedder (the ONNX export of all-MiniLM-L6-v2 in index/store/onnx,
torch when that is missing), lexical scores from assistant.retrieve.tokenize + bm25s, fusion from
assistant.retrieve.fuse/scale. Everything tuned here (fusion weights, the WikiQA answer model and its
threshold) is fitted on train/dev data only; test data is only scored. The data is read in place and
never copied into the project; embeddings are cached under eval/results/.cache/ keyed by content hash.
Figures are merged into eval/results/metrics.json under "extbench"-independent top-level keys
(wikiqa, beir, squad) without touching eval/run.py's keys.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import math
import re
import sys
import time
import zipfile
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from assistant.retrieve import fuse, scale, tokenize

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "extbench"
RESULTS = ROOT / "eval" / "results"
CACHE = RESULTS / ".cache"
WEIGHTS = [round(w, 2) for w in np.arange(0.0, 1.001, 0.05)]

# Published reference figures (test sets), from the benchmark README.
PUBLISHED = {
    "wikiqa": {"CNN-Cnt (Yang et al. 2015)": {"map": 0.652, "mrr": 0.665, "trigger_f1": 0.31},
               "ABCNN (Yin et al. 2016)": {"map": 0.692, "mrr": 0.711},
               "TANDA RoBERTa-large, fine-tuned (Garg et al. 2020)": {"map": 0.920, "mrr": 0.933}},
    "beir": {"nfcorpus": {"all-MiniLM-L6-v2 (MTEB)": 0.316, "BM25 (BEIR paper)": 0.325},
             "arguana": {"all-MiniLM-L6-v2 (MTEB)": 0.502, "BM25 (BEIR paper)": 0.315}},
}


# ---------------------------------------------------------------- embeddings (the assistant's Embedder)

_EMBEDDER = None


def embedder():
    """The assistant's query embedder: the ONNX export when present, else sentence-transformers (torch)."""
    global _EMBEDDER
    if _EMBEDDER is None:
        from assistant.embed import default_model_path, make_embedder, model_name

        onnx = ROOT / "index" / "store" / "onnx"
        if (onnx / "model.onnx").exists():
            from assistant.onnx_embed import OnnxEmbedder

            _EMBEDDER = OnnxEmbedder(onnx, name=model_name(default_model_path()))
        else:
            _EMBEDDER = make_embedder("torch")
    return _EMBEDDER


_FINGERPRINT = None


def model_fingerprint() -> str:
    """What cached vectors depend on: the backend and the packaged model's weights (not its display
    name, and not the ONNX file, which a rebuild of the index re-exports)."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        from assistant.embed import default_model_path

        folder = default_model_path()
        weights = sorted(folder.glob("*.safetensors")) or sorted(folder.glob("*.bin"))
        h = hashlib.sha256()
        for path in weights:
            with open(path, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
        _FINGERPRINT = f"{type(embedder()).__name__}:{h.hexdigest()}"
    return _FINGERPRINT


def embed(texts: list[str], label: str = "", cache: bool = True) -> np.ndarray:
    """Unit vectors for texts, cached by a hash of the model name and the texts themselves.
    Texts are embedded shortest first so each batch pads little, then put back in order."""
    model = embedder()
    key = hashlib.sha256((model_fingerprint() + "\x00" + "\x1f".join(texts)).encode()).hexdigest()[:24]
    path = CACHE / f"{label or 'emb'}-{key}.npy" if cache else None
    if path and path.exists():
        return np.load(path)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), model.dim), dtype=np.float32)
    started, done = time.perf_counter(), 0
    for i in range(0, len(order), 64):
        rows = order[i:i + 64]
        out[rows] = model.embed([texts[j] for j in rows])
        done += len(rows)
        if done % 1024 < 64 and len(texts) > 2000:
            print(f"  embedding {label}: {done}/{len(texts)} ({done / (time.perf_counter() - started):.0f}/s)",
                  file=sys.stderr, flush=True)
    if path:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, out)
    return out


# ---------------------------------------------------------------- lexical (the assistant's tokenizer + bm25s)

def stems(text: str) -> list[str]:
    """The assistant's BM25 tokens (English stop words removed, Snowball stems) for one text."""
    tokens = tokenize([text])
    inv = {v: k for k, v in tokens.vocab.items()}
    return [inv[i] for i in tokens.ids[0] if inv[i]]


def bm25_scores(docs: list[list[str]], queries: list[list[str]], k1: float = 1.5, b: float = 0.75) -> list[np.ndarray]:
    """BM25 over a small candidate set (one WikiQA question's sentences), with bm25s for each set."""
    import bm25s

    bm = bm25s.BM25(k1=k1, b=b)
    bm.index(docs if any(docs) else [["_"]], show_progress=False)
    return [bm.get_scores(q) if q else np.zeros(len(docs)) for q in queries]


class Bm25Index:
    """bm25s over a whole corpus, fed with the assistant's tokenizer."""

    def __init__(self, texts: list[str]):
        import bm25s

        self.tokens = tokenize(texts)
        self.bm = bm25s.BM25()
        self.bm.index(self.tokens, show_progress=False)
        self.vocab = self.tokens.vocab
        self.n = len(texts)

    def scores(self, query: str) -> np.ndarray:
        words = [w for w in stems(query) if w in self.vocab]
        return self.bm.get_scores(words) if words else np.zeros(self.n, dtype=np.float32)


# ---------------------------------------------------------------- metrics

def average_precision(labels: list[int]) -> float:
    """labels in ranked order; AP = mean precision at each relevant rank (trec_eval's map)."""
    hits, total = 0, 0.0
    for i, rel in enumerate(labels, 1):
        if rel:
            hits += 1
            total += hits / i
    return total / hits if hits else 0.0


def reciprocal_rank(labels: list[int]) -> float:
    return next((1 / i for i, rel in enumerate(labels, 1) if rel), 0.0)


def ndcg_at(ranked: list[str], rels: dict[str, int], k: int = 10) -> float:
    """nDCG@k with linear gains, as pytrec_eval / BEIR compute it."""
    dcg = sum(rels.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((r for r in rels.values() if r > 0), reverse=True)[:k]
    idcg = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / idcg if idcg > 0 else 0.0


def prf(answered_correct: int, answered: int, positives: int) -> dict:
    p = answered_correct / answered if answered else 0.0
    r = answered_correct / positives if positives else 0.0
    return {"precision": round(p, 4), "recall": round(r, 4), "f1": round(2 * p * r / (p + r) if p + r else 0.0, 4)}


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# ---------------------------------------------------------------- WikiQA

def load_wikiqa(folder: Path, split: str) -> list[dict]:
    """Questions in file order, each with its candidate sentences and labels."""
    out, by_id = [], {}
    with open(folder / f"WikiQA-{split}.tsv", encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        assert header[:2] == ["QuestionID", "Question"], header
        for line in f:
            qid, question, doc_id, title, sid, sentence, label = line.rstrip("\n").split("\t")
            if qid not in by_id:
                by_id[qid] = {"qid": qid, "question": question, "title": title, "sentences": [], "labels": []}
                out.append(by_id[qid])
            by_id[qid]["sentences"].append(sentence)
            by_id[qid]["labels"].append(int(label))
    return out


def filtered_questions(folder: Path, split: str) -> set[int]:
    """0-based positions (file order) of the questions in WikiQA-<split>-filtered.ref."""
    with open(folder / f"WikiQA-{split}-filtered.ref") as f:
        return {int(line.split()[0]) - 1 for line in f if line.strip()}


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


_YEAR = re.compile(r"\b(1[0-9]{3}|20[0-9]{2})\b")
_NUMBER = re.compile(r"\d")
_CAPS = re.compile(r"(?<!^)(?<![.!?] )\b[A-Z][a-z]+")
_DEFN = re.compile(r"\b(is|was|are|were) (a|an|the)\b|\brefers? to\b", re.I)
WIKIQA_FEATURES = ("dense", "bm25", "bm25_raw", "overlap", "idf_overlap", "dense_gap", "bm25_gap", "dense_rank1",
                   "first", "position", "length", "when_year", "number_match", "who_caps", "what_defn",
                   "title_in_q", "n_candidates", "dense_z", "idf_overlap_non_title", "bigram_overlap", "title_in_s")


def question_kind(q: str) -> str:
    q = q.lower()
    for kind, pattern in (("number", r"\bhow (many|much|long|old|far|big|tall|large)\b"), ("when", r"\bwhen\b|\bwhat year\b|\bwhat date\b"),
                          ("who", r"\bwho\b"), ("where", r"\bwhere\b"), ("why", r"\bwhy\b"), ("what", r"\bwhat\b|\bdefine\b")):
        if re.search(pattern, q):
            return kind
    return "other"


class WikiQASplit:
    """One split's questions with per-candidate features: dense cosine from the assistant's embedder,
    BM25 from bm25s over all the split's sentences with the assistant's tokenizer, and simple cues."""

    def __init__(self, folder: Path, split: str):
        self.split = split
        self.questions = load_wikiqa(folder, split)
        sentences = [s for q in self.questions for s in q["sentences"]]
        qv = embed([q["question"] for q in self.questions], f"wikiqa-{split}-q")
        sv = embed(sentences, f"wikiqa-{split}-s")
        bm = Bm25Index(sentences)
        sent_stems = [set(stems(s)) for s in sentences]
        df = Counter(w for st in sent_stems for w in st)
        n_docs = len(sentences)
        idf = lambda w: math.log(1 + n_docs / (1 + df[w]))
        self.rows, row = [], 0  # per question: (features matrix, labels)
        for i, q in enumerate(self.questions):
            n = len(q["sentences"])
            span = slice(row, row + n)
            dense = sv[span] @ qv[i]
            raw = bm.scores(q["question"])[span].astype(np.float64)
            lex = scale(raw)
            qs = set(stems(q["question"]))
            kind = question_kind(q["question"])
            title_stems = set(stems(q["title"]))
            title_in_q = float(bool(title_stems & qs))
            q_rest = qs - title_stems  # the words that tell apart sentences that are all about the title
            q_list = stems(q["question"])
            q_bigrams = set(zip(q_list, q_list[1:]))
            sd = dense.std() or 1.0
            feats = []
            for j, text in enumerate(q["sentences"]):
                have = sent_stems[row + j]
                other_dense = np.delete(dense, j)
                other_lex = np.delete(lex, j)
                feats.append([
                    dense[j], lex[j], math.log1p(raw[j]),
                    len(qs & have) / len(qs) if qs else 0.0,
                    sum(idf(w) for w in qs & have) / (sum(idf(w) for w in qs) or 1.0),
                    dense[j] - (other_dense.max() if n > 1 else 0.0),
                    lex[j] - (other_lex.max() if n > 1 else 0.0),
                    float(dense[j] >= dense.max()),
                    float(j == 0), 1 / (1 + j), math.log1p(len(text.split())),
                    float(kind == "when" and bool(_YEAR.search(text))),
                    float(kind == "number" and bool(_NUMBER.search(text))),
                    float(kind == "who" and bool(_CAPS.search(text))),
                    float(kind == "what" and bool(_DEFN.search(text))),
                    title_in_q, math.log(n),
                    (dense[j] - dense.mean()) / sd,
                    sum(idf(w) for w in q_rest & have) / (sum(idf(w) for w in q_rest) or 1.0),
                    len(q_bigrams & set(zip(s_list := stems(text), s_list[1:]))) / (len(q_bigrams) or 1),
                    float(bool(title_stems & have)),
                ])
            self.rows.append((np.array(feats, dtype=np.float64), np.array(q["labels"])))
            row += n

    def matrix(self) -> tuple[np.ndarray, np.ndarray]:
        return np.vstack([f for f, _ in self.rows]), np.concatenate([y for _, y in self.rows])


def wikiqa_scores(split: WikiQASplit, system) -> list[np.ndarray]:
    """Per question, a score per candidate: `system` maps a feature matrix to scores."""
    return [system(f) for f, _ in split.rows]


def selection(split: WikiQASplit, scores: list[np.ndarray], keep: set[int] | None = None) -> dict:
    """MAP and MRR over the questions in `keep` (the official filtered set), ties broken by file order."""
    aps, rrs = [], []
    for i, ((_, y), s) in enumerate(zip(split.rows, scores)):
        if keep is not None and i not in keep:
            continue
        ranked = [int(y[j]) for j in np.argsort(-s, kind="stable")]
        aps.append(average_precision(ranked))
        rrs.append(reciprocal_rank(ranked))
    return {"map": round(float(np.mean(aps)), 4), "mrr": round(float(np.mean(rrs)), 4), "questions": len(aps)}


def triggering(split: WikiQASplit, scores: list[np.ndarray], threshold: float) -> dict:
    """Question-level answer triggering over every question: answer with the top candidate when its
    score ≥ threshold; a hit is an answered question whose top candidate is correct."""
    answered = correct = positives = 0
    for (_, y), s in zip(split.rows, scores):
        positives += int(y.any())
        top = int(np.argmax(s))
        if s[top] >= threshold:
            answered += 1
            correct += int(y[top] == 1)
    return {**prf(correct, answered, positives), "threshold": round(float(threshold), 4), "answered": answered,
            "questions": len(split.rows)}


def best_threshold(split: WikiQASplit, scores: list[np.ndarray]) -> float:
    """The threshold that maximises trigger F1 on this (train/dev) split."""
    tops = np.array([float(s.max()) for s in scores])
    right = np.array([float(y[int(np.argmax(s))] == 1) for (_, y), s in zip(split.rows, scores)])
    positives = sum(int(y.any()) for _, y in split.rows)
    order = np.argsort(-tops, kind="stable")  # answering the k most confident questions, k = 1..n
    answered = np.arange(1, len(order) + 1)
    correct = np.cumsum(right[order])
    f1 = 2 * correct / (answered + positives)  # 2PR/(P+R) with P = c/answered, R = c/positives
    last_of_tie = np.r_[tops[order][1:] != tops[order][:-1], True]  # a threshold answers all of a tie
    best = int(np.argmax(np.where(last_of_tie, f1, -1)))
    return float(tops[order][best])


def _standardiser(x: np.ndarray):
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd == 0] = 1.0
    return lambda m: (m - mu) / sd


def _trigger_features(f: np.ndarray, p: np.ndarray) -> list[float]:
    """Question-level evidence about the top candidate: its probability, its lead over the runner-up,
    its raw dense and BM25 evidence, its word coverage."""
    order = np.argsort(-p, kind="stable")
    top, second = order[0], (order[1] if len(order) > 1 else order[0])
    return [p[top], p[top] - (p[second] if len(order) > 1 else 0.0), f[top, 0], f[top, 2], f[top, 4], f[top, 5], f[:, 0].mean(),
            f[top, 18], p.sum()]


def run_wikiqa(folder: Path, fit_logistic) -> dict:
    t0 = time.perf_counter()
    train, dev, test = (WikiQASplit(folder, s) for s in ("train", "dev", "test"))
    keep_dev, keep_test = filtered_questions(folder, "dev"), filtered_questions(folder, "test")
    print(f"WikiQA: features for {len(train.rows)}/{len(dev.rows)}/{len(test.rows)} questions in {time.perf_counter() - t0:.0f}s")
    systems = {}

    # the naive baseline: cosine of all-MiniLM-L6-v2 vectors; and BM25 alone (log of the raw score)
    systems["dense (cosine, all-MiniLM-L6-v2)"] = lambda f: f[:, 0]
    systems["bm25"] = lambda f: f[:, 2]
    # the assistant's fusion rule, weight chosen on train+dev MAP (filtered questions only)
    train_keep = {i for i, (_, y) in enumerate(train.rows) if y.any() and not y.all()}
    def fusion_map(w):
        system = lambda f, w=w: fuse(f[:, 0], f[:, 1], w)
        return selection(train, wikiqa_scores(train, system), train_keep)["map"] + selection(dev, wikiqa_scores(dev, system), keep_dev)["map"]
    w_fuse = max(WEIGHTS, key=fusion_map)
    systems[f"hybrid fuse() (w={w_fuse})"] = lambda f: fuse(f[:, 0], f[:, 1], w_fuse)

    # features combined by logistic regression fitted on the train split's sentence pairs
    x, y = train.matrix()
    norm = _standardiser(x)
    w_lr = fit_logistic(norm(x), y.astype(float), l2=0.001, steps=3000)
    lr = lambda f: sigmoid(np.hstack([norm(f), np.ones((len(f), 1))]) @ w_lr)
    systems["hybrid + features (logistic, train)"] = lr

    # a second, question-level model for triggering: P(top candidate is right), also fitted on train
    qx = np.array([_trigger_features(f, lr(f)) for f, _ in train.rows])
    qy = np.array([float(yy[int(np.argmax(lr(f)))] == 1) for f, yy in train.rows])
    qnorm = _standardiser(qx)
    w_q = fit_logistic(qnorm(qx), qy, l2=0.001, steps=3000)
    def trigger_model(f):
        p = lr(f)
        conf = sigmoid(np.r_[qnorm(np.array([_trigger_features(f, p)]))[0], 1.0] @ w_q)
        return p - p.max() + conf  # the same ranking, shifted so the top candidate's score is the confidence
    systems["hybrid + features + trigger model"] = trigger_model

    # thresholds on train + dev pooled: dev alone has only 126 answerable questions, too few to place one well
    pooled = WikiQASplit.__new__(WikiQASplit)
    pooled.rows = train.rows + dev.rows
    out = {}
    for name, system in systems.items():
        dev_scores, test_scores = wikiqa_scores(dev, system), wikiqa_scores(test, system)
        t = best_threshold(pooled, wikiqa_scores(pooled, system))
        out[name] = {"dev": {**selection(dev, dev_scores, keep_dev), "trigger": triggering(dev, dev_scores, t)},
                     "test": {**selection(test, test_scores, keep_test), "trigger": triggering(test, test_scores, t)}}
    # the reported system: of the hybrids, the one with the best dev MAP + dev trigger F1 (never test)
    hybrids = [n for n in out if n.startswith("hybrid")]
    chosen = max(hybrids, key=lambda n: out[n]["dev"]["map"] + out[n]["dev"]["trigger"]["f1"])
    base = out["dense (cosine, all-MiniLM-L6-v2)"]["test"]
    pick = out[chosen]["test"]
    return {
        "map": pick["map"], "mrr": pick["mrr"], "trigger_f1": pick["trigger"]["f1"],
        "trigger_precision": pick["trigger"]["precision"], "trigger_recall": pick["trigger"]["recall"],
        "system": chosen, "fusion_weight": w_fuse,
        "baseline": {"system": "dense (cosine, all-MiniLM-L6-v2), threshold tuned on train+dev", "map": base["map"], "mrr": base["mrr"],
                     "trigger_f1": base["trigger"]["f1"]},
        "bm25": {"map": out["bm25"]["test"]["map"], "mrr": out["bm25"]["test"]["mrr"], "trigger_f1": out["bm25"]["test"]["trigger"]["f1"]},
        "systems": out, "features": list(WIKIQA_FEATURES),
        "logistic_weights": {n: round(float(v), 4) for n, v in zip(list(WIKIQA_FEATURES) + ["bias"], w_lr)},
        "protocol": "MAP/MRR over the 237 questions of WikiQA-test-filtered.ref; trigger P/R/F1 over all 633 test questions. "
                    "Fusion weight chosen on train+dev MAP, logistic models fitted on train, trigger thresholds chosen on "
                    "train+dev pooled, the reported system chosen on dev; test only scored.",
        "seconds": round(time.perf_counter() - t0, 1),
    }


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
        from .calibrate import fit_logistic

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
