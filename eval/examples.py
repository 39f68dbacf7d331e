"""The answer model's training examples (eval/calibrate.py fits on them): one record per source, a feature row
per candidate sentence with its labels, and each question's out-of-fold fold; and the two WikiQA train sources,
its pages cut into sections and searched as a corpus, and each question searched within its own page."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.answer import Reranker, candidates

from .foreign import contains_answer, contains_span, indexed, nf_title

FOLDS = 5


def fold_of(key: str) -> int:
    """A question's out-of-fold fold, from a hash of its id: the same in every run and every source (a WikiQA
    question asked of the sections and within its page is held out of both at once), and adding or removing a
    question moves no other question to another fold."""
    return int.from_bytes(hashlib.sha1(key.encode("utf-8")).digest()[:4], "big") % FOLDS


@dataclass
class Examples:
    """One source's examples: a feature row per candidate, its label, and which question it belongs to."""
    x: list[np.ndarray] = field(default_factory=list)
    y: list[np.ndarray] = field(default_factory=list)  # per candidate: the sentence answers
    section: list[np.ndarray] = field(default_factory=list)  # per candidate: its section (message) holds an answer
    kind: list[str] = field(default_factory=list)  # per question: answerable, absent, no_answer, out_of_scope
    one_message: list[bool] = field(default_factory=list)  # per question: every candidate is from one message
    fold: list[int] = field(default_factory=list)  # per question: fold_of(its id)

    def add(self, key: str, x: np.ndarray, y: np.ndarray, section: np.ndarray, kind: str, cands) -> None:
        if len(x):
            self.x.append(x)
            self.y.append(y)
            self.section.append(section)
            self.kind.append(kind)
            self.one_message.append(len({c.message.id for c in cands}) == 1)
            self.fold.append(fold_of(key))


@dataclass(frozen=True)
class Rerankers:
    """Which reranker a question's features are computed with. A question the reranker was fitted on gets the one
    fitted without its fold (cross-fitting: the trees must learn how far to trust the reranker's logit on questions it
    has never seen, not on ones it learned); every other question gets the one fitted on everything, as served."""
    served: Reranker | None
    without_fold: tuple[Reranker, ...] = ()  # FOLDS of them, or none when no question here was fitted on

    def of(self, key: str) -> Reranker | None:
        return self.without_fold[fold_of(key)] if self.without_fold else self.served


def subset(ex: Examples, keep) -> Examples:
    """The questions of `ex` whose fold passes keep(fold)."""
    idx = [i for i in range(len(ex.x)) if keep(ex.fold[i])]
    return Examples([ex.x[i] for i in idx], [ex.y[i] for i in idx], [ex.section[i] for i in idx], [ex.kind[i] for i in idx],
                    [ex.one_message[i] for i in idx], [ex.fold[i] for i in idx])


def wikiqa_page_examples(rows: list[dict], rerankers: Rerankers = Rerankers(None)) -> Examples:
    """WikiQA train (`rows`) asked within each question's own page (every sentence of it: how the assistant
    searches a message a person names, and the WikiQA protocol), the half of the pages foreign.indexed() picks."""
    from .ext_wikiqa_model import page_corpus

    r = page_corpus(rows, "wikiqa-train-index", half=True)
    by_title = {m.title: m.id for m in r.messages}
    page = Examples()
    for row in rows:
        if indexed(row["title"]) and row["title"] in by_title:
            gold = [s for s, y in zip(row["sentences"], row["labels"]) if y]
            cands, x = candidates(r.search(row["question"], k=1, only={by_title[row["title"]]}), r.corpus, limit=None,
                                  reranker=rerankers.of(f"wikiqa:{row['qid']}"))
            y = np.array([float(bool(gold) and contains_answer(c.sentence.text, gold)) for c in cands])
            page.add(f"wikiqa:{row['qid']}", x, y, y, "answerable" if gold else "no_answer", cands)  # in a page, the sentence is the section
    return page


# Sentences per section when WikiQA train's pages are cut into sections (wikiqa_section_examples). Chosen on
# WikiQA dev pages (eval.foreign --split dev, whole and cut in threes) and the key-message dev split against
# the whole pages this source replaced (2026-11-30: top quote 0.594 -> 0.641 and 0.484 -> 0.547; answered
# 0.953 -> 0.984 and 0.875 -> 0.969; absent declined 0.986 -> 0.918 and 0.993 -> 0.973; key messages the same).
SECTION = 3


def wikiqa_section_examples(rows: list[dict], rerankers: Rerankers = Rerankers(None),
                            cache: str = f"wikiqa-train-sections{SECTION}") -> Examples:
    """WikiQA train (`rows`) asked of a corpus of half of its pages (by title hash; the rest are absent topics), each
    page cut into sections of SECTION sentences: a long document's sections, where the section that answers
    leads its neighbours by little, so small margins are no sign of a question the documents do not answer
    (fitted on whole pages, the model declined a quarter of the questions about an encyclopedia's sections).
    Questions whose page is indexed give positives (the sentences WikiQA marks correct) and hard negatives;
    a candidate's section answers when it holds a correct sentence."""
    from .ext_wikiqa_model import page_corpus

    r = page_corpus(rows, cache, half=True, section=SECTION)
    out = Examples()
    for row in rows:
        result = r.search(row["question"], k=10)
        cands, x = candidates(result, r.corpus, reranker=rerankers.of(f"wikiqa:{row['qid']}"))
        gold = [s for s, y in zip(row["sentences"], row["labels"]) if y]
        present = indexed(row["title"])
        y = np.array([float(present and bool(gold) and contains_answer(c.sentence.text, gold)) for c in cands])
        holds = {c.message.id for c, v in zip(cands, y) if v} | {
            c.message.id for c in cands if present and gold and c.message.title.startswith(row["title"])
            and any(contains_answer(t.text, gold) for t in c.message.sentences)}
        section = np.array([float(c.message.id in holds) for c in cands])
        out.add(f"wikiqa:{row['qid']}", x, y, section, "absent" if not present else "answerable" if gold else "no_answer", cands)
    return out


