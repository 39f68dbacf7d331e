"""WikiQA through the assistant's own answer model (assistant/calibration.json, the model the assistant runs).

Dev's and test's pages are each indexed as a corpus with the library's indexer (one `##` section a page, a
sentence a line, cached under eval/results/.cache/; eval/calibrate.py indexes half of train's the same way),
and each question is searched within its own page (`only=`), as the assistant searches a message a person
names. Every sentence of the page gets the ranker's probability (sentence selection: MAP/MRR) and the question
the trigger's confidence (answer triggering). The trigger threshold is chosen on dev (the trees are surer of
the train questions they were fitted on than of new ones); test is only scored. WikiQA's sentences are matched
to the indexed sentences by containment."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .ext_common import CACHE
from .foreign import contains_answer, indexed, pages_of, sections_of, write_documents

MISSING = -1.0  # a WikiQA sentence no indexed sentence covers: ranked last


def page_corpus(rows: list[dict], name: str, half: bool = False, section: int | None = None):
    """A Retriever (empty profile, the shipped fusion weights, no cache) over the pages of these WikiQA rows,
    one `##` section a page, indexed with the library's indexer under eval/results/.cache/<name> (reused while
    the pages are unchanged); `half`: only the pages foreign.indexed() picks, the rest being absent topics;
    `section`: each page cut into sections of this many sentences ("Title (2)"), as a long document's sections
    are: neighbours about the same thing, so the best section leads the next by little."""
    from assistant import indexer, store
    from assistant.answer import load_calibration
    from assistant.onnx_embed import OnnxEmbedder
    from assistant.retrieve import Retriever
    from assistant.settings import Settings

    index_dir = CACHE / name
    pages = [p for p in pages_of(rows) if indexed(p.title) or not half]
    if section:
        pages = sections_of(pages, section)
    write_documents(pages, index_dir / "sources", one_per_line=True)
    settings = Settings.from_env(index_dir=index_dir)
    embedder = OnnxEmbedder(Settings.from_env().store_dir / "onnx", name="all-MiniLM-L6-v2", weights=settings.onnx_weights, threads=2)
    indexer.build(settings, [index_dir / "sources"], embedder=embedder, export_onnx=False)
    cal = load_calibration()
    return Retriever(store.load(settings.store_dir), embedder, None, cal["dense_weight"], cal["sentence_weight"],
                     cal["message_bonus"], cal.get("carry", 0.0), cache_size=0)


def split_scores(rows: list[dict], name: str, half: bool = False) -> list[np.ndarray | None]:
    """Per question (file order): a score per WikiQA candidate, the ranker's probability shifted so that the
    best equals the trigger's confidence; None for a question whose page is not indexed."""
    from assistant.answer import confidence, load_calibration, score

    r = page_corpus(rows, name, half)
    cal = load_calibration()
    by_title = {m.title: m.id for m in r.messages}
    out = []
    for row in rows:
        mid = by_title.get(row["title"])
        if mid is None:
            out.append(None)
            continue
        result = r.search(row["question"], k=1, only={mid})
        scored = score(result, r.corpus, cal, limit=None)
        conf = confidence(scored, cal)
        p = np.full(len(row["sentences"]), MISSING)
        for j, s in enumerate(row["sentences"]):
            hits = [x.p for x in scored if contains_answer(x.hit.sentence.text, [s]) or contains_answer(s, [x.hit.sentence.text])]
            if hits:
                p[j] = max(hits)
        top = p.max()
        out.append(p - top + conf if top > MISSING else p)
    return out


def assistant_scores(folder: Path) -> dict[str, list[np.ndarray | None]]:
    from .ext_wikiqa import load_wikiqa

    return {"dev": split_scores(load_wikiqa(folder, "dev"), "wikiqa-dev-index"),
            "test": split_scores(load_wikiqa(folder, "test"), "wikiqa-test-index")}
