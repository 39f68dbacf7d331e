"""The read-and-ask questions (eval/data/read): the answer model is fitted on those written on WikiQA's train
pages; those on its dev pages choose its threshold and measure it; those on its test pages are held out (nothing
is fitted or chosen on them). No two may meet, and each must point at real sentences of its page. The pages are read from
../shared/extbench (never copied here): without it, a skip. The NFCorpus ones (nfcorpus-dev.jsonl, -test.jsonl) are
asked of a sample of its abstracts by eval.foreign --corpus nfcorpus; nothing is fitted on them. Those written on
other abstracts (nfcorpus-train-*.jsonl) are fitted on by eval/calibrate.py; no abstract is in both."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.examples import READ, nf_files, read_files, read_rows
from eval.foreign import indexed

SPLITS = ("train", "dev", "test")
NF_SPLITS = ("dev", "test")
EXTBENCH = Path(__file__).resolve().parent.parent.parent / "shared" / "extbench"
WIKIQA = EXTBENCH / "wikiqa"


def _records(split: str) -> list[dict]:
    return [json.loads(line) for f in read_files(split) for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_files_are_named_by_split_and_author_and_ids_are_unique():
    names = sorted(f.name for f in READ.glob("wikiqa-*.jsonl"))
    assert names and all(n.startswith(("wikiqa-train-", "wikiqa-dev-", "wikiqa-test-")) for n in names)
    assert len(names) == len({f for split in SPLITS for f in read_files(split)})
    assert {f.name for f in READ.glob("*.jsonl")} - set(names) == {f"nfcorpus-{s}.jsonl" for s in NF_SPLITS} | {
        f.name for f in nf_files()}
    ids = [r["id"] for split in SPLITS for r in _records(split)]
    assert len(ids) == len(set(ids))


def test_no_question_is_in_two_splits():
    norm = lambda q: " ".join("".join(c for c in q.lower() if c.isalnum() or c == " ").split())
    asked = [{norm(r["question"]) for r in _records(split)} for split in SPLITS]
    assert all(not a & b for i, a in enumerate(asked) for b in asked[i + 1:])


@pytest.mark.skipif(not (WIKIQA / "WikiQA-dev.tsv").exists(), reason="no ../shared/extbench/wikiqa")
def test_no_question_fitted_on_is_about_a_page_measured_with():
    """WikiQA's splits share some pages (the same encyclopedia article): the questions fitted on avoid every page
    of its dev and test splits, which eval.foreign and eval.extbench measure with."""
    from eval.ext_wikiqa import load_wikiqa

    held = {r["title"] for split in ("dev", "test") for r in load_wikiqa(WIKIQA, split)}
    assert not {r["title"] for r in _records("train")} & held
    fitted_or_chosen = {r["title"] for split in ("train", "dev") for r in load_wikiqa(WIKIQA, split)}
    assert not {r["title"] for r in _records("test")} & fitted_or_chosen  # the held-out ones share no page with them


@pytest.mark.skipif(not (WIKIQA / "WikiQA-dev.tsv").exists(), reason="no ../shared/extbench/wikiqa")
@pytest.mark.parametrize("split", SPLITS)
def test_every_question_points_at_its_pages_sentences(split):
    from eval.ext_wikiqa import load_wikiqa

    pages = {r["title"]: r["sentences"] for r in load_wikiqa(WIKIQA, split)}
    records = _records(split)
    for r in records:
        assert r["title"] in pages, r["id"]
        if "gold" in r:  # answerable: its page is among the indexed half, and each gold position is a sentence of it
            assert indexed(r["title"]) and r["gold"] and all(0 <= i < len(pages[r["title"]]) for i in r["gold"]), r["id"]
        else:  # an absent topic: its page is among the half left out
            assert not indexed(r["title"]), r["id"]
    rows = read_rows(WIKIQA, split)
    assert len(rows) == len(records)
    assert sum(any(row["labels"]) for row in rows) == sum("gold" in r for r in records)
    row, rec = rows[0], records[0]
    assert row["qid"] == rec["id"] and [i for i, y in enumerate(row["labels"]) if y] == sorted(rec.get("gold", []))


def _nf(split: str) -> list[dict]:
    paths = nf_files() if split == "train" else [READ / f"nfcorpus-{split}.jsonl"]
    return [json.loads(line) for f in paths for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_nfcorpus_questions_are_in_one_split_only():
    norm = lambda q: " ".join("".join(c for c in q.lower() if c.isalnum() or c == " ").split())
    train, dev, test = ({norm(r["question"]) for r in _nf(s)} for s in ("train", *NF_SPLITS))
    assert train and dev and test and not dev & test and not train & (dev | test)
    ids = [r["id"] for s in ("train", *NF_SPLITS) for r in _nf(s)]
    assert len(ids) == len(set(ids))


@pytest.mark.skipif(not (EXTBENCH / "beir" / "nfcorpus.zip").exists(), reason="no ../shared/extbench/beir")
def test_nfcorpus_training_questions_are_on_abstracts_outside_the_measured_sample():
    from eval.foreign import nfcorpus_sample

    sample, train = ({d["_id"]: d for d in nfcorpus_sample(EXTBENCH, part)} for part in ("sample", "train"))
    assert len(train) == len(sample) and not sample.keys() & train.keys()
    assert not {d["text"] for d in sample.values()} & {d["text"] for d in train.values()}
    rows = _nf("train")
    for r in rows:
        d = train[r["doc"]]
        assert (r["answer"] in d["text"]) if d["indexed"] else r["answer"] is None, r["id"]
    assert sum(r["answer"] is None for r in rows) > 0 and sum(r["answer"] is not None for r in rows) > 0


@pytest.mark.skipif(not (EXTBENCH / "beir" / "nfcorpus.zip").exists(), reason="no ../shared/extbench/beir")
@pytest.mark.parametrize("split", NF_SPLITS)
def test_every_nfcorpus_question_points_at_an_abstract_of_the_sample(split):
    """An answerable question's answer is words of its abstract, which is indexed; an absent topic's abstract is
    left out, and it has no answer."""
    from eval.foreign import nfcorpus_corpus, nfcorpus_sample

    docs = {d["_id"]: d for d in nfcorpus_sample(EXTBENCH)}
    rows = _nf(split)
    for r in rows:
        d = docs[r["doc"]]
        assert (r["answer"] in d["text"]) if d["indexed"] else r["answer"] is None, r["id"]
    c = nfcorpus_corpus(EXTBENCH, split)
    assert len(c.answerable) == sum(docs[r["doc"]]["indexed"] for r in rows) > 0
    assert len(c.absent) == len(rows) - len(c.answerable) > 0
    assert len(c.pages) == sum(d["indexed"] for d in docs.values())