READ = Path(__file__).resolve().parent / "data" / "read"


def read_files(split: str) -> list[Path]:
    """The read-and-ask files written on WikiQA's `split` pages, one an author (wikiqa-train-C.jsonl is C's)."""
    return sorted(READ.glob(f"wikiqa-{split}-*.jsonl"))


def read_rows(wikiqa: Path, split: str = "train") -> list[dict]:
    """Read-and-ask questions (eval/data/read/wikiqa-<split>-<author>.jsonl) as WikiQA rows over the WikiQA pages
    they were written on. A person read a page and asked about a detail of it in their own words: the kind of
    question SQuAD has and WikiQA's search-engine queries mostly lack (those are about a page's subject and
    answered by its first sentences, so a model fitted on them alone quotes a page's opening sentence whatever
    detail is asked). The files hold the question, the page's title and the answering sentences' positions, so
    no WikiQA text is copied here; a question about a page foreign.indexed() leaves out is an absent topic."""
    from .ext_wikiqa import load_wikiqa

    pages = {r["title"]: r["sentences"] for r in load_wikiqa(wikiqa, split)}
    rows = []
    for f in read_files(split):
        for line in f.read_text(encoding="utf-8").splitlines():
            if line.strip():
                rec = json.loads(line)
                sentences = pages[rec["title"]]
                gold = set(rec.get("gold", ()))
                rows.append({"qid": rec["id"], "question": rec["question"], "title": rec["title"],
                             "sentences": sentences, "labels": [int(i in gold) for i in range(len(sentences))]})
    return rows


def nf_files() -> list[Path]:
    """The read-and-ask files written on the NFCorpus training abstracts (foreign.nfcorpus_sample(part="train")),
    one an author."""
    return sorted(READ.glob("nfcorpus-train-*.jsonl"))


def nf_training(data: Path) -> tuple[dict[str, dict], list[dict]]:
    """The NFCorpus training abstracts by id (foreign.nfcorpus_sample(part="train")) and the read-and-ask questions
    written on them (nf_files); both empty without ../shared/extbench/beir."""
    from .foreign import nfcorpus_sample

    docs = {d["_id"]: d for d in nfcorpus_sample(data, "train") or []}
    rows = [json.loads(line) for f in nf_files() for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    return (docs, rows) if docs else ({}, [])


def nfcorpus_examples(data: Path, rerankers: Rerankers = Rerankers(None)) -> Examples:
    """Read-and-ask questions on NFCorpus abstracts (medical research: a genre whose opening sentences give the
    background and the aim, and whose answers are the findings further on), asked of a corpus of the indexed half
    of the training abstracts, one section an abstract, as eval.foreign indexes the sample it measures on. A
    candidate answers when it holds the words the writer marked; its section answers when it is the question's
    abstract. A question about an abstract left out is an absent topic."""
    from .ext_wikiqa_model import page_corpus

    docs, rows = nf_training(data)
    out = Examples()
    if not docs or not rows:
        return out
    pages = [{"title": nf_title(d), "sentences": [d["text"]]} for d in docs.values() if d["indexed"]]
    r = page_corpus(pages, "nfcorpus-train")
    for row in rows:
        doc = docs[row["doc"]]
        cands, x = candidates(r.search(row["question"], k=10), r.corpus, reranker=rerankers.of(f"nfcorpus:{row['id']}"))
        answer = row["answer"] if doc["indexed"] else None
        y = np.array([float(answer is not None and contains_span(c.sentence.text, (answer,))) for c in cands])
        section = np.array([float(answer is not None and c.message.title == nf_title(doc)) for c in cands])
        out.add(f"nfcorpus:{row['id']}", x, y, section, "answerable" if answer is not None else "absent", cands)
    return out


def nfcorpus_answer_rows(data: Path) -> list[dict]:
    """The answerable read-and-ask questions on the NFCorpus training abstracts as the reranker's rows: the question,
    its abstract's sentences (as the indexer splits them) and which of them hold the words the writer marked; `key`
    is the id nfcorpus_examples folds it by."""
    from assistant.corpus import split_sentences

    docs, rows = nf_training(data)
    out = []
    for row in rows:
        if (doc := docs[row["doc"]])["indexed"]:
            sentences = [s.text for s in split_sentences(doc["text"])]
            labels = [int(contains_span(s, (row["answer"],))) for s in sentences]
            if any(labels):
                out.append({"key": f"nfcorpus:{row['id']}", "question": row["question"], "title": nf_title(doc),
                            "sentences": sentences, "labels": labels})
    return out
