"""Real text for the end-to-end scale benchmark (eval/bench_e2e.py): sections of public documents read from
../shared/extbench, written as Markdown files that `assistant index` reads like any user's documents.

Every corpus holds the key messages (index/sources) plus `n - 13` sections of outside text, so the same
questions have answers at every size. A section ("message") is up to SECTION sentences of one document, in
order. The outside documents are BEIR ArguAna (argument essays) and NFCorpus (medical abstracts), SQuAD v1.1
dev paragraphs (text only: no question or answer is read) and WikiQA page summaries (all splits' sentences,
grouped by page). They give about 45,000 sections; past that, more are composed from the same documents with
the windows shifted by one sentence (then two), so every section's text is distinct while its sentences
repeat text indexed elsewhere. `describe()` says how many of each a corpus holds.

Smaller corpora are prefixes of larger ones (the order is a fixed shuffle), so 1,000 ⊂ 10,000 ⊂ 100,000.
The last HELD_BACK WikiQA pages are in none of them: the document the benchmark adds is made of those.
"""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

SECTION = 3  # sentences per section, like a key message's paragraph
HELD_BACK = 40  # the last documents (WikiQA pages) are in no corpus: the added document is made of them
PER_FILE = 500  # sections per Markdown file
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")


@dataclass(frozen=True)
class Section:
    source: str  # which public corpus
    title: str
    text: str
    shift: int  # 0: a real window; 1 or 2: composed by shifting the windows


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_END.split(" ".join(text.split())) if len(s.strip()) > 1]


def _documents(data: Path) -> list[tuple[str, str, list[str]]]:
    """(source, title, sentences) of every outside document, in a fixed order."""
    docs: list[tuple[str, str, list[str]]] = []
    for name in ("arguana", "nfcorpus"):
        path = data / "beir" / f"{name}.zip"
        if path.exists():
            with zipfile.ZipFile(path) as z:
                for line in z.read(f"{name}/corpus.jsonl").decode("utf-8").splitlines():
                    if line.strip():
                        d = json.loads(line)
                        docs.append((name, d.get("title") or d["_id"], _sentences(d.get("text", ""))))
    squad = data / "squad" / "dev-v1.1.json.zip"
    if squad.exists():
        with zipfile.ZipFile(squad) as z:
            for article in json.loads(z.read("dev-v1.1.json"))["data"]:
                for n, para in enumerate(article["paragraphs"]):
                    docs.append(("squad", f"{article['title'].replace('_', ' ')} {n + 1}", _sentences(para["context"])))
    pages: dict[str, dict[str, str]] = {}
    for split in ("train", "dev", "test"):
        path = data / "wikiqa" / f"WikiQA-{split}.tsv"
        if path.exists():
            with path.open(encoding="utf-8") as f:
                for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
                    pages.setdefault(row["DocumentTitle"], {})[row["SentenceID"]] = row["Sentence"]
    for title, sents in pages.items():
        ordered = [sents[k] for k in sorted(sents, key=lambda s: int(s.rsplit("-", 1)[1]))]
        docs.append(("wikiqa", title, [" ".join(s.replace(" .", ".").replace(" ,", ",").split()) for s in ordered]))
    return [d for d in docs if d[2]]


def sections(data: Path, n: int) -> list[Section]:
    """The first n outside sections in the fixed order (real windows first, then shifted ones)."""
    docs = _documents(data)[:-HELD_BACK]
    out: list[Section] = []
    for shift in range(SECTION):
        batch = []
        for source, title, sents in docs:
            part = 0
            for start in range(shift, len(sents), SECTION):
                window = sents[start:start + SECTION]
                if shift and len(window) < 2:  # a shifted window must not repeat a real one-sentence tail
                    continue
                part += 1
                batch.append(Section(source, f"{title} ({'part' if not shift else f'shift {shift}, part'} {part})",
                                     " ".join(window), shift))
        random.Random(shift).shuffle(batch)
        out += batch
        if len(out) >= n:
            break
    if len(out) < n:
        raise SystemExit(f"only {len(out)} sections of outside text in {data}; asked for {n}")
    return out[:n]


def write(data: Path, n_outside: int, folder: Path, key_messages: Path) -> list[Section]:
    """The key messages and n_outside sections as Markdown files in `folder` (replaced)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for f in key_messages.iterdir():
        if f.is_file():
            shutil.copy2(f, folder / f.name)
    chosen = sections(data, n_outside) if n_outside else []
    for k in range(0, len(chosen), PER_FILE):
        body = [f"# Public documents, part {k // PER_FILE + 1}\n"]
        body += [f"## {s.title}\n\n{s.text}\n" for s in chosen[k:k + PER_FILE]]
        (folder / f"public-{k // PER_FILE + 1:04d}.md").write_text("\n".join(body), encoding="utf-8")
    return chosen


def extra_document(data: Path, folder: Path, n: int = 20) -> Path:
    """One more document of n sections of text no corpus holds (the held-back pages), for adding one document."""
    more = [Section(source, f"{title} (part {k // SECTION + 1})", " ".join(sents[k:k + SECTION]), 0)
            for source, title, sents in _documents(data)[-HELD_BACK:] for k in range(0, len(sents), SECTION)][:n]
    path = folder / "added-document.md"
    path.write_text("# An added document\n\n" + "\n".join(f"## {s.title}\n\n{s.text}\n" for s in more), encoding="utf-8")
    return path


def describe(chosen: list[Section]) -> dict:
    by_source: dict[str, int] = {}
    for s in chosen:
        by_source[s.source] = by_source.get(s.source, 0) + 1
    return {"outside_sections": len(chosen), "by_source": by_source,
            "composed_by_shifting": sum(1 for s in chosen if s.shift),
            "how": f"sections of up to {SECTION} consecutive sentences of public documents; past the real windows, "
                   "more are composed by shifting the windows one (then two) sentences, so section texts are distinct "
                   "and their sentences repeat text indexed elsewhere"}
