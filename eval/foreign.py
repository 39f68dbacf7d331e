"""Generality: the assistant on documents nobody tuned it for, with an empty profile.

    python -m eval.foreign [--data ../shared/extbench] [--corpus wikiqa|read|squad|nfcorpus] [--split test|dev] [--sections N]
                           [--layout collection|articles] [--keep DIR]

Builds a corpus from the WikiQA **test** pages (public encyclopedia summaries; nothing here is fitted on
them): the pages are split in two by a hash of their title, one half is written as Markdown documents
(one `##` section a page) and indexed with `assistant index` into a fresh, temporary index folder that
has no glossary, names, answer types or profile. Then, through the library exactly as `POST /api/chat`
calls it:

- answerable: questions whose page is indexed and has a correct sentence → answered rate, and whether the
  top quote contains (or is contained in) a correct sentence;
- absent topics: questions whose page is *not* indexed → declined rate;
- on-topic, no answer: questions whose page is indexed but has no correct sentence (reported, no target);
- p50 latency, against the key messages' p50 over the dev questions in the same run.

`--corpus squad` runs the same check on SQuAD v1.1 dev, the other kind of question a person asks of
encyclopedia sections: half of its articles (by title hash, ~1,000 paragraphs, a `##` section each) are
indexed; the top quote contains the answer when it contains one of the question's gold answer strings. It
is a measurement only: nothing is fitted or chosen on SQuAD (eval/ext_squad.py says why). `--corpus read` asks
the WikiQA **dev** pages the read-and-ask questions written on them (eval/data/read/wikiqa-dev-*.jsonl: a page's
details in the asker's own words): dev data, on which eval/calibrate.py chooses the threshold. `--corpus read
--split test` asks the WikiQA test pages those written on them (wikiqa-test-*.jsonl): held out, fitted on by
nothing.

`--corpus nfcorpus` asks a fixed sample of 300 NFCorpus abstracts (medical research, another genre), half of
them indexed, the read-and-ask questions written on them (eval/data/read/nfcorpus-dev.jsonl, -test.jsonl):
the top quote contains the answer when it contains the words of the abstract the writer marked. Nothing is
fitted on either split; eval/calibrate.py chooses the threshold on the dev split among its other dev corpora, and
nothing is chosen on the test split.

`--layout articles` saves each page as a document of its own instead of a `##` section of a document of 40 (its
`--sections` headed only "Part 2", …), so what a section is about is in its document's title alone.

Writes eval/results/foreign.json (foreign-dev.json, foreign-read.json, foreign-read-test.json, foreign-squad.json,
foreign-nfcorpus-dev.json, foreign-nfcorpus-test.json; "-articles" and
"-sectionsN" in the name for those options).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .ext_common import RESULTS, ROOT
from .ext_wikiqa import load_wikiqa

DEFAULT_DATA = ROOT.parent / "shared" / "extbench"
PER_FILE = 40  # pages per Markdown document


@dataclass(frozen=True)
class Page:
    title: str
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Probe:
    """A question asked of the foreign index: its page, and what a quote must hold to contain its answer (the
    correct sentences, or SQuAD's answer strings; empty when the page has no answer)."""
    question: str
    title: str
    gold: tuple[str, ...]
    spans: bool = False  # gold are answer strings a quote must contain, not sentences


@dataclass(frozen=True)
class Foreign:
    name: str
    pages: list[Page]  # the indexed ones
    answerable: list[Probe]
    absent: list[Probe]
    no_answer: list[Probe]


def indexed(title: str) -> bool:
    """Half of the pages, fixed by a hash of the title (not by anything about the questions)."""
    return hashlib.sha256(title.encode()).digest()[0] % 2 == 0


def pages_of(rows: list[dict]) -> list[Page]:
    seen: dict[str, Page] = {}
    for r in rows:
        seen.setdefault(r["title"], Page(r["title"], tuple(r["sentences"])))
    return sorted(seen.values(), key=lambda p: p.title)


def sections_of(pages: list[Page], size: int) -> list[Page]:
    """Each page cut into sections of `size` sentences, titled "Title (2)": a long document's sections, neighbours
    about the same thing, so the section that answers leads the next by little."""
    return [Page(f"{p.title} ({k // size + 1})" if len(p.sentences) > size else p.title, p.sentences[k:k + size])
            for p in pages for k in range(0, len(p.sentences), size)]


def _clear(folder: Path, pattern: str) -> None:
    """`folder` made if missing, less the documents an earlier write left there (a cached folder asked again with
    fewer pages would otherwise index the old ones beside the new)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(pattern):
        old.unlink()


def write_documents(pages: list[Page], folder: Path, one_per_line: bool = False) -> None:
    """Markdown documents of PER_FILE pages each, a `##` section a page: its sentences as prose, or each on a
    line of its own (`one_per_line`: the sentence splitter then keeps WikiQA's own candidate sentences)."""
    _clear(folder, "part-*.md")
    sep = "\n" if one_per_line else " "
    for n in range(0, len(pages), PER_FILE):
        part = pages[n:n + PER_FILE]
        body = [f"# Encyclopedia extracts, part {n // PER_FILE + 1}\n"]
        for p in part:
            body.append(f"## {p.title}\n\n{sep.join(s.strip() for s in p.sentences)}\n")
        (folder / f"part-{n // PER_FILE + 1:03d}.md").write_text("\n".join(body), encoding="utf-8")


def write_articles(pages: list[Page], folder: Path, size: int | None = None) -> None:
    """Each page a Markdown document of its own titled by it (an article as people save one): its first `size`
    sentences before any heading, the rest in sections headed only "Part 2", "Part 3", … (headings that name
    nothing, so what a section is about is in the document's title alone); the whole page when size is None."""
    _clear(folder, "article-*.md")
    for n, p in enumerate(pages):
        step = size or len(p.sentences) or 1
        chunks = [" ".join(s.strip() for s in p.sentences[k:k + step]) for k in range(0, len(p.sentences), step)]
        body = [f"# {p.title}\n", chunks[0] + "\n" if chunks else ""]
        body += [f"## Part {k}\n\n{c}\n" for k, c in enumerate(chunks[1:], 2)]
        (folder / f"article-{n + 1:04d}.md").write_text("\n".join(body), encoding="utf-8")


def one_sentence(assistant, quote: dict) -> bool:
    """Whether a reply's quote is one sentence of its message (else it holds the sentence before the one picked,
    which points back at it, reply.answer_quote, or the neighbour the model rated nearly as likely,
    reply.passage_quote)."""
    m = assistant.store.messages[quote["message_id"]]
    return any(s.start == quote["start"] and s.end == quote["end"] for s in m.sentences)


def contains_answer(quote: str, gold: list[str]) -> bool:
    q = " ".join(quote.split())
    return any((g := " ".join(s.split())) and (g in q or q in g and len(q) >= 0.6 * len(g)) for s in gold)


def contains_span(quote: str, answers: tuple[str, ...]) -> bool:
    q = " ".join(quote.split()).lower()
    return any((a := " ".join(s.split()).lower()) and a in q for s in answers if s)


def answer_found(quote: str, probe: Probe) -> bool:
    return contains_span(quote, probe.gold) if probe.spans else contains_answer(quote, list(probe.gold))


def probe(row: dict) -> Probe:
    """A WikiQA-format row (WikiQA's own, or examples.read_rows') as a question to ask: its correct sentences are
    what the top quote must hold."""
    return Probe(row["question"], row["title"], tuple(s for s, y in zip(row["sentences"], row["labels"]) if y))


def wikiqa_corpus(data: Path, split: str, sections: int | None = None) -> Foreign | None:
    folder = data / "wikiqa"
    if not (folder / f"WikiQA-{split}.tsv").exists():
        return None
    rows = load_wikiqa(folder, split)
    inside = [p for p in pages_of(rows) if indexed(p.title)]
    return Foreign(f"WikiQA {split} pages" + (f" in sections of {sections} sentences" if sections else ""),
                   sections_of(inside, sections) if sections else inside,
                   [probe(r) for r in rows if indexed(r["title"]) and any(r["labels"])],
                   [probe(r) for r in rows if not indexed(r["title"])],
                   [probe(r) for r in rows if indexed(r["title"]) and not any(r["labels"])])


def read_corpus(data: Path, split: str = "dev", sections: int | None = None) -> Foreign | None:
    """WikiQA `split` pages (the same indexed half as wikiqa_corpus) asked the read-and-ask questions written on
    them (eval/data/read/wikiqa-<split>-*.jsonl, examples.read_rows): details of a page, in the asker's own words,
    the kind of question SQuAD has. On dev pages they are dev data: eval/calibrate.py chooses the threshold on them
    (the trees are fitted on the ones written on WikiQA train pages). On test pages they are held out: nothing is
    fitted or chosen on them."""
    from .examples import read_rows

    if not (data / "wikiqa" / f"WikiQA-{split}.tsv").exists():
        return None
    rows = read_rows(data / "wikiqa", split)
    inside = [p for p in pages_of(load_wikiqa(data / "wikiqa", split)) if indexed(p.title)]
    return Foreign(f"WikiQA {split} pages, read-and-ask questions" + (f", in sections of {sections} sentences" if sections else ""),
                   sections_of(inside, sections) if sections else inside,
                   [probe(r) for r in rows if indexed(r["title"]) and any(r["labels"])],
                   [probe(r) for r in rows if not indexed(r["title"])], [])


SQUAD_EVERY = 4  # ask every 4th question: ~1,300 each of answerable and absent


def squad_corpus(data: Path) -> Foreign | None:
    """SQuAD v1.1 dev: each paragraph a section titled by its article and number; every SQuAD question has an
    answer in its paragraph, so there are no on-topic unanswerable ones."""
    path = data / "squad" / "dev-v1.1.json.zip"
    if not path.exists():
        return None
    with zipfile.ZipFile(path) as z:
        articles = json.loads(z.read(z.namelist()[0]))["data"]
    pages, answerable, absent, n = [], [], [], 0
    for art in articles:
        name = art["title"].replace("_", " ")
        inside = indexed(name)
        for k, para in enumerate(art["paragraphs"], 1):
            title = f"{name} ({k})"
            if inside:
                pages.append(Page(title, (para["context"],)))
            for qa in para["qas"]:
                n += 1
                if n % SQUAD_EVERY:
                    continue
                p = Probe(qa["question"], title, tuple(a["text"] for a in qa["answers"]), spans=True)
                (answerable if inside else absent).append(p)
    return Foreign("SQuAD v1.1 dev articles", pages, answerable, absent, [])


NF_SAMPLE = 300  # NFCorpus abstracts in the sample (half indexed); those of 600-2,500 characters, in hash order


def nfcorpus_sample(data: Path, part: str = "sample") -> list[dict] | None:
    """A fixed sample of NFCorpus abstracts (medical research, a genre unlike encyclopedia pages): NF_SAMPLE of those
    600-2,500 characters long, in the order of a hash of their id (nothing about the questions chooses them), each
    with `indexed` by the same hash rule as the pages (foreign.indexed on the id). part="train": the next NF_SAMPLE in
    that order, which eval/calibrate.py fits on (eval/examples.nfcorpus_examples); no abstract is in both."""
    path = data / "beir" / "nfcorpus.zip"
    if not path.exists():
        return None
    docs = _nfcorpus_abstracts(path.resolve())
    start = {"sample": 0, "train": NF_SAMPLE}[part]
    return [{**d, "indexed": indexed(d["_id"])} for d in docs[start:start + NF_SAMPLE]]


@lru_cache(maxsize=2)
def _nfcorpus_abstracts(path: Path) -> tuple[dict, ...]:
    """The NFCorpus abstracts of 600-2,500 characters in the order of a hash of their id, read from the zip once per
    run (the sample and the training abstracts are both cut from it). Callers copy a row before changing it."""
    with zipfile.ZipFile(path) as z:
        docs = [json.loads(line) for line in z.read("nfcorpus/corpus.jsonl").decode("utf-8").splitlines() if line.strip()]
    return tuple(sorted((d for d in docs if 600 <= len(d["text"]) <= 2500),
                        key=lambda d: hashlib.sha256(d["_id"].encode()).hexdigest()))


def nf_title(doc: dict) -> str:
    """An abstract's section title: its article's title, whitespace collapsed (its id when it has none)."""
    return " ".join(doc["title"].split()) or doc["_id"]


def nfcorpus_corpus(data: Path, split: str, rows_dir: Path = ROOT / "eval" / "data" / "read") -> Foreign | None:
    """Half of the NFCorpus sample indexed, one `##` section an abstract titled by its article title, asked the
    read-and-ask questions written on the sample (eval/data/read/nfcorpus-<split>.jsonl: a question, its abstract's id
    and, for an indexed one, the words of the abstract that answer it, which the top quote must contain). A question
    about an abstract left out is an absent topic. Nothing is fitted on either split; the threshold is chosen on the
    dev split among others (eval/calibrate.py), whose misses may be read; the test split's are not."""
    sample = nfcorpus_sample(data)
    rows_path = rows_dir / f"nfcorpus-{split}.jsonl"
    if sample is None or not rows_path.exists():
        return None
    docs = {d["_id"]: d for d in sample}
    rows = [json.loads(line) for line in rows_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    pages = [Page(nf_title(d), (d["text"],)) for d in sample if d["indexed"]]
    answerable = [Probe(r["question"], nf_title(docs[r["doc"]]), (r["answer"],), spans=True) for r in rows if docs[r["doc"]]["indexed"]]
    absent = [Probe(r["question"], nf_title(docs[r["doc"]]), ()) for r in rows if not docs[r["doc"]]["indexed"]]
    return Foreign(f"NFCorpus abstracts ({split} questions, read-and-ask)", pages, answerable, absent, [])


def build_index(index_dir: Path) -> float:
    env = {**os.environ, "ASSISTANT_INDEX_DIR": str(index_dir)}
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).parent / "assistant"), "index", str(index_dir / "sources")],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def ask_all(assistant, questions: list[str]) -> tuple[list[dict], list[float]]:
    replies, ms = [], []
    for q in questions:
        t = time.perf_counter()
        replies.append(assistant.ask(q, {}).to_dict())
        ms.append(1000 * (time.perf_counter() - t))
    return replies, ms


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--keep", type=Path, help="build the foreign index here and keep it (default: a temporary folder)")
    ap.add_argument("--show-misses", action="store_true")
    ap.add_argument("--corpus", choices=("wikiqa", "read", "squad", "nfcorpus"), default="wikiqa",
                    help="wikiqa (the reported figures), read (WikiQA dev pages asked about their details: dev data), "
                         "squad (a measurement only: nothing is fitted on it) or nfcorpus (medical abstracts asked "
                         "about their details: nothing is fitted on it)")
    ap.add_argument("--sections", type=int, help="wikiqa, read: cut each page into sections of this many sentences")
    ap.add_argument("--layout", choices=("collection", "articles"), default="collection",
                    help="wikiqa, read: pages as `##` sections of documents of 40 (collection), or each page a "
                         "document of its own whose --sections are headed only 'Part 2', … (articles)")
    ap.add_argument("--split", choices=("test", "dev"),
                    help="WikiQA pages to use: test (held out: the reported figures) or dev (for looking at misses); "
                         "default test for wikiqa, dev for read")
    args = ap.parse_args(argv)
    if args.split is None:
        args.split = "dev" if args.corpus in ("read", "nfcorpus") else "test"
    articles = args.layout == "articles" and args.corpus not in ("squad", "nfcorpus")
    cut = None if articles else args.sections  # an article is cut as it is written (write_articles)
    corpus = (squad_corpus(args.data) if args.corpus == "squad" else nfcorpus_corpus(args.data, args.split)
              if args.corpus == "nfcorpus" else read_corpus(args.data, args.split, cut)
              if args.corpus == "read" else wikiqa_corpus(args.data, args.split, cut))
    if corpus is None:
        print(f"no {args.corpus} {args.split} data in {args.data}; skipped")
        return 0
    from assistant.core import Assistant
    from assistant.settings import Settings

    inside, answerable, absent, no_answer = corpus.pages, corpus.answerable, corpus.absent, corpus.no_answer

    with tempfile.TemporaryDirectory(prefix="foreign-") as tmp:
        index_dir = args.keep or Path(tmp)
        if articles:
            write_articles(inside, index_dir / "sources", args.sections)
        else:
            write_documents(inside, index_dir / "sources")
        build_s = build_index(index_dir)
        foreign = Assistant(Settings.from_env(index_dir=index_dir, query_cache=0))
        km = Assistant(Settings.from_env(query_cache=0))
        from .gold import questions as gold_questions

        km_questions = [r["question"] for r in gold_questions("dev")]
        ask_all(km, km_questions[:20])  # warm both the same way
        ask_all(foreign, [r.question for r in answerable[:20]])
        ans_replies, ms_a = ask_all(foreign, [r.question for r in answerable])
        absent_replies, ms_b = ask_all(foreign, [r.question for r in absent])
        na_replies, _ = ask_all(foreign, [r.question for r in no_answer])
        _, km_ms = ask_all(km, km_questions)
        two = [bool(rep["quotes"]) and not one_sentence(foreign, rep["quotes"][0]) for rep in ans_replies]

    answered = [rep["status"] == "answered" for rep in ans_replies]
    top_ok = [bool(rep["quotes"]) and answer_found(rep["quotes"][0]["text"], r) for rep, r in zip(ans_replies, answerable)]
    right_page = [bool(rep["quotes"]) and (rep["quotes"][0]["title"] == r.title or rep["quotes"][0]["title"].startswith(r.title + " (")
                                           or articles and rep["quotes"][0]["document"] == r.title)
                  for rep, r in zip(ans_replies, answerable)]
    declined_absent = [rep["status"] != "answered" for rep in absent_replies]
    declined_na = [rep["status"] != "answered" for rep in na_replies]
    p50 = statistics.median(ms_a + ms_b)
    km_p50 = statistics.median(km_ms)
    out = {
        "corpus": f"{corpus.name}, half indexed by title hash: {len(inside)} pages in "
                  + (f"{len(inside)} Markdown articles" + (f" cut every {args.sections} sentences" if args.sections else "")
                     if articles else f"{(len(inside) + PER_FILE - 1) // PER_FILE} Markdown documents") + ", empty profile",
        "measured_at": time.strftime("%Y-%m-%d %H:%M"),
        "index_build_s": round(build_s, 1),
        "answerable": len(answerable), "absent": len(absent), "on_topic_no_answer": len(no_answer),
        "answerable_answered": round(sum(answered) / len(answered), 4),
        "top_quote_contains_answer": round(sum(top_ok) / len(top_ok), 4),
        "top_quote_from_the_right_page": round(sum(right_page) / len(right_page), 4),
        "top_quote_holds_more_than_the_sentence_picked": round(sum(two) / len(two), 4),
        "absent_declined": round(sum(declined_absent) / len(declined_absent), 4),
        "on_topic_no_answer_declined": round(sum(declined_na) / len(declined_na), 4) if declined_na else None,
        "p50_ms": round(p50, 2), "key_messages_p50_ms": round(km_p50, 2), "p50_ratio": round(p50 / km_p50, 2),
    }
    print(f"foreign corpus: {out['corpus']} (index built in {build_s:.0f} s)")
    print(f"  answerable answered        {out['answerable_answered']:.3f}  ({len(answerable)} questions; target >= 0.90)")
    print(f"  top quote contains answer  {out['top_quote_contains_answer']:.3f}  (target >= 0.70)")
    print(f"    from the right page      {out['top_quote_from_the_right_page']:.3f}  (the rest quote another page)")
    print(f"    of two or more sentences {out['top_quote_holds_more_than_the_sentence_picked']:.3f}  (the pick with the sentence it "
          "points back at, or with its neighbour)")
    print(f"  absent topics declined     {out['absent_declined']:.3f}  ({len(absent)} questions; target >= 0.85)")
    if declined_na:
        print(f"  on-topic, no answer, declined {out['on_topic_no_answer_declined']:.3f}  ({len(no_answer)} questions; no target)")
    print(f"  p50 {p50:.2f} ms vs key messages {km_p50:.2f} ms: ratio {out['p50_ratio']} (target <= 2)")
    if args.show_misses:
        for r, rep, ok in zip(answerable, ans_replies, top_ok):
            if not ok:
                print(f"MISS answerable {r.question!r} → {rep['status']} {rep.get('reason') or ''} {rep['quotes'][0]['text'][:90] if rep['quotes'] else ''!r}")
        for r, rep in zip(absent, absent_replies):
            if rep["status"] == "answered":
                print(f"MISS absent {r.question!r} → {rep['quotes'][0]['text'][:90]!r}")
    RESULTS.mkdir(exist_ok=True)
    layout = f"{'-articles' if articles else ''}{f'-sections{args.sections}' if args.sections else ''}"
    name = ("foreign-squad.json" if args.corpus == "squad" else f"foreign-nfcorpus-{args.split}.json"
            if args.corpus == "nfcorpus" else f"foreign-read{'' if args.split == 'dev' else '-' + args.split}{layout}.json" if args.corpus == "read" else
            f"foreign{'' if args.split == 'test' else '-' + args.split}{layout}.json")
    (RESULTS / name).write_text(json.dumps(out, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
