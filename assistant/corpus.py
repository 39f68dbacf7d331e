"""Source documents → messages → sentences, with character offsets into the extracted text.

`extract/` reads each format into sections (title, text, page starts); this module turns them into
`Message`s with stable ids and pysbd sentences, and describes each indexed file as a `Document`.
A message's text is the section's text exactly as extracted: every quote is `text[start:end]`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import CorpusError, Unreadable
from .extract import FORMATS, PREAMBLE, Extracted, extract
from .extract.plain import parse as parse_plain

SUFFIXES = tuple(FORMATS)
# Bump when extraction or sentence splitting changes what a file parses to: a build reuses the messages an
# earlier build parsed from the same bytes only when that build recorded the same parser version.
PARSER_VERSION = 2

__all__ = ["PARSER_VERSION", "PREAMBLE", "SUFFIXES", "Corpus", "Document", "Message", "Parsed", "Sentence", "corpus_hash",
           "load", "parse_document", "read", "slug", "source_files", "split_sentences"]


@dataclass(frozen=True, slots=True)  # hundreds of thousands at once in a large index
class Sentence:
    start: int  # offsets into Message.text
    end: int
    source: str = field(repr=False)  # the message's text itself (shared, not a copy): a copy of every sentence
    # held about 55 MB at 100,000 messages

    @property
    def text(self) -> str:
        return self.source[self.start:self.end]


@dataclass(frozen=True, slots=True)  # hundreds of thousands at once in a large index
class Message:
    id: str
    title: str
    document: str  # the document's title
    text: str
    sentences: tuple[Sentence, ...] = field(default=(), compare=False)
    document_id: str = ""
    pages: tuple[tuple[int, int], ...] = field(default=(), compare=False)  # (offset, page starting there); () when not paged

    def page_at(self, offset: int) -> int | None:
        """The 1-based page on which the character at `offset` is, or None for a format without pages."""
        page = None
        for at, p in self.pages:
            if at > offset:
                break
            page = p
        return page


@dataclass(frozen=True)
class Document:
    id: str  # the prefix of its messages' ids
    title: str
    file: str  # the file's name
    format: str  # txt, md, pdf, docx or html
    pages: int | None
    messages: int
    sha: str  # of the file's bytes
    indexed_at: str = ""  # when this content was first indexed (UTC, ISO 8601)


@dataclass(frozen=True)
class Parsed:
    """A document as an earlier build parsed it, reused while its file's bytes are unchanged."""
    document: Document
    messages: list[Message]


@dataclass(frozen=True)
class Corpus:
    messages: list[Message]
    documents: list[tuple[Document, Path]]  # each indexed document and the file it was read from
    skipped: list[Unreadable]  # files that could not be read, each with the reason


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "untitled"


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


# Abbreviations pysbd ends a sentence at, though they never end one in what follows them: a title before a
# name ("Montgomery Clift as Fr. Michael Logan", "Ft. Worth", "the Rt. Hon. member"), and a word before a number
# or a reference ("born c. 1850", "No. 5", "pp. 12–14", "cf. Smith"). Each cut a quote mid-sentence.
_BEFORE_NAME = re.compile(r"(?:^|[\s(])(?:Fr|Ft|Msgr|Mme|Mlle|Rt|Hon|Insp|Supt)\.$")
_BEFORE_NUMBER = re.compile(r"(?:^|[\s(])(?:c|ca|No|Nos|vol|vols|pp|p|fig|figs|Fig|Figs)\.$")
_BEFORE_ANY = re.compile(r"(?:^|[\s(])(?:approx|cf|viz)\.$")


def _joins_next(piece: str, following: str) -> bool:
    return bool(_BEFORE_ANY.search(piece) or _BEFORE_NAME.search(piece) and following[:1].isupper()
                or _BEFORE_NUMBER.search(piece) and following[:1].isdigit())


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of `text` from pysbd, each located in the original so text[start:end] holds; a piece pysbd ends
    at an abbreviation that never ends a sentence is joined to the next (_BEFORE_NAME, …)."""
    out, cursor = [], 0
    for piece in _segmenter().segment(text):
        piece = piece.strip()
        if not piece:
            continue
        start = text.find(piece, cursor)
        if start < 0:  # the segmenter never rewrites text with clean=False; guard anyway
            raise CorpusError(f"sentence segmenter lost its place near offset {cursor}")
        cursor = start + len(piece)
        if out and _joins_next(text[out[-1].start:out[-1].end], piece):
            out[-1] = Sentence(out[-1].start, cursor, text)
        else:
            out.append(Sentence(start, cursor, text))
    return tuple(out)


def messages_of(path: Path, found: Extracted) -> list[Message]:
    """One message per section, ids `<file stem>:<section title>` (numbered when a title repeats)."""
    if not found.sections:
        raise Unreadable(path, "it holds no text to index")
    document, doc_id = found.title or path.stem, slug(path.stem)
    seen: dict[str, int] = {}
    messages = []
    for section in found.sections:
        mid = base = f"{doc_id}:{slug(section.title)}"
        while mid in seen:
            seen[base] = seen.get(base, 1) + 1
            mid = f"{base}-{seen[base]}"
        seen[mid] = 1
        messages.append(Message(mid, section.title, document, section.text, split_sentences(section.text), doc_id,
                                section.pages))
    return messages


def parse_document(path: Path, text: str | None = None) -> list[Message]:
    """Messages of one document (of any format); `text` stands in for a .txt or .md file's contents."""
    return messages_of(path, extract(path) if text is None else parse_plain(path, text))


