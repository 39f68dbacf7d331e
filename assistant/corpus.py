"""Source documents → messages → sentences, with character offsets into the verbatim text.

A plain-text document is blocks separated by blank lines. Its first block is the title; a block that
is a single short line without closing punctuation ("Key message 5") is a heading; text between the
title and the first heading is the preamble. Markdown uses `#` headings. Text is never altered.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import CorpusError

SUFFIXES = (".txt", ".md")
PREAMBLE = "Preamble"
_BLOCK = re.compile(r"\S(?:.*?\S)??(?=[ \t]*\n[ \t]*\n|\s*\Z)", re.S)
_MD_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


@dataclass(frozen=True)
class Sentence:
    start: int  # offsets into Message.text
    end: int
    text: str


@dataclass(frozen=True)
class Message:
    id: str
    title: str
    document: str
    text: str
    sentences: tuple[Sentence, ...] = field(default=(), compare=False)

    def sentence_index(self, start: int) -> int:
        return next(i for i, s in enumerate(self.sentences) if s.start == start)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "untitled"


@lru_cache(maxsize=1)
def _segmenter():
    import pysbd

    return pysbd.Segmenter(language="en", clean=False)


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Sentences of `text` from pysbd, each located in the original so text[start:end] holds."""
    out, cursor = [], 0
    for piece in _segmenter().segment(text):
        piece = piece.strip()
        if not piece:
            continue
        start = text.find(piece, cursor)
        if start < 0:  # the segmenter never rewrites text with clean=False; guard anyway
            raise CorpusError(f"sentence segmenter lost its place near offset {cursor}")
        cursor = start + len(piece)
        out.append(Sentence(start, cursor, piece))
    return tuple(out)


def _is_heading(block: str) -> bool:
    bare = block.rstrip().rstrip("\"'”’)]")
    return "\n" not in block and len(block.split()) <= 12 and not bare.endswith((".", "?", "!", ":", ";", ","))


def _sections_txt(text: str) -> tuple[str, list[tuple[str, str]]]:
    blocks = list(_BLOCK.finditer(text))
    if not blocks:
        return "", []
    title, sections, current_title, body = blocks[0].group(0).strip(), [], PREAMBLE, []
    for block in blocks[1:]:
        if _is_heading(block.group(0)):
            sections.append((current_title, body))
            current_title, body = block.group(0).strip(), []
        else:
            body.append(block)
    sections.append((current_title, body))
    # the verbatim span from a section's first block to its last, blank lines between them included
    return title, [(t, text[b[0].start() : b[-1].end()]) for t, b in sections if b]


def _sections_md(text: str) -> tuple[str, list[tuple[str, str]]]:
    heads = list(_MD_HEADING.finditer(text))
    title, sections = "", []
    spans = [(PREAMBLE, 0, heads[0].start() if heads else len(text))]
    for i, h in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
        if not title and h.group(1) == "#":
            title = h.group(2).strip()
            spans[-1] = (PREAMBLE, h.end(), end)
            continue
        spans.append((h.group(2).strip(), h.end(), end))
    for t, s, e in spans:
        body = text[s:e].strip()
        if body:
            sections.append((t, body))
    return title, sections


def parse_document(path: Path, text: str | None = None) -> list[Message]:
    """Messages of one .txt or .md document."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CorpusError(f"cannot read {path}: {exc}") from exc
    text = text.replace("\r\n", "\n").removeprefix("\ufeff")
    title, sections = (_sections_md if path.suffix.lower() == ".md" else _sections_txt)(text)
    if not sections:
        raise CorpusError(f"{path} holds no text to index")
    document = title or path.stem
    seen: dict[str, int] = {}
    messages = []
    for section_title, body in sections:
        mid = base = f"{slug(path.stem)}:{slug(section_title)}"
        while mid in seen:
            seen[base] = seen.get(base, 1) + 1
            mid = f"{base}-{seen[base]}"
        seen[mid] = 1
        messages.append(Message(mid, section_title, document, body, split_sentences(body)))
    return messages


def source_files(paths: list[Path]) -> list[Path]:
    """The .txt/.md files named, or found below the folders named, in a stable order."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in SUFFIXES and f.is_file()))
        elif p.is_file():
            files.append(p)
        else:
            raise CorpusError(f"no such file or folder: {p}")
    if not files:
        raise CorpusError(f"no .txt or .md documents found in {', '.join(map(str, paths))}")
    return files


def load(paths: list[Path]) -> list[Message]:
    messages = [m for f in source_files(paths) for m in parse_document(f)]
    ids = [m.id for m in messages]
    if len(set(ids)) != len(ids):
        raise CorpusError("two documents share a file name; rename one so message ids stay unique")
    return messages


def corpus_hash(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for f in source_files(paths):
        h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
    return h.hexdigest()