def source_files(paths: list[Path]) -> list[Path]:
    """The documents named, or found below the folders named, in a stable order."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise CorpusError(f"no such file or folder: {p}")
    if not files:
        raise CorpusError(f"no documents ({', '.join(SUFFIXES)}) found in {', '.join(map(str, paths))}")
    return files


# Sentence splitting (pysbd, pure Python) is most of parsing: 100,000 sections took about two minutes on one
# core. When this many bytes of documents need parsing, they are parsed in a process per core.
PARALLEL_OVER = 2_000_000


@dataclass(frozen=True)
class _Read:
    messages: list[Message]
    format: str
    pages: int


def _parse(path: Path) -> _Read | Unreadable:
    """One file's messages, or why it cannot be read (returned, not raised: it may cross a process boundary)."""
    try:
        found = extract(path)
        return _Read(messages_of(path, found), found.format, found.pages)
    except Unreadable as exc:
        return exc
    except OSError as exc:
        return Unreadable(path, exc.strerror or str(exc))


def _parse_all(paths: list[Path], size: int) -> list[_Read | Unreadable]:
    import multiprocessing
    import os

    workers = min(os.cpu_count() or 1, len(paths))
    if workers < 2 or size < PARALLEL_OVER or "fork" not in multiprocessing.get_all_start_methods():
        return [_parse(f) for f in paths]
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork, not spawn: a spawned child imports the caller's main script again, which a script without a
    # `__main__` guard would run a second time. The children only split text (no FAISS or onnxruntime threads).
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            return list(pool.map(_parse, paths, chunksize=max(1, len(paths) // (4 * workers))))
    except (BrokenProcessPool, OSError):  # no processes to be had here: parse in this one
        return [_parse(f) for f in paths]


def read(paths: list[Path], earlier: dict[str, Parsed] | None = None) -> Corpus:
    """Every readable document below `paths`; the others are listed with the reason, not raised.
    A document `earlier` holds (by id) with the same file name and bytes is not parsed again: its messages
    are reused. CorpusError only when nothing at all can be indexed."""
    earlier = earlier or {}
    files = source_files(paths)
    shas: dict[Path, str | Unreadable] = {}
    for f in files:
        try:
            shas[f] = hashlib.sha256(f.read_bytes()).hexdigest()
        except OSError as exc:
            shas[f] = Unreadable(f, exc.strerror or str(exc))

    def reusable(f: Path) -> Parsed | None:
        known = earlier.get(slug(f.stem))
        return known if known is not None and known.document.sha == shas[f] and known.document.file == f.name else None

    reuse = {f: reusable(f) for f in files if isinstance(shas[f], str)}
    todo = [f for f, known in reuse.items() if known is None]
    got: dict[Path, _Read | Unreadable] = {f: sha for f, sha in shas.items() if isinstance(sha, Unreadable)}
    got |= dict(zip(todo, _parse_all(todo, sum(f.stat().st_size for f in todo))))
    got |= {f: _Read(known.messages, known.document.format, known.document.pages) for f, known in reuse.items() if known}
    messages, documents, skipped, owners = [], [], [], {}
    for f in files:
        doc_id = slug(f.stem)
        if doc_id in owners:
            skipped.append(Unreadable(f, f"its name clashes with {owners[doc_id]}; rename one so message ids stay unique"))
            continue
        parsed = got[f]
        if isinstance(parsed, Unreadable):
            skipped.append(parsed)
            continue
        owners[doc_id] = f
        messages.extend(parsed.messages)
        documents.append((Document(doc_id, parsed.messages[0].document, f.name, parsed.format, parsed.pages,
                                   len(parsed.messages), shas[f]), f))
    if not messages:
        raise CorpusError("nothing could be indexed: " + "; ".join(str(e) for e in skipped))
    return Corpus(messages, documents, skipped)


def load(paths: list[Path]) -> list[Message]:
    """The messages of every readable document below `paths`."""
    return read(paths).messages


def corpus_hash(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for f in source_files(paths):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()
